"""VAT in the cash flows (finance.vat_included, issue 14): the 3-year hand case with input VAT credited
against output VAT, the surcharges, the wind refund (财税〔2015〕74号), and the site-file switch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from test_finance import V3, _params, _year

from gdc.check import check_file
from gdc.cli.main import main
from gdc.finance.cashflow import VAT_COLUMNS, Investment, cash_flows, finance_of, summarise

VAT = dict(vat_included=True, vat_rate_pct=13.0, vat_surcharge_pct=12.0, wind_vat_refund_pct=50.0)


def test_three_years_with_vat_by_hand():
    """The 3-year case of test_finance (investment 1,200 CNY, 600 CNY a year of grid purchases
    avoided, r = 10 %, tax 25 %, depreciation 400 a year) with VAT at 13 %:

    input VAT at t = 0: 13 % x 1,200 = 156; output VAT 13 % x 600 = 78 a year. The credit takes
    year 1's 78 (78 left) and year 2's 78 (0 left): kept 78, 78, 0; paid 0, 0, 78.
    Surcharges 12 % x paid: 0, 0, 9.36. EBITDA 600, 600, 590.64; tax 25 % x (EBITDA - 400):
    50, 50, 47.66. Net: -1,356; 600 + 78 - 50 = 628; 628; 590.64 - 47.66 = 542.98.
    NPV = -1,356 + 628 / 1.1 + 628 / 1.21 + 542.98 / 1.331 = -1,356 + 570.909 + 519.008 + 407.949
    = 141.866 CNY (without VAT 167.769: the credit's timing and the surcharges cost 25.90).
    """
    p = _params(income_tax_rate=0.25, **VAT)
    f = summarise(cash_flows(p, Investment(items={"pv": 1200.0}, om_cny_per_year=0.0), _year()))
    c = f.flows.columns
    assert list(c["vat_input_cny"]) == pytest.approx([-156, 0, 0, 0])
    assert list(c["vat_credit_cny"]) == pytest.approx([0, 78, 78, 0])
    assert list(c["vat_surcharge_cny"]) == pytest.approx([0, 0, 0, -9.36])
    assert list(c["vat_refund_cny"]) == pytest.approx([0, 0, 0, 0])
    assert list(c["adjusted_income_tax_cny"]) == pytest.approx([0, -50, -50, -47.66])
    assert list(c["net_project_cny"]) == pytest.approx([-1356, 628, 628, 542.98])
    assert f.npv_cny == pytest.approx(141.866, abs=1e-3)
    # VAT does not enter the V3 composite price (the tool's formulas have no tax)
    plain = summarise(cash_flows(_params(income_tax_rate=0.25), Investment(items={"pv": 1200.0},
                                                                           om_cny_per_year=0.0), _year()))
    assert f.composite_price_cny_per_kwh == pytest.approx(plain.composite_price_cny_per_kwh, rel=1e-12)
    assert plain.npv_cny - f.npv_cny == pytest.approx(25.903, abs=1e-3)


def test_wind_refund_and_replacement_by_hand():
    """The same with wind electricity (wind share 1) and a 100 CNY storage replacement in year 2.

    Input VAT 156 at t = 0 and 13 in year 2. Credit: year 1 keeps 78 (78 left); year 2: 78 + 13
    = 91 available, keeps 78 (13 left); year 3 keeps 13 and pays 65. Refund 50 % x 65 = 32.5;
    surcharges 12 % x 65 = 7.8. Depreciation 400 a year, plus the replacement over the 2 years
    left (50); tax: 25 % x 200 = 50; 25 % x (600 - 450) = 37.5; 25 % x (624.7 - 450) = 43.675.
    Net: -1,356; 628; 600 - 100 - 13 + 78 - 37.5 = 527.5; 624.7 + 13 - 43.675 = 594.025.
    """
    p = _params(income_tax_rate=0.25, storage_replacement_year=2, storage_replacement_cny_per_kwh=100.0, **VAT)
    inv = Investment(items={"wind": 1200.0}, om_cny_per_year=0.0, storage_energy_mwh=0.001)  # 1 kWh x 100
    f = summarise(cash_flows(p, inv, _year(wind_share=1.0)))
    c = f.flows.columns
    assert list(c["vat_input_cny"]) == pytest.approx([-156, 0, -13, 0])
    assert list(c["vat_credit_cny"]) == pytest.approx([0, 78, 78, 13])
    assert list(c["vat_refund_cny"]) == pytest.approx([0, 0, 0, 32.5])
    assert list(c["vat_surcharge_cny"]) == pytest.approx([0, 0, 0, -7.8])
    assert list(c["adjusted_income_tax_cny"]) == pytest.approx([0, -50, -37.5, -43.675])
    assert list(c["net_project_cny"]) == pytest.approx([-1356, 628, 527.5, 594.025])


def test_vat_off_by_default_and_from_the_site_file(tmp_path):
    """The preset leaves VAT out of the cash flows (no VAT columns); finance: {vat_included: true}
    adds them, the input VAT at t = 0 is 13 % of the investment net of other investment, and a
    rate out of range is bad input (exit 2)."""
    base = finance_of(check_file(V3))
    assert not set(VAT_COLUMNS) & set(base.as_dict()["cash_flows"][0])
    data = yaml.safe_load(Path(V3).read_text(encoding="utf-8"))
    site_dir = tmp_path / "s"
    site_dir.mkdir()
    src = Path(V3).parent
    for f in src.iterdir():
        if f.is_file() and f.name != "site.yaml":
            (site_dir / f.name).write_bytes(f.read_bytes())
    data.setdefault("finance", {})["vat_included"] = True
    (site_dir / "site.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = CliRunner().invoke(main, ["check", str(site_dir / "site.yaml"), "--json", "-"])
    assert out.exit_code in (0, 1), out.output
    fin = json.loads(out.output)["finance"]
    row0 = fin["cash_flows"][0]
    other = fin["investment_items_cny"].get("other", 0.0)
    assert row0["vat_input_cny"] == pytest.approx(-0.13 * (fin["initial_investment_cny"] - other), rel=1e-12)
    assert fin["params"]["vat_included"] is True
    # the V3 case is mostly wind (480 of 696 M CNY): the 50 % refund outweighs the credit's timing
    # and the surcharges; without it VAT lowers the NPV
    res = check_file(site_dir / "site.yaml")
    assert sum(r["vat_refund_cny"] for r in fin["cash_flows"]) > 0
    assert fin["npv_cny"] == pytest.approx(finance_of(res).npv_cny, rel=1e-12) and fin["npv_cny"] > base.npv_cny
    assert finance_of(res, wind_vat_refund_pct=0.0).npv_cny < base.npv_cny
    data["finance"]["vat_rate_pct"] = 130
    (site_dir / "site.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    bad = CliRunner().invoke(main, ["check", str(site_dir / "site.yaml")])
    assert bad.exit_code == 2 and "vat_rate_pct" in bad.output
