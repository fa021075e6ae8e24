"""Specification of callmine.kselect.choose_k (the number of types for k="auto")."""

import inspect

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import normalize

from callmine import clustering
from callmine.clustering import k_grid, spectral_embedding
from callmine.errors import CallmineError
from callmine.kselect import choose_k, knee, pick_k, smoothed


def blobs(n_types: int, per_type: int = 20, dim: int = 16, noise: float = 0.08, seed: int = 0):
    """L2-normalised points around ``n_types`` orthogonal directions."""
    rs = np.random.RandomState(seed)
    centres = np.eye(dim)[:n_types]
    X = np.repeat(centres, per_type, axis=0) + noise * rs.randn(n_types * per_type, dim)
    return normalize(X)


@pytest.mark.parametrize("n_types", [3, 6, 9])
def test_finds_the_number_of_separated_groups_in_the_representation(n_types):
    Z = blobs(n_types)
    k, table, reason = choose_k(Z, np.ones(len(Z)), k_range=(2, 12), spectral=False, Z=Z)
    assert k == n_types
    assert reason.startswith(f"k={n_types}:")


def test_finds_the_groups_through_the_spectral_embedding_of_the_neighbour_graph():
    Z = blobs(5, per_type=30)
    U = spectral_embedding(Z, n_neighbors=10, n_components=10, random_state=0)
    k, table, _ = choose_k(U, np.ones(len(Z)), k_range=(2, 15), Z=Z)
    assert k == 5


def test_table_has_one_row_per_k_tried_and_marks_the_chosen_one():
    Z = blobs(4)
    k, table, _ = choose_k(Z, np.ones(len(Z)), k_range=(2, 8), spectral=False, Z=Z)
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == ["k", "silhouette", "silhouette_spectral",
                                   "silhouette_smoothed", "knee_error", "chosen"]
    assert table["k"].tolist() == [2, 3, 4, 5, 6, 7, 8]
    assert table["chosen"].sum() == 1
    assert int(table.loc[table["chosen"], "k"].iloc[0]) == k


def test_chosen_k_is_where_the_two_line_fit_has_the_smallest_error():
    Z = blobs(6, noise=0.3, seed=3)
    k, table, reason = choose_k(Z, np.ones(len(Z)), k_range=(2, 12), spectral=False, Z=Z)
    assert np.isnan(table["knee_error"].iloc[0]) and np.isnan(table["knee_error"].iloc[-1])
    assert k == table.loc[table["knee_error"].idxmin(), "k"]
    assert "moved" not in reason


def test_a_knee_below_the_plateau_moves_up_to_it():
    Z = blobs(9)  # the silhouette climbs to k=9 and falls after: the two lines meet too early
    k, table, reason = choose_k(Z, np.ones(len(Z)), k_range=(2, 12), spectral=False, Z=Z)
    k_knee = int(table.loc[table["knee_error"].idxmin(), "k"])
    assert k_knee < k == 9
    assert f"moved from the knee at k={k_knee}" in reason


def test_knee_of_a_curve_that_rises_then_flattens_or_falls():
    ks = [5, 10, 20, 40, 80, 160]
    assert knee(ks, [0.1, 0.2, 0.3, 0.4, 0.41, 0.42])[0] == 40
    k, errors, (before, after) = knee(ks, [0.1, 0.3, 0.5, 0.4, 0.3, 0.2])
    assert k == 20
    assert before == pytest.approx(0.2) and after == pytest.approx(-0.1)
    assert np.isnan(errors[0]) and np.isnan(errors[-1]) and errors[2] == pytest.approx(0.0)
    with pytest.raises(CallmineError, match="at least 3 values of k, got 2"):
        knee([5, 10], [0.1, 0.2])


def test_plateau_rule_takes_the_smallest_k_within_the_tolerance_of_the_best():
    Z = blobs(6, noise=0.3, seed=3)
    k, table, reason = choose_k(Z, np.ones(len(Z)), k_range=(2, 12), spectral=False, Z=Z,
                                rule="plateau", k_tolerance=0.2)
    ok = table["silhouette"] >= 0.8 * table["silhouette"].max()
    assert k == table.loc[ok, "k"].min()
    assert "within 20% of the best" in reason
    k0, table0, _ = choose_k(Z, np.ones(len(Z)), k_range=(2, 12), spectral=False, Z=Z,
                             rule="plateau", k_tolerance=0.0)
    assert k0 == table0.loc[table0["silhouette"].idxmax(), "k"]


