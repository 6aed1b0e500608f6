#!/usr/bin/env bash
# cli_sweep.sh — `wgankit sweep`: a 2x2 grid of short runs (results, plots, report); --jobs 1 and
# --jobs 2 give the same results.csv apart from the time columns; a kill -9 of the sweep mid-run
# leaves no child behind and a rerun resumes to the same results.csv as an uninterrupted sweep;
# a diverging point is recorded as failed with its step while the others finish; and every
# refusal (exit 2, nothing run) names the flag, key or value.
W=${1:-build/wgankit}
source "$(dirname "$0")/lib_cli.sh"

# Small and quick, with checkpoints every 25 steps so that a kill lands between checkpoints.
SET=(--steps 150 --eval-every 50 --checkpoint-every 25 --batch 64 --eval-n 256 --holdout 256 --gen-width 32 --critic-width 32)
GRID=(--grid gen_depth=1,2 --grid critic-depth=1,2 --seeds 0)

# results.csv without the time columns (time_s, speed_it_s, wall_s), found by name
strip_time() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) drop[i] = ($i == "time_s" || $i == "speed_it_s" || $i == "wall_s") }
             { s = ""; for (i = 1; i <= NF; i++) if (!drop[i]) s = s $i ","; print s }' "$1"
}

# ---- the 2x2 grid, two points at once --------------------------------------------------------
"$W" sweep "${GRID[@]}" "${SET[@]}" --jobs 2 --out "$T/a" >"$T/a.out" 2>"$T/a.err"
check "2x2 sweep exits 0" [ $? -eq 0 ]
check "4 runs, each with its own report" [ "$(ls "$T"/a/runs/*/report.html 2>/dev/null | wc -l)" -eq 4 ]
check "results.csv: header + 4 rows in plan order" [ "$(cut -d, -f1 "$T/a/results.csv" | tr '\n' ' ')" = "index 0 1 2 3 " ]
check "results.csv: settings, seed, status and metrics columns" \
    grep -q '^index,point,gen_depth,critic_depth,steps,eval_every,checkpoint_every,batch,eval_n,holdout,gen_width,critic_width,seed,status,failed_step,step,w1,' "$T/a/results.csv"
check "every point done" [ "$(grep -c ',done,' "$T/a/results.csv")" -eq 4 ]
check "results.jsonl: 4 objects" [ "$(grep -c '"status":"done"' "$T/a/results.jsonl")" -eq 4 ]
check "summary counts the points" grep -q '4 points: 4 done, 0 failed' "$T/a.out"
check "point names are stable" [ -d "$T/a/runs/p0002_gen_depth=2_critic_depth=1_seed=0" ]
for f in plot-w1-heatmap.png plot-w1-heatmap.svg plot-w1-lines.png plot-w1-lines.svg report.html sweep.json; do
    check "writes $f" [ -s "$T/a/$f" ]
done
# the plots are the plot module's charts: cells named by both keys, a line per second-key value
# over whole-number ticks of the first key
check "heatmap: both keys and 4 cells of one point each" bash -c "grep -q '>gen_depth<' '$T/a/plot-w1-heatmap.svg' && grep -q '>critic_depth<' '$T/a/plot-w1-heatmap.svg' && [ \$(grep -c '>n 1<' '$T/a/plot-w1-heatmap.svg') -eq 4 ]"
check "lines: a series per critic_depth, whole-number gen_depth ticks" bash -c "grep -q '>critic_depth=1<' '$T/a/plot-w1-lines.svg' && grep -q '>critic_depth=2<' '$T/a/plot-w1-lines.svg' && grep -q '>2</text>' '$T/a/plot-w1-lines.svg' && ! grep -q '>1.5</text>' '$T/a/plot-w1-lines.svg'"
check "report links each run's report" [ "$(grep -o 'runs/[^"]*/report.html' "$T/a/report.html" | sort -u | wc -l)" -eq 4 ]
check "not a TTY: no progress line" bash -c "! grep -q 'points/min' '$T/a.out'"

# ---- --jobs 1 gives the same results ---------------------------------------------------------
"$W" sweep "${GRID[@]}" "${SET[@]}" --jobs 1 --out "$T/b" >/dev/null 2>"$T/b.err"
check "--jobs 1 sweep exits 0" [ $? -eq 0 ]
check "--jobs 1 and --jobs 2: same results.csv apart from time columns" cmp -s <(strip_time "$T/a/results.csv") <(strip_time "$T/b/results.csv")

