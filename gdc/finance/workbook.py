"""The cash-flow sheet of the workbook, with live Excel formulas a banker can audit.

Layout (one sheet, :func:`cash_flow_sheet`): the discount rate in ``B2``; the table's header in
row 4 and one row a year from row 5 (t = 0) to row 5 + N; the net to project and the net to
equity are formulas over their columns (``=SUM(...)`` of the project items; project - adjusted
tax + income tax + loan + interest + principal); under the table NPV
``=NPV($B$2, net_t=1..N) + net_t=0`` (Excel's NPV discounts its first value by one period, so
t = 0 is added undiscounted), ``=IRR(...)`` of both nets, and gdc's own numbers beside them.
A staged build (:func:`gdc.finance.life.staged_finance`) names its additions in ``A3``; each is in
the investment column of its year's row, so the formulas cover it unchanged.
"""

from __future__ import annotations

from typing import Any

from gdc.finance.cashflow import COLUMNS

#: Rows of the sheet: the discount rate, the header, the first year (t = 0).
RATE_CELL = "B2"
HEADER_ROW = 4
FIRST_ROW = 5
_PROJECT_ITEMS = ("capex_cny", "storage_replacement_cny", "om_cny", "staff_cny", "self_use_fees_cny",
                  "capacity_charge_cny", "avoided_grid_cny", "export_revenue_cny", "certificate_revenue_cny",
                  "carbon_revenue_cny", "vat_input_cny", "vat_credit_cny", "vat_refund_cny", "vat_surcharge_cny",
                  "salvage_cny", "adjusted_income_tax_cny")


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def cash_flow_sheet(workbook: Any, finance: dict[str, Any], lang: str = "en") -> Any:
    """Add the cash-flow sheet to an openpyxl workbook (see the module docstring).

    Parameters
    ----------
    workbook : openpyxl.Workbook
    finance : dict
        :meth:`gdc.finance.cashflow.FinanceResult.as_dict`.
    lang : {'en', 'zh'}

    Returns
    -------
    dict
        Cell addresses of the formulas: ``npv``, ``project_irr``, ``equity_irr``, and
        ``net_project`` / ``net_equity`` (the columns' letters); ``sheet``, the sheet's title, and
        ``formula_cells``, the address of every formula the sheet holds (two a year and the three
        under the table), for :func:`gdc.exchange.cells.text_only` to keep as formulas.
    """
    zh = lang == "zh"
    ws = workbook.create_sheet("现金流量" if zh else "Cash flow")
    ws["A1"] = "现金流量表 [元]，第0年为建设期" if zh else "Cash flows [CNY], year 0 is the investment year"
    ws["A2"] = "折现率" if zh else "discount rate"
    ws[RATE_CELL] = finance["discount_rate_pct"] / 100.0
    ws[RATE_CELL].number_format = "0.00%"
    from gdc.finance.life import stage_lines

    staged = stage_lines(finance, lang)
    if staged:
        ws["A3"] = staged[0].strip()
    rows = finance["cash_flows"]
    keys = [k for k in COLUMNS if k in rows[0]]  # the VAT columns only with finance.vat_included
    project_items = [k for k in _PROJECT_ITEMS if k in keys]
    ws.cell(HEADER_ROW, 1, "年" if zh else "year")
    pos = {}
    for j, key in enumerate(keys, start=2):
        en, cn = COLUMNS[key]
        ws.cell(HEADER_ROW, j, cn if zh else en)
        pos[key] = _col(j)
    last = FIRST_ROW + len(rows) - 1
    for i, row in enumerate(rows):
        r = FIRST_ROW + i
        ws.cell(r, 1, row["year"])
        for j, key in enumerate(keys, start=2):
            ws.cell(r, j, float(row[key])).number_format = "#,##0"
        items = ",".join(f"{pos[k]}{r}" for k in project_items)
        ws[f"{pos['net_project_cny']}{r}"] = f"=SUM({items})"
        p = pos
        ws[f"{p['net_equity_cny']}{r}"] = (f"={p['net_project_cny']}{r}-{p['adjusted_income_tax_cny']}{r}"
                                           f"+{p['income_tax_cny']}{r}+{p['loan_cny']}{r}+{p['interest_cny']}{r}"
                                           f"+{p['principal_cny']}{r}")
    npr, neq = pos["net_project_cny"], pos["net_equity_cny"]
    out = {"net_project": npr, "net_equity": neq, "sheet": ws.title,
           "formula_cells": [f"{c}{FIRST_ROW + i}" for i in range(len(rows)) for c in (npr, neq)]}
    r = last + 2
    ws.cell(r, 2, "Excel" if not zh else "Excel 公式")
    ws.cell(r, 3, "gdc")
    labels = [("npv", "净现值 NPV [元]" if zh else "NPV [CNY]",
               f"=NPV({RATE_CELL},{npr}{FIRST_ROW + 1}:{npr}{last})+{npr}{FIRST_ROW}", finance["npv_cny"], "#,##0"),
              ("project_irr", "项目投资内部收益率" if zh else "project IRR", f"=IRR({npr}{FIRST_ROW}:{npr}{last})",
               None if finance["project_irr_pct"] is None else finance["project_irr_pct"] / 100.0, "0.00%"),
              ("equity_irr", "资本金内部收益率" if zh else "equity IRR", f"=IRR({neq}{FIRST_ROW}:{neq}{last})",
               None if finance["equity_irr_pct"] is None else finance["equity_irr_pct"] / 100.0, "0.00%")]
    for k, (key, label, formula, value, fmt) in enumerate(labels, start=1):
        ws.cell(r + k, 1, label)
        ws.cell(r + k, 2, formula).number_format = fmt
        ws.cell(r + k, 3, value).number_format = fmt
        out[key] = f"B{r + k}"
        out["formula_cells"].append(out[key])
    ws.freeze_panes = ws.cell(FIRST_ROW, 2)
    for j in range(1, len(keys) + 2):
        ws.column_dimensions[_col(j)].width = 16
    return out
