/*
 * check_ds3270.h - helpers shared by the 3270 data stream tests (check_ds3270.c and
 * check_ds3270_fuzz.c): golden files, rendering a screen as text, comparing two screens, and
 * random screens made of valid records.
 *
 * Golden files live in tests/console/golden: found through $srcdir (the test driver exports it)
 * or, when a test runs by hand, DS3270_GOLDEN_DIR (compiled in).
 */
#ifndef TESTS_CONSOLE_CHECK_DS3270_H
#define TESTS_CONSOLE_CHECK_DS3270_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/ds3270.h"
#include "lib/ebcdic.h"

/* ---- Golden files ---- */

/* The bytes of golden/NAME (malloc'ed, *len set), or NULL when the file cannot be read. */
static inline uint8_t *golden_read(const char *name, size_t *len)
{
	*len = 0;
	const char *srcdir = getenv("srcdir");
	char path[4096];
	if (srcdir && *srcdir)
		snprintf(path, sizeof path, "%s/tests/console/golden/%s", srcdir, name);
	else
		snprintf(path, sizeof path, "%s/%s", DS3270_GOLDEN_DIR, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	size_t cap = 4096, n = 0;
	uint8_t *p = malloc(cap);
	for (;;) {
		if (!p)
			break;
		n += fread(p + n, 1, cap - n, f);
		if (n < cap)
			break;
		uint8_t *q = realloc(p, cap * 2);
		if (!q) {
			free(p);
			p = NULL;
			break;
		}
		p = q;
		cap *= 2;
	}
	fclose(f);
	*len = n;
	return p;
}

/* The screen as text: one line per row ending in '\n', attribute positions and nulls blank,
 * EBCDIC as ISO 8859-1. malloc'ed. */
static inline char *screen_render(const struct ds_screen *s)
{
	unsigned rows = ds_screen_rows(s), cols = ds_screen_cols(s);
	char *t = malloc((size_t)rows * (cols + 1) + 1);
	ck_assert_ptr_nonnull(t);
	char *o = t;
	for (unsigned r = 0; r < rows; r++) {
		for (unsigned c = 0; c < cols; c++) {
			unsigned pos = r * cols + c;
			uint8_t ch = ds_screen_char(s, pos);
			bool attr = ds_screen_attr(s, pos, NULL, NULL);
			*o++ = (char)(attr || ch == 0 ? ' ' : ebcdic_to_latin1[ch]);
		}
		*o++ = '\n';
	}
	*o = '\0';
	return t;
}

/* Every position, the size and the cursor of a and b are the same. */
static inline void assert_same_screen(const struct ds_screen *a, const struct ds_screen *b)
{
	ck_assert_uint_eq(ds_screen_rows(a), ds_screen_rows(b));
	ck_assert_uint_eq(ds_screen_cols(a), ds_screen_cols(b));
	ck_assert_int_eq(ds_screen_alternate(a), ds_screen_alternate(b));
	ck_assert_uint_eq(ds_screen_cursor(a), ds_screen_cursor(b));
	for (unsigned p = 0; p < ds_screen_size(a); p++) {
		/* Plain tests inside the loop: a Check assertion costs a system call. */
		struct ds_cell x, y;
		if (!ds_screen_cell(a, p, &x) || !ds_screen_cell(b, p, &y))
			ck_abort_msg("position %u is outside the screen", p);
		if (x.ch != y.ch || x.attr != y.attr || x.ge != y.ge || x.fa != y.fa || x.fg != y.fg ||
		    x.bg != y.bg || x.hl != y.hl)
			ck_abort_msg("position %u differs: ch %02x/%02x attr %d/%d ge %d/%d fa %02x/%02x "
				     "fg %02x/%02x bg %02x/%02x hl %02x/%02x", p, x.ch, y.ch, x.attr,
				     y.attr, x.ge, y.ge, x.fa, y.fa, x.fg, y.fg, x.bg, y.bg, x.hl, y.hl);
	}
}

/* ---- Random numbers and random valid records ---- */

static uint64_t ds_rng = 1;

static inline uint64_t ds_rnd(void)
{
	/* xorshift64* */
	ds_rng ^= ds_rng >> 12;
	ds_rng ^= ds_rng << 25;
	ds_rng ^= ds_rng >> 27;
	return ds_rng * 0x2545F4914F6CDD1Dull;
}

static inline unsigned ds_rnd_below(unsigned n)
{
	return (unsigned)(ds_rnd() % n);
}

/* A character the data stream carries as is. */
static inline uint8_t ds_rnd_char(void)
{
	static const uint8_t low[] = {0x00, 0x1C, 0x1E};
	if (ds_rnd_below(8) == 0)
		return low[ds_rnd_below(3)];
	return (uint8_t)(0x40 + ds_rnd_below(0xC0));
}

static inline uint8_t ds_rnd_color(void)
{
	static const uint8_t v[] = {0x00, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7};
	return v[ds_rnd_below(sizeof v)];
}

static inline uint8_t ds_rnd_highlight(void)
{
	static const uint8_t v[] = {0x00, 0xF0, 0xF1, 0xF2, 0xF4};
	return v[ds_rnd_below(sizeof v)];
}

/* Alternate sizes of the 3278 models and two larger ones (14-bit addresses). */
static const unsigned ds_sizes[][2] = {{24, 80}, {32, 80}, {43, 80}, {27, 132}, {62, 160},
				       {100, 163}};

/* A random valid outbound write record (EW/EWA first when erase, else W) for screen s. */
static inline void ds_rnd_write(const struct ds_screen *s, bool erase, struct ds_buf *b)
{
	bool alt = erase ? ds_rnd_below(2) : ds_screen_alternate(s);
	unsigned size = alt ? ds_screen_alt_rows(s) * ds_screen_alt_cols(s) : 24 * 80;
	bool ext = ds_screen_extended(s);
	uint8_t wcc = (uint8_t)(0xC0 | ds_rnd_below(8));
	ds_put_cmd(b, erase ? (alt ? DS_CMD_EWA : DS_CMD_EW) : DS_CMD_W, wcc);
	unsigned items = 1 + ds_rnd_below(60);
	for (unsigned i = 0; i < items; i++) {
		switch (ds_rnd_below(ext ? 14 : 10)) {
		case 0:
		case 1:
			ds_put_sba(b, ds_rnd_below(size), size);
			break;
		case 2:
			ds_put_sf(b, (uint8_t)ds_rnd_below(64));
			break;
		case 3:
		case 4: {
			unsigned n = 1 + ds_rnd_below(30);
			for (unsigned k = 0; k < n; k++)
				ds_put_byte(b, ds_rnd_char());
			break;
		}
		case 5:
			ds_put_ra(b, ds_rnd_below(size), size, ds_rnd_char());
			break;
		case 6:
			if (ds_rnd_below(4) == 0)
				ds_put_eua(b, ds_rnd_below(size), size);
			else
				ds_put_ic(b);
			break;
		case 7:
			ds_put_pt(b);
			break;
		case 8:
			ds_put_byte(b, DS_ORDER_GE);
			ds_put_byte(b, (uint8_t)ds_rnd());
			break;
		case 9:
			if (ds_rnd_below(3) == 0) {
				ds_put_byte(b, DS_ORDER_RA);
				uint8_t a[2];
				ds_addr_encode(ds_rnd_below(size), size, a);
				ds_put_bytes(b, a, 2);
				ds_put_byte(b, DS_ORDER_GE);
				ds_put_byte(b, (uint8_t)ds_rnd());
			} else {
				ds_put_text(b, (const uint8_t *)"\xC8\xC5\xD3\xD3\xD6", 5);
			}
			break;
		case 10:
			ds_put_sfe(b, (uint8_t)ds_rnd_below(64), ds_rnd_color(), ds_rnd_highlight());
			break;
		case 11: {
			static const uint8_t types[] = {DS_XA_ALL, DS_XA_FGCOLOR, DS_XA_BGCOLOR,
							DS_XA_HIGHLIGHT};
			uint8_t t = types[ds_rnd_below(4)];
			ds_put_sa(b, t, t == DS_XA_HIGHLIGHT ? ds_rnd_highlight()
				  : t == DS_XA_ALL ? 0 : ds_rnd_color());
			break;
		}
		case 12:
			ds_put_byte(b, DS_ORDER_MF);
			ds_put_byte(b, 2);
			ds_put_byte(b, DS_XA_FIELD);
			ds_put_byte(b, ds_code6(ds_rnd_below(64)));
			ds_put_byte(b, DS_XA_BGCOLOR);
			ds_put_byte(b, ds_rnd_color());
			break;
		case 13: {
			ds_put_byte(b, DS_ORDER_SFE);
			ds_put_byte(b, 2);
			ds_put_byte(b, DS_XA_BGCOLOR);
			ds_put_byte(b, ds_rnd_color());
			ds_put_byte(b, DS_XA_FIELD);
			ds_put_byte(b, ds_code6(ds_rnd_below(64)));
			break;
		}
		}
	}
}

/* A new screen with a random alternate size, made busy by a few random valid writes. */
static inline struct ds_screen *ds_rnd_screen(void)
{
	const unsigned *sz = ds_sizes[ds_rnd_below(sizeof ds_sizes / sizeof ds_sizes[0])];
	struct ds_screen *s = ds_screen_new(sz[0], sz[1], ds_rnd_below(2));
	ck_assert_ptr_nonnull(s);
	unsigned writes = 1 + ds_rnd_below(4);
	struct ds_buf b = {0};
	for (unsigned w = 0; w < writes; w++) {
		ds_buf_reset(&b);
		ds_rnd_write(s, w == 0 || ds_rnd_below(4) == 0, &b);
		ck_assert(!b.oom);
		struct ds_write_result res;
		enum ds_status st = ds_screen_write(s, b.p, b.len, &res);
		ck_assert_msg(st == DS_OK, "a valid random write failed: %s at %zu",
			      ds_status_str(st), res.offset);
	}
	ds_buf_free(&b);
	return s;
}

#endif
