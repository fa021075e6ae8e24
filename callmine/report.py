"""The automation opportunity report: orchestration and HTML.

:func:`build_report` reads (or takes) a call log, gives every call a request
type (with a classifier model, from an existing label column, or by
discovering types), runs :func:`callmine.automation.analyze_automation` and
writes three files into the output folder:

* ``automation.csv``: one row per request type, best candidates first;
* ``summary.json``: headline figures, savings, projection and assumptions;
* ``report.html``: one self-contained page (charts are matplotlib PNGs
  embedded as base64, sparklines inline SVG, no JavaScript, no network).

The charts are drawn by :mod:`callmine.charts` and the English/Russian
wording comes from :mod:`callmine.wording`.

Only redacted text reaches the outputs: examples pass through
:func:`callmine.pii.redact`, rare capitalised words are masked, and caller
ids and call ids are never written.

Examples
--------
>>> import pandas as pd, tempfile
>>> calls = pd.DataFrame({"text": ["Абонент: какой статус заявки?"] * 8 + ["Caller: I want to complain!"] * 2,
...                       "request_type": ["application_status"] * 8 + ["complaint"] * 2})
>>> summary = build_report(calls, tempfile.mkdtemp(), label_col="request_type")
>>> summary["top3"]["types"]
['application_status']
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from callmine.io import atomic_path
from callmine.automation import MODES, AutomationConfig, AutomationResult, analyze_automation, _redact
# Charts and wording live in sibling modules; their names stay importable from here.
from callmine.charts import _RC, MODE_COLORS, _png, load_chart, pareto_chart, sparkline  # noqa: F401
from callmine.errors import CallmineError, DataError
from callmine.wording import _NOTES_RU, _REASONS_RU, _T, LANGS, _note, _reason, _short, headline  # noqa: F401,E501

CSV_FIRST = ["rank", "request_type", "calls", "share", "cumulative_share", "cumulative_share_ranked",
             "automation_score", "mode",
             "mode_reason", "volume", "homogeneity", "simplicity", "repeat", "operator_signal",
             "calls_per_day", "mean_handle_s", "operator_hours_per_year", "deflection",
             "calls_freed_per_year", "operator_hours_freed_per_year", "channel_mix",
             "trend_pct_per_month", "similarity", "mean_confidence", "repeat_rate"]


# ---------------------------------------------------------------------------
# Orchestration
# ---------------------------------------------------------------------------

def build_report(calls, out_dir, *, model=None, label_col: str | None = None,
                 config: AutomationConfig | str | os.PathLike | None = None, text_col: str = "text",
                 encoding: str | None = None, lang: str = "en", k="auto", caller_col: str | None = "auto",
                 random_state: int = 0, progress: Callable[[str], None] | None = None) -> dict:
    """Type every call, rank automation candidates and write the report files.

    Parameters
    ----------
    calls : DataFrame or path-like
        The call log, or a file :func:`callmine.io.read_calls` can read.
    out_dir : path-like
        Folder to write ``automation.csv``, ``summary.json`` and ``report.html``
        into (created if needed).
    model : path-like or object, optional
        A classifier file (:func:`callmine.persist.load_model`) or an object with
        ``predict_with_confidence(texts) -> (labels, confidence)``.
    label_col : str, optional
        Use this existing column as the request type (no model, no discovery).
    config : AutomationConfig or path-like, optional
        Assumptions and overrides, or a ``.json``/``.toml``/``.csv`` file of them.
    text_col, encoding : str
        Transcript column; file encoding (default: detected).
    lang : {"en", "ru"}
        Language of the HTML labels.
    k : int or "auto"
        Number of types when discovering.
    caller_col : str, None or "auto"
        Caller-id column for repeat contacts (see :func:`analyze_automation`).
    random_state : int
        Seed for discovery and sampling.
    progress : callable, optional
        Receives a short message before each long step.

    Returns
    -------
    dict
        The summary written to ``summary.json``.
    """
    if lang not in LANGS:
        raise CallmineError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")
    if model is not None and label_col is not None:
        raise CallmineError("give either model or label_col, not both")
    say = progress or (lambda msg: None)
    if not isinstance(config, AutomationConfig):
        from callmine.automation import load_config
        config = load_config(config) if config is not None else AutomationConfig()
    if isinstance(calls, pd.DataFrame):
        df = calls
        if text_col not in df.columns:
            raise DataError(f"calls has no text column {text_col!r}; columns found: "
                            f"{', '.join(map(str, df.columns))}")
    else:
        from callmine.io import read_calls
        say(f"reading {calls}")
        df, rejects = read_calls(calls, text_col=text_col, encoding=encoding,
                                 required=(label_col,) if label_col else ())
        if len(rejects):
            say(f"{len(rejects)} rows without usable text skipped")
    if len(df) == 0:
        raise DataError("the call log has no rows with text")
    df = df.copy()
    texts = df[text_col].astype("string").fillna("").tolist()
    if label_col is not None:
        if label_col not in df.columns:
            raise DataError(f"label_col {label_col!r} is not a column; columns found: "
                            f"{', '.join(map(str, df.columns))}")
        types = df[label_col].astype("string").fillna("other").str.strip()
        df["request_type"] = types.where(types != "", "other")
        source = "labels"
    elif model is not None:
        say(f"classifying {len(df):,} calls")
        labels, conf = classify_texts(model, texts)
        df["request_type"] = labels
        df["confidence"] = conf
        source = "model"
    else:
        from callmine.automation import CALLER_COLUMNS
        who = (next((c for c in CALLER_COLUMNS if c in df.columns), None)
               if caller_col == "auto" else caller_col)
        if who is not None and who not in df.columns:
            raise DataError(f"caller_col {who!r} is not a column; columns found: "
                            f"{', '.join(map(str, df.columns))}")
        say(f"discovering request types in {len(df):,} calls")
        df["request_type"] = discover_types(texts, k=k, random_state=random_state, progress=progress,
                                            callers=None if who is None else df[who].tolist())
        source = "discovery"
        df = df.drop(columns=["confidence"], errors="ignore")
    other = {str(x) for x in config.other_labels}
    if df["request_type"].astype("string").str.strip().fillna("").isin(other | {""}).all():
        what = {"labels": repr(label_col), "model": "request type from the model",
                "discovery": "discovered request type"}[source]
        raise DataError(f"no request type to rank: every call's {what} is blank or out of scope "
                        f"({', '.join(sorted(other, key=list(config.other_labels).index))})")
    result = analyze_automation(df, config, text_col=text_col, caller_col=caller_col,
                                random_state=random_state, progress=say)
    result.summary["source"] = source
    if isinstance(model, (str, os.PathLike)):
        result.summary["model"] = Path(model).name
    say("writing report")
    write_report(result, out_dir, config=config, lang=lang)
    return result.summary


def classify_texts(model, texts: list[str]) -> tuple[list[str], np.ndarray]:
    """Labels and confidences (0..1) from a model object or model file (each distinct text once)."""
    from callmine import batch

    if isinstance(model, (str, os.PathLike)) and not Path(model).is_file():
        raise CallmineError(f"model file {str(model)!r} does not exist")
    labels, conf = batch.predict_texts(batch.load(model), texts)
    return [str(x) for x in labels], np.clip(np.asarray(conf, dtype=float), 0, 1)


def discover_types(texts: list[str], *, k="auto", random_state: int = 0,
                   progress: Callable[[str], None] | None = None, callers=None) -> list[str]:
    """Type labels found by :class:`callmine.discover.RequestTypeDiscoverer` ("other" for outliers).

    ``callers``: who made each call, for the repeat-call edges (see its ``fit``).
    """
    try:
        from callmine.discover import RequestTypeDiscoverer
    except ImportError as exc:
        raise CallmineError("type discovery is unavailable (callmine.discover missing); "
                            "pass --model or --label-col") from exc
    disc = RequestTypeDiscoverer(k=k, profile="fast", random_state=random_state,
                                 verbose=progress or False).fit(texts, callers=callers)
    labels = np.asarray(disc.labels_)
    names = getattr(disc, "type_labels_", None)
    if isinstance(names, pd.Series):
        names = names.to_dict()
    elif names is not None and not isinstance(names, dict):
        names = dict(enumerate(names))
    names = names or {}
    out, used = [], {}
    for c in labels:
        c = int(c)
        if c < 0:
            out.append("other")
            continue
        if c not in used:
            name = _redact(str(names.get(c, f"type_{c}"))).strip() or f"type_{c}"
            if name in used.values() or name == "other":
                name = f"{name} ({c})"
            used[c] = name
        out.append(used[c])
    return out


def write_report(result: AutomationResult, out_dir, *, config: AutomationConfig | None = None,
                 lang: str = "en") -> dict:
    """Write ``automation.csv``, ``summary.json`` and ``report.html``; return their paths."""
    from callmine.io import write_table
    from callmine.writers import make_folder
    config = config or AutomationConfig()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise CallmineError(f"output folder {str(out)!r} exists and is not a folder")
    make_folder(out)  # a file in the way higher up is a clear error too
    paths = {"automation": out / "automation.csv", "summary": out / "summary.json",
             "html": out / "report.html"}
    page = render_html(result, config=config, lang=lang)
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_table(csv_table(result.table), paths["automation"])
        _atomic_text(paths["summary"], json.dumps(result.summary, ensure_ascii=False, indent=2))
        _atomic_text(paths["html"], page)
    except OSError as exc:
        raise CallmineError(f"cannot write the report to {str(out)!r}: {exc.strerror or exc}") from None
    return paths


def csv_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table as written to ``automation.csv`` (documented column order)."""
    first = [c for c in CSV_FIRST if c in table.columns]
    channels = [c for c in table.columns if c.startswith("channel_") and c != "channel_mix"]
    evidence = [c for c in table.columns if c.startswith(("evidence_", "name_evidence_"))]
    last = [c for c in ("top_terms", "examples") if c in table.columns]
    out = table[first + channels + evidence + last].copy()
    out.insert(out.columns.get_loc("mode") + 1, "out_of_scope", table["is_other"].to_numpy())
    return out


