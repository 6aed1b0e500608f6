#!/bin/bash
# long_experiment_arora_w1.sh — issue 17 acceptance 1 (make check-long): `wgankit experiment arora-w1 --scale quick`
# runs end to end on 2 cores and writes every output (run_quick_experiment in lib_experiment.sh;
# the directory is left in $WK_LONG_OUT, default /tmp/wk_long_experiment_arora_w1, for docs/experiments/arora-w1.md).
set -u
. "$(dirname "$0")/lib_cli.sh"
. "$(dirname "$0")/lib_experiment.sh"
run_quick_experiment arora-w1 "$1"
exit $fail
