"""Offline synthesis of hourly PV and wind profiles, calibrated to regional data.

No weather file and no network are needed: PV starts from pvlib's Ineichen clear sky
(Linke turbidity from the climatology shipped in pvlib) times a stochastic, persistent
clear-sky index whose monthly means are the region's (``models/resources.yaml``); the
resulting GHI goes through the same PV model as measured weather
(:func:`gdc.profiles.pv.get_pv_profile`). Wind is a hub-height speed series with a
Weibull distribution, two-scale persistence (synoptic and mesoscale), seasonal and
diurnal shape, through a turbine power curve with air-density correction and losses.

Both can be calibrated to a target of annual full-load hours (``target_flh``): PV by
scaling the clear-sky index, wind by scaling the mean speed, so the shape stays physical
(inverter clipping and the power curve's rated plateau are respected) and every value
stays in [0, 1].

Random streams: ``numpy.random.default_rng([seed, k])`` with a different ``k`` for PV,
wind and load, so the three are independent and each is reproducible by its seed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from gdc.profiles.calendar import get_hourly_index
from gdc.profiles.pv import quiet_pvlib
from gdc.site.errors import InputError

_STREAM_PV = 101
_STREAM_WIND = 202


def _check_site(latitude: float, longitude: float, year: int) -> None:
    if not -66.0 <= float(latitude) <= 66.0:
        raise InputError(f"latitude {latitude} is outside -66..66", field="latitude",
                         fix="give the latitude in decimal degrees north")
    if not -180.0 <= float(longitude) <= 180.0:
        raise InputError(f"longitude {longitude} is outside -180..180", field="longitude",
                         fix="give the longitude in decimal degrees east")
    if not 1990 <= int(year) <= 2100:
        raise InputError(f"year {year} is outside 1990-2100", field="year",
                         fix="give a four-digit calendar year")


def _check_target(target_flh: float | None, name: str, upper: float) -> None:
    if target_flh is None:
        return
    if not 0.0 < float(target_flh) < upper:
        raise InputError(f"target full-load hours {target_flh} h are outside 0-{upper:.0f}",
                         field=name, fix="give annual full-load hours, e.g. 1250 for PV, "
                                         "2100 for wind")


def _solve_scale(func: Callable[[float], float], target: float, lo: float, hi: float,
                 x0: float = 1.0, rtol: float = 2e-4, what: str = "target") -> float:
    """Solve ``func(x) = target`` for a non-decreasing ``func`` on [lo, hi]."""
    f_hi = func(hi)
    if f_hi < target * (1 - rtol):
        raise InputError(
            f"the {what} of {target:.0f} h cannot be reached (at most about {f_hi:.0f} h "
            "here)", field=what.replace(" ", "_"),
            fix="lower the target or change the region/system")
    f_lo = func(lo)
    if f_lo > target * (1 + rtol):
        raise InputError(f"the {what} of {target:.0f} h is too low (at least {f_lo:.0f} h)",
                         field=what.replace(" ", "_"), fix="raise the target")
    a, fa, b, fb = lo, f_lo - target, hi, f_hi - target
    x = min(max(x0, lo), hi)
    for _ in range(60):
        fx = func(x) - target
        if abs(fx) <= rtol * target:
            return x
        if fx < 0:
            a, fa = x, fx
        else:
            b, fb = x, fx
        # secant within the bracket, bisection if it would leave it
        x_new = b - fb * (b - a) / (fb - fa) if fb != fa else 0.5 * (a + b)
        if not a < x_new < b:
            x_new = 0.5 * (a + b)
        x = x_new
    return x


def _ar1_filter(e: np.ndarray, phi: float) -> np.ndarray:
    """``y[t] = phi y[t-1] + sqrt(1 - phi^2) e[t]``, ``y[-1] = 0``."""
    c = float(np.sqrt(1.0 - phi ** 2))
    out = [0.0] * len(e)
    y = 0.0
    for i, v in enumerate((np.asarray(e, dtype=float) * c).tolist()):
        y = phi * y + v
        out[i] = y
    return np.asarray(out)


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Stationary unit-variance AR(1) series."""
    e = rng.standard_normal(n)
    e[0] = e[0] / np.sqrt(1.0 - phi ** 2)  # stationary start
    return _ar1_filter(e, phi)


