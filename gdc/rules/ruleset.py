"""Rule sets as data: reading the versioned rule files under ``models/rules/``.

A rule file encodes one jurisdiction's document(s) at one version. A province's file
``extends`` the national one: a rule with the same id replaces the national rule
field by field, new ids are added, and ``kind: "off"`` switches a rule off. The
checker (:mod:`gdc.rules.verdicts`) evaluates the rules; the optimiser turns the same
rules into constraints. Thresholds live only here.

Every rule file is validated when it loads, against the pydantic schema of
:mod:`gdc.rules.schema` (:class:`RuleFile`, exported as ``models/rules.schema.json`` for
editors; its names are importable from here too): a key given twice in one mapping, an
unknown key, a wrong type, a threshold form with a missing part, an unknown metric or site
attribute, a confidence letter other than O/P/R/D, a duplicate rule id or an ``extends`` to a
missing rule set is an :class:`~gdc.site.errors.InputError` naming the file, the rule and the
field, before anything is evaluated. This module keeps the rule and rule-set types, the
thresholds' resolution and the reading and merging of the files.

Threshold forms (``threshold:`` in a rule file):

=============================================================  =====================================
``60``, ``true``                                                a constant (true/false for yes/no
                                                                metrics)
``{steps: {2025: 30, 2030: 35}}``                               latest step at or before the year
                                                                (``null``: no threshold from then)
``{ramp: {base: 30, per_year: 1.5}, floor: {2029: 35}}``        base + per_year x (year - start year),
                                                                at least the latest floor (optional)
``{site: connection.capacity_mw}``                              a site attribute
``{lookup: connection.voltage_kv, table: [{up_to: 35, value: 20}, ...]}``  by a site attribute: the first
                                                                row with ``key <= up_to`` or
                                                                ``key == equals``; none: no threshold
``{grid_utilisation: {wind: 96.4, pv: 96.3, year: 2024}}``      provincial public-grid rate [%], weighted
                                                                by the project's wind/PV generation
=============================================================  =====================================

``review_if: {op, value}`` takes the same forms, or ``value: threshold`` (the rule's own
threshold); ``op`` defaults to ``==``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from gdc.rules.schema import (  # re-exported: the schema was part of this module
    CONFIDENCES,
    FORMS,
    KINDS,
    OPS,
    SCHEMA_ID,
    Constant,
    Defaults,
    Document,
    GridRate,
    GridUtilisation,
    Lookup,
    LookupRow,
    Number,
    Percent,
    Ramp,
    RampSpec,
    ReviewIf,
    ReviewValue,
    RuleEntry,
    RuleFile,
    Scalar,
    SitePath,
    SiteRef,
    SourceRef,
    SpotMarket,
    Steps,
    Threshold,
    Value,
    Year,
    check_semantics,
    override_fields,
    parse_threshold,
    rules_json_schema,
    validate_rule_file,
    write_rules_json_schema,
)
from gdc.site.errors import InputError
from gdc.site.schema import Site

__all__ = [
    "ALIASES", "CHINESE_NAMES", "CONFIDENCES", "FORMS", "KINDS", "NATIONAL_FALLBACK", "OPS", "SCHEMA_ID", "Constant",
    "Defaults", "Document", "GridRate", "GridUtilisation", "Lookup", "LookupRow", "Number", "Percent", "Ramp",
    "RampSpec", "ReviewIf", "ReviewValue", "Rule", "RuleEntry", "RuleFile", "RuleSet", "Scalar", "SitePath",
    "SiteRef", "Source", "SourceRef", "SpotMarket", "Steps", "Threshold", "ThresholdContext", "Value", "Year",
    "available_rule_sets", "load_rule_set", "models_dir", "normalise_jurisdiction", "parse_threshold",
    "resolve_threshold", "rules_json_schema", "threshold_schedule", "write_rules_json_schema",
]

#: Provinces with no rule file of their own: gdc falls back to the national rules and says so
#: (no implementing document of theirs is encoded).
NATIONAL_FALLBACK = {
    "beijing", "tianjin", "shanxi", "liaoning", "jilin", "heilongjiang", "shanghai",
    "jiangsu", "anhui", "fujian", "jiangxi", "henan", "hubei", "guangdong",
    "guangxi", "hainan", "chongqing", "sichuan", "guizhou", "tibet", "shaanxi",
    "gansu", "qinghai", "xinjiang",
}

#: Provinces whose only text is a consultation draft: the province's name selects the draft's
#: rule set (its title says it is a draft).
ALIASES = {"inner-mongolia": "inner-mongolia-draft", "zhejiang": "zhejiang-draft"}

#: Chinese names accepted for the jurisdiction field.
CHINESE_NAMES = {
    "国家": "national", "全国": "national", "山东": "shandong", "宁夏": "ningxia", "湖南": "hunan",
    "内蒙古": "inner-mongolia-draft", "江苏": "jiangsu", "浙江": "zhejiang-draft", "广东": "guangdong",
    "河北": "hebei", "河南": "henan", "云南": "yunnan", "甘肃": "gansu", "青海": "qinghai",
    "新疆": "xinjiang", "四川": "sichuan", "陕西": "shaanxi", "山西": "shanxi", "湖北": "hubei",
}


def models_dir() -> Path:
    """Folder of gdc's data models (``models/`` in a checkout, ``gdc/models`` when installed)."""
    from gdc.site.datafiles import models_path

    return models_path()


