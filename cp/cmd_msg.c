/*
 * cmd_msg.c - CP's communication and operator commands (see cmd_msg.h; vm370-cp.md 3-7):
 *
 *   MESSAGE/MSG, WARNING   a line to a user (cpsys_send), to yourself (*), to the operator's console
 *                          (OPERATOR: cpsys_log) or, for classes A and B, to everyone (ALL)
 *   FORCE, SHUTDOWN        log a user off (cpsys_force); log everyone off and stop the daemon
 *   SET, TERMINAL          the session's options: MSG, WNG, IMSG and EMSG act (the VMBLOK and its
 *                          terminal hold them); the rest is kept for QUERY and for the line editor
 *   SLEEP                  stop the virtual machine until the next line or attention
 *   INDICATE               the system's load, your own use
 *   ENABLE, DISABLE ALL    whether new users may log on (cmd_msg_logons_enabled())
 *   VARY                   real devices: there are none
 *   QUERY SET|TERMINAL|LOGMSG|PFnn  through cmd_query_msg()
 *
 * Every operand is checked before anything changes: a command with a wrong operand answers with
 * its message and does nothing. Operands beyond the user's classes (MSG ALL without A or B, SET
 * LOGMSG without A) are treated as if they did not exist, as VM/370 does.
 *
 * Locks: set_mx guards the settings table and the operator's settings, logmsg_mx the log message,
 * ind_mx INDICATE's sample. None is held across a call into the system (cpsys_*), so the lock
 * order against the system's is never in question.
 */
#include "cp/cmd_msg.h"
#include "cp/cmd.h"

#include <ctype.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cp/directory.h"
#include "cp/message.h"
#include "cp/vm.h"
#include "machine/machine.h"

/* ---- Settings ---- */

enum timer_set { TIMER_ON, TIMER_OFF, TIMER_REAL };
enum assist_set { ASSIST_OFF, ASSIST_ON_SVC, ASSIST_ON_NOSVC };

#define PF_KEYS		TERM_PF_MAX
#define PF_TEXT_MAX	VM_PF_TEXT_MAX

struct pf_key {
	enum term_pf how;		/* TERM_PF_UNSET: undefined */
	char text[PF_TEXT_MAX + 1];
};

/* What SET and TERMINAL keep. msg, wng, imsg, emsg and pf are used for the operator only: a
 * virtual machine keeps them in its VMBLOK (PF keys: vm_set_pf) and terminal. */
struct msg_settings {
	struct term_settings term;
	bool acnt, run, isam, ecmode, pagex, notrans;
	enum timer_set timer;
	enum assist_set assist;
	struct pf_key pf[PF_KEYS];
	bool msg, wng, imsg;
	enum term_emsg emsg;
};

/* One virtual machine's settings. vm is compared, never followed: the entry is its when the
 * userid and the logon time match too. */
struct vm_entry {
	struct vm_entry *next;
	const struct vmblok *vm;
	char userid[DIR_USERID_MAX + 1];
	time_t logon;
	struct msg_settings s;
};

#define ENTRIES_PRUNE	256	/* past this many entries, those of users logged off go */

static pthread_mutex_t set_mx = PTHREAD_MUTEX_INITIALIZER;
static struct vm_entry *entries;		/* under set_mx */
static size_t nentries;				/* under set_mx */
static struct msg_settings oper_settings;	/* under set_mx */
static bool oper_ready;				/* under set_mx */

static atomic_bool logons_disabled;

static char edit_char(const char *dir_value, char dflt)
{
	if (!dir_value || !dir_value[0])
		return dflt;
	if (strcmp(dir_value, "OFF") == 0)
		return '\0';
	if (strcmp(dir_value, "ON") == 0)
		return dflt;
	return dir_value[1] == '\0' ? dir_value[0] : dflt;
}

void cmd_msg_term_defaults(struct term_settings *ts, const struct dir_user *u)
{
	*ts = (struct term_settings){
		.linedit = true,
		.linend = edit_char(u ? u->linend : NULL, '#'),
		.linedel = edit_char(u ? u->linedel : NULL, '\xA2'),
		.chardel = edit_char(u ? u->chardel : NULL, '@'),
		.escape = edit_char(u ? u->escape : NULL, '"'),
		.linesize = 130,
		.attn = true,
		.mask = true,
	};
}

static void settings_defaults(struct msg_settings *s, const struct dir_user *u)
{
	memset(s, 0, sizeof *s);
	cmd_msg_term_defaults(&s->term, u);
	s->acnt = true;
	s->timer = u && (u->options & DIR_OPT_REALTIMER) ? TIMER_REAL : TIMER_ON;
	s->ecmode = u && (u->options & DIR_OPT_ECMODE);
	s->isam = u && (u->options & DIR_OPT_ISAM);
	s->msg = s->wng = s->imsg = true;
	s->emsg = TERM_EMSG_TEXT;
}

static bool entry_is(const struct vm_entry *e, const struct vmblok *vm)
{
	return e->vm == vm && strcmp(e->userid, vm_user(vm)->userid) == 0 &&
	       e->logon == vm_logon_time(vm);
}

/* The settings of whoever runs the command: his virtual machine's, or the operator's. */
static void settings_get(const struct cp_cmd_ctx *ctx, struct msg_settings *out)
{
	pthread_mutex_lock(&set_mx);
	if (!ctx->vm) {
		if (!oper_ready) {
			settings_defaults(&oper_settings, NULL);
			oper_ready = true;
		}
		*out = oper_settings;
		pthread_mutex_unlock(&set_mx);
		return;
	}
	for (struct vm_entry *e = entries; e; e = e->next) {
		if (entry_is(e, ctx->vm)) {
			*out = e->s;
			pthread_mutex_unlock(&set_mx);
			return;
		}
	}
	pthread_mutex_unlock(&set_mx);
	settings_defaults(out, vm_user(ctx->vm));
}

struct logged_on {
	char (*userids)[DIR_USERID_MAX + 1];
	size_t n, max;
};

static void collect_userid(void *arg, const struct cpsys_user_info *u)
{
	struct logged_on *lo = arg;
	if (lo->n < lo->max)
		snprintf(lo->userids[lo->n++], sizeof lo->userids[0], "%s", u->userid);
}

