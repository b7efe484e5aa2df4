"""What the frozen ``colophon-gui`` executable runs (Windows only, where a console program
would open a terminal window beside the app): the desktop app, never the command line."""

from colophon.gui.app import entry_point

entry_point()
