/*
 * directory.c - reading VM/370 USER DIRECT text into a struct directory, and rewriting its
 * password fields crash-safely.
 *
 * Reading is one pass over the lines. Each line is cut to its statement columns (1-71, or the whole
 * line when column 72 is not blank), split into blank-separated tokens kept twice - as written
 * (passwords, line-editing characters) and folded to upper case (everything else) - and handed to
 * the statement's function from the table `stmts`. Those functions check their operands and fill
 * the current user's entry; every problem becomes a diagnostic and reading goes on, as VM/370's
 * directory program validates every statement before it gives up. Checks that need the whole text
 * (duplicate userids, LINKs to unknown disks, overlapping minidisks) run after the last line. Only
 * a text without errors becomes a directory.
 *
 * Rewriting (dir_set_password, dir_hash_passwords) locates password tokens with the same line and
 * token rules, replaces their bytes, checks that every changed line still reads as intended, and
 * writes the new text beside the old file before renaming it into place.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cp/directory.h"
#include "cp/passwd.h"

#define CARD_COLS	71	/* the statement columns of a card image */
#define SHOW_MAX	24	/* longest operand a diagnostic quotes */
#define OVERLAP_MAX	100	/* overlap warnings before "and more" */

struct directory {
	struct dir_user *users;		/* in directory order */
	size_t n, cap;
	size_t *index;			/* users sorted by userid */
	struct dir_system sys;
};

/* ---- Status texts and diagnostics ---- */

const char *dir_status_str(enum dir_status st)
{
	switch (st) {
	case DIR_OK: return "ok";
	case DIR_ERR_INVALID: return "the directory has errors";
	case DIR_ERR_IO: return "I/O error";
	case DIR_ERR_NOMEM: return "out of memory";
	case DIR_ERR_ARG: return "invalid argument";
	case DIR_ERR_TOO_BIG: return "directory file too large";
	case DIR_ERR_NO_USER: return "no such user in the directory";
	case DIR_ERR_AMBIGUOUS: return "more than one USER statement for that user";
	}
	return "unknown status";
}

const char *dir_mode_str(enum dir_mode m)
{
	static const char *const names[] = {"R", "RR", "W", "WR", "M", "MR", "MW"};
	return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "?";
}

void dir_diags_init(struct dir_diags *dg)
{
	memset(dg, 0, sizeof *dg);
}

void dir_diags_free(struct dir_diags *dg)
{
	for (size_t i = 0; i < dg->n; i++) {
		free(dg->v[i].file);
		free(dg->v[i].text);
	}
	free(dg->v);
	dir_diags_init(dg);
}

int dir_diag_format(const struct dir_diag *d, char *buf, size_t len)
{
	if (d->line)
		return snprintf(buf, len, "%s:%u: %s", d->file, d->line, d->text);
	return snprintf(buf, len, "%s: %s", d->file, d->text);
}

/* Add a diagnostic; false only when out of memory (the counts are kept regardless). */
static bool diags_add(struct dir_diags *dg, const char *file, unsigned line, enum dir_severity sev,
		      const char *fmt, va_list ap)
{
	if (sev == DIR_ERROR)
		dg->errors++;
	else
		dg->warnings++;
	if (dg->n >= DIR_DIAGS_MAX) {
		dg->dropped++;
		return true;
	}
	if (dg->n == dg->cap) {
		size_t cap = dg->cap ? dg->cap * 2 : 16;
		struct dir_diag *v = realloc(dg->v, cap * sizeof *v);
		if (!v)
			return false;
		dg->v = v;
		dg->cap = cap;
	}
	char *text = NULL, *name = strdup(file ? file : "");
	if (!name || vasprintf(&text, fmt, ap) < 0) {
		free(name);
		return false;
	}
	dg->v[dg->n++] = (struct dir_diag){.file = name, .line = line, .severity = sev, .text = text};
	return true;
}

/* ---- Lines and tokens ---- */

struct tok {
	size_t off, len;	/* within the line */
};

/* One line of the text: raw bytes up to (not including) its "\n" or "\r\n". */
struct line {
	const char *s;
	size_t off;		/* of s in the whole text */
	size_t raw_len;		/* without the line end */
	size_t eff_len;		/* the statement columns */
	size_t next;		/* offset of the next line in the whole text */
	unsigned no;		/* 1-based */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Columns 1-71 of a card image; the whole line when column 72 is not blank (a long hash). */
static size_t statement_len(const char *s, size_t raw_len)
{
	return raw_len > CARD_COLS && is_blank(s[CARD_COLS]) ? CARD_COLS : raw_len;
}

/* The line at *pos (advanced past it); false at the end of the text. */
static bool next_line(const char *text, size_t len, size_t *pos, unsigned *no, struct line *ln)
{
	if (*pos >= len)
		return false;
	const char *s = text + *pos;
	const char *nl = memchr(s, '\n', len - *pos);
	size_t raw = nl ? (size_t)(nl - s) : len - *pos;
	ln->s = s;
	ln->off = *pos;
	ln->next = *pos + raw + (nl ? 1 : 0);
	if (raw > 0 && s[raw - 1] == '\r')
		raw--;
	ln->raw_len = raw;
	ln->eff_len = statement_len(s, raw);
	ln->no = ++*no;
	*pos = ln->next;
	return true;
}

/* Split s[0..len) at blanks into *t (grown as needed); false when out of memory. */
static bool split(const char *s, size_t len, struct tok **t, size_t *n, size_t *cap)
{
	*n = 0;
	for (size_t i = 0; i < len;) {
		while (i < len && is_blank(s[i]))
			i++;
		if (i >= len)
			break;
		size_t start = i;
		while (i < len && !is_blank(s[i]))
			i++;
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 16;
			struct tok *nt = realloc(*t, c * sizeof *nt);
			if (!nt)
				return false;
			*t = nt;
			*cap = c;
		}
		(*t)[(*n)++] = (struct tok){start, i - start};
	}
	return true;
}

/* ---- The statement table ---- */

struct parser;

enum stmt_class {
	ST_TOP,		/* DIRECTORY, USER */
	ST_GENERAL,	/* ACCOUNT, OPTION, IPL: before the entry's first device */
	ST_DEVICE,	/* CONSOLE, SPOOL, MDISK, LINK, DEDICATE, SPECIAL */
};

struct stmt_def {
	const char *name;
	unsigned minlen;	/* shortest abbreviation */
	enum stmt_class cls;
	void (*fn)(struct parser *p);
};

static void st_account(struct parser *p);
static void st_console(struct parser *p);
static void st_dedicate(struct parser *p);
static void st_directory(struct parser *p);
static void st_ipl(struct parser *p);
static void st_link(struct parser *p);
static void st_mdisk(struct parser *p);
static void st_option(struct parser *p);
static void st_special(struct parser *p);
static void st_spool(struct parser *p);
static void st_user(struct parser *p);

static const struct stmt_def stmts[] = {
	{"ACCOUNT", 3, ST_GENERAL, st_account},
	{"CONSOLE", 4, ST_DEVICE, st_console},
	{"DEDICATE", 1, ST_DEVICE, st_dedicate},
	{"DIRECTORY", 3, ST_TOP, st_directory},
	{"IPL", 3, ST_GENERAL, st_ipl},
	{"LINK", 1, ST_DEVICE, st_link},
	{"MDISK", 1, ST_DEVICE, st_mdisk},
	{"OPTION", 1, ST_GENERAL, st_option},
	{"SPECIAL", 3, ST_DEVICE, st_special},
	{"SPOOL", 5, ST_DEVICE, st_spool},
	{"USER", 1, ST_TOP, st_user},
};

/* Statements of later VM directories, named as such when they turn up. */
static const char *const later_stmts[] = {
	"PROFILE", "INCLUDE", "IDENTITY", "SUBCONFIG", "BUILD", "GLOBALDEFS", "POSIXINFO",
	"MACHINE", "CPU", "IUCV", "XAUTOLOG", "NICDEF", "LOADDEV", "COMMAND", "MINIOPT", "DASDOPT",
};

static const struct stmt_def *find_stmt(const char *word)
{
	size_t len = strlen(word);
	for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
		if (len >= stmts[i].minlen && len <= strlen(stmts[i].name) &&
		    memcmp(word, stmts[i].name, len) == 0)
			return &stmts[i];
	return NULL;
}

/* ---- The parser ---- */

/* A password token, recorded for dir_hash_passwords(). */
struct span {
	size_t off, len;		/* of the token in the whole text */
	struct line ln;			/* its line */
	enum dir_pw_kind kind;
};

