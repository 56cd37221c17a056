# json-tokens.awk - a small tokeniser for the JSON state that cambridge-machine --state and
# tests/hercules/hercules-run write, shared by the test scripts that read it (layout-independent).
#
# The including program defines emit(v), called for every value, with these set:
#   depth          nesting depth of the value (1: a member of the top-level object)
#   key[d]         the member name at depth d (for objects)
#   type[d], idx[d]  "o" or "a", and the element index at depth d (for arrays)
# and may use hexval(h), the value of a string of hex digits.

{ s = s $0 " " }

function hexval(h,    i, v) {
	v = 0
	h = toupper(h)
	for (i = 1; i <= length(h); i++)
		v = v * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
	return v
}

END {
	n = length(s)
	depth = 0
	i = 1
	while (i <= n) {
		ch = substr(s, i, 1)
		if (ch == "{" || ch == "[") {
			depth++
			type[depth] = ch == "{" ? "o" : "a"
			idx[depth] = 0
			want_key[depth] = 1
			i++
		} else if (ch == "}" || ch == "]") {
			depth--
			i++
		} else if (ch == ",") {
			if (type[depth] == "o")
				want_key[depth] = 1
			else
				idx[depth]++
			i++
		} else if (ch == ":") {
			want_key[depth] = 0
			i++
		} else if (ch == "\"") {
			j = index(substr(s, i + 1), "\"")
			tok = substr(s, i + 1, j - 1)
			i += j + 1
			if (type[depth] == "o" && want_key[depth])
				key[depth] = tok
			else
				emit(tok)
		} else if (match(substr(s, i), /^[-+0-9.a-zA-Z]+/)) {
			emit(substr(s, i, RLENGTH))
			i += RLENGTH
		} else {
			i++
		}
	}
}
