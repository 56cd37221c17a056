/*
 * cmd_spool.c - the spooling commands (vm370-cp.md 9, and QUERY's spool operands of 4):
 *
 *   SPOOL {Reader|Printer|PUnch|CONsole|vaddr} options      the devices' settings (9.4)
 *   CLOSE {Reader|Printer|PUnch|CONsole|vaddr} [options]    end the open file (9.5)
 *   PURGE {Reader|Printer|PUnch} [ALL|CLass c ...|spoolid ...];  PURGE ALL
 *   ORDER {Reader|Printer|PUnch} {spoolid|CLass c} ...
 *   CHANGE {Reader|Printer|PUnch} {spoolid|CLass c|ALL} [CLass c] [COpy nn] [HOld|NOHold]
 *          [DIst code] [NAme fn [ft]]
 *   TRANSFER [Reader] {spoolid|CLass c|ALL} ... [To] {userid|*};  ... From {userid|ALL}
 *   QUERY Files [CLass c];  QUERY {Reader|Printer|PUnch} [ALL|spoolid|CLass c]
 *
 * Reader, Printer and PUnch are also RDR, PRT and PUN. SPOOL and CLOSE act on every device of the
 * type named (or on the one at vaddr) among the user's devices (vm_devices()), through
 * cp/vspool.h; the queue commands act on the spool (cp/spool.h) as the user: his own files only.
 *
 * Class D (the spooling operator, and the system operator's commands from cambridge-ctl and the
 * operator's console, which come with ctx->vm NULL) may name whose files after the queue word:
 * a userid, SYSTEM (everyone's) or * (his own, the default): PURGE RDR USER1 ALL, QUERY PRT
 * SYSTEM, ORDER PUN SYSTEM 17, CHANGE PRT SYSTEM CLASS A CLASS B, TRANSFER RDR USER1 ALL TO USER2.
 * That position is Cambridge's choice (z/VM's commands put the userid before the queue word).
 *
 * Every operand is checked before anything changes: a wrong one gets its message and nothing is
 * done; an explicit spoolid that is not there (for this user) is DMKCSU042E, and nothing is done.
 * The "nnnn FILES ..." counts, the TRANSFER lines and the CLOSE response are informational: SET
 * IMSG OFF suppresses them (vm_msg_on(vm, CPSYS_SEND_SYS)); the CLOSE response is shown only for
 * a file with several copies, for another user, or held (9.4). SPOOL CONSOLE logs the console
 * (cp/vm.h: vm_conspool); with CONT, CLOSE CONSOLE is ignored until NOCONT, as a printer's or
 * punch's CLOSE is (cp/vspool.h), while SPOOL CONSOLE CLOSE and LOGOFF close it regardless (the
 * console's CONT is kept by cp/cmd_vm.h until struct vm_conspool holds it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp/cmd.h"
#include "cp/cmd_vm.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "cp/spool.h"
#include "cp/vm.h"
#include "cp/vspool.h"

#define SEL_MAX CP_CMD_TOKENS_MAX

/* ---- Operands ---- */

static const char *me(const struct cp_cmd_ctx *ctx)
{
	return ctx->user ? ctx->user->userid : "OPERATOR";
}

static bool imsg(const struct cp_cmd_ctx *ctx)
{
	return !ctx->vm || vm_msg_on(ctx->vm, CPSYS_SEND_SYS);
}

static struct spool *spool_of(struct cp_cmd_ctx *ctx)
{
	return ctx->sys ? cpsys_spool(ctx->sys) : NULL;
}

static bool in_directory(const struct cp_cmd_ctx *ctx, const char *userid)
{
	return ctx->sys && strlen(userid) <= DIR_USERID_MAX &&
	       dir_find(cpsys_directory(ctx->sys), userid) != NULL;
}

/* Reader, Printer, PUnch, or RDR, PRT, PUN. */
static bool queue_word(const char *tok, enum spool_queue *q)
{
	if (cmd_keyword(tok, "READER", 1) || !strcmp(tok, "RDR"))
		*q = SPOOL_Q_READER;
	else if (cmd_keyword(tok, "PRINTER", 1) || !strcmp(tok, "PRT"))
		*q = SPOOL_Q_PRINTER;
	else if (cmd_keyword(tok, "PUNCH", 2))
		*q = SPOOL_Q_PUNCH;
	else
		return false;
	return true;
}

static const char *queue_typ(enum spool_queue q)
{
	return q == SPOOL_Q_READER ? "RDR" : q == SPOOL_Q_PRINTER ? "PRT" : "PUN";
}

static enum vm_dev_kind queue_kind(enum spool_queue q)
{
	return q == SPOOL_Q_READER ? VM_DEV_READER : q == SPOOL_Q_PRINTER ? VM_DEV_PRINTER
									    : VM_DEV_PUNCH;
}

static bool valid_class(const char *tok)
{
	char c = tok[0];
	return tok[0] && !tok[1] && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
}

/* A word of 1 to max printable characters (names, types, distribution codes). */
static bool valid_word(const char *tok, size_t max)
{
	size_t n = strlen(tok);
	if (n < 1 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)tok[i] <= 0x20 || (unsigned char)tok[i] >= 0x7F)
			return false;
	return true;
}

