#!/bin/sh
# Run the built bundle headless from a copy in a temporary directory, away from the
# source tree and with no Python on the path: --version, validate and export of the
# bundled example, and the window offscreen for a few seconds. Exits non-zero on the
# first failure.   Usage: packaging/check-package.sh [dist/drplanner]
set -eu
BUNDLE=${1:-dist/drplanner}
[ -x "$BUNDLE/drplanner" ] || { echo "no built program at $BUNDLE/drplanner (run 'make package')" >&2; exit 1; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/planner/__init__.py")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -a "$BUNDLE" "$WORK/drplanner"
cd "$WORK"
PROGRAM="$WORK/drplanner/drplanner"
EXAMPLE="$WORK/drplanner/_internal/resources/examples/pangyo.drplan"
# Only the bundle: no virtualenv, no PYTHONPATH, a PATH without the venv, a fresh HOME.
run() { env -i PATH=/usr/bin:/bin HOME="$WORK/home" LANG=C.UTF-8 "$@"; }
mkdir -p "$WORK/home"

step() { printf '== %s\n' "$*"; }

step "drplanner --version"
out=$(run "$PROGRAM" --version)
echo "$out"
[ "$(printf '%s\n' "$out" | head -n 1)" = "drplanner $VERSION" ] || { echo "expected 'drplanner $VERSION'" >&2; exit 1; }

step "drplanner validate (bundled example)"
run "$PROGRAM" validate "$EXAMPLE"

step "drplanner export --scenario pangyo-fire"
run "$PROGRAM" export "$EXAMPLE" --scenario pangyo-fire -o "$WORK/runbook.pdf"
head -c 5 "$WORK/runbook.pdf" | grep -q '^%PDF-' || { echo "not a PDF" >&2; exit 1; }
echo "runbook.pdf: $(wc -c < "$WORK/runbook.pdf") bytes"

step "drplanner (window, offscreen, the example open, closes after 3 s)"
start=$(date +%s)
run QT_QPA_PLATFORM=offscreen DRPLANNER_QUIT_AFTER_MS=3000 "$PROGRAM" "$EXAMPLE"
echo "window closed cleanly after $(( $(date +%s) - start )) s (exit 0)"

echo "package-check: OK ($(du -sh "$WORK/drplanner" | cut -f1) bundle, version $VERSION)"
