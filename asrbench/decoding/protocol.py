"""The step interface every autoregressive head (AED, LLM) offers to the shared beam search."""

from typing import Any, Protocol

import torch

State = Any  # whatever the head needs between steps (KV caches, encoder memory); reordered by the head


class AutoregressiveHead(Protocol):
    eos_id: int

    def start(self, enc: torch.Tensor, enc_lens: torch.Tensor) -> tuple[torch.Tensor, State]:
        """Prompt tokens (B, P) that every hypothesis starts with, and the state before any token."""
        ...

    def step(self, tokens: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """Feed new tokens (N, t) after the cached prefix; return next-token logits (N, V)."""
        ...

    def reorder(self, state: State, index: torch.Tensor) -> State:
        """Keep/duplicate hypotheses: row i of the new state is row ``index[i]`` of the old one."""
        ...

    def suppress(self, step: int) -> list[int]:
        """Token ids that may not be emitted at output position ``step`` (e.g. special tokens)."""
        ...
