#!/bin/sh
# Install Colophon from this folder for you alone (into ~/.local), or into another prefix.
#
#   ./install.sh                  install or update in ~/.local
#   ./install.sh --prefix DIR     install into DIR (DIR/bin, DIR/lib, DIR/share)
#   ./install.sh --uninstall      remove it again (with --prefix DIR if you gave one)
#
# Nothing outside the prefix is touched, and no administrator rights are needed for ~/.local.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
APP_ID=org.colophon.Colophon
PREFIX=${HOME}/.local
ACTION=install
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }
                  PREFIX=$2; shift ;;
        --prefix=*) PREFIX=${1#--prefix=} ;;
        --uninstall) ACTION=uninstall ;;
        -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$PREFIX" in /*) ;; *) PREFIX=$(pwd)/$PREFIX ;; esac

LIB=$PREFIX/lib/colophon
DESKTOP=$PREFIX/share/applications/$APP_ID.desktop
METAINFO=$PREFIX/share/metainfo/$APP_ID.metainfo.xml
ICONS=$(cd "$HERE/share/icons" && find hicolor -type f | sort)

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$PREFIX/share/applications" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$PREFIX/share/icons/hicolor/index.theme" ]; then
        gtk-update-icon-cache -q -t "$PREFIX/share/icons/hicolor" 2>/dev/null || true
    fi
}

if [ "$ACTION" = uninstall ]; then
    rm -rf "$LIB"
    if [ -L "$PREFIX/bin/colophon" ]; then rm -f "$PREFIX/bin/colophon"; fi
    rm -f "$DESKTOP" "$METAINFO"
    for icon in $ICONS; do rm -f "$PREFIX/share/icons/$icon"; done
    refresh_caches
    echo "Colophon was removed from $PREFIX. Your catalog and keys are kept."
    exit 0
fi

mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$PREFIX/share/applications" "$PREFIX/share/metainfo"
# Copy next to the old version first, then swap, so a failed copy leaves the old one working.
rm -rf "$LIB.new"
cp -R "$HERE/lib/colophon" "$LIB.new"
rm -rf "$LIB"
mv "$LIB.new" "$LIB"
ln -sfn "$LIB/colophon" "$PREFIX/bin/colophon"
# Menus start programs without your shell's PATH, so the entry names the program's full path.
sed -e "s|^Exec=colophon\$|Exec=\"$LIB/colophon\"|" -e "s|^TryExec=colophon\$|TryExec=$LIB/colophon|" \
    "$HERE/share/applications/$APP_ID.desktop" >"$DESKTOP"
cp "$HERE/share/metainfo/$APP_ID.metainfo.xml" "$METAINFO"
for icon in $ICONS; do
    mkdir -p "$PREFIX/share/icons/$(dirname "$icon")"
    cp "$HERE/share/icons/$icon" "$PREFIX/share/icons/$icon"
done
refresh_caches

echo "Installed $("$LIB/colophon" --version) in $PREFIX."
echo "Start it from your applications menu, or run: colophon"
case ":$PATH:" in
    *":$PREFIX/bin:"*) ;;
    *) echo "Note: $PREFIX/bin is not on your PATH; add it to run 'colophon' in a terminal." ;;
esac
