"""Specification of callmine.pii: what is redacted, what is kept."""

import math
import sys
from pathlib import Path

import pytest

from callmine.pii import (
    PLACEHOLDERS,
    iban_is_valid,
    iin_is_valid,
    luhn_is_valid,
    redact,
    redact_many,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pii_cases  # noqa: E402

VALID_IIN = "900101300007"  # check digit 7 is right
INVALID_IIN = "900101300008"
CARD = "4400430123456789"  # Luhn-valid
IBAN = "KZ86125KZT5004100100"  # mod-97 valid


# --------------------------------------------------------------------------- checksums


@pytest.mark.parametrize("digits, ok", [(VALID_IIN, True), (INVALID_IIN, False), ("12345", False), ("90010130000a", False)])
def test_iin_check_digit(digits, ok):
    assert iin_is_valid(digits) is ok


def test_iin_check_digit_second_weights_are_used_when_first_sum_is_10():
    # every generated IIN whose first weighted sum is 10 must still validate
    import random

    rng = random.Random(3)
    seen_second = 0
    for _ in range(3000):
        iin = pii_cases.make_iin(rng)
        d = [int(c) for c in iin]
        if sum(w * x for w, x in zip(range(1, 12), d)) % 11 == 10:
            seen_second += 1
        assert iin_is_valid(iin)
    assert seen_second > 0


@pytest.mark.parametrize("digits, ok", [(CARD, True), ("4400430123456788", False), ("79927398713", True)])
def test_luhn(digits, ok):
    assert luhn_is_valid(digits) is ok


@pytest.mark.parametrize("iban, ok", [(IBAN, True), ("KZ86 125K ZT50 0410 0100", True), ("KZ87125KZT5004100100", False)])
def test_iban_mod97(iban, ok):
    assert iban_is_valid(iban) is ok


# --------------------------------------------------------------------------- each kind


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"мой ИИН {VALID_IIN}", "мой ИИН <IIN>"),
        ("мой ИИН 900101 300007", "мой ИИН <IIN>"),
        ("мой ИИН 900101-300007", "мой ИИН <IIN>"),
        ("ИИН 900 101 300 007", "ИИН <IIN>"),
        ("ИИН 9001 0130 0007", "ИИН <IIN>"),
        (f"{VALID_IIN} мой иин", "<IIN> мой иин"),  # at the very start
        (f"иин{VALID_IIN}подскажите", "иин<IIN>подскажите"),  # glued to words
        (f"менің ЖСН-ім {VALID_IIN}", "менің ЖСН-ім <IIN>"),
        (f"my IIN is {VALID_IIN}.", "my IIN is <IIN>."),
        (f"{VALID_IIN}", "<IIN>"),  # valid check digit needs no context
    ],
)
def test_iin_is_redacted(text, expected):
    assert redact(text) == expected


def test_invalid_iin_is_redacted_only_when_context_says_iin():
    assert redact(f"мой ИИН {INVALID_IIN}") == "мой ИИН <IIN>"
    assert redact(f"{INVALID_IIN} это мой иин") == "<IIN> это мой иин"
    assert redact(f"ЖСН: {INVALID_IIN}") == "ЖСН: <IIN>"
    # no context: a 12-digit reference number is kept
    assert redact(f"номер заявки {INVALID_IIN}") == f"номер заявки {INVALID_IIN}"
    # the IIN mentioned earlier belongs to another number
    out = redact(f"мой ИИН {VALID_IIN}, номер заявки {INVALID_IIN}")
    assert out == f"мой ИИН <IIN>, номер заявки {INVALID_IIN}"


@pytest.mark.parametrize(
    "phone",
    [
        "+7 (701) 234-56-78",
        "8 701 234 56 78",
        "87012345678",
        "+77012345678",
        "8-701-234-56-78",
        "8 (7172) 55-66-77",
        "7 701 234 5678",
        "701 234 56 78",
        "+7 495 123-45-67",
        "8 (916) 123-45-67",
        "+996 555 123 456",
    ],
)
def test_phone_formats_are_redacted(phone):
    assert redact(f"перезвоните на {phone} пожалуйста") == "перезвоните на <PHONE> пожалуйста"


