#!/bin/sh
# diff.sh - the differential test: every guest program (tests/guest/NAME.bin) and every stress
# program (tests/hercules/stress-*.bin) runs on cambridge-machine and on Hercules 3.13 (through
# tests/hercules/hercules-run), and the two final states must agree: stop reason, PSW, GPRs, FPRs, CRs and
# the dumped storage. Instruction counts are not compared (Hercules does not show its own).
#
# Usage: diff.sh [-v] [NAME | IMAGE.bin]...
#   (default: every tests/guest/NAME.expect, with its image, and every tests/hercules/*.bin)
#   -v  also print the notes about differences that are not failures
#
# Both machines get --storage 2M (Hercules' smallest) and cambridge-machine --no-extension. The
# dumped storage is, for each program: real 0 up to the image's size rounded up to 4K; each
# "storage ADDR=..." line of the guest program's NAME.expect; each "# hercules-dump: ADDR:LEN"
# line of its source. The program's "args=" lines in NAME.expect are given to both.
#
# What is not compared, and why (printed with -v when it differs):
#   - real X'50'-X'53', the interval timer: Hercules decrements it with the host clock;
#   - in a BC-mode final PSW, the interruption code (bits 16-31) and ILC (bits 32-33): they are
#     only defined in a stored old PSW, and Hercules shows those of its last instruction there.
#
# tests/hercules/known lists the exceptions, one a line (see its head comment): programs not run
# (they use the S/370 extension, which Hercules 3.13 lacks, or model-dependent facilities),
# storage that is not compared (time-dependent values), and documented Hercules deviations,
# which are printed but do not fail the test.
#
# Environment: srcdir (default .), MACHINE (default ./cambridge-machine), HERCULES_RUN (default
# $srcdir/tests/hercules/hercules-run), GUEST_BIN (default tests/guest), STRESS_BIN (default
# tests/hercules), HERCULES (the hercules program, default hercules).
# Exit status: 0 no unexplained difference, 1 some, 77 (skipped) without Hercules or images.

top=${srcdir:-.}
json_tokens=$(cat "$top/tests/json-tokens.awk") || exit 1
machine=${MACHINE:-./cambridge-machine}
herc_run=${HERCULES_RUN:-$top/tests/hercules/hercules-run}
guest_bin=${GUEST_BIN:-tests/guest}
stress_bin=${STRESS_BIN:-tests/hercules}
known_file=$top/tests/hercules/known
verbose=0
[ "${1:-}" = -v ] && { verbose=1; shift; }

if ! command -v "${HERCULES:-hercules}" >/dev/null 2>&1; then
	echo "hercules-diff: Hercules 3.13 (hercules) not found: skipped"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# The programs, one a line: "NAME IMAGE". A guest program is a NAME.expect, whose image is
# NAME.bin or the one its "image=" line names; a stress program is its image.
guest_program() {
	img=$(sed -n 's/^image=//p' "$top/tests/guest/$1.expect" | sed 's/[[:space:]#].*//' | head -n 1)
	echo "$1 $guest_bin/${img:-$1}.bin"
}
if [ $# -eq 0 ]; then
	for f in "$top"/tests/guest/*.expect; do
		[ -f "$f" ] || continue
		n=${f##*/}
		guest_program "${n%.expect}"
	done >"$tmp/programs"
	for f in "$stress_bin"/*.bin; do
		[ -f "$f" ] || continue
		n=${f##*/}
		echo "${n%.bin} $f"
	done >>"$tmp/programs"
