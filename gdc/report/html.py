"""The HTML report of a check: one self-contained file (inline CSS, plots as inline SVG).

:func:`write_html_report` writes it; :func:`render_html` returns the text. The content
mirrors the terminal report (:mod:`gdc.report.terminal`): header, verdict table with
values, thresholds, margins and sources, checklist, energy totals and ratios,
definitions, notes; and adds plots (:mod:`gdc.report.plots`): annual energy flows, the
monthly (or per representative day) balance, hour-of-day heat maps of import, export and
state of charge, a dispatch week per season, year-dependent thresholds by year, the
cost breakdown when ``result.extra["cost"]`` is present, and the finance block with the
cumulative cash flows and the payback year when ``result.extra["finance"]`` is.

The page helpers (:func:`page`, :func:`html_table`, :func:`status_badge`, :func:`figure_html`)
are generic so a batch summary can reuse them. Nothing is loaded from the network. The plots'
labels are SVG text, drawn by the reader's browser with its own fonts (Chinese included).
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gdc.operation.metrics import DEFINITIONS, RATIO_DEFINITIONS, alternative_ratios
from gdc.report.text import (
    energy_row,
    fmt_energy,
    fmt_margin,
    fmt_threshold,
    fmt_value,
    phrase,
    word,
)
from gdc.rules.verdicts import counts, in_rule_table, shown_checklist

STATUS_CSS = {"pass": "#1e8e3e", "fail": "#c5221f", "review": "#b06000", "n/a": "#80868b",
              "confirm": "#1a73e8"}

CSS = """
:root { --fg: #202124; --muted: #5f6368; --line: #dadce0; --bg-soft: #f8f9fa; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans CJK SC", "Noto Sans SC",
       "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif;
       color: var(--fg); margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; font-size: 15px;
       line-height: 1.45; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 18px 0 6px; }
