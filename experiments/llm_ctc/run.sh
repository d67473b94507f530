#!/usr/bin/env bash
# The LLM head with a CTC compressor in place of the Q-Former (model=llm_ctc) on the budget of
# experiments/compare_heads, then paired comparisons with that sweep's LLM and CTC runs and with the
# Q-Former vocabulary adapter of experiments/llm_vocabulary (their committed evidence when runs/ lacks them).
#   bash experiments/llm_ctc/run.sh     # about 55 min on a 2-core CPU (+35-58 min to pretrain the LM when missing)
source "$(dirname "$0")/../common.sh"
OUT=experiments/llm_ctc/results
RUN=runs/llm_ctc
"$PY" -m asrbench train experiment=compare_heads model=llm_ctc hydra.run.dir="$RUN" resume=true
mkdir -p "$OUT"
for head in llm ctc aed; do
  compare_with "$head" "runs/compare_heads/model=$head" "experiments/compare_heads/results/929ce70/model=$head" "$RUN" "$OUT"
done
compare_with llm_vocabulary runs/llm_vocabulary experiments/llm_vocabulary/results/llm_vocabulary "$RUN" "$OUT"
copy_evidence "$RUN" "$OUT/llm_ctc"
[ ! -f "$RUN/lm/metrics.json" ] || cp "$RUN/lm/metrics.json" "$OUT/lm_metrics.json"  # when this run pretrained the LM
# What the LM reads (the compressor's best path as text) against what it writes
"$PY" experiments/llm_ctc/read_path.py "$(ls "$RUN"/checkpoints/best-*.ckpt | head -1)" "$RUN/read_path"
compare_with read_path "$RUN/read_path" "$RUN/read_path" "$RUN" "$OUT"
copy_scores "$RUN/read_path" "$OUT/read_path"
