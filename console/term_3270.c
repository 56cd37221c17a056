/*
 * term_3270.c - the VM/370 3270 console (see term_3270.h).
 *
 * The model. CP's screen is kept as cells: the output area (want: what CP means the terminal to
 * show; shown: what the records sent so far made of it), the input area's text as far as the term
 * knows it (put there by a PF key or RETRIEVE, or read back from the last inbound record), and
 * the status. A tick compares want with shown row by row and sends the rows that differ, the
 * input area when it was rewritten and the status when its text changed, in one Write; `redraw`
 * makes it an Erase/Write of the whole layout instead (at start, CLEAR, a bad inbound record, a
 * new size, the end of full screen). Output that does not fit waits in a ring (queue) behind
 * MORE....
 *
 * Events are delivered last in every function: the handler may call back into the term (read,
 * write_line, close), and close() leaves the term for the server to free later, so nothing of it
 * is touched after term_deliver() (line texts are copied to the heap first).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "console/ds3270.h"
#include "console/term_3270.h"
#include "lib/ebcdic.h"

#define CELL_FA		0x100u	/* a cell that holds a field attribute (low 6 bits) */
#define STATUS_LEN	20u	/* the status text: the last 20 positions */
#define RA_CHUNK	480u	/* DMKGRF fills the output area with RAs to 479, 959, 1439 */
#define PF_TEXT_MAX	255u	/* a PF key's text */
#define SCREEN_POS_MAX	16383u	/* the largest buffer (14-bit addresses) */

#define ATTR_INPUT	(DS_FA_MDT)			/* X'C1' */
#define ATTR_PASSWORD	(DS_FA_DARK | DS_FA_MDT)	/* X'4D' */
#define ATTR_STATUS	(DS_FA_PROTECT)			/* X'60' */
#define COLOR_OUTPUT	0xF4				/* green, extended terminals only */

enum base {		/* whose turn it is, shown when nothing else is */
	BASE_RUNNING,
	BASE_CP,
	BASE_VM,
	BASE_LOGON,
};

enum hold {
	HOLD_NONE,
	HOLD_MORE,	/* the output area is full and lines wait; cleared by time */
	HOLD_HOLDING,	/* the same, held by the user: no timeout */
};

struct qline {
	size_t len;
	uint8_t text[];	/* EBCDIC, no bytes below X'40' */
};

struct pf_key {
	enum term_pf how;
	char *text;	/* ISO 8859-1, NULL when empty */
	size_t len;
};

struct t3270 {
	struct term term;
	const struct term_3270_io *io;
	void *ctx;
	char ttype[41];
	bool extended;
	bool closed;		/* CP closed it or the session ended: no more output or events */

	/* The layout, from rows x cols (the alternate size in use). */
	unsigned rows, cols, size;
	unsigned out_rows;	/* rows - 2 */
	unsigned in_attr;	/* the input attribute: the last position of the output area */
	unsigned in_start, in_len;
	unsigned st_attr;	/* the status attribute; its text follows to the end */

	/* The output area: in_attr cells each. */
	uint16_t *want, *shown;
	unsigned next_row;	/* the first free row of want */
	struct qline *queue[T3270_QUEUE_MAX];	/* ring: lines waiting behind MORE... */
	size_t qhead, qcount;

	/* Status. */
	enum base base;
	enum hold hold;
	bool not_accepted;
	bool delivered;		/* a line went to CP since the last read(): the next is refused */
	bool password;
	bool more_alarmed;
	uint64_t more_alarm_at, more_clear_at;
	uint8_t st_sent[STATUS_LEN];	/* the status text the terminal shows (EBCDIC) */

	/* The input area, as far as the term knows it. */
	uint8_t *in_text;	/* EBCDIC, in_len bytes */
	size_t in_text_len;

	/* What the next tick sends. */
	bool dirty;
	uint64_t dirty_at;
	bool redraw;		/* Erase/Write the whole layout */
	bool in_dirty;		/* rewrite the input area (attribute, text, cursor) */
	bool alarm;
	bool kbd;		/* send a record even if nothing changed (the keyboard is locked) */

	struct pf_key pf[TERM_PF_MAX];
	char *hist[T3270_HISTORY];	/* RETRIEVE: the last lines entered, NUL-terminated */
	unsigned nhist, hnext, hpos;

	bool query_pending;	/* the Read Partition Query went out; AID X'88' answers it */
	struct ds_screen *fs;	/* full screen: the model of the terminal's buffer; else NULL */
};

static struct t3270 *tc(const struct term *t)
{
	return t->priv;
}

/* ---- Terminal types ---- */

