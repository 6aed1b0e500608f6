#!/bin/bash
# bench_nnd.sh — `wgankit nnd` at m = 10,000 in 2-D with the default critic, and one point of
# `wgankit generalization` (N(0, I/64), m = 1,000, W1 + d_NN), each right before the same estimator in
# PyTorch (bench/peers/torch_nnd.py) so both see the same machine load; prints JSON lines and the ratio.
# Björck runs exactly 15 iterations per step on both sides (--bjorck-tol 0), a fixed step budget.
# usage: bench_nnd.sh path/to/wgankit [steps] [threads]
set -u
CLI=${1:?usage: bench_nnd.sh path/to/wgankit [steps] [threads]}
STEPS=${2:-2000}; THREADS=${3:-2}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
common="--steps $STEPS --patience 0 --bjorck-tol 0 --threads $THREADS"
for mode in nnd generalization; do
    start=$(date +%s.%N)
    if [ $mode = nnd ]; then
        "$CLI" nnd ring gaussian:dim=2,sigma=0.5 -m 10000 $common --json >"$T/o" || exit 1
    else
        "$CLI" generalization gaussian:dim=64,sigma=0.125 --sizes 1000 --repeats 1 --distances w1,nnd $common --out "$T/g" \
            >"$T/o" 2>/dev/null || exit 1
    fi
    ours=$(echo "$(date +%s.%N) - $start" | bc)
    echo "{\"impl\": \"wgankit\", \"mode\": \"$mode\", \"seconds\": $ours, \"steps\": $STEPS, \"threads\": $THREADS}"
    if /usr/bin/python3 -c "import torch, ot" 2>/dev/null; then
        peer=$(/usr/bin/python3 "$(dirname "$0")/peers/torch_nnd.py" --mode $mode --steps "$STEPS" --threads "$THREADS")
        echo "$peer"
        ps=$(/usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])['seconds'])" "$peer")
        echo "$mode: wgankit $ours s vs PyTorch $ps s = $(echo "scale=2; $ps / $ours" | bc)x"
    else
        echo "$mode: peer skipped (no torch/POT)"
    fi
done
