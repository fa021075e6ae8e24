"""Specification of callmine.wordvec: word vectors from same-call co-occurrence."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from callmine.errors import CallmineError
from callmine.wordvec import CallWordVectors, ppmi

# two request types, each in two phrasings that share only the type's key term (as the
# generator's caller templates do): "статус" and "проверк" never meet in a call, but both
# meet "заявк", so their vectors are close; the other type's words stay apart
STATUS_A, STATUS_B = "заявк статус ожида", "заявк проверк долго"
LOGIN_A, LOGIN_B = "парол забыл портал", "парол сброс кабинет"
UNIQ = [STATUS_A, STATUS_B, LOGIN_A, LOGIN_B]
CALLS = [c for c in UNIQ for _ in range(6)]


def test_words_that_share_contexts_meet_and_other_types_stay_apart():
    wv = CallWordVectors(n_components=2).fit(CALLS)
    assert wv.similarity("статус", "проверк") > 0.9
    assert wv.similarity("забыл", "кабинет") > 0.9
    assert abs(wv.similarity("статус", "забыл")) < 0.1


def test_calls_are_unit_rows_and_phrasings_of_one_type_are_close():
    wv = CallWordVectors(n_components=2).fit(CALLS)
    V = wv.transform([STATUS_A, STATUS_B, LOGIN_A])
    assert V.shape == (3, wv.n_components_)
    np.testing.assert_allclose(np.linalg.norm(V, axis=1), 1.0)
    assert V[0] @ V[1] > 0.9 and abs(V[0] @ V[2]) < 0.1


def test_a_call_without_known_words_is_a_zero_row():
    wv = CallWordVectors(n_components=2).fit(CALLS)
    assert not wv.transform(["неизвестн слов"]).any()
    assert wv.similarity("заявк", "неизвестн") == 0.0


def test_sample_weight_is_the_same_as_repeating_calls():
    # min_df counts the strings given (distinct calls), not their weights
    weighted = CallWordVectors(n_components=3, min_df=1).fit(UNIQ + ["заявк долго"],
                                                             sample_weight=[6] * 4 + [2])
    repeated = CallWordVectors(n_components=3, min_df=1).fit(CALLS + ["заявк долго"] * 2)
    for a, b in [("статус", "проверк"), ("заявк", "парол"), ("ожида", "долго")]:
        assert weighted.similarity(a, b) == pytest.approx(repeated.similarity(a, b), abs=1e-6)


def test_deterministic_for_a_seed_and_clonable():
    a = CallWordVectors(n_components=4, random_state=3).fit(CALLS).transform(CALLS)
    b = clone(CallWordVectors(n_components=4, random_state=3)).fit(CALLS).transform(CALLS)
    np.testing.assert_array_equal(a, b)


def test_min_df_and_max_words_bound_the_vocabulary_and_dimensions_are_capped():
    wv = CallWordVectors(n_components=100, min_df=7, max_words=100).fit(CALLS + [STATUS_A])
    assert sorted(wv.vocabulary_) == sorted(
        ["заявк", "ожида", "парол", "статус"])
    assert wv.n_components_ == 3 and wv.vectors_.shape == (4, 3)
    assert len(CallWordVectors(max_words=5).fit(CALLS).vocabulary_) == 5


@pytest.mark.parametrize("param, value, match", [
    ("n_components", 0, "n_components must be a positive integer, got 0"),
    ("min_df", 1.5, "min_df must be a positive integer, got 1.5"),
    ("max_words", True, "max_words must be a positive integer, got True"),
    ("context_alpha", 0, r"context_alpha must be in \(0, 1\], got 0"),
    ("power", -1, "power must be >= 0, got -1"),
])
def test_bad_parameters_are_named(param, value, match):
    with pytest.raises(CallmineError, match=match):
        CallWordVectors(**{param: value}).fit(CALLS)


def test_bad_inputs_are_explained():
    with pytest.raises(CallmineError, match="got one str"):
        CallWordVectors().fit("заявк статус")
    with pytest.raises(CallmineError, match=r"at least 2 words in >= min_df=2 texts.*got 0"):
        CallWordVectors().fit(["один", "другой"])
    with pytest.raises(CallmineError, match=r"sample_weight must have one value per text \(2\)"):
        CallWordVectors(min_df=1).fit(["а б", "в г"], sample_weight=[1, 2, 3])
    with pytest.raises(Exception, match="not fitted"):
        CallWordVectors().transform(["заявк"])


def test_ppmi_keeps_only_positive_associations():
    C = sp.csr_matrix([[0, 4, 1, 1], [4, 0, 1, 1], [1, 1, 0, 4], [1, 1, 4, 0]])
    P = ppmi(C, context_alpha=1).toarray()
    assert (P >= 0).all()
    assert P[0, 1] > 0 and P[2, 3] > 0
    assert P[0, 2] == 0  # co-occur less than chance
    np.testing.assert_allclose(P, P.T)


def test_ppmi_of_nothing_is_zero_and_negative_counts_are_refused():
    assert ppmi(sp.csr_matrix((3, 3))).nnz == 0
    with pytest.raises(CallmineError, match="non-negative"):
        ppmi(sp.csr_matrix([[0, -1], [-1, 0]]))
    with pytest.raises(CallmineError, match=r"context_alpha must be in \(0, 1\], got 2"):
        ppmi(sp.csr_matrix([[0, 1], [1, 0]]), context_alpha=2)


# ------------------------------------------------------------ the discoverer option
def _log():
    """Three request types, each in two Russian and one Kazakh phrasing, with personal data."""
    phr = {
        "status": ["где моя заявка на пособие статус не меняется",
                   "подал заявление неделю назад ответа нет",
                   "өтініш бердім жауап жоқ"],
        "password": ["забыл пароль от кабинета не могу войти", "не приходит смс код для входа",
                     "құпия сөзді ұмытып қалдым кіре алмаймын"],
        "pension": ["нужна справка о пенсионных отчислениях", "сколько мне начислено пенсии",
                    "зейнетақы туралы анықтама керек"],
    }
    texts, truth = [], []
    rs = np.random.RandomState(0)
    for i in range(240):
        t = list(phr)[i % 3]
        texts.append(f"Абонент: {phr[t][rs.randint(3)]} мой телефон +7 701 {100 + i} 22 33")
        truth.append(t)
    return texts, truth


def test_discoverer_word_vectors_change_only_centres_and_outliers_not_the_partition():
    from callmine.discover import RequestTypeDiscoverer
    texts, _ = _log()
    args = dict(k=3, n_stability_runs=0, n_init=2, random_state=0)
    on = RequestTypeDiscoverer(word_vectors=True, **args).fit(texts)
    off = RequestTypeDiscoverer(word_vectors=False, **args).fit(texts)
    assert off.word_vectors_ is None and on.word_vectors_ is not None
    both = (on.labels_ >= 0) & (off.labels_ >= 0)
    np.testing.assert_array_equal(on.labels_[both], off.labels_[both])
    assert on.centroids_.shape[1] == off.centroids_.shape[1] + on.word_vectors_.n_components_
    np.testing.assert_array_equal(on.predict(texts), on.labels_)


def test_discoverer_word_vectors_see_only_redacted_normalised_words():
    from callmine.discover import RequestTypeDiscoverer
    texts, _ = _log()
    d = RequestTypeDiscoverer(k=3, n_stability_runs=0, n_init=2, word_vectors=True).fit(texts)
    words = list(d.word_vectors_.vocabulary_)
    assert words and not [w for w in words if any(ch.isdigit() for ch in w)]
    seen = {w for doc in d._feature_tokens(d.normalizer_.transform(texts)) for w in doc.split()}
    assert set(words) <= seen and "<phone>" in words  # the normaliser's redacted tokens only


def test_discoverer_word_vectors_auto_needs_a_thousand_distinct_calls():
    from callmine.discover import RequestTypeDiscoverer
    texts, _ = _log()
    d = RequestTypeDiscoverer(k=3, n_stability_runs=0, n_init=2).fit(texts)
    assert d.word_vectors == "auto" and d.word_vectors_ is None


@pytest.mark.parametrize("kw, match", [
    (dict(word_vectors="yes"), "word_vectors must be 'auto', True or False, got 'yes'"),
    (dict(word_vector_weight=-1), "word_vector_weight must be a number >= 0, got -1"),
])
def test_discoverer_word_vector_options_are_checked(kw, match):
    from callmine.discover import RequestTypeDiscoverer
    texts, _ = _log()
    with pytest.raises(CallmineError, match=match):
        RequestTypeDiscoverer(k=3, **kw).fit(texts)
