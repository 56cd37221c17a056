/*
 * check_term_3270.c - the VM/370 3270 console (console/term_3270.c).
 *
 * A fake session captures the records the term sends and keeps a model of the terminal
 * (a ds_screen every record is applied to, as the terminal would), with a fake clock; the term
 * is driven through cp/term.h's wrappers and term_3270_record() with inbound records built here.
 * Records are checked byte for byte where consoles.md section 5 gives the stream (the layout, the
 * status, the input area), and through the model's rendered rows elsewhere.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/ds3270.h"
#include "console/term_3270.h"
#include "lib/ebcdic.h"
#include "tests/check_run.h"

/* ---- The fake session ---- */

#define MAXRECS 64
#define MAXEVS 32

struct fake {
	uint8_t *rec[MAXRECS];	/* the last MAXRECS records sent */
	size_t len[MAXRECS];
	size_t nrec;		/* records sent in all */
	int closes;
	uint64_t now;
	struct ds_screen *screen;	/* the terminal */
	enum ds_status last_status;
	/* Events. */
	enum term_event_type ev[MAXEVS];
	char evtext[MAXEVS][512];
	size_t evlen[MAXEVS];
	bool evtrunc[MAXEVS];
	size_t nev;
	bool close_on_event;	/* the handler closes the term */
};

static struct fake F;

static void fake_send(void *ctx, const uint8_t *rec, size_t len)
{
	struct fake *f = ctx;
	size_t i = f->nrec % MAXRECS;
	free(f->rec[i]);
	f->rec[i] = malloc(len);
	ck_assert_ptr_nonnull(f->rec[i]);
	memcpy(f->rec[i], rec, len);
	f->len[i] = len;
	f->nrec++;
	if (f->screen) {
		struct ds_write_result res;
		f->last_status = ds_screen_write(f->screen, rec, len, &res);
	}
}

static void fake_close(void *ctx)
{
	((struct fake *)ctx)->closes++;
}

static uint64_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static const struct term_3270_io fake_io = {fake_send, fake_close, fake_now};

static void on_event(void *owner, struct term *t, const struct term_event *ev)
{
	struct fake *f = owner;
	ck_assert_uint_lt(f->nev, MAXEVS);
	f->ev[f->nev] = ev->type;
	size_t n = ev->len < sizeof f->evtext[0] - 1 ? ev->len : sizeof f->evtext[0] - 1;
	if (n)
		memcpy(f->evtext[f->nev], ev->text, n);
	f->evtext[f->nev][n] = '\0';
	f->evlen[f->nev] = ev->len;
	f->evtrunc[f->nev] = ev->truncated;
	f->nev++;
	if (f->close_on_event)
		term_close(t);
}

static struct term *open_term(const char *ttype)
{
	unsigned rows, cols;
	bool ext;
	ck_assert(term_3270_model(ttype, &rows, &cols, &ext));
	F.screen = ds_screen_new(rows, cols, ext);
	ck_assert_ptr_nonnull(F.screen);
	F.now = 1000;
	struct term *t = term_3270_new(&fake_io, &F, ttype);
	ck_assert_ptr_nonnull(t);
	term_set_handler(t, on_event, &F);
	return t;
}

static void close_term(struct term *t)
{
	term_3270_free(t);
	ds_screen_free(F.screen);
	for (size_t i = 0; i < MAXRECS; i++)
		free(F.rec[i]);
	memset(&F, 0, sizeof F);
}

/* The last record sent. */
static const uint8_t *last(size_t *len)
{
	ck_assert_uint_gt(F.nrec, 0);
	size_t i = (F.nrec - 1) % MAXRECS;
	*len = F.len[i];
	return F.rec[i];
}

/* Run the term's tick if it is due; true when it sent something. */
static bool tick(struct term *t)
{
	size_t n = F.nrec;
	if (term_3270_deadline(t) <= F.now)
		term_3270_tick(t);
	return F.nrec > n;
}