def _monthly_smooth(index: pd.DatetimeIndex, monthly: list[float]) -> np.ndarray:
    """Periodic linear interpolation of 12 mid-month values to every timestamp."""
    vals = np.asarray(monthly, dtype=float)
    if vals.shape != (12,):
        raise InputError("monthly values need exactly 12 numbers", field="monthly",
                         fix="give one value per month, January to December")
    doy = index.day_of_year.to_numpy() - 1 + index.hour.to_numpy() / 24.0
    days = 366.0 if index[0].is_leap_year else 365.0
    mid = (np.arange(12) + 0.5) * days / 12.0
    x = np.concatenate([mid - days, mid, mid + days])
    y = np.concatenate([vals, vals, vals])
    return np.interp(doy, x, y)


def synth_temperature(index: pd.DatetimeIndex, monthly_c: list[float],
                      diurnal_amplitude_c: float = 5.0,
                      daily_anomaly: np.ndarray | None = None) -> pd.Series:
    """A simple synthetic air temperature series.

    Smoothed monthly means plus a diurnal cosine peaking at 15:00 and an optional
    day-to-day anomaly.

    Parameters
    ----------
    index : DatetimeIndex
    monthly_c : list of 12 float [C]
    diurnal_amplitude_c : float [C]
        Half the daily range.
    daily_anomaly : ndarray, optional [C]
        One value per timestamp.

    Returns
    -------
    Series [C]
    """
    base = _monthly_smooth(index, monthly_c)
    hour = index.hour.to_numpy() + 0.5
    t = base + diurnal_amplitude_c * np.cos(2 * np.pi * (hour - 15.0) / 24.0)
    if daily_anomaly is not None:
        t = t + daily_anomaly
    return pd.Series(t, index=index, name="temp_air")


def synth_clear_sky_index(index: pd.DatetimeIndex, monthly_mean: list[float],
                          rng: np.random.Generator, daily_sd: float = 0.22,
                          daily_autocorrelation: float = 0.55,
                          hourly_autocorrelation: float = 0.8) -> np.ndarray:
    """Stochastic, persistent hourly clear-sky index.

    The daily index is a Beta-distributed variable (mean: the month's value, smoothly
    interpolated; standard deviation ``daily_sd``) driven by a Gaussian AR(1) across
    days (persistent weather); within a day an AR(1) perturbation adds variability
    that is largest on half-cloudy days (``0.35 k (1 - k)``).

    Parameters
    ----------
    index : DatetimeIndex
        Hourly.
    monthly_mean : list of 12 float [-]
    rng : numpy Generator
    daily_sd : float [-]
    daily_autocorrelation, hourly_autocorrelation : float [-]

    Returns
    -------
    ndarray [-]
        Clear-sky index per hour, in [0.02, 1.05].
    """
    from scipy.special import betaincinv, ndtr

    days = index.normalize()
    day_codes, day_uniques = pd.factorize(days)
    n_days = len(day_uniques)
    z = _ar1(rng, n_days, daily_autocorrelation)
    mean_d = _monthly_smooth(pd.DatetimeIndex(day_uniques) + pd.Timedelta(hours=12),
                             monthly_mean)
    mean_d = np.clip(mean_d, 0.05, 0.95)
    var = np.minimum(daily_sd ** 2, 0.9 * mean_d * (1 - mean_d))
    nu = mean_d * (1 - mean_d) / var - 1.0
    a, b = mean_d * nu, (1 - mean_d) * nu
    k_day = betaincinv(a, b, np.clip(ndtr(z), 1e-9, 1 - 1e-9))
    k_d = k_day[day_codes]
    e = _ar1(rng, len(index), hourly_autocorrelation)
    k = k_d + 0.7 * k_d * (1.0 - k_d) * e
    return np.clip(k, 0.02, 1.05)


