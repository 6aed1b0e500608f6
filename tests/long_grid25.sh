#!/bin/bash
# long_grid25.sh — acceptance 1 (second part): grid of 25 Gaussians with the GroupSort critic,
# a longer run: >= 23/25 modes.
set -u
CLI=${1:?usage: long_grid25.sh path/to/wgankit}
T=${WK_LONG_DIR:-$(mktemp -d)}; mkdir -p "$T"
"$CLI" train --data grid --steps 6000 --lr-g 2e-4 --lr-d 2e-4 --eval-every 1000 --out "$T/grid25" --progress 0 || exit 1
python3 -c "import json; m=json.loads(open('$T/grid25/metrics.jsonl').read().splitlines()[-1]); print('grid25: W1', m['w1'], 'modes', m['modes'], 'hq', m['hq_pct']); exit(0 if m['modes']>=23 else 1)"
