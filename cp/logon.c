/*
 * logon.c - the logon dialogue (see logon.h).
 *
 * Each terminal has a struct logon_sess, on the struct logon's list from logon_attach() until the
 * terminal disconnects or CP closes it. A session is idle (reading LOGON), waiting for the
 * password of a userid, or logged on (reading CP commands).
 *
 * The messages below are VM/370's as far as vm370-cp.md knows them; the LOGON failures are from
 * memory of R6 and are marked "to confirm against GC20-1808" there. They belong in CP's message
 * catalog once it exists.
 */
#include "cp/logon.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cp/directory.h"
#include "cp/passwd.h"

/* ---- Messages (SET EMSG TEXT: the text is shown, the id is not) ---- */

enum logon_msg {
	MSG_UNKNOWN_CMD,
	MSG_USERID_INVALID,
	MSG_INVALID_OPTION,
	MSG_PASSWORD_INCORRECT,
	MSG_NOT_IN_DIRECTORY,
	MSG_ALREADY_LOGGED_ON,
};

static const struct {
	const char *id;
	const char *fmt;
} msgs[] = {
	[MSG_UNKNOWN_CMD] = {"DMKCFC001E", "?CP: %s"},
	[MSG_USERID_INVALID] = {"DMKLOG020E", "USERID MISSING OR INVALID"},
	[MSG_INVALID_OPTION] = {"DMKLOG003E", "INVALID OPTION - %s"},
	[MSG_PASSWORD_INCORRECT] = {"DMKLOG050E", "PASSWORD INCORRECT - REINITIATE LOGON PROCEDURE"},
	[MSG_NOT_IN_DIRECTORY] = {"DMKLOG053E", "%s NOT IN CP DIRECTORY"},
	[MSG_ALREADY_LOGGED_ON] = {"DMKLOG054E", "ALREADY LOGGED ON LINE %03X"},
};

enum logon_state {
	LS_IDLE,	/* VM/370 ONLINE: reading LOGON */
	LS_PASSWORD,	/* ENTER PASSWORD: for userid */
	LS_CP,		/* logged on as userid, CP READ */
};

struct logon_sess {
	struct logon *l;
	struct term *t;
	enum logon_state state;
	unsigned line;				/* our stand-in for the terminal's real address */
	char userid[DIR_USERID_MAX + 1];	/* LS_PASSWORD, LS_CP */
	time_t logon_time;			/* LS_CP */
	struct logon_sess *prev, *next;
};

struct logon {
	const struct directory *dir;
	struct logon_sess *head;
	unsigned next_line;
};

static void say(struct logon_sess *s, const char *text)
{
	term_write_line(s->t, text, strlen(text));
}

