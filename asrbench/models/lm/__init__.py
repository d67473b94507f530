"""Causal language models for the LLM head: the built-in GPT and any local Hugging Face causal LM.

Both offer the same small interface (``dim``, ``vocab_size``, ``max_positions``, ``embed``,
``forward(embeds, mask, cache, use_cache, logits_to_keep, positions) -> (logits, cache)``, ``reorder``),
where ``mask`` (N, S) marks the valid positions of everything seen so far (cache + new); positions are
counted from it unless given, so left-padded rows behave exactly like unpadded ones.
"""

import torch


def positions_from_mask(mask: torch.Tensor, new: int) -> torch.Tensor:
    """Position ids (N, new) of the last ``new`` columns of ``mask``: valid tokens count from 0 in each row."""
    return (mask.long().cumsum(dim=-1) - 1).clamp(min=0)[:, mask.shape[1] - new :]
