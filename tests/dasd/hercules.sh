#!/bin/sh
# Cross-check with Hercules' DASD utilities (skipped, exit 77, when they are not installed):
# a dasdinit volume passes cambridge-dasd check and list shows its VOLSER; a cambridge-dasd volume is
# read by Hercules' dasdls (label and VTOC found). CCKD: dasdinit -z / -bz2 volumes pass our check;
# ckd2cckd / cckd2ckd agree with cambridge-dasd convert track for track; cckdcdsk finds nothing wrong
# with volumes we write; dasdls lists a CCKD volume we initialised. Shadow files: see below.
command -v dasdinit >/dev/null 2>&1 && command -v dasdls >/dev/null 2>&1 || { echo "no Hercules tools: skip"; exit 77; }
tool=./cambridge-dasd
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for type in 2311 2314 3330 3340 3350 3375 3380 3390; do
	dasdinit "$t/h.$type" $type H$type 3 >/dev/null 2>&1 || fail "dasdinit $type"
	$tool check "$t/h.$type" >/dev/null || fail "check of dasdinit $type"
	$tool list "$t/h.$type" | grep -q "volume H$type" || fail "list of dasdinit $type"
	$tool init "$t/c.$type" $type C$type 3 >/dev/null || fail "init $type"
	dasdls "$t/c.$type" > "$t/ls" 2>&1 || fail "dasdls of $type: $(cat "$t/ls")"
	grep -q "VOLSER=C$type" "$t/ls" || fail "dasdls volser on $type: $(cat "$t/ls")"
	grep -q 'F4DSCB record not found' "$t/ls" && fail "dasdls finds no VTOC on $type"
done
dasdinit -a "$t/alt.3350" 3350 ALT001 >/dev/null 2>&1 || fail "dasdinit -a"
$tool list "$t/alt.3350" | grep -q 'CKD 3350, 560 cylinders' || fail "alternate cylinders"
dasdinit "$t/f.3370" 3370 FBA001 1000 >/dev/null 2>&1 || fail "dasdinit 3370"
$tool list "$t/f.3370" | grep -q '1000 blocks of 512' || fail "list FBA"
# A volume with data sets in its VTOC (dasdload): the same names as dasdls, and check passes.
if command -v dasdload >/dev/null 2>&1; then
	printf 'LOAD01 3350 5\nSYS1.VTOC VTOC TRK 1\nTEST.EMPTY.DATA EMPTY TRK 2 0 0 PS FB 80 3120\nTEST.SECOND EMPTY CYL 1 0 0 PS FB 80 800\n' > "$t/ctl"
	dasdload "$t/ctl" "$t/l.3350" 0 >/dev/null 2>&1 || fail "dasdload"
	$tool check "$t/l.3350" >/dev/null || fail "check of dasdload volume"
	$tool list "$t/l.3350" > "$t/out" || fail "list of dasdload volume"
	grep -q 'volume LOAD01' "$t/out" || fail "dasdload volser"
	sed -n 's/^  //p' "$t/out" > "$t/ours"
	dasdls "$t/l.3350" 2>/dev/null | sed -n 's/ *$//; /VOLSER=/d; /^[A-Z]/p' > "$t/theirs"
	[ -s "$t/ours" ] && cmp -s "$t/ours" "$t/theirs" || fail "VTOC names differ: $(cat "$t/ours") / $(cat "$t/theirs")"
fi
# A volume split over three files by cambridge-dasd is read by Hercules' dasdcopy, track for track;
# dasdcopy's compressed output is recognised and refused with a clear message.
if command -v dasdcopy >/dev/null 2>&1; then
	$tool init --cyls-per-file 2 "$t/s.3350" 3350 SPL001 5 >/dev/null || fail "init split"
	dasdcopy -q -o CKD -lfs "$t/s_1.3350" "$t/one.3350" >/dev/null 2>&1 || fail "dasdcopy of split volume"
	for f in s_1 s_2 s_3; do tail -c +513 "$t/$f.3350"; done > "$t/ours"
	tail -c +513 "$t/one.3350" > "$t/theirs"
	cmp -s "$t/ours" "$t/theirs" || fail "dasdcopy of the split volume differs"
	dasdcopy -q -o CCKD "$t/s_1.3350" "$t/c.cckd" >/dev/null 2>&1 || fail "dasdcopy to CCKD"
	$tool check "$t/c.cckd" | grep -q ': ok' || fail "check of dasdcopy CCKD: $($tool check "$t/c.cckd" 2>&1)"
	$tool convert "$t/c.cckd" "$t/c.plain" --compress none >/dev/null || fail "convert dasdcopy CCKD"
	cmp -s "$t/ours" "$(tail -c +513 "$t/c.plain" > "$t/cp"; echo "$t/cp")" || fail "dasdcopy CCKD differs"