/* Row r of the terminal as ISO 8859-1 text, attributes and nulls as blanks, trailing blanks cut. */
static const char *row(unsigned r)
{
	static char buf[300];
	unsigned cols = ds_screen_cols(F.screen);
	size_t n = 0;
	for (unsigned c = 0; c < cols; c++) {
		uint8_t attr, color;
		unsigned pos = r * cols + c;
		uint8_t ch = ds_screen_char(F.screen, pos);
		buf[n++] = ds_screen_attr(F.screen, pos, &attr, &color) || ch == 0 ? ' '
										   : (char)ebcdic_to_latin1[ch];
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

/* The status text (the last 20 positions), trailing blanks cut. */
static const char *status(void)
{
	static char buf[32];
	unsigned size = ds_screen_size(F.screen);
	size_t n = 0;
	for (unsigned p = size - 20; p < size; p++) {
		uint8_t ch = ds_screen_char(F.screen, p);
		buf[n++] = ch ? (char)ebcdic_to_latin1[ch] : ' ';
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

static void ebcdic(uint8_t *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = latin1_to_ebcdic[(uint8_t)s[i]];
}

/* An inbound record for key aid with the input field (at in_start) holding text. */
static void key_text(struct term *t, uint8_t aid, unsigned in_start, unsigned size, const char *text)
{
	uint8_t rec[600];
	size_t n = 0, len = strlen(text);
	rec[n++] = aid;
	ds_addr_encode(in_start + (unsigned)len, size, rec + n);
	n += 2;
	rec[n++] = DS_ORDER_SBA;
	ds_addr_encode(in_start, size, rec + n);
	n += 2;
	ebcdic(rec + n, text, len);
	n += len;
	term_3270_record(t, rec, n, false);
}

static void enter(struct term *t, const char *text)
{
	key_text(t, DS_AID_ENTER, 1760, 1920, text);
}

static void key(struct term *t, uint8_t aid)
{
	term_3270_record(t, &aid, 1, false);
}

static void lines(struct term *t, unsigned from, unsigned to)
{
	char buf[32];
	for (unsigned i = from; i <= to; i++) {
		int n = snprintf(buf, sizeof buf, "LINE %u", i);
		term_write_line(t, buf, (size_t)n);
	}
}

#define ck_assert_rec(p, n, exp)                                                                 \
	do {                                                                                     \
		ck_assert_uint_eq((n), sizeof(exp));                                             \
		ck_assert_mem_eq((p), (exp), sizeof(exp));                                       \
	} while (0)

/* ---- Terminal types ---- */

START_TEST(test_model_knows_display_types_and_not_printers)
{
	static const struct {
		const char *t;
		bool ok;
		unsigned rows, cols;
		bool ext;
	} cases[] = {
		{"IBM-3278-2", true, 24, 80, false},	{"IBM-3278-2-E", true, 24, 80, true},
		{"IBM-3279-3", true, 32, 80, false},	{"IBM-3278-4-E", true, 43, 80, true},
		{"IBM-3279-5-E", true, 27, 132, true},	{"ibm-3278-5", true, 27, 132, false},
		{"IBM-3277-2", true, 24, 80, false},	{"IBM-3179-2", true, 24, 80, true},
		{"IBM-3180-2", true, 27, 132, false},	{"IBM-3477-FC", true, 27, 132, true},
		{"IBM-DYNAMIC", true, 24, 80, true},	{"IBM-3287-1", false, 0, 0, false},
		{"IBM-3277-2-E", false, 0, 0, false},	{"IBM-3278-6", false, 0, 0, false},
		{"IBM-3278-2-EX", false, 0, 0, false},	{"IBM-3278", false, 0, 0, false},
		{"XTERM", false, 0, 0, false},		{"", false, 0, 0, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned r = 0, c = 0;
		bool e = false;
		ck_assert_msg(term_3270_model(cases[i].t, &r, &c, &e) == cases[i].ok, "%s", cases[i].t);
		if (!cases[i].ok)
			continue;
		ck_assert_uint_eq(r, cases[i].rows);
		ck_assert_uint_eq(c, cases[i].cols);
		ck_assert(e == cases[i].ext);
	}
	ck_assert(term_3270_model("IBM-3278-2", NULL, NULL, NULL));
	ck_assert(!term_3270_model(NULL, NULL, NULL, NULL));
	ck_assert_ptr_null(term_3270_new(&fake_io, &F, "IBM-3287-1"));
	ck_assert_uint_eq(F.nrec, 0);
}
END_TEST

/* ---- The layout ---- */

/* consoles.md section 5, "Clear screen and set up layout". */
static const uint8_t layout_24x80[] = {
	0xF5, 0xC2, 0x11, 0x40, 0x40, 0x3C, 0xC7, 0x5F, 0x00, 0x3C, 0x4E, 0x7F, 0x00,
	0x3C, 0xD6, 0x5F, 0x00, 0x3C, 0x5B, 0x5F, 0x00, 0x1D, 0xC1, 0x13, 0x11, 0x5D, 0x6B,
	0x1D, 0x60, 0xD9, 0xE4, 0xD5, 0xD5, 0xC9, 0xD5, 0xC7, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
};

START_TEST(test_new_3278_2_draws_dmkgrf_layout_at_once)
{
	struct term *t = open_term("IBM-3278-2");
	ck_assert_uint_eq(F.nrec, 1);	/* no query: not extended */
	size_t n;
	const uint8_t *p = last(&n);
	ck_assert_rec(p, n, layout_24x80);
	ck_assert_int_eq(F.last_status, DS_OK);
	ck_assert_uint_eq(ds_screen_cursor(F.screen), 1760);
	uint8_t a;
	ck_assert(ds_screen_field_attr(F.screen, 1760, &a));
	ck_assert_uint_eq(a, DS_FA_MDT);
	ck_assert(ds_screen_field_attr(F.screen, 0, &a));	/* wrap-around: the status field */
	ck_assert_uint_eq(a, DS_FA_PROTECT);
	ck_assert_str_eq(status(), "RUNNING");
	ck_assert_uint_eq(term_3270_deadline(t), UINT64_MAX);

	struct term_screen sc;
	term_screen(t, &sc);
	ck_assert_uint_eq(sc.rows, 24);
	ck_assert_uint_eq(sc.cols, 80);
	ck_assert(!sc.extended);
	ck_assert_str_eq(sc.ttype, "IBM-3278-2");
	ck_assert_str_eq(term_kind(t), "3270");
	close_term(t);
}
END_TEST

START_TEST(test_read_cp_sends_status_only)
{
	struct term *t = open_term("IBM-3278-2");
	term_read(t, TERM_READ_CP, "", 0);
	ck_assert_uint_eq(term_3270_deadline(t), F.now);
	ck_assert(tick(t));
	static const uint8_t exp[] = {0xF1, 0xC2, 0x11, 0x5D, 0x6B, 0x1D, 0x60, 0xC3, 0xD7,
				      0x40, 0xD9, 0xC5, 0xC1, 0xC4, 0x40, 0x40, 0x40, 0x40,
				      0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40};
	size_t n;
	const uint8_t *p = last(&n);
	ck_assert_rec(p, n, exp);
	ck_assert_str_eq(status(), "CP READ");
	ck_assert_uint_eq(term_3270_deadline(t), UINT64_MAX);
	ck_assert(!tick(t));

	term_read(t, TERM_READ_VM, "ignored prompt", 14);
	ck_assert(tick(t));
	ck_assert_str_eq(status(), "VM READ");
	term_read(t, TERM_READ_LOGON, "", 0);
	ck_assert(tick(t));
	ck_assert_str_eq(status(), "       VM/370 Online");	/* ends the screen */
	close_term(t);
}
END_TEST

START_TEST(test_burst_of_lines_is_one_record)
{
	struct term *t = open_term("IBM-3278-2");
	lines(t, 1, 5);
	term_write_line(t, "", 0);
	term_write_line(t, "after an empty line", 19);
	term_read(t, TERM_READ_CP, "", 0);
	size_t before = F.nrec;
	ck_assert(tick(t));
	ck_assert_uint_eq(F.nrec, before + 1);
	ck_assert_int_eq(F.last_status, DS_OK);
	ck_assert_str_eq(row(0), "LINE 1");
	ck_assert_str_eq(row(4), "LINE 5");
	ck_assert_str_eq(row(5), "");
	ck_assert_str_eq(row(6), "after an empty line");
	ck_assert_str_eq(row(7), "");
	ck_assert_str_eq(status(), "CP READ");
	close_term(t);
}
END_TEST

START_TEST(test_long_line_continues_on_next_rows)
{
	struct term *t = open_term("IBM-3278-2");
	char buf[200];
	for (int i = 0; i < 200; i++)
		buf[i] = (char)('A' + i % 26);
	term_write_line(t, buf, 200);
	term_write_line(t, "next", 4);
	tick(t);
	ck_assert_int_eq(strncmp(row(0), buf, 80), 0);
	ck_assert_int_eq(strncmp(row(1), buf + 80, 80), 0);
	ck_assert_int_eq(strncmp(row(2), buf + 160, 40), 0);
	ck_assert_uint_eq(strlen(row(2)), 40);
	ck_assert_str_eq(row(3), "next");
	close_term(t);
}
END_TEST

/* ---- ENTER ---- */

START_TEST(test_enter_delivers_echoes_clears_input_and_runs)
{
	struct term *t = open_term("IBM-3278-2");
	term_read(t, TERM_READ_CP, "", 0);
	tick(t);
	enter(t, "query time  ");
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0], TERM_EV_LINE);
	ck_assert_str_eq(F.evtext[0], "query time");
	ck_assert_uint_eq(F.evlen[0], 10);
	ck_assert(!F.evtrunc[0]);
	ck_assert(tick(t));
	/* The echo in row 1, DMKGRF's clear-input stream, the status RUNNING. */
	static const uint8_t exp[] = {
		0xF1, 0xC2, 0x11, 0x40, 0x40, 0x98, 0xA4, 0x85, 0x99, 0xA8, 0x40, 0xA3, 0x89, 0x94,
		0x85, 0x11, 0x5B, 0x5F, 0x1D, 0x4D, 0x13, 0x12, 0x5D, 0x6B, 0x11, 0x5B, 0x5F, 0x1D,
		0xC1, 0x11, 0x5D, 0x6B, 0x1D, 0x60, 0xD9, 0xE4, 0xD5, 0xD5, 0xC9, 0xD5, 0xC7, 0x40,
		0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40};
	size_t n;
	const uint8_t *p = last(&n);
	ck_assert_rec(p, n, exp);
	ck_assert_str_eq(row(0), "query time");
	ck_assert_str_eq(status(), "RUNNING");
	close_term(t);
}
END_TEST

START_TEST(test_second_line_before_read_is_not_accepted)
{
	struct term *t = open_term("IBM-3278-2");
	term_read(t, TERM_READ_VM, "", 0);
	enter(t, "first");
	tick(t);
	enter(t, "second");
	ck_assert_uint_eq(F.nev, 1);	/* not delivered */
	ck_assert(tick(t));
	size_t n;
	const uint8_t *p = last(&n);
	ck_assert_uint_eq(p[1], 0xC6);	/* the alarm */
	ck_assert_str_eq(status(), "NOT ACCEPTED");
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_str_eq(row(0), "first");
	ck_assert_str_eq(row(1), "");
	/* The next read clears it; the line can go then. */
	term_read(t, TERM_READ_VM, "", 0);
	tick(t);
	ck_assert_str_eq(status(), "VM READ");
	enter(t, "second");
	ck_assert_uint_eq(F.nev, 2);
	ck_assert_str_eq(F.evtext[1], "second");
	close_term(t);
}
END_TEST

START_TEST(test_password_is_dark_not_echoed_not_retrieved)
{
	struct term *t = open_term("IBM-3278-2");
	term_set_pf(t, 12, TERM_PF_RETRIEVE, NULL, 0);
	term_read(t, TERM_READ_CP, "", 0);
	enter(t, "logon maint");
	term_set_password(t, true);
	term_read(t, TERM_READ_CP, "", 0);
	tick(t);
	uint8_t a;
	ck_assert(ds_screen_field_attr(F.screen, 1760, &a));
	ck_assert_uint_eq(a, DS_FA_DARK | DS_FA_MDT);
	enter(t, "secret");
	ck_assert_uint_eq(F.nev, 2);
	ck_assert_str_eq(F.evtext[1], "secret");
	term_set_password(t, false);
	term_read(t, TERM_READ_CP, "", 0);
	tick(t);
	ck_assert_str_eq(row(0), "logon maint");
	ck_assert_str_eq(row(1), "");
	ck_assert(ds_screen_field_attr(F.screen, 1760, &a));
	ck_assert_uint_eq(a, DS_FA_MDT);
	/* RETRIEVE brings back the logon line, never the password. */
	key_text(t, ds_pf_aid(12), 1760, 1920, "");
	tick(t);
	ck_assert_str_eq(row(22), "logon maint");
	key_text(t, ds_pf_aid(12), 1760, 1920, "logon maint");
	tick(t);
	ck_assert_str_eq(row(22), "logon maint");
	close_term(t);
}
END_TEST

/* ---- MORE... and HOLDING ---- */

START_TEST(test_more_after_22_lines_then_timeout_clears)
{
	struct term *t = open_term("IBM-3278-2");
	term_read(t, TERM_READ_CP, "", 0);
	lines(t, 1, 22);
	tick(t);
	ck_assert_str_eq(row(21), "LINE 22");
	ck_assert_str_eq(status(), "CP READ");
	lines(t, 23, 24);
	tick(t);
	ck_assert_str_eq(status(), "MORE...");
	ck_assert_str_eq(row(0), "LINE 1");
	ck_assert_str_eq(row(21), "LINE 22");
	ck_assert_uint_eq(term_3270_deadline(t), F.now + T3270_MORE_ALARM_MS);
	/* The alarm first, then the clear. */
	F.now += T3270_MORE_ALARM_MS;
	ck_assert(tick(t));
	size_t n;
	const uint8_t *p = last(&n);
	ck_assert_uint_eq(p[1], 0xC6);
	ck_assert_str_eq(status(), "MORE...");
	F.now += T3270_MORE_CLEAR_MS - T3270_MORE_ALARM_MS - 1;
	ck_assert(!tick(t));
	F.now += 1;
	ck_assert(tick(t));
	ck_assert_str_eq(row(0), "LINE 23");
	ck_assert_str_eq(row(1), "LINE 24");
	ck_assert_str_eq(row(2), "");
	ck_assert_str_eq(row(21), "");
	ck_assert_str_eq(status(), "CP READ");
	close_term(t);
}
END_TEST

START_TEST(test_enter_during_more_holds_until_pa2)
{
	struct term *t = open_term("IBM-3278-2");
	term_read(t, TERM_READ_VM, "", 0);
	lines(t, 1, 30);
	tick(t);
	ck_assert_str_eq(status(), "MORE...");
	enter(t, "");
	ck_assert_uint_eq(F.nev, 0);
	tick(t);
	ck_assert_str_eq(status(), "HOLDING");
	ck_assert_uint_eq(term_3270_deadline(t), UINT64_MAX);
	F.now += 10 * T3270_MORE_CLEAR_MS;
	ck_assert(!tick(t));
	ck_assert_str_eq(row(0), "LINE 1");
	key(t, DS_AID_PA2);
	tick(t);
	ck_assert_str_eq(row(0), "LINE 23");
	ck_assert_str_eq(row(7), "LINE 30");
	ck_assert_str_eq(status(), "VM READ");
	ck_assert_uint_eq(F.nev, 0);
	close_term(t);
}
END_TEST

START_TEST(test_clear_redraws_layout_and_shows_waiting_lines)
{
	struct term *t = open_term("IBM-3278-2");
	term_read(t, TERM_READ_CP, "", 0);
	lines(t, 1, 25);
	tick(t);
	ck_assert_str_eq(status(), "MORE...");
	ds_screen_reset(F.screen);	/* what the key does to the terminal */
	key(t, DS_AID_CLEAR);
	ck_assert(tick(t));
	size_t n;
	const uint8_t *p = last(&n);
	ck_assert_uint_eq(p[0], DS_CMD_EW);
	ck_assert_int_eq(F.last_status, DS_OK);
	ck_assert_str_eq(row(0), "LINE 23");
	ck_assert_str_eq(row(2), "LINE 25");
	ck_assert_str_eq(status(), "CP READ");
	ck_assert_uint_eq(ds_screen_cursor(F.screen), 1760);
	ck_assert_uint_eq(F.nev, 0);
	close_term(t);
}
END_TEST

START_TEST(test_waiting_lines_are_bounded)
{
	struct term *t = open_term("IBM-3278-2");
	lines(t, 1, 10000);
	tick(t);
	key(t, DS_AID_PA2);
	tick(t);
	char exp[32];
	snprintf(exp, sizeof exp, "LINE %u", 10000 - T3270_QUEUE_MAX + 1);
	ck_assert_str_eq(row(0), exp);
	ck_assert_str_eq(status(), "MORE...");
	close_term(t);
}
END_TEST

/* ---- PA keys and PF keys ---- */

START_TEST(test_pa1_is_attention_and_clears_input)
{
	struct term *t = open_term("IBM-3278-2");
	term_read(t, TERM_READ_VM, "", 0);
	key(t, DS_AID_PA1);
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0], TERM_EV_ATTENTION);
	ck_assert(tick(t));
	size_t n;
	const uint8_t *p = last(&n);
	static const uint8_t clear_in[] = {0x11, 0x5B, 0x5F, 0x1D, 0x4D, 0x13, 0x12, 0x5D, 0x6B,
					   0x11, 0x5B, 0x5F, 0x1D, 0xC1};
	ck_assert_uint_ge(n, 2 + sizeof clear_in);
	ck_assert_mem_eq(p + 2, clear_in, sizeof clear_in);
	/* PA3: the keyboard only. */
	key(t, DS_AID_PA3);
	ck_assert(tick(t));
	static const uint8_t restore[] = {0xF1, 0xC2};
	p = last(&n);
	ck_assert_rec(p, n, restore);
	ck_assert_uint_eq(F.nev, 1);
	close_term(t);
}
END_TEST

START_TEST(test_pf_delayed_puts_text_in_input_area)
{
	struct term *t = open_term("IBM-3278-2");
	term_set_pf(t, 3, TERM_PF_DELAYED, "query names", 11);
	term_read(t, TERM_READ_CP, "", 0);
	tick(t);
	key_text(t, ds_pf_aid(3), 1760, 1920, "typed");
	ck_assert_uint_eq(F.nev, 0);
	ck_assert(tick(t));
	ck_assert_str_eq(row(22), "query names");
	ck_assert_uint_eq(ds_screen_cursor(F.screen), 1760 + 11);
	ck_assert_str_eq(status(), "CP READ");
	close_term(t);
}
END_TEST

START_TEST(test_pf_immed_delivers_and_keeps_input)
{
	struct term *t = open_term("IBM-3278-2");
	term_set_pf(t, 15, TERM_PF_IMMED, "query time", 10);
	term_read(t, TERM_READ_CP, "", 0);
	tick(t);
	/* What the user has typed is in the terminal's input area. */
	static const uint8_t typed[] = {DS_CMD_W, 0xC2, 0x11, 0x5B, 0x60, 0x88, 0x81};	/* "ha" */
	struct ds_write_result res;
	ds_screen_write(F.screen, typed, sizeof typed, &res);
	key_text(t, ds_pf_aid(15), 1760, 1920, "ha");
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0], TERM_EV_LINE);
	ck_assert_str_eq(F.evtext[0], "query time");
	tick(t);
	ck_assert_str_eq(row(0), "query time");
	ck_assert_str_eq(row(22), "ha");
	ck_assert_str_eq(status(), "RUNNING");
	close_term(t);
}
END_TEST

