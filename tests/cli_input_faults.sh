#!/bin/bash
# cli_input_faults.sh — faults a tester found across commands, one check per command of each kind:
# NaN/Inf in any array a command reads is bad input (exit 2) everywhere; report refuses a
# directory that is not a usable run (exit 2 naming the file, nothing written); --json prints
# exactly one JSON document on stdout; sample -n with --latent is refused; a command with two
# outputs checks both paths before writing either; an empty critic input is called empty;
# data -o FILE.csv writes the CSV that stdout gets; every array file a command reads (sample --latent,
# critic --input, metrics, w1 and its weights, data's means, classifier's images and labels) is read
# one way: missing, malformed or NaN is exit 2 with a message naming the file (and the NaN's row).
set -u
CLI=$1
source "$(dirname "$0")/lib_cli.sh"
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3  # Debian python with numpy
"$PY" - "$T" <<'PY'
import sys, numpy as np
t = sys.argv[1]
x = np.random.default_rng(0).normal(size=(200, 2)).astype(np.float32)
np.save(t + "/x.npy", x)
bad = x.copy(); bad[3, 1] = np.nan; np.save(t + "/nan.npy", bad)
inf = x.copy(); inf[5, 0] = np.inf; np.save(t + "/inf.npy", inf)
np.save(t + "/z.npy", np.zeros((7, 2), np.float32))
zn = np.zeros((7, 2), np.float32); zn[2, 0] = np.nan; np.save(t + "/znan.npy", zn)
np.save(t + "/empty.npy", np.zeros((0, 2), np.float32))
np.save(t + "/labels.npy", np.arange(200) % 2)
np.save(t + "/rec.npy", np.zeros(3, dtype=[("a", "f8"), ("b", "f8")]))  # a record array (structured dtype)
PY
# a structured dtype: said so, naming the file (FINDINGS 11d: was "NPY header has no string 'descr' field")
expect_exit2 "w1 of a structured NPY" "rec.npy: NPY descr is a list of named fields: structured dtypes are not supported" "$CLI" w1 "$T/rec.npy" "$T/x.npy"
expect_exit2 "data means= of a structured NPY" "structured dtypes are not supported" "$CLI" data gmm:means="$T/rec.npy" -n 2
"$CLI" train --gen-width 16 --critic-width 16 --batch 32 --n-critic 1 --steps 3 --eval-n 50 --holdout 50 --threads 1 \
    --latent-dim 2 --progress 0 --out "$T/run" >/dev/null 2>&1 || { echo "FAIL train"; exit 1; }
CK=$T/run/checkpoint.safetensors

# 1. NaN/Inf in an input array: exit 2 naming the file, in every command that reads arrays
for f in nan inf; do
    expect_exit2 "sample --latent $f" "znan.npy" "$CLI" sample --checkpoint "$CK" --latent "$T/znan.npy" -o "$T/s.npy"
    expect_exit2 "critic --input $f" "$f.npy" "$CLI" critic --checkpoint "$CK" --input "$T/$f.npy" -o "$T/d.npy"
    expect_exit2 "metrics --real $f" "$f.npy" "$CLI" metrics --real "$T/$f.npy" --fake "$T/x.npy" --features none
    expect_exit2 "metrics --fake $f" "$f.npy" "$CLI" metrics --real "$T/x.npy" --fake "$T/$f.npy" --features none
    expect_exit2 "w1 $f" "$f.npy" "$CLI" w1 "$T/$f.npy" "$T/x.npy"
    expect_exit2 "nnd $f" "$f.npy" "$CLI" nnd "$T/$f.npy" "$T/x.npy" --steps 2
    expect_exit2 "birthday $f" "$f.npy" "$CLI" birthday "$T/$f.npy" --batch 10 --trials 2 --threshold 0.1 --out "$T/bd"
    expect_exit2 "generalization $f" "$f.npy" "$CLI" generalization "$T/$f.npy" --sizes 10,20 --distances w1 --out "$T/gd"
    expect_exit2 "classifier train $f" "$f.npy" "$CLI" classifier train --data "$T/$f.npy" --labels "$T/labels.npy" --out "$T/net.safetensors" --epochs 1
    expect_exit2 "birthday --space critic $f" "$f.npy" "$CLI" birthday "$T/$f.npy" --batch 10 --trials 2 --threshold 0.1 --space "critic:$T/run" --out "$T/bc"
done

