import pytest
import torch

from asrbench.models.vocabulary_tokens import collapse_to_embeddings

BLANK = 3  # vocabulary a=0, b=1, c=2


def log_probs_for(paths: list[list[int]], seed: int = 0) -> torch.Tensor:
    """Random log-probs over 3 tokens + blank whose best path is ``paths`` (padding rows are random)."""
    torch.manual_seed(seed)
    logits = torch.randn(len(paths), max(map(len, paths)) + 2, BLANK + 1)
    for row, path in enumerate(paths):
        for t, token in enumerate(path):
            logits[row, t, token] += 10.0
    return logits.log_softmax(dim=-1)


def test_best_path_is_collapsed_as_ctc_does_and_each_kept_token_is_its_embedding_mixture():
    paths = [[0, 0, BLANK, 0, 1, 1, BLANK], [BLANK, 2, BLANK, BLANK]]
    log_probs = log_probs_for(paths)
    embedding = torch.randn(BLANK, 5)
    tokens, lengths = collapse_to_embeddings(log_probs, torch.tensor([7, 4]), BLANK, embedding)
    assert lengths.tolist() == [3, 1]  # a a _ a b b _ -> a a b ; _ c _ _ -> c
    assert tokens.shape == (2, 3, 5)

    def mixture(row: int, t: int) -> torch.Tensor:
        return log_probs[row, t, :BLANK].softmax(dim=-1) @ embedding  # blank's share renormalised away

    expected = [[mixture(0, 0), mixture(0, 3), mixture(0, 4)], [mixture(1, 1)]]
    for row, kept in enumerate(expected):
        torch.testing.assert_close(tokens[row, : len(kept)], torch.stack(kept))


def test_padding_frames_are_never_kept_and_an_all_blank_batch_gives_no_tokens():
    log_probs = log_probs_for([[BLANK, BLANK], [BLANK]])
    log_probs[1, 1:] = torch.tensor([0.0, -9, -9, -9])  # padding whose best token is "a"
    tokens, lengths = collapse_to_embeddings(log_probs, torch.tensor([2, 1]), BLANK, torch.randn(BLANK, 4))
    assert lengths.tolist() == [0, 0] and tokens.shape == (2, 0, 4)


def test_the_mixture_passes_gradients_to_the_log_probs():
    logits = log_probs_for([[1, BLANK, 2]]).clone().requires_grad_()
    tokens, _ = collapse_to_embeddings(logits.log_softmax(-1), torch.tensor([3]), BLANK, torch.randn(BLANK, 4))
    tokens.sum().backward()
    assert logits.grad[0, 0].abs().sum() > 0 and logits.grad[0, 1].abs().sum() == pytest.approx(0.0)
