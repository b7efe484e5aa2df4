"""The works of a verified claim as a table: preview, title, who made it, kind, terms for AI,
found locally.

Rows come from the claim (already parsed and checked by `verify`); thumbnails are the PNG bytes
carried in the bundle, turned into pictures only when a row is shown. After "Check against a
folder", the last column says which local files have each work's exact content.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from typing import Any

from PySide6 import QtGui
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon, QPixmap

from ..core.claim import Claim
from ..core.pathtext import readable
from ..core.verify import VerifyResult
from . import icons
from .plain_words import people_in_words, short_terms, terms_lines
from .signal_colors import OK_COLOR

log = logging.getLogger(__name__)

COL_PREVIEW, COL_TITLE, COL_PEOPLE, COL_KIND, COL_TERMS, COL_FOUND = range(6)
HEADERS = ("", "Title", "Made by", "Kind", "Terms for AI", "In your folder")
_R = Qt.ItemDataRole
DigestRole = _R.UserRole.value + 1
FoundRole = _R.UserRole.value + 2  # list of local paths, or None before a folder was checked
Index = QModelIndex | QPersistentModelIndex
ICON_PIXELS = 96  # twice the table's 48-pixel icons, for high-density screens
MAX_CACHED_ICONS = 2_000  # pictures kept ready: many screens' worth of rows


class VerifyWorksModel(QAbstractTableModel):
    """One row per claimed work; `set_result` replaces them all.

    Rows are read from the claim when shown: a claim of 100,000 works is not copied into
    100,000 rows on the way to the screen.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._claim: Claim | None = None
        self._works: list[dict[str, Any]] = []
        self._thumbnails: dict[str, bytes] = {}
        self._icons: OrderedDict[str, QIcon] = OrderedDict()
        self.matches: dict[str, list[str]] | None = None
        self.near: dict[str, list[tuple[str, int]]] = {}

    def set_result(self, result: VerifyResult | None, thumbnails: dict[str, bytes]) -> None:
        """Show the works of ``result``'s claim (none when it has no claim to rely on)."""
        self.beginResetModel()
        self._claim = result.claim if result is not None else None
        self._works = self._claim.works if self._claim is not None else []
        self._thumbnails = dict(thumbnails)
        self._icons = OrderedDict()
        self.matches = result.matches if result is not None else None
        self.near = (result.near or {}) if result is not None else {}
        self.endResetModel()

    def set_matches(self, matches: dict[str, list[str]] | None) -> None:
        """Record which local files hold each work (after checking a folder)."""
        self.matches = matches
        if self._works:
            self.dataChanged.emit(
                self.index(0, COL_FOUND), self.index(len(self._works) - 1, COL_FOUND)
            )

    def found_count(self) -> int:
        matches = self.matches or {}
        return sum(1 for work in self._works if matches.get(work["digest"]["sha256"]))

    def near_count(self) -> int:
        """Works not in the folder as such, but as a resized or converted copy."""
        matches = self.matches or {}
        return sum(
            1
            for work in self._works
            if not matches.get(digest := work["digest"]["sha256"]) and self.near.get(digest)
        )

    def _terms(self, row: int) -> dict[str, Any]:
        return self._claim.effective_terms(row) if self._claim is not None else {}

    # -- Qt model interface ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._works)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_PREVIEW:
                return "Preview"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = 0) -> Any:
        """Never raises: a row that cannot be shown is empty."""
        if not index.isValid() or not 0 <= index.row() < len(self._works):
            return None
        try:
            return self._data(index.row(), index.column(), role)
        except Exception:
            log.exception("Cannot show claimed work %d", index.row())
            return None

    def _data(self, row: int, column: int, role: int) -> Any:
        work = self._works[row]
        digest = work["digest"]["sha256"]
        found = None if self.matches is None else self.matches.get(digest, [])
        near = [] if found else self.near.get(digest, [])
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_TITLE:
                return work["title"]
            if column == COL_PEOPLE:
                return people_in_words(work.get("contributors", []))
            if column == COL_KIND:
                return work["kind"].capitalize()
            if column == COL_TERMS:
                return short_terms(self._terms(row))
            if column == COL_FOUND and found is not None:
                if found:
                    return f"Found: {readable(os.path.basename(found[0]))}"
                return (
                    f"Near copy: {readable(os.path.basename(near[0][0]))}" if near else "Not found"
                )
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_PREVIEW:
            return self._icon(digest, work["kind"])
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = None
            if column == COL_TERMS:
                tip = "\n".join(terms_lines(self._terms(row)))
            elif column == COL_FOUND and found:
                tip = "\n".join(map(readable, found))
            elif column == COL_FOUND and near:
                tip = "Resized, re-encoded or converted copies of this work:\n" + "\n".join(
                    f"{readable(path)} ({distance} bits off)" for path, distance in near
                )
            elif column == COL_TITLE:
                made = f"\nMade {work['created']}" if "created" in work else ""
                tip = f"{work['title']}{made}\nSHA-256 {digest}"
            elif column == COL_PEOPLE and work.get("contributors"):
                tip = "\n".join(people_in_words([c]) for c in work["contributors"])
            # Written by a stranger: shown as text, even where it looks like markup.
            return None if tip is None else QtGui.Qt.convertFromPlainText(tip)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_FOUND and (found or near):
            return OK_COLOR  # "not found" is no fault: often what a data team hopes to read
        if role == Qt.ItemDataRole.AccessibleTextRole and column == COL_PREVIEW:
            return f"{work['kind']}: {work['title']}"
        if role == DigestRole:
            return digest
        if role == FoundRole:
            return found
        return None

    def _icon(self, digest: str, kind: str) -> QIcon:
        cached = self._icons.get(digest)
        if cached is not None:
            self._icons.move_to_end(digest)
            return cached
        pixmap = QPixmap()
        data = self._thumbnails.get(digest)
        if data is not None and pixmap.loadFromData(data, "PNG"):
            # Kept at the size shown, not as carried: a bundle may hold 100,000 pictures.
            cached = QIcon(
                pixmap.scaled(
                    ICON_PIXELS,
                    ICON_PIXELS,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            cached = icons.kind_icon(kind)
        self._icons[digest] = cached
        if len(self._icons) > MAX_CACHED_ICONS:
            self._icons.popitem(last=False)  # the one shown longest ago
        return cached
