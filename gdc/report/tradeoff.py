"""Tables and plots of a sensitivity or Pareto study (``gdc size --sensitivity / --pareto``).

Everything here takes the study as plain data (:meth:`gdc.screen.points.Study.as_dict`: ``study``
``sensitivity`` or ``pareto``, ``points`` one row each, ``base``), so the HTML report reads it from
``result.extra["study"]`` as it reads the finance block.

- :func:`study_table`: headers and formatted rows, one per point (terminal, HTML);
- :func:`tornado_chart`: for each parameter, the change of a result (cost [%], project IRR [pp])
  at the range's two ends, parameters sorted by their swing;
- :func:`capacity_lines`: the sized capacities against each parameter's change;
- :func:`tradeoff_chart`: the least cost and the capacities at each level of a Pareto rule,
  infeasible levels marked;
- :func:`study_html` (a report section), :func:`study_page` (a page of its own),
  :func:`write_study_csv` and :func:`write_study_xlsx` (text cells guarded: :mod:`gdc.exchange.cells`).

Figures are built as in :mod:`gdc.report.plots` (a bare Figure inside :func:`~gdc.report.plots.style`,
inline SVG with text kept as text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from gdc.report.plots import BASE_FONT, COLOURS, new_figure, style

#: Columns of the study tables: key, English, Chinese, format ("" text). Money in 10^4 CNY (万元).
COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("status", "status", "结论", ""),
    ("cost_cny_per_year", "cost [10^4 CNY/yr]", "年成本 [万元/年]", "wan"),
    ("cost_change_pct", "cost change [%]", "成本变化 [%]", "+.2f"),
    ("pv_mw", "PV [MW]", "光伏 [MW]", ".1f"),
    ("wind_mw", "wind [MW]", "风电 [MW]", ".1f"),
    ("storage", "storage [MW/MWh]", "储能 [MW/MWh]", "storage"),
    ("project_irr_pct", "project IRR [%]", "项目IRR [%]", ".2f"),
    ("npv_cny", "NPV [10^4 CNY]", "净现值 [万元]", "wan"),
    ("composite_price_cny_per_kwh", "composite [CNY/kWh]", "综合电价 [元/kWh]", ".4f"),
)
#: Columns of the CSV and workbook (raw numbers, CNY), in this order when present.
EXPORT_COLUMNS = ("id", "parameter", "change_pct", "value", "rule", "level", "status", "cost_cny_per_year",
                  "cost_change_pct", "cost_cny_per_mwh", "pv_mw", "wind_mw", "storage_power_mw",
                  "storage_energy_mwh", "initial_investment_cny", "npv_cny", "project_irr_pct", "irr_change_pp",
                  "equity_irr_pct", "payback_years", "lcoe_cny_per_mwh", "composite_price_cny_per_kwh",
                  "green_power_price_cny_per_kwh", "self_use_share", "load_share", "export_share", "binding_rule",
                  "sizing", "certified_full_year", "advice", "error", "run_time_s")
#: Columns of the points that are structured data, kept out of the CSV and the workbook (in --json).
NESTED_COLUMNS = ("advice_items",)


_OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def _fmt(x: Any, fmt: str) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "-"
    if fmt == "":
        return str(x)
    if fmt == "wan":
        return f"{float(x) / 1e4:,.1f}"
    return format(float(x), fmt)


def _storage(r: dict[str, Any]) -> str:
    p, e = r.get("storage_power_mw"), r.get("storage_energy_mwh")
    return "-" if p is None or e is None else f"{p:.1f} / {e:.1f}"


def _advice(r: dict[str, Any], lang: str) -> str:
    """An infeasible point's least-change advice in ``lang`` (``advice_items``), else ''."""
    items = r.get("advice_items") or []
    if not items:
        return ("单独调整任一容量边界均无法使其可行" if lang == "zh" else "") if r.get("advice") else ""
    from gdc.optimise.advice import advice_sentence

    return "; ".join(advice_sentence(a, lang) for a in items)


