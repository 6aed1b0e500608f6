#!/usr/bin/env bash
# mpi_sweep.sh WGANKIT — `mpirun -np 2 wgankit sweep` (issue 16): the same results.csv as a local
# --jobs 2 sweep (apart from the time columns); a worker rank killed mid-sweep ends the job, and
# a rerun on another number of ranks (3) resumes it to the same results.csv; under
# --enable-recovery a killed (progress line on) or stopped worker rank loses only its own point, which a rerun
# resumes; --jobs under mpirun
# is refused; `mpirun -np 2 wgankit experiment` (a tiny biau-depth) gives a local --jobs 2 run's
# results.csv. Skips (exit 77) when this build has no MPI (WK_MPIEXEC empty, set by CMake).
W=${1:?usage: mpi_sweep.sh WGANKIT}
if [ -z "${WK_MPIEXEC:-}" ]; then echo "skipped: this wgankit was built without MPI (install libopenmpi-dev)"; exit 77; fi
. "$(dirname "$0")/lib_cli.sh"
MPI=("$WK_MPIEXEC" --allow-run-as-root --oversubscribe)
# Under make check-sanitize: no leak check inside mpirun (Open MPI's components leak at MPI_Finalize
# from modules it has already unloaded, which LSan can neither symbolise nor suppress by name). ASan
# and UBSan stay on; the one-process runs of these tests keep the leak check.
[ -n "${ASAN_OPTIONS:-}" ] && MPI=(env "ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}" "${MPI[@]}")
SET=(--steps 90 --eval-every 30 --checkpoint-every 10 --batch 64 --eval-n 256 --holdout 256 --gen-width 32 --critic-width 32 --threads 1)
GRID=(--grid gen_depth=1,2 --grid critic-depth=1,2 --seeds 0)
strip_time() { # results.csv without the time columns (time_s, speed_it_s, wall_s), found by name
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) drop[i] = ($i == "time_s" || $i == "speed_it_s" || $i == "wall_s") }
             { s = ""; for (i = 1; i <= NF; i++) if (!drop[i]) s = s $i ","; print s }' "$1"
}
local2() { "$W" sweep "${GRID[@]}" "${SET[@]}" --jobs 2 --out "$T/local" --progress 0 >/dev/null; }
check "local --jobs 2" local2
"${MPI[@]}" -np 2 "$W" sweep "${GRID[@]}" "${SET[@]}" --out "$T/mpi" --progress 0 >"$T/mpi.out" 2>"$T/mpi.err"
check "mpirun -np 2 sweep" grep -q "4 points: 4 done" "$T/mpi.out"
check "same results.csv as --jobs 2" cmp -s <(strip_time "$T/local/results.csv") <(strip_time "$T/mpi/results.csv")
check "4 points done" [ "$(grep -c ',done,' "$T/mpi/results.csv")" -eq 4 ]

