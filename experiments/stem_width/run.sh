#!/usr/bin/env bash
# The default CTC run with the conv2d stem 32 channels wide (conformer_s's default since commit 61469e0)
# against 64 (the default before), everything else equal; the AED and LLM heads of experiments/compare_heads
# with the 32-channel stem against their 64-channel runs; then the step time of each stem width.
#   bash experiments/stem_width/run.sh     # about 2 h 55 min on a 2-core AVX2-only CPU (float32)
# The committed CTC comparison used compare_heads' CTC run (64 channels) as its baseline, not a stem64 run
# of this script: compare_with falls back to that evidence when runs/stem_width/stem64 is missing, so
# SKIP_64=1 reproduces it without the 42-minute baseline.
source "$(dirname "$0")/../common.sh"
OUT=experiments/stem_width/results
[ "${SKIP_64:-0}" = 1 ] || "$PY" -m asrbench train encoder.stem_channels=64 hydra.run.dir=runs/stem_width/stem64 resume=true
"$PY" -m asrbench train encoder.stem_channels=32 hydra.run.dir=runs/stem_width/stem32 resume=true
"$PY" -m asrbench train experiment=compare_heads model=aed encoder.stem_channels=32 \
    hydra.run.dir=runs/stem_width/aed32 resume=true
"$PY" -m asrbench train experiment=compare_heads model=llm encoder.stem_channels=32 \
    hydra.run.dir=runs/stem_width/llm32 resume=true
mkdir -p "$OUT"
compare_with 64 runs/stem_width/stem64 "experiments/compare_heads/results/929ce70/model=ctc" runs/stem_width/stem32 "$OUT"
aed64="experiments/compare_heads/results/929ce70/model=aed"   # the committed 64-channel run (commit 929ce70)
compare_with aed64 "$aed64" "$aed64" runs/stem_width/aed32 "$OUT"
llm64="experiments/compare_heads/results/929ce70/model=llm"
compare_with llm64 "$llm64" "$llm64" runs/stem_width/llm32 "$OUT"
copy_evidence runs/stem_width/stem32 "$OUT/stem32"
copy_evidence runs/stem_width/aed32 "$OUT/aed32"
copy_evidence runs/stem_width/llm32 "$OUT/llm32"
"$PY" experiments/stem_width/step_time.py
