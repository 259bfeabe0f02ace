"""PV system model: weather -> hourly AC output per unit of DC capacity.

The chain is pvlib's PVWatts-style model:

1. solar position at the middle of each hour (labels are hour starts, irradiance is the
   hour's mean, so evaluating at hour-start + 30 min lines solar noon up);
2. decomposition of GHI into DNI and DHI (Erbs or DISC) where the file gives GHI only;
3. surface orientation: fixed tilt/azimuth or a single-axis tracker with backtracking;
4. transposition to the plane of array (Perez or Hay-Davies) plus ground reflection;
5. reflection losses of the module cover (``iam.physical``, as PVWatts v5-v8) for the
   beam, and its Marion (2017) integral for sky and ground diffuse;
6. cell temperature (SAPM, Faiman, PVsyst or NOCT-SAM model);
7. PVWatts DC power with a temperature coefficient, lumped system losses [%];
8. PVWatts inverter with the AC rating = DC rating / DC-AC ratio (clipping).

The result is AC power [MW] per MWp of DC capacity.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gdc.site.errors import InputError

TRACKING = ("fixed", "single_axis")
TRANSPOSITION = ("perez", "haydavies", "isotropic")
DECOMPOSITION = ("erbs", "disc")
TEMPERATURE_MODELS = (
    "sapm_open_rack_glass_polymer",
    "sapm_open_rack_glass_glass",
    "sapm_close_mount_glass_glass",
    "sapm_insulated_back_glass_polymer",
    "faiman",
    "pvsyst_freestanding",
    "noct_sam",
)


def quiet_pvlib(func):
    """Decorator: silence pandas/numpy deprecation warnings raised inside pvlib."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="pvlib")
            warnings.filterwarnings("ignore", category=FutureWarning, module="pvlib")
            warnings.filterwarnings("ignore", category=RuntimeWarning, module="pvlib")
            return func(*args, **kwargs)

    return wrapper


def default_tilt(latitude: float) -> float:
    """Fixed tilt that maximises annual yield, a fit over latitude.

    ``tilt = 0.76 |lat| + 3.1`` [deg] (Jacobson & Jadhav 2018, Solar Energy 169, fit for
    latitudes up to 50 deg; within 1-2 % of the optimum yield in North China).

    Parameters
    ----------
    latitude : float [deg]

    Returns
    -------
    float [deg]
    """
    return float(np.clip(0.76 * abs(latitude) + 3.1, 0.0, 60.0))


