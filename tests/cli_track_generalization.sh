#!/bin/bash
# cli_track_generalization.sh — `wgankit train --track-generalization 1` (issue 12, item 2):
# W1 and d_D of the generator against the training sample and the held-out sample at every
# evaluation, in metrics.jsonl, metrics.csv and generalization.svg; the values are the exact W1 of
# `wgankit w1` on the same generated points; an overfit run (one training point) shows the gap
# (Arora et al. 2017, §3); without a finite training sample the flag is refused with exit 2.
set -u
CLI=${1:?usage: cli_track_generalization.sh path/to/wgankit}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
SMALL="--gen-width 32 --critic-width 32 --batch 64 --n-critic 2 --threads 1 --progress 0"
KEYS="w1_train w1_heldout d_D_train d_D_heldout"
# key of the last metrics.jsonl line
last() { $PY -c "import json,sys; print(repr(json.loads(open(sys.argv[1]).read().splitlines()[-1]).get(sys.argv[2])))" "$1" "$2"; }

# 1. values: a data file of one repeated point p, so training and held-out samples are both {p}
#    and each W1 is W1(generated, p) — checked against `wgankit w1` on the same generated points
#    (the evaluation draws them with seed ^ 0xe7a1e7a1 from the EMA generator, as `sample` does).
for i in $(seq 40); do echo "0.25,-0.5"; done > "$T/p.csv"
"$CLI" train $SMALL --data "$T/p.csv" --holdout 10 --steps 20 --eval-every 10 --eval-n 300 --seed 5 \
    --track-generalization 1 --out "$T/p" > "$T/p.log" 2>&1 || bad "train on a file exited $? ($(tail -n 1 "$T/p.log"))"
[ "$(wc -l < "$T/p/metrics.jsonl")" = 3 ] || bad "three evaluations (steps 0, 10, 20) expected in metrics.jsonl"
for k in $KEYS; do
    [ "$(grep -c "\"$k\"" "$T/p/metrics.jsonl")" = 3 ] || bad "metrics.jsonl lacks $k at an evaluation"
    head -n 1 "$T/p/metrics.csv" | tr ',' '\n' | grep -qx "$k" || bad "metrics.csv lacks column $k"
done
grep -q "W1 vs training sample" "$T/p/generalization.svg" && grep -q "d_D vs held-out sample" "$T/p/generalization.svg" \
    && ok "keys in metrics.jsonl, metrics.csv and generalization.svg" || bad "generalization.svg lacks the training/held-out series"
grep -q "w1_train" "$T/p/report.html" && ok "report charts the new keys" || bad "report.html lacks w1_train"
"$CLI" sample --checkpoint "$T/p/checkpoint.safetensors" -n 300 --seed $((5 ^ 0xe7a1e7a1)) -o "$T/fake.npy" > /dev/null \
    || bad "sample exited $?"
ref=$("$CLI" w1 "$T/fake.npy" "$T/p.csv" --json | sed -n 's/.*"value": \([^,]*\),.*/\1/p')
$PY - "$T/p/metrics.jsonl" "$ref" <<'EOF' && ok "w1_train = w1_heldout = wgankit w1 ($ref); d_D sides agree" || bad "values"
import json, sys
m = json.loads(open(sys.argv[1]).read().splitlines()[-1]); ref = float(sys.argv[2])
for k in ("w1_train", "w1_heldout", "w1"):
    assert abs(m[k] - ref) <= 1e-9 * ref, (k, m[k], ref)
assert m["d_D_train"] == m["d_D_heldout"] == m["d_D"], m
EOF

# 2. the gap: one training point, memorised in 200 steps; the held-out point is elsewhere on the ring
"$CLI" train $SMALL --data ring --data-n 1 --holdout 50 --steps 200 --eval-every 100 --eval-n 500 --seed 0 \
    --track-generalization 1 --out "$T/g" > "$T/g.log" 2>&1 || bad "overfit run exited $?"
tr=$(last "$T/g/metrics.jsonl" w1_train); ho=$(last "$T/g/metrics.jsonl" w1_heldout)
$PY -c "import sys; t, h = float(sys.argv[1]), float(sys.argv[2]); sys.exit(not t < 0.75 * h)" "$tr" "$ho" \
    && ok "overfit run: W1 to the training sample $tr < W1 to the held-out sample $ho" \
    || bad "no generalization gap: w1_train $tr, w1_heldout $ho"

# 3. no finite training sample: exit 2 naming the flag, nothing trained
"$CLI" train $SMALL --data ring --steps 5 --track-generalization 1 --out "$T/n" > "$T/n.log" 2>&1; rc=$?
[ $rc = 2 ] && grep -q -- "--track-generalization" "$T/n.log" && grep -q -- "--data-n" "$T/n.log" \
    && ok "fresh synthetic draws refused (exit 2, names the flag)" || bad "no finite sample: exit $rc, $(cat "$T/n.log")"
[ ! -e "$T/n/metrics.jsonl" ] || bad "a refused run wrote metrics"
# and without the flag nothing changes: no new keys
"$CLI" train $SMALL --data ring --steps 10 --eval-every 10 --out "$T/o" > /dev/null 2>&1 || bad "plain run exited $?"
grep -q "w1_train" "$T/o/metrics.jsonl" && bad "w1_train logged without the flag" || ok "off by default"

[ $fail = 0 ] && echo "all ok"
exit $fail
