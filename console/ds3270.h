/*
 * ds3270.h - the 3270 data stream: buffer addresses, an outbound builder, a display's buffer
 * model, and inbound (AID) records. Sans-I/O: bytes in, results out; nothing here sends or prints.
 * Facts: GA23-0059 (3270 Data Stream Programmer's Reference) and reference/consoles.md section 4.
 *
 * Records here are the data stream alone: no telnet doubling of X'FF', no IAC EOR, no TN3270E
 * header (console/telnet.c adds and strips those).
 *
 * Building a record for a terminal (struct ds_buf grows on the heap; a failed allocation sets
 * oom and later puts are ignored, so check once at the end):
 *
 *	struct ds_buf b = {0};
 *	ds_put_cmd(&b, DS_CMD_EW, DS_WCC_RESTORE | DS_WCC_RESET_MDT);
 *	ds_put_sba(&b, 1759, 1920); ds_put_sf(&b, DS_FA_MDT); ds_put_ic(&b);
 *	ds_put_text(&b, ebcdic, n);
 *	if (!b.oom) send(b.p, b.len);  ds_buf_free(&b);
 *
 * Modelling a display (what the terminal shows, for redraw after reconnect, for Read Buffer and
 * Read Modified answered without asking the terminal, and to check a guest's data stream):
 *
 *	struct ds_screen *s = ds_screen_new(32, 80, true);      alternate size 32 x 80, extended
 *	ds_screen_write(s, rec, len, &res);                     an outbound record, as the terminal
 *	ds_screen_input(s, &in);                                what the user typed (parsed inbound)
 *	ds_screen_read(s, DS_CMD_RM, aid, &b);                  the inbound record a terminal would send
 *	ds_screen_redraw(s, &b);                                an EW/EWA record that recreates it
 *
 * Parsing what a terminal sends:
 *
 *	struct ds_field_in f[64]; struct ds_input in;
 *	ds_parse_input(rec, len, ds_screen_size(s), &in, f, 64);   AID, cursor, modified fields
 *	ds_parse_query_reply(rec, len, &q);                     rows, columns, colours (AID X'88')
 *
 * Bad data never crashes or reads or writes outside the buffers: a write with a bad address, an
 * order cut short or an unknown order stops where the real terminal would report an error
 * (res.status, res.offset) and leaves what was applied before it; an inbound record that does not
 * parse gives DS_BAD_* (DS_TRUNCATED when it is cut short) and no fields. Work is linear in the
 * record's length times the buffer's size at worst (an RA or PT scans at most the buffer). A
 * struct ds_screen is used by one thread at a time.
 */
#ifndef CONSOLE_DS3270_H
#define CONSOLE_DS3270_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Commands: the remote (TN3270, SNA) codes, which a terminal session sends. */
enum ds_cmd {
	DS_CMD_W = 0xF1,	/* Write */
	DS_CMD_EW = 0xF5,	/* Erase/Write: default size (24 x 80) */
	DS_CMD_EWA = 0x7E,	/* Erase/Write Alternate: alternate size */
	DS_CMD_EAU = 0x6F,	/* Erase All Unprotected */
	DS_CMD_WSF = 0xF3,	/* Write Structured Field */
	DS_CMD_RB = 0xF2,	/* Read Buffer */
	DS_CMD_RM = 0xF6,	/* Read Modified */
	DS_CMD_RMA = 0x6E,	/* Read Modified All */
};

/* The command a channel (local) CCW code means (01 W, 05 EW, 0D EWA, 0F EAU, 11 WSF, 02 RB,
 * 06 RM), the remote code given as is, or 0 for anything else. */
uint8_t ds_cmd_from_ccw(uint8_t code);

/* Write control character bits (the byte after W, EW, EWA). */
enum {
	DS_WCC_RESET = 0x40,		/* reset partitions / extended attributes (extended streams) */
	DS_WCC_ALARM = 0x04,		/* sound the alarm */
	DS_WCC_RESTORE = 0x02,		/* unlock the keyboard */
	DS_WCC_RESET_MDT = 0x01,	/* reset every modified data tag */
};