/* 1 to 4 decimal digits; *id may still be above SPOOL_ID_MAX (no such file). */
static bool spoolid(const char *tok, unsigned *id)
{
	size_t n = strlen(tok);
	if (n < 1 || n > 4 || strspn(tok, "0123456789") != n)
		return false;
	*id = (unsigned)strtoul(tok, NULL, 10);
	return *id > 0;
}

/* COPY's count: 1 to 99. */
static bool copies(const char *tok, unsigned *n)
{
	size_t len = strlen(tok);
	if (len < 1 || len > 2 || strspn(tok, "0123456789") != len)
		return false;
	*n = (unsigned)strtoul(tok, NULL, 10);
	return *n >= 1 && *n <= SPOOL_COPIES_MAX;
}

static enum cp_cmd_rc invalid(struct cp_cmd_ctx *ctx, enum cp_msg m, const char *tok)
{
	cp_msg_write(ctx->t, m, tok);
	return CP_CMD_FAILED;
}

static enum cp_cmd_rc missing(struct cp_cmd_ctx *ctx, enum cp_msg m)
{
	cp_msg_write(ctx->t, m);
	return CP_CMD_FAILED;
}

static enum cp_cmd_rc spool_failed(struct cp_cmd_ctx *ctx, enum spool_status st)
{
	cp_msg_write(ctx->t, CP_MSG_DMKCSP998E, "SPOOL", spool_status_str(st));
	return CP_CMD_FAILED;
}

/*
 * Class D's owner operand at cl->tok[*i]: a userid of the directory, SYSTEM (*owner NULL) or *.
 * Without class D, or when the token is none of those, *owner is the user himself and *i stays.
 */
static void owner_operand(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, size_t *i,
			  const char **owner)
{
	*owner = me(ctx);
	if (*i >= cl->n || !cmd_has_class(ctx, "D"))
		return;
	const char *tok = cl->tok[*i];
	if (!strcmp(tok, "*")) {
		(*i)++;
	} else if (!strcmp(tok, "SYSTEM")) {
		*owner = NULL;
		(*i)++;
	} else if (strcmp(tok, "ALL") && !cmd_keyword(tok, "CLASS", 2) && in_directory(ctx, tok)) {
		*owner = tok;
		(*i)++;
	}
}

struct selection {
	struct spool_select sel[SEL_MAX];
	size_t n;
	bool all;
};

/*
 * Selections from cl->tok[*i] on: spoolids, CLass c and (when all_ok) ALL, stopping at the first
 * token that is none of them. CP_CMD_FAILED (message written) for a bad class; *i is past them.
 */
static enum cp_cmd_rc selections(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, size_t *i,
				 bool all_ok, struct selection *s)
{
	s->n = 0;
	s->all = false;
	while (*i < cl->n && s->n < SEL_MAX) {
		const char *tok = cl->tok[*i];
		unsigned id;
		if (spoolid(tok, &id)) {
			s->sel[s->n++] = (struct spool_select){.kind = SPOOL_SEL_ID, .id = id};
		} else if (all_ok && !strcmp(tok, "ALL")) {
			s->sel[s->n++] = (struct spool_select){.kind = SPOOL_SEL_ALL};
			s->all = true;
		} else if (cmd_keyword(tok, "CLASS", 2)) {
			if (*i + 1 >= cl->n || !valid_class(cl->tok[*i + 1])) {
				cp_msg_write(ctx->t, CP_MSG_DMKCSU028E);
				return CP_CMD_FAILED;
			}
			(*i)++;
			s->sel[s->n++] = (struct spool_select){.kind = SPOOL_SEL_CLASS,
							      .class = cl->tok[*i][0]};
		} else {
			break;
		}
		(*i)++;
	}
	return CP_CMD_OK;
}

/* Every explicit spoolid of s on queue q of owner (NULL: anyone's), as actor a? Else
 * DMKCSU042E for the first that is not, and false. */
static bool ids_present(struct cp_cmd_ctx *ctx, struct spool *sp, const struct spool_actor *a,
			enum spool_queue q, const char *owner, const struct selection *s)
{
	for (size_t k = 0; k < s->n; k++) {
		if (s->sel[k].kind != SPOOL_SEL_ID)
			continue;
		struct spool_file_info *out = NULL;
		size_t n = 0;
		bool found = s->sel[k].id <= SPOOL_ID_MAX &&
			     spool_list(sp, a, q, owner, &s->sel[k], 1, &out, &n) == SPOOL_OK && n > 0;
		free(out);
		if (!found) {
			cp_msg_write(ctx->t, CP_MSG_DMKCSU042E, s->sel[k].id);
			return false;
		}
	}
	return true;
}

