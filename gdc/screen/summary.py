"""The ranked summary of a batch (terminal) and its plot (PNG beside the table).

Ranking, best first: status ``pass``, ``review``, ``fail``, ``infeasible``, ``error``;
within a status, by cost per MWh (size mode, lowest first) or by the binding rule's
margin (largest first: for a pass the most room to spare, for a fail the nearest miss);
ties keep the input order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gdc.screen.evaluate import STATUSES

#: Cost columns used for ranking in size mode, first found wins.
COST_KEYS = ("cost_cny_per_mwh", "cost_cny_per_year")
COLOURS = {"pass": "#2ca02c", "review": "#ff7f0e", "fail": "#d62728", "infeasible": "#7f7f7f", "error": "#000000"}


def cost_column(df: Any) -> str | None:
    for c in COST_KEYS:
        if c in df.columns and df[c].notna().any():
            return c
    return None


def rank(df: Any) -> Any:
    """The table sorted best first (a new DataFrame, with a ``rank`` column from 1)."""
    out = df.copy()
    out["_status"] = out["status"].map({s: i for i, s in enumerate(STATUSES)}).fillna(len(STATUSES))
    out["_pos"] = range(len(out))
    cost = cost_column(out)
    if cost:
        keys, asc = ["_status", cost, "_pos"], [True, True, True]
    elif "binding_margin" in out.columns:
        keys, asc = ["_status", "binding_margin", "_pos"], [True, False, True]
    else:
        keys, asc = ["_status", "_pos"], [True, True]
    out = out.sort_values(keys, ascending=asc, na_position="last", kind="mergesort")
    out = out.drop(columns=["_status", "_pos"]).reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


def _missing(x: Any) -> bool:
    import pandas as pd

    return x is None or bool(pd.isna(x))


def _f(x: Any, fmt: str) -> str:
    if _missing(x):
        return "-"
    try:
        return format(x, fmt)
    except (TypeError, ValueError):
        return str(x)


def _s(x: Any, default: str = "") -> str:
    return default if _missing(x) else str(x)


def counts_line(df: Any) -> str:
    counts = df["status"].value_counts()
    parts = [f"{int(counts.get(s, 0))} {s}" for s in STATUSES if counts.get(s, 0) or s in ("pass", "fail")]
    return f"{len(df)} candidate(s): " + ", ".join(parts)


def render_summary(df: Any, top: int = 15, total: int | None = None) -> str:
    """The ranked summary as text: counts, the best ``top`` candidates, errors and infeasible ones."""
    ranked = rank(df)
    lines = [counts_line(df) + (f" (of {total} in the batch)" if total is not None and total != len(df) else "")]
    cost = cost_column(df)
    head = (f"{'rank':>4}  {'id':<24} {'status':<10} {'binding rule':<26} {'margin':>8}  {'S/L %':>6} "
            f"{'S/A %':>6} {'E/A %':>6}  {'PV MW':>7} {'wind MW':>7} {'stor MW/MWh':>12}"
            + (f"  {cost:>12}" if cost else ""))
    lines += ["", head, "-" * len(head)]
    shown = ranked[~ranked["status"].isin(["error", "infeasible"])].head(top)
    for _, r in shown.iterrows():
        g = r.get
        storage = f"{_f(g('storage_power_mw'), '.1f')}/{_f(g('storage_energy_mwh'), '.1f')}"
        lines.append(
            f"{r['rank']:>4}  {str(r['id'])[:24]:<24} {r['status']:<10} {_s(g('binding_rule'), '-')[:26]:<26} "
            f"{_f(g('binding_margin'), '+8.2f'):>8}  {_f(g('load_share'), '6.1f'):>6} {_f(g('self_use_share'), '6.1f'):>6} "
            f"{_f(g('export_share'), '6.1f'):>6}  {_f(g('pv_mw'), '7.1f'):>7} {_f(g('wind_mw'), '7.1f'):>7} {storage:>12}"
            + (f"  {_f(g(cost), '12.2f'):>12}" if cost else ""))
    if len(ranked) - len(ranked[ranked["status"].isin(["error", "infeasible"])]) > top:
        lines.append(f"  ... {len(shown)} of the evaluated candidates shown (--top N for more; all in the table)")
    for status, title in (("infeasible", "infeasible (pre-screen)"), ("error", "errors")):
        sub = df[df["status"] == status]
        if len(sub):
            lines += ["", f"{title}: {len(sub)}"]
            for _, r in sub.head(top).iterrows():
                lines.append(f"  {r['id']}: {_s(r.get('error'))}")
            if len(sub) > top:
                lines.append(f"  ... and {len(sub) - top} more (column 'error' of the table)")
    return "\n".join(lines)


def plot(df: Any, path: str | Path) -> Path | None:
    """Scatter of the candidates coloured by status, saved as PNG (None when nothing to plot).

    Check mode: load share S/L (x) against self-use share S/A (y), with the national
    thresholds (30 %, 60 %) dashed. Size mode: load share against cost per MWh.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if "load_share" not in df.columns or df["load_share"].notna().sum() == 0:
        return None
    cost = cost_column(df)
    ycol = cost or "self_use_share"
    fig, ax = plt.subplots(figsize=(7, 5), dpi=110)
    for status in STATUSES:
        sub = df[(df["status"] == status) & df["load_share"].notna() & df[ycol].notna()]
        if len(sub):
            ax.scatter(sub["load_share"], sub[ycol], s=14, alpha=0.75, color=COLOURS[status],
                       label=f"{status} ({len(sub)})", edgecolors="none")
    ax.axvline(30, color="grey", ls="--", lw=0.8)
    if not cost:
        ax.axhline(60, color="grey", ls="--", lw=0.8)
    ax.set_xlabel("load share S/L [%]")
    ax.set_ylabel({"cost_cny_per_mwh": "cost per MWh of load [CNY/MWh]", "cost_cny_per_year": "annual cost [CNY/yr]"}
                  .get(cost, cost) if cost else "self-use share S/A [%]")
    missing = int((df["status"].isin(["error", "infeasible"])).sum())
    ax.set_title(f"gdc screen: {len(df)} candidates" + (f" ({missing} error/infeasible not shown)" if missing else ""))
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
