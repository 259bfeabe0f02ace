"""gdc screen's finance columns (issue 14): NPV, project IRR and composite price in check and size mode."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from test_objectives import hand_site

from gdc.check import check_file
from gdc.cli.main import main
from gdc.finance.cashflow import SCREEN_COLUMNS, finance_of
from gdc.optimise.size import size_site
from gdc.screen.evaluate import run_candidate
from gdc.site.schema import read_site

V3 = "sample_sites/v3-tool-flat-load/site.yaml"


def test_check_and_size_rows_carry_the_finance():
    """A check row's NPV, IRR and composite price are gdc.finance's for the design (V3 case:
    investment 695.8 M CNY, composite price 0.3062 CNY/kWh).

    The battery (40 MWh) is renewed in years 10 and 22 of the 25 (the life model: LFP fading 2 %/yr
    falls below 80 % in year 22), each time 40 MWh x 300 CNY/kWh = 12 M CNY. Year 22's renewal adds
    12e6 x 1.05^-22 / (1000 x 560,640 MWh x sum_t 1.05^-t) = 4.1022e6 / (5.6064e8 x 14.0939)
    = 0.000519 CNY/kWh to the 0.3057 of a single renewal in year 10."""
    res = check_file(V3)
    row = run_candidate(read_site(V3), "check")
    f = finance_of(res)
    assert row["npv_cny"] == pytest.approx(f.npv_cny, rel=1e-12)
    assert row["project_irr_pct"] == pytest.approx(100 * f.project_irr, rel=1e-12)
    assert row["composite_price_cny_per_kwh"] == pytest.approx(0.3062, abs=5e-5)
    once = finance_of(res, storage_replacement_years=(10,)).composite_price_cny_per_kwh
    assert once == pytest.approx(0.3057, abs=5e-5)
    d = 1.05 ** -np.arange(1, 26)
    assert row["composite_price_cny_per_kwh"] - once == pytest.approx(12e6 * d[21] / (1000 * 560640 * d.sum()),
                                                                       rel=1e-9)
    assert row["initial_investment_cny"] == pytest.approx(695.8e6, rel=1e-4)


def test_size_row_and_cli_columns(tmp_path):
    """Size mode on the hand site of tests/test_objectives.py: the sized 40 MW design's NPV is in the
    row and in results.csv; 40 MW x 3,100,000 CNY = 124 M CNY invested."""
    site = hand_site(tmp_path)
    row = run_candidate(site, "size")
    assert row["pv_mw"] == pytest.approx(40.0, abs=1e-6)
    assert row["initial_investment_cny"] == pytest.approx(124e6, rel=1e-9)
    assert row["npv_cny"] == pytest.approx(finance_of(size_site(site)).npv_cny, rel=1e-9)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["screen", str(tmp_path / "site.yaml"), "-o", str(out), "--mode", "size", "-q",
                                  "--workers", "1", "--no-plot"])
    assert r.exit_code in (0, 1), r.output
    table = pd.read_csv(out / "results.csv")
    assert set(SCREEN_COLUMNS) <= set(table.columns)
    assert table["npv_cny"].iloc[0] == pytest.approx(row["npv_cny"], rel=1e-9)
