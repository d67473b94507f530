import torch

from asrbench.models.decoder import TransformerDecoder
from asrbench.models.encoder import padding_mask


def test_cached_and_uncached_logits_are_identical():
    torch.manual_seed(0)
    decoder = TransformerDecoder(vocab_size=30, dim=32, layers=2, heads=4).eval()
    enc, lens = torch.randn(2, 9, 32), torch.tensor([9, 6])
    mask = padding_mask(lens, 9)[:, None, None, :]
    tokens = torch.randint(0, 30, (2, 7))
    full, _ = decoder(tokens, decoder.start(enc, mask))
    state, steps = decoder.start(enc, mask), []
    for t in range(tokens.shape[1]):
        logits, state = decoder(tokens[:, t : t + 1], state)
        steps.append(logits)
    torch.testing.assert_close(torch.cat(steps, dim=1), full, atol=1e-5, rtol=1e-5)
    # a prompt fed at once, then single steps, gives the same logits too
    logits, state = decoder(tokens[:, :3], decoder.start(enc, mask))
    rest, _ = decoder(tokens[:, 3:4], state)
    torch.testing.assert_close(rest, full[:, 3:4], atol=1e-5, rtol=1e-5)


def test_padding_frames_are_ignored():
    torch.manual_seed(0)
    decoder = TransformerDecoder(vocab_size=30, dim=32, layers=2, heads=4).eval()
    enc = torch.randn(1, 6, 32)
    padded = torch.cat([enc, torch.randn(1, 4, 32) * 100], dim=1)
    tokens = torch.randint(0, 30, (1, 5))
    a, _ = decoder(tokens, decoder.start(enc, padding_mask(torch.tensor([6]), 6)[:, None, None, :]))
    b, _ = decoder(tokens, decoder.start(padded, padding_mask(torch.tensor([6]), 10)[:, None, None, :]))
    torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
