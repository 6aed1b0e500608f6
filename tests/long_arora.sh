#!/bin/bash
# long_arora.sh — issue 12 acceptance 1 and 2 (make check-long):
#  1. generalization on gaussian:dim=64,sigma=0.125 (N(0, I/64)) at m = 100, 1000, 10000: W1 between
#     the two samples stays above 0.9 at every m; the training-half d_NN (GroupSort critic, depth 2,
#     width 64) falls with a log-log slope in [-0.65, -0.35]; its held-out value is within 3 SE of 0.
#     The same on ring (d_NN conditions only: W1 of a 2-D source does fall).
#  2. nnd N((0,0), I) vs N((3,0), I) (W1 = 3), GroupSort depth 3: held-out within 5% of 3 and not above 3
#     by more than 2 SE; depth 1 on ring vs a Gaussian blob gives a value visibly below the exact W1.
# Figures are left in $WK_LONG_OUT (default /tmp/wk_long_arora) for the report.
set -u
CLI=$1
OUT=${WK_LONG_OUT:-/tmp/wk_long_arora}
mkdir -p "$OUT"
PY=/usr/bin/python3
fail=0
check() { local what=$1; shift; if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi; }

for src in gaussian:dim=64,sigma=0.125 ring; do
    name=${src%%:*}
    "$CLI" generalization "$src" --sizes 100,1000,10000 --repeats 3 --distances w1,nnd --critic-depth 2 --critic-width 64 \
        --out "$OUT/gen_$name" 2>&1 | tee "$OUT/gen_$name.log"
    $PY - "$OUT/gen_$name/table.json" "$name" <<'PYEOF' || fail=1
import json, sys
t = json.load(open(sys.argv[1])); name = sys.argv[2]
rows = {(r["distance"], r["m"]): r for r in t["rows"]}
ok = True
def say(cond, what):
    global ok
    print(("ok   " if cond else "FAIL ") + what); ok &= cond
for m in (100, 1000, 10000):
    w, h = rows[("w1", m)], rows[("nnd_heldout", m)]
    if name == "gaussian":
        say(w["mean"] > 0.9, f"{name}: W1 at m={m} is {w['mean']:.4f} > 0.9")
    say(abs(h["mean"]) <= 3 * h["se"], f"{name}: held-out d_NN at m={m} is {h['mean']:.4g} within 3 SE ({h['se']:.3g}) of 0")
s = t["slopes"]["nnd_train"]
say(-0.65 <= s <= -0.35, f"{name}: training-half d_NN slope {s:.3f} in [-0.65, -0.35]")
print(f"{name}: W1 slope {t['slopes']['w1']:.3f}, held-out d_NN slope {t['slopes'].get('nnd_heldout')} (null: 0 within 2 SE at all but one m)")
sys.exit(0 if ok else 1)
PYEOF
done

echo "3,0" >"$OUT/m3.csv"; echo "0,0" >"$OUT/m0.csv"
P="gmm:k=1,dim=2,sigma=1,means=$OUT/m0.csv"; Q="gmm:k=1,dim=2,sigma=1,means=$OUT/m3.csv"
"$CLI" nnd "$P" "$Q" --critic-depth 3 --repeats 5 --w1 --json | tee "$OUT/nnd_shift3.json"
$PY - "$OUT/nnd_shift3.json" <<'PYEOF' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
h, se = r["nnd_heldout"], r["se"]
ok1 = abs(h - 3) <= 0.15; ok2 = h <= 3 + 2 * se
print(("ok   " if ok1 else "FAIL ") + f"N(0,I) vs N((3,0),I): held-out d_NN {h:.4f} within 5% of 3")
print(("ok   " if ok2 else "FAIL ") + f"held-out d_NN {h:.4f} not above 3 by more than 2 SE ({se:.3g})")
sys.exit(0 if ok1 and ok2 else 1)
PYEOF
"$CLI" nnd ring gaussian:dim=2,sigma=0.3 --critic-depth 1 --repeats 3 --w1 --json | tee "$OUT/nnd_ring_depth1.json"
"$CLI" nnd ring gaussian:dim=2,sigma=0.3 --critic-depth 3 --repeats 3 --w1 --json | tee "$OUT/nnd_ring_depth3.json"
$PY - "$OUT/nnd_ring_depth1.json" "$OUT/nnd_ring_depth3.json" <<'PYEOF' || fail=1
import json, sys
d1, d3 = (json.load(open(p)) for p in sys.argv[1:3])
ok = d1["nnd_heldout"] < 0.9 * d1["w1"]
print(("ok   " if ok else "FAIL ") + f"ring vs blob: depth-1 d_NN {d1['nnd_heldout']:.4f} visibly below W1 {d1['w1']:.4f}"
      f" (depth 3: {d3['nnd_heldout']:.4f})")
sys.exit(0 if ok else 1)
PYEOF
exit $fail
