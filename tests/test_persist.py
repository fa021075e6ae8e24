"""Model files: one file, metadata, integrity check, guarded loading, no personal data inside."""

import json
import lzma
import os
import pickle
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np

import pytest

from callmine.classify import RequestTypeClassifier
from callmine.errors import ModelError
from callmine.lean import LeanClassifier, lean_state
from callmine.persist import (MAGIC, ModelVersionWarning, _digest, data_fingerprint, load_model,
                              load_predictor, read_metadata, save_model)

ROOT = Path(__file__).resolve().parents[1]

TEXTS = ["где моя справка о пенсии", "нужна справка о пенсионных отчислениях", "справка о пенсии срочно",
         "карта заблокирована", "мою карту заблокировали", "карта не работает заблокирована"] * 4
LABELS = ["pension", "pension", "pension", "card", "card", "card"] * 4


@pytest.fixture(scope="module")
def model():
    return RequestTypeClassifier(min_df=1).fit(TEXTS, LABELS)


def test_round_trip_gives_the_same_predictions(model, tmp_path):
    path = save_model(model, tmp_path / "m.joblib")
    loaded = load_model(path)
    assert loaded.predict(TEXTS).tolist() == model.predict(TEXTS).tolist()
    assert loaded.threshold_ == model.threshold_


def test_metadata_describes_versions_labels_and_training(model, tmp_path):
    fp = data_fingerprint(TEXTS, LABELS)
    path = save_model(model, tmp_path / "m.joblib",
                      metadata={"training_data": {"sha256": fp}, "evaluation": {"accuracy": 0.9}})
    meta = read_metadata(path)
    assert {"callmine_version", "sklearn_version", "python_version", "created_at"} <= set(meta)
    assert meta["labels"] == ["card", "pension"] and meta["profile"] == "fast"
    assert meta["threshold"] == model.threshold_ and meta["other_label"] == "other"
    assert meta["training_data"]["sha256"] == fp and meta["evaluation"] == {"accuracy": 0.9}
    assert "cv_accuracy" in meta["fit_report"]


def test_fingerprint_depends_on_texts_labels_and_order():
    base = data_fingerprint(["a", "b"], ["x", "y"])
    assert base == data_fingerprint(["a", "b"], ["x", "y"])
    assert base != data_fingerprint(["b", "a"], ["y", "x"])
    assert base != data_fingerprint(["a", "b"], ["x", "x"])


def test_file_starts_with_magic_and_is_compressed(model, tmp_path):
    path = save_model(model, tmp_path / "m.joblib")
    data = path.read_bytes()
    assert data.startswith(MAGIC)
    assert len(data) < len(pickle.dumps(model))


def flip_last_byte(path):
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


def test_tampered_payload_is_refused(model, tmp_path):
    path = save_model(model, tmp_path / "m.joblib")
    flip_last_byte(path)
    with pytest.raises(ModelError, match="failed its integrity check"):
        load_model(path)


def test_edited_metadata_is_refused(model, tmp_path):
    path = save_model(model, tmp_path / "m.joblib")
    data = path.read_bytes().replace(b'"profile": "fast"', b'"profile": "FAST"')
    path.write_bytes(data)
    with pytest.raises(ModelError, match="integrity check"):
        load_model(path)


@pytest.mark.parametrize("keep", [5, len(MAGIC) + 4, len(MAGIC) + 8 + 10, -10])
def test_truncated_file_is_refused(model, tmp_path, keep):
    path = save_model(model, tmp_path / "m.joblib")
    data = path.read_bytes()
    path.write_bytes(data[:keep])
    with pytest.raises(ModelError, match="truncated|not a callmine model"):
        load_model(path)


def test_foreign_and_missing_files_are_refused(tmp_path):
    plain = tmp_path / "plain.pkl"
    plain.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ModelError, match="not a callmine model file"):
        load_model(plain)
    with pytest.raises(ModelError, match="does not exist"):
        load_model(tmp_path / "nope.joblib")


class Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def forge(path, obj):
    """A well-formed model file (valid digest) whose payload is an arbitrary pickle."""
    payload = lzma.compress(pickle.dumps(obj))
    header = {"format": "pickle", "compression": "xz", "payload_bytes": len(payload), "metadata": {}}
    header["sha256"] = _digest(header, payload)
    head = json.dumps(header).encode()
    path.write_bytes(MAGIC + struct.pack(">Q", len(head)) + head + payload)
    return path


def test_pickle_that_would_run_code_is_refused(tmp_path):
    path = forge(tmp_path / "evil.joblib", Exploit())
    with pytest.raises(ModelError, match=r"refers to posix\.system|refers to os\.system"):
        load_model(path, check_versions=False)


def test_version_mismatch_warns(model, tmp_path):
    path = save_model(model, tmp_path / "m.joblib", metadata={"sklearn_version": "0.1.0"})
    with pytest.warns(ModelVersionWarning, match="sklearn 0.1.0"):
        load_model(path)


def test_unknown_format_is_named(model, tmp_path):
    with pytest.raises(ModelError, match="format must be one of 'pickle', 'skops'; got 'json'"):
        save_model(model, tmp_path / "m.joblib", format="json")


def test_skops_format_round_trip(model, tmp_path):
    pytest.importorskip("skops")
    path = save_model(model, tmp_path / "m.skops.joblib", format="skops")
    assert read_metadata(path)["labels"] == ["card", "pension"]
    assert load_model(path).predict(TEXTS).tolist() == model.predict(TEXTS).tolist()


def test_saved_model_contains_no_personal_data(tmp_path):
    iins = [f"9001013000{i:02d}" for i in range(12)]
    phones = [f"+7 701 555 {i:02d} {i + 10:02d}" for i in range(12)]
    cards = [f"4400 4301 2345 67{i:02d}" for i in range(12)]
    texts = [f"Клиент: меня зовут Айгерим Жаксыбекова, мой ИИН {iins[i]}, телефон {phones[i]}, "
             f"справка о пенсии" for i in range(6)]
    texts += [f"Клиент: My name is Johnathan Smithers, card {cards[i]} is blocked, call {phones[i]}"
              for i in range(6, 12)]
    labels = ["pension"] * 6 + ["card"] * 6
    clf = RequestTypeClassifier(min_df=1).fit(texts + TEXTS, labels + LABELS)
    path = save_model(clf, tmp_path / "m.joblib")
    data = path.read_bytes()
    header_len = struct.unpack(">Q", data[len(MAGIC):len(MAGIC) + 8])[0]
    header = json.loads(data[len(MAGIC) + 8:len(MAGIC) + 8 + header_len])
    start = len(MAGIC) + 8 + header_len
    raw = lzma.decompress(data[start:start + header["payload_bytes"]])
    lean = zlib.decompress(data[start + header["payload_bytes"]:])
    secrets = iins + phones + cards + [p.replace(" ", "") for p in phones + cards]
    secrets += ["Айгерим", "Жаксыбекова", "Johnathan", "Smithers", "айгер", "johnathan", "smither"]
    for blob in (data, raw, lean):
        for s in secrets:
            assert s.encode("utf-8") not in blob, s
            assert s.lower().encode("utf-8") not in blob, s
        for i in iins:  # no 6-digit run of an IIN either
            assert i[:6].encode() not in blob and i[-6:].encode() not in blob


@pytest.mark.skipif(not (ROOT / "models" / "default.joblib").exists(), reason="no default model yet")
def test_shipped_default_model_is_small_and_loads():
    path = ROOT / "models" / "default.joblib"
    assert path.stat().st_size < 5 * 1024 * 1024
    meta = read_metadata(path)
    assert meta["profile"] == "fast" and len(meta["labels"]) >= 10
    model = load_model(path, check_versions=False)
    labels, conf = model.predict_with_confidence(["Абонент: не могу войти в егов пароль не подходит"])
    assert labels[0] in set(meta["labels"]) | {"other"} and 0 <= conf[0] <= 1
    lean = load_predictor(path, check_versions=False)
    assert isinstance(lean, LeanClassifier)
    texts = (ROOT / "sample_data" / "calls.csv").read_text(encoding="utf-8").splitlines()[1:600]
    expected, got = model.predict_with_confidence(texts), lean.predict_with_confidence(texts)
    assert got[0].tolist() == expected[0].tolist() and np.array_equal(got[1], expected[1])