@quiet_pvlib
def get_clear_sky(index: pd.DatetimeIndex, latitude: float, longitude: float,
                  altitude: float, solar_position: pd.DataFrame) -> pd.DataFrame:
    """Ineichen clear-sky irradiance at the middle of each hour (offline).

    Parameters
    ----------
    index : DatetimeIndex
        Hour-start labels.
    latitude, longitude : float [deg]
    altitude : float [m]
    solar_position : DataFrame
        From :func:`gdc.profiles.pv.get_solar_position`.

    Returns
    -------
    DataFrame
        ``ghi``, ``dni``, ``dhi`` [W/m^2].
    """
    import pvlib

    mid = index + pd.Timedelta(minutes=30)
    linke = pvlib.clearsky.lookup_linke_turbidity(mid, latitude, longitude)
    am_rel = pvlib.atmosphere.get_relative_airmass(solar_position["apparent_zenith"])
    am_abs = pvlib.atmosphere.get_absolute_airmass(am_rel, pvlib.atmosphere.alt2pres(altitude))
    dni_extra = pvlib.irradiance.get_extra_radiation(mid)
    with np.errstate(divide="ignore", invalid="ignore"):
        cs = pvlib.clearsky.ineichen(solar_position["apparent_zenith"].to_numpy(),
                                     am_abs.to_numpy(), np.asarray(linke), altitude=altitude,
                                     dni_extra=np.asarray(dni_extra))
    out = pd.DataFrame({k: np.nan_to_num(np.asarray(cs[k], dtype=float))
                        for k in ("ghi", "dni", "dhi")}, index=index)
    return out.clip(lower=0.0)


def synth_pv(latitude: float, longitude: float, year: int, seed: int = 0,
             target_flh: float | None = None, region: str | None = None,
             system=None, *, altitude_m: float | None = None,
             clear_sky_index: list[float] | None = None) -> pd.Series:
    """Synthetic hourly PV profile (AC output per unit DC capacity).

    Parameters
    ----------
    latitude, longitude : float [deg]
    year : int
    seed : int
        Random seed; the same seed gives the same profile.
    target_flh : float, optional [h]
        Annual full-load hours (sum of the profile) to calibrate to. ``None`` uses the
        region's target (``models/resources.yaml``), which is ``None`` for the default
        region: then the clear-sky index is used as is.
    region : str, optional
        ``"shandong"``, ``"ningxia"``, ... (see ``models/resources.yaml``).
    system : PVSystem, optional
        Defaults to ``PVSystem()``: fixed, latitude-based tilt, south, DC/AC 1.2,
        14.08 % losses.
    altitude_m : float, optional [m]
        Site elevation; defaults to the region's.
    clear_sky_index : list of 12 float, optional
        Monthly mean clear-sky index; defaults to the region's.

    Returns
    -------
    Series [MW/MWp]
        ``pv_pu`` on the hour-start index of ``year`` in Asia/Shanghai time, in [0, 1].
    """
    from gdc.profiles.pv import PVSystem, get_pv_profile, get_solar_position
    from gdc.profiles.resources import get_region

    _check_site(latitude, longitude, year)
    reg = get_region(region)
    p = reg["pv"]
    if target_flh is None:
        target_flh = p.get("target_flh")
    _check_target(target_flh, "target_flh", 4000.0)
    system = system or PVSystem()
    altitude = float(reg["altitude_m"] if altitude_m is None else altitude_m)
    kt_month = clear_sky_index or p["clear_sky_index"]
    if len(kt_month) != 12 or not all(0.05 <= float(x) <= 1.0 for x in kt_month):
        raise InputError("clear_sky_index needs 12 monthly values in 0.05-1",
                         field="clear_sky_index", fix="e.g. 0.76 0.80 ... 0.75")

    rng = np.random.default_rng([int(seed), _STREAM_PV])
    idx = get_hourly_index(year)
    kt = synth_clear_sky_index(idx, kt_month, rng, p["daily_sd"], p["daily_autocorrelation"],
                               p["hourly_autocorrelation"])
    # cloudy days are cooler by day, clear days have a larger daily range
    amp = p["temp_air_diurnal_amplitude_c"] * (0.5 + 0.6 * kt)
    temp = synth_temperature(idx, p["temp_air_monthly_c"], 0.0)
    hour = idx.hour.to_numpy() + 0.5
    temp = temp + amp * np.cos(2 * np.pi * (hour - 15.0) / 24.0)
    sp = get_solar_position(idx, latitude, longitude, altitude, temp_air=temp)
    cs = get_clear_sky(idx, latitude, longitude, altitude, sp)
    cs_ghi = cs["ghi"].to_numpy()

    # exact monthly means of the energy-weighted clear-sky index
    month = idx.month.to_numpy()
    for _ in range(3):
        for m in range(1, 13):
            sel = month == m
            w = cs_ghi[sel].sum()
            if w > 0:
                kt[sel] *= float(kt_month[m - 1]) * w / max((kt[sel] * cs_ghi[sel]).sum(), 1e-9)
        kt = np.clip(kt, 0.02, 1.05)

    wind = pd.Series(2.0, index=idx)

    def run(scale: float) -> pd.Series:
        k = np.clip(kt * scale, 0.0, 1.05)
        weather = pd.DataFrame({"ghi": k * cs_ghi, "temp_air": temp, "wind_speed": wind},
                               index=idx)
        return get_pv_profile(weather, latitude, longitude, altitude, system,
                              solar_position=sp)

    if target_flh is None:
        prof = run(1.0)
    else:
        cache: dict[float, pd.Series] = {}

        def flh(scale: float) -> float:
            cache[scale] = run(scale)
            return float(cache[scale].sum())

        s = _solve_scale(flh, float(target_flh), 0.0, 1.05 / max(kt.min(), 0.02), x0=1.0,
                         what="PV target full-load hours")
        prof = cache[s] if s in cache else run(s)
    prof = prof.clip(0.0, 1.0).rename("pv_pu")
    prof.index.name = "timestamp"
    return prof