bool term_3270_model(const char *ttype, unsigned *rows, unsigned *cols, bool *extended)
{
	static const struct {
		const char *name;
		unsigned rows, cols;
		bool extended, e_ok;	/* e_ok: a "-E" suffix is allowed */
	} types[] = {
		{"IBM-3278-2", 24, 80, false, true},  {"IBM-3279-2", 24, 80, false, true},
		{"IBM-3278-3", 32, 80, false, true},  {"IBM-3279-3", 32, 80, false, true},
		{"IBM-3278-4", 43, 80, false, true},  {"IBM-3279-4", 43, 80, false, true},
		{"IBM-3278-5", 27, 132, false, true}, {"IBM-3279-5", 27, 132, false, true},
		{"IBM-3277-2", 24, 80, false, false}, {"IBM-3179-2", 24, 80, true, false},
		{"IBM-3180-2", 27, 132, false, false}, {"IBM-3477-FC", 27, 132, true, false},
		{"IBM-DYNAMIC", 24, 80, true, false},
	};
	if (!ttype)
		return false;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t n = strlen(types[i].name);
		if (strncasecmp(ttype, types[i].name, n) != 0)
			continue;
		bool ext = types[i].extended;
		if (ttype[n] == '\0')
			;
		else if (types[i].e_ok && strcasecmp(ttype + n, "-E") == 0)
			ext = true;
		else
			continue;
		if (rows)
			*rows = types[i].rows;
		if (cols)
			*cols = types[i].cols;
		if (extended)
			*extended = ext;
		return true;
	}
	return false;
}

/* A size a layout (and ds_screen_new) can have. */
static bool size_ok(unsigned rows, unsigned cols)
{
	return rows >= 24 && rows <= 255 && cols >= 80 && cols <= 255 &&
	       rows * cols <= SCREEN_POS_MAX;
}

/* ---- The layout ---- */

static void set_layout(struct t3270 *c, unsigned rows, unsigned cols)
{
	c->rows = rows;
	c->cols = cols;
	c->size = rows * cols;
	c->out_rows = rows - 2;
	c->in_attr = c->out_rows * cols - 1;
	c->in_start = c->in_attr + 1;
	c->st_attr = c->size - STATUS_LEN - 1;
	c->in_len = c->st_attr - c->in_start;
}

static bool alternate(const struct t3270 *c)
{
	return !(c->rows == 24 && c->cols == 80);
}

static unsigned row_start(const struct t3270 *c, unsigned r)
{
	return r * c->cols;
}

/* One past the row's last output position (the last row ends at the input attribute). */
static unsigned row_end(const struct t3270 *c, unsigned r)
{
	unsigned e = (r + 1) * c->cols;
	return e > c->in_attr ? c->in_attr : e;
}

/* The rows a line of len positions takes from row r (an empty line takes one). */
static unsigned rows_needed(const struct t3270 *c, unsigned r, size_t len)
{
	unsigned n = 0;
	do {
		unsigned w = r + n < c->out_rows ? row_end(c, r + n) - row_start(c, r + n) : c->cols;
		len -= len < w ? len : w;
		n++;
	} while (len > 0);
	return n;
}

static bool fits(const struct t3270 *c, size_t len)
{
	return c->next_row < c->out_rows &&
	       rows_needed(c, c->next_row, len) <= c->out_rows - c->next_row;
}

static void mark_dirty(struct t3270 *c)
{
	if (!c->dirty) {
		c->dirty = true;
		c->dirty_at = c->io->now(c->ctx);
	}
}

/* ---- The output area ---- */

/* Put a line (which fits) into want from next_row. */
static void put_line(struct t3270 *c, const uint8_t *e, size_t len)
{
	unsigned r = c->next_row;
	do {
		unsigned s = row_start(c, r), w = row_end(c, r) - s;
		size_t n = len < w ? len : w;
		for (unsigned i = 0; i < w; i++)
			c->want[s + i] = i < n ? e[i] : 0;
		e += n;
		len -= n;
		r++;
	} while (len > 0 && r < c->out_rows);
	c->next_row = r;
}

static void start_more(struct t3270 *c)
{
	uint64_t now = c->io->now(c->ctx);
	c->hold = HOLD_MORE;
	c->more_alarmed = false;
	c->more_alarm_at = now + T3270_MORE_ALARM_MS;
	c->more_clear_at = now + T3270_MORE_CLEAR_MS;
}

static void queue_push(struct t3270 *c, const uint8_t *e, size_t len)
{
	struct qline *q = malloc(sizeof *q + len);
	if (!q)
		return;		/* out of memory: the line is lost, as if dropped for age */
	q->len = len;
	memcpy(q->text, e, len);
	if (c->qcount == T3270_QUEUE_MAX) {	/* full: drop the oldest */
		free(c->queue[c->qhead]);
		c->qhead = (c->qhead + 1) % T3270_QUEUE_MAX;
		c->qcount--;
	}
	c->queue[(c->qhead + c->qcount) % T3270_QUEUE_MAX] = q;
	c->qcount++;
}

