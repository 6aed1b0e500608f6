#!/bin/bash
# bench_sweep.sh — `wgankit sweep` parallelism (issue 17, acceptance 3): a grid of 8 small points
# (2 x 2 x 2 seeds) with --jobs 1, then --jobs 2, in the same run (this machine is shared: only the
# ratio means anything). Two rounds: the default thread count (cores / jobs per point) and a fixed
# --threads 1 (the same per-point work in both, so the ratio is the pool's alone). Prints one JSON
# line per round with both wall times, the ratio (goal >= 1.6 on 2 cores), the 1-minute load
# average before and after, the peak RSS of the largest process (a point: GNU time reports the largest descendant), and whether results.csv is identical apart
# from the time columns (time_s, speed_it_s, wall_s).
# usage: bench_sweep.sh path/to/wgankit [steps]
set -u
CLI=${1:?usage: bench_sweep.sh path/to/wgankit [steps]}
STEPS=${2:-300}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
ARGS=(--grid gen_depth=1,2 --grid critic_depth=1,2 --seeds 0,1 --steps "$STEPS" --eval-every 100 --checkpoint-every 100
      --batch 128 --eval-n 512 --holdout 512)
strip_time() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) drop[i] = ($i == "time_s" || $i == "speed_it_s" || $i == "wall_s") }
             { s = ""; for (i = 1; i <= NF; i++) if (!drop[i]) s = s $i ","; print s }' "$1"
}
load() { cut -d' ' -f1 /proc/loadavg; }
run() { # name jobs extra... -> "seconds peak_kb"
    local name=$1 jobs=$2; shift 2
    /usr/bin/time -f "%e %M" -o "$T/$name.time" "$CLI" sweep "${ARGS[@]}" "$@" --jobs "$jobs" --out "$T/$name" >/dev/null 2>"$T/$name.err" \
        || { echo "{\"bench\": \"sweep\", \"error\": \"$name: $(tail -1 "$T/$name.err")\"}"; exit 1; }
    cat "$T/$name.time"
}
for round in auto threads1; do
    extra=(); [ $round = threads1 ] && extra=(--threads 1)
    l0=$(load)
    read -r s1 kb1 < <(run "$round-j1" 1 "${extra[@]}")
    read -r s2 kb2 < <(run "$round-j2" 2 "${extra[@]}")
    l1=$(load)
    same=false
    cmp -s <(strip_time "$T/$round-j1/results.csv") <(strip_time "$T/$round-j2/results.csv") && same=true
    ratio=$(python3 -c "print(round($s1 / $s2, 3))")
    echo "{\"bench\": \"sweep\", \"round\": \"$round\", \"points\": 8, \"steps\": $STEPS, \"cores\": $(nproc), \"jobs1_s\": $s1, \"jobs2_s\": $s2," \
         "\"ratio\": $ratio, \"goal\": 1.6, \"identical_results\": $same, \"largest_process_peak_rss_mb\": $(( (kb1 > kb2 ? kb1 : kb2) / 1024 ))," \
         "\"load1_before\": $l0, \"load1_after\": $l1}"
done
