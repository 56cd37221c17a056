/*
 * check_telnet.c - the telnet session engine and the line-mode term, byte for byte.
 *
 * Each test plays the client: it feeds a session bytes and compares what the session sends and
 * the events it delivers with what the RFCs (854, 856, 857, 858, 885, 1073, 1091, 1143, 1576)
 * say; the TN3270E (RFC 2355) cases replay what s3270 4.1 sends, byte for byte. The fuzz test at
 * the end feeds random and telnet-shaped byte strings in random pieces,
 * mixed with random calls, checks every event against the engine's promises and parses all the
 * output with a second libtelnet as a client would. CAMBRIDGE_FUZZ_SEED and CAMBRIDGE_FUZZ_CASES
 * override its fixed seed and case count.
 */
#include <check.h>
#include <stddef.h>
#include <libtelnet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console/telnet.h"
#include "console/term_line.h"
#include "tests/check_run.h"

#define IAC	"\xff"
#define WILL	"\xfb"
#define WONT	"\xfc"
#define DO	"\xfd"
#define DONT	"\xfe"
#define SB	"\xfa"
#define SE	"\xf0"
#define GA	"\xf9"
#define EOR	"\xef"

/* Bytes of a string literal, embedded NULs included. */
#define LIT(s)	s, sizeof(s) - 1

/* ---- the fixture: a server that records everything ---- */

#define MAX_EVENTS 64

struct rec_event {
	enum tn_event_type type;
	char *data;
	size_t len;
	bool truncated;
	unsigned width, height;
	enum tn_close_reason reason;
	char ttype[TN_TTYPE_MAX + 1];
	enum tn_mode mode;	/* tn_mode() when the event was delivered */
};

struct rec_term_event {
	enum term_event_type type;
	char *text;
	size_t len;
	bool truncated;
};

struct cap {
	struct tn_session *s;
	char *out;
	size_t out_len, out_cap;
	struct rec_event ev[MAX_EVENTS];
	size_t nev;
	/* Line-term side. */
	struct term *term;
	struct rec_term_event tev[MAX_EVENTS];
	size_t ntev;
	/* Behaviours. */
	bool free_on_line;	/* tn_free() from the handler at the first line */
	bool close_on_term_line;	/* term_close() from the term handler at the first line */
	bool free_on_closed;	/* like a server: free term and session at TN_EV_CLOSED */
	bool close_on_ttype;	/* tn_close() from the handler at TN_EV_TTYPE */
};

static void cap_send(void *ctx, const char *bytes, size_t len)
{
	struct cap *c = ctx;
	if (c->out_len + len > c->out_cap) {
		c->out_cap = (c->out_len + len) * 2 + 64;
		c->out = realloc(c->out, c->out_cap);
		ck_assert_ptr_nonnull(c->out);
	}
	memcpy(c->out + c->out_len, bytes, len);
	c->out_len += len;
}

static char *dup_bytes(const char *p, size_t n)
{
	char *d = malloc(n + 1);
	ck_assert_ptr_nonnull(d);
	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

static void cap_event(void *ctx, struct tn_session *s, const struct tn_event *ev)
{
	struct cap *c = ctx;
	ck_assert_uint_lt(c->nev, MAX_EVENTS);
	struct rec_event *r = &c->ev[c->nev++];
	r->type = ev->type;
	r->data = ev->data ? dup_bytes(ev->data, ev->len) : NULL;
	r->len = ev->len;
	r->truncated = ev->truncated;
	r->width = ev->width;
	r->height = ev->height;
	r->reason = ev->reason;
	snprintf(r->ttype, sizeof r->ttype, "%s", tn_ttype(s));
	r->mode = tn_mode(s);
	if (c->term)
		term_line_event(c->term, ev);
	if (c->close_on_ttype && ev->type == TN_EV_TTYPE) {
		c->close_on_ttype = false;
		tn_close(s);
	}
	if (c->free_on_closed && ev->type == TN_EV_CLOSED) {
		term_line_free(c->term);
		c->term = NULL;
		tn_free(s);
		c->s = NULL;
	}
	if (c->free_on_line && ev->type == TN_EV_LINE) {
		c->free_on_line = false;
		tn_free(s);
		c->s = NULL;
	}
}

static const struct tn_io cap_io = { cap_send, cap_event };

static void cap_term_event(void *owner, struct term *t, const struct term_event *ev)
{
	struct cap *c = owner;
	ck_assert_uint_lt(c->ntev, MAX_EVENTS);
	struct rec_term_event *r = &c->tev[c->ntev++];
	r->type = ev->type;
	r->text = ev->text ? dup_bytes(ev->text, ev->len) : NULL;
	r->len = ev->len;
	r->truncated = ev->truncated;
	if (c->close_on_term_line && ev->type == TERM_EV_LINE) {
		c->close_on_term_line = false;
		term_close(t);
	}
}

static void cap_clear_out(struct cap *c)
{
	c->out_len = 0;
}

static void cap_clear_events(struct cap *c)
{
	for (size_t i = 0; i < c->nev; i++)
		free(c->ev[i].data);
	c->nev = 0;
	for (size_t i = 0; i < c->ntev; i++)
		free(c->tev[i].text);
	c->ntev = 0;
}

/* A session with cfg (NULL: defaults) created at time 1000; its opening bytes are kept. */
static void cap_open(struct cap *c, const struct tn_config *cfg)
{
	memset(c, 0, sizeof *c);
	c->s = tn_new(cfg, &cap_io, c, 1000);
	ck_assert_ptr_nonnull(c->s);
}

static void cap_done(struct cap *c)
{
	term_line_free(c->term);
	tn_free(c->s);
	cap_clear_events(c);
	free(c->out);
}

static void feed(struct cap *c, const char *p, size_t n)
{
	tn_feed(c->s, p, n);
}

static void feed_bytewise(struct cap *c, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tn_feed(c->s, p + i, 1);
}

static void hexdump(const char *what, const char *p, size_t n)
{
	fprintf(stderr, "%s (%zu):", what, n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %02X", (unsigned char)p[i]);
	fprintf(stderr, "\n");
}

/* The session sent exactly these bytes since the last check; forget them. */
static void expect_out(struct cap *c, const char *p, size_t n)
{
	if (c->out_len != n || memcmp(c->out, p, n) != 0) {
		hexdump("expected", p, n);
		hexdump("sent    ", c->out, c->out_len);
		ck_abort_msg("output differs");
	}
	cap_clear_out(c);
}

/* A session past the terminal-type exchange: opening bytes and events forgotten. */
static void cap_open_quiet(struct cap *c, const struct tn_config *cfg)
{
	cap_open(c, cfg);
	cap_clear_out(c);
}

static void expect_nev(struct cap *c, size_t n)
{
	ck_assert_uint_eq(c->nev, n);
}

static void expect_line(struct cap *c, size_t i, const char *text, size_t len, bool truncated)
{
	ck_assert_uint_gt(c->nev, i);
	ck_assert_int_eq(c->ev[i].type, TN_EV_LINE);
	ck_assert_uint_eq(c->ev[i].len, len);
	ck_assert(memcmp(c->ev[i].data, text, len) == 0);
	ck_assert_int_eq(c->ev[i].data[len], '\0');
	ck_assert_int_eq(c->ev[i].truncated, truncated);
}

static void expect_event(struct cap *c, size_t i, enum tn_event_type type)
{
	ck_assert_uint_gt(c->nev, i);
	ck_assert_int_eq(c->ev[i].type, type);
}

/* ---- opening negotiation ---- */

START_TEST(test_new_offers_tn3270e_asks_for_ttype_and_naws)
{
	struct cap c;
	cap_open(&c, NULL);
	expect_out(&c, LIT(IAC DO "\x28" IAC DO "\x18" IAC DO "\x1f"));
	expect_nev(&c, 0);
	ck_assert(!tn_ttype_known(c.s));
	ck_assert_str_eq(tn_ttype(c.s), "");
	ck_assert_int_eq(tn_mode(c.s), TN_MODE_LINE);
	ck_assert_uint_eq(tn_deadline(c.s), 1000 + TN_DEFAULT_TTYPE_WAIT);
	cap_done(&c);
}
END_TEST

START_TEST(test_new_server_echo_also_offers_will_echo_will_sga)
{
	struct tn_config cfg;
	tn_config_init(&cfg);
	cfg.server_echo = true;
	struct cap c;
	cap_open(&c, &cfg);
	expect_out(&c, LIT(IAC DO "\x28" IAC DO "\x18" IAC DO "\x1f" IAC WILL "\x01" IAC WILL "\x03"));
	/* The client agrees: nothing to answer (RFC 1143), both options on. */
	feed(&c, LIT(IAC DO "\x01" IAC DO "\x03"));
	expect_out(&c, "", 0);
	ck_assert(tn_local_option(c.s, TN_OPT_ECHO));
	ck_assert(tn_local_option(c.s, TN_OPT_SGA));
	cap_done(&c);
}
END_TEST

/* ---- terminal type (RFC 1091) ---- */

static void ttype_exchange(struct cap *c, const char *is, size_t n)
{
	feed(c, LIT(IAC WILL "\x18"));
	expect_out(c, LIT(IAC SB "\x18\x01" IAC SE));
	expect_nev(c, 0);
	feed(c, LIT(IAC SB "\x18\x00"));
	feed(c, is, n);
	feed(c, LIT(IAC SE));
}

START_TEST(test_ttype_ibm_3278_2_e_is_a_3270)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	ttype_exchange(&c, LIT("IBM-3278-2-E"));
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_TTYPE);
	ck_assert_str_eq(c.ev[0].ttype, "IBM-3278-2-E");
	ck_assert_str_eq(tn_ttype(c.s), "IBM-3278-2-E");
	ck_assert(tn_ttype_known(c.s));
	ck_assert(tn_ttype_is_3270(tn_ttype(c.s)));
	ck_assert(tn_remote_option(c.s, TN_OPT_TTYPE));
	ck_assert_uint_eq(tn_deadline(c.s), TN_NEVER);
	cap_done(&c);
}
END_TEST

START_TEST(test_ttype_xterm_is_line_mode)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	ttype_exchange(&c, LIT("xterm"));
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_TTYPE);
	ck_assert_str_eq(c.ev[0].ttype, "xterm");
	ck_assert(!tn_ttype_is_3270(tn_ttype(c.s)));
	ck_assert(tn_ttype_is_3270("ibm-dynamic"));
	ck_assert(!tn_ttype_is_3270("IBM"));
	ck_assert(!tn_ttype_is_3270(""));
	ck_assert_int_eq(tn_mode(c.s), TN_MODE_LINE);
	cap_done(&c);
}
END_TEST

