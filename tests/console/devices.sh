#!/bin/sh
# The device commands end to end (cp/cmd_devices.c): the real daemon on 127.0.0.1 (any free port)
# with the starter system, plus one minidisk with a read password (MAINT 192, whose password is
# USER2's, its hash copied in USER DIRECT). MAINT looks at his disks and disconnects; USER1 links
# MAINT's disks (a password of ALL, the prompt with a wrong and a right password, the password on
# the line, an address in use), detaches and defines devices and queries them; the operator asks
# QUERY DASD through cambridge-ctl. Everything is bounded in time; the daemon is stopped at the end.
. "$(dirname "$0")/lib.sh"

# A new starter system, then MAINT 192 with a read password.
sys="$tmp/sys"
start "$sys"
stop
ud="$sys/USER DIRECT"
hash=$(awk '$1 == "USER" && $2 == "USER2" { print $3 }' "$ud")
[ -n "$hash" ] || fail "no hash for USER2 in USER DIRECT"
awk -v h="$hash" '{ print } $1 == "MDISK" && $2 == "191" && $5 == "010" {
	print " MDISK 192 3350 091 005 CAMSYS MR " h }' "$ud" >"$tmp/ud" && cp "$tmp/ud" "$ud" ||
	fail "USER DIRECT not changed"
grep -q '^ MDISK 192 3350 091' "$ud" || fail "no MDISK 192 in USER DIRECT"
start "$sys"

client >"$tmp/s1" <<'SCRIPT' || { cat "$tmp/s1"; fail "MAINT's session"; }
expectx VM/370 ONLINE
send LOGON MAINT CPCMS NOIPL
expect LOGON AT
send QUERY VIRTUAL DASD
expectx DASD 190 3350 CAMSYS R/W 040 CYL
expectx DASD 191 3350 CAMSYS R/W 010 CYL
expectx DASD 192 3350 CAMSYS R/W 005 CYL
expectx DASD 19E 3350 CAMSYS R/W 020 CYL
send DISCONN
expect DISCONNECT AT
closed
SCRIPT
cat "$tmp/s1"

client >"$tmp/s2" <<'SCRIPT' || { cat "$tmp/s2"; fail "USER1's session"; }
expectx VM/370 ONLINE
send LOGON USER1 USER1 NOIPL
expect LOGON AT
expectx DASD 190 LINKED R/O; R/W BY MAINT
expectx DASD 19E LINKED R/O; R/W BY MAINT
send Q V DASD
expectx DASD 190 3350 CAMSYS R/O 040 CYL
expectx DASD 191 3350 CAMSYS R/W 005 CYL
expectx DASD 19E 3350 CAMSYS R/O 020 CYL
# The address is in use: nothing changes.
send LINK MAINT 190 190 RR
expectx MAINT 190 NOT LINKED; DASD 190 ALREADY DEFINED
send DETACH 190
expectx DASD 190 DETACHED
send LINK MAINT 190 190 RR
expectx DASD 190 LINKED R/O; R/W BY MAINT
send LINK MAINT 190 190 RR
expectx MAINT 190 NOT LINKED; DASD 190 ALREADY DEFINED
send QUERY LINKS 190
expectx MAINT 190 R/W, USER1 190 R/O
# A password: the prompt (hidden), a wrong one, then the right one.
send LINK MAINT 192 292 RR
expectx ENTER READ PASSWORD:
hidden
send WRONG
shown
expectx PASSWORD INCORRECT
send LINK TO MAINT 192 AS 292 RR
expectx ENTER READ PASSWORD:
hidden
send user2
shown
expectx DASD 292 LINKED R/O; R/W BY MAINT
send LINK MAINT 192 293 RR PASS=WRONG
expectx PASSWORD INCORRECT
send LINK MAINT 192 293 RR USER2
expectx DASD 293 LINKED R/O; R/W BY MAINT
send LINK MAINT 192 294 W USER2
expectx MAINT 192 NOT LINKED; NO WRITE PASSWORD
send LINK MAINT 192
expectx VADDR MISSING OR INVALID
send Q V 292
expectx DASD 292 3350 CAMSYS R/O 005 CYL
send DETACH 292 293 294
expectx DEV 294 DOES NOT EXIST
expectx 292 293 DETACHED
send Q V 293
expectx DEV 293 DOES NOT EXIST
# Spooled devices.
send DETACH 00E
expectx PRT 00E DETACHED
send DEFINE PRINTER 00F
expectx PRT 00F DEFINED
send Q V UR
expectx RDR 00C CL * NOCONT NOHOLD EOF READY
expectx PUN 00D CL A NOCONT NOHOLD COPY 01 READY
expectx     00D FOR USER1 DIST USER1
expectx PRT 00F CL A NOCONT NOHOLD COPY 01 READY
expectx     00F FOR USER1 DIST USER1
send DEFINE T3350 AS 200 CYL 5
expectx DASD 200 DEFINED
send Q V 200
expectx DASD 200 3350 (TEMP) R/W 005 CYL
send DEFINE T3330 AS 201 CYL 5
expectx DASD 201 NOT DEFINED; TEMP SPACE NOT AVAILABLE
send QUERY DASD
expectx INVALID OPERAND - DASD
send #CP DEFINE READER 00C
expectx DEV 00C NOT DEFINED; DEV 00C ALREADY DEFINED
send DISCONN
expect DISCONNECT AT
closed
SCRIPT
cat "$tmp/s2"

