#!/usr/bin/env bash
# The default CTC run with other peak learning rates (optim.lr; the default is 2e-3), everything else
# equal, each compared with the default run.
#   bash experiments/ctc_lr/run.sh     # about 30 min a rate on a 2-core AVX2-only CPU (float32)
# LRS="1e-3 3e-3" picks the rates (default: 1e-3). The baseline is experiments/pointwise_linear's default run
# (runs/pointwise_linear/ctc, or its committed evidence).
source "$(dirname "$0")/../common.sh"
OUT=experiments/ctc_lr/results
mkdir -p "$OUT"
for lr in ${LRS:-1e-3}; do
  "$PY" -m asrbench train optim.lr="$lr" hydra.run.dir="runs/lr/lr$lr" resume=true
  compare_with "lr$lr" runs/pointwise_linear/ctc experiments/pointwise_linear/results/ctc "runs/lr/lr$lr" "$OUT"
  copy_evidence "runs/lr/lr$lr" "$OUT/lr$lr"
done
