"""PyInstaller's own QtGui hook, minus the Linux Qt plugins Colophon cannot use.

A user hook replaces the built-in one for the same module, so this one calls the same helper
and then filters the plugins, before PyInstaller follows their library dependencies (filtering
later, in the spec, would leave those libraries behind). Left out on Linux:

* platform plugins other than xcb (X11), wayland and offscreen (tests, ``--self-test``): eglfs,
  linuxfb, vnc and the like run without a desktop, and drag in their own libraries;
* ``egldeviceintegrations`` and ``generic`` (input devices read directly, for eglfs/linuxfb);
* the GTK 3 platform theme: it would bundle the build machine's whole GTK stack (about 20 MB),
  which then meets the user's GTK themes and modules of another version. Native file dialogs
  and the dark/light preference still come from the xdg-desktop-portal theme, over D-Bus.

Other platforms keep everything the built-in hook collects.
"""

import sys

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

KEEP_PLATFORMS = {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"}
DROP_FOLDERS = {"egldeviceintegrations", "generic"}
DROP_FILES = {"libqgtk3.so"}


def _wanted(source, dest):
    parts = dest.replace("\\", "/").split("/")
    if "plugins" not in parts:
        return True
    below = parts[parts.index("plugins") + 1 :]
    folder = below[0] if below else ""
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    if folder in DROP_FOLDERS or name in DROP_FILES:
        return False
    return folder != "platforms" or name in KEEP_PLATFORMS


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
if sys.platform.startswith("linux"):
    binaries = [(source, dest) for source, dest in binaries if _wanted(source, dest)]