def test_with_fewer_than_four_k_the_best_silhouette_decides():
    Z = blobs(3)
    k, table, reason = choose_k(Z, np.ones(len(Z)), k_range=(2, 4), spectral=False, Z=Z)
    assert k == table.loc[table["silhouette"].idxmax(), "k"] == 3
    assert "too few k for a knee" in reason


def test_reason_names_the_criterion_the_space_and_the_grid():
    Z = blobs(4)
    _, _, reason = choose_k(Z, np.ones(len(Z)), k_range=(2, 8), spectral=False, Z=Z)
    assert "knee of the silhouette in the text representation against log k" in reason
    assert "k tried: 2..8" in reason
    assert "per doubling of k" in reason


def test_without_the_representation_the_silhouette_is_measured_in_the_spectral_space():
    Z = blobs(4)
    k, table, reason = choose_k(Z, np.ones(len(Z)), k_range=(2, 8), spectral=False)
    assert "spectral space" in reason
    assert (table["silhouette"] == table["silhouette_spectral"]).all()


def test_same_seeds_give_the_same_choice_and_table():
    Z = blobs(7, noise=0.25, seed=1)
    U = spectral_embedding(Z, n_components=12, random_state=0)
    a = choose_k(U, np.ones(len(Z)), k_range=(2, 14), Z=Z, sample_seed=3, kmeans_seed=4)
    b = choose_k(U, np.ones(len(Z)), k_range=(2, 14), Z=Z, sample_seed=3, kmeans_seed=4)
    assert a[0] == b[0] and a[2] == b[2]
    pd.testing.assert_frame_equal(a[1], b[1])


def test_silhouette_is_computed_on_a_sample_of_the_given_size():
    Z = blobs(5, per_type=40)
    _, _, reason = choose_k(Z, np.ones(len(Z)), k_range=(2, 8), spectral=False, Z=Z,
                            sample_size=50)
    assert "50 calls sampled" in reason


def test_partitions_can_be_made_in_the_space_of_the_final_clustering():
    Z = blobs(4, per_type=30)
    seen = []

    def space(k):
        seen.append(k)
        return Z

    U = np.random.RandomState(0).randn(len(Z), 5)  # not what is clustered
    k, _, _ = choose_k(U, np.ones(len(Z)), k_range=(2, 8), Z=Z, cluster_space=space)
    assert k == 4 and seen == [2, 3, 4, 5, 6, 7, 8]
    with pytest.raises(CallmineError, match=r"cluster_space\(2\) must return a 2-D array"):
        choose_k(U, np.ones(len(Z)), k_range=(2, 8), Z=Z, cluster_space=lambda k: Z[:5])


def test_progress_goes_to_say_one_line_per_k():
    Z = blobs(3)
    lines = []
    choose_k(Z, np.ones(len(Z)), k_range=(2, 5), spectral=False, Z=Z, say=lines.append)
    assert len(lines) == 4 and lines[0].startswith("  k=2:")


def test_accepts_every_argument_of_the_previous_criterion():
    old = inspect.signature(clustering.choose_k).parameters
    new = inspect.signature(choose_k).parameters
    for name, p in old.items():
        assert name in new and new[name].default == p.default


@pytest.mark.parametrize("kwargs, match", [
    ({"k_tolerance": 1.0}, "k_tolerance must be in"),
    ({"k_range": (1, 5)}, "k_range must satisfy"),
    ({"k_range": "many"}, "k_range must be two integers"),
    ({"sample_size": 3}, "sample_size must be an integer >= 10"),
    ({"rule": "elbow"}, "rule must be one of 'knee', 'modularity', 'names', 'plateau', "
                         "'smooth', 'vocab', got 'elbow'"),
    ({"rule": "smooth", "smooth_window": 4},
     "smooth_window must be an odd positive integer, got 4"),
    ({"rule": "smooth", "smooth_tolerance": -0.1},
     r"smooth_tolerance must be in \[0, 1\), got -0.1"),
    ({"n_init": 0}, "n_init must be a positive integer, got 0"),
])
def test_bad_parameters_are_named(kwargs, match):
    Z = blobs(3)
    with pytest.raises(CallmineError, match=match):
        choose_k(Z, np.ones(len(Z)), Z=Z, **kwargs)


