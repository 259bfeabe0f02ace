"""Rule sets as data: reading the versioned rule files under ``models/rules/``.

A rule file encodes one jurisdiction's document(s) at one version. A province's file
``extends`` the national one: a rule with the same id replaces the national rule
field by field, new ids are added, and ``kind: "off"`` switches a rule off. The
checker (:mod:`gdc.verdicts`) evaluates the rules; the optimiser turns the same
rules into constraints. Thresholds live only here.

Threshold forms (``threshold:`` in a rule file):

=============================================================  =====================================
``60``                                                          a constant
``{steps: {2025: 30, 2030: 35}}``                               latest step at or before the year
``{ramp: {base: 30, per_year: 1.5}, floor: {2029: 35}}``        base + per_year x (year - start year),
                                                                at least the latest floor
``{site: connection.capacity_mw}``                              a site attribute
``{lookup: connection.voltage_kv, table: [{up_to: 35, value: 20}, ...]}``  by a site attribute
``{grid_utilisation: {wind: 96.4, pv: 96.3, year: 2024}}``      provincial public-grid rate, weighted
                                                                by the project's wind/PV generation
=============================================================  =====================================
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from gdc.errors import InputError

KINDS = ("hard", "review", "param", "checklist", "off")
OPS = (">=", "<=", "<", ">", "==")

#: Provinces with no rule file of their own: gdc falls back to the national rules and says so
#: (rules.md §7: Yunnan and Hebei name eligible industries only; the rest were not found).
NATIONAL_FALLBACK = {
    "beijing", "tianjin", "hebei", "shanxi", "liaoning", "jilin", "heilongjiang", "shanghai",
    "jiangsu", "zhejiang", "anhui", "fujian", "jiangxi", "henan", "hubei", "guangdong",
    "guangxi", "hainan", "chongqing", "sichuan", "guizhou", "yunnan", "tibet", "shaanxi",
    "gansu", "qinghai", "xinjiang", "inner-mongolia",
}

#: Chinese names accepted for the jurisdiction field.
CHINESE_NAMES = {
    "国家": "national", "全国": "national", "山东": "shandong", "宁夏": "ningxia", "湖南": "hunan",
    "内蒙古": "inner-mongolia-draft", "江苏": "jiangsu", "浙江": "zhejiang", "广东": "guangdong",
    "河北": "hebei", "河南": "henan", "云南": "yunnan", "甘肃": "gansu", "青海": "qinghai",
    "新疆": "xinjiang", "四川": "sichuan", "陕西": "shaanxi", "山西": "shanxi", "湖北": "hubei",
}

_RULE_KEYS = {
    "id", "name_zh", "name_en", "kind", "metric", "op", "threshold", "review_if", "applies_if",
    "review_if_unknown", "source", "confidence", "reading", "reading_zh", "also",
}


def models_dir() -> Path:
    """Folder of gdc's data models (``models/`` in a checkout, ``gdc/models`` when installed)."""
    from gdc.datafiles import models_path

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
        The quantity tested (see :mod:`gdc.indicators`); None for checklist items.
    op : str
        Comparison that passes: ``value op threshold``.
    threshold : Any
        Threshold specification (see module docstring).
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
        """The rule set with a site's overrides applied (threshold, kind)."""
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
            threshold = getattr(ov, "threshold", None)
            kind = getattr(ov, "kind", None)
            note = getattr(ov, "note", None)
            changes: dict[str, Any] = {}
            said = []
            if threshold is not None:
                changes["threshold"] = threshold
                said.append(f"threshold {threshold}")
            if kind is not None:
                changes["kind"] = kind
                said.append(f"kind {kind}")
            if said:
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
    """Evaluate a threshold specification (see module docstring) in a context."""
    if spec is None or isinstance(spec, bool | int | float):
        return spec
    if not isinstance(spec, Mapping):
        raise ValueError(f"bad threshold {spec!r}")
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
    raise ValueError(f"unknown threshold form {dict(spec)!r}")


def threshold_schedule(rule: Rule, start_year: int, years: range, site_attr: Callable[[str], Any]) -> dict[int, Any]:
    """The threshold by year, for reports of year-dependent rules."""
    return {y: rule.threshold_at(ThresholdContext(y, start_year, site_attr)) for y in years}


# ----------------------------------------------------------------------------- reading files


def available_rule_sets() -> dict[str, list[str]]:
    """Jurisdictions and their versions, oldest first."""
    root = models_dir() / "rules"
    out: dict[str, list[str]] = {}
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        versions = sorted(f.stem for f in d.glob("*.yaml"))
        if versions:
            out[d.name] = versions
    return out


def normalise_jurisdiction(name: str, file: Path | str | None = None) -> tuple[str, str | None]:
    """Map a user's jurisdiction name to a rule-set folder; returns ``(name, note)``.

    Raises
    ------
    InputError
        For a name that is neither a rule set nor a Chinese province.
    """
    key = CHINESE_NAMES.get(name.strip(), name.strip().lower().replace(" ", "-").replace("_", "-"))
    known = available_rule_sets()
    if key in known:
        return key, None
    if key in NATIONAL_FALLBACK:
        return "national", (
            f"no provincial rule set for '{key}' (none found, rules.md §7): the national rules apply"
        )
    choices = sorted(known) + sorted(NATIONAL_FALLBACK)
    close = difflib.get_close_matches(key, choices, n=1)
    raise InputError(
        f"unknown jurisdiction '{name}'", file=file, field="jurisdiction",
        fix=(f"did you mean '{close[0]}'? " if close else "")
        + f"rule sets: {', '.join(sorted(known))}; other provinces fall back to national",
    )


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"rule file is not valid YAML: {exc}", file=path) from exc
    if not isinstance(data, dict) or "rules" not in data:
        raise InputError("a rule file must be a mapping with a 'rules' list", file=path, field="rules")
    return data


