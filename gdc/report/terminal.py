"""The terminal report of a check: header, definitions, energy totals, verdict table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gdc.check import CheckResult
from gdc.operation.metrics import DEFINITIONS, RATIO_DEFINITIONS, alternative_ratios
from gdc.report.text import (
    clean_zero,
    energy_row,
    fmt_energy,
    fmt_margin,
    fmt_threshold,
    fmt_value,
    phrase,
    table,
    word,
)
from gdc.rules.verdicts import counts, in_rule_table, shown_checklist

STATUS_COLOURS = {"pass": "green", "fail": "red", "review": "yellow", "n/a": None, "confirm": "cyan"}


def design_line(result: CheckResult, lang: str) -> str:
    d = result.design
    parts = []
    types = {s.name: s.type for s in result.site.sources}
    for name, cap in d.capacities_mw.items():
        parts.append(f"{name} {clean_zero(cap, 1):,.1f} MW ({word(types.get(name, ''), lang)})")
    if d.storage_power_mw > 0:
        parts.append(f"{word('storage', lang)} {clean_zero(d.storage_power_mw, 1):,.1f} MW / "
                     f"{clean_zero(d.storage_energy_mwh, 1):,.1f} MWh")
    else:
        parts.append(f"{word('storage', lang)}: {word('none', lang)}")
    return ", ".join(parts)


def header_lines(result: CheckResult, lang: str, title: str = "check") -> list[str]:
    from gdc import __version__

    site, rs = result.site, result.rule_set
    chain = f" ({word('extends', lang)} {', '.join(rs.chain[:-1])})" if len(rs.chain) > 1 else ""
    p = result.profiles
    rows = (f"{p.hours} h" if p.is_full_year
            else f"{p.hours // 24} d x 24 h, {word('weighted', lang)} ({p.weights.sum():,.0f} h)")
    lines = [
        f"gdc {__version__} {title}: {site.name}",
        f"  {word('site_file', lang)}: {site.path}" if site.path else "",
        f"  {word('rule_set', lang)}: {rs.key}{chain}  {rs.title(lang)}",
        f"  {word('year', lang)}: {site.year}   {word('start', lang)}: {site.effective_start_year}   "
        f"{word('hours', lang)}: {rows}",
        f"  {'项目寿命' if lang == 'zh' else 'life'}: {p.life.describe(lang)}" if p.life is not None else "",
        f"  {word('dispatch', lang)}: {word('dispatch_' + result.balance.source, lang)}   "
        f"{word('spot', lang)}: {word('spot_' + str(result.spot_market), lang)}",
        f"  {word('design', lang)}: {design_line(result, lang)}",
    ]
    return [x for x in lines if x]


def definitions_lines(lang: str) -> list[str]:
    out = [word("definitions", lang)]
    for sym, (zh, en, dzh, den) in DEFINITIONS.items():
        name = zh if lang == "zh" else en
        out.append(f"  {sym}  {name}: {dzh if lang == 'zh' else den}")
    return out


def energy_lines(result: CheckResult, lang: str) -> list[str]:
    m = result.metrics
    headers, row = energy_row(m, lang)
    extra = (f"  A = {word('wind', lang)} {fmt_energy(m.A_wind)} + {word('pv', lang)} {fmt_energy(m.A_pv)};  "
             f"{word('peak_import', lang)} {clean_zero(m.max_import_mw, 1):,.1f} MW, {word('peak_export', lang)} "
             f"{clean_zero(m.max_export_mw, 1):,.1f} MW")
    return [word("energy", lang), table(headers, [row], right=set(range(len(headers)))), extra]


_COST_WORDS = {"cny_10k": ("10^4 CNY/yr", "万元/年"), "presets": ("presets", "参数来源")}


def cost_lines(result: CheckResult, lang: str) -> list[str]:
    """The annual cost breakdown of a sized or optimally dispatched design."""
    def local(key: str) -> str:
        en, zh = _COST_WORDS[key]
        return zh if lang == "zh" else en

    cost = result.extra["cost"]
    rows = [[it["name_zh"] if lang == "zh" else it["name_en"], f"{it['cny_per_year'] / 1e4:,.1f}"]
            for it in cost["items"]]
    rows.append([word("cost_total", lang), f"{cost['total_cny_per_year'] / 1e4:,.1f}"])
    out = [word("cost", lang), table([word("cost_item", lang), local("cny_10k")], rows, right={1})]
    out.append(f"  {word('cny_per_mwh_load', lang)}: {cost['cny_per_mwh_load']:,.1f}   "
               f"({local('presets')}: " + ", ".join(f"{k} {v}" for k, v in cost["presets"].items()) + ")")
    opt = result.extra.get("optimiser")
    if opt:
        solver = f" ({opt['solver']})" if opt.get("solver") else ""
        out.append(f"  LP: {opt['columns']:,} columns x {opt['rows']:,} rows, HiGHS{solver} {opt['status']}, "
                   f"build {opt['build_s']:.2f} s, translate {opt['translate_s']:.2f} s, solve {opt['solve_s']:.2f} s")
        if opt.get("self_use_first"):
            out.append(f"  {sizing_line(opt['self_use_first'], lang)}")
    return out


def sizing_line(search: dict[str, Any], lang: str) -> str:
    """How close the sized design is to the least cost (the self-use-first search's certificate):
    ``optimal``, or ``certified within 0.49 % of the least cost (lower bound ... CNY/yr)``."""
    gap = float(search.get("gap", 0.0))
    if search.get("status") == "exact" or gap <= 1e-6:
        return word("sizing_optimal", lang)
    text = word("sizing_within", lang).format(gap=f"{100 * gap:.2f}", lower=f"{search['lower_bound']:,.0f}",
                                             lps=search.get("lps", "?"))
    if not search.get("converged", True):
        text += word("sizing_stopped", lang).format(tol=f"{100 * float(search.get('gap_tol', 0.0)):.2f}")
    return text


def summary_counts(result: CheckResult) -> dict[str, int]:
    """The counts of the result line: :func:`gdc.rules.verdicts.counts` (what the report shows)."""
    return counts(result.verdicts)


def verdict_rows(result: CheckResult, lang: str, colour: Callable[[str, str], str]) -> list[list[str] | str]:
    rows = []
    other = "en" if lang == "zh" else "zh"
    for v in result.verdicts:
        if not in_rule_table(v):
            continue
        r = v.rule
        name = f"{r.name(lang)}"
        status = word(v.status, lang)
        if r.overridden:
            status += "*"
        rows.append([name, fmt_value(v.value, v.unit, lang), fmt_threshold(r.op, v.threshold, v.unit, lang),
                     fmt_margin(v.margin, v.unit), colour(status, v.status),
                     f"{r.source.short(lang)} ({r.confidence})"])
        detail = phrase(v.detail, lang)
        rows.append("  " + r.name(other) + (f"  ({detail})" if detail else ""))
    return rows


def render_check(result: CheckResult, lang: str = "en", colour: bool = False, definitions: str = "default",
                 title: str = "check") -> str:
    """The whole terminal report of a check, as text.

    Parameters
    ----------
    result : CheckResult
    lang : {'en', 'zh'}
    colour : bool
        Colour the verdicts with ANSI codes (for a terminal).
    definitions : {'default', 'all'}
        ``all`` adds the alternative definitions side by side.
    """
    import click

    def paint(text: str, status: str) -> str:
        c = STATUS_COLOURS.get(status)
        return click.style(text, fg=c, bold=status == "fail") if colour and c else text

    out: list[str] = header_lines(result, lang, title)
    out.append("")
    out += definitions_lines(lang)
    out.append("")
    out += energy_lines(result, lang)
    if "cost" in result.extra:
        out.append("")
        out += cost_lines(result, lang)
    out.append("")
    out.append(word("rules", lang))
    headers = [word(k, lang) for k in ("rule", "value", "threshold", "margin", "verdict", "source")]
    out.append(table(headers, verdict_rows(result, lang, paint), right={1, 2, 3}))
    if result.allocation is not None:  # several users (688号): the per-user table
        from gdc.report.users import user_lines

        out.append("")
        out += user_lines(result.allocation, lang)
    checklist = shown_checklist(result.verdicts)
    if checklist:
        out.append("")
        out.append(word("checklist", lang))
        for v in checklist:
            out.append(f"  [ ] {v.rule.name(lang)}  ({v.rule.source.short(lang)})")
    if definitions == "all":
        out.append("")
        out.append(word("alternatives", lang))
        names = {k: (zh if lang == "zh" else en) for k, (zh, en, _) in RATIO_DEFINITIONS.items()}
        rows = [[names.get(r["quantity"], r["quantity"]), r["definition_zh" if lang == "zh" else "definition"],
                 r["formula"], f"{clean_zero(r['value'], 2):.2f}"]
                for r in alternative_ratios(result.metrics)]
        out.append(table([word(k, lang) for k in ("quantity", "definition", "formula", "value")], rows,
                         right={3}))
    overridden = [v.rule for v in result.verdicts if v.rule.overridden]
    notes = [phrase(n, lang) for n in result.notes] + [f"* {r.id}: {r.overridden}" for r in overridden]
    if notes:
        out.append("")
        out.append(word("notes", lang))
        out += [f"  - {n}" for n in notes]
    out.append("")
    c = summary_counts(result)
    summary = ", ".join(f"{c[s]} {word(s, lang)}" for s in ("pass", "fail", "review", "n/a") if c[s])
    if c["confirm"]:
        summary += f"; {c['confirm']} {word('to_confirm', lang)}"
    status = result.status
    b = result.binding
    tail = f"   {word('binding', lang)}: {b.rule.name(lang)} ({fmt_margin(b.margin, b.unit)})" if b else ""
    out.append(f"{word('result', lang)}: {paint(word(status, lang).upper(), status)} ({summary}){tail}")
    return "\n".join(out)
