"""Personal-data redaction for call transcripts.

:func:`redact` replaces personal data with typed placeholders before a
transcript reaches a vectorizer, a model file, a log line or a report:

========== ==========================================================
``<IIN>``    Kazakhstan IIN/BIN: 12 digits (optionally split 6+6 or
             3+3+3+3) with a valid check digit, or any 12-digit number
             that the words before it call an IIN/BIN/ЖСН/БСН.
``<PHONE>``  Kazakh and Russian numbers: ``+7``/``8``/``7`` and ten
             digits with spaces, dashes or brackets; ``7xx`` mobile
             numbers without prefix; other ``+``-international numbers.
``<CARD>``   13-19 digit payment cards (plain or 4-4-4-4[-3] / 4-6-5
             groups separated by spaces or dashes) passing the Luhn test.
``<EMAIL>``  e-mail addresses.
``<IBAN>``   KZ IBANs (20 characters) passing the mod-97 test, or failing
             it right after a word such as "IBAN", "счёт", "шот".
``<PERSON>`` names given after self-introductions ("меня зовут ...",
             "менің атым ...", "my name is ...", "с вами говорит ..."),
             and full Russian/Kazakh names with a patronymic.
========== ==========================================================

What is not personal is kept: the hotline number 1414, amounts, dates,
times, short reference numbers. Placeholders are never re-redacted, so
``redact(redact(t)) == redact(t)``.

Examples
--------
>>> from callmine.pii import redact
>>> redact("Меня зовут Айгерим, мой ИИН 900101300007, телефон 8 701 234 56 78")
'Меня зовут <PERSON>, мой ИИН <IIN>, телефон <PHONE>'
>>> redact("звонил на 1414 в 14:30, оплатил 15 000 тенге")
'звонил на 1414 в 14:30, оплатил 15 000 тенге'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from callmine.stopwords import stop_words

__all__ = [
    "PLACEHOLDERS",
    "redact",
    "redact_many",
    "iin_is_valid",
    "luhn_is_valid",
    "iban_is_valid",
]

#: Every placeholder :func:`redact` can produce.
PLACEHOLDERS = ("<IIN>", "<PHONE>", "<CARD>", "<EMAIL>", "<IBAN>", "<PERSON>")

# --------------------------------------------------------------------------- checks

# flags of the fast path (see _scan)
_NUM, _NAME, _PATRO = 1, 2, 4

_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_is_valid(digits: str) -> bool:
    """Return True if ``digits`` (12 digits) has a valid IIN/BIN check digit.

    The check digit is the weighted sum of the first 11 digits (weights 1..11)
    modulo 11; if that is 10, the weights 3..11,1,2 are used; if it is 10
    again the number is invalid.

    >>> iin_is_valid("900101300007"), iin_is_valid("900101300008")
    (True, False)
    """
    if len(digits) != 12 or not digits.isdigit():
        return False
    d = [ord(c) - 48 for c in digits]
    s = sum(w * x for w, x in zip(_W1, d)) % 11
    if s == 10:
        s = sum(w * x for w, x in zip(_W2, d)) % 11
        if s == 10:
            return False
    return s == d[11]


def luhn_is_valid(digits: str) -> bool:
    """Return True if ``digits`` passes the Luhn check used by payment cards.

    >>> luhn_is_valid("4400430123456789"), luhn_is_valid("4400430123456788")
    (True, False)
    """
    if not digits.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        x = ord(c) - 48
        if i % 2:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return total % 10 == 0


def iban_is_valid(iban: str) -> bool:
    """Return True if ``iban`` (spaces allowed) passes the ISO 13616 mod-97 check.

    >>> iban_is_valid("KZ86 125K ZT50 0410 0100")
    True
    """
    s = iban.replace(" ", "").upper()
    if len(s) < 15 or not s.isalnum():
        return False
    s = s[4:] + s[:4]
    try:
        return int("".join(str(int(c, 36)) for c in s)) % 97 == 1
    except ValueError:
        return False


# --------------------------------------------------------------------------- patterns

_DIGIT = re.compile(r"\d")
# at least 10 digits close together: the only way to hold a phone, IIN or card
_LONG_NUMBER = re.compile(r"\d(?:[\s\-()]{0,3}\d){9}")

_IBAN = re.compile(r"(?<![0-9A-Za-z])[Kk][Zz]\d\d(?:[ ]?[0-9A-Za-z]){16}(?![0-9A-Za-z])")
_IBAN_CONTEXT = re.compile(
    r"(?:iban|иban|иван|счет|счёт|шот|есепшот|account|реквизит)[^\n]{0,25}$", re.I
)

_IIN_CONTEXT = re.compile(
    r"(?:иин|жсн|бин|бсн|iin|bin|инн|идентификац|сәйкестендіру)[^\W\d]*(?P<gap>[^\n\d<>]{0,70})$", re.I
)

# ---- names

_L = r"A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"
_UP = r"A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_NAME_WORD = re.compile(rf"[{_L}]+(?:-[{_L}]+)?")
# fillers and punctuation allowed between a trigger and the name
_GAP = re.compile(r"(?:[\s,:;—–\-]+|\s*(?:э+|ээ+|эм+|мм+|ну|uh|um|er)(?=[\s,.]))*\s*", re.I)

# trigger phrases after which the next word is a name (lenient: any case)
_TRIGGERS_LENIENT = (
    r"меня\s+зовут|зовут\s+меня|мо[её]\s+имя|имя\s+мо[её]|моя\s+фамилия|фамилия\s+моя"
    r"|мо[её]\s+фио|мо[её]\s+отчество|фамилия\s+имя\s+отчество|ф\.?\s?и\.?\s?о\.?"
    r"|вами\s+говорит|менің\s+атым|атым|есімім|менің\s+есімім|аты-жөнім|аты\s+жөнім|тегім"
    r"|my\s+name\s+is|my\s+name's|name\s+is|my\s+surname\s+is|my\s+full\s+name\s+is"
)
# triggers after which the next word must be capitalised to count as a name
_TRIGGERS_STRICT = (
    r"вас\s+беспокоит|беспокоит|связи|имя|оператор|специалист|консультант|маман|this\s+is"
    r"|call\s+me|i\s+am|i'm|speaking\s+with|you're\s+speaking\s+to|agent|мен"
)
# Every trigger starts with one of these words; the fast path looks for them.
_TRIGGER_WORDS = frozenset(
    """меня зовут мое моё имя моя фамилия фио ф ф.и.о вами менің атым есімім аты-жөнім аты тегім
    my name вас беспокоит связи оператор специалист консультант маман this call i i'm speaking
    you're agent мен боламын""".split()
)
# what to look for in the lower-cased text for each trigger word
_FIND_KEY = {"i": "i am", "ф": "ф"}
_TRIGGER = re.compile(
    rf"(?<![{_L}])(?:(?P<lenient>{_TRIGGERS_LENIENT})|(?P<strict>{_TRIGGERS_STRICT}))(?![{_L}])",
    re.I,
)
# the same, anchored at a position of the lower-cased text (boundaries checked in Python)
_TRIGGER_LOW = re.compile(rf"(?P<lenient>{_TRIGGERS_LENIENT})|(?P<strict>{_TRIGGERS_STRICT})")
# name + "зовут" ("меня Айгерим зовут"), "мен Айгерім боламын": the words before the verb
_NAME_BEFORE = re.compile(
    rf"(?<![{_L}])(?:меня|мен)\s+(?P<name>[{_L}]+(?:\s+[{_L}]+)?)\s+$",
    re.I,
)
# Full name with a patronymic anywhere: "Иванов Иван Иванович", "Сейтжанов Ерлан Маратұлы"
_PATRONYMIC = (
    r"(?:ович|евич|ьич|овна|евна|ична|инична|ұлы|улы|қызы|кызы"
    r"|овича|евича|овичу|евичу|овичем|евичем|овны|евны|овне|евне|овной|евной|овну|евну)"
)
# endings that mark a surname or patronymic even in lower case (-ин, -ина, -бек also end
# first names and common words: Ирина, Алибек, хозяин)
_SURNAME_LIKE = re.compile(
    r"(?:ов|ев|ёв|ова|ева|ёва|ский|ская|цкий|цкая|енко|дзе|швили"
    rf"|{_PATRONYMIC[3:-1]})$",
    re.I,
)
# short surnames (common in Kazakhstan's Korean community) that carry no telling ending
_SHORT_SURNAMES = frozenset("ким ли пак цой хан ан тен ни шин чой кан тян лим югай kim lee li pak park tsoi".split())

