"""How much does a neural LM add to lexicon-constrained CTC decoding? N-best rescoring with the built-in GPT.

    .venv/bin/python experiments/lm_rescoring/run.py CHECKPOINT [--lm data/builtin/lm/gpt.ckpt]
        [--words data/builtin/lm_text.txt] [--nbest 16] [--out experiments/lm_rescoring/results]

For the dev and the test split: one lexicon beam search (decoding=lexicon, no n-gram) keeps the n-best
sentences per utterance; the GPT LM scores each once. The LM weight and word bonus are chosen on dev
(grid below), then applied unchanged to test, which is reported against the lexicon search alone
(paired bootstrap and sign test on the same utterances). The chosen values go into
``decoding=lexicon_gpt``.
"""

import argparse
import itertools
import json
from pathlib import Path

import torch
from rich.console import Console
from rich.progress import track
from rich.table import Table
from torch.utils.data import DataLoader

from asrbench.data.datamodule import load_split
from asrbench.data.dataset import ASRDataset, collate
from asrbench.data.sampler import DurationBatchSampler
from asrbench.decoding.lexicon import LexiconSearch
from asrbench.decoding.rescore import GPTRescorer
from asrbench.evaluation.scoring import score, utterance_errors
from asrbench.evaluation.stats import error_counts, paired_bootstrap, sign_test
from asrbench.text.normalizer import normalize
from asrbench.training.checkpoint import load_model

WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0]
BONUSES = [-3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0]


def nbest_lists(model, search: LexiconSearch, manifest: str) -> tuple[list, list[dict]]:
    utterances = load_split(manifest)
    dataset = ASRDataset(utterances, None, model.frontend.sample_rate, manifest=manifest)
    sampler = DurationBatchSampler([u.duration for u in utterances], 200.0, shuffle=False)
    loader = DataLoader(dataset, batch_sampler=sampler, collate_fn=collate)
    by_id = {}
    with torch.no_grad():
        for batch in track(loader, description=f"n-best of {Path(manifest).name}"):
            enc, enc_lens = model.encode(batch["audio"], batch["audio_lens"])
            for utt_id, nbest in zip(batch["ids"], search.nbest_lists(model.head.log_probs(enc), enc_lens),
                                     strict=True):
                by_id[utt_id] = nbest or [("", 0.0)]
    return [by_id[u.id] for u in utterances], [{"id": u.id, "ref": u.text, "duration": u.duration}
                                                 for u in utterances]


def choose(rescorer: GPTRescorer, nbests: list, lm_scores: list) -> list[str]:
    return [nbest[rescorer.best(*zip(*nbest, strict=True), lms)][0]
            for nbest, lms in zip(nbests, lm_scores, strict=True)]


def records_with(refs: list[dict], hyps: list[str]) -> list[dict]:
    return [{**ref, "hyp": hyp} for ref, hyp in zip(refs, hyps, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("--lm", default="data/builtin/lm/gpt.ckpt")
    parser.add_argument("--words", default="data/builtin/lm_text.txt")
    parser.add_argument("--dev", default="data/builtin/dev.jsonl")
    parser.add_argument("--test", default="data/builtin/test.jsonl")
    parser.add_argument("--nbest", type=int, default=16)
    parser.add_argument("--beam-size", type=int, default=50)
    parser.add_argument("--out", default="experiments/lm_rescoring/results")
    args = parser.parse_args()

    model, _ = load_model(args.checkpoint)
    rescorer = GPTRescorer(args.lm)
    search = LexiconSearch(args.words, beam_size=args.beam_size, nbest=args.nbest, rescorer=rescorer)
    search.bind(model.tokenizer)
    splits = {}
    for name, manifest in (("dev", args.dev), ("test", args.test)):
        nbests, refs = nbest_lists(model, search, manifest)
        lm_scores = [rescorer.log_probs([s for s, _ in nbest]) for nbest in track(nbests, description="GPT scores")]
        splits[name] = (nbests, lm_scores, refs)

    grid = {}
    for weight, bonus in itertools.product(WEIGHTS, BONUSES):
        nbests, lm_scores, refs = splits["dev"]
        rescorer.weight, rescorer.word_bonus = weight, bonus
        grid[(weight, bonus)] = score(records_with(refs, choose(rescorer, nbests, lm_scores)))["wer"]
    weight, bonus = min(grid, key=grid.get)
    rescorer.weight, rescorer.word_bonus = weight, bonus

    nbests, lm_scores, refs = splits["test"]
    baseline = records_with(refs, [nbest[0][0] for nbest in nbests])
    rescored = records_with(refs, choose(rescorer, nbests, lm_scores))
    base_metrics, metrics = score(baseline), score(rescored)
    errors_base, words = error_counts(baseline)
    errors_new, _ = error_counts(rescored)
    result = {
        "checkpoint": args.checkpoint, "lm": args.lm, "words": args.words, "nbest": args.nbest,
        "beam_size": args.beam_size, "lm_weight": weight, "word_bonus": bonus,
        "dev_wer_lexicon": grid[(0.0, 0.0)], "dev_wer_rescored": grid[(weight, bonus)],
        "test_lexicon": base_metrics, "test_rescored": metrics,
        "oracle_test_wer": score(records_with(refs, oracle(nbests, refs)))["wer"],
        "paired_bootstrap": paired_bootstrap(errors_base, errors_new, words),
        "sign_test": sign_test(errors_base, errors_new),
        "dev_grid": [{"lm_weight": w, "word_bonus": b, "wer": v} for (w, b), v in grid.items()],
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "rescoring.json").write_text(json.dumps(result, indent=2) + "\n")
    with (out / "hyps_test.jsonl").open("w") as f:
        for record in rescored:
            f.write(json.dumps({k: record[k] for k in ("id", "ref", "hyp")}) + "\n")

    table = Table(title=f"CTC lexicon search, n-best {args.nbest} rescored by the GPT LM "
                        f"(weight {weight}, word bonus {bonus}, chosen on dev)")
    for column in ("test split", "WER %", "95% CI", "CER %"):
        table.add_column(column, justify="left" if column == "test split" else "right")
    for name, m in (("lexicon", base_metrics), ("lexicon + GPT rescoring", metrics)):
        table.add_row(name, f"{100 * m['wer']:.2f}", f"[{100 * m['wer_ci_low']:.2f}, {100 * m['wer_ci_high']:.2f}]",
                      f"{100 * m['cer']:.2f}")
    console = Console()
    console.print(table)
    console.print(f"n-best oracle WER {100 * result['oracle_test_wer']:.2f}%; paired bootstrap p = "
                  f"{result['paired_bootstrap']['p_value']:.3f}, sign test p = {result['sign_test']['p_value']:.2g}")


def oracle(nbests: list, refs: list[dict]) -> list[str]:
    """Per utterance, the n-best sentence with the fewest word errors: the best any rescorer could do."""
    def errors(ref: str, hyp: str) -> int:
        counts = utterance_errors(normalize(ref), normalize(hyp))
        return counts["sub"] + counts["del"] + counts["ins"]

    return [min((s for s, _ in nbest), key=lambda hyp, ref=ref["ref"]: errors(ref, hyp))
            for nbest, ref in zip(nbests, refs, strict=True)]


if __name__ == "__main__":
    main()
