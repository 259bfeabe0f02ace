"""Plots of the HTML report: matplotlib figures written as inline SVG with text kept as text.

Every figure is built on a bare :class:`matplotlib.figure.Figure` (no pyplot, no global
backend switch) inside :func:`style`, and :func:`svg_text` turns it into an ``<svg>`` element
for the page, so a report opens with no network and its labels stay text: searchable,
selectable and drawn by the reader's browser with the reader's fonts.

The generic helpers take plain arrays so a batch summary (``gdc screen``) can reuse them:
:func:`bar_chart` (stacked or grouped bars, vertical or horizontal), :func:`heatmap_axes`,
:func:`svg_text`, :func:`png_bytes`. The report's figures (:func:`energy_flows`,
:func:`balance_bars`, :func:`heatmaps`, :func:`dispatch_weeks`, :func:`threshold_path`,
:func:`cost_breakdown`) take a :class:`~gdc.operation.balance.Balance` and :class:`~gdc.profiles.series.Profiles`;
:func:`cash_flow_cumulative` takes the finance block of a result (``result.extra['finance']``).

Fonts: the SVG names the font stack :data:`SVG_FONT_FAMILY` (DejaVu Sans / Verdana for Latin,
then the common CJK fonts of Windows, macOS and Linux), so Chinese labels need a CJK font only
where the report is read, not where it is written. Matplotlib lays the figure out with the
fonts it has: :func:`cjk_font` looks for a CJK one (Noto Sans CJK, Source Han, WenQuanYi,
SimHei, Microsoft YaHei, PingFang, ...; on Debian ``apt-get install fonts-noto-cjk``) so that
Chinese text is measured right; without one, Chinese labels are measured narrower than the
browser draws them (the legends leave room for that) and nothing is printed about it.
``GDC_PLOT_NO_CJK=1`` lays out as if no CJK font were installed. Heat maps (images) are the
only raster parts of a figure.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from gdc.report.text import word

#: Colours of the flows, the same in every plot.
COLOURS = {
    "re_load": "#2e8b57",
    "storage_load": "#20b2aa",
    "storage_grid": "#9ad9d4",
    "re_storage": "#7fd3c8",
    "grid_storage": "#c9c9c9",
    "export": "#1f6fb4",
    "curtail": "#f28e2b",
    "loss": "#b07aa1",
    "import_load": "#8c8c8c",
    "unserved": "#222222",
    "available": "#1b5e20",
    "load": "#000000",
    "threshold": "#c0392b",
    "value": "#1f6fb4",
}
#: Figure width [in]: about the text width of an A4 page, so fonts keep their size in print.
WIDTH = 9.0
DPI = 150
BASE_FONT = 12

CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans CJK JP",
    "Noto Sans CJK TC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei",
    "PingFang SC", "Hiragino Sans GB", "Droid Sans Fallback", "AR PL UMing CN", "Noto Serif CJK SC",
)
_CJK_FILE_HINTS = ("notosanscjk", "notoserifcjk", "sourcehan", "wqy", "droidsansfallback", "simhei",
                   "msyh", "pingfang", "uming", "ukai", "notosanssc")
NO_CJK_ENV = "GDC_PLOT_NO_CJK"
#: CSS font stack of the text in the SVG figures: Latin from DejaVu Sans (the font matplotlib
#: measures with) or Verdana (about the same widths), Chinese from the first CJK font the
#: reader's system has.
SVG_FONT_FAMILY = ("'DejaVu Sans', Verdana, 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', "
                   "'Microsoft YaHei', 'PingFang SC', 'Hiragino Sans GB', 'WenQuanYi Micro Hei', "
                   "'WenQuanYi Zen Hei', SimHei, 'Droid Sans Fallback', sans-serif")
_MISSING_GLYPH = r"Glyph .* missing from font"


def _has_glyph(family: str, char: str = "电") -> bool:
    from matplotlib import font_manager as fm
    from matplotlib.ft2font import FT2Font

    try:
        path = fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
        return FT2Font(path).get_char_index(ord(char)) != 0
    except (ValueError, RuntimeError, OSError):
        return False


@lru_cache(maxsize=1)
def _find_cjk_font() -> str | None:
    from matplotlib import font_manager as fm

    def known() -> str | None:
        names = {f.name for f in fm.fontManager.ttflist}
        for fam in CJK_FAMILIES:
            if fam in names and _has_glyph(fam):
                return fam
        return None

    found = known()
    if found is None:
        # fonts installed after matplotlib built its font cache are not in it: add them
        for path in fm.findSystemFonts():
            name = Path(path).name.lower().replace("-", "").replace("_", "")
            if any(h in name for h in _CJK_FILE_HINTS):
                try:
                    fm.fontManager.addfont(path)
                except (RuntimeError, OSError, ValueError):
                    continue
        found = known()
    return found


def cjk_font() -> str | None:
    """The name of a font family with Chinese glyphs that matplotlib can use, or None."""
    if os.environ.get(NO_CJK_ENV) == "1":
        return None
    return _find_cjk_font()


@contextmanager
def style(lang: str = "en") -> Iterator[None]:
    """Matplotlib settings of every report figure: print-size fonts, text kept as text in SVG.

    Latin text is measured with DejaVu Sans (shipped with matplotlib), Chinese with the CJK font
    :func:`cjk_font` finds, if any. ``lang`` does not change the settings (a figure in English may
    still hold a Chinese site or cost item name). Matplotlib's warnings about glyphs missing from
    its fonts are silenced: the browser draws those glyphs, not matplotlib.
    """
    import matplotlib

    families = ["DejaVu Sans"]
    fam = cjk_font()
    if fam:
        families.append(fam)  # per-glyph fallback: Latin from DejaVu, Chinese from the CJK font
    rc = {
        "font.family": families, "font.size": BASE_FONT,
        "axes.titlesize": BASE_FONT + 1, "axes.labelsize": BASE_FONT, "legend.fontsize": BASE_FONT - 1,
        "xtick.labelsize": BASE_FONT - 1, "ytick.labelsize": BASE_FONT - 1, "axes.spines.top": False,
        "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3, "axes.unicode_minus": True,
        "figure.dpi": 100, "savefig.dpi": DPI, "svg.fonttype": "none", "svg.image_inline": True,
    }
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_MISSING_GLYPH, category=UserWarning)
        yield


def new_figure(height: float, width: float = WIDTH, **kwargs: Any):
    """A bare Figure (rendered by Agg; no pyplot state). Call inside :func:`style`."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained", **kwargs)


