#!/usr/bin/env bash
# The AED run of experiments/compare_heads with a heavier auxiliary CTC loss (model.ctc_weight=0.5, 0.7 and
# 0.9 against 0.3, the default until this experiment). Each run is decoded greedy, with beam 8 and with the word
# 4-gram fused in (chosen on dev over experiments/mean_norm's grid), scoring joint CTC/attention at 0.3
# (decoding.ctc_weight, today's default), greedy and beam 8 also at its training weight (the previous
# behaviour); each is paired with the 0.3 run of experiments/mean_norm decoded the same way. The joint
# weights 0, 0.3, 0.5 and 0.7 are also scored on dev for every run (the 0.3 run when its checkpoint exists).
#   bash experiments/aed_ctc_weight/run.sh              # about 55 min per weight on a 2-core AVX2-only CPU (float32)
#   WEIGHTS=0.9 bash experiments/aed_ctc_weight/run.sh  # only the weights listed
#   WEIGHTS= SEED1=1 bash experiments/aed_ctc_weight/run.sh   # only the second seed of 0.7 (see the end)
source "$(dirname "$0")/../common.sh"
OUT=experiments/aed_ctc_weight/results
DATA=${ASRBENCH_DATA:-data}/builtin
BASE=experiments/mean_norm/results   # the 0.3 run's committed evidence, when runs/mean_norm is absent
WORK=runs/aed_ctc_weight
mkdir -p "$OUT"
ensure_ngram

joint_dev_grid() {  # joint_dev_grid CKPT NAME (skipped when scored already)
  [ -f "$WORK/joint_dev/$2/b8_j0.7/metrics.json" ] && return
  "$PY" -m asrbench eval -m checkpoint="$1" data.test_manifest="$DATA/dev.jsonl" decoding=greedy,beam \
      decoding.ctc_weight=0,0.3,0.5,0.7 hydra.sweep.dir="$WORK/joint_dev/$2" \
      'hydra.sweep.subdir=b${decoding.beam_size}_j${decoding.ctc_weight}'
}
for ckpt in runs/mean_norm/aed/checkpoints/best-*.ckpt; do [ -f "$ckpt" ] && joint_dev_grid "$ckpt" cw03; done

# Trains RUN (the AED of compare_heads with OVERRIDES), decodes its best checkpoint with beam 8, copies the
# evidence and pairs greedy and beam 8 with the 0.3 run.
train_and_pair() {  # train_and_pair NAME RUN OVERRIDES...
  local name=$1 run=$2
  shift 2
  "$PY" -m asrbench train experiment=compare_heads model=aed "$@" hydra.run.dir="$run" \
      resume=true   # ends with the greedy test decode at decoding.ctc_weight=0.3
  "$PY" -m asrbench eval checkpoint="$(ls "$run"/checkpoints/best-*.ckpt)" decoding=beam hydra.run.dir="$run/beam"
  copy_evidence "$run" "$OUT/$name"
  copy_scores "$run/beam" "$OUT/${name}_beam"
  compare_with "${name}_greedy" runs/mean_norm/aed "$BASE/aed" "$run" "$OUT"
  compare_with "${name}_beam" runs/mean_norm/aed/beam "$BASE/aed_beam" "$run/beam" "$OUT"
}

for weight in ${WEIGHTS-0.5 0.7 0.9}; do
  name=cw${weight/./}
  run=$WORK/$name
  train_and_pair "$name" "$run" model.ctc_weight="$weight"
  ckpt=$(ls "$run"/checkpoints/best-*.ckpt)
  joint_dev_grid "$ckpt" "$name"
  fusion_tuned_on_dev "$ckpt" "$run/dev_grid" "$run/ngram_fusion" \
      decoding.ngram.weight=0.3,0.5,0.8 decoding.ngram.word_bonus=0,0.5,1 decoding.ngram.oov_score=-10
  for decoding in greedy beam; do
    "$PY" -m asrbench eval checkpoint="$ckpt" decoding=$decoding decoding.ctc_weight=null \
        hydra.run.dir="$run/${decoding}_at_training_weight"
  done
  for decoding in ngram_fusion greedy_at_training_weight beam_at_training_weight; do
    copy_scores "$run/$decoding" "$OUT/${name}_$decoding"
  done
  compare_with "${name}_ngram_fusion" runs/mean_norm/aed/ngram_fusion "$BASE/aed_ngram_fusion" "$run/ngram_fusion" "$OUT"
  compare_with "${name}_greedy_at_training_weight" runs/mean_norm/aed "$BASE/aed" "$run/greedy_at_training_weight" "$OUT"
  compare_with "${name}_beam_at_training_weight" runs/mean_norm/aed/beam "$BASE/aed_beam" "$run/beam_at_training_weight" "$OUT"
done
[ ! -d "$WORK/joint_dev" ] || "$PY" experiments/aed_ctc_weight/joint_dev.py "$WORK/joint_dev" "$OUT/joint_dev.json"

# SEED1=1: a second training seed of the 0.7 run (today's default), paired with the 0.3 run and with seed 0.
if [[ ${SEED1:-0} == 1 ]]; then
  train_and_pair cw07_seed1 "$WORK/cw07_seed1" seed=1
  compare_with cw07_seed1_vs_seed0 "$WORK/cw07" "$OUT/cw07" "$WORK/cw07_seed1" "$OUT"
fi
