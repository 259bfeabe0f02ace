"""Reading the Chinese planning tools' Excel template into a site file (``gdc import-xlsx``).

The template (sheets, item names, units) is defined in :mod:`gdc.exchange.template`;
:mod:`gdc.exchange.xlsx_export` writes it.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdc.exchange.template import (
    _CHOICES,
    _CURVE_BY_NAME,
    _ITEM_BY_NAME,
    _UNITS,
    CURVE_SHEETS,
    CURVES,
    ITEM_HEADERS,
    LIMITS,
    NOTE_HEADERS,
    PARAM_SHEETS,
    UNIT_HEADERS,
    VALUE_HEADERS,
    _bool,
    _convert,
    _find_sheet,
    _fraction,
    _norm,
    _pct_rate,
    _to_float,
    fixed_threshold,
    split_unit,
)
from gdc.site.errors import InputError


@dataclass
class ImportResult:
    """What :func:`import_template` wrote and what it noticed."""

    site_path: Path
    profiles_path: Path
    notes: list[str] = field(default_factory=list)


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


def _cost(items: dict[str, tuple[Any, str, str, int]], key: str, kind: str, file: Path, where: Any,
          num: Any) -> float:
    """A unit cost in CNY per kW, kWh or km (the item's unit, else the template's default)."""
    x = num(key)
    unit = items[key][1]
    if x < 0:
        raise InputError(f"a negative cost: {x:g}", file=file, field=where(key), fix="give the cost, 0 or more")
    if not unit.strip():
        if kind in ("cost_kw", "cost_kwh") and 0 < x < 50:
            per = "W" if kind == "cost_kw" else "Wh"
            raise InputError(f"{x:g} CNY per k{per} is far below any plant's cost: is it in 元/{per}?", file=file,
                             field=where(key), fix=f"state the unit (单位: 元/k{per} or 元/{per})")
        return x * (1e4 if kind == "cost_km" else 1.0)  # the template's defaults: 元/kW, 元/kWh, 万元/km
    return _convert(x, unit, kind, file, where(key))


def _economics(items: dict[str, tuple[Any, str, str, int]], other_items: list[tuple[str, Any, str, str]],
               site: dict[str, Any], file: Path, where: Any, num: Any, notes: list[str]) -> dict[str, Any]:
    """The template's costs as the site's ``economics`` overrides (the preset fills the rest).

    风电/光伏单位投资 -> ``{wind,pv}.capex_cny_per_kw``; 储能单位投资 per kWh -> ``storage.capex_cny_per_kwh``
    with the power part 0 (per kW: ``capex_cny_per_kw``, energy part 0); 运维费率 -> every technology's
    ``fixed_om_pct``; 折现率 -> ``discount_rate`` (a fraction); 评价年限 -> every technology's
    ``life_years`` (the tool recovers each investment over its evaluation period).
    """
    eco: dict[str, Any] = {}
    offshore = any(s.get("offshore") for s in site.get("sources", []) if s["type"] == "wind")
    wind_key = "offshore_wind" if offshore else "wind"

    def tech(key: str) -> dict[str, Any]:
        return eco.setdefault(key, {})

    if "discount_rate" in items:
        eco["discount_rate"] = round(_pct_rate(items["discount_rate"][0], items["discount_rate"][1], file,
                                               where("discount_rate")), 12)
    if "wind_capex" in items:
        tech(wind_key)["capex_cny_per_kw"] = _cost(items, "wind_capex", "cost_kw", file, where, num)
    if "pv_capex" in items:
        tech("pv")["capex_cny_per_kw"] = _cost(items, "pv_capex", "cost_kw", file, where, num)
    if "storage_capex" in items:
        unit = _norm(items["storage_capex"][1])
        if unit in _UNITS["cost_kw"]:
            tech("storage").update(capex_cny_per_kw=_cost(items, "storage_capex", "cost_kw", file, where, num),
                                   capex_cny_per_kwh=0.0)
            notes.append("储能单位投资 is per kW: the storage energy part of the cost is 0")
        else:
            tech("storage").update(capex_cny_per_kwh=_cost(items, "storage_capex", "cost_kwh", file, where, num),
                                   capex_cny_per_kw=0.0)
            notes.append("储能单位投资 is per kWh: the storage power part of the cost is 0 "
                         "(the whole system is priced by its energy, as in the template)")
    if "storage_power_capex" in items:
        tech("storage")["capex_cny_per_kw"] = _cost(items, "storage_power_capex", "cost_kw", file, where, num)
    if "storage_energy_capex" in items:
        tech("storage")["capex_cny_per_kwh"] = _cost(items, "storage_energy_capex", "cost_kwh", file, where, num)
    if "line_cost" in items:
        eco["line_cny_per_km"] = _cost(items, "line_cost", "cost_km", file, where, num)
    techs = [wind_key] * any(s["type"] == "wind" for s in site.get("sources", [])) \
        + ["pv"] * any(s["type"] == "pv" for s in site.get("sources", [])) + ["storage"]
    if "opex_ratio" in items:
        pct = round(100.0 * _pct_rate(items["opex_ratio"][0], items["opex_ratio"][1], file, where("opex_ratio")), 9)
        for t in techs:
            tech(t)["fixed_om_pct"] = pct
    if "eval_period" in items:
        value, unit, _n, _r = items["eval_period"]
        years = _convert(num("eval_period"), unit, "years", file, where("eval_period"))
        if not float(years).is_integer() or years < 1:
            raise InputError(f"not a whole number of years: {years:g}", file=file, field=where("eval_period"),
                             fix="give the evaluation period in whole years")
        for t in techs:
            tech(t)["life_years"] = int(years)
        notes.append(f"评价年限 {int(years)} years: the life over which gdc spreads every investment "
                     "(wind, PV, storage; the line keeps the preset's)")
    # the battery replacement has no field: say what it would add
    rec = {_norm(name): (value, unit) for name, value, unit, _note in other_items}
    if {"电池更换年份", "电池更换单价"} <= set(rec) and eco.get("discount_rate") is not None:
        try:
            year = float(rec["电池更换年份"][0])
            unit_cost = float(rec["电池更换单价"][0])
            share = _fraction(rec["电池更换比例"][0], rec["电池更换比例"][1], file, "电池更换比例") \
                if "电池更换比例" in rec else 1.0
        except (TypeError, ValueError, InputError):
            pass
        else:
            pv = unit_cost * share / (1.0 + eco["discount_rate"]) ** year
            notes.append(f"电池更换 (battery replacement in year {year:g}) is not modelled: its present value is "
                         f"{pv:.1f} 元/kWh ({unit_cost:g} x {share:g} / {1 + eco['discount_rate']:g}^{year:g}); "
                         "add it to economics.storage.capex_cny_per_kwh to include it")
    return eco


def _rule_thresholds(jurisdiction: str, rule_set: str | None, year: int, start: int) -> tuple[Any, dict[str, Any]]:
    """The rule set and its numeric thresholds of the limit rules in a year."""
    from gdc.rules.ruleset import (
        ThresholdContext,
        load_rule_set,
        normalise_jurisdiction,
        resolve_threshold,
    )

    name = rule_set or jurisdiction
    normalise_jurisdiction(name.split("/")[0])
    rs = load_rule_set(name)
    ctx = ThresholdContext(year, start, site_attr=lambda _p: None)
    out: dict[str, Any] = {}
    for r in rs.active():
        if r.id in {v[0] for v in LIMITS.values()}:
            out[r.id] = fixed_threshold(r.threshold, ctx, resolve_threshold)
    return rs, out


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
    # the site file names the CSV relative to its own folder (beside it by default)
    csv_ref = Path(os.path.relpath(profiles_out.resolve(), site_out.resolve().parent)).as_posix()
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
    site["load"] = {"file": csv_ref, "column": load_col, "unit": site_load_unit}

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
                               "capacity_mw": cap, "profile": {"file": csv_ref, "column": CURVES[tech][1]}}
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
        site["export_forbidden"] = {"file": csv_ref, "column": "export_forbidden"}

    # --- costs (economics) ---------------------------------------------------------------------------------
    economics = _economics(items, other_items, site, file, where, num, notes)
    if economics:
        site["economics"] = economics

    # --- kept columns, recorded items, limits -------------------------------------------------------------
    for key in ("price", "loss_fee", "tdu_fee", "system_fee", "fund_fee"):
        if key in cols:
            data[key] = _numeric(cols[key], file, f"sheet '{csheet}', column '{key}'", first_row)
    if "price" in data:
        # the template's hourly prices become the site's tariff for gdc size: the energy price
        # plus every fee paid on imported energy [CNY/kWh]
        site["tariff"] = {
            "import_price": {"file": csv_ref, "column": "price"},
            "import_fees": [{"file": csv_ref, "column": k}
                            for k in ("loss_fee", "tdu_fee", "system_fee", "fund_fee") if k in data],
        }
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
    profiles_out.parent.mkdir(parents=True, exist_ok=True)
    from gdc.exchange.cells import csv_safe_frame

    df = csv_safe_frame(pd.DataFrame(data))  # the template's other columns may hold any text
    with profiles_out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# imported by gdc import-xlsx from {file.name} (sheet '{csheet}')\n")
        fh.write(f"# {load_col} [{site_load_unit}]; wind_pu, pv_pu [MW per MW installed]; "
                 "price and fees [CNY/kWh] as given (the site's tariff: energy price + fees on imports)\n")
        df.to_csv(fh, index=False, lineterminator="\n")
    head = [f"# Imported by 'gdc import-xlsx' from {file.name} (sheets '{psheet}' and '{csheet}').",
            f"# Hourly series: {csv_ref}. Check every value below before relying on the verdicts."]
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
        tail.append("# Template items the site schema has no field for: recorded, not used "
                    "(docs/xlsx-template.md says what gdc does instead):")
        tail += [f"#   {x}" for x in recorded]
    if other_cols:
        tail.append(f"# Curve columns kept in {profiles_out.name}, not used: " + ", ".join(h for h, _ in other_cols))
    site_out.write_text("\n".join(head) + "\n" + body + ("\n".join(tail) + "\n" if tail else ""), encoding="utf-8")

    # validate what was written: the schema and the hourly series
    from gdc.profiles.series import get_profiles
    from gdc.site.schema import read_site

    get_profiles(read_site(site_out))
    return ImportResult(site_path=site_out, profiles_path=profiles_out, notes=notes + limit_lines)
