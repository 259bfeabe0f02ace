"""The workbook of a check (``.xlsx``): summary, verdicts, hourly balance, monthly, definitions.

:func:`write_xlsx` writes it (openpyxl). Sheets, named in the report's language:

============================  =================================================================
Summary / 汇总                 site, rule set, year, status, design, energy totals, peaks, ratios
Verdicts / 规则校核            one row per rule: value, threshold, margin, verdict (coloured), source
Hourly balance / 逐时电量平衡   the 13-column layout of Chinese planning tools (resources.md §6):
                               序号, 时间, 风电, 光伏, 可用发电量, 负荷, 实际发电量, 充电, 弃电, 放电,
                               下网(购电), 上网, 储能电量; then gdc's finer flows
Monthly / 月度电量             energy by month (full year) or by representative day
Definitions / 口径定义         A, G, S, L, E, I, C, the ratios, other definitions side by side
Users / 用户                   a multi-user site: per user L_u, S_u, S_u/L_u, import; hourly self-use
Cost / 成本                    when ``result.extra["cost"]`` is present
Cash flow / 现金流量           when ``result.extra["finance"]`` is present: live NPV and IRR formulas
============================  =================================================================

Numbers are written as numbers (never text), header rows are frozen, columns sized to fit.
Hourly flows are in MW (= MWh in the hour), the stored energy in MWh. Text is stored as text,
never as a formula (:func:`gdc.exchange.cells.text_only`): a site named ``=HYPERLINK(...)``
stays a name. The only formulas are the ones gdc writes itself, at the cells it writes them to
(the cash-flow sheet's NPV, IRR and yearly nets).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from gdc.operation.metrics import DEFINITIONS, RATIO_DEFINITIONS, alternative_ratios
from gdc.report.text import phrase, width, word

#: The planning tools' 13-column hourly layout after 序号 and 时间: (key, 中文, English, unit).
TOOL_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("wind", "风电", "wind", "MW"),
    ("pv", "光伏", "PV", "MW"),
    ("available", "可用发电量", "available generation", "MW"),
    ("load", "负荷", "load", "MW"),
    ("actual", "实际发电量", "actual generation", "MW"),
    ("charge", "充电", "charge", "MW"),
    ("curtailment", "弃电", "curtailment", "MW"),
    ("discharge", "放电", "discharge", "MW"),
    ("import_", "下网(购电)", "import (purchase)", "MW"),
    ("export", "上网", "export", "MW"),
    ("soc", "储能电量", "stored energy", "MWh"),
)
#: gdc's finer flows, after the tool's columns.
EXTRA_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("re_to_load", "新能源直供负荷", "renewables to load", "MW"),
    ("storage_to_load", "储能放电供负荷", "storage to load", "MW"),
    ("re_to_storage", "新能源充电", "renewables to storage", "MW"),
    ("grid_to_storage", "电网充电", "grid to storage", "MW"),
    ("storage_to_export", "储能放电上网", "storage to export", "MW"),
    ("unserved", "未供负荷", "unserved load", "MW"),
    ("export_forbidden", "禁止上网", "export forbidden", "0/1"),
)

FILLS = {"pass": "C8E6C9", "fail": "F4C7C3", "review": "FFE0B2", "n/a": "E0E0E0", "confirm": "BBDEFB"}
HEADER_FILL = "E8EAED"


def hourly_columns(balance) -> dict[str, np.ndarray]:
    """The tool-layout hourly series of a balance, keyed as in :data:`TOOL_COLUMNS` and :data:`EXTRA_COLUMNS`."""
    b = balance
    return {
        "wind": b.wind, "pv": b.pv, "available": b.available, "load": b.load,
        "actual": b.available - b.curtailment, "charge": b.re_to_storage + b.grid_to_storage,
        "curtailment": b.curtailment, "discharge": b.storage_to_load + b.storage_to_export,
        "import_": b.import_, "export": b.export, "soc": b.soc, "re_to_load": b.re_to_load,
        "storage_to_load": b.storage_to_load, "re_to_storage": b.re_to_storage,
        "grid_to_storage": b.grid_to_storage, "storage_to_export": b.storage_to_export,
        "unserved": b.unserved, "export_forbidden": b.export_forbidden.astype(int),
    }


def _header(name_zh: str, name_en: str, unit: str, lang: str) -> str:
    name = name_zh if lang == "zh" else name_en
    return f"{name} [{unit}]" if unit else name


def _style_header(ws, row: int = 1) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for cell in ws[row]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _fit_columns(ws, sample_rows: int = 300, max_width: int = 60, min_width: int = 8) -> None:
    """Column widths from the widest header or value (display width, Chinese counts 2)."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for r, row in enumerate(ws.iter_rows(values_only=True)):
        if r > sample_rows:
            break
        for c, v in enumerate(row, start=1):
            if v is None:
                continue
            if isinstance(v, float):
                text = f"{v:,.3f}"
            elif hasattr(v, "strftime"):
                text = "2026-01-01 00:00"
            else:
                text = str(v)
            widths[c] = max(widths.get(c, 0), width(text.split("\n")[0]))
    for c, w in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = max(min_width, min(max_width, w + 2))


