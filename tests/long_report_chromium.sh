#!/bin/bash
# long_report_chromium.sh — issue 11, finding 2: report.html as a reader's browser shows it.
# Three runs (points with several evaluations; a single evaluation; images when the Fashion-MNIST
# package is installed) are opened in headless Chromium: tests/report/check_report.html asserts
# that the first 1,000 px hold the headline with the floor, the W1/d_D overlay with its floor band
# and the d_D-vs-W1 scatter, that no chart is empty or has a cut title, that generated pictures
# sit next to real ones, and that the settings come last, folded. A screenshot of the first
# screen goes to $WK_SCREENSHOT (default: the temporary directory) — README's docs/report.png.
set -u
CLI=${1:?usage: long_report_chromium.sh path/to/wgankit}
CHROME=$(command -v chromium || command -v chromium-browser) || { echo "FAIL: chromium not installed (scripts/install-deps --long)"; exit 1; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
HERE=$(cd "$(dirname "$0")" && pwd)
fail=0
SMALL="--gen-width 32 --critic-width 32 --batch 64 --n-critic 2 --eval-n 500 --holdout 500 --threads 2 --progress 0"
check() { # run dir, expected pieces
    local out
    out=$(timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --allow-file-access-from-files --virtual-time-budget=10000 \
        --dump-dom "file://$HERE/report/check_report.html?expect=$2&report=file://$1/report.html" 2>/dev/null | grep -o 'REPORT-CHECK [^<]*' | head -1)
    case $out in "REPORT-CHECK PASS"*) echo "ok: $(basename "$1"): $out";; *) echo "FAIL: $(basename "$1"): ${out:-no verdict}"; fail=1;; esac
}
"$CLI" train $SMALL --steps 400 --eval-every 50 --out "$T/points" > /dev/null || { echo "FAIL: train points"; exit 1; }
check "$T/points" distance,scatter,images
SHOT=${WK_SCREENSHOT:-$T/report.png}
timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1000 --screenshot="$SHOT" \
    "file://$T/points/report.html" > /dev/null 2>&1 && [ -s "$SHOT" ] && echo "ok: screenshot $SHOT" || { echo "FAIL: screenshot"; fail=1; }
"$CLI" train $SMALL --steps 20 --eval-every 0 --out "$T/single" > /dev/null || { echo "FAIL: train single"; exit 1; }
check "$T/single" distance,scatter,images
FM=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
if [ -r "$FM" ]; then
    "$CLI" train --data "$FM" --critic gp --gp-lambda 10 --steps 20 --eval-every 10 --batch 32 --eval-n 200 --holdout 200 \
        --gen-width 64 --critic-width 64 --latent-dim 16 --threads 2 --progress 0 --out "$T/images" > /dev/null || { echo "FAIL: train images"; exit 1; }
    check "$T/images" distance,scatter,images,real
fi
exit $fail
