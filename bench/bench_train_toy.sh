#!/bin/bash
# bench_train_toy.sh — `wgankit train` with the settings of bench/peers/torch_wgan_toy.py
# (2->512->512->512 MLPs, batch 256, 5 critic steps, evaluation off) for a fixed number of
# generator steps; prints one JSON line per critic class with generator iterations/s and peak RSS.
# usage: bench_train_toy.sh path/to/wgankit [steps] [threads] [modes]
set -u
CLI=${1:?usage: bench_train_toy.sh path/to/wgankit [steps] [threads] [modes]}
STEPS=${2:-30}; THREADS=${3:-2}; MODES=${4:-gp clip groupsort groupsort-fixed15}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for mode in $MODES; do
    case $mode in
        gp) flags="--critic gp --gp-lambda 0.1 --critic-act relu";;
        clip) flags="--critic clip --clip 0.01 --critic-act relu --opt-d rmsprop --opt-g rmsprop --lr-d 5e-5 --lr-g 5e-5";;
        groupsort) flags="--critic bjorck --bjorck-iters 15";;  # library default: stop early at tol 1e-6
        groupsort-fixed15) flags="--critic bjorck --bjorck-iters 15 --bjorck-tol 0";;  # exactly the peer's work
    esac
    /usr/bin/time -f "%e %M" -o "$T/time" "$CLI" train --lr-g 1e-4 --lr-d 1e-4 $flags --gen-width 512 --critic-width 512 --gen-depth 3 \
        --critic-depth 3 --batch 256 --n-critic 5 --steps "$STEPS" --eval-every 0 --eval-n 100 --holdout 100 \
        --checkpoint-every 0 --ema 0 --threads "$THREADS" --progress 0 --out "$T/$mode" > "$T/log" 2>&1 || { echo "{\"mode\": \"$mode\", \"error\": true}"; continue; }
    read -r secs kb < "$T/time"
    its=$(python3 -c "import json; print(json.loads(open('$T/$mode/metrics.jsonl').read().splitlines()[-1])['speed_it_s'])")
    echo "{\"impl\": \"wgankit\", \"mode\": \"$mode\", \"it_per_s\": $its, \"peak_rss_mb\": $((kb / 1024)), \"threads\": $THREADS}"
done
