"""The quantities a rule can test, by name: one registry for the checker and the optimiser.

Each :class:`Indicator` says how to read its value from the annual metrics and the
site (for the checker) and, for energy quantities, how it is built from the annual
totals ``A, S, L, E, C, ...`` as a linear ratio ``num / den`` (for the optimiser,
which writes ``num - threshold x den  op  0``). A rule file's ``metric:`` must be a
key of :data:`INDICATORS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gdc.operation.metrics import Metrics
from gdc.site.errors import InputError
from gdc.site.schema import EXCLUDED_CATEGORIES, Site


@dataclass(frozen=True)
class Undefined:
    """What an undefined ratio (zero or non-finite denominator) means for a rule.

    Attributes
    ----------
    kind : {'input', 'fail'}
        ``input``: the site cannot be checked, bad input (exit 2) naming ``field``;
        ``fail``: the rule's text makes this case a violation.
    reason : str
        One sentence, shown in the message or the verdict's detail.
    field : str
        For ``input``: the site field to fix.
    """

    kind: str
    reason: str
    field: str = ""
    fix: str = ""

    def error(self, site: Site) -> InputError:
        """The :class:`InputError` of an ``input`` case."""
        return InputError(self.reason, file=site.path, field=self.field, fix=self.fix)


def _no_generation(m: Metrics, s: Site) -> Undefined:
    """A = 0: a direct-connection project is its renewable sources; nothing can be checked without them."""
    caps = [x.capacity_mw for x in s.sources if x.is_fixed()]
    sized = s.needs_sizing()
    zero_caps = sized or (caps and all(float(c) == 0 for c in caps))
    field = "sources[].capacity_mw" if zero_caps else "sources[].profile"
    if sized:
        what, fix = ("the design checked has no generation", "check a design with a source above 0 MW "
                     "(sources[].capacity_mw)")
    elif zero_caps:
        what, fix = "every source's capacity is 0", "give the installed capacity of at least one source [MW]"
    else:
        what, fix = "no source produces in any hour", "point each source's profile at its per-unit output column"
    return Undefined("input", f"no available renewable generation (A = 0 MWh: {what}), so shares of A are "
                     "undefined", field, fix)


def _no_load(m: Metrics, s: Site) -> Undefined:
    """L = 0: a direct-connection project supplies a load (650号 §一); without one S/L is undefined."""
    return Undefined("input", "the load is 0 in every hour (L = 0 MWh): a direct-connection project needs a "
                     "load, so S/L is undefined", "load.column",
                     "point 'load' at the user's hourly consumption column (and check 'scale')")


def _undefined_of_supply(m: Metrics, s: Site) -> Undefined:
    """E + S = 0: no generation or no load is bad input; otherwise nothing reaches the load or the grid.

    The rule (Inner Mongolia's hydrogen projects) bounds exports as a share of the renewable
    energy the project delivers; a project that delivers none to its load (E = S = 0 while A > 0
    and L > 0) does not do what the text asks of it (self-use first, 自发自用为主): fail.
    """
    if not m.A > 0:
        return _no_generation(m, s)
    if not m.L > 0:
        return _no_load(m, s)
    return Undefined("fail", "no renewable energy reaches the load or the grid (E + S = 0): the project "
                     "supplies nothing")


@dataclass(frozen=True)
class Indicator:
    """A named quantity a rule tests.

    Attributes
    ----------
    unit : str
        Unit of the value and of the margin (``%`` values give margins in percentage points).
    value : callable
        ``value(metrics, site) -> (value, detail)``.
    num, den : dict or None
        For ratios and energies: linear combinations of annual totals (keys of
        :class:`~gdc.operation.metrics.Metrics`), value = 100 x num / den [%] (``den`` None: value = num).
    scope : str
        ``annual`` (annual energy rule), ``hourly`` (holds in every hour: the optimiser
        sets hourly bounds), ``site`` (an attribute of the site, not of the dispatch), or
        ``dispatch`` (a property of the dispatch with no linear form, e.g. a ratio of daily
        extremes: the checker evaluates it, the optimiser does not write it).
    undefined : callable or None
        ``undefined(metrics, site) -> Undefined``: what a zero or non-finite denominator means
        (ratios only; see :data:`INDICATORS`). Never a ``n/a`` that passes.
    """

    name_en: str
    name_zh: str
    unit: str
    value: Callable[[Metrics, Site], tuple[Any, str]]
    scope: str
    num: dict[str, float] | None = None
    den: dict[str, float] | None = None
    undefined: Callable[[Metrics, Site], Undefined] | None = None


def _ratio(attr: str) -> Callable[[Metrics, Site], tuple[Any, str]]:
    return lambda m, s: (getattr(m, attr), "")


def _max_distance(m: Metrics, s: Site) -> tuple[Any, str]:
    worst = max(s.sources, key=lambda x: x.distance_km)
    return worst.distance_km, f"{worst.name}: {worst.distance_km:g} km"


def _all_flag(flag: str) -> Callable[[Metrics, Site], tuple[Any, str]]:
    def get(m: Metrics, s: Site) -> tuple[Any, str]:
        values = [getattr(x, flag) for x in s.sources]
        unknown = [x.name for x, v in zip(s.sources, values, strict=True) if v is None]
        if unknown:
            return None, f"not stated for {', '.join(unknown)}: set sources[].{flag}"
        bad = [x.name for x, v in zip(s.sources, values, strict=True) if not v]
        return (not bad), (f"not {flag.replace('_', ' ')}: {', '.join(bad)}" if bad else "")
    return get


def _offshore(m: Metrics, s: Site) -> tuple[Any, str]:
    off = [x.name for x in s.sources if x.offshore]
    return bool(off), (f"offshore: {', '.join(off)}" if off else "")


def _max_exchange(m: Metrics, s: Site) -> tuple[Any, str]:
    which = "import" if m.max_import_mw >= m.max_export_mw else "export"
    return m.max_exchange_mw, f"peak {which}"


def _peak_valley(m: Metrics, s: Site) -> tuple[Any, str]:
    """The exchange power's largest daily peak-valley rate (:func:`gdc.operation.metrics.exchange_peak_valley`)."""
    rate, day = m.exchange_peak_valley_rate, m.exchange_peak_valley_day
    if rate is None:
        return None, "no hours in the balance"
    detail = f"worst day {day + 1}"
    if s.connection.peak_valley_rate_plan_pct is None:
        detail += "; the project plan's value is not stated: set connection.peak_valley_rate_plan_pct"
    return rate, detail


_LIST_USERS = "list the users under 'users:' (name, entity, category, load) to check it"


def _distinct_entities(m: Metrics, s: Site) -> tuple[Any, str]:
    """Number of distinct legal entities among the users (688号: several legal entities)."""
    users = s.user_list
    if not users:
        return None, _LIST_USERS
    if any(u.entity is None for u in users):
        missing = [u.name for u in users if u.entity is None]
        return None, f"entity not stated for {', '.join(missing)}: set users[].entity"
    by_entity: dict[str, list[str]] = {}
    for u in users:
        by_entity.setdefault(u.entity_id, []).append(u.name)
    shared = [f"{', '.join(n)} are one entity ({e})" for e, n in by_entity.items() if len(n) > 1]
    return len(by_entity), "; ".join(shared)


def _no_excluded_users(m: Metrics, s: Site) -> tuple[Any, str]:
    """True when no user is residential or agricultural (688号 excludes them)."""
    users = s.user_list
    if not users:
        return None, _LIST_USERS
    bad = [f"{u.name} ({u.category})" for u in users if u.category in EXCLUDED_CATEGORIES]
    return (not bad), (f"excluded users: {', '.join(bad)}" if bad else "")


def _operator_eligible(m: Metrics, s: Site) -> tuple[Any, str]:
    """True when the operator is an independent legal person and not a grid company (688号)."""
    op = s.operator
    if op is None or op.is_grid_company is None or op.independent_legal_person is None:
        return None, "state operator.independent_legal_person and operator.is_grid_company"
    why = []
    if op.is_grid_company:
        why.append("the operator is a grid company")
    if not op.independent_legal_person:
        why.append("the operator is not an independent legal person")
    return (not why), "; ".join(why)


#: Undefined ratios (denominator zero or not finite), per indicator:
#:
#: =====================  ============  =======================================================
#: indicator              denominator   undefined means
#: =====================  ============  =======================================================
#: self_use_share S/A     A = 0         input error: no generation (sources[].capacity_mw all 0,
#:                                      or every profile 0): the project is its sources
#: load_share S/L         L = 0         input error (load.column): a project needs a load
#: export_share E/A       A = 0         input error, as S/A
#: utilisation (A-C)/A    A = 0         input error, as S/A
#: export_share_of_supply E + S = 0     input error when A = 0 or L = 0; otherwise fail: nothing
#:                                      reaches the load or the grid (self-use first)
#: =====================  ============  =======================================================
#:
#: The other indicators are energies, powers or site attributes: never undefined.
INDICATORS: dict[str, Indicator] = {
    "self_use_share": Indicator("self-use share S/A", "自用比例 S/A", "%", _ratio("self_use_share"), "annual",
                                num={"S": 1.0}, den={"A": 1.0}, undefined=_no_generation),
    "load_share": Indicator("load share S/L", "负荷占比 S/L", "%", _ratio("load_share"), "annual",
                            num={"S": 1.0}, den={"L": 1.0}, undefined=_no_load),
    "export_share": Indicator("export share E/A", "上网比例 E/A", "%", _ratio("export_share"), "annual",
                              num={"E": 1.0}, den={"A": 1.0}, undefined=_no_generation),
    "export_share_of_supply": Indicator("export share E/(E+S)", "上网比例 E/(E+S)", "%",
                                        _ratio("export_share_of_supply"), "annual",
                                        num={"E": 1.0}, den={"E": 1.0, "S": 1.0}, undefined=_undefined_of_supply),
    "utilisation": Indicator("utilisation (A-C)/A", "利用率 (A-C)/A", "%", _ratio("utilisation"), "annual",
                             num={"A": 1.0, "C": -1.0}, den={"A": 1.0}, undefined=_no_generation),
    "exported_energy_mwh": Indicator("exported energy", "上网电量", "MWh", lambda m, s: (m.E, ""), "hourly",
                                     num={"E": 1.0}),
    "export_in_forbidden_hours_mwh": Indicator("export in forbidden hours", "禁止时段上网电量", "MWh",
                                               lambda m, s: (m.E_forbidden, ""), "hourly",
                                               num={"E_forbidden": 1.0}),
    "unserved_energy_mwh": Indicator("unserved load", "未供负荷电量", "MWh", lambda m, s: (m.unserved, ""),
                                     "hourly", num={"unserved": 1.0}),
    "max_exchange_mw": Indicator("peak grid exchange", "最大交换功率", "MW", _max_exchange, "hourly"),
    "exchange_peak_valley_rate": Indicator("exchange peak-valley rate (largest daily)", "交换功率最大日峰谷差率",
                                           "%", _peak_valley, "dispatch"),
    "voltage_kv": Indicator("connection voltage", "接入电压", "kV",
                            lambda m, s: (s.connection.voltage_kv, ""), "site"),
    "max_source_distance_km": Indicator("longest line to a source", "最远电源距离", "km", _max_distance, "site"),
    "all_sources_same_county": Indicator("all sources in the load's county", "电源均在同一县", "",
                                         _all_flag("same_county"), "site"),
    "all_sources_same_city": Indicator("all sources in the load's city", "电源均在同一地级市", "",
                                       _all_flag("same_city"), "site"),
    "any_source_offshore": Indicator("sea-related source", "涉海电源", "", _offshore, "site"),
    "single_user": Indicator("single user", "单一用户", "", lambda m, s: (s.user_mode == "single", ""), "site"),
    "distinct_legal_entities": Indicator("distinct legal entities among the users", "用户中不同法人主体数", "entities",
                                         _distinct_entities, "site"),
    "no_residential_agricultural_users": Indicator("no residential or agricultural user", "无居民、农业用户", "",
                                                   _no_excluded_users, "site"),
    "operator_independent_not_grid": Indicator("operator: independent legal person, not a grid company",
                                               "运营主体为独立法人且非电网企业", "", _operator_eligible, "site"),
}