START_TEST(test_ttype_refused_gives_an_empty_type)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	feed(&c, LIT(IAC WONT "\x18"));
	expect_out(&c, "", 0);	/* a refusal of our DO is not answered */
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_TTYPE);
	ck_assert_str_eq(c.ev[0].ttype, "");
	ck_assert(tn_ttype_known(c.s));
	cap_done(&c);
}
END_TEST

START_TEST(test_ttype_wait_runs_out_at_the_deadline)
{
	struct tn_config cfg;
	tn_config_init(&cfg);
	cfg.ttype_wait_ms = 500;
	struct cap c;
	cap_open_quiet(&c, &cfg);
	ck_assert_uint_eq(tn_deadline(c.s), 1500);
	tn_tick(c.s, 1499);
	expect_nev(&c, 0);
	tn_tick(c.s, 1500);
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_TTYPE);
	ck_assert_str_eq(c.ev[0].ttype, "");
	ck_assert_uint_eq(tn_deadline(c.s), TN_NEVER);
	tn_tick(c.s, 5000);
	expect_nev(&c, 1);
	/* A late answer still arrives, as a second TN_EV_TTYPE. */
	cap_clear_events(&c);
	ttype_exchange(&c, LIT("IBM-3279-2"));
	expect_nev(&c, 1);
	ck_assert_str_eq(c.ev[0].ttype, "IBM-3279-2");
	cap_done(&c);
}
END_TEST

START_TEST(test_ttype_is_without_send_is_ignored)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	feed(&c, LIT(IAC SB "\x18\x00" "VT100" IAC SE));
	expect_nev(&c, 0);
	ttype_exchange(&c, LIT("VT100"));
	expect_nev(&c, 1);
	feed(&c, LIT(IAC SB "\x18\x00" "IBM-3278-2" IAC SE));	/* not asked for */
	expect_nev(&c, 1);
	ck_assert_str_eq(tn_ttype(c.s), "VT100");
	/* Asking again (RFC 1091 cycling) gets the next one. */
	ck_assert(tn_ttype_request(c.s));
	expect_out(&c, LIT(IAC SB "\x18\x01" IAC SE));
	feed(&c, LIT(IAC SB "\x18\x00" "VT52" IAC SE));
	expect_nev(&c, 2);
	ck_assert_str_eq(tn_ttype(c.s), "VT52");
	cap_done(&c);
}
END_TEST

START_TEST(test_ttype_is_cleaned_and_bounded)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	ttype_exchange(&c, LIT("A\x01 B" IAC IAC "0123456789012345678901234567890123456789XYZ"));
	expect_nev(&c, 1);
	ck_assert_uint_eq(strlen(tn_ttype(c.s)), TN_TTYPE_MAX);
	ck_assert(memcmp(tn_ttype(c.s), "A??B?012345", 11) == 0);
	cap_done(&c);
}
END_TEST

/* ---- line assembly ---- */

static const struct {
	const char *bytes;
	size_t len;
} line_ends[] = {
	{ LIT("abc\r\n") },
	{ LIT("abc\r\0") },
	{ LIT("abc\n") },
	{ LIT("abc\r") },
};

START_TEST(test_line_ends_whole_and_byte_by_byte)
{
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		for (size_t k = 0; k < sizeof line_ends / sizeof line_ends[0]; k++) {
			struct cap c;
			cap_open_quiet(&c, NULL);
			(bytewise ? feed_bytewise : feed)(&c, line_ends[k].bytes, line_ends[k].len);
			(bytewise ? feed_bytewise : feed)(&c, LIT("def\r\n"));
			expect_nev(&c, 2);
			expect_line(&c, 0, LIT("abc"), false);
			expect_line(&c, 1, LIT("def"), false);
			expect_out(&c, "", 0);	/* the client echoes, not us */
			cap_done(&c);
		}
	}
}
END_TEST

START_TEST(test_line_ends_mixed_in_one_feed_and_empty_lines)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	feed(&c, LIT("one\r\ntwo\r\0three\nfour\r\r\n\n"));
	expect_nev(&c, 6);
	expect_line(&c, 0, LIT("one"), false);
	expect_line(&c, 1, LIT("two"), false);
	expect_line(&c, 2, LIT("three"), false);
	expect_line(&c, 3, LIT("four"), false);
	expect_line(&c, 4, LIT(""), false);
	expect_line(&c, 5, LIT(""), false);
	cap_done(&c);
}
END_TEST

START_TEST(test_backspace_and_del_erase_characters)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	feed(&c, LIT("abx\bc\r\n"));
	feed(&c, LIT("ab\x7f\x7f\x7fz\n"));		/* erasing past the start is harmless */
	feed(&c, LIT("caf\xc3\xa9\b!\n"));		/* a UTF-8 sequence goes at once */
	feed(&c, LIT("\xa2\xa2\b\n"));			/* Latin-1: one byte each */
	feed(&c, LIT("abc" IAC "\xf7" "\r\n"));	/* IAC EC */
	feed(&c, LIT("abc" IAC "\xf8" "xy\r\n"));	/* IAC EL */
	feed(&c, LIT("abc\x15xy\r\n"));		/* ^U */
	expect_nev(&c, 7);
	expect_line(&c, 0, LIT("abc"), false);
	expect_line(&c, 1, LIT("z"), false);
	expect_line(&c, 2, LIT("caf!"), false);
	expect_line(&c, 3, LIT("\xa2"), false);
	expect_line(&c, 4, LIT("ab"), false);
	expect_line(&c, 5, LIT("xy"), false);
	expect_line(&c, 6, LIT("xy"), false);
	expect_out(&c, "", 0);
	cap_done(&c);
}
END_TEST

START_TEST(test_control_characters_are_mapped_or_dropped)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	/* TAB is a blank; other C0 controls and cursor-key sequences go; ESC x keeps x. */
	feed(&c, LIT("a\tb\x01" "c\x07" "d\x1b[A" "e\x1bOB" "f\x1b[1;5C" "g\x1bxh\x00i\r\n"));
	expect_nev(&c, 1);
	expect_line(&c, 0, LIT("a bcdefgxhi"), false);
	cap_done(&c);
}
END_TEST

START_TEST(test_server_echo_echoes_and_edits)
{
	struct tn_config cfg;
	tn_config_init(&cfg);
	cfg.server_echo = true;
	struct cap c;
	cap_open_quiet(&c, &cfg);
	feed(&c, LIT(IAC DO "\x01" IAC DO "\x03"));
	feed(&c, LIT("ab\bc\r\n"));
	expect_out(&c, LIT("ab\b \bc\r\n"));
	expect_nev(&c, 1);
	expect_line(&c, 0, LIT("ac"), false);
	/* A prompt in character mode has no go-ahead (SGA is on). */
	tn_prompt(c.s, LIT("> "));
	expect_out(&c, LIT("> "));
	cap_done(&c);
}
END_TEST

START_TEST(test_output_while_typing_shows_the_input_again)
{
	struct tn_config cfg;
	tn_config_init(&cfg);
	cfg.server_echo = true;
	struct cap c;
	cap_open_quiet(&c, &cfg);
	feed(&c, LIT(IAC DO "\x01" IAC DO "\x03"));
	tn_prompt(c.s, LIT("> "));
	feed(&c, LIT("ab"));
	expect_out(&c, LIT("> ab"));
	tn_write_line(c.s, LIT("MSG FROM OPERATOR"));
	expect_out(&c, LIT("\r\nMSG FROM OPERATOR\r\n> ab"));
	feed(&c, LIT("c\r"));
	expect_out(&c, LIT("c\r\n"));
	expect_line(&c, 0, LIT("abc"), false);
	tn_write_line(c.s, LIT("done"));
	expect_out(&c, LIT("done\r\n"));
	cap_done(&c);
}
END_TEST

START_TEST(test_password_mode_negotiates_will_echo)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	tn_set_password(c.s, true);
	expect_out(&c, LIT(IAC WILL "\x01"));
	feed(&c, LIT(IAC DO "\x01"));
	expect_out(&c, "", 0);
	ck_assert(tn_local_option(c.s, TN_OPT_ECHO));
	feed(&c, LIT("sec\x7fret\r\n"));
	/* Nothing typed is echoed; the line end is (the client believes we echo). */
	expect_out(&c, LIT("\r\n"));
	expect_line(&c, 0, LIT("seret"), false);
	tn_set_password(c.s, false);
	expect_out(&c, LIT(IAC WONT "\x01"));
	feed(&c, LIT(IAC DONT "\x01"));
	expect_out(&c, "", 0);
	ck_assert(!tn_local_option(c.s, TN_OPT_ECHO));
	feed(&c, LIT("visible\r\n"));
	expect_out(&c, "", 0);
	expect_line(&c, 1, LIT("visible"), false);
	/* Quickly on, off and on again before the client answers: the Q method queues. */
	tn_set_password(c.s, true);
	tn_set_password(c.s, false);
	tn_set_password(c.s, true);
	expect_out(&c, LIT(IAC WILL "\x01"));
	feed(&c, LIT(IAC DO "\x01"));
	expect_out(&c, "", 0);
	ck_assert(tn_local_option(c.s, TN_OPT_ECHO));
	cap_done(&c);
}
END_TEST

START_TEST(test_password_echo_refused_leaves_the_client_echoing)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	tn_set_password(c.s, true);
	expect_out(&c, LIT(IAC WILL "\x01"));
	feed(&c, LIT(IAC DONT "\x01"));
	expect_out(&c, "", 0);
	feed(&c, LIT("secret\r\n"));
	expect_out(&c, "", 0);	/* the client echoed, line end included */
	expect_line(&c, 0, LIT("secret"), false);
	cap_done(&c);
}
END_TEST

START_TEST(test_password_in_character_mode_echoes_only_the_line_end)
{
	struct tn_config cfg;
	tn_config_init(&cfg);
	cfg.server_echo = true;
	struct cap c;
	cap_open_quiet(&c, &cfg);
	feed(&c, LIT(IAC DO "\x01" IAC DO "\x03"));
	tn_set_password(c.s, true);
	expect_out(&c, "", 0);		/* ECHO is on already */
	feed(&c, LIT("pw\b\bpass\r\n"));
	expect_out(&c, LIT("\r\n"));
	expect_line(&c, 0, LIT("pass"), false);
	tn_set_password(c.s, false);
	expect_out(&c, "", 0);
	ck_assert(tn_local_option(c.s, TN_OPT_ECHO));
	feed(&c, LIT("x\r\n"));
	expect_out(&c, LIT("x\r\n"));
	cap_done(&c);
}
END_TEST

/*
 * RFC 1143's Q method on our ECHO, driven by password mode (P on, p off) and the client's
 * answers (D = DO ECHO, N = DONT ECHO), including answers that cross our changes of mind and a
 * peer that answers WONT with DO. Each step: what we send, and whether ECHO is then on.
 */
