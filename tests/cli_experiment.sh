#!/bin/bash
# cli_experiment.sh — `wgankit experiment` (issue 17 item 2): refusals with exit 2 before anything
# runs (unknown experiment, unknown knob or setting, bad values, a grid the sweep refuses, a setting
# the experiment owns), --help and --estimate-only, then tiny runs of arora-w1 and biau-depth with
# overrides that make them take seconds, checking that every output file exists and is well formed.
set -u
CLI=$1
. "$(dirname "$0")/lib_cli.sh"
. "$(dirname "$0")/lib_experiment.sh"

expect_exit2 "no experiment named" "usage" "$CLI" experiment
expect_exit2 "unknown experiment" "unknown experiment 'nope'" "$CLI" experiment nope
expect_exit2 "unknown knob" "unknown setting 'bogus'" "$CLI" experiment arora-w1 --bogus 1
expect_exit2 "train setting on an experiment that does not train" "unknown setting 'lr-d'" "$CLI" experiment arora-w1 --lr-d 1e-3
expect_exit2 "list knob with a word" "not a list of integers" "$CLI" experiment arora-w1 --sizes 100,x
expect_exit2 "decreasing sizes" "increasing" "$CLI" experiment arora-w1 --sizes 300,100
expect_exit2 "knob out of range" "outside" "$CLI" experiment biau-depth --w1-repeats 1
expect_exit2 "bad scale" "--scale" "$CLI" experiment biau-depth --scale huge
expect_exit2 "bad train setting value" "critic" "$CLI" experiment biau-depth --critic nonsense
expect_exit2 "seed is the experiment's" "set by the experiment" "$CLI" experiment biau-depth --seed 3
expect_exit2 "a grid key given as a setting" "gen_depth" "$CLI" experiment biau-depth --gen-depth 2
expect_exit2 "repeated grid value (named as --help spells the flag)" "biau-depth --gen-depths 1,1: value 1 given twice" "$CLI" experiment biau-depth --gen-depths 1,1
expect_exit2 "repeated list knob value" "--dims 2,2: value 2 given twice" "$CLI" experiment arora-w1 --dims 2,2 --out "$T/eb"
expect_exit2 "repeated list knob value, spelt differently" "value 100 given twice" "$CLI" experiment arora-w1 --sizes 50,100,1e2 --out "$T/eb"
expect_exit2 "repeated seeds" "value 1 given twice" "$CLI" experiment biau-depth --seeds 1,1 --out "$T/eb"
expect_exit2 "empty knob" "empty" "$CLI" experiment biau-equivalence --data ""
printf '1,2\n3,4\n5,6\n' > "$T/pts.csv"
expect_exit2 "a finite sample as the equivalence target" "synthetic" "$CLI" experiment biau-equivalence --data "$T/pts.csv"
expect_exit2 "a bad synthetic --data override" "gmm: k='0' is not an integer" "$CLI" experiment biau-depth --data gmm:k=0 --out "$T/bdx"
expect_exit2 "a missing --data file override" "/nonexistent.npy: cannot open" "$CLI" experiment biau-depth --data /nonexistent.npy --out "$T/bdx"
check "bad --data overrides created nothing" test ! -e "$T/bdx"
expect_exit2 "jobs 0" "--jobs" "$CLI" experiment arora-w1 --jobs 0
check "nothing was created by the refusals" test ! -e experiments
check "--help lists the knobs with both scales" bash -c "'$CLI' experiment biau-equivalence --help | grep -q -- '--nnd-steps.*quick: 400; paper: 2000'"
check "--estimate-only prints the expected time and stops" bash -c "'$CLI' experiment arora-w1 --scale paper --estimate-only --out '$T/none' | grep -q 'expected run time' && test ! -e '$T/none'"

