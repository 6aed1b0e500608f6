#!/bin/bash
# cli_data_scale.sh — a run's data scaling (--scale auto|u8|minmax|none) is resolved once, from its
# training data, kept in its checkpoint and applied as stored to every file compared with it
# (critic --input, nnd FILE gen:RUN, eval --data, Python's Checkpoint.critic):
#   auto   bytes only for byte data (uint8 files, image-shaped samples): an integer table of
#          lattice points keeps its units (was: squeezed to [-1, -0.92]); stderr says when it scales;
#   minmax per column on the float64 values, as sklearn's MinMaxScaler (was: one range over all
#          columns after float32 rounding: a column flattened, an offset cloud made one point);
#          data whose rows are all one point is refused, exit 2 naming the file;
#   kept   one extra row in a file does not move every point (was W1 0.145 -> 0.695); "1" and
#          "1.0" give one critic value, Python's (was: integers divided by 127.5 for a ring run).
#   f64    files mapped by a run's kept map (nnd/birthday, critic --input, Python arrays) stay float64
#          until after the map (was: a 1e8 offset rounded to float32 first, 600 rows a few points);
#          --scale none/auto on such data is refused, exit 2 naming the file and column (was: trained
#          on one float32 point).
set -u
source "$(dirname "$0")/lib_cli.sh"
export PYTHONPATH=$(realpath "$(dirname "$0")/../python") # Checkpoint.critic, compared with the CLI's
in_tmp "$1"
SMALL="--gen-width 16 --critic-width 16 --batch 32 --n-critic 1 --eval-every 0 --eval-n 100 --holdout 100 --threads 1 --progress 0"
"$PY" - <<'PY'
import numpy as np
r = np.random.default_rng(0)
lat = r.integers(0, 11, size=(600, 2))
np.savetxt("lat.csv", lat, fmt="%d", delimiter=",")
np.save("lat_u8.npy", lat.astype(np.uint8))
np.save("img.npy", r.integers(0, 256, size=(300, 4, 4)).astype(np.float32))
np.save("cols.npy", np.c_[r.random(600), r.random(600) * 1000])
np.save("off.npy", r.normal(size=(600, 2)) * 0.1 + np.array([1e8, -1e8]))
np.save("same.npy", np.full((50, 3), 7.0))
A = r.random((600, 2)) * 10
np.save("mmA.npy", A)
np.save("mmB.npy", np.r_[A, [[20, 20]]])
PY
# every row of a run's data as training scaled it (data:RUN, 600 rows; 300 images)
drawn() { "$CLI" draw "data:$1" -n "$2" -o "$1.npy" >/dev/null 2>&1; }

# --- finding 7: auto is bytes only for byte data -------------------------------------------------
"$CLI" train --data lat.csv $SMALL --steps 1 --out lat >/dev/null 2>lat.err
check "auto keeps an integer table's units (0..10, not [-1, -0.92])" bash -c "$(declare -f drawn); CLI='$CLI' drawn lat 600 &&
    '$PY' -c \"import numpy as np,sys; d=np.load('lat.npy'); sys.exit(not (d.min()==0 and d.max()==10))\""
check "auto says nothing when it does not scale" bash -c "! grep -q 'bytes' lat.err"
"$CLI" train --data lat_u8.npy $SMALL --steps 1 --out latu8 >/dev/null 2>latu8.err
check "auto scales uint8 data as bytes" bash -c "$(declare -f drawn); CLI='$CLI' drawn latu8 600 &&
    '$PY' -c \"import numpy as np,sys; d=np.load('latu8.npy'); sys.exit(not (d.min()==-1 and abs(d.max()-(10/127.5-1))<1e-7))\""
