/*
 * check_ds3270.c - the 3270 data stream engine (console/ds3270.c).
 *
 * Buffer addresses and the 6-bit code, AIDs, the builder, the display model against golden
 * records (tests/console/golden: NAME.3270 applied, NAME.screen the rendered text expected;
 * tests/console/golden/make-golden.py wrote both), the behaviours a 3278 shows for each order,
 * errors where the terminal reports them, Read Buffer / Read Modified answers, golden inbound
 * records, query replies, and redraw round trips over random screens.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/ds3270.h"
#include "lib/ebcdic.h"
#include "tests/check_run.h"
#include "tests/console/check_ds3270.h"

/* ---- Small helpers ---- */

static struct ds_write_result res;

static enum ds_status write_hex(struct ds_screen *s, const char *hex)
{
	uint8_t rec[512];
	size_t n = 0;
	for (const char *p = hex; *p;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		unsigned v;
		ck_assert_int_eq(sscanf(p, "%2x", &v), 1);
		ck_assert_uint_lt(n, sizeof rec);
		rec[n++] = (uint8_t)v;
		p += 2;
	}
	return ds_screen_write(s, rec, n, &res);
}

static void e(uint8_t *out, const char *text)
{
	ascii_to_ebcdic_buf(out, text, strlen(text));
}

/* The text at pos..pos+len as ASCII (attributes and nulls as blanks). */
static const char *text_at(const struct ds_screen *s, unsigned pos, size_t len)
{
	static char t[256];
	for (size_t i = 0; i < len; i++) {
		uint8_t c = ds_screen_char(s, pos + (unsigned)i);
		t[i] = (char)(c ? ebcdic_to_latin1[c] : ' ');
	}
	t[len] = '\0';
	return t;
}

static bool bytes_eq(const struct ds_buf *b, const char *hex)
{
	uint8_t want[512];
	size_t n = 0;
	for (const char *p = hex; *p;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		unsigned v;
		if (sscanf(p, "%2x", &v) != 1)
			return false;
		want[n++] = (uint8_t)v;
		p += 2;
	}
	return b->len == n && memcmp(b->p, want, n) == 0;
}

/* ---- Addresses and codes ---- */

START_TEST(test_code6_table_matches_the_reference)
{
	static const uint8_t want[64] = {
		0x40, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0x4A, 0x4B, 0x4C, 0x4D,
		0x4E, 0x4F, 0x50, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0x5A, 0x5B,
		0x5C, 0x5D, 0x5E, 0x5F, 0x60, 0x61, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9,
		0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7,
		0xF8, 0xF9, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F};
	for (unsigned v = 0; v < 64; v++)
		ck_assert_uint_eq(ds_code6(v), want[v]);
}
END_TEST

static const struct {
	uint8_t b1, b2;
	bool ok;
	unsigned addr;
} addr_cases[] = {
	{0x40, 0x40, true, 0},     {0x5B, 0x5F, true, 1759}, {0x5D, 0x6B, true, 1899},
	{0xC7, 0x5F, true, 479},   {0x4E, 0x7F, true, 959},  {0xD6, 0x5F, true, 1439},
	{0x00, 0x00, true, 0},     {0x0D, 0xEB, true, 3563}, {0x3F, 0xFF, true, 16383},
	{0x80, 0x00, false, 0},    {0xBF, 0xFF, false, 0},
};

START_TEST(test_addr_decode_gives_12_and_14_bit_values_and_rejects_the_reserved_form)
{
	unsigned a = 12345;
	ck_assert_int_eq(ds_addr_decode(addr_cases[_i].b1, addr_cases[_i].b2, &a), addr_cases[_i].ok);
	if (addr_cases[_i].ok)
		ck_assert_uint_eq(a, addr_cases[_i].addr);
}
END_TEST

START_TEST(test_addr_encode_is_12_bit_up_to_4096_positions_and_14_bit_above)
{
	static const unsigned sizes[] = {1920, 2560, 3440, 3564, 4096, 5676, 9920, 16383};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		unsigned bad = 0;
		for (unsigned a = 0; a < sizes[k]; a++) {
			uint8_t out[2];
			unsigned back = ~0u;
			ds_addr_encode(a, sizes[k], out);
			if ((out[0] >> 6 == 0) != (sizes[k] > 4096) ||
			    !ds_addr_decode(out[0], out[1], &back) || back != a)
				bad++;
		}
		ck_assert_msg(bad == 0, "size %u: %u addresses do not round-trip", sizes[k], bad);
	}
	uint8_t out[2];
	ds_addr_encode(1759, 1920, out);
	ck_assert_uint_eq(out[0], 0x5B);
	ck_assert_uint_eq(out[1], 0x5F);
}
END_TEST

/* ---- AIDs and commands ---- */

static const struct {
	unsigned pf;
	uint8_t aid;
} pf_cases[] = {
	{1, 0xF1},  {2, 0xF2},  {3, 0xF3},  {4, 0xF4},  {5, 0xF5},  {6, 0xF6},  {7, 0xF7},  {8, 0xF8},
	{9, 0xF9},  {10, 0x7A}, {11, 0x7B}, {12, 0x7C}, {13, 0xC1}, {14, 0xC2}, {15, 0xC3}, {16, 0xC4},
	{17, 0xC5}, {18, 0xC6}, {19, 0xC7}, {20, 0xC8}, {21, 0xC9}, {22, 0x4A}, {23, 0x4B}, {24, 0x4C},
};

START_TEST(test_pf_keys_map_to_their_aids_both_ways)
{
	ck_assert_uint_eq(ds_pf_aid(pf_cases[_i].pf), pf_cases[_i].aid);
	ck_assert_uint_eq(ds_aid_pf(pf_cases[_i].aid), pf_cases[_i].pf);
	ck_assert(!ds_aid_is_short(pf_cases[_i].aid));
}
END_TEST

START_TEST(test_non_pf_aids_are_pf_0_and_pa_clear_sysreq_are_short)
{
	static const uint8_t notpf[] = {0x7D, 0x6C, 0x6E, 0x6B, 0x6D, 0x60, 0x88, 0xF0, 0x00, 0xCA};
	for (size_t k = 0; k < sizeof notpf; k++)
		ck_assert_uint_eq(ds_aid_pf(notpf[k]), 0);
	ck_assert_uint_eq(ds_pf_aid(0), 0);
	ck_assert_uint_eq(ds_pf_aid(25), 0);
	ck_assert(ds_aid_is_short(DS_AID_PA1) && ds_aid_is_short(DS_AID_PA2));
	ck_assert(ds_aid_is_short(DS_AID_PA3) && ds_aid_is_short(DS_AID_CLEAR));
	ck_assert(ds_aid_is_short(DS_AID_SYSREQ));
	ck_assert(!ds_aid_is_short(DS_AID_ENTER) && !ds_aid_is_short(DS_AID_NONE));
}
END_TEST

static const struct {
	uint8_t code, cmd;
} ccw_cases[] = {
	{0x01, 0xF1}, {0x05, 0xF5}, {0x0D, 0x7E}, {0x0F, 0x6F}, {0x11, 0xF3}, {0x02, 0xF2},
	{0x06, 0xF6}, {0xF1, 0xF1}, {0xF5, 0xF5}, {0x7E, 0x7E}, {0x6F, 0x6F}, {0xF3, 0xF3},
	{0xF2, 0xF2}, {0xF6, 0xF6}, {0x6E, 0x6E}, {0x03, 0x00}, {0x0B, 0x00}, {0x04, 0x00},
	{0xE4, 0x00}, {0x00, 0x00}, {0x42, 0x00},
};

START_TEST(test_ccw_codes_map_to_remote_commands_and_others_to_0)
{
	ck_assert_uint_eq(ds_cmd_from_ccw(ccw_cases[_i].code), ccw_cases[_i].cmd);
}
END_TEST

/* ---- The builder ---- */

