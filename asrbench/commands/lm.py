"""``python -m asrbench lm``: pretrain the built-in GPT-style LM of the LLM head on text.

The default text is the built-in corpus's ``lm_text.txt`` (its training-partition sentences, never
dev/test ones); a slice of it is held out for the validation perplexity.
"""

import logging
import random
import time
from dataclasses import replace
from pathlib import Path

import hydra
import lightning as L
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from lightning.pytorch.callbacks import LearningRateMonitor, RichProgressBar
from lightning.pytorch.loggers import CSVLogger
from omegaconf import DictConfig, OmegaConf, open_dict
from torch.utils.data import DataLoader

from asrbench.config import CONF_DIR
from asrbench.evaluation.evaluate import update_metrics
from asrbench.models.lm.gpt import GPT, save_gpt
from asrbench.models.lm.load import read_arch
from asrbench.text.tokenizer import SentencePieceTokenizer
from asrbench.training.lm_task import LMTask, PackedText, ReadingTask

log = logging.getLogger(__name__)


def read_sentences(path: str | Path) -> list[str]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"LM text {path} does not exist (one sentence a line; set text=FILE, or build the "
                                "built-in corpus, whose lm_text.txt is the default)")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(cfg: DictConfig, run_dir: Path) -> dict:
    """Train tokenizer and LM, write the checkpoint ``cfg.output``; returns the metrics (val perplexity)."""
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    L.seed_everything(cfg.seed)
    sentences = read_sentences(cfg.text)
    random.Random(cfg.seed).shuffle(sentences)
    n_val = max(1, int(len(sentences) * cfg.val_fraction))
    val, train = sentences[:n_val], sentences[n_val:]
    tokenizer = SentencePieceTokenizer.train(train, cfg.tokenizer.vocab_size, cfg.tokenizer.model_type)
    model = GPT(tokenizer.vocab_size, **cfg.lm_arch)
    reading = ReadingTask(**cfg.reading) if cfg.get("reading") else None
    train_data = PackedText(train, tokenizer, cfg.block_size, reading, cfg.seed, model.max_positions)
    train_loader = DataLoader(train_data, batch_size=cfg.batch_size, shuffle=True)
    val_data = PackedText(val, tokenizer, cfg.block_size, max_positions=model.max_positions)  # plain text
    val_loaders = [DataLoader(val_data, batch_size=cfg.batch_size)]
    if reading is not None:  # the same sentences, all as reading sequences: does the LM read its prefix?
        read_data = PackedText(val, tokenizer, cfg.block_size, replace(reading, fraction=1.0), cfg.seed,
                               model.max_positions)
        # Its own generator: every DataLoader iterator draws a seed, and from the global RNG that would
        # change the training shuffle, so that adding this measurement would change the LM it measures.
        val_loaders.append(DataLoader(read_data, batch_size=cfg.batch_size,
                                      generator=torch.Generator().manual_seed(cfg.seed)))
    task = LMTask(model, OmegaConf.to_container(cfg.optim, resolve=True))
    trainer = instantiate(cfg.trainer, default_root_dir=str(run_dir), enable_checkpointing=False,
                          logger=CSVLogger(run_dir, name="logs", version=""),
                          callbacks=[RichProgressBar(leave=True), LearningRateMonitor()])
    parameters = sum(p.numel() for p in model.parameters())
    log.info("LM: %.2f M parameters, %d training blocks of %d tokens, vocabulary %d",
             parameters / 1e6, len(train_data), cfg.block_size, tokenizer.vocab_size)
    start = time.perf_counter()
    trainer.fit(task, train_loader, val_loaders)
    train_seconds = time.perf_counter() - start
    trainer.validate(task, val_loaders, verbose=False)  # the final weights' perplexities
    metrics = {"lm_val_perplexity": task.val_perplexity, "lm_read_perplexity": task.read_perplexity,
               "lm_train_seconds": train_seconds,
               "lm_parameters": parameters, "lm_vocab_size": tokenizer.vocab_size,
               "lm_train_sentences": len(train), "lm_val_sentences": len(val), "lm_text": str(cfg.text)}
    save_gpt(cfg.output, model.cpu(), tokenizer, **metrics)
    metrics["lm_checkpoint"] = str(Path(cfg.output).resolve())
    update_metrics(run_dir, metrics)
    reads = f", {task.read_perplexity:.2f} reading its prefix" if reading is not None else ""
    print(f"LM validation perplexity {task.val_perplexity:.2f}{reads} (per sentencepiece token, {len(val)} "
          f"held-out sentences); wrote {cfg.output}")
    return metrics


def compose_lm_config(overrides: list[str]) -> DictConfig:
    """The config of ``python -m asrbench lm overrides...``, also from inside another Hydra app."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    if GlobalHydra.instance().is_initialized():
        return compose(config_name="lm", overrides=overrides)
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        return compose(config_name="lm", overrides=overrides)


def ensure_lm(cfg: DictConfig, run_dir: Path) -> None:
    """For model=llm: pretrain the built-in LM when its checkpoint is missing, then record the LM's
    architecture in ``cfg`` (stored in every checkpoint) so that the run's checkpoints rebuild without it."""
    lm = cfg.model.get("lm")
    if lm is None:
        return
    if lm.source == "gpt" and not Path(lm.path).is_file():
        log.info("built-in LM missing at %s: pretraining it first (one time)", lm.path)
        lm_cfg = compose_lm_config(list(lm.get("pretrain_overrides") or []))
        with open_dict(lm_cfg):
            lm_cfg.corpus.out_dir, lm_cfg.output, lm_cfg.seed = cfg.corpus.out_dir, lm.path, cfg.seed
        run(lm_cfg, run_dir / "lm")
        L.seed_everything(cfg.seed, workers=True)  # the ASR run then matches one with a pretrained LM
    with open_dict(cfg):
        cfg.model.lm.arch = read_arch(lm.source, lm.path)


@hydra.main(config_path=CONF_DIR, config_name="lm", version_base="1.3")
def main(cfg: DictConfig) -> float:
    OmegaConf.resolve(cfg)
    return run(cfg, Path(HydraConfig.get().runtime.output_dir))["lm_val_perplexity"]
