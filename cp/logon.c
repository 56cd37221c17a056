/*
 * logon.c - the logon dialogue (see logon.h).
 *
 * Each terminal has a struct logon_sess, on the struct logon's list from logon_attach() until the
 * terminal disconnects or CP closes it. A session is idle (reading LOGON), waiting for the
 * password of a userid, or logged on (reading CP commands).
 *
 * Every line of input goes to the command language (cp/command.h) with the session's user and
 * classes (none before logon); LOGON and LOGOFF come back here through struct cp_cmd_session_ops.
 * Every line of output comes from the message catalog (cp/messages.def).
 */
#include "cp/logon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cp/command.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "cp/passwd.h"
#include "cp/vm.h"

enum logon_state {
	LS_IDLE,	/* VM/370 ONLINE: reading LOGON */
	LS_PASSWORD,	/* ENTER PASSWORD: for userid */
	LS_CHECKING,	/* the password is being checked off the server thread: lines are ignored */
};

struct logon_sess {
	struct logon *l;
	struct term *t;
	enum logon_state state;
	unsigned line;				/* our stand-in for the terminal's real address */
	char userid[DIR_USERID_MAX + 1];	/* LS_PASSWORD */
	bool noipl;				/* LS_PASSWORD: LOGON ... NOIPL */
	time_t deadline;			/* logged on by then, or the terminal is closed */
	unsigned long id;			/* for a password check's answer to find it */
	struct logon_sess *prev, *next;
};

struct logon {
	struct cpsys *sys;
	unsigned timeout_s;
	struct logon_sess *head;
	unsigned next_line;
	unsigned long next_id;
};

static time_t monotonic_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Read the next line: the logo's read while idle (a display shows "VM/370 Online"), else CP's. */
static void read_cp(struct logon_sess *s)
{
	term_read(s->t, s->state == LS_IDLE ? TERM_READ_LOGON : TERM_READ_CP, "", 0);
}

