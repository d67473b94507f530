import pytest
import torch
from torch import nn

from asrbench.training.schedule import build_adamw, build_scheduler

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


class EncoderAndHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(8, 8), nn.LayerNorm(8))
        self.head = nn.ModuleDict({"proj": nn.Linear(8, 8), "out": nn.Linear(8, 4)})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head["out"](self.head["proj"](self.encoder(x)))


def first_step(lr_scales: dict) -> dict[str, torch.Tensor]:
    """How far one AdamW step moves each parameter, under ``lr_scales``."""
    torch.manual_seed(0)
    model = EncoderAndHead()
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    optimizer = build_adamw(model, {**OPTIM, "lr_scales": lr_scales})
    model(torch.randn(16, 8)).square().mean().backward()
    optimizer.step()
    return {name: p.detach() - before[name] for name, p in model.named_parameters()}


def test_lr_scales_scale_the_steps_of_the_modules_they_name_and_the_longest_path_wins():
    plain = first_step({})
    scaled = first_step({"encoder": 0.1, "head": {"out": 0.5}})
    for name, step in scaled.items():
        factor = 0.1 if name.startswith("encoder.") else 0.5 if name.startswith("head.out.") else 1.0
        torch.testing.assert_close(step, factor * plain[name], rtol=1e-4, atol=1e-7)  # differences of float32 weights
    assert scaled["head.proj.weight"].abs().min() > 0


def test_lr_scales_groups_keep_their_ratio_through_the_schedule():
    model = EncoderAndHead()
    optimizer = build_adamw(model, {**OPTIM, "lr_scales": {"encoder": 0.1}})
    # The unscaled groups first (with, then without weight decay: the groups of a run without scales).
    assert [(g["lr"], g["weight_decay"]) for g in optimizer.param_groups] == [
        (1e-2, 0.1), (1e-2, 0.0), (1e-3, 0.1), (1e-3, 0.0)]
    scheduler = build_scheduler(optimizer, "cosine", total_steps=10, warmup_steps=3)
    for _ in range(5):
        optimizer.step()
        scheduler.step()
    lrs = [group["lr"] for group in optimizer.param_groups]
    assert 0 < lrs[0] < 1e-2 and lrs[2] == pytest.approx(0.1 * lrs[0])


@pytest.mark.parametrize("lr_scales", [{"decoder": 0.1}, {"encoder": {"typo": 0.1}}])
def test_lr_scales_naming_no_parameter_are_refused(lr_scales):
    with pytest.raises(ValueError, match=r"optim\.lr_scales: (decoder|encoder\.typo) holds no trainable "
                                         r"parameter \(the model's modules: encoder, head"):
        build_adamw(EncoderAndHead(), {**OPTIM, "lr_scales": lr_scales})


def test_lr_scales_on_a_frozen_module_are_refused():
    model = EncoderAndHead()
    model.encoder.requires_grad_(False)
    with pytest.raises(ValueError, match="encoder holds no trainable parameter"):
        build_adamw(model, {**OPTIM, "lr_scales": {"encoder": 0.1}})
