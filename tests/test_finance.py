"""Finance (issue 14): cash flows, NPV, IRRs, payback, the V3 composite price, all checked by hand."""

from __future__ import annotations

import json

import numpy_financial as npf
import pytest
from click.testing import CliRunner
from conftest import hand_finance_params
from scipy.optimize import brentq

from gdc.check import check_file
from gdc.cli.main import main
from gdc.finance.cashflow import Investment, YearEnergy, cash_flows, finance_of, summarise
from gdc.finance.composite import annuity_factor, composite_prices, v3_composite_price
from gdc.finance.params import finance_params
from gdc.site.schema import read_site

V3 = "sample_sites/v3-tool-flat-load/site.yaml"


def _params(**kw):
    """Every item off: no tax, debt, escalation, certificates, replacement, salvage."""
    return hand_finance_params(**kw)


def _year(**kw) -> YearEnergy:
    base = dict(load_mwh=1.0, import_mwh=0.5, export_mwh=0.0, available_mwh=1.0, curtailment_mwh=0.0,
                self_consumed_mwh=0.5, baseline_cost_cny=700.0, import_cost_cny=100.0, export_revenue_cny=0.0)
    base.update(kw)
    return YearEnergy(**base)


def _irr(flows) -> float:
    """An IRR found independently of numpy-financial (scipy's bracketing root finder)."""
    return brentq(lambda r: sum(f / (1 + r) ** t for t, f in enumerate(flows)), -0.5, 5.0)


def test_three_year_cash_flow_by_hand():
    """Investment 1,200 CNY at t = 0; grid purchases avoided 700 - 100 = 600 CNY a year for 3 years;
    r = 10 %, tax 25 %, straight-line depreciation 1,200 / 3 = 400 a year, no salvage, no holiday.

    Project: taxable 600 - 400 = 200, adjusted tax 50, net -1,200, 550, 550, 550.
    NPV = 550 x (1/1.1 + 1/1.21 + 1/1.331) - 1,200 = 550 x 2.486852 - 1,200 = 167.769 CNY.
    IRR: 550 x a(r, 3) = 1,200, a = 2.181818: a(17.5 %) = 2.191808, a(18 %) = 2.174273, so r = 17.78 %.
    Payback: cumulative -1,200, -650, -100, +450: 2 + 100 / 550 = 2.1818 years.
    Discounted: 500, 454.545, 413.223 (cumulative -700, -245.455, +167.769): 2 + 245.455 / 413.223 = 2.594.

    Equity, half borrowed (600 CNY at 10 % over 3 years): annuity 600 x 0.402115 = 241.269;
    interest 60.000, 41.873, 21.934; principal 181.269, 199.396, 219.335; levered tax
    25 % x (200 - interest) = 35.000, 39.532, 44.517; net to equity
    -600, 600 - 35.000 - 241.269 = 323.731, 319.199, 314.214; IRR between 26 % (PV 615.07) and 28 % (597.56),
    about 27.7 %.
    """
    p = _params(income_tax_rate=0.25, debt_share=0.5)
    f = summarise(cash_flows(p, Investment(items={"pv": 1200.0}, om_cny_per_year=0.0), _year()))
    c = f.flows.columns
    assert list(c["net_project_cny"]) == pytest.approx([-1200, 550, 550, 550])
    assert f.npv_cny == pytest.approx(167.769, abs=1e-3)
    assert f.project_irr == pytest.approx(0.1778, abs=1e-4)
    assert f.payback_years == pytest.approx(2 + 100 / 550)
    assert f.discounted_payback_years == pytest.approx(2.594, abs=1e-3)
    assert list(-c["interest_cny"][1:]) == pytest.approx([60.0, 41.873, 21.934], abs=1e-3)
    assert list(-c["principal_cny"][1:]) == pytest.approx([181.269, 199.396, 219.335], abs=1e-3)
    equity = [-600, 323.731, 319.199, 314.214]
    assert list(c["net_equity_cny"]) == pytest.approx(equity, abs=1e-3)
    assert 0.26 < f.equity_irr < 0.28
    assert f.equity_irr == pytest.approx(_irr(equity), abs=1e-5)


def test_tax_holiday_and_loss_carry():
    """三免三减半 over 7 years, 1,400 CNY depreciated over 7 (200 a year), 600 CNY a year avoided:
    taxable 400 a year, tax 25 % x 400 = 100 at full rate: 0, 0, 0, 50, 50, 50, 100.

    Losses: 200 CNY a year avoided and an investment depreciated 700 a year over 2 years of 4:
    taxable -500, -500, +200, +200; the losses are carried, so no tax in any year.
    """
    p = _params(evaluation_years=7, depreciation_years=7, income_tax_rate=0.25, tax_holiday=True)
    f = cash_flows(p, Investment(items={"pv": 1400.0}, om_cny_per_year=0.0), _year())
    assert list(-f.columns["adjusted_income_tax_cny"][1:]) == pytest.approx([0, 0, 0, 50, 50, 50, 100])
    p = _params(evaluation_years=4, depreciation_years=2, income_tax_rate=0.25)
    f = cash_flows(p, Investment(items={"pv": 1400.0}, om_cny_per_year=0.0), _year(baseline_cost_cny=300.0))
    assert list(f.columns["adjusted_income_tax_cny"]) == pytest.approx([0, 0, 0, 0, 0])