/* Is word (upper case) an abbreviation of name whose first min characters are required? */
static bool abbrev(const char *word, const char *name, size_t min)
{
	size_t n = strlen(word);
	return n >= min && n <= strlen(name) && strncmp(word, name, n) == 0;
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

/*
 * The password for s->userid was right (ok) or not: log on (or reconnect), or say why not and
 * return to idle. True when the terminal went to the user's virtual machine: s is freed then.
 */
static bool password_checked(struct logon_sess *s, bool ok)
{
	const struct dir_user *u = dir_find(cpsys_directory(s->l->sys), s->userid);
	s->state = LS_IDLE;
	if (!u || u->password.kind != DIR_PW_HASH || !ok) {
		cp_msg_write(s->t, CP_MSG_DMKLOG050E);
		return false;
	}
	unsigned other = 0;
	char why[128];
	switch (vm_logon(s->l->sys, u, s->t, s->line, s->noipl, &other, why, sizeof why)) {
	case VM_LOGON_OK:
	case VM_LOGON_RECONNECTED:
		sess_free(s);
		return true;
	case VM_LOGON_ALREADY:
		cp_msg_write(s->t, CP_MSG_DMKLOG054E, other);
		return false;
	case VM_LOGON_DISABLED:
		cp_msg_write(s->t, CP_MSG_DMKLOG997E);
		return false;
	case VM_LOGON_NOMEM:
		cpsys_log(s->l->sys, "LOGON %s FAILED: %s", u->userid, why);
		cp_msg_write(s->t, CP_MSG_DMKLOG999E, why);
		return false;
	}
	return false;
}

/* A password check, off the server thread (cpsys_async). */
struct pw_check {
	struct logon *l;
	unsigned long id;		/* the session's */
	bool ok;
	char password[CP_PASSWORD_MAX + 1];
	char hash[CP_HASH_MAX];
};

static void pw_work(void *arg)
{
	struct pw_check *pc = arg;
	pc->ok = cp_password_valid(pc->password) && cp_password_check(pc->password, pc->hash);
	explicit_bzero(pc->password, sizeof pc->password);
}

static void pw_done(void *arg, bool cancelled)
{
	struct pw_check *pc = arg;
	if (!cancelled) {
		struct logon_sess *s = pc->l->head;
		while (s && s->id != pc->id)
			s = s->next;	/* gone (disconnected, timed out): nothing to do */
		if (s && s->state == LS_CHECKING && !password_checked(s, pc->ok))
			read_cp(s);
	}
	explicit_bzero(pc, sizeof *pc);
	free(pc);
}

/*
 * The password for s->userid was typed: check it without holding up the server (the answer comes
 * back in pw_done()). True when the terminal went to the user's virtual machine already (the
 * check could not be sent off and was done here): s is freed then.
 */
static bool check_password(struct logon_sess *s, const char *password)
{
	const struct dir_user *u = dir_find(cpsys_directory(s->l->sys), s->userid);
	if (!u || u->password.kind != DIR_PW_HASH || strlen(u->password.text) >= CP_HASH_MAX ||
	    strlen(password) > CP_PASSWORD_MAX)
		return password_checked(s, false);
	struct pw_check *pc = calloc(1, sizeof *pc);
	if (pc) {
		pc->l = s->l;
		pc->id = s->id;
		snprintf(pc->password, sizeof pc->password, "%s", password);
		snprintf(pc->hash, sizeof pc->hash, "%s", u->password.text);
		if (cpsys_async(s->l->sys, pw_work, pw_done, pc)) {
			s->state = LS_CHECKING;
			return false;
		}
		explicit_bzero(pc, sizeof *pc);
		free(pc);
	}
	return password_checked(s, cp_password_valid(password) &&
					   cp_password_check(password, u->password.text));
}

/*
 * LOGON userid [password] [MASK] [NOIPL]: the password as typed, the rest in upper case. A word
 * after the userid that is MASK or NOIPL is an option, not a password (VM/370 asks for the
 * password then).
 */
static bool sess_logon(void *sess, const struct cp_cmd_line *cl)
{
	struct logon_sess *s = sess;
	if (cl->n < 2 || strlen(cl->tok[1]) > DIR_USERID_MAX) {
		cp_msg_write(s->t, CP_MSG_DMKLOG020E);
		return false;
	}
	size_t first_opt = 2;
	if (cl->n >= 3 && !abbrev(cl->tok[2], "MASK", 1) && !abbrev(cl->tok[2], "NOIPL", 1))
		first_opt = 3;
	bool noipl = false;
	for (size_t i = first_opt; i < cl->n; i++) {
		if (abbrev(cl->tok[i], "NOIPL", 1))
			noipl = true;
		else if (!abbrev(cl->tok[i], "MASK", 1)) {
			cp_msg_write(s->t, CP_MSG_DMKLOG003E, cl->tok[i]);
			return false;
		}
	}
	const struct dir_user *u = dir_find(cpsys_directory(s->l->sys), cl->tok[1]);
	if (!u || u->password.kind == DIR_PW_NOLOG) {
		cp_msg_write(s->t, CP_MSG_DMKLOG053E, cl->tok[1]);
		return false;
	}
	memcpy(s->userid, u->userid, sizeof s->userid);
	s->noipl = noipl;
	s->state = LS_PASSWORD;
	if (first_opt == 3)
		return check_password(s, cl->raw[2]);
	cp_msg_write(s->t, CP_RSP_ENTER_PASSWORD);
	term_set_password(s->t, true);
	return false;
}

/* LOGOFF (after its accounting lines), or LOGOFF before logon: the terminal is closed, s freed. */
static void sess_end(void *sess)
{
	struct logon_sess *s = sess;
	struct term *t = s->t;
	sess_free(s);
	term_close(t);
}

static const struct cp_cmd_session_ops session_ops = {
	.logon = sess_logon,
	.end = sess_end,
};

enum cp_cmd_rc logon_dial(struct cp_cmd_ctx *ctx, const char *userid, int vaddr)
{
	if (ctx->ops != &session_ops || !ctx->sess || ctx->vm)
		return CP_CMD_UNKNOWN;
	struct logon_sess *s = ctx->sess;
	unsigned got = 0;
	switch (cpsys_dial(s->l->sys, s->t, s->line, userid, vaddr, &got)) {
	case CPSYS_DIAL_OK:
		sess_free(s);	/* the terminal is the virtual machine's now */
		return CP_CMD_CLOSED;
	case CPSYS_DIAL_NOT_LOGGED_ON:
		cp_msg_write(s->t, CP_MSG_DMKDIA045E, userid);
		break;
	case CPSYS_DIAL_NO_GRAF:
		cp_msg_write(s->t, CP_MSG_DMKDIA094E, userid);
		break;
	case CPSYS_DIAL_NOT_AVAILABLE:
		cp_msg_write(s->t, CP_MSG_DMKDIA093E, (unsigned)vaddr);
		break;
	case CPSYS_DIAL_NOT_DISPLAY:
		cp_msg_write(s->t, CP_MSG_DMKDIA997E);
		break;
	case CPSYS_DIAL_NOMEM:
		cp_msg_write(s->t, CP_MSG_DMKDIA999E, "out of memory");
		break;
	}
	return CP_CMD_FAILED;
}

static void on_line(struct logon_sess *s, const char *line)
{
	if (s->state == LS_CHECKING)
		return;	/* typed ahead of the password check's answer: VM/370 would not read it either */
	if (s->state == LS_PASSWORD) {
		/* The password is the first token; no blanks are allowed in one. */
		struct cp_cmd_line cl;
		term_set_password(s->t, false);
		cp_cmd_tokenize(&cl, line);
		bool gone = check_password(s, cl.n ? cl.raw[0] : "");
		explicit_bzero(&cl, sizeof cl);
		if (!gone && s->state != LS_CHECKING)
			read_cp(s);
		return;
	}
	struct cp_cmd_ctx ctx = {
		.t = s->t,
		.sys = s->l->sys,
		.ops = &session_ops,
		.sess = s,
	};
	if (cp_cmd_execute(&ctx, line) != CP_CMD_CLOSED)
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
	case TERM_EV_RECORD:
		break;	/* no program owns the screen before logon */
	case TERM_EV_DISCONNECTED:
		sess_free(s);
		break;
	}
}

