#!/usr/bin/env bash
# Refresh the lock files from the loose ranges: requirements.lock from requirements.txt (what
# the app needs), requirements-dev.lock from it and requirements-dev.txt (tests and tools), with
# the same versions for what both hold. Exact versions and sha256 hashes of every package, for
# every Python from 3.11 and every platform. Run it after changing either requirements file,
# then commit the two locks (tests/test_install.py fails while a lock is out of date).
set -euo pipefail
cd "$(dirname "$0")"
uv=.venv/bin/uv
if [ ! -x "$uv" ]; then
  uv=$(command -v uv || true)
fi
if [ -z "$uv" ]; then
  echo "uv is needed: run 'bash run-tests.sh' once (it installs it into .venv) or 'pip install uv'" >&2
  exit 1
fi
options=(--universal --python-version 3.11 --generate-hashes --quiet
  --custom-compile-command "bash update-lock.sh")
"$uv" pip compile "${options[@]}" "$@" requirements.txt -o requirements.lock
"$uv" pip compile "${options[@]}" "$@" requirements.txt requirements-dev.txt -c requirements.lock \
  -o requirements-dev.lock
echo "requirements.lock and requirements-dev.lock are up to date with the requirements files."