/* "nnnn FILES verb", "0001 FILE verb", "NO FILES verb" (unless SET IMSG OFF). */
static void count_line(struct cp_cmd_ctx *ctx, enum spool_verb v, unsigned n)
{
	static const enum cp_msg rows[4][3] = {
		{CP_RSP_SPOOL_PURGED_0, CP_RSP_SPOOL_PURGED_1, CP_RSP_SPOOL_PURGED_N},
		{CP_RSP_SPOOL_CHANGED_0, CP_RSP_SPOOL_CHANGED_1, CP_RSP_SPOOL_CHANGED_N},
		{CP_RSP_SPOOL_ORDERED_0, CP_RSP_SPOOL_ORDERED_1, CP_RSP_SPOOL_ORDERED_N},
		{CP_RSP_SPOOL_TRANSFERRED_0, CP_RSP_SPOOL_TRANSFERRED_1, CP_RSP_SPOOL_TRANSFERRED_N},
	};
	if (imsg(ctx))
		cp_msg_write(ctx->t, rows[v][n == 0 ? 0 : n == 1 ? 1 : 2], n);
}

/* ---- The devices SPOOL and CLOSE act on ---- */

enum dev_target_kind {
	TARGET_DEVICES,		/* n spooled devices */
	TARGET_CONSOLE,		/* CONsole, or the console's vaddr */
};

struct dev_target {
	enum dev_target_kind kind;
	enum spool_queue q;	/* the devices' queue (reader: their input) */
	struct chan_dev *d[16];
	size_t n;
};

/* The device operand of SPOOL and CLOSE: CP_CMD_OK with t filled, or the message written. */
static enum cp_cmd_rc device_operand(struct cp_cmd_ctx *ctx, const char *tok, struct dev_target *t)
{
	t->n = 0;
	if (cmd_keyword(tok, "CONSOLE", 3)) {
		t->kind = TARGET_CONSOLE;
		t->q = SPOOL_Q_PRINTER;	/* a closed console file is a printer file */
		return CP_CMD_OK;
	}
	size_t n;
	const struct vm_device *dv = vm_devices(ctx->vm, &n);
	t->kind = TARGET_DEVICES;
	unsigned vaddr;
	if (queue_word(tok, &t->q)) {
		for (size_t i = 0; i < n && t->n < sizeof t->d / sizeof t->d[0]; i++)
			if (dv[i].kind == queue_kind(t->q))
				t->d[t->n++] = dv[i].d;
		if (t->n == 0)
			return invalid(ctx, CP_MSG_DMKCSP040E, queue_typ(t->q));
		return CP_CMD_OK;
	}
	if (!cmd_vaddr(tok, &vaddr))
		return invalid(ctx, CP_MSG_DMKCFC002E, tok);
	for (size_t i = 0; i < n; i++) {
		if (dv[i].vaddr != vaddr)
			continue;
		switch (dv[i].kind) {
		case VM_DEV_CONSOLE:
			t->kind = TARGET_CONSOLE;
			t->q = SPOOL_Q_PRINTER;
			return CP_CMD_OK;
		case VM_DEV_READER:
		case VM_DEV_PUNCH:
		case VM_DEV_PRINTER:
			t->q = dv[i].kind == VM_DEV_READER ? SPOOL_Q_READER
			       : dv[i].kind == VM_DEV_PUNCH ? SPOOL_Q_PUNCH : SPOOL_Q_PRINTER;
			t->d[t->n++] = dv[i].d;
			return CP_CMD_OK;
		default:
			cp_msg_write(ctx->t, CP_MSG_DMKCSP006E, vaddr);
			return CP_CMD_FAILED;
		}
	}
	char what[8];
	snprintf(what, sizeof what, "%03X", vaddr);
	return invalid(ctx, CP_MSG_DMKCSP040E, what);
}

/* The CLOSE response, when the rules of 9.4 want it. */
static void close_response(struct cp_cmd_ctx *ctx, const struct spool_file_info *f)
{
	if (!f->id || !imsg(ctx))
		return;
	if (f->copies <= 1 && !strcmp(f->owner, me(ctx)) && f->hold == SPOOL_HOLD_NONE)
		return;
	cp_msg_write(ctx->t, CP_RSP_SPOOL_CLOSED, spool_devtype_str(f->devtype), f->id,
		     f->queue == SPOOL_Q_READER ? "TO" : "FOR", f->owner, f->copies,
		     f->hold == SPOOL_HOLD_NONE ? "NOHOLD" : "HOLD");
}

/* ---- SPOOL ---- */

/* What a SPOOL command changes; each set_ flag says the option was given. */
struct spool_opts {
	bool set_class, set_cont, set_hold, set_eof, set_copies, set_route;
	bool set_start, start, set_term, term;	/* the console: STArt|STOp, TErm|NOTErm */
	char class;
	bool cont, hold, eof;
	unsigned copies;
	enum vspool_route route;
	char dest[SPOOL_USERID_MAX + 1];
	bool close, purge;
};

/* TO|FOR userid|*|SYSTEM: the userid token, for route r. */
static enum cp_cmd_rc route_target(struct cp_cmd_ctx *ctx, const char *tok, enum vspool_route r,
				   struct spool_opts *o)
{
	o->set_route = true;
	if (!strcmp(tok, "SYSTEM")) {
		o->route = VSPOOL_OFF;
		o->dest[0] = '\0';
		return CP_CMD_OK;
	}
	const char *who = strcmp(tok, "*") ? tok : me(ctx);
	if (strlen(who) > SPOOL_USERID_MAX)
		return missing(ctx, CP_MSG_DMKCSP020E);
	if (!in_directory(ctx, who))
		return invalid(ctx, CP_MSG_DMKCSP053E, who);
	o->route = r;
	snprintf(o->dest, sizeof o->dest, "%s", who);
	return CP_CMD_OK;
}

