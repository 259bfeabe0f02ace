"""The HTML report: self-contained, complete, bilingual; opened in headless Chromium."""

from __future__ import annotations

import base64
import dataclasses
import html
import re
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import pytest

from gdc.check import check_file
from gdc.report.html import render_html, write_html_report
from gdc.report.plots import SVG_FONT_FAMILY
from gdc.report.text import word

SAMPLES = Path(__file__).resolve().parents[1] / "sample_sites"
SVG = re.compile(r"<figure><svg\b.*?</svg>", re.S)
PNG_URI = re.compile(r'href="data:image/png;base64,([A-Za-z0-9+/=\s]+)"')
COST = {"items": [{"name_en": "PV investment", "name_zh": "光伏投资", "cny_per_year": 1.2e7},
                  {"name_en": "grid purchase", "name_zh": "购电费用", "cny_per_year": 3.4e7}],
        "total_cny_per_year": 4.6e7, "cny_per_mwh_load": 102.5}


@pytest.fixture(scope="module")
def ramp():
    """A full-year site with a year-dependent rule (Ningxia's ramp)."""
    return check_file(SAMPLES / "ningxia-ramp" / "site.yaml")


@pytest.fixture(scope="module")
def day():
    """One representative day: the quickest report."""
    return check_file(SAMPLES / "park-2026-typical-day" / "site.yaml")


def svgs(text: str) -> list[str]:
    """The inline SVG figures of a page."""
    return SVG.findall(text)


def pngs(text: str) -> list[bytes]:
    """The raster images embedded in the page's SVG figures (heat maps, colour bars)."""
    return [base64.b64decode(re.sub(r"\s", "", m)) for m in PNG_URI.findall(text)]


def svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)


def test_full_year_report_is_complete_and_offline(ramp, tmp_path):
    path = write_html_report(ramp, tmp_path / "r.html", "en")
    text = path.read_text(encoding="utf-8")
    # no network: no external scripts, styles or images
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<script" not in text
    for heading in ("Summary", "Rules", "Annual energy flows", "Monthly energy balance",
                    "Hour of day x day of the year", "A typical week in each season",
                    "Year-dependent thresholds", "Definitions", "To confirm"):
        assert f">{heading}" in text, heading
    figures = svgs(text)
    # flows, monthly, heat maps, weeks, one threshold path (load_share ramps)
    assert len(figures) == 5
    assert "<img" not in text
    for svg in figures:  # labels are SVG text, drawn with the reader's fonts
        assert svg_texts(svg), svg[:200]
        assert f"font-family: {SVG_FONT_FAMILY}" in svg.replace('"', "'")
    assert "Dec" in svg_texts(figures[1])  # month labels of the monthly balance
    # only the heat maps are raster: a map and its colour bar for import, export and (with
    # storage) state of charge
    panels = 3 if ramp.balance.storage.exists else 2
    images = pngs(figures[2])
    assert len(images) == 2 * panels and all(img.startswith(b"\x89PNG\r\n\x1a\n") for img in images)
    assert sum(len(pngs(f)) for f in figures) == 2 * panels
    assert len(text) < 1_500_000  # a whole year's report stays light (about 0.7 MB)
    # every rule of the verdict table, with its source and verdict
    for v in ramp.verdicts:
        if v.rule.kind != "checklist":
            # as the page writes them: HTML-escaped ("project plan's value" -> "plan&#x27;s")
            assert html.escape(v.rule.name_en) in text
            assert html.escape(v.rule.source.short("en")) in text
    assert "Cost breakdown" not in text  # no cost in a check


def test_chinese_report_uses_rule_files_names(ramp):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        text = render_html(ramp, "zh")
    assert not [str(w.message) for w in record if "font" in str(w.message).lower()]
    assert '<html lang="zh-CN">' in text
    figures = svgs(text)
    assert "新能源直供负荷" in svg_texts(figures[0])  # the flows' legend, as text
    assert "12月" in svg_texts(figures[1])
    for v in ramp.verdicts:
        if not (v.rule.kind == "checklist" and v.status == "n/a"):  # as in the terminal report
            assert v.rule.name_zh in text
    for heading in ("概况", "规则校核", "年度电量流向", "月度电量平衡", "口径定义", "通过"):
        assert heading in text


def test_representative_days_and_cost(day):
    result = dataclasses.replace(day, extra={"cost": COST})
    text = render_html(result, "en")
    assert "Energy balance of each representative day" in text
    assert "Dispatch of the representative days" in text
    assert "Monthly energy balance" not in text
    assert "Cost breakdown" in text and "PV investment" in text and "46,000,000" in text
    assert len(svgs(text)) == 6  # flows, days, heat maps, dispatch, load share by year, cost
    zh = render_html(result, "zh")
    assert "光伏投资" in zh and "成本构成" in zh


def test_no_cjk_font_keeps_chinese_plot_labels_without_warnings(day, monkeypatch):
    """Where the report is written without any CJK font, the plots still have Chinese labels
    (SVG text for the reader's browser) and nothing is warned or noted."""
    monkeypatch.setenv("GDC_PLOT_NO_CJK", "1")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        text = render_html(day, "zh")
    assert [str(w.message) for w in record] == []
    assert "未找到中文字体" not in text
    figures = svgs(text)
    assert len(figures) == 5
    assert "新能源直供负荷" in svg_texts(figures[0])
    assert "时刻" in svg_texts(figures[2])  # heat maps: hour of day


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_report_renders_in_headless_chromium(day, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium binary found (Debian: apt-get install chromium)")
    path = write_html_report(day, tmp_path / "report.html", "zh")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--dump-dom", path.as_uri()]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    dom = out.stdout
    assert out.returncode == 0, out.stderr[-2000:]
    table = re.search(r'<table class="verdicts" id="verdicts">(.*?)</table>', dom, re.S)
    assert table, "verdict table not in the DOM"
    rows = re.findall(r'<tr class="verdict', table.group(1))
    assert len(rows) == sum(v.rule.kind != "checklist" for v in day.verdicts)
    for v in day.verdicts:  # each verdict's badge, in Chinese
        if v.rule.kind != "checklist":
            assert f">{word(v.status, 'zh')}</span>" in table.group(1), v.rule.id
    # the figures are in the DOM as SVG, their Chinese labels as text nodes
    figures = re.findall(r"<figure><svg\b.*?</svg>", dom, re.S)
    assert len(figures) == 5
    assert "新能源直供负荷" in svg_texts(figures[0])
    assert "典型日" in " ".join(svg_texts(figures[1]))  # x label: representative day
