# tests/console/s3270.sh - drive Debian's s3270 (a real, scriptable TN3270 client) from a test
# (sourced after lib.sh, from bash: it uses coprocesses).
#
#   s3_open NAME [S3270 OPTIONS]   start an s3270 called NAME (e.g. -model 3278-5)
#   s3 NAME 'Action(args)'         run one action; its data lines are in $tmp/NAME.data and its
#                                  status line in $tmp/NAME.status; false when s3270 says error
#   s3_screen NAME                 the screen's text rows, one per line, in $tmp/NAME.data
#   s3_row NAME ROW                print row ROW (1-based) of the screen
#   s3_wait NAME TEXT              until the screen shows TEXT (10 seconds at most)
#   s3_wait_status NAME TEXT       until VM/370's status area (the last 20 positions of the last
#                                  row), leading blanks dropped, starts with TEXT
#   s3_close NAME                  disconnect and quit
# A transcript of every action and answer goes to $tmp/cNAME, which fail() prints.

s3_open() {
	name=$1
	shift
	mkfifo "$tmp/$name.in" "$tmp/$name.out"
	timeout 120 s3270 "$@" <"$tmp/$name.in" >"$tmp/$name.out" 2>>"$tmp/c$name" &
	eval "s3pid_$name=\$!"
	exec {fd}>"$tmp/$name.in"
	eval "s3w_$name=\$fd"
	exec {fd}<"$tmp/$name.out"
	eval "s3r_$name=\$fd"
}

s3() {
	local name=$1 action=$2 w r line
	eval "w=\$s3w_$name; r=\$s3r_$name"
	echo "> $action" >>"$tmp/c$name"
	echo "$action" >&"$w"
	: >"$tmp/$name.data"
	while :; do
		IFS= read -r -t 15 line <&"$r" || fail "s3270 $name: no answer to $action"
		case $line in
		data:*) printf '%s\n' "${line#data: }" >>"$tmp/$name.data" ;;
		ok) echo "< ok" >>"$tmp/c$name"; return 0 ;;
		error) echo "< error" >>"$tmp/c$name"; return 1 ;;
		*) printf '%s\n' "$line" >"$tmp/$name.status" ;;
		esac
	done
}

s3_screen() {
	s3 "$1" 'Ascii()' || fail "s3270 $1: Ascii() failed"
}

s3_row() {
	sed -n "${2}p" "$tmp/$1.data"
}

s3_wait() {
	local i=0
	while :; do
		s3_screen "$1"
		grep -qF -- "$2" "$tmp/$1.data" && return 0
		[ $i -lt 100 ] || { sed 's/^/screen: /' "$tmp/$1.data" >>"$tmp/c$1"; fail "s3270 $1: no '$2' on the screen"; }
		sleep 0.1
		i=$((i + 1))
	done
}

s3_wait_status() {
	local i=0 st
	while :; do
		s3_screen "$1"
		st=$(tail -n 1 "$tmp/$1.data")
		st=${st: -20}
		st=${st#"${st%%[! ]*}"}	# "VM/370 Online" ends the area; the others start it
		case $st in "$2"*) return 0 ;; esac
		[ $i -lt 100 ] || { sed 's/^/screen: /' "$tmp/$1.data" >>"$tmp/c$1"; fail "s3270 $1: status '$st', not '$2'"; }
		sleep 0.1
		i=$((i + 1))
	done
}

s3_close() {
	local w p
	s3 "$1" 'Disconnect()' || true
	eval "w=\$s3w_$1; p=\$s3pid_$1"
	echo 'Quit()' >&"$w"
	wait "$p" 2>/dev/null || true
}
