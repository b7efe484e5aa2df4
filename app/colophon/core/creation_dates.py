"""A work's creation date as people type it: a day, or a day and a time, and not one to come.

The catalog keeps it in canonical ISO form; the claim writes it as the format allows
(`claim._creation_date`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from .errors import UsageError

#: the forms of a date people type (and Colophon writes): a day, or a day and a time
_DATE_AS_TYPED = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
)


def normalise_date(text: str) -> str:
    """Accept a date (``YYYY-MM-DD``) or a date and time (``YYYY-MM-DDTHH:MM[:SS]``, with an
    offset or not) and return it in canonical ISO form. Other forms ISO 8601 allows (``20240531``,
    week dates) are refused rather than guessed at, and so is a day still to come."""
    value = text.strip()
    try:
        if not _DATE_AS_TYPED.fullmatch(value):
            raise ValueError(value)
        if len(value) == 10:
            day = datetime.strptime(value, "%Y-%m-%d").date()
            canonical = day.isoformat()
        else:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            day, canonical = parsed.date(), parsed.isoformat(timespec="seconds")
    except ValueError as exc:
        raise UsageError(
            f"'{text}' is not a date: write year-month-day, such as 2024-05-31 (a time may "
            "follow: 2024-05-31T14:30:00+02:00)."
        ) from exc
    if day > date.today() + timedelta(days=1):  # a day ahead: another time zone's today
        raise UsageError(f"'{text}' is still to come: a work is dated when it was made.")
    return canonical
