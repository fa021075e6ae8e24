"""Charts of the automation report: matplotlib PNGs as data URIs and inline SVG sparklines.

No pyplot state is used (each chart is its own ``Figure``); DejaVu Sans has
Cyrillic and Kazakh letters. The images are embedded in the self-contained
``report.html`` written by :func:`callmine.report.build_report`.

Examples
--------
>>> sparkline([3, 5, 4]).startswith('<svg class="spark"')
True
"""

from __future__ import annotations

import base64
import io
import warnings

import numpy as np
import pandas as pd

from callmine.automation_config import MODES
from callmine.wording import _T, _short

MODE_COLORS = {"proactive": "#1b9e77", "eliminate": "#7570b3", "self-service": "#d95f02",
               "operator": "#999999"}
_RC = {"font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False,
       "axes.spines.right": False, "svg.fonttype": "path"}


def _png(fig) -> str:
    buf = io.BytesIO()
    with warnings.catch_warnings():  # a type name with an emoji: a box in the chart, not a warning
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def pareto_chart(table: pd.DataFrame, *, lang: str = "en", max_types: int = 25) -> str:
    """Bars of each type's share (coloured by mode) and the cumulative share; a PNG data URI."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    t = _T[lang]
    d = table.sort_values(["calls", "request_type"], ascending=[False, True], kind="mergesort")
    names, shares, colors = list(d["request_type"]), list(d["share"]), [MODE_COLORS[m] for m in d["mode"]]
    if len(d) > max_types:
        rest = float(sum(shares[max_types - 1:]))
        names, shares, colors = names[:max_types - 1] + [t["others"]], shares[:max_types - 1] + [rest], \
            colors[:max_types - 1] + ["#cccccc"]
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(max(6.5, 0.38 * len(names) + 2), 4.2))
        ax = fig.add_subplot()
        x = np.arange(len(names))
        ax.bar(x, np.asarray(shares) * 100, color=colors)
        ax.set_ylabel(t["share_axis"] + ", %")
        ax.set_xticks(x, [_short(n, 28).replace("$", r"\$") for n in names], rotation=60, ha="right")
        ax2 = ax.twinx()
        ax2.plot(x, np.cumsum(shares) * 100, color="#333333", marker="o", ms=3, lw=1.2)
        ax2.axhline(80, color="#bbbbbb", lw=0.8, ls="--")
        ax2.set_ylim(0, 102)
        ax2.set_ylabel(t["cum_axis"] + ", %")
        ax2.spines["right"].set_visible(True)
        handles = [Patch(color=MODE_COLORS[m], label=t["mode_names"][m]) for m in MODES]
        ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(handles),
                  frameon=False, fontsize=8)
        return _png(fig)


def load_chart(projection: pd.DataFrame, *, lang: str = "en") -> str:
    """Daily calls and operators (FTE) per year with and without automation; a PNG data URI."""
    import matplotlib
    from matplotlib.figure import Figure

    t = _T[lang]
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(9, 3.4))
        axes = fig.subplots(1, 2)
        y = projection["year"]
        for ax, (a, b, label) in zip(axes, [("daily_calls", "daily_calls_automated", t["daily_calls"]),
                                             ("operators_fte", "operators_fte_automated", t["fte"])]):
            ax.plot(y, projection[a], marker="o", color="#b2182b", label=t["without"])
            ax.plot(y, projection[b], marker="o", color="#1b9e77", label=t["with"])
            ax.fill_between(y, projection[b], projection[a], color="#1b9e77", alpha=0.12)
            ax.set_xlabel(t["year"])
            ax.set_title(label, fontsize=10)
            ax.set_ylim(bottom=0)
            ax.set_xticks(list(y))
            ax.grid(axis="y", color="#eeeeee")
        axes[0].legend(frameon=False, fontsize=8, loc="lower right")
        fig.tight_layout()
        return _png(fig)


def sparkline(values, *, width: int = 110, height: int = 26) -> str:
    """An inline SVG polyline of a series (empty string for fewer than 2 points)."""
    v = np.asarray(list(values), dtype=float)
    if v.size < 2 or not np.isfinite(v).all():
        return ""
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo or 1.0
    xs = np.linspace(1, width - 1, v.size)
    ys = height - 2 - (v - lo) / span * (height - 4)
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img"><polyline fill="none" stroke="#2166ac" '
            f'stroke-width="1.3" points="{pts}"/></svg>')
