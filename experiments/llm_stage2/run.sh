#!/usr/bin/env bash
# Stage two of experiments/llm_two_stage (model=llm, two queries a window, the whole LM trained on the
# compare_heads CTC run's encoder) with the encoder fine-tuned at a tenth of the learning rate
# (+optim.lr_scales.encoder=0.1; llm_two_stage fine-tuned it at the full rate, 74.37%) or frozen as there, for
# 3, 6 and 12 epochs. Two runs at a time, threads=1 each. Paired with llm_two_stage's 3-epoch runs, with each
# other, with the CTC run and with the CTC head trained 9 epochs (the LLM's 3 + 6, alone on the machine).
#   bash experiments/llm_stage2/run.sh   # about 130 min on a 2-core CPU (+16 for the CTC run, +30 for the LM)
source "$(dirname "$0")/../common.sh"
OUT=experiments/llm_stage2/results
RUNS=runs/llm_stage2
mkdir -p "$OUT" "$RUNS"
ensure_ctc_baseline
ensure_lm
TUNED=(model.lm.finetune=full encoder.freeze=false +optim.lr_scales.encoder=0.1)
FROZEN=(model.lm.finetune=full encoder.freeze=true)
train_llm_on_encoder "$CTC_BASELINE" "$RUNS/encoder_lr0.1" "${TUNED[@]}" trainer.max_epochs=3 &
train_llm_on_encoder "$CTC_BASELINE" "$RUNS/frozen_6ep" "${FROZEN[@]}" trainer.max_epochs=6 &
wait
train_llm_on_encoder "$CTC_BASELINE" "$RUNS/encoder_lr0.1_6ep" "${TUNED[@]}" trainer.max_epochs=6 &
train_llm_on_encoder "$CTC_BASELINE" "$RUNS/frozen_12ep" "${FROZEN[@]}" trainer.max_epochs=12 &
wait
# The control at equal epochs: the CTC head trained 9 epochs (3 + 6) in one run.
"$PY" -m asrbench train experiment=compare_heads model=ctc trainer.max_epochs=9 resume=true \
    hydra.run.dir="$RUNS/ctc_9ep" > "$RUNS/ctc_9ep.log" 2>&1
copy_evidence "$RUNS/ctc_9ep" "$OUT/ctc_9ep"
ensure_ngram
"$PY" -m asrbench eval checkpoint="$(ls "$RUNS"/ctc_9ep/checkpoints/best-*.ckpt)" decoding=lexicon_ngram \
    hydra.run.dir="$RUNS/ctc_9ep_lexicon_ngram"
copy_scores "$RUNS/ctc_9ep_lexicon_ngram" "$OUT/ctc_9ep_lexicon_ngram"
compare_with ctc_9ep_vs_3ep "$CTC_BASELINE" experiments/compare_heads/results/model=ctc "$RUNS/ctc_9ep" "$OUT"
for name in encoder_lr0.1 frozen_6ep encoder_lr0.1_6ep frozen_12ep; do
  copy_evidence "$RUNS/$name" "$OUT/$name"
  compare_with "${name}_vs_ctc" "$CTC_BASELINE" experiments/compare_heads/results/model=ctc "$RUNS/$name" "$OUT"
done
TWO_STAGE=experiments/llm_two_stage/results
compare_with encoder_lr0.1_vs_full_rate runs/llm_two_stage/freeze_false "$TWO_STAGE/freeze_false" \
    "$RUNS/encoder_lr0.1" "$OUT"
compare_with encoder_lr0.1_vs_frozen runs/llm_two_stage/freeze_true "$TWO_STAGE/freeze_true" \
    "$RUNS/encoder_lr0.1" "$OUT"
compare_with frozen_6ep_vs_3ep runs/llm_two_stage/freeze_true "$TWO_STAGE/freeze_true" "$RUNS/frozen_6ep" "$OUT"
compare_with encoder_lr0.1_6ep_vs_frozen_6ep "$RUNS/frozen_6ep" "$OUT/frozen_6ep" "$RUNS/encoder_lr0.1_6ep" \
    "$OUT"
compare_with frozen_12ep_vs_6ep "$RUNS/frozen_6ep" "$OUT/frozen_6ep" "$RUNS/frozen_12ep" "$OUT"
for name in encoder_lr0.1_6ep frozen_12ep; do
  compare_with "${name}_vs_ctc_9ep" "$RUNS/ctc_9ep" "$OUT/ctc_9ep" "$RUNS/$name" "$OUT"
done
"$PY" experiments/llm_qformer_finetune/distinct_outputs.py \
    "$OUT"/{encoder_lr0.1,encoder_lr0.1_6ep,frozen_12ep,frozen_6ep}/hyps.jsonl | tee "$OUT/distinct_outputs.txt"