static enum cp_cmd_rc spool_options(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, size_t i,
				    bool reader, bool console, struct spool_opts *o)
{
	for (; i < cl->n; i++) {
		const char *tok = cl->tok[i];
		const char *next = i + 1 < cl->n ? cl->tok[i + 1] : NULL;
		if (console && (cmd_keyword(tok, "START", 3) || cmd_keyword(tok, "STOP", 3))) {
			o->set_start = true;
			o->start = tok[2] == 'A';
		} else if (console && (cmd_keyword(tok, "TERM", 2) || cmd_keyword(tok, "NOTERM", 4))) {
			o->set_term = true;
			o->term = tok[0] == 'T';
		} else if (cmd_keyword(tok, "CLASS", 2)) {
			if (!next || !(valid_class(next) || (reader && !strcmp(next, "*"))))
				return missing(ctx, CP_MSG_DMKCSP028E);
			o->set_class = true;
			o->class = next[0];
			i++;
		} else if (cmd_keyword(tok, "CONT", 3) || cmd_keyword(tok, "NOCONT", 3)) {
			o->set_cont = true;
			o->cont = tok[0] == 'C';
		} else if (cmd_keyword(tok, "HOLD", 2) || cmd_keyword(tok, "NOHOLD", 3)) {
			o->set_hold = true;
			o->hold = tok[0] == 'H';
		} else if (reader && (!strcmp(tok, "EOF") || cmd_keyword(tok, "NOEOF", 3))) {
			o->set_eof = true;
			o->eof = tok[0] == 'E';
		} else if (!reader && cmd_keyword(tok, "COPY", 2)) {
			if (!next || !copies(next, &o->copies))
				return missing(ctx, CP_MSG_DMKCSP029E);
			o->set_copies = true;
			i++;
		} else if (!reader && !strcmp(tok, "OFF")) {
			o->set_route = true;
			o->route = VSPOOL_OFF;
			o->dest[0] = '\0';
		} else if (!reader && (cmd_keyword(tok, "TO", 1) || cmd_keyword(tok, "FOR", 1))) {
			if (!next)
				return missing(ctx, CP_MSG_DMKCSP020E);
			enum cp_cmd_rc rc = route_target(ctx, next, tok[0] == 'T' ? VSPOOL_TO : VSPOOL_FOR, o);
			if (rc != CP_CMD_OK)
				return rc;
			i++;
		} else if (!reader && !strcmp(tok, "CLOSE")) {
			o->close = true;
		} else if (!reader && !strcmp(tok, "PURGE")) {
			o->purge = true;
		} else if (!reader && (in_directory(ctx, tok) || !strcmp(tok, "*") ||
				       !strcmp(tok, "SYSTEM"))) {
			enum cp_cmd_rc rc = route_target(ctx, tok, VSPOOL_TO, o);
			if (rc != CP_CMD_OK)
				return rc;
		} else {
			return invalid(ctx, CP_MSG_DMKCFC003E, tok);
		}
	}
	return CP_CMD_OK;
}

/* SPOOL dev options (vm370-cp.md 9.4). */
HANDLER(spool)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n < 3)
		return missing(ctx, CP_MSG_DMKCFC026E);
	struct dev_target t;
	enum cp_cmd_rc rc = device_operand(ctx, cl->tok[1], &t);
	if (rc != CP_CMD_OK)
		return rc;
	struct spool_opts o = {0};
	rc = spool_options(ctx, cl, 2, t.q == SPOOL_Q_READER, t.kind == TARGET_CONSOLE, &o);
	if (rc != CP_CMD_OK)
		return rc;
	if (t.kind == TARGET_CONSOLE) {
		/* The console log (9.4): START, STOP, TERM, NOTERM and the printer's options. */
		struct vm_conspool cs;
		vm_conspool_get(ctx->vm, &cs);
		if (o.set_cont)
			cs.cont = o.cont;
		if (o.set_start)
			cs.start = o.start;
		if (o.set_term)
			cs.noterm = !o.term;
		if (o.set_class)
			cs.class = o.class;
		if (o.set_copies)
			cs.copies = o.copies;
		if (o.set_hold)
			cs.hold = o.hold;
		if (o.set_route) {
			cs.route = o.route;
			snprintf(cs.dest, sizeof cs.dest, "%s", o.dest);
		}
		vm_conspool_set(ctx->vm, &cs);
		if (o.close || o.purge) {
			struct vspool_close c = {.purge = o.purge, .force = true};
			struct spool_file_info f;
			enum spool_status st = vm_conspool_close(ctx->vm, &c, &f);
			if (st != SPOOL_OK)
				return spool_failed(ctx, st);
			close_response(ctx, &f);
		}
		return CP_CMD_OK;
	}
	for (size_t k = 0; k < t.n; k++) {
		struct vspool_settings s;
		vspool_get(t.d[k], &s);
		if (o.set_class)
			s.class = o.class;
		if (o.set_cont)
			s.cont = o.cont;
		if (o.set_hold)
			s.hold = o.hold;
		if (o.set_eof)
			s.eof = o.eof;
		if (o.set_copies)
			s.copies = o.copies;
		if (o.set_route) {
			s.route = o.route;
			memcpy(s.dest, o.dest, sizeof s.dest);
		}
		enum spool_status st = vspool_set(t.d[k], &s);
		if (st != SPOOL_OK)
			return spool_failed(ctx, st);
	}
	for (size_t k = 0; k < t.n && (o.close || o.purge); k++) {
		struct spool_file_info f;
		struct vspool_close c = {.force = true, .purge = o.purge};
		enum spool_status st = vspool_close(t.d[k], &c, &f, NULL, 0);
		if (st != SPOOL_OK)
			return spool_failed(ctx, st);
		close_response(ctx, &f);
	}
	return CP_CMD_OK;
}

