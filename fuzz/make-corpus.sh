#!/usr/bin/env bash
# fuzz/make-corpus.sh path/to/wgankit — (re)make the committed seed corpus fuzz/corpus/<h>/:
# a few small valid files of each format (and near-misses), from which libFuzzer mutates.
# numpy writes the NPY seeds (the reference writer); the checkpoints come from tiny
# `wgankit train` runs on the 40 points that fuzz_checkpoint.c uses as its data.
set -euo pipefail
CLI=${1:?usage: fuzz/make-corpus.sh path/to/wgankit}
CLI=$(realpath "$CLI")
cd "$(dirname "$0")"
C=corpus
rm -rf "$C"
mkdir -p $C/{npy,csv,idx,cifar,safetensors,dataset,config,checkpoint}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

/usr/bin/python3 - "$C" <<'PY'
import gzip, io, json, struct, sys
import numpy as np
C = sys.argv[1]
def npy(a):
    b = io.BytesIO(); np.save(b, a); return b.getvalue()
seeds = {
    "f32_2x3": np.arange(6, dtype=np.float32).reshape(2, 3),
    "f64_3": np.array([1e6, 1e6 + 0.01, -2.5]),
    "u8_4x2": np.arange(8, dtype=np.uint8).reshape(4, 2),
    "i32_2x2": np.array([[1, -2], [3, 4]], dtype=np.int32),
    "i64_3": np.array([1, 2, 3], dtype=np.int64),
    "bool_3": np.array([True, False, True]),
    "f4_be_2": np.array([1.5, -2], dtype=">f4"),
    "fortran_2x3": np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)),
    "f32_2x1x2x2": np.zeros((2, 1, 2, 2), dtype=np.float32),
    "f32_0d": np.float32(3),
}
for k, a in seeds.items():
    open(f"{C}/npy/{k}.npy", "wb").write(npy(a))
b = io.BytesIO(); np.lib.format.write_array(b, np.ones(3, np.float32), version=(2, 0))
open(f"{C}/npy/v2_f32_3.npy", "wb").write(b.getvalue())

csvs = {"plain": b"1,2\n3,4\n5,6\n", "header": b"x,y\n1,2\n3,4\n", "spaces": b"1 2 3\n4 5 6\n",
        "crlf": b"0.5,1e-3\r\n-2,3\r\n", "one_col": b"1\n2\n3\n", "exp": b"1e308,-1e-308\n+.5,-0.\n",
        "tabs": b"1\t2\n3\t4\n", "quoted": b'"a","b"\n"1","2"\n', "blank_lines": b"1,2\n\n3,4\n\n"}
for k, v in csvs.items():
    open(f"{C}/csv/{k}.csv", "wb").write(v)

def idx(dtype_code, shape, payload):
    return bytes([0, 0, dtype_code, len(shape)]) + b"".join(struct.pack(">I", s) for s in shape) + payload
idxs = {"u8_2x2x2": idx(0x08, [2, 2, 2], bytes(range(8))), "f32_3": idx(0x0D, [3], struct.pack(">3f", 1, 2, 3)),
        "i32_2": idx(0x0C, [2], struct.pack(">2i", -1, 7)), "f64_2x1": idx(0x0E, [2, 1], struct.pack(">2d", 0.5, 2)),
        "i16_2": idx(0x0B, [2], struct.pack(">2h", 1, -1)), "s8_1x2": idx(0x09, [1, 2], b"\x01\xff")}
for k, v in idxs.items():
    open(f"{C}/idx/plain_{k}", "wb").write(b"\x00" + v)             # mode 0: plain .idx
    open(f"{C}/idx/gz_{k}", "wb").write(b"\x01" + gzip.compress(v))  # mode 1: a .gz file as is
    open(f"{C}/idx/zip_{k}", "wb").write(b"\x02" + v)               # mode 2: gzipped by the harness

rec = bytes([3]) + bytes(i % 256 for i in range(3072))
open(f"{C}/cifar/one_record.bin", "wb").write(rec)
open(f"{C}/cifar/bad_label.bin", "wb").write(bytes([10]) + rec[1:])

