#!/usr/bin/env bash
# Set up (a virtual environment in .venv) and run the app on http://localhost:8501.
# On first start the app creates data/ehdmm.duckdb with the synthetic demo data.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# the exact versions (and hashes) the app was tested with
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
exec .venv/bin/python -m streamlit run app.py "$@"
