"""Deterministic labelled redaction set and spoken-style transcripts for callmine tests.

Not a test module (no ``test_`` prefix): imported by ``tests/test_pii.py``,
``tests/test_text.py`` and ``scripts/bench_text.py``.

- :func:`make_cases` builds short utterances in Russian, Kazakh and English that
  hold personal data (IIN/BIN, phones, cards, e-mails, KZ IBANs, names after a
  self-introduction) in the formats callers dictate, next to numbers that are
  not personal (1414, amounts, dates, times, reference numbers, 12-digit
  numbers with a wrong IIN check digit and no IIN context) which must be kept.
- :func:`score` measures a redaction function on those cases.
- :func:`make_transcripts` builds whole calls (operator and customer turns,
  about 60 words) for throughput and privacy tests.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

# --------------------------------------------------------------------------- generators of values


def iin_check_digit(d11: str) -> int | None:
    d = [int(c) for c in d11]
    s = sum(w * x for w, x in zip(range(1, 12), d)) % 11
    if s == 10:
        s = sum(w * x for w, x in zip((3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), d)) % 11
        if s == 10:
            return None
    return s


def make_iin(rng: random.Random, valid: bool = True) -> str:
    while True:
        yy = rng.randint(0, 99)
        mm = rng.randint(1, 12)
        dd = rng.randint(1, 28)
        century_sex = rng.choice("3456")
        d11 = f"{yy:02d}{mm:02d}{dd:02d}{century_sex}{rng.randint(0, 9999):04d}"
        c = iin_check_digit(d11)
        if c is None:
            continue
        if valid:
            return d11 + str(c)
        return d11 + str((c + rng.randint(1, 9)) % 10)


def make_bin(rng: random.Random) -> str:
    while True:
        d11 = f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.choice('456')}{rng.randint(0, 999999):06d}"
        c = iin_check_digit(d11)
        if c is not None:
            return d11 + str(c)


def luhn_complete(prefix: str) -> str:
    total = 0
    for i, c in enumerate(reversed(prefix)):
        x = int(c)
        if i % 2 == 0:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return prefix + str((10 - total % 10) % 10)


def make_card(rng: random.Random, length: int = 16) -> str:
    first = rng.choice(["4400", "4405", "5169", "5522", "4149", "2200", "3742"])
    body = first + "".join(str(rng.randint(0, 9)) for _ in range(length - 5))
    return luhn_complete(body)


def make_iban(rng: random.Random) -> str:
    bank = f"{rng.randint(100, 999)}"
    acct = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(13))
    bban = bank + acct
    rearranged = bban + "KZ00"
    num = int("".join(str(int(c, 36)) for c in rearranged))
    check = 98 - num % 97
    return f"KZ{check:02d}{bban}"


def fmt_phone(rng: random.Random) -> str:
    code = rng.choice(["701", "702", "705", "707", "747", "771", "775", "777", "778", "700", "708"])
    a, b, c = f"{rng.randint(0, 999):03d}", f"{rng.randint(0, 99):02d}", f"{rng.randint(0, 99):02d}"
    city = rng.choice(["7172", "7272", "7252", "7212"])
    six = f"{rng.randint(0, 999999):06d}"
    ru = rng.choice(["495", "499", "812", "916", "925"])
    forms = [
        f"+7 ({code}) {a}-{b}-{c}",
        f"8 {code} {a} {b} {c}",
        f"8{code}{a}{b}{c}",
        f"+7{code}{a}{b}{c}",
        f"+7 {code} {a} {b}{c}",
        f"8-{code}-{a}-{b}-{c}",
        f"8 ({code}) {a}{b}{c}",
        f"7{code}{a}{b}{c}",
        f"{code} {a} {b} {c}",
        f"8 ({city}) {six[:2]}-{six[2:4]}-{six[4:]}",
        f"+7 {ru} {a}-{b}-{c}",
        f"8 {code} {a}{b}{c}",
        f"+7 {code} {a} {b}{c}",
        f"+7-{code}-{a}{b}{c}",
        f"8 ({ru}) {a}-{b}-{c}",
    ]
    return rng.choice(forms)


def fmt_iin(rng: random.Random, iin: str) -> str:
    r = rng.random()
    if r < 0.6:
        return iin
    if r < 0.85:
        return f"{iin[:6]} {iin[6:]}"
    if r < 0.9:
        return f"{iin[:6]}-{iin[6:]}"
    if r < 0.94:
        return f"{iin[:3]} {iin[3:6]} {iin[6:9]} {iin[9:]}"
    if r < 0.97:
        return f"{iin[:4]} {iin[4:8]} {iin[8:]}"
    return " ".join(iin[i : i + 2] for i in range(0, 12, 2))


def fmt_card(rng: random.Random, card: str) -> str:
    if len(card) == 15:
        return rng.choice([card, f"{card[:4]} {card[4:10]} {card[10:]}"])
    groups = [card[i : i + 4] for i in range(0, len(card), 4)]
    return rng.choice([card, " ".join(groups), "-".join(groups)])


def fmt_iban(rng: random.Random, iban: str) -> str:
    if rng.random() < 0.5:
        return iban
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


FIRST_NAMES = [
    "Айгерим", "Ерлан", "Асель", "Нурлан", "Дана", "Бауыржан", "Жанар", "Даурен", "Гульнара",
    "Айгүл", "Серік", "Мадина", "Арман", "Әлия", "Ержан", "Қайрат", "Алия", "Жандос",
    "Иван", "Мария", "Ольга", "Сергей", "Елена", "Дмитрий", "Наталья", "Андрей", "Татьяна",
    "Айдана", "Тимур", "Бекзат", "Салтанат", "Нұрсұлтан", "Ләззат", "Ғалым",
]
LAST_NAMES = [
    "Сейтжанов", "Ахметова", "Нурланов", "Смагулова", "Иванов", "Петрова", "Касымов",
    "Жумабаева", "Омаров", "Сулейменова", "Бекова", "Тулегенов", "Абенова", "Мұратов",
]
EN_NAMES = ["John Smith", "Anna", "David Brown", "Maria", "Peter", "Aigerim", "Yerlan"]
PATRONYMICS = ["Маратович", "Сергеевна", "Нурланович", "Ерланқызы", "Маратұлы", "Ивановна"]


def make_name(rng: random.Random, lang: str) -> str:
    if lang == "en":
        return rng.choice(EN_NAMES)
    first = rng.choice(FIRST_NAMES)
    r = rng.random()
    if r < 0.5:
        name = first
    elif r < 0.85:
        name = f"{first} {rng.choice(LAST_NAMES)}"
    else:
        name = f"{rng.choice(LAST_NAMES)} {first} {rng.choice(PATRONYMICS)}"
    return name


# --------------------------------------------------------------------------- labelled cases

INTRO = {
    "ru": ["меня зовут {n}", "Меня зовут {n}", "моё имя {n}", "моя фамилия {n}", "с вами говорит {n}",
           "это {o}, меня зовут {n}", "здравствуйте, меня зовут {n}", "ФИО {n}"],
    "kk": ["менің атым {n}", "Менің атым {n}", "атым {n}", "менің есімім {n}", "аты-жөнім {n}",
           "сәлеметсіз бе, менің атым {n}"],
    "en": ["my name is {n}", "My name is {n}", "hello, my name is {n}", "this is {n} speaking"],
}

PII_TEMPLATES = {
    "ru": [
        ("iin", "мой ИИН {v}, проверьте пожалуйста"),
        ("iin", "{v} это мой иин"),
        ("iin", "иин{v} подскажите статус"),
        ("iin", "диктую ИИН: {v}"),
        ("bin", "БИН организации {v}"),
        ("phone", "перезвоните мне на номер {v} после обеда"),
        ("phone", "мой телефон {v}"),
        ("phone", "номер{v}, это мобильный"),
        ("card", "списали деньги с карты {v} дважды"),
        ("card", "номер карты {v}"),
        ("email", "напишите на почту {v} пожалуйста"),
        ("email", "мой email {v}."),
        ("iban", "реквизиты счёта {v} в Халык банке"),
        ("iban", "IBAN {v}"),
    ],
    "kk": [
        ("iin", "менің ЖСН {v}"),
        ("iin", "ЖСН-ім {v} тексеріп беріңізші"),
        ("phone", "маған {v} нөміріне хабарласыңыз"),
        ("phone", "телефоным {v}"),
        ("card", "картамнан {v} екі рет ақша алынды"),
        ("email", "поштам {v}"),
        ("iban", "шот нөмірі {v}"),
        ("bin", "мекеменің БСН {v}"),
    ],
    "en": [
        ("iin", "my IIN is {v}"),
        ("phone", "call me back at {v} please"),
        ("card", "my card {v} was charged twice"),
        ("email", "send it to {v}"),
        ("iban", "my account IBAN {v}"),
    ],
}

# Numbers that are not personal and must survive redaction.
KEEP_TEMPLATES = {
    "ru": [
        "я звонил на 1414 вчера",
        "оплатил {amount} тенге",
        "заявка номер {ref} от {date}",
        "перезвоню в {time}",
        "подал заявление {date}, прошло {small} дней",
        "обращение № {ref}",
        "сумма {big} тенге",
        "номер заявки {ref12}",
        "индекс {postal}",
        "в {year} году",
        "квартира {small}, дом {small}",
    ],
    "kk": [
        "1414 нөміріне хабарластым",
        "{amount} теңге төледім",
        "өтініш нөмірі {ref}",
        "сағат {time} шамасында",
        "{date} күні өтініш бердім",
        "{year} жылы",
    ],
    "en": [
        "I called 1414 yesterday",
        "I paid {amount} tenge",
        "request {ref} from {date}",
        "at {time}",
        "reference {ref12}",
    ],
}

EMAIL_USERS = ["aigerim.s", "erlan_88", "ivanov", "d.nurlanova", "john.smith", "user2024"]
EMAIL_DOMAINS = ["mail.ru", "gmail.com", "mail.kz", "inbox.kz", "yandex.kz", "list.ru"]


@dataclass
class Case:
    """One labelled utterance: the text, the personal values in it and the numbers to keep."""

    text: str
    pii: list[tuple[str, str]] = field(default_factory=list)  # (kind, value as written)
    keep: list[str] = field(default_factory=list)  # non-personal numbers as written
    hard: bool = False  # a deliberately hard phrasing (see HARD_TEMPLATES)


PLACEHOLDER_OF = {
    "iin": "<IIN>", "bin": "<IIN>", "iin_ctx": "<IIN>", "phone": "<PHONE>", "card": "<CARD>",
    "email": "<EMAIL>", "iban": "<IBAN>", "person": "<PERSON>",
}


def _keep_values(rng: random.Random) -> dict[str, str]:
    ref12 = make_iin(rng, valid=False)
    return {
        "amount": rng.choice([f"{rng.randint(1, 99)} 000", str(rng.randint(500, 99999)), f"{rng.randint(1, 9)} 500"]),
        "big": f"{rng.randint(1, 9)} {rng.randint(100, 999)} 000",
        "ref": str(rng.randint(1000, 9999999)),
        "ref12": ref12,
        "date": f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2019, 2026)}",
        "time": f"{rng.randint(8, 20)}:{rng.choice(['00', '15', '30', '45'])}",
        "small": str(rng.randint(1, 30)),
        "postal": f"0{rng.randint(10000, 99999)}",
        "year": str(rng.randint(1990, 2026)),
    }


SHORT_SURNAMES = ["Ким", "Ли", "Пак", "Цой", "Ан", "Хан", "Омар", "Тен"]  # with Cyrillic first names


def _hard_item(rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """Phrasings that stretch the rules: fillers, lowercase names with short or
    foreign surnames, context far from the number, odd digit groupings."""
    r = rng.randrange(9)
    first = rng.choice(FIRST_NAMES)
    if r == 0:
        name = first
        return f"меня зовут {rng.choice(['э', 'ну', 'ээ', 'эм'])} {name}", [("person", name)]
    if r == 1:
        name = f"{rng.choice(SHORT_SURNAMES)} {first}".lower()
        return rng.choice(["меня зовут {n}", "атым {n}", "менің атым {n}"]).format(n=name), [("person", name)]
    if r == 2:
        name = f"{first} {rng.choice(SHORT_SURNAMES)}".lower()  # surname without a telling suffix
        return f"меня зовут {name} хочу узнать", [("person", name)]
    if r == 3:
        name = rng.choice(["john smith", "david brown", "anna lee", "peter"])
        return f"my name is {name} and I need help", [("person", name)]
    if r == 4:
        v = make_iin(rng, valid=False)
        return f"ИИН сейчас скажу, минутку, вот нашла документ, значит {v}", [("iin_ctx", v)]
    if r == 5:
        card = make_card(rng)
        v = " ".join(card[i : i + 2] for i in range(0, 16, 2))
        return f"номер карты {v}", [("card", v)]
    if r == 6:
        v = f"{rng.choice(EMAIL_USERS).title()}@{rng.choice(['Mail.ru', 'GMAIL.COM', 'e-gov.kz'])}"
        return f"почта {v}", [("email", v)]
    if r == 7:
        a, b = fmt_phone(rng), fmt_phone(rng)
        return f"телефоны {a} или {b}", [("phone", a), ("phone", b)]
    v = make_iin(rng)
    return f"иин{v[:6]} {v[6:]}ші", [("iin", f"{v[:6]} {v[6:]}")]


def make_cases(n: int = 1200, seed: int = 0, hard_share: float = 0.1) -> list[Case]:
    """Return ``n`` labelled utterances (deterministic for ``seed``).

    About ``hard_share`` of them hold one deliberately hard item
    (:func:`_hard_item`), some of which the rules are known to miss.
    """
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        lang = rng.choices(["ru", "kk", "en"], weights=[5, 3, 2])[0]
        parts = []
        case = Case(text="")
        if rng.random() < hard_share:
            text, items = _hard_item(rng)
            parts.append(text)
            case.pii.extend(items)
            case.hard = True
        # personal data: 1-2 items
        for _ in range(rng.choice([1, 1, 2])):
            if rng.random() < 0.25:
                name = make_name(rng, lang)
                tpl = rng.choice(INTRO[lang])
                if rng.random() < 0.2 and lang != "en":
                    name = name.lower()
                parts.append(tpl.format(n=name, o=rng.choice(["Алматы", "ЦОН"])))
                case.pii.append(("person", name))
                continue
            kind, tpl = rng.choice(PII_TEMPLATES[lang])
            if kind == "iin":
                valid = rng.random() < 0.85
                v = fmt_iin(rng, make_iin(rng, valid=valid))
                kind = "iin" if valid else "iin_ctx"
            elif kind == "bin":
                v = fmt_iin(rng, make_bin(rng))
            elif kind == "phone":
                v = fmt_phone(rng)
            elif kind == "card":
                v = fmt_card(rng, make_card(rng, rng.choice([16, 16, 16, 15, 19])))
            elif kind == "email":
                v = f"{rng.choice(EMAIL_USERS)}{rng.choice(['', str(rng.randint(1, 99))])}@{rng.choice(EMAIL_DOMAINS)}"
            else:
                v = fmt_iban(rng, make_iban(rng))
            parts.append(tpl.format(v=v))
            case.pii.append((kind, v))
        # non-personal numbers: 1-2 items
        for _ in range(rng.choice([1, 2])):
            tpl = rng.choice(KEEP_TEMPLATES[lang])
            vals = _keep_values(rng)
            text = tpl.format(**vals)
            for key in re.findall(r"\{(\w+)\}", tpl):
                case.keep.append(vals[key])
            if "1414" in tpl:
                case.keep.append("1414")
            parts.append(text)
        rng.shuffle(parts)
        case.text = ", ".join(parts)
        cases.append(case)
    return cases


_PLACEHOLDER_RE = re.compile(r"<(?:IIN|PHONE|CARD|EMAIL|IBAN|PERSON)>")


def _present(kind: str, value: str, text: str) -> bool:
    """True if ``value`` (or any part of a name) is still readable in ``text``."""
    if value in text:
        return True
    if kind == "person":
        return any(
            re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.I) for w in value.split() if len(w) > 2
        )
    if kind in ("email", "iban"):
        return value.replace(" ", "") in text.replace(" ", "")
    # numbers: the same digits, whatever the separators
    digits = re.sub(r"\D", "", value)
    return digits in re.sub(r"\D", "", text)


def score(redact, cases: list[Case]) -> dict:
    """Precision/recall of ``redact`` on ``cases`` and the share of kept numbers.

    - recall: personal values no longer readable in the output (digits compared
      with separators removed; names word by word);
    - type_accuracy: of those, the share replaced by the right placeholder;
    - precision: true redactions / placeholders produced;
    - kept: share of non-personal numbers still present verbatim.
    """
    tp = fn = placeholders = typed = kept = n_keep = 0
    by_kind: dict[str, list[int]] = {}
    misses = []
    for c in cases:
        out = redact(c.text)
        placeholders += len(_PLACEHOLDER_RE.findall(out))
        for kind, v in c.pii:
            ok = not _present(kind, v, out)
            by_kind.setdefault(kind, [0, 0])
            by_kind[kind][0] += ok
            by_kind[kind][1] += 1
            if ok:
                tp += 1
                typed += PLACEHOLDER_OF[kind] in out
            else:
                fn += 1
                misses.append((kind, v, out))
        for v in c.keep:
            n_keep += 1
            kept += v in out
    fp = max(0, placeholders - tp)
    hard = [c for c in cases if c.hard]
    hard_items = [(kind, v, redact(c.text)) for c in hard for kind, v in c.pii]
    hard_found = sum(not _present(kind, v, out) for kind, v, out in hard_items)
    return {
        "cases": len(cases),
        "personal_items": tp + fn,
        "recall": tp / max(1, tp + fn),
        "precision": tp / max(1, tp + fp),
        "type_accuracy": typed / max(1, tp),
        "non_personal_numbers": n_keep,
        "non_personal_kept": kept / max(1, n_keep),
        "recall_by_kind": {k: round(a / b, 4) for k, (a, b) in sorted(by_kind.items())},
        "hard_cases": len(hard),
        "recall_hard_items": round(hard_found / max(1, len(hard_items)), 4),
        "misses": misses[:20],
    }


# --------------------------------------------------------------------------- whole transcripts

OPERATOR_OPENINGS = {
    "ru": ["Здравствуйте, единый контакт-центр 1414, меня зовут {op}, чем могу помочь?",
           "Добрый день, контакт-центр электронного правительства, оператор {op}, слушаю вас."],
    "kk": ["Сәлеметсіз бе, 1414 бірыңғай байланыс орталығы, менің атым {op}, сізге қалай көмектесе аламын?",
           "Қайырлы күн, электрондық үкімет байланыс орталығы, маман {op}, тыңдап тұрмын."],
    "en": ["Hello, e-government contact center 1414, my name is {op}, how can I help you?"],
}
OPERATOR_CLOSINGS = {
    "ru": ["Спасибо за обращение, всего доброго, до свидания.", "Могу ли я ещё чем-то помочь? Хорошего дня."],
    "kk": ["Хабарласқаныңызға рахмет, сау болыңыз.", "Тағы сұрақтарыңыз бар ма? Сау болыңыз."],
    "en": ["Thank you for calling, have a nice day, goodbye."],
}
OPERATOR_CHECKS = {
    "ru": ["Назовите, пожалуйста, ваш ИИН.", "Подскажите ваш номер телефона для обратной связи."],
    "kk": ["ЖСН-іңізді айтыңызшы.", "Байланыс телефоныңызды айтыңызшы."],
    "en": ["Could you please tell me your IIN?"],
}
CUSTOMER_REQUESTS = {
    "ru": [
        "мне нужна справка о пенсионных отчислениях, не могу получить её через портал",
        "хочу узнать статус заявления на пособие по уходу за ребёнком, подавал две недели назад",
        "не приходит смс с кодом при входе в личный кабинет на egov kz",
        "как заменить удостоверение личности, если старое потеряно",
        "мне отказали в регистрации по месту жительства, хочу понять причину",
        "подскажите как оплатить штраф через портал, ошибка при оплате",
        "нужно записаться в детский сад, очередь не двигается уже полгода",
    ],
    "kk": [
        "маған зейнетақы аударымдары туралы анықтама керек, порталдан ала алмай жатырмын",
        "балаға жәрдемақы өтінішінің мәртебесін білгім келеді",
        "жеке кабинетке кіргенде смс код келмейді",
        "жеке куәлігімді жоғалтып алдым, қалай ауыстыруға болады",
        "тіркеуден бас тартты, себебін білгім келеді",
        "мне нужна справка о несудимости, бірақ порталда қате шығады",
    ],
    "en": [
        "I need a certificate of pension contributions but the portal gives an error",
        "I want to check the status of my child benefit application",
        "the SMS code does not arrive when I log in to my account",
    ],
}
FILLERS = {
    "ru": ["ну", "вот", "да", "так", "э", "в общем", "понимаете", "короче"],
    "kk": ["енді", "иә", "яғни", "ал", "сосын"],
    "en": ["well", "so", "um", "you know", "okay"],
}


def _pii_answer(rng: random.Random, lang: str) -> tuple[str, list[tuple[str, str]]]:
    r = rng.random()
    if r < 0.35:
        v = fmt_iin(rng, make_iin(rng))
        return {"ru": f"мой ИИН {v}", "kk": f"ЖСН {v}", "en": f"my IIN is {v}"}[lang], [("iin", v)]
    if r < 0.6:
        v = fmt_phone(rng)
        return {"ru": f"телефон {v}", "kk": f"телефоным {v}", "en": f"my phone is {v}"}[lang], [("phone", v)]
    if r < 0.7:
        v = fmt_card(rng, make_card(rng))
        return {"ru": f"карта {v}", "kk": f"картам {v}", "en": f"card {v}"}[lang], [("card", v)]
    if r < 0.8:
        v = f"{rng.choice(EMAIL_USERS)}@{rng.choice(EMAIL_DOMAINS)}"
        return {"ru": f"почта {v}", "kk": f"поштам {v}", "en": f"email {v}"}[lang], [("email", v)]
    name = make_name(rng, lang)
    return rng.choice(INTRO[lang]).format(n=name, o="ЦОН"), [("person", name)]


def make_transcripts(n: int = 1000, seed: int = 0, words: int = 60) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return ``n`` spoken-style calls of about ``words`` words with their personal values.

    Each call has ``Оператор:``/``Клиент:`` (or Kazakh/English) turn markers,
    an operator greeting (with the operator's name), an identity check, a
    customer request (sometimes code-switched), personal data in the
    customer's answer, and a closing.
    """
    rng = random.Random(seed)
    markers = {
        "ru": [("Оператор", "Клиент"), ("Оператор", "Абонент")],
        "kk": [("Маман", "Қоңырау шалушы"), ("Оператор", "Абонент")],
        "en": [("Agent", "Caller"), ("Operator", "Customer")],
    }
    out = []
    for _ in range(n):
        lang = rng.choices(["ru", "kk", "en"], weights=[6, 3, 1])[0]
        op_m, cu_m = rng.choice(markers[lang])
        op_name = rng.choice(FIRST_NAMES)
        pii = [("person", op_name)]
        answer, items = _pii_answer(rng, lang)
        pii += items
        req = rng.choice(CUSTOMER_REQUESTS[lang])
        fill = FILLERS[lang]
        cust1 = f"{rng.choice(fill)} {req}"
        text = (
            f"{op_m}: {rng.choice(OPERATOR_OPENINGS[lang]).format(op=op_name)} "
            f"{cu_m}: {cust1} "
            f"{op_m}: {rng.choice(OPERATOR_CHECKS[lang])} "
            f"{cu_m}: {rng.choice(fill)} {answer} "
        )
        # pad the customer's side to about `words` words with fillers and request words
        while len(text.split()) < words - 8:
            text += f"{rng.choice(fill)} {rng.choice(req.split())} "
        text += f"{op_m}: {rng.choice(OPERATOR_CLOSINGS[lang])}"
        out.append((text, pii))
    return out


REQUEST_TYPES = ["pension_certificate", "child_benefit", "sms_code", "id_card", "registration",
                 "fine_or_conviction", "kindergarten"]


def make_call_log(n: int = 300, seed: int = 0) -> list[dict]:
    """Whole calls as rows ``{"call_id", "text", "request_type", "pii"}`` for end-to-end tests.

    ``request_type`` is the customer request's position in :data:`CUSTOMER_REQUESTS` (the same
    position means the same kind of request in every language).
    """
    rows = []
    for i, (text, pii) in enumerate(make_transcripts(n, seed=seed)):
        label = next(
            (REQUEST_TYPES[k] for reqs in CUSTOMER_REQUESTS.values() for k, r in enumerate(reqs) if r in text),
            "other",
        )
        rows.append({"call_id": f"T{i:05d}", "text": text, "request_type": label, "pii": pii})
    return rows
