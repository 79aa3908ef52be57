#!/usr/bin/env bash
# Set up (a virtual environment in .venv) and run the app on http://localhost:8501.
# On first start the app creates data/ehdmm.duckdb with the synthetic demo data.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# the exact versions (and hashes) the app was tested with
# (--no-deps: the lock holds every package already, so pip resolves nothing and never
# reaches past it: a newer release of a dependency asked for with an extra, such as
# fonttools[woff], is not considered; pip check then proves the lock is whole)
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements.lock
.venv/bin/python -m pip check
exec .venv/bin/python -m streamlit run app.py "$@"
