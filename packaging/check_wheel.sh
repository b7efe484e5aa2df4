#!/usr/bin/env bash
# Build the wheel, and check that it holds everything and works on its own.
#
#   packaging/check_wheel.sh        (PYTHON=... as for build_linux.sh; it needs pip)
#
# The wheel is built (pip wheel, isolated build) from a copy of the sources, so nothing left in
# build/ by an earlier build can slip into it. Then:
#   - every file under resources/ is in the wheel under colophon/resources/ (the bundle spec,
#     the JSON Schema, the icons), and no tests or packaging files are;
#   - it installs, with its dependencies from the package index, into a fresh venv;
#   - from that venv: `colophon --version`; packaging/make_test_bundle.py (the core API);
#     `colophon verify` with the expected exit statuses (0, 10, 13, 14, 16); the resources read
#     through colophon.core.assets; and `colophon --self-test` (Qt offscreen).
# Writes dist/colophon-<version>-py3-none-any.whl and prints its size.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/colophon-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
say() { echo "wheel: $*"; }
fail() {
    echo "wheel: FAILED: $*" >&2
    exit 1
}
VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')

# -- build from a clean copy ---------------------------------------------------------------------
mkdir -p "$WORK/src" dist
cp -R pyproject.toml README.md app resources "$WORK/src/"
for extra in LICENSE LICENSE.txt COPYING; do
    if [ -e "$extra" ]; then cp "$extra" "$WORK/src/"; fi
done
find "$WORK/src" -name __pycache__ -type d -prune -exec rm -rf {} +
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/wheel" "$WORK/src" \
    || fail "the wheel did not build"
WHEEL=$(ls "$WORK"/wheel/colophon-*.whl)
cp "$WHEEL" dist/
WHEEL=dist/$(basename "$WHEEL")
say "built $WHEEL ($(du -h "$WHEEL" | cut -f1))"

# -- what is inside ------------------------------------------------------------------------------
"$PYTHON" - "$WHEEL" <<'EOF' || fail "the wheel's contents are wrong (above)"
import sys
import zipfile
from pathlib import Path

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
expected = {
    "colophon/resources/" + p.relative_to("resources").as_posix()
    for p in Path("resources").rglob("*")
    if p.is_file() and "__pycache__" not in p.parts
}
missing = sorted(expected - names)
stray = sorted(n for n in names if n.startswith(("tests/", "packaging/")) or "__pycache__" in n)
for name in ("colophon/resources/spec/claim-bundle.md", "colophon/resources/icons/colophon.svg"):
    if name not in names:
        missing.append(name)
for name in missing:
    print(f"wheel: missing {name}", file=sys.stderr)
for name in stray:
    print(f"wheel: should not hold {name}", file=sys.stderr)
icons = sum(1 for n in names if n.startswith("colophon/resources/icons/"))
print(f"wheel: {len(expected)} resource files inside, {icons} of them icons")
sys.exit(1 if missing or stray else 0)
EOF

# -- install into a fresh venv and use it --------------------------------------------------------
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || fail "$PYTHON is older than 3.11"
base=$("$PYTHON" -c 'import sys; print(sys._base_executable)')
"$base" -m venv "$WORK/venv"
VENV=$WORK/venv
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$WHEEL" \
    || fail "the wheel did not install"
say "installed into a fresh venv with its dependencies"
cd "$WORK"  # nothing from the checkout on the path from here on
where=$("$VENV/bin/python" -c 'import colophon; print(colophon.__file__)')
case "$where" in "$VENV"/*) ;; *) fail "colophon was imported from $where, not the venv" ;; esac

run() {
    env -i PATH="$VENV/bin:/usr/bin:/bin" HOME="$WORK/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
        "$VENV/bin/colophon" "$@"
}
expect() {
    local code=$1 got=0 out
    shift
    out=$(run "$@" 2>&1) || got=$?
    [ "$got" = "$code" ] || fail "'colophon $*' exited with $got, expected $code: $out"
    local shown="$*"
    say "  exit $got: colophon ${shown//$WORK/\$WORK} -> $(printf '%s\n' "$out" | head -n1)"
}

mkdir -p "$WORK/home"
out=$(run --version)
[ "$out" = "colophon $VERSION" ] || fail "--version printed '$out', expected 'colophon $VERSION'"
say "--version: $out"

"$VENV/bin/python" "$ROOT/packaging/make_test_bundle.py" "$WORK/bundles" >/dev/null
B=$WORK/bundles
say "verify, on bundles made with the wheel's core:"
expect 0 --home "$B/signer" verify "$B/claim.colophon"
expect 10 --home "$WORK/fresh" verify "$B/claim.colophon"
expect 13 --home "$WORK/fresh" verify "$B/tampered.colophon"
expect 14 --home "$WORK/fresh" verify "$B/bad-signature.intoto.json"
expect 16 --home "$WORK/fresh" verify "$B/malformed.colophon"

"$VENV/bin/python" - <<'EOF' || fail "resources cannot be read through colophon.core.assets"
import json

from colophon.core.assets import read_bytes, read_text

json.loads(read_text("spec/claim-predicate.schema.json"))
json.loads(read_text("spec/claim-statement.schema.json"))
assert read_text("spec/claim-bundle.md").startswith("#")
assert b"<svg" in read_bytes("icons/colophon.svg")
EOF
say "resources read through colophon.core.assets"

out=$(run --self-test 2>"$WORK/selftest.err") || fail "--self-test: $out $(cat "$WORK/selftest.err")"
say "--self-test: $out"
say "PASSED. Wheel $(basename "$WHEEL"): $(du -h "$ROOT/$WHEEL" | cut -f1)"