def _surname_like(w: str) -> bool:
    """Lower-case ``w`` ends like a surname or patronymic (and is long enough to be one)."""
    if len(w) < 5 or _SURNAME_LIKE.search(w) is None:
        return False
    return len(w) >= 7 or not w.endswith(("улы", "ұлы", "кызы", "қызы"))  # атаулы is no patronymic


# Words that are never a name even right after a trigger (case-folded).
_NOT_NAME = frozenset(
    """
    я мы вы ты он она они это этот эта тот та как что кто не нет да и а но или же бы
    ну вот так там тут здесь сейчас уже еще ещё просто тоже очень по на в во с со к ко у о об
    от до за из для при про без над под the a an and or but so just not no yes i you he she
    we they it is am are was were be calling call here there from with about to for of on in
    hello hi good sorry well okay ok
    мен сен сіз біз олар ол бұл осы сол және бірақ иә жоқ ия қалай не кім маған сізге
    здравствуйте алло добрый день вечер утро сәлеметсіз бе саламатсыз ассалаумағалейкум
    хочу хотел хотела звоню звоню узнать подскажите скажите пожалуйста спасибо
    оператор клиент абонент маман специалист консультант agent operator customer
    единого единый контакт центра центр электронного правительства call center
    сізді тыңдап тұрмын слушаю вас
    """.split()
)

