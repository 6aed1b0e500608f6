#!/bin/bash
# cli_memory_claims.sh — inputs larger than this process's memory are bad input (exit 2, naming
# the file and the claim), refused BEFORE allocating or inflating (finding 3: a 3 MB .idx.gz of
# 4,000,000 x 28 x 28 drove `w1` to 24 GB until the OOM killer ended it; 11g: `data -n` of
# 400 TB was exit 1). Every command runs under `ulimit -v` so that a regression fails here
# instead of taking the machine's memory. $1: the CLI binary.
source "$(dirname "$0")/lib_cli.sh"
PYPKG=$(realpath "$(dirname "$0")/../python") # the Python package, before in_tmp leaves the caller's directory
in_tmp "$1"
quiet() { "$@" >/dev/null; }
# run under an address-space limit (KB)
lim() { local kb=$1; shift; bash -c 'ulimit -v "$0"; exec "$@"' "$kb" "$@"; }
if ! lim 4000000 "$CLI" data ring -n 2 >/dev/null 2>&1; then
    echo "cli_memory_claims: skipped (this binary does not run under ulimit -v, e.g. a sanitizer build)"
    exit 0
fi
# python printing the max resident KB of the command in its arguments (the kernel's count)
MAXRSS='import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)'

"$PY" - <<'PY'
import gzip, struct
# tiny files whose headers claim ~1 TB: IDX and NPY, gzip'd (a plain file's length shows the
# claim false without reading it: that is a truncated file) ...
idx = struct.pack('>HBB', 0, 8, 2) + struct.pack('>II', 1000000000, 1000) + bytes(1000)
open('claim.idx', 'wb').write(idx)
open('claim.idx.gz', 'wb').write(gzip.compress(idx))
h = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 2), }"
h += ' ' * (117 - len(h)) + '\n'
npy = b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode() + bytes(800)
open('claim.npy', 'wb').write(npy)
open('claim.npy.gz', 'wb').write(gzip.compress(npy))
# ... and plain files that hold what they claim, sparse (no disk used): 300,000 x 784 bytes
with open('valid.idx', 'wb') as f:
    f.write(struct.pack('>HBB', 0, 8, 2) + struct.pack('>II', 300000, 784))
    f.truncate(12 + 784 * 300000)
h = "{'descr': '|u1', 'fortran_order': False, 'shape': (300000, 784), }"
h += ' ' * (117 - len(h)) + '\n'
with open('valid.npy', 'wb') as f:
    f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode())
    f.truncate(128 + 784 * 300000)
# a VALID gzip'd IDX: 300,000 x 784 zero bytes (235 MB of pixels, 1.9 GB as float64) in 230 kB
with gzip.open('valid.idx.gz', 'wb') as f:
    f.write(struct.pack('>HBB', 0, 8, 2) + struct.pack('>II', 300000, 784))
    f.write(bytes(784 * 300000))
PY

for f in claim.idx claim.npy; do
    expect_exit2 "$f (header claims ~1 TB, file of ~1 kB): exit 2, a truncated file" "^wgankit w1: $f: .*truncated" \
        lim 4000000 "$CLI" w1 "$f" "$f"
done
for f in claim.idx.gz claim.npy.gz; do
    expect_exit2 "$f (header claims ~1 TB): w1 exit 2 naming the file" "^wgankit w1: $f: the .* header's shape" \
        lim 4000000 "$CLI" w1 "$f" "$f"
    check "$f: the message says the bytes needed and that it is too large" \
        grep -q "needs [0-9]* bytes in memory, more than this process may use.*too large for this machine" "$T/err"
    [ $f = claim.idx.gz ] && check "$f: the message names the rows the header claims" \
        grep -q "(1000000000, 1000) of 1000000000 rows" "$T/err"
    expect_exit2 "$f: train --data exit 2 naming the file" "$f: the .* header's shape" \
        lim 4000000 "$CLI" train --data "$f" --steps 1 --out run_$f
    # the file is what to change: no advice to raise a memory limit or shrink the run (a review:
    # the readers' WK_ENOFIT brought train's run-does-not-fit line with it)
    check "$f: train's message does not blame a memory limit" sh -c "! grep -q 'does not fit this memory limit' '$T/err'"