struct parser {
	/* Fixed for the run. */
	const char *text;
	size_t len;
	const char *name;
	unsigned flags;
	struct dir_diags *dg;
	struct directory *d;
	bool nomem;

	/* The current line: its tokens as written (rawz) and in upper case (upz), each NUL-ended. */
	struct line ln;
	char *upline;			/* the statement columns in upper case */
	char *upz, *rawz;
	size_t bufcap;
	struct tok *t;
	size_t nt, tcap;

	/* Where we are in the text. */
	unsigned statements;		/* statements read so far */
	bool dir_seen;
	bool have_user;			/* a USER statement was read */
	bool cur_in_dir;		/* the entry's USER was valid: cur indexes d->users */
	size_t cur;
	struct dir_user scratch;	/* the entry of an invalid USER statement, checked then dropped */
	bool cur_device;		/* the entry has had a device statement */
	unsigned account_line, ipl_line;
	unsigned *vaddr_line;		/* [DIR_VADDR_MAX + 1]: line defining each address in the entry */
	unsigned *vaddr_used;		/* the addresses set in vaddr_line, to clear them */
	size_t nused;

	/* Password tokens, when recording. */
	bool record;
	struct span *spans;
	size_t nspans, spcap;
};

static void diag_at(struct parser *p, unsigned line, enum dir_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void diag_at(struct parser *p, unsigned line, enum dir_severity sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (!diags_add(p->dg, p->name, line, sev, fmt, ap))
		p->nomem = true;
	va_end(ap);
}

#define ERR(p, ...)	diag_at((p), (p)->ln.no, DIR_ERROR, __VA_ARGS__)

static struct dir_user *cur(struct parser *p)
{
	return p->cur_in_dir ? &p->d->users[p->cur] : &p->scratch;
}

static const char *cur_id(struct parser *p)
{
	return cur(p)->userid[0] ? cur(p)->userid : "?";
}

/* Token i in upper case, or NULL past the last. */
static const char *up(struct parser *p, size_t i)
{
	return i < p->nt ? p->upz + p->t[i].off : NULL;
}

/* Token i as written, or NULL past the last. */
static const char *raw(struct parser *p, size_t i)
{
	return i < p->nt ? p->rawz + p->t[i].off : NULL;
}

/* Arguments for "%.*s%s" quoting at most SHOW_MAX characters of s. */
#define SHOW(s)	(int)(strlen(s) > SHOW_MAX ? SHOW_MAX : strlen(s)), (s), \
		(strlen(s) > SHOW_MAX ? "..." : "")

/* DMKDIR751E for token i (which must exist), with why in parentheses. */
static void bad(struct parser *p, size_t i, const char *why)
{
	ERR(p, "DMKDIR751E INVALID OPERAND - %.*s%s (%s)", SHOW(up(p, i)), why);
}

static void missing(struct parser *p, const char *what)
{
	ERR(p, "OPERAND MISSING - %s", what);
}

static void sequence(struct parser *p, const char *why)
{
	if (p->have_user)
		ERR(p, "DMKDIR752E STATEMENT SEQUENCE ERROR FOLLOWING USER %s (%s)", cur_id(p), why);
	else
		ERR(p, "DMKDIR752E STATEMENT SEQUENCE ERROR (%s)", why);
}

/* Prepare the current line's token buffers; false (nomem set) when out of memory. */
static bool load_line(struct parser *p)
{
	size_t n = p->ln.eff_len;
	if (n + 1 > p->bufcap) {
		size_t cap = n + 1 > 2 * p->bufcap ? n + 1 : 2 * p->bufcap;
		char *a = realloc(p->upline, cap), *b, *c;
		if (a)
			p->upline = a;
		b = a ? realloc(p->upz, cap) : NULL;
		if (b)
			p->upz = b;
		c = b ? realloc(p->rawz, cap) : NULL;
		if (!c) {
			p->nomem = true;
			return false;
		}
		p->rawz = c;
		p->bufcap = cap;
	}
	for (size_t i = 0; i < n; i++)
		p->upline[i] = upper(p->ln.s[i]);
	p->upline[n] = '\0';
	memcpy(p->upz, p->upline, n + 1);
	memcpy(p->rawz, p->ln.s, n);
	p->rawz[n] = '\0';
	if (!split(p->ln.s, n, &p->t, &p->nt, &p->tcap)) {
		p->nomem = true;
		return false;
	}
	for (size_t i = 0; i < p->nt; i++) {
		size_t end = p->t[i].off + p->t[i].len;
		if (end < n)
			p->upz[end] = p->rawz[end] = '\0';
	}
	return true;
}

/* ---- Operand checks ---- */

/* Characters of userids, volume serials, names: A-Z 0-9 @ # $ - _ (after folding). */
static bool name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@' || c == '#' || c == '$' ||
	       c == '-' || c == '_';
}

static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i]))
			return false;
	return true;
}

static bool parse_hex(const char *s, size_t maxdigits, unsigned *v)
{
	size_t n = strlen(s);
	unsigned x = 0;
	if (n == 0 || n > maxdigits)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return false;
		x = x * 16 + (unsigned)d;
	}
	*v = x;
	return true;
}

static bool parse_dec(const char *s, size_t maxdigits, unsigned long *v)
{
	size_t n = strlen(s);
	unsigned long x = 0;
	if (n == 0 || n > maxdigits)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (unsigned long)(s[i] - '0');
	}
	*v = x;
	return true;
}

/* "nnnK" or "nnM": 1 byte to DIR_STORAGE_MAX. */
static bool parse_storage(const char *s, unsigned long *bytes)
{
	size_t n = strlen(s);
	unsigned long v;
	char buf[16];
	if (n < 2 || n > 9)
		return false;
	memcpy(buf, s, n - 1);
	buf[n - 1] = '\0';
	if (!parse_dec(buf, 8, &v) || v == 0)
		return false;
	if (s[n - 1] == 'K')
		v <<= 10;
	else if (s[n - 1] == 'M')
		v <<= 20;
	else
		return false;
	if (v > DIR_STORAGE_MAX)
		return false;
	*bytes = v;
	return true;
}

/*
 * Token i as this entry's virtual address: 1-3 hex digits, no higher than X'5FF' without OPTION
 * ECMODE, not already defined in the entry. Reports and returns false otherwise.
 */
static bool claim_vaddr(struct parser *p, size_t i, unsigned v_given, bool given, unsigned *out)
{
	unsigned v = v_given;
	if (!given) {
		if (!up(p, i)) {
			missing(p, "virtual device address");
			return false;
		}
		if (!parse_hex(up(p, i), 3, &v)) {
			bad(p, i, "a virtual device address is 1 to 3 hexadecimal digits");
			return false;
		}
	}
	if (v > DIR_VADDR_BC && !(cur(p)->options & DIR_OPT_ECMODE)) {
		ERR(p, "DMKDIR751E INVALID OPERAND - %03X (addresses above 5FF need OPTION ECMODE)", v);
		return false;
	}
	if (p->vaddr_line[v]) {
		ERR(p, "DUPLICATE UNIT DEFINITION - %03X (already defined on line %u)", v,
		    p->vaddr_line[v]);
		return false;
	}
	p->vaddr_line[v] = p->ln.no;
	p->vaddr_used[p->nused++] = v;
	*out = v;
	return true;
}

/* A new device at the end of the current entry (zeroed), or NULL when out of memory. */
static struct dir_device *add_device(struct parser *p, enum dir_dev_kind kind, unsigned vaddr)
{
	struct dir_user *u = cur(p);
	struct dir_device *v = realloc(u->devices, (u->ndevices + 1) * sizeof *v);
	if (!v) {
		p->nomem = true;
		return NULL;
	}
	u->devices = v;
	struct dir_device *dev = &v[u->ndevices++];
	memset(dev, 0, sizeof *dev);
	dev->kind = kind;
	dev->vaddr = vaddr;
	dev->line = p->ln.no;
	return dev;
}

static void record_span(struct parser *p, size_t i, enum dir_pw_kind kind)
{
	if (!p->record)
		return;
	if (p->nspans == p->spcap) {
		size_t cap = p->spcap ? p->spcap * 2 : 16;
		struct span *s = realloc(p->spans, cap * sizeof *s);
		if (!s) {
			p->nomem = true;
			return;
		}
		p->spans = s;
		p->spcap = cap;
	}
	p->spans[p->nspans++] = (struct span){
		.off = p->ln.off + p->t[i].off, .len = p->t[i].len, .ln = p->ln, .kind = kind};
}

/*
 * Token i as a password field: of a USER statement (special value NOLOG) or of an MDISK (ALL).
 * `what` names the field in diagnostics, which never quote a password.
 */
