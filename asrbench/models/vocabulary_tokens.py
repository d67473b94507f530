"""Speech tokens in the LM's own embedding language: CTC's best path over the LM's vocabulary, collapsed.

A frozen LM reads its own token embeddings, not arbitrary vectors. With ``model.adapter_output=vocabulary``
the Q-Former's speech tokens are scored over the LM's vocabulary plus a blank (trained with CTC), and
what reaches the LM is the collapsed best path: blanks and repeats removed, each kept token given as
its probability-weighted mixture of the LM's embeddings, so the LM's loss still trains the Q-Former
through it. The LM then reads a noisy copy of the transcript, which is what ``python -m asrbench lm``'s
reading sequences teach it to do.
"""

import torch
import torch.nn.functional as F

from asrbench.models.encoder import padding_mask


def collapse_to_embeddings(log_probs: torch.Tensor, lengths: torch.Tensor, blank: int,
                           embedding: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, T, V + 1) log-probs with ``blank`` = V, valid ``lengths`` (N,), the LM's (V, D) embedding ->
    (N, S, D) left-aligned mixtures for the best path's non-blank, non-repeated tokens, and S per row."""
    best = log_probs.argmax(dim=-1)
    previous = F.pad(best[:, :-1], (1, 0), value=blank)
    keep = padding_mask(lengths, best.shape[1]) & (best != blank) & (best != previous)
    mixtures = log_probs[..., :blank].softmax(dim=-1).to(embedding.dtype) @ embedding
    counts = keep.sum(dim=1)
    # A stable sort on "not kept" moves the kept positions to the front, in their order.
    order = torch.sort((~keep).to(torch.uint8), dim=1, stable=True).indices[:, : int(counts.max())]
    return mixtures.gather(1, order[..., None].expand(-1, -1, mixtures.shape[-1])), counts