START_TEST(test_builder_puts_commands_orders_and_addresses)
{
	struct ds_buf b = {0};
	ds_put_cmd(&b, DS_CMD_EW, 0xC3);
	ds_put_sba(&b, 1759, 1920);
	ds_put_sf(&b, DS_FA_MDT);
	ds_put_ic(&b);
	ds_put_sba(&b, 1899, 1920);
	ds_put_sf(&b, DS_FA_PROTECT);
	ds_put_ra(&b, 479, 1920, 0x00);
	ds_put_eua(&b, 1899, 1920);
	ds_put_pt(&b);
	ds_put_sa(&b, DS_XA_FGCOLOR, 0xF2);
	ds_put_sfe(&b, DS_FA_PROTECT | DS_FA_INTENSE, 0xF4, 0xF2);
	ds_put_sfe(&b, 0, 0, 0);
	ds_put_sba(&b, 3563, 5676);
	ck_assert(!b.oom);
	ck_assert(bytes_eq(&b, "F5 C3 11 5B5F 1D C1 13 11 5D6B 1D 60 3C C75F 00 12 5D6B 05 28 42 F2"
			       " 29 03 C0 E8 42 F4 41 F2 29 01 C0 40 11 0D EB"));
	ds_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ds_put_cmd(&b, DS_CMD_RM, 0xC3);	/* no WCC for a read */
	ds_put_cmd(&b, DS_CMD_EAU, 0xC3);
	ck_assert(bytes_eq(&b, "F6 6F"));
	ds_buf_free(&b);
}
END_TEST

START_TEST(test_builder_text_below_x40_goes_out_as_blanks)
{
	struct ds_buf b = {0};
	static const uint8_t t[] = {0xC1, 0x11, 0x1D, 0x00, 0x3F, 0x40, 0xFF};
	ds_put_text(&b, t, sizeof t);
	ds_put_ra(&b, 0, 1920, 0x05);
	ds_put_ra(&b, 0, 1920, 0x1C);
	ck_assert(bytes_eq(&b, "C1 40 40 40 40 40 FF 3C 4040 40 3C 4040 1C"));
	ds_buf_free(&b);
}
END_TEST

START_TEST(test_builder_query_is_a_read_partition_query)
{
	struct ds_buf b = {0};
	ds_put_query(&b);
	ck_assert(bytes_eq(&b, "F3 0005 01 FF 02"));
	struct ds_screen *s = ds_screen_new(24, 80, true);
	ck_assert_int_eq(ds_screen_write(s, b.p, b.len, &res), DS_OK);
	ck_assert(res.query);
	ds_screen_free(s);
	ds_buf_free(&b);
}
END_TEST

/* ---- Golden outbound records ---- */

static const struct golden {
	const char *name;
	const char *prior;	/* applied first (or NULL) */
	unsigned rows, cols;	/* the alternate size */
	bool extended;
	unsigned cursor;
} goldens[] = {
	{"vm_layout", NULL, 24, 80, false, 1760},
	{"vm_status", "vm_layout", 24, 80, false, 1760},
	{"sfe_colors", NULL, 24, 80, true, 0},
	{"ra_fill", NULL, 24, 80, false, 0},
	{"eua", NULL, 32, 80, false, 0},
	{"pt", NULL, 24, 80, false, 164},
	{"model5_ewa", NULL, 27, 132, true, 133},
};

static void apply_golden(struct ds_screen *s, const char *name)
{
	char file[128];
	size_t len;
	snprintf(file, sizeof file, "%s.3270", name);
	uint8_t *rec = golden_read(file, &len);
	ck_assert_msg(rec != NULL, "golden %s missing", file);
	ck_assert_msg(ds_screen_write(s, rec, len, &res) == DS_OK, "%s: %s at %zu", name,
		      ds_status_str(res.status), res.offset);
	ck_assert_uint_eq(res.offset, len);
	free(rec);
}

START_TEST(test_golden_record_renders_the_expected_screen)
{
	const struct golden *g = &goldens[_i];
	struct ds_screen *s = ds_screen_new(g->rows, g->cols, g->extended);
	ck_assert_ptr_nonnull(s);
	if (g->prior)
		apply_golden(s, g->prior);
	apply_golden(s, g->name);
	char file[128];
	size_t len;
	snprintf(file, sizeof file, "%s.screen", g->name);
	char *want = (char *)golden_read(file, &len);
	ck_assert_ptr_nonnull(want);
	char *got = screen_render(s);
	ck_assert_uint_eq(strlen(got), len);
	ck_assert_msg(memcmp(got, want, len) == 0, "%s renders as\n%s", g->name, got);
	ck_assert_uint_eq(ds_screen_cursor(s), g->cursor);

	/* And its redraw recreates it exactly. */
	struct ds_buf b = {0};
	ds_screen_redraw(s, 0xC3, &b);
	struct ds_screen *t = ds_screen_new(g->rows, g->cols, g->extended);
	ck_assert_int_eq(ds_screen_write(t, b.p, b.len, &res), DS_OK);
	assert_same_screen(s, t);
	ds_screen_free(t);
	ds_buf_free(&b);
	free(got);
	free(want);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_golden_vm_layout_has_input_and_status_fields_where_vm370_puts_them)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	apply_golden(s, "vm_layout");
	ck_assert(res.erased && res.restore && !res.alarm);
	uint8_t attr;
	ck_assert(ds_screen_attr(s, 1759, &attr, NULL));
	ck_assert_uint_eq(attr, 0x01);
	ck_assert(ds_screen_attr(s, 1899, &attr, NULL));
	ck_assert_uint_eq(attr, 0x20);
	ck_assert(ds_screen_field_attr(s, 0, &attr));	/* the output area wraps into the status */
	ck_assert_uint_eq(attr, 0x20);
	ck_assert(ds_screen_field_attr(s, 1898, &attr));
	ck_assert_uint_eq(attr, 0x01);
	ck_assert_str_eq(text_at(s, 1900, 20), "RUNNING             ");

	/* The user types; then CP clears the input area and sets the status (vm_status). */
	uint8_t typed[16];
	e(typed, "QUERY TIME");
	struct ds_field_in f = {1760, typed, 10};
	struct ds_input in = {DS_AID_ENTER, 1770, 1, &f, false};
	ds_screen_input(s, &in);
	ck_assert_str_eq(text_at(s, 1760, 12), "QUERY TIME  ");
	apply_golden(s, "vm_status");
	for (unsigned p = 1760; p < 1899; p++)
		ck_assert_uint_eq(ds_screen_char(s, p), 0);
	ck_assert(ds_screen_attr(s, 1759, &attr, NULL));
	ck_assert_uint_eq(attr, 0x01);
	ck_assert_str_eq(text_at(s, 1900, 20), "VM READ             ");
	ds_screen_free(s);
}
END_TEST

