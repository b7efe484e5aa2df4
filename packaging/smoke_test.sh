#!/usr/bin/env bash
# The frozen Linux app, end to end: build it from a clean state, install the tarball into a
# throw-away prefix, and run what people run, in an empty environment (no Python, no venv).
#
#   packaging/smoke_test.sh          (PYTHON=... as for build_linux.sh)
#
# Checks, in order:
#   - the build (packaging/build_linux.sh --clean), its time and sizes;
#   - install.sh into a temporary prefix; the installed .desktop and metainfo validate
#     (desktop-file-validate, appstreamcli validate --no-net); every icon size is there;
#   - `colophon --version` prints pyproject's version;
#   - `colophon verify` on bundles made by packaging/make_test_bundle.py: exit 0 with the
#     signer's home, 10 (unknown signer) with a fresh one, 13 tampered, 14 bad signature,
#     16 malformed;
#   - `colophon scan` of the signed works against that bundle (0);
#   - the command line end to end with a key file: add, identity init, export, verify (0);
#   - `colophon --self-test`: the main window opens offscreen, paints and closes;
#   - install.sh --uninstall removes what it installed;
#   - with xvfb-run: the same under the real X11 plugin (Qt's xcb);
#   - with dbus-run-session and gnome-keyring-daemon: keyring picks SecretService inside the
#     frozen app, and identity init / export / verify work with the key in that keyring.
# The last two are skipped, and say so, when their tools are missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
export PYTHON
APP_ID=org.colophon.Colophon
PASSPHRASE="correct horse battery staple, for testing only"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/colophon-smoke.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

say() { echo "smoke: $*"; }
# seconds since START (from `date +%s%N`), to the hundredth
elapsed() {
    local ms=$((($(date +%s%N) - $1) / 1000000))
    printf '%d.%02d' $((ms / 1000)) $((ms % 1000 / 10))
}
fail() {
    echo "smoke: FAILED: $*" >&2
    exit 1
}
need() {
    command -v "$1" >/dev/null 2>&1 || fail "$1 is missing (Debian package: $2)"
}
need desktop-file-validate desktop-file-utils
need appstreamcli appstream
if ! "$PYTHON" -m PyInstaller --version >/dev/null 2>&1; then
    say "installing PyInstaller into $PYTHON's environment"
    "$PYTHON" -m pip install --quiet 'pyinstaller>=6.10,<7'
fi
VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
TARBALL=dist/colophon-$VERSION-linux-$(uname -m).tar.gz

# -- build ---------------------------------------------------------------------------------------
started=$(date +%s%N)
packaging/build_linux.sh --clean
build_seconds=$(elapsed "$started")
[ -f "$TARBALL" ] || fail "$TARBALL was not made"

# -- install from the tarball --------------------------------------------------------------------
mkdir -p "$WORK/unpacked" "$WORK/home"
tar -C "$WORK/unpacked" -xzf "$TARBALL"
PREFIX=$WORK/prefix
"$WORK/unpacked/colophon-$VERSION/install.sh" --prefix "$PREFIX" >"$WORK/install.log" \
    || fail "install.sh failed: $(cat "$WORK/install.log")"
BIN=$PREFIX/bin/colophon
[ -x "$BIN" ] || fail "install.sh did not install $BIN"
desktop-file-validate "$PREFIX/share/applications/$APP_ID.desktop" \
    || fail "the installed .desktop file does not validate"
appstreamcli validate --no-net "$PREFIX/share/metainfo/$APP_ID.metainfo.xml" >"$WORK/appstream.log" \
    || fail "the metainfo does not validate: $(cat "$WORK/appstream.log")"
for size in 16 22 24 32 48 64 128 256 512; do
    [ -s "$PREFIX/share/icons/hicolor/${size}x$size/apps/$APP_ID.png" ] || fail "no ${size}px icon"
done
[ -s "$PREFIX/share/icons/hicolor/scalable/apps/$APP_ID.svg" ] || fail "no scalable icon"
say "installed into a temporary prefix; .desktop, metainfo and icons check out"

# The frozen app runs with nothing from this machine's Python: an empty environment.
run() {
    env -i PATH=/usr/bin:/bin HOME="$WORK/home" LANG=C.UTF-8 \
        XDG_RUNTIME_DIR="$WORK/home" QT_QPA_PLATFORM=offscreen \
        COLOPHON_PASSPHRASE="$PASSPHRASE" "$BIN" "$@"
}
# expect CODE ARGS...: run the app, and fail unless it exits with CODE (its output: $LAST)
expect() {
    local code=$1 got=0 out
    shift
    out=$(run "$@" 2>&1) || got=$?
    LAST=$out
    [ "$got" = "$code" ] || fail "'colophon $*' exited with $got, expected $code: $out"
    local shown="$*"
    say "  exit $got: colophon ${shown//$WORK/\$WORK} -> $(printf '%s\n' "$out" | head -n1)"
}