# ---- rerun: nothing to do, same results ------------------------------------------------------
cp "$T/a/results.csv" "$T/a.csv"
"$W" sweep "${GRID[@]}" "${SET[@]}" --jobs 1 --out "$T/a" >"$T/a2.out" 2>&1
check "rerun of a finished sweep (another --jobs) skips every point" grep -q '(4 had finished before this run)' "$T/a2.out"
check "rerun keeps results.csv" cmp -s "$T/a.csv" "$T/a/results.csv"
# a damaged record (a setting that is not a string) is named as damaged, field by field (finding
# 11n of the 5th test round: it was compared as "steps = ?")
cp "$T/a/sweep.json" "$T/a.json"
sed -i 's/"steps":"150"/"steps":1e300/' "$T/a/sweep.json"
"$W" sweep "${GRID[@]}" "${SET[@]}" --out "$T/a" >"$T/a3.out" 2>&1
rc=$?
check "damaged sweep.json: exit 2" [ $rc -eq 2 ]
check "damaged sweep.json: names the file and the field" grep -q 'sweep.json: damaged sweep record: settings.steps is not a string' "$T/a3.out"
check "damaged sweep.json: nothing rerun" cmp -s "$T/a.csv" "$T/a/results.csv"
cp "$T/a.json" "$T/a/sweep.json"

# ---- kill -9 mid-run, then resume --------------------------------------------------------------
"$W" sweep "${GRID[@]}" "${SET[@]}" --jobs 2 --out "$T/k" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do # until a point has a checkpoint but the sweep has not finished
    ls "$T"/k/runs/*/checkpoint.safetensors >/dev/null 2>&1 && break
    sleep 0.05
done
exec 3>&2 2>/dev/null # bash's "Killed" notice is not a failure
kill -9 $pid
wait $pid
exec 2>&3 3>&-
killed_early=0
[ ! -e "$T/k/results.csv" ] && killed_early=1
check "the kill landed before the sweep finished" [ $killed_early -eq 1 ]
sleep 0.3
check "no train process outlives the sweep" bash -c "! pgrep -f -- 'out $T/k/run[s]/' >/dev/null"
"$W" sweep "${GRID[@]}" "${SET[@]}" --jobs 2 --out "$T/k" >"$T/k.out" 2>&1
check "resumed sweep exits 0" [ $? -eq 0 ]
check "resumed: same results.csv as the uninterrupted sweep (time columns aside)" cmp -s <(strip_time "$T/a/results.csv") <(strip_time "$T/k/results.csv")
check "a point continued from its checkpoint" grep -q 'resuming' "$T"/k/runs/*/train.log

# ---- a diverging point fails, the others go on ---------------------------------------------------
"$W" sweep --grid lr_d=0.0001,10 --critic none --opt-d sgd --steps 20 --eval-every 10 --batch 64 --eval-n 128 --holdout 128 \
    --gen-width 32 --critic-width 32 --out "$T/n" >"$T/n.out" 2>&1
check "sweep with a diverging point exits 0" [ $? -eq 0 ]
check "the summary counts the failed point" grep -q '2 points: 1 done, 1 failed' "$T/n.out"
check "failed point: status and step in results.csv" grep -q '^1,p0001_lr_d=10_seed=[0-9]*,10,[^f]*,failed,[0-9][0-9]*,' "$T/n/results.csv"
check "failed point: the reason in results.jsonl" grep -q '"status":"failed".*training diverged' "$T/n/results.jsonl"
check "lines over lr_d 1e-4 .. 10: a log axis, the failed cell left out" bash -c "grep -q '>lr_d (log scale)<' '$T/n/plot-w1-lines.svg' && grep -q 'data-marks=\"1\"' '$T/n/plot-w1-lines.svg'"