fi
# cckdcdsk exits 0 whatever it finds: a warning or error message (HHCCUnnnW/E) is a complaint.
cdsk() { ! cckdcdsk -ro -3 "$1" 2>&1 | grep 'HHCCU[0-9]*[WE]'; }
for z in z bz2; do
	for type in 2314 3330 3350 3380 3390; do
		dasdinit -$z "$t/hz$z.$type" $type Z$type 3 >/dev/null 2>&1 || fail "dasdinit -$z $type"
		$tool check "$t/hz$z.$type" | grep -q ': ok' || fail "check of dasdinit -$z $type: $($tool check "$t/hz$z.$type" 2>&1)"
		$tool list "$t/hz$z.$type" | grep -q "volume Z$type" || fail "list of dasdinit -$z $type"
	done
done
for z in zlib bzip2; do
	for type in 2311 3330 3350 3380; do
		$tool init --compress $z "$t/cz.$type" $type C$type 3 >/dev/null || fail "init --compress $z $type"
		command -v cckdcdsk >/dev/null 2>&1 && { cdsk "$t/cz.$type" || fail "cckdcdsk on our $z $type"; }
		dasdls "$t/cz.$type" > "$t/ls" 2>&1 || fail "dasdls of CCKD $type: $(cat "$t/ls")"
		grep -q "VOLSER=C$type" "$t/ls" || fail "dasdls volser on CCKD $type: $(cat "$t/ls")"
		rm -f "$t/cz.$type"
	done
done
# Conversions both ways agree with Hercules' on a volume with data sets (dasdload) or a plain one.
src="$t/l.3350"
[ -f "$src" ] || { dasdinit "$t/src.3350" 3350 SRC001 5 >/dev/null 2>&1 || fail "dasdinit src"; src="$t/src.3350"; }
if command -v ckd2cckd >/dev/null 2>&1 && command -v cckd2ckd >/dev/null 2>&1; then
	tail -c +513 "$src" > "$t/src.body"
	ckd2cckd -q "$src" "$t/h.cckd" >/dev/null 2>&1 || fail "ckd2cckd"
	$tool check "$t/h.cckd" | grep -q ': ok' || fail "check of ckd2cckd output: $($tool check "$t/h.cckd" 2>&1)"
	$tool convert "$t/h.cckd" "$t/h.back" --compress none >/dev/null || fail "convert ckd2cckd output"
	tail -c +513 "$t/h.back" | cmp -s - "$t/src.body" || fail "ckd2cckd -> convert differs from the source"
	for z in zlib bzip2; do
		$tool convert "$src" "$t/o.$z" --compress $z >/dev/null || fail "convert to $z"
		command -v cckdcdsk >/dev/null 2>&1 && { cdsk "$t/o.$z" || fail "cckdcdsk on converted $z"; }
		cckd2ckd -q "$t/o.$z" "$t/o.$z.ckd" >/dev/null 2>&1 || fail "cckd2ckd of our $z"
		tail -c +513 "$t/o.$z.ckd" | cmp -s - "$t/src.body" || fail "convert $z -> cckd2ckd differs"
	done
fi
# Shadow files (sf=): Hercules reads the shadows we write (dasdls, dasdcopy, cckdcdsk); Hercules
# itself, when installed, merges our shadows and adds one over them, and we read what it wrote.
relabel=./tests/dasd/shadow_relabel
$tool init --compress zlib "$t/hb.cckd" 3350 HBASE1 3 >/dev/null || fail "init shadow base"
cp "$t/hb.cckd" "$t/hb.orig"
for n in 1 2; do $tool shadow add "$t/hb.cckd" "$t/hs_*.cckd" >/dev/null || fail "shadow add $n"; done
$relabel "$t/hb.cckd" "$t/hs_*.cckd" NEWVOL || fail "write through the shadows"
cmp -s "$t/hb.cckd" "$t/hb.orig" || fail "writing through shadows changed the base"
dasdls "$t/hb.cckd" "sf=$t/hs_*.cckd" > "$t/ls" 2>&1; grep -q 'VOLSER=NEWVOL' "$t/ls" || fail "dasdls sf=: $(cat "$t/ls")"
dasdls "$t/hb.cckd" 2>&1 | grep -q 'VOLSER=HBASE1' || fail "dasdls of the base under shadows"
if command -v cckdcdsk >/dev/null 2>&1; then
	for n in 1 2; do cdsk "$t/hs_$n.cckd" || fail "cckdcdsk on our shadow $n"; done
