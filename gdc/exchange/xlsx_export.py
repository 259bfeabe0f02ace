"""Writing a site and its profiles as the Chinese planning tools' Excel template.

The inverse of :mod:`gdc.exchange.xlsx_import`; the template is defined in :mod:`gdc.exchange.template`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gdc.exchange.template import (
    LIMITS,
    fixed_threshold,
)
from gdc.site.errors import InputError

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

    from gdc.exchange.cells import text_only

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
    text_only(wb)  # names and places are text, never formulas
    wb.save(path)
    return path


def _export_costs(site: Any, by_type: dict[str, Any], p: list[tuple[str, Any, str, str]]) -> list[str]:
    """The site's ``economics`` overrides as template items (appended to ``p``); notes on the rest."""
    eco = site.economics
    notes: list[str] = []
    wind = by_type.get("wind")
    wind_cost = eco.offshore_wind if wind is not None and wind.offshore else eco.wind
    techs = {"wind": wind_cost, "pv": eco.pv, "storage": eco.storage}
    techs = {k: v for k, v in techs.items() if k == "storage" or k in by_type}  # as import-xlsx applies them
    for zh, key in (("风电单位投资", "wind"), ("光伏单位投资", "pv")):
        tc = techs.get(key)
        if tc is not None and tc.capex_cny_per_kw is not None:
            p.append((zh, float(tc.capex_cny_per_kw), "元/kW", f"economics.{key}.capex_cny_per_kw"))
    if eco.storage is not None:
        if eco.storage.capex_cny_per_kw is not None:
            p.append(("储能功率单位投资", float(eco.storage.capex_cny_per_kw), "元/kW", "economics.storage.capex_cny_per_kw"))
        if eco.storage.capex_cny_per_kwh is not None:
            p.append(("储能容量单位投资", float(eco.storage.capex_cny_per_kwh), "元/kWh",
                      "economics.storage.capex_cny_per_kwh"))
    if eco.line_cny_per_km is not None:
        p.append(("线路单位造价", float(eco.line_cny_per_km) / 1e4, "万元/km", "economics.line_cny_per_km"))
    if eco.discount_rate is not None:
        p.append(("折现率", round(100.0 * eco.discount_rate, 9), "%", "economics.discount_rate"))
    # one O&M rate and one evaluation period in the template: only when every technology has the same
    for zh, attr, unit in (("运维费率", "fixed_om_pct", "%"), ("评价年限", "life_years", "年")):
        values = {getattr(tc, attr) if tc is not None else None for tc in techs.values()}
        if len(values) == 1 and None not in values:
            p.append((zh, values.pop(), unit, f"economics.*.{attr}"))
        elif values - {None}:
            notes.append(f"economics {attr} differs between technologies: not exported ({zh} is one value)")
    return notes


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
    from gdc.rules.ruleset import ThresholdContext, resolve_threshold

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
    p.append(("用户类型", {"single": "单一用户", "multiple": "多用户"}[site.user_mode], "", "users"))
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
    notes: list[str] = _export_costs(site, by_type, p)
    # the ratio limits in force (overrides included), as the Chinese tools list them
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
    if site.user_list:
        notes.append(f"the template holds one load: the total of the {len(site.user_list)} users is exported, "
                     "their own loads, allocation and minimum shares are not")

    curves: dict[str, Any] = {"序号": list(range(1, profiles.hours + 1))}
    if profiles.index is not None and profiles.is_full_year:
        curves["时间"] = list(profiles.index.to_pydatetime())
    if site.load is not None and site.load.unit == "kW":  # the site's own unit: the round trip stays exact
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
