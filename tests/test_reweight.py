"""callmine.reweight and RequestTypeDiscoverer(reweight=...): term weights from cluster concentration."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from callmine.discover import RequestTypeDiscoverer, cluster_accuracy
from callmine.errors import CallmineError
from callmine.reweight import concentration, reweight_columns
from conftest import wording_calls

# columns: a word of cluster 0 only, a word of every cluster, a word never seen,
# a word mostly in cluster 1
X = np.array([[1, 1, 0, 0],
              [1, 1, 0, 0],
              [0, 1, 0, 1],
              [0, 1, 0, 1],
              [0, 1, 0, 1],
              [0, 1, 0, 0]], dtype=float)
LABELS = np.array([0, 0, 1, 1, 2, 2])


# --------------------------------------------------------------------------- concentration
def test_a_word_of_one_cluster_scores_one_and_a_word_of_every_cluster_zero():
    c = concentration(X, LABELS)
    assert c[0] == pytest.approx(1.0)
    assert c[1] == pytest.approx(0.0)
    assert 0.0 < c[3] < 1.0


def test_a_word_never_present_scores_zero():
    assert concentration(X, LABELS)[2] == 0.0


def test_only_presence_counts_not_the_value():
    assert np.allclose(concentration(X * 7.5, LABELS), concentration(X, LABELS))
    assert np.allclose(concentration(sp.csr_matrix(X), LABELS), concentration(X, LABELS))


def test_row_weights_count_like_repeated_rows():
    weight = np.array([1, 1, 3, 1, 1, 1])
    repeated = np.vstack([X, X[[2, 2]]])
    assert np.allclose(concentration(X, LABELS, weight),
                       concentration(repeated, np.r_[LABELS, 1, 1]))


def test_with_one_cluster_every_column_keeps_full_weight():
    assert concentration(X, np.zeros(6, dtype=int)).tolist() == [1.0] * 4


def test_concentration_is_the_normalised_entropy():
    # column 3: 2 rows in cluster 1, 1 in cluster 2 -> p = (0, 2/3, 1/3)
    p = np.array([2 / 3, 1 / 3])
    expected = 1 + (p * np.log(p)).sum() / np.log(3)
    assert concentration(X, LABELS)[3] == pytest.approx(expected)


@pytest.mark.parametrize("labels, weight, match", [
    (LABELS[:5], None, "labels must have one cluster per row of X \\(6 rows\\)"),
    (np.array([0, 0, 1, 1, -1, 2]), None, "labels must be cluster numbers >= 0, got -1"),
    (LABELS.astype(float), None, "labels must be cluster numbers >= 0"),
    (LABELS, np.ones(5), "weight must have one value per row of X \\(6 rows\\)"),
    (LABELS, np.array([1, 1, 1, -1, 1, 1]), "weight must be finite and >= 0"),
])
def test_bad_labels_or_weights_are_errors_naming_them(labels, weight, match):
    with pytest.raises(CallmineError, match=match):
        concentration(X, labels, weight)


# --------------------------------------------------------------------------- reweight_columns
def test_columns_are_scaled_by_their_concentration_rows_not_renormalised():
    out = reweight_columns(X, LABELS)
    assert sp.isspmatrix_csr(out) or isinstance(out, sp.csr_array)
    c = concentration(X, LABELS)
    assert np.allclose(out.toarray(), X * c[None, :])


def test_a_larger_power_keeps_only_the_words_of_one_cluster():
    soft = reweight_columns(X, LABELS, power=1).toarray()
    sharp = reweight_columns(X, LABELS, power=3).toarray()
    assert np.allclose(sharp[:, 0], soft[:, 0])  # concentration 1 stays 1
    assert sharp[2, 3] < soft[2, 3]


@pytest.mark.parametrize("power", [0, -1, "2", True, None])
def test_power_must_be_a_positive_number(power):
    with pytest.raises(CallmineError, match="power must be a number > 0, got"):
        reweight_columns(X, LABELS, power=power)


# --------------------------------------------------------------------------- the discoverer
# a large type asked in two wordings with no word in common (ru / kk password) and a small
# pension type, two forms each so that no phrase is frequent enough to count as boilerplate
_FORMS = [("password", ["забыл пароль от портала", "пароль не подходит на портале"], 60),
          ("password", ["құпия сөз ұмытып қалдым", "құпия сөз есімде жоқ"], 60),
          ("pension", ["пенсионные отчисления не поступили", "зейнетақы жарна анықтама"], 20)]
_FILL = ["пожалуйста", "срочно", "подскажите", "алло", "спасибо", "өтінем", "сегодня", "вчера",
         "мама", "брат", "давно", "опять"]


TEXTS, TRUTH = wording_calls(_FORMS, _FILL)
KW = dict(k=2, concepts=True, outlier_threshold=None, n_stability_runs=2, n_init=3)


def test_auto_reweights_once_for_fast_with_the_concept_step_only():
    assert RequestTypeDiscoverer().reweight == "auto"
    d = RequestTypeDiscoverer(**KW).fit(TEXTS)
    assert (d.partition_, d.reweight_rounds_) == ("concept_merge", 1)
    assert cluster_accuracy(TRUTH, d.labels_) == 1.0
    assert np.array_equal(d.predict(TEXTS), d.labels_)
    off = dict(KW, concepts=False)
    assert RequestTypeDiscoverer(**off).fit(TEXTS).reweight_rounds_ == 0
    assert RequestTypeDiscoverer(partition="kmeans", **KW).fit(TEXTS).reweight_rounds_ == 1
    # accurate was not measured with the feedback: "auto" leaves it off
    acc = RequestTypeDiscoverer(profile="accurate")
    acc.graph_space_, acc.concept_vectorizer_ = "ngrams", object()
    assert acc._reweight_rounds() == 0


def test_rounds_are_only_run_on_the_ngram_graph():
    d = RequestTypeDiscoverer(reweight=2, graph_space="representation", **KW).fit(TEXTS)
    assert d.reweight_rounds_ == 0
    assert RequestTypeDiscoverer(reweight=2, **KW).fit(TEXTS).reweight_rounds_ == 2


def test_zero_rounds_is_the_partition_without_feedback():
    a = RequestTypeDiscoverer(reweight=0, **KW).fit(TEXTS)
    b = RequestTypeDiscoverer(reweight=0, **KW).fit(TEXTS)
    assert a.reweight_rounds_ == 0
    assert np.array_equal(a.labels_, b.labels_)
    assert cluster_accuracy(TRUTH, a.labels_) == 1.0


def test_reweighting_is_deterministic():
    a = RequestTypeDiscoverer(reweight=1, **KW).fit(TEXTS)
    b = RequestTypeDiscoverer(reweight=1, **KW).fit(TEXTS)
    assert np.array_equal(a.labels_, b.labels_)
    assert np.array_equal(a.stability_, b.stability_)


@pytest.mark.parametrize("value", [-1, 1.5, "twice", True, None])
def test_bad_reweight_is_an_error_naming_the_parameter(value):
    with pytest.raises(CallmineError, match="reweight must be 'auto' or an integer >= 0"):
        RequestTypeDiscoverer(reweight=value, **KW).fit(TEXTS)
