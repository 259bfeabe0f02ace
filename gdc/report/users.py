"""The per-user table of a multi-user site (688号), for the terminal, the HTML report and the workbook.

One row per user: load ``L_u``, allocated self-use ``S_u``, green share ``S_u / L_u``, grid
supply (import), and the user's stated minimum share. The allocation method is printed with
its source (hourly-share: 688号 §(十一)). The users' rows add up to the project's totals.
"""

from __future__ import annotations

import math
from typing import Any

from gdc.report.text import fmt_energy, table

__all__ = ["allocation_line", "user_headers", "user_lines", "user_rows", "users_html"]


def user_headers(lang: str) -> list[str]:
    """Column headers of the per-user table."""
    if lang == "zh":
        return ["用户", "用电量 L_u [MWh]", "自发自用 S_u [MWh]", "绿电占比 S_u/L_u", "下网电量 [MWh]", "最低绿电占比"]
    return ["user", "load L_u [MWh]", "self-use S_u [MWh]", "green share S_u/L_u", "import [MWh]", "minimum share"]


def user_rows(allocation: Any, lang: str = "en") -> list[list[str]]:
    """The rows of the per-user table, then a total row."""
    rows = []
    for u in allocation.users:
        g = u.green_share_pct
        rows.append([u.name, fmt_energy(u.load_mwh), fmt_energy(u.self_use_mwh),
                     f"{g:.2f} %" if math.isfinite(g) else "-", fmt_energy(u.import_mwh),
                     f"{u.min_green_share:g} %" if u.min_green_share is not None else "-"])
    load = sum(u.load_mwh for u in allocation.users)
    s = sum(u.self_use_mwh for u in allocation.users)
    imp = sum(u.import_mwh for u in allocation.users)
    rows.append(["合计" if lang == "zh" else "total", fmt_energy(load), fmt_energy(s),
                 f"{100 * s / load:.2f} %" if load > 0 else "-", fmt_energy(imp), ""])
    return rows


def allocation_line(allocation: Any, lang: str = "en") -> str:
    """The allocation method, its formula and its source, in one line."""
    if lang == "zh":
        return f"分摊方法: {allocation.method}（{allocation.description}）；依据: {allocation.source('zh')}"
    return f"allocation: {allocation.method} ({allocation.description}); source: {allocation.source('en')}"


def user_lines(allocation: Any, lang: str = "en") -> list[str]:
    """The per-user section of the terminal report."""
    out = ["用户" if lang == "zh" else "Users",
           table(user_headers(lang), user_rows(allocation, lang), right={1, 2, 3, 4, 5}),
           "  " + allocation_line(allocation, lang)]
    if abs(allocation.storage_grid_mwh) > 0.05:
        out.append("  " + (f"储能从电网充电未供给用户的电量 {fmt_energy(allocation.storage_grid_mwh)} MWh 不分摊给用户"
                           if lang == "zh" else
                           f"grid energy charged into storage and not delivered ({fmt_energy(allocation.storage_grid_mwh)}"
                           " MWh) belongs to no user"))
    return out


def users_html(result: Any, lang: str = "en", plot_lang: str = "en") -> str:
    """The per-user section of the HTML report: the table and the per-user chart; empty without users."""
    allocation = getattr(result, "allocation", None)
    if allocation is None:
        return ""
    from gdc.report.html import esc, figure_html, html_table
    from gdc.report.plots import user_shares

    title = "用户" if lang == "zh" else "Users"
    return "\n".join([
        f"<h2>{esc(title)}</h2>",
        html_table(user_headers(lang), user_rows(allocation, lang), numeric={1, 2, 3, 4, 5}),
        f"<p>{esc(allocation_line(allocation, lang))}</p>",
        figure_html(user_shares(allocation, plot_lang), title),
    ])