done
# a gmm means file too large for memory: MemoryError in Python, as any input's (README)
PYTHONPATH="$PYPKG" "$PY" -c "
import wgankit
try:
    wgankit.data('gmm:means=claim.npy.gz', 5)
except MemoryError:
    pass
else:
    raise SystemExit('no MemoryError')
" > "$T/out" 2> "$T/err" && check "gmm:means=claim.npy.gz: Python raises MemoryError" true \
    || check "gmm:means=claim.npy.gz: Python raises MemoryError ($(tail -1 "$T/err"))" false

# the valid .gz needs 2.1 GB in w1's float64 path: under a 1.5 GB limit it is refused from its
# header, before inflating (the resident peak stays far below its 235 MB of pixels)
for f in valid.idx.gz valid.idx valid.npy; do
    kind=IDX; [ $f = valid.npy ] && kind=NPY
    expect_exit2 "$f, 235 MB of pixels, 2.1 GB in w1: exit 2 naming the file" "^wgankit w1: $f: the $kind header's shape (300000, 784)" \
        lim 1500000 "$CLI" w1 $f $f
    rss=$(lim 1500000 "$PY" -c "$MAXRSS" "$CLI" w1 $f $f)
    check "$f: refused without reading or inflating it (peak ${rss} KB < 100000 KB)" test "$rss" -lt 100000
done

# images are read to float32 only, from their first value on (was: the first file of images read
# with a float64 copy too, 8 more bytes a value at the peak, then dropped): 5,000 x 28 x 28 float32
# pixels (15.7 MB) drawn from peak 53 MB (42.8 MB over a bare command's) before, 23 MB (12 MB) now
"$PY" -c "
import numpy as np
np.save('img32.npy', np.random.default_rng(0).integers(0, 256, size=(5000, 28, 28)).astype(np.float32))"
base=$("$PY" -c "$MAXRSS" "$CLI" data ring -n 2)
peak=$("$PY" -c "$MAXRSS" "$CLI" draw img32.npy -n 10 -o drawn.npy)
check "draw of 15.7 MB of float32 images: peak $peak KB, $((peak - base)) KB over a bare command's, under 1.5x the file (23,000 KB)" \
    test $((peak - base)) -lt 23000
check "... and drew its 10 images" "$PY" -c "import numpy as np, sys; sys.exit(np.load('drawn.npy').shape != (10, 1, 28, 28))"

# 11g: a synthetic request beyond memory names -n and the spec (exit 2, not 1 "out of memory")
expect_exit2 "data gaussian:dim=1000000 -n 100000000 -o d.npy: exit 2" \
    "^wgankit data: gaussian:dim=1000000: -n 100000000 samples of 1000000 values needs 400000000000000 bytes" \
    lim 4000000 "$CLI" data gaussian:dim=1000000 -n 100000000 -o d.npy
check "no d.npy written" test ! -e d.npy
expect_exit2 "the same as CSV on stdout: exit 2" "gaussian:dim=1000000: -n 100000000 samples" \
    lim 4000000 "$CLI" data gaussian:dim=1000000 -n 100000000
expect_exit2 "train --data gaussian:dim=1000 --data-n 100000000: exit 2 naming --data-n" \
    "gaussian:dim=1000: --data-n 100000000 samples of 1000 values needs" \
    lim 4000000 "$CLI" train --data gaussian:dim=1000 --data-n 100000000 --holdout 10 --steps 1 --out run_n
check "... the library's line names the setting data_n=, the CLI's line the flag (was: the library wrote --data-n)" \
    bash -c "grep -q '^wgankit train: gaussian:dim=1000: data_n=100000000 samples' '$T/err' &&
             grep -q '^wgankit train: with flags: gaussian:dim=1000: --data-n 100000000 samples' '$T/err'"
# what fits still works under the same limit
check "data gaussian:dim=1000 -n 1000 -o ok.npy under the limit" quiet lim 4000000 "$CLI" data gaussian:dim=1000 -n 1000 -o ok.npy
check "w1 of it under the limit" quiet lim 4000000 "$CLI" w1 ok.npy ok.npy
exit $fail
