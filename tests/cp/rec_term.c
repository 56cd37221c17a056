/*
 * rec_term.c - the recording terminal of CP's unit tests: its operations, the line assertions,
 * the pump and the user's side. See rec_term.h.
 */
#include "tests/cp/rec_term.h"

#include <check.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cp/directory.h"
#include "cp/vm.h"

/* ---- The terminal's operations ---- */

static struct rec_term *rec_of(const struct term *t)
{
	return t->priv;
}

static void rec_write_line(struct term *t, const char *text, size_t len)
{
	struct rec_term *r = rec_of(t);
	ck_assert_msg(r->n < REC_TERM_LINES, "recording terminal full: more than %d lines (the last \"%s\")",
		      REC_TERM_LINES, r->lines[REC_TERM_LINES - 1]);
	ck_assert_msg(len < sizeof r->lines[0], "recording terminal: a line of %zu bytes", len);
	memcpy(r->lines[r->n], text, len);
	r->lines[r->n][len] = '\0';
	r->n++;
}

static void rec_read(struct term *t, enum term_read who, const char *prompt, size_t len)
{
	struct rec_term *r = rec_of(t);
	(void)prompt, (void)len;
	switch (who) {
	case TERM_READ_CP:
		r->reads++;
		break;
	case TERM_READ_VM:
		r->vm_reads++;
		break;
	case TERM_READ_LOGON:
		r->logon_reads++;
		break;
	}
	r->last_read = who;
}

static void rec_set_password(struct term *t, bool on)
{
	struct rec_term *r = rec_of(t);
	r->hidden = on;
	r->password_sets++;
}

static void rec_bell(struct term *t)
{
	rec_of(t)->bells++;
}

static void rec_close(struct term *t)
{
	struct rec_term *r = rec_of(t);
	r->closes++;
	r->closed = true;
}

static void rec_set_pf(struct term *t, unsigned key, enum term_pf how, const char *text, size_t len)
{
	struct rec_term *r = rec_of(t);
	ck_assert_msg(key >= 1 && key <= TERM_PF_MAX, "set_pf: key %u", key);
	ck_assert_msg(len < sizeof r->pf[0].text, "set_pf: %zu bytes of text", len);
	r->pf[key].how = how;
	memcpy(r->pf[key].text, text, len);
	r->pf[key].text[len] = '\0';
	r->pf[key].sets++;
	r->npf++;
}

static void rec_display(struct term *t, unsigned line, bool erase, const void *data, size_t len)
{
	struct rec_term *r = rec_of(t);
	ck_assert_msg(len <= sizeof r->ddata, "display: %zu bytes", len);
	r->ndisplay++;
	r->dline = line;
	r->derase = erase;
	if (len)
		memcpy(r->ddata, data, len);
	r->dlen = len;
}

static bool rec_fullscreen(struct term *t, bool on)
{
	struct rec_term *r = rec_of(t);
	r->fullscreen = on;
	r->nfullscreen++;
	return true;
}

static void rec_write_record(struct term *t, const void *rec, size_t len)
{
	struct rec_term *r = rec_of(t);
	ck_assert_msg(len <= sizeof r->record, "write_record: %zu bytes", len);
	memcpy(r->record, rec, len);
	r->record_len = len;
	r->nrecords++;
}

static void rec_read_record(struct term *t, enum term_record_read how)
{
	struct rec_term *r = rec_of(t);
	r->nreadrec++;
	r->readhow = how;
}

static void rec_screen(const struct term *t, struct term_screen *out)
{
	*out = rec_of(t)->screen;
}

static const struct term_ops line_ops = {
	.kind = "line",
	.write_line = rec_write_line,
	.read = rec_read,
	.set_password = rec_set_password,
	.bell = rec_bell,
	.close = rec_close,
};

static const struct term_ops display_ops = {
	.kind = "3270",
	.write_line = rec_write_line,
	.read = rec_read,
	.set_password = rec_set_password,
	.bell = rec_bell,
	.close = rec_close,
	.set_pf = rec_set_pf,
	.display = rec_display,
	.fullscreen = rec_fullscreen,
	.write_record = rec_write_record,
	.read_record = rec_read_record,
	.screen = rec_screen,
};

void rec_term_init(struct rec_term *r)
{
	memset(r, 0, sizeof *r);
	r->t.ops = &line_ops;
	r->t.priv = r;
}

void rec_term_init_3270(struct rec_term *r, unsigned rows, unsigned cols)
{
	rec_term_init(r);
	r->t.ops = &display_ops;
	r->display = true;
	r->screen.rows = rows;
	r->screen.cols = cols;
	unsigned model = cols > 80 ? 5 : rows >= 43 ? 4 : rows >= 32 ? 3 : 2;
	snprintf(r->screen.ttype, sizeof r->screen.ttype, "IBM-3278-%u", model);
}

/* ---- Assertions ---- */

void rec_expect(const struct rec_term *r, const char *what, const char *const *want)
{
	if (!what)
		what = "terminal";
	size_t n = 0;
	for (; want[n]; n++) {
		ck_assert_msg(n < r->n, "%s: line %zu missing (want \"%s\")", what, n, want[n]);
		ck_assert_msg(strcmp(r->lines[n], want[n]) == 0, "%s: line %zu is \"%s\", want \"%s\"", what,
			      n, r->lines[n], want[n]);
	}
	ck_assert_msg(r->n == n, "%s: %zu lines, want %zu (extra: \"%s\")", what, r->n, n,
		      r->n > n ? r->lines[n] : "");
}

