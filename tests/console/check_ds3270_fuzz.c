/*
 * check_ds3270_fuzz.c - hostile 3270 data against the data stream engine (console/ds3270.c).
 *
 * Random bytes, random records made of valid orders with some bytes changed, and the golden
 * records (tests/console/golden) mutated, cut short and spliced, go through ds_screen_write on
 * screens of every model size, extended or not; random and mutated inbound records through
 * ds_parse_input, ds_screen_input and ds_parse_query_reply; and after each step ds_screen_read
 * and ds_screen_redraw, whose record must apply cleanly to a fresh screen and recreate it. The
 * invariants: the cursor is inside the buffer, the size is 24 x 80 or the alternate size, an error
 * offset is inside the record, parsed fields lie inside the record, and nothing reads or writes
 * outside its buffers (run under --enable-sanitizers to check the last).
 *
 * Seeded and bounded: DS3270_FUZZ_SEED (default fixed) and DS3270_FUZZ_ITERS (default 3000
 * cases, stopped early after about two seconds) override; the seed is printed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console/ds3270.h"
#include "tests/check_run.h"
#include "tests/console/check_ds3270.h"

static uint64_t env_or(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static const char *const golden_names[] = {
	"vm_layout.3270", "vm_status.3270", "sfe_colors.3270", "ra_fill.3270", "eua.3270",
	"pt.3270", "model5_ewa.3270", "in_enter_two_fields.3270", "in_pf3.3270", "in_pa1.3270",
	"in_clear.3270",
};
#define NGOLDEN (sizeof golden_names / sizeof golden_names[0])
static uint8_t *golden[NGOLDEN];
static size_t golden_len[NGOLDEN];

static void load_goldens(void)
{
	for (size_t k = 0; k < NGOLDEN; k++) {
		if (!golden[k]) {
			golden[k] = golden_read(golden_names[k], &golden_len[k]);
			ck_assert_msg(golden[k] != NULL, "golden %s missing", golden_names[k]);
		}
	}
}

static void check_invariants(const struct ds_screen *s)
{
	unsigned size = ds_screen_size(s);
	ck_assert_uint_lt(ds_screen_cursor(s), size);
	if (ds_screen_alternate(s)) {
		ck_assert_uint_eq(ds_screen_rows(s), ds_screen_alt_rows(s));
		ck_assert_uint_eq(ds_screen_cols(s), ds_screen_alt_cols(s));
	} else {
		ck_assert_uint_eq(ds_screen_rows(s), 24);
		ck_assert_uint_eq(ds_screen_cols(s), 80);
	}
	ck_assert_uint_eq(size, ds_screen_rows(s) * ds_screen_cols(s));
}

/* Redraw s, apply the record to a fresh screen, compare; read it three ways. */
static void check_redraw_and_reads(const struct ds_screen *s)
{
	struct ds_buf b = {0};
	ds_screen_redraw(s, 0xC3, &b);
	ck_assert(!b.oom);
	struct ds_screen *t = ds_screen_new(ds_screen_alt_rows(s), ds_screen_alt_cols(s),
					    ds_screen_extended(s));
	ck_assert_ptr_nonnull(t);
	struct ds_write_result res;
	enum ds_status st = ds_screen_write(t, b.p, b.len, &res);
	ck_assert_msg(st == DS_OK, "redraw record fails: %s at %zu", ds_status_str(st), res.offset);
	assert_same_screen(s, t);
	ds_screen_free(t);

	static const uint8_t cmds[] = {DS_CMD_RB, DS_CMD_RM, DS_CMD_RMA};
	static const uint8_t aids[] = {DS_AID_ENTER, DS_AID_PA1, DS_AID_CLEAR, 0xF1, DS_AID_NONE};
	ds_buf_reset(&b);
	uint8_t aid = aids[ds_rnd_below(sizeof aids)];
	ds_screen_read(s, cmds[ds_rnd_below(3)], aid, &b);
	ck_assert(!b.oom);
	/* What the terminal would send parses (RM/RMA; RB carries SF orders as data). */
	struct ds_field_in f[32];
	struct ds_input in;
	st = ds_parse_input(b.p, b.len, ds_screen_size(s), &in, f, 32);
	ck_assert_msg(st == DS_OK, "own read record does not parse: %s", ds_status_str(st));
	ck_assert_uint_eq(in.aid, aid);
	ds_buf_free(&b);
}

