#!/bin/bash
# cli_metrics.sh — `wgankit metrics` and `wgankit classifier` end to end: --json keys and values
# equal the numpy/scipy fixtures (tests/fixtures/metrics), raw-coordinate features, saved
# features, the singular-covariance warning, and bad input exiting 2 with the reason: too few
# samples for KID / k-NN (minimum stated), a labels file of the wrong length, a feature network
# whose input shape differs from the images (both shapes named). A tiny classifier trained twice
# gives the same bytes (what `make models` relies on). float64 files are measured as stored: KID
# at large offsets and IS of float64 probabilities equal their float64 references.
set -u
CLI=$1
FX=tests/fixtures/metrics
PY=/usr/bin/python3  # Debian python with numpy
source "$(dirname "$0")/lib_cli.sh"  # $T, check, expect_exit2
close() { awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= r * (b < 0 ? -b : b) + 1e-12) }'; }
jget() { $PY -c "import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print(v)" "$1" "$2"; }

# values through the CLI equal the references (KID over whole sets: subset = n, one value)
json=$("$CLI" metrics --real $FX/relu64_real.npy --fake $FX/relu64_fake.npy --features none --json --kid-subset-size 350 --kid-subsets 3)
check "--json has the issue's keys" $PY -c "
import json,sys; d=json.loads(sys.argv[1])
need={'fd','kid','kid_std','precision','recall','density','coverage','features','n_real','n_fake'}
sys.exit(0 if need <= set(d) and d['features']=='none' and d['n_real']==400 and d['n_fake']==350 else 1)" "$json"
# one KID subset: its spread is undefined, kid_std null (not 0); three subsets give a number
json1=$("$CLI" metrics --real $FX/relu64_real.npy --fake $FX/relu64_fake.npy --features none --json --kid-subset-size 350 --kid-subsets 1)
check "--kid-subsets 1: kid_std null, kid a number" $PY -c "
import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d['kid_std'] is None and d['kid'] is not None else 1)" "$json1"
txt1=$("$CLI" metrics --real $FX/relu64_real.npy --fake $FX/relu64_fake.npy --features none --metrics kid --kid-subset-size 350 --kid-subsets 1)
check "--kid-subsets 1, text: no '+- nan', says there is no spread ($txt1)" bash -c "echo '$txt1' | grep -q 'no spread' && ! echo '$txt1' | grep -qi 'nan'"
check "--kid-subsets 3: kid_std a positive number" $PY -c "
import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d['kid_std'] > 0 else 1)" "$json"
# a subset size equal to both n: every subset is the whole sample, so one value and kid_std null
# (not the ~1e-14 spread of 100 copies); the value is numpy's unbiased MMD^2 of the whole sets
json2=$("$CLI" metrics --real $FX/relu64_real.npy --fake $FX/relu64_real.npy --features none --json --metrics kid --kid-subset-size 400)
check "KID subset = n on both sides: kid_std null, kid = numpy MMD^2 of the whole sets" $PY -c "
import json,sys, numpy as np
d=json.loads(sys.argv[1]); x=np.load(sys.argv[2]).astype(np.float64); y=x
k=lambda a,b: (a@b.T/a.shape[1]+1)**3; m=len(x)
kxx=k(x,x); kyy=k(y,y); ref=(kxx.sum()-np.trace(kxx))/(m*(m-1))+(kyy.sum()-np.trace(kyy))/(m*(m-1))-2*k(x,y).mean()
sys.exit(0 if d['kid_std'] is None and abs(d['kid']-ref) <= 1e-9*abs(kxx).mean() else 1)" "$json2" $FX/relu64_real.npy
# float64 raw coordinates are not rounded to float32: two clouds at offset 1e8 (mean shift 0.5)
# score as the unshifted ones (FD, PR, DC are translation invariant); the reference is numpy/scipy
# (sqrtm FD, the prdc formulas) on the centred data. In float32 the offset-1e8 files gave FD 0,
# precision = recall = 1, density = coverage = 0.
$PY - "$T" <<'PYF'
import sys, numpy as np
t = sys.argv[1]; rng = np.random.default_rng(2)
X = rng.normal(size=(200, 2)); Y = rng.normal(size=(200, 2)) + 0.5
for off in (0, 1e6, 1e8):
    np.save(f"{t}/r_{off:g}.npy", X + off); np.save(f"{t}/f_{off:g}.npy", Y + off)