/* Show what waits from the top of an empty output area; MORE... again while lines remain. */
static void drain(struct t3270 *c)
{
	while (c->qcount > 0) {
		struct qline *q = c->queue[c->qhead];
		if (!fits(c, q->len))
			break;
		put_line(c, q->text, q->len);
		free(q);
		c->qhead = (c->qhead + 1) % T3270_QUEUE_MAX;
		c->qcount--;
	}
	if (c->qcount > 0)
		start_more(c);
	else
		c->hold = HOLD_NONE;
}

/* Erase the output area (ends MORE... and HOLDING) and show the waiting lines. */
static void clear_output(struct t3270 *c)
{
	memset(c->want, 0, c->in_attr * sizeof c->want[0]);
	c->next_row = 0;
	c->hold = HOLD_NONE;
	drain(c);
	mark_dirty(c);
}

/* One line of output (EBCDIC, sanitized): shown now or queued behind MORE.... */
static void out_line(struct t3270 *c, const uint8_t *e, size_t len)
{
	if (len > c->in_attr)
		len = c->in_attr;	/* more than the whole area: cut */
	if (c->qcount == 0 && c->hold == HOLD_NONE && fits(c, len)) {
		put_line(c, e, len);
	} else {
		queue_push(c, e, len);
		if (c->hold == HOLD_NONE)
			start_more(c);
	}
	mark_dirty(c);
}

/* ISO 8859-1 into EBCDIC for the screen: controls become blanks. out has room for len. */
static size_t to_screen(uint8_t *out, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t e = latin1_to_ebcdic[(uint8_t)text[i]];
		out[i] = e < 0x40 ? 0x40 : e;
	}
	return len;
}

static void out_text(struct t3270 *c, const char *text, size_t len)
{
	if (len > c->in_attr)
		len = c->in_attr;
	uint8_t *e = malloc(len ? len : 1);
	if (!e)
		return;
	to_screen(e, text, len);
	out_line(c, e, len);
	free(e);
}

/* ---- The status ---- */

static void status_text(const struct t3270 *c, uint8_t out[STATUS_LEN])
{
	const char *s;
	bool at_end = false;	/* right-justified */
	if (c->not_accepted)
		s = "NOT ACCEPTED";
	else if (c->hold == HOLD_MORE)
		s = "MORE...";
	else if (c->hold == HOLD_HOLDING)
		s = "HOLDING";
	else if (c->base == BASE_CP)
		s = "CP READ";
	else if (c->base == BASE_VM)
		s = "VM READ";
	else if (c->base == BASE_LOGON)
		s = "VM/370 Online", at_end = true;	/* R6's casing to confirm */
	else
		s = "RUNNING";
	memset(out, 0x40, STATUS_LEN);
	/* The states left-justified, blank-padded; the logo's "VM/370 Online" ends the screen, as
	 * the VM/370 Community Edition shows it (consoles.md 5). */
	size_t n = strlen(s);
	to_screen(at_end ? out + STATUS_LEN - n : out, s, n);
}

/* ---- Building records ---- */

static void put_cmd(struct ds_buf *b, uint8_t cmd, uint8_t wcc)
{
	ds_put_byte(b, cmd);
	ds_put_byte(b, ds_code6(wcc & 0x3F));
}

static void put_status_attr(const struct t3270 *c, struct ds_buf *b)
{
	if (c->extended)
		ds_put_sfe(b, ATTR_STATUS, COLOR_OUTPUT, 0);
	else
		ds_put_sf(b, ATTR_STATUS);
}

static void put_status(struct t3270 *c, struct ds_buf *b)
{
	status_text(c, c->st_sent);
	ds_put_sba(b, c->st_attr, c->size);
	put_status_attr(c, b);
	ds_put_bytes(b, c->st_sent, STATUS_LEN);
}

/* The input area: DMKGRF's clear-input stream, with the term's text in it and the cursor after. */
static void put_input(struct t3270 *c, struct ds_buf *b)
{
	ds_put_sba(b, c->in_attr, c->size);
	ds_put_sf(b, ATTR_PASSWORD);	/* dark while it changes */
	ds_put_bytes(b, c->in_text, c->in_text_len);
	ds_put_ic(b);
	if (c->in_text_len < c->in_len)
		ds_put_eua(b, c->st_attr, c->size);
	ds_put_sba(b, c->in_attr, c->size);
	ds_put_sf(b, c->password ? ATTR_PASSWORD : ATTR_INPUT);
}