/* Orders. */
enum ds_order {
	DS_ORDER_PT = 0x05,	/* Program Tab */
	DS_ORDER_GE = 0x08,	/* Graphic Escape, then 1 character */
	DS_ORDER_SBA = 0x11,	/* Set Buffer Address, then 2 address bytes */
	DS_ORDER_EUA = 0x12,	/* Erase Unprotected to Address, then 2 address bytes */
	DS_ORDER_IC = 0x13,	/* Insert Cursor */
	DS_ORDER_SF = 0x1D,	/* Start Field, then the attribute */
	DS_ORDER_SA = 0x28,	/* Set Attribute, then type and value */
	DS_ORDER_SFE = 0x29,	/* Start Field Extended, then count and (type, value) pairs */
	DS_ORDER_MF = 0x2C,	/* Modify Field, then count and pairs */
	DS_ORDER_RA = 0x3C,	/* Repeat to Address, then 2 address bytes and 1 character (or GE c) */
};

/* Field attribute bits (the value of SF's byte; the top two bits come from the 6-bit code). */
enum {
	DS_FA_PROTECT = 0x20,
	DS_FA_NUMERIC = 0x10,		/* with PROTECT: autoskip */
	DS_FA_DISPLAY_MASK = 0x0C,	/* 00 normal, 04 normal detectable, 08 intensified, 0C dark */
	DS_FA_INTENSE = 0x08,
	DS_FA_DARK = 0x0C,
	DS_FA_MDT = 0x01,
};

/* Extended attribute types (SFE, SA, MF pairs) and colours (GA23-0059). */
enum {
	DS_XA_ALL = 0x00,		/* SA only: reset all character attributes */
	DS_XA_FIELD = 0xC0,		/* the basic field attribute */
	DS_XA_HIGHLIGHT = 0x41,		/* 00 default, F1 blink, F2 reverse, F4 underscore */
	DS_XA_FGCOLOR = 0x42,		/* 00 default, F1 blue ... F7 white */
	DS_XA_CHARSET = 0x43,
	DS_XA_BGCOLOR = 0x45,
	DS_XA_TRANSPARENCY = 0x46,
};

/* AIDs (the first byte of an inbound record). */
enum ds_aid {
	DS_AID_NONE = 0x60,	/* Read Buffer / Read Modified without a key */
	DS_AID_SF = 0x88,	/* structured fields (query reply) */
	DS_AID_ENTER = 0x7D,
	DS_AID_PA1 = 0x6C, DS_AID_PA2 = 0x6E, DS_AID_PA3 = 0x6B,
	DS_AID_CLEAR = 0x6D,
	DS_AID_SYSREQ = 0xF0,
	DS_AID_PF1 = 0xF1,	/* PF1-PF9: F1-F9, PF10-12: 7A-7C, PF13-21: C1-C9, PF22-24: 4A-4C */
};

/* PF key number (1-24) of an AID, or 0 when it is not a PF key. */
unsigned ds_aid_pf(uint8_t aid);
/* The AID of PF key n (1-24). */
uint8_t ds_pf_aid(unsigned n);
/* A short read: the terminal sends the AID alone (PA1-PA3, CLEAR, SYSREQ). */
bool ds_aid_is_short(uint8_t aid);

/* ---- Buffer addresses ---- */

/* The 6-bit code of v (0-63): the byte that carries it in a 12-bit address or an attribute. */
uint8_t ds_code6(unsigned v);
/* Decode an address; 12-bit when b1's top bits are 01 or 11, 14-bit when 00. Returns false for
 * the reserved 10 form. */
bool ds_addr_decode(uint8_t b1, uint8_t b2, unsigned *addr);
/* Encode addr for a buffer of size positions: 12-bit when size <= 4096, else 14-bit. */
void ds_addr_encode(unsigned addr, unsigned size, uint8_t out[2]);

/* ---- Building outbound records ---- */

struct ds_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;	/* an allocation failed: the record is incomplete; do not send it */
};

