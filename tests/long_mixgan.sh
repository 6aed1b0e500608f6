#!/bin/bash
# long_mixgan.sh — issue 12 acceptance 3: MIX+GAN (T = 5, --mix-budget same: about the single
# model's parameter count) against the single GAN with the same steps on `grid` (25 modes), over
# 3 seeds: modes covered and high-quality % of both, whichever way it comes out; and the final
# mixture weights with λ = 0.1 (the authors' default) and λ = 0. The test fails only when a run
# fails or the weights are not logged; the comparison is printed, not asserted.
# WK_MIX_STEPS (default 2000) sets the generator steps of every run.
set -u
CLI=${1:?usage: long_mixgan.sh path/to/wgankit}
STEPS=${WK_MIX_STEPS:-2000}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
COMMON="--data grid --steps $STEPS --eval-every $STEPS --threads 1 --progress 0"
run() { local name=$1; shift; "$CLI" train $COMMON --out "$T/$name" "$@" > "$T/$name.log" 2>&1 || { echo "FAIL: $name"; cat "$T/$name.log"; exit 1; }; }
for s in 1 2 3; do # two runs at a time: one per core
    run single-$s --seed $s & run mix-$s --seed $s --mix 5 --mix-budget same & wait
done
run mix0-1 --seed 1 --mix 5 --mix-budget same --mix-entropy 0 || exit 1
grep -h "MIX+GAN:" "$T/mix-1.log"
python3 - "$T" <<'PY' || exit 1
import json, sys, statistics as st
d = sys.argv[1]
last = lambda n: json.loads(open(f"{d}/{n}/metrics.jsonl").read().splitlines()[-1])
for kind in ("single", "mix"):
    ms = [last(f"{kind}-{s}") for s in (1, 2, 3)]
    print(f"{kind:6s}  modes " + " ".join(f"{m['modes']:.0f}" for m in ms) + f"  (mean {st.mean(m['modes'] for m in ms):.1f}/25)"
          + "  hq% " + " ".join(f"{m['hq_pct']:.1f}" for m in ms) + f"  (mean {st.mean(m['hq_pct'] for m in ms):.1f})"
          + "  W1 " + " ".join(f"{m['w1']:.3f}" for m in ms))
for name, lam in (("mix-1", "0.1"), ("mix0-1", "0")):
    m = last(name)
    for k in ("mix_w_g", "mix_w_d"):
        w = m[k]
        assert len(w) == 5 and abs(sum(w) - 1) < 1e-6, (name, k, w)
        print(f"lambda {lam:3s} {k}: " + " ".join(f"{x:.3f}" for x in w))
    print(f"lambda {lam:3s} modes {m['modes']:.0f}/25 hq {m['hq_pct']:.1f}%")
PY
