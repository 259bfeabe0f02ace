"""Per-unit profiles a site file asks gdc to compute: from a weather file or synthesised.

The bridge between the site schema and :mod:`gdc.profiles` (pvlib, windpowerlib), imported
only when a site uses ``weather:`` or ``synth:`` so that sites with CSV profiles stay fast.
Timestamps are local China time; the profile covers the load's data year row by row.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from gdc.site.errors import InputError
from gdc.site.schema import Site, Source


@lru_cache(maxsize=32)
def _weather(path: str, mtime_ns: int, kind: str | None, year: int):
    from gdc.profiles.weather import read_weather

    return read_weather(path, kind=kind, year=year)


def _location(site: Site, field: str):
    if site.location is None:
        raise InputError("a computed profile needs the site's location", file=site.path, field=field,
                         fix="add 'location: {latitude: ..., longitude: ...}' to the site")
    return site.location


def compute_profile(site: Site, src: Source, index: int, n: int, year: int | None = None) -> np.ndarray:
    """The per-unit profile of a source with ``weather:`` or ``synth:`` [MW/MW], ``n`` rows.

    Parameters
    ----------
    site : Site
    src : Source
    index : int
        Position of the source in ``site.sources`` (for messages).
    n : int
        Rows of the load [h].
    year : int, optional
        The data year of the site's series (:func:`gdc.profiles.series.check_time_axis`); default the
        start year (:func:`gdc.profiles.series.data_year`), so ``gdc check --year Y`` computes the
        same profile as the site's own year.
    """
    if year is None:
        from gdc.profiles.series import data_year

        year = data_year(site)
    field = f"sources[{index}]"
    loc = _location(site, f"{field}.{'weather' if src.weather else 'synth'}")
    if src.weather is not None:
        path = site.resolve(src.weather.file)
        if not path.is_file():
            raise InputError("weather file not found", file=path, field=f"{field}.weather.file",
                             fix="paths are relative to the site file")
        weather = _weather(str(path), path.stat().st_mtime_ns, src.weather.kind, year)
        wlat, wlon = weather.attrs.get("latitude"), weather.attrs.get("longitude")
        if wlat is not None and wlon is not None and (abs(wlat - loc.latitude) > 1.0 or abs(wlon - loc.longitude) > 1.0):
            raise InputError(
                f"the weather file is for ({wlat:.2f}, {wlon:.2f}), the site is at ({loc.latitude:.2f}, "
                f"{loc.longitude:.2f})", file=path, field=f"{field}.weather.file",
                fix="use weather measured near the site (times are local China time), or correct 'location'")
        altitude = loc.altitude_m if loc.altitude_m is not None else float(weather.attrs.get("altitude", 0.0) or 0.0)
        if src.type == "pv":
            from gdc.profiles.pv import PVSystem, get_pv_profile

            spec = (src.pv_system.model_dump(exclude_none=True) if src.pv_system else {})
            series = get_pv_profile(weather, loc.latitude, loc.longitude, altitude, PVSystem(**spec))
        else:
            from gdc.profiles.wind import WindFarm, get_wind_profile

            spec = (src.wind_turbine.model_dump(exclude_none=True) if src.wind_turbine else {})
            series = get_wind_profile(weather, WindFarm(**spec), measurement_height_m=src.weather.wind_height_m,
                                      altitude_m=altitude)
    else:
        syn = src.synth
        assert syn is not None
        if src.type == "pv":
            from gdc.profiles.synth import synth_pv

            series = synth_pv(loc.latitude, loc.longitude, year, seed=syn.seed, target_flh=syn.target_flh,
                              region=syn.region, altitude_m=loc.altitude_m)
        else:
            from gdc.profiles.synth import synth_wind

            wt = src.wind_turbine
            series = synth_wind(loc.latitude, loc.longitude, year, seed=syn.seed, target_flh=syn.target_flh,
                                region=syn.region, hub_height_m=wt.hub_height_m if wt else None,
                                turbine=wt.turbine if wt else None, losses_pct=wt.losses_pct if wt else None,
                                altitude_m=loc.altitude_m)
    values = np.asarray(series, dtype=float)
    if len(values) != n:
        raise InputError(
            f"the computed profile has {len(values)} hours ({year}), the load has {n}", file=site.path,
            field=field, fix="computed profiles cover the data year of the load (its timestamps' year, else "
            "start_year): give a load of the same length (8784 rows in a leap year)")
    return np.clip(values, 0.0, None)
