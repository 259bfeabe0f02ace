"""Issue 10 §1-2: nothing undefined or implausible ever passes; every case is exit 2 with a fix.

Each test runs the real CLI (``gdc check`` through click's CliRunner) on a copy of a sample
site or on the hand-checkable day of conftest, and asserts exit code 2 and a message naming
the file, the field and the fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from conftest import SAMPLES, base_site

from gdc.cli import main

SHANDONG = SAMPLES / "shandong-export-battery"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def bad(res, *parts: str) -> str:
    """Assert exit 2, no traceback, and every part in the message; return the message."""
    out = res.output
    assert res.exit_code == 2, out
    assert "Traceback" not in out and "internal error" not in out, out
    assert "fix:" in out, out
    for p in parts:
        assert p in out, (p, out)
    return out


@pytest.fixture
def shandong(tmp_path: Path):
    """A copy of the Shandong sample; ``edit(old, new)`` writes site.yaml with one text replaced."""
    for f in ("site.yaml", "profiles.csv"):
        shutil.copy(SHANDONG / f, tmp_path / f)
    text = (tmp_path / "site.yaml").read_text(encoding="utf-8")

    def edit(old: str, new: str, name: str = "t.yaml") -> Path:
        assert old in text
        p = tmp_path / name
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
        return p

    return edit


# ----------------------------------------------------------------------------- numbers in the site file

@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1.0e400", ".Inf"])
def test_non_finite_capacity_is_bad_input(shandong, value):
    """``.inf``, ``.nan`` and 1.0e400 (beyond the largest double, 1.8e308: YAML reads it as inf)."""
    p = shandong("capacity_mw: 80", f"capacity_mw: {value}")
    bad(run("check", str(p)), "t.yaml", "sources[0].capacity_mw", "not a finite number")


@pytest.mark.parametrize("old,new,field", [
    ("energy_mwh: 40", "energy_mwh: .inf", "storage.energy_mwh"),
    ("capacity_mw: 70", "capacity_mw: .inf", "connection.capacity_mw"),
    ("distance_km: 6", "distance_km: .nan", "sources[0].distance_km"),
])
def test_non_finite_anywhere_is_bad_input(shandong, old, new, field):
    bad(run("check", str(shandong(old, new))), field, "not a finite number")


def test_boolean_capacity_is_not_one_mw(shandong):
    """``capacity_mw: true`` was read as 1.0 MW; a number is expected."""
    out = bad(run("check", str(shandong("capacity_mw: 80", "capacity_mw: true"))), "sources[0].capacity_mw")
    assert "not the yes/no value true" in out


def test_integers_and_exponents_are_numbers():
    """An int is a valid float field; ``1.5e1`` is the number 15 (YAML 1.1 would read it as text)."""
    from gdc.site import load_yaml_text, parse_site

    site = base_site()
    site["sources"][0]["capacity_mw"] = load_yaml_text("1.5e1")
    s = parse_site(site)
    assert s.sources[0].capacity_mw == 15.0 and s.sources[1].capacity_mw == 20.0
    assert load_yaml_text("40") == 40 and isinstance(load_yaml_text("40"), int)
    assert load_yaml_text("1.0e400") == float("inf")


# ----------------------------------------------------------------------------- plausible ranges

def test_huge_capacity_is_short_and_refused(shandong):
    """1e308 MW is refused without printing 300 digits."""
    out = bad(run("check", str(shandong("capacity_mw: 80", "capacity_mw: 1e308"))), "sources[0].capacity_mw",
              "1e+308 MW", "plausible range 0 to 10,000 MW", "plausible-ranges.yaml")
    assert "0000000000" not in out


def test_80000_mw_of_pv_asks_for_kw(shandong):
    """80,000 MW of PV is 80 MW given in kW: 80,000 / 1000 = 80 lies in 0-10,000 MW."""
    bad(run("check", str(shandong("capacity_mw: 80", "capacity_mw: 80000"))), "sources[0].capacity_mw",
        "80,000 MW", "is this kW instead of MW?")


@pytest.mark.parametrize("old,new,field,hint", [
    ("energy_mwh: 40", "energy_mwh: 40000", "storage.energy_mwh", "kWh instead of MWh"),
    ("power_mw: 20", "power_mw: 20000", "storage.power_mw", "kW instead of MW"),
    ("voltage_kv: 110", "voltage_kv: 110000", "connection.voltage_kv", "V instead of kV"),
    ("distance_km: 6", "distance_km: 6000", "sources[0].distance_km", "m instead of km"),
    ("capacity_mw: 70", "capacity_mw: 70000", "connection.capacity_mw", "kW instead of MW"),
])
def test_unit_slips_are_named(shandong, old, new, field, hint):
    bad(run("check", str(shandong(old, new))), field, hint)


def test_sizing_bounds_are_checked():
    """The max of {min, max} bounds is a capacity too."""
    from gdc.errors import InputError
    from gdc.site import parse_site

    site = base_site()
    site["sources"][1]["capacity_mw"] = {"min": 0, "max": 50000}
    with pytest.raises(InputError) as e:
        parse_site(site)
    assert e.value.field == "sources[1].capacity_mw.max" and "kW instead of MW" in e.value.fix


def test_ranges_table_is_documented():
    """Every row of models/plausible-ranges.yaml has a date, a confidence letter and a reason."""
    from gdc.plausible import ranges

    rows = ranges()
    for key in ("pv_capacity_mw", "wind_capacity_mw", "offshore_wind_capacity_mw", "storage_power_mw",
                "storage_energy_mwh", "distance_km", "voltage_kv", "connection_capacity_mw", "load_peak_mw",
                "day_weight_days", "day_weights_sum_days", "evaluation_year", "start_year"):
        r = rows[key]
        assert r.confidence in ("H", "M", "L") and len(r.date) == 10 and r.reason and r.min < r.max


def test_samples_are_plausible():
    """Every sample site stays valid under the table."""
    from gdc.site import read_site

    for f in sorted(SAMPLES.glob("*/*.yaml")):
        read_site(f)


# ----------------------------------------------------------------------------- the YAML file itself

def test_duplicate_key_names_key_and_lines(shandong):
    out = bad(run("check", str(shandong("year: 2026\n", "year: 2026\nyear: 2027\n"))),
              "t.yaml", "duplicate key 'year'", "line 8", "line 9")
    assert "keep the last" in out


def test_duplicate_nested_key(shandong):
    bad(run("check", str(shandong("  voltage_kv: 110\n", "  voltage_kv: 110\n  voltage_kv: 35\n"))),
        "duplicate key 'voltage_kv'")


def test_binary_site_file_is_bad_input(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_bytes((SAMPLES / "v3-tool-flat-load" / "template.xlsx").read_bytes()[:400])
    bad(run("check", str(p)), "site.yaml", "not UTF-8", "save the file as UTF-8")


def test_gbk_site_file_is_bad_input(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_bytes("name: 东营\n".encode("gbk"))
    bad(run("check", str(p)), "not UTF-8", "line 1")


def test_read_yaml_directory_says_so(tmp_path):
    from gdc.errors import InputError
    from gdc.site import read_yaml

    with pytest.raises(InputError) as e:
        read_yaml(tmp_path)
    assert "is a directory" in e.value.message
