#!/usr/bin/env bash
# System packages the tests need (Debian): Chromium (+ a CJK font) for the browser-mode e2e tests, PyTorch + onnx +
# pytest for trainer/ (Debian's python3), OpenBLAS (PyTorch is ~3.7x faster with it on this CPU),
# the sqlite3 shell (the reference in `npm run bench -- store`) and the PostgreSQL client (.ci/run checks the
# server the team sync tests use with pg_isready). Idempotent; needs root.
set -euo pipefail
PKGS=(chromium fonts-wqy-microhei python3-torch python3-onnx python3-pytest python3-numpy libopenblas0-pthread sqlite3 postgresql-client)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all present (${PKGS[*]})"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "system-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system-deps: done"