# ---- a point whose train child is killed (OOM killer, kill -9): failed, then --retry-failed ------------
# (FINDINGS 11j: a rerun kept it failed for good, "1 had finished before this run", with no way to retry)
ONE=(--grid critic_depth=1 --seeds 0 --steps 400 --eval-every 100 --checkpoint-every 25 --batch 64 --eval-n 128 --holdout 128 --gen-width 16 --critic-width 16)
"$W" sweep "${ONE[@]}" --out "$T/f" >"$T/f.out" 2>&1 &
pid=$!
for _ in $(seq 1 600); do # until the point has a checkpoint
    ls "$T"/f/runs/*/checkpoint.safetensors >/dev/null 2>&1 && break
    sleep 0.05
done
pkill -KILL -P $pid # the sweep's own child only: the point's train
wait $pid
if grep -q '"signal":9' "$T"/f/runs/*/point.json 2>/dev/null; then
    check "the killed point is recorded failed, and the summary says how to retry it" \
        bash -c "grep -q '1 points: 0 done, 1 failed' '$T/f.out' && grep -q -- '--retry-failed runs it again' '$T/f.out'"
    "$W" sweep "${ONE[@]}" --out "$T/f" >"$T/f2.out" 2>&1
    check "a plain rerun keeps it failed (and says so)" bash -c "grep -q '0 done, 1 failed (1 had finished before' '$T/f2.out' && grep -q -- '--retry-failed' '$T/f2.out'"
    "$W" sweep "${ONE[@]}" --retry-failed --out "$T/f" >"$T/f3.out" 2>&1
    check "--retry-failed: the point resumes from its checkpoint and ends done" \
        bash -c "grep -q '1 points: 1 done, 0 failed (0 had finished before' '$T/f3.out' && grep -q resuming '$T'/f/runs/*/train.log && grep -q ',done,' '$T/f/results.csv'"
    check "--retry-failed: the run reached its last step" bash -c "tail -1 '$T'/f/runs/*/metrics.jsonl | grep -q '\"step\":400'"
else
    echo "note: the point had finished before the kill (loaded machine): --retry-failed not exercised"
fi
check "sweep --help documents --retry-failed" bash -c "'$W' sweep --help | grep -q -- '--retry-failed'"

# ---- refusals: exit 2, nothing run ----------------------------------------------------------------
S=(--steps 5 --out "$T/r")
expect_exit2 "unknown setting" "unknown flag '--gen-dpth'" "$W" sweep --grid gen_depth=1,2 --gen-dpth 3 "${S[@]}"
expect_exit2 "unknown grid key" "unknown setting 'gen_dpth'" "$W" sweep --grid gen_dpth=1,2 "${S[@]}"
expect_exit2 "empty grid" "--grid gen_depth: empty list of values" "$W" sweep --grid gen_depth= "${S[@]}"
expect_exit2 "empty grid value" "an empty value" "$W" sweep --grid gen_depth=1,,2 "${S[@]}"
expect_exit2 "grid without =" "expected KEY=V1,V2" "$W" sweep --grid gen_depth "${S[@]}"
expect_exit2 "duplicate grid key" "already a grid key" "$W" sweep --grid gen_depth=1,2 --grid gen-depth=3 "${S[@]}"
expect_exit2 "grid key also a fixed setting" "already a fixed setting" "$W" sweep --gen-depth 2 --grid gen_depth=1,3 "${S[@]}"
expect_exit2 "repeated grid value" "value '2' given twice" "$W" sweep --grid gen_depth=1,2,2 "${S[@]}"
expect_exit2 "grid value the setting refuses" "gen_depth" "$W" sweep --grid gen_depth=1,abc "${S[@]}"
expect_exit2 "grid value out of range" "lr_d" "$W" sweep --grid lr_d=0.001,1e30 "${S[@]}"
expect_exit2 "grid point failing the cross-setting check" "grid point critic_width=64" "$W" sweep --groupsort-k 3 --grid critic_width=63,64 "${S[@]}"
expect_exit2 "seed as a grid key" "use --seeds" "$W" sweep --grid seed=1,2 "${S[@]}"
expect_exit2 "bad seed" "'x' is not a seed" "$W" sweep --grid gen_depth=1,2 --seeds 0,x "${S[@]}"
expect_exit2 "repeated seed" "seed 1 given twice" "$W" sweep --grid gen_depth=1,2 --seeds 1,1 "${S[@]}"
expect_exit2 "empty seed list" "--seeds: empty list" "$W" sweep --grid gen_depth=1,2 --seeds "" "${S[@]}"
expect_exit2 "--seed and --seeds" "give the seeds once" "$W" sweep --seed 3 --seeds 1,2 "${S[@]}"
expect_exit2 "no --out" "--out DIR is required" "$W" sweep --grid gen_depth=1,2 --steps 5
expect_exit2 "bad --jobs" "--jobs" "$W" sweep --grid gen_depth=1,2 --jobs 0 "${S[@]}"
check "refusals ran nothing" [ ! -e "$T/r" ]
expect_exit2 "another grid against an existing DIR" "grid key gen_depth: values 1,2 there, 1,2,3 now" \
    "$W" sweep --grid gen_depth=1,2,3 --grid critic-depth=1,2 --seeds 0 "${SET[@]}" --out "$T/a"