def test_model_files_get_ordinary_permissions(tmp_path):
    import os
    import stat

    from callmine.persist import save_model

    path = save_model({"any": "picklable"}, tmp_path / "m.joblib")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert not list(tmp_path.glob("*.tmp"))


# --------------------------------------------------------------------------- the lean form

MIXED = TEXTS + ["", None, float("nan"), "Клиент: мой ИИН 900101300007, справка", "card blocked",
                 "совсем другое", "Оператор: здравствуйте Клиент: карта"] * 2


def test_load_predictor_gives_bit_identical_predictions_without_sklearn_objects(model, tmp_path):
    path = save_model(model, tmp_path / "m.joblib")
    assert read_metadata(path) == read_metadata(path)  # the lean payload leaves the metadata alone
    full, lean = load_model(path), load_predictor(path)
    assert isinstance(lean, LeanClassifier) and lean.classes_.tolist() == full.classes_.tolist()
    labels, conf = lean.predict_with_confidence(MIXED)
    exp_labels, exp_conf = full.predict_with_confidence(MIXED)
    assert labels.tolist() == exp_labels.tolist()
    assert conf.dtype == exp_conf.dtype and np.array_equal(conf, exp_conf)  # bit for bit
    assert np.array_equal(lean.predict_proba(MIXED), full.predict_proba(MIXED))
    assert np.array_equal(lean.decision_function(MIXED), full.decision_function(MIXED))
    assert lean.predict(MIXED).tolist() == full.predict(MIXED).tolist()
    assert lean.predict_with_confidence(MIXED, reject=False)[0].tolist() == \
        full.predict_with_confidence(MIXED, reject=False)[0].tolist()


def test_load_predictor_imports_neither_sklearn_nor_nltk(model, tmp_path):
    path = save_model(model, tmp_path / "m.joblib")
    code = ("import sys\nfrom callmine.persist import load_predictor\n"
            f"m = load_predictor({str(path)!r})\n"
            "print(m.predict(['карта заблокирована'])[0])\n"
            "bad = [k for k in sys.modules if k.split('.')[0] in ('sklearn', 'nltk')]\n"
            "assert not bad, bad[:5]\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == model.predict(["карта заблокирована"])[0]


def test_binary_model_lean_form_is_bit_identical(tmp_path):
    clf = RequestTypeClassifier(min_df=1, threshold=None).fit(TEXTS, LABELS)
    assert clf.pipeline_.named_steps["model"].coef_.shape[0] == 1  # two classes: one row of scores
    lean = LeanClassifier(lean_state(clf))
    assert np.array_equal(lean.predict_with_confidence(MIXED)[1], clf.predict_with_confidence(MIXED)[1])


def test_models_without_a_lean_form_load_in_full(model, tmp_path):
    plain = save_model(model, tmp_path / "plain.joblib", lean=False)
    assert "lean" not in json.dumps(read_metadata(plain)) and not isinstance(load_predictor(plain), LeanClassifier)
    assert load_predictor(plain).predict(TEXTS).tolist() == model.predict(TEXTS).tolist()
    boiler = RequestTypeClassifier(min_df=1, remove_boilerplate=True).fit(TEXTS, LABELS)
    assert lean_state(boiler) is None
    assert lean_state(object()) is None


def test_tampered_lean_payload_is_refused(model, tmp_path):
    path = save_model(model, tmp_path / "m.joblib")
    flip_last_byte(path)  # the last byte belongs to the lean payload
    for loader in (load_model, load_predictor):
        with pytest.raises(ModelError, match="failed its integrity check"):
            loader(path)


def test_lean_load_warns_about_another_callmine_version(model, tmp_path):
    path = save_model(model, tmp_path / "m.joblib", metadata={"callmine_version": "0.0.1"})
    with pytest.warns(ModelVersionWarning, match="callmine 0.0.1"):
        load_predictor(path)


def test_lean_state_of_another_format_is_refused():
    with pytest.raises(ModelError, match="lean model state of format 99"):
        LeanClassifier({"lean_format": 99})
