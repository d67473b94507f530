import math

import numpy as np

from asrbench.evaluation.scoring import score
from asrbench.evaluation.stats import bootstrap_ci, error_counts, matched_pairs, paired_bootstrap, sign_test


def test_ci_collapses_when_every_utterance_has_the_same_error_rate():
    errors, words = np.full(50, 1.0), np.full(50, 4.0)
    assert bootstrap_ci(errors, words) == (0.25, 0.25)


def test_ci_matches_the_binomial_interval():
    # half the utterances entirely wrong, half right: resampled WER ~ Binomial(1000, 0.5) / 1000
    errors, words = np.repeat([0.0, 10.0], 500), np.full(1000, 10.0)
    low, high = bootstrap_ci(errors, words, n=2000)
    half_width = 1.96 * math.sqrt(0.25 / 1000)
    assert abs(low - (0.5 - half_width)) < 0.006 and abs(high - (0.5 + half_width)) < 0.006


def test_ci_is_deterministic_for_a_seed():
    rng = np.random.default_rng(1)
    errors, words = rng.integers(0, 5, 100).astype(float), rng.integers(5, 10, 100).astype(float)
    assert bootstrap_ci(errors, words, seed=3) == bootstrap_ci(errors, words, seed=3)
    assert bootstrap_ci(errors, words, seed=3) != bootstrap_ci(errors, words, seed=4)


def test_score_adds_the_ci_around_the_wer():
    records = [{"ref": "a b c d", "hyp": "a b c d"}, {"ref": "a b c d", "hyp": "a x"}] * 10
    metrics = score(records)
    assert metrics["wer_ci_low"] <= metrics["wer"] <= metrics["wer_ci_high"]
    assert error_counts(records)[0].tolist() == [0.0, 3.0] * 10


def test_identical_systems_are_not_different():
    errors, words = np.array([1.0, 0, 2, 3]), np.array([5.0, 5, 5, 5])
    boot = paired_bootstrap(errors, errors, words)
    assert boot["delta"] == 0 and boot["p_value"] == 1.0
    assert sign_test(errors, errors) == {"a_better": 0, "b_better": 0, "ties": 4, "p_value": 1.0}
    assert matched_pairs(errors, errors)["p_value"] == 1.0


def test_system_better_on_every_utterance_is_significant():
    errors_a, errors_b, words = np.full(40, 3.0), np.full(40, 1.0), np.full(40, 10.0)
    boot = paired_bootstrap(errors_a, errors_b, words, n=999)
    assert boot["delta"] == 0.2 and boot["p_b_better"] == 1.0
    assert boot["p_value"] == 2 / 1000  # (0 + 1) / (n + 1), two-sided
    assert sign_test(errors_a, errors_b)["p_value"] == 2 * 0.5**40


def test_sign_test_exact_binomial():
    # 2 utterances better for A, 8 for B, 5 ties: p = 2 * P(X <= 2), X ~ Binomial(10, 1/2) = 2 * 56 / 1024
    errors_a = np.array([0.0] * 2 + [2.0] * 8 + [1.0] * 5)
    errors_b = np.array([1.0] * 2 + [1.0] * 8 + [1.0] * 5)
    result = sign_test(errors_a, errors_b)
    assert (result["a_better"], result["b_better"], result["ties"]) == (2, 8, 5)
    assert math.isclose(result["p_value"], 0.109375)


def test_matched_pairs_z_statistic():
    # differences [2, 0, 1, 1]: mean 1, sd sqrt(2/3), z = 1 / (sd / 2) = sqrt(6)
    result = matched_pairs(np.array([2.0, 1, 1, 2]), np.array([0.0, 1, 0, 1]))
    assert math.isclose(result["z"], math.sqrt(6))
    assert math.isclose(result["p_value"], 0.014306, abs_tol=1e-5)


def test_paired_bootstrap_sees_a_small_consistent_gain_the_ci_overlap_misses():
    rng = np.random.default_rng(0)
    words = np.full(300, 10.0)
    errors_a = rng.integers(0, 6, 300).astype(float)
    errors_b = np.maximum(errors_a - (rng.random(300) < 0.3), 0)  # B fixes one error on ~30% of utterances
    low_a, _ = bootstrap_ci(errors_a, words)
    _, high_b = bootstrap_ci(errors_b, words)
    assert high_b > low_a  # the unpaired intervals overlap...
    assert paired_bootstrap(errors_a, errors_b, words)["p_value"] < 0.01  # ...the paired test is still decisive
