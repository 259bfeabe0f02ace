"""The HTML report's finance block: cumulative net cash flow to project and to equity, payback marked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gdc.check import check_file
from gdc.finance.cashflow import finance_of
from gdc.report.html import render_html
from gdc.report.plots import cash_flow_cumulative, svg_text

SAMPLES = Path(__file__).resolve().parents[1] / "sample_sites"
SVG = re.compile(r"<figure><svg\b.*?</svg>", re.S)


def svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)


@pytest.fixture(scope="module")
def day():
    """One representative day with its finance, as ``gdc check`` puts it in ``result.extra``."""
    res = check_file(SAMPLES / "park-2026-typical-day" / "site.yaml")
    res.extra["finance"] = finance_of(res).as_dict()
    return res


def finance(nets: list[float], equity: list[float] | None = None, payback: float | None = None) -> dict:
    rows = [{"year": t, "net_project_cny": n, "net_equity_cny": (equity or nets)[t]} for t, n in enumerate(nets)]
    return {"cash_flows": rows, "payback_years": payback}


def hand_payback(nets: list[float]) -> float | None:
    """First year whose cumulative net is >= 0, linear within the year: t - 1 + (-c_{t-1}) / net_t."""
    c = 0.0
    for t, n in enumerate(nets):
        if c + n >= 0:
            return 0.0 if t == 0 else t - 1 + (-c) / n
        c += n
    return None


def test_hand_case_marks_the_payback_year():
    """Nets -100, 30, 30, 30, 30, 30 (x10^4 CNY): cumulative -100, -70, -40, -10, 20, 50, so the
    project pays back in year 3 + 10/30 = 3.33; equity (-40 then 12 a year) is drawn too."""
    nets = [-100e4] + [30e4] * 5
    assert hand_payback(nets) == pytest.approx(3 + 10 / 30)
    texts = svg_texts(svg_text(cash_flow_cumulative(finance(nets, [-40e4] + [12e4] * 5, 3 + 10 / 30), "en")))
    assert "payback 3.33 years" in texts
    assert {"cumulative net to project", "cumulative net to equity", "10⁴ CNY"} <= set(texts)
    zh = svg_texts(svg_text(cash_flow_cumulative(finance(nets, None, 3 + 10 / 30), "zh")))
    assert {"项目累计净现金流", "资本金累计净现金流", "投资回收期 3.33 年", "万元"} <= set(zh)


def test_no_payback_no_marker():
    """Nets -100 then 10 a year for 5 years: cumulative -50 at the end, never paid back."""
    nets = [-100e4] + [10e4] * 5
    assert hand_payback(nets) is None
    texts = svg_texts(svg_text(cash_flow_cumulative(finance(nets), "en")))
    assert "cumulative net to project" in texts and not [t for t in texts if t.startswith("payback")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_has_the_chart(day, lang):
    """The real block: t = 0..25 (26 rows), the payback gdc states equals the one computed here from
    the rows' nets (investment 358.4 M CNY at t = 0, about 104 M CNY a year after: 3.49 years)."""
    fin = day.extra["finance"]
    nets = [r["net_project_cny"] for r in fin["cash_flows"]]
    assert len(nets) == fin["evaluation_years"] + 1 == 26
    assert fin["payback_years"] == pytest.approx(hand_payback(nets), rel=1e-12)
    assert 3.0 < fin["payback_years"] < 4.0
    text = render_html(day, lang)
    head, chart = ("Finance", "Cumulative net cash flow") if lang == "en" else ("财务评价", "累计净现金流")
    assert f"<h2>{head}</h2>" in text and f"<h3>{chart}</h3>" in text
    svg = next(s for s in SVG.findall(text) if f'aria-label="{chart}"' in s)
    texts = svg_texts(svg)
    years = f"{fin['payback_years']:.2f}"
    if lang == "en":
        assert {"cumulative net to project", "cumulative net to equity", f"payback {years} years",
                "year (0: investment)"} <= set(texts)
        assert "IRR project" in text  # the terminal's finance lines
    else:
        assert {"项目累计净现金流", "资本金累计净现金流", f"投资回收期 {years} 年"} <= set(texts)
        assert "内部收益率" in text


def test_report_without_finance_has_no_block():
    res = check_file(SAMPLES / "park-2026-typical-day" / "site.yaml")
    assert "finance" not in (res.extra or {})
    text = render_html(res, "en")
    assert "<h2>Finance</h2>" not in text and "Cumulative net cash flow" not in text


def test_stage_additions_and_battery_renewals_are_marked():
    """A staged build: the addition of 2029 (t = 3) is a dashed line labelled with its year, and the
    battery renewal (t = 4, a storage_replacement_cny row) a triangle on the project line."""
    nets = [-100e4, 30e4, 30e4, -20e4, 10e4, 40e4]
    fin = finance(nets)
    fin["cash_flows"][4]["storage_replacement_cny"] = -20e4
    fin["life"] = {"stages": [{"stage_year": 2026, "t": 0, "investment_cny": 100e4},
                              {"stage_year": 2029, "t": 3, "investment_cny": 50e4}]}
    texts = svg_texts(svg_text(cash_flow_cumulative(fin, "en")))
    assert {"addition 2029", "battery renewed"} <= set(texts)
    zh = svg_texts(svg_text(cash_flow_cumulative(fin, "zh")))
    assert {"分期新增 2029", "更换电池"} <= set(zh)
    plain = svg_texts(svg_text(cash_flow_cumulative(finance(nets), "en")))
    assert "battery renewed" not in plain and not [t for t in plain if t.startswith("addition")]
