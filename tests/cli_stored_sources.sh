#!/bin/bash
# cli_stored_sources.sh — files compared as stored, pipes, and messages naming the file
# (tester7's findings 2, 4, 6 and 8c of 2026-11-30):
#   spread   a float64 file that float32 collapses (600 points N(0,1)·1e-50: every value 0 in float32)
#            is refused by nnd, generalization and draw as `train --data` refuses it (exit 2; birthday measures the float64 rows,
#            naming the file and column); was: nnd_heldout 0, w1 0, birthday "every batch holds a
#            duplicate" (rc 0). w1 (float64 throughout) still measures it: 4.2158013e-50.
#   exact64  birthday's closest pairs are exact for the file as stored: bp.npy (30 points N(0,100)+1e3
#            in 4-D, two pairs 5e-10 and 1e-9 apart) has its closest distance 4.9997e-10 (scipy pdist),
#            no duplicate at --threshold 1e-12; was: 0, 0, 0 and "duplicates 3 of 3".
#   pipes    a pipe without a .csv/.npy name (<(cat A.csv), /dev/stdin) is read once and works, for
#            w1, metrics, nnd, draw and train --data; was: "no numeric rows (empty file?)"/"file is empty".
#   names    critic --input, eval --data and sample --latent of another dimension name the file and the
#            flag; metrics --real/--fake of different widths is refused naming both (was: a number).
#   weights  a weights file must be a vector ([n], [n, 1], [1, n]): a [25, 2] array is refused naming
#            the file and its shape (was: taken as 50 weights, row-major).
set -u
source "$(dirname "$0")/lib_cli.sh"
in_tmp "$1"
close() { awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= r * (b < 0 ? -b : b)) }'; }
"$PY" - <<'PY'
import numpy as np
r = np.random.default_rng(0); np.save("tiny50.npy", r.normal(size=(600, 2)) * 1e-50)
r = np.random.default_rng(1); np.save("tiny50b.npy", r.normal(size=(600, 2)) * 1e-50 + 3e-50)
r = np.random.default_rng(2)
bp = r.normal(size=(30, 4)) * 100 + 1e3
bp[6] = bp[1] + np.array([5e-10, 0, 0, 0]); bp[24] = bp[14] + np.array([0, 1e-9, 0, 0])
np.save("bp.npy", bp)
from scipy.spatial.distance import pdist
open("bp.min", "w").write("%.17g\n" % pdist(bp).min())
a = r.normal(size=(50, 2)); b = r.normal(size=(60, 2)) + 1
np.save("A.npy", a); np.save("B.npy", b)
np.savetxt("A.csv", a, delimiter=","); np.savetxt("B.csv", b, delimiter=",")
np.save("X3.npy", r.normal(size=(80, 3)))
np.save("w2d.npy", np.full((25, 2), 1 / 50)); np.save("w50.npy", np.full(50, 1 / 50))
np.save("wcol.npy", np.full((50, 1), 1 / 50)); np.save("wrow.npy", np.full((1, 50), 1 / 50))
PY

# --- spread: a file float32 collapses is refused wherever it is used as stored ------------------
got=$("$CLI" w1 tiny50.npy tiny50b.npy)
check "w1 in float64 still measures the 1e-50 clouds ($got)" close "$got" 4.21580130605e-50 1e-9
expect_exit2 "nnd refuses a file float32 collapses, naming file and column" "tiny50.npy: column 0 spans .*used as stored" \
    "$CLI" nnd tiny50.npy tiny50b.npy --steps 5 --w1
expect_exit2 "nnd: the second file alike" "tiny50b.npy: column 0 spans" "$CLI" nnd ring tiny50b.npy --steps 5
expect_exit2 "generalization refuses it" "tiny50.npy: column 0 spans" "$CLI" generalization tiny50.npy --sizes 50,100 --distances w1 --out g
check "generalization wrote no table" test ! -e g/table.json
# birthday measures on the file's float64 rows: no refusal, and no duplicate among 600 distinct
# points (was: every batch a duplicate; then, for a while, refused though measured in float64)
got=$("$CLI" birthday tiny50.npy --batch 20 --trials 20 --threshold 1e-60 --out bt --json 2>/dev/null)
check "birthday measures it in float64: no duplicate ($got)" "$PY" -c "import json,sys; sys.exit(json.loads(sys.argv[1])['duplicates'] != 0)" "$got"
"$PY" -c "
import numpy as np; r = np.random.default_rng(0)
np.save('lat2.npy', np.c_[45 + r.uniform(0, 1e-3, 300), 7 + r.uniform(0, 1e-3, 300)])"
check "birthday on GPS-like float64 points (45.000..45.001): measured, not refused" \
    "$CLI" birthday lat2.npy --batch 20 --threshold 1e-9 --out blat --json
expect_exit2 "birthday --reference alike" "tiny50b.npy: column 0 spans" \
    "$CLI" birthday A.npy --batch 20 --trials 3 --reference tiny50b.npy --out bt2 --json
expect_exit2 "draw refuses it" "tiny50.npy: column 0 spans" "$CLI" draw tiny50.npy -n 5 -o d.npy

# --- exact64: birthday's closest pairs from the float64 rows ------------------------------------
want=$(cat bp.min)
"$CLI" birthday bp.npy --batch 30 --trials 3 --threshold 1e-12 --out bpo --json >bp.json 2>bp.err
c1=$(awk -F, 'NR == 2 { print $2 }' bpo/closest.csv)
check "birthday closest distance of bp.npy = scipy pdist min ($c1 vs $want)" close "$c1" "$want" 1e-6
check "no duplicate at threshold 1e-12 (was 3 of 3): $(head -c 300 bp.json)" grep -q '"duplicates":0' bp.json