START_TEST(test_golden_sfe_colors_keeps_field_and_character_colours)
{
	struct ds_screen *s = ds_screen_new(24, 80, true);
	apply_golden(s, "sfe_colors");
	struct ds_cell c;
	ck_assert(ds_screen_cell(s, 0, &c));
	ck_assert(c.attr && c.fa == 0x28 && c.fg == 0xF2 && c.hl == 0);
	ck_assert(ds_screen_cell(s, 80, &c));
	ck_assert(c.attr && c.fa == 0x20 && c.fg == 0xF4 && c.hl == 0xF4);
	uint8_t attr, color;
	ck_assert(ds_screen_attr(s, 80, &attr, &color));
	ck_assert_uint_eq(color, 0xF4);
	ck_assert(ds_screen_cell(s, 160, &c));
	ck_assert(c.attr && c.fa == 0 && c.fg == 0);
	for (unsigned p = 161; p < 165; p++) {
		ck_assert(ds_screen_cell(s, p, &c));
		ck_assert(!c.attr && c.fg == 0xF1);
	}
	for (unsigned p = 165; p < 173; p++) {
		ck_assert(ds_screen_cell(s, p, &c));
		ck_assert(!c.attr && c.fg == 0);
	}
	ck_assert(ds_screen_cell(s, 240, &c));
	ck_assert(c.attr && c.fa == 0x20 && c.fg == 0 && c.bg == 0 && c.hl == 0);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_golden_model5_ewa_selects_27x132_with_14_bit_addresses)
{
	struct ds_screen *s = ds_screen_new(27, 132, false);
	apply_golden(s, "model5_ewa");
	ck_assert(res.erased);
	ck_assert(ds_screen_alternate(s));
	ck_assert_uint_eq(ds_screen_rows(s), 27);
	ck_assert_uint_eq(ds_screen_cols(s), 132);
	ck_assert_uint_eq(ds_screen_size(s), 3564);
	ck_assert_uint_eq(ds_screen_char(s, 3563), 0xE9);
	/* The same record on a model 2 (no alternate size beyond 24 x 80) stops at an address
	 * beyond its buffer. */
	struct ds_screen *m2 = ds_screen_new(24, 80, false);
	size_t len;
	uint8_t *rec = golden_read("model5_ewa.3270", &len);
	ck_assert_int_eq(ds_screen_write(m2, rec, len, &res), DS_BAD_ADDRESS);
	ck_assert_uint_eq(rec[res.offset], DS_ORDER_SBA);
	ck_assert_str_eq(text_at(m2, 1, 14), "MODEL 5 27X132");
	free(rec);
	ds_screen_free(m2);
	ds_screen_free(s);
}
END_TEST

/* ---- Write errors: where the terminal stops ---- */

static const struct {
	const char *what;
	bool extended;
	const char *hex;
	enum ds_status st;
	size_t offset;
} err_cases[] = {
	{"empty record", false, "", DS_TRUNCATED, 0},
	{"unknown command", false, "42 C3", DS_BAD_COMMAND, 0},
	{"write without WCC", false, "F1", DS_TRUNCATED, 1},
	{"SBA to 1920 on 24x80", false, "F5 C3 C1 11 5E40 C2", DS_BAD_ADDRESS, 3},
	{"SBA reserved form", false, "F5 C3 11 8000", DS_BAD_ADDRESS, 2},
	{"SBA cut short", false, "F5 C3 C1 11 40", DS_TRUNCATED, 3},
	{"SF cut short", false, "F1 C3 1D", DS_TRUNCATED, 2},
	{"RA beyond the buffer", false, "F5 C3 3C 7F7F C1", DS_BAD_ADDRESS, 2},
	{"RA without its character", false, "F5 C3 3C 4040", DS_TRUNCATED, 2},
	{"RA with GE and no character", false, "F5 C3 3C 4040 08", DS_TRUNCATED, 2},
	{"RA with an order as character", false, "F5 C3 3C 4040 05", DS_BAD_ORDER, 2},
	{"EUA beyond the buffer", false, "F5 C3 12 5E40", DS_BAD_ADDRESS, 2},
	{"EUA cut short", false, "F5 C3 12", DS_TRUNCATED, 2},
	{"GE at the end", false, "F5 C3 C1 08", DS_TRUNCATED, 3},
	{"X'01' in the data", false, "F5 C3 C1 01 C2", DS_BAD_ORDER, 3},
	{"X'3F' in the data", false, "F5 C3 3F", DS_BAD_ORDER, 2},
	{"SFE on a non-extended screen", false, "F5 C3 29 01 C0 60", DS_BAD_ORDER, 2},
	{"SA on a non-extended screen", false, "F5 C3 28 42 F2", DS_BAD_ORDER, 2},
	{"MF on a non-extended screen", false, "F5 C3 2C 01 42 F2", DS_BAD_ORDER, 2},
	{"SFE count beyond the record", true, "F5 C3 29 03 C0 60 42 F2", DS_TRUNCATED, 2},
	{"SFE without its count", true, "F5 C3 29", DS_TRUNCATED, 2},
	{"SFE unknown attribute type", true, "F5 C3 29 01 99 60", DS_BAD_ORDER, 2},
	{"SA cut short", true, "F5 C3 28 42", DS_TRUNCATED, 2},
	{"SA with a field type", true, "F5 C3 28 C0 60", DS_BAD_ORDER, 2},
	{"MF unknown type", true, "F5 C3 1D 60 11 4040 2C 01 77 00", DS_BAD_ORDER, 7},
	{"WSF length 1", false, "F3 0001 01", DS_BAD_FIELD, 1},
	{"WSF length beyond the record", false, "F3 0009 01 FF 02", DS_BAD_FIELD, 1},
	{"WSF two bytes left", false, "F3 0005 01 FF 02 00 05", DS_BAD_FIELD, 6},
	{"WSF Read Partition too short", false, "F3 0004 01 FF", DS_BAD_FIELD, 1},
	{"WSF Read Partition unknown type", false, "F3 0005 01 FF 99", DS_BAD_FIELD, 1},
};

START_TEST(test_bad_write_stops_with_its_status_and_offset)
{
	struct ds_screen *s = ds_screen_new(24, 80, err_cases[_i].extended);
	enum ds_status st = write_hex(s, err_cases[_i].hex);
	ck_assert_msg(st == err_cases[_i].st, "%s: %s", err_cases[_i].what, ds_status_str(st));
	ck_assert_int_eq(res.status, st);
	ck_assert_msg(res.offset == err_cases[_i].offset, "%s: offset %zu", err_cases[_i].what,
		      res.offset);
	ck_assert(!res.alarm && !res.restore);
	ck_assert_uint_lt(ds_screen_cursor(s), ds_screen_size(s));
	ds_screen_free(s);
}
END_TEST

START_TEST(test_bad_address_keeps_what_was_applied_before)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C7 11 C150 C1C2 13 11 5E40 C3"), DS_BAD_ADDRESS);
	ck_assert(res.erased && !res.alarm && !res.restore);
	ck_assert_str_eq(text_at(s, 80, 3), "AB ");
	ck_assert_uint_eq(ds_screen_cursor(s), 82);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_status_texts_are_distinct)
{
	for (int a = DS_OK; a <= DS_TOO_COSTLY; a++) {
		ck_assert_str_ne(ds_status_str(a), "unknown status");
		for (int b = a + 1; b <= DS_TOO_COSTLY; b++)
			ck_assert_str_ne(ds_status_str(a), ds_status_str(b));
	}
	ck_assert_str_eq(ds_status_str((enum ds_status)99), "unknown status");
}
END_TEST

/* ---- Write behaviours ---- */

