"""Weather years: the sources' per-unit output in several weather years (``weather_years:``).

Three forms of the site field:

- a list of ``{name, file, columns}``: a CSV of per-unit profiles per weather year; ``columns`` maps
  a source name to its column, by default each source's own profile column name. The rows are the
  data year's hours (as many as the load's); a time column in the file is not read.
- ``{folder, kind}``: every weather file of the folder (``.epw``, ``.csv``, ``.json``, ``.tm2``,
  ``.tm3``; sorted by name, the name is the file's stem), each source's profile computed from it
  as a ``weather:`` source is (pvlib / windpowerlib, :mod:`gdc.profiles.computed`).
- ``{synthesise: N, seed}``: N weather years made offline from the site's own profiles
  (:func:`synthesise`): an annual-energy factor per source type, normal with mean 1 and the life
  preset's coefficient of variation (PV 4 %, wind 8 %: ``models/life/``), and the days of each
  month shuffled, so that the hours differ, not only the total. Names ``synth-1`` ... ``synth-N``.

Per-unit output only: the load and every other series are the site's own in every weather year.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import numpy as np

from gdc.profiles.series import PU_MAX, Profiles, _check_length, read_column
from gdc.site.errors import InputError
from gdc.site.read import life_defaults
from gdc.site.schema import SeriesRef, Site, WeatherFolder, WeatherRef, WeatherSynth

#: Suffixes of the weather files a folder contributes.
WEATHER_SUFFIXES = (".epw", ".csv", ".json", ".tm2", ".tm3")

_PU: OrderedDict[tuple[str, str], dict[str, np.ndarray]] = OrderedDict()
_PU_MAX_ENTRIES = 256


def _folder_files(site: Site, spec: WeatherFolder) -> list[Path]:
    folder = site.resolve(spec.folder)
    if not folder.is_dir():
        raise InputError("weather folder not found", file=folder, field="weather_years.folder",
                         fix="name a folder of weather files; paths are relative to the site file")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in WEATHER_SUFFIXES)
    if not files:
        raise InputError(f"no weather files ({', '.join(WEATHER_SUFFIXES)}) in the folder", file=folder,
                         field="weather_years.folder", fix="put one weather file per weather year in it")
    stems = [p.stem for p in files]
    dup = sorted({s for s in stems if stems.count(s) > 1})
    if dup:
        raise InputError(f"two weather files share the name '{dup[0]}' (the weather year's name)", file=folder,
                         field="weather_years.folder", fix="keep one file per name (e.g. 2019.epw, 2020.epw)")
    return files


def names(site: Site) -> list[str | None]:
    """The weather-year names of a site in order; ``[None]`` without ``weather_years``."""
    wy = site.weather_years
    if wy is None:
        return [None]
    if isinstance(wy, list):
        return [w.name for w in wy]
    if isinstance(wy, WeatherSynth):
        return [f"synth-{k}" for k in range(1, wy.synthesise + 1)]
    return [p.stem for p in _folder_files(site, wy)]


def weather_pu(site: Site, base: Profiles, name: str, key: str) -> dict[str, np.ndarray]:
    """Per-unit output of every source in weather year ``name`` [MW/MW] (cached by ``key``, the series key).

    Returns the cached arrays: the caller multiplies them (a new array), never writes into them.
    """
    hit = _PU.get((key, name))
    if hit is not None:
        _PU.move_to_end((key, name))
        return hit
    wy = site.weather_years
    if isinstance(wy, list):
        pu = _from_file(site, base, next(i for i, w in enumerate(wy) if w.name == name))
    elif isinstance(wy, WeatherSynth):
        pu = synthesise(site, base, int(name.split("-")[1]), wy.seed)
    else:
        assert isinstance(wy, WeatherFolder)
        path = next(p for p in _folder_files(site, wy) if p.stem == name)
        pu = _from_weather_file(site, base, wy, path)
    _PU[(key, name)] = pu
    if len(_PU) > _PU_MAX_ENTRIES:
        _PU.popitem(last=False)
    return pu


def _from_file(site: Site, base: Profiles, index: int) -> dict[str, np.ndarray]:
    w = site.weather_years[index]  # type: ignore[index]
    field = f"weather_years[{index}]"
    out: dict[str, np.ndarray] = {}
    for src in site.sources:
        if src.name in w.columns:
            column = w.columns[src.name]
        elif src.profile is not None:
            column = src.profile.column
        else:
            raise InputError(f"no column for source '{src.name}' in weather year '{w.name}'", file=site.path,
                             field=f"{field}.columns",
                             fix=f"add '{src.name}: <column>' under columns (the source has no profile column "
                                 "to default to)")
        values, _, path = read_column(site, SeriesRef(file=w.file, column=column), field)
        _check_length(len(values), base.hours, path, field, site.days is not None)
        if (values < -1e-9).any():
            raise InputError(f"negative per-unit output in column '{column}'", file=path, field=f"{field}.columns",
                             fix="per-unit output is in [0, 1]")
        if values.max() > PU_MAX:
            raise InputError(f"column '{column}' peaks at {values.max():g}: not per-unit (MW per MW installed)",
                             file=path, field=f"{field}.columns",
                             fix="divide the output by the installed capacity, or point at the per-unit column")
        out[src.name] = np.clip(values, 0.0, None)
    return out


def _from_weather_file(site: Site, base: Profiles, spec: WeatherFolder, path: Path) -> dict[str, np.ndarray]:
    if not base.is_full_year:
        raise InputError("weather files need a full-year load, not representative days", file=site.path,
                         field="weather_years.folder", fix="give a list of per-unit CSVs per weather year instead")
    from gdc.profiles.computed import compute_profile

    year = int(base.index[0].year) if base.index is not None else None
    ref = WeatherRef(file=str(path), kind=spec.kind, wind_height_m=spec.wind_height_m)
    out: dict[str, np.ndarray] = {}
    for i, src in enumerate(site.sources):
        computed = src.model_copy(update={"profile": None, "synth": None, "weather": ref})
        out[src.name] = compute_profile(site, computed, i, base.hours, year=year)
    return out


def _scale_to(values: np.ndarray, factor: float) -> np.ndarray:
    """``values`` scaled so that their sum is ``factor`` x theirs, no hour above their maximum.

    A plain product for factors <= 1; above 1 the hours at the maximum stay there (an inverter's
    or a turbine's rating), and the scale s with ``sum(min(s x, max)) = factor sum(x)`` is found
    by bisection (the total at most reaches ``max`` in every producing hour).
    """
    cap = float(values.max(initial=0.0))
    total = float(values.sum())
    if factor <= 1.0 or cap <= 0.0 or total <= 0.0:
        return values * factor
    target = min(factor * total, cap * float((values > 0).sum()))
    lo, hi = 1.0, factor * cap / float(values[values > 0].min())
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if float(np.minimum(values * mid, cap).sum()) < target:
            lo = mid
        else:
            hi = mid
    return np.minimum(values * hi, cap)


def synthesise(site: Site, base: Profiles, k: int, seed: int) -> dict[str, np.ndarray]:
    """Synthetic weather year ``k`` (1-based) of the site: per-unit output of every source [MW/MW].

    A generator seeded with ``(seed, k)`` draws z1, z2 ~ N(0, 1): the PV annual-energy factor is
    ``1 + cv_pv z1``, the wind one ``1 + cv_wind (rho z1 + sqrt(1 - rho^2) z2)`` (preset: cv_pv 4 %,
    cv_wind 8 %, rho 0), each at least 0.2. The days of each month are permuted (one permutation for
    every source, so PV and wind stay together within a day), then every source's series is scaled
    to its factor (:func:`_scale_to`: no hour above the series' maximum).

    Raises
    ------
    InputError
        For representative days (a synthetic year shuffles the days of a full year's months).
    """
    if not base.is_full_year or base.month is None:
        raise InputError("synthetic weather years need a full year of hourly series, not representative days",
                         file=site.path, field="weather_years.synthesise",
                         fix="give the weather years as a list of per-unit CSVs instead")
    spec = life_defaults(site)["weather_years"]
    cv_pv, cv_wind = float(spec["pv_annual_cv_pct"]) / 100, float(spec["wind_annual_cv_pct"]) / 100
    rho = float(spec["pv_wind_correlation"])
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(k)])
    z1, z2 = rng.standard_normal(2)
    factor = {"pv": max(0.2, 1.0 + cv_pv * z1),
              "wind": max(0.2, 1.0 + cv_wind * (rho * z1 + np.sqrt(max(0.0, 1.0 - rho * rho)) * z2))}
    n_days = base.hours // 24
    day_month = base.month[::24][:n_days]
    order = np.arange(n_days)
    for m in range(1, 13):
        days = np.flatnonzero(day_month == m)
        order[days] = days[rng.permutation(len(days))]
    rows = (order[:, None] * 24 + np.arange(24)[None, :]).ravel()
    kind = {s.name: s.type for s in site.sources}
    out: dict[str, np.ndarray] = {}
    for name, values in base.pu.items():
        shuffled = values[:n_days * 24][rows]
        if len(values) > n_days * 24:
            shuffled = np.concatenate([shuffled, values[n_days * 24:]])
        out[name] = _scale_to(shuffled, factor[kind.get(name, "pv")])
    return out
