"""A catalog that is busy, damaged, read-only or on a full disk is said plainly (exit 5), never
as an internal error, and a refused write changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from colophon.cli import exitcodes
from colophon.cli.main import main
from colophon.core import catalog as catalog_module
from colophon.core.catalog import CATALOG_FILE, Catalog, database_problem, is_environment_error
from colophon.core.errors import CatalogError, DiskFullError, EnvironmentProblem


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "home"
    (tmp_path / "a.txt").write_text("a small poem")
    assert run(capsys, "--home", str(folder), "add", str(tmp_path / "a.txt"))[0] == 0
    return folder


def test_a_catalog_another_process_is_writing_to_is_said_to_be_busy(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_module, "BUSY_TIMEOUT_MS", 50)
    other = sqlite3.connect(home / CATALOG_FILE, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the app, saving something
    try:
        for command in (["edit", "1", "--title", "Changed"], ["remove", "1"]):
            code, _, err = run(capsys, "--home", str(home), *command)
            assert code == exitcodes.ENVIRONMENT, err
            assert "is busy: another Colophon is writing to it" in err
            assert "internal error" not in err
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Catalog.open(home) as cat:
        assert cat.get_work(1).title == "a"  # nothing was changed


def test_a_catalog_damaged_past_its_first_pages_is_said_to_be_damaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    with Catalog.open(home) as cat, cat.transaction() as conn:
        conn.executemany(
            "INSERT INTO works (digest, size, kind, title, created, registered_at) "
            "VALUES (?, 1, 'text', ?, '2020-01-01', '2020-01-01T00:00:00Z')",
            [(f"{i:064x}", f"work {i} " + "x" * 200) for i in range(3000)],
        )
    path = home / CATALOG_FILE
    data = bytearray(path.read_bytes())
    page = 4096
    middle = len(data) // page // 2 * page
    data[middle : middle + 8 * page] = b"\xa5" * (8 * page)  # the works' pages, not the schema
    path.write_bytes(bytes(data))
    code, _, err = run(capsys, "--home", str(home), "list")
    assert code == exitcodes.ENVIRONMENT, err
    assert "is damaged" in err and "internal error" not in err


@pytest.mark.parametrize(
    ("error", "kind", "says"),
    [
        (sqlite3.OperationalError("database or disk is full"), DiskFullError, "disk"),
        (
            sqlite3.OperationalError("attempt to write a readonly database"),
            EnvironmentProblem,
            "read-only",
        ),
        (sqlite3.DatabaseError("database disk image is malformed"), CatalogError, "damaged"),
        (sqlite3.OperationalError("database is locked"), EnvironmentProblem, "busy"),
        (sqlite3.OperationalError("disk I/O error"), EnvironmentProblem, "could not be read"),
    ],
)
def test_each_database_error_gets_its_own_plain_message(
    error: sqlite3.Error, kind: type, says: str
) -> None:
    problem = database_problem(error, Path("/home/ada/.local/share/colophon/catalog.sqlite"))
    assert type(problem) is kind and says in problem.message


@pytest.mark.parametrize(
    ("error", "environment"),
    [
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.DatabaseError("database disk image is malformed"), True),
        (sqlite3.IntegrityError("FOREIGN KEY constraint failed"), False),
        (sqlite3.ProgrammingError("Incorrect number of bindings supplied"), False),
    ],
)
def test_only_the_catalogs_surroundings_failing_is_said_as_such_a_bug_stays_a_bug(
    error: sqlite3.Error, environment: bool, tmp_path: Path
) -> None:
    assert is_environment_error(error) is environment
    with Catalog.open(tmp_path) as cat:
        expected = EnvironmentProblem if environment else type(error)
        with pytest.raises(expected), cat.transaction():
            raise error
        assert not cat.conn.in_transaction  # rolled back either way
