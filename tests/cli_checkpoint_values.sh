#!/bin/bash
# cli_checkpoint_values.sh — tester8's findings 3 and 7a.
# 3: a checkpoint whose critic weights are finite but overflow the float32 forward pass (every
#    entry of critic.0.weight 3e38) gave NaN values with exit 0 (`critic -o`), `inf` in the
#    --lipschitz "JSON", an `eval` line without d_D and NaN from Python's Checkpoint.critic: now
#    exit 1 / RuntimeError naming the checkpoint and the tensor, and nothing written. A last bias
#    of 1e30 made eval's d_D and lip_pair_max 0 (float32 outputs rounded at 1e30): the bias
#    cancels exactly in E D(real) - E D(fake) and in D(x) - D(y), so both must equal the
#    unmodified checkpoint's (to float32 rounding of the rest). Both for a MIX+GAN critic too.
#    critic --lipschitz is one JSON document, also where a bound is not finite (layer norm).
# 7a: the layer lists in the metadata (wgankit.critic / .generator / .critic_orthonormal) are
#    read back: a list that disagrees with the config and tensors is refused, exit 2 naming the
#    file and field; a respelt list, the older form without tensor names (in a file of a build
#    before self-describing checkpoints), and no list load. A current file whose lists are
#    stripped to the older form (stamped wgankit.layer_list_version, or carrying
#    wgankit.data_scale or wgankit.critic_orthonormal, which only current builds write) is
#    refused, exit 2 naming the field (was: loaded, describing a plain forward pass).
set -u
source "$(dirname "$0")/lib_cli.sh"
EDIT=$(realpath "$(dirname "$0")/edit_checkpoint.py")
export PYTHONPATH=$(realpath "$(dirname "$0")/../python")
in_tmp "$1"
SMALL="--gen-width 32 --critic-width 32 --batch 64 --n-critic 2 --eval-every 0 --eval-n 100 --holdout 100 --threads 1 --progress 0"
"$CLI" train $SMALL --steps 40 --critic bjorck --out r >/dev/null 2>&1 || { echo "FAIL train"; exit 1; }
"$CLI" train $SMALL --steps 20 --critic bjorck --mix 2 --ema 0 --out m >/dev/null 2>&1 || { echo "FAIL train --mix 2"; exit 1; }
C=r/checkpoint.safetensors M=m/checkpoint.safetensors
"$CLI" data ring -n 50 --seed 3 -o x.npy >/dev/null
expect_exit1() { # description, needle, command...: exit 1 with the needle in stderr and nothing on stdout
    local what=$1 needle=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ $rc -eq 1 ] && grep -q -- "$needle" "$T/err" && [ ! -s "$T/out" ]; then echo "ok   $what"
    else echo "FAIL $what (rc $rc, stdout: $(head -c 300 "$T/out"), stderr: $(cat "$T/err"))"; fail=1; fi
}
json_ok() { "$PY" -c "import json, sys; json.load(open(sys.argv[1]))" "$1"; }

# ---- 3: finite weights whose float32 pass overflows -------------------------------------------
$PY "$EDIT" $C hugew.safetensors tensor critic.0.weight all 3e38
$PY "$EDIT" $M mhugew.safetensors tensor critic.1.0.weight all 3e38
for k in hugew mhugew; do
    tensor=critic.0.weight; [ $k = mhugew ] && tensor=critic.1.0.weight
    expect_exit1 "$k: critic -o/--grad: exit 1 naming the checkpoint and $tensor (was NaN values, exit 0)" \
        "--checkpoint $k.safetensors: the critic's value at point 0 is NaN: its float32 forward pass overflows (largest weight 3e+38, in tensor '$tensor')" \
        "$CLI" critic --checkpoint $k.safetensors --input x.npy -o d_$k.npy --grad g_$k.npy
    check "$k: nothing written" test ! -e d_$k.npy -a ! -e g_$k.npy
    expect_exit1 "$k: critic --lipschitz: exit 1, no output (was \"grad_max\": inf, exit 0)" \
        "--checkpoint $k.safetensors: .*lipschitz report: the critic's value at point [0-9]* is [+-NaInf]*: its float32 forward pass overflows" \
        "$CLI" critic --checkpoint $k.safetensors --lipschitz
    expect_exit1 "$k: eval: exit 1 (was a line without d_D, exit 0)" "--checkpoint $k.safetensors: the critic's value" \
        "$CLI" eval --checkpoint $k.safetensors --eval-n 100