PYF
for off in 0 1e+06 1e+08; do
    j=$("$CLI" metrics --real "$T/r_$off.npy" --fake "$T/f_$off.npy" --features none --json --metrics fd,pr,dc 2>"$T/err")
    check "float64 offset $off: FD, precision, recall, density, coverage = numpy/scipy reference ($j)" $PY -c "
import json, sys, numpy as np, scipy.linalg
d = json.loads(sys.argv[1]); X = np.load(sys.argv[2]); Y = np.load(sys.argv[3])
c = X.mean(0); X = X - c; Y = Y - c   # the metrics are translation invariant: the reference on centred data
s1, s2 = np.cov(X, rowvar=False), np.cov(Y, rowvar=False)
fd = ((X.mean(0) - Y.mean(0))**2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(scipy.linalg.sqrtm(s1 @ s2).real)
D = lambda a, b: np.sqrt(((a[:, None, :] - b[None, :, :])**2).sum(-1))
rr, ff, rf = D(X, X), D(Y, Y), D(X, Y)
kth = lambda m, k: np.sort(m, 1)[:, k]   # column 0 is the point itself
r3, f3, r5 = kth(rr, 3), kth(ff, 3), kth(rr, 5)
prec = (rf <= r3[:, None]).any(0).mean(); rec = (rf <= f3[None, :]).any(1).mean()
dens = (rf < r5[:, None]).sum(0).mean() / 5; cov = (rf.min(1) < r5).mean()
ok = abs(d['fd'] - fd) <= 1e-6 * fd and all(abs(d[k] - v) < 1e-12 for k, v in
     (('precision', prec), ('recall', rec), ('density', dens), ('coverage', cov)))
print(fd, prec, rec, dens, cov) if not ok else None; sys.exit(0 if ok else 1)" "$j" "$T/r_$off.npy" "$T/f_$off.npy"
done
# the same float64 images stored NHWC on one side and NCHW on the other are the same samples (the
# samples reader puts NHWC in NCHW order; the float64 rows are used only in that same order)
$PY -c "
import sys, numpy as np; X = np.random.default_rng(3).normal(size=(60, 5, 5, 3))
np.save(sys.argv[1] + '/nhwc.npy', X); np.save(sys.argv[1] + '/nchw.npy', X.transpose(0, 3, 1, 2))" "$T"
j=$("$CLI" metrics --real "$T/nhwc.npy" --fake "$T/nchw.npy" --features none --json --metrics fd,pr 2>/dev/null)
check "float64 NHWC against NCHW of the same images: FD 0, precision = recall = 1 ($j)" $PY -c "
import json, sys; d = json.loads(sys.argv[1]); sys.exit(0 if abs(d['fd']) < 1e-9 and d['precision'] == 1 and d['recall'] == 1 else 1)" "$j"
# ... and float64 images stored NHWC are measured in float64 as NCHW ones are (was: the reader's
# NHWC -> NCHW reorder dropped the float64 values, so a channels-last pair at offset 1e8 was
# measured in float32: FD 0, precision = recall = 1); the reference is numpy/scipy on the centred
# values (FD and PR do not depend on the order of a sample's coordinates)
$PY -c "
import sys, numpy as np; g = np.random.default_rng(4)
X = g.normal(size=(100, 2, 2, 3)) + 1e8; Y = g.normal(size=(100, 2, 2, 3)) + 1e8 + 0.5
np.save(sys.argv[1] + '/nhwc_r.npy', X); np.save(sys.argv[1] + '/nhwc_f.npy', Y)" "$T"
j=$("$CLI" metrics --real "$T/nhwc_r.npy" --fake "$T/nhwc_f.npy" --features none --json --metrics fd,pr 2>/dev/null)
check "float64 NHWC images at offset 1e8: FD, precision, recall = numpy/scipy reference ($j)" $PY -c "
import json, sys, numpy as np, scipy.linalg
d = json.loads(sys.argv[1]); X = np.load(sys.argv[2]).reshape(100, -1); Y = np.load(sys.argv[3]).reshape(100, -1)
c = X.mean(0); X = X - c; Y = Y - c
s1, s2 = np.cov(X, rowvar=False), np.cov(Y, rowvar=False)
fd = ((X.mean(0) - Y.mean(0))**2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(scipy.linalg.sqrtm(s1 @ s2).real)
D = lambda a, b: np.sqrt(((a[:, None, :] - b[None, :, :])**2).sum(-1))
rr, ff, rf = D(X, X), D(Y, Y), D(X, Y)
r3, f3 = np.sort(rr, 1)[:, 3], np.sort(ff, 1)[:, 3]
prec = (rf <= r3[:, None]).any(0).mean(); rec = (rf <= f3[None, :]).any(1).mean()
ok = abs(d['fd'] - fd) <= 1e-6 * fd and abs(d['precision'] - prec) < 1e-12 and abs(d['recall'] - rec) < 1e-12
print(fd, prec, rec) if not ok else None; sys.exit(0 if ok else 1)" "$j" "$T/nhwc_r.npy" "$T/nhwc_f.npy"
for key in fd:5 precision:12 recall:13 density:14 coverage:15; do
    k=${key%:*}; col=${key#*:}
    want=$(awk -F, -v c="$col" '$1 == "relu64" { print $c }' $FX/cases.csv)
    check "$k = reference ($(jget "$json" $k) vs $want)" close "$(jget "$json" $k)" "$want" 1e-4
done
json=$("$CLI" metrics --real $FX/is_sharp.npy --fake $FX/is_sharp.npy --features none --metrics is --json)
want=$(awk -F, '$1 == "sharp" { print $5 }' $FX/is_cases.csv)
check "IS of stored probabilities = reference" close "$(jget "$json" is)" "$want" 1e-4
# identical sets: FD 0, precision = recall = coverage = 1
json=$("$CLI" metrics --real $FX/identical_real.npy --fake $FX/identical_fake.npy --features none --metrics fd,pr,dc --json)
check "identical sets: FD 0" close "$(jget "$json" fd)" 0 0
check "identical sets: precision, recall, coverage 1" $PY -c "
import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d['precision']==d['recall']==d['coverage']==1 else 1)" "$json"
# n < d: finite FD and the regularisation warning
"$CLI" metrics --real $FX/n_lt_d_real.npy --fake $FX/n_lt_d_fake.npy --features none --metrics fd --json >"$T/o" 2>"$T/e"
check "n < d: exit 0, finite FD" $PY -c "import json,math,sys; sys.exit(0 if math.isfinite(json.load(open(sys.argv[1]))['fd']) else 1)" "$T/o"
check "n < d: warning names the clipping" grep -q "singular covariance.*clipped" "$T/e"
# saved features
"$CLI" metrics --real $FX/basic_real.npy --fake $FX/basic_fake.npy --features none --metrics fd --save-features "$T/f.npy" >/dev/null
check "--save-features writes both sides" $PY -c "
import numpy as np,sys; r=np.load(sys.argv[1]+'/f.real.npy'); f=np.load(sys.argv[1]+'/f.fake.npy')
sys.exit(0 if r.shape==(300,16) and f.shape==(250,16) else 1)" "$T"

# too few samples: exit 2 with the minimum
expect_exit2 "KID subset larger than n" "at least 1000 samples" "$CLI" metrics --real $FX/basic_real.npy --fake $FX/basic_fake.npy --features none --metrics kid
$PY -c "import numpy as np; np.save('$T/three.npy', np.arange(48, dtype=np.float32).reshape(3, 16))"
expect_exit2 "k-NN with n <= k" "at least 4 samples" "$CLI" metrics --real "$T/three.npy" --fake $FX/basic_fake.npy --features none --metrics pr
expect_exit2 "unknown metric" "metric 'fid' unknown" "$CLI" metrics --real $FX/basic_real.npy --fake $FX/basic_fake.npy --metrics fid
expect_exit2 "missing file" "nothing.npy" "$CLI" metrics --real "$T/nothing.npy" --fake $FX/basic_fake.npy

# classifier: small image sets from the Fashion-MNIST test file (or random ones without it)
$PY - "$T" <<'PY'
import gzip, os, sys, numpy as np
t = sys.argv[1]
src = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
if os.path.exists(src):
    with gzip.open(src) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[:600]
    with gzip.open(src.replace("images-idx3", "labels-idx1")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)[:600]
else:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 600).astype(np.uint8)
    x = (rng.integers(0, 60, (600, 28, 28)) + y[:, None, None] * 20).astype(np.uint8)
np.save(t + "/img.npy", x[:500]); np.save(t + "/lab.npy", y[:500].astype(np.int64))
np.save(t + "/timg.npy", x[500:]); np.save(t + "/tlab.npy", y[500:].astype(np.int64))
np.save(t + "/lab_short.npy", y[:499].astype(np.int64))
np.save(t + "/cifar_like.npy", np.zeros((50, 3, 32, 32), np.uint8))
np.save(t + "/fake_pm1.npy", (x[500:].reshape(100, 784) / 127.5 - 1).astype(np.float32))
PY
expect_exit2 "labels length mismatch refused" "499 labels but" "$CLI" classifier train --data "$T/img.npy" --labels "$T/lab_short.npy" --out "$T/n.safetensors"
"$CLI" classifier train --data "$T/img.npy" --labels "$T/lab.npy" --test-data "$T/timg.npy" --test-labels "$T/tlab.npy" \
    --epochs 1 --batch 50 --threads 2 --out "$T/a.safetensors" >"$T/o" 2>&1
check "classifier train writes a network" test -s "$T/a.safetensors"
cp "$T/a.safetensors" "$T/first.safetensors"
"$CLI" classifier train --data "$T/img.npy" --labels "$T/lab.npy" --test-data "$T/timg.npy" --test-labels "$T/tlab.npy" \
    --epochs 1 --batch 50 --threads 2 --out "$T/a.safetensors" >/dev/null 2>&1
check "same command, same bytes" cmp -s "$T/a.safetensors" "$T/first.safetensors"
check "metadata: command and test accuracy" $PY -c "
import json,struct,sys; b=open(sys.argv[1],'rb').read(); n=struct.unpack('<Q',b[:8])[0]; m=json.loads(b[8:8+n])['__metadata__']
sys.exit(0 if 'classifier train' in m['training_command'] and 0 <= float(m['test_accuracy']) <= 1 else 1)" "$T/a.safetensors"
# the features the metrics use are the 128 pre-activations before the ReLU (src/classifier/apply.c);
# the metadata of a trained network and of the shipped one says so (was: "128 ReLU units ... (body output)")
for net in "$T/a.safetensors" models/fashion-mnist-lenet.safetensors; do
    check "metadata of $(basename "$net"): features are the pre-activations" $PY -c "
import json,struct,sys; b=open(sys.argv[1],'rb').read(); n=struct.unpack('<Q',b[:8])[0]; m=json.loads(b[8:8+n])['__metadata__']
sys.exit(0 if 'pre-activations' in m['features'] and 'before its ReLU' in m['features'] else 1)" "$net"
done
acc=$("$CLI" classifier eval --net "$T/a.safetensors" --data "$T/timg.npy" --labels "$T/tlab.npy")
check "classifier eval prints the accuracy" bash -c "echo '$acc' | grep -q '\"accuracy\"'"
expect_exit2 "feature network input shape mismatch names both shapes" "takes images \[1, 28, 28\], got samples \[3, 32, 32\]" \
    "$CLI" metrics --real "$T/cifar_like.npy" --fake "$T/cifar_like.npy" --features "$T/a.safetensors"
# images (uint8 IDX-like NPY against [-1, 1] floats) through the network: every value names it
out=$("$CLI" metrics --real "$T/img.npy" --fake "$T/fake_pm1.npy" --features "$T/a.safetensors" --kid-subset-size 100 --kid-subsets 5)
hash=$($PY -c "import sys; print(open(sys.argv[1]).read().split('hash ')[1].split(',')[0])" "$T/o")
check "every value printed with the network's name, hash and n ($hash)" bash -c \
    "[ \$(echo '$out' | grep -c 'features lenet-1x28x28-10@$hash, n_real 500, n_fake 100') -eq 7 ]"
# images stored in [0, 1] (ToTensor's convention): auto refuses the ambiguity, naming the file and
# --pixels (it read them as [-1, 1]: FD 1.40 instead of 10.62 on Fashion-MNIST); --pixels 01 gives the
# FD of the same images stored as bytes, the same pixels in the network's [-1, 1]
$PY -c "
import sys, numpy as np
t = sys.argv[1]; np.save(t + '/img01.npy', np.load(t + '/img.npy') / 255.0); np.save(t + '/timg01.npy', np.load(t + '/timg.npy') / 255.0)" "$T"
expect_exit2 "[0, 1] images with --pixels auto: refused as ambiguous, naming the file and --pixels" "img01.npy: pixel values in \[0, 1\] lie in both \[0, 1\] and \[-1, 1\].*--pixels" \
    "$CLI" metrics --real "$T/img01.npy" --fake "$T/timg01.npy" --features "$T/a.safetensors" --metrics fd
expect_exit2 "bytes against [0, 1] images: the [0, 1] side refused (not guessed on its own)" "timg01.npy: pixel values" \
    "$CLI" metrics --real "$T/img.npy" --fake "$T/timg01.npy" --features "$T/a.safetensors" --metrics fd
fd8=$("$CLI" metrics --real "$T/img.npy" --fake "$T/timg.npy" --features "$T/a.safetensors" --metrics fd --json)
fd01=$("$CLI" metrics --real "$T/img01.npy" --fake "$T/timg01.npy" --features "$T/a.safetensors" --metrics fd --json --pixels 01)
check "--pixels 01: the FD of the same images stored as bytes ($fd01 vs $fd8)" $PY -c "
import json, sys; a = json.loads(sys.argv[1])['fd']; b = json.loads(sys.argv[2])['fd']; sys.exit(0 if abs(a - b) <= 1e-4 * b else 1)" "$fd01" "$fd8"
expect_exit2 "a non-network file as --features" "not a wgankit feature network\|safetensors\|header" \
    "$CLI" metrics --real "$T/img.npy" --fake "$T/fake_pm1.npy" --features $FX/basic_real.npy
# the shipped network's features are the pre-activations of its 128-unit layer (classifier.h):
# equal to a numpy forward pass of the stored weights, and full rank on real images, so FD of
# real against real needs no regularisation (after the ReLU, 39 of 128 units never fire)
NET=models/fashion-mnist-lenet.safetensors
SRC=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
if [ -r "$NET" ] && [ -r "$SRC" ]; then
    $PY -c "
import gzip, numpy as np
x = np.frombuffer(gzip.open('$SRC').read(), np.uint8, offset=16).reshape(-1, 28, 28)
np.save('$T/ra.npy', x[:1000]); np.save('$T/rb.npy', x[1000:2000])"
    "$CLI" metrics --real "$T/ra.npy" --fake "$T/rb.npy" --features "$NET" --metrics fd --save-features "$T/sf.npy" >"$T/o" 2>"$T/e"
    check "shipped network, real vs real: no singular-covariance warning" bash -c "! grep -q singular '$T/e'"
    check "shipped network features = numpy pre-activations of the stored weights" $PY - "$NET" "$T" <<'PY'
import json, struct, sys, numpy as np
b = open(sys.argv[1], 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8 + n]); h.pop('__metadata__', None)
W = {k: np.frombuffer(b[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]], np.float32).reshape(v['shape']).astype(np.float64) for k, v in h.items()}
def conv(x, w, bias, s, p):
    x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))); k = w.shape[2]
    o = (x.shape[2] - k) // s + 1
    cols = np.stack([x[:, :, i:i + s * o:s, j:j + s * o:s] for i in range(k) for j in range(k)], 2)  # N C k*k o o
    cols = cols.reshape(x.shape[0], x.shape[1] * k * k, o, o)
    return np.einsum('nkab,fk->nfab', cols, w.reshape(w.shape[0], -1)) + bias[None, :, None, None]
