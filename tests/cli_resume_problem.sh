#!/bin/bash
# cli_resume_problem.sh — `train --resume` continues the problem the run started on: a synthetic
# target with fresh draws (no data fingerprint) resumed with another --data, its options, --data-n,
# --seed, --scale or --holdout exits 2 naming the flag and the run's value (was: a ring run continued silently on a
# 25-mode grid, one metrics.jsonl describing two problems), unless --resume-data-changed 1 (said on
# the log); the same settings given again still resume. Extending --steps under --lr-decay linear
# says on the log that the schedule is not one long run's (was: no word). $1: the CLI binary.
set -u
CLI=$1
source "$(dirname "$0")/lib_cli.sh"
Q="--eval-every 0 --eval-n 20 --holdout 50 --batch 16 --lip-pairs 10 --threads 1 --progress 0"
"$CLI" train $Q --steps 2 --out "$T/r" >/dev/null 2>&1
cp "$T/r/checkpoint.safetensors" "$T/r.before"
expect_exit2 "another target refused" "--data grid: the run started on --data ring; a resume continues the same problem" \
    "$CLI" train --resume "$T/r" --data grid --steps 3 --progress 0
# the library's line names the settings (data=grid), the CLI's own line below it the flags (was:
# the library itself wrote "--data grid ... give --resume-data-changed 1", words Python refused)
check "the library's line names settings, not flags" \
    grep -q "^wgankit train: resuming .*: data=grid: the run started on data=ring; .*set resume_data_changed=1" "$T/err"
check "... and the CLI's line the flags" \
    grep -q "^wgankit train: with flags: resuming .*: --data grid: the run started on --data ring; .*--resume-data-changed 1 to" "$T/err"
check "... and no flag in the library's line" bash -c "! grep -v '^wgankit train: with flags: ' '$T/err' | grep -q -- ' --'"
check "the refusal left the checkpoint alone" cmp -s "$T/r.before" "$T/r/checkpoint.safetensors"
expect_exit2 "other target options refused" "--data ring:k=6: the run started on --data ring" \
    "$CLI" train --resume "$T/r" --data ring:k=6 --steps 3 --progress 0
expect_exit2 "another --holdout refused" "--holdout 60: the run started with --holdout 50" \
    "$CLI" train --resume "$T/r" --holdout 60 --steps 3 --progress 0
expect_exit2 "another --seed refused (it draws the held-out set)" "--seed 7: the run started with --seed 0" \
    "$CLI" train --resume "$T/r" --seed 7 --steps 3 --progress 0
"$CLI" data ring -n 200 -o "$T/f.npy" >/dev/null
"$CLI" train $Q --data "$T/f.npy" --steps 2 --out "$T/f" >/dev/null 2>&1
expect_exit2 "another --scale of a file refused naming it" "--scale minmax: the run started with --scale auto" \
    "$CLI" train --resume "$T/f" --scale minmax --steps 3 --progress 0
"$CLI" train $Q --data-n 64 --steps 2 --out "$T/n" >/dev/null 2>&1
expect_exit2 "another --data-n refused, named before the state check" "--data-n 128: the run started with --data-n 64" \
    "$CLI" train --resume "$T/n" --data-n 128 --steps 3 --progress 0
expect_exit2 "fresh draws instead of the fixed sample refused" "--data-n 0: the run started with --data-n 64" \
    "$CLI" train --resume "$T/n" --data-n 0 --steps 3 --progress 0
check "the same settings given again resume" bash -c "\"$CLI\" train --resume \"$T/r\" --data ring --holdout 50 --steps 3 --progress 0 >/dev/null"
"$CLI" train --resume "$T/r" --data grid --resume-data-changed 1 --steps 4 --progress 0 >"$T/out" 2>&1
check "--resume-data-changed 1 continues and says so" grep -q "the run started on data=ring: continuing on the new problem" "$T/out"
check "... and the run is now the grid's" grep -q '"data":"grid"' "$T/r/config.json"
# --lr-decay linear: extending --steps is not one long run, and the log says so
"$CLI" train $Q --lr-decay linear --steps 2 --out "$T/l" >/dev/null 2>&1
"$CLI" train --resume "$T/l" --steps 4 --progress 0 >"$T/out" 2>&1
check "lr-decay linear: the resume notes the schedule change" grep -q "note: --lr-decay linear decays to 0 at --steps; the run so far followed the schedule of --steps 2" "$T/out"
"$CLI" train $Q --steps 2 --out "$T/c" >/dev/null 2>&1
"$CLI" train --resume "$T/c" --steps 4 --progress 0 >"$T/out" 2>&1
check "constant rate: no note" bash -c "! grep -q 'note: --lr-decay' '$T/out'"
# --steps at or below the checkpoint's step: nothing is trained, and the log says so (was: "resuming RUN at step N")
"$CLI" train --resume "$T/r" --steps 1 --progress 0 >"$T/out" 2>&1
check "resume with --steps below the run's step says nothing is trained" \
    bash -c "grep -q 'is already at step [0-9]* >= --steps 1: nothing to train' '$T/out' && ! grep -q resuming '$T/out'"
# the networks are the checkpoint's: an architecture or model flag that differs is refused naming
# it and the run's value (finding 4c of tester6: --critic-depth 5 said "tensor 'critic.6.weight' has
# the wrong dtype or shape", --mix 2 "tensor 'mix.logits_g' is missing"), even with --resume-data-changed 1
cp "$T/r/checkpoint.safetensors" "$T/r.arch"
for fv in "critic-depth 5:3" "critic-width 32:64" "gen-depth 2:3" "gen-width 64:128" "mix 2:1" "critic spectral:bjorck" \
          "critic-act relu:auto" "groupsort-k 4:2" "gen dcgan:mlp" "critic-net dcgan:mlp" "latent-dim 3:2" "latent uniform:normal" \
          "gen-act tanh:relu" "bjorck-reparam 1:0" "mix-budget same:full"; do
    f=${fv%% *} rest=${fv#* }; v=${rest%%:*} was=${rest#*:}
    expect_exit2 "--$f $v refused naming the run's --$f $was" "--$f $v: the run's networks were built with --$f $was; a resume continues" \
        "$CLI" train --resume "$T/r" --$f $v --steps 3 --progress 0 --resume-data-changed 1
done
check "the refusals left the checkpoint alone" cmp -s "$T/r.arch" "$T/r/checkpoint.safetensors"
check "the run's own --critic-depth 3 given again still resumes" bash -c "'$CLI' train --resume '$T/r' --critic-depth 3 --steps 2 --progress 0 >/dev/null 2>&1"
exit $fail