def test_reported_irr_is_the_irr_of_the_reported_cash_flows():
    """gdc check --json on the V3 case: npf.irr of cash_flows[*].net_project_cny (and net_equity_cny)
    is the reported IRR, the NPV is sum_t net_t / 1.05^t (discount rate 5 %, the preset's), and the
    NPV at the reported IRR is zero; cash_flows[0] is the investment year."""
    out = CliRunner().invoke(main, ["check", V3, "--json"])
    assert out.exit_code == 0, out.output
    fin = json.loads(out.output)["finance"]
    rows = fin["cash_flows"]
    assert rows[0]["year"] == 0 and rows[0]["capex_cny"] == -fin["initial_investment_cny"]
    project = [r["net_project_cny"] for r in rows]
    equity = [r["net_equity_cny"] for r in rows]
    assert fin["project_irr_pct"] == pytest.approx(100 * _irr(project), abs=1e-6)
    assert fin["equity_irr_pct"] == pytest.approx(100 * _irr(equity), abs=1e-6)
    r = fin["discount_rate_pct"] / 100
    assert fin["npv_cny"] == pytest.approx(sum(x / (1 + r) ** t for t, x in enumerate(project)), rel=1e-12)
    assert abs(npf.npv(fin["project_irr_pct"] / 100, project)) < 1e-6 * fin["initial_investment_cny"]
    for key in ("payback_years", "discounted_payback_years", "lcoe_cny_per_mwh", "composite_price_cny_per_kwh",
                "green_power_price_cny_per_kwh"):
        assert fin[key] is not None and fin[key] > 0


def test_npv_without_taxes_and_debt_is_the_discounted_savings():
    """V3 case, taxes and debt off, no escalation, replacement, certificates or salvage: the NPV is
    -investment + 25 years of savings at 5 %, with the yearly savings computed from the metrics and
    the flat national tariff (import 0.45 + 0.20 = 0.65 CNY/kWh, export 0.35 CNY/kWh) alone:
    savings = (L - I) x 650 + E x 350 - 1 % x (investment - the lines, which carry no O&M) [CNY/yr];
    investment = 120 MW x 4,000 + 60 MW x 3,100 + 20 MW x 160 + 40 MWh x 390 (x1000) + 20 km x 550,000
    = 480 + 186 + 3.2 + 15.6 + 11 = 695.8 million CNY.
    """
    res = check_file(V3)
    f = finance_of(res, income_tax_rate=0.0, debt_share=0.0, om_escalation=0.0, salvage_fraction=1.0,
                   storage_replacement_share=0.0, certificate_cny_per_mwh=0.0, depreciation_years=25)
    m = res.metrics
    invest = 1000 * (120 * 4000 + 60 * 3100 + 20 * 160 + 40 * 390) + 20 * 550_000
    assert f.flows.investment.total_cny == pytest.approx(invest) == pytest.approx(695.8e6)
    savings = (m.L - m.I) * 650 + m.E * 350 - 0.01 * (invest - 11e6)
    # salvage_fraction 1: nothing is depreciated, the whole investment comes back at t = 25
    expected = -invest + savings * annuity_factor(0.05, 25) + invest / 1.05 ** 25
    assert f.npv_cny == pytest.approx(expected, rel=1e-9)
    g = finance_of(res, income_tax_rate=0.0, debt_share=0.0, om_escalation=0.0, salvage_fraction=0.0,
                   storage_replacement_share=0.0, certificate_cny_per_mwh=0.0)
    assert g.npv_cny == pytest.approx(-invest + savings * annuity_factor(0.05, 25), rel=1e-9)
    assert g.flows.columns["net_equity_cny"] == pytest.approx(g.flows.columns["net_project_cny"])