/* Row r of the output area where want differs from shown; shown takes want's row. */
static void put_row(struct t3270 *c, struct ds_buf *b, unsigned r)
{
	unsigned s = row_start(c, r), e = row_end(c, r);
	if (memcmp(c->want + s, c->shown + s, (e - s) * sizeof c->want[0]) == 0)
		return;
	unsigned lw = s, ls = s;	/* one past the last non-null cell of want, of shown */
	for (unsigned i = s; i < e; i++) {
		if (c->want[i])
			lw = i + 1;
		if (c->shown[i])
			ls = i + 1;
	}
	ds_put_sba(b, s, c->size);
	for (unsigned i = s; i < lw; i++) {
		if (c->want[i] & CELL_FA)
			ds_put_sf(b, (uint8_t)(c->want[i] & 0x3F));
		else
			ds_put_byte(b, (uint8_t)c->want[i]);	/* >= X'40', or a null */
	}
	if (ls > lw)
		ds_put_ra(b, e, c->size, 0x00);
	memcpy(c->shown + s, c->want + s, (e - s) * sizeof c->want[0]);
}

/* The whole layout: DMKGRF's set-up stream (EWA for a larger screen), then the output area. */
static void put_layout(struct t3270 *c, struct ds_buf *b, uint8_t wcc)
{
	put_cmd(b, alternate(c) ? DS_CMD_EWA : DS_CMD_EW, wcc);
	ds_put_sba(b, 0, c->size);
	for (unsigned stop = RA_CHUNK - 1; stop < c->in_attr; stop += RA_CHUNK)
		ds_put_ra(b, stop, c->size, 0x00);
	ds_put_ra(b, c->in_attr, c->size, 0x00);
	ds_put_sf(b, c->password ? ATTR_PASSWORD : ATTR_INPUT);
	ds_put_bytes(b, c->in_text, c->in_text_len);
	ds_put_ic(b);
	put_status(c, b);
	memset(c->shown, 0, c->in_attr * sizeof c->shown[0]);
	for (unsigned r = 0; r < c->out_rows; r++)
		put_row(c, b, r);
}

/* Send what changed since the last record. */
static void send_update(struct t3270 *c)
{
	struct ds_buf b = {0};
	uint8_t wcc = DS_WCC_RESTORE | (c->alarm ? DS_WCC_ALARM : 0);
	bool must = c->kbd || c->alarm || c->redraw;
	if (c->redraw) {
		put_layout(c, &b, wcc);
	} else {
		put_cmd(&b, DS_CMD_W, wcc);
		for (unsigned r = 0; r < c->out_rows; r++)
			put_row(c, &b, r);
		if (c->in_dirty)
			put_input(c, &b);
		uint8_t st[STATUS_LEN];
		status_text(c, st);
		if (memcmp(st, c->st_sent, STATUS_LEN) != 0)
			put_status(c, &b);
	}
	c->dirty = c->redraw = c->in_dirty = c->alarm = c->kbd = false;
	if (b.oom) {
		/* The terminal may now differ from shown: draw it all next time. */
		c->redraw = true;
		mark_dirty(c);
	} else if (must || b.len > 2) {
		c->io->send(c->ctx, b.p, b.len);
	}
	ds_buf_free(&b);
}

static void send_bytes(struct t3270 *c, struct ds_buf *b)
{
	if (!b->oom && !c->closed)
		c->io->send(c->ctx, b->p, b->len);
	ds_buf_free(b);
}

static void want_redraw(struct t3270 *c)
{
	c->redraw = true;
	mark_dirty(c);
}

/* ---- The input area ---- */

/* Put ISO 8859-1 text into the input area (a PF key's, RETRIEVE's), cursor after it. */
static void set_input(struct t3270 *c, const char *text, size_t len)
{
	if (len > c->in_len)
		len = c->in_len;
	c->in_text_len = to_screen(c->in_text, text, len);
	c->in_dirty = true;
	c->kbd = true;
	mark_dirty(c);
}

static void clear_input(struct t3270 *c)
{
	c->in_text_len = 0;
	c->in_dirty = true;
	mark_dirty(c);
}

static void hist_add(struct t3270 *c, const char *line, size_t len)
{
	if (len == 0)
		return;
	char *p = malloc(len + 1);
	if (!p)
		return;
	memcpy(p, line, len);
	p[len] = '\0';
	free(c->hist[c->hnext]);
	c->hist[c->hnext] = p;
	c->hnext = (c->hnext + 1) % T3270_HISTORY;
	if (c->nhist < T3270_HISTORY)
		c->nhist++;
	c->hpos = 0;
}

static void retrieve(struct t3270 *c)
{
	c->kbd = true;
	mark_dirty(c);
	if (c->nhist == 0)
		return;
	unsigned k = c->hpos % c->nhist;
	unsigned i = (c->hnext + T3270_HISTORY - 1 - k) % T3270_HISTORY;
	c->hpos = (k + 1) % c->nhist;
	set_input(c, c->hist[i], strlen(c->hist[i]));
}

/* ---- Lines in ---- */

