"""The works commands, called through main([...]) as a user would type them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from colophon import __version__
from colophon.cli import exitcodes
from colophon.cli.main import main


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    src = tmp_path / "portfolio"
    (src / "photos").mkdir(parents=True)
    (src / "photos" / "harbour.jpg").write_bytes(b"\xff\xd8\xff\xe0 harbour")
    (src / "story.txt").write_text("Once upon a time")
    return src


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"colophon {__version__}"


def test_add_list_show_round_trip(capsys, tmp_path, portfolio):
    home = str(tmp_path / "home")
    code, out, err = run(capsys, "--home", home, "add", str(portfolio))
    assert code == exitcodes.OK, err
    assert out.startswith("2 new works")
    code, out, _ = run(capsys, "--home", home, "list", "--json")
    works = json.loads(out)
    assert {w["title"] for w in works} == {"harbour", "story"}
    code, out, _ = run(capsys, "--home", home, "list", "--search", "harb")
    assert "harbour" in out and "story" not in out
    digest = next(w["digest"] for w in works if w["title"] == "story")
    code, out, _ = run(capsys, "--home", home, "show", digest[:12])
    assert code == 0 and "Work " in out and f"sha256:{digest}" in out


def test_list_sorts_by_title_kind_or_date_and_reverses(capsys, tmp_path, portfolio):
    home = str(tmp_path / "home")
    run(capsys, "--home", home, "add", str(portfolio / "story.txt"))
    run(capsys, "--home", home, "add", str(portfolio / "photos"))
    run(capsys, "--home", home, "edit", "1", "--created", "2001-01-01")
    run(capsys, "--home", home, "edit", "2", "--created", "1999-09-09")

    def titles(*options: str) -> list[str]:
        code, out, err = run(capsys, "--home", home, "list", *options)
        assert code == exitcodes.OK, err
        return [line.split()[-1] for line in out.splitlines()]

    assert titles() == ["story", "harbour"]  # the order added
    assert titles("--sort", "title") == ["harbour", "story"]
    assert titles("--sort", "title", "--reverse") == ["story", "harbour"]
    assert titles("--sort", "created") == ["harbour", "story"]
    assert titles("--sort", "kind", "--reverse") == ["story", "harbour"]  # text, image
    with pytest.raises(SystemExit) as exc:
        main(["--home", home, "list", "--sort", "size"])
    assert exc.value.code == exitcodes.USAGE
    assert "invalid choice: 'size'" in capsys.readouterr().err


def test_add_json_reports_counts_and_no_progress_bar(capsys, tmp_path, portfolio):
    _, out, err = run(capsys, "--home", str(tmp_path / "h"), "add", str(portfolio), "--json")
    report = json.loads(out)
    assert (report["added"], report["skipped"], report["cancelled"]) == (2, [], False)
    assert err == ""


def test_add_with_a_missing_or_empty_path_registers_nothing(
    capsys, tmp_path, portfolio, monkeypatch
):
    home = str(tmp_path / "h")
    code, out, err = run(capsys, "--home", home, "add", str(portfolio), "nope.png")
    assert code == exitcodes.NOT_FOUND and out == ""
    assert err.strip().endswith("There is no file or folder nope.png.")
    monkeypatch.chdir(portfolio)  # as a script's unset "$DIR" would give it
    code, out, err = run(capsys, "--home", home, "add", "")
    assert code == exitcodes.USAGE and "An empty path was given" in err
    code, out, err = run(capsys, "--home", home, "check", str(tmp_path / "no-such-folder"))
    assert code == exitcodes.NOT_FOUND and "no-such-folder" in err
    assert json.loads(run(capsys, "--home", home, "list", "--json")[1]) == []


def test_a_file_name_that_is_not_utf8_is_skipped_with_a_reason(capsys, tmp_path, portfolio):
    # The catalog keeps names as text: such a file is passed over, saying why, and the rest of
    # the folder is registered; the name is shown with its stray byte escaped, in text and JSON.
    (portfolio / os.fsdecode(b"caf\xe9.txt")).write_text("written on an old camera")
    home = str(tmp_path / "h")
    code, out, err = run(capsys, "--home", home, "add", str(portfolio))
    assert code == exitcodes.FINDINGS
    assert out.startswith("2 new works, 0 new locations of known works, 0 unchanged, 1 skipped.")
    assert f"skipped {portfolio}/caf\\xe9.txt: its name is not UTF-8 text; rename" in err
    (portfolio / "more.txt").write_text("more")
    code, out, err = run(capsys, "--home", home, "add", str(portfolio), "--json")
    report = json.loads(out.encode("utf-8"))  # strict UTF-8
    assert (report["added"], report["unchanged"]) == (1, 2)
    assert report["skipped"][0]["path"] == f"{portfolio}/caf\\xe9.txt"
    code, out, err = run(capsys, "--home", home, "add", str(portfolio / "more.txt"))
    assert out.startswith("0 new works, 0 new locations of known works, 1 unchanged, 0 skipped.")


def test_remove_forgets_works_but_not_their_files_nor_their_exports(capsys, tmp_path, portfolio):
    home = str(tmp_path / "h")
    run(capsys, "--home", home, "add", str(portfolio))
    before = {p: p.read_bytes() for p in portfolio.rglob("*") if p.is_file()}
    code, out, err = run(capsys, "--home", home, "remove", "1", "99")
    assert code == exitcodes.NOT_FOUND and "No work 99" in err  # nothing removed on a typo
    assert len(json.loads(run(capsys, "--home", home, "list", "--json")[1])) == 2
    code, out, err = run(capsys, "--home", home, "remove", "1", "--json")
    assert code == exitcodes.OK, err
    [removed] = json.loads(out)["removed"]
    code, out, _ = run(capsys, "--home", home, "list", "--json")
    assert [w["id"] for w in json.loads(out)] == [2] and removed["id"] == 1
    assert {p: p.read_bytes() for p in portfolio.rglob("*") if p.is_file()} == before
    code, out, _ = run(capsys, "--home", home, "add", str(portfolio))
    assert out.startswith("1 new work, 0 new locations of known works, 1 unchanged")


def test_edit_sets_fields_and_rejects_bad_shares(capsys, tmp_path, portfolio):
    home = str(tmp_path / "h")
    run(capsys, "--home", home, "add", str(portfolio))
    code, out, err = run(
        capsys,
        "--home",
        home,
        "edit",
        "1",
        "--title",
        "Harbour at dawn",
        "--created",
        "2019-07-14",
        "--tag",
        "sea",
        "--contributor",
        "Ann Lee:photographer:80",
        "--contributor",
        "Bo:assistant:20",
        "--json",
    )
    assert code == 0, err
    work = json.loads(out)
    assert work["title"] == "Harbour at dawn" and work["created"] == "2019-07-14"
    assert work["tags"] == ["sea"]
    assert work["contributors"][0] == {"name": "Ann Lee", "role": "photographer", "share": 80.0}
    code, out, err = run(capsys, "--home", home, "edit", "1", "--contributor", "Ann:x:50")
    assert code == exitcodes.USAGE
    assert err.startswith("colophon: error: Contributor shares must add up to 100")
    assert "Traceback" not in err
    code, _, err = run(capsys, "--home", home, "edit", "1", "--contributor", "Ann:x:lots")
    assert code == exitcodes.USAGE and "'lots' is not a number" in err
    code, _, err = run(
        capsys, "--home", home, "edit", "1", "--clear-contributors", "--contributor", "Bo::"
    )
    assert code == exitcodes.USAGE and "not both" in err
    code, out, err = run(capsys, "--home", home, "edit", "1", "--clear-contributors", "--json")
    assert code == 0, err
    assert json.loads(out)["contributors"] == []
    assert json.loads(out)["tags"] == ["sea"]  # the rest as it was


def test_edit_gives_a_work_terms_of_its_own_that_its_claim_carries(capsys, tmp_path, portfolio):
    home = ("--home", str(tmp_path / "h"))
    run(capsys, *home, "add", str(portfolio))
    run(capsys, *home, "identity", "init", "--name", "Ada Lovelace", "--term", "training=allowed")
    code, out, err = run(
        capsys,
        *(*home, "edit", "1", "--term", "training=notAllowed"),
        *("--term", "inference=constrained:search indexing only", "--term", "data-mining=allowed"),
    )
    assert code == exitcodes.OK, err
    assert "own terms   May be used to train AI: No" in out
    assert "own terms   May be given to an AI as input: Only with conditions: search" in out
    code, out, err = run(capsys, *home, "edit", "1", "--term", "data-mining=default", "--json")
    assert code == exitcodes.OK, err
    assert json.loads(out)["terms"] == {
        "cawg.ai_training": {"use": "notAllowed"},
        "cawg.ai_inference": {"use": "constrained", "constraint_info": "search indexing only"},
    }
    bundle = tmp_path / "claim.colophon"
    assert run(capsys, *home, "export", "--all", "-o", str(bundle))[0] == exitcodes.OK
    code, out, err = run(capsys, *home, "verify", str(bundle), "--json")
    assert code == exitcodes.OK, err
    terms = {w["title"]: w["terms"] for w in json.loads(out)["works"]}
    own, other = terms["harbour"], terms["story"]
    assert own["cawg.ai_training"] == {"use": "notAllowed"}
    assert own["cawg.ai_inference"]["constraint_info"] == "search indexing only"
    assert other["cawg.ai_training"] == {"use": "allowed"}  # the profile's, as before
    assert own["cawg.data_mining"] == other["cawg.data_mining"] == {"use": "notAllowed"}

    code, out, err = run(capsys, *home, "edit", "1", "--clear-terms", "--json")
    assert code == exitcodes.OK and json.loads(out)["terms"] is None
    for bad, says in (
        ("painting=allowed", "USE one of training"),
        ("training=maybe", "allowed, notAllowed or constrained"),
        ("training=constrained:", "say the condition"),
        ("training=constrained:a\x1b[2Jb", "control"),
    ):
        code, _, err = run(capsys, *home, "edit", "1", "--term", bad)
        assert code == exitcodes.USAGE and says in err, (bad, err)
    assert json.loads(run(capsys, *home, "show", "1", "--json")[1])["terms"] is None


def test_unknown_work_is_one_line_and_exit_4(capsys, tmp_path):
    code, _, err = run(capsys, "--home", str(tmp_path / "h"), "show", "77")
    assert code == exitcodes.NOT_FOUND
    assert err == "colophon: error: No work 77 in the catalog.\n"


def test_bad_option_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["--home", str(tmp_path), "list", "--frobnicate"])
    assert exc.value.code == exitcodes.USAGE
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


def test_check_exit_codes(capsys, tmp_path, portfolio):
    home = str(tmp_path / "h")
    run(capsys, "--home", home, "add", str(portfolio))
    code, out, _ = run(capsys, "--home", home, "check")
    assert code == exitcodes.OK and "2 ok" in out
    (portfolio / "story.txt").unlink()
    code, out, _ = run(capsys, "--home", home, "check", "--json")
    assert code == exitcodes.FINDINGS
    assert json.loads(out)["summary"]["missing"] == 1
    os.mkfifo(portfolio / "story.txt")  # there again, but nothing that can be read
    code, out, _ = run(capsys, "--home", home, "check")
    assert code == exitcodes.FINDINGS
    assert out.startswith(
        "Checked 2 locations: 1 ok, 0 modified, 0 missing, 0 moved, 1 unreadable."
    )
    assert f"  {portfolio / 'story.txt'}: " in out and "((" not in out and "))" not in out


def test_damaged_catalog_is_an_environment_error_not_a_traceback(capsys, tmp_path):
    home = tmp_path / "h"
    home.mkdir()
    (home / "catalog.sqlite").write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "--home", str(home), "list")
    assert code == exitcodes.ENVIRONMENT
    assert err.startswith("colophon: error: The catalog") and "Traceback" not in err


def test_the_installed_command_runs_headless(tmp_path, portfolio):
    out = subprocess.run(
        [sys.executable, "-m", "colophon", "--home", str(tmp_path / "h"), "add", str(portfolio)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0 and out.stderr == ""


def test_a_check_stopped_by_a_signal_says_it_is_incomplete(tmp_path):
    # Ctrl-C or `timeout` ends a check early: what it printed must not read as a full check.
    home = tmp_path / "h"
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"the poem {name}")
    assert main(["--home", str(home), "add", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]) == 0
    with open(tmp_path / "a.txt", "wb") as fh:
        fh.truncate(64 << 30)  # sparse: reading it takes long, storing it nothing
    command = [sys.executable, "-m", "colophon", "--home", str(home), "check"]
    checking = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not _has_open(checking.pid, tmp_path / "a.txt") and time.monotonic() < deadline:
        time.sleep(0.05)  # not yet reading the large file
    checking.send_signal(signal.SIGTERM)
    out, err = checking.communicate(timeout=60)
    assert checking.returncode == exitcodes.CANCELLED, err
    assert out.startswith("Cancelled: only checked")
    assert "cancelled: files not yet checked are not listed" in err
    assert "Traceback" not in err


def _has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has ``path`` open (Linux)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                return True
        except OSError:
            continue
    return False


WARNING_PROBE = """
import sys
import PIL.Image
PIL.Image.MAX_IMAGE_PIXELS = 100  # so a 12 x 12 picture is "very large" to Pillow
from colophon.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_library_warnings_stay_out_of_what_a_person_reads(tmp_path):
    from PIL import Image

    folder = tmp_path / "photos"
    folder.mkdir()
    Image.new("RGB", (12, 12), "teal").save(folder / "large.png")
    env = {**os.environ}
    env.pop("COLOPHON_DEBUG", None)

    def add(home: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", WARNING_PROBE, "--home", home, "add", str(folder)]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)

    quiet = add(str(tmp_path / "h"), env)
    assert quiet.returncode == 0, quiet.stderr
    assert "Warning" not in quiet.stderr and "1 new work" in quiet.stdout
    shown = add(str(tmp_path / "h2"), {**env, "COLOPHON_DEBUG": "1"})  # a developer sees them
    assert "DecompressionBombWarning" in shown.stderr


def test_a_title_with_a_line_break_stays_on_its_own_row(capsys, tmp_path, portfolio):
    home = str(tmp_path / "h")
    (portfolio / "line one\nline two.txt").write_text("a name of two lines")
    assert run(capsys, "--home", home, "add", str(portfolio))[0] == exitcodes.OK
    code, out, _ = run(capsys, "--home", home, "list")
    assert code == exitcodes.OK
    rows = out.splitlines()
    assert len(rows) == 3 and any(row.endswith("line one\\nline two") for row in rows)


def test_check_forgets_a_moved_files_old_place_when_asked(capsys, tmp_path, portfolio):
    home = str(tmp_path / "h")
    run(capsys, "--home", home, "add", str(portfolio))
    (portfolio / "story.txt").rename(portfolio / "story, final.txt")
    run(capsys, "--home", home, "add", str(portfolio))  # known again by its new name
    code, out, _ = run(capsys, "--home", home, "check")
    assert code == exitcodes.FINDINGS and "1 missing" in out
    code, out, _ = run(capsys, "--home", home, "check", "--forget-missing")
    assert code == exitcodes.FINDINGS and "1 forgotten" in out
    assert "Locations forgotten: their works are known at another place each." in out
    code, out, _ = run(capsys, "--home", home, "check")
    assert code == exitcodes.OK and "0 missing" in out


def test_add_says_which_works_have_a_new_version(capsys, tmp_path, portfolio):
    home = str(tmp_path / "h")
    run(capsys, "--home", home, "add", str(portfolio))
    assert run(capsys, "--home", home, "edit", "1", "--title", "My story")[0] == exitcodes.OK
    shown = json.loads(run(capsys, "--home", home, "show", "1", "--json")[1])
    Path(shown["paths"][0]).write_bytes(b"a new ending")
    code, out, _ = run(capsys, "--home", home, "add", str(portfolio))
    assert code == exitcodes.OK
    assert "1 file changed since registered: each new version is a new work" in out
    listed = json.loads(run(capsys, "--home", home, "list", "--json")[1])
    assert [w["title"] for w in listed].count("My story") == 2
