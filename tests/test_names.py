"""Specification of callmine.names: names after self-introductions and full names."""

import pytest

from callmine.names import chunk_trigger_words, redact_names, redact_reply_name, trigger_words
from callmine.pii import redact


def test_redact_names_replaces_introduced_names_only():
    assert redact_names("Меня зовут Айгерим, мне нужна справка") == "Меня зовут <PERSON>, мне нужна справка"
    assert redact_names("мне нужна справка") == "мне нужна справка"


@pytest.mark.parametrize(
    "introductions, full_names, name_pairs, expected",
    [
        (True, True, True, "меня зовут <PERSON>, заявитель <PERSON>, свидетель <PERSON>"),
        (True, False, False, "меня зовут <PERSON>, заявитель Иванов Иван Иванович, свидетель Асхат Сериков"),
        (False, True, False, "меня зовут Ерлан, заявитель <PERSON>, свидетель Асхат Сериков"),
        (False, False, True, "меня зовут Ерлан, заявитель <PERSON>, свидетель <PERSON>"),
    ],
)
def test_each_rule_can_be_switched_off(introductions, full_names, name_pairs, expected):
    text = "меня зовут Ерлан, заявитель Иванов Иван Иванович, свидетель Асхат Сериков"
    assert redact_names(text, introductions=introductions, full_names=full_names,
                        name_pairs=name_pairs) == expected


def test_trigger_words_are_found_even_glued_to_punctuation():
    assert chunk_trigger_words("здравствуйте,меня") == ("меня",)
    assert chunk_trigger_words("зовут,") == ("зовут",)
    assert chunk_trigger_words("оператор:") == ()  # a turn marker is no introduction
    assert trigger_words("здравствуйте,меня зовут айгерим") == {"меня", "зовут"}


def test_names_that_change_length_when_lower_cased_are_still_found():
    # "İ" lower-cases to two characters: the case-insensitive path is used
    assert redact_names("İ меня зовут Айгерим") == "İ меня зовут <PERSON>"


# --------------------------------------------------------------------------- names given in reply


@pytest.mark.parametrize("question, reply, expected", [
    ("Как вас зовут?", "Асхат Сериков, я по поводу пенсии", "<PERSON>, я по поводу пенсии"),
    ("как вас зовут", "ну э асхат", "ну э <PERSON>"),
    ("Назовите ваше ФИО", "Омаров Сергей Петрович", "<PERSON>"),
    ("Атыңыз кім?", "иә Айгүл Серікқызы", "иә <PERSON>"),
    ("May I have your name please?", "yes, Dana Kim", "yes, <PERSON>"),
])
def test_a_bare_name_given_in_reply_to_the_operators_question_is_redacted(question, reply, expected):
    assert redact_reply_name(question, reply) == expected


@pytest.mark.parametrize("question, reply", [
    ("Чем могу помочь?", "Асхат просил узнать про пенсию"),   # no name was asked for
    ("Как вас зовут?", "хочу узнать про пенсию"),             # the caller did not answer it
    ("Как вас зовут?", "меня зовут Асхат"),                   # an introduction: redact_names' job
    ("What is your name?", "my name is Dana"),
])
def test_a_reply_is_left_alone_when_no_bare_name_answers_a_name_question(question, reply):
    assert redact_reply_name(question, reply) == reply


@pytest.mark.parametrize(
    "text, expected",
    [
        ("это Асхат Сериков, по поводу пенсии", "это <PERSON>, по поводу пенсии"),
        ("абонент да это айгуль смагулова", "абонент да это <PERSON>"),
        ("сериков асхат маратұлы звонил", "<PERSON> звонил"),  # surname, name, patronymic
        ("здравствуйте жанна ким", "здравствуйте <PERSON>"),  # a short surname
        ("артём сидоров хотел узнать", "<PERSON> хотел узнать"),  # ё is read as е
        ("John Smith here, about my card", "<PERSON> here, about my card"),
    ],
)
def test_a_listed_given_name_next_to_a_surname_is_redacted_without_an_introduction(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "мне нужна справка для анна",  # a given name alone is not enough
        "арман болат",  # two names that are also words, no surname
        "дана документов не хватает",  # a plural noun ending like a surname
        "john smith",  # Latin names only when capitalised
        "менің атым <PERSON> атаулы әлеуметтік көмек",  # атаулы is no patronymic
    ],
)
def test_a_given_name_without_a_surname_beside_it_is_left(text):
    assert redact(text) == text


def test_the_given_name_list_is_shipped_lower_case_without_duplicates():
    from importlib import resources

    lines = (resources.files("callmine") / "data" / "names" / "first_names.txt").read_text(
        encoding="utf-8").splitlines()
    names = [x for x in lines if x and not x.startswith("#")]
    assert len(names) > 250
    assert len(set(names)) == len(names)
    assert all(x == x.lower().strip() and "ё" not in x for x in names)