static const struct q_case {
	const char *name;
	const char *steps;
	const char *sent[8];	/* per step: "W" IAC WILL ECHO, "w" IAC WONT ECHO, "" nothing */
	bool on_after;
} q_cases[] = {
	{ "agree", "PD", { "W", "" }, true },
	{ "refuse", "PN", { "W", "" }, false },
	{ "off while asking on: queued", "PpD", { "W", "", "w" }, false },
	{ "... then the answer to the WONT", "PpDN", { "W", "", "w", "" }, false },
	{ "on while asking off: queued", "PDpPN", { "W", "", "w", "", "W" }, false },
	{ "... then the answer to the new WILL", "PDpPND", { "W", "", "w", "", "W", "" }, true },
	{ "off, on, off while asking off", "PDpPpN", { "W", "", "w", "", "", "" }, false },
	{ "WONT answered by DO (broken peer)", "PDpD", { "W", "", "w", "" }, false },
	{ "... with on queued: believed on", "PDpPD", { "W", "", "w", "", "" }, true },
	{ "unsolicited DO while off in line mode", "D", { "w" }, false },
	{ "DONT while on", "PDN", { "W", "", "w" }, false },
};

START_TEST(test_q_method_on_echo)
{
	const struct q_case *q = &q_cases[_i];
	struct cap c;
	cap_open_quiet(&c, NULL);
	for (size_t k = 0; q->steps[k]; k++) {
		switch (q->steps[k]) {
		case 'P': tn_set_password(c.s, true); break;
		case 'p': tn_set_password(c.s, false); break;
		case 'D': feed(&c, LIT(IAC DO "\x01")); break;
		case 'N': feed(&c, LIT(IAC DONT "\x01")); break;
		}
		const char *want = q->sent[k];
		const char *bytes = *want == 'W' ? IAC WILL "\x01" : "";
		if (*want == 'w')
			bytes = IAC WONT "\x01";
		if (c.out_len != strlen(bytes) || memcmp(c.out, bytes, c.out_len) != 0)
			ck_abort_msg("%s: step %zu (%c) sent the wrong bytes", q->name, k,
				     q->steps[k]);
		cap_clear_out(&c);
	}
	ck_assert_msg(tn_local_option(c.s, TN_OPT_ECHO) == q->on_after, "%s: ECHO state", q->name);
	cap_done(&c);
}
END_TEST

/* ---- attention ---- */

START_TEST(test_ip_break_and_attention_char_are_attention)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	feed(&c, LIT("abc" IAC "\xf4" "d\r\n"));	/* IP drops the line being typed */
	feed(&c, LIT(IAC "\xf3"));			/* BREAK */
	feed(&c, LIT("xy\x03z\n"));			/* ^C, the default attention character */
	expect_nev(&c, 5);
	expect_event(&c, 0, TN_EV_ATTENTION);
	expect_line(&c, 1, LIT("d"), false);
	expect_event(&c, 2, TN_EV_ATTENTION);
	expect_event(&c, 3, TN_EV_ATTENTION);
	expect_line(&c, 4, LIT("z"), false);
	expect_out(&c, "", 0);
	cap_done(&c);
}
END_TEST

START_TEST(test_attention_char_is_a_setting)
{
	struct tn_config cfg;
	tn_config_init(&cfg);
	cfg.attention_char = 0x1B;	/* ESC */
	struct cap c;
	cap_open_quiet(&c, &cfg);
	feed(&c, LIT("a\x1b" "b\x03" "c\r\n"));
	expect_nev(&c, 2);
	expect_event(&c, 0, TN_EV_ATTENTION);
	expect_line(&c, 1, LIT("bc"), false);	/* ^C is an ordinary control now: dropped */
	tn_set_attention_char(c.s, TN_NO_ATTENTION);
	feed(&c, LIT("d\x1b" "e\x03" "f\r\n"));
	expect_nev(&c, 3);
	expect_line(&c, 2, LIT("def"), false);
	cap_done(&c);
}
END_TEST

/* ---- data bytes ---- */

START_TEST(test_iac_iac_is_data_byte_255_both_ways)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	feed(&c, LIT("a" IAC IAC "b\r\n"));
	feed_bytewise(&c, LIT("c" IAC IAC "d\r\n"));
	expect_nev(&c, 2);
	expect_line(&c, 0, LIT("a\xff" "b"), false);
	expect_line(&c, 1, LIT("c\xff" "d"), false);
	tn_write_line(c.s, LIT("x\xffy"));
	expect_out(&c, LIT("x" IAC IAC "y\r\n"));
	cap_done(&c);
}
END_TEST

START_TEST(test_output_lines_are_nvt_text_with_8_bit_data)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	tn_write_line(c.s, LIT("a\nb\rc\r\nd\xe9"));
	expect_out(&c, LIT("a\r\nb\r\0c\r\nd\xe9\r\n"));
	tn_write_line(c.s, LIT(""));
	expect_out(&c, LIT("\r\n"));
	tn_bell(c.s);
	expect_out(&c, LIT("\a"));
	cap_done(&c);
}
END_TEST

START_TEST(test_prompt_ends_with_go_ahead_while_sga_is_off)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	tn_prompt(c.s, LIT("PASSWORD:"));
	expect_out(&c, LIT("PASSWORD:" IAC GA));
	/* A line written while a prompt waits starts on a new line; the prompt is shown again. */
	tn_write_line(c.s, LIT("MSG"));
	expect_out(&c, LIT("\r\nMSG\r\nPASSWORD:"));
	feed(&c, LIT("x\r\n"));
	tn_write_line(c.s, LIT("ok"));
	expect_out(&c, LIT("ok\r\n"));
	tn_prompt(c.s, "", 0);
	expect_out(&c, LIT(IAC GA));
	cap_done(&c);
}
END_TEST

/* ---- bounds ---- */

START_TEST(test_overlong_line_is_cut_with_the_rest_dropped)
{
	struct tn_config cfg;
	tn_config_init(&cfg);
	cfg.max_line = 8;
	struct cap c;
	cap_open_quiet(&c, &cfg);
	feed(&c, LIT("0123456789ABCDEF\r\nok\r\n"));
	expect_nev(&c, 2);
	expect_line(&c, 0, LIT("01234567"), true);
	expect_line(&c, 1, LIT("ok"), false);
	/* Erasing a character keeps a cut line cut; erasing the line starts afresh. */
	feed(&c, LIT("0123456789\bX\r\n0123456789\x15" "fresh\r\n"));
	expect_nev(&c, 4);
	expect_line(&c, 2, LIT("0123456X"), true);
	expect_line(&c, 3, LIT("fresh"), false);
	cap_done(&c);
}
END_TEST

START_TEST(test_megabyte_without_line_end_stays_bounded)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	char *big = malloc(1 << 20);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 1 << 20);
	for (int i = 0; i < 4; i++)
		feed(&c, big, 1 << 20);
	expect_nev(&c, 0);
	feed(&c, LIT("\r\n"));
	expect_nev(&c, 1);
	ck_assert_uint_eq(c.ev[0].len, TN_DEFAULT_MAX_LINE);
	ck_assert(c.ev[0].truncated);
	free(big);
	cap_done(&c);
}
END_TEST

/* ---- other commands and options ---- */

START_TEST(test_ayt_is_answered)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	feed(&c, LIT(IAC "\xf6"));
	expect_out(&c, LIT("[Yes]\r\n"));
	expect_nev(&c, 0);
	/* A flood gets one answer per feed, not one per AYT. */
	feed(&c, LIT(IAC "\xf6" IAC "\xf6" IAC "\xf6"));
	expect_out(&c, LIT("[Yes]\r\n"));
	cap_done(&c);
}
END_TEST

START_TEST(test_naws_window_size_is_recorded)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	feed(&c, LIT(IAC WILL "\x1f" IAC SB "\x1f\x00\x50\x00\x18" IAC SE));
	expect_out(&c, "", 0);
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_WINDOW);
	ck_assert_uint_eq(c.ev[0].width, 80);
	ck_assert_uint_eq(c.ev[0].height, 24);
	/* The same size again is no event; 255 arrives doubled; a short one is ignored. */
	feed(&c, LIT(IAC SB "\x1f\x00\x50\x00\x18" IAC SE));
	feed(&c, LIT(IAC SB "\x1f\x00" IAC IAC "\x00\x2b" IAC SE));
	feed(&c, LIT(IAC SB "\x1f\x00\x50" IAC SE));
	expect_nev(&c, 2);
	unsigned w, h;
	tn_window(c.s, &w, &h);
	ck_assert_uint_eq(w, 255);
	ck_assert_uint_eq(h, 43);
	cap_done(&c);
}
END_TEST

START_TEST(test_other_options_are_refused_without_loops)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	feed(&c, LIT(IAC WILL "\x27"));		/* NEW-ENVIRON */
	expect_out(&c, LIT(IAC DONT "\x27"));
	feed(&c, LIT(IAC DO "\x05"));			/* STATUS */
	expect_out(&c, LIT(IAC WONT "\x05"));
	feed(&c, LIT(IAC WONT "\x27" IAC DONT "\x05"));	/* already off: no answer */
	expect_out(&c, "", 0);
	feed(&c, LIT(IAC DO "\x03"));			/* our SGA: refused in line mode */
	expect_out(&c, LIT(IAC WONT "\x03"));
	feed(&c, LIT(IAC DO "\x01"));			/* our ECHO: refused in line mode */
	expect_out(&c, LIT(IAC WONT "\x01"));
	feed(&c, LIT(IAC WILL "\x01"));		/* the client's ECHO: never */
	expect_out(&c, LIT(IAC DONT "\x01"));
	feed(&c, LIT(IAC WILL "\x03"));		/* the client's SGA: fine */
	expect_out(&c, LIT(IAC DO "\x03"));
	feed(&c, LIT(IAC WILL "\x03"));		/* already on: no answer */
	expect_out(&c, "", 0);
	feed(&c, LIT(IAC WONT "\x03"));		/* turned off: acknowledged once */
	expect_out(&c, LIT(IAC DONT "\x03"));
	feed(&c, LIT(IAC WONT "\x03"));
	expect_out(&c, "", 0);
	expect_nev(&c, 0);
	cap_done(&c);
}
END_TEST

/* ---- 3270 mode switch (RFC 1576) ---- */

