#!/bin/sh
# The virtual machine commands end to end (cp/cmd_vm.c): start `cambridge` on 127.0.0.1 with a new
# system directory, put the echo deck (tests/ipl/echo.s) in USER1's reader with cambridge-ctl,
# IPL it, and look at it and change it with DISPLAY, STORE, ADSTOP, TRACE, SYSTEM and DEFINE
# STORAGE through tests/console/tnclient; then stop the daemon. Bounded in time; 127.0.0.1 only.
. "$(dirname "$0")/lib.sh"

deck=tests/ipl/echo.deck
if [ ! -s "$deck" ]; then
	echo "SKIP: no $deck (no s390x cross tools)"
	exit 77
fi

sys="$tmp/sys"
start "$sys"
# Two copies: one for IPL, one for IPL STOP.
out=$(ctl IMPORT "$PWD/$deck" TO USER1 NAME ECHO DECK) || fail "IMPORT: $out"
out=$(ctl IMPORT "$PWD/$deck" TO USER1 NAME ECHO DECK) || fail "IMPORT: $out"

# The echo program (loaded at X'1000', base register 12 = X'1002') runs, waits for a line; the
# attention key brings USER1 to CP. Its loop starts at X'1034' with LA 2,349(12); LA 3,13; BAL.
# SYSTEM RESET keeps the registers (GR3 as the loop left it), SYSTEM CLEAR zeroes them.
client >"$tmp/s" <<'SCRIPT' || { cat "$tmp/s"; fail "session"; }
expectx VM/370 ONLINE
send LOGON USER1 USER1 NOIPL
expect LOGON AT
send IPL 00C
expectx ENTER A LINE:
attn
sleep 300
send DISPLAY PSW
expect PSW =
send D G12
expectx GPR C = 00001002
send D G0-3
expect GPR 0 =
send D L1034
expectx 001034 4120C15D
send D T1030.10
expect 001030
send D K1000
expect 001000 TO 0017FF   KEY =
send D CAW CSW
expect CAW =
expect CSW =
send D Y0
expect FPR 0 = 0000000000000000
send STORE G3 1234ABCD
expectx STORE COMPLETE
send D G3
expectx GPR 3 = 1234ABCD
send STORE S2000 C1C2C3
expectx STORE COMPLETE
send D T2000
expect *ABC
# Wrong operands: the message, nothing changed.
send D ZZZ
expectx INVALID OPERAND - ZZZ
send D 200000
expectx HEXLOC 200000 EXCEEDS STORAGE
send STORE G3 XYZ
expectx INVALID HEXDATA - XYZ
send D G3
expectx GPR 3 = 1234ABCD
send IPL CMS
expectx SYSTEM CMS DOES NOT EXIST
send IPL 00C FOO
expectx INVALID OPTION - FOO
send REWIND 00C
expectx INVALID DEVICE TYPE - 00C
send READY 333
expectx DEV 333 DOES NOT EXIST
send TRACE FOO
expectx INVALID OPTION - FOO
send ADSTOP XYZ
expectx INVALID HEXLOC - XYZ
# ADSTOP: the program stops before its loop once it has echoed a line.
send ADSTOP 1034
send BEGIN
sleep 300
send hello
expectx ECHO: HELLO
expectx ADSTOP AT 001034
send D PSW
expect 001034
# TRACE INSTRUCT with NORUN (the default): one instruction a BEGIN.
send TRACE INSTRUCT
expectx TRACE STARTED
send BEGIN
expectx 001034 LA    4120C15D
send BEGIN
expectx 001038 LA    4130000D
send BEGIN
expect 00103C BAL   45E0C084 ==> 001086
send TRACE END
expectx TRACE ENDED
send TRACE SVC PROGRAM RUN
expectx TRACE STARTED
send TRACE SVC PROGRAM OFF
expectx TRACE ENDED
send BEGIN
expectx ENTER A LINE:
attn
sleep 300
send SYSTEM RESET
expectx SYSTEM RESET
send D PSW
expectx PSW = 00020000 00000000
send D G3
expectx GPR 3 = 0000000D
send SYSTEM CLEAR
expectx STORAGE CLEARED - SYSTEM RESET
send D L1034 G3
expectx 001034 00000000
expectx GPR 3 = 00000000
send BEGIN
expectx CP ENTERED; VIRTUAL MACHINE NOT IN RUNNABLE STATE
send LOGOFF
expect LOGOFF AT
closed
SCRIPT
cat "$tmp/s"
grep -Eq '^< PSW = [0-9A-F]{8} [0-9A-F]{2}001034$' "$tmp/s" || fail "PSW at the address stop"
grep -Eq '^< 001030 [0-9A-F]{8} 4120C15D 4130000D 45E0C084 \*.{16}\*$' "$tmp/s" || fail "D T line"