check "auto says on stderr that it scaled as bytes" grep -q "scale auto: lat_u8.npy is byte data.*x / 127.5 - 1" latu8.err
"$CLI" train --data img.npy $SMALL --steps 1 --out img >/dev/null 2>&1
check "auto scales image-shaped integers 0..255 as bytes" bash -c "$(declare -f drawn); CLI='$CLI' drawn img 300 &&
    '$PY' -c \"import numpy as np,sys; d=np.load('img.npy'); sys.exit(not (d.min()>=-1 and d.max()<=1 and d.max()>0.9))\""
check "train --help says what auto does" bash -c "'$CLI' train --help | grep -q 'uint8'"

# --- finding 8: minmax per column, on float64, as sklearn; one point refused --------------------
"$CLI" train --data cols.npy --scale minmax $SMALL --steps 1 --out rc1 >/dev/null 2>&1
"$CLI" train --data off.npy --scale minmax $SMALL --steps 1 --out rc2 >/dev/null 2>&1
for r in rc1:cols rc2:off; do
    run=${r%%:*} src=${r##*:}
    check "minmax of $src.npy is per column on float64 (sklearn's MinMaxScaler to [-1, 1])" bash -c "$(declare -f drawn); CLI='$CLI' drawn $run 600 &&
        '$PY' -c \"
import numpy as np, sys
x = np.load('$src.npy'); d = np.load('$run.npy').astype(np.float64)
want = 2 * (x - x.min(0)) / (x.max(0) - x.min(0)) - 1
ok = all(np.allclose(np.sort(d[:, c]), np.sort(want[:, c]), atol=2e-7, rtol=0) for c in range(2))
sys.exit(not (ok and d[:, 0].std() > 0.3 and d[:, 1].std() > 0.3))\""
done
expect_exit2 "minmax of rows that are all one point is refused, naming the file's value" \
    "same.npy: all 50 rows are the same point (every column constant; column 0 holds only 7)" \
    "$CLI" train --data same.npy --scale minmax $SMALL --steps 1 --out rsame

# --- finding 9: the run's kept map, not the file's own range -------------------------------------
"$CLI" train --data mmA.npy --scale minmax $SMALL --steps 20 --out rmm >/dev/null 2>&1
map=$("$PY" -c "
import numpy as np; A = np.load('mmA.npy'); m = 2 / (A.max(0) - A.min(0)); a = -1 - A.min(0) * m
print('min-max per column: x0 * %.9g %+.9g, x1 * %.9g %+.9g' % (m[0], a[0], m[1], a[1]))")
for f in mmA mmB; do
    "$CLI" nnd $f.npy gen:rmm -m 300 --steps 5 --w1 --json >$f.json 2>$f.err
    check "nnd $f.npy gen:RUN maps by the run's kept range" grep -qF "$f.npy scaled into the run's units by the scaling the run kept: $map" $f.err
done
"$CLI" eval --checkpoint rmm/checkpoint.safetensors --data mmA.npy >eA.json 2>/dev/null
"$CLI" eval --checkpoint rmm/checkpoint.safetensors --data mmB.npy >eB.json 2>eB.err
# the real-vs-real floor is data only: B (A plus one row) keeps A's scale (was: halved, 0.39 x here)
check "one extra row does not move every point (eval's w1_floor of B near A's)" "$PY" -c "
import json, sys; a, b = (json.load(open(f))['w1_floor'] for f in ('eA.json', 'eB.json')); sys.exit(not (0.6 < b / a < 1.6))"
"$CLI" birthday gen:rmm --reference mmB.npy --batch 40 --trials 5 --out bday >/dev/null 2>bday.err
check "birthday --reference maps by the run's kept range, and says so" grep -qF "mmB.npy scaled into the run's units by the scaling the run kept: $map" bday.err
check "eval --data maps by the run's kept range, and says so" grep -qF -e "--data mmB.npy scaled into the run's units by the scaling the run kept: $map" eB.err

# --- finding 10: "1" and "1.0" are one point, the CLI's values are Python's ---------------------
"$CLI" train --data ring $SMALL --steps 5 --out r1 >/dev/null 2>&1
printf '1,1\n2,0\n0,0\n' >ip.csv
printf '1.0,1.0\n2.0,0.0\n0.0,0.0\n' >ip2.csv
"$CLI" critic --checkpoint r1/checkpoint.safetensors --input ip.csv -o o1.npy 2>o1.err
"$CLI" critic --checkpoint r1/checkpoint.safetensors --input ip2.csv -o o2.npy 2>o2.err
check "critic --input: integers and the same floats give one value, Python's" "$PY" -c "
import numpy as np, sys, wgankit as w
c = w.Checkpoint('r1/checkpoint.safetensors'); p = c.critic(np.array([[1, 1], [2, 0], [0, 0]]))
q = c.critic(np.array([[1, 1], [2, 0], [0, 0]]), scaled=False)
o1, o2 = np.load('o1.npy'), np.load('o2.npy')
sys.exit(not (np.array_equal(o1, o2) and np.allclose(o1, p, rtol=0, atol=1e-6) and np.array_equal(p, q) and c.data_scale['scale'] == 'none'))"
check "critic says nothing about scaling for a run that never scaled" bash -c "! grep -q scaled o1.err"
for i in $(seq 0 59); do echo "$((i % 3)),$((i % 4))"; done >ringint.csv
"$CLI" nnd ringint.csv gen:r1 -m 30 --steps 5 >/dev/null 2>ni.err
check "nnd maps nothing for a run that never scaled" bash -c "! grep -q 'scaled into' ni.err"

# --- float64 until after the run's map: a 1e8 offset with spread 0.1 stays 600 points ------------
# (was: nnd/birthday's file and critic --input rounded to float32 first, every row one of a few points)
jf=$("$CLI" nnd off.npy gen:rc2 -m 200 --steps 5 --w1 --json 2>/dev/null)
jd=$("$CLI" nnd data:rc2 gen:rc2 -m 200 --steps 5 --w1 --json 2>/dev/null)
check "nnd off.npy gen:RUN = nnd data:RUN gen:RUN (the file mapped from float64): $jf" "$PY" -c "
import json, sys; a = json.loads(sys.argv[1]); b = json.loads(sys.argv[2])
sys.exit(not (a['w1'] == b['w1'] and a['nnd_heldout'] == b['nnd_heldout']))" "$jf" "$jd"
"$CLI" birthday off.npy --reference gen:rc2 --batch 40 --trials 5 --json --out boff 2>/dev/null | head -1 >boff.json
"$CLI" birthday data:rc2 --reference gen:rc2 --batch 40 --trials 5 --json --out bdat 2>/dev/null | head -1 >bdat.json
check "birthday off.npy = birthday data:RUN (same rows, same duplicates)" "$PY" -c "
import json, sys; a, b = (json.load(open(f)) for f in ('boff.json', 'bdat.json'))
sys.exit(not (a == b and a['threshold'] > 0))"
"$CLI" critic --checkpoint rc2/checkpoint.safetensors --input off.npy -o doff.npy 2>/dev/null
check "critic --input off.npy = critic on the float64-mapped points (--scaled), over 500 distinct values" "$PY" -c "
import numpy as np, subprocess, sys, wgankit as w
c = w.Checkpoint('rc2/checkpoint.safetensors'); x = np.load('off.npy')
m = (x * np.array(c.data_scale['mul']) + np.array(c.data_scale['add'])).astype(np.float32)
np.save('offm.npy', m)
subprocess.run(['$CLI', 'critic', '--checkpoint', 'rc2/checkpoint.safetensors', '--input', 'offm.npy', '--scaled', '-o', 'dm.npy'], check=True, capture_output=True)
d, dm = np.load('doff.npy'), np.load('dm.npy')
# the map in float64 (one rounding of x * mul + add may differ by an ulp of float32 under FMA)
sys.exit(not (np.allclose(d, dm, rtol=0, atol=1e-5) and len(np.unique(d)) > 500 and np.allclose(c.critic(x, scaled=False), dm, rtol=0, atol=1e-5)))"
check "Python nnd(float64 array, gen:RUN) = nnd(data:RUN, gen:RUN)" "$PY" -c "
import numpy as np, sys, wgankit as w
a = w.nnd(np.load('off.npy'), 'gen:rc2', m=200, steps=5, w1=True); b = w.nnd('data:rc2', 'gen:rc2', m=200, steps=5, w1=True)
sys.exit(not (a['w1'] == b['w1'] and a['nnd_heldout'] == b['nnd_heldout']))"
# --scale none on it trains on one float32 point: refused, naming the file and the column
expect_exit2 "--scale none on a 1e8 offset with spread 0.1 is refused" "off.npy: column 0 spans .* float32 .*--scale minmax" \
    "$CLI" train --data off.npy --scale none $SMALL --steps 1 --out rnone
expect_exit2 "--scale auto (none for such data) is refused alike" "off.npy: column 0 spans" \
    "$CLI" train --data off.npy $SMALL --steps 1 --out rauto
check "Python train(scale='none') on it raises ValueError naming the file" "$PY" -c "
import sys, wgankit as w
try: w.train('pnone', data='off.npy', scale='none', steps=1, threads=1, progress=0)
except ValueError as e: sys.exit(not ('off.npy: column 0' in str(e) and 'minmax' in str(e)))
sys.exit(1)"

# --- kept map: older checkpoints keep the old rule and say so; a malformed one exits 2 ----------
"$PY" - <<'PY'
import json, struct
def rewrite(src, dst, edit):
    b = open(src, "rb").read(); n = struct.unpack("<Q", b[:8])[0]; h = json.loads(b[8:8 + n])
    edit(h["__metadata__"]); hb = json.dumps(h).encode(); hb += b" " * (-len(hb) % 8)
    open(dst, "wb").write(struct.pack("<Q", len(hb)) + hb + b[8 + n:])
rewrite("r1/checkpoint.safetensors", "old.safetensors", lambda m: m.pop("wgankit.data_scale"))
rewrite("rc1/checkpoint.safetensors", "old_mm.safetensors", lambda m: m.pop("wgankit.data_scale"))
rewrite("r1/checkpoint.safetensors", "bad.safetensors", lambda m: m.update({"wgankit.data_scale": '{"scale":"minmax","mul":[0],"add":[1]}'}))
rewrite("r1/checkpoint.safetensors", "bad_none.safetensors", lambda m: m.update({"wgankit.data_scale": '{"scale":"none","mul":[5],"add":[3]}'}))
rewrite("r1/checkpoint.safetensors", "bad_u8.safetensors", lambda m: m.update({"wgankit.data_scale": '{"scale":"u8","mul":[0.5],"add":[0]}'}))
PY
"$CLI" critic --checkpoint old.safetensors --input ip.csv -o o3.npy 2>o3.err
check "an older checkpoint re-decides on the input as before, and says so" grep -q "re-decided on this file (its checkpoint predates" o3.err
# the one wording of the scaled line: eval says a re-decided scaling too, even when it keeps the values
"$CLI" eval --checkpoint old.safetensors --data ringint.csv >/dev/null 2>e3.err
check "eval --data with an older checkpoint says the scaling was re-decided" grep -qF -e "--data ringint.csv scaled into the run's units by the run's --scale re-decided on this file (its checkpoint predates kept scalings): bytes: x * 0.00784313725 -1" e3.err
# one rule for every command: an older auto run took any integers 0..255 above 1 as bytes (its
# train-time rule), so the 0..3 CSV is bytes for critic, nnd, data:RUN and eval alike (was: eval
# none, by the file-type rule of later runs; critic and nnd bytes: one file, two maps, two numbers)
"$CLI" critic --checkpoint old.safetensors --input ringint.csv -o oc.npy 2>oc.err
"$CLI" nnd ringint.csv gen:old.safetensors -m 30 --steps 5 >/dev/null 2>on.err
check "critic, nnd and eval re-decide one map for the 0..3 CSV and an older checkpoint" bash -c '
m() { sed -n "s/.*predates kept scalings): //p" "$1"; }
[ "$(m oc.err)" = "bytes: x * 0.00784313725 -1" ] && [ "$(m on.err)" = "$(m oc.err)" ] && [ "$(m e3.err)" = "$(m oc.err)" ]'
# ... and for an older min-max run: one range over all values, said alike by the three (was: critic
# took the input as already scaled, eval re-decided per column); another name than the run's own
# --data, which eval reads as the run's own data and says nothing of
cp cols.npy colsB.npy
"$CLI" critic --checkpoint old_mm.safetensors --input colsB.npy -o om.npy 2>om.err
"$CLI" nnd colsB.npy gen:old_mm.safetensors -m 30 --steps 5 >/dev/null 2>omn.err
"$CLI" eval --checkpoint old_mm.safetensors --data colsB.npy >/dev/null 2>ome.err
check "critic, nnd and eval re-decide one min-max map for an older min-max checkpoint" bash -c '
m() { sed -n "s/.*predates kept scalings): //p" "$1"; }
case "$(m om.err)" in "min-max: x * "*) ;; *) exit 1;; esac && [ "$(m omn.err)" = "$(m om.err)" ] && [ "$(m ome.err)" = "$(m om.err)" ]'
"$PY" -c "
import numpy as np; x = np.loadtxt('ringint.csv', delimiter=','); np.save('ringint_mapped.npy', x / 127.5 - 1)"
"$CLI" eval --checkpoint old.safetensors --data ringint.csv >e4.json 2>/dev/null
"$CLI" eval --checkpoint old.safetensors --data ringint_mapped.npy --scale none >e5.json 2>/dev/null
"$CLI" critic --checkpoint old.safetensors --input ringint_mapped.npy --scaled -o oc2.npy 2>/dev/null
check "eval's numbers on the CSV are those of the CSV mapped as bytes beforehand, as critic's are" "$PY" -c "
import json, sys, numpy as np
a, b = json.load(open('e4.json')), json.load(open('e5.json'))
sys.exit(not (a['w1'] == b['w1'] and a['w1_floor'] == b['w1_floor'] and np.array_equal(np.load('oc.npy'), np.load('oc2.npy'))))"
expect_exit2 "a malformed kept scaling is refused" "bad.safetensors: metadata wgankit.data_scale" \
    "$CLI" critic --checkpoint bad.safetensors --input ip.csv -o o4.npy