# The operator: the volume and how many users have links on it (MAINT and USER1).
out=$(ctl QUERY DASD) || fail "QUERY DASD: $out"
[ "$out" = "DASD CAMSYS 3350 00555 CYL 002 USERS" ] || fail "QUERY DASD said: $out"

stop

# Real devices: the system directory's DEVICES (Hercules' statements). The operator ATTACHes a
# tape to USER1, who sees it arrive and at QUERY VIRTUAL; it is his alone until he DETACHes it or
# the operator takes it back; a statement the daemon cannot use is reported, not fatal.
./cambridge-tape init "$tmp/t.aws" --label TAPE01 >/dev/null || fail "cambridge-tape init"
printf '# real devices\n0580 3420 %s\n0581 9999 nothing\n' "$tmp/t.aws" >"$sys/DEVICES"
start "$sys"
grep -q "DEVICES:3: not a device statement" "$tmp/out" || fail "the bad DEVICES line was not reported"
client >"$tmp/c3" <<'SCRIPT' &
expectx VM/370 ONLINE
send LOGON USER1 USER1 NOIPL
expect LOGON AT
expect PROCEED
send QUERY VIRTUAL TAPES
expectx TAPE 181 ON DEV 580
send REWIND 181
expectx TAPE 181 REWIND COMPLETE
send REWIND 009
expectx INVALID DEVICE TYPE - 009
send DETACH 181
expectx TAPE 181 DETACHED
expectx TAPE 182 ATTACHED
expectx TAPE 182 DETACHED
send LOGOFF
closed
SCRIPT
cpid=$!
wait_for "$tmp/c3" "< LOGON AT"
out=$(ctl ATTACH 580 TO USER1 AS 181) || fail "ATTACH: $out"
[ "$out" = "TAPE 580 ATTACHED TO USER1 181" ] || fail "ATTACH said: $out"
out=$(ctl ATTACH 580 TO USER2 AS 181); [ "$out" = "DEV 580 ATTACHED TO USER1" ] || fail "ATTACH busy: $out"
out=$(ctl ATTACH 999 TO USER1 AS 181); [ "$out" = "DEV 999 DOES NOT EXIST" ] || fail "ATTACH 999: $out"
ctl MSG USER1 PROCEED >/dev/null || fail "MSG to USER1"	# now he may look at it and DETACH it
wait_for "$tmp/c3" "< TAPE 181 DETACHED"
out=$(ctl ATTACH 580 USER1 182) || fail "ATTACH again: $out"
wait_for "$tmp/c3" "< TAPE 182 ATTACHED"
out=$(ctl DETACH 580 FROM USER1) || fail "DETACH 580: $out"
[ "$out" = "TAPE 580 DETACHED FROM USER1" ] || fail "DETACH said: $out"
out=$(ctl DETACH 580); [ "$out" = "DEV 580 NOT ATTACHED" ] || fail "DETACH again: $out"
wait $cpid || fail "USER1's session with a tape"
cat "$tmp/c3"
grep -q "^< TAPE 181 ATTACHED$" "$tmp/c3" || fail "USER1 was not told of the tape"
out=$(ctl ATTACH 580 TO USER1 AS 181); [ "$out" = "USER1 NOT LOGGED ON" ] || fail "ATTACH to nobody: $out"
# DEDICATE in the directory: USER2 gets the tape at logon (the operator's DIRECT puts it in force).
awk '/^USER USER3 / { print " DEDICATE 183 580" } { print }' "$sys/USER DIRECT" >"$tmp/ud" &&
	cp "$tmp/ud" "$sys/USER DIRECT"
out=$(ctl DIRECT) || fail "DIRECT with DEDICATE: $out"
client >"$tmp/c4" <<'SCRIPT' || fail "DEDICATE"
expectx VM/370 ONLINE
send LOGON USER2 USER2 NOIPL
expect LOGON AT
send Q V 183
expectx TAPE 183 ON DEV 580
send LOGOFF
closed
SCRIPT
cat "$tmp/c4"
stop
echo "devices: ok"
