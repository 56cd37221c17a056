#!/bin/sh
# The spooling commands end to end: the real daemon on 127.0.0.1 (any free port, a scratch system
# directory). The operator IMPORTs two decks into USER1's reader with cambridge-ctl; USER1 looks at
# them (QUERY RDR, QUERY FILES), ORDERs and CHANGEs them and TRANSFERs one to USER2, who is told
# at once; neither class G user can touch the other's files; the operator (class D) sees and
# changes everyone's; the files are still there after a restart, and PURGE removes them. Every
# wait is bounded; the daemon is stopped at the end.
. "$(dirname "$0")/lib.sh"

sys="$tmp/sys"
start "$sys"

printf 'FIRST DECK CARD 1\nFIRST DECK CARD 2\n' >"$tmp/one.txt"
printf 'SECOND DECK\n' >"$tmp/two.txt"
out=$(ctl IMPORT "$tmp/one.txt" TO USER1 TEXT NAME ONE DECK) || fail "IMPORT one: $out"
id1=$(echo "$out" | sed -n 's/^PUN FILE \([0-9]\{4\}\) TO USER1 COPY 01 NOHOLD$/\1/p')
[ -n "$id1" ] || fail "IMPORT said: $out"
out=$(ctl IMPORT "$tmp/two.txt" TO USER1 TEXT CLASS B) || fail "IMPORT two: $out"
id2=$(echo "$out" | sed -n 's/^PUN FILE \([0-9]\{4\}\) TO USER1 COPY 01 NOHOLD$/\1/p')
[ -n "$id2" ] || fail "IMPORT said: $out"

# USER2 waits for what USER1 sends him.
client >"$tmp/u2" <<SCRIPT &
expectx VM/370 ONLINE
send LOGON USER2 USER2 NOIPL
expect LOGON AT
expectx RDR FILE $id1 TRANSFERRED FROM USER1
send QUERY READER
expectx OWNERID  FILE CLASS RECDS  CPY HOLD
expectx USER2    $id1 C PUN 000002 01 NONE
send PURGE RDR USER1 ALL
expectx INVALID OPERAND - USER1
send PURGE RDR $id2
expectx SPOOLID $id2 DOES NOT EXIST
send LOGOFF
closed
SCRIPT
u2pid=$!
i=0
until grep -q '^< LOGON AT' "$tmp/u2"; do
	[ $i -lt 100 ] || fail "USER2 did not log on"
	sleep 0.1
	i=$((i + 1))
done

client >"$tmp/u1" <<SCRIPT || { cat "$tmp/u1"; fail "USER1's session"; }
expectx VM/370 ONLINE
send LOGON USER1 USER1 NOIPL
expectx FILES: 002 RDR, NO PRT, NO PUN
expect LOGON AT
send Q RDR
expectx OWNERID  FILE CLASS RECDS  CPY HOLD
expectx USER1    $id1 A PUN 000002 01 NONE
expectx USER1    $id2 B PUN 000001 01 NONE
send ORDER RDR $id2
expectx 0001 FILE ORDERED
send Q RDR CLASS A
expectx USER1    $id1 A PUN 000002 01 NONE
send CHANGE RDR $id1 CLASS C HOLD
expectx 0001 FILE CHANGED
send CHANGE RDR $id1 NOHOLD COPY 200
expectx COPIES MISSING OR INVALID
send Q RDR $id1
expect USER1    $id1 C PUN 000002 01 USER
send CH RDR $id1 NOHOLD
expectx 0001 FILE CHANGED
send TRANSFER $id1 TO NOBODY
expectx NOBODY NOT IN CP DIRECTORY
send TRANSFER RDR $id1 TO USER2
expectx RDR FILE $id1 TRANSFERRED TO USER2
expectx 0001 FILE TRANSFERRED
send PURGE RDR $id1
expectx SPOOLID $id1 DOES NOT EXIST
send QUERY FILES
expectx FILES: 001 RDR, NO PRT, NO PUN
send SPOOL PRT CLASS Q COPY 100
expectx COPIES MISSING OR INVALID
send SPOOL PUN TO NOBODY
expectx NOBODY NOT IN CP DIRECTORY
send SPOOL PUN TO USER2 CLASS D
send CLOSE PUN
send SPOOL CONSOLE START
send LINK MAINT 190 290 RR SECRETPW
expect 290
send QUERY FILES
expectx FILES: 001 RDR, NO PRT, NO PUN
send QUERY VIRTUAL CONSOLE
expect TERM START
send CLOSE CONSOLE
send SPOOL CONSOLE STOP
send QUERY FILES
expectx FILES: 001 RDR, 001 PRT, NO PUN
send LOGOFF
closed
SCRIPT
cat "$tmp/u1"
wait $u2pid || { cat "$tmp/u2"; fail "USER2's session"; }
cat "$tmp/u2"

