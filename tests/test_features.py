"""NgramFeaturizer: the features of word + char_wb TfidfVectorizers, computed per distinct word."""

import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from callmine.features import NgramFeaturizer, char_wb_ngrams

TRAIN = [
    "где моя справка о пенсионных отчислениях",
    "нужна справка о несудимости",
    "карта заблокирована что делать",
    "моя карта не работает в банкомате",
    "маған анықтама керек",
    "анықтама қайда",
    "i need a certificate of no criminal record",
    "my card is blocked",
    "where is my certificate",
    "справка справка справка",
]
TEST = ["справка о пенсии", "карта заблокирована", "новое слово неизвестное", "", "my certificate please"]


def sklearn_union(min_df, word=(1, 3), char=(1, 5)):
    parts = []
    if word is not None:
        parts.append(("w", TfidfVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False,
                                           ngram_range=word, min_df=min_df, sublinear_tf=True,
                                           dtype=np.float32)))
    if char is not None:
        parts.append(("c", TfidfVectorizer(analyzer="char_wb", lowercase=False, ngram_range=char,
                                           min_df=min_df, sublinear_tf=True, dtype=np.float32)))
    return FeatureUnion(parts)


def aligned(ours: NgramFeaturizer, union: FeatureUnion):
    """Column order of ours and of the union, matched by n-gram."""
    names = ours.get_feature_names_out()
    theirs = np.array([("w:" if n.startswith("w__") else "c:") + n.split("__", 1)[1]
                       for n in union.get_feature_names_out()], dtype=object)
    o1, o2 = np.argsort(names), np.argsort(theirs)
    assert (names[o1] == theirs[o2]).all()
    return o1, o2


@pytest.mark.parametrize("min_df", [1, 2])
@pytest.mark.parametrize("word,char", [((1, 3), (1, 5)), ((1, 2), None), (None, (2, 4))])
def test_same_features_as_two_sklearn_tfidf_vectorizers(min_df, word, char):
    ours = NgramFeaturizer(min_df=min_df, word_ngram_range=word, char_ngram_range=char)
    union = sklearn_union(min_df, word, char)
    A, A2 = ours.fit_transform(TRAIN), union.fit_transform(TRAIN).tocsr()
    B, B2 = ours.transform(TEST), union.transform(TEST).tocsr()
    o1, o2 = aligned(ours, union)
    np.testing.assert_allclose(A[:, o1].toarray(), A2[:, o2].toarray(), atol=1e-6)
    # test documents hold words never seen in training: their character n-grams still count
    np.testing.assert_allclose(B[:, o1].toarray(), B2[:, o2].toarray(), atol=1e-6)


def test_fit_then_transform_equals_fit_transform():
    f = NgramFeaturizer(min_df=1)
    A = f.fit_transform(TRAIN)
    np.testing.assert_allclose(f.transform(TRAIN).toarray(), A.toarray(), atol=1e-6)


def test_output_is_float32_csr_with_unit_norm_blocks():
    f = NgramFeaturizer(min_df=1).fit(TRAIN)
    X = f.transform(TEST)
    assert X.format == "csr" and X.dtype == np.float32
    nw = f.n_word_features_
    word_norms = np.sqrt(np.asarray(X[:, :nw].multiply(X[:, :nw]).sum(axis=1)).ravel())
    char_norms = np.sqrt(np.asarray(X[:, nw:].multiply(X[:, nw:]).sum(axis=1)).ravel())
    np.testing.assert_allclose(char_norms[[0, 1, 2, 4]], 1.0, atol=1e-5)
    assert word_norms[0] == pytest.approx(1.0, abs=1e-5)
    assert X[3].nnz == 0  # empty document: empty row


def test_block_weights_scale_each_block():
    base = NgramFeaturizer(min_df=1).fit(TRAIN)
    weighted = NgramFeaturizer(min_df=1, word_weight=0.5, char_weight=2.0).fit(TRAIN)
    nw = base.n_word_features_
    A, B = base.transform(TEST).toarray(), weighted.transform(TEST).toarray()
    np.testing.assert_allclose(B[:, :nw], 0.5 * A[:, :nw], atol=1e-6)
    np.testing.assert_allclose(B[:, nw:], 2.0 * A[:, nw:], atol=1e-6)