static void to_3270(struct cap *c)
{
	ttype_exchange(c, LIT("IBM-3278-2"));
	cap_clear_events(c);
	ck_assert(tn_start_3270(c->s));
	expect_out(c, LIT(IAC DO "\x19" IAC WILL "\x19" IAC DO "\x00" IAC WILL "\x00"));
	ck_assert_int_eq(tn_mode(c->s), TN_MODE_3270_PENDING);
	feed(c, LIT(IAC WILL "\x19" IAC DO "\x19" IAC WILL "\x00"));
	expect_nev(c, 0);
	feed(c, LIT(IAC DO "\x00"));
	expect_out(c, "", 0);
	expect_nev(c, 1);
	expect_event(c, 0, TN_EV_3270_ON);
	ck_assert_int_eq(tn_mode(c->s), TN_MODE_3270);
	cap_clear_events(c);
}

START_TEST(test_3270_binary_and_eor_then_records)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	to_3270(&c);
	/* An inbound record with a data byte X'FF'; CR and LF are data now. */
	feed(&c, LIT("\x7d\x5b\x60\x11" IAC IAC "\r\n" IAC EOR));
	feed_bytewise(&c, LIT("\x6d" IAC EOR));
	expect_nev(&c, 2);
	expect_event(&c, 0, TN_EV_RECORD);
	ck_assert_uint_eq(c.ev[0].len, 7);
	ck_assert(memcmp(c.ev[0].data, "\x7d\x5b\x60\x11\xff\r\n", 7) == 0);
	expect_event(&c, 1, TN_EV_RECORD);
	ck_assert_uint_eq(c.ev[1].len, 1);
	ck_assert(tn_send_record(c.s, LIT("\xf5\xc3\xff\x40")));
	expect_out(&c, LIT("\xf5\xc3" IAC IAC "\x40" IAC EOR));
	/* Line-mode output is not for a 3270; the attention key still is. */
	tn_write_line(c.s, LIT("x"));
	tn_prompt(c.s, LIT("x"));
	tn_bell(c.s);
	feed(&c, LIT(IAC "\xf6"));
	expect_out(&c, "", 0);
	feed(&c, LIT(IAC "\xf4"));
	expect_event(&c, 2, TN_EV_ATTENTION);
	cap_done(&c);
}
END_TEST

START_TEST(test_3270_record_is_bounded)
{
	struct tn_config cfg;
	tn_config_init(&cfg);
	cfg.max_record = 4;
	struct cap c;
	cap_open_quiet(&c, &cfg);
	to_3270(&c);
	feed(&c, LIT("123456" IAC EOR "ab" IAC EOR));
	expect_nev(&c, 2);
	ck_assert_uint_eq(c.ev[0].len, 4);
	ck_assert(c.ev[0].truncated);
	ck_assert_uint_eq(c.ev[1].len, 2);
	ck_assert(!c.ev[1].truncated);
	cap_done(&c);
}
END_TEST

START_TEST(test_3270_refused_binary_is_3270_off)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	ck_assert(tn_start_3270(c.s));
	ck_assert(!tn_start_3270(c.s));		/* once */
	cap_clear_out(&c);
	feed(&c, LIT(IAC WILL "\x19" IAC DO "\x19" IAC WONT "\x00"));
	expect_out(&c, "", 0);
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_3270_OFF);
	ck_assert_int_eq(tn_mode(c.s), TN_MODE_LINE);
	ck_assert(!tn_send_record(c.s, LIT("x")));
	feed(&c, LIT("back in line mode\r\n"));
	expect_line(&c, 1, LIT("back in line mode"), false);
	cap_done(&c);
}
END_TEST

START_TEST(test_3270_dropped_later_is_3270_off)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	to_3270(&c);
	feed(&c, LIT("partial" IAC WONT "\x19"));
	expect_out(&c, LIT(IAC DONT "\x19"));
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_3270_OFF);
	ck_assert_int_eq(tn_mode(c.s), TN_MODE_LINE);
	cap_done(&c);
}
END_TEST

/* ---- TN3270E (RFC 2355) ---- */

/* Option 40 and its subnegotiation codes, as on the wire. */
#define TN3270E		"\x28"
#define E_SB		IAC SB TN3270E
#define DEVTYPE		"\x02"
#define FUNCTIONS	"\x03"
#define E_IS		"\x04"
#define E_REASON	"\x05"
#define E_REJECT	"\x06"
#define E_REQUEST	"\x07"
#define E_SEND		"\x08"
#define E_CONNECT	"\x01"
#define E_ASSOCIATE	"\x00"
#define HDR_3270(seq)	"\x00\x00\x00\x00" seq	/* 3270-DATA, no flags, sequence 00 xx */

/* A session whose TN3270E device name is CAMB0001 (configured in small letters). */
static void e_open(struct cap *c)
{
	struct tn_config cfg;
	tn_config_init(&cfg);
	cfg.device_name = "camb0001";
	cap_open(c, &cfg);
	expect_out(c, LIT(IAC DO TN3270E IAC DO "\x18" IAC DO "\x1f"));
}

/* s3270's answers to the opening, then its device type (as s3270 4.1 sends them). */
static void e_s3270_device_type(struct cap *c, void (*feeder)(struct cap *, const char *, size_t))
{
	feeder(c, LIT(IAC WILL TN3270E IAC WILL "\x18" IAC WILL "\x1f"
		      IAC SB "\x1f\x00\x50\x00\x2b" IAC SE));
	expect_out(c, LIT(E_SB E_SEND DEVTYPE IAC SE IAC SB "\x18\x01" IAC SE));
	feeder(c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-4-E" IAC SE
		      IAC SB "\x18\x00" "IBM-3279-4-E" IAC SE));
	expect_out(c, LIT(E_SB DEVTYPE E_IS "IBM-3278-4-E" E_CONNECT "CAMB0001" IAC SE));
}

/* A session in TN3270E mode as s3270 gets there; events forgotten. */
static void e_bound(struct cap *c)
{
	e_open(c);
	e_s3270_device_type(c, feed);
	feed(c, LIT(E_SB FUNCTIONS E_REQUEST "\x00\x02\x04" IAC SE));
	expect_out(c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE));
	feed(c, LIT(E_SB FUNCTIONS E_IS IAC SE));
	expect_out(c, "", 0);
	ck_assert(tn_tn3270e(c->s));
	cap_clear_events(c);
}

