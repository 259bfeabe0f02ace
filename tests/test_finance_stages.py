"""Money of a staged build (issue 14 on issue 13's stages): each addition invested in its year.

Convention (gdc.finance.cashflow): every amount is at the end of its cash-flow year; the first stage
is invested at t = 0, an addition in service from year of life n at t = n - 1 (a stage in calendar
year Y_s at t = Y_s - start year), with its own depreciation, loan, O&M and input VAT.
"""

from __future__ import annotations

import json

import numpy as np
import numpy_financial as npf
import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, SAMPLES, base_site, evaluated_cash_flow_sheet, hand_finance_params
from openpyxl import load_workbook
from scipy.optimize import brentq

from gdc.check import check_site
from gdc.cli.main import main
from gdc.finance.cashflow import Investment, YearEnergy, addition_investment, cash_flows, summarise
from gdc.finance.life import life_finance, stage_lines, staged_finance
from gdc.finance.params import finance_params
from gdc.finance.workbook import FIRST_ROW
from gdc.life.path import check_path
from gdc.operation.dispatch import Design
from gdc.site.errors import InputError
from gdc.site.read import read_site

V3 = SAMPLES / "v3-tool-flat-load" / "site.yaml"
STAGED = SAMPLES / "staged-storage" / "size.yaml"
VAT = dict(vat_included=True, vat_rate_pct=13.0, vat_surcharge_pct=12.0, wind_vat_refund_pct=0.0)


def _params(**kw):
    """Three years, r = 10 %, tax 25 %, half borrowed at 10 % over 3 years, depreciation over 3 years
    to zero; no escalation, holiday, certificates, staff, fees or salvage fraction."""
    return hand_finance_params(**{"debt_share": 0.5, "income_tax_rate": 0.25, **kw})


def _year(baseline: float) -> YearEnergy:
    """Grid purchases avoided ``baseline - 100`` CNY; 1 MWh of load, half imported."""
    return YearEnergy(load_mwh=1.0, import_mwh=0.5, export_mwh=0.0, available_mwh=1.0, curtailment_mwh=0.0,
                      self_consumed_mwh=0.5, baseline_cost_cny=baseline, import_cost_cny=100.0, export_revenue_cny=0.0)


FIRST = Investment(items={"pv": 1200.0}, om_cny_per_year=12.0)
ADDED = Investment(items={"pv": 600.0}, om_cny_per_year=6.0)
PATH = [_year(700.0), _year(1000.0), _year(1000.0)]  # avoided 600, then 900 with the addition in service


def _irr(flows) -> float:
    """An IRR found independently of numpy-financial (scipy's bracketing root finder)."""
    return brentq(lambda r: sum(f / (1 + r) ** t for t, f in enumerate(flows)), -0.5, 5.0)