_PERSON = "<PERSON>"
_STOP = stop_words("all")
# a word in a Kazakh case form is not a name given in an introduction (-тан/-тен left
# out: Нұрсұлтан, Дастан)
_KK_CASE_FORM = re.compile(r"(?:ға|ге|қа|ке|дан|ден|нан|нен|да|де|ды|ді|ты|ті|ны|ні|ның|нің|мен)$")
# frequent words right after a name in calls: never taken as a surname
_COMMON_AFTER_NAME = frozenset(
    """хочу хотел хотела звоню звонил звонила звонила нужна нужно нужен нужны справка пенсия
    узнать вопрос подскажите скажите можно помогите помочь прошу спросить уточнить проблема
    сообщить оплатил оплатила подал подала получить забыл забыла не пришла пришел
    керек білгім сұрағым сұрақ анықтама көмек бар жоқ еді едім болып
    могу может адрес код цон смс эцп опв осмс ипн жеке шағым атаулы
    need want calling call about help have would like please wanted asking question from speaking""".split()
)


# Kazakh first-person predicate endings ("боламын", "маманмын"): never part of a name
_PREDICATE_END = re.compile(r"(?:мын|мін|бын|бін|пын|пін|мыз|міз)$")
_STRICT_GAP = re.compile(r"[ \t]*,?[ \t]+|[ \t]+")
# case endings a name does not carry when someone introduces themselves
# (checked after "мен" only: "мен Астанадан" is "I, from Astana"; -тан/-тен are
# left out because names end so: Нұрсұлтан, Дастан)
_CASE_END = re.compile(r"(?:дан|ден|нан|нен|да|де|та|те|ға|ге|қа|ке|ом|ой)$")


