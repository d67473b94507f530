import json

import pytest
import torch

from asrbench.commands.train import run
from asrbench.evaluation.evaluate import transcribe_manifest
from asrbench.models.heads.options import DecodingOptions
from asrbench.training.checkpoint import load_model
from tests.conftest import compose, overfit_overrides


@pytest.mark.slow
def test_tiny_llm_head_with_a_frozen_lm_overfits_eight_utterances(tiny_corpus, tmp_path):
    train = tiny_corpus / "train.jsonl"
    texts = [json.loads(line)["text"] for line in train.read_text().splitlines()]
    (tmp_path / "text.txt").write_text("\n".join(texts * 40) + "\n")
    pretrain = ["lm_arch=tiny", "tokenizer.vocab_size=200", "tokenizer.model_type=bpe", "block_size=64",
                "batch_size=8", "trainer.max_epochs=30", "trainer.precision=32", "optim.lr=3e-3",
                "optim.warmup_steps=10", f"text={tmp_path / 'text.txt'}"]
    lm = tmp_path / "lm" / "gpt.ckpt"
    cfg = compose("train", ["model=llm", *overfit_overrides(tiny_corpus, steps=80), f"model.lm.path={lm}",
                            "model.lm.pretrain_overrides=[" + ",".join(f'"{o}"' for o in pretrain) + "]"])
    metrics = run(cfg, tmp_path / "run")  # pretrains the missing LM first
    assert metrics["wer"] == 0.0, (tmp_path / "run" / "hyps.jsonl").read_text()

    lm_parameters = sum(v.numel() for v in torch.load(lm, weights_only=True)["state_dict"].values())
    model, _ = load_model(metrics["best_checkpoint"])
    assert metrics["trainable_parameters"] == sum(p.numel() for p in model.encoder.parameters()) + sum(
        p.numel() for p in model.head.qformer.parameters())
    assert metrics["parameters"] == metrics["trainable_parameters"] + lm_parameters

    # The checkpoint carries the LM's architecture, weights and tokenizer: it decodes the same without the LM file.
    lm.rename(tmp_path / "moved.ckpt")
    model, _ = load_model(metrics["best_checkpoint"])
    records, _ = transcribe_manifest(model, train, DecodingOptions(), progress=False)
    assert [r["hyp"] for r in records] == texts
