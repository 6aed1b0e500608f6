#!/bin/bash
# long_fashion_mnist.sh — acceptance 2: an MLP WGAN-GP on Fashion-MNIST for <= 10 minutes; prints
# the W1/d_D curve and, with the shipped feature network, FD/KID/IS/PR/DC at every evaluation
# (FD must fall); leaves samples.png (a grid of generated garments) in the run directory.
set -u
CLI=${1:?usage: long_fashion_mnist.sh path/to/wgankit}
D=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
[ -r "$D" ] || { echo "SKIP: $D missing (scripts/install-deps installs dataset-fashion-mnist)"; exit 0; }
OUT=${WK_LONG_DIR:-runs}/fashion-mnist
start=$(date +%s)
timeout 660 "$CLI" train --data "$D" --critic gp --gp-lambda 10 --latent-dim 64 --gen-depth 3 --gen-width 256 \
    --critic-depth 3 --critic-width 256 --batch 64 --n-critic 5 --steps 3000 --lr-g 2e-4 --lr-d 2e-4 --beta1 0.5 \
    --beta2 0.9 --ema 0 --eval-every 500 --eval-n 1000 --holdout 1000 --checkpoint-every 500 --out "$OUT" --progress 0 || exit 1
echo "wall $(( $(date +%s) - start )) s"
python3 -c "
import json
rows=[json.loads(l) for l in open('$OUT/metrics.jsonl')]
for r in rows: print('step', r['step'], 'W1', round(r['w1'],3), 'd_D', round(r['d_D'],3),
                    *(f'{k} {r[k]:.4g}' for k in ('fd', 'kid', 'is', 'precision', 'recall', 'density', 'coverage') if k in r))
# image metrics (issue 13): on at every evaluation with the shipped network, and FD falls
img = all('fd' in r and 'coverage' in r for r in rows)
print('image metrics at every evaluation:', img, '' if not img else '(features %s)' % rows[0]['features'])
exit(0 if rows[-1]['w1'] < rows[0]['w1'] and img and rows[-1]['fd'] < rows[0]['fd'] else 1)"
echo "samples: $OUT/samples.png"