def _name_span(text: str, start: int, strict: bool, after_men: bool = False) -> tuple[int, int] | None:
    """Return the span of the name that follows a trigger ending at ``start``."""
    if strict:
        gap = _STRICT_GAP.match(text, start)
        if gap is None:
            return None
    else:
        gap = _GAP.match(text, start)
    pos = gap.end()
    m = _NAME_WORD.match(text, pos)
    if m is None:
        return None
    w = m.group()
    lw = w.lower()
    if lw in _NOT_NAME:
        return None
    first_cap = w[0].isupper()
    if strict and (not first_cap or (len(w) > 1 and w.isupper()) or (after_men and _CASE_END.search(lw))):
        return None
    end = m.end()
    n = len(text)
    for _ in range(2):
        sp = end
        while sp < n and text[sp] == " ":
            sp += 1
        if sp == end:
            break
        nxt = _NAME_WORD.match(text, sp)
        if nxt is None:
            break
        nw = nxt.group()
        nlw = nw.lower()
        if nlw in _NOT_NAME or _PREDICATE_END.search(nlw) is not None:
            break
        after = nxt.end()
        while after < n and text[after] == " ":
            after += 1
        if after < n and text[after] == ":":  # "... Ержан Caller: ..." - a turn marker
            break
        second = end == m.end()
        if first_cap:
            ok = nw[0].isupper()
        else:  # lower-case (speech-recognised) text
            plain = nlw not in _STOP and nlw not in _COMMON_AFTER_NAME and _KK_CASE_FORM.search(nlw) is None
            ok = second and (
                nlw in _SHORT_SURNAMES  # "анна ким"
                or (plain and lw in _SHORT_SURNAMES)  # "ли руслан"
                or (plain and len(nlw) <= 12 and _surname_like(lw))  # "смагулова гульмира"
                or (plain and len(nlw) <= 7 and nw.isascii() and w.isascii())  # "john smith"
            )
        if not (ok or _surname_like(nlw)):
            # "жумабаева ерлан ивановна": a first name is followed by a patronymic
            sp2 = nxt.end()
            while sp2 < n and text[sp2] == " ":
                sp2 += 1
            third = _NAME_WORD.match(text, sp2) if sp2 > nxt.end() else None
            if third is None or _PATRO_END.search(third.group().lower()) is None:
                break
        end = nxt.end()
    return pos, end


_NAME_WORDS_BEFORE = re.compile(rf"(?<![{_L}])(?:[{_UP}][{_L}]+[ \t]+){{1,2}}$")
_PATRO_WORD = re.compile(rf"[{_UP}][{_L}]+{_PATRONYMIC}(?![{_L}])")


_PATRO_WORD_LOW = re.compile(
    rf"(?<![{_L}])[а-яё]{{3,}}(?:ович|евич|овна|евна|овича|евича|овичу|евичу|овны|евны|овне|евне|овну|евну)(?![{_L}])"
)
_WORD_BEFORE = re.compile(rf"(?<![{_L}])([{_L}]+)[ \t]+$")


def _full_names(text: str, spans: list) -> None:
    """"Иванов Иван Иванович", "Ерлан Маратұлы": capitalised words ending in a patronymic;
    in lower case, "иванов иван иванович" (Russian patronymics only: -ович/-евич/-овна/-евна)."""
    for m in _PATRO_WORD.finditer(text):
        before = _NAME_WORDS_BEFORE.search(text, max(0, m.start() - 60), m.start())
        if before is not None:
            spans.append((before.start(), m.end()))
    for m in _PATRO_WORD_LOW.finditer(text):
        start = m.start()
        for _ in range(2):  # the first name and the surname before it
            w = _WORD_BEFORE.search(text, max(0, start - 40), start)
            if w is None:
                break
            lw = w.group(1).lower()
            if lw in _STOP or lw in _NOT_NAME or lw in _COMMON_AFTER_NAME or _KK_CASE_FORM.search(lw):
                break
            start = w.start(1)
        if start < m.start():
            spans.append((start, m.end()))


