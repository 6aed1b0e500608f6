#!/bin/bash
# cli_result_dirs.sh — no command writes over another's result directory (FINDINGS 7, result_dir.h):
# `train --out`, `sweep --out` and `experiment NAME --out` refuse (exit 2, naming the directory and
# what it holds) a directory holding a run, a sweep or an experiment of another kind (or another
# experiment, or the same one with other knobs), for every pair; leave what it holds untouched; and
# the same command with the same identity still resumes. Directories of older versions (no
# wgankit-dir.json) are recognised by their files. A refused command leaves the directory exactly
# as it was: no lock file, no runs/, no temporary removed (FINDINGS 7: a sweep refused over a run
# left .wgankit-sweep.lock and runs/ there) — compared by a listing of every entry and checksums.
set -u
CLI=$1
. "$(dirname "$0")/lib_cli.sh"

AW=(--dims 2 --sizes 20,40 --repeats 2 --nnd-steps 5)
BD=(--seeds 0 --steps 3 --gen-depths 1 --critic-depths 1 --gen-width 8 --critic-width 8 --n 32 --w1-repeats 2 --batch 16 --eval-n 32)
SW=(--grid gen_depth=1,2 --steps 2 --eval-every 1 --batch 16 --eval-n 32 --gen-width 8 --critic-width 8)
TR=(--data ring --steps 2 --eval-every 1 --batch 16 --eval-n 32 --gen-width 8 --critic-width 8)

check "a training run" "$CLI" train "${TR[@]}" --out "$T/run"
check "an arora-w1 experiment" "$CLI" experiment arora-w1 --out "$T/aw" "${AW[@]}"
check "a sweep" "$CLI" sweep "${SW[@]}" --out "$T/sw"
check "the run records what it holds" grep -q '"kind":"run"' "$T/run/wgankit-dir.json"
check "the sweep records what it holds" grep -q '"kind":"sweep"' "$T/sw/wgankit-dir.json"
check "the experiment records its name and knobs" grep -q '"name":"arora-w1".*"sizes":"20,40"' "$T/aw/wgankit-dir.json"
# every entry (directories and lock files too) with its type, and every file's checksum
snap() { (cd "$1" && find . -printf '%y %p\n' | sort && find . -type f -exec md5sum {} + | sort); }
same() { check "$1 untouched by the refusals" cmp -s <(snap "$T/$1") "$T/$1.sum"; }
# a temporary left by a killed writer is its directory owner's to remove, not a refused command's
for d in run aw sw; do touch "$T/$d/results.csv.tmp.Xy12Ab"; snap "$T/$d" > "$T/$d.sum"; done

# experiment over an experiment (another one, the same one with other knobs), a sweep, a run
expect_exit2 "experiment over another experiment" "holds the experiment arora-w1" "$CLI" experiment biau-depth --out "$T/aw" "${BD[@]}"
expect_exit2 "experiment over itself with other knobs" "sizes = 20,40, not 20,80" "$CLI" experiment arora-w1 --out "$T/aw" --dims 2 --sizes 20,80 --repeats 2 --nnd-steps 5
expect_exit2 "experiment over a sweep" "holds a sweep" "$CLI" experiment arora-w1 --out "$T/sw" "${AW[@]}"
expect_exit2 "training experiment over a sweep" "holds a sweep" "$CLI" experiment biau-depth --out "$T/sw" "${BD[@]}"
expect_exit2 "experiment over a run" "holds a training run" "$CLI" experiment arora-w1 --out "$T/run" "${AW[@]}"
expect_exit2 "--estimate-only names it too" "holds a training run" "$CLI" experiment arora-w1 --out "$T/run" "${AW[@]}" --estimate-only
# sweep over an experiment, a run
expect_exit2 "sweep over an experiment" "holds the experiment arora-w1" "$CLI" sweep "${SW[@]}" --out "$T/aw"
expect_exit2 "sweep --dry-run over an experiment" "holds the experiment arora-w1" "$CLI" sweep "${SW[@]}" --out "$T/aw" --dry-run
expect_exit2 "sweep over another sweep" "grid key gen_depth" "$CLI" sweep --grid gen_depth=1,3 --steps 2 --out "$T/sw"
expect_exit2 "sweep over a run" "holds a training run" "$CLI" sweep "${SW[@]}" --out "$T/run"
# train over an experiment, a sweep (also with --force: it replaces only a run)
expect_exit2 "train over an experiment" "holds the experiment arora-w1" "$CLI" train "${TR[@]}" --out "$T/aw"
expect_exit2 "train over a run" "already holds a run" "$CLI" train "${TR[@]}" --out "$T/run"
# the library names no flag ("out DIR already holds a run (...): a resume continues it, a forced run
# replaces it"); the CLI's own line gives them (was: the library wrote --out, --resume, --force)
check "... the library's line names no flag" grep -q "^wgankit train: out .*/run already holds a run (.*): a resume continues it, a forced run replaces it" "$T/err"
check "... the CLI's line the flags" grep -q -- "^wgankit train: --resume .*/run continues it, --force replaces it, or choose another --out" "$T/err"
expect_exit2 "train over a sweep" "holds a sweep" "$CLI" train "${TR[@]}" --out "$T/sw"
expect_exit2 "train --force over a sweep" "holds a sweep" "$CLI" train "${TR[@]}" --out "$T/sw" --force
# the finding's example: a sweep over a run (it left .wgankit-sweep.lock and runs/ behind)
expect_exit2 "sweep over a run, the finding's command" "holds a training run" "$CLI" sweep --grid critic_depth=1 --steps 10 --out "$T/run"
for d in run aw sw; do same $d; done
check "refused: no lock, no runs/ in the run" bash -c "! ls -A '$T/run' | grep -qx -e .wgankit-sweep.lock -e runs"