def test_inputs_of_the_wrong_shape_are_named():
    Z = blobs(3)
    with pytest.raises(CallmineError, match=r"weight must have one value per row of U \(60\)"):
        choose_k(Z, np.ones(10), Z=Z)
    with pytest.raises(CallmineError, match=r"Z must be a 2-D array with one row per row of U"):
        choose_k(Z, np.ones(len(Z)), Z=Z[:10])
    with pytest.raises(CallmineError, match="U must be a 2-D array with at least 3 rows"):
        choose_k(np.ones(5), np.ones(5))


# ---------------------------------------------------------------- rule="smooth"
# a noisy plateau: the silhouette rises to k=5 and stays near 0.40, with one lucky run at k=9
NOISY = pd.DataFrame({"k": list(range(2, 11)),
                      "silhouette": [0.10, 0.20, 0.30, 0.40, 0.41, 0.40, 0.41, 0.43, 0.40]})


def test_smoothed_is_a_centred_moving_average_whose_window_shrinks_at_the_ends():
    assert smoothed([1.0, 2.0, 6.0, 2.0, 1.0], 3).tolist() == [1.0, 3.0, 10 / 3, 3.0, 1.0]
    assert smoothed([1.0, 2.0, 6.0, 2.0, 1.0], 5).tolist() == [1.0, 3.0, 2.4, 3.0, 1.0]
    assert smoothed([0.2, 0.4], 1).tolist() == [0.2, 0.4]
    with pytest.raises(CallmineError, match="window must be an odd positive integer, got 2"):
        smoothed([0.1, 0.2], 2)


def test_smooth_rule_takes_the_smallest_k_whose_averaged_silhouette_is_near_the_best_average():
    k, table, reason = pick_k(NOISY, "smooth")
    sm = smoothed(NOISY["silhouette"], 5)
    assert table["silhouette_smoothed"].tolist() == pytest.approx(sm, abs=1e-4)
    assert k == NOISY["k"][np.flatnonzero(sm >= 0.9 * sm.max())[0]] == 6
    assert table["chosen"].sum() == 1 and bool(table.loc[table["k"] == 6, "chosen"].iloc[0])
    assert reason.startswith("k=6: the smallest number of types whose silhouette in the text "
                             "representation, averaged over 5 neighbouring k of the grid")
    assert "within 10% of the best average" in reason and "k tried: 2..10" in reason


def test_smooth_rule_is_not_pulled_to_one_lucky_k_as_the_unsmoothed_plateau_is():
    lucky = NOISY.assign(silhouette=NOISY["silhouette"].where(NOISY["k"] != 9, 0.46))
    assert pick_k(lucky, "plateau")[0] == 9
    assert pick_k(lucky, "smooth")[0] == pick_k(NOISY, "smooth")[0] == 6


def test_smooth_rule_takes_a_sharp_peak_of_well_separated_groups():
    peak = pd.DataFrame({"k": [2, 3, 4, 5, 6, 7, 8],
                         "silhouette": [0.30, 0.45, 0.60, 0.90, 0.62, 0.50, 0.45]})
    k, _, reason = pick_k(peak, "smooth")
    assert k == 5
    assert "stands out more than 10% above the best average" in reason


@pytest.mark.parametrize("n_types", [3, 5, 7])
def test_smooth_rule_finds_separated_groups(n_types):
    Z = blobs(n_types, noise=0.3)
    k, _, _ = choose_k(Z, np.ones(len(Z)), k_range=(2, 12), spectral=False, Z=Z, rule="smooth")
    assert k == n_types


def test_smooth_rule_reads_negative_silhouettes_within_the_tolerance_of_their_magnitude():
    t = pd.DataFrame({"k": [2, 3, 4, 5, 6], "silhouette": [-0.5, -0.2, -0.1, -0.1, -0.1]})
    assert pick_k(t, "smooth", smooth_window=1)[0] == 4


