#!/usr/bin/env bash
# The default CTC run with on-the-fly augmentation next to the same run without it:
#   bash experiments/augmentation/run.sh
# Trains `train data/augment=speed_noise_reverb` (everything else the default, as in compare_heads), reuses
# the compare_heads CTC run as the baseline (training it when missing), then writes the report table and
# the paired significance tests into experiments/augmentation/results/. About 30-45 min on a 2-core CPU.
source "$(dirname "$0")/../common.sh"
OUT=experiments/augmentation/results
BASE=$CTC_BASELINE
AUG=runs/augmentation/speed_noise_reverb
ensure_ctc_baseline
"$PY" -m asrbench train data/augment=speed_noise_reverb bench.utterances=100 hydra.run.dir="$AUG" resume=true "$@"
mkdir -p "$OUT"
"$PY" -m asrbench report "$BASE" "$AUG" output_dir="$OUT"
"$PY" -m asrbench compare "$BASE" "$AUG" output="$OUT/compare.json" | tee "$OUT/compare.txt"
mkdir -p "$OUT/speed_noise_reverb"
cp "$AUG"/{metrics.json,hyps.jsonl} "$AUG"/.hydra/{config.yaml,overrides.yaml} "$OUT/speed_noise_reverb/"
cp "$AUG/logs/metrics.csv" "$OUT/speed_noise_reverb/training_log.csv"
