# docs/md2man.awk - turn a manual page written in Markdown into man(7) roff.
#
#   LC_ALL=C awk -v version='cambridge 0.1' [-v date=2024-01-01] [-v section=1] \
#       -f docs/md2man.awk docs/cambridge-machine.md > cambridge-machine.1
#
# POSIX awk (mawk, gawk, the one true awk); run it in the C locale so that non-ASCII text is read
# as bytes and written as \[uXXXX] escapes. The output uses only the man macros TH SH SS PP IP TP RS
# RE and the requests nf fi br, so that groff, mandoc and old nroffs all read it, and no tbl.
#
# The Markdown it knows is the subset docs/cambridge-*.md are written in:
#   "# name(1)"           the first heading: .TH (name upper-cased, section from the parentheses)
#   "## Name", "### Sub"  .SH (upper-cased), .SS; deeper headings are bold paragraphs
#   paragraphs            .PP; in the NAME section one line "name \- description", without fonts
#   ``` or ~~~ fences,    .nf/.fi, indented; backslash, hyphen, quote and a leading dot escaped
#   4-space indented code
#   "- ", "* ", "1. "     .IP with a bullet or the number; nested lists inside .RS/.RE
#   term / ": definition" .TP (a definition list: the Options sections); indented paragraphs and
#                         code after a blank line continue the item
#   | tables |            one .TP per row: the first cell is the tag, the others its text; with more
#                         than two columns each further cell is labelled with its column heading
#   > quotes              an indented paragraph
#   `code`, **bold**      \fB; *italic* and _italic_ \fI
#   [text](url)           text, and "(url)" after it when the url says something the text does
#                         not (never for "#anchor" links within the page); <url> is the url
# Anything else (HTML, reference links, footnotes) is kept as text. Every character that means
# something to roff is escaped, so no input makes broken roff: a backslash is \e, a line never
# starts with "." or "'" unescaped, and the only escapes written are \e \- \& \% \(xx \fX \f(BI
# and \[uXXXX].

BEGIN {
	if (section == "") section = "1"
	if (manual == "") manual = (section == "1") ? "User Commands" : ""
	# In a multibyte locale gawk reads characters, not bytes: pass non-ASCII text through.
	bytes = (length("\303\251") == 2)
	for (k = 128; k < 256; k++) ORD[sprintf("%c", k)] = k
	PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
	depth = 0; th_done = 0; after_heading = 0; sect = ""
}

# The control characters \001-\003 mark raw text and line breaks inside inline(): not input.
{ sub(/\r$/, ""); gsub(/[\001\002\003]/, ""); L[++n] = $0 }

END {
	L[n + 1] = ""
	i = 1
	while (i <= n) block()
	close_lists(0)
	if (!th_done) emit_th("")
}

# ---- output ----

function out(s) {
	if (!th_done) emit_th("")
	print s
}

