#!/usr/bin/env bash
# The LLM head with a CTC compressor (model=llm_ctc) with its LM trained instead of frozen
# (model.lm.finetune=full, then lora), on the budget of experiments/compare_heads; each run is compared
# (paired) with the frozen-LM run of experiments/llm_ctc (its committed evidence when runs/ lacks it) and
# with the path its own LM reads.
#   bash experiments/llm_ctc_finetune/run.sh   # about 50 min a run on a 2-core CPU (+35-58 min to pretrain the LM when missing)
# FINETUNES="full" picks the modes (default: full lora; FINETUNES="" none), then the frozen-LM control on the same stem.
source "$(dirname "$0")/../common.sh"
OUT=experiments/llm_ctc_finetune/results
mkdir -p "$OUT"
score_read_path() {  # score_read_path RUN NAME: what the run's LM reads (its compressor's best path as text)
  "$PY" experiments/llm_ctc/read_path.py "$(ls "$1"/checkpoints/best-*.ckpt | head -1)" "$1/read_path"
  copy_scores "$1/read_path" "$OUT/read_path_$2"
}
for mode in ${FINETUNES-full lora}; do
  RUN=runs/llm_ctc_$mode
  "$PY" -m asrbench train experiment=compare_heads model=llm_ctc model.lm.finetune="$mode" \
      hydra.run.dir="$RUN" resume=true
  compare_with "${mode}_vs_frozen" runs/llm_ctc experiments/llm_ctc/results/llm_ctc "$RUN" "$OUT"
  copy_evidence "$RUN" "$OUT/llm_ctc_$mode"
  score_read_path "$RUN" "$mode"  # what this LM reads against what it writes
  compare_with "${mode}_vs_own_read_path" "$RUN/read_path" "$RUN/read_path" "$RUN" "$OUT"
done
# The control: the frozen LM on the 32-channel stem that the full and LoRA runs share (experiments/llm_ctc's
# frozen run had 64 channels). FINETUNES="" runs only this.
RUN=runs/llm_ctc_frozen32
"$PY" -m asrbench train experiment=compare_heads model=llm_ctc hydra.run.dir="$RUN" resume=true
copy_evidence "$RUN" "$OUT/llm_ctc_frozen32"
score_read_path "$RUN" frozen32
compare_with frozen32_vs_frozen64 runs/llm_ctc experiments/llm_ctc/results/llm_ctc "$RUN" "$OUT"
for mode in full lora; do
  compare_with "${mode}_vs_frozen32" "$RUN" "$OUT/llm_ctc_frozen32" "runs/llm_ctc_$mode" "$OUT"
done
