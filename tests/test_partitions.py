"""central_partition and RequestTypeDiscoverer(n_partitions=...): keep the start the others agree with."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from callmine.clustering import central_partition
from callmine.discover import RequestTypeDiscoverer
from callmine.errors import CallmineError

TRUE = np.repeat([0, 1, 2, 3], 5)


def _split_and_join(labels, cut, join):
    """``labels`` with cluster ``cut`` cut in two and clusters ``join`` joined: one bad start."""
    out = labels.copy()
    rows = np.flatnonzero(labels == cut)
    out[rows[: len(rows) // 2]] = labels.max() + 1
    out[labels == join[1]] = join[0]
    return out


# --------------------------------------------------------------------------- central_partition
def test_the_partition_most_starts_agree_with_is_kept_not_an_odd_one():
    renamed = (TRUE + 1) % 4                  # the same types under other numbers
    odd = _split_and_join(TRUE, cut=0, join=(2, 3))
    best, A = central_partition([odd, renamed, TRUE, _split_and_join(TRUE, 1, (0, 3))])
    assert best in (1, 2)                     # either spelling of the majority partition
    assert A.shape == (4, 4) and np.allclose(np.diag(A), 1) and np.allclose(A, A.T)
    assert np.isclose(A[1, 2], 1.0)           # renumbering does not count as disagreement
    assert np.isclose(A[0, 2], adjusted_rand_score(odd, TRUE))


def test_ties_go_to_the_first_and_one_partition_is_its_own_centre():
    assert central_partition([TRUE, TRUE.copy()])[0] == 0
    best, A = central_partition([TRUE])
    assert best == 0 and A.tolist() == [[1.0]]
    with pytest.raises(CallmineError, match="at least one partition"):
        central_partition([])


# --------------------------------------------------------------------------- the discoverer
SMALL = dict(k=6, n_stability_runs=0, n_init=2, concepts=True)


def test_auto_is_eight_starts_for_fast_and_one_for_accurate():
    assert RequestTypeDiscoverer(profile="fast")._n_partitions() == 8
    assert RequestTypeDiscoverer(profile="accurate")._n_partitions() == 1
    assert RequestTypeDiscoverer(profile="accurate", n_partitions=3)._n_partitions() == 3


def test_one_start_reports_no_agreement_and_several_keep_the_central_one(
        synthetic_texts, monkeypatch):
    import callmine.discover as discover
    seen = []

    def recording(parts):
        seen.append([p.copy() for p in parts])
        return central_partition(parts)

    monkeypatch.setattr(discover, "central_partition", recording)
    one = RequestTypeDiscoverer(**SMALL, n_partitions=1, outlier_threshold=None).fit(
        synthetic_texts)
    assert one.n_partitions_ == 1 and one.partition_agreement_ is None and seen == []
    many = RequestTypeDiscoverer(**SMALL, n_partitions=4, outlier_threshold=None).fit(
        synthetic_texts)
    parts = seen[0]
    assert many.n_partitions_ == 4 and len(parts) == 4 and len(seen) == 1
    best, A = central_partition(parts)
    assert np.isclose(many.partition_agreement_, (A[best].sum() - 1) / 3)
    # the types fitted are the central start's (up to numbering), the first start is the
    # one-start fit, and the starts differ (else there is nothing to choose)
    tokens = many.normalizer_.transform(synthetic_texts)
    inverse = np.unique(np.asarray(tokens, dtype=object), return_inverse=True)[1]
    assert np.isclose(adjusted_rand_score(parts[best][inverse], many.labels_), 1.0)
    assert np.isclose(adjusted_rand_score(parts[0][inverse], one.labels_), 1.0)
    assert A.min() < 1.0
    again = RequestTypeDiscoverer(**SMALL, n_partitions=4, outlier_threshold=None).fit(
        synthetic_texts)
    assert (again.labels_ == many.labels_).all()  # deterministic for a random_state


@pytest.mark.parametrize("name, least, unit, bad", [
    *[("n_partitions", 1, "partitions", bad) for bad in (0, -2, True, "many", 2.5)],
    *[("refine", 0, "rounds", bad) for bad in (-1, True, "twice", 1.5)],
])
def test_auto_or_count_options_refuse_anything_else(name, least, unit, bad, synthetic_texts):
    with pytest.raises(CallmineError, match=f"{name} must be 'auto' or an integer >= {least} "
                                            f"\\({unit}\\), got {bad!r}"):
        RequestTypeDiscoverer(**{name: bad}).fit(synthetic_texts[:20])


def test_cli_partitions_option_reaches_the_estimator_and_the_summary(discover_cli):
    for n in (1, 3):
        summary, said = discover_cli("--partitions", str(n))
        assert summary["partitions"] == n
        assert (summary["partition_agreement"] is None) == (n == 1)
        assert ("kept the central of 3 KMeans starts" in said) == (n == 3)
    assert "must be an integer >= 1 or 'auto'" in discover_cli("--partitions", "0")
