#!/bin/sh
# The daemon end to end: start `cambridge` on 127.0.0.1 (any free port) with a new system directory,
# log on and off through tests/console/tnclient, and stop it with SIGTERM. Everything is bounded
# in time; nothing but 127.0.0.1 is used.
. "$(dirname "$0")/lib.sh"

sys="$tmp/sys"
start "$sys"
grep -q "^cambridge: created the starter system in $sys" "$tmp/out" || fail "no 'created' line"

# The USER DIRECT on disk holds hashes only.
ud="$sys/USER DIRECT"
[ -f "$ud" ] || fail "no USER DIRECT"
bad=$(awk '$1 == "USER" && $3 !~ /^\$y\$/ && $3 != "NOLOG"' "$ud")
[ -z "$bad" ] || fail "clear passwords in USER DIRECT: $bad"
[ "$(grep -c '^USER ' "$ud")" -ge 5 ] || fail "USER DIRECT lost users"
grep -qw CPCMS "$ud" && fail "MAINT's starter password in clear"

# A whole session: greeting, unknown userid, wrong password, right password (hidden), an
# unknown command, QUERY TIME, HELP, a command through #CP, a class B command refused to a class
# G user, LOGOFF and the close.
client >"$tmp/s1" <<'SCRIPT' || { cat "$tmp/s1"; fail "session 1"; }
expectx VM/370 ONLINE
send LOGON NOBODY
expectx NOBODY NOT IN CP DIRECTORY
send LOGON
expectx USERID MISSING OR INVALID
send logon user1
expectx ENTER PASSWORD:
hidden
send WRONG
expectx PASSWORD INCORRECT - REINITIATE LOGON PROCEDURE
shown
send L USER1
expectx ENTER PASSWORD:
hidden
send user1
expect LOGON AT
shown
send FROB IT
expectx ?CP: FROB
send
send q time
expect TIME IS
expect CONNECT= 00:00:
send HELP MSG
expect MESSAGE   M        ANY
send #CP QUERY TIME
expect TIME IS
send ATTACH 180 TO USER1
expectx ?CP: ATTACH
send LOGOFF
expect CONNECT= 00:00:
expect LOGOFF AT
closed
SCRIPT
cat "$tmp/s1"
grep -Eq '^< LOGON AT [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Z0-9+-]+ [A-Z]+DAY [0-9]{2}/[0-9]{2}/[0-9]{2}$' \
	"$tmp/s1" || fail "LOGON AT line format"
grep -Eq '^< CONNECT= [0-9]{2}:[0-9]{2}:[0-9]{2} VIRTCPU= 000:00.00 TOTCPU= 000:00.00$' "$tmp/s1" ||
	fail "CONNECT= line format"
grep -Eq '^< TIME IS [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Z0-9+-]+ [A-Z]+DAY [0-9]{2}/[0-9]{2}/[0-9]{2}$' \
	"$tmp/s1" || fail "TIME IS line format"

# One session per user: USER2 logged on (password on the LOGON line) on one connection, a second
# LOGON USER2 on another is refused; the first then logs off.
client >"$tmp/a" <<'SCRIPT' &
expectx VM/370 ONLINE
send LOGON USER2 USER2
expect LOGON AT
sleep 4000
send LOGOUT
expect LOGOFF AT
closed
SCRIPT
apid=$!
i=0
until grep -q '^< LOGON AT' "$tmp/a"; do
	[ $i -lt 100 ] || fail "USER2 did not log on"
	sleep 0.1
	i=$((i + 1))
done
client >"$tmp/b" <<'SCRIPT' || { cat "$tmp/b"; fail "second logon"; }
expectx VM/370 ONLINE
send LOGON USER2 USER2
expect ALREADY LOGGED ON LINE
send LOGOFF
closed
SCRIPT
cat "$tmp/b"
wait $apid || { cat "$tmp/a"; fail "USER2's session"; }
cat "$tmp/a"

# A virtual machine without a terminal: USER3 logs on without the directory's IPL, looks at the
# system, disconnects; QUERY from another user shows him DSC; a new connection reconnects.
client >"$tmp/d" <<'SCRIPT' || { cat "$tmp/d"; fail "disconnect"; }
expectx VM/370 ONLINE
send LOGON USER3 USER3 NOIPL
expect LOGON AT
send QUERY USERS
expectx 001 USERS, 000 DIALED
send Q NAMES
expect USER3    - 0
send Q V STOR
expectx STORAGE = 01024K
send Q V CONS
expect CONS 009 ON LINE
send IPL 0FF
expectx DEV 0FF DOES NOT EXIST
send SYSTEM RESET
expectx SYSTEM RESET
# After the reset the PSW is zero and storage holds zeros: the guest loops through program
# interruptions until the attention key brings the user back to CP.
send BEGIN
sleep 300
attn
send Q V STOR
expectx STORAGE = 01024K
send DISCONN
expect DISCONNECT AT
closed
SCRIPT
cat "$tmp/d"
client >"$tmp/e" <<'SCRIPT' || { cat "$tmp/e"; fail "reconnect"; }
expectx VM/370 ONLINE
send LOGON MAINT CPCMS NOIPL
expect LOGON AT
send QUERY USERS
expectx 002 USERS, 000 DIALED
send QUERY USER3
expectx USER3    - DSC
send QUERY NAMES
expect USER3    - DSC
send QUERY USER2
expectx USER2 NOT LOGGED ON
send LOGOFF
closed
SCRIPT
cat "$tmp/e"
client >"$tmp/f" <<'SCRIPT' || { cat "$tmp/f"; fail "reconnect"; }
expectx VM/370 ONLINE
send LOGON USER3 USER3
expect RECONNECTED AT
send Q USERS USER3
expect USER3    - 0
send LOGOFF
expect LOGOFF AT
closed
SCRIPT
cat "$tmp/f"

