#!/bin/bash
# cli_input_types.sh — inputs of the wrong kind are refused with exit 2 naming what is wrong,
# never silently converted: config-file values whose JSON type does not fit the setting
# (true read as steps = 1, false as threads = 0, "ring\u0000x" cut to "ring", a number for a
# string setting). $1: the CLI binary.
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
exit $fail
