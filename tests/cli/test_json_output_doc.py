"""resources/spec/json-output.md lists every field the JSON output has, and no other."""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_bundles_cli import creator, export  # noqa: F401 - the fixture is used by name

from colophon.cli.main import main

DOC = Path(__file__).resolve().parents[2] / "resources" / "spec" / "json-output.md"


def documented(section: str) -> dict[str, bool]:
    """The fields of one section's table, each with whether it is optional."""
    text = DOC.read_text(encoding="utf-8").split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    fields: dict[str, bool] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if not line.startswith("| `") or len(cells) < 2:
            continue
        optional = "optional" in cells[1]
        for name in re.findall(r"`([a-z_0-9]+(?:\[\]\.[a-z_0-9]+)?)`", cells[0]):
            fields[name] = optional
    return fields


def test_verify_json_has_the_documented_fields(capsys, creator, tmp_path):  # noqa: F811
    edit = ["--home", str(creator["home"]), "edit", "1", "--created", "2019-07-14"]
    edit += ["--contributor", "Ann Lee:photographer:80", "--contributor", "Bo:assistant:20"]
    assert main(edit) == 0
    bundle = export(capsys, creator)
    code = main(
        [
            *("--home", str(tmp_path / "company"), "verify", str(bundle), "--json"),
            *("--against", str(creator["works"])),
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 10
    fields = documented("`verify --json`")
    base = {"digest", "title", "kind", "terms"}  # in the row of `works` itself
    shown = set(out) | {f"works[].{k}" for w in out["works"] for k in w if k not in base}
    assert {"works[].created", "works[].contributors"} <= shown
    assert shown <= set(fields), shown - set(fields)
    assert {name for name, optional in fields.items() if not optional} <= shown


def test_scan_json_and_report_rows_have_the_documented_fields(capsys, creator, tmp_path):  # noqa: F811
    bundle = export(capsys, creator)
    report = tmp_path / "matches.jsonl"
    code = main(
        [
            *("--home", str(tmp_path / "company"), "scan", str(creator["works"])),
            *("--claims", str(bundle), "--report", str(report), "--json"),
        ]
    )
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(summary) == set(documented("`scan --json`"))
    rows = [json.loads(line) for line in report.read_text().splitlines()]
    assert rows and all(set(row) == set(documented("Scan reports")) for row in rows)
