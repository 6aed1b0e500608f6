#!/bin/bash
# cli_arg_ranges.sh — ranges that --help states are the ones that work, and refusals name the flag:
# --beta1/--beta2 are [0, 1) in --help and in the message, and 1 is refused naming the flag before
# the run directory is made (was: range [0, 1], then an "adam: betas" message naming no flag, and a
# run directory left behind); a data file held out with fewer than 2 rows (--holdout 1, or a 3-row
# file) is refused naming --holdout (and the file) — was "evaluate: 1 held-out rows cannot give a
# real-vs-real floor"; --holdout 2 on a file and --holdout 1 on a synthetic target work; a
# Linear-only critic (bjorck, biau) with --critic-net dcgan is refused with exit 2. $1: the CLI.
set -u
CLI=$1
source "$(dirname "$0")/lib_cli.sh"
Q="--steps 2 --batch 16 --eval-n 10 --lip-pairs 10 --threads 1 --progress 0"
expect_exit2 "--beta1 1 refused naming the flag" "--beta1: beta1: '1' is not a number in \[0, 1)" \
    "$CLI" train $Q --beta1 1 --out "$T/rb1"
check "... before the run directory is made" test ! -e "$T/rb1"
expect_exit2 "--beta2 1.5 refused with the same range" "--beta2: beta2: '1.5' is not a number in \[0, 1)" \
    "$CLI" train $Q --beta2 1.5 --out "$T/rb2"
check "--help states [0, 1) for both betas" bash -c "[ \$('$CLI' train --help | grep -E -- '--beta[12] ' | grep -c 'in \[0, 1)') = 2 ]"
check "--beta2 0.999 works" bash -c "'$CLI' train $Q --beta2 0.999 --out '$T/rb3' >/dev/null"
"$CLI" data ring -n 30 -o "$T/X.npy" >/dev/null; "$CLI" data ring -n 3 -o "$T/X3.npy" >/dev/null
expect_exit2 "--holdout 1 on a file names the flag" "--holdout 1: a data file needs at least 2 held-out rows" \
    "$CLI" train --data "$T/X.npy" --holdout 1 $Q --out "$T/rh1"
expect_exit2 "... also with --eval-every 0" "--holdout 1: a data file needs at least 2 held-out rows" \
    "$CLI" train --data "$T/X.npy" --holdout 1 --eval-every 0 $Q --out "$T/rh1b"
expect_exit2 "a 3-row file names --holdout and the file" "--holdout 2000: --data $T/X3.npy has 3 rows, of which at most half (1) are held out" \
    "$CLI" train --data "$T/X3.npy" $Q --out "$T/rh3"
check "--holdout 2 on a file works" bash -c "'$CLI' train --data '$T/X.npy' --holdout 2 $Q --out '$T/rh2' >/dev/null"
check "--holdout 1 on a synthetic target works" bash -c "'$CLI' train --holdout 1 $Q --out '$T/rs1' >/dev/null"
check "--help says a data file needs at least 2" bash -c "'$CLI' train --help | grep -- '--holdout' | grep -q 'a data file needs at least 2'"
# --holdout below --eval-n: the W1 and its floor are both against that many held-out points, and the
# summary says so (finding 4h of tester6: "floor 0.6277 at n = 2000" with 10 real points), for a
# synthetic target and for a file (further training rows as the floor's other side)
check "--holdout 5 < --eval-n 10 on ring: the summary names the 5 held-out points" bash -c \
    "'$CLI' train --holdout 5 $Q --out '$T/rh5' 2>&1 | grep -q 'floor [0-9.]* at n = 10 against the 5 held-out points, below eval_n'"
check "... and on a file" bash -c \
    "'$CLI' train --data '$T/X.npy' --holdout 5 $Q --out '$T/rh5f' 2>&1 | grep -q 'floor [0-9.]* at n = 10 against the 5 held-out points, below eval_n'"
# ... which metrics.jsonl records (w1_real_n) and report.html shows next to the floor (was: the
# report showed "floor (n = 10)" alone, the held-out count kept nowhere); a metrics.jsonl written
# before the field existed still renders, the floor without the count
check "metrics.jsonl records w1_real_n 5 at every evaluation" bash -c \
    "[ \$(grep -c '\"w1_real_n\": *5[,}]' '$T/rh5/metrics.jsonl') -ge 1 ] && ! grep -v -q '\"w1_real_n\": *5[,}]' '$T/rh5/metrics.jsonl'"
check "report.html names the 5 held-out points next to the floor" \
    grep -q 'real-vs-real floor [0-9.]* (n = 10 against the 5 held-out points W1 uses)' "$T/rh5/report.html"
sed -E 's/, *"w1_real_n": *[0-9.e+]+//' "$T/rh5/metrics.jsonl" >"$T/m.old" && mv "$T/m.old" "$T/rh5/metrics.jsonl"
check "an older metrics.jsonl (no w1_real_n) still renders the floor, without the count" bash -c \
    "'$CLI' report '$T/rh5' >/dev/null && grep -q 'real-vs-real floor [0-9.]* (n = 10) ' '$T/rh5/report.html' && ! grep -q 'held-out points W1 uses' '$T/rh5/report.html'"
# a Linear-only critic with the convolutional critic (bjorck is the default): exit 2, a bad pairing
# of settings, naming the method and the convolution (was exit 1, WK_EUNSUPPORTED)
F=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
if [ -f "$F" ]; then
    expect_exit2 "--critic-net dcgan with the default bjorck critic" "bjorck acts on Linear layers only; layer 0 is a convolution" \
        "$CLI" train $Q --gen dcgan --critic-net dcgan --data "$F" --holdout 100 --out "$T/rdc"
    expect_exit2 "... and with biau" "biau acts on Linear layers only; layer 0 is a convolution" \
        "$CLI" train $Q --gen dcgan --critic-net dcgan --critic biau --data "$F" --holdout 100 --out "$T/rdc2"
fi
exit $fail