/* Drop the entries of users who are not logged on (cmd_msg_forget() not called for them). */
static void prune(struct cpsys *sys)
{
	struct logged_on lo = {.max = 4096};
	lo.userids = calloc(lo.max, sizeof lo.userids[0]);
	if (!lo.userids)
		return;
	cpsys_each_user(sys, collect_userid, &lo);
	pthread_mutex_lock(&set_mx);
	for (struct vm_entry **p = &entries; *p;) {
		bool on = false;
		for (size_t i = 0; i < lo.n && !on; i++)
			on = strcmp(lo.userids[i], (*p)->userid) == 0;
		if (on) {
			p = &(*p)->next;
			continue;
		}
		struct vm_entry *gone = *p;
		*p = gone->next;
		nentries--;
		free(gone);
	}
	pthread_mutex_unlock(&set_mx);
	free(lo.userids);
}

/* Keep s as the settings of whoever runs the command. False when there is no memory for it. */
static bool settings_put(const struct cp_cmd_ctx *ctx, const struct msg_settings *s)
{
	if (!ctx->vm) {
		pthread_mutex_lock(&set_mx);
		oper_settings = *s;
		oper_ready = true;
		pthread_mutex_unlock(&set_mx);
		return true;
	}
	pthread_mutex_lock(&set_mx);
	for (struct vm_entry *e = entries; e; e = e->next) {
		if (entry_is(e, ctx->vm)) {
			e->s = *s;
			pthread_mutex_unlock(&set_mx);
			return true;
		}
	}
	bool crowded = nentries >= ENTRIES_PRUNE;
	pthread_mutex_unlock(&set_mx);
	if (crowded && ctx->sys)
		prune(ctx->sys);
	struct vm_entry *e = calloc(1, sizeof *e);
	if (!e)
		return false;
	e->vm = ctx->vm;
	snprintf(e->userid, sizeof e->userid, "%s", vm_user(ctx->vm)->userid);
	e->logon = vm_logon_time(ctx->vm);
	e->s = *s;
	pthread_mutex_lock(&set_mx);
	e->next = entries;
	entries = e;
	nentries++;
	pthread_mutex_unlock(&set_mx);
	return true;
}

void cmd_msg_forget(struct vmblok *vm)
{
	pthread_mutex_lock(&set_mx);
	for (struct vm_entry **p = &entries; *p;) {
		if ((*p)->vm != vm) {
			p = &(*p)->next;
			continue;
		}
		struct vm_entry *gone = *p;
		*p = gone->next;
		nentries--;
		free(gone);
	}
	pthread_mutex_unlock(&set_mx);
}

void cmd_msg_term_settings(struct vmblok *vm, struct term_settings *out)
{
	struct cp_cmd_ctx ctx = {.vm = vm};
	struct msg_settings s;
	settings_get(&ctx, &s);
	*out = s.term;
}

/* MSG, WNG and IMSG (kind CPSYS_SEND_SYS), EMSG: in the VMBLOK and its terminal, or the
 * operator's. */
static bool msg_on(const struct cp_cmd_ctx *ctx, const struct msg_settings *s,
		   enum cpsys_send_kind kind)
{
	if (ctx->vm)
		return vm_msg_on(ctx->vm, kind);
	return kind == CPSYS_SEND_MSG ? s->msg : kind == CPSYS_SEND_WNG ? s->wng : s->imsg;
}

static enum term_emsg emsg_of(const struct cp_cmd_ctx *ctx, const struct msg_settings *s)
{
	return ctx->vm ? vm_term(ctx->vm)->emsg : s->emsg;
}

/* ---- Logons and the log message ---- */

#define LOGMSG_LINES	20	/* numbered 1-20, as R6's log message block */
#define LOGMSG_TEXT	76

static pthread_mutex_t logmsg_mx = PTHREAD_MUTEX_INITIALIZER;
static char logmsg[LOGMSG_LINES][LOGMSG_TEXT + 1];	/* under logmsg_mx; "" = no line */
static time_t logmsg_when;				/* under logmsg_mx; 0: never set */

bool cmd_msg_logons_enabled(void)
{
	return !atomic_load(&logons_disabled);
}

/* Header and lines: every line (QUERY LOGMSG), or those that start with '*' (the logon; nothing
 * at all when there is none). */
static void logmsg_show(struct term *t, time_t when, bool all)
{
	char lines[LOGMSG_LINES][LOGMSG_TEXT + 1];
	size_t n = 0;
	pthread_mutex_lock(&logmsg_mx);
	time_t set = logmsg_when;
	for (size_t i = 0; i < LOGMSG_LINES; i++)
		if (logmsg[i][0] && (all || logmsg[i][0] == '*'))
			memcpy(lines[n++], logmsg[i], sizeof lines[0]);
	pthread_mutex_unlock(&logmsg_mx);
	if (!n && !all)
		return;
	char stamp[64];
	cp_msg_time(set ? set : when, stamp, sizeof stamp);
	cp_msg_write(t, CP_RSP_LOGMSG_HEADER, stamp);
	for (size_t i = 0; i < n; i++)
		cp_msg_write(t, CP_RSP_LOGMSG_LINE, lines[i]);
}

void cmd_msg_logmsg_show(struct term *t, time_t when)
{
	logmsg_show(t, when, false);
}

/* ---- INDICATE's sample ---- */

#define SAMPLE_NS	(100u * 1000 * 1000)	/* INDICATE LOAD measures this long */

struct load {
	size_t users, running;
	uint64_t cpu_us, insns;
	unsigned long long storage;	/* bytes of virtual storage defined */
	const struct directory *dir;
};

