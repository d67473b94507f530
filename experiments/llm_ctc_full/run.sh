#!/usr/bin/env bash
# The LLM head with a CTC compressor (model=llm_ctc) with its LM fully fine-tuned (model.lm.finetune=full)
# instead of frozen, on the budget of experiments/compare_heads, compared (paired) with the frozen-LM run of
# experiments/llm_ctc and with its read path (their committed evidence when runs/ lacks them).
#   bash experiments/llm_ctc_full/run.sh     # about 55 min on a 2-core CPU (+35-58 min to pretrain the LM when missing)
source "$(dirname "$0")/../common.sh"
OUT=experiments/llm_ctc_full/results
RUN=runs/llm_ctc_full
"$PY" -m asrbench train experiment=compare_heads model=llm_ctc model.lm.finetune=full hydra.run.dir="$RUN" resume=true
mkdir -p "$OUT"
compare_with llm_ctc runs/llm_ctc experiments/llm_ctc/results/llm_ctc "$RUN" "$OUT"
compare_with read_path runs/llm_ctc/read_path experiments/llm_ctc/results/read_path "$RUN" "$OUT"
copy_evidence "$RUN" "$OUT/llm_ctc_full"
# What this LM reads (its compressor's best path as text) against what it writes
"$PY" experiments/llm_ctc/read_path.py "$(ls "$RUN"/checkpoints/best-*.ckpt | head -1)" "$RUN/read_path"
compare_with own_read_path "$RUN/read_path" "$RUN/read_path" "$RUN" "$OUT"
mkdir -p "$OUT/read_path" && cp "$RUN"/read_path/{metrics.json,hyps.jsonl} "$OUT/read_path/"