# strict triggers after which a lower-case name is accepted in an operator's greeting
_ROLE_TRIGGERS = frozenset({"оператор", "маман", "специалист", "консультант", "agent", "this is"})
# what follows an operator's name in a greeting ("оператор мадина здравствуйте")
_GREETING_NEXT = frozenset(
    """здравствуйте добрый доброе чем слушаю слушаем вас сізге тыңдап сәлеметсіз саламатсыз
    қайырлы қалай how hello good speaking""".split()
)
_GREETING_END = re.compile(r"[ \t]*(?:[,.!?;]|$|(?P<word>[^\W\d_]+)(?P<colon>[ \t]*:)?)")
_VERB_LIKE = re.compile(r"(?:л|ла|ли|ло|ть|ет|ит|ют|ят|ут|ал|ыл|ды|ді|ты|ті|ған|ген|ый|ой|ое|ые|ed|ing)$")


def _lower_operator_name(text: str, low: str, start: int) -> tuple[int, int] | None:
    """A lower-case name right after a role word, in a greeting: "оператор мадина здравствуйте"."""
    gap = _STRICT_GAP.match(text, start)
    if gap is None:
        return None
    m = _NAME_WORD.match(text, gap.end())
    if m is None:
        return None
    w = low[m.start() : m.end()]
    if w in _STOP or w in _NOT_NAME or w in _COMMON_AFTER_NAME or len(w) < 3 or _VERB_LIKE.search(w):
        return None
    nxt = _GREETING_END.match(text, m.end())
    if nxt is None:
        return None
    word = nxt.group("word")
    if word is None or nxt.group("colon") or word.lower() in _GREETING_NEXT:
        return m.start(), m.end()
    return None


def _names_before(text: str, low: str, verb: str, spans: list) -> None:
    """"меня Айгерим зовут", "мен Айгерім боламын": the name before the verb."""
    i = low.find(verb)
    while i != -1:
        lo = max(0, i - 60)
        m = _NAME_BEFORE.search(text, lo, i)
        if m is not None:
            first = m.group("name").split()[0]
            if first.lower() not in _NOT_NAME and not (
                m.group(0).lower().startswith("мен") and not first[0].isupper()
            ):
                spans.append(m.span("name"))
        i = low.find(verb, i + 1)


def _redact_names(text: str, flags: int = _NAME | _PATRO, words: set | None = None, low: str | None = None) -> str:
    spans = []
    if flags & _NAME:
        if low is None:
            low = text.lower()
        if len(low) == len(text):
            n = len(low)
            if words is None:
                words = _scan(low)[1] or set()
            done = set()
            for w in words:
                key = _FIND_KEY.get(w, w)
                if w == "боламын" or w == "зовут":
                    _names_before(text, low, w, spans)
                    if w == "боламын":
                        continue
                i = low.find(key)
                while i != -1:
                    if i not in done and not (i and low[i - 1].isalpha()):
                        done.add(i)
                        m = _TRIGGER_LOW.match(low, i)
                        if m is not None:
                            e = m.end()
                            strict = m.group("strict")
                            # a strict trigger is followed by a space (or ", ") and the name
                            if e < n and (low[e].isalpha() or (strict is not None and text[e] not in " \t,")):
                                pass
                            else:
                                span = _name_span(text, e, strict is not None, strict == "мен")
                                if span is None and strict in _ROLE_TRIGGERS:
                                    span = _lower_operator_name(text, low, e)
                                if span is not None:
                                    spans.append(span)
                    i = low.find(key, i + 1)
        else:  # case folding changed the length: match case-insensitively instead
            for m in _TRIGGER.finditer(text):
                strict = m.group("strict")
                span = _name_span(text, m.end(), strict is not None, strict is not None and strict.lower() == "мен")
                if span is not None:
                    spans.append(span)
    if flags & _PATRO:
        _full_names(text, spans)
    if not spans:
        return text
    spans.sort()
    out = []
    last = 0
    for s, e in spans:
        if s < last:  # overlapping spans: extend the previous one
            if e > last:
                last = e
            continue
        out.append(text[last:s])
        out.append(_PERSON)
        last = e
    out.append(text[last:])
    return "".join(out)


