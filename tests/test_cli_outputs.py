"""Output options of every command: folders created, folders and files refused (exit 2, never 3);
``--json`` alone on stdout; ``--version``; help examples; no Python warning on the terminal;
``gdc rules --year`` refused as ``gdc check --year``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from gdc import __version__
from gdc.cli.main import main

V3 = SAMPLES / "v3-tool-flat-load"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


OPTIONS = {"--json": "r.json", "--hourly": "h.csv", "--report": "r.html", "--xlsx": "r.xlsx",
           "--write-site": "s.yaml"}


def test_check_outputs_into_missing_folders_are_created(make_site, tmp_path):
    """Every output option of check writes into a folder that did not exist (as import-xlsx and schema)."""
    site = make_site()
    args = ["check", site]
    for opt, name in OPTIONS.items():
        args += [opt, tmp_path / "new" / opt.strip("-") / name]
    res = run(*args)
    assert res.exit_code == 0, res.output
    for opt, name in OPTIONS.items():
        assert (tmp_path / "new" / opt.strip("-") / name).is_file(), opt
    data = json.loads((tmp_path / "new" / "json" / "r.json").read_text(encoding="utf-8"))
    # the hand day: wind 10 MW x 0.2 pu x 24 h = 48 MWh, PV 20 MW x 0.5 pu x 8 h = 80 MWh
    assert data["metrics"]["A"] == pytest.approx(128.0)


@pytest.mark.parametrize("option", list(OPTIONS))
def test_check_output_at_a_folder_is_bad_input(make_site, tmp_path, option):
    """A folder given for a file: exit 2, one message naming the option and a file name to give."""
    res = run("check", make_site(), option, tmp_path)
    assert res.exit_code == 2, res.output
    assert f"field '{option}'" in res.output and "is a folder, not a file" in res.output
    assert "fix: give a file name" in res.output and "internal error" not in res.output


@pytest.mark.parametrize("option", ["--json", "--xlsx", "--write-site"])
def test_check_output_under_a_file_is_bad_input(make_site, tmp_path, option):
    """A path whose folder would have to be made where a file is: exit 2, checked before any work."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    res = run("check", make_site(), option, blocker / "out" / "x")
    assert res.exit_code == 2, res.output
    assert f"field '{option}'" in res.output and "is a file, so no folder can be made there" in res.output


def test_size_output_at_a_folder_is_refused_before_sizing(tmp_path):
    res = run("size", SAMPLES / "park-2026-day-types" / "size.yaml", "--report", tmp_path)
    assert res.exit_code == 2 and "field '--report'" in res.output
    assert "sizing:" not in res.output  # refused before the LP is built


def test_unwritable_folder_is_bad_input(make_site, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        res = run("check", make_site(), "--json", locked / "r.json")
        assert res.exit_code == 2 and "is not writable" in res.output
    finally:
        locked.chmod(0o700)


def test_schema_rules_import_profile_screen_outputs(tmp_path):
    """The other commands' output options: created when missing, refused when a folder or a file."""
    res = run("schema", "-o", tmp_path / "a" / "b" / "schema.json")
    assert res.exit_code == 0 and json.loads((tmp_path / "a" / "b" / "schema.json").read_text())["$id"]
    res = run("schema", "-o", tmp_path)
    assert res.exit_code == 2 and "field '--output'" in res.output
    res = run("rules", "shandong", "--json", tmp_path / "r" / "rules.json")
    assert res.exit_code == 0 and (tmp_path / "r" / "rules.json").is_file()
    res = run("rules", "shandong", "--json", tmp_path)
    assert res.exit_code == 2 and "field '--json'" in res.output
    res = run("import-xlsx", V3 / "template.xlsx", "-o", tmp_path / "i" / "site.yaml",
              "--profiles", tmp_path / "i2" / "p.csv")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "i2" / "p.csv").is_file()
    res = run("check", tmp_path / "i" / "site.yaml")  # the site file finds its CSV in the other folder
    assert res.exit_code in (0, 1), res.output
    res = run("import-xlsx", V3 / "template.xlsx", "-o", tmp_path / "j" / "site.yaml", "--profiles", tmp_path)
    assert res.exit_code == 2
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    res = run("profile", "load", "--archetype", "continuous", "--peak", "5", "--year", "2026",
              "-o", blocker / "x.csv")
    assert res.exit_code == 2 and "field '--output'" in res.output
    res = run("screen", SAMPLES / "shandong-export-battery", "-o", tmp_path / "batch", "--xlsx", tmp_path, "-q")
    assert res.exit_code == 2 and "field '--xlsx'" in res.output
    assert not (tmp_path / "batch").exists()  # refused before the batch starts
    res = run("screen", SAMPLES / "shandong-export-battery", "-o", blocker / "batch", "-q")
    assert res.exit_code == 2 and "field '--output'" in res.output


# ----------------------------------------------------------------------------- --json alone


