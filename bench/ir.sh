#!/bin/sh
# ir.sh - host instructions per guest instruction, Cambridge against Hercules 3.13, counted by
# valgrind's callgrind: a comparison that a busy machine cannot distort (see docs/bench.md).
#
# Usage: ir.sh [-n N] IMAGE.bin...      (bench/*.bin images; N loop iterations, default 20000)
# Environment: MACHINE (default ./cambridge-machine), HERCULES (default hercules).
#
# Each image runs with N and with N/2 iterations on cambridge-machine and on Hercules (its CPU
# thread only), each under callgrind; the differences of the two runs' instruction counts (host
# and guest) cancel start-up and shutdown. Prints, per program, the host instructions per guest
# instruction of each and their ratio (Hercules over Cambridge). The ratio of instruction counts
# is not the ratio of speeds, since instructions per cycle differ, but it moves with it and it
# does not depend on what else the machine is doing. Slow: Hercules runs about 50 times slower
# under valgrind.
set -u
machine=${MACHINE:-./cambridge-machine}
hercules=${HERCULES:-hercules}
n=20000
if [ "${1:-}" = -n ]; then
	n=$2
	shift 2
fi
[ $# -gt 0 ] || { echo "usage: ir.sh [-n N] IMAGE.bin..." >&2; exit 2; }
for tool in valgrind callgrind_annotate "$hercules"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "ir.sh: $tool not found" >&2; exit 1; }
done
[ -x "$machine" ] || { echo "ir.sh: $machine not found" >&2; exit 1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# patch IMAGE N OUT: the image with its loop count (the word at X'200') set to N.
patch() {
	cp "$1" "$3"
	# shellcheck disable=SC2059 # the format is the point: four octal escapes
	printf "$(echo "$2" | awk '{ n = $1
		printf "\\%03o\\%03o\\%03o\\%03o", int(n / 16777216) % 256, int(n / 65536) % 256,
			int(n / 256) % 256, n % 256 }')" |
		dd of="$3" bs=1 seek=512 conv=notrunc 2>/dev/null
}

total() {
	callgrind_annotate --threshold=100 "$1" 2>/dev/null |
		awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }'
}

# cambridge IMAGE -> "HOST GUEST"
cambridge() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/c.out" "$machine" --storage 1M \
		--max-instructions 2000000000 --load "$1@0" --state "$tmp/c.json" >/dev/null 2>&1 </dev/null
	echo "$(total "$tmp/c.out") $(sed -n 's/.*"instructions": \([0-9]*\).*/\1/p' "$tmp/c.json")"
	rm -f "$tmp/c.out"
}

# hercules IMAGE -> host instructions of the CPU thread, to the disabled wait
hercules_ir() {
	d=$tmp/h
	rm -rf "$d"
	mkdir "$d"
	printf 'ARCHMODE S/370\nMAINSIZE 2\nNUMCPU 1\nOSTAILOR QUIET\n000E 1403 /dev/null\n' >"$d/h.cnf"
	printf '* IR-END\nquit\n' >"$d/fin.rc"
	printf 'hao tgt HHCCP011I\nhao cmd script %s/fin.rc\nloadcore %s 0\nrestart\npause 900\n' \
		"$d" "$1" >"$d/h.rc"
	: >"$d/log"
	(cd "$d" && HERCULES_RC="$d/h.rc" exec timeout 1000 valgrind --tool=callgrind \
		--separate-threads=yes --callgrind-out-file="$d/cg.%p" "$hercules" -f "$d/h.cnf" -d) \
		</dev/null >"$d/log" 2>&1 &
	pid=$!
	i=0
	# It quits by itself after the disabled wait; callgrind writes its profiles as it exits.
	while kill -0 $pid 2>/dev/null && [ $i -lt 9500 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	# The CPU thread is the one that ran s370_run_cpu (the main thread polls, and is busier).
	for f in "$d"/cg.*-*; do
		callgrind_annotate --threshold=100 "$f" 2>/dev/null | awk '
			/PROGRAM TOTALS/ { gsub(",", "", $1); t = $1 }
			/s370_run_cpu/ { s = 1 }
			END { if (s) print t }'
	done | sort -n | tail -n 1
}

printf '%-10s %12s %18s %18s %7s\n' \
	program "guest insns" "Cambridge Ir/insn" "Hercules Ir/insn" ratio
for img in "$@"; do
	[ -f "$img" ] || { echo "ir.sh: $img: no such image" >&2; exit 1; }
	name=${img##*/}
	name=${name%.bin}
	half=$((n / 2))
	patch "$img" "$n" "$tmp/full.bin"
	patch "$img" "$half" "$tmp/half.bin"
	cambridge "$tmp/full.bin" >"$tmp/cfull"
	cambridge "$tmp/half.bin" >"$tmp/chalf"
	read -r cf_host cf_guest <"$tmp/cfull"
	read -r ch_host ch_guest <"$tmp/chalf"
	c_host=$((cf_host - ch_host))
	guest=$((cf_guest - ch_guest))
	h_full=$(hercules_ir "$tmp/full.bin")
	h_half=$(hercules_ir "$tmp/half.bin")
	if [ -z "$h_full" ] || [ -z "$h_half" ] || [ "$guest" -le 0 ]; then
		printf '%-10s %12s  (failed)\n' "$name" "$guest"
		continue
	fi
	echo "$name $guest $c_host $((h_full - h_half))" | awk '{
		printf "%-10s %12d %18.1f %18.1f %7.2f\n", $1, $2, $3 / $2, $4 / $2, $4 / $3 }'
done