x = np.load(sys.argv[2] + '/ra.npy')[:200].astype(np.float64)[:, None] / 127.5 - 1
r = lambda v: np.maximum(v, 0)
h = r(conv(x, W['body.0.weight'], W['body.0.bias'], 2, 2)); h = r(conv(h, W['body.2.weight'], W['body.2.bias'], 2, 2))
h = r(conv(h, W['body.4.weight'], W['body.4.bias'], 1, 1)).reshape(200, -1)
f = h @ W['body.7.weight'].T + W['body.7.bias']
got = np.load(sys.argv[2] + '/sf.real.npy')[:200]
err = np.abs(got - f).max() / np.abs(f).max()
print('max rel err', err, 'negative share', (got < 0).mean())
sys.exit(0 if err < 1e-4 and (got < 0).mean() > 0.1 else 1)
PY
fi

# --features none reads each file once (it read each twice, as float32 samples and as float64
# points): files that can be read only once (named pipes) give the values of the plain files
$PY -c "
import numpy as np, sys
for s in ('real', 'fake'):
    np.savetxt('%s/p_%s.csv' % (sys.argv[1], s), np.load('$FX/relu64_%s.npy' % s), delimiter=',', fmt='%.17g')" "$T"
K=(--features none --json --kid-subset-size 350 --kid-subsets 3)
plain=$("$CLI" metrics --real "$T/p_real.csv" --fake "$T/p_fake.csv" "${K[@]}")
mkfifo "$T/once_real.csv" "$T/once_fake.csv"
for s in real fake; do timeout 30 sh -c "cat '$T/p_$s.csv' > '$T/once_$s.csv'" & done
once=$(timeout 30 "$CLI" metrics --real "$T/once_real.csv" --fake "$T/once_fake.csv" "${K[@]}" 2>"$T/once.err")
check "--features none reads each file once: a named pipe works (rc $?, $(head -c 200 "$T/once.err"))" test -n "$once"
check "... with the plain files' values" test "$once" = "$plain"
check "... which are the .npy files' values" test "$plain" = "$("$CLI" metrics --real $FX/relu64_real.npy --fake $FX/relu64_fake.npy "${K[@]}")"

