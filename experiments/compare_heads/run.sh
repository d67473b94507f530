#!/usr/bin/env bash
# Regenerates everything in experiments/compare_heads/results/ from nothing but this repository:
#   bash experiments/compare_heads/run.sh
# Trains CTC, AED and LLM heads on the built-in corpus (building it, and pretraining the LLM head's LM,
# when missing), evaluates them on the held-out voices, runs the latency protocol, then writes the
# report table + plot and the paired significance tests, then two decoding levers (CTC over a word list,
# AED beam 8) on the same checkpoints. About 1 h 30 min on a 2-core CPU, plus 21 min when the LM is missing
# (LEVERS=1 bash experiments/compare_heads/run.sh: two more LLM runs with LoRA, about 1 h more).
source "$(dirname "$0")/../common.sh"
OUT=experiments/compare_heads/results
"$PY" -m asrbench train -m experiment=compare_heads resume=true "$@"
if [[ ${LEVERS:-0} == 1 ]]; then  # LEVERS=1: also the LLM head with LoRA on its LM, from scratch and on Whisper
  "$PY" -m asrbench train -m experiment=compare_heads model=llm model.lm.finetune=lora resume=true "$@"
  ensure_whisper
  "$PY" -m asrbench train -m experiment=compare_heads model=llm model.lm.finetune=lora model.qformer.window=17 \
      encoder=whisper_tiny_en "encoder.checkpoint=$WHISPER" encoder.freeze=true resume=true "$@"
fi
mkdir -p "$OUT"
"$PY" -m asrbench report runs/compare_heads output_dir="$OUT"
"$PY" -m asrbench compare runs/compare_heads/model=ctc runs/compare_heads/model=aed runs/compare_heads/model=llm \
    output="$OUT/compare.json" | tee "$OUT/compare.txt"
for run in runs/compare_heads/*/; do
  copy_evidence "$run" "$OUT/$(basename "$run")"  # training_log.csv has the dev WER per epoch
done
LM_METRICS=runs/compare_heads/model=llm/lm/metrics.json  # the LM's pretraining, when this sweep ran it
[ ! -f "$LM_METRICS" ] || cp "$LM_METRICS" "$OUT/model=llm/lm_metrics.json"
# What the frozen LM scores on the dev transcripts with no speech tokens: the LLM head's floor to beat.
"$PY" experiments/compare_heads/lm_text_only.py "${ASRBENCH_DATA:-data}/builtin/lm/gpt.ckpt" --text-position 96 \
    | tail -1 > "$OUT/model=llm/text_only_dev_loss.txt"
# Decoding levers on the same checkpoints, no retraining: CTC restricted to a word list; AED beam 8 with
# joint CTC/attention scoring; LLM beam 8.
DEC=runs/compare_heads_decoding
CTC_BEST=$(ls "$CTC_BASELINE"/checkpoints/best-*.ckpt)
"$PY" -m asrbench eval checkpoint="$CTC_BEST" decoding=lexicon \
    decoding.lexicon.words="${ASRBENCH_DATA:-data}/builtin/lm_text.txt" hydra.run.dir="$DEC/ctc_lexicon"
"$PY" -m asrbench eval checkpoint="$CTC_BEST" decoding=lexicon_gpt \
    hydra.run.dir="$DEC/ctc_lexicon_gpt"  # the word list's 16 best rescored by the built-in LM
"$PY" -m asrbench eval checkpoint="$(ls runs/compare_heads/model=aed/checkpoints/best-*.ckpt)" decoding=beam \
    hydra.run.dir="$DEC/aed_beam8"
"$PY" -m asrbench eval checkpoint="$(ls runs/compare_heads/model=llm/checkpoints/best-*.ckpt)" decoding=beam \
    hydra.run.dir="$DEC/llm_beam8"
"$PY" -m asrbench compare runs/compare_heads/model=ctc "$DEC/ctc_lexicon" "$DEC/ctc_lexicon_gpt" runs/compare_heads/model=aed \
    "$DEC/aed_beam8" runs/compare_heads/model=llm "$DEC/llm_beam8" output="$OUT/compare_decoding.json" \
    | tee "$OUT/compare_decoding.txt"
for run in "$DEC"/*/; do
  mkdir -p "$OUT/decoding/$(basename "$run")"
  cp "$run"/{metrics.json,hyps.jsonl} "$OUT/decoding/$(basename "$run")/"
done
if [[ ${LEVERS:-0} == 1 ]]; then
  "$PY" -m asrbench compare runs/compare_heads/model=llm "runs/compare_heads/model.lm.finetune=lora,model=llm" \
      "runs/compare_heads/encoder.freeze=True,encoder=whisper_tiny_en,model.lm.finetune=lora,model.qformer.window=17,model=llm" \
      output="$OUT/compare_llm_lora.json" | tee "$OUT/compare_llm_lora.txt"
fi
