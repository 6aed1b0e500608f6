#!/bin/bash
# cli_data_specs.sh — `wgankit data` takes the spec strings every other command takes: `data gmm:k=3`
# (was: "unknown target 'gmm:k=3' (..., gmm, ...)", exit 2) means what `draw gmm:k=3` does; a means=FILE
# given as NPY is read like every other array file (was: parsed as CSV, "misplaced quote" / "'<binary>' is
# not a number"), in `data`, `train --data gmm:means=F.npy` and mixture1d; `data -o F` over its means file
# is refused; k=/dim= disagreeing with a means file, and spread=/mode_seed=/spacing= with one, are
# refused naming the key and the file. $1: the CLI binary.
set -u
source "$(dirname "$0")/lib_cli.sh"
in_tmp "$1"
$PY -c "
import numpy as np
np.save('m.npy', np.array([[10.0, 0.0], [-10.0, 0.0]]))
np.save('m1.npy', np.array([100.0, -100.0]))
np.savetxt('m.csv', np.array([[10.0, 0.0], [-10.0, 0.0]]), delimiter=',')"
check "data gmm:k=3 works" bash -c "'$CLI' data gmm:k=3 -n 5 -o a.npy >/dev/null"
check "data gmm:k=3 equals data gmm --opt k=3" bash -c "'$CLI' data gmm:k=3,sigma=0.5 -n 7 --seed 4 > x1.csv && '$CLI' data gmm --opt k=3 --opt sigma=0.5 -n 7 --seed 4 > x2.csv && cmp -s x1.csv x2.csv"
expect_exit2 "a bad inline option named" "gmm: unknown option 'kk'" "$CLI" data gmm:kk=3 -n 2
check "data gmm --opt means=F.npy reads the NPY means" bash -c "'$CLI' data gmm --opt means=m.npy --opt sigma=0.01 -n 200 -o g.npy >/dev/null"
check "... draws near (+-10, 0)" $PY -c "
import numpy as np; g = np.load('g.npy'); assert np.all(np.abs(np.abs(g[:, 0]) - 10) < 0.1) and np.all(np.abs(g[:, 1]) < 0.1)"
check "... the same draws as the CSV means" bash -c "'$CLI' data gmm:means=m.npy -n 20 --seed 3 > n.csv && '$CLI' data gmm:means=m.csv -n 20 --seed 3 > c.csv && cmp -s n.csv c.csv"
check "mixture1d means=F.npy" bash -c "'$CLI' data mixture1d --opt means=m1.npy --opt sigma=0.01 -n 50 -o o.npy >/dev/null"
check "... draws near +-100" $PY -c "
import numpy as np; o = np.load('o.npy'); assert np.all(np.abs(np.abs(o) - 100) < 1)"
check "train --data gmm:means=F.npy" bash -c "'$CLI' train --data gmm:means=m.npy --steps 2 --batch 16 --eval-every 0 --eval-n 20 --holdout 50 --lip-pairs 10 --threads 1 --progress 0 --out r >/dev/null 2>&1"
# FINDINGS 11f: a repeated option was last-wins (gaussian:dim=2,dim=3 drew 3-D points, rc 0)
expect_exit2 "a repeated inline option refused, naming spec and key" "gaussian:dim=2,dim=3: option 'dim' given twice" "$CLI" data gaussian:dim=2,dim=3 -n 2
expect_exit2 "a repeated --opt refused" "option 'sigma' given twice" "$CLI" data ring --opt sigma=0.1 --opt sigma=0.2 -n 2
expect_exit2 "an --opt contradicting the spec's own refused" "ring:k=8: option k=4 contradicts the spec's own k" "$CLI" data ring:k=8 --opt k=4 -n 2
check "an --opt equal to the spec's own is accepted" bash -c "'$CLI' data ring:k=8 --opt k=8.0 -n 3 --seed 1 > e1.csv && '$CLI' data ring -n 3 --seed 1 > e2.csv && cmp -s e1.csv e2.csv"
expect_exit2 "train --data with a repeated option refused" "option 'k' given twice" "$CLI" train --data ring:k=4,k=5 --steps 1 --out r2
# FINDINGS 2026-11-30, 5: k=, dim=, spread=, mode_seed= given with means= were silently ignored (k=2 with
# a 3-row file drew three modes; dim=3 drew 2-D points; spread=9 did nothing). A k= or dim= that
# disagrees with the file is refused naming the key and the file; keys that only place generated
# means are refused with means=; an agreeing k=/dim= and sigma= (each mode's std) still work.
$PY -c "
import numpy as np, json
np.save('m3.npy', np.array([[0, 0], [5, 5], [10, 0]], float))
json.dump({'means': [[0, 0], [5, 5], [10, 0]], 'sigma': 0.2}, open('m3.json', 'w'))"
expect_exit2 "gmm:k=2 with 3 means refused" "gmm: k=2 but means=m3.npy holds 3 means" "$CLI" data gmm:k=2,means=m3.npy -n 3000 -o gm.npy
expect_exit2 "gmm:k=3,dim=3 with 2-column means refused" "gmm: dim=3 but means=m3.npy holds means of 2 coordinates" "$CLI" data gmm:k=3,dim=3,means=m3.npy -n 3000 -o gm.npy
expect_exit2 "gmm:k=2 --opt means= refused" "k=2 but means=m3.npy holds 3 means" "$CLI" data gmm:k=2 --opt means=m3.npy -n 5
expect_exit2 "--opt k=2 with inline means= refused" "k=2 but means=m3.npy holds 3 means" "$CLI" data gmm:means=m3.npy --opt k=2 -n 5
expect_exit2 "k= against a JSON file's means" "k=4 but means=m3.json holds 3 means" "$CLI" data gmm:k=4,means=m3.json -n 5
expect_exit2 "train --data gmm:k=2,means= refused" "k=2 but means=m3.npy" "$CLI" train --data gmm:k=2,means=m3.npy --steps 1 --out r3
expect_exit2 "draw gmm:k=2,means= refused" "k=2 but means=m3.npy" "$CLI" draw gmm:k=2,means=m3.npy -n 5 -o d.npy
expect_exit2 "spread= with means= refused" "gmm:spread=9,means=m3.npy: spread=9 has no effect with means=m3.npy" "$CLI" data gmm:spread=9,means=m3.npy -n 5
expect_exit2 "mode_seed= (--opt) with means= refused" "mode_seed=5 has no effect with means=m3.npy" "$CLI" data gmm:means=m3.npy --opt mode_seed=5 -n 5
expect_exit2 "mixture1d spacing= with means= refused" "spacing=3 has no effect with means=m1.npy" "$CLI" data mixture1d:spacing=3,means=m1.npy -n 5
check "an empty means= generates the means: spread= still used, not refused" bash -c "'$CLI' data gmm:means=,spread=3 -n 3 >/dev/null"
expect_exit2 "mixture1d k= against its means" "mixture1d: k=3 but means=m1.npy holds 2 means" "$CLI" data mixture1d:k=3,means=m1.npy -n 5
expect_exit2 "sigma= and a JSON \"sigma\" both" "sigma=0.1 and means=m3.json's own \"sigma\"" "$CLI" data gmm:sigma=0.1,means=m3.json -n 5
check "agreeing k=3,dim=2 with means= works and draws the file's means" bash -c "'$CLI' data gmm:k=3,dim=2,sigma=0.01,means=m3.npy -n 30 --seed 2 > k3.csv && '$CLI' data gmm:sigma=0.01,means=m3.npy -n 30 --seed 2 > k0.csv && cmp -s k3.csv k0.csv"
check "... sigma= is each mode's std with means=" $PY -c "
import numpy as np; x = np.loadtxt('k3.csv', delimiter=','); c = np.array([[0, 0], [5, 5], [10, 0]])
d = np.sqrt(((x[:, None, :] - c[None]) ** 2).sum(-1)).min(1); assert d.max() < 0.1, d.max()"
cp m.npy mc.npy
expect_exit2 "data -o over its means file refused" "-o mc.npy is the means= file" "$CLI" data gmm:means=mc.npy -n 3 -o mc.npy
check "... the means kept" cmp -s m.npy mc.npy
exit $fail