START_TEST(test_tn3270e_s3270_transcript_byte_by_byte)
{
	struct cap c;
	e_open(&c);
	e_s3270_device_type(&c, feed_bytewise);
	/* Only the window size so far: the terminal type waits for the end of TN3270E. */
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_WINDOW);
	ck_assert(!tn_ttype_known(c.s));
	ck_assert(!tn_tn3270e(c.s));
	/* s3270 asks for BIND-IMAGE, RESPONSES, SYSREQ; we support none: REQUEST the empty set. */
	feed_bytewise(&c, LIT(E_SB FUNCTIONS E_REQUEST "\x00\x02\x04" IAC SE));
	expect_out(&c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE));
	expect_nev(&c, 1);
	feed_bytewise(&c, LIT(E_SB FUNCTIONS E_IS IAC SE));
	expect_out(&c, "", 0);
	expect_nev(&c, 3);
	expect_event(&c, 1, TN_EV_TTYPE);
	ck_assert_str_eq(c.ev[1].ttype, "IBM-3278-4-E");
	ck_assert_int_eq(c.ev[1].mode, TN_MODE_3270);	/* a 3270 already when the type arrives */
	expect_event(&c, 2, TN_EV_3270_ON);
	ck_assert(tn_tn3270e(c.s));
	ck_assert_str_eq(tn_device_name(c.s), "CAMB0001");
	ck_assert_str_eq(tn_ttype(c.s), "IBM-3278-4-E");
	ck_assert_uint_eq(tn_deadline(c.s), TN_NEVER);
	/* BINARY and EOR are implied, not negotiated; tn_start_3270 has nothing to do. */
	ck_assert(!tn_remote_option(c.s, TN_OPT_BINARY));
	ck_assert(tn_remote_option(c.s, TN_OPT_TN3270E));
	ck_assert(tn_start_3270(c.s));
	ck_assert(!tn_ttype_request(c.s));
	expect_out(&c, "", 0);
	/* Records: our 3270-DATA header counts up; s3270's Enter arrives with its header. */
	ck_assert(tn_send_record(c.s, LIT("\xf5\xc3\x11\x40\x40\xc8\xc5\xd3\xd3\xd6")));
	expect_out(&c, LIT(HDR_3270("\x00") "\xf5\xc3\x11\x40\x40\xc8\xc5\xd3\xd3\xd6" IAC EOR));
	ck_assert(tn_send_record(c.s, LIT("\xf1\xc2")));
	expect_out(&c, LIT(HDR_3270("\x01") "\xf1\xc2" IAC EOR));
	feed_bytewise(&c, LIT("\x00\x00\x00\x00\x00" "\x7d\x40\x40\xc8\xc5\xd3\xd3\xd6" IAC EOR));
	expect_nev(&c, 4);
	expect_event(&c, 3, TN_EV_RECORD);
	ck_assert_uint_eq(c.ev[3].len, 8);
	ck_assert(memcmp(c.ev[3].data, "\x7d\x40\x40\xc8\xc5\xd3\xd3\xd6", 8) == 0);
	/* A late terminal-type answer changes nothing: the device type is the terminal type. */
	feed(&c, LIT(IAC SB "\x18\x00" "XTERM" IAC SE));
	expect_nev(&c, 4);
	ck_assert_str_eq(tn_ttype(c.s), "IBM-3278-4-E");
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_no_tn3270e_offers_as_before_and_refuses)
{
	struct tn_config cfg;
	tn_config_init(&cfg);
	cfg.no_tn3270e = true;
	struct cap c;
	cap_open(&c, &cfg);
	expect_out(&c, LIT(IAC DO "\x18" IAC DO "\x1f"));
	feed(&c, LIT(IAC WILL TN3270E));
	expect_out(&c, LIT(IAC DONT TN3270E));
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-2" IAC SE));
	expect_out(&c, "", 0);
	ck_assert(!tn_tn3270e(c.s));
	ck_assert_str_eq(tn_device_name(c.s), "");
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_device_type_rejects_then_retry)
{
	struct cap c;
	e_open(&c);
	feed(&c, LIT(IAC WILL TN3270E));
	expect_out(&c, LIT(E_SB E_SEND DEVTYPE IAC SE));
	static const struct {
		const char *req;
		size_t n;
		const char *reason;
	} bad[] = {
		{ LIT("IBM-3287-1"), "\x04" },				/* a printer */
		{ LIT("IBM-3278-6"), "\x04" },
		{ LIT(""), "\x04" },
		{ LIT("IBM-3277-2-E"), "\x04" },
		{ LIT("IBM-3278-2" E_CONNECT "LU0042"), "\x03" },	/* INV-NAME */
		{ LIT("IBM-3278-2" E_CONNECT), "\x03" },
		{ LIT("IBM-3278-2" E_CONNECT "CAMB00011"), "\x03" },
	};
	char msg[64];
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		size_t n = 0;
		memcpy(msg, E_SB DEVTYPE E_REQUEST, 5);
		n = 5;
		memcpy(msg + n, bad[k].req, bad[k].n);
		n += bad[k].n;
		memcpy(msg + n, IAC SE, 2);
		feed(&c, msg, n + 2);
		char want[] = E_SB DEVTYPE E_REJECT E_REASON "?" IAC SE;
		want[6] = bad[k].reason[0];
		expect_out(&c, want, sizeof want - 1);
	}
	expect_nev(&c, 0);
	/* The last try of eight: accepted, any case, CONNECT to our own name. */
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "ibm-3279-2-e" E_CONNECT "Camb0001" IAC SE));
	expect_out(&c, LIT(E_SB DEVTYPE E_IS "IBM-3279-2-E" E_CONNECT "CAMB0001" IAC SE));
	/* A second request after IS is not expected: ignored. */
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-2" IAC SE));
	expect_out(&c, "", 0);
	/* An empty function list is agreed at once. */
	feed(&c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE));
	expect_out(&c, LIT(E_SB FUNCTIONS E_IS IAC SE));
	expect_nev(&c, 2);
	expect_event(&c, 0, TN_EV_TTYPE);
	ck_assert_str_eq(c.ev[0].ttype, "IBM-3279-2-E");
	expect_event(&c, 1, TN_EV_3270_ON);
	cap_done(&c);

	/* ASSOCIATE is for printers; then eight rejects in all give TN3270E up. */
	e_open(&c);
	feed(&c, LIT(IAC WILL TN3270E));
	cap_clear_out(&c);
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-2" E_ASSOCIATE "CAMB0001" IAC SE));
	expect_out(&c, LIT(E_SB DEVTYPE E_REJECT E_REASON "\x02" IAC SE));
	for (int k = 0; k < 6; k++) {
		feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3287-1" IAC SE));
		expect_out(&c, LIT(E_SB DEVTYPE E_REJECT E_REASON "\x04" IAC SE));
	}
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3287-1" IAC SE));
	expect_out(&c, LIT(E_SB DEVTYPE E_REJECT E_REASON "\x04" IAC SE IAC DONT TN3270E));
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-2" IAC SE));	/* too late */
	expect_out(&c, "", 0);
	feed(&c, LIT(IAC WONT TN3270E));
	expect_out(&c, "", 0);
	ck_assert(!tn_remote_option(c.s, TN_OPT_TN3270E));
	expect_nev(&c, 0);
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_reject_then_wont_falls_back_to_tn3270)
{
	/* What s3270 does with REJECT INV-DEVICE-TYPE: WONT TN3270E at once. */
	struct cap c;
	e_open(&c);
	feed(&c, LIT(IAC WILL TN3270E IAC WILL "\x18"));
	expect_out(&c, LIT(E_SB E_SEND DEVTYPE IAC SE IAC SB "\x18\x01" IAC SE));
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3287-1" IAC SE
		     IAC SB "\x18\x00" "IBM-3278-2" IAC SE));
	expect_out(&c, LIT(E_SB DEVTYPE E_REJECT E_REASON "\x04" IAC SE));
	expect_nev(&c, 0);		/* the terminal type is held */
	feed(&c, LIT(IAC WONT TN3270E));
	expect_out(&c, LIT(IAC DONT TN3270E));
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_TTYPE);
	ck_assert_str_eq(c.ev[0].ttype, "IBM-3278-2");
	ck_assert_int_eq(c.ev[0].mode, TN_MODE_LINE);
	ck_assert(!tn_tn3270e(c.s));
	/* Plain TN3270 from here, records without headers. */
	cap_clear_events(&c);
	ck_assert(tn_start_3270(c.s));
	expect_out(&c, LIT(IAC DO "\x19" IAC WILL "\x19" IAC DO "\x00" IAC WILL "\x00"));
	feed(&c, LIT(IAC WILL "\x19" IAC DO "\x19" IAC WILL "\x00" IAC DO "\x00"));
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_3270_ON);
	ck_assert(tn_send_record(c.s, LIT("\xf5\xc3")));
	expect_out(&c, LIT("\xf5\xc3" IAC EOR));
	feed(&c, LIT("\x7d\x40" IAC EOR));
	expect_event(&c, 1, TN_EV_RECORD);
	ck_assert_uint_eq(c.ev[1].len, 2);
	/* A WILL TN3270E now is refused: the session is routed. */
	feed(&c, LIT(IAC WILL TN3270E));
	expect_out(&c, LIT(IAC DONT TN3270E));
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_refused_is_plain_tn3270_as_before)
{
	struct cap c;
	e_open(&c);
	feed(&c, LIT(IAC WONT TN3270E));
	expect_out(&c, "", 0);		/* a refusal of our DO is not answered */
	expect_nev(&c, 0);
	to_3270(&c);
	ck_assert(!tn_tn3270e(c.s));
	ck_assert(tn_send_record(c.s, LIT("\xf5")));
	expect_out(&c, LIT("\xf5" IAC EOR));
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_unanswered_is_given_up_at_the_ttype_answer)
{
	/* A client that ignores option 40 but answers TTYPE gets its type at once. */
	struct cap c;
	e_open(&c);
	ttype_exchange(&c, LIT("IBM-3278-2"));
	expect_nev(&c, 1);
	ck_assert_str_eq(c.ev[0].ttype, "IBM-3278-2");
	expect_out(&c, "", 0);
	feed(&c, LIT(IAC WILL TN3270E));	/* late: refused (RFC 1143 queue) */
	expect_out(&c, LIT(IAC DONT TN3270E));
	feed(&c, LIT(IAC WONT TN3270E));
	expect_out(&c, "", 0);
	expect_nev(&c, 1);
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_wait_runs_out_mid_negotiation)
{
	struct cap c;
	e_open(&c);
	feed(&c, LIT(IAC WILL TN3270E IAC WILL "\x18"));
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-2" IAC SE));
	feed(&c, LIT(IAC SB "\x18\x00" "IBM-3278-2" IAC SE));
	cap_clear_out(&c);
	expect_nev(&c, 0);
	tn_tick(c.s, 1000 + TN_DEFAULT_TTYPE_WAIT);
	expect_out(&c, LIT(IAC DONT TN3270E));
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_TTYPE);
	ck_assert_str_eq(c.ev[0].ttype, "IBM-3278-2");	/* the held answer */
	ck_assert_int_eq(c.ev[0].mode, TN_MODE_LINE);
	feed(&c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE));	/* too late */
	feed(&c, LIT(IAC WONT TN3270E));
	expect_out(&c, "", 0);
	expect_nev(&c, 1);
	ck_assert(!tn_tn3270e(c.s));
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_functions_we_lack_are_renegotiated)
{
	struct cap c;
	e_open(&c);
	feed(&c, LIT(IAC WILL TN3270E));
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-2" IAC SE));
	cap_clear_out(&c);
	feed(&c, LIT(E_SB FUNCTIONS E_IS IAC SE));	/* IS before any REQUEST: ignored */
	expect_out(&c, "", 0);
	feed(&c, LIT(E_SB FUNCTIONS E_REQUEST "\x01\x02\x09" IAC SE));
	expect_out(&c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE));
	/* The client answers with functions we never offered: asked again. */
	feed(&c, LIT(E_SB FUNCTIONS E_IS "\x02" IAC SE));
	expect_out(&c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE));
	/* It counters with a REQUEST of its own: the same answer. */
	feed(&c, LIT(E_SB FUNCTIONS E_REQUEST "\x04" IAC SE));
	expect_out(&c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE));
	expect_nev(&c, 0);
	feed(&c, LIT(E_SB FUNCTIONS E_IS IAC SE));
	expect_out(&c, "", 0);
	expect_nev(&c, 2);
	expect_event(&c, 1, TN_EV_3270_ON);
	/* Functions again after the agreement: ignored. */
	feed(&c, LIT(E_SB FUNCTIONS E_REQUEST "\x02" IAC SE));
	expect_out(&c, "", 0);
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_inbound_records_need_a_3270_data_header)
{
	struct tn_config cfg;
	tn_config_init(&cfg);
	cfg.max_record = 4;
	cfg.device_name = "CAMB0001";
	struct cap c;
	cap_open(&c, &cfg);
	cap_clear_out(&c);
	feed(&c, LIT(IAC WILL TN3270E IAC WILL "\x18"));
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-2-E" IAC SE));
	feed(&c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE));
	ck_assert(tn_tn3270e(c.s));
	cap_clear_events(&c);
	cap_clear_out(&c);
	feed(&c, LIT(IAC EOR));					/* empty */
	feed(&c, LIT("\x00\x00\x00\x00" IAC EOR));		/* shorter than the header */
	feed(&c, LIT("\x01\x00\x00\x00\x00" "\x40" IAC EOR));	/* SCS-DATA */
	feed(&c, LIT("\x02\x00\x00\x00\x00" "\x00" IAC EOR));	/* RESPONSE */
	feed(&c, LIT("\x05\x00\x00\x00\x00" "ls\r\n" IAC EOR));	/* NVT-DATA */
	feed(&c, LIT("\x06\x00\x00\x00\x00" IAC EOR));		/* REQUEST */
	feed(&c, LIT("\x07\x00\x00\x00\x00" "\x7d" IAC EOR));	/* SSCP-LU-DATA */
	feed(&c, LIT("\xff\xff\x00\x00\x00\x00" "\x7d" IAC EOR));	/* data type X'FF' */
	expect_nev(&c, 0);
	expect_out(&c, "", 0);
	/* 3270-DATA: the header goes, X'FF' is data; max_record counts the data alone. */
	feed(&c, LIT("\x00\x00\x00\x00\x07" "\x6d" IAC IAC IAC EOR));
	feed(&c, LIT("\x00\x00\x00\x00\x08" "\x7d\x40\x40\x11" IAC EOR));
	feed(&c, LIT("\x00\x00\x00\x00\x09" "\x7d\x40\x40\x11\xc1" IAC EOR));
	feed(&c, LIT("\x00\x00\x00\x00\x0a" IAC EOR));
	expect_nev(&c, 4);
	expect_event(&c, 0, TN_EV_RECORD);
	ck_assert_uint_eq(c.ev[0].len, 2);
	ck_assert(memcmp(c.ev[0].data, "\x6d\xff", 2) == 0);
	ck_assert(!c.ev[0].truncated);
	ck_assert_uint_eq(c.ev[1].len, 4);
	ck_assert(!c.ev[1].truncated);
	ck_assert_uint_eq(c.ev[2].len, 4);
	ck_assert(c.ev[2].truncated);
	ck_assert_uint_eq(c.ev[3].len, 0);
	/* IAC IP is the attention key here too. */
	feed(&c, LIT(IAC "\xf4"));
	expect_event(&c, 4, TN_EV_ATTENTION);
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_outbound_sequence_numbers_double_ff_and_wrap)
{
	struct cap c;
	e_bound(&c);
	for (unsigned k = 0; k < 255; k++)
		ck_assert(tn_send_record(c.s, LIT("\xf1")));
	cap_clear_out(&c);
	ck_assert(tn_send_record(c.s, LIT("\xf1\xff")));	/* number 255: X'FF' doubled */
	expect_out(&c, LIT("\x00\x00\x00\x00" IAC IAC "\xf1" IAC IAC IAC EOR));
	for (unsigned k = 256; k < 32768; k++)
		tn_send_record(c.s, "", 0);
	cap_clear_out(&c);
	ck_assert(tn_send_record(c.s, "", 0));		/* after 32767 comes 0 */
	expect_out(&c, LIT(HDR_3270("\x00") IAC EOR));
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_wont_after_agreement_is_3270_off)
{
	struct cap c;
	e_bound(&c);
	/* BINARY and EOR may still come and go: they change nothing. */
	feed(&c, LIT(IAC WILL "\x00" IAC WONT "\x00" IAC DO "\x19" IAC DONT "\x19"));
	expect_out(&c, LIT(IAC DO "\x00" IAC DONT "\x00" IAC WILL "\x19" IAC WONT "\x19"));
	expect_nev(&c, 0);
	ck_assert_int_eq(tn_mode(c.s), TN_MODE_3270);
	feed(&c, LIT("\x00\x00\x00\x00\x00" "part" IAC WONT TN3270E));
	expect_out(&c, LIT(IAC DONT TN3270E));
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_3270_OFF);
	ck_assert_int_eq(tn_mode(c.s), TN_MODE_LINE);
	ck_assert(!tn_tn3270e(c.s));
	ck_assert_str_eq(tn_device_name(c.s), "");
	ck_assert(!tn_send_record(c.s, LIT("x")));
	/* No way back in: the terminal type is known. */
	feed(&c, LIT(IAC WILL TN3270E));
	expect_out(&c, LIT(IAC DONT TN3270E));
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_garbage_subnegotiations_are_ignored)
{
	struct cap c;
	e_open(&c);
	/* Before WILL: nothing is answered. */
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-2" IAC SE));
	feed(&c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE));
	expect_out(&c, "", 0);
	feed(&c, LIT(IAC WILL TN3270E));
	cap_clear_out(&c);
	feed(&c, LIT(E_SB IAC SE));				/* empty */
	feed(&c, LIT(E_SB DEVTYPE IAC SE));			/* truncated */
	feed(&c, LIT(E_SB "\x09\x09" IAC SE));			/* unknown codes */
	feed(&c, LIT(E_SB DEVTYPE E_IS "IBM-3278-2" IAC SE));	/* the server's word */
	feed(&c, LIT(E_SB DEVTYPE E_SEND IAC SE));
	feed(&c, LIT(E_SB E_SEND DEVTYPE IAC SE));
	feed(&c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE));	/* before the device type */
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-2"));	/* no IAC SE yet ... */
	expect_out(&c, "", 0);
	feed(&c, LIT(IAC SE));					/* ... now */
	expect_out(&c, LIT(E_SB DEVTYPE E_IS "IBM-3278-2" E_CONNECT "CAMB0001" IAC SE));
	cap_done(&c);

	/* A type longer than any is rejected; so is one with a X'FF' inside. */
	e_open(&c);
	feed(&c, LIT(IAC WILL TN3270E));
	cap_clear_out(&c);
	char big[2 + 300 + 2];
	memcpy(big, E_SB DEVTYPE E_REQUEST, 5);
	memset(big + 5, 'X', 300 - 3);
	memcpy(big + 302, IAC SE, 2);
	feed(&c, big, sizeof big);
	expect_out(&c, LIT(E_SB DEVTYPE E_REJECT E_REASON "\x04" IAC SE));
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-" IAC IAC "3278-2" IAC SE));
	expect_out(&c, LIT(E_SB DEVTYPE E_REJECT E_REASON "\x04" IAC SE));
	/* Our DO TN3270E answered by DO: we never WILL TN3270E. */
	feed(&c, LIT(IAC DO TN3270E));
	expect_out(&c, LIT(IAC WONT TN3270E));
	expect_nev(&c, 0);
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_start_3270_while_negotiating_goes_plain)
{
	struct cap c;
	e_open(&c);
	feed(&c, LIT(IAC WILL TN3270E));
	cap_clear_out(&c);
	ck_assert(tn_start_3270(c.s));
	expect_out(&c, LIT(IAC DONT TN3270E IAC DO "\x19" IAC WILL "\x19" IAC DO "\x00"
			   IAC WILL "\x00"));
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-2" IAC SE));	/* ignored */
	feed(&c, LIT(IAC WONT TN3270E IAC WILL "\x19" IAC DO "\x19" IAC WILL "\x00" IAC DO "\x00"));
	expect_out(&c, "", 0);
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_3270_ON);
	ck_assert(!tn_tn3270e(c.s));
	cap_done(&c);
}
END_TEST

