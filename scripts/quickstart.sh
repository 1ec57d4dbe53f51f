#!/usr/bin/env bash
# The main job on a fresh clone: install, index the bundled sample papers, answer a sample question,
# then start the web UI on http://127.0.0.1:7860 (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1
qa index papers/
qa stats
qa ask "What saving was SEND transport on track to deliver?"
echo
exec qa serve "$@"
