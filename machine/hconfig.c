/*
 * hconfig.c - Hercules configuration statements for a bare S/370 (hconfig.h).
 *
 * A statement is read in three steps: symbol substitution on the whole line, splitting into words
 * (quotes, '#' comments), and acting on the first word - a keyword from the statement table
 * below, or a device number, which makes the line a device statement. A device statement naming
 * several devices is substituted and split again for each one, so that $(CUU) differs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "machine/devices.h"
#include "machine/hconfig.h"
#include "machine/machine.h"

#define INCLUDE_DEPTH 8       /* Hercules' limit on nested INCLUDEs */
#define MAX_GROUP 256         /* devices one statement may define: one channel's worth */

struct hconfig_symbol {
	char *name;
	char *value;
};

/* Where a statement is, for messages. */
struct where {
	const char *name;
	unsigned line;    /* 0: a single statement, not from a file */
	bool strict;      /* unsupported device types are errors */
};

static void format_where(char *buf, size_t size, const struct where *w)
{
	if (w->line)
		snprintf(buf, size, "%s:%u", w->name, w->line);
	else
		snprintf(buf, size, "%s", w->name);
}

static bool fail(char *err, size_t errlen, const struct where *w, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool fail(char *err, size_t errlen, const struct where *w, const char *fmt, ...)
{
	char at[512], text[1024];
	va_list ap;

	format_where(at, sizeof at, w);
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: %s", at, text);
	return false;
}

static void warn(struct hconfig *h, const struct where *w, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct hconfig *h, const struct where *w, const char *fmt, ...)
{
	char at[512], text[1024], line[1600];
	va_list ap;

	format_where(at, sizeof at, w);
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	snprintf(line, sizeof line, "%s: %s", at, text);
	char **p = realloc(h->warnings, (h->nwarnings + 1) * sizeof *p);
	char *copy = strdup(line);
	if (!p || !copy) {
		free(copy);
		if (p)
			h->warnings = p;
		return; /* out of memory: the warning is lost, nothing else */
	}
	h->warnings = p;
	h->warnings[h->nwarnings++] = copy;
}

void hconfig_init(struct hconfig *h)
{
	memset(h, 0, sizeof *h);
}

static void free_words(int argc, char **argv)
{
	if (!argv)
		return;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

void hconfig_free(struct hconfig *h)
{
	for (size_t i = 0; i < h->ndevs; i++) {
		free(h->devs[i].where);
		free(h->devs[i].type);
		free_words(h->devs[i].argc, h->devs[i].argv);
	}
	free(h->devs);
	for (size_t i = 0; i < h->nwarnings; i++)
		free(h->warnings[i]);
	free(h->warnings);
	for (size_t i = 0; i < h->nsyms; i++) {
		free(h->syms[i].name);
		free(h->syms[i].value);
	}
	free(h->syms);
	free(h->ipl_where);
	memset(h, 0, sizeof *h);
}

/* ------------------------------------------------------------------------------------------------
 * Growing strings.
 */

struct str {
	char *p;
	size_t len, cap;
	bool oom;
};

static void str_addn(struct str *s, const char *p, size_t n)
{
	if (s->oom)
		return;
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 128;
		while (cap < s->len + n + 1)
			cap *= 2;
		char *q = realloc(s->p, cap);
		if (!q) {
			s->oom = true;
			return;
		}
		s->p = q;
		s->cap = cap;
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = 0;
}

static void str_add(struct str *s, const char *p)
{
	str_addn(s, p, strlen(p));
}

/* ------------------------------------------------------------------------------------------------
 * Symbol substitution.
 */

/* The value of $(name): a device symbol (dev >= 0), a DEFSYM symbol, an environment variable, or
 * empty. buf holds a device symbol's text. */
static const char *symbol(const struct hconfig *h, const char *name, int dev, char buf[8])
{
	if (dev >= 0) {
		bool upper = !strcmp(name, "CUU") || !strcmp(name, "CCUU") || !strcmp(name, "DEVN");
		bool four = !strcmp(name, "CCUU") || !strcmp(name, "DEVN") || !strcmp(name, "ccuu");
		if (upper || !strcmp(name, "cuu") || !strcmp(name, "ccuu")) {
			static const char digits[2][17] = { "0123456789abcdef", "0123456789ABCDEF" };
			int n = four ? 4 : 3;
			for (int i = 0; i < n; i++)
				buf[i] = digits[upper][(dev >> (4 * (n - 1 - i))) & 15];
			buf[n] = 0;
			return buf;
		}
	}
	for (size_t i = 0; i < h->nsyms; i++)
		if (!strcmp(h->syms[i].name, name))
			return h->syms[i].value;
	const char *env = getenv(name);
	return env ? env : "";
}

/*
 * Replace $(SYM) and ${VAR[=default]} / ${VAR[:=default]} in line. A run of n dollar signs before
 * the parenthesis or brace: n even leaves the text as it is, n odd substitutes and keeps (n-1)/2
 * dollar signs ($$(X) stays, $$$(X) gives $ and X's value). dev >= 0 defines the device symbols.
 */
static bool substitute(const struct hconfig *h, const char *line, int dev, struct str *out)
{
	const char *p = line;
	while (*p) {
		if (*p != '$') {
			const char *q = strchr(p, '$');
			size_t n = q ? (size_t)(q - p) : strlen(p);
			str_addn(out, p, n);
			p += n;
			continue;
		}
		size_t run = strspn(p, "$");
		char open = p[run];
		char close = open == '(' ? ')' : open == '{' ? '}' : 0;
		const char *end = close ? strchr(p + run + 1, close) : NULL;
		if (!end || run % 2 == 0) {
			str_addn(out, p, run);
			p += run;
			continue;
		}
		for (size_t i = 0; i < (run - 1) / 2; i++)
			str_add(out, "$");
		size_t nlen = (size_t)(end - (p + run + 1));
		char *name = strndup(p + run + 1, nlen);
		if (!name)
			return false;
		if (open == '(') {
			char buf[8];
			str_add(out, symbol(h, name, dev, buf));
		} else {
			char *def = strchr(name, '=');
			if (def) {
				*def++ = 0;
				size_t l = strlen(name);
				if (l && name[l - 1] == ':')
					name[l - 1] = 0;
			}
			const char *env = getenv(name);
			str_add(out, env ? env : def ? def : "");
		}
		free(name);
		p = end + 1;
	}
	if (!out->p)
		str_add(out, "");
	return !out->oom;
}

/* ------------------------------------------------------------------------------------------------
 * Words.
 */

struct words {
	int argc;
	char **argv; /* argv[argc] is NULL */
};

static void words_free(struct words *w)
{
	free_words(w->argc, w->argv);
	w->argc = 0;
	w->argv = NULL;
}

static bool words_add(struct words *w, const char *p, size_t n)
{
	char **v = realloc(w->argv, (size_t)(w->argc + 2) * sizeof *v);
	if (!v)
		return false;
	w->argv = v;
	if (!(v[w->argc] = strndup(p, n)))
		return false;
	v[++w->argc] = NULL;
	return true;
}

/* Split line into words: blanks and tabs separate, '#' at the start of a word ends the line, a
 * word may be quoted with " or ' (the quotes are dropped). Returns NULL, or an error text. */
static const char *split(const char *line, struct words *w)
{
	const char *p = line;
	for (;;) {
		p += strspn(p, " \t");
		if (!*p || *p == '#')
			return NULL;
		if (*p == '"' || *p == '\'') {
			const char *end = strchr(p + 1, *p);
			if (!end && *p == '"')
				return "a double quote is not closed";
			if (!end)
				return "an apostrophe is not closed";
			if (!words_add(w, p + 1, (size_t)(end - p - 1)))
				return strerror(ENOMEM);
			p = end + 1;
			continue;
		}
		size_t n = strcspn(p, " \t");
		if (!words_add(w, p, n))
			return strerror(ENOMEM);
		p += n;
	}
}

/* ------------------------------------------------------------------------------------------------
 * Numbers.
 */

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* 1 to 4 hex digits of s[0..n) into *out. */
static bool hex_field(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	if (n == 0 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = hexval((unsigned char)s[i]);
		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

bool hconfig_devnum(const char *s, uint16_t *out)
{
	uint32_t v;
	if (!hex_field(s, strlen(s), &v) || v > 0xFFF)
		return false;
	*out = (uint16_t)v;
	return true;
}

/* A decimal number that fits in 32 bits. */
static bool decimal(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* ------------------------------------------------------------------------------------------------
 * Device statements.
 */

/* Is word meant as a device number list ([n:]CCUU[,CCUU][-CCUU][.nn]...)? No keyword starts with
 * a digit or is made of hex digits and , - . : only. */
static bool is_devnum_spec(const char *w)
{
	return (w[0] >= '0' && w[0] <= '9') ||
	       (hexval((unsigned char)w[0]) >= 0 && w[strspn(w, "0123456789abcdefABCDEF,-.:")] == 0);
}

static bool why_not(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool why_not(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return false;
}

/* One element of a device number list, e[0..n): CCUU, CCUU-CCUU or CCUU.count. */
static bool parse_element(const char *e, size_t n, uint32_t *first, uint32_t *last, char *why,
			  size_t whylen)
{
	size_t head = strcspn(e, "-.");
	if (head > n)
		head = n;
	if (!hex_field(e, head, first))
		return why_not(why, whylen, "'%.*s' is not a device number (1 to 4 hex digits)", (int)n, e);
	*last = *first;
	if (head == n)
		return true;
	const char *tail = e + head + 1;
	size_t tlen = n - head - 1;
	if (e[head] == '-') {
		if (!hex_field(tail, tlen, last))
			return why_not(why, whylen, "'%.*s' is not a range of device numbers", (int)n, e);
		if (*last < *first)
			return why_not(why, whylen, "'%.*s': the range ends before it starts", (int)n, e);
		return true;
	}
	char num[16];
	uint32_t count;
	if (tlen == 0 || tlen >= sizeof num)
		return why_not(why, whylen, "'%.*s' is not a device number and count", (int)n, e);
	memcpy(num, tail, tlen);
	num[tlen] = 0;
	if (!decimal(num, &count) || count == 0)
		return why_not(why, whylen, "'%.*s' is not a device number and count", (int)n, e);
	if (count > MAX_GROUP)
		return why_not(why, whylen, "'%.*s': more than %d devices", (int)n, e, MAX_GROUP);
	*last = *first + count - 1;
	return true;
}

/* Parse a device number list ([n:]element[,element]...) into addrs: at most MAX_GROUP, each once,
 * all on one channel. False with the reason in why. */
static bool parse_devnums(const char *spec, uint16_t *addrs, size_t *n, char *why, size_t whylen)
{
	const char *p = spec;
	const char *colon = strchr(spec, ':');
	*n = 0;
	if (colon) {
		char num[16];
		uint32_t set;
		size_t l = (size_t)(colon - spec);
		if (l == 0 || l >= sizeof num)
			return why_not(why, whylen, "'%s' is not a device number", spec);
		memcpy(num, spec, l);
		num[l] = 0;
		if (!decimal(num, &set))
			return why_not(why, whylen, "'%s' is not a device number", spec);
		if (set != 0)
			return why_not(why, whylen, "channel set %u is not supported (only channel set 0)", set);
		p = colon + 1;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		uint32_t first, last;
		if (!parse_element(p, len, &first, &last, why, whylen))
			return false;
		for (uint32_t a = first; a <= last; a++) {
			if (a > 0xFFF)
				return why_not(why, whylen, "device number %X is above 0FFF "
					       "(an S/370 has channels 0 to F)", a);
			for (size_t i = 0; i < *n; i++)
				if (addrs[i] == a)
					return why_not(why, whylen, "device %03X is named twice", a);
			if (*n == MAX_GROUP)
				return why_not(why, whylen, "more than %d devices in one statement", MAX_GROUP);
			if (*n && (addrs[0] >> 8) != (a >> 8))
				return why_not(why, whylen, "devices %03X and %03X are on different channels "
					       "(a statement defines devices of one channel)", addrs[0], a);
			addrs[(*n)++] = (uint16_t)a;
		}
		if (!p[len])
			return true;
		p += len + 1;
	}
}

static const char *where_of(const struct hconfig *h, uint16_t addr)
{
	for (size_t i = 0; i < h->ndevs; i++)
		if (h->devs[i].addr == addr)
			return h->devs[i].where;
	return NULL;
}

static bool device_statement(struct hconfig *h, const struct where *w, const char *line,
			     const struct words *words, char *err, size_t errlen)
{
	uint16_t addrs[MAX_GROUP];
	size_t n;
	char why[256];

	if (!parse_devnums(words->argv[0], addrs, &n, why, sizeof why))
		return fail(err, errlen, w, "%s", why);
	if (words->argc < 2)
		return fail(err, errlen, w, "%s: no device type", words->argv[0]);
	const char *type = words->argv[1];
	if (!devices_find(type)) {
		if (w->strict)
			return fail(err, errlen, w, "device type %s is not supported", type);
		warn(h, w, "%s %s: device type not supported; left out", words->argv[0], type);
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		const char *before = where_of(h, addrs[i]);
		if (before)
			return fail(err, errlen, w, "device %03X is already defined (%s)", addrs[i], before);
	}

	struct hconfig_device *devs = realloc(h->devs, (h->ndevs + n) * sizeof *devs);
	if (!devs)
		return fail(err, errlen, w, "%s", strerror(ENOMEM));
	h->devs = devs;
	for (size_t i = 0; i < n; i++) {
		struct str sub = { 0 };
		struct words dw = { 0 };
		char at[512];
		const char *bad = NULL;
		if (!substitute(h, line, addrs[i], &sub) || (bad = split(sub.p, &dw)) || dw.argc < 2) {
			free(sub.p);
			words_free(&dw);
			return fail(err, errlen, w, "%s", bad ? bad : strerror(ENOMEM));
		}
		free(sub.p);
		format_where(at, sizeof at, w);
		struct hconfig_device *d = &h->devs[h->ndevs];
		d->where = strdup(at);
		d->addr = addrs[i];
		d->type = strdup(type);
		d->argc = dw.argc - 2;
		d->argv = calloc((size_t)dw.argc - 1, sizeof *d->argv);
		if (!d->where || !d->type || !d->argv) {
			free(d->where);
			free(d->type);
			free(d->argv);
			words_free(&dw);
			return fail(err, errlen, w, "%s", strerror(ENOMEM));
		}
		for (int k = 2; k < dw.argc; k++) {
			d->argv[k - 2] = dw.argv[k];
			dw.argv[k] = NULL;
		}
		words_free(&dw);
		h->ndevs++;
	}
	return true;
}

/* ------------------------------------------------------------------------------------------------
 * System parameter statements: one handler per keyword; NULL accepts the statement silently.
 */

typedef bool statement_fn(struct hconfig *h, const struct where *w, int argc, char **argv,
			  char *err, size_t errlen);

static bool read_path(struct hconfig *h, const char *path, const struct where *from, char *err,
		      size_t errlen);

static bool need_args(const struct where *w, int argc, char **argv, int min, char *err, size_t errlen)
{
	if (argc - 1 < min)
		return fail(err, errlen, w, "%s needs %s", argv[0],
			    min == 1 ? "an operand" : "more operands");
	return true;
}

static bool st_archmode(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
			size_t errlen)
{
	if (!need_args(w, argc, argv, 1, err, errlen))
		return false;
	const char *a = argv[1];
	if (strcasecmp(a, "S/370") && strcasecmp(a, "S370") && strcmp(a, "370"))
		return fail(err, errlen, w, "%s %s: this machine is an S/370 (%s S/370)", argv[0], a,
			    argv[0]);
	return true;
}

/* MAINSIZE n (megabytes) or n with a K, M, G, T, P or E suffix: rounded up to 4K, at most 16M. */
static bool st_mainsize(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
			size_t errlen)
{
	static const char units[] = "KMGTPE";
	if (!need_args(w, argc, argv, 1, err, errlen))
		return false;
	const char *a = argv[1];
	size_t digits = strspn(a, "0123456789");
	unsigned shift = 20;
	if (digits && a[digits]) {
		const char *u = strchr(units, toupper((unsigned char)a[digits]));
		shift = u && *u && !a[digits + 1] ? 10 * (unsigned)(u - units + 1) : 0;
	}
	if (!digits || !shift)
		return fail(err, errlen, w,
			    "MAINSIZE %s: not a size (megabytes, or a number with K, M or G)", a);
	uint64_t v = 0;
	bool big = false;
	for (size_t i = 0; i < digits && !big; i++) {
		v = v * 10 + (uint64_t)(a[i] - '0');
		big = v > MACHINE_MAX_STORAGE;
	}
	if (!big && v && shift > 24)
		big = true;
	if (!big) {
		v <<= shift;
		big = v > MACHINE_MAX_STORAGE;
	}
	if (!big && v == 0)
		return fail(err, errlen, w, "MAINSIZE %s: storage must be at least 4K", a);
	if (big) {
		warn(h, w, "MAINSIZE %s: an S/370 addresses 16M; 16M is used", a);
		v = MACHINE_MAX_STORAGE;
	}
	h->have_mainsize = true;
	h->mainsize = (uint32_t)((v + 4095) & ~(uint64_t)4095);
	return true;
}

static bool st_numcpu(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
		      size_t errlen)
{
	uint32_t n;
	if (!need_args(w, argc, argv, 1, err, errlen))
		return false;
	if (!decimal(argv[1], &n))
		return fail(err, errlen, w, "%s %s: not a number", argv[0], argv[1]);
	if (n != 1 && !strcasecmp(argv[0], "NUMCPU"))
		warn(h, w, "NUMCPU %s: the machine has one CPU", argv[1]);
	return true;
}

static bool st_defsym(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
		      size_t errlen)
{
	if (!need_args(w, argc, argv, 1, err, errlen))
		return false;
	if (argc > 3)
		return fail(err, errlen, w, "DEFSYM %s: one value (quote a value with blanks)", argv[1]);
	const char *value = argc == 3 ? argv[2] : "";
	for (size_t i = 0; i < h->nsyms; i++)
		if (!strcmp(h->syms[i].name, argv[1])) {
			char *v = strdup(value);
			if (!v)
				return fail(err, errlen, w, "%s", strerror(ENOMEM));
			free(h->syms[i].value);
			h->syms[i].value = v;
			return true;
		}
	struct hconfig_symbol *s = realloc(h->syms, (h->nsyms + 1) * sizeof *s);
	if (!s)
		return fail(err, errlen, w, "%s", strerror(ENOMEM));
	h->syms = s;
	s[h->nsyms].name = strdup(argv[1]);
	s[h->nsyms].value = strdup(value);
	if (!s[h->nsyms].name || !s[h->nsyms].value) {
		free(s[h->nsyms].name);
		free(s[h->nsyms].value);
		return fail(err, errlen, w, "%s", strerror(ENOMEM));
	}
	h->nsyms++;
	return true;
}

static bool st_include(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
		       size_t errlen)
{
	if (!need_args(w, argc, argv, 1, err, errlen))
		return false;
	if (h->depth >= INCLUDE_DEPTH)
		return fail(err, errlen, w, "INCLUDE %s: INCLUDEs nest more than %d deep", argv[1],
			    INCLUDE_DEPTH);
	return read_path(h, argv[1], w, err, errlen);
}

static bool st_ignore(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
		      size_t errlen)
{
	if (argc == 2 && !strcasecmp(argv[1], "INCLUDE_ERRORS"))
		h->ignore_include_errors = true;
	else
		warn(h, w, "IGNORE %s: not supported; ignored", argc > 1 ? argv[1] : "");
	return true;
}

/* FACILITY ENABLE|DISABLE HERC_370_EXTENSION [S/370]: the S/370 extension. */
static bool st_facility(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
			size_t errlen)
{
	if (!need_args(w, argc, argv, 1, err, errlen))
		return false;
	bool enable = !strcasecmp(argv[1], "ENABLE");
	bool disable = !strcasecmp(argv[1], "DISABLE");
	if (!enable && !disable)
		return true; /* QUERY and the like: nothing to do */
	if (argc >= 3 && !strcasecmp(argv[2], "HERC_370_EXTENSION")) {
		h->have_extension = true;
		h->extension = enable;
		return true;
	}
	warn(h, w, "FACILITY %s %s: only HERC_370_EXTENSION is supported; ignored", argv[1],
	     argc >= 3 ? argv[2] : "");
	return true;
}

/* IPL devnum: Hercules' ipl command, as a statement. */
static bool st_ipl(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
		   size_t errlen)
{
	char at[512];
	if (!need_args(w, argc, argv, 1, err, errlen))
		return false;
	if (!hconfig_devnum(argv[1], &h->ipl))
		return fail(err, errlen, w, "IPL %s: not a device number (hex, at most FFF)",
			    argv[1]);
	if (argc > 2)
		warn(h, w, "IPL %s %s: only the device number is used", argv[1], argv[2]);
	format_where(at, sizeof at, w);
	free(h->ipl_where);
	h->ipl_where = strdup(at);
	h->have_ipl = true;
	return true;
}

/* A statement accepted silently with the value quiet (any case), with a warning otherwise. */
static void quiet_unless(struct hconfig *h, const struct where *w, int argc, char **argv,
			 const char *const *quiet, const char *what)
{
	if (argc < 2)
		return;
	for (; *quiet; quiet++)
		if (!strcasecmp(argv[1], *quiet))
			return;
	warn(h, w, "%s %s: %s", argv[0], argv[1], what);
}

static bool st_codepage(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
			size_t errlen)
{
	static const char *const quiet[] = { "819/037", "default", NULL };
	quiet_unless(h, w, argc, argv, quiet, "consoles and readers translate with code page 037 "
		     "(819/037); ignored");
	return true;
}

static bool st_clock(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
		     size_t errlen)
{
	static const char *const quiet[] = { "0", "0000", "+0000", "-0000", "+0", "-0", "1900", "1.0",
					     "1", NULL };
	quiet_unless(h, w, argc, argv, quiet, "the TOD clock follows the host's clock (UTC, epoch "
		     "1900); ignored");
	return true;
}

static bool st_ecpsvm(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
		      size_t errlen)
{
	static const char *const quiet[] = { "NO", NULL };
	quiet_unless(h, w, argc, argv, quiet, "ECPS:VM assists are not provided; ignored");
	return true;
}

static bool st_diag8cmd(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
			size_t errlen)
{
	static const char *const quiet[] = { "DISABLE", NULL };
	quiet_unless(h, w, argc, argv, quiet, "Hercules commands through DIAGNOSE X'008' are not "
		     "provided; ignored");
	return true;
}

static bool st_senseid(struct hconfig *h, const struct where *w, int argc, char **argv, char *err,
		       size_t errlen)
{
	static const char *const quiet[] = { "OFF", "DISABLE", NULL };
	quiet_unless(h, w, argc, argv, quiet, "not supported; ignored");
	return true;
}

static const struct statement {
	const char *name;
	statement_fn *fn;
} statements[] = {
	/* What the machine is. */
	{ "ARCHMODE", st_archmode },
	{ "ARCHLVL", st_archmode },
	{ "MAINSIZE", st_mainsize },
	{ "NUMCPU", st_numcpu },
	{ "MAXCPU", st_numcpu },
	{ "FACILITY", st_facility },
	/* The file itself. */
	{ "DEFSYM", st_defsym },
	{ "INCLUDE", st_include },
	{ "IGNORE", st_ignore },
	{ "IPL", st_ipl },
	/* Accepted; a warning when the value would change what the guest sees. */
	{ "CODEPAGE", st_codepage },
	{ "SYSEPOCH", st_clock },
	{ "TZOFFSET", st_clock },
	{ "YROFFSET", st_clock },
	{ "TODDRAG", st_clock },
	{ "ECPSVM", st_ecpsvm },
	{ "DIAG8CMD", st_diag8cmd },
	{ "LEGACYSENSEID", st_senseid },
	/* No effect on a bare S/370: accepted silently. */
	{ "ALRF", NULL },
	{ "ASN_AND_LX_REUSE", NULL },
	{ "AUTOINIT", NULL },
	{ "AUTOMOUNT", NULL },
	{ "CCKD", NULL },
	{ "CMDSEP", NULL },
	{ "CNSLPORT", NULL },
	{ "CONKPALV", NULL },
	{ "CPUIDFMT", NULL },
	{ "CPUMODEL", NULL },
	{ "CPUPRIO", NULL },
	{ "CPUSERIAL", NULL },
	{ "CPUVERID", NULL },
	{ "DEVPRIO", NULL },
	{ "DEVTMAX", NULL },
	{ "ENGINES", NULL },
	{ "HERCPRIO", NULL },
	{ "HTTP", NULL },
	{ "HTTPPORT", NULL },
	{ "HTTPROOT", NULL },
	{ "IODELAY", NULL },
	{ "LDMOD", NULL },
	{ "LOADPARM", NULL },
	{ "LOGOPT", NULL },
	{ "LPARNAME", NULL },
	{ "LPARNUM", NULL },
	{ "MANUFACTURER", NULL },
	{ "MODEL", NULL },
	{ "MODPATH", NULL },
	{ "MOUNTED_TAPE_REINIT", NULL },
	{ "NETDEV", NULL },
	{ "NUMVEC", NULL },
	{ "OSTAILOR", NULL },
	{ "PANOPT", NULL },
	{ "PANRATE", NULL },
	{ "PANTITLE", NULL },
	{ "PGMPRDOS", NULL },
	{ "PLANT", NULL },
	{ "SCSIMOUNT", NULL },
	{ "SHCMDOPT", NULL },
	{ "SHRDPORT", NULL },
	{ "SYSGPORT", NULL },
	{ "TIMERINT", NULL },
	{ "TODPRIO", NULL },
	{ "TRACEOPT", NULL },
	{ "XPNDSIZE", NULL },
};

/* ------------------------------------------------------------------------------------------------
 * Lines and files.
 */

static bool statement(struct hconfig *h, const struct where *w, const char *raw, char *err,
		      size_t errlen)
{
	const char *p = raw + strspn(raw, " \t");
	if (!*p || *p == '#' || *p == '*')
		return true;

	struct str line = { 0 };
	struct words words = { 0 };
	const char *bad = NULL;
	bool ok = true;
	if (!substitute(h, raw, -1, &line))
		bad = strerror(ENOMEM);
	else
		bad = split(line.p, &words);
	if (bad) {
		ok = fail(err, errlen, w, "%s", bad);
	} else if (words.argc == 0) {
		ok = true; /* a line that substitution or a comment left empty */
	} else if (is_devnum_spec(words.argv[0])) {
		ok = device_statement(h, w, raw, &words, err, errlen);
	} else if (w->strict) {
		ok = fail(err, errlen, w, "'%s' is not a device number", words.argv[0]);
	} else {
		const struct statement *s = NULL;
		for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++)
			if (!strcasecmp(statements[i].name, words.argv[0]))
				s = &statements[i];
		if (!s)
			warn(h, w, "%s: unknown statement; ignored", words.argv[0]);
		else if (s->fn)
			ok = s->fn(h, w, words.argc, words.argv, err, errlen);
	}
	free(line.p);
	words_free(&words);
	return ok;
}

static bool read_stream(struct hconfig *h, FILE *f, const char *name, char *err, size_t errlen)
{
	struct where w = { .name = name };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool ok = true;

	while (ok && (n = getline(&line, &cap, f)) >= 0) {
		w.line++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		ok = statement(h, &w, line, err, errlen);
	}
	if (ok && ferror(f))
		ok = fail(err, errlen, &w, "%s", strerror(errno));
	free(line);
	return ok;
}

/* Read path; from is the INCLUDE statement that names it (NULL for the top file). */
static bool read_path(struct hconfig *h, const char *path, const struct where *from, char *err,
		      size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!from) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return false;
		}
		if (h->ignore_include_errors) {
			warn(h, from, "INCLUDE %s: %s; ignored", path, strerror(errno));
			return true;
		}
		return fail(err, errlen, from, "INCLUDE %s: %s", path, strerror(errno));
	}
	h->depth++;
	bool ok = read_stream(h, f, path, err, errlen);
	h->depth--;
	fclose(f);
	return ok;
}

bool hconfig_file(struct hconfig *h, const char *path, char *err, size_t errlen)
{
	return read_path(h, path, NULL, err, errlen);
}

bool hconfig_text(struct hconfig *h, const char *name, const char *text, char *err, size_t errlen)
{
	if (!*text)
		return true;
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return false;
	}
	bool ok = read_stream(h, f, name, err, errlen);
	fclose(f);
	return ok;
}

bool hconfig_device_statement(struct hconfig *h, const char *where, const char *text, char *err,
			      size_t errlen)
{
	struct where w = { .name = where, .strict = true };
	const char *p = text + strspn(text, " \t");
	if (!*p || *p == '#' || *p == '*')
		return fail(err, errlen, &w, "'%s' is not a device statement (CUU TYPE [arguments])",
			    text);
	return statement(h, &w, text, err, errlen);
}