static void load_user(void *arg, const struct cpsys_user_info *u)
{
	struct load *ld = arg;
	ld->users++;
	if (strcmp(u->state, "RUNNING") == 0)
		ld->running++;
	ld->cpu_us += u->cpu_us;
	ld->insns += u->instructions;
	const struct dir_user *du = ld->dir ? dir_find(ld->dir, u->userid) : NULL;
	if (du)
		ld->storage += du->storage;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void cmd_msg_reset(void)
{
	pthread_mutex_lock(&set_mx);
	while (entries) {
		struct vm_entry *e = entries;
		entries = e->next;
		free(e);
	}
	nentries = 0;
	oper_ready = false;
	pthread_mutex_unlock(&set_mx);
	pthread_mutex_lock(&logmsg_mx);
	memset(logmsg, 0, sizeof logmsg);
	logmsg_when = 0;
	pthread_mutex_unlock(&logmsg_mx);
	atomic_store(&logons_disabled, false);
}

/* ---- Operands ---- */

static bool is_on(const char *tok)
{
	return strcmp(tok, "ON") == 0;
}

static bool is_off(const char *tok)
{
	return strcmp(tok, "OFF") == 0;
}

/* A decimal number lo..hi, digits only. */
static bool decimal(const char *tok, unsigned lo, unsigned hi, unsigned *out)
{
	size_t n = strlen(tok);
	if (n == 0 || n > 5 || strspn(tok, "0123456789") != n)
		return false;
	unsigned v = (unsigned)strtoul(tok, NULL, 10);
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* A userid operand: 1-8 characters. */
static bool userid_ok(const char *tok)
{
	size_t n = strlen(tok);
	return n >= 1 && n <= DIR_USERID_MAX;
}

/* Who sends: the user, the operator, or a terminal not logged on. */
static const char *sender(const struct cp_cmd_ctx *ctx)
{
	if (ctx->vm)
		return vm_user(ctx->vm)->userid;
	if (ctx->user)
		return ctx->user->userid;
	return ctx->classes ? "OPERATOR" : "LOGON";
}

/* ---- MESSAGE, WARNING ---- */

/* MESSAGE and WARNING: to {userid | * | OPERATOR | ALL} text. */
static enum cp_cmd_rc send_line(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl,
				enum cpsys_send_kind kind)
{
	bool wng = kind == CPSYS_SEND_WNG;
	if (cl->n < 2 || !userid_ok(cl->tok[1])) {
		cp_msg_write(ctx->t, CP_MSG_DMKMSG020E);
		return CP_CMD_FAILED;
	}
	if (cl->n < 3) {
		cp_msg_write(ctx->t, CP_MSG_DMKMSG026E);
		return CP_CMD_FAILED;
	}
	const char *to = cl->tok[1];
	char line[CP_CMD_LINE_MAX + 1];
	cp_msg_format(line, sizeof line, wng ? CP_RSP_WNG_FROM : CP_RSP_MSG_FROM, sender(ctx),
		      cp_cmd_rest(cl, 2));
	const char *off = wng ? "WNG OFF" : "MSG OFF";

	if (strcmp(to, "*") == 0 && !ctx->vm) {
		/* The operator (or a terminal not logged on) to himself: here. */
		struct msg_settings s;
		settings_get(ctx, &s);
		if (!msg_on(ctx, &s, kind)) {
			cp_msg_write(ctx->t, CP_MSG_DMKMSG057W, sender(ctx), off);
			return CP_CMD_FAILED;
		}
		cp_msg_write(ctx->t, wng ? CP_RSP_WNG_FROM : CP_RSP_MSG_FROM, sender(ctx),
			     cp_cmd_rest(cl, 2));
		if (wng)
			term_bell(ctx->t);
		return CP_CMD_OK;
	}
	if (!ctx->sys) {
		snprintf(ctx->detail, sizeof ctx->detail, "%s BEFORE LOGON", wng ? "WARNING" : "MESSAGE");
		return CP_CMD_NOT_AVAILABLE;
	}
	if (strcmp(to, "*") == 0)
		to = vm_user(ctx->vm)->userid;

	if (strcmp(to, "OPERATOR") == 0) {
		/* The operator's console; and the OPERATOR user too, when he is logged on. */
		struct cp_cmd_ctx octx = {.classes = 1};
		struct msg_settings s;
		settings_get(&octx, &s);
		if (!msg_on(&octx, &s, kind)) {
			cp_msg_write(ctx->t, CP_MSG_DMKMSG057W, "OPERATOR", off);
			return CP_CMD_FAILED;
		}
		cpsys_log(ctx->sys, "%s", line);
		cpsys_send(ctx->sys, "OPERATOR", kind, line);
		return CP_CMD_OK;
	}

	if (strcmp(to, "ALL") == 0 && cmd_has_class(ctx, "AB")) {
		/* Everyone logged on; who refuses or is away is passed over in silence. */
		struct logged_on lo = {.max = 4096};
		lo.userids = calloc(lo.max, sizeof lo.userids[0]);
		if (!lo.userids) {
			snprintf(ctx->detail, sizeof ctx->detail, "%s ALL WITHOUT MEMORY",
				 wng ? "WARNING" : "MESSAGE");
			return CP_CMD_NOT_AVAILABLE;
		}
		cpsys_each_user(ctx->sys, collect_userid, &lo);
		for (size_t i = 0; i < lo.n; i++)
			cpsys_send(ctx->sys, lo.userids[i], kind, line);
		free(lo.userids);
		return CP_CMD_OK;
	}

	switch (cpsys_send(ctx->sys, to, kind, line)) {
	case CPSYS_SEND_OK:
		return CP_CMD_OK;
	case CPSYS_SEND_DISCONNECTED:
		/* VM/370 drops it; Cambridge keeps it for his reconnect, as all his output. */
		cp_msg_write(ctx->t, CP_MSG_DMKMSG057W, to, "DISCONNECTED");
		return CP_CMD_OK;
	case CPSYS_SEND_REFUSED:
		cp_msg_write(ctx->t, CP_MSG_DMKMSG057W, to, off);
		return CP_CMD_FAILED;
	case CPSYS_SEND_NOT_LOGGED_ON:
		break;
	}
	cp_msg_write(ctx->t, CP_MSG_DMKMSG045E, to);
	return CP_CMD_FAILED;
}

/* MESSAGE {userid | * | OPERATOR | ALL} text (vm370-cp.md 3.1). */
HANDLER(message)
{
	return send_line(ctx, cl, CPSYS_SEND_MSG);
}

/* WARNING {userid | * | OPERATOR | ALL} text (vm370-cp.md 3.2): rings the bell; SET WNG OFF
 * refuses it. */
HANDLER(warning)
{
	return send_line(ctx, cl, CPSYS_SEND_WNG);
}

/* ---- FORCE, SHUTDOWN ---- */

/* FORCE userid (vm370-cp.md 3.2): his accounting lines and LOGOFF AT, then off; the operator's
 * console gets the logoff line. No response. */
HANDLER(force)
{
	if (cl->n < 2 || !userid_ok(cl->tok[1])) {
		cp_msg_write(ctx->t, CP_MSG_DMKCPV020E);
		return CP_CMD_FAILED;
	}
	if (cl->n > 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCPV003E, cl->tok[2]);
		return CP_CMD_FAILED;
	}
	if (!ctx->sys) {
		snprintf(ctx->detail, sizeof ctx->detail, "FORCE WITHOUT A SYSTEM");
		return CP_CMD_NOT_AVAILABLE;
	}
	if (!cpsys_force(ctx->sys, cl->tok[1])) {
		cp_msg_write(ctx->t, CP_MSG_DMKCPV045E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	return CP_CMD_OK;
}

#define SHUTDOWN_WAIT_MS 5000	/* the longest SHUTDOWN waits for the users' logoffs */

/* Wait until every user is logged off (or the time is up), passing their last lines on. Only
 * on the thread that owns the terminals (the operator's commands): cpsys_flush() is its call. */
static void wait_logoffs(struct cpsys *sys)
{
	uint64_t end = mono_ns() + (uint64_t)SHUTDOWN_WAIT_MS * 1000000u;
	for (;;) {
		bool gone = cpsys_users(sys) == 0;
		struct pollfd p = {.fd = cpsys_wake_fd(sys), .events = POLLIN};
		if (poll(&p, 1, gone ? 0 : 20) > 0)
			cpsys_flush(sys);
		if (gone || mono_ns() >= end)
			return;
	}
}

/* SHUTDOWN (vm370-cp.md 3.2): every user is forced off, then CP stops. From the operator, the
 * users' logoff lines reach their terminals before the daemon is told to stop. */
HANDLER(shutdown)
{
	if (cl->n > 1) {
		cp_msg_write(ctx->t, CP_MSG_DMKCPV003E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	if (!ctx->sys) {
		snprintf(ctx->detail, sizeof ctx->detail, "SHUTDOWN WITHOUT A SYSTEM");
		return CP_CMD_NOT_AVAILABLE;
	}
	if (!ctx->vm) {
		cpsys_force_all(ctx->sys);
		wait_logoffs(ctx->sys);
	} else {
		char text[80];
		cp_msg_format(text, sizeof text, CP_MSG_DMKCKP961W);
		cpsys_log(ctx->sys, "%s %s", cp_msg_id(CP_MSG_DMKCKP961W), text);
	}
	cp_msg_write(ctx->t, CP_MSG_DMKCKP960I);
	cp_msg_write(ctx->t, CP_MSG_DMKCKP961W);
	cpsys_shutdown(ctx->sys);
	return CP_CMD_OK;
}

/* ---- ENABLE, DISABLE, VARY ---- */

/* ENABLE|DISABLE {ALL | raddr ...}: ALL decides whether new users may log on. */
static enum cp_cmd_rc enable(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, bool on)
{
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCPV026E);
		return CP_CMD_FAILED;
	}
	if (strcmp(cl->tok[1], "ALL") == 0) {
		if (cl->n > 2) {
			cp_msg_write(ctx->t, CP_MSG_DMKCPV003E, cl->tok[2]);
			return CP_CMD_FAILED;
		}
		atomic_store(&logons_disabled, !on);
		cp_msg_write(ctx->t, CP_RSP_COMMAND_COMPLETE);
		return CP_CMD_OK;
	}
	unsigned raddr[CP_CMD_TOKENS_MAX];
	for (size_t i = 1; i < cl->n; i++) {
		if (!cmd_vaddr(cl->tok[i], &raddr[i])) {
			cp_msg_write(ctx->t, CP_MSG_DMKCPV021E);
			return CP_CMD_FAILED;
		}
	}
	/* No real terminals. */
	cp_msg_write(ctx->t, CP_MSG_DMKCPV040E, raddr[1]);
	return CP_CMD_FAILED;
}

HANDLER(enable)
{
	return enable(ctx, cl, true);
}

HANDLER(disable)
{
	return enable(ctx, cl, false);
}

/* VARY {ONLINE | OFFLINE} raddr: there are no real devices to vary. */
HANDLER(vary)
{
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCPV026E);
		return CP_CMD_FAILED;
	}
	if (!cmd_keyword(cl->tok[1], "ONLINE", 2) && !cmd_keyword(cl->tok[1], "OFFLINE", 3)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCPV002E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	unsigned raddr;
	if (cl->n < 3 || !cmd_vaddr(cl->tok[2], &raddr)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCPV021E);
		return CP_CMD_FAILED;
	}
	if (cl->n > 3) {
		cp_msg_write(ctx->t, CP_MSG_DMKCPV003E, cl->tok[3]);
		return CP_CMD_FAILED;
	}
	cp_msg_write(ctx->t, CP_MSG_DMKCPV040E, raddr);
	return CP_CMD_FAILED;
}

/* ---- SET ---- */

static enum cp_cmd_rc set_failed(struct cp_cmd_ctx *ctx, enum cp_msg m, const char *tok)
{
	if (tok)
		cp_msg_write(ctx->t, m, tok);
	else
		cp_msg_write(ctx->t, m);
	return CP_CMD_FAILED;
}

/* An ON|OFF operand at cl->tok[2] and nothing after it. */
static enum cp_cmd_rc on_off(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, bool *out)
{
	if (cl->n < 3)
		return set_failed(ctx, CP_MSG_DMKCFS026E, NULL);
	if (!is_on(cl->tok[2]) && !is_off(cl->tok[2]))
		return set_failed(ctx, CP_MSG_DMKCFS002E, cl->tok[2]);
	if (cl->n > 3)
		return set_failed(ctx, CP_MSG_DMKCFS003E, cl->tok[3]);
	*out = is_on(cl->tok[2]);
	return CP_CMD_OK;
}

/* PFnn: 1-24, written PF1 or PF01. */
static bool pf_number(const char *tok, unsigned *nn)
{
	return strncmp(tok, "PF", 2) == 0 && strlen(tok) <= 4 && decimal(tok + 2, 1, PF_KEYS, nn);
}

/* SET PFnn [IMMED|DELAYED] [text] | SET PFnn RETRIEVE: without text the key is undefined again;
 * DELAYED is the default. A virtual machine's keys are its VMBLOK's (vm_set_pf: its terminal
 * gets the key at once, a line terminal ignores it); the operator's are kept here for QUERY. */
static enum cp_cmd_rc set_pf(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, unsigned nn,
			     struct msg_settings *s)
{
	struct pf_key k = {.how = TERM_PF_DELAYED};
	size_t i = 2;
	if (i < cl->n && strcmp(cl->tok[i], "RETRIEVE") == 0) {
		if (cl->n > i + 1)
			return set_failed(ctx, CP_MSG_DMKCFS003E, cl->tok[i + 1]);
		k.how = TERM_PF_RETRIEVE;
	} else {
		if (i < cl->n && (strcmp(cl->tok[i], "IMMED") == 0 || strcmp(cl->tok[i], "DELAYED") == 0 ||
				  strcmp(cl->tok[i], "DELAY") == 0)) {
			k.how = strcmp(cl->tok[i], "IMMED") == 0 ? TERM_PF_IMMED : TERM_PF_DELAYED;
			i++;
		}
		const char *text = cp_cmd_rest(cl, i);
		if (strlen(text) > PF_TEXT_MAX)
			return set_failed(ctx, CP_MSG_DMKCFS002E, cl->tok[i]);
		if (*text)
			snprintf(k.text, sizeof k.text, "%s", text);
		else
			k.how = TERM_PF_UNSET;
	}
	if (ctx->vm)
		vm_set_pf(ctx->vm, nn, k.how, k.text);
	else
		s->pf[nn - 1] = k;
	return CP_CMD_OK;
}

/* SET LOGMSG {NULL | nn [text]} (class A): line nn (1-20) becomes text, or goes. */
static enum cp_cmd_rc set_logmsg(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	if (cl->n < 3)
		return set_failed(ctx, CP_MSG_DMKCFS026E, NULL);
	time_t now = cmd_now(ctx);
	if (strcmp(cl->tok[2], "NULL") == 0) {
		if (cl->n > 3)
			return set_failed(ctx, CP_MSG_DMKCFS003E, cl->tok[3]);
		pthread_mutex_lock(&logmsg_mx);
		memset(logmsg, 0, sizeof logmsg);
		logmsg_when = now;
		pthread_mutex_unlock(&logmsg_mx);
		return CP_CMD_OK;
	}
	unsigned nn;
	if (!decimal(cl->tok[2], 1, LOGMSG_LINES, &nn))
		return set_failed(ctx, CP_MSG_DMKCFS002E, cl->tok[2]);
	const char *text = cp_cmd_rest(cl, 3);
	pthread_mutex_lock(&logmsg_mx);
	snprintf(logmsg[nn - 1], sizeof logmsg[0], "%.*s", LOGMSG_TEXT, text);
	logmsg_when = now;
	pthread_mutex_unlock(&logmsg_mx);
	return CP_CMD_OK;
}

/* SET function value (vm370-cp.md 5, and the operator's SET in 3.2). */
/*
 * SET SHARE userid [RELATIVE] nnn (class A; VM/SP's form, R6 had SET PRIORITY): the user's
 * relative share of the host's processors against the other CPU-bound users (100 is everyone's at
 * logon; 1-10000). Only RELATIVE: an ABSOLUTE share is not available.
 */
static enum cp_cmd_rc set_share(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	if (cl->n < 4 || !ctx->sys)
		return set_failed(ctx, CP_MSG_DMKCFS026E, NULL);
	size_t i = 3;
	if (cmd_keyword(cl->tok[i], "RELATIVE", 3) && cl->n > 4)
		i++;
	else if (cmd_keyword(cl->tok[i], "ABSOLUTE", 3)) {
		snprintf(ctx->detail, sizeof ctx->detail, "SET SHARE ABSOLUTE");
		return CP_CMD_NOT_AVAILABLE;
	}
	if (cl->n > i + 1)
		return set_failed(ctx, CP_MSG_DMKCFS003E, cl->tok[i + 1]);
	char *end;
	unsigned long share = strtoul(cl->tok[i], &end, 10);
	if (*end || end == cl->tok[i] || share < 1 || share > 10000)
		return set_failed(ctx, CP_MSG_DMKCFS002E, cl->tok[i]);
	if (!cpsys_set_share(ctx->sys, cl->tok[2], (unsigned)share)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFM045E, cl->tok[2]);
		return CP_CMD_FAILED;
	}
	return CP_CMD_OK;
}