START_TEST(test_erase_write_selects_default_size_ewa_alternate_and_write_keeps_it)
{
	struct ds_screen *s = ds_screen_new(43, 80, false);
	ck_assert_uint_eq(ds_screen_size(s), 1920);
	ck_assert_int_eq(write_hex(s, "7E C3 C1"), DS_OK);
	ck_assert(res.erased && ds_screen_alternate(s));
	ck_assert_uint_eq(ds_screen_rows(s), 43);
	ck_assert_uint_eq(ds_screen_size(s), 3440);
	ck_assert_int_eq(write_hex(s, "F1 C3 11 F5 6F C2"), DS_OK);	/* 3439: the last */
	ck_assert(!res.erased && ds_screen_alternate(s));
	ck_assert_uint_eq(ds_screen_char(s, 3439), 0xC2);
	ck_assert_uint_eq(ds_screen_char(s, 0), 0xC1);
	ck_assert_int_eq(write_hex(s, "05 C3"), DS_OK);			/* EW, by its CCW code */
	ck_assert(res.erased && !ds_screen_alternate(s));
	ck_assert_uint_eq(ds_screen_size(s), 1920);
	ck_assert_uint_eq(ds_screen_char(s, 0), 0);
	ds_screen_reset(s);
	ck_assert_uint_eq(ds_screen_size(s), 1920);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_write_wraps_from_the_last_position_to_0)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 11 5D7F C1C2C3 13"), DS_OK);	/* 1919 */
	ck_assert_uint_eq(ds_screen_char(s, 1919), 0xC1);
	ck_assert_uint_eq(ds_screen_char(s, 0), 0xC2);
	ck_assert_uint_eq(ds_screen_char(s, 1), 0xC3);
	ck_assert_uint_eq(ds_screen_cursor(s), 2);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_write_starts_at_the_cursor)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 11 C150 13"), DS_OK);
	ck_assert_int_eq(write_hex(s, "F1 C3 C8C9"), DS_OK);
	ck_assert_str_eq(text_at(s, 80, 2), "HI");
	ck_assert_uint_eq(ds_screen_cursor(s), 80);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_null_dup_and_fm_are_characters)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 C1 00 1C 1E C2"), DS_OK);
	ck_assert_uint_eq(ds_screen_char(s, 1), 0x00);
	ck_assert_uint_eq(ds_screen_char(s, 2), 0x1C);
	ck_assert_uint_eq(ds_screen_char(s, 3), 0x1E);
	ck_assert_uint_eq(ds_screen_char(s, 4), 0xC2);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_ra_to_the_current_address_fills_the_whole_buffer)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 1D 60 11 C150 3C C150 5C"), DS_OK);
	for (unsigned p = 0; p < 1920; p++)
		ck_assert_uint_eq(ds_screen_char(s, p), 0x5C);
	ck_assert(!ds_screen_attr(s, 0, NULL, NULL));	/* the character replaced the attribute */
	ck_assert(!ds_screen_field_attr(s, 5, NULL));
	ds_screen_free(s);
}
END_TEST

/* A hostile record: 4,000 whole-buffer RAs, or PTs on a screen without unprotected fields. Each
 * alone is fine; together they stop with DS_TOO_COSTLY after 32 buffers' worth, what came before
 * kept. 32 whole-buffer RAs still pass. */
START_TEST(test_records_that_walk_the_buffer_over_and_over_stop_as_too_costly)
{
	struct ds_screen *s = ds_screen_new(43, 80, false);
	uint8_t rec[2 + 4000 * 4];
	size_t n = 0;
	rec[n++] = DS_CMD_W;
	rec[n++] = 0xC3;
	for (int k = 0; k < 4000; k++) {
		rec[n++] = DS_ORDER_RA;
		rec[n++] = 0x40;
		rec[n++] = 0x40;
		rec[n++] = (uint8_t)(0xC1 + k % 9);
	}
	struct ds_write_result r;
	ck_assert_int_eq(ds_screen_write(s, rec, n, &r), DS_TOO_COSTLY);
	ck_assert_uint_eq(r.offset, 2 + 32 * 4);	/* the 33rd RA is refused */
	ck_assert_uint_eq(ds_screen_char(s, 100), 0xC1 + 31 % 9);
	ck_assert_int_eq(ds_screen_write(s, rec, 2 + 32 * 4, &r), DS_OK);

	n = 0;
	rec[n++] = DS_CMD_W;
	rec[n++] = 0xC3;
	rec[n++] = DS_ORDER_SF;
	rec[n++] = 0x60;	/* one protected field: PT finds nothing and walks to the end */
	for (int k = 0; k < 4000; k++)
		rec[n++] = DS_ORDER_PT;
	ck_assert_int_eq(ds_screen_write(s, rec, n, &r), DS_TOO_COSTLY);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_ra_with_ge_keeps_the_character_and_marks_it)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 3C 4045 08 AD 08 05"), DS_OK);
	struct ds_cell c;
	ck_assert(ds_screen_cell(s, 4, &c));
	ck_assert(c.ge && c.ch == 0xAD);
	ck_assert(ds_screen_cell(s, 5, &c));
	ck_assert(c.ge && c.ch == 0x05);
	struct ds_buf b = {0};
	ds_screen_read(s, DS_CMD_RM, DS_AID_ENTER, &b);
	ck_assert(bytes_eq(&b, "7D 4040 08AD 08AD 08AD 08AD 08AD 0805"));
	ds_buf_free(&b);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_wcc_reset_mdt_happens_before_the_orders)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 1D C1 C1 1D C1 C2"), DS_OK);
	ck_assert_int_eq(write_hex(s, "F1 C3 11 4042 1D C1"), DS_OK);
	uint8_t a;
	ck_assert(ds_screen_attr(s, 0, &a, NULL));
	ck_assert_uint_eq(a & DS_FA_MDT, 0);
	ck_assert(ds_screen_attr(s, 2, &a, NULL));
	ck_assert_uint_eq(a & DS_FA_MDT, DS_FA_MDT);
	ck_assert_int_eq(write_hex(s, "F1 C2"), DS_OK);	/* without the bit: unchanged */
	ck_assert(ds_screen_attr(s, 2, &a, NULL));
	ck_assert_uint_eq(a & DS_FA_MDT, DS_FA_MDT);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_wcc_alarm_and_restore_are_reported)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F1 C6"), DS_OK);
	ck_assert(res.alarm && res.restore && !res.erased);
	ck_assert_int_eq(write_hex(s, "F1 C0"), DS_OK);
	ck_assert(!res.alarm && !res.restore);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_eau_nulls_unprotected_resets_mdts_and_moves_the_cursor)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	/* 0 prot "AB", 3 unprot+MDT "CD", 6 prot "EF", 9 unprot+MDT "GH" */
	ck_assert_int_eq(write_hex(s, "F5 C3 1D 60 C1C2 1D C1 C3C4 1D 61 C5C6 1D C1 C7C8 11 C150 13"),
			 DS_OK);
	ck_assert_int_eq(write_hex(s, "6F"), DS_OK);
	ck_assert(res.restore);
	ck_assert_str_eq(text_at(s, 0, 11), " AB    EF  ");
	ck_assert_uint_eq(ds_screen_cursor(s), 4);
	uint8_t a;
	ck_assert(ds_screen_attr(s, 3, &a, NULL) && !(a & DS_FA_MDT));
	ck_assert(ds_screen_attr(s, 9, &a, NULL) && !(a & DS_FA_MDT));
	ck_assert(ds_screen_attr(s, 6, &a, NULL) && (a & DS_FA_MDT));	/* protected: kept */
	ds_screen_free(s);

	s = ds_screen_new(24, 80, false);	/* unformatted: everything goes */
	ck_assert_int_eq(write_hex(s, "F5 C3 C1C2 11 C150 13"), DS_OK);
	ck_assert_int_eq(write_hex(s, "0F"), DS_OK);
	ck_assert_uint_eq(ds_screen_char(s, 0), 0);
	ck_assert_uint_eq(ds_screen_cursor(s), 0);
	ds_screen_free(s);

	s = ds_screen_new(24, 80, false);	/* no unprotected field: cursor 0 */
	ck_assert_int_eq(write_hex(s, "F5 C3 1D 60 C1 11 C150 13"), DS_OK);
	ck_assert_int_eq(write_hex(s, "6F"), DS_OK);
	ck_assert_uint_eq(ds_screen_char(s, 1), 0xC1);
	ck_assert_uint_eq(ds_screen_cursor(s), 0);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_eua_to_the_current_address_erases_every_unprotected_position)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 1D 60 C1C2 1D 40 C3C4 11 4045 12 4045"), DS_OK);
	ck_assert_str_eq(text_at(s, 0, 6), " AB   ");
	ck_assert_uint_eq(ds_screen_char(s, 4), 0);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_pt_at_an_unprotected_attribute_moves_one_position)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 1D 40 C1C2C3 11 4040 05 D7 13"), DS_OK);
	ck_assert_str_eq(text_at(s, 1, 3), "PBC");
	ck_assert_uint_eq(ds_screen_cursor(s), 2);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_pt_after_data_on_unformatted_screen_nulls_to_the_end_and_the_next_pt_goes_on)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 3C 4040 C1"), DS_OK);	/* all A */
	ck_assert_int_eq(write_hex(s, "F1 C3 11 5D7E C2 05 13"), DS_OK);	/* B at 1918, PT */
	ck_assert_uint_eq(ds_screen_char(s, 1918), 0xC2);
	ck_assert_uint_eq(ds_screen_char(s, 1919), 0);
	ck_assert_uint_eq(ds_screen_char(s, 0), 0xC1);
	ck_assert_uint_eq(ds_screen_cursor(s), 0);
	ck_assert_int_eq(write_hex(s, "F1 C3 11 5D7E C2 05 05"), DS_OK);	/* PT PT: all nulled */
	for (unsigned p = 0; p < 1920; p++)
		ck_assert_uint_eq(ds_screen_char(s, p), 0);
	ck_assert_int_eq(write_hex(s, "F1 C3 3C 4040 C1 11 5D7E 05"), DS_OK);	/* after RA: no nulls */
	ck_assert_uint_eq(ds_screen_char(s, 1919), 0xC1);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_mf_modifies_the_attribute_here_and_ignores_a_character_position)
{
	struct ds_screen *s = ds_screen_new(24, 80, true);
	ck_assert_int_eq(write_hex(s, "F5 C3 1D 60 C1C2"), DS_OK);
	ck_assert_int_eq(write_hex(s, "F1 C3 11 4040 2C 02 C0 C8 42 F2 C3"), DS_OK);
	struct ds_cell c;
	ck_assert(ds_screen_cell(s, 0, &c));
	ck_assert(c.attr && c.fa == 0x08 && c.fg == 0xF2);
	ck_assert_uint_eq(ds_screen_char(s, 1), 0xC3);	/* the address moved past it */
	ck_assert_int_eq(write_hex(s, "F1 C3 11 4042 2C 01 42 F4 C4"), DS_OK);
	ck_assert(ds_screen_cell(s, 2, &c));
	ck_assert(!c.attr && c.ch == 0xC4 && c.fg == 0);	/* MF did nothing, C4 landed at 2 */
	ds_screen_free(s);
}
END_TEST

