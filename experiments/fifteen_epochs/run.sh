#!/usr/bin/env bash
# The CTC and AED heads of compare_heads trained 15 epochs (five times the demo's 3), decoded as
# experiments/nine_epochs decoded its 9-epoch runs: CTC greedy and with the word 4-gram in its word search
# (decoding=lexicon_ngram, its default weights); AED greedy, beam 8 with joint CTC, and the 4-gram fused in
# (decoding=ngram_fusion) with its weight and word bonus chosen on dev over nine_epochs' grid, then with a
# second dev grid over joint CTC weight, beam size and LM weight around that point. Each is paired
# with its 9-epoch run at every decoding, and the two heads with each other. The two train side by side at
# threads=1.
#   bash experiments/fifteen_epochs/run.sh   # about 105 min on a 2-core CPU with fast bf16
source "$(dirname "$0")/../common.sh"
OUT=experiments/fifteen_epochs/results
DATA=${ASRBENCH_DATA:-data}/builtin
CTC15=runs/ctc_15ep
AED15=runs/aed_15ep
CTC9=runs/llm_stage2/ctc_9ep                    # experiments/llm_stage2's run, or its evidence below
CTC9_EVIDENCE=experiments/llm_stage2/results/ctc_9ep
AED9=runs/aed_9ep                               # experiments/nine_epochs' run, or its evidence below
AED9_EVIDENCE=experiments/nine_epochs/results/aed
mkdir -p "$OUT"
ensure_ngram
for model in ctc aed; do
  run=runs/${model}_15ep
  "$PY" -m asrbench train experiment=compare_heads model=$model trainer.max_epochs=15 threads=1 resume=true \
      hydra.run.dir="$run" > "$run.log" 2>&1 &
done
wait
"$PY" -m asrbench eval checkpoint="$(ls "$CTC15"/checkpoints/best-*.ckpt)" decoding=lexicon_ngram \
    hydra.run.dir="$CTC15/lexicon_ngram"
AED_CKPT=$(ls "$AED15"/checkpoints/best-*.ckpt)
"$PY" -m asrbench eval checkpoint="$AED_CKPT" decoding=beam hydra.run.dir="$AED15/beam"
fusion_tuned_on_dev "$AED_CKPT" "$AED15/dev_grid" "$AED15/ngram_fusion" \
    decoding.ngram.weight=0.1,0.2,0.3,0.5,0.8 decoding.ngram.word_bonus=0,0.5,1 decoding.ngram.oov_score=-10
"$PY" -m asrbench report "$AED15/dev_grid" output_dir="$OUT/aed_dev_grid"
# A second dev grid around the chosen point: joint CTC weight x beam size x LM weight (word bonus 0.5), its best
# point decoded on test too.
# shellcheck disable=SC2016  # a Hydra interpolation, not a shell one
tuned_on_dev ngram_fusion decoding. 'j${decoding.ctc_weight}_b${decoding.beam_size}_w${decoding.ngram.weight}' \
    "$AED_CKPT" "$AED15/dev_grid_joint" "$AED15/ngram_fusion_joint" decoding.ctc_weight=0.3,0.5 \
    decoding.beam_size=8,16 decoding.ngram.weight=0.4,0.5,0.6 decoding.ngram.word_bonus=0.5
"$PY" -m asrbench report "$AED15/dev_grid_joint" output_dir="$OUT/aed_dev_grid_joint"
copy_evidence "$CTC15" "$OUT/ctc"
copy_scores "$CTC15/lexicon_ngram" "$OUT/ctc_lexicon_ngram"
copy_evidence "$AED15" "$OUT/aed"
for decoding in beam ngram_fusion ngram_fusion_joint; do copy_scores "$AED15/$decoding" "$OUT/aed_$decoding"; done
compare_with ctc_15ep_vs_9ep "$CTC9" "$CTC9_EVIDENCE" "$CTC15" "$OUT"
compare_with ctc_15ep_vs_9ep_lexicon_ngram "${CTC9}_lexicon_ngram" "${CTC9_EVIDENCE}_lexicon_ngram" \
    "$CTC15/lexicon_ngram" "$OUT"
compare_with aed_15ep_vs_9ep "$AED9" "$AED9_EVIDENCE" "$AED15" "$OUT"
compare_with aed_15ep_vs_9ep_beam "$AED9/beam" "${AED9_EVIDENCE}_beam" "$AED15/beam" "$OUT"
compare_with aed_15ep_vs_9ep_ngram_fusion "$AED9/ngram_fusion" "${AED9_EVIDENCE}_ngram_fusion" \
    "$AED15/ngram_fusion" "$OUT"
compare_with aed_vs_ctc_15ep "$CTC15" "$OUT/ctc" "$AED15" "$OUT"
compare_with aed_ngram_fusion_vs_ctc_lexicon_ngram_15ep "$CTC15/lexicon_ngram" "$OUT/ctc_lexicon_ngram" \
    "$AED15/ngram_fusion" "$OUT"
compare_with aed_ngram_fusion_joint_vs_grid "$AED15/ngram_fusion" "$OUT/aed_ngram_fusion" \
    "$AED15/ngram_fusion_joint" "$OUT"