def _num(x: Any) -> Any:
    """A cell value: numbers stay numbers (NaN and inf become empty), numpy scalars become Python."""
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not np.isfinite(x):
        return None
    return x


def _yes_no(x: Any, lang: str) -> Any:
    if isinstance(x, bool):
        return ("是" if x else "否") if lang == "zh" else ("yes" if x else "no")
    return _num(x)


# ----------------------------------------------------------------------------- sheets


def _summary(ws, result: Any, lang: str) -> None:
    from openpyxl.styles import Font, PatternFill

    from gdc import __version__
    from gdc.rules.verdicts import counts

    site, rs, m, p = result.site, result.rule_set, result.metrics, result.profiles
    c = counts(result.verdicts)
    b = result.binding
    rows: list[tuple[str, Any, str]] = [
        (word("site", lang), site.name, ""),
        (word("site_file", lang), str(site.path) if site.path else "", ""),
        (word("rule_set", lang), rs.key, ""),
        (word("extends", lang), ", ".join(rs.chain[:-1]), ""),
        (word("rule_set", lang) + " (" + word("name", lang) + ")", rs.title(lang), ""),
        (word("year", lang), site.year, ""),
        (word("start", lang), site.effective_start_year, ""),
        (word("hours", lang), float(p.weights.sum()) if not p.is_full_year else p.hours, "h"),
    ]
    life = p.life  # the year of the project's life and the factors applied to its profiles (gdc.profiles.life)
    if life is not None:
        zh = lang == "zh"
        rows += [("运营年" if zh else "year of life", life.year_of_life, ""),
                 ("气象年" if zh else "weather year", life.weather or "", ""),
                 ("光伏出力系数" if zh else "PV output factor", life.pv, "-"),
                 ("风电出力系数" if zh else "wind output factor", life.wind, "-"),
                 ("储能可用容量系数" if zh else "usable storage energy factor", life.storage_energy, "-"),
                 ("负荷系数" if zh else "load factor", life.load, "-")]
    rows += [
        (word("dispatch", lang), word("dispatch_" + result.balance.source, lang), ""),
        (word("spot", lang), word("spot_" + str(result.spot_market), lang), ""),
        (word("status", lang), word(result.status, lang), ""),
    ]
    for s in ("pass", "fail", "review", "n/a", "confirm"):
        rows.append((f"{word('counts', lang)}: {word(s, lang)}", c[s], ""))
    if b is not None:
        rows.append((word("binding", lang), b.rule.name(lang), ""))
        rows.append((word("binding", lang) + ": " + word("margin", lang), _num(b.margin),
                     "pp" if b.unit == "%" else b.unit))
    types = {s.name: s.type for s in site.sources}
    for name, cap in result.design.capacities_mw.items():
        rows.append((f"{word('design', lang)}: {name} ({word(types.get(name, ''), lang)})", cap, "MW"))
    rows.append((f"{word('design', lang)}: {word('storage', lang)}", result.design.storage_power_mw, "MW"))
    rows.append((f"{word('design', lang)}: {word('storage', lang)}", result.design.storage_energy_mwh, "MWh"))
    for sym, attr in (("A", "A"), ("A " + word("wind", lang), "A_wind"), ("A " + word("pv", lang), "A_pv"),
                      ("G", "G"), ("S", "S"), ("L", "L"), ("E", "E"), ("I", "I"), ("C", "C")):
        d = DEFINITIONS.get(sym)
        label = f"{sym} {d[0] if lang == 'zh' else d[1]}" if d else sym
        rows.append((label, getattr(m, attr), "MWh"))
    rows.append((word("storage_loss", lang), m.storage_loss, "MWh"))
    rows.append((word("unserved", lang), m.unserved, "MWh"))
    rows.append((word("peak_import", lang), m.max_import_mw, "MW"))
    rows.append((word("peak_export", lang), m.max_export_mw, "MW"))
    for key, (zh, en, formula) in RATIO_DEFINITIONS.items():
        rows.append((f"{zh if lang == 'zh' else en} ({formula})", getattr(m, key), "%"))
    rows.append((word("generated", lang), f"gdc {__version__}", ""))

    ws.append([word("item", lang), word("value", lang), word("unit", lang)])
    for label, value, unit in rows:
        ws.append([label, _num(value), unit])
        cell = ws.cell(row=ws.max_row, column=2)
        if unit in ("MWh", "MW"):
            cell.number_format = "#,##0.0"
        elif unit in ("%", "pp"):
            cell.number_format = "0.00"
    _style_header(ws)
    ws.freeze_panes = "A2"
    status_row = 1 + [r[0] for r in rows].index(word("status", lang)) + 1
    cell = ws.cell(row=status_row, column=2)
    cell.fill = PatternFill("solid", fgColor=FILLS.get(result.status, "FFFFFF"))
    cell.font = Font(bold=True)
    _fit_columns(ws)