def synth_wind_speed(year: int, seed: int = 0, mean_speed_m_s: float = 6.2,
                     weibull_k: float = 2.0, lag1_autocorrelation: float = 0.95,
                     monthly_factor: list[float] | None = None, diurnal: str = "inland",
                     diurnal_amplitude: float = 0.1) -> pd.Series:
    """Synthetic hourly hub-height wind speed.

    A latent Gaussian process, the sum of a synoptic AR(1) (lag-1 0.97, e-folding time
    about 33 h, 60 % of the variance) and a mesoscale AR(1) whose lag-1 makes the
    sum's lag-1 equal ``lag1_autocorrelation``, is mapped to a Weibull distribution of
    mean 1 and shape ``weibull_k`` (Gaussian copula), then multiplied by a smooth
    seasonal factor and a diurnal cycle and scaled to ``mean_speed_m_s``.

    Parameters
    ----------
    year : int
    seed : int
    mean_speed_m_s : float [m/s]
        Annual mean at hub height.
    weibull_k : float [-]
    lag1_autocorrelation : float [-]
        Of the latent process, 0.6-0.99.
    monthly_factor : list of 12 float, optional
        Relative monthly mean speeds (normalised to mean 1).
    diurnal : {"inland", "coastal", "none"}
        ``inland``: maximum at 01:00 all year (stable nights, low-level jet);
        ``coastal``: as inland in the cold months, an afternoon sea-breeze maximum at
        15:00 from May to September.
    diurnal_amplitude : float [-]
        Relative amplitude of the diurnal cycle.

    Returns
    -------
    Series [m/s]
        ``wind_speed`` on the hour-start index of ``year``.
    """
    from scipy.special import gamma, ndtr

    if not 0.6 <= lag1_autocorrelation < 0.99:
        raise InputError(f"lag-1 autocorrelation {lag1_autocorrelation} is outside 0.6-0.99",
                         field="lag1_autocorrelation", fix="typical hourly wind: 0.9-0.95")
    if not 1.0 <= weibull_k <= 5.0:
        raise InputError(f"Weibull k {weibull_k} is outside 1-5", field="weibull_k",
                         fix="typical values are 1.8-2.4")
    if not 1.0 <= mean_speed_m_s <= 20.0:
        raise InputError(f"mean wind speed {mean_speed_m_s} m/s is outside 1-20",
                         field="mean_speed_m_s", fix="give the hub-height annual mean")
    if diurnal not in ("inland", "coastal", "none"):
        raise InputError(f"unknown diurnal type '{diurnal}'", field="diurnal",
                         fix="use inland, coastal or none")
    rng = np.random.default_rng([int(seed), _STREAM_WIND])
    idx = get_hourly_index(year)
    n = len(idx)
    w_slow, phi_slow = 0.6, 0.97
    phi_fast = (lag1_autocorrelation - w_slow * phi_slow) / (1 - w_slow)
    phi_fast = float(np.clip(phi_fast, 0.0, 0.99))
    z = np.sqrt(w_slow) * _ar1(rng, n, phi_slow) + np.sqrt(1 - w_slow) * _ar1(rng, n, phi_fast)
    z = (z - z.mean()) / z.std()
    u = np.clip(ndtr(z), 1e-9, 1 - 1e-9)
    v = (-np.log1p(-u)) ** (1.0 / weibull_k) / gamma(1.0 + 1.0 / weibull_k)

    mf = np.asarray(monthly_factor if monthly_factor is not None else [1.0] * 12, float)
    season = _monthly_smooth(idx, list(mf / mf.mean()))
    hour = idx.hour.to_numpy() + 0.5
    night = np.cos(2 * np.pi * (hour - 1.0) / 24.0)
    if diurnal == "inland":
        shape = 1.0 + diurnal_amplitude * night
    elif diurnal == "coastal":
        warm = np.isin(idx.month.to_numpy(), [5, 6, 7, 8, 9])
        afternoon = np.cos(2 * np.pi * (hour - 15.0) / 24.0)
        shape = np.where(warm, 1.0 + diurnal_amplitude * afternoon,
                         1.0 + 0.6 * diurnal_amplitude * night)
    else:
        shape = np.ones(n)
    speed = v * season * shape
    speed = speed * mean_speed_m_s / speed.mean()
    return pd.Series(speed, index=idx, name="wind_speed")


