#!/usr/bin/env bash
# The LLM head's stage two (experiments/llm_stage2's frozen recipe: two queries a window, the whole LM
# trained, 6 epochs) on the encoder of experiments/fifteen_epochs' AED run, the best encoder trained from
# scratch here, instead of the 9-epoch CTC run's (experiments/nine_epochs). Decoded greedy, beam 8, and with
# the 4-gram fused in (weights chosen on dev, nine_epochs' grid); paired with the LLM head on the CTC encoder
# at each decoding and with the AED head that trained the encoder.
#   bash experiments/llm_on_aed_encoder/run.sh   # about 50 min on a 2-core CPU with fast bf16 (1 thread)
source "$(dirname "$0")/../common.sh"
OUT=experiments/llm_on_aed_encoder/results
DATA=${ASRBENCH_DATA:-data}/builtin
AED15=runs/aed_15ep                             # experiments/fifteen_epochs' run (its checkpoint is needed)
AED15_EVIDENCE=experiments/fifteen_epochs/results/aed
LLM=runs/llm_on_aed15
LLM9=runs/llm_stage2/ctc9_frozen_6ep            # experiments/nine_epochs' LLM run, or its evidence below
LLM9_EVIDENCE=experiments/nine_epochs/results/llm_on_ctc9
mkdir -p "$OUT"
[ -f "$AED15/metrics.json" ] || { echo "run experiments/fifteen_epochs/run.sh first" >&2; exit 1; }
ensure_lm
ensure_ngram
train_llm_on_encoder "$AED15" "$LLM" model.lm.finetune=full encoder.freeze=true trainer.max_epochs=6
CKPT=$(ls "$LLM"/checkpoints/best-*.ckpt)
"$PY" -m asrbench eval checkpoint="$CKPT" decoding=beam hydra.run.dir="$LLM/beam"
fusion_tuned_on_dev "$CKPT" "$LLM/dev_grid" "$LLM/ngram_fusion" \
    decoding.ngram.weight=0,0.1,0.2,0.3,0.5 decoding.ngram.word_bonus=0,0.5 decoding.ngram.oov_score=-10 threads=1
"$PY" -m asrbench report "$LLM/dev_grid" output_dir="$OUT/dev_grid"
copy_evidence "$LLM" "$OUT/llm"
for decoding in beam ngram_fusion; do copy_scores "$LLM/$decoding" "$OUT/llm_$decoding"; done
compare_with vs_llm_on_ctc9 "$LLM9" "$LLM9_EVIDENCE" "$LLM" "$OUT"
for decoding in beam ngram_fusion; do
  compare_with "vs_llm_on_ctc9_$decoding" "$LLM9/$decoding" "${LLM9_EVIDENCE}_$decoding" "$LLM/$decoding" "$OUT"
done
compare_with vs_aed15 "$AED15" "$AED15_EVIDENCE" "$LLM" "$OUT"
compare_with vs_aed15_ngram_fusion "$AED15/ngram_fusion" "experiments/fifteen_epochs/results/aed_ngram_fusion" \
    "$LLM/ngram_fusion" "$OUT"
