#!/bin/bash
# cli_eval_metrics.sh — image metrics in training and `wgankit eval`: --eval-metrics puts FD, KID,
# IS, precision/recall, density/coverage with the feature network's id and n into every
# metrics.jsonl line; a resumed run keeps them for the earlier evaluations; `eval --metrics
# --features --real -n` prints them; bad lists and point data exit 2. Uses a tiny classifier
# trained here (the shipped network's accuracy is checked by `make models`).
set -u
CLI=$1
PY=/usr/bin/python3  # Debian python with numpy
source "$(dirname "$0")/lib_cli.sh"  # $T, check, expect_exit2
$PY - "$T" <<'PY'
import sys, numpy as np
t = sys.argv[1]
rng = np.random.default_rng(1)
y = rng.integers(0, 4, 800)
x = np.zeros((800, 28, 28), np.uint8)
for i in range(800):  # four classes: a bright square in one quadrant, plus noise
    r, c = divmod(int(y[i]), 2)
    x[i] = rng.integers(0, 40, (28, 28))
    x[i, r * 14 + 2:r * 14 + 12, c * 14 + 2:c * 14 + 12] = 220
np.save(t + "/img.npy", x); np.save(t + "/lab.npy", y)
np.save(t + "/pts.npy", rng.normal(size=(300, 2)).astype(np.float32))
PY
"$CLI" classifier train --data "$T/img.npy" --labels "$T/lab.npy" --epochs 1 --batch 50 --threads 2 --out "$T/net.safetensors" >/dev/null 2>&1
check "tiny feature network trained" test -s "$T/net.safetensors"
RUN="--data $T/img.npy --gen dcgan --critic-net dcgan --critic gp --critic-norm layer --dcgan-width 8 --latent-dim 16
     --batch 32 --n-critic 1 --eval-every 10 --eval-n 200 --holdout 300 --threads 2 --progress 0"
"$CLI" train $RUN --steps 20 --checkpoint-every 10 --eval-metrics fd,kid,is,pr,dc --eval-features "$T/net.safetensors" \
    --out "$T/run" >/dev/null 2>"$T/err" || { echo "FAIL: train ($(cat "$T/err"))"; exit 1; }
keys="fd fd_mean fd_trace kid kid_std is is_std precision recall density coverage features n_real n_fake"
check "every evaluation line has the image metrics with the network id" $PY -c "
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ok = len(rows) == 3 and all(  # steps 0, 10, 20
                            set(sys.argv[2].split()) <= set(r) and r['features'].startswith('lenet-1x28x28-4@')
                            and r['n_fake'] == 200 and r['n_real'] == 200 for r in rows)
sys.exit(0 if ok else 1)" "$T/run/metrics.jsonl" "$keys"
check "report: FD headline and one chart per image metric group" $PY -c "
import sys; h = open(sys.argv[1]).read()
need = ['FD on the feature network, step 20', 'FD, feature network', 'KID, feature network',
        'IS, feature network', 'Precision and recall', 'Density and coverage']
miss = [k for k in need if k not in h]; print('missing:', miss) if miss else None; sys.exit(1 if miss else 0)" "$T/run/report.html"
"$CLI" train --resume "$T/run" --steps 30 >/dev/null 2>"$T/err" || { echo "FAIL: resume ($(cat "$T/err"))"; fail=1; }
check "resume keeps the earlier evaluations' image metrics" $PY -c "
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if [r['step'] for r in rows] == [0, 10, 20, 30] and all('fd' in r and 'coverage' in r for r in rows) else 1)" "$T/run/metrics.jsonl"
out=$("$CLI" eval --checkpoint "$T/run/checkpoint.safetensors" --metrics fd,pr --features "$T/net.safetensors" -n 150 --real "$T/img.npy")
check "eval --metrics fd,pr: only those, with n" $PY -c "
import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if 'fd' in d and 'precision' in d and 'kid' not in d and 'is' not in d and d['n_fake'] == 150 and d['n_real'] == 800 else 1)" "$out"
expect_exit2 "eval: unknown metric" "metric 'fid' unknown" "$CLI" eval --checkpoint "$T/run/checkpoint.safetensors" --metrics fid
expect_exit2 "IS on point data refused" "IS needs a classifier" \
    "$CLI" train --data "$T/pts.npy" --steps 2 --eval-metrics fd,is --out "$T/pts" --progress 0
"$CLI" train --data ring --steps 20 --eval-every 0 --eval-n 300 --holdout 300 --threads 2 --eval-metrics pr,dc,fd \
    --out "$T/ring" --progress 0 >/dev/null 2>"$T/err" || { echo "FAIL: ring train ($(cat "$T/err"))"; fail=1; }
check "2-D target: PR, DC and FD on raw coordinates next to mode coverage" $PY -c "
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
sys.exit(0 if r['features'] == 'none' and 0 <= r['precision'] <= 1 and 0 <= r['coverage'] <= 1 and 'fd' in r and 'modes' in r and 'kid' not in r else 1)" "$T/ring/metrics.jsonl"
# training on float images in [0, 1] kept as stored (--scale none): the pixel range is ambiguous, so
# the image metrics refuse it naming --data (they read [0, 1] as [-1, 1]); --scale minmax maps it
$PY -c "import sys, numpy as np; np.save(sys.argv[1] + '/img01.npy', np.load(sys.argv[1] + '/img.npy') / 255.0)" "$T"
expect_exit2 "train, [0, 1] images kept as stored: image metrics refuse the ambiguous range, naming --data" "img01.npy: pixel values in .* lie in both \[0, 1\] and \[-1, 1\].*--scale minmax" \
    "$CLI" train $(echo $RUN | sed "s#$T/img.npy#$T/img01.npy#") --scale none --steps 1 --eval-metrics fd --eval-features "$T/net.safetensors" --out "$T/r01"
# KID below 1,000 samples (subset size cut to n = 100 on both sides): every subset would be the
# whole sample, so one subset and no spread (kid_std null), in training and in eval alike
"$CLI" train --data ring --steps 2 --eval-every 0 --eval-n 100 --holdout 100 --threads 2 --eval-metrics kid \
    --out "$T/rk" --progress 0 >/dev/null 2>"$T/err" || { echo "FAIL: ring kid train ($(cat "$T/err"))"; fail=1; }
check "train, KID at n = 100: kid_std null (not a ~1e-14 spread)" $PY -c "
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
sys.exit(0 if r['kid'] is not None and r['kid_std'] is None else 1)" "$T/rk/metrics.jsonl"
out=$("$CLI" eval --checkpoint "$T/rk/checkpoint.safetensors" --metrics kid -n 100 2>"$T/err")
check "eval --metrics kid -n 100: kid_std null ($out)" $PY -c "
import json, sys; d = json.loads(sys.argv[1]); sys.exit(0 if d['kid'] is not None and d['kid_std'] is None else 1)" "$out"
expect_exit2 "a feature network for other images (or real images of another shape)" "takes images \[1, 28, 28\]\|do not match the run's samples (1x28x28)" \
    "$CLI" eval --checkpoint "$T/run/checkpoint.safetensors" --metrics fd --features "$T/net.safetensors" --real "$T/pts.npy"
exit $fail
