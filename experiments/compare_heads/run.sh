#!/usr/bin/env bash
# Regenerates everything in experiments/compare_heads/results/ from nothing but this repository:
#   bash experiments/compare_heads/run.sh
# Trains CTC, AED and LLM heads on the built-in corpus (building it, and pretraining the LLM head's LM,
# when missing), evaluates them on the held-out voices, runs the latency protocol, then writes the
# report table + plot and the paired significance tests. About 1.5 h on a 2-core CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
export COLUMNS=${COLUMNS:-160}   # the tables written by tee stay readable
OUT=experiments/compare_heads/results
"$PY" -m asrbench train -m experiment=compare_heads resume=true "$@"
mkdir -p "$OUT"
"$PY" -m asrbench report runs/compare_heads output_dir="$OUT"
"$PY" -m asrbench compare runs/compare_heads/model=ctc runs/compare_heads/model=aed runs/compare_heads/model=llm \
    output="$OUT/compare.json" | tee "$OUT/compare.txt"
for head in ctc aed llm; do  # the per-run evidence, without the checkpoints
  mkdir -p "$OUT/model=$head"
  cp runs/compare_heads/model=$head/{metrics.json,hyps.jsonl} "$OUT/model=$head/"
  cp runs/compare_heads/model=$head/.hydra/{config.yaml,overrides.yaml} "$OUT/model=$head/"
  cp runs/compare_heads/model=$head/logs/metrics.csv "$OUT/model=$head/training_log.csv"  # dev WER per epoch
done
cp runs/compare_heads/model=llm/lm/metrics.json "$OUT/model=llm/lm_metrics.json"  # the LM's pretraining
