#!/bin/bash
# bench_metrics.sh WGANKIT [N] [THREADS] — issue 13's speed item: `wgankit metrics` (FD, KID, IS,
# PR, DC) on N Fashion-MNIST test images against N training images, feature extraction included,
# then the same metrics on the same saved features by wgankit (--features none) and by the
# numpy/scipy and PyTorch peers (bench/peers/metrics_peers.py), all in one run so the ratios
# compare like with like on this shared machine. JSON lines, then the ratios.
set -u
CLI=${1:?usage: bench_metrics.sh path/to/wgankit [N] [THREADS]}; N=${2:-10000}; TH=${3:-2}
D=/usr/share/datasets/fashion-mnist; PY=/usr/bin/python3
cd "$(dirname "$0")/.."
NET=${WGANKIT_FEATURES:-models/fashion-mnist-lenet.safetensors}
[ -r "$NET" ] && [ -r "$D/train-images-idx3-ubyte.gz" ] || { echo "SKIP: needs $NET and $D"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
$PY -c "
import gzip, numpy as np
for name, out in (('t10k', 'real'), ('train', 'fake')):
    with gzip.open('$D/%s-images-idx3-ubyte.gz' % name) as f:
        np.save('$T/%s.npy' % out, np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[:$N])"
now() { date +%s.%N; }
sub() { $PY -c "import sys; print(round(float(sys.argv[1]) - float(sys.argv[2]), 3))" "$1" "$2"; }
t0=$(now)
"$CLI" metrics --real "$T/real.npy" --fake "$T/fake.npy" --features "$NET" --threads "$TH" --json \
    --save-features "$T/f.npy" >"$T/full.json" 2>/dev/null
t1=$(now)
"$CLI" metrics --real "$T/f.real.npy" --fake "$T/f.fake.npy" --features none --metrics fd,kid,pr,dc --threads "$TH" --json \
    >"$T/feat.json" 2>/dev/null
t2=$(now)
echo "{\"bench\": \"metrics\", \"peer\": \"wgankit\", \"what\": \"images, all five, features included\", \"n\": $N, \"seconds\": $(sub $t1 $t0)}"
echo "{\"bench\": \"metrics\", \"peer\": \"wgankit\", \"what\": \"saved features, fd kid pr dc\", \"n\": $N, \"seconds\": $(sub $t2 $t1)}"
cat "$T/feat.json"
w=$(sub $t2 $t1)
for peer in numpy torch; do
    [ $peer = torch ] && ! $PY -c "import torch" 2>/dev/null && { echo "torch: not available"; continue; }
    line=$($PY bench/peers/metrics_peers.py "$T/f.real.npy" "$T/f.fake.npy" --peer $peer --threads "$TH") || continue
    echo "$line"
    s=$(echo "$line" | $PY -c "import json,sys; print(json.load(sys.stdin)['seconds'])")
    echo "ratio $peer / wgankit (same features, fd kid pr dc): $($PY -c "import sys; print(round(float(sys.argv[1]) / float(sys.argv[2]), 2))" "$s" "$w")x"
done
