#!/bin/bash
# Full-screen guests and DIAL end to end: the daemon on 127.0.0.1 (any free port, a new system
# directory) and Debian's s3270 (tests/console/s3270.sh drives it).
#   - USER1 on a 3270 (a): DEFINE GRAF 0C0, IPL of tests/console/graf.s's deck from his reader
#     (cambridge-ctl IMPORT puts it there); QUERY VIRTUAL GRAF says NOT READY;
#   - a second 3270 (b), before logon: DIAL USER1 and the guest's screen (its title, its input
#     field with the cursor), text typed there and ENTER echoed by the guest's Write, USER1's own
#     terminal untouched; the terminal goes away and a model 4 dials in its place (the program
#     paints its screen again on the device end); PF3 makes it write BYE and stop (CP ENTERED;
#     DISABLED WAIT on a); QUERY USERS counts the dialed terminal, QUERY VIRTUAL GRAF names it;
#   - DETACH 0C0 on a: b gets DROP FROM USER1 0C0 and the logo screen again; after a second
#     DEFINE GRAF, b dials again (DIALED TO USER1 0C0 stays: nothing drives the device) and
#     LOGOFF drops it the same way;
#   - DIAL from a line-mode client: use a 3270; DIAL to a user not logged on, to an address that is
#     no virtual 3270, to a user whose only one is dialed (from plain TN3270), and DIAL after logon
#     are refused with their messages;
#   - tests/console/fs58.s on USER2's 3270 console (d): DIAGNOSE X'58' display lines in the output
#     area (VM READ while the program waits for a line), its full screen (Erase/Write), typing and
#     ENTER reach it (Read Modified), PA1 gives the screen back to CP (CP READ), which shows the
#     line the program wrote with what was typed.
# Skipped (77) when s3270 is not installed or the decks were not built (no s390x cross tools).
# Every wait is bounded.
command -v s3270 >/dev/null 2>&1 || { echo "SKIP: s3270 is not installed"; exit 77; }
for d in tests/console/graf.deck tests/console/fs58.deck; do
	[ -s "$d" ] || { echo "SKIP: no $d (no s390x cross tools?)"; exit 77; }
done
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/s3270.sh"

# s3_logon NAME USERID: log on from the logo screen, without the directory's IPL, to CP READ.
s3_logon() {
	s3 "$1" "Connect(127.0.0.1:$port)" || fail "s3270 $1 could not connect"
	s3_wait "$1" "VM/370 ONLINE"
	s3 "$1" "String(\"LOGON $2 NOIPL\")"
	s3 "$1" 'Enter()'
	s3_wait "$1" "ENTER PASSWORD"
	s3 "$1" "String(\"$2\")"
	s3 "$1" 'Enter()'
	s3_wait "$1" "LOGON AT"
	s3_wait_status "$1" "CP READ"
}

# s3_cmd NAME TEXT: type TEXT in the input area and press ENTER.
s3_cmd() {
	s3 "$1" "String(\"$2\")" || fail "s3270 $1: could not type $2"
	s3 "$1" 'Enter()'
}

# s3_gone NAME TEXT: until the screen no longer shows TEXT (10 seconds at most).
s3_gone() {
	local i=0
	while s3_screen "$1"; grep -qF -- "$2" "$tmp/$1.data"; do
		[ $i -lt 100 ] || fail "s3270 $1: '$2' stays on the screen"
		sleep 0.1
		i=$((i + 1))
	done
}

sys="$tmp/sys"
start "$sys"
ctl IMPORT "$PWD/tests/console/graf.deck" TO USER1 NAME GRAF DECK >/dev/null || fail "IMPORT graf"
ctl IMPORT "$PWD/tests/console/fs58.deck" TO USER2 NAME FS58 DECK >/dev/null || fail "IMPORT fs58"

# ---- USER1 on terminal a: a virtual 3270 and the program that owns it ----
s3_open a -model 3278-2
s3_logon a USER1
s3 a 'Clear()'
s3_cmd a "DEFINE GRAF 0C0"
s3_wait a "GRAF 0C0 DEFINED"
s3_cmd a "QUERY VIRTUAL GRAF"
s3_wait a "GRAF 0C0 NOT READY"
s3_cmd a "IPL 00C"
s3_wait_status a "RUNNING"

# ---- DIAL refused: not logged on, after logon, from a line terminal ----
s3_open b -model 3278-2
s3 b "Connect(127.0.0.1:$port)" || fail "s3270 b could not connect"
s3_wait b "VM/370 ONLINE"
s3_cmd b "DIAL USER3"
s3_wait b "USER3 NOT LOGGED ON"
s3_cmd b "DIAL USER1 0C1"
s3_wait b "DEV 0C1 NOT AVAILABLE"
s3_cmd b "DIAL"
s3_wait b "USERID MISSING OR INVALID"
client >"$tmp/cline" <<'SCRIPT' || fail "DIAL from a line terminal"
expectx VM/370 ONLINE
send DIAL USER1
expect USE A 3270
send LOGON USER3 USER3 NOIPL
expect LOGON AT
send DIAL USER1
expect DIAL IS ONLY ACCEPTED BEFORE LOGON
send LOGOFF
closed
SCRIPT