def test_phone_glued_to_words_and_at_start():
    assert redact("номер87012345678позвоните") == "номер<PHONE>позвоните"
    assert redact("87012345678 мой номер") == "<PHONE> мой номер"


@pytest.mark.parametrize(
    "card", ["4400430123456789", "4400 4301 2345 6789", "4400-4301-2345-6789", "3742 454554 00126"]
)
def test_luhn_valid_cards_are_redacted(card):
    assert redact(f"карта {card} заблокирована") == "карта <CARD> заблокирована"


def test_card_failing_luhn_is_not_a_card():
    assert "<CARD>" not in redact("карта 4400 4301 2345 6788")


@pytest.mark.parametrize("email", ["aigerim.s@mail.ru", "erlan_88@inbox.kz", "john.smith+gov@gmail.com"])
def test_emails_are_redacted(email):
    assert redact(f"напишите на {email}, спасибо") == "напишите на <EMAIL>, спасибо"


def test_iban_valid_or_named():
    assert redact(f"счёт {IBAN}") == "счёт <IBAN>"
    assert redact("счёт KZ86 125K ZT50 0410 0100") == "счёт <IBAN>"
    assert redact("IBAN KZ87125KZT5004100100") == "IBAN <IBAN>"  # bad check digits but named
    assert redact("код KZ87125KZT5004100100") == "код KZ87125KZT5004100100"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Меня зовут Айгерим, хочу узнать", "Меня зовут <PERSON>, хочу узнать"),
        ("меня зовут иван петров хочу узнать", "меня зовут <PERSON> хочу узнать"),
        ("Меня зовут Сейтжанов Ерлан Маратович", "Меня зовут <PERSON>"),
        ("моя фамилия жумабаева ерлан ивановна", "моя фамилия <PERSON>"),
        ("меня Айгерим зовут", "меня <PERSON> зовут"),
        ("Менің атым Айгүл Серікқызы", "Менің атым <PERSON>"),
        ("менің есімім Нұрсұлтан", "менің есімім <PERSON>"),
        ("Мен Айгерім боламын", "Мен <PERSON> боламын"),
        ("My name is John Smith and I need help", "My name is <PERSON> and I need help"),
        ("this is David speaking", "this is <PERSON> speaking"),
        ("с вами говорит оператор Алия", "с вами говорит оператор <PERSON>"),
        ("маман Нұрсұлтан, тыңдап тұрмын", "маман <PERSON>, тыңдап тұрмын"),
        ("Сәлеметсіз бе, мен Дастан", "Сәлеметсіз бе, мен <PERSON>"),
        ("справка на имя Иванова Ивана Петровича", "справка на имя <PERSON>"),
        ("Иванов Иван Иванович подал заявление", "<PERSON> подал заявление"),
    ],
)
def test_names_after_self_introduction(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Оператор: Какой у вас вопрос?",  # a turn marker is not an introduction
        "оператор сказал подождать",  # strict trigger needs a capitalised name
        "I am calling about my pension",
        "мен Астанадан хабарласып тұрмын",  # a place in the ablative is not a name
        "с вами говорит оператор",
    ],
)
def test_no_name_without_introduction(text):
    assert redact(text) == text


# --------------------------------------------------------------------------- what is kept


@pytest.mark.parametrize(
    "text",
    [
        "звонил на 1414 вчера",
        "оплатил 15 000 тенге, потом ещё 2500",
        "сумма 7 500 000 тенге",
        "заявление от 12.05.2024, перезвоню в 14:30",
        "заявка номер 4582113",
        "индекс 010000, дом 5, квартира 12",
        "в 2023 году",
        "1414 нөміріне 3 рет хабарластым",
    ],
)
def test_non_personal_numbers_are_kept(text):
    assert redact(text) == text