def _verdicts(ws, result: Any, lang: str) -> None:
    from openpyxl.styles import Alignment, PatternFill

    other = "en" if lang == "zh" else "zh"
    heads = ["id", word("rule", lang), word("rule", other), word("kind", lang), word("verdict", lang),
             word("value", lang), word("unit", lang), "op", word("threshold", lang), word("margin", lang),
             word("detail", lang), word("source", lang), word("clause", lang), word("confidence", lang),
             word("readings", lang), word("overridden", lang)]
    ws.append(heads)
    for v in result.verdicts:
        r = v.rule
        margin = _num(v.margin)
        ws.append([r.id, r.name(lang), r.name(other), r.kind, word(v.status, lang), _yes_no(v.value, lang),
                   v.unit, r.op or "", _yes_no(v.threshold, lang), margin, phrase(v.detail, lang), r.source.short(lang),
                   r.source.clause, r.confidence, r.reading_text(lang) or "", r.overridden or ""])
        row = ws.max_row
        ws.cell(row=row, column=5).fill = PatternFill("solid", fgColor=FILLS.get(v.status, "FFFFFF"))
        for col in (6, 9, 10):
            cell = ws.cell(row=row, column=col)
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
        for col in (15,):
            ws.cell(row=row, column=col).alignment = Alignment(wrap_text=False)
    _style_header(ws)
    ws.freeze_panes = "C2"
    _fit_columns(ws, max_width=50)