# a kind whose numbers are another map: every command would apply x*5+3 while saying "none (values as stored)"
expect_exit2 "kept scaling 'none' with other numbers is refused (critic)" \
    "bad_none.safetensors: metadata wgankit.data_scale: scale none needs mul \[1\], add \[0\]" \
    "$CLI" critic --checkpoint bad_none.safetensors --input ip.csv -o o5.npy
expect_exit2 "kept scaling 'none' with other numbers is refused (eval)" "bad_none.safetensors: metadata wgankit.data_scale" \
    "$CLI" eval --checkpoint bad_none.safetensors --data ringint.csv
expect_exit2 "kept scaling 'u8' with other numbers is refused" "bad_u8.safetensors: metadata wgankit.data_scale: scale u8 needs mul \[0.0078431372549019607\], add \[-1\]" \
    "$CLI" critic --checkpoint bad_u8.safetensors --input ip.csv -o o6.npy
check "Python Checkpoint refuses the same file, naming it and the field" "$PY" -c "
import sys, wgankit as w
try: w.Checkpoint('bad_none.safetensors')
except ValueError as e: sys.exit(not ('bad_none.safetensors: metadata wgankit.data_scale: scale none needs' in str(e)))
sys.exit(1)"

[ $fail = 0 ] && echo "cli_data_scale: all passed"
exit $fail