START_TEST(test_sa_colours_the_following_characters_of_this_write_only)
{
	struct ds_screen *s = ds_screen_new(24, 80, true);
	ck_assert_int_eq(write_hex(s, "F5 C3 C1 28 42 F2 28 41 F1 28 45 F3 C2 3C 4045 C3 28 00 00 C4"),
			 DS_OK);
	struct ds_cell c;
	ck_assert(ds_screen_cell(s, 0, &c) && c.fg == 0 && c.hl == 0);
	for (unsigned p = 1; p < 5; p++) {
		ck_assert(ds_screen_cell(s, p, &c));
		ck_assert(c.fg == 0xF2 && c.hl == 0xF1 && c.bg == 0xF3);
	}
	ck_assert(ds_screen_cell(s, 5, &c) && c.ch == 0xC4 && c.fg == 0 && c.bg == 0);
	ck_assert_int_eq(write_hex(s, "F1 C3 11 404A C5"), DS_OK);	/* a new write: default */
	ck_assert(ds_screen_cell(s, 10, &c) && c.fg == 0);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_sf_on_extended_screen_resets_the_fields_colours)
{
	struct ds_screen *s = ds_screen_new(24, 80, true);
	ck_assert_int_eq(write_hex(s, "F5 C3 29 02 C0 60 42 F2"), DS_OK);
	ck_assert_int_eq(write_hex(s, "F1 C3 11 4040 1D 60"), DS_OK);
	uint8_t a, color = 1;
	ck_assert(ds_screen_attr(s, 0, &a, &color));
	ck_assert_uint_eq(color, 0);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_wsf_read_partition_query_sets_query_and_other_fields_are_ignored)
{
	struct ds_screen *s = ds_screen_new(24, 80, true);
	ck_assert_int_eq(write_hex(s, "F3 0007 40 00 F1 C3 C1 0005 01 FF 03"), DS_OK);
	ck_assert(res.query && res.read_cmd == 0);
	ck_assert_uint_eq(ds_screen_char(s, 0), 0);	/* the outbound 3270DS field: ignored */
	ck_assert_int_eq(write_hex(s, "F3 0000 01 00 F6"), DS_OK);	/* length 0: to the end */
	ck_assert(!res.query && res.read_cmd == DS_CMD_RM);
	ck_assert_int_eq(write_hex(s, "11 0005 01 00 F2"), DS_OK);	/* by CCW code */
	ck_assert(res.read_cmd == DS_CMD_RB);
	ck_assert_int_eq(write_hex(s, "F3"), DS_OK);
	ck_assert(!res.query);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_read_commands_change_nothing_and_report_themselves)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 C1"), DS_OK);
	ck_assert_int_eq(write_hex(s, "06"), DS_OK);
	ck_assert_uint_eq(res.read_cmd, DS_CMD_RM);
	ck_assert_int_eq(write_hex(s, "F2"), DS_OK);
	ck_assert_uint_eq(res.read_cmd, DS_CMD_RB);
	ck_assert_int_eq(write_hex(s, "6E"), DS_OK);
	ck_assert_uint_eq(res.read_cmd, DS_CMD_RMA);
	ck_assert_uint_eq(ds_screen_char(s, 0), 0xC1);
	ds_screen_free(s);
}
END_TEST

/* ---- Reads ---- */

START_TEST(test_read_modified_sends_modified_fields_without_nulls)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	/* 0 protected; 5 unprotected with MDT: "A", a null, "B"; 10 unprotected: "NO". */
	ck_assert_int_eq(write_hex(s, "F5 C3 1D 60 11 4045 1D C1 C1 00 C2 11 404A 1D 40 D5D6"
				      " 11 4050 13"), DS_OK);
	struct ds_buf b = {0};
	ds_screen_read(s, DS_CMD_RM, DS_AID_ENTER, &b);
	ck_assert(bytes_eq(&b, "7D 4050 11 40C6 C1C2"));
	ds_buf_reset(&b);
	ds_screen_read(s, DS_CMD_RM, DS_AID_PA1, &b);
	ck_assert(bytes_eq(&b, "6C"));
	ds_buf_reset(&b);
	ds_screen_read(s, DS_CMD_RMA, DS_AID_CLEAR, &b);
	ck_assert(bytes_eq(&b, "6D 4050 11 40C6 C1C2"));
	ds_buf_reset(&b);
	ds_screen_read(s, 0x06, DS_AID_PF1 + 2, &b);	/* the CCW code works too */
	ck_assert(bytes_eq(&b, "F3 4050 11 40C6 C1C2"));
	ds_buf_free(&b);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_read_modified_field_wraps_from_the_end_of_the_buffer)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 11 4045 1D 60 11 5D7E 1D C1 C1 C2 C3"), DS_OK);
	struct ds_buf b = {0};
	ds_screen_read(s, DS_CMD_RM, DS_AID_ENTER, &b);
	ck_assert(bytes_eq(&b, "7D 4040 11 5D7F C1C2C3"));	/* 1919, 0, 1; the next attribute: 5 */
	ds_buf_free(&b);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_read_modified_on_unformatted_screen_sends_all_text)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 C1 11 C150 C2 11 5D7F C3 13"), DS_OK);
	struct ds_buf b = {0};
	ds_screen_read(s, DS_CMD_RM, DS_AID_ENTER, &b);
	ck_assert(bytes_eq(&b, "7D 4040 C1C2C3"));
	ds_buf_free(&b);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_read_buffer_sends_every_position_with_sf_for_attributes)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 1D E8 C1 11 4045 13"), DS_OK);
	struct ds_buf b = {0};
	ds_screen_read(s, DS_CMD_RB, DS_AID_NONE, &b);
	ck_assert_uint_eq(b.len, 3 + 1920 + 1);
	ck_assert(memcmp(b.p, "\x60\x40\xC5\x1D\xE8\xC1\x00", 7) == 0);
	ds_buf_free(&b);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_reads_of_a_large_buffer_use_14_bit_addresses)
{
	struct ds_screen *s = ds_screen_new(43, 132, false);
	ck_assert_int_eq(write_hex(s, "7E C3 11 1500 1D C1 C1 13"), DS_OK);	/* 5376 */
	ck_assert_uint_eq(ds_screen_size(s), 5676);
	struct ds_buf b = {0};
	ds_screen_read(s, DS_CMD_RM, DS_AID_ENTER, &b);
	ck_assert(bytes_eq(&b, "7D 1502 11 1501 C1"));
	ds_buf_free(&b);
	ds_screen_free(s);
}
END_TEST

