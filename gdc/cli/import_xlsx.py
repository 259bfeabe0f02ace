"""``gdc import-xlsx``: a Chinese planning tool's Excel template to a site file.

Registered in :data:`gdc.cli.main.PLUGIN_COMMANDS`; openpyxl is imported only when it runs.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command("import-xlsx")
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The site file to write (site.yaml).")
@click.option("--profiles", "profiles", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The hourly CSV to write [default: profiles.csv beside the site file].")
@click.option("--apply-limits", is_flag=True,
              help="Apply the template's ratio limits that differ from the rule set as overrides "
                   "(default: written as a commented-out block).")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def import_xlsx(template: Path, output: Path, profiles: Path | None, apply_limits: bool, force: bool) -> None:
    """Read a planning-tool template (sheets 参数 and 曲线) into a site file and a profiles CSV.

    \b
    The template: docs/xlsx-template.md (an item/value sheet 参数: 风电装机容量, 光伏装机容量,
    储能功率, 储能容量, 并网容量, 接入电压等级, ...; an 8760-row sheet 曲线: 时间, 负荷(kW),
    风电出力, 光伏出力, prices). Items gdc has no field for are kept as comments.
    Then: gdc check SITE.yaml
    """
    from gdc.cli.outputs import output_path, writing
    from gdc.exchange.xlsx_import import import_template
    from gdc.site.errors import InputError

    if not template.is_file():
        raise InputError("file not found", file=template, fix="check the path to the workbook")
    target_profiles = profiles if profiles is not None else output.with_name("profiles.csv")
    output_path(output, "--output")
    output_path(target_profiles, "--profiles")
    for p in (output, target_profiles):
        if p.exists() and not force:
            raise InputError("file exists", file=p, fix="use --force to overwrite, or choose another -o/--profiles")
    with writing(target_profiles, "--profiles"), writing(output, "--output"):
        result = import_template(template, output, target_profiles, apply_limits=apply_limits)
    click.echo(f"site file written to {result.site_path}")
    click.echo(f"hourly series written to {result.profiles_path}")
    for note in result.notes:
        click.echo(f"  note: {note}")
    click.echo(f"next: gdc check {result.site_path}")
