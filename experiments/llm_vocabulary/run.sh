#!/usr/bin/env bash
# The LLM head with speech tokens in its frozen LM's embedding language (model=llm_vocabulary) on the budget
# of experiments/compare_heads, then paired comparisons with that sweep's LLM and CTC runs (the committed
# evidence in experiments/compare_heads/results when runs/compare_heads is absent).
#   bash experiments/llm_vocabulary/run.sh     # about 50 min on a 2-core CPU (+35 min to pretrain the LM)
source "$(dirname "$0")/../common.sh"
OUT=experiments/llm_vocabulary/results
RUN=runs/llm_vocabulary
"$PY" -m asrbench train experiment=compare_heads model=llm_vocabulary hydra.run.dir="$RUN" resume=true
mkdir -p "$OUT"
for head in llm ctc aed; do
  compare_with "$head" "runs/compare_heads/model=$head" "experiments/compare_heads/results/929ce70/model=$head" "$RUN" "$OUT"
done
copy_evidence "$RUN" "$OUT/llm_vocabulary"
[ ! -f "$RUN/lm/metrics.json" ] || cp "$RUN/lm/metrics.json" "$OUT/lm_metrics.json"  # when this run pretrained the LM
