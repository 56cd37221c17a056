/*
 * rec_term.h - the recording terminal of CP's unit tests: a struct term (cp/term.h) that keeps the
 * lines CP writes and counts what CP asks of it, assertions on those lines, and the pump that
 * passes a system's output to it (tests/cp/librecterm.a).
 *
 *	static struct rec_term r;
 *	rec_term_init(&r);				a line terminal; rec_term_init_3270(&r, 24, 80)
 *	struct vmblok *vm = rec_logon(sys, dir_find(dir, "ALICE"), &r, 0x020);
 *	rec_type(sys, &r, "QUERY TIME");		a line typed; pumps to the next CP READ
 *	rec_said(&r, 2, "TIME IS ...", "CONNECT= ...");	exactly these lines, in order
 *	REC_TYPE_EXPECT(sys, &r, "Q T", "TIME IS ...", "CONNECT= ...");	the two at once
 *	ck_assert(rec_has(&r, "VM/370 ONLINE"));
 *
 * Without a system (cp_cmd_execute() with ctx.t = &r.t) CP writes to the terminal at once; with one
 * (vm_logon()) a user's output reaches it only in cpsys_flush(), which the rec_pump_* calls run.
 *
 * Contracts. A rec_term is the test's: put it where the test likes (static, on the stack), but
 * it must outlive its use by CP (log the user off, or deliver TERM_EV_DISCONNECTED, before it
 * goes). Its operations run on the thread that calls CP or cpsys_flush() - the test's - and
 * nothing is locked. Every check is a Check assertion: a failure (a line longer than
 * REC_TERM_LINE_MAX - 1, more than REC_TERM_LINES lines between two rec_clear() calls, a pump that
 * waits longer than REC_PUMP_SECS) ends the test with a message that says which.
 */
#ifndef TESTS_CP_REC_TERM_H
#define TESTS_CP_REC_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cp/term.h"

struct cpsys;
struct dir_user;
struct vmblok;

#define REC_TERM_LINES 128	/* lines kept between two rec_clear() calls */
#define REC_TERM_LINE_MAX 300	/* a line's bytes and its NUL */
#define REC_TERM_PF_TEXT 130	/* a PF key's text and its NUL */
#define REC_PUMP_SECS 10	/* the longest a pump waits (sanitizer builds are slow) */

struct rec_term {
	struct term t;			/* CP's view: t.priv is this rec_term */

	/* ---- What CP wrote (write_line); rec_clear() forgets it ---- */
	char lines[REC_TERM_LINES][REC_TERM_LINE_MAX];
	size_t n;

	/* ---- What CP asked: counters since rec_term_init() ---- */
	unsigned reads;			/* reads for CP (TERM_READ_CP): CP READ */
	unsigned vm_reads;		/* reads for the virtual machine: VM READ */
	unsigned logon_reads;		/* the logo's reads (TERM_READ_LOGON) */
	enum term_read last_read;	/* whose the last read was; meaningless before the first */
	bool hidden;			/* the last set_password: on */
	unsigned password_sets;		/* set_password calls, on and off */
	unsigned bells;
	unsigned closes;
	bool closed;			/* closes > 0 */

	/* ---- A display (rec_term_init_3270); a line terminal has none of these operations ---- */
	bool display;
	struct term_screen screen;	/* what term_screen() answers */
	struct {
		enum term_pf how;
		char text[REC_TERM_PF_TEXT];
		unsigned sets;		/* set_pf calls for this key */
	} pf[TERM_PF_MAX + 1];		/* by key, 1-24 */
	unsigned npf;			/* set_pf calls, any key */
	unsigned ndisplay;		/* display calls; the last one's: */
	unsigned dline;
	bool derase;
	uint8_t ddata[256];
	size_t dlen;
	bool fullscreen;		/* the last fullscreen call's on */
	unsigned nfullscreen;		/* fullscreen calls, on and off */
	unsigned nrecords;		/* write_record calls; the last one's record: */
	uint8_t record[512];
	size_t record_len;
	unsigned nreadrec;		/* read_record calls; the last one's how: */
	enum term_record_read readhow;
};

/* A line terminal (kind "line"), everything zero. */
void rec_term_init(struct rec_term *r);
/* A 3270 (kind "3270") of rows x cols, IBM-3278-2 to -5 by its size, not extended. */
void rec_term_init_3270(struct rec_term *r, unsigned rows, unsigned cols);

/* Forget the lines kept so far. */
static inline void rec_clear(struct rec_term *r)
{
	r->n = 0;
}

/* ---- Assertions on the lines kept ---- */

/* Exactly the lines want (NULL-terminated), in order; what (may be NULL) names the case in the
 * failure's message, e.g. the command that was typed. */
void rec_expect(const struct rec_term *r, const char *what, const char *const *want);
/* Exactly the n lines given, in order. */
void rec_said(const struct rec_term *r, size_t n, ...);
/* Whether a line kept is want exactly / holds part. */
bool rec_has(const struct rec_term *r, const char *want);
bool rec_has_part(const struct rec_term *r, const char *part);

/* ---- The pump: cpsys_flush() until something holds, REC_PUMP_SECS at the most ---- */

/* Wait for sys's wake descriptor (20 ms at the most), then cpsys_flush(). */
void rec_pump_once(struct cpsys *sys);
/* Until cond(arg); what names the wait in the failure's message. */
void rec_pump_until(struct cpsys *sys, bool (*cond)(void *arg), void *arg, const char *what);
/* Until *counter > before (a counter of a rec_term, or the test's). */
void rec_pump_past(struct cpsys *sys, const unsigned *counter, unsigned before, const char *what);
/* Until r has had a CP READ more than before. */
void rec_pump_read(struct cpsys *sys, struct rec_term *r, unsigned before);
/* Until a line kept by r holds part. */
void rec_pump_part(struct cpsys *sys, struct rec_term *r, const char *part);
/* Until CP has closed r. */
void rec_pump_closed(struct cpsys *sys, struct rec_term *r);
/* Until the system has n users logged on / n virtual machines not yet freed. */
void rec_pump_users(struct cpsys *sys, size_t n);
void rec_pump_vms(struct cpsys *sys, size_t n);
/* Until no output has come for idle_ms. */
void rec_pump_idle(struct cpsys *sys, int idle_ms);

/* ---- The user's side ---- */

/* Deliver the line typed (TERM_EV_LINE) / the attention key to r's handler; no waiting. */
void rec_send(struct rec_term *r, const char *line);
void rec_attention(struct rec_term *r);
/* Forget r's lines, deliver line, pump to r's next CP READ: its responses are r's lines. */
void rec_type(struct cpsys *sys, struct rec_term *r, const char *line);
/* rec_type(strs[0]), then exactly the lines strs[1...] (NULL-terminated). */
void rec_type_expect(struct cpsys *sys, struct rec_term *r, const char *const *strs);
#define REC_TYPE_EXPECT(sys, r, ...) rec_type_expect(sys, r, (const char *[]){__VA_ARGS__, NULL})
/* Log u on at r (vm_logon, NOIPL) as terminal address line, pump to the first CP READ, forget
 * the lines: the user's virtual machine. */
struct vmblok *rec_logon(struct cpsys *sys, const struct dir_user *u, struct rec_term *r,
			 unsigned line);

#endif