def test_the_rules_read_the_same_table():
    Z = blobs(6, noise=0.3, seed=3)
    k, table, _ = choose_k(Z, np.ones(len(Z)), k_range=(2, 12), spectral=False, Z=Z)
    assert pick_k(table, "knee")[0] == k
    assert pick_k(table[["k", "silhouette"]], "knee")[1]["knee_error"].equals(table["knee_error"])
    with pytest.raises(CallmineError,
                       match="rule must be one of 'knee', 'modularity', 'names', 'plateau', "
                             "'smooth', 'vocab'"):
        pick_k(table, "elbow")


# ---------------------------------------------------------------- rule="modularity"
def test_modularity_is_the_share_of_links_inside_types_minus_the_share_expected_at_random():
    import scipy.sparse as sp
    from callmine.kselect import modularity
    # two triangles joined by one edge
    A = np.zeros((6, 6))
    for i, j in [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)]:
        A[i, j] = A[j, i] = 1
    # 6 of the 7 edges inside; each triangle holds 7 of the 14 degrees: 6/7 - 2 * (1/2) ** 2
    assert modularity(sp.csr_matrix(A), [0, 0, 0, 1, 1, 1]) == pytest.approx(6 / 7 - 0.5)
    assert modularity(A, [5, 5, 5, 5, 5, 5]) == pytest.approx(0.0)
    assert modularity(A, ["a", "a", "a", "b", "b", "b"]) == pytest.approx(6 / 7 - 0.5)
    assert modularity(A, [0, 1, 0, 1, 0, 1]) < 0
    with pytest.raises(CallmineError, match=r"graph must be a square matrix with one row per "
                                            r"label \(5\), got shape \(6, 6\)"):
        modularity(A, [0, 0, 0, 1, 1])


@pytest.mark.parametrize("n_types", [3, 6, 9])
def test_modularity_rule_finds_the_groups_of_the_neighbour_graph(n_types):
    Z = blobs(n_types, noise=0.3)
    k, table, reason = choose_k(Z, np.ones(len(Z)), k_range=(2, 12), spectral=False, Z=Z,
                                rule="modularity")
    assert k == n_types == table.loc[table["modularity"].idxmax(), "k"]
    assert reason.startswith(f"k={n_types}: the partition with the highest modularity in the "
                             f"graph of each call's nearest neighbours")
    assert f"k tried: 2..{table['k'].max()}" in reason


def test_modularity_rule_adds_its_column_to_the_same_table_the_other_rules_read():
    Z = blobs(5, noise=0.3)
    _, table, _ = choose_k(Z, np.ones(len(Z)), k_range=(2, 8), spectral=False, Z=Z,
                           rule="modularity")
    assert list(table.columns) == ["k", "silhouette", "silhouette_spectral", "modularity",
                                   "silhouette_smoothed", "knee_error", "chosen"]
    _, plain, _ = choose_k(Z, np.ones(len(Z)), k_range=(2, 8), spectral=False, Z=Z,
                           rule="smooth")
    assert "modularity" not in plain  # the default rule does not build the graph
    assert table["silhouette"].equals(plain["silhouette"])  # same partitions
    assert pick_k(table, "smooth")[0] == choose_k(Z, np.ones(len(Z)), k_range=(2, 8),
                                                  spectral=False, Z=Z, rule="smooth")[0]
    with pytest.raises(CallmineError, match="rule='modularity' needs a 'modularity' column"):
        pick_k(plain, "modularity")


def test_modularity_is_measured_in_the_graph_given_or_built_from_the_representation():
    from callmine.clustering import knn_graph
    Z = blobs(4, noise=0.3)
    U = spectral_embedding(Z, n_neighbors=10, n_components=8, random_state=0)
    built = choose_k(U, np.ones(len(Z)), k_range=(2, 8), Z=Z, rule="modularity")
    given = choose_k(U, np.ones(len(Z)), k_range=(2, 8), Z=Z, rule="modularity",
                     graph=knn_graph(Z, 10))
    assert built[0] == given[0] == 4
    pd.testing.assert_frame_equal(built[1], given[1])
    five = choose_k(U, np.ones(len(Z)), k_range=(2, 8), Z=Z, rule="modularity", n_neighbors=5)
    assert not five[1]["modularity"].equals(built[1]["modularity"])
    with pytest.raises(CallmineError, match=r"graph must be a square matrix with one row per "
                                            r"row of U \(80\), got shape \(3, 3\)"):
        choose_k(U, np.ones(len(Z)), Z=Z, rule="modularity", graph=np.eye(3))
    with pytest.raises(CallmineError, match="n_neighbors must be a positive integer, got 0"):
        choose_k(U, np.ones(len(Z)), Z=Z, rule="modularity", n_neighbors=0)


