"""``gdc profile``: make hourly profiles (synthetic or from weather files) as CSV.

Every command writes a CSV whose header comment block (lines starting with ``#``) says
how it was made (tool, version, all parameters, seed), then the columns ``timestamp``
(ISO 8601 local time, hour start) and the profile column(s): ``pv_pu``, ``wind_pu``
(per unit of capacity) or ``load_mw``. Read it back with
``pandas.read_csv(path, comment="#")``. The terminal gets annual full-load hours and
monthly energy.

Heavy libraries (pandas, pvlib, windpowerlib) are imported inside the commands so that
``import gdc.cli.main`` stays fast.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from gdc.site.errors import InputError

_UNITS = {
    "pv_pu": "AC MW per MWp DC",
    "wind_pu": "MW per MW rated",
    "load_mw": "MW",
}


def write_profile_csv(path: str | Path, frame, title: str, params: dict,
                      notes: list[str] | None = None) -> None:
    """Write profiles with a ``#`` header block.

    Parameters
    ----------
    path : str or Path
    frame : DataFrame
        Hour-start, time-zone-aware index; columns among ``pv_pu``, ``wind_pu``,
        ``load_mw``.
    title : str
        The command, e.g. ``"profile synth"``.
    params : dict
        Every parameter, written one per line.
    notes : list of str, optional
        Model notes, one per line.
    """
    import gdc
    from gdc.cli.outputs import output_path, writing

    path = Path(path)
    output_path(path, "--output")
    lines = [f"# gdc {gdc.__version__} {title}",
             "# command: gdc " + " ".join(shlex.quote(a) for a in sys.argv[1:])
             if Path(sys.argv[0]).name == "gdc" else f"# command: gdc {title}"]
    lines += [f"# {k}: {v}" for k, v in params.items()]
    lines += [f"# {n}" for n in (notes or [])]
    tz = str(frame.index.tz)
    lines.append(f"# timestamp: start of the hour, local time ({tz})")
    lines += [f"# {c}: {_UNITS.get(c, '')}" for c in frame.columns]
    body = frame.copy()
    body.index = [t.isoformat() for t in frame.index]
    body.index.name = "timestamp"
    with writing(path, "--output"), open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")
        body.to_csv(fh, float_format="%.6f", lineterminator="\n")


def _summary(frame) -> str:
    """Annual full-load hours (per-unit columns) or energy (load) and monthly energy."""
    import pandas as pd

    out = []
    for col in frame.columns:
        s = frame[col]
        if col.endswith("_pu"):
            out.append(f"{col}: annual full-load hours {s.sum():.1f} h "
                       f"(capacity factor {100 * s.mean():.1f} %), max {s.max():.3f}")
        else:
            out.append(f"{col}: annual energy {s.sum() / 1e3:.2f} GWh, peak {s.max():.2f} MW, "
                       f"load factor {s.mean() / s.max():.3f}")
    monthly = frame.groupby(frame.index.month).sum()
    monthly.index = [pd.Timestamp(2000, m, 1).strftime("%b") for m in monthly.index]
    head = "month  " + "  ".join(
        f"{c + (' [MWh/MW]' if c.endswith('_pu') else ' [MWh]'):>18s}" for c in frame.columns)
    out.append("monthly energy:")
    out.append(head)
    for m, row in monthly.iterrows():
        out.append(f"{m:5s}  " + "  ".join(f"{v:18.1f}" for v in row.to_numpy()))
    return "\n".join(out)


def _pv_system(tilt, azimuth, tracking, dc_ac, losses, temp_model=None, transposition=None,
               decomposition=None, albedo=None):
    from gdc.profiles.pv import PVSystem

    kw = dict(tilt_deg=tilt, azimuth_deg=azimuth, tracking=tracking.replace("-", "_"),
              dc_ac_ratio=dc_ac, losses_pct=losses)
    if temp_model:
        kw["temperature_model"] = temp_model
    if transposition:
        kw["transposition"] = transposition
    if decomposition:
        kw["decomposition"] = decomposition
    if albedo is not None:
        kw["albedo"] = albedo
    return PVSystem(**kw)


def _tilt_used(system, latitude: float) -> str:
    from gdc.profiles.pv import default_tilt

    if system.tracking != "fixed":
        return "tracking"
    tilt = system.tilt_deg if system.tilt_deg is not None else default_tilt(latitude)
    return f"{tilt:.1f}"


def _checked_output(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Check ``-o`` before the profiles are computed (a missing folder is created on writing)."""
    from gdc.cli.outputs import output_path

    output_path(value, "--output")
    return value