/* ---- Inbound records ---- */

START_TEST(test_golden_inbound_enter_with_two_fields)
{
	size_t len;
	uint8_t *rec = golden_read("in_enter_two_fields.3270", &len);
	ck_assert_ptr_nonnull(rec);
	struct ds_field_in f[4];
	struct ds_input in;
	ck_assert_int_eq(ds_parse_input(rec, len, 1920, &in, f, 4), DS_OK);
	ck_assert_uint_eq(in.aid, DS_AID_ENTER);
	ck_assert_uint_eq(in.cursor, 1763);
	ck_assert_uint_eq(in.nfields, 2);
	ck_assert(!in.more && in.fields == f);
	uint8_t want[16];
	ck_assert_uint_eq(f[0].addr, 1760);
	ck_assert_uint_eq(f[0].len, 3);
	e(want, "Q T");
	ck_assert(memcmp(f[0].data, want, 3) == 0);
	ck_assert_uint_eq(f[1].addr, 100);
	ck_assert_uint_eq(f[1].len, 6);
	e(want, "SECOND");
	ck_assert(memcmp(f[1].data, want, 6) == 0);

	/* One slot: the second field is dropped and said so. */
	ck_assert_int_eq(ds_parse_input(rec, len, 1920, &in, f, 1), DS_OK);
	ck_assert(in.nfields == 1 && in.more);
	/* On a screen of 100 positions the second address is beyond it. */
	ck_assert_int_eq(ds_parse_input(rec, len, 100, &in, f, 4), DS_BAD_ADDRESS);
	ck_assert_uint_eq(in.nfields, 0);
	free(rec);
}
END_TEST

START_TEST(test_golden_inbound_pf3_with_its_field)
{
	size_t len;
	uint8_t *rec = golden_read("in_pf3.3270", &len);
	ck_assert_ptr_nonnull(rec);
	struct ds_field_in f[4];
	struct ds_input in;
	ck_assert_int_eq(ds_parse_input(rec, len, 1920, &in, f, 4), DS_OK);
	ck_assert_uint_eq(ds_aid_pf(in.aid), 3);
	ck_assert_uint_eq(in.cursor, 1760);
	ck_assert_uint_eq(in.nfields, 1);
	ck_assert_uint_eq(f[0].addr, 1760);
	ck_assert_uint_eq(f[0].len, 5);
	free(rec);
}
END_TEST

static const struct {
	const char *name;
	uint8_t aid;
} short_cases[] = {{"in_pa1.3270", DS_AID_PA1}, {"in_clear.3270", DS_AID_CLEAR}};

START_TEST(test_golden_inbound_short_read_is_the_aid_alone)
{
	size_t len;
	uint8_t *rec = golden_read(short_cases[_i].name, &len);
	ck_assert_ptr_nonnull(rec);
	ck_assert_uint_eq(len, 1);
	struct ds_field_in f[4];
	struct ds_input in;
	ck_assert_int_eq(ds_parse_input(rec, len, 1920, &in, f, 4), DS_OK);
	ck_assert_uint_eq(in.aid, short_cases[_i].aid);
	ck_assert_uint_eq(in.cursor, 0);
	ck_assert_uint_eq(in.nfields, 0);
	free(rec);
}
END_TEST

static const struct {
	const char *what;
	const char *hex;
	enum ds_status st;
} in_err_cases[] = {
	{"empty", "", DS_TRUNCATED},
	{"unknown AID", "01 4040", DS_BAD_COMMAND},
	{"structured field AID", "88 0004 81 80", DS_BAD_COMMAND},
	{"ENTER without cursor", "7D", DS_TRUNCATED},
	{"half a cursor", "7D 40", DS_TRUNCATED},
	{"cursor beyond the screen", "7D 5E40", DS_BAD_ADDRESS},
	{"cursor in the reserved form", "7D 8040", DS_BAD_ADDRESS},
	{"SBA cut short", "7D 4040 11 40", DS_TRUNCATED},
	{"SBA alone", "7D 4040 C1 11", DS_TRUNCATED},
	{"SBA beyond the screen", "7D 4040 11 7F7F C1", DS_BAD_ADDRESS},
};

START_TEST(test_bad_inbound_record_gives_a_status_and_no_fields)
{
	uint8_t rec[64];
	size_t n = 0;
	for (const char *p = in_err_cases[_i].hex; *p;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		unsigned v;
		ck_assert_int_eq(sscanf(p, "%2x", &v), 1);
		rec[n++] = (uint8_t)v;
		p += 2;
	}
	struct ds_field_in f[4];
	struct ds_input in;
	enum ds_status st = ds_parse_input(rec, n, 1920, &in, f, 4);
	ck_assert_msg(st == in_err_cases[_i].st, "%s: %s", in_err_cases[_i].what, ds_status_str(st));
	ck_assert_uint_eq(in.nfields, 0);
}
END_TEST

START_TEST(test_inbound_text_before_any_sba_is_a_field_at_0)
{
	static const uint8_t rec[] = {0x7D, 0x40, 0x43, 0xC1, 0xC2, 0xC3};
	struct ds_field_in f[2];
	struct ds_input in;
	ck_assert_int_eq(ds_parse_input(rec, sizeof rec, 1920, &in, f, 2), DS_OK);
	ck_assert_uint_eq(in.nfields, 1);
	ck_assert_uint_eq(f[0].addr, 0);
	ck_assert_uint_eq(f[0].len, 3);
	ck_assert_uint_eq(in.cursor, 3);
}
END_TEST

START_TEST(test_input_fills_the_field_sets_mdt_and_read_modified_gives_it_back)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	apply_golden(s, "vm_layout");
	/* Old text in the input area, longer than what is typed. */
	ck_assert_int_eq(write_hex(s, "F1 C3 11 5B60 E7E7E7E7E7E7"), DS_OK);
	size_t len;
	uint8_t *rec = golden_read("in_pf3.3270", &len);
	struct ds_field_in f[4];
	struct ds_input in;
	ck_assert_int_eq(ds_parse_input(rec, len, 1920, &in, f, 4), DS_OK);
	ds_screen_input(s, &in);
	ck_assert_str_eq(text_at(s, 1760, 7), "HELLO  ");
	ck_assert_uint_eq(ds_screen_char(s, 1765), 0);
	struct ds_buf b = {0};
	ds_screen_read(s, DS_CMD_RM, in.aid, &b);
	ck_assert_uint_eq(b.len, len);
	ck_assert(memcmp(b.p, rec, len) == 0);
	ds_buf_free(&b);
	free(rec);

	/* Data for the protected status field is ignored; more than a field holds is cut. */
	uint8_t typed[200];
	memset(typed, 0xC1, sizeof typed);
	struct ds_field_in g[2] = {{1900, typed, 5}, {1760, typed, 200}};
	struct ds_input in2 = {DS_AID_ENTER, 1760, 2, g, false};
	ds_screen_input(s, &in2);
	ck_assert_str_eq(text_at(s, 1900, 7), "RUNNING");
	ck_assert_uint_eq(ds_screen_char(s, 1898), 0xC1);
	ck_assert(ds_screen_attr(s, 1899, NULL, NULL));

	/* CLEAR erases the buffer. */
	struct ds_input clr = {DS_AID_CLEAR, 0, 0, NULL, false};
	ds_screen_input(s, &clr);
	ck_assert_uint_eq(ds_screen_char(s, 1900), 0);
	ck_assert(!ds_screen_field_attr(s, 0, NULL));
	ds_screen_free(s);
}
END_TEST