START_TEST(test_tn3270e_default_device_names_differ)
{
	char names[2][TN_DEVICE_NAME_MAX + 1];
	for (int k = 0; k < 2; k++) {
		struct cap c;
		struct tn_config cfg;
		tn_config_init(&cfg);
		cfg.device_name = k ? "BAD NAME" : NULL;	/* an invalid name: the default */
		cap_open_quiet(&c, &cfg);
		feed(&c, LIT(IAC WILL TN3270E));
		feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-DYNAMIC" IAC SE));
		feed(&c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE));
		ck_assert(tn_tn3270e(c.s));
		snprintf(names[k], sizeof names[k], "%s", tn_device_name(c.s));
		ck_assert_uint_eq(strlen(names[k]), 8);
		ck_assert(memcmp(names[k], "CAMB", 4) == 0);
		ck_assert(strspn(names[k] + 4, "0123456789") == 4);
		ck_assert_str_ne(names[k] + 4, "0000");
		ck_assert_str_eq(tn_ttype(c.s), "IBM-DYNAMIC");
		cap_done(&c);
	}
	ck_assert_str_ne(names[0], names[1]);
}
END_TEST

START_TEST(test_tn3270e_close_in_the_ttype_handler_ends_it_there)
{
	struct cap c;
	e_open(&c);
	c.close_on_ttype = true;	/* the server hangs up as the terminal type arrives ... */
	c.free_on_closed = true;	/* ... and frees the session at TN_EV_CLOSED */
	feed(&c, LIT(IAC WILL TN3270E));
	feed(&c, LIT(E_SB DEVTYPE E_REQUEST "IBM-3278-2" IAC SE));
	cap_clear_out(&c);
	feed(&c, LIT(E_SB FUNCTIONS E_REQUEST IAC SE "\x00\x00\x00\x00\x00\x7d" IAC EOR));
	ck_assert_ptr_null(c.s);
	expect_nev(&c, 2);		/* no 3270-ON, no record after CLOSED */
	expect_event(&c, 0, TN_EV_TTYPE);
	expect_event(&c, 1, TN_EV_CLOSED);
	expect_out(&c, LIT(E_SB FUNCTIONS E_IS IAC SE));
	cap_done(&c);
}
END_TEST

/* ---- the end of a session ---- */

START_TEST(test_eof_closes_and_nothing_follows)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	feed(&c, LIT("half a li"));
	tn_eof(c.s);
	expect_nev(&c, 1);
	expect_event(&c, 0, TN_EV_CLOSED);
	ck_assert_int_eq(c.ev[0].reason, TN_CLOSE_PEER);
	feed(&c, LIT("ne\r\n" IAC "\xf6"));
	tn_write_line(c.s, LIT("x"));
	tn_prompt(c.s, LIT("x"));
	tn_set_password(c.s, true);
	tn_tick(c.s, 1u << 30);
	tn_eof(c.s);
	tn_close(c.s);
	expect_nev(&c, 1);
	expect_out(&c, "", 0);
	cap_done(&c);
}
END_TEST

START_TEST(test_local_close_is_closed_local)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	tn_close(c.s);
	expect_nev(&c, 1);
	ck_assert_int_eq(c.ev[0].reason, TN_CLOSE_LOCAL);
	cap_done(&c);
}
END_TEST

START_TEST(test_client_compression_is_a_protocol_failure)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	feed(&c, LIT("a\r\n" IAC SB "\x56" IAC SE "x\x9c\x03\x00\r\n"));
	expect_nev(&c, 2);
	expect_line(&c, 0, LIT("a"), false);
	expect_event(&c, 1, TN_EV_CLOSED);
	ck_assert_int_eq(c.ev[1].reason, TN_CLOSE_PROTOCOL);
	feed(&c, LIT("more\r\n"));
	expect_nev(&c, 2);
	expect_out(&c, "", 0);
	cap_done(&c);
}
END_TEST

START_TEST(test_free_inside_the_event_handler_is_deferred)
{
	struct cap c;
	cap_open_quiet(&c, NULL);
	c.free_on_line = true;
	struct tn_session *s = c.s;
	tn_feed(s, LIT("first\r\nsecond\r\n" IAC "\xf6"));
	ck_assert_ptr_null(c.s);
	expect_nev(&c, 1);	/* the rest of the feed went nowhere; the session is gone */
	expect_out(&c, "", 0);
	cap_done(&c);
}
END_TEST

/* ---- the term seam over a line session ---- */

static void term_open(struct cap *c)
{
	cap_open_quiet(c, NULL);
	c->term = term_line_new(c->s);
	ck_assert_ptr_nonnull(c->term);
	term_set_handler(c->term, cap_term_event, c);
	ck_assert_str_eq(term_kind(c->term), "line");
}

START_TEST(test_term_line_lines_and_attention_in)
{
	struct cap c;
	term_open(&c);
	feed(&c, LIT("logon maint\r\n" IAC "\xf4" "\x03"));
	ck_assert_uint_eq(c.ntev, 3);
	ck_assert_int_eq(c.tev[0].type, TERM_EV_LINE);
	ck_assert_str_eq(c.tev[0].text, "logon maint");
	ck_assert_uint_eq(c.tev[0].len, 11);
	ck_assert(!c.tev[0].truncated);
	ck_assert_int_eq(c.tev[1].type, TERM_EV_ATTENTION);
	ck_assert_int_eq(c.tev[2].type, TERM_EV_ATTENTION);
	/* Server-only events do not reach CP. */
	feed(&c, LIT(IAC WONT "\x18" IAC WILL "\x1f" IAC SB "\x1f\x00\x50\x00\x18" IAC SE));
	ck_assert_uint_eq(c.ntev, 3);
	cap_done(&c);
}
END_TEST

