#!/bin/bash
# bench_mpi.sh path/to/wgankit [steps] — Open MPI against one process (issue 16), back to back:
# 1. a sweep of 8 points (2 depths x 4 seeds of a small ring GAN, --threads 1 each) on
#    mpirun -np 2 against mpirun -np 1 (one point at a time per rank), and as a control what the
#    machine allows at that moment: the local executor's --jobs 2 against --jobs 1;
# 2. data-parallel training of the 512-wide toy model of bench_train_toy.sh (2->512->512->512 MLPs, gp critic, batch 256,
# 5 critic steps), 1 process x 1 thread against mpirun -np 2 x 1 thread at the same global batch
# (128 rows per rank), back to back so both see the same machine load (--bind-to none: on a shared
# machine the scheduler may move a rank off a busy core). Prints one JSON line per
# run (generator iterations/s over the training loop, rank 0's share of training time inside the
# gradient all-reduce) and the speed-up; and the 2-rank run again with Open MPI's MPI_Iallreduce
# (WK_DIST_ALLREDUCE=mpi) in place of the shared-memory all-reduce, to show what it saves; and the
# CPU seconds per step of each process (a 10-step run subtracted), whose ratio does not depend on
# how many cores the shared machine left the ranks. Needs an MPI build (mpirun on PATH or $WK_MPIEXEC).
set -u
CLI=${1:?usage: bench_mpi.sh path/to/wgankit [steps]}; STEPS=${2:-40}
MPIEXEC=${WK_MPIEXEC:-$(command -v mpirun)}
[ -n "$MPIEXEC" ] || { echo '{"bench": "mpi", "skipped": "no mpirun"}'; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
FLAGS=(--critic gp --gp-lambda 0.1 --critic-act relu --lr-g 1e-4 --lr-d 1e-4 --gen-width 512 --critic-width 512 --gen-depth 3
       --critic-depth 3 --batch 256 --n-critic 5 --eval-every 0 --eval-n 100 --holdout 100 --checkpoint-every 0
       --ema 0 --threads 1 --progress 0)
speed() { /usr/bin/python3 -c "import json; print(json.loads(open('$1/metrics.jsonl').read().splitlines()[-1])['speed_it_s'])"; }
MPIRUN=("$MPIEXEC" --allow-run-as-root --oversubscribe --bind-to none -x WK_DIST_ALLREDUCE)
# dp NAME STEPS [mpi]: the toy run NAME (one: 1 process; two: 2 ranks; twompi: 2 ranks with Open MPI's
# MPI_Iallreduce in place of the shared-memory all-reduce, dist.c), its CPU seconds (user + system, every
# process of the job) into $T/NAME-STEPS.cpu
dp() {
    local cmd=("$CLI" train) env=
    [ "$1" = one ] || cmd=("${MPIRUN[@]}" -np 2 "$CLI" train --data-parallel 1)
    [ "$1" = twompi ] && env=mpi
    WK_DIST_ALLREDUCE=$env /usr/bin/time -f "%U %S" -o "$T/$1-$2.cpu" "${cmd[@]}" "${FLAGS[@]}" --steps "$2" --out "$T/$1-$2" \
        > "$T/$1-$2.log" 2>&1 || { echo "{\"bench\": \"mpi\", \"error\": \"$1\"}"; cat "$T/$1-$2.log"; exit 1; }
}
cpu() { awk '{print $1 + $2}' "$T/$1.cpu"; }
for run in one two twompi; do dp $run "$STEPS"; done
# CPU time per step of the training loop alone: the difference to a 10-step run (start-up and rank 0's
# final evaluation cancel). On a loaded machine the ranks wait for cores, so the wall-clock ratio
# understates what the split gives; CPU time per step per rank does not wait (it counts a rank's
# spinning at the all-reduce, not its sleeping).
for run in one two twompi; do dp $run 10; done
s1=$(speed "$T/one-$STEPS"); s2=$(speed "$T/two-$STEPS"); s3=$(speed "$T/twompi-$STEPS")
cps() { printf '%.4f' "$(echo "($(cpu $1-$STEPS) - $(cpu $1-10)) / ($STEPS - 10) / $2" | bc -l)"; } # CPU s per step per process
c1=$(cps one 1); c2=$(cps two 2); c3=$(cps twompi 2)
SW=(--grid critic_depth=1,2 --seeds 0,1,2,3 --steps 1500 --eval-every 0 --batch 64 --eval-n 256 --holdout 256 --gen-width 32
    --critic-width 32 --threads 1 --progress 0)
t0=$(date +%s.%N)
"$MPIEXEC" --allow-run-as-root --oversubscribe --bind-to none -np 1 "$CLI" sweep "${SW[@]}" --out "$T/sw1" > "$T/sw1.log" 2>&1 || { cat "$T/sw1.log"; exit 1; }
t1=$(date +%s.%N)
"$MPIEXEC" --allow-run-as-root --oversubscribe --bind-to none -np 2 "$CLI" sweep "${SW[@]}" --out "$T/sw2" > "$T/sw2.log" 2>&1 || { cat "$T/sw2.log"; exit 1; }
t2=$(date +%s.%N)
# the control: the local executor's --jobs 2 against --jobs 1 in the same run, what the machine allows now
"$CLI" sweep "${SW[@]}" --jobs 1 --out "$T/sl1" > /dev/null 2>&1; t3=$(date +%s.%N)
"$CLI" sweep "${SW[@]}" --jobs 2 --out "$T/sl2" > /dev/null 2>&1; t4=$(date +%s.%N)
w1=$(echo "$t1 - $t0" | bc); w2=$(echo "$t2 - $t1" | bc); l1=$(echo "$t3 - $t2" | bc); l2=$(echo "$t4 - $t3" | bc)
echo "{\"impl\": \"wgankit\", \"mode\": \"sweep-8-points\", \"ranks1_wall_s\": $w1, \"ranks2_wall_s\": $w2, \"local_jobs1_wall_s\": $l1, \"local_jobs2_wall_s\": $l2}"
# "data-parallel: 2 ranks x 128 rows; rank 0 spent A s of B s training (P%) in N all-reduces of F floats"
allreduce_pct() { sed -n 's/.*training (\([0-9.]*\)%) in \([0-9]*\) all-reduces of \([0-9]*\) floats.*/\1 \2 \3/p' "$1"; }
read -r pct calls floats <<< "$(allreduce_pct "$T/two-$STEPS.log")"
read -r pct3 _ _ <<< "$(allreduce_pct "$T/twompi-$STEPS.log")"
echo "{\"impl\": \"wgankit\", \"mode\": \"dp-toy512-1proc\", \"ranks\": 1, \"threads\": 1, \"batch\": 256, \"it_per_s\": $s1, \"cpu_s_per_step_per_rank\": $c1}"
echo "{\"impl\": \"wgankit\", \"mode\": \"dp-toy512-2ranks\", \"ranks\": 2, \"threads\": 1, \"batch\": 256, \"it_per_s\": $s2, \"cpu_s_per_step_per_rank\": $c2, \"allreduce_pct\": ${pct:-null}, \"allreduce_calls\": ${calls:-null}, \"floats_per_allreduce\": ${floats:-null}}"
echo "{\"impl\": \"wgankit\", \"mode\": \"dp-toy512-2ranks-mpi-iallreduce\", \"ranks\": 2, \"threads\": 1, \"batch\": 256, \"it_per_s\": $s3, \"cpu_s_per_step_per_rank\": $c3, \"allreduce_pct\": ${pct3:-null}}"
/usr/bin/python3 -c "print('sweep of 8 points, 2 ranks vs 1 rank: %.2fx (goal >= 1.8x); control, local --jobs 2 vs --jobs 1: %.2fx' % ($w1 / $w2, $l1 / $l2))"
/usr/bin/python3 -c "print('data-parallel speed-up, 2 ranks x 1 thread vs 1 x 1 at batch 256: %.2fx (goal >= 1.7x); %s%% of rank 0 training time in the gradient all-reduce' % ($s2 / $s1, '${pct:-?}'))"
/usr/bin/python3 -c "print('  with MPI_Iallreduce instead of the shared-memory all-reduce: %.2fx, %s%% in the all-reduce' % ($s3 / $s1, '${pct3:-?}'))"
/usr/bin/python3 -c "print('  CPU time per step, 1 process / each of 2 ranks: %.2fx with the shared-memory all-reduce, %.2fx with MPI_Iallreduce' % ($c1 / $c2, $c1 / $c3))"
uptime | sed 's/^/load: /'