__attribute__((format(printf, 2, 3))) static void sayf(struct logon_sess *s, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	term_write_line(s->t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void msg(struct logon_sess *s, enum logon_msg m, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, m);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	int n = vsnprintf(buf, sizeof buf, msgs[m].fmt, ap);
#pragma GCC diagnostic pop
	va_end(ap);
	if (n < 0)
		return;
	term_write_line(s->t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* "hh:mm:ss zone weekday mm/dd/yy", weekday in capitals (vm370-cp.md 7). */
static void format_time(time_t when, char *buf, size_t len)
{
	struct tm tm;
	localtime_r(&when, &tm);
	/* Two-digit years are VM/370's format, not an oversight. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-y2k"
#endif
	if (strftime(buf, len, "%H:%M:%S %Z %A %m/%d/%y", &tm) == 0)
		buf[0] = '\0';
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

static void read_cp(struct logon_sess *s)
{
	term_read(s->t, TERM_READ_CP, "", 0);
}

/* Split line into up to max blank-separated tokens (in place); returns how many. */
static size_t tokenize(char *line, char **tok, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *p = strtok_r(line, " ", &save); p && n < max; p = strtok_r(NULL, " ", &save))
		tok[n++] = p;
	return n;
}

static void upcase(char *p)
{
	for (; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

/* Is word (upper case) an abbreviation of name whose first min characters are required? */
static bool abbrev(const char *word, const char *name, size_t min)
{
	size_t n = strlen(word);
	return n >= min && n <= strlen(name) && strncmp(word, name, n) == 0;
}

static struct logon_sess *find_logged_on(struct logon *l, const char *userid)
{
	for (struct logon_sess *s = l->head; s; s = s->next)
		if (s->state == LS_CP && strcmp(s->userid, userid) == 0)
			return s;
	return NULL;
}

static void sess_free(struct logon_sess *s)
{
	struct logon *l = s->l;
	if (s->prev)
		s->prev->next = s->next;
	else
		l->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	free(s);
}

/* The password for s->userid was typed: log on, or say why not and return to idle. */
static void check_password(struct logon_sess *s, const char *password)
{
	const struct dir_user *u = dir_find(s->l->dir, s->userid);
	s->state = LS_IDLE;
	if (!u || u->password.kind != DIR_PW_HASH || !cp_password_valid(password) ||
	    !cp_password_check(password, u->password.text)) {
		msg(s, MSG_PASSWORD_INCORRECT);
		read_cp(s);
		return;
	}
	struct logon_sess *other = find_logged_on(s->l, s->userid);
	if (other) {
		msg(s, MSG_ALREADY_LOGGED_ON, other->line);
		read_cp(s);
		return;
	}
	char when[64];
	s->state = LS_CP;
	s->logon_time = time(NULL);
	format_time(s->logon_time, when, sizeof when);
	sayf(s, "LOGON AT %s", when);
	read_cp(s);
}

/* LOGON userid [password] [MASK] [NOIPL], in upper case but the password. */
static void cmd_logon(struct logon_sess *s, char **tok, size_t n)
{
	if (n < 2 || strlen(tok[1]) > DIR_USERID_MAX) {
		msg(s, MSG_USERID_INVALID);
		read_cp(s);
		return;
	}
	upcase(tok[1]);
	for (size_t i = 3; i < n; i++) {
		upcase(tok[i]);
		if (!abbrev(tok[i], "MASK", 1) && !abbrev(tok[i], "NOIPL", 1)) {
			msg(s, MSG_INVALID_OPTION, tok[i]);
			read_cp(s);
			return;
		}
	}
	const struct dir_user *u = dir_find(s->l->dir, tok[1]);
	if (!u || u->password.kind == DIR_PW_NOLOG) {
		msg(s, MSG_NOT_IN_DIRECTORY, tok[1]);
		read_cp(s);
		return;
	}
	memcpy(s->userid, u->userid, sizeof s->userid);
	s->state = LS_PASSWORD;
	if (n >= 3) {
		check_password(s, tok[2]);
		return;
	}
	say(s, "ENTER PASSWORD:");
	term_set_password(s->t, true);
	read_cp(s);
}

/* LOGOFF: the accounting lines, then the terminal is closed and s freed. */
static void cmd_logoff(struct logon_sess *s)
{
	time_t now = time(NULL);
	long secs = (long)difftime(now, s->logon_time);
	char when[64];
	if (secs < 0)
		secs = 0;
	format_time(now, when, sizeof when);
	sayf(s, "CONNECT= %02ld:%02ld:%02ld VIRTCPU= 000:00.00 TOTCPU= 000:00.00", secs / 3600,
	     secs / 60 % 60, secs % 60);
	sayf(s, "LOGOFF AT %s", when);
	struct term *t = s->t;
	sess_free(s);
	term_close(t);
}

static void on_line(struct logon_sess *s, char *line)
{
	char *tok[8];

	if (s->state == LS_PASSWORD) {
		term_set_password(s->t, false);
		/* The password is the first token; no blanks are allowed in one. */
		size_t n = tokenize(line, tok, 1);
		check_password(s, n ? tok[0] : "");
		return;
	}
	size_t n = tokenize(line, tok, sizeof tok / sizeof tok[0]);
	if (n == 0) {
		read_cp(s);
		return;
	}
	upcase(tok[0]);
	bool logoff = abbrev(tok[0], "LOGOFF", 3) || abbrev(tok[0], "LOGOUT", 4);
	if (s->state == LS_IDLE) {
		if (logoff) {
			struct term *t = s->t;
			sess_free(s);
			term_close(t);
			return;
		}
		if (abbrev(tok[0], "LOGON", 1) || abbrev(tok[0], "LOGIN", 4)) {
			cmd_logon(s, tok, n);
			return;
		}
	} else if (logoff) {
		cmd_logoff(s);
		return;
	}
	msg(s, MSG_UNKNOWN_CMD, tok[0]);
	read_cp(s);
}

static void on_event(void *owner, struct term *t, const struct term_event *ev)
{
	struct logon_sess *s = owner;
	(void)t;
	switch (ev->type) {
	case TERM_EV_LINE: {
		char line[256];
		size_t len = ev->len < sizeof line - 1 ? ev->len : sizeof line - 1;
		memcpy(line, ev->text, len);
		line[len] = '\0';
		on_line(s, line);
		explicit_bzero(line, sizeof line);
		break;
	}
	case TERM_EV_ATTENTION:
		if (s->state == LS_PASSWORD) {
			term_set_password(s->t, false);
			s->state = LS_IDLE;
		}
		read_cp(s);
		break;
	case TERM_EV_DISCONNECTED:
		sess_free(s);
		break;
	}
}

struct logon *logon_new(const struct directory *d)
{
	struct logon *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->dir = d;
	l->next_line = 0x020;
	return l;
}

void logon_free(struct logon *l)
{
	if (!l)
		return;
	while (l->head)
		sess_free(l->head);
	free(l);
}

bool logon_attach(struct logon *l, struct term *t)
{
	struct logon_sess *s = calloc(1, sizeof *s);
	if (!s)
		return false;
	s->l = l;
	s->t = t;
	s->state = LS_IDLE;
	s->line = l->next_line;
	l->next_line = l->next_line >= 0xFFF ? 0x020 : l->next_line + 1;
	s->next = l->head;
	if (l->head)
		l->head->prev = s;
	l->head = s;
	term_set_handler(t, on_event, s);
	say(s, "VM/370 ONLINE");
	read_cp(s);
	return true;
}

size_t logon_users(const struct logon *l)
{
	size_t n = 0;
	for (const struct logon_sess *s = l->head; s; s = s->next)
		n += s->state == LS_CP;
	return n;
}
