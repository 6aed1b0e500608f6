#!/bin/bash
# cli_readers.sh — the data-file faults of issue 18 through the CLI (`w1` and `train --data`):
# each bad input exits 2 with a message naming the file (never 139, never 1), and each input
# that reads gives the right W1. Out of memory caused by the input (a 2 GB array under a 1 GB
# address-space limit) is exit 2 naming the file too. $1: the CLI binary.
set -u
cli="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
# expect CODE FILE DESCRIPTION -- command...: exit CODE, and for 2 a message naming FILE
expect() {
    local want=$1 file=$2 what=$3
    shift 4
    "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    if [ "$got" != "$want" ]; then bad "$what: exit $got, want $want ($(head -c 200 "$tmp/err"))"; return; fi
    if [ "$want" = 2 ] && ! grep -qF -- "$file" "$tmp/err"; then bad "$what: message does not name $file: $(cat "$tmp/err")"; fi
}
expect_msg() { grep -qF -- "$1" "$tmp/err" || bad "stderr lacks '$1': $(head -c 300 "$tmp/err")"; }
# w1_is A B VALUE N: `w1 --json` exits 0 with that value and n
w1_is() {
    local out
    out=$("$cli" w1 "$1" "$2" --json 2>&1) || { bad "w1 $1 $2: exit $?: $out"; return; }
    python3 -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if abs(r['value']-float(sys.argv[2]))<1e-6 and r['n']==int(sys.argv[3]) else 1)" \
        "$out" "$3" "$4" || bad "w1 $1 $2: want value $3 with n $4, got $out"
}
TRAIN="--steps 1 --eval-every 0 --batch 8 --holdout 2 --eval-n 2 --threads 1 --progress 0"

