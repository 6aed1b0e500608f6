#!/bin/bash
# cli_eval_data.sh — `eval --data D` evaluates a checkpoint on data of any size: the training
# rows' epoch order (state.perm) is a resume state that evaluation never reads (was: exit 2
# "tensor 'state.perm' has the wrong dtype or shape" unless D had exactly the training data's row
# count; "state.perm is missing" for a synthetic run evaluated on a file). The run's own data still
# evaluates, and its checkpoint's claims are still checked (cli_checkpoint_state.sh). $1: the CLI.
set -u
CLI=$1
source "$(dirname "$0")/lib_cli.sh"
Q="--batch 32 --eval-every 0 --eval-n 100 --holdout 100 --lip-pairs 10 --threads 1 --progress 0"
"$CLI" data ring -n 600 -o "$T/A.npy" >/dev/null; "$CLI" data grid -n 600 -o "$T/B600.npy" >/dev/null
"$CLI" data grid -n 1000 -o "$T/G1000.npy" >/dev/null
"$CLI" train --data "$T/A.npy" --steps 2 $Q --out "$T/rf" >/dev/null 2>&1
"$CLI" train --steps 2 $Q --out "$T/rs" >/dev/null 2>&1
"$CLI" train --data-n 64 --steps 2 $Q --out "$T/rn" >/dev/null 2>&1
w1_of() { "$CLI" eval "$@" 2>"$T/err" | grep -q '"w1":[0-9]'; }
check "file run on its own data" w1_of --checkpoint "$T/rf/checkpoint.safetensors" --eval-n 100
check "file run on a file of the same size" w1_of --checkpoint "$T/rf/checkpoint.safetensors" --data "$T/B600.npy" --eval-n 100
check "file run on a bigger file" w1_of --checkpoint "$T/rf/checkpoint.safetensors" --data "$T/G1000.npy" --eval-n 100
check "file run with another --holdout" w1_of --checkpoint "$T/rf/checkpoint.safetensors" --holdout 150 --eval-n 100
check "synthetic run on a file" w1_of --checkpoint "$T/rs/checkpoint.safetensors" --data "$T/A.npy" --eval-n 100
check "fixed-sample run with another --data-n" w1_of --checkpoint "$T/rn/checkpoint.safetensors" --data-n 500 --eval-n 100
check "fixed-sample run on a file" w1_of --checkpoint "$T/rn/checkpoint.safetensors" --data "$T/G1000.npy" --eval-n 100
check "synthetic run on another target" w1_of --checkpoint "$T/rs/checkpoint.safetensors" --data grid --eval-n 100
exit $fail
