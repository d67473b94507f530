#!/usr/bin/env bash
# The default CTC run with other sentencepiece inventories (tokenizer.vocab_size; the default is 256),
# everything else equal, each compared with the default run; then what each inventory asks of 60 ms frames.
#   bash experiments/ctc_units/run.sh     # about 35 min a size on a 2-core AVX2-only CPU (float32)
# SIZES="512 1024" picks the sizes (default: 128 512 1024). The baseline is experiments/pointwise_linear's default run
# (runs/pointwise_linear/ctc, or its committed evidence).
source "$(dirname "$0")/../common.sh"
OUT=experiments/ctc_units/results
mkdir -p "$OUT"
for size in ${SIZES:-128 512 1024}; do
  "$PY" -m asrbench train tokenizer.vocab_size="$size" hydra.run.dir="runs/ctc_units/sp$size" resume=true
  compare_with "sp$size" runs/pointwise_linear/ctc experiments/pointwise_linear/results/ctc \
      "runs/ctc_units/sp$size" "$OUT"
  copy_evidence "runs/ctc_units/sp$size" "$OUT/sp$size"
done
"$PY" experiments/ctc_units/units.py
