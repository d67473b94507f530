"""Attention pictures: decoder cross-attention over encoder time x output tokens, encoder self-attention."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from asrbench.decoding.longform import frame_seconds  # noqa: E402
from asrbench.models.asr_model import ASRModel  # noqa: E402
from asrbench.models.attention import MultiHeadAttention  # noqa: E402
from asrbench.models.encoder import padding_mask  # noqa: E402
from asrbench.models.heads.aed import AEDHead  # noqa: E402
from asrbench.models.heads.options import DecodingOptions  # noqa: E402


@torch.no_grad()
def record_attention(model: ASRModel, audio: torch.Tensor) -> dict:
    """Greedy transcript of ``audio`` and the attention weights of one teacher-forced pass over it.

    Returns ``encoder``: per layer (heads, T', T'), from the ``blocks[i].attn`` of the transformer and
    conformer encoders (empty for an encoder without them); for AED heads also ``cross``: per decoder
    layer (heads, tokens + 1, T'), one row per predicted token (the transcript, then end-of-text), and
    ``labels``.
    """
    model.eval()
    hyp = model.transcribe(audio[None], torch.tensor([len(audio)]), DecodingOptions())[0]
    modules = [m for m in model.modules() if isinstance(m, MultiHeadAttention)]
    for module in modules:
        module.record_weights = True
    try:
        enc, enc_lens = model.encode(audio[None], torch.tensor([len(audio)]))
        per_frame = frame_seconds(model)
        frames = min(enc.shape[1], int(len(audio) / model.frontend.sample_rate / per_frame) + 1)  # no padding
        blocks = getattr(model.encoder, "blocks", [])
        result = {"text": hyp.text, "frame_seconds": per_frame,
                  "encoder": [block.attn.recorded[0, :, :frames, :frames] for block in blocks]}
        head = model.head
        if isinstance(head, AEDHead):
            inputs = torch.tensor([head.prompt + hyp.tokens])
            state = head.decoder.start(enc, padding_mask(enc_lens, enc.shape[1])[:, None, None, :])
            head.decoder(inputs, state)
            first = len(head.prompt) - 1  # the query that predicts the first transcript token
            result["cross"] = [block.cross_attn.recorded[0, :, first:, :frames] for block in head.decoder.blocks]
            result["labels"] = [model.tokenizer.decode([t]) or model.tokenizer.piece(t) for t in hyp.tokens]
            result["labels"].append("<end>")
    finally:
        for module in modules:
            module.record_weights, module.recorded = False, None
    return result


def _heatmap(ax, weights: torch.Tensor, frame: float, labels: list[str] | None, title: str,
             square: bool = False) -> None:
    rows, frames = weights.shape
    vertical = (rows * frame, 0) if square else (rows - 0.5, -0.5)
    ax.imshow(weights.float().numpy(), aspect="auto", origin="upper", cmap="viridis", interpolation="nearest",
              extent=(0, frames * frame, *vertical))
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("encoder time (s)")
    if square:
        ax.set_ylabel("query time (s)")
    elif labels is not None:
        ax.set_yticks(range(len(labels)), labels, fontsize=6 if len(labels) > 30 else 8)
    else:
        ax.set_yticks([])


def plot_attention(recorded: dict, out_dir: str | Path, encoder_layer: int = -1, encoder_head: int = 0) -> list[Path]:
    """Write the PNGs; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame, written = recorded["frame_seconds"], []
    for layer, weights in enumerate(recorded.get("cross", [])):
        labels = recorded["labels"]
        fig, ax = plt.subplots(figsize=(10, max(3, 0.22 * len(labels))))
        _heatmap(ax, weights.mean(dim=0), frame, labels, f"cross-attention, decoder layer {layer}, mean of heads")
        written.append(_save(fig, out_dir / f"cross_attention_layer{layer}.png"))
        heads = weights.shape[0]
        columns = min(heads, 4)
        rows = -(-heads // columns)
        fig, axes = plt.subplots(rows, columns, figsize=(4 * columns, max(2.5, 0.12 * len(labels)) * rows),
                                 squeeze=False)
        for h, ax in enumerate(axes.flat):
            if h < heads:
                _heatmap(ax, weights[h], frame, labels if h % columns == 0 else None, f"layer {layer}, head {h}")
            else:
                ax.axis("off")
        written.append(_save(fig, out_dir / f"cross_attention_layer{layer}_heads.png"))
    if not recorded["encoder"]:
        return written
    layer = encoder_layer % len(recorded["encoder"])
    weights = recorded["encoder"][layer][encoder_head]
    fig, ax = plt.subplots(figsize=(7, 6))
    _heatmap(ax, weights, frame, None, f"encoder self-attention, layer {layer}, head {encoder_head}", square=True)
    written.append(_save(fig, out_dir / f"encoder_self_attention_layer{layer}_head{encoder_head}.png"))
    return written


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
