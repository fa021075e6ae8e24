"""Repeat calls: a caller's consecutive calls are joined in the neighbour graph of discovery."""

import pickle

import numpy as np
import pandas as pd
import pytest

from callmine.clustering import repeat_call_graph
from callmine.discover import RequestTypeDiscoverer, discover_file
from callmine.errors import CallmineError, DataError


def _two_phrasings_and_a_lookalike():
    """Type A said in Russian (A1) and in other words in English (A2); B shares A1's opening.

    Each A1 call's caller calls again with an A2 call. Returns texts, callers, part (0 A1,
    1 B, 2 A2).
    """
    rng = np.random.default_rng(0)
    ru = ["срочно", "давно", "вчера", "уже", "опять", "снова", "неделю", "месяц"]
    en = ["urgent", "long", "yesterday", "already", "again", "week", "month", "today"]
    texts, callers, part = [], [], []
    for i in range(60):
        texts += [f"где моя заявка на пособие {rng.choice(ru)} {rng.choice(ru)}",
                  f"где моя справка о несудимости {rng.choice(ru)} {rng.choice(ru)}",
                  f"benefit request stuck pending {rng.choice(en)} {rng.choice(en)}"]
        callers += [f"a{i}", f"b{i}", f"a{i}"]
        part += [0, 1, 2]
    return texts, callers, np.array(part)


def test_each_call_is_joined_to_the_same_callers_previous_call_only():
    g = repeat_call_graph(["x", "y", "x", "x", "y"], np.array([0, 1, 2, 3, 4]), 5, 1.0).toarray()
    assert g[0, 2] == g[2, 3] == g[1, 4] == 1.0  # consecutive calls of x, of y
    assert g[0, 3] == 0  # x's first and third call: not consecutive
    assert (g == g.T).all() and g.sum() == 6


def test_unknown_callers_identical_calls_and_repeated_pairs():
    g = repeat_call_graph([None, "", float("nan"), "x", "x", "x", "x"],
                          np.array([0, 0, 0, 1, 1, 2, 1]), 3, 0.5).toarray()
    assert g[0].sum() == 0  # None, "" and NaN are nobody: never joined
    assert g[1, 1] == 0  # two calls that normalise to the same row add nothing
    assert g[1, 2] == g[2, 1] == 1.0  # 1 -> 2 and 2 -> 1: two pairs of weight 0.5
    with pytest.raises(CallmineError, match="differ in length"):
        repeat_call_graph(["x"], np.array([0, 1]), 2)


def test_repeat_calls_join_two_phrasings_the_words_keep_apart():
    texts, callers, part = _two_phrasings_and_a_lookalike()
    alone = RequestTypeDiscoverer(k=2, concepts=False, n_stability_runs=0).fit(texts)
    linked = RequestTypeDiscoverer(k=2, concepts=False, n_stability_runs=0).fit(
        texts, callers=callers)
    # by words alone A1 is not with its English phrasing A2
    assert set(alone.labels_[part == 0]).isdisjoint(alone.labels_[part == 2])
    lab = linked.labels_
    assert len(set(lab[part != 1])) == 1 and set(lab[part == 1]).isdisjoint(lab[part != 1])
    assert linked.caller_links_ == 60 and "60 pairs" in linked.callers_reason_
    assert alone.caller_links_ == 0 and "no callers" in alone.callers_reason_


def test_callers_are_used_in_fit_only_and_never_stored():
    texts, callers, _ = _two_phrasings_and_a_lookalike()
    secret = [f"+7701555{i:04d}" for i in range(len(callers))]
    a = RequestTypeDiscoverer(k=2, concepts=False, n_stability_runs=0).fit(texts, callers=secret)
    blob = pickle.dumps(a)
    assert not any(s.encode() in blob for s in secret[:20])
    b = RequestTypeDiscoverer(k=2, concepts=False, n_stability_runs=0).fit(
        texts, callers=pd.Series(callers))
    c = RequestTypeDiscoverer(k=2, concepts=False, n_stability_runs=0).fit_predict(
        texts, callers=callers)
    assert (b.labels_ == c).all()  # a Series or a list; fit or fit_predict: the same


def test_weight_zero_ignores_callers_and_bad_input_is_refused():
    texts, callers, _ = _two_phrasings_and_a_lookalike()
    off = RequestTypeDiscoverer(k=2, concepts=False, n_stability_runs=0, caller_weight=0)
    assert off.fit(texts, callers=callers).caller_links_ == 0
    assert "caller_weight=0" in off.callers_reason_
    plain = RequestTypeDiscoverer(k=2, concepts=False, n_stability_runs=0).fit(texts)
    assert (off.labels_ == plain.labels_).all()
    with pytest.raises(CallmineError, match="one caller per text: got 2 for 180"):
        RequestTypeDiscoverer(k=2).fit(texts, callers=["a", "b"])
    for bad in (-1, "heavy", True):
        with pytest.raises(CallmineError, match="caller_weight must be"):
            RequestTypeDiscoverer(k=2, caller_weight=bad).fit(texts)


def test_discover_file_finds_the_caller_column_or_is_told_none(tmp_path):
    texts, callers, _ = _two_phrasings_and_a_lookalike()
    path = tmp_path / "calls.csv"
    pd.DataFrame({"text": texts, "customer_id": callers}).to_csv(path, index=False)
    args = dict(k=2, concepts=False, n_stability_runs=0)
    auto = discover_file(path, tmp_path / "auto", **args)
    assert auto["caller_column"] == "customer_id" and auto["caller_links"] == 60
    off = discover_file(path, tmp_path / "off", caller_col=None, **args)
    assert off["caller_column"] is None and off["caller_links"] == 0
    assert "not used" in off["callers"]
    with pytest.raises(DataError, match=r"calls\.csv.*phone_hash"):
        discover_file(path, tmp_path / "bad", caller_col="phone_hash", **args)


