"""Frontend -> encoder -> head, plus the tokenizer that turns the head's ids into text."""

import time

import torch
from torch import nn

from asrbench.decoding.hypothesis import Hypothesis
from asrbench.models.heads.options import DecodingOptions
from asrbench.text.tokenizer import Tokenizer


class ASRModel(nn.Module):
    def __init__(self, frontend: nn.Module, encoder: nn.Module, head: nn.Module, tokenizer: Tokenizer):
        super().__init__()
        self.frontend, self.encoder, self.head = frontend, encoder, head
        self.tokenizer = tokenizer

    def encode(self, audio: torch.Tensor, audio_lens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features, lengths = self.frontend(audio, audio_lens)
        return self.encoder(features, lengths)

    def forward(self, batch: dict) -> dict[str, torch.Tensor]:
        enc, enc_lens = self.encode(batch["audio"], batch["audio_lens"])
        return self.head(enc, enc_lens, batch)

    @torch.no_grad()
    def transcribe(self, audio: torch.Tensor, audio_lens: torch.Tensor,
                   options: DecodingOptions | None = None) -> list[Hypothesis]:
        start = time.perf_counter()
        enc, enc_lens = self.encode(audio, audio_lens)
        if enc.is_cuda:
            torch.cuda.synchronize()  # so encode_seconds covers the GPU work, not only its launch
        encode_seconds = time.perf_counter() - start
        hyps = self.head.decode(enc, enc_lens, self.decoding_options(options))
        for hyp in hyps:
            hyp.text = self.tokenizer.decode(hyp.tokens)
            hyp.timings["encode_seconds"] = encode_seconds  # frontend + encoder, for first-token latency
        return hyps

    def decoding_options(self, options: DecodingOptions | None) -> DecodingOptions:
        """``options`` made ready for this model: a lexicon search spells its words with this tokenizer, an
        n-gram fusion learns which of its tokens start words."""
        options = options or DecodingOptions()
        if options.lexicon is not None:
            if not getattr(self.head, "accepts_lexicon", False):
                raise ValueError(f"decoding=lexicon is a CTC search; {type(self.head).__name__} cannot use it")
            options.lexicon.bind(self.tokenizer)
        if options.ngram is not None:
            if not hasattr(self.head, "step"):
                raise ValueError(f"decoding.ngram fuses an n-gram into the autoregressive search; "
                                 f"{type(self.head).__name__} has none (CTC heads: decoding=lexicon_ngram)")
            options.ngram.bind(self.tokenizer)
        return options

    def num_parameters(self, trainable_only: bool = False) -> int:
        return sum(p.numel() for p in self.parameters() if p.requires_grad or not trainable_only)