def _label(study: dict[str, Any], name: str, lang: str) -> str:
    for p in study.get("parameters", []):
        if p["name"] == name:
            return p["label_zh" if lang == "zh" else "label_en"]
    return name


def _status(x: str, lang: str) -> str:
    from gdc.report.text import word

    zh = {"infeasible": "不可行", "error": "错误"}
    return zh.get(x, word(x, lang)) if lang == "zh" else word(x, lang)


def study_table(study: dict[str, Any], lang: str = "en") -> tuple[list[str], list[list[str]], set[int]]:
    """Headers, formatted rows and the right-aligned columns of a study's table.

    A sensitivity starts with ``parameter``, ``change [%]`` and the parameter's ``value``; a
    Pareto with the rule's ``level``, and ends with the note (the advice of an infeasible level,
    the message of an error).
    """
    zh = lang == "zh"
    cols = [c for c in COLUMNS if c[0] != "cost_change_pct" or study["study"] == "sensitivity"]
    if study["study"] == "sensitivity":
        head = ["参数" if zh else "parameter", "变化 [%]" if zh else "change [%]", "取值" if zh else "value"]
        units = {p["name"]: p["unit"] for p in study.get("parameters", [])}
    else:
        unit = study.get("unit") or ""
        head = [f"{study['rule']} {_OPS.get(study.get('op') or '', study.get('op') or '')} [{unit}]".replace("  ", " ")]
    headers = head + [c[2] if zh else c[1] for c in cols] + ["说明" if zh else "note"]
    rows = []
    for r in study["points"]:
        if study["study"] == "sensitivity":
            name = r.get("parameter", "")
            value = r.get("value")
            unit = units.get(name, "")
            if name == "base":
                first = ["基准" if zh else "base", "0", "-"]
            else:
                shown = "-" if value is None else (f"x{value:.2f}" if unit == "x" else
                                                   f"{value:.2f} %" if unit == "%" else f"{value:,.0f} {unit}")
                first = [_label(study, name, lang), f"{r.get('change_pct', 0.0):+g}", shown]
        else:
            first = [f"{r.get('level'):g}"]
        cells = [_status(r.get("status", ""), lang) if k == "status" else _storage(r) if k == "storage"
                 else _fmt(r.get(k), f) for k, _, _, f in cols]
        note = _advice(r, lang) or r.get("advice") or r.get("error") or ""
        if r.get("certified_full_year") is False:
            note = ("未经全年校核" if zh else "not certified on the full year") + (f"; {note}" if note else "")
        rows.append(first + cells + [note])
    first_numeric = 1 if study["study"] == "sensitivity" else 0
    right = {i for i in range(first_numeric, len(headers) - 1) if i != len(head)}
    return headers, rows, right


# ----------------------------------------------------------------------------- figures


def _ends(study: dict[str, Any], key: str) -> list[tuple[str, float | None, float | None]]:
    """For each parameter: (name, the result's change at -range, at +range)."""
    rng = float(study.get("range_pct", 0.0))
    out = []
    for p in study.get("parameters", []):
        low = high = None
        for r in study["points"]:
            if r.get("parameter") != p["name"]:
                continue
            if abs(float(r.get("change_pct", 0.0)) + rng) < 1e-9:
                low = r.get(key)
            elif abs(float(r.get("change_pct", 0.0)) - rng) < 1e-9:
                high = r.get(key)
        out.append((p["name"], low, high))
    return out