HANDLER(set)
{
	if (cl->n < 2)
		return set_failed(ctx, CP_MSG_DMKCFS026E, NULL);
	const char *kw = cl->tok[1];
	struct msg_settings s;
	settings_get(ctx, &s);
	enum cp_cmd_rc rc = CP_CMD_OK;
	bool v;
	unsigned nn;

	if (strcmp(kw, "MSG") == 0 || strcmp(kw, "WNG") == 0 || strcmp(kw, "IMSG") == 0) {
		enum cpsys_send_kind kind = kw[0] == 'M' ? CPSYS_SEND_MSG
					  : kw[0] == 'W' ? CPSYS_SEND_WNG : CPSYS_SEND_SYS;
		if ((rc = on_off(ctx, cl, &v)) != CP_CMD_OK)
			return rc;
		if (ctx->vm) {
			vm_set_msg(ctx->vm, kind, v);
			return CP_CMD_OK;
		}
		if (kind == CPSYS_SEND_MSG)
			s.msg = v;
		else if (kind == CPSYS_SEND_WNG)
			s.wng = v;
		else
			s.imsg = v;
	} else if (strcmp(kw, "EMSG") == 0) {
		static const struct {
			const char *name;
			enum term_emsg e;
		} forms[] = {{"ON", TERM_EMSG_ON}, {"OFF", TERM_EMSG_OFF}, {"CODE", TERM_EMSG_CODE},
			     {"TEXT", TERM_EMSG_TEXT}};
		if (cl->n < 3)
			return set_failed(ctx, CP_MSG_DMKCFS026E, NULL);
		size_t i = 0;
		while (i < 4 && strcmp(cl->tok[2], forms[i].name) != 0)
			i++;
		if (i == 4)
			return set_failed(ctx, CP_MSG_DMKCFS002E, cl->tok[2]);
		if (cl->n > 3)
			return set_failed(ctx, CP_MSG_DMKCFS003E, cl->tok[3]);
		/* This terminal too: under DIAGNOSE X'08' it is the guest's buffer. */
		ctx->t->emsg = forms[i].e;
		if (ctx->vm) {
			vm_term(ctx->vm)->emsg = forms[i].e;
			return CP_CMD_OK;
		}
		s.emsg = forms[i].e;
	} else if (strcmp(kw, "ACNT") == 0) {
		rc = on_off(ctx, cl, &s.acnt);
	} else if (strcmp(kw, "RUN") == 0) {
		rc = on_off(ctx, cl, &s.run);
	} else if (strcmp(kw, "LINEDIT") == 0) {
		rc = on_off(ctx, cl, &s.term.linedit);
	} else if (strcmp(kw, "ISAM") == 0) {
		rc = on_off(ctx, cl, &s.isam);
	} else if (strcmp(kw, "ECMODE") == 0) {
		rc = on_off(ctx, cl, &s.ecmode);
	} else if (strcmp(kw, "PAGEX") == 0) {
		rc = on_off(ctx, cl, &s.pagex);
	} else if (strcmp(kw, "NOTRANS") == 0) {
		rc = on_off(ctx, cl, &s.notrans);
	} else if (strcmp(kw, "TIMER") == 0) {
		if (cl->n < 3)
			return set_failed(ctx, CP_MSG_DMKCFS026E, NULL);
		if (strcmp(cl->tok[2], "REAL") == 0) {
			if (cl->n > 3)
				return set_failed(ctx, CP_MSG_DMKCFS003E, cl->tok[3]);
			s.timer = TIMER_REAL;
		} else if ((rc = on_off(ctx, cl, &v)) == CP_CMD_OK) {
			s.timer = v ? TIMER_ON : TIMER_OFF;
		}
	} else if (strcmp(kw, "ASSIST") == 0) {
		if (cl->n < 3)
			return set_failed(ctx, CP_MSG_DMKCFS026E, NULL);
		if (is_off(cl->tok[2])) {
			if (cl->n > 3)
				return set_failed(ctx, CP_MSG_DMKCFS003E, cl->tok[3]);
			s.assist = ASSIST_OFF;
		} else if (is_on(cl->tok[2])) {
			bool svc = true;
			if (cl->n > 3) {
				if (strcmp(cl->tok[3], "SVC") != 0 && strcmp(cl->tok[3], "NOSVC") != 0)
					return set_failed(ctx, CP_MSG_DMKCFS002E, cl->tok[3]);
				svc = strcmp(cl->tok[3], "SVC") == 0;
			}
			if (cl->n > 4)
				return set_failed(ctx, CP_MSG_DMKCFS003E, cl->tok[4]);
			s.assist = svc ? ASSIST_ON_SVC : ASSIST_ON_NOSVC;
		} else {
			return set_failed(ctx, CP_MSG_DMKCFS002E, cl->tok[2]);
		}
	} else if (pf_number(kw, &nn)) {
		rc = set_pf(ctx, cl, nn, &s);
		if (ctx->vm)
			return rc;	/* the VMBLOK has it */
	} else if (cmd_keyword(kw, "LOGMSG", 3) && cmd_has_class(ctx, "A")) {
		return set_logmsg(ctx, cl);
	} else if (strcmp(kw, "SHARE") == 0 && cmd_has_class(ctx, "A")) {
		return set_share(ctx, cl);
	} else if ((strcmp(kw, "PRIORITY") == 0 || strcmp(kw, "RESERVE") == 0 ||
		    strcmp(kw, "FAVORED") == 0 || strcmp(kw, "QUICKDSP") == 0) &&
		   cmd_has_class(ctx, "A")) {
		snprintf(ctx->detail, sizeof ctx->detail, "SET %s", kw);
		return CP_CMD_NOT_AVAILABLE;
	} else if (strcmp(kw, "RECORD") == 0 && cmd_has_class(ctx, "F")) {
		snprintf(ctx->detail, sizeof ctx->detail, "SET RECORD");
		return CP_CMD_NOT_AVAILABLE;
	} else {
		return set_failed(ctx, CP_MSG_DMKCFS003E, kw);
	}
	if (rc != CP_CMD_OK)
		return rc;
	if (!settings_put(ctx, &s)) {
		snprintf(ctx->detail, sizeof ctx->detail, "SET %s WITHOUT MEMORY", kw);
		return CP_CMD_NOT_AVAILABLE;
	}
	return CP_CMD_OK;
}