static void get_password(struct parser *p, size_t i, bool user, const char *what,
			 struct dir_password *pw)
{
	const char *r = raw(p, i), *u = up(p, i);
	pw->kind = DIR_PW_NONE;
	pw->text = NULL;
	if (r[0] == '$') {
		if (!cp_password_is_hash(r)) {
			ERR(p, "DMKDIR751E INVALID OPERAND - %s (not a complete yescrypt hash)", what);
			return;
		}
		if (!(pw->text = strdup(r))) {
			p->nomem = true;
			return;
		}
		pw->kind = DIR_PW_HASH;
		record_span(p, i, DIR_PW_HASH);
	} else if (user && strcmp(u, "NOLOG") == 0) {
		pw->kind = DIR_PW_NOLOG;
	} else if (!user && strcmp(u, "ALL") == 0) {
		pw->kind = DIR_PW_ALL;
	} else if (!cp_password_valid(r)) {
		ERR(p, "DMKDIR751E INVALID OPERAND - %s (a password is 1 to %d characters)", what,
		    CP_PASSWORD_MAX);
	} else if (!(p->flags & DIR_ALLOW_CLEAR)) {
		ERR(p, "DMKDIR751E INVALID OPERAND - %s is in clear text (password must be hashed: "
		    "set it with the operator's password command, or hash the file's passwords "
		    "with dir_hash_passwords())", what);
	} else {
		if (!(pw->text = strdup(u))) {
			p->nomem = true;
			return;
		}
		pw->kind = DIR_PW_CLEAR;
		record_span(p, i, DIR_PW_CLEAR);
	}
}

/* Link mode R, RR, W, WR, M, MR, MW, each optionally followed by V. */
static bool parse_mode(const char *s, enum dir_mode *m, bool *reserve)
{
	static const char *const modes[] = {"R", "RR", "W", "WR", "M", "MR", "MW"};
	char buf[4];
	size_t n = strlen(s);
	*reserve = false;
	if (n == 0 || n > 3)
		return false;
	memcpy(buf, s, n + 1);
	if (n > 1 && buf[n - 1] == 'V') {
		buf[n - 1] = '\0';
		*reserve = true;
	}
	for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (strcmp(buf, modes[i]) == 0) {
			*m = (enum dir_mode)i;
			return true;
		}
	return false;
}

/* One spooling class: A-Z, 0-9, or '*' where allowed. */
static bool parse_class(const char *s, bool star, char *c)
{
	if (strlen(s) != 1 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9') ||
				(star && s[0] == '*')))
		return false;
	*c = s[0];
	return true;
}

/* A device type token: one of the 4-digit numbers in types[] (0-ended). */
static bool parse_devtype(const char *s, const unsigned *types, unsigned *out)
{
	unsigned long v;
	if (!parse_dec(s, 4, &v) || strlen(s) != 4)
		return false;
	for (; *types; types++)
		if (*types == v) {
			*out = (unsigned)v;
			return true;
		}
	return false;
}

static const unsigned ckd_types[] = {2305, 2311, 2314, 2319, 3330, 3340, 3350, 3375, 3380, 0};
static const unsigned fba_types[] = {3310, 3370, 0};

/* ---- Statements ---- */

/* DIRECTORY cuu devtype volser */
static void st_directory(struct parser *p)
{
	struct dir_system *sys = &p->d->sys;
	if (p->dir_seen) {
		sequence(p, "a second DIRECTORY statement");
		return;
	}
	p->dir_seen = true;
	if (p->statements > 0) {
		sequence(p, "DIRECTORY must be the first statement");
		return;
	}
	sys->line = p->ln.no;
	if (!up(p, 1)) {
		missing(p, "directory device address");
		return;
	}
	if (!parse_hex(up(p, 1), 3, &sys->vaddr)) {
		bad(p, 1, "a device address is 1 to 3 hexadecimal digits");
		return;
	}
	if (!up(p, 2)) {
		missing(p, "device type");
		return;
	}
	if (!parse_devtype(up(p, 2), ckd_types, &sys->devtype)) {
		bad(p, 2, "not a direct access device type");
		return;
	}
	if (!up(p, 3)) {
		missing(p, "volume serial");
		return;
	}
	if (!valid_name(up(p, 3), DIR_VOLSER_MAX)) {
		bad(p, 3, "a volume serial is 1 to 6 characters");
		return;
	}
	strcpy(sys->volser, up(p, 3));
	sys->present = true;
}

/* Forget the per-entry state of the previous user. */
static void end_entry(struct parser *p)
{
	for (size_t i = 0; i < p->nused; i++)
		p->vaddr_line[p->vaddr_used[i]] = 0;
	p->nused = 0;
	p->cur_device = false;
	p->account_line = p->ipl_line = 0;
	free((char *)p->scratch.password.text);
	for (size_t i = 0; i < p->scratch.ndevices; i++) {
		struct dir_device *dev = &p->scratch.devices[i];
		if (dev->kind == DIR_DEV_MDISK) {
			free((char *)dev->u.mdisk.read.text);
			free((char *)dev->u.mdisk.write.text);
			free((char *)dev->u.mdisk.multi.text);
		}
	}
	free(p->scratch.devices);
	memset(&p->scratch, 0, sizeof p->scratch);
	p->cur_in_dir = false;
}

/* A line-editing character: one character (UTF-8), not a letter, digit or blank. */
static bool get_edit_char(const char *s, char out[5])
{
	size_t n = strlen(s);
	unsigned char c = (unsigned char)s[0];
	size_t want = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
		      (c & 0xF8) == 0xF0 ? 4 : 0;
	if (n == 0 || n != want)
		return false;
	if (n == 1 && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		       c < '!' || c > '~'))
		return false;
	memcpy(out, s, n + 1);
	return true;
}

/* USER userid password [stor [maxstor [classes [priority [linend [linedel [chardel [esc]]]]]]]] */
static void st_user(struct parser *p)
{
	end_entry(p);
	p->have_user = true;

	struct dir_user nu;
	memset(&nu, 0, sizeof nu);
	nu.line = p->ln.no;
	nu.storage = 256ul << 10;
	nu.classes = DIR_CLASS('G');
	nu.priority = 50;

	bool id_ok = false;
	if (!up(p, 1)) {
		missing(p, "userid");
	} else if (strlen(up(p, 1)) > DIR_USERID_MAX) {
		bad(p, 1, "a userid is at most 8 characters");
	} else if (!valid_name(up(p, 1), DIR_USERID_MAX)) {
		bad(p, 1, "a userid is made of A-Z 0-9 @ # $ - _");
	} else {
		strcpy(nu.userid, up(p, 1));
		id_ok = true;
	}
	if (id_ok) {
		if (p->d->n == p->d->cap) {
			size_t cap = p->d->cap ? p->d->cap * 2 : 16;
			struct dir_user *v = realloc(p->d->users, cap * sizeof *v);
			if (!v) {
				p->nomem = true;
				return;
			}
			p->d->users = v;
			p->d->cap = cap;
		}
		p->d->users[p->d->n] = nu;
		p->cur = p->d->n++;
		p->cur_in_dir = true;
	} else {
		p->scratch = nu;
	}
	struct dir_user *u = cur(p);

	if (!up(p, 2)) {
		missing(p, "password");
		return;
	}
	char what[40];
	snprintf(what, sizeof what, "password of %s", cur_id(p));
	get_password(p, 2, true, what, &u->password);

	if (!up(p, 3))
		goto defaults;
	if (!parse_storage(up(p, 3), &u->storage)) {
		bad(p, 3, "storage is nnnK or nnM, at most 16M");
		return;
	}
	if (!up(p, 4))
		goto defaults;
	if (!parse_storage(up(p, 4), &u->max_storage)) {
		bad(p, 4, "maximum storage is nnnK or nnM, at most 16M");
		return;
	}
	if (u->max_storage < u->storage) {
		bad(p, 4, "maximum storage is less than storage");
		return;
	}
	if (up(p, 5)) {
		unsigned classes = 0;
		for (const char *c = up(p, 5); *c; c++) {
			if (*c < 'A' || *c > 'H') {
				bad(p, 5, "privilege classes are letters A to H");
				return;
			}
			classes |= DIR_CLASS(*c);
		}
		u->classes = classes;
	}
	if (up(p, 6)) {
		unsigned long pri;
		if (!parse_dec(up(p, 6), 2, &pri) || pri < 1) {
			bad(p, 6, "priority is 1 to 99");
			return;
		}
		u->priority = (unsigned)pri;
	}
	char *edit[] = {u->linend, u->linedel, u->chardel, u->escape};
	for (size_t i = 0; i < 4 && up(p, 7 + i); i++) {
		if (!get_edit_char(raw(p, 7 + i), edit[i])) {
			bad(p, 7 + i, "a line-editing character is one character, not a letter, "
			    "digit or blank");
			return;
		}
	}
defaults:
	if (!u->max_storage)
		u->max_storage = u->storage;
	strcpy(u->distcode, u->userid);
}

