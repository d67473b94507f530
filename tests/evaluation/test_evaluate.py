import json

import numpy as np
import pytest
import soundfile as sf
import torch

from asrbench.evaluation.evaluate import evaluate_manifest
from asrbench.models.encoder import TransformerEncoder
from asrbench.models.heads.options import DecodingOptions
from tests.conftest import write_manifest_lines
from tests.decoding.test_longform import local_ctc_model


def test_utterances_longer_than_the_window_are_decoded_in_chunks(tmp_path, monkeypatch):
    import asrbench.evaluation.evaluate as evaluate

    rng = np.random.default_rng(0)
    for name, seconds in [("short", 3.0), ("long", 40.0)]:
        sf.write(tmp_path / f"{name}.wav", (0.1 * rng.standard_normal(int(seconds * 16000))).astype(np.float32), 16000)
    records = [{"id": n, "audio": f"{n}.wav", "text": "some words", "duration": d, "speaker": f"voice_{n}"}
               for n, d in [("short", 3.0), ("long", 40.0)]]
    manifest = write_manifest_lines(tmp_path / "m.jsonl", records)
    chunked = []
    original = evaluate.transcribe_long
    monkeypatch.setattr(evaluate, "transcribe_long", lambda *a, **k: chunked.append(k) or original(*a, **k))
    hyps, metrics = evaluate_manifest(local_ctc_model(), manifest, DecodingOptions(), window_seconds=10.0,
                                      progress=False)
    assert [h["id"] for h in hyps] == ["short", "long"] and len(chunked) == 1 and chunked[0]["window"] == 10.0
    assert metrics["utterances"] == 2 and metrics["audio_seconds"] == 43.0 and hyps[1]["hyp"]
    assert [h["speaker"] for h in hyps] == ["voice_short", "voice_long"]  # kept in hyps.jsonl for later analysis
    assert set(metrics["wer_by_speaker"]) == {"voice_short", "voice_long"}
    assert json.dumps(metrics)  # serialisable as metrics.json


def test_encoder_initialisation_from_a_mismatched_checkpoint_is_named(tmp_path):
    torch.save({"state_dict": {f"model.encoder.{k}": v for k, v in TransformerEncoder(dim=64).state_dict().items()}},
               tmp_path / "small.ckpt")
    with pytest.raises(ValueError, match=r"small\.ckpt: encoder weights do not fit encoder config: size mismatch"):
        TransformerEncoder(dim=32, checkpoint=str(tmp_path / "small.ckpt"))
    torch.save({"state_dict": {"model.head.proj.weight": torch.zeros(2, 2)}}, tmp_path / "headless.ckpt")
    with pytest.raises(ValueError, match=r"headless\.ckpt holds no encoder weights"):
        TransformerEncoder(checkpoint=str(tmp_path / "headless.ckpt"))
