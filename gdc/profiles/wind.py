"""Wind farm model: wind speed at a measurement height -> hourly output per unit.

The chain:

1. extrapolate the measured wind speed to hub height, with the power law
   ``v_hub = v (h_hub / h)^alpha`` (Hellman exponent ``alpha``) or the logarithmic
   profile ``v_hub = v ln(h_hub / z0) / ln(h / z0)`` (roughness length ``z0``);
2. air density at hub height from the site altitude, temperature and pressure (ideal gas,
   standard-atmosphere pressure and lapse rate where not measured);
3. density correction as in IEC 61400-12-1 for pitch-regulated turbines: the standard-
   density power curve is read at ``v_corr = v_hub (rho / rho0)^(1/3)``, rho0 = 1.225 kg/m^3;
4. power curve (linear interpolation; zero below the first point and above cut-out);
5. lumped farm losses [%] (wakes, availability, electrical).

The result is farm output per unit of rated capacity.

Turbines can be given as the name of one of gdc's generic Chinese low-specific-power
curves (``models/turbines``, see :func:`derive_power_curve` for how they are made), a
windpowerlib library type (e.g. ``"E-141/4200"``), or a power-curve CSV file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gdc.site.errors import InputError

RHO0 = 1.225
"""Standard air density [kg/m^3] (ISO standard atmosphere, 15 C, 101325 Pa)."""

R_DRY_AIR = 287.058
"""Specific gas constant of dry air [J/(kg K)]."""


@dataclass(frozen=True, eq=False)
class PowerCurve:
    """A turbine power curve at standard air density.

    Parameters
    ----------
    name : str
    wind_speed : ndarray [m/s]
        Increasing wind speeds; the last one is the cut-out speed.
    power_kw : ndarray [kW]
    rated_kw : float [kW]
    rotor_diameter_m : float or None [m]
    """

    name: str
    wind_speed: np.ndarray
    power_kw: np.ndarray
    rated_kw: float
    rotor_diameter_m: float | None = None

    @property
    def specific_power_w_m2(self) -> float | None:
        """Rated power per rotor swept area [W/m^2]."""
        if not self.rotor_diameter_m:
            return None
        return self.rated_kw * 1e3 / (np.pi * self.rotor_diameter_m ** 2 / 4)

    def per_unit(self, wind_speed) -> np.ndarray:
        """Output per unit of rated power at standard density.

        Parameters
        ----------
        wind_speed : array-like [m/s]

        Returns
        -------
        ndarray [-]
        """
        v = np.asarray(wind_speed, dtype=float)
        p = np.interp(v, self.wind_speed, self.power_kw, left=0.0, right=0.0)
        p = np.where(v > self.wind_speed[-1], 0.0, p)
        return np.clip(np.nan_to_num(p) / self.rated_kw, 0.0, 1.0)


def derive_power_curve(rated_kw: float, rotor_diameter_m: float, cp: float = 0.45,
                       cut_in_m_s: float = 3.0, cut_out_m_s: float = 25.0,
                       turbulence_intensity: float = 0.10, rho: float = RHO0,
                       step_m_s: float = 0.5, name: str | None = None) -> PowerCurve:
    """A generic pitch-regulated power curve from rotor size and rating.

    ``P(v) = min(P_rated, 0.5 rho A cp v^3)``, then smoothed with a Gaussian of standard
    deviation ``turbulence_intensity * v`` (the turbulence smoothing of windpowerlib's
    ``smooth_power_curve``; it rounds the knee at rated speed as measured curves are),
    then zero below cut-in and above cut-out.

    Parameters
    ----------
    rated_kw : float [kW]
    rotor_diameter_m : float [m]
    cp : float [-]
        Electrical power coefficient below rated (aerodynamic about 0.48-0.49 times
        drivetrain and converter efficiency about 0.93): 0.45.
    cut_in_m_s, cut_out_m_s : float [m/s]
    turbulence_intensity : float [-]
    rho : float [kg/m^3]
    step_m_s : float [m/s]
        Spacing of the tabulated speeds.
    name : str, optional

    Returns
    -------
    PowerCurve
    """
    area = np.pi * rotor_diameter_m ** 2 / 4.0
    fine = np.arange(0.0, 40.0 + 1e-9, 0.01)
    ideal = np.minimum(rated_kw, 0.5 * rho * area * cp * fine ** 3 / 1e3)
    v = np.round(np.arange(0.0, cut_out_m_s + 1e-9, step_m_s), 6)
    power = np.empty_like(v)
    for i, vi in enumerate(v):
        sigma = max(turbulence_intensity * vi, 0.05)
        w = np.exp(-0.5 * ((fine - vi) / sigma) ** 2)
        power[i] = np.sum(w * ideal) / np.sum(w)
    power = np.where(v < cut_in_m_s, 0.0, power)
    power = np.minimum(np.round(power, 1), rated_kw)
    label = name or f"GDC-{rated_kw / 1000:g}-{rotor_diameter_m:g}"
    return PowerCurve(label, v, power, float(rated_kw), float(rotor_diameter_m))


def read_power_curve(path: str | Path, name: str | None = None) -> PowerCurve:
    """Read a power curve CSV.

    The file has a wind-speed column (first column, or one named ``wind_speed``) [m/s]
    and a power column whose header names its unit: ``power_kw`` / ``kW``,
    ``power_mw`` / ``MW``, ``power_w`` or windpowerlib's ``value`` [W]; a bare ``power``
    is taken as kW. Lines starting with ``#`` are comments; a comment line
    ``# rotor_diameter_m: 200`` gives the rotor size, ``# rated_kw: 6250`` the rating
    (default: the curve's maximum).

    Parameters
    ----------
    path : str or Path
    name : str, optional

    Returns
    -------
    PowerCurve
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("power-curve file not found", file=path,
                         fix="give an existing CSV with columns wind_speed, power_kw")
    meta: dict[str, float] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#") or ":" not in line:
                continue
            key, _, val = line[1:].partition(":")
            if key.strip() in ("rotor_diameter_m", "rated_kw"):
                try:
                    meta[key.strip()] = float(val.strip().split()[0])
                except (IndexError, ValueError):
                    pass
    rotor = meta.get("rotor_diameter_m")
    try:
        df = pd.read_csv(path, comment="#")
    except Exception as exc:  # noqa: BLE001 - any parse failure is the user's file
        raise InputError(f"cannot read power curve: {exc}", file=path,
                         fix="save it as a CSV with columns wind_speed, power_kw") from exc
    cols = [str(c).strip() for c in df.columns]
    low = [c.lower() for c in cols]
    if len(cols) < 2:
        raise InputError("a power curve needs two columns", file=path,
                         fix="columns wind_speed [m/s] and power_kw [kW]")
    iv = low.index("wind_speed") if "wind_speed" in low else 0
    rest = [i for i in range(len(cols)) if i != iv]
    ip = next((i for i in rest if "power" in low[i] or low[i] in ("value", "kw", "mw", "w")),
              rest[0])
    head = low[ip]
    if "mw" in head:
        scale = 1000.0
    elif "kw" in head:
        scale = 1.0
    elif head in ("value", "w", "power_w") or head.endswith("[w]") or head.endswith("(w)"):
        scale = 1e-3
    else:
        scale = 1.0
    v = pd.to_numeric(df.iloc[:, iv], errors="coerce").to_numpy(dtype=float)
    p = pd.to_numeric(df.iloc[:, ip], errors="coerce").to_numpy(dtype=float) * scale
    if np.isnan(v).any() or np.isnan(p).any():
        raise InputError("the power curve has non-numeric values", file=path,
                         field=cols[ip], fix="give numbers only, one row per wind speed")
    if len(v) < 3 or np.any(np.diff(v) <= 0):
        raise InputError("wind speeds must increase, with at least 3 rows", file=path,
                         field=cols[iv], fix="sort the curve by wind speed")
    if np.any(p < 0) or p.max() <= 0:
        raise InputError("power must be >= 0 and positive somewhere", file=path,
                         field=cols[ip], fix="check the power column and its unit")
    return PowerCurve(name or path.stem, v, p, float(meta.get("rated_kw", p.max())), rotor)


def get_power_curve(turbine: str | Path) -> PowerCurve:
    """Resolve a turbine to its power curve.

    Parameters
    ----------
    turbine : str or Path
        A CSV path; a gdc generic curve name (``GDC-5.0-190``, ``GDC-6.25-200``,
        ``GDC-6.7-182``, case-insensitive); or a windpowerlib library type with a power
        curve (e.g. ``"E-141/4200"``).

    Returns
    -------
    PowerCurve
    """
    from gdc.profiles.resources import list_generic_turbines, models_path

    text = str(turbine)
    if text.lower().endswith(".csv") or Path(text).is_file():
        return read_power_curve(text)
    generic = {n.lower(): n for n in list_generic_turbines()}
    if text.lower() in generic:
        name = generic[text.lower()]
        return read_power_curve(models_path("turbines", f"{name}.csv"), name=name)
    import warnings

    from windpowerlib import WindTurbine, get_turbine_types

    types = get_turbine_types(print_out=False)
    known = types.loc[types["has_power_curve"], "turbine_type"].tolist()
    if text not in known:
        raise InputError(
            f"unknown turbine '{text}'", field="turbine",
            fix=f"use a power-curve CSV, one of gdc's {', '.join(generic.values())}, or a "
                f"windpowerlib type with a power curve such as {', '.join(known[:5])}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wt = WindTurbine(turbine_type=text, hub_height=100.0)
    pc = wt.power_curve
    return PowerCurve(text, pc["wind_speed"].to_numpy(float), pc["value"].to_numpy(float) / 1e3,
                      float(wt.nominal_power) / 1e3, float(wt.rotor_diameter or 0) or None)


def extrapolate_power_law(wind_speed, height_m: float, hub_height_m: float,
                          hellman_exponent: float = 1 / 7):
    """Wind speed at hub height by the power law.

    ``v_hub = v (h_hub / h)^alpha``

    Parameters
    ----------
    wind_speed : float, array or Series [m/s]
    height_m : float [m]
        Measurement height.
    hub_height_m : float [m]
    hellman_exponent : float [-]
        ``alpha``; 1/7 for neutral conditions over open land, 0.2-0.3 over rough or
        stable terrain, about 0.1 at sea.

    Returns
    -------
    same type as ``wind_speed`` [m/s]
    """
    return wind_speed * (hub_height_m / height_m) ** hellman_exponent


def extrapolate_log(wind_speed, height_m: float, hub_height_m: float,
                    roughness_length_m: float = 0.1):
    """Wind speed at hub height by the logarithmic profile (neutral stability).

    ``v_hub = v ln(h_hub / z0) / ln(h / z0)``

    Parameters
    ----------
    wind_speed : float, array or Series [m/s]
    height_m, hub_height_m : float [m]
    roughness_length_m : float [m]
        ``z0``: 0.0002 sea, 0.03 open flat land, 0.1 farmland, 0.5-1 suburbs or forest.

    Returns
    -------
    same type as ``wind_speed`` [m/s]
    """
    return wind_speed * np.log(hub_height_m / roughness_length_m) / np.log(
        height_m / roughness_length_m)


def get_air_density(altitude_m: float = 0.0, temp_air=None, pressure=None,
                    height_m: float = 0.0, measurement_height_m: float = 2.0):
    """Air density at ``height_m`` above a site at ``altitude_m`` (ideal gas).

    ``rho = p / (R T)`` with p and T brought from the measurement height to ``height_m``
    by the standard-atmosphere lapse rate (-6.5 K/km) and the barometric formula. Where
    temperature or pressure is not given, the ISO standard atmosphere at the site
    altitude is used: ``T = 15 - 0.0065 z`` [C], ``p = 101325 (1 - 2.25577e-5 z)^5.25588``.

    Parameters
    ----------
    altitude_m : float [m]
        Site ground elevation above sea level.
    temp_air : float, array or Series [C], optional
        Air temperature at ``measurement_height_m``.
    pressure : float, array or Series [Pa], optional
        Air pressure at ``measurement_height_m``.
    height_m : float [m]
        Height above ground where the density is wanted (hub height).
    measurement_height_m : float [m]

    Returns
    -------
    float, array or Series [kg/m^3]
    """
    z_meas = altitude_m + measurement_height_m
    z = altitude_m + height_m
    if temp_air is None:
        temp_air = 15.0 - 0.0065 * z_meas
    if pressure is None:
        pressure = 101325.0 * (1.0 - 2.25577e-5 * z_meas) ** 5.25588
    t_k = temp_air + 273.15
    t_hub = t_k - 0.0065 * (z - z_meas)
    p_hub = pressure * (t_hub / t_k) ** 5.25588
    return p_hub / (R_DRY_AIR * t_hub)


def correct_wind_speed_for_density(wind_speed, rho, rho0: float = RHO0):
    """Equivalent standard-density wind speed (IEC 61400-12-1).

    ``v_corr = v (rho / rho0)^(1/3)``: the speed at which a turbine at density ``rho0``
    sees the same kinetic power flux.

    Parameters
    ----------
    wind_speed : float, array or Series [m/s]
    rho : float, array or Series [kg/m^3]
    rho0 : float [kg/m^3]

    Returns
    -------
    same type as ``wind_speed`` [m/s]
    """
    return wind_speed * (rho / rho0) ** (1.0 / 3.0)


@dataclass(frozen=True)
class WindFarm:
    """A wind farm, described per unit of rated capacity.

    Parameters
    ----------
    hub_height_m : float [m]
    turbine : str
        See :func:`get_power_curve`.
    losses_pct : float [%]
        Lumped farm losses (wakes, availability, electrical).
    shear : {"power", "log"}
        Height extrapolation method.
    hellman_exponent : float [-]
        For ``shear="power"``.
    roughness_length_m : float [m]
        For ``shear="log"``.
    density_correction : bool
        Correct the power curve for the site's air density.
    """

    hub_height_m: float = 140.0
    turbine: str = "GDC-6.25-200"
    losses_pct: float = 12.0
    shear: str = "power"
    hellman_exponent: float = 1 / 7
    roughness_length_m: float = 0.1
    density_correction: bool = True

    def __post_init__(self) -> None:
        if not 10.0 <= self.hub_height_m <= 300.0:
            raise InputError(f"hub height {self.hub_height_m} m is outside 10-300 m",
                             field="hub_height_m", fix="give the hub height in metres")
        if not 0.0 <= self.losses_pct < 100.0:
            raise InputError(f"losses {self.losses_pct} % are outside 0-100",
                             field="losses_pct", fix="give farm losses in percent, e.g. 12")
        if self.shear not in ("power", "log"):
            raise InputError(f"unknown shear model '{self.shear}'", field="shear",
                             fix="use 'power' (Hellman exponent) or 'log' (roughness length)")
        if not 0.0 <= self.hellman_exponent <= 0.6:
            raise InputError(f"Hellman exponent {self.hellman_exponent} is outside 0-0.6",
                             field="hellman_exponent", fix="typical values are 0.1-0.3")
        if not 0.0 < self.roughness_length_m < 5.0:
            raise InputError(f"roughness length {self.roughness_length_m} m is outside 0-5",
                             field="roughness_length_m", fix="typical values are 0.0002-1 m")


def get_wind_profile(weather: pd.DataFrame | pd.Series, farm: WindFarm | None = None,
                     measurement_height_m: float = 10.0, altitude_m: float = 0.0,
                     power_curve: PowerCurve | None = None) -> pd.Series:
    """Hourly farm output per unit of rated capacity.

    Parameters
    ----------
    weather : DataFrame or Series
        Column ``wind_speed`` [m/s] at ``measurement_height_m`` (or a Series of it),
        optionally ``temp_air`` [C] and ``pressure`` [Pa] for the air density.
    farm : WindFarm, optional
        Defaults to ``WindFarm()``.
    measurement_height_m : float [m]
        Height of the wind speed measurement above ground (10 m in EPW/TMY files).
    altitude_m : float [m]
        Site elevation, for the air density.
    power_curve : PowerCurve, optional
        Overrides ``farm.turbine`` (saves the lookup in loops).

    Returns
    -------
    Series [MW/MW]
        ``wind_pu``, in [0, 1].
    """
    farm = farm or WindFarm()
    if isinstance(weather, pd.Series):
        weather = weather.to_frame("wind_speed")
    if "wind_speed" not in weather.columns:
        raise InputError("the weather has no wind speed column", field="wind_speed",
                         fix="give the wind speed in m/s as column 'wind_speed'")
    if not 0.5 <= measurement_height_m <= 300.0:
        raise InputError(f"measurement height {measurement_height_m} m is outside 0.5-300",
                         field="measurement_height_m", fix="give the anemometer height in m")
    v = weather["wind_speed"].astype(float)
    if v.isna().any():
        raise InputError(f"{int(v.isna().sum())} wind speeds are missing", field="wind_speed",
                         fix="fill the gaps in the weather file")
    if (v < 0).any():
        raise InputError("negative wind speeds", field="wind_speed",
                         fix="wind speed is a magnitude in m/s, >= 0")
    if farm.shear == "power":
        v_hub = extrapolate_power_law(v, measurement_height_m, farm.hub_height_m,
                                      farm.hellman_exponent)
    else:
        v_hub = extrapolate_log(v, measurement_height_m, farm.hub_height_m,
                                farm.roughness_length_m)
    if farm.density_correction:
        temp = weather["temp_air"] if "temp_air" in weather.columns else None
        pres = weather["pressure"] if "pressure" in weather.columns else None
        meas_h = 2.0 if temp is not None else measurement_height_m
        rho = get_air_density(altitude_m, temp, pres, height_m=farm.hub_height_m,
                              measurement_height_m=meas_h)
        v_hub = correct_wind_speed_for_density(v_hub, rho)
    curve = power_curve or get_power_curve(farm.turbine)
    pu = curve.per_unit(np.asarray(v_hub, dtype=float)) * (1.0 - farm.losses_pct / 100.0)
    return pd.Series(pu, index=weather.index, name="wind_pu")