/* ---- CLOSE ---- */

/* CLOSE dev [PUrge] [HOld|NOHold] [DIst code] [NAme fn [ft]] (vm370-cp.md 9.5). */
HANDLER(close)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n < 2)
		return missing(ctx, CP_MSG_DMKCFC026E);
	struct dev_target t;
	enum cp_cmd_rc rc = device_operand(ctx, cl->tok[1], &t);
	if (rc != CP_CMD_OK)
		return rc;
	bool reader = t.kind == TARGET_DEVICES && t.q == SPOOL_Q_READER;
	struct vspool_close c = {0};
	for (size_t i = 2; i < cl->n; i++) {
		const char *tok = cl->tok[i];
		if (cmd_keyword(tok, "HOLD", 2) || cmd_keyword(tok, "NOHOLD", 3)) {
			c.set_hold = true;
			c.hold = tok[0] == 'H';
		} else if (!reader && cmd_keyword(tok, "PURGE", 2)) {
			c.purge = true;
		} else if (!reader && cmd_keyword(tok, "DIST", 2)) {
			if (i + 1 >= cl->n || !valid_word(cl->tok[i + 1], SPOOL_NAME_MAX))
				return missing(ctx, CP_MSG_DMKCSP032E);
			c.dist = cl->tok[++i];
		} else if (!reader && cmd_keyword(tok, "NAME", 2)) {
			if (i + 1 >= cl->n)
				return missing(ctx, CP_MSG_DMKCFC026E);
			if (!valid_word(cl->tok[i + 1], SPOOL_NAME_MAX))
				return invalid(ctx, CP_MSG_DMKCFC002E, cl->tok[i + 1]);
			c.name = cl->tok[++i];
			c.type = "";
			if (i + 1 < cl->n) {
				const char *ft = cl->tok[i + 1];
				bool keyword = cmd_keyword(ft, "HOLD", 2) || cmd_keyword(ft, "NOHOLD", 3) ||
					       cmd_keyword(ft, "PURGE", 2) || cmd_keyword(ft, "DIST", 2) ||
					       cmd_keyword(ft, "NAME", 2);
				if (!keyword) {
					if (!valid_word(ft, SPOOL_NAME_MAX))
						return invalid(ctx, CP_MSG_DMKCFC002E, ft);
					c.type = cl->tok[++i];
				}
			}
		} else {
			return invalid(ctx, CP_MSG_DMKCFC003E, tok);
		}
	}
	if (t.kind == TARGET_CONSOLE) {
		struct vm_conspool cs;
		vm_conspool_get(ctx->vm, &cs);
		if (cs.cont)
			return CP_CMD_OK;	/* CONT: the file goes on (SPOOL CONSOLE CLOSE ends it) */
		struct spool_file_info f;
		enum spool_status st = vm_conspool_close(ctx->vm, &c, &f);
		if (st != SPOOL_OK)
			return spool_failed(ctx, st);
		close_response(ctx, &f);
		return CP_CMD_OK;
	}
	for (size_t k = 0; k < t.n; k++) {
		struct spool_file_info f;
		enum spool_status st = vspool_close(t.d[k], &c, &f, NULL, 0);
		if (st != SPOOL_OK)
			return spool_failed(ctx, st);
		close_response(ctx, &f);
	}
	return CP_CMD_OK;
}

/* ---- The queue commands ---- */