# --------------------------------------------------------------------------- fast path
# Each distinct lower-cased whitespace-separated chunk is classified once: can it
# be part of a number/e-mail/IBAN (_NUM), a self-introduction (_NAME) or a
# patronymic (_PATRO)? A text none of whose chunks is flagged is returned as is.

_SAFE_NUMBER = re.compile(r"(?:1414|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?)$")
_PATRO_END = re.compile(_PATRONYMIC + "$")
_STRIP = ",.!?;»\")…"
_PIECES = re.compile(r"[^\w'.\-]+")
_SEEN: set[str] = set()
_NUM_CHUNKS: set[str] = set()
_NAME_CHUNKS: dict[str, tuple[str, ...]] = {}  # chunk -> the trigger words in it
_PATRO_CHUNKS: set[str] = set()
_SEEN_LIMIT = 500_000


def _classify(chunk: str) -> None:
    if "@" in chunk or (_DIGIT.search(chunk) is not None and not _SAFE_NUMBER.match(chunk.strip(_STRIP + "(«"))):
        _NUM_CHUNKS.add(chunk)
    w = chunk.rstrip(_STRIP)
    if w in _TRIGGER_WORDS:
        _NAME_CHUNKS[chunk] = (w,)
    elif not w.isalpha():  # "здравствуйте,меня", "(оператор"
        found = tuple(p for p in _PIECES.split(w) if p.rstrip(".") in _TRIGGER_WORDS or p in _TRIGGER_WORDS)
        if found:
            _NAME_CHUNKS[chunk] = tuple(p if p in _TRIGGER_WORDS else p.rstrip(".") for p in found)
    if _PATRO_END.search(w) is not None:
        _PATRO_CHUNKS.add(chunk)


def _scan(low: str) -> tuple[int, set | None]:
    """Which redaction passes can match the lower-cased text ``low``.

    Returns the flags and, when a self-introduction is possible, the trigger
    words present.
    """
    chunks = low.split()  # a list: set operations accept it, and building a set costs more
    if not _SEEN.issuperset(chunks):
        if len(_SEEN) > _SEEN_LIMIT:
            _SEEN.clear()
            _NUM_CHUNKS.clear()
            _NAME_CHUNKS.clear()
            _PATRO_CHUNKS.clear()
        for c in set(chunks).difference(_SEEN):
            _classify(c)
        _SEEN.update(chunks)
    f = 0
    words = None
    if not _NUM_CHUNKS.isdisjoint(chunks):
        f |= _NUM
    if not _NAME_CHUNKS.keys().isdisjoint(chunks):
        f |= _NAME
        words = set()
        for c in _NAME_CHUNKS.keys() & set(chunks):
            words.update(_NAME_CHUNKS[c])
    if not _PATRO_CHUNKS.isdisjoint(chunks):
        f |= _PATRO
    return f, words


# --------------------------------------------------------------------------- replacers


def _sub_iban(m: re.Match) -> str:
    s = m.group()
    if iban_is_valid(s):
        return "<IBAN>"
    if _IBAN_CONTEXT.search(m.string, max(0, m.start() - 40), m.start()):
        return "<IBAN>"
    return s


# words naming another kind of number: an IIN mentioned before them is not this one's context
_OTHER_NUMBER = re.compile(
    r"номер|заявк|обращен|телефон|карт|сч[её]т|индекс|сумм|нөмір|өтініш|шот|reference|request|number|phone",
    re.I,
)
_IIN_AFTER = re.compile(r"[^\n\d<>,.;:!?]{0,20}(?<![^\W\d_])(?:иин|жсн|бин|бсн|iin|bin)", re.I)


