/*
 * check_diagnose.c - CP's DIAGNOSE interface (cp/diagnose.c, cp/diagnose.def).
 *
 * Each test runs a real DIAGNOSE instruction (83 xy cccc at CODE) on a bare 64K machine
 * (tests/machine/harness.h) until MACHINE_EXIT_DIAGNOSE, hands it to diag_execute() and looks at
 * registers, condition code, storage and the PSW (program new PSW: a disabled wait, so that an
 * exception shows as the old PSW at X'28' and its code). The CC is set to 3 before each
 * diag_execute(), so "CC unchanged" reads as 3. Devices: a test device at 0E0, a 3215 at 009, a
 * card reader at 00C, and minidisks of a 3350 volume in a temporary directory: 191 (cylinders
 * 0-2), 192 (read-only, 3-4). Times are fixed and the zone is UTC.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp/diagnose.h"
#include "cp/directory.h"
#include "lib/be.h"
#include "lib/ebcdic.h"
#include "machine/dev_dasd.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

#define STORAGE (64u * 1024)
#define CODE 0x1000u
#define CHAIN 0x2000u
#define ARG 0x2800u
#define DATA 0x3000u
#define BUF 0x4000u
#define TEXT 0x5000u
#define RESP 0x6000u

#define PIC_PRIV 2
#define PIC_ADDR 5
#define PIC_SPEC 6

#define REC 800 /* CMS's block */

static struct machine *m;
static struct cpu *c;
static struct diag_env env;
static char dir[64], volpath[128];
static struct ckd *vol;
static FILE *null_out, *deck;

/* ---- The fake CP command: records lines, answers two lines ---- */

static char cmds[4][200];
static int ncmds;
static bool got_out;
static int cmd_rc;

static int fake_command(void *ctx, const char *line, void (*out)(void *, const char *, size_t), void *arg)
{
	(void)ctx;
	ck_assert_int_lt(ncmds, 4);
	snprintf(cmds[ncmds++], sizeof cmds[0], "%s", line);
	got_out = out != NULL;
	if (!strcmp(line, "LOGOFF"))
		return DIAG_CMD_LOGOFF;
	if (out) {
		out(arg, "LINE ONE", 8);
		out(arg, "SECOND", 6);
	}
	return cmd_rc;
}

static bool ro_disk(void *ctx, uint16_t vaddr)
{
	(void)ctx;
	return vaddr == 0x192;
}

/* ---- Fixture ---- */

static void setup(void)
{
	m = h_new(STORAGE, false);
	c = machine_cpu(m);
	env = (struct diag_env){.m = m, .c = c, .userid = "maint", .classes = DIR_CLASS('G')};
	ncmds = 0;
	got_out = false;
	cmd_rc = 0;
	strcpy(dir, "/tmp/check_diagnose.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(volpath, sizeof volpath, "%s/vol.3350", dir);
	ck_assert_int_eq(ckd_create(volpath, dasd_geom_find("3350"), 6, 0, &vol, NULL), DASD_OK);
	ck_assert_ptr_nonnull(devckd_attach_extent(m, 0x191, vol, false, 0, 3));
	ck_assert_ptr_nonnull(devckd_attach_extent(m, 0x192, vol, true, 3, 2));
	ck_assert_ptr_nonnull(devtest_attach(m, 0x0E0));
	null_out = fopen("/dev/null", "w");
	ck_assert_ptr_nonnull(null_out);
	ck_assert_ptr_nonnull(dev3215_attach(m, 0x009, null_out));
	deck = tmpfile();
	ck_assert_ptr_nonnull(deck);
	ck_assert_ptr_nonnull(dev2540r_attach(m, 0x00C, deck, false));
}

static void teardown(void)
{
	machine_free(m);
	m = NULL;
	ck_assert_int_eq(ckd_close(vol), DASD_OK);
	vol = NULL;
	fclose(null_out);
	fclose(deck);
	unlink(volpath);
	rmdir(dir);
}

/* Run DIAGNOSE rx,ry,code at CODE and carry it out. */
static enum diag_result diag(int rx, int ry, uint16_t code)
{
	uint8_t insn[4] = {0x83, (uint8_t)(rx << 4 | ry), (uint8_t)(code >> 8), (uint8_t)code};
	h_put(m, CODE, insn, 4);
	ck_assert_int_eq(h_run(m, CODE, 1), MACHINE_EXIT_DIAGNOSE);
	ck_assert_uint_eq(h_ia(m), CODE + 4);
	struct machine_diagnose dg = cpu_last_diagnose(c);
	ck_assert_int_eq(dg.r1, rx);
	ck_assert_int_eq(dg.r3, ry);
	cpu_set_cc(c, 3);
	return diag_execute(&env, &dg);
}

static void assert_exception(unsigned code)
{
	ck_assert_msg(h_program_interrupted(m), "no program interruption");
	ck_assert_uint_eq(h_pic(m), code);
	ck_assert_uint_eq(h_pic_ia(m), CODE + 4);
	ck_assert_uint_eq(h_pic_ilc(m), 2);
}

static void assert_no_exception(void)
{
	ck_assert_uint_eq(h_ia(m), CODE + 4);
}

static void gpr(int r, uint32_t v)
{
	cpu_set_gpr(c, r, v);
}

static uint32_t reg(int r)
{
	return cpu_get_gpr(c, r);
}

static void put_ebcdic(uint32_t at, const char *s)
{
	uint8_t b[256];
	size_t n = strlen(s);
	ascii_to_ebcdic_buf(b, s, n);
	h_put(m, at, b, (uint32_t)n);
}

static void ccw(uint32_t at, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count)
{
	h_set_word(m, at, (uint32_t)cmd << 24 | data);
	h_set_word(m, at + 4, (uint32_t)flags << 24 | count);
}

/* ---- The table and the dispatcher ---- */

START_TEST(test_table_names_each_code_once)
{
	ck_assert_str_eq(diag_name(0x08), "VIRTUAL CONSOLE FUNCTION");
	ck_assert(diag_supported(0x18));
	ck_assert(!diag_supported(0x54));
	ck_assert_ptr_nonnull(diag_name(0x54));
	ck_assert_ptr_null(diag_name(0x0E));
	for (uint32_t code = 0; code < 0x200; code += 4)
		if (diag_name(code))
			ck_assert_uint_lt(code, 0x80);
}
END_TEST

START_TEST(test_unknown_code_is_specification_exception)
{
	static const uint16_t codes[] = {0x0E0, 0x0FC, 0x100, 0x002, 0x009};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		ck_assert_int_eq(diag(1, 2, codes[i]), DIAG_DONE);
		assert_exception(PIC_SPEC);
	}
}
END_TEST

