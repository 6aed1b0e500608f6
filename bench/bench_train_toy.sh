#!/bin/bash
# bench_train_toy.sh — `wgankit train` with the settings of bench/peers/torch_wgan_toy.py
# (2->512->512->512 MLPs, batch 256, 5 critic steps, evaluation off; mode dcgan: the DCGAN pair on
# Fashion-MNIST) for a fixed number of generator steps; prints one JSON line per mode with generator
# iterations/s and peak RSS.
# usage: bench_train_toy.sh path/to/wgankit [steps] [threads] [modes]
set -u
CLI=${1:?usage: bench_train_toy.sh path/to/wgankit [steps] [threads] [modes]}
STEPS=${2:-30}; THREADS=${3:-2}; MODES=${4:-gp clip groupsort groupsort-fixed15 dcgan}
FASHION=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for mode in $MODES; do
    case $mode in
        gp) flags="--critic gp --gp-lambda 0.1 --critic-act relu";;
        clip) flags="--critic clip --clip 0.01 --critic-act relu --opt-d rmsprop --opt-g rmsprop --lr-d 5e-5 --lr-g 5e-5";;
        groupsort) flags="--critic bjorck --bjorck-iters 15";;  # library default: stop early at tol 1e-6
        groupsort-fixed15) flags="--critic bjorck --bjorck-iters 15 --bjorck-tol 0";;  # exactly the peer's work
        dcgan) flags="--data $FASHION --gen dcgan --critic-net dcgan --dcgan-width 64 --latent-dim 64 --critic gp
                      --gp-lambda 10 --batch 64 --lr-g 2e-4 --lr-d 2e-4";;  # the peer's --mode dcgan
    esac
    [ $mode = dcgan ] && [ ! -f "$FASHION" ] && { echo "{\"mode\": \"dcgan\", \"skipped\": \"no $FASHION\"}"; continue; }
    # the mode's flags come last: they override the toy MLP settings
    /usr/bin/time -f "%e %M" -o "$T/time" "$CLI" train --lr-g 1e-4 --lr-d 1e-4 --gen-width 512 --critic-width 512 --gen-depth 3 \
        --critic-depth 3 --batch 256 --n-critic 5 --steps "$STEPS" --eval-every 0 --eval-n 100 --holdout 100 \
        --checkpoint-every 0 --ema 0 --threads "$THREADS" --progress 0 $flags --out "$T/$mode" > "$T/log" 2>&1 || { echo "{\"mode\": \"$mode\", \"error\": true}"; continue; }
    read -r secs kb < "$T/time"
    its=$(python3 -c "import json; print(json.loads(open('$T/$mode/metrics.jsonl').read().splitlines()[-1])['speed_it_s'])")
    echo "{\"impl\": \"wgankit\", \"mode\": \"$mode\", \"it_per_s\": $its, \"peak_rss_mb\": $((kb / 1024)), \"threads\": $THREADS}"
done
