#!/bin/bash
# long_experiment_arora_birthday.sh — issue 17 acceptance 1 (make check-long): `wgankit experiment arora-birthday --scale quick`
# runs end to end on 2 cores and writes every output (run_quick_experiment in lib_experiment.sh;
# the directory is left in $WK_LONG_OUT, default /tmp/wk_long_experiment_arora_birthday, for docs/experiments/arora-birthday.md).
set -u
. "$(dirname "$0")/lib_cli.sh"
. "$(dirname "$0")/lib_experiment.sh"
run_quick_experiment arora-birthday "$1"
exit $fail
