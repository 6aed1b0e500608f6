#!/bin/bash
# cli_train.sh — wgankit train/sample/critic/eval end to end on a shortened demo: outputs of a
# run directory, reproducibility (same seed => bit-identical weights), resume after SIGKILL
# (bit-identical to an uninterrupted run), and bad input (exit code 2, clear message).
set -u
CLI=${1:?usage: cli_train.sh path/to/wgankit}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
SMALL="--gen-width 32 --critic-width 32 --batch 64 --n-critic 2 --eval-n 200 --holdout 200 --threads 1 --progress 0"

# Tensor bytes of a safetensors file (the data after the header: weights, optimizer, RNG state).
data_of() { python3 -c "import struct,sys; b=open(sys.argv[1],'rb').read(); n=struct.unpack('<Q',b[:8])[0]; sys.stdout.buffer.write(b[8+n:])" "$1"; }
same_state() { cmp -s <(data_of "$1") <(data_of "$2"); }
# The value of a top-level key in a one-line JSON object (numbers only; empty when absent).
field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<< "$1"; }

# 1. a short run leaves every output
"$CLI" train $SMALL --steps 40 --eval-every 20 --out "$T/a" > "$T/a.log" 2>&1 || bad "train exited $?"
for f in config.json metrics.jsonl metrics.csv checkpoint.safetensors samples.png curves.svg report.html; do
    [ -s "$T/a/$f" ] || bad "missing $f"
done
[ "$(wc -l < "$T/a/metrics.jsonl")" = 3 ] && ok "three evaluations logged (steps 0, 20, 40)" || bad "metrics.jsonl lines"
grep -q '"w1"' "$T/a/metrics.jsonl" && grep -q '"modes"' "$T/a/metrics.jsonl" || bad "metrics lack w1/modes"
tail -n 1 "$T/a.log" | grep -q "report.html" && ok "prints the report path" || bad "report path"

# 2. same seed => same weights
"$CLI" train $SMALL --steps 40 --eval-every 20 --out "$T/b" > /dev/null 2>&1
same_state "$T/a/checkpoint.safetensors" "$T/b/checkpoint.safetensors" && ok "reproducible" || bad "two runs with one seed differ"

# 3. SIGKILL mid-run, then --resume: bit-identical to the uninterrupted run
"$CLI" train $SMALL --steps 300 --eval-every 50 --checkpoint-every 10 --out "$T/full" > /dev/null 2>&1
"$CLI" train $SMALL --steps 300 --eval-every 50 --checkpoint-every 10 --out "$T/killed" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do [ -s "$T/killed/checkpoint.safetensors" ] && break; sleep 0.05; done
sleep 0.3
kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null
"$CLI" sample --checkpoint "$T/killed/checkpoint.safetensors" -n 5 -o "$T/k.npy" > /dev/null 2>&1 \
    && ok "checkpoint intact after SIGKILL" || bad "checkpoint unreadable after SIGKILL"
"$CLI" train --resume "$T/killed" > "$T/resume.log" 2>&1 || bad "resume exited $?"
grep -q "resuming" "$T/resume.log" || echo "note: the run had finished before the kill"
same_state "$T/full/checkpoint.safetensors" "$T/killed/checkpoint.safetensors" && ok "resume is bit-identical" \
    || bad "resumed run differs from the uninterrupted one"

# 4. sample / critic / eval
"$CLI" data ring -n 100 -o "$T/x.npy" > /dev/null
"$CLI" sample --checkpoint "$T/a/checkpoint.safetensors" -n 50 -o "$T/s.npy" > /dev/null && ok "sample npy" || bad "sample"
"$CLI" sample --checkpoint "$T/a/checkpoint.safetensors" -n 50 -o "$T/s.png" > /dev/null && ok "sample png" || bad "sample png"
"$CLI" critic --checkpoint "$T/a/checkpoint.safetensors" --input "$T/x.npy" -o "$T/d.npy" --grad "$T/g.npy" --lipschitz \
    | grep -q certified && [ -s "$T/d.npy" ] && [ -s "$T/g.npy" ] && ok "critic" || bad "critic"
"$CLI" critic --checkpoint "$T/a/checkpoint.safetensors" --lipschitz | grep -q '"n_points": 2000' \
    && ok "critic --lipschitz on generated samples" || bad "critic --lipschitz without --input"
# eval draws from the same fixed evaluation stream as training: its W1 and d_D at the last
# checkpoint are the run's last logged ones, and it omits what only a training step has
ev=$("$CLI" eval --checkpoint "$T/a/checkpoint.safetensors" --eval-n 200)
last=$(tail -1 "$T/a/metrics.jsonl")
for key in w1 d_D; do
    [ -n "$(field "$ev" $key)" ] && [ "$(field "$ev" $key)" = "$(field "$last" $key)" ] \
        && ok "eval $key equals the run's last logged $key" || bad "eval $key: $ev vs $last"
done
case $ev in *loss_d*|*speed_it_s*) bad "eval prints training-only fields: $ev";; *) ok "eval omits training-only fields";; esac