# CSV: a typo'd first line, the heap-overflow inputs (8 bytes; 100,000 fields then 'x')
printf '1,2x\n3,4\n5,6\n' >"$tmp/typo.csv"
expect 2 typo.csv "typo first line" -- "$cli" w1 "$tmp/typo.csv" "$tmp/typo.csv"; expect_msg "line 1: '2x' is not a number"
printf '1 2 x\n3\n' >"$tmp/eight.csv"
expect 2 eight.csv "8-byte overflow input" -- "$cli" w1 "$tmp/eight.csv" "$tmp/eight.csv"
python3 -c "open('$tmp/wide.csv','w').write('1 ' * 100000 + 'x\n1\n2\n')"
expect 2 wide.csv "100,000 ones then x: w1" -- "$cli" w1 "$tmp/wide.csv" "$tmp/wide.csv"; expect_msg "line 1: 'x' is not a number"
expect 2 wide.csv "100,000 ones then x: train" -- "$cli" train $TRAIN --data "$tmp/wide.csv" --out "$tmp/r1"
# Quotes: a first line with an unterminated quote was taken as the header and lost ("file has 3");
# a quote left open later, or a stray quote inside a field, is an error naming the line too.
printf '"1,2\n3,4\n5,6\n7,8\n' >"$tmp/q1.csv"
expect 2 q1.csv "unterminated quote, line 1: draw" -- "$cli" draw "$tmp/q1.csv" -n 4 -o "$tmp/q1.npy"; expect_msg "line 1: unterminated quote"
expect 2 q1.csv "unterminated quote, line 1: w1" -- "$cli" w1 "$tmp/q1.csv" "$tmp/q1.csv"; expect_msg "line 1: unterminated quote"
printf '1,2\n3,"4\n5,6\n' >"$tmp/q2.csv"
expect 2 q2.csv "unterminated quote, line 2" -- "$cli" w1 "$tmp/q2.csv" "$tmp/q2.csv"; expect_msg "line 2: unterminated quote"
printf '1,2\n3,4"\n' >"$tmp/q3.csv"
expect 2 q3.csv "stray quote in a field" -- "$cli" w1 "$tmp/q3.csv" "$tmp/q3.csv"; expect_msg "line 2: misplaced quote"
printf '1,2\n"3"x,4\n' >"$tmp/q4.csv"
expect 2 q4.csv "text after a closing quote" -- "$cli" w1 "$tmp/q4.csv" "$tmp/q4.csv"; expect_msg "line 2: misplaced quote"
# well-formed quotes still read: a quoted header and quoted numbers
printf '"a","b"\n"0" ,1\n1,"1"\n' >"$tmp/q5.csv"; printf '0,1\n1,1\n' >"$tmp/q5b.csv"
w1_is "$tmp/q5.csv" "$tmp/q5b.csv" 0 2
# CIFAR-10 .bin through every command's array loader (w1 and critic --input parsed it as CSV:
# "line 2: ... is not a number"): 6 records equal their pixels as a float64 NPY, W1 0 with n 6,
# and the critic's values on the .bin equal those on the NPY.
/usr/bin/python3 -c "
import numpy as np
r = np.random.default_rng(0); n = 6
rec = np.zeros((n, 3073), np.uint8); rec[:, 0] = np.arange(n); rec[:, 1:] = r.integers(0, 256, (n, 3072))
rec.tofile('$tmp/c.bin'); np.save('$tmp/c.npy', rec[:, 1:].reshape(n, 3, 32, 32).astype(np.float64))
rec[:, 1:2].tofile('$tmp/short.bin')"
w1_is "$tmp/c.bin" "$tmp/c.npy" 0 6
w1_is "$tmp/c.bin" "$tmp/c.bin" 0 6
expect 2 short.bin "not whole CIFAR records: w1" -- "$cli" w1 "$tmp/short.bin" "$tmp/c.bin"; expect_msg "CIFAR-10 records"
if "$cli" train --data "$tmp/c.bin" --steps 1 --eval-every 0 --batch 2 --holdout 2 --eval-n 2 --threads 1 --progress 0 \
    --gen mlp --critic-net mlp --gen-width 8 --critic-width 8 --out "$tmp/cr" >/dev/null 2>&1; then
    "$cli" critic --checkpoint "$tmp/cr/checkpoint.safetensors" --input "$tmp/c.bin" -o "$tmp/d_bin.npy" 2>"$tmp/err" \
        || bad "critic --input c.bin: $(cat "$tmp/err")"
    "$cli" critic --checkpoint "$tmp/cr/checkpoint.safetensors" --input "$tmp/c.npy" -o "$tmp/d_npy.npy" 2>/dev/null
    cmp -s "$tmp/d_bin.npy" "$tmp/d_npy.npy" || bad "critic --input c.bin differs from the same pixels as NPY"
    # a finite float64 beyond float32's range is said to be so (FINDINGS 4: "row 0 (column 0) is Inf")
    /usr/bin/python3 -c "import numpy as np; a = np.zeros((1, 3072)); a[0, 5] = 1e300; np.save('$tmp/big.npy', a)"
    printf '0,1e300\n' >"$tmp/big.csv"
    expect 2 big.npy "1e300 float64 npy: critic" -- "$cli" critic --checkpoint "$tmp/cr/checkpoint.safetensors" \
        --input "$tmp/big.npy" -o "$tmp/d_big.npy"
    expect_msg "row 0 (column 5) is 1.0000000000000001e+300, beyond float32's range"
    expect 2 big.csv "1e300 csv: train" -- "$cli" train --data "$tmp/big.csv" --steps 1 --out "$tmp/rbig"
    expect_msg "is 1.0000000000000001e+300, beyond float32's range"
else
    bad "train --data c.bin failed"
fi
# BOM before a numeric first row: 2 points, W1 0 against the same without BOM (was n 1, 0.5)
printf '\xef\xbb\xbf1\n2\n' >"$tmp/bom.csv"; printf '1\n2\n' >"$tmp/plain.csv"
w1_is "$tmp/bom.csv" "$tmp/plain.csv" 0 2
# CR-only endings: 3 points of 2-D; against the same points moved up by 1, W1 = 1
printf '0,0\r1,0\r0,3\r' >"$tmp/cr.csv"; printf '0,1\n1,1\n0,4\n' >"$tmp/up.csv"
w1_is "$tmp/cr.csv" "$tmp/up.csv" 1 3
# a \v or \f line is blank: {1, 3} against {1, 3} is 0 with 2 points (was 3 points, 1/3)
printf '1\n\v\n3\n' >"$tmp/vt.csv"; printf '1\n\f\n3\n' >"$tmp/ff.csv"; printf '1\n3\n' >"$tmp/13.csv"
w1_is "$tmp/vt.csv" "$tmp/13.csv" 0 2
w1_is "$tmp/ff.csv" "$tmp/13.csv" 0 2

