"""How much does a word n-gram LM add inside CTC's word-list search? IRSTLM n-grams through KenLM.

    .venv/bin/python experiments/lm_ngram/run.py CHECKPOINT [--text data/builtin/lm_text.txt]
        [--orders 3 4] [--lm-weights ...] [--word-scores ...] [--rescore data/builtin/lm/gpt.ckpt]
        [--out experiments/lm_ngram/results]

The n-grams are estimated on the corpus's training-partition text (``lm_text.txt``, never dev or test
sentences), the text the word list and the GPT LM also come from. The CTC log-probs of dev and test are
computed once. On dev, a grid over order x LM weight x word score picks the search settings; test is
then decoded once with them and compared (paired bootstrap, sign test) against the same search without
an LM (``decoding=lexicon``) and against greedy decoding. The chosen values are the defaults of
``decoding=lexicon_ngram``. With ``--rescore``, the chosen search also keeps its 16 best sentences for
the built-in GPT LM, whose weight and word bonus are chosen on dev the same way (``decoding=lexicon_gpt``
with the n-gram).
"""

import argparse
import itertools
import json
import time
from pathlib import Path

import torch
from rich.console import Console
from rich.progress import track
from rich.table import Table
from torch.utils.data import DataLoader

from asrbench.data.datamodule import load_split
from asrbench.data.dataset import ASRDataset, collate
from asrbench.data.sampler import DurationBatchSampler
from asrbench.decoding.ctc import ctc_greedy
from asrbench.decoding.lexicon import LexiconSearch
from asrbench.decoding.rescore import GPTRescorer
from asrbench.evaluation.scoring import score
from asrbench.evaluation.stats import error_counts, paired_bootstrap, sign_test
from asrbench.models.lm.ngram import arpa_counts, build_arpa
from asrbench.training.checkpoint import load_model

LM_WEIGHTS = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0]
WORD_SCORES = [-1.0, 0.0, 1.0, 2.0, 3.0]
GPT_WEIGHTS = [0.0, 0.05, 0.1, 0.2, 0.3, 0.5]
GPT_BONUSES = [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0]


def ctc_outputs(model, manifest: str) -> tuple[list[tuple[torch.Tensor, torch.Tensor]], list[dict]]:
    """Per batch, the CTC head's (log-probs, lengths); and the utterances' id/ref/speaker/duration, in batch order."""
    utterances = load_split(manifest)
    dataset = ASRDataset(utterances, None, model.frontend.sample_rate, manifest=manifest)
    loader = DataLoader(dataset, collate_fn=collate,
                        batch_sampler=DurationBatchSampler([u.duration for u in utterances], 200.0, shuffle=False))
    by_id = {u.id: u for u in utterances}
    batches, refs = [], []
    with torch.no_grad():
        for batch in track(loader, description=f"CTC log-probs of {Path(manifest).name}"):
            enc, enc_lens = model.encode(batch["audio"], batch["audio_lens"])
            batches.append((model.head.log_probs(enc), enc_lens))
            refs += [{"id": i, "ref": t, "speaker": by_id[i].speaker, "duration": by_id[i].duration}
                     for i, t in zip(batch["ids"], batch["texts"], strict=True)]
    return batches, refs


def decode(search, tokenizer, batches: list, refs: list[dict]) -> tuple[list[dict], float]:
    """Records with each utterance's hypothesis, and the search's wall time in seconds."""
    start, hyps = time.perf_counter(), []
    for log_probs, lengths in batches:
        hyps += search(log_probs, lengths)
    seconds = time.perf_counter() - start
    return [{**ref, "hyp": tokenizer.decode(h.tokens)} for ref, h in zip(refs, hyps, strict=True)], seconds


def lexicon(words: str, lm: str | None, weight: float, word_score: float, tokenizer) -> LexiconSearch:
    search = LexiconSearch(words, lm=lm, lm_weight=weight, word_score=word_score)
    search.bind(tokenizer)
    return search