@dataclass(frozen=True)
class PVSystem:
    """A PV plant, described per unit of DC capacity.

    Parameters
    ----------
    tilt_deg : float or None [deg]
        Fixed tilt from horizontal; ``None`` uses :func:`default_tilt` of the latitude.
        Ignored for single-axis tracking.
    azimuth_deg : float [deg]
        Surface azimuth, clockwise from north (180 = south).
    tracking : {"fixed", "single_axis"}
        Fixed rack or horizontal single-axis tracker.
    axis_azimuth_deg : float [deg]
        Tracker axis azimuth (180 = north-south axis).
    max_angle_deg : float [deg]
        Tracker rotation limit.
    gcr : float [-]
        Ground coverage ratio (tracker backtracking).
    backtrack : bool
        Whether the tracker backtracks to avoid row-to-row shading.
    dc_ac_ratio : float [-]
        DC peak / inverter AC rating; output is clipped at ``1 / dc_ac_ratio``.
    losses_pct : float [%]
        Lumped DC system losses (PVWatts default 14.08 %: soiling, shading, mismatch,
        wiring, connections, LID, nameplate, age, availability).
    gamma_pdc : float [1/K]
        Temperature coefficient of DC power (PVWatts v8 standard module -0.0037).
    inverter_efficiency : float [-]
        Nominal inverter efficiency (PVWatts 0.96).
    temperature_model : str
        One of :data:`TEMPERATURE_MODELS`.
    transposition : {"perez", "haydavies", "isotropic"}
    decomposition : {"erbs", "disc"}
        Used only when the weather lacks DNI or DHI.
    albedo : float [-]
        Ground reflectance.
    iam : bool
        Apply cover reflection losses (``pvlib.iam.physical``; Marion integral for diffuse).
    """

    tilt_deg: float | None = None
    azimuth_deg: float = 180.0
    tracking: str = "fixed"
    axis_azimuth_deg: float = 180.0
    max_angle_deg: float = 60.0
    gcr: float = 0.35
    backtrack: bool = True
    dc_ac_ratio: float = 1.2
    losses_pct: float = 14.08
    gamma_pdc: float = -0.0037
    inverter_efficiency: float = 0.96
    temperature_model: str = "sapm_open_rack_glass_polymer"
    transposition: str = "perez"
    decomposition: str = "erbs"
    albedo: float = 0.2
    iam: bool = True

    def __post_init__(self) -> None:
        def bad(field: str, msg: str, fix: str) -> InputError:
            return InputError(msg, field=field, fix=fix)

        if self.tracking not in TRACKING:
            raise bad("tracking", f"unknown tracking '{self.tracking}'",
                      f"use one of {', '.join(TRACKING)}")
        if self.transposition not in TRANSPOSITION:
            raise bad("transposition", f"unknown transposition model '{self.transposition}'",
                      f"use one of {', '.join(TRANSPOSITION)}")
        if self.decomposition not in DECOMPOSITION:
            raise bad("decomposition", f"unknown decomposition model '{self.decomposition}'",
                      f"use one of {', '.join(DECOMPOSITION)}")
        if self.temperature_model not in TEMPERATURE_MODELS:
            raise bad("temperature_model",
                      f"unknown temperature model '{self.temperature_model}'",
                      f"use one of {', '.join(TEMPERATURE_MODELS)}")
        if self.tilt_deg is not None and not 0.0 <= self.tilt_deg <= 90.0:
            raise bad("tilt_deg", f"tilt {self.tilt_deg} deg is outside 0-90",
                      "give the tilt from horizontal in degrees")
        if not 0.0 <= self.azimuth_deg <= 360.0:
            raise bad("azimuth_deg", f"azimuth {self.azimuth_deg} deg is outside 0-360",
                      "give the azimuth clockwise from north (180 = south)")
        if not 0.5 <= self.dc_ac_ratio <= 3.0:
            raise bad("dc_ac_ratio", f"DC/AC ratio {self.dc_ac_ratio} is outside 0.5-3",
                      "typical values are 1.1-1.4")
        if not 0.0 <= self.losses_pct < 100.0:
            raise bad("losses_pct", f"losses {self.losses_pct} % are outside 0-100",
                      "give the lumped DC losses in percent, e.g. 14.08")
        if not 0.5 <= self.inverter_efficiency <= 1.0:
            raise bad("inverter_efficiency",
                      f"inverter efficiency {self.inverter_efficiency} is outside 0.5-1",
                      "give a fraction, e.g. 0.96")
        if not 0.0 <= self.albedo <= 1.0:
            raise bad("albedo", f"albedo {self.albedo} is outside 0-1", "e.g. 0.2")
        if not 0.0 < self.gcr < 1.0:
            raise bad("gcr", f"ground coverage ratio {self.gcr} is outside (0, 1)", "e.g. 0.35")


def _cell_temperature(model: str, poa_global, temp_air, wind_speed):
    import pvlib

    if model.startswith("sapm_"):
        params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][model[5:]]
        return pvlib.temperature.sapm_cell(poa_global, temp_air, wind_speed, **params)
    if model == "faiman":
        return pvlib.temperature.faiman(poa_global, temp_air, wind_speed)
    if model == "pvsyst_freestanding":
        params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["pvsyst"]["freestanding"]
        return pvlib.temperature.pvsyst_cell(poa_global, temp_air, wind_speed, **params)
    # noct_sam: NOCT 45 C, module efficiency 20 %
    return pvlib.temperature.noct_sam(poa_global, temp_air, wind_speed, noct=45.0,
                                      module_efficiency=0.20)