def test_modularity_rule_is_deterministic_for_the_seeds():
    Z = blobs(7, noise=0.35, seed=2)
    U = spectral_embedding(Z, n_components=12, random_state=0)
    a = choose_k(U, np.ones(len(Z)), k_range=(2, 14), Z=Z, rule="modularity", kmeans_seed=4)
    b = choose_k(U, np.ones(len(Z)), k_range=(2, 14), Z=Z, rule="modularity", kmeans_seed=4)
    assert a[0] == b[0] and a[2] == b[2]
    pd.testing.assert_frame_equal(a[1], b[1])


def test_the_discoverer_accepts_the_modularity_rule_as_k_rule():
    from callmine import discover, kselect
    from callmine.synth import generate_calls
    assert set(kselect.RULES) <= set(discover.K_RULES)
    texts = generate_calls(200, seed=1)["text"].tolist()
    d = discover.RequestTypeDiscoverer(k="auto", k_rule="modularity", k_range=(2, 12),
                                       random_state=0, n_stability_runs=0).fit(texts)
    table = d.k_selection_
    assert d.n_clusters_ == int(table.loc[table["modularity"].idxmax(), "k"])
    assert "highest modularity" in d.k_reason_


# ---------------------------------------------------------------- rule="names"
def vocab_blobs(n_types: int, phrasings: int = 3, per_phrasing: int = 12, seed: int = 0):
    """Rows around one direction per phrasing; the phrasings of a type share its two words."""
    rs = np.random.RandomState(seed)
    dim = n_types * phrasings
    X = np.repeat(np.eye(dim), per_phrasing, axis=0) + 0.05 * rs.randn(dim * per_phrasing, dim)
    docs = [f"topic{t}a topic{t}b filler{p % 2} w{t}x{p}"
            for t in range(n_types) for p in range(phrasings) for _ in range(per_phrasing)]
    return normalize(X), docs


@pytest.mark.parametrize("n_types", [3, 5])
def test_names_counts_the_vocabularies_of_over_clusters_not_the_clusters(n_types):
    from callmine.kselect import name_count
    X, docs = vocab_blobs(n_types)
    k, detail = name_count(X, None, docs, n_clusters=3 * n_types, spectral=False)
    assert detail["clusters"] == 3 * n_types  # one cluster per phrasing...
    assert k == n_types  # ...but one group per shared vocabulary
    assert detail["largest_group"] == 3


def test_names_joins_more_clusters_with_a_lower_cosine_and_weights_calls():
    from callmine.kselect import name_count
    X, docs = vocab_blobs(4)
    strict = name_count(X, None, docs, n_clusters=12, spectral=False, cosine=0.95)[0]
    loose = name_count(X, None, docs, n_clusters=12, spectral=False, cosine=0.01)[0]
    assert strict == 12 and loose < 4  # the shared filler words join everything when loose
    w = np.arange(1, len(X) + 1, dtype=float)
    assert name_count(X, w, docs, n_clusters=12, spectral=False)[0] == 4


def test_names_checks_its_inputs():
    from callmine.kselect import name_count
    X, docs = vocab_blobs(2)
    with pytest.raises(CallmineError, match=r"docs must have one text per row of U \(72\), got 3"):
        name_count(X, None, docs[:3])
    with pytest.raises(CallmineError, match="cosine must be in \\(0, 1\\), got 1.5"):
        name_count(X, None, docs, cosine=1.5)
    with pytest.raises(CallmineError, match="n_clusters must be an integer >= 2, got 1"):
        name_count(X, None, docs, n_clusters=1)
    with pytest.raises(CallmineError, match="needs at least 10 rows to over-cluster, got 9"):
        name_count(X[:9], None, docs[:9])
    assert name_count(X, None, [""] * len(X), n_clusters=4, spectral=False)[0] == 1