expect_exit2 "another setting against an existing DIR" "setting steps = 150 there, 151 now" \
    "$W" sweep "${GRID[@]}" "${SET[@]}" --steps 151 --out "$T/a"
expect_exit2 "other seeds against an existing DIR" "seeds 0 there, 0,1 now" \
    "$W" sweep --grid gen_depth=1,2 --grid critic-depth=1,2 --seeds 0,1 "${SET[@]}" --out "$T/a"
check "refused reruns left the results alone" cmp -s "$T/a.csv" "$T/a/results.csv"

# ---- --dry-run: the plan without running ------------------------------------------------------------
"$W" sweep --grid gen_depth=1,2,3 --grid lr_g=0.001,0.002 --seeds 0,1 --steps 5 --jobs 2 --dry-run --out "$T/d" >"$T/d.out" 2>&1
check "--dry-run lists 12 points" grep -q '^12 points, 2 at once' "$T/d.out"
check "--dry-run: the seed varies fastest" [ "$(sed -n 2p "$T/d.out" | cut -d' ' -f1)" = "p0001_gen_depth=1_lr_g=0.001_seed=1" ]
check "--dry-run: a point's train arguments" grep -q '^p0011_gen_depth=3_lr_g=0.002_seed=1 train --steps 5 --gen-depth 3 --lr-g 0.002 --seed 1 --threads [0-9]* --progress 0 --out '"$T"'/d/runs/p0011' "$T/d.out"
check "--dry-run ran nothing" [ ! -e "$T/d" ]

# data values are checked before anything runs, as train checks them (was: exit 0, every point failed)
expect_exit2 "grid data=gmm:k=0 (dry run)" "gmm: k='0' is not an integer" "$W" sweep --grid data=gmm:k=0 --dry-run --out "$T/bd1"
expect_exit2 "fixed --data gmm:k=0" "gmm: k='0' is not an integer" "$W" sweep --grid lr_g=1e-4 --data gmm:k=0 --steps 1 --out "$T/bd2"
expect_exit2 "fixed --data missing file" "/nonexistent.npy: cannot open" "$W" sweep --grid lr_g=1e-4 --data /nonexistent.npy --steps 1 --out "$T/bd3"
expect_exit2 "one bad file among the grid's data values" "nope.npy" "$W" sweep --grid "data=ring,$T/nope.npy" --dry-run --out "$T/bd4"
check "bad data values created nothing" [ ! -e "$T/bd1" -a ! -e "$T/bd2" -a ! -e "$T/bd3" -a ! -e "$T/bd4" ]
# ---- names keep their values; repeated values are compared as values (FINDINGS 5) ------------------------
"$W" sweep --grid lr_d=1e+1,1e-1 --steps 5 --dry-run --out "$T/pl" >"$T/pl.out" 2>&1
check "'+' kept in a point name (lr_d=1e+1 is not named lr_d=1e-1)" grep -q '^p0000_lr_d=1e+1_seed=0 .*--lr-d 1e+1 ' "$T/pl.out"
check "  and the other point keeps its '-'" grep -q '^p0001_lr_d=1e-1_seed=0 .*--lr-d 1e-1 ' "$T/pl.out"
for f in a:b a-b; do printf '1,2\n3,4\n5,6\n7,8\n' > "$T/$f.csv"; done
(cd "$T" && "$W" sweep --grid data=a:b.csv,a-b.csv --steps 5 --dry-run --out pl) >"$T/pl2.out" 2>&1
check "other characters escaped, not merged with '-' (data=a:b.csv vs a-b.csv)" \
    bash -c "grep -q '^p0000_data=a~3Ab.csv_seed=0 ' '$T/pl2.out' && grep -q '^p0001_data=a-b.csv_seed=0 ' '$T/pl2.out'"
expect_exit2 "1e-4 and 0.0001 are one value" "--grid lr_d: value 0.0001 given twice (as '1e-4' and '0.0001')" \
    "$W" sweep --grid lr_d=1e-4,0.0001 --steps 2 --dry-run --out "$T/pl"