/* A client that sends thousands of fields, all inside one long field, gets the first ones
 * applied and the rest dropped: each would walk the whole buffer. A short read keeps the cursor. */
START_TEST(test_input_with_thousands_of_fields_in_one_field_is_bounded_and_pa_keeps_the_cursor)
{
	struct ds_screen *s = ds_screen_new(62, 160, false);
	ck_assert_int_eq(write_hex(s, "7E C3 1D 40 11 4042 13"), DS_OK);	/* one field, cursor 2 */
	static struct ds_field_in f[8000];
	static const uint8_t t[] = {0xC1};
	for (unsigned k = 0; k < 8000; k++)
		f[k] = (struct ds_field_in){9000 - k, t, 1};
	struct ds_input in = {DS_AID_ENTER, 5, 8000, f, false};
	ds_screen_input(s, &in);
	unsigned applied = 0;	/* each field nulls the rest of the field after its data */
	for (unsigned p = 0; p < ds_screen_size(s); p++)
		applied += ds_screen_char(s, p) == 0xC1;
	ck_assert_uint_ge(applied, 1);	/* the first fields applied */
	ck_assert_uint_le(applied, 8);	/* the rest dropped */
	ck_assert_uint_eq(ds_screen_char(s, 1100), 0);
	ck_assert_uint_eq(ds_screen_cursor(s), 5);
	struct ds_input pa = {DS_AID_PA1, 0, 0, NULL, false};
	ds_screen_input(s, &pa);
	ck_assert_uint_eq(ds_screen_cursor(s), 5);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_input_on_unformatted_screen_replaces_the_buffer)
{
	struct ds_screen *s = ds_screen_new(24, 80, false);
	ck_assert_int_eq(write_hex(s, "F5 C3 3C 4040 E7"), DS_OK);
	static const uint8_t t[] = {0xC1, 0x08, 0xAD, 0x05};
	struct ds_field_in f = {0, t, sizeof t};
	struct ds_input in = {DS_AID_ENTER, 3, 1, &f, false};
	ds_screen_input(s, &in);
	struct ds_cell c;
	ck_assert(ds_screen_cell(s, 0, &c) && c.ch == 0xC1 && !c.ge);
	ck_assert(ds_screen_cell(s, 1, &c) && c.ch == 0xAD && c.ge);
	ck_assert(ds_screen_cell(s, 2, &c) && c.ch == 0x40);	/* X'05' is no character */
	ck_assert_uint_eq(ds_screen_char(s, 3), 0);
	ck_assert_uint_eq(ds_screen_cursor(s), 3);
	ds_screen_free(s);
}
END_TEST

/* ---- Query replies ---- */

START_TEST(test_query_reply_gives_usable_area_colour_and_highlighting)
{
	static const uint8_t rec[] = {
		0x88,
		0x00, 0x08, 0x81, 0x80, 0x80, 0x81, 0x86, 0x87,		/* Summary */
		0x00, 0x17, 0x81, 0x81, 0x01, 0x00, 0x00, 0x84, 0x00, 0x1B, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x0C, 0x0D, 0xEC,	/* Usable Area */
		0x00, 0x16, 0x81, 0x86, 0x00, 0x08, 0x00, 0xF4, 0xF1, 0xF1, 0xF2, 0xF2, 0xF3, 0xF3,
		0xF4, 0xF4, 0xF5, 0xF5, 0xF6, 0xF6, 0xF7, 0xF7,			/* Color */
		0x00, 0x0D, 0x81, 0x87, 0x04, 0x00, 0xF0, 0xF1, 0xF1, 0xF2, 0xF2, 0xF4, 0xF4,
	};
	struct ds_query q;
	ck_assert_int_eq(ds_parse_query_reply(rec, sizeof rec, &q), DS_OK);
	ck_assert_uint_eq(q.cols, 132);
	ck_assert_uint_eq(q.rows, 27);
	ck_assert(q.color && q.highlight);

	/* A monochrome terminal: two colour pairs, no highlighting, no usable area. */
	static const uint8_t mono[] = {0x88, 0x00, 0x0A, 0x81, 0x86, 0x00, 0x02, 0x00, 0xF4, 0xF1,
				       0xF1};
	ck_assert_int_eq(ds_parse_query_reply(mono, sizeof mono, &q), DS_OK);
	ck_assert(!q.color && !q.highlight && q.rows == 0 && q.cols == 0);
}
END_TEST

static const struct {
	const char *what;
	const char *hex;
	enum ds_status st;
} q_err_cases[] = {
	{"empty", "", DS_TRUNCATED},
	{"not AID X'88'", "7D 4040", DS_BAD_COMMAND},
	{"length beyond the record", "88 0010 81 81", DS_BAD_FIELD},
	{"length 2", "88 0002 81", DS_BAD_FIELD},
	{"one byte left", "88 0004 81 80 00", DS_BAD_FIELD},
	{"usable area too short", "88 0008 81 81 00 00 00 50", DS_BAD_FIELD},
	{"colour too short", "88 0005 81 86 00", DS_BAD_FIELD},
};

START_TEST(test_bad_query_reply_gives_a_status)
{
	uint8_t rec[64];
	size_t n = 0;
	for (const char *p = q_err_cases[_i].hex; *p;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		unsigned v;
		ck_assert_int_eq(sscanf(p, "%2x", &v), 1);
		rec[n++] = (uint8_t)v;
		p += 2;
	}
	struct ds_query q;
	enum ds_status st = ds_parse_query_reply(rec, n, &q);
	ck_assert_msg(st == q_err_cases[_i].st, "%s: %s", q_err_cases[_i].what, ds_status_str(st));
}
END_TEST

/* ---- Screens and redraw ---- */

START_TEST(test_screen_new_takes_24x80_to_255x255_within_16383_positions)
{
	static const struct {
		unsigned rows, cols;
		bool ok;
	} c[] = {{24, 80, true}, {32, 80, true}, {43, 80, true}, {27, 132, true}, {62, 160, true},
		 {23, 80, false}, {24, 79, false}, {256, 80, false}, {24, 256, false},
		 {100, 164, false}, {100, 163, true}, {0, 0, false}};
	for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
		struct ds_screen *s = ds_screen_new(c[k].rows, c[k].cols, false);
		ck_assert_msg((s != NULL) == c[k].ok, "%ux%u", c[k].rows, c[k].cols);
		if (s) {
			ck_assert_uint_eq(ds_screen_size(s), 1920);
			ck_assert_uint_eq(ds_screen_alt_rows(s), c[k].rows);
			ck_assert_uint_eq(ds_screen_alt_cols(s), c[k].cols);
			ck_assert(!ds_screen_alternate(s));
			ck_assert(!ds_screen_char(s, 5000) && !ds_screen_attr(s, 5000, NULL, NULL));
			struct ds_cell cell;
			ck_assert(!ds_screen_cell(s, 1920, &cell));
		}
		ds_screen_free(s);
	}
	ds_screen_free(NULL);
}
END_TEST

START_TEST(test_redraw_uses_ewa_for_the_alternate_size_and_ra_for_runs)
{
	struct ds_screen *s = ds_screen_new(32, 80, false);
	ck_assert_int_eq(write_hex(s, "7E C3 3C 4050 C1 11 C150 13"), DS_OK);
	struct ds_buf b = {0};
	ds_screen_redraw(s, 0xC2, &b);
	ck_assert(bytes_eq(&b, "7E C2 3C 4050 C1 11 C150 13"));
	ds_buf_reset(&b);
	ck_assert_int_eq(write_hex(s, "F5 C3 1D 60 C1C2 11 4045 13"), DS_OK);
	ds_screen_redraw(s, 0xC3, &b);
	ck_assert(bytes_eq(&b, "F5 C3 1D 60 C1C2 11 40C5 13"));
	ds_buf_free(&b);
	ds_screen_free(s);
}
END_TEST

