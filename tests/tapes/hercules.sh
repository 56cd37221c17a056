#!/bin/sh
# Cross-check cambridge-tape and the tape library against Hercules' own tape utilities (Debian's
# hercules package: hetinit, hetmap, tapemap, hetupd). Skipped (77) when they are not installed.
#   - tapes made by hetinit (labelled, compressed, unlabelled) map as Hercules maps them;
#   - a multi-file AWS tape maps the same with tapemap and with cambridge-tape;
#   - Hercules compresses it (hetupd -z, -b); cambridge-tape copies it back to the identical AWS file;
#   - cambridge-tape writes HET (zlib, bzip2) and AWS; hetmap/tapemap map them the same, and
#     hetupd -d decompresses our bzip2 HET back to the identical AWS file.
# Hercules 3.13 reads blocks of at most 65,535 bytes, so the tapes here stay within that.
for p in hetinit hetmap tapemap hetupd python3; do
	command -v $p >/dev/null 2>&1 || { echo "skip: no $p"; exit 77; }
done
tool=${CAMBRIDGE_TAPE:-./cambridge-tape}
[ -x "$tool" ] || { echo "no $tool (run from the build directory)"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
q() { "$@" >/dev/null 2>&1; }

# Our map's per-file lines, in tapemap's words.
ourfiles() { "$tool" map "$1" | grep '^File' | sed 's/, bytes=[0-9]*//; s/ (no tape mark)//'; }

# 1. Hercules writes, we read.
q hetinit -d "$dir/h1.het" VOL001 OWNER || bad "hetinit -d"
q hetinit "$dir/h2.het" VOL002 || bad "hetinit"
q hetinit -n -d "$dir/h3.het" || bad "hetinit -n"
for f in h1 h2 h3; do
	"$tool" map "$dir/$f.het" > "$dir/$f.map" || bad "map $f.het"
done
grep -q '^VOL1VOL001 ' "$dir/h1.map" || bad "h1: no VOL1VOL001"
grep -q '^HDR1' "$dir/h1.map" || bad "h1: no HDR1"
grep -q '^File 1: Blocks=2, block size min=80, max=80,' "$dir/h1.map" || bad "h1: file 1"
grep -q '^VOL1VOL002 ' "$dir/h2.map" || bad "h2 (zlib): no VOL1VOL002"
grep -q '^End of tape: 1 files, 2 blocks, 160 bytes' "$dir/h2.map" || bad "h2: summary"
grep -q '^End of tape: 2 files, 0 blocks' "$dir/h3.map" || bad "h3: summary"
for f in h1 h2; do
	[ "$(hetmap -t "$dir/$f.het" 2>/dev/null | grep '^File')" = "$(ourfiles "$dir/$f.het")" ] ||
		bad "$f: hetmap and cambridge-tape disagree"
done

# 2. A multi-file AWS tape, built byte by byte from the format's definition.
python3 - "$dir/x.aws" <<'PY' || bad "python"
import struct, sys
out = open(sys.argv[1], 'wb')
prev = 0
def block(n, seed):
    global prev
    out.write(struct.pack('<HHBB', n, prev, 0xA0, 0))
    out.write(bytes(((i * 7 + seed) % 251) for i in range(n)))
    prev = n
def mark():
    global prev
    out.write(struct.pack('<HHBB', 0, prev, 0x40, 0))
    prev = 0
for s in (1, 80, 32760, 65535):
    block(s, s)
mark()
block(4000, 3); block(80, 4); mark()
block(65535, 5); mark(); mark()
PY
tapemap "$dir/x.aws" 2>/dev/null | grep '^File' > "$dir/x.hmap"
ourfiles "$dir/x.aws" > "$dir/x.cmap"
cmp -s "$dir/x.hmap" "$dir/x.cmap" || { bad "x.aws: tapemap and cambridge-tape disagree"; diff "$dir/x.hmap" "$dir/x.cmap"; }
[ "$(wc -l < "$dir/x.cmap")" -eq 4 ] || bad "x.aws: expected 4 files"

# 3. Hercules compresses, we decompress to the identical file.
for m in z b; do
	q hetupd -$m "$dir/x.aws" "$dir/h$m.het" || bad "hetupd -$m"
	"$tool" copy "$dir/h$m.het" "$dir/back$m.aws" || bad "copy h$m.het"
	cmp -s "$dir/x.aws" "$dir/back$m.aws" || bad "h$m.het: copy back to AWS differs"
done

# 4. We write, Hercules reads.
for c in zlib bzip2 none; do
	"$tool" copy "$dir/x.aws" "$dir/c$c.het" --compress $c || bad "copy --compress $c"
	hetmap -t "$dir/c$c.het" 2>/dev/null | grep '^File' > "$dir/c$c.hmap"
	cmp -s "$dir/x.hmap" "$dir/c$c.hmap" || bad "c$c.het: hetmap sees a different tape"
done
q hetupd -d "$dir/cbzip2.het" "$dir/d.het" || bad "hetupd -d"
cmp -s "$dir/x.aws" "$dir/d.het" || bad "hetupd -d of our bzip2 HET differs from the original"
"$tool" copy "$dir/czlib.het" "$dir/y.aws" || bad "copy HET to AWS"
cmp -s "$dir/x.aws" "$dir/y.aws" || bad "AWS -> HET -> AWS differs"
"$tool" init "$dir/l.aws" --label CAM001 || bad "init --label"
tapemap "$dir/l.aws" 2>/dev/null > "$dir/l.tmap"
grep -q '^VOL1CAM001' "$dir/l.tmap" || bad "l.aws: tapemap sees no VOL1CAM001"
grep -q '^File 1: Blocks=2, block size min=80, max=80' "$dir/l.tmap" || bad "l.aws: tapemap file 1"
"$tool" init "$dir/l.het" --label CAM002 --compress bzip2 || bad "init het --label"
hetmap "$dir/l.het" 2>/dev/null | grep -q "Volume Serial *: 'CAM002'" || bad "l.het: hetmap sees no CAM002"
"$tool" init "$dir/e.het" || bad "init het"
[ "$(hetmap -t "$dir/e.het" 2>/dev/null | grep -c '^File')" -eq 2 ] || bad "e.het: expected two empty files"

# 5. Errors are one line naming the file, and exit non-zero.
head -c 100 "$dir/x.aws" > "$dir/t.aws"
msg=$("$tool" map "$dir/t.aws" 2>&1 >/dev/null); rc=$?
[ $rc -ne 0 ] || bad "truncated map exited 0"
[ "$msg" = "cambridge-tape: $dir/t.aws: map: truncated image at offset 93" ] || bad "message: $msg"

[ $fail -eq 0 ] && echo "tapes vs Hercules: ok"
exit $fail
