#!/bin/bash
# cli_data_spread.sh — the float32 spread check of point data (src/data/scale.c check_spread):
#   ulp    a column whose float64 values differ only by rounding noise (0.3 and 0.30000000000000004,
#          a spread of 5.55e-17) is a constant column, not a spread float32 loses (was: exit 2 under
#          --scale auto, advising --scale minmax, which maps the noise to +-1); 1e8 + N(0, 1) is still
#          refused.
set -u
source "$(dirname "$0")/lib_cli.sh"
export PYTHONPATH=$(realpath "$(dirname "$0")/../python")
in_tmp "$1"
SMALL="--gen-width 16 --critic-width 16 --batch 32 --n-critic 1 --eval-every 0 --eval-n 50 --holdout 50 --threads 1 --progress 0"
"$PY" - <<'PY'
import numpy as np
r = np.random.default_rng(0)
x = r.normal(size=(300, 2))
with open("ulp.csv", "w") as f:  # column 1: 0.3 or the next float64 above it
    for i in range(300): f.write("%r,%s\n" % (x[i, 0], "0.3" if i % 2 else "0.30000000000000004"))
np.save("big.npy", np.c_[x[:, 0], 1e8 + x[:, 1]])
PY

# --- ulp: rounding noise in float64 is a constant column ------------------------------------------
"$CLI" train --data ulp.csv $SMALL --steps 1 --out rulp >/dev/null 2>rulp.err
check "a column of 0.3 and 0.30000000000000004 trains under --scale auto (rc 0): $(head -c 300 rulp.err)" test -f rulp/checkpoint.safetensors
expect_exit2 "1e8 + N(0, 1) under --scale auto is still refused" "big.npy: column 1 spans" \
    "$CLI" train --data big.npy $SMALL --steps 1 --out rbig

[ $fail = 0 ] && echo "cli_data_spread: all passed"
exit $fail