@dataclass(frozen=True)
class Source:
    """Where a rule comes from."""

    doc: str
    doc_zh: str
    doc_en: str
    clause: str = ""
    ref: str = ""
    short_zh: str = ""
    short_en: str = ""

    def short(self, lang: str = "en") -> str:
        """Short citation, e.g. '发改能源〔2025〕650号'."""
        return (self.short_zh if lang == "zh" else self.short_en) or self.doc


@dataclass(frozen=True)
class Rule:
    """One rule of a rule set.

    Attributes
    ----------
    id : str
        Stable identifier, shared between a province and the national file it overrides.
    kind : str
        ``hard`` (fail when not met), ``review`` (special assessment when not met),
        ``param`` (provincial value, national default used), ``checklist`` (to confirm),
        ``off``.
    metric : str or None
        The quantity tested (see :mod:`gdc.rules.indicators`); None for checklist items.
    op : str
        Comparison that passes: ``value op threshold``.
    threshold : Any
        Threshold specification (see module docstring), as written in the rule file.
    review_if : dict or None
        ``{op, value}``: when the rule is not met but this holds, the verdict is ``review``.
    applies_if : dict or None
        Site attributes that must match for the rule to apply (else ``n/a``).
    """

    id: str
    name_zh: str
    name_en: str
    kind: str
    source: Source
    confidence: str
    metric: str | None = None
    op: str | None = None
    threshold: Any = None
    review_if: Mapping[str, Any] | None = None
    applies_if: Mapping[str, Any] | None = None
    review_if_unknown: str | None = None
    reading: str | None = None
    reading_zh: str | None = None
    also: str | None = None
    overridden: str | None = None

    def reading_text(self, lang: str = "en") -> str | None:
        """The reading gdc encodes, in the report language (English when no Chinese is given)."""
        return (self.reading_zh or self.reading) if lang == "zh" else self.reading

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def threshold_at(self, ctx: ThresholdContext) -> float | bool | None:
        """The threshold that applies, in the rule's own unit, or None where undefined."""
        return resolve_threshold(self.threshold, ctx)

    def is_year_dependent(self) -> bool:
        return isinstance(self.threshold, Mapping) and bool({"steps", "ramp"} & set(self.threshold))

    def applies(self, site: Site, spot_market: str | None) -> bool | None:
        """Whether the rule applies to a site (its ``applies_if`` conditions).

        Parameters
        ----------
        site : Site
            The project.
        spot_market : str or None
            The spot-market status in force (the site's, else the rule set's default:
            :func:`gdc.rules.verdicts.spot_market_status`); None when unknown.

        Returns
        -------
        bool or None
            True when every condition holds (or there are none), False when one does not,
            None when it depends on a site attribute that is not stated.

        Examples
        --------
        >>> from gdc.rules.ruleset import load_rule_set
        >>> rule = load_rule_set("national").get("no_export_without_spot")
        >>> dict(rule.applies_if)
        {'spot_market': 'not-continuous', 'users': 'single'}
        >>> from gdc.site.read import read_site
        >>> site = read_site("sample_sites/shandong-export-battery/site.yaml")   # one user
        >>> rule.applies(site, "continuous"), rule.applies(site, None)
        (False, None)
        """
        unknown = False
        for key, want in (self.applies_if or {}).items():
            have = spot_market if key == "spot_market" else getattr(site, key)
            if key == "users" and site is not None:
                have = site.user_mode  # a list of users: single (one) or multiple (688号)
            if have is None:
                unknown = True  # a condition known not to hold still makes the rule n/a
            elif have != want:
                return False
        return None if unknown else True


