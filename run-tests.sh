#!/usr/bin/env bash
# Set up (a virtual environment in .venv) and run the linters and the whole test suite.
# Browser and image tests need Debian's chromium, PDF reports WeasyPrint's Pango and fonts
# (DejaVu, Liberation: Arial's metrics): installed here when missing and running as root with
# apt-get; otherwise the browser tests skip and say why.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/dejavu ] \
  || [ ! -d /usr/share/fonts/truetype/liberation2 ] \
  || ! ldconfig -p 2>/dev/null | grep libpangoft2-1.0 >/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q chromium fonts-dejavu-core fonts-liberation2 libpango-1.0-0 \
      libpangoft2-1.0-0
  else
    echo "note: /usr/bin/chromium is missing; browser tests will be skipped" >&2
  fi
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# the exact versions (and hashes) of the app's and the tests' packages
# (--no-deps: the lock holds every package already, so pip resolves nothing and never
# reaches past it: a newer release of a dependency asked for with an extra, such as
# fonttools[woff], is not considered; pip check then proves the lock is whole; --no-compile:
# no bytecode for every module of every package at install, only for those imported, on first
# import, below)
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-compile \
  --require-hashes -r requirements-dev.lock
.venv/bin/python -m pip check
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
# The suite starts many Python processes (servers, CLI runs, children killed midway):
# each compiled every module it imports from source (about 3 s for streamlit, pandas, plotly
# and duckdb against 1 s from bytecode) where the environment sets PYTHONDONTWRITEBYTECODE, in a
# fresh clone; cached bytecode (in __pycache__ folders, ignored by git) is written on first import.
unset PYTHONDONTWRITEBYTECODE
exec .venv/bin/python -m pytest -n auto "$@"