/* ACCOUNT number [distribution] */
static void st_account(struct parser *p)
{
	struct dir_user *u = cur(p);
	if (p->account_line) {
		sequence(p, "a second ACCOUNT statement");
		return;
	}
	p->account_line = p->ln.no;
	if (!up(p, 1)) {
		missing(p, "account number");
		return;
	}
	if (!valid_name(up(p, 1), DIR_NAME_MAX)) {
		bad(p, 1, "an account number is 1 to 8 characters");
		return;
	}
	strcpy(u->account, up(p, 1));
	if (up(p, 2)) {
		if (!valid_name(up(p, 2), DIR_NAME_MAX)) {
			bad(p, 2, "a distribution code is 1 to 8 characters");
			return;
		}
		strcpy(u->distcode, up(p, 2));
	}
}

/* OPTION option ... (any order; CPUID and AFFINITY take a value) */
static void st_option(struct parser *p)
{
	static const struct {
		const char *name;
		unsigned minlen;
		unsigned bit;
	} opts[] = {
		{"REALTIMER", 9, DIR_OPT_REALTIMER}, {"ECMODE", 6, DIR_OPT_ECMODE},
		{"ISAM", 4, DIR_OPT_ISAM}, {"VIRT=REAL", 9, DIR_OPT_VIRT_REAL},
		{"ACCT", 4, DIR_OPT_ACCT}, {"SVCOFF", 6, DIR_OPT_SVCOFF}, {"BMX", 3, DIR_OPT_BMX},
		{"CPUID", 5, DIR_OPT_CPUID}, {"AFFINITY", 3, DIR_OPT_AFFINITY},
		{"LNKNOPAS", 8, DIR_OPT_LNKNOPAS}, {"STFIRST", 7, DIR_OPT_STFIRST},
	};
	struct dir_user *u = cur(p);
	if (p->nt < 2) {
		missing(p, "option");
		return;
	}
	for (size_t i = 1; i < p->nt; i++) {
		const char *w = up(p, i);
		size_t n = strlen(w);
		unsigned bit = 0;
		for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
			if (n >= opts[k].minlen && n <= strlen(opts[k].name) &&
			    memcmp(w, opts[k].name, n) == 0)
				bit = opts[k].bit;
		if (!bit) {
			bad(p, i, "not an option of VM/370");
			continue;
		}
		if (bit == DIR_OPT_CPUID || bit == DIR_OPT_AFFINITY) {
			unsigned v;
			if (!up(p, i + 1)) {
				missing(p, bit == DIR_OPT_CPUID ? "CPUID value" : "AFFINITY value");
				return;
			}
			i++;
			if (bit == DIR_OPT_CPUID) {
				if (strlen(up(p, i)) != 6 || !parse_hex(up(p, i), 6, &v)) {
					bad(p, i, "a CPUID is 6 hexadecimal digits");
					continue;
				}
				strcpy(u->cpuid, up(p, i));
			} else {
				if (!parse_hex(up(p, i), 2, &v)) {
					bad(p, i, "an affinity is a processor address, 1 or 2 "
					    "hexadecimal digits");
					continue;
				}
				u->affinity = v;
			}
		}
		u->options |= bit;
	}
}

/* IPL {cuu | sysname} [PARM text] */
static void st_ipl(struct parser *p)
{
	struct dir_ipl *ipl = &cur(p)->ipl;
	if (p->ipl_line) {
		sequence(p, "a second IPL statement");
		return;
	}
	p->ipl_line = p->ln.no;
	if (!up(p, 1)) {
		missing(p, "device address or system name");
		return;
	}
	unsigned v;
	if (parse_hex(up(p, 1), 3, &v)) {
		/* No X'5FF' check here: OPTION ECMODE may still follow. */
		ipl->by_vaddr = true;
		ipl->vaddr = v;
	} else if (valid_name(up(p, 1), DIR_NAME_MAX)) {
		strcpy(ipl->sysname, up(p, 1));
	} else {
		bad(p, 1, "an IPL names a device address or a saved system of 1 to 8 characters");
		return;
	}
	ipl->present = true;
	if (!up(p, 2))
		return;
	if (strcmp(up(p, 2), "PARM") != 0) {
		bad(p, 2, "only PARM may follow");
		return;
	}
	/* The text starts after the blank that follows PARM and keeps its inner blanks. */
	size_t from = p->t[2].off + p->t[2].len + 1, to = p->ln.eff_len;
	while (to > from && is_blank(p->upline[to - 1]))
		to--;
	if (from >= to) {
		missing(p, "PARM text");
		return;
	}
	if (to - from > DIR_PARM_MAX) {
		ERR(p, "DMKDIR751E INVALID OPERAND - PARM (the text is longer than %d characters)",
		    DIR_PARM_MAX);
		return;
	}
	memcpy(ipl->parm, p->upline + from, to - from);
	ipl->parm[to - from] = '\0';
}

/* CONSOLE cuu devtype [class] */
static void st_console(struct parser *p)
{
	static const unsigned types[] = {1052, 3210, 3215, 0};
	unsigned v, type;
	if (!claim_vaddr(p, 1, 0, false, &v))
		return;
	if (!up(p, 2)) {
		missing(p, "console device type");
		return;
	}
	if (!parse_devtype(up(p, 2), types, &type)) {
		bad(p, 2, "a console is a 1052, 3210 or 3215");
		return;
	}
	char cls = 'T';
	if (up(p, 3) && !parse_class(up(p, 3), false, &cls)) {
		bad(p, 3, "a spooling class is one of A-Z and 0-9");
		return;
	}
	struct dir_device *dev = add_device(p, DIR_DEV_CONSOLE, v);
	if (dev) {
		dev->u.console.devtype = type;
		dev->u.console.spool_class = cls;
	}
}

/* A reader, punch or printer word after a SPOOL device type. */
static int spool_word(const char *w)
{
	if (!strcmp(w, "READER") || !strcmp(w, "READ") || !strcmp(w, "RDR"))
		return DIR_SPOOL_READER;
	if (!strcmp(w, "PUNCH") || !strcmp(w, "PUN"))
		return DIR_SPOOL_PUNCH;
	if (!strcmp(w, "PRINTER") || !strcmp(w, "PRT"))
		return DIR_SPOOL_PRINTER;
	return -1;
}

/* SPOOL cuu devtype [READER | PUNCH | PRINTER] [class]  (2540 needs READER or PUNCH) */
static void st_spool(struct parser *p)
{
	static const struct {
		unsigned type;
		int kind;	/* -1: the next operand says */
	} types[] = {
		{2540, -1}, {2501, DIR_SPOOL_READER}, {3505, DIR_SPOOL_READER},
		{3525, DIR_SPOOL_PUNCH}, {1403, DIR_SPOOL_PRINTER}, {1443, DIR_SPOOL_PRINTER},
		{3211, DIR_SPOOL_PRINTER},
	};
	unsigned v;
	if (!claim_vaddr(p, 1, 0, false, &v))
		return;
	if (!up(p, 2)) {
		missing(p, "spooling device type");
		return;
	}
	int kind = -2;
	unsigned type = 0;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		char num[8];
		snprintf(num, sizeof num, "%u", types[i].type);
		if (strcmp(up(p, 2), num) == 0) {
			kind = types[i].kind;
			type = types[i].type;
		}
	}
	if (kind == -2) {
		bad(p, 2, "a spooling device is a 2540, 2501, 3505, 3525, 1403, 1443 or 3211");
		return;
	}
	size_t next = 3;
	int word = up(p, 3) ? spool_word(up(p, 3)) : -1;
	if (kind == -1) {
		if (word != DIR_SPOOL_READER && word != DIR_SPOOL_PUNCH) {
			if (up(p, 3))
				bad(p, 3, "a 2540 is a READER or a PUNCH");
			else
				missing(p, "READER or PUNCH");
			return;
		}
		kind = word;
		next = 4;
	} else if (word >= 0) {
		if (word != kind) {
			bad(p, 3, "not what this device type is");
			return;
		}
		next = 4;
	}
	char cls = kind == DIR_SPOOL_READER ? '*' : 'A';
	if (up(p, next) && !parse_class(up(p, next), kind == DIR_SPOOL_READER, &cls)) {
		bad(p, next, kind == DIR_SPOOL_READER ? "a reader class is one of A-Z, 0-9 and *" :
			     "a spooling class is one of A-Z and 0-9");
		return;
	}
	struct dir_device *dev = add_device(p, DIR_DEV_SPOOL, v);
	if (dev) {
		dev->u.spool.kind = (enum dir_spool_kind)kind;
		dev->u.spool.devtype = type;
		dev->u.spool.spool_class = cls;
	}
}