/* PURGE {Reader|Printer|PUnch} [owner] [ALL|CLass c ...|spoolid ...]; PURGE ALL. */
HANDLER(purge)
{
	struct spool *sp = spool_of(ctx);
	if (!sp)
		return CP_CMD_NOT_AVAILABLE;
	if (cl->n < 2)
		return missing(ctx, CP_MSG_DMKCFC026E);
	struct spool_actor a = {.userid = me(ctx), .oper = cmd_has_class(ctx, "D")};
	if (!strcmp(cl->tok[1], "ALL")) {
		enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
		if (rc != CP_CMD_OK)
			return rc;
		unsigned total = 0;
		for (int q = SPOOL_Q_READER; q <= SPOOL_Q_PUNCH; q++) {
			unsigned n;
			enum spool_status st = spool_purge(sp, &a, (enum spool_queue)q, me(ctx), NULL, 0, &n);
			total += n;
			if (st != SPOOL_OK)
				return spool_failed(ctx, st);
		}
		count_line(ctx, SPOOL_PURGED, total);
		return CP_CMD_OK;
	}
	enum spool_queue q;
	if (!queue_word(cl->tok[1], &q))
		return invalid(ctx, CP_MSG_DMKCFC002E, cl->tok[1]);
	size_t i = 2;
	const char *owner;
	owner_operand(ctx, cl, &i, &owner);
	struct selection s;
	enum cp_cmd_rc rc = selections(ctx, cl, &i, true, &s);
	if (rc != CP_CMD_OK)
		return rc;
	if (i < cl->n)
		return invalid(ctx, CP_MSG_DMKCFC002E, cl->tok[i]);
	if (s.all && s.n > 1)
		return invalid(ctx, CP_MSG_DMKCFC002E, "ALL");
	if (!ids_present(ctx, sp, &a, q, owner, &s))
		return CP_CMD_FAILED;
	unsigned n;
	enum spool_status st = spool_purge(sp, &a, q, owner, s.sel, s.n, &n);
	if (st != SPOOL_OK)
		return spool_failed(ctx, st);
	count_line(ctx, SPOOL_PURGED, n);
	return CP_CMD_OK;
}

/* ORDER {Reader|Printer|PUnch} [owner] {spoolid|CLass c} ... */
HANDLER(order)
{
	struct spool *sp = spool_of(ctx);
	if (!sp)
		return CP_CMD_NOT_AVAILABLE;
	if (cl->n < 3)
		return missing(ctx, CP_MSG_DMKCFC026E);
	enum spool_queue q;
	if (!queue_word(cl->tok[1], &q))
		return invalid(ctx, CP_MSG_DMKCFC002E, cl->tok[1]);
	struct spool_actor a = {.userid = me(ctx), .oper = cmd_has_class(ctx, "D")};
	size_t i = 2;
	const char *owner;
	owner_operand(ctx, cl, &i, &owner);
	struct selection s;
	enum cp_cmd_rc rc = selections(ctx, cl, &i, false, &s);
	if (rc != CP_CMD_OK)
		return rc;
	if (i < cl->n)
		return invalid(ctx, CP_MSG_DMKCFC002E, cl->tok[i]);
	if (s.n == 0)
		return missing(ctx, CP_MSG_DMKCFC026E);
	if (!ids_present(ctx, sp, &a, q, owner, &s))
		return CP_CMD_FAILED;
	unsigned n;
	enum spool_status st = spool_order(sp, &a, q, owner, s.sel, s.n, &n);
	if (st != SPOOL_OK)
		return spool_failed(ctx, st);
	count_line(ctx, SPOOL_ORDERED, n);
	return CP_CMD_OK;
}

static bool change_keyword(const char *tok)
{
	return cmd_keyword(tok, "CLASS", 2) || cmd_keyword(tok, "COPY", 2) ||
	       cmd_keyword(tok, "HOLD", 2) || cmd_keyword(tok, "NOHOLD", 3) ||
	       cmd_keyword(tok, "DIST", 2) || cmd_keyword(tok, "NAME", 2);
}

/* CHANGE {Reader|Printer|PUnch} [owner] {spoolid|CLass c|ALL} changes. */
HANDLER(change)
{
	struct spool *sp = spool_of(ctx);
	if (!sp)
		return CP_CMD_NOT_AVAILABLE;
	if (cl->n < 3)
		return missing(ctx, CP_MSG_DMKCFC026E);
	enum spool_queue q;
	if (!queue_word(cl->tok[1], &q))
		return invalid(ctx, CP_MSG_DMKCFC002E, cl->tok[1]);
	struct spool_actor a = {.userid = me(ctx), .oper = cmd_has_class(ctx, "D")};
	size_t i = 2;
	const char *owner;
	owner_operand(ctx, cl, &i, &owner);
	/* The one selection. */
	struct selection s = {.n = 1};
	unsigned id;
	if (i >= cl->n)
		return missing(ctx, CP_MSG_DMKCFC026E);
	if (spoolid(cl->tok[i], &id)) {
		s.sel[0] = (struct spool_select){.kind = SPOOL_SEL_ID, .id = id};
	} else if (!strcmp(cl->tok[i], "ALL")) {
		s.sel[0] = (struct spool_select){.kind = SPOOL_SEL_ALL};
	} else if (cmd_keyword(cl->tok[i], "CLASS", 2)) {
		if (i + 1 >= cl->n || !valid_class(cl->tok[i + 1]))
			return missing(ctx, CP_MSG_DMKCSU028E);
		s.sel[0] = (struct spool_select){.kind = SPOOL_SEL_CLASS, .class = cl->tok[++i][0]};
	} else {
		return invalid(ctx, CP_MSG_DMKCFC002E, cl->tok[i]);
	}
	i++;
	/* The changes. */
	struct spool_change ch = {0};
	bool any = false;
	for (; i < cl->n; i++, any = true) {
		const char *tok = cl->tok[i];
		const char *next = i + 1 < cl->n ? cl->tok[i + 1] : NULL;
		if (cmd_keyword(tok, "CLASS", 2)) {
			if (!next || !valid_class(next))
				return missing(ctx, CP_MSG_DMKCSU028E);
			ch.class = next[0];
			i++;
		} else if (cmd_keyword(tok, "COPY", 2)) {
			if (!next || !copies(next, &ch.copies))
				return missing(ctx, CP_MSG_DMKCSU029E);
			i++;
		} else if (cmd_keyword(tok, "HOLD", 2) || cmd_keyword(tok, "NOHOLD", 3)) {
			ch.set_hold = true;
			ch.hold = tok[0] == 'H' ? SPOOL_HOLD_USER : SPOOL_HOLD_NONE;
		} else if (cmd_keyword(tok, "DIST", 2)) {
			if (!next || !valid_word(next, SPOOL_NAME_MAX))
				return missing(ctx, CP_MSG_DMKCSU032E);
			ch.dist = next;
			i++;
		} else if (cmd_keyword(tok, "NAME", 2)) {
			if (!next)
				return missing(ctx, CP_MSG_DMKCFC026E);
			if (!valid_word(next, SPOOL_NAME_MAX))
				return invalid(ctx, CP_MSG_DMKCFC002E, next);
			ch.set_name = true;
			ch.name = next;
			ch.type = "";
			i++;
			if (i + 1 < cl->n && !change_keyword(cl->tok[i + 1])) {
				if (!valid_word(cl->tok[i + 1], SPOOL_NAME_MAX))
					return invalid(ctx, CP_MSG_DMKCFC002E, cl->tok[i + 1]);
				ch.type = cl->tok[++i];
			}
		} else {
			return invalid(ctx, CP_MSG_DMKCFC003E, tok);
		}
	}
	if (!any)
		return missing(ctx, CP_MSG_DMKCFC026E);
	if (!ids_present(ctx, sp, &a, q, owner, &s))
		return CP_CMD_FAILED;
	unsigned n;
	enum spool_status st = spool_change(sp, &a, q, owner, s.sel, s.n, &ch, &n);
	if (st != SPOOL_OK)
		return spool_failed(ctx, st);
	count_line(ctx, SPOOL_CHANGED, n);
	return CP_CMD_OK;
}