# 2. report: only a usable run directory; nothing written otherwise
mkdir -p "$T/empty_run" "$T/st" "$T/brace"
cp "$CK" "$T/st/a.safetensors"
printf '{' >"$T/brace/config.json"
printf '[1, 2]' >"$T/arr_cfg.json"; mkdir -p "$T/arr"; cp "$T/arr_cfg.json" "$T/arr/config.json"
expect_exit2 "report of an empty dir" "config.json" "$CLI" report "$T/empty_run"
expect_exit2 "report of a folder of .safetensors" "config.json" "$CLI" report "$T/st"
expect_exit2 "report with config.json '{'" "brace/config.json" "$CLI" report "$T/brace"
expect_exit2 "report with config.json not an object" "arr/config.json" "$CLI" report "$T/arr"
for d in empty_run st brace arr; do
    check "report wrote nothing into $d" test ! -e "$T/$d/report.html"
done
expect_exit2 "report of a file" "is not a directory" "$CLI" report "$T/x.npy"
check "report of a real run" "$CLI" report "$T/run"

# 3. --json: stdout is exactly one JSON document, for every command with --json
json_only() { "$@" 2>/dev/null | "$PY" -c 'import json, sys; json.loads(sys.stdin.read())'; }
check "birthday --json is one JSON document" json_only "$CLI" birthday "$T/x.npy" --batch 10 --trials 20 --threshold 1e-9 --out "$T/bj" --json
check "generalization --json is one JSON document" json_only "$CLI" generalization ring --sizes 10,20 --distances w1 --repeats 2 --out "$T/gj" --json
check "nnd --json is one JSON document" json_only "$CLI" nnd "$T/x.npy" ring --steps 5 --json
check "w1 --json is one JSON document" json_only "$CLI" w1 "$T/x.npy" "$T/x.npy" --json
check "metrics --json is one JSON document" json_only "$CLI" metrics --real "$T/x.npy" --fake "$T/x.npy" --features none --kid-subset-size 100 --json
"$CLI" birthday "$T/x.npy" --batch 10 --trials 20 --threshold 1e-9 --out "$T/bj2" --json 2>"$T/err" >/dev/null
check "birthday --json: the pairs path goes to stderr" grep -q "bj2/pairs.csv" "$T/err"

# 4. sample: -n with --latent is refused; critic checks both outputs before writing any
expect_exit2 "sample -n with --latent" "exclude" "$CLI" sample --checkpoint "$CK" --latent "$T/z.npy" -n 5 -o "$T/s5.npy"
check "sample -n --latent wrote nothing" test ! -e "$T/s5.npy"
check "sample --latent alone: one sample per row" "$CLI" sample --checkpoint "$CK" --latent "$T/z.npy" -o "$T/s7.npy"
check "sample --latent gives 7 rows" "$PY" -c "import numpy as np, sys; sys.exit(np.load('$T/s7.npy').shape[0] != 7)"
expect_exit2 "critic --grad unwritable" "/proc/g.npy" "$CLI" critic --checkpoint "$CK" --input "$T/x.npy" -o "$T/dd.npy" --grad /proc/g.npy
check "critic wrote no -o file before failing on --grad" test ! -e "$T/dd.npy"
expect_exit2 "metrics --save unwritable" "nodir" "$CLI" metrics --real "$T/x.npy" --fake "$T/x.npy" --features none --save-features "$T/nodir/f.npy"

# 5. an empty critic input is called empty
expect_exit2 "critic --input of 0 rows" "empty" "$CLI" critic --checkpoint "$CK" --input "$T/empty.npy" -o "$T/d0.npy"

expect_exit2 "sample --latent of 0 rows" "empty" "$CLI" sample --checkpoint "$CK" --latent "$T/empty.npy" -o "$T/s0.npy"

# 6. data -o FILE.csv: the CSV of stdout
check "data -o d.csv" "$CLI" data ring -n 10 --seed 3 -o "$T/d.csv"
"$CLI" data ring -n 10 --seed 3 >"$T/d_stdout.csv"
check "data -o d.csv equals the stdout CSV" cmp "$T/d.csv" "$T/d_stdout.csv"
check "data -o d.csv has 10 rows" test "$(wc -l <"$T/d.csv")" = 10