/* MDISK cuu devtype {start {count | END} volser [mode [pr [pw [pm]]]] | T-DISK count} */
static void st_mdisk(struct parser *p)
{
	struct dir_mdisk md;
	unsigned v;
	memset(&md, 0, sizeof md);
	md.mode = DIR_MODE_W;
	if (!claim_vaddr(p, 1, 0, false, &v))
		return;
	if (!up(p, 2)) {
		missing(p, "device type");
		return;
	}
	if (parse_devtype(up(p, 2), fba_types, &md.devtype)) {
		md.fba = true;
	} else if (!parse_devtype(up(p, 2), ckd_types, &md.devtype)) {
		bad(p, 2, "not a direct access device type");
		return;
	}
	size_t digits = md.fba ? 8 : 5;
	const char *unit = md.fba ? "blocks" : "cylinders";
	if (!up(p, 3)) {
		missing(p, "start or T-DISK");
		return;
	}
	if (strcmp(up(p, 3), "T-DISK") == 0) {
		md.tdisk = true;
		if (!up(p, 4)) {
			missing(p, "T-DISK size");
			return;
		}
		if (!parse_dec(up(p, 4), digits, &md.count) || md.count == 0) {
			bad(p, 4, md.fba ? "a size is a decimal number of blocks" :
				  "a size is a decimal number of cylinders");
			return;
		}
		goto add;
	}
	if (!parse_dec(up(p, 3), digits, &md.start)) {
		bad(p, 3, md.fba ? "the start is a decimal block number" :
			  "the start is a decimal cylinder number");
		return;
	}
	if (!up(p, 4)) {
		missing(p, unit);
		return;
	}
	if (strcmp(up(p, 4), "END") == 0) {
		md.to_end = true;
	} else if (!parse_dec(up(p, 4), digits, &md.count) || md.count == 0) {
		bad(p, 4, md.fba ? "the size is a decimal number of blocks, or END" :
			  "the size is a decimal number of cylinders, or END");
		return;
	}
	if (!up(p, 5)) {
		missing(p, "volume serial");
		return;
	}
	if (!valid_name(up(p, 5), DIR_VOLSER_MAX)) {
		bad(p, 5, "a volume serial is 1 to 6 characters");
		return;
	}
	strcpy(md.volser, up(p, 5));
	if (up(p, 6) && !parse_mode(up(p, 6), &md.mode, &md.reserve)) {
		bad(p, 6, "a mode is R, RR, W, WR, M, MR or MW, optionally followed by V");
		return;
	}
	struct dir_password *pw[] = {&md.read, &md.write, &md.multi};
	static const char *const names[] = {"read password", "write password", "multi password"};
	for (size_t i = 0; i < 3 && up(p, 7 + i); i++) {
		char what[48];
		snprintf(what, sizeof what, "%s of %s %03X", names[i], cur_id(p), v);
		get_password(p, 7 + i, false, what, pw[i]);
	}
add:;
	struct dir_device *dev = add_device(p, DIR_DEV_MDISK, v);
	if (dev) {
		dev->u.mdisk = md;
	} else {
		free((char *)md.read.text);
		free((char *)md.write.text);
		free((char *)md.multi.text);
	}
}

/* LINK userid ldev [cuu [mode]] */
static void st_link(struct parser *p)
{
	struct dir_link lk;
	unsigned ldev, v;
	memset(&lk, 0, sizeof lk);
	lk.mode = DIR_MODE_R;
	if (!up(p, 1)) {
		missing(p, "userid");
		return;
	}
	if (!valid_name(up(p, 1), DIR_USERID_MAX)) {
		bad(p, 1, "a userid is 1 to 8 of A-Z 0-9 @ # $ - _");
		return;
	}
	strcpy(lk.userid, up(p, 1));
	if (!up(p, 2)) {
		missing(p, "the owner's device address");
		return;
	}
	if (!parse_hex(up(p, 2), 3, &ldev)) {
		bad(p, 2, "a device address is 1 to 3 hexadecimal digits");
		return;
	}
	lk.owner_vaddr = ldev;
	if (!claim_vaddr(p, 3, ldev, !up(p, 3), &v))
		return;
	if (up(p, 4) && !parse_mode(up(p, 4), &lk.mode, &lk.reserve)) {
		bad(p, 4, "a mode is R, RR, W, WR, M, MR or MW, optionally followed by V");
		return;
	}
	struct dir_device *dev = add_device(p, DIR_DEV_LINK, v);
	if (dev)
		dev->u.link = lk;
}

/* DEDICATE cuu {rdev | [VOLID] volser} [R/O] [3330V] */
static void st_dedicate(struct parser *p)
{
	struct dir_dedicate dd;
	unsigned v;
	memset(&dd, 0, sizeof dd);
	if (!claim_vaddr(p, 1, 0, false, &v))
		return;
	if (!up(p, 2)) {
		missing(p, "real device address or volume serial");
		return;
	}
	size_t next = 3;
	if (strcmp(up(p, 2), "VOLID") == 0) {
		if (!up(p, 3)) {
			missing(p, "volume serial");
			return;
		}
		if (!valid_name(up(p, 3), DIR_VOLSER_MAX)) {
			bad(p, 3, "a volume serial is 1 to 6 characters");
			return;
		}
		dd.by_volser = true;
		strcpy(dd.volser, up(p, 3));
		next = 4;
	} else if (parse_hex(up(p, 2), 3, &dd.raddr)) {
		dd.by_volser = false;
	} else if (valid_name(up(p, 2), DIR_VOLSER_MAX) && strlen(up(p, 2)) >= 4) {
		dd.by_volser = true;
		strcpy(dd.volser, up(p, 2));
	} else {
		bad(p, 2, "a real address is 1 to 3 hexadecimal digits; a volume serial of 4 to 6 "
		    "characters, or VOLID and 1 to 6");
		return;
	}
	/* Two more operands at most; a word there that is neither is refused, not ignored: a typo
	 * for R/O must not give a read/write device. */
	for (size_t i = next; i < p->nt && i < next + 2; i++) {
		if (strcmp(up(p, i), "R/O") == 0 && !dd.readonly) {
			dd.readonly = true;
		} else if (strcmp(up(p, i), "3330V") == 0 && !dd.v3330) {
			dd.v3330 = true;
		} else {
			bad(p, i, "only R/O and 3330V may follow");
			return;
		}
	}
	struct dir_device *dev = add_device(p, DIR_DEV_DEDICATE, v);
	if (dev)
		dev->u.dedicate = dd;
}

/* SPECIAL cuu {3270 | 3277 | 3158 | TIMER | CTCA | 2701 | 2702 | 2703 [IBM | TELE]} */
static void st_special(struct parser *p)
{
	struct dir_special sp;
	unsigned v;
	memset(&sp, 0, sizeof sp);
	if (!claim_vaddr(p, 1, 0, false, &v))
		return;
	if (!up(p, 2)) {
		missing(p, "device type");
		return;
	}
	const char *w = up(p, 2);
	if (!strcmp(w, "3270") || !strcmp(w, "3277") || !strcmp(w, "3158")) {
		sp.kind = DIR_SPECIAL_GRAF;
		sp.devtype = (unsigned)atoi(w);
	} else if (!strcmp(w, "TIMER")) {
		sp.kind = DIR_SPECIAL_TIMER;
	} else if (!strcmp(w, "CTCA")) {
		sp.kind = DIR_SPECIAL_CTCA;
	} else if (!strcmp(w, "2701") || !strcmp(w, "2702") || !strcmp(w, "2703")) {
		sp.kind = DIR_SPECIAL_LINE;
		sp.devtype = (unsigned)atoi(w);
		if (up(p, 3)) {
			if (!strcmp(up(p, 3), "TELE")) {
				sp.tele = true;
			} else if (strcmp(up(p, 3), "IBM") != 0) {
				bad(p, 3, "a line is IBM or TELE");
				return;
			}
		}
	} else {
		bad(p, 2, "a special device is a 3270, 3277, 3158, TIMER, CTCA, 2701, 2702 or 2703");
		return;
	}
	struct dir_device *dev = add_device(p, DIR_DEV_SPECIAL, v);
	if (dev)
		dev->u.special = sp;
}