def _diffuse_iam(surface_tilt: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Cover transmittance of isotropic sky and ground diffuse (Marion 2017 integral of
    ``iam.physical``), computed once per whole degree of tilt."""
    import pvlib

    tilt = np.round(np.asarray(surface_tilt, dtype=float)).clip(0.0, 180.0)
    uniq, inverse = np.unique(tilt, return_inverse=True)
    res = pvlib.iam.marion_diffuse("physical", uniq)
    return np.asarray(res["sky"])[inverse], np.asarray(res["ground"])[inverse]


def _check_weather(weather: pd.DataFrame) -> None:
    if not isinstance(weather.index, pd.DatetimeIndex) or weather.index.tz is None:
        raise InputError("the weather needs a time-zone-aware DatetimeIndex",
                         field="index", fix="read it with gdc.profiles.weather.read_weather")
    if "ghi" not in weather.columns:
        raise InputError("the weather has no GHI column", field="ghi",
                         fix="give global horizontal irradiance in W/m^2 as column 'ghi'")


@quiet_pvlib
def get_irradiance_components(weather: pd.DataFrame, solar_position: pd.DataFrame,
                              model: str = "erbs") -> pd.DataFrame:
    """GHI, DNI and DHI: as given; DNI from GHI and DHI; or decomposed from GHI alone.

    Parameters
    ----------
    weather : DataFrame
        Column ``ghi`` [W/m^2], optionally ``dni``, ``dhi`` [W/m^2], ``pressure`` [Pa].
    solar_position : DataFrame
        From ``pvlib.solarposition.get_solarposition`` at the middle of each hour, with
        the same index as ``weather``.
    model : {"erbs", "disc"}
        Decomposition model.

    Returns
    -------
    DataFrame
        ``ghi``, ``dni``, ``dhi`` [W/m^2].
    """
    import pvlib

    ghi = weather["ghi"].clip(lower=0.0).fillna(0.0)
    if "dni" in weather.columns and "dhi" in weather.columns \
            and weather[["dni", "dhi"]].notna().all().all():
        return pd.DataFrame({"ghi": ghi, "dni": weather["dni"].clip(lower=0.0),
                             "dhi": weather["dhi"].clip(lower=0.0)})
    zenith = solar_position["zenith"]
    if "dhi" in weather.columns and weather["dhi"].notna().all():
        # GHI and DHI given (e.g. PVGIS hourly): beam from the closure equation
        dhi = weather["dhi"].clip(lower=0.0)
        cosz = np.cos(np.radians(zenith.clip(upper=87.0)))
        dni = ((ghi - dhi) / cosz).where(zenith < 87.0, 0.0).clip(lower=0.0, upper=1400.0)
        return pd.DataFrame({"ghi": ghi, "dni": dni, "dhi": dhi})
    doy = weather.index.day_of_year
    if model == "erbs":
        out = pvlib.irradiance.erbs(ghi, zenith, doy)
        dni, dhi = out["dni"], out["dhi"]
    else:
        pressure = weather["pressure"] if "pressure" in weather.columns else 101325.0
        dni = pvlib.irradiance.disc(ghi, zenith, doy, pressure=pressure)["dni"]
        dhi = ghi - dni * np.cos(np.radians(zenith))
    dni = pd.Series(np.nan_to_num(np.asarray(dni, dtype=float)), index=weather.index)
    dhi = pd.Series(np.nan_to_num(np.asarray(dhi, dtype=float)), index=weather.index)
    return pd.DataFrame({"ghi": ghi, "dni": dni.clip(lower=0.0), "dhi": dhi.clip(lower=0.0)})


@quiet_pvlib
def get_solar_position(index: pd.DatetimeIndex, latitude: float, longitude: float,
                       altitude: float = 0.0, temp_air=12.0, pressure=None) -> pd.DataFrame:
    """Solar position at the middle of each hour labelled by its start.

    Parameters
    ----------
    index : DatetimeIndex
        Hour-start labels, time-zone aware.
    latitude, longitude : float [deg]
    altitude : float [m]
    temp_air : float or Series [C]
    pressure : float or Series [Pa], optional
        Defaults to the standard atmosphere at ``altitude``.

    Returns
    -------
    DataFrame
        pvlib's solar position columns, indexed by ``index`` (not the mid-hour times).
    """
    import pvlib

    if pressure is None:
        pressure = pvlib.atmosphere.alt2pres(altitude)
    mid = index + pd.Timedelta(minutes=30)
    if isinstance(temp_air, pd.Series):
        temp_air = temp_air.to_numpy()
    if isinstance(pressure, pd.Series):
        pressure = pressure.to_numpy()
    sp = pvlib.solarposition.get_solarposition(mid, latitude, longitude, altitude=altitude,
                                               pressure=pressure, temperature=temp_air)
    sp.index = index
    return sp


@quiet_pvlib
def get_pv_profile(weather: pd.DataFrame, latitude: float, longitude: float,
                   altitude: float = 0.0, system: PVSystem | None = None,
                   solar_position: pd.DataFrame | None = None) -> pd.Series:
    """Hourly AC output per unit of DC capacity.

    Parameters
    ----------
    weather : DataFrame
        Hour-start, time-zone-aware index; columns ``ghi`` [W/m^2] and optionally
        ``dni``, ``dhi`` [W/m^2], ``temp_air`` [C] (default 12), ``wind_speed`` [m/s]
        (default 1), ``pressure`` [Pa].
    latitude, longitude : float [deg]
    altitude : float [m]
    system : PVSystem, optional
        Defaults to ``PVSystem()`` (fixed, latitude-based tilt, south, DC/AC 1.2).
    solar_position : DataFrame, optional
        Precomputed :func:`get_solar_position` (saves time in loops).

    Returns
    -------
    Series [MW/MWp]
        ``pv_pu``, AC output per unit DC capacity, in [0, 1 / dc_ac_ratio].
    """
    import pvlib

    system = system or PVSystem()
    _check_weather(weather)
    if not -90.0 <= latitude <= 90.0:
        raise InputError(f"latitude {latitude} is outside -90..90", field="latitude",
                         fix="give the latitude in decimal degrees north")
    if not -180.0 <= longitude <= 180.0:
        raise InputError(f"longitude {longitude} is outside -180..180", field="longitude",
                         fix="give the longitude in decimal degrees east")
    idx = weather.index
    temp_air = weather["temp_air"].fillna(12.0) if "temp_air" in weather else \
        pd.Series(12.0, index=idx)
    wind_speed = weather["wind_speed"].fillna(1.0) if "wind_speed" in weather else \
        pd.Series(1.0, index=idx)
    pressure = weather["pressure"] if "pressure" in weather else None
    if solar_position is None:
        solar_position = get_solar_position(idx, latitude, longitude, altitude,
                                            temp_air=temp_air, pressure=pressure)
    irr = get_irradiance_components(weather, solar_position, system.decomposition)

    if system.tracking == "single_axis":
        trk = pvlib.tracking.singleaxis(
            solar_position["apparent_zenith"], solar_position["azimuth"], axis_tilt=0.0,
            axis_azimuth=system.axis_azimuth_deg, max_angle=system.max_angle_deg,
            backtrack=system.backtrack, gcr=system.gcr)
        surface_tilt = trk["surface_tilt"].fillna(0.0)
        surface_azimuth = trk["surface_azimuth"].fillna(system.axis_azimuth_deg + 90.0)
    else:
        tilt = system.tilt_deg if system.tilt_deg is not None else default_tilt(latitude)
        surface_tilt = pd.Series(tilt, index=idx)
        surface_azimuth = pd.Series(system.azimuth_deg, index=idx)

    dni_extra = pvlib.irradiance.get_extra_radiation(idx + pd.Timedelta(minutes=30))
    dni_extra = pd.Series(np.asarray(dni_extra), index=idx)
    airmass = pvlib.atmosphere.get_relative_airmass(solar_position["apparent_zenith"])
    model = {"haydavies": "haydavies", "perez": "perez", "isotropic": "isotropic"}[
        system.transposition]
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt, surface_azimuth, solar_position["apparent_zenith"],
        solar_position["azimuth"], irr["dni"], irr["ghi"], irr["dhi"], dni_extra=dni_extra,
        airmass=airmass, albedo=system.albedo, model=model)
    poa = poa.fillna(0.0)
    if system.iam:
        aoi = pvlib.irradiance.aoi(surface_tilt, surface_azimuth,
                                   solar_position["apparent_zenith"], solar_position["azimuth"])
        iam = pvlib.iam.physical(aoi).fillna(0.0)
        iam_sky, iam_ground = _diffuse_iam(surface_tilt)
        effective = (poa["poa_direct"] * iam + poa["poa_sky_diffuse"] * iam_sky
                     + poa["poa_ground_diffuse"] * iam_ground)
    else:
        effective = poa["poa_global"]
    effective = effective.clip(lower=0.0)

    temp_cell = _cell_temperature(system.temperature_model, poa["poa_global"], temp_air,
                                  wind_speed)
    pdc = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, pdc0=1.0,
                                    gamma_pdc=system.gamma_pdc)
    pdc = pdc * (1.0 - system.losses_pct / 100.0)
    pac0 = 1.0 / system.dc_ac_ratio
    pac = pvlib.inverter.pvwatts(pdc, pdc0=pac0 / system.inverter_efficiency,
                                 eta_inv_nom=system.inverter_efficiency)
    pac = np.clip(np.nan_to_num(np.asarray(pac, dtype=float)), 0.0, pac0)
    return pd.Series(pac, index=idx, name="pv_pu")
