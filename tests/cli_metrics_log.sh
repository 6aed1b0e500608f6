#!/bin/bash
# cli_metrics_log.sh — a damaged metrics.jsonl (FINDINGS 11a). `train --resume` refuses it, exit 2
# naming the file and the line, and rewrites nothing (was: the damaged line and every line after it
# dropped silently, and the intact metrics.csv rewritten from what was left: steps 100 and 200
# lost, rc 0); a log cut at a line boundary is caught by the metrics.csv rows it lacks; the intact
# log resumes as before. `report RUN` skips a bad line with a warning naming the file and the line
# (not JSON, a NUL byte, a 2 MB number, a step that is not an integer in [0, 2^53]) and says so on
# the page (was: silent). A null with its reason beside it (a layer-norm critic's lip_certified)
# survives the resume in both files (was: dropped from every earlier step), and so does the sign of
# a -Inf (was: read back as +Inf). $1: the CLI binary.
set -u
source "$(dirname "$0")/lib_cli.sh"
in_tmp "$1"
Q="--eval-n 64 --holdout 64 --batch 16 --lip-pairs 10 --threads 1 --progress 0 --gen-width 16 --critic-width 16"
"$CLI" train --data ring --steps 200 --eval-every 100 $Q --out r1 >/dev/null 2>&1
check "the run logged steps 0, 100, 200" [ "$(cut -d, -f1 r1/metrics.csv | tr '\n' ' ')" = "step 0 100 200 " ]
cp r1/metrics.jsonl good.jsonl
cp r1/metrics.csv good.csv
cp r1/checkpoint.safetensors good.ckpt

# a line cut in the middle (as `head -c`): refused, naming line 2; nothing rewritten
$PY -c "s = open('good.jsonl', 'rb').read(); i = s.index(b'\n') + 40; open('r1/metrics.jsonl', 'wb').write(s[:i])"
cp r1/metrics.jsonl cut.jsonl
expect_exit2 "resume over a cut line refused, naming file and line" "r1/metrics.jsonl line 2, column" \
    "$CLI" train --resume r1 --steps 300
check "... metrics.csv kept intact" cmp -s good.csv r1/metrics.csv
check "... metrics.jsonl left as it was" cmp -s cut.jsonl r1/metrics.jsonl
check "... the checkpoint untouched" cmp -s good.ckpt r1/checkpoint.safetensors
check "... the message says how to go on" grep -q "repair or delete that line" "$T/err"

# a NUL line (a crash of the file system, not of train: train writes the log atomically)
$PY -c "s = open('good.jsonl', 'rb').read().split(b'\n'); s[1] = b'\0' * 30; open('r1/metrics.jsonl', 'wb').write(b'\n'.join(s))"
expect_exit2 "resume over a NUL line refused" "r1/metrics.jsonl line 2: holds a NUL byte" "$CLI" train --resume r1 --steps 300
$PY -c "s = open('good.jsonl').read().split('\n'); s[1] = s[1].replace('\"step\":100', '\"step\":99999999999999999999999'); open('r1/metrics.jsonl', 'w').write('\n'.join(s))"
expect_exit2 "resume over a step beyond 2^53 refused" "line 2: \"step\" 9.9999999999999992e+22 is not a step count" "$CLI" train --resume r1 --steps 300

# a log cut at a line boundary: metrics.csv holds rows it lacks
head -n 1 good.jsonl > r1/metrics.jsonl
expect_exit2 "resume over a log missing complete rows refused" "r1/metrics.csv line 3 holds step 100, which r1/metrics.jsonl lacks" \
    "$CLI" train --resume r1 --steps 300
check "... metrics.csv kept intact" cmp -s good.csv r1/metrics.csv

# the intact log resumes, keeping every row
cp good.jsonl r1/metrics.jsonl
check "the intact log resumes" bash -c "'$CLI' train --resume r1 --steps 300 >/dev/null 2>&1"
check "... and keeps steps 0, 100, 200, adding 300" [ "$(cut -d, -f1 r1/metrics.csv | tr '\n' ' ')" = "step 0 100 200 300 " ]
check "... metrics.jsonl likewise" [ "$(grep -c '"step"' r1/metrics.jsonl)" -eq 4 ]

# a null with its reason (a layer-norm critic's lip_certified: no finite bound) survives a resume
# in both files (was: steps 0 and 2 lost lip_certified and lip_certified_null, read as "not measured")
$PY -c "import numpy as np; np.save('img.npy', np.random.default_rng(1).integers(0, 256, (64, 28, 28), dtype=np.uint8))"
"$CLI" train --data img.npy --gen dcgan --critic-net dcgan --critic gp --critic-norm layer --dcgan-width 8 --latent-dim 16 --batch 16 \
    --steps 2 --eval-every 2 --eval-n 32 --holdout 16 --threads 1 --progress 0 --out ln >/dev/null 2>&1