# A standalone program through the spool: the operator puts the echo deck (tests/ipl/echo.s) in
# USER1's reader with cambridge-ctl; USER1 IPLs it from 00C and talks to it on his console; the
# program's disabled wait brings him back to CP. A class G user cannot IMPORT.
deck=tests/ipl/echo.deck
if [ -s "$deck" ]; then
	out=$(ctl IMPORT "$PWD/$deck" TO USER1 NAME ECHO DECK) || fail "IMPORT: $out"
	echo "$out" | grep -Eq '^PUN FILE [0-9]{4} TO USER1 COPY 01 NOHOLD$' || fail "IMPORT said: $out"
	out=$(ctl IMPORT /nonexistent/deck TO USER1); [ $? -eq 1 ] || fail "IMPORT of nothing: $out"
	client >"$tmp/g" <<'SCRIPT' || { cat "$tmp/g"; fail "IPL from the reader"; }
expectx VM/370 ONLINE
send LOGON USER1 USER1 NOIPL
expect FILES: 001 RDR
expect LOGON AT
send IMPORT X TO USER1
expectx ?CP: IMPORT
send IPL 00C
expectx ENTER A LINE:
send hello, world
expectx ECHO: HELLO, WORLD
send #CP QUERY USERS
expectx 001 USERS, 000 DIALED
send quit
expectx BYE
expectx CP ENTERED; DISABLED WAIT PSW '00020000 00000000'
send IPL 00C
expect IPL 00C FAILED
send LOGOFF
closed
SCRIPT
	cat "$tmp/g"
	# Two users at once, each with his own copy: the second deck goes to USER2's reader while
	# he is logged on (he is told), and both converse with their own program.
	ctl IMPORT "$PWD/$deck" TO USER3 >/dev/null || fail "IMPORT to USER3"
	client >"$tmp/h" <<'SCRIPT' &
expectx VM/370 ONLINE
send LOGON USER2 USER2 NOIPL
expect LOGON AT
expect PUN FILE
send IPL 00C
expectx ENTER A LINE:
send from user two
expectx ECHO: FROM USER TWO
sleep 500
send again two
expectx ECHO: AGAIN TWO
send quit
expectx BYE
send LOGOFF
closed
SCRIPT
	hpid=$!
	sleep 1
	ctl IMPORT "$PWD/$deck" TO USER2 >/dev/null || fail "IMPORT to USER2"
	client >"$tmp/i" <<'SCRIPT' || { cat "$tmp/i"; fail "USER3's echo"; }
expectx VM/370 ONLINE
send LOGON USER3 USER3 NOIPL
expect LOGON AT
send IPL 00C
expectx ENTER A LINE:
send from user three
expectx ECHO: FROM USER THREE
send quit
expectx BYE
send LOGOFF
closed
SCRIPT
	wait $hpid || { cat "$tmp/h"; fail "USER2's echo"; }
	# A guest asks CP: DIAGNOSE X'08' with a response buffer (tests/console/cpcmd.s).
	ctl IMPORT "$PWD/tests/console/cpcmd.deck" TO USER3 >/dev/null || fail "IMPORT cpcmd"
	client >"$tmp/j" <<'SCRIPT' || { cat "$tmp/j"; fail "DIAGNOSE X'08'"; }
expectx VM/370 ONLINE
send LOGON USER3 USER3 NOIPL
expect LOGON AT
send IPL 00C
expectx DIAG8 RC=0 001 USERS, 000 DIALED
expectx CP ENTERED; DISABLED WAIT PSW '00020000 00000000'
send LOGOFF
closed
SCRIPT
	cat "$tmp/j"
	# A named saved system: MAINT (class E) IPLs the echo deck, stops it at its first read and
	# saves it; USER2 (1M, less than MAINT's 2M) IPLs it by name and goes on from there. A class
	# G user cannot SAVESYS; an unknown name is refused.
	ctl IMPORT "$PWD/$deck" TO MAINT >/dev/null || fail "IMPORT to MAINT for SAVESYS"
	client >"$tmp/n" <<'SCRIPT' || { cat "$tmp/n"; fail "SAVESYS"; }
