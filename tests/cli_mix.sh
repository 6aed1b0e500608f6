#!/bin/bash
# cli_mix.sh — `wgankit train --mix T` end to end (MIX+GAN, issue 12 item 3): bad input (T < 1,
# T > 16, λ < 0, a budget that is not full|same: exit 2 naming the flag), a short mixture run
# that prints both parameter counts and logs the mixture weights at every evaluation, resume
# that is bit-identical to an uninterrupted run, and sample / eval / report on a mixture
# checkpoint; a mixture checkpoint given to a single-GAN configuration is refused.
set -u
CLI=${1:?usage: cli_mix.sh path/to/wgankit}
source "$(dirname "$0")/lib_cli.sh"
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
SMALL="--data grid --gen-width 16 --critic-width 16 --batch 32 --n-critic 2 --eval-n 200 --holdout 200 --threads 1 --progress 0"
to() { local f=$1; shift; "$@" > "$f" 2>&1; } # run a command, its output to a file
data_of() { $PY -c "import struct,sys; b=open(sys.argv[1],'rb').read(); n=struct.unpack('<Q',b[:8])[0]; sys.stdout.buffer.write(b[8+n:])" "$1"; }

expect_exit2 "--mix 0 refused" "\-\-mix" "$CLI" train $SMALL --mix 0 --out "$T/x"
expect_exit2 "--mix 17 refused" "\-\-mix" "$CLI" train $SMALL --mix 17 --out "$T/x"
expect_exit2 "--mix-entropy -0.1 refused" "\-\-mix-entropy" "$CLI" train $SMALL --mix 3 --mix-entropy -0.1 --out "$T/x"
expect_exit2 "--mix-budget half refused" "\-\-mix-budget" "$CLI" train $SMALL --mix 3 --mix-budget half --out "$T/x"
check "no run directory left by bad flags" test ! -e "$T/x"

# a short mixture run: both parameter counts printed, weights logged at every evaluation
check "mixture run" to "$T/a.log" "$CLI" train $SMALL --mix 3 --mix-budget same --steps 20 --eval-every 10 --out "$T/a"
check "both parameter counts printed" grep -q "parameters; the single model has" "$T/a.log"
check "weights at every evaluation" $PY -c "
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 3, rows  # steps 0, 10, 20
for r in rows:
    for k in ('mix_w_g', 'mix_w_d'):
        assert len(r[k]) == 3 and abs(sum(r[k]) - 1) < 1e-9 and min(r[k]) > 0, r
" "$T/a/metrics.jsonl"

# resume: 10 steps, then 10 more = 20 uninterrupted steps, bit for bit (every component, logits, optimizers)
"$CLI" train $SMALL --mix 3 --mix-budget same --steps 10 --eval-every 10 --out "$T/b" > /dev/null 2>&1
check "resume runs" to "$T/b.log" "$CLI" train --resume "$T/b" --steps 20 --progress 0
check "resumed mixture is bit-identical" cmp -s <(data_of "$T/a/checkpoint.safetensors") <(data_of "$T/b/checkpoint.safetensors")
check "resumed metrics keep the logged weights" test "$(grep -c mix_w_g "$T/b/metrics.jsonl")" = 3