expect_exit2 "1 and 01 are one value" "--grid gen_depth: value 1 given twice (as '1' and '01')" "$W" sweep --grid gen_depth=1,01 --steps 2 --dry-run --out "$T/pl"
expect_exit2 "1 and +1 are one value" "--grid gen_depth: value 1 given twice (as '1' and '+1')" "$W" sweep --grid gen_depth=1,+1 --steps 2 --dry-run --out "$T/pl"
# a sweep begun by an older version (its '+' point named with '-') resumes under the new names
"$W" sweep --grid lr_d=1e+1,1e-1 --steps 2 --eval-every 1 --batch 16 --eval-n 32 --gen-width 8 --critic-width 8 --out "$T/old" >/dev/null 2>&1
mv "$T/old/runs/p0000_lr_d=1e+1_seed=0" "$T/old/runs/p0000_lr_d=1e-1_seed=0"
"$W" sweep --grid lr_d=1e+1,1e-1 --steps 2 --eval-every 1 --batch 16 --eval-n 32 --gen-width 8 --critic-width 8 --out "$T/old" >"$T/old.out" 2>&1
check "an old-named point is adopted, not rerun" grep -q '(2 had finished before this run)' "$T/old.out"
check "  under its new name" [ -d "$T/old/runs/p0000_lr_d=1e+1_seed=0" -a ! -e "$T/old/runs/p0000_lr_d=1e-1_seed=0" ]
check "  results.csv names it by its value" grep -q '^0,p0000_lr_d=1e+1_seed=0,1e+1,' "$T/old/results.csv"
# values holding commas: ';' separates them (FINDINGS 13: 'data=gmm:k=3,sigma=0.1,ring' blamed a missing file 'sigma=0.1')
"$W" sweep --grid 'data=gmm:k=3,sigma=0.1;ring' --steps 2 --dry-run --out "$T/semi" >"$T/semi.out" 2>&1
check "';' separates values that hold commas" bash -c "grep -q '^p0000_data=gmm~3Ak=3~2Csigma=0.1_seed=0 .*--data gmm:k=3,sigma=0.1 ' '$T/semi.out' && grep -q '^2 points' '$T/semi.out'"
expect_exit2 "a comma-split data option says how to separate" "'sigma=0.1' is not a data spec: values are split at commas; separate values with ';'" \
    "$W" sweep --grid 'data=gmm:k=3,sigma=0.1,ring' --steps 2 --dry-run --out "$T/semi2"
# --plot-metric and a setting no point can run are checked before any point trains, also by --dry-run
# (were: every point trained, then "no plot" at the end, exit 0; --data-parallel 1: every point failed, exit 0)
expect_exit2 "--plot-metric typo refused up front" "--plot-metric bogus: not a metric these runs write" \
    "$W" sweep --grid mix=1,2 --seeds 0 --steps 4 --eval-every 2 --eval-n 50 --plot-metric bogus --out "$T/swb"
check "... nothing ran" test ! -e "$T/swb/runs"
expect_exit2 "--plot-metric typo refused by --dry-run" "--plot-metric bogus" \
    "$W" sweep --grid mix=1,2 --seeds 0 --steps 4 --plot-metric bogus --out "$T/swb" --dry-run
expect_exit2 "--plot-metric of an array names an entry" "mix_w_g: an array; name one entry as results.csv does" \
    "$W" sweep --grid mix=1,2 --seeds 0 --steps 4 --plot-metric mix_w_g --out "$T/swb" --dry-run
expect_exit2 "--plot-metric past the mixture's components refused" "not a metric these runs write" \
    "$W" sweep --grid mix=1,2 --seeds 0 --steps 4 --plot-metric 'mix_w_g[2]' --out "$T/swb" --dry-run
expect_exit2 "--data-parallel 1 refused up front" "data_parallel 1: a sweep's points are single processes" \
    "$W" sweep --grid mix=1,2 --seeds 0 --steps 4 --data-parallel 1 --out "$T/swdp"
expect_exit2 "... also in a grid, by --dry-run" "data_parallel 1" \
    "$W" sweep --grid data_parallel=0,1 --seeds 0 --steps 4 --out "$T/swdp" --dry-run
"$W" sweep --grid mix=1,2 --seeds 0 --steps 4 --eval-every 2 --eval-n 50 --batch 16 --plot-metric 'mix_w_g[0]' --out "$T/swm" >"$T/swm.out" 2>&1
check "--plot-metric 'mix_w_g[0]' (a results.csv column) is plotted" test -s "$T/swm/plot-mix_w_g[0]-lines.png"
check "... and its report column has the mix=2 point's weight (about 1/2)" grep -q '<td>0\.[45][0-9]*</td>' "$T/swm/report.html"
exit $fail