# -- the command line ----------------------------------------------------------------------------
started=$(date +%s%N)
out=$(run --version)
startup_seconds=$(elapsed "$started")
[ "$out" = "colophon $VERSION" ] || fail "--version printed '$out', expected 'colophon $VERSION'"
say "--version: $out (${startup_seconds} s)"

B=$WORK/bundles
"$PYTHON" packaging/make_test_bundle.py "$B" >/dev/null
say "verify, on bundles made by packaging/make_test_bundle.py:"
expect 0 --home "$B/signer" verify "$B/claim.colophon"
expect 10 --home "$WORK/fresh" verify "$B/claim.colophon"
expect 13 --home "$WORK/fresh" verify "$B/tampered.colophon"
expect 14 --home "$WORK/fresh" verify "$B/bad-signature.intoto.json"
expect 16 --home "$WORK/fresh" verify "$B/malformed.colophon"

say "scan, which matches fingerprints (iscc-core, numpy):"
expect 0 --home "$WORK/fresh" scan "$B/works" --claims "$B/claim.colophon"

say "the command line end to end, key in a key file:"
H=$WORK/cli-home
expect 0 --home "$H" add "$B/works"
expect 0 --home "$H" identity init --name "Smoke Test" --key-file "$H/key.pem"
expect 0 --home "$H" export --all --json -o "$WORK/cli.colophon"
case "$LAST" in *'"thumbnails": 1'*) ;; *) fail "the export made no thumbnail of the picture" ;; esac
expect 0 --home "$H" verify "$WORK/cli.colophon"

# -- the desktop app -----------------------------------------------------------------------------
out=$(run --self-test 2>"$WORK/selftest.err") || fail "--self-test: $out $(cat "$WORK/selftest.err")"
say "--self-test: $out"
case "$out" in
    *"; 0 backends known"*) fail "keyring found no backends: its metadata is missing from the bundle" ;;
esac

if command -v xvfb-run >/dev/null 2>&1; then
    out=$(env -i PATH=/usr/bin:/bin HOME="$WORK/home" LANG=C.UTF-8 QT_QPA_PLATFORM=xcb \
        xvfb-run -a "$BIN" --self-test 2>"$WORK/xcb.err") \
        || fail "--self-test under X11 (xvfb): $out $(cat "$WORK/xcb.err")"
    case "$out" in *", xcb);"*) ;; *) fail "--self-test under xvfb did not use xcb: $out" ;; esac
    say "--self-test under X11 (xvfb-run): $out"
else
    say "SKIPPED: the X11 check (xvfb-run is missing; Debian: xvfb xauth)"
fi

if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
    cat >"$WORK/in-session.sh" <<'EOF'
set -eu
eval "$(printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)"
"$BIN" --self-test
"$BIN" --home "$H" add "$WORKS" >/dev/null
"$BIN" --home "$H" identity init --name "Keyring Test" >/dev/null
"$BIN" --home "$H" export --all -o "$OUT" >/dev/null
"$BIN" --home "$H" verify "$OUT" | head -n1
EOF
    mkdir -p "$WORK/kr-home" "$WORK/kr-run"
    chmod 700 "$WORK/kr-run"
    out=$(env -i PATH=/usr/bin:/bin HOME="$WORK/kr-home" XDG_RUNTIME_DIR="$WORK/kr-run" \
        LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen KEYRING_PASSWORD="smoke test keyring" \
        BIN="$BIN" H="$WORK/kr-colophon" WORKS="$B/works" OUT="$WORK/kr.colophon" \
        dbus-run-session -- sh "$WORK/in-session.sh" 2>"$WORK/keyring.err") \
        || fail "with a Secret Service: $out $(grep -v 'fd limit' "$WORK/keyring.err")"
    case "$out" in
        *"keyring: SecretService.Keyring, usable"*"VALID: "*) ;;
        *) fail "with a Secret Service, keyring did not pick SecretService or sign: $out" ;;
    esac
    say "with a Secret Service (gnome-keyring on a private D-Bus):"
    printf '%s\n' "$out" | sed 's/^/smoke:   /'
else
    say "SKIPPED: the Secret Service check (Debian: dbus-daemon gnome-keyring)"
fi

"$WORK/unpacked/colophon-$VERSION/install.sh" --prefix "$PREFIX" --uninstall >/dev/null
left=$(find "$PREFIX" \( -type f -o -type l \) ! -name mimeinfo.cache)
[ -z "$left" ] || fail "install.sh --uninstall left behind: $left"
say "install.sh --uninstall removed everything it installed"

# -- figures -------------------------------------------------------------------------------------
say "PASSED. Build: ${build_seconds} s; folder dist/colophon: $(du -sh dist/colophon | cut -f1);" \
    "tarball $(basename "$TARBALL"): $(du -h "$TARBALL" | cut -f1)"
