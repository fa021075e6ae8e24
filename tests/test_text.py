"""Specification of callmine.text: language id, turns, normalisation, stemming, transformer."""

import math
import pickle
import re
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from callmine.errors import CallmineError
from callmine.stopwords import stop_words
from callmine.text import (
    BoilerplateRemover,
    TextNormalizer,
    analyze,
    detect_language,
    normalize_token,
    speaker_text,
    stem,
    tokenize,
)
from callmine.normalize import normalize_texts

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pii_cases  # noqa: E402

# --------------------------------------------------------------------------- language id


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Здравствуйте, мне нужна справка о пенсионных отчислениях", "ru"),
        ("Подскажите, пожалуйста, как получить выписку через портал", "ru"),
        ("Сәлеметсіз бе, маған зейнетақы туралы анықтама керек", "kk"),
        ("Жеке куәлігімді жоғалтып алдым, қалай ауыстыруға болады", "kk"),
        ("Hello, I need a certificate of pension contributions", "en"),
        ("мне нужна справка о несудимости, бірақ порталда қате шығады, көмектесіңізші", "mixed"),
        ("мне нужна справка please help me with the certificate", "mixed"),
        ("Здравствуйте, меня зовут Әлия, мне нужна справка", "ru"),  # one Kazakh name is not Kazakh
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_detect_language_without_letters_is_unknown():
    assert detect_language("") == "unknown"
    assert detect_language("8 701 234 56 78") == "unknown"


def test_detect_language_ignores_placeholders():
    assert detect_language("мой ИИН <IIN>, телефон <PHONE>, нужна справка") == "ru"


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "tok, out",
    [
        ("ёлка", "елка"),
        ("cпpавка", "справка"),  # Latin c, p inside a Cyrillic word
        ("pеnsion", "pension"),  # Cyrillic е inside a Latin word
        ("1414", "1414"),
        ("15000", "<num>"),
        ("2024", "<year>"),
        ("12.05.2024", "<date>"),
        ("14:30", "<time>"),
        ("<phone>", "<phone>"),
        ("egov.kz", "egov.kz"),
    ],
)
def test_normalize_token(tok, out):
    assert normalize_token(tok) == out


def test_tokenize_uses_regexp_tokenizer_without_nltk_data():
    assert tokenize("Звонил 12.05.2024 в 14:30 на https://egov.kz/cms/ru?x=1, <PHONE>; 2024года контакт-центр") == [
        "звонил", "12.05.2024", "в", "14:30", "на", "egov.kz", "<phone>", "2024", "года", "контакт", "центр",
    ]


def test_numbers_do_not_explode_the_vocabulary():
    a = analyze("оплатил 15000 тенге", speaker="all")
    b = analyze("оплатил 23750 тенге", speaker="all")
    assert a == b == ["оплат", "<num>", "тенг"]


# --------------------------------------------------------------------------- stop words


@pytest.mark.parametrize("lang, word", [("ru", "и"), ("ru", "который"), ("kk", "және"), ("kk", "бірақ"), ("en", "the")])
def test_shipped_stop_words(lang, word):
    assert word in stop_words(lang)
    assert word in stop_words("all")


def test_stop_word_files_and_sources_are_shipped():
    root = resources.files("callmine") / "data" / "stopwords"
    for name in ("ru.txt", "kk.txt", "en.txt", "SOURCES.md"):
        assert (root / name).is_file()
    sources = (root / "SOURCES.md").read_text(encoding="utf-8")
    assert "stopwords-iso" in sources and "qaznltk" in sources and "MIT" in sources


def test_request_words_are_not_stop_words():
    for w in ("справка", "пенсия", "анықтама", "зейнетақы", "certificate", "pension", "ана", "көп", "жаңа"):
        assert w not in stop_words("all")


def test_stop_words_rejects_unknown_language():
    with pytest.raises(CallmineError, match="lang must be one of 'ru', 'kk', 'en' or 'all', got 'de'"):
        stop_words("de")


# --------------------------------------------------------------------------- analyze