def png_bytes(fig) -> bytes:
    """The figure as PNG (Chinese glyphs only where matplotlib has a CJK font)."""
    buf = io.BytesIO()
    with style():
        fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


_SVG_START = re.compile(r"\A.*?(?=<svg\b)", re.S)
_SVG_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_SVG_FONT = re.compile(r"font-family: [^;\"]*")


def svg_text(fig, label: str = "") -> str:
    """The figure as an ``<svg>`` element to put inline in HTML, text kept as ``<text>``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    label : str
        Accessible name of the image (``aria-label``).

    Returns
    -------
    str
        The SVG without XML declaration, doctype and metadata; every text's font family is
        :data:`SVG_FONT_FAMILY`; clip-path and image ids are unique to this figure (matplotlib
        salts them with a random UUID), so several figures can share a page. Heat-map images are
        embedded as PNG at :data:`DPI`.
    """
    from html import escape

    buf = io.StringIO()
    with style():
        fig.savefig(buf, format="svg", dpi=DPI, facecolor="white", metadata={"Date": None})
    text = _SVG_METADATA.sub("", _SVG_START.sub("", buf.getvalue(), count=1), count=1)
    text = _SVG_FONT.sub("font-family: " + SVG_FONT_FAMILY.replace('"', "'"), text)
    attrs = '<svg role="img"' + (f' aria-label="{escape(label, quote=True)}"' if label else "")
    return text.replace("<svg", attrs, 1).strip()


def _energy_unit(max_mwh: float, lang: str) -> tuple[float, str]:
    """Divisor and axis label: GWh for large energies, else MWh."""
    if max_mwh >= 20_000:
        return 1000.0, word("energy_gwh", lang)
    return 1.0, word("energy_mwh", lang)


# ----------------------------------------------------------------------------- generic helpers