START_TEST(test_pf_unset_acts_like_enter)
{
	struct term *t = open_term("IBM-3278-2");
	term_read(t, TERM_READ_CP, "", 0);
	key_text(t, ds_pf_aid(24), 1760, 1920, "cp query");
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_str_eq(F.evtext[0], "cp query");
	close_term(t);
}
END_TEST

START_TEST(test_retrieve_cycles_through_last_lines)
{
	struct term *t = open_term("IBM-3278-2");
	term_set_pf(t, 12, TERM_PF_RETRIEVE, NULL, 0);
	const char *in[] = {"one", "two", "three"};
	for (int i = 0; i < 3; i++) {
		term_read(t, TERM_READ_CP, "", 0);
		enter(t, in[i]);
	}
	tick(t);
	const char *exp[] = {"three", "two", "one", "three"};
	for (int i = 0; i < 4; i++) {
		key_text(t, ds_pf_aid(12), 1760, 1920, "");
		tick(t);
		ck_assert_str_eq(row(22), exp[i]);
		ck_assert_uint_eq(ds_screen_cursor(F.screen), 1760 + strlen(exp[i]));
	}
	ck_assert_uint_eq(F.nev, 3);
	close_term(t);
}
END_TEST

START_TEST(test_bell_sounds_alarm_on_next_record)
{
	struct term *t = open_term("IBM-3278-2");
	term_bell(t);
	ck_assert(tick(t));
	size_t n;
	const uint8_t *p = last(&n);
	ck_assert_uint_eq(p[1], 0xC6);
	term_write_line(t, "x", 1);
	tick(t);
	p = last(&n);
	ck_assert_uint_eq(p[1], 0xC2);
	close_term(t);
}
END_TEST

