# lib_cli.sh — helpers the CLI shell tests source (not a test itself): a temporary directory $T
# removed on exit, check (a command that must succeed) and expect_exit2 (a command that must
# exit 2 with a message containing a needle). Sets fail=1 on any failure. A test that works in
# $T starts with `in_tmp "$1"`: $CLI the binary's absolute path, $PY Debian's python (numpy), cd $T.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { local what=$1; shift; if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi; }
expect_exit2() { # description, needle, command...
    local what=$1 needle=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$needle" "$T/err"; then echo "ok   $what"
    else echo "FAIL $what (rc $rc, stderr: $(cat "$T/err"))"; fail=1; fi
}
in_tmp() {
    CLI=$(realpath "$1")
    PY=/usr/bin/python3
    cd "$T" || exit 1
}
