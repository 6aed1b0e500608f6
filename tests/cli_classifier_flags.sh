#!/bin/bash
# cli_classifier_flags.sh — `classifier train` checks its flags before the long work: --out naming one
# of its inputs (--labels, --data, also as ./F or a hard link) is refused naming both flags with the
# input untouched (was: exit 0, the labels/images replaced by the network); an unwritable or
# non-.safetensors --out exits 2 before any epoch runs (was: after the whole training); a CIFAR-10
# .bin --test-data needs no --test-labels (its labels are inside, as for --data; was refused); the
# per-epoch line never prints "test accuracy nan"; a --batch above the image count is refused; a bad label's message says which label it is. $1: the CLI binary.
set -u
source "$(dirname "$0")/lib_cli.sh"
in_tmp "$1"
$PY -c "
import numpy as np; r = np.random.default_rng(0)
np.save('img.npy', r.integers(0, 256, (40, 28, 28), dtype=np.uint8)); np.save('lab.npy', np.arange(40) % 10)
np.save('badlab.npy', np.array([0, 1, -1] + [2] * 37))
recs = [bytes([i % 10]) + bytes(r.integers(0, 256, 3072, dtype=np.uint8)) for i in range(30)]
open('cif.bin', 'wb').write(b''.join(recs)); open('cif_t.bin', 'wb').write(b''.join(recs[:10]))"
cp lab.npy labc.npy; cp img.npy imgc.npy
expect_exit2 "--out over --labels refused" "--out labc.npy is the --labels file" \
    "$CLI" classifier train --data img.npy --labels labc.npy --epochs 1 --batch 8 --out labc.npy
check "... the labels kept" cmp -s lab.npy labc.npy
expect_exit2 "--out over --data (as ./F) refused" "--out ./imgc.npy is the --data file" \
    "$CLI" classifier train --data imgc.npy --labels lab.npy --epochs 1 --batch 8 --out ./imgc.npy
check "... the images kept" cmp -s img.npy imgc.npy
ln labc.npy lablink.safetensors
expect_exit2 "--out a hard link of --labels refused" "--out lablink.safetensors is the --labels file" \
    "$CLI" classifier train --data img.npy --labels labc.npy --epochs 1 --batch 8 --out lablink.safetensors
check "... the labels kept" cmp -s lab.npy labc.npy
expect_exit2 "--out over --test-labels refused" "is the --test-labels file" \
    "$CLI" classifier train --data img.npy --labels lab.npy --test-data img.npy --test-labels labc.npy --epochs 1 --batch 8 --out labc.npy
expect_exit2 "--out with another extension refused" "--out n.npy: the file name must end in .safetensors" \
    "$CLI" classifier train --data img.npy --labels lab.npy --epochs 1 --batch 8 --out n.npy
expect_exit2 "unwritable --out refused" "/nonexistent/dir/n.safetensors" \
    "$CLI" classifier train --data img.npy --labels lab.npy --epochs 1 --batch 8 --out /nonexistent/dir/n.safetensors
check "... before any training" bash -c "! grep -q epoch '$T/err'"
check "CIFAR-10 .bin --test-data without --test-labels trains" \
    bash -c "'$CLI' classifier train --data cif.bin --test-data cif_t.bin --epochs 1 --batch 8 --out c.safetensors >out.txt 2>err.txt"
check "... and reports a test accuracy" grep -q "test accuracy 0\.\|test accuracy 1\." out.txt
expect_exit2 "an NPY --test-data still needs --test-labels" "needs --test-labels" \
    "$CLI" classifier train --data img.npy --labels lab.npy --test-data img.npy --epochs 1 --batch 8 --out n.safetensors
expect_exit2 "--test-labels alone refused" "--test-labels needs --test-data" \
    "$CLI" classifier train --data img.npy --labels lab.npy --test-labels lab.npy --epochs 1 --batch 8 --out n.safetensors
"$CLI" classifier train --data img.npy --labels lab.npy --epochs 1 --batch 8 --out n.safetensors >/dev/null 2>err.txt
check "no test set: the epoch line prints no nan accuracy" bash -c "grep -q 'epoch 1/1' err.txt && ! grep -qi 'accuracy nan' err.txt"
expect_exit2 "a negative label is named by its position" "label #2 (counting from 0) is -1" \
    "$CLI" classifier eval --net n.safetensors --data img.npy --labels badlab.npy
expect_exit2 "--batch above the image count refused (no step would run; was: 'loss nan' epochs, exit 0)" \
    "batch 64 is larger than the 40 training images" \
    "$CLI" classifier train --data img.npy --labels lab.npy --epochs 1 --batch 64 --out big.safetensors
check "... and nothing written" test ! -e big.safetensors
$PY -c "import numpy as np; np.save('lab11.npy', np.arange(40) % 12)"
expect_exit2 "a label beyond the classes is named as a value" "a label 11 is beyond the network's 10 classes (0..9)" \
    "$CLI" classifier eval --net n.safetensors --data img.npy --labels lab11.npy
# pixels in both [0, 1] and [-1, 1]: the library asks which range (naming its argument), the CLI
# names its flag (was: the library wrote "--pixels u8, 01 or pm1")
$PY -c "import numpy as np; np.save('amb.npy', (np.random.default_rng(1).random((40, 28, 28)) > 0.5).astype(np.float32))"
expect_exit2 "ambiguous pixel range: says which flag settles it" "amb.npy: pixel values in \[0, 1\] lie in both .*say which (the range: u8, 01 or pm1); say it with --pixels u8, 01 or pm1" \
    "$CLI" classifier train --data amb.npy --labels lab.npy --epochs 1 --batch 8 --out amb.safetensors
exit $fail