/* ---- Larger models, the query ---- */

START_TEST(test_model5_uses_ewa_and_12bit_addresses)
{
	struct term *t = open_term("IBM-3278-5");
	size_t n;
	const uint8_t *p = last(&n);
	ck_assert_uint_eq(p[0], DS_CMD_EWA);
	ck_assert_uint_eq(p[1], 0xC2);
	ck_assert_int_eq(F.last_status, DS_OK);
	ck_assert_uint_eq(ds_screen_size(F.screen), 27 * 132);
	unsigned in_attr = 25 * 132 - 1;
	uint8_t a;
	ck_assert(ds_screen_field_attr(F.screen, in_attr + 1, &a));
	ck_assert_uint_eq(a, DS_FA_MDT);
	ck_assert(ds_screen_field_attr(F.screen, 27 * 132 - 20, &a));
	ck_assert_uint_eq(a, DS_FA_PROTECT);
	ck_assert_uint_eq(ds_screen_cursor(F.screen), in_attr + 1);
	for (size_t i = 0; i + 2 < n; i++) {
		if (p[i] == DS_ORDER_SBA)
			ck_assert_uint_ne(p[i + 1] & 0xC0, 0);	/* 12-bit form */
	}
	term_read(t, TERM_READ_CP, "", 0);
	lines(t, 1, 26);
	tick(t);
	ck_assert_str_eq(row(24), "LINE 25");
	ck_assert_str_eq(status(), "MORE...");
	key_text(t, DS_AID_ENTER, in_attr + 1, 27 * 132, "hello");
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_str_eq(F.evtext[0], "hello");
	struct term_screen sc;
	term_screen(t, &sc);
	ck_assert_uint_eq(sc.rows, 27);
	ck_assert_uint_eq(sc.cols, 132);
	close_term(t);
}
END_TEST

