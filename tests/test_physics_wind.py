"""Wind model: power curves, height extrapolation, air density, profiles from weather."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gdc.profiles.resources import list_generic_turbines, models_path
from gdc.profiles.weather import read_weather
from gdc.profiles.wind import (
    RHO0,
    WindFarm,
    correct_wind_speed_for_density,
    derive_power_curve,
    extrapolate_log,
    extrapolate_power_law,
    get_air_density,
    get_power_curve,
    get_wind_profile,
    read_power_curve,
)
from gdc.site.errors import InputError


def _const(v: float, n: int = 24) -> pd.Series:
    idx = pd.date_range("2026-01-01", periods=n, freq="h", tz="Asia/Shanghai")
    return pd.Series(float(v), index=idx)


NO_EFFECTS = dict(losses_pct=0.0, density_correction=False, hellman_exponent=0.0)


def test_shipped_generic_curves():
    assert list_generic_turbines() == ["GDC-5.0-190", "GDC-6.25-200", "GDC-6.7-182"]
    for name, kw, d, sp in [("GDC-5.0-190", 5000, 190, 176.3), ("GDC-6.25-200", 6250, 200, 198.9),
                            ("GDC-6.7-182", 6700, 182, 257.5)]:
        pc = get_power_curve(name)
        assert pc.rated_kw == kw and pc.rotor_diameter_m == d
        assert pc.specific_power_w_m2 == pytest.approx(sp, abs=0.1)
        # the shipped CSV is exactly what derive_power_curve makes (reproducible)
        ref = derive_power_curve(kw, d)
        np.testing.assert_allclose(pc.wind_speed, ref.wind_speed)
        np.testing.assert_allclose(pc.power_kw, ref.power_kw, atol=0.05)
        assert np.all(np.diff(pc.power_kw) >= -1e-9)  # monotone up to cut-out


def test_derived_curve_by_hand():
    """6.25 MW, 200 m rotor, cp 0.45: below rated P = 0.5 rho A cp v^3; rated from ~11 m/s."""
    pc = derive_power_curve(6250, 200)
    area = np.pi * 100.0 ** 2
    cubic = lambda v: 0.5 * 1.225 * area * 0.45 * v ** 3 / 1e3  # noqa: E731
    assert cubic(7.0) == pytest.approx(2970.0, abs=0.5)
    # turbulence smoothing raises the convex part a little (Jensen), < 4 % at 6-8 m/s
    for v in (6.0, 7.0, 8.0):
        p = np.interp(v, pc.wind_speed, pc.power_kw)
        assert cubic(v) < p < 1.04 * cubic(v)
    assert np.interp(13.0, pc.wind_speed, pc.power_kw) > 0.999 * 6250
    assert np.interp(2.5, pc.wind_speed, pc.power_kw) == 0.0


@pytest.mark.parametrize("v,expected_kw", [
    (0.0, 0.0), (2.5, 0.0), (3.0, 240.8), (7.0, 3058.0), (10.0, 6101.2), (12.0, 6245.7),
    (15.0, 6250.0), (25.0, 6250.0), (25.5, 0.0), (30.0, 0.0),
])
def test_constant_wind_gives_curve_power(v, expected_kw):
    """Constant wind at hub height, no losses, no shear, no density correction: the
    profile is the tabulated power / rating (values from models/turbines/GDC-6.25-200.csv)."""
    farm = WindFarm(hub_height_m=140.0, turbine="GDC-6.25-200", **NO_EFFECTS)
    prof = get_wind_profile(_const(v), farm, measurement_height_m=140.0)
    assert np.allclose(prof.to_numpy(), expected_kw / 6250.0, atol=1e-9)


def test_interpolation_between_points_and_losses():
    farm = WindFarm(turbine="GDC-6.25-200", losses_pct=10.0, density_correction=False,
                    hellman_exponent=0.0)
    prof = get_wind_profile(_const(7.25), farm, measurement_height_m=100.0)
    table = pd.read_csv(models_path("turbines", "GDC-6.25-200.csv"), comment="#")
    p7, p75 = table.set_index("wind_speed").loc[[7.0, 7.5], "power_kw"]
    assert p7 == 3058.0
    assert prof.iloc[0] == pytest.approx(0.9 * (p7 + p75) / 2 / 6250.0, rel=1e-9)


def test_windpowerlib_library_turbine():
    pc = get_power_curve("E-141/4200")
    assert pc.rated_kw == pytest.approx(4200.0)
    farm = WindFarm(turbine="E-141/4200", **NO_EFFECTS)
    prof = get_wind_profile(_const(25.0), farm, measurement_height_m=140.0)
    assert prof.iloc[0] == pytest.approx(1.0)


def test_unknown_turbine_is_input_error():
    with pytest.raises(InputError, match="unknown turbine"):
        get_power_curve("XYZ-1/1000")


def test_power_law_against_formula():
    assert extrapolate_power_law(5.0, 10.0, 140.0, 1 / 7) == pytest.approx(
        5.0 * 14.0 ** (1 / 7))
    assert extrapolate_power_law(5.0, 10.0, 140.0, 1 / 7) == pytest.approx(7.2896, abs=1e-4)
    s = extrapolate_power_law(pd.Series([4.0, 8.0]), 80.0, 160.0, 0.2)
    np.testing.assert_allclose(s, np.array([4.0, 8.0]) * 2 ** 0.2)
    farm = WindFarm(hub_height_m=140.0, losses_pct=0.0, density_correction=False,
                    hellman_exponent=0.25)
    prof = get_wind_profile(_const(5.0), farm, measurement_height_m=10.0)
    pc = get_power_curve("GDC-6.25-200")
    assert prof.iloc[0] == pytest.approx(pc.per_unit(5.0 * 14.0 ** 0.25), rel=1e-12)


def test_log_law_against_formula():
    v = extrapolate_log(5.0, 10.0, 140.0, 0.03)
    assert v == pytest.approx(5.0 * np.log(140 / 0.03) / np.log(10 / 0.03))
    assert v == pytest.approx(7.27, abs=0.01)


def test_air_density_against_formula():
    # ISA sea level
    assert get_air_density(0.0, measurement_height_m=0.0) == pytest.approx(RHO0, rel=1e-3)
    # ISA at 1,150 m: 1.0934 kg/m^3 (Ningxia plains, resources.md: 1.05-1.10)
    assert get_air_density(1150.0, measurement_height_m=0.0) == pytest.approx(1.0934, abs=2e-3)
    # ideal gas with measured values at the same height
    rho = get_air_density(0.0, temp_air=20.0, pressure=100000.0, height_m=2.0,
                          measurement_height_m=2.0)
    assert rho == pytest.approx(100000.0 / (287.058 * 293.15), rel=1e-9)
    # hub at 140 m above a 2 m reading: less dense
    assert get_air_density(0.0, 20.0, 100000.0, height_m=140.0) < rho


def test_density_correction_against_formula():
    assert correct_wind_speed_for_density(10.0, 1.1) == pytest.approx(
        10.0 * (1.1 / 1.225) ** (1 / 3))
    farm = WindFarm(hub_height_m=140.0, losses_pct=0.0, hellman_exponent=0.0)
    prof = get_wind_profile(_const(7.0), farm, measurement_height_m=140.0, altitude_m=1150.0)
    rho = get_air_density(1150.0, height_m=140.0, measurement_height_m=140.0)
    pc = get_power_curve("GDC-6.25-200")
    expected = pc.per_unit(7.0 * (rho / RHO0) ** (1 / 3))
    assert prof.iloc[0] == pytest.approx(expected, rel=1e-12)
    # below rated, power scales about with rho: 8-12 % less at 1,150 m
    assert 0.86 < prof.iloc[0] / pc.per_unit(7.0) < 0.93


def test_read_power_curve_units_and_errors(tmp_path):
    f = tmp_path / "pc.csv"
    f.write_text("# rotor_diameter_m: 100\nspeed,power_mw\n3,0.1\n10,2.0\n12,2.0\n")
    pc = read_power_curve(f)
    assert pc.rated_kw == 2000.0 and pc.rotor_diameter_m == 100.0
    assert pc.per_unit(6.5) == pytest.approx(1.05 / 2.0)
    w = tmp_path / "w.csv"
    w.write_text("wind_speed,value\n3,100000\n10,2000000\n12,2000000\n")
    assert read_power_curve(w).rated_kw == 2000.0  # windpowerlib's [W]
    bad = tmp_path / "bad.csv"
    bad.write_text("wind_speed,power_kw\n3,100\n2,200\n4,300\n")
    with pytest.raises(InputError, match="increase"):
        read_power_curve(bad)
    with pytest.raises(InputError, match="not found"):
        read_power_curve(tmp_path / "none.csv")


def test_bad_inputs():
    with pytest.raises(InputError):
        WindFarm(hub_height_m=5.0)
    with pytest.raises(InputError):
        WindFarm(shear="cubic")
    with pytest.raises(InputError, match="negative"):
        get_wind_profile(_const(-1.0), WindFarm())
    with pytest.raises(InputError, match="missing"):
        get_wind_profile(_const(np.nan), WindFarm())


def test_profile_from_tmy3():
    import pvlib

    path = Path(os.path.dirname(pvlib.__file__)) / "data" / "723170TYA.CSV"
    w = read_weather(path)
    assert w.attrs["wind_height_m"] == 10.0
    prof = get_wind_profile(w, WindFarm(hub_height_m=140.0), measurement_height_m=10.0,
                            altitude_m=w.attrs["altitude"])
    assert len(prof) == 8760 and prof.name == "wind_pu"
    assert prof.min() >= 0.0 and prof.max() <= 0.88 + 1e-12
    # an inland airport with 3.4 m/s mean at 10 m: a modest but non-trivial yield
    assert 800 < prof.sum() < 2500
    log = get_wind_profile(w, WindFarm(shear="log", roughness_length_m=0.1),
                           measurement_height_m=10.0, altitude_m=w.attrs["altitude"])
    assert 0.8 < log.sum() / prof.sum() < 1.3
