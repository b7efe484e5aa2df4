"""The library on screen: a table or a grid of thumbnails over the same model and selection.

Both views share one selection model, so switching keeps what is selected. A change of
selection the person made is told apart from one the library made by itself (rows reloaded
after a search, works selected again by the program), so that the inspector asks questions only
about the first. Tab leaves the works for the next control; the arrow keys move among them.

Nothing here reads every row: row heights are fixed, columns are not sized to their contents,
and the grid lays out items of one uniform size in batches, so 100,000 works cost no more than
the rows shown.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QFocusEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListView,
    QMenu,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from .library_model import (
    COL_CREATED,
    COL_KIND,
    COL_PREVIEW,
    COL_STATUS,
    COL_TITLE,
    MISSING_COLOR,
    LibraryModel,
    StatusRole,
)
from .secondary_label import SecondaryLabel
from .table_header import ignore_selection_in_header
from .work_status import CHANGED, MISSING

TABLE, GRID = "table", "grid"
GRID_ICON = QSize(96, 96)
GRID_CELL = QSize(132, 142)  # the icon and two lines of title
MAX_KEPT_SELECTION = 10_000  # a larger selection is not restored after the rows are reloaded
#: how the focus comes to a view from the keyboard (not a click, nor the window coming back)
KEYBOARD_FOCUS = (Qt.TabFocusReason, Qt.BacktabFocusReason, Qt.ShortcutFocusReason)


class _GridDelegate(QStyledItemDelegate):
    """Draws a grid cell: the preview column's picture with the title column's text.

    A selected cell is one highlighted tile, picture and title together, rather than the
    style's tinted picture above a separate box that runs on below a one-line title; the focus
    outline goes around the whole tile, selected or not.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        selected = bool(option.state & QStyle.State_Selected)
        focused = bool(option.state & QStyle.State_HasFocus)
        if not selected and not focused:
            super().paint(painter, option, index)
            return
        group = QPalette.Active if option.state & QStyle.State_Active else QPalette.Inactive
        highlight = option.palette.color(group, QPalette.Highlight)
        plain = QStyleOptionViewItem(option)  # the picture and title, drawn on the tile
        plain.state &= ~(QStyle.State_Selected | QStyle.State_HasFocus)
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        if selected:
            painter.setPen(Qt.NoPen)
            painter.setBrush(highlight)
            painter.drawRoundedRect(option.rect.adjusted(1, 1, -1, -1), 6, 6)
            text = option.palette.color(group, QPalette.HighlightedText)
            plain.palette.setColor(QPalette.Text, text)
        if focused:  # around the whole tile, not its title alone
            painter.setPen(QPen(text if selected else highlight, 1, Qt.DotLine))
            painter.setBrush(Qt.NoBrush)
            painter.drawRoundedRect(option.rect.adjusted(3, 3, -3, -3), 4, 4)
        painter.restore()
        super().paint(painter, plain, index)

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.text = index.siblingAtColumn(COL_TITLE).data(Qt.DisplayRole) or ""
        status = index.data(StatusRole)
        if status in (MISSING, CHANGED):  # as the table's status column says, in its colour
            option.text = f"{option.text}\u2028{status}"  # a line break to the item view
            option.palette.setColor(QPalette.Text, MISSING_COLOR)
        option.features |= QStyleOptionViewItem.HasDisplay
        option.displayAlignment = Qt.AlignHCenter | Qt.AlignTop
        option.textElideMode = Qt.ElideMiddle

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return GRID_CELL  # one size for all, so the grid never measures 100,000 items


