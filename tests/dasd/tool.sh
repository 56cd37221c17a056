#!/bin/sh
# cambridge-dasd: init, list and check a CKD and an FBA volume; check finds a planted bad count field.
tool=./cambridge-dasd
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

$tool --help | grep -q 'cambridge-dasd init' || fail "--help"
$tool init "$t/a.3350" 3350 VOL001 3 >/dev/null || fail "init 3350"
$tool check "$t/a.3350" | grep -q ': ok' || fail "check 3350"
$tool list "$t/a.3350" > "$t/out" || fail "list 3350"
grep -q 'CKD 3350, 3 cylinders, 30 heads' "$t/out" || fail "list geometry: $(cat "$t/out")"
grep -q 'volume VOL001' "$t/out" || fail "list volser"
$tool init "$t/b.3310" 3310 FBA001 2000 >/dev/null || fail "init 3310"
$tool list "$t/b.3310" | grep -q '2000 blocks' || fail "list 3310"
$tool init --cyls-per-file 2 "$t/s.3330" 3330 SPLIT1 5 >/dev/null || fail "init split"
$tool list "$t/s_1.3330" | grep -q '5 cylinders.*3 file' || fail "list split"
$tool init "$t/x" 9999 X >/dev/null 2>&1 && fail "unknown type accepted"
$tool init "$t/y" 3350 lower 1 >/dev/null 2>&1 && fail "bad volser accepted"
# A bad R0 data length on cylinder 1 head 2 (track 32): check names file and offset.
off=$((512 + 32 * 19456 + 5 + 6))
printf '\377\377' | dd of="$t/a.3350" bs=1 seek=$off conv=notrunc 2>/dev/null
$tool check "$t/a.3350" 2> "$t/err" && fail "check missed a bad count field"
grep -q "at byte offset $((512 + 32 * 19456 + 5))" "$t/err" || fail "check message: $(cat "$t/err")"
printf 'CKD_C370' | dd of="$t/a.3350" bs=1 conv=notrunc 2>/dev/null
$tool list "$t/a.3350" 2>&1 | grep -q 'compressed images are not supported yet' || fail "cckd"
echo "cambridge-dasd tool: ok"
