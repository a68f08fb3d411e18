"""Command-line and briefing output: --json is data, the chart, changes, the contested section, review ids,
check-config's shape and the Makefile's set-up output (issue 14, items 12-18)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.commands import Core
from tests.test_cli import run

ROOT = Path(__file__).resolve().parents[1]


# -- 12: --json is data ----------------------------------------------------------------------------

def test_casualties_json_gives_figures_as_fields(tmp_path: Path) -> None:
    proc = run(["casualties", "--json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    by_metric = {s["metric"]: s for s in data["series"] if s["headline"]}
    killed = by_metric["killed"]["current"]
    assert (killed["value"], killed["value_high"], killed["qualifier"], killed["unit"]) == (11, None, "at_least",
                                                                                            "people")
    assert killed["as_of"] == "2025-12-12" and killed["amount"] == "at least 11"
    [source] = killed["sources"]
    assert source["quote"] == "To date, at least 11 people have died, and nearly 60 have been injured."
    assert source["published"] == "2025-12-12" and source["title"].startswith("Hun Manet Asks Trump")
    injured = by_metric["injured"]["current"]
    assert (injured["value"], injured["qualifier"]) == (60, "nearly")
    assert by_metric["displaced"]["current"]["qualifier"] == "more_than"
    assert all(isinstance(s["history"], list) and "scope" in s for s in data["series"])


@pytest.mark.parametrize(("args", "key"), [
    (["briefing", "--json"], "figures"), (["briefing", "--full", "--json"], "actors"),
    (["timeline", "--json"], "events"), (["claims", "--json"], "claims"), (["sources", "--json"], "sources"),
    (["who", "Hun", "Manet", "--json"], "actors"), (["changes", "--since", "2025-12-01", "--json"], "facts"),
])
def test_every_json_output_is_data_not_prose(tmp_path: Path, args: list[str], key: str) -> None:
    proc = run(args, tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data[key], data
    assert "sections" not in data and "title" not in data.get(key)[0] or key == "sources"
    text = json.dumps(data)
    assert "[1]" not in text  # no footnote markers: sources are fields
    if key == "claims":
        claim = data["claims"][0]
        assert {"claim", "by", "by_name", "stance", "status", "evidence"} <= set(claim)
        assert claim["evidence"][0]["quote"]
    if key == "events":
        event = data["events"][0]
        assert {"date", "precision", "text", "label"} <= set(event["when"])


# -- 13: the chart ---------------------------------------------------------------------------------

@pytest.fixture
def two_point_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store where the killed series has two points: 9 Dec and 12 Dec."""
    from tests.ingest.helpers import DEC9, make_store

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("STORE_PATH", str(tmp_path / "db.sqlite3"))
    from bot.ingest.pipeline import ingest

    ingest(make_store(url), str(DEC9), auto_approve=True)
    return tmp_path


def test_chart_svg_is_svg_with_each_day_labelled_once(two_point_store: Path) -> None:
    out = two_point_store / "figures.svg"
    assert main(["casualties", "--chart", str(out)]) == 0
    svg = out.read_text(encoding="utf-8")
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "PNG" not in svg[:10]
    # One axis per series; each shows each date once ("12 Dec" not repeated across hourly ticks).
    axes = svg.count("09 Dec")
    assert axes >= 1 and svg.count("12 Dec") == axes