START_TEST(test_extended_terminal_is_queried_and_coloured)
{
	struct term *t = open_term("IBM-3279-2-E");
	ck_assert_uint_eq(F.nrec, 2);
	size_t n;
	const uint8_t *p = last(&n);
	static const uint8_t query[] = {0xF3, 0x00, 0x05, 0x01, 0xFF, 0x02};
	ck_assert_rec(p, n, query);
	uint8_t a, color;
	ck_assert(ds_screen_attr(F.screen, 1899, &a, &color));
	ck_assert_uint_eq(a, DS_FA_PROTECT);
	ck_assert_uint_eq(color, 0xF4);
	/* A reply with the same size changes nothing. */
	static const uint8_t reply[] = {0x88, 0x00, 0x17, 0x81, 0x81, 0x01, 0x00, 0x00, 0x50,
					0x00, 0x18, 0x01, 0x00, 0x0A, 0x02, 0xE5, 0x00, 0x02,
					0x00, 0x6F, 0x09, 0x0C, 0x07, 0x80};
	term_3270_record(t, reply, sizeof reply, false);
	ck_assert(!tick(t));
	ck_assert_uint_eq(F.nev, 0);
	close_term(t);
}
END_TEST

START_TEST(test_dynamic_takes_usable_area_from_query_reply)
{
	struct term *t = open_term("IBM-DYNAMIC");
	term_write_line(t, "logo line", 9);
	term_read(t, TERM_READ_LOGON, "", 0);
	tick(t);
	/* Usable area 160 x 62 (9920 positions: 14-bit addresses). */
	static const uint8_t reply[] = {0x88, 0x00, 0x17, 0x81, 0x81, 0x01, 0x00, 0x00, 0xA0,
					0x00, 0x3E, 0x01, 0x00, 0x0A, 0x02, 0xE5, 0x00, 0x02,
					0x00, 0x6F, 0x09, 0x0C, 0x07, 0x80};
	ds_screen_free(F.screen);
	F.screen = ds_screen_new(62, 160, true);
	term_3270_record(t, reply, sizeof reply, false);
	ck_assert(tick(t));
	size_t n;
	const uint8_t *p = last(&n);
	ck_assert_uint_eq(p[0], DS_CMD_EWA);
	ck_assert_int_eq(F.last_status, DS_OK);
	ck_assert_uint_eq(p[3] & 0xC0, 0);	/* SBA 0 in the 14-bit form */
	ck_assert_str_eq(row(0), "logo line");
	ck_assert_str_eq(status(), "       VM/370 Online");	/* ends the screen */
	ck_assert_uint_eq(ds_screen_cursor(F.screen), 60 * 160);
	struct term_screen sc;
	term_screen(t, &sc);
	ck_assert_uint_eq(sc.rows, 62);
	ck_assert_uint_eq(sc.cols, 160);
	ck_assert(sc.extended);
	key_text(t, DS_AID_ENTER, 60 * 160, 62 * 160, "logon maint");
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_str_eq(F.evtext[0], "logon maint");
	close_term(t);
}
END_TEST