/* May actor a move reader file id: from owner's reader (reclaim: one he originated, from the
 * reader of owner, or anyone's with owner NULL)? Else DMKCSU042E. */
static bool transfer_id_present(struct cp_cmd_ctx *ctx, struct spool *sp, const struct spool_actor *a,
				unsigned id, const char *owner, bool reclaim)
{
	struct spool_file_info f;
	bool ok = id <= SPOOL_ID_MAX && spool_get(sp, a, id, &f) == SPOOL_OK &&
		  f.queue == SPOOL_Q_READER && (!owner || !strcmp(f.owner, owner)) &&
		  (a->oper || (reclaim ? !strcmp(f.origin, a->userid) : !strcmp(f.owner, a->userid)));
	if (!ok)
		cp_msg_write(ctx->t, CP_MSG_DMKCSU042E, id);
	return ok;
}

/* TRANSFER [Reader] [owner] {spoolid|CLass c|ALL} ... [To] {userid|*}, or ... From {userid|ALL}. */
HANDLER(transfer)
{
	struct spool *sp = spool_of(ctx);
	if (!sp)
		return CP_CMD_NOT_AVAILABLE;
	if (cl->n < 3)
		return missing(ctx, CP_MSG_DMKCFC026E);
	struct spool_actor a = {.userid = me(ctx), .oper = cmd_has_class(ctx, "D")};
	size_t i = 1;
	enum spool_queue q;
	if (queue_word(cl->tok[i], &q)) {
		if (q != SPOOL_Q_READER)
			return invalid(ctx, CP_MSG_DMKCFC002E, cl->tok[i]);
		i++;
	}
	const char *owner;
	owner_operand(ctx, cl, &i, &owner);
	struct selection s;
	enum cp_cmd_rc rc = selections(ctx, cl, &i, true, &s);
	if (rc != CP_CMD_OK)
		return rc;
	if (s.n == 0)
		return i < cl->n ? invalid(ctx, CP_MSG_DMKCFC002E, cl->tok[i])
				 : missing(ctx, CP_MSG_DMKCFC026E);
	if (s.all && s.n > 1)
		return invalid(ctx, CP_MSG_DMKCFC002E, "ALL");
	/* The target: [To] userid|*, or From userid|ALL. */
	bool reclaim = false;
	if (i < cl->n && (cmd_keyword(cl->tok[i], "TO", 1) || cmd_keyword(cl->tok[i], "FROM", 1))) {
		reclaim = cl->tok[i][0] == 'F';
		i++;
	}
	if (i >= cl->n)
		return missing(ctx, CP_MSG_DMKCSU020E);
	const char *who = cl->tok[i++];
	enum cp_cmd_rc extra = cmd_extra_operands(ctx, cl, i);
	if (extra != CP_CMD_OK)
		return extra;
	const char *to, *from;
	if (reclaim) {
		to = me(ctx);
		from = !strcmp(who, "ALL") ? NULL : strcmp(who, "*") ? who : me(ctx);
		if (from && !in_directory(ctx, from))
			return invalid(ctx, strlen(from) > DIR_USERID_MAX ? CP_MSG_DMKCSU020E
									  : CP_MSG_DMKCSU053E, from);
	} else {
		to = strcmp(who, "*") ? who : me(ctx);
		from = owner;
		if (strlen(to) > DIR_USERID_MAX)
			return missing(ctx, CP_MSG_DMKCSU020E);
		if (!in_directory(ctx, to))
			return invalid(ctx, CP_MSG_DMKCSU053E, to);
	}
	for (size_t k = 0; k < s.n; k++)
		if (s.sel[k].kind == SPOOL_SEL_ID &&
		    !transfer_id_present(ctx, sp, &a, s.sel[k].id, from, reclaim))
			return CP_CMD_FAILED;
	unsigned *ids = malloc(SPOOL_ID_MAX * sizeof *ids);
	if (!ids)
		return spool_failed(ctx, SPOOL_ERR_NOMEM);
	unsigned n;
	enum spool_status st = spool_transfer(sp, &a, from, s.sel, s.n, to, ids, SPOOL_ID_MAX, &n);
	if (st != SPOOL_OK) {
		free(ids);
		return spool_failed(ctx, st);
	}
	for (unsigned k = 0; k < n && imsg(ctx); k++)
		cp_msg_write(ctx->t, CP_RSP_SPOOL_TRANSFERRED_TO, ids[k], to);
	free(ids);
	count_line(ctx, SPOOL_TRANSFERRED, n);
	return CP_CMD_OK;
}

