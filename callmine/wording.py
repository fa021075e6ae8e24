"""Wording of the automation report in English and Russian (:mod:`callmine.report`).

``_T[lang]`` holds every label, heading and method paragraph of the page and
the charts for ``lang`` in :data:`LANGS`; :func:`_reason` and :func:`_note`
translate the English ``mode_reason`` and data notes of
:func:`callmine.automation.analyze_automation` (the CSV and ``summary.json``
keep the English text).
"""

from __future__ import annotations

import re

LANGS = ("en", "ru")
_T = {
    "en": {
        "title": "Automation opportunity report",
        "headline": "{types}; {top} {share} of calls and {hours} operator-hours a year.",
        "headline_none": "{types}; none is an automation candidate (every type stays with operators).",
        "top3": "Top {m}: {names}; automating them frees {calls3} calls and {hours3} operator-hours a year.",
        "savings": "Automating all {n} automatable types at the assumed deflection rates frees {calls} calls "
                   "and {hours} operator-hours a year ({pct} of operator time).",
        "cards": ["calls per day", "request types", "operator-hours a year", "hours freed a year",
                  "operators in year {y} without / with automation"],
        "pareto": "Pareto: calls by request type", "ranked": "Ranked automation candidates",
        "load": "Load and staffing, {g} annual growth", "modes": "By mode",
        "assumptions": "Assumptions", "method": "Method notes", "notes": "Data notes",
        "cols": ["#", "request type", "calls", "share", "cum.", "score", "mode", "why",
                 "hours/yr", "AHT s", "trend", "channels", "top terms / examples"],
        "mode_names": {"self-service": "self-service", "proactive": "proactive",
                       "eliminate": "eliminate", "operator": "operator"},
        "mode_desc": {"self-service": "informational / how-to: portal page, chatbot or IVR",
                      "proactive": "status and life events: notify or serve by default",
                      "eliminate": "certificates of data the state holds: inter-agency data check",
                      "operator": "complex, emotional or complaint calls: keep a person"},
        "share_axis": "share of calls", "cum_axis": "cumulative share", "others": "others",
        "year": "year", "daily_calls": "calls per day", "fte": "operators (FTE)", "peak": "agents at peak",
        "without": "without automation", "with": "with automation",
        "mode_table": ["mode", "types", "share of calls", "deflection", "calls freed/yr", "hours freed/yr"],
        "assump_rows": {
            "deflection": "Deflection rate per mode (share of a type's calls removed)",
            "annual_growth": "Annual load growth", "years": "Years projected",
            "daily_calls": "Calls per day (scaled to; blank = log's own rate)",
            "aht": "Average handle time now / after automation (s)",
            "service_level": "Service level target", "shrinkage": "Shrinkage",
            "max_occupancy": "Maximum occupancy", "interval_s": "Staffing interval (s)",
            "hours_per_operator_year": "Paid hours per operator a year",
            "weights": "Score weights", "source": "Request types from"},
        "source": {"model": "classifier model", "labels": "existing label column",
                   "discovery": "unsupervised discovery"},
        "calls_word": "calls", "days_word": "d", "per_month": "%/mo",
        "out_of_scope": "out of scope", "out_of_scope_desc": "requests outside the known types (other / unassigned)",
        "comps": "volume {v} · homogeneity {h} · simplicity {s} · repeat {r} · complaint {c}",
        "method_text": [
            "Each call gets a request type ({source}). Per type: calls, share, Pareto cumulative share, "
            "calls per day, mean handle time (duration_s) and operator-hours a year, channel mix, trend "
            "(least-squares slope of monthly, weekly or daily counts, % of the mean per month), homogeneity and repeat "
            "contacts (same caller, same type, within {window:g} days).",
            "Automation score = weighted mean of volume (sqrt of share relative to the largest type), "
            "homogeneity (mean pairwise TF-IDF cosine similarity of the type's calls relative to the "
            "most similar type, averaged with classifier confidence), simplicity (short handle time) and "
            "repeat contacts, times (1 - complaint/emotion signal).",
            "Mode rules, in order: config override; complaint/emotion keywords in the type's calls at or "
            "above {thr:g} -> operator; score below {min_score:g} -> operator; otherwise the strongest "
            "keyword evidence among eliminate, proactive and self-service (editable ru/kk/en lexicons in "
            "callmine/data/lexicons); no evidence -> self-service.",
            "Savings = calls and operator-hours a year times the mode's deflection rate. Load grows "
            "{growth} a year (project_load); agents per {interval:g}-minute interval of a typical day "
            "from Erlang C (required_agents) at {sl} of calls answered within {tt:g} s, occupancy at most "
            "{occ}, shrinkage {shr}; FTE = scheduled agent-hours per day x {days} / {hpy:g} h.",
            "Privacy: examples are redacted (IIN, phone, card, e-mail, IBAN, names) and rare capitalised "
            "words masked; caller and call ids are used only for counting and never written.",
        ],
        "footer": "Generated by callmine {version}. Opens offline; no personal data.",
        "examples": "examples and score components",
    },
    "ru": {
        "title": "Отчёт о возможностях автоматизации",
        "headline": "{types}; {top} — {share} звонков и {hours} часов работы операторов в год.",
        "headline_none": "{types}; ни один не подходит для автоматизации (все остаются у операторов).",
        "top3": "Топ-{m}: {names}; их автоматизация освобождает {calls3} звонков и {hours3} часов операторов в год.",
        "savings": "Автоматизация всех {n} подходящих типов при принятых долях отвода освобождает {calls} "
                   "звонков и {hours} часов операторов в год ({pct} рабочего времени).",
        "cards": ["звонков в день", "типов обращений", "часов операторов в год", "часов освобождается в год",
                  "операторов в году {y}: без / с автоматизацией"],
        "pareto": "Парето: звонки по типам обращений", "ranked": "Кандидаты на автоматизацию",
        "load": "Нагрузка и штат при росте {g} в год", "modes": "По режимам",
        "assumptions": "Допущения", "method": "Методика", "notes": "Замечания о данных",
        "cols": ["№", "тип обращения", "звонки", "доля", "накопл.", "оценка", "режим", "почему",
                 "часов/год", "AHT, с", "тренд", "каналы", "термины / примеры"],
        "mode_names": {"self-service": "самообслуживание", "proactive": "проактивно",
                       "eliminate": "исключить", "operator": "оператор"},
        "mode_desc": {"self-service": "справочные вопросы и «как сделать»: портал, чат-бот, IVR",
                      "proactive": "статусы и жизненные ситуации: уведомить или оказать услугу без заявления",
                      "eliminate": "справки о данных, которые есть у государства: межведомственная проверка",
                      "operator": "сложные, эмоциональные звонки и жалобы: нужен человек"},
        "share_axis": "доля звонков", "cum_axis": "накопленная доля", "others": "прочие",
        "year": "год", "daily_calls": "звонков в день", "fte": "операторов (ставки)", "peak": "операторов в пик",
        "without": "без автоматизации", "with": "с автоматизацией",
        "mode_table": ["режим", "типов", "доля звонков", "доля отвода", "звонков/год", "часов/год"],
        "assump_rows": {
            "deflection": "Доля отвода по режимам (какая часть звонков типа уходит)",
            "annual_growth": "Годовой рост нагрузки", "years": "Лет в прогнозе",
            "daily_calls": "Звонков в день (масштаб; пусто = по журналу)",
            "aht": "Среднее время обработки сейчас / после автоматизации (с)",
            "service_level": "Целевой уровень сервиса", "shrinkage": "Потери рабочего времени (shrinkage)",
            "max_occupancy": "Максимальная загрузка", "interval_s": "Интервал расчёта штата (с)",
            "hours_per_operator_year": "Оплачиваемых часов оператора в год",
            "weights": "Веса оценки", "source": "Источник типов обращений"},
        "source": {"model": "модель-классификатор", "labels": "готовая колонка меток",
                   "discovery": "автоматическое выделение типов"},
        "calls_word": "звонков", "days_word": "дн.", "per_month": "%/мес",
        "out_of_scope": "вне тематики", "out_of_scope_desc": "обращения вне известных типов (other / не распределены)",
        "comps": "объём {v} · однородность {h} · простота {s} · повторы {r} · жалобы {c}",
        "method_text": [
            "Каждому звонку присвоен тип ({source}). По каждому типу: звонки, доля, накопленная доля "
            "(Парето), звонков в день, среднее время обработки (duration_s) и часы операторов в год, "
            "каналы, тренд (наклон месячных, недельных или дневных объёмов, % от среднего в месяц), однородность и повторные "
            "обращения (тот же абонент, тот же тип, в течение {window:g} дней).",
            "Оценка автоматизации = взвешенное среднее объёма (корень из доли относительно крупнейшего "
            "типа), однородности (среднее косинусное сходство TF-IDF звонков типа относительно самого "
            "однородного типа, усреднённое с уверенностью классификатора), простоты (короткие звонки) "
            "и повторных обращений, умноженное на (1 − доля жалоб/эмоций).",
            "Правила выбора режима: переопределение в конфигурации; слова жалоб/эмоций на уровне не ниже "
            "{thr:g} → оператор; оценка ниже {min_score:g} → оператор; иначе самый сильный словарный "
            "признак среди «исключить», «проактивно», «самообслуживание» (редактируемые словари ru/kk/en "
            "в callmine/data/lexicons); без признаков → самообслуживание.",
            "Экономия = звонки и часы в год × доля отвода режима. Нагрузка растёт на {growth} в год "
            "(project_load); операторы на каждый {interval:g}-минутный интервал типичного дня по Erlang C "
            "(required_agents): {sl} звонков с ответом за {tt:g} с, загрузка не выше {occ}, потери {shr}; "
            "ставки = часы операторов в день × {days} / {hpy:g} ч.",
            "Конфиденциальность: примеры обезличены (ИИН, телефон, карта, e-mail, IBAN, имена), редкие "
            "слова с заглавной буквы скрыты; идентификаторы абонентов и звонков только подсчитываются "
            "и нигде не записываются.",
        ],
        "footer": "Создано callmine {version}. Открывается без интернета; персональных данных нет.",
        "examples": "примеры и составляющие оценки",
    },
}


