#!/usr/bin/env bash
# The default CTC run before and after conformer_s moved to 60 ms frames without dropout (and the CPU
# trainer to 6 epochs), at the same ~24 CPU-minute budget, plus what each change costs per step:
#   bash experiments/encoder_budget/run.sh
# Trains the previous default (encoder.strides=[2,2], dropout 0.05, 3 epochs) into runs/encoder_budget/previous,
# reuses the compare_heads CTC run as the current default (training it when missing), writes the report
# table and the paired tests into experiments/encoder_budget/results/, then times a training step of each
# encoder variant (step_time.json). About 55 min on a 2-core CPU.
source "$(dirname "$0")/../common.sh"
OUT=experiments/encoder_budget/results
PREVIOUS=runs/encoder_budget/previous
CURRENT=$CTC_BASELINE
"$PY" -m asrbench train "encoder.strides=[2,2]" encoder.dropout=0.05 model.dropout=0.05 trainer.max_epochs=3 \
    bench.utterances=100 hydra.run.dir="$PREVIOUS" resume=true "$@"
ensure_ctc_baseline
mkdir -p "$OUT"
"$PY" -m asrbench report "$PREVIOUS" "$CURRENT" output_dir="$OUT"
"$PY" -m asrbench compare "$PREVIOUS" "$CURRENT" output="$OUT/compare.json" | tee "$OUT/compare.txt"
for run in "$PREVIOUS" "$CURRENT"; do
  name=$(basename "$run")
  mkdir -p "$OUT/$name"
  cp "$run"/{metrics.json,hyps.jsonl} "$OUT/$name/"
  cp "$run/logs/metrics.csv" "$OUT/$name/training_log.csv"
done
"$PY" experiments/encoder_budget/step_time.py --out experiments/encoder_budget/step_time.json
