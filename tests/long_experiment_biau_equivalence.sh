#!/bin/bash
# long_experiment_biau_equivalence.sh — issue 17 acceptance 1 (make check-long): `wgankit experiment biau-equivalence --scale quick`
# runs end to end on 2 cores and writes every output (run_quick_experiment in lib_experiment.sh;
# the directory is left in $WK_LONG_OUT, default /tmp/wk_long_experiment_biau_equivalence, for docs/experiments/biau-equivalence.md).
set -u
. "$(dirname "$0")/lib_cli.sh"
. "$(dirname "$0")/lib_experiment.sh"
run_quick_experiment biau-equivalence "$1"
exit $fail
