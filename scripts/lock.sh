#!/usr/bin/env bash
# Refreshes the lock files in requirements/ from pyproject.toml (and requirements/build.in):
#   build.txt    pip and setuptools, which install and build the project
#   runtime.txt  what the services need: the production image installs this alone
#   dev.txt      runtime.txt's pins plus the dev extra (tests, lint, types, local stack)
# Every line carries its sha256 hashes; installs use --require-hashes.
#   scripts/lock.sh                              keep every pin that still fits pyproject.toml
#   scripts/lock.sh --upgrade-package fastapi    move one package (after editing its pin)
#   scripts/lock.sh --upgrade                    move every unpinned transitive dependency
# Then run scripts/bootstrap.sh (it reinstalls because the locks changed) and the tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.cache/pip-tools"
# pip-tools runs in a venv of its own so that it never touches .venv.
if [ ! -x "$tools/bin/pip-compile" ]; then
  python3 -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet "pip==26.3" "pip-tools==7.6.2"
fi
cd "$root"
compile() {
  # --strip-extras: the files are also used as constraints, where pip refuses extras.
  CUSTOM_COMPILE_COMMAND="scripts/lock.sh" "$tools/bin/pip-compile" --quiet --generate-hashes --strip-extras --allow-unsafe \
    --no-emit-find-links --no-emit-index-url "$@"
}
compile --output-file requirements/build.txt requirements/build.in "$@"
compile --output-file requirements/runtime.txt pyproject.toml "$@"
# Constrained by runtime.txt so that a package both need is at the same version in both.
compile --extra dev --constraint requirements/runtime.txt --output-file requirements/dev.txt \
  pyproject.toml "$@"
