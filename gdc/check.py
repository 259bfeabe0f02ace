"""The check pipeline: site -> profiles -> hourly balance -> metrics -> verdicts.

:func:`check_site` is what ``gdc check`` runs, and what ``gdc size`` and ``gdc screen``
reuse: one balance type, one metrics function, one verdict type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdc import __version__
from gdc.operation.balance import Balance
from gdc.operation.dispatch import Design
from gdc.operation.metrics import Metrics, alternative_ratios, compute_metrics
from gdc.profiles.series import Profiles, get_profiles
from gdc.rules.export_caps import ExportCapResult, dispatch_within_caps
from gdc.rules.ruleset import RuleSet, load_rule_set, normalise_jurisdiction
from gdc.rules.verdicts import Verdict, binding, counts, evaluate, overall, spot_market_status
from gdc.site.schema import Site, read_site


@dataclass(frozen=True)
class CheckResult:
    """Everything a report needs about one checked design."""

    site: Site
    rule_set: RuleSet
    design: Design
    profiles: Profiles
    balance: Balance
    metrics: Metrics
    verdicts: list[Verdict]
    spot_market: str | None
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    #: a multi-user site's allocation of self-use to its users (gdc.operation.allocation.Allocation), else None
    allocation: Any = None

    @property
    def status(self) -> str:
        """``pass``, ``review`` or ``fail``."""
        return overall(self.verdicts)

    @property
    def exit_code(self) -> int:
        """0 when nothing fails, 1 when a rule fails."""
        return 1 if self.status == "fail" else 0

    @property
    def binding(self) -> Verdict | None:
        return binding(self.verdicts)

    def as_dict(self) -> dict[str, Any]:
        """The result as plain JSON-serialisable data.

        ``counts`` are :func:`gdc.rules.verdicts.counts`, as in every report: the rule-table
        rows by status, and ``confirm`` the checklist items that apply (a checklist item that
        does not apply is in ``verdicts`` with status ``n/a`` but not counted). ``life`` is the
        year of the project's life checked and the factors applied in it
        (:class:`gdc.profiles.life.LifeYear`), None for profiles read without a year.
        """
        from gdc.operation.metrics import DEFINITIONS

        m = self.metrics
        return {
            "gdc_version": __version__,
            "site": self.site.name,
            "site_file": str(self.site.path) if self.site.path else None,
            "jurisdiction": self.site.jurisdiction,
            "rule_set": self.rule_set.key,
            "rule_set_chain": list(self.rule_set.chain),
            "year": self.site.year,
            "start_year": self.site.effective_start_year,
            "life": self.profiles.life.as_dict() if self.profiles.life is not None else None,
            "dispatch": self.balance.source,
            "spot_market": self.spot_market,
            "status": self.status,
            "counts": dict(counts(self.verdicts)),
            "binding_rule": self.binding.rule.id if self.binding else None,
            "design": {"capacities_mw": self.design.capacities_mw,
                       "storage_power_mw": self.design.storage_power_mw,
                       "storage_energy_mwh": self.design.storage_energy_mwh},
            "definitions": {k: {"zh": v[0], "en": v[1], "definition_zh": v[2], "definition_en": v[3]}
                            for k, v in DEFINITIONS.items()},
            "metrics": m.as_dict(),
            "alternative_definitions": alternative_ratios(m),
            "verdicts": [v.as_dict() for v in self.verdicts],
            "notes": self.notes,
            **self.extra,
        }


def get_rule_set(site: Site) -> tuple[RuleSet, list[str]]:
    """The site's rule set with its overrides applied, and notes about the choice."""
    notes: list[str] = []
    name = site.rule_set or site.jurisdiction
    _, note = normalise_jurisdiction(name.split("/")[0], file=site.path)
    if note:
        notes.append(note)
    rule_set = load_rule_set(name)
    return rule_set.with_overrides(site.overrides, file=site.path), notes


def check_site(site: Site, design: Design | None = None, balance: Balance | None = None,
               profiles: Profiles | None = None) -> CheckResult:
    """Check one design of a site against its jurisdiction's rules.

    Parameters
    ----------
    site : Site
    design : Design, optional
        Capacities to check; default the site's own.
    balance : Balance, optional
        A balance computed elsewhere (e.g. the optimiser's dispatch); default the
        renewable-first dispatch with the year's exports kept within the rule set's annual
        export caps (:func:`gdc.rules.export_caps.dispatch_within_caps`), or the meters of an
        operating project (measured: no cap is applied).
    profiles : Profiles, optional
        Already-read profiles (saves reading them again in batches).
    """
    rule_set, notes = get_rule_set(site)
    profiles = profiles if profiles is not None else get_profiles(site)
    spot = spot_market_status(site, rule_set)
    if design is None and site.meters is None:
        design = Design.from_site(site)
    caps: ExportCapResult | None = None
    if balance is None:
        if site.meters is not None:
            from gdc.operation.meters import balance_from_meters

            balance = balance_from_meters(site, profiles)
            design = design or Design(capacities_mw={s.name: float(s.capacity_mw) if s.is_fixed() else 0.0
                                                     for s in site.sources})
        else:
            balance, caps = dispatch_within_caps(site, profiles, design, spot, rule_set)
    if spot is None:
        notes.append("spot-market status not stated (connection.spot_market) and no default in the rule set")
    metrics = compute_metrics(balance)
    verdicts = evaluate(rule_set, site, metrics)
    extra: dict[str, Any] = {}
    allocation = None
    if profiles.user_loads_mw:  # several users (688号): per-user self-use and their own minimum shares
        from gdc.rules.users import check_users

        allocation, user_verdicts = check_users(site, balance, profiles.user_loads_mw)
        verdicts += user_verdicts
        extra["allocation"] = allocation.as_dict()
        extra["users"] = [u.as_dict() for u in allocation.users]
    if caps is not None:
        extra["export_cap"] = caps.as_dict()
        notes += export_cap_notes(caps, verdicts)
    return CheckResult(site=site, rule_set=rule_set, design=design, profiles=profiles, balance=balance,
                       metrics=metrics, verdicts=verdicts, spot_market=spot, notes=notes, extra=extra,
                       allocation=allocation)


def export_cap_notes(caps: ExportCapResult, verdicts: list[Verdict]) -> list[str]:
    """Report notes on how the renewable-first dispatch kept the annual export caps."""
    notes = []
    cap = caps.binding
    if cap is not None:
        if caps.curtailed_mwh > 0:
            notes.append(
                f"the renewable-first dispatch keeps the annual export cap ({cap.rule.id}: {cap.formula}): "
                f"exports fill the best-paid hours first (equal prices: earlier hours first) and "
                f"{caps.curtailed_mwh:,.1f} MWh of surplus beyond the cap is curtailed")
            lower = [v.rule.id for v in verdicts if v.status == "fail" and v.rule.metric == "utilisation"]
            if lower:
                notes.append(f"{', '.join(lower)} fails with the surplus curtailed to keep the export cap: "
                             "--dispatch optimal looks for a storage schedule that keeps both")
        else:
            notes.append(f"the renewable-first dispatch keeps the annual export cap ({cap.rule.id}: {cap.formula}): "
                         f"its {caps.exports_before_mwh:,.1f} MWh of exports are within it, nothing is curtailed "
                         "for it")
    notes += [f"export rule not applied by the dispatch: {s}" for s in caps.skipped]
    return notes


def check_file(path: str | Path) -> CheckResult:
    """Read a site file and check it."""
    return check_site(read_site(path))
