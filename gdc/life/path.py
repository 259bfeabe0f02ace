"""The yearly path of a design: its check in every year and weather year of the project's life.

:func:`check_path` checks one design in each calendar year Y of a horizon and each weather year
w of the site: ``check_site(with_year(site, Y), design, profiles=year_profiles(site_Y, Y, w))``.
That is the model of year Y that ``gdc check --year Y`` runs (:func:`gdc.profiles.life.year_profiles`
is what :func:`gdc.profiles.series.get_profiles` returns for the site's own year), so the row of
year Y is exactly that check: the rule set's thresholds of year Y (Ningxia's load share rising
1.5 points a year from the start year), and the year's output, storage and load factors.

:class:`LifePath` holds one light :class:`PathRow` per (year, weather year): the life factors,
the status, the metrics and the verdicts as JSON data; the first failing year, its binding rule,
and per year and rule the share of weather years in which the rule does not fail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gdc.check import CheckResult, check_site
from gdc.operation.dispatch import Design
from gdc.rules.verdicts import binding, in_rule_table
from gdc.site.errors import InputError
from gdc.site.schema import Site, with_year

__all__ = ["VERDICT_KEYS", "LifePath", "PathRow", "check_path", "is_numeric_rule"]

#: Keys of a verdict kept in each row of the path (the rule's names and source are in ``rules``, once).
VERDICT_KEYS = ("id", "kind", "status", "metric", "op", "value", "threshold", "margin", "unit", "detail")
#: Statuses of a rule-table row that count in the weather-year pass shares (n/a rows do not).
_COUNTED = ("pass", "review", "fail")

#: A progress callback: (rows done, rows in all, label of the row just done).
Progress = Callable[[int, int, str], None]


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def is_numeric_rule(verdict: dict[str, Any]) -> bool:
    """True for a verdict (as a path row holds it) with a numeric value and threshold (a plotted rule)."""
    return _number(verdict.get("value")) and _number(verdict.get("threshold")) and verdict.get("op") is not None


@dataclass(frozen=True)
class PathRow:
    """One year and weather year of the path.

    Attributes
    ----------
    year : int
        Calendar year evaluated.
    weather : str or None
        Weather-year name; None for the site's own profiles.
    life : LifeYear
        Year of life and the factors applied (:class:`gdc.profiles.life.LifeYear`).
    status : str
        ``pass``, ``review`` or ``fail`` (:attr:`gdc.check.CheckResult.status`).
    binding_rule : str or None
        The row's binding rule (:func:`gdc.rules.verdicts.binding`).
    metrics : dict
        :meth:`gdc.operation.metrics.Metrics.as_dict` of the year [MWh, %, MW].
    verdicts : list of dict
        The rule-table verdicts, each with the keys :data:`VERDICT_KEYS`.
    """

    year: int
    weather: str | None
    life: Any
    status: str
    binding_rule: str | None
    metrics: dict[str, Any]
    verdicts: list[dict[str, Any]]

    def verdict(self, rule_id: str) -> dict[str, Any] | None:
        """The row's verdict of one rule, or None when the rule set has no such rule that year."""
        return next((v for v in self.verdicts if v["id"] == rule_id), None)

    def as_dict(self) -> dict[str, Any]:
        """``{year, weather, status, life, binding_rule, metrics, verdicts}``."""
        return {"year": self.year, "weather": self.weather, "status": self.status, "life": self.life.as_dict(),
                "binding_rule": self.binding_rule, "metrics": self.metrics, "verdicts": self.verdicts}


