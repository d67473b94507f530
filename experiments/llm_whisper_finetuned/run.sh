#!/usr/bin/env bash
# Is the LLM head's failure its encoder or its adapter? The default LLM head (window-level Q-Former, frozen
# built-in LM) on the encoder of Whisper tiny.en fine-tuned on the built-in corpus (experiments/whisper_finetune:
# 7.35% test WER with its own decoder), frozen, for the budget of experiments/compare_heads (3 epochs): one
# query per 17-frame (0.34 s) window as the default, and two queries, about the LM's 5.6 pieces a second.
# Then paired comparisons with the LLM head on tiny.en's original encoder (experiments/whisper_encoder, LoRA)
# and on conformer_s from scratch (experiments/compare_heads).
#   bash experiments/llm_whisper_finetuned/run.sh    # about 2 h on a 2-core CPU, plus the LM if missing
# Needs the fine-tuned checkpoint of experiments/whisper_finetune/run.sh (runs/whisper_finetune/tiny_en).
source "$(dirname "$0")/../common.sh"
OUT=experiments/llm_whisper_finetuned/results
RUNS=runs/llm_whisper_finetuned
FINETUNED=$(ls runs/whisper_finetune/tiny_en/checkpoints/best-*.ckpt)
train() {  # train NAME OVERRIDES...
  local name=$1; shift
  "$PY" -m asrbench train experiment=compare_heads model=llm encoder=whisper_tiny_en \
      encoder.checkpoint="$FINETUNED" encoder.freeze=true model.qformer.window=17 "$@" \
      hydra.run.dir="$RUNS/$name" resume=true
}
train one_query
train two_queries model.qformer.num_queries=2
train two_queries_lora model.qformer.num_queries=2 model.lm.finetune=lora   # LoRA on the LM's query/value
for name in one_query two_queries; do  # beam 8 through the shared search, the LM's cache holding the prompt
  "$PY" -m asrbench eval checkpoint="$(ls "$RUNS/$name"/checkpoints/best-*.ckpt)" decoding=beam \
      hydra.run.dir="$RUNS/$name/beam8"
done
mkdir -p "$OUT"
"$PY" -m asrbench report "$RUNS" output_dir="$OUT"
# the frozen LM's dev loss with no speech at all: what the heads' dev losses must beat
"$PY" experiments/compare_heads/lm_text_only.py "${ASRBENCH_DATA:-data}/builtin/lm/gpt.ckpt" --text-position 96 \
    | tail -1 > "$OUT/text_only_dev_loss.txt"
for name in one_query two_queries two_queries_lora; do
  [ -f "$RUNS/$name/metrics.json" ] || continue
  copy_evidence "$RUNS/$name" "$OUT/$name"
  [ -d "$RUNS/$name/beam8" ] && copy_scores "$RUNS/$name/beam8" "$OUT/${name}_beam8"
  compare_with "${name}_vs_original_encoder_lora" runs/whisper_encoder/llm_lora \
      experiments/whisper_encoder/results/llm_lora "$RUNS/$name" "$OUT"
  compare_with "${name}_vs_scratch" runs/compare_heads/model=llm "experiments/compare_heads/results/929ce70/model=llm" \
      "$RUNS/$name" "$OUT"
done
compare_with two_vs_one_query "$RUNS/one_query" "$OUT/one_query" "$RUNS/two_queries" "$OUT"
compare_with lora_vs_frozen_lm "$RUNS/two_queries" "$OUT/two_queries" "$RUNS/two_queries_lora" "$OUT"
# the whole fine-tuned Whisper, whose encoder both runs read: its own decoder, greedy (7.35%)
compare_with one_query_vs_whisper_decoder "$RUNS/one_query" "$OUT/one_query" runs/whisper_finetune/tiny_en "$OUT"