def _ru_plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for ``n``: 1 тип, 2 типа, 5 типов, 11 типов, 21 тип."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def headline(lang: str, n_types: int, n_top: int, share: str = "", hours: str = "",
             names: str | None = None) -> str:
    """The report's one-sentence headline, in the grammar of ``lang`` (``names``: the top types).

    >>> headline("en", 35, 3, "31.8%", "116,820")
    '35 request types; the top 3 automatable types are 31.8% of calls and 116,820 operator-hours a year.'
    >>> headline("en", 1, 1, "40.0%", "10")
    '1 request type; the one automatable type is 40.0% of calls and 10 operator-hours a year.'
    >>> headline("ru", 2, 2, "50,0%", "7")
    '2 типа обращений; два лучших кандидата на автоматизацию — 50,0% звонков и 7 часов работы операторов в год.'
    >>> headline("ru", 21, 0)
    '21 тип обращений; ни один не подходит для автоматизации (все остаются у операторов).'
    """
    t = _T[lang]
    named = f" ({names})" if names else ""
    if lang == "ru":
        types = f"{n_types} " + _ru_plural(n_types, "тип", "типа", "типов") + " обращений"
        top = {1: "единственный кандидат на автоматизацию", 2: "два лучших кандидата на автоматизацию",
               3: "три лучших кандидата на автоматизацию"}.get(n_top, f"{n_top} лучших кандидатов "
                                                                   "на автоматизацию") + named
    else:
        types = f"{n_types} request type" + ("" if n_types == 1 else "s")
        top = (f"the one automatable type{named} is" if n_top == 1
               else f"the top {n_top} automatable types{named} are")
    if n_top == 0:
        return t["headline_none"].format(types=types)
    return t["headline"].format(types=types, top=top, share=share, hours=hours)