def _atomic_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

_CSS = """
body{font-family:"DejaVu Sans",Arial,"Noto Sans",sans-serif;margin:24px auto;max-width:1200px;color:#222;
line-height:1.4;padding:0 16px}
h1{font-size:24px;margin-bottom:4px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd;
padding-bottom:4px}.headline{font-size:18px;margin:8px 0}.muted{color:#666;font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:14px 0}.card{background:#f5f7fa;border-radius:6px;
padding:10px 14px;min-width:150px}.card b{display:block;font-size:20px}.card span{font-size:12px;color:#555}
table{border-collapse:collapse;width:100%;font-size:12px}th,td{border-bottom:1px solid #e6e6e6;padding:4px 6px;
text-align:left;vertical-align:top}th{background:#fafafa;position:sticky;top:0}td.n{text-align:right;
white-space:nowrap}.badge{color:#fff;border-radius:4px;padding:1px 6px;white-space:nowrap;font-size:11px}
.bar{background:#e8eef5;width:70px;height:8px;display:inline-block;margin-right:4px}.bar i{display:block;
height:8px;background:#2166ac}.ex{color:#444;font-size:11px;margin:2px 0}details summary{cursor:pointer;
color:#2166ac}img{max-width:100%}.why{font-size:11px;color:#555;max-width:260px}
"""


