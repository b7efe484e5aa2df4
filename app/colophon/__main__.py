"""``python -m colophon`` is the same as the ``colophon`` command."""

from .cli.main import entry_point

entry_point()
