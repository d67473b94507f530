# Quick start: `make demo` (build the corpus, train + evaluate the default CTC model) and `make test`.
# Every target is idempotent: the venv, the corpus and finished runs are reused.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EXTRAS ?= test,lm,decode,whisper-test,sweep
STAMP := $(VENV)/.installed-$(shell echo '$(EXTRAS)' | tr ',' '-')
# system-deps checks these; .ci/run reads this line to install them with festival
DEBIAN_PACKAGES := espeak-ng flite fortunes irstlm
DEMO_RUN := runs/demo

.PHONY: setup system-deps demo test lint clean-runs

setup: system-deps $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# uv installs the same pins in under a minute where pip takes 3-4; pip is the fallback.
	$(PY) -m pip install -q uv && $(VENV)/bin/uv pip install -q --python $(PY) -e '.[$(EXTRAS)]' \
	  || $(PY) -m pip install -q -e '.[$(EXTRAS)]'
	touch $@

# espeak-ng and flite speak the built-in corpus; fortunes provides its sentences; irstlm estimates the
# word n-grams of decoding=lexicon_ngram (python -m asrbench ngram).
system-deps:
	@missing=""; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	command -v flite >/dev/null || missing="$$missing flite"; \
	test -d /usr/share/games/fortunes || missing="$$missing fortunes"; \
	test -x /usr/lib/irstlm/bin/build-lm.sh || missing="$$missing irstlm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "missing Debian packages:$$missing -- run: sudo apt-get install$$missing"; exit 1; fi; \
	fi

# The demo's checkpoint is then decoded again with a word 4-gram in the search (decoding=lexicon_ngram).
demo: setup
	$(PY) -m asrbench data synth
	$(PY) -m asrbench train hydra.run.dir=$(DEMO_RUN) resume=true
	test -f data/builtin/lm/4gram.arpa || $(PY) -m asrbench ngram
	$(PY) -m asrbench eval "$$(ls $(DEMO_RUN)/checkpoints/best-*.ckpt)" decoding=lexicon_ngram \
	  hydra.run.dir=$(DEMO_RUN)/lexicon_ngram

test: setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check asrbench tests experiments

clean-runs:
	rm -rf runs outputs multirun
