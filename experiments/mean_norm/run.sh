#!/usr/bin/env bash
# The demo's CTC run with per-utterance mean normalisation of the log-Mel features (frontend.mean_norm=true),
# compared (paired, by voice group) with the default run of experiments/pointwise_linear, greedy and with the
# word 4-gram in CTC's word search (decoding=lexicon_ngram, against experiments/lm_ngram's hypotheses).
#   bash experiments/mean_norm/run.sh    # about 30 min on a 2-core AVX2-only CPU (float32)
source "$(dirname "$0")/../common.sh"
OUT=experiments/mean_norm/results
RUN=runs/mean_norm/ctc
DATA=${ASRBENCH_DATA:-data}/builtin
"$PY" -m asrbench train frontend.mean_norm=true hydra.run.dir="$RUN" resume=true
[ -f "$DATA/lm/4gram.arpa" ] || "$PY" -m asrbench ngram
"$PY" -m asrbench eval checkpoint="$(ls "$RUN"/checkpoints/best-*.ckpt)" decoding=lexicon_ngram \
    hydra.run.dir="$RUN/lexicon_ngram"
mkdir -p "$OUT"
copy_evidence "$RUN" "$OUT/ctc"
mkdir -p "$OUT/ctc_lexicon_ngram" && cp "$RUN"/lexicon_ngram/{metrics.json,hyps.jsonl} "$OUT/ctc_lexicon_ngram/"
compare_with greedy runs/pointwise_linear/ctc experiments/pointwise_linear/results/ctc "$RUN" "$OUT"
BASE_NGRAM=runs/mean_norm/default_lexicon_ngram
ctc_lexicon_ngram_run "$BASE_NGRAM"
compare_with lexicon_ngram "$BASE_NGRAM" "$BASE_NGRAM" "$RUN/lexicon_ngram" "$OUT"