START_TEST(test_restricted_code_without_class_is_privileged_operation)
{
	ck_assert_int_eq(diag(1, 2, 0x04), DIAG_DONE);
	assert_exception(PIC_PRIV);
}
END_TEST

START_TEST(test_code_not_carried_out_yet_changes_nothing)
{
	env.classes |= DIR_CLASS('C');
	gpr(1, 0x1234);
	ck_assert_int_eq(diag(1, 2, 0x04), DIAG_UNSUPPORTED);
	assert_no_exception();
	ck_assert_uint_eq(h_cc(m), 3);
	ck_assert_uint_eq(reg(1), 0x1234);
	ck_assert_int_eq(diag(1, 2, 0x54), DIAG_UNSUPPORTED);
	assert_no_exception();
}
END_TEST

/* ---- X'00' ---- */

START_TEST(test_x00_stores_identification)
{
	static const uint8_t want[32] = {
		0xE5, 0xD4, 0x61, 0xF3, 0xF7, 0xF0, 0x40, 0x40, /* VM/370 */
		0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* version, code, MCEL, address */
		0xD4, 0xC1, 0xC9, 0xD5, 0xE3, 0x40, 0x40, 0x40, /* MAINT */
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	uint8_t ff[40], got[40];
	memset(ff, 0xFF, sizeof ff);
	h_put(m, BUF, ff, sizeof ff);
	gpr(2, BUF);
	gpr(3, 40);
	ck_assert_int_eq(diag(2, 3, 0x00), DIAG_DONE);
	assert_no_exception();
	ck_assert_uint_eq(h_cc(m), 3);
	h_get(m, BUF, got, sizeof got);
	ck_assert_mem_eq(got, want, 32);
	ck_assert_uint_eq(got[32], 0xFF);
}
END_TEST

START_TEST(test_x00_stores_only_the_bytes_asked_for)
{
	uint8_t ff[24], got[24];
	memset(ff, 0xFF, sizeof ff);
	h_put(m, BUF, ff, sizeof ff);
	gpr(2, BUF);
	gpr(3, 10);
	diag(2, 3, 0x00);
	assert_no_exception();
	h_get(m, BUF, got, sizeof got);
	ck_assert_uint_eq(got[8], 0x06);
	ck_assert_uint_eq(got[9], 0x00);
	ck_assert_uint_eq(got[10], 0xFF);
}
END_TEST

START_TEST(test_x00_bad_operands)
{
	gpr(2, BUF + 4);
	gpr(3, 32);
	diag(2, 3, 0x00);
	assert_exception(PIC_SPEC);
	gpr(2, STORAGE - 16);
	diag(2, 3, 0x00);
	assert_exception(PIC_ADDR);
}
END_TEST

/* ---- X'08' ---- */

START_TEST(test_x08_runs_commands_to_the_terminal)
{
	env.cp_command = fake_command;
	put_ebcdic(TEXT, "QUERY TIME\x15" "SPOOL PUN *");
	uint8_t nl = 0x15;
	h_put(m, TEXT + 10, &nl, 1);
	gpr(4, TEXT);
	gpr(6, 22);
	cmd_rc = 45;
	ck_assert_int_eq(diag(4, 6, 0x08), DIAG_DONE);
	assert_no_exception();
	ck_assert_int_eq(ncmds, 2);
	ck_assert_str_eq(cmds[0], "QUERY TIME");
	ck_assert_str_eq(cmds[1], "SPOOL PUN *");
	ck_assert(!got_out);
	ck_assert_uint_eq(reg(6), 45);
	ck_assert_uint_eq(h_cc(m), 3);
}
END_TEST

START_TEST(test_x08_response_buffer_holds_whole_lines)
{
	env.cp_command = fake_command;
	put_ebcdic(TEXT, "QUERY FILES");
	uint8_t ff[32], got[32], want[16];
	memset(ff, 0xFF, sizeof ff);
	h_put(m, RESP, ff, sizeof ff);
	gpr(2, TEXT);
	gpr(3, RESP);
	gpr(4, 0x40000000u | 11);
	gpr(5, 100);
	ck_assert_int_eq(diag(2, 4, 0x08), DIAG_DONE);
	assert_no_exception();
	ck_assert(got_out);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(reg(4), 0);
	ck_assert_uint_eq(reg(5), 16);
	ck_assert_uint_eq(reg(3), RESP);
	ascii_to_ebcdic_buf(want, "LINE ONE\x15SECOND\x15", 16);
	want[8] = want[15] = 0x15;
	h_get(m, RESP, got, sizeof got);
	ck_assert_mem_eq(got, want, 16);
	ck_assert_uint_eq(got[16], 0xFF);
}
END_TEST

START_TEST(test_x08_response_overflow_gives_cc1_and_bytes_left_over)
{
	env.cp_command = fake_command;
	put_ebcdic(TEXT, "QUERY FILES");
	uint8_t ff[32], got[32];
	memset(ff, 0xFF, sizeof ff);
	h_put(m, RESP, ff, sizeof ff);
	gpr(2, TEXT);
	gpr(3, RESP);
	gpr(4, 0x40000000u | 11);
	gpr(5, 12); /* room for "LINE ONE" and its X'15', not for "SECOND" */
	diag(2, 4, 0x08);
	assert_no_exception();
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(reg(5), 7);
	h_get(m, RESP, got, sizeof got);
	ck_assert_uint_eq(got[8], 0x15);
	ck_assert_uint_eq(got[9], 0xFF);
}
END_TEST

START_TEST(test_x08_without_callback_gives_rc1)
{
	put_ebcdic(TEXT, "QUERY TIME");
	gpr(2, TEXT);
	gpr(4, 10);
	ck_assert_int_eq(diag(2, 4, 0x08), DIAG_DONE);
	ck_assert_uint_eq(reg(4), 1);
}
END_TEST

START_TEST(test_x08_ry_zero_enters_cp_mode)
{
	env.cp_command = fake_command;
	gpr(2, TEXT);
	gpr(4, 0);
	ck_assert_int_eq(diag(2, 4, 0x08), DIAG_STOP);
	assert_no_exception();
	ck_assert_int_eq(ncmds, 0);
}
END_TEST

START_TEST(test_x08_logoff_ends_the_session)
{
	env.cp_command = fake_command;
	put_ebcdic(TEXT, "LOGOFF");
	gpr(2, TEXT);
	gpr(4, 6);
	ck_assert_int_eq(diag(2, 4, 0x08), DIAG_LOGOFF);
	ck_assert_str_eq(cmds[0], "LOGOFF");
}
END_TEST

START_TEST(test_x08_bad_operands)
{
	env.cp_command = fake_command;
	put_ebcdic(TEXT, "QUERY TIME");
	static const struct {
		int rx, ry;
		uint32_t vy, buflen, text;
		unsigned pic;
	} cases[] = {
		{2, 4, 0x40000000u, 100, TEXT, PIC_SPEC},      /* length 0 */
		{2, 4, 133, 100, TEXT, PIC_SPEC},              /* too long */
		{2, 3, 0x40000000u | 10, 100, TEXT, PIC_SPEC}, /* consecutive registers */
		{4, 3, 0x40000000u | 10, 100, TEXT, PIC_SPEC}, /* consecutive registers */
		{15, 4, 0x40000000u | 10, 100, TEXT, PIC_SPEC},
		{2, 15, 0x40000000u | 10, 100, TEXT, PIC_SPEC},
		{2, 4, 0x40000000u | 10, 8193, TEXT, PIC_SPEC}, /* buffer too long */
		{2, 4, 10, 0, STORAGE - 4, PIC_ADDR},           /* text outside storage */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		gpr(cases[i].rx, cases[i].text);
		gpr((cases[i].rx + 1) & 15, RESP);
		gpr(cases[i].ry, cases[i].vy);
		gpr((cases[i].ry + 1) & 15, cases[i].buflen);
		diag(cases[i].rx, cases[i].ry, 0x08);
		assert_exception(cases[i].pic);
	}
	/* a buffer outside storage */
	gpr(2, TEXT);
	gpr(3, STORAGE - 10);
	gpr(4, 0x40000000u | 10);
	gpr(5, 100);
	diag(2, 4, 0x08);
	assert_exception(PIC_ADDR);
	ck_assert_int_eq(ncmds, 0);
}
END_TEST

/* ---- X'0C' ---- */

START_TEST(test_x0c_stores_date_time_and_cpu_times)
{
	env.now = 295799772; /* 1979-05-17 14:36:12 UTC */
	env.virt_cpu_us = 1234567;
	env.total_cpu_us = 0x123456789ull;
	uint8_t want[32], got[32];
	ascii_to_ebcdic_buf(want, "05/17/7914:36:12", 16);
	put_be64(want + 16, 1234567);
	put_be64(want + 24, 0x123456789ull);
	gpr(7, BUF);
	ck_assert_int_eq(diag(7, 0, 0x0C), DIAG_DONE);
	assert_no_exception();
	ck_assert_uint_eq(h_cc(m), 3);
	h_get(m, BUF, got, 32);
	ck_assert_mem_eq(got, want, 32);
}
END_TEST

START_TEST(test_x0c_bad_operands)
{
	gpr(7, BUF + 4);
	diag(7, 0, 0x0C);
	assert_exception(PIC_SPEC);
	gpr(7, STORAGE - 16);
	diag(7, 0, 0x0C);
	assert_exception(PIC_ADDR);
}
END_TEST

/* ---- X'10' ---- */

START_TEST(test_x10_released_pages_read_as_zeros)
{
	static uint8_t aa[0x4000];
	memset(aa, 0xAA, sizeof aa);
	h_put(m, 0x8000, aa, sizeof aa);
	gpr(2, 0x9000);
	gpr(3, 0xA000);
	ck_assert_int_eq(diag(2, 3, 0x10), DIAG_DONE);
	assert_no_exception();
	ck_assert_uint_eq(h_cc(m), 3);
	ck_assert_uint_eq(h_word(m, 0x8FFC), 0xAAAAAAAA);
	ck_assert_uint_eq(h_word(m, 0x9000), 0);
	ck_assert_uint_eq(h_word(m, 0xAFFC), 0);
	ck_assert_uint_eq(h_word(m, 0xB000), 0xAAAAAAAA);
}
END_TEST

START_TEST(test_x10_bad_operands)
{
	static const struct {
		uint32_t first, last;
		unsigned pic;
	} cases[] = {
		{0x9800, 0xA000, PIC_SPEC},
		{0x9000, 0xA010, PIC_SPEC},
		{0xA000, 0x9000, PIC_SPEC},
		{0xF000, 0x10000, PIC_ADDR},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		gpr(2, cases[i].first);
		gpr(3, cases[i].last);
		diag(2, 3, 0x10);
		assert_exception(cases[i].pic);
	}
}
END_TEST

/* ---- X'20' ---- */

START_TEST(test_x20_reads_from_the_test_device)
{
	uint8_t got[16], want[16];
	ccw(CHAIN, 0x02, BUF, 0, 16);
	gpr(2, 0x0E0);
	gpr(3, CHAIN);
	ck_assert_int_eq(diag(2, 3, 0x20), DIAG_DONE);
	assert_no_exception();
	ck_assert_uint_eq(h_cc(m), 0);
	h_get(m, BUF, got, 16);
	for (int i = 0; i < 16; i++)
		want[i] = (uint8_t)i;
	ck_assert_mem_eq(got, want, 16);
}
END_TEST

START_TEST(test_x20_status_gives_cc_and_r15)
{
	static const struct {
		uint8_t cmd, flags;
		uint16_t count;
		unsigned cc;
		uint32_t r15, ry_low;
	} cases[] = {
		{0x13, 0, 1, 2, 2, 0},        /* unit exception */
		{0x02, 0, 10, 2, 3, 0},       /* wrong length */
		{0x77, 0, 1, 3, 13, 0x8000},  /* unit check: command reject */
		{0x02, CCW_SLI, 10, 0, 99, 0}, /* SLI: no error */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ccw(CHAIN, cases[i].cmd, BUF, cases[i].flags, cases[i].count);
		gpr(2, 0x0E0);
		gpr(3, CHAIN | 0xAB000000u);
		gpr(15, 99);
		diag(2, 3, 0x20);
		assert_no_exception();
		ck_assert_uint_eq(h_cc(m), cases[i].cc);
		ck_assert_uint_eq(reg(15), cases[i].r15);
		if (cases[i].cc == 3)
			ck_assert_uint_eq(reg(3), 0xAB000000u | cases[i].ry_low);
	}
	gpr(2, 0x0E1);
	diag(2, 3, 0x20);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(reg(15), 1);
}
END_TEST

/* ---- X'18' on a CKD minidisk ---- */

/* A CMS-shaped chain for record r of (cc, hh): SEEK, SEARCH ID EQUAL, TIC, cmd (06 or 05). */
static void dgd_chain(uint16_t cc, uint16_t hh, uint8_t r, uint8_t cmd, uint32_t data, uint16_t count)
{
	uint8_t a[7] = {0, 0, (uint8_t)(cc >> 8), (uint8_t)cc, (uint8_t)(hh >> 8), (uint8_t)hh, r};
	h_put(m, ARG, a, 7);
	ccw(CHAIN, 0x07, ARG, CCW_CC, 6);
	ccw(CHAIN + 8, 0x31, ARG + 2, CCW_CC, 5);
	ccw(CHAIN + 16, 0x08, CHAIN + 8, 0, 0);
	ccw(CHAIN + 24, cmd, data, CCW_SLI, count);
}

/* Write R1 (800 bytes of fill) on track 0/0 of 191 with DIAGNOSE X'20' (write count key data
 * after R0), as FORMAT would. */
static void format_r1(uint8_t fill)
{
	uint8_t rec[8 + REC];
	memset(rec, fill, sizeof rec);
	uint8_t count[8] = {0, 0, 0, 0, 1, 0, REC >> 8, REC & 0xFF};
	memcpy(rec, count, 8);
	h_put(m, DATA, rec, sizeof rec);
	dgd_chain(0, 0, 0, 0x1D, DATA, 8 + REC);
	gpr(2, 0x191);
	gpr(3, CHAIN);
	diag(2, 3, 0x20);
	ck_assert_uint_eq(h_cc(m), 0);
}

static enum diag_result x18(uint16_t vaddr, uint32_t chain, uint32_t r15)
{
	gpr(2, vaddr);
	gpr(3, chain);
	gpr(15, r15);
	return diag(2, 3, 0x18);
}

START_TEST(test_x18_reads_and_writes_a_record)
{
	format_r1(0x5A);
	uint8_t got[REC], want[REC];
	dgd_chain(0, 0, 1, 0x06, BUF, REC);
	ck_assert_int_eq(x18(0x191, CHAIN, 1), DIAG_DONE);
	assert_no_exception();
	ck_assert_uint_eq(h_cc(m), 0);
	h_get(m, BUF, got, REC);
	memset(want, 0x5A, REC);
	ck_assert_mem_eq(got, want, REC);

	for (int i = 0; i < REC; i++)
		want[i] = (uint8_t)(i * 7);
	h_put(m, DATA, want, REC);
	dgd_chain(0, 0, 1, 0x05, DATA, REC);
	x18(0x191, CHAIN, 1);
	ck_assert_uint_eq(h_cc(m), 0);
	memset(got, 0, REC);
	h_put(m, BUF, got, REC);
	dgd_chain(0, 0, 1, 0x06, BUF, REC);
	x18(0x191, CHAIN, 1);
	ck_assert_uint_eq(h_cc(m), 0);
	h_get(m, BUF, got, REC);
	ck_assert_mem_eq(got, want, REC);
}
END_TEST

START_TEST(test_x18_chain_errors)
{
	static const struct {
		uint8_t cmd;
		uint32_t data;
		uint16_t count;
		uint32_t chain, r15;
		unsigned cc;
		uint32_t want_r15;
	} cases[] = {
		{0x06, BUF, REC, CHAIN + 4, 1, 2, 5},   /* chain not doubleword aligned */
		{0x06, BUF, REC, CHAIN, 0, 2, 11},      /* R15 not 1-15 */
		{0x06, BUF, REC, CHAIN, 16, 2, 11},
		{0x0E, BUF, REC, CHAIN, 1, 2, 7},       /* neither read nor write */
		{0x06, BUF, 0, CHAIN, 1, 2, 8},         /* count 0 */
		{0x06, BUF, 2049, CHAIN, 1, 2, 9},      /* count too big */
		{0x06, STORAGE - 100, REC, CHAIN, 1, 2, 10}, /* buffer outside storage */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dgd_chain(0, 0, 1, cases[i].cmd, cases[i].data, cases[i].count);
		x18(0x191, cases[i].chain, cases[i].r15);
		assert_no_exception();
		ck_assert_msg(h_cc(m) == cases[i].cc && reg(15) == cases[i].want_r15, "case %zu: cc %u r15 %u", i,
			      h_cc(m), reg(15));
	}
}
END_TEST

START_TEST(test_x18_chain_shape_errors)
{
	/* R15 too small for two reads */
	dgd_chain(0, 0, 1, 0x06, BUF, REC);
	h_set_word(m, CHAIN + 28, (uint32_t)(CCW_CC | CCW_SLI) << 24 | REC);
	ccw(CHAIN + 32, 0x31, ARG + 2, CCW_CC, 5);
	ccw(CHAIN + 40, 0x08, CHAIN + 32, 0, 0);
	ccw(CHAIN + 48, 0x06, BUF + REC, CCW_SLI, REC);
	x18(0x191, CHAIN, 1);
	ck_assert_uint_eq(h_cc(m), 2);
	ck_assert_uint_eq(reg(15), 11);
	/* SEEK HEAD to another cylinder */
	uint8_t b[6] = {0, 0, 0, 1, 0, 1};
	h_put(m, ARG + 16, b, 6);
	ccw(CHAIN + 32, 0x1B, ARG + 16, CCW_CC, 6);
	ccw(CHAIN + 40, 0x31, ARG + 18, CCW_CC, 5);
	ccw(CHAIN + 48, 0x08, CHAIN + 40, 0, 0);
	ccw(CHAIN + 56, 0x06, BUF + REC, CCW_SLI, REC);
	x18(0x191, CHAIN, 2);
	ck_assert_uint_eq(h_cc(m), 2);
	ck_assert_uint_eq(reg(15), 12);
	/* SEEK argument outside storage */
	dgd_chain(0, 0, 1, 0x06, BUF, REC);
	ccw(CHAIN, 0x07, STORAGE - 2, CCW_CC, 6);
	x18(0x191, CHAIN, 1);
	ck_assert_uint_eq(h_cc(m), 2);
	ck_assert_uint_eq(reg(15), 6);
	/* not starting with SEEK */
	dgd_chain(0, 0, 1, 0x06, BUF, REC);
	ccw(CHAIN, 0x03, 0, CCW_CC, 1);
	x18(0x191, CHAIN, 1);
	ck_assert_uint_eq(h_cc(m), 2);
	ck_assert_uint_eq(reg(15), 7);
	/* the chain itself outside storage */
	x18(0x191, STORAGE, 1);
	assert_exception(PIC_ADDR);
}
END_TEST

START_TEST(test_x18_device_errors)
{
	dgd_chain(0, 0, 1, 0x06, BUF, REC);
	x18(0x1FF, CHAIN, 1);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(reg(15), 1);
	x18(0x0E0, CHAIN, 1); /* not a disk */
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(reg(15), 2);
	dgd_chain(5, 0, 1, 0x06, BUF, REC); /* cylinder 5 of a 3-cylinder minidisk */
	x18(0x191, CHAIN, 1);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(reg(15), 4);
}
END_TEST

START_TEST(test_x18_write_to_read_only_disk)
{
	/* R0 of a fresh track keeps the real CCHH: 192's cylinder 0 is real cylinder 3 */
	dgd_chain(0, 0, 0, 0x05, DATA, 8);
	uint8_t id[5] = {0, 3, 0, 0, 0};
	h_put(m, ARG + 16, id, 5);
	ccw(CHAIN + 8, 0x31, ARG + 16, CCW_CC, 5);
	/* the device refuses it */
	x18(0x192, CHAIN, 1);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(reg(15), 3);
	/* CP knows before */
	env.readonly = ro_disk;
	x18(0x192, CHAIN, 1);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(reg(15), 3);
}
END_TEST

START_TEST(test_x18_io_error_gives_cc3_and_csw)
{
	dgd_chain(0, 0, 9, 0x06, BUF, REC); /* no record 9: no record found */
	h_set_word(m, 0x40, 0);
	h_set_word(m, 0x44, 0);
	x18(0x191, CHAIN, 1);
	assert_no_exception();
	ck_assert_uint_eq(h_cc(m), 3);
	ck_assert_uint_eq(reg(15), 13);
	ck_assert_uint_ne(h_word(m, 0x40) & 0xFFFFFF, 0);
	ck_assert_uint_eq(h_word(m, 0x44) >> 24 & UNIT_UC, UNIT_UC);
}
END_TEST

/* ---- X'24' ---- */

START_TEST(test_x24_console_by_minus_one)
{
	env.has_console = true;
	env.console = 0x009;
	gpr(2, 0xFFFFFFFF);
	ck_assert_int_eq(diag(2, 4, 0x24), DIAG_DONE);
	assert_no_exception();
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(reg(2), 0x009);
	ck_assert_uint_eq(reg(4), 0x80000000);
	ck_assert_uint_eq(reg(5), 0x80000082);
	env.console_linelen = 80;
	gpr(2, 0x009);
	diag(2, 4, 0x24);
	ck_assert_uint_eq(reg(5), 0x80000050);
}
END_TEST

/* On a 3270 the real device is the display: class graphics, its model, its width. */
START_TEST(test_x24_console_on_a_3270_is_a_graphics_device_of_its_model)
{
	env.has_console = true;
	env.console = 0x009;
	env.console_model = 5;
	env.console_linelen = 132;
	gpr(2, 0xFFFFFFFF);
	ck_assert_int_eq(diag(2, 4, 0x24), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(reg(4), 0x8000A010);
	ck_assert_uint_eq(reg(5), 0x40010584);
	env.console_model = 0;
	env.console_linelen = 0;
}
END_TEST

START_TEST(test_x24_devices)
{
	gpr(2, 0x00C);
	gpr(5, 0x5555);
	diag(2, 4, 0x24);
	ck_assert_uint_eq(h_cc(m), 2);
	ck_assert_uint_eq(reg(4), 0x20820000);
	ck_assert_uint_eq(reg(5), 0x5555);

	gpr(2, 0x191);
	diag(2, 4, 0x24);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(reg(4) >> 24, 0x04);
	ck_assert_uint_eq(reg(4) & 0xFF, 0);
	ck_assert_uint_eq(reg(5) >> 24, 0x04);

	env.readonly = ro_disk;
	gpr(2, 0x192);
	diag(2, 4, 0x24);
	ck_assert_uint_eq(reg(4) & 0xFF, 0x80);

	static const uint32_t none[] = {0x1FF, 0x0E0, 0x10000, 0xFFFFFFFF};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		gpr(2, none[i]);
		gpr(4, 0x1111);
		diag(2, 4, 0x24);
		assert_no_exception();
		ck_assert_uint_eq(h_cc(m), 3);
		ck_assert_uint_eq(reg(4), 0x1111);
	}
}
END_TEST

START_TEST(test_device_codes_table)
{
	static const struct {
		const char *type;
		uint32_t v;
		bool spooled;
	} cases[] = {
		{"3350", 0x04080000, false}, {"3330", 0x04100000, false}, {"2314", 0x04400000, false},
		{"3340-70", 0x04010000, false}, {"2540P", 0x10820000, true}, {"1403", 0x10410000, true},
		{"3420", 0x08100302, false}, {"3310", 0x01010000, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct diag_devcode d;
		ck_assert(diag_device_code(cases[i].type, &d));
		ck_assert_uint_eq((uint32_t)d.cls << 24 | (uint32_t)d.type << 16 | d.vstat << 8 | d.vflag, cases[i].v);
		ck_assert_int_eq(d.spooled, cases[i].spooled);
	}
	struct diag_devcode d;
	ck_assert(diag_device_code("3420", &d));
	ck_assert_uint_eq((uint32_t)d.cls << 24 | (uint32_t)d.type << 16 | d.model << 8 | d.feature, 0x08100802);
	ck_assert(!diag_device_code("TEST", &d));
	ck_assert(!diag_device_code(NULL, &d));
}
END_TEST

/* ---- X'5C' ---- */

START_TEST(test_x5c_edits_by_emsg)
{
	static const char msg[] = "DMSLIO907I FILE NOT FOUND";
	const uint32_t len = sizeof msg - 1;
	put_ebcdic(TEXT, msg);
	static const struct {
		enum diag_emsg e;
		uint32_t rx, ry;
	} cases[] = {
		{DIAG_EMSG_TEXT, TEXT + 11, len - 11},
		{DIAG_EMSG_ON, TEXT, len},
		{DIAG_EMSG_CODE, TEXT, 10},
		{DIAG_EMSG_OFF, TEXT, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		env.emsg = cases[i].e;
		gpr(2, TEXT);
		gpr(3, len);
		ck_assert_int_eq(diag(2, 3, 0x5C), DIAG_DONE);
		assert_no_exception();
		ck_assert_uint_eq(h_cc(m), 3);
		ck_assert_uint_eq(reg(2), cases[i].rx);
		ck_assert_uint_eq(reg(3), cases[i].ry);
	}
	env.emsg = DIAG_EMSG_TEXT;
	gpr(2, STORAGE - 4);
	gpr(3, 20);
	diag(2, 3, 0x5C);
	assert_exception(PIC_ADDR);
}
END_TEST

/* ---- X'60' ---- */

START_TEST(test_x60_gives_storage_size)
{
	gpr(9, 0);
	ck_assert_int_eq(diag(9, 0, 0x60), DIAG_DONE);
	assert_no_exception();
	ck_assert_uint_eq(reg(9), STORAGE);
	ck_assert_uint_eq(h_cc(m), 3);
}
END_TEST

/* ---- X'64' ---- */

START_TEST(test_x64_no_saved_systems)
{
	put_ebcdic(BUF, "CMSSEG  ");
	for (uint32_t sub = 0; sub <= 0x0C; sub += 4) {
		gpr(2, BUF);
		gpr(4, sub);
		ck_assert_int_eq(diag(2, 4, 0x64), DIAG_DONE);
		assert_no_exception();
		ck_assert_uint_eq(h_cc(m), 2);
		ck_assert_uint_eq(reg(4), 44);
	}
	gpr(4, 0x10);
	diag(2, 4, 0x64);
	assert_exception(PIC_SPEC);
	gpr(2, BUF + 4);
	gpr(4, 0x0C);
	diag(2, 4, 0x64);
	assert_exception(PIC_SPEC);
	gpr(2, STORAGE);
	diag(2, 4, 0x64);
	assert_exception(PIC_ADDR);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("diagnose");
	TCase *t = tcase_create("codes");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_table_names_each_code_once);
	tcase_add_test(t, test_unknown_code_is_specification_exception);
	tcase_add_test(t, test_restricted_code_without_class_is_privileged_operation);
	tcase_add_test(t, test_code_not_carried_out_yet_changes_nothing);
	tcase_add_test(t, test_x00_stores_identification);
	tcase_add_test(t, test_x00_stores_only_the_bytes_asked_for);
	tcase_add_test(t, test_x00_bad_operands);
	tcase_add_test(t, test_x08_runs_commands_to_the_terminal);
	tcase_add_test(t, test_x08_response_buffer_holds_whole_lines);
	tcase_add_test(t, test_x08_response_overflow_gives_cc1_and_bytes_left_over);
	tcase_add_test(t, test_x08_without_callback_gives_rc1);
	tcase_add_test(t, test_x08_ry_zero_enters_cp_mode);
	tcase_add_test(t, test_x08_logoff_ends_the_session);
	tcase_add_test(t, test_x08_bad_operands);
	tcase_add_test(t, test_x0c_stores_date_time_and_cpu_times);
	tcase_add_test(t, test_x0c_bad_operands);
	tcase_add_test(t, test_x10_released_pages_read_as_zeros);
	tcase_add_test(t, test_x10_bad_operands);
	tcase_add_test(t, test_x20_reads_from_the_test_device);
	tcase_add_test(t, test_x20_status_gives_cc_and_r15);
	tcase_add_test(t, test_x18_reads_and_writes_a_record);
	tcase_add_test(t, test_x18_chain_errors);
	tcase_add_test(t, test_x18_chain_shape_errors);
	tcase_add_test(t, test_x18_device_errors);
	tcase_add_test(t, test_x18_write_to_read_only_disk);
	tcase_add_test(t, test_x18_io_error_gives_cc3_and_csw);
	tcase_add_test(t, test_x24_console_by_minus_one);
	tcase_add_test(t, test_x24_console_on_a_3270_is_a_graphics_device_of_its_model);
	tcase_add_test(t, test_x24_devices);
	tcase_add_test(t, test_device_codes_table);
	tcase_add_test(t, test_x5c_edits_by_emsg);
	tcase_add_test(t, test_x60_gives_storage_size);
	tcase_add_test(t, test_x64_no_saved_systems);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return check_run(suite());
}