def bar_chart(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], *,
              ylabel: str = "", title: str = "", lang: str = "en", stacked: bool = True,
              horizontal: bool = False, height: float = 4.5, width: float = WIDTH, legend_cols: int = 3,
              value_labels: bool = False, fmt: str = "{:,.0f}"):
    """Bars of several series over categories (e.g. sites of a batch, months, cost items).

    Parameters
    ----------
    categories : sequence of str
    series : sequence of (label, values, colour)
        Negative values stack below zero (stacked bars).
    ylabel, title : str
    stacked : bool
        Stack the series (else side by side).
    horizontal : bool
        Horizontal bars (long category names).
    value_labels : bool
        Write each bar's value at its end (unstacked single series).
    """
    with style(lang):
        fig = new_figure(height, width)
        ax = fig.add_subplot()
        n = len(categories)
        x = np.arange(n)
        pos_base, neg_base = np.zeros(n), np.zeros(n)
        k = max(1, len(series))
        bw = 0.75 if stacked else 0.8 / k
        for i, (label, values, colour) in enumerate(series):
            v = np.asarray(values, dtype=float)
            if stacked:
                base = np.where(v >= 0, pos_base, neg_base)
                pos = x
            else:
                base = np.zeros(n)
                pos = x - 0.4 + bw * (i + 0.5)
            draw = ax.barh if horizontal else ax.bar
            kw = {"left": base, "height": bw} if horizontal else {"bottom": base, "width": bw}
            bars = draw(pos, v, color=colour, label=label, **kw)
            if value_labels:
                ax.bar_label(bars, labels=[fmt.format(a) for a in v], padding=3, fontsize=BASE_FONT - 1)
            if stacked:
                pos_base += np.where(v >= 0, v, 0.0)
                neg_base += np.where(v < 0, v, 0.0)
        if horizontal:
            ax.set_yticks(x, categories)
            ax.invert_yaxis()
            ax.set_xlabel(ylabel)
            ax.grid(axis="y", visible=False)
        else:
            ax.set_xticks(x, categories)
            ax.set_ylabel(ylabel)
            ax.grid(axis="x", visible=False)
        if (neg_base < 0).any():
            (ax.axvline if horizontal else ax.axhline)(0, color="black", linewidth=0.8)
        if title:
            ax.set_title(title)
        if len(series) > 1:
            fig.legend(loc="outside lower center", ncols=min(legend_cols, len(series)), frameon=False)
    return fig


def heatmap_axes(ax, matrix: np.ndarray, *, title: str, cbar_label: str, cmap: str, fig,
                 xticks: tuple[Sequence[float], Sequence[str]] | None = None, xlabel: str = "",
                 ylabel: str = "", vmax: float | None = None) -> None:
    """One heat map (rows: hour of day 0-23, columns: days) on an Axes, with a colour bar."""
    rows, cols = matrix.shape
    im = ax.imshow(matrix, aspect="auto", origin="lower", cmap=cmap, interpolation="nearest",
                   extent=(-0.5, cols - 0.5, -0.5, rows - 0.5), vmin=0.0,
                   vmax=vmax if vmax is not None else max(float(np.nanmax(matrix, initial=0.0)), 1e-9),
                   rasterized=True)
    ax.set_title(title)
    ax.set_yticks([0, 6, 12, 18, 23])
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    ax.grid(False)
    if xticks is not None:
        ax.set_xticks(list(xticks[0]), list(xticks[1]))
    cb = fig.colorbar(im, ax=ax, pad=0.01, aspect=12)
    cb.solids.set_rasterized(True)  # 256 colour cells: one small image instead of 256 paths
    cb.set_label(cbar_label)


# ----------------------------------------------------------------------------- aggregates


def _tot(w: np.ndarray, x: np.ndarray) -> float:
    return float(np.dot(w, x))


def flow_totals(balance) -> dict[str, float]:
    """Annual energy flows [MWh/yr] of a balance, split for the flow bars.

    ``available = re_load + storage_load + export + curtail + loss`` (renewable side) and
    ``load = re_load + storage_load + storage_grid + import_load + unserved`` (load side);
    ``export`` is renewable export (direct plus renewable storage discharge), ``loss`` the
    renewable storage losses (and any net storage gain), ``export_grid`` grid-charged export.
    """
    b = balance
    w = b.weights
    out = {
        "available": _tot(w, b.available), "load": _tot(w, b.load), "re_load": _tot(w, b.re_to_load),
        "storage_load": _tot(w, b.storage_to_load_re), "storage_grid": _tot(w, b.storage_to_load_grid),
        "re_storage": _tot(w, b.re_to_storage), "grid_storage": _tot(w, b.grid_to_storage),
        "export": _tot(w, b.re_export + b.storage_to_export - b.storage_to_export_grid),
        "export_grid": _tot(w, b.storage_to_export_grid), "curtail": _tot(w, b.curtailment),
        "import_load": _tot(w, b.grid_to_load), "unserved": _tot(w, b.unserved),
        "import": _tot(w, b.import_), "export_total": _tot(w, b.export),
    }
    out["loss"] = max(0.0, out["available"] - out["re_load"] - out["storage_load"] - out["export"]
                      - out["curtail"])
    return out