START_TEST(test_dynamic_ignores_sizes_it_cannot_serve)
{
	struct term *t = open_term("IBM-DYNAMIC");
	/* 300 x 300 is beyond any buffer; the terminal keeps 24 x 80. */
	static const uint8_t reply[] = {0x88, 0x00, 0x0A, 0x81, 0x81, 0x01, 0x00, 0x01, 0x2C,
					0x01, 0x2C};
	term_3270_record(t, reply, sizeof reply, false);
	struct term_screen sc;
	term_screen(t, &sc);
	ck_assert_uint_eq(sc.rows, 24);
	ck_assert_uint_eq(sc.cols, 80);
	ck_assert(!tick(t));
	close_term(t);
}
END_TEST

/* ---- Bad input ---- */

START_TEST(test_malformed_inbound_is_dropped_and_layout_redrawn)
{
	struct term *t = open_term("IBM-3278-2");
	term_read(t, TERM_READ_CP, "", 0);
	term_write_line(t, "kept", 4);
	tick(t);
	static const uint8_t bad_addr[] = {0x7D, 0x5B, 0x60, 0x11, 0x7F, 0x7F, 0xC1};
	static const uint8_t cut_sba[] = {0x7D, 0x5B, 0x60, 0x11, 0x5B};
	static const uint8_t bad_aid[] = {0x12, 0x5B, 0x60};
	const struct {
		const uint8_t *p;
		size_t n;
		bool truncated;
	} cases[] = {
		{bad_addr, sizeof bad_addr, false},
		{cut_sba, sizeof cut_sba, false},
		{bad_aid, sizeof bad_aid, false},
		{(const uint8_t *)"\x7D\x5B\x60\x11\x5B\x60\xC1", 7, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		term_3270_record(t, cases[i].p, cases[i].n, cases[i].truncated);
		ck_assert(tick(t));
		size_t n;
		const uint8_t *p = last(&n);
		if (cases[i].p != bad_aid) {
			ck_assert_uint_eq(p[0], DS_CMD_EW);
			ck_assert_str_eq(row(0), "kept");
			ck_assert_str_eq(status(), "CP READ");
		}
	}
	ck_assert_uint_eq(F.nev, 0);
	close_term(t);
}
END_TEST

START_TEST(test_random_inbound_never_crashes)
{
	struct term *t = open_term("IBM-3278-4-E");
	term_set_pf(t, 1, TERM_PF_RETRIEVE, NULL, 0);
	term_set_pf(t, 2, TERM_PF_DELAYED, "x", 1);
	unsigned seed = 12345;
	uint8_t rec[64];
	for (int i = 0; i < 3000; i++) {
		size_t n = 0;
		seed = seed * 1103515245u + 12345u;
		size_t len = (seed >> 16) % sizeof rec;
		for (; n < len; n++) {
			seed = seed * 1103515245u + 12345u;
			rec[n] = (uint8_t)(seed >> 16);
		}
		if (i % 3 == 0 && len > 0)
			rec[0] = (uint8_t[]){0x7D, 0xF1, 0xF2, 0x6C, 0x6D, 0x6E, 0x88}[i % 7];
		if (i == 1500)
			ck_assert(term_fullscreen(t, true));
		if (F.nev > MAXEVS - 4)
			F.nev = 0;
		if (i % 5 == 0)
			term_read(t, TERM_READ_VM, "", 0);
		term_3270_record(t, rec, len, (seed >> 8) % 17 == 0);
		if (i > 1500 && i % 7 == 0)
			term_write_record(t, rec, len);
		F.now += 100;
		tick(t);
	}
	close_term(t);
}
END_TEST

/* ---- DIAGNOSE X'58' display ---- */

START_TEST(test_display_writes_output_rows_with_attributes)
{
	struct term *t = open_term("IBM-3278-2");
	term_write_line(t, "first", 5);
	uint8_t data[16];
	size_t n = 0;
	data[n++] = DS_ORDER_SF;
	data[n++] = 0xE8;	/* protected intensified */
	ebcdic(data + n, "HI", 2);
	n += 2;
	data[n++] = 0x05;	/* below X'40': a blank */
	ebcdic(data + n, "THERE", 5);
	n += 5;
	term_display(t, 3, false, data, n);
	tick(t);
	ck_assert_int_eq(F.last_status, DS_OK);
	ck_assert_str_eq(row(0), "first");
	ck_assert_str_eq(row(3), " HI THERE");
	uint8_t a;
	ck_assert(ds_screen_attr(F.screen, 240, &a, NULL));
	ck_assert_uint_eq(a, 0x28);
	/* The rows written count: the next line goes below them. */
	term_write_line(t, "after", 5);
	tick(t);
	ck_assert_str_eq(row(4), "after");
	/* Erase, and data beyond the output area is cut. */
	uint8_t big[3000];
	memset(big, 0xC1, sizeof big);
	term_display(t, 20, true, big, sizeof big);
	tick(t);
	ck_assert_str_eq(row(0), "");
	ck_assert_uint_eq(strlen(row(20)), 80);
	ck_assert_uint_eq(strlen(row(21)), 79);
	ck_assert(ds_screen_field_attr(F.screen, 1760, &a));
	ck_assert_uint_eq(a, DS_FA_MDT);
	ck_assert_str_eq(status(), "RUNNING");
	close_term(t);
}
END_TEST

/* ---- Full screen ---- */

START_TEST(test_fullscreen_passes_records_and_redraws_malformed)
{
	struct term *t = open_term("IBM-3278-2");
	term_read(t, TERM_READ_CP, "", 0);
	term_write_line(t, "cp line", 7);
	tick(t);
	ck_assert(term_fullscreen(t, true));
	/* A well-formed record goes as it is. */
	uint8_t rec[64];
	size_t n = 0;
	rec[n++] = DS_CMD_EW;
	rec[n++] = 0xC3;
	rec[n++] = DS_ORDER_SBA, rec[n++] = 0x40, rec[n++] = 0x40;
	rec[n++] = DS_ORDER_SF, rec[n++] = 0xE8;
	ebcdic(rec + n, "PROGRAM", 7);
	n += 7;
	rec[n++] = DS_ORDER_SF, rec[n++] = 0xC1;	/* an input field at 9 */
	rec[n++] = DS_ORDER_IC;
	size_t before = F.nrec;
	term_write_record(t, rec, n);
	ck_assert_uint_eq(F.nrec, before + 1);
	size_t ln;
	const uint8_t *p = last(&ln);
	ck_assert_uint_eq(ln, n);
	ck_assert_mem_eq(p, rec, n);
	ck_assert_str_eq(row(0), " PROGRAM");
	/* CP's output waits while the program owns the screen. */
	term_write_line(t, "message", 7);
	ck_assert_uint_eq(term_3270_deadline(t), UINT64_MAX);
	ck_assert(!tick(t));

	/* Inbound: the record goes to the program; PA1 too. */
	static const uint8_t in[] = {0x7D, 0x40, 0x4C, 0x11, 0x40, 0xC9, 0xC1, 0xC2};
	term_3270_record(t, in, sizeof in, false);
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0], TERM_EV_RECORD);
	ck_assert_uint_eq(F.evlen[0], sizeof in);
	ck_assert_mem_eq(F.evtext[0], in, sizeof in);
	key(t, DS_AID_PA1);
	ck_assert_uint_eq(F.nev, 2);
	ck_assert_int_eq(F.ev[1], TERM_EV_RECORD);
	ck_assert_uint_eq(F.evlen[1], 1);
	/* A bad inbound record is not delivered: the model is redrawn. */
	before = F.nrec;
	static const uint8_t bad[] = {0x7D, 0x40, 0x4C, 0x11, 0x7F};
	term_3270_record(t, bad, sizeof bad, false);
	ck_assert_uint_eq(F.nev, 2);
	ck_assert_uint_eq(F.nrec, before + 1);

	/* Read Modified from the model: AID X'60', cursor, the field typed. */
	term_read_record(t, TERM_RECORD_RM);
	ck_assert_uint_eq(F.nev, 3);
	ck_assert_int_eq(F.ev[2], TERM_EV_RECORD);
	static const uint8_t rm[] = {0x60, 0x40, 0x4C, 0x11, 0x40, 0xC9, 0xC1, 0xC2};
	ck_assert_uint_eq(F.evlen[2], sizeof rm);
	ck_assert_mem_eq(F.evtext[2], rm, sizeof rm);
	term_read_record(t, TERM_RECORD_RB);
	ck_assert_uint_eq(F.nev, 4);
	ck_assert_uint_eq((uint8_t)F.evtext[3][0], 0x60);

	/* Malformed: an address beyond the buffer; only the valid part, redrawn. */
	n = 0;
	rec[n++] = DS_CMD_W;
	rec[n++] = 0xC2;
	rec[n++] = DS_ORDER_SBA, rec[n++] = 0x40, rec[n++] = 0x50;	/* 16 */
	ebcdic(rec + n, "OK", 2);
	n += 2;
	rec[n++] = DS_ORDER_SBA, rec[n++] = 0x7F, rec[n++] = 0x7F;	/* 4095 */
	ebcdic(rec + n, "EVIL", 4);
	n += 4;
	before = F.nrec;
	term_write_record(t, rec, n);
	ck_assert_uint_eq(F.nrec, before + 1);
	p = last(&ln);
	ck_assert_uint_eq(p[0], DS_CMD_EW);
	ck_assert_int_eq(F.last_status, DS_OK);
	ck_assert_str_eq(row(0), " PROGRAM AB     OK");
	/* Truncated orders too. */
	static const uint8_t cut[] = {DS_CMD_W, 0xC2, DS_ORDER_SBA, 0x40};
	term_write_record(t, cut, sizeof cut);
	p = last(&ln);
	ck_assert_uint_eq(p[0], DS_CMD_EW);

	/* The program lets go: CP's layout with what it kept. */
	ck_assert(term_fullscreen(t, false));
	ck_assert(tick(t));
	p = last(&ln);
	ck_assert_uint_eq(p[0], DS_CMD_EW);
	ck_assert_str_eq(row(0), "cp line");
	ck_assert_str_eq(row(1), "message");
	ck_assert_str_eq(status(), "CP READ");
	ck_assert_uint_eq(ds_screen_cursor(F.screen), 1760);
	close_term(t);
}
END_TEST

