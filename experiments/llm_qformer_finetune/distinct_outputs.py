"""How much of the audio an LLM head's outputs follow: distinct hypotheses and words it got right.

A head that ignores the speech writes a few fixed strings (picked by the number of speech tokens, i.e. the
duration) and gets right only the words those strings happen to share with the references.
    .venv/bin/python experiments/llm_qformer_finetune/distinct_outputs.py RUN/hyps.jsonl...
"""

import argparse
import json
from collections import Counter


def summarise(path: str) -> str:
    records = [json.loads(line) for line in open(path, encoding="utf-8")]
    counts = Counter(record["hyp"] for record in records)
    top, top_count = counts.most_common(1)[0]
    hits = sum(record["errors"]["hits"] for record in records)
    ref_words = sum(record["errors"]["ref_words"] for record in records)
    with_hit = sum(record["errors"]["hits"] > 0 for record in records)
    return (f"{path}: {len(records)} utterances, {len(counts)} distinct hypotheses, the commonest "
            f"{top_count} times ({top!r}); words right {hits}/{ref_words} ({100 * hits / ref_words:.1f}%), "
            f"utterances with a word right {with_hit}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hyps", nargs="+", help="hyps.jsonl files written by train or eval")
    for path in parser.parse_args().hyps:
        print(summarise(path))


if __name__ == "__main__":
    main()
