#!/bin/bash
# long_kill.sh — issue 18 "lost work": `wgankit train` killed with SIGKILL at random moments,
# half of the kills aimed at the checkpoint write (the moment its temp file exists), then
# resumed until it finishes. Checked after each kill: the checkpoint on disk loads (`sample`);
# after each resume: no temp file left by the killed run survives; at the end: no temp file at
# all, and the final checkpoint is bit-identical to the one of an uninterrupted run with the
# same settings (the checkpoint holds the whole training state, gan.h).
#
# The run writes a checkpoint every step (--checkpoint-every 1) so that writes are frequent;
# --data-n gives a fixed training sample, so the data order (state.perm) is restored too.
# WK_KILLS (default 16) kills, WK_KILL_SEED (default: random, printed) replays a sequence.
set -u
CLI=${1:?usage: long_kill.sh path/to/wgankit}
T=${WK_LONG_DIR:-$(mktemp -d)}; mkdir -p "$T"
KILLS=${WK_KILLS:-16}
SEED=${WK_KILL_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$SEED
echo "long_kill: seed $SEED, $KILLS kills, in $T"
FLAGS=(--steps 150 --checkpoint-every 1 --eval-every 0 --eval-n 200 --holdout 200 --data-n 1000
       --gen-width 32 --critic-width 32 --batch 64 --n-critic 2 --threads 1 --progress 0 --seed 7)
fail() { echo "FAIL: $*"; exit 1; }
tmps() { compgen -G "$T/run/checkpoint.safetensors.tmp.*"; }

# The uninterrupted reference, in the same directory name (the config in the checkpoint holds
# the run directory), then moved aside.
rm -rf "$T/run" "$T/ref"
start=$(date +%s.%N)
"$CLI" train "${FLAGS[@]}" --out "$T/run" >/dev/null || fail "uninterrupted run"
dur=$(echo "$(date +%s.%N) - $start" | bc)
mv "$T/run" "$T/ref"
echo "uninterrupted run: ${dur} s"

kills=0 during_write=0 starts=0 finished_early=0
mtime() { stat -c %y "$T/run/checkpoint.safetensors" 2>/dev/null; }
while :; do
    # Start (or resume) the run; a run killed before its first checkpoint has nothing to resume.
    if [ -r "$T/run/checkpoint.safetensors" ]; then
        cmd=(train --resume "$T/run")
    else
        rm -rf "$T/run"
        cmd=(train "${FLAGS[@]}" --out "$T/run")
    fi
    before=$(tmps) ck0=$(mtime)
    "$CLI" "${cmd[@]}" >/dev/null 2>"$T/err" &
    pid=$!
    starts=$((starts + 1))
    killed=0
    if [ $kills -lt "$KILLS" ]; then
        if [ $((kills % 2)) -eq 0 ]; then
            # a random moment of the run (start, training, a write, the report at the end)
            sleep "$(echo "scale=3; $dur * $RANDOM / 32768" | bc)"
        else
            # the checkpoint write: as soon as a temp file of this process appears
            for _ in $(seq 20000); do
                kill -0 $pid 2>/dev/null || break
                for f in $(tmps); do grep -qxF "$f" <<<"$before" || break 2; done
                sleep 0.001
            done
        fi
        kill -9 $pid 2>/dev/null && killed=1
    fi
    { wait $pid; } 2>/dev/null
    rc=$?
    if [ $killed -eq 1 ]; then
        [ $rc -eq 137 ] || fail "run $starts: exit $rc before the kill landed: $(cat "$T/err")"
        kills=$((kills + 1))
        for f in $(tmps); do grep -qxF "$f" <<<"$before" || { during_write=$((during_write + 1)); break; }; done
        if [ -e "$T/run/checkpoint.safetensors" ]; then
            "$CLI" sample --checkpoint "$T/run/checkpoint.safetensors" -n 2 -o "$T/s.npy" >/dev/null 2>"$T/err2" ||
                fail "after kill $kills the checkpoint does not load: $(cat "$T/err2")"
        fi
    else
        [ $rc -eq 0 ] || fail "run $starts exited with $rc: $(cat "$T/err")"
    fi
    # A resumed run that got as far as a new checkpoint (or the end) has removed the temp files
    # of the earlier kills.
    if [ -n "$before" ] && { [ $killed -eq 0 ] || [ "$(mtime)" != "$ck0" ]; }; then
        for f in $before; do [ -e "$f" ] && fail "temp file $(basename "$f") of an earlier kill survived a resume"; done
    fi
    if [ $killed -eq 0 ]; then
        cmp -s "$T/ref/checkpoint.safetensors" "$T/run/checkpoint.safetensors" ||
            fail "run finished after $kills kills: its final checkpoint differs from the uninterrupted run's"
        [ $kills -ge "$KILLS" ] && break
        finished_early=$((finished_early + 1)) # the kill came too late: start a fresh run
        rm -rf "$T/run"
    fi
done
echo "kills: $kills ($during_write during a checkpoint write), starts: $starts, runs that finished before the kill: $finished_early"
[ $during_write -gt 0 ] || fail "no kill landed during a checkpoint write"
left=$(tmps)
[ -z "$left" ] || fail "temp files left after the finished run: $left"
echo "long_kill: ok"
