#!/bin/bash
# long_demo_seeds.sh — acceptance 1: the default demo (`wgankit train`, no flags but the seed and
# run directory) on 3 seeds: 8/8 modes, >= 60 % high-quality samples, W1 <= 0.11 against 2,000
# held-out points, each under 60 s. Prints one line per seed for the report.
set -u
CLI=${1:?usage: long_demo_seeds.sh path/to/wgankit}
T=${WK_LONG_DIR:-$(mktemp -d)}; mkdir -p "$T"
fail=0
for seed in 0 1 2; do
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$T/cpu$seed" "$CLI" train --seed $seed --out "$T/demo$seed" --progress 0 > "$T/demo$seed.log" 2>&1 \
        || { echo "FAIL seed $seed: exit $?"; fail=1; continue; }
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    line=$(tail -n 1 "$T/demo$seed/metrics.jsonl")
    read -r w1 modes hq <<< "$(python3 -c "import json,sys; m=json.loads(sys.argv[1]); print(m['w1'], int(m['modes']), m['hq_pct'])" "$line")"
    read -r usr sys < "$T/cpu$seed"
    echo "seed $seed: W1 $w1  modes $modes/8  high-quality $hq %  wall ${secs}s  (cpu user ${usr}s sys ${sys}s, load $(cut -d' ' -f1 /proc/loadavg))"
    python3 -c "import sys; w,m,h,s=map(float,sys.argv[1:]); sys.exit(0 if w<=0.11 and m==8 and h>=60 and s<60 else 1)" "$w1" "$modes" "$hq" "$secs" \
        || { echo "FAIL seed $seed"; fail=1; }
done
exit $fail