/* ---- TERMINAL ---- */

enum term_fn { TF_LINEND, TF_LINEDEL, TF_CHARDEL, TF_ESCAPE, TF_LINESIZE, TF_MODE, TF_ATTN,
	       TF_APL, TF_TEXT, TF_HILIGHT, TF_MASK };

/* The functions and their minimum abbreviations (inferred: to confirm against GC20-1820). */
static const struct {
	const char *name;
	size_t min;
	enum term_fn fn;
} term_fns[] = {
	{"LINEND", 5, TF_LINEND},   {"LINEDEL", 5, TF_LINEDEL}, {"CHARDEL", 4, TF_CHARDEL},
	{"ESCAPE", 3, TF_ESCAPE},   {"LINESIZE", 5, TF_LINESIZE}, {"MODE", 4, TF_MODE},
	{"ATTN", 4, TF_ATTN},	    {"APL", 3, TF_APL},		{"TEXT", 4, TF_TEXT},
	{"HILIGHT", 2, TF_HILIGHT}, {"MASK", 4, TF_MASK},
};

/* An editing character operand: ON (the default), OFF, or one character that is not a letter,
 * a digit or a blank (vm370-cp.md 1.2). raw: as typed. */
static bool edit_operand(const char *tok, const char *raw, char dflt, char *out)
{
	if (is_on(tok)) {
		*out = dflt;
		return true;
	}
	if (is_off(tok)) {
		*out = '\0';
		return true;
	}
	if (raw[0] == '\0' || raw[1] != '\0' || isalnum((unsigned char)raw[0]))
		return false;
	*out = raw[0];
	return true;
}

