#!/usr/bin/env bash
# The default LLM head (window-level Q-Former, model=llm) with its LM trained instead of frozen
# (model.lm.finetune=full): alone, then with two queries a window and the auxiliary CTC loss on the encoder,
# then with two queries on a CTC-trained encoder (and its frozen-LM control).
# Budget and latency protocol of experiments/compare_heads; each run is compared (paired) with that sweep's
# frozen-LM run (its committed evidence when runs/ lacks it), and with the runs named below.
#   bash experiments/llm_qformer_finetune/run.sh   # 20-35 min a run on a 2-core CPU (four runs)
# (+35 min for the LM and +22 for the CTC run when missing)
source "$(dirname "$0")/../common.sh"
OUT=experiments/llm_qformer_finetune/results
RUNS=runs/llm_qformer_finetune
mkdir -p "$OUT"
train_and_compare() {  # train_and_compare NAME OVERRIDES...
  local name=$1
  shift
  "$PY" -m asrbench train experiment=compare_heads model=llm "$@" hydra.run.dir="$RUNS/$name" resume=true
  copy_evidence "$RUNS/$name" "$OUT/$name"
  compare_with "${name}_vs_frozen" runs/compare_heads/model=llm experiments/compare_heads/results/model=llm \
      "$RUNS/$name" "$OUT"
}
train_and_compare full model.lm.finetune=full
train_and_compare full_q2_ctc model.lm.finetune=full model.qformer.num_queries=2 model.ctc_weight=0.3
compare_with full_q2_ctc_vs_full "$RUNS/full" "$OUT/full" "$RUNS/full_q2_ctc" "$OUT"
# Its dev WER rose after the first epoch, so train tested that epoch's checkpoint; the last one, for what the
# two further epochs changed:
"$PY" -m asrbench eval checkpoint="$RUNS/full_q2_ctc/checkpoints/last.ckpt" \
    hydra.run.dir="$RUNS/full_q2_ctc_last"
copy_scores "$RUNS/full_q2_ctc_last" "$OUT/full_q2_ctc_last"

# Two stages: the compare_heads CTC run's encoder, trained and frozen, under the head with two queries, the
# LM trained and (the control) frozen; compared with each other, with that CTC run itself and with the best
# LLM head before them (experiments/llm_ctc_finetune).
ensure_ctc_baseline
CTC_ENCODER=("encoder.checkpoint=$(ls "$CTC_BASELINE"/checkpoints/best-*.ckpt)" encoder.freeze=true)
train_and_compare full_q2_ctc_encoder model.lm.finetune=full model.qformer.num_queries=2 "${CTC_ENCODER[@]}"
train_and_compare frozen_q2_ctc_encoder model.qformer.num_queries=2 "${CTC_ENCODER[@]}"
compare_with full_q2_ctc_encoder_vs_frozen_q2_ctc_encoder "$RUNS/frozen_q2_ctc_encoder" \
    "$OUT/frozen_q2_ctc_encoder" "$RUNS/full_q2_ctc_encoder" "$OUT"
compare_with full_q2_ctc_encoder_vs_ctc "$CTC_BASELINE" experiments/compare_heads/results/model=ctc \
    "$RUNS/full_q2_ctc_encoder" "$OUT"
compare_with full_q2_ctc_encoder_vs_llm_ctc_full runs/llm_ctc_full \
    experiments/llm_ctc_finetune/results/llm_ctc_full "$RUNS/full_q2_ctc_encoder" "$OUT"

"$PY" experiments/llm_qformer_finetune/distinct_outputs.py "$OUT"/*/hyps.jsonl \
    experiments/compare_heads/results/model=llm/hyps.jsonl \
    experiments/llm_ctc_finetune/results/llm_ctc_full/hyps.jsonl \
    | tee "$OUT/distinct_outputs.txt"
