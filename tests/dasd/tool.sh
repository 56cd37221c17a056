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
printf 'CKD_C064' | dd of="$t/a.3350" bs=1 conv=notrunc 2>/dev/null
$tool list "$t/a.3350" 2>&1 | grep -q 'CCKD64 and compressed FBA images are not supported' || fail "cckd64"
# CCKD: init with zlib and bzip2, check, list, convert both ways and compare track images.
for z in zlib bzip2; do
	$tool init --compress $z "$t/z.$z" 3350 CZ0001 4 >/dev/null || fail "init --compress $z"
	$tool check "$t/z.$z" | grep -q "CCKD ($z).*: ok" || fail "check cckd $z: $($tool check "$t/z.$z" 2>&1)"
	$tool list "$t/z.$z" | grep -q 'CCKD 3350, 4 cylinders' || fail "list cckd $z"
	$tool list "$t/z.$z" | grep -q 'volume CZ0001' || fail "list cckd volser $z"
done
$tool init "$t/p.3350" 3350 PLAIN1 4 >/dev/null || fail "init plain"
$tool convert "$t/p.3350" "$t/p.cckd" >/dev/null || fail "convert to cckd"
$tool check "$t/p.cckd" | grep -q '(zlib).*: ok' || fail "check converted"
$tool convert "$t/p.cckd" "$t/p2.3350" --compress none >/dev/null || fail "convert to ckd"
$tool convert "$t/p.cckd" "$t/p.bz2" --compress bzip2 >/dev/null || fail "convert to bzip2"
cmp -s -i 512 "$t/p.3350" "$t/p2.3350" || fail "ckd -> cckd -> ckd differs"
$tool convert "$t/p.3350" "$t/p.cckd" 2>/dev/null && fail "convert overwrote a file"
# A corrupt L2 entry (track 1 points past the end): check names the entry, --repair drops it.
l2=$(od -An -tu4 -j1024 -N4 "$t/p.cckd" | tr -d ' ')
printf '\377\377\377\177' | dd of="$t/p.cckd" bs=1 seek=$((l2 + 8)) conv=notrunc 2>/dev/null
$tool check "$t/p.cckd" 2> "$t/err" && fail "check missed a bad L2 entry"
grep -q "at byte offset $((l2 + 8))" "$t/err" || fail "cckd check message: $(cat "$t/err")"
$tool check --repair "$t/p.cckd" | grep -q repaired || fail "repair"
$tool check "$t/p.cckd" | grep -q ': ok' || fail "check after repair"
# Shadow files: add, list, check, merge (into the base only with --force), remove.
$tool init "$t/sb.3350" 3350 SHB001 3 >/dev/null || fail "init shadow base"
cp "$t/sb.3350" "$t/sb.orig"
$tool shadow list "$t/sb.3350" "$t/sh_*.cckd" | grep -q 'no shadow files' || fail "shadow list, none"
[ -e "$t/sh_1.cckd" ] && fail "shadow list made a shadow"
$tool shadow add "$t/sb.3350" "$t/sh_*.cckd" | grep -q 'sh_1.cckd: shadow 1 added' || fail "shadow add 1"
$tool shadow add "$t/sb.3350" "$t/sh_*.cckd" | grep -q 'sh_2.cckd: shadow 2 added' || fail "shadow add 2"
$tool shadow list "$t/sb.3350" "$t/sh_*.cckd" > "$t/out" || fail "shadow list"
grep -q 'base (read-only): 90 tracks' "$t/out" || fail "shadow list base: $(cat "$t/out")"
grep -q 'shadow 2 .*sh_2.cckd: 0 tracks' "$t/out" || fail "shadow list 2: $(cat "$t/out")"
grep -q 'volume SHB001' "$t/out" || fail "shadow list label: $(cat "$t/out")"
$tool shadow check "$t/sb.3350" "$t/sh_*.cckd" | grep -q '90 tracks read: ok' || fail "shadow check"
$tool check "$t/sh_1.cckd" | grep -q 'CCKD shadow.*: ok' || fail "check of a shadow file"
$tool list "$t/sh_1.cckd" 2>&1 | grep -q 'opens only with its base' || fail "list of a shadow file"
$tool shadow merge "$t/sb.3350" "$t/sh_*.cckd" | grep -q 'shadow 2 merged into .*sh_1.cckd' || fail "merge 2"
[ -e "$t/sh_2.cckd" ] && fail "merged shadow left"
$tool shadow merge "$t/sb.3350" "$t/sh_*.cckd" 2>&1 | grep -q 'force' && [ -e "$t/sh_1.cckd" ] || fail "merge 1 unforced"
$tool shadow merge --force "$t/sb.3350" "$t/sh_*.cckd" | grep -q 'merged into .*sb.3350' || fail "merge --force"
[ -e "$t/sh_1.cckd" ] && fail "merged shadow 1 left"
cmp -s "$t/sb.3350" "$t/sb.orig" || fail "merging empty shadows changed the base"
$tool shadow remove "$t/sb.3350" "$t/sh_*.cckd" 2>&1 | grep -q 'no shadow files' || fail "remove with none"
$tool shadow add "$t/sb.3350" "$t/sh_*.cckd" >/dev/null && $tool shadow remove "$t/sb.3350" "$t/sh_*.cckd" \
	| grep -q 'shadow 1 removed' || fail "shadow remove"
$tool shadow list "$t/sb.3350" "$t/sh_*.cckd" | grep -q 'no shadow files' || fail "shadow list after remove"
$tool shadow frob "$t/sb.3350" "$t/sh_*.cckd" 2>/dev/null; [ $? -eq 2 ] || fail "bad shadow subcommand"
echo "cambridge-dasd tool: ok"