# sample / eval / report understand a mixture
check "sample from a mixture" to "$T/s.log" "$CLI" sample --checkpoint "$T/a/checkpoint.safetensors" -n 500 -o "$T/s.npy"
check "500 points of 2 coordinates" $PY -c "import numpy as np, sys; x = np.load(sys.argv[1]); assert x.shape == (500, 2) and np.isfinite(x).all()" "$T/s.npy"
"$CLI" eval --checkpoint "$T/a/checkpoint.safetensors" > "$T/eval.json" 2>"$T/eval.err"
check "eval of a mixture logs its weights" grep -q '"mix_w_g"' "$T/eval.json"
# sample --latent on a mixture: each row's generator is drawn from --seed (said on stderr);
# --component J makes the output a function of the codes alone
A=$T/a/checkpoint.safetensors
$PY -c "import numpy as np; np.save('$T/z.npy', np.random.default_rng(0).normal(size=(30, 2)).astype(np.float32))"
"$CLI" sample --checkpoint "$A" --latent "$T/z.npy" -o "$T/z0.npy" 2>"$T/z0.err" >/dev/null
"$CLI" sample --checkpoint "$A" --latent "$T/z.npy" -o "$T/z5.npy" --seed 5 2>/dev/null >/dev/null
check "sample --latent on a mixture: the seed's component draw is said on stderr" grep -q "drawn with w_G from --seed 0" "$T/z0.err"
check "  and another seed gives other rows" bash -c "! cmp -s '$T/z0.npy' '$T/z5.npy'"
"$CLI" sample --checkpoint "$A" --latent "$T/z.npy" -o "$T/c0.npy" --component 1 2>"$T/c0.err" >/dev/null
"$CLI" sample --checkpoint "$A" --latent "$T/z.npy" -o "$T/c9.npy" --component 1 --seed 9 2>/dev/null >/dev/null
check "sample --latent --component 1: the same rows for every seed, nothing on stderr" bash -c "cmp -s '$T/c0.npy' '$T/c9.npy' && test ! -s '$T/c0.err'"
expect_exit2 "sample --component 3 of 3 generators refused" "components 0..2" "$CLI" sample --checkpoint "$A" -n 4 --component 3 -o "$T/x.npy"
# critic --lipschitz describes the function -o/--grad print: the mixture Σ_j w_D[j]·D_j
$PY -c "import numpy as np; np.save('$T/cx.npy', np.random.default_rng(3).normal(size=(60, 2)))"
"$CLI" critic --checkpoint "$T/a/checkpoint.safetensors" --input "$T/cx.npy" -o "$T/cd.npy" --grad "$T/cg.npy" --lipschitz \
    > "$T/lip.json" 2>"$T/lip.err"
check "critic --lipschitz on a mixture: grad_max/grad_mean are those of the --grad output, components 3" $PY -c "
import json, sys, numpy as np
r = json.load(open(sys.argv[1])); n = np.linalg.norm(np.load(sys.argv[2]).astype(np.float64), axis=1)
assert r['components'] == 3, r
assert abs(r['grad_max'] - n.max()) <= 1e-5 * n.max() and abs(r['grad_mean'] - n.mean()) <= 1e-5 * n.max(), (r, n.max(), n.mean())
assert 0 < r['pair_max'] <= r['certified'] + 1e-6, r
" "$T/lip.json" "$T/cg.npy"
check "report of a mixture run" to "$T/r.log" "$CLI" report "$T/a"
check "weights plotted (mix_weights.png/.svg) and shown in the report" \
    bash -c "test -s '$T/a/mix_weights.png' && grep -q 'w_D\[2\]' '$T/a/mix_weights.svg' && grep -q 'mix_weights.png' '$T/a/report.html'"

# the checkpoint holds every component under generator.<i>.…, with its own format string
check "every component in the checkpoint" $PY -c "
import json, struct, sys
b = open(sys.argv[1], 'rb').read(); h = json.loads(b[8:8 + struct.unpack('<Q', b[:8])[0]])
assert h['__metadata__']['format'] == 'wgankit-mix-checkpoint-1'
for i in range(3):
    assert any(k.startswith('generator.%d.' % i) for k in h) and any(k.startswith('critic.%d.' % i) for k in h)
assert 'mix.logits_g' in h and 'mix.logits_d' in h
" "$T/a/checkpoint.safetensors"
expect_exit2 "a single-GAN run refuses a mixture checkpoint" "--mix 1: the run's networks were built with --mix 3" "$CLI" train --resume "$T/a" --mix 1 --steps 30
# --mix-budget same at widths too small to reach the single model's size says so (was: 4.6x, no word);
# at the default widths (within the budget) no warning
"$CLI" train --data ring --mix 16 --mix-budget same --critic-width 4 --gen-width 4 --steps 2 --eval-every 0 --eval-n 20 \
    --holdout 50 --lip-pairs 10 --threads 1 --progress 0 --out "$T/m16" >"$T/m16.log" 2>&1
check "--mix-budget same over budget warns with the ratio" grep -q "warning: --mix-budget same is 4.6x the single model's parameters" "$T/m16.log"
check "... not within budget" bash -c "! grep -q 'warning: --mix-budget' '$T/a.log'"
exit $fail
