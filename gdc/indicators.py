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

from gdc.metrics import Metrics
from gdc.site import Site


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
        :class:`~gdc.metrics.Metrics`), value = 100 x num / den [%] (``den`` None: value = num).
    scope : str
        ``annual`` (annual energy rule), ``hourly`` (holds in every hour: the optimiser
        sets hourly bounds), or ``site`` (an attribute of the site, not of the dispatch).
    """

    name_en: str
    name_zh: str
    unit: str
    value: Callable[[Metrics, Site], tuple[Any, str]]
    scope: str
    num: dict[str, float] | None = None
    den: dict[str, float] | None = None


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


INDICATORS: dict[str, Indicator] = {
    "self_use_share": Indicator("self-use share S/A", "自用比例 S/A", "%", _ratio("self_use_share"), "annual",
                                num={"S": 1.0}, den={"A": 1.0}),
    "load_share": Indicator("load share S/L", "负荷占比 S/L", "%", _ratio("load_share"), "annual",
                            num={"S": 1.0}, den={"L": 1.0}),
    "export_share": Indicator("export share E/A", "上网比例 E/A", "%", _ratio("export_share"), "annual",
                              num={"E": 1.0}, den={"A": 1.0}),
    "export_share_of_supply": Indicator("export share E/(E+S)", "上网比例 E/(E+S)", "%",
                                        _ratio("export_share_of_supply"), "annual",
                                        num={"E": 1.0}, den={"E": 1.0, "S": 1.0}),
    "utilisation": Indicator("utilisation (A-C)/A", "利用率 (A-C)/A", "%", _ratio("utilisation"), "annual",
                             num={"A": 1.0, "C": -1.0}, den={"A": 1.0}),
    "exported_energy_mwh": Indicator("exported energy", "上网电量", "MWh", lambda m, s: (m.E, ""), "hourly",
                                     num={"E": 1.0}),
    "export_in_forbidden_hours_mwh": Indicator("export in forbidden hours", "禁止时段上网电量", "MWh",
                                               lambda m, s: (m.E_forbidden, ""), "hourly",
                                               num={"E_forbidden": 1.0}),
    "unserved_energy_mwh": Indicator("unserved load", "未供负荷电量", "MWh", lambda m, s: (m.unserved, ""),
                                     "hourly", num={"unserved": 1.0}),
    "max_exchange_mw": Indicator("peak grid exchange", "最大交换功率", "MW", _max_exchange, "hourly"),
    "voltage_kv": Indicator("connection voltage", "接入电压", "kV",
                            lambda m, s: (s.connection.voltage_kv, ""), "site"),
    "max_source_distance_km": Indicator("longest line to a source", "最远电源距离", "km", _max_distance, "site"),
    "all_sources_same_county": Indicator("all sources in the load's county", "电源均在同一县", "",
                                         _all_flag("same_county"), "site"),
    "all_sources_same_city": Indicator("all sources in the load's city", "电源均在同一地级市", "",
                                       _all_flag("same_city"), "site"),
    "any_source_offshore": Indicator("sea-related source", "涉海电源", "", _offshore, "site"),
    "single_user": Indicator("single user", "单一用户", "", lambda m, s: (s.users == "single", ""), "site"),
}
