/*
 * check_unitrec.c - the unit-record output devices: the 1403 and 3211 printers (dev_printer.c) and
 * the 2540 and 3525 punches (dev_punch.c), driven by a guest with SIO; the output files are
 * compared byte for byte.
 *
 * Fixture: 64K machine, a temporary directory; devices on channel 0 (printer 00E, punch 00D).
 * Channel programs at CCWS, data at DATA.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/be.h"
#include "lib/ebcdic.h"
#include "machine/channel.h"
#include "machine/dev_tape.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

/* An argument word for a configuration statement (the functions do not write to them). */
#define A(s) ((char *)(s))

#define IO_WAIT 0x7770u
#define CODE 0x1000u
#define CCWS 0x2000u
#define DATA 0x4000u
#define PRT 0x00E
#define PCH 0x00D

#define SIO 0x9C00
#define TIO 0x9D00

#define CE_DE (UNIT_CE | UNIT_DE)

static struct machine *m;
static char tmpdir[64];

static void setup(void)
{
	m = h_new(64 * 1024, false);
	h_set_word(m, 0x78, 0x00020000);
	h_set_word(m, 0x7C, IO_WAIT);
	strcpy(tmpdir, "/tmp/check_unitrec.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];
	if (m)
		machine_free(m);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0) {
		/* a leftover temporary directory is harmless */
	}
}

static const char *path_of(const char *name)
{
	static char p[160];
	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	return p;
}

/* Free the machine (devices write what they hold) so that the output file is complete. */
static void finish(void)
{
	machine_free(m);
	m = NULL;
}

