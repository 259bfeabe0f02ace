"""The year model: year Y of the project's life, and the site's profiles in that year.

A site's series (its load, its sources' per-unit output) are year 1 of the life: the start year,
with new plant. In a later year of life n (calendar year Y = start + n - 1) gdc applies, with
defaults from ``models/life/<life.preset>.yaml`` and the site's ``degradation:`` overrides:

- PV output x ``(1 - first)(1 - per)^(n - 2)`` for n >= 2 (1 in year 1): ``pv_first_year_pct``
  is the first year's loss, seen from year 2, ``pv_per_year_pct`` every later year's;
- wind output x ``(1 - per)^(n - 1)`` (``wind_per_year_pct``);
- usable storage energy x ``(1 - per)^(n - n0)`` (``storage_per_year_pct``), ``n0`` the year of life
  its battery entered service: 1, or the year of its last replacement. The battery is replaced in
  ``storage_replacement_year`` or in the first year its factor would fall below
  ``storage_end_of_life_pct``, whichever comes first; after a replacement the end-of-life rule
  applies to the new battery. In a replacement year the factor is 1 and ``storage_replaced`` is true;
- load x the factor of the calendar year (:func:`load_factor`: ``by_year`` table, growth).

With ``weather_years:`` a year is also evaluated in a weather year: the sources' per-unit output
then comes from that weather year's profiles (:mod:`gdc.profiles.weather_years`) before the factors.

:func:`year_profiles` is THE year model: ``gdc check --year Y`` (through
:func:`gdc.profiles.series.get_profiles`), the yearly path and the sizing over a horizon all
evaluate year Y with it. The files are read once per process (a cache keyed by the fields and the
files' modification times), so many years cost a multiplication each.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdc.profiles.series import Profiles, last_series_year, read_profiles
from gdc.site.errors import InputError
from gdc.site.read import life_defaults, life_span_of
from gdc.site.schema import Load, Site

__all__ = [
    "DegradationParams",
    "LifeYear",
    "degradation_params",
    "life_span",
    "life_year",
    "life_years",
    "load_factor",
    "parse_years",
    "storage_schedule",
    "weather_names",
    "year_profiles",
]


@dataclass(frozen=True)
class LifeYear:
    """One year of the project's life, and the factors applied in it.

    Attributes
    ----------
    year : int
        Calendar year evaluated.
    year_of_life : int
        1 in the start year.
    weather : str or None
        Weather-year name; None = the site's own profiles.
    pv, wind : float [-]
        Output factors of the PV and wind sources (1.0 in year 1).
    storage_energy : float [-]
        Usable storage energy factor (fade; back to 1 after a replacement).
    load : float [-]
        Load factor against the site's load series (``by_year`` table, growth); for several users
        the factor of their total (their scaled sum over their series' sum).
    storage_replaced : bool
        A battery replacement happened this year.
    """

    year: int
    year_of_life: int
    weather: str | None
    pv: float
    wind: float
    storage_energy: float
    load: float
    storage_replaced: bool

    def as_dict(self) -> dict[str, Any]:
        """The year and its factors as plain data (JSON)."""
        return dataclasses.asdict(self)

    def describe(self, lang: str = "en") -> str:
        """One line: the year of life and the factors applied, e.g. for a report header.

        Examples
        --------
        >>> LifeYear(2029, 4, None, 0.98209584, 0.952763904, 0.941192, 1.0, False).describe()
        'year 2029, year 4 of life: PV x 0.9821, wind x 0.9528, storage energy x 0.9412, load x 1.0000'
        """
        if lang == "zh":
            w = f"，气象年 {self.weather}" if self.weather is not None else ""
            r = "（本年更换电池）" if self.storage_replaced else ""
            return (f"{self.year}年，运营第{self.year_of_life}年{w}：光伏出力 ×{self.pv:.4f}，风电出力 ×{self.wind:.4f}，"
                    f"储能可用容量 ×{self.storage_energy:.4f}{r}，负荷 ×{self.load:.4f}")
        w = f", weather year {self.weather}" if self.weather is not None else ""
        r = " (battery replaced this year)" if self.storage_replaced else ""
        return (f"year {self.year}, year {self.year_of_life} of life{w}: PV x {self.pv:.4f}, wind x {self.wind:.4f}, "
                f"storage energy x {self.storage_energy:.4f}{r}, load x {self.load:.4f}")


@dataclass(frozen=True)
class DegradationParams:
    """The degradation a site's life uses: its ``degradation:`` over the preset's [%, %/yr]."""

    pv_first_year_pct: float
    pv_per_year_pct: float
    wind_per_year_pct: float
    storage_per_year_pct: float
    storage_replacement_year: int
    storage_end_of_life_pct: float


def degradation_params(site: Site) -> DegradationParams:
    """The site's degradation rates, each from ``degradation:`` or else the life preset.

    The replacement year is ``degradation.storage_replacement_year``, else the site's
    ``finance.storage_replacement_year`` (the year the cash flow pays for it), else the preset's.
    """
    preset = life_defaults(site)["degradation"]
    given = site.degradation
    values = {f.name: getattr(given, f.name) if getattr(given, f.name) is not None else preset[f.name]
              for f in dataclasses.fields(DegradationParams)}
    if given.storage_replacement_year is None and site.finance.storage_replacement_year is not None:
        values["storage_replacement_year"] = site.finance.storage_replacement_year
    values["storage_replacement_year"] = int(values["storage_replacement_year"])
    return DegradationParams(**{k: (v if k == "storage_replacement_year" else float(v)) for k, v in values.items()})


def life_span(site: Site) -> tuple[int, int]:
    """``(start_year, years)`` of the site's life (``life:``; the years default from the preset)."""
    return life_span_of(site)


def life_years(site: Site) -> list[int]:
    """Every calendar year of the site's life, in order."""
    start, years = life_span(site)
    return list(range(start, start + years))


def parse_years(text: str, site: Site, field: str = "--years") -> list[int]:
    """The calendar years a ``--years`` option names, sorted and distinct.

    Parameters
    ----------
    text : str
        ``all`` (the whole life), a year (``2029``), a range (``2026-2040``), or a comma-separated
        list of these (``2026,2030`` or ``2026-2028,2031``).
    site : Site
        The years must lie within its life.
    field : str
        Named in messages.

    Raises
    ------
    InputError
        For text that is not years, a reversed range, or a year outside the life.

    Examples
    --------
    >>> from gdc.site.read import parse_site
    >>> site = parse_site({"name": "d", "jurisdiction": "national", "year": 2026, "life": {"years": 10},
    ...     "load": {"file": "l.csv", "column": "l", "unit": "MW"},
    ...     "sources": [{"name": "PV", "type": "pv", "capacity_mw": 5}],
    ...     "connection": {"voltage_kv": 35, "capacity_mw": 5}})
    >>> parse_years("2026-2028,2031", site), len(parse_years("all", site))
    ([2026, 2027, 2028, 2031], 10)
    """
    start, years = life_span(site)
    last = start + years - 1
    life = f"the project's life is {start}-{last}"
    spec = text.strip().lower()
    if spec == "all":
        return life_years(site)
    out: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        try:
            if "-" in part:
                a, b = (int(x) for x in part.split("-", 1))
            else:
                a = b = int(part)
        except ValueError:
            raise InputError(f"'{part}' is not a year or a range of years", field=field,
                             fix=f"give e.g. {start}, {start}-{min(last, start + 9)}, {start},{start + 3} or all "
                             f"({life})") from None
        if a > b:
            raise InputError(f"the range {part} runs backwards", field=field, fix=f"write {b}-{a}")
        if a < start or b > last:
            raise InputError(f"{part} is outside the project's life", field=field,
                             fix=f"{life} (life.start_year, life.years); give years within it, or all")
        out.update(range(a, b + 1))
    if not out:
        raise InputError("no years given", field=field, fix=f"give e.g. {start}-{last} or all")
    return sorted(out)


def weather_names(site: Site) -> list[str | None]:
    """The weather years a site names, in order; ``[None]`` (its own profiles) without ``weather_years``."""
    from gdc.profiles.weather_years import names

    return names(site)


def _year_of_life(site: Site, year: int) -> int:
    start, years = life_span(site)
    n = year - start + 1
    if not 1 <= n <= years:
        raise InputError(f"{year} is outside the project's life ({start}-{start + years - 1})", file=site.path,
                         field="year", fix="evaluate a year within the life, or change life.start_year / life.years")
    return n


def storage_schedule(site: Site) -> list[tuple[float, bool]]:
    """The usable storage energy factor and the replacement flag of every year of life, in order.

    Year 1: ``(1.0, False)``. Year n: ``(1 - per)^(n - n0)``, ``n0`` the year the battery entered
    service; a replacement (``True``, factor 1) in ``storage_replacement_year`` or when the factor
    would fall below ``storage_end_of_life_pct`` / 100, whichever comes first.

    Examples
    --------
    2 %/yr, replaced in year 4, end of life 90 %: 1, 0.98, 0.9604, then replaced (1), 0.98, ...

    >>> from gdc.site.read import parse_site
    >>> site = parse_site({"name": "d", "jurisdiction": "national", "year": 2026, "life": {"years": 6},
    ...     "degradation": {"storage_per_year_pct": 2, "storage_replacement_year": 4,
    ...                     "storage_end_of_life_pct": 90},
    ...     "load": {"file": "l.csv", "column": "l", "unit": "MW"},
    ...     "sources": [{"name": "PV", "type": "pv", "capacity_mw": 5}],
    ...     "connection": {"voltage_kv": 35, "capacity_mw": 5}})
    >>> [(round(f, 4), r) for f, r in storage_schedule(site)]
    [(1.0, False), (0.98, False), (0.9604, False), (1.0, True), (0.98, False), (0.9604, False)]
    """
    _, years = life_span(site)
    d = degradation_params(site)
    return fade_schedule(d.storage_per_year_pct, d.storage_replacement_year, d.storage_end_of_life_pct, years)


def fade_schedule(per_year_pct: float, replacement_year: int, end_of_life_pct: float,
                  years: int) -> list[tuple[float, bool]]:
    """:func:`storage_schedule` from its parameters: fade [%/yr], the first replacement's year of
    life, the end-of-life share [%] and the years of life.

    >>> [n for n, (_, r) in enumerate(fade_schedule(2.0, 10, 80.0, 25), start=1) if r]
    [10, 22]
    """
    keep = 1.0 - per_year_pct / 100.0
    eol = end_of_life_pct / 100.0
    out: list[tuple[float, bool]] = [(1.0, False)]
    n0 = 1
    for n in range(2, years + 1):
        factor = keep ** (n - n0)
        if n == replacement_year or factor < eol - 1e-12:
            n0 = n
            out.append((1.0, True))
        else:
            out.append((factor, False))
    return out


def load_factor(load: Load, year: int, start_year: int, growth_pct: float) -> float:
    """The factor of a load series in a calendar year [-].

    With ``by_year``: the listed factor; linear between listed years; the first factor before the
    first listed year; after the last, the last factor x ``(1 + g)^(year - last)``. Without it:
    ``(1 + g)^(year - start_year)`` (1 in the start year). ``g`` is ``load.growth_pct_per_year``, else
    ``growth_pct`` (the preset's) [%/yr].

    Examples
    --------
    >>> ramp = Load(file="l.csv", column="l", unit="MW", by_year={2026: 0.6, 2028: 1.0}, growth_pct_per_year=1.0)
    >>> [round(load_factor(ramp, y, 2026, 0.0), 4) for y in (2025, 2026, 2027, 2028, 2030)]
    [0.6, 0.6, 0.8, 1.0, 1.0201]
    """
    g = (load.growth_pct_per_year if load.growth_pct_per_year is not None else growth_pct) / 100.0
    table = load.by_year
    if not table:
        return (1.0 + g) ** (year - start_year)
    ys = sorted(table)
    if year <= ys[0]:
        return float(table[ys[0]])
    if year >= ys[-1]:
        return float(table[ys[-1]]) * (1.0 + g) ** (year - ys[-1])
    hi = next(y for y in ys if y >= year)
    lo = max(y for y in ys if y <= year)
    if hi == lo:
        return float(table[lo])
    t = (year - lo) / (hi - lo)
    return float(table[lo]) + t * (float(table[hi]) - float(table[lo]))


def _loads(site: Site) -> list[tuple[str | None, Load]]:
    if site.load is not None:
        return [(None, site.load)]
    return [(u.name, u.load) for u in site.user_list]


def _factors(site: Site, year: int) -> tuple[int, float, float, float, bool, dict[str | None, float]]:
    n = _year_of_life(site, year)
    d = degradation_params(site)
    pv = 1.0 if n == 1 else (1 - d.pv_first_year_pct / 100) * (1 - d.pv_per_year_pct / 100) ** (n - 2)
    wind = (1 - d.wind_per_year_pct / 100) ** (n - 1)
    energy, replaced = storage_schedule(site)[n - 1]
    start, _ = life_span(site)
    growth = float(life_defaults(site)["load"]["growth_pct_per_year"])
    loads = {name: load_factor(load, year, start, growth) for name, load in _loads(site)}
    return n, pv, wind, energy, replaced, loads


def life_year(site: Site, year: int | None = None, weather: str | None = None) -> LifeYear:
    """The factors of one year of the site's life (default its evaluation year).

    The load factor of a site with several users is that of their total, which needs their series:
    :func:`year_profiles` reports it; here it is their series-weighted mean read from the files.

    Raises
    ------
    InputError
        For a year outside the life or an unknown weather year.
    """
    year = site.year if year is None else int(year)
    _check_weather(site, weather)
    n, pv, wind, energy, replaced, loads = _factors(site, year)
    if None in loads:
        load = loads[None]
    else:
        base = _base(site)  # each user's annual energy: representative days count with their weights
        energy = {u: float(np.dot(base.weights, base.user_loads_mw[u])) for u in loads}
        total = sum(energy.values())
        load = (sum(loads[u] * energy[u] for u in loads) / total) if total > 0 else 1.0
    return LifeYear(year=year, year_of_life=n, weather=weather, pv=pv, wind=wind, storage_energy=energy, load=load,
                    storage_replaced=replaced)


def _check_weather(site: Site, weather: str | None) -> None:
    known = weather_names(site)
    if weather is None or weather in known:
        return
    import difflib

    close = difflib.get_close_matches(str(weather), [str(k) for k in known], n=1)
    raise InputError(f"no weather year '{weather}'", file=site.path, field="weather_years",
                     fix=(f"did you mean '{close[0]}'? " if close else "") + "weather years: "
                     + ", ".join(str(k) for k in known))


# -- the cache of the site's series as read ------------------------------------------------------------

_BASE: OrderedDict[str, Profiles] = OrderedDict()
_BASE_MAX = 32
#: Site fields :func:`gdc.profiles.series.read_profiles` and the weather years do not read (capacities,
#: rules, prices, money, the factors applied afterwards): left out of the cache key. Anything else,
#: fields added later included, is in the key, so a new field can only cost a cache miss, never a
#: wrong profile. The evaluation year is left out too (the series are the data year's, whatever the
#: year evaluated): :func:`_base` checks a cached time axis against the year instead, so the years of
#: one life share one reading.
_NOT_SERIES_FIELDS = {"schema_", "name", "description", "jurisdiction", "rule_set", "year", "allocation", "operator",
                      "storage", "connection", "overrides", "economics", "tariff", "finance", "degradation", "stages"}
_NOT_SERIES_SOURCE_FIELDS = ("capacity_mw", "distance_km", "same_county", "same_city", "county", "city")


def _files(obj: Any) -> list[str]:
    """Every ``file`` and ``folder`` value in a dumped site (series, weather files, masks, weights)."""
    if isinstance(obj, dict):
        out = [obj[k] for k in ("file", "folder") if isinstance(obj.get(k), str)]
        return out + [f for v in obj.values() for f in _files(v)]
    if isinstance(obj, list):
        return [f for v in obj for f in _files(v)]
    return []


def series_key(site: Site) -> str:
    """A key of everything the site's series depend on: the fields, the folder, the files' times."""
    spec = site.model_dump(mode="json", exclude=_NOT_SERIES_FIELDS)
    for src in spec.get("sources", []):
        for k in _NOT_SERIES_SOURCE_FIELDS:
            src.pop(k, None)
    stamps = []
    for f in _files(spec):
        p = site.resolve(f)
        try:
            stamps.append((str(p), p.stat().st_mtime_ns))
        except OSError:
            stamps.append((str(p), None))
    # the data year (the start year, else the evaluation year: gdc.profiles.series.data_year) decides
    # the rows of a series without timestamps and how a series with them is checked
    return json.dumps([spec, str(site.base_dir), stamps, site.effective_start_year], sort_keys=True, default=str)


def _base(site: Site) -> Profiles:
    """The site's series as read (cached per process)."""
    key = series_key(site)
    hit = _BASE.get(key)
    if hit is not None and (hit.index is None or hit.index[0].year <= last_series_year(site)):
        _BASE.move_to_end(key)
        return hit
    profiles = read_profiles(site)
    _BASE[key] = profiles
    if len(_BASE) > _BASE_MAX:
        _BASE.popitem(last=False)
    return profiles


def year_profiles(site: Site, year: int | None = None, weather: str | None = None) -> Profiles:
    """The site's profiles in one year of its life and one weather year: THE year model.

    Parameters
    ----------
    site : Site
    year : int, optional
        Calendar year within the life; default the site's evaluation year.
    weather : str, optional
        A weather-year name of :func:`weather_names`; None: the site's own profiles.

    Returns
    -------
    Profiles
        The weather year's per-unit output (the site's own without one) x the year's PV / wind
        factor, the load and each user's load x their load factors, and ``life`` set to the
        :class:`LifeYear` (its ``storage_energy`` is applied by the dispatch and the LP). Fresh arrays:
        the cached series are never handed out.

    Raises
    ------
    InputError
        As :func:`gdc.profiles.series.read_profiles`; a year outside the life; an unknown weather year.
    """
    year = site.year if year is None else int(year)
    _check_weather(site, weather)
    base = _base(site)
    n, pv_f, wind_f, energy, replaced, loads = _factors(site, year)
    if weather is None:
        pu_in = base.pu
    else:
        from gdc.profiles.weather_years import weather_pu

        pu_in = weather_pu(site, base, weather, series_key(site))
    kind = {s.name: s.type for s in site.sources}
    pu = {name: values * (pv_f if kind.get(name) == "pv" else wind_f) for name, values in pu_in.items()}
    if base.user_loads_mw:
        users = {u: v * loads[u] for u, v in base.user_loads_mw.items()}
        load = np.sum(list(users.values()), axis=0) if users else base.load_mw.copy()
        total = float(np.dot(base.weights, base.load_mw))  # annual energies [MWh/yr]: days weighted
        load_f = float(np.dot(base.weights, load)) / total if total > 0 else 1.0
    else:
        users = {}
        load_f = loads.get(None, 1.0)
        load = base.load_mw * load_f
    life = LifeYear(year=year, year_of_life=n, weather=weather, pv=pv_f, wind=wind_f, storage_energy=energy,
                    load=load_f, storage_replaced=replaced)
    if not math.isfinite(load_f):
        raise InputError("the load factor is not finite", file=site.path, field="load.by_year",
                         fix="give finite factors and growth")
    return dataclasses.replace(
        base, load_mw=load, pu=pu, weights=base.weights.copy(), export_forbidden=base.export_forbidden.copy(),
        hour_of_day=base.hour_of_day.copy(), month=None if base.month is None else base.month.copy(),
        user_loads_mw=users, life=life)
