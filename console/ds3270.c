/*
 * ds3270.c - the 3270 data stream engine (see ds3270.h for the contract).
 *
 * The display model is an array of cells, one per buffer position of the alternate size (the
 * default 24 x 80 uses its first 1920). A cell is either a field attribute (CELL_FA, with the six
 * attribute bits and the field's extended attributes) or a character (EBCDIC, X'00' for null,
 * CELL_GE when it came through Graphic Escape, and its character attributes from SA). The count
 * of attribute cells is kept so that "is the buffer formatted" costs nothing.
 *
 * A write walks the record once, as the terminal does: the command (and WCC), then orders and
 * characters at the current buffer address, which wraps from the last position to 0. The first
 * error stops the walk where the terminal would report an operation check; what was applied
 * before stays. Every order checks its operands against the end of the record and every address
 * against the size in use before anything is stored, so no input reaches outside the cells.
 *
 * Facts: GA23-0059 and reference/consoles.md section 4. Where the manual leaves a choice open the
 * comment at the place says what this model does.
 */
#include <stdlib.h>
#include <string.h>

#include "console/ds3270.h"

#define DEFAULT_ROWS	24
#define DEFAULT_COLS	80
#define DEFAULT_SIZE	(DEFAULT_ROWS * DEFAULT_COLS)
#define MAX_SIZE	16383	/* 14-bit addresses */
#define RA_MIN_RUN	5	/* shortest run of one character that redraw sends as RA */

enum {
	CELL_FA = 0x01,		/* a field attribute position */
	CELL_GE = 0x02,		/* the character came through Graphic Escape */
};

struct cell {
	uint8_t ch;		/* EBCDIC; 0 at an attribute position */
	uint8_t fa;		/* attribute bits 2-7 (CELL_FA only) */
	uint8_t flags;		/* CELL_* */
	uint8_t fg, bg, hl;	/* extended: the field's (CELL_FA) or the character's (SA) */
};

struct ds_screen {
	unsigned alt_rows, alt_cols;	/* fixed at creation */
	bool extended;
	unsigned rows, cols, size;	/* in use: 24 x 80 or the alternate */
	bool alternate;
	unsigned cursor;		/* < size */
	unsigned nattr;			/* attribute cells among the first size */
	struct cell *c;			/* alt_rows x alt_cols */
};

/* ---- Codes, addresses, AIDs ---- */

static const uint8_t code6[64] = {
	0x40, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F,
	0x50, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F,
	0x60, 0x61, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F,
	0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F,
};

uint8_t ds_code6(unsigned v)
{
	return code6[v & 0x3F];
}

bool ds_addr_decode(uint8_t b1, uint8_t b2, unsigned *addr)
{
	switch (b1 >> 6) {
	case 0:
		*addr = (unsigned)(b1 & 0x3F) << 8 | b2;
		return true;
	case 2:
		return false;
	default:
		*addr = (unsigned)(b1 & 0x3F) << 6 | (b2 & 0x3F);
		return true;
	}
}

void ds_addr_encode(unsigned addr, unsigned size, uint8_t out[2])
{
	if (size <= 4096) {
		out[0] = code6[(addr >> 6) & 0x3F];
		out[1] = code6[addr & 0x3F];
	} else {
		out[0] = (uint8_t)((addr >> 8) & 0x3F);
		out[1] = (uint8_t)addr;
	}
}

uint8_t ds_cmd_from_ccw(uint8_t code)
{
	switch (code) {
	case 0x01: return DS_CMD_W;
	case 0x05: return DS_CMD_EW;
	case 0x0D: return DS_CMD_EWA;
	case 0x0F: return DS_CMD_EAU;
	case 0x11: return DS_CMD_WSF;
	case 0x02: return DS_CMD_RB;
	case 0x06: return DS_CMD_RM;
	case DS_CMD_W: case DS_CMD_EW: case DS_CMD_EWA: case DS_CMD_EAU: case DS_CMD_WSF:
	case DS_CMD_RB: case DS_CMD_RM: case DS_CMD_RMA:
		return code;
	}
	return 0;
}

unsigned ds_aid_pf(uint8_t aid)
{
	if (aid >= 0xF1 && aid <= 0xF9)
		return aid - 0xF1 + 1;
	if (aid >= 0x7A && aid <= 0x7C)
		return aid - 0x7A + 10;
	if (aid >= 0xC1 && aid <= 0xC9)
		return aid - 0xC1 + 13;
	if (aid >= 0x4A && aid <= 0x4C)
		return aid - 0x4A + 22;
	return 0;
}

uint8_t ds_pf_aid(unsigned n)
{
	if (n >= 1 && n <= 9)
		return (uint8_t)(0xF1 + n - 1);
	if (n >= 10 && n <= 12)
		return (uint8_t)(0x7A + n - 10);
	if (n >= 13 && n <= 21)
		return (uint8_t)(0xC1 + n - 13);
	if (n >= 22 && n <= 24)
		return (uint8_t)(0x4A + n - 22);
	return 0;
}