# NPY: bool (0, 7) is (0, 1): W1 to {0, 1} is 0 (was 3)
npy() { # npy FILE DICT DATA_HEX [EXTRA_SPARSE_BYTES]
    python3 -c "
import sys
h=sys.argv[2].encode(); pad=64-(10+len(h)+1)%64; h=h+b' '*pad+b'\n'
f=open(sys.argv[1],'wb'); f.write(b'\x93NUMPY\x01\x00'+len(h).to_bytes(2,'little')+h+bytes.fromhex(sys.argv[3]))
if len(sys.argv)>4: f.truncate(f.tell()+int(sys.argv[4]))" "$@"
}
npy "$tmp/b1.npy" "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 1), }" 0007
printf '0\n1\n' >"$tmp/01.csv"
w1_is "$tmp/b1.npy" "$tmp/01.csv" 0 2
npy "$tmp/ovf.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }" 0000803f
expect 2 ovf.npy "shape (2^32)^3" -- "$cli" w1 "$tmp/ovf.npy" "$tmp/01.csv"; expect_msg "shape dimension"
npy "$tmp/claim.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }" 0000803f
expect 2 claim.npy "(10^12,) over 4 bytes: w1" -- "$cli" w1 "$tmp/claim.npy" "$tmp/01.csv"; expect_msg "truncated"
expect 2 claim.npy "(10^12,) over 4 bytes: train" -- "$cli" train $TRAIN --data "$tmp/claim.npy" --out "$tmp/r2"
npy "$tmp/hole.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (1,,1), }" 0000803f
expect 2 hole.npy "shape (1,,1): an empty entry" -- "$cli" w1 "$tmp/hole.npy" "$tmp/01.csv"; expect_msg "hole.npy: NPY 'shape' is malformed"
npy "$tmp/be.npy" "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 1), }" 3f8000003f800000
expect 2 be.npy "big-endian NPY is bad input for train too" -- "$cli" train $TRAIN --data "$tmp/be.npy" --out "$tmp/r3"
# 5-D arrays are refused (and no longer leak)
npy "$tmp/five.npy" "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 1, 1, 1), }" 0102
expect 2 five.npy "5-D data" -- "$cli" train $TRAIN --data "$tmp/five.npy" --out "$tmp/r4"; expect_msg "5 dimensions"

# IDX .gz: a ~4 MB file whose header claims 4 bytes, then 4.2 GB of zeros and a corrupt end:
# "trailing bytes" at once, without inflating the rest
python3 - "$tmp/claim-idx1-ubyte.gz" <<'PY'
import gzip, sys, zlib
member = gzip.compress(bytes(1 << 20), 9)
bad = bytearray(member); bad[-8] ^= 0xff
with open(sys.argv[1], 'wb') as f:
    f.write(gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4])))
    for _ in range(4200): f.write(member)
    f.write(bad)
PY
expect 2 claim-idx1-ubyte.gz "4 MB .gz claiming 4 bytes" -- "$cli" w1 "$tmp/claim-idx1-ubyte.gz" "$tmp/01.csv"; expect_msg "trailing bytes"

# not a file
expect 2 "$tmp" "a directory" -- "$cli" w1 "$tmp" "$tmp/01.csv"

# Out of memory caused by the input: 2 GB of float32 (a sparse file) and 100,000 CIFAR records
# (1.2 GB as floats) under a 1 GB address-space limit: exit 2 naming the file, not exit 1.
# (A sanitizer build cannot start under an address-space limit: then this part is skipped.)
if ! (bash -c 'ulimit -v 1000000; exec "$@"' - "$cli" w1 "$tmp/01.csv" "$tmp/01.csv") >/dev/null 2>&1; then
    echo "cli_readers: skipping the out-of-memory checks (this binary does not run under ulimit -v)"
    [ $fails = 0 ] && echo "cli_readers: all passed" || echo "cli_readers: $fails failed"
    [ $fails = 0 ]
    exit
fi
npy "$tmp/huge.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (500000000, 1), }" "" 2000000000
expect 2 huge.npy "2 GB npy: w1" -- bash -c "ulimit -v 1000000; exec \"\$@\"" - "$cli" w1 "$tmp/huge.npy" "$tmp/01.csv"
expect_msg "too large"
expect 2 huge.npy "2 GB npy: train" -- bash -c "ulimit -v 1000000; exec \"\$@\"" - "$cli" train $TRAIN --data "$tmp/huge.npy" --out "$tmp/r5"
truncate -s $((3073 * 100000)) "$tmp/many.bin"
expect 2 many.bin "100,000 CIFAR records: train" -- bash -c "ulimit -v 1000000; exec \"\$@\"" - "$cli" train $TRAIN --data "$tmp/many.bin" --out "$tmp/r6"
expect_msg "too large"

