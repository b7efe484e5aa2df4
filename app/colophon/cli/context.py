"""What every command gets: the parsed options, the output streams, the catalog (opened lazily)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from ..core.catalog import Catalog


@dataclass
class Context:
    args: argparse.Namespace
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    _catalog: Catalog | None = None

    @property
    def home(self) -> str | None:
        return getattr(self.args, "home", None)

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog.open(self.home)
        return self._catalog

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None

    def print(self, *parts: object) -> None:
        print(*parts, file=self.stdout)

    def warn(self, message: str) -> None:
        print(f"colophon: {message}", file=self.stderr)

    def print_json(self, data: Any) -> None:
        json.dump(data, self.stdout, indent=2, ensure_ascii=False, sort_keys=False)
        self.stdout.write("\n")
