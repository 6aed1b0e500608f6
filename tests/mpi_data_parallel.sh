#!/usr/bin/env bash
# mpi_data_parallel.sh WGANKIT — data-parallel training under mpirun -np 2 (issue 16):
#  - 2 ranks at batch 64 against one process at batch 64 drawing the same 2 shards
#    (--data-shards 2): weights within 1e-5 relative after 50 steps for the gp and bjorck critics
#    (they are in fact bit-identical, optimizer state included: checked too), also MIX+GAN and
#    file data; 3 ranks against one process with 3 shards (bit-identical); two 2-rank runs bit-identical; a resumed 2-rank run equals the uninterrupted one,
#    also when resumed in one process; the data-parallel run's checkpoint loads in one process
#    (sample, critic, eval, gen: sources, Python) while a resume still needs the ranks;
#  - bad input: --data-parallel without mpirun, a batch that does not divide by the ranks, ranks
#    whose settings differ, two ranks without --data-parallel: exit 2, one message (rank 0);
#  - a killed rank and a hanging (stopped) rank: the job ends within a timeout, naming it.
# Skips (exit 77) when this build has no MPI (WK_MPIEXEC empty, set by CMake).
W=${1:?usage: mpi_data_parallel.sh WGANKIT}
if [ -z "${WK_MPIEXEC:-}" ]; then echo "skipped: this wgankit was built without MPI (install libopenmpi-dev)"; exit 77; fi
. "$(dirname "$0")/lib_cli.sh"
PY=/usr/bin/python3
CMP="$(dirname "$0")/mpi_compare.py"
MPI=("$WK_MPIEXEC" --allow-run-as-root --oversubscribe)
# Under make check-sanitize: no leak check inside mpirun (Open MPI's components leak at MPI_Finalize
# from modules it has already unloaded, which LSan can neither symbolise nor suppress by name). ASan
# and UBSan stay on; the one-process runs of these tests keep the leak check.
[ -n "${ASAN_OPTIONS:-}" ] && MPI=(env "ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}" "${MPI[@]}")
RUN=(--eval-every 0 --progress 0 --threads 1 --batch 64)

single() { "$W" train "${RUN[@]}" --data-shards 2 "$@" >/dev/null 2>"$T/err1" || { cat "$T/err1"; return 1; }; }
ranks2() { "${MPI[@]}" -np 2 "$W" train "${RUN[@]}" --data-parallel 1 "$@" >"$T/out2" 2>"$T/err2" || { cat "$T/err2"; return 1; }; }
same() { $PY "$CMP" "$1/checkpoint.safetensors" "$2/checkpoint.safetensors" "${3:-0}" ${4:-} >"$T/cmp" || { cat "$T/cmp"; return 1; }; }

for critic in gp bjorck; do
    check "$critic: one process, 2 shards, 50 steps" single --critic $critic --steps 50 --out "$T/s-$critic"
    check "$critic: 2 ranks, 50 steps" ranks2 --critic $critic --steps 50 --out "$T/m-$critic"
    check "$critic: weights within 1e-5 relative" same "$T/s-$critic" "$T/m-$critic" 1e-5 weights
    check "$critic: weights and optimizer state bit-identical" same "$T/s-$critic" "$T/m-$critic" 0
done
check "rank 0 alone wrote the run" test "$(grep -c report.html "$T/out2")" = 1
check "rank 0 reports the all-reduce time" grep -q "in 100 all-reduces\|all-reduces of" "$T/out2"
check "bjorck: a second 2-rank run is bit-identical" ranks2 --critic bjorck --steps 50 --out "$T/m2-bjorck"
check "  same" same "$T/m-bjorck" "$T/m2-bjorck" 0
# 3 ranks: the shared-memory all-reduce sums in rank order, the single process's shard order
check "gp, 3 shards at batch 48: one process" single --critic gp --steps 10 --batch 48 --data-shards 3 --out "$T/s3"
ranks3() { "${MPI[@]}" -np 3 "$W" train "${RUN[@]}" --data-parallel 1 "$@" >/dev/null 2>"$T/err2" || { cat "$T/err2"; return 1; }; }
check "gp, 3 ranks at batch 48" ranks3 --critic gp --steps 10 --batch 48 --out "$T/m3"
check "  bit-identical" same "$T/s3" "$T/m3" 0
check "MIX+GAN (2 components, gp): one process" single --mix 2 --critic gp --steps 10 --out "$T/s-mix"
check "MIX+GAN: 2 ranks" ranks2 --mix 2 --critic gp --steps 10 --out "$T/m-mix"
check "MIX+GAN: bit-identical" same "$T/s-mix" "$T/m-mix" 0
# a data-parallel run's checkpoint is used by every read-only command in one process (or under
# mpirun) as the one-process run's is: data_parallel matters only to a resume
C=$T/m-mix/checkpoint.safetensors
check "data-parallel checkpoint: sample" "$W" sample --checkpoint "$C" -n 7 -o "$T/dps.npy"
check "  the same samples as the one-process run's" sh -c "'$W' sample --checkpoint '$T/s-mix/checkpoint.safetensors' -n 7 -o '$T/sps.npy' && cmp '$T/dps.npy' '$T/sps.npy'"
check "  under mpirun -np 2 too" "${MPI[@]}" -np 2 "$W" sample --checkpoint "$C" -n 7 -o "$T/dps2.npy"
check "  critic --lipschitz" sh -c "'$W' critic --checkpoint '$C' --lipschitz >'$T/dpl'"
check "  eval" sh -c "'$W' eval --checkpoint '$C' --eval-n 200 >'$T/dpe' && grep -q w1 '$T/dpe'"
check "  draw gen:RUN" "$W" draw "gen:$T/m-mix" -n 5 -o "$T/dpd.npy"
check "  nnd gen:RUN" sh -c "'$W' nnd 'gen:$T/m-mix' ring -m 100 --steps 3 --json >/dev/null"
check "  birthday gen:RUN" sh -c "'$W' birthday 'gen:$T/m-mix' --batch 20 --trials 2 --out '$T/dpb' >/dev/null"
expect_exit2 "  a resume still needs the ranks" "mpirun -np K" "$W" train --resume "$T/m-mix" --steps 12
if ls python/wgankit/_wgankit*.so >/dev/null 2>&1; then
    check "  Python Checkpoint: samples, and its config says data_parallel 1" env PYTHONPATH=python $PY -c "