def _fmt_int(x) -> str:
    return f"{x:,.0f}".replace(",", "\u202f") if x is not None and np.isfinite(x) else "–"


def _pct(x, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%" if x is not None and np.isfinite(x) else "–"


def render_html(result: AutomationResult, *, config: AutomationConfig | None = None,
                lang: str = "en") -> str:
    """The self-contained HTML page of the report."""
    from callmine import __version__

    if lang not in LANGS:
        raise CallmineError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")
    config = config or AutomationConfig()
    t = _T[lang]
    e = html.escape
    tab, s, proj = result.table, result.summary, result.projection
    top = s["top3"]
    parts = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{e(t['title'])}</title><style>{_CSS}</style></head><body>",
             f"<h1>{e(t['title'])}</h1>"]
    period = s.get("period")
    sub = f"{_fmt_int(s['n_calls'])} {t['calls_word']}"
    if period:
        sub += f" · {period['start']} – {period['end']} ({period['days']} {t['days_word']})"
    sub += f" · {e(t['source'].get(s.get('source', 'labels'), ''))}"
    parts.append(f'<div class="muted">{e(sub)}</div>')
    parts.append('<p class="headline"><b>' + e(headline(
        lang, s["n_types"], len(top["types"]), share=_pct(top["share"]),
        hours=_fmt_int(top["operator_hours_per_year"]))) + "</b></p>")
    if top["types"]:
        names = "; ".join(f"{n} ({t['mode_names'][m]})" for n, m in zip(top["types"], top["modes"]))
        n_auto = sum(v["types"] for m, v in s["by_mode"].items() if m != "operator")
        if config.automate_top is not None:
            n_auto = min(n_auto, config.automate_top)
        parts.append("<p>" + e(t["top3"].format(m=len(top["types"]), names=names, calls3=_fmt_int(top["calls_freed_per_year"]),
                                                hours3=_fmt_int(top["operator_hours_freed_per_year"])))
                     + " " + e(t["savings"].format(n=n_auto,
            calls=_fmt_int(s["savings"]["calls_freed_per_year"]),
            hours=_fmt_int(s["savings"]["operator_hours_freed_per_year"]),
            pct=_pct(s["savings"]["share_of_operator_hours_freed"]))) + "</p>")
    cards = [(_fmt_int(s["calls_per_day"]), t["cards"][0]), (str(s["n_types"]), t["cards"][1]),
             (_fmt_int(s["operator_hours_per_year"]), t["cards"][2]),
             (_fmt_int(s["savings"]["operator_hours_freed_per_year"]), t["cards"][3])]
    if proj is not None and len(proj):
        last = proj.iloc[-1]
        cards.append((f"{_fmt_int(last['operators_fte'])} / {_fmt_int(last['operators_fte_automated'])}",
                      t["cards"][4].format(y=int(last["year"]))))
    parts.append('<div class="cards">' + "".join(
        f'<div class="card"><b>{e(v)}</b><span>{e(lbl)}</span></div>' for v, lbl in cards) + "</div>")

    parts.append(f"<h2>{e(t['pareto'])}</h2>")
    parts.append(f'<img alt="{e(t["pareto"])}" src="{pareto_chart(tab, lang=lang)}">')

    parts.append(f"<h2>{e(t['ranked'])}</h2>")
    parts.append(_ranked_table(result, t))

    parts.append(f"<h2>{e(t['modes'])}</h2>")
    parts.append(_mode_table(tab, t))

    if proj is not None and len(proj):
        title = t["load"].format(g=_pct(config.annual_growth, 0))
        parts.append(f"<h2>{e(title)}</h2>")
        parts.append(f'<img alt="{e(title)}" src="{load_chart(proj, lang=lang)}">')
        parts.append(_projection_table(proj, t))

    parts.append(f"<h2>{e(t['assumptions'])}</h2>")
    parts.append(_assumptions(s, tab, config, t))
    if s.get("notes"):
        parts.append(f"<h2>{e(t['notes'])}</h2><ul>" + "".join(f"<li>{e(_note(n, lang))}</li>" for n in s["notes"])
                     + "</ul>")
    parts.append(f"<h2>{e(t['method'])}</h2>")
    fmt = dict(source=t["source"].get(s.get("source", "labels"), ""), window=config.repeat_window_days,
               thr=config.operator_threshold, min_score=config.min_score, growth=_pct(config.annual_growth, 0),
               interval=config.interval_s / 60, sl=_pct(config.service_level, 0), tt=config.target_time_s,
               occ=_pct(config.max_occupancy, 0), shr=_pct(config.shrinkage, 0), days=config.days_per_year,
               hpy=config.hours_per_operator_year)
    parts.append("<ul>" + "".join(f"<li>{e(p.format(**fmt))}</li>" for p in t["method_text"]) + "</ul>")
    parts.append(f'<p class="muted">{e(t["footer"].format(version=__version__))}</p></body></html>')
    return "\n".join(parts)