# IPL STOP from the second deck: the PSW is not loaded until BEGIN (BC mode, X'1000', the device
# address in bytes 2-3); PARM text lands in GR0 on. Then DEFINE STORAGE (DEFINE's handler is
# cmd_devices.c's): up to the directory's 4M for USER1.
client >"$tmp/d" <<'SCRIPT' || { cat "$tmp/d"; fail "IPL STOP, define storage"; }
expectx VM/370 ONLINE
send LOGON USER1 USER1 NOIPL
expect LOGON AT
send IPL 00C STOP PARM AUTOCR
send D PSW G0-1
expectx PSW = 00020000 00000000
expectx GPR 0 = C1E4E3D6 C3D90000
send D L0.8
expect 000000 0000000C 00001000 KEY = 
send BEGIN
expectx ENTER A LINE:
attn
sleep 300
send DEFINE STORAGE 2M
sleep 500
send D L1FFFFC PSW
sleep 300
send DEFINE STORAGE 8M
sleep 500
send DEFINE STORAGE 5K
sleep 500
send LOGOFF
expect LOGOFF AT
closed
SCRIPT
cat "$tmp/d"
if grep -q '^< DEFINE NOT YET AVAILABLE' "$tmp/d"; then
	echo "NOTE: DEFINE is not carried out yet: DEFINE STORAGE not tried end to end"
else
	grep -q '^< STORAGE = 02048K$' "$tmp/d" || fail "DEFINE STORAGE 2M"
	grep -q '^< 1FFFFC 00000000$' "$tmp/d" || fail "storage after DEFINE STORAGE 2M"
	grep -q '^< PSW = 00020000 00000000$' "$tmp/d" || fail "reset by DEFINE STORAGE"
	grep -q '^< STORAGE EXCEEDS ALLOWED MAXIMUM$' "$tmp/d" || fail "DEFINE STORAGE 8M"
	grep -q '^< STORAGE MISSING OR INVALID$' "$tmp/d" || fail "DEFINE STORAGE 5K"
fi

# NOTREADY and READY of the reader, and SLEEP: until its time is up, or until a line wakes it
# (that line is not a command).
out=$(ctl IMPORT "$PWD/$deck" TO USER2 NAME ECHO DECK) || fail "IMPORT for USER2: $out"
client >"$tmp/e" <<'SCRIPT' || { cat "$tmp/e"; fail "NOTREADY, READY, SLEEP"; }
expectx VM/370 ONLINE
send LOGON USER2 USER2 NOIPL
expect LOGON AT
send NOTREADY 00C
send IPL 00C
expect IPL 00C FAILED
send READY 00C
send IPL 00C
expectx ENTER A LINE:
attn
send SLEEP 1 SEC
sleep 1500
send QUERY USERS USER2
expect USER2    - 
send SLEEP 30
send WAKE UP
send QUERY USERS USER2
expect USER2    - 
send LOGOFF
closed
SCRIPT
cat "$tmp/e"
grep -q '^< ?CP: WAKE' "$tmp/e" && fail "the line that woke SLEEP ran as a command"

stop
echo "PASS"