bool ds_aid_is_short(uint8_t aid)
{
	return aid == DS_AID_PA1 || aid == DS_AID_PA2 || aid == DS_AID_PA3 || aid == DS_AID_CLEAR ||
	       aid == DS_AID_SYSREQ;
}

/* An AID a display sends ahead of a field-mode inbound record (not X'88', structured fields). */
static bool aid_known(uint8_t aid)
{
	if (ds_aid_pf(aid) || ds_aid_is_short(aid))
		return true;
	switch (aid) {
	case DS_AID_NONE:
	case DS_AID_ENTER:
	case 0x7E:	/* selector pen attention */
	case 0x6A:	/* Clear Partition */
	case 0x7F:	/* trigger action */
	case 0x61:	/* Read Partition */
		return true;
	}
	return false;
}

/* A byte that the data stream carries as a character: X'40' and above, null, DUP and FM. */
static bool is_data_char(uint8_t c)
{
	return c >= 0x40 || c == 0x00 || c == 0x1C || c == 0x1E;
}

const char *ds_status_str(enum ds_status st)
{
	switch (st) {
	case DS_OK: return "ok";
	case DS_BAD_COMMAND: return "unknown command";
	case DS_BAD_ADDRESS: return "buffer address out of range";
	case DS_TRUNCATED: return "record cut short";
	case DS_BAD_ORDER: return "invalid order or attribute";
	case DS_BAD_FIELD: return "invalid structured field";
	case DS_TOO_COSTLY: return "record asks for too much work";
	}
	return "unknown status";
}

/* ---- Building outbound records ---- */