.subtitle { color: var(--muted); font-size: 15px; margin-bottom: 16px; }
table { border-collapse: collapse; margin: 6px 0 12px; min-width: 60%; }
table.verdicts, table.wide { width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.small { font-size: 12.5px; color: var(--muted); }
.badge { display: inline-block; padding: 2px 9px; border-radius: 10px; color: #fff; font-weight: 600;
         font-size: 13px; white-space: nowrap; }
.badge.big { font-size: 18px; padding: 4px 14px; border-radius: 14px; vertical-align: middle; }
tr.verdict td:first-child { border-left: 5px solid var(--c, transparent); }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.summary dt { color: var(--muted); }
dl.summary dd { margin: 0; }
figure { margin: 10px 0 18px; break-inside: avoid; page-break-inside: avoid; }
section.plot { break-inside: avoid; page-break-inside: avoid; }
figure img, figure svg { max-width: 100%; height: auto; display: block; border: 1px solid var(--line); }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
ul.checklist { list-style: none; padding-left: 4px; }
ul.checklist li::before { content: "\\2610\\00a0\\00a0"; font-size: 16px; }
.note { background: #fef7e0; border-left: 4px solid #f9ab00; padding: 6px 10px; margin: 8px 0; }
footer { margin-top: 36px; color: var(--muted); font-size: 12.5px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr.verdict td:first-child { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def status_badge(status: str, lang: str, big: bool = False, text: str | None = None) -> str:
    """A coloured verdict label (pass / fail / review / n/a / confirm)."""
    colour = STATUS_CSS.get(status, "#80868b")
    cls = "badge big" if big else "badge"
    return f'<span class="{cls}" style="background:{colour}">{esc(text or word(status, lang))}</span>'


def html_table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int] | None = None,
               row_attrs: Sequence[str] | None = None, escape: bool = True) -> str:
    """A table; cells are escaped unless ``escape`` is False (then they are HTML already)."""
    numeric = numeric or set()

    def cell(tag: str, i: int, x: str) -> str:
        cls = ' class="num"' if i in numeric else ""
        return f"<{tag}{cls}>{esc(x) if escape else x}</{tag}>"

    out = ["<table>", "<thead><tr>" + "".join(cell("th", i, h) for i, h in enumerate(headers)) + "</tr></thead>",
           "<tbody>"]
    for k, r in enumerate(rows):
        attrs = f" {row_attrs[k]}" if row_attrs else ""
        out.append(f"<tr{attrs}>" + "".join(cell("td", i, x) for i, x in enumerate(r)) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def figure_html(fig, alt: str, caption: str = "") -> str:
    """A matplotlib figure as an inline SVG ``<figure>`` (``alt``: its accessible name)."""
    from gdc.report.plots import svg_text

    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f"<figure>{svg_text(fig, alt)}{cap}</figure>"


def plot_section(title: str, fig, caption: str = "") -> str:
    """A heading and its figure, kept on one page in print."""
    return f'<section class="plot"><h2>{esc(title)}</h2>{figure_html(fig, title, caption)}</section>'


def page(title: str, body: str, lang: str = "en") -> str:
    """A whole HTML document with the report's CSS."""
    code = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{code}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


# ----------------------------------------------------------------------------- sections


def _summary(result: Any, lang: str) -> str:
    from gdc.report.terminal import design_line

    site, rs, p = result.site, result.rule_set, result.profiles
    chain = f" ({word('extends', lang)} {', '.join(rs.chain[:-1])})" if len(rs.chain) > 1 else ""
    rows = (f"{p.hours} h" if p.is_full_year
            else f"{p.hours // 24} d x 24 h, {word('weighted', lang)} ({p.weights.sum():,.0f} h)")
    c = counts(result.verdicts)  # what the report shows, as the terminal and the JSON count
    summary = ", ".join(f"{c[s]} {word(s, lang)}" for s in ("pass", "fail", "review", "n/a") if c[s])
    if c["confirm"]:
        summary += f"; {c['confirm']} {word('to_confirm', lang)}"
    b = result.binding
    items = [
        (word("site", lang), esc(site.name)),
        (word("site_file", lang), esc(site.path) if site.path else ""),
        (word("rule_set", lang), f"{esc(rs.key)}{esc(chain)}<br>{esc(rs.title(lang))}"),
        (word("year", lang), f"{site.year} &nbsp; ({word('start', lang)}: {site.effective_start_year})"),
        (word("hours", lang), esc(rows)),
        ("项目寿命" if lang == "zh" else "life", esc(p.life.describe(lang)) if p.life is not None else ""),
        (word("dispatch", lang), esc(word("dispatch_" + result.balance.source, lang))),
        (word("spot", lang), esc(word("spot_" + str(result.spot_market), lang))),
        (word("design", lang), esc(design_line(result, lang))),
        (word("counts", lang), esc(summary)),
    ]
    if b is not None:
        items.append((word("binding", lang), f"{esc(b.rule.name(lang))} ({esc(fmt_margin(b.margin, b.unit))})"))
    body = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in items if v)
    return f'<dl class="summary">{body}</dl>'


def _verdicts(result: Any, lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    rows, attrs = [], []
    for v in result.verdicts:
        r = v.rule
        if not in_rule_table(v):
            continue
        sub = [esc(r.name(other))]
        if v.detail:
            sub.append(esc(phrase(v.detail, lang)))
        if r.overridden:
            sub.append("* " + esc(r.overridden))
        name = f"{esc(r.name(lang))}<div class=\"small\">{'<br>'.join(sub)}</div>"
        status = status_badge(v.status, lang, text=word(v.status, lang) + ("*" if r.overridden else ""))
        source = esc(f"{r.source.short(lang)} ({r.confidence})")
        if r.source.clause:
            source += f'<div class="small">{esc(r.source.clause)}</div>'
        rows.append([name, esc(fmt_value(v.value, v.unit, lang)), esc(fmt_threshold(r.op, v.threshold, v.unit, lang)),
                     esc(fmt_margin(v.margin, v.unit)), status, source])
        attrs.append(f'class="verdict status-{esc(v.status.replace("/", ""))}" '
                     f'style="--c:{STATUS_CSS.get(v.status, "#80868b")}"')
    headers = [word(k, lang) for k in ("rule", "value", "threshold", "margin", "verdict", "source")]
    table = html_table(headers, rows, numeric={1, 2, 3}, row_attrs=attrs, escape=False)
    return table.replace("<table>", '<table class="verdicts" id="verdicts">', 1)


def _checklist(result: Any, lang: str) -> str:
    items = shown_checklist(result.verdicts)
    if not items:
        return ""
    lis = "".join(f"<li>{esc(v.rule.name(lang))} <span class=\"small\">({esc(v.rule.source.short(lang))})</span></li>"
                  for v in items)
    return f"<h2>{esc(word('checklist', lang))}</h2><ul class=\"checklist\">{lis}</ul>"


def _energy(result: Any, lang: str) -> str:
    m = result.metrics
    headers, row = energy_row(m, lang)
    out = [f"<h2>{esc(word('energy', lang))}</h2>", html_table(headers, [row], numeric=set(range(len(row))))]
    out.append(f'<p class="small">A = {esc(word("wind", lang))} {fmt_energy(m.A_wind)} + {esc(word("pv", lang))} '
               f'{fmt_energy(m.A_pv)} MWh; {esc(word("peak_import", lang))} {m.max_import_mw:,.1f} MW, '
               f'{esc(word("peak_export", lang))} {m.max_export_mw:,.1f} MW</p>')
    ratio_rows = []
    for key, (zh, en, formula) in RATIO_DEFINITIONS.items():
        value = getattr(m, key)
        ratio_rows.append([zh if lang == "zh" else en, formula, "-" if value != value else f"{value:.2f}"])
    out.append(f"<h3>{esc(word('ratios', lang))}</h3>")
    out.append(html_table([word("quantity", lang), word("formula", lang), word("value", lang)], ratio_rows,
                          numeric={2}))
    return "\n".join(out)


def _definitions(result: Any, lang: str) -> str:
    rows = [[sym, zh if lang == "zh" else en, dzh if lang == "zh" else den]
            for sym, (zh, en, dzh, den) in DEFINITIONS.items()]
    out = [f"<h2>{esc(word('definitions', lang))}</h2>",
           html_table([word("symbol", lang), word("name", lang), word("definition", lang)], rows)]
    names = {k: (zh if lang == "zh" else en) for k, (zh, en, _) in RATIO_DEFINITIONS.items()}
    alt = [[names.get(str(r["quantity"]), str(r["quantity"])), r["definition_zh" if lang == "zh" else "definition"], r["formula"], "-" if r["value"] != r["value"] else f"{r['value']:.2f}"]
           for r in alternative_ratios(result.metrics)]
    out.append(f"<h3>{esc(word('alternatives', lang))}</h3>")
    out.append(html_table([word(k, lang) for k in ("quantity", "definition", "formula", "value")], alt,
                          numeric={3}))
    return "\n".join(out)


def _readings(result: Any, lang: str) -> str:
    items = [(v.rule, v.rule.reading_text(lang)) for v in result.verdicts if v.rule.reading]
    if not items:
        return ""
    lis = "".join(f"<li><b>{esc(r.name(lang))}</b>: {esc(text)}</li>" for r, text in items)
    return f"<h2>{esc(word('readings', lang))}</h2><ul>{lis}</ul>"


def _threshold_paths(result: Any, lang: str, plot_lang: str) -> str:
    from gdc.report.plots import threshold_path
    from gdc.rules.ruleset import threshold_schedule
    from gdc.rules.verdicts import site_attr

    site = result.site
    figs = []
    for v in result.verdicts:
        r = v.rule
        if not r.is_year_dependent() or isinstance(v.value, bool) or v.value is None:
            continue
        start = site.effective_start_year
        years = range(min(2025, start), max(2035, site.year + 5) + 1)
        sched = threshold_schedule(r, start, years, site_attr(site, result.spot_market))
        fig = threshold_path(r.name(plot_lang), sched, r.op or ">=", v.unit, float(v.value), site.year,
                             lang=plot_lang)
        caption = (f"{r.name(lang)}: {r.source.short(lang)}" + (f" — {r.source.clause}" if r.source.clause else ""))
        figs.append(figure_html(fig, f"{word('threshold_path', lang)}: {r.name(lang)}", caption))
    if not figs:
        return ""
    return f"<h2>{esc(word('threshold_path', lang))}</h2>" + "".join(figs)


def _cost(result: Any, lang: str, plot_lang: str) -> str:
    cost = (result.extra or {}).get("cost")
    if not cost or not cost.get("items"):
        return ""
    from gdc.report.plots import cost_breakdown

    rows = [[str(i.get("name_zh" if lang == "zh" else "name_en") or i.get("name_en") or "?"),
             f"{float(i.get('cny_per_year', 0.0)):,.0f}"] for i in cost["items"]]
    if cost.get("total_cny_per_year") is not None:
        rows.append([word("cost_total", lang), f"{float(cost['total_cny_per_year']):,.0f}"])
    out = [f"<h2>{esc(word('cost', lang))}</h2>",
           html_table([word("cost_item", lang), word("cny_per_year", lang)], rows, numeric={1})]
    if cost.get("cny_per_mwh_load") is not None:
        out.append(f"<p>{esc(word('cny_per_mwh_load', lang))}: <b>{float(cost['cny_per_mwh_load']):,.2f}</b></p>")
    out.append(figure_html(cost_breakdown(cost, plot_lang), word("cost", lang)))
    return "\n".join(out)


def _finance(result: Any, lang: str, plot_lang: str) -> str:
    """The finance block (``result.extra["finance"]``, put there by ``gdc check`` and ``gdc size``):
    the terminal's finance lines and the cumulative cash flows with the payback year."""
    finance = (result.extra or {}).get("finance")
    if not finance or not finance.get("cash_flows"):
        return ""
    from gdc.finance.life import stage_lines
    from gdc.finance.text import finance_lines
    from gdc.report.plots import cash_flow_cumulative

    title = "财务评价" if lang == "zh" else "Finance"
    lines = finance_lines(finance, lang) + stage_lines(finance, lang)  # a staged build's additions (gdc size --years)
    items = "".join(f"<li>{esc(x.strip())}</li>" for x in lines[1:])
    chart = "累计净现金流" if lang == "zh" else "Cumulative net cash flow"
    caption = ("项目投资与资本金现金流量（第0年为建设期），累计至第 N 年；虚线：项目投资回收期" if lang == "zh" else
               "Project and equity cash flows (year 0: investment), cumulated to year N; dotted line: the "
               "project's payback year")
    return (f"<h2>{esc(title)}</h2><p>{esc(lines[0])}</p><ul>{items}</ul>"
            f"<h3>{esc(chart)}</h3>"
            + figure_html(cash_flow_cumulative(finance, plot_lang), chart, caption))


def _plots(result: Any, lang: str, plot_lang: str) -> str:
    from gdc.report import plots

    b, p = result.balance, result.profiles
    full = p.is_full_year and p.index is not None
    sides = f"{word('supply_side', lang)}; {word('surplus_side', lang)}"
    out = [plot_section(word("energy_flows", lang), plots.energy_flows(b, plot_lang))]
    out.append(plot_section(word("monthly" if full else "by_day", lang), plots.balance_bars(b, p, plot_lang), sides))
    out.append(plot_section(word("heatmaps" if full else "heatmaps_days", lang), plots.heatmaps(b, p, plot_lang)))
    out.append(plot_section(word("weeks" if full else "days_dispatch", lang), plots.dispatch_weeks(b, p, plot_lang),
                            sides))
    return "\n".join(out)


def render_html(result: Any, lang: str = "en") -> str:
    """The whole HTML report of a check result (a :class:`~gdc.check.CheckResult`)."""
    from gdc import __version__
    from gdc.report.life import life_html
    from gdc.report.tradeoff import study_html
    from gdc.report.users import users_html

    plot_lang = lang  # SVG text: the reader's browser draws Chinese labels with its own fonts
    notes = [phrase(n, lang) for n in result.notes] + [f"* {v.rule.id}: {v.rule.overridden}" for v in result.verdicts
                                  if v.rule.overridden]
    status = result.status
    title = f"{word('report_title', lang)}: {result.site.name}"
    parts = [
        f"<h1>{esc(result.site.name)} {status_badge(status, lang, big=True, text=word(status, lang).upper())}</h1>",
        f'<div class="subtitle">{esc(word("report_title", lang))} · {esc(result.rule_set.title(lang))} · '
        f"{esc(word('year', lang))} {result.site.year}</div>",
        f"<h2>{esc(word('summary', lang))}</h2>", _summary(result, lang),
        life_html(result, lang, plot_lang),  # gdc check --years: the yearly path (gdc.report.life)
        f"<h2>{esc(word('rules', lang))}</h2>", _verdicts(result, lang),
        _checklist(result, lang),
        _energy(result, lang),
        users_html(result, lang, plot_lang),
        _plots(result, lang, plot_lang),
        _threshold_paths(result, lang, plot_lang),
        _cost(result, lang, plot_lang),
        _finance(result, lang, plot_lang),
        study_html((result.extra or {}).get("study"), lang),  # gdc size --sensitivity / --pareto (gdc.report.tradeoff)
        _definitions(result, lang),
        _readings(result, lang),
    ]
    if notes:
        parts.append(f"<h2>{esc(word('notes', lang))}</h2><ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes)
                     + "</ul>")
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    parts.append(f"<footer>{esc(word('generated', lang))} gdc {esc(__version__)}, {now}</footer>")
    return page(title, "\n".join(p for p in parts if p), lang)


def write_html_report(result: Any, path: str | Path, lang: str = "en") -> Path:
    """Write the self-contained HTML report of a check result.

    Parameters
    ----------
    result : CheckResult
    path : str or Path
        The ``.html`` file to write (its folder must exist).
    lang : {'en', 'zh'}
        Language of the whole report, plot labels included (SVG text: no CJK font is needed
        where the report is written).

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    path.write_text(render_html(result, lang), encoding="utf-8")
    return path