def test_json_alone_prints_json_only(make_site, tmp_path):
    """``--json`` with no file: the JSON on stdout and nothing else; ``--json FILE`` writes the file."""
    site = make_site()
    res = run("check", site, "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["metrics"]["A"] == pytest.approx(128.0)
    res = run("check", site, "--json", tmp_path / "out.json")
    assert res.exit_code == 0 and "Result:" in res.stdout
    assert json.loads((tmp_path / "out.json").read_text())["metrics"]["A"] == pytest.approx(128.0)
    res = run("rules", "shandong", "--year", "2027", "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["rule_set"].startswith("shandong/")
    res = run("rules", "--json", "shandong")  # would write a file named 'shandong'
    assert res.exit_code == 2 and "gdc rules shandong --json" in res.output
    assert not os.path.exists("shandong")


def test_size_json_alone(tmp_path):
    res = run("size", SAMPLES / "park-2026-day-types" / "size.yaml", "--json")
    assert res.exit_code in (0, 1), res.output
    data = json.loads(res.stdout)
    assert set(data["design"]) >= {"capacities_mw"} or "capacities_mw" in str(data["design"])


def test_version_and_help_examples():
    res = run("--version")
    assert res.exit_code == 0 and res.output.strip() == f"gdc, version {__version__}"
    for cmd in ("check", "size", "screen", "rules"):
        res = run(cmd, "--help")
        assert res.exit_code == 0 and "Examples:" in res.output, cmd
        assert f"gdc {cmd} " in res.output.split("Examples:")[1], cmd


# ----------------------------------------------------------------------------- rules --year


def test_rules_refuses_the_years_check_refuses(make_site):
    """The same bounds as the site schema's year (2025..2085: a 25-year life from 2060), for ``rules`` and ``check``."""
    for year in ("1999", "2086"):
        res = run("rules", "shandong", "--year", year)
        assert res.exit_code == 2, res.output
        assert "field '--year'" in res.output and "fix: give a year from 2025 to 2085" in res.output
        res_check = run("check", make_site(), "--year", year)
        assert res_check.exit_code == 2
        # the same pydantic message in both
        assert res.output.split(": ", 2)[-1].split("\n")[0] == res_check.output.split("': ", 1)[1].split("\n")[0]
    assert run("rules", "shandong", "--year", "2025").exit_code == 0
    assert run("rules", "shandong", "--year", "2085").exit_code == 0
    res = run("rules", "shandong", "--start-year", "1999")
    assert res.exit_code == 2 and "field '--start-year'" in res.output


# ----------------------------------------------------------------------------- warnings


def test_no_warning_reaches_the_terminal():
    """A real ``gdc check`` (with the HTML report: matplotlib, fonts) writes no 'Warning' to stderr."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "GDC_DEBUG")}
    env["PYTHONWARNINGS"] = "default"  # Python would show every warning: gdc must filter them itself
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-m", "gdc", "check", str(SAMPLES / "shandong-export-battery" /
                                                                          "site.yaml"), "--lang", "zh",
                               "--report", os.path.join(tmp, "r.html")],
                              capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Warning" not in proc.stderr, proc.stderr


SCRIPT = """
import sys, warnings
from gdc.cli.main import configure_warnings
configure_warnings(sys.argv[1] == "debug")
warnings.warn_explicit("deprecated thing", DeprecationWarning, "lib.py", 1, module="somelib")
warnings.warn_explicit("overflow", RuntimeWarning, "lib.py", 2, module="numpy.core")
warnings.warn_explicit("plots in English", UserWarning, "html.py", 3, module="gdc.report.html")
"""


@pytest.mark.parametrize("mode", ["normal", "debug"])
def test_library_warnings_hidden_gdc_notes_shown_debug_shows_all(mode):
    """Normal use: a library's warning is dropped, gdc's own is one 'note:' line; --debug shows all."""
    proc = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=60)
    if mode == "normal":
        assert proc.stderr == "note: plots in English\n"
    else:
        for text in ("DeprecationWarning: deprecated thing", "RuntimeWarning: overflow",
                     "UserWarning: plots in English"):
            assert text in proc.stderr


def test_debug_after_the_command_shows_warnings(make_site):
    """``gdc check SITE --debug`` switches the warnings back on, as ``gdc --debug check`` does."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "GDC_DEBUG")}
    code = ("import sys, warnings; from gdc.cli.main import main, _STATE\n"
            "from gdc import check as c\n"
            "orig = c.check_site\n"
            "def noisy(site):\n"
            "    warnings.warn_explicit('lib says hi', RuntimeWarning, 'lib.py', 1, module='somelib')\n"
            "    return orig(site)\n"
            "c.check_site = noisy\n"
            "main(sys.argv[1:])\n")
    site = str(make_site())
    quiet = subprocess.run([sys.executable, "-c", code, "check", site], capture_output=True, text=True, env=env,
                           timeout=60)
    loud = subprocess.run([sys.executable, "-c", code, "check", site, "--debug"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert quiet.returncode == 0 and "Warning" not in quiet.stderr
    assert loud.returncode == 0 and "RuntimeWarning: lib says hi" in loud.stderr


def test_shell_completion_as_the_readme_says():
    """``_GDC_COMPLETE=bash_source gdc`` prints the script; completing 'gdc ch' offers check."""
    env = dict(os.environ, _GDC_COMPLETE="bash_source")
    code = "from gdc.cli.main import main; main(prog_name='gdc')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert "_gdc_completion" in proc.stdout
    env.update(_GDC_COMPLETE="bash_complete", COMP_WORDS="gdc check x --disp", COMP_CWORD="3")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.stdout.split() == ["plain,--dispatch"]