/* TERMINAL function value (vm370-cp.md 6): one function a command. */
HANDLER(terminal)
{
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFT026E);
		return CP_CMD_FAILED;
	}
	size_t f = 0;
	while (f < sizeof term_fns / sizeof term_fns[0] &&
	       !cmd_keyword(cl->tok[1], term_fns[f].name, term_fns[f].min))
		f++;
	if (f == sizeof term_fns / sizeof term_fns[0]) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFT003E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	if (cl->n < 3) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFT026E);
		return CP_CMD_FAILED;
	}
	if (cl->n > 3) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFT003E, cl->tok[3]);
		return CP_CMD_FAILED;
	}
	const char *tok = cl->tok[2], *raw = cl->raw[2];
	struct msg_settings s;
	settings_get(ctx, &s);
	struct term_settings *ts = &s.term, dflt;
	cmd_msg_term_defaults(&dflt, NULL);
	bool ok = true, *flag = NULL;
	unsigned size;
	switch (term_fns[f].fn) {
	case TF_LINEND:
		ok = edit_operand(tok, raw, dflt.linend, &ts->linend);
		break;
	case TF_LINEDEL:
		ok = edit_operand(tok, raw, dflt.linedel, &ts->linedel);
		break;
	case TF_CHARDEL:
		ok = edit_operand(tok, raw, dflt.chardel, &ts->chardel);
		break;
	case TF_ESCAPE:
		ok = edit_operand(tok, raw, dflt.escape, &ts->escape);
		break;
	case TF_LINESIZE:
		if (is_off(tok))
			ts->linesize = 0;
		else if ((ok = decimal(tok, 1, 255, &size)))
			ts->linesize = size;
		break;
	case TF_MODE:
		ok = strcmp(tok, "CP") == 0 || strcmp(tok, "VM") == 0;
		if (ok)
			ts->mode_cp = strcmp(tok, "CP") == 0;
		break;
	case TF_ATTN:
		flag = &ts->attn;
		break;
	case TF_APL:
		flag = &ts->apl;
		break;
	case TF_TEXT:
		flag = &ts->text;
		break;
	case TF_HILIGHT:
		flag = &ts->hilight;
		break;
	case TF_MASK:
		flag = &ts->mask;
		break;
	}
	if (flag) {
		ok = is_on(tok) || is_off(tok);
		if (ok)
			*flag = is_on(tok);
	}
	if (!ok) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFT002E, tok);
		return CP_CMD_FAILED;
	}
	if (!settings_put(ctx, &s)) {
		snprintf(ctx->detail, sizeof ctx->detail, "TERMINAL WITHOUT MEMORY");
		return CP_CMD_NOT_AVAILABLE;
	}
	return CP_CMD_OK;
}

