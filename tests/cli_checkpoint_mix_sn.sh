#!/bin/bash
# cli_checkpoint_mix_sn.sh — a MIX+GAN spectral-norm checkpoint names its own tensors. The critic
# layer list's spectral_norm ops named lipschitz.sn_u.<k> / sn_v.<k>, tensors no MIX+GAN file holds
# (each component's are lipschitz.<j>.sn_u.<k>): now the list (layer-list version 3, stamped
# wgankit.layer_list_version "3") names every component's, an array whose entry j is
# lipschitz.<j>.sn_u.<k>, and every name any list states is a tensor of the file, before and after
# a resume. Files of earlier builds (the single names, stamped "2" or unstamped) still load with the
# same critic values; the single names in a file stamped "3", or the arrays in one stamped "2", are
# refused naming the field. A single GAN's list and stamp ("2") are unchanged. SKIPs without numpy.
set -u
source "$(dirname "$0")/lib_cli.sh"
EDIT=$(realpath "$(dirname "$0")/edit_checkpoint.py")
in_tmp "$1"
if ! $PY -c "import numpy" 2>/dev/null; then echo "SKIP: no numpy"; exit 0; fi
SMALL="--gen-width 32 --critic-width 32 --batch 64 --n-critic 2 --eval-every 0 --eval-n 100 --holdout 100 --threads 1 --progress 0"
"$CLI" train $SMALL --steps 10 --critic spectral --mix 2 --out m >/dev/null 2>&1 || { echo "FAIL train --mix 2 --critic spectral"; exit 1; }
"$CLI" train $SMALL --steps 10 --critic spectral --out s >/dev/null 2>&1 || { echo "FAIL train --critic spectral"; exit 1; }
"$CLI" data ring -n 50 --seed 3 -o x.npy >/dev/null
# names.py CKPT: every tensor the metadata's layer lists name exists in the file with the shape
# the layer gives it, for every component; prints the stamp and the (u, v) names of layer 0.
cat > names.py <<'PYEOF'
import json, struct, sys
raw = open(sys.argv[1], "rb").read(); n = struct.unpack("<Q", raw[:8])[0]
h = json.loads(raw[8:8 + n]); meta = h.pop("__metadata__")
T = int(json.loads(meta["wgankit.config"]).get("mix", 1))
bad, sn = [], []
for net in ("generator", "critic"):
    for j in range(T):
        pre = f"{net}.{j}." if T > 1 else f"{net}."
        for l in json.loads(meta["wgankit." + net]):
            if l["type"] != "linear": continue
            for k in ("weight", "bias_tensor"):
                if k in l and pre + l[k] not in h: bad.append(pre + l[k])
            for op in l.get("forward_weight", []):
                if op["op"] != "spectral_norm": continue
                for k, size in (("u", l["out"]), ("v", l["in"])):
                    name = op[k][j] if isinstance(op[k], list) else op[k]
                    if T > 1 and isinstance(op[k], list) and len(op[k]) != T: bad.append(f"{k}: {len(op[k])} names for {T} components")
                    if name not in h or h[name]["shape"] != [size]: bad.append(name)
                    if l["weight"] == "0.weight": sn.append(name)
print("stamp", meta.get("wgankit.layer_list_version"), "sn", " ".join(sn))
if bad: print("not in the file:", " ".join(bad)); sys.exit(1)
PYEOF
check "MIX+GAN spectral: every tensor the layer lists name is in the file (was lipschitz.sn_u.0, absent)" $PY names.py m/checkpoint.safetensors
$PY names.py m/checkpoint.safetensors > names.txt 2>&1
check "... component j's (u, v) named lipschitz.<j>.sn_u/sn_v, stamped 3" \
    grep -q "^stamp 3 sn lipschitz.0.sn_u.0 lipschitz.0.sn_v.0 lipschitz.1.sn_u.0 lipschitz.1.sn_v.0" names.txt
$PY names.py s/checkpoint.safetensors > snames.txt 2>&1
check "single GAN: names and stamp 2 unchanged" grep -q "^stamp 2 sn lipschitz.sn_u.0 lipschitz.sn_v.0" snames.txt
# round trip: the file loads (critic values), resumes, and the resumed file names its tensors too
"$CLI" critic --checkpoint m/checkpoint.safetensors --input x.npy -o d0.npy >/dev/null 2>"$T/err"
check "MIX+GAN spectral checkpoint loads (critic)" test -s d0.npy
"$CLI" train --resume m --steps 14 >/dev/null 2>"$T/err"
check "MIX+GAN spectral checkpoint resumes" grep -q '"step":14' m/metrics.jsonl
check "... and the resumed checkpoint names its tensors" $PY names.py m/checkpoint.safetensors
check "... read from the file alone it gives wgankit's critic values (load_checkpoint.py, 1e-5)" bash -c \
    "'$CLI' critic --checkpoint m/checkpoint.safetensors --input x.npy -o d1.npy >/dev/null && $PY $(realpath "$(dirname "$EDIT")")/reference/load_checkpoint.py m/checkpoint.safetensors critic x.npy d1.npy 1e-5 >/dev/null"
# files of earlier builds: the single names, stamped 2 (or unstamped: drop the stamp, and the
# data scale which only stamped builds write) — they load, with the same values
M=m/checkpoint.safetensors
SINGLE='[dict(l, forward_weight=[dict(o, u=o["u"][0].replace("lipschitz.0.", "lipschitz."), v=o["v"][0].replace("lipschitz.0.", "lipschitz.")) for o in l["forward_weight"]]) if "forward_weight" in l else l for l in L]'
$PY "$EDIT" $M old3.safetensors layers wgankit.critic "$SINGLE"
$PY "$EDIT" old3.safetensors old2.safetensors set wgankit.layer_list_version 2
$PY "$EDIT" old2.safetensors old1.safetensors drop wgankit.layer_list_version
$PY "$EDIT" old1.safetensors old0.safetensors drop wgankit.data_scale
"$CLI" critic --checkpoint $M --input x.npy -o dm.npy >/dev/null
for k in old2 old0; do
    "$CLI" critic --checkpoint $k.safetensors --input x.npy -o d_$k.npy >/dev/null 2>"$T/err"
    check "$k: an earlier build's MIX+GAN list (single names) loads, same critic values" cmp -s dm.npy d_$k.npy
done
expect_exit2 "the single names in a file stamped 3: refused naming the field" \
    "old3.safetensors: metadata wgankit.critic\[0\].forward_weight\[0\].u is \"lipschitz.sn_u.0\"" \
    "$CLI" critic --checkpoint old3.safetensors --input x.npy -o d.npy
$PY "$EDIT" $M new2.safetensors set wgankit.layer_list_version 2
expect_exit2 "per-component names in a file stamped 2: refused naming the field" \
    "new2.safetensors: metadata wgankit.critic\[0\].forward_weight\[0\].u is \[" \
    "$CLI" critic --checkpoint new2.safetensors --input x.npy -o d.npy
$PY "$EDIT" $M swap.safetensors layers wgankit.critic '[dict(l, forward_weight=[dict(o, u=o["u"][::-1]) for o in l["forward_weight"]]) if "forward_weight" in l else l for l in L]'
expect_exit2 "components' names swapped: refused" "swap.safetensors: metadata wgankit.critic\[0\].forward_weight\[0\].u\[0\] is \"lipschitz.1.sn_u.0\"" \
    "$CLI" critic --checkpoint swap.safetensors --input x.npy -o d.npy
exit $fail