void ds_buf_free(struct ds_buf *b);
void ds_buf_reset(struct ds_buf *b);	/* len = 0, oom = false; keeps the memory */
void ds_put_byte(struct ds_buf *b, uint8_t c);
void ds_put_bytes(struct ds_buf *b, const void *p, size_t n);
/* The command byte and, for W, EW and EWA, the WCC (ignored for the others). */
void ds_put_cmd(struct ds_buf *b, enum ds_cmd cmd, uint8_t wcc);
/* size: the buffer positions of the screen the record is for (address form, 12 or 14 bit). */
void ds_put_sba(struct ds_buf *b, unsigned addr, unsigned size);
void ds_put_sf(struct ds_buf *b, uint8_t attr);	/* attr's bits 2-7; the 6-bit code is applied */
/* SFE with the field attribute and, when nonzero, foreground colour and highlighting. */
void ds_put_sfe(struct ds_buf *b, uint8_t attr, uint8_t color, uint8_t highlight);
void ds_put_sa(struct ds_buf *b, uint8_t type, uint8_t value);
void ds_put_ic(struct ds_buf *b);
void ds_put_pt(struct ds_buf *b);
/* RA to `to` with character c; a c below X'40' other than null, DUP (X'1C') and FM (X'1E')
 * goes out as a blank, as in ds_put_text. */
void ds_put_ra(struct ds_buf *b, unsigned to, unsigned size, uint8_t c);
void ds_put_eua(struct ds_buf *b, unsigned to, unsigned size);
/* EBCDIC text; bytes below X'40' (which would read as orders) go out as blanks. */
void ds_put_text(struct ds_buf *b, const uint8_t *ebcdic, size_t n);

/* ---- A display's buffer ---- */

enum ds_status {
	DS_OK = 0,
	DS_BAD_COMMAND,		/* the first byte is no command this model knows */
	DS_BAD_ADDRESS,		/* an address beyond the buffer, or the reserved form */
	DS_TRUNCATED,		/* an order or the WCC cut short by the end of the record */
	DS_BAD_ORDER,		/* a byte below X'40' that is no order, or a bad SFE/SA/MF pair */
	DS_BAD_FIELD,		/* structured field length wrong (WSF) */
	DS_TOO_COSTLY,		/* the orders walk more than 32 x the buffer's positions (RA, EUA
				 * and PT over and over: a hostile record, never a real screen's) */
};
const char *ds_status_str(enum ds_status st);

/* What a write did, for its caller (to answer a channel, to redraw, to ring). */
struct ds_write_result {
	enum ds_status status;
	size_t offset;		/* where in the record the error was (DS_OK: len) */
	bool alarm;		/* the WCC asked for the alarm */
	bool restore;		/* the WCC unlocked the keyboard */
	bool erased;		/* EW or EWA: the screen was cleared (and its size chosen) */
	bool query;		/* WSF held a Read Partition Query: the terminal answers with AID X'88' */
	uint8_t read_cmd;	/* WSF Read Partition asked for RB/RM/RMA (0: none) */
};

struct ds_screen;

/* A display whose alternate size is rows x cols (24 x 80 at least; the default size is always
 * 24 x 80); extended: it takes SFE, SA, MF and colours. NULL when out of memory or the size is
 * outside 24..255 x 80..255 with rows x cols <= 16383. */
struct ds_screen *ds_screen_new(unsigned rows, unsigned cols, bool extended);
void ds_screen_free(struct ds_screen *s);
/* The size in use (default until an EWA). */
unsigned ds_screen_rows(const struct ds_screen *s);
unsigned ds_screen_cols(const struct ds_screen *s);
unsigned ds_screen_size(const struct ds_screen *s);	/* rows x cols */
bool ds_screen_alternate(const struct ds_screen *s);
unsigned ds_screen_cursor(const struct ds_screen *s);
/* Clear to the default size, nulls, no fields, cursor 0 (what a terminal does at power on). */
void ds_screen_reset(struct ds_screen *s);

/* Apply one outbound record (remote command codes; local CCW codes too, see ds_cmd_from_ccw).
 * W starts at the cursor address, EW and EWA at 0 after the erase. The WCC's MDT reset is done
 * before the orders; its alarm and keyboard restore are reported (res.alarm, res.restore) only
 * when the write had no error, as the terminal carries them out at its end. A read command (RB,
 * RM, RMA) changes nothing and sets res.read_cmd; answer it with ds_screen_read. EAU sets
 * res.restore. GE characters are kept as they are (the model does not translate them) and go
 * out again with GE in front (ds_screen_read, ds_screen_redraw). */
