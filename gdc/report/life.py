"""Reports of the yearly path (``gdc check --years``): terminal table, HTML section and figure, workbook sheet.

Every function takes the path as plain data, :meth:`gdc.life.path.LifePath.as_dict` (the JSON of
``gdc check --years``), so a report can be rebuilt from a saved JSON file. Each row states the
year of life and the factors applied in it (PV and wind output, usable storage energy, load,
a storage replacement), as the year model (:mod:`gdc.profiles.life`) applied them.

The terminal and the HTML table have one row per year (and weather year) and one compact column
per rule whose value or threshold changes over the path, or that fails in some year:
``value op threshold verdict``; rules that are the same every year are listed once below. The
figure (:func:`path_figure`) draws each such numeric rule's value against its threshold by year,
with a band from the lowest to the highest value across the weather years.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gdc.report.text import fmt_margin, fmt_threshold, fmt_value, table, word

__all__ = ["conclusion_line", "factor_columns", "life_html", "life_sheet", "path_figure", "path_headers",
           "path_lines", "path_rows", "shown_rules", "weather_share_rows", "year_ranges"]

#: Words of the path's reports (English, Chinese).
WORDS: dict[str, tuple[str, str]] = {
    "title": ("Every year of the life", "全生命周期逐年校核"),
    "year": ("year", "年份"),
    "life": ("life", "运行年"),
    "weather": ("weather", "气象年"),
    "pv": ("PV", "光伏"),
    "wind": ("wind", "风电"),
    "storage": ("storage", "储能"),
    "load": ("load", "负荷"),
    "binding": ("binding", "最紧规则"),
    "verdict": ("verdict", "结论"),
    "replaced": ("R", "换"),
    "own": ("own", "本地"),
    "factors": ("factors: output x PV/wind, usable storage energy x storage, load x load; R: storage replaced "
                "that year", "系数：光伏/风电出力 ×，储能可用容量 ×，负荷 ×；换：当年更换储能电池"),
    "same_every_year": ("the same every year", "各年相同"),
    "first_failing": ("first failing year", "首个不通过年份"),
    "required": ("required", "要求"),
    "year_of_life": ("year {n} of the life", "运行第 {n} 年"),
    "in_weathers": ("fails in {k} of {n} weather years", "{n} 个气象年中 {k} 个不通过"),
    "failing_years": ("failing years", "不通过年份"),
    "passes_every_year": ("passes every year {span}", "{span} 每年均通过"),
    "tightest": ("tightest", "最紧"),
    "shares": ("Share of weather years in which each rule passes", "各规则通过的气象年比例"),
    "all_rules": ("all rules", "全部规则"),
    "reported": ("The sections below are year {year} ({why}).", "以下各节为 {year} 年（{why}）。"),
    "why_fail": ("the first failing year", "首个不通过年份"),
    "why_first": ("the first year of the path", "校核的第一年"),
    "figure": ("Rule values by year against their thresholds", "各年规则数值与限值"),
    "band": ("min-max across weather years", "各气象年最小-最大"),
    "value_line": ("value", "数值"),
    "median": ("median", "中位数"),
    "threshold": ("threshold", "限值"),
    "fails": ("fails", "不通过"),
    "sheet": ("Life path", "逐年校核"),
    "path_of": ("years {span}, start year {start}", "{span} 年，起始年 {start}"),
    "n_weathers": (", {n} weather years (the site's own profiles are not among them: gdc check --year Y "
                   "checks those)", "，{n} 个气象年（不含场址自身的出力曲线：gdc check --year Y 校核该曲线）"),
}


def w(key: str, lang: str) -> str:
    """A word of :data:`WORDS` in ``lang``."""
    en, zh = WORDS[key]
    return zh if lang == "zh" else en


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def year_ranges(years: list[int]) -> str:
    """Years as ranges: ``[2027, 2028, 2029, 2033]`` -> ``'2027-2029, 2033'``."""
    out: list[str] = []
    ys = sorted(set(years))
    i = 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        out.append(str(ys[i]) if i == j else f"{ys[i]}-{ys[j]}")
        i = j + 1
    return ", ".join(out)


def _verdicts_by_rule(path: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in path["path"]:
        for v in row["verdicts"]:
            out.setdefault(v["id"], []).append(v)
    return out


def shown_rules(path: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(rules shown as columns, rules the same every year).

    A rule is a column when it is numeric (a value and a threshold) and its value, threshold or
    verdict changes over the path, or when it fails in some row; rules that are ``n/a`` in every
    row are left out; the others are the same every year.
    """
    columns, constant = [], []
    for rule, vs in _verdicts_by_rule(path).items():
        if all(v["status"] == "n/a" for v in vs):
            continue
        numeric = any(_number(v["value"]) and _number(v["threshold"]) for v in vs)
        changes = len({(_rounded(v["value"]), _rounded(v["threshold"]), v["status"]) for v in vs}) > 1
        if (numeric and changes) or any(v["status"] == "fail" for v in vs):
            columns.append(rule)
        else:
            constant.append(rule)
    return columns, constant


