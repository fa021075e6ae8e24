"""callmine.mixture and RequestTypeDiscoverer(refine=...): calls move to the type whose words they use."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from callmine.discover import RequestTypeDiscoverer
from callmine.errors import CallmineError
from callmine.mixture import mixture_parameters, mixture_scores, refine_partition

# words: 0 "пароль", 1 "портал", 2 "ЭЦП", 3 "срок", 4 "алло" (said in every type)
COUNTS = np.array([[1, 1, 0, 0, 1],
                   [1, 1, 0, 0, 0],
                   [1, 0, 0, 0, 1],
                   [0, 0, 1, 1, 1],
                   [0, 0, 1, 1, 0],
                   [0, 0, 1, 0, 1],
                   [1, 1, 0, 0, 0]], dtype=float)  # the last call is about the password...
START = np.array([0, 0, 0, 1, 1, 1, 1])          # ...but starts in the signature cluster


# --------------------------------------------------------------------------- the M and E steps
def test_word_probabilities_and_priors_are_distributions_estimated_from_each_type():
    log_theta, log_prior = mixture_parameters(START, COUNTS, np.ones(7), 2)
    assert log_theta.shape == (2, 5) and log_prior.shape == (2,)
    assert np.allclose(np.exp(log_theta).sum(axis=1), 1) and np.isclose(np.exp(log_prior).sum(), 1)
    theta = np.exp(log_theta)
    assert theta[0, 0] > theta[0, 2] and theta[1, 2] > theta[1, 0]  # each type's own words
    # a word no call of the type uses still has a small probability (smoothing beta)
    assert 0 < theta[0, 3] < 0.05


def test_a_row_standing_for_two_calls_counts_twice_and_sparse_input_is_the_same():
    w = np.array([2.0, 1, 1, 1, 1, 1, 1])
    doubled = np.vstack([COUNTS[:1], COUNTS])
    lab2 = np.concatenate([[0], START])
    a = mixture_parameters(START, COUNTS, w, 2)
    b = mixture_parameters(lab2, doubled, np.ones(8), 2)
    c = mixture_parameters(START, sp.csr_matrix(COUNTS), w, 2)
    for x, y in ((a, b), (a, c)):
        assert np.allclose(x[0], y[0]) and np.allclose(x[1], y[1])


def test_scores_add_the_log_probability_of_every_word_and_the_prior():
    log_theta, log_prior = mixture_parameters(START, COUNTS, np.ones(7), 2)
    S = mixture_scores(sp.csr_matrix(COUNTS), log_theta, log_prior)
    assert S.shape == (7, 2)
    assert np.isclose(S[0, 1], log_theta[1, [0, 1, 4]].sum() + log_prior[1])


# --------------------------------------------------------------------------- refine_partition
def test_a_call_in_the_wrong_cluster_moves_to_the_type_whose_words_it_uses():
    labels, rounds = refine_partition(START, COUNTS, np.ones(7), 2)
    assert labels.tolist() == [0, 0, 0, 1, 1, 1, 0] and rounds == 1
    # the result is a fixed point: the mixture estimated from it gives every call its label
    log_theta, log_prior = mixture_parameters(labels, COUNTS, np.ones(7), 2)
    assert (mixture_scores(COUNTS, log_theta, log_prior).argmax(axis=1) == labels).all()


def test_zero_rounds_or_a_call_without_words_keep_the_labels():
    assert refine_partition(START, COUNTS, np.ones(7), 2, max_rounds=0)[0].tolist() == START.tolist()
    no_words = COUNTS.copy()
    no_words[6] = 0  # only the prior would speak: the call stays where it is
    assert refine_partition(START, no_words, np.ones(7), 2)[0][6] == 1


def test_no_type_is_emptied():
    # one call alone in type 1, with the words of type 0: moving it would leave type 1 empty
    counts = np.array([[1, 0], [1, 0], [1, 0], [1, 0]], dtype=float)
    labels, rounds = refine_partition(np.array([0, 0, 0, 1]), counts, np.ones(4), 2)
    assert labels.tolist() == [0, 0, 0, 1] and rounds == 0
    # ... while the other calls still move: the last call goes to type 0, the lone call of
    # type 1 (which also prefers type 0) stays
    counts = np.array([[1, 0], [1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [1, 0]], dtype=float)
    labels, rounds = refine_partition(np.array([0, 0, 0, 1, 2, 2, 2]), counts, np.ones(7), 3)
    assert labels.tolist() == [0, 0, 0, 1, 2, 2, 0] and rounds == 1


@pytest.mark.parametrize("labels, kwargs, match", [
    (np.array([0, 2, 0, 1, 1, 1, 1]), {}, r"labels must be in 0..1, got 0..2"),
    (np.array([-1, 0, 0, 1, 1, 1, 1]), {}, r"labels must be in 0..1, got -1..1"),
    (START, {"max_rounds": -1}, "max_rounds must be >= 0, got -1"),
])
def test_bad_labels_or_rounds_are_errors_naming_them(labels, kwargs, match):
    with pytest.raises(CallmineError, match=match):
        refine_partition(labels, COUNTS, np.ones(7), 2, **kwargs)


# --------------------------------------------------------------------------- in the discoverer
SMALL = dict(k=6, n_stability_runs=0, n_init=2, concepts=True)


def test_refine_auto_is_on_for_fast_off_for_accurate():
    assert RequestTypeDiscoverer(profile="fast")._refine_rounds() == 20
    assert RequestTypeDiscoverer(profile="accurate")._refine_rounds() == 0
    assert RequestTypeDiscoverer(profile="accurate", refine=3)._refine_rounds() == 3


def test_refined_types_are_a_fixed_point_and_predict_assigns_new_calls_the_same_way(
        synthetic_texts):
    d = RequestTypeDiscoverer(**SMALL, outlier_threshold=None).fit(synthetic_texts)
    assert d.mixture_log_theta_.shape == (d.n_clusters_, len(d.mixture_vectorizer_.vocabulary_))
    assert 0 < d.refine_rounds_ < 20  # it moved calls, then stopped because none moved
    # a call given to predict goes where fit put it (no outlier rule here)
    assert (d.predict(synthetic_texts) == d.labels_).all()


def test_a_call_without_any_known_word_gets_the_nearest_centre_in_fit_as_in_predict(
        synthetic_texts):
    # words said once in the whole log are not in the mixture's vocabulary (min_df 2)
    odd = [f"Абонент: {w}" for w in ("зюзюкабра", "кракозяблик", "тарабумбия", "фырфырфыр",
                                     "бормоглотик", "шмыгадрон", "пырпырпыр", "хрюкотавр")]
    texts = synthetic_texts + odd
    d = RequestTypeDiscoverer(**SMALL, outlier_threshold=None).fit(texts)
    C = d.mixture_vectorizer_.transform(d._feature_tokens(d.normalizer_.transform(odd)))
    assert C.sum() == 0  # none of their words is known
    assert (d.predict(texts) == d.labels_).all()


def test_refine_zero_keeps_the_clustering_and_fits_no_mixture(synthetic_texts):
    d0 = RequestTypeDiscoverer(**SMALL, refine=0).fit(synthetic_texts)
    assert d0.mixture_log_theta_ is None and d0.refine_rounds_ == 0
    d1 = RequestTypeDiscoverer(**SMALL).fit(synthetic_texts)
    assert (d0.labels_ != d1.labels_).any()  # the refinement moved calls
    again = RequestTypeDiscoverer(**SMALL).fit(synthetic_texts)
    assert (again.labels_ == d1.labels_).all()  # deterministic


def test_cli_refine_option_reaches_the_estimator_and_the_summary(discover_cli):
    for rounds in (0, 2):
        summary, _ = discover_cli("--refine", str(rounds))
        assert 0 <= summary["refine_rounds"] <= rounds
    assert "must be an integer >= 0 or 'auto'" in discover_cli("--refine", "often")
