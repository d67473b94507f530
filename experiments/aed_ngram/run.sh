#!/usr/bin/env bash
# Word n-gram shallow fusion in the AED head's beam search (decoding=ngram_fusion) on experiments/stem_width's
# AED run (compare_heads budget, 32-channel stem): a dev grid over LM weight x word bonus x OOV score (beam 8
# with the head's joint CTC scoring, as decoding=beam), then test with the values dev chose, compared
# (paired) with decoding=beam alone; then the same fusion on the LLM head and a few decoding settings, on dev.
#   bash experiments/aed_ngram/run.sh   # about 25 min on a 2-core CPU (+43 min to train the AED run when missing)
source "$(dirname "$0")/../common.sh"
OUT=experiments/aed_ngram/results
RUN=runs/stem_width/aed32
WORK=runs/aed_ngram
DATA=${ASRBENCH_DATA:-data}/builtin
[ -f "$RUN/hyps.jsonl" ] || "$PY" -m asrbench train experiment=compare_heads model=aed encoder.stem_channels=32 \
    hydra.run.dir="$RUN" resume=true
ensure_ngram
CKPT=$(ls "$RUN"/checkpoints/best-*.ckpt)
mkdir -p "$OUT"
"$PY" -m asrbench eval checkpoint="$CKPT" data.test_manifest="$DATA/dev.jsonl" decoding=beam \
    hydra.run.dir="$WORK/dev/beam"
fusion_tuned_on_dev "$CKPT" "$WORK/dev/grid" "$WORK/test/ngram_fusion" \
    decoding.ngram.weight=0.3,0.5,0.8 decoding.ngram.word_bonus=0,0.5,1,2 decoding.ngram.oov_score=-10,-inf
"$PY" -m asrbench report "$WORK/dev" output_dir="$OUT/dev"
"$PY" -m asrbench eval checkpoint="$CKPT" decoding=beam hydra.run.dir="$WORK/test/beam"
for run in beam ngram_fusion; do  # the latency protocol (batch 1, 1 thread) into each test run's metrics.json
  "$PY" -m asrbench bench checkpoint="$CKPT" decoding="$run" output_dir="$WORK/test/$run"
  mkdir -p "$OUT/$run" && cp "$WORK/test/$run"/{metrics.json,hyps.jsonl} "$WORK/test/$run"/.hydra/overrides.yaml "$OUT/$run/"
done
"$PY" -m asrbench report "$WORK/test" output_dir="$OUT/test"
compare_with fusion_vs_beam "$WORK/test/beam" "$OUT/beam" "$WORK/test/ngram_fusion" "$OUT"
compare_with fusion_vs_greedy "$RUN" experiments/stem_width/results/aed32 "$WORK/test/ngram_fusion" "$OUT"
# Both heads with the same 4-gram: the demo-config CTC run's word search (experiments/lm_ngram's hypotheses)
CTC_NGRAM=$WORK/ctc_lexicon_ngram
ctc_lexicon_ngram_run "$CTC_NGRAM"
compare_with fusion_vs_ctc_lexicon_ngram "$CTC_NGRAM" "$CTC_NGRAM" "$WORK/test/ngram_fusion" "$OUT"
# The LLM head (experiments/llm_ctc_finetune's fully fine-tuned run), dev only: beam 8 alone and with fusion
LLM_RUN=runs/llm_ctc_full
if [ -f "$LLM_RUN/hyps.jsonl" ]; then
  LLM_CKPT=$(ls "$LLM_RUN"/checkpoints/best-*.ckpt)
  "$PY" -m asrbench eval checkpoint="$LLM_CKPT" data.test_manifest="$DATA/dev.jsonl" decoding=beam \
      hydra.run.dir="$WORK/llm_dev/beam"
  "$PY" -m asrbench eval -m checkpoint="$LLM_CKPT" data.test_manifest="$DATA/dev.jsonl" decoding=ngram_fusion \
      decoding.ngram.weight=0.1,0.2,0.5 hydra.sweep.dir="$WORK/llm_dev/fusion" 'hydra.sweep.subdir=w${decoding.ngram.weight}'
  "$PY" -m asrbench report "$WORK/llm_dev" output_dir="$OUT/llm_dev"
fi
# Wider beam and the joint CTC weight under fusion, dev only
"$PY" -m asrbench eval -m checkpoint="$CKPT" data.test_manifest="$DATA/dev.jsonl" decoding=ngram_fusion \
    decoding.beam_size=8,16 decoding.ctc_weight=0.0,0.3,0.5 hydra.sweep.dir="$WORK/dev_search" \
    'hydra.sweep.subdir=beam${decoding.beam_size}_ctc${decoding.ctc_weight}'
"$PY" -m asrbench eval -m checkpoint="$CKPT" data.test_manifest="$DATA/dev.jsonl" decoding=ngram_fusion \
    decoding.length_penalty=0.5,1.0 hydra.sweep.dir="$WORK/dev_search" 'hydra.sweep.subdir=lp${decoding.length_penalty}'
"$PY" -m asrbench report "$WORK/dev_search" output_dir="$OUT/dev_search"
