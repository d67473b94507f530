import json
import random

import pytest
import torch

from asrbench.commands.lm import compose_lm_config, ensure_lm, run
from asrbench.models.lm.gpt import read_gpt
from tests.conftest import compose
from tests.models.lm.factories import SENTENCES, tiny_hf

TINY = ["lm_arch=tiny", "tokenizer.vocab_size=120", "tokenizer.model_type=bpe", "block_size=32", "batch_size=8",
        "trainer.max_epochs=2", "trainer.precision=32", "threads=1",
        "optim.warmup_steps=5"]


def write_text(path, repeats: int = 30):
    path.write_text("\n".join(SENTENCES * repeats) + "\n")
    return path


def test_lm_command_writes_a_self_contained_checkpoint_and_perplexity(tmp_path):
    cfg = compose_lm_config([*TINY, f"text={write_text(tmp_path / 'text.txt')}", f"output={tmp_path}/lm.ckpt"])
    metrics = run(cfg, tmp_path / "run")
    checkpoint = torch.load(tmp_path / "lm.ckpt", weights_only=True)
    assert set(checkpoint) >= {"arch", "state_dict", "tokenizer", "info"}
    assert checkpoint["arch"]["dim"] == 64 and checkpoint["info"]["lm_val_sentences"] == 9  # 5% of 180
    assert 1 < metrics["lm_val_perplexity"] < checkpoint["arch"]["vocab_size"]
    assert 1 < metrics["lm_read_perplexity"] < checkpoint["arch"]["vocab_size"]  # reading is on by default
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["lm_val_perplexity"] == pytest.approx(
        metrics["lm_val_perplexity"])


def test_train_pretrains_a_missing_lm_and_records_its_architecture(tmp_path):
    write_text(tmp_path / "lm_text.txt")
    overrides = "[" + ",".join(f'"{o}"' for o in TINY) + "]"
    cfg = compose("train", ["model=llm", f"corpus.out_dir={tmp_path}", f"model.lm.pretrain_overrides={overrides}"])
    assert cfg.model.lm.path == f"{tmp_path}/lm/gpt.ckpt" and cfg.model.lm.arch is None
    ensure_lm(cfg, tmp_path / "run")
    assert cfg.model.lm.arch == read_gpt(tmp_path / "lm" / "gpt.ckpt")["arch"]
    assert (tmp_path / "run" / "lm" / "metrics.json").is_file()


def test_missing_lm_without_text_fails_clearly(tmp_path):
    cfg = compose("train", ["model=llm", f"corpus.out_dir={tmp_path}"])
    with pytest.raises(FileNotFoundError, match="lm_text.txt"):
        ensure_lm(cfg, tmp_path / "run")


def test_hf_source_records_the_folder_config(tmp_path):
    folder = tiny_hf(tmp_path / "llama")
    cfg = compose("train", ["model=llm", "model/lm=hf", f"model.lm.path={folder}"])
    ensure_lm(cfg, tmp_path / "run")
    assert cfg.model.lm.arch.model_type == "llama" and cfg.model.lm.arch.hidden_size == 32


def test_reading_sequences_train_only_the_clean_sentence_at_a_fixed_position():
    from asrbench.text.tokenizer import SentencePieceTokenizer
    from asrbench.training.lm_task import PackedText, ReadingTask

    tokenizer = SentencePieceTokenizer.train(SENTENCES * 20, vocab_size=120, model_type="bpe")
    reading = ReadingTask(fraction=1.0, prefix="the", suffix="cat", drop=0.0, repeat=0.0, replace=0.0,
                          text_position=30)
    sentence, prefix, suffix = (tokenizer.encode(t) for t in (SENTENCES[2], "the", "cat"))
    data = PackedText([SENTENCES[2]] * 3, tokenizer, block_size=8, reading=reading)
    context = [tokenizer.bos_id, *prefix, *sentence, *suffix]
    n = len(context) + len(sentence) + 1
    assert data.ids.tolist()[:n] == context + sentence + [tokenizer.eos_id]
    assert data.learn.tolist()[:n] == [False] * len(context) + [True] * (len(sentence) + 1)
    copy = 1 + len(prefix) + len(sentence)
    assert data.positions.tolist()[:n] == [*range(copy), *range(30 - len(suffix), 30 + len(sentence) + 1)]
    assert data.positions[n] == 0  # the next sentence starts again at 0
    noisy = ReadingTask(drop=0.5, repeat=0.5, replace=0.5).corrupt(sentence * 20, random.Random(0), range(3, 120))
    assert noisy != sentence * 20 and all(3 <= t < 120 for t in noisy)


def test_sentences_beyond_the_lms_positions_are_skipped(caplog):
    from asrbench.text.tokenizer import SentencePieceTokenizer
    from asrbench.training.lm_task import PackedText

    tokenizer = SentencePieceTokenizer.train(SENTENCES * 20, vocab_size=120, model_type="bpe")
    glued = "".join(SENTENCES).replace(" ", "")  # one "word" of a hundred pieces, as some fortunes have
    data = PackedText([SENTENCES[0], glued, SENTENCES[1]] * 4, tokenizer, block_size=8, max_positions=32)
    assert int(data.positions.max()) < 32
    assert "skipped 4 of 12 sentences" in caplog.text
    assert int(PackedText([glued] * 2, tokenizer, block_size=8).positions.max()) >= 32  # no limit given