START_TEST(test_term_line_output_read_password_bell)
{
	struct cap c;
	term_open(&c);
	term_write_line(c.term, LIT("VM/370 ONLINE"));
	expect_out(&c, LIT("VM/370 ONLINE\r\n"));
	term_read(c.term, TERM_READ_CP, "", 0);
	expect_out(&c, LIT(IAC GA));
	term_set_password(c.term, true);
	term_read(c.term, TERM_READ_CP, LIT("ENTER PASSWORD:"));
	expect_out(&c, LIT(IAC WILL "\x01" "ENTER PASSWORD:" IAC GA));
	feed(&c, LIT(IAC DO "\x01" "secret\r\n"));
	expect_out(&c, LIT("\r\n"));
	ck_assert_uint_eq(c.ntev, 1);
	ck_assert_str_eq(c.tev[0].text, "secret");
	term_set_password(c.term, false);
	expect_out(&c, LIT(IAC WONT "\x01"));
	term_bell(c.term);
	expect_out(&c, LIT("\a"));
	term_read(c.term, TERM_READ_VM, LIT("VM READ"));
	expect_out(&c, LIT("VM READ" IAC GA));
	cap_done(&c);
}
END_TEST

START_TEST(test_term_line_disconnect_is_the_last_event)
{
	struct cap c;
	term_open(&c);
	tn_eof(c.s);
	ck_assert_uint_eq(c.ntev, 1);
	ck_assert_int_eq(c.tev[0].type, TERM_EV_DISCONNECTED);
	feed(&c, LIT("x\r\n"));
	term_write_line(c.term, LIT("lost"));
	ck_assert_uint_eq(c.ntev, 1);
	expect_out(&c, "", 0);
	cap_done(&c);
}
END_TEST

START_TEST(test_term_line_close_ends_the_session_without_an_event)
{
	struct cap c;
	term_open(&c);
	c.close_on_term_line = true;	/* LOGOFF: CP closes from inside its handler */
	feed(&c, LIT("logoff\r\nmore\r\n"));
	ck_assert_uint_eq(c.ntev, 1);
	ck_assert_str_eq(c.tev[0].text, "logoff");
	expect_event(&c, 1, TN_EV_CLOSED);
	ck_assert_int_eq(c.ev[1].reason, TN_CLOSE_LOCAL);
	expect_nev(&c, 2);
	term_close(c.term);	/* twice is harmless */
	term_write_line(c.term, LIT("x"));
	expect_out(&c, "", 0);
	cap_done(&c);

	/* As the server does it: term and session freed at TN_EV_CLOSED, inside CP's handler. */
	term_open(&c);
	c.close_on_term_line = true;
	c.free_on_closed = true;
	feed(&c, LIT("logoff\r\nmore\r\n"));
	ck_assert_ptr_null(c.s);
	ck_assert_ptr_null(c.term);
	ck_assert_uint_eq(c.ntev, 1);
	expect_nev(&c, 2);
	cap_done(&c);
}
END_TEST

/* ---- fuzz ---- */

static uint64_t rng_state;
static uint64_t fuzz_case;
static unsigned long long fuzz_seen[TN_EV_CLOSED + 1];	/* events by type, all cases */
static uint64_t fuzz_protocol_closes;
static uint64_t fuzz_tn3270e;		/* sessions that reached TN3270E mode */