/* ---- Line editing ---- */

/* A logical line ends: keep it in out (see cp_line_edit()). */
static void edit_emit(char out[][CP_LINE_MAX + 1], size_t max, size_t *n, const char *cur,
		      size_t len, bool after_end)
{
	if (len == 0 || *n >= max)
		return;
	bool cp = after_end && len >= 2 && toupper((unsigned char)cur[0]) == 'C' &&
		  toupper((unsigned char)cur[1]) == 'P' && (len == 2 || cur[2] == ' ');
	char *o = out[(*n)++];
	size_t at = 0;
	if (cp)
		o[at++] = '#';
	size_t take = len < CP_LINE_MAX - at ? len : CP_LINE_MAX - at;
	memcpy(o + at, cur, take);
	o[at + take] = '\0';
}

size_t cp_line_edit(const struct term_settings *ts, const char *in, char out[][CP_LINE_MAX + 1],
		    size_t max)
{
	if (max == 0)
		return 0;
	if (!ts->linedit) {
		snprintf(out[0], CP_LINE_MAX + 1, "%s", in);
		return 1;
	}
	char cur[CP_LINE_MAX];
	size_t len = 0, n = 0;
	bool after_end = false;
	for (const char *p = in;; p++) {
		char c = *p;
		if (c == '\0' || (ts->linend && c == ts->linend)) {
			edit_emit(out, max, &n, cur, len, after_end);
			if (c == '\0')
				break;
			len = 0;
			after_end = true;
			continue;
		}
		if (ts->escape && c == ts->escape) {
			if (p[1] == '\0')
				continue;
			c = *++p;
		} else if (ts->chardel && c == ts->chardel) {
			if (len)
				len--;
			continue;
		} else if (ts->linedel && c == ts->linedel) {
			len = 0;
			continue;
		}
		if (len < sizeof cur)
			cur[len++] = c;
	}
	if (n == 0) {
		out[0][0] = '\0';
		n = 1;
	}
	return n;
}

/* ---- SLEEP ---- */

/* The line (or attention: NULL) that ends a SLEEP: it is not a command. */
static void sleep_woken(struct vmblok *vm, void *arg, const char *line)
{
	(void)arg, (void)line;
	vm_sleep(vm, 0);	/* a line or the attention key: no timer either */
}

/* SLEEP [nn [SEC|MIN|HRS]] (vm370-cp.md 3.1): the virtual machine stops until the user enters
 * a line or presses the attention key, or until the time is up (seconds by default). */
HANDLER(sleep)
{
	uint64_t ns = 0;
	if (cl->n > 1) {
		unsigned nn;
		if (!decimal(cl->tok[1], 1, 99999, &nn)) {
			cp_msg_write(ctx->t, CP_MSG_DMKCFT002E, cl->tok[1]);
			return CP_CMD_FAILED;
		}
		if (cl->n > 2 && !cmd_keyword(cl->tok[2], "SEC", 1) &&
		    !cmd_keyword(cl->tok[2], "MIN", 1) && !cmd_keyword(cl->tok[2], "HRS", 1)) {
			cp_msg_write(ctx->t, CP_MSG_DMKCFT002E, cl->tok[2]);
			return CP_CMD_FAILED;
		}
		if (cl->n > 3) {
			cp_msg_write(ctx->t, CP_MSG_DMKCFT003E, cl->tok[3]);
			return CP_CMD_FAILED;
		}
		uint64_t unit = cl->n > 2 && cl->tok[2][0] == 'M'   ? 60
				: cl->n > 2 && cl->tok[2][0] == 'H' ? 3600
								    : 1;
		ns = (uint64_t)nn * unit * 1000000000u;
	}
	if (!ctx->vm) {
		snprintf(ctx->detail, sizeof ctx->detail, "SLEEP WITHOUT A VIRTUAL MACHINE");
		return CP_CMD_NOT_AVAILABLE;
	}
	vm_set_mode(ctx->vm, VM_MODE_CP);
	vm_expect_line(ctx->vm, sleep_woken, NULL, false);
	vm_sleep(ctx->vm, ns);
	return CP_CMD_OK;
}

/* ---- INDICATE ---- */

static void load_sample(struct cpsys *sys, struct load *ld)
{
	*ld = (struct load){.dir = cpsys_directory(sys)};
	cpsys_each_user(sys, load_user, ld);
}

/* INDICATE LOAD: measured over SAMPLE_NS. */
static enum cp_cmd_rc indicate_load(struct cp_cmd_ctx *ctx)
{
	struct load a, b;
	uint64_t t0 = mono_ns();
	load_sample(ctx->sys, &a);
	struct timespec nap = {0, SAMPLE_NS};
	while (nanosleep(&nap, &nap) != 0)
		;
	load_sample(ctx->sys, &b);
	uint64_t wall_us = (mono_ns() - t0) / 1000u;
	if (wall_us == 0)
		wall_us = 1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		cpus = 1;
	uint64_t dcpu = b.cpu_us > a.cpu_us ? b.cpu_us - a.cpu_us : 0;
	uint64_t dins = b.insns > a.insns ? b.insns - a.insns : 0;
	uint64_t busy = dcpu * 100u / (wall_us * (uint64_t)cpus);
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	unsigned long long real = pages > 0 && psize > 0 ? (unsigned long long)pages * (unsigned long long)psize : 0;
	unsigned long long st = real ? b.storage * 100u / real : 0;
	uint64_t mips10 = dins * 10u / wall_us;	/* instructions per microsecond, in tenths */
	cp_msg_write(ctx->t, CP_RSP_INDICATE_LOAD, (unsigned)(busy > 100 ? 100 : busy), b.running,
		     (size_t)0, (unsigned)(st > 999 ? 999 : st), 0u, 0u);
	cp_msg_write(ctx->t, CP_RSP_INDICATE_MIPS, (unsigned long)(mips10 / 10),
		     (unsigned long)(mips10 % 10), b.users);
	return CP_CMD_OK;
}

struct own_use {
	const char *userid;
	uint64_t insns;
};

static void own_user(void *arg, const struct cpsys_user_info *u)
{
	struct own_use *ou = arg;
	if (strcmp(u->userid, ou->userid) == 0)
		ou->insns = u->instructions;
}