def _iin_context(text: str, start: int, end: int) -> bool:
    """Do the words around text[start:end] call it an IIN/BIN?"""
    ctx = _IIN_CONTEXT.search(text, max(0, start - 120), start)
    if ctx is not None and _OTHER_NUMBER.search(ctx.group("gap")) is None:
        return True
    return _IIN_AFTER.match(text, end, end + 40) is not None


# ---- numbers: one pass over runs of digit groups
# A run is digit groups separated by up to three spaces, dashes or brackets,
# optionally led by "+" or "(" - how phones, IINs and cards are dictated.
_RUN = re.compile(r"(?:\+[ \t]?\(?|\()?\d+(?:[ \t\-()]{1,3}\d+)*")
_GROUP = re.compile(r"\d+")


_CARD_CONTEXT = re.compile(r"(?:карт|card|visa|mastercard)[^\W\d]*[^\n\d<>]{0,25}$", re.I)


def _card_shape(lengths: list[int]) -> bool:
    """Is this grouping of digits one a card is written in?"""
    k = len(lengths)
    if k == 1:
        return True
    if lengths[:-1] == [4] * (k - 1) and 1 <= lengths[-1] <= 4:
        return True
    return lengths in ([4, 6, 5], [4, 6, 4])


def _redact_runs(text: str) -> str:
    """Replace cards, IINs and phones in the digit runs that hold 10+ digits."""
    out = []
    last = 0
    m = _LONG_NUMBER.search(text)
    while m is not None:
        start = m.start()
        if start > last and text[start - 1] == "(":
            start -= 1
        if start > last and text[start - 1] == "+":
            start -= 1
        elif start > last + 1 and text[start - 1] in " \t" and text[start - 2] == "+":
            start -= 2
        r = _RUN.match(text, start)
        if r is None:  # cannot happen: the match starts with a digit, "(" or "+"
            break
        out.append(text[last : r.start()])
        out.append(_run_replacement(text, r.start(), r.group()))
        last = r.end()
        m = _LONG_NUMBER.search(text, last)
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _run_replacement(text: str, base: int, s: str) -> str:
    """The run ``s`` found at ``text[base:]`` with its personal numbers replaced."""
    groups = [(g.start(), g.group()) for g in _GROUP.finditer(s)]
    n = len(groups)
    cum = [0]
    for _, g in groups:
        cum.append(cum[-1] + len(g))
    if cum[-1] < 10:
        return s
    plus = s[0] == "+"
    out = []
    last = 0
    i = 0
    while i < n:
        found = None
        # a payment card: 13-19 digits in a card grouping passing Luhn (longest first)
        card_ctx = None
        for j in range(min(n, i + 10), i, -1):
            length = cum[j] - cum[i]
            if 13 <= length <= 19:
                if not _card_shape([len(g) for _, g in groups[i:j]]):
                    # any grouping ("44 00 43 01 ...") when the words before say card
                    if card_ctx is None:
                        card_ctx = _CARD_CONTEXT.search(text, max(0, base + groups[i][0] - 40), base + groups[i][0]) is not None
                    if not card_ctx:
                        continue
                digits = "".join(g for _, g in groups[i:j])
                if luhn_is_valid(digits):
                    found = (j, "<CARD>")
                    break
        # an IIN/BIN: 12 digits with a valid check digit, or named so by the context
        if found is None:
            for j in range(i + 1, min(n, i + 6) + 1):
                length = cum[j] - cum[i]
                if length > 12:
                    break
                if length == 12:
                    digits = "".join(g for _, g in groups[i:j])
                    end = groups[j - 1][0] + len(groups[j - 1][1])
                    if iin_is_valid(digits) or _iin_context(text, base + groups[i][0], base + end):
                        found = (j, "<IIN>")
                    break
        # a phone: +7/8/7 and ten digits, a 7xx mobile number, or "+" and 9-14 digits
        if found is None:
            first = groups[i][1][0]
            for j in range(i + 1, n + 1):
                length = cum[j] - cum[i]
                if length > 14:
                    break
                if (length == 11 and first in "78") or (
                    length == 10 and first == "7" and groups[i][1][:2] < "78" and not (i == 0 and plus)
                ):
                    found = (j, "<PHONE>")
                    break
            if found is None and i == 0 and plus and 9 <= cum[-1] <= 14 and first != "7":
                found = (n, "<PHONE>")
        if found is None:
            i += 1
            continue
        j, placeholder = found
        start = 0 if (i == 0 and s[0] in "+(") else groups[i][0]
        end = groups[j - 1][0] + len(groups[j - 1][1])
        if end < len(s) and s[end] == ")" and "(" in s[start:end]:
            end += 1
        out.append(s[last:start])
        out.append(placeholder)
        last = end
        i = j
    if not out:
        return s
    out.append(s[last:])
    return "".join(out)