def tornado_chart(study: dict[str, Any], key: str = "cost_change_pct", lang: str = "en"):
    """The tornado chart of one result: a bar per parameter from the base to its value at -range
    (one colour) and at +range (the other), the widest swing on top.

    Parameters
    ----------
    study : dict
        A sensitivity study's data.
    key : {'cost_change_pct', 'irr_change_pp'}
        The result: the cost's change against the base [%], or the project IRR's [percentage points].
    lang : {'en', 'zh'}
    """
    zh = lang == "zh"
    rng = float(study.get("range_pct", 0.0))
    ends = _ends(study, key)
    swing = [max(abs(a or 0.0), abs(b or 0.0)) for _, a, b in ends]
    order = np.argsort(swing)[::-1]
    names = [_label(study, ends[i][0], lang) for i in order]
    low = np.array([np.nan if ends[i][1] is None else float(ends[i][1]) for i in order])
    high = np.array([np.nan if ends[i][2] is None else float(ends[i][2]) for i in order])
    unit = "%" if key == "cost_change_pct" else ("个百分点" if zh else "pp")
    what = {"cost_change_pct": ("年成本相对基准的变化", "change of the annual cost against the base"),
            "irr_change_pp": ("项目IRR相对基准的变化", "change of the project IRR against the base")}[key]
    with style(lang):
        fig = new_figure(1.4 + 0.55 * max(1, len(names)))
        ax = fig.add_subplot()
        y = np.arange(len(names))
        ax.barh(y, np.nan_to_num(low), height=0.6, color="#4c72b0", label=f"-{rng:g} %")
        ax.barh(y, np.nan_to_num(high), height=0.6, color="#dd8452", label=f"+{rng:g} %", alpha=0.9)
        for i in range(len(names)):
            for v in (low[i], high[i]):
                if np.isfinite(v) and v != 0:
                    ax.text(v, i, f" {v:+.2f} " if v >= 0 else f" {v:+.2f} ", va="center",
                            ha="left" if v >= 0 else "right", fontsize=BASE_FONT - 2)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlabel(f"{what[0] if zh else what[1]} [{unit}]")
        lim = max([abs(v) for v in np.concatenate([low, high]) if np.isfinite(v)] + [1e-6]) * 1.35
        ax.set_xlim(-lim, lim)
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside lower center", ncols=2, frameon=False)
    return fig


_CAPACITIES = (("pv_mw", "PV [MW]", "光伏 [MW]", "#f2b701", "-"), ("wind_mw", "wind [MW]", "风电 [MW]", "#3c8dbc", "-"),
               ("storage_power_mw", "storage [MW]", "储能 [MW]", COLOURS["storage_load"], "-"),
               ("storage_energy_mwh", "storage [MWh]", "储能 [MWh]", COLOURS["storage_load"], "--"))


def _capacity_series(ax, x: np.ndarray, rows: list[dict[str, Any]], lang: str, legend: bool) -> None:
    for key, en, zh_label, colour, ls in _CAPACITIES:
        v = np.array([np.nan if r.get(key) is None else float(r[key]) for r in rows])
        if np.nanmax(np.abs(v), initial=0.0) <= 1e-9:
            continue
        ax.plot(x, v, ls, marker="o", markersize=4, color=colour, label=(zh_label if lang == "zh" else en)
                if legend else None)