def test_three_years_with_an_addition_in_year_2_by_hand():
    """1,200 CNY at t = 0 (O&M 12 CNY/yr); an addition of 600 CNY in service from year 2, so invested at
    the end of year 1 (t = 1; O&M 6 CNY/yr from year 2). Grid purchases avoided 600, 900, 900 CNY.

    Capex row: -1,200, -600, 0, 0. O&M: -12, -18, -18. EBITDA 588, 882, 882.
    Depreciation over 3 years to zero, each tranche from its year: 400 (years 1-3) + 200 (years 2-4),
    so 400, 600, 600; the addition's book value left at N = 3 is 600 - 400 = 200 (salvage in year 3).
    Adjusted tax 25 % x (588 - 400, 882 - 600, 882 - 600) = 47, 70.5, 70.5.
    Net to project: -1,200; -600 + 588 - 47 = -59; 882 - 70.5 = 811.5; 882 + 200 - 70.5 = 1,011.5.
    NPV at 10 %: -1,200 - 59/1.1 + 811.5/1.21 + 1,011.5/1.331 = -1,200 - 53.636 + 670.661 + 759.955
    = 176.980 CNY. IRR: NPV(16 %) = +0.240, NPV(16.1 %) = -2.428, so 16.009 %.
    Payback: cumulative -1,200, -1,259, -447.5, +564: 2 + 447.5 / 1,011.5 = 2.4424 years.

    Loans, half of each tranche, level annuities over 3 years (CRF(10 %, 3) = 0.4021148):
    600 at t = 0: payment 241.269, interest 60, 41.873, 21.934; principal 181.269, 199.396, 219.335.
    300 at t = 1: payment 120.634, year 2 interest 30, principal 90.634 (balance 209.366); year 3
    interest 20.937 and the balance 209.366 repaid at N. Interest 60, 71.873, 42.870; principal
    181.269, 290.030, 428.701. Income tax 25 % x (188 - 60, 282 - 71.873, 282 - 42.870) = 32, 52.532,
    59.782. Net to equity = project + adjusted tax - income tax + loan - interest - principal:
    -600; -59 + 47 - 32 + 300 - 60 - 181.269 = 14.731; 811.5 + 70.5 - 52.532 - 71.873 - 290.030
    = 467.565; 1,011.5 + 70.5 - 59.782 - 42.870 - 428.701 = 550.647. IRR: NPV(24 %) = +4.77,
    NPV(24.5 %) = -1.18, so about 24.40 %.
    """
    f = summarise(cash_flows(_params(), FIRST, PATH, additions=[(1, ADDED)]))
    c = f.flows.columns
    assert list(c["capex_cny"]) == pytest.approx([-1200, -600, 0, 0])
    assert list(c["om_cny"]) == pytest.approx([0, -12, -18, -18])
    assert list(c["depreciation_cny"]) == pytest.approx([0, 400, 600, 600])
    assert list(c["salvage_cny"]) == pytest.approx([0, 0, 0, 200])
    assert list(-c["adjusted_income_tax_cny"]) == pytest.approx([0, 47, 70.5, 70.5])
    project = [-1200, -59, 811.5, 1011.5]
    assert list(c["net_project_cny"]) == pytest.approx(project)
    assert f.npv_cny == pytest.approx(176.980, abs=1e-3)
    assert f.npv_cny == pytest.approx(npf.npv(0.10, project), rel=1e-12)
    assert f.project_irr == pytest.approx(npf.irr(project), rel=1e-12)
    assert f.project_irr == pytest.approx(_irr(project), abs=1e-9)
    assert f.project_irr == pytest.approx(0.16009, abs=1e-5)
    assert f.payback_years == pytest.approx(2 + 447.5 / 1011.5)
    assert list(c["loan_cny"]) == pytest.approx([600, 300, 0, 0])
    assert list(-c["interest_cny"]) == pytest.approx([0, 60, 71.873, 42.870], abs=1e-3)
    assert list(-c["principal_cny"]) == pytest.approx([0, 181.269, 290.030, 428.701], abs=1e-3)
    assert list(-c["income_tax_cny"]) == pytest.approx([0, 32, 52.532, 59.782], abs=1e-3)
    equity = [-600, 14.731, 467.565, 550.647]
    assert list(c["net_equity_cny"]) == pytest.approx(equity, abs=1e-3)
    assert f.equity_irr == pytest.approx(npf.irr(c["net_equity_cny"]), rel=1e-12)
    assert f.equity_irr == pytest.approx(0.2440, abs=1e-4)
    d = f.as_dict()
    assert d["initial_investment_cny"] == 1200.0
    assert d["additions"] == [{"year": 1, "investment_cny": 600.0, "investment_items_cny": {"pv": 600.0},
                               "om_cny_per_year": 6.0}]


def test_addition_input_vat_and_replacement_of_the_storage_in_service():
    """VAT 13 %: input 156 at t = 0 and 0.13 x 600 = 78 at t = 1; output 0.13 x (600, 900, 900) = 78,
    117, 117 kept against the credit 156 + 78 = 234: used 78, 117, 39; paid 0, 0, 78; surcharges
    12 % x 78 = 9.36 in year 3.

    Storage: 4 kWh at t = 0 and 2 kWh added at t = 1, replaced in years 1 and 2 at 100 CNY/kWh:
    year 1 replaces the 4 kWh in service (400 CNY), year 2 the 6 kWh (600 CNY); each depreciated to
    zero over the years left: 400 / 3 in years 1-3, 600 / 2 in years 2-3.
    """
    f = cash_flows(_params(**VAT), FIRST, PATH, additions=[(1, ADDED)])
    c = f.columns
    assert list(c["vat_input_cny"]) == pytest.approx([-156, -78, 0, 0])
    assert list(c["vat_credit_cny"]) == pytest.approx([0, 78, 117, 39])
    assert list(c["vat_surcharge_cny"]) == pytest.approx([0, 0, 0, -9.36])
    st0 = Investment(items={"storage": 1200.0}, om_cny_per_year=0.0, storage_energy_mwh=0.004)
    st1 = Investment(items={"storage": 600.0}, om_cny_per_year=0.0, storage_energy_mwh=0.002)
    f = cash_flows(_params(storage_replacement_cny_per_kwh=100.0), st0, PATH, replacement_years=[1, 2],
                   additions=[(1, st1)])
    c = f.columns
    assert list(c["storage_replacement_cny"]) == pytest.approx([0, -400, -600, 0])
    assert list(c["depreciation_cny"]) == pytest.approx([0, 400 + 400 / 3, 600 + 400 / 3 + 300, 600 + 400 / 3 + 300])