def _check_rule(raw: Mapping[str, Any], path: Path, where: str) -> None:
    from gdc.indicators import INDICATORS

    extra = set(raw) - _RULE_KEYS
    if extra:
        raise InputError(f"unknown key(s) {sorted(extra)}", file=path, field=where,
                         fix=f"known keys: {', '.join(sorted(_RULE_KEYS))}")
    kind = raw.get("kind")
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown kind '{kind}'", file=path, field=f"{where}.kind", fix=f"one of {KINDS}")
    op = raw.get("op")
    if op is not None and op not in OPS:
        raise InputError(f"unknown operator '{op}'", file=path, field=f"{where}.op", fix=f"one of {OPS}")
    metric = raw.get("metric")
    if metric is not None and metric not in INDICATORS:
        close = difflib.get_close_matches(metric, list(INDICATORS), n=1)
        raise InputError(f"unknown metric '{metric}'", file=path, field=f"{where}.metric",
                         fix=(f"did you mean '{close[0]}'? " if close else "") + "see gdc/indicators.py")


def _build(raw: Mapping[str, Any], documents: Mapping[str, Any], path: Path) -> Rule:
    src = raw.get("source") or {}
    doc = documents.get(src.get("doc", ""), {})
    if src and not doc:
        raise InputError(f"rule '{raw['id']}' cites unknown document '{src.get('doc')}'", file=path,
                         field=f"rules.{raw['id']}.source.doc", fix="add it under 'documents'")
    kind = raw.get("kind", "hard")
    if kind != "checklist" and kind != "off" and (raw.get("metric") is None or raw.get("op") is None):
        raise InputError(f"rule '{raw['id']}' of kind {kind} needs 'metric' and 'op'", file=path,
                         field=f"rules.{raw['id']}")
    return Rule(
        id=raw["id"],
        name_zh=raw.get("name_zh", raw["id"]),
        name_en=raw.get("name_en", raw["id"]),
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


def _load_raw(key: str, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any], tuple[str, ...]]:
    """Merged (header, raw rules, documents, chain) of a rule file and what it extends."""
    if key in seen:
        raise InputError(f"rule files extend each other in a loop: {' -> '.join((*seen, key))}")
    path = models_dir() / "rules" / f"{key}.yaml"
    if not path.is_file():
        raise InputError(f"no rule file {key}", file=path, field="extends",
                         fix=f"available: {available_rule_sets()}")
    data = _read_yaml(path)
    documents: dict[str, Any] = {}
    rules: list[dict[str, Any]] = []
    defaults: dict[str, Any] = {}
    definitions: dict[str, Any] = {}
    chain: tuple[str, ...] = ()
    if data.get("extends"):
        base, rules, documents, chain = _load_raw(data["extends"], (*seen, key))
        defaults = dict(base.get("defaults") or {})
        definitions = dict(base.get("definitions") or {})
    documents = {**documents, **(data.get("documents") or {})}
    by_id = {r["id"]: i for i, r in enumerate(rules)}
    for j, raw in enumerate(data["rules"]):
        if not isinstance(raw, dict) or "id" not in raw:
            raise InputError("every rule needs an 'id'", file=path, field=f"rules[{j}]")
        _check_rule(raw, path, f"rules[{j}] ({raw['id']})")
        if raw["id"] in by_id:
            merged = {**rules[by_id[raw["id"]]], **raw}
            rules[by_id[raw["id"]]] = merged
        else:
            by_id[raw["id"]] = len(rules)
            rules.append(dict(raw))
    header = dict(data)
    header["defaults"] = {**defaults, **(data.get("defaults") or {})}
    header["definitions"] = {**definitions, **(data.get("definitions") or {})}
    return header, rules, documents, (*chain, key)


@lru_cache(maxsize=64)
def load_rule_set(jurisdiction: str, version: str | None = None) -> RuleSet:
    """Read a jurisdiction's rule set, merged with the files it extends.

    Parameters
    ----------
    jurisdiction : str
        A rule-set folder name (``national``, ``shandong``, ...), or a province that falls
        back to the national rules, or ``"shandong/2025-10"`` to pin a version.
    version : str, optional
        Version (file stem); default the latest.
    """
    if "/" in jurisdiction and version is None:
        jurisdiction, version = jurisdiction.split("/", 1)
    name, note = normalise_jurisdiction(jurisdiction)
    versions = available_rule_sets()[name]
    if version is None:
        version = versions[-1]
    elif version not in versions:
        raise InputError(f"no version '{version}' of the {name} rules", field="rule_set",
                         fix=f"available versions: {', '.join(versions)}")
    header, raws, documents, chain = _load_raw(f"{name}/{version}")
    path = models_dir() / "rules" / f"{name}/{version}.yaml"
    rules = tuple(_build(r, documents, path) for r in raws)
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