START_TEST(test_redraw_of_random_screens_round_trips)
{
	ds_rng = 0x3270F00Dull + (uint64_t)_i * 7919u;
	for (int k = 0; k < 25; k++) {
		struct ds_screen *s = ds_rnd_screen();
		/* Sometimes with input typed into it. */
		if (ds_rnd_below(2)) {
			uint8_t t[40];
			for (size_t i = 0; i < sizeof t; i++)
				t[i] = (uint8_t)(0x40 + ds_rnd_below(0xC0));
			struct ds_field_in f = {ds_rnd_below(ds_screen_size(s)), t,
						ds_rnd_below(sizeof t)};
			struct ds_input in = {DS_AID_ENTER, ds_rnd_below(ds_screen_size(s)), 1, &f, false};
			ds_screen_input(s, &in);
		}
		struct ds_buf b = {0};
		ds_screen_redraw(s, (uint8_t)(0xC0 | ds_rnd_below(8)), &b);
		ck_assert(!b.oom);
		struct ds_screen *t = ds_screen_new(ds_screen_alt_rows(s), ds_screen_alt_cols(s),
						    ds_screen_extended(s));
		write_hex(t, "7E C3 3C 4040 C1");	/* a fresh screen need not be empty */
		enum ds_status st = ds_screen_write(t, b.p, b.len, &res);
		ck_assert_msg(st == DS_OK, "redraw record: %s at %zu", ds_status_str(st), res.offset);
		assert_same_screen(s, t);
		/* Reads agree too. */
		struct ds_buf r1 = {0}, r2 = {0};
		ds_screen_read(s, DS_CMD_RB, DS_AID_NONE, &r1);
		ds_screen_read(t, DS_CMD_RB, DS_AID_NONE, &r2);
		ck_assert(r1.len == r2.len && memcmp(r1.p, r2.p, r1.len) == 0);
		ds_buf_free(&r1);
		ds_buf_free(&r2);
		ds_buf_free(&b);
		ds_screen_free(t);
		ds_screen_free(s);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ds3270");
	TCase *tc = tcase_create("addresses");
	tcase_add_test(tc, test_code6_table_matches_the_reference);
	tcase_add_loop_test(tc, test_addr_decode_gives_12_and_14_bit_values_and_rejects_the_reserved_form,
			    0, sizeof addr_cases / sizeof addr_cases[0]);
	tcase_add_test(tc, test_addr_encode_is_12_bit_up_to_4096_positions_and_14_bit_above);
	tcase_add_loop_test(tc, test_pf_keys_map_to_their_aids_both_ways, 0,
			    sizeof pf_cases / sizeof pf_cases[0]);
	tcase_add_test(tc, test_non_pf_aids_are_pf_0_and_pa_clear_sysreq_are_short);
	tcase_add_loop_test(tc, test_ccw_codes_map_to_remote_commands_and_others_to_0, 0,
			    sizeof ccw_cases / sizeof ccw_cases[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("builder");
	tcase_add_test(tc, test_builder_puts_commands_orders_and_addresses);
	tcase_add_test(tc, test_builder_text_below_x40_goes_out_as_blanks);
	tcase_add_test(tc, test_builder_query_is_a_read_partition_query);
	suite_add_tcase(s, tc);

	tc = tcase_create("golden");
	tcase_add_loop_test(tc, test_golden_record_renders_the_expected_screen, 0,
			    sizeof goldens / sizeof goldens[0]);
	tcase_add_test(tc, test_golden_vm_layout_has_input_and_status_fields_where_vm370_puts_them);
	tcase_add_test(tc, test_golden_sfe_colors_keeps_field_and_character_colours);
	tcase_add_test(tc, test_golden_model5_ewa_selects_27x132_with_14_bit_addresses);
	tcase_add_test(tc, test_golden_inbound_enter_with_two_fields);
	tcase_add_test(tc, test_golden_inbound_pf3_with_its_field);
	tcase_add_loop_test(tc, test_golden_inbound_short_read_is_the_aid_alone, 0,
			    sizeof short_cases / sizeof short_cases[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_loop_test(tc, test_bad_write_stops_with_its_status_and_offset, 0,
			    sizeof err_cases / sizeof err_cases[0]);
	tcase_add_test(tc, test_bad_address_keeps_what_was_applied_before);
	tcase_add_test(tc, test_status_texts_are_distinct);
	tcase_add_test(tc, test_erase_write_selects_default_size_ewa_alternate_and_write_keeps_it);
	tcase_add_test(tc, test_write_wraps_from_the_last_position_to_0);
	tcase_add_test(tc, test_write_starts_at_the_cursor);
	tcase_add_test(tc, test_null_dup_and_fm_are_characters);
	tcase_add_test(tc, test_ra_to_the_current_address_fills_the_whole_buffer);
	tcase_add_test(tc, test_records_that_walk_the_buffer_over_and_over_stop_as_too_costly);
	tcase_add_test(tc, test_ra_with_ge_keeps_the_character_and_marks_it);
	tcase_add_test(tc, test_wcc_reset_mdt_happens_before_the_orders);
	tcase_add_test(tc, test_wcc_alarm_and_restore_are_reported);
	tcase_add_test(tc, test_eau_nulls_unprotected_resets_mdts_and_moves_the_cursor);
	tcase_add_test(tc, test_eua_to_the_current_address_erases_every_unprotected_position);
	tcase_add_test(tc, test_pt_at_an_unprotected_attribute_moves_one_position);
	tcase_add_test(tc,
		test_pt_after_data_on_unformatted_screen_nulls_to_the_end_and_the_next_pt_goes_on);
	tcase_add_test(tc, test_mf_modifies_the_attribute_here_and_ignores_a_character_position);
	tcase_add_test(tc, test_sa_colours_the_following_characters_of_this_write_only);
	tcase_add_test(tc, test_sf_on_extended_screen_resets_the_fields_colours);
	tcase_add_test(tc, test_wsf_read_partition_query_sets_query_and_other_fields_are_ignored);
	tcase_add_test(tc, test_read_commands_change_nothing_and_report_themselves);
	suite_add_tcase(s, tc);

	tc = tcase_create("read");
	tcase_add_test(tc, test_read_modified_sends_modified_fields_without_nulls);
	tcase_add_test(tc, test_read_modified_field_wraps_from_the_end_of_the_buffer);
	tcase_add_test(tc, test_read_modified_on_unformatted_screen_sends_all_text);
	tcase_add_test(tc, test_read_buffer_sends_every_position_with_sf_for_attributes);
	tcase_add_test(tc, test_reads_of_a_large_buffer_use_14_bit_addresses);
	suite_add_tcase(s, tc);

	tc = tcase_create("inbound");
	tcase_add_loop_test(tc, test_bad_inbound_record_gives_a_status_and_no_fields, 0,
			    sizeof in_err_cases / sizeof in_err_cases[0]);
	tcase_add_test(tc, test_inbound_text_before_any_sba_is_a_field_at_0);
	tcase_add_test(tc, test_input_fills_the_field_sets_mdt_and_read_modified_gives_it_back);
	tcase_add_test(tc, test_input_on_unformatted_screen_replaces_the_buffer);
	tcase_add_test(tc, test_input_with_thousands_of_fields_in_one_field_is_bounded_and_pa_keeps_the_cursor);
	tcase_add_test(tc, test_query_reply_gives_usable_area_colour_and_highlighting);
	tcase_add_loop_test(tc, test_bad_query_reply_gives_a_status, 0,
			    sizeof q_err_cases / sizeof q_err_cases[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("redraw");
	tcase_add_test(tc, test_screen_new_takes_24x80_to_255x255_within_16383_positions);
	tcase_add_test(tc, test_redraw_uses_ewa_for_the_alternate_size_and_ra_for_runs);
	tcase_add_loop_test(tc, test_redraw_of_random_screens_round_trips, 0, 20);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
