#!/bin/sh
# tests/man.sh - the manual pages docs/md2man.awk makes from docs/cambridge-*.md (docs/man.am).
#
# Always, for each page and for a fixture of awkward Markdown:
#   - it is roff the man macros read: .TH first, a NAME section whose line is "name \- summary",
#     a SYNOPSIS section, only the macros (TH SH SS PP IP TP RS RE nf fi br) and escapes the
#     converter may write, no line starting with "'", .nf/.fi and .RS/.RE balanced;
#   - (the three pages) every awk installed here (awk, mawk, gawk, original-awk, busybox awk)
#     makes the same page, and with man-db, lexgrog reads the NAME line as whatis will.
# With groff (groff-base on Debian):
#   - `groff -man -ww` has no warning;
#   - the rendered text keeps the Markdown's text: every word, as often as the Markdown has it
#     (markup, link targets and table header rows aside), and every option of the Synopsis and the
#     Options section. The check is shown to fail on a page with a line taken out.
top=${srcdir:-.}
LC_ALL=C; export LC_ALL		# every awk reads bytes
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bad() { echo "FAIL: $*"; fail=1; }

# structure FILE NAME: the roff checks that need no formatter.
structure() {
	awk -v name="$2" -v file="$1" '
	function bad(msg) { print "FAIL: " file ":" NR ": " msg; err = 1 }
	function section(s) {
		gsub(/"/, "", s)
		sections[s] = 1
		want_name = (s == "NAME")
	}
	/^\.\\"/ { next }
	!seen_th { if ($0 !~ /^\.TH /) bad("the first macro is not .TH"); seen_th = 1 }
	/^'\''/ { bad("a line starts with an apostrophe") }
	pending_sh && !/^\./ {
		pending_sh = 0; section($0); next
	}
	/^\./ {
		m = $1
		if (m !~ /^\.(TH|SH|SS|PP|IP|TP|RS|RE|nf|fi|br)$/) bad("unexpected request " m)
		if (m == ".nf") { if (nf) bad(".nf inside .nf"); nf = 1 }
		if (m == ".fi") { if (!nf) bad(".fi without .nf"); nf = 0 }
		if (m == ".RS") rs++
		if (m == ".RE") { if (!rs) bad(".RE without .RS"); else rs-- }
		if (m == ".SH") {
			s = $0; sub(/^\.SH */, "", s)
			if (s == "") pending_sh = 1
			else section(s)
		}
		next
	}
	{
		t = $0
		gsub(/\\(e|-|&|%|~|f\(BI|f[BIR]|\([a-z][a-z]|\[u[0-9A-F]+\])/, "", t)
		if (index(t, "\\")) bad("unexpected escape in: " $0)
		if (want_name) {
			want_name = 0
			n = name; gsub(/-/, "\\-", n)
			if (index($0, n " \\- ") != 1) bad("NAME is not \"" name " \\- summary\": " $0)
		}
	}
	END {
		if (!seen_th) bad("no .TH")
		if (!("NAME" in sections)) bad("no NAME section")
		if (!("SYNOPSIS" in sections)) bad("no SYNOPSIS section")
		if (nf) bad(".nf without .fi")
		if (rs) bad(".RS without .RE")
		exit err
	}' "$1"
}

# Words and options of a Markdown file, one "w word" or "o option" a line: what the page must show.
md_words() {
	awk '
	function opts(s) {
		while (match(s, /(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*/)) {
			o = substr(s, RSTART, RLENGTH); sub(/^[^-]/, "", o)
			print "o " o
			s = substr(s, RSTART + RLENGTH)
		}
	}
	{ line[NR] = $0 }
	END {
		for (i = 1; i <= NR; i++) {
			s = line[i]
			if (s ~ /^[ \t]*(```|~~~)/) { fence = !fence; continue }
			if (!fence && s ~ /^##[ \t]/) {
				sec = toupper(s); sub(/^##[ \t]+/, "", sec)
			}
			if (sec == "SYNOPSIS" && (fence || s ~ /^(    |\t)/)) opts(s)
			if (sec == "OPTIONS" && line[i + 1] ~ /^[ \t]*:[ \t]/) opts(s)
			# a table header row is not shown
			if (!fence && s ~ /^[ \t]*\|/ && line[i + 1] ~ /^[ \t]*\|[ \t:|-]*$/ && line[i + 1] ~ /-/) continue
			if (!fence) gsub(/\]\([^)]*\)/, "]", s)
			s = tolower(s)
			gsub(/[^a-z0-9]+/, " ", s)
			m = split(s, w, " ")
			for (k = 1; k <= m; k++) print "w " w[k]
		}
	}' "$1"
}

# rendered TEXT: the same for formatted text (every token that looks like an option, every word).
text_words() {
	awk '{
		s = $0
		while (match(s, /(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*/)) {
			o = substr(s, RSTART, RLENGTH); sub(/^[^-]/, "", o)
			print "o " o
			s = substr(s, RSTART + RLENGTH)
		}
		s = tolower($0)
		gsub(/[^a-z0-9]+/, " ", s)
		m = split(s, w, " ")
		for (k = 1; k <= m; k++) print "w " w[k]
	}' "$1"
}

# keeps MD TEXT: every word of MD at least as often in TEXT, every option of MD in TEXT.
keeps() {
	{ md_words "$1" | sed 's/^/md /'; text_words "$2" | sed 's/^/tx /'; } | awk -v file="$3" '
	$1 == "md" && $2 == "w" { want[$3]++ }
	$1 == "md" && $2 == "o" { opt[$3] = 1 }
	$1 == "tx" && $2 == "w" { have[$3]++ }
	$1 == "tx" && $2 == "o" { hopt[$3] = 1 }
	END {
		for (w in want) if (have[w] < want[w]) {
			print "FAIL: " file ": the word \"" w "\" is in the Markdown " want[w] \
				" times, in the page " (have[w] + 0); err = 1
		}
		for (o in opt) if (!(o in hopt)) { print "FAIL: " file ": option " o " is not shown"; err = 1 }
		exit err
	}'
}

have_groff=no
command -v groff > /dev/null 2>&1 && have_groff=yes
[ $have_groff = yes ] || echo "groff not installed: rendering checks skipped"

# render PAGE: plain text, no overstriking, long lines so that no word is hyphenated; hyphens and
# minus signs (groff 1.23 writes U+2010 and U+2212 for them) as "-".
render() {
	groff -man -Tutf8 -P-cbou -rLL=10000n "$1" |
	awk '{ gsub("\342\200\220", "-"); gsub("\342\210\222", "-"); print }'
}

# check PAGE MD NAME
check() {
	structure "$1" "$3" || fail=1
	if [ $have_groff = yes ]; then
		warn=$(groff -man -Tutf8 -ww -z "$1" 2>&1)
		[ -z "$warn" ] || bad "$1: groff warns:
$warn"
		render "$1" > "$tmp/text"
		keeps "$2" "$tmp/text" "$1" || fail=1
	fi
}

# Every installed awk makes the same page as the build did.
awks() {
	for a in awk mawk gawk original-awk nawk; do
		command -v "$a" > /dev/null 2>&1 && echo "$a"
	done
	command -v busybox > /dev/null 2>&1 && busybox awk 'BEGIN {}' 2>/dev/null && echo "busybox awk"
}

echo "awks that must make the same pages: $(awks | tr '\n' ' ')"
for name in cambridge-machine cambridge-dasd cambridge-tape cambridge-ctl; do
	page=docs/$name.1
	md=$top/docs/$name.md
	if [ ! -s "$page" ]; then bad "$page is missing (make builds it)"; continue; fi
	check "$page" "$md" "$name"
	# man-db's whatis database reads the NAME line the way lexgrog does.
	if command -v lexgrog > /dev/null 2>&1; then
		lexgrog "$page" | grep -q ": \"$name - " || bad "$page: lexgrog cannot read NAME: $(lexgrog "$page")"
	fi
	version=$(sed -n 's/^\.TH "[^"]*" "[^"]*" "[^"]*" "\([^"]*\)".*/\1/p' "$page")
	awks | while read -r a; do
		LC_ALL=C $a -v version="$version" -f "$top/docs/md2man.awk" "$md" > "$tmp/again.1" 2>&1
		cmp -s "$tmp/again.1" "$page" || { echo "FAIL: $a makes a different $page"; exit 1; }
	done || fail=1
done

# The word check can fail: a page without its longest text line loses words.
if [ $have_groff = yes ] && [ -s docs/cambridge-tape.1 ]; then
	awk '{ line[NR] = $0; if ($0 !~ /^\./ && length($0) > length(line[cut])) cut = NR }
	     END { for (k = 1; k <= NR; k++) if (k != cut) print line[k] }' \
		docs/cambridge-tape.1 > "$tmp/cut.1"
	render "$tmp/cut.1" > "$tmp/text"
	if keeps "$top/docs/cambridge-tape.md" "$tmp/text" cut > /dev/null; then
		bad "the word check does not see a line taken out of a page"
	fi
fi

# Awkward Markdown still makes clean roff that keeps its text.
cat > "$tmp/awkward.md" << 'EOF'
# awkward(1)

## Name

`awkward` - Markdown the pages do not use (yet)

## Synopsis

```
.dot and 'quote' at the start, back\slash, \fB, tab	here
awkward [--opt-one] [-x]
```

## Description

.a dot and 'a quote' start these lines; a back\slash, \\ and \fB are text.
'So is an unmatched *star, a **double, snake_case and a lone - dash -
[a link](https://example.org/a-b), <https://example.org/c>, [an anchor](#name), ![an image](x.png),
[a reference][r] and <b>html</b> &amp; `` code with ` a backtick ``; `.x` and `'y'`.
Non-ASCII: caf@E@. A hard break \
here.

Setext heading
--------------

#### Level four

- item
  - nested item
    with more

    and a paragraph
- item two

  ```
  .code in an item
  ```

9. nine
10. ten

> quoted
> 'text

| A | B | C |
|---|:-:|--:|
| `x\|y` | two | three |
| | empty first | |
| one cell |

| no delimiter row |

term
: definition
  continued

: another definition

***

    indented code
	tab

```
an unclosed fence
.x
EOF
e_acute=$(printf '\303\251')
sed "s/@E@/$e_acute/" "$tmp/awkward.md" > "$tmp/awkward2.md"
if LC_ALL=C awk -v version='test 1' -f "$top/docs/md2man.awk" "$tmp/awkward2.md" > "$tmp/awkward.1"; then
	check "$tmp/awkward.1" "$tmp/awkward2.md" awkward
else
	bad "md2man.awk fails on awkward Markdown"
fi

[ $fail -eq 0 ] && echo "man pages: ok"
exit $fail