def test_chart_png_still_png(two_point_store: Path) -> None:
    out = two_point_store / "figures.png"
    assert main(["casualties", "--chart", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(("name", "expected"), [("figures.jpg", ".png or .svg"),
                                                ("missing/dir/figures.png", "no such folder")])
def test_chart_refuses_other_formats_and_missing_folders(two_point_store: Path, name: str, expected: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    target = two_point_store / name
    assert main(["casualties", "--chart", str(target)]) == 2
    assert expected in capsys.readouterr().err
    assert not target.exists() and not (two_point_store / "missing").exists()


# -- 14 and 15: changes and the contested section ---------------------------------------------------

def test_changes_label_actors_by_their_kind(core: Core) -> None:
    from bot.ingest.changes import changes_data, changes_reply

    text = changes_reply(core.briefing, dt.date(2025, 12, 1)).to_text()
    for name in ("Cambodia", "Thailand", "Malaysia", "United States", "ASEAN"):
        assert not re.search(rf"Person \(new\): (The )?{name}\b", text), name
        assert re.search(rf"(Country|Organisation) \(new\): (The )?{name}\b", text), name
    assert re.search(r"Country \(new\): .*Cambodia", text)
    assert re.search(r"Organisation \(new\): .*ASEAN", text)
    assert re.search(r"Person \(new\): .*Hun Manet", text)
    kinds = {f["name"]: f["kind"] for f in changes_data(core.briefing, dt.date(2025, 12, 1))["facts"] if "name" in f}
    assert kinds["Cambodia"] == "country" and kinds["Hun Manet"] == "person"


async def test_full_briefing_contested_section_says_what_each_side_claims(core: Core) -> None:
    reply = await core.handle("briefing", "full")
    contested = next(s for s in reply.sections if s.heading == "Contested")
    for item in contested.items:
        for side in item.split("; "):
            # never a bare "Donald Trump says [15][16]": a stance is followed by what is claimed
            assert not re.search(r"\b(says|denies|does not confirm|demands|does not echo)\s*(\[\d+\]\s*)*$", side), side
    text = " ".join(contested.items)
    assert "Donald Trump says: " in text and "ceasefire" in text


# -- 16: review ids that do not exist ---------------------------------------------------------------

def test_review_with_an_unknown_id_applies_nothing_and_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from bot.ingest import review
    from bot.ingest.pipeline import ingest
    from tests.ingest.helpers import DEC9, make_store

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("STORE_PATH", str(tmp_path / "db.sqlite3"))
    store = make_store(url)
    first = ingest(store, str(DEC9)).queued[0][0]
    assert main(["review", "approve", str(first), "99999"]) == 2
    err = capsys.readouterr().err
    assert "99999" in err and "nothing approved" in err
    assert main(["review", "reject", "9999"]) == 2
    err = capsys.readouterr().err
    assert "9999" in err and "nothing rejected" in err
    assert {q.id for q in review.listing(store)} >= {first}  # still pending: nothing was applied
    assert main(["review", "approve", str(first)]) == 0
    assert f"approved: {first}" in capsys.readouterr().out


# -- 17: check-config has one shape whatever is wrong ------------------------------------------------

@pytest.mark.parametrize("env", [{"HTTP_PORT": "eighty"}, {"SLACK_API_URL": "ftp://example.org/api/"}])
def test_check_config_reports_any_bad_value_the_same_way(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["check-config"]) == 2
    out, err = capsys.readouterr()
    [name] = env
    assert "Effective configuration" not in out  # no table for one kind of problem and not the other
    lines = [x for x in err.splitlines() if x.startswith("  - ")]
    assert len(lines) == 1 and lines[0].startswith(f"  - {name}") and "from the environment" in lines[0], err
    assert err.splitlines()[0] == "Configuration problems:"


# -- 18: the Makefile's set-up output ----------------------------------------------------------------

STUB = """#!/bin/sh
# Stands in for python: "-m venv DIR" makes DIR/bin/python (this script); "-m pip ..." behaves like pip
# under a machine-wide config that points at missing folders.
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && exit 0
fi
i=0
while [ $i -lt 150 ]; do
  echo "WARNING: Location 'file:///opt/none/simple/pkg$i/' is ignored: it is neither a file nor a directory." >&2
  i=$((i + 1))
done
if [ -n "$STUB_PIP_FAILS" ]; then
  echo "ERROR: No matching distribution found for nosuchpackage" >&2
  exit 1
fi
exit 0
"""


def make_setup(tmp_path: Path, fail: bool = False) -> subprocess.CompletedProcess:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    stub = tmp_path / "stub-python"
    stub.write_text(STUB)
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    # A newcomer's own `make`, not one nested in `make test` (which would print "make[1]: Entering ...").
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES")}
    env["STUB_PIP_FAILS"] = "1" if fail else ""
    return subprocess.run(["make", f"PYTHON={stub}", "VENV=venv", "venv/.installed"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)


def test_make_setup_is_one_line_per_step(tmp_path: Path) -> None:
    proc = make_setup(tmp_path)
    assert proc.returncode == 0, proc.stderr
    output = (proc.stdout + proc.stderr).strip().splitlines()
    assert "is ignored" not in proc.stdout + proc.stderr
    assert len(output) <= 5, output
    assert output[0].startswith("set-up 1/3") and output[-1] == "set-up done"
    assert (tmp_path / "venv" / ".installed").exists()


def test_make_setup_shows_a_real_pip_error_and_fails(tmp_path: Path) -> None:
    proc = make_setup(tmp_path, fail=True)
    assert proc.returncode != 0
    assert "No matching distribution found for nosuchpackage" in proc.stderr
    assert "is ignored" not in proc.stdout + proc.stderr
    assert not (tmp_path / "venv" / ".installed").exists()
