"""The candidates of a batch: a directory of site files, or a CSV of overrides on base sites.

A *directory* gives one candidate per site file below it: every ``*.yaml`` / ``*.yml``
(hidden folders skipped). A file named ``site.yaml`` takes its folder's name as id
(``shandong-export-battery``); any other file its path without the suffix.

A *CSV* (one row per candidate, e.g. saved from Excel) has the columns

``id``
    the candidate's id (optional; default ``row<N>``, N counting data rows from 1). Ids are
    unique: the results table and ``--resume`` key on them.
``base``
    a site file (or a folder holding ``site.yaml``), relative to the CSV.
anything else
    an override, named by its dotted path in the site file: ``jurisdiction``, ``year``,
    ``sources[0].capacity_mw``, ``sources[1].distance_km``, ``connection.voltage_kv``,
    ``storage.energy_mwh``, ``load.file``, ``sources[0].profile.file``,
    ``overrides.load_share.threshold``. An empty cell keeps the base site's value.
    Columns whose name starts with ``#`` or ``_`` are notes and are ignored.

A cell is read as YAML (``80``, ``true``, ``[8, 9, 10]``, ``{min: 0, max: 200}``, ``null``)
except where the field is text only (names, files, columns, counties), which keep the text
as written (``007`` stays ``007``; ``null`` still clears an optional field). Overrides are applied to the base file's YAML mapping *before* validation, and
the site is validated with the base file's path, so relative profile paths still resolve
against the base file's folder.

Unknown columns: a column that cannot name a field of *any* site (a typo such as
``sources[0].capacity_MW`` or ``conection.voltage_kv``) stops the batch before it starts,
with a suggestion: it would otherwise turn every row into an error after the whole batch
has run. A column that names a valid field which a particular base site cannot take
(``sources[2].capacity_mw`` on a site with two sources, ``.max`` on a fixed capacity) is
an error of that candidate only, naming the column.
"""

from __future__ import annotations

import copy
import csv
import datetime as _dt
import difflib
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdc.site.errors import InputError

#: Columns that are not overrides.
RESERVED = ("id", "base")

_PART = re.compile(r"^([A-Za-z0-9_\-]+)((?:\[\d+\])*)$")
_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Candidate:
    """One candidate of a batch: small and picklable (it travels to the workers).

    Attributes
    ----------
    index : int
        Position in the input (the order of the results table).
    id : str
        Unique id.
    base : str or None
        Absolute path of the site file.
    overrides : tuple of (column, value)
        Dotted-path overrides applied to the base file's mapping, in column order.
    origin : str
        Where the candidate was defined (for messages), e.g. ``cands.csv line 4``.
    csv_file : str or None
        The CSV the overrides come from.
    error : str or None
        A problem found while reading the list (e.g. an empty ``base`` cell).
    """

    index: int
    id: str
    base: str | None
    overrides: tuple[tuple[str, Any], ...] = ()
    origin: str = ""
    csv_file: str | None = None
    error: str | None = None


# ----------------------------------------------------------------------------- override paths


def parse_path(column: str) -> list[str | int]:
    """``sources[0].profile.file`` -> ``['sources', 0, 'profile', 'file']``.

    Raises
    ------
    ValueError
        When the column is not a dotted path.
    """
    tokens: list[str | int] = []
    for part in column.strip().split("."):
        m = _PART.match(part)
        if not m:
            raise ValueError(f"'{part}' is not a key or key[index]")
        tokens.append(m.group(1))
        tokens.extend(int(i) for i in _INDEX.findall(m.group(2)))
    return tokens


