#!/bin/sh
# ipl.sh - cambridge-machine with devices and IPL, end to end: configuration messages (warnings
# with file:line, errors and their exit status), IPL failures, and a program (tests/ipl/echo.s)
# IPLed from a card reader and from a tape that talks to a console on stdin/stdout. Every run is bounded by
# --max-instructions and timeout(1).
#
# Run from the build directory (make check does). Environment: srcdir (the source tree),
# MACHINE (default ./cambridge-machine), IPL_DECK (default tests/ipl/echo.deck; without it, as
# without the s390x cross tools, the echo part is skipped and the rest still runs).

machine=${MACHINE:-./cambridge-machine}
deck=${IPL_DECK:-tests/ipl/echo.deck}
[ -x "$machine" ] || { echo "ipl: $machine: not found"; exit 1; }
case $deck in /*) ;; *) deck=$(pwd)/$deck ;; esac
case $machine in /*) ;; *) machine=$(pwd)/$machine ;; esac

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
cd "$tmp" || exit 1

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# run NAME [ARGS...] < input: cambridge-machine with a time limit; stdout in NAME.out, stderr in
# NAME.err, the exit status in $rc.
run() {
	name=$1
	shift
	timeout 20 "$machine" --max-instructions 5000000 "$@" >"$name.out" 2>"$name.err"
	rc=$?
}

# expect_fail NAME MESSAGE ARGS...: exit status 1 and exactly MESSAGE on stderr.
expect_fail() {
	name=$1
	msg=$2
	shift 2
	run "$name" "$@" </dev/null
	if [ $rc -ne 1 ]; then
		bad "$name: exit status $rc, expected 1"; sed 's/^/  /' "$name.err"
	elif [ "$(cat "$name.err")" != "$msg" ]; then
		bad "$name: stderr"; echo "  expected: $msg"; sed 's/^/  got:      /' "$name.err"
	else
		ok
	fi
}

# CPU time (user + system, ms) of the finished children of this shell.
cpu_ms() {
	times | sed -n 2p | awk '{
		split($1, u, "m"); split($2, s, "m")
		printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }'
}

# A deck file from printf-style octal bytes, padded with zeros to whole 80-byte cards.
card() {
	printf "$2" > "$1.raw" && dd if="$1.raw" of="$1" bs=80 conv=sync 2>/dev/null
}

# ---- Configuration messages ----

cat > warn.cfg <<'EOF'
ARCHMODE S/370
NUMCPU 2
FROBNICATE yes
CPUSERIAL 012345    # harmless: no message
00C0.32 3270
0009 3215-C noprompt
EOF
run warn --config warn.cfg --psw 000200000000ABCD </dev/null
want="cambridge-machine: warning: warn.cfg:2: NUMCPU 2: the machine has one CPU
cambridge-machine: warning: warn.cfg:3: FROBNICATE: unknown statement; ignored
cambridge-machine: warning: warn.cfg:5: 00C0.32 3270: device type not supported; left out
cambridge-machine: disabled-wait: PSW 00020000 0000ABCD after 0 instructions"
if [ $rc -ne 0 ] || [ "$(cat warn.err)" != "$want" ]; then
	bad "warnings: status $rc"; sed 's/^/  /' warn.err
else
	ok
fi

printf 'ARCHMODE ESA/390\n' > esa.cfg
expect_fail archmode "cambridge-machine: esa.cfg:1: ARCHMODE ESA/390: this machine is an S/370 (ARCHMODE S/370)" \
	--config esa.cfg
printf '# readers\n000C 3505 nodeck ascii\n' > nodeck.cfg
expect_fail nodeck "cambridge-machine: nodeck.cfg:2: device 00C 3505: nodeck: No such file or directory" \
	--config nodeck.cfg
expect_fail nocfg "cambridge-machine: none.cfg: No such file or directory" --config none.cfg
expect_fail devtype "cambridge-machine: --device: device type 3270 is not supported" --device '0C0 3270'
printf '000C 3505\n' > rdr.cfg
expect_fail twice "cambridge-machine: --device: device 00C is already defined (rdr.cfg:1)" \
	--config rdr.cfg --device '00C 3505'
expect_fail iplpsw "cambridge-machine: --ipl: --ipl and --psw exclude each other (an IPL loads the PSW from real 0)" \
	--ipl 00C --psw 0000000000000000
expect_fail iplnum "cambridge-machine: --ipl: '1000' is not a device number (hex, at most FFF)" --ipl 1000

# ---- IPL failures ----

expect_fail ipl-none "cambridge-machine: --ipl 00D: IPL failed: no device at that address (not operational)" \
	--device '00C 3505' --ipl 00D
expect_fail ipl-empty "cambridge-machine: --ipl 00C: IPL failed: the device ended the IPL read with unit check; sense 40 (intervention required)" \
	--device '00C 3505' --ipl 00C
: > empty.deck
expect_fail ipl-eof "cambridge-machine: --ipl 00C: IPL failed: the device ended the IPL read with unit exception (end of file?)" \
	--device '00C 3505 empty.deck eof' --ipl 00C
expect_fail ipl-console "cambridge-machine: --ipl 009: IPL failed: the device ended the IPL read with unit check; sense 80 (command reject)" \
	--device '009 3215' --ipl 009
# PSW, then CCW1 02 001000 61 0050: flag bit 39 is reserved.
card badccw.deck '\000\000\000\000\000\000\040\000\002\000\020\000\141\000\000\120'
expect_fail ipl-ccw "cambridge-machine: --ipl 00C: IPL failed: channel program check in the IPL CCWs; channel status 20 at the CCW at 000008" \
	--device '00C 3505 badccw.deck ebcdic' --ipl 00C
printf '000C 3505\n\nIPL 00C\n' > iplst.cfg
expect_fail ipl-statement "cambridge-machine: iplst.cfg:3: IPL 00C: IPL failed: the device ended the IPL read with unit check; sense 40 (intervention required)" \
	--config iplst.cfg

# A one-card deck whose PSW is a disabled wait and whose CCW1 is a no-op: IPL works, and the
# device address is in the PSW (BC mode).
card wait.deck '\000\002\000\000\000\000\022\064\003\000\000\000\040\000\000\001'
run ipl-wait --device '00C 3505 wait.deck' --ipl 00C </dev/null
if [ $rc -ne 0 ] || ! grep -q '^cambridge-machine: disabled-wait: PSW 0002000C 00001234 after 0 instructions$' ipl-wait.err; then
	bad "ipl-wait: status $rc"; sed 's/^/  /' ipl-wait.err
else
	ok
fi

# ---- The echo deck: IPL from a reader, a conversation on the console ----

if [ ! -f "$deck" ]; then
	echo "ipl: no $deck (no s390x cross tools?): the echo deck is skipped"
else
	cat > echo.cfg <<EOF
# echo.s's deck in the reader, a console at 009
ARCHMODE  S/370
MAINSIZE  64K
0009      3215
000C      3505   "$deck"   ebcdic
EOF
	want='ENTER A LINE:
ECHO: HELLO, WORLD
ENTER A LINE:
ECHO: IPL FROM CARDS
ENTER A LINE:
BYE'
	printf 'hello, world\nIPL from cards\nquit\n' > echo.in
	run echo --config echo.cfg --ipl 00C <echo.in
	if [ $rc -ne 0 ] || [ "$(cat echo.out)" != "$want" ] ||
		! grep -q '^cambridge-machine: disabled-wait: PSW 00020000 00000000' echo.err; then
		bad "echo: status $rc"; sed 's/^/  out: /' echo.out; sed 's/^/  err: /' echo.err
	else
		ok
	fi

	# The same with --device statements and the IPL statement of a configuration file, and lines
	# typed slowly: the guest waits in an enabled wait, and the wait costs no CPU time.
	printf 'IPL 00C\n' > ipl.cfg
	mkfifo slow.in
	(sleep 1; printf 'slow\n'; sleep 1; printf 'quit\n') > slow.in &
	before=$(cpu_ms)
	run slow --config ipl.cfg --device '009 3215-C' --device "00C 3505 $deck" <slow.in
	wait
	cpu=$(($(cpu_ms) - before))
	if [ $rc -ne 0 ] || [ "$(sed -n 2p slow.out)" != "ECHO: SLOW" ] || [ "$(sed -n 4p slow.out)" != "BYE" ]; then
		bad "slow: status $rc"; sed 's/^/  out: /' slow.out; sed 's/^/  err: /' slow.err
	elif [ "$cpu" -gt 1000 ]; then
		bad "slow: the waits used $cpu ms of CPU time"
	else
		ok
	fi

	# The same program from a tape: an AWS image whose blocks are the deck's cards, one 80-byte
	# block each, then a tapemark. The IPL reads block 1 as the reader reads card 1, and the
	# program's CCWs read on, block by block. (AWS block header: this block's length and the
	# previous block's, little-endian, then the flags: X'A0' a whole block, X'40' a tapemark.)
	cards=$(($(wc -c <"$deck") / 80))
	i=0
	prev='\000\000'
	: > echo.aws
	while [ $i -lt $cards ]; do
		printf "\120\000${prev}\240\000" >> echo.aws
		dd if="$deck" bs=80 skip=$i count=1 2>/dev/null >> echo.aws
		prev='\120\000'
		i=$((i + 1))
	done
	printf '\000\000\120\000\100\000' >> echo.aws
	printf 'from tape\nquit\n' > tape.in
	run tape --device '009 3215' --device '0580 3420 echo.aws ro' --ipl 580 <tape.in
	if [ $rc -ne 0 ] || [ "$(sed -n 2p tape.out)" != "ECHO: FROM TAPE" ] || [ "$(sed -n 4p tape.out)" != "BYE" ]; then
		bad "tape: status $rc"; sed 's/^/  out: /' tape.out; sed 's/^/  err: /' tape.err
	else
		ok
	fi

	# Standard input ends without "quit": the machine runs on until nothing can end its wait.
	printf 'no quit' > eof.in
	run eof --config echo.cfg --ipl 00C <eof.in
	if [ $rc -ne 2 ] || [ "$(sed -n 2p eof.out)" != "ECHO: NO QUIT" ] ||
		! grep -q '^cambridge-machine: enabled-wait: ' eof.err; then
		bad "eof: status $rc"; sed 's/^/  out: /' eof.out; sed 's/^/  err: /' eof.err
	else
		ok
	fi
fi

echo "ipl: $pass passed, $fail failed"
[ $fail -eq 0 ]