/* ---- Closing ---- */

/* What CP wrote just before handing the screen to a program (DIALED TO ...) goes out at once,
 * with the keyboard restored: the terminal must not wait, locked, for a program's first write. */
START_TEST(test_fullscreen_sends_pending_output_first_with_keyboard_restored)
{
	struct term *t = open_term("IBM-3278-2");
	term_read(t, TERM_READ_LOGON, "", 0);
	tick(t);
	term_write_line(t, "DIALED TO USER1 0C0", 19);
	size_t before = F.nrec;
	ck_assert(term_fullscreen(t, true));
	ck_assert_uint_eq(F.nrec, before + 1);
	size_t ln;
	const uint8_t *p = last(&ln);
	ck_assert_uint_ge(ln, 2);
	ck_assert_uint_eq(p[0], DS_CMD_W);
	ck_assert(p[1] & DS_WCC_RESTORE);
	ck_assert_str_eq(row(0), "DIALED TO USER1 0C0");
	ck_assert(!tick(t));	/* nothing more is due */
	close_term(t);
}
END_TEST

START_TEST(test_close_stops_output_and_events)
{
	struct term *t = open_term("IBM-3278-2");
	term_write_line(t, "x", 1);
	term_close(t);
	ck_assert_int_eq(F.closes, 1);
	size_t before = F.nrec;
	term_write_line(t, "y", 1);
	term_read(t, TERM_READ_CP, "", 0);
	term_close(t);
	ck_assert_int_eq(F.closes, 1);
	enter(t, "nobody hears");
	term_3270_disconnected(t);
	ck_assert_uint_eq(term_3270_deadline(t), UINT64_MAX);
	term_3270_tick(t);
	ck_assert_uint_eq(F.nrec, before);
	ck_assert_uint_eq(F.nev, 0);
	close_term(t);
}
END_TEST

