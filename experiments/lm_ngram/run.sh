#!/usr/bin/env bash
# Word n-gram LMs (IRSTLM, read by KenLM) inside CTC's word-list search, on the default CTC run: a dev grid
# over order x LM weight x word score, then test; then the built-in GPT rescoring the chosen search's 16-best.
#   bash experiments/lm_ngram/run.sh     # about 25 min on a 2-core CPU (+30 min to train the CTC run when missing)
# The CTC run is experiments/pointwise_linear's default run (the demo's config until mean_norm became the default).
source "$(dirname "$0")/../common.sh"
OUT=experiments/lm_ngram/results
RUN=runs/pointwise_linear/ctc
[ -f "$RUN/hyps.jsonl" ] || "$PY" -m asrbench train frontend.mean_norm=false hydra.run.dir="$RUN" resume=true
ensure_lm
CKPT=$(ls "$RUN"/checkpoints/best-*.ckpt)
mkdir -p "$OUT/gpt"
"$PY" experiments/lm_ngram/run.py "$CKPT" --out "$OUT" | tee "$OUT/run.log"
"$PY" experiments/lm_ngram/run.py "$CKPT" --orders 4 --lm-weights 1.0 --word-scores 0.0 \
  --rescore data/builtin/lm/gpt.ckpt --out "$OUT/gpt" | tee "$OUT/gpt/run.log"
rm -f "$OUT"/*.arpa "$OUT"/gpt/*.arpa   # 8-14 MB each; `python -m asrbench ngram` rebuilds them
