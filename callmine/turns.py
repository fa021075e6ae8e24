"""Speaker turns of a call transcript: who said what (used by :mod:`callmine.text`).

Turn markers such as ``Оператор:``, ``Абонент:``, ``Клиент:``, ``Маман:``,
``Қоңырау шалушы:``, ``Agent:``, ``Caller:``, ``Operator:``, ``Customer:``
(any case, optionally in brackets; ``О:``/``К:`` at the start of a line;
``Спикер 1:``) are found from each colon backwards, without scanning the
whole text with a regular expression.

Examples
--------
>>> from callmine.turns import customer_side
>>> customer_side("Оператор: Слушаю вас. Клиент: Нужна справка.")
'Нужна справка.'
"""

from __future__ import annotations

import re
from typing import Callable

__all__ = ["split_turns", "customer_side", "customer_parts", "operator_parts", "strip_markers",
           "utterance_parts"]


_OPERATOR_ROLES = (
    "оператор",
    "маман",
    "специалист",
    "консультант",
    "сотрудник",
    "кеңесші",
    "agent",
    "operator",
    "support",
    "оп",
)
_CUSTOMER_ROLES = (
    "абонент",
    "клиент",
    "звонящий",
    "заявитель",
    "гражданин",
    "пользователь",
    "қоңырау шалушы",
    "қоңырау шалған",
    "тұтынушы",
    "азамат",
    "пайдаланушы",
    "caller",
    "customer",
    "client",
    "user",
)
_NUMBERED_ROLES = frozenset({"спикер", "speaker", "говорящий", "участник", "participant"})
_ROLE_OF = {r: "operator" for r in _OPERATOR_ROLES} | {r: "customer" for r in _CUSTOMER_ROLES}
# one-letter markers count only at the start of a line ("О:", "К:", "А:")
_SHORT_ROLE = {"о": "operator", "o": "operator", "а": "customer", "a": "customer",
               "к": "customer", "c": "customer"}
_SPACE = " \t"


_SECOND_WORDS = {r.split()[1] for r in _ROLE_OF if " " in r}
_NON_WORD = re.compile(r"[^\w]+")


def _word_ending_at(text: str, j: int) -> tuple[int, str]:
    """Start and lower-cased text of the word that ends at ``j`` (punctuation cut off)."""
    k = max(text.rfind(" ", 0, j), text.rfind("\n", 0, j), text.rfind("\t", 0, j)) + 1
    w = text[k:j]
    if not w.isalnum():
        last = _NON_WORD.split(w)[-1]
        k = j - len(last)
        w = last
    return k, w.lower()


def _marker_at(text: str, i: int) -> tuple[str, int] | None:
    """If the colon at ``i`` ends a turn marker, return (role, marker start)."""
    j = i
    while j and text[j - 1] in _SPACE:
        j -= 1
    if j and text[j - 1] in "])":
        j -= 1
    k, w = _word_ending_at(text, j)
    if not w:
        return None
    role = _ROLE_OF.get(w)
    start = k
    if role is None:
        if w.isdigit() or w in _SECOND_WORDS:
            k2 = k
            while k2 and text[k2 - 1] in _SPACE:
                k2 -= 1
            k3, w2 = _word_ending_at(text, k2) if k2 < k else (k2, "")
            if w2 and w.isdigit() and w2 in _NUMBERED_ROLES:
                role, start = "unknown", k3
            elif w2 and f"{w2} {w}" in _ROLE_OF:
                role, start = _ROLE_OF[f"{w2} {w}"], k3
            else:
                return None
        elif w in _SHORT_ROLE:
            line_start = text.rfind("\n", 0, k) + 1
            if text[line_start:k].strip(_SPACE + "[("):
                return None
            role = _SHORT_ROLE[w]
        else:
            return None
    if start and text[start - 1] in "[(":
        start -= 1
    return role, start


def _markers(text: str) -> list[tuple[str, int, int]]:
    """All turn markers as (role, start, end) with ``end`` just after the colon."""
    found = []
    i = text.find(":")
    while i != -1:
        m = _marker_at(text, i)
        if m is not None:
            found.append((m[0], m[1], i + 1))
        i = text.find(":", i + 1)
    return found


def split_turns(text: str) -> list[tuple[str, str]]:
    """Split a transcript into ``(role, utterance)`` turns.

    Turn markers such as ``Оператор:``, ``Абонент:``, ``Клиент:``,
    ``Маман:``, ``Қоңырау шалушы:``, ``Agent:``, ``Caller:``,
    ``Operator:``, ``Customer:`` (any case, optionally in brackets) start a
    turn. Roles are ``'operator'``, ``'customer'`` or ``'unknown'`` (text
    before the first marker, or markers such as ``Спикер 1:``). Empty
    utterances are dropped; a text without markers is one ``'unknown'`` turn.

    >>> split_turns("Оператор: Здравствуйте! Клиент: Мне нужна справка.")
    [('operator', 'Здравствуйте!'), ('customer', 'Мне нужна справка.')]
    """
    if ":" not in text:
        t = text.strip()
        return [("unknown", t)] if t else []
    return _turns(text, _markers(text))


