#!/usr/bin/env bash
# The CTC and AED runs of experiments/compare_heads with an exponential moving average of the weights
# (averaging=ema: decay 0.998 from step 500 of 2013), and the CTC run with decay 0.99 (a 100-step memory).
# Each run's best checkpoint holds the average and the raw weights it averaged, so the two are decoded and
# paired on the same training run; the average is also paired with the compare_heads run (its committed
# evidence when runs/compare_heads lacks it).
#   bash experiments/weight_averaging/run.sh   # about 50 min on a 2-core CPU (two runs side by side, then one)
source "$(dirname "$0")/../common.sh"
OUT=experiments/weight_averaging/results
RUNS=runs/weight_averaging
mkdir -p "$OUT" "$RUNS"
for head in ctc aed; do  # threads=1: the two runs share the two cores
  "$PY" -m asrbench train experiment=compare_heads model=$head averaging=ema threads=1 \
      hydra.run.dir="$RUNS/$head" resume=true > "$RUNS/$head.log" 2>&1 &
done
wait
"$PY" -m asrbench train experiment=compare_heads model=ctc averaging=ema averaging.decay=0.99 threads=1 \
    hydra.run.dir="$RUNS/ctc_decay099" resume=true > "$RUNS/ctc_decay099.log" 2>&1
for name in ctc aed ctc_decay099; do
  head=${name%%_*}
  run=$RUNS/$name
  "$PY" -m asrbench eval checkpoint="$(ls "$run"/checkpoints/best-*.ckpt)" weights=raw hydra.run.dir="$run/raw"
  copy_evidence "$run" "$OUT/$name"
  copy_scores "$run/raw" "$OUT/${name}_raw"
  compare_with "${name}_vs_raw" "$run/raw" "$OUT/${name}_raw" "$run" "$OUT"
  compare_with "${name}_vs_compare_heads" "runs/compare_heads/model=$head" \
      "experiments/compare_heads/results/model=$head" "$run" "$OUT"
done