_output = click.option("-o", "--output", type=click.Path(path_type=Path), callback=_checked_output,
                       required=True, help="CSV file to write (its folder is created when missing).")
_tracking = click.option("--tracking", type=click.Choice(["fixed", "single-axis"]),
                         default="fixed", show_default=True, help="PV mounting.")


@click.group("profile")
def profile() -> None:
    """Make hourly profiles: synthetic PV/wind/load, or PV/wind from a weather file."""


@profile.command("synth")
@click.option("--lat", "latitude", type=float, required=True, help="Latitude [deg N].")
@click.option("--lon", "longitude", type=float, required=True, help="Longitude [deg E].")
@click.option("--year", type=int, required=True, help="Calendar year.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--region", default=None,
              help="Regional defaults from models/resources.yaml (shandong, ningxia, ...).")
@click.option("--pv-flh", type=float, default=None,
              help="Target PV full-load hours [h per kWp DC]; default: the region's.")
@click.option("--wind-flh", type=float, default=None,
              help="Target wind full-load hours [h]; default: the region's.")
@click.option("--hub-height", type=float, default=None, help="Hub height [m].")
@click.option("--turbine", default=None,
              help="Generic curve (GDC-6.25-200 ...), windpowerlib type, or power-curve CSV.")
@click.option("--tilt", type=float, default=None, help="PV tilt [deg]; default ~0.76 lat + 3.")
@click.option("--azimuth", type=float, default=180.0, show_default=True,
              help="PV azimuth [deg from N].")
@_tracking
@click.option("--dc-ac", type=float, default=1.2, show_default=True, help="PV DC/AC ratio.")
@click.option("--losses", type=float, default=14.08, show_default=True,
              help="PV DC losses [%].")
@_output
def synth_cmd(latitude, longitude, year, seed, region, pv_flh, wind_flh, hub_height, turbine,
              tilt, azimuth, tracking, dc_ac, losses, output) -> None:
    """Synthetic PV and wind profiles calibrated to regional resource data (offline)."""
    import pandas as pd
    import pvlib

    from gdc.profiles.resources import get_region
    from gdc.profiles.synth import synth_pv, synth_wind

    system = _pv_system(tilt, azimuth, tracking, dc_ac, losses)
    reg = get_region(region)
    pv = synth_pv(latitude, longitude, year, seed=seed, target_flh=pv_flh, region=region,
                  system=system)
    wind = synth_wind(latitude, longitude, year, seed=seed, target_flh=wind_flh,
                      region=region, hub_height_m=hub_height, turbine=turbine)
    frame = pd.concat([pv, wind], axis=1)
    params = {
        "latitude": latitude, "longitude": longitude, "year": year, "seed": seed,
        "region": region or "default",
        "pv_target_flh": pv_flh if pv_flh is not None else reg["pv"].get("target_flh"),
        "wind_target_flh": wind_flh if wind_flh is not None else reg["wind"].get("target_flh"),
        "pv_system": system,
        "pv_tilt_deg_used": _tilt_used(system, latitude),
        "hub_height_m": hub_height or reg["wind"]["hub_height_m"],
        "turbine": turbine or reg["wind"]["turbine"],
        "wind_losses_pct": reg["wind"]["losses_pct"],
        "altitude_m": reg["altitude_m"],
    }
    notes = [f"pv model: pvlib {pvlib.__version__}, Ineichen clear sky x stochastic clear-sky "
             "index (regional monthly means), PVWatts DC and inverter",
             "wind model: Weibull hub-height speed with two-scale persistence, seasonal and "
             "diurnal shape, air-density corrected power curve, farm losses",
             "regional defaults and their confidence: models/resources.yaml"]
    write_profile_csv(output, frame, "profile synth", params, notes)
    click.echo(f"wrote {output} ({len(frame)} hours)")
    click.echo(_summary(frame))