# tiny runs
check "arora-w1 tiny" "$CLI" experiment arora-w1 --out "$T/aw" --dims 2,8 --sizes 20,40,80 --repeats 2 --nnd-steps 5
check "arora-w1 outputs" check_outputs "$T/aw"
check "arora-w1 heldout title says what both pictures show" bash -c "grep -q 'shaded: the 95 % intervals' '$T/aw/heldout.svg' && ! grep -q 'the SVG shades' '$T/aw/heldout.svg'"
check "arora-w1 table has every (d, m, distance)" bash -c "test \$(grep -c '' '$T/aw/results.csv') -eq 19"
# FINDINGS round 6, 4g: the claim names only dims that ran, and the command echoes --help's spelling
check "arora-w1 SUMMARY: no claim at d = 64 when d = 64 was not run" bash -c "! grep -q 'd = 64' '$T/aw/SUMMARY.md' && grep -q 'away from 0 (here at d = 8)' '$T/aw/SUMMARY.md'"
check "arora-w1 SUMMARY: the command echoes --nnd-steps (as --help spells it)" bash -c "grep -q -- '--nnd-steps 5' '$T/aw/SUMMARY.md' && ! grep -q -- '--nnd_steps' '$T/aw/SUMMARY.md' '$T/aw/index.html'"
check "biau-depth tiny (train overrides, 2 jobs)" "$CLI" experiment biau-depth --out "$T/bd" --seeds 0,1 --steps 3 \
    --gen-depths 1,2 --critic-depths 1,2 --gen-width 8 --critic-width 8 --n 64 --w1-repeats 2 --jobs 2 --batch 32 --eval-n 64
check "biau-depth outputs" check_outputs "$T/bd"
check "biau-depth SUMMARY: train settings echoed as flags (--gen-width, --eval-n)" bash -c "grep -q -- '--gen-width 8' '$T/bd/SUMMARY.md' && grep -q -- '--eval-n 64' '$T/bd/SUMMARY.md'"
# the figures and captions state the knobs' values, not the recipe's defaults (FINDINGS 3)
for f in w1-vs-gen-depth w1-vs-critic-depth; do
    check "biau-depth $f.svg: the y axis says --n 64" grep -q 'exact W1, 64 vs 64 points' "$T/bd/$f.svg"
    check "biau-depth $f.svg: no 1024" bash -c "! grep -q '1024 vs 1024' '$T/bd/$f.svg'"
done
check "biau-depth heatmap caption: the runs' --eval-n 64" grep -q 'one 64-point evaluation per run' "$T/bd/SUMMARY.md"
check "biau-depth: no 1,024-point caption" bash -c "! grep -q '1,024-point' '$T/bd/SUMMARY.md'"
check "biau-depth: 8 runs done in results.csv" bash -c "test \$(grep -c ',done,' '$T/bd/results.csv') -eq 8"
check "biau-depth: the train override reached the runs" bash -c "grep -q '\"batch\": *32' '$T'/bd/runs/runs/*/config.json"
# --retry-failed (the sweep's flag, through the same engine): a run recorded failed stays failed on a
# plain rerun and runs again (from its checkpoint) with the flag (was: no such flag on experiment)
BD=(experiment biau-depth --out "$T/bd" --seeds 0,1 --steps 3 --gen-depths 1,2 --critic-depths 1,2 --gen-width 8 --critic-width 8
    --n 64 --w1-repeats 2 --jobs 2 --batch 32 --eval-n 64)
p0=$(ls -d "$T"/bd/runs/runs/p0000_*)
printf '{"status": "failed", "exit": 1, "signal": 0, "failed_step": null, "message": "recorded failed by the test", "wall_s": 1}\n' \
    >"$p0/point.json"
"$CLI" "${BD[@]}" >"$T/bd_rerun.out" 2>"$T/bd_rerun.err"
check "experiment rerun: the failed run stays failed (7 done)" bash -c "test \$(grep -c ',done,' '$T/bd/results.csv') -eq 7 &&
    grep -q '8 runs: 7 done, 1 failed' '$T/bd_rerun.err'"
"$CLI" "${BD[@]}" --retry-failed >"$T/bd_retry.out" 2>"$T/bd_retry.err"
check "experiment --retry-failed: the failed run runs again and ends done (8 done)" bash -c "test \$(grep -c ',done,' '$T/bd/results.csv') -eq 8 &&
    grep -q '8 runs: 8 done, 0 failed, 7 finished earlier' '$T/bd_retry.err' && grep -q '\"status\": *\"done\"' '$p0/point.json'"