START_TEST(test_disconnected_is_last_event)
{
	struct term *t = open_term("IBM-3278-2");
	term_3270_disconnected(t);
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0], TERM_EV_DISCONNECTED);
	term_3270_disconnected(t);
	key(t, DS_AID_PA1);
	ck_assert_uint_eq(F.nev, 1);
	close_term(t);
}
END_TEST

START_TEST(test_handler_may_close_inside_line_event)
{
	struct term *t = open_term("IBM-3278-2");
	F.close_on_event = true;
	term_read(t, TERM_READ_CP, "", 0);
	enter(t, "logoff");
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.closes, 1);
	size_t before = F.nrec;
	term_3270_tick(t);
	ck_assert_uint_eq(F.nrec, before);
	close_term(t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("term_3270");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_model_knows_display_types_and_not_printers);
	tcase_add_test(tc, test_new_3278_2_draws_dmkgrf_layout_at_once);
	tcase_add_test(tc, test_read_cp_sends_status_only);
	tcase_add_test(tc, test_burst_of_lines_is_one_record);
	tcase_add_test(tc, test_long_line_continues_on_next_rows);
	tcase_add_test(tc, test_enter_delivers_echoes_clears_input_and_runs);
	tcase_add_test(tc, test_second_line_before_read_is_not_accepted);
	tcase_add_test(tc, test_password_is_dark_not_echoed_not_retrieved);
	tcase_add_test(tc, test_more_after_22_lines_then_timeout_clears);
	tcase_add_test(tc, test_enter_during_more_holds_until_pa2);
	tcase_add_test(tc, test_clear_redraws_layout_and_shows_waiting_lines);
	tcase_add_test(tc, test_waiting_lines_are_bounded);
	tcase_add_test(tc, test_pa1_is_attention_and_clears_input);
	tcase_add_test(tc, test_pf_delayed_puts_text_in_input_area);
	tcase_add_test(tc, test_pf_immed_delivers_and_keeps_input);
	tcase_add_test(tc, test_pf_unset_acts_like_enter);
	tcase_add_test(tc, test_retrieve_cycles_through_last_lines);
	tcase_add_test(tc, test_bell_sounds_alarm_on_next_record);
	tcase_add_test(tc, test_model5_uses_ewa_and_12bit_addresses);
	tcase_add_test(tc, test_extended_terminal_is_queried_and_coloured);
	tcase_add_test(tc, test_dynamic_takes_usable_area_from_query_reply);
	tcase_add_test(tc, test_dynamic_ignores_sizes_it_cannot_serve);
	tcase_add_test(tc, test_malformed_inbound_is_dropped_and_layout_redrawn);
	tcase_add_test(tc, test_random_inbound_never_crashes);
	tcase_add_test(tc, test_display_writes_output_rows_with_attributes);
	tcase_add_test(tc, test_fullscreen_passes_records_and_redraws_malformed);
	tcase_add_test(tc, test_fullscreen_sends_pending_output_first_with_keyboard_restored);
	tcase_add_test(tc, test_close_stops_output_and_events);
	tcase_add_test(tc, test_disconnected_is_last_event);
	tcase_add_test(tc, test_handler_may_close_inside_line_event);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
