#!/usr/bin/env bash
# Three times the demo's epochs for the AED and LLM heads, beside the CTC head's 9-epoch run of
# experiments/llm_stage2: the AED head of compare_heads trained 9 epochs (greedy, beam 8 with joint CTC, and the
# word 4-gram fused in with its weights chosen on dev, as experiments/aed_ctc_weight did at 3 epochs); the LLM
# head's stage two (experiments/llm_stage2's frozen recipe, 6 epochs) on the 9-epoch CTC run's encoder instead
# of the 3-epoch one, greedy, beam 8 and with the 4-gram fused in; and that CTC run's 4-gram weights chosen
# again on dev. The AED and LLM runs train at threads=1, side by side. Each is paired with its 3-epoch
# counterpart and with the CTC head at 9 epochs.
#   bash experiments/nine_epochs/run.sh   # about 80 min on a 2-core CPU with fast bf16 (+31 for the CTC run)
source "$(dirname "$0")/../common.sh"
OUT=experiments/nine_epochs/results
DATA=${ASRBENCH_DATA:-data}/builtin
CTC9=runs/llm_stage2/ctc_9ep          # experiments/llm_stage2's control, trained here when missing
CTC9_EVIDENCE=experiments/llm_stage2/results/ctc_9ep
AED9=runs/aed_9ep
LLM9=runs/llm_stage2/ctc9_frozen_6ep      # beside llm_stage2's stage-two runs
AED3=experiments/aed_ctc_weight/results/cw07   # the 3-epoch default AED run (model.ctc_weight=0.7)
mkdir -p "$OUT"
ensure_ngram
ensure_lm
[ -f "$CTC9/hyps.jsonl" ] || "$PY" -m asrbench train experiment=compare_heads model=ctc trainer.max_epochs=9 \
    resume=true hydra.run.dir="$CTC9" > "$CTC9.log" 2>&1
"$PY" -m asrbench train experiment=compare_heads model=aed trainer.max_epochs=9 threads=1 resume=true \
    hydra.run.dir="$AED9" > "$AED9.log" 2>&1 &
train_llm_on_encoder "$CTC9" "$LLM9" model.lm.finetune=full encoder.freeze=true trainer.max_epochs=6 &
wait
AED_CKPT=$(ls "$AED9"/checkpoints/best-*.ckpt)
"$PY" -m asrbench eval checkpoint="$AED_CKPT" decoding=beam hydra.run.dir="$AED9/beam"
fusion_tuned_on_dev "$AED_CKPT" "$AED9/dev_grid" "$AED9/ngram_fusion" \
    decoding.ngram.weight=0.1,0.2,0.3,0.5,0.8 decoding.ngram.word_bonus=0,0.5,1 decoding.ngram.oov_score=-10
"$PY" -m asrbench report "$AED9/dev_grid" output_dir="$OUT/aed_dev_grid"
# A check of the chosen point on dev: joint CTC weight x beam size x LM weight around it (word bonus 0).
"$PY" -m asrbench eval -m checkpoint="$AED_CKPT" data.test_manifest="$DATA/dev.jsonl" decoding=ngram_fusion \
    decoding.ctc_weight=0.3,0.5,0.7 decoding.beam_size=8,16 decoding.ngram.weight=0.2,0.3,0.4 \
    decoding.ngram.word_bonus=0 hydra.sweep.dir="$AED9/dev_grid_joint" \
    'hydra.sweep.subdir=j${decoding.ctc_weight}_b${decoding.beam_size}_w${decoding.ngram.weight}'