/* ---- One line ---- */

static void parse_line(struct parser *p)
{
	if (!load_line(p) || p->nt == 0 || up(p, 0)[0] == '*')
		return;
	for (size_t i = 0; i < p->ln.eff_len; i++) {
		unsigned char c = (unsigned char)p->ln.s[i];
		if ((c < ' ' && c != '\t') || c == 0x7F) {
			ERR(p, "DMKDIR751E INVALID OPERAND - X'%02X' (a control character in column "
			    "%zu)", c, i + 1);
			p->statements++;
			return;
		}
	}
	const char *word = up(p, 0);
	const struct stmt_def *def = find_stmt(word);
	if (!def) {
		for (size_t i = 0; i < sizeof later_stmts / sizeof later_stmts[0]; i++)
			if (strcmp(word, later_stmts[i]) == 0) {
				ERR(p, "DMKDIR751E INVALID OPERAND - %s (a statement of later VM "
				    "directories, not of VM/370 Release 6)", word);
				p->statements++;
				return;
			}
		bad(p, 0, "not a directory statement");
		p->statements++;
		return;
	}
	if (def->cls != ST_TOP && !p->have_user) {
		char why[64];
		snprintf(why, sizeof why, "%s before the first USER statement", def->name);
		sequence(p, why);
	} else if (def->cls == ST_GENERAL && p->cur_device) {
		char why[64];
		snprintf(why, sizeof why, "%s after a device statement", def->name);
		sequence(p, why);
	} else {
		def->fn(p);
		if (def->cls == ST_DEVICE)
			p->cur_device = true;
	}
	p->statements++;
}

/* ---- After the last line ---- */

/* Users by userid, then by position: a total order, so equal userids stay in directory order. */
static int cmp_index(const void *a, const void *b, void *arg)
{
	const struct dir_user *u = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(u[x].userid, u[y].userid);
	return c ? c : x < y ? -1 : x > y;
}

/* Sort the users by userid and report duplicates. */
static bool build_index(struct parser *p)
{
	struct directory *d = p->d;
	d->index = malloc((d->n ? d->n : 1) * sizeof *d->index);
	if (!d->index)
		return false;
	for (size_t i = 0; i < d->n; i++)
		d->index[i] = i;
	qsort_r(d->index, d->n, sizeof *d->index, cmp_index, d->users);
	for (size_t i = 1, first = 0; i < d->n; i++) {
		const struct dir_user *a = &d->users[d->index[first]], *b = &d->users[d->index[i]];
		if (strcmp(a->userid, b->userid) == 0)
			diag_at(p, b->line, DIR_ERROR, "DUPLICATE USERID - %s (first defined on line "
				"%u)", b->userid, a->line);
		else
			first = i;
	}
	return true;
}

static bool owner_writes(enum dir_mode m)
{
	return m != DIR_MODE_R && m != DIR_MODE_RR;
}

struct extent {
	const char *volser;
	unsigned long first, last;
	const struct dir_user *u;
	const struct dir_device *dev;
};

static int cmp_extent(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;
	int c = strcmp(x->volser, y->volser);
	if (c)
		return c;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->dev->line < y->dev->line ? -1 : x->dev->line > y->dev->line;
}

/*
 * Warnings that need the whole directory: LINKs to users or disks it does not have, and minidisks
 * that their owners can write overlapping on one volume (VM/370 checks neither: the first fails
 * at logon with DMKLNK107E, the second damages files).
 */
static void cross_check(struct parser *p)
{
	struct directory *d = p->d;
	size_t next = 0;
	if (d->n == 0)
		diag_at(p, 0, DIR_WARNING, "no USER statements: nobody can log on");
	for (size_t i = 0; i < d->n; i++) {
		const struct dir_user *u = &d->users[i];
		for (size_t k = 0; k < u->ndevices; k++) {
			const struct dir_device *dev = &u->devices[k];
			if (dev->kind == DIR_DEV_MDISK && !dev->u.mdisk.tdisk && !dev->u.mdisk.to_end &&
			    owner_writes(dev->u.mdisk.mode))
				next++;
			if (dev->kind != DIR_DEV_LINK)
				continue;
			const struct dir_user *o = dir_find(d, dev->u.link.userid);
			const struct dir_device *od = o ? dir_device_at(o, dev->u.link.owner_vaddr) : NULL;
			if (!o)
				diag_at(p, dev->line, DIR_WARNING, "LINK %s %03X: %s is not in the "
					"directory (the link fails at logon)", dev->u.link.userid,
					dev->u.link.owner_vaddr, dev->u.link.userid);
			else if (!od || od->kind != DIR_DEV_MDISK)
				diag_at(p, dev->line, DIR_WARNING, "LINK %s %03X: %s has no minidisk "
					"%03X (the link fails at logon)", dev->u.link.userid,
					dev->u.link.owner_vaddr, dev->u.link.userid,
					dev->u.link.owner_vaddr);
		}
	}
	if (next < 2)
		return;
	struct extent *e = malloc(next * sizeof *e);
	if (!e) {
		p->nomem = true;
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		for (size_t k = 0; k < d->users[i].ndevices; k++) {
			const struct dir_device *dev = &d->users[i].devices[k];
			const struct dir_mdisk *md = &dev->u.mdisk;
			if (dev->kind == DIR_DEV_MDISK && !md->tdisk && !md->to_end &&
			    owner_writes(md->mode))
				e[n++] = (struct extent){md->volser, md->start,
							 md->start + md->count - 1, &d->users[i], dev};
		}
	qsort(e, n, sizeof *e, cmp_extent);
	unsigned warned = 0;
	for (size_t i = 0; i < n && warned <= OVERLAP_MAX; i++)
		for (size_t k = i + 1; k < n && strcmp(e[k].volser, e[i].volser) == 0 &&
				       e[k].first <= e[i].last; k++) {
			if (++warned > OVERLAP_MAX) {
				diag_at(p, 0, DIR_WARNING, "more overlapping minidisks than the %d "
					"reported", OVERLAP_MAX);
				break;
			}
			diag_at(p, e[k].dev->line, DIR_WARNING, "MDISK %s %03X overlaps %s %03X "
				"(line %u) on volume %s: both can be written, and neither CP nor "
				"the directory program stops that", e[k].u->userid, e[k].dev->vaddr,
				e[i].u->userid, e[i].dev->vaddr, e[i].dev->line, e[i].volser);
		}
	free(e);
}

/* Stable sort of the diagnostics added since `from` by line (0, the whole file, last). */
static void sort_diags(struct dir_diags *dg, size_t from)
{
	for (size_t i = from + 1; i < dg->n; i++) {
		struct dir_diag x = dg->v[i];
		unsigned kx = x.line ? x.line : UINT32_MAX;
		size_t k = i;
		while (k > from && (dg->v[k - 1].line ? dg->v[k - 1].line : UINT32_MAX) > kx) {
			dg->v[k] = dg->v[k - 1];
			k--;
		}
		dg->v[k] = x;
	}
}

/* ---- Reading, the public side ---- */

static void free_password(struct dir_password *pw)
{
	free((char *)pw->text);
	pw->text = NULL;
}

void dir_free(struct directory *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		struct dir_user *u = &d->users[i];
		free_password(&u->password);
		for (size_t k = 0; k < u->ndevices; k++)
			if (u->devices[k].kind == DIR_DEV_MDISK) {
				free_password(&u->devices[k].u.mdisk.read);
				free_password(&u->devices[k].u.mdisk.write);
				free_password(&u->devices[k].u.mdisk.multi);
			}
		free(u->devices);
	}
	free(d->users);
	free(d->index);
	free(d);
}

/* Run the parser over p->text; on success p->d is the directory. */
static enum dir_status run(struct parser *p)
{
	size_t before = p->dg->n, errors = p->dg->errors;
	size_t pos = 0;
	unsigned no = 0;

	p->d = calloc(1, sizeof *p->d);
	p->vaddr_line = calloc(DIR_VADDR_MAX + 1, sizeof *p->vaddr_line);
	p->vaddr_used = calloc(DIR_VADDR_MAX + 1, sizeof *p->vaddr_used);
	if (!p->d || !p->vaddr_line || !p->vaddr_used)
		p->nomem = true;
	while (!p->nomem && next_line(p->text, p->len, &pos, &no, &p->ln))
		parse_line(p);
	if (!p->nomem)
		end_entry(p);
	if (!p->nomem && !build_index(p))
		p->nomem = true;
	if (!p->nomem)
		cross_check(p);
	sort_diags(p->dg, before);