def test_placeholders_are_not_re_redacted_and_redaction_is_idempotent():
    text = "<IIN> <PHONE> <CARD> <EMAIL> <IBAN> <PERSON>"
    assert redact(text) == text
    raw = f"Меня зовут Айгерим, ИИН {VALID_IIN}, тел 8 701 234 56 78, {IBAN}, a@b.kz, карта {CARD}"
    once = redact(raw)
    assert redact(once) == once
    assert set(PLACEHOLDERS) <= set(once.replace(",", " ").split())


def test_text_without_personal_data_is_returned_unchanged():
    text = "Здравствуйте, мне нужна справка о несудимости. Маған анықтама керек."
    assert redact(text) is text or redact(text) == text


def test_redact_rejects_non_strings():
    with pytest.raises(TypeError, match="redact expects a str, got int"):
        redact(123)


def test_redact_many_handles_missing_values():
    import pandas as pd

    assert redact_many(["тел 87012345678", None, math.nan, pd.NA, "ок"]) == ["тел <PHONE>", "", "", "", "ок"]


# --------------------------------------------------------------------------- labelled set


def test_labelled_set_meets_the_targets():
    cases = pii_cases.make_cases(800, seed=11)
    r = pii_cases.score(redact, cases)
    assert r["recall"] >= 0.995, r["misses"]
    assert r["non_personal_kept"] >= 0.98
    assert r["precision"] >= 0.98
    assert r["type_accuracy"] >= 0.98
    assert set(r["recall_by_kind"]) >= {"iin", "iin_ctx", "bin", "phone", "card", "email", "iban", "person"}


def test_labelled_set_is_deterministic():
    a = pii_cases.make_cases(50, seed=1)
    b = pii_cases.make_cases(50, seed=1)
    assert [c.text for c in a] == [c.text for c in b]
    assert [c.text for c in a] != [c.text for c in pii_cases.make_cases(50, seed=2)]


# --------------------------------------------------------------------------- harder phrasings


def test_card_in_any_grouping_when_the_words_say_card():
    assert redact("номер карты 44 00 43 01 23 45 67 89") == "номер карты <CARD>"
    # the same digits without a card word are not taken for a card
    assert "<CARD>" not in redact("код 44 00 43 01 23 45 67 89")


def test_iin_context_may_be_a_few_words_before():
    text = f"ИИН сейчас скажу, минутку, вот нашла документ, значит {INVALID_IIN}"
    assert redact(text).endswith("значит <IIN>")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("меня зовут анна ким", "меня зовут <PERSON>"),  # short surname after a lower-case name
        ("меня зовут ли руслан работодатель не платит", "меня зовут <PERSON> работодатель не платит"),
        ("атым смагулова гульмира енді", "атым <PERSON> енді"),  # surname first, lower case
        ("my name is john smith and I need help", "my name is <PERSON> and I need help"),
        ("менің атым сергей есенов атаулы көмек", "менің атым <PERSON> атаулы көмек"),  # not a patronymic
        ("меня зовут арман могу ли я", "меня зовут <PERSON> могу ли я"),
        ("менің атым жулдыз балаға пособие", "менің атым <PERSON> балаға пособие"),
        ("меня зовут э Айгерим", "меня зовут э <PERSON>"),
        ("справка на иванова ивана ивановича готова", "справка на <PERSON> готова"),  # patronymic
        ("звонил сергей петрович", "звонил <PERSON>"),
        ("это типична ситуация", "это типична ситуация"),  # -ична alone is no patronymic in lower case
    ],
)
def test_lower_case_speech_recognised_names(text, expected):
    assert redact(text) == expected


# --------------------------------------------------------------------------- end to end


def _forbidden(rows):
    """Every personal value of the call log, as written and as bare digits, and name words."""
    values, words = set(), set()
    for row in rows:
        for kind, value in row["pii"]:
            if kind == "person":
                words.update(w.lower() for w in value.split() if len(w) >= 4)
            else:
                values.add(value)
                digits = "".join(c for c in value if c.isdigit())
                if len(digits) >= 9:
                    values.add(digits)
    return values, words