/* The input field's EBCDIC as a line: ISO 8859-1, nulls dropped, controls as blanks, trailing
 * blanks removed. out has room for len + 1. */
static size_t from_screen(char *out, const uint8_t *e, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (e[i] == 0x00)
			continue;
		uint8_t ch = ebcdic_to_latin1[e[i]];
		out[n++] = (ch < 0x20 || (ch >= 0x7F && ch < 0xA0)) ? ' ' : (char)ch;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return n;
}

/* A line for CP (typed or an IMMED key's): state first, then the event. */
static void enter_line(struct t3270 *c, const char *line, size_t len, bool truncated, bool typed)
{
	if (len == 0 && c->hold == HOLD_MORE) {
		c->hold = HOLD_HOLDING;
		c->kbd = true;
		mark_dirty(c);
		return;
	}
	if (len == 0 && c->hold == HOLD_HOLDING) {
		c->kbd = true;
		mark_dirty(c);
		return;
	}
	if (c->delivered) {
		/* One line is with CP already: refuse this one; what was typed stays. */
		c->not_accepted = true;
		c->alarm = true;
		mark_dirty(c);
		return;
	}
	char *copy = malloc(len + 1);
	if (!copy) {
		c->kbd = true;
		mark_dirty(c);
		return;
	}
	memcpy(copy, line, len);
	copy[len] = '\0';
	if (!c->password) {
		out_text(c, line, len);
		if (typed)
			hist_add(c, line, len);
	}
	if (typed)
		clear_input(c);
	c->hpos = 0;
	c->delivered = true;
	c->not_accepted = false;
	c->base = BASE_RUNNING;
	c->kbd = true;
	mark_dirty(c);
	struct term_event ev = {.type = TERM_EV_LINE, .text = copy, .len = len,
				.truncated = truncated};
	term_deliver(&c->term, &ev);	/* last: t may be closed */
	free(copy);
}

/* An inbound record while CP's layout is up. */
static void console_record(struct t3270 *c, const uint8_t *rec, size_t len, bool truncated)
{
	if (len == 0)
		return;
	uint8_t aid = rec[0];
	if (truncated) {
		want_redraw(c);
		return;
	}
	switch (aid) {
	case DS_AID_PA1: {
		clear_input(c);
		c->kbd = true;
		struct term_event ev = {.type = TERM_EV_ATTENTION, .text = "", .len = 0};
		term_deliver(&c->term, &ev);	/* last */
		return;
	}
	case DS_AID_PA2:
		c->kbd = true;
		clear_output(c);
		return;
	case DS_AID_CLEAR:
		/* The terminal erased itself (and went back to 24 x 80): draw everything again. */
		c->in_text_len = 0;
		clear_output(c);
		want_redraw(c);
		return;
	case DS_AID_SF:		/* a query reply nobody asked for */
	case DS_AID_PA3:
	case DS_AID_SYSREQ:
		c->kbd = true;
		mark_dirty(c);
		return;
	default:
		break;
	}
	unsigned pf = ds_aid_pf(aid);
	if (aid != DS_AID_ENTER && pf == 0) {
		c->kbd = true;	/* selector pen, and AIDs no terminal should send */
		mark_dirty(c);
		return;
	}

	size_t max = len / 3 + 2;
	struct ds_field_in *f = malloc(max * sizeof *f);
	if (!f) {
		c->kbd = true;
		mark_dirty(c);
		return;
	}
	struct ds_input in;
	if (ds_parse_input(rec, len, c->size, &in, f, max) != DS_OK) {
		free(f);
		want_redraw(c);
		return;
	}
	/* What the input field holds now (the terminal shows it; a redraw keeps it). */
	c->in_text_len = 0;
	bool truncated_in = false;
	for (size_t i = 0; i < in.nfields; i++) {
		if (in.fields[i].addr != c->in_start)
			continue;	/* a field of the output area (X'58' display): not CP's */
		size_t n = in.fields[i].len;
		if (n > c->in_len) {
			n = c->in_len;
			truncated_in = true;
		}
		memcpy(c->in_text, in.fields[i].data, n);
		c->in_text_len = n;
	}
	free(f);
	for (size_t i = 0; i < c->in_text_len; i++) {
		if (c->in_text[i] < 0x40)
			c->in_text[i] = 0x40;	/* keep only characters: in_text goes out as data */
	}

	enum term_pf how = pf ? c->pf[pf - 1].how : TERM_PF_UNSET;
	switch (how) {
	case TERM_PF_UNSET: {
		char line[SCREEN_POS_MAX + 1];
		size_t n = from_screen(line, c->in_text, c->in_text_len);
		enter_line(c, line, n, truncated_in, true);	/* last */
		return;
	}
	case TERM_PF_DELAYED:
		set_input(c, c->pf[pf - 1].text, c->pf[pf - 1].len);
		return;
	case TERM_PF_IMMED: {
		char line[PF_TEXT_MAX + 1];
		size_t n = c->pf[pf - 1].len;
		if (n)
			memcpy(line, c->pf[pf - 1].text, n);
		enter_line(c, line, n, false, false);	/* last */
		return;
	}
	case TERM_PF_RETRIEVE:
		retrieve(c);
		return;
	}
}

