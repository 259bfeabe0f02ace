"""Per-user results of a multi-user project (688号): the allocation and each user's own minimum.

The project rules are evaluated on the totals (:func:`gdc.rules.verdicts.evaluate`). For a
site that lists ``users:``, :func:`check_users` shares the self-use among the users
(:func:`gdc.operation.allocation.allocate`, with the site's ``allocation``) and turns every
stated ``min_green_share`` into a :class:`~gdc.rules.verdicts.Verdict`: a hard rule whose
source is the site's own requirement. 688号 sets the green-share bounds for the project
(``S/L``), not for each user, so a user's minimum is the user's (or its customers') own.
"""

from __future__ import annotations

import math

import numpy as np

from gdc.operation.allocation import Allocation, allocate
from gdc.operation.balance import Balance
from gdc.rules.ruleset import Rule, Source
from gdc.rules.verdicts import TOL, Verdict
from gdc.site.errors import InputError
from gdc.site.schema import Site

__all__ = ["USER_RULE_PREFIX", "check_users", "user_rule"]

#: Rule ids of the per-user minimum shares: ``user_green_share:<name>``.
USER_RULE_PREFIX = "user_green_share:"


def user_rule(site: Site, name: str, minimum: float) -> Rule:
    """The rule of one user's stated minimum green share ``S_u / L_u >= minimum`` [%]."""
    method = site.allocation_name
    return Rule(
        id=f"{USER_RULE_PREFIX}{name}",
        name_zh=f"用户 {name} 绿电占比 S_u/L_u（自身要求）",
        name_en=f"{name}: green share S_u/L_u (the user's own minimum)",
        kind="hard", metric="user_green_share", op=">=", threshold=minimum, confidence="O",
        source=Source(doc="site", doc_zh="站点文件 users[].min_green_share（用户自身要求）",
                      doc_en="the site file's users[].min_green_share (the user's own requirement)",
                      clause=f"{name}: S_u/L_u >= {minimum:g}%", short_zh="用户要求", short_en="user's requirement"),
        reading_zh=f"688号只规定项目整体的比例；用户自身的最低绿电占比由站点文件给出，按 {method} 分摊自发自用电量计算。",
        reading=f"688 sets the shares of the project as a whole; this user's own minimum is stated in the site file "
                f"and computed with the self-use shared by {method}.",
    )


def check_users(site: Site, balance: Balance,
                user_loads_mw: dict[str, np.ndarray]) -> tuple[Allocation | None, list[Verdict]]:
    """The allocation of a multi-user site and the verdicts of the users' stated minimum shares.

    Parameters
    ----------
    site : Site
        A site listing ``users:``; other sites give ``(None, [])``.
    balance : Balance
        The project's hourly balance (its load is the users' total).
    user_loads_mw : dict of str to ndarray [MW]
        :attr:`gdc.profiles.series.Profiles.user_loads_mw`.

    Returns
    -------
    Allocation or None, list of Verdict
        One verdict per user with ``min_green_share``, in the site's order.

    Raises
    ------
    InputError
        A user with a minimum share whose load is 0 in every hour (its share is undefined).
    """
    if not user_loads_mw:
        return None, []
    mins = {u.name: u.min_green_share for u in site.user_list}
    alloc = allocate(balance, user_loads_mw, site.allocation, mins)
    verdicts = []
    for i, share in enumerate(alloc.users):
        if share.min_green_share is None:
            continue
        rule = user_rule(site, share.name, share.min_green_share)
        value = share.green_share_pct
        if not math.isfinite(value):
            raise InputError(f"user '{share.name}' has no load (L_u = 0 MWh), so its green share is undefined",
                             file=site.path, field=f"users[{i}].load",
                             fix="point the user's load at its consumption column, or drop min_green_share")
        margin = value - share.min_green_share
        status = "pass" if margin > -TOL else "fail"
        detail = (f"S_u {share.self_use_mwh:,.1f} of L_u {share.load_mwh:,.1f} MWh; "
                  f"short by {-margin / 100 * share.load_mwh:,.1f} MWh" if status == "fail" else "")
        verdicts.append(Verdict(rule, status, value, share.min_green_share, margin, "%", detail))
    return alloc, verdicts
