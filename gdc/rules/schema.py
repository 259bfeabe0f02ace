"""The rule-file schema (pydantic) and its error messages.

Every rule file (``models/rules/<jurisdiction>/<version>.yaml``) is validated against
:class:`RuleFile` when it loads (:func:`gdc.rules.ruleset.load_rule_set`), and a site's
``overrides`` against the same threshold forms: an unknown key, a wrong type, a threshold
form with a missing part, an unknown metric or site attribute, a confidence letter other than
O/P/R/D is an :class:`~gdc.site.errors.InputError` naming the file, the rule and the field,
before anything is evaluated. :func:`rules_json_schema` is the same schema for editors
(``models/rules.schema.json``, ``gdc schema --rules``).

The schema only validates: rules keep the thresholds as written (plain YAML values), which
:func:`gdc.rules.ruleset.resolve_threshold`, the optimiser and the reports read. Custom checks
raise PydanticCustomError with a 'fix' in their context, which :func:`explain` turns into the
InputError's fix. The threshold forms are listed in :mod:`gdc.rules.ruleset`.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

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
    ref: str = Field("", description="the clause of the document, e.g. §（六） (empty where its numbering was not read)")


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


def validate_rule_file(data: Any, path: Path) -> None:
    """Validate a rule file's parsed YAML against :class:`RuleFile`.

    Parameters
    ----------
    data : Any
        The file's YAML, as parsed.
    path : Path
        The file, named in the message.

    Raises
    ------
    InputError
        For the first problem in file order, naming the rule and the field, with the fix.
    """
    if not isinstance(data, dict) or "rules" not in data:
        raise InputError("a rule file must be a mapping with a 'rules' list", file=path, field="rules",
                         fix="start from models/rules/national/ or a province's file")
    try:
        RuleFile.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, path, data, RuleFile) from exc


def check_semantics(kind: str, metric: str | None, op: str | None, threshold: Any, review_if: Any, *,
                    rid: str, file: Path | str | None, where: str, override: bool = False) -> None:
    """Checks across the fields of a complete rule (after extends and overrides are merged).

    A rule in force (hard, review, param) needs a metric, an op and a threshold; a yes/no
    metric takes true/false and ``==``; a numeric metric takes no true/false.

    Raises
    ------
    InputError
        Naming the rule (``where``: ``rules.<id>`` or ``overrides.<id>``) and the field.
    """
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


def override_fields(ov: Any, rid: str, file: Path | str | None) -> tuple[Any, str | None, str | None]:
    """``(threshold, kind, note)`` of one site override, validated like a rule file's fields.

    Raises
    ------
    InputError
        For a threshold form or kind a rule file could not hold, naming ``overrides.<rid>``.
    """
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