enum ds_status ds_screen_write(struct ds_screen *s, const uint8_t *rec, size_t len,
			       struct ds_write_result *res);

/* Position pos: the character (EBCDIC; a field attribute position reads as 0 with attr set). */
uint8_t ds_screen_char(const struct ds_screen *s, unsigned pos);
/* Whether pos holds a field attribute, and which (the 6 bits; extended colour in *color). */
bool ds_screen_attr(const struct ds_screen *s, unsigned pos, uint8_t *attr, uint8_t *color);
/* The attribute of the field pos is in (pos itself if it is an attribute); false when the buffer
 * has no fields (unformatted). */
bool ds_screen_field_attr(const struct ds_screen *s, unsigned pos, uint8_t *attr);

/* Everything the model keeps of one position (for renderers and tests). */
struct ds_cell {
	uint8_t ch;		/* EBCDIC character; 0 at an attribute position */
	bool attr;		/* a field attribute position */
	bool ge;		/* the character came through Graphic Escape */
	uint8_t fa;		/* attr: the six attribute bits */
	uint8_t fg, bg, hl;	/* extended: the field's (attr) or the character's (SA) colours and
				 * highlighting; 0 for the default */
};
/* Position pos into *out; false when pos >= ds_screen_size(s). */
bool ds_screen_cell(const struct ds_screen *s, unsigned pos, struct ds_cell *out);
/* What the screen was made with (ds_screen_new). */
bool ds_screen_extended(const struct ds_screen *s);
unsigned ds_screen_alt_rows(const struct ds_screen *s);
unsigned ds_screen_alt_cols(const struct ds_screen *s);

/* ---- Inbound records ---- */

struct ds_field_in {
	unsigned addr;		/* first data position after the SBA */
	const uint8_t *data;	/* into the record: nulls already absent, as the terminal sends */
	size_t len;
};

struct ds_input {
	uint8_t aid;
	unsigned cursor;	/* 0 for a short read */
	size_t nfields;
	struct ds_field_in *fields;	/* the caller's array */
	bool more;		/* more fields than the array held (the rest were dropped) */
};

/* Parse an inbound record for a screen of size positions into in (fields into f[0..max)).
 * Text before the first SBA (an unformatted screen) is one field at address 0. Field data may
 * hold GE c pairs (c is data, even X'11'); ds_screen_input takes them apart. */
enum ds_status ds_parse_input(const uint8_t *rec, size_t len, unsigned size, struct ds_input *in,
			      struct ds_field_in *f, size_t max);

/* What the user typed, into the model: each field's data from its address, MDT set, the rest of
 * the field nulled; the cursor moved. Data for protected positions, or more than the field holds,
 * is ignored; GE c is c from the alternate set; other bytes below X'40' that are no characters
 * become blanks. On an unformatted screen the first field's data replaces the whole buffer.
 * CLEAR erases the model and selects the default size, as the key does on the terminal. */
void ds_screen_input(struct ds_screen *s, const struct ds_input *in);

/* The inbound record the terminal would send for cmd (DS_CMD_RB, DS_CMD_RM, DS_CMD_RMA) with
 * key aid: AID, cursor and the modified fields (RM), or the whole buffer with SF for attributes
 * (RB). A short-read AID gives the AID alone for RM. Appends to b. */
void ds_screen_read(const struct ds_screen *s, uint8_t cmd, uint8_t aid, struct ds_buf *b);

/* An Erase/Write (or EWA, for the alternate size) record that recreates the screen: fields,
 * extended attributes, text, cursor. Appends to b. */
void ds_screen_redraw(const struct ds_screen *s, uint8_t wcc, struct ds_buf *b);

/* The terminal's Query Reply (AID X'88' record), what Cambridge uses of it. */
struct ds_query {
	unsigned rows, cols;	/* Usable Area (X'81'); 0 when absent */
	bool color;		/* Color reply (X'86') with more than 2 colours */
	bool highlight;		/* Highlighting reply (X'87') */
};
enum ds_status ds_parse_query_reply(const uint8_t *rec, size_t len, struct ds_query *q);

/* The WSF record that asks a terminal for its query reply (Read Partition Query). */
void ds_put_query(struct ds_buf *b);

#endif
