#!/bin/bash
# long_experiment_biau_sample_size.sh — issue 17 acceptance 1 (make check-long): `wgankit experiment biau-sample-size --scale quick`
# runs end to end on 2 cores and writes every output (run_quick_experiment in lib_experiment.sh;
# the directory is left in $WK_LONG_OUT, default /tmp/wk_long_experiment_biau_sample_size, for docs/experiments/biau-sample-size.md).
set -u
. "$(dirname "$0")/lib_cli.sh"
. "$(dirname "$0")/lib_experiment.sh"
run_quick_experiment biau-sample-size "$1"
exit $fail