check "experiment --help documents --retry-failed" bash -c "'$CLI' experiment biau-depth --help | grep -q -- '--retry-failed'"
# every run diverges (no Lipschitz constraint, SGD at lr 10): counted, named, never averaged
check "biau-depth with diverging runs exits 0" "$CLI" experiment biau-depth --out "$T/nan" --seeds 0,1 --steps 20 --gen-depths 1 \
    --critic-depths 1,2 --gen-width 8 --critic-width 8 --n 64 --w1-repeats 2 --critic none --opt-d sgd --lr-d 10 --critic-clamp 0 \
    --bjorck-reparam 0 --eval-every 10 --batch 64 --eval-n 128 --holdout 128
check "failed runs: status and step in results.csv" bash -c "test \$(grep -c '^1,[12],[01],failed,[0-9][0-9]*,' '$T/nan/results.csv') -eq 4"
check "failed runs counted and named in the summary" grep -q "FAILED or unfinished runs: 4 of 4 (p0000_gen_depth=1" "$T/nan/SUMMARY.md"
check "cells say over how many seeds (0/2), verdicts not measurable" bash -c "grep -q '| 0/2 |' '$T/nan/SUMMARY.md' && grep -q 'not measurable' '$T/nan/SUMMARY.md'"
# verdicts from intervals, not from the sign of a slope within noise (FINDINGS 6): the tester's flat line
check "biau-sample-size tiny (a flat W1 line)" "$CLI" experiment biau-sample-size --out "$T/ssz" --targets ring --seeds 0 --steps 3 \
    --width 8 --n-eval 64 --w1-repeats 2 --nnd-m 64 --nnd-steps 5 --batch 16 --eval-n 64
check "  'falls as n grows' is not measurable (the slope's interval holds 0)" grep -q '^- \*\*not measurable\*\* — claim: the trained generator' "$T/ssz/SUMMARY.md"
check "  one target: the dimension line is not measurable" grep -q '^- \*\*not measurable\*\* — claim: W1(μ\*, μ_n) of the sample itself' "$T/ssz/SUMMARY.md"
check "biau-sample-size, two targets of one dimension" "$CLI" experiment biau-sample-size --out "$T/ssz2" --targets 'ring;ring' --seeds 0 \
    --steps 3 --width 8 --n-eval 64 --w1-repeats 2 --nnd-m 64 --nnd-steps 5 --batch 16 --eval-n 64 --sizes 16,64,256
check "  the dimension line is not measurable (was DIFFERS)" grep -q '^- \*\*not measurable\*\* — claim: W1(μ\*, μ_n) of the sample itself.*dimensions do not differ' "$T/ssz2/SUMMARY.md"
# biau-equivalence's family is its kept checkpoints: overrides that keep too few are refused before training (FINDINGS 12:
# --checkpoint-every 0 was SIGFPE after training, --keep-checkpoints 0 exit 2 after training, --checkpoint-every 10 an empty family)
EQ=(--seeds 0 --steps 4 --width 8 --generators 2 --depths 1 --n 64 --w1-repeats 2 --nnd-m 64 --nnd-steps 5 --nnd-width 8 --batch 16 --eval-n 64)
expect_exit2 "equivalence --checkpoint-every 0" "checkpoint_every between 1 and 2" "$CLI" experiment biau-equivalence --out "$T/eo" "${EQ[@]}" --checkpoint-every 0
expect_exit2 "equivalence --checkpoint-every beyond the steps" "--checkpoint-every 10: the family of --generators 2 needs 2" "$CLI" experiment biau-equivalence --out "$T/eo" "${EQ[@]}" --checkpoint-every 10
expect_exit2 "equivalence --keep-checkpoints 0" "--keep-checkpoints 0: the family is taken from every kept checkpoint" "$CLI" experiment biau-equivalence --out "$T/eo" "${EQ[@]}" --keep-checkpoints 0
check "  refused before anything ran" test ! -e "$T/eo"
check "equivalence --checkpoint-every 2 (two checkpoints for two generators) runs" "$CLI" experiment biau-equivalence --out "$T/eo" "${EQ[@]}" --checkpoint-every 2
check "  a family of 2 generators" bash -c "test \$(grep -c '' '$T/eo/results.csv') -eq 3"
# arora-birthday: runs known only from above (every batch held a duplicate) are drawn at their upper bound, not an empty
# chart with a made-up x range and a legend for an absent line (FINDINGS 11)
check "arora-birthday tiny, every batch a duplicate" "$CLI" experiment arora-birthday --out "$T/ab" --data ring --gen-widths 8,16 \
    --critic-widths 8 --seeds 1 --steps 2 --batch-s 80 --trials 5 --batch 16 --eval-n 64
