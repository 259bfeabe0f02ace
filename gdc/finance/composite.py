"""The composite price (综合电价) and the green-power price (绿电电价) as the Chinese planning tool defines them.

Source: the planning tool "绿电直连新能源优化配置 V3.0" as re-implemented in the public repository
drshare/directopt-tauri (``src-tauri/src/compute/economics.rs``, formulas 1, 3 and 4 of the tool's
manual, 2026). With the evaluation period N, discount rate r and ``a = sum_{t=1..N} 1/(1+r)^t``::

    IC  = sum(unit cost x capacity) + other fixed investment                    (初投资)
    OC  = grid purchases + self-use fees + O&M + staff - export revenue          (年运行成本) [CNY/yr]
    TC  = IC + OC x a + replacement / (1+r)^x                                    (式 1, 全生命周期总成本)
    p_z = TC / (L x a)                                                           (式 3, 综合电价) [CNY/kWh]
    OC_g = self-use fees + O&M + staff - export revenue                          (no grid purchases)
    p_g = (IC + OC_g x a + replacement / (1+r)^x) / ((L - I) x a)                (式 4, 绿电电价) [CNY/kWh]

with L the annual load and I the annual import [kWh], x the battery-replacement year. The
tool's grid purchases are ``sum_h import x (energy price + loss + system-operation fee + funds)``
plus, in its scheme 1, the capacity-based T&D charge ``connection capacity x average load rate x
8760 h x mean T&D rate``; gdc's are the import at the site's import price (fees included) plus
the tariff's capacity charge. Its self-use fee (scheme 1: government funds) is charged on the
generation used (A - C, exports included); gdc charges ``finance.self_use_fees_cny_per_kwh`` on
the self-consumed S. No tax, financing or salvage enters either price.

:func:`composite_prices` evaluates the same two ratios year by year on gdc's cash-flow table
(``TC = IC + sum_t OC_t / (1+r)^t + replacement_x / (1+r)^x``, ``p_z = TC / sum_t L_t / (1+r)^t``),
so escalations and a per-year energy path enter; with no escalation it equals
:func:`v3_composite_price` exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from gdc.finance.cashflow import CashFlows


def annuity_factor(rate: float, years: int) -> float:
    """``sum_{t=1..N} 1/(1+r)^t`` [years]."""
    return float(sum(1.0 / (1.0 + rate) ** t for t in range(1, years + 1)))


def v3_composite_price(investment_cny: float, grid_purchases_cny: float, self_use_fees_cny: float,
                       om_cny: float, staff_cny: float, export_revenue_cny: float, replacement_cny: float,
                       replacement_year: int, load_kwh: float, import_kwh: float, rate: float,
                       years: int) -> tuple[float, float]:
    """The V3 tool's composite price and green-power price [CNY/kWh] (formulas 3 and 4, module docstring).

    Annual amounts are positive numbers [CNY/yr]; ``investment_cny`` and ``replacement_cny`` [CNY].

    Examples
    --------
    IC 1,000,000 CNY; OC = 50,000 + 0 + 10,000 + 0 - 5,000 = 55,000 CNY/yr; no replacement;
    r = 0 and N = 10 (a = 10); L = 1,000,000 kWh/yr, I = 200,000 kWh/yr:
    p_z = (1,000,000 + 550,000) / 10,000,000 = 0.155; p_g = (1,000,000 + 50,000) / 8,000,000 = 0.13125.

    >>> v3_composite_price(1e6, 5e4, 0, 1e4, 0, 5e3, 0, 8, 1e6, 2e5, 0.0, 10)
    (0.155, 0.13125)
    """
    a = annuity_factor(rate, years)
    repl = replacement_cny / (1.0 + rate) ** replacement_year if 1 <= replacement_year <= years else 0.0
    oc = grid_purchases_cny + self_use_fees_cny + om_cny + staff_cny - export_revenue_cny
    oc_green = self_use_fees_cny + om_cny + staff_cny - export_revenue_cny
    p_z = (investment_cny + oc * a + repl) / (load_kwh * a) if load_kwh > 0 else float("inf")
    green_kwh = max(load_kwh - import_kwh, 0.0)
    p_g = (investment_cny + oc_green * a + repl) / (green_kwh * a) if green_kwh > 0 else float("inf")
    return p_z, p_g


def composite_prices(flows: CashFlows) -> tuple[float | None, float | None]:
    """Composite and green-power prices [CNY/kWh] of a cash-flow table, year by year (module docstring).

    None where the discounted energy is zero (no load; no green energy).
    """
    from gdc.finance.cashflow import discount_factors

    c = flows.columns
    d = discount_factors(flows.params.discount_rate, len(flows.years))
    # costs as positive numbers, t = 0 .. N (the table stores them negative)
    green_costs = -(c["capex_cny"] + c["storage_replacement_cny"] + c["om_cny"] + c["staff_cny"]
                    + c["self_use_fees_cny"]) - c["export_revenue_cny"]
    all_costs = green_costs + flows.import_cost - c["capacity_charge_cny"]
    load_kwh = 1000.0 * float(np.dot(d, flows.energy["load"]))
    green_kwh = 1000.0 * float(np.dot(d, np.maximum(flows.energy["load"] - flows.energy["import"], 0.0)))
    p_z = float(np.dot(d, all_costs)) / load_kwh if load_kwh > 0 else None
    p_g = float(np.dot(d, green_costs)) / green_kwh if green_kwh > 0 else None
    return p_z, p_g
