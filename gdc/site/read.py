"""Reading a site file: YAML without duplicate keys, validation, and errors a user can act on.

:func:`read_site` reads a ``site.yaml`` into a validated :class:`~gdc.site.schema.Site`
(:func:`parse_site` does the same for a mapping); every problem (a missing file, bad YAML, a key
given twice, an unknown key, a value out of range) is one
:class:`~gdc.site.errors.InputError` naming the file, the field and the fix. The pydantic
models themselves are in :mod:`gdc.site.schema`, which re-exports every public name here.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from gdc.site.errors import InputError
from gdc.site.plausible import check_range
from gdc.site.schema import SCHEMA_ID, Bounds, Site

__all__ = [
    "check_day_weights",
    "check_plausible",
    "load_yaml_text",
    "parse_site",
    "read_site",
    "read_yaml",
    "site_json_schema",
    "with_year",
    "write_json_schema",
]


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _known_keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The schema class at a location, to suggest the key the user meant."""
    model: Any = Site
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        ann = field.annotation
        candidates = [ann, *getattr(ann, "__args__", ())]
        found = None
        for c in candidates:
            for cc in [c, *getattr(c, "__args__", ())]:
                if isinstance(cc, type) and issubclass(cc, BaseModel):
                    found = cc
        if found is None:
            return None
        model = found
    return model