else
	for f in "$@"; do
		n=${f##*/}
		n=${n%.bin}
		if [ -f "$f" ]; then
			echo "$n $f"
		elif [ -f "$top/tests/guest/$f.expect" ]; then
			guest_program "$f"
		else
			echo "$n $stress_bin/$n.bin"
		fi
	done >"$tmp/programs"
fi
built=0
while read -r n img; do
	[ -f "$img" ] && built=1
done <"$tmp/programs"
if [ $built -eq 0 ]; then
	echo "hercules-diff: no images in $guest_bin or $stress_bin (no s390x cross tools?): skipped"
	exit 77
fi
if [ ! -x "$machine" ]; then
	echo "hercules-diff: $machine: not found"
	exit 1
fi

# The state JSON as lines: "stop VALUE", "psw VALUE", "gprN VALUE", "fprN VALUE", "crN VALUE",
# and for each dump "storage ADDR VALUE" in 16-byte pieces from the dump's start. The interval
# timer bytes at X'50'-X'53', and those in the ranges "HEXADDR:LEN ..." given as $1, read "..".
flatten() {
	awk -v masks="X50:4 $1" "$json_tokens"'
	BEGIN {
		nm = split(masks, m, " ")
		for (i = 1; i <= nm; i++) {
			split(m[i], al, ":")
			sub(/^X/, "", al[1])
			mlo[i] = hexval(al[1])
			mhi[i] = mlo[i] + (al[2] ~ /^0[xX]/ ? hexval(substr(al[2], 3)) : al[2] + 0)
		}
	}
	function emit(v,    k, a, i, piece, b, r) {
		k = key[1]
		if (depth == 1) {
			if (k != "instructions")
				print k, v
		} else if (type[2] == "a") {
			print (k == "fpr" ? k 2 * idx[2] : k idx[2]), v
		} else if (k == "storage") {
			a = hexval(key[2])
			for (i = 0; i * 32 < length(v); i++) {
				piece = substr(v, i * 32 + 1, 32)
				for (r = 1; r <= nm; r++) {
					if (mhi[r] <= a + i * 16 || mlo[r] >= a + i * 16 + 16)
						continue
					for (b = 0; b < 16; b++)
						if (a + i * 16 + b >= mlo[r] && a + i * 16 + b < mhi[r])
							piece = substr(piece, 1, 2 * b) ".." substr(piece, 2 * b + 3)
				}
				printf "storage %08X %s\n", a + i * 16, piece
			}
		} else {
			print k "." key[2], v
		}
	}
'
}

# Compare two flattened states; print the differences (at most 24 storage lines) and notes.
compare() {
	awk -v verbose="$verbose" '
	function hexval(h,    i, v) {
		v = 0
		for (i = 1; i <= length(h); i++)
			v = v * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
		return v
	}
	# A BC-mode PSW without its interruption code and ILC.
	function psw_core(p) {
		if (int(hexval(substr(p, 3, 1)) % 16 / 8) % 2)
			return p
		return substr(p, 1, 4) "0000" sprintf("%X", hexval(substr(p, 9, 1)) % 4) substr(p, 10)
	}
	{ k = $1 == "storage" ? $1 " " $2 : $1; v = $NF }
	FNR == NR { c[k] = v; if ($1 == "storage") order[++n] = k; else korder[++kn] = k; next }
	{ h[k] = v }
	END {
		for (i = 1; i <= kn; i++) {
			k = korder[i]
			if (!(k in h)) { printf "  %s: cambridge %s, hercules (none)\n", k, c[k]; bad++; continue }
			if (c[k] == h[k]) continue
			if (k == "psw" && psw_core(c[k]) == psw_core(h[k])) {
				if (verbose)
					printf "  note: psw %s / %s differ only in the BC-mode interruption code and ILC\n", c[k], h[k]
				continue
			}
			printf "  %s: cambridge %s, hercules %s\n", k, c[k], h[k]
			bad++
		}
		shown = 0
		for (i = 1; i <= n; i++) {
			k = order[i]
			if (c[k] == h[k]) continue
			bad++
			if (++shown <= 24)
				printf "  %s: cambridge %s\n  %*s  hercules %s\n", k, c[k], length(k), "", h[k]
		}
		if (shown > 24)
			printf "  ... and %d more differing 16-byte lines of storage\n", shown - 24
		exit bad ? 1 : 0
	}' "$1" "$2"
}

# A range of tests/hercules/known as HEXADDR:LEN. Its address may be a symbol of the program,
# looked up in the object next to its image (IMAGE.o31, as tests/guest/guest.am leaves it).
nm=${S390_NM:-s390x-linux-gnu-nm}
resolve() {
	case ${1%%:*} in
	*[!0-9A-Fa-f]*)
		a=$("$nm" "${2%.bin}.o31" 2>/dev/null | awk -v s="${1%%:*}" '$3 == s { print $1; exit }')
		if [ -n "$a" ]; then echo "$a:${1#*:}"; else echo "unresolved:${1%%:*}"; fi
		;;
	*) echo "$1" ;;
	esac
}