/* ---- Full screen ---- */

/* The model as an Erase/Write; wcc: the WCC bits (DS_WCC_*). */
static void fs_redraw(struct t3270 *c, uint8_t wcc)
{
	struct ds_buf b = {0};
	ds_screen_redraw(c->fs, ds_code6(wcc & 0x3F), &b);
	send_bytes(c, &b);
}

static void fs_record(struct t3270 *c, const uint8_t *rec, size_t len, bool truncated)
{
	if (len == 0)
		return;
	if (truncated) {
		fs_redraw(c, DS_WCC_RESTORE);
		return;
	}
	if (rec[0] != DS_AID_SF) {
		size_t max = len / 3 + 2;
		struct ds_field_in *f = malloc(max * sizeof *f);
		if (!f)
			return;
		struct ds_input in;
		enum ds_status st = ds_parse_input(rec, len, ds_screen_size(c->fs), &in, f, max);
		/* A short read (PA keys) changes nothing but CLEAR, which erases the model as the
		 * key did the terminal (and must not move the cursor to its 0). */
		if (st == DS_OK && (in.aid == DS_AID_CLEAR || !ds_aid_is_short(in.aid) || len > 1))
			ds_screen_input(c->fs, &in);
		free(f);
		if (st != DS_OK) {
			fs_redraw(c, DS_WCC_RESTORE);
			return;
		}
	}
	struct term_event ev = {.type = TERM_EV_RECORD, .text = (const char *)rec, .len = len};
	term_deliver(&c->term, &ev);	/* last */
}

/* ---- Query reply (AID X'88') ---- */

/* A new size: the output rows that fit are kept. False when out of memory (nothing changes). */
static bool resize(struct t3270 *c, unsigned rows, unsigned cols)
{
	struct t3270 n = {0};
	set_layout(&n, rows, cols);
	uint16_t *want = calloc(n.in_attr, sizeof *want);
	uint16_t *shown = calloc(n.in_attr, sizeof *shown);
	uint8_t *in = malloc(n.in_len);
	if (!want || !shown || !in) {
		free(want);
		free(shown);
		free(in);
		return false;
	}
	unsigned nr = c->out_rows < n.out_rows ? c->out_rows : n.out_rows;
	for (unsigned r = 0; r < nr; r++) {
		unsigned w = row_end(c, r) - row_start(c, r), nw = row_end(&n, r) - row_start(&n, r);
		memcpy(want + row_start(&n, r), c->want + row_start(c, r),
		       (w < nw ? w : nw) * sizeof *want);
	}
	size_t il = c->in_text_len < n.in_len ? c->in_text_len : n.in_len;
	memcpy(in, c->in_text, il);
	free(c->want);
	free(c->shown);
	free(c->in_text);
	c->want = want;
	c->shown = shown;
	c->in_text = in;
	c->in_text_len = il;
	if (c->next_row > n.out_rows)
		c->next_row = n.out_rows;
	set_layout(c, rows, cols);
	return true;
}

static void query_reply(struct t3270 *c, const uint8_t *rec, size_t len)
{
	struct ds_query q;
	c->query_pending = false;
	if (ds_parse_query_reply(rec, len, &q) != DS_OK || !size_ok(q.rows, q.cols))
		return;
	if (q.rows == c->rows && q.cols == c->cols)
		return;
	if (!resize(c, q.rows, q.cols))
		return;
	if (!c->fs)
		want_redraw(c);
	else
		c->redraw = true;	/* at the end of full screen */
}

/* ---- The server's calls ---- */

void term_3270_record(struct term *t, const uint8_t *rec, size_t len, bool truncated)
{
	struct t3270 *c = tc(t);
	if (c->closed || (len == 0 && !truncated))
		return;
	if (len > 0 && rec[0] == DS_AID_SF && c->query_pending && !truncated) {
		query_reply(c, rec, len);
		return;
	}
	if (c->fs)
		fs_record(c, rec, len, truncated);
	else
		console_record(c, rec, len, truncated);
}

void term_3270_disconnected(struct term *t)
{
	struct t3270 *c = tc(t);
	if (c->closed)
		return;
	c->closed = true;
	struct term_event ev = {.type = TERM_EV_DISCONNECTED, .text = "", .len = 0};
	term_deliver(t, &ev);	/* last */
}

