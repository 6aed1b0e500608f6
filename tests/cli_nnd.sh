#!/bin/bash
# cli_nnd.sh — sources and `wgankit nnd` end to end: draw from each kind of source (file,
# target, gen:RUN_DIR), the --json keys of nnd, --w1, a generator source, and bad input
# (source that does not parse, different dimensions, m larger than a file, bad flags) exiting 2
# with a message naming the argument.
set -u
CLI=$1
source "$(dirname "$0")/lib_cli.sh"
for i in $(seq 0 39); do echo "$((i % 7)),$((i % 5))"; done >"$T/a.csv"

check "draw from a file" "$CLI" draw "$T/a.csv" -n 40 -o "$T/d.npy"
check "draw from a target" "$CLI" draw gaussian:dim=64,sigma=0.125 -n 10 -o "$T/g.npy"
expect_exit2 "draw more distinct rows than the file has" "a.csv" "$CLI" draw "$T/a.csv" -n 41 -o "$T/d.npy"
expect_exit2 "unparsable source" "ring:bogus=1" "$CLI" draw ring:bogus=1 -o "$T/d.npy"

json=$("$CLI" nnd "$T/a.csv" ring --steps 30 --repeats 2 --w1 --json)
for k in nnd_train nnd_heldout se repeats m steps stopped critic w1; do
    check "nnd --json has \"$k\"" grep -q "\"$k\":" <<<"$json"
done
check "nnd: m defaults to every row of a file" grep -q '"m":40' <<<"$json"
check "nnd: critic class in the JSON" grep -q '"critic":{"critic":"bjorck"' <<<"$json"
out=$("$CLI" nnd ring ring -m 200 --steps 20 --critic spectral --critic-depth 1 --critic-width 16 --phi log)
check "nnd text output names how it stopped" grep -q "stopped:" <<<"$out"

"$CLI" train --gen-width 16 --critic-width 16 --batch 32 --n-critic 1 --steps 3 --eval-n 50 --holdout 50 --threads 1 \
    --progress 0 --out "$T/run" >/dev/null 2>&1
check "draw from gen:RUN_DIR" "$CLI" draw "gen:$T/run" -n 20 -o "$T/gen.npy"
check "nnd between a generator and its target" "$CLI" nnd "gen:$T/run" ring -m 100 --steps 10 --json

# units: a run trained on byte values (0..255 integers: --scale auto maps x / 127.5 - 1) against its
# generator. The file is mapped into the run's units as training mapped it (it compared 0..255 with
# [-1, 1]: W1 2,864 for a run whose own W1 was 23); data:RUN is the same rows already in those units,
# so with the run's default seed (the same row order) both give the same numbers
/usr/bin/python3 -c "
import sys, numpy as np; rng = np.random.default_rng(4)
np.save(sys.argv[1], rng.integers(0, 256, (300, 2)).astype(np.uint8))" "$T/bytes.npy"
"$CLI" train --data "$T/bytes.npy" --gen-width 16 --critic-width 16 --batch 32 --n-critic 1 --steps 3 --eval-n 50 --holdout 50 \
    --threads 1 --progress 0 --out "$T/brun" >/dev/null 2>&1
"$CLI" draw "data:$T/brun" -n 300 -o "$T/bdata.npy" >/dev/null
check "draw data:RUN: every row of the run's data in its units (numpy: x / 127.5 - 1)" /usr/bin/python3 -c "
import sys, numpy as np
a = np.load(sys.argv[1]).astype(np.float64); b = np.load(sys.argv[2]).astype(np.float64) / 127.5 - 1
key = lambda x: x[np.lexsort(x.T[::-1])]
sys.exit(0 if a.shape == b.shape and np.abs(key(a) - key(b)).max() < 1e-6 else 1)" "$T/bdata.npy" "$T/bytes.npy"
jf=$("$CLI" nnd "$T/bytes.npy" "gen:$T/brun" -m 200 --steps 5 --w1 --json 2>"$T/note")
jd=$("$CLI" nnd "data:$T/brun" "gen:$T/brun" -m 200 --steps 5 --w1 --json)
check "nnd FILE gen:RUN = nnd data:RUN gen:RUN (the file in the run's units; W1 below 2*sqrt(2)): $jf" /usr/bin/python3 -c "
import json, sys; a = json.loads(sys.argv[1]); b = json.loads(sys.argv[2])
sys.exit(0 if a['w1'] == b['w1'] and a['nnd_heldout'] == b['nnd_heldout'] and a['w1'] < 2.83 else 1)" "$jf" "$jd"
check "nnd says how the file was scaled" grep -q "bytes.npy scaled into the run's units.*x \* 0.00784313725 -1" "$T/note"
expect_exit2 "nnd: source that does not parse names it" "gaussian:dimm=3" "$CLI" nnd gaussian:dimm=3 ring
expect_exit2 "nnd: samples of different dimension" "different dimension" "$CLI" nnd ring gaussian:dim=3 --steps 5
expect_exit2 "nnd: m larger than a file" "-m 50" "$CLI" nnd "$T/a.csv" ring -m 50
expect_exit2 "nnd: -m 1" "\-m" "$CLI" nnd ring ring -m 1
expect_exit2 "nnd: --repeats 0" "\-\-repeats" "$CLI" nnd ring ring --repeats 0
expect_exit2 "nnd: unknown --phi" "\-\-phi" "$CLI" nnd ring ring --phi sqrt
expect_exit2 "nnd: a generator setting is not an nnd flag" "\-\-gen-depth" "$CLI" nnd ring ring --gen-depth 2
expect_exit2 "nnd: bad critic class" "\-\-critic" "$CLI" nnd ring ring --critic bogus
expect_exit2 "nnd: missing file" "nope.npy" "$CLI" nnd "$T/nope.npy" ring
expect_exit2 "nnd: missing run directory" "gen:$T/norun" "$CLI" nnd "gen:$T/norun" ring
expect_exit2 "nnd: one source" "two sources" "$CLI" nnd ring
exit $fail