def group_sums(balance, groups: np.ndarray, n: int, weighted: bool = True) -> dict[str, np.ndarray]:
    """Energy flows summed by group (e.g. month 0-11, or representative day) [MWh].

    With ``weighted`` each row counts its weight (annual energy); without, once (one day).
    """
    b = balance
    w = b.weights if weighted else np.ones_like(b.weights)

    def s(x: np.ndarray) -> np.ndarray:
        return np.bincount(groups, weights=w * x, minlength=n)[:n]

    return {
        "re_load": s(b.re_to_load), "storage_load": s(b.storage_to_load_re),
        "storage_grid": s(b.storage_to_load_grid), "import_load": s(b.grid_to_load),
        "unserved": s(b.unserved), "export": s(b.export), "curtail": s(b.curtailment),
        "available": s(b.available), "load": s(b.load), "import": s(b.import_),
        "charge": s(b.re_to_storage + b.grid_to_storage),
        "discharge": s(b.storage_to_load + b.storage_to_export),
    }


# ----------------------------------------------------------------------------- report figures


def energy_flows(balance, lang: str = "en"):
    """Two stacked bars: where the available renewable energy goes, and where the load's comes from."""
    f = flow_totals(balance)
    div, unit = _energy_unit(max(f["available"], f["load"]), lang)
    rows = [
        ("bar_available", [("re_load", "flow_re_load"), ("storage_load", "flow_storage_load"),
                           ("loss", "flow_loss"), ("export", "flow_export"), ("curtail", "flow_curtail")]),
        ("bar_load", [("re_load", "flow_re_load"), ("storage_load", "flow_storage_load"),
                      ("storage_grid", "flow_storage_grid"), ("import_load", "flow_import"),
                      ("unserved", "flow_unserved")]),
    ]
    with style(lang):
        fig = new_figure(3.6)
        ax = fig.add_subplot()
        span = max(f["available"], f["load"], 1e-9) / div
        seen: set[str] = set()
        for i, (bar_key, parts) in enumerate(rows):
            total = f["available"] if bar_key == "bar_available" else f["load"]
            left = 0.0
            for key, label_key in parts:
                v = f[key] / div
                if f[key] <= 1e-6 * max(total, 1.0):
                    continue
                label = word(label_key, lang) if key not in seen else None
                seen.add(key)
                ax.barh(i, v, left=left, height=0.6, color=COLOURS[key], label=label, edgecolor="white")
                share = 100.0 * f[key] / total if total > 0 else 0.0
                if v / span > 0.07:
                    dark = key in ("re_load", "export", "import_load", "unserved", "loss")
                    ax.text(left + v / 2, i, f"{v:,.1f}\n{share:.0f} %" if div > 1 else f"{v:,.0f}\n{share:.0f} %",
                            ha="center", va="center", fontsize=BASE_FONT - 1,
                            color="white" if dark else "black")
                left += v
        ax.set_yticks([0, 1], [word(k, lang) for k, _ in rows])
        ax.invert_yaxis()
        ax.set_xlabel(unit)
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside lower center", ncols=3, frameon=False)
    return fig