uint64_t term_3270_deadline(const struct term *t)
{
	const struct t3270 *c = tc(t);
	if (c->closed || c->fs)
		return UINT64_MAX;
	uint64_t d = c->dirty ? c->dirty_at : UINT64_MAX;
	if (c->hold == HOLD_MORE) {
		uint64_t m = c->more_alarmed ? c->more_clear_at : c->more_alarm_at;
		if (m < d)
			d = m;
	}
	return d;
}

void term_3270_tick(struct term *t)
{
	struct t3270 *c = tc(t);
	if (c->closed || c->fs)
		return;
	if (c->hold == HOLD_MORE) {
		uint64_t now = c->io->now(c->ctx);
		if (now >= c->more_clear_at) {
			clear_output(c);
		} else if (!c->more_alarmed && now >= c->more_alarm_at) {
			c->more_alarmed = true;
			c->alarm = true;
			mark_dirty(c);
		}
	}
	if (c->dirty)
		send_update(c);
}

/* ---- struct term's operations ---- */

static void t_write_line(struct term *t, const char *text, size_t len)
{
	struct t3270 *c = tc(t);
	if (!c->closed)
		out_text(c, text, len);
}

static void t_read(struct term *t, enum term_read who, const char *prompt, size_t len)
{
	struct t3270 *c = tc(t);
	(void)prompt, (void)len;	/* a display shows no prompt */
	if (c->closed)
		return;
	c->base = who == TERM_READ_CP ? BASE_CP : who == TERM_READ_VM ? BASE_VM : BASE_LOGON;
	c->delivered = false;
	c->not_accepted = false;
	c->kbd = true;
	mark_dirty(c);
}

static void t_set_password(struct term *t, bool on)
{
	struct t3270 *c = tc(t);
	if (c->closed || c->password == on)
		return;
	c->password = on;
	clear_input(c);
}

static void t_bell(struct term *t)
{
	struct t3270 *c = tc(t);
	if (c->closed)
		return;
	if (c->fs) {
		/* The program's screen: a Write with the alarm alone, keyboard untouched. */
		uint8_t rec[2] = {DS_CMD_W, ds_code6(DS_WCC_ALARM)};
		c->io->send(c->ctx, rec, sizeof rec);
		return;
	}
	c->alarm = true;
	mark_dirty(c);
}

static void t_close(struct term *t)
{
	struct t3270 *c = tc(t);
	if (c->closed)
		return;
	c->closed = true;
	c->io->close(c->ctx);	/* last */
}

static void t_set_pf(struct term *t, unsigned key, enum term_pf how, const char *text, size_t len)
{
	struct t3270 *c = tc(t);
	if (key < 1 || key > TERM_PF_MAX)
		return;
	if (how != TERM_PF_DELAYED && how != TERM_PF_IMMED && how != TERM_PF_RETRIEVE)
		how = TERM_PF_UNSET;
	struct pf_key *k = &c->pf[key - 1];
	if (len > PF_TEXT_MAX)
		len = PF_TEXT_MAX;
	char *p = NULL;
	if (len > 0 && text) {
		p = malloc(len);
		if (!p)
			return;		/* out of memory: the key stays as it was */
		memcpy(p, text, len);
	} else {
		len = 0;
	}
	free(k->text);
	k->how = how;
	k->text = p;
	k->len = len;
}

static void t_display(struct term *t, unsigned line, bool erase, const void *data, size_t len)
{
	struct t3270 *c = tc(t);
	const uint8_t *d = data;
	if (c->closed)
		return;
	if (erase) {
		memset(c->want, 0, c->in_attr * sizeof c->want[0]);
		c->next_row = 0;
	}
	if (line < c->out_rows && d) {
		unsigned pos = row_start(c, line), first = pos;
		for (size_t i = 0; i < len && pos < c->in_attr; i++) {
			if (d[i] == DS_ORDER_SF) {
				if (++i == len)
					break;
				c->want[pos++] = (uint16_t)(CELL_FA | (d[i] & 0x3F));
			} else {
				c->want[pos++] = d[i] < 0x40 ? 0x40 : d[i];
			}
		}
		if (pos > first) {
			unsigned last = (pos - 1) / c->cols + 1;
			if (last > c->next_row)
				c->next_row = last;
		}
	}
	if (!c->fs)
		mark_dirty(c);
}

