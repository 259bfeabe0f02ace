"""``gdc screen --years``: each candidate followed over years of its life.

Check mode: one row per candidate from its yearly path (:func:`gdc.life.path.check_path`): the row
of the reported year (the first failing year, else the first year: its ratios, capacities and
margins, as :func:`gdc.screen.evaluate.check_row` gives them), the path's status (``fail`` when any
year fails) and the columns ``years`` (the ``--years`` text), ``years_checked``,
``first_failing_year``, ``path_binding_rule`` (the binding rule of the first failing year, else the
tightest), ``failing_years`` (how many years fail) and ``failing_year_list`` (``2027-2032``).

Size mode sizes each candidate over the horizon (``gdc.optimise.horizon.size_horizon``: on its
default typical days, or ``--typical-days N``, each year certified on the full year) and takes the
columns from the sizing's own path (its certified blocks); the cost columns are the horizon's
annualised equivalent, ``cost_present_value_cny`` its present value. Where ``size_horizon`` does
not exist, ``--mode size --years`` is refused up front (:func:`check_years_mode`).

The mode string carries the years to the workers: ``check:years=2026-2040`` (so that ``--resume``
refuses another horizon, as it refuses another mode).
"""

from __future__ import annotations

from typing import Any

from gdc.site.errors import InputError

__all__ = ["YEARS_COLUMNS", "check_years_mode", "life_mode", "run_years", "years_of", "years_summary"]

#: Columns a years-mode row adds.
YEARS_COLUMNS = ("years", "years_checked", "first_failing_year", "path_binding_rule", "failing_years",
                 "failing_year_list")
_TAG = "years="


def life_mode(mode: str, years: str) -> str:
    """The mode string of a years batch: ``check`` -> ``check:years=2026-2040``."""
    return f"{mode}:{_TAG}{years.strip()}"


def years_of(mode: str) -> str | None:
    """The ``--years`` text a mode string carries, or None."""
    head, sep, tail = mode.partition(_TAG)
    return tail if sep else None


def check_years_mode(mode: str, years: str) -> None:
    """Refuse a malformed ``--years`` before any work starts.

    Raises
    ------
    InputError
        For an empty ``--years`` or a part that is not a year or an increasing range.
    """
    if not years.strip():
        raise InputError("an empty --years", field="--years", fix="give years such as 2026-2040, 2029 or all")
    # the syntax is the same for every candidate (whether the years lie in a candidate's life is its own row)
    for part in years.strip().lower().split(","):
        ends = part.strip().split("-", 1)
        if part.strip() != "all" and not (all(e.strip().isdigit() for e in ends) and int(ends[0]) <= int(ends[-1])):
            raise InputError(f"'{part.strip()}' is not a year or a range of years", field="--years",
                             fix="give e.g. 2026, 2026-2035, 2026,2030 or all")


def run_years(site: Any, mode: str) -> dict[str, Any]:
    """The row of one candidate over the years its mode string names (see the module docstring)."""
    from gdc.life.path import check_path
    from gdc.profiles.life import parse_years
    from gdc.report.life import year_ranges
    from gdc.screen.evaluate import check_row, size_row

    text = years_of(mode) or ""
    years = parse_years(text, site)
    head = mode.split(":years=", 1)[0]
    if head.split(":", 1)[0] == "size":
        from gdc.optimise.horizon import size_horizon

        n_days = int(head.split(":", 1)[1]) if ":" in head else 0
        result = size_horizon(site, years, **({"n_days": n_days} if n_days else {}))
        row = size_row(result)
        h = result.extra.get("horizon") or {}
        blocks = h.get("path") or []
        fails = sorted({int(b["year"]) for b in blocks if b.get("status") == "fail"})
        b = h.get("binding") or {}
        row.update({"sizing": f"horizon ({h.get('method', '')})".replace(" ()", ""),
                    "certified_full_year": bool(h.get("certified")),
                    "cost_present_value_cny": h.get("present_value_cny")})
        status = "fail" if fails else row.get("status", "pass")
        checked, binding_rule = len(years), b.get("rule")
    else:
        if site.needs_sizing():
            raise InputError("capacities are given as {min, max} bounds", file=site.path, field="sources / storage",
                             fix="screen them with --mode size --years, or give fixed capacities to follow a "
                                 "design over the years")
        path = check_path(site, years)
        row = check_row(path.result)
        fails = path.failing_years
        b = path.binding or {}
        status, checked, binding_rule = path.status, len(path.years), b.get("rule")
    row.update({
        "status": status,
        "years": text,
        "years_checked": checked,
        "first_failing_year": fails[0] if fails else None,
        "path_binding_rule": binding_rule,
        "failing_years": len(fails),
        "failing_year_list": year_ranges(fails) or None,
    })
    return row


def years_summary(table: Any, top: int = 15) -> str:
    """The years columns of the ranked candidates, in the ranking's order (terminal text)."""
    import pandas as pd

    from gdc.report.text import table as text_table
    from gdc.screen.summary import rank

    if "first_failing_year" not in table.columns:
        return ""
    ranked = rank(table)
    ranked = ranked[~ranked["status"].isin(["error", "infeasible"])].head(top)
    if not len(ranked):
        return ""

    def s(x: Any) -> str:
        if x is None or (not isinstance(x, str) and bool(pd.isna(x))):
            return "-"
        return str(int(x)) if isinstance(x, float) and float(x).is_integer() else str(x)

    rows = [[s(r["rank"]), str(r["id"])[:24], str(r["status"]), s(r.get("first_failing_year")),
             s(r.get("path_binding_rule")), f"{s(r.get('failing_years'))}/{s(r.get('years_checked'))}",
             s(r.get("failing_year_list"))] for _, r in ranked.iterrows()]
    heads = ["rank", "id", "status", "first failing year", "binding rule", "failing years", "which"]
    return "Over the years\n" + text_table(heads, rows, right={0, 3, 5})