# The console log USER1 spooled is a CON file on the printer queue; the operator takes it out.
out=$(ctl QUERY PRT SYSTEM) || fail "QUERY PRT SYSTEM: $out"
conid=$(echo "$out" | awk '$1 == "USER1" && $4 == "CON" { print $2; exit }')
[ -n "$conid" ] || fail "no console file: $out"
ctl EXPORT "$conid" "$tmp/con.txt" >/dev/null || fail "EXPORT of the console file"
grep -q "^QUERY VIRTUAL CONSOLE" "$tmp/con.txt" || fail "the typed line is not in the log: $(cat "$tmp/con.txt")"
grep -q "TERM START$" "$tmp/con.txt" || fail "CP's response is not in the log: $(cat "$tmp/con.txt")"
grep -q "^LINK \.\.\.$" "$tmp/con.txt" || fail "LINK is not in the log: $(cat "$tmp/con.txt")"
grep -q SECRETPW "$tmp/con.txt" && fail "a password in the console log"

# The operator (class D) sees and changes everyone's files.
out=$(ctl QUERY RDR SYSTEM) || fail "QUERY RDR SYSTEM: $out"
echo "$out" | grep -qx "USER1    $id2 B PUN 000001 01 NONE" || fail "the operator's QUERY: $out"
echo "$out" | grep -qx "USER2    $id1 C PUN 000002 01 NONE" || fail "the operator's QUERY: $out"
out=$(ctl CHANGE RDR USER1 $id2 CLASS E) || fail "CHANGE by the operator: $out"
[ "$out" = "0001 FILE CHANGED" ] || fail "CHANGE by the operator said: $out"
out=$(ctl PURGE RDR USER1 99); [ $? -eq 1 ] || fail "PURGE of no file: $out"
[ "$out" = "SPOOLID 0099 DOES NOT EXIST" ] || fail "PURGE of no file said: $out"

stop

# After a restart the files are where they were.
start "$sys"
client >"$tmp/u3" <<SCRIPT || { cat "$tmp/u3"; fail "the spool after a restart"; }
expectx VM/370 ONLINE
send LOGON USER2 USER2 NOIPL
expectx FILES: 001 RDR, NO PRT, NO PUN
expect LOGON AT
send Q RDR ALL
expectx OWNERID  FILE CLASS RECDS  CPY HOLD  DATE  TIME    NAME     TYPE     DIST
expect USER2    $id1 C PUN 000002 01 NONE
send PURGE READER ALL
expectx 0001 FILE PURGED
send Q RDR
expectx NO RDR FILES
send LOGOFF
closed
SCRIPT
cat "$tmp/u3"
out=$(ctl QUERY RDR USER1) || fail "QUERY RDR USER1: $out"
echo "$out" | grep -qx "USER1    $id2 E PUN 000001 01 NONE" || fail "after the restart: $out"
out=$(ctl PURGE RDR SYSTEM ALL) || fail "PURGE RDR SYSTEM ALL: $out"
[ "$out" = "0001 FILE PURGED" ] || fail "PURGE RDR SYSTEM ALL said: $out"
stop
echo "spool: ok"