# KID on float64 features with a common offset (FINDINGS round 6, 3): the exact unbiased MMD^2
# (rational arithmetic, tests/reference/make_kid_exact_fixtures.py) to 1e-12 relative; the plain
# float64 kernel sums are 0.1 % (offset 1e6) to 1.1e-9 (offset 1e3) off on these sets
while IFS=, read -r kase n dim want _; do
    [ "$kase" = case ] && continue
    got=$(jget "$("$CLI" metrics --real $FX/kid_exact_${kase}_real.npy --fake $FX/kid_exact_${kase}_fake.npy --features none \
        --metrics kid --kid-subsets 1 --kid-subset-size "$n" --json)" kid)
    check "KID of float64 set $kase (n $n, d $dim) is the exact value: got $got want $want" close "$got" "$want" 1e-12
done <$FX/kid_exact.csv

# IS of float64 probability rows (FINDINGS 2026-11-30, 3): --features none reads them as stored, so
# the value is numpy's in float64 (tests/reference/make_is64_fixtures.py) to 1e-12 relative; the
# rows rounded to float32 gave IS 6e-10 and its std 4e-8 relative off (columns is_f32, is_std_f32)
while IFS=, read -r kase n k splits want want_std _; do
    [ "$kase" = case ] && continue
    j=$("$CLI" metrics --real $FX/is64_$kase.npy --fake $FX/is64_$kase.npy --features none --metrics is --json)
    got=$(jget "$j" is) got_std=$(jget "$j" is_std)
    check "IS of float64 set $kase (n $n, $k classes) is numpy's float64 value: got $got want $want" close "$got" "$want" 1e-12
    check "... and its std: got $got_std want $want_std" close "$got_std" "$want_std" 1e-12
done <$FX/is64.csv
# float64 files of different widths: refused naming both (the float64 path read the fake rows with
# the real file's width, and past the end of the narrower one)
$PY -c "import numpy as np; r=np.random.default_rng(0); np.save('$T/w10.npy', r.normal(size=(50,10))); np.save('$T/w2.npy', r.normal(size=(60,2)))"
expect_exit2 "metrics: real 2 features, fake 10: refused naming both files" "w10.npy: samples of 10 values" \
    "$CLI" metrics --real $T/w2.npy --fake $T/w10.npy --features none --metrics fd
expect_exit2 "metrics: real 10 features, fake 2 (an over-read before): refused" "w2.npy: samples of 2 values" \
    "$CLI" metrics --real $T/w10.npy --fake $T/w2.npy --features none --metrics fd,kid
wait
exit $fail