struct logon *logon_new(struct cpsys *sys)
{
	struct logon *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->sys = sys;
	l->timeout_s = LOGON_TIMEOUT_DEFAULT;
	l->next_line = 0x020;
	cpsys_set_logon(sys, l);
	return l;
}

void logon_free(struct logon *l)
{
	if (!l)
		return;
	cpsys_set_logon(l->sys, NULL);
	while (l->head)
		sess_free(l->head);
	free(l);
}

/*
 * The logo a display shows before logon, above VM/370 ONLINE (a typewriter gets the line alone,
 * as VM/370's did). Cambridge's own drawing.
 */
static const char *const logo[] = {
	"",
	"    VV      VV  MMM      MMM        //   333333    77777777    00000",
	"     VV    VV   MMMM    MMMM       //         33         77   00   00",
	"      VV  VV    MM MM  MM MM      //      33333         77    00   00",
	"       VVVV     MM  MMMM  MM     //          33       77     00   00",
	"        VV      MM   MM   MM    //      333333       77       00000",
	"",
	"                  C A M B R I D G E",
	"",
};

bool logon_attach(struct logon *l, struct term *t)
{
	struct logon_sess *s = calloc(1, sizeof *s);
	if (!s)
		return false;
	s->l = l;
	s->t = t;
	s->state = LS_IDLE;
	s->line = l->next_line;
	s->id = ++l->next_id;
	s->deadline = monotonic_s() + (time_t)l->timeout_s;
	l->next_line = l->next_line >= 0xFFF ? 0x020 : l->next_line + 1;
	s->next = l->head;
	if (l->head)
		l->head->prev = s;
	l->head = s;
	term_set_handler(t, on_event, s);
	struct term_screen scr;
	term_screen(t, &scr);
	for (size_t i = 0; scr.rows && i < sizeof logo / sizeof logo[0]; i++)
		term_write_line(t, logo[i], strlen(logo[i]));
	cp_msg_write(t, CP_RSP_ONLINE);
	read_cp(s);
	return true;
}

void logon_set_timeout(struct logon *l, unsigned seconds)
{
	l->timeout_s = seconds;
}

int logon_expire(struct logon *l)
{
	if (!l->timeout_s)
		return -1;
	time_t now = monotonic_s();
	time_t next = 0;
	struct logon_sess *s = l->head, *n;
	for (; s; s = n) {
		n = s->next;
		if (now >= s->deadline) {
			struct term *t = s->t;
			if (s->state == LS_PASSWORD)
				term_set_password(t, false);
			cp_msg_write(t, CP_MSG_DMKLOG998E);
			sess_free(s);
			term_close(t);
			continue;
		}
		if (!next || s->deadline < next)
			next = s->deadline;
	}
	if (!next)
		return -1;
	return (int)(next - now) * 1000 + 1000;
}

size_t logon_users(const struct logon *l)
{
	return cpsys_users(l->sys);
}
