#!/bin/bash
# cli_checkpoint_numpy.sh — issue 11, finding 4: checkpoints explain themselves. For every critic
# class (Björck projection and the authors' Björck reparametrisation with a clamp, Biau et al.'s
# set with GroupSort groups of 4, spectral normalisation, clipping, gradient penalty, none),
# tests/reference/load_checkpoint.py rebuilds critic and generator in numpy from the file alone
# and matches `wgankit critic` and `wgankit sample --latent` to 1e-5 (MIX+GAN checkpoints too); the orthonormal export of a
# projection-mode run is orthonormal to 1e-5 and is the trained critic. SKIPs without numpy.
set -u
CLI=${1:?usage: cli_checkpoint_numpy.sh path/to/wgankit}
PY=/usr/bin/python3
LOAD=tests/reference/load_checkpoint.py
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
if ! $PY -c "import numpy" 2>/dev/null; then echo "SKIP: no numpy"; exit 0; fi
fail=0
SMALL="--gen-width 32 --critic-width 32 --batch 64 --n-critic 2 --eval-every 0 --eval-n 100 --holdout 100 --threads 1 --progress 0"
"$CLI" data ring -n 300 --seed 5 -o "$T/x.npy" > /dev/null
$PY -c "import numpy as np; np.save('$T/z.npy', np.random.default_rng(0).standard_normal((200, 2)).astype(np.float32))"
i=0
for c in "--critic bjorck" "--critic bjorck --bjorck-reparam 1 --bjorck-iters 3 --beta2 0.5 --critic-clamp 0.2" \
         "--critic biau --groupsort-k 4" "--critic spectral --sn-iters 2" "--critic clip" "--critic gp --critic-act leaky_relu" \
         "--critic none --ema 0" "--critic bjorck --mix 3" "--critic spectral --mix 2 --ema 0"; do
    i=$((i + 1)); R="$T/r$i"
    "$CLI" train $SMALL --steps 40 $c --out "$R" > /dev/null 2>&1 || { echo "FAIL: train $c"; fail=1; continue; }
    "$CLI" critic --checkpoint "$R/checkpoint.safetensors" --input "$T/x.npy" -o "$T/d$i.npy" > /dev/null &&
        $PY $LOAD "$R/checkpoint.safetensors" critic "$T/x.npy" "$T/d$i.npy" 1e-5 && echo "ok: critic $c" || { echo "FAIL: critic $c"; fail=1; }
    "$CLI" sample --checkpoint "$R/checkpoint.safetensors" --latent "$T/z.npy" -o "$T/s$i.npy" > /dev/null &&
        $PY $LOAD "$R/checkpoint.safetensors" sample "$T/z.npy" "$T/s$i.npy" 1e-5 && echo "ok: generator $c" || { echo "FAIL: generator $c"; fail=1; }
done
# the clamp is in the layer list and acts (0.2 cuts this critic's range, about -0.05 .. 0.4)
$PY $LOAD "$T/r2/checkpoint.safetensors" | grep -q '"type": "clamp"' && ok=1 || ok=0
[ $ok = 1 ] && $PY -c "import numpy as np,sys; sys.exit(0 if (np.load('$T/d2.npy').max() == np.float32(0.2) and np.load('$T/d2.npy').min() < 0.19) else 1)" \
    && echo "ok: clamp stated and applied" || { echo "FAIL: clamp"; fail=1; }
$PY $LOAD "$T/r1/checkpoint.safetensors" | grep -q '"order": "ascending"' && echo "ok: GroupSort order stated" || { echo "FAIL: GroupSort order"; fail=1; }
# export of orthonormal weights: default for projection mode, off for the reparametrisation unless asked;
# a MIX+GAN exports every component (r8: 3 components)
$PY $LOAD "$T/r8/checkpoint.safetensors" orthonormal "$T/x.npy" "$T/d8.npy" 1e-5 | grep -c "^layer 2\." | grep -qv "^0$" &&
    $PY $LOAD "$T/r8/checkpoint.safetensors" orthonormal "$T/x.npy" "$T/d8.npy" 1e-5 > /dev/null &&
    echo "ok: MIX+GAN exports every component orthonormal" || { echo "FAIL: MIX+GAN orthonormal export"; fail=1; }
$PY $LOAD "$T/r1/checkpoint.safetensors" orthonormal "$T/x.npy" "$T/d1.npy" 1e-5 && echo "ok: projection mode exports orthonormal weights" \
    || { echo "FAIL: orthonormal export (projection)"; fail=1; }
$PY $LOAD "$T/r2/checkpoint.safetensors" | grep -q critic_orthonormal && { echo "FAIL: reparam exported by default"; fail=1; } || echo "ok: no export by default in reparametrisation mode"
"$CLI" train $SMALL --steps 40 --critic bjorck --bjorck-reparam 1 --bjorck-iters 3 --export-orthonormal 1 --out "$T/e" > /dev/null 2>&1 &&
    $PY - "$T/e/checkpoint.safetensors" <<'PYEOF' && echo "ok: --export-orthonormal 1 stores orthonormal weights (1e-5)" || { echo "FAIL: reparam export"; fail=1; }
import sys, json
sys.path.insert(0, "tests/reference")
from load_checkpoint import load, orthonormality_error
t, m = load(sys.argv[1])
ws = [t["critic_orthonormal." + l["weight"]] for l in json.loads(m["wgankit.critic_orthonormal"]) if l["type"] == "linear"]
sys.exit(0 if ws and max(orthonormality_error(w) for w in ws) <= 1e-5 else 1)
PYEOF
"$CLI" train $SMALL --steps 2 --critic gp --export-orthonormal 1 --out "$T/bad" > /dev/null 2>&1; [ $? = 2 ] \
    && echo "ok: --export-orthonormal 1 refused for a non-Björck critic" || { echo "FAIL: export with gp accepted"; fail=1; }
exit $fail