done
check "Python Checkpoint.critic and .lipschitz raise RuntimeError (was NaN values)" "$PY" -c "
import numpy as np, wgankit
ck = wgankit.Checkpoint('hugew.safetensors'); x = np.load('x.npy')
for f in (lambda: ck.critic(x), lambda: ck.critic(x, grad=True), lambda: ck.lipschitz(x)):
    try: r = f()
    except RuntimeError as e: assert 'overflows' in str(e), e; continue
    raise SystemExit('no exception: %r' % (r,))
"

# ---- 3: a last bias of 1e30 cancels in every difference -----------------------------------------
$PY "$EDIT" $C bias.safetensors tensor critic.6.bias 0 1e30
$PY "$EDIT" $M mbias0.safetensors tensor critic.0.6.bias 0 1e30
$PY "$EDIT" mbias0.safetensors mbias.safetensors tensor critic.1.6.bias 0 -3e30
for p in "$C bias" "$M mbias"; do
    set -- $p
    "$CLI" eval --checkpoint $1 --eval-n 200 > e0.json 2>/dev/null; "$CLI" eval --checkpoint $2.safetensors --eval-n 200 > e1.json 2>/dev/null
    "$CLI" critic --checkpoint $1 --input x.npy --lipschitz > l0.json 2>/dev/null; "$CLI" critic --checkpoint $2.safetensors --input x.npy --lipschitz > l1.json 2>/dev/null
    check "$2: eval d_D and lip_pair_max = the unmodified checkpoint's (were 0), critic --lipschitz's pair_max too" "$PY" -c "
import json
a, b = json.load(open('e0.json')), json.load(open('e1.json')); c, d = json.load(open('l0.json')), json.load(open('l1.json'))
for k in ('d_D', 'lip_pair_max'): assert abs(a[k]) > 1e-3 and abs(a[k] - b[k]) <= 1e-6 * max(1, abs(a[k])), (k, a[k], b[k])
assert c['pair_max'] > 0 and abs(c['pair_max'] - d['pair_max']) <= 1e-6, (c, d)
"
done

# ---- critic --lipschitz is JSON, its nulls say why ----------------------------------------------
"$CLI" critic --checkpoint $C --lipschitz > lip.json && check "critic --lipschitz: one JSON document" json_ok lip.json
FM=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
if [ -r "$FM" ]; then # layer norm: not globally Lipschitz, no finite certified bound (was `inf`)
    "$CLI" train --data "$FM" --gen dcgan --critic-net dcgan --critic gp --critic-norm layer --dcgan-width 8 --latent-dim 16 \
        --steps 2 --batch 16 --eval-every 0 --eval-n 50 --holdout 100 --threads 1 --out dc --progress 0 >/dev/null 2>&1
    "$CLI" critic --checkpoint dc/checkpoint.safetensors --lipschitz > dcl.json 2>/dev/null
    check "layer-norm critic: certified null with its reason, one JSON document" "$PY" -c "
import json; r = json.load(open('dcl.json')); assert r['certified'] is None and 'layer norm' in r['certified_null'], r"
    "$CLI" eval --checkpoint dc/checkpoint.safetensors --eval-n 50 --metrics none > dce.json 2>/dev/null
    check "layer-norm critic: eval's lip_certified null with its reason, d_D given" "$PY" -c "
import json; r = json.load(open('dce.json')); assert r['lip_certified'] is None and 'layer norm' in r['lip_certified_null'] and 'd_D' in r, r"
else echo "SKIP layer-norm critic (no Fashion-MNIST)"; fi

