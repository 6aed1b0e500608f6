#!/bin/bash
# cli_checkpoint_state.sh — a checkpoint's state tensors are checked against what the config
# will build before the data is built: a config edited to claim data_n 10^8 fails in
# milliseconds (was 91 s at 1.5 GB before "state.perm is missing"), for eval and train --resume;
# and the wrong-shape messages say what differs (expected vs found, and in words: the data has
# N rows but the run was trained on M; the run has 3 components, not 2); a resume on a data file
# swapped for one of the same shape is refused (was: continued silently, W1 1.11 -> 6.04) unless
# --resume-data-changed 1; checkpoints without the data fingerprint still resume. $1: the CLI binary.
set -u
CLI=$1
source "$(dirname "$0")/lib_cli.sh"
PY=/usr/bin/python3
EDIT="$(dirname "$0")/edit_checkpoint_config.py"
Q="--eval-every 0 --eval-n 20 --threads 1 --progress 0"
"$CLI" train --data ring --steps 2 --batch 16 $Q --out "$T/ck" >/dev/null 2>&1
$PY "$EDIT" "$T/ck/checkpoint.safetensors" "$T/datan.safetensors" data_n 100000000
# timeout 30: the unfixed build spends minutes building 10^8 rows first
expect_exit2 "eval: data_n 10^8 refused before the data is built" "tensor 'state.perm' is missing (this configuration needs I64 \[100000000\]" \
    timeout 30 "$CLI" eval --checkpoint "$T/datan.safetensors" --eval-n 50
cp -r "$T/ck" "$T/ck3"; cp "$T/datan.safetensors" "$T/ck3/checkpoint.safetensors"
expect_exit2 "train --resume: data_n 10^8 refused before the data is built" "tensor 'state.perm' is missing" \
    timeout 30 "$CLI" train --resume "$T/ck3" --steps 4 --progress 0
# the data file shrank: 200 rows (180 trained on) -> 150 (130)
"$CLI" draw ring -n 200 --seed 5 -o "$T/d.npy" >/dev/null
"$CLI" train --data "$T/d.npy" --holdout 20 --steps 2 $Q --out "$T/fr" >/dev/null 2>&1
"$CLI" draw ring -n 150 --seed 5 -o "$T/d.npy" >/dev/null
expect_exit2 "resume after the data shrank says both row counts" \
    "state.perm' has the wrong dtype or shape for this configuration (expected I64 \[130\], found I64 \[180\]): the data has 130 training rows but the run was trained on 180" \
    "$CLI" train --resume "$T/fr" --steps 4 --progress 0
# a 3-component mixture resumed with --mix 2
"$CLI" train --data ring --mix 3 --steps 2 --gen-width 8 --critic-width 8 $Q --out "$T/rm3" >/dev/null 2>&1
expect_exit2 "resume --mix 2 of a 3-component run says so" \
    "--mix 2: the run's networks were built with --mix 3" \
    "$CLI" train --resume "$T/rm3" --mix 2 --steps 4 --progress 0
# a fixed synthetic sample of the right size still resumes
"$CLI" train --data ring --data-n 64 --steps 2 --batch 16 $Q --out "$T/dn" >/dev/null 2>&1
check "data_n 64 resumes" "$CLI" train --resume "$T/dn" --steps 3 --progress 0
# the data file swapped for another of the same shape
"$CLI" draw ring -n 300 --seed 1 -o "$T/rfa.npy" >/dev/null; "$CLI" draw gaussian:dim=2 -n 300 --seed 2 -o "$T/rfb.npy" >/dev/null
cp "$T/rfa.npy" "$T/rfd.npy"
"$CLI" train --data "$T/rfd.npy" --steps 2 --holdout 20 $Q --out "$T/rf" >/dev/null 2>&1
check "same data resumes" "$CLI" train --resume "$T/rf" --steps 3 --progress 0
cp "$T/rfb.npy" "$T/rfd.npy"
cp "$T/rf/checkpoint.safetensors" "$T/rf.before"
expect_exit2 "resume on swapped data refused" "--data .*rfd.npy: the data changed since the run started .*restore it, or set --resume-data-changed 1" \
    "$CLI" train --resume "$T/rf" --steps 4 --progress 0
check "the refusal left the checkpoint alone" cmp -s "$T/rf.before" "$T/rf/checkpoint.safetensors"
"$CLI" train --resume "$T/rf" --steps 4 --progress 0 --resume-data-changed 1 >"$T/out" 2>&1
check "--resume-data-changed 1 continues and says so" grep -q "changed since the run started: continuing on the new data" "$T/out"
check "the choice is not saved" bash -c "! grep -q resume_data_changed '$T/rf/config.json'"
check "the new data's fingerprint is recorded: next resume goes on" "$CLI" train --resume "$T/rf" --steps 5 --progress 0
# a checkpoint from before fingerprints (no data_fingerprint metadata) still resumes
$PY -c "
import json, struct, sys
b = open(sys.argv[1], 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8 + n])
del h['__metadata__']['data_fingerprint']
hb = json.dumps(h, separators=(',', ':')).encode(); hb += b' ' * (-len(hb) % 8)
open(sys.argv[1], 'wb').write(struct.pack('<Q', len(hb)) + hb + b[8 + n:])" "$T/rf/checkpoint.safetensors"
cp "$T/rfa.npy" "$T/rfd.npy"
check "a checkpoint without a fingerprint resumes" "$CLI" train --resume "$T/rf" --steps 6 --progress 0
exit $fail