def _explain(err: dict[str, Any], file: Path) -> InputError:
    loc = tuple(err["loc"])
    # pydantic reports union members as extra loc parts: drop type-name parts
    loc = tuple(
        p for p in loc
        if not (isinstance(p, str) and (p in {"float", "Bounds", "FixedAllocation", "PriorityAllocation",
                                                       "WeatherFolder", "WeatherSynth"}
                                       or p.startswith(("constrained-", "function-", "list[", "literal["))))
    )
    field = _field_path(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        model = _model_at(loc)
        key = str(loc[-1])
        known = _known_keys(model) if model else []
        close = difflib.get_close_matches(key, known, n=1)
        fix = f"did you mean '{close[0]}'?" if close else f"known keys here: {', '.join(known)}"
        return InputError(f"unknown key '{key}'", file=file, field=field, fix=fix)
    if kind == "missing":
        return InputError("required field is missing", file=file, field=field,
                          fix=f"add '{loc[-1]}' (see the site-file reference in README.md)")
    value = err.get("input")
    if kind == "finite_number":
        return InputError(f"not a finite number (got {value!r})", file=file, field=field,
                          fix="give a finite number in the field's unit (YAML reads .inf, .nan and numbers "
                              "beyond about 1.8e308 such as 1.0e400 as infinite)")
    if isinstance(value, bool) and kind in ("float_type", "int_type", "float_parsing", "int_parsing"):
        return InputError(f"a number is expected, not the yes/no value {str(value).lower()}", file=file,
                          field=field, fix="give the number in the field's unit (e.g. capacity_mw: 40)")
    if isinstance(value, str) and kind in ("float_type", "int_type"):
        return InputError(f"a number is expected, not the text {value!r}", file=file, field=field,
                          fix="write a plain number in the field's unit (e.g. 40 or 1.5e3), not quoted text")
    msg = err["msg"].removeprefix("Value error, ")
    shown = f" (got {value!r})" if value is not None and not isinstance(value, dict | list) else ""
    return InputError(f"{msg}{shown}", file=file, field=field or None,
                      fix="correct the value (see the site-file reference in README.md)")


def parse_site(data: Any, path: Path | str | None = None) -> Site:
    """Validate a site given as a mapping (e.g. parsed YAML) into a :class:`Site`.

    Parameters
    ----------
    data : mapping
        The site, as read from YAML.
    path : Path, optional
        The site file, used in error messages and to resolve relative paths.

    Returns
    -------
    Site

    Raises
    ------
    InputError
        On the first schema error (an unknown key with the key meant, a missing field, a
        value out of range), naming the field; CSV files named by the site are not read here.

    Examples
    --------
    >>> from gdc.site.read import parse_site
    >>> data = {"name": "demo", "jurisdiction": "Shandong", "year": 2026,
    ...         "load": {"file": "load.csv", "column": "load_mw", "unit": "MW"},
    ...         "sources": [{"name": "PV", "type": "pv", "capacity_mw": 50}],
    ...         "connection": {"voltage_kv": 110, "capacity_mw": 30}}
    >>> site = parse_site(data)
    >>> site.jurisdiction, site.storage, site.needs_sizing()
    ('shandong', None, False)
    >>> data["sources"] = [{"name": "PV", "type": "pv", "capasity_mw": 50}]
    >>> parse_site(data)
    Traceback (most recent call last):
        ...
    gdc.site.errors.InputError: <site>, field 'sources[0].capasity_mw': unknown key 'capasity_mw'
      fix: did you mean 'capacity_mw'?
    """
    file = Path(path) if path is not None else Path("<site>")
    if not isinstance(data, dict):
        raise InputError("the site file must be a YAML mapping of keys to values", file=file,
                         fix="start from a sample in sample_sites/")
    try:
        site = Site.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # with unions pydantic reports one error per member: keep the most specific
        generic = {"float_type", "float_parsing", "model_type", "dict_type", "model_attributes_type"}
        errors.sort(key=lambda e: (e["type"] != "extra_forbidden", e["type"] in generic, -len(e["loc"])))
        raise _explain(errors[0], file) from exc
    check_plausible(site, file)
    if path is not None:
        site._path = Path(path).resolve()
    return site


def _capacity_values(cap: float | Bounds) -> list[tuple[str, float]]:
    if isinstance(cap, Bounds):
        return [(".min", cap.min), (".max", cap.max)]
    return [("", float(cap))]


def check_plausible(site: Site, file: Path | str | None = None) -> None:
    """Refuse values outside the plausible ranges of ``models/plausible-ranges.yaml``.

    Capacities (fixed or the bounds of ``gdc size``), storage, line distances, the connection
    and listed day weights; the load peak and day weights read from CSV files are checked by
    :func:`gdc.profiles.series.get_profiles`.

    Raises
    ------
    InputError
        Naming the field, the range and, for a value about 1000 times too large, the unit slip.
    """
    for i, src in enumerate(site.sources):
        key = ("offshore_wind_capacity_mw" if src.offshore else "wind_capacity_mw") if src.type == "wind" \
            else "pv_capacity_mw"
        what = f"{'offshore wind' if src.offshore and src.type == 'wind' else src.type.replace('pv', 'PV')} " \
               f"capacity of '{src.name}'"
        for suffix, value in _capacity_values(src.capacity_mw):
            check_range(key, value, file, f"sources[{i}].capacity_mw{suffix}", what)
        check_range("distance_km", src.distance_km, file, f"sources[{i}].distance_km", "line distance")
    if site.storage is not None:
        for suffix, value in _capacity_values(site.storage.power_mw):
            check_range("storage_power_mw", value, file, f"storage.power_mw{suffix}", "storage power")
        for suffix, value in _capacity_values(site.storage.energy_mwh):
            check_range("storage_energy_mwh", value, file, f"storage.energy_mwh{suffix}", "storage energy")
    check_range("voltage_kv", site.connection.voltage_kv, file, "connection.voltage_kv", "connection voltage")
    check_range("connection_capacity_mw", site.connection.capacity_mw, file, "connection.capacity_mw",
                "connection capacity")
    if site.days is not None and isinstance(site.days.weights, list):
        check_day_weights(site.days.weights, file, "days.weights")
    check_life(site, file)


@lru_cache(maxsize=8)
def _life_defaults(path: str) -> dict[str, Any]:
    return read_yaml(Path(path))


def life_defaults(site: Site, file: Path | str | None = None) -> dict[str, Any]:
    """The life preset of a site (``models/life/<life.preset>.yaml``) as a mapping.

    Raises
    ------
    InputError
        For an unknown preset, naming the presets there are.
    """
    from gdc.site.datafiles import models_path

    name = site.life.preset
    path = models_path("life", f"{name}.yaml")
    if not path.is_file():
        known = sorted(p.stem for p in models_path("life").glob("*.yaml"))
        raise InputError(f"unknown life preset '{name}'", file=file or site.path, field="life.preset",
                         fix=f"presets: {', '.join(known)} (files of models/life/)")
    return _life_defaults(str(path))


def life_span_of(site: Site, file: Path | str | None = None) -> tuple[int, int]:
    """``(start_year, years)`` of a site's life: ``life:`` with the preset's default years."""
    years = site.life.years if site.life.years is not None else int(life_defaults(site, file)["life"]["years"])
    return site.effective_start_year, years


def check_life(site: Site, file: Path | str | None = None) -> None:
    """The project-life fields against each other and the plausible ranges.

    The evaluation year within the life, ``stages`` sorted within the life and starting at the start
    year, load ``by_year`` years and factors, the degradation rates, weather-year names unique and
    their columns naming sources.

    Raises
    ------
    InputError
        Naming the field and the fix.
    """
    file = file if file is not None else site.path
    start, years = life_span_of(site, file)
    last = start + years - 1
    if site.year > last:
        raise InputError(f"the evaluation year {site.year} is after the project's life ({start}-{last}, "
                         f"{years} years)", file=file, field="year",
                         fix=f"evaluate a year from {start} to {last}, or lengthen life.years")
    deg = site.degradation
    for key in ("pv_first_year_pct", "pv_per_year_pct", "wind_per_year_pct", "storage_per_year_pct",
                "storage_end_of_life_pct"):
        value = getattr(deg, key)
        if value is not None:
            check_range(f"degradation_{key}", value, file, f"degradation.{key}", key.replace("_", " "))
    loads = [("load", site.load)] if site.load is not None else []
    if isinstance(site.users, list):
        loads += [(f"users[{i}].load", u.load) for i, u in enumerate(site.users)]
    for field, load in loads:
        if load.growth_pct_per_year is not None:
            check_range("load_growth_pct_per_year", load.growth_pct_per_year, file,
                        f"{field}.growth_pct_per_year", "load growth")
        for y, factor in (load.by_year or {}).items():
            if not start - 50 <= y <= last + 50:
                raise InputError(f"by_year lists the year {y}, far from the project's life ({start}-{last})",
                                 file=file, field=f"{field}.by_year", fix="give calendar years, e.g. 2026: 0.6")
            check_range("load_factor_by_year", factor, file, f"{field}.by_year.{y}", f"load factor of {y}")
    if site.stages is not None:
        st = list(site.stages)
        if not st or st != sorted(set(st)):
            raise InputError(f"stages {st} are not distinct years in increasing order", file=file, field="stages",
                             fix=f"list the years once each, sorted, e.g. [{start}, {start + 3}]")
        if st[0] != start:
            raise InputError(f"the first stage is {st[0]}, not the start year {start}", file=file, field="stages",
                             fix=f"start the list with {start} (the initial build)")
        if st[-1] > last:
            raise InputError(f"stage {st[-1]} is after the project's life ({start}-{last})", file=file,
                             field="stages", fix=f"give years from {start} to {last}")
    wy = site.weather_years
    if isinstance(wy, list):
        if not wy:
            raise InputError("weather_years is an empty list", file=file, field="weather_years",
                             fix="list at least one {name, file}, or remove the key")
        names = [w.name for w in wy]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise InputError(f"weather-year names must be unique; repeated: {', '.join(dup)}", file=file,
                             field="weather_years", fix="give each weather year its own name")
        sources = [s.name for s in site.sources]
        for i, w in enumerate(wy):
            unknown = sorted(set(w.columns) - set(sources))
            if unknown:
                close = difflib.get_close_matches(unknown[0], sources, n=1)
                raise InputError(f"weather year '{w.name}' names no source '{unknown[0]}'", file=file,
                                 field=f"weather_years[{i}].columns",
                                 fix=(f"did you mean '{close[0]}'? " if close else "")
                                 + f"sources are: {', '.join(sources)}")


def check_day_weights(weights: Any, file: Path | str | None, field: str,
                      lines: list[int] | None = None) -> None:
    """Each representative day's weight and their sum within the plausible ranges [days].

    Parameters
    ----------
    weights : sequence of float
        Days of the year each representative day stands for.
    file, field : str
        Named in the message.
    lines : list of int, optional
        The CSV line of each weight (for weights read from a file).
    """
    values = [float(w) for w in weights]
    for k, w in enumerate(values):
        where = f"CSV line {lines[k]}" if lines is not None else f"item {k + 1}"
        if not math.isfinite(w):
            raise InputError(f"day weight {w} ({where}) is not a finite number", file=file, field=field,
                             fix="give the days of the year each representative day stands for")
        check_range("day_weight_days", w, file, field, f"day weight ({where})")
    check_range("day_weights_sum_days", math.fsum(values), file, field, "sum of the day weights")


def read_site(path: str | Path) -> Site:
    """Read and validate a site file.

    Parameters
    ----------
    path : str or Path
        A ``site.yaml`` file.

    Returns
    -------
    Site

    Raises
    ------
    InputError
        When the file is missing, is not YAML, or does not match the schema.

    Examples
    --------
    From the repository root:

    >>> from gdc.site.read import read_site
    >>> site = read_site("sample_sites/shandong-export-battery/site.yaml")
    >>> site.jurisdiction, site.year
    ('shandong', 2026)
    >>> [(s.name, s.type, s.capacity_mw) for s in site.sources]   # [MW]
    [('PV Dongying', 'pv', 80.0), ('Wind Kenli', 'wind', 60.0)]
    >>> site.storage.energy_mwh / site.storage.power_mw   # 40 MWh / 20 MW: duration [h]
    2.0
    >>> site.storage.charge_efficiency   # not in the file: the schema's default
    0.93
    >>> read_site("no/such/site.yaml")
    Traceback (most recent call last):
        ...
    gdc.site.errors.InputError: no/such/site.yaml: file not found
      fix: check the path to the site file
    """
    path = Path(path)
    return parse_site(read_yaml(path), path)


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A SafeLoader that refuses a key given twice in one mapping (YAML would keep the last).

    Built on libyaml's parser where PyYAML has it (about 7x faster on a rule file), else on the
    pure-Python one; the constructor and resolver are PyYAML's safe ones either way.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                continue  # the base class reports unhashable keys
            line = key_node.start_mark.line + 1
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (first at line {seen[key]}, again at line {line})",
                    key_node.start_mark)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


