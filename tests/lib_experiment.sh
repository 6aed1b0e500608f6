# lib_experiment.sh — what the experiment tests source (not a test itself): check_outputs DIR
# checks that an experiment directory holds every output (results.csv with a header and at
# least one row of the header's width, SUMMARY.md with the claim, a verdict line and the run time,
# report.html that parses as HTML with the same claim, and for every figure referenced by the
# summary a PNG that is a PNG and an SVG that parses as XML). Needs check() from lib_cli.sh.
# run_quick_experiment NAME CLI: the body of every tests/long_experiment_*.sh (make check-long,
# issue 17 acceptance 1): `CLI experiment NAME --scale quick --jobs 2` from an empty directory,
# then check_outputs; prints SUMMARY.md.
check_outputs() {
    local dir=$1
    /usr/bin/python3 - "$dir" <<'PYEOF'
import csv, html.parser, os, re, sys, xml.dom.minidom
d = sys.argv[1]
ok = True
def say(cond, what):
    global ok
    print(("ok   " if cond else "FAIL ") + what); ok &= bool(cond)
rows = list(csv.reader(open(os.path.join(d, "results.csv"))))
say(len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows), f"results.csv: header + {len(rows) - 1} rows of {len(rows[0])} fields")
say(any(re.fullmatch(r"-?[0-9.eE+-]+", f or "x") for r in rows[1:] for f in r), "results.csv holds numbers")
md = open(os.path.join(d, "SUMMARY.md")).read()
say("**The paper's claim**" in md, "SUMMARY.md states the paper's claim")
say(re.search(r"\*\*(agrees|DIFFERS|not measurable)\*\* — claim: .* — measured: ", md), "SUMMARY.md has claim/measured verdict lines")
say("Run time:" in md, "SUMMARY.md gives the run time")
class P(html.parser.HTMLParser):
    pass
h = open(os.path.join(d, "report.html")).read()
P().feed(h)
say(h.startswith("<!doctype html>") and h.rstrip().endswith("</html>") and "The paper's claim" in h, "report.html complete")
figs = re.findall(r"!\[[^\]]*\]\(([^)]+)\.png\)", md)
say(len(figs) >= 1, f"{len(figs)} figures referenced")
for f in figs:
    png = open(os.path.join(d, f + ".png"), "rb").read()
    say(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000, f"{f}.png is a PNG")
    dom = xml.dom.minidom.parse(os.path.join(d, f + ".svg"))
    say(dom.documentElement.tagName == "svg" and len(dom.getElementsByTagName("text")) >= 3, f"{f}.svg parses, has labels")
sys.exit(0 if ok else 1)
PYEOF
}

# The directory is $WK_LONG_OUT (default /tmp/wk_long_experiment_<name>), left for
# docs/experiments/NAME.md. It starts empty: the experiment would otherwise resume, and skip, a
# finished directory; WK_LONG_RESUME=1 keeps it, to redo only the measurements and write-up.
run_quick_experiment() {
    local name=$1 cli=$2
    local out=${WK_LONG_OUT:-/tmp/wk_long_experiment_${name//-/_}}
    [ "${WK_LONG_RESUME:-0}" = 1 ] || rm -rf "$out"
    check "$name --scale quick" "$cli" experiment "$name" --scale quick --jobs 2 --out "$out"
    check "$name outputs" check_outputs "$out"
    cat "$out/SUMMARY.md"
}
