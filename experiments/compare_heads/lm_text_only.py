"""The frozen LM of the LLM head alone on the dev transcripts: the head's prompt, no speech tokens.

A head whose dev loss is not below this figure has learned nothing from the speech.
    .venv/bin/python experiments/compare_heads/lm_text_only.py data/builtin/lm/gpt.ckpt --text-position 96
"""

import argparse
import json

import torch

from asrbench.models.heads.llm import LLMHead


def text_only_loss(lm_path: str, manifest: str, text_position: int | None, prompt_prefix: str = "speech",
                   prompt_suffix: str = "transcript") -> tuple[float, int]:
    """The head's own loss (nats per transcript token and eos) with every utterance's speech masked out:
    one all-padding encoder frame, so prompt layout and positions are exactly those of training."""
    head = LLMHead(dim=8, vocab_size=0, lm={"source": "gpt", "path": lm_path}, prompt_prefix=prompt_prefix,
                   prompt_suffix=prompt_suffix, text_position=text_position).eval()
    texts = [json.loads(line)["text"] for line in open(manifest, encoding="utf-8")]
    ids = [head.tokenizer.encode(text) for text in texts]
    token_lens = torch.tensor([len(i) for i in ids])
    tokens = torch.zeros(len(ids), int(token_lens.max()), dtype=torch.long)
    for row, i in enumerate(ids):
        tokens[row, : len(i)] = torch.tensor(i)
    with torch.no_grad():
        loss = head(torch.zeros(len(ids), 1, 8), torch.zeros(len(ids), dtype=torch.long),
                    {"tokens": tokens, "token_lens": token_lens})["loss"]
    return float(loss), int(token_lens.sum()) + len(ids)


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
