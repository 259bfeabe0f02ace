"""The HTML report: self-contained, complete, bilingual; opened in headless Chromium."""

from __future__ import annotations

import base64
import dataclasses
import re
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import pytest

from gdc.check import check_file
from gdc.report.html import render_html, write_html_report

SAMPLES = Path(__file__).resolve().parents[1] / "sample_sites"
PNG_URI = re.compile(r'<img[^>]+src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
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


def pngs(text: str) -> list[bytes]:
    return [base64.b64decode(m) for m in PNG_URI.findall(text)]


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
    images = pngs(text)
    # flows, monthly, heat maps, weeks, one threshold path (load_share ramps)
    assert len(images) == 5
    assert all(img.startswith(b"\x89PNG\r\n\x1a\n") and len(img) > 10_000 for img in images)
    # every rule of the verdict table, with its source and verdict
    for v in ramp.verdicts:
        if v.rule.kind != "checklist":
            assert v.rule.name_en in text
            assert v.rule.source.short("en") in text
    assert "Cost breakdown" not in text  # no cost in a check


def test_chinese_report_uses_rule_files_names(ramp):
    from gdc.report.plots import cjk_font

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        text = render_html(ramp, "zh")
    if cjk_font() is not None:  # Chinese plot labels, every glyph found
        assert not [w for w in record if "missing from font" in str(w.message)]
        assert not [w for w in record if "No CJK font" in str(w.message)]
    assert '<html lang="zh-CN">' in text
    for v in ramp.verdicts:
        if not (v.rule.kind == "checklist" and v.status == "n/a"):  # as in the terminal report
            assert v.rule.name_zh in text
    for word in ("概况", "规则校核", "年度电量流向", "月度电量平衡", "口径定义", "通过"):
        assert word in text


def test_representative_days_and_cost(day):
    result = dataclasses.replace(day, extra={"cost": COST})
    text = render_html(result, "en")
    assert "Energy balance of each representative day" in text
    assert "Dispatch of the representative days" in text
    assert "Monthly energy balance" not in text
    assert "Cost breakdown" in text and "PV investment" in text and "46,000,000" in text
    assert len(pngs(text)) == 6  # flows, days, heat maps, dispatch, load share by year, cost
    zh = render_html(result, "zh")
    assert "光伏投资" in zh and "成本构成" in zh


def test_no_cjk_font_falls_back_to_english_plot_labels(day, monkeypatch):
    monkeypatch.setenv("GDC_PLOT_NO_CJK", "1")
    with pytest.warns(UserWarning, match="No CJK font") as record:
        text = render_html(day, "zh")
    assert "未找到中文字体" in text
    assert len(pngs(text)) == 5
    assert not [w for w in record if "missing from font" in str(w.message)]  # no boxes for glyphs


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
    assert "不通过" in table.group(1)  # the export share fails on the typical day
    images = pngs(dom)
    assert images and all(img.startswith(b"\x89PNG") and len(img) > 1000 for img in images)
