"""The frozen LM of the LLM head alone on the dev transcripts: the head's prompt, no speech tokens.

A head whose dev loss is not below this figure has learned nothing from the speech.
    .venv/bin/python experiments/compare_heads/lm_text_only.py data/builtin/lm/gpt.ckpt --text-position 96
"""

import argparse
import json

import torch
import torch.nn.functional as F

from asrbench.models.lm.load import load_lm


def text_only_loss(lm_path: str, manifest: str, text_position: int | None,
                   prefix: str = "speech", suffix: str = "transcript") -> tuple[float, int]:
    lm, tokenizer = load_lm("gpt", lm_path)
    lm.eval()
    prefix_ids, suffix_ids = [tokenizer.bos_id, *tokenizer.encode(prefix)], tokenizer.encode(suffix)
    total, count = 0.0, 0
    with torch.no_grad():
        for line in open(manifest, encoding="utf-8"):
            ids = tokenizer.encode(json.loads(line)["text"])
            start = len(prefix_ids) + len(suffix_ids) if text_position is None else text_position
            inputs = prefix_ids + suffix_ids + ids
            positions = [*range(len(prefix_ids)), *range(start - len(suffix_ids), start + len(ids))]
            logits, _ = lm(lm.embed(torch.tensor([inputs])), torch.ones(1, len(inputs), dtype=torch.bool),
                           positions=torch.tensor([positions]))
            targets = torch.tensor([*ids, tokenizer.eos_id])
            first = len(prefix_ids) + len(suffix_ids) - 1  # the last suffix token predicts the first label
            total += F.cross_entropy(logits[0, first:], targets, reduction="sum").item()
            count += len(targets)
    return total / count, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lm", help="a checkpoint written by python -m asrbench lm")
    parser.add_argument("--manifest", default="data/builtin/dev.jsonl")
    parser.add_argument("--text-position", type=int, default=None, help="= model.text_position (default: none)")
    args = parser.parse_args()
    loss, count = text_only_loss(args.lm, args.manifest, args.text_position)
    print(f"{args.lm}: {loss:.3f} nats/token over {count} tokens of {args.manifest} (no speech tokens)")


if __name__ == "__main__":
    main()
