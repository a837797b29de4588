#!/usr/bin/env bash
# Creates the project's virtual environment in .venv and installs into it exactly what the lock
# files in requirements/ name, each download checked against its hash (scripts/lock.sh refreshes
# them), then the project itself, editable and without dependencies (they all came from the lock).
# Idempotent: reinstalls only when pyproject.toml or a lock file changed since the last success.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.installed-lock.sha256"
want="$(cd "$root" && cat pyproject.toml requirements/build.txt requirements/dev.txt | sha256sum \
  | cut -d' ' -f1)"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # Not quiet: on a first run this is the biggest download, and pip names each package with its
  # size as it fetches it (no bars, which would flood a CI log).
  pip=("$venv/bin/python" -m pip install --progress-bar off --require-hashes)
  count="$(grep -c '^[a-zA-Z]' "$root/requirements/dev.txt")"
  echo "bootstrap: installing $count locked Python packages into .venv (cached after the first run)"
  # pip and setuptools first: the project is built with the locked setuptools, not one that
  # pip's build isolation would fetch unchecked.
  "${pip[@]}" --quiet -r "$root/requirements/build.txt"
  # sed (unlike grep) succeeds when nothing matches; pipefail still fails the script with pip.
  "${pip[@]}" -r "$root/requirements/dev.txt" \
    | sed -nu -E '/^ *(Downloading|Using cached)/p'
  "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e "$root"
  echo "$want" >"$stamp"
fi
