#!/usr/bin/env bash
# The two-stage LLM head of experiments/llm_qformer_finetune (stage 1: the compare_heads CTC run; stage 2:
# model=llm with two queries a window and the whole LM trained on that run's encoder) with the encoder frozen
# in stage 2, as there, and fine-tuned with the rest (encoder.freeze=false), side by side (threads=1 each);
# then the frozen-encoder run with LoRA on the LM instead of training all of it (SALMONN's recipe).
# Paired with each other, with the CTC run, and with llm_qformer_finetune's committed frozen-encoder run
# (the reproducibility of the recipe when stage 1 and the LM are retrained).
#   bash experiments/llm_two_stage/run.sh   # about 65 min on a 2-core CPU (+16 for the CTC run, +30 for the LM)
source "$(dirname "$0")/../common.sh"
OUT=experiments/llm_two_stage/results
RUNS=runs/llm_two_stage
mkdir -p "$OUT" "$RUNS"
ensure_ctc_baseline
ensure_lm
for freeze in true false; do
  train_llm_on_encoder "$CTC_BASELINE" "$RUNS/freeze_$freeze" model.lm.finetune=full encoder.freeze=$freeze &
done
wait
train_llm_on_encoder "$CTC_BASELINE" "$RUNS/lora" model.lm.finetune=lora encoder.freeze=true
for name in freeze_true freeze_false lora; do
  copy_evidence "$RUNS/$name" "$OUT/$name"
  compare_with "${name}_vs_ctc" "$CTC_BASELINE" experiments/compare_heads/results/model=ctc "$RUNS/$name" "$OUT"
done
compare_with tuned_vs_frozen "$RUNS/freeze_true" "$OUT/freeze_true" "$RUNS/freeze_false" "$OUT"
compare_with lora_vs_full "$RUNS/freeze_true" "$OUT/freeze_true" "$RUNS/lora" "$OUT"
compare_with frozen_vs_llm_qformer_finetune runs/llm_qformer_finetune/full_q2_ctc_encoder \
    experiments/llm_qformer_finetune/results/full_q2_ctc_encoder "$RUNS/freeze_true" "$OUT"
"$PY" experiments/llm_qformer_finetune/distinct_outputs.py "$OUT"/*/hyps.jsonl | tee "$OUT/distinct_outputs.txt"