def test_analyze_runs_every_step():
    text = "Оператор: Здравствуйте, слушаю вас. Клиент: Мне нужна СПРАВКА о пенсионных отчислениях, ИИН 900101300007"
    assert analyze(text) == ["справк", "пенсион", "отчислен", "иин", "<iin>"]
    assert analyze(text, speaker="all")[:3] == ["здравств", "слуша", "справк"]  # markers are not tokens
    assert "оператор" not in analyze(text, speaker="all")
    assert "900101300007" not in " ".join(analyze(text, redact=False))  # numbers normalised anyway
    assert analyze(text, stem=False)[:2] == ["справка", "пенсионных"]
    assert "о" not in analyze(text, stop_words=False, stem=False) or "мне" in analyze(text, stop_words=False, stem=False)


def test_analyze_operator_side_is_redacted_and_empty_without_markers():
    text = "Оператор: Ваш ИИН 900101300007? Восстановите пароль через ЭЦП. Клиент: Забыл пароль"
    toks = analyze(text, speaker="operator")
    assert {"<iin>", "восстанов", "парол", "эцп"} <= set(toks)
    assert "забыл" not in toks and "900101300007" not in " ".join(toks)
    assert analyze("забыл пароль", speaker="operator") == []
    assert TextNormalizer(speaker="operator").fit_transform(["забыл пароль", text])[0] == ""


def test_analyze_code_switched_text():
    toks = analyze("Сәлеметсіз бе, мне нужна справка о несудимости, маған анықтама керек, thank you")
    assert {"справк", "несудим", "анықтама", "керек", "thank"} <= set(toks)


def test_analyze_placeholders_are_stable_tokens():
    toks = analyze("тел 87012345678, карта 4400 4301 2345 6789, a@b.kz, KZ86125KZT5004100100, меня зовут Ерлан")
    assert {"<phone>", "<card>", "<email>", "<iban>", "<person>"} <= set(toks)


def test_analyze_rejects_bad_speaker():
    with pytest.raises(CallmineError, match="speaker must be one of 'customer', 'all', 'operator', got 'agent'"):
        analyze("text", speaker="agent")


@pytest.mark.parametrize("missing", [None, math.nan])
def test_analyze_missing_text_gives_no_tokens(missing):
    assert analyze(missing) == []


# --------------------------------------------------------------------------- TextNormalizer


CALLS = [
    "Оператор: Здравствуйте, контакт-центр 1414. Клиент: Мне нужна справка о несудимости.",
    "Маман: Сәлеметсіз бе! Қоңырау шалушы: Маған зейнетақы туралы анықтама керек.",
    "Agent: Hello. Caller: I need a certificate of pension contributions.",
    "не приходит смс код при входе в личный кабинет",
]


def test_text_normalizer_returns_one_token_string_per_text():
    out = TextNormalizer().fit_transform(CALLS)
    assert out == [
        "справк несудим",
        "зейнетақ анықтама керек",
        "need certif pension contribut",
        "приход смс код вход личн кабинет",
    ]
    assert TextNormalizer().fit(CALLS).transform(CALLS) == out


@pytest.mark.parametrize("X", [pd.Series(CALLS), np.array(CALLS, dtype=object), tuple(CALLS)])
def test_text_normalizer_accepts_series_arrays_and_tuples(X):
    assert TextNormalizer().fit_transform(X) == TextNormalizer().fit_transform(CALLS)


def test_text_normalizer_missing_values_become_empty_strings():
    assert TextNormalizer().fit_transform([None, math.nan, ""]) == ["", "", ""]
    texts = pd.Series(["Клиент: нужна справка", pd.NA, None], dtype="string")
    assert TextNormalizer().fit_transform(texts) == ["справк", "", ""]  # pandas.NA is no "<na>" token


def test_text_normalizer_rejects_one_string_and_bad_parameters():
    with pytest.raises(CallmineError, match="expects a list of texts, got one str"):
        TextNormalizer().fit_transform("одна строка")
    with pytest.raises(CallmineError, match="speaker must be one of 'customer', 'all', 'operator', got 'both'"):
        TextNormalizer(speaker="both").fit(CALLS)
    with pytest.raises(CallmineError, match="min_token_len must be an integer >= 1, got 0"):
        TextNormalizer(min_token_len=0).fit(CALLS)