# the same command resumes as before
check "the same experiment reruns in its directory" "$CLI" experiment arora-w1 --out "$T/aw" "${AW[@]}" --jobs 2
check "the same sweep resumes" bash -c "'$CLI' sweep ${SW[*]} --out '$T/sw' | grep -q '2 had finished before'"
check "train --resume continues the run" "$CLI" train --resume "$T/run" --steps 4
check "train --force replaces a run" "$CLI" train "${TR[@]}" --out "$T/run" --force
check "a training experiment resumes" "$CLI" experiment biau-depth --out "$T/bd" "${BD[@]}"
check "  and again (its points finished)" "$CLI" experiment biau-depth --out "$T/bd" "${BD[@]}"

# directories of older versions: no marker, recognised by their files
for d in run aw sw bd; do rm "$T/$d/wgankit-dir.json"; snap "$T/$d" > "$T/$d.sum"; done
expect_exit2 "old run: experiment refused" "holds a training run (checkpoint.safetensors)" "$CLI" experiment arora-w1 --out "$T/run" "${AW[@]}"
expect_exit2 "old run: sweep refused" "holds a training run (checkpoint.safetensors)" "$CLI" sweep "${SW[@]}" --out "$T/run"
expect_exit2 "old sweep: train refused" "holds a sweep (sweep.json)" "$CLI" train "${TR[@]}" --out "$T/sw"
expect_exit2 "old sweep: experiment refused" "holds a sweep (sweep.json)" "$CLI" experiment arora-w1 --out "$T/sw" "${AW[@]}"
expect_exit2 "old experiment: another experiment refused" "holds the experiment arora-w1 (SUMMARY.md)" "$CLI" experiment biau-depth --out "$T/aw" "${BD[@]}"
expect_exit2 "old experiment: sweep refused" "holds the experiment arora-w1 (SUMMARY.md)" "$CLI" sweep "${SW[@]}" --out "$T/aw"
expect_exit2 "old experiment: train refused" "holds the experiment biau-depth (SUMMARY.md)" "$CLI" train "${TR[@]}" --out "$T/bd"
for d in run aw sw bd; do same $d; done
check "old experiment: the same one resumes and is marked" bash -c "'$CLI' experiment arora-w1 --out '$T/aw' ${AW[*]} && grep -q arora-w1 '$T/aw/wgankit-dir.json'"
check "old sweep: the same sweep resumes" "$CLI" sweep "${SW[@]}" --out "$T/sw"
# an untrusted marker
mkdir "$T/bad" && printf '{"kind":"bogus"}' > "$T/bad/wgankit-dir.json" && snap "$T/bad" > "$T/bad.sum"
expect_exit2 "a malformed marker" "wgankit-dir.json: \"kind\" must be" "$CLI" sweep "${SW[@]}" --out "$T/bad"
expect_exit2 "  train refuses it too" "wgankit-dir.json: \"kind\" must be" "$CLI" train "${TR[@]}" --out "$T/bad"
same bad
check "a free directory with other files is still usable" bash -c "mkdir -p '$T/free' && touch '$T/free/notes.txt' && '$CLI' experiment arora-w1 --out '$T/free' ${AW[*]}"
# birthday --out and generalization --out write result directories too: the same rule (a rerun rewrites its own)
GZ=(ring --sizes 20,40 --distances w1)
BZ=(ring --batch 20 --trials 3 --threshold 0.01)
check "a generalization table" "$CLI" generalization "${GZ[@]}" --out "$T/gz"
check "  rerun into its own directory" "$CLI" generalization "${GZ[@]}" --out "$T/gz"
check "a birthday test" "$CLI" birthday "${BZ[@]}" --out "$T/bz"
check "  rerun into its own directory" "$CLI" birthday "${BZ[@]}" --out "$T/bz"
expect_exit2 "experiment over a generalization table" "holds a generalization table" "$CLI" experiment arora-w1 --out "$T/gz" "${AW[@]}"
expect_exit2 "generalization over an experiment (both write loglog.png)" "holds the experiment arora-w1" "$CLI" generalization "${GZ[@]}" --out "$T/aw"
expect_exit2 "generalization over a run" "holds a training run" "$CLI" generalization "${GZ[@]}" --out "$T/run"
expect_exit2 "birthday over a sweep" "holds a sweep" "$CLI" birthday "${BZ[@]}" --out "$T/sw"
expect_exit2 "train over a birthday test" "holds a birthday test" "$CLI" train "${TR[@]}" --out "$T/bz"
expect_exit2 "sweep over a generalization table" "holds a generalization table" "$CLI" sweep "${SW[@]}" --out "$T/gz"
for d in gz bz; do snap "$T/$d" > "$T/$d.sum"; done
expect_exit2 "sweep over a birthday test" "holds a birthday test" "$CLI" sweep "${SW[@]}" --out "$T/bz"
expect_exit2 "experiment over a birthday test" "holds a birthday test" "$CLI" experiment arora-w1 --out "$T/bz" "${AW[@]}"
expect_exit2 "train over a generalization table" "holds a generalization table" "$CLI" train "${TR[@]}" --out "$T/gz"
expect_exit2 "birthday over a generalization table" "holds a generalization table" "$CLI" birthday "${BZ[@]}" --out "$T/gz"
for d in gz bz; do same $d; done
rm "$T/gz/wgankit-dir.json" "$T/bz/wgankit-dir.json"
expect_exit2 "old generalization table (table.json)" "holds a generalization table (table.json)" "$CLI" birthday "${BZ[@]}" --out "$T/gz"
expect_exit2 "old birthday test (birthday.json)" "holds a birthday test (birthday.json)" "$CLI" generalization "${GZ[@]}" --out "$T/bz"
exit $fail