	end_entry(p);
	free(p->upline);
	free(p->upz);
	free(p->rawz);
	free(p->t);
	free(p->vaddr_line);
	free(p->vaddr_used);
	if (p->nomem || p->dg->errors > errors) {
		dir_free(p->d);
		p->d = NULL;
		return p->nomem ? DIR_ERR_NOMEM : DIR_ERR_INVALID;
	}
	return DIR_OK;
}

enum dir_status dir_parse(const char *text, size_t len, const char *name, unsigned flags,
			  struct directory **out, struct dir_diags *dg)
{
	struct parser p;
	memset(&p, 0, sizeof p);
	p.text = text;
	p.len = len;
	p.name = name ? name : "USER DIRECT";
	p.flags = flags;
	p.dg = dg;
	*out = NULL;
	if (!text && len)
		return DIR_ERR_ARG;
	enum dir_status st = run(&p);
	*out = p.d;
	return st;
}

/* Read the whole file at an open fd (at most DIR_FILE_MAX bytes) into a new buffer. */
static enum dir_status read_all(int fd, char **buf, size_t *len)
{
	struct stat sb;
	if (fstat(fd, &sb) != 0)
		return DIR_ERR_IO;
	if (sb.st_size > (off_t)DIR_FILE_MAX)
		return DIR_ERR_TOO_BIG;
	size_t cap = (size_t)sb.st_size + 1, n = 0;
	char *b = malloc(cap);
	if (!b)
		return DIR_ERR_NOMEM;
	for (;;) {
		if (n == cap) {
			if (cap > DIR_FILE_MAX) {
				free(b);
				return DIR_ERR_TOO_BIG;
			}
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				return DIR_ERR_NOMEM;
			}
			b = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(b);
			errno = e;
			return DIR_ERR_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > DIR_FILE_MAX) {
		free(b);
		return DIR_ERR_TOO_BIG;
	}
	*buf = b;
	*len = n;
	return DIR_OK;
}

enum dir_status dir_load(const char *path, unsigned flags, struct directory **out,
			 struct dir_diags *dg)
{
	char *text;
	size_t len;
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return DIR_ERR_IO;
	enum dir_status st = read_all(fd, &text, &len);
	int e = errno;
	close(fd);
	if (st != DIR_OK) {
		errno = e;
		return st;
	}
	st = dir_parse(text, len, path, flags, out, dg);
	free(text);
	return st;
}

static int cmp_find(const void *key, const void *elem, void *arg)
{
	const struct dir_user *u = arg;
	return strcmp(key, u[*(const size_t *)elem].userid);
}

const struct dir_user *dir_find(const struct directory *d, const char *userid)
{
	char key[DIR_USERID_MAX + 1];
	size_t n = strlen(userid);
	if (!d || n == 0 || n > DIR_USERID_MAX)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		key[i] = upper(userid[i]);
	/* bsearch with a context: a binary search written out, the index holds positions. */
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_find(key, &d->index[mid], d->users);
		if (c == 0) {
			while (mid > 0 && cmp_find(key, &d->index[mid - 1], d->users) == 0)
				mid--;
			return &d->users[d->index[mid]];
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t dir_count(const struct directory *d)
{
	return d ? d->n : 0;
}

const struct dir_user *dir_user_at(const struct directory *d, size_t i)
{
	return d && i < d->n ? &d->users[i] : NULL;
}

const struct dir_device *dir_device_at(const struct dir_user *u, unsigned vaddr)
{
	for (size_t i = 0; u && i < u->ndevices; i++)
		if (u->devices[i].vaddr == vaddr)
			return &u->devices[i];
	return NULL;
}

const struct dir_system *dir_system(const struct directory *d)
{
	return &d->sys;
}

size_t dir_passwords_unchanged(const struct directory *live, const struct directory *clear,
			       const char **first)
{
	size_t n = 0;
	if (first)
		*first = NULL;
	for (size_t i = 0; clear && i < clear->n; i++) {
		const struct dir_user *c = &clear->users[i];
		const struct dir_user *u = dir_find(live, c->userid);
		if (c->password.kind != DIR_PW_CLEAR || !u || u->password.kind != DIR_PW_HASH)
			continue;
		if (cp_password_check(c->password.text, u->password.text)) {
			if (first && !*first)
				*first = u->userid;
			n++;
		}
	}
	return n;
}

/* ---- Rewriting password fields ---- */

/* Replace old[off, off + len) with text (owned) on the line ln. */
struct edit {
	size_t off, len;
	char *text;
	struct line ln;
};

static int cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* A growing output buffer. */
struct buf {
	char *s;
	size_t n, cap;
	bool nomem;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->nomem || n == 0)
		return;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->n + n)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->nomem = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
}

/* Do the tokens of line s[0..len) (statement columns only) equal want[0..n)? */
static bool line_reads_as(const char *s, size_t len, char **want, size_t n)
{
	struct tok *t = NULL;
	size_t nt = 0, cap = 0;
	bool same = split(s, statement_len(s, len), &t, &nt, &cap) && nt == n;
	for (size_t i = 0; same && i < n; i++)
		same = t[i].len == strlen(want[i]) && memcmp(s + t[i].off, want[i], t[i].len) == 0;
	free(t);
	return same;
}

/*
 * The new text of one line with edits e[0..n) (all on that line, in order). The new line keeps
 * every byte but the replaced fields; a card image's ignored columns 72-80 stay only while the
 * statement still fits in columns 1-71. If the result would not read as the intended tokens (the
 * column 72 rule could cut it), the line is written as its tokens separated by single blanks.
 */
static enum dir_status edit_line(struct buf *out, const char *text, const struct edit *e, size_t n)
{
	const struct line *ln = &e[0].ln;
	const char *s = text + ln->off;
	struct buf b = {0};
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		put(&b, s + at, e[i].off - ln->off - at);
		put(&b, e[i].text, strlen(e[i].text));
		at = e[i].off - ln->off + e[i].len;
	}
	if (ln->eff_len == ln->raw_len) {
		put(&b, s + at, ln->raw_len - at);
	} else {
		put(&b, s + at, ln->eff_len - at);
		while (b.n > 0 && !b.nomem && is_blank(b.s[b.n - 1]))
			b.n--;
		if (b.n <= CARD_COLS) {
			while (b.n < CARD_COLS)
				put(&b, " ", 1);
			put(&b, s + CARD_COLS, ln->raw_len - CARD_COLS);
		}
	}

	/* What the line must read as: its old tokens with the fields replaced. */
	struct tok *t = NULL;
	size_t nt = 0, cap = 0;
	char **want = NULL;
	enum dir_status st = DIR_OK;
	if (b.nomem || !split(s, ln->eff_len, &t, &nt, &cap) ||
	    !(want = calloc(nt ? nt : 1, sizeof *want))) {
		st = DIR_ERR_NOMEM;
		goto done;
	}
	for (size_t i = 0, k = 0; i < nt; i++) {
		if (k < n && ln->off + t[i].off == e[k].off) {
			want[i] = strdup(e[k++].text);
		} else {
			want[i] = strndup(s + t[i].off, t[i].len);
		}
		if (!want[i]) {
			st = DIR_ERR_NOMEM;
			goto done;
		}
	}
	if (!line_reads_as(b.s ? b.s : "", b.n, want, nt)) {
		/* The indentation, then the tokens with single blanks. */
		b.n = 0;
		put(&b, s, nt ? t[0].off : 0);
		for (size_t i = 0; i < nt; i++) {
			if (i)
				put(&b, " ", 1);
			put(&b, want[i], strlen(want[i]));
		}
		if (b.nomem) {
			st = DIR_ERR_NOMEM;
			goto done;
		}
		if (!line_reads_as(b.s, b.n, want, nt)) {
			st = DIR_ERR_INVALID;
			goto done;
		}
	}
	put(out, b.s, b.n);
	put(out, s + ln->raw_len, ln->next - ln->off - ln->raw_len);	/* the line end */
	if (out->nomem)
		st = DIR_ERR_NOMEM;
done:
	for (size_t i = 0; want && i < nt; i++)
		free(want[i]);
	free(want);
	free(t);
	free(b.s);
	return st;
}

/* The whole new text: old with edits (sorted here) applied, line by line. */
static enum dir_status apply_edits(const char *old, size_t len, struct edit *e, size_t n,
				   struct buf *out)
{
	qsort(e, n, sizeof *e, cmp_edit);
	size_t at = 0;
	for (size_t i = 0; i < n;) {
		size_t k = i + 1;
		while (k < n && e[k].ln.off == e[i].ln.off)
			k++;
		put(out, old + at, e[i].ln.off - at);
		enum dir_status st = edit_line(out, old, &e[i], k - i);
		if (st != DIR_OK)
			return st;
		at = e[i].ln.next;
		i = k;
	}
	put(out, old + at, len - at);
	return out->nomem ? DIR_ERR_NOMEM : DIR_OK;
}

