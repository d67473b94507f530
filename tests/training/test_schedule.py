import torch
from torch import nn

from asrbench.training.schedule import build_adamw

OPTIM = {"lr": 1e-2, "betas": [0.9, 0.98], "weight_decay": 0.1}


def trained_copy(optim: dict, precision: str = "32-true") -> tuple[nn.Module, torch.optim.AdamW]:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.LayerNorm(16), nn.Linear(16, 4))
    optimizer = build_adamw(model, optim, precision)
    torch.manual_seed(1)
    for _ in range(5):
        model(torch.randn(32, 8)).square().mean().backward()
        optimizer.step()
        optimizer.zero_grad()
    return model, optimizer


def test_fused_adamw_takes_the_same_steps_as_the_per_tensor_one():
    fused_model, fused = trained_copy({**OPTIM, "fused": True})
    plain_model, plain = trained_copy({**OPTIM, "fused": False})
    assert fused.defaults["fused"] and not plain.defaults["fused"]
    for a, b in zip(fused_model.parameters(), plain_model.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_weight_decay_only_on_matrices():
    _, optimizer = trained_copy({**OPTIM, "fused": True})
    decayed, plain = optimizer.param_groups
    assert decayed["weight_decay"] == 0.1 and all(p.ndim == 2 for p in decayed["params"])
    assert plain["weight_decay"] == 0.0 and all(p.ndim == 1 for p in plain["params"])


def test_no_fused_optimiser_under_fp16_amp():
    # Lightning's gradient scaler unscales before clipping; a fused AdamW would unscale inside its step
    _, optimizer = trained_copy({**OPTIM, "fused": True}, "16-mixed")
    assert not optimizer.defaults["fused"]
