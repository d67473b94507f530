#!/usr/bin/env bash
# The default CTC run with the Conformer's pointwise layers as Linear (since commit 53a2b18), compared with
# the same run before the change (experiments/stem_width's 32-channel run), then the step time of both forms.
#   bash experiments/pointwise_linear/run.sh     # about 35 min on a 2-core AVX2-only CPU (float32)
source "$(dirname "$0")/../common.sh"
OUT=experiments/pointwise_linear/results
"$PY" -m asrbench train frontend.mean_norm=false hydra.run.dir=runs/pointwise_linear/ctc resume=true  # as recorded
mkdir -p "$OUT"
before=experiments/stem_width/results/stem32   # committed evidence; runs/stem_width/stem32 when present
compare_with conv1d runs/stem_width/stem32 "$before" runs/pointwise_linear/ctc "$OUT"
copy_evidence runs/pointwise_linear/ctc "$OUT/ctc"
"$PY" experiments/pointwise_linear/step_time.py
