#!/bin/bash
# long_experiment_mixgan.sh — issue 17 acceptance 1 (make check-long): `wgankit experiment mixgan --scale quick`
# runs end to end on 2 cores and writes every output (results.csv, figures as PNG and SVG,
# report.html, SUMMARY.md with the claim and the verdict lines; lib_experiment.sh). The directory is
# left in $WK_LONG_OUT (default /tmp/wk_long_experiment_mixgan) for docs/experiments/mixgan.md.
set -u
CLI=$1
OUT=${WK_LONG_OUT:-/tmp/wk_long_experiment_mixgan}
# a fresh run each time (the experiment would otherwise resume, and skip, a finished directory);
# WK_LONG_RESUME=1 keeps it, to redo only the measurements and write-up
[ "${WK_LONG_RESUME:-0}" = 1 ] || rm -rf "$OUT"
. "$(dirname "$0")/lib_cli.sh"
. "$(dirname "$0")/lib_experiment.sh"
check "mixgan --scale quick" "$CLI" experiment mixgan --scale quick --jobs 2 --out "$OUT"
check "mixgan outputs" check_outputs "$OUT"
cat "$OUT/SUMMARY.md"
exit $fail
