#!/bin/bash
# cli_generalization.sh — `wgankit generalization` end to end at small m: the five files, the
# JSON keys, and bad input (sizes not increasing, unknown distance, m larger than a file,
# unparsable source) exiting 2 with a message naming the argument.
set -u
CLI=$1
source "$(dirname "$0")/lib_cli.sh"
"$CLI" generalization ring --sizes 40,160 --repeats 2 --distances w1,sliced,nnd --steps 30 --critic-depth 1 \
    --critic-width 16 --out "$T/g" --json >"$T/log" 2>&1
check "generalization exits 0" test $? -eq 0
for f in table.csv table.json loglog.png loglog.svg index.html; do check "writes $f" test -s "$T/g/$f"; done
check "CSV has a row per m and distance" test "$(grep -c '^' "$T/g/table.csv")" -eq 9
check "JSON has slopes" grep -q '"slopes":{"w1":' "$T/g/table.json"
check "stdout ends with the page" grep -q "index.html" "$T/log"
for i in $(seq 1 50); do echo "$i,$((i * i % 7))"; done >"$T/a.csv"
expect_exit2 "sizes not increasing" "\-\-sizes" "$CLI" generalization ring --sizes 300,100
expect_exit2 "unknown distance" "\-\-distances" "$CLI" generalization ring --distances w1,js
expect_exit2 "a repeated distance (as every list flag)" "--distances w1,nnd,w1: 'w1' given twice" "$CLI" generalization ring --distances w1,nnd,w1
expect_exit2 "m larger than a file allows" "a.csv" "$CLI" generalization "$T/a.csv" --sizes 10,30 --distances w1 --out "$T/h"
expect_exit2 "unparsable source" "gaussian:sigma=x" "$CLI" generalization gaussian:sigma=x
expect_exit2 "--repeats 0" "\-\-repeats" "$CLI" generalization ring --repeats 0
# an --out that cannot be made is refused before any work (was: everything computed, then exit 2 at the end)
expect_exit2 "generalization --out under a missing directory refused up front" "--out /nonexistent/x/o: cannot create the directory (/nonexistent/x" \
    "$CLI" generalization ring --sizes 50,100 --out /nonexistent/x/o
check "... before any work (no output, nothing computed)" bash -c "! test -s '$T/out' && test \$(wc -l < '$T/err') -eq 1"
: > "$T/afile"
expect_exit2 "generalization --out naming a file refused" "exists and is not a directory" "$CLI" generalization ring --sizes 50,100 --out "$T/afile"
exit $fail
