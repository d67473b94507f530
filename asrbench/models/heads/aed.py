"""Attention encoder-decoder head (Whisper-style), with an optional CTC auxiliary loss (hybrid CTC/attention)."""

import torch
import torch.nn.functional as F
from torch import nn

from asrbench.decoding.beam_search import beam_search
from asrbench.decoding.hypothesis import Hypothesis
from asrbench.decoding.scorers import CTCPrefixScorer
from asrbench.models.decoder import DecoderState, TransformerDecoder
from asrbench.models.encoder import padding_mask
from asrbench.models.heads.ctc import CTCHead
from asrbench.models.heads.options import DecodingOptions
from asrbench.text.tokenizer import BOS, EOS, UNK


class AEDHead(nn.Module):
    """Teacher-forced, label-smoothed cross-entropy on ``[prompt] tokens [eos]``.

    ``prompt`` defaults to ``[<s>]``; Whisper checkpoints use e.g. ``<|startoftranscript|><|notimestamps|>``.
    ``suppress_tokens`` (default ``<unk>``, ``<s>``) are never emitted, ``suppress_at_start`` not first.
    With ``context_token``, ``DecodingOptions.context`` (the previous window's tokens, long-form
    transcription) is fed as ``[context_token] context [prompt]``, as Whisper does.
    """

    def __init__(self, dim: int, vocab_size: int, layers: int = 4, heads: int = 4, max_positions: int = 448,
                 dropout: float = 0.1, label_smoothing: float = 0.1, ctc_weight: float = 0.0,
                 prompt: list[int] | None = None, eos_id: int = EOS, suppress_tokens: list[int] | None = None,
                 suppress_at_start: list[int] | None = None, context_token: int | None = None):
        super().__init__()
        self.decoder = TransformerDecoder(vocab_size, dim, layers, heads, max_positions, dropout)
        self.label_smoothing, self.ctc_weight = label_smoothing, ctc_weight
        self.ctc = CTCHead(dim, vocab_size, dropout) if ctc_weight > 0 else None
        self.prompt = list(prompt) if prompt is not None else [BOS]
        self.eos_id = eos_id
        self.suppress_tokens = list(suppress_tokens if suppress_tokens is not None else [UNK, BOS])
        self.suppress_at_start = list(suppress_at_start or [])
        self.context_token = context_token  # e.g. Whisper's <|startofprev|>: previous text goes before the prompt

    def forward(self, enc: torch.Tensor, enc_lens: torch.Tensor, batch: dict) -> dict[str, torch.Tensor]:
        tokens, token_lens = batch["tokens"], batch["token_lens"]
        n, width = tokens.shape[0], len(self.prompt)
        prompt = torch.tensor(self.prompt, device=tokens.device).expand(n, -1)
        inputs = torch.cat([prompt, tokens], dim=1)
        targets = torch.cat([tokens, tokens.new_zeros(n, 1)], dim=1)
        targets[torch.arange(n), token_lens] = self.eos_id
        valid = padding_mask(token_lens + 1, targets.shape[1])
        state = self.decoder.start(enc, padding_mask(enc_lens, enc.shape[1])[:, None, None, :])
        logits, _ = self.decoder(inputs, state)
        logits = logits[:, width - 1 :]  # the prediction after the last prompt token is the first label
        attention = F.cross_entropy(logits[valid].float(), targets[valid], label_smoothing=self.label_smoothing)
        out = {"loss": attention, "attention_loss": attention.detach()}
        if self.ctc is not None:
            ctc = self.ctc(enc, enc_lens, batch)["loss"]
            ctc = ctc / token_lens.float().mean()  # per token, on the same scale as the cross-entropy
            out.update(loss=(1 - self.ctc_weight) * attention + self.ctc_weight * ctc, ctc_loss=ctc.detach())
        return out

    # The step protocol of asrbench.decoding.protocol.AutoregressiveHead
    def start(self, enc: torch.Tensor, enc_lens: torch.Tensor) -> tuple[torch.Tensor, DecoderState]:
        prompt = torch.tensor(self.prompt, device=enc.device).expand(enc.shape[0], -1)
        return prompt, self.decoder.start(enc, padding_mask(enc_lens, enc.shape[1])[:, None, None, :])

    def step(self, tokens: torch.Tensor, state: DecoderState) -> tuple[torch.Tensor, DecoderState]:
        logits, state = self.decoder(tokens, state)
        return logits[:, -1], state

    def reorder(self, state: DecoderState, index: torch.Tensor) -> DecoderState:
        return state.reorder(index)

    def suppress(self, step: int) -> list[int]:
        return self.suppress_tokens + self.suppress_at_start if step == 0 else self.suppress_tokens

    @torch.no_grad()
    def decode(self, enc: torch.Tensor, enc_lens: torch.Tensor, options: DecodingOptions) -> list[Hypothesis]:
        ctc_weight = self.ctc_weight if options.ctc_weight is None else options.ctc_weight
        scorer = None
        if self.ctc is not None and ctc_weight > 0:
            scorer = CTCPrefixScorer(self.ctc.log_probs(enc), enc_lens, self.ctc.blank, self.eos_id)
        prompt = self.prompt
        if options.context and self.context_token is not None:
            room = self.decoder.positional_embedding.shape[0] // 2 - len(self.prompt) - 1
            prompt = [self.context_token, *options.context[-room:], *self.prompt]
        max_length = options.max_lengths(enc_lens, cap=self.decoder.positional_embedding.shape[0] - len(prompt))
        return beam_search(self, enc, enc_lens, options.beam_size, max_length, options.length_penalty,
                           scorer=scorer, scorer_weight=ctc_weight, fusion=options.ngram,
                           prompt=torch.tensor(prompt, device=enc.device).expand(enc.shape[0], -1))