# Text lines: one roff line per source line; a leading "." or "'" gets \&.
function out_text(s,    parts, m, k, t) {
	m = split(s, parts, "\n")
	for (k = 1; k <= m; k++) {
		t = parts[k]
		sub(/^[ \t]+/, "", t); sub(/[ \t]+$/, "", t)
		if (t == "") continue
		if (t == "\003") { out(".br"); continue }
		if (t ~ /^[.']/) t = "\\&" t
		out(t)
	}
	after_heading = 0
}

function emit_th(head,    name, sec, title, src) {
	th_done = 1
	name = head; sec = section
	if (match(name, /\([0-9][A-Za-z0-9]*\)[ \t]*$/)) {
		sec = substr(name, RSTART + 1, RLENGTH - 1)
		sub(/\)[ \t]*$/, "", sec)
		name = substr(name, 1, RSTART - 1)
	}
	gsub(/`/, "", name); sub(/^[ \t]+/, "", name); sub(/[ \t]+$/, "", name)
	if (name == "") {
		name = FILENAME
		sub(/^.*\//, "", name); sub(/\.[^.]*$/, "", name)
	}
	title = toupper(name)
	src = FILENAME; sub(/^.*\//, "", src)
	print ".\\\" " name "." sec ": made from " src " by md2man.awk; edit that instead."
	print ".TH " q(code_esc(title)) " " q(code_esc(sec)) " " q(text_esc(date)) " " \
		q(text_esc(version)) " " q(text_esc(manual))
}

# A macro argument in double quotes (a quote inside is written as \(dq).
function q(s) {
	gsub(/"/, "\\(dq", s)
	return "\"" s "\""
}

# ---- escaping ----

# Source text as roff text: the backslash, non-ASCII bytes; hyphens are left to the caller.
function text_esc(s,    r, k, c) {
	r = ""
	for (k = 1; k <= length(s); k++) {
		c = substr(s, k, 1)
		if (c == "\\") r = r "\\e"
		else if (c in ORD && bytes) { r = r utf8(s, k); k += u8len - 1 }
		else r = r c
	}
	return r
}

# Code as roff text: also every hyphen is a minus (so options copy and paste), quotes are ASCII.
function code_esc(s,    r, k, c) {
	r = ""
	for (k = 1; k <= length(s); k++) {
		c = substr(s, k, 1)
		if (c == "\\") r = r "\\e"
		else if (c == "-") r = r "\\-"
		else if (c == "'") r = r "\\(aq"
		else if (c == "`") r = r "\\(ga"
		else if (c in ORD && bytes) { r = r utf8(s, k); k += u8len - 1 }
		else r = r c
	}
	return r
}

# The UTF-8 sequence starting at s[k] as \[uXXXX]; u8len is how many bytes it took. A stray byte
# is shown as its Latin-1 character.
function utf8(s, k,    b, need, cp, j, c) {
	b = ORD[substr(s, k, 1)]
	u8len = 1
	if (b >= 240 && b < 248) { need = 3; cp = b - 240 }
	else if (b >= 224) { need = 2; cp = b - 224 }
	else if (b >= 192) { need = 1; cp = b - 192 }
	else need = 0
	if (need > 0 && b < 248) {
		for (j = 1; j <= need; j++) {
			c = substr(s, k + j, 1)
			if (!(c in ORD) || ORD[c] < 128 || ORD[c] >= 192) break
			cp = cp * 64 + ORD[c] - 128
		}
		if (j > need) {
			u8len = need + 1
			return sprintf("\\[u%04X]", cp)
		}
	}
	return sprintf("\\[u%04X]", b)
}

# ---- inline markup ----

# Fonts: bold and code are \fB, italic \fI, both \f(BI. fb, fi, fc count what is open.
function font(    want) {
	if (plain) return ""
	want = ((fb || fc) && fi) ? "BI" : (fb || fc) ? "B" : fi ? "I" : "R"
	if (want == curfont) return ""
	curfont = want
	return (length(want) == 2) ? "\\f(" want : "\\f" want
}

function isspace(c) { return c == "" || c == " " || c == "\t" || c == "\n" }
function isalnum(c) { return c ~ /^[A-Za-z0-9]$/ }

# Inline Markdown to roff; s may hold newlines, which are kept (one roff line per source line).
function inline(s,    r, k, c, nc, pc, m, e, body, text, url, mk, cl, run, ok) {
	r = ""; fb = fi = fc = 0; curfont = "R"; pc = ""
	for (k = 1; k <= length(s); k++) {
		c = substr(s, k, 1); nc = substr(s, k + 1, 1)
		if (c == "\001") {                      # a raw stretch made for a link target
			e = index(substr(s, k), "\002")
			r = nohyph(r) code_esc(substr(s, k + 1, e - 2)); k += e - 1; pc = "x"; continue
		}
		if (c == "\\" && nc == "\n") {              # a hard line break
			r = r "\n\003\n"; k++; pc = " "; continue
		}
		if (c == "\\" && nc != "" && index(PUNCT, nc)) {
			r = r lit(nc, pc); pc = nc; k++; continue
		}
		if (c == "`") {
			for (m = 0; substr(s, k + m, 1) == "`"; m++) ;
			run = substr(s, k, m)
			e = close_ticks(s, k + m, m)
			if (e) {
				body = substr(s, k + m, e - k - m)
				gsub(/\n/, " ", body)
				if (body ~ /^ .*[^ ].* $/) body = substr(body, 2, length(body) - 2)
				gsub(/\\\|/, "|", body)
				r = nohyph(r)
				fc++; r = r font() code_words(body); fc--; r = r font()
				k = e + m - 1; pc = "x"; continue
			}
			r = r code_esc(run); k += m - 1; pc = "`"; continue
		}
		if (c == "*" || c == "_") {
			for (m = 0; substr(s, k + m, 1) == c; m++) ;
			nc = substr(s, k + m, 1)
			ok = 0
			if (m >= 2 && fb && !isspace(pc) && !(c == "_" && isalnum(nc))) {
				fb = 0; ok = 2
				if (m >= 3 && fi) { fi = 0; ok = 3 }
			} else if (m >= 2 && !fb && !isspace(nc) && !(c == "_" && isalnum(pc)) && \
			           index(substr(s, k + m), substr(s, k, 2))) {
				fb = 1; ok = 2
				if (m >= 3 && !fi) { fi = 1; ok = 3 }
			} else if (m == 1 && fi && !isspace(pc) && !(c == "_" && isalnum(nc))) {
				fi = 0; ok = 1
			} else if (m == 1 && !fi && !isspace(nc) && !(c == "_" && isalnum(pc)) && \
			           index(substr(s, k + 1), c)) {
				fi = 1; ok = 1
			}
			if (ok) { r = r font(); k += ok - 1; pc = c; continue }
			r = r substr(s, k, m); k += m - 1; pc = c; continue
		}
		if (c == "[" || (c == "!" && nc == "[")) {
			mk = (c == "!") ? k + 1 : k
			cl = index(substr(s, mk), "](")
			if (cl) {
				cl += mk - 1
				e = index(substr(s, cl + 2), ")")
				text = substr(s, mk + 1, cl - mk - 1)
				url = substr(s, cl + 2, e - 1)
				sub(/[ \t]+"[^"]*"$/, "", url)           # a link title
				if (e && url !~ /[ \t\n]/ && index(text, "[") == 0) {
					if (c == "!" || url ~ /^#/) mk = text
					else if (same_link(text, url)) mk = "\001" text "\002"
					else mk = text " (\001" url "\002)"
					s = substr(s, 1, k - 1) mk substr(s, cl + 2 + e)
					k--; continue
				}
			}
		}
		if (c == "<" && match(substr(s, k), /^<[A-Za-z][A-Za-z0-9+.-]*:[^ \t\n<>]*>/)) {
			url = substr(s, k + 1, RLENGTH - 2)
			sub(/^mailto:/, "", url)
			r = nohyph(r) code_esc(url); k += RLENGTH - 1; pc = "x"; continue
		}
		if (c in ORD && bytes) { r = r utf8(s, k); k += u8len - 1; pc = "x"; continue }
		if (c == "-" && pc == " " && isspace(nc) && sub(/ $/, "", r)) {
			r = r "\\~\\-"                    # a dash: never at the start of a line
			pc = c; continue
		}
		r = r lit(c, pc)
		pc = c
	}
	fb = fi = fc = 0
	return r font()
}

# One source character of running text. A hyphen that starts a word (an option, a dash between
# spaces) is a minus; one inside a word (read-only, 2-3) stays a hyphen.
function lit(c, pc) {
	if (c == "\\") return "\\e"
	if (c == "\t") return " "
	if (c == "-") return (pc == "-" || isspace(pc) || index("([{\"'/|", pc)) ? "\\-" : "-"
	return c
}

# Words with code in them are never hyphenated: \% at the start of a word says so (anywhere else
# it would be a hyphenation point). nohyph() marks the word that r ends in; code_words() the
# further words of a code span.
function nohyph(r,    k, c) {
	for (k = length(r); k > 0; k--) {
		c = substr(r, k, 1)
		if (c == " " || c == "\n" || c == "\t") break
	}
	if (substr(r, k + 1, 2) == "\\%") return r
	return substr(r, 1, k) "\\%" substr(r, k + 1)
}

function code_words(s,    r, m, w, k) {
	m = split(s, w, " ")
	r = ""
	for (k = 1; k <= m; k++)
		r = r (k > 1 ? " " : "") (k == 1 || w[k] == "" ? "" : "\\%") code_esc(w[k])
	return r
}

# The position of the next run of exactly m backticks in s from position p, or 0.
function close_ticks(s, p, m,    k, j) {
	for (k = p; k <= length(s); k++) {
		if (substr(s, k, 1) != "`") continue
		for (j = 0; substr(s, k + j, 1) == "`"; j++) ;
		if (j == m) return k
		k += j - 1
	}
	return 0
}

# Is the url the link's text (then the text is shown once, as the url)?
function same_link(text, url,    t) {
	t = text; gsub(/[`*]/, "", t)
	return url == t || url == "mailto:" t || url == "http://" t || url == "https://" t
}

# Text without markup, for the NAME line and for measuring table tags.
function strip_md(s) {
	gsub(/\\\|/, "|", s)
	gsub(/[`]/, "", s)
	gsub(/\*\*/, "", s)
	gsub(/\[/, "", s); gsub(/\]\([^)]*\)/, "", s)
	return s
}

# ---- block structure ----

function indent(s,    k, c, col) {
	col = 0
	for (k = 1; k <= length(s); k++) {
		c = substr(s, k, 1)
		if (c == " ") col++
		else if (c == "\t") col = col + 4 - col % 4
		else break
	}
	return col
}

# s without its first w columns of indentation (tabs count to the next multiple of 4).
function dedent(s, w,    k, c, col) {
	col = 0
	for (k = 1; k <= length(s) && col < w; k++) {
		c = substr(s, k, 1)
		if (c == " ") col++
		else if (c == "\t") col = col + 4 - col % 4
		else break
	}
	return substr(s, k)
}

function blank(s) { return s ~ /^[ \t]*$/ }
function is_fence(s) { return s ~ /^[ \t]*(```|~~~)/ }
function is_heading(s) { return s ~ /^ ? ? ?#+([ \t]|$)/ && s !~ /^ *#######/ }
function is_hr(s,    t) {
	t = s; gsub(/[ \t]/, "", t)
	return t ~ /^(\*\*\*+|---+|___+)$/
}
function is_bullet(s) { return s ~ /^[ \t]*[-*+][ \t]+[^ \t]/ && !is_hr(s) }
function is_number(s) { return s ~ /^[ \t]*[0-9]+[.)][ \t]+[^ \t]/ }
function is_defn(s) { return s ~ /^[ \t]*:[ \t]/ }
function is_table(k) {
	return L[k] ~ /^[ \t]*\|/ && L[k + 1] ~ /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/ \
		&& L[k + 1] ~ /\|/
}
function is_term(k) {
	return !blank(L[k]) && is_defn(L[k + 1]) && !is_defn(L[k]) && !is_heading(L[k]) && \
		!is_fence(L[k]) && !is_bullet(L[k]) && !is_number(L[k])
}
# Does line k start a new block inside a paragraph?
function interrupts(k) {
	return blank(L[k]) || is_fence(L[k]) || is_heading(L[k]) || is_hr(L[k]) || is_bullet(L[k]) || \
		(depth == 0 && L[k] ~ /^ ? ? ?=+[ \t]*$/) || \
		L[k] ~ /^[ \t]*1[.)][ \t]/ || (depth > 0 && is_number(L[k])) || L[k] ~ /^[ \t]*>/ || is_defn(L[k]) || is_table(k) || \
		is_term(k)
}

# Open lists and definition lists: ctype ("ul", "ol", "dl"), mind (the marker's column), cind (the
# content's column), cw (the roff indent of the content). Lists inside lists sit in .RS/.RE.
function push(type, mi, ci, w) {
	if (depth > 0) out(".RS " cw[depth])
	depth++
	ctype[depth] = type; mind[depth] = mi; cind[depth] = ci; cw[depth] = w
}

function close_lists(to) {
	while (depth > to) {
		if (depth > 1) out(".RE")
		depth--
	}
}

# Is line k, at column ind, another item of the list at depth d?
function sibling(k, ind, d) {
	if (ind < mind[d] || ind >= cind[d]) return 0
	if (ctype[d] == "ul") return is_bullet(L[k])
	if (ctype[d] == "ol") return is_number(L[k])
	return is_term(k) || is_defn(L[k])
}

# The paragraph starting at line i (its first line given as first, already without markers):
# lines up to a blank line or the start of another block. Returns the text with newlines.
function para(first,    t) {
	t = first
	setext = 0
	i++
	while (i <= n && !interrupts(i)) {
		t = t "\n" L[i]
		i++
	}
	if (depth == 0 && L[i] ~ /^ ? ? ?(=+|-+)[ \t]*$/) {
		setext = (L[i] ~ /=/) ? 1 : 2
		i++
	}
	return t
}

# One block from line i; advances i past it.
function block(    line, ind, base, t, m, w, num, hl) {
	line = L[i]
	if (blank(line)) { i++; return }
	ind = indent(line)
	while (depth > 0 && ind < cind[depth] && !sibling(i, ind, depth)) close_lists(depth - 1)
	base = (depth > 0 && ind >= cind[depth]) ? cind[depth] : 0

	if (is_heading(line) && ind - base < 4) {
		close_lists(0)
		t = line
		sub(/^[ \t]*/, "", t)
		hl = match(t, /[^#]/) ? RSTART - 1 : length(t)
		t = substr(t, hl + 1)
		sub(/^[ \t]+/, "", t); sub(/[ \t]+#*[ \t]*$/, "", t)
		if (t != "" && t !~ /^#+$/) heading(hl, t)
		i++
		return
	}
	if (is_fence(line)) { fenced(ind); return }
	if (ind >= base + 4 && !(depth > 0 && sibling(i, ind, depth))) { indented(base + 4); return }
	if (is_hr(line)) { close_lists(0); i++; after_heading = 0; return }
	if (is_table(i)) { table(); return }

	if (is_bullet(line) || is_number(line)) {
		t = dedent(line, ind)
		match(t, /^([-*+]|[0-9]+[.)])[ \t]+/)
		m = RLENGTH
		num = substr(t, 1, m); sub(/[ \t]+$/, "", num)
		t = substr(t, m + 1)
		if (depth > 0 && sibling(i, ind, depth)) cind[depth] = ind + m
		else push(is_bullet(line) ? "ul" : "ol", ind, ind + m, is_bullet(line) ? 3 : 4)
		if (ctype[depth] == "ul") out(".IP \\(bu 3")
		else {
			w = length(num) + 2; if (w < 4) w = 4
			cw[depth] = w
			out(".IP " code_esc(num) " " w)
		}
		emit_para(para(t))
		return
	}
	if (is_term(i)) {
		if (!(depth > 0 && ctype[depth] == "dl" && sibling(i, ind, depth))) push("dl", ind, ind + 2, 7)
		out(".TP " cw[depth])
		t = line; sub(/^[ \t]+/, "", t)
		out_text(inline(t))
		i++
		line = L[i]
	}
	if (is_defn(line)) {
		t = dedent(line, indent(line))
		match(t, /^:[ \t]+/)
		if (depth > 0 && ctype[depth] == "dl") {
			cind[depth] = indent(line) + RLENGTH
			if (L[i - 1] !~ /^[ \t]*[^ \t]/ || is_defn(L[i - 1])) out(".IP \"\" " cw[depth])
			emit_para(para(substr(t, RLENGTH + 1)))
			return
		}
	}
	if (line ~ /^[ \t]*>/) { quote(); return }

	# A paragraph: at the top level .PP, inside an item a further indented paragraph.
	t = para(line)
	if (setext) { gsub(/\n/, " ", t); heading(setext, t); return }
	if (depth > 0) out(".IP \"\" " cw[depth])
	else if (!after_heading) out(".PP")
	emit_para(t)
}

function emit_para(t,    p) {
	if (sect == "NAME" && depth == 0) {
		t = strip_md(t); gsub(/\n/, " ", t); gsub(/[ \t]+/, " ", t); sub(/^ /, "", t)
		p = index(t, " - ")
		plain = 1
		if (p) out_text(code_esc(substr(t, 1, p - 1)) " \\- " inline(substr(t, p + 3)))
		else out_text(inline(t))
		plain = 0
		return
	}
	out_text(inline(t))
}

function heading(level, t) {
	after_heading = 0
	if (level == 1 && !th_done) { emit_th(t); after_heading = 1; return }
	if (level <= 2) {
		t = toupper(t)
		sect = t; gsub(/[`*]/, "", sect)
		out(".SH")
	} else if (level == 3) {
		out(".SS")
	} else {
		out(".PP")
		t = "**" t "**"
	}
	out_text(inline(t))
	after_heading = 1
}

