"""The Chinese planning tools' Excel template: import it as a site file, export a site to it.

Chinese planning tools for green-power direct connection (e.g. "绿电直连新能源优化配置 V3.0",
resources.md §6) take a workbook of two sheets: an item/value parameter sheet and an
8760-row curve sheet. :func:`import_template` reads such a workbook into a ``site.yaml``
plus a profiles CSV beside it (``gdc import-xlsx``); :func:`export_template` writes a site
and its profiles as such a workbook. docs/xlsx-template.md has the same tables as below.

Sheets (names matched ignoring case, spaces and brackets; the first match wins)
------------------------------------------------------------------------------
* parameters: ``参数`` (also 参数表, 输入参数, 基础参数, Parameters, Params, Inputs). A header row
  (within the first 10 rows) names the columns: item ``项目`` (参数, 参数名称, 名称, item,
  parameter, name), value ``数值`` (值, 取值, 参数值, value), optional unit ``单位`` (unit) and
  note ``说明`` (备注, note). One item per row. A unit may also stand in the item name:
  ``风电装机容量(MW)``, ``并网容量（kW）``.
* curves: ``曲线`` (also 逐时曲线, 时序曲线, 曲线数据, 负荷曲线, 8760, Curves, Hourly, Profiles).
  A header row (within the first 5 rows), then one row per hour: 8760 (8784 in a leap year),
  or whole days of 24 rows with a ``代表天数`` column for representative days.

Parameter items (accepted names; units: kW, MW, 万kW, kWh, MWh, %, km, kV, h)
-----------------------------------------------------------------------------
=====================================  ===========================================  ==========
item (also accepted)                   site field                                   default unit
=====================================  ===========================================  ==========
项目名称 (name)                          name                                         -
省份 (所在省份, 地区, jurisdiction)       jurisdiction (Chinese names accepted)         national
规则集 (rule set)                        rule_set                                     latest
评估年份 (年份, year)                     year                                         curve year
投产年份 (项目起始年, start year)          start_year                                   = year
项目类型 (project type)                  project_type: 并网型 / 离网型                   并网型
用户类型 (users)                         users: 单一用户 / 多用户                        单一用户
风电装机容量 (风电容量, wind capacity)     sources[wind].capacity_mw                    MW
光伏装机容量 (光伏容量, pv capacity)       sources[pv].capacity_mw (DC, MWp)            MW
风电名称 / 光伏名称                        sources[].name                               wind / pv
风电距离 / 光伏距离 (线路长度)              sources[].distance_km                        km
风电同县 / 光伏同县 (是/否)                sources[].same_county                        -
风电同市 / 光伏同市 (是/否)                sources[].same_city                          -
风电所在县 / 光伏所在县, ...所在市          sources[].county / city                      -
海上风电 (是/否)                          sources[wind].offshore                       否
储能功率 (储能额定功率, storage power)     storage.power_mw                             MW
储能容量 (储能能量, storage energy)        storage.energy_mwh (a power unit: power_mw)  MWh
储能时长 (h) / 储能倍率 (C)                storage.energy_mwh = power x h = power / C   -
放电深度 (DOD)                            storage.soc_min = 1 - DOD                    %
SOC下限 / SOC上限                         storage.soc_min / soc_max                    %
充电效率 / 放电效率                        storage.charge_ / discharge_efficiency      %
自放电率 (%/h)                            storage.self_discharge_per_h                 %/h
允许电网充电 (是/否)                       storage.grid_charging                        否
并网容量 (接入容量, 申报并网容量, gridCapacity)  connection.capacity_mw                   MW
接入电压等级 (电压等级, voltage)            connection.voltage_kv (required)             kV
现货市场 (连续运行 / 未连续运行)            connection.spot_market                       rule set
330kV电网 (是/否)                         connection.grid_330kv                        否
=====================================  ===========================================  ==========

Limits of the tool (自发自用比例下限 selfUseGenMin, 绿电占比下限 selfUseLoadMin, 上网电量比例上限
feedLimit, 弃电率上限 curtailLimit) are compared with the rule set's thresholds; a limit that
differs becomes a commented-out ``overrides:`` entry (applied only with ``apply_limits``): the
rules come from the rule files, not from a tool's settings. ``最大上网功率`` (feedPower) is
compared with the connection capacity (gdc uses one capacity both ways). Every other item
(prices, investment, O&M, staff, discount rate, initial SOC, ...) goes into a comment block
of the site file: the schema has no field for it yet.

Curve columns (header names; a unit in the header: 负荷(kW), 负荷[MW])
---------------------------------------------------------------------
=================================================  =======================  ==================
column (also accepted)                             profiles CSV column      unit
=================================================  =======================  ==================
时间 (日期时间, timestamp, time)                      timestamp                optional
序号 (小时, hour)                                    hour                     optional
负荷 (用电负荷, load)                                 load_kw / load_mw        kW unless stated
风电出力 (风电标幺值, 风电出力系数, windPu, wind)      wind_pu                  per unit; kW or MW
                                                                             in the header: power
光伏出力 (光伏标幺值, 光伏出力系数, pvPu, pv)          pv_pu                    as wind
禁止上网 (export forbidden)                           export_forbidden         1 = no export
代表天数 (权重, weight_days)                          days.weights             days per day
电价, 网损费, 输配电价, 系统运行费, 政府性基金及附加     price, loss_fee, tdu_fee, CNY/kWh (kept,
(price, lossFee, tduFee, systemFee, fundFee)          system_fee, fund_fee     not used yet)
=================================================  =======================  ==================

Errors (a missing sheet, column or item, a non-number, a wrong row count) are
:class:`~gdc.errors.InputError` naming the workbook, the sheet and column or item, and the fix.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdc.errors import InputError

PARAM_SHEETS = ("参数", "参数表", "输入参数", "基础参数", "parameters", "params", "inputs", "parameter")
CURVE_SHEETS = ("曲线", "逐时曲线", "时序曲线", "曲线数据", "负荷曲线", "8760", "curves", "hourly", "profiles")
ITEM_HEADERS = ("项目", "参数", "参数名称", "名称", "item", "parameter", "name")
VALUE_HEADERS = ("数值", "值", "取值", "参数值", "value")
UNIT_HEADERS = ("单位", "unit")
NOTE_HEADERS = ("说明", "备注", "note", "notes")

_UNITS = {
    "power": {"mw": 1.0, "mwp": 1.0, "兆瓦": 1.0, "kw": 1e-3, "kwp": 1e-3, "千瓦": 1e-3, "万kw": 10.0,
              "万千瓦": 10.0, "gw": 1000.0},
    "energy": {"mwh": 1.0, "兆瓦时": 1.0, "kwh": 1e-3, "千瓦时": 1e-3, "万kwh": 10.0, "万千瓦时": 10.0,
               "gwh": 1000.0},
    "km": {"km": 1.0, "公里": 1.0, "千米": 1.0, "m": 1e-3, "米": 1e-3},
    "kv": {"kv": 1.0, "千伏": 1.0},
    "h": {"h": 1.0, "小时": 1.0},
}


@dataclass(frozen=True)
class Item:
    """One parameter item of the template."""

    key: str
    names: tuple[str, ...]
    kind: str  # text, int, power, energy, storage, km, kv, h, rate, fraction, bool, choice, limit, record
    unit: str = ""  # default unit (documentation and export)


ITEMS: tuple[Item, ...] = (
    Item("name", ("项目名称", "name", "project name", "projectname"), "text"),
    Item("jurisdiction", ("省份", "所在省份", "地区", "省份/地区", "jurisdiction", "province"), "text"),
    Item("rule_set", ("规则集", "规则集版本", "rule set", "ruleset"), "text"),
    Item("year", ("评估年份", "年份", "year", "evaluation year"), "int"),
    Item("start_year", ("投产年份", "项目起始年", "起始年份", "start year", "startyear"), "int"),
    Item("project_type", ("项目类型", "project type"), "choice"),
    Item("users", ("用户类型", "users"), "choice"),
    Item("wind_mw", ("风电装机容量", "风电容量", "风电装机", "风电规模", "wind capacity"), "power", "MW"),
    Item("pv_mw", ("光伏装机容量", "光伏容量", "光伏装机", "光伏规模", "pv capacity"), "power", "MW"),
    Item("wind_name", ("风电名称", "风电场名称", "wind name"), "text"),
    Item("pv_name", ("光伏名称", "光伏电站名称", "pv name"), "text"),
    Item("wind_distance_km", ("风电距离", "风电线路长度", "风电送出线路长度", "wind distance"), "km", "km"),
    Item("pv_distance_km", ("光伏距离", "光伏线路长度", "光伏送出线路长度", "pv distance"), "km", "km"),
    Item("wind_same_county", ("风电同县", "风电与负荷同县", "wind same county"), "bool"),
    Item("pv_same_county", ("光伏同县", "光伏与负荷同县", "pv same county"), "bool"),
    Item("wind_same_city", ("风电同市", "风电与负荷同市", "wind same city"), "bool"),
    Item("pv_same_city", ("光伏同市", "光伏与负荷同市", "pv same city"), "bool"),
    Item("wind_county", ("风电所在县", "风电所在县区", "wind county"), "text"),
    Item("pv_county", ("光伏所在县", "光伏所在县区", "pv county"), "text"),
    Item("wind_city", ("风电所在市", "风电所在城市", "wind city"), "text"),
    Item("pv_city", ("光伏所在市", "光伏所在城市", "pv city"), "text"),
    Item("wind_offshore", ("海上风电", "风电涉海", "offshore"), "bool"),
    Item("storage_power", ("储能功率", "储能额定功率", "储能装机功率", "storage power"), "storage", "MW"),
    Item("storage_energy", ("储能容量", "储能能量", "储能电量", "储能额定容量", "storage energy",
                            "storage capacity"), "storage", "MWh"),
    Item("storage_hours", ("储能时长", "储能小时数", "storage duration", "duration"), "h", "h"),
    Item("storage_rate", ("储能倍率", "充放电倍率", "c-rate", "crate", "rate"), "rate", "C"),
    Item("dod", ("放电深度", "dod", "depth of discharge"), "fraction", "%"),
    Item("soc_min", ("soc下限", "最小soc", "soc min"), "fraction", "%"),
    Item("soc_max", ("soc上限", "最大soc", "soc max"), "fraction", "%"),
    Item("charge_efficiency", ("充电效率", "chargeeff", "charge efficiency"), "fraction", "%"),
    Item("discharge_efficiency", ("放电效率", "dischargeeff", "discharge efficiency"), "fraction", "%"),
    Item("self_discharge", ("自放电率", "self discharge"), "fraction", "%/h"),
    Item("grid_charging", ("允许电网充电", "电网充电", "grid charging"), "bool"),
    Item("grid_capacity", ("并网容量", "接入容量", "申报并网容量", "并网点容量", "最大下网功率", "电网容量",
                           "gridcapacity", "grid capacity", "connection capacity"), "power", "MW"),
    Item("feed_power", ("最大上网功率", "上网功率上限", "最大反送功率", "feedpower", "feed power"), "power", "MW"),
    Item("voltage_kv", ("接入电压等级", "电压等级", "并网电压等级", "接入电压", "voltage", "voltage level"), "kv", "kV"),
    Item("spot_market", ("现货市场", "现货市场状态", "spot market"), "choice"),
    Item("grid_330kv", ("330kv电网", "330千伏电网", "grid 330kv"), "bool"),
    Item("self_use_min", ("自发自用比例下限", "自发自用电量占比下限", "自发自用率下限", "selfusegenmin"), "limit", "%"),
    Item("load_share_min", ("绿电占比下限", "自发自用电量占总用电量比例下限", "新能源电量占比下限",
                            "selfuseloadmin"), "limit", "%"),
    Item("export_max", ("上网电量比例上限", "上网比例上限", "余电上网比例上限", "feedlimit"), "limit", "%"),
    Item("curtail_max", ("弃电率上限", "弃电比例上限", "curtaillimit"), "limit", "%"),
)

#: limit item -> (rule id, operator, threshold from the item's value [%])
LIMITS = {
    "self_use_min": ("self_use_share", ">=", lambda x: x),
    "load_share_min": ("load_share", ">=", lambda x: x),
    "export_max": ("export_share", "<=", lambda x: x),
    "curtail_max": ("utilisation", ">=", lambda x: 100.0 - x),
}

#: curve column key -> (accepted header names, profiles CSV column)
CURVES: dict[str, tuple[tuple[str, ...], str]] = {
    "timestamp": (("时间", "日期时间", "日期", "timestamp", "time", "datetime"), "timestamp"),
    "hour": (("序号", "小时", "小时数", "hour", "index"), "hour"),
    "load": (("负荷", "用电负荷", "负荷功率", "load"), "load"),
    "wind": (("风电出力", "风电标幺值", "风电出力系数", "风电出力标幺值", "风电", "windpu", "wind_pu", "wind"),
             "wind_pu"),
    "pv": (("光伏出力", "光伏标幺值", "光伏出力系数", "光伏出力标幺值", "光伏", "pvpu", "pv_pu", "pv"), "pv_pu"),
    "export_forbidden": (("禁止上网", "禁止反送", "export forbidden", "export_forbidden"), "export_forbidden"),
    "weight_days": (("代表天数", "权重", "天数", "weight_days", "weight", "days"), "weight_days"),
    "price": (("电价", "购电价格", "购电电价", "price"), "price"),
    "loss_fee": (("网损费", "线损费", "lossfee", "loss_fee"), "loss_fee"),
    "tdu_fee": (("输配电价", "输配电费", "tdufee", "tdu_fee"), "tdu_fee"),
    "system_fee": (("系统运行费", "systemfee", "system_fee"), "system_fee"),
    "fund_fee": (("政府性基金及附加", "政府基金", "fundfee", "fund_fee"), "fund_fee"),
}

_TRUE = {"是", "有", "true", "yes", "y", "1", "1.0", "√", "允许"}
_FALSE = {"否", "无", "false", "no", "n", "0", "0.0", "×", "不允许"}
_CHOICES = {
    "project_type": {"并网型": "grid-connected", "并网": "grid-connected", "grid-connected": "grid-connected",
                     "离网型": "off-grid", "离网": "off-grid", "off-grid": "off-grid"},
    "users": {"单一用户": "single", "单用户": "single", "single": "single", "多用户": "multiple",
              "多个用户": "multiple", "multiple": "multiple"},
    "spot_market": {"连续运行": "continuous", "continuous": "continuous", "未连续运行": "not-continuous",
                    "非连续运行": "not-continuous", "not-continuous": "not-continuous"},
}


@dataclass
class ImportResult:
    """What :func:`import_template` wrote and what it noticed."""

    site_path: Path
    profiles_path: Path
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- names and units

_UNIT_SUFFIX = re.compile(r"^(.*?)\s*[（(\[【]([^）)\]】]*)[）)\]】]\s*$")


def _norm(name: Any) -> str:
    """Lower case without spaces, underscores, colons."""
    return re.sub(r"[\s_:：]+", "", str(name)).lower()


def split_unit(name: Any) -> tuple[str, str]:
    """``'风电装机容量(MW)'`` -> ``('风电装机容量', 'MW')``; no unit -> ``(name, '')``."""
    text = str(name).strip()
    m = _UNIT_SUFFIX.match(text)
    return (m.group(1).strip(), m.group(2).strip()) if m else (text, "")


_ITEM_BY_NAME = {_norm(n): it for it in ITEMS for n in it.names}
_CURVE_BY_NAME = {_norm(n): key for key, (names, _) in CURVES.items() for n in names}


def _find_sheet(wb, names: tuple[str, ...], what: str, file: Path, fix: str):
    by_norm = {_norm(split_unit(s)[0]): s for s in wb.sheetnames}
    for n in names:
        if _norm(n) in by_norm:
            return wb[by_norm[_norm(n)]]
    raise InputError(f"no {what} sheet (sheets: {', '.join(wb.sheetnames)})", file=file,
                     field=f"sheet '{names[0]}'", fix=fix)


def _to_float(value: Any, file: Path, where: str, fix: str = "give a number") -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            raise InputError("empty value", file=file, field=where, fix=fix)
        return float(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    pct = text.endswith("%")
    try:
        x = float(text.rstrip("%"))
    except ValueError:
        raise InputError(f"not a number: {value!r}", file=file, field=where, fix=fix) from None
    return x / 100.0 if pct else x


def _convert(value: float, unit: str, kind: str, file: Path, where: str) -> float:
    table = _UNITS[kind]
    u = _norm(unit)
    if u == "":
        return value
    if u not in table:
        raise InputError(f"unknown unit '{unit}' for this item", file=file, field=where,
                         fix=f"use one of: {', '.join(sorted({k for k in table if k.isascii()}))}")
    return value * table[u]


def _fraction(value: Any, unit: str, file: Path, where: str) -> float:
    """A share: '85 %', 85 with unit %, or 0.85."""
    text = str(value).strip()
    x = _to_float(value, file, where)
    if text.endswith("%"):
        return x
    u = _norm(unit)
    if u.startswith("%"):
        return x / 100.0
    return x / 100.0 if x > 1.0 else x


def _bool(value: Any, file: Path, where: str) -> bool:
    t = _norm(value)
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise InputError(f"not yes/no: {value!r}", file=file, field=where, fix="write 是 or 否 (yes or no)")


# ----------------------------------------------------------------------------- reading


def _header_row(rows: list[tuple], want: list[tuple[str, ...]], limit: int) -> int | None:
    for i, row in enumerate(rows[:limit]):
        cells = {_norm(split_unit(c)[0]) for c in row if c is not None}
        if all(any(_norm(n) in cells for n in names) for names in want):
            return i
    return None


def _column(header: tuple, names: tuple[str, ...]) -> int | None:
    cells = [_norm(split_unit(c)[0]) if c is not None else "" for c in header]
    for n in names:
        if _norm(n) in cells:
            return cells.index(_norm(n))
    return None


def read_parameters(wb, file: Path) -> tuple[dict[str, tuple[Any, str, str, int]], list[tuple[str, Any, str, str]], str]:
    """Items of the parameter sheet: ``{key: (value, unit, item name, row)}``, unrecognised rows, sheet name."""
    fix = "name the parameter sheet '参数' with a header row 项目 | 数值 | 单位 (see docs/xlsx-template.md)"
    ws = _find_sheet(wb, PARAM_SHEETS, "parameter", file, fix)
    rows = list(ws.iter_rows(values_only=True))
    h = _header_row(rows, [ITEM_HEADERS, VALUE_HEADERS], 10)
    if h is None:
        raise InputError("no header row with an item column (项目) and a value column (数值)", file=file,
                         field=f"sheet '{ws.title}'", fix=fix)
    ci, cv = _column(rows[h], ITEM_HEADERS), _column(rows[h], VALUE_HEADERS)
    cu, cn = _column(rows[h], UNIT_HEADERS), _column(rows[h], NOTE_HEADERS)
    items: dict[str, tuple[Any, str, str, int]] = {}
    other: list[tuple[str, Any, str, str]] = []
    for r, row in enumerate(rows[h + 1:], start=h + 2):
        if ci >= len(row) or row[ci] is None or str(row[ci]).strip() == "":
            continue
        name, unit_in_name = split_unit(row[ci])
        value = row[cv] if cv < len(row) else None
        unit = str(row[cu]).strip() if cu is not None and cu < len(row) and row[cu] is not None else unit_in_name
        note = str(row[cn]).strip() if cn is not None and cn < len(row) and row[cn] is not None else ""
        item = _ITEM_BY_NAME.get(_norm(name))
        if item is None:
            other.append((name, value, unit, note))
            continue
        if value is None or str(value).strip() == "":
            continue
        if item.key in items:
            raise InputError(f"item '{name}' given twice (rows {items[item.key][3]} and {r})", file=file,
                             field=f"sheet '{ws.title}', item '{name}'", fix="keep one row per item")
        items[item.key] = (value, unit, name, r)
    return items, other, ws.title


def read_curves(wb, file: Path) -> tuple[dict[str, list], dict[str, str], list[tuple[str, list]], str, int]:
    """Columns of the curve sheet: ``{key: values}``, ``{key: unit}``, unrecognised columns, sheet name,
    the Excel row of the first value."""
    fix = "name the curve sheet '曲线' with a header row 时间 | 负荷(kW) | 风电出力 | 光伏出力 (see docs/xlsx-template.md)"
    ws = _find_sheet(wb, CURVE_SHEETS, "curve", file, fix)
    rows = list(ws.iter_rows(values_only=True))
    h = _header_row(rows, [CURVES["load"][0]], 5)
    if h is None:
        raise InputError("no header row with a load column (负荷)", file=file, field=f"sheet '{ws.title}', column '负荷'",
                         fix=fix)
    header = rows[h]
    body = rows[h + 1:]
    while body and all(c is None or str(c).strip() == "" for c in body[-1]):
        body.pop()
    cols: dict[str, list] = {}
    units: dict[str, str] = {}
    other: list[tuple[str, list]] = []
    for c, head in enumerate(header):
        if head is None or str(head).strip() == "":
            continue
        name, unit = split_unit(head)
        key = _CURVE_BY_NAME.get(_norm(name))
        values = [row[c] if c < len(row) else None for row in body]
        if key is None:
            other.append((str(head).strip(), values))
        elif key not in cols:
            cols[key] = values
            units[key] = unit
    return cols, units, other, ws.title, h + 2


def _numeric(values: list, file: Path, where: str, first_row: int) -> list[float]:
    out = []
    bad = []
    for i, v in enumerate(values):
        try:
            if v is None or (isinstance(v, str) and v.strip() == ""):
                raise ValueError
            out.append(float(v) if isinstance(v, int | float) else float(str(v).replace(",", "")))
        except ValueError:
            bad.append(first_row + i)
            out.append(float("nan"))
    if bad:
        shown = ", ".join(map(str, bad[:5])) + (" ..." if len(bad) > 5 else "")
        raise InputError(f"{len(bad)} empty or non-numeric cell(s) (Excel row {shown})", file=file, field=where,
                         fix="fill every hour with a number")
    return out


def _fmt(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def _rule_thresholds(jurisdiction: str, rule_set: str | None, year: int, start: int) -> tuple[Any, dict[str, Any]]:
    """The rule set and its numeric thresholds of the limit rules in a year."""
    from gdc.rules import ThresholdContext, load_rule_set, normalise_jurisdiction, resolve_threshold

    name = rule_set or jurisdiction
    normalise_jurisdiction(name.split("/")[0])
    rs = load_rule_set(name)
    ctx = ThresholdContext(year, start, site_attr=lambda _p: None)
    out: dict[str, Any] = {}
    for r in rs.active():
        if r.id in {v[0] for v in LIMITS.values()}:
            out[r.id] = fixed_threshold(r.threshold, ctx, resolve_threshold)
    return rs, out


def fixed_threshold(spec: Any, ctx: Any, resolve: Any) -> float | None:
    """A threshold that is a number in a year (constant, steps, ramp), else None (it depends on the project)."""
    from collections.abc import Mapping

    if isinstance(spec, bool):
        return None
    if isinstance(spec, int | float) or (isinstance(spec, Mapping) and set(spec) <= {"steps", "ramp", "floor"}):
        t = resolve(spec, ctx)
        return float(t) if isinstance(t, int | float) and not isinstance(t, bool) else None
    return None


def import_template(path: str | Path, site_out: str | Path, profiles_out: str | Path | None = None,
                    apply_limits: bool = False) -> ImportResult:
    """Read a template workbook (see the module docstring) into a site file and a profiles CSV.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` workbook.
    site_out : str or Path
        The ``site.yaml`` to write.
    profiles_out : str or Path, optional
        The profiles CSV; default ``profiles.csv`` beside the site file.
    apply_limits : bool
        Write the template's ratio limits that differ from the rule set as ``overrides``
        (default: as a commented-out block).

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        A missing or unreadable workbook, sheet, column or item; a value that is not a number.
    """
    import numpy as np
    import pandas as pd
    import yaml

    file = Path(path)
    if not file.is_file():
        raise InputError("file not found", file=file, fix="check the path to the workbook")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise InputError(f"cannot read as an Excel workbook (.xlsx): {exc}", file=file,
                         fix="save the template as .xlsx (Excel 2007 or later)") from exc
    try:
        items, other_items, psheet = read_parameters(wb, file)
        cols, units, other_cols, csheet, first_row = read_curves(wb, file)
    finally:
        wb.close()
    site_out = Path(site_out)
    profiles_out = Path(profiles_out) if profiles_out is not None else site_out.with_name("profiles.csv")
    notes: list[str] = []

    def where(key: str) -> str:
        return f"sheet '{psheet}', item '{items[key][2]}'" if key in items else f"sheet '{psheet}'"

    def num(key: str) -> float:
        value, _unit, _name, _r = items[key]
        return _to_float(value, file, where(key))

    def power(key: str) -> float:
        value, unit, _name, _r = items[key]
        x = _convert(num(key), unit, "power", file, where(key))
        if not unit and x > 5000:
            raise InputError(f"{x:g} MW is more than any direct-connection project: is it in kW?", file=file,
                             field=where(key), fix="state the unit (单位: kW or MW)")
        return x

    def text(key: str) -> str:
        return str(items[key][0]).strip()

    def choice(key: str) -> str:
        t = text(key)
        table = _CHOICES[key]
        if _norm(t) not in {_norm(k) for k in table}:
            raise InputError(f"unknown value {t!r}", file=file, field=where(key),
                             fix=f"one of: {', '.join(table)}")
        return next(v for k, v in table.items() if _norm(k) == _norm(t))

    def missing(name: str, example: str) -> InputError:
        return InputError("required item is missing", file=file, field=f"sheet '{psheet}', item '{name}'",
                          fix=f"add a row: {example}")

    # --- curves -----------------------------------------------------------------------------
    if "load" not in cols:
        raise InputError("no load column", file=file, field=f"sheet '{csheet}', column '负荷'",
                         fix="add a column 负荷(kW) with the hourly load")
    n = len(cols["load"])
    data: dict[str, Any] = {}
    index = None
    if "timestamp" in cols:
        try:
            index = pd.DatetimeIndex(pd.to_datetime(pd.Series(cols["timestamp"])))
        except (ValueError, TypeError) as exc:
            raise InputError(f"cannot read the timestamps: {exc}", file=file,
                             field=f"sheet '{csheet}', column '时间'", fix="use Excel dates or 'YYYY-MM-DD HH:MM'") from exc
        data["timestamp"] = index.strftime("%Y-%m-%d %H:%M")
    if "hour" in cols:
        data["hour"] = [int(x) for x in _numeric(cols["hour"], file, f"sheet '{csheet}', column '序号'", first_row)]
    load = np.array(_numeric(cols["load"], file, f"sheet '{csheet}', column '负荷'", first_row))
    load_unit = units.get("load", "")
    u = _norm(load_unit)
    if u in ("", "kw", "千瓦"):
        if u == "" and load.max(initial=0.0) < 5.0:
            raise InputError(f"the load peaks at {load.max(initial=0.0):g}: too small for kW", file=file,
                             field=f"sheet '{csheet}', column '负荷'",
                             fix="state the unit in the header: 负荷(kW) or 负荷(MW)")
        load_col, site_load_unit = "load_kw", "kW"
        if u == "":
            notes.append("the load column states no unit: read as kW (the template's default)")
    elif u in ("mw", "兆瓦"):
        load_col, site_load_unit = "load_mw", "MW"
    else:
        raise InputError(f"unknown load unit '{load_unit}'", file=file, field=f"sheet '{csheet}', column '负荷'",
                         fix="kW or MW")
    data[load_col] = load

    # --- site identity --------------------------------------------------------------------------
    name = text("name") if "name" in items else file.stem
    jurisdiction = text("jurisdiction") if "jurisdiction" in items else "national"
    if "jurisdiction" not in items:
        notes.append("no province (省份) item: the national rules apply")
    if jurisdiction in ("全国", "国家"):
        jurisdiction = "national"
    if "year" in items:
        year = int(num("year"))
    elif index is not None:
        year = int(index[0].year)
        notes.append(f"no evaluation year (评估年份): {year}, the year of the curves")
    else:
        year = datetime.date.today().year
        notes.append(f"no evaluation year (评估年份): {year}, this year")
    site: dict[str, Any] = {"name": name, "jurisdiction": jurisdiction}
    if "rule_set" in items:
        site["rule_set"] = text("rule_set")
    site["year"] = year
    if "start_year" in items:
        site["start_year"] = int(num("start_year"))
    for key in ("project_type", "users"):
        if key in items:
            site[key] = choice(key)
    site["load"] = {"file": profiles_out.name, "column": load_col, "unit": site_load_unit}

    # --- representative days ----------------------------------------------------------------------
    weights = None
    if "weight_days" in cols:
        w = np.array(_numeric(cols["weight_days"], file, f"sheet '{csheet}', column '代表天数'", first_row))
        if n % 24:
            raise InputError(f"{n} rows is not a whole number of days", file=file, field=f"sheet '{csheet}'",
                             fix="representative days need 24 rows each")
        per_day = w.reshape(-1, 24)
        if not np.allclose(per_day, per_day[:, :1]):
            raise InputError("the days represented change within a day", file=file,
                             field=f"sheet '{csheet}', column '代表天数'", fix="give the same number on all 24 rows of a day")
        weights = [float(x) for x in per_day[:, 0]]
        site["days"] = {"weights": weights}

    # --- sources ----------------------------------------------------------------------------------
    sources = []
    for tech, label_zh in (("wind", "风电"), ("pv", "光伏")):
        key = f"{tech}_mw"
        if key not in items:
            if tech in cols:
                notes.append(f"a {label_zh} curve but no {label_zh}装机容量 item: no {tech} source")
            continue
        cap = power(key)
        if tech not in cols:
            raise InputError(f"{label_zh}装机容量 is given but there is no {label_zh} curve", file=file,
                             field=f"sheet '{csheet}', column '{label_zh}出力'",
                             fix=f"add a column {label_zh}出力 with the per-unit output (MW per MW installed)")
        values = np.array(_numeric(cols[tech], file, f"sheet '{csheet}', column '{label_zh}出力'", first_row))
        cu = _norm(units.get(tech, ""))
        if cu in _UNITS["power"]:
            if cap <= 0:
                raise InputError(f"a {label_zh} curve in {units[tech]} needs a capacity above 0", file=file,
                                 field=where(key), fix="give the installed capacity")
            values = values * _UNITS["power"][cu] / cap
            notes.append(f"{label_zh} curve in {units[tech]}: divided by {cap:g} MW to per-unit")
        data[CURVES[tech][1]] = values
        src: dict[str, Any] = {"name": text(f"{tech}_name") if f"{tech}_name" in items else tech, "type": tech,
                               "capacity_mw": cap, "profile": {"file": profiles_out.name, "column": CURVES[tech][1]}}
        if f"{tech}_distance_km" in items:
            k = f"{tech}_distance_km"
            src["distance_km"] = _convert(num(k), items[k][1], "km", file, where(k))
        for attr in ("same_county", "same_city"):
            k = f"{tech}_{attr}"
            if k in items:
                src[attr] = _bool(items[k][0], file, where(k))
        for attr in ("county", "city"):
            k = f"{tech}_{attr}"
            if k in items:
                src[attr] = text(k)
        if tech == "wind" and "wind_offshore" in items:
            src["offshore"] = _bool(items["wind_offshore"][0], file, where("wind_offshore"))
        sources.append(src)
    if not sources:
        raise missing("风电装机容量", "风电装机容量 | 100 | MW (and/or 光伏装机容量), with their curves")
    site["sources"] = sources

    # --- storage ----------------------------------------------------------------------------------
    st_power = st_energy = None
    for key in ("storage_power", "storage_energy"):
        if key in items:
            value, unit, _n, _r = items[key]
            x = num(key)
            nu = _norm(unit)
            if nu in _UNITS["power"]:
                st_power = x * _UNITS["power"][nu]
            elif nu in _UNITS["energy"]:
                st_energy = x * _UNITS["energy"][nu]
            elif nu == "":
                if key == "storage_power":
                    st_power = x
                else:
                    st_energy = x
            else:
                raise InputError(f"unknown unit '{unit}'", file=file, field=where(key), fix="MW or kW, MWh or kWh")
    if st_power is not None and st_energy is None:
        if "storage_hours" in items:
            st_energy = st_power * num("storage_hours")
        elif "storage_rate" in items:
            st_energy = st_power / num("storage_rate")
    if st_energy is not None and st_power is None:
        if "storage_hours" in items:
            st_power = st_energy / num("storage_hours")
        elif "storage_rate" in items:
            st_power = st_energy * num("storage_rate")
    if (st_power is None) != (st_energy is None):
        raise missing("储能容量" if st_energy is None else "储能功率",
                      "储能功率 | 20 | MW and 储能容量 | 40 | MWh (or 储能时长 | 2 | h)")
    if st_power is not None and st_energy is not None and st_power > 0 and st_energy > 0:
        storage: dict[str, Any] = {"power_mw": st_power, "energy_mwh": st_energy}
        if "dod" in items:
            storage["soc_min"] = round(1.0 - _fraction(items["dod"][0], items["dod"][1], file, where("dod")), 12)
        for key, attr in (("soc_min", "soc_min"), ("soc_max", "soc_max"), ("charge_efficiency", "charge_efficiency"),
                          ("discharge_efficiency", "discharge_efficiency"), ("self_discharge", "self_discharge_per_h")):
            if key in items:
                storage[attr] = _fraction(items[key][0], items[key][1], file, where(key))
        if "grid_charging" in items:
            storage["grid_charging"] = _bool(items["grid_charging"][0], file, where("grid_charging"))
        site["storage"] = storage

    # --- connection ---------------------------------------------------------------------------------
    if "grid_capacity" not in items:
        raise missing("并网容量", "并网容量 | 80 | MW")
    if "voltage_kv" not in items:
        raise missing("接入电压等级", "接入电压等级 | 110 | kV")
    conn: dict[str, Any] = {"voltage_kv": _convert(num("voltage_kv"), items["voltage_kv"][1], "kv", file,
                                                   where("voltage_kv")),
                            "capacity_mw": power("grid_capacity")}
    if "spot_market" in items:
        conn["spot_market"] = choice("spot_market")
    if "grid_330kv" in items:
        conn["grid_330kv"] = _bool(items["grid_330kv"][0], file, where("grid_330kv"))
    site["connection"] = conn
    if "feed_power" in items:
        fp = power("feed_power")
        if abs(fp - conn["capacity_mw"]) > 1e-9:
            notes.append(f"最大上网功率 {fp:g} MW differs from 并网容量 {conn['capacity_mw']:g} MW: gdc limits import "
                         "and export by the connection capacity")
    if "export_forbidden" in cols:
        data["export_forbidden"] = np.array(_numeric(cols["export_forbidden"], file,
                                                     f"sheet '{csheet}', column '禁止上网'", first_row)) > 0.5
        data["export_forbidden"] = data["export_forbidden"].astype(int)
        site["export_forbidden"] = {"file": profiles_out.name, "column": "export_forbidden"}

    # --- kept columns, recorded items, limits -------------------------------------------------------------
    for key in ("price", "loss_fee", "tdu_fee", "system_fee", "fund_fee"):
        if key in cols:
            data[key] = _numeric(cols[key], file, f"sheet '{csheet}', column '{key}'", first_row)
    for head, values in other_cols:
        data[head] = values
    if weights is not None:
        data["weight_days"] = np.repeat(weights, 24)

    recorded = [f"{name_} = {_fmt(value)}{(' ' + unit) if unit else ''}{('  (' + note + ')') if note else ''}"
                for name_, value, unit, note in other_items if value is not None and str(value).strip() != ""]
    limit_lines: list[str] = []
    overrides: dict[str, Any] = {}
    limit_items = [k for k in LIMITS if k in items]
    if limit_items:
        start = site.get("start_year", year)
        rs, thresholds = _rule_thresholds(jurisdiction, site.get("rule_set"), year, start)
        for k in limit_items:
            rid, op, conv = LIMITS[k]
            value, unit, item_name, _r = items[k]
            limit = conv(100.0 * _fraction(value, unit, file, where(k)))
            have = thresholds.get(rid)
            label = f"{item_name} {_fmt(_to_float(value, file, where(k)))}{(' ' + unit) if unit else ''}"
            if rid not in thresholds:
                limit_lines.append(f"{label}: the rule set {rs.key} has no rule '{rid}': not applied")
            elif have is not None and abs(float(have) - limit) < 1e-9:
                limit_lines.append(f"{label}: the same as the rule set ({rid} {op} {_fmt(float(have))} % in {year})")
            else:
                shown = f"{_fmt(float(have))} %" if have is not None else "a threshold that depends on the project"
                limit_lines.append(f"{label}: the rule set has {rid} {op} {shown} in {year}"
                                   + ("; applied as an override" if apply_limits else "; not applied"))
                overrides[rid] = {"threshold": round(limit, 9), "note": f"template limit {item_name}"}
        if overrides and apply_limits:
            site["overrides"] = overrides

    # --- write ---------------------------------------------------------------------------------------
    site_out.parent.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(data)
    with profiles_out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# imported by gdc import-xlsx from {file.name} (sheet '{csheet}')\n")
        fh.write(f"# {load_col} [{site_load_unit}]; wind_pu, pv_pu [MW per MW installed]; "
                 "price and fees [CNY/kWh] as given (not used by gdc yet)\n")
        df.to_csv(fh, index=False, lineterminator="\n")
    head = [f"# Imported by 'gdc import-xlsx' from {file.name} (sheets '{psheet}' and '{csheet}').",
            f"# Hourly series: {profiles_out.name}. Check every value below before relying on the verdicts."]
    head += [f"# note: {n_}" for n_ in notes]
    body = yaml.safe_dump(site, allow_unicode=True, sort_keys=False, width=100)
    tail: list[str] = []
    if limit_lines:
        tail.append("# The template's limits, compared with the rule set (the rules come from the rule files):")
        tail += [f"#   {x}" for x in limit_lines]
        if overrides and not apply_limits:
            tail.append("# To apply the template's limits instead, add (or run import-xlsx --apply-limits):")
            tail += ["#   " + line for line in yaml.safe_dump({"overrides": overrides}, allow_unicode=True,
                                                                   sort_keys=False).splitlines()]
    if recorded:
        tail.append("# Template items gdc's site schema has no field for (yet): recorded, not used:")
        tail += [f"#   {x}" for x in recorded]
    if other_cols:
        tail.append(f"# Curve columns kept in {profiles_out.name}, not used: " + ", ".join(h for h, _ in other_cols))
    site_out.write_text("\n".join(head) + "\n" + body + ("\n".join(tail) + "\n" if tail else ""), encoding="utf-8")

    # validate what was written: the schema and the hourly series
    from gdc.profiles import get_profiles
    from gdc.site import read_site

    get_profiles(read_site(site_out))
    return ImportResult(site_path=site_out, profiles_path=profiles_out, notes=notes + limit_lines)


# ----------------------------------------------------------------------------- writing


def write_template(path: str | Path, params: list[tuple[str, Any, str, str]], curves: dict[str, Any]) -> Path:
    """Write a template workbook: sheet 参数 (项目 | 数值 | 单位 | 说明) and sheet 曲线.

    Parameters
    ----------
    params : list of (item, value, unit, note)
    curves : dict of header -> sequence
        Columns of the curve sheet in order (e.g. ``'负荷(kW)'``); datetimes stay datetimes.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "参数"
    ws.append(["项目", "数值", "单位", "说明"])
    for row in params:
        ws.append(list(row))
    for col, w in zip("ABCD", (26, 22, 10, 70), strict=True):
        ws.column_dimensions[col].width = w
    cs = wb.create_sheet("曲线")
    heads = list(curves)
    cs.append(heads)
    columns = [list(curves[h]) for h in heads]
    for values in zip(*columns, strict=True):
        cs.append([v.item() if hasattr(v, "item") else v for v in values])
    from openpyxl.utils import get_column_letter

    for c, h in enumerate(heads, start=1):
        cs.column_dimensions[get_column_letter(c)].width = max(12, min(24, 2 * len(h) + 2))
        if h.startswith("时间"):
            for cell in cs[get_column_letter(c)][1:]:
                cell.number_format = "yyyy-mm-dd hh:mm"
    for sheet in (ws, cs):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E8EAED")
        sheet.freeze_panes = "A2"
    wb.save(path)
    return path


def export_template(site: Any, profiles: Any, path: str | Path) -> list[str]:
    """Write a site and its profiles as a template workbook that :func:`import_template` reads back.

    The template holds at most one wind and one PV source with fixed capacities, and no meters.
    Returns notes on what the template cannot hold (overrides other than the four ratio limits).

    Raises
    ------
    InputError
        A site the template cannot hold (several wind or PV sources, capacity bounds, meters).
    """
    import numpy as np

    from gdc.check import get_rule_set
    from gdc.rules import ThresholdContext, resolve_threshold

    if site.meters is not None:
        raise InputError("a metered (operating) site cannot be written as a planning template", file=site.path,
                         field="meters", fix="export a site without meters")
    by_type: dict[str, Any] = {}
    for s in site.sources:
        if s.type in by_type:
            raise InputError(f"the template holds one {s.type} source; this site has several", file=site.path,
                             field="sources", fix="merge the sources of one type, or check the site directly")
        if not s.is_fixed():
            raise InputError("capacities given as {min, max} bounds", file=site.path, field="sources",
                             fix="give fixed capacities")
        by_type[s.type] = s
    yes = {True: "是", False: "否"}
    p: list[tuple[str, Any, str, str]] = [
        ("项目名称", site.name, "", "name"),
        ("省份", site.jurisdiction, "", "jurisdiction"),
    ]
    if site.rule_set:
        p.append(("规则集", site.rule_set, "", "rule_set"))
    p.append(("评估年份", site.year, "", "year"))
    if site.start_year is not None:
        p.append(("投产年份", site.start_year, "", "start_year"))
    p.append(("项目类型", {"grid-connected": "并网型", "off-grid": "离网型"}[site.project_type], "", "project_type"))
    p.append(("用户类型", {"single": "单一用户", "multiple": "多用户"}[site.users], "", "users"))
    for tech, zh in (("wind", "风电"), ("pv", "光伏")):
        s = by_type.get(tech)
        if s is None:
            continue
        p += [(f"{zh}装机容量", float(s.capacity_mw), "MW", f"sources[{s.name}].capacity_mw"),
              (f"{zh}名称", s.name, "", "sources[].name"),
              (f"{zh}距离", float(s.distance_km), "km", "sources[].distance_km")]
        for attr, label in (("same_county", "同县"), ("same_city", "同市")):
            if getattr(s, attr) is not None:
                p.append((f"{zh}{label}", yes[getattr(s, attr)], "", f"sources[].{attr}"))
        for attr, label in (("county", "所在县"), ("city", "所在市")):
            if getattr(s, attr):
                p.append((f"{zh}{label}", getattr(s, attr), "", f"sources[].{attr}"))
        if tech == "wind":
            p.append(("海上风电", yes[s.offshore], "", "sources[].offshore"))
    st = site.storage
    if st is not None:
        if not st.is_fixed():
            raise InputError("storage given as {min, max} bounds", file=site.path, field="storage",
                             fix="give fixed storage power and energy")
        p += [("储能功率", float(st.power_mw), "MW", "storage.power_mw"),
              ("储能容量", float(st.energy_mwh), "MWh", "storage.energy_mwh"),
              ("SOC下限", 100 * st.soc_min, "%", "storage.soc_min"),
              ("SOC上限", 100 * st.soc_max, "%", "storage.soc_max"),
              ("充电效率", 100 * st.charge_efficiency, "%", "storage.charge_efficiency"),
              ("放电效率", 100 * st.discharge_efficiency, "%", "storage.discharge_efficiency"),
              ("自放电率", 100 * st.self_discharge_per_h, "%/h", "storage.self_discharge_per_h"),
              ("允许电网充电", yes[st.grid_charging], "", "storage.grid_charging")]
    c = site.connection
    p += [("并网容量", float(c.capacity_mw), "MW", "connection.capacity_mw"),
          ("接入电压等级", float(c.voltage_kv), "kV", "connection.voltage_kv"),
          ("330kV电网", yes[c.grid_330kv], "", "connection.grid_330kv")]
    if c.spot_market:
        p.append(("现货市场", {"continuous": "连续运行", "not-continuous": "未连续运行"}[c.spot_market], "",
                  "connection.spot_market"))
    # the ratio limits in force (overrides included), as the Chinese tools list them
    notes: list[str] = []
    rs, _ = get_rule_set(site)
    ctx = ThresholdContext(site.year, site.effective_start_year, site_attr=lambda _p: None)
    names = {"self_use_min": "自发自用比例下限", "load_share_min": "绿电占比下限", "export_max": "上网电量比例上限",
             "curtail_max": "弃电率上限"}
    limit_rules = {rid: key for key, (rid, _op, _f) in LIMITS.items()}
    for r in rs.active():
        if r.id in limit_rules and r.kind != "checklist":
            t = fixed_threshold(r.threshold, ctx, resolve_threshold)
            if t is not None:
                key = limit_rules[r.id]
                value = 100.0 - float(t) if key == "curtail_max" else float(t)
                p.append((names[key], round(value, 9), "%", f"rule {r.id} {r.op} ({rs.key}, {site.year})"))
    for rid in site.overrides:
        if rid not in limit_rules:
            notes.append(f"override '{rid}' is not a template item: not exported")

    curves: dict[str, Any] = {"序号": list(range(1, profiles.hours + 1))}
    if profiles.index is not None and profiles.is_full_year:
        curves["时间"] = list(profiles.index.to_pydatetime())
    if site.load.unit == "kW":  # the site's own unit: the round trip stays exact
        curves["负荷(kW)"] = (profiles.load_mw * 1000.0).tolist()
    else:
        curves["负荷(MW)"] = profiles.load_mw.tolist()
    for tech, zh in (("wind", "风电"), ("pv", "光伏")):
        s = by_type.get(tech)
        if s is not None:
            curves[f"{zh}出力(标幺值)"] = np.asarray(profiles.pu[s.name], dtype=float).tolist()
    if profiles.export_forbidden.any():
        curves["禁止上网"] = profiles.export_forbidden.astype(int).tolist()
    if site.days is not None:
        curves["代表天数"] = profiles.weights.tolist()
    write_template(path, p, curves)
    return notes
