"""packaging/make_test_bundle.py makes the bundles the smoke test and the wheel check rely on:
each must give exactly the verdict those scripts expect."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from colophon.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_test_bundle", ROOT / "packaging" / "make_test_bundle.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_bundle_gets_the_exit_status_the_scripts_expect(tmp_path: Path, capsys) -> None:
    maker = load_maker()
    made = maker.make_bundles(tmp_path / "bundles")
    homes = {"signer": made["signer"], "fresh": tmp_path / "fresh"}
    seen = {}
    for name, checks in maker.EXPECTED.items():
        for home, _code in checks:
            seen[(name, home)] = main(["--home", str(homes[home]), "verify", str(made[name])])
    capsys.readouterr()
    expected = {
        (name, home): code for name, checks in maker.EXPECTED.items() for home, code in checks
    }
    assert seen == expected
    assert sorted(code for code in expected.values()) == [0, 10, 13, 14, 16]


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("keep me")
    try:
        load_maker().make_bundles(tmp_path)
    except SystemExit as exc:
        assert "not empty" in str(exc)
    else:
        raise AssertionError("make_bundles wrote into a folder that was not empty")
    assert (tmp_path / "something").read_text() == "keep me"
