"""``python -m asrbench train``: fit a model with Lightning, then evaluate its best checkpoint."""

import csv
import logging
import shutil
import traceback
import warnings
from pathlib import Path

import hydra
import lightning as L
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from lightning.pytorch.callbacks import LearningRateMonitor, ModelCheckpoint, RichProgressBar, Timer
from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger
from lightning.pytorch.utilities.rank_zero import rank_zero_only
from omegaconf import DictConfig, OmegaConf

from asrbench.commands import bench
from asrbench.commands.lm import ensure_lm
from asrbench.config import CONF_DIR, flatten
from asrbench.evaluation.evaluate import evaluate_manifest, update_metrics, write_results
from asrbench.evaluation.table import print_metrics
from asrbench.models.asr_model import ASRModel
from asrbench.models.build import build_model, check_pretrained_features
from asrbench.training.checkpoint import initialise_from, load_model, read_checkpoint
from asrbench.training.module import ASRTask
from asrbench.training.relocatable_checkpoint import RelocatableCheckpoint

log = logging.getLogger(__name__)

# What a resumed run may change: how long, where and how it runs, not what it trains.
RESUMABLE_CHANGES = ("resume", "overwrite", "evaluate", "threads", "bench", "decoding", "checkpoint_every_n_steps",
                     "trainer.max_epochs", "trainer.max_steps", "trainer.accelerator", "trainer.devices",
                     "trainer.num_nodes", "trainer.strategy", "trainer.precision", "data.num_workers",
                     "optim.fused", "data.window_seconds")


def ensure_corpus(cfg: DictConfig) -> None:
    """Build the configured corpus when the data manifests point into it and are missing."""
    manifests = [Path(cfg.data[k]) for k in ("train_manifest", "dev_manifest", "test_manifest")]
    if all(m.is_file() for m in manifests):
        return
    corpus_dir = Path(cfg.corpus.out_dir).resolve() if cfg.get("corpus") else None
    if corpus_dir is None or any(corpus_dir not in m.resolve().parents for m in manifests):
        missing = next(m for m in manifests if not m.is_file())
        raise FileNotFoundError(f"manifest {missing} does not exist (data.*_manifest); import a corpus with "
                                "`python -m asrbench data ...` or fix the path")
    log.info("built-in corpus missing at %s: synthesising it (one time)", corpus_dir)
    instantiate(cfg.corpus)


def prepare_run_dir(run_dir: Path, resume: bool, overwrite: bool) -> str | None:
    """Return the checkpoint to resume from; refuse to clobber an earlier run's checkpoints."""
    last = run_dir / "checkpoints" / "last.ckpt"
    if resume:
        if not last.is_file():
            log.warning("resume=true but %s does not exist: starting from scratch", last)
            return None
        return str(last)
    if (run_dir / "checkpoints").is_dir() and any((run_dir / "checkpoints").iterdir()):
        if not overwrite:
            raise SystemExit(f"asrbench: {run_dir} already holds checkpoints from an earlier run. Pass "
                             "resume=true to continue it, or overwrite=true to delete them and start over.")
        shutil.rmtree(run_dir / "checkpoints")
    return None


def check_resumable(checkpoint: str, cfg: DictConfig) -> None:
    """Refuse to resume ``checkpoint`` under a config that trains something else than it was trained with."""
    stored = flatten(read_checkpoint(checkpoint)["hyper_parameters"]["config"])
    current = flatten(OmegaConf.to_container(cfg, resolve=True))
    # An option added to asrbench after the checkpoint was written is absent from it; left off (null,
    # false, 0, empty: how new options default) it trains what the checkpoint trained.
    added_off = {key for key in current.keys() - stored.keys() if current[key] in (None, False, 0, {}, [])}
    changed = sorted(key for key in (stored.keys() | current.keys()) - added_off
                     if stored.get(key, "<absent>") != current.get(key, "<absent>")
                     and not any(key == k or key.startswith(k + ".") for k in RESUMABLE_CHANGES))
    if changed:
        lines = "\n".join(f"  {key}: {stored.get(key, '<absent>')!r} -> {current.get(key, '<absent>')!r}"
                          for key in changed)
        raise SystemExit(f"asrbench: cannot resume {checkpoint}: it was trained with another config\n{lines}\n"
                         "Run with the checkpoint's values, or start over with overwrite=true (or in another "
                         "hydra.run.dir).")


