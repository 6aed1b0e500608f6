#!/bin/bash
# cli_output_names.sh — an output file's name says the format written: `draw -o r.csv`, `draw -o d.png`,
# `critic -o v.csv --grad g.txt` wrote NPY bytes under those names (exit 0; wgankit's own readers, which go by
# the extension, then refused the file). Now each exits 2 naming the flag and the extensions it writes, nothing
# written — one check (src/cli/output_names.c) shared with sample, data and classifier train. $1: the CLI binary.
set -u
source "$(dirname "$0")/lib_cli.sh"
in_tmp "$1"
"$CLI" train --steps 2 --batch 16 --eval-every 0 --eval-n 20 --holdout 50 --lip-pairs 10 --threads 1 --progress 0 --out r >/dev/null 2>&1
"$CLI" data ring -n 30 -o X.npy >/dev/null
for ext in csv png txt; do
    expect_exit2 "draw -o r.$ext refused" "-o r.$ext: the file name must end in .npy" "$CLI" draw ring -n 10 -o r.$ext
    check "... nothing written" test ! -e r.$ext
done
expect_exit2 "draw gen:RUN -o d.png refused" "-o d.png: the file name must end in .npy" "$CLI" draw gen:r -n 10 -o d.png
expect_exit2 "critic -o v.csv refused" "-o v.csv: the file name must end in .npy" \
    "$CLI" critic --checkpoint r/checkpoint.safetensors --input X.npy -o v.csv
expect_exit2 "critic --grad g.txt refused" "--grad g.txt: the file name must end in .npy" \
    "$CLI" critic --checkpoint r/checkpoint.safetensors --input X.npy -o v.npy --grad g.txt
check "... nothing written" test ! -e v.npy
expect_exit2 "sample -o s.csv refused (the same check)" "-o s.csv: the file name must end in .npy or .png" \
    "$CLI" sample --checkpoint r/checkpoint.safetensors -n 5 -o s.csv
check "draw -o r.npy still works" bash -c "'$CLI' draw ring -n 10 -o r.npy >/dev/null && '$CLI' w1 r.npy r.npy >/dev/null"
check "critic -o v.npy --grad g.npy still works" \
    bash -c "'$CLI' critic --checkpoint r/checkpoint.safetensors --input X.npy -o v.npy --grad g.npy >/dev/null"
exit $fail