def _short(s: str, n: int) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1] + "…"


_REASONS_RU = [
    (r"^out-of-scope or unassigned requests$", "вне тематики или не распределены"),
    (r"^config override$", "задано в конфигурации"),
    (r"^complaint/emotion evidence ", "признаки жалобы/эмоций "),
    (r"^automation score ", "оценка автоматизации "),
    (r"^no keyword evidence; templated enough to automate$", "ключевых слов нет; запросы достаточно шаблонны"),
]
_NOTES_RU = [
    (r"^The log has ([\d,]+) calls a day; figures are scaled to ([\d,]+) calls a day \(daily_calls\)\.$",
     r"В журнале \1 звонков в день; показатели пересчитаны на \2 звонков в день (daily_calls)."),
    (r"^No started_at: the log is assumed to represent 14,000 calls a day \(set daily_calls to change\)\.$",
     "Нет started_at: принято, что журнал соответствует 14 000 звонков в день (задаётся daily_calls)."),
    (r"^No duration_s: handle time assumed (\d+) s for every type\.$",
     r"Нет duration_s: время обработки принято \1 с для всех типов."),
    (r"^duration_s has no usable values: handle time assumed (\d+) s\.$",
     r"В duration_s нет пригодных значений: время обработки принято \1 с."),
    (r"^started_at could not be read as dates: .*$",
     "started_at не читается как даты: тренды не построены, дневная нагрузка принята."),
    (r"^([\d,]+) calls have no readable started_at \(first at row (\d+)\); .*$",
     r"У \1 звонков started_at не читается (первый в строке \2); период, тренды и профиль дня "
     r"построены по остальным."),
    (r"^([\d,]+) calls have a zero, negative or over-24-hour duration_s; .*$",
     r"У \1 звонков duration_s нулевое, отрицательное или больше суток; они не учтены во времени обработки."),
    (r"^no '(.+)' column: .*$", r"Нет колонки '\1': нет сходства, терминов, примеров и словарных признаков."),
    (r"^Forecasting/staffing functions unavailable: .*$",
     "Функции прогноза и расчёта штата недоступны: показаны только звонки и часы."),
]


def _note(note: str, lang: str) -> str:
    """A data note in the report's language."""
    if lang == "ru":
        for pattern, ru in _NOTES_RU:
            if re.match(pattern, note):
                return re.sub(pattern, ru, note)
    return note


def _reason(reason: str, t: dict) -> str:
    """``mode_reason`` in the report's language (the CSV keeps the English text)."""
    if t is not _T["ru"]:
        return reason
    for pattern, ru in _REASONS_RU:
        if re.search(pattern, reason):
            return re.sub(pattern, ru, reason)
    m = re.match(r"^(self-service|proactive|eliminate) evidence (.*)$", reason)
    return f"признаки режима «{t['mode_names'][m.group(1)]}» {m.group(2)}" if m else reason
