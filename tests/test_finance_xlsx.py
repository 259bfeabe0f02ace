"""The workbook's cash-flow sheet: its live NPV, IRR and net formulas, recomputed by the `formulas`
package (an Excel formula evaluator), give gdc's numbers."""

from __future__ import annotations

import pytest
from conftest import evaluated_cash_flow_sheet
from openpyxl import load_workbook

from gdc.check import check_file
from gdc.finance.cashflow import finance_of
from gdc.finance.workbook import FIRST_ROW
from gdc.report.xlsx import write_xlsx

V3 = "sample_sites/v3-tool-flat-load/site.yaml"


@pytest.fixture(scope="module")
def v3():
    res = check_file(V3)
    res.extra["finance"] = finance_of(res).as_dict()
    return res


def test_formulas_recomputed_give_gdc_numbers(v3, tmp_path):
    """The sheet alone (the full workbook's 8760 hourly rows take the evaluator ~20 s): Excel's
    =NPV(B2, net_1..net_25) + net_0, =IRR(net_0..net_25) of both nets, and every year's
    =SUM(project items) and net-to-equity formula, evaluated, equal gdc's values."""
    fin = v3.extra["finance"]
    cells, values = evaluated_cash_flow_sheet(fin, tmp_path)
    assert values[cells["npv"]] == pytest.approx(fin["npv_cny"], rel=1e-9)
    assert values[cells["project_irr"]] == pytest.approx(fin["project_irr_pct"] / 100, abs=1e-9)
    assert values[cells["equity_irr"]] == pytest.approx(fin["equity_irr_pct"] / 100, abs=1e-9)
    for t, row in enumerate(fin["cash_flows"]):
        assert values[f"{cells['net_project']}{FIRST_ROW + t}"] == pytest.approx(row["net_project_cny"], abs=1e-3)
        assert values[f"{cells['net_equity']}{FIRST_ROW + t}"] == pytest.approx(row["net_equity_cny"], abs=1e-3)


def test_written_workbook_keeps_the_formulas(v3, tmp_path):
    """write_xlsx adds the sheet after the guard that stores user text as text, so its formulas stay live."""
    path = write_xlsx(v3, tmp_path / "r.xlsx")
    ws = load_workbook(path)["Cash flow"]
    found = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert any(f.startswith("=NPV(B2,") for f in found) and sum(f.startswith("=IRR(") for f in found) == 2
    assert ws["B2"].value == pytest.approx(0.05)