def _balance_series(sums: dict[str, np.ndarray], div: float, lang: str) -> list[tuple[str, np.ndarray, str]]:
    series = [
        (word("flow_re_load", lang), sums["re_load"] / div, COLOURS["re_load"]),
        (word("flow_storage_load", lang), sums["storage_load"] / div, COLOURS["storage_load"]),
        (word("flow_storage_grid", lang), sums["storage_grid"] / div, COLOURS["storage_grid"]),
        (word("flow_import", lang), sums["import_load"] / div, COLOURS["import_load"]),
        (word("flow_unserved", lang), sums["unserved"] / div, COLOURS["unserved"]),
        (word("flow_export", lang), -sums["export"] / div, COLOURS["export"]),
        (word("flow_curtail", lang), -sums["curtail"] / div, COLOURS["curtail"]),
    ]
    return [s for s in series if np.abs(s[1]).max(initial=0.0) > 0]


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_labels(lang: str) -> list[str]:
    return [f"{m}月" for m in range(1, 13)] if lang == "zh" else list(MONTHS_EN)


def day_groups(balance) -> tuple[np.ndarray, int, np.ndarray]:
    """Row -> representative day index, number of days, days each stands for."""
    nd = balance.hours // 24
    return np.repeat(np.arange(nd), 24), nd, balance.weights.reshape(nd, 24)[:, 0]


def balance_bars(balance, profiles, lang: str = "en"):
    """Monthly energy balance (full year), or one day of each representative day.

    Above zero: where the load's energy comes from (the bars add up to the load); below
    zero: renewable energy exported or curtailed; diamonds: available renewables.
    """
    if profiles.is_full_year and profiles.month is not None:
        sums = group_sums(balance, profiles.month.astype(int) - 1, 12)
        cats = month_labels(lang)
        div, unit = _energy_unit(float(max(sums["available"].max(), sums["load"].max())) * 12, lang)
        xlabel = ""
    else:
        groups, nd, days = day_groups(balance)
        sums = group_sums(balance, groups, nd, weighted=False)
        cats = [str(i + 1) for i in range(nd)]
        div, unit = 1.0, word("energy_day_mwh", lang)
        same = np.allclose(days, days[0])
        xlabel = word("rep_day", lang) + (f" (× {days[0]:g} {word('days_each', lang)})" if same else "")
        if not same:
            cats = [f"{i + 1}\n×{d:g}" for i, d in enumerate(days)]
    series = _balance_series(sums, div, lang)
    fig = bar_chart(cats, series, ylabel=unit, lang=lang, height=5.0, legend_cols=4)
    with style(lang):
        ax = fig.axes[0]
        ax.plot(np.arange(len(cats)), sums["available"] / div, "D", color=COLOURS["available"],
                markersize=6, label=word("flow_available", lang))
        if xlabel:
            ax.set_xlabel(xlabel)
        for leg in fig.legends:
            leg.remove()
        handles, labels = ax.get_legend_handles_labels()
        order = [i for i, lab in enumerate(labels) if lab != word("flow_available", lang)]
        order += [i for i in range(len(labels)) if i not in order]
        fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside lower center",
                   ncols=4, frameon=False)
    return fig


def _day_matrix(x: np.ndarray) -> np.ndarray:
    """Hourly values as (24 hours, days)."""
    n = len(x) // 24
    return x[: n * 24].reshape(n, 24).T