def capacity_lines(study: dict[str, Any], lang: str = "en"):
    """The sized capacities [MW, MWh] against each parameter's change [%], one panel a parameter
    (the base at 0 % in each)."""
    params = study.get("parameters", [])
    base = study.get("base") or {}
    n = max(1, len(params))
    cols = min(3, n)
    nrows = int(np.ceil(n / cols))
    with style(lang):
        fig = new_figure(1.2 + 2.6 * nrows)
        axes = fig.subplots(nrows, cols, squeeze=False, sharey=True)
        for k, p in enumerate(params):
            ax = axes[k // cols][k % cols]
            rows = [r for r in study["points"] if r.get("parameter") == p["name"]] + ([base] if base else [])
            rows = sorted(rows, key=lambda r: float(r.get("change_pct", 0.0)))
            x = np.array([float(r.get("change_pct", 0.0)) for r in rows])
            _capacity_series(ax, x, rows, lang, legend=k == 0)
            ax.set_title(p["label_zh" if lang == "zh" else "label_en"], fontsize=BASE_FONT)
            ax.set_xlabel("变化 [%]" if lang == "zh" else "change [%]")
        for k in range(len(params), nrows * cols):
            axes[k // cols][k % cols].set_visible(False)
        if axes[0][0].get_legend_handles_labels()[0]:
            fig.legend(loc="outside lower center", ncols=4, frameon=False)
    return fig


def tradeoff_chart(study: dict[str, Any], lang: str = "en"):
    """The Pareto trade-off: the least annual cost [10^4 CNY/yr] at each level of the rule (top) and
    the capacities (bottom); an infeasible level is a red cross on the axis, the site's own
    threshold a dotted line."""
    zh = lang == "zh"
    rows = sorted(study["points"], key=lambda r: float(r.get("level", 0.0)))
    x = np.array([float(r["level"]) for r in rows])
    cost = np.array([np.nan if r.get("cost_cny_per_year") is None else float(r["cost_cny_per_year"]) / 1e4
                     for r in rows])
    bad = np.array([r.get("status") in ("infeasible", "error") for r in rows])
    unit = study.get("unit") or ""
    label = f"{study['rule']} {_OPS.get(study.get('op') or '', study.get('op') or '')} [{unit}]"
    thr = study.get("site_threshold")
    with style(lang):
        fig = new_figure(6.4)
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
        top.plot(x, cost, marker="o", linewidth=2, color=COLOURS["value"],
                 label="最低年成本" if zh else "least annual cost")
        if bad.any():
            lo = np.nanmin(cost) if np.isfinite(cost).any() else 0.0
            top.plot(x[bad], np.full(bad.sum(), lo), "x", color=COLOURS["threshold"], markersize=10, mew=2.5,
                     label="不可行" if zh else "infeasible")
        if thr is not None:
            for ax in (top, bottom):
                ax.axvline(float(thr), color="grey", linestyle=":", linewidth=1.4)
            top.annotate((f"场址限值 {thr:g}" if zh else f"site's threshold {thr:g}"), (float(thr), 1.0),
                         xycoords=("data", "axes fraction"), xytext=(4, -14), textcoords="offset points",
                         fontsize=BASE_FONT - 1, color="dimgrey")
        top.set_ylabel("万元/年" if zh else "10⁴ CNY/yr")
        top.legend(loc="upper left", frameon=True)
        _capacity_series(bottom, x, [r if not b else {} for r, b in zip(rows, bad, strict=True)], lang, legend=True)
        bottom.set_ylabel("MW / MWh")
        bottom.set_xlabel(label)
        if bottom.get_legend_handles_labels()[0]:
            bottom.legend(loc="upper left", frameon=True, ncols=2, fontsize=BASE_FONT - 2)
    return fig


# ----------------------------------------------------------------------------- HTML, CSV, workbook


def _title(study: dict[str, Any], lang: str) -> str:
    zh = lang == "zh"
    if study["study"] == "sensitivity":
        return "敏感性分析" if zh else "Sensitivity"
    return (f"规则取值的代价：{study['rule']}" if zh else f"Trade-off: what each level of {study['rule']} costs")


def _intro(study: dict[str, Any], lang: str) -> str:
    zh = lang == "zh"
    if study["study"] == "sensitivity":
        params = "; ".join(f"{p['name']}: {p['multiplies']}" for p in study.get("parameters", []))
        return ((f"每次只改变一个参数，±{study['range_pct']:g} %，步长 {study['step_pct']:g} %；{study['evaluation']}。"
                 if zh else f"One parameter at a time, ±{study['range_pct']:g} % in {study['step_pct']:g} % steps; "
                 f"each point {study['evaluation']}. ") + params)
    name = study.get("rule_name_zh" if zh else "rule_name_en") or study["rule"]
    return (f"{name}：每个取值下满足全部规则的最低成本方案（{study['evaluation']}）。" if zh else
            f"{name}: the least-cost compliant design at each level ({study['evaluation']}).")


def study_html(study: dict[str, Any] | None, lang: str = "en") -> str:
    """The study's section of the HTML report: intro, table and charts (empty without a study)."""
    if not study:
        return ""
    from gdc.report.html import esc, figure_html, html_table

    headers, rows, right = study_table(study, lang)
    zh = lang == "zh"
    out = [f"<h2>{esc(_title(study, lang))}</h2>", f"<p>{esc(_intro(study, lang))}</p>",
           html_table(headers, rows, numeric=right)]
    if study["study"] == "sensitivity":
        out.append(f"<h3>{esc('龙卷风图' if zh else 'Tornado chart')}</h3>")
        out.append(figure_html(tornado_chart(study, "cost_change_pct", lang), "tornado: cost"))
        if any(r.get("irr_change_pp") is not None for r in study["points"]):
            out.append(figure_html(tornado_chart(study, "irr_change_pp", lang), "tornado: IRR"))
        out.append(f"<h3>{esc('容量随参数的变化' if zh else 'Capacities against each change')}</h3>")
        out.append(figure_html(capacity_lines(study, lang), "capacities"))
    else:
        out.append(figure_html(tradeoff_chart(study, lang), _title(study, lang)))
    return "\n".join(out)


def study_page(study: dict[str, Any], lang: str = "en") -> str:
    """A page of its own for a study whose base site has no compliant design (no check report)."""
    from gdc.report.html import esc, page

    title = f"{_title(study, lang)}: {study['site']}"
    return page(title, f"<h1>{esc(title)}</h1>\n" + study_html(study, lang), lang)


def study_frame(study: dict[str, Any]) -> Any:
    """The study's points as a DataFrame: :data:`EXPORT_COLUMNS` first (raw numbers), the rest after."""
    import pandas as pd

    df = pd.DataFrame(study["points"]).drop(columns=list(NESTED_COLUMNS), errors="ignore")
    first = [c for c in EXPORT_COLUMNS if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]]


def write_study_csv(study: dict[str, Any], path: str | Path) -> Path:
    """The points as CSV (UTF-8 with BOM for Excel, text cells guarded against formulas)."""
    from gdc.exchange.cells import write_csv

    write_csv(study_frame(study), path, index=False, encoding="utf-8-sig")
    return Path(path)


def write_study_xlsx(study: dict[str, Any], path: str | Path, lang: str = "en") -> Path:
    """A workbook: the formatted table, every column of every point, and what was varied."""
    import pandas as pd

    from gdc.exchange.cells import text_only

    headers, rows, _ = study_table(study, lang)
    about: dict[str, Any] = {"site": study["site"], "site file": study["site_file"], "study": study["study"],
                             "evaluation": study["evaluation"]}
    if study["study"] == "sensitivity":
        about.update({"range [%]": study["range_pct"], "step [%]": study["step_pct"]})
        about.update({f"{p['name']} ({p['unit']})": f"base {p['base_value']}; multiplies {p['multiplies']}"
                      for p in study["parameters"]})
    else:
        about.update({"rule": study["rule"], "levels": ", ".join(f"{x:g}" for x in study["levels"]),
                      "site's threshold": study.get("site_threshold")})
    about.update({f"run: {k}": v for k, v in study.get("run", {}).items()})
    name = "Sensitivity" if study["study"] == "sensitivity" else "Pareto"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame(rows, columns=headers).to_excel(xl, sheet_name=name, index=False)
        study_frame(study).to_excel(xl, sheet_name="Points", index=False)
        pd.DataFrame({"item": list(about), "value": [str(v) for v in about.values()]}).to_excel(
            xl, sheet_name="Study", index=False)
        for ws in xl.book.worksheets:
            ws.freeze_panes = "B2"
            for col in ws.columns:
                w = max(len(str(c.value)) if c.value is not None else 0 for c in col[:200])
                ws.column_dimensions[col[0].column_letter].width = min(max(9, w + 2), 60)
        text_only(xl.book)
    return Path(path)

__all__ = ["COLUMNS", "EXPORT_COLUMNS", "capacity_lines", "study_frame", "study_html", "study_page", "study_table",
           "tornado_chart", "tradeoff_chart", "write_study_csv", "write_study_xlsx"]
