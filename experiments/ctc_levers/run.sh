#!/usr/bin/env bash
# Cheap levers on the default CTC run, each alone at the demo's training budget (about 2010 steps), against
# the compare_heads CTC run:  bash experiments/ctc_levers/run.sh   (about 100 min on a 2-core CPU)
#   speed       data/augment=speed          speed perturbation 0.9/1.0/1.1 (Ko et al. 2015)
#   sortagrad   data.sortagrad_epochs=1     the first epoch shortest utterances first (Amodei et al. 2016)
#   data16k_e3  16,000 training utterances for 3 epochs instead of 8,000 for 6 (a second corpus folder,
#               synthesised by train when missing; dev and test are the default corpus's)
#   data16k_e3_speed  both
source "$(dirname "$0")/../common.sh"
OUT=experiments/ctc_levers/results
BASE=$CTC_BASELINE
RUNS=(runs/ctc_levers/speed runs/ctc_levers/sortagrad runs/ctc_levers/data16k_e3 runs/ctc_levers/data16k_e3_speed)
DATA16K=(corpus.out_dir="${ASRBENCH_DATA:-data}/builtin16k" corpus.n_train=16000 trainer.max_epochs=3)
"$PY" -m asrbench train data/augment=speed hydra.run.dir="${RUNS[0]}" resume=true
"$PY" -m asrbench train data.sortagrad_epochs=1 hydra.run.dir="${RUNS[1]}" resume=true
"$PY" -m asrbench train "${DATA16K[@]}" hydra.run.dir="${RUNS[2]}" resume=true
"$PY" -m asrbench train "${DATA16K[@]}" data/augment=speed hydra.run.dir="${RUNS[3]}" resume=true
ensure_ctc_baseline
mkdir -p "$OUT"
"$PY" -m asrbench compare "$BASE" "${RUNS[@]}" output="$OUT/compare.json" | tee "$OUT/compare.txt"
"$PY" -m asrbench report "$BASE" "${RUNS[@]}" output_dir="$OUT"
ckpt=$(ls "${RUNS[2]}"/checkpoints/best-*.ckpt)
"$PY" -m asrbench eval checkpoint="$ckpt" decoding=lexicon_gpt hydra.run.dir=runs/ctc_levers/data16k_e3_lexicon_gpt
mkdir -p "$OUT/decoding/data16k_e3_lexicon_gpt"
cp runs/ctc_levers/data16k_e3_lexicon_gpt/{metrics.json,hyps.jsonl} "$OUT/decoding/data16k_e3_lexicon_gpt/"
for run in "${RUNS[@]}"; do
  mkdir -p "$OUT/$(basename "$run")"
  cp "$run"/{metrics.json,hyps.jsonl} "$OUT/$(basename "$run")/"
  cp "$run/logs/metrics.csv" "$OUT/$(basename "$run")/training_log.csv"
done
