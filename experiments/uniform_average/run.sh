#!/usr/bin/env bash
# experiments/fifteen_epochs' CTC and AED runs again, each with the plain mean of its weights over the last 5
# of its 15 epochs (averaging=uniform from step 6710 of 10065). A best checkpoint holds the average and the
# raw weights beside it, so the two are decoded and paired on one training run: CTC greedy and with the word
# 4-gram (decoding=lexicon_ngram); AED greedy, beam 8, and the 4-gram fused in (weights chosen on dev for each).
# The averages are also paired with fifteen_epochs' runs. The two train side by side at threads=1.
#   bash experiments/uniform_average/run.sh   # about 130 min on a 2-core CPU with fast bf16
source "$(dirname "$0")/../common.sh"
OUT=experiments/uniform_average/results
DATA=${ASRBENCH_DATA:-data}/builtin
mkdir -p "$OUT"
ensure_ngram
for model in ctc aed; do
  run=runs/${model}_15ep_uniform
  "$PY" -m asrbench train experiment=compare_heads model=$model trainer.max_epochs=15 averaging=uniform \
      averaging.start_step=6710 threads=1 resume=true hydra.run.dir="$run" > "$run.log" 2>&1 &
done
wait
for model in ctc aed; do
  run=runs/${model}_15ep_uniform
  "$PY" -m asrbench eval checkpoint="$(ls "$run"/checkpoints/best-*.ckpt)" weights=raw hydra.run.dir="$run/raw"
  copy_evidence "$run" "$OUT/${model}_averaged"
  copy_scores "$run/raw" "$OUT/${model}_raw"
  compare_with "${model}_averaged_vs_raw" "$run/raw" "$OUT/${model}_raw" "$run" "$OUT"
  compare_with "${model}_averaged_vs_fifteen_epochs" "runs/${model}_15ep" \
      "experiments/fifteen_epochs/results/$model" "$run" "$OUT"
done
# CTC with the word 4-gram in its search.
RUN=runs/ctc_15ep_uniform
CKPT=$(ls "$RUN"/checkpoints/best-*.ckpt)
"$PY" -m asrbench eval checkpoint="$CKPT" decoding=lexicon_ngram hydra.run.dir="$RUN/lexicon_ngram"
"$PY" -m asrbench eval checkpoint="$CKPT" weights=raw decoding=lexicon_ngram hydra.run.dir="$RUN/raw/lexicon_ngram"
# AED with beam 8 and with the 4-gram fused in, its weights chosen on dev for the average and the raw weights.
RUN=runs/aed_15ep_uniform
CKPT=$(ls "$RUN"/checkpoints/best-*.ckpt)
for weights in averaged raw; do
  dir=$RUN; [ $weights = raw ] && dir=$RUN/raw
  "$PY" -m asrbench eval checkpoint="$CKPT" weights=$weights decoding=beam hydra.run.dir="$dir/beam"
  fusion_tuned_on_dev "$CKPT" "$dir/dev_grid" "$dir/ngram_fusion" weights=$weights \
      decoding.ngram.weight=0.3,0.5,0.8 decoding.ngram.word_bonus=0,0.5,1 decoding.ngram.oov_score=-10
  "$PY" -m asrbench report "$dir/dev_grid" output_dir="$OUT/aed_${weights}_dev_grid"
done
for decoding in lexicon_ngram beam ngram_fusion; do
  model=aed; [ $decoding = lexicon_ngram ] && model=ctc
  run=runs/${model}_15ep_uniform
  copy_scores "$run/$decoding" "$OUT/${model}_averaged_$decoding"
  copy_scores "$run/raw/$decoding" "$OUT/${model}_raw_$decoding"
  compare_with "${model}_averaged_vs_raw_$decoding" "$run/raw/$decoding" "$OUT/${model}_raw_$decoding" \
      "$run/$decoding" "$OUT"
  compare_with "${model}_averaged_vs_fifteen_epochs_$decoding" "runs/${model}_15ep/$decoding" \
      "experiments/fifteen_epochs/results/${model}_$decoding" "$run/$decoding" "$OUT"
done
