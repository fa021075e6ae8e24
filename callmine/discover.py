"""Discover request types in calls without labels.

:class:`RequestTypeDiscoverer` clusters transcripts into request types and
names them; :func:`discover_file` runs it on a call-log file of any size and
writes ``assignments.csv`` and ``types.csv`` (``callmine discover``).

Method
------
1. **Text**: :class:`callmine.text.TextNormalizer` keeps the customer's side
   of the call, redacts personal data, drops frequent boilerplate phrases and
   stop words, and stems. When the log mixes languages (``concepts="auto"``),
   words of the ru / kk / en concept lexicon (:mod:`callmine.concepts`) are
   replaced by their concept (``өтініш`` / ``заявка`` -> ``application``)
   before the n-gram features, and a concept TF-IDF block (weight
   ``concept_weight``) is appended to ``Z``.
2. **Representation** ``Z`` (L2-normalised rows):

   * ``fast``: word 1-2-gram and character 2-5-gram TF-IDF
     (:class:`callmine.features.NgramFeaturizer`) reduced by truncated SVD
     (LSA, 100 dimensions);
   * ``accurate``: the multilingual sentence embedding of the redacted
     customer text (:class:`callmine.embeddings.SentenceEmbedder`) next to
     the LSA vector (weight ``lsa_weight``).

3. **Reduction**: a symmetric k-nearest-neighbour graph (cosine) and its
   spectral embedding (Laplacian eigenmaps). The graph is built over ``Z``
   with the LSA vector replaced by the sparse n-gram TF-IDF it was reduced
   from (``graph_space="ngrams"``, the default for both profiles: nearer
   neighbours share the type's distinctive words), or over ``Z`` itself.
   Like UMAP before KMeans, this turns the local neighbourhoods into compact, well-separated
   groups. **Repeat calls**: when :meth:`fit` is given who made each call
   (``callers``), every call is also joined to the same caller's previous
   call, with weight ``caller_weight`` next to the neighbours' 1
   (:func:`callmine.clustering.repeat_call_graph`): a caller who calls again
   mostly calls about the same matter, in other words or another template,
   so the phrasings of one type that share few words are pulled together.
   ``fast``: the first ``min(k, spectral_dim)`` coordinates, rows
   L2-normalised; ``accurate`` (``spectral_decay``): ``ceil(1.5 k)``
   coordinates damped by their eigenvalue like diffusion-map coordinates
   (:func:`callmine.clustering.diffusion_space`), rows L2-normalised.
4. **Clustering** (``partition``): KMeans with many restarts on that space.
   With the concept step on (``partition="auto"``, or ``"concept_merge"``),
   KMeans makes ``ceil(overcluster * k)`` clusters and the two clusters with
   the most similar concept profiles (mean concept TF-IDF of their calls) are
   merged until k remain (:func:`callmine.clustering.merge_by_profile`): a
   large type that KMeans cut into sub-topics or languages still speaks of
   the same concepts. ``answers``: when the calls hold operator turns, each
   cluster's profile also says how its operators answered
   (:func:`callmine.clustering.answer_profiles`), since every phrasing of a
   type is answered from the same script. ``reweight``: then every n-gram column of the graph
   rows is scaled by how concentrated it is over the types found
   (:func:`callmine.reweight.concentration`; words shared by many types lose
   weight), the graph is rebuilt and the calls are clustered again.
   ``refine`` (``fast``): last, every call moves to the type under which its
   words are most probable, in a mixture of multinomials estimated from the
   types (hard EM until no call moves, :mod:`callmine.mixture`); the fitted
   mixture also assigns new calls in :meth:`predict`.
5. **Number of types** (``k="auto"``): ``k_rule="vocab"`` (default)
   over-clusters the calls (KMeans, about one cluster per 15 distinct calls,
   150-500, in the spectral space), joins two clusters when each is among
   the other's 5 most similar and their class-based TF-IDF word vectors have
   a cosine above 0.25, and counts the groups (distinct vocabularies), as a
   mean over 3 KMeans seeds (:func:`callmine.kselect.vocab_count`,
   ``docs/kselect.md``). The silhouette in ``Z`` of a KMeans partition for
   every k of a grid is computed as well and kept in ``k_selection_``;
   ``"smooth"`` averages that curve over 5 neighbouring k and takes the
   *smallest* k whose average is within 10% of the best average;
   ``"plateau"``: the smallest k whose silhouette in the spectral space is
   within ``k_tolerance`` (5%) of the best; ``"knee"``: the knee of the
   curve in ``Z`` against log k (more types).
6. **Outliers**: a call whose cosine distance to its type's centre (in ``Z``,
   next to the call's word-vector block when ``word_vectors``, see below)
   is more than ``outlier_threshold`` robust standard deviations (median +
   t * 1.4826 * MAD of that type's distances) above the type's median gets
   cluster ``-1``.
7. **Large inputs**: the model is fitted on at most ``max_fit_samples``
   calls drawn at random; every other call is assigned by :meth:`predict`
   (the word mixture of ``refine``, or the nearest type centre in ``Z`` when
   it is off or the call has no word it knows; same outlier rule) in batches.
8. **Names**: class-based TF-IDF over each type's calls
   (:mod:`callmine.naming`), examples closest to the centre (redacted), and
   a stability score: the mean best Jaccard overlap of the type with the
   clusters of ``n_stability_runs`` re-clusterings of 80% subsamples with
   other seeds (1 = always found again the same).

Steps 3-6 and the stability score are pure functions in
:mod:`callmine.clustering`; :func:`discover_file` lives in
:mod:`callmine.discover_file` (both re-exported here).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from callmine.clustering import (answer_profiles, answer_signal, central_partition, choose_k,
                                 cluster_accuracy, diffusion_space, k_grid, knn_graph,
                                 merge_by_profile, order_by_size, outlier_cutoffs,
                                 repeat_call_graph,
                                 spectral_dims, spectral_embedding, spectral_space, stability)
from callmine.mixture import mixture_parameters, mixture_scores, refine_partition
from callmine.reweight import reweight_columns
# the file-level job lives in discover_file.py, the clustering maths in clustering.py;
# their public names stay importable from here
from callmine.discover_file import (NO_TEXT_LABEL, OUTLIER_LABEL,  # noqa: F401
                                    _reservoir, discover_file)
from callmine.errors import CallmineError

__all__ = ["RequestTypeDiscoverer", "discover_file", "cluster_accuracy", "k_grid",
           "NO_TEXT_LABEL", "OUTLIER_LABEL"]

PROFILES = ("fast", "accurate")
K_RULES = ("vocab", "smooth", "plateau", "knee", "modularity", "names")
PARTITIONS = ("auto", "kmeans", "concept_merge")
GRAPH_SPACES = ("auto", "representation", "ngrams")
#: ``concepts="auto"`` switches the concept step on when at least this share of
#: the calls is not in the most common language (``callmine.text.detect_language``).
_MULTILINGUAL_SHARE = 0.1
#: ``spectral_decay="auto"`` per profile, chosen on BANKING77 train samples and synthetic
#: logs of other seeds (docs/discover_dev.md): the damped 1.5 k coordinates helped ``accurate``
#: on both, ``fast`` only on BANKING77 (and cost it 3 ACC points on the synthetic logs).
_AUTO_DECAY = {"fast": None, "accurate": 0.2}
#: ``overcluster="auto"`` per profile: with the n-gram neighbour graph, 2 k clusters before the
#: concept merge gave ``fast`` +2.9 ACC on synthetic logs of other seeds (9 runs); ``accurate``
#: was mixed (+2.3 / -3.1 in 2 runs), so it keeps 1.5 (docs/discover_dev.md).
_AUTO_OVERCLUSTER = {"fast": 2.0, "accurate": 1.5}
#: ``word_vectors="auto"`` learns word vectors when the fit sample has at least this many
#: distinct normalised calls (docs/discover_dev.md).
_WORD_VECTORS_MIN_CALLS = 1000
#: ``reweight="auto"``: feedback rounds per profile when the concept step is on (synthetic logs
#: of other seeds, docs/discover_dev.md); for ``accurate`` one round was mixed on the same logs
#: (+2.4 / -3.4 / -0.4 ACC, sixth session), and without concepts (BANKING77 train samples) it
#: cost 3-5 ACC points, so it stays off there.
_AUTO_REWEIGHT = {"fast": 1, "accurate": 0}
#: ``answers="auto"``: the operator's answers join the concept merge when at least this share
#: of the fit calls has operator words (transcripts with both sides; not SMS, chats without
#: the operator, or customer-only text).
_ANSWERS_MIN_SHARE = 0.05
#: ``answers="auto"``: ... and when the operator's words depend on the first over-clustering at
#: least this many times as much as on shuffled clusters (clustering.answer_signal: 3.8-4.1 on
#: the synthetic development logs, 2.6 with random operator turns added, 1.0 with the operator
#: turns of random other calls, where merging by them cost 45-55 ACC points).
_ANSWERS_MIN_SIGNAL = 1.5
#: ``refine="auto"``: most hard-EM rounds of the word mixture (callmine.mixture) per profile.
#: ``fast`` gained on synthetic logs of other seeds (+0.2 to +2.2 ACC at k = 35) and on BANKING77
#: train samples (+0.6 to +1.1 ACC, +1.0 to +1.6 NMI); ``accurate`` lost 0.4-1.0 ACC and
#: 0.5-1.0 NMI on BANKING77 train samples: the word mixture undoes what the sentence
#: embedding adds (docs/discover_dev.md).
_AUTO_REFINE = {"fast": 20, "accurate": 0}
#: ``n_partitions="auto"``: final partitions (KMeans starts) of which the central one is kept.
#: ``fast``: the central of 8 was +0.7 ACC above the average start on synthetic logs of five
#: other seeds (87.93 against 87.22) and +0.1 to +0.4 ACC, +0.4 to +0.9 ARI on BANKING77 train
#: samples; ``accurate``: -0.6 to +0.2 ACC there, so one (docs/discover_dev.md, ninth session).
_AUTO_PARTITIONS = {"fast": 8, "accurate": 1}
#: ``caller_weight="auto"``: weight of the edge between two consecutive calls of one caller
#: in the neighbour graph (a mutual nearest neighbour weighs 1), chosen on synthetic logs of
#: other seeds (docs/discover_dev.md, tenth session).
_AUTO_CALLER_WEIGHT = 2.0
#: A caller id with more calls than this in the fit sample is not linked: a shared or
#: placeholder number ("anonymous", an office) would chain unrelated calls. The synthetic logs'
#: busiest caller has 7 calls in 20,000, 15 in 1,000,000.
_MAX_CALLS_PER_CALLER = 30
#: Smoothing of the mixture's word probabilities (pseudo-count per word and type, as GSDMM).
_MIXTURE_BETA = 0.1


def _as_texts(X) -> list[str]:
    if isinstance(X, str):
        raise CallmineError("expected a list of texts, got one str; wrap it in a list")
    if isinstance(X, pd.DataFrame):
        raise CallmineError("expected a list or Series of texts, got a DataFrame; "
                            "pass the text column, e.g. df['text']")
    out = []
    for t in X:
        if t is None or (isinstance(t, float) and np.isnan(t)) or t is pd.NA:
            out.append("")
        else:
            out.append(str(t))
    return out


def _stack(*blocks):
    """Blocks side by side, rows L2-normalised (sparse if any block is sparse)."""
    if any(sp.issparse(b) for b in blocks):
        return normalize(sp.hstack([sp.csr_matrix(b) for b in blocks], format="csr"))
    return normalize(np.hstack(blocks))


def _check_k(k):
    if isinstance(k, str):
        if k.strip().lower() == "auto":
            return "auto"
        try:
            k = int(k)
        except ValueError:
            raise CallmineError(f"k must be a positive integer or 'auto', got {k!r}") from None
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or k < 2:
        raise CallmineError(f"k must be an integer >= 2 or 'auto', got {k!r}")
    return int(k)


class RequestTypeDiscoverer(ClusterMixin, BaseEstimator):
    """Cluster transcripts into request types and name them.

    Parameters
    ----------
    k : int or "auto", default="auto"
        Number of request types, or ``"auto"`` to choose it (see Notes).
    profile : {"fast", "accurate"}, default="fast"
        ``fast``: n-gram TF-IDF + LSA. ``accurate``: adds multilingual
        sentence embeddings (needs ``callmine[accurate]``).
    random_state : int, RandomState or None, default=0
        Seed for sampling, SVD, spectral embedding and KMeans.
    k_range : (int, int), default=(5, 150)
        Smallest and largest k tried by ``k="auto"``.
    k_rule : {"vocab", "smooth", "plateau", "knee", "modularity", "names"}, default="vocab"
        How ``k="auto"`` chooses: ``"vocab"``, the number of distinct
        vocabularies among small clusters of the calls (about one per 15
        distinct calls, 150-500): two clusters are one type when each is
        among the other's 5 most similar and their class-based TF-IDF words
        have a cosine above 0.25; counted over 3 KMeans seeds and averaged
        (:func:`callmine.kselect.vocab_count`; closest to the true number of
        types on the development sets of ``docs/kselect.md``: 72-90 for 77
        intents, 27-36 for 25-35 synthetic types in 20,000 calls);
        ``"smooth"``, the smallest k whose silhouette in the representation
        ``Z``, averaged over 5 neighbouring k, is within 10% of the best
        average (the default before; under-splits fine-grained intents);
        ``"plateau"``, the smallest k whose silhouette in the spectral space
        is within ``k_tolerance`` of the best (faster); ``"knee"``, the knee
        of the silhouette in ``Z`` against log k (errs towards more types);
        ``"modularity"``, the k whose partition has the highest modularity in
        the neighbour graph over ``Z`` (best on 20-intent development sets,
        over-splits larger logs; docs/kselect.md); ``"names"``, the number
        of distinct vocabularies (c-TF-IDF) among 150 over-clusters joined by
        any link (under-splits large logs; :func:`callmine.kselect.name_count`).
        The silhouette table of every k is computed with every rule
        (``k_selection_``).
    k_tolerance : float, default=0.05
        ``k="auto"`` picks the smallest k whose silhouette is at least
        ``(1 - k_tolerance)`` times the best silhouette of the grid.
    n_components : int, default=100
        LSA dimensions.
    lsa_weight : float, default=0.7
        Weight of the LSA block next to the sentence embedding (``accurate``).
    n_neighbors : int, default=10
        Neighbours per call in the similarity graph.
    graph_space : {"auto", "representation", "ngrams"}, default="auto"
        Rows the neighbour graph is built over. ``"representation"``: ``Z``
        (the LSA vector, with the sentence embedding and the concept block
        when used). ``"ngrams"``: ``Z`` with the LSA vector replaced by the
        sparse n-gram TF-IDF it was reduced from (the SVD blurs the words
        that tell close request types apart). ``"auto"``: ``"ngrams"`` for
        both profiles (better on synthetic logs of other seeds and BANKING77
        train samples for ``fast`` and for ``accurate``, docs/discover_dev.md;
        ``accurate`` then builds its graph 2-3x slower). Only the graph
        whose spectral embedding is clustered into the types changes: ``k="auto"`` still chooses k
        on the graph over ``Z``, and centres, outliers and :meth:`predict`
        stay in ``Z``.
    spectral_dim : int, default=30
        Dimensions of the spectral embedding used to choose k (``k="auto"``),
        and clustered when ``spectral_decay`` is None (the first
        ``min(k, spectral_dim)``).
    spectral_decay : "auto", float in (0, 1) or None, default="auto"
        A number: KMeans clusters ``ceil(1.5 k)`` spectral coordinates, each
        scaled by ``(lambda_i / lambda_1) ** t`` where ``t`` gives the k-th
        coordinate the weight ``spectral_decay`` (diffusion-map damping,
        :func:`callmine.clustering.diffusion_space`). None: the first
        ``min(k, spectral_dim)`` coordinates, unweighted. ``"auto"``: 0.2
        for ``accurate``, None for ``fast`` (chosen on development data).
    n_init : int, default=10
        KMeans restarts for the final clustering.
    partition : {"auto", "kmeans", "concept_merge"}, default="auto"
        How the calls are split into k types. ``"kmeans"``: KMeans into k
        clusters. ``"concept_merge"``: KMeans into ``ceil(overcluster * k)``
        clusters, then the two clusters with the most similar concept
        profiles (mean concept TF-IDF of their calls) are merged, again and
        again, until k remain (:func:`callmine.clustering.merge_by_profile`);
        needs the concept step, plain KMeans without it. ``"auto"``:
        ``"concept_merge"`` when the concept step is on, ``"kmeans"``
        otherwise (chosen on synthetic logs of other seeds and BANKING77
        train samples, see docs/discover_dev.md).
    overcluster : "auto" or float, default="auto"
        Clusters made before the merge of ``"concept_merge"``, as a multiple
        of k (>= 1). ``"auto"``: 2.0 for ``fast``, 1.5 for ``accurate``
        (chosen on synthetic logs of other seeds, docs/discover_dev.md).
    answers : "auto" or bool, default="auto"
        Merge by **how the operator answered** as well (``"concept_merge"``
        only): the operator's turns (redacted, normalised, lexicon words
        replaced by their concept, like the customer's) give each
        over-cluster a profile of the words its operators say and the other
        clusters' do not (:func:`callmine.clustering.answer_profiles`:
        greetings and identity checks said everywhere weigh nothing), put
        next to its concept profile with weight ``answer_weight``. The
        operator answers every phrasing of one type from the same script, so
        pieces of one type that share few customer words ("I forgot my
        password" / "my account is blocked") are joined. The features,
        centres, names and :meth:`predict` stay on the customer's side.
        ``"auto"``: on when at least 5% of the fit calls have operator words
        **and** those words depend on the first over-clustering at least 1.5
        times as much as on shuffled clusters
        (:func:`callmine.clustering.answer_signal`; operator talk unrelated to
        the request would join clusters at random: with every call's
        operator turns taken from a random other call, merging by them cost
        45-55 ACC points on the development logs, and the check turns them
        off). Synthetic logs of five other seeds, where about 6% of the calls
        hold an operator answer: ACC +1.7 to +11.5 points at k = 35, mean
        +7.3 (docs/discover_dev.md). True: whenever there are operator words
        (the check is reported, not applied); False: never.
    answer_weight : float, default=1.0
        Weight of the answer profile next to the concept profile (relative
        to the mean length of the calls' concept rows).
    reweight : "auto" or int >= 0, default="auto"
        Rounds of term reweighting by cluster concentration (a class-based
        TF-IDF feedback loop): after the partition, every column of the
        sparse n-gram rows of the neighbour graph is scaled by
        ``1 - H / log k``, where ``H`` is the entropy of the column's
        document frequency over the types found
        (:func:`callmine.reweight.concentration`: phrasal words shared by
        many types lose weight, a type's own key words keep it); the graph
        is rebuilt over the reweighted rows and clustered again. Only with
        the n-gram neighbour graph (``graph_space`` ``"ngrams"``/``"auto"``);
        0 otherwise. ``"auto"``: 1 round for ``fast`` when the concept step
        is on, 0 otherwise (docs/discover_dev.md: it helped the synthetic
        multilingual logs and cost BANKING77 train samples 3-5 ACC points).
    refine : "auto" or int >= 0, default="auto"
        Most rounds of refinement by the calls' words, after the partition:
        each type's word probabilities and size are estimated from its calls
        (binary counts of the customer's normalised words, lexicon words
        replaced by their concept; words of 2+ distinct calls; smoothing
        0.1 per word), then every call moves to the type under which its
        words are most probable (hard EM of a mixture of multinomials, the
        model of short-text clustering with one topic per text; stops when
        no call moves; the calls of a type a round would empty stay in it;
        :func:`callmine.mixture.refine_partition`). KMeans in a dense space
        leaves calls at the edge of a neighbouring cluster; the words of
        their own type bring them back. The mixture then assigns new calls
        in :meth:`predict`; a call with none of its words goes to the nearest
        type centre, in ``fit`` as in ``predict``. ``"auto"``: 20 for ``fast``, 0 for ``accurate``
        (``fast``: +0.2 to +2.2 ACC on synthetic logs of five other seeds,
        +0.6 to +1.1 ACC and +1.0 to +1.6 NMI on BANKING77 train samples;
        ``accurate`` lost 0.4-1.0 ACC there, docs/discover_dev.md). 0: off.
    n_partitions : "auto" or int >= 1, default="auto"
        Final partitions computed from different KMeans starts (after the
        term reweighting, each refined by ``refine``); the one that agrees
        most with the others (highest mean adjusted Rand index,
        :func:`callmine.clustering.central_partition`) is kept. The types
        then depend less on the seed: one start may cut a type in two and
        join two others, the central one is what most starts find.
        ``"auto"``: 8 for ``fast`` (0.5-2 s each on 20,000 calls, k = 35-150), 1 for
        ``accurate`` (no gain on BANKING77 train samples). 1: one start,
        as before.
    outlier_threshold : float or None, default=3.5
        Robust z-score of the distance to the type centre above which a
        call becomes an outlier (cluster -1); None keeps every call.
    max_fit_samples : int, default=20000
        Fit on at most this many calls drawn at random; the rest are
        assigned with :meth:`predict` in batches of ``batch_size``.
    batch_size : int, default=20000
    remove_boilerplate : bool, default=True
        Drop phrases found in over 30% of calls (greetings, IVR prompts).
    n_terms : int, default=10
        Distinctive terms kept per type (``top_terms``).
    n_examples : int, default=3
        Representative calls kept per type.
    n_stability_runs : int, default=5
        Re-clusterings used for the stability score (0 skips it).
    concepts : "auto", bool, path or list of paths, default="auto"
        Cross-lingual concepts (:mod:`callmine.concepts`): words of the
        shipped ru / kk / en e-government lexicon are replaced by their
        concept before the n-gram features (``өтініш``, ``заявка``,
        ``application`` -> one token) and a concept TF-IDF block is added
        next to the representation. ``"auto"``: only when at least 10% of
        the calls are not in the most common language (in a one-language
        log the words already meet); True: always; a path (or paths): also
        read your own lexicon file(s); False: never.
    concept_weight : float, default=0.5
        Weight of the concept block next to the (unit-length) text
        representation (0: replacement only). A call without any lexicon
        word gets a zero block.
    word_vectors : "auto" or bool, default="auto"
        Judge type centres, outliers, examples and :meth:`predict` in ``Z``
        next to a block of **word vectors learned from the fit calls**
        (:class:`callmine.wordvec.CallWordVectors`: same-call co-occurrence
        of the normalised words, PPMI, SVD to 100 dimensions; a call is the
        IDF-weighted mean of its words' vectors), weight
        ``word_vector_weight``. Words of different phrasings of one request
        type meet through the words they share, so fewer calls of a type
        are cut as outliers (synthetic logs of other seeds: +0.7 to +0.9
        ACC at k = 35, the same partition; BANKING77 train samples: within
        +-0.3, docs/discover_dev.md). The partition and the choice of k do not
        use it. ``"auto"``: on when the fit sample has at least 1,000
        distinct normalised calls (co-occurrence statistics need many calls;
        on a few dozen, the vectors are noise). A call none of whose words
        occurs in 2+ fit calls gets a zero block, so it lies farther from
        every centre.
    word_vector_weight : float, default=1.0
        Weight of the word-vector block next to the unit-length ``Z``.
    caller_weight : "auto" or float, default="auto"
        Only when :meth:`fit` gets ``callers``: weight of the edge joining a
        call to the same caller's previous call in the neighbour graph (a
        mutual nearest neighbour weighs 1; 0 ignores the callers).
        ``"auto"``: 2.
    verbose : bool or callable, default=False
        Progress messages: True prints to stderr; a callable receives each message.

    Attributes
    ----------
    labels_ : ndarray of shape (n_texts,)
        Type of each text given to ``fit`` (-1: outlier).
    n_clusters_ : int
        Number of types (excluding -1).
    type_labels_ : list of str
        Readable unique name of each type, indexed by cluster.
    top_terms_ : list of list of str
        Distinctive terms of each type, best first (surface forms).
    examples_ : list of list of str
        Redacted representative calls of each type.
    stability_ : ndarray of shape (n_clusters_,)
    types_ : pandas.DataFrame
        One row per type: ``cluster``, ``type_label``, ``size``, ``share``,
        ``top_terms``, ``examples``, ``stability``.
    k_selection_ : pandas.DataFrame or None
        With ``k="auto"``: ``k``, ``silhouette`` and ``chosen`` for every k tried.
    graph_space_ : str
        The rows the neighbour graph was built over (``graph_space`` resolved).
    partition_ : str
        The partition used (``"kmeans"`` or ``"concept_merge"``; see ``partition``).
    reweight_rounds_ : int
        Rounds of term reweighting run (``reweight`` resolved).
    refine_rounds_ : int
        Rounds of ``refine`` in which calls moved (in the partition kept).
    n_partitions_ : int
        Final partitions computed (``n_partitions`` resolved).
    partition_agreement_ : float or None
        Mean adjusted Rand index of the kept partition with the other
        ``n_partitions_ - 1`` (1: every start found the same types); None
        with one partition.
    mixture_vectorizer_, mixture_log_theta_, mixture_log_prior_
        The word mixture of ``refine`` (vectoriser of the normalised words,
        log word probabilities per type, log type priors); None when off.
    k_reason_ : str
        Why this number of types, in one sentence.
    fit_indices_ : ndarray
        Positions of the texts the model was fitted on.
    centroids_ : ndarray of shape (n_clusters_, n_features)
        Type centres in the representation space (L2-normalised).
    outlier_cutoff_ : ndarray of shape (n_clusters_,)
        Cosine distance beyond which a call of each type is an outlier.
    normalizer_, featurizer_, svd_, embedder_
        Fitted text pipeline (``embedder_`` is None for ``fast``).
    concept_mapper_, concept_vectorizer_
        Fitted concept step (both None when it is off or no call of the fit
        sample has a lexicon word).
    concepts_reason_ : str
        Whether the concept step is on, and why.
    languages_ : dict or None
        With ``concepts="auto"``: calls per detected language in the fit sample.
    word_vectors_ : CallWordVectors or None
        The word vectors of ``word_vectors`` (None when off).
    answers_ : bool
        Whether the operator's answers took part in the merge (``answers``).
    answers_reason_ : str
        Why (or why not), with the share of fit calls that had operator words.
    caller_links_ : int
        Pairs of consecutive calls by one caller joined in the neighbour
        graph (0 without ``callers``).
    callers_reason_ : str
        Whether repeat calls were used, and how many.

    Notes
    -----
    See the module docstring for the method. With ``k="auto"`` the silhouette
    is computed on a sample of up to 4,000 calls in the spectral space.

    Examples
    --------
    >>> texts = (["где моя заявка на пособие"] * 5 + ["забыл пароль от портала"] * 5
    ...          + ["ЭЦП мерзімі бітті"] * 5)
    >>> d = RequestTypeDiscoverer(k=3, n_stability_runs=0).fit(texts)
    >>> d.n_clusters_, sorted(set(d.labels_.tolist()))
    (3, [0, 1, 2])
    """

    def __init__(self, *, k="auto", profile: str = "fast", random_state=0,
                 k_range=(5, 150), k_rule: str = "vocab", k_tolerance: float = 0.05, n_components: int = 100,
                 lsa_weight: float = 0.7, n_neighbors: int = 10,
                 graph_space: str = "auto", spectral_dim: int = 30,
                 spectral_decay="auto", n_init: int = 10, partition: str = "auto",
                 overcluster="auto", answers="auto", answer_weight: float = 1.0,
                 reweight="auto", refine="auto", n_partitions="auto",
                 outlier_threshold: float | None = 3.5,
                 max_fit_samples: int = 20_000, batch_size: int = 20_000,
                 remove_boilerplate: bool = True, n_terms: int = 10, n_examples: int = 3,
                 n_stability_runs: int = 5, concepts="auto", concept_weight: float = 0.5,
                 word_vectors="auto", word_vector_weight: float = 1.0,
                 caller_weight="auto", verbose=False):
        self.k = k
        self.profile = profile
        self.random_state = random_state
        self.k_range = k_range
        self.k_rule = k_rule
        self.k_tolerance = k_tolerance
        self.n_components = n_components
        self.lsa_weight = lsa_weight
        self.n_neighbors = n_neighbors
        self.graph_space = graph_space
        self.spectral_dim = spectral_dim
        self.spectral_decay = spectral_decay
        self.n_init = n_init
        self.partition = partition
        self.overcluster = overcluster
        self.answers = answers
        self.answer_weight = answer_weight
        self.reweight = reweight
        self.refine = refine
        self.n_partitions = n_partitions
        self.outlier_threshold = outlier_threshold
        self.max_fit_samples = max_fit_samples
        self.batch_size = batch_size
        self.remove_boilerplate = remove_boilerplate
        self.n_terms = n_terms
        self.n_examples = n_examples
        self.n_stability_runs = n_stability_runs
        self.concepts = concepts
        self.concept_weight = concept_weight
        self.word_vectors = word_vectors
        self.word_vector_weight = word_vector_weight
        self.caller_weight = caller_weight
        self.verbose = verbose

    # ------------------------------------------------------------------ helpers
    def _say(self, msg: str) -> None:
        if callable(self.verbose):
            self.verbose(msg)
        elif self.verbose:
            import sys
            print(msg, file=sys.stderr, flush=True)

    def _validate(self):
        if self.profile not in PROFILES:
            raise CallmineError(f"profile must be one of {', '.join(map(repr, PROFILES))}, "
                                f"got {self.profile!r}")
        k = _check_k(self.k)
        for name in ("n_components", "n_neighbors", "spectral_dim", "n_init",
                     "max_fit_samples", "batch_size", "n_terms", "n_examples"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise CallmineError(f"{name} must be a positive integer, got {v!r}")
        if isinstance(self.n_stability_runs, bool) or not isinstance(
                self.n_stability_runs, (int, np.integer)) or self.n_stability_runs < 0:
            raise CallmineError(f"n_stability_runs must be an integer >= 0, "
                                f"got {self.n_stability_runs!r}")
        if self.max_fit_samples < 2:
            raise CallmineError(f"max_fit_samples must be at least 2, got {self.max_fit_samples!r}")
        if self.k_rule not in K_RULES:
            raise CallmineError(f"k_rule must be one of {', '.join(map(repr, K_RULES))}, "
                                f"got {self.k_rule!r}")
        if self.graph_space not in GRAPH_SPACES:
            raise CallmineError(f"graph_space must be one of "
                                f"{', '.join(map(repr, GRAPH_SPACES))}, got {self.graph_space!r}")
        if self.partition not in PARTITIONS:
            raise CallmineError(f"partition must be one of {', '.join(map(repr, PARTITIONS))}, "
                                f"got {self.partition!r}")
        if not (isinstance(self.overcluster, str) and self.overcluster == "auto") and (
                isinstance(self.overcluster, (bool, np.bool_)) or not isinstance(
                    self.overcluster, (int, float, np.integer, np.floating)) or
                not float(self.overcluster) >= 1):
            raise CallmineError(f"overcluster must be 'auto' or a number >= 1, "
                                f"got {self.overcluster!r}")
        if not (isinstance(self.answers, (bool, np.bool_)) or isinstance(
                self.answers, str) and self.answers == "auto"):
            raise CallmineError(f"answers must be 'auto', True or False, got {self.answers!r}")
        if isinstance(self.answer_weight, (bool, str)) or not float(self.answer_weight) >= 0:
            raise CallmineError(f"answer_weight must be a number >= 0, "
                                f"got {self.answer_weight!r}")
        for name, least, unit in (("reweight", 0, "rounds"), ("refine", 0, "rounds"),
                                  ("n_partitions", 1, "partitions")):  # "auto" or a count
            value = getattr(self, name)
            if not (isinstance(value, str) and value == "auto") and (
                    isinstance(value, (bool, np.bool_)) or not isinstance(
                        value, (int, np.integer)) or value < least):
                raise CallmineError(f"{name} must be 'auto' or an integer >= {least} ({unit}), "
                                    f"got {value!r}")
        if not (0 <= float(self.k_tolerance) < 1):
            raise CallmineError(f"k_tolerance must be in [0, 1), got {self.k_tolerance!r}")
        if self.outlier_threshold is not None and not float(self.outlier_threshold) > 0:
            raise CallmineError(f"outlier_threshold must be positive or None, "
                                f"got {self.outlier_threshold!r}")
        try:
            lo, hi = (int(v) for v in self.k_range)
        except (TypeError, ValueError):
            raise CallmineError(f"k_range must be two integers (min, max), "
                                f"got {self.k_range!r}") from None
        if not 2 <= lo <= hi:
            raise CallmineError(f"k_range must satisfy 2 <= min <= max, got {self.k_range!r}")
        if not (self.spectral_decay is None or isinstance(self.spectral_decay, str) and
                self.spectral_decay == "auto" or not isinstance(self.spectral_decay, (str, bool))
                and 0 < float(self.spectral_decay) < 1):
            raise CallmineError(f"spectral_decay must be 'auto', a number in (0, 1) or None, "
                                f"got {self.spectral_decay!r}")
        if float(self.lsa_weight) < 0:
            raise CallmineError(f"lsa_weight must be >= 0, got {self.lsa_weight!r}")
        if not float(self.concept_weight) >= 0:
            raise CallmineError(f"concept_weight must be >= 0, got {self.concept_weight!r}")
        if not (isinstance(self.word_vectors, (bool, np.bool_)) or isinstance(
                self.word_vectors, str) and self.word_vectors == "auto"):
            raise CallmineError(f"word_vectors must be 'auto', True or False, "
                                f"got {self.word_vectors!r}")
        if isinstance(self.word_vector_weight, (bool, str)) or not float(
                self.word_vector_weight) >= 0:
            raise CallmineError(f"word_vector_weight must be a number >= 0, "
                                f"got {self.word_vector_weight!r}")
        if not (isinstance(self.caller_weight, str) and self.caller_weight == "auto") and (
                isinstance(self.caller_weight, (bool, np.bool_, str)) or not isinstance(
                    self.caller_weight, (int, float, np.integer, np.floating)) or
                not float(self.caller_weight) >= 0):
            raise CallmineError(f"caller_weight must be 'auto' or a number >= 0, "
                                f"got {self.caller_weight!r}")
        return k

    def _decay(self) -> float | None:
        """The spectral damping used: ``"auto"`` is 0.2 for ``accurate``, None for ``fast``."""
        if isinstance(self.spectral_decay, str):
            return _AUTO_DECAY[self.profile]
        return None if self.spectral_decay is None else float(self.spectral_decay)

    def _n_over(self, k: int, n: int) -> int:
        """Clusters made before the concept merge: ceil(overcluster * k), at most n."""
        over = self.overcluster
        if isinstance(over, str):  # "auto", chosen on the development logs (docs/discover_dev.md)
            over = _AUTO_OVERCLUSTER[self.profile]
        return int(min(max(k, int(np.ceil(float(over) * k))), max(k, n)))

    def _reweight_rounds(self) -> int:
        """Reweighting rounds run: ``"auto"`` is 1 for ``fast`` with the concept step on, else 0.

        Call after ``graph_space_`` is set; 0 without the n-gram graph.
        """
        if self.graph_space_ != "ngrams":
            return 0
        if isinstance(self.reweight, str):
            has_concepts = getattr(self, "concept_vectorizer_", None) is not None
            return _AUTO_REWEIGHT[self.profile] if has_concepts else 0
        return int(self.reweight)

    def _refine_rounds(self) -> int:
        """Most hard-EM rounds of the word mixture: ``"auto"`` is ``_AUTO_REFINE``."""
        if isinstance(self.refine, str):
            return _AUTO_REFINE[self.profile]
        return int(self.refine)

    def _caller_weight(self) -> float:
        """Weight of a repeat-call edge: ``"auto"`` is ``_AUTO_CALLER_WEIGHT``."""
        if isinstance(self.caller_weight, str):
            return _AUTO_CALLER_WEIGHT
        return float(self.caller_weight)

    def _n_partitions(self) -> int:
        """Final partitions to compute: ``"auto"`` is ``_AUTO_PARTITIONS``."""
        if isinstance(self.n_partitions, str):
            return _AUTO_PARTITIONS[self.profile]
        return int(self.n_partitions)

    def _seed(self, offset: int = 0) -> int:
        return int(self._base_seed_ + offset)

    def _redacted(self, texts: Sequence[str]) -> list[str]:
        from callmine.normalize import speaker_text
        return [speaker_text(t) for t in texts]

    def _represent(self, texts: Sequence[str], tokens: Sequence[str] | None = None, *,
                   ftokens: Sequence[str] | None = None, graph_rows: bool = False,
                   regraph: bool = False):
        """L2-normalised representation ``Z`` of raw texts (tokens if already normalised).

        With ``graph_rows``, returns ``(Z, G)``: ``G`` is ``Z`` with the LSA
        block replaced by the sparse n-gram TF-IDF rows it was reduced from
        (``graph_space="ngrams"``), built from the same embedding and concept
        blocks. With ``regraph`` as well, ``(Z, G, S, rows)``: ``S`` the
        L2-normalised sparse n-gram rows and ``rows(S2)`` the graph rows
        built with ``S2`` in their place (``reweight``). ``ftokens``: the
        :meth:`_feature_tokens` of ``tokens`` when already made.
        """
        if tokens is None:
            tokens = self.normalizer_.transform(texts)
        if ftokens is None:
            ftokens = self._feature_tokens(tokens)
        S = self.featurizer_.transform(ftokens)
        Z = normalize(np.asarray(self.svd_.transform(S), dtype=np.float64))
        E = C = None
        if self.embedder_ is not None:
            E = normalize(np.asarray(self.embedder_.transform(self._redacted(texts)),
                                     dtype=np.float64))
        if getattr(self, "concept_vectorizer_", None) is not None and float(
                self.concept_weight) > 0:
            C = float(self.concept_weight) * self._concept_block(tokens)

        def compose(lsa):
            out = lsa
            if E is not None:
                out = _stack(E, float(self.lsa_weight) * out)
            return out if C is None else _stack(out, C)

        Z = compose(Z)
        if not graph_rows:
            return Z
        S = normalize(S)
        if regraph:
            return Z, compose(S), S, lambda S2: compose(normalize(S2))
        return Z, compose(S)

    def _concept_block(self, tokens: Sequence[str]) -> np.ndarray:
        """L2-normalised binary concept TF-IDF of normalised texts (zero rows: no concept)."""
        C = self.concept_vectorizer_.transform(self.concept_mapper_.transform(tokens))
        return normalize(np.asarray(C.toarray(), dtype=np.float64))

    def _graph_space_used(self) -> str:
        """``graph_space`` resolved: ``"auto"`` is ``"ngrams"`` for both profiles."""
        if self.graph_space == "auto":
            return "ngrams"
        return self.graph_space

    def _partition_used(self) -> str:
        """``partition`` resolved: ``"auto"`` merges by concepts when the concept step is on."""
        has_concepts = getattr(self, "concept_vectorizer_", None) is not None
        if self.partition == "kmeans" or not has_concepts:
            return "kmeans"
        return "concept_merge"

    def _feature_tokens(self, tokens: Sequence[str]) -> list[str]:
        """Tokens for the n-gram features: lexicon words replaced by their concept."""
        if getattr(self, "concept_mapper_", None) is None:
            return list(tokens)
        m = self.concept_mapper_
        return [" ".join(t.replace(":", "_") for t in m.replace_tokens(d.split())) for d in tokens]

    def _fit_concepts(self, texts: Sequence[str], tokens: Sequence[str]) -> None:
        """Decide on and fit the concept step (replacement + binary concept TF-IDF block)."""
        self.concept_mapper_ = self.concept_vectorizer_ = None
        self.languages_ = None
        if self.concepts is False or self.concepts is None:
            self.concepts_reason_ = "concepts=False"
            return
        if isinstance(self.concepts, str) and self.concepts == "auto":
            from callmine.text import detect_language
            langs = pd.Series([detect_language(t) for t in texts]).value_counts()
            self.languages_ = {str(k): int(v) for k, v in langs.items()}
            other = 1.0 - langs.iloc[0] / max(int(langs.sum()), 1)
            if other < _MULTILINGUAL_SHARE:
                self.concepts_reason_ = (
                    f"concepts off: {100 * (1 - other):.0f}% of the calls are in one language "
                    f"({langs.index[0]}); the lexicon only bridges languages")
                return
            self.concepts_reason_ = (f"concepts on: {100 * other:.0f}% of the calls are not in "
                                     f"the main language ({langs.index[0]})")
        else:
            self.concepts_reason_ = f"concepts={self.concepts!r}"
        from sklearn.feature_extraction.text import TfidfVectorizer

        from callmine.concepts import ConceptMapper
        extra = None if self.concepts is True or self.concepts == "auto" else self.concepts
        mapper = ConceptMapper(lexicon=extra).fit()
        docs = mapper.transform(tokens)
        if not any(docs):
            self.concepts_reason_ += "; no lexicon word in the calls"
            return
        self.concept_mapper_ = mapper
        self.concept_vectorizer_ = TfidfVectorizer(analyzer=str.split, binary=True,
                                                   lowercase=False).fit(docs)

    def _answer_counts(self, texts: Sequence[str], inverse: np.ndarray, n_uniq: int):
        """Operator words per distinct call (sparse ``n_uniq x words``) or None; sets ``answers_*``.

        Row ``u`` counts, for every word, the fit calls of distinct customer
        text ``u`` whose operator turns contain it (redacted, normalised,
        lexicon words replaced by their concept). The vocabulary is not kept.
        """
        from sklearn.feature_extraction.text import CountVectorizer

        from callmine.text import TextNormalizer
        self.answers_ = False
        if self.answers is False or float(self.answer_weight) == 0:
            self.answers_reason_ = ("answers=False" if self.answers is False
                                    else "answer_weight=0")
            return None
        ops = self._feature_tokens(TextNormalizer(speaker="operator").fit_transform(texts))
        share = sum(bool(o) for o in ops) / max(len(ops), 1)
        said = f"{100 * share:.0f}% of the calls have operator words"
        if share == 0 or (isinstance(self.answers, str) and share < _ANSWERS_MIN_SHARE):
            self.answers_reason_ = f"answers off: {said}"
            return None
        try:
            X = CountVectorizer(analyzer=str.split, binary=True, lowercase=False,
                                min_df=3 if len(ops) >= 50 else 1).fit_transform(ops)
        except ValueError:  # no word in enough calls
            self.answers_reason_ = f"answers off: {said}, none in 3 or more"
            return None
        self.answers_ = True
        self.answers_reason_ = f"answers on: {said}"
        M = sp.csr_matrix((np.ones(len(inverse)), (inverse, np.arange(len(inverse)))),
                          shape=(n_uniq, len(inverse)))
        return (M @ X).tocsr()

    def _fit_word_vectors(self, ftokens: Sequence[str], weight: np.ndarray) -> None:
        """Learn ``word_vectors_`` from the feature tokens of distinct calls (None: off / too few)."""
        self.word_vectors_ = None
        if self.word_vectors is False or float(self.word_vector_weight) == 0 or (
                isinstance(self.word_vectors, str) and len(ftokens) < _WORD_VECTORS_MIN_CALLS):
            return
        from callmine.wordvec import CallWordVectors
        try:
            self.word_vectors_ = CallWordVectors(random_state=self._seed(7)).fit(
                ftokens, sample_weight=weight)
        except CallmineError:  # fewer than 2 words in 2+ distinct calls: nothing to learn
            self.word_vectors_ = None

    def _centre_space(self, Z: np.ndarray, ftokens: Sequence[str]) -> np.ndarray:
        """``Z`` next to the word-vector block of the feature tokens, rows L2-normalised."""
        wv = getattr(self, "word_vectors_", None)
        if wv is None:
            return Z
        V = wv.transform(ftokens)
        return _stack(Z, float(self.word_vector_weight) * V)

    def _outliers(self, Z: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Labels with calls too far from their type centre set to -1."""
        if self.outlier_threshold is None:
            return labels
        out = labels.copy()
        dist = 1.0 - np.einsum("ij,ij->i", Z, self.centroids_[np.maximum(labels, 0)])
        far = (labels >= 0) & (dist > self.outlier_cutoff_[np.maximum(labels, 0)])
        out[far] = -1
        return out

    # ------------------------------------------------------------------ API
    def fit(self, X, y=None, callers=None) -> "RequestTypeDiscoverer":
        """Discover request types in ``X`` (a list or Series of transcripts).

        ``callers`` (optional, one per text, in the log's time order): who
        made each call, e.g. a hashed phone number or account id (None or
        empty: unknown). Each call is then joined to the same caller's
        previous call in the neighbour graph (``caller_weight``); an id with
        more than 30 calls in the fit sample (a shared or placeholder number)
        is left out. The ids are used during ``fit`` only and never stored in
        the model.
        """
        from callmine.features import NgramFeaturizer
        from callmine.naming import (distinctive_terms, make_label, representative_examples,
                                     surface_forms, unique_labels)
        from callmine.text import TextNormalizer

        k = self._validate()
        texts = _as_texts(X)
        n = len(texts)
        if n < 3:
            raise CallmineError(f"need at least 3 texts to discover types, got {n}")
        if callers is not None:
            callers = np.asarray(pd.Series(list(callers), dtype=object), dtype=object)
            if len(callers) != n:
                raise CallmineError(f"callers must give one caller per text: got {len(callers)} "
                                    f"for {n} texts")
        rs = check_random_state(self.random_state)
        self._base_seed_ = int(rs.randint(0, 2**31 - 1)) if not isinstance(
            self.random_state, (int, np.integer)) else int(self.random_state)
        sample_rs = check_random_state(self._base_seed_)
        if n > int(self.max_fit_samples) and callers is not None and self._caller_weight() > 0:
            # a sample of callers, all their calls: repeat calls stay in it (callmine.sampling)
            from callmine.sampling import sample_by_caller
            fit_idx = sample_by_caller(callers, int(self.max_fit_samples), sample_rs)
        elif n > int(self.max_fit_samples):
            fit_idx = np.sort(sample_rs.choice(n, int(self.max_fit_samples), replace=False))
        else:
            fit_idx = np.arange(n)
        fit_texts = [texts[i] for i in fit_idx]
        n_fit = len(fit_texts)
        self._say(f"normalising {n_fit:,} texts")
        self.normalizer_ = TextNormalizer(remove_boilerplate=bool(self.remove_boilerplate))
        tokens = self.normalizer_.fit_transform(fit_texts)
        if self.remove_boilerplate and sum(not t for t in tokens) > n_fit // 2:
            # a few very frequent requests look like boilerplate: keep their words
            self.normalizer_ = TextNormalizer(remove_boilerplate=False)
            tokens = self.normalizer_.fit_transform(fit_texts)
        if not any(tokens):
            raise CallmineError(f"none of the {n_fit} texts has a word left after normalisation "
                                f"(only stop words, numbers or personal data?)")
        self.featurizer_ = NgramFeaturizer(word_ngram_range=(1, 2), char_ngram_range=(2, 5),
                                           min_df=2 if n_fit >= 50 else 1)
        self._fit_concepts(fit_texts, tokens)
        self._say(self.concepts_reason_)
        ftok = self._feature_tokens(tokens)
        S = self.featurizer_.fit_transform(ftok)
        n_comp = max(1, min(int(self.n_components), S.shape[1] - 1, max(2, n_fit // 2)))
        self.svd_ = TruncatedSVD(n_comp, random_state=self._seed(5)).fit(S)
        self.embedder_ = None
        if self.profile == "accurate":
            from callmine.embeddings import SentenceEmbedder
            self.embedder_ = SentenceEmbedder().fit([])
            self._say(f"embedding {n_fit:,} texts")
        # identical normalised calls (frequent in real logs) are clustered once, with a weight
        keys, first, inverse, weight = np.unique(np.asarray(tokens, dtype=object),
                                                 return_index=True, return_inverse=True,
                                                 return_counts=True)
        n_uniq = len(keys)
        if k != "auto" and k > n_uniq:
            raise CallmineError(f"k={k} is more than the {n_uniq} distinct texts "
                                f"(after normalisation) to fit on")
        self.graph_space_ = self._graph_space_used()
        links = None  # repeat-call edges between rows of the distinct calls
        self.caller_links_ = 0
        if callers is None:
            self.callers_reason_ = "repeat calls: not used (no callers given)"
        elif self._caller_weight() == 0:
            self.callers_reason_ = "repeat calls: not used (caller_weight=0)"
        else:
            from callmine.sampling import known_callers
            who, known = known_callers(callers[fit_idx])
            n_shared = int((who[known].astype(str).value_counts() > _MAX_CALLS_PER_CALLER).sum())
            links = repeat_call_graph(callers[fit_idx], inverse, n_uniq, self._caller_weight(),
                                      max_calls=_MAX_CALLS_PER_CALLER)
            self.caller_links_ = int(round(links.sum() / (2 * self._caller_weight())))
            self.callers_reason_ = (f"repeat calls: {self.caller_links_:,} pairs of consecutive "
                                    f"calls by one caller joined in the neighbour graph "
                                    f"(weight {self._caller_weight():g})")
            if n_shared:
                self.callers_reason_ += (f"; {n_shared:,} caller id(s) with more than "
                                         f"{_MAX_CALLS_PER_CALLER} calls left out (a shared or "
                                         f"placeholder number?)")
            if not links.nnz:
                links = None
        ftok_u = [ftok[i] for i in first]
        Zu = self._represent([fit_texts[i] for i in first], [tokens[i] for i in first],
                             ftokens=ftok_u, graph_rows=self.graph_space_ == "ngrams",
                             regraph=self.graph_space_ == "ngrams")
        Su = rows_with = None  # n-gram rows and graph-row builder, for reweight
        if isinstance(Zu, tuple):
            Zu, Gu, Su, rows_with = Zu  # Gu: rows of the neighbour graph
        else:
            Gu = Zu
        self.mixture_vectorizer_ = mix_counts = None
        if self._refine_rounds() > 0:
            from sklearn.feature_extraction.text import CountVectorizer
            self.mixture_vectorizer_ = CountVectorizer(
                analyzer=str.split, binary=True, lowercase=False,
                min_df=2 if n_uniq >= 50 else 1)
            try:
                mix_counts = self.mixture_vectorizer_.fit_transform(ftok_u).tocsr()
            except ValueError:  # no word in two distinct calls
                self.mixture_vectorizer_ = None
        self._say(f"spectral embedding of the neighbour graph of {n_uniq:,} distinct texts")
        # too few distinct texts for a meaningful graph: cluster the representation itself
        use_graph = n_uniq >= max(20, 3 * (k if k != "auto" else 2))
        decay = self._decay()
        embed_args = dict(n_neighbors=int(self.n_neighbors), random_state=self._seed(1))
        U = None
        graphs = {}  # one kNN graph per row matrix (Zu, Gu; the same one when Gu is Zu)
        if links is not None and not use_graph:
            self.caller_links_ = 0
            self.callers_reason_ = ("repeat calls: not used (too few distinct calls for a "
                                    "neighbour graph)")
        if callers is not None:
            self._say(self.callers_reason_)

        def neighbours(rows, linked=True):
            """The kNN graph over ``rows``, with the repeat-call edges when ``linked``."""
            g = knn_graph(rows, int(self.n_neighbors))
            return g if links is None or not linked else (g + links).tocsr()

        def graph_over(rows, linked=True):
            key = (id(rows), linked and links is not None)  # without links: one graph
            if key not in graphs:
                graphs[key] = neighbours(rows, linked)
            return graphs[key]

        if use_graph and k == "auto":
            # k is chosen on the graph over Zu whatever graph_space says: the k rules were
            # tuned on it (the n-gram graph chose fewer types on the development sets), and
            # without the repeat-call edges: the rules count vocabularies, which who called
            # does not change
            U = spectral_embedding(Zu, n_components=int(self.spectral_dim),
                                   graph=graph_over(Zu, linked=False), **embed_args)

        if k == "auto":
            self._say("choosing the number of types")
            # choose_k gets the spectral_dim-column embedding U (as before the diffusion
            # space existed), or Zu itself when there are too few distinct texts for a graph
            rule_args = {}
            if self.k_rule != "plateau":  # kselect: partitions scored in the representation Zu
                from callmine.kselect import choose_k as choose
                rule_args.update(Z=Zu, rule=self.k_rule)
                if self.k_rule == "modularity":  # in the neighbour graph over Zu
                    rule_args.update(n_neighbors=int(self.n_neighbors),
                                     graph=graph_over(Zu, linked=False) if use_graph else None)
                if self.k_rule in ("names", "vocab"):  # the normalised text of each row of U
                    rule_args.update(docs=[tokens[i] for i in first])
            else:
                choose = choose_k
            k, self.k_selection_, self.k_reason_ = choose(
                U if use_graph else Zu, weight, k_range=self.k_range,
                k_tolerance=float(self.k_tolerance), spectral=use_graph,
                sample_seed=self._seed(2), kmeans_seed=self._seed(3), say=self._say,
                **rule_args)
        else:
            self.k_selection_ = None
            self.k_reason_ = f"k={k} was given"
        def space_of(rows, graph):
            """The space KMeans clusters: the spectral embedding of ``graph`` over ``rows``."""
            if decay is None:
                return spectral_space(spectral_embedding(
                    rows, n_components=int(self.spectral_dim), graph=graph, **embed_args), k)
            # all ceil(1.5 k) coordinates, damped by their eigenvalue (see diffusion_space)
            V, lam = spectral_embedding(rows, n_components=spectral_dims(k), graph=graph,
                                        return_eigenvalues=True, **embed_args)
            return diffusion_space(V, lam, k, decay)

        if not use_graph:
            U = Zu
        elif decay is None and U is not None and Gu is Zu and links is None:
            U = spectral_space(U, k)  # the embedding k was chosen on
        else:
            U = space_of(Gu, graph_over(Gu))
        self.partition_ = self._partition_used()
        profiles = answer_counts = None
        self.answers_, self.answers_reason_ = False, "answers: no concept merge"
        if self.partition_ == "concept_merge":
            profiles = self._concept_block([tokens[i] for i in first])
            answer_counts = self._answer_counts(fit_texts, inverse, n_uniq)
            answer_scale = float(self.answer_weight) * float(
                np.linalg.norm(profiles, axis=1).mean())
            self._say(f"KMeans into {self._n_over(k, n_uniq)} clusters, merged by concepts "
                      f"into {k}")
        answers_checked = answer_counts is None

        def check_answers(lab, rows):
            """On the first over-clustering: are the operator's words tied to the clusters?"""
            nonlocal answer_counts, answers_checked
            answers_checked = True
            ratio = answer_signal(lab, answer_counts[rows], weight[rows],
                                  random_state=self._seed(8))
            tied = (f"; they depend on the clusters {ratio:.1f} times as much as on shuffled "
                    f"clusters")
            if isinstance(self.answers, str) and ratio < _ANSWERS_MIN_SIGNAL:
                self.answers_ = False
                self.answers_reason_ = (self.answers_reason_.replace("answers on", "answers off")
                                        + tied + f" (below {_ANSWERS_MIN_SIGNAL:g}: they say "
                                        f"nothing about the request types)")
                answer_counts = None
            else:
                self.answers_reason_ += tied
            self._say(self.answers_reason_)

        def cluster(rows, seed, n_init=1, k=k):
            """The partition of rows ``rows`` of U into k types (same method for stability)."""
            n_km = k if profiles is None else self._n_over(k, len(rows))
            lab = KMeans(n_km, n_init=n_init, random_state=seed).fit_predict(
                U[rows], sample_weight=weight[rows])
            if profiles is not None:
                P = profiles[rows]
                if not answers_checked:
                    check_answers(lab, rows)
                if answer_counts is not None:
                    A = answer_profiles(lab, answer_counts[rows], weight[rows])
                    # every row carries its cluster's profile; A's rows span at most
                    # n_km dimensions, so U * S (A = U S V') holds the same dot products
                    # in n_km columns instead of one per operator word
                    U_a, S_a, _ = np.linalg.svd(A, full_matrices=False)
                    P = np.hstack([P, answer_scale * (U_a * S_a)[lab]])
                lab = merge_by_profile(lab, P, weight[rows], k)
            return lab

        def refined(lab, rows):
            """``lab`` of rows ``rows`` after the word-mixture rounds of ``refine`` (and rounds run)."""
            if mix_counts is None:
                return lab, 0
            lab = np.unique(lab, return_inverse=True)[1]
            return refine_partition(lab, mix_counts[rows], weight[rows], lab.max() + 1,
                                    beta=_MIXTURE_BETA, max_rounds=self._refine_rounds())

        def final_partition(rows, seed):
            """The whole method on rows ``rows`` (the stability re-clusterings)."""
            return refined(cluster(rows, seed), rows)[0]

        part = cluster(np.arange(n_uniq), self._seed(6), int(self.n_init))
        self.reweight_rounds_ = self._reweight_rounds() if use_graph else 0
        for r in range(self.reweight_rounds_):
            # words spread over many types lose weight; rebuild the graph and cluster again
            self._say(f"reweighting the n-grams by their concentration over the {k} types "
                      f"(round {r + 1})")
            Gu = rows_with(reweight_columns(Su, part, weight))
            U = space_of(Gu, neighbours(Gu))
            part = cluster(np.arange(n_uniq), self._seed(6), int(self.n_init))
        if mix_counts is not None:
            # calls go to the type whose words they use (hard EM of a word mixture)
            self._say("refining the types by their words (mixture of multinomials)")
        part, self.refine_rounds_ = refined(part, np.arange(n_uniq))
        self.n_partitions_ = self._n_partitions()
        self.partition_agreement_ = None
        if self.n_partitions_ > 1:
            # other KMeans starts on the same space; keep the one the others agree with most
            starts = [(part, self.refine_rounds_)] + [
                refined(cluster(np.arange(n_uniq), self._seed(100 + r), int(self.n_init)),
                        np.arange(n_uniq)) for r in range(1, self.n_partitions_)]
            parts = [p for p, _ in starts]
            best, A = central_partition(parts)
            part, self.refine_rounds_ = starts[best]
            self.partition_agreement_ = float((A[best].sum() - 1.0) / (len(parts) - 1))
            self._say(f"kept partition {best + 1} of {len(parts)} KMeans starts: it agrees "
                      f"with the others at adjusted Rand index {self.partition_agreement_:.2f}")
        # number types by size, largest first (ties: first seen)
        uniq_labels, k = order_by_size(part, weight, k)
        self.n_clusters_ = k
        self.mixture_log_theta_ = self.mixture_log_prior_ = None
        if mix_counts is not None:
            self.mixture_log_theta_, self.mixture_log_prior_ = mixture_parameters(
                uniq_labels, mix_counts, weight, k, beta=_MIXTURE_BETA)

        # centres, outliers and examples are judged next to the word vectors (word_vectors)
        self._fit_word_vectors(ftok_u, weight)
        Zu = self._centre_space(Zu, ftok_u)
        cent = np.vstack([np.average(Zu[uniq_labels == c], axis=0, weights=weight[uniq_labels == c])
                          for c in range(k)])
        self.centroids_ = normalize(cent)
        if mix_counts is not None:
            # a call with no word of the mixture goes to the nearest centre, as in predict
            no_words = np.asarray(mix_counts.sum(axis=1)).ravel() == 0
            if no_words.any():
                nearest = uniq_labels.copy()
                nearest[no_words] = (Zu[no_words] @ self.centroids_.T).argmax(axis=1)
                emptied = np.isin(uniq_labels, np.setdiff1d(uniq_labels, nearest))
                uniq_labels = np.where(emptied, uniq_labels, nearest)  # no type left empty
        Z = Zu[inverse]
        fit_labels = uniq_labels[inverse]
        dist = 1.0 - np.einsum("ij,ij->i", Z, self.centroids_[fit_labels])
        self.outlier_cutoff_ = outlier_cutoffs(dist, fit_labels, k, self.outlier_threshold)
        self.stability_ = stability(U, uniq_labels, k, weight,
                                    n_runs=int(self.n_stability_runs),
                                    sample_seed=self._seed(4), kmeans_seed=self._seed(100),
                                    cluster=None if profiles is None and mix_counts is None
                                    else final_partition)
        fit_labels = self._outliers(Z, fit_labels)

        labels = np.full(n, -1, dtype=int)
        labels[fit_idx] = fit_labels
        self.fit_indices_ = fit_idx
        if n_fit < n:
            rest = np.setdiff1d(np.arange(n), fit_idx, assume_unique=True)
            self._say(f"assigning the other {len(rest):,} texts")
            labels[rest] = self.predict([texts[i] for i in rest])
        self.labels_ = labels

        # names
        self._say("naming the types")
        plain = TextNormalizer(stem=False, remove_boilerplate=False).fit_transform(fit_texts)
        surface = surface_forms(tokens, plain)
        terms = distinctive_terms(tokens, fit_labels, n_terms=int(self.n_terms))
        self.top_terms_ = [[" ".join(surface.get(w, w) for w in t.split())
                            for t in terms.get(c, [])] for c in range(k)]
        self.type_labels_ = unique_labels(
            [make_label(terms.get(c, []), surface=surface) for c in range(k)])
        ex = representative_examples(fit_texts, Z, fit_labels, self.centroids_,
                                     n_examples=int(self.n_examples))
        self.examples_ = [ex.get(c, []) for c in range(k)]
        self.types_ = self.describe(self.labels_)
        return self

    def predict(self, X) -> np.ndarray:
        """Type of each new text (nearest type centre; -1 for outliers)."""
        check_is_fitted(self, "centroids_")
        texts = _as_texts(X)
        out = np.empty(len(texts), dtype=int)
        bs = int(self.batch_size)
        for i in range(0, len(texts), bs):
            batch = texts[i:i + bs]
            tokens = self.normalizer_.transform(batch)
            ftokens = self._feature_tokens(tokens)
            Z = self._centre_space(self._represent(batch, tokens, ftokens=ftokens), ftokens)
            lab = (Z @ self.centroids_.T).argmax(axis=1) if len(Z) else np.empty(0, int)
            if getattr(self, "mixture_log_theta_", None) is not None and len(Z):
                # the type whose words are most probable (as in fit); no known word: centre
                C = self.mixture_vectorizer_.transform(ftokens)
                has = np.asarray(C.sum(axis=1)).ravel() > 0
                lab = np.where(has, mixture_scores(C, self.mixture_log_theta_,
                                                   self.mixture_log_prior_).argmax(axis=1), lab)
            out[i:i + bs] = self._outliers(Z, lab)
        return out

    def fit_predict(self, X, y=None, callers=None) -> np.ndarray:
        """Fit (``callers`` as in :meth:`fit`) and return ``labels_``."""
        return self.fit(X, callers=callers).labels_

    def describe(self, labels: Sequence[int] | None = None) -> pd.DataFrame:
        """The types table for ``labels`` (default ``labels_``).

        Columns: ``cluster``, ``type_label``, ``size`` (calls), ``share`` (of
        the calls given, outliers included), ``top_terms`` and ``examples``
        (joined with `` | ``), ``stability`` (0..1). Outliers are not a row.
        """
        check_is_fitted(self, "centroids_")
        labels = np.asarray(self.labels_ if labels is None else labels)
        k = self.n_clusters_
        sizes = np.bincount(labels[labels >= 0], minlength=k)[:k]
        total = max(len(labels), 1)
        return pd.DataFrame({
            "cluster": np.arange(k),
            "type_label": self.type_labels_,
            "size": sizes,
            "share": np.round(sizes / total, 4),
            "top_terms": [", ".join(t) for t in self.top_terms_],
            "examples": [" | ".join(e) for e in self.examples_],
            "stability": np.round(self.stability_, 3),
        })