import numpy as np, wgankit
c = wgankit.Checkpoint('$C')
assert c.config['data_parallel'] == 1 and c.config['data_shards'] == 2, c.config
assert c.sample(3).shape == (3, 2)"
fi
check "spectral norm, a fixed sample (epoch order): one process" single --critic spectral --data-n 300 --steps 10 --out "$T/s-sn"
check "spectral norm, a fixed sample: 2 ranks" ranks2 --critic spectral --data-n 300 --steps 10 --out "$T/m-sn"
check "spectral norm, a fixed sample: bit-identical" same "$T/s-sn" "$T/m-sn" 0
# resume: 25 steps, then 25 more from the checkpoint, against 50 in one go (gp above)
check "resume: first 25 steps" ranks2 --critic gp --steps 25 --out "$T/r-gp"
resume2() { "${MPI[@]}" -np 2 "$W" train --resume "$T/r-gp" --steps 50 --progress 0 >"$T/out2" 2>"$T/err2" || { cat "$T/err2"; return 1; }; }
check "resume: 25 more" resume2
check "  from step 25" grep -q "resuming .* at step 25" "$T/out2"
check "resume: equals the uninterrupted run" same "$T/m-gp" "$T/r-gp" 0
check "resume on one process: first 25 steps on 2 ranks" ranks2 --critic gp --steps 25 --out "$T/r1-gp"
resume1() { "$W" train --resume "$T/r1-gp" --steps 50 --data-parallel 0 --progress 0 >/dev/null 2>"$T/err1" || { cat "$T/err1"; return 1; }; }
check "  25 more in one process (--data-parallel 0 keeps the 2 shards)" resume1
check "  equals the uninterrupted 2-rank run" same "$T/m-gp" "$T/r1-gp" 0

# ---- bad input: exit 2, one clear message, every rank ends
expect_exit2 "--data-parallel without mpirun" "mpirun -np K" "$W" train --data-parallel 1 --out "$T/x"
expect_exit2 "batch 63 on 2 ranks" "does not divide by the 2 ranks" "${MPI[@]}" -np 2 "$W" train --data-parallel 1 --batch 63 --out "$T/x"
check "  said once" test "$(grep -c "does not divide" "$T/err")" = 1
expect_exit2 "ranks with different settings" "rank 1's settings differ from rank 0's" \
    "${MPI[@]}" -np 1 "$W" train --data-parallel 1 --lr-d 1e-4 --out "$T/x" : -np 1 "$W" train --data-parallel 1 --lr-d 2e-4 --out "$T/x"
expect_exit2 "a bad flag on one rank" "could not read its settings" \
    "${MPI[@]}" -np 1 "$W" train --data-parallel 1 --out "$T/x" : -np 1 "$W" train --data-parallel 1 --lr-d oops --out "$T/x"
expect_exit2 "two ranks without --data-parallel" "only with --data-parallel 1" "${MPI[@]}" -np 2 "$W" train --out "$T/x"
check "nothing was written" test ! -e "$T/x/checkpoint.safetensors"

# ---- a rank that dies or hangs: the others end within a timeout, naming the failure
rank_pid() { # the pid of rank $2 under mpirun $1 (its environment names the rank)
    for p in $(pgrep -f "$W train" 2>/dev/null); do
        [ "$(tr '\0' '\n' </proc/$p/environ 2>/dev/null | grep -c "^OMPI_COMM_WORLD_RANK=$2$")" = 1 ] &&
            grep -q "$T/$3" /proc/$p/cmdline 2>/dev/null && { echo $p; return; }
    done
}
fault() { # name signal: start a long run, hit rank 1 with the signal after its first checkpoint
    "${MPI[@]}" -np 2 "$W" train "${RUN[@]}" --data-parallel 1 --steps 100000 --checkpoint-every 20 --dist-timeout 5 \
        --out "$T/$1" >"$T/$1.out" 2>"$T/$1.err" &
    local job=$! p= i
    for i in $(seq 600); do [ -e "$T/$1/checkpoint.safetensors" ] && break; sleep 0.1; done
    p=$(rank_pid $job 1 "$1")
    [ -n "$p" ] && kill -$2 "$p"
    for i in $(seq 600); do kill -0 $job 2>/dev/null || break; sleep 0.1; done # at most 60 s
    if kill -0 $job 2>/dev/null; then echo "FAIL $1: the job still runs 60 s after rank 1 got SIG$2"; kill -9 $job; fail=1; return; fi
    wait $job
    local rc=$?
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null # a stopped rank the launcher did not end
    if [ -n "$p" ] && [ $rc -ne 0 ]; then echo "ok   $1: rank 1 got SIG$2, the job ended with status $rc"
    else echo "FAIL $1 (rank pid '$p', status $rc)"; fail=1; fi
}
fault killed KILL
cat "$T/killed.err" | head -5
check "  the failure is named" grep -qi "rank 1\|signal 9\|killed" "$T/killed.err"
fault stopped STOP
cat "$T/stopped.err" | head -5
check "  rank 0 names the wait" grep -q "no answer from the other ranks" "$T/stopped.err"
exit $fail