def _rounded(x: Any) -> Any:
    return round(float(x), 6) if _number(x) else x


def factor_columns(path: dict[str, Any]) -> list[str]:
    """The life factors shown: PV and wind where the design has such a source, storage where it has
    storage energy, and the load always."""
    d = path["design"]
    types = d.get("source_types", {})
    caps = d.get("capacities_mw", {})
    present = {types.get(n) for n, c in caps.items() if c and float(c) > 0}
    out = [k for k in ("pv", "wind") if k in present]
    if float(d.get("storage_energy_mwh") or 0.0) > 0:
        out.append("storage_energy")
    return [*out, "load"]


def _several_weathers(path: dict[str, Any]) -> bool:
    return len(path["weathers"]) > 1 or path["weathers"] != [None]


def path_headers(path: dict[str, Any], columns: list[str], lang: str) -> list[str]:
    """Headers of the path table: year, year of life, (weather), factors, one per rule, binding, verdict."""
    heads = [w("year", lang), w("life", lang)]
    if _several_weathers(path):
        heads.append(w("weather", lang))
    names = {"pv": "pv", "wind": "wind", "storage_energy": "storage", "load": "load"}
    heads += [w(names[f], lang) + " x" for f in factor_columns(path)]
    for rule in columns:
        unit = path["rules"].get(rule, {}).get("unit", "")
        heads.append(f"{rule} [{unit}]" if unit else rule)
    return [*heads, w("binding", lang), w("verdict", lang)]


def _cell(v: dict[str, Any] | None, lang: str) -> tuple[str, str]:
    """A rule's compact cell ``value op threshold`` and its status."""
    if v is None:
        return "-", "n/a"
    if v["status"] == "n/a":
        return word("n/a", lang), "n/a"
    if _number(v["value"]) and _number(v["threshold"]):
        val = fmt_value(v["value"], v["unit"], lang).removesuffix(" " + v["unit"]) if v["unit"] else \
            fmt_value(v["value"], v["unit"], lang)
        thr = fmt_threshold(v["op"], v["threshold"], v["unit"], lang).removesuffix(" " + v["unit"])
        return f"{val} {thr}", v["status"]
    return fmt_value(v["value"], v["unit"], lang), v["status"]