@dataclass(frozen=True)
class LifePath:
    """The check of one design in every year and weather year of a horizon.

    Attributes
    ----------
    site : Site
        The site as given (its own evaluation year).
    design : Design
        The design checked, the same every year.
    rows : list of PathRow
        By year, then weather year in the site's order.
    rules : dict
        Rule id -> ``{name_en, name_zh, kind, metric, op, unit, source_en, source_zh, clause}``.
    rule_set : str
        The rule set's key.
    result : CheckResult or None
        The full check of the reported row: the first failing row, else the first row (for the
        single-year sections of the HTML report and the workbook).
    """

    site: Site
    design: Design
    rows: list[PathRow]
    rules: dict[str, dict[str, Any]]
    rule_set: str
    result: CheckResult | None = field(default=None, compare=False)

    @property
    def years(self) -> list[int]:
        """The calendar years of the path, in order."""
        return sorted({r.year for r in self.rows})

    @property
    def weathers(self) -> list[str | None]:
        """The weather years, in the site's order (``[None]``: the site's own profiles)."""
        return list(dict.fromkeys(r.weather for r in self.rows))

    @property
    def status(self) -> str:
        """``fail`` when a rule fails in any row, else ``review`` when one is to review, else ``pass``."""
        statuses = {r.status for r in self.rows}
        return "fail" if "fail" in statuses else "review" if "review" in statuses else "pass"

    @property
    def exit_code(self) -> int:
        """0 when no year fails, 1 when a rule fails in some year (and weather year)."""
        return 1 if self.status == "fail" else 0

    @property
    def failing_years(self) -> list[int]:
        """The years in which a rule fails in at least one weather year."""
        return sorted({r.year for r in self.rows if r.status == "fail"})

    @property
    def first_failing_year(self) -> int | None:
        """The first year in which a rule fails in at least one weather year; None if none fails."""
        fails = self.failing_years
        return fails[0] if fails else None

    @property
    def binding(self) -> dict[str, Any] | None:
        """The binding rule of the first failing year, or the tightest row's when every year passes.

        In the first failing year: the rule that fails in the most weather years, ties broken by
        the worst margin (as :func:`gdc.rules.verdicts.binding` chooses within one check). When no
        year fails: the row whose binding rule has the least margin (rules in % first).

        Returns
        -------
        dict or None
            ``{year, weather, rule, name_en, name_zh, status, value, threshold, margin, unit,
            failing_weathers}``; None when no row has a numeric rule.
        """
        first = self.first_failing_year
        if first is not None:
            count: dict[str, int] = {}
            worst: dict[str, tuple[PathRow, dict[str, Any]]] = {}
            for row in self.rows:
                if row.year != first:
                    continue
                for v in row.verdicts:
                    if v["status"] != "fail":
                        continue
                    count[v["id"]] = count.get(v["id"], 0) + 1
                    m = v["margin"] if _number(v["margin"]) else 0.0
                    if v["id"] not in worst or m < _margin(worst[v["id"]][1]):
                        worst[v["id"]] = (row, v)
            rule = min(count, key=lambda k: (-count[k], _margin(worst[k][1])))
            row, v = worst[rule]
            return self._binding_dict(row, v, count[rule])
        best: tuple[tuple[int, float], PathRow, dict[str, Any]] | None = None
        for row in self.rows:
            v = row.verdict(row.binding_rule) if row.binding_rule else None
            if v is None or not _number(v["margin"]):
                continue
            key = (0 if v["unit"] == "%" else 1, float(v["margin"]))
            if best is None or key < best[0]:
                best = (key, row, v)
        return None if best is None else self._binding_dict(best[1], best[2], 0)

    def _binding_dict(self, row: PathRow, v: dict[str, Any], fails: int) -> dict[str, Any]:
        info = self.rules.get(v["id"], {})
        return {"year": row.year, "weather": row.weather, "rule": v["id"], "name_en": info.get("name_en"),
                "name_zh": info.get("name_zh"), "status": v["status"], "value": v["value"],
                "threshold": v["threshold"], "margin": v["margin"], "unit": v["unit"], "failing_weathers": fails}

    @property
    def weather_pass_share(self) -> dict[int, dict[str, float]]:
        """Per year and rule, the share of weather years in which the rule does not fail [-].

        A rule counts in a weather year where its row is ``pass``, ``review`` or ``fail`` (``n/a``
        rows do not count); it passes there unless it fails (``review`` is not a failure, as for the
        exit code). ``all_rules`` is the share of weather years in which no rule fails. With the
        site's own profiles only (one weather year), every share is 0 or 1.
        """
        out: dict[int, dict[str, float]] = {}
        for year in self.years:
            rows = [r for r in self.rows if r.year == year]
            shares: dict[str, float] = {"all_rules": sum(r.status != "fail" for r in rows) / len(rows)}
            tally: dict[str, list[int]] = {}
            for r in rows:
                for v in r.verdicts:
                    if v["status"] in _COUNTED:
                        t = tally.setdefault(v["id"], [0, 0])
                        t[0] += v["status"] != "fail"
                        t[1] += 1
            shares.update({k: ok / n for k, (ok, n) in tally.items()})
            out[year] = shares
        return out

    def rows_of(self, year: int) -> list[PathRow]:
        """The rows of one year, one per weather year."""
        return [r for r in self.rows if r.year == year]

    def as_dict(self) -> dict[str, Any]:
        """The path as JSON-serialisable data (``gdc check --years ... --json``).

        Keys: ``gdc_version``, ``site``, ``site_file``, ``jurisdiction``, ``rule_set``,
        ``start_year``, ``years``, ``weathers``, ``status``, ``design``, ``rules``, ``path`` (one
        ``{year, weather, status, life, binding_rule, metrics, verdicts}`` per row),
        ``first_failing_year``, ``failing_years``, ``binding`` and ``weather_pass_share``
        (``{"2026": {"all_rules": 1.0, "load_share": 1.0, ...}}``).
        """
        from gdc import __version__

        d = self.design
        return {
            "gdc_version": __version__,
            "site": self.site.name,
            "site_file": str(self.site.path) if self.site.path else None,
            "jurisdiction": self.site.jurisdiction,
            "rule_set": self.rule_set,
            "start_year": self.site.effective_start_year,
            "years": self.years,
            "weathers": self.weathers,
            "status": self.status,
            "design": {"capacities_mw": d.capacities_mw, "storage_power_mw": d.storage_power_mw,
                       "storage_energy_mwh": d.storage_energy_mwh,
                       "source_types": {src.name: src.type for src in self.site.sources}},
            "rules": self.rules,
            "path": [r.as_dict() for r in self.rows],
            "first_failing_year": self.first_failing_year,
            "failing_years": self.failing_years,
            "binding": self.binding,
            "weather_pass_share": {str(y): s for y, s in self.weather_pass_share.items()},
        }


