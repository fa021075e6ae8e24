"""Naming discovered types: class-based TF-IDF, surface forms, labels, examples."""

from __future__ import annotations

import numpy as np
import pytest

from callmine.errors import CallmineError
from callmine.naming import (EMPTY_LABEL, ClassTfidfTransformer, distinctive_terms, make_label,
                             representative_examples, surface_forms, unique_labels)


def test_class_tfidf_prefers_terms_of_one_class_over_shared_ones():
    # term 0 only in class 0, term 1 only in class 1, term 2 everywhere
    counts = np.array([[5, 0, 5], [0, 5, 5]])
    w = ClassTfidfTransformer().fit_transform(counts).toarray()
    assert w.shape == (2, 3)
    assert w[0, 0] > w[0, 2] and w[1, 1] > w[1, 2]
    assert w[0, 1] == 0 and w[1, 0] == 0


def test_class_tfidf_idf_is_bertopic_formula():
    counts = np.array([[2, 0], [2, 4]])
    t = ClassTfidfTransformer().fit(counts)
    avg_words = counts.sum() / 2  # 4
    np.testing.assert_allclose(t.idf_, np.log(1 + avg_words / counts.sum(axis=0)))


def test_class_tfidf_is_a_tfidf_transformer_with_own_params():
    from sklearn.feature_extraction.text import TfidfTransformer

    t = ClassTfidfTransformer(reduce_frequent_words=True)
    assert isinstance(t, TfidfTransformer)
    assert t.get_params() == {"reduce_frequent_words": True}
    with pytest.raises(CallmineError, match="fitted on 2 terms, got a matrix with 3"):
        t.fit(np.ones((2, 2))).transform(np.ones((2, 3)))


def test_distinctive_terms_per_cluster_skip_outliers_and_placeholders():
    docs = ["парол портал <num>", "парол забыл <num>", "эцп срок <num>", "эцп продл <num>",
            "шум шум"]
    terms = distinctive_terms(docs, [0, 0, 1, 1, -1], n_terms=3, min_df=1)
    assert set(terms) == {0, 1}
    assert terms[0][0] == "парол" and terms[1][0] == "эцп"
    assert all("<num>" not in t for ts in terms.values() for t in ts)
    assert all("шум" not in t for ts in terms.values() for t in ts)


def test_distinctive_terms_checks_its_input():
    with pytest.raises(CallmineError, match="differ in length: 2 != 1"):
        distinctive_terms(["a", "b"], [0])
    with pytest.raises(CallmineError, match="n_terms must be a positive integer, got 0"):
        distinctive_terms(["a"], [0], n_terms=0)
    assert distinctive_terms(["", ""], [0, 1]) == {0: [], 1: []}


def test_surface_forms_map_stems_back_to_the_most_frequent_word():
    stemmed = ["заявк статус", "заявк", "заявк отклон"]
    plain = ["заявки статус", "заявка", "заявка отклонена"]
    forms = surface_forms(stemmed, plain)
    assert forms["заявк"] == "заявка" and forms["отклон"] == "отклонена"
    # misaligned documents are skipped, not guessed
    assert surface_forms(["a b"], ["a"]) == {}


@pytest.mark.parametrize("terms, expected", [
    (["card arriv", "card", "arriv", "late"], "card arrived, late"),
    (["pin", "block", "unblock", "reset"], "pin, block, unblock"),
    ([], EMPTY_LABEL),
])
def test_make_label_takes_two_or_three_distinct_words(terms, expected):
    assert make_label(terms, surface={"arriv": "arrived"}) == expected


def test_unique_labels_never_merge_types_by_accident():
    labels = unique_labels(["card", "card", "card #2", "pin"])
    assert len(set(labels)) == 4 and labels[0] == "card" and labels[3] == "pin"


def test_examples_are_closest_to_centre_redacted_and_distinct():
    texts = ["Оператор: здравствуйте Абонент: пароль забыл мой ИИН 900101300123",
             "Абонент: пароль забыл мой ИИН 900101300123",
             "Абонент: пароль портал",
             "Абонент: ЭЦП срок"]
    vecs = np.array([[1.0, 0.0], [1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    cents = np.array([[1.0, 0.0], [0.0, 1.0]])
    ex = representative_examples(texts, vecs, [0, 0, 0, 1], cents, n_examples=2)
    assert ex[1] == ["ЭЦП срок"]
    assert len(ex[0]) == 2 and ex[0][0] == "пароль забыл мой ИИН <IIN>"
    assert all("900101300123" not in e and "Оператор" not in e for e in ex[0])


def test_examples_are_shortened():
    ex = representative_examples(["слово " * 100], np.array([[1.0]]), [0], np.array([[1.0]]),
                                 max_chars=30)
    assert len(ex[0][0]) <= 31 and ex[0][0].endswith("…")