# YAML 1.1 (PyYAML) reads 1e3 and 1.0e400 as text; YAML 1.2 and every user reads them as numbers
_UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text as gdc reads every YAML file: safe, no duplicate keys, ``1e3`` a number.

    Raises
    ------
    yaml.YAMLError
        On bad YAML or a duplicate key (the caller names the file).
    """
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; a missing, binary or bad file is an :class:`InputError` with the line.

    A key given twice in one mapping is an error (plain YAML silently keeps the last value).
    """
    path = Path(path)
    if path.is_dir():
        raise InputError("is a directory, not a file", file=path,
                         fix="name the YAML file itself (e.g. .../site.yaml)")
    if not path.is_file():
        raise InputError("file not found", file=path, fix="check the path to the site file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte {exc.start} on line {line}): a binary file or another encoding",
                         file=path, fix="save the file as UTF-8 text (a YAML site file, not a spreadsheet or "
                                        "a GBK-encoded file)") from exc
    if "\x00" in text:
        raise InputError("a binary file, not YAML text", file=path, fix="give the YAML site file")
    try:
        return load_yaml_text(text)
    except yaml.YAMLError as exc:
        raise yaml_input_error(exc, path) from exc


def yaml_input_error(exc: yaml.YAMLError, path: Path, what: str = "") -> InputError:
    """The :class:`InputError` for bad YAML in a file: the line and column, and the fix.

    Parameters
    ----------
    exc : yaml.YAMLError
        From :func:`load_yaml_text` (bad syntax, or a key given twice).
    path : Path
        The file.
    what : str
        What the file is, for the message (e.g. ``"rule file "``; default: nothing).
    """
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or exc
    fix = ("remove one of the two (YAML would silently keep the last)" if "duplicate key" in str(problem)
           else "check indentation and colons near that line")
    return InputError(f"{what}not valid YAML{where}: {problem}", file=path, fix=fix)


def with_year(site: Site, year: int) -> Site:
    """The same site evaluated in another year (the start year stays).

    Parameters
    ----------
    site : Site
    year : int
        The evaluation year, within the schema's ``year`` bounds.

    Returns
    -------
    Site
        Validated again; ``start_year`` is the original site's (its ``year`` when unset).
    """
    data = site.model_dump(by_alias=True, exclude_unset=True)
    data["year"] = year
    if site.start_year is None:
        data["start_year"] = site.effective_start_year
    new = parse_site(data, site.path)
    return new


def site_json_schema() -> dict[str, Any]:
    """The JSON Schema of the site file, for editors' autocompletion."""
    schema = Site.model_json_schema(by_alias=True)
    schema["$id"] = SCHEMA_ID
    schema["title"] = "gdc site file"
    return schema


def write_json_schema(path: str | Path) -> None:
    """Write :func:`site_json_schema` to a file."""
    Path(path).write_text(json.dumps(site_json_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
