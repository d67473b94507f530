"""Pretraining the built-in GPT on text: packed token blocks and a LightningModule that reports perplexity."""

import logging
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from asrbench.models.lm.gpt import GPT
from asrbench.text.tokenizer import Tokenizer
from asrbench.training.schedule import build_adamw, build_scheduler

IGNORE = -100
log = logging.getLogger(__name__)


@dataclass
class ReadingTask:
    """``<s> prefix noisy-copy suffix sentence </s>``, trained on the sentence and ``</s>`` only.

    A small LM pretrained on unrelated sentences learns to ignore what precedes a sentence, so a frozen
    one cannot read the LLM head's speech tokens. These sequences teach it to read a corrupted copy
    (tokens dropped, repeated or replaced, as a fixed-rate window sequence blurs them) placed where the
    speech tokens will be; ``prefix``, ``suffix`` and ``text_position`` should be the head's.
    With ``text_position`` the sentence starts at that position whatever the copy's length, so the
    copy is read by position (fast to learn) rather than by content matching (slow).
    """

    fraction: float = 0.5  # of the sentences
    prefix: str = "speech"
    suffix: str = "transcript"
    drop: float = 0.1
    repeat: float = 0.2
    replace: float = 0.1
    text_position: int | None = None

    def corrupt(self, tokens: list[int], rng: random.Random, vocab: range) -> list[int]:
        out = []
        for token in tokens:
            if rng.random() < self.drop:
                continue
            token = rng.choice(vocab) if rng.random() < self.replace else token
            out += [token] * (2 if rng.random() < self.repeat else 1)
        return out


class PackedText(Dataset):
    """The stream ``<s> sentence </s> <s> sentence </s> ...`` cut into blocks of ``block_size + 1`` tokens
    (inputs and shifted targets), with a mask of the tokens that are trained as targets (not ``<s>``,
    which is certain after ``</s>``) and position ids, which restart at every ``<s>``. Sentences that need
    more than ``max_positions`` positions (an LM's range) are skipped and counted in a warning."""

    def __init__(self, sentences: Sequence[str], tokenizer: Tokenizer, block_size: int,
                 reading: ReadingTask | None = None, seed: int = 0, max_positions: int | None = None):
        rng, vocab = random.Random(seed), range(3, tokenizer.vocab_size)
        ids, learn, positions, too_long = [], [], [], 0
        prefix, suffix = (tokenizer.encode(reading.prefix), tokenizer.encode(reading.suffix)) if reading else ([], [])
        for sentence in sentences:
            tokens = tokenizer.encode(sentence)
            context, context_positions = [tokenizer.bos_id], [0]
            if reading is not None and rng.random() < reading.fraction:
                copy = [tokenizer.bos_id, *prefix, *reading.corrupt(tokens, rng, vocab)]
                start = len(copy) + len(suffix) if reading.text_position is None else reading.text_position
                if len(copy) + len(suffix) <= start:
                    context, context_positions = copy + suffix, [*range(len(copy)), *range(start - len(suffix), start)]
            if max_positions and context_positions[-1] + len(tokens) + 2 > max_positions:  # the LM cannot place it
                too_long += 1
                continue
            ids += context + tokens + [tokenizer.eos_id]
            learn += [False] * len(context) + [True] * (len(tokens) + 1)
            start = context_positions[-1] + 1
            positions += context_positions + list(range(start, start + len(tokens) + 1))
        if too_long:
            log.warning("LM text: skipped %d of %d sentences that need more than the LM's %d positions",
                        too_long, len(sentences), max_positions)
        self.block_size, self.blocks = block_size, (len(ids) - 1) // block_size
        if self.blocks == 0:
            raise ValueError(f"{len(sentences)} sentences ({len(ids)} tokens) do not fill one block of "
                             f"{block_size} tokens; lower block_size or add text")
        self.ids = torch.tensor(ids[: self.blocks * block_size + 1])
        self.learn = torch.tensor(learn[: self.blocks * block_size + 1])
        self.positions = torch.tensor(positions[: self.blocks * block_size + 1])

    def __len__(self) -> int:
        return self.blocks

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        span = slice(i * self.block_size, (i + 1) * self.block_size + 1)
        return self.ids[span], self.learn[span], self.positions[span]


class LMTask(L.LightningModule):
    """Next-token cross-entropy on the trained targets. The validation perplexity is per trained token,
    on plain sentences (``val_ppl``) and, when a second validation loader holds reading sequences, on
    those (``val_read_ppl``: far below ``val_ppl`` once the LM reads its prefix)."""

    NAMES = ("val", "val_read")

    def __init__(self, model: GPT, optim: dict):
        super().__init__()
        self.model, self.optim = model, optim
        self.val_perplexity = self.read_perplexity = float("nan")
        self._val = {}

    def _loss(self, batch: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, int]:
        ids, learn, positions = batch
        inputs, targets = ids[:, :-1], ids[:, 1:].masked_fill(~learn[:, 1:], IGNORE)
        logits, _ = self.model(self.model.embed(inputs), torch.ones_like(inputs, dtype=torch.bool),
                               positions=positions[:, :-1])
        total = F.cross_entropy(logits.flatten(0, 1).float(), targets.flatten(), ignore_index=IGNORE, reduction="sum")
        return total, int((targets != IGNORE).sum())

    def training_step(self, batch: tuple[torch.Tensor, ...], batch_idx: int) -> torch.Tensor:
        total, count = self._loss(batch)
        loss = total / max(count, 1)
        self.log("train/loss", loss.detach(), prog_bar=True, batch_size=len(batch[0]))
        return loss

    def validation_step(self, batch: tuple[torch.Tensor, ...], batch_idx: int, dataloader_idx: int = 0) -> None:
        total, count = self._loss(batch)
        sums = self._val.setdefault(self.NAMES[dataloader_idx], [0.0, 0])
        sums[0] += float(total)
        sums[1] += count

    def on_validation_epoch_end(self) -> None:
        losses = {name: total / max(count, 1) for name, (total, count) in self._val.items()}
        for name, loss in losses.items():
            self.log_dict({f"{name}_loss": loss, f"{name}_ppl": math.exp(loss)}, prog_bar=True)
        self.val_perplexity = math.exp(losses["val"])
        self.read_perplexity = math.exp(losses.get("val_read", math.nan))
        self._val = {}

    def configure_optimizers(self) -> dict:
        opt = self.optim
        optimizer = build_adamw(self.model, opt, self.trainer.precision)
        total = int(self.trainer.estimated_stepping_batches)
        warmup = min(opt["warmup_steps"], max(1, total // 5))
        scheduler = build_scheduler(optimizer, opt["schedule"], total, warmup, opt.get("final_lr_ratio", 0.01))
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}