def test_names_rule_in_choose_k_gives_the_count_and_says_why():
    X, docs = vocab_blobs(4)
    k, table, reason = choose_k(X, np.ones(len(X)), k_range=(2, 10), spectral=False, Z=X,
                                rule="names", docs=docs, name_clusters=12)
    assert k == 4
    assert table["chosen"].sum() == 1 and int(table.loc[table["chosen"], "k"].iloc[0]) == 4
    assert reason.startswith("k=4: the number of distinct vocabularies among 12 small clusters")
    assert "cosine above 0.25" in reason and "the largest type joins 3 of them" in reason
    # the silhouette table is the one the other rules read
    _, plain, _ = choose_k(X, np.ones(len(X)), k_range=(2, 10), spectral=False, Z=X)
    assert table["silhouette"].equals(plain["silhouette"])


def test_names_rule_keeps_its_count_within_k_range_and_says_so():
    X, docs = vocab_blobs(4)
    k, table, reason = choose_k(X, np.ones(len(X)), k_range=(6, 10), spectral=False, Z=X,
                                rule="names", docs=docs, name_clusters=12)
    assert k == 6
    assert "4 groups, kept within k_range 6..10" in reason


def test_names_rule_is_deterministic_for_the_seeds():
    Z = blobs(7, noise=0.35, seed=2)
    U = spectral_embedding(Z, n_components=12, random_state=0)
    docs = [f"w{i % 7} v{i % 5}" for i in range(len(Z))]
    a = choose_k(U, np.ones(len(Z)), k_range=(2, 14), Z=Z, rule="names", docs=docs,
                 name_clusters=20, kmeans_seed=4)
    b = choose_k(U, np.ones(len(Z)), k_range=(2, 14), Z=Z, rule="names", docs=docs,
                 name_clusters=20, kmeans_seed=4)
    assert a[0] == b[0] and a[2] == b[2]
    pd.testing.assert_frame_equal(a[1], b[1])


def test_the_discoverer_accepts_the_names_rule_as_k_rule():
    from callmine import discover
    from callmine.synth import generate_calls
    texts = generate_calls(200, seed=1)["text"].tolist()
    d = discover.RequestTypeDiscoverer(k="auto", k_rule="names", k_range=(2, 12),
                                       random_state=0, n_stability_runs=0).fit(texts)
    assert d.k_reason_.startswith(f"k={d.n_clusters_}: the number of distinct vocabularies")
    assert 2 <= d.n_clusters_ <= 12


# ---------------------------------------------------------------- rule="vocab"
def test_vocab_counts_the_vocabularies_of_over_clusters_and_grows_with_them():
    from callmine.kselect import vocab_count
    found = []
    for n_types in (3, 5, 8):
        X, docs = vocab_blobs(n_types)
        k, detail = vocab_count(X, None, docs, min_clusters=3 * n_types,
                                max_clusters=3 * n_types, spectral=False)
        assert detail["clusters"] == 3 * n_types  # one cluster per phrasing...
        found.append(k)
    assert found == [3, 5, 8]  # ...one group per shared vocabulary


def test_vocab_over_clusters_grow_with_the_rows_between_their_bounds():
    from callmine.kselect import vocab_count
    X, docs = vocab_blobs(4, per_phrasing=30)  # 360 rows
    sizes = {r: vocab_count(X, None, docs, rows_per_cluster=r, min_clusters=12,
                            max_clusters=40, spectral=False, n_seeds=1)[1]["clusters"]
             for r in (30, 15, 5)}
    assert sizes == {30: 12, 15: 24, 5: 40}  # 360 // r, kept within 12..40
    assert vocab_count(X[:100], None, docs[:100], min_clusters=50, spectral=False,
                       n_seeds=1)[1]["clusters"] == 20  # at most one cluster per 5 rows


def test_vocab_mutual_neighbours_stop_a_shared_cluster_from_chaining_the_types():
    from callmine.kselect import name_count, vocab_count
    rs = np.random.RandomState(0)
    X = normalize(np.repeat(np.eye(7), 20, axis=0) + 0.05 * rs.randn(140, 7))
    docs = ([f"topic{t} word{t} p{p}" for t in range(3) for p in range(2) for _ in range(20)]
            + ["topic0 topic1 topic2 word0 word1 word2"] * 20)  # one cluster shares every type
    chained = name_count(X, None, docs, n_clusters=7, spectral=False, cosine=0.2)[0]
    kept = vocab_count(X, None, docs, min_clusters=7, max_clusters=7, spectral=False,
                       cosine=0.2, neighbours=1)[0]
    assert chained == 1  # connected components: the shared cluster joins all three types
    assert kept == 4  # mutual nearest neighbours: three types and the shared cluster alone