/* The whole file; *len its size. */
static char *slurp(const char *name, size_t *len)
{
	static char buf[65536];
	FILE *f = fopen(path_of(name), "rb");
	ck_assert_ptr_nonnull(f);
	*len = fread(buf, 1, sizeof buf - 1, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

static void expect_file(const char *name, const char *want, size_t want_len)
{
	size_t len;
	char *got = slurp(name, &len);
	ck_assert_msg(len == want_len && memcmp(got, want, len) == 0, "%s: got %zu bytes \"%s\"", name, len,
		      got);
}

#define EXPECT_FILE(name, lit) expect_file(name, lit, sizeof lit - 1)

/* ---- Channel programs ---- */

static uint32_t next_ccw, next_data;

static void program_start(void)
{
	next_ccw = CCWS;
	next_data = DATA;
}

/* Append a CCW; text (ASCII, translated to EBCDIC) is its data, NULL for none (count 1). */
static void add(uint8_t code, const char *text, uint8_t flags)
{
	uint16_t count = 1;
	uint32_t data = next_data;
	if (text) {
		size_t n = strlen(text);
		uint8_t e[256];
		ascii_to_ebcdic_buf(e, text, n);
		h_put(m, data, e, (uint32_t)n);
		count = (uint16_t)n;
		next_data += (uint32_t)(n + 7) & ~7u;
	}
	h_set_word(m, next_ccw, (uint32_t)code << 24 | data);
	h_set_word(m, next_ccw + 4, (uint32_t)flags << 24 | count);
	next_ccw += 8;
}

/* Append a CCW with raw data. */
static void add_raw(uint8_t code, const void *data, uint16_t count, uint8_t flags)
{
	h_put(m, next_data, data, count);
	h_set_word(m, next_ccw, (uint32_t)code << 24 | next_data);
	h_set_word(m, next_ccw + 4, (uint32_t)flags << 24 | count);
	next_data += (count + 7u) & ~7u;
	next_ccw += 8;
}

static unsigned io(uint16_t op, uint16_t a)
{
	uint8_t insn[4];
	put_be16(insn, op);
	put_be16(insn + 2, a);
	h_put(m, CODE, insn, 4);
	ck_assert_int_eq(h_run(m, CODE, 1), MACHINE_EXIT_BUDGET);
	ck_assert(!h_program_interrupted(m));
	return h_cc(m);
}

struct csw {
	uint32_t ccw; /* address of the last CCW used + 8 */
	uint8_t unit, chan;
	uint16_t residual;
};

static struct csw run(uint16_t addr)
{
	h_set_word(m, 0x48, CCWS);
	ck_assert_uint_eq(io(SIO, addr), 0);
	ck_assert_uint_eq(io(TIO, addr), 1);
	uint32_t lo = h_word(m, 0x44);
	return (struct csw){ h_word(m, 0x40) & 0xFFFFFF, (uint8_t)(lo >> 24), (uint8_t)(lo >> 16),
			     (uint16_t)lo };
}

/* Run the program; it must end normally at its last CCW. */
static void run_ok(uint16_t addr)
{
	struct csw r = run(addr);
	ck_assert_msg(r.unit == CE_DE && r.chan == 0 && r.ccw == next_ccw,
		      "unit %02X chan %02X ended at %06X (program ends at %06X)", r.unit, r.chan, r.ccw,
		      next_ccw);
}

/* One command alone. */
static struct csw one(uint16_t addr, uint8_t code, const char *text, uint8_t flags)
{
	program_start();
	add(code, text, flags);
	return run(addr);
}

static uint8_t sense_byte(uint16_t addr)
{
	struct csw r = one(addr, 0x04, NULL, 0);
	ck_assert_uint_eq(r.unit, CE_DE);
	uint8_t b;
	h_get(m, DATA, &b, 1);
	return b;
}

static struct chan_dev *config(dev_config_fn *fn, uint16_t addr, const char *type, int argc,
			       char **argv)
{
	char err[256] = "";
	struct chan_dev *d = fn(m, addr, type, argc, argv, err, sizeof err);
	ck_assert_msg(d != NULL, "%s", err);
	return d;
}

/* ---- Printer ---- */

START_TEST(test_printer_spacing_and_skips_give_exact_text)
{
	char *argv[] = { A(path_of("prt.txt")) };
	config(devprinter_config, PRT, "1403", 1, argv);
	program_start();
	add(0x09, "LINE 1", CCW_CC | CCW_SLI);       /* write, space 1 */
	add(0x11, "LINE 2", CCW_CC | CCW_SLI);       /* write, space 2 */
	add(0x01, "OVER", CCW_CC | CCW_SLI);         /* write, no space */
	add(0x19, "PRINT", CCW_CC | CCW_SLI);        /* overprint, space 3 */
	add(0x0B, NULL, CCW_CC);                     /* space 1 immediate */
	add(0x89, "SKIP", CCW_CC | CCW_SLI);         /* write, skip to channel 1 */
	add(0x09, "TOP", CCW_CC | CCW_SLI);
	add(0x93, NULL, CCW_CC);                     /* skip to channel 2 (line 7) immediate */
	add(0x09, "AT7      ", CCW_CC | CCW_SLI);    /* trailing blanks go */
	add(0x8B, NULL, CCW_CC);                     /* skip to channel 1 immediate */
	add(0x01, "END", CCW_SLI);
	run_ok(PRT);
	finish();
	EXPECT_FILE("prt.txt", "LINE 1\nLINE 2\n\nOVER\rPRINT\n\n\n\nSKIP\n\fTOP\n\n\n\n\n\nAT7\n\fEND\n");
}
END_TEST

START_TEST(test_printer_skip_from_top_of_form_ejects_a_page)
{
	FILE *f = fopen(path_of("p.txt"), "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(devprinter_attach(m, PRT, DEVPRINTER_1403, f, false));
	program_start();
	add(0x8B, NULL, CCW_CC);                  /* at line 1 already: a whole form */
	add(0x09, "A", CCW_CC | CCW_SLI);
	add(0xA1, "B", CCW_CC | CCW_SLI);         /* write, skip to channel 4 (line 19) */
	add(0x11, "C", CCW_SLI);
	run_ok(PRT);
	finish();
	fclose(f);
	EXPECT_FILE("p.txt", "\fA\nB\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nC\n\n");
}
END_TEST

START_TEST(test_printer_spacing_onto_channel_9_or_12_is_unit_exception)
{
	FILE *f = fopen(path_of("p.txt"), "wb");
	ck_assert_ptr_nonnull(devprinter_attach(m, PRT, DEVPRINTER_1403, f, false));
	program_start();
	add(0xDB, NULL, CCW_CC); /* skip to channel 11: line 55 (skips raise nothing) */
	add(0x1B, NULL, CCW_CC); /* 56 57 58 */
	add(0x1B, NULL, CCW_CC); /* 59 60 61: channel 12 */
	add(0x09, "NOT REACHED", CCW_SLI);
	struct csw r = run(PRT);
	ck_assert_uint_eq(r.unit, CE_DE | UNIT_UX);
	ck_assert_uint_eq(r.ccw, CCWS + 24); /* unit exception ends the chain */
	ck_assert_uint_eq(one(PRT, 0x0B, NULL, 0).unit, CE_DE);           /* 62 */
	ck_assert_uint_eq(one(PRT, 0x09, "X", CCW_SLI).unit, CE_DE | UNIT_UX); /* 63: channel 9 */
	ck_assert_uint_eq(one(PRT, 0xE3, NULL, 0).unit, CE_DE);           /* to channel 12 */
	finish();
	fclose(f);
	/* From line 1: 54 line ends to 55, 6 to 61, 1 to 62, X and 1 to 63, then channel 12 on the
	 * next form: FF and 60 line ends. */
	size_t len;
	char *got = slurp("p.txt", &len);
	size_t i = 0;
	for (int k = 0; k < 61; k++, i++)
		ck_assert_msg(got[i] == '\n', "byte %zu", i);
	ck_assert_mem_eq(got + i, "X\n\f", 3);
	i += 3;
	for (int k = 0; k < 60; k++, i++)
		ck_assert_msg(got[i] == '\n', "byte %zu", i);
	ck_assert_uint_eq(i, len);
}
END_TEST

START_TEST(test_printer_long_line_is_incorrect_length_and_cut)
{
	char *argv[] = { A(path_of("p.txt")), A("CRLF") };
	config(devprinter_config, PRT, "3211", 2, argv);
	char line[141];
	memset(line, 'X', 140);
	line[140] = 0;
	struct csw r = one(PRT, 0x09, line, 0);
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_assert_uint_eq(r.chan, CHAN_IL);
	r = one(PRT, 0x09, "SHORT", 0); /* a short line is fine */
	ck_assert_uint_eq(r.chan, 0);
	finish();
	char want[200];
	memset(want, 'X', 132);
	memcpy(want + 132, "\r\nSHORT\r\n", 9);
	expect_file("p.txt", want, 141);
}
END_TEST

START_TEST(test_printer_3211_load_fcb_then_skips_follow_it)
{
	char *argv[] = { A(path_of("p.txt")) };
	config(devprinter_config, PRT, "3211", 1, argv);
	/* 10-line form: channel 1 at line 1, channel 3 at line 4, channel 12 at line 10 (last). */
	static const uint8_t fcb[] = { 0x01, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1C };
	program_start();
	add_raw(0x63, fcb, sizeof fcb, CCW_CC);
	add(0x09, "A", CCW_CC | CCW_SLI); /* line 1, then 2 */
	add(0x9B, NULL, CCW_CC);          /* channel 3: line 4 */
	add(0xE1, "B", CCW_CC | CCW_SLI); /* write, skip to channel 12: line 10 */
	add(0x09, "C", CCW_SLI);          /* line 10, spaces into the next form */
	run_ok(PRT);
	ck_assert_uint_eq(one(PRT, 0xE3, NULL, 0).unit, CE_DE); /* next channel 12: same form */
	/* A channel the FCB does not have is rejected. */
	ck_assert_uint_eq(one(PRT, 0xAB, NULL, 0).unit, CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense_byte(PRT), 0x80);
	/* So is a channel code above 12. */
	static const uint8_t bad[] = { 0x01, 0x0D };
	program_start();
	add_raw(0x63, bad, sizeof bad, 0);
	ck_assert_uint_eq(run(PRT).unit, CE_DE | UNIT_UC);
	finish();
	EXPECT_FILE("p.txt", "A\n\n\nB\n\n\n\n\n\nC\n\n\n\n\n\n\n\n\n\n");
}
END_TEST

START_TEST(test_printer_commands_noop_ucs_sense_and_reject)
{
	FILE *f = fopen(path_of("p.txt"), "wb");
	ck_assert_ptr_nonnull(devprinter_attach(m, PRT, DEVPRINTER_1403, f, false));
	static const uint8_t accepted[] = { 0x03, 0xFB, 0xF3, 0x43, 0x23, 0x73, 0x7B };
	for (size_t i = 0; i < sizeof accepted; i++)
		ck_assert_uint_eq(one(PRT, accepted[i], NULL, 0).unit, CE_DE);
	ck_assert_uint_eq(sense_byte(PRT), 0);
	static const uint8_t rejected[] = { 0x63, 0x21, 0x8D, 0xE9, 0x05, 0xE4 };
	for (size_t i = 0; i < sizeof rejected; i++) {
		ck_assert_uint_eq(one(PRT, rejected[i], NULL, 0).unit, CE_DE | UNIT_UC);
		ck_assert_uint_eq(sense_byte(PRT), 0x80);
		ck_assert_uint_eq(sense_byte(PRT), 0); /* sense clears it */
	}
	finish();
	fclose(f);
	EXPECT_FILE("p.txt", "");
}
END_TEST

START_TEST(test_printer_without_output_is_intervention_required)
{
	ck_assert_ptr_nonnull(devprinter_attach(m, PRT, DEVPRINTER_1403, NULL, false));
	ck_assert_uint_eq(one(PRT, 0x09, "X", 0).unit, CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense_byte(PRT), 0x40);
	ck_assert_uint_eq(one(PRT, 0x03, NULL, 0).unit, CE_DE);
}
END_TEST

START_TEST(test_printer_blanks_control_codes_and_translates)
{
	FILE *f = fopen(path_of("p.txt"), "wb");
	ck_assert_ptr_nonnull(devprinter_attach(m, PRT, DEVPRINTER_1403, f, false));
	static const uint8_t line[] = { 0xC1, 0x25, 0x0C, 0xC2, 0x4A, 0x40, 0x00, 0x40 };
	program_start();
	add_raw(0x09, line, sizeof line, CCW_SLI);
	run_ok(PRT);
	finish();
	fclose(f);
	EXPECT_FILE("p.txt", "A  B\xA2\n"); /* LF, FF and NUL print as blanks; X'4A' is the cent sign */
}
END_TEST

START_TEST(test_printer_config_refuses_what_it_cannot_do)
{
	char err[256];
	char *a1[] = { A(path_of("p.txt")), A("fancy") };
	ck_assert_ptr_null(devprinter_config(m, PRT, "1403", 2, a1, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "p.txt"));
	ck_assert_ptr_nonnull(strstr(err, "'fancy'"));
	char *a2[] = { A("|lpr") };
	ck_assert_ptr_null(devprinter_config(m, PRT, "1403", 1, a2, err, sizeof err));
	char *a3[] = { A(path_of("p.txt")) };
	ck_assert_ptr_null(devprinter_config(m, PRT, "3800", 1, a3, err, sizeof err));
	ck_assert_ptr_null(devprinter_config(m, PRT, "1403", 0, a3, err, sizeof err));
	char *a4[] = { A(path_of("no/such/dir.txt")) };
	ck_assert_ptr_null(devprinter_config(m, PRT, "1403", 1, a4, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "no/such/dir.txt"));
	/* noclear appends */
	FILE *f = fopen(path_of("keep.txt"), "wb");
	fputs("OLD\n", f);
	fclose(f);
	char *a5[] = { A(path_of("keep.txt")), A("noclear") };
	config(devprinter_config, PRT, "1403", 2, a5);
	ck_assert_uint_eq(one(PRT, 0x09, "NEW", CCW_SLI).unit, CE_DE);
	finish();
	EXPECT_FILE("keep.txt", "OLD\nNEW\n");
}
END_TEST

/* ---- Punch ---- */

START_TEST(test_punch_ebcdic_cards_are_80_bytes)
{
	char *argv[] = { A(path_of("deck.bin")), A("ebcdic") };
	config(devpunch_config, PCH, "2540P", 2, argv);
	uint8_t card[81];
	for (int i = 0; i < 81; i++)
		card[i] = (uint8_t)(0xC1 + i % 9);
	program_start();
	add(0x01, "HELLO", CCW_CC | CCW_SLI);     /* short: blank-padded */
	add_raw(0x41, card, 80, CCW_CC);          /* stacker P2 */
	add_raw(0x81, card, 81, CCW_SLI);         /* stacker RP3, 81 bytes: 80 punched */
	run_ok(PCH);
	struct csw r = one(PCH, 0x01, NULL, 0);   /* one byte without SLI: fine */
	ck_assert_uint_eq(r.chan, 0);
	program_start();
	add_raw(0x01, card, 81, 0);
	r = run(PCH);
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_assert_uint_eq(r.chan, CHAN_IL);
	ck_assert_uint_eq(r.residual, 1);
	finish();
	size_t len;
	uint8_t *got = (uint8_t *)slurp("deck.bin", &len);
	ck_assert_uint_eq(len, 5 * 80);
	ck_assert_mem_eq(got, "\xC8\xC5\xD3\xD3\xD6\x40\x40", 7);
	for (int i = 5; i < 80; i++)
		ck_assert_uint_eq(got[i], 0x40);
	ck_assert_mem_eq(got + 80, card, 80);
	ck_assert_mem_eq(got + 160, card, 80);
	ck_assert_uint_eq(got[240], 0xC8); /* count 1 from DATA: the H of HELLO */
	ck_assert_uint_eq(got[241], 0x40);
	ck_assert_mem_eq(got + 320, card, 80);
}
END_TEST

START_TEST(test_punch_ascii_lines_trimmed)
{
	FILE *f = fopen(path_of("deck.txt"), "wb");
	ck_assert_ptr_nonnull(devpunch_attach(m, PCH, f, true));
	program_start();
	add(0x01, "//JOB CARD   ", CCW_CC | CCW_SLI);
	add(0x01, "   ", CCW_CC | CCW_SLI);
	add(0x01, "END", CCW_SLI);
	run_ok(PCH);
	finish();
	fclose(f);
	EXPECT_FILE("deck.txt", "//JOB CARD\n\nEND\n");

	char *argv[] = { A(path_of("crlf.txt")), A("ascii"), A("crlf") };
	m = h_new(64 * 1024, false);
	config(devpunch_config, PCH, "3525", 3, argv);
	ck_assert_uint_eq(one(PCH, 0x41, "CARD 1", CCW_SLI).unit, CE_DE);
	ck_assert_uint_eq(one(PCH, 0x81, "CARD 2", CCW_SLI).unit, CE_DE | UNIT_UC); /* no RP3 */
	finish();
	EXPECT_FILE("crlf.txt", "CARD 1\r\n");
}
END_TEST

START_TEST(test_punched_deck_reads_back_on_the_reader)
{
	char *argv[] = { A(path_of("deck.bin")) };
	config(devpunch_config, PCH, "3525", 1, argv);
	ck_assert_uint_eq(one(PCH, 0x01, "FIRST CARD", CCW_SLI).unit, CE_DE);
	ck_assert_uint_eq(one(PCH, 0x01, "SECOND CARD", CCW_SLI).unit, CE_DE);
	finish();
	m = h_new(64 * 1024, false);
	FILE *deck = fopen(path_of("deck.bin"), "rb");
	ck_assert_ptr_nonnull(dev2540r_attach(m, 0x00C, deck, false));
	struct csw r = one(0x00C, 0x02, "................................................................................", 0);
	ck_assert_uint_eq(r.unit, CE_DE);
	uint8_t card[80];
	char text[81];
	h_get(m, DATA, card, 80);
	ebcdic_to_ascii_buf(text, card, 80);
	text[80] = 0;
	ck_assert_mem_eq(text, "FIRST CARD ", 11);
	ck_assert_uint_eq(one(0x00C, 0x02, NULL, CCW_SLI).unit, CE_DE);
	ck_assert_uint_eq(one(0x00C, 0x02, NULL, CCW_SLI).unit, CE_DE | UNIT_UX);
	finish();
	fclose(deck);
}
END_TEST

START_TEST(test_punch_sense_noop_and_not_ready)
{
	FILE *f = fopen(path_of("deck.bin"), "wb");
	ck_assert_ptr_nonnull(devpunch_attach(m, PCH, f, false));
	ck_assert_uint_eq(one(PCH, 0x03, NULL, 0).unit, CE_DE);
	ck_assert_uint_eq(one(PCH, 0x02, NULL, CCW_SLI).unit, CE_DE | UNIT_UC); /* no reading */
	ck_assert_uint_eq(sense_byte(PCH), 0x80);
	ck_assert_uint_eq(sense_byte(PCH), 0);
	ck_assert_ptr_nonnull(devpunch_attach(m, 0x01D, NULL, false));
	ck_assert_uint_eq(one(0x01D, 0x01, "X", CCW_SLI).unit, CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense_byte(0x01D), 0x40);
	finish();
	fclose(f);
	EXPECT_FILE("deck.bin", "");
}
END_TEST

START_TEST(test_punch_config_refuses_unknown_option_and_type)
{
	char err[256];
	char *a1[] = { A(path_of("d.txt")), A("ascii"), A("trunc") };
	ck_assert_ptr_null(devpunch_config(m, PCH, "3525", 3, a1, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "d.txt"));
	ck_assert_ptr_nonnull(strstr(err, "'trunc'"));
	ck_assert_ptr_null(strchr(err, '\n'));
	char *a2[] = { A(path_of("d.txt")) };
	ck_assert_ptr_null(devpunch_config(m, PCH, "2540R", 1, a2, err, sizeof err));
	ck_assert_ptr_null(devpunch_config(m, PCH, "3525", 0, a2, err, sizeof err));
	char *a3[] = { A(path_of("d.txt")), A("ASCII"), A("EBCDIC"), A("noclear") };
	config(devpunch_config, PCH, "2540p", 4, a3);
	ck_assert_uint_eq(one(PCH, 0x01, "A", CCW_SLI).unit, CE_DE);
	finish();
	size_t len;
	slurp("d.txt", &len);
	ck_assert_uint_eq(len, 80); /* the last of ascii/ebcdic won */
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unitrec");
	TCase *tc = tcase_create("printer");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_printer_spacing_and_skips_give_exact_text);
	tcase_add_test(tc, test_printer_skip_from_top_of_form_ejects_a_page);
	tcase_add_test(tc, test_printer_spacing_onto_channel_9_or_12_is_unit_exception);
	tcase_add_test(tc, test_printer_long_line_is_incorrect_length_and_cut);
	tcase_add_test(tc, test_printer_3211_load_fcb_then_skips_follow_it);
	tcase_add_test(tc, test_printer_commands_noop_ucs_sense_and_reject);
	tcase_add_test(tc, test_printer_without_output_is_intervention_required);
	tcase_add_test(tc, test_printer_blanks_control_codes_and_translates);
	tcase_add_test(tc, test_printer_config_refuses_what_it_cannot_do);
	suite_add_tcase(s, tc);
	tc = tcase_create("punch");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_punch_ebcdic_cards_are_80_bytes);
	tcase_add_test(tc, test_punch_ascii_lines_trimmed);
	tcase_add_test(tc, test_punched_deck_reads_back_on_the_reader);
	tcase_add_test(tc, test_punch_sense_noop_and_not_ready);
	tcase_add_test(tc, test_punch_config_refuses_unknown_option_and_type);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
