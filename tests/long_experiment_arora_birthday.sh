#!/bin/bash
# long_experiment_arora_birthday.sh — issue 17 acceptance 1 (make check-long): `wgankit experiment arora-birthday --scale quick`
# runs end to end on 2 cores and writes every output (results.csv, figures as PNG and SVG,
# report.html, SUMMARY.md with the claim and the verdict lines; lib_experiment.sh). The directory is
# left in $WK_LONG_OUT (default /tmp/wk_long_experiment_arora_birthday) for docs/experiments/arora-birthday.md.
set -u
CLI=$1
OUT=${WK_LONG_OUT:-/tmp/wk_long_experiment_arora_birthday}
# a fresh run each time (the experiment would otherwise resume, and skip, a finished directory);
# WK_LONG_RESUME=1 keeps it, to redo only the measurements and write-up
[ "${WK_LONG_RESUME:-0}" = 1 ] || rm -rf "$OUT"
. "$(dirname "$0")/lib_cli.sh"
. "$(dirname "$0")/lib_experiment.sh"
check "arora-birthday --scale quick" "$CLI" experiment arora-birthday --scale quick --jobs 2 --out "$OUT"
check "arora-birthday outputs" check_outputs "$OUT"
cat "$OUT/SUMMARY.md"
exit $fail