# 7. every user array a command reads goes through one reader (src/cli/user_array.c): a missing
# file, a malformed one and one with a NaN are all bad input (exit 2) whose message names the file
printf 'NUMPYNOT' >"$T/mal.npy"
printf '0,0\n1,2\n' >"$T/means.csv"; printf '0,0\nnan,2\n' >"$T/nanmeans.csv"; printf '0,0\n1,x\n' >"$T/malmeans.csv"
printf '0.5\n0.5\n' >"$T/w2.csv"; printf '0.5\nnan\n' >"$T/nanw.csv"; printf '0.5\n?\n' >"$T/malw.csv"
"$PY" - "$T" <<'PY'
import sys, numpy as np
t = sys.argv[1]
np.save(t + "/p2.npy", np.array([[0, 0], [1, 1]], np.float32))
im = np.zeros((4, 1, 28, 28), np.float32); np.save(t + "/im.npy", im)
im[1, 0, 2, 3] = np.nan; np.save(t + "/imnan.npy", im)
np.save(t + "/lab.npy", np.array([0, 1, 0, 1], np.int64))
np.save(t + "/labnan.npy", np.array([0, np.nan, 0, 1], np.float32))
PY
for kind in missing mal nan; do
    f=$T/$kind.npy; [ $kind = nan ] && needle="$f: row 3 (column 1) is NaN" || needle=$f
    expect_exit2 "sample --latent $kind" "$f" "$CLI" sample --checkpoint "$CK" --latent "$f" -o "$T/s.npy"
    expect_exit2 "critic --input $kind" "$needle" "$CLI" critic --checkpoint "$CK" --input "$f" -o "$T/d.npy"
    expect_exit2 "metrics --real $kind" "$needle" "$CLI" metrics --real "$f" --fake "$T/x.npy" --features none
    expect_exit2 "metrics --fake $kind" "$needle" "$CLI" metrics --real "$T/x.npy" --fake "$f" --features none
    expect_exit2 "w1 A $kind" "$needle" "$CLI" w1 "$f" "$T/x.npy"
    expect_exit2 "w1 B $kind" "$needle" "$CLI" w1 "$T/x.npy" "$f"
    expect_exit2 "classifier train --data $kind" "$f" "$CLI" classifier train --data "$f" --labels "$T/lab.npy" --out "$T/net.safetensors" --epochs 1
    expect_exit2 "classifier train --labels $kind" "$f" "$CLI" classifier train --data "$T/im.npy" --labels "$f" --out "$T/net.safetensors" --epochs 1
done
expect_exit2 "classifier train --data with a NaN pixel" "imnan.npy: row 1" "$CLI" classifier train --data "$T/imnan.npy" --labels "$T/lab.npy" --out "$T/net.safetensors" --epochs 1
expect_exit2 "classifier train --labels with a NaN" "labnan.npy: row 1" "$CLI" classifier train --data "$T/im.npy" --labels "$T/labnan.npy" --out "$T/net.safetensors" --epochs 1
for kind in missing mal nan; do
    expect_exit2 "w1 --weights-a $kind" "$T/${kind}w.csv" "$CLI" w1 "$T/p2.npy" "$T/p2.npy" --weights-a "$T/${kind}w.csv"
    expect_exit2 "data --opt means= $kind" "$T/${kind}means.csv" "$CLI" data gmm --opt k=2 --opt "means=$T/${kind}means.csv" -n 5
done
check "w1 with good weights" "$CLI" w1 "$T/p2.npy" "$T/p2.npy" --weights-a "$T/w2.csv"
check "data with a good means file" "$CLI" data gmm --opt k=2 --opt "means=$T/means.csv" -n 5 -o "$T/gm.npy"

# 8. critic --input is mapped by the scaling the run kept (train --scale auto on uint8 data: bytes,
# x / 127.5 - 1), so the data file and the same points already scaled (--scaled) give one critic
# value each (was: the raw bytes went into a critic trained on [-1, 1])
"$PY" - "$T" <<'PY'
import sys, numpy as np
t = sys.argv[1]
u = np.random.default_rng(1).integers(0, 256, size=(300, 2)).astype(np.uint8)
u[0] = [0, 255]
np.save(t + "/bytes.npy", u)
np.save(t + "/bytes_scaled.npy", (u.astype(np.float64) * (1 / 127.5) - 1).astype(np.float32))
PY
"$CLI" train --data "$T/bytes.npy" --gen-width 16 --critic-width 16 --batch 32 --n-critic 1 --steps 3 --eval-n 50 --holdout 50 \
    --threads 1 --latent-dim 2 --progress 0 --out "$T/brun" >/dev/null 2>&1 || { echo "FAIL train on bytes"; fail=1; }
check "critic --input of byte data is scaled as training scaled it" "$CLI" critic --checkpoint "$T/brun/checkpoint.safetensors" --input "$T/bytes.npy" -o "$T/db.npy"
check "critic --input --scaled of the already-scaled points" "$CLI" critic --checkpoint "$T/brun/checkpoint.safetensors" --input "$T/bytes_scaled.npy" --scaled -o "$T/ds.npy"
check "both give the same critic values" "$PY" -c "import numpy as np, sys; a, b = np.load('$T/db.npy'), np.load('$T/ds.npy'); sys.exit(not (a.shape == (300,) and np.array_equal(a, b)))"
expect_exit2 "critic --scaled without --input" "give --input" "$CLI" critic --checkpoint "$T/brun/checkpoint.safetensors" --scaled --lipschitz