def _expand(tp: Any) -> list[Any]:
    """The alternatives of an annotation: models, ('list', X), ('dict', V) and plain types."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _expand(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [x for a in typing.get_args(tp) for x in _expand(a)]
    if origin is typing.Literal:
        return sorted({type(v) for v in typing.get_args(tp)}, key=lambda t: t.__name__)
    if origin is list:
        return [("list", typing.get_args(tp)[0])]
    if origin is dict:
        return [("dict", typing.get_args(tp)[1])]
    return [tp]


def _is_model(tp: Any) -> bool:
    from pydantic import BaseModel

    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _keys(model: Any) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _field(model: Any, key: str) -> Any:
    for name, f in model.model_fields.items():
        if key in (name, f.alias):
            return f
    return None


def _render(tokens: list[str | int]) -> str:
    out = ""
    for t in tokens:
        out += f"[{t}]" if isinstance(t, int) else ("." if out else "") + t
    return out


def leaf_types(column: str) -> list[Any]:
    """The types a dotted path can hold in a site file.

    Raises
    ------
    ValueError
        With a suggestion, when the path cannot name a field of any site.
    """
    from gdc.site.schema import Site

    tokens = parse_path(column)
    current: list[Any] = [Site]
    for i, tok in enumerate(tokens):
        nxt: list[Any] = []
        if isinstance(tok, int):
            for t in current:
                if isinstance(t, tuple) and t[0] == "list":
                    nxt.extend(_expand(t[1]))
            if not nxt:
                raise ValueError(f"'{_render(tokens[:i])}' is not a list: drop '[{tok}]'")
        else:
            models = [t for t in current if _is_model(t)]
            for t in current:
                if isinstance(t, tuple) and t[0] == "dict":
                    nxt.extend(_expand(t[1]))
            for m in models:
                f = _field(m, tok)
                if f is not None:
                    nxt.extend(_expand(f.annotation))
            if not nxt:
                known = sorted({k for m in models for k in _keys(m)})
                if not known:
                    lists = any(isinstance(t, tuple) and t[0] == "list" for t in current)
                    hint = " (a list: give an index, e.g. [0])" if lists else ""
                    raise ValueError(f"'{_render(tokens[:i])}' has no keys{hint}")
                close = difflib.get_close_matches(tok, known, n=1, cutoff=0.5)
                if close:
                    fixed = _render([*tokens[:i], close[0], *tokens[i + 1:]])
                    raise ValueError(f"no key '{tok}' there: did you mean '{fixed}'?")
                raise ValueError(f"no key '{tok}' there; keys are: {', '.join(known)}")
        current = nxt
    return current


def convert_cell(raw: str, types_: list[Any]) -> Any:
    """A CSV cell as the value of a field: YAML, except text-only fields keep the text."""
    import yaml

    from gdc.site.schema import load_yaml_text

    if all(t in (str, type(None)) for t in types_):
        return None if raw in ("null", "~") and type(None) in types_ else raw
    try:
        value = load_yaml_text(raw)
    except yaml.YAMLError:
        return raw
    if isinstance(value, bool) and raw.strip().lower() not in ("true", "false"):
        return raw  # YAML 1.1's yes/no/on/off: keep the text, pydantic decides
    if isinstance(value, _dt.date | _dt.datetime):
        return raw
    return value


def apply_overrides(data: dict[str, Any], overrides: tuple[tuple[str, Any], ...] | list[tuple[str, Any]],
                    file: str | Path | None = None) -> dict[str, Any]:
    """Set dotted-path overrides in a site mapping (in place; returns it).

    Missing mappings on the way are created (``storage.power_mw`` on a site without
    storage); list items must exist.

    Raises
    ------
    InputError
        Naming the column, when the base site cannot take the override.
    """
    for column, value in overrides:
        tokens = parse_path(column)
        obj: Any = data
        for i, tok in enumerate(tokens):
            last = i == len(tokens) - 1
            where = _render(tokens[:i]) or "the site"
            if isinstance(tok, int):
                if not isinstance(obj, list):
                    raise InputError(f"cannot apply column '{column}': {where} is not a list in the base site",
                                     file=file, field=column, fix="check the base site file")
                if tok >= len(obj):
                    raise InputError(
                        f"cannot apply column '{column}': the base site's {where} has {len(obj)} item(s)",
                        file=file, field=column, fix=f"indices start at 0; the last is [{len(obj) - 1}]"
                        if obj else "add the item to the base site file")
                if last:
                    obj[tok] = value
                else:
                    obj = obj[tok]
            else:
                if not isinstance(obj, dict):
                    raise InputError(
                        f"cannot apply column '{column}': {where} is {type(obj).__name__} "
                        f"({obj!r}) in the base site, not a mapping", file=file, field=column,
                        fix=f"set '{where}' as a whole (e.g. '{{min: 0, max: 100}}'), or change the base file")
                if last:
                    obj[tok] = value
                else:
                    if obj.get(tok) is None:
                        obj[tok] = [] if isinstance(tokens[i + 1], int) else {}
                    obj = obj[tok]
    return data


# ----------------------------------------------------------------------------- reading the list


def read_candidates(path: str | Path) -> list[Candidate]:
    """The candidates of a directory of site files, a CSV of overrides, or one site file.

    Raises
    ------
    InputError
        When the list itself is unusable (missing, empty, no ``base`` column, duplicate
        ids, a column that names no site field): nothing has run yet.
    """
    path = Path(path)
    if path.is_dir():
        return _from_directory(path)
    if not path.exists():
        raise InputError("not found", file=path,
                         fix="give a folder of site files or a CSV of candidates (columns id, base, ...)")
    if path.suffix.lower() in (".yaml", ".yml"):
        return [Candidate(0, path.stem if path.name not in ("site.yaml", "site.yml") else path.resolve().parent.name,
                          str(path.resolve()), origin=str(path))]
    if path.suffix.lower() == ".csv":
        return _from_csv(path)
    raise InputError(f"cannot screen a '{path.suffix}' file", file=path,
                     fix="give a folder of site files, a CSV of candidates or a site .yaml")


def _from_directory(root: Path) -> list[Candidate]:
    files = sorted(p for ext in ("*.yaml", "*.yml") for p in root.rglob(ext)
                   if not any(part.startswith(".") or part == "__pycache__"
                              for part in p.relative_to(root).parts))
    if not files:
        raise InputError("no site files (*.yaml) in this folder", file=root,
                         fix="give a folder holding site.yaml files, or a CSV of candidates")
    out = []
    for i, f in enumerate(files):
        rel = f.relative_to(root)
        if f.name in ("site.yaml", "site.yml"):
            cid = rel.parent.as_posix() if rel.parent != Path(".") else root.resolve().name
        else:
            cid = rel.with_suffix("").as_posix()
        out.append(Candidate(i, cid, str(f.resolve()), origin=str(f)))
    _check_unique([c.id for c in out], root)
    return out


def _check_unique(ids: list[str], file: Path) -> None:
    from collections import Counter

    dup = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dup:
        raise InputError(f"duplicate candidate id(s): {', '.join(dup[:5])}" + (" ..." if len(dup) > 5 else ""),
                         file=file, field="id", fix="give every candidate its own id (results and --resume key on it)")


def _from_csv(path: Path) -> list[Candidate]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read as UTF-8 text: {exc}", file=path,
                         fix="save the sheet as 'CSV UTF-8 (comma delimited)'") from exc
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        raise InputError("the CSV is empty", file=path, fix="one header row, then one row per candidate")
    reader = csv.reader([line + "\n" for _, line in numbered], skipinitialspace=True)
    rows, line_nos, start = [], [], 0
    for row in reader:  # a quoted cell may span lines: number each row by its first line
        rows.append(row)
        line_nos.append(numbered[start][0])
        start = reader.line_num
    header = [h.strip() for h in rows[0]]
    if "base" not in header:
        close = difflib.get_close_matches("base", header, n=1)
        raise InputError("no 'base' column", file=path, field="base",
                         fix=(f"rename '{close[0]}' to 'base'; " if close else "")
                         + "'base' names each candidate's site file, relative to the CSV")
    dup_cols = sorted({h for h in header if h and header.count(h) > 1})
    if dup_cols:
        raise InputError(f"repeated column(s): {', '.join(dup_cols)}", file=path,
                         fix="name each column once")
    # which columns are overrides, and of what type
    columns: list[tuple[int, str, list[Any]]] = []
    for j, h in enumerate(header):
        if h in RESERVED or h.startswith(("#", "_")):
            continue
        if not h:
            if any(j < len(r) and r[j].strip() for r in rows[1:]):
                raise InputError(f"column {j + 1} has values but no name", file=path,
                                 fix="name it by the site field it overrides, or delete it")
            continue
        try:
            columns.append((j, h, leaf_types(h)))
        except ValueError as exc:
            raise InputError(f"column '{h}' does not name a site field: {exc}", file=path, field=h,
                             fix="name override columns by their dotted path in site.yaml, e.g. "
                                 "'sources[0].capacity_mw' (see the site-file reference in README.md)") from exc
    i_id, i_base = (header.index("id") if "id" in header else None), header.index("base")
    out: list[Candidate] = []
    for k, (line_no, row) in enumerate(zip(line_nos[1:], rows[1:], strict=True)):
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            raise InputError(f"line {line_no} has {len(row)} cells for {len(header)} columns", file=path,
                             fix="quote cells that contain commas")
        if not any(cells):
            continue
        cid = (cells[i_id] if i_id is not None else "") or f"row{k + 1}"
        origin = f"{path.name} line {line_no}"
        base_cell = cells[i_base]
        error = None
        base = None
        if not base_cell:
            error = one_line(InputError(f"line {line_no}: empty 'base' cell", file=path, field="base",
                                        fix="name the candidate's site file, relative to the CSV"))
        else:
            b = Path(base_cell).expanduser()
            b = b if b.is_absolute() else path.parent / b
            if b.is_dir():
                b = b / "site.yaml"
            base = str(b.resolve())
        overrides = tuple((h, convert_cell(cells[j], tps)) for j, h, tps in columns if cells[j] != "")
        out.append(Candidate(len(out), cid, base, overrides, origin, str(path.resolve()), error))
    if not out:
        raise InputError("the CSV has a header but no candidates", file=path, fix="add one row per candidate")
    _check_unique([c.id for c in out], path)
    return out


# ----------------------------------------------------------------------------- loading a candidate

_BASE_CACHE: dict[tuple[str, int], Any] = {}


def _base_mapping(path: Path) -> Any:
    """The parsed YAML of a base site file, cached by path and modification time (a deep copy)."""
    from gdc.site.schema import read_yaml

    if not path.is_file():
        raise InputError("file not found", file=path, fix="check the path to the site file")
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _BASE_CACHE:
        data = read_yaml(path)
        if len(_BASE_CACHE) > 256:
            _BASE_CACHE.clear()
        _BASE_CACHE[key] = data
    return copy.deepcopy(_BASE_CACHE[key])


def load_site(cand: Candidate) -> Any:
    """The validated :class:`~gdc.site.schema.Site` of a candidate (overrides applied).

    Raises
    ------
    InputError
        Any problem of this candidate: its base file, an override, the site schema.
    """
    from gdc.site.schema import parse_site

    if cand.error:
        raise InputError(cand.error)
    assert cand.base is not None
    base = Path(cand.base)
    data = _base_mapping(base)
    if cand.overrides:
        if not isinstance(data, dict):
            raise InputError("the site file must be a YAML mapping of keys to values", file=base)
        apply_overrides(data, cand.overrides, file=cand.csv_file)
    try:
        return parse_site(data, base)
    except InputError as exc:
        # a bad value set by a CSV column: say so (the message names the base file)
        f = exc.field or ""
        cols = [c for c, _ in cand.overrides if f == c or f.startswith((c + ".", c + "[")) or c.startswith(f + ".")]
        if cols and f:
            exc.message += f" (set by column '{cols[0]}' of {Path(cand.csv_file or '').name})"
        raise


def one_line(exc: BaseException) -> str:
    """An error as one line for a table cell (``message — fix: ...``)."""
    return str(exc).replace("\n  fix: ", " — fix: ").replace("\n", " ")