@profile.command("load")
@click.option("--archetype", required=True,
              help="two-shift, continuous, data-centre, battery-cell, chemicals, arc-steel.")
@click.option("--peak", "peak_mw", type=float, required=True, help="Annual peak [MW].")
@click.option("--year", type=int, required=True, help="Calendar year.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@_output
def load_cmd(archetype, peak_mw, year, seed, output) -> None:
    """Synthetic industrial load of an archetype, with Chinese holidays."""
    from gdc.profiles.load import resolve_archetype, synth_load

    s = synth_load(archetype, peak_mw, year, seed)
    frame = s.to_frame()
    params = {"archetype": resolve_archetype(archetype), "peak_mw": peak_mw, "year": year,
              "seed": seed}
    notes = ["holidays: chinesecalendar (approximate outside its years); archetype shapes "
             "are placeholders (confidence L/M), see gdc.profiles.load"]
    write_profile_csv(output, frame, "profile load", params, notes)
    click.echo(f"wrote {output} ({len(frame)} hours)")
    click.echo(_summary(frame))


def _location(weather, latitude, longitude, altitude, path):
    lat = latitude if latitude is not None else weather.attrs.get("latitude")
    lon = longitude if longitude is not None else weather.attrs.get("longitude")
    alt = altitude if altitude is not None else weather.attrs.get("altitude")
    if lat is None or lon is None:
        raise InputError("the weather file gives no location", file=path, field="--lat/--lon",
                         fix="give --lat and --lon")
    return float(lat), float(lon), float(alt or 0.0)


_weather_opts = [
    click.option("--weather", "weather_path", type=click.Path(path_type=Path), required=True,
                 help="EPW, TMY3, PVGIS (csv/json) or plain CSV weather file."),
    click.option("--kind", type=click.Choice(["epw", "tmy3", "pvgis_tmy", "pvgis_hourly",
                                              "csv"]), default=None,
                 help="Weather file kind; detected when omitted."),
    click.option("--year", type=int, default=None,
                 help="Put typical-year data on this year / pick it from a multi-year file."),
    click.option("--tz", default="Asia/Shanghai", show_default=True,
                 help="Time zone of UTC (PVGIS) data and of CSV times without an offset."),
    click.option("--lat", "latitude", type=float, default=None,
                 help="Latitude [deg N]; default from the file."),
    click.option("--lon", "longitude", type=float, default=None,
                 help="Longitude [deg E]; default from the file."),
    click.option("--altitude", type=float, default=None,
                 help="Elevation [m]; default from the file."),
]


def _with_weather_opts(func):
    for opt in reversed(_weather_opts):
        func = opt(func)
    return func


@profile.command("pv")
@_with_weather_opts
@click.option("--tilt", type=float, default=None, help="Tilt [deg]; default ~0.76 lat + 3.")
@click.option("--azimuth", type=float, default=180.0, show_default=True,
              help="Azimuth [deg from N].")
@_tracking
@click.option("--dc-ac", type=float, default=1.2, show_default=True, help="DC/AC ratio.")
@click.option("--losses", type=float, default=14.08, show_default=True, help="DC losses [%].")
@click.option("--temp-model", default="sapm_open_rack_glass_polymer", show_default=True,
              help="Cell temperature model.")
@click.option("--transposition", type=click.Choice(["perez", "haydavies", "isotropic"]),
              default="perez", show_default=True)
@click.option("--decomposition", type=click.Choice(["erbs", "disc"]), default="erbs",
              show_default=True, help="Used when the file has GHI only.")
@click.option("--albedo", type=float, default=0.2, show_default=True)
@_output
def pv_cmd(weather_path, kind, year, tz, latitude, longitude, altitude, tilt, azimuth,
           tracking, dc_ac, losses, temp_model, transposition, decomposition, albedo,
           output) -> None:
    """PV profile from a weather file (pvlib, PVWatts)."""
    import pvlib

    from gdc.profiles.pv import get_pv_profile
    from gdc.profiles.weather import read_weather

    system = _pv_system(tilt, azimuth, tracking, dc_ac, losses, temp_model, transposition,
                        decomposition, albedo)
    weather = read_weather(weather_path, kind=kind, year=year, tz=tz)
    lat, lon, alt = _location(weather, latitude, longitude, altitude, weather_path)
    pv = get_pv_profile(weather, lat, lon, alt, system)
    frame = pv.to_frame()
    params = {"weather": weather_path, "kind": weather.attrs.get("kind"), "year": year,
              "latitude": lat, "longitude": lon, "altitude_m": alt, "pv_system": system,
              "pv_tilt_deg_used": _tilt_used(system, lat)}
    notes = [f"pv model: pvlib {pvlib.__version__}, solar position at mid-hour, "
             f"{transposition} transposition, PVWatts DC and inverter"]
    write_profile_csv(output, frame, "profile pv", params, notes)
    click.echo(f"wrote {output} ({len(frame)} hours)")
    click.echo(_summary(frame))


@profile.command("wind")
@_with_weather_opts
@click.option("--measurement-height", type=float, default=None,
              help="Anemometer height [m]; default 10 m for EPW/TMY3/PVGIS.")
@click.option("--hub-height", type=float, default=140.0, show_default=True,
              help="Hub height [m].")
@click.option("--turbine", default="GDC-6.25-200", show_default=True,
              help="Generic curve (GDC-5.0-190, GDC-6.25-200, GDC-6.7-182), windpowerlib "
                   "type (E-141/4200 ...), or power-curve CSV.")
@click.option("--losses", type=float, default=12.0, show_default=True,
              help="Farm losses [%].")
@click.option("--shear", type=click.Choice(["power", "log"]), default="power",
              show_default=True, help="Height extrapolation.")
@click.option("--alpha", type=float, default=1 / 7, show_default=True,
              help="Hellman exponent (power law).")
@click.option("--z0", type=float, default=0.1, show_default=True,
              help="Roughness length [m] (log law).")
@click.option("--density-correction/--no-density-correction", default=True,
              show_default=True)
@_output
def wind_cmd(weather_path, kind, year, tz, latitude, longitude, altitude, measurement_height,
             hub_height, turbine, losses, shear, alpha, z0, density_correction,
             output) -> None:
    """Wind profile from a weather file (extrapolation, density, power curve)."""
    from gdc.profiles.weather import read_weather
    from gdc.profiles.wind import WindFarm, get_power_curve, get_wind_profile

    farm = WindFarm(hub_height_m=hub_height, turbine=turbine, losses_pct=losses, shear=shear,
                    hellman_exponent=alpha, roughness_length_m=z0,
                    density_correction=density_correction)
    weather = read_weather(weather_path, kind=kind, year=year, tz=tz)
    if "wind_speed" not in weather.columns:
        raise InputError("the weather file has no wind speed", file=weather_path,
                         field="wind_speed", fix="give a file with a wind speed column")
    height = measurement_height or weather.attrs.get("wind_height_m")
    if height is None:
        raise InputError("the measurement height of the wind speed is unknown",
                         file=weather_path, field="--measurement-height",
                         fix="give --measurement-height in metres")
    alt = altitude if altitude is not None else (weather.attrs.get("altitude") or 0.0)
    curve = get_power_curve(turbine)
    wind = get_wind_profile(weather, farm, measurement_height_m=float(height),
                            altitude_m=float(alt), power_curve=curve)
    frame = wind.to_frame()
    params = {"weather": weather_path, "kind": weather.attrs.get("kind"), "year": year,
              "measurement_height_m": height, "altitude_m": alt, "wind_farm": farm,
              "turbine_rated_kw": curve.rated_kw,
              "turbine_rotor_diameter_m": curve.rotor_diameter_m}
    write_profile_csv(output, frame, "profile wind", params)
    click.echo(f"wrote {output} ({len(frame)} hours)")
    click.echo(_summary(frame))