/* ---- QUERY ---- */

/* QUERY FILES [CLass c]. */
static enum cp_cmd_rc query_files(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl,
				  struct spool *sp)
{
	char class = 0;
	if (cl->n > 2) {
		if (!cmd_keyword(cl->tok[2], "CLASS", 2))
			return invalid(ctx, CP_MSG_DMKCFC003E, cl->tok[2]);
		if (cl->n < 4 || !valid_class(cl->tok[3]))
			return missing(ctx, CP_MSG_DMKCSU028E);
		class = cl->tok[3][0];
		enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 4);
		if (rc != CP_CMD_OK)
			return rc;
	}
	unsigned counts[3];
	spool_count(sp, me(ctx), class, counts);
	char line[80];
	spool_fmt_files(line, sizeof line, counts);
	cp_msg_write(ctx->t, CP_RSP_SPOOL_LINE, line);
	return CP_CMD_OK;
}

/* QUERY {Reader|Printer|PUnch} [owner] [ALL|spoolid|CLass c]. */
static enum cp_cmd_rc query_queue(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl,
				  struct spool *sp, enum spool_queue q)
{
	struct spool_actor a = {.userid = me(ctx), .oper = cmd_has_class(ctx, "D")};
	size_t i = 2;
	const char *owner;
	owner_operand(ctx, cl, &i, &owner);
	struct selection s = {0};
	bool full = false;
	if (i < cl->n) {
		unsigned id;
		if (!strcmp(cl->tok[i], "ALL")) {
			full = true;
		} else if (spoolid(cl->tok[i], &id)) {
			full = true;
			s.sel[s.n++] = (struct spool_select){.kind = SPOOL_SEL_ID, .id = id};
		} else if (cmd_keyword(cl->tok[i], "CLASS", 2)) {
			if (i + 1 >= cl->n || !valid_class(cl->tok[i + 1]))
				return missing(ctx, CP_MSG_DMKCSU028E);
			s.sel[s.n++] = (struct spool_select){.kind = SPOOL_SEL_CLASS,
							    .class = cl->tok[++i][0]};
		} else {
			return invalid(ctx, CP_MSG_DMKCFC002E, cl->tok[i]);
		}
		i++;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, i);
	if (rc != CP_CMD_OK)
		return rc;
	if (!ids_present(ctx, sp, &a, q, owner, &s))
		return CP_CMD_FAILED;
	struct spool_file_info *f;
	size_t n;
	enum spool_status st = spool_list(sp, &a, q, owner, s.sel, s.n, &f, &n);
	if (st != SPOOL_OK)
		return spool_failed(ctx, st);
	if (n == 0) {
		cp_msg_write(ctx->t, CP_RSP_SPOOL_Q_NONE, queue_typ(q));
		return CP_CMD_OK;
	}
	char line[160];
	cp_msg_write(ctx->t, full ? CP_RSP_SPOOL_Q_HEADER_ALL : CP_RSP_SPOOL_Q_HEADER);
	for (size_t k = 0; k < n; k++) {
		spool_fmt_query_line(line, sizeof line, &f[k], full);
		cp_msg_write(ctx->t, CP_RSP_SPOOL_LINE, line);
	}
	free(f);
	return CP_CMD_OK;
}

enum cp_cmd_rc cmd_query_spool(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	enum spool_queue q;
	bool files = cmd_keyword(cl->tok[1], "FILES", 1);
	if (!files && !queue_word(cl->tok[1], &q))
		return CP_CMD_UNKNOWN;
	struct spool *sp = spool_of(ctx);
	if (!sp) {
		snprintf(ctx->detail, sizeof ctx->detail, "QUERY %.40s", cl->tok[1]);
		return CP_CMD_NOT_AVAILABLE;
	}
	return files ? query_files(ctx, cl, sp) : query_queue(ctx, cl, sp, q);
}