expectx VM/370 ONLINE
send LOGON MAINT CPCMS NOIPL
expect LOGON AT
send IPL 00C
expectx ENTER A LINE:
attn
send SAVESYS ECHO
expectx SYSTEM ECHO SAVED
send CLOSE 00C NOHOLD
send QUERY FILES
expectx FILES: NO RDR, NO PRT, NO PUN
send LOGOFF
closed
SCRIPT
	client >"$tmp/o" <<'SCRIPT' || { cat "$tmp/o"; fail "IPL a saved system"; }
expectx VM/370 ONLINE
send LOGON USER2 USER2 NOIPL
expect LOGON AT
send SAVESYS MINE
expectx ?CP: SAVESYS
send IPL NOSUCH
expectx SYSTEM NOSUCH DOES NOT EXIST
send IPL ECHO
send hello, saved system
expectx ECHO: HELLO, SAVED SYSTEM
send quit
expectx BYE
send LOGOFF
closed
SCRIPT
	cat "$tmp/o"
	# A file kept across a restart: in MAINT's reader before the stop, read after it.
	ctl IMPORT "$PWD/$deck" TO MAINT >/dev/null || fail "IMPORT to MAINT"
else
	echo "daemon: no $deck (no s390x cross tools?): the spool and IPL part is skipped"
fi

stop

# A second start uses the system that is there.
start "$sys"
grep -q 'created' "$tmp/out" && fail "the system was created again"
if [ -s "$deck" ]; then
	client >"$tmp/c" <<'SCRIPT' || { cat "$tmp/c"; fail "the spool after a restart"; }
expectx VM/370 ONLINE
send LOGON MAINT CPCMS NOIPL
expect FILES: 001 RDR
expect LOGON AT
send IPL 00C
expectx ENTER A LINE:
send quit
expectx BYE
send LOGOFF
closed
SCRIPT
else
	client >"$tmp/c" <<'SCRIPT' || { cat "$tmp/c"; fail "logon after restart"; }
expectx VM/370 ONLINE
send LOGON MAINT CPCMS
expect LOGON AT
send LOGOFF
closed
SCRIPT
fi
stop
# A terminal that does not log on in time is closed; one that does is not disturbed.
start "$sys" "--logon-timeout 2"

# The operator gives USER3 a new password (hashed into USER DIRECT, in force at once); a directory
# with an error is refused with its file and line, and the one in force stays.
out=$(ctl PASSWORD USER3 NEWPW3) || fail "PASSWORD: $out"
[ "$out" = "DIRECTORY IN FORCE: 5 USERS" ] || fail "PASSWORD said: $out"
grep -qw NEWPW3 "$sys/USER DIRECT" && fail "a clear password in USER DIRECT"
cp "$sys/USER DIRECT" "$tmp/ud"
printf 'USER BAD1 BAD1 1M 2M Q\n' >>"$sys/USER DIRECT"
out=$(ctl DIRECT); [ $? -eq 1 ] || fail "DIRECT with an error: $out"
echo "$out" | grep -Eq "USER DIRECT:[0-9]+: DMKDIR" || fail "DIRECT's diagnostics: $out"
cp "$tmp/ud" "$sys/USER DIRECT"
client >"$tmp/m" <<'SCRIPT' || { cat "$tmp/m"; fail "the new password"; }
expectx VM/370 ONLINE
send LOGON USER3 USER3 NOIPL
expectx PASSWORD INCORRECT - REINITIATE LOGON PROCEDURE
send LOGON USER3 newpw3 NOIPL
expect LOGON AT
send LOGOFF
closed
SCRIPT

client >"$tmp/k" <<'SCRIPT' &
expectx VM/370 ONLINE
send LOGON USER1 USER1 NOIPL
expect LOGON AT
sleep 3000
send QUERY USERS
expectx 001 USERS, 000 DIALED
send LOGOFF
closed
SCRIPT
kpid=$!
# The operator's SET SHARE, while USER1 is logged on.
i=0
until grep -q '^< LOGON AT' "$tmp/k"; do
	[ $i -lt 100 ] || fail "USER1 did not log on"
	sleep 0.1
	i=$((i + 1))
done
out=$(ctl SET SHARE USER1 RELATIVE 300) || fail "SET SHARE: $out"
out=$(ctl SET SHARE USER2 300); [ $? -eq 1 ] || fail "SET SHARE of a user not logged on: $out"
[ "$out" = "USER2 NOT LOGGED ON" ] || fail "SET SHARE said: $out"
client >"$tmp/l" <<'SCRIPT' || { cat "$tmp/l"; fail "logon timeout"; }
expectx VM/370 ONLINE
expectx LOGON TIME LIMIT EXCEEDED
closed
SCRIPT
cat "$tmp/l"
wait $kpid || { cat "$tmp/k"; fail "a logged-on user after another's timeout"; }
stop
echo "daemon: ok"
