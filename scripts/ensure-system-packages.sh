#!/usr/bin/env bash
# Debian packages needed beyond the machine's toolchains: DejaVu Sans gives the intake receipt
# (PDF) its Vietnamese letters; with --with-browser also Chromium, which renders the reporting
# dashboard in the tests. Installs only what is missing.
set -euo pipefail
missing=()
if [ "${1:-}" = "--with-browser" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run as root or install them: apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