def test_cli_caller_col_option(discover_cli):
    summary, out = discover_cli()  # the synthetic log has caller_id
    assert summary["caller_column"] == "caller_id" and "caller_id" in out
    summary, _ = discover_cli("--caller-col", "none")
    assert summary["caller_column"] is None and summary["caller_links"] == 0


def test_the_report_discovers_with_the_caller_column_it_finds(tmp_path, monkeypatch):
    from test_automation import planted_log

    from callmine.report import build_report
    seen = []
    fit = RequestTypeDiscoverer.fit

    def spy(self, X, y=None, callers=None):
        seen.append(None if callers is None else list(callers))
        return fit(self, X, y, callers=callers)

    monkeypatch.setattr(RequestTypeDiscoverer, "fit", spy)
    log = planted_log()
    build_report(log, tmp_path / "a", k=5)
    assert seen[-1] == log["caller_id"].tolist()
    build_report(log, tmp_path / "b", k=5, caller_col=None)
    assert seen[-1] is None
    with pytest.raises(DataError, match="'phone_hash' is not a column"):
        build_report(log, tmp_path / "c", k=5, caller_col="phone_hash")
    assert len(seen) == 2  # refused before discovering


def test_a_callers_priority_is_the_same_everywhere_and_unknown_callers_draw_their_own():
    from callmine.sampling import caller_priorities
    a = caller_priorities(["x", "y", "x", None, None, ""], 0, key=7)
    b = caller_priorities(["y", "x"], 1, key=7)  # another chunk of the same file
    assert a[0] == a[2] == b[1] and a[1] == b[0] and a[0] != a[1]
    assert len({a[3], a[4], a[5]}) == 3  # unknown: no shared priority
    assert caller_priorities(["x"], 0, key=8)[0] != a[0]  # another key, another order


def test_sampling_by_caller_keeps_whole_callers_and_every_call_equally_likely():
    from callmine.sampling import sample_by_caller
    who = [f"c{i % 100}" for i in range(600)]  # 100 callers, 6 calls each, interleaved
    kept = np.zeros(600)
    for seed in range(60):
        pos = sample_by_caller(who, 120, seed)
        assert len(pos) == 120 and (np.diff(pos) > 0).all()
        counts = pd.Series([who[i] for i in pos]).value_counts()
        assert (counts == 6).sum() == 20  # 20 whole callers
        kept[pos] += 1
    share = kept / 60  # each call: 120 / 600 = 0.2 expected
    assert abs(share.mean() - 0.2) < 1e-9 and share.std() < 0.1


def test_a_large_log_is_sampled_by_caller_so_its_repeat_calls_stay_linked(tmp_path):
    texts, callers, _ = _two_phrasings_and_a_lookalike()
    texts = [f"{t} {w}" for t in texts for w in ("алма", "өрік", "жиде")]  # 540 calls
    callers = [c for c in callers for _ in range(3)]
    path = tmp_path / "calls.csv"
    pd.DataFrame({"text": texts, "caller_id": callers}).to_csv(path, index=False)
    args = dict(k=2, concepts=False, n_stability_runs=0, max_fit_samples=180)
    s = discover_file(path, tmp_path / "out", chunksize=100, **args)
    # a uniform sample of 180 of 540 calls keeps about 1 in 9 of the 420 pairs; by caller
    # (30 of the 60 "a" and "b" callers with all their calls) most of them
    assert s["fitted_on"] == 180 and s["caller_links"] >= 100
    d = RequestTypeDiscoverer(**args).fit(texts, callers=callers)
    fitted = pd.Series([callers[i] for i in d.fit_indices_]).value_counts()
    assert (fitted == pd.Series(callers).value_counts()[fitted.index]).sum() >= len(fitted) - 1
    assert d.caller_links_ >= 100


def test_the_examples_in_the_docstrings_hold():
    import doctest

    from callmine import clustering, sampling
    for module in (clustering, sampling):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_a_shared_or_placeholder_caller_id_is_not_linked():
    g = repeat_call_graph(["x", "x", "x", "y", "y"], np.arange(5), 5, 1.0, max_calls=2)
    assert g[0].sum() == g[1].sum() == 0 and g[3, 4] == 1.0  # x has 3 calls: left out
    texts, callers, part = _two_phrasings_and_a_lookalike()
    anonymous = ["anonymous" if i % 2 else c for i, c in enumerate(callers)]  # 90 calls
    d = RequestTypeDiscoverer(k=2, concepts=False, n_stability_runs=0).fit(
        texts, callers=anonymous)
    plain = RequestTypeDiscoverer(k=2, concepts=False, n_stability_runs=0).fit(
        texts, callers=[c if i % 2 == 0 else None for i, c in enumerate(callers)])
    assert "1 caller id(s) with more than 30 calls left out" in d.callers_reason_
    assert d.caller_links_ == plain.caller_links_ and (d.labels_ == plain.labels_).all()


def test_the_number_of_types_is_chosen_on_the_words_alone():
    from callmine.synth import generate_calls
    log = generate_calls(400, seed=0)
    log["caller_id"] = [f"c{i % 150}" for i in range(400)]  # many repeat callers
    args = dict(k="auto", n_stability_runs=0, n_partitions=1)
    alone = RequestTypeDiscoverer(**args).fit(log["text"].tolist())
    linked = RequestTypeDiscoverer(**args).fit(log["text"].tolist(), callers=log["caller_id"])
    assert linked.caller_links_ > 200
    assert linked.n_clusters_ == alone.n_clusters_ and linked.k_reason_ == alone.k_reason_
    pd.testing.assert_frame_equal(linked.k_selection_, alone.k_selection_)