static bool t_fullscreen(struct term *t, bool on)
{
	struct t3270 *c = tc(t);
	if (on) {
		if (c->fs)
			return true;
		struct ds_screen *s = ds_screen_new(c->rows, c->cols, c->extended);
		if (!s)
			return false;
		/* What CP wrote last (DIAL's DIALED TO, a program's X'19' lines) goes out first, with
		 * the keyboard restored: the program may not write for a while (or ever). */
		if (c->dirty && !c->closed)
			send_update(c);
		/* The model starts as what the terminal shows: CP's layout. */
		struct ds_buf b = {0};
		uint16_t *keep = c->shown;
		uint16_t *scratch = calloc(c->in_attr, sizeof *scratch);
		if (scratch) {
			uint8_t st[STATUS_LEN];
			memcpy(st, c->st_sent, STATUS_LEN);
			c->shown = scratch;
			put_layout(c, &b, DS_WCC_RESTORE);
			c->shown = keep;
			memcpy(c->st_sent, st, STATUS_LEN);
			free(scratch);
			if (!b.oom) {
				struct ds_write_result res;
				ds_screen_write(s, b.p, b.len, &res);
			}
		}
		ds_buf_free(&b);
		c->fs = s;
		return true;
	}
	if (!c->fs)
		return true;
	ds_screen_free(c->fs);
	c->fs = NULL;
	if (c->hold == HOLD_MORE)
		start_more(c);	/* the time to read starts again */
	if (!c->closed)
		want_redraw(c);
	return true;
}

static void t_write_record(struct term *t, const void *rec, size_t len)
{
	struct t3270 *c = tc(t);
	if (c->closed || !c->fs || len == 0)
		return;
	struct ds_write_result res = {0};
	if (ds_screen_write(c->fs, rec, len, &res) == DS_OK) {
		c->io->send(c->ctx, rec, len);
		return;
	}
	/* Malformed: what its valid part did, drawn again; never the bytes themselves. */
	fs_redraw(c, DS_WCC_RESTORE | (res.alarm ? DS_WCC_ALARM : 0));
}

static void t_read_record(struct term *t, enum term_record_read how)
{
	struct t3270 *c = tc(t);
	if (c->closed || !c->fs)
		return;
	struct ds_buf b = {0};
	ds_screen_read(c->fs, how == TERM_RECORD_RB ? DS_CMD_RB : DS_CMD_RM, DS_AID_NONE, &b);
	if (!b.oom) {
		struct term_event ev = {.type = TERM_EV_RECORD, .text = (const char *)b.p,
					.len = b.len};
		term_deliver(t, &ev);	/* last (b is ours, not t's) */
	}
	ds_buf_free(&b);
}

static void t_screen(const struct term *t, struct term_screen *out)
{
	const struct t3270 *c = tc(t);
	out->rows = c->rows;
	out->cols = c->cols;
	out->extended = c->extended;
	memcpy(out->ttype, c->ttype, sizeof out->ttype);
}

static const struct term_ops term_3270_ops = {
	.kind = "3270",
	.write_line = t_write_line,
	.read = t_read,
	.set_password = t_set_password,
	.bell = t_bell,
	.close = t_close,
	.set_pf = t_set_pf,
	.display = t_display,
	.fullscreen = t_fullscreen,
	.write_record = t_write_record,
	.read_record = t_read_record,
	.screen = t_screen,
};

/* ---- Life ---- */

struct term *term_3270_new(const struct term_3270_io *io, void *ctx, const char *ttype)
{
	unsigned rows, cols;
	bool extended;
	if (!term_3270_model(ttype, &rows, &cols, &extended))
		return NULL;
	struct t3270 *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->term.ops = &term_3270_ops;
	c->term.priv = c;
	c->io = io;
	c->ctx = ctx;
	size_t n = strlen(ttype);
	if (n >= sizeof c->ttype)
		n = sizeof c->ttype - 1;
	for (size_t i = 0; i < n; i++)
		c->ttype[i] = (char)(ttype[i] >= 'a' && ttype[i] <= 'z' ? ttype[i] - 32 : ttype[i]);
	c->extended = extended;
	set_layout(c, rows, cols);
	c->want = calloc(c->in_attr, sizeof *c->want);
	c->shown = calloc(c->in_attr, sizeof *c->shown);
	c->in_text = malloc(c->in_len);
	if (!c->want || !c->shown || !c->in_text) {
		term_3270_free(&c->term);
		return NULL;
	}
	c->base = BASE_RUNNING;
	want_redraw(c);
	send_update(c);
	if (extended) {
		struct ds_buf b = {0};
		ds_put_query(&b);
		c->query_pending = !b.oom;
		send_bytes(c, &b);
	}
	return &c->term;
}

void term_3270_free(struct term *t)
{
	if (!t)
		return;
	struct t3270 *c = tc(t);
	free(c->want);
	free(c->shown);
	free(c->in_text);
	for (size_t i = 0; i < c->qcount; i++)
		free(c->queue[(c->qhead + i) % T3270_QUEUE_MAX]);
	for (unsigned i = 0; i < TERM_PF_MAX; i++)
		free(c->pf[i].text);
	for (unsigned i = 0; i < T3270_HISTORY; i++)
		free(c->hist[i]);
	if (c->fs)
		ds_screen_free(c->fs);
	free(c);
}