def _badge(mode: str, t: dict) -> str:
    return f'<span class="badge" style="background:{MODE_COLORS[mode]}">{html.escape(t["mode_names"][mode])}</span>'


def _ranked_table(result: AutomationResult, t: dict) -> str:
    e = html.escape
    trends = result.trends
    rows = ["<table><thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in t["cols"]) + "</tr></thead><tbody>"]
    for _, r in result.table.iterrows():
        score = float(r["automation_score"])
        spark = sparkline(trends[r["request_type"]]) if r["request_type"] in trends.columns else ""
        trend = r.get("trend_pct_per_month")
        trend_txt = f"{trend:+.1f}{t['per_month']}" if trend is not None and np.isfinite(trend) else ""
        comps = t["comps"].format(v=_num(r["volume"]), h=_num(r["homogeneity"]), s=_num(r["simplicity"]),
                                  r=_num(r["repeat"]), c=_num(r["operator_signal"]))
        examples = [x for x in str(r.get("examples", "") or "").split(" | ") if x]
        ex_html = "".join(f'<div class="ex">«{e(x)}»</div>' for x in examples[:3])
        terms = e(str(r.get("top_terms", "") or ""))
        mix = str(r.get("channel_mix", "") or "")
        rows.append(
            "<tr>"
            f'<td class="n">{int(r["rank"])}</td><td><b>{e(str(r["request_type"]))}</b></td>'
            f'<td class="n">{_fmt_int(r["calls"])}</td><td class="n">{_pct(r["share"])}</td>'
            f'<td class="n">{_pct(r["cumulative_share_ranked"], 0)}</td>'
            f'<td class="n" title="{e(comps)}"><span class="bar"><i style="width:{score * 100:.0f}%"></i></span>'
            f"{score:.2f}</td><td>{_badge(r['mode'], t)}</td>"
            f'<td class="why">{e(_reason(str(r["mode_reason"]), t))}</td>'
            f'<td class="n">{_fmt_int(r["operator_hours_per_year"])}</td><td class="n">{r["mean_handle_s"]:.0f}</td>'
            f'<td>{spark}<div class="muted">{e(trend_txt)}</div></td>'
            f'<td class="why" title="{e(mix)}">{e(", ".join(mix.split(", ")[:2]))}</td>'
            f"<td><div>{terms}</div><details><summary>{e(t['examples'])}</summary>"
            f'<div class="ex muted">{e(comps)}</div>{ex_html}</details></td>'
            "</tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _num(x) -> str:
    return f"{x:.2f}" if x is not None and np.isfinite(x) else "–"


def _mode_table(tab: pd.DataFrame, t: dict) -> str:
    e = html.escape
    rows = ["<table><thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in t["mode_table"]) + "<th></th></tr></thead>"]
    types = tab[~tab["is_other"]]
    for m in MODES:
        sub = types[types["mode"] == m]
        rate = sub["deflection"].mean() if len(sub) else float("nan")
        rows.append(f"<tr><td>{_badge(m, t)}</td><td class='n'>{len(sub)}</td><td class='n'>{_pct(sub['share'].sum())}</td>"
                    f"<td class='n'>{_pct(rate, 0)}</td><td class='n'>{_fmt_int(sub['calls_freed_per_year'].sum())}</td>"
                    f"<td class='n'>{_fmt_int(sub['operator_hours_freed_per_year'].sum())}</td>"
                    f"<td>{e(t['mode_desc'][m])}</td></tr>")
    other = tab[tab["is_other"]]
    if len(other):
        rows.append(f"<tr><td>{e(t['out_of_scope'])}</td><td class='n'>{len(other)}</td>"
                    f"<td class='n'>{_pct(other['share'].sum())}</td><td></td><td></td><td></td>"
                    f"<td>{e(t['out_of_scope_desc'])}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _projection_table(proj: pd.DataFrame, t: dict) -> str:
    e = html.escape
    cols = [("year", t["year"]), ("daily_calls", f"{t['daily_calls']} ({t['without']})"),
            ("daily_calls_automated", f"{t['daily_calls']} ({t['with']})"),
            ("peak_agents", f"{t['peak']} ({t['without']})"), ("peak_agents_automated", f"{t['peak']} ({t['with']})"),
            ("operators_fte", f"{t['fte']} ({t['without']})"), ("operators_fte_automated", f"{t['fte']} ({t['with']})")]
    head = "".join(f"<th>{e(c)}</th>" for _, c in cols)
    body = "".join("<tr>" + "".join(f"<td class='n'>{_fmt_int(r[k])}</td>" for k, _ in cols) + "</tr>"
                   for _, r in proj.iterrows())
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _assumptions(s: dict, tab: pd.DataFrame, config: AutomationConfig, t: dict) -> str:
    e = html.escape
    a = t["assump_rows"]
    proj = s.get("projection") or []
    base = float((tab["calls_per_day"] * tab["mean_handle_s"]).sum() / max(tab["calls_per_day"].sum(), 1e-9))
    rem = tab["calls_per_day"] * (1 - tab["deflection"])
    after = float((rem * tab["mean_handle_s"]).sum() / max(rem.sum(), 1e-9))
    rows = [
        (a["source"], t["source"].get(s.get("source", "labels"), "")),
        (a["deflection"], ", ".join(f"{t['mode_names'][m]} {_pct(config.deflection[m], 0)}" for m in MODES)
         + (f"; per type: {', '.join(f'{k} {_pct(v, 0)}' for k, v in config.type_deflection.items())}"
            if config.type_deflection else "")),
        (a["annual_growth"], _pct(config.annual_growth, 0)), (a["years"], str(config.years)),
        (a["daily_calls"], _fmt_int(config.daily_calls) if config.daily_calls else ""),
        (a["aht"], f"{base:.0f} / {after:.0f}"),
        (a["service_level"], f"{_pct(config.service_level, 0)} / {config.target_time_s:g} s"),
        (a["shrinkage"], _pct(config.shrinkage, 0)), (a["max_occupancy"], _pct(config.max_occupancy, 0)),
        (a["interval_s"], f"{config.interval_s:g}"), (a["hours_per_operator_year"], f"{config.hours_per_operator_year:g}"),
        (a["weights"], ", ".join(f"{k} {v:g}" for k, v in config.weights.items())),
    ]
    if not proj:
        rows = rows[:4] + rows[5:6]
    body = "".join(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"
