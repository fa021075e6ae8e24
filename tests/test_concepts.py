"""Specification of callmine.concepts: ru / kk / en words -> one concept token."""

import pandas as pd
import pytest

from callmine.concepts import CONCEPT_PREFIX, ConceptMapper, concepts_of, load_concepts
from callmine.errors import CallmineError, DataError
from callmine.text import analyze


@pytest.fixture(scope="module")
def mapper():
    return ConceptMapper().fit()


@pytest.mark.parametrize("concept, texts", [
    ("application", ["где моя заявка", "өтінішім қаралып жатыр ма", "my application"]),
    ("signature", ["не могу получить ЭЦП", "ЭЦҚ алу керек", "my digital signature"]),
    ("password", ["забыл пароль", "құпия сөзді ұмыттым", "i forgot my password"]),
    ("pension", ["пенсионные взносы не пришли", "зейнетақы жарнасы", "my pension"]),
    ("certificate", ["нужна справка", "анықтама керек", "i need a certificate"]),
    ("benefit", ["пособие не пришло", "жәрдемақы келмеді", "the benefit did not come"]),
    ("tax", ["долг по налогу", "салық қарызы", "tax debt"]),
    ("id_card", ["потерял удостоверение", "куәлігімді жоғалттым", "i lost my id card"]),
])
def test_the_same_concept_is_found_in_russian_kazakh_and_english(mapper, concept, texts):
    for text in texts:
        assert concept in concepts_of(text, mapper), text


def test_inflected_kazakh_forms_match_through_the_stem_prefix(mapper):
    assert concepts_of("зейнетақымды қалай білемін", mapper) == ["pension"]
    assert "id_card" in concepts_of("куәлігімді", mapper)


def test_a_multi_word_term_needs_all_its_words(mapper):
    assert concepts_of("құпия сөз", mapper) == ["password"]
    assert concepts_of("сөз", mapper) == []


def test_text_without_lexicon_words_gets_no_concept_token(mapper):
    assert mapper.transform([" ".join(analyze("what is the weather today"))]) == [""]


def test_transform_gives_prefixed_concept_tokens_and_replace_keeps_other_words(mapper):
    tokens = analyze("Абонент: где моя заявка, погода хорошая")
    out = mapper.transform([" ".join(tokens)])[0].split()
    assert out == [CONCEPT_PREFIX + "application"]
    replaced = mapper.replace_tokens(tokens)
    assert CONCEPT_PREFIX + "application" in replaced
    assert "заявк" not in replaced and len(replaced) == len(tokens)


def test_mapping_is_deterministic(mapper):
    docs = [" ".join(analyze(t)) for t in ["ЭЦП мерзімі бітті", "забыл пароль от egov"]]
    assert ConceptMapper().fit().transform(docs) == mapper.transform(docs)


def test_builtin_lexicon_covers_three_languages():
    lex = load_concepts()
    assert set(lex["lang"]) == {"ru", "kk", "en"}
    per_concept = lex.groupby("concept")["lang"].nunique()
    assert (per_concept == 3).all(), per_concept[per_concept < 3].to_dict()


def test_an_extra_lexicon_file_teaches_a_new_concept(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("# my words\nconcept,lang,term\nweather,ru,погода\nweather,en,weather\n",
                 encoding="utf-8")
    m = ConceptMapper(lexicon=f).fit()
    assert "weather" in m.concepts_ and "password" in m.concepts_
    assert concepts_of("какая погода", m) == ["weather"]
    assert concepts_of("what weather", m) == ["weather"]
    only = ConceptMapper(lexicon=pd.DataFrame({"concept": ["weather"], "term": ["погода"]}),
                         builtin=False).fit()
    assert only.concepts_ == ["weather"]


def test_lexicon_errors_name_the_problem(tmp_path):
    bad_lang = tmp_path / "lang.csv"
    bad_lang.write_text("concept,lang,term\nweather,de,Wetter\n", encoding="utf-8")
    with pytest.raises(DataError, match="lang must be one of.*'de'"):
        load_concepts(bad_lang)
    no_col = tmp_path / "col.csv"
    no_col.write_text("concept,word\nweather,погода\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"lacks column\(s\) \['lang', 'term'\]"):
        load_concepts(no_col)
    with pytest.raises(DataError, match="not found"):
        load_concepts(tmp_path / "missing.csv")
    with pytest.raises(CallmineError, match="prefix_min must be a positive integer, got 0"):
        ConceptMapper(prefix_min=0).fit()
    with pytest.raises(CallmineError, match="wrap it in a list"):
        ConceptMapper().fit().transform("заявка")