@dataclass(frozen=True)
class RuleSet:
    """A jurisdiction's rules at one version, with the national rules it extends merged in."""

    jurisdiction: str
    version: str
    title_zh: str
    title_en: str
    rules: tuple[Rule, ...]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    definitions: Mapping[str, str] = field(default_factory=dict)
    chain: tuple[str, ...] = ()
    note: str | None = None

    @property
    def key(self) -> str:
        return f"{self.jurisdiction}/{self.version}"

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def active(self) -> tuple[Rule, ...]:
        """Rules that are not switched off."""
        return tuple(r for r in self.rules if r.kind != "off")

    def get(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def with_overrides(self, overrides: Mapping[str, Any], file: Path | str | None = None) -> RuleSet:
        """The rule set with a site's overrides applied (threshold, kind).

        Parameters
        ----------
        overrides : mapping
            Rule id -> override: an object with ``threshold``, ``kind`` and ``note``
            attributes (:class:`gdc.site.schema.RuleOverride`) or a mapping with those keys.
        file : Path, optional
            The site file, named in error messages.

        Raises
        ------
        InputError
            For an unknown rule id, or an override the rule file schema does not allow
            (a threshold form with a missing part, a numeric threshold on a yes/no rule, a
            checklist item made ``hard`` although it has no metric, ...).
        """
        if not overrides:
            return self
        ids = [r.id for r in self.rules]
        rules = list(self.rules)
        for rid, ov in overrides.items():
            if rid not in ids:
                close = difflib.get_close_matches(rid, ids, n=1)
                raise InputError(
                    f"no rule '{rid}' in rule set {self.key}", file=file, field=f"overrides.{rid}",
                    fix=(f"did you mean '{close[0]}'? " if close else "") + "run 'gdc rules' to list the rule ids",
                )
            i = ids.index(rid)
            r = rules[i]
            threshold, kind, note = override_fields(ov, rid, file)
            changes: dict[str, Any] = {}
            said = []
            if threshold is not None:
                changes["threshold"] = threshold
                said.append(f"threshold {threshold}")
            if kind is not None:
                changes["kind"] = kind
                said.append(f"kind {kind}")
            if said:
                new = replace(r, **changes)
                if threshold is not None and (new.kind == "checklist" or new.metric is None):
                    raise InputError(f"rule '{rid}' is a checklist item: it has no threshold to override",
                                     file=file, field=f"overrides.{rid}.threshold",
                                     fix="remove the threshold (a checklist item is confirmed, not computed)")
                check_semantics(new.kind, new.metric, new.op, new.threshold, new.review_if, rid=rid,
                                 file=file, where=f"overrides.{rid}", override=True)
                changes["overridden"] = "site override: " + ", ".join(said) + (f" ({note})" if note else "")
                rules[i] = replace(r, **changes)
        return replace(self, rules=tuple(rules))


@dataclass(frozen=True)
class ThresholdContext:
    """What a threshold may depend on.

    Attributes
    ----------
    year, start_year : int
        Evaluation year and project start year.
    site_attr : callable
        ``site_attr("connection.voltage_kv")`` returns a site attribute.
    available_wind_mwh, available_pv_mwh : float
        The project's annual available generation by technology [MWh] (weights for
        ``grid_utilisation``).
    """

    year: int
    start_year: int
    site_attr: Callable[[str], Any]
    available_wind_mwh: float = 0.0
    available_pv_mwh: float = 0.0


def _latest(table: Mapping[Any, Any], year: int) -> float | None:
    best = None
    for y, v in sorted(((int(k), v) for k, v in table.items())):
        if y <= year:
            best = v
    return best


def resolve_threshold(spec: Any, ctx: ThresholdContext) -> float | bool | None:
    """Evaluate a threshold specification (see module docstring) in a context.

    ``spec`` is taken as validated (rule files are, when they load: :func:`load_rule_set`);
    a malformed one raises ValueError.
    """
    if spec is None or isinstance(spec, bool | int | float):
        return spec
    if not isinstance(spec, Mapping):
        raise ValueError(f"bad threshold {spec!r}")
    try:
        if "steps" in spec:
            return _latest(spec["steps"], ctx.year)
        if "ramp" in spec:
            ramp = spec["ramp"]
            value = ramp["base"] + ramp["per_year"] * max(0, ctx.year - ctx.start_year)
            floor = _latest(spec.get("floor", {}), ctx.year)
            return max(value, floor) if floor is not None else value
        if "site" in spec:
            return ctx.site_attr(spec["site"])
        if "lookup" in spec:
            key = ctx.site_attr(spec["lookup"])
            for row in spec["table"]:
                if "equals" in row and key == row["equals"]:
                    return row["value"]
                if "up_to" in row and key is not None and key <= row["up_to"]:
                    return row["value"]
            return None
        if "grid_utilisation" in spec:
            g = spec["grid_utilisation"]
            total = ctx.available_wind_mwh + ctx.available_pv_mwh
            if total <= 0:
                return max(g["wind"], g["pv"])
            return (g["wind"] * ctx.available_wind_mwh + g["pv"] * ctx.available_pv_mwh) / total
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed threshold {dict(spec)!r} ({exc!r}): validate it with parse_threshold") from exc
    raise ValueError(f"unknown threshold form {dict(spec)!r}")


def threshold_schedule(rule: Rule, start_year: int, years: range, site_attr: Callable[[str], Any]) -> dict[int, Any]:
    """The threshold by year, for reports of year-dependent rules."""
    return {y: rule.threshold_at(ThresholdContext(y, start_year, site_attr)) for y in years}



# ----------------------------------------------------------------------------- reading files


def _rules_root(root: Path | str | None) -> Path:
    return Path(root) if root is not None else models_dir() / "rules"


def available_rule_sets(root: Path | str | None = None) -> dict[str, list[str]]:
    """Jurisdictions and their versions, oldest first.

    Parameters
    ----------
    root : Path, optional
        Folder of rule-set folders; default the shipped ``models/rules``.
    """
    base = _rules_root(root)
    out: dict[str, list[str]] = {}
    for d in sorted(p for p in base.iterdir() if p.is_dir()):
        versions = sorted(f.stem for f in d.glob("*.yaml"))
        if versions:
            out[d.name] = versions
    return out


def normalise_jurisdiction(name: str, file: Path | str | None = None,
                           root: Path | str | None = None) -> tuple[str, str | None]:
    """Map a user's jurisdiction name to a rule-set folder; returns ``(name, note)``.

    Raises
    ------
    InputError
        For a name that is neither a rule set nor a Chinese province.
    """
    key = CHINESE_NAMES.get(name.strip(), name.strip().lower().replace(" ", "-").replace("_", "-"))
    key = ALIASES.get(key, key)
    known = available_rule_sets(root)
    if key in known:
        return key, None
    if key in NATIONAL_FALLBACK:
        return "national", (
            f"gdc has no provincial rule set for '{key}' (no provincial thresholds encoded): the national rules apply"
        )
    choices = sorted(known) + sorted(NATIONAL_FALLBACK)
    close = difflib.get_close_matches(key, choices, n=1)
    raise InputError(
        f"unknown jurisdiction '{name}'", file=file, field="jurisdiction",
        fix=(f"did you mean '{close[0]}'? " if close else "")
        + f"rule sets: {', '.join(sorted(known))}; other provinces fall back to national",
    )


def _read_rule_file(path: Path) -> dict[str, Any]:
    """A rule file's YAML, validated against :class:`RuleFile` (cached while the file is unchanged)."""
    st = path.stat()
    return _read_rule_file_cached(path.resolve(), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=128)
def _read_rule_file_cached(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    """The file's YAML read as site files are (:func:`gdc.site.read.load_yaml_text`: a key given
    twice in one mapping is an error, not the last value silently kept), then validated."""
    import yaml

    from gdc.site.read import load_yaml_text, yaml_input_error

    try:
        data = load_yaml_text(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"rule file is not UTF-8 text (byte {exc.start})", file=path,
                         fix="save the rule file as UTF-8 text") from exc
    except yaml.YAMLError as exc:
        raise yaml_input_error(exc, path, "rule file is ") from exc
    validate_rule_file(data, path)
    if data["jurisdiction"] != path.parent.name:
        raise InputError(f"the file is in folder '{path.parent.name}' but says jurisdiction '{data['jurisdiction']}'",
                         file=path, field="jurisdiction", fix=f"write jurisdiction: {path.parent.name}")
    if data["version"] != path.stem:
        raise InputError(f"the file is named '{path.stem}' but says version '{data['version']}'",
                         file=path, field="version", fix=f"write version: \"{path.stem}\" (or rename the file)")
    seen: dict[str, int] = {}
    for j, raw in enumerate(data["rules"]):
        if raw["id"] in seen:
            raise InputError(f"rule '{raw['id']}' appears twice in this file (rules[{seen[raw['id']]}] and rules[{j}])",
                             file=path, field=f"rules.{raw['id']}.id",
                             fix="merge the two entries into one, or give one of them another id")
        seen[raw["id"]] = j
    return data


def _build(raw: Mapping[str, Any], documents: Mapping[str, Any], path: Path) -> Rule:
    rid = raw["id"]
    kind = raw.get("kind", "hard")
    src = raw.get("source") or {}
    doc = documents.get(src.get("doc", ""), {})
    if src and not doc:
        close = difflib.get_close_matches(src.get("doc", ""), list(documents), n=1)
        raise InputError(f"rule '{rid}' cites unknown document '{src.get('doc')}'", file=path,
                         field=f"rules.{rid}.source.doc",
                         fix=(f"did you mean '{close[0]}'? " if close else "") + "add it under 'documents'")
    if kind != "off":
        for key in ("name_zh", "name_en", "source", "confidence"):
            if raw.get(key) is None:
                raise InputError(f"rule '{rid}' has no '{key}'", file=path, field=f"rules.{rid}.{key}",
                                 fix=f"add '{key}' (every rule in force names itself, cites its source and "
                                 "states its confidence)")
    check_semantics(kind, raw.get("metric"), raw.get("op"), raw.get("threshold"), raw.get("review_if"),
                     rid=rid, file=path, where=f"rules.{rid}")
    return Rule(
        id=rid,
        name_zh=raw.get("name_zh", rid),
        name_en=raw.get("name_en", rid),
        kind=kind,
        metric=raw.get("metric"),
        op=raw.get("op"),
        threshold=raw.get("threshold"),
        review_if=raw.get("review_if"),
        applies_if=raw.get("applies_if"),
        review_if_unknown=raw.get("review_if_unknown"),
        source=Source(
            doc=src.get("doc", ""), doc_zh=doc.get("zh", ""), doc_en=doc.get("en", ""),
            clause=src.get("clause", ""), ref=src.get("ref", ""),
            short_zh=doc.get("short_zh", ""), short_en=doc.get("short_en", ""),
        ),
        confidence=str(raw.get("confidence", "D")),
        reading=raw.get("reading"),
        reading_zh=raw.get("reading_zh"),
        also=raw.get("also"),
    )


def _load_raw(key: str, root: Path, seen: tuple[str, ...] = (), by: Path | None = None
              ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any], tuple[str, ...], dict[str, Path]]:
    """Merged (header, raw rules, documents, chain, file of each rule) of a rule file and what it extends."""
    if key in seen:
        raise InputError(f"rule files extend each other in a loop: {' -> '.join((*seen, key))}",
                         file=by, field="extends", fix="one of them must not extend the other")
    path = root / f"{key}.yaml"
    if not path.is_file():
        sets = [f"{j}/{v}" for j, vs in available_rule_sets(root).items() for v in vs]
        close = difflib.get_close_matches(key, sets, n=1)
        raise InputError(f"no rule set '{key}'", file=by or path, field="extends" if by else None,
                         fix=(f"did you mean '{close[0]}'? " if close else "") + f"rule sets: {', '.join(sets)}")
    data = _read_rule_file(path)
    documents: dict[str, Any] = {}
    rules: list[dict[str, Any]] = []
    defaults: dict[str, Any] = {}
    definitions: dict[str, Any] = {}
    chain: tuple[str, ...] = ()
    files: dict[str, Path] = {}
    if data.get("extends"):
        base, rules, documents, chain, files = _load_raw(data["extends"], root, (*seen, key), path)
        defaults = dict(base.get("defaults") or {})
        definitions = dict(base.get("definitions") or {})
        rules = [dict(r) for r in rules]
        files = dict(files)
    documents = {**documents, **(data.get("documents") or {})}
    by_id = {r["id"]: i for i, r in enumerate(rules)}
    for raw in data["rules"]:
        if raw["id"] in by_id:
            rules[by_id[raw["id"]]] = {**rules[by_id[raw["id"]]], **raw}
        else:
            by_id[raw["id"]] = len(rules)
            rules.append(dict(raw))
        files[raw["id"]] = path
    header = dict(data)
    header["defaults"] = {**defaults, **(data.get("defaults") or {})}
    header["definitions"] = {**definitions, **(data.get("definitions") or {})}
    return header, rules, documents, (*chain, key), files


@lru_cache(maxsize=64)
def load_rule_set(jurisdiction: str, version: str | None = None, root: Path | str | None = None) -> RuleSet:
    """Read a jurisdiction's rule set, merged with the files it extends, and validate it.

    Parameters
    ----------
    jurisdiction : str
        A rule-set folder name (``national``, ``shandong``, ...), or a province that falls
        back to the national rules, or ``"shandong/2025-10"`` to pin a version.
    version : str, optional
        Version (file stem); default the latest.
    root : Path, optional
        Folder of rule-set folders (``<root>/<jurisdiction>/<version>.yaml``); default the
        shipped ``models/rules``.

    Raises
    ------
    InputError
        For an unknown jurisdiction or version, or a rule file that does not match the
        schema (:class:`RuleFile`), naming the file, the rule and the field.

    Examples
    --------
    >>> rs = load_rule_set("ningxia")
    >>> rs.key, rs.chain
    ('ningxia/2025-12', ('national/2026-05', 'ningxia/2025-12'))
    >>> rs.get("load_share").threshold
    {'ramp': {'base': 30, 'per_year': 1.5}, 'floor': {2030: 35}}
    """
    base = _rules_root(root)
    if "/" in jurisdiction and version is None:
        jurisdiction, version = jurisdiction.split("/", 1)
    name, note = normalise_jurisdiction(jurisdiction, root=root)
    versions = available_rule_sets(root)[name]
    if version is None:
        version = versions[-1]
    elif version not in versions:
        raise InputError(f"no version '{version}' of the {name} rules", field="rule_set",
                         fix=f"available versions: {', '.join(versions)}")
    header, raws, documents, chain, files = _load_raw(f"{name}/{version}", base)
    rules = tuple(_build(r, documents, files[r["id"]]) for r in raws)
    return RuleSet(
        jurisdiction=name if note is None else jurisdiction.lower(),
        version=str(header.get("version", version)),
        title_zh=header.get("title_zh", name),
        title_en=header.get("title_en", name),
        rules=rules,
        defaults=header.get("defaults") or {},
        definitions=header.get("definitions") or {},
        chain=chain,
        note=note,
    )