/* INDICATE USER: your own virtual machine. */
static enum cp_cmd_rc indicate_user(struct cp_cmd_ctx *ctx)
{
	if (!ctx->vm) {
		snprintf(ctx->detail, sizeof ctx->detail, "INDICATE USER WITHOUT A VIRTUAL MACHINE");
		return CP_CMD_NOT_AVAILABLE;
	}
	unsigned long pages = (unsigned long)(machine_storage_size(vm_machine(ctx->vm)) / 4096u);
	unsigned long secs = (unsigned long)(vm_cpu_us(ctx->vm) / 1000000u);
	struct own_use ou = {.userid = vm_user(ctx->vm)->userid};
	if (ctx->sys)
		cpsys_each_user(ctx->sys, own_user, &ou);
	cp_msg_write(ctx->t, CP_RSP_INDICATE_USER_1, pages, pages);
	cp_msg_write(ctx->t, CP_RSP_INDICATE_USER_2, secs / 60, secs % 60, secs / 60, secs % 60);
	cp_msg_write(ctx->t, CP_RSP_INDICATE_USER_3, (unsigned long long)ou.insns);
	return CP_CMD_OK;
}

/* INDICATE [LOAD | USER] (vm370-cp.md 3.1); class E's QUEUES, I/O and PAGING not yet. */
HANDLER(indicate)
{
	const char *op = cl->n > 1 ? cl->tok[1] : "LOAD";
	if (cl->n > 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKTHI003E, cl->tok[2]);
		return CP_CMD_FAILED;
	}
	bool load = cmd_keyword(op, "LOAD", 1);
	bool user = cmd_keyword(op, "USER", 1);
	if (!load && !user) {
		if (cmd_has_class(ctx, "E") && (cmd_keyword(op, "QUEUES", 1) ||
						 strcmp(op, "I/O") == 0 || cmd_keyword(op, "PAGING", 1))) {
			snprintf(ctx->detail, sizeof ctx->detail, "INDICATE %s", op);
			return CP_CMD_NOT_AVAILABLE;
		}
		cp_msg_write(ctx->t, CP_MSG_DMKTHI003E, op);
		return CP_CMD_FAILED;
	}
	if (user)
		return indicate_user(ctx);
	if (!ctx->sys) {
		snprintf(ctx->detail, sizeof ctx->detail, "INDICATE LOAD WITHOUT A SYSTEM");
		return CP_CMD_NOT_AVAILABLE;
	}
	return indicate_load(ctx);
}

/* ---- QUERY SET | TERMINAL | LOGMSG | PFnn ---- */

static const char *onoff(bool v)
{
	return v ? "ON" : "OFF";
}

/* An editing character for QUERY TERMINAL: the character, or OFF. */
static const char *edit_shown(char c, char buf[2])
{
	if (!c)
		return "OFF";
	buf[0] = c;
	buf[1] = '\0';
	return buf;
}

static void query_set(struct cp_cmd_ctx *ctx, const struct msg_settings *s)
{
	static const char *const emsg[] = {[TERM_EMSG_TEXT] = "TEXT", [TERM_EMSG_ON] = "ON",
					   [TERM_EMSG_CODE] = "CODE", [TERM_EMSG_OFF] = "OFF"};
	static const char *const timer[] = {[TIMER_ON] = "ON", [TIMER_OFF] = "OFF",
					    [TIMER_REAL] = "REAL"};
	static const char *const assist[] = {[ASSIST_OFF] = "OFF", [ASSIST_ON_SVC] = "ON SVC",
					     [ASSIST_ON_NOSVC] = "ON NOSVC"};
	enum term_emsg e = emsg_of(ctx, s);
	cp_msg_write(ctx->t, CP_RSP_QUERY_SET_1, onoff(msg_on(ctx, s, CPSYS_SEND_MSG)),
		     onoff(msg_on(ctx, s, CPSYS_SEND_WNG)), e <= TERM_EMSG_OFF ? emsg[e] : "TEXT",
		     onoff(s->acnt), onoff(s->run));
	cp_msg_write(ctx->t, CP_RSP_QUERY_SET_2, onoff(s->term.linedit), timer[s->timer],
		     onoff(s->isam), onoff(s->ecmode));
	cp_msg_write(ctx->t, CP_RSP_QUERY_SET_3, onoff(msg_on(ctx, s, CPSYS_SEND_SYS)),
		     assist[s->assist], onoff(s->pagex), onoff(s->notrans));
}

static void query_terminal(struct cp_cmd_ctx *ctx, const struct term_settings *ts)
{
	char a[2], b[2], c[2], d[2], size[12];
	if (ts->linesize)
		snprintf(size, sizeof size, "%03u", ts->linesize);
	else
		snprintf(size, sizeof size, "OFF");
	cp_msg_write(ctx->t, CP_RSP_QUERY_TERM_1, edit_shown(ts->linend, a),
		     edit_shown(ts->linedel, b), edit_shown(ts->chardel, c), edit_shown(ts->escape, d));
	cp_msg_write(ctx->t, CP_RSP_QUERY_TERM_2, size, onoff(ts->attn), onoff(ts->apl),
		     onoff(ts->text), ts->mode_cp ? "CP" : "VM", onoff(ts->hilight));
}

enum cp_cmd_rc cmd_query_msg(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	if (cl->n < 2)
		return CP_CMD_UNKNOWN;
	const char *op = cl->tok[1];
	unsigned nn;
	bool set = cmd_keyword(op, "SET", 1), term = cmd_keyword(op, "TERMINAL", 4);
	bool logm = cmd_keyword(op, "LOGMSG", 3), pf = pf_number(op, &nn);
	if (!set && !term && !logm && !pf)
		return CP_CMD_UNKNOWN;
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
	if (rc != CP_CMD_OK)
		return rc;
	if (logm) {
		logmsg_show(ctx->t, cmd_now(ctx), true);
		return CP_CMD_OK;
	}
	struct msg_settings s;
	settings_get(ctx, &s);
	if (set)
		query_set(ctx, &s);
	else if (term)
		query_terminal(ctx, &s.term);
	else {
		struct pf_key k = s.pf[nn - 1];
		if (ctx->vm)
			k.how = vm_pf(ctx->vm, nn, k.text);
		if (k.how == TERM_PF_RETRIEVE)
			cp_msg_write(ctx->t, CP_RSP_PF_RETRIEVE, nn);
		else if (k.how == TERM_PF_UNSET)
			cp_msg_write(ctx->t, CP_RSP_PF_UNDEFINED, nn);
		else
			cp_msg_write(ctx->t, CP_RSP_PF_DEFINED, nn,
				     k.how == TERM_PF_IMMED ? "IMMED" : "DELAY", k.text);
	}
	return CP_CMD_OK;
}
