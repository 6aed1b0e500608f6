#!/bin/bash
# cli_failed_run_dir.sh — a training run that fails before writing anything of its own (bad data,
# divergence before any evaluation or checkpoint) leaves only what was there before: no --out
# directory it created (nor parents it created), and in an existing directory neither its lock nor
# its wgankit-dir.json (they were left behind, so the directory read as a run's: another command
# refused it). A run that fails after its first checkpoint keeps it; a refused run over another's
# directory leaves that directory as it was. $1: the CLI binary.
set -u
CLI=$1
. "$(dirname "$0")/lib_cli.sh"
Q=(--steps 4 --batch 16 --eval-n 32 --holdout 16 --gen-width 8 --critic-width 8 --threads 1 --progress 0)
printf 'x,y\n1,2\n3,oops\n' > "$T/bad.csv"

expect_exit2 "bad data: exit 2 naming the file" "bad.csv" "$CLI" train --data "$T/bad.csv" --out "$T/run" "${Q[@]}"
check "... and no --out left behind" test ! -e "$T/run"
expect_exit2 "bad data into new parents" "bad.csv" "$CLI" train --data "$T/bad.csv" --out "$T/p/q/r/" "${Q[@]}"
check "... none of the parents it made left behind" test ! -e "$T/p"
mkdir -p "$T/keep/own" && echo mine > "$T/keep/own/notes.txt"
expect_exit2 "bad data into an existing directory" "bad.csv" "$CLI" train --data "$T/bad.csv" --out "$T/keep/own" "${Q[@]}"
check "... holds only what it held before" test "$(ls -A "$T/keep/own")" = notes.txt
expect_exit2 "bad data into an existing empty parent" "bad.csv" "$CLI" train --data "$T/bad.csv" --out "$T/keep/new" "${Q[@]}"
check "... the parent stays, the new directory goes" test "$(ls -A "$T/keep")" = own
check "a rerun on good data needs no --force" "$CLI" train --data ring --out "$T/run" "${Q[@]}"
"$CLI" train --data "$T/bad.csv" --out "$T/sw" "${Q[@]}" 2>/dev/null
check "a sweep may use the --out a failed run named" "$CLI" sweep --grid gen_depth=1 --steps 1 --eval-every 1 --batch 16 \
    --eval-n 32 --gen-width 8 --critic-width 8 --out "$T/sw"

# divergence (NaN) before any evaluation or checkpoint: nothing of the run to keep
D=(--data ring --critic none --opt-d sgd --lr-d 10 --critic-clamp 0 --batch 64 --eval-n 128 --holdout 128 --gen-width 8
   --critic-width 8 --threads 1 --progress 0)  # NaN at step 2
"$CLI" train "${D[@]}" --steps 20 --eval-every 0 --checkpoint-every 0 --out "$T/div" >/dev/null 2>&1
check "divergence before anything was written: exit 1, no --out" test $? -eq 1 -a ! -e "$T/div"
# ... after its first checkpoint: the checkpoint stays
"$CLI" train "${D[@]}" --steps 20 --eval-every 0 --checkpoint-every 1 --out "$T/div1" >/dev/null 2>&1
check "divergence after a checkpoint: exit 1, the checkpoint kept" test $? -eq 1 -a -s "$T/div1/checkpoint.safetensors"
# a run refused over a sweep's directory leaves it as it was
(cd "$T/sw" && find . | sort) > "$T/sw.before"
expect_exit2 "a run over a sweep is refused" "holds a sweep" "$CLI" train --data ring --out "$T/sw" "${Q[@]}"
check "... which keeps what it held" bash -c "(cd '$T/sw' && find . | sort) | cmp -s - '$T/sw.before'"
exit $fail