def test_vocab_averages_the_counts_of_its_seeds_and_is_deterministic():
    from callmine.kselect import vocab_count
    Z = blobs(7, noise=0.35, seed=2)
    U = spectral_embedding(Z, n_components=12, random_state=0)
    docs = [f"w{i % 7} v{i % 5} u{i % 3}" for i in range(len(Z))]
    a = vocab_count(U, None, docs, min_clusters=20, random_state=4)
    b = vocab_count(U, None, docs, min_clusters=20, random_state=4)
    assert a == b
    k, detail = a
    assert len(detail["counts"]) == 3
    assert k == int(np.floor(np.mean(detail["counts"]) + 0.5))
    firsts = [vocab_count(U, None, docs, min_clusters=20, random_state=s, n_seeds=1)[0]
              for s in (4, 5, 6)]
    assert detail["counts"] == firsts  # the seeds are random_state, random_state + 1, ...


@pytest.mark.parametrize("kwargs, match", [
    ({"rows_per_cluster": 0}, "rows_per_cluster must be an integer >= 1, got 0"),
    ({"min_clusters": 1}, "min_clusters must be an integer >= 2, got 1"),
    ({"max_clusters": 2.5}, "max_clusters must be an integer >= 2, got 2.5"),
    ({"min_clusters": 20, "max_clusters": 10}, r"max_clusters must be >= min_clusters \(20\)"),
    ({"neighbours": True}, "neighbours must be an integer >= 1, got True"),
    ({"n_seeds": 0}, "n_seeds must be an integer >= 1, got 0"),
    ({"cosine": 0}, r"cosine must be in \(0, 1\), got 0"),
])
def test_vocab_names_its_bad_parameters(kwargs, match):
    from callmine.kselect import vocab_count
    X, docs = vocab_blobs(2)
    with pytest.raises(CallmineError, match=match):
        vocab_count(X, None, docs, **kwargs)


def test_vocab_checks_its_inputs():
    from callmine.kselect import vocab_count
    X, docs = vocab_blobs(2)
    with pytest.raises(CallmineError, match=r"docs must have one text per row of U \(72\), got 3"):
        vocab_count(X, None, docs[:3])
    with pytest.raises(CallmineError, match=r"weight must have one value per row of U \(72\)"):
        vocab_count(X, np.ones(3), docs)
    with pytest.raises(CallmineError, match="rule='vocab' needs at least 10 rows, got 9"):
        vocab_count(X[:9], None, docs[:9])
    k, detail = vocab_count(X, None, [""] * len(X), min_clusters=4, spectral=False)
    assert k == 1 and detail["counts"] == [1, 1, 1]


def test_vocab_rule_in_choose_k_gives_the_count_and_says_why():
    X, docs = vocab_blobs(4)
    args = {"min_clusters": 12, "max_clusters": 12}
    k, table, reason = choose_k(X, np.ones(len(X)), k_range=(2, 10), spectral=False, Z=X,
                                rule="vocab", docs=docs, vocab_args=args)
    assert k == 4
    assert table["chosen"].sum() == 1 and int(table.loc[table["chosen"], "k"].iloc[0]) == 4
    assert reason.startswith("k=4: the number of distinct vocabularies among 12 small clusters")
    assert "each is among the other's 5 most similar" in reason and "cosine above 0.25" in reason
    assert "3 KMeans seeds: 4/4/4, averaged" in reason
    _, plain, _ = choose_k(X, np.ones(len(X)), k_range=(2, 10), spectral=False, Z=X)
    assert table["silhouette"].equals(plain["silhouette"])
    with pytest.raises(CallmineError, match="vocab_args must not set 'random_state'"):
        choose_k(X, np.ones(len(X)), k_range=(2, 10), spectral=False, Z=X, rule="vocab",
                 docs=docs, vocab_args={"random_state": 1})


