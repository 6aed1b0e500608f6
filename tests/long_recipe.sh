#!/bin/bash
# long_recipe.sh — issue 11, finding 6: the authors' GroupSort recipe (Biau et al.'s code: Björck
# inside the forward pass with 3 iterations, β2 = 0.5, output clamp 100, 1-D uniform latent, 4 critic
# steps, critic depth 4 + 1, generator depth 1 + 1, learning rates 5e-4 / 1e-3, batch 256, width 64) on a target like
# theirs — 4 Gaussians at (±1, ±1), σ = 0.1 (σ² = 0.01), docs/recipe/gmm4.csv — for 4,000 steps on
# 3 seeds, exactly as README's worked example. Checks the result README states: every seed covers
# 4/4 modes and W1 falls below 0.45 (from about 1.3 at step 0; the floor is about 0.08 at n = 2,000).
set -u
CLI=${1:?usage: long_recipe.sh path/to/wgankit}
T=${WK_LONG_DIR:-$(mktemp -d)}; mkdir -p "$T"
RECIPE="--data gmm:means=docs/recipe/gmm4.csv,sigma=0.1 --bjorck-reparam 1 --bjorck-iters 3 --beta2 0.5 --critic-clamp 100
        --latent uniform --latent-dim 1 --n-critic 4 --critic-depth 4 --gen-depth 1 --lr-g 5e-4 --lr-d 1e-3 --batch 256
        --gen-width 64 --critic-width 64 --steps 4000"
fail=0
for seed in 0 1 2; do
    "$CLI" train $RECIPE --seed $seed --out "$T/recipe$seed" --progress 0 > "$T/recipe$seed.log" 2>&1 || { echo "FAIL seed $seed: exit $?"; fail=1; continue; }
    line=$(tail -n 1 "$T/recipe$seed/metrics.jsonl")
    read -r w1 floor modes hq dd <<< "$(python3 -c "import json,sys; m=json.loads(sys.argv[1]); print(m['w1'], m['w1_floor'], int(m['modes']), m['hq_pct'], m['d_D'])" "$line")"
    echo "seed $seed: W1 $w1  floor $floor  d_D $dd  modes $modes/4  high-quality $hq %"
    python3 -c "import sys; w,m=map(float,sys.argv[1:]); sys.exit(0 if w<0.45 and m==4 else 1)" "$w1" "$modes" || { echo "FAIL seed $seed"; fail=1; }
done
exit $fail
