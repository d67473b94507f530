"""``python -m asrbench ngram``: estimate a word n-gram LM (ARPA) for CTC's word search (``decoding=lexicon_ngram``)
and the autoregressive heads' shallow fusion (``decoding=ngram_fusion``).

The default text is the built-in corpus's ``lm_text.txt`` (its training-partition sentences, never dev/test
ones), the same text its word list and GPT LM come from.
"""

import sys
import time

import hydra
from omegaconf import DictConfig

from asrbench.commands.lm import read_sentences
from asrbench.config import CONF_DIR
from asrbench.models.lm.ngram import arpa_counts, build_arpa


@hydra.main(config_path=CONF_DIR, config_name="ngram", version_base="1.3")
def main(cfg: DictConfig) -> None:
    start = time.perf_counter()
    try:
        output = build_arpa(read_sentences(cfg.text), cfg.output, cfg.order, cfg.smoothing)
    except (ValueError, OSError, RuntimeError) as err:  # no text, no IRSTLM, a failed estimate: say why
        sys.exit(f"asrbench ngram: {err}")
    counts = ", ".join(f"{n:,} {order}-grams" for order, n in arpa_counts(output).items())
    print(f"wrote {output} ({counts}) in {time.perf_counter() - start:.1f} s; decode with it:\n"
          f"  CTC heads:      asrbench eval checkpoint=CKPT decoding=lexicon_ngram decoding.lexicon.lm={output}\n"
          f"  AED, LLM heads: asrbench eval checkpoint=CKPT decoding=ngram_fusion decoding.ngram.lm={output}")
