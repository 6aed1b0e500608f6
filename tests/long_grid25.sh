#!/bin/bash
# long_grid25.sh — acceptance 1 (second part): grid of 25 Gaussians with the GroupSort critic,
# a longer run (12,000 steps, ~170 s): >= 23/25 modes.
set -u
CLI=${1:?usage: long_grid25.sh path/to/wgankit}
T=${WK_LONG_DIR:-$(mktemp -d)}; mkdir -p "$T"
start=$(date +%s)
"$CLI" train --data grid --gen-width 128 --critic-width 128 --batch 256 --steps 12000 --eval-every 1000 --out "$T/grid25" --progress 0 || exit 1
echo "wall $(( $(date +%s) - start )) s"
python3 -c "import json; m=json.loads(open('$T/grid25/metrics.jsonl').read().splitlines()[-1]); print('grid25: W1', m['w1'], 'modes', m['modes'], 'hq', m['hq_pct']); exit(0 if m['modes']>=23 else 1)"