def test_v3_composite_price_by_hand():
    """The V3 tool's formulas 1, 3, 4 (drshare/directopt-tauri economics.rs), r = 10 %, N = 2:
    a = 1/1.1 + 1/1.21 = 1.735537; IC = 1,000; OC = grid 100 + fees 10 + O&M 20 - export 30 = 100;
    replacement 121 in year 2 is worth 121 / 1.21 = 100 today; TC = 1,000 + 173.554 + 100 = 1,273.554.
    L = 1,000 kWh/yr: p_z = 1,273.554 / 1,735.537 = 0.733810 CNY/kWh.
    Green: OC_g = 10 + 20 - 30 = 0, TC_g = 1,100; L - I = 500 kWh: p_g = 1,100 / 867.769 = 1.267619.

    The year-by-year version on gdc's cash-flow table gives the same with no escalation: the
    same money as a YearEnergy of 1 MWh load, 0.5 MWh import costing 100 CNY, 30 CNY of export,
    0.5 MWh self-consumed at 0.02 CNY/kWh of fees (10 CNY), O&M 20 CNY, 0.121 MWh of storage
    replaced at 1 CNY/kWh in year 2.
    """
    p_z, p_g = v3_composite_price(1000, 100, 10, 20, 0, 30, 121, 2, 1000, 500, 0.10, 2)
    assert p_z == pytest.approx(0.733810, abs=1e-6)
    assert p_g == pytest.approx(1.267619, abs=1e-6)
    p = _params(evaluation_years=2, self_use_fees_cny_per_kwh=0.02, storage_replacement_cny_per_kwh=1.0,
                income_tax_rate=0.25, debt_share=0.7)  # tax and debt do not enter the prices
    inv = Investment(items={"storage": 1000.0}, om_cny_per_year=20.0, storage_energy_mwh=0.121)
    flows = cash_flows(p, inv, _year(export_revenue_cny=30.0))
    assert composite_prices(flows) == pytest.approx((p_z, p_g), abs=1e-9)


def test_per_year_energy_path():
    """A path of three years replaces the repeated year 1: avoided 600, 300, 0 CNY (no tax):
    net -1,200, 600, 300, 0; NPV at 10 % = 545.455 + 247.934 - 1,200 = -406.612."""
    p = _params()
    path = [_year(), _year(import_cost_cny=400.0), _year(import_cost_cny=700.0)]
    f = summarise(cash_flows(p, Investment(items={"pv": 1200.0}, om_cny_per_year=0.0), path))
    assert list(f.flows.columns["net_project_cny"]) == pytest.approx([-1200, 600, 300, 0])
    assert f.npv_cny == pytest.approx(-406.612, abs=1e-3)
    assert f.payback_years is None
    with pytest.raises(ValueError):
        cash_flows(p, Investment(items={}, om_cny_per_year=0.0), path[:2])


def test_site_overrides_and_sources():
    """finance: in the site file wins over economics.discount_rate, which wins over the preset."""
    site = read_site(V3)
    eco = replace_site(site, economics={"discount_rate": 0.07}, finance={"debt_share": 0.6, "tax_holiday": False})
    p = finance_params(eco)
    assert (p.discount_rate, p.debt_share, p.tax_holiday) == (0.07, 0.6, False)
    assert p.sources["discount_rate"] == "economics" and p.sources["debt_share"] == "site"
    assert p.sources["income_tax_rate"] == "preset"


def replace_site(site, **blocks):
    data = site.model_dump(by_alias=True, exclude_none=True)
    data.update(blocks)
    new = type(site).model_validate(data)
    new._path = site.path
    return new


def test_bad_preset_is_input_error():
    from gdc.site.errors import InputError

    site = replace_site(read_site(V3), finance={"preset": "nowhere"})
    with pytest.raises(InputError, match="no finance preset 'nowhere'"):
        finance_params(site)


def test_size_json_has_finance():
    """gdc size --json carries the same finance block for the sized design: year 0 is the investment
    year, its capex the reported initial investment; the NPV is the discounted sum of the flows."""
    out = CliRunner().invoke(main, ["size", "sample_sites/park-2026-day-types/size.yaml", "--json"])
    assert out.exit_code == 0, out.output
    fin = json.loads(out.output)["finance"]
    rows = fin["cash_flows"]
    assert len(rows) == fin["evaluation_years"] + 1 and rows[0]["year"] == 0
    assert -rows[0]["capex_cny"] == pytest.approx(fin["initial_investment_cny"])
    assert fin["initial_investment_cny"] > 0
    r = fin["discount_rate_pct"] / 100
    assert fin["npv_cny"] == pytest.approx(sum(x["net_project_cny"] / (1 + r) ** x["year"] for x in rows), rel=1e-12)


def test_short_evaluation_salvage_and_balloon():
    """N = 2 years with a 4-year depreciation and a 3-year loan: 1,000 CNY depreciated 250 a year
    (salvage 0), so the book value 500 comes back at t = 2; the loan (all of it, 10 %, annuity
    1,000 x 0.402115 = 402.115) pays 100 of interest in year 1; the balance left,
    1,000 - 302.115 = 697.885, is repaid in year 2 with 69.789 of interest. A replacement in year 3 falls outside and is dropped."""
    p = _params(evaluation_years=2, depreciation_years=4, debt_share=1.0, storage_replacement_year=3,
                storage_replacement_cny_per_kwh=100.0)
    f = summarise(cash_flows(p, Investment(items={"x": 1000.0}, om_cny_per_year=0.0, storage_energy_mwh=1.0),
                             _year()))
    c = f.flows.columns
    assert c["salvage_cny"][2] == pytest.approx(500.0)
    assert list(-c["principal_cny"]) == pytest.approx([0, 302.115, 697.885], abs=1e-3)
    assert list(-c["interest_cny"]) == pytest.approx([0, 100.0, 69.789], abs=1e-3)
    assert not c["storage_replacement_cny"].any()
    assert f.equity_irr is None and "all debt" in f.notes[0]