# --- pipes: read once, whatever the name ----------------------------------------------------------
ref=$("$CLI" w1 A.csv B.csv)
got=$("$CLI" w1 <(cat A.csv) B.csv 2>&1)
check "w1 <(cat A.csv) ($got = $ref)" test "$got" = "$ref"
got=$("$CLI" w1 <(cat A.npy) B.npy 2>&1)
check "w1 <(cat A.npy) ($got = $ref)" test "$got" = "$ref"
got=$(cat A.csv | "$CLI" w1 /dev/stdin B.csv 2>&1)
check "w1 /dev/stdin ($got = $ref)" test "$got" = "$ref"
got=$(gzip -c A.npy | "$CLI" w1 /dev/stdin B.npy 2>&1)
check "w1 of a gzip pipe ($got = $ref)" test "$got" = "$ref"
m1=$("$CLI" metrics --real A.csv --fake B.csv --features none --metrics fd --json 2>&1)
m2=$("$CLI" metrics --real <(cat A.csv) --fake B.csv --features none --metrics fd --json 2>&1)
check "metrics --real <(cat A.csv) ($m2)" test "$m1" = "$m2"
check "nnd <(cat A.csv) B.csv runs" bash -c "'$CLI' nnd <(cat A.csv) B.csv --steps 5 --json >/dev/null"
check "draw <(cat A.npy) runs" bash -c "'$CLI' draw <(cat A.npy) -n 5 -o p.npy >/dev/null && test -s p.npy"
check "train --data /dev/stdin runs" bash -c "cat A.csv | '$CLI' train --data /dev/stdin --steps 2 --eval-every 0 --holdout 10 --gen-width 8 --critic-width 8 --batch 8 --threads 1 --progress 0 --out tp >/dev/null"

# --- names: critic --input / eval --data of another dimension ------------------------------------
"$CLI" train --data A.npy --latent-dim 4 --steps 2 --eval-every 0 --holdout 10 --gen-width 8 --critic-width 8 --batch 8 --threads 1 --progress 0 --out r2 >/dev/null 2>&1
expect_exit2 "critic --input names the file and flag" "X3.npy: samples shaped \[80, 3\], the run's networks take samples of shape 2 (--input)" \
    "$CLI" critic --checkpoint r2/checkpoint.safetensors --input X3.npy -o c.npy
expect_exit2 "eval --data names the file and flag" "X3.npy: samples shaped \[80, 3\], the run's networks take samples of shape 2 (--data)" \
    "$CLI" eval --checkpoint r2/checkpoint.safetensors --data X3.npy --eval-n 20 --holdout 20

expect_exit2 "sample --latent of another width names the file and flag" "\-\-latent X3.npy: latent codes must be" \
    "$CLI" sample --checkpoint r2/checkpoint.safetensors --latent X3.npy -o s.npy
"$PY" -c "import numpy as np; np.save('z50.npy', np.random.default_rng(3).normal(size=(20, 4)) * 1e-50); np.save('x50.npy', np.random.default_rng(4).normal(size=(20, 2)) * 1e-50)"
expect_exit2 "sample --latent of 1e-50 codes (all 0 in float32) is refused naming file and column" "z50.npy: column 0 spans" \
    "$CLI" sample --checkpoint r2/checkpoint.safetensors --latent z50.npy -o s.npy
expect_exit2 "critic --input --scaled of 1e-50 points is refused alike" "x50.npy: column 0 spans" \
    "$CLI" critic --checkpoint r2/checkpoint.safetensors --input x50.npy --scaled -o c.npy

expect_exit2 "metrics --features none of 3-D real and 2-D fake names both files (was: a number, rc 0)" "\-\-fake A.npy: samples of 2 values, but --real X3.npy has samples of 3" \
    "$CLI" metrics --real X3.npy --fake A.npy --features none --metrics fd

# --- weights: a vector only -------------------------------------------------------------------------
expect_exit2 "w1 --weights-a [25, 2] refused naming file and shape" "w2d.npy: an array shaped \[25, 2\] is not a vector" \
    "$CLI" w1 A.npy B.npy --weights-a w2d.npy
expect_exit2 "w1 --weights-b alike" "w2d.npy: an array shaped" "$CLI" w1 B.npy A.npy --weights-b w2d.npy
u=$("$CLI" w1 A.npy B.npy)
for w in w50 wcol wrow; do
    got=$("$CLI" w1 A.npy B.npy --weights-a $w.npy 2>&1)
    check "--weights-a $w.npy (a vector) = uniform ($got vs $u)" close "$got" "$u" 1e-12
done
# a named FIFO is read as it comes, once an open (review of the pipe copies): two writers give two
# clouds; a copy kept by the FIFO's inode handed the first writer's bytes to both opens (W1 0)
"$PY" -c "
import numpy as np; r = np.random.default_rng(5)
np.savetxt('P1.csv', r.normal(size=(40, 2)), delimiter=','); np.savetxt('P2.csv', r.normal(size=(50, 2)) + 70, delimiter=',')"
mkfifo ff.csv
want=$("$CLI" w1 P1.csv P2.csv)
# (the second writer waits until the first's data were read to their end: a writer that opens
# while the reader still holds the FIFO adds its bytes to the same stream)
( cat P1.csv > ff.csv; sleep 3; cat P2.csv > ff.csv ) 2>/dev/null &
got=$(timeout 60 "$CLI" w1 ff.csv ff.csv 2>&1)
check "named FIFO fed by two writers: W1 of the two clouds ($got, want $want)" test "$got" = "$want"
kill %1 2>/dev/null
wait
exit $fail
