#!/bin/sh
# run-guest.sh - the guest-program tests: run each image tests/guest/NAME.bin under
# cambridge-machine, as after an IPL from real 0, and compare its final state with NAME.expect.
#
# NAME.expect has one item per line; '#' starts a comment. Every item must hold:
#   stop=disabled-wait        the stop reason (the state's "stop")
#   psw=0002000000000000      the final PSW, 16 hex digits
#   cc=2                      the final PSW's condition code (BC or EC mode)
#   gprN=0000002A             general register N (0-15), 8 hex digits
#   fprN=4110000000000000     floating-point register N (0, 2, 4, 6), 16 hex digits
#   crN=00000000              control register N (0-15), 8 hex digits
#   instructions=N            instructions executed, decimal
#   diagnose code=0008        after stop=diagnose: its code in hex (and "diagnose r1=N", "r3=N")
#   storage 00002000=C1C2C3   the bytes at real address 00002000 (8 hex digits), as many as given
#   exit=2                    cambridge-machine's exit status (without this line: 0)
#   args=--no-extension       more options for cambridge-machine (after the defaults below)
#   image=NAME2               run NAME2.bin instead of NAME.bin (one image, several runs)
# Hex digits may be in either case. Each program runs with
#   cambridge-machine --storage 1M --max-instructions 10000000 --load NAME.bin@0 --state FILE
# and one --dump per storage line, so a runaway loop stops as "instruction-limit".
#
# Usage: run-guest.sh [NAME...]   (default: every tests/guest/*.expect)
# Run from the build directory (make check does). Environment:
#   srcdir      the source tree (default .)
#   MACHINE     the cambridge-machine program (default ./cambridge-machine)
#   GUEST_BIN   the folder with the NAME.bin images (default tests/guest)
# Exit status: 0 all passed, 1 some failed, 77 (skipped) when no image was built, which is the
# case without the s390x cross tools.

top=${srcdir:-.}
json_tokens=$(cat "$top/tests/json-tokens.awk") || exit 1
machine=${MACHINE:-./cambridge-machine}
bindir=${GUEST_BIN:-tests/guest}
expdir=$top/tests/guest

if [ $# -eq 0 ]; then
	for f in "$expdir"/*.expect; do
		[ -f "$f" ] || continue
		n=${f##*/}
		set -- "$@" "${n%.expect}"
	done
fi

built=0
for f in "$bindir"/*.bin; do
	[ -f "$f" ] && built=1
done
if [ $built -eq 0 ]; then
	echo "run-guest: no guest image in $bindir (no s390x cross tools?): skipped"
	exit 77
fi
if [ ! -x "$machine" ]; then
	echo "run-guest: $machine: not found"
	exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

# The state JSON as lines "key=value": stop, psw, gprN, fprN, crN, instructions, cc, and
# "storage AAAAAAAA=HEX". A small tokeniser, so that the layout of the JSON does not matter.
flatten() {
	awk "$json_tokens"'
	function emit(v,    k, i) {
		k = key[1]
		if (depth == 1) {
			print k "=" v
			if (k == "psw")
				print "cc=" psw_cc(v)
		} else if (type[2] == "a") {
			i = idx[2]
			print k (k == "fpr" ? 2 * i : i) "=" v
		} else {
			print k " " key[2] "=" v
		}
	}
	function psw_cc(p) {
		if (int(hexval(substr(p, 3, 2)) / 8) % 2) # EC mode: bits 18-19
			return int(hexval(substr(p, 5, 2)) / 16) % 4
		return int(hexval(substr(p, 9, 2)) / 16) % 4 # BC mode: bits 34-35
	}
'
}

pass=0
fail=0
for name in "$@"; do
	exp=$expdir/$name.expect
	if [ ! -f "$exp" ]; then
		echo "FAIL: $name: no $exp"
		fail=$((fail + 1))
		continue
	fi
	image=$(sed -n 's/^image=\([A-Za-z0-9_-]*\).*/\1/p' "$exp")
	bin=$bindir/${image:-$name}.bin
	if [ ! -f "$bin" ]; then
		echo "FAIL: $name: no image $bin"
		fail=$((fail + 1))
		continue
	fi

	# The expected items, normalised: comments and blanks gone, hex in upper case.
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$exp" >"$tmp/expect"
	args=$(sed -n 's/^args=//p' "$tmp/expect")
	want_exit=$(sed -n 's/^exit=//p' "$tmp/expect")
	want_exit=${want_exit:-0}
	dumps=$(awk '/^storage / {
		split(substr($0, 9), a, "=")
		printf " --dump %s:%d", a[1], length(a[2]) / 2
	}' "$tmp/expect")

	# shellcheck disable=SC2086 # args and dumps are lists of words
	"$machine" --storage 1M --max-instructions 10000000 --load "$bin@0" --state "$tmp/state" \
		$dumps $args 2>"$tmp/stderr"
	got_exit=$?
	flatten <"$tmp/state" >"$tmp/got" 2>/dev/null

	bad=$(awk -v got_exit="$got_exit" -v want_exit="$want_exit" '
	FNR == NR {
		i = index($0, "=")
		have[toupper(substr($0, 1, i - 1))] = toupper(substr($0, i + 1))
		next
	}
	/^(args|exit|image)=/ { next }
	{
		i = index($0, "=")
		k = toupper(substr($0, 1, i - 1)); v = toupper(substr($0, i + 1))
		if (!(k in have))
			printf "  %s: expected %s, not in the state\n", tolower(k), v
		else if (have[k] != v)
			printf "  %s: expected %s, got %s\n", tolower(k), v, have[k]
	}
	END {
		if (got_exit != want_exit)
			printf "  exit status: expected %s, got %s\n", want_exit, got_exit
	}' "$tmp/got" "$tmp/expect")

	if [ -z "$bad" ]; then
		echo "PASS: $name"
		pass=$((pass + 1))
	else
		echo "FAIL: $name"
		printf '%s\n' "$bad"
		sed -n 's/^stop=/  (stopped: /p' "$tmp/got" | sed 's/$/)/'
		sed 's/^/  stderr: /' "$tmp/stderr"
		fail=$((fail + 1))
	fi
done

echo "guest: $pass passed, $fail failed"
[ $fail -eq 0 ]
