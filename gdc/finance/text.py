"""The short finance block of the terminal report (investment, NPV, IRRs, payback, LCOE, composite price)."""

from __future__ import annotations

from typing import Any


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f} %"


def _years(x: float | None, lang: str) -> str:
    if x is None:
        return "不回收" if lang == "zh" else "never"
    return f"{x:.2f} 年" if lang == "zh" else f"{x:.2f} years"


def finance_lines(finance: dict[str, Any], lang: str = "en") -> list[str]:
    """Four lines on a design's finance, from :meth:`gdc.finance.cashflow.FinanceResult.as_dict`.

    Examples
    --------
    >>> f = {"initial_investment_cny": 6.958e8, "npv_cny": 1.2e8, "discount_rate_pct": 5.0,
    ...      "evaluation_years": 25, "project_irr_pct": 8.1, "equity_irr_pct": 15.0, "payback_years": 9.5,
    ...      "discounted_payback_years": 14.2, "lcoe_cny_per_mwh": 137.2,
    ...      "composite_price_cny_per_kwh": 0.3057, "green_power_price_cny_per_kwh": 0.0993}
    >>> print("\\n".join(finance_lines(f)))
    Finance (25 years, discount rate 5.00 %)
      initial investment 69,580.0 x10^4 CNY   NPV 12,000.0 x10^4 CNY
      IRR project 8.10 %, equity 15.00 %   payback 9.50 years (discounted 14.20 years)
      LCOE (A - C) 137.2 CNY/MWh   composite price 0.3057 CNY/kWh   green-power price 0.0993 CNY/kWh
    """
    f = finance
    price = lambda x: "-" if x is None else f"{x:.4f}"  # noqa: E731
    lcoe = "-" if f["lcoe_cny_per_mwh"] is None else f"{f['lcoe_cny_per_mwh']:,.1f}"
    inv, npv = f["initial_investment_cny"] / 1e4, f["npv_cny"] / 1e4
    if lang == "zh":
        return [
            f"财务评价（{f['evaluation_years']} 年，折现率 {f['discount_rate_pct']:.2f} %）",
            f"  初始投资 {inv:,.1f} 万元   净现值 {npv:,.1f} 万元",
            f"  内部收益率 项目 {_pct(f['project_irr_pct'])}，资本金 {_pct(f['equity_irr_pct'])}   "
            f"投资回收期 {_years(f['payback_years'], lang)}（动态 {_years(f['discounted_payback_years'], lang)}）",
            f"  度电成本（A − C）{lcoe} 元/MWh   综合电价 {price(f['composite_price_cny_per_kwh'])} 元/kWh   "
            f"绿电电价 {price(f['green_power_price_cny_per_kwh'])} 元/kWh",
        ]
    return [
        f"Finance ({f['evaluation_years']} years, discount rate {f['discount_rate_pct']:.2f} %)",
        f"  initial investment {inv:,.1f} x10^4 CNY   NPV {npv:,.1f} x10^4 CNY",
        f"  IRR project {_pct(f['project_irr_pct'])}, equity {_pct(f['equity_irr_pct'])}   "
        f"payback {_years(f['payback_years'], lang)} (discounted {_years(f['discounted_payback_years'], lang)})",
        f"  LCOE (A - C) {lcoe} CNY/MWh   composite price {price(f['composite_price_cny_per_kwh'])} CNY/kWh   "
        f"green-power price {price(f['green_power_price_cny_per_kwh'])} CNY/kWh",
    ]


def life_line(finance: dict[str, Any], lang: str = "en") -> list[str]:
    """The line saying where the years of a life finance came from (:mod:`gdc.finance.life`); none without.

    Examples
    --------
    >>> life_line({"life": {"calendar_years": [2026, 2027, 2028], "replacement_years": [2]}})
    ['  years 1-3 from the year model of 2026-2028 (degradation, load growth, storage fade); battery replaced in year(s) 2']
    >>> life_line({"life": {"calendar_years": [2026, 2027], "replacement_years": []}}, "zh")
    ['  第1-2年按2026-2027年逐年模型（衰减、负荷增长、储能容量衰减）']
    """
    life = finance.get("life")
    if not life:
        return []
    cal, rep = life["calendar_years"], life["replacement_years"]
    n = len(cal)
    if lang == "zh":
        tail = f"；第{'、'.join(map(str, rep))}年更换电池" if rep else ""
        return [f"  第1-{n}年按{cal[0]}-{cal[-1]}年逐年模型（衰减、负荷增长、储能容量衰减）{tail}"]
    tail = f"; battery replaced in year(s) {', '.join(map(str, rep))}" if rep else ""
    return [f"  years 1-{n} from the year model of {cal[0]}-{cal[-1]} (degradation, load growth, storage fade){tail}"]