def csv_logger(run_dir: Path, resuming: bool) -> CSVLogger:
    """The run's ``logs/metrics.csv`` logger; a resumed run appends to it (Lightning's would delete it)."""
    logger = CSVLogger(run_dir, name="logs", version="")
    path = Path(logger.log_dir) / "metrics.csv"
    if resuming and rank_zero_only.rank == 0 and path.is_file():
        kept = path.with_name("metrics.kept.csv")
        path.replace(kept)  # out of the way while the writer starts up and deletes what it finds
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*will be deleted when the new ones are saved")
            writer = logger.experiment
        kept.replace(path)
        with path.open(newline="") as file:
            writer.metrics_keys = next(csv.reader(file), [])  # so its next rows append under this header
    return logger


def build_trainer(cfg: DictConfig, run_dir: Path, resuming: bool = False) -> L.Trainer:
    """Lightning trainer with the best checkpoint by dev WER and ``last.ckpt`` at every validation and
    every ``checkpoint_every_n_steps`` steps (Lightning writes both atomically: temp file, then rename)."""
    directory = run_dir / "checkpoints"
    # No "=" in file names: Hydra would read "checkpoint=best-epoch=02.ckpt" as a malformed override.
    best = RelocatableCheckpoint(dirpath=directory, filename="best-epoch{epoch:02d}-wer{dev_wer:.4f}",
                                 monitor="dev_wer", mode="min", save_top_k=1, enable_version_counter=False,
                                 auto_insert_metric_name=False)
    # The next two write the same last.ckpt (without the version counter the second would write last-v1.ckpt).
    periodic = ModelCheckpoint(dirpath=directory, save_top_k=0, save_last=True, enable_version_counter=False,
                               every_n_train_steps=cfg.checkpoint_every_n_steps)
    # Not best's save_last: Lightning writes that copy only when best itself saved, so after an epoch whose dev
    # WER did not improve last.ckpt would lag up to checkpoint_every_n_steps behind, the end of training included.
    after_validation = ModelCheckpoint(dirpath=directory, filename="last", enable_version_counter=False)
    loggers = [csv_logger(run_dir, resuming), TensorBoardLogger(run_dir, name="tb", version="")]
    # Timer keeps the training time in the checkpoints, so a resumed run reports the total, not its last leg.
    callbacks = [best, periodic, after_validation, Timer(verbose=False), RichProgressBar(leave=True),
                 LearningRateMonitor()]
    if cfg.get("averaging"):  # swaps the average in for validation and writes it as the checkpoints' weights
        callbacks.append(instantiate(cfg.averaging))
    return instantiate(cfg.trainer, default_root_dir=str(run_dir), logger=loggers, callbacks=callbacks)


def initialise(model: ASRModel, cfg: DictConfig) -> None:
    """``init=FILE``: fine-tune every weight of an earlier (or imported) model, not only its encoder."""
    if cfg.encoder.get("checkpoint"):
        raise ValueError(f"init={cfg.init} sets every weight, encoder.checkpoint={cfg.encoder.checkpoint} the "
                         "encoder's: pass one of them")
    checkpoint = read_checkpoint(cfg.init)
    check_pretrained_features(cfg.frontend, checkpoint, f"init={cfg.init}")
    initialise_from(model, checkpoint, cfg.init)
    log.info("initialised every weight from %s", cfg.init)