def test_text_normalizer_is_a_clonable_picklable_estimator():
    tn = TextNormalizer(speaker="all", remove_boilerplate=True, boilerplate_min_df=0.5)
    assert clone(tn).get_params() == tn.get_params()
    tn.fit(CALLS * 5)
    again = pickle.loads(pickle.dumps(tn))
    assert again.transform(CALLS) == tn.transform(CALLS)
    assert len(pickle.dumps(TextNormalizer().fit(CALLS))) < 2000  # no caches inside


def test_text_normalizer_in_a_pipeline():
    y = ["conviction", "pension", "pension", "login"]
    pipe = make_pipeline(TextNormalizer(), CountVectorizer(analyzer=str.split), LogisticRegression())
    pipe.fit(CALLS, y)
    assert list(pipe.predict(CALLS)) == y
    pipe2 = pickle.loads(pickle.dumps(pipe))
    assert list(pipe2.predict(CALLS)) == y


def test_boilerplate_needs_fit():
    with pytest.raises(NotFittedError):
        TextNormalizer(remove_boilerplate=True).transform(CALLS)


def test_boilerplate_phrases_learned_from_the_corpus_are_dropped():
    greet = "Оператор: Здравствуйте, единый контакт-центр 1414, чем могу помочь? Клиент: "
    bye = " Оператор: Спасибо за обращение, всего доброго, до свидания."
    requests = ["нужна справка о несудимости", "хочу оформить пособие на ребенка", "не приходит смс код"]
    docs = [greet + requests[i % 3] + bye for i in range(30)]
    tn = TextNormalizer(speaker="all", remove_boilerplate=True, boilerplate_min_df=0.5).fit(docs)
    out = tn.transform(docs[:3])
    assert out == ["справк несудим", "хоч оформ пособ ребенк", "приход смс код"]
    # without boilerplate removal the greeting stays
    assert "здравств" in TextNormalizer(speaker="all").fit_transform(docs[:1])[0]


def test_boilerplate_remover_validates_parameters():
    with pytest.raises(CallmineError, match=r"min_df must be a share in \(0, 1\], got 1.5"):
        BoilerplateRemover(min_df=1.5).fit(["a b c"])
    with pytest.raises(CallmineError, match="ngram must be an integer >= 1, got 0"):
        BoilerplateRemover(ngram=0).fit(["a b c"])


def test_boilerplate_remover_keeps_small_corpora_intact():
    docs = ["a b c d", "a b c e"]  # below min_count documents nothing is boilerplate
    assert BoilerplateRemover(min_df=0.5).fit(docs).transform(docs) == docs


# --------------------------------------------------------------------------- privacy


def _pii_terms(pii):
    """Lower-cased strings that must never reach a vocabulary: values, digits, name stems."""
    terms = set()
    for kind, value in pii:
        if kind == "person":
            for w in value.split():
                terms.add(w.lower())
                if len(stem(w.lower())) >= 4:  # shorter stems collide with words (Алия -> ал)
                    terms.add(stem(w.lower()))
        else:
            terms.add(value.lower())
            for part in re.findall(r"\d{3,}", value):
                terms.add(part)
            if kind == "email":
                terms.update(p for p in re.split(r"[@.]", value.lower()) if len(p) > 3 and p not in {"mail", "gmail", "inbox", "yandex"})
    return terms


@pytest.mark.parametrize("speaker", ["customer", "all"])
def test_vectorizer_fitted_through_the_pipeline_holds_no_personal_data(speaker):
    calls = pii_cases.make_transcripts(300, seed=5)
    texts = [t for t, _ in calls]
    forbidden = set().union(*(_pii_terms(p) for _, p in calls))
    assert len(forbidden) > 300
    for vec in (
        TfidfVectorizer(analyzer=str.split, ngram_range=(1, 1)),
        CountVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2)),
    ):
        pipe = make_pipeline(TextNormalizer(speaker=speaker), vec).fit(texts)
        vocab = set(pipe[-1].vocabulary_)
        words = set(" ".join(vocab).split())
        assert not words & forbidden, sorted(words & forbidden)[:10]
        assert not any(re.search(r"\d{5,}", w) for w in words)
        assert {"<phone>", "<iin>", "<person>"} <= words
        blob = pickle.dumps(pipe).decode("latin-1")
        for _, pii in calls[:50]:
            for kind, value in pii:
                if kind != "person":
                    assert value not in blob



