"""Specification of callmine.names: names after self-introductions and full names."""

import pytest

from callmine.names import chunk_trigger_words, redact_names, redact_reply_name, trigger_words


def test_redact_names_replaces_introduced_names_only():
    assert redact_names("Меня зовут Айгерим, мне нужна справка") == "Меня зовут <PERSON>, мне нужна справка"
    assert redact_names("мне нужна справка") == "мне нужна справка"


@pytest.mark.parametrize(
    "introductions, full_names, expected",
    [
        (True, True, "меня зовут <PERSON>, заявитель <PERSON>"),
        (True, False, "меня зовут <PERSON>, заявитель Иванов Иван Иванович"),
        (False, True, "меня зовут Ерлан, заявитель <PERSON>"),
    ],
)
def test_each_rule_can_be_switched_off(introductions, full_names, expected):
    text = "меня зовут Ерлан, заявитель Иванов Иван Иванович"
    assert redact_names(text, introductions=introductions, full_names=full_names) == expected


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
