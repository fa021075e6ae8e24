"""Model files: one file with metadata, an integrity check and a guarded loader.

Layout of a callmine model file::

    b"CALLMINE-MODEL\\n"                 magic line
    8 bytes, big-endian                  length of the header
    header                               UTF-8 JSON: format, compression, sha256, metadata
    payload                              the compressed model (pickle or skops)
    lean payload (optional)              zlib-compressed pickle of plain arrays: what a
                                         ``fast`` model needs to predict (callmine.lean)

``sha256`` covers the header (without that field) and both payloads, so a
truncated, corrupted or edited file is refused with a :class:`ModelError`
before anything is unpickled.

:func:`load_model` returns the full model (a scikit-learn estimator);
:func:`load_predictor` returns, when the file has a lean payload, a
:class:`callmine.lean.LeanClassifier` that predicts the same labels and
confidences bit for bit without importing scikit-learn (what ``callmine
classify`` uses: it starts about a second sooner).

Security
--------
A pickle can run code when it is loaded. Two protections:

* ``format="pickle"`` (default): :func:`load_model` unpickles with a
  restricted unpickler that only resolves classes from numpy, scipy,
  scikit-learn and callmine (plus the few numpy functions that rebuild
  arrays) and refuses everything else (``os.system``, ``builtins.eval``,
  ``subprocess``, ...). This blocks the usual attacks but is not a proof of
  safety: load pickle-format files only from sources you trust.
* ``format="skops"`` (needs ``callmine[safe]``): the payload is a skops file,
  which never executes code; loading accepts only types from numpy, scipy,
  scikit-learn and callmine. Use it for models that cross a trust boundary.

Examples
--------
>>> from callmine.classify import RequestTypeClassifier
>>> import tempfile, os
>>> clf = RequestTypeClassifier(min_df=1).fit(["где справка", "справка", "карта", "моя карта"] * 3,
...                                           ["cert", "cert", "card", "card"] * 3)
>>> path = os.path.join(tempfile.mkdtemp(), "m.joblib")
>>> _ = save_model(clf, path, metadata={"note": "demo"})
>>> read_metadata(path)["note"], load_model(path).predict(["нужна справка"]).tolist()
('demo', ['cert'])
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import lzma
import os
import pickle
import platform
import struct
import warnings
import zlib
from pathlib import Path
from typing import Any, Iterable

from callmine.errors import MissingExtraError, ModelError
from callmine.io import atomic_path

__all__ = ["FORMATS", "ModelVersionWarning", "save_model", "load_model", "load_predictor",
           "read_metadata", "data_fingerprint"]

MAGIC = b"CALLMINE-MODEL\n"
#: Payload formats understood by :func:`save_model`.
FORMATS = ("pickle", "skops")
_MAX_HEADER = 64 * 1024 * 1024

# Modules whose classes a model may contain (prefix match on the module name).
_ALLOWED_MODULES = ("numpy", "scipy.sparse", "sklearn", "callmine", "collections")
_DENIED = {("numpy", "memmap"), ("numpy", "load"), ("numpy", "fromfile"), ("numpy", "loadtxt"),
           ("numpy", "save"), ("numpy", "savez"), ("numpy", "tofile")}
# Non-class callables needed to rebuild numpy/scipy objects.
_ALLOWED_FUNCTIONS = {
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"), ("numpy.core.multiarray", "scalar"),
    ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer"),
    ("numpy", "dtype"), ("copyreg", "_reconstructor"),
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "slice"), ("builtins", "range"),
    ("builtins", "complex"), ("builtins", "bytearray"), ("builtins", "object"),
    ("builtins", "dict"), ("builtins", "list"), ("builtins", "tuple"),
}


class ModelVersionWarning(UserWarning):
    """The model file was written by other versions of callmine, scikit-learn or Python."""


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED_FUNCTIONS:
            return super().find_class(module, name)
        allowed = any(module == m or module.startswith(m + ".") for m in _ALLOWED_MODULES)
        if allowed and (module.split(".")[0], name) not in _DENIED:
            obj = super().find_class(module, name)
            if isinstance(obj, type) and obj.__name__ != "memmap":
                return obj
        raise ModelError(f"model file refers to {module}.{name}, which a callmine model never "
                         f"contains; refusing to load it (the file may be malicious)")


def _versions() -> dict:
    import sklearn

    from callmine import __version__

    return {"callmine_version": __version__, "sklearn_version": sklearn.__version__,
            "python_version": platform.python_version()}


def data_fingerprint(texts: Iterable[str], labels: Iterable[str] | None = None) -> str:
    """SHA-256 of training texts (and labels), in order: identifies the training data.

    >>> data_fingerprint(["a", "b"], ["x", "y"])[:12]
    'd7a3f6d3b0b5'
    """
    h = hashlib.sha256()
    labels = [None] * 0 if labels is None else list(labels)
    for i, t in enumerate(texts):
        h.update(str(t).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
        if labels:
            h.update(str(labels[i]).encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return h.hexdigest()


def _auto_metadata(model: Any) -> dict:
    meta = _versions()
    meta["created_at"] = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    meta["model_class"] = f"{type(model).__module__}.{type(model).__qualname__}"
    for attr in ("profile", "other_label"):
        if hasattr(model, attr):
            meta[attr] = getattr(model, attr)
    if hasattr(model, "classes_"):
        meta["labels"] = [str(c) for c in model.classes_]
    if hasattr(model, "threshold_"):
        meta["threshold"] = float(model.threshold_)
    if hasattr(model, "temperature_"):
        meta["temperature"] = float(model.temperature_)
    if hasattr(model, "fit_report_"):
        meta["fit_report"] = model.fit_report_
    return meta


def _digest(header: dict, payload: bytes) -> str:
    h = hashlib.sha256()
    h.update(json.dumps({k: v for k, v in header.items() if k != "sha256"}, sort_keys=True,
                        ensure_ascii=True).encode("ascii"))
    h.update(payload)
    return h.hexdigest()


def save_model(model: Any, path: str | os.PathLike, *, metadata: dict | None = None,
               format: str = "pickle", lean: bool = True) -> Path:
    """Write a fitted model and its metadata as one file (atomically).

    Parameters
    ----------
    model : fitted estimator
    path : str or path-like
        Destination (``.joblib`` by convention).
    metadata : dict, optional
        JSON-serialisable items added to the automatic metadata (callmine,
        scikit-learn and Python versions, creation time, model class, profile,
        labels, threshold, the held-out figures of ``fit``). Typical additions:
        ``training_data`` (see :func:`data_fingerprint`) and ``evaluation``.
    format : {"pickle", "skops"}, default="pickle"
        ``skops`` needs ``callmine[safe]`` and loads without running code.
    lean : bool, default=True
        Also store the lean prediction form of a ``fast`` model
        (:func:`callmine.lean.lean_state`; pickle format only), which
        :func:`load_predictor` loads without scikit-learn.

    Returns
    -------
    pathlib.Path
    """
    if format not in FORMATS:
        raise ModelError(f"format must be one of {', '.join(map(repr, FORMATS))}; got {format!r}")
    meta = _auto_metadata(model)
    meta.update(metadata or {})
    try:  # plain JSON types, so that the digest is reproducible from the file
        meta = json.loads(json.dumps(meta, default=_json_default))
    except (TypeError, ValueError) as exc:
        raise ModelError(f"metadata must be JSON-serialisable: {exc}") from None
    if format == "pickle":
        raw = pickle.dumps(model, protocol=5)
    else:
        try:
            import skops.io as sio
        except ImportError as exc:
            raise MissingExtraError("skops", "safe", "The skops model format") from exc
        raw = sio.dumps(model)
    payload = lzma.compress(raw, preset=6)
    header = {"format": format, "compression": "xz", "payload_bytes": len(payload),
              "metadata": meta}
    lean_state = None
    if lean and format == "pickle":
        from callmine.lean import LEAN_FORMAT, lean_state as _lean_state

        lean_state = _lean_state(model)
    if lean_state is not None:
        lean_payload = zlib.compress(pickle.dumps(lean_state, protocol=5), 6)
        header["lean"] = {"format": LEAN_FORMAT, "compression": "zlib", "bytes": len(lean_payload)}
        payload += lean_payload
    header["sha256"] = _digest(header, payload)
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(MAGIC)
        fh.write(struct.pack(">Q", len(head)))
        fh.write(head)
        fh.write(payload)
    return path


def _json_default(obj):
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON-serialisable")


def _read(path: str | os.PathLike, *, payload: bool = True) -> tuple[dict, bytes | None]:
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"model file {str(path)!r} does not exist")
    with open(path, "rb") as fh:
        magic = fh.read(len(MAGIC))
        if magic != MAGIC:
            raise ModelError(f"{str(path)!r} is not a callmine model file (it does not start with "
                             f"{MAGIC!r}); train one with 'callmine train'")
        raw_len = fh.read(8)
        if len(raw_len) != 8:
            raise ModelError(f"model file {str(path)!r} is truncated (no header)")
        (n,) = struct.unpack(">Q", raw_len)
        if n > _MAX_HEADER:
            raise ModelError(f"model file {str(path)!r} is damaged (header length {n})")
        head = fh.read(n)
        if len(head) != n:
            raise ModelError(f"model file {str(path)!r} is truncated (header)")
        try:
            header = json.loads(head.decode("utf-8"))
            size = int(header["payload_bytes"]) + int(header.get("lean", {}).get("bytes", 0))
            header["sha256"], header["metadata"], header["format"]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ModelError(f"model file {str(path)!r} is damaged (unreadable header)") from None
        data = fh.read(size + 1) if payload else None
    if data is not None:
        if len(data) < size:
            raise ModelError(f"model file {str(path)!r} is truncated: {len(data)} of {size} payload "
                             f"bytes")
        if len(data) > size:
            raise ModelError(f"model file {str(path)!r} is damaged: data after the payload")
        if _digest(header, data) != header["sha256"]:
            raise ModelError(f"model file {str(path)!r} failed its integrity check (SHA-256 "
                             f"mismatch): it was modified or corrupted after it was written")
    return header, data


def read_metadata(path: str | os.PathLike) -> dict:
    """Return the metadata of a model file without loading the model."""
    return _read(path, payload=False)[0]["metadata"]


def load_model(path: str | os.PathLike, *, check_versions: bool = True) -> Any:
    """Load a model written by :func:`save_model`.

    The file's SHA-256 is checked first; pickle payloads are loaded with a
    restricted unpickler and skops payloads with an allow-list of types (see
    the module notes on security). A :class:`ModelVersionWarning` is issued
    when the file was written by another callmine or scikit-learn version
    (or another Python minor version).

    Raises
    ------
    ModelError
        Missing, truncated, tampered or foreign file; a file referring to
        code a model never contains.
    """
    header, payload = _read(path)
    meta = header["metadata"]
    if check_versions:
        now = _versions()
        diffs = []
        for key in ("callmine_version", "sklearn_version", "python_version"):
            then = str(meta.get(key, "?"))
            cur = now[key]
            if key == "python_version":
                then, cur = ".".join(then.split(".")[:2]), ".".join(cur.split(".")[:2])
            if then != cur:
                diffs.append(f"{key.replace('_version', '')} {then} (now {cur})")
        if diffs:
            warnings.warn(f"model file {str(path)!r} was written with " + ", ".join(diffs)
                          + "; predictions may differ: retrain with 'callmine train'",
                          ModelVersionWarning, stacklevel=2)
    if header.get("compression") != "xz":
        raise ModelError(f"model file {str(path)!r} uses compression "
                         f"{header.get('compression')!r}; only 'xz' is supported")
    payload = payload[:int(header["payload_bytes"])]
    try:
        raw = lzma.decompress(payload)
    except lzma.LZMAError as exc:
        raise ModelError(f"model file {str(path)!r} is damaged: {exc}") from None
    fmt = header["format"]
    if fmt == "pickle":
        try:
            return _RestrictedUnpickler(io.BytesIO(raw)).load()
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"model file {str(path)!r} cannot be loaded: "
                             f"{type(exc).__name__}: {exc}") from None
    if fmt == "skops":
        try:
            import skops.io as sio
        except ImportError as exc:
            raise MissingExtraError("skops", "safe", "Loading a skops-format model") from exc
        untrusted = sio.get_untrusted_types(data=raw)
        bad = [t for t in untrusted
               if not any(t == m or t.startswith(m + ".") for m in _ALLOWED_MODULES)]
        if bad:
            raise ModelError(f"model file {str(path)!r} contains types outside numpy, scipy, "
                             f"scikit-learn and callmine: {bad}; refusing to load it")
        try:
            return sio.loads(raw, trusted=untrusted)
        except Exception as exc:
            raise ModelError(f"model file {str(path)!r} cannot be loaded: "
                             f"{type(exc).__name__}: {exc}") from None
    raise ModelError(f"model file {str(path)!r} has unknown format {fmt!r}; "
                     f"expected one of {FORMATS}")


def load_predictor(path: str | os.PathLike, *, check_versions: bool = True) -> Any:
    """Load what predicts with the model at ``path``, as fast as possible.

    A file with a lean payload (a ``fast`` model saved by this version of
    callmine) gives a :class:`callmine.lean.LeanClassifier`: the same
    ``predict_with_confidence`` results bit for bit, without importing
    scikit-learn. Other files give :func:`load_model`'s full model. The
    SHA-256 check and the restricted unpickler apply as in :func:`load_model`;
    a :class:`ModelVersionWarning` is issued when the file was written by
    another callmine version.

    Raises
    ------
    ModelError
        As :func:`load_model`.
    """
    header, data = _read(path)
    lean = header.get("lean")
    if not lean:
        return load_model(path, check_versions=check_versions)
    from callmine import __version__
    from callmine.lean import LeanClassifier

    meta = header["metadata"]
    if check_versions and str(meta.get("callmine_version", "?")) != __version__:
        warnings.warn(f"model file {str(path)!r} was written with callmine {meta.get('callmine_version', '?')} "
                      f"(now {__version__}); predictions may differ: retrain with 'callmine train'",
                      ModelVersionWarning, stacklevel=2)
    if lean.get("compression") != "zlib":
        raise ModelError(f"model file {str(path)!r} has a lean payload compressed with "
                         f"{lean.get('compression')!r}; only 'zlib' is supported")
    try:
        state = _RestrictedUnpickler(io.BytesIO(zlib.decompress(data[int(header["payload_bytes"]):]))).load()
        return LeanClassifier(state)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"model file {str(path)!r} cannot be loaded: {type(exc).__name__}: {exc}") from None
