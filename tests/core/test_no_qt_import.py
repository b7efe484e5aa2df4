"""The core and the CLI must work on a machine where PySide6 cannot be imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_core_and_cli_import_and_run_without_pyside6(tmp_path):
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "PySide6" or name.startswith("PySide6."):
                    raise ImportError("PySide6 is blocked for this test")
                return None

        sys.meta_path.insert(0, Block())
        import colophon.core, colophon.cli
        for pkg in (colophon.core, colophon.cli):
            for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
                importlib.import_module(mod.name)
        from colophon.cli.main import main
        code = main(["--home", sys.argv[1], "list"])
        assert not any(m.startswith("PySide6") for m in sys.modules), "PySide6 was imported"
        print("exit", code)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "exit 0" in out.stdout
