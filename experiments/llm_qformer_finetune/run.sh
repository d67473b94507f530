#!/usr/bin/env bash
# The default LLM head (window-level Q-Former, model=llm) with its LM trained instead of frozen
# (model.lm.finetune=full): alone, then with two queries a window and the auxiliary CTC loss on the encoder,
# then with two queries on a CTC-trained encoder.
# Budget and latency protocol of experiments/compare_heads; each run is compared (paired) with that sweep's
# frozen-LM run (its committed evidence when runs/ lacks it), the second also with the first.
#   bash experiments/llm_qformer_finetune/run.sh   # 25-35 min a run on a 2-core CPU
# (+35 min for the LM and +22 for the CTC run when missing)
source "$(dirname "$0")/../common.sh"
OUT=experiments/llm_qformer_finetune/results
RUNS=runs/llm_qformer_finetune
mkdir -p "$OUT"
train_and_compare() {  # train_and_compare NAME OVERRIDES...
  local name=$1
  shift
  "$PY" -m asrbench train experiment=compare_heads model=llm model.lm.finetune=full "$@" \
      hydra.run.dir="$RUNS/$name" resume=true
  copy_evidence "$RUNS/$name" "$OUT/$name"
  compare_with "${name}_vs_frozen" runs/compare_heads/model=llm experiments/compare_heads/results/model=llm \
      "$RUNS/$name" "$OUT"
}
train_and_compare full
train_and_compare full_q2_ctc model.qformer.num_queries=2 model.ctc_weight=0.3
compare_with full_q2_ctc_vs_full "$RUNS/full" "$OUT/full" "$RUNS/full_q2_ctc" "$OUT"
# Its dev WER rose after the first epoch, so train tested that epoch's checkpoint; the last one, for what the
# two further epochs changed:
"$PY" -m asrbench eval checkpoint="$RUNS/full_q2_ctc/checkpoints/last.ckpt" \
    hydra.run.dir="$RUNS/full_q2_ctc_last"
copy_scores "$RUNS/full_q2_ctc_last" "$OUT/full_q2_ctc_last"
# The same head with two queries on the compare_heads CTC run's encoder, trained and frozen (a two-stage recipe:
# CTC first, then the LLM head), compared with the frozen-LM head and with that CTC run itself:
ensure_ctc_baseline
train_and_compare full_q2_ctc_encoder model.qformer.num_queries=2 encoder.freeze=true \
    encoder.checkpoint="$(ls "$CTC_BASELINE"/checkpoints/best-*.ckpt)"
compare_with full_q2_ctc_encoder_vs_ctc "$CTC_BASELINE" experiments/compare_heads/results/model=ctc \
    "$RUNS/full_q2_ctc_encoder" "$OUT"
# and with the best LLM head before it (experiments/llm_ctc_finetune):
compare_with full_q2_ctc_encoder_vs_llm_ctc_full runs/llm_ctc_full \
    experiments/llm_ctc_finetune/results/llm_ctc_full "$RUNS/full_q2_ctc_encoder" "$OUT"
"$PY" experiments/llm_qformer_finetune/distinct_outputs.py "$OUT"/*/hyps.jsonl \
    experiments/compare_heads/results/model=llm/hyps.jsonl \
    experiments/llm_ctc_finetune/results/llm_ctc_full/hyps.jsonl \
    | tee "$OUT/distinct_outputs.txt"
