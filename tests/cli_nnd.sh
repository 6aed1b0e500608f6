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
