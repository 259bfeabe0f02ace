"""gdc size --objective (gdc.optimise.objectives): each objective's optimum, by hand, against the cost optimum.

The hand site: load 10 MW flat; PV 0.5 pu in hours 8-15 of day 1, 0.25 pu of day 2; each day
weighs 182.5 (a year of 365 days, L = 480 x 182.5 = 87,600 MWh); flat-national tariff (import
650, export 350 CNY/MWh); national rules (load share >= 30 %, exports <= 20 % of A, S / A >= 60 %).
With PV capacity x in [20, 40] MW: S = (80 + 2x) x 182.5, so the load share needs x >= 32;
A = 24 x x 182.5, exports E = 0.2 A (day 1's surplus 8 (0.5x - 10) exceeds it). Each MW in
[32, 40] adds 2 x 182.5 = 365 MWh/yr of self-use (650 CNY saved each) and 0.2 x 6 x 182.5 = 219
MWh/yr of export (350 CNY each): 313,900 CNY/yr; beyond 40 MW only 76,650 CNY/yr of export.
A MW of PV costs 3,100,000 CNY and 31,000 CNY/yr of O&M (1 %): annualised at 5 % over 25
years 250,953 CNY/yr, so the least annual cost builds 40 MW.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, two_day_site

from gdc.cli.main import main
from gdc.finance.cashflow import finance_of
from gdc.operation.prices import crf
from gdc.optimise.objectives import linear_objective
from gdc.optimise.size import size_site
from gdc.profiles.series import get_profiles
from gdc.site.errors import InputError
from gdc.site.schema import read_site

L_MWH = 480 * 182.5
MARGINAL_SAVING = 365 * 650 + 219 * 350  # CNY/yr per MW of PV between 32 and 40 MW
PV_CAPEX, PV_OM = 3.1e6, 31_000.0


def annuity(rate: float, years: int = 25, growth: float = 0.0) -> float:
    """sum_{t=1..N} (1 + g)^(t-1) / (1 + r)^t, by a plain loop."""
    return sum((1 + growth) ** (t - 1) / (1 + rate) ** t for t in range(1, years + 1))


def hand_site(tmp_path, finance=None):
    """:func:`conftest.two_day_site` with each day weighing 182.5 (a year)."""
    return read_site(two_day_site(tmp_path, weights=(182.5, 182.5), name="hand objectives", finance=finance))


def test_cost_optimum_by_hand(tmp_path):
    """The cost optimum is 40 MW (313,900 > 250,953 CNY/yr per MW up to 40, 76,650 < 250,953 after);
    its JSON names the objective and its value, the annual cost."""
    assert PV_CAPEX * (crf(0.05, 25) + 0.01) == pytest.approx(250_953.0, abs=1.0)
    r = size_site(hand_site(tmp_path))
    assert r.design.capacities_mw["pv"] == pytest.approx(40.0, abs=1e-6)
    o = r.extra["objective"]
    assert (o["name"], o["sense"], o["unit"]) == ("cost", "min", "CNY/yr")
    assert o["value"] == pytest.approx(r.extra["cost"]["total_cny_per_year"], rel=1e-12)


def test_initial_investment_by_hand(tmp_path):
    """The least investment meets the load share with 32 MW: 32 x 3,100,000 = 99,200,000 CNY
    against 40 x 3,100,000 = 124,000,000 for the cost optimum. Its dispatch is the least-cost one:
    import (480 - 144) x 182.5 = 61,320 MWh, export 0.2 x 192 x 182.5 = 7,008 MWh, so the annual
    cost is 32 x 250,953 + 61,320 x 650 - 7,008 x 350."""
    site = hand_site(tmp_path)
    cost = size_site(site)
    r = size_site(site, objective="initial-investment")
    assert r.design.capacities_mw["pv"] == pytest.approx(32.0, abs=1e-6)
    o = r.extra["objective"]
    assert o["value"] == pytest.approx(99.2e6, rel=1e-9) == o["finance_value"]
    assert finance_of(cost).flows.investment.total_cny == pytest.approx(124e6, rel=1e-9)
    a_pv = PV_CAPEX * (crf(0.05, 25) + 0.01)
    assert r.extra["cost"]["total_cny_per_year"] == pytest.approx(32 * a_pv + 61_320 * 650 - 7_008 * 350, rel=1e-9)
    assert "objective_cny_per_year" not in r.extra["optimiser"] and r.extra["optimiser"]["objective_lp_unit"] == "CNY"


def test_composite_price_by_hand(tmp_path):
    """Composite price p_z = TC / (1000 L a) with TC = IC + a_O O&M + a_T (imports - exports).

    At 5 % (the cost's own rate), a = a_T = 14.0939 and a_O = 17.1842 (O&M +2 %/yr): a MW in
    [32, 40] changes TC by 3,100,000 + 31,000 a_O - 313,900 a_T = -791,381 CNY: 40 MW, the cost
    optimum. With finance.discount_rate 12 % (a = 7.8431, a_O = 9.0349) it is +918,122 CNY: 32 MW,
    and p_z(40) - p_z(32) = 8 x 918,122 / (1000 x 87,600 x 7.8431) = 0.010690 CNY/kWh. At the
    optimum the LP's value equals the finance module's composite price of the design."""
    for rate, want in ((0.05, 40.0), (0.12, 32.0)):
        a, a_o = annuity(rate), annuity(rate, growth=0.02)
        marginal = PV_CAPEX + PV_OM * a_o - MARGINAL_SAVING * a
        assert (marginal < 0) == (want == 40.0)
        site = hand_site(tmp_path, {"discount_rate": rate})
        r = size_site(site, objective="composite-price")
        assert r.design.capacities_mw["pv"] == pytest.approx(want, abs=1e-6)
        o = r.extra["objective"]
        assert o["unit"] == "CNY/kWh" and o["sense"] == "min"
        assert o["value"] == pytest.approx(finance_of(r).composite_price_cny_per_kwh, rel=1e-9)
        assert o["value"] == pytest.approx(o["finance_value"], rel=1e-9)
        p_cost = finance_of(size_site(site)).composite_price_cny_per_kwh
        assert o["value"] <= p_cost * (1 + 1e-9)
        if want == 32.0:
            assert p_cost - o["value"] == pytest.approx(8 * marginal / (1000 * L_MWH * a), rel=1e-6)
            assert p_cost - o["value"] == pytest.approx(0.010690, abs=1e-6)


def test_npv_by_hand(tmp_path):
    """Taxes, certificates, escalation and salvage off, depreciation 25 years: a MW in [32, 40]
    changes the NPV by -3,100,000 + (313,900 - 31,000) a. At 12 % (a = 7.8431): -881,176 CNY, so
    32 MW and NPV(32) - NPV(40) = 8 x 881,176 = 7,049,408 CNY; at 5 % (a = 14.0939) +887,170 CNY:
    40 MW, the cost optimum. The linear NPV is the true one here (no tax)."""
    off = {"income_tax_rate": 0.0, "tax_holiday": False, "salvage_fraction": 0.0, "depreciation_years": 25,
           "om_escalation": 0.0, "certificate_cny_per_mwh": 0.0}
    for rate, want in ((0.12, 32.0), (0.05, 40.0)):
        site = hand_site(tmp_path, {**off, "discount_rate": rate})
        r = size_site(site, objective="npv")
        assert r.design.capacities_mw["pv"] == pytest.approx(want, abs=1e-6)
        o = r.extra["objective"]
        assert o["sense"] == "max" and o["unit"] == "CNY"
        assert o["value"] == pytest.approx(o["finance_value"], rel=1e-9) == finance_of(r).npv_cny
        npv_cost = finance_of(size_site(site)).npv_cny
        assert o["finance_value"] >= npv_cost - 1e-6 * abs(npv_cost)
        if want == 32.0:
            marginal = -PV_CAPEX + (MARGINAL_SAVING - PV_OM) * annuity(rate)
            assert marginal == pytest.approx(-881_176, abs=1)
            assert o["finance_value"] - npv_cost == pytest.approx(-8 * marginal, rel=1e-6)


def test_npv_with_tax_holiday_is_exact_when_taxable_base_positive(tmp_path):
    """With the preset's tax (25 %, 三免三减半, depreciation 20 years to 5 %) the site's taxable base
    (EBITDA - depreciation) is positive every year, so the linearised NPV is the cash flows' NPV."""
    site = hand_site(tmp_path, {"discount_rate": 0.12})
    r = size_site(site, objective="npv")
    f = finance_of(r)
    c = f.flows.columns
    ebitda = sum(c[k] for k in ("om_cny", "staff_cny", "self_use_fees_cny", "capacity_charge_cny",
                                "avoided_grid_cny", "export_revenue_cny", "certificate_revenue_cny"))
    assert (ebitda - c["depreciation_cny"])[1:].min() > 0
    assert r.extra["objective"]["value"] == pytest.approx(f.npv_cny, rel=1e-9)
    assert f.npv_cny >= finance_of(size_site(site)).npv_cny


def test_branch_and_bound_with_every_objective():
    """The park's day types (wind free, PV free, storage free): the LP relaxation does not serve
    the load first, so the self-use-first search runs (status branch-and-bound) for each objective
    that prices the dispatch. Each optimum is within the certified gap (0.5 %) of the cost
    design in its own measure, and the composite LP value is the finance module's."""
    site = read_site(SAMPLES / "park-2026-day-types" / "size.yaml")
    profiles = get_profiles(site)
    cost = size_site(site, profiles)
    f_cost = finance_of(cost)
    for name in ("composite-price", "npv"):
        r = size_site(site, profiles, objective=name)
        su = r.extra["optimiser"]["self_use_first"]
        assert su["status"] == "branch-and-bound" and su["converged"] and r.status == "pass"
        o = r.extra["objective"]
        f = finance_of(r)
        if name == "composite-price":
            assert o["value"] == pytest.approx(f.composite_price_cny_per_kwh, rel=1e-9)
            assert o["value"] <= f_cost.composite_price_cny_per_kwh * (1 + su["gap_tol"])
        else:
            assert f.npv_cny >= f_cost.npv_cny - su["gap_tol"] * abs(o["lp_objective"])
    r = size_site(site, profiles, objective="initial-investment")
    assert r.extra["objective"]["value"] < f_cost.flows.investment.total_cny
    assert r.status == "pass"


def test_typical_days_with_every_objective(tmp_path):
    """The Ningxia ramp site (full year) on 8 typical days, certified on the full year, with the NPV
    (its certificate LP prices the dispatch) and the initial investment (its certificate is the
    least-cost dispatch): the full-year value of the certified design is the finance module's."""
    from test_typical_days import ramp_sizing_site

    from gdc.optimise.typical import size_site_typical

    site = ramp_sizing_site(tmp_path)
    profiles = get_profiles(site)
    base = finance_of(size_site_typical(site, n_days=8, profiles=profiles))
    got = {}
    for name in ("npv", "initial-investment"):
        r = size_site_typical(site, n_days=8, profiles=profiles, objective=name)
        assert r.extra["typical_days"]["certified"] and r.status == "pass" and r.profiles.hours == 8760
        o = got[name] = r.extra["objective"]
        assert o["name"] == name and o["value"] == pytest.approx(o["finance_value"], rel=1e-6)
    assert got["initial-investment"]["value"] < base.flows.investment.total_cny
    # no inequality on the NPV: both designs come from 8 typical days (measured 2026-12-01: the NPV
    # design's 859.3 M CNY is 1.3 % below the cost design's 870.6 M on the full year)


def test_cli_objective_json_and_terminal(tmp_path):
    """--objective npv: the JSON's objective block and the terminal's line (en and zh)."""
    hand_site(tmp_path, {"discount_rate": 0.12})
    path = str(tmp_path / "site.yaml")
    out = CliRunner().invoke(main, ["size", path, "--objective", "npv", "--json", "-"])
    assert out.exit_code == 0, out.output
    o = json.loads(out.output)["objective"]
    assert o["name"] == "npv" and o["value"] == pytest.approx(30_191_473.55, abs=1.0)
    text = CliRunner().invoke(main, ["size", path, "--objective", "composite-price"]).output
    assert "objective: composite price, minimised: 0.5844 CNY/kWh" in text
    zh = CliRunner().invoke(main, ["size", path, "--objective", "initial-investment", "--lang", "zh"]).output
    assert "优化目标：初始投资最小：9,920.0 万元" in zh


def test_unknown_objective_is_input_error(tmp_path):
    site = hand_site(tmp_path)
    with pytest.raises(InputError):
        linear_objective("least-regret", site, None, None)
