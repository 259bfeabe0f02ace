"""Finance over the project's life (gdc.finance.life, issue 14): each year's energy from the year model.

The hand day (tests/conftest.py): load 10 MW flat (240 MWh), wind 10 MW at 0.2 pu all day, PV 20 MW at
0.5 pu in hours 8-15, one day of weight 1, flat-national tariff (import 650, export 350 CNY/MWh).
Life preset: PV 1 % in the first year then 0.4 %/yr, wind 1.6 %/yr, so in 2030 (year 5 of a life
from 2026) PV x 0.99 x 0.996^3 = 0.97816745664 and wind x 0.984^4 = 0.937519681536.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import base_site

from gdc.check import check_site
from gdc.cli.main import main
from gdc.finance.cashflow import finance_of
from gdc.finance.life import life_energy, life_finance
from gdc.finance.params import finance_params
from gdc.life.path import check_path
from gdc.site.read import read_site

PV5 = 0.99 * 0.996 ** 3
WIND5 = 0.984 ** 4


def test_year_5_of_the_cash_flows_is_the_path_year_5(make_site):
    """Year 5 by hand: in hours 8-15 PV 10 x 0.978167 + wind 2 x 0.937520 = 11.6567 MW > 10 MW of
    load, so the load is served (80 MWh) and 8 x 1.6567 = 13.2535 MWh exported; the other 16 hours
    wind 2 x 0.937520 = 1.875039 MW: S = 80 + 32 x 0.937520 = 110.000630 MWh, I = 240 - S.
    Grid purchases avoided 650 x S = 71,500.41 CNY; export revenue 350 x 13.2535 = 4,638.7 CNY;
    A - C = 80 x 0.978167 + 48 x 0.937520 = 123.254342 MWh. The same as the path's row of 2030."""
    site = read_site(make_site(base_site(start_year=2026)))
    design = check_site(site).design
    f = life_finance(site, design)
    row5 = f.as_dict()["cash_flows"][5]
    s5 = 80 + 32 * WIND5
    e5 = 8 * (10 * PV5 + 2 * WIND5 - 10)
    assert s5 == pytest.approx(110.000630, abs=1e-6)
    assert row5["avoided_grid_cny"] == pytest.approx(650 * s5, rel=1e-9)
    assert row5["export_revenue_cny"] == pytest.approx(350 * e5, rel=1e-9)
    assert row5["generation_used_mwh"] == pytest.approx(80 * PV5 + 48 * WIND5, rel=1e-9)
    path = check_path(site, [2030], design=design)
    m = path.rows[0].metrics
    assert row5["generation_used_mwh"] == pytest.approx(m["A"] - m["C"], rel=1e-12)
    assert row5["load_mwh"] == pytest.approx(m["L"], rel=1e-12) == 240.0
    assert row5["avoided_grid_cny"] == pytest.approx(650 * (m["L"] - m["I"]), rel=1e-9)
    # year 1 is the checked year: the same cash flow as finance_of's, and degradation lowers the NPV
    flat = finance_of(check_site(site))
    assert f.as_dict()["cash_flows"][1]["avoided_grid_cny"] == pytest.approx(flat.as_dict()["cash_flows"][1]
                                                                             ["avoided_grid_cny"], rel=1e-12)
    assert f.npv_cny < flat.npv_cny
    assert f.life["calendar_years"] == list(range(2026, 2051)) and f.life["replacement_years"] == []


def test_replacements_from_the_life_model(make_site):
    """Storage 2 MW / 4 MWh fading 5 %/yr, end of life 80 %, the life preset's replacement in year 10:
    0.95^5 = 0.774 < 0.8, so the battery is replaced in years 6, 10, 15, 20 and 25, each at
    4 MWh x 300 CNY/kWh = 1,200,000 CNY. The one-year finance (`gdc check`) pays for the same
    renewals (FinanceParams.storage_replacement_years, from the same life model), not year 10 alone."""
    st = {"power_mw": 2, "energy_mwh": 4}
    site = read_site(make_site(base_site(start_year=2026, storage=st,
                                         degradation={"storage_per_year_pct": 5, "storage_end_of_life_pct": 80})))
    design = check_site(site).design
    _, cal, replaced = life_energy(site, design)
    assert replaced == [6, 10, 15, 20, 25] and len(cal) == 25
    rep = [r["storage_replacement_cny"] for r in life_finance(site, design).as_dict()["cash_flows"]]
    assert [t for t, x in enumerate(rep) if x] == [6, 10, 15, 20, 25]
    assert rep[6] == pytest.approx(-1.2e6)
    single = [r["storage_replacement_cny"] for r in finance_of(check_site(site)).as_dict()["cash_flows"]]
    assert [t for t, x in enumerate(single) if x] == [6, 10, 15, 20, 25]
    assert finance_params(site).storage_replacement_years == (6, 10, 15, 20, 25)


def test_check_years_carries_the_life_finance(make_site):
    """gdc check --years 2026-2030: the JSON's finance is the life finance, its year 5 the path's 2030."""
    path = make_site(base_site(start_year=2026))
    out = CliRunner().invoke(main, ["check", str(path), "--years", "2026-2030", "--json", "-"])
    assert out.exit_code in (0, 1), out.output
    data = json.loads(out.output)
    fin = data["finance"]
    assert fin["life"]["calendar_years"][:5] == [2026, 2027, 2028, 2029, 2030]
    row = next(r for r in data["path"] if r["year"] == 2030)
    assert fin["cash_flows"][5]["generation_used_mwh"] == pytest.approx(row["metrics"]["A"] - row["metrics"]["C"])
    text = CliRunner().invoke(main, ["check", str(path), "--years", "2026-2030"]).output
    assert "years 1-25 from the year model of 2026-2050" in text and "Finance (25 years" in text