@pytest.mark.parametrize("word", ["карта", "ok", "a", "анықтама"])
@pytest.mark.parametrize("ngram_range", [(1, 5), (2, 4), (3, 3)])
def test_char_wb_ngrams_match_sklearn_analyzer(word, ngram_range):
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=False).build_analyzer()
    assert char_wb_ngrams(word, ngram_range) == analyzer(word)


def test_words_below_min_df_are_not_stored():
    docs = ["справка нужна", "справка нужна срочно", "мой иин 900101300007 справка"]
    f = NgramFeaturizer(min_df=2).fit(docs)
    assert sorted(f.words_) == ["нужна", "справка"]
    assert not any("900101" in g for g in f.char_vocabulary_)


def test_pickle_drops_caches_and_keeps_results():
    f = NgramFeaturizer(min_df=1).fit(TRAIN)
    before = f.transform(TEST).toarray()
    state = f.__getstate__()
    assert hasattr(f, "_oov_index") and hasattr(f, "_char_rows_all")  # TEST has unseen words
    assert not {"_word_char", "_word_index", "_oov_index", "_char_rows_all"} & set(state)
    g = pickle.loads(pickle.dumps(f))
    np.testing.assert_allclose(g.transform(TEST).toarray(), before, atol=1e-6)


def test_small_cache_size_gives_the_same_result():
    f = NgramFeaturizer(min_df=1, cache_size=1).fit(TRAIN)
    g = NgramFeaturizer(min_df=1).fit(TRAIN)
    np.testing.assert_allclose(f.transform(TEST * 3).toarray(), g.transform(TEST * 3).toarray(), atol=1e-6)


def test_feature_names_are_prefixed_by_block():
    f = NgramFeaturizer(min_df=1, word_ngram_range=(1, 2), char_ngram_range=(3, 3)).fit(["my card"])
    assert set(f.get_feature_names_out()) == {"w:my", "w:card", "w:my card", "c: my", "c:my ",
                                             "c: ca", "c:car", "c:ard", "c:rd "}


@pytest.mark.parametrize("params,match", [
    (dict(word_ngram_range=None, char_ngram_range=None), "cannot both be None"),
    (dict(word_ngram_range=(3, 1)), "word_ngram_range must satisfy"),
    (dict(char_ngram_range=(1,)), "char_ngram_range must be a pair"),
    (dict(min_df=0), "min_df must be a positive integer"),
])
def test_bad_parameters_are_named(params, match):
    with pytest.raises(ValueError, match=match):
        NgramFeaturizer(**params).fit(TRAIN)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="not a single str"):
        NgramFeaturizer().fit("one text")
    with pytest.raises(ValueError, match="document 1 is int"):
        NgramFeaturizer(min_df=1).fit(["a b", 3])
    with pytest.raises(ValueError, match="no tokens"):
        NgramFeaturizer().fit(["", " "])


def test_a_document_gets_bit_identical_features_whatever_shares_its_batch():
    feat = NgramFeaturizer().fit(TRAIN)
    docs = TEST + TRAIN[::-1]
    batch = feat.transform(docs)
    for i, doc in enumerate(docs):
        alone = feat.transform([doc])
        row = batch[i]
        assert (alone.indices == row.indices).all()
        assert (alone.data == row.data).all()  # exact, not approximately equal


def test_no_word_common_enough_still_gives_a_matrix_not_a_crash():
    feat = NgramFeaturizer(min_df=2).fit(["alpha beta", "gamma delta"])
    X = feat.transform(["alpha beta", "new words"])
    assert X.shape[0] == 2 and X.shape[1] == feat.n_features_out_


def test_train_cli_on_a_handful_of_calls(tmp_path):
    from callmine.cli import main

    path = tmp_path / "tiny.csv"
    path.write_text("text,label\nгде моя заявка,status\nзабыл пароль,login\nпароль не подходит,login\n"
                    "статус заявки,status\nсправка о несудимости,certificate\n", encoding="utf-8")
    assert main(["train", str(path), "--label-col", "label", "-o", str(tmp_path / "m.joblib"), "-q"]) == 0
