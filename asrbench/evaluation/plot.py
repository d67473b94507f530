"""WER-vs-latency scatter plot with the Pareto front marked."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers or in DDP children
import matplotlib.pyplot as plt  # noqa: E402


def pareto_front(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats on both x and y (lower is better), in x order."""
    front, best_y = [], float("inf")
    for i in sorted(range(len(points)), key=lambda i: points[i]):
        if points[i][1] < best_y:
            front.append(i)
            best_y = points[i][1]
    return front


def plot_wer_latency(rows: list[dict], path: str | Path, title: str = "") -> int:
    """Plot finished runs that have a batch-1 latency; returns how many points were drawn (0: no file)."""
    rows = [r for r in rows if r["status"] == "ok" and r["wer"] is not None and r["latency_p50_ms"] is not None]
    if not rows:
        return 0
    fig, ax = plt.subplots(figsize=(7, 4.5))
    points = [(r["latency_p50_ms"], r["wer"]) for r in rows]
    front = pareto_front(points)
    for i, (row, (x, y)) in enumerate(zip(rows, points, strict=True)):
        if row["wer_ci_low"] is not None:
            yerr = [[y - row["wer_ci_low"]], [row["wer_ci_high"] - y]]
            ax.errorbar(x, y, yerr=yerr, color="0.6", capsize=3, zorder=1)
        on_front = i in front
        ax.scatter(x, y, s=50, marker="*" if on_front else "o", color="C3" if on_front else "C0", zorder=2)
        ax.annotate(row["run"], (x, y), xytext=(5, 5), textcoords="offset points", fontsize=8)
    if front:
        ax.step([points[i][0] for i in front], [points[i][1] for i in front], where="post", color="C3",
                linestyle="--", linewidth=1, label="Pareto front")
        ax.legend(loc="upper right", fontsize=8)
    ax.set_xlabel("latency p50 at batch 1 (ms)")
    ax.set_ylabel("WER (%) with 95% bootstrap CI")
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return len(rows)
