#!/usr/bin/env bash
# What twice the demo's training budget buys the default CTC run (12 epochs instead of 6), greedy and with
# the word-list decoders:  bash experiments/ctc_budget/run.sh   (about 50 min on a 2-core CPU)
# Reuses the 6-epoch run of experiments/compare_heads as the baseline (training it when missing).
source "$(dirname "$0")/../common.sh"
OUT=experiments/ctc_budget/results
RUN=runs/ctc_budget/epochs12
BASE=$CTC_BASELINE
"$PY" -m asrbench train trainer.max_epochs=12 hydra.run.dir="$RUN" resume=true
ensure_ctc_baseline
WORDS="${ASRBENCH_DATA:-data}/builtin/lm_text.txt"
for pair in "epochs12:$RUN" "epochs6:$BASE"; do
  name=${pair%%:*} ckpt=$(ls "${pair#*:}"/checkpoints/best-*.ckpt)
  "$PY" -m asrbench eval checkpoint="$ckpt" decoding=lexicon decoding.lexicon.words="$WORDS" \
      hydra.run.dir="runs/ctc_budget/${name}_lexicon"
  "$PY" -m asrbench eval checkpoint="$ckpt" decoding=lexicon_gpt hydra.run.dir="runs/ctc_budget/${name}_lexicon_gpt"
done
mkdir -p "$OUT"
"$PY" -m asrbench compare "$BASE" "$RUN" output="$OUT/compare.json" | tee "$OUT/compare.txt"
cp "$RUN"/{metrics.json,hyps.jsonl} "$OUT/"
cp "$RUN/logs/metrics.csv" "$OUT/training_log.csv"
for run in runs/ctc_budget/*_lexicon*; do
  mkdir -p "$OUT/decoding/$(basename "$run")"
  cp "$run"/{metrics.json,hyps.jsonl} "$OUT/decoding/$(basename "$run")/"
done
