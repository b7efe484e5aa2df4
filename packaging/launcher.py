"""What the frozen ``colophon`` executable runs: the command line, which opens the app when
given no command (see colophon.cli.main)."""

from colophon.cli.main import entry_point

entry_point()
