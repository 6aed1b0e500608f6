#!/bin/bash
# cli_memory_limit_exit.sh — under a memory limit (ulimit -v) every command ends, with its result
# or exit 2 (finding 1 of tester6): OpenBLAS's worker threads, started at load, each retried a
# 128 MB buffer the limit refused forever, so `wgankit --help` under `ulimit -v 200000` printed its
# text and never exited (exit joins the workers); a team of 2 threads running OpenBLAS hung the
# same way when the limit had room for one buffer only; and an input that fitted the readers'
# check but not the working memory of its method ended "out of memory allocating 1600000 bytes",
# exit 1, naming no file. OPENBLAS_NUM_THREADS=2 is set as a user might: it starts the workers on a
# one-core machine too. Each command runs under `timeout` so that a hang fails (rc 124). $1: the CLI.
source "$(dirname "$0")/lib_cli.sh"
in_tmp "$1"
# run under an address-space limit (KB) with a deadline: lim KB SECONDS command...
lim() { local kb=$1 s=$2; shift 2; OPENBLAS_NUM_THREADS=2 timeout "$s" bash -c 'ulimit -v "$0"; exec "$@"' "$kb" "$@"; }
if ! lim 4000000 20 "$CLI" data ring -n 2 >/dev/null 2>&1; then
    echo "cli_memory_limit_exit: skipped (this binary does not run under ulimit -v, e.g. a sanitizer build)"
    exit 0
fi
rc_is() { local want=$1 got; shift; "$@" >"$T/out" 2>"$T/err"; got=$?; [ "$got" = "$want" ] || { echo "  rc $got: $(tail -c 300 "$T/err")"; false; }; }
check "--help under ulimit -v 200000 exits 0 (was: hung at exit)" rc_is 0 lim 200000 20 "$CLI" --help
check "data ring -n 3 under the limit prints 3 points and exits 0" bash -c "OPENBLAS_NUM_THREADS=2 timeout 20 bash -c 'ulimit -v 200000; exec \"\$0\" data ring -n 3' '$CLI' | wc -l | grep -qx 3"
"$CLI" data ring -n 30 -o A.npy >/dev/null && "$CLI" data ring -n 45 --seed 3 -o B.npy >/dev/null
free=$("$CLI" w1 A.npy B.npy --json)
check "a small exact w1 under the limit exits 0" rc_is 0 lim 200000 20 "$CLI" w1 A.npy B.npy --json
check "... with the value of the run without a limit" bash -c "[ '$(cat "$T/out")' != '' ] && [ \"\$(sed 's/\"seconds\": [0-9.e-]*//' '$T/out')\" = \"\$(echo '$free' | sed 's/\"seconds\": [0-9.e-]*//')\" ]"
# 200,000 x 8 float32, read as float64 (12.8 MB a file): under these limits it fits the readers'
# check or not, and its method's working memory fits or not; either way the result or exit 2
# naming both files, never exit 1 or a hang
$PY -c "import numpy as np; np.save('big.npy', np.random.default_rng(0).random((200000, 8), dtype=np.float32))"
for kb in 90000 100000 120000 150000; do
    lim $kb 60 "$CLI" w1 big.npy big.npy --method sliced --projections 2 --json >"$T/out" 2>"$T/err"; rc=$?
    check "w1 of 200,000 points under ulimit -v $kb: exit 0 or 2 (rc $rc)" bash -c "[ $rc = 0 ] || { [ $rc = 2 ] && grep -q 'big.npy' '$T/err' && grep -q 'ulimit -v' '$T/err'; }"
done
# a method's own working memory refused under the limit, in a command that prints the library's
# message before it maps the code (metrics): exit 2 and a line naming the limit (was: the
# limit named only in w1's message)
lim 150000 60 "$CLI" metrics --real big.npy --fake big.npy --features none --metrics kid --kid-subset-size 20000 \
    --kid-subsets 1 >"$T/out" 2>"$T/err"; rc=$?
check "metrics KID under ulimit -v 150000: exit 0, or 2 naming the limit (rc $rc)" bash -c "[ $rc = 0 ] || { [ $rc = 2 ] && grep -q 'ulimit -v' '$T/err'; }"
# products large enough for a team of 2 (--threads 2), under a limit with room for about one
# OpenBLAS buffer: the team is cut to what fits instead of hanging
lim 400000 120 "$CLI" train --critic-width 1024 --gen-width 1024 --batch 2048 --threads 2 --steps 1 --eval-every 0 \
    --eval-n 100 --holdout 100 --lip-pairs 10 --progress 0 --out r2 >"$T/out" 2>"$T/err"; rc=$?
check "train with a team of 2 under ulimit -v 400000 ends with exit 0 or 2 (rc $rc)" bash -c "[ $rc = 0 ] || [ $rc = 2 ]"
# a limit with no room for even one OpenBLAS buffer (128 MiB): the products that call OpenBLAS
# directly (KID) refuse before they call it, exit 2 naming the limit, and the backend's products
# (training, here on a team of 2) run without OpenBLAS; both hung before (OpenBLAS retried the
# refused buffer forever)
$PY -c "import numpy as np; np.save('mid.npy', np.random.default_rng(1).random((3000, 8), dtype=np.float32))"
for kb in 100000 140000; do
    lim $kb 30 "$CLI" metrics --real mid.npy --fake mid.npy --features none --metrics kid >"$T/out" 2>"$T/err"; rc=$?
    check "metrics KID under ulimit -v $kb: exit 0, or 2 naming OpenBLAS's buffer and the limit (rc $rc)" \
        bash -c "[ $rc = 0 ] || { [ $rc = 2 ] && grep -q 'ulimit -v' '$T/err'; }"