def st(tensors, meta=None):
    hdr, data = {}, b""
    if meta: hdr["__metadata__"] = meta
    for name, (dt, shape, raw) in tensors.items():
        hdr[name] = {"dtype": dt, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(hdr, separators=(",", ":")).encode()
    h += b" " * (-(8 + len(h)) % 8)
    return struct.pack("<Q", len(h)) + h + data
open(f"{C}/safetensors/f32_i64.safetensors", "wb").write(
    st({"w": ("F32", [2, 2], struct.pack("<4f", 1, 2, 3, 4)), "n": ("I64", [1], struct.pack("<q", 5))}, {"format": "pt"}))
open(f"{C}/safetensors/u8_empty.safetensors", "wb").write(
    st({"b": ("U8", [3], b"abc"), "e": ("F32", [0], b"")}))
open(f"{C}/safetensors/nometa.safetensors", "wb").write(st({"x": ("F32", [1], struct.pack("<f", 1))}))

# dataset: byte 0 format (0 npy, 1 csv, 2 idx, 3 idx.gz, 4 bin; +8: two files; +16 dcgan), byte 1
# hold-out/scale, byte 2 split point; then the file(s).
dd = f"{C}/dataset"
open(f"{dd}/npy_points", "wb").write(bytes([0, 4, 0]) + npy(np.arange(20, dtype=np.float32).reshape(10, 2)))
open(f"{dd}/npy_images_nhwc", "wb").write(bytes([0, 2, 0]) + npy(np.zeros((4, 2, 2, 3), np.uint8)))
open(f"{dd}/csv_two_files", "wb").write(bytes([9, 1, 128]) + b"1,2\n3,4\n5,6\n7,8\n")
open(f"{dd}/csv_minmax", "wb").write(bytes([1, 0xC1, 0]) + b"1,2\n3,4\n5,6\n")
open(f"{dd}/idx_images", "wb").write(bytes([2, 0x81, 0]) + idx(0x08, [4, 3, 3], bytes(range(36))))
open(f"{dd}/idxgz_images", "wb").write(bytes([3, 1, 0]) + gzip.compress(idx(0x08, [4, 3, 3], bytes(range(36)))))
open(f"{dd}/idx_dcgan_28", "wb").write(bytes([18, 1, 0]) + idx(0x08, [2, 28, 28], bytes(2 * 784)))
open(f"{dd}/cifar_two", "wb").write(bytes([4, 1, 0]) + rec + rec)
PY

# config: the settings of a real run, small hand-made ones, a refused cross-setting combination
"$CLI" train --steps 1 --eval-every 0 --eval-n 10 --holdout 10 --gen-width 4 --critic-width 4 --batch 4 \
    --threads 1 --progress 0 --out "$T/cfg" >/dev/null
cp "$T/cfg/config.json" $C/config/run_config.json
printf '{"steps": 10, "gen_width": 8, "critic": "gp", "lr_g": 1e-4}\n' > $C/config/small.json
printf '{"data": "gmm:k=4,dim=3", "latent": "uniform", "ema": 0}\n' > $C/config/gmm.json
printf '{"critic": "gp", "critic_norm": "batch", "critic_net": "dcgan"}\n' > $C/config/refused.json
printf '{"seed": 18446744073709551615, "progress": -1, "sample_shape": "1x28x28"}\n' > $C/config/edges.json

# checkpoint: tiny runs on the harness's 40 points, with and without EMA, Björck and spectral norm
for i in $(seq 0 39); do awk -v i=$i 'BEGIN { printf "%g,%g\n", i * 0.05, (i % 2) ? 1 : -1 }'; done > "$T/points.csv"
small=(--data "$T/points.csv" --steps 3 --eval-every 0 --eval-n 10 --holdout 4 --gen-depth 1 --critic-depth 1
       --gen-width 4 --critic-width 4 --latent-dim 2 --batch 8 --n-critic 1 --threads 1 --progress 0)
"$CLI" train "${small[@]}" --out "$T/c1" >/dev/null
"$CLI" train "${small[@]}" --critic spectral --ema 0 --out "$T/c2" >/dev/null
"$CLI" train "${small[@]}" --critic gp --loss hinge --out "$T/c3" >/dev/null
for c in c1 c2 c3; do cp "$T/$c/checkpoint.safetensors" "$C/checkpoint/$c.safetensors"; done
cp "$T/c1/checkpoint.safetensors" "$C/safetensors/checkpoint.safetensors"
du -sh "$C"; find "$C" -type f | wc -l