def compared(base: list[dict], new: list[dict]) -> dict:
    errors_base, words = error_counts(base)
    errors_new, _ = error_counts(new)
    return {"paired_bootstrap": paired_bootstrap(errors_base, errors_new, words),
            "sign_test": sign_test(errors_base, errors_new)}


def write_hyps(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps({k: r[k] for k in ("id", "ref", "hyp")}) + "\n" for r in records))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("--text", default="data/builtin/lm_text.txt", help="LM text and word list")
    parser.add_argument("--dev", default="data/builtin/dev.jsonl")
    parser.add_argument("--test", default="data/builtin/test.jsonl")
    parser.add_argument("--orders", type=int, nargs="+", default=[3, 4])
    parser.add_argument("--lm-weights", type=float, nargs="+", default=LM_WEIGHTS)
    parser.add_argument("--word-scores", type=float, nargs="+", default=WORD_SCORES)
    parser.add_argument("--rescore", help="a GPT LM checkpoint to rescore the chosen search's 16-best with")
    parser.add_argument("--out", default="experiments/lm_ngram/results")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    model, _ = load_model(args.checkpoint)
    tokenizer = model.tokenizer
    sentences = Path(args.text).read_text(encoding="utf-8").splitlines()
    arpas = {}
    for order in args.orders:
        start = time.perf_counter()
        arpas[order] = str(build_arpa(sentences, out / f"{order}gram.arpa", order))
        print(f"{order}-gram: {arpa_counts(arpas[order])} in {time.perf_counter() - start:.1f} s")
    dev, dev_refs = ctc_outputs(model, args.dev)
    test, test_refs = ctc_outputs(model, args.test)

    grid = {}
    for order, weight, word_score in track(list(itertools.product(args.orders, args.lm_weights, args.word_scores)),
                                           description="dev grid"):
        search = lexicon(args.text, arpas[order], weight, word_score, tokenizer)
        grid[(order, weight, word_score)] = score(decode(search, tokenizer, dev, dev_refs)[0])["wer"]
    order, weight, word_score = min(grid, key=grid.get)

    greedy = [{**ref, "hyp": tokenizer.decode(h.tokens)} for ref, h in
              zip(test_refs, [h for lp, n in test for h in ctc_greedy(lp, n, model.head.blank)], strict=True)]
    no_lm_search = lexicon(args.text, None, 2.0, 0.0, tokenizer)
    no_lm, no_lm_seconds = decode(no_lm_search, tokenizer, test, test_refs)
    best, best_seconds = decode(lexicon(args.text, arpas[order], weight, word_score, tokenizer), tokenizer,
                                test, test_refs)
    result = {
        "checkpoint": args.checkpoint, "text": args.text, "order": order, "lm_weight": weight,
        "word_score": word_score, "arpa_counts": arpa_counts(arpas[order]),
        "dev_wer_lexicon_no_lm": score(decode(no_lm_search, tokenizer, dev, dev_refs)[0])["wer"],
        "dev_wer_chosen": grid[(order, weight, word_score)],
        "test_greedy": score(greedy), "test_lexicon": score(no_lm), "test_lexicon_ngram": score(best),
        "search_seconds": {"lexicon": no_lm_seconds, "lexicon_ngram": best_seconds},
        "test_audio_seconds": sum(r["duration"] for r in test_refs),
        "vs_lexicon": compared(no_lm, best), "vs_greedy": compared(greedy, best),
        "dev_grid": [{"order": o, "lm_weight": w, "word_score": s, "wer": v} for (o, w, s), v in grid.items()],
    }
    if args.rescore:
        result["gpt"] = gpt_rescoring(args, arpas[order], weight, word_score, tokenizer, dev, dev_refs,
                                      test, test_refs, best)
    (out / "ngram.json").write_text(json.dumps(result, indent=2) + "\n")
    write_hyps(out / "hyps_test.jsonl", best)

    table = Table(title=f"CTC test WER, lexicon search with a {order}-gram (LM weight {weight}, "
                        f"word score {word_score}, chosen on dev)")
    for column in ("decoding", "WER %", "95% CI", "CER %", "search s"):
        table.add_column(column, justify="left" if column == "decoding" else "right")
    rows = (("greedy", result["test_greedy"], None), ("lexicon", result["test_lexicon"], no_lm_seconds),
            (f"lexicon + {order}-gram", result["test_lexicon_ngram"], best_seconds))
    for name, m, seconds in rows:
        table.add_row(name, f"{100 * m['wer']:.2f}", f"[{100 * m['wer_ci_low']:.2f}, {100 * m['wer_ci_high']:.2f}]",
                      f"{100 * m['cer']:.2f}", "" if seconds is None else f"{seconds:.1f}")
    console = Console()
    console.print(table)
    for name, tests in (("vs_lexicon", result["vs_lexicon"]), ("vs_greedy", result["vs_greedy"]),
                        ("GPT rescoring vs n-gram alone", result.get("gpt", {}).get("vs_ngram"))):
        if tests:
            console.print(f"{name}: paired bootstrap p = {tests['paired_bootstrap']['p_value']:.3f}, "
                          f"sign test p = {tests['sign_test']['p_value']:.2g}")
    if "gpt" in result:
        m = result["gpt"]["test"]
        console.print(f"+ GPT rescoring (weight {result['gpt']['weight']}, word bonus {result['gpt']['word_bonus']}): "
                      f"test WER {100 * m['wer']:.2f}% [{100 * m['wer_ci_low']:.2f}, {100 * m['wer_ci_high']:.2f}], "
                      f"CER {100 * m['cer']:.2f}%")


