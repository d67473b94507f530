"""LLM head (SALMONN-style): a window-level Q-Former turns encoder states into speech tokens for a causal LM.

The LM reads ``[prefix][speech tokens][suffix][transcript][eos]`` and is trained on the transcript and
eos only. The speech tokens are the Q-Former's outputs projected to the LM's width (``continuous``,
SALMONN), or mixtures of the LM's own embeddings along the collapsed CTC best path over its vocabulary
(see ``asrbench.models.vocabulary_tokens``), scored on the Q-Former's outputs (``vocabulary``) or on the
encoder frames themselves, with no Q-Former (``ctc``: a CTC compressor, as in Speech-LLaMA). Rows are
left-padded so that every utterance's transcript starts at the same column; positions are counted from the
attention mask, so padding changes nothing.
"""

import logging
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from omegaconf import DictConfig, OmegaConf
from torch import nn

from asrbench.decoding.beam_search import beam_search
from asrbench.decoding.hypothesis import Hypothesis
from asrbench.models.encoder import padding_mask
from asrbench.models.heads.ctc import CTCHead
from asrbench.models.heads.options import DecodingOptions
from asrbench.models.lm.load import load_lm, set_finetuning
from asrbench.models.qformer import WindowQFormer
from asrbench.models.vocabulary_tokens import collapse_to_embeddings
from asrbench.text.tokenizer import UNK, Tokenizer, tokenizer_from_tensor

log = logging.getLogger(__name__)
ADAPTER_OUTPUTS = ("continuous", "vocabulary", "ctc")


@dataclass
class LLMState:
    cache: Any  # the LM's KV cache
    mask: torch.Tensor  # (N, S) True on valid (non-padding) positions of everything fed so far
    position: torch.Tensor  # (N,) position id of the next token

    def reorder(self, lm: nn.Module, index: torch.Tensor) -> "LLMState":
        return LLMState(lm.reorder(self.cache, index), self.mask.index_select(0, index),
                        self.position.index_select(0, index))


class Speech(NamedTuple):
    tokens: torch.Tensor  # (N, S, D) in the LM's width
    lengths: torch.Tensor  # (N,)
    log_probs: torch.Tensor | None  # vocabulary and ctc adapters: (N, T, V + 1) over the LM's vocabulary
    ctc_lengths: torch.Tensor | None  # (N,) valid rows of log_probs (Q-Former outputs or encoder frames)