# 4b. other data sources: 1-D mixture, CSV points, CIFAR-10 binary records (MLP on 3x32x32)
"$CLI" train $SMALL --steps 3 --eval-every 0 --data "mixture1d:k=3" --out "$T/m1" > /dev/null 2>&1 && ok "1-D mixture" || bad "1-D mixture"
python3 -c "
import random; random.seed(1)
open('$T/p.csv','w').write('x,y\n' + ''.join(f'{random.gauss(0,1)},{random.gauss(0,1)}\n' for _ in range(300)))
open('$T/c.bin','wb').write(b''.join(bytes([i % 10]) + bytes(random.randrange(256) for _ in range(3072)) for i in range(40)))"
"$CLI" train $SMALL --steps 3 --eval-every 0 --data "$T/p.csv" --out "$T/csv" > /dev/null 2>&1 && ok "CSV data" || bad "CSV data"
"$CLI" train $SMALL --steps 3 --eval-every 0 --batch 8 --holdout 10 --eval-n 10 --data "$T/c.bin" --out "$T/cifar" > /dev/null 2>&1 \
    && grep -q '"sample_shape":"3x32x32"' "$T/cifar/config.json" && ok "CIFAR-10 records" || bad "CIFAR-10 records"

# 5. bad input: exit 2 with a message, nothing lost
expect2() { # description, command...
    local what=$1; shift
    "$@" > "$T/out" 2> "$T/err"; local rc=$?
    if [ $rc = 2 ] && [ -s "$T/err" ]; then ok "$what: $(head -c 150 "$T/err" | tr '\n' ' ')"; else bad "$what: exit $rc"; fi
}
expect2 "unknown flag" "$CLI" train --no-such-flag 1
expect2 "bad value" "$CLI" train --critic nope
expect2 "critic -o without --input" "$CLI" critic --checkpoint "$T/a/checkpoint.safetensors" -o "$T/d2.npy"
expect2 "missing data file" "$CLI" train $SMALL --data "$T/none.npy" --out "$T/c"
printf 'garbage' > "$T/bad.npy"
expect2 "corrupt data file" "$CLI" train $SMALL --data "$T/bad.npy" --out "$T/c"
python3 -c "import struct; open('$T/nan.csv','w').write('1,2\n3,nan\n' * 10)"
expect2 "NaN in data" "$CLI" train $SMALL --data "$T/nan.csv" --out "$T/c"
python3 -c "
import struct
open('$T/img.idx','wb').write(bytes([0,0,8,3]) + struct.pack('>III', 10, 20, 20) + bytes(4000))"
expect2 "wrong image size" "$CLI" train $SMALL --data "$T/img.idx" --gen dcgan --critic-net dcgan --out "$T/c"
mkdir -p "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then expect2 "unwritable run directory" "$CLI" train $SMALL --steps 2 --out "$T/ro/run"; fi
expect2 "unwritable run directory (a file in the way)" "$CLI" train $SMALL --steps 2 --out "$T/x.npy/run"
expect2 "resume without checkpoint" "$CLI" train --resume "$T/none"
expect2 "corrupt checkpoint" "$CLI" sample --checkpoint "$T/bad.npy" -o "$T/q.npy"
cp "$T/a/checkpoint.safetensors" "$T/keep.st"
python3 -c "import numpy as np; np.save('$T/z3.npy', np.zeros((4,3),np.float32))" 2>/dev/null && \
    expect2 "latent of the wrong width" "$CLI" sample --checkpoint "$T/a/checkpoint.safetensors" --latent "$T/z3.npy" -o "$T/q.npy"
cmp -s "$T/keep.st" "$T/a/checkpoint.safetensors" && ok "checkpoint untouched by failures" || bad "checkpoint changed"

# 6. divergence: NaN stops the run with the step number, the last good checkpoint stays. A
# healthy SGD run writes a checkpoint; resuming it with learning rate 10 diverges after that.
"$CLI" train $SMALL --steps 10 --eval-every 0 --checkpoint-every 5 --critic none --opt-d sgd --opt-g sgd \
    --lr-d 1e-3 --lr-g 1e-3 --out "$T/nan" > /dev/null 2>&1 || bad "healthy run before divergence"
cp "$T/nan/checkpoint.safetensors" "$T/good.st"
"$CLI" train --resume "$T/nan" --steps 300 --checkpoint-every 1000 --lr-d 10 --lr-g 10 > /dev/null 2> "$T/nan.err"; rc=$?
if [ $rc = 1 ] && grep -q "step [0-9]*: .*NaN/Inf" "$T/nan.err" && grep -q "last good checkpoint" "$T/nan.err"; then
    ok "divergence stops: $(head -c 200 "$T/nan.err")"
else
    bad "divergence (rc $rc): $(cat "$T/nan.err")"
fi
cmp -s "$T/good.st" "$T/nan/checkpoint.safetensors" && "$CLI" sample --checkpoint "$T/nan/checkpoint.safetensors" -n 4 \
    -o "$T/n.npy" >/dev/null && ok "last good checkpoint kept, byte for byte, and loads" || bad "last good checkpoint lost"
exit $fail
