"""Every report states the year of life and the factors applied (issue 13): HTML summary, workbook summary.

sample_sites/ningxia-ramp evaluated in 2029 is year 4 of its life (start 2026). With the life preset's
default degradation (models/life/china-2025.yaml): PV x (1 - 0.01)(1 - 0.004)^2 = 0.99 x 0.992016
= 0.98209584; wind x (1 - 0.016)^3 = 0.952763904; load x 1 (no growth).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from gdc.check import check_site
from gdc.report.html import render_html
from gdc.report.xlsx import write_xlsx
from gdc.site.read import read_site, with_year

SITE = Path(__file__).resolve().parents[1] / "sample_sites" / "ningxia-ramp" / "site.yaml"


@pytest.fixture(scope="module")
def result_2029():
    return check_site(with_year(read_site(SITE), 2029))


def test_html_summary_states_the_year_of_life(result_2029):
    html = render_html(result_2029, "en")
    assert "year 2029, year 4 of life: PV x 0.9821, wind x 0.9528" in html
    assert "2029年，运营第4年" in render_html(result_2029, "zh")


def test_workbook_summary_has_the_factors_as_numbers(result_2029, tmp_path):
    path = write_xlsx(result_2029, tmp_path / "r.xlsx", "en")
    ws = openpyxl.load_workbook(path)["Summary"]
    rows = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert rows["year of life"] == 4
    assert rows["PV output factor"] == pytest.approx(0.99 * 0.996 ** 2, rel=1e-12)
    assert rows["wind output factor"] == pytest.approx(0.984 ** 3, rel=1e-12)
    assert rows["load factor"] == pytest.approx(1.0)


def test_a_sized_site_with_a_load_ramp_reads_back(tmp_path):
    """``gdc size --write-site`` keeps ``load.by_year`` keyed by year (JSON mode had made the keys text)."""
    import yaml

    from gdc.exchange.write_site import write_sized_site
    from gdc.operation.dispatch import Design

    site = read_site(SITE)
    data = yaml.safe_load(SITE.read_text(encoding="utf-8"))
    data["load"]["by_year"] = {2026: 0.6, 2028: 1.0}
    src = tmp_path / "site.yaml"
    data["load"]["file"] = str(SITE.parent / "profiles.csv")
    for s in data["sources"]:
        s["profile"]["file"] = str(SITE.parent / "profiles.csv")
    src.write_text(yaml.safe_dump(data), encoding="utf-8")
    site = read_site(src)
    out = write_sized_site(site, Design.from_site(site), tmp_path / "sized.yaml")
    again = read_site(out)
    assert again.load.by_year == {2026: 0.6, 2028: 1.0}
