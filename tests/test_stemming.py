"""Specification of callmine.stemming: Snowball (ru, en) and the light Kazakh stemmer."""

import pytest

from callmine.errors import CallmineError
from callmine.stemming import stem, stem_kk


@pytest.mark.parametrize(
    "forms",
    [
        ["құжат", "құжаттар", "құжатты", "құжаттарымды", "құжатым", "құжаттың", "құжатқа", "құжаттан", "құжаты"],
        ["анықтама", "анықтаманы", "анықтамасы", "анықтамалар", "анықтамасын", "анықтамаға", "анықтамасына"],
        ["кітап", "кітабым", "кітабымды", "кітаптар", "кітапқа", "кітапта"],
        ["үй", "үйге", "үйден", "үйлер", "үйде"],
        ["зейнетақы", "зейнетақыны", "зейнетақысы", "зейнетақыға", "зейнетақылар"],
        ["өтініш", "өтініштер", "өтінішім", "өтінішті", "өтінішімді", "өтінішке"],
        ["куәлік", "куәлігі", "куәлігім", "куәлікті", "куәліктер"],
        ["бала", "балалар", "балаға", "баланың", "балаларымыздың", "баладан"],
        ["мекенжай", "мекенжайым", "мекенжайымды", "мекенжайға"],
        ["тіркеу", "тіркеуге", "тіркеуден"],
        ["адам", "адамдар", "адамға", "адамның"],
        ["қате", "қатені", "қатеге", "қатесі"],
    ],
)
def test_kazakh_word_forms_share_one_stem(forms):
    assert len({stem_kk(w) for w in forms}) == 1, [stem_kk(w) for w in forms]


def test_kazakh_stemmer_keeps_different_words_apart():
    words = ["құжат", "анықтама", "кітап", "бала", "адам", "қате", "телефон", "өтініш", "жер", "ақша"]
    assert len({stem_kk(w) for w in words}) == len(words)


def test_stem_picks_the_language_per_word():
    assert stem("заявления") == "заявлен"
    assert stem("applications") == "applic"
    assert stem("өтініштер") == "өтініш"
    assert stem("анықтамалар", "kk") == "анықтама"
    with pytest.raises(CallmineError, match="lang must be 'ru', 'kk', 'en' or None, got 'fr'"):
        stem("mot", "fr")


def test_kazakh_words_without_kazakh_letters_use_the_kazakh_stemmer_by_their_endings():
    assert stem("жатырмын") == "жатыр"
    assert stem("порталдан") == "портал"  # a Russian loan with a Kazakh ending
    assert stem("справкалар") == "справка"
    assert stem("документтер") == "документ"