def _margin(v: dict[str, Any]) -> float:
    return float(v["margin"]) if _number(v["margin"]) else 0.0


def _verdict_data(result: CheckResult) -> list[dict[str, Any]]:
    out = []
    for v in result.verdicts:
        if in_rule_table(v):
            d = v.as_dict()
            out.append({k: d[k] for k in VERDICT_KEYS})
    return out


def _rule_info(result: CheckResult, rules: dict[str, dict[str, Any]]) -> None:
    for v in result.verdicts:
        r = v.rule
        if r.id in rules or not in_rule_table(v):
            continue
        rules[r.id] = {"name_en": r.name_en, "name_zh": r.name_zh, "kind": r.kind, "metric": r.metric,
                       "op": r.op, "unit": v.unit, "source_en": r.source.short("en"),
                       "source_zh": r.source.short("zh"), "clause": r.source.clause}


def check_path(site: Site, years: Sequence[int], weathers: Sequence[str | None] | None = None,
               design: Design | None = None, progress: Progress | None = None) -> LifePath:
    """Check one design in every year of ``years`` and every weather year.

    Parameters
    ----------
    site : Site
        The site (any evaluation year; its start year is kept).
    years : sequence of int
        Calendar years to check (:func:`gdc.profiles.life.parse_years` reads ``--years``).
    weathers : sequence of str or None, optional
        Weather-year names; default every weather year of the site
        (:func:`gdc.profiles.life.weather_names`: ``[None]``, the site's own profiles, without
        ``weather_years:``).
    design : Design, optional
        Capacities to check; default the site's own (which must then be fixed numbers).
    progress : callable, optional
        Called after each row as ``progress(done, total, label)``.

    Returns
    -------
    LifePath

    Raises
    ------
    InputError
        No year given; a site whose capacities are {min, max} bounds and no design; a site with
        metered flows (one measured year cannot be carried over the life).
    """
    from gdc.profiles.life import weather_names, year_profiles

    years = sorted(dict.fromkeys(int(y) for y in years))
    if not years:
        raise InputError("no year to check", file=site.path, field="--years",
                         fix="give years such as 2026-2040, 2029, 2026,2030 or all")
    if site.meters is not None:
        raise InputError("the site gives metered flows (meters:): they are one measured year and cannot be "
                         "carried over the life", file=site.path, field="meters",
                         fix="check the metered year with --year, or drop meters: and give the profiles")
    if design is None and site.needs_sizing():
        raise InputError("capacities are given as {min, max} bounds: there is no design to follow over the years",
                         file=site.path, field="sources / storage",
                         fix="give fixed capacities (gdc size --write-site writes them), then check the years")
    names = list(weathers) if weathers is not None else weather_names(site)
    total = len(years) * len(names)
    rows: list[PathRow] = []
    rules: dict[str, dict[str, Any]] = {}
    first: CheckResult | None = None
    failing: CheckResult | None = None
    rule_set = ""
    for year in years:
        site_y = with_year(site, year)  # as gdc check --year Y reads the site
        for w in names:
            result = check_site(site_y, design, profiles=year_profiles(site_y, year, w))
            b = binding(result.verdicts)
            rows.append(PathRow(year=year, weather=w, life=result.profiles.life, status=result.status,
                                binding_rule=b.rule.id if b else None, metrics=result.metrics.as_dict(),
                                verdicts=_verdict_data(result)))
            _rule_info(result, rules)
            rule_set = result.rule_set.key
            if first is None:
                first = result
            if failing is None and result.status == "fail":
                failing = result
            if progress is not None:
                progress(len(rows), total, f"{year}" + (f" {w}" if w else ""))
    return LifePath(site=site, design=design if design is not None else first.design, rows=rows, rules=rules, rule_set=rule_set,
                    result=failing if failing is not None else first)
