"""The verdict at the top of the verify window: green, amber or red, a headline and one sentence.

Green: valid and from someone trusted. Amber: intact, but the signer is unknown. Red: not to be
relied on (altered, bad signature, unreadable, revoked, or signed with another key than the one
trusted for that name: perhaps an impostor). The colour is never the only sign: an icon and the
headline say the same in words.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..core.verify import VerifyResult
from . import icons
from .plain_words import verdict, verdict_message
from .signal_colors import COLORS, ICONS, RED, tint

NEUTRAL = "neutral"


class VerdictBanner(QFrame):
    """Shows the outcome of a verification (or that it is under way)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdict")
        self.setAccessibleName("Verdict")
        self.level = NEUTRAL
        self.icon = QLabel()
        self.icon.setFixedSize(44, 44)
        self.headline = QLabel()
        self.headline.setTextFormat(Qt.PlainText)
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setWeight(QFont.DemiBold)
        self.headline.setFont(font)
        self.message = QLabel()
        self.message.setTextFormat(Qt.PlainText)  # it may quote a stranger's name: never markup
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.headline)
        text.addWidget(self.message)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.icon, 0, Qt.AlignTop)
        layout.addLayout(text, 1)
        self.show_checking("Checking the claim…")

    def show_checking(self, text: str) -> None:
        self._paint(NEUTRAL, "verify", text, "")

    def show_problem(self, message: str) -> None:
        """The file could not be checked at all (missing, unreadable): red, with the reason."""
        self._paint(RED, ICONS[RED], "This file cannot be checked", message)

    def show_result(self, result: VerifyResult) -> None:
        level, headline = verdict(result.outcome.value)
        message = verdict_message(result.outcome.value, result.message)
        self._paint(level, ICONS[level], headline, message)

    def _paint(self, level: str, icon: str, headline: str, message: str) -> None:
        self.level = level
        color = COLORS.get(level)
        self.icon.setPixmap(icons.icon(icon, color).pixmap(40, 40))
        self.headline.setText(headline)
        self.message.setText(message)
        self.message.setVisible(bool(message))
        if color is None:
            style = "QFrame#verdict { border: 1px solid palette(mid); border-radius: 8px; }"
        else:
            style = (
                f"QFrame#verdict {{ border: 2px solid {color.name()}; border-radius: 8px; "
                f"background: {tint(color)}; }}"
            )
        self.setStyleSheet(style)
        self.setAccessibleDescription(f"{headline}. {message}")
