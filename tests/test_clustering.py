"""callmine.clustering: the merge of an over-clustering by profiles, and stability with any method."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import pytest

from callmine.clustering import answer_profiles, answer_signal, merge_by_profile, stability
from callmine.errors import CallmineError


def test_clusters_with_the_same_profile_are_merged_first():
    # clusters 0 and 2 speak of the same thing; 1 and 3 are each different
    labels = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    profiles = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0],
                         [1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 0, 1.]])
    merged = merge_by_profile(labels, profiles, np.ones(8), 3)
    assert merged.tolist() == [0, 0, 1, 1, 0, 0, 2, 2]


def test_merging_continues_from_the_merged_profile_until_k_remain():
    labels = np.array([0, 1, 2, 3])
    profiles = np.array([[1, 0], [0.9, 0.1], [0.1, 0.9], [0, 1.]])
    assert merge_by_profile(labels, profiles, np.ones(4), 2).tolist() == [0, 0, 1, 1]
    assert len(set(merge_by_profile(labels, profiles, np.ones(4), 1).tolist())) == 1


def test_weights_count_in_the_merged_profile():
    # cluster 0 is mostly (weight 10) about concept a; its mixed member weighs 1
    labels = np.array([0, 0, 1, 2])
    profiles = np.array([[1, 0], [0, 1], [1, 0], [0, 1.]])
    merged = merge_by_profile(labels, profiles, np.array([10, 1, 1, 1.]), 2)
    assert merged[0] == merged[2] != merged[3]


def test_k_at_least_the_number_of_clusters_only_renumbers():
    labels = np.array([5, 5, 9, 7])
    assert merge_by_profile(labels, np.eye(4), np.ones(4), 3).tolist() == [0, 0, 2, 1]
    assert merge_by_profile(labels, np.eye(4), np.ones(4), 10).tolist() == [0, 0, 2, 1]


def test_ties_are_broken_by_the_lowest_cluster_numbers():
    labels = np.array([0, 1, 2])
    assert merge_by_profile(labels, np.ones((3, 2)), np.ones(3), 2).tolist() == [0, 0, 1]


def test_rows_without_a_profile_still_count_as_members():
    labels = np.array([0, 1, 2, 2])
    profiles = np.array([[1, 0], [1, 0], [0, 1], [0, 0.]])
    merged = merge_by_profile(labels, profiles, np.ones(4), 2)
    assert merged.tolist() == [0, 0, 1, 1]


def test_lengths_must_agree():
    with pytest.raises(CallmineError, match="differ in length: 3, 2, 3"):
        merge_by_profile(np.zeros(3, int), np.ones((2, 2)), np.ones(3), 1)


def test_stability_re_clusters_with_the_method_it_is_given():
    U = np.vstack([np.zeros((20, 2)), np.ones((20, 2))]) + \
        0.01 * np.random.RandomState(0).rand(40, 2)
    labels = np.repeat([0, 1], 20)
    seen = []

    def cluster(rows, seed):
        seen.append((len(rows), seed))
        return labels[rows]          # finds the same types again

    score = stability(U, labels, 2, np.ones(40), n_runs=3, kmeans_seed=7, cluster=cluster)
    assert np.allclose(score, 1.0)
    assert seen == [(32, 7), (32, 8), (32, 9)]

    def one_group(rows, seed):
        return np.zeros(len(rows), int)

    assert (stability(U, labels, 2, np.ones(40), n_runs=2, cluster=one_group) < 0.7).all()


def _sparse_rows_with_dense_block(n=400, seed=0):
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    rng = np.random.default_rng(seed)
    words = sp.random(n, 300, density=0.02, random_state=seed, format="csr")
    embedding = rng.normal(size=(n, 64))
    return normalize(sp.hstack([words, sp.csr_matrix(embedding)], format="csr"))


def test_knn_graph_over_sparse_rows_with_a_dense_block_equals_the_brute_force_graph():
    from sklearn.neighbors import NearestNeighbors

    from callmine.clustering import _dense_columns, knn_graph

    Z = _sparse_rows_with_dense_block()
    assert _dense_columns(Z) is not None  # the split search is the one tested here
    graph = NearestNeighbors(n_neighbors=6, metric="cosine").fit(Z).kneighbors_graph(Z)
    graph.setdiag(0)
    graph.eliminate_zeros()
    expected = (0.5 * (graph + graph.T)).toarray()
    assert np.array_equal(knn_graph(Z, 5).toarray(), expected)


def test_knn_graph_is_symmetric_without_self_loops_and_has_n_neighbors_per_row():
    from callmine.clustering import knn_graph

    A = knn_graph(_sparse_rows_with_dense_block(n=200, seed=1), 7)
    assert (A != A.T).nnz == 0
    assert A.diagonal().sum() == 0
    one_way = (A > 0).sum(axis=1)
    assert one_way.min() >= 7


# --------------------------------------------------------------------------- answer profiles
def test_answer_profiles_weigh_the_words_of_one_script_and_not_those_said_everywhere():
    # word 0: "your IIN please" in every cluster; word 1: cluster 0 and 1's script; word 2: cluster 2's
    counts = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1]])
    A = answer_profiles(np.array([0, 1, 2, 2]), counts, np.ones(4))
    assert A.shape == (3, 3) and np.allclose(A[:, 0], 0)
    assert np.allclose(A @ A.T, [[1, 1, 0], [1, 1, 0], [0, 0, 1]])


def test_answer_profiles_are_shares_of_the_calls_and_rare_words_do_not_spread():
    # row 0 stands for 10 calls of which 1 heard word 0: 10% of cluster 0; min_share 0.2 ignores it
    counts = np.array([[1, 0], [0, 1], [1, 0]])
    w = np.array([10, 1, 1.])
    labels = np.array([0, 1, 2])
    assert answer_profiles(labels, counts, w, min_share=0.05)[0, 0] > 0
    A = answer_profiles(labels, counts, w, min_share=0.2)
    assert A[0, 0] > 0 and A[2, 0] > 0  # word 0 counts in 1 cluster of 3 at 20%: log 3 each
    assert np.isclose(A[1, 1], 1.0)


def test_a_cluster_without_operator_words_gets_a_zero_profile():
    A = answer_profiles(np.array([0, 1]), sp.csr_matrix(np.array([[0, 0], [0, 3]])), np.array([1, 3.]))
    assert np.allclose(A[0], 0) and np.isclose(np.linalg.norm(A[1]), 1.0)


def test_answer_profiles_check_their_inputs():
    with pytest.raises(CallmineError, match="labels, counts and weight differ in length: 2, 3, 2"):
        answer_profiles(np.array([0, 1]), np.zeros((3, 2)), np.ones(2))
    with pytest.raises(CallmineError, match=r"min_share must be in \(0, 1\), got 1.5"):
        answer_profiles(np.array([0, 1]), np.zeros((2, 2)), np.ones(2), min_share=1.5)


def test_answer_signal_is_about_one_when_the_words_do_not_follow_the_clusters():
    rs = np.random.RandomState(5)  # not the seed of the shuffles inside (0)
    labels = np.repeat(np.arange(8), 100)
    scripts = np.eye(8)[labels]                      # the operator answers each cluster's type
    noise = np.eye(8)[rs.permutation(labels)]        # ... or a random call's type
    assert answer_signal(labels, scripts, np.ones(800)) > 5
    assert 0.7 < answer_signal(labels, noise, np.ones(800)) < 1.5
    mixed = np.hstack([scripts, noise])              # both: still clearly tied
    assert answer_signal(labels, sp.csr_matrix(mixed), np.ones(800)) > 2
    assert answer_signal(labels, np.zeros((800, 2)), np.ones(800)) == 0.0
    with pytest.raises(CallmineError, match="n_null must be a positive integer, got 0"):
        answer_signal(labels, scripts, np.ones(800), n_null=0)
    with pytest.raises(CallmineError, match="labels, counts and weight differ in length"):
        answer_signal(labels[:5], scripts, np.ones(800))
