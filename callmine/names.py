"""Names in call transcripts: self-introductions and full names (used by :mod:`callmine.pii`).

:func:`redact_names` replaces with ``<PERSON>`` the name a speaker gives after a
self-introduction ("меня зовут ...", "менің атым ...", "my name is ...",
"с вами говорит оператор ...") and full names written with a patronymic
("Иванов Иван Иванович", "Ерлан Маратұлы"). See ``docs/text.md`` for the rules.

Examples
--------
>>> from callmine.names import redact_names
>>> redact_names("Менің атым Айгүл Серікқызы, маған анықтама керек")
'Менің атым <PERSON>, маған анықтама керек'
"""

from __future__ import annotations

import re
from importlib import resources

from callmine.stopwords import stop_words

__all__ = ["redact_names", "redact_reply_name", "trigger_words", "chunk_trigger_words", "given_names",
           "chunk_given_name"]

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
_PATRO_END = re.compile(_PATRONYMIC + "$")
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
    хочу хотел хотела звоню узнать подскажите скажите пожалуйста спасибо
    оператор клиент абонент маман специалист консультант agent operator customer
    единого единый контакт центра центр электронного правительства call center
    сізді тыңдап тұрмын слушаю вас
    """.split()
)

_PERSON = "<PERSON>"
_STOP = stop_words("all")


def _read_first_names() -> frozenset:
    """The shipped list of frequent given names (``callmine/data/names/first_names.txt``)."""
    text = (resources.files("callmine") / "data" / "names" / "first_names.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


# Given names that, next to a surname, make a full name without any introduction
# ("это Асхат Сериков", "сериков асхат"); the list is in the data file.
_FIRST_NAMES = _read_first_names()
# plural nouns ending like surnames (-ов/-ев), said right after a word that is also a name
_SURNAME_LIKE_WORDS = frozenset(
    """документов штрафов налогов месяцев годов часов адресов вопросов номеров кодов талонов
    счетов договоров отделов банков сотрудников операторов специалистов пенсионеров
    получателей родственников работников студентов товаров процентов""".split()
)
# a word in a Kazakh case form is not a name given in an introduction (-тан/-тен left
# out: Нұрсұлтан, Дастан)
_KK_CASE_FORM = re.compile(r"(?:ға|ге|қа|ке|дан|ден|нан|нен|да|де|ды|ді|ты|ті|ны|ні|ның|нің|мен)$")
# frequent words right after a name in calls: never taken as a surname
_COMMON_AFTER_NAME = frozenset(
    """хочу хотел хотела звоню звонил звонила нужна нужно нужен нужны справка пенсия
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


def _is_surname(word: str, name_is_ascii: bool) -> bool:
    """``word`` (as written) can be the surname next to a given name from the list."""
    lw = word.lower()
    if lw in _STOP or lw in _NOT_NAME or lw in _COMMON_AFTER_NAME or lw in _SURNAME_LIKE_WORDS:
        return False
    if name_is_ascii:  # "John Smith": Latin names only when both words are capitalised
        return word.isascii() and word[0].isupper() and not word.isupper() and len(word) > 1
    return lw in _SHORT_SURNAMES or (_surname_like(lw) and _KK_CASE_FORM.search(lw) is None)


def _name_pairs(text: str, low: str, name: str, spans: list) -> None:
    """A listed given name next to a surname, with no introduction: "это Асхат Сериков",
    "сериков асхат", "Смагулова Айгуль Маратовна", "John Smith" (both capitalised)."""
    n = len(low)
    i = low.find(name)
    while i != -1:
        j = i + len(name)
        if (i == 0 or not low[i - 1].isalpha()) and (j == n or not low[j].isalpha()):
            latin = name.isascii()
            if latin and not text[i].isupper():
                i = low.find(name, j)
                continue
            start, end = i, j
            sp = j
            while sp < n and text[sp] == " ":
                sp += 1
            nxt = _NAME_WORD.match(text, sp) if sp > j else None
            if nxt is not None and _is_surname(nxt.group(), latin):
                end = nxt.end()
            k = i  # the word before, by hand (a regular-expression search here costs more)
            while k > 0 and text[k - 1] in " \t":
                k -= 1
            e = k
            while k > 0 and text[k - 1].isalpha():
                k -= 1
            if k < e < i and _is_surname(text[k:e], latin):
                start = k
            span = (start, end) if (start, end) != (i, j) else None
            if span is not None:
                sp = span[1]
                while sp < n and text[sp] == " ":
                    sp += 1
                third = _NAME_WORD.match(text, sp) if sp > span[1] else None
                lt = third.group().lower() if third is not None else ""
                if _PATRO_END.search(lt) is not None and _surname_like(lt) and lt not in _COMMON_AFTER_NAME:
                    span = (span[0], third.end())  # and the patronymic after them
                spans.append(span)
        i = low.find(name, j)


# The operator asks for the caller's name: the reply may be the bare name ("Асхат").
_NAME_QUESTION = re.compile(
    r"как\s+(?:вас|тебя)\s+зовут|как\s+к\s+вам\s+обращаться|ваше\s+(?:имя|фио|ф\.\s?и\.\s?о|фамили)"
    r"|представьтесь|назовите\s+(?:пожалуйста\s+)?(?:ваше\s+|сво[её]\s+)?(?:имя|фио|фамили)"
    r"|атыңыз|аты-жөніңіз|аты\s+жөніңіз|есіміңіз|тегіңіз"
    r"|your\s+(?:full\s+|first\s+)?name|who\s+am\s+i\s+(?:speaking|talking)\s+(?:to|with)"
)
# quick test before the regular expression: every question holds one of these
_NAME_QUESTION_HINTS = ("зовут", "обращаться", "имя", "фио", "ф.и.о", "фамили", "представьтесь",
                        "атыңыз", "аты-жөн", "аты жөн", "есім", "тегіңіз", "name", "speaking", "talking")