def _hourly(ws, result: Any, lang: str) -> None:
    b, p = result.balance, result.profiles
    cols = hourly_columns(b)
    full = p.is_full_year and p.index is not None
    lead = [word("hour_index", lang)]
    if full:
        lead.append(word("timestamp", lang))
    else:
        lead += [word("rep_day", lang), word("hour_of_day", lang), word("weight_days", lang)]
    spec = TOOL_COLUMNS + EXTRA_COLUMNS
    ws.append(lead + [_header(zh, en, unit, lang) for _, zh, en, unit in spec])
    arrays = [np.round(np.asarray(cols[key], dtype=float), 6) for key, *_ in spec]
    data = np.column_stack(arrays).tolist()
    times = p.index.to_pydatetime() if full else None
    for t, values in enumerate(data):
        if full:
            ws.append([t + 1, times[t], *values])
        else:
            ws.append([t + 1, t // 24 + 1, t % 24, float(p.weights[t]), *values])
    first_value_col = len(lead) + 1
    from openpyxl.utils import get_column_letter

    if full:
        for cell in ws["B"][1:]:
            cell.number_format = "yyyy-mm-dd hh:mm"
    for c in range(first_value_col, first_value_col + len(spec) - 1):
        ws.column_dimensions[get_column_letter(c)].width = 14
    for c, head in enumerate(ws[1], start=1):
        w = max(10, min(28, width(str(head.value)) + 2))
        ws.column_dimensions[get_column_letter(c)].width = w
    if full:
        ws.column_dimensions["B"].width = 18
    _style_header(ws)
    ws.freeze_panes = ws.cell(row=2, column=first_value_col)


def _monthly(ws, result: Any, lang: str) -> None:
    from gdc.report.plots import day_groups, group_sums, month_labels

    b, p = result.balance, result.profiles
    if p.is_full_year and p.month is not None:
        sums = group_sums(b, p.month.astype(int) - 1, 12)
        labels = month_labels(lang)
        lead = [word("month", lang)]
        first = [[x] for x in labels]
    else:
        groups, nd, days = day_groups(b)
        sums = group_sums(b, groups, nd)  # annual energy of each representative day (weighted)
        lead = [word("rep_day", lang), word("weight_days", lang)]
        first = [[i + 1, float(days[i])] for i in range(nd)]
    keys = [("available", "flow_available"), ("load", "load"), ("re_load", "flow_re_load"),
            ("storage_load", "flow_storage_load"), ("storage_grid", "flow_storage_grid"),
            ("import_load", "flow_import"), ("import", "import"), ("export", "export"),
            ("curtail", "flow_curtail"), ("charge", "flow_charge"), ("discharge", "flow_discharge"),
            ("unserved", "flow_unserved")]
    ws.append(lead + [f"{word(k, lang)} [MWh]" for _, k in keys])
    for i, head in enumerate(first):
        ws.append(head + [float(sums[key][i]) for key, _ in keys])
    total = [word("cost_total", lang)] + ([""] if len(lead) > 1 else []) + [float(sums[k].sum()) for k, _ in keys]
    ws.append(total)
    for row in ws.iter_rows(min_row=2, min_col=len(lead) + 1):
        for cell in row:
            cell.number_format = "#,##0.0"
    _style_header(ws)
    from openpyxl.styles import Font

    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = ws.cell(row=2, column=len(lead) + 1)
    _fit_columns(ws, max_width=22)


def _definitions(ws, result: Any, lang: str) -> None:
    ws.append([word("symbol", lang), "中文", "English", word("definition", lang)])
    for sym, (zh, en, dzh, den) in DEFINITIONS.items():
        ws.append([sym, zh, en, dzh if lang == "zh" else den])
    for zh, en, formula in RATIO_DEFINITIONS.values():
        ws.append([formula, zh, en, f"{word('ratio_definitions', lang)}: {formula} [%]"])
    ws.append([])
    ws.append([word("alternatives", lang)])
    start = ws.max_row
    ws.append([word("quantity", lang), word("definition", lang), word("formula", lang), word("value", lang)])
    for r in alternative_ratios(result.metrics):
        ws.append([r["quantity"], r["definition_zh" if lang == "zh" else "definition"], r["formula"], _num(r["value"])])
        ws.cell(row=ws.max_row, column=4).number_format = "0.00"
    _style_header(ws)
    _style_header(ws, start + 1)
    ws.freeze_panes = "A2"
    _fit_columns(ws, max_width=70)


def _users(ws, result: Any, lang: str) -> None:
    """Per user of a multi-user site: annual energies [MWh], green share [%], and hourly self-use [MW]."""
    from gdc.report.users import allocation_line

    alloc = result.allocation
    zh = lang == "zh"
    heads = (["用户", "法人主体", "类别", "用电量 L_u [MWh]", "自发自用 S_u [MWh]", "绿电占比 S_u/L_u [%]",
              "下网电量 [MWh]", "未供负荷 [MWh]", "最低绿电占比 [%]"] if zh else
             ["user", "entity", "category", "load L_u [MWh]", "self-use S_u [MWh]", "green share S_u/L_u [%]",
              "import [MWh]", "unserved [MWh]", "minimum green share [%]"])
    ws.append(heads)
    listed = {u.name: u for u in result.site.user_list}
    for u in alloc.users:
        spec = listed.get(u.name)
        ws.append([u.name, spec.entity_id if spec else "", spec.category if spec else "", u.load_mwh, u.self_use_mwh,
                   _num(u.green_share_pct), u.import_mwh, u.unserved_mwh, u.min_green_share])
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=9):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
    ws.append([])
    ws.append([allocation_line(alloc, lang)])
    # hourly self-use per user, beside the table
    col0 = len(heads) + 2
    ws.cell(row=1, column=col0, value="小时" if zh else "hour")
    names = [u.name for u in alloc.users]
    for j, name in enumerate(names):
        ws.cell(row=1, column=col0 + 1 + j, value=f"自发自用 {name} [MW]" if zh else f"self-use {name} [MW]")
    data = np.column_stack([np.round(alloc.self_use_mw[n], 6) for n in names]).tolist()
    for t, values in enumerate(data):
        ws.cell(row=t + 2, column=col0, value=t + 1)
        for j, v in enumerate(values):
            ws.cell(row=t + 2, column=col0 + 1 + j, value=v)
    _style_header(ws)
    ws.freeze_panes = "B2"
    _fit_columns(ws, max_width=40)


def _cost(ws, cost: dict[str, Any], lang: str) -> None:
    ws.append([word("cost_item", lang), "name_en", "name_zh", word("cny_per_year", lang)])
    for item in cost.get("items", []):
        ws.append([item.get("name_zh" if lang == "zh" else "name_en"), item.get("name_en"), item.get("name_zh"),
                   _num(float(item.get("cny_per_year", 0.0)))])
    if cost.get("total_cny_per_year") is not None:
        ws.append([word("cost_total", lang), "", "", _num(float(cost["total_cny_per_year"]))])
    if cost.get("cny_per_mwh_load") is not None:
        ws.append([word("cny_per_mwh_load", lang), "", "", _num(float(cost["cny_per_mwh_load"]))])
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "#,##0.00"
    _style_header(ws)
    ws.freeze_panes = "A2"
    _fit_columns(ws)


def write_xlsx(result: Any, path: str | Path, lang: str = "en") -> Path:
    """Write the workbook of a check result (see the module docstring for the sheets).

    Parameters
    ----------
    result : CheckResult
    path : str or Path
        The ``.xlsx`` file to write.
    lang : {'en', 'zh'}
        Language of sheet names, headers and words.

    Returns
    -------
    Path
        The file written.
    """
    from openpyxl import Workbook

    from gdc.exchange.cells import text_only

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = word("sheet_summary", lang)
    _summary(ws, result, lang)
    _verdicts(wb.create_sheet(word("sheet_verdicts", lang)), result, lang)
    _hourly(wb.create_sheet(word("sheet_hourly", lang)), result, lang)
    _monthly(wb.create_sheet(word("sheet_monthly", lang)), result, lang)
    _definitions(wb.create_sheet(word("sheet_definitions", lang)), result, lang)
    if getattr(result, "allocation", None) is not None:  # a multi-user site (688号)
        _users(wb.create_sheet("用户" if lang == "zh" else "Users"), result, lang)
    cost = (result.extra or {}).get("cost")
    if cost and cost.get("items"):
        _cost(wb.create_sheet(word("sheet_cost", lang)), cost, lang)
    if (result.extra or {}).get("life_path"):  # gdc check --years: one row per year (gdc.report.life)
        from gdc.report.life import life_sheet, w

        life_sheet(wb.create_sheet(w("sheet", lang)), result.extra["life_path"], lang)
    finance = (result.extra or {}).get("finance")
    own = {}
    if finance:  # its NPV, IRR and net cells are live formulas gdc writes itself, for a banker to audit
        from gdc.finance.workbook import cash_flow_sheet

        cells = cash_flow_sheet(wb, finance, lang)
        own[cells["sheet"]] = cells["formula_cells"]
    text_only(wb, formulas=own)  # user text (names, notes, override text) is never a formula; only gdc's own
    wb.save(path)
    return path