def path_rows(path: dict[str, Any], columns: list[str], lang: str,
              paint: Callable[[str, str], str] | None = None) -> list[list[str]]:
    """The rows of the path table (see :func:`path_headers`); ``paint(text, status)`` colours verdicts."""
    paint = paint or (lambda text, status: text)
    factors = factor_columns(path)
    rows = []
    for row in path["path"]:
        life = row["life"]
        cells = [str(row["year"]), str(life.get("year_of_life", ""))]
        if _several_weathers(path):
            cells.append(str(row["weather"]) if row["weather"] is not None else w("own", lang))
        for f in factors:
            text = f"{float(life.get(f, 1.0)):.3f}"
            if f == "storage_energy" and life.get("storage_replaced"):
                text += " " + w("replaced", lang)
            cells.append(text)
        by_id = {v["id"]: v for v in row["verdicts"]}
        for rule in columns:
            text, status = _cell(by_id.get(rule), lang)
            cells.append(text + " " + paint(word(status, lang), status) if status != "n/a" else text)
        cells.append(row.get("binding_rule") or "-")
        cells.append(paint(word(row["status"], lang), row["status"]))
        rows.append(cells)
    return rows


def conclusion_line(path: dict[str, Any], lang: str) -> str:
    """The first failing year and its binding rule, or 'passes every year' (with the tightest rule)."""
    b = path.get("binding")
    span = year_ranges(path["years"])
    if path.get("first_failing_year") is None:
        text = w("passes_every_year", lang).format(span=span)
        if b:
            text += (f"; {w('tightest', lang)}: {b['rule']} {fmt_margin(b['margin'], b['unit'])} "
                     f"({b['year']}{_weather_text(b['weather'], lang)})")
        return text
    first = path["first_failing_year"]
    life = next((r["life"] for r in path["path"] if r["year"] == first), {})
    text = (f"{w('first_failing', lang)}: {first} ({w('year_of_life', lang).format(n=life.get('year_of_life', '?'))})")
    if b:
        name = b.get("name_zh" if lang == "zh" else "name_en") or b["rule"]
        text += (f"; {word('binding', lang)}: {b['rule']} ({name}) {fmt_value(b['value'], b['unit'], lang)}, "
                 f"{w('required', lang)} {fmt_threshold(_op(path, b['rule']), b['threshold'], b['unit'], lang)} "
                 f"({fmt_margin(b['margin'], b['unit'])}{_weather_text(b['weather'], lang)})")
        n = len(path["weathers"])
        if n > 1:
            text += "; " + w("in_weathers", lang).format(k=b["failing_weathers"], n=n)
    fails = path.get("failing_years", [])
    text += f"\n{w('failing_years', lang)}: {year_ranges(fails)} ({len(fails)}/{len(path['years'])})"
    return text


def _op(path: dict[str, Any], rule: str) -> str | None:
    return path["rules"].get(rule, {}).get("op")


def _weather_text(weather: str | None, lang: str) -> str:
    if weather is None:
        return ""
    return f", {w('weather', lang)} {weather}"


def _path_of(path: dict[str, Any], lang: str) -> str:
    text = w("path_of", lang).format(span=year_ranges(path["years"]), start=path["start_year"])
    return text + (w("n_weathers", lang).format(n=len(path["weathers"])) if _several_weathers(path) else "")


