#!/bin/bash
# cli_data_specs.sh — `wgankit data` takes the spec strings every other command takes: `data gmm:k=3`
# (was: "unknown target 'gmm:k=3' (..., gmm, ...)", exit 2) means what `draw gmm:k=3` does; a means=FILE
# given as NPY is read like every other array file (was: parsed as CSV, "misplaced quote" / "'<binary>' is
# not a number"), in `data`, `train --data gmm:means=F.npy` and mixture1d; `data -o F` over its means file
# is refused. $1: the CLI binary.
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
cp m.npy mc.npy
expect_exit2 "data -o over its means file refused" "-o mc.npy is the means= file" "$CLI" data gmm:means=mc.npy -n 3 -o mc.npy
check "... the means kept" cmp -s m.npy mc.npy
exit $fail
