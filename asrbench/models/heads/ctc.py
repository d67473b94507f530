"""CTC head: one linear layer over the encoder states, trained with ``F.ctc_loss``."""

import torch
import torch.nn.functional as F
from torch import nn

from asrbench.decoding.ctc import ctc_greedy, ctc_prefix_beam_search
from asrbench.decoding.hypothesis import Hypothesis
from asrbench.models.heads.options import DecodingOptions


class CTCHead(nn.Module):
    accepts_lexicon = True  # DecodingOptions.lexicon searches over this head's per-frame log-probs

    def __init__(self, dim: int, vocab_size: int, dropout: float = 0.1):
        super().__init__()
        self.blank = vocab_size  # one extra class after the tokenizer's ids
        self.dropout = nn.Dropout(dropout)
        self.proj = nn.Linear(dim, vocab_size + 1)

    def log_probs(self, enc: torch.Tensor) -> torch.Tensor:
        return self.proj(self.dropout(enc)).float().log_softmax(dim=-1)

    def forward(self, enc: torch.Tensor, enc_lens: torch.Tensor, batch: dict) -> dict[str, torch.Tensor]:
        return {"loss": self.loss(self.log_probs(enc), enc_lens, batch)}

    def loss(self, log_probs: torch.Tensor, lengths: torch.Tensor, batch: dict) -> torch.Tensor:
        """CTC loss per utterance (summed over its tokens) of (B, T, C) log-probs against ``batch``'s tokens."""
        loss = F.ctc_loss(log_probs.transpose(0, 1), batch["tokens"], lengths, batch["token_lens"],
                          blank=self.blank, reduction="sum", zero_infinity=True)
        return loss / log_probs.shape[0]

    @torch.no_grad()
    def decode(self, enc: torch.Tensor, enc_lens: torch.Tensor, options: DecodingOptions) -> list[Hypothesis]:
        return self.search(self.log_probs(enc), enc_lens, options)

    def search(self, log_probs: torch.Tensor, lengths: torch.Tensor, options: DecodingOptions) -> list[Hypothesis]:
        """Lexicon, greedy (beam 1) or prefix beam search over (B, T, C) log-probs, e.g. stitched from chunks."""
        if options.lexicon is not None:
            return options.lexicon(log_probs, lengths)
        if options.beam_size <= 1:
            return ctc_greedy(log_probs, lengths, self.blank)
        return [ctc_prefix_beam_search(lp[:n], self.blank, options.beam_size)[0]
                for lp, n in zip(log_probs, lengths.tolist(), strict=True)]