done
for kb in 160000 200000; do
    rm -rf rt; lim $kb 60 "$CLI" train --threads 2 --steps 2 --eval-every 0 --progress 0 --out rt >"$T/out" 2>"$T/err"; rc=$?
    check "train --threads 2 under ulimit -v $kb ends with exit 0 or 2 (rc $rc)" bash -c "[ $rc = 0 ] || [ $rc = 2 ]"
done
# a DCGAN (convolutions) under limits around what it needs: oneDNN's kernel generation crashed
# (SIGSEGV) when its code buffer could not be mapped; under a limit convolutions take the im2col path
F=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
if [ -f "$F" ]; then
    for kb in 340000 358400 390000 480000; do
        rm -rf rd; lim $kb 120 "$CLI" train --data "$F" --gen dcgan --critic-net dcgan --dcgan-width 16 --latent-dim 32 \
            --critic gp --gp-lambda 10 --batch 13 --n-critic 2 --steps 2 --eval-every 0 --eval-n 100 --holdout 100 \
            --checkpoint-every 0 --threads 2 --progress 0 --out rd >"$T/out" 2>"$T/err"; rc=$?
        check "DCGAN train under ulimit -v $kb ends with exit 0 or 2 (rc $rc)" bash -c "[ $rc = 0 ] || [ $rc = 2 ]"
    done
fi
# a team larger than the thread stacks that fit under the limit (64 threads of 8 MiB stacks
# under 200 MB): the team is cut to what fits, never libgomp's own "Thread creation failed" (exit 1)
rm -rf rt; lim 200000 60 "$CLI" train --threads 64 --steps 2 --eval-every 0 --progress 0 --out rt >"$T/out" 2>"$T/err"; rc=$?
check "train --threads 64 under ulimit -v 200000: exit 0 or 2 (rc $rc)" bash -c "[ $rc = 0 ] || [ $rc = 2 ]"
# a run whose data passes the readers' check but whose networks, arena or evaluation do not fit
# the limit: exit 2 naming the data file and the limit (was: "arena: out of memory for a
# 33554432-byte block", naming neither)
for kb in 150000 240000 270000; do
    rm -rf rt; lim $kb 60 "$CLI" train --data big.npy --steps 2 --eval-every 0 --progress 0 --out rt >"$T/out" 2>"$T/err"; rc=$?
    check "train --data big.npy under ulimit -v $kb: exit 0, or 2 naming big.npy and the limit (rc $rc)" \
        bash -c "[ $rc = 0 ] || { [ $rc = 2 ] && grep -q 'data big.npy' '$T/err' && grep -q 'ulimit -v' '$T/err'; }"
done
# a run whose networks alone exceed the limit (the critic's 16384 x 16384 layer is 1 GiB): exit 2;
# the library's line gives the limit and the sizes in its own words (the status WK_ENOFIT), the
# CLI's line names the flags that make the run smaller (was: one line, the library's, naming
# --batch and --eval-n)
rm -rf rw; lim 400000 60 "$CLI" train --critic-width 16384 --critic-depth 2 --steps 1 --eval-every 0 --progress 0 \
    --threads 1 --out rw >"$T/out" 2>"$T/err"; rc=$?
check "train whose networks do not fit ulimit -v 400000: exit 2, the library's sizes and the CLI's flags (rc $rc)" bash -c "
[ $rc = 2 ] && grep -q '^wgankit train: ring: the run does not fit under the limit of RLIMIT_AS (ulimit -v), 409600000 bytes, of which the process holds [0-9]* (its data; its networks and the working memory of batch 512 and eval_n 2000)' '$T/err' &&
grep -q '^wgankit train: --data ring: the run does not fit this memory limit: .*(--batch, --eval-n' '$T/err' && [ ! -e rw ]"
# memory refused in the middle of a run, by work that had fitted (the limit lowered under the
# running process with prlimit): a runtime failure, exit 1 (was 2, "too large for this limit"),
# and the last checkpoint stays whole: eval reads it and --resume continues from it
if command -v prlimit >/dev/null; then
    # under timeout, as the process itself: a hang fails (124); pid.txt holds its pid
    rm -rf rm; timeout 60 bash -c 'echo $$ >pid.txt; exec "$@"' _ "$CLI" train --steps 100000 --eval-every 5 \
        --checkpoint-every 5 --eval-n 200 --progress 0 --threads 1 --out rm >"$T/out" 2>"$T/err" & tpid=$!
    for _ in $(seq 300); do [ -f rm/checkpoint.safetensors ] && break; sleep 0.1; done
    pid=$(cat pid.txt); vm=$(awk '{print $1 * 4096}' "/proc/$pid/statm")
    prlimit --pid "$pid" --as=$((vm - 8388608)):$((vm - 8388608))
    wait "$tpid"; rc=$?
    check "train whose limit is lowered mid-run: exit 1 (rc $rc)" bash -c "[ $rc = 1 ] && grep -q 'runtime failure' '$T/err' && grep -q 'last good checkpoint' '$T/err'"
    check "... its checkpoint reads" "$CLI" eval --checkpoint rm/checkpoint.safetensors --eval-n 100
    step=$("$CLI" eval --checkpoint rm/checkpoint.safetensors --eval-n 100 | grep -o '"step":[0-9]*' | cut -d: -f2)
    check "... and --resume continues it (step $step)" "$CLI" train --resume rm --steps $((step + 2)) --progress 0
else
    echo "cli_memory_limit_exit: no prlimit here: the mid-run check is skipped"
fi
exit $fail