/* write() all of it. */
static bool write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/*
 * Replace the file at path (in the folder open as dirfd) with s[0..n), crash-safely: a temporary
 * file in the same folder, written and flushed, renamed over the old name, then the folder
 * flushed. The file keeps its permission bits. On failure the old file is untouched and the
 * temporary file is gone.
 */
static enum dir_status replace_file(const char *path, const char *folder, int dirfd,
				    const char *s, size_t n, mode_t mode)
{
	char *base_copy = strdup(path), *tmp = NULL;
	if (!base_copy)
		return DIR_ERR_NOMEM;
	if (asprintf(&tmp, "%s/.%s.XXXXXX", folder, basename(base_copy)) < 0) {
		free(base_copy);
		return DIR_ERR_NOMEM;
	}
	free(base_copy);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		free(tmp);
		return DIR_ERR_IO;
	}
	bool ok = fchmod(fd, mode & 07777) == 0 && write_all(fd, s, n) && fsync(fd) == 0;
	int e = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		unlink(tmp);
		free(tmp);
		errno = e;
		return DIR_ERR_IO;
	}
	free(tmp);
	/* The rename is durable once the folder is. */
	if (fsync(dirfd) != 0)
		return DIR_ERR_IO;
	return DIR_OK;
}

/* What a rewrite does to the file's text under the lock: fill edits, or fail. */
typedef enum dir_status (*edit_fn)(const char *text, size_t len, const char *path, void *arg,
				   struct edit **e, size_t *n);

/* Lock the file's folder, read the file, let fn compute edits, write the result crash-safely. */
static enum dir_status rewrite(const char *path, edit_fn fn, void *arg, size_t *nedits)
{
	char *folder_copy = strdup(path);
	if (!folder_copy)
		return DIR_ERR_NOMEM;
	const char *folder = dirname(folder_copy);
	enum dir_status st = DIR_OK;
	char *text = NULL;
	size_t len = 0, n = 0;
	struct edit *e = NULL;
	struct buf out = {0};
	struct stat sb;
	int fd = -1, dirfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 || flock(dirfd, LOCK_EX) != 0) {
		st = DIR_ERR_IO;
		goto done;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		st = DIR_ERR_IO;
		goto done;
	}
	if (!S_ISREG(sb.st_mode)) {
		errno = EINVAL;
		st = DIR_ERR_IO;
		goto done;
	}
	if ((st = read_all(fd, &text, &len)) != DIR_OK)
		goto done;
	if ((st = fn(text, len, path, arg, &e, &n)) != DIR_OK || n == 0)
		goto done;
	if ((st = apply_edits(text, len, e, n, &out)) != DIR_OK)
		goto done;
	st = replace_file(path, folder, dirfd, out.s ? out.s : "", out.n, sb.st_mode);
done:;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);	/* drops the lock */
	for (size_t i = 0; i < n; i++) {
		explicit_bzero(e[i].text, strlen(e[i].text));
		free(e[i].text);
	}
	free(e);
	if (text)
		explicit_bzero(text, len);
	free(text);
	free(out.s);
	free(folder_copy);
	if (nedits)
		*nedits = st == DIR_OK ? n : 0;
	errno = saved;
	return st;
}

struct set_arg {
	char userid[DIR_USERID_MAX + 1];
	const char *value;
};

/* dir_set_password's edit: the password token of the one USER statement for the userid. */
static enum dir_status set_edits(const char *text, size_t len, const char *path, void *argp,
				 struct edit **e, size_t *n)
{
	struct set_arg *arg = argp;
	struct line ln, found = {0};
	struct tok *t = NULL;
	size_t nt = 0, cap = 0, pos = 0, tok_off = 0, tok_len = 0, matches = 0;
	unsigned no = 0;
	bool has_pw = false;
	(void)path;
	while (next_line(text, len, &pos, &no, &ln)) {
		if (!split(ln.s, ln.eff_len, &t, &nt, &cap)) {
			free(t);
			return DIR_ERR_NOMEM;
		}
		if (nt < 2 || t[0].len > 9 || t[1].len != strlen(arg->userid))
			continue;
		char word[10];
		for (size_t i = 0; i < t[0].len; i++)
			word[i] = upper(ln.s[t[0].off + i]);
		word[t[0].len] = '\0';
		const struct stmt_def *def = find_stmt(word);
		if (!def || def->fn != st_user)
			continue;
		bool same = true;
		for (size_t i = 0; i < t[1].len; i++)
			same = same && upper(ln.s[t[1].off + i]) == arg->userid[i];
		if (!same)
			continue;
		if (matches++ == 0) {
			found = ln;
			has_pw = nt >= 3;
			if (has_pw) {
				tok_off = ln.off + t[2].off;
				tok_len = t[2].len;
			}
		}
	}
	free(t);
	if (matches == 0)
		return DIR_ERR_NO_USER;
	if (matches > 1)
		return DIR_ERR_AMBIGUOUS;
	if (!has_pw)
		return DIR_ERR_INVALID;
	*e = calloc(1, sizeof **e);
	char *v = strdup(arg->value);
	if (!*e || !v) {
		free(v);
		return DIR_ERR_NOMEM;
	}
	**e = (struct edit){.off = tok_off, .len = tok_len, .text = v, .ln = found};
	*n = 1;
	return DIR_OK;
}

enum dir_status dir_set_password(const char *path, const char *userid, const char *value)
{
	struct set_arg arg;
	size_t n = userid ? strlen(userid) : 0;
	if (!path || n == 0 || n > DIR_USERID_MAX || !value)
		return DIR_ERR_ARG;
	for (size_t i = 0; i <= n; i++)
		arg.userid[i] = upper(userid[i]);
	if (!valid_name(arg.userid, DIR_USERID_MAX))
		return DIR_ERR_ARG;
	char nolog[6];
	if (strlen(value) == 5) {
		for (size_t i = 0; i < 6; i++)
			nolog[i] = upper(value[i]);
		if (strcmp(nolog, "NOLOG") == 0)
			value = "NOLOG";
	}
	if (strcmp(value, "NOLOG") != 0 && !cp_password_is_hash(value))
		return DIR_ERR_ARG;
	arg.value = value;
	return rewrite(path, set_edits, &arg, NULL);
}

/* dir_hash_passwords' edits: a fresh hash for every clear password the parser recorded. */
static enum dir_status hash_edits(const char *text, size_t len, const char *path, void *argp,
				  struct edit **e, size_t *n)
{
	struct dir_diags *dg = argp;
	struct parser p;
	memset(&p, 0, sizeof p);
	p.text = text;
	p.len = len;
	p.name = path;
	p.flags = DIR_ALLOW_CLEAR;
	p.dg = dg;
	p.record = true;
	enum dir_status st = run(&p);
	dir_free(p.d);
	size_t nclear = 0;
	for (size_t i = 0; st == DIR_OK && i < p.nspans; i++)
		nclear += p.spans[i].kind == DIR_PW_CLEAR;
	if (st == DIR_OK && nclear) {
		*e = calloc(nclear, sizeof **e);
		if (!*e)
			st = DIR_ERR_NOMEM;
	}
	for (size_t i = 0; st == DIR_OK && i < p.nspans; i++) {
		const struct span *sp = &p.spans[i];
		char clear[CP_PASSWORD_MAX + 1], hash[CP_HASH_MAX];
		if (sp->kind != DIR_PW_CLEAR)
			continue;
		/* The parser took the token as a valid password: at most CP_PASSWORD_MAX bytes. */
		memcpy(clear, text + sp->off, sp->len);
		clear[sp->len] = '\0';
		int rc = cp_password_hash(clear, hash, sizeof hash);
		explicit_bzero(clear, sizeof clear);
		char *h = rc == 0 ? strdup(hash) : NULL;
		if (!h) {
			st = rc == 0 ? DIR_ERR_NOMEM : DIR_ERR_IO;
			break;
		}
		(*e)[(*n)++] = (struct edit){.off = sp->off, .len = sp->len, .text = h, .ln = sp->ln};
	}
	free(p.spans);
	return st;
}

enum dir_status dir_hash_passwords(const char *path, unsigned *hashed, struct dir_diags *dg)
{
	size_t n = 0;
	if (hashed)
		*hashed = 0;
	if (!path || !dg)
		return DIR_ERR_ARG;
	enum dir_status st = rewrite(path, hash_edits, dg, &n);
	if (hashed)
		*hashed = (unsigned)n;
	return st;
}
