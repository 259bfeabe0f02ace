"""Rule sets as data: reading the versioned rule files under ``models/rules/``.

A rule file encodes one jurisdiction's document(s) at one version. A province's file
``extends`` the national one: a rule with the same id replaces the national rule
field by field, new ids are added, and ``kind: "off"`` switches a rule off. The
checker (:mod:`gdc.rules.verdicts`) evaluates the rules; the optimiser turns the same
rules into constraints. Thresholds live only here.

Every rule file is validated when it loads, against the pydantic schema below
(:class:`RuleFile`, exported as ``models/rules.schema.json`` for editors): an unknown
key, a wrong type, a threshold form with a missing part, an unknown metric or site
attribute, a confidence letter other than O/P/R/D, a duplicate rule id or an
``extends`` to a missing rule set is an :class:`~gdc.site.errors.InputError` naming the file,
the rule and the field, before anything is evaluated.

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

import datetime as _dt
import difflib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from gdc.site.errors import InputError
from gdc.site.schema import Connection, Site

KINDS = ("hard", "review", "param", "checklist", "off")
OPS = (">=", "<=", "<", ">", "==")
#: Confidence letters: O = official text read; P = partial repost of the text; R = secondary
#: sources; D = gdc's own decision where the text is silent or ambiguous.
CONFIDENCES = ("O", "P", "R", "D")
SCHEMA_ID = "gdc-rules/1"

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
        {'spot_market': 'not-continuous'}
        >>> rule.applies(None, "continuous"), rule.applies(None, None)
        (False, None)
        """
        for key, want in (self.applies_if or {}).items():
            have = spot_market if key == "spot_market" else getattr(site, key)
            if have is None:
                return None
            if have != want:
                return False
        return True


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
            threshold, kind, note = _override_fields(ov, rid, file)
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
                _check_semantics(new.kind, new.metric, new.op, new.threshold, new.review_if, rid=rid,
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


# ----------------------------------------------------------------------------- the rule-file schema
#
# The schema only validates: rules keep the thresholds as written (plain YAML values), which
# resolve_threshold, the optimiser and the reports read. Custom checks raise PydanticCustomError
# with a 'fix' in their context, which _explain turns into the InputError's fix.


def _error(message: str, fix: str) -> PydanticCustomError:
    return PydanticCustomError("gdc", "{message}", {"message": message, "fix": fix})


class _Strict(BaseModel):
    """Base for every schema block: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


#: A number written as a number (an int or a float, not true/false, not text).
Number = Annotated[float, Field(strict=True)]
Year = Annotated[int, Field(ge=2000, le=2100)]
Percent = Annotated[float, Field(strict=True, ge=0, le=100)]

_FORM_EXAMPLES = {
    "steps": "{steps: {2025: 30, 2030: 35}}",
    "ramp": "{ramp: {base: 30, per_year: 1.5}, floor: {2029: 35}}",
    "site": "{site: connection.capacity_mw}",
    "lookup": "{lookup: connection.voltage_kv, table: [{up_to: 35, value: 20}, {up_to: 110, value: 50}]}",
    "grid_utilisation": "{grid_utilisation: {wind: 96.4, pv: 96.3, year: 2024}}",
}
FORMS = tuple(_FORM_EXAMPLES)
_FORMS_TEXT = "a threshold is a number, true/false, or one of: " + "; ".join(_FORM_EXAMPLES.values())


def _submodels(ann: Any) -> list[type[BaseModel]]:
    """The pydantic models inside an annotation (through Optional, list, dict, Annotated)."""
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    out: list[type[BaseModel]] = []
    for a in get_args(ann):
        out += _submodels(a)
    return out


def _literals(ann: Any) -> tuple[Any, ...]:
    """The allowed values of a Literal annotation (through Optional), else ()."""
    if get_origin(ann) is Literal:
        return get_args(ann)
    return tuple(v for a in get_args(ann) for v in _literals(a))


def _site_attribute(path: str) -> Any:
    """The annotation of a dotted site attribute (``connection.capacity_mw``); raise when there is none."""
    model: type[BaseModel] = Site
    parts = path.split(".")
    for i, part in enumerate(parts):
        fields = model.model_fields
        if part not in fields:
            close = difflib.get_close_matches(part, list(fields), n=1)
            where = ".".join(parts[:i]) or "a site"
            raise _error(f"'{path}' is not a site attribute ({where} has no '{part}')",
                         (f"did you mean '{'.'.join([*parts[:i], close[0]])}'? " if close else "")
                         + f"attributes here: {', '.join(fields)}")
        ann = fields[part].annotation
        if i < len(parts) - 1:
            subs = _submodels(ann)
            if len(subs) != 1 or get_origin(ann) is list:
                raise _error(f"'{path}': {'.'.join(parts[:i + 1])} has no single attribute '{parts[i + 1]}'",
                             "name an attribute of the site or of one of its blocks, e.g. connection.capacity_mw")
            model = subs[0]
    return ann


def _site_path(path: str) -> str:
    _site_attribute(path)
    return path


SitePath = Annotated[str, AfterValidator(_site_path),
                     Field(description="a dotted site attribute, e.g. connection.capacity_mw")]


def _constant(v: Any) -> Any:
    if isinstance(v, bool | int | float):
        return v
    if isinstance(v, str):
        raise _error(f"a threshold cannot be text ({v!r})", "write the number without quotes; " + _FORMS_TEXT)
    raise _error(f"not a threshold: {v!r}", _FORMS_TEXT)


Constant = Annotated[Any, PlainValidator(_constant), WithJsonSchema({"type": ["number", "boolean"]})]


def _scalar(v: Any) -> Any:
    if v is None or isinstance(v, bool | int | float | str):
        return v
    raise _error(f"expected a single value, got {v!r}", "give a number, true/false or a word")


Scalar = Annotated[Any, PlainValidator(_scalar),
                   WithJsonSchema({"type": ["number", "boolean", "string", "null"]})]


def _value(v: Any) -> Any:
    if v is None or isinstance(v, bool | int | float):
        return v
    raise _error(f"a threshold value is a number, true/false or null, not {v!r}",
                 "write the number without quotes")


Value = Annotated[Any, PlainValidator(_value), WithJsonSchema({"type": ["number", "boolean", "null"]})]


class Steps(_Strict):
    """``{steps: {2025: 30, 2030: 35}}``: the latest step at or before the evaluation year."""

    steps: dict[Year, Number | None] = Field(
        min_length=1, description="year -> threshold from that year (null: none from that year)")


class RampSpec(_Strict):
    """``base + per_year x (year - start year)``."""

    base: Number = Field(description="the threshold in the project's start year")
    per_year: Number = Field(description="added each year after the start year")


class Ramp(_Strict):
    """``{ramp: {base: 30, per_year: 1.5}, floor: {2029: 35}}``: a ramp, at least the latest floor."""

    ramp: RampSpec
    floor: dict[Year, Number] = Field(
        default_factory=dict, description="year -> lowest threshold from that year (optional)")


class SiteRef(_Strict):
    """``{site: connection.capacity_mw}``: the value of a site attribute."""

    site: SitePath


class LookupRow(_Strict):
    """One row of a lookup table: ``{up_to: 35, value: 20}`` or ``{equals: true, value: 330}``."""

    up_to: Number | None = Field(None, description="the row applies when the attribute is at most this")
    equals: Scalar = Field(None, description="the row applies when the attribute equals this")
    value: Value = Field(description="the threshold: a number, true/false, or null (none)")

    @model_validator(mode="after")
    def _one_condition(self) -> LookupRow:
        given = {"up_to", "equals"} & self.model_fields_set
        if len(given) != 1:
            raise _error("a lookup row needs exactly one of 'up_to' and 'equals'",
                         "write {up_to: 35, value: 20} or {equals: true, value: 330}")
        return self


class Lookup(_Strict):
    """``{lookup: connection.voltage_kv, table: [...]}``: the first matching row's value (none: no threshold)."""

    lookup: SitePath
    table: list[LookupRow] = Field(min_length=1)


class GridRate(_Strict):
    """The provincial public grid's renewable utilisation rates [%] in a bulletin year."""

    wind: Percent = Field(description="wind utilisation rate [%]")
    pv: Percent = Field(description="PV utilisation rate [%]")
    year: Year = Field(description="year of the published rates")


class GridUtilisation(_Strict):
    """``{grid_utilisation: {wind, pv, year}}``: the rates weighted by the project's wind/PV generation."""

    grid_utilisation: GridRate


_FORM_MODELS: dict[str, type[BaseModel]] = {
    "steps": Steps, "ramp": Ramp, "site": SiteRef, "lookup": Lookup, "grid_utilisation": GridUtilisation,
}


def _form(v: Any) -> str | None:
    """The tag of a threshold's form: ``form:constant``, ``form:steps``, ..., None when unknown."""
    if isinstance(v, BaseModel):
        return next((f"form:{k}" for k, m in _FORM_MODELS.items() if isinstance(v, m)), None)
    if isinstance(v, Mapping):
        return next((f"form:{k}" for k in FORMS if k in v), None)
    return "form:constant"


def _review_form(v: Any) -> str | None:
    return "form:same" if v == "threshold" else _form(v)


_FORM_MEMBERS = tuple(Annotated[m, Tag(f"form:{k}")] for k, m in _FORM_MODELS.items())
_TAG_ERROR = {"custom_error_type": "threshold_form", "custom_error_message": "unknown threshold form"}
Threshold = Annotated[
    Union[(Annotated[Constant, Tag("form:constant")], *_FORM_MEMBERS)],  # noqa: UP007
    Discriminator(_form, **_TAG_ERROR),
]
ReviewValue = Annotated[
    Union[(Annotated[Literal["threshold"], Tag("form:same")], Annotated[Constant, Tag("form:constant")],  # noqa: UP007
           *_FORM_MEMBERS)],
    Discriminator(_review_form, **_TAG_ERROR),
]


class ReviewIf(_Strict):
    """When a rule is not met but ``value op reference`` holds, the verdict is ``review``, not ``fail``."""

    op: Literal[OPS] = Field("==", description="comparison (default ==)")
    value: ReviewValue = Field(description="'threshold' (the rule's own), or a threshold form")


def _metric(name: str) -> str:
    from gdc.rules.indicators import INDICATORS

    if name not in INDICATORS:
        close = difflib.get_close_matches(name, list(INDICATORS), n=1)
        raise _error(f"unknown metric '{name}'",
                     (f"did you mean '{close[0]}'? " if close else "") + f"metrics: {', '.join(INDICATORS)}")
    return name


def _applies_if(conditions: dict[str, Any]) -> dict[str, Any]:
    for key, want in conditions.items():
        if key == "spot_market":
            ann = Connection.model_fields["spot_market"].annotation
        elif key in Site.model_fields:
            ann = Site.model_fields[key].annotation
        else:
            choices = ["spot_market", *Site.model_fields]
            close = difflib.get_close_matches(key, choices, n=1)
            raise _error(f"'{key}' is not a site attribute a rule can depend on",
                         f"did you mean '{close[0]}'?" if close else
                         "use spot_market or a top-level site key, e.g. project_type, users")
        allowed = [v for v in _literals(ann) if v is not None]
        if allowed and want not in allowed:
            close = difflib.get_close_matches(str(want), [str(v) for v in allowed], n=1)
            raise _error(f"'{key}' is never {want!r}",
                         (f"did you mean '{close[0]}'? " if close else "") + f"values: {', '.join(map(str, allowed))}")
    return conditions


def _connection_field(name: str) -> str:
    if name not in Connection.model_fields:
        close = difflib.get_close_matches(name, list(Connection.model_fields), n=1)
        raise _error(f"'{name}' is not a connection attribute",
                     (f"did you mean '{close[0]}'? " if close else "")
                     + f"the attribute the user should state, one of {', '.join(Connection.model_fields)}")
    return name


class SourceRef(_Strict):
    """Where a rule comes from: a document of the file's ``documents`` and its clause."""

    doc: str = Field(description="a key of 'documents' (this file's or an extended file's)")
    clause: str = Field("", description="gdc's short summary of the requirement, in the document's language")
    ref: str = Field("", description="the section of the rules reference it encodes")


class RuleEntry(_Strict):
    """One rule as written in a file: a new rule, or the fields that replace an extended rule's."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] = Field(
        description="stable identifier (lower case, digits, _); the same id replaces the extended file's rule")
    name_zh: str | None = Field(None, description="name in Chinese")
    name_en: str | None = Field(None, description="name in English")
    kind: Literal[KINDS] | None = Field(
        None, description="hard (fails when not met), review (special assessment when not met), param "
        "(national default of a provincial value), checklist (to confirm), off (switched off); default hard")
    metric: Annotated[str, AfterValidator(_metric)] | None = Field(
        None, description="the quantity tested: a key of gdc.rules.indicators.INDICATORS")
    op: Literal[OPS] | None = Field(None, description="comparison that passes: value op threshold")
    threshold: Threshold | None = Field(None, description="the threshold: " + _FORMS_TEXT)
    review_if: ReviewIf | None = Field(None, description="when a miss is a review rather than a fail")
    applies_if: Annotated[dict[str, Scalar], AfterValidator(_applies_if)] | None = Field(
        None, description="site attributes (spot_market, project_type, users, ...) that must match for the "
        "rule to apply")
    review_if_unknown: Annotated[str, AfterValidator(_connection_field)] | None = Field(
        None, description="connection attribute the user should state when applies_if is unknown")
    source: SourceRef | None = None
    confidence: Literal[CONFIDENCES] | None = Field(
        None, description="O official text read, P partial repost, R secondary sources, D gdc's own decision")
    reading: str | None = Field(None, description="the reading gdc encodes where the text is ambiguous (English)")
    reading_zh: str | None = Field(None, description="the same reading in Chinese")
    also: str | None = Field(None, description="other documents that say the same")


class Document(_Strict):
    """A policy document rules cite."""

    zh: str = Field(description="full title in Chinese")
    en: str = Field(description="full title in English")
    short_zh: str | None = Field(None, description="short citation in Chinese, e.g. 发改能源〔2025〕650号")
    short_en: str | None = Field(None, description="short citation in English")
    date: _dt.date | int | None = Field(None, description="date of issue (YYYY-MM-DD, or a year)")


SpotMarket = Connection.model_fields["spot_market"].annotation


class Defaults(_Strict):
    """Values a site may leave out, for the jurisdiction as a whole."""

    spot_market: SpotMarket = Field(  # type: ignore[valid-type]
        None, description="whether the spot market runs continuously (null: not stated, the site must say)")


class RuleFile(_Strict):
    """A rule file: one jurisdiction's document(s) at one version (``models/rules/<jurisdiction>/<version>.yaml``)."""

    jurisdiction: str = Field(description="the folder name, e.g. shandong")
    version: str = Field(description="the file name without .yaml, e.g. 2025-10 (quote a bare year: \"2025\")")
    title_zh: str = Field(description="title in Chinese")
    title_en: str = Field(description="title in English")
    extends: Annotated[str, Field(pattern=r"^[a-z0-9-]+/[^/]+$")] | None = Field(
        None, description="the rule set this one extends, e.g. national/2026-05")
    documents: dict[str, Document] = Field(default_factory=dict, description="document key -> document")
    defaults: Defaults | None = None
    definitions: dict[str, str] = Field(default_factory=dict, description="symbol -> quantity, for reports")
    rules: list[RuleEntry] = Field(description="the rules, in report order")


class _OverrideEntry(_Strict):
    """A site's override of one rule (``overrides: {rule_id: {...}}``), given as a mapping."""

    threshold: Threshold | None = None
    kind: Literal[KINDS] | None = None
    note: str | None = None


_THRESHOLD = TypeAdapter(Threshold)


def parse_threshold(spec: Any) -> Any:
    """Validate a threshold specification; return it unchanged.

    Raises
    ------
    InputError
        When ``spec`` is not one of the forms in the module docstring.

    Examples
    --------
    >>> parse_threshold({"ramp": {"base": 30, "per_year": 1.5}})
    {'ramp': {'base': 30, 'per_year': 1.5}}
    >>> parse_threshold({"ramp": {"base": 30}})
    Traceback (most recent call last):
    ...
    gdc.site.errors.InputError: field 'threshold.ramp.per_year': required key 'per_year' is missing
      fix: write the ramp form as {ramp: {base: 30, per_year: 1.5}, floor: {2029: 35}}
    """
    try:
        _THRESHOLD.validate_python(spec)
    except ValidationError as exc:
        raise _explain(exc, None, {}, _THRESHOLD, prefix=("threshold",)) from exc
    return spec


# ----------------------------------------------------------------------------- error messages


def _model_at(root: Any, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The schema class holding the last key of ``loc``, to list its keys."""
    model: type[BaseModel] | None = root if isinstance(root, type) else None
    for part in loc[:-1]:
        if isinstance(part, str) and part.startswith("form:"):
            model = _FORM_MODELS.get(part.removeprefix("form:"))
            continue
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            continue  # a list index or a dict key
        subs = _submodels(model.model_fields[part].annotation)
        model = subs[0] if len(subs) == 1 else None
    return model


def _explain(exc: ValidationError, file: Path | str | None, data: Any, root: Any,
             prefix: tuple[Any, ...] = ()) -> InputError:
    """One InputError for a validation error: the first problem in file order, its most specific cause."""
    errors = exc.errors()
    first = tuple(errors[0]["loc"][:2])
    group = [e for e in errors if tuple(e["loc"][:2]) == first]
    group.sort(key=lambda e: (e["type"] != "extra_forbidden", e["type"] == "threshold_form", -len(e["loc"])))
    err = group[0]
    raw_loc = tuple(err["loc"])
    loc = tuple(p for p in raw_loc if not (isinstance(p, str) and p.startswith("form:")))
    forms = [p.removeprefix("form:") for p in raw_loc if isinstance(p, str) and p.startswith("form:")]
    rid = None
    parts: list[str] = []
    rest = (*prefix, *loc)
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        raw = data.get("rules", [])[loc[1]] if isinstance(data, dict) else None
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            rid = raw["id"]
        parts.append(f"rules.{rid}" if rid else f"rules[{loc[1]}]")
        rest = loc[2:]
    for p in rest:
        if p == "[key]":
            continue
        if isinstance(p, int) and not (parts and parts[-1].endswith(("steps", "floor"))):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{p}]"]
        else:
            parts.append(str(p))
    field_text = ".".join(parts) or None
    head = f"rule '{rid}': " if rid else ""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    key = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        model = _model_at(root, raw_loc)
        known = list(model.model_fields) if model else []
        close = difflib.get_close_matches(key, known, n=1)
        fix = f"did you mean '{close[0]}'?" if close else (f"known keys here: {', '.join(known)}" if known else None)
        message, fix = f"unknown key '{key}'", fix
    elif kind == "missing":
        message = f"required key '{key}' is missing"
        fix = (f"write the {forms[-1]} form as {_FORM_EXAMPLES[forms[-1]]}" if forms and forms[-1] in _FORM_EXAMPLES
               else f"add '{key}'")
    elif kind == "threshold_form":
        given = list(err["input"]) if isinstance(err.get("input"), Mapping) else []
        close = [c for g in given for c in difflib.get_close_matches(str(g), FORMS, n=1)]
        message = f"unknown threshold form with key(s) {', '.join(map(repr, given)) or '(none)'}"
        fix = (f"did you mean '{close[0]}'? " if close else "") + _FORMS_TEXT
    elif kind == "gdc":
        message, fix = ctx["message"], ctx["fix"]
    else:
        value = err.get("input")
        shown = f" (got {value!r})" if value is not None and not isinstance(value, dict | list) else ""
        message = err["msg"].removeprefix("Value error, ") + shown
        fix = {
            "confidence": "O official text read, P partial repost, R secondary sources, D gdc's own decision",
            "kind": "hard, review, param, checklist or off",
            "extends": "name the rule set as <jurisdiction>/<version>, e.g. national/2026-05",
            "id": "lower-case letters, digits and _, starting with a letter (e.g. load_share)",
            "op": "one of \">=\", \"<=\", \"<\", \">\", \"==\" (in quotes)",
            "version": "quote it, e.g. version: \"2025\"",
        }.get(key) or ("write a number without quotes" if kind in ("float_type", "float_parsing", "int_type",
                                                                    "int_parsing") else
                       "see models/rules.schema.json for the rule-file format")
    more = len({tuple(e["loc"][:2]) for e in errors}) - 1
    if more > 0:
        message += f" (and {more} more problem{'s' if more > 1 else ''} in this file)"
    return InputError(head + message, file=file, field=field_text, fix=fix)


def _check_semantics(kind: str, metric: str | None, op: str | None, threshold: Any, review_if: Any, *,
                     rid: str, file: Path | str | None, where: str, override: bool = False) -> None:
    """Checks across the fields of a complete rule (after extends and overrides are merged)."""
    from gdc.rules.indicators import INDICATORS

    if kind in ("hard", "review", "param"):
        for key, value in (("metric", metric), ("op", op), ("threshold", threshold)):
            if value is None:
                fix = (f"rule '{rid}' has no {key}: it cannot be made {kind} by an override" if override
                       else f"add '{key}', or make it kind: checklist")
                raise InputError(f"rule '{rid}' of kind {kind} needs a '{key}'", file=file,
                                 field=f"{where}.{'kind' if override else key}", fix=fix)
    if metric is None or kind in ("checklist", "off"):
        return
    ind = INDICATORS[metric]
    yes_no = ind.unit == ""  # the site's yes/no indicators have no unit
    review_value = review_if.get("value") if isinstance(review_if, Mapping) else None
    if yes_no:
        if not isinstance(threshold, bool):
            raise InputError(f"rule '{rid}' tests a yes/no quantity ({metric}): its threshold is true or false, "
                             f"not {threshold!r}", file=file, field=f"{where}.threshold",
                             fix="write threshold: true (or false)" + ("; or switch the rule off with kind: off"
                                                                      if override else ""))
        if op != "==":
            raise InputError(f"rule '{rid}' tests a yes/no quantity ({metric}) with '{op}'", file=file,
                             field=f"{where}.op", fix="compare yes/no quantities with op: \"==\"")
        if review_if and review_value != "threshold" and not isinstance(review_value, bool):
            raise InputError(f"rule '{rid}': review_if compares a yes/no quantity with {review_value!r}", file=file,
                             field=f"{where}.review_if.value", fix="write value: true or value: false")
        return
    for name, spec in (("threshold", threshold), ("review_if.value", review_value)):
        if _has_bool(spec):
            raise InputError(f"rule '{rid}' tests a number ({metric} [{ind.unit}]): its {name} cannot be true/false",
                             file=file, field=f"{where}.{name}", fix="give a number or a by-year form: " + _FORMS_TEXT)


def _has_bool(spec: Any) -> bool:
    if isinstance(spec, bool):
        return True
    if isinstance(spec, Mapping) and "lookup" in spec:
        return any(isinstance(row.get("value"), bool) for row in spec.get("table", []) if isinstance(row, Mapping))
    return False


def _override_fields(ov: Any, rid: str, file: Path | str | None) -> tuple[Any, str | None, str | None]:
    """``(threshold, kind, note)`` of one site override, validated like a rule file's fields."""
    if isinstance(ov, Mapping):
        try:
            _OverrideEntry.model_validate(dict(ov))
        except ValidationError as exc:
            raise _explain(exc, file, {}, _OverrideEntry, prefix=("overrides", rid)) from exc
        return ov.get("threshold"), ov.get("kind"), ov.get("note")
    threshold = getattr(ov, "threshold", None)
    kind = getattr(ov, "kind", None)
    if threshold is not None:
        try:
            _THRESHOLD.validate_python(threshold)
        except ValidationError as exc:
            raise _explain(exc, file, {}, _THRESHOLD, prefix=("overrides", rid, "threshold")) from exc
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown kind '{kind}'", file=file, field=f"overrides.{rid}.kind", fix=f"one of {KINDS}")
    return threshold, kind, getattr(ov, "note", None)


def rules_json_schema() -> dict[str, Any]:
    """The JSON Schema of rule files, for editors (``models/rules.schema.json``)."""
    from gdc.rules.indicators import INDICATORS

    schema = RuleFile.model_json_schema()
    metric = schema["$defs"]["RuleEntry"]["properties"]["metric"]
    metric["anyOf"] = [{"enum": list(INDICATORS), "type": "string"}, {"type": "null"}]
    schema["$id"] = SCHEMA_ID
    schema["title"] = "gdc rule file"
    return schema


def write_rules_json_schema(path: str | Path) -> None:
    """Write :func:`rules_json_schema` to a file (``models/rules.schema.json``)."""
    Path(path).write_text(json.dumps(rules_json_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


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
    known = available_rule_sets(root)
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


def _read_rule_file(path: Path) -> dict[str, Any]:
    """A rule file's YAML, validated against :class:`RuleFile` (cached while the file is unchanged)."""
    st = path.stat()
    return _read_rule_file_cached(path.resolve(), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=128)
def _read_rule_file_cached(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(f"rule file is not valid YAML{where}: {getattr(exc, 'problem', exc)}", file=path,
                         fix="check indentation and colons near that line") from exc
    if not isinstance(data, dict) or "rules" not in data:
        raise InputError("a rule file must be a mapping with a 'rules' list", file=path, field="rules",
                         fix="start from models/rules/national/ or a province's file")
    try:
        RuleFile.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, path, data, RuleFile) from exc
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
    _check_semantics(kind, raw.get("metric"), raw.get("op"), raw.get("threshold"), raw.get("review_if"),
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
    {'ramp': {'base': 30, 'per_year': 1.5}, 'floor': {2029: 35}}
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
