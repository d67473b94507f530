#!/usr/bin/env bash
# Half the default batch (data.batch_seconds=40 against 80: twice the optimiser steps over the same 3 epochs)
# for the demo's CTC run and the AED run of experiments/compare_heads, each paired with its default-batch run
# of experiments/mean_norm (greedy, and with the decoders that use the word 4-gram); then the training cost
# per second of audio for batch sizes 80, 40 and 20.
#   bash experiments/batch_size/run.sh    # about 1 h 20 min on a 2-core AVX2-only CPU (float32)
source "$(dirname "$0")/../common.sh"
OUT=experiments/batch_size/results
DATA=${ASRBENCH_DATA:-data}/builtin
CTC=runs/batch_size/ctc_b40
AED=runs/batch_size/aed_b40
"$PY" -m asrbench train data.batch_seconds=40 hydra.run.dir="$CTC" resume=true
ensure_ngram
"$PY" -m asrbench eval checkpoint="$(ls "$CTC"/checkpoints/best-*.ckpt)" decoding=lexicon_ngram \
    hydra.run.dir="$CTC/lexicon_ngram"
"$PY" -m asrbench train experiment=compare_heads model=aed data.batch_seconds=40 hydra.run.dir="$AED" resume=true
AED_CKPT=$(ls "$AED"/checkpoints/best-*.ckpt)
"$PY" -m asrbench eval checkpoint="$AED_CKPT" decoding=beam hydra.run.dir="$AED/beam"
fusion_tuned_on_dev "$AED_CKPT" "$AED/dev_grid" "$AED/ngram_fusion" \
    decoding.ngram.weight=0.3,0.5,0.8 decoding.ngram.word_bonus=0,0.5,1 decoding.ngram.oov_score=-10
mkdir -p "$OUT"
copy_evidence "$CTC" "$OUT/ctc_b40"
copy_scores "$CTC/lexicon_ngram" "$OUT/ctc_b40_lexicon_ngram"
copy_evidence "$AED" "$OUT/aed_b40"
for decoding in beam ngram_fusion; do copy_scores "$AED/$decoding" "$OUT/aed_b40_$decoding"; done
BASE=experiments/mean_norm/results   # the default-batch runs' committed evidence, when runs/mean_norm is absent
compare_with ctc runs/mean_norm/ctc "$BASE/ctc" "$CTC" "$OUT"
compare_with ctc_lexicon_ngram runs/mean_norm/ctc/lexicon_ngram "$BASE/ctc_lexicon_ngram" "$CTC/lexicon_ngram" "$OUT"
compare_with aed runs/mean_norm/aed "$BASE/aed" "$AED" "$OUT"
compare_with aed_beam runs/mean_norm/aed/beam "$BASE/aed_beam" "$AED/beam" "$OUT"
compare_with aed_ngram_fusion runs/mean_norm/aed/ngram_fusion "$BASE/aed_ngram_fusion" "$AED/ngram_fusion" "$OUT"
"$PY" experiments/batch_size/step_time.py
