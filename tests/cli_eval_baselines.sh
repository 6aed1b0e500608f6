#!/bin/bash
# cli_eval_baselines.sh — issue 11, finding 3 (numbers that need context) at the CLI: the first
# evaluation is at step 0; every logged W1 comes with the real-vs-real floor at the evaluation's
# sample size; --help names d_D as the co-trained critic's gap that can be negative; `eval` has
# no flag that means something else in `train` (--ema is train's decay; eval picks a generator
# with --generator ema|raw).
set -u
CLI=${1:?usage: cli_eval_baselines.sh path/to/wgankit}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<< "$1"; }
SMALL="--gen-width 32 --critic-width 32 --batch 64 --n-critic 2 --eval-n 300 --holdout 300 --threads 1 --progress 0"

"$CLI" train $SMALL --steps 30 --eval-every 15 --ema 0.9 --out "$T/a" > "$T/a.log" 2>&1 || bad "train exited $?"
first=$(head -n 1 "$T/a/metrics.jsonl")
[ "$(field "$first" step)" = 0 ] && ok "first evaluation at step 0" || bad "first evaluation: $first"
case $first in *loss_d*|*speed_it_s*) bad "step 0 logs losses/speed of a step that never ran: $first";; *) ok "step 0 has no losses";; esac
n=0
while read -r line; do
    f=$(field "$line" w1_floor); fn=$(field "$line" w1_floor_n); w=$(field "$line" w1)
    python3 -c "import sys; f,n,w=map(float,sys.argv[1:]); sys.exit(0 if 0<f<w and n==300 else 1)" "$f" "$fn" "$w" 2>/dev/null && n=$((n+1))
done < "$T/a/metrics.jsonl"
[ "$n" = 3 ] && ok "every W1 has its floor (n = 300)" || bad "lines with a floor: $n of 3"
head -1 "$T/a/metrics.csv" | grep -q "w1_floor" && ok "metrics.csv has the floor" || bad "metrics.csv lacks w1_floor"
grep -q "floor" "$T/a.log" && ok "progress shows the floor" || bad "progress lacks the floor"

"$CLI" train --help | tr '\n' ' ' | grep -q "d_D .*can be negative" && ok "train --help says d_D can be negative" || bad "train --help on d_D"
"$CLI" eval --help | tr '\n' ' ' | grep -q "d_D .*can be negative" && ok "eval --help says d_D can be negative" || bad "eval --help on d_D"

C="$T/a/checkpoint.safetensors"
"$CLI" eval --checkpoint "$C" --ema 0 > /dev/null 2> "$T/err"; rc=$?
[ $rc = 2 ] && grep -q -- "--generator" "$T/err" && ok "eval --ema refused, pointing to --generator" || bad "eval --ema 0: rc $rc $(cat "$T/err")"
"$CLI" eval --checkpoint "$C" --gen-width 64 > /dev/null 2>&1; [ $? = 2 ] && ok "eval refuses network settings" || bad "eval --gen-width accepted"
ema=$("$CLI" eval --checkpoint "$C"); raw=$("$CLI" eval --checkpoint "$C" --generator raw)
[ "$(field "$ema" w1)" = "$(field "$(tail -1 "$T/a/metrics.jsonl")" w1)" ] && ok "eval defaults to the run's EMA generator" || bad "eval default: $ema"
[ -n "$(field "$raw" w1)" ] && [ "$(field "$raw" w1)" != "$(field "$ema" w1)" ] && ok "eval --generator raw evaluates the raw generator" || bad "--generator raw: $raw"
[ "$(field "$raw" w1_floor)" = "$(field "$ema" w1_floor)" ] && ok "eval reports the same floor" || bad "eval floor"
"$CLI" eval --checkpoint "$C" --generator nope > /dev/null 2>&1; [ $? = 2 ] && ok "--generator nope refused" || bad "--generator nope"
"$CLI" eval --checkpoint "$C" --eval-n 100 --holdout 300 | grep -q '"w1_floor_n":100' && ok "eval's floor follows --eval-n" || bad "eval --eval-n floor"
exit $fail