check "  no finite estimate in results.csv" bash -c "test \$(grep -c '^[0-9]*,8,1,done,,,[0-9]' '$T/ab/results.csv') -eq 2"
check "  the figure draws the upper bounds" bash -c "grep -q 'critic width 8: upper bound only' '$T/ab/support.svg' && test \$(grep -c '<circle' '$T/ab/support.svg') -ge 2"
check "  no legend for an absent line, no made-up x ticks" bash -c "! grep -q '>critic width 8<' '$T/ab/support.svg' && ! grep -q '>5<' '$T/ab/support.svg'"
# biau-depth on byte-valued data: its exact W1s (generated vs the file's rows) are in the run's
# units, as the trainer's own W1 (bytes -> [-1, 1]); in the file's units they would be ~100x larger
/usr/bin/python3 -c "
import numpy as np, sys; r = np.random.default_rng(0)
np.save(sys.argv[1], np.clip(r.normal(128, 40, size=(600, 2)), 0, 255).round().astype(np.uint8))" "$T/bytes.npy"
check "biau-depth on a byte file" "$CLI" experiment biau-depth --out "$T/bdb" --data "$T/bytes.npy" --seeds 0 --steps 30 \
    --gen-depths 1 --critic-depths 1 --gen-width 8 --critic-width 8 --n 64 --w1-repeats 2
check "  its W1 is in the run's units (within 4x of the trainer's W1)" awk -F, \
    'NR == 2 { ok = $4 == "done" && $6 > 0 && $10 > 0 && $6 < 4 * $10 && $10 < 4 * $6 } END { exit !ok }' "$T/bdb/results.csv"
# mixgan --fm 0 runs no Fashion-MNIST part: its pages name and link only grid/report.html (was: also a missing
# fashion-mnist/report.html)
"$CLI" experiment mixgan --t 2 --seeds 1 --grid-steps 30 --fm 0 --eval-every 10 --eval-n 300 --jobs 1 --out "$T/exm" >/dev/null 2>&1
check "mixgan --fm 0: no link to a Fashion-MNIST report that was never made" \
    bash -c "test -s '$T/exm/grid/report.html' && grep -q 'grid/report.html' '$T/exm/SUMMARY.md' && ! grep -q 'fashion-mnist/report.html' '$T/exm/SUMMARY.md' '$T/exm/report.html'"
# a value not measured is "—" with a note saying why, never "nan" (FINDINGS 8a: mixgan's grid rows printed nan for FD, KID,
# precision, recall and coverage, which are measured on images only; results.csv leaves them empty)
no_nan() { ! grep '^|' "$1/SUMMARY.md" | grep -qiw nan && ! grep -o '<td>[^<]*</td>' "$1/report.html" | grep -qiw nan &&
    ! grep -- '— measured:' "$1/SUMMARY.md" | grep -qiw nan; }
check "mixgan --fm 0: no nan in SUMMARY.md or report.html" no_nan "$T/exm"
check "  the grid rows show — for FD, KID, precision, recall, coverage" grep -q '^| grid | single GAN | 1/1 |.* | — | — | — | — | — |$' "$T/exm/SUMMARY.md"
check "  and say why under the table (also in report.html)" bash -c "grep -q '^—: not measured: .*image metrics, measured on Fashion-MNIST only' '$T/exm/SUMMARY.md' &&
    grep -q '<p>—: not measured: ' '$T/exm/report.html'"
check "biau-depth with every run failed: — in its cells, no nan" bash -c "$(declare -f no_nan); no_nan '$T/nan' && grep -q '| — | 0/2 | — | — |' '$T/nan/SUMMARY.md'"
check "biau-depth of one seed: no interval shown as [—], not [nan, nan]" grep -q '| [0-9.]* \[—\] | 1/1 |' "$T/bdb/SUMMARY.md"
exit $fail
