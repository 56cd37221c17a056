/*
 * command.c - the CP command language (see command.h and commands.def).
 *
 * The handlers carried out so far need nothing but the terminal, the user's directory entry and
 * the clock: LOGON (hands over to the logon dialogue), LOGOFF, QUERY TIME, HELP and #CP. Every
 * other row of commands.def is a CP_CMD_TODO and answers "NAME NOT YET AVAILABLE".
 */
#include "cp/command.h"
#include "cp/cmd.h"
#include "cp/cmd_msg.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cp/directory.h"
#include "cp/message.h"
#include "cp/vm.h"
#include "machine/machine.h"

/* ---- Handlers ---- */

bool cmd_keyword(const char *word, const char *kw, size_t min)
{
	size_t n = strlen(word);
	return n >= min && n <= strlen(kw) && strncmp(word, kw, n) == 0;
}

time_t cmd_now(const struct cp_cmd_ctx *ctx)
{
	return ctx->now ? ctx->now : time(NULL);
}

bool cmd_has_class(const struct cp_cmd_ctx *ctx, const char *classes)
{
	for (; *classes; classes++)
		if (ctx->classes & DIR_CLASS(*classes))
			return true;
	return false;
}


/* CONNECT= hh:mm:ss VIRTCPU= ... TOTCPU= ... for the session so far. */
static void write_connect(struct cp_cmd_ctx *ctx)
{
	long secs = (long)difftime(cmd_now(ctx), ctx->logon_time);
	if (secs < 0)
		secs = 0;
	unsigned long cs = ctx->vm ? (unsigned long)(vm_cpu_us(ctx->vm) / 10000u) : 0;
	unsigned long m = cs / 6000, sec = cs / 100 % 60, hs = cs % 100;
	cp_msg_write(ctx->t, CP_RSP_CONNECT, secs / 3600, secs / 60 % 60, secs % 60, m, sec, hs, m, sec,
		     hs);
}

bool cmd_vaddr(const char *tok, unsigned *out)
{
	size_t n = strlen(tok);
	if (n == 0 || n > 3)
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)tok[i]))
			return false;
		v = v * 16 + (unsigned)(isdigit((unsigned char)tok[i]) ? tok[i] - '0' : tok[i] - 'A' + 10);
	}
	*out = v;
	return true;
}

/* Anything after the operands a command takes: DMKCFC003E INVALID OPTION - first extra. */
enum cp_cmd_rc cmd_extra_operands(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, size_t max)
{
	if (cl->n <= max)
		return CP_CMD_OK;
	cp_msg_write(ctx->t, CP_MSG_DMKCFC003E, cl->tok[max]);
	return CP_CMD_FAILED;
}

/* LOGON before logon is the logon dialogue's (logon.c). A logged-on user's LOGON is not a
 * command (to confirm against GC20-1808 which message R6 gives). */
HANDLER(logon)
{
	if (ctx->user || !ctx->ops || !ctx->ops->logon)
		return CP_CMD_UNKNOWN;
	return ctx->ops->logon(ctx->sess, cl) ? CP_CMD_CLOSED : CP_CMD_OK;
}

/* LOGOFF [HOLD] (vm370-cp.md 7.3): the accounting lines, then the session ends. HOLD keeps a
 * switched line; there are none, so it changes nothing. Before logon: just the end. */