# FINDINGS round 6, 4a/4b: a CSV number beyond float64 is said so with its text (not "Inf"); C hex
# floats, which strtod reads (0x10 = 16), are refused in CSV fields, flags and spec values alike
printf '0,0\n1e400,1\n' >"$T/over.csv"
expect_exit2 "CSV 1e400 overflows float64 (not Inf)" "over.csv: line 2, column 1: 1e400 overflows float64" "$CLI" w1 "$T/over.csv" "$T/over.csv"
# a 400-digit integer: the overflow message, its token cut at 64 characters and marked so
{ printf '0,0\n'; printf '9%.0s' $(seq 400); printf ',1\n'; } >"$T/huge.csv"
expect_exit2 "CSV 400-digit integer overflows, cut token marked" "huge.csv: line 2, column 1: $(printf '9%.0s' $(seq 64))... overflows float64" "$CLI" w1 "$T/huge.csv" "$T/huge.csv"
printf '0,0\n0x10,1\n' >"$T/hex.csv"
expect_exit2 "CSV hex 0x10 refused" "hex.csv: line 2, column 1: '0x10' is a hexadecimal number" "$CLI" draw "$T/hex.csv" -n 2 -o "$T/hex.npy"
printf '0,0\n1,0x1p3\n' >"$T/hex2.csv"
expect_exit2 "CSV hex 0x1p3 refused" "'0x1p3' is a hexadecimal number" "$CLI" draw "$T/hex2.csv" -n 2 -o "$T/hex2.npy"
expect_exit2 "flag value 0x1p-3 refused" "lr-g" "$CLI" train --data ring --lr-g 0x1p-3 --steps 1 --out "$T/hexrun"
expect_exit2 "spec value 0x2 refused" "radius='0x2' is not a number" "$CLI" data 'ring:radius=0x2' -n 2

# FINDINGS round 6, 4f: --config integers are read from the JSON text exactly, not through a double
echo '{"seed": 9007199254740993}' >"$T/seed53.json"
expect_exit2 "--config seed 2^53+1 shows its own digits" "seed: '9007199254740993' is not an integer in \[0, 9007199254740991\]" \
    "$CLI" train --config "$T/seed53.json" --data ring --steps 1 --out "$T/seed53"
echo '{"steps": 1.0000000000000001}' >"$T/steps1.json"
expect_exit2 "--config steps 1.0000000000000001 is not an integer" "steps1.json:1: setting 'steps': 1.0000000000000001 is not an integer" \
    "$CLI" train --config "$T/steps1.json" --data ring --out "$T/steps1"

# FINDINGS tester8 7c: a CSV field with a NUL byte is shown with the byte escaped (was "'3' is not a
# number": the text cut at the NUL showed a valid number)
printf '1,2\n3\0004\n' >"$T/nul.csv"
expect_exit2 "CSV field with a NUL byte shows it" "nul.csv: line 2: '3\\\\x004' is not a number" "$CLI" w1 "$T/nul.csv" "$T/nul.csv"
printf '1,2\n3\0014\n' >"$T/soh.csv"
expect_exit2 "CSV field with a control byte shows it" "soh.csv: line 2: '3\\\\x014' is not a number" "$CLI" data gmm:means="$T/soh.csv" -n 2
# 7d: a source's failure is said once: "SOURCE: FILE: ...", not "SOURCE: source 'FILE': FILE: ..."
head -c 6151 /dev/zero >"$T/c_bad.bin"
for cmd in "draw $T/c_bad.bin -n 2 -o $T/cb.npy" "generalization $T/c_bad.bin --sizes 2,3 --out $T/cbg" \
           "birthday $T/c_bad.bin --batch 2 --threshold 0.1" "nnd $T/c_bad.bin ring -m 10"; do
    expect_exit2 "${cmd%% *}: a bad source file named once" ": $T/c_bad.bin: 6151 bytes" "$CLI" $cmd
    check "${cmd%% *}: no \"source '...'\" before the file's own name" test "$(grep -c "source '" "$T/err")" = 0
done
expect_exit2 "draw: a bad target source named once" "SOURCE: ring:k=0: ring: k='0' is not an integer" "$CLI" draw ring:k=0 -n 2 -o "$T/rk.npy"
check "draw: no \"source '...'\" nor \"--data\" before a target's spec" test "$(grep -c -e "source '" -e "--data" "$T/err")" = 0
# 7e: [N, C, H, W] with C = 2 says the channel count is the fault (was "cannot use an array of 4 dimensions")
"$PY" -c "import numpy as np, sys; np.save(sys.argv[1], np.zeros((50, 2, 8, 8), np.uint8))" "$T/im_2ch.npy"
for cmd in "draw $T/im_2ch.npy -n 2 -o $T/i2.npy" "train --data $T/im_2ch.npy --steps 1 --out $T/i2run"; do
    expect_exit2 "${cmd%% *}: 2 channels" "im_2ch.npy: images shaped \[50, 2, 8, 8\] have 2 channels: only 1 (grey) or 3 (colour)" "$CLI" $cmd
done

[ $fail = 0 ] && echo "cli_input_faults: all passed"
exit $fail
