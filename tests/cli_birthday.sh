#!/bin/bash
# cli_birthday.sh — `wgankit birthday` end to end, issue 12 acceptance 4 on files: a sample drawn with
# replacement from N distinct points (N = 400, 2500, 10000), batches of S ~ sqrt(2 N ln 2) (q ~ 1/2),
# 200 batches: the support estimate is within a factor 2 of N and N is inside the interval. Also the
# JSON keys, the written files, and bad input exiting 2 with a message naming the argument.
set -u
CLI=$1
source "$(dirname "$0")/lib_cli.sh"
for NS in 400:24 2500:59 10000:118; do
    N=${NS%%:*}; S=${NS##*:}
    "$CLI" draw gaussian:dim=8 -n "$N" --seed "$N" -o "$T/distinct.npy" >/dev/null
    "$CLI" draw "$T/distinct.npy" --replace -n $((5 * N)) --seed 7 -o "$T/sample.npy" >/dev/null
    json=$("$CLI" birthday "$T/sample.npy" --batch "$S" --trials 200 --threshold 1e-9 --out "$T/b$N" --json | head -1)
    echo "N=$N: $json"
    est=$(sed 's/.*"support_estimate":\([^,]*\),.*/\1/' <<<"$json")
    lo=$(sed 's/.*"ci_low":\([^,]*\),.*/\1/' <<<"$json")
    hi=$(sed 's/.*"ci_high":\([^,]*\),.*/\1/' <<<"$json")
    check "N=$N: estimate $est within a factor 2" awk -v e="$est" -v n="$N" 'BEGIN { exit !(e >= n / 2 && e <= 2 * n) }'
    check "N=$N: interval [$lo, $hi] holds N" awk -v l="$lo" -v h="$hi" -v n="$N" 'BEGIN { exit !(l <= n && n <= h) }'
done
for k in support_estimate ci_low ci_high duplicate_fraction batch trials threshold; do
    check "--json has \"$k\"" grep -q "\"$k\":" <<<"$json"
done
for f in pairs.csv closest.csv closest.png closest.svg birthday.json; do check "writes $f" test -s "$T/b10000/$f"; done
"$CLI" birthday ring --batch 50 --trials 5 --threshold 0.01 --out "$T/ring" >/dev/null
check "2-D source: pairs.png scatter" test -s "$T/ring/pairs.png"
check "2-D source: pairs_zoom.png panels" test -s "$T/ring/pairs_zoom.png"
# the pictures show the pairs (were: zoom tiles copied with a 160-px stride from a wider image, sheared
# garbage; rings placed on the whole image's extent, beside the pairs): every zoom tile (5 per row, 160 px
# and a 2-px gap) has its pair's black segment through its centre, and every red ring pixel of pairs.png
# lies within a ring's radius (8 px) plus 2 of a black segment pixel
check "2-D source: zoom tiles and rings sit on the pairs" /usr/bin/python3 -c "
import sys; sys.path.insert(0, '$(dirname "$0")')
from png_pixels import read_rgb
n = sum(1 for _ in open('$T/ring/pairs.csv')) - 1
z = read_rgb('$T/ring/pairs_zoom.png')
dark = lambda p: max(p) < 100
for k in range(n):
    ox, oy = 2 + (k % 5) * 162, 2 + (k // 5) * 162
    assert any(dark(z[oy + 80 + dy][ox + 80 + dx]) for dy in range(-3, 4) for dx in range(-3, 4)), f'tile {k}: no segment at its centre'
    assert sum(dark(p) for row in z[oy + 10:oy + 150] for p in row[ox + 10:ox + 150]) < 400, f'tile {k}: not a clean panel'
img = read_rgb('$T/ring/pairs.png')
H, W = len(img), len(img[0])
blk = {(x, y) for y in range(H) for x in range(W) if max(img[y][x]) < 50}
red = [(x, y) for y in range(60, H) for x in range(W) if img[y][x][0] > 150 and img[y][x][1] < 110 and img[y][x][2] < 110]
assert red, 'no rings'
bad = [q for q in red if not any((q[0] + dx, q[1] + dy) in blk for dx in range(-10, 11) for dy in range(-10, 11))]
assert not bad, f'{len(bad)} of {len(red)} ring pixels far from any pair segment'
"
check "reference threshold" "$CLI" birthday gaussian:dim=2,sigma=0.5 --reference ring --batch 40 --trials 20 --out "$T/ref"
expect_exit2 "--batch 1" "\-\-batch" "$CLI" birthday ring --batch 1 --threshold 0.1
expect_exit2 "batch larger than a file" "distinct.npy" "$CLI" birthday "$T/distinct.npy" --batch 20000 --threshold 0.1
expect_exit2 "no threshold for a file" "\-\-threshold" "$CLI" birthday "$T/distinct.npy" --batch 20
expect_exit2 "bad --space" "\-\-space" "$CLI" birthday ring --batch 20 --threshold 0.1 --space pixels
expect_exit2 "missing critic run" "\-\-space" "$CLI" birthday ring --batch 20 --threshold 0.1 --space "critic:$T/none"
"$CLI" train --gen-width 16 --critic-width 16 --batch 32 --n-critic 1 --steps 3 --eval-n 50 --holdout 50 --threads 1 \
    --progress 0 --out "$T/run" >/dev/null 2>&1
check "critic space of a run" "$CLI" birthday "gen:$T/run" --batch 30 --trials 5 --space "critic:$T/run" --out "$T/c"
expect_exit2 "critic checkpoint of another shape" "\-\-space" "$CLI" birthday gaussian:dim=3 --batch 20 --threshold 0.1 --space "critic:$T/run"
expect_exit2 "--quantile 1.5" "\-\-quantile" "$CLI" birthday ring --batch 20 --quantile 1.5 --reference ring
expect_exit2 "reference of another dimension" "different dimension" "$CLI" birthday ring --batch 20 --reference gaussian:dim=3
expect_exit2 "unparsable source" "ring:k=x" "$CLI" birthday ring:k=x --batch 20 --threshold 0.1
# A duplicate in every batch (5 distinct points, batches of 200): the support estimate is
# undefined (was "support estimate 0 (95% interval 0 .. 7537)"): JSON null for the estimate and
# the lower end, the upper bound S(S-1)/(2 ln(1/(1-q_lo))) with Wilson q_lo = 0.928652 (50 of 50).
"$CLI" draw gaussian:dim=2 -n 5 -o "$T/five.npy" >/dev/null
"$CLI" draw "$T/five.npy" --replace -n 2000 --seed 3 -o "$T/many.npy" >/dev/null
"$CLI" birthday "$T/many.npy" --batch 200 --trials 50 --threshold 1e-6 --out "$T/bdall" >"$T/txt" 2>&1
check "every batch a duplicate: text gives only the upper bound" grep -q "support estimate undefined (a duplicate in every batch): at most 7537 " "$T/txt"
json=$("$CLI" birthday "$T/many.npy" --batch 200 --trials 50 --threshold 1e-6 --out "$T/bdall2" --json | head -1)
check "every batch a duplicate: JSON null estimate, upper bound 7537.3" /usr/bin/python3 -c "
import json, math, sys
r = json.loads(sys.argv[1]); hi = 200 * 199 / (2 * -math.log1p(-0.9286524008666414))
sys.exit(0 if r['support_estimate'] is None and r['ci_low'] is None and abs(r['ci_high'] - hi) < 1e-3 * hi else 1)" "$json"
# an --out that cannot be made is refused before any work (was: everything computed, then exit 2 at the end)
expect_exit2 "birthday --out under a missing directory refused up front" "--out /nonexistent/x/o: cannot create the directory (/nonexistent/x" \
    "$CLI" birthday ring --batch 50 --trials 5 --threshold 0.01 --out /nonexistent/x/o
check "... before any work (no output, nothing computed)" bash -c "! test -s '$T/out' && test \$(wc -l < '$T/err') -eq 1"
: > "$T/afile"
expect_exit2 "birthday --out naming a file refused" "exists and is not a directory" "$CLI" birthday ring --batch 50 --trials 5 --threshold 0.01 --out "$T/afile"
# --confidence (FINDINGS round 6, 4e: Python's birthday had confidence=, the CLI did not): the same
# run as Python's birthday(..., confidence=0.8), a narrower interval than at 0.95, said in the text
j95=$("$CLI" birthday "$T/sample.npy" --batch 118 --trials 200 --threshold 1e-9 --out "$T/c95" --json | head -1)
j80=$("$CLI" birthday "$T/sample.npy" --batch 118 --trials 200 --threshold 1e-9 --confidence 0.8 --out "$T/c80" --json | head -1)
check "--confidence 0.8 equals Python's birthday(confidence=0.8) ($j80)" env PYTHONPATH="$(realpath "$(dirname "$0")/../python")" /usr/bin/python3 -c "
import json, sys, wgankit
c = json.loads(sys.argv[1])
p = wgankit.birthday('$T/sample.npy', 118, 200, threshold=1e-9, confidence=0.8)
w = json.loads(sys.argv[2])
sys.exit(not (c['confidence'] == 0.8 and p['ci_low'] == c['ci_low'] and p['ci_high'] == c['ci_high'] and
              w['ci_low'] < c['ci_low'] and c['ci_high'] < w['ci_high'] and c['support_estimate'] == w['support_estimate']))" "$j80" "$j95"
check "--confidence 0.8: the text names the 80% interval" grep -q "(80% interval" <<<"$("$CLI" birthday "$T/sample.npy" --batch 118 --trials 200 --threshold 1e-9 --confidence 0.8 --out "$T/c80t")"
expect_exit2 "--confidence 1.5 refused" "confidence: '1.5' is not" "$CLI" birthday "$T/sample.npy" --batch 118 --confidence 1.5
# every refusal of a level names the open interval it is tested against (FINDINGS 2026-11-30, 4: 'nan'
# was "not a number in [0, 1]" while 0 and 1 were "not in (0, 1)")
for flag in --confidence --quantile; do
    for v in nan 0 1 -0.5 abc; do
        expect_exit2 "$flag $v refused naming (0, 1)" "${flag#--}: '$v' is not a number in (0, 1)\$" \
            "$CLI" birthday "$T/sample.npy" --batch 118 --reference "$T/sample.npy" "$flag" "$v"
    done
done
exit $fail