# Rows of no values: an IDX (19 bytes) claiming 318,767,104 rows of shape [0, 8] made the data
# loader allocate gigabytes of row indices (found by fuzz_dataset); readers refuse it, naming the file
printf '\x00\x00\x08\x03\x13\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08' >"$tmp/empty-rows.idx"
expect 2 empty-rows.idx "318,767,104 rows of no values: train" -- "$cli" train $TRAIN --data "$tmp/empty-rows.idx" --out "$tmp/r7"
expect_msg "rows of no values"
expect 2 empty-rows.idx "rows of no values: w1" -- "$cli" w1 "$tmp/empty-rows.idx" "$tmp/empty-rows.idx"

# An IDX file cut inside its 4-byte magic is a truncated header, not a bad magic (its first two bytes are zero)
printf '\0\0\x08' >"$tmp/i_short.idx"
expect 2 i_short.idx "IDX of 3 bytes" -- "$cli" w1 "$tmp/i_short.idx" "$tmp/01.csv"; expect_msg "truncated IDX header (3 bytes"
printf '\0\x05\x08\x01' >"$tmp/i_magic.idx"
expect 2 i_magic.idx "IDX with a nonzero second byte" -- "$cli" w1 "$tmp/i_magic.idx" "$tmp/01.csv"; expect_msg "bad IDX magic"
# NPY headers numpy reads otherwise or refuses: a repeated key (numpy takes the last, this reader took the
# first: other numbers, silently) and an unknown key are malformed, naming the file and the key
python3 - "$tmp" <<'PY'
import struct, sys
data = struct.pack('<6d', *range(6))  # float64 [3, 2]: 0..5
for name, hdr in [('h_dup', "{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (3, 2)}"),
                  ('h_foo', "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'foo': 1}"),
                  ('h_ok', "{'shape': (3, 2), 'fortran_order': False, 'descr': '<f8', }")]:
    hdr += ' ' * ((64 - (10 + len(hdr) + 1) % 64) % 64) + '\n'
    open(f'{sys.argv[1]}/{name}.npy', 'wb').write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr.encode() + data)
PY
expect 2 h_dup.npy "NPY header with a repeated key" -- "$cli" w1 "$tmp/h_dup.npy" "$tmp/h_dup.npy"; expect_msg "gives 'descr' twice"
expect 2 h_foo.npy "NPY header with an unknown key" -- "$cli" w1 "$tmp/h_foo.npy" "$tmp/h_foo.npy"; expect_msg "unknown key 'foo'"
printf '0,1\n2,3\n4,5\n' >"$tmp/h_ok.csv"
w1_is "$tmp/h_ok.npy" "$tmp/h_ok.csv" 0 3

# CSV integers above 2^53: read exactly, or refused naming line and column (strtod rounded
# 9007199254740993 = 2^53 + 1 to 2^53 silently: two different IDs one point, w1 0 instead of 1)
printf '1,9007199254740992\n2,9007199254740992\n' >"$tmp/big_a.csv"
printf '1,9007199254740992\n2,+00009007199254740993\n' >"$tmp/big_b.csv"
expect 2 big_b.csv "an integer float64 cannot hold" -- "$cli" w1 "$tmp/big_a.csv" "$tmp/big_b.csv"
expect_msg "big_b.csv: line 2, column 2: the integer +00009007199254740993 has no exact float64 value (the nearest is 9007199254740992)"
expect 2 big_b.csv "the same in training data" -- "$cli" train $TRAIN --data "$tmp/big_b.csv" --out "$tmp/rbig"
expect_msg "line 2, column 2: the integer"
printf '0,18014398509481988\n0,-18014398509481984\n' >"$tmp/big_c.csv" # 2^54 + 4 and -2^54: exact in float64
printf '0,18014398509481984\n0,-18014398509481984\n' >"$tmp/big_d.csv"
w1_is "$tmp/big_c.csv" "$tmp/big_d.csv" 2 2 # one point moves by 4, mass 1/2
printf '1,9.007199254740993e15\n2,9007199254740992\n' >"$tmp/big_e.csv" # written as a float: rounded as floats are
w1_is "$tmp/big_a.csv" "$tmp/big_e.csv" 0 2

[ $fails = 0 ] && echo "cli_readers: all passed" || echo "cli_readers: $fails failed"
[ $fails = 0 ]
