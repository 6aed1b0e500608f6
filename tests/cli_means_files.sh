#!/bin/bash
# cli_means_files.sh — a gmm:/mixture1d: means=FILE is untrusted input like any data file: every
# mean within float32's range (the samples' type), a JSON file's "sigma" within the spec's sigma=
# range [0, 1e6], a JSON key other than "means", "sigma", "weights" refused, and a file holding no
# means refused; each exit 2 naming the file and the entry. (FINDINGS tester8 #5, #6: means of
# 1e300 or a JSON sigma of 1e39 drew +-Inf samples with exit 0; "extra" keys were ignored; an
# empty NPY gave a "mixture" whose every sample was 0, or "no error" with exit 1.)
set -u
source "$(dirname "$0")/lib_cli.sh"
in_tmp "$1"
"$PY" - <<'PY'
import numpy as np
np.save("big.npy", np.array([[1e300, 0], [0, 1]])); open("big.csv", "w").write("0,1\n0,-1e300\n")
np.save("sh0.npy", np.zeros((0,))); np.save("sh00.npy", np.zeros((0, 0))); np.save("sh02.npy", np.zeros((0, 2)))
w = lambda name, text: open(name, "w").write(text)
w("f.json", '{"means": [[1e308,0],[-1e308,1]]}')
w("j.json", '{"means": [[0,0],[1,1]], "sigma": 1e39}')
w("jv.json", '{"means": [[0,0],[1,1]], "sigma": [0.1, 2e6]}')
w("jn.json", '{"means": [[0,0],[1,1]], "sigma": -1}')
w("x.json", '{"means": [[0,0],[1,1]], "extra": 1}')
w("wt.json", '{"means": [[0,0],[1,1]], "weight": [0.9, 0.1]}')
w("e.json", '{"means": [[]]}')
w("d.json", '{"means": [[0,0],[1,1]], "weights": [0.9, 0.1], "sigma": 0.01}')
w("wbig.json", '{"means": [[1],[2]], "weights": [1e308, 1e308]}')
w("wneg.json", '{"means": [[1],[2]], "weights": [1, -0.5]}')
w("winf.json", '{"means": [[1],[2]], "weights": [1, 1e999]}')
w("wzero.json", '{"means": [[1],[2]], "weights": [0, 0]}')
PY
f32="beyond float32's range"
expect_exit2 "NPY mean 1e300" "big.npy: mean 0 (row 0, column 0) is 1.0000000000000001e+300, $f32" "$CLI" data gmm:means=big.npy -n 8
expect_exit2 "CSV mean -1e300" "big.csv: mean 1 (row 1, column 1) is -1.0000000000000001e+300, $f32" "$CLI" data gmm:means=big.csv -n 8
expect_exit2 "JSON mean 1e308 (data)" "f.json: \"means\"\[0\]\[0\] is 1e+308, $f32" "$CLI" data gmm:means=f.json -n 3
expect_exit2 "JSON mean 1e308 (draw)" "f.json: \"means\"\[0\]\[0\] is 1e+308" "$CLI" draw gmm:means=f.json -n 3 -o x.npy
expect_exit2 "JSON mean 1e308 (train)" "f.json: \"means\"\[0\]\[0\]" "$CLI" train --data gmm:means=f.json --steps 2 --out tinf --force
expect_exit2 "JSON mean 1e308 (nnd)" "f.json: \"means\"\[0\]\[0\]" "$CLI" nnd gmm:means=f.json ring -m 100 --steps 10
expect_exit2 "JSON sigma 1e39" "j.json: \"sigma\" is 9.9999999999999994e+38, not in \[0, 1e+06\]" "$CLI" data gmm:means=j.json -n 3
expect_exit2 "JSON sigma[1] 2e6" "jv.json: \"sigma\"\[1\] is 2000000, not in \[0, 1e+06\]" "$CLI" data gmm:means=jv.json -n 3
expect_exit2 "JSON sigma -1" "jn.json: \"sigma\" is -1, not in \[0, 1e+06\]" "$CLI" data gmm:means=jn.json -n 3
expect_exit2 "JSON unknown key extra" "x.json: unknown key \"extra\"" "$CLI" data gmm:means=x.json -n 3
expect_exit2 "JSON misspelt weight" "wt.json: unknown key \"weight\"" "$CLI" data gmm:means=wt.json -n 3
expect_exit2 "JSON mean of no coordinates" "e.json: means\[0\] has no coordinates" "$CLI" data gmm:means=e.json -n 3
for f in sh0 sh00 sh02; do
    expect_exit2 "empty NPY $f" "$f.npy: holds no means" "$CLI" data gmm:means=$f.npy -n 3
    expect_exit2 "empty NPY $f, sigma=0.5" "$f.npy: holds no means" "$CLI" data gmm:means=$f.npy,sigma=0.5 -n 3
done
expect_exit2 "train on an empty means file" "sh0.npy: holds no means" "$CLI" train --data gmm:means=sh0.npy --steps 2 --out te0 --force
expect_exit2 "mixture1d on an empty means file" "sh0.npy: holds no means" "$CLI" data mixture1d:means=sh0.npy -n 3
# "weights" is the JSON file's one other key, and it is used: 10 % of 4000 draws at (1, 1)
"$CLI" data gmm:means=d.json -n 4000 -o d.npy >/dev/null 2>&1
check "JSON weights [0.9, 0.1] are the modes' shares" "$PY" -c "
import numpy as np; x = np.load('d.npy'); f = (x[:, 0] > 0.5).mean(); assert abs(f - 0.1) < 0.02, f"
# weights whose sum overflows are scaled by the largest first: [1e308, 1e308] is 50/50 (the sum was
# Inf, every weight 0, and every draw came from the last mode, exit 0); a non-finite or negative
# weight, or a zero total, is exit 2 naming the file and the entry
"$CLI" data gmm:means=wbig.json,sigma=0 -n 4000 -o wbig.npy >/dev/null 2>&1
check "JSON weights [1e308, 1e308] are 50/50" "$PY" -c "
import numpy as np; x = np.load('wbig.npy').ravel(); assert set(x) == {1.0, 2.0}, set(x); f = (x == 2).mean(); assert abs(f - 0.5) < 0.05, f"
expect_exit2 "JSON weight -0.5" "wneg.json: \"weights\"\[1\] is -0.5 (must be finite and >= 0)" "$CLI" data gmm:means=wneg.json -n 3
expect_exit2 "JSON weight 1e999" "winf.json:1:41: real number overflow" "$CLI" data gmm:means=winf.json -n 3
expect_exit2 "JSON weights all 0" "wzero.json: weights sum to zero" "$CLI" data gmm:means=wzero.json -n 3
[ $fail = 0 ] && echo "cli_means_files: all passed"
exit $fail
