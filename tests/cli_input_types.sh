#!/bin/bash
# cli_input_types.sh — inputs of the wrong kind are refused with exit 2 naming what is wrong,
# never silently converted: config-file values whose JSON type does not fit the setting
# (true read as steps = 1, false as threads = 0, "ring\u0000x" cut to "ring", a number for a
# string setting); an --eval-real file the point metrics never read (same FD and exit 0 for any
# file, NaN or missing). $1: the CLI binary.
set -u
CLI=$1
source "$(dirname "$0")/lib_cli.sh"
TR="--steps 0 --eval-every 0 --progress 0 --threads 1"
cfg() { printf '%s\n' "$1" >"$T/cfg.json"; }
cfg '{"steps":true,"eval_n":100}'
expect_exit2 "config: steps true" "setting 'steps' must be a number, not a boolean" "$CLI" train --config "$T/cfg.json" --out "$T/r" --progress 0
cfg '{"threads":false}'
expect_exit2 "config: threads false" "setting 'threads' must be a number, not a boolean" "$CLI" train --config "$T/cfg.json" $TR --out "$T/r"
cfg '{"data":"ring\u0000x"}'
expect_exit2 "config: string with NUL" "setting 'data': the string holds a NUL" "$CLI" train --config "$T/cfg.json" $TR --out "$T/r"
cfg '{"gen":5}'
expect_exit2 "config: number for a string setting" "setting 'gen' must be a string, not a number" "$CLI" train --config "$T/cfg.json" $TR --out "$T/r"
cfg '{"steps":null}'
expect_exit2 "config: null" "setting 'steps' must be a number, not null" "$CLI" train --config "$T/cfg.json" $TR --out "$T/r"
# the right types still apply: a boolean setting from true, a number, a numeric string
cfg '{"gen_bn":true,"batch":16,"lr_g":"1e-4"}'
"$CLI" train --config "$T/cfg.json" $TR --data ring --out "$T/ok" >"$T/out" 2>&1 || { echo "FAIL config: right types apply: $(cat "$T/out")"; fail=1; }
check "config: values recorded" grep -q '"batch":16' "$T/ok/config.json"

# --eval-real on point data: the file is the real set. Shifting it by 10 moves FD by about 100;
# NaN, a missing file and a wrong dimension are exit 2 naming the file, for eval and before train.
"$CLI" train --data ring --steps 2 --eval-every 0 --batch 16 --eval-n 200 --threads 1 --progress 0 --out "$T/r1" >/dev/null 2>&1
"$CLI" draw ring -n 300 --seed 1 -o "$T/a.npy" >/dev/null
/usr/bin/python3 -c "
import numpy as np; a = np.load('$T/a.npy'); b = a.copy(); b[:, 0] += 10; np.save('$T/shift.npy', b)
a[5, 0] = np.nan; np.save('$T/nan.npy', a); np.save('$T/d3.npy', np.zeros((300, 3)))"
fd() { "$CLI" eval --checkpoint "$T/r1/checkpoint.safetensors" --metrics fd "$@" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['fd'])"; }
fa=$(fd --eval-real "$T/a.npy"); fs=$(fd --real "$T/shift.npy")
check "eval --eval-real is read (FD $fa vs shifted $fs)" /usr/bin/python3 -c "import sys; a, s = map(float, sys.argv[1:]); sys.exit(0 if 60 < s - a < 140 else 1)" "$fa" "$fs"
expect_exit2 "eval --eval-real NaN" "nan.npy: row 5 (column 0) is NaN" "$CLI" eval --checkpoint "$T/r1/checkpoint.safetensors" --metrics fd --eval-real "$T/nan.npy"
expect_exit2 "eval --real missing" "/nonexistent.npy" "$CLI" eval --checkpoint "$T/r1/checkpoint.safetensors" --metrics fd --real /nonexistent.npy
expect_exit2 "eval --real wrong dimension" "d3.npy: samples shaped \[300, 3\] do not match" "$CLI" eval --checkpoint "$T/r1/checkpoint.safetensors" --metrics fd --real "$T/d3.npy"
expect_exit2 "train --eval-real missing" "/nonexistent.npy" "$CLI" train --data ring --steps 2 --eval-metrics fd --eval-real /nonexistent.npy --out "$T/r2" --progress 0
check "train --eval-real missing: no run written" test ! -e "$T/r2/checkpoint.safetensors"
expect_exit2 "eval --features on point data (never read)" "is points, whose metrics use the raw coordinates" \
    "$CLI" eval --checkpoint "$T/r1/checkpoint.safetensors" --metrics fd --features /nonexistent.safetensors
exit $fail
