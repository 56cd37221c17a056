#!/bin/sh
# Bad input disturbs no other user (issue 4, "Bad input"): while a guest loops through program
# interruptions, a flood of 300 connections stays open, one client sends a 1 MB line and then
# random bytes with telnet commands among them, a TN3270 client that lies about its model sends
# thousands of malformed 3270 records and a record without end, and another connects and says
# nothing, a user logs
# on, runs a command and logs off as usual, and the daemon stops cleanly afterwards. Every wait is
# bounded; 127.0.0.1 only.
. "$(dirname "$0")/lib.sh"

sys="$tmp/sys"
start "$sys"

# A guest that loops through program interruptions (zero storage, PSW zero) for the whole time.
client >"$tmp/c3" <<'SCRIPT' &
expectx VM/370 ONLINE
send LOGON USER3 USER3 NOIPL
expect LOGON AT
send SYSTEM CLEAR
expect STORAGE CLEARED
send STORE PSW 00000000 00000000
send BEGIN
sleep 5000
attn
send LOGOFF
closed
SCRIPT
lpid=$!
./tests/console/abuse 127.0.0.1 "$port" flood 300 4 >"$tmp/flood" 2>&1 &
fpid=$!
./tests/console/abuse 127.0.0.1 "$port" bigline 1048576 >"$tmp/big" 2>&1 &
bpid=$!
./tests/console/abuse 127.0.0.1 "$port" halfopen 4 >"$tmp/half" 2>&1 &
hpid=$!
./tests/console/abuse 127.0.0.1 "$port" bad3270 3000 >"$tmp/bad3270" 2>&1 &
b3pid=$!
sleep 1
client >"$tmp/c1" <<'SCRIPT' || fail "a user's session during the abuse"
expectx VM/370 ONLINE
send LOGON USER1 USER1 NOIPL
expect LOGON AT
send QUERY TIME
expect TIME IS
send LOGOFF
closed
SCRIPT
cat "$tmp/c1"
wait $fpid || fail "the flood: $(cat "$tmp/flood")"
wait $bpid || fail "the big line: $(cat "$tmp/big")"
wait $hpid || fail "the half-open connection"
wait $b3pid || fail "the bad 3270 client: $(cat "$tmp/bad3270")"
cat "$tmp/flood" "$tmp/big" "$tmp/bad3270"
wait $lpid || fail "the looping guest's user"
cat "$tmp/c3"
grep -q "^< CONNECT=" "$tmp/c3" || fail "the looping guest's user did not log off"
grep -q "^< CONNECT=.*VIRTCPU= 000:00.00" "$tmp/c3" && fail "the looping guest did not run"
kill -0 "$pid" 2>/dev/null || fail "the daemon died"
# Still serving after it all.
client >"$tmp/c2" <<'SCRIPT' || fail "a session after the abuse"
expectx VM/370 ONLINE
send LOGON USER2 USER2 NOIPL
expect LOGON AT
send LOGOFF
closed
SCRIPT
stop
echo "abuse: ok"