HANDLER(logoff)
{
	if (cl->n > 1 && !cmd_keyword(cl->tok[1], "HOLD", 2)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC003E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
	if (rc != CP_CMD_OK)
		return rc;
	if (ctx->user) {
		char when[64];
		write_connect(ctx);
		cp_msg_time(cmd_now(ctx), when, sizeof when);
		cp_msg_write(ctx->t, CP_RSP_LOGOFF_AT, when);
	}
	if (ctx->vm) {
		vm_logoff(ctx->vm);
		return CP_CMD_CLOSED;
	}
	if (!ctx->ops || !ctx->ops->end)
		return CP_CMD_OK;
	ctx->ops->end(ctx->sess);
	return CP_CMD_CLOSED;
}

/* DISCONN [HOLD] (vm370-cp.md 7.4): the terminal goes, the virtual machine runs on. */
HANDLER(disconn)
{
	if (cl->n > 1 && !cmd_keyword(cl->tok[1], "HOLD", 1)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC003E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
	if (rc != CP_CMD_OK)
		return rc;
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	char when[64];
	cp_msg_time(cmd_now(ctx), when, sizeof when);
	cp_msg_write(ctx->t, CP_RSP_DISCONNECT_AT, when);
	vm_disconnect(ctx->vm);
	return CP_CMD_OK;
}

struct names {
	struct cp_cmd_ctx *ctx;
	char line[80];
	size_t n, users;
	const char *want;	/* QUERY userid */
	bool found;
};

static void names_one(void *arg, const struct cpsys_user_info *u)
{
	struct names *nm = arg;
	char entry[24];
	if (u->connected)
		snprintf(entry, sizeof entry, "%-8s - %03X", u->userid, u->line);
	else
		snprintf(entry, sizeof entry, "%-8s - DSC", u->userid);
	nm->users++;
	if (nm->want) {
		if (strcmp(nm->want, u->userid) == 0) {
			nm->found = true;
			snprintf(nm->line, sizeof nm->line, "%s", entry);
		}
		return;
	}
	size_t len = strlen(nm->line);
	snprintf(nm->line + len, sizeof nm->line - len, "%s%-14s", len ? " , " : "", entry);
	if (++nm->n == 4) {
		cp_msg_write(nm->ctx->t, CP_RSP_NAMES_LINE, nm->line);
		nm->line[0] = '\0';
		nm->n = 0;
	}
}

/* QUERY USERS [userid], QUERY NAMES, QUERY userid. */
static enum cp_cmd_rc query_users(struct cp_cmd_ctx *ctx, const char *want, bool names)
{
	if (!ctx->sys)
		return CP_CMD_NOT_AVAILABLE;
	struct names nm = {.ctx = ctx, .want = want};
	cpsys_each_user(ctx->sys, names_one, &nm);
	if (want) {
		if (!nm.found) {
			cp_msg_write(ctx->t, CP_MSG_DMKCFM045E, want);
			return CP_CMD_FAILED;
		}
		cp_msg_write(ctx->t, CP_RSP_NAMES_LINE, nm.line);
		return CP_CMD_OK;
	}
	if (names) {
		if (nm.n) {
			size_t len = strlen(nm.line);
			while (len && nm.line[len - 1] == ' ')
				nm.line[--len] = '\0';
			cp_msg_write(ctx->t, CP_RSP_NAMES_LINE, nm.line);
		}
		return CP_CMD_OK;
	}
	cp_msg_write(ctx->t, CP_RSP_USERS, nm.users, ctx->sys ? cpsys_dialed(ctx->sys) : (size_t)0);
	return CP_CMD_OK;
}

/* QUERY operand (vm370-cp.md 4). */
HANDLER(query)
{
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC026E);
		return CP_CMD_FAILED;
	}
	if (cmd_keyword(cl->tok[1], "TIME", 1)) {
		enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
		if (rc != CP_CMD_OK)
			return rc;
		char when[64];
		cp_msg_time(cmd_now(ctx), when, sizeof when);
		cp_msg_write(ctx->t, CP_RSP_TIME_IS, when);
		write_connect(ctx);
		return CP_CMD_OK;
	}
	if (cmd_keyword(cl->tok[1], "USERS", 1)) {
		enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 3);
		if (rc != CP_CMD_OK)
			return rc;
		return query_users(ctx, cl->n == 3 ? cl->tok[2] : NULL, false);
	}
	if (cmd_keyword(cl->tok[1], "NAMES", 1)) {
		enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
		return rc != CP_CMD_OK ? rc : query_users(ctx, NULL, true);
	}
	if (cmd_keyword(cl->tok[1], "VIRTUAL", 1)) {
		enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 3);
		return rc != CP_CMD_OK ? rc : cmd_query_virtual(ctx, cl);
	}
	/* QUERY userid: a userid in the directory. */
	if (ctx->sys && dir_find(cpsys_directory(ctx->sys), cl->tok[1])) {
		enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
		return rc != CP_CMD_OK ? rc : query_users(ctx, cl->tok[1], false);
	}
	enum cp_cmd_rc drc = cmd_query_devices(ctx, cl);
	if (drc != CP_CMD_UNKNOWN)
		return drc;
	enum cp_cmd_rc mrc = cmd_query_msg(ctx, cl);
	if (mrc != CP_CMD_UNKNOWN)
		return mrc;
	enum cp_cmd_rc src = cmd_query_spool(ctx, cl);
	if (src != CP_CMD_UNKNOWN)
		return src;
	/* LINKS, SET, LOGMSG, ... */
	snprintf(ctx->detail, sizeof ctx->detail, "QUERY %.40s", cl->tok[1]);
	return CP_CMD_NOT_AVAILABLE;
}

