#!/bin/bash
# The VM/370 3270 console end to end: the daemon on 127.0.0.1 (any free port, a new system
# directory) and Debian's s3270, a real TN3270 client (tests/console/s3270.sh drives it).
#   - TN3270E (s3270's default) on a model 2: the logo screen with "VM/370 Online" in the status
#     area, LOGON with the password field dark, CP READ, a command's output in the output area;
#   - MORE... when the output area is full, PA2 to go on, HOLDING on ENTER, CLEAR to release;
#   - SET PF12 RETRIEVE and PF12; SET PF5 IMMED; PA1; NOT ACCEPTED is left to the unit tests;
#   - disconnect, and reconnect from a new client to a redrawn screen (RECONNECTED AT);
#   - plain TN3270 (s3270's N: prefix refuses TN3270E) on a model 5: 27 x 132;
#   - a line-mode user at the same time is unaffected.
# Skipped (77) when s3270 is not installed. Every wait is bounded.
command -v s3270 >/dev/null 2>&1 || { echo "SKIP: s3270 is not installed"; exit 77; }
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/s3270.sh"

sys="$tmp/sys"
start "$sys"

# ---- TN3270E, model 2: logo, logon, a command ----
s3_open a -model 3278-2
s3 a "Connect(127.0.0.1:$port)" || fail "s3270 could not connect"
s3_wait a "VM/370 ONLINE"
s3_wait_status a "VM/370 Online"
s3 a 'Query(Tn3270eOptions)'
s3 a 'Query(ConnectionState)'
grep -q 'tn3270e' "$tmp/a.data" || fail "not a TN3270E session: $(cat "$tmp/a.data")"
[ "$(s3_screen a; wc -l <"$tmp/a.data")" -eq 24 ] || fail "a model 2 screen is not 24 rows"

s3 a 'String("LOGON USER1 NOIPL")'
s3 a 'Enter()'
s3_wait a "ENTER PASSWORD"
s3 a 'String("USER1")'
s3 a 'Enter()'
s3_wait a "LOGON AT"
s3_wait_status a "CP READ"
grep -q 'USER1 *$' "$tmp/a.data" && grep -q '^USER1' "$tmp/a.data" && fail "the password was shown"
s3 a 'String("QUERY TIME")'
s3 a 'Enter()'
s3_wait a "TIME IS"
s3_wait_status a "CP READ"

# ---- MORE..., PA2, HOLDING, CLEAR ----
s3 a 'Clear()'
s3_wait_status a "CP READ"
s3 a 'String("HELP")'
s3 a 'Enter()'
s3_wait_status a "MORE..."
s3_screen a
cp "$tmp/a.data" "$tmp/page1"
s3 a 'PA(2)'
i=0
until s3_screen a; ! cmp -s "$tmp/a.data" "$tmp/page1"; do	# the next page of HELP's list
	[ $i -lt 100 ] || fail "PA2 did not show the next page"
	sleep 0.1
	i=$((i + 1))
done
i=0
while st=$(tail -n 1 "$tmp/a.data"); [ "${st: -20:7}" = "MORE..." ]; do
	s3 a 'PA(2)'
	sleep 0.1
	s3_screen a
	i=$((i + 1))
	[ $i -lt 50 ] || fail "PA2 never reached the end of HELP"
done
s3_wait_status a "CP READ"
s3 a 'Clear()'
s3 a 'String("HELP")'
s3 a 'Enter()'
s3_wait_status a "MORE..."
s3 a 'Enter()'
s3_wait_status a "HOLDING"
s3 a 'Clear()'
s3_screen a
st=$(tail -n 1 "$tmp/a.data")
[ "${st: -20:7}" = "HOLDING" ] && fail "CLEAR did not release HOLDING"

# ---- PF keys ----
s3 a 'Clear()'
i=0
while s3_screen a; st=$(tail -n 1 "$tmp/a.data"); [ "${st: -20:7}" = "MORE..." ]; do
	s3 a 'Clear()'
	i=$((i + 1))
	[ $i -lt 20 ] || fail "MORE... does not end"
done
s3_wait_status a "CP READ"
s3 a 'String("SET PF12 RETRIEVE")'
s3 a 'Enter()'
s3_wait_status a "CP READ"
s3 a 'String("QUERY USERS")'
s3 a 'Enter()'
s3_wait a "USERS,"
s3 a 'PF(12)'
s3 a 'PF(12)'
s3_screen a
row23=$(s3_row a 23)
case $row23 in "SET PF12 RETRIEVE"*) ;; *) fail "PF12 twice did not retrieve SET PF12 RETRIEVE: '$row23'" ;; esac
s3 a 'EraseEOF()'
s3 a 'Home()'
s3 a 'EraseEOF()'
s3 a 'String("SET PF5 IMMED QUERY TIME")'
s3 a 'Enter()'
s3 a 'Clear()'
s3_wait_status a "CP READ"
s3 a 'PF(5)'
s3_wait a "TIME IS"

# ---- a line-mode user at the same time ----
client >"$tmp/cline" <<'SCRIPT'
expectx VM/370 ONLINE
send LOGON USER2 USER2 NOIPL
expect LOGON AT
send QUERY USERS
expect USERS,
send LOGOFF
expect LOGOFF AT
closed
SCRIPT
[ $? -eq 0 ] || fail "the line-mode user was disturbed"

# ---- disconnect, reconnect on a new client ----
s3 a 'Clear()'
s3 a 'String("DISCONN")'
s3 a 'Enter()'
s3_close a
s3_open b -model 3278-2
s3 b "Connect(127.0.0.1:$port)" || fail "s3270 b could not connect"
s3_wait b "VM/370 ONLINE"
s3 b 'String("LOGON USER1")'
s3 b 'Enter()'
s3_wait b "ENTER PASSWORD"
s3 b 'String("USER1")'
s3 b 'Enter()'
s3_wait b "RECONNECTED AT"
s3_wait_status b "CP READ"
s3 b 'PA(1)'
s3_wait_status b "CP READ"
s3 b 'String("LOGOFF")'
s3 b 'Enter()'
i=0
while s3 b 'Query(ConnectionState)' && ! grep -q 'not-connected' "$tmp/b.data"; do
	[ $i -lt 100 ] || fail "LOGOFF did not end the session"
	sleep 0.1
	i=$((i + 1))
done
s3_close b

# ---- plain TN3270, model 5 (27 x 132, an Erase/Write Alternate screen) ----
s3_open c -model 3278-5
s3 c "Connect(N:127.0.0.1:$port)" || fail "s3270 c could not connect"
s3_wait c "VM/370 ONLINE"
s3 c 'Query(Tn3270eOptions)'
grep -q 'tn3270e' "$tmp/c.data" && fail "N: still negotiated TN3270E"
s3_screen c
[ "$(wc -l <"$tmp/c.data")" -eq 27 ] || fail "a model 5 screen is not 27 rows"
[ "$(tail -n 1 "$tmp/c.data" | wc -c)" -eq 133 ] || fail "a model 5 row is not 132 columns"
s3_wait_status c "VM/370 Online"
s3_close c

stop
echo "tn3270: ok"