def _sub_email(text: str) -> str:
    """Replace e-mail addresses, found from each "@" outwards."""
    out = []
    last = 0
    i = text.find("@")
    while i != -1:
        left = _EMAIL_LEFT.search(text, max(last, i - 64), i)
        right = _EMAIL_RIGHT.match(text, i + 1)
        if left is not None and right is not None:
            out.append(text[last : left.start()])
            out.append("<EMAIL>")
            last = right.end()
            i = text.find("@", last)
        else:
            i = text.find("@", i + 1)
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


_EMAIL_LEFT = re.compile(r"(?<![\w.+-])[\w.+-]*\w$")
_EMAIL_RIGHT = re.compile(r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)+")


def redact(text: str) -> str:
    """Replace personal data in ``text`` with typed placeholders.

    Parameters
    ----------
    text : str
        A transcript or any free text (Russian, Kazakh, English or mixed).

    Returns
    -------
    str
        The text with IINs/BINs, phone numbers, payment cards, e-mails, KZ
        IBANs and self-introduced names replaced by ``<IIN>``, ``<PHONE>``,
        ``<CARD>``, ``<EMAIL>``, ``<IBAN>`` and ``<PERSON>``. Everything
        else, including 1414, amounts, dates, times and short numbers, is
        kept verbatim. Idempotent.

    Examples
    --------
    >>> redact("Менің атым Ерлан, ЖСН 900101 300007, поштам erlan.k@mail.kz")
    'Менің атым <PERSON>, ЖСН <IIN>, поштам <EMAIL>'
    >>> redact("My name is John Smith, card 4400 4301 2345 6789")
    'My name is <PERSON>, card <CARD>'
    """
    if not isinstance(text, str):
        raise TypeError(f"redact expects a str, got {type(text).__name__}")
    low = text.lower()
    flags, words = _scan(low)
    if not flags:
        return text
    if flags & _NUM:
        new = _redact_numbers(text)
        if new != text:
            text = new
            low = None
    if flags & (_NAME | _PATRO):
        text = _redact_names(text, flags, words, low)
    return text


def _redact_numbers(text: str) -> str:
    if "@" in text:
        text = _sub_email(text)
    if "kz" in text or "KZ" in text or "Kz" in text or "kZ" in text:
        text = _IBAN.sub(_sub_iban, text)
    if _LONG_NUMBER.search(text) is not None:
        text = _redact_runs(text)
    return text


def redact_many(texts: Iterable[str]) -> list[str]:
    """Apply :func:`redact` to each text; ``None``/NaN become ``""``.

    >>> redact_many(["мой номер +7 777 123 45 67", "спасибо"])
    ['мой номер <PHONE>', 'спасибо']
    """
    out = []
    for t in texts:
        if t is None or (isinstance(t, float) and t != t):
            out.append("")
        else:
            out.append(redact(t if isinstance(t, str) else str(t)))
    return out