def test_additions_must_be_inside_the_evaluation():
    """An addition at t = 0 or at t >= N is refused (t = 0 is the first stage; t = N never operates)."""
    for ta in (0, 3):
        with pytest.raises(ValueError, match="additions"):
            cash_flows(_params(), FIRST, PATH, additions=[(ta, ADDED)])


def test_no_addition_is_bit_identical():
    """``additions=[]`` leaves every column and the energy exactly as before (VAT, storage, debt on)."""
    st = Investment(items={"storage": 1200.0, "other": 50.0}, om_cny_per_year=7.0, storage_energy_mwh=0.004)
    p = _params(storage_replacement_cny_per_kwh=100.0, **VAT)
    a, b = cash_flows(p, st, PATH), cash_flows(p, st, PATH, additions=[])
    for key in a.columns:
        assert np.array_equal(a.columns[key], b.columns[key]), key
    assert summarise(a).as_dict() == summarise(b).as_dict()


@pytest.fixture
def hand(make_site):
    """The hand day (tests/conftest.py) with storage bounds, life from 2026: PV 10 MW, then 20 MW from 2028."""
    site = read_site(make_site(base_site(start_year=2026, storage={"power_mw": 2, "energy_mwh": 4})))
    small = Design(capacities_mw={"wf": 10.0, "pv": 10.0}, storage_power_mw=2.0, storage_energy_mwh=4.0)
    big = Design(capacities_mw={"wf": 10.0, "pv": 20.0}, storage_power_mw=2.0, storage_energy_mwh=6.0)
    return site, small, big


def test_one_stage_is_the_single_build_exactly(hand):
    """staged_finance with one stage is life_finance's result, value for value (only life.stages added)."""
    site, small, _ = hand
    one = staged_finance(site, [(2026, small)]).as_dict()
    single = life_finance(site, small).as_dict()
    stages = one["life"].pop("stages")
    assert one == single
    assert stages == [{"stage_year": 2026, "t": 0, "investment_cny": single["initial_investment_cny"]}]


def test_staged_hand_day(hand):
    """PV 10 -> 20 MW and storage 4 -> 6 MWh from 2028 (china-2025 preset: PV 3,100 CNY/kW, storage
    390 CNY/kWh, O&M 1 %): the addition 10,000 kW x 3,100 + 2,000 kWh x 390 = 31,780,000 CNY at
    t = 2028 - 2026 = 2, its O&M 317,800 CNY/yr from year 3. Years 1-2 are the check of the small
    design in 2026 and 2027, year 3 the check of the big one in 2028 (the year model)."""
    site, small, big = hand
    f = staged_finance(site, [(2026, small), (2028, big)])
    d = f.as_dict()
    c = f.flows.columns
    assert c["capex_cny"][2] == pytest.approx(-31_780_000.0, rel=1e-12)
    assert np.count_nonzero(c["capex_cny"]) == 2
    single = life_finance(site, small).flows.columns
    g = (1 + f.flows.params.om_escalation) ** np.arange(25)
    assert c["om_cny"][3:] == pytest.approx(single["om_cny"][3:] - 317_800.0 * g[2:], rel=1e-12)
    assert d["life"]["design_stage"][:4] == [2026, 2026, 2028, 2028]
    for t, year, design in ((2, 2027, small), (3, 2028, big)):
        m = check_path(site, [year], design=design).rows[0].metrics
        assert d["cash_flows"][t]["generation_used_mwh"] == pytest.approx(m["A"] - m["C"], rel=1e-12)
    assert "staged build: additions in 2028" in f.notes[0]
    assert stage_lines(d) == ["  staged build: additions in 2028 (3,178.0 x10^4 CNY at the end of cash-flow year 2)"]
    with pytest.raises(InputError):
        staged_finance(site, [(2028, big), (2026, small)])


def test_stage_after_the_evaluation_is_left_out(hand):
    """A 3-year evaluation (t = 0 .. 3): the 2028 addition is at t = 2; one in 2029 would be at t = 3 = N,
    the end of the last year, never in service: left out, with a note."""
    site, small, big = hand
    f = staged_finance(site, [(2026, small), (2028, big), (2029, big)], evaluation_years=3)
    assert [t for t, x in enumerate(f.flows.columns["capex_cny"]) if x] == [0, 2]
    assert [r["stage_year"] for r in f.life["stages"]] == [2026, 2028]
    assert any("2029 after the evaluation's 3 years" in n for n in f.notes)
    assert f.life["calendar_years"] == [2026, 2027, 2028]