# Code: literal lines, no filling. At the top level indented by 4 (not in SYNOPSIS, where the
# lines are the synopsis); inside an item, 4 further in.
function code_start() {
	code_rs = 0
	if (depth > 0) out(".IP \"\" " (cw[depth] + 4))
	else {
		if (!after_heading) out(".PP")
		if (sect != "SYNOPSIS") { out(".RS 4"); code_rs = 1 }
	}
	out(".nf")
}

function code_line(s,    r, k, c, col) {
	r = ""; col = 0
	for (k = 1; k <= length(s); k++) {
		c = substr(s, k, 1)
		if (c == "\t") {
			do { r = r " "; col++ } while (col % 8)
			continue
		}
		r = r c; col++
	}
	r = code_esc(r)
	if (r ~ /^[.']/) r = "\\&" r
	out(r)
}

function code_end() {
	out(".fi")
	if (code_rs) out(".RE")
	after_heading = 0
}

function fenced(ind,    open, ch, m, t) {
	t = dedent(L[i], ind)
	ch = substr(t, 1, 1)
	for (m = 0; substr(t, m + 1, 1) == ch; m++) ;
	code_start()
	for (i++; i <= n; i++) {
		t = L[i]
		if (indent(t) < ind + 4 && dedent(t, indent(t)) ~ ("^" (ch == "`" ? "```" : "~~~"))) {
			sub(/^[ \t]*/, "", t)
			for (open = 0; substr(t, open + 1, 1) == ch; open++) ;
			if (open >= m && blank(substr(t, open + 1))) { i++; break }
		}
		code_line(dedent(t, ind))
	}
	code_end()
}

function indented(w,    last, k) {
	for (last = i; last + 1 <= n && (blank(L[last + 1]) || indent(L[last + 1]) >= w); last++) ;
	while (last > i && blank(L[last])) last--
	code_start()
	for (k = i; k <= last; k++) code_line(dedent(L[k], w))
	code_end()
	i = last + 1
}

function quote(    t, s) {
	t = ""
	while (i <= n && !blank(L[i])) {
		s = L[i]; sub(/^[ \t]*>[ \t]?/, "", s)
		t = t (t == "" ? "" : "\n") s
		i++
	}
	if (depth > 0) out(".IP \"\" " cw[depth])
	else if (!after_heading) out(".PP")
	out(".RS 4")
	out_text(inline(t))
	out(".RE")
}

# Split a table row into cells (an escaped \| stays in its cell, as "|").
function cells(s, arr,    m, k, c, cur) {
	sub(/^[ \t]*\|/, "", s); sub(/\|[ \t]*$/, "", s)
	m = 0; cur = ""
	for (k = 1; k <= length(s); k++) {
		c = substr(s, k, 1)
		if (c == "\\" && substr(s, k + 1, 1) == "|") { cur = cur "\\|"; k++; continue }
		if (c == "|") { arr[++m] = trim(cur); cur = ""; continue }
		cur = cur c
	}
	arr[++m] = trim(cur)
	return m
}

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

# A table: each row a .TP whose tag is the first cell. The tags stand beside the text when all are
# short, otherwise each on its own line (.br), as in an option list.
function table(    head, nh, row, nr, first, r, c, w, m, t, long) {
	nh = cells(L[i], head)
	first = i + 2
	for (nr = 0; first + nr <= n && L[first + nr] ~ /^[ \t]*\|/; nr++) ;
	w = 0
	for (r = 0; r < nr; r++) {
		split("", row)
		cells(L[first + r], row)
		m = length(strip_md(row[1]))
		if (m > w) w = m
	}
	long = (w + 2 > 18)
	w = long ? 7 : (w + 2 < 7) ? 7 : w + 2
	if (depth > 0) out(".RS " cw[depth])
	for (r = 0; r < nr; r++) {
		split("", row)
		m = cells(L[first + r], row)
		out(".TP " w)
		out_text(row[1] == "" ? "\\&" : inline(row[1]))
		if (long) out(".br")
		t = 0
		for (c = 2; c <= m; c++) {
			if (row[c] == "") continue
			if (t++) out(".br")
			if (nh > 2 && c <= nh && head[c] != "") out_text(inline("*" head[c] ":*") " " inline(row[c]))
			else out_text(inline(row[c]))
		}
	}
	if (depth > 0) out(".RE")
	after_heading = 0
	i = first + nr
}