# words a reply may start with before the name ("да, Асхат", "иә, Айгүл", "yes, Dana")
_REPLY_LEAD = re.compile(
    r"(?:\s*(?:да|иә|ия|ә|yes|yeah|sure|это|бұл|ну|э+|мм+|эм+|uh|um|er|well)\b[\s,.:;—–-]*)+", re.I)


def redact_reply_name(question: str, reply: str) -> str:
    """Redact the name at the start of ``reply`` when ``question`` asks for the caller's name.

    A caller asked "Как вас зовут?" / "Атыңыз кім?" / "What is your name?"
    often answers with the bare name, which no introduction phrase
    announces. The reply's leading name (after "да", "иә", "yes", fillers) is
    taken as :func:`redact_names` takes the name after "меня зовут": a first
    name, and a surname or patronymic after it.

    >>> redact_reply_name("Как вас зовут?", "Асхат Сериков, я по поводу пенсии")
    '<PERSON>, я по поводу пенсии'
    >>> redact_reply_name("Чем могу помочь?", "Асхат просил узнать")
    'Асхат просил узнать'
    """
    low = question[-160:].lower()  # the question ends the operator's turn
    if not any(h in low for h in _NAME_QUESTION_HINTS) or _NAME_QUESTION.search(low) is None:
        return reply
    lead = _REPLY_LEAD.match(reply)
    start = lead.end() if lead else 0
    first = _NAME_WORD.search(reply, start)
    if first is None or first.group().lower() in _STOP:  # "меня зовут ...": an introduction
        return reply
    span = _name_span(reply, start, strict=False)
    if span is None:
        return reply
    return reply[:span[0]] + _PERSON + reply[span[1]:]


def redact_names(
    text: str,
    *,
    introductions: bool = True,
    full_names: bool = True,
    name_pairs: bool = True,
    words: set | None = None,
    given: set | None = None,
    low: str | None = None,
) -> str:
    """Replace names given in self-introductions and full names with ``<PERSON>``.

    Parameters
    ----------
    text : str
    introductions : bool, default=True
        Names after trigger phrases ("меня зовут", "менің атым", "my name is",
        "оператор", ...).
    full_names : bool, default=True
        Capitalised names ending in a patronymic anywhere ("Иванов Иван Иванович").
    name_pairs : bool, default=True
        A given name of the shipped list next to a surname, with no
        introduction ("это Асхат Сериков", "сериков асхат";
        ``callmine/data/names/first_names.txt``).
    words : set of str, optional
        The trigger words present in ``text`` when the caller already knows them
        (the fast path of :func:`callmine.pii.redact`); found here when None.
    given : set of str, optional
        The listed given names present (lower case), likewise.
    low : str, optional
        ``text.lower()`` when the caller has it.

    >>> redact_names("Меня зовут Айгерим, мне нужна справка")
    'Меня зовут <PERSON>, мне нужна справка'
    """
    spans = []
    if introductions:
        if low is None:
            low = text.lower()
        if len(low) == len(text):
            n = len(low)
            if words is None:
                words = trigger_words(low)
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
    if full_names:
        _full_names(text, spans)
    if name_pairs:
        if low is None:
            low = text.lower()
        if len(low) == len(text):
            for name in (given_names(low) if given is None else given):
                _name_pairs(text, low, name, spans)
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


_PIECES = re.compile(r"[^\w'.\-]+")
_STRIP = ",.!?;»\")…"


def chunk_trigger_words(chunk: str) -> tuple[str, ...]:
    """Trigger words in one lower-case whitespace-separated chunk ("здравствуйте,меня" -> ("меня",))."""
    w = chunk.rstrip(_STRIP)
    if w in _TRIGGER_WORDS:
        return (w,)
    if w.isalpha() or (w[-1:] == ":" and w[:-1].isalpha()):  # "оператор:" is a turn marker
        return ()
    return tuple(
        p if p in _TRIGGER_WORDS else p.rstrip(".")
        for p in _PIECES.split(w)
        if p in _TRIGGER_WORDS or p.rstrip(".") in _TRIGGER_WORDS
    )


def chunk_given_name(chunk: str) -> str | None:
    """The listed given name that the lower-case chunk ``chunk`` is ("асхат," -> "асхат"), or None."""
    w = chunk.rstrip(_STRIP).lstrip("(«\"")
    if w in _FIRST_NAMES or ("ё" in w and w.replace("ё", "е") in _FIRST_NAMES):
        return w
    return None


def given_names(low: str) -> set[str]:
    """The listed given names in the lower-cased text ``low`` (as written there)."""
    found = set()
    for c in set(low.split()):
        w = chunk_given_name(c)
        if w is not None:
            found.add(w)
    return found


def trigger_words(low: str) -> set[str]:
    """The trigger words present in the lower-cased text ``low``."""
    found: set[str] = set()
    for c in set(low.split()):
        found.update(chunk_trigger_words(c))
    return found
