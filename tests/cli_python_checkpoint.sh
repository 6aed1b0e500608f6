#!/bin/bash
# cli_python_checkpoint.sh — acceptance 4: a checkpoint loads with numpy alone, and a PyTorch
# generator rebuilt from its metadata reproduces `wgankit sample --latent` to 1e-5. SKIPs
# (exit 0) when /usr/bin/python3 has no numpy/torch.
set -u
CLI=${1:?usage: cli_python_checkpoint.sh path/to/wgankit}
PY=/usr/bin/python3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
if ! $PY -c "import numpy" 2>/dev/null; then echo "SKIP: no numpy"; exit 0; fi
"$CLI" train --steps 20 --gen-width 32 --critic-width 32 --batch 64 --n-critic 2 --eval-every 0 --eval-n 200 \
    --holdout 200 --threads 1 --out "$T/run" --ema 0.9 --progress 0 >/dev/null || { echo "FAIL: train"; exit 1; }
$PY tests/reference/load_checkpoint.py "$T/run/checkpoint.safetensors" | grep -q "generator.0.weight" || { echo "FAIL: numpy load"; exit 1; }
if ! $PY -c "import torch" 2>/dev/null; then echo "SKIP: no torch (numpy load passed)"; exit 0; fi
$PY -c "import numpy as np; np.save('$T/z.npy', np.random.default_rng(0).standard_normal((500, 2)).astype(np.float32))"
"$CLI" sample --checkpoint "$T/run/checkpoint.safetensors" --latent "$T/z.npy" -o "$T/x.npy" >/dev/null || { echo "FAIL: sample"; exit 1; }
$PY tests/reference/torch_sample_check.py "$T/run/checkpoint.safetensors" "$T/z.npy" "$T/x.npy" 1e-5 || { echo "FAIL: torch rebuild"; exit 1; }
# DCGAN generator (linear, batch norm, transposed convolutions, tanh) on real images, when installed
FM=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
if [ -r "$FM" ]; then
    "$CLI" train --data "$FM" --gen dcgan --critic-net dcgan --critic gp --critic-norm layer --dcgan-width 8 --latent-dim 16 \
        --steps 3 --batch 16 --eval-every 0 --eval-n 100 --holdout 100 --threads 1 --out "$T/dc" --progress 0 >/dev/null \
        || { echo "FAIL: dcgan train"; exit 1; }
    $PY -c "import numpy as np; np.save('$T/z16.npy', np.random.default_rng(1).standard_normal((20, 16)).astype(np.float32))"
    "$CLI" sample --checkpoint "$T/dc/checkpoint.safetensors" --latent "$T/z16.npy" -o "$T/x16.npy" >/dev/null || { echo "FAIL: dcgan sample"; exit 1; }
    $PY tests/reference/torch_sample_check.py "$T/dc/checkpoint.safetensors" "$T/z16.npy" "$T/x16.npy" 1e-5 || { echo "FAIL: dcgan torch rebuild"; exit 1; }
fi
echo "cli_python_checkpoint: ok"
