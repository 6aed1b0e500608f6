#!/usr/bin/python3
"""make_ot_precision_fixtures.py — regenerate tests/fixtures/ot_precision/: the wrong-value
examples of issue 18 for the OT module, with reference values from POT (ot.emd2,
ot.sliced_wasserstein_distance) and scipy (linear_sum_assignment), all in float64:
 - offsets far larger than the spread, as float64 NPY, int64 NPY and CSV text: every method
   (exact, 1-D, sliced, Sinkhorn) must see the spread, not float32's rounding of it;
 - coordinates of 1e16 next to unit distances (exact W1 certified but not optimal), in 2-D
   (uniform and weighted) and 16-D;
 - the squared cost in 1-D, where sliced = 1-D = exact (POT's test_1d_sliced_equals_emd
   in the squared form).
Run with Debian's python: /usr/bin/python3 tests/reference/make_ot_precision_fixtures.py
refs.csv: name,a,b,cost,value (value = W1, or W2^2 for sqeuclidean)."""
import os
import numpy as np
import ot
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "ot_precision")


def emd(a, b, metric):
    a = np.asarray(a, np.float64).reshape(len(a), -1)
    b = np.asarray(b, np.float64).reshape(len(b), -1)
    # cdist takes the differences directly; ot.dist's |x|^2 + |y|^2 - 2 x.y cancels
    # catastrophically at coordinates of 1e16 (it makes the 1e16 example's optimum 3.335)
    M = cdist(a, b, metric=metric)
    val = ot.emd2(np.full(len(a), 1 / len(a)), np.full(len(b), 1 / len(b)), M, numItermax=10**9)
    if len(a) == len(b):
        # the assignment is the reference where there is one: POT's network simplex itself
        # returns 4.0019 on the 1e16 example (its tolerances scale with the largest cost)
        r, c = linear_sum_assignment(M)
        lsa = M[r, c].mean()
        if abs(lsa - val) > 1e-12 * max(1, val):
            print(f"note: ot.emd2 {val!r} != linear_sum_assignment {lsa!r}; using the latter")
        return lsa
    return val


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = ["name,a,b,cost,value"]
    # 1. offsets: 1e6 + {0, 0.01, 0.02} against the same + 0.005 (float32 makes them equal)
    a = np.array([[1000000.0], [1000000.01], [1000000.02]])
    b = a + 0.005
    np.save(os.path.join(OUT, "offset_a.npy"), a)
    np.save(os.path.join(OUT, "offset_b.npy"), b)
    with open(os.path.join(OUT, "offset_a.csv"), "w") as f:
        f.write("1000000.0\n1000000.01\n1000000.02\n")
    with open(os.path.join(OUT, "offset_b.csv"), "w") as f:
        f.write("%.17g\n%.17g\n%.17g\n" % tuple(b[:, 0]))
    rows.append(f"offset_npy,offset_a.npy,offset_b.npy,euclidean,{emd(a, b, 'euclidean'):.17g}")
    ca = np.loadtxt(os.path.join(OUT, "offset_a.csv")).reshape(-1, 1)
    cb = np.loadtxt(os.path.join(OUT, "offset_b.csv")).reshape(-1, 1)
    rows.append(f"offset_csv,offset_a.csv,offset_b.csv,euclidean,{emd(ca, cb, 'euclidean'):.17g}")
    rows.append(f"offset_npy_sq,offset_a.npy,offset_b.npy,sqeuclidean,{emd(a, b, 'sqeuclidean'):.17g}")
    # 2. int64 timestamps in microseconds (exact in float64, 1.3e8 apart in float32), 2-D with an id
    t = np.array([[1700000000000000, 7], [1700000000000010, 7], [1700000000000020, 8]], np.int64)
    u = t + np.array([5, 0], np.int64)
    np.save(os.path.join(OUT, "stamps_a.npy"), t)
    np.save(os.path.join(OUT, "stamps_b.npy"), u)
    rows.append(f"stamps_npy,stamps_a.npy,stamps_b.npy,euclidean,{emd(t, u, 'euclidean'):.17g}")
    # 3. issue 18's certificate example: 1e16 next to unit distances
    A = np.array([[5.8, 9.3], [3.2, 6.7], [0.5, 1e16]])
    B = np.array([[1.3, 7.2], [2.9, 1.8], [2.5, 1e16]])
    with open(os.path.join(OUT, "huge_a.csv"), "w") as f:
        f.write("5.8,9.3\n3.2,6.7\n0.5,1e16\n")
    with open(os.path.join(OUT, "huge_b.csv"), "w") as f:
        f.write("1.3,7.2\n2.9,1.8\n2.5,1e16\n")
    ident = np.mean(np.sqrt(((A - B) ** 2).sum(1)))
    val = emd(A, B, "euclidean")
    assert abs(val - ident) <= 1e-12 * ident, (val, ident)  # the identity matching is optimal
    rows.append(f"huge,huge_a.csv,huge_b.csv,euclidean,{val:.17g}")
    # the same with weights (the simplex path): the far points exchange their masses only (any
    # other move costs 1e16), and between the near ones the identity is optimal (Monge: the
    # swapped pairs cost more), so the optimum is sum w_i |a_i - b_i|
    w = np.array([0.5, 0.3, 0.2])
    np.savetxt(os.path.join(OUT, "huge_w.csv"), w)
    M = cdist(A, B)
    assert M[0, 1] + M[1, 0] > M[0, 0] + M[1, 1]
    rows.append(f"huge_w,huge_a.csv,huge_b.csv,euclidean,{float(w @ np.diag(M)):.17g}")
    # 16-D (the gemm engines): 70 normal points, three of them moved by 1e16 along one axis
    rng_hd = np.random.default_rng(7)
    ha, hb = rng_hd.normal(size=(70, 16)), rng_hd.normal(size=(70, 16)) + 0.3
    ha[:3, 0] += 1e16
    hb[:3, 0] += 1e16
    np.save(os.path.join(OUT, "huge16_a.npy"), ha)
    np.save(os.path.join(OUT, "huge16_b.npy"), hb)
    rows.append(f"huge16,huge16_a.npy,huge16_b.npy,euclidean,{emd(ha, hb, 'euclidean'):.17g}")
    # 4. 1-D squared cost: exact = 1-D = sliced (POT: sliced_wasserstein_distance(p=2)^2 = emd2)
    with open(os.path.join(OUT, "two_a.csv"), "w") as f:
        f.write("0\n1\n")
    with open(os.path.join(OUT, "two_b.csv"), "w") as f:
        f.write("2\n3\n")
    x, y = np.array([[0.0], [1.0]]), np.array([[2.0], [3.0]])
    v = emd(x, y, "sqeuclidean")
    s = ot.sliced_wasserstein_distance(x, y, n_projections=10, p=2, seed=0) ** 2
    assert abs(s - v) <= 1e-12 * v, (s, v)
    rows.append(f"two_sq,two_a.csv,two_b.csv,sqeuclidean,{v:.17g}")
    rng = np.random.default_rng(20261129)
    x, y = rng.normal(size=(40, 1)), rng.normal(size=(30, 1)) * 2 + 1
    np.save(os.path.join(OUT, "rand1d_a.npy"), x)
    np.save(os.path.join(OUT, "rand1d_b.npy"), y)
    v = emd(x, y, "sqeuclidean")
    s = ot.sliced_wasserstein_distance(x, y, n_projections=10, p=2, seed=0) ** 2
    assert abs(s - v) <= 1e-9 * v, (s, v)
    rows.append(f"rand1d_sq,rand1d_a.npy,rand1d_b.npy,sqeuclidean,{v:.17g}")
    rows.append(f"rand1d,rand1d_a.npy,rand1d_b.npy,euclidean,{emd(x, y, 'euclidean'):.17g}")
    with open(os.path.join(OUT, "refs.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
