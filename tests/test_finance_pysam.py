"""Cross-check of gdc's cash flows against NREL's SAM (PySAM Cashloan, commercial owner) on the V3 case.

Same inputs to both: the installed cost, year-1 fixed O&M, 25 years of energy value (gdc's
grid purchases avoided + export revenue), 5 % discount rate with no inflation, a 25 % income
tax with 20-year straight-line depreciation, optionally 80 % debt at 3.5 % over 15 years.

Where the conventions differ (so those features are switched off here):

- SAM's ``npv`` is the NPV of the owner's after-tax cash flow, i.e. gdc's net to equity; gdc's
  ``npv_cny`` is the project's (before financing, with the adjusted income tax). Without debt
  the two are the same flow.
- SAM discounts at the nominal rate ``(1 + real)(1 + inflation) - 1`` and escalates with
  inflation; gdc takes a nominal rate and its own escalations (set to zero on both sides).
- SAM has no tax holiday, and a negative tax (a loss) is a benefit in the same year; gdc applies
  三免三减半 and carries a loss forward five years (here the taxable profit is positive every year).
- SAM adds state tax, insurance, property tax and incentives (zero here); gdc has certificates,
  carbon revenue, salvage and a battery replacement (zero here).
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest

from gdc.check import check_file
from gdc.finance.cashflow import finance_of

cl = pytest.importorskip("PySAM.Cashloan")
ur5 = pytest.importorskip("PySAM.Utilityrate5")

V3 = "sample_sites/v3-tool-flat-load/site.yaml"


@pytest.fixture(scope="module")
def v3():
    return check_file(V3)


def _sam(f, tax: float, debt: float):
    """PySAM Cashloan on gdc's money (the utility-rate module only supplies the bill arrays it needs):
    its after-tax cash flow, NPV and payback."""
    c = f.flows.columns
    n = f.flows.params.evaluation_years
    u = ur5.default("PVWattsCommercial")
    m = cl.from_existing(u, "PVWattsCommercial")
    u.SystemOutput.gen = tuple([1000.0] * 8760)
    u.Load.load = tuple([2000.0] * 8760)
    u.Lifetime.analysis_period = n
    u.execute()
    fp = m.FinancialParameters
    fp.analysis_period = n
    fp.debt_fraction = 100 * debt
    fp.loan_rate = 3.5
    fp.loan_term = 15
    fp.federal_tax_rate = (100 * tax,)
    fp.state_tax_rate = (0.0,)
    fp.inflation_rate = 0.0
    fp.real_discount_rate = 5.0
    fp.insurance_rate = 0.0
    fp.property_tax_rate = 0.0
    fp.salvage_percentage = 0.0
    m.SystemCosts.total_installed_cost = f.flows.investment.total_cny
    m.SystemCosts.om_fixed = (-c["om_cny"][1],)
    m.SystemCosts.om_capacity = (0.0,)
    m.SystemCosts.om_production = (0.0,)
    m.TaxCreditIncentives.itc_fed_percent = (0.0,)
    m.Depreciation.depr_fed_type = 2 if tax else 0  # 2: straight line
    m.Depreciation.depr_fed_sl_years = 20
    m.Depreciation.depr_sta_type = 0
    m.SystemOutput.degradation = (0.0,)
    m.SystemOutput.annual_energy_value = tuple([0.0, *(c["avoided_grid_cny"][1:] + c["export_revenue_cny"][1:])])
    m.execute()
    o = m.Outputs  # read before u and m go (the outputs live in their shared data)
    return {"cf_after_tax_cash_flow": np.array(o.cf_after_tax_cash_flow), "npv": o.npv, "payback": o.payback}


@pytest.mark.parametrize("tax, debt", [(0.0, 0.0), (0.25, 0.0), (0.25, 0.8)])
def test_cash_flows_match_sam_cashloan(v3, tax, debt):
    """V3 case (investment 695.8 million CNY): SAM's after-tax cash flow equals gdc's net to equity
    year by year, SAM's NPV is gdc's equity flow discounted at 5 % (= gdc's project NPV without
    debt: 2,749.1 million CNY untaxed), and the simple paybacks agree."""
    f = finance_of(v3, income_tax_rate=tax, tax_holiday=False, debt_share=debt, om_escalation=0.0,
                   salvage_fraction=0.0, storage_replacement_share=0.0, certificate_cny_per_mwh=0.0,
                   depreciation_years=20, loan_years=15, interest_rate=0.035)
    out = _sam(f, tax, debt)
    equity = f.flows.columns["net_equity_cny"]
    np.testing.assert_allclose(out["cf_after_tax_cash_flow"], equity, rtol=1e-9, atol=1.0)
    assert out["npv"] == pytest.approx(npf.npv(0.05, equity), rel=1e-9)
    if debt == 0:
        assert out["npv"] == pytest.approx(f.npv_cny, rel=1e-9)
    assert out["payback"] == pytest.approx(f.payback_years, abs=1e-6)