same=0
differ=0
known=0
skipped=0
failed_names=""
while read -r name bin; do
	# This program's lines of tests/hercules/known.
	how=""
	why=""
	ignore=""
	known_ranges=""
	if [ -f "$known_file" ]; then
		while read -r kname kwhat krest; do
			[ "$kname" = "$name" ] || continue
			case $kwhat in
			skip) how=skip; why=$krest ;;
			ignore) ignore="$ignore $(resolve "${krest%% *}" "$bin")" ;;
			known)
				how=known
				case $krest in
				*:[0-9]*) known_ranges="$known_ranges $(resolve "${krest%% *}" "$bin")"; why=${krest#* } ;;
				*) why=$krest ;;
				esac
				;;
			esac
		done <"$known_file"
	fi
	case "$ignore $known_ranges" in
	*unresolved:*)
		echo "FAIL: $name: tests/hercules/known names a symbol that $nm cannot find in ${bin%.bin}.o31"
		differ=$((differ + 1))
		failed_names="$failed_names $name"
		continue
		;;
	esac
	if [ "$how" = skip ]; then
		echo "SKIP: $name ($why)"
		skipped=$((skipped + 1))
		continue
	fi

	# The source and the expectations, wherever the program comes from.
	src=""
	for s in "$top/tests/guest/$name.s" "$top/tests/hercules/$name.s"; do
		[ -f "$s" ] && { src=$s; break; }
	done
	exp=$top/tests/guest/$name.expect
	if [ ! -f "$bin" ]; then
		echo "FAIL: $name: no image $bin"
		differ=$((differ + 1))
		failed_names="$failed_names $name"
		continue
	fi
	size=$(wc -c <"$bin")
	len=$(( (size + 4095) / 4096 * 4096 ))
	[ "$len" -gt 0 ] || len=4096
	dumps="--dump 0:$len"
	args=""
	if [ -f "$exp" ]; then
		dumps="$dumps $(sed -e 's/#.*//' "$exp" | awk '/^storage / {
			split(substr($0, 9), a, "=")
			printf " --dump %s:%d", a[1], length(a[2]) / 2
		}')"
		args=$(sed -e 's/#.*//' -n -e 's/^args=//p' "$exp" | tr '\n' ' ')
	fi
	if [ -n "$src" ]; then
		dumps="$dumps $(sed -n \
			's/^#[[:space:]]*hercules-dump:[[:space:]]*\([0-9A-Fa-f]*:[0-9A-Fa-fx]*\).*/--dump \1/p' \
			"$src" | tr '\n' ' ')"
	fi

	# shellcheck disable=SC2086 # dumps and args are lists of words
	"$machine" --storage 2M --max-instructions 50000000 --no-extension --load "$bin@0" \
		--state "$tmp/c.json" $dumps $args 2>"$tmp/c.err" </dev/null
	crc=$?
	# A Hercules run on a busy machine now and then ends with its displays cut short (a state
	# without the 16 registers): such a run says nothing about Cambridge, so it is run again, once.
	for attempt in 1 2; do
		# shellcheck disable=SC2086
		sh "$herc_run" --storage 2M --timeout 20 --load "$bin@0" --state "$tmp/h.json" $dumps $args \
			2>"$tmp/h.err" </dev/null
		hrc=$?
		[ "$(grep '"gpr"' "$tmp/h.json" 2>/dev/null | grep -o '"[0-9A-F]\{8\}"' | wc -l)" -eq 16 ] && break
	done
	if [ $crc -eq 1 ] || [ ! -s "$tmp/c.json" ]; then
		echo "FAIL: $name: cambridge-machine did not run it:"
		sed 's/^/  /' "$tmp/c.err"
		differ=$((differ + 1))
		failed_names="$failed_names $name"
		continue
	fi
	if [ $hrc -eq 1 ] || [ $hrc -eq 3 ] || [ ! -s "$tmp/h.json" ]; then
		echo "FAIL: $name: Hercules did not run it:"
		sed 's/^/  /' "$tmp/h.err"
		differ=$((differ + 1))
		failed_names="$failed_names $name"
		continue
	fi
	flatten "$ignore" <"$tmp/c.json" >"$tmp/c.flat"
	flatten "$ignore" <"$tmp/h.json" >"$tmp/h.flat"
	compare "$tmp/c.flat" "$tmp/h.flat" >"$tmp/diff"
	result=$?
	# With known ranges, the differences must all lie inside them to count as known.
	if [ $result -ne 0 ] && [ "$how" = known ] && [ -n "$known_ranges" ]; then
		flatten "$ignore $known_ranges" <"$tmp/c.json" >"$tmp/c.flat2"
		flatten "$ignore $known_ranges" <"$tmp/h.json" >"$tmp/h.flat2"
		compare "$tmp/c.flat2" "$tmp/h.flat2" >/dev/null || how=""
	fi
	notes=$(grep -c '^  note:' "$tmp/diff")
	if [ $result -eq 0 ]; then
		if [ "$how" = known ]; then
			echo "PASS: $name (listed in tests/hercules/known as differing, but no longer does)"
		else
			echo "PASS: $name"
		fi
		[ "$notes" -eq 0 ] || cat "$tmp/diff"
		same=$((same + 1))
	elif [ "$how" = known ]; then
		echo "KNOWN: $name differs as documented ($why):"
		cat "$tmp/diff"
		known=$((known + 1))
	else
		cstop=$(sed -n 's/^stop //p' "$tmp/c.flat")
		hstop=$(sed -n 's/^stop //p' "$tmp/h.flat")
		echo "FAIL: $name differs (cambridge stopped: $cstop, hercules stopped: $hstop):"
		cat "$tmp/diff"
		differ=$((differ + 1))
		failed_names="$failed_names $name"
	fi
done <"$tmp/programs"

echo "hercules-diff: $same identical, $differ different, $known known deviations, $skipped skipped"
[ $differ -eq 0 ] || echo "hercules-diff: different:$failed_names"
[ $differ -eq 0 ]