static void help_line(struct cp_cmd_ctx *ctx, const struct cp_cmd_desc *d)
{
	char text[160];
	snprintf(text, sizeof text, "%s%s", d->help, d->handler ? "" : " (NOT YET AVAILABLE)");
	cp_msg_write(ctx->t, CP_RSP_HELP_LINE, d->name, d->abbrev, d->classes, text);
}

/* HELP [command]: a line per command the user may use (name, minimum abbreviation, classes,
 * syntax and meaning), or that line for one command. Cambridge's: R6 CP has no HELP. */
HANDLER(help)
{
	if (cl->n == 1) {
		for (size_t i = 0; i < cp_cmd_table_count; i++) {
			const struct cp_cmd_desc *d = &cp_cmd_table[i];
			if (!d->alias && cp_cmd_allowed(d, ctx->classes))
				help_line(ctx, d);
		}
		return CP_CMD_OK;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
	if (rc != CP_CMD_OK)
		return rc;
	const struct cp_cmd_desc *d = cp_cmd_lookup(cl->tok[1]);
	if (!d || !cp_cmd_allowed(d, ctx->classes)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC002E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	help_line(ctx, cp_cmd_by_id(d->id));
	return CP_CMD_OK;
}

/* #CP [command]: the command without the prefix, its result shown here. Alone: enter CP mode,
 * which a terminal reading CP commands already is in. Nesting is bounded by the line length. */
HANDLER(cp)
{
	if (cl->n == 1)
		return CP_CMD_OK;
	struct cp_cmd_line sub;
	cp_cmd_tokenize(&sub, cp_cmd_rest(cl, 1));
	enum cp_cmd_rc rc = cp_cmd_dispatch(ctx, &sub);
	switch (rc) {
	case CP_CMD_UNKNOWN:
	case CP_CMD_PRIVILEGE:
	case CP_CMD_NOT_AVAILABLE:
		cp_cmd_show(ctx, &sub, rc);
		return CP_CMD_FAILED;
	case CP_CMD_OK:
	case CP_CMD_FAILED:
	case CP_CMD_CLOSED:
		break;
	}
	return rc;
}

/* ---- The table ---- */

const struct cp_cmd_desc cp_cmd_table[] = {
#define CP_CMD(name, abbrev, classes, handler, help)                                              \
	{name, abbrev, classes, help, CP_CMD_ID_##handler, false, cmd_##handler},
#define CP_CMD_TODO(name, abbrev, classes, handler, help)                                         \
	{name, abbrev, classes, help, CP_CMD_ID_##handler, false, NULL},
#define CP_ALIAS(name, abbrev, handler) {name, abbrev, NULL, NULL, CP_CMD_ID_##handler, true, NULL},
#include "cp/commands.def"
#undef CP_CMD
#undef CP_CMD_TODO
#undef CP_ALIAS
};
const size_t cp_cmd_table_count = sizeof cp_cmd_table / sizeof cp_cmd_table[0];

const struct cp_cmd_desc *cp_cmd_by_id(enum cp_cmd_id id)
{
	for (size_t i = 0; i < cp_cmd_table_count; i++)
		if (cp_cmd_table[i].id == id && !cp_cmd_table[i].alias)
			return &cp_cmd_table[i];
	return NULL;
}

const struct cp_cmd_desc *cp_cmd_lookup(const char *word)
{
	const struct cp_cmd_desc *best = NULL;
	size_t n = strlen(word);
	for (size_t i = 0; i < cp_cmd_table_count; i++) {
		const struct cp_cmd_desc *d = &cp_cmd_table[i];
		if (strcmp(word, d->name) == 0)
			return d;
		size_t min = strlen(d->abbrev);
		if (n >= min && n < strlen(d->name) && strncmp(word, d->name, n) == 0 &&
		    (!best || min > strlen(best->abbrev)))
			best = d;
	}
	return best;
}

bool cp_cmd_allowed(const struct cp_cmd_desc *d, unsigned classes)
{
	const char *cls = cp_cmd_by_id(d->id)->classes;
	if (strcmp(cls, "ANY") == 0)
		return true;
	for (; *cls; cls++)
		if (classes & DIR_CLASS(*cls))
			return true;
	return false;
}

/* ---- Command lines ---- */

void cp_cmd_tokenize(struct cp_cmd_line *cl, const char *line)
{
	size_t len = strnlen(line, CP_CMD_LINE_MAX);
	memcpy(cl->text, line, len);
	cl->text[len] = '\0';
	cl->n = 0;
	for (size_t i = 0; i <= len; i++) {
		char c = cl->text[i];
		bool blank = c == ' ' || c == '\0';
		cl->buf[0][i] = blank ? '\0' : (char)toupper((unsigned char)c);
		cl->buf[1][i] = blank ? '\0' : c;
		if (!blank && (i == 0 || cl->text[i - 1] == ' ') && cl->n < CP_CMD_TOKENS_MAX) {
			cl->tok[cl->n] = &cl->buf[0][i];
			cl->raw[cl->n] = &cl->buf[1][i];
			cl->off[cl->n] = i;
			cl->n++;
		}
	}
}

const char *cp_cmd_rest(const struct cp_cmd_line *cl, size_t i)
{
	return i < cl->n ? &cl->text[cl->off[i]] : "";
}

/* ---- Running commands ---- */

enum cp_cmd_rc cp_cmd_dispatch(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	ctx->detail[0] = '\0';
	if (cl->n == 0)
		return CP_CMD_OK;
	const struct cp_cmd_desc *d = cp_cmd_lookup(cl->tok[0]);
	if (!d)
		return CP_CMD_UNKNOWN;
	if (!cp_cmd_allowed(d, ctx->classes))
		return CP_CMD_PRIVILEGE;
	const struct cp_cmd_desc *cmd = cp_cmd_by_id(d->id);
	if (!cmd->handler)
		return CP_CMD_NOT_AVAILABLE;
	return cmd->handler(ctx, cl);
}

void cp_cmd_show(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, enum cp_cmd_rc rc)
{
	switch (rc) {
	case CP_CMD_OK:
	case CP_CMD_FAILED:
	case CP_CMD_CLOSED:
		break;
	case CP_CMD_UNKNOWN:
	case CP_CMD_PRIVILEGE:
		cp_msg_write(ctx->t, CP_MSG_DMKCFC001E, cl->n ? cl->tok[0] : "");
		break;
	case CP_CMD_NOT_AVAILABLE: {
		const struct cp_cmd_desc *d = cl->n ? cp_cmd_lookup(cl->tok[0]) : NULL;
		const char *what = ctx->detail[0] ? ctx->detail : d ? cp_cmd_by_id(d->id)->name : "";
		cp_msg_write(ctx->t, CP_MSG_DMKCFC999E, what);
		break;
	}
	}
}

enum cp_cmd_rc cp_cmd_execute(struct cp_cmd_ctx *ctx, const char *line)
{
	struct cp_cmd_line cl;
	cp_cmd_tokenize(&cl, line);
	enum cp_cmd_rc rc = cp_cmd_dispatch(ctx, &cl);
	cp_cmd_show(ctx, &cl, rc);
	explicit_bzero(&cl, sizeof cl); /* it may hold a password (LOGON userid password) */
	return rc;
}