def gpt_rescoring(args, arpa: str, weight: float, word_score: float, tokenizer, dev: list, dev_refs: list[dict],
                  test: list, test_refs: list[dict], ngram_only: list[dict]) -> dict:
    """The GPT LM's weight and word bonus chosen on dev's n-gram 16-best lists, then applied to test's."""
    rescorer = GPTRescorer(args.rescore)
    search = LexiconSearch(args.text, lm=arpa, lm_weight=weight, word_score=word_score, nbest=16, rescorer=rescorer)
    search.bind(tokenizer)
    lists, lm_scores = {}, {}
    for name, batches in (("dev", dev), ("test", test)):
        lists[name] = [nbest or [("", 0.0)] for lp, n in batches for nbest in search.nbest_lists(lp, n)]
        lm_scores[name] = [rescorer.log_probs([s for s, _ in nbest])
                           for nbest in track(lists[name], description=f"GPT scores of {name}")]

    def picked(name: str, refs: list[dict]) -> list[dict]:
        return [{**ref, "hyp": nbest[rescorer.best(*zip(*nbest, strict=True), lms)][0]}
                for ref, nbest, lms in zip(refs, lists[name], lm_scores[name], strict=True)]

    grid = {}
    for rescorer.weight, rescorer.word_bonus in itertools.product(GPT_WEIGHTS, GPT_BONUSES):
        grid[(rescorer.weight, rescorer.word_bonus)] = score(picked("dev", dev_refs))["wer"]
    rescorer.weight, rescorer.word_bonus = min(grid, key=grid.get)
    records = picked("test", test_refs)
    write_hyps(Path(args.out) / "hyps_test_gpt.jsonl", records)
    return {"checkpoint": args.rescore, "nbest": 16, "weight": rescorer.weight, "word_bonus": rescorer.word_bonus,
            "dev_wer": grid[(rescorer.weight, rescorer.word_bonus)], "test": score(records),
            "vs_ngram": compared(ngram_only, records),
            "dev_grid": [{"weight": w, "word_bonus": b, "wer": v} for (w, b), v in grid.items()]}


if __name__ == "__main__":
    main()