def _turns(text: str, found: list[tuple[str, int, int]],
           reply_to: Callable[[str, str], str] | None = None) -> list[tuple[str, str]]:
    """The non-empty ``(role, utterance)`` turns between the markers ``found`` in ``text``.

    ``reply_to(operator_turn, customer_turn)`` rewrites each customer turn
    right after an operator's (see :func:`customer_parts`).
    """
    turns = []
    pos = 0
    role = "unknown"
    last_role, last = None, ""
    for r, start, end in found + [(None, len(text), len(text))]:
        utt = text[pos:start].strip()
        if utt:
            if reply_to is not None and role == "customer" and last_role == "operator":
                utt = reply_to(last, utt)
            turns.append((role, utt))
            last_role, last = role, utt
        role = r
        pos = end
    return turns


def customer_parts(text: str, reply_to: Callable[[str, str], str] | None = None) -> list[str]:
    """What the customer said, one string per turn (see :func:`customer_side`).

    ``[text]`` when the text has no turn markers, or markers but neither a
    customer's nor an operator's turn. Redacting each part separately (as
    :func:`callmine.normalize.speaker_text` does) keeps a name span from
    running across a turn boundary and never spends time on the operator.
    ``reply_to(operator_turn, customer_turn)``, when given, rewrites each
    customer turn that answers an operator's turn (used to redact a name
    given in reply to "how may I call you?").

    >>> customer_parts("Оператор: Слушаю. Клиент: Нужна справка. Оператор: Да. Клиент: Спасибо")
    ['Нужна справка.', 'Спасибо']
    """
    if ":" not in text:
        return [text]
    found = _markers(text)
    if not found:
        return [text]
    said = {"customer": [], "operator": [], "unknown": []}
    for role, utt in _turns(text, found, reply_to):
        said[role].append(utt)
    if said["customer"]:
        return said["customer"]
    if said["operator"]:
        return said["unknown"]
    return [text]


def operator_parts(text: str, reply_to: Callable[[str, str], str] | None = None) -> list[str]:
    """What the operator said, one string per turn; ``[]`` when no operator turn is marked.

    A text without turn markers (an SMS, a chat message, a customer-only
    transcript) has no operator side. ``reply_to`` is accepted for symmetry
    with :func:`customer_parts` and only rewrites customer turns, so it does
    not change the result. Used to describe how the operator answered
    (:class:`callmine.discover.RequestTypeDiscoverer`, ``answers``).

    >>> operator_parts("Оператор: Слушаю. Клиент: Нужна справка. Оператор: Закажите на egov.")
    ['Слушаю.', 'Закажите на egov.']
    >>> operator_parts("нужна справка")
    []
    """
    if ":" not in text:
        return []
    found = _markers(text)
    if not found:
        return []
    return [utt for role, utt in _turns(text, found) if role == "operator"]


def customer_side(text: str) -> str:
    """Return only what the customer said (the whole text if there are no markers).

    Customer turns are joined with a space. When markers exist but none is a
    customer's, the turns that are not the operator's are returned (``""``
    if the operator is the only speaker).

    >>> customer_side("Маман: Сәлеметсіз бе! Қоңырау шалушы: Маған анықтама керек.")
    'Маған анықтама керек.'
    >>> customer_side("мне нужна справка")
    'мне нужна справка'
    """
    if ":" not in text:
        return text
    return " ".join(customer_parts(text))


def utterance_parts(text: str, reply_to: Callable[[str, str], str] | None = None) -> list[str]:
    """All utterances without their turn markers, one string per turn (``[text]`` without markers).

    ``reply_to`` as in :func:`customer_parts`.

    >>> utterance_parts("Оператор: Слушаю. Клиент: Нужна справка.")
    ['Слушаю.', 'Нужна справка.']
    """
    if ":" not in text:
        return [text]
    found = _markers(text)
    if not found:
        return [text]
    return [utt for _, utt in _turns(text, found, reply_to)]


def strip_markers(text: str) -> str:
    """Return all utterances without their turn markers (the text itself if it has none).

    >>> strip_markers("Оператор: Слушаю. Клиент: Нужна справка.")
    'Слушаю. Нужна справка.'
    """
    if ":" not in text:
        return text
    return " ".join(utterance_parts(text))
