# edit_checkpoint.py — a copy of a wgankit checkpoint with one thing changed, for tests of
# checkpoints that lie or that a float32 pass cannot use. The header is rewritten (compact JSON);
# the tensors' bytes are kept unless a tensor is edited.
#   edit_checkpoint.py SRC DST config KEY JSON_VALUE          one setting of wgankit.config
#   edit_checkpoint.py SRC DST tensor NAME all|INDEX VALUE    entries of a float32 tensor set to VALUE
#   edit_checkpoint.py SRC DST layers KEY PY_EXPR             the layer list L in metadata KEY replaced by
#                                                             the value of PY_EXPR (L bound to the list)
#   edit_checkpoint.py SRC DST drop KEY                       metadata KEY removed
#   edit_checkpoint.py SRC DST set KEY VALUE                  metadata KEY set to the string VALUE
#   edit_checkpoint.py SRC DST respell                        every JSON metadata value rewritten with other
#                                                             spacing and its objects' keys reversed
import json, struct, sys

def read(path):
    b = open(path, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]
    return json.loads(b[8:8 + n]), bytearray(b[8 + n:])

def write(path, h, body, **dump):
    hb = json.dumps(h, **(dump or {'separators': (',', ':')})).encode(); hb += b' ' * (-len(hb) % 8)
    open(path, 'wb').write(struct.pack('<Q', len(hb)) + hb + bytes(body))

def reversed_keys(v):
    if isinstance(v, dict): return {k: reversed_keys(v[k]) for k in reversed(list(v))}
    if isinstance(v, list): return [reversed_keys(x) for x in v]
    return v

def main(argv):
    src, dst, what, args = argv[0], argv[1], argv[2], argv[3:]
    h, body = read(src); meta = h['__metadata__']
    if what == 'config':
        c = json.loads(meta['wgankit.config']); c[args[0]] = json.loads(args[1])
        meta['wgankit.config'] = json.dumps(c, separators=(',', ':'))
    elif what == 'tensor':
        s, e = h[args[0]]['data_offsets']; n = (e - s) // 4
        idx = range(n) if args[1] == 'all' else [int(args[1])]
        for i in idx: body[s + 4 * i:s + 4 * i + 4] = struct.pack('<f', float(args[2]))
    elif what == 'layers':
        L = json.loads(meta[args[0]]); meta[args[0]] = json.dumps(eval(args[1], {'L': L}))
    elif what == 'drop':
        del meta[args[0]]
    elif what == 'set':
        meta[args[0]] = args[1]
    elif what == 'respell':
        for k, v in meta.items():
            if v[:1] in '[{': meta[k] = json.dumps(reversed_keys(json.loads(v)), indent=1)
    else:
        sys.exit('edit_checkpoint.py: unknown edit ' + what)
    write(dst, h, body)

if __name__ == '__main__':
    main(sys.argv[1:])
