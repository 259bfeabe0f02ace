"""Bad input around the life and the studies is exit 2 with the field named, never a crash or a silent pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gdc.screen.pareto import parse_pareto
from gdc.site.errors import InputError

REPO = Path(__file__).resolve().parents[1]
STAGED = REPO / "sample_sites" / "staged-storage" / "size.yaml"


def gdc(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gdc", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("spec", ["load_share=30:inf:5", "load_share=nan,40", "load_share=1e400"])
def test_pareto_levels_must_be_finite(spec):
    with pytest.raises(InputError, match="finite"):
        parse_pareto(spec)


def test_pareto_counts_levels_before_building_them():
    """0:1e12:1 would be 10^12 + 1 levels: refused at once (it used to fill the memory)."""
    with pytest.raises(InputError, match="1,000,000,000,001 levels"):
        parse_pareto("load_share=0:1e12:1")


def test_a_share_level_outside_0_100_is_refused():
    r = gdc("size", str(STAGED), "--pareto", "load_share=-10,150")
    assert r.returncode == 2 and "levels from 0 to 100 %" in r.stderr


def test_a_study_with_years_is_refused():
    r = gdc("size", str(STAGED), "--years", "2026-2027", "--sensitivity", "capex_pv")
    assert r.returncode == 2 and "--sensitivity" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("years", ["abc", "2030-2026"])
def test_screen_years_syntax_is_checked_before_the_batch(tmp_path, years):
    r = gdc("screen", str(REPO / "sample_sites" / "ningxia-ramp"), "-o", str(tmp_path / "out"), "--years", years, "-q")
    assert r.returncode == 2 and "--years" in r.stderr


def test_the_series_cache_knows_the_data_year(tmp_path):
    """Two sites equal but for the evaluation year (no start_year: the data year is the year): the second,
    a leap year, must not get the first's 8760 rows from the cache but the refusal a fresh read gives."""
    from gdc.profiles.series import get_profiles
    from gdc.site.read import parse_site

    (tmp_path / "p.csv").write_text("load_mw,pv_pu\n" + "".join(
        f"10,{0.5 if 8 <= i % 24 <= 16 else 0}\n" for i in range(8760)), encoding="utf-8")
    data = {"schema": "gdc-site/1", "name": "x", "jurisdiction": "national", "year": 2027,
            "load": {"file": "p.csv", "column": "load_mw", "unit": "MW"},
            "sources": [{"name": "PV", "type": "pv", "capacity_mw": 5, "profile": {"file": "p.csv", "column": "pv_pu"}}],
            "connection": {"voltage_kv": 110, "capacity_mw": 20, "spot_market": "continuous"}}
    assert get_profiles(parse_site(data, tmp_path / "s.yaml")).index[0].year == 2027
    with pytest.raises(InputError, match="2028"):
        get_profiles(parse_site({**data, "year": 2028}, tmp_path / "s.yaml"))


@pytest.mark.parametrize("stages", ["2026,2030,2028", "2026,2026"])
def test_stages_out_of_order_are_refused_as_in_the_site_file(stages):
    r = gdc("size", str(STAGED), "--years", "2026-2031", "--stages", stages)
    assert r.returncode == 2 and "--stages" in r.stderr and "increasing order" in r.stderr
