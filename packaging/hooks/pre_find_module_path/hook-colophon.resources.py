"""Find ``colophon.resources`` where pyproject.toml maps it: the top-level ``resources/`` folder.

The package's sources live in ``app/colophon`` but its resources in ``resources/`` (see
``package-dir`` in pyproject.toml). PyInstaller looks for submodules only inside the parent's
folder, so this hook points it at the checkout's root, where ``resources/__init__.py`` is.
The data files themselves are added by colophon.spec.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def pre_find_module_path(api):
    api.search_dirs = [str(ROOT)]