static void mutate(uint8_t *p, size_t *len, size_t cap)
{
	unsigned n = 1 + ds_rnd_below(6);
	for (unsigned k = 0; k < n && *len; k++) {
		size_t at = ds_rnd_below((unsigned)*len);
		switch (ds_rnd_below(5)) {
		case 0:
			p[at] = (uint8_t)ds_rnd();
			break;
		case 1:
			p[at] ^= (uint8_t)(1u << ds_rnd_below(8));
			break;
		case 2:	/* cut short */
			*len = at + (at == 0);
			break;
		case 3: {	/* an order byte */
			static const uint8_t ord[] = {0x05, 0x08, 0x11, 0x12, 0x13, 0x1D, 0x28, 0x29,
						      0x2C, 0x3C, 0x00, 0xFF, 0x80};
			p[at] = ord[ds_rnd_below(sizeof ord)];
			break;
		}
		case 4:	/* duplicate a piece */
			if (*len < cap) {
				size_t n2 = ds_rnd_below((unsigned)(cap - *len)) % 16;
				if (at + n2 <= *len) {
					memmove(p + at + n2, p + at, *len - at);
					*len += n2;
				}
			}
			break;
		}
	}
}

static const uint8_t commands[] = {0xF1, 0xF5, 0x7E, 0x6F, 0xF3, 0xF2, 0xF6, 0x6E, 0x01, 0x05,
				   0x0D, 0x0F, 0x11, 0x02, 0x06, 0x42};

/* One outbound record: random, built-and-mutated, or golden-and-mutated. */
static size_t make_outbound(const struct ds_screen *s, uint8_t *p, size_t cap)
{
	size_t len = 0;
	switch (ds_rnd_below(3)) {
	case 0:
		len = ds_rnd_below((unsigned)cap);
		for (size_t i = 0; i < len; i++)
			p[i] = (uint8_t)ds_rnd();
		if (len)
			p[0] = commands[ds_rnd_below(sizeof commands)];
		return len;
	case 1: {
		struct ds_buf b = {0};
		ds_rnd_write(s, ds_rnd_below(3) == 0, &b);
		len = b.len < cap ? b.len : cap;
		memcpy(p, b.p, len);
		ds_buf_free(&b);
		break;
	}
	default: {
		size_t k = ds_rnd_below(7);	/* the outbound goldens */
		len = golden_len[k] < cap ? golden_len[k] : cap;
		memcpy(p, golden[k], len);
		break;
	}
	}
	if (ds_rnd_below(4))
		mutate(p, &len, cap);
	return len;
}

static size_t make_inbound(const struct ds_screen *s, uint8_t *p, size_t cap)
{
	size_t len;
	switch (ds_rnd_below(3)) {
	case 0:
		len = ds_rnd_below(64);
		for (size_t i = 0; i < len; i++)
			p[i] = (uint8_t)ds_rnd();
		break;
	case 1: {
		struct ds_buf b = {0};
		static const uint8_t aids[] = {DS_AID_ENTER, DS_AID_PA2, 0xF3, 0x7C, 0x4C, 0x60};
		ds_screen_read(s, DS_CMD_RM, aids[ds_rnd_below(sizeof aids)], &b);
		len = b.len < cap ? b.len : cap;
		memcpy(p, b.p, len);
		ds_buf_free(&b);
		break;
	}
	default: {
		size_t k = 7 + ds_rnd_below(4);	/* the inbound goldens */
		len = golden_len[k];
		memcpy(p, golden[k], len);
		break;
	}
	}
	if (ds_rnd_below(2))
		mutate(p, &len, cap);
	return len;
}

static size_t make_query_reply(uint8_t *p, size_t cap)
{
	size_t len = 1;
	p[0] = DS_AID_SF;
	unsigned n = ds_rnd_below(5);
	for (unsigned k = 0; k < n && len + 40 < cap; k++) {
		static const uint8_t codes[] = {0x80, 0x81, 0x86, 0x87, 0x88, 0xA6};
		size_t sflen = 3 + ds_rnd_below(30);
		p[len] = (uint8_t)(sflen >> 8);
		p[len + 1] = (uint8_t)sflen;
		p[len + 2] = 0x81;
		for (size_t i = 3; i < sflen; i++)
			p[len + i] = (uint8_t)ds_rnd();
		if (sflen > 3)
			p[len + 3] = codes[ds_rnd_below(sizeof codes)];
		len += sflen;
	}
	if (ds_rnd_below(2))
		mutate(p, &len, cap);
	return len;
}

