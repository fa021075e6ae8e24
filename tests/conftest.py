"""Shared fixtures: tiny call logs written in every supported format and encoding."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

CALLS = [
    ("c1", "Абонент: где моя заявка на пособие"),
    ("c2", "Клиент: ЭЦП мерзімі бітті қалай жаңартамын"),
    ("c3", "Caller: I forgot my password for the portal"),
    ("c4", "Абонент: талон в ЦОН хочу забронировать"),
    ("c5", "Оператор: здравствуйте\nАбонент: справка о несудимости нужна"),
]


@pytest.fixture
def calls_rows():
    return list(CALLS)


@pytest.fixture(scope="session")
def synthetic_texts() -> list[str]:
    """The texts of 400 synthetic calls (``generate_calls(400, seed=0)``; 35 types, ru/kk/en)."""
    from callmine.synth import generate_calls
    return generate_calls(400, seed=0)["text"].tolist()


@pytest.fixture
def discover_cli(tmp_path, capsys):
    """Run ``callmine discover`` (k = 4) on 150 synthetic calls with extra options.

    Returns ``(summary.json as a dict, stdout)``, or the stderr text when the
    command line is refused (exit code 2).
    """
    import json

    from callmine.cli import main
    from callmine.synth import generate_calls
    path = tmp_path / "calls.csv"
    generate_calls(150, seed=5).to_csv(path, index=False)
    runs = []

    def run(*options: str):
        out = tmp_path / f"out{len(runs)}"
        runs.append(out)
        capsys.readouterr()
        code = main(["discover", str(path), "-o", str(out), "--k", "4", "-q", *options])
        said = capsys.readouterr()
        if code == 2:
            return said.err
        assert code == 0, said.err
        return json.loads((out / "summary.json").read_text(encoding="utf-8")), said.out

    return run


@pytest.fixture
def shared_data() -> Path:
    """The real benchmark data beside the repository, or skip."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the shared benchmark data at {SHARED_DATA} (absent here)")
    return SHARED_DATA


@pytest.fixture
def shared_file():
    """``shared_file("banking77/test.csv")``: a file of the shared benchmark data, or skip."""
    def get(relative: str) -> Path:
        path = SHARED_DATA / relative
        if not path.is_file():
            pytest.skip(f"needs the shared benchmark file {path} (absent here)")
        return path
    return get


def write_csv(path: Path, rows, *, header=("call_id", "text"), encoding="utf-8", sep=",") -> Path:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def wording_calls(groups, fillers, seed: int = 0) -> tuple[list[str], list[str]]:
    """Calls of request types asked in set wordings: for each ``(label, wordings, n)`` of
    ``groups``, ``n`` calls alternating the wordings, each between two random ``fillers``
    (so that no phrase is frequent enough to count as boilerplate); also the true labels."""
    import numpy as np

    rs = np.random.RandomState(seed)
    texts, truth = [], []
    for label, forms, n in groups:
        for i in range(n):
            words = ([fillers[rs.randint(len(fillers))]] + forms[i % len(forms)].split()
                     + [fillers[rs.randint(len(fillers))]])
            texts.append("Абонент: " + " ".join(words))
            truth.append(label)
    return texts, truth