class LLMHead(nn.Module):
    """``lm`` is the ``model.lm`` config node (source, path, finetune, lora, arch); ``qformer`` the
    WindowQFormer arguments (``dropout`` is the Q-Former's). The head writes with its LM's tokenizer.
    ``adapter_output`` is ``continuous``, ``vocabulary`` or ``ctc`` (the last two need ``ctc_weight`` > 0;
    ``ctc`` has no Q-Former, so ``qformer`` is not used)."""

    def __init__(self, dim: int, vocab_size: int, lm: dict, qformer: dict | None = None,
                 prompt_prefix: str = "", prompt_suffix: str = "transcript", dropout: float = 0.1,
                 label_smoothing: float = 0.0, ctc_weight: float = 0.0, text_position: int | None = None,
                 adapter_output: str = "continuous"):
        super().__init__()
        if adapter_output not in ADAPTER_OUTPUTS:
            raise ValueError(f"model.adapter_output must be one of {ADAPTER_OUTPUTS}, got {adapter_output!r}")
        if adapter_output != "continuous" and ctc_weight <= 0:
            raise ValueError(f"model.adapter_output={adapter_output} learns its tokens with CTC: "
                             "set model.ctc_weight > 0")
        lm = OmegaConf.to_container(lm, resolve=True) if isinstance(lm, DictConfig) else dict(lm)
        self.lm, tokenizer = load_lm(**lm)
        self.finetune = lm.get("finetune", "frozen")
        set_finetuning(self.lm, self.finetune, lm.get("lora"))
        self.vocabulary = adapter_output != "continuous"  # the LM reads mixtures of its own embeddings
        self.qformer = None if adapter_output == "ctc" else \
            WindowQFormer(dim, dim if self.vocabulary else self.lm.dim, dropout=dropout, **(qformer or {}))
        self.prompt_prefix, self.prompt_suffix = prompt_prefix, prompt_suffix
        self.label_smoothing, self.ctc_weight, self.text_position = label_smoothing, ctc_weight, text_position
        # CTC over the LM's vocabulary: on the Q-Former's outputs or the encoder frames, whose best path the
        # vocabulary or ctc adapter hands to the LM, or as an auxiliary loss on the encoder (training only),
        # which learns far faster from it than through the frozen LM alone.
        self.ctc = CTCHead(dim, self.lm.vocab_size, dropout) if ctc_weight > 0 else None
        # The tokenizer travels in the state dict, so a checkpoint rebuilds the head without the LM files.
        self.register_buffer("tokenizer_blob", torch.zeros(0, dtype=torch.uint8))
        self.register_load_state_dict_pre_hook(_restore_tokenizer)
        self.tokenizer: Tokenizer | None = None
        if tokenizer is not None:
            self.set_tokenizer(tokenizer)

    def set_tokenizer(self, tokenizer: Tokenizer) -> None:
        self.tokenizer, self.tokenizer_blob = tokenizer, tokenizer.to_tensor()
        bos = [tokenizer.bos_id] if tokenizer.bos_id >= 0 else []
        self.prefix_ids = bos + (tokenizer.encode(self.prompt_prefix) if self.prompt_prefix else [])
        self.suffix_ids = tokenizer.encode(self.prompt_suffix) if self.prompt_suffix else bos
        if not self.suffix_ids:
            raise ValueError("the LLM head needs a non-empty prompt_suffix (or an LM with a BOS token)")
        self.eos_id = tokenizer.eos_id
        specials = getattr(tokenizer, "special_ids", {UNK, tokenizer.bos_id})
        self.suppress_ids = sorted((set(specials) | set(range(tokenizer.vocab_size, self.lm.vocab_size)))
                                   - {self.eos_id, -1})

    def train(self, mode: bool = True) -> "LLMHead":
        super().train(mode)
        if self.finetune == "frozen":
            self.lm.eval()  # a frozen LM is a fixed function: no dropout
        return self

    def speech(self, enc: torch.Tensor, enc_lens: torch.Tensor) -> Speech:
        """The speech tokens of each utterance (before the prompt is put around them)."""
        if self.qformer is None:
            states, lens = enc, enc_lens
        else:
            states, lens = self.qformer(enc, enc_lens)
            if not self.vocabulary:
                return Speech(states, lens, None, None)
        log_probs = self.ctc.log_probs(states)
        vocab = torch.arange(self.lm.vocab_size, device=enc.device)
        tokens, token_lens = collapse_to_embeddings(log_probs, lens, self.ctc.blank, self.lm.embed(vocab))
        return Speech(tokens, token_lens, log_probs, lens)

    def lay_out(self, speech: torch.Tensor, lens: torch.Tensor,
                suffix_ids: list[int]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Left-padded ``[prefix][speech][suffix]`` LM inputs (N, C, D), their validity mask and positions
        (N, C), and the position of the first transcript token (N,)."""
        device = speech.device
        prefix = self.lm.embed(torch.tensor(self.prefix_ids, dtype=torch.long, device=device))
        suffix = self.lm.embed(torch.tensor(suffix_ids, dtype=torch.long, device=device))
        n, width = speech.shape[:2]
        p = prefix.shape[0]
        full = torch.cat([prefix.to(speech.dtype).expand(n, -1, -1), speech,
                          suffix.to(speech.dtype).expand(n, -1, -1)], dim=1)  # speech padding in the middle
        pad = (width - lens)[:, None]
        content = torch.arange(full.shape[1], device=device)[None, :] - pad  # < 0 on the left padding
        in_speech = content < p + lens[:, None]
        source = torch.where(in_speech, content, content + pad).clamp(min=0)
        context = full.gather(1, source[..., None].expand(-1, -1, full.shape[-1]))
        text_start = self.text_start(lens)
        after_speech = content - p - lens[:, None]  # index in the suffix
        suffix_positions = text_start[:, None] - len(self.suffix_ids) + after_speech
        positions = torch.where(in_speech, content, suffix_positions).clamp(min=0)
        return context, content >= 0, positions, text_start

    def text_start(self, speech_lens: torch.Tensor) -> torch.Tensor:
        """The LM position of each utterance's first transcript token."""
        start = len(self.prefix_ids) + speech_lens + len(self.suffix_ids)
        if self.text_position is not None:  # speech too long for it: the transcript follows right after
            start = start.clamp(min=self.text_position)
        return start

    def forward(self, enc: torch.Tensor, enc_lens: torch.Tensor, batch: dict) -> dict[str, torch.Tensor]:
        speech, enc, enc_lens, batch = self.drop_too_long(self.speech(enc, enc_lens), enc, enc_lens, batch)
        if not len(enc_lens):
            anything = next(p for p in self.parameters() if p.requires_grad)
            return {"loss": anything.sum() * 0.0}  # connected to the graph, even with a frozen encoder
        tokens, token_lens = batch["tokens"], batch["token_lens"]
        n, length = tokens.shape
        context, mask, positions, text_start = self.lay_out(speech.tokens, speech.lengths, self.suffix_ids)
        x = torch.cat([context, self.lm.embed(tokens).to(context.dtype)], dim=1)
        mask = torch.cat([mask, padding_mask(token_lens, length)], dim=1)
        positions = torch.cat([positions, text_start[:, None] + torch.arange(length, device=x.device)], dim=1)
        # The last suffix token predicts the first label, the last label predicts eos.
        logits, _ = self.lm(x, mask, logits_to_keep=length + 1, positions=positions)
        targets = torch.cat([tokens, tokens.new_zeros(n, 1)], dim=1)
        targets[torch.arange(n), token_lens] = self.eos_id
        valid = padding_mask(token_lens + 1, length + 1)
        loss = F.cross_entropy(logits[valid].float(), targets[valid], label_smoothing=self.label_smoothing)
        if self.ctc is None:
            return {"loss": loss}
        if self.vocabulary:
            ctc = self.ctc.loss(speech.log_probs, speech.ctc_lengths, batch)
        else:
            ctc = self.ctc(enc, enc_lens, batch)["loss"]
        ctc = ctc / token_lens.float().mean()  # per token, like the LM loss
        return {"loss": (1 - self.ctc_weight) * loss + self.ctc_weight * ctc, "lm_loss": loss.detach(),
                "ctc_loss": ctc.detach()}

    def drop_too_long(self, speech: Speech, enc: torch.Tensor, enc_lens: torch.Tensor,
                      batch: dict) -> tuple[Speech, torch.Tensor, torch.Tensor, dict]:
        """Utterances whose prompt, speech tokens and transcript exceed the LM's positions are left out of
        the loss (with a warning), as ``python -m asrbench lm`` leaves out such sentences: one run-together
        fortune must not stop a run."""
        if not self.lm.max_positions:
            return speech, enc, enc_lens, batch
        ends = self.text_start(speech.lengths) + batch["token_lens"]
        fits = ends <= self.lm.max_positions
        if fits.all():
            return speech, enc, enc_lens, batch
        log.warning("LLM head: %d utterance(s) left out of the loss, needing up to %d LM positions (the LM has %d)",
                    int((~fits).sum()), int(ends.max()), self.lm.max_positions)
        keep = fits.nonzero().flatten().tolist()
        kept = {k: v[fits] if torch.is_tensor(v) else [v[i] for i in keep] for k, v in batch.items()}
        kept["tokens"] = kept["tokens"][:, : int(kept["token_lens"].max()) if keep else 0]
        speech = Speech(*(None if part is None else part[fits] for part in speech))
        return speech, enc[fits], enc_lens[fits], kept

    # The step protocol of asrbench.decoding.protocol.AutoregressiveHead. The prompt is embeddings, not
    # ids, so start() runs the LM over [prefix][speech][suffix minus its last token] once (the KV cache)
    # and hands the last suffix token to the search as the prompt.
    def start(self, enc: torch.Tensor, enc_lens: torch.Tensor) -> tuple[torch.Tensor, LLMState]:
        return self.start_from(self.speech(enc, enc_lens))

    def start_from(self, speech: Speech) -> tuple[torch.Tensor, LLMState]:
        context, mask, positions, text_start = self.lay_out(speech.tokens, speech.lengths, self.suffix_ids[:-1])
        _, cache = self.lm(context, mask, use_cache=True, logits_to_keep=1, positions=positions)
        prompt = torch.full((context.shape[0], 1), self.suffix_ids[-1], device=context.device)
        return prompt, LLMState(cache, mask, text_start - 1)

    def step(self, tokens: torch.Tensor, state: LLMState) -> tuple[torch.Tensor, LLMState]:
        mask = torch.cat([state.mask, state.mask.new_ones(tokens.shape)], dim=1)
        positions = state.position[:, None] + torch.arange(tokens.shape[1], device=tokens.device)
        logits, cache = self.lm(self.lm.embed(tokens), mask, cache=state.cache, use_cache=True, logits_to_keep=1,
                                positions=positions)
        return logits[:, -1], LLMState(cache, mask, state.position + tokens.shape[1])

    def reorder(self, state: LLMState, index: torch.Tensor) -> LLMState:
        return state.reorder(self.lm, index)

    def suppress(self, step: int) -> list[int]:
        return self.suppress_ids

    @torch.no_grad()
    def decode(self, enc: torch.Tensor, enc_lens: torch.Tensor, options: DecodingOptions) -> list[Hypothesis]:
        start = time.perf_counter()
        speech = self.speech(enc, enc_lens)
        adapter_seconds = time.perf_counter() - start
        room = None  # the LM positions left after each utterance's prompt and speech tokens
        if self.lm.max_positions:
            room = (self.lm.max_positions - self.text_start(speech.lengths)).tolist()
        hyps = beam_search(_WithSpeech(self, speech), enc, enc_lens, options.beam_size,
                           options.max_lengths(enc_lens, room), options.length_penalty, fusion=options.ngram)
        for hyp in hyps:  # first-token latency still covers the adapter, which now runs before the search
            hyp.timings["first_token_seconds"] += adapter_seconds
        return hyps


class _WithSpeech:
    """The head as the search sees it once decode() holds the speech tokens (it needs their number before
    the search starts): start() reuses them instead of running the adapter again."""

    def __init__(self, head: LLMHead, speech: Speech):
        self.head, self.speech = head, speech

    def start(self, enc: torch.Tensor, enc_lens: torch.Tensor) -> tuple[torch.Tensor, LLMState]:
        return self.head.start_from(self.speech)

    def __getattr__(self, name: str) -> Any:  # eos_id, step, reorder, suppress
        return getattr(self.head, name)


def _restore_tokenizer(head: LLMHead, state_dict: dict, prefix: str, *_: object) -> None:
    """Load-time hook: adopt the checkpoint's tokenizer (the placeholder buffer has another shape)."""
    blob = state_dict.get(prefix + "tokenizer_blob")
    if blob is not None and blob.numel() and not torch.equal(blob, head.tokenizer_blob):
        head.set_tokenizer(tokenizer_from_tensor(blob))