def run(cfg: DictConfig, run_dir: Path) -> dict:
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    L.seed_everything(cfg.seed, workers=True)
    ckpt_path = prepare_run_dir(run_dir, cfg.resume, cfg.overwrite)
    ensure_corpus(cfg)
    ensure_lm(cfg, run_dir)  # model=llm: pretrain the built-in LM when missing; record its arch in cfg
    if ckpt_path:
        check_resumable(ckpt_path, cfg)
    datamodule = instantiate(cfg.data)
    tokenizer = instantiate(cfg.tokenizer)(texts=datamodule.train_texts(),
                                           cache_dir=Path(cfg.data.train_manifest).parent)
    model = build_model(cfg, tokenizer)
    if cfg.init:
        initialise(model, cfg)
    datamodule.tokenizer = model.tokenizer
    task = ASRTask(model, cfg)
    trainer = build_trainer(cfg, run_dir, resuming=ckpt_path is not None)
    log.info("model: %.2f M parameters (%.2f M trainable); run dir %s", model.num_parameters() / 1e6,
             model.num_parameters(trainable_only=True) / 1e6, run_dir)
    trainer.fit(task, datamodule=datamodule, ckpt_path=ckpt_path)
    train_seconds = next(c for c in trainer.callbacks if isinstance(c, Timer)).time_elapsed("train")
    if not trainer.is_global_zero:
        return {}
    best = trainer.checkpoint_callback.best_model_path or str(run_dir / "checkpoints" / "last.ckpt")
    best_dev_wer = trainer.checkpoint_callback.best_model_score
    metrics = {"train_seconds": train_seconds, "best_checkpoint": best, "skipped_batches": task.skipped_batches,
               "dev_wer": None if best_dev_wer is None else float(best_dev_wer),
               "head": cfg.model._target_.rsplit(".", 1)[-1], "encoder": cfg.encoder._target_.rsplit(".", 1)[-1],
               "epochs": trainer.current_epoch, "steps": trainer.global_step}
    update_metrics(run_dir, metrics)
    if cfg.evaluate:
        best_model, _ = load_model(best)
        records, test_metrics = evaluate_manifest(best_model, cfg.data.test_manifest, instantiate(cfg.decoding),
                                                  batch_seconds=cfg.data.batch_seconds, skip_bad=cfg.data.skip_bad,
                                                  window_seconds=datamodule.window_seconds)
        write_results(run_dir, records, test_metrics)
        metrics.update(test_metrics)
        print_metrics(metrics, title=f"{run_dir}: test set")
        if cfg.bench.enabled:
            options = {k: v for k, v in cfg.bench.items() if k != "enabled"}
            metrics["bench"] = bench.run(best_model, cfg.data.test_manifest, instantiate(cfg.decoding),
                                         skip_bad=cfg.data.skip_bad, **options)
            update_metrics(run_dir, {"bench": metrics["bench"]})
            bench.print_bench(metrics["bench"], title=f"{run_dir}: latency")
    return metrics


@hydra.main(config_path=CONF_DIR, config_name="train", version_base="1.3")
def main(cfg: DictConfig) -> float | None:
    OmegaConf.resolve(cfg)
    run_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        metrics = run(cfg, run_dir)
    except Exception as err:
        # Recorded so that `report` lists the failed job of a sweep; Hydra still sees the exception, runs
        # the sweep's remaining jobs and exits non-zero at the end.
        if rank_zero_only.rank == 0:
            cause = err
            while cause.__cause__ is not None:  # e.g. the error inside Hydra's InstantiationException
                cause = cause.__cause__
            update_metrics(run_dir, {"status": "failed", "error": f"{type(cause).__name__}: {cause}",
                                     "traceback": traceback.format_exc()})
        raise
    if metrics:
        update_metrics(run_dir, {"status": "ok", "error": None, "traceback": None})
    # What a Hydra sweeper (e.g. Optuna) minimises: the best checkpoint's dev WER, so that a search never
    # chooses on the test split it reports.
    return metrics.get("dev_wer")
