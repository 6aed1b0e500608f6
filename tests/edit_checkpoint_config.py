# edit_checkpoint_config.py SRC DST KEY JSON_VALUE: a copy of a wgankit checkpoint with one setting of
# its wgankit.config metadata replaced (for tests of checkpoints whose config lies about the state).
import json, struct, sys
src, dst, key, val = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
b = open(src, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8 + n]); c = json.loads(h['__metadata__']['wgankit.config'])
c[key] = json.loads(val); h['__metadata__']['wgankit.config'] = json.dumps(c, separators=(',', ':'))
hb = json.dumps(h, separators=(',', ':')).encode(); hb += b' ' * (-len(hb) % 8)
open(dst, 'wb').write(struct.pack('<Q', len(hb)) + hb + b[8 + n:])
