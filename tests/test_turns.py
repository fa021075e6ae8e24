"""Specification of callmine.turns: speaker turn markers and the customer's side."""

from callmine.turns import (customer_parts, customer_side, operator_parts, split_turns, strip_markers,
                            utterance_parts)


def test_split_turns_recognises_ru_kk_en_markers():
    text = (
        "Оператор: Здравствуйте! Клиент: Мне нужна справка. Маман: Тыңдап тұрмын. "
        "Қоңырау шалушы: Маған анықтама керек. Agent: Hi. Caller: I need help. "
        "Operator: Sure. Customer: Thanks. Абонент: Да."
    )
    roles = [r for r, _ in split_turns(text)]
    assert roles == ["operator", "customer", "operator", "customer", "operator", "customer",
                     "operator", "customer", "customer"]
    assert split_turns(text)[3] == ("customer", "Маған анықтама керек.")


def test_split_turns_handles_brackets_case_lines_and_numbered_speakers():
    text = "[ОПЕРАТОР]: слушаю\nК: нужна справка\nСпикер 1: алло\nО: да"
    assert split_turns(text) == [
        ("operator", "слушаю"), ("customer", "нужна справка"), ("unknown", "алло"), ("operator", "да"),
    ]


def test_split_turns_text_before_the_first_marker_is_unknown():
    assert split_turns("шум Оператор: добрый день") == [("unknown", "шум"), ("operator", "добрый день")]


def test_colons_that_are_not_markers_stay_in_the_utterance():
    text = "Клиент: звонил в 14:30, время: утро, и к: нему"
    assert split_turns(text) == [("customer", "звонил в 14:30, время: утро, и к: нему")]


def test_customer_side():
    assert customer_side("Оператор: Здравствуйте. Клиент: Нужна справка. Оператор: Ок. Клиент: Спасибо") == (
        "Нужна справка. Спасибо"
    )
    assert customer_side("мне нужна справка") == "мне нужна справка"  # no markers: the whole text
    assert customer_side("Оператор: Здравствуйте, слушаю вас") == ""  # the operator only
    assert customer_side("шум Оператор: слушаю") == "шум"  # not the operator's


def test_operator_parts_are_the_operator_turns_only():
    call = "Оператор: Слушаю. Клиент: Нужна справка. Маман: Порталдан алыңыз. Caller: thanks"
    assert operator_parts(call) == ["Слушаю.", "Порталдан алыңыз."]
    assert operator_parts("мне нужна справка") == []  # no markers: nothing the operator said
    assert operator_parts("время: 10:30 нужна справка") == []  # colons that are not markers
    assert operator_parts("Клиент: только я говорю") == []
    assert operator_parts("шум Agent: hello") == ["hello"]  # text before the first marker is not his


def test_strip_markers_keeps_every_utterance():
    assert strip_markers("Оператор: Слушаю. Клиент: Нужна справка.") == "Слушаю. Нужна справка."
    assert strip_markers("без маркеров: просто текст") == "без маркеров: просто текст"


def test_callmine_text_re_exports_the_turn_functions():
    from callmine import text, turns

    assert text.split_turns is turns.split_turns and text.customer_side is turns.customer_side


def test_customer_parts_lists_each_customer_turn_and_joins_to_customer_side():
    text = "Оператор: Слушаю. Клиент: Нужна справка. Оператор: Какая? Клиент: О пенсии"
    assert customer_parts(text) == ["Нужна справка.", "О пенсии"]
    assert " ".join(customer_parts(text)) == customer_side(text)
    assert customer_parts("без маркеров") == ["без маркеров"]
    assert customer_parts("Оператор: только я") == []


def test_utterance_parts_lists_every_turn_without_markers():
    text = "Оператор: Слушаю. Клиент: Нужна справка."
    assert utterance_parts(text) == ["Слушаю.", "Нужна справка."]
    assert " ".join(utterance_parts(text)) == strip_markers(text)


def test_reply_to_rewrites_each_customer_turn_that_answers_an_operator_turn():
    text = "Оператор: вопрос один Клиент: ответ один Клиент: ещё Оператор: вопрос два Клиент: ответ два"
    seen = []

    def reply_to(question, reply):
        seen.append((question, reply))
        return reply.upper()

    assert customer_parts(text, reply_to) == ["ОТВЕТ ОДИН", "ещё", "ОТВЕТ ДВА"]
    assert seen == [("вопрос один", "ответ один"), ("вопрос два", "ответ два")]
    assert utterance_parts(text, reply_to) == ["вопрос один", "ОТВЕТ ОДИН", "ещё", "вопрос два", "ОТВЕТ ДВА"]
    assert customer_parts(text) == ["ответ один", "ещё", "ответ два"]
