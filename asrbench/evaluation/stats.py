"""Confidence intervals and paired significance tests on per-utterance word errors."""

import math
from collections.abc import Sequence

import numpy as np

CHUNK = 100  # bootstrap resamples drawn at once: bounds memory to CHUNK x utterances indices


def error_counts(records: Sequence[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Per-utterance (word errors, reference words) from records with the ``errors`` of ``scoring.score``."""
    errors = np.array([r["errors"]["sub"] + r["errors"]["del"] + r["errors"]["ins"] for r in records], dtype=float)
    words = np.array([r["errors"]["ref_words"] for r in records], dtype=float)
    return errors, words


def _resample_sums(values: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Sums of ``values`` (rows: quantities, columns: utterances) over ``n`` utterance-level resamples."""
    rng = np.random.default_rng(seed)
    count = values.shape[1]
    sums = []
    for start in range(0, n, CHUNK):
        index = rng.integers(0, count, size=(min(CHUNK, n - start), count))
        sums.append(values[:, index].sum(axis=-1))
    return np.concatenate(sums, axis=1)


def bootstrap_ci(errors: np.ndarray, words: np.ndarray, n: int = 1000, seed: int = 0,
                 confidence: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of corpus WER = sum(errors) / sum(words), resampling utterances."""
    if len(errors) == 0:
        return 0.0, 0.0
    errs, refs = _resample_sums(np.stack([errors, words]), n, seed)
    wers = errs / np.maximum(refs, 1)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(wers, [alpha, 1 - alpha])
    return float(low), float(high)


def paired_bootstrap(errors_a: np.ndarray, errors_b: np.ndarray, words: np.ndarray, n: int = 1000,
                     seed: int = 0) -> dict:
    """Paired bootstrap (Bisani & Ney, 2004) of the WER difference A - B on the same utterances.

    Returns the observed delta, its 95% interval, the share of resamples in which B is better, and a
    two-sided p-value from the resamples on the smaller side of zero, counted as (k + 1) / (n + 1) so
    that it never reads 0 after a finite number of resamples.
    """
    observed = (errors_a.sum() - errors_b.sum()) / max(words.sum(), 1)
    diffs, refs = _resample_sums(np.stack([errors_a - errors_b, words]), n, seed)
    deltas = diffs / np.maximum(refs, 1)
    smaller_side = min(int(np.sum(deltas <= 0)), int(np.sum(deltas >= 0)))
    low, high = np.quantile(deltas, [0.025, 0.975])
    return {"delta": float(observed), "delta_ci_low": float(low), "delta_ci_high": float(high),
            "p_b_better": float(np.mean(deltas > 0)), "p_value": min(1.0, 2 * (smaller_side + 1) / (n + 1))}


def sign_test(errors_a: np.ndarray, errors_b: np.ndarray) -> dict:
    """Two-sided exact sign test on utterances where the systems' error counts differ (ties dropped)."""
    a_better, b_better = int(np.sum(errors_a < errors_b)), int(np.sum(errors_b < errors_a))
    trials, k = a_better + b_better, min(a_better, b_better)
    # binomial(trials, 1/2) tail in log space, so thousands of utterances do not overflow
    tail = sum(math.exp(math.lgamma(trials + 1) - math.lgamma(i + 1) - math.lgamma(trials - i + 1)
                        - trials * math.log(2)) for i in range(k + 1))
    p_value = 1.0 if trials == 0 else min(1.0, 2 * tail)
    return {"a_better": a_better, "b_better": b_better, "ties": len(errors_a) - trials, "p_value": p_value}


def matched_pairs(errors_a: np.ndarray, errors_b: np.ndarray) -> dict:
    """Matched-pairs z-test on per-utterance error differences (NIST MAPSSWE with utterances as segments)."""
    diffs = errors_a - errors_b
    n = len(diffs)
    spread = diffs.std(ddof=1) if n > 1 else 0.0
    if spread == 0:
        return {"z": 0.0 if diffs.mean() == 0 else math.copysign(math.inf, diffs.mean()),
                "p_value": 1.0 if diffs.mean() == 0 else 0.0}
    z = float(diffs.mean() / (spread / math.sqrt(n)))
    return {"z": z, "p_value": math.erfc(abs(z) / math.sqrt(2))}
