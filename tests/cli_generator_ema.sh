#!/bin/bash
# cli_generator_ema.sh — an explicit --generator ema on a run trained with --ema 0 is refused the
# same way by eval and sample (exit 2 naming the flag and that the run has no EMA; sample used to
# give the raw generator's samples with exit 0); without the flag, and with --generator raw, both
# use the raw generator; a run with an EMA honours both choices. $1: the CLI binary.
set -u
CLI=$1
source "$(dirname "$0")/lib_cli.sh"
Q="--steps 4 --batch 32 --eval-every 0 --eval-n 50 --holdout 50 --lip-pairs 10 --threads 1 --progress 0"
"$CLI" train --ema 0 $Q --out "$T/rne" >/dev/null 2>&1
"$CLI" train --ema 0.9 $Q --out "$T/re" >/dev/null 2>&1
C="$T/rne/checkpoint.safetensors"
NEED="--generator ema: $C was trained without an EMA generator (--ema 0)"
expect_exit2 "eval --generator ema on a run without EMA" "$NEED" "$CLI" eval --checkpoint "$C" --generator ema
expect_exit2 "sample --generator ema on a run without EMA" "$NEED" \
    "$CLI" sample --checkpoint "$C" --generator ema -n 3 --seed 1 -o "$T/qe.npy"
check "... and nothing written" test ! -e "$T/qe.npy"
"$CLI" sample --checkpoint "$C" --generator raw -n 3 --seed 1 -o "$T/qr.npy" >/dev/null
"$CLI" sample --checkpoint "$C" -n 3 --seed 1 -o "$T/qd.npy" >/dev/null
check "sample without the flag: the raw generator" cmp -s "$T/qr.npy" "$T/qd.npy"
check "eval --generator raw works" bash -c "'$CLI' eval --checkpoint '$C' --generator raw --eval-n 50 | grep -q '\"w1\"'"
E="$T/re/checkpoint.safetensors"
"$CLI" sample --checkpoint "$E" --generator ema -n 3 --seed 1 -o "$T/ee.npy" >/dev/null
"$CLI" sample --checkpoint "$E" --generator raw -n 3 --seed 1 -o "$T/er.npy" >/dev/null
"$CLI" sample --checkpoint "$E" -n 3 --seed 1 -o "$T/ed.npy" >/dev/null
check "a run with an EMA: ema is the default" cmp -s "$T/ee.npy" "$T/ed.npy"
check "... and raw differs from it" bash -c "! cmp -s '$T/ee.npy' '$T/er.npy'"
exit $fail
