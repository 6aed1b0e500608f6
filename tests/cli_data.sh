#!/bin/bash
# cli_data.sh — `wgankit data` and `wgankit report`: outputs written and valid, bad usage and
# bad input exit 2 with a message, a missing run directory is reported. $1: the CLI binary.
set -u
cli="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
expect() { # expect CODE DESCRIPTION -- command...
    local want=$1 what=$2
    shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL: $what: exit $got, want $want"; cat "$tmp/err"; fails=$((fails + 1))
    fi
}
expect_msg() { # the last command's stderr must contain $1
    grep -q -- "$1" "$tmp/err" || { echo "FAIL: stderr lacks '$1':"; cat "$tmp/err"; fails=$((fails + 1)); }
}

expect 0 "data --help" -- "$cli" data --help
grep -q "swissroll" "$tmp/out" || { echo "FAIL: help lists targets"; fails=$((fails + 1)); }
expect 0 "report --help" -- "$cli" report --help
expect 0 "ring to npy" -- "$cli" data ring -n 100 -o "$tmp/ring.npy" --seed 3
[ "$(head -c 6 "$tmp/ring.npy" | tail -c 5)" = "NUMPY" ] || { echo "FAIL: npy magic"; fails=$((fails + 1)); }
[ "$(stat -c %s "$tmp/ring.npy")" = $((128 + 100 * 2 * 4)) ] || { echo "FAIL: npy size"; fails=$((fails + 1)); }
expect 0 "grid to png" -- "$cli" data grid -n 500 -o "$tmp/grid.png"
[ "$(head -c 4 "$tmp/grid.png" | tail -c 3)" = "PNG" ] || { echo "FAIL: png magic"; fails=$((fails + 1)); }
expect 0 "csv to stdout" -- "$cli" data gaussian -n 5 --opt dim=3 --opt sigma=2
[ "$(wc -l <"$tmp/out")" = 5 ] && [ "$(head -1 "$tmp/out" | tr ',' '\n' | wc -l)" = 3 ] || { echo "FAIL: csv 5x3"; fails=$((fails + 1)); }
"$cli" data ring -n 50 --seed 9 >"$tmp/a"; "$cli" data ring -n 50 --seed 9 >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || { echo "FAIL: same seed, same output"; fails=$((fails + 1)); }

expect 2 "no target" -- "$cli" data
expect 2 "unknown target" -- "$cli" data moons; expect_msg "unknown target 'moons'"
expect 2 "unknown flag" -- "$cli" data ring --bogus; expect_msg "unknown flag '--bogus'"
expect 2 "bad -n" -- "$cli" data ring -n abc; expect_msg "\-n: 'abc'"
expect 2 "-n 0" -- "$cli" data ring -n 0
expect 2 "missing value" -- "$cli" data ring --seed; expect_msg "needs a value"
expect 2 "bad option key" -- "$cli" data ring --opt colour=red; expect_msg "unknown option 'colour'"
expect 2 "bad option value" -- "$cli" data ring --opt k=-1; expect_msg "k='-1'"
expect 2 "bad extension" -- "$cli" data ring -o "$tmp/x.txt"; expect_msg "must end in .npy, .csv or .png"
expect 2 "png of 3-D" -- "$cli" data gaussian --opt dim=3 -o "$tmp/g.png"; expect_msg "needs 2-D"
expect 2 "missing means file" -- "$cli" data gmm --opt means="$tmp/none.csv"; expect_msg "none.csv"
expect 2 "unwritable output (as sample -o)" -- "$cli" data ring -o /nonexistent_dir/x.npy; expect_msg "/nonexistent_dir/x.npy"
expect 2 "unwritable png output" -- "$cli" data ring -o /nonexistent_dir/x.png; expect_msg "/nonexistent_dir/x.png"

# report: missing dir, empty dir, full dir
expect 2 "report without dir" -- "$cli" report
expect 2 "report of missing dir" -- "$cli" report "$tmp/nope"; expect_msg "does not exist"
mkdir "$tmp/run"
expect 2 "report of empty dir (no config.json: not a run)" -- "$cli" report "$tmp/run"; expect_msg "config.json"
[ -e "$tmp/run/report.html" ] && { echo "FAIL: report of an empty dir wrote report.html"; fails=$((fails + 1)); }
printf '{"dataset": "ring", "lr": 0.0001, "model": {"hidden": 512}}\n' >"$tmp/run/config.json"
printf '{"step": 0, "loss_d": 1.5, "loss_g": -0.5, "w_estimate": 2}\n{"step": 100, "loss_d": 0.5, "loss_g": -0.1, "w_estimate": 1}\n{"step": 2' >"$tmp/run/metrics.jsonl"
cp "$tmp/grid.png" "$tmp/run/samples_000100.png"
expect 0 "full report" -- "$cli" report "$tmp/run"
r="$tmp/run/report.html"
for want in "model.hidden" "<svg" ">Losses</text>" "generator loss (loss_g)</text>" ">w_estimate</text>" "data:image/png;base64,iVBOR" "1 of 3 lines"; do
    grep -q -- "$want" "$r" || { echo "FAIL: report lacks '$want'"; fails=$((fails + 1)); }
done

[ $fails = 0 ] && echo "cli_data: all passed" || echo "cli_data: $fails failed"
[ $fails = 0 ]