def heatmaps(balance, profiles, lang: str = "en"):
    """Heat maps of import, export and (with storage) state of charge: hour of day x day."""
    full = profiles.is_full_year and profiles.index is not None
    panels = [(word("import", lang) + " [MW]", balance.import_, "Purples", None),
              (word("export", lang) + " [MW]", balance.export, "Blues", None)]
    st = balance.storage
    if st.exists:
        panels.append((word("soc", lang) + " [%]", 100.0 * balance.soc / st.energy_mwh, "viridis", 100.0))
    xticks = None
    if full:
        days = profiles.index[::24]
        starts = [i for i, d in enumerate(days) if d.day == 1]
        labels = month_labels(lang)
        xticks = (starts, [labels[days[i].month - 1] for i in starts])
        xlabel = word("day_of_year", lang)
    else:
        nd = balance.hours // 24
        step = max(1, nd // 12)
        xticks = (list(range(0, nd, step)), [str(i + 1) for i in range(0, nd, step)])
        xlabel = word("rep_day", lang)
    with style(lang):
        fig = new_figure(2.6 * len(panels) + 0.4)
        axes = fig.subplots(len(panels), 1, sharex=True)
        for k, (ax, (label, series, cmap, vmax)) in enumerate(zip(np.atleast_1d(axes), panels, strict=True)):
            heatmap_axes(ax, _day_matrix(series), title=label, cbar_label=label.split(" [")[-1].rstrip("]"),
                         cmap=cmap, fig=fig, xticks=xticks, vmax=vmax,
                         xlabel=xlabel if k == len(panels) - 1 else "", ylabel=word("hour_of_day", lang))
    return fig


SEASONS = (("season_winter", 1), ("season_spring", 4), ("season_summer", 7), ("season_autumn", 10))


def week_windows(profiles) -> list[tuple[str, slice]]:
    """(season key, rows) of one week per season: from the 15th of January, April, July, October."""
    idx = profiles.index
    out = []
    year = idx[0].year
    import pandas as pd

    for key, month in SEASONS:
        start = int(np.searchsorted(idx.values, np.datetime64(pd.Timestamp(year, month, 15))))
        start = min(start, max(0, len(idx) - 168))
        out.append((key, slice(start, min(start + 168, len(idx)))))
    return out


def _dispatch_panel(ax, b, rows: slice, lang: str, legend: bool) -> None:
    x = np.arange(rows.stop - rows.start)
    pos = [("re_load", b.re_to_load[rows], "flow_re_load"),
           ("storage_load", b.storage_to_load[rows], "flow_storage_all"),
           ("import_load", b.grid_to_load[rows], "flow_import"),
           ("unserved", b.unserved[rows], "flow_unserved")]
    neg = [("re_storage", b.re_to_storage[rows] + b.grid_to_storage[rows], "flow_charge"),
           ("export", b.export[rows], "flow_export"),
           ("curtail", b.curtailment[rows], "flow_curtail")]
    for stack, sign in ((pos, 1.0), (neg, -1.0)):
        base = np.zeros(len(x))
        for key, values, label in stack:
            if values.max(initial=0.0) <= 0:
                if legend and key != "unserved":
                    ax.fill_between([], [], color=COLOURS[key], label=word(label, lang))
                continue
            top = base + sign * values
            ax.fill_between(x, base, top, step="post", color=COLOURS[key], linewidth=0,
                            label=word(label, lang) if legend else None)
            base = top
    ax.step(x, b.load[rows], where="post", color=COLOURS["load"], linewidth=1.4,
            label=word("load", lang) if legend else None)
    ax.step(x, b.available[rows], where="post", color=COLOURS["available"], linewidth=1.1,
            linestyle="--", label=word("flow_available", lang) if legend else None)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlim(0, len(x))
    ax.set_xticks(range(0, len(x) + 1, 24))
    ax.set_ylabel(word("power_mw", lang))


def dispatch_weeks(balance, profiles, lang: str = "en"):
    """Stacked hourly dispatch: a week per season (full year), else the representative days.

    Above zero: supply of the load (renewables, storage, grid); below zero: storage charging,
    export, curtailment; lines: load and available renewables [MW].
    """
    b = balance
    if profiles.is_full_year and profiles.index is not None:
        windows = week_windows(profiles)
        titles = [f"{word(k, lang)}: {word('week_of', lang)} {profiles.index[s.start]:%Y-%m-%d}"
                  for k, s in windows]
        xticklabels = [[f"{d:%m-%d}" for d in profiles.index[s.start:s.stop + 1:24]] for _, s in windows]
    else:
        _, nd, days = day_groups(b)
        per = 6
        windows, titles, xticklabels = [], [], []
        for first in range(0, min(nd, 4 * per), per):
            last = min(nd, first + per)
            windows.append(("", slice(first * 24, last * 24)))
            span = f"{first + 1}" if last == first + 1 else f"{first + 1}–{last}"
            titles.append(f"{word('rep_day', lang)} {span}")
            xticklabels.append([f"{i + 1} (×{days[i]:g})" for i in range(first, last)] + [""])
    with style(lang):
        fig = new_figure(2.3 * len(windows) + 1.0)
        axes = np.atleast_1d(fig.subplots(len(windows), 1, sharey=True))
        for k, (ax, (_, rows)) in enumerate(zip(axes, windows, strict=True)):
            _dispatch_panel(ax, b, rows, lang, legend=k == 0)
            ax.set_title(titles[k])
            ticks = ax.get_xticks()
            ax.set_xticks(ticks, xticklabels[k][: len(ticks)], ha="left")
        fig.legend(loc="outside lower center", ncols=4, frameon=False)
    return fig


def threshold_path(name: str, schedule: dict[int, Any], op: str, unit: str, value: float | None,
                   year: int, lang: str = "en"):
    """A year-dependent threshold by year, against the project's value (constant design).

    Parameters
    ----------
    name : str
        The rule's name.
    schedule : dict of int to float
        Threshold by year (:func:`gdc.rules.ruleset.threshold_schedule`).
    op : str
        The rule's operator (``>=`` passes above the line).
    value : float or None
        The project's value (the same design every year).
    year : int
        The evaluation year (marked).
    """
    years = [y for y, t in schedule.items() if isinstance(t, int | float) and not isinstance(t, bool)]
    thr = np.array([float(schedule[y]) for y in years])
    with style(lang):
        fig = new_figure(3.8)
        ax = fig.add_subplot()
        ax.plot(years, thr, drawstyle="steps-post", color=COLOURS["threshold"], linewidth=2,
                marker="o", label=f"{word('threshold', lang)} ({op})")
        lo = min(float(thr.min(initial=np.inf)), value if value is not None else np.inf)
        hi = max(float(thr.max(initial=-np.inf)), value if value is not None else -np.inf)
        pad = max(2.0, 0.15 * (hi - lo))
        ylo, yhi = lo - pad, hi + pad
        fail_lo = op in (">=", ">")
        ax.fill_between(years, ylo if fail_lo else thr, thr if fail_lo else yhi, step="post",
                        color=COLOURS["threshold"], alpha=0.08, linewidth=0,
                        label=word("fail", lang))
        if value is not None:
            ax.axhline(value, color=COLOURS["value"], linestyle="--", linewidth=1.6,
                       label=f"{word('project_value', lang)} {value:.2f} {unit}")
            ax.plot([year], [value], "o", color=COLOURS["value"], markersize=9)
        ax.axvline(year, color="grey", linestyle=":", linewidth=1.2)
        ax.annotate(f"{word('evaluation_year', lang)} {year}", (year, yhi), xytext=(4, -14),
                    textcoords="offset points", fontsize=BASE_FONT - 1, color="dimgrey")
        ax.set_ylim(ylo, yhi)
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_ylabel(f"{word('value', lang)} / {word('threshold', lang)} [{unit}]")
        ax.set_title(name)
        ax.legend(loc="best", frameon=True)
    return fig


def cost_breakdown(cost: dict[str, Any], lang: str = "en"):
    """Horizontal bars of the cost items (``result.extra['cost']``) [10^4 CNY/yr, 万元/年]."""
    items = sorted(cost.get("items", []), key=lambda i: -abs(float(i.get("cny_per_year", 0.0))))
    names = [str(i.get("name_zh" if lang == "zh" else "name_en") or i.get("name_en") or "?") for i in items]
    values = [float(i.get("cny_per_year", 0.0)) / 1e4 for i in items]
    label = "万元/年" if lang == "zh" else "10⁴ CNY/yr"
    return bar_chart(names, [(label, values, "#4c72b0")], ylabel=label, lang=lang, horizontal=True,
                     height=1.2 + 0.45 * max(1, len(items)), value_labels=True)


def user_shares(allocation, lang: str = "en"):
    """One horizontal bar per user of a multi-user site: self-use S_u and grid supply [MWh or GWh].

    Each bar is labelled with the user's green share S_u / L_u [%]; a red tick marks a stated
    minimum green share (as a point on the user's load, ``min x L_u``).

    Parameters
    ----------
    allocation : gdc.operation.allocation.Allocation
    lang : {'en', 'zh'}
    """
    users = allocation.users
    div, unit = _energy_unit(max([u.load_mwh for u in users] + [1.0]), lang)
    zh = lang == "zh"
    with style(lang):
        fig = new_figure(1.2 + 0.55 * len(users))
        ax = fig.add_subplot()
        y = np.arange(len(users))
        s = np.array([u.self_use_mwh for u in users]) / div
        g = np.array([u.import_mwh + u.unserved_mwh for u in users]) / div
        ax.barh(y, s, height=0.6, color=COLOURS["re_load"], label="自发自用 S_u" if zh else "self-use S_u")
        ax.barh(y, g, left=s, height=0.6, color=COLOURS["import_load"],
                label="电网供电" if zh else "from the grid")
        shown = False
        for i, u in enumerate(users):
            share = u.green_share_pct
            if np.isfinite(share):
                ax.text(s[i] + g[i], i, f"  {share:.1f} %", va="center", fontsize=BASE_FONT - 1)
            if u.min_green_share is not None:
                ax.plot([u.min_green_share / 100 * u.load_mwh / div] * 2, [i - 0.38, i + 0.38],
                        color=COLOURS["threshold"], linewidth=2.5,
                        label=None if shown else ("最低绿电占比" if zh else "minimum green share"))
                shown = True
        ax.set_yticks(y, [u.name for u in users])
        ax.invert_yaxis()
        ax.set_xlabel(unit)
        ax.set_xlim(0, max(float((s + g).max(initial=0.0)), 1e-9) * 1.15)
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside lower center", ncols=3, frameon=False)
    return fig


def cash_flow_cumulative(finance: dict[str, Any], lang: str = "en"):
    """Cumulative net cash flow to project and to equity by year, t = 0..N [10^4 CNY, 万元].

    ``cum_t = sum_{k<=t} net_k`` of the cash-flow table (``result.extra['finance']``, see
    :meth:`gdc.finance.cashflow.FinanceResult.as_dict`); a dotted vertical line marks the
    project's payback year ``finance['payback_years']`` (interpolated within the year, as the
    lines between the year-end points are), labelled with its value. No line when the project
    does not pay back within the evaluation years. A staged build's later additions
    (``finance['life']['stages']``, t > 0) are dashed lines labelled with their stage year, and the
    years the battery is renewed (rows with a ``storage_replacement_cny``) triangles on the
    project line.

    Parameters
    ----------
    finance : dict
        ``cash_flows`` (one row a year, t = 0 first, with ``net_project_cny`` and
        ``net_equity_cny``, optionally ``storage_replacement_cny``), ``payback_years`` (or None)
        and optionally ``life.stages`` (``[{stage_year, t, investment_cny}]``).
    lang : {'en', 'zh'}
    """
    rows = finance["cash_flows"]
    years = np.array([int(r["year"]) for r in rows])
    project = np.cumsum([float(r["net_project_cny"]) for r in rows]) / 1e4
    equity = np.cumsum([float(r["net_equity_cny"]) for r in rows]) / 1e4
    from matplotlib.ticker import StrMethodFormatter

    payback = finance.get("payback_years")
    zh = lang == "zh"
    with style(lang):
        fig = new_figure(4.2)
        ax = fig.add_subplot()
        ax.plot(years, project, marker="o", markersize=4, linewidth=2, color=COLOURS["value"],
                label="项目累计净现金流" if zh else "cumulative net to project")
        ax.plot(years, equity, marker="s", markersize=4, linewidth=2, color=COLOURS["re_load"],
                label="资本金累计净现金流" if zh else "cumulative net to equity")
        ax.axhline(0.0, color="black", linewidth=0.8)
        renewed = [i for i, r in enumerate(rows) if float(r.get("storage_replacement_cny") or 0.0) != 0.0]
        if renewed:
            ax.plot(years[renewed], project[renewed], "v", markersize=8, color=COLOURS["threshold"],
                    label="更换电池" if zh else "battery renewed")
        for st in ((finance.get("life") or {}).get("stages") or [])[1:]:
            t = int(st["t"])
            ax.axvline(t, color=COLOURS["export"], linestyle="--", linewidth=1.2)
            ax.annotate(f"分期新增 {st['stage_year']}" if zh else f"addition {st['stage_year']}", (t, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(3, -12), textcoords="offset points",
                        fontsize=BASE_FONT - 1, color=COLOURS["export"])
        if payback is not None:
            ax.axvline(payback, color=COLOURS["threshold"], linestyle=":", linewidth=1.6)
            ax.plot([payback], [0.0], "o", color=COLOURS["threshold"], markersize=8)
            ax.annotate(f"投资回收期 {payback:.2f} 年" if zh else f"payback {payback:.2f} years",
                        (payback, 0.0), xytext=(6, 8), textcoords="offset points", fontsize=BASE_FONT - 1,
                        color=COLOURS["threshold"])
        ax.set_xlabel("年（第0年为建设期）" if zh else "year (0: investment)")
        ax.set_ylabel("万元" if zh else "10⁴ CNY")
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        fig.legend(loc="outside lower center", ncols=2, frameon=False)
    return fig
