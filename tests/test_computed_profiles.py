"""Profiles computed from site.yaml: synthesis and weather files, through the same checker."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from gdc.check import check_file
from gdc.profiles.series import get_profiles
from gdc.site.errors import InputError
from gdc.site.schema import read_site


def _tmy3() -> Path:
    import pvlib

    return Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"


def _site(tmp_path, sources, location, year=2026):
    pd.DataFrame({"load_mw": np.full(8760, 50.0)}).to_csv(tmp_path / "load.csv", index=False)
    site = {"name": "computed", "jurisdiction": "national", "year": year, "location": location,
            "load": {"file": "load.csv", "column": "load_mw", "unit": "MW"}, "sources": sources,
            "connection": {"voltage_kv": 110, "capacity_mw": 60, "spot_market": "continuous"}}
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(site))
    return path


def test_synthetic_profiles_from_the_site_file(tmp_path):
    """Shandong synthesis calibrates PV to 1230 h and wind to the 2100 h asked for (within 2 %)."""
    path = _site(tmp_path, [
        {"name": "pv", "type": "pv", "capacity_mw": 60, "synth": {"seed": 1, "region": "shandong"}},
        {"name": "wf", "type": "wind", "capacity_mw": 50, "synth": {"seed": 2, "region": "shandong",
                                                                   "target_flh": 2100}},
    ], {"latitude": 37.4, "longitude": 118.6})
    p = get_profiles(read_site(path))
    assert p.pu["pv"].sum() == pytest.approx(1230, rel=0.02)
    assert p.pu["wf"].sum() == pytest.approx(2100, rel=0.02)
    r = check_file(path)
    assert r.metrics.A == pytest.approx(60 * p.pu["pv"].sum() + 50 * p.pu["wf"].sum())


def test_weather_file_profiles(tmp_path):
    """pvlib's Greensboro TMY3 at its own location: PV and wind profiles with plausible full-load hours."""
    loc = {"latitude": 36.1, "longitude": -79.95, "altitude_m": 273}
    path = _site(tmp_path, [
        {"name": "pv", "type": "pv", "capacity_mw": 10, "weather": {"file": str(_tmy3())},
         "pv_system": {"tilt_deg": 30}},
        {"name": "wf", "type": "wind", "capacity_mw": 10, "weather": {"file": str(_tmy3())},
         "wind_turbine": {"hub_height_m": 120}},
    ], loc)
    p = get_profiles(read_site(path))
    assert 1200 < p.pu["pv"].sum() < 1900  # North Carolina, fixed 30 deg, DC/AC 1.2
    assert 0 < p.pu["wf"].sum() < 4000
    assert p.pu["pv"].max() <= 1.0


def test_weather_far_from_the_site_is_an_input_error(tmp_path):
    path = _site(tmp_path, [{"name": "pv", "type": "pv", "capacity_mw": 10, "weather": {"file": str(_tmy3())}}],
                 {"latitude": 37.4, "longitude": 118.6})
    with pytest.raises(InputError) as e:
        get_profiles(read_site(path))
    assert "weather file is for" in str(e.value) and e.value.field == "sources[0].weather.file"


def test_computed_profile_needs_location(tmp_path):
    path = _site(tmp_path, [{"name": "pv", "type": "pv", "capacity_mw": 10, "synth": {"seed": 1}}], None)
    with pytest.raises(InputError) as e:
        get_profiles(read_site(path))
    assert "location" in str(e.value)


def test_one_profile_source_only(tmp_path):
    path = _site(tmp_path, [{"name": "pv", "type": "pv", "capacity_mw": 10, "synth": {"seed": 1},
                             "profile": {"file": "load.csv", "column": "load_mw"}}],
                 {"latitude": 37.4, "longitude": 118.6})
    with pytest.raises(InputError) as e:
        read_site(path)
    assert "give one of profile, weather or synth" in str(e.value)
