from pathlib import Path

import pytest
import torch

from asrbench.data.manifest import Utterance
from asrbench.evaluation.latency import benchmark, select
from asrbench.models.build import build_model
from asrbench.models.heads.options import DecodingOptions
from asrbench.text.tokenizer import CharTokenizer
from tests.conftest import compose


def tiny_model(head: str):
    torch.manual_seed(0)
    cfg = compose("train", [f"model={head}", "encoder=transformer_xs", "tokenizer=char"])
    return build_model(cfg, CharTokenizer.train(["hello world"]))


def utterances(audio_dir: Path) -> list[Utterance]:
    return [Utterance(id=name, audio=audio_dir / f"{name}.wav", text="hello", duration=seconds)
            for name, seconds in [("a", 1.0), ("b", 1.5), ("c", 2.0)]]


@pytest.mark.parametrize("head", ["ctc", "aed"])
def test_latency_protocol_structure(head, audio_dir):
    threads = torch.get_num_threads()
    result = benchmark(tiny_model(head), utterances(audio_dir), DecodingOptions(max_length=8), threads=1,
                       warmup=1, batch_size=2, progress=False)
    assert torch.get_num_threads() == threads  # restored
    assert 0 < result["latency_p50_ms"] <= result["latency_p90_ms"] <= result["latency_p99_ms"]
    assert result["rtf"] > 0 and result["throughput_utt_per_s"] > 0 and result["peak_memory_mb"] > 0
    assert result["throughput_audio_s_per_s"] == pytest.approx(4.5 * result["throughput_utt_per_s"] / 3)
    assert result["utterances"] == 3 and result["audio_seconds"] == 4.5 and result["threads"] == 1
    assert result["parameters"] >= result["trainable_parameters"] > 0
    assert result["torch"] == torch.__version__ and result["cpu"]
    if head == "aed":  # first token = frontend + encoder + first decoder step, so below the full latency
        assert 0 < result["first_token_p50_ms"] <= result["latency_p50_ms"]
    else:
        assert "first_token_p50_ms" not in result


def test_select_spreads_over_the_manifest():
    assert select(list(range(10)), 3) == [0, 3, 6]
    assert select(list(range(2)), 5) == [0, 1]