void rec_said(const struct rec_term *r, size_t n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		const char *want = va_arg(ap, const char *);
		ck_assert_msg(i < r->n, "line %zu missing, wanted \"%s\"", i, want);
		ck_assert_msg(strcmp(r->lines[i], want) == 0, "line %zu is \"%s\", want \"%s\"", i,
			      r->lines[i], want);
	}
	va_end(ap);
	ck_assert_msg(r->n == n, "%zu lines, want %zu (extra: \"%s\")", r->n, n,
		      r->n > n ? r->lines[n] : "");
}

bool rec_has(const struct rec_term *r, const char *want)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->lines[i], want) == 0)
			return true;
	return false;
}

bool rec_has_part(const struct rec_term *r, const char *part)
{
	for (size_t i = 0; i < r->n; i++)
		if (strstr(r->lines[i], part))
			return true;
	return false;
}

/* ---- The pump ---- */

static double secs_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

void rec_pump_once(struct cpsys *sys)
{
	struct pollfd p = {.fd = cpsys_wake_fd(sys), .events = POLLIN};
	poll(&p, 1, 20);
	cpsys_flush(sys);
}

void rec_pump_until(struct cpsys *sys, bool (*cond)(void *arg), void *arg, const char *what)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!cond(arg)) {
		ck_assert_msg(secs_since(&t0) < REC_PUMP_SECS, "no %s within %d s", what, REC_PUMP_SECS);
		rec_pump_once(sys);
	}
}

struct past {
	const unsigned *counter;
	unsigned before;
};

static bool counter_past(void *arg)
{
	const struct past *p = arg;
	return *p->counter > p->before;
}

void rec_pump_past(struct cpsys *sys, const unsigned *counter, unsigned before, const char *what)
{
	struct past p = {counter, before};
	rec_pump_until(sys, counter_past, &p, what);
}

void rec_pump_read(struct cpsys *sys, struct rec_term *r, unsigned before)
{
	rec_pump_past(sys, &r->reads, before, "CP READ");
}

struct part {
	const struct rec_term *r;
	const char *part;
};

static bool has_part(void *arg)
{
	const struct part *p = arg;
	return rec_has_part(p->r, p->part);
}

void rec_pump_part(struct cpsys *sys, struct rec_term *r, const char *part)
{
	char what[REC_TERM_LINE_MAX + 8];
	snprintf(what, sizeof what, "\"%s\"", part);
	rec_pump_until(sys, has_part, &(struct part){r, part}, what);
}

static bool is_closed(void *arg)
{
	return ((const struct rec_term *)arg)->closed;
}

void rec_pump_closed(struct cpsys *sys, struct rec_term *r)
{
	rec_pump_until(sys, is_closed, r, "close");
}

struct count {
	struct cpsys *sys;
	size_t n;
};

static bool users_are(void *arg)
{
	const struct count *c = arg;
	return cpsys_users(c->sys) == c->n;
}

static bool vms_are(void *arg)
{
	const struct count *c = arg;
	return cpsys_vm_count(c->sys) == c->n;
}

void rec_pump_users(struct cpsys *sys, size_t n)
{
	char what[48];
	snprintf(what, sizeof what, "%zu users logged on", n);
	rec_pump_until(sys, users_are, &(struct count){sys, n}, what);
}

void rec_pump_vms(struct cpsys *sys, size_t n)
{
	char what[48];
	snprintf(what, sizeof what, "%zu virtual machines left", n);
	rec_pump_until(sys, vms_are, &(struct count){sys, n}, what);
}

void rec_pump_idle(struct cpsys *sys, int idle_ms)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct pollfd p = {.fd = cpsys_wake_fd(sys), .events = POLLIN};
	while (poll(&p, 1, idle_ms) > 0) {
		cpsys_flush(sys);
		ck_assert_msg(secs_since(&t0) < REC_PUMP_SECS, "output still coming after %d s",
			      REC_PUMP_SECS);
	}
}

/* ---- The user's side ---- */

void rec_send(struct rec_term *r, const char *line)
{
	struct term_event ev = {.type = TERM_EV_LINE, .text = line, .len = strlen(line)};
	term_deliver(&r->t, &ev);
}

void rec_attention(struct rec_term *r)
{
	struct term_event ev = {.type = TERM_EV_ATTENTION};
	term_deliver(&r->t, &ev);
}

void rec_type(struct cpsys *sys, struct rec_term *r, const char *line)
{
	unsigned before = r->reads;
	rec_clear(r);
	rec_send(r, line);
	char what[REC_TERM_LINE_MAX + 24];
	snprintf(what, sizeof what, "CP READ after \"%s\"", line);
	rec_pump_past(sys, &r->reads, before, what);
}

void rec_type_expect(struct cpsys *sys, struct rec_term *r, const char *const *strs)
{
	rec_type(sys, r, strs[0]);
	rec_expect(r, strs[0], strs + 1);
}

struct vmblok *rec_logon(struct cpsys *sys, const struct dir_user *u, struct rec_term *r,
			 unsigned line)
{
	ck_assert_ptr_nonnull(u);
	unsigned other;
	char why[80] = "";
	unsigned before = r->reads;
	enum vm_logon_result got = vm_logon(sys, u, &r->t, line, true, &other, why, sizeof why);
	ck_assert_msg(got == VM_LOGON_OK, "logon %s: %d %s", u->userid, got, why);
	rec_pump_past(sys, &r->reads, before, "CP READ after logon");
	rec_clear(r);
	return r->t.owner;
}
