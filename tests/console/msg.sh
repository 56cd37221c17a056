#!/bin/sh
# CP's communication and operator commands end to end (cp/cmd_msg.c): the daemon on 127.0.0.1 (any
# free port) with a new system directory; USER1 and USER2 log on through tests/console/tnclient and
# send each other messages (text as typed), SET MSG OFF refuses, the operator warns everyone with
# cambridge-ctl, a message to a disconnected user waits for his reconnect, FORCE logs USER1 off
# (his connection closes after the LOGOFF lines), SHUTDOWN forces USER2 and the daemon exits 0.
# Everything is bounded in time; nothing but 127.0.0.1 is used.
. "$(dirname "$0")/lib.sh"

sys="$tmp/sys"
start "$sys"

# USER1: hears from USER2, answers, refuses messages, hears the operator's warning, disconnects.
client >"$tmp/c1" <<'SCRIPT' &
expectx VM/370 ONLINE
send LOGON USER1 USER1 NOIPL
expect LOGON AT
expectx MSG FROM USER2   : hello one
send MSG USER2 Hi two, Lower Case kept
send SET MSG OFF
send MSG USER2 msg is off now
expectx WNG FROM OPERATOR: warning from the operator
send SET MSG ON
send DISCONN
expect DISCONNECT AT
closed
SCRIPT
c1=$!
wait_for "$tmp/c1" "< LOGON AT"

# USER2: the other side, then the refusals, then a message kept for USER1's reconnect; SHUTDOWN
# logs him off at the end.
client >"$tmp/c2" <<'SCRIPT' &
expectx VM/370 ONLINE
send LOGON USER2 USER2 NOIPL
expect LOGON AT
send MSG USER1 hello one
expectx MSG FROM USER1   : Hi two, Lower Case kept
expectx MSG FROM USER1   : msg is off now
send MSG USER1 are you there
expectx USER1 NOT RECEIVING; MSG OFF
send MSG NOBODY x
expectx NOBODY NOT LOGGED ON
send MSG
expectx USERID MISSING OR INVALID
send WARNING USER1 x
expectx ?CP: WARNING
expectx WNG FROM OPERATOR: warning from the operator
# (the warning's bell, BEL, starts the next line)
expect MSG FROM OPERATOR: go ahead
send MSG USER1 kept for later
expectx USER1 NOT RECEIVING; DISCONNECTED
send MSG OPERATOR all done
expect LOGOFF AT
closed
SCRIPT
c2=$!

wait_for "$tmp/c2" "< ?CP: WARNING"
out=$(ctl WARNING ALL warning from the operator) || fail "WARNING ALL: $out"
[ -z "$out" ] || fail "WARNING ALL said: $out"
out=$(ctl WARNING NOBODY x); [ $? -eq 1 ] || fail "WARNING NOBODY: $out"
[ "$out" = "NOBODY NOT LOGGED ON" ] || fail "WARNING NOBODY said: $out"
wait $c1 || fail "USER1's session"
out=$(ctl MSG USER2 go ahead) || fail "MSG USER2: $out"
wait_for "$tmp/c2" "< USER1 NOT RECEIVING; DISCONNECTED"
wait_for "$tmp/out" "MSG FROM USER2   : all done"

# USER1 reconnects: the message waited for him. FORCE logs him off: the accounting lines, then
# the connection closes.
client >"$tmp/c3" <<'SCRIPT' &
expectx VM/370 ONLINE
send LOGON USER1 USER1
expectx MSG FROM USER2   : kept for later
expect RECONNECTED AT
expect CONNECT=
expect LOGOFF AT
closed
SCRIPT
c3=$!
wait_for "$tmp/c3" "< RECONNECTED AT"
out=$(ctl FORCE USER1) || fail "FORCE USER1: $out"
[ -z "$out" ] || fail "FORCE USER1 said: $out"
wait $c3 || fail "USER1's reconnect and FORCE"
wait_for "$tmp/out" "LOGOFF AS USER1"
out=$(ctl FORCE USER1); [ $? -eq 1 ] || fail "FORCE of a user logged off: $out"
[ "$out" = "USER1 NOT LOGGED ON" ] || fail "FORCE USER1 again said: $out"

# The operator's other commands.
out=$(ctl DISABLE ALL) || fail "DISABLE ALL: $out"
[ "$out" = "COMMAND COMPLETE" ] || fail "DISABLE ALL said: $out"
out=$(ctl ENABLE ALL) || fail "ENABLE ALL: $out"
out=$(ctl VARY ONLINE 0C0); [ $? -eq 1 ] || fail "VARY: $out"
[ "$out" = "DEV 0C0 DOES NOT EXIST" ] || fail "VARY said: $out"
out=$(ctl INDICATE LOAD) || fail "INDICATE: $out"
echo "$out" | grep -Eq '^CPU-[0-9]{3}% APU-000% Q1-[0-9]{2} Q2-00 STORAGE-[0-9]{3}% RATIO-0\.0$' ||
	fail "INDICATE said: $out"
echo "$out" | grep -Eq '^MIPS-[0-9]+\.[0-9] USERS-001$' || fail "INDICATE said: $out"

# SHUTDOWN: USER2 is forced off (his lines reach him), and the daemon exits 0 by itself.
out=$(ctl SHUTDOWN); rc=$?
echo "SHUTDOWN: cambridge-ctl exit $rc: $out"
wait $c2 || fail "USER2's session"
i=0
while kill -0 "$pid" 2>/dev/null; do
	[ $i -lt 100 ] || fail "the daemon did not stop after SHUTDOWN"
	sleep 0.1
	i=$((i + 1))
done
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] || fail "the daemon exited with $rc after SHUTDOWN"
for f in c1 c2 c3; do sed "s/^/$f: /" "$tmp/$f"; done
echo "msg: ok"