def test_addition_investment_counts_a_new_line():
    """A source first built by an addition brings its line; the addition only counts what is added."""
    site = read_site(V3)
    p = finance_params(site)
    res = check_site(site)
    names = list(res.design.capacities_mw)
    before = Design(capacities_mw={n: 0.0 for n in names}, storage_power_mw=0.0, storage_energy_mwh=0.0)
    add = addition_investment(site, before, res.design, p)
    from gdc.finance.cashflow import investment_of

    full = investment_of(site, res.design, p)
    assert add.total_cny == pytest.approx(full.total_cny - full.items.get("other", 0.0), rel=1e-12)
    assert addition_investment(site, res.design, res.design, p).total_cny == 0.0


def test_staged_storage_sample_cli(tmp_path):
    """gdc size staged-storage --years 2026-2031 (stages 2026, 2028, 2030): the cash flows carry each
    stage's additions in cash-flow year t = stage year - 2026 at the preset's unit costs (china-2025:
    PV 3,100 CNY/kW, storage 160 CNY/kW + 390 CNY/kWh) applied to the build plan's additions; the
    terminal says which years; the workbook's cash-flow sheet names them and its capex cells hold them.
    (The build plan's table rounds to 1e-6 MW: a few CNY on tens of millions; the cash flows take the
    certified designs unrounded.)"""
    js, xl = tmp_path / "r.json", tmp_path / "r.xlsx"
    out = CliRunner().invoke(main, ["size", str(STAGED), "--years", "2026-2031", "--json", str(js), "--xlsx", str(xl)])
    assert out.exit_code == 0, out.output
    data = json.loads(js.read_text())
    plan, fin = data["horizon"]["build_plan"], data["finance"]
    tech = yaml.safe_load((REPO / "models" / "technology" / "china-2025.yaml").read_text())["technologies"]
    unit = {"PV": 1000 * tech["pv"]["capex_cny_per_kw"], "storage_power": 1000 * tech["storage"]["capex_cny_per_kw"],
            "storage_energy": 1000 * tech["storage"]["capex_cny_per_kwh"]}
    assert [r["year"] for r in plan] == [2026, 2028, 2030]
    capex = [r["capex_cny"] for r in fin["cash_flows"]]
    for row in plan:
        t = row["year"] - 2026
        expected = sum(unit[k] * max(v, 0.0) for k, v in row["add"].items())
        assert -capex[t] == pytest.approx(expected, rel=1e-6), row["year"]  # the plan: MW to 6 decimals
    assert [t for t, x in enumerate(capex) if x] == [0, 2, 4]
    assert fin["initial_investment_cny"] == pytest.approx(-capex[0], rel=1e-12)
    assert fin["life"]["design_stage"][:6] == [2026, 2026, 2028, 2028, 2030, 2030]
    assert "staged build: additions in 2028, 2030" in out.output
    assert any(n.startswith("staged build: additions in 2028, 2030") for n in fin["notes"])
    assert fin["npv_cny"] == pytest.approx(npf.npv(fin["discount_rate_pct"] / 100,
                                                   [r["net_project_cny"] for r in fin["cash_flows"]]), rel=1e-12)
    ws = load_workbook(xl)["Cash flow"]
    assert ws["A3"].value.startswith("staged build: additions in 2028, 2030")
    col = [c.column_letter for c in ws[4] if c.value == "investment"][0]
    assert [ws[f"{col}{FIRST_ROW + t}"].value for t in (0, 2, 4)] == pytest.approx([capex[0], capex[2], capex[4]])


def test_staged_sheet_formulas_recomputed(tmp_path):
    """The hand staged case's sheet evaluated by the `formulas` package: =NPV(...) + net_0 = 176.980,
    =IRR(...) = 16.009 %, the net formulas of every year equal gdc's."""
    fin = summarise(cash_flows(_params(), FIRST, PATH, additions=[(1, ADDED)])).as_dict()
    fin["life"] = {"stages": [{"stage_year": 2026, "t": 0, "investment_cny": 1200.0},
                              {"stage_year": 2027, "t": 1, "investment_cny": 600.0}]}
    cells, values = evaluated_cash_flow_sheet(fin, tmp_path)
    assert values[cells["npv"]] == pytest.approx(176.980, abs=1e-3)
    assert values[cells["project_irr"]] == pytest.approx(fin["project_irr_pct"] / 100, abs=1e-9)
    for t, row in enumerate(fin["cash_flows"]):
        assert values[f"{cells['net_project']}{FIRST_ROW + t}"] == pytest.approx(row["net_project_cny"], abs=1e-9)
        assert values[f"{cells['net_equity']}{FIRST_ROW + t}"] == pytest.approx(row["net_equity_cny"], abs=1e-9)
    assert load_workbook(tmp_path / "cf.xlsx")["Cash flow"]["A3"].value.startswith("staged build: additions in 2027")