def synth_wind(latitude: float, longitude: float, year: int, seed: int = 0,
               target_flh: float | None = None, region: str | None = None,
               hub_height_m: float | None = None, turbine: str | None = None, *,
               losses_pct: float | None = None, altitude_m: float | None = None,
               mean_speed_m_s: float | None = None) -> pd.Series:
    """Synthetic hourly wind profile (farm output per unit rated capacity).

    Parameters
    ----------
    latitude, longitude : float [deg]
        Used for validation and recorded with the profile (the statistics come from
        the region).
    year : int
    seed : int
    target_flh : float, optional [h]
        Annual net full-load hours to calibrate to (by scaling the mean speed);
        ``None`` uses the region's target, or no calibration for the default region.
    region : str, optional
        ``"shandong"``, ``"ningxia"``, ... (``models/resources.yaml``).
    hub_height_m : float, optional [m]
        Defaults to the region's; the region's mean speed is moved to this height by
        the 1/7 power law.
    turbine : str, optional
        See :func:`gdc.profiles.wind.get_power_curve`; defaults to the region's.
    losses_pct : float, optional [%]
    altitude_m : float, optional [m]
        Site elevation for the air density; defaults to the region's.
    mean_speed_m_s : float, optional [m/s]
        Hub-height annual mean before calibration; defaults to the region's.

    Returns
    -------
    Series [MW/MW]
        ``wind_pu`` on the hour-start index of ``year`` in Asia/Shanghai time, in [0, 1].
    """
    from gdc.profiles.resources import get_region
    from gdc.profiles.wind import (
        WindFarm,
        correct_wind_speed_for_density,
        extrapolate_power_law,
        get_air_density,
        get_power_curve,
    )

    _check_site(latitude, longitude, year)
    reg = get_region(region)
    w = reg["wind"]
    if target_flh is None:
        target_flh = w.get("target_flh")
    farm = WindFarm(hub_height_m=float(hub_height_m or w["hub_height_m"]),
                    turbine=str(turbine or w["turbine"]),
                    losses_pct=float(w["losses_pct"] if losses_pct is None else losses_pct))
    _check_target(target_flh, "target_flh", 8760.0 * (1 - farm.losses_pct / 100.0))
    curve = get_power_curve(farm.turbine)
    mean = float(w["mean_speed_hub_m_s"] if mean_speed_m_s is None else mean_speed_m_s)
    if mean_speed_m_s is None and hub_height_m is not None:
        mean = float(extrapolate_power_law(mean, float(w["hub_height_m"]), farm.hub_height_m))
    base = synth_wind_speed(year, seed, 1.0 * mean, w["weibull_k"], w["lag1_autocorrelation"],
                            w["monthly_factor"], w["diurnal"], w["diurnal_amplitude"])
    altitude = float(reg["altitude_m"] if altitude_m is None else altitude_m)
    temp = synth_temperature(base.index, reg["pv"]["temp_air_monthly_c"],
                             reg["pv"]["temp_air_diurnal_amplitude_c"])
    rho = get_air_density(altitude, temp.to_numpy(), None, height_m=farm.hub_height_m)
    net = 1.0 - farm.losses_pct / 100.0

    def run(scale: float) -> np.ndarray:
        v = correct_wind_speed_for_density(base.to_numpy() * scale, rho)
        return curve.per_unit(v) * net

    if target_flh is None:
        pu = run(1.0)
    else:
        s = _solve_scale(lambda x: float(run(x).sum()), float(target_flh), 0.05,
                         10.0 / max(mean, 1.0), x0=1.0, what="wind target full-load hours")
        pu = run(s)
    out = pd.Series(np.clip(pu, 0.0, 1.0), index=base.index, name="wind_pu")
    out.index.name = "timestamp"
    return out
