#!/bin/bash
# cli_pictures.sh — issue 11, finding 5 at the CLI: samples.png of a 2-D run and `sample -o x.png`
# have axes, a legend and margins (the picture is larger than its 512 x 512 plot area); image
# grids take --grid-rows (8 images in 2 rows are 4 wide, not 3 x 3); sample picks the generator
# with --generator ema|raw and refuses train's --ema. SKIPs the image part without numpy.
set -u
CLI=${1:?usage: cli_pictures.sh path/to/wgankit}
PY=/usr/bin/python3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
# PNG width and height from the IHDR chunk
dims() { od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'; }
SMALL="--gen-width 32 --critic-width 32 --batch 64 --n-critic 2 --eval-n 200 --holdout 200 --threads 1 --progress 0"
"$CLI" train $SMALL --steps 10 --eval-every 0 --out "$T/p" > /dev/null 2>&1 || bad "train points"
read -r w h <<< "$(dims "$T/p/samples.png")"
[ "$w" -gt 600 ] && [ "$h" -gt 560 ] && ok "samples.png has margins for axes, legend and colour bar (${w}x$h)" || bad "samples.png ${w}x$h"
"$CLI" sample --checkpoint "$T/p/checkpoint.safetensors" -n 100 -o "$T/s.png" > /dev/null || bad "sample png"
read -r w h <<< "$(dims "$T/s.png")"
[ "$w" -gt 560 ] && [ "$h" -gt 560 ] && ok "sample -o x.png has axes and a legend (${w}x$h)" || bad "sample png ${w}x$h"
"$CLI" sample --checkpoint "$T/p/checkpoint.safetensors" -n 5 -o "$T/a.npy" --ema 1 > /dev/null 2> "$T/err"
[ $? = 2 ] && grep -q -- "--generator" "$T/err" && ok "sample --ema refused, pointing to --generator" || bad "sample --ema accepted"
"$CLI" sample --checkpoint "$T/p/checkpoint.safetensors" -n 5 -o "$T/r.npy" --generator raw > /dev/null && ok "sample --generator raw" || bad "sample --generator raw"
if $PY -c "import numpy" 2>/dev/null; then
    $PY -c "import numpy as np; np.save('$T/img.npy', np.random.default_rng(0).integers(0, 256, (120, 1, 28, 28)).astype(np.float32))"
    "$CLI" train $SMALL --data "$T/img.npy" --holdout 40 --eval-n 40 --steps 2 --eval-every 0 --out "$T/i" > /dev/null 2>&1 || bad "train images"
    "$CLI" sample --checkpoint "$T/i/checkpoint.safetensors" -n 8 --grid-rows 2 -o "$T/g.png" > /dev/null || bad "sample --grid-rows"
    read -r w h <<< "$(dims "$T/g.png")"
    # tiles of 28 x 2 = 56 px with 2-px padding: 4 columns x 2 rows
    [ "$w" = $((2 + 4 * 58)) ] && [ "$h" = $((2 + 2 * 58)) ] && ok "--grid-rows 2: 8 images as 2 x 4 (${w}x$h)" || bad "--grid-rows 2 gives ${w}x$h"
    [ -s "$T/i/real.png" ] && ok "image runs write real.png next to samples.png" || bad "no real.png"
else
    echo "SKIP: image part (no numpy)"
fi
exit $fail
