#!/usr/bin/env bash
# The main job on a fresh clone: install, index the bundled sample papers, answer a sample question.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1
qa index papers/
qa stats
qa ask "What saving was SEND transport on track to deliver?"
echo
echo "Ready. Try: .venv/bin/qa ask \"What was agreed about SEND transport at the September 2025 meeting?\""