def weather_share_rows(path: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the weather-year pass shares: one row a year, ``k/n`` per rule.

    Only rules whose share is below 1 in some year are columns (and ``all rules``).
    """
    shares = path["weather_pass_share"]
    n = len(path["weathers"])
    rules = [r for r in dict.fromkeys(k for s in shares.values() for k in s if k != "all_rules")
             if any(s.get(r, 1.0) < 1.0 for s in shares.values())]
    heads = [w("year", lang), w("all_rules", lang), *rules]
    rows = []
    for year, s in shares.items():
        cells = [str(year)]
        for key in ("all_rules", *rules):
            x = s.get(key)
            cells.append("-" if x is None else f"{round(x * n):d}/{n} ({100 * x:.0f} %)")
        rows.append(cells)
    return heads, rows


def path_lines(path: dict[str, Any], lang: str = "en", colour: bool = False) -> list[str]:
    """The terminal report of the path: the table, the rules that are the same every year, the
    weather-year shares (several weather years), and the conclusion."""
    import click

    from gdc.report.terminal import STATUS_COLOURS

    def paint(text: str, status: str) -> str:
        c = STATUS_COLOURS.get(status)
        return click.style(text, fg=c, bold=status == "fail") if colour and c else text

    columns, constant = shown_rules(path)
    heads = path_headers(path, columns, lang)
    right = set(range(1, len(heads) - 2))
    out = [w("title", lang) + ": " + _path_of(path, lang),
           table(heads, path_rows(path, columns, lang, paint), right=right),
           "  " + w("factors", lang)]
    if constant:
        first = path["path"][0]["verdicts"]
        by_id = {v["id"]: v for v in first}
        items = [f"{r} {word(by_id[r]['status'], lang)}" for r in constant if r in by_id]
        out.append(f"  {w('same_every_year', lang)}: " + ", ".join(items))
    if _several_weathers(path) and len(path["weathers"]) > 1:
        heads, rows = weather_share_rows(path, lang)
        out += ["", w("shares", lang), table(heads, rows, right=set(range(1, len(heads))))]
    out += ["", paint(conclusion_line(path, lang), path["status"])]
    return out


# ----------------------------------------------------------------------------- figure


def path_figure(path: dict[str, Any], lang: str = "en"):
    """Each numeric rule of the table (:func:`shown_rules`) by year: its threshold (steps) and its value.

    The value line is the median across weather years (the value itself with one weather year);
    a band spans the lowest to the highest value across the weather years; each failing value (a
    year in a weather year) is marked with a cross. Returns None when no rule is numeric.
    """
    import numpy as np

    from gdc.report.plots import BASE_FONT, COLOURS, new_figure, style

    columns, _ = shown_rules(path)
    by_rule = {}
    years = path["years"]
    for rule in columns:
        values: dict[int, list[float]] = {y: [] for y in years}
        thr: dict[int, float] = {}
        fails: list[tuple[int, float]] = []
        for row in path["path"]:
            v = next((x for x in row["verdicts"] if x["id"] == rule), None)
            if v is None or not (_number(v["value"]) and _number(v["threshold"])):
                continue
            values[row["year"]].append(float(v["value"]))
            thr[row["year"]] = float(v["threshold"])
            if v["status"] == "fail":
                fails.append((row["year"], float(v["value"])))
        if thr:
            by_rule[rule] = (values, thr, fails)
    if not by_rule:
        return None
    n = len(by_rule)
    ncols = 1 if n == 1 else 2
    nrows = (n + ncols - 1) // ncols
    zh = lang == "zh"
    with style(lang):
        fig = new_figure(0.8 + 2.9 * nrows)
        axes = fig.subplots(nrows, ncols, squeeze=False)
        for k, (rule, (values, thr, fails)) in enumerate(by_rule.items()):
            ax = axes[k // ncols][k % ncols]
            info = path["rules"].get(rule, {})
            ys = [y for y in years if values[y]]
            lo = np.array([min(values[y]) for y in ys])
            hi = np.array([max(values[y]) for y in ys])
            mid = np.array([float(np.median(values[y])) for y in ys])
            ty = sorted(thr)
            ax.plot(ty, [thr[y] for y in ty], drawstyle="steps-mid", color=COLOURS["threshold"], linewidth=2,
                    label=f"{w('threshold', lang)} ({info.get('op', '')})")
            if len(path["weathers"]) > 1:
                ax.fill_between(ys, lo, hi, color=COLOURS["value"], alpha=0.18, linewidth=0,
                                label=w("band", lang))
            ax.plot(ys, mid, color=COLOURS["value"], marker="o", markersize=3.5, linewidth=1.6,
                    label=w("median" if len(path["weathers"]) > 1 else "value_line", lang))
            if fails:  # each failing (year, weather year) at its own value
                ax.plot([f[0] for f in fails], [f[1] for f in fails], "x", color=COLOURS["threshold"],
                        markersize=8, markeredgewidth=2, label=w("fails", lang))
            name = info.get("name_zh" if zh else "name_en") or rule
            room = 46 if ncols == 2 else 90
            short = name if len(name) <= room else name[:room - 1] + "…"
            ax.set_title(f"{rule}\n{short}", fontsize=BASE_FONT - 2)
            unit = info.get("unit", "")
            ax.set_ylabel(f"[{unit}]" if unit else "")
            # at most about 6 year labels a panel (two panels side by side), the first year always
            step = max(1, -(-len(years) // (6 if ncols == 2 else 12)))
            ax.set_xticks(years[::step], [str(y) for y in years[::step]])
        for k in range(n, nrows * ncols):
            axes[k // ncols][k % ncols].set_visible(False)
        # one legend for every panel, below them: inside a panel it hid the lines it explains
        handles: dict[str, Any] = {}
        for ax in fig.axes:
            for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(label.split(" (")[0], h)
        fig.legend(list(handles.values()), list(handles), loc="outside lower center", ncol=len(handles),
                   frameon=False, fontsize=BASE_FONT - 2)
    return fig


# ----------------------------------------------------------------------------- HTML


def life_html(result: Any, lang: str = "en", plot_lang: str = "en") -> str:
    """The path section of the HTML report (``result.extra['life_path']``); empty without a path."""
    path = (getattr(result, "extra", None) or {}).get("life_path")
    if not path:
        return ""
    from gdc.report.html import STATUS_CSS, esc, figure_html, html_table, status_badge

    def paint(text: str, status: str) -> str:
        return f'<b style="color:{STATUS_CSS.get(status, "#80868b")}">{esc(text)}</b>'

    columns, constant = shown_rules(path)
    heads = path_headers(path, columns, lang)
    raw = path_rows(path, columns, lang)
    rows = []
    for row, cells in zip(path["path"], raw, strict=True):
        by_id = {v["id"]: v for v in row["verdicts"]}
        html_cells = [esc(c) for c in cells[:-1]]
        off = len(cells) - 2 - len(columns)
        for j, rule in enumerate(columns):
            text, status = _cell(by_id.get(rule), lang)
            html_cells[off + j] = esc(text) + (" " + paint(word(status, lang), status) if status != "n/a" else "")
        html_cells.append(status_badge(row["status"], lang))
        rows.append(html_cells)
    out = [f"<h2>{esc(w('title', lang))}</h2>",
           f"<p>{esc(_path_of(path, lang))}"
           f" {status_badge(path['status'], lang)}</p>",
           "<p><b>" + "<br>".join(esc(x) for x in conclusion_line(path, lang).split("\n")) + "</b></p>",
           html_table(heads, rows, numeric=set(range(1, len(heads) - 2)), escape=False)
           .replace("<table>", '<table class="wide" id="life-path">', 1),
           f'<p class="small">{esc(w("factors", lang))}</p>']
    if constant:
        by_id = {v["id"]: v for v in path["path"][0]["verdicts"]}
        out.append(f'<p class="small">{esc(w("same_every_year", lang))}: '
                   + esc(", ".join(f"{r} {word(by_id[r]['status'], lang)}" for r in constant if r in by_id)) + "</p>")
    if len(path["weathers"]) > 1:
        sh, sr = weather_share_rows(path, lang)
        out += [f"<h3>{esc(w('shares', lang))}</h3>", html_table(sh, sr, numeric=set(range(1, len(sh))))]
    fig = path_figure(path, plot_lang)
    if fig is not None:
        out += [f"<h3>{esc(w('figure', lang))}</h3>", figure_html(fig, w("figure", lang))]
    year = result.site.year
    why = "why_fail" if path.get("first_failing_year") == year else "why_first"
    out.append(f"<p>{esc(w('reported', lang).format(year=year, why=w(why, lang)))}</p>")
    return "\n".join(out)


# ----------------------------------------------------------------------------- workbook


def life_sheet(ws: Any, path: dict[str, Any], lang: str = "en") -> None:
    """The "Life path" sheet: one row per year and weather year with the factors and every rule's
    value, threshold and verdict (numbers as numbers); then the conclusion and the weather shares.

    Text cells are made text by the workbook writer's last step
    (:func:`gdc.exchange.cells.text_only`, called by :func:`gdc.report.xlsx.write_xlsx`).
    """
    from openpyxl.styles import Font, PatternFill

    from gdc.report.xlsx import FILLS, HEADER_FILL

    rules = list(_verdicts_by_rule(path))
    zh = lang == "zh"
    heads = (["年份", "运行年", "气象年", "光伏出力系数", "风电出力系数", "储能可用容量系数", "负荷系数", "更换储能", "结论", "最紧规则"]
             if zh else ["year", "year of life", "weather year", "PV output factor", "wind output factor",
                         "storage energy factor", "load factor", "storage replaced", "verdict", "binding rule"])
    base = len(heads)
    for rule in rules:
        unit = path["rules"].get(rule, {}).get("unit", "")
        u = f" [{unit}]" if unit else ""
        heads += ([f"{rule} 数值{u}", f"{rule} 限值{u}", f"{rule} 结论"] if zh else
                  [f"{rule} value{u}", f"{rule} threshold{u}", f"{rule} verdict"])
    ws.append(heads)
    for row in path["path"]:
        life = row["life"]
        cells: list[Any] = [row["year"], life.get("year_of_life"), row["weather"] if row["weather"] is not None
                            else w("own", lang), life.get("pv"), life.get("wind"), life.get("storage_energy"),
                            life.get("load"), ("是" if zh else "yes") if life.get("storage_replaced") else "",
                            word(row["status"], lang), row.get("binding_rule") or ""]
        by_id = {v["id"]: v for v in row["verdicts"]}
        for rule in rules:
            v = by_id.get(rule)
            if v is None:
                cells += [None, None, ""]
                continue
            cells += [_xl(v["value"], lang), _xl(v["threshold"], lang), word(v["status"], lang)]
        ws.append(cells)
        r = ws.max_row
        ws.cell(row=r, column=9).fill = PatternFill("solid", fgColor=FILLS.get(row["status"], "FFFFFF"))
        for j, rule in enumerate(rules):
            v = by_id.get(rule)
            if v is not None:
                ws.cell(row=r, column=base + 3 * j + 3).fill = PatternFill("solid", fgColor=FILLS.get(v["status"],
                                                                                                     "FFFFFF"))
            for c in (base + 3 * j + 1, base + 3 * j + 2):
                if isinstance(ws.cell(row=r, column=c).value, float):
                    ws.cell(row=r, column=c).number_format = "#,##0.00"
        for c in range(4, 8):
            ws.cell(row=r, column=c).number_format = "0.0000"
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
    ws.freeze_panes = "C2"
    ws.append([])
    for line in conclusion_line(path, lang).split("\n"):
        ws.append([line])
    ws.append([w("factors", lang)])
    if len(path["weathers"]) > 1:
        ws.append([])
        ws.append([w("shares", lang)])
        sh = path["weather_pass_share"]
        keys = list(dict.fromkeys(k for s in sh.values() for k in s))
        ws.append([w("year", lang), *[w("all_rules", lang) if k == "all_rules" else k for k in keys]])
        for year, s in sh.items():
            ws.append([int(year), *[s.get(k) for k in keys]])
    from openpyxl.utils import get_column_letter

    for c in range(1, len(heads) + 1):
        ws.column_dimensions[get_column_letter(c)].width = max(9, min(28, len(str(heads[c - 1])) + 2))


def _xl(x: Any, lang: str) -> Any:
    if isinstance(x, bool):
        return ("是" if x else "否") if lang == "zh" else ("yes" if x else "no")
    if isinstance(x, float) and x != x:
        return None
    return x