/* ck_assert costs a system call (Check records every passing check): test, then fail. */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			ck_abort_msg("fuzz case %llu: %s", (unsigned long long)fuzz_case, #cond); \
	} while (0)

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static uint64_t env_or(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

struct fuzz {
	struct tn_session *s;
	struct term *term;
	size_t max_line, max_record;
	bool closed;
	bool free_at_random;
	unsigned events;
	telnet_t *client;	/* parses everything the session sends, as a client would */
	unsigned client_warnings;
};

static void fuzz_client_event(telnet_t *t, telnet_event_t *ev, void *ud)
{
	struct fuzz *f = ud;
	(void)t;
	if (ev->type == TELNET_EV_WARNING || ev->type == TELNET_EV_ERROR)
		f->client_warnings++;
}

static void fuzz_send(void *ctx, const char *bytes, size_t len)
{
	struct fuzz *f = ctx;
	FUZZ_CHECK(!f->closed);
	telnet_recv(f->client, bytes, len);
}

static void fuzz_event(void *ctx, struct tn_session *s, const struct tn_event *ev)
{
	struct fuzz *f = ctx;
	FUZZ_CHECK(!f->closed);	/* CLOSED is the last event */
	f->events++;
	fuzz_seen[ev->type]++;
	switch (ev->type) {
	case TN_EV_LINE:
		FUZZ_CHECK(ev->len <= f->max_line);
		FUZZ_CHECK(ev->data[ev->len] == '\0');
		for (size_t i = 0; i < ev->len; i++) {
			unsigned char ch = (unsigned char)ev->data[i];
			FUZZ_CHECK(ch >= 0x20 && ch != 0x7F);
		}
		break;
	case TN_EV_RECORD:
		FUZZ_CHECK(ev->len <= f->max_record);
		break;
	case TN_EV_TTYPE: {
		const char *t = tn_ttype(s);
		FUZZ_CHECK(strlen(t) <= TN_TTYPE_MAX);
		for (; *t; t++)
			FUZZ_CHECK(*t > 0x20 && *t < 0x7F);
		if (tn_tn3270e(s)) {
			/* TN3270E: a 3270 display type, a device name, 3270 mode already. */
			fuzz_tn3270e++;
			FUZZ_CHECK(tn_mode(s) == TN_MODE_3270);
			FUZZ_CHECK(tn_ttype_is_3270(tn_ttype(s)));
			FUZZ_CHECK(strlen(tn_device_name(s)) >= 1);
			FUZZ_CHECK(strlen(tn_device_name(s)) <= TN_DEVICE_NAME_MAX);
		}
		break;
	}
	case TN_EV_3270_ON:
		FUZZ_CHECK(tn_mode(s) == TN_MODE_3270);
		break;
	case TN_EV_3270_OFF:
		FUZZ_CHECK(tn_mode(s) == TN_MODE_LINE && !tn_tn3270e(s));
		break;
	case TN_EV_CLOSED:
		f->closed = true;
		fuzz_protocol_closes += ev->reason == TN_CLOSE_PROTOCOL;
		break;
	default:
		break;
	}
	if (f->term)
		term_line_event(f->term, ev);
	if (ev->type == TN_EV_CLOSED && rnd_below(2)) {
		/* As a server does: term and session go at once (perhaps inside term_close). */
		term_line_free(f->term);
		f->term = NULL;
		tn_free(s);
		f->s = NULL;
		return;
	}
	if (f->free_at_random && rnd_below(64) == 0) {
		tn_free(s);
		f->s = NULL;
		f->free_at_random = false;
		f->closed = true;
	}
}

static void fuzz_term_event(void *owner, struct term *t, const struct term_event *ev)
{
	(void)owner;
	if (ev->type == TERM_EV_LINE && rnd_below(32) == 0)
		term_close(t);
	else if (ev->type == TERM_EV_LINE && rnd_below(4) == 0)
		term_write_line(t, ev->text, ev->len);
}

static const unsigned char fuzz_opts[] = { 0, 1, 3, 5, 6, 24, 25, 31, 34, 36, 39, 40, 70, 93, 255 };

/* A telnet-shaped byte string: text, line ends, edits, commands, negotiations, subnegotiations. */
static size_t fuzz_shaped(unsigned char *p, size_t cap)
{
	size_t n = 0;
	while (n + 32 < cap && rnd_below(40) != 0) {
		switch (rnd_below(11)) {
		case 0:
		case 1: {
			unsigned k = 1 + rnd_below(12);
			for (unsigned i = 0; i < k; i++)
				p[n++] = (unsigned char)(0x20 + rnd_below(0x60));
			break;
		}
		case 2: {
			static const char *ends[] = {
				"\r\n", "\r", "\n", "\r\0", "\b",
				"\x7f", "\x1b[", "\x03", "\x15", "\t",
			};
			unsigned k = rnd_below(10);
			size_t len = k == 3 ? 2 : strlen(ends[k]);
			memcpy(p + n, ends[k], len);
			n += len;
			break;
		}
		case 3:
			p[n++] = 0xFF;
			p[n++] = (unsigned char)(236 + rnd_below(20));	/* any command */
			break;
		case 4:
			p[n++] = 0xFF;
			p[n++] = (unsigned char)(251 + rnd_below(4));
			p[n++] = rnd_below(4) ? fuzz_opts[rnd_below(sizeof fuzz_opts)]
					      : (unsigned char)rnd();
			break;
		case 5:
		case 6: {
			p[n++] = 0xFF;
			p[n++] = 0xFA;
			/* Rarely COMPRESS2 (86): the session must end, not inflate. */
			p[n++] = rnd_below(50) == 0 ? 86 : fuzz_opts[rnd_below(sizeof fuzz_opts)];
			unsigned k = rnd_below(10);
			for (unsigned i = 0; i < k; i++) {
				unsigned char b = rnd_below(3) ? (unsigned char)rnd_below(9)
							       : (unsigned char)rnd();
				p[n++] = b;
				if (b == 0xFF && rnd_below(2))
					p[n++] = 0xFF;
			}
			if (rnd_below(5)) {	/* else truncated */
				p[n++] = 0xFF;
				p[n++] = rnd_below(8) ? 0xF0 : (unsigned char)rnd();
			}
			break;
		}
		case 7:
			p[n++] = 0xFF;
			p[n++] = 0xEF;	/* EOR */
			break;
		case 8: {
			/* Whole client answers: 3270 agreement, a terminal type, a window size. */
			static const struct {
				const char *b;
				size_t n;
			} bundles[] = {
				{ LIT(IAC WILL "\x19" IAC DO "\x19"
				      IAC WILL "\x00" IAC DO "\x00") },
				{ LIT(IAC WILL "\x18" IAC SB "\x18\x00" "IBM-3278-2-E" IAC SE) },
				{ LIT(IAC SB "\x18\x00" "XTERM" IAC SE) },
				{ LIT(IAC WILL "\x1f" IAC SB "\x1f\x00\x50\x00\x18" IAC SE) },
				{ LIT(IAC DO "\x01" IAC DO "\x03") },
				/* TN3270E as s3270 does it, a printer, functions, a record, a WONT. */
				{ LIT(IAC WILL "\x28") },
				{ LIT(IAC WILL "\x28" IAC SB "\x28\x02\x07" "IBM-3278-2-E" IAC SE) },
				{ LIT(IAC SB "\x28\x02\x07" "IBM-3287-1" IAC SE) },
				{ LIT(IAC SB "\x28\x02\x07" "IBM-3279-5" "\x01" "CAMB0001" IAC SE) },
				{ LIT(IAC SB "\x28\x03\x07\x00\x02\x04" IAC SE) },
				{ LIT(IAC SB "\x28\x03\x07" IAC SE) },
				{ LIT(IAC SB "\x28\x03\x04" IAC SE) },
				{ LIT("\x00\x00\x00\x00\x00\x7d\x40\x40" IAC EOR) },
				{ LIT(IAC WONT "\x28") },
			};
			unsigned k = rnd_below(sizeof bundles / sizeof bundles[0]);
			memcpy(p + n, bundles[k].b, bundles[k].n);
			n += bundles[k].n;
			break;
		}
		default:
			p[n++] = (unsigned char)rnd();
			break;
		}
	}
	return n;
}

static void fuzz_call(struct fuzz *f)
{
	static const char text[] = "out\xff\r\n\x01line";
	struct tn_session *s = f->s;
	switch (rnd_below(12)) {
	case 0:
		tn_write_line(s, text, rnd_below(sizeof text));
		break;
	case 1:
		tn_prompt(s, text, rnd_below(sizeof text));
		break;
	case 2:
		tn_set_password(s, rnd_below(2));
		break;
	case 3:
		tn_bell(s);
		break;
	case 4:
		tn_start_3270(s);
		break;
	case 5:
		tn_send_record(s, text, rnd_below(sizeof text));
		break;
	case 6:
		tn_tick(s, 1000 + rnd_below(4000));
		break;
	case 7:
		tn_ttype_request(s);
		break;
	case 8:
		tn_set_attention_char(s, rnd_below(2) ? TN_NO_ATTENTION : (int)rnd_below(256));
		break;
	case 9:
		if (f->term) {
			term_read(f->term, TERM_READ_CP, text, rnd_below(sizeof text));
			break;
		}
		/* fall through */
	default:
		break;
	}
}

static void fuzz_one(void)
{
	static unsigned char buf[1024];
	struct fuzz f = { 0 };
	struct tn_config cfg;
	tn_config_init(&cfg);
	static const size_t lines[] = { 1, 2, 16, 4096 };
	cfg.max_line = lines[rnd_below(4)];
	cfg.max_record = rnd_below(2) ? 8 : 0;
	cfg.attention_char = rnd_below(3) ? 3 : (int)rnd_below(256);
	cfg.server_echo = rnd_below(2);
	cfg.ttype_wait_ms = 1 + rnd_below(3000);
	cfg.no_tn3270e = rnd_below(8) == 0;
	cfg.device_name = rnd_below(2) ? "CAMB0001" : NULL;
	f.max_line = cfg.max_line;
	f.max_record = cfg.max_record ? cfg.max_record : TN_DEFAULT_MAX_RECORD;
	f.free_at_random = rnd_below(8) == 0;
	f.client = telnet_init(NULL, fuzz_client_event, TELNET_FLAG_PROXY, &f);
	FUZZ_CHECK(f.client != NULL);
	static const struct tn_io io = { fuzz_send, fuzz_event };
	f.s = tn_new(&cfg, &io, &f, 1000);
	FUZZ_CHECK(f.s != NULL);
	if (rnd_below(4) == 0) {
		f.term = term_line_new(f.s);
		term_set_handler(f.term, fuzz_term_event, &f);
	}

	size_t n;
	if (rnd_below(2)) {
		n = rnd_below(sizeof buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)rnd();
	} else {
		n = fuzz_shaped(buf, sizeof buf);
	}
	size_t at = 0;
	while (at < n && f.s) {
		size_t k = 1 + rnd_below((unsigned)(n - at < 64 ? n - at : 64));
		if (rnd_below(4) == 0)
			k = n - at;
		tn_feed(f.s, buf + at, k);
		at += k;
		if (f.s && rnd_below(3) == 0)
			fuzz_call(&f);
	}
	if (f.s && rnd_below(2))
		tn_eof(f.s);
	/* Whatever it sent is well-formed telnet: a client parses it without complaint. */
	FUZZ_CHECK(f.client_warnings == 0);
	term_line_free(f.term);
	tn_free(f.s);
	telnet_free(f.client);
}

START_TEST(test_fuzz_random_and_telnet_shaped_input)
{
	uint64_t seed = env_or("CAMBRIDGE_FUZZ_SEED", 0x7E1E7F00D5EEDull);
	uint64_t cases = env_or("CAMBRIDGE_FUZZ_CASES", 100000);
	rng_state = seed ? seed : 1;
	fprintf(stderr, "check_telnet fuzz: seed %#llx, %llu cases\n", (unsigned long long)seed,
		(unsigned long long)cases);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (fuzz_case = 0; fuzz_case < cases; fuzz_case++)
		fuzz_one();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	const unsigned long long *e = fuzz_seen;
	fprintf(stderr,
		"check_telnet fuzz: %.2f s; events: %llu ttype, %llu line, %llu attention,"
		" %llu window, %llu 3270-on, %llu 3270-off, %llu record, %llu closed"
		" (%llu protocol); %llu in TN3270E\n",
		secs, e[TN_EV_TTYPE], e[TN_EV_LINE], e[TN_EV_ATTENTION], e[TN_EV_WINDOW],
		e[TN_EV_3270_ON], e[TN_EV_3270_OFF], e[TN_EV_RECORD], e[TN_EV_CLOSED],
		(unsigned long long)fuzz_protocol_closes, (unsigned long long)fuzz_tn3270e);
	ck_assert(secs < 240.0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("telnet");
	TCase *tc = tcase_create("negotiation");
	tcase_add_test(tc, test_new_offers_tn3270e_asks_for_ttype_and_naws);
	tcase_add_test(tc, test_new_server_echo_also_offers_will_echo_will_sga);
	tcase_add_test(tc, test_ttype_ibm_3278_2_e_is_a_3270);
	tcase_add_test(tc, test_ttype_xterm_is_line_mode);
	tcase_add_test(tc, test_ttype_refused_gives_an_empty_type);
	tcase_add_test(tc, test_ttype_wait_runs_out_at_the_deadline);
	tcase_add_test(tc, test_ttype_is_without_send_is_ignored);
	tcase_add_test(tc, test_ttype_is_cleaned_and_bounded);
	tcase_add_test(tc, test_ayt_is_answered);
	tcase_add_test(tc, test_naws_window_size_is_recorded);
	tcase_add_test(tc, test_other_options_are_refused_without_loops);
	tcase_add_loop_test(tc, test_q_method_on_echo, 0, sizeof q_cases / sizeof q_cases[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("line");
	tcase_add_test(tc, test_line_ends_whole_and_byte_by_byte);
	tcase_add_test(tc, test_line_ends_mixed_in_one_feed_and_empty_lines);
	tcase_add_test(tc, test_backspace_and_del_erase_characters);
	tcase_add_test(tc, test_control_characters_are_mapped_or_dropped);
	tcase_add_test(tc, test_server_echo_echoes_and_edits);
	tcase_add_test(tc, test_output_while_typing_shows_the_input_again);
	tcase_add_test(tc, test_password_mode_negotiates_will_echo);
	tcase_add_test(tc, test_password_echo_refused_leaves_the_client_echoing);
	tcase_add_test(tc, test_password_in_character_mode_echoes_only_the_line_end);
	tcase_add_test(tc, test_ip_break_and_attention_char_are_attention);
	tcase_add_test(tc, test_attention_char_is_a_setting);
	tcase_add_test(tc, test_iac_iac_is_data_byte_255_both_ways);
	tcase_add_test(tc, test_output_lines_are_nvt_text_with_8_bit_data);
	tcase_add_test(tc, test_prompt_ends_with_go_ahead_while_sga_is_off);
	tcase_add_test(tc, test_overlong_line_is_cut_with_the_rest_dropped);
	tcase_add_test(tc, test_megabyte_without_line_end_stays_bounded);
	suite_add_tcase(s, tc);

	tc = tcase_create("3270");
	tcase_add_test(tc, test_3270_binary_and_eor_then_records);
	tcase_add_test(tc, test_3270_record_is_bounded);
	tcase_add_test(tc, test_3270_refused_binary_is_3270_off);
	tcase_add_test(tc, test_3270_dropped_later_is_3270_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("tn3270e");
	tcase_add_test(tc, test_tn3270e_s3270_transcript_byte_by_byte);
	tcase_add_test(tc, test_tn3270e_no_tn3270e_offers_as_before_and_refuses);
	tcase_add_test(tc, test_tn3270e_device_type_rejects_then_retry);
	tcase_add_test(tc, test_tn3270e_reject_then_wont_falls_back_to_tn3270);
	tcase_add_test(tc, test_tn3270e_refused_is_plain_tn3270_as_before);
	tcase_add_test(tc, test_tn3270e_unanswered_is_given_up_at_the_ttype_answer);
	tcase_add_test(tc, test_tn3270e_wait_runs_out_mid_negotiation);
	tcase_add_test(tc, test_tn3270e_functions_we_lack_are_renegotiated);
	tcase_add_test(tc, test_tn3270e_inbound_records_need_a_3270_data_header);
	tcase_add_test(tc, test_tn3270e_outbound_sequence_numbers_double_ff_and_wrap);
	tcase_add_test(tc, test_tn3270e_wont_after_agreement_is_3270_off);
	tcase_add_test(tc, test_tn3270e_garbage_subnegotiations_are_ignored);
	tcase_add_test(tc, test_tn3270e_start_3270_while_negotiating_goes_plain);
	tcase_add_test(tc, test_tn3270e_default_device_names_differ);
	tcase_add_test(tc, test_tn3270e_close_in_the_ttype_handler_ends_it_there);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifetime");
	tcase_add_test(tc, test_eof_closes_and_nothing_follows);
	tcase_add_test(tc, test_local_close_is_closed_local);
	tcase_add_test(tc, test_client_compression_is_a_protocol_failure);
	tcase_add_test(tc, test_free_inside_the_event_handler_is_deferred);
	suite_add_tcase(s, tc);

	tc = tcase_create("term");
	tcase_add_test(tc, test_term_line_lines_and_attention_in);
	tcase_add_test(tc, test_term_line_output_read_password_bell);
	tcase_add_test(tc, test_term_line_disconnect_is_the_last_event);
	tcase_add_test(tc, test_term_line_close_ends_the_session_without_an_event);
	suite_add_tcase(s, tc);

	tc = tcase_create("fuzz");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_fuzz_random_and_telnet_shaped_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