def test_vocab_reports_the_share_of_the_largest_group_and_warns_when_one_group_dominates():
    from callmine.kselect import vocab_count
    X, docs = vocab_blobs(4)  # four vocabularies of as many calls each
    k, detail = vocab_count(X, None, docs, min_clusters=12, max_clusters=12, spectral=False)
    assert k == 4 and detail["largest_share"] == pytest.approx(0.25)
    reason = pick_k(choose_k(X, np.ones(len(X)), k_range=(2, 10), spectral=False, Z=X)[1],
                    "vocab", names=(k, detail))[2]
    assert reason.endswith("the largest group holds 25% of the calls")
    # one vocabulary (three phrasings of 36 calls) against another (three of 12): 75% in one
    rs = np.random.RandomState(1)
    sizes = [36, 36, 36, 12, 12, 12]
    X = normalize(np.repeat(np.eye(6), sizes, axis=0) + 0.05 * rs.randn(sum(sizes), 6))
    docs = [f"topic{p // 3}a topic{p // 3}b w{p}" for p in range(6)
            for _ in range(sizes[p])]
    k, detail = vocab_count(X, None, docs, min_clusters=6, max_clusters=6, spectral=False)
    assert k == 2 and detail["largest_share"] == pytest.approx(0.75)
    reason = pick_k(choose_k(X, np.ones(len(X)), k_range=(2, 10), spectral=False, Z=X)[1],
                    "vocab", names=(k, detail))[2]
    assert "the largest group holds 75% of the calls - most calls share one vocabulary" in reason
    assert "the groups are not the types" in reason


@pytest.mark.parametrize("rule", ["vocab", "names"])
def test_a_count_rule_on_too_few_rows_falls_back_to_smooth_and_says_so(rule):
    X, docs = vocab_blobs(3, phrasings=1, per_phrasing=3)  # 9 rows: too few to over-cluster
    k, table, reason = choose_k(X, np.ones(len(X)), k_range=(2, 5), spectral=False, Z=X,
                                rule=rule, docs=docs)
    k_smooth, _, reason_smooth = choose_k(X, np.ones(len(X)), k_range=(2, 5), spectral=False,
                                          Z=X, rule="smooth")
    assert k == k_smooth
    assert reason == (f"9 distinct calls are too few for rule={rule!r} (it needs 10), so the "
                      f"rule 'smooth' chose - {reason_smooth}")


def test_vocab_rule_keeps_its_count_within_k_range_and_says_so():
    X, docs = vocab_blobs(4)
    k, _, reason = choose_k(X, np.ones(len(X)), k_range=(6, 10), spectral=False, Z=X,
                            rule="vocab", docs=docs,
                            vocab_args={"min_clusters": 12, "max_clusters": 12})
    assert k == 6
    assert "4 groups, kept within k_range 6..10" in reason


def test_a_counted_k_between_the_grid_ks_gets_its_own_row_and_is_the_chosen_one():
    X, docs = vocab_blobs(12, per_phrasing=8)
    args = {"min_clusters": 36, "max_clusters": 36}
    k, table, reason = choose_k(X, np.ones(len(X)), k_range=(2, 20), spectral=False, Z=X,
                                rule="vocab", docs=docs, vocab_args=args)
    assert k == 12 and 12 not in k_grid(len(X), (2, 20))  # grid: 2..9, 10, 15, 20
    assert table["k"].tolist() == sorted(k_grid(len(X), (2, 20)) + [12])
    assert table["chosen"].sum() == 1 and int(table.loc[table["chosen"], "k"].iloc[0]) == 12
    sil = float(table.loc[table["chosen"], "silhouette"].iloc[0])
    assert f"silhouette in the text representation {sil:.3f}" in reason
    assert "between the k of the silhouette grid" not in reason


@pytest.mark.parametrize("rule, counter", [("names", "name_count"), ("vocab", "vocab_count")])
def test_counting_rules_need_the_texts(rule, counter):
    X, _ = vocab_blobs(4)
    with pytest.raises(CallmineError, match=f"rule='{rule}' needs docs"):
        choose_k(X, np.ones(len(X)), k_range=(2, 10), spectral=False, Z=X, rule=rule)
    _, plain, _ = choose_k(X, np.ones(len(X)), k_range=(2, 10), spectral=False, Z=X)
    with pytest.raises(CallmineError, match=f"rule='{rule}' needs names={counter}"):
        pick_k(plain, rule)
