#!/usr/bin/env bash
# More training speakers for the held-out flite voice rms: the default CTC run (compare_heads budget, threads=1)
# on corpora whose flite (and festival) training utterances are warped (corpus.warp, their frequencies scaled
# by a factor drawn from 0.8-1.2) and, second, with festival's voices added (corpus.festival=true). Each is
# decoded greedily and with the word 4-gram (decoding=lexicon_ngram), and paired with the compare_heads CTC run,
# by voice group. The test split is the same utterances in every corpus (test audio is never warped).
#   bash experiments/voice_diversity/run.sh   # about 50 min on a 2-core CPU with fast bf16; twice that in float32
source "$(dirname "$0")/../common.sh"
OUT=experiments/voice_diversity/results
DATA=${ASRBENCH_DATA:-data}
mkdir -p "$OUT"
ensure_ctc_baseline
ensure_ngram
lexicon_ngram() {  # lexicon_ngram RUN_DIR: the best checkpoint decoded with the 4-gram into RUN_DIR/lexicon_ngram
  [ -f "$1/lexicon_ngram/hyps.jsonl" ] || "$PY" -m asrbench eval checkpoint="$(ls "$1"/checkpoints/best-*.ckpt)" \
      decoding=lexicon_ngram hydra.run.dir="$1/lexicon_ngram"
}
lexicon_ngram "$CTC_BASELINE"
copy_evidence "$CTC_BASELINE" "$OUT/default"   # recorded with threads=1, as the variants
copy_scores "$CTC_BASELINE/lexicon_ngram" "$OUT/default_lexicon_ngram"
variant() {  # variant NAME CORPUS_OVERRIDES...: train on corpus DATA/builtin_NAME, decode, compare, keep evidence
  local name=$1 run=runs/voices/$1
  shift
  "$PY" -m asrbench train corpus.out_dir="$DATA/builtin_$name" "$@" threads=1 hydra.run.dir="$run" resume=true
  lexicon_ngram "$run"
  copy_evidence "$run" "$OUT/$name"
  copy_scores "$run/lexicon_ngram" "$OUT/${name}_lexicon_ngram"
  compare_with "$name" "$CTC_BASELINE" "$OUT/default" "$run" "$OUT"
  compare_with "${name}_lexicon_ngram" "$CTC_BASELINE/lexicon_ngram" "$OUT/default_lexicon_ngram" \
      "$run/lexicon_ngram" "$OUT"
}
variant warp 'corpus.warp=[0.8,1.2]'
variant festival_warp corpus.festival=true 'corpus.warp=[0.8,1.2]'