# ---- terminal b dials USER1's 0C0 and talks to the guest's program ----
s3 b 'Clear()'
s3_cmd b "DIAL USER1"
s3_wait b "CAMBRIDGE VIRTUAL 3270"
s3_wait b "TYPE HERE:"
s3 b 'Query(Cursor)'
[ "$(cat "$tmp/b.data")" = "2 12" ] || fail "the cursor is not in the input field: $(cat "$tmp/b.data")"
s3_cmd b "hello graf"
s3_wait b "ECHO: hello graf"
s3_screen a
grep -qF "CAMBRIDGE VIRTUAL 3270" "$tmp/a.data" && fail "USER1's own terminal shows the guest's screen"
s3_wait_status a "RUNNING"
s3 b 'EraseEOF()'
s3_cmd b "x"
s3_gone b "ECHO: hello graf"
s3_screen b
[ "$(s3_row b 5)" = " ECHO: x$(printf '%72s' '')" ] || fail "the second echo: '$(s3_row b 5)'"
# The terminal goes away (the device is not ready); another one, a model 4, dials: the device end
# makes the program paint its screen again (an Erase/Write: 24 x 80 there too).
s3_close b
s3_open b -model 3278-4
s3 b "Connect(127.0.0.1:$port)" || fail "s3270 b could not connect again"
s3_wait b "VM/370 ONLINE"
s3_cmd b "DIAL USER1"
s3_wait b "CAMBRIDGE VIRTUAL 3270"
[ "$(wc -l <"$tmp/b.data")" -eq 24 ] || fail "the guest's Erase/Write did not give 24 rows"
s3_cmd b "again"
s3_wait b "ECHO: again"
s3 b 'PF(3)'
s3_wait b "BYE"
s3_wait a "CP ENTERED; DISABLED WAIT PSW '00020000 00000000'"
s3_wait_status a "CP READ"
s3 a 'Clear()'
s3_cmd a "QUERY USERS"
s3_wait a "001 DIALED"
s3_cmd a "QUERY VIRTUAL GRAF"
s3_wait a "GRAF 0C0 ON DEV"

# ---- DETACH drops the terminal: DROP FROM, the logo screen ----
s3_cmd a "DETACH 0C0"
s3_wait a "GRAF 0C0 DETACHED"
s3_wait b "DROP FROM USER1 0C0"
s3_wait b "VM/370 ONLINE"
s3_wait_status b "VM/370 Online"

# ---- a second time, and LOGOFF drops it ----
s3 a 'Clear()'
s3_cmd a "DEFINE GRAF 0C0"
s3_wait a "GRAF 0C0 DEFINED"
s3 b 'Clear()'
s3_cmd b "DIAL USER1 0C0"
s3_wait b "DIALED TO USER1 0C0"
s3_open c -model 3278-2
s3 c "Connect(N:127.0.0.1:$port)" || fail "s3270 c could not connect"
s3_wait c "VM/370 ONLINE"
s3_cmd c "DIAL USER1"
s3_wait c "LINE(S) NOT AVAILABLE ON USER1"
s3_cmd c "DIAL USER1 0C0"
s3_wait c "DEV 0C0 NOT AVAILABLE"
s3_close c
s3_cmd a "LOGOFF"
s3_wait b "DROP FROM USER1 0C0"
s3_wait_status b "VM/370 Online"
s3_close a
s3_close b

# ---- DIAGNOSE X'58' on USER2's own 3270 console ----
s3_open d -model 3278-2
s3_logon d USER2
s3 d 'Clear()'
s3_cmd d "IPL 00C"
s3_wait d "FS58 LINE ONE"
s3_wait d "FS58 LINE TWO"
s3_wait_status d "VM READ"
s3_cmd d "go"
s3_wait d "FULL SCREEN BY DIAGNOSE 58"
s3_gone d "FS58 LINE ONE"
s3 d 'Query(Cursor)'
[ "$(cat "$tmp/d.data")" = "2 7" ] || fail "the cursor is not in the X'58' field: $(cat "$tmp/d.data")"
s3_cmd d "full screen text"
s3_wait d "PRESS PA1"
grep -qF "FS58 GOT" "$tmp/d.data" && fail "CP's output area shown while the program has the screen"
s3 d 'PA(1)'
s3_wait_status d "CP READ"
s3_gone d "PRESS PA1"
case $(s3_row d 6) in "FS58 GOT: full screen text "*) ;; *) fail "X'19' line 5: '$(s3_row d 6)'" ;; esac
case $(s3_row d 1) in "FS58 LINE ONE "*) ;; *) fail "X'19' line 0: '$(s3_row d 1)'" ;; esac
s3_cmd d "QUERY TIME"
s3_wait d "TIME IS"
s3_cmd d "LOGOFF"
s3_close d

stop
echo "dial: ok"