# --------------------------------------------------------------------------- no nltk at run time

_ROOT = Path(__file__).resolve().parents[1]


def _corpus_words() -> list[str]:
    text = (_ROOT / "sample_data" / "calls.csv").read_text(encoding="utf-8").lower()
    extra = ("applications running connected generously happiness relational conditional "
             "hopefully skies dying news innings proceed exceed succeed cards transferring "
             "заявления переоформить получившийся отказаться зарегистрированных пособиями "
             "ёлками красивейший подписывающимся")
    return sorted(set(re.findall(r"[^\W\d_]+", text)) | set(extra.split()))


def test_snowball_stems_are_nltks():
    """callmine.snowball (a copy of nltk's Russian and English stemmers) stems every word as nltk does."""
    from nltk.stem.snowball import SnowballStemmer

    from callmine.snowball import EnglishStemmer, RussianStemmer

    words = _corpus_words()
    assert len(words) > 2000
    for ours, theirs in ((RussianStemmer(), SnowballStemmer("russian")),
                         (EnglishStemmer(), SnowballStemmer("english"))):
        assert [ours.stem(w) for w in words] == [theirs.stem(w) for w in words]


def test_tokenizer_is_nltks_regexp_tokenizer():
    from nltk.tokenize import RegexpTokenizer

    from callmine.normalize import _TOKEN_PATTERN, _TOKENIZER

    nltk_tok = RegexpTokenizer(_TOKEN_PATTERN)
    lines = (_ROOT / "sample_data" / "calls.csv").read_text(encoding="utf-8").lower().splitlines()[:3000]
    lines += ["ударе\u0301ние и\u0301 слово", "www.egov.kz/cms 12.05.2024 14:30:15 1,5 don’t it's <iin>"]
    assert [_TOKENIZER.tokenize(t) for t in lines] == [nltk_tok.tokenize(t) for t in lines]


def test_text_pipeline_imports_neither_nltk_nor_sklearn():
    """The core used to classify (callmine.normalize) starts without nltk or scikit-learn."""
    import subprocess

    code = ("import sys\nfrom callmine.normalize import normalize_texts\n"
            "assert normalize_texts(['Клиент: нужна справка, applications']) == ['справк applic']\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('nltk', 'sklearn')]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=_ROOT)


# --------------------------------------------------------------------------- speaker_text


def test_speaker_text_redacts_each_customer_turn_so_a_name_stops_at_the_turn_end():
    text = ("Agent: hello this is Aliya Caller: my name is kamila "
            "Agent: anything else Caller: thank you")
    assert speaker_text(text) == "my name is <PERSON> thank you"


def test_speaker_text_all_keeps_and_redacts_every_turn():
    text = "Оператор: Меня зовут Асель. Клиент: Мой ИИН 900101300007"
    assert speaker_text(text, speaker="all") == "Меня зовут <PERSON>. Мой ИИН <IIN>"
    assert speaker_text(text, redact=False) == "Мой ИИН 900101300007"


def test_speaker_text_and_the_normalizer_never_see_the_operators_personal_data():
    text = "Оператор: меня зовут Гульнара, мой номер 87011234567 Клиент: где заявка"
    assert speaker_text(text) == "где заявка"
    assert normalize_texts([text]) == normalize_texts(["где заявка"])


def test_a_name_given_in_reply_to_how_may_i_call_you_never_reaches_the_features():
    from callmine.features import NgramFeaturizer

    calls = [f"Оператор: Как вас зовут? Клиент: Зарина. Оператор: Слушаю. Клиент: где моя заявка {i}"
             for i in range(5)]
    assert speaker_text(calls[0]) == "<PERSON>. где моя заявка 0"
    assert speaker_text(calls[0], speaker="all").startswith("Как вас зовут? <PERSON>.")
    assert speaker_text(calls[0], redact=False) == "Зарина. где моя заявка 0"
    docs = TextNormalizer().fit_transform(calls)
    vocab = NgramFeaturizer(min_df=1).fit(docs)
    assert not any("зарин" in w for w in vocab.words_)
    assert not any("зарин" in g for g in vocab.char_vocabulary_)