class LibraryView(QStackedWidget):
    """The works, as a table or as a grid; emits the selected work ids."""

    #: the person changed the selection: ids of the selected works, in row order
    selection_changed = Signal(list)
    #: the selection changed by itself (rows reloaded, e.g. a search hid some of the selected
    #: works, or `select_work_ids` was called): ids of the works selected now, in row order
    selection_reloaded = Signal(list)
    #: "table" or "grid"
    mode_changed = Signal(str)

    def __init__(self, model: LibraryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = self._make_table(model)
        self.grid = self._make_grid(model)
        self.grid.setSelectionModel(self.table.selectionModel())
        self.empty_label = SecondaryLabel()
        self.empty_label.setAlignment(Qt.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName("Library is empty")
        for widget in (self.table, self.grid, self.empty_label):
            self.addWidget(widget)
        for view in (self.table, self.grid):
            view.installEventFilter(self)
        self._mode = TABLE
        self._kept_selection: list[int] = []
        self._kept_scroll = 0  # where the rows were scrolled to before they were read again
        self._shown: tuple[object, ...] | None = None  # which rows: search, kind, status, order
        self._by_program = False  # the next emission is for a change the person did not make
        self._selecting = False  # `select_work_ids` is changing the selection
        self._selection_timer = QTimer(self, singleShot=True, interval=0)
        self._selection_timer.timeout.connect(self._on_selection_timer_timeout)
        self.selection_model.selectionChanged.connect(self._on_selection_selection_changed)
        model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        model.loaded.connect(self._on_model_loaded)
        self._update_page()

    @staticmethod
    def _make_table(model: LibraryModel) -> QTableView:
        table = QTableView()
        table.setAccessibleName("Works")
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        table.setTabKeyNavigation(False)  # Tab goes on to the details, not through every cell
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setIconSize(QSize(28, 28))
        table.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        table.verticalHeader().setDefaultSectionSize(34)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(COL_PREVIEW, QHeaderView.Fixed)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.Stretch)
        for column, width in (
            (COL_PREVIEW, 40),
            (COL_KIND, 90),
            (COL_CREATED, 140),
            (COL_STATUS, 120),
        ):
            header.resizeSection(column, width)
        # A click on a header sorts (the model asks the catalog), a third click goes back to the
        # order the works were added in, which is also where a new library starts.
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        ignore_selection_in_header(table)
        return table

    @staticmethod
    def _make_grid(model: LibraryModel) -> QListView:
        grid = QListView()
        grid.setAccessibleName("Works as thumbnails")
        grid.setViewMode(QListView.IconMode)
        grid.setModel(model)
        grid.setModelColumn(COL_PREVIEW)
        grid.setItemDelegate(_GridDelegate(grid))
        grid.setSelectionBehavior(QAbstractItemView.SelectRows)
        grid.setSelectionMode(QAbstractItemView.ExtendedSelection)
        grid.setMovement(QListView.Static)
        grid.setResizeMode(QListView.Adjust)
        grid.setUniformItemSizes(True)
        grid.setLayoutMode(QListView.Batched)
        grid.setBatchSize(500)
        grid.setIconSize(GRID_ICON)
        grid.setSpacing(10)
        grid.setWordWrap(True)
        grid.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        return grid

    # -- mode ----------------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self._mode

    def set_mode(self, mode: str) -> None:
        """Show the works as a "table" or a "grid"."""
        mode = GRID if mode == GRID else TABLE
        if mode != self._mode:
            had_focus = self.current_view.hasFocus()
            self._mode = mode
            self._update_page()
            # The grid shows one column: its current work must be in it, or Shift+arrow would
            # extend the selection from nowhere (and clear it) and the focus outline not show.
            current = self.selection_model.currentIndex()
            if current.isValid():
                self.selection_model.setCurrentIndex(
                    current.siblingAtColumn(self._current_column), QItemSelectionModel.NoUpdate
                )
            if had_focus:
                self.current_view.setFocus()
            self.mode_changed.emit(mode)

    @property
    def current_view(self) -> QAbstractItemView:
        return self.grid if self._mode == GRID else self.table

    @property
    def _current_column(self) -> int:
        """The column of the current work in the view shown (the grid shows only one)."""
        return COL_PREVIEW if self._mode == GRID else COL_TITLE

    @property
    def selection_model(self) -> QItemSelectionModel:
        return self.table.selectionModel()

    def header_state(self) -> QByteArray:
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state: QByteArray) -> None:
        """Column widths and the sort order as they were saved."""
        header = self.table.horizontalHeader()
        header.restoreState(state)
        if not header.isSortIndicatorShown():  # saved before the library could be sorted
            header.setSortIndicatorShown(True)
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.sort_by(header.sortIndicatorSection(), header.sortIndicatorOrder())

    # -- sorting -------------------------------------------------------------------------------
    def sort_by(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (-1: the order works were added), shown in the header too."""
        self.table.sortByColumn(column, order)

    def make_sort_menu(self, parent: QWidget) -> QMenu:
        """View ▸ Sort by: what a click on the table's headers does, from the keyboard too."""
        menu = QMenu("&Sort by", parent)
        group = QActionGroup(menu)
        self._sort_actions: dict[int, QAction] = {}
        for column, text in (
            (COL_PREVIEW, "Date &added"),
            (COL_TITLE, "&Title"),
            (COL_KIND, "&Kind"),
            (COL_CREATED, "Date &made"),
            (COL_STATUS, "&Status"),
        ):
            action = menu.addAction(text)
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(
                lambda _checked=False, c=column: self.sort_by(c, self._order())
            )
            self._sort_actions[column] = action
        menu.addSeparator()
        self._descending_action = menu.addAction("&Descending")
        self._descending_action.setCheckable(True)
        self._descending_action.triggered.connect(
            lambda _checked=False: self.sort_by(self._sort_column(), self._order())
        )
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sync_sort_menu)
        self._sync_sort_menu()
        return menu

    def _sort_column(self) -> int:
        return next(c for c, action in self._sort_actions.items() if action.isChecked())

    def _order(self) -> Qt.SortOrder:
        if self._descending_action.isChecked():
            return Qt.SortOrder.DescendingOrder
        return Qt.SortOrder.AscendingOrder

    def _sync_sort_menu(self, *_args: object) -> None:
        header = self.table.horizontalHeader()
        column = header.sortIndicatorSection()
        self._sort_actions.get(column, self._sort_actions[COL_PREVIEW]).setChecked(True)
        descending = column >= 0 and header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        self._descending_action.setChecked(descending)

    def _update_page(self) -> None:
        if self.model.rowCount() == 0 and not self.model.loading:
            filtered = self.model.search or self.model.kind or self.model.status
            self.empty_label.setText(
                "No works match."
                if filtered
                else "No works yet.\n\nAdd files or a folder, or drop them on this window."
            )
            self.setCurrentWidget(self.empty_label)
        else:
            self.setCurrentWidget(self.current_view)

    # -- selection -----------------------------------------------------------------------------
    def selected_work_ids(self) -> list[int]:
        """Ids of the selected works in row order (cheap even when all 100,000 are selected)."""
        rows: set[int] = set()
        for selected in self.selection_model.selection():
            rows.update(range(selected.top(), selected.bottom() + 1))
        ids = self.model.work_ids
        return [ids[row] for row in sorted(rows) if row < len(ids)]

    def select_work_ids(self, work_ids: list[int], scroll: bool = True) -> None:
        """Select the rows of these works (those shown), scrolling to the first if ``scroll``."""
        rows = sorted(r for r in map(self.model.row_of, work_ids) if r is not None)
        selection = QItemSelection()
        start = 0
        for i in range(1, len(rows) + 1):  # one range per run of adjacent rows
            if i == len(rows) or rows[i] != rows[i - 1] + 1:
                top, bottom = rows[start], rows[i - 1]
                selection.select(self.model.index(top, 0), self.model.index(bottom, COL_STATUS))
                start = i
        flags = QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
        self._by_program, self._selecting = True, True
        try:
            self.selection_model.select(selection, flags)
            if rows:
                first = self.model.index(rows[0], self._current_column)
                self.selection_model.setCurrentIndex(first, QItemSelectionModel.NoUpdate)
                if scroll:
                    self.current_view.scrollTo(first.siblingAtColumn(COL_PREVIEW))
        finally:
            self._selecting = False
        self._selection_timer.start()  # emitted (as reloaded) even when nothing changed

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            isinstance(event, QFocusEvent)
            and event.type() == QEvent.FocusIn
            and event.reason() in KEYBOARD_FOCUS
            and watched in (self.table, self.grid)
        ):
            self._select_current(self.grid if watched is self.grid else self.table)
        return False

    def _select_current(self, view: QAbstractItemView) -> None:
        """Entering the works from the keyboard with none selected selects the current one.

        Without this the view only makes the first row current, unselected, and the first Down
        then selects the second row.
        """
        if self.selection_model.hasSelection() or self.model.rowCount() == 0:
            return
        current = view.currentIndex()
        if not current.isValid():
            column = COL_PREVIEW if view is self.grid else COL_TITLE
            current = self.model.index(0, column)
        flags = QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
        self.selection_model.setCurrentIndex(current, flags)

    def _on_selection_selection_changed(self, *_args: object) -> None:
        if not self._selecting:  # the person's change wins over one the library made just before
            self._by_program = False
        self._selection_timer.start()  # one emission for a burst of changes

    def _on_selection_timer_timeout(self) -> None:
        by_program, self._by_program = self._by_program, False
        signal = self.selection_reloaded if by_program else self.selection_changed
        signal.emit(self.selected_work_ids())

    def _on_model_about_to_be_reset(self) -> None:
        ids = self.selected_work_ids()
        self._kept_selection = ids if len(ids) <= MAX_KEPT_SELECTION else []
        self._kept_scroll = self.current_view.verticalScrollBar().value()

    def _on_model_loaded(self) -> None:
        self._update_page()
        kept, self._kept_selection = self._kept_selection, []
        self._by_program = True
        if kept:  # those still shown (a change of selection is emitted); the view stays put
            self.select_work_ids(kept, scroll=False)
        # The same rows read again (an import adding works, an edit elsewhere): where the
        # person had scrolled to is kept, as far as the rows still reach. Other rows (a new
        # search, another order) start from the top.
        m = self.model
        shown = (m.search, m.kind, m.status, m.order, m.descending)
        if shown == self._shown:
            self.current_view.verticalScrollBar().setValue(self._kept_scroll)
        self._shown = shown
        # None of them may be shown any more (a search hid them): say so, as the selection
        # model does not when the rows are reset.
        self._selection_timer.start()
