"""The library as a table: one row per work, read lazily so 100,000 works open at once.

Only the ordered list of work ids matching the filter is held whole (it is queried on a worker,
so typing a search never blocks); the works themselves are read a page at a time when a view
asks for a row, and only the most recently used pages are kept. Status and thumbnails are
filled in by background batches (`PresenceCache`, `ThumbnailCache`) as rows come into view.
"""

from __future__ import annotations

import bisect
import logging
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from ..core.catalog import Catalog, Work
from ..core.errors import ColophonError
from . import icons
from .tasks import TaskRunner
from .thumbnails import FOLDER_NAME, ThumbnailCache
from .work_status import (
    CHANGED,
    EDITED,
    EXPORTED,
    GONE,
    HERE,
    MISSING,
    REGISTERED,
    PresenceCache,
    state_of_catalog,
)

log = logging.getLogger(__name__)

COL_PREVIEW, COL_TITLE, COL_KIND, COL_CREATED, COL_STATUS = range(5)
HEADERS = ("", "Title", "Kind", "Created", "Status")
HEADER_TIPS = (
    "Preview (sorts by when the work was added)",
    "Title",
    "Kind of work",
    "When the work was made",
    "Status",
)

# Roles as plain ints: data() runs for every visible cell on every paint, and looking an enum
# member up through PySide's flat names costs microseconds each time.
_R = Qt.ItemDataRole
DISPLAY, DECORATION, TOOLTIP = _R.DisplayRole.value, _R.DecorationRole.value, _R.ToolTipRole.value
FOREGROUND, ACCESSIBLE_TEXT = _R.ForegroundRole.value, _R.AccessibleTextRole.value
WorkIdRole = _R.UserRole.value + 1
DigestRole = _R.UserRole.value + 2
KindRole = _R.UserRole.value + 3
StatusRole = _R.UserRole.value + 4  # "registered", "file missing", … or None while not known yet
PathRole = _R.UserRole.value + 5  # the first known path
WorkRole = _R.UserRole.value + 6  # the `Work` itself
ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

MISSING_COLOR = QColor("#d9480f")  # readable on light and dark backgrounds alike
PAGE_SIZE = 100
MAX_PAGES = 20  # 2,000 works: many screens of rows, few objects for the collector
#: more changed statuses than this are announced as a change of the whole column
MANY_CHANGES = 500

Index = QModelIndex | QPersistentModelIndex


#: what a click on each column's header sorts by (the preview column: when works were added)
SORT_ORDERS = ("added", "title", "kind", "created", "status")


def query_ids(
    catalog: Catalog,
    search: str,
    kind: str | None,
    status: str | None,
    exported: set[int],
    order: str = "added",
    descending: bool = False,
) -> tuple[list[int], dict[int, str]]:
    """Ids matching the filter, sorted, and the works' states on disk if the filter or order
    needed them (worker side).

    A work shows one status: "file missing" when none of its files is there, "file changed" when
    none is as registered, else "exported" once it went into a bundle (``exported``), else
    "registered"; the status filter matches what is shown, and sorting by status sorts by what is
    shown, alphabetically.
    """
    by_status = order == "status"
    ids = catalog.work_ids(
        search or None,
        kind or None,
        order="added" if by_status else order,
        descending=descending,
    )
    if not status and not by_status:
        return ids, {}
    presence = state_of_catalog(catalog, ids)

    def shown(work_id: int) -> str:
        state = presence.get(work_id, GONE)
        if state != HERE:
            return CHANGED if state == EDITED else MISSING
        return EXPORTED if work_id in exported else REGISTERED

    if status:
        ids = [i for i in ids if shown(i) == status]
    if by_status:  # stable: works with the same status stay in the order they were added
        ids.sort(key=shown, reverse=descending)
    return ids, presence


