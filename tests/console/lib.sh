# tests/console/lib.sh - what the end-to-end scripts share (sourced: `. "$(dirname "$0")/lib.sh"`).
#
# A scratch directory $tmp (removed at exit, with the daemon killed if it still runs), and:
#   fail TEXT...      print FAIL, the transcripts $tmp/c* and the daemon's stderr; exit 1
#   start SYSDIR [ARGS]  the real daemon on 127.0.0.1 (any free port) in the background, stdin
#                     empty; sets $pid and $port
#   stop              SIGTERM; the daemon must exit 0 within 5 seconds, having said it stopped
#   client            tests/console/tnclient on $port: the script on stdin
#   ctl WORDS...      cambridge-ctl on $sys (the system directory the script sets)
#   wait_for FILE TEXT   until FILE has a line containing TEXT (10 seconds at most)
# Every wait is bounded; nothing but 127.0.0.1 is used.

fail() {
	echo "FAIL: $*"
	for f in "$tmp"/c*; do
		[ -f "$f" ] && sed "s|^|$(basename "$f"): |" "$f"
	done
	[ -f "$tmp/err" ] && sed 's/^/daemon stderr: /' "$tmp/err"
	exit 1
}

tmp=$(mktemp -d) || exit 1
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

start() {
	: >"$tmp/out"	# before the background job opens it: never read the last run's port
	# shellcheck disable=SC2086 # $2: options, split on purpose
	./cambridge --sysdir "$1" --listen 127.0.0.1:0 $2 >"$tmp/out" 2>"$tmp/err" </dev/null &
	pid=$!
	port=
	i=0
	while [ $i -lt 100 ]; do
		port=$(sed -n 's/^cambridge: listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$tmp/out")
		[ -n "$port" ] && return 0
		kill -0 "$pid" 2>/dev/null || fail "the daemon did not start"
		sleep 0.1
		i=$((i + 1))
	done
	fail "the daemon did not say where it listens"
}

stop() {
	kill -TERM "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		[ $i -lt 50 ] || fail "the daemon did not stop on SIGTERM"
		sleep 0.1
		i=$((i + 1))
	done
	wait "$pid"
	rc=$?
	pid=
	[ $rc -eq 0 ] || fail "the daemon exited with $rc"
	grep -q '^cambridge: stopped$' "$tmp/out" || fail "no 'stopped' line"
}

client() { timeout 30 ./tests/console/tnclient 127.0.0.1 "$port"; }
ctl() { timeout 20 ./cambridge-ctl --sysdir "$sys" "$@"; }

wait_for() {
	i=0
	until grep -qF -- "$2" "$1" 2>/dev/null; do
		[ $i -lt 100 ] || fail "no '$2' in $(basename "$1")"
		sleep 0.1
		i=$((i + 1))
	done
}