@pytest.mark.slow
def test_model_file_and_reports_hold_no_personal_data(tmp_path, capsys):
    import re

    import pandas as pd

    from callmine.cli import main

    rows = pii_cases.make_call_log(160, seed=9)
    log = tmp_path / "calls.csv"
    pd.DataFrame([{k: r[k] for k in ("call_id", "text", "request_type")} for r in rows]).to_csv(log, index=False)
    values, words = _forbidden(rows)
    assert len(values) > 100 and len(words) > 20
    # the raw log does contain them (the test can fail)
    raw = log.read_text(encoding="utf-8")
    assert all(v in raw for v in list(values)[:20] if not v.isdigit())

    model = tmp_path / "model.cmm"
    commands = [
        ["train", str(log), "--label-col", "request_type", "-o", str(model), "-q"],
        ["discover", str(log), "-o", str(tmp_path / "disc"), "--k", "4", "-q"],
        ["report", str(log), "-o", str(tmp_path / "rep"), "--model", str(model), "-q"],
    ]
    ran = []
    for argv in commands:
        code = main(argv)
        err = capsys.readouterr().err
        if code != 0 and "not implemented yet" in err:
            continue  # a command still being written elsewhere: checked once it exists
        assert code == 0, (argv[0], err)
        ran.append(argv[0])
    assert "train" in ran

    outputs = [p for p in tmp_path.rglob("*") if p.is_file() and p != log]
    assert model in outputs
    for path in outputs:
        data = path.read_bytes()
        for v in values:
            assert v.encode("utf-8") not in data, (path.name, v)
        if path.suffix in (".csv", ".html", ".json", ".txt", ".md"):
            text = data.decode("utf-8", errors="replace").lower()
            found = {w for w in words if re.search(rf"(?<![^\W\d_]){re.escape(w)}(?![^\W\d_])", text)}
            assert not found, (path.name, sorted(found)[:5])
        else:  # binary model file: the lower-case names as vectorizer terms would be
            for w in words:
                assert w.encode("utf-8") not in data, (path.name, w)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("единый контакт центр оператор айдана здравствуйте", "единый контакт центр оператор <PERSON> здравствуйте"),
        ("оператор дмитрий чем могу помочь", "оператор <PERSON> чем могу помочь"),
        ("маман бауыржан сізге қалай көмектесе аламын", "маман <PERSON> сізге қалай көмектесе аламын"),
        ("оператор жанар Абонент: почему", "оператор <PERSON> Абонент: почему"),
        ("оператор сказал подождать", "оператор сказал подождать"),
        ("оператор грубый.", "оператор грубый."),
        ("хочу пожаловаться на оператора", "хочу пожаловаться на оператора"),
    ],
)
def test_lower_case_operator_names_in_greetings(text, expected):
    assert redact(text) == expected


def test_redaction_stays_right_when_the_chunk_caches_start_afresh(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from callmine import pii

    texts = [c.text for c in pii_cases.make_cases(300, seed=4)]
    expected = [redact(t) for t in texts]
    monkeypatch.setattr(pii, "_SEEN_LIMIT", 20)  # the caches are replaced again and again
    monkeypatch.setattr(pii, "_STATE", pii._new_state())
    assert [redact(t) for t in texts] == expected
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(redact, texts * 3)) == expected * 3


def test_redact_turns_equals_redacting_each_turn_and_joining():
    from callmine.pii import redact_turns

    cases = [
        ["меня зовут Асхат", "спасибо"],
        ["где моя заявка", "спасибо большое"],  # nothing to redact: returned joined
        ["мой номер", "+7 701 123 45 67"],
        ["ИИН 900101300007"],
        [],
        ["my name is kamila", "thank you"],
    ]
    for parts in cases:
        assert redact_turns(parts) == " ".join(map(redact, parts))
    assert redact_turns(["my name is kamila", "thank you"]) == "my name is <PERSON> thank you"