# kill_rank1 DIR SIGNAL [MPIRUN-FLAG] [SWEEP-FLAGS...]: a sweep into DIR on 2 ranks (--progress
# $PROGRESS, default 0); once a point has a checkpoint, rank 1 (rank $RANK) gets SIGNAL; the job
# must end within 60 s
kill_rank1() {
    local dir=$1 sig=$2 flag=${3:-} i p victim=
    shift 3
    "${MPI[@]}" $flag -np 2 "$W" sweep "${GRID[@]}" "${SET[@]}" "$@" --out "$T/$dir" --progress ${PROGRESS:-0} >"$T/$dir.out" 2>"$T/$dir.err" &
    local job=$!
    for i in $(seq 600); do ls "$T/$dir"/runs/*/checkpoint.safetensors >/dev/null 2>&1 || ! kill -0 $job 2>/dev/null && break; sleep 0.1; done
    for p in $(pgrep -f "$W sweep"); do
        tr '\0' '\n' </proc/$p/environ 2>/dev/null | grep -q "^OMPI_COMM_WORLD_RANK=${RANK:-1}$" && grep -q "$T/$dir" /proc/$p/cmdline && victim=$p
    done
    [ -n "$victim" ] && kill -$sig "$victim"
    for i in $(seq 600); do kill -0 $job 2>/dev/null || break; sleep 0.1; done
    if kill -0 $job 2>/dev/null; then echo "FAIL the job still runs 60 s after rank ${RANK:-1} got SIG$sig"; kill -9 $job; fail=1
    else wait $job; echo "ok   rank ${RANK:-1} (pid '$victim') got SIG$sig: the job ended (status $?)"; fi
    [ -n "$victim" ] && kill -9 "$victim" 2>/dev/null # a stopped rank the launcher did not end
    sleep 1
}
no_leftover() { ! pgrep -f "$T/$1/runs" >/dev/null; }

# a worker rank dies: Open MPI ends the job, the points keep their checkpoints or point.json
kill_rank1 kill KILL ""
check "no point of the job left running" no_leftover kill
"${MPI[@]}" -np 3 "$W" sweep "${GRID[@]}" "${SET[@]}" --out "$T/kill" --progress 0 >"$T/kill2.out" 2>"$T/kill2.err"
check "resumed on 3 ranks: every point done" grep -q "4 points: 4 done" "$T/kill2.out"
check "  same results.csv as the uninterrupted sweep" cmp -s <(strip_time "$T/local/results.csv") <(strip_time "$T/kill/results.csv")
# under mpirun --enable-recovery the other ranks go on: rank 1, killed (or stopped: it hangs), is
# silent past --dist-timeout 3 and declared lost with its point; rank 0 runs the rest, the job ends
# naming the rank and the point (Open MPI's mpirun then exits 0 whatever the ranks' status:
# results.csv is not written), and a rerun resumes the lost point to the same results.csv. KILL runs
# with the progress line on (--progress 1: the engine's one-second tick, on by default under
# mpirun, whose ranks write to a pty), which once restarted the count of rank 1's silence each second
for sig in KILL STOP; do
    PROGRESS=$([ $sig = KILL ] && echo 1 || echo 0) kill_rank1 rec$sig $sig --enable-recovery --dist-timeout 3
    check "SIG$sig: rank 1 named lost" grep -q "1 rank lost (rank 1 first" "$T/rec$sig.err"
    check "  its point named, left for a rerun" grep -q "sweep: 1 point lost with its worker (the first: p000" "$T/rec$sig.err"
    check "  the other 3 points ran" [ "$(ls "$T/rec$sig"/runs/*/point.json | wc -l)" -eq 3 ]
    check "  no results.csv yet" [ ! -e "$T/rec$sig/results.csv" ]
    check "  no point left running" no_leftover rec$sig
    "${MPI[@]}" -np 2 "$W" sweep "${GRID[@]}" "${SET[@]}" --out "$T/rec$sig" --progress 0 >"$T/rec2.out" 2>"$T/rec2.err"
    check "  rerun: the lost point resumed" grep -q "4 points: 4 done, 0 failed (3 had finished before this run)" "$T/rec2.out"
    check "  same results.csv as the uninterrupted sweep" cmp -s <(strip_time "$T/local/results.csv") <(strip_time "$T/rec$sig/results.csv")
done

# rank 0 killed under --enable-recovery: rank 1 hears nothing for 3 s, stops its point and ends the job
RANK=0 kill_rank1 rec0 KILL --enable-recovery --dist-timeout 3
check "rank 0 killed: rank 1 names the silence" grep -q "rank 1: no word from rank 0 for" "$T/rec0.err"
check "  no point left running" no_leftover rec0

# mpirun -np 2 wgankit experiment: the trainings on the ranks, results.csv as a local --jobs 2 run
EXP=(biau-depth --seeds 0,1 --steps 3 --gen-depths 1,2 --critic-depths 1,2 --gen-width 8 --critic-width 8 --n 64 --w1-repeats 2
     --batch 32 --eval-n 64)
check "experiment, local --jobs 2" "$W" experiment "${EXP[@]}" --jobs 2 --out "$T/el" >/dev/null 2>&1
"${MPI[@]}" -np 2 "$W" experiment "${EXP[@]}" --out "$T/em" >"$T/em.out" 2>"$T/em.err"
check "experiment on 2 ranks: its trainings on the ranks" grep -q "training 8 runs in .* (ranks 2)" "$T/em.err"
check "  8 runs done" grep -q "8 runs: 8 done" "$T/em.err"
check "  same results.csv as --jobs 2" cmp -s <(strip_time "$T/el/results.csv") <(strip_time "$T/em/results.csv")
expect_exit2 "experiment --jobs under mpirun" "--jobs does not apply" "${MPI[@]}" -np 2 "$W" experiment "${EXP[@]}" --jobs 2 --out "$T/x"
expect_exit2 "--jobs under mpirun" "--jobs does not apply" "${MPI[@]}" -np 2 "$W" sweep "${GRID[@]}" "${SET[@]}" --jobs 2 --out "$T/x"
exit $fail
