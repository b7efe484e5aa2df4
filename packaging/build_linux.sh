#!/usr/bin/env bash
# Build Colophon for Linux: the one-folder app (PyInstaller), packed with its desktop entry,
# AppStream metadata and icons in an install layout, plus install.sh for ~/.local.
#
#   packaging/build_linux.sh [--clean]
#
# PYTHON names the Python that has Colophon's dependencies and PyInstaller 6 (default:
# .venv/bin/python if there is one, else python3). --clean starts from nothing: no cached
# analysis, no earlier output. Writes, under the checkout:
#   dist/colophon/                                the app (run dist/colophon/colophon)
#   dist/colophon-<version>-linux-<arch>.tar.gz   the same, ready to unpack and install:
#       colophon-<version>/install.sh             copies it to ~/.local (or --prefix DIR)
#       colophon-<version>/lib/colophon/          the app folder
#       colophon-<version>/bin/colophon           a link to lib/colophon/colophon
#       colophon-<version>/share/applications/org.colophon.Colophon.desktop
#       colophon-<version>/share/metainfo/org.colophon.Colophon.metainfo.xml
#       colophon-<version>/share/icons/hicolor/{16x16,...,512x512,scalable}/apps/...
#
# The app runs on Linux systems whose C library is at least as new as the build machine's:
# build on the oldest distribution you mean to support.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
CLEAN=no
for arg in "$@"; do
    case "$arg" in
        --clean) CLEAN=yes ;;
        -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "build_linux: unknown option $arg (see --help)" >&2; exit 2 ;;
    esac
done

APP_ID=org.colophon.Colophon
VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
NAME=colophon-$VERSION-linux-$(uname -m)
WORK=build/pyinstaller
STAGE=build/stage
LOG=build/pyinstaller.log

# The software centre shows the newest <release>; it must be this version.
newest=$(grep -o '<release version="[^"]*"' packaging/linux/$APP_ID.metainfo.xml | head -n1 | cut -d'"' -f2)
if [ "$newest" != "$VERSION" ]; then
    echo "build_linux: pyproject.toml says $VERSION but the newest <release> in" \
        "packaging/linux/$APP_ID.metainfo.xml is '$newest'; add a <release> for $VERSION." >&2
    exit 1
fi
if ! "$PYTHON" -m PyInstaller --version >/dev/null 2>&1; then
    echo "build_linux: PyInstaller is missing; install it with:" \
        "$PYTHON -m pip install 'pyinstaller>=6.10,<7'" >&2
    exit 1
fi

if [ "$CLEAN" = yes ]; then
    rm -rf "$WORK" "$STAGE" dist/colophon "dist/$NAME.tar.gz"
fi
mkdir -p build dist
echo "build_linux: building Colophon $VERSION with $("$PYTHON" -m PyInstaller --version) ($LOG)"
clean_flag=()
if [ "$CLEAN" = yes ]; then clean_flag=(--clean); fi
if ! "$PYTHON" -m PyInstaller --noconfirm "${clean_flag[@]}" --log-level WARN \
    --distpath dist --workpath "$WORK" packaging/colophon.spec >"$LOG" 2>&1; then
    tail -n 30 "$LOG" >&2
    echo "build_linux: PyInstaller failed; the whole log is in $LOG" >&2
    exit 1
fi
# A library PyInstaller could not find is missing from the bundle, and the app then fails on
# every system that lacks it too (for Qt's X11 plugin: the libxcb-* packages).
if grep -q "Library not found" "$LOG"; then
    grep "Library not found" "$LOG" | sed 's/^[0-9]* WARNING: /  /' | sort -u >&2
    echo "build_linux: install the libraries above on the build machine and build again" \
        "(Debian: see the first command in README.md)." >&2
    exit 1
fi

# Python built from source keeps its debug information: strip that from the interpreter's own
# libraries (about 20 MB), and nothing else; libraries vendored into wheels can break when
# stripped (which is why the spec does not strip).
if command -v strip >/dev/null 2>&1; then
    find dist/colophon/_internal -maxdepth 1 -name 'libpython3*.so*' -exec strip --strip-debug {} +
    find dist/colophon/_internal -path '*/lib-dynload/*.so' -exec strip --strip-debug {} +
fi

rm -rf "$STAGE"
top=$STAGE/colophon-$VERSION
mkdir -p "$top/lib" "$top/bin" "$top/share/applications" "$top/share/metainfo" "$top/share/icons"
cp -a dist/colophon "$top/lib/colophon"
ln -s ../lib/colophon/colophon "$top/bin/colophon"
cp packaging/linux/$APP_ID.desktop "$top/share/applications/"
cp packaging/linux/$APP_ID.metainfo.xml "$top/share/metainfo/"
"$PYTHON" packaging/render_icons.py "$top/share/icons" >/dev/null
install -m 755 packaging/linux/install.sh "$top/install.sh"
for notice in LICENSE LICENSE.txt COPYING; do
    if [ -f "$notice" ]; then cp "$notice" "$top/"; fi
done
tar -C "$STAGE" --sort=name --owner=0 --group=0 --numeric-owner \
    -czf "dist/$NAME.tar.gz" "colophon-$VERSION"

echo "build_linux: dist/colophon/ ($(du -sh dist/colophon | cut -f1))" \
    "and dist/$NAME.tar.gz ($(du -h "dist/$NAME.tar.gz" | cut -f1))"
