import json

import pytest

from asrbench.commands.train import run
from tests.conftest import compose, overfit_overrides


@pytest.mark.slow
def test_tiny_ctc_overfits_eight_utterances_to_wer_zero(tiny_corpus, tmp_path):
    cfg = compose("train", ["model=ctc", *overfit_overrides(tiny_corpus, steps=250)])
    metrics = run(cfg, tmp_path)
    assert metrics["utterances"] == 8
    assert metrics["wer"] == 0.0, (tmp_path / "hyps.jsonl").read_text()
    hyps = [json.loads(line) for line in (tmp_path / "hyps.jsonl").read_text().splitlines()]
    assert all(h["hyp"] == h["ref"] for h in hyps)
    assert (tmp_path / "checkpoints" / "last.ckpt").is_file()
