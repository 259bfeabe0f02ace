"""The Chinese planning tools' Excel template: import it as a site file, export a site to it.

Chinese planning tools for green-power direct connection (e.g. "绿电直连新能源优化配置 V3.0")
take a workbook of two sheets: an item/value parameter sheet and an
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
风电单位投资 (windInvest)                  economics.wind.capex_cny_per_kw (offshore:   元/kW
                                       economics.offshore_wind)
光伏单位投资 (pvInvest)                    economics.pv.capex_cny_per_kw                元/kW
储能单位投资 (essInvest)                   economics.storage.capex_cny_per_kwh, power   元/kWh
                                       part 0 (in 元/kW: capex_cny_per_kw, energy 0)
储能功率单位投资 / 储能容量单位投资          economics.storage.capex_cny_per_kw / _kwh    元/kW, 元/kWh
线路单位造价                               economics.line_cny_per_km                    万元/km
运维费率 (opexRatio)                      economics.{wind,pv,storage}.fixed_om_pct     %
折现率 (discountRate)                     economics.discount_rate (3 % -> 0.03)        %
评价年限 (evalPeriod)                     economics.{wind,pv,storage}.life_years       年
=====================================  ===========================================  ==========

Limits of the tool (自发自用比例下限 selfUseGenMin, 绿电占比下限 selfUseLoadMin, 上网电量比例上限
feedLimit, 弃电率上限 curtailLimit) are compared with the rule set's thresholds; a limit that
differs becomes a commented-out ``overrides:`` entry (applied only with ``apply_limits``): the
rules come from the rule files, not from a tool's settings. ``最大上网功率`` (feedPower) is
compared with the connection capacity (gdc uses one capacity both ways). Every other item
(other fixed investment, staff, salary, battery replacement, initial SOC, average load rate,
...) goes into a comment block of the site file: the schema has no field for it
(docs/xlsx-template.md says what gdc does instead).

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
电价, 网损费, 输配电价, 系统运行费, 政府性基金及附加     price, loss_fee, tdu_fee, CNY/kWh: the
(price, lossFee, tduFee, systemFee, fundFee)          system_fee, fund_fee     site's tariff (import
                                                                             price = price + fees)
=================================================  =======================  ==================

Errors (a missing sheet, column or item, a non-number, a wrong row count) are
:class:`~gdc.site.errors.InputError` naming the workbook, the sheet and column or item, and the fix.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdc.site.errors import InputError

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
    # unit costs, to CNY per kW, per kWh, per km
    "cost_kw": {"元/kw": 1.0, "元/kwp": 1.0, "cny/kw": 1.0, "yuan/kw": 1.0, "元/w": 1000.0, "元/wp": 1000.0,
                "cny/w": 1000.0, "万元/mw": 10.0, "万元/mwp": 10.0, "元/mw": 1e-3, "万元/万kw": 1.0},
    "cost_kwh": {"元/kwh": 1.0, "cny/kwh": 1.0, "yuan/kwh": 1.0, "元/wh": 1000.0, "cny/wh": 1000.0,
                 "万元/mwh": 10.0, "元/mwh": 1e-3},
    "cost_km": {"元/km": 1.0, "cny/km": 1.0, "元/公里": 1.0, "万元/km": 1e4, "万元/公里": 1e4},
    "years": {"年": 1.0, "a": 1.0, "y": 1.0, "yr": 1.0, "years": 1.0, "year": 1.0},
}


@dataclass(frozen=True)
class Item:
    """One parameter item of the template."""

    key: str
    names: tuple[str, ...]
    kind: str  # text, int, power, energy, storage, km, kv, h, rate, fraction, bool, choice, limit,
    #            cost_kw, cost_kwh, cost_storage, cost_km, pct_rate, years
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
    # costs for gdc size: economics.* of the site file
    Item("wind_capex", ("风电单位投资", "风电投资单价", "风电单位造价", "风电单位千瓦投资", "windinvest", "wind capex"),
         "cost_kw", "元/kW"),
    Item("pv_capex", ("光伏单位投资", "光伏投资单价", "光伏单位造价", "光伏单位千瓦投资", "pvinvest", "pv capex"),
         "cost_kw", "元/kW"),
    Item("storage_capex", ("储能单位投资", "储能投资单价", "储能单位造价", "essinvest", "storage capex"),
         "cost_storage", "元/kWh"),
    Item("storage_power_capex", ("储能功率单位投资", "储能功率投资单价", "storage power capex"), "cost_kw", "元/kW"),
    Item("storage_energy_capex", ("储能容量单位投资", "储能能量单位投资", "储能容量投资单价", "storage energy capex"),
         "cost_kwh", "元/kWh"),
    Item("line_cost", ("线路单位造价", "送出线路单位造价", "线路造价", "line cost"), "cost_km", "万元/km"),
    Item("opex_ratio", ("运维费率", "年运维费率", "运维费用比例", "运维成本比例", "opexratio", "o&m rate"), "pct_rate", "%"),
    Item("discount_rate", ("折现率", "贴现率", "discountrate", "discount rate"), "pct_rate", "%"),
    Item("eval_period", ("评价年限", "评价期", "计算期", "经济评价年限", "evalperiod", "evaluation period"), "years", "年"),
)

#: cost items -> the economics field they set (``{tech}`` is wind / offshore_wind, pv, storage)
COST_FIELDS = {
    "wind_capex": "economics.wind.capex_cny_per_kw (offshore_wind when 海上风电 is 是)",
    "pv_capex": "economics.pv.capex_cny_per_kw",
    "storage_capex": "economics.storage.capex_cny_per_kwh (per kWh; the power part 0) or capex_cny_per_kw (per kW)",
    "storage_power_capex": "economics.storage.capex_cny_per_kw",
    "storage_energy_capex": "economics.storage.capex_cny_per_kwh",
    "line_cost": "economics.line_cny_per_km",
    "opex_ratio": "economics.{wind,pv,storage}.fixed_om_pct",
    "discount_rate": "economics.discount_rate (a fraction: 3 % -> 0.03)",
    "eval_period": "economics.{wind,pv,storage}.life_years",
}

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


def _pct_rate(value: Any, unit: str, file: Path, where: str) -> float:
    """A yearly rate (O&M, discount) as a fraction: '3 %', 3 with unit %, 0.03; a bare number of
    0.3 or more is read as per cent (no rate of O&M or discount is 30 % or more a year)."""
    text = str(value).strip()
    x = _to_float(value, file, where)
    if text.endswith("%"):
        return x
    if _norm(unit).startswith("%"):
        return x / 100.0
    if _norm(unit) not in ("",):
        raise InputError(f"unknown unit '{unit}' for a rate", file=file, field=where, fix="give it in %")
    return x / 100.0 if x >= 0.3 else x


def _bool(value: Any, file: Path, where: str) -> bool:
    t = _norm(value)
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise InputError(f"not yes/no: {value!r}", file=file, field=where, fix="write 是 or 否 (yes or no)")


def fixed_threshold(spec: Any, ctx: Any, resolve: Any) -> float | None:
    """A threshold that is a number in a year (constant, steps, ramp), else None (it depends on the project)."""
    from collections.abc import Mapping

    if isinstance(spec, bool):
        return None
    if isinstance(spec, int | float) or (isinstance(spec, Mapping) and set(spec) <= {"steps", "ramp", "floor"}):
        t = resolve(spec, ctx)
        return float(t) if isinstance(t, int | float) and not isinstance(t, bool) else None
    return None