static void run_case(uint64_t seed)
{
	ds_rng = seed | 1;
	const unsigned *sz = ds_sizes[ds_rnd_below(sizeof ds_sizes / sizeof ds_sizes[0])];
	struct ds_screen *s = ds_screen_new(sz[0], sz[1], ds_rnd_below(2));
	ck_assert_ptr_nonnull(s);
	uint8_t rec[1024];
	unsigned steps = 1 + ds_rnd_below(8);
	for (unsigned k = 0; k < steps; k++) {
		size_t len;
		switch (ds_rnd_below(4)) {
		case 0: {
			len = make_inbound(s, rec, sizeof rec);
			struct ds_field_in f[8];
			struct ds_input in;
			unsigned size = ds_rnd_below(8) ? ds_screen_size(s) : 1 + ds_rnd_below(20000);
			enum ds_status st = ds_parse_input(rec, len, size, &in, f, 8);
			ck_assert_uint_le(in.nfields, 8);
			if (st != DS_OK) {
				ck_assert_uint_eq(in.nfields, 0);
				break;
			}
			ck_assert_uint_lt(in.cursor, size);
			for (size_t i = 0; i < in.nfields; i++) {
				ck_assert_uint_lt(f[i].addr, size);
				ck_assert(f[i].data >= rec && f[i].data + f[i].len <= rec + len);
			}
			ds_screen_input(s, &in);
			break;
		}
		case 1: {
			len = make_query_reply(rec, sizeof rec);
			struct ds_query q;
			ds_parse_query_reply(rec, len, &q);
			ck_assert_uint_le(q.rows, 65535);
			break;
		}
		default: {
			len = make_outbound(s, rec, sizeof rec);
			struct ds_write_result res;
			enum ds_status st = ds_screen_write(s, rec, len, &res);
			ck_assert_int_eq(res.status, st);
			ck_assert_uint_le(res.offset, len);
			ck_assert(st == DS_OK || !(res.alarm || res.restore) ||
				  rec[0] == DS_CMD_EAU || rec[0] == 0x0F);
			break;
		}
		}
		check_invariants(s);
	}
	check_redraw_and_reads(s);
	ds_screen_free(s);
}

START_TEST(test_hostile_records_never_break_the_screen_model)
{
	load_goldens();
	uint64_t seed = env_or("DS3270_FUZZ_SEED", 0x3270FACEull);
	uint64_t iters = env_or("DS3270_FUZZ_ITERS", 3000);
	fprintf(stderr, "check_ds3270_fuzz: DS3270_FUZZ_SEED=%#llx DS3270_FUZZ_ITERS=%llu\n",
		(unsigned long long)seed, (unsigned long long)iters);
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t i;
	for (i = 0; i < iters; i++) {
		run_case(seed * 6364136223846793005ull + i);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) > 2000000000L)
			break;
	}
	fprintf(stderr, "check_ds3270_fuzz: %llu cases\n", (unsigned long long)i);
	for (size_t k = 0; k < NGOLDEN; k++) {
		free(golden[k]);
		golden[k] = NULL;
	}
}
END_TEST

START_TEST(test_every_truncation_of_the_golden_records_is_handled)
{
	load_goldens();
	for (size_t k = 0; k < NGOLDEN; k++) {
		for (size_t n = 0; n <= golden_len[k]; n++) {
			uint8_t *cut = malloc(n ? n : 1);	/* exact size: ASan sees overreads */
			memcpy(cut, golden[k], n);
			struct ds_screen *s = ds_screen_new(27, 132, true);
			struct ds_write_result res;
			enum ds_status st = ds_screen_write(s, cut, n, &res);
			ck_assert_uint_le(res.offset, n);
			if (k < 7 && n < golden_len[k] && n > 0)
				ck_assert(st == DS_OK || st == DS_TRUNCATED);
			check_invariants(s);
			struct ds_field_in f[4];
			struct ds_input in;
			ds_parse_input(cut, n, 1920, &in, f, 4);
			struct ds_query q;
			ds_parse_query_reply(cut, n, &q);
			check_redraw_and_reads(s);
			ds_screen_free(s);
			free(cut);
		}
	}
	for (size_t k = 0; k < NGOLDEN; k++) {
		free(golden[k]);
		golden[k] = NULL;
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ds3270_fuzz");
	TCase *tc = tcase_create("fuzz");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_hostile_records_never_break_the_screen_model);
	tcase_add_test(tc, test_every_truncation_of_the_golden_records_is_handled);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