static bool buf_room(struct ds_buf *b, size_t n)
{
	if (b->oom)
		return false;
	if (n > SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return false;
	}
	if (b->len + n <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void ds_buf_free(struct ds_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

void ds_buf_reset(struct ds_buf *b)
{
	b->len = 0;
	b->oom = false;
}

void ds_put_byte(struct ds_buf *b, uint8_t c)
{
	if (buf_room(b, 1))
		b->p[b->len++] = c;
}

void ds_put_bytes(struct ds_buf *b, const void *p, size_t n)
{
	if (n && buf_room(b, n)) {
		memcpy(b->p + b->len, p, n);
		b->len += n;
	}
}

void ds_put_cmd(struct ds_buf *b, enum ds_cmd cmd, uint8_t wcc)
{
	ds_put_byte(b, (uint8_t)cmd);
	if (cmd == DS_CMD_W || cmd == DS_CMD_EW || cmd == DS_CMD_EWA)
		ds_put_byte(b, wcc);
}

static void put_addr(struct ds_buf *b, unsigned addr, unsigned size)
{
	uint8_t a[2];
	ds_addr_encode(addr, size, a);
	ds_put_bytes(b, a, 2);
}

void ds_put_sba(struct ds_buf *b, unsigned addr, unsigned size)
{
	ds_put_byte(b, DS_ORDER_SBA);
	put_addr(b, addr, size);
}

void ds_put_sf(struct ds_buf *b, uint8_t attr)
{
	ds_put_byte(b, DS_ORDER_SF);
	ds_put_byte(b, ds_code6(attr));
}

void ds_put_sfe(struct ds_buf *b, uint8_t attr, uint8_t color, uint8_t highlight)
{
	ds_put_byte(b, DS_ORDER_SFE);
	ds_put_byte(b, (uint8_t)(1 + (color != 0) + (highlight != 0)));
	ds_put_byte(b, DS_XA_FIELD);
	ds_put_byte(b, ds_code6(attr));
	if (color) {
		ds_put_byte(b, DS_XA_FGCOLOR);
		ds_put_byte(b, color);
	}
	if (highlight) {
		ds_put_byte(b, DS_XA_HIGHLIGHT);
		ds_put_byte(b, highlight);
	}
}

void ds_put_sa(struct ds_buf *b, uint8_t type, uint8_t value)
{
	ds_put_byte(b, DS_ORDER_SA);
	ds_put_byte(b, type);
	ds_put_byte(b, value);
}

void ds_put_ic(struct ds_buf *b)
{
	ds_put_byte(b, DS_ORDER_IC);
}

void ds_put_pt(struct ds_buf *b)
{
	ds_put_byte(b, DS_ORDER_PT);
}

void ds_put_ra(struct ds_buf *b, unsigned to, unsigned size, uint8_t c)
{
	ds_put_byte(b, DS_ORDER_RA);
	put_addr(b, to, size);
	ds_put_byte(b, is_data_char(c) ? c : 0x40);
}

void ds_put_eua(struct ds_buf *b, unsigned to, unsigned size)
{
	ds_put_byte(b, DS_ORDER_EUA);
	put_addr(b, to, size);
}

void ds_put_text(struct ds_buf *b, const uint8_t *ebcdic, size_t n)
{
	if (!n || !buf_room(b, n))
		return;
	for (size_t i = 0; i < n; i++)
		b->p[b->len + i] = ebcdic[i] < 0x40 ? 0x40 : ebcdic[i];
	b->len += n;
}

void ds_put_query(struct ds_buf *b)
{
	static const uint8_t q[] = {DS_CMD_WSF, 0x00, 0x05, 0x01, 0xFF, 0x02};
	ds_put_bytes(b, q, sizeof q);
}

/* ---- The display model: cells ---- */

static unsigned next_pos(const struct ds_screen *s, unsigned p)
{
	return p + 1 == s->size ? 0 : p + 1;
}

static void set_char(struct ds_screen *s, unsigned p, uint8_t ch, uint8_t flags, uint8_t fg,
		     uint8_t bg, uint8_t hl)
{
	struct cell *c = &s->c[p];
	if (c->flags & CELL_FA)
		s->nattr--;
	c->ch = ch;
	c->fa = 0;
	c->flags = flags & CELL_GE;
	c->fg = fg;
	c->bg = bg;
	c->hl = hl;
}

static void set_null(struct ds_screen *s, unsigned p)
{
	set_char(s, p, 0, 0, 0, 0, 0);
}

static void set_attr(struct ds_screen *s, unsigned p, uint8_t fa, uint8_t fg, uint8_t bg,
		     uint8_t hl)
{
	struct cell *c = &s->c[p];
	if (!(c->flags & CELL_FA))
		s->nattr++;
	c->ch = 0;
	c->fa = fa & 0x3F;
	c->flags = CELL_FA;
	c->fg = fg;
	c->bg = bg;
	c->hl = hl;
}

/* The position of the attribute of the field p is in (p itself if it is one); -1 if none. */
static long field_start(const struct ds_screen *s, unsigned p)
{
	if (!s->nattr)
		return -1;
	for (unsigned i = 0; i < s->size; i++) {
		if (s->c[p].flags & CELL_FA)
			return p;
		p = p ? p - 1 : s->size - 1;
	}
	return -1;
}

static void erase(struct ds_screen *s, bool alternate)
{
	s->alternate = alternate;
	s->rows = alternate ? s->alt_rows : DEFAULT_ROWS;
	s->cols = alternate ? s->alt_cols : DEFAULT_COLS;
	s->size = s->rows * s->cols;
	memset(s->c, 0, (size_t)s->alt_rows * s->alt_cols * sizeof *s->c);
	s->nattr = 0;
	s->cursor = 0;
}

struct ds_screen *ds_screen_new(unsigned rows, unsigned cols, bool extended)
{
	if (rows < DEFAULT_ROWS || rows > 255 || cols < DEFAULT_COLS || cols > 255 ||
	    rows * cols > MAX_SIZE)
		return NULL;
	struct ds_screen *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->c = calloc((size_t)rows * cols, sizeof *s->c);
	if (!s->c) {
		free(s);
		return NULL;
	}
	s->alt_rows = rows;
	s->alt_cols = cols;
	s->extended = extended;
	erase(s, false);
	return s;
}

void ds_screen_free(struct ds_screen *s)
{
	if (s) {
		free(s->c);
		free(s);
	}
}

unsigned ds_screen_rows(const struct ds_screen *s) { return s->rows; }
unsigned ds_screen_cols(const struct ds_screen *s) { return s->cols; }
unsigned ds_screen_size(const struct ds_screen *s) { return s->size; }
bool ds_screen_alternate(const struct ds_screen *s) { return s->alternate; }
unsigned ds_screen_cursor(const struct ds_screen *s) { return s->cursor; }
bool ds_screen_extended(const struct ds_screen *s) { return s->extended; }
unsigned ds_screen_alt_rows(const struct ds_screen *s) { return s->alt_rows; }
unsigned ds_screen_alt_cols(const struct ds_screen *s) { return s->alt_cols; }

void ds_screen_reset(struct ds_screen *s)
{
	erase(s, false);
}

uint8_t ds_screen_char(const struct ds_screen *s, unsigned pos)
{
	return pos < s->size ? s->c[pos].ch : 0;
}

bool ds_screen_attr(const struct ds_screen *s, unsigned pos, uint8_t *attr, uint8_t *color)
{
	if (pos >= s->size || !(s->c[pos].flags & CELL_FA))
		return false;
	if (attr)
		*attr = s->c[pos].fa;
	if (color)
		*color = s->c[pos].fg;
	return true;
}

bool ds_screen_field_attr(const struct ds_screen *s, unsigned pos, uint8_t *attr)
{
	if (pos >= s->size)
		return false;
	long a = field_start(s, pos);
	if (a < 0)
		return false;
	if (attr)
		*attr = s->c[a].fa;
	return true;
}

bool ds_screen_cell(const struct ds_screen *s, unsigned pos, struct ds_cell *out)
{
	if (pos >= s->size)
		return false;
	const struct cell *c = &s->c[pos];
	out->ch = c->ch;
	out->attr = (c->flags & CELL_FA) != 0;
	out->ge = (c->flags & CELL_GE) != 0;
	out->fa = c->fa;
	out->fg = c->fg;
	out->bg = c->bg;
	out->hl = c->hl;
	return true;
}

/* ---- Writing ---- */

/* One write in progress. */
struct wr {
	struct ds_screen *s;
	const uint8_t *rec;
	size_t len, i;		/* the record; i: the next byte */
	unsigned addr;		/* current buffer address, < s->size */
	bool after_data;	/* the last item was a character: PT nulls the rest of the field */
	bool pt_nulling;	/* a PT stopped at the buffer's end while nulling: the next goes on */
	uint8_t fg, bg, hl;	/* character attributes from SA, for this write only */
	unsigned long work;	/* positions the orders may still visit (WORK_PER_POSITION) */
};

/*
 * A record's orders may visit at most WORK_PER_POSITION x size buffer positions beyond one per
 * byte: RA, EUA and PT each cost what they walk. No screen a program means needs a tenth of it,
 * and a hostile record (thousands of whole-buffer RAs or PTs) stops with DS_TOO_COSTLY after a
 * bounded time instead of holding the thread that models the screen.
 */
#define WORK_PER_POSITION	32u

/* Charge n positions to w's budget; false when it is spent. */
static bool wr_charge(struct wr *w, unsigned long n)
{
	if (n > w->work)
		return false;
	w->work -= n;
	return true;
}

/* Positions from a up to (not including) stop, wrapping; stop == a means the whole buffer. */
static unsigned long wr_span(const struct ds_screen *s, unsigned a, unsigned stop)
{
	return stop > a ? stop - a : s->size - a + stop;
}

/* Read an address operand at w->i; DS_OK with *a < size, or the status. */
static enum ds_status wr_addr(struct wr *w, unsigned *a)
{
	if (w->len - w->i < 2)
		return DS_TRUNCATED;
	if (!ds_addr_decode(w->rec[w->i], w->rec[w->i + 1], a) || *a >= w->s->size)
		return DS_BAD_ADDRESS;
	w->i += 2;
	return DS_OK;
}

/* Extended attribute pairs (SFE, MF: field = true; SA: false). A pair this engine does not
 * know is DS_BAD_ORDER; character set, transparency, validation and outlining are accepted and
 * not modelled. */
static bool xa_type_ok(uint8_t type, bool field)
{
	switch (type) {
	case DS_XA_HIGHLIGHT:
	case DS_XA_FGCOLOR:
	case DS_XA_CHARSET:
	case DS_XA_BGCOLOR:
	case DS_XA_TRANSPARENCY:
		return true;
	case DS_XA_FIELD:
	case 0xC1:	/* field validation */
	case 0xC2:	/* field outlining */
		return field;
	case DS_XA_ALL:
		return !field;
	}
	return false;
}

/* Read an SFE/MF pair list at w->i (count, pairs); on DS_OK *pairs and *n describe it. */
static enum ds_status wr_pairs(struct wr *w, const uint8_t **pairs, unsigned *n)
{
	if (w->i >= w->len)
		return DS_TRUNCATED;
	unsigned cnt = w->rec[w->i];
	if ((w->len - w->i - 1) / 2 < cnt)
		return DS_TRUNCATED;
	const uint8_t *p = w->rec + w->i + 1;
	for (unsigned k = 0; k < cnt; k++)
		if (!xa_type_ok(p[2 * k], true))
			return DS_BAD_ORDER;
	*pairs = p;
	*n = cnt;
	w->i += 1 + 2 * (size_t)cnt;
	return DS_OK;
}

/* SFE's and MF's pairs: on an extended screen only (else DS_BAD_ORDER), then as wr_pairs(). */
static enum ds_status wr_field_pairs(struct wr *w, const uint8_t **pairs, unsigned *n)
{
	return w->s->extended ? wr_pairs(w, pairs, n) : DS_BAD_ORDER;
}

static void apply_pairs(struct cell *c, const uint8_t *p, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		uint8_t v = p[2 * k + 1];
		switch (p[2 * k]) {
		case DS_XA_FIELD: c->fa = v & 0x3F; break;
		case DS_XA_HIGHLIGHT: c->hl = v; break;
		case DS_XA_FGCOLOR: c->fg = v; break;
		case DS_XA_BGCOLOR: c->bg = v; break;
		}
	}
}

static void wr_char(struct wr *w, uint8_t ch, uint8_t flags)
{
	set_char(w->s, w->addr, ch, flags, w->fg, w->bg, w->hl);
	w->addr = next_pos(w->s, w->addr);
}

/* PT (GA23-0059): to the first position of the next unprotected field, the search ending at the
 * buffer's last position (then address 0). After a character, the rest of the current field (and
 * of any protected field passed before the search reaches the next attribute) is nulled; a PT
 * that reached the end nulling lets the next PT go on nulling from 0. */
static void order_pt(struct wr *w)
{
	struct ds_screen *s = w->s;
	bool nulling = w->after_data || w->pt_nulling;
	unsigned a = w->addr;
	w->pt_nulling = false;
	for (;;) {
		struct cell *c = &s->c[a];
		if (c->flags & CELL_FA) {
			nulling = false;
			if (!(c->fa & DS_FA_PROTECT)) {
				w->addr = next_pos(s, a);
				return;
			}
		} else if (nulling) {
			set_null(s, a);
		}
		if (++a == s->size) {
			w->addr = 0;
			w->pt_nulling = nulling;
			return;
		}
	}
}

/* Null the unprotected character positions from w->addr up to (not including) stop; stop ==
 * w->addr means the whole buffer. An unformatted buffer is all unprotected. */
static void erase_unprotected(struct ds_screen *s, unsigned from, unsigned stop)
{
	long fs = field_start(s, from);
	bool prot = fs >= 0 && (s->c[fs].fa & DS_FA_PROTECT);
	unsigned p = from;
	do {
		struct cell *c = &s->c[p];
		if (c->flags & CELL_FA)
			prot = (c->fa & DS_FA_PROTECT) != 0;
		else if (!prot)
			set_null(s, p);
		p = next_pos(s, p);
	} while (p != stop);
}

static void reset_mdts(struct ds_screen *s)
{
	if (!s->nattr)
		return;
	for (unsigned p = 0; p < s->size; p++)
		if (s->c[p].flags & CELL_FA)
			s->c[p].fa &= (uint8_t)~DS_FA_MDT;
}

/* The orders and characters of a W, EW or EWA after the WCC. */
static enum ds_status wr_data(struct wr *w)
{
	struct ds_screen *s = w->s;
	enum ds_status st;
	while (w->i < w->len) {
		size_t at = w->i;
		uint8_t b = w->rec[w->i++];
		bool data = false;
		unsigned a;
		switch (b) {
		case DS_ORDER_SBA:
			if ((st = wr_addr(w, &a)) != DS_OK)
				goto fail;
			w->addr = a;
			break;
		case DS_ORDER_SF:
			if (w->i >= w->len) {
				st = DS_TRUNCATED;
				goto fail;
			}
			set_attr(s, w->addr, w->rec[w->i++], 0, 0, 0);
			w->addr = next_pos(s, w->addr);
			break;
		case DS_ORDER_SFE: {
			const uint8_t *pairs;
			unsigned n;
			if ((st = wr_field_pairs(w, &pairs, &n)) != DS_OK)
				goto fail;
			set_attr(s, w->addr, 0, 0, 0, 0);
			apply_pairs(&s->c[w->addr], pairs, n);
			w->addr = next_pos(s, w->addr);
			break;
		}
		case DS_ORDER_MF: {
			const uint8_t *pairs;
			unsigned n;
			if ((st = wr_field_pairs(w, &pairs, &n)) != DS_OK)
				goto fail;
			/* The field must exist: at a character position MF changes nothing and
			 * the address stays. */
			if (s->c[w->addr].flags & CELL_FA) {
				apply_pairs(&s->c[w->addr], pairs, n);
				w->addr = next_pos(s, w->addr);
			}
			break;
		}
		case DS_ORDER_SA:
			if (!s->extended) {
				st = DS_BAD_ORDER;
				goto fail;
			}
			if (w->len - w->i < 2) {
				st = DS_TRUNCATED;
				goto fail;
			}
			if (!xa_type_ok(w->rec[w->i], false)) {
				st = DS_BAD_ORDER;
				goto fail;
			}
			switch (w->rec[w->i]) {
			case DS_XA_ALL: w->fg = w->bg = w->hl = 0; break;
			case DS_XA_HIGHLIGHT: w->hl = w->rec[w->i + 1]; break;
			case DS_XA_FGCOLOR: w->fg = w->rec[w->i + 1]; break;
			case DS_XA_BGCOLOR: w->bg = w->rec[w->i + 1]; break;
			}
			w->i += 2;
			break;
		case DS_ORDER_IC:
			s->cursor = w->addr;
			break;
		case DS_ORDER_PT:
			if (!wr_charge(w, s->size - w->addr)) {
				st = DS_TOO_COSTLY;
				goto fail;
			}
			order_pt(w);
			break;
		case DS_ORDER_RA: {
			if ((st = wr_addr(w, &a)) != DS_OK)
				goto fail;
			uint8_t flags = 0;
			if (w->i < w->len && w->rec[w->i] == DS_ORDER_GE) {
				flags = CELL_GE;
				w->i++;
			}
			if (w->i >= w->len) {
				st = DS_TRUNCATED;
				goto fail;
			}
			uint8_t ch = w->rec[w->i++];
			if (!flags && !is_data_char(ch)) {
				st = DS_BAD_ORDER;
				goto fail;
			}
			if (!wr_charge(w, wr_span(s, w->addr, a))) {
				st = DS_TOO_COSTLY;
				goto fail;
			}
			do
				wr_char(w, ch, flags);
			while (w->addr != a);
			break;
		}
		case DS_ORDER_EUA:
			if ((st = wr_addr(w, &a)) != DS_OK)
				goto fail;
			/* field_start() may walk the whole buffer back, then the span forward */
			if (!wr_charge(w, s->size + wr_span(s, w->addr, a))) {
				st = DS_TOO_COSTLY;
				goto fail;
			}
			erase_unprotected(s, w->addr, a);
			w->addr = a;
			break;
		case DS_ORDER_GE:
			if (w->i >= w->len) {
				st = DS_TRUNCATED;
				goto fail;
			}
			/* A character of the alternate set: data, as far as PT is concerned. */
			wr_char(w, w->rec[w->i++], CELL_GE);
			data = true;
			break;
		default:
			if (!is_data_char(b)) {
				st = DS_BAD_ORDER;
				goto fail;
			}
			wr_char(w, b, 0);
			data = true;
			break;
		}
		if (b != DS_ORDER_PT)
			w->pt_nulling = false;
		w->after_data = data;
		continue;
	fail:
		w->i = at;
		return st;
	}
	return DS_OK;
}

/* WSF: structured fields, each a 2-byte length (itself included; 0: to the end of the record)
 * and its id. Read Partition (X'01': partition id, type) is the one that matters here. */
static enum ds_status wr_wsf(const uint8_t *rec, size_t len, size_t *off,
			     struct ds_write_result *res)
{
	size_t i = 1;
	while (i < len) {
		*off = i;
		if (len - i < 3)
			return DS_BAD_FIELD;
		size_t n = (size_t)rec[i] << 8 | rec[i + 1];
		if (n == 0)
			n = len - i;
		if (n < 3 || n > len - i)
			return DS_BAD_FIELD;
		if (rec[i + 2] == 0x01) {	/* Read Partition */
			if (n < 5)
				return DS_BAD_FIELD;
			switch (rec[i + 4]) {
			case 0x02:	/* Query */
			case 0x03:	/* Query List */
				res->query = true;
				break;
			case DS_CMD_RB:
			case DS_CMD_RM:
			case DS_CMD_RMA:
				res->read_cmd = rec[i + 4];
				break;
			default:
				return DS_BAD_FIELD;
			}
		}
		i += n;
	}
	*off = len;
	return DS_OK;
}

/* EAU: null every unprotected position, reset the unprotected fields' MDTs, cursor to the
 * first position of the first unprotected field (0 if none). */
static void erase_all_unprotected(struct ds_screen *s)
{
	if (!s->nattr) {
		for (unsigned p = 0; p < s->size; p++)
			set_null(s, p);
		s->cursor = 0;
		return;
	}
	long fs = field_start(s, 0);
	bool prot = (s->c[fs].fa & DS_FA_PROTECT) != 0;
	bool found = false;
	for (unsigned p = 0; p < s->size; p++) {
		struct cell *c = &s->c[p];
		if (c->flags & CELL_FA) {
			prot = (c->fa & DS_FA_PROTECT) != 0;
			if (!prot) {
				c->fa &= (uint8_t)~DS_FA_MDT;
				if (!found) {
					s->cursor = next_pos(s, p);
					found = true;
				}
			}
		} else if (!prot) {
			set_null(s, p);
		}
	}
	if (!found)
		s->cursor = 0;
}

enum ds_status ds_screen_write(struct ds_screen *s, const uint8_t *rec, size_t len,
			       struct ds_write_result *res)
{
	memset(res, 0, sizeof *res);
	if (len == 0) {
		res->status = DS_TRUNCATED;
		return res->status;
	}
	uint8_t cmd = ds_cmd_from_ccw(rec[0]);
	struct wr w = {.s = s, .rec = rec, .len = len, .i = 1};
	enum ds_status st = DS_OK;
	switch (cmd) {
	case DS_CMD_W:
	case DS_CMD_EW:
	case DS_CMD_EWA: {
		if (len < 2) {
			res->offset = 1;
			res->status = DS_TRUNCATED;
			return res->status;
		}
		uint8_t wcc = rec[1];
		if (cmd != DS_CMD_W) {
			erase(s, cmd == DS_CMD_EWA);
			res->erased = true;
		}
		if (wcc & DS_WCC_RESET_MDT)
			reset_mdts(s);
		w.i = 2;
		w.addr = s->cursor;
		w.work = (unsigned long)WORK_PER_POSITION * s->size;
		st = wr_data(&w);
		res->offset = w.i;
		if (st == DS_OK) {
			/* The terminal carries out the alarm and keyboard restore at the end
			 * of a write that had no error. */
			res->alarm = (wcc & DS_WCC_ALARM) != 0;
			res->restore = (wcc & DS_WCC_RESTORE) != 0;
		}
		break;
	}
	case DS_CMD_EAU:
		erase_all_unprotected(s);
		res->restore = true;
		res->offset = len;
		break;
	case DS_CMD_WSF:
		st = wr_wsf(rec, len, &res->offset, res);
		break;
	case DS_CMD_RB:
	case DS_CMD_RM:
	case DS_CMD_RMA:
		res->read_cmd = cmd;
		res->offset = len;
		break;
	default:
		st = DS_BAD_COMMAND;
		res->offset = 0;
		break;
	}
	res->status = st;
	return st;
}

/* ---- Reading: what the terminal sends ---- */

static void put_cell_char(struct ds_buf *b, const struct cell *c)
{
	if (c->flags & CELL_GE)
		ds_put_byte(b, DS_ORDER_GE);
	ds_put_byte(b, c->ch);
}

void ds_screen_read(const struct ds_screen *s, uint8_t cmd, uint8_t aid, struct ds_buf *b)
{
	cmd = ds_cmd_from_ccw(cmd);
	ds_put_byte(b, aid);
	if (cmd == DS_CMD_RM && ds_aid_is_short(aid))
		return;
	put_addr(b, s->cursor, s->size);
	if (cmd == DS_CMD_RB) {
		for (unsigned p = 0; p < s->size; p++) {
			const struct cell *c = &s->c[p];
			if (c->flags & CELL_FA) {
				ds_put_byte(b, DS_ORDER_SF);
				ds_put_byte(b, ds_code6(c->fa));
			} else {
				put_cell_char(b, c);
			}
		}
		return;
	}
	if (!s->nattr) {
		for (unsigned p = 0; p < s->size; p++)
			if (s->c[p].ch || (s->c[p].flags & CELL_GE))
				put_cell_char(b, &s->c[p]);
		return;
	}
	for (unsigned a = 0; a < s->size; a++) {
		if (!(s->c[a].flags & CELL_FA) || !(s->c[a].fa & DS_FA_MDT))
			continue;
		unsigned p = next_pos(s, a);
		ds_put_sba(b, p, s->size);
		for (; !(s->c[p].flags & CELL_FA); p = next_pos(s, p))
			if (s->c[p].ch || (s->c[p].flags & CELL_GE))
				put_cell_char(b, &s->c[p]);
	}
}

/* ---- Redraw ---- */

static bool same_look(const struct cell *a, const struct cell *b)
{
	return a->ch == b->ch && a->flags == b->flags && a->fg == b->fg && a->bg == b->bg &&
	       a->hl == b->hl;
}

void ds_screen_redraw(const struct ds_screen *s, uint8_t wcc, struct ds_buf *b)
{
	ds_put_cmd(b, s->alternate ? DS_CMD_EWA : DS_CMD_EW, wcc);
	unsigned cur = 0;		/* the record's buffer address so far */
	uint8_t fg = 0, bg = 0, hl = 0;	/* SA in effect */
	unsigned p = 0;
	while (p < s->size) {
		const struct cell *c = &s->c[p];
		if (c->flags & CELL_FA) {
			if (cur != p)
				ds_put_sba(b, p, s->size);
			if (s->extended && (c->fg || c->bg || c->hl)) {
				uint8_t n = (uint8_t)(1 + !!c->fg + !!c->bg + !!c->hl);
				ds_put_byte(b, DS_ORDER_SFE);
				ds_put_byte(b, n);
				ds_put_byte(b, DS_XA_FIELD);
				ds_put_byte(b, ds_code6(c->fa));
				if (c->fg) {
					ds_put_byte(b, DS_XA_FGCOLOR);
					ds_put_byte(b, c->fg);
				}
				if (c->bg) {
					ds_put_byte(b, DS_XA_BGCOLOR);
					ds_put_byte(b, c->bg);
				}
				if (c->hl) {
					ds_put_byte(b, DS_XA_HIGHLIGHT);
					ds_put_byte(b, c->hl);
				}
			} else {
				ds_put_sf(b, c->fa);
			}
			p++;
			cur = p;
			continue;
		}
		if (!c->ch && !c->flags && !c->fg && !c->bg && !c->hl) {
			p++;	/* the erase left it so */
			continue;
		}
		if (cur != p)
			ds_put_sba(b, p, s->size);
		if (c->fg != fg) {
			ds_put_sa(b, DS_XA_FGCOLOR, c->fg);
			fg = c->fg;
		}
		if (c->bg != bg) {
			ds_put_sa(b, DS_XA_BGCOLOR, c->bg);
			bg = c->bg;
		}
		if (c->hl != hl) {
			ds_put_sa(b, DS_XA_HIGHLIGHT, c->hl);
			hl = c->hl;
		}
		unsigned q = p + 1;
		while (q < s->size && same_look(&s->c[q], c))
			q++;
		if (q - p >= RA_MIN_RUN) {
			ds_put_byte(b, DS_ORDER_RA);
			put_addr(b, q == s->size ? 0 : q, s->size);
			put_cell_char(b, c);
		} else {
			for (unsigned k = p; k < q; k++)
				put_cell_char(b, c);
		}
		p = q;
		cur = p;
	}
	if (cur >= s->size)
		cur = 0;
	if (cur != s->cursor)
		ds_put_sba(b, s->cursor, s->size);
	ds_put_ic(b);
}

/* ---- Inbound records ---- */

enum ds_status ds_parse_input(const uint8_t *rec, size_t len, unsigned size, struct ds_input *in,
			      struct ds_field_in *f, size_t max)
{
	memset(in, 0, sizeof *in);
	in->fields = f;
	if (len == 0)
		return DS_TRUNCATED;
	if (!aid_known(rec[0]))
		return DS_BAD_COMMAND;
	if (len == 1 && ds_aid_is_short(rec[0])) {
		in->aid = rec[0];
		return DS_OK;
	}
	if (len < 3)
		return DS_TRUNCATED;
	unsigned cursor;
	if (!ds_addr_decode(rec[1], rec[2], &cursor) || cursor >= size)
		return DS_BAD_ADDRESS;
	size_t i = 3, n = 0;
	bool more = false;
	while (i < len) {
		unsigned addr = 0;	/* text before any SBA: an unformatted screen's, from 0 */
		if (rec[i] == DS_ORDER_SBA) {
			if (len - i < 3)
				return DS_TRUNCATED;
			if (!ds_addr_decode(rec[i + 1], rec[i + 2], &addr) || addr >= size)
				return DS_BAD_ADDRESS;
			i += 3;
		}
		size_t start = i;
		while (i < len && rec[i] != DS_ORDER_SBA)
			i += rec[i] == DS_ORDER_GE && len - i >= 2 ? 2 : 1;	/* GE c: c is data */
		if (n < max) {
			f[n].addr = addr;
			f[n].data = rec + start;
			f[n].len = i - start;
			n++;
		} else {
			more = true;
		}
	}
	in->aid = rec[0];
	in->cursor = cursor;
	in->nfields = n;
	in->more = more;
	return DS_OK;
}

/* The next character of inbound field data at *i (GE c: c from the alternate set); false at
 * the end. Bytes the terminal would never send as data become blanks. */
static bool in_char(const struct ds_field_in *f, size_t *i, uint8_t *ch, uint8_t *flags)
{
	if (*i >= f->len)
		return false;
	uint8_t c = f->data[(*i)++];
	*flags = 0;
	if (c == DS_ORDER_GE) {
		if (*i >= f->len)
			return false;
		*ch = f->data[(*i)++];
		*flags = CELL_GE;
		return true;
	}
	*ch = is_data_char(c) ? c : 0x40;
	return true;
}

void ds_screen_input(struct ds_screen *s, const struct ds_input *in)
{
	if (in->aid == DS_AID_CLEAR) {
		/* The CLEAR key erases the buffer and selects the default size. */
		erase(s, false);
		return;
	}
	/*
	 * A terminal sends each modified field once, led by the address just after its attribute,
	 * so the walks below cost about the buffer once plus the data. A client that sends
	 * thousands of fields inside one long field would make each walk the whole buffer: the
	 * walks are counted, and the fields past 4 x size positions' worth are dropped.
	 */
	unsigned long work = 4ul * s->size;
	for (size_t k = 0; k < in->nfields; k++) {
		const struct ds_field_in *f = &in->fields[k];
		if (f->addr >= s->size)
			continue;
		if (work < s->size + f->len)
			break;
		work -= f->len;		/* what stays covers the walk back and the nulling */
		size_t i = 0;
		uint8_t ch, flags;
		unsigned p = f->addr;
		if (!s->nattr) {
			if (k == 0)
				for (unsigned q = 0; q < s->size; q++)
					set_null(s, q);
			for (unsigned n = 0; n < s->size && in_char(f, &i, &ch, &flags); n++) {
				struct cell *c = &s->c[p];
				set_char(s, p, ch, flags, c->fg, c->bg, c->hl);
				p = next_pos(s, p);
			}
			continue;
		}
		long fs = field_start(s, p);
		work -= fs <= (long)p ? p - (unsigned)fs : p + s->size - (unsigned)fs;
		if (fs == (long)p || (s->c[fs].fa & DS_FA_PROTECT))
			continue;
		while (!(s->c[p].flags & CELL_FA) && in_char(f, &i, &ch, &flags)) {
			struct cell *c = &s->c[p];
			set_char(s, p, ch, flags, c->fg, c->bg, c->hl);
			p = next_pos(s, p);
		}
		for (; !(s->c[p].flags & CELL_FA) && work > 0; p = next_pos(s, p), work--) {
			struct cell *c = &s->c[p];
			set_char(s, p, 0, 0, c->fg, c->bg, c->hl);
		}
		s->c[fs].fa |= DS_FA_MDT;
	}
	/* A short read (PA1-3, SYSREQ) carries no cursor: it stays where it is. */
	if (!ds_aid_is_short(in->aid) && in->cursor < s->size)
		s->cursor = in->cursor;
}

/* ---- Query reply ---- */

enum ds_status ds_parse_query_reply(const uint8_t *rec, size_t len, struct ds_query *q)
{
	memset(q, 0, sizeof *q);
	if (len == 0)
		return DS_TRUNCATED;
	if (rec[0] != DS_AID_SF)
		return DS_BAD_COMMAND;
	size_t i = 1;
	while (i < len) {
		if (len - i < 3)
			return DS_BAD_FIELD;
		size_t n = (size_t)rec[i] << 8 | rec[i + 1];
		if (n == 0)
			n = len - i;
		if (n < 3 || n > len - i)
			return DS_BAD_FIELD;
		const uint8_t *sf = rec + i;
		if (sf[2] == 0x81 && n >= 4) {		/* Query Reply */
			switch (sf[3]) {
			case 0x81:	/* Usable Area: flags, flags, width, height, ... */
				if (n < 10)
					return DS_BAD_FIELD;
				q->cols = (unsigned)sf[6] << 8 | sf[7];
				q->rows = (unsigned)sf[8] << 8 | sf[9];
				break;
			case 0x86:	/* Color: flags, number of pairs, pairs */
				if (n < 6)
					return DS_BAD_FIELD;
				q->color = sf[5] > 2;
				break;
			case 0x87:	/* Highlighting: number of pairs, pairs */
				q->highlight = true;
				break;
			}
		}
		i += n;
	}
	return DS_OK;
}