"$PY" -m asrbench report "$AED9/dev_grid_joint" output_dir="$OUT/aed_dev_grid_joint"
copy_evidence "$AED9" "$OUT/aed"
for decoding in beam ngram_fusion; do copy_scores "$AED9/$decoding" "$OUT/aed_$decoding"; done
# The CTC head's 4-gram weights (decoding=lexicon_ngram's were chosen on dev for a 3-epoch model) chosen again
# on dev for the 9-epoch run.
CTC9_CKPT=$(ls "$CTC9"/checkpoints/best-*.ckpt)
# shellcheck disable=SC2016  # a Hydra interpolation, not a shell one
tuned_on_dev lexicon_ngram decoding.lexicon. 'w${decoding.lexicon.lm_weight}_s${decoding.lexicon.word_score}' \
    "$CTC9_CKPT" "$CTC9/dev_grid" "${CTC9}_lexicon_ngram_tuned" decoding.lexicon.lm_weight=0.5,0.75,1.0,1.5 \
    decoding.lexicon.word_score=-1,0,1
"$PY" -m asrbench report "$CTC9/dev_grid" output_dir="$OUT/ctc_9ep_dev_grid"
copy_scores "${CTC9}_lexicon_ngram_tuned" "$OUT/ctc_9ep_lexicon_ngram_tuned"
compare_with ctc_9ep_lexicon_ngram_tuned_vs_default runs/llm_stage2/ctc_9ep_lexicon_ngram \
    experiments/llm_stage2/results/ctc_9ep_lexicon_ngram "${CTC9}_lexicon_ngram_tuned" "$OUT"
copy_evidence "$LLM9" "$OUT/llm_on_ctc9"
"$PY" -m asrbench eval checkpoint="$(ls "$LLM9"/checkpoints/best-*.ckpt)" decoding=beam hydra.run.dir="$LLM9/beam"
copy_scores "$LLM9/beam" "$OUT/llm_on_ctc9_beam"
LLM9_CKPT=$(ls "$LLM9"/checkpoints/best-*.ckpt)
fusion_tuned_on_dev "$LLM9_CKPT" "$LLM9/dev_grid" "$LLM9/ngram_fusion" \
    decoding.ngram.weight=0,0.1,0.2,0.3,0.5 decoding.ngram.word_bonus=0,0.5 decoding.ngram.oov_score=-10 threads=1
"$PY" -m asrbench report "$LLM9/dev_grid" output_dir="$OUT/llm_on_ctc9_dev_grid"
copy_scores "$LLM9/ngram_fusion" "$OUT/llm_on_ctc9_ngram_fusion"
compare_with aed_9ep_vs_3ep "$AED3" "$AED3" "$AED9" "$OUT"
compare_with aed_9ep_vs_3ep_beam "${AED3}_beam" "${AED3}_beam" "$AED9/beam" "$OUT"
compare_with aed_9ep_vs_3ep_ngram_fusion "${AED3}_ngram_fusion" "${AED3}_ngram_fusion" "$AED9/ngram_fusion" "$OUT"
compare_with aed_vs_ctc_9ep "$CTC9" "$CTC9_EVIDENCE" "$AED9" "$OUT"
compare_with aed_ngram_fusion_vs_ctc_9ep_lexicon_ngram runs/llm_stage2/ctc_9ep_lexicon_ngram \
    experiments/llm_stage2/results/ctc_9ep_lexicon_ngram "$AED9/ngram_fusion" "$OUT"
compare_with llm_on_ctc9_vs_on_ctc3 runs/llm_stage2/frozen_6ep experiments/llm_stage2/results/frozen_6ep "$LLM9" "$OUT"
compare_with llm_on_ctc9_vs_ctc_9ep "$CTC9" "$CTC9_EVIDENCE" "$LLM9" "$OUT"
compare_with llm_on_ctc9_vs_frozen_12ep runs/llm_stage2/frozen_12ep experiments/llm_stage2/results/frozen_12ep \
    "$LLM9" "$OUT"
compare_with llm_on_ctc9_beam_vs_greedy "$LLM9" "$OUT/llm_on_ctc9" "$LLM9/beam" "$OUT"
compare_with llm_on_ctc9_beam_vs_ctc_9ep "$CTC9" "$CTC9_EVIDENCE" "$LLM9/beam" "$OUT"
compare_with llm_on_ctc9_ngram_fusion_vs_beam "$LLM9/beam" "$OUT/llm_on_ctc9_beam" "$LLM9/ngram_fusion" "$OUT"