fi
# Our merges of a copy of the stack, flattened, equal Hercules' dasdcopy through the shadows.
cp "$t/hb.cckd" "$t/m.cckd"; cp "$t/hs_1.cckd" "$t/ms_1.cckd"; cp "$t/hs_2.cckd" "$t/ms_2.cckd"
$tool shadow merge "$t/m.cckd" "$t/ms_*.cckd" >/dev/null || fail "shadow merge 2 into 1"
$tool shadow merge --force "$t/m.cckd" "$t/ms_*.cckd" >/dev/null || fail "shadow merge 1 into the base"
$tool convert "$t/m.cckd" "$t/m.plain" --compress none >/dev/null || fail "convert merged base"
if command -v dasdcopy >/dev/null 2>&1; then
	dasdcopy -q -o CKD -lfs "$t/hb.cckd" "sf=$t/hs_*.cckd" "$t/h.plain" >/dev/null 2>&1 || fail "dasdcopy sf="
	cmp -s -i 512 "$t/m.plain" "$t/h.plain" || fail "our merge differs from dasdcopy through the shadows"
fi
if command -v hercules >/dev/null 2>&1; then
	# Hercules runs panel commands from the script named by HERCULES_RC, then quits.
	herc() {
		printf '%s\npause 1\n' "$@" > "$t/herc.rc"
		echo quit >> "$t/herc.rc"
		printf 'CPUSERIAL 000001\nCPUMODEL 3033\nMAINSIZE 2\nNUMCPU 1\nARCHMODE S/370\n0120 3350 %s ro sf=%s\n' \
			"$t/hb.cckd" "$t/hs_*.cckd" > "$t/herc.cnf"
		HERCULES_RC="$t/herc.rc" timeout 120 hercules -f "$t/herc.cnf" -d > "$t/herc.out" 2>&1 </dev/null ||
			fail "hercules: $(tail -5 "$t/herc.out")"
	}
	herc 'sf-0120 merge' 'sf+0120'
	grep -q 'shadow file \[2\] successfully merged' "$t/herc.out" || fail "Hercules sf- merge: $(grep HHCCD "$t/herc.out")"
	grep -q 'file\[2\].*hs_2.cckd added' "$t/herc.out" || fail "Hercules sf+: $(grep HHCCD "$t/herc.out")"
	$tool shadow list "$t/hb.cckd" "$t/hs_*.cckd" > "$t/out" || fail "shadow list after Hercules"
	grep -q 'shadow 1 .*: 5 tracks, 5 stored' "$t/out" || fail "Hercules' merge into our shadow 1: $(cat "$t/out")"
	grep -q 'shadow 2 .*: 0 tracks' "$t/out" || fail "Hercules' new shadow 2: $(cat "$t/out")"
	grep -q 'volume NEWVOL' "$t/out" || fail "label through Hercules' shadows: $(cat "$t/out")"
	$tool shadow check "$t/hb.cckd" "$t/hs_*.cckd" >/dev/null || fail "shadow check after Hercules"
	cmp -s "$t/hb.cckd" "$t/hb.orig" || fail "Hercules changed the base"
	# Hercules merges both into the base (force: the base is ro): the same volume as our merges.
	herc 'sf-0120 merge' 'sf-0120 force'
	[ -e "$t/hs_1.cckd" ] && fail "Hercules left shadow 1"
	$tool check "$t/hb.cckd" | grep -q ': ok' || fail "check of the base Hercules merged into"
	$tool convert "$t/hb.cckd" "$t/hb.plain" --compress none >/dev/null || fail "convert Hercules' merge"
	cmp -s -i 512 "$t/m.plain" "$t/hb.plain" || fail "Hercules' merge into the base differs from ours"
fi
echo "Hercules cross-check: ok"