# ---- 7a: the layer lists are read back ---------------------------------------------------------
G='[dict(l, **{k: v}) if l.get("type") == "groupsort" else l for l in L]'
i=0
for m in "order descending|${G/k: v/\"order\": \"descending\"}|[1].order is \"descending\", but the config and tensors stored with it give \"ascending\"" \
         "group 4|${G/k: v/\"group\": 4}|[1].group is 4" \
         "relu for GroupSort|[{\"type\": \"relu\"} if l.get(\"type\") == \"groupsort\" else l for l in L]|[1].type is \"relu\"" \
         "made-up type tanh|L[:1] + [{\"type\": \"tanh\"}] + L[2:]|[1].type is \"tanh\"" \
         "last layer dropped|L[:-1]| lists 6 entries, but the config and tensors stored with it give 7" \
         "wrong in|[dict(l, **{\"in\": 3}) if l.get(\"weight\") == \"0.weight\" else l for l in L]|[0].in is 3" \
         "another weight name|[dict(l, weight=\"2.weight\") if l.get(\"weight\") == \"0.weight\" else l for l in L]|[0].weight is \"2.weight\"" \
         "an extra setting|[dict(l, scale=2) if l.get(\"weight\") == \"6.weight\" else l for l in L]|[6].scale is not a setting" \
         "a made-up weight transformation|[dict(l, forward_weight=[{\"op\": \"spectral_norm\"}]) if \"forward_weight\" in l else l for l in L]|[0].forward_weight lists 1 entries" \
         "not a list|{\"layers\": L}| is a JSON object, not a layer list"; do
    IFS='|' read -r what expr needle <<< "$m"; i=$((i + 1)); needle=${needle//[/\\[}
    $PY "$EDIT" $C lay$i.safetensors layers wgankit.critic "$expr"
    expect_exit2 "wgankit.critic with $what: refused naming file and field (was accepted)" "lay$i.safetensors: metadata wgankit.critic$needle" \
        "$CLI" critic --checkpoint lay$i.safetensors --input x.npy -o d.npy
done
$PY "$EDIT" $C gen.safetensors layers wgankit.generator '[{"type": "tanh"} if l["type"] == "relu" else l for l in L]'
expect_exit2 "wgankit.generator with tanh for relu: refused" "gen.safetensors: metadata wgankit.generator\[1\].type is \"tanh\"" \
    "$CLI" sample --checkpoint gen.safetensors -n 5 -o s.npy
$PY "$EDIT" $C ortho.safetensors layers wgankit.critic_orthonormal 'L[:-1]'
expect_exit2 "wgankit.critic_orthonormal with a layer dropped: refused" "ortho.safetensors: metadata wgankit.critic_orthonormal lists 6" \
    "$CLI" critic --checkpoint ortho.safetensors --input x.npy -o d.npy
$PY "$EDIT" $M mlay.safetensors layers wgankit.critic "${G/k: v/\"order\": \"descending\"}"
expect_exit2 "MIX+GAN: wgankit.critic with order descending: refused" "mlay.safetensors: metadata wgankit.critic\[1\].order" \
    "$CLI" eval --checkpoint mlay.safetensors --eval-n 50
expect_exit2 "train --resume refuses it too" "metadata wgankit.critic\[1\].order" \
    bash -c "cp -r r rr && cp lay1.safetensors rr/checkpoint.safetensors && '$CLI' train --resume rr --steps 41 --progress 0"
# a current file's lists stripped to the older form: refused, naming the first missing field
OLD='[{k: v for k, v in l.items() if k not in ("weight", "bias_tensor", "forward_weight", "constraint", "order", "groups")} for l in L if l["type"] != "clamp"]'
"$CLI" train $SMALL --steps 10 --critic spectral --out sn >/dev/null 2>&1 || { echo "FAIL train spectral"; exit 1; }
"$CLI" train $SMALL --steps 10 --critic clip --critic-clamp 100 --out cl >/dev/null 2>&1 || { echo "FAIL train clip"; exit 1; }
$PY "$EDIT" $C strip.safetensors layers wgankit.critic "$OLD"
$PY "$EDIT" sn/checkpoint.safetensors snstrip.safetensors layers wgankit.critic "$OLD"
$PY "$EDIT" cl/checkpoint.safetensors clstrip.safetensors layers wgankit.critic "$OLD"
$PY "$EDIT" $C gstrip.safetensors layers wgankit.generator "$OLD"
for k in "strip|\[0\].weight is missing" "snstrip|\[0\].weight is missing" "clstrip| lists 7 entries, but the config and tensors stored with it give 8"; do
    IFS='|' read -r k needle <<< "$k"
    expect_exit2 "$k: a current wgankit.critic stripped to the older form: refused naming the field (was accepted)" \
        "$k.safetensors: metadata wgankit.critic$needle" "$CLI" critic --checkpoint $k.safetensors --input x.npy -o d.npy
done
check "... and says the older form is only read from older files" grep -q "only read from files of builds before self-describing" "$T/err"
expect_exit2 "a current wgankit.generator stripped to the older form: refused" "gstrip.safetensors: metadata wgankit.generator\[0\].weight is missing" \
    "$CLI" sample --checkpoint gstrip.safetensors -n 5 -o s.npy
$PY "$EDIT" clstrip.safetensors clstrip1.safetensors drop wgankit.layer_list_version
expect_exit2 "... without the stamp but with wgankit.data_scale (only current builds write it): refused" \
    "clstrip1.safetensors: metadata wgankit.critic lists 7 entries" "$CLI" critic --checkpoint clstrip1.safetensors --input x.npy -o d.npy
$PY "$EDIT" $C ver.safetensors set wgankit.layer_list_version 9
expect_exit2 "a layer-list version this build does not write: refused" "ver.safetensors: metadata wgankit.layer_list_version is \"9\"" \
    "$CLI" critic --checkpoint ver.safetensors --input x.npy -o d.npy
# what still loads: the same lists respelt, the older form (no tensor names, forward_weight,
# constraint, order/groups, clamp entry) in a file of a build before self-describing checkpoints
# (no stamp, data scaling or orthonormal export), no lists
"$CLI" critic --checkpoint $C --input x.npy -o d0.npy >/dev/null
$PY "$EDIT" $C respelt.safetensors respell
$PY "$EDIT" $C older0.safetensors drop wgankit.layer_list_version
$PY "$EDIT" older0.safetensors older1.safetensors drop wgankit.critic_orthonormal
$PY "$EDIT" older1.safetensors older.safetensors drop wgankit.data_scale 2>/dev/null || cp older1.safetensors older.safetensors
$PY "$EDIT" older.safetensors old0.safetensors layers wgankit.critic "$OLD"
$PY "$EDIT" old0.safetensors old.safetensors layers wgankit.generator "$OLD"
$PY "$EDIT" $C none0.safetensors drop wgankit.critic
$PY "$EDIT" none0.safetensors none1.safetensors drop wgankit.generator
$PY "$EDIT" none1.safetensors none.safetensors drop wgankit.critic_orthonormal
for k in respelt old none; do
    "$CLI" critic --checkpoint $k.safetensors --input x.npy -o d_$k.npy >/dev/null 2>"$T/err"
    check "$k layer lists: load, same critic values" cmp -s <(tail -c 200 d0.npy) <(tail -c 200 d_$k.npy)
done
$PY "$EDIT" old.safetensors oldbad.safetensors layers wgankit.critic '[dict(l, group=4) if l["type"] == "groupsort" else l for l in L]'
expect_exit2 "older form with group 4: refused" "oldbad.safetensors: metadata wgankit.critic\[1\].group is 4" \
    "$CLI" critic --checkpoint oldbad.safetensors --input x.npy -o d.npy
exit $fail
