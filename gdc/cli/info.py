"""``gdc rules`` and ``gdc schema``: what gdc checks, and the JSON Schemas of its input files.

Registered by :mod:`gdc.cli.main`; the rule sets and schemas are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from gdc.cli.options import DEBUG, JSON_OPTION, LANG, check_year
from gdc.cli.outputs import output_path, write_json
from gdc.site.errors import InputError


@click.command()
@click.argument("jurisdiction", required=False, default="national")
@click.option("--year", type=int, default=None, help="Evaluation year (default: this year).")
@click.option("--start-year", type=int, default=None, help="Project start year (default: the year).")
@LANG
@DEBUG
@JSON_OPTION
def rules(jurisdiction: str, year: int | None, start_year: int | None, lang: str, json_out: str | None) -> None:
    """List the rules and thresholds of a jurisdiction in a year.

    \b
    Examples:
      gdc rules shandong --year 2027
      gdc rules national --json           # as JSON on stdout
      gdc rules ningxia --json rules.json
    """
    import datetime

    from gdc.report.rules_listing import render_rules, rules_as_dict
    from gdc.rules.ruleset import load_rule_set

    if json_out not in (None, "-") and not Path(json_out).suffix and jurisdiction == "national":
        from gdc.rules.ruleset import ALIASES, NATIONAL_FALLBACK, available_rule_sets

        if json_out.lower() in set(available_rule_sets()) | NATIONAL_FALLBACK | set(ALIASES):
            raise InputError(f"'--json {json_out}' would write the national rules to a file named '{json_out}'",
                             field="--json", fix=f"gdc rules {json_out} --json (the jurisdiction first)")
    output_path(json_out, "--json")
    year = check_year(year or datetime.date.today().year, "year", "--year")
    if start_year is not None:
        check_year(start_year, "start_year", "--start-year")
    rs = load_rule_set(jurisdiction)
    if json_out:
        write_json(rules_as_dict(rs, year, start_year or year), json_out)
    if json_out != "-":
        click.echo(render_rules(rs, year, start_year or year, lang))


@click.command()
@click.option("-o", "--output", default="-", help="Where to write the JSON Schema ('-' for stdout).")
@click.option("--rules", "of_rules", is_flag=True,
              help="The schema of rule files (models/rules/*/*.yaml) instead of site files.")
@DEBUG
def schema(output: str, of_rules: bool) -> None:
    """Print the JSON Schema of site files, or of rule files (for editors' autocompletion).

    \b
    Examples:
      gdc schema -o site.schema.json
      gdc schema --rules -o rules.schema.json
    """
    output_path(output, "--output")
    if of_rules:
        from gdc.rules.ruleset import rules_json_schema

        write_json(rules_json_schema(), output, "--output")
    else:
        from gdc.site.schema import site_json_schema

        write_json(site_json_schema(), output, "--output")