cp ln/metrics.csv ln0.csv
check "layer-norm run: the resume over its log runs" bash -c "'$CLI' train --resume ln --steps 4 >/dev/null 2>&1"
check "... steps 0 and 2 keep lip_certified null with its reason in metrics.jsonl, step 4 has it too" $PY -c "
import json; L = [json.loads(l) for l in open('ln/metrics.jsonl')]
assert [r['step'] for r in L] == [0, 2, 4], L
for r in L: assert 'lip_certified' in r and r['lip_certified'] is None and 'layer norm' in r['lip_certified_null'], r"
check "... metrics.csv keeps its rows for steps 0 and 2 as they were" bash -c "head -3 ln/metrics.csv | cut -d, -f1-16 | cmp -s - <(cut -d, -f1-16 ln0.csv)"
check "... and their lip_certified column is inf" bash -c "[ \"\$(cut -d, -f12 ln/metrics.csv | tr '\n' ' ')\" = 'lip_certified inf inf inf ' ]"

# the sign of a logged infinity survives a resume: written null with the reason "not finite: -Inf"
# (wk_json_logged_double; test_logged_values.c checks the writer), it comes back as -Inf, in
# metrics.jsonl and as -inf in metrics.csv (was: every logged infinity came back as +Inf)
"$CLI" train --data ring --steps 2 --eval-every 1 $Q --out inf >/dev/null 2>&1
$PY -c "
import json; L = [json.loads(l) for l in open('inf/metrics.jsonl')]
L[0]['loss_d'] = None; L[0]['loss_d_null'] = 'not finite: -Inf'
L[1]['d_D'] = None; L[1]['d_D_null'] = 'not finite'
open('inf/metrics.jsonl', 'w').write(''.join(json.dumps(r) + '\\n' for r in L))"
check "a log with -Inf and +Inf: the resume over it runs" bash -c "'$CLI' train --resume inf --steps 3 >/dev/null 2>&1"
check "... metrics.jsonl keeps both nulls with their reasons" $PY -c "
import json; L = [json.loads(l) for l in open('inf/metrics.jsonl')]
assert [r['step'] for r in L] == [0, 1, 2, 3], L
assert L[0]['loss_d'] is None and L[0]['loss_d_null'] == 'not finite: -Inf', L[0]
assert L[1]['d_D'] is None and L[1]['d_D_null'] == 'not finite', L[1]"
check "... metrics.csv: loss_d of step 0 is -inf, d_D of step 1 inf" bash -c "[ \"\$(sed -n 2p inf/metrics.csv | cut -d, -f6) \$(sed -n 3p inf/metrics.csv | cut -d, -f5)\" = '-inf inf' ]"

# report: bad lines skipped with a warning naming file and line
$PY -c "
s = open('r1/metrics.jsonl', 'rb').read().rstrip(b'\n').split(b'\n')
bad = [b'garbage', b'{\"step\": 1\0}', b'{\"step\": 5, \"w1\": ' + b'1' * 2000000 + b'}', b'{\"step\": 99999999999999999999999, \"w1\": 1}', b'{\"step\": -3}']
open('r1/metrics.jsonl', 'wb').write(b'\n'.join(s[:2] + bad + s[2:]) + b'\n')"
"$CLI" report r1 > rep.out 2> rep.err
check "report with damaged lines exits 0" [ $? -eq 0 ]
check "... warns about line 3 (not JSON)" grep -q "warning: r1/metrics.jsonl line 3, column [0-9]*: invalid token .*; line skipped" rep.err
check "... line 4 (a NUL byte)" grep -q "warning: r1/metrics.jsonl line 4: holds a NUL byte" rep.err
check "... line 5 (2 MB long)" grep -q "warning: r1/metrics.jsonl line 5: 2000019 bytes long (a metrics line is at most 1048576 bytes)" rep.err
check "... line 6 (a step beyond 2^53)" grep -q "warning: r1/metrics.jsonl line 6: \"step\" 9.9999999999999992e+22 is not a step count" rep.err
check "... line 7 (a negative step)" grep -q "warning: r1/metrics.jsonl line 7: \"step\" -3 is not a step count" rep.err
check "... and nothing else" [ "$(grep -c . rep.err)" -eq 5 ]
check "... the page counts them and names the first" grep -q "5 of 9 lines of metrics.jsonl .* skipped; the first: r1/metrics.jsonl line 3" r1/report.html
check "... the page still charts the good lines" grep -q "step 300" r1/report.html
exit $fail