class LibraryModel(QAbstractTableModel):
    """Works filtered by search text, kind and status; in the order they were added, or sorted."""

    #: the rows were replaced after a refresh (selection is lost; views restore it)
    loaded = Signal()

    def __init__(
        self,
        catalog: Catalog,
        runner: TaskRunner,
        thumbnails: ThumbnailCache | None = None,
        presence: PresenceCache | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.home = catalog.path.parent
        self._runner = runner
        self.thumbnails = thumbnails or ThumbnailCache(self.home / FOLDER_NAME, runner, self)
        self.presence = presence or PresenceCache(self.home, runner, self)
        self.thumbnails.thumbnails_ready.connect(self._on_thumbnails_thumbnails_ready)
        self.presence.presence_changed.connect(self._on_presence_presence_changed)
        self._ids: list[int] = []
        self.exported: set[int] = set()  # ids of works that went into a bundle
        self._pages: OrderedDict[int, list[Work | None]] = OrderedDict()
        self.search, self.kind, self.status = "", "", ""
        self.order, self.descending = "added", False
        self._in_id_order = True  # the rows shown are in id order (bisect finds a row)
        self._rows: dict[int, int] | None = None  # row of each id, once sorted other than by id
        self._generation = 0
        self.loading = True  # until the first `refresh` has read the ids

    # -- loading -------------------------------------------------------------------------------
    def set_filter(self, search: str = "", kind: str = "", status: str = "") -> None:
        """Show only works matching ``search`` (text), ``kind`` and ``status`` ("" for any)."""
        if (search, kind, status) != (self.search, self.kind, self.status):
            self.search, self.kind, self.status = search, kind, status
            self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (the header was clicked); -1 for the order works were added."""
        key = SORT_ORDERS[column] if 0 <= column < len(SORT_ORDERS) else "added"
        descending = order == Qt.SortOrder.DescendingOrder and column >= 0
        if (key, descending) != (self.order, self.descending):
            self.order, self.descending = key, descending
            self.refresh()

    def refresh(self) -> None:
        """Read the matching ids again (on a worker); rows are replaced when they arrive."""
        self._generation += 1
        generation = self._generation
        home, search, kind, status = self.home, self.search, self.kind, self.status
        order, descending = self.order, self.descending
        self.loading = True

        def load(_progress: object) -> tuple[list[int], dict[int, bool], set[int]]:
            with Catalog.open(home) as catalog:
                exported = catalog.exported_work_ids()
                ids, presence = query_ids(
                    catalog, search, kind, status, exported, order, descending
                )
                return ids, presence, exported

        self._runner.submit(
            load,
            label="Reading the catalog",
            on_success=lambda result: self._on_load_succeeded(generation, result),
            on_failure=lambda exc: self._on_load_failed(generation, exc),
        )

    def reload_works(self, work_ids: list[int]) -> None:
        """Read these works again (after an edit) without disturbing rows or selection."""
        for work_id in work_ids:
            row = self.row_of(work_id)
            if row is not None:
                self._pages.pop(row // PAGE_SIZE, None)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def _on_load_succeeded(self, generation: int, result: tuple[list[int], dict, set]) -> None:
        if generation != self._generation:
            return  # a newer filter was set meanwhile
        ids, presence, self.exported = result
        self.beginResetModel()
        self._ids = ids
        self._in_id_order = self.order == "added" and not self.descending  # what was asked for
        self._rows = None
        self._pages.clear()
        self.loading = False
        self.endResetModel()
        if presence:
            self.presence.update(presence)
        self.loaded.emit()

    def _on_load_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.loading = False
            log.warning("The library could not be read: %s", getattr(exc, "message", exc))
            self.loaded.emit()

    # -- lookups -------------------------------------------------------------------------------
    @property
    def work_ids(self) -> list[int]:
        """The ids of the rows, in order (do not modify)."""
        return self._ids

    def work_id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, work_id: int) -> int | None:
        if self._in_id_order:  # no index needed
            row = bisect.bisect_left(self._ids, work_id)
            return row if row < len(self._ids) and self._ids[row] == work_id else None
        if self._rows is None:
            self._rows = {work_id: row for row, work_id in enumerate(self._ids)}
        return self._rows.get(work_id)

    def work_at(self, row: int) -> Work | None:
        if not 0 <= row < len(self._ids):
            return None
        page = row // PAGE_SIZE
        works = self._pages.get(page)
        if works is None:
            works = self._pages[page] = self._read_page(page)
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return works[row - page * PAGE_SIZE]

    def _read_page(self, page: int) -> list[Work | None]:
        ids = self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        works: list[Work | None] = []
        try:
            for work_id in ids:
                try:
                    works.append(self.catalog.get_work(work_id))
                except ColophonError:
                    works.append(None)  # removed since the ids were read
        except Exception:  # a page that cannot be read shows empty rows until the next refresh
            log.exception("Cannot read works %d to %d of the library", ids[0], ids[-1])
            works += [None] * (len(ids) - len(works))
        return works

    # -- Qt model interface ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return ITEM_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == DISPLAY:
            return HEADERS[section]
        if role in (TOOLTIP, ACCESSIBLE_TEXT):
            return HEADER_TIPS[section]
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        """Never raises: a row that cannot be read shows as empty."""
        if not index.isValid() or index.model() is not self:
            return None
        try:
            work = self.work_at(index.row())
            return None if work is None else self._data(work, index.column(), role)
        except Exception:  # a view must never see an exception; the log keeps the cause
            log.exception("Cannot show row %d", index.row())
            return None

    def _data(self, work: Work, column: int, role: int) -> Any:
        if role == DISPLAY:
            return self._display(work, column)
        if role == DECORATION:
            return self._preview(work) if column == COL_PREVIEW else None
        if role == FOREGROUND:
            if column == COL_STATUS and self.presence.known_status(work.id) in (MISSING, CHANGED):
                return MISSING_COLOR
            return None
        if role == TOOLTIP:
            return "\n".join([work.title, *work.paths]) if column <= COL_TITLE else None
        if role == ACCESSIBLE_TEXT:
            return f"{work.kind}: {work.title}" if column == COL_PREVIEW else None
        if role == WorkIdRole:
            return work.id
        if role == DigestRole:
            return work.digest
        if role == KindRole:
            return work.kind
        if role == StatusRole:
            return self._status(work)
        if role == PathRole:
            return work.paths[0] if work.paths else None
        if role == WorkRole:
            return work
        return None

    def _display(self, work: Work, column: int) -> str | None:
        if column == COL_TITLE:
            return work.title
        if column == COL_KIND:
            return work.kind.capitalize()
        if column == COL_CREATED:
            return work.created[:16].replace("T", " ")
        if column == COL_STATUS:
            return self._status(work) or ""
        return None

    def _status(self, work: Work) -> str | None:
        status = self.presence.status(work.id)
        return EXPORTED if status == REGISTERED and work.id in self.exported else status

    def _preview(self, work: Work) -> Any:
        if work.kind == "image" and work.paths:
            thumb = self.thumbnails.icon(work.digest, work.paths[0], work.size)
            if thumb is not None:
                return thumb
        return icons.kind_icon(work.kind)

    # -- background results ----------------------------------------------------------------------
    def _on_thumbnails_thumbnails_ready(self, digests: list[str]) -> None:
        wanted = set(digests)
        for page, works in self._pages.items():
            for offset, work in enumerate(works):
                if work is not None and work.digest in wanted:
                    index = self.index(page * PAGE_SIZE + offset, COL_PREVIEW)
                    self.dataChanged.emit(index, index, [DECORATION])

    def _on_presence_presence_changed(self, work_ids: list[int]) -> None:
        if len(work_ids) > MANY_CHANGES:  # a scan of every file: one signal, not 100,000
            if self._ids:
                top, bottom = self.index(0, COL_STATUS), self.index(len(self._ids) - 1, COL_STATUS)
                self.dataChanged.emit(top, bottom, [DISPLAY, FOREGROUND])
            return
        for work_id in work_ids:
            row = self.row_of(work_id)
            if row is not None:
                index = self.index(row, COL_STATUS)
                self.dataChanged.emit(index, index, [DISPLAY, FOREGROUND])
