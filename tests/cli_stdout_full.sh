#!/bin/bash
# cli_stdout_full.sh — results printed to stdout that cannot be written (a full disk, here /dev/full) end
# with "wgankit CMD: stdout: No space left on device" and exit 1 (README "Exit codes": 1 for a full disk).
# Were: nothing written, no message, exit 0, for every command that prints its result. One check for
# all commands (src/cli/main.c); here each kind of printer: CSV text (data, a large one bypassing stdio's
# buffer), one JSON line (w1, nnd, metrics), the report lines of eval and critic, and --help.
# $1: the CLI binary.
set -u
source "$(dirname "$0")/lib_cli.sh"
in_tmp "$1"
[ -w /dev/full ] || { echo "skip: no /dev/full"; exit 0; }
"$CLI" train --steps 2 --batch 16 --eval-every 0 --eval-n 20 --holdout 50 --lip-pairs 10 --threads 1 --progress 0 --out r >/dev/null 2>&1
C=r/checkpoint.safetensors
"$CLI" data ring -n 50 -o c.npy >/dev/null
full() { # description, command...: exit 1 with the reason when stdout is /dev/full
    local what=$1; shift
    "$@" >/dev/full 2>"$T/err"
    local rc=$?
    if [ $rc -eq 1 ] && grep -q "stdout: No space left on device" "$T/err"; then echo "ok   $what"
    else echo "FAIL $what (rc $rc, stderr: $(tail -2 "$T/err"))"; fail=1; fi
}
full "data ring -n 100000 (large CSV)" "$CLI" data ring -n 100000
full "data ring -n 3 (small CSV)" "$CLI" data ring -n 3
full "w1 --json" "$CLI" w1 c.npy c.npy --json
full "nnd --json" "$CLI" nnd c.npy ring --steps 2 --json
full "metrics --json" "$CLI" metrics --real c.npy --fake c.npy --features none --metrics fd --json
full "eval" "$CLI" eval --checkpoint $C --eval-n 100
full "critic --lipschitz" "$CLI" critic --checkpoint $C --lipschitz
full "--help" "$CLI" w1 --help
check "a command that failed keeps its own exit code" bash -c "'$CLI' w1 missing.npy c.npy >/dev/full 2>/dev/null; [ \$? -eq 2 ]"
check "stdout that works: exit 0" bash -c "'$CLI' data ring -n 3 >/dev/null"
exit $fail
