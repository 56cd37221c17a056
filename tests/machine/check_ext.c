/*
 * check_ext.c - unit tests for machine/ (the S/370 extension: ESA/390 and later 32-bit
 * problem-state instructions, insn_ext.c).
 *
 * Each test loads instruction bytes at CODE, sets registers and storage, runs, and compares with
 * values worked out by hand from the Principles of Operation. Instruction bytes are written out
 * in hex with the fields separated where it helps: "A7 3A FFFF" is AHI 3,-1.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check_run.h"
#include "tests/machine/harness.h"

#define CODE 0x1000u
#define DATA 0x2000u
#define DATA2 0x3000u

/* The machine of the current test: 64K, extension on. */
static struct machine *m;
static struct cpu *c;

static void setup(void)
{
	m = h_new(64 * 1024, true);
	c = machine_cpu(m);
}

static void teardown(void)
{
	machine_free(m);
}

/* Run up to n instructions at addr with condition code cc and program mask pm in a BC-mode PSW. */
static enum machine_exit run_at(struct machine *mm, uint32_t addr, uint64_t n, unsigned cc, unsigned pm)
{
	uint8_t psw[8] = {0, 0, 0, 0, (uint8_t)(cc << 4 | pm), (uint8_t)(addr >> 16), (uint8_t)(addr >> 8),
			  (uint8_t)addr};
	uint8_t zero[8] = {0};
	cpu_set_psw(machine_cpu(mm), psw);
	h_put(mm, 0x28, zero, 8);
	return machine_run(machine_cpu(mm), n);
}

/* Load hex at CODE and run one instruction with condition code cc. */
static void run1_cc(const char *hex, unsigned cc)
{
	h_code(m, CODE, hex);
	run_at(m, CODE, 1, cc, 0);
}

static void run1(const char *hex)
{
	run1_cc(hex, 0);
}

static uint32_t gr(int r)
{
	return cpu_get_gpr(c, r);
}

static void set(int r, uint32_t v)
{
	cpu_set_gpr(c, r, v);
}

static void put_bytes(uint32_t addr, const char *s, uint32_t len)
{
	h_put(m, addr, s, len);
}

static void fill(uint32_t addr, uint8_t v, uint32_t len)
{
	static uint8_t buf[16384];
	ck_assert_uint_le(len, sizeof buf);
	memset(buf, v, len);
	h_put(m, addr, buf, len);
}

static uint16_t half(uint32_t addr)
{
	uint8_t b[2];
	h_get(m, addr, b, 2);
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void set_half(uint32_t addr, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	h_put(m, addr, b, 2);
}

static void expect_ok(void)
{
	ck_assert_msg(!h_program_interrupted(m), "unexpected program interruption %04X", h_pic(m));
}

static void expect_pic(unsigned pic)
{
	ck_assert_msg(h_program_interrupted(m), "expected program interruption %04X", pic);
	ck_assert_uint_eq(h_pic(m), pic);
}

/* The condition code in the program old PSW (BC mode). */
static unsigned old_psw_cc(void)
{
	uint8_t old[8];
	h_get(m, 0x28, old, 8);
	return (old[4] >> 4) & 3;
}

/* ================================================================================================
 * Halfword immediate: AHI, CHI, MHI, LHI
 */

START_TEST(test_ahi_sets_result_and_cc)
{
	static const struct {
		uint32_t r;
		uint16_t i;
		uint32_t want;
		unsigned cc;
	} t[] = {
		{5, 0xFFFF, 4, 2},
		{0x7FFFFFFF, 0x0001, 0x80000000, 3},
		{0x80000000, 0xFFFF, 0x7FFFFFFF, 3},
		{0xFFFFFFFF, 0x0001, 0, 0},
		{0, 0x8000, 0xFFFF8000, 1},
		{0x7FFF0000, 0x7FFF, 0x7FFF7FFF, 2},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		char hex[16];
		snprintf(hex, sizeof hex, "A73A%04X", t[i].i);
		set(3, t[i].r);
		run1(hex);
		expect_ok();
		ck_assert_msg(gr(3) == t[i].want, "row %u: %08X", i, gr(3));
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
		ck_assert_uint_eq(h_ia(m), CODE + 4);
	}
}
END_TEST

START_TEST(test_ahi_overflow_with_mask_stores_result_then_interrupts)
{
	set(3, 0x7FFFFFFF);
	h_code(m, CODE, "A7 3A 0001");
	run_at(m, CODE, 1, 0, 8);
	expect_pic(0x0008);
	ck_assert_uint_eq(gr(3), 0x80000000u);
	ck_assert_uint_eq(h_pic_ia(m), CODE + 4);
	ck_assert_uint_eq(h_pic_ilc(m), 2);
	ck_assert_uint_eq(old_psw_cc(), 3);
}
END_TEST

START_TEST(test_chi_compares_signed)
{
	static const struct {
		uint32_t r;
		uint16_t i;
		unsigned cc;
	} t[] = {
		{5, 0xFFFF, 2},
		{0xFFFFFFFE, 0xFFFF, 1},
		{0xFFFF8000, 0x8000, 0},
		{0x80000000, 0x7FFF, 1},
		{0x7FFFFFFF, 0x8000, 2},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		char hex[16];
		snprintf(hex, sizeof hex, "A73E%04X", t[i].i);
		set(3, t[i].r);
		run1(hex);
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
		ck_assert_uint_eq(gr(3), t[i].r);
	}
}
END_TEST

START_TEST(test_mhi_keeps_low_32_bits_and_cc)
{
	static const struct {
		uint32_t r;
		uint16_t i;
		uint32_t want;
	} t[] = {
		{3, 0xFFFE, 0xFFFFFFFA},
		{0x10000, 0x7FFF, 0x7FFF0000},
		{0x40000000, 0x0002, 0x80000000},
		{0x12345678, 0x0100, 0x34567800},
		{0xFFFFFFFF, 0xFFFF, 1},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		char hex[16];
		snprintf(hex, sizeof hex, "A73C%04X", t[i].i);
		set(3, t[i].r);
		run1_cc(hex, 1);
		expect_ok();
		ck_assert_msg(gr(3) == t[i].want, "row %u: %08X", i, gr(3));
		ck_assert_uint_eq(h_cc(m), 1);
	}
}
END_TEST

START_TEST(test_lhi_sign_extends_and_keeps_cc)
{
	run1_cc("A7 38 FFFF", 2);
	ck_assert_uint_eq(gr(3), 0xFFFFFFFFu);
	ck_assert_uint_eq(h_cc(m), 2);
	run1_cc("A7 38 7FFF", 2);
	ck_assert_uint_eq(gr(3), 0x00007FFFu);
}
END_TEST

START_TEST(test_ms_msr_keep_low_32_bits)
{
	set(2, 0x10000);
	set(3, 0x10000);
	run1("B252 0023"); /* MSR 2,3 */
	ck_assert_uint_eq(gr(2), 0);
	set(2, 0xFFFFFFFD);
	set(3, 7);
	run1_cc("B252 0023", 3);
	ck_assert_uint_eq(gr(2), 0xFFFFFFEBu); /* -21 */
	ck_assert_uint_eq(h_cc(m), 3);
	h_set_word(m, DATA, 0x10);
	set(5, DATA);
	set(2, 0x12345678);
	run1("71 20 5000"); /* MS 2,0(0,5) */
	expect_ok();
	ck_assert_uint_eq(gr(2), 0x23456780u);
	ck_assert_uint_eq(h_ia(m), CODE + 4);
}
END_TEST

/* ================================================================================================
 * Test under mask: TMLH, TMLL
 */

START_TEST(test_tmll_tmlh_condition_codes)
{
	static const struct {
		const char *op; /* A710 TMLH, A711 TMLL */
		uint32_t r;
		uint16_t mask;
		unsigned cc;
	} t[] = {
		{"A711", 0x0000F0F0, 0x0000, 0},
		{"A711", 0x0000F0F0, 0x000F, 0},
		{"A711", 0x0000F0F0, 0x00F0, 3},
		{"A711", 0x0000F0F0, 0x0FF0, 1}, /* mixed, leftmost selected bit (0800) zero */
		{"A711", 0x0000F0F0, 0xF00F, 2}, /* mixed, leftmost selected bit (8000) one */
		{"A711", 0xFFFF0000, 0xFFFF, 0}, /* only the low half counts */
		{"A710", 0x80010000, 0x8000, 3},
		{"A710", 0x80010000, 0x8001, 3},
		{"A710", 0x80010000, 0xC000, 2},
		{"A710", 0x80010000, 0x4001, 1},
		{"A710", 0x80010000, 0x7FFE, 0},
		{"A710", 0x0000FFFF, 0xFFFF, 0}, /* only the high half counts */
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		char hex[16];
		snprintf(hex, sizeof hex, "%s%04X", t[i].op, t[i].mask);
		set(1, t[i].r);
		run1(hex);
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
		ck_assert_uint_eq(gr(1), t[i].r);
	}
}
END_TEST

/* ================================================================================================
 * Relative branches: BRC, BRAS, BRCT, BRXH, BRXLE, BRCL, BRASL, LARL
 */

START_TEST(test_brc_mask_selects_condition_code)
{
	static const struct {
		unsigned mask, cc;
		bool taken;
	} t[] = {
		{8, 0, true}, {8, 1, false}, {4, 1, true}, {4, 2, false}, {2, 2, true}, {1, 3, true},
		{1, 0, false}, {7, 0, false}, {7, 3, true}, {0xE, 3, false}, {0xB, 1, false},
		{0xB, 2, true}, {0xF, 1, true}, {0, 0, false}, {0, 3, false},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		char hex[16];
		snprintf(hex, sizeof hex, "A7%X40003", t[i].mask); /* BRC m,*+6 */
		run1_cc(hex, t[i].cc);
		expect_ok();
		ck_assert_msg(h_ia(m) == (t[i].taken ? CODE + 6 : CODE + 4), "row %u: ia %06X", i, h_ia(m));
		ck_assert_uint_eq(h_cc(m), t[i].cc);
	}
}
END_TEST

START_TEST(test_brc_backward_target)
{
	run1("A7 F4 FFF8");
	ck_assert_uint_eq(h_ia(m), CODE - 16);
}
END_TEST

START_TEST(test_brc_target_below_zero_wraps_to_16m)
{
	run1("A7 F4 F7FF"); /* 2 * -2049 = -4098 */
	ck_assert_uint_eq(h_ia(m), 0xFFFFFEu);
}
END_TEST

START_TEST(test_brc_brasl_larl_wrap_forward_at_16m)
{
	struct machine *big = h_new(16 * 1024 * 1024, true);
	h_code(big, 0xFFFFFC, "A7F40004"); /* BRC 15,*+8 */
	run_at(big, 0xFFFFFC, 1, 0, 0);
	ck_assert_uint_eq(h_ia(big), 0x000004u);

	h_code(big, 0xFFFFFC, "A7E5FFF0"); /* BRAS 14,*-32 */
	cpu_set_gpr(machine_cpu(big), 14, 0xFFFFFFFF);
	run_at(big, 0xFFFFFC, 1, 0, 0);
	ck_assert_uint_eq(h_ia(big), 0xFFFFDCu);
	ck_assert_uint_eq(cpu_get_gpr(machine_cpu(big), 14), 0); /* 0xFFFFFC + 4 wraps */

	h_code(big, 0xFFFFF0, "C0E000000010"); /* LARL 14,*+32 */
	run_at(big, 0xFFFFF0, 1, 0, 0);
	ck_assert_uint_eq(cpu_get_gpr(machine_cpu(big), 14), 0x000010u);

	h_code(big, 0xFFFFF8, "C0E5 00000004"); /* BRASL 14,*+8 */
	run_at(big, 0xFFFFF8, 1, 0, 0);
	ck_assert_uint_eq(cpu_get_gpr(machine_cpu(big), 14), 0xFFFFFEu);
	ck_assert_uint_eq(h_ia(big), 0x000000u);
	machine_free(big);
}
END_TEST

START_TEST(test_bras_saves_24_bit_return_address)
{
	set(14, 0xFFFFFFFF);
	run1("A7 E5 0010");
	ck_assert_uint_eq(gr(14), CODE + 4);
	ck_assert_uint_eq(h_ia(m), CODE + 0x20);
}
END_TEST

START_TEST(test_brct_decrements_and_branches_unless_zero)
{
	static const struct {
		uint32_t r, want;
		bool taken;
	} t[] = {
		{2, 1, true},
		{1, 0, false},
		{0, 0xFFFFFFFF, true},
		{0x80000000, 0x7FFFFFFF, true},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		set(1, t[i].r);
		run1("A7 16 0004");
		ck_assert_msg(gr(1) == t[i].want, "row %u: %08X", i, gr(1));
		ck_assert_msg(h_ia(m) == (t[i].taken ? CODE + 8 : CODE + 4), "row %u", i);
	}
}
END_TEST

START_TEST(test_brxh_brxle_even_r3_uses_pair)
{
	static const struct {
		const char *op;
		uint32_t r1, incr, limit, want;
		bool taken;
	} t[] = {
		/* 84 14: BRXH 1,4 (increment R4, compare R5); 85 14: BRXLE. Target *+8. */
		{"84140004", 0, 5, 4, 5, true},
		{"84140004", 0, 4, 4, 4, false},
		{"84140004", 10, 0xFFFFFFFF, 8, 9, true},
		{"84140004", 9, 0xFFFFFFFF, 8, 8, false},
		{"84140004", 0x7FFFFFFF, 1, 0, 0x80000000, false},
		{"85140004", 0, 1, 3, 1, true},
		{"85140004", 2, 1, 3, 3, true},
		{"85140004", 3, 1, 3, 4, false},
		{"85140004", 1, 0xFFFFFFFF, 0, 0, true},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		set(1, t[i].r1);
		set(4, t[i].incr);
		set(5, t[i].limit);
		run1(t[i].op);
		ck_assert_msg(gr(1) == t[i].want, "row %u: %08X", i, gr(1));
		ck_assert_msg(h_ia(m) == (t[i].taken ? CODE + 8 : CODE + 4), "row %u: ia %06X", i, h_ia(m));
	}
}
END_TEST

START_TEST(test_brxh_odd_r3_is_increment_and_limit)
{
	set(1, 2);
	set(3, 1);
	run1("84 13 FFFE"); /* 3 > 1: branch back */
	ck_assert_uint_eq(gr(1), 3);
	ck_assert_uint_eq(h_ia(m), CODE - 4);
	set(1, 0);
	run1("84 13 FFFE"); /* 1 > 1: no */
	ck_assert_uint_eq(h_ia(m), CODE + 4);
}
END_TEST

START_TEST(test_brxh_r1_equal_r3_compares_with_old_value)
{
	set(3, 5);
	run1("84 33 0004"); /* R3 = 10, compared with the old 5 */
	ck_assert_uint_eq(gr(3), 10);
	ck_assert_uint_eq(h_ia(m), CODE + 8);
	set(3, 0xFFFFFFFF);
	run1("85 33 0004"); /* -2 <= -1 */
	ck_assert_uint_eq(gr(3), 0xFFFFFFFEu);
	ck_assert_uint_eq(h_ia(m), CODE + 8);
}
END_TEST

START_TEST(test_larl_forward_backward_and_wrap)
{
	static const struct {
		const char *hex;
		uint32_t want;
	} t[] = {
		{"C0E000000010", CODE + 0x20},
		{"C0E0FFFFFFF0", CODE - 0x20},
		{"C0E0FFFFF800", 0},
		{"C0E0FFFFF7FF", 0xFFFFFE},
		{"C0E07FFFFFFF", 0xFFE}, /* +0xFFFFFFFE: modulo 2**24 */
		{"C0E080000000", CODE},  /* -2**32 */
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		set(14, 0xFFFFFFFF);
		run1_cc(t[i].hex, 2);
		expect_ok();
		ck_assert_msg(gr(14) == t[i].want, "row %u: %08X", i, gr(14));
		ck_assert_uint_eq(h_ia(m), CODE + 6);
		ck_assert_uint_eq(h_cc(m), 2);
	}
}
END_TEST

START_TEST(test_brcl_branches_on_mask)
{
	run1("C0F4 00000010");
	ck_assert_uint_eq(h_ia(m), CODE + 0x20);
	run1("C0F4 FFFFFFF0");
	ck_assert_uint_eq(h_ia(m), CODE - 0x20);
	run1_cc("C084 00000010", 1);
	ck_assert_uint_eq(h_ia(m), CODE + 6);
	run1_cc("C044 00000010", 1);
	ck_assert_uint_eq(h_ia(m), CODE + 0x20);
}
END_TEST

START_TEST(test_brasl_saves_24_bit_return_address)
{
	set(14, 0xFF000000);
	run1("C0E5 00000100");
	ck_assert_uint_eq(gr(14), CODE + 6);
	ck_assert_uint_eq(h_ia(m), CODE + 0x200);
}
END_TEST

/* ================================================================================================
 * Byte reversal: LRVR, LRV, STRV, LRVH, STRVH
 */

START_TEST(test_lrvr_reverses_bytes)
{
	set(2, 0x12345678);
	run1("B91F 0012");
	ck_assert_uint_eq(gr(1), 0x78563412u);
}
END_TEST

START_TEST(test_lrv_strv_byte_order)
{
	put_bytes(DATA, "\x11\x22\x33\x44", 4);
	set(5, DATA);
	run1("E330 5000 001E"); /* LRV 3,0(0,5) */
	expect_ok();
	ck_assert_uint_eq(gr(3), 0x44332211u);
	ck_assert_uint_eq(h_ia(m), CODE + 6);

	set(3, 0x11223344);
	run1("E330 5000 003E"); /* STRV 3,0(0,5) */
	ck_assert_uint_eq(h_word(m, DATA), 0x44332211u);

	/* Across a 2K block, with a negative long displacement: 0x2802 - 4. */
	put_bytes(0x27FE, "\xA1\xB2\xC3\xD4", 4);
	set(5, 0x2802);
	run1("E330 5FFC FF1E"); /* LRV 3,-4(0,5) */
	expect_ok();
	ck_assert_uint_eq(gr(3), 0xD4C3B2A1u);
}
END_TEST

START_TEST(test_lrvh_loads_reversed_halfword_into_bits_16_31)
{
	put_bytes(DATA, "\x12\x34", 2);
	set(5, DATA);
	set(3, 0xAAAABBBB);
	run1("E330 5000 001F"); /* LRVH 3,0(0,5) */
	ck_assert_uint_eq(gr(3), 0xAAAA3412u);
}
END_TEST

START_TEST(test_strvh_stores_bits_16_31_reversed)
{
	set(5, DATA);
	set(3, 0xAAAA1234);
	set_half(DATA + 2, 0xEEEE);
	run1("E330 5000 003F"); /* STRVH 3,0(0,5) */
	ck_assert_uint_eq(half(DATA), 0x3412);
	ck_assert_uint_eq(half(DATA + 2), 0xEEEE);
}
END_TEST

/* ================================================================================================
 * Multiply and divide logical: MLR, ML, DLR, DL
 */

START_TEST(test_mlr_ml_give_64_bit_unsigned_product)
{
	static const struct {
		uint32_t r3, r4, hi, lo;
	} t[] = {
		{0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFE, 0x00000001},
		{0x10000, 0x10000, 1, 0},
		{3, 5, 0, 15},
		{0x80000000, 2, 1, 0},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		set(2, 0x5A5A5A5A);
		set(3, t[i].r3);
		set(4, t[i].r4);
		run1_cc("B996 0024", 3); /* MLR 2,4 */
		expect_ok();
		ck_assert_msg(gr(2) == t[i].hi && gr(3) == t[i].lo, "row %u: %08X %08X", i, gr(2), gr(3));
		ck_assert_uint_eq(h_cc(m), 3);
	}
	h_set_word(m, DATA, 0x80000000);
	set(5, DATA);
	set(3, 4);
	run1("E320 5000 0096"); /* ML 2,0(0,5) */
	expect_ok();
	ck_assert_uint_eq(gr(2), 2);
	ck_assert_uint_eq(gr(3), 0);
}
END_TEST

START_TEST(test_mlr_ml_odd_r1_is_specification_exception)
{
	set(3, 7);
	set(4, 9);
	run1("B996 0034");
	expect_pic(0x0006);
	ck_assert_uint_eq(h_pic_ilc(m), 2);
	ck_assert_uint_eq(gr(3), 7);
	set(5, 0x20000); /* beyond storage: the specification exception comes first */
	run1("E330 5000 0096");
	expect_pic(0x0006);
	ck_assert_uint_eq(h_pic_ilc(m), 3);
}
END_TEST

START_TEST(test_dlr_dl_divide_64_by_32)
{
	static const struct {
		uint32_t hi, lo, d, rem, quo;
	} t[] = {
		{1, 0, 2, 0, 0x80000000},
		{0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF},
		{0, 100, 7, 2, 14},
		{0, 5, 0xFFFFFFFF, 5, 0},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		set(2, t[i].hi);
		set(3, t[i].lo);
		set(4, t[i].d);
		run1("B997 0024"); /* DLR 2,4 */
		expect_ok();
		ck_assert_msg(gr(2) == t[i].rem && gr(3) == t[i].quo, "row %u: %08X %08X", i, gr(2), gr(3));
	}
	h_set_word(m, DATA, 100);
	set(5, DATA);
	set(2, 0);
	set(3, 1000);
	run1("E320 5000 0097"); /* DL 2,0(0,5) */
	expect_ok();
	ck_assert_uint_eq(gr(2), 0);
	ck_assert_uint_eq(gr(3), 10);
}
END_TEST

START_TEST(test_dlr_dl_quotient_too_large_or_zero_divisor_is_divide_exception)
{
	set(2, 1);
	set(3, 0);
	set(4, 1); /* quotient 2**32 */
	run1("B997 0024");
	expect_pic(0x0009);
	ck_assert_uint_eq(gr(2), 1);
	ck_assert_uint_eq(gr(3), 0);
	ck_assert_uint_eq(h_pic_ia(m), CODE + 4);

	set(2, 0);
	set(3, 5);
	set(4, 0);
	run1("B997 0024");
	expect_pic(0x0009);
	ck_assert_uint_eq(gr(3), 5);

	h_set_word(m, DATA, 0);
	set(5, DATA);
	run1("E320 5000 0097");
	expect_pic(0x0009);
	ck_assert_uint_eq(h_pic_ia(m), CODE + 6);

	run1("B997 0034"); /* odd R1 */
	expect_pic(0x0006);
}
END_TEST

/* ================================================================================================
 * Carry and borrow: ALCR, ALC, SLBR, SLB
 */

START_TEST(test_alcr_adds_carry_from_cc)
{
	static const struct {
		uint32_t a, b;
		unsigned cc_in;
		uint32_t want;
		unsigned cc;
	} t[] = {
		{1, 1, 0, 2, 1},
		{1, 1, 2, 3, 1},
		{0xFFFFFFFF, 0, 3, 0, 2},
		{0xFFFFFFFF, 0xFFFFFFFF, 2, 0xFFFFFFFF, 3},
		{0, 0, 0, 0, 0},
		{0x80000000, 0x80000000, 1, 0, 2},
		{0xFFFFFFFF, 0, 1, 0xFFFFFFFF, 1},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		set(3, t[i].a);
		set(4, t[i].b);
		run1_cc("B998 0034", t[i].cc_in);
		ck_assert_msg(gr(3) == t[i].want, "row %u: %08X", i, gr(3));
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
	}
}
END_TEST

START_TEST(test_alcr_chain_adds_96_bits)
{
	/* 00000001 FFFFFFFF FFFFFFFF + 00000000 00000000 00000001 */
	h_code(m, CODE, "B998 0058 B998 0047 B998 0036");
	set(3, 1);
	set(4, 0xFFFFFFFF);
	set(5, 0xFFFFFFFF);
	set(6, 0);
	set(7, 0);
	set(8, 1);
	run_at(m, CODE, 3, 0, 0);
	ck_assert_uint_eq(gr(3), 2);
	ck_assert_uint_eq(gr(4), 0);
	ck_assert_uint_eq(gr(5), 0);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(h_ia(m), CODE + 12);
}
END_TEST

START_TEST(test_slbr_subtracts_borrow_from_cc)
{
	static const struct {
		uint32_t a, b;
		unsigned cc_in;
		uint32_t want;
		unsigned cc;
	} t[] = {
		{5, 3, 2, 2, 3},
		{5, 3, 0, 1, 3},
		{3, 3, 3, 0, 2},
		{3, 3, 1, 0xFFFFFFFF, 1},
		{0, 0xFFFFFFFF, 1, 0, 0}, /* zero with a borrow: only SLB can give CC 0 */
		{0, 1, 2, 0xFFFFFFFF, 1},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		set(3, t[i].a);
		set(4, t[i].b);
		run1_cc("B999 0034", t[i].cc_in);
		ck_assert_msg(gr(3) == t[i].want, "row %u: %08X", i, gr(3));
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
	}
}
END_TEST

START_TEST(test_slbr_chain_subtracts_64_bits)
{
	/* 00000001 00000000 - 00000000 00000001, started with CC 2 (no borrow) */
	h_code(m, CODE, "B999 0057 B999 0046");
	set(4, 1);
	set(5, 0);
	set(6, 0);
	set(7, 1);
	run_at(m, CODE, 2, 2, 0);
	ck_assert_uint_eq(gr(4), 0);
	ck_assert_uint_eq(gr(5), 0xFFFFFFFFu);
	ck_assert_uint_eq(h_cc(m), 2);
}
END_TEST

START_TEST(test_alc_slb_storage_operands)
{
	h_set_word(m, DATA, 0xFFFFFFFF);
	set(5, DATA);
	set(3, 1);
	run1_cc("E330 5000 0098", 2); /* 1 + FFFFFFFF + 1 */
	expect_ok();
	ck_assert_uint_eq(gr(3), 1);
	ck_assert_uint_eq(h_cc(m), 3);
	h_set_word(m, DATA, 0);
	set(3, 0);
	run1_cc("E330 5000 0099", 0); /* 0 - 0 - 1 */
	expect_ok();
	ck_assert_uint_eq(gr(3), 0xFFFFFFFFu);
	ck_assert_uint_eq(h_cc(m), 1);
}
END_TEST

/* ================================================================================================
 * Strings: MVST, CLST, SRST
 */

START_TEST(test_mvst_moves_through_ending_character)
{
	put_bytes(DATA, "ABC\0XYZ", 7);
	fill(DATA2, 0xEE, 16);
	set(0, 0);
	set(4, DATA2);
	set(5, DATA);
	run1("B255 0045");
	expect_ok();
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(gr(4), DATA2 + 3);
	ck_assert_uint_eq(gr(5), DATA);
	uint8_t out[5];
	h_get(m, DATA2, out, 5);
	ck_assert_mem_eq(out, "ABC\0\xEE", 5);
}
END_TEST

START_TEST(test_mvst_ending_character_from_gr0_and_high_bytes_ignored)
{
	put_bytes(DATA, "AB CD", 5);
	set(0, 0x20);
	set(4, 0xFF000000 | DATA2);
	set(5, 0x80000000 | DATA);
	run1("B255 0045");
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(gr(4), DATA2 + 2);
	ck_assert_uint_eq(gr(5), 0x80000000 | DATA);
}
END_TEST

START_TEST(test_mvst_nonzero_gr0_bits_0_23_is_specification_exception)
{
	set(0, 0x100);
	set(4, DATA2);
	set(5, DATA);
	run1("B255 0045");
	expect_pic(0x0006);
	ck_assert_uint_eq(gr(4), DATA2);
}
END_TEST

START_TEST(test_mvst_source_beyond_storage_is_addressing_exception)
{
	fill(DATA2, 0xEE, 4);
	set(0, 0);
	set(4, DATA2);
	set(5, 0x10000);
	run1("B255 0045");
	expect_pic(0x0005);
	ck_assert_uint_eq(gr(4), DATA2);
	ck_assert_uint_eq(h_word(m, DATA2), 0xEEEEEEEEu);
}
END_TEST

START_TEST(test_mvst_long_string_stops_with_cc3_and_resumes)
{
	const uint32_t src = 0x2100, dst = 0x8000, len = 5000;
	static char s[5000];
	for (uint32_t i = 0; i < len; i++)
		s[i] = (char)('A' + i % 26);
	s[len - 1] = 0;
	put_bytes(src, s, len);
	set(0, 0);
	set(4, dst);
	set(5, src);
	run1("B255 0045");
	ck_assert_uint_eq(h_cc(m), 3);
	ck_assert_uint_gt(gr(4), dst);
	ck_assert_uint_eq(gr(4) - dst, gr(5) - src);
	for (int n = 0; h_cc(m) == 3 && n < 1000; n++)
		run1("B255 0045");
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(gr(4), dst + len - 1);
	static char out[5000];
	h_get(m, dst, out, len);
	ck_assert_mem_eq(out, s, len);
}
END_TEST

START_TEST(test_mvst_guest_loop_on_cc3)
{
	const uint32_t src = 0x27F0, dst = 0x8003, len = 3000;
	static char s[3000];
	for (uint32_t i = 0; i < len; i++)
		s[i] = (char)(1 + i % 200);
	s[len - 1] = 0;
	put_bytes(src, s, len);
	/* MVST 4,5; BRC 1,*-4 (JO back); BRC 15,*+0 (stop here) */
	h_code(m, CODE, "B255 0045 A714 FFFE A7F4 0000");
	set(0, 0);
	set(4, dst);
	set(5, src);
	run_at(m, CODE, 1000, 0, 0);
	ck_assert_uint_eq(h_ia(m), CODE + 8);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(gr(4), dst + len - 1);
	/* R2 is left where the last execution started: somewhere before the ending character. */
	ck_assert_uint_ge(gr(5), src);
	ck_assert_uint_lt(gr(5), src + len);
	static char out[3000];
	h_get(m, dst, out, len);
	ck_assert_mem_eq(out, s, len);
}
END_TEST

START_TEST(test_clst_condition_codes_and_registers)
{
	static const struct {
		const char *s1, *s2;
		uint32_t n1, n2;
		uint8_t end;
		unsigned cc, off;
	} t[] = {
		{"ABC\0", "ABC\0", 4, 4, 0, 0, 0},
		{"ABB\0", "ABC\0", 4, 4, 0, 1, 2},
		{"ABD\0", "ABC\0", 4, 4, 0, 2, 2},
		{"AB\0", "ABC\0", 3, 4, 0, 1, 2}, /* the first operand ends first: low */
		{"ABC\0", "AB\0", 4, 3, 0, 2, 2},
		{"\0", "A\0", 1, 2, 0, 1, 0},
		{"\xC1\x40", "\xC1\x30\x40", 2, 3, 0x40, 1, 1}, /* ends first although 40 > 30 */
		{"\x40", "\x40", 1, 1, 0x40, 0, 0},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		put_bytes(DATA, t[i].s1, t[i].n1);
		put_bytes(DATA2, t[i].s2, t[i].n2);
		set(0, t[i].end);
		set(4, 0x01000000 | DATA);
		set(5, 0x01000000 | DATA2);
		run1("B25D 0045");
		expect_ok();
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
		if (t[i].cc == 0) {
			ck_assert_uint_eq(gr(4), 0x01000000 | DATA);
			ck_assert_uint_eq(gr(5), 0x01000000 | DATA2);
		} else {
			ck_assert_msg(gr(4) == DATA + t[i].off, "row %u: R4 %08X", i, gr(4));
			ck_assert_msg(gr(5) == DATA2 + t[i].off, "row %u: R5 %08X", i, gr(5));
		}
	}
}
END_TEST

START_TEST(test_clst_nonzero_gr0_bits_0_23_is_specification_exception)
{
	set(0, 0x0000FF00);
	run1("B25D 0045");
	expect_pic(0x0006);
}
END_TEST

START_TEST(test_clst_long_strings_resume_after_cc3)
{
	const uint32_t len = 6000;
	static char s[6000];
	for (uint32_t i = 0; i < len; i++)
		s[i] = (char)('a' + i % 26);
	put_bytes(DATA, s, len);
	s[4000] = 'z' + 1; /* the second operand is higher at offset 4000 */
	put_bytes(0x9000, s, len);
	set(0, 0);
	set(4, DATA);
	set(5, 0x9000);
	run1("B25D 0045");
	ck_assert_uint_eq(h_cc(m), 3);
	for (int n = 0; h_cc(m) == 3 && n < 1000; n++)
		run1("B25D 0045");
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(gr(4), DATA + 4000);
	ck_assert_uint_eq(gr(5), 0x9000 + 4000);
}
END_TEST

START_TEST(test_srst_finds_character_before_end)
{
	static const struct {
		uint8_t ch;
		uint32_t end;
		unsigned cc;
		uint32_t r4;
	} t[] = {
		{'C', DATA + 16, 1, DATA + 2},
		{'Z', DATA + 16, 2, DATA + 16},
		{'P', DATA + 16, 1, DATA + 15},
		{'P', DATA + 15, 2, DATA + 15}, /* the byte at the end address is not searched */
		{'A', DATA, 2, DATA},           /* empty */
	};
	put_bytes(DATA, "ABCDEFGHIJKLMNOP", 16);
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		set(0, t[i].ch);
		set(4, t[i].end);
		set(5, DATA);
		run1("B25E 0045");
		expect_ok();
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
		ck_assert_msg(gr(4) == t[i].r4, "row %u: R4 %08X", i, gr(4));
		ck_assert_uint_eq(gr(5), DATA);
	}
}
END_TEST

START_TEST(test_srst_empty_operand_accesses_no_storage)
{
	set(0, 0);
	set(4, 0x20000);
	set(5, 0x20000);
	run1("B25E 0045");
	expect_ok();
	ck_assert_uint_eq(h_cc(m), 2);
}
END_TEST

START_TEST(test_srst_high_bytes_ignored_and_cleared)
{
	put_bytes(DATA, "ABCD", 4);
	set(0, 'C');
	set(4, 0xFF000000 | (DATA + 4));
	set(5, 0xFF000000 | DATA);
	run1("B25E 0045");
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(gr(4), DATA + 2);
	ck_assert_uint_eq(gr(5), 0xFF000000 | DATA);
	set(0, 0x143);
	run1("B25E 0045");
	expect_pic(0x0006);
}
END_TEST

START_TEST(test_srst_long_search_resumes_after_cc3)
{
	fill(DATA, 'x', 6000);
	put_bytes(DATA + 5999, "!", 1);
	set(0, '!');
	set(4, DATA + 6000);
	set(5, DATA);
	run1("B25E 0045");
	ck_assert_uint_eq(h_cc(m), 3);
	ck_assert_uint_gt(gr(5), DATA);
	ck_assert_uint_eq(gr(4), DATA + 6000);
	for (int n = 0; h_cc(m) == 3 && n < 1000; n++)
		run1("B25E 0045");
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(gr(4), DATA + 5999);
}
END_TEST

/* ================================================================================================
 * The extension off: every extension opcode is an operation exception.
 */

static const char *const ext_opcodes[] = {
	"010B", "010C", "0BEF", "0CEF", "71305004", "84120004", "85120004",
	"A7100001", "A7110001", "A7840000", "A7E50000", "A7160000", "A7180000", "A71A0000",
	"A71C0000", "A71E0000", "A8240000", "A9240000", "B2410024", "B2520012", "B2550045",
	"B2570024", "B25D0045", "B25E0045", "B2A50024",
	"A5120000", "A5130000", "A5160000", "A5170000", "A51A0000", "A51B0000", "A51E0000", "A51F0000",
	"C01000000000", "C01400000000", "C01500000000", "C01700000000", "C01900000000",
	"C01B00000000", "C01D00000000", "C01F00000000",
	"C21100000000", "C21500000000", "C21900000000", "C21B00000000", "C21D00000000", "C21F00000000",
	"C41200000000", "C41500000000", "C41700000000", "C41D00000000", "C41F00000000",
	"C61000000000", "C61200000000", "C61500000000", "C61700000000", "C61D00000000", "C61F00000000",
	"B91F0012", "B9260012", "B9270012", "B9720012", "B9730012", "B9940012", "B9950012", "B9960024",
	"B9970024", "B9980012", "B9990012", "B9F20012", "B9F40012", "B9F60012", "B9F70012", "B9F80012",
	"B9F90012", "B9FA0012", "B9FB0012",
	"E31050000006", "E31050000026", "E31050000012", "E3105000001E", "E3105000001F", "E31050000036",
	"E3105000003E", "E3105000003F",
	"E31050000050", "E31050000051", "E31050000054", "E31050000055", "E31050000056", "E31050000057",
	"E31050000058", "E31050000059", "E3105000005A", "E3105000005B", "E3205000005C", "E3105000005E",
	"E3105000005F", "E31050000076", "E31050000078", "E31050000079", "E3105000007A", "E3105000007B",
	"E3105000007C", "E31050000094", "E31050000095", "E32050000096", "E32050000097", "E31050000098",
	"E31050000099",
	"E54450000000", "E54C50000000", "E55450000000", "E55550000000", "E55C50000000", "E55D50000000",
	"EB015000006A", "EB015000006E", "EB135000001D", "EB13500000DC", "EB13500000DD", "EB13500000DE",
	"EB13500000DF", "EB18500000F2", "EB18500000F3", "EB13500000F4", "EB13500000F6", "EB13500000F7",
	"EB13500000F8", "EB13500000FA",
	"EC1000000072", "EC1000000073", "EC1200000076", "EC1200000077", "EC100000007E", "EC100000007F",
	"EC13000000D8", "EC13000000DA", "EC12500000F6", "EC12500000F7", "EC10500000FE", "EC10500000FF",
};

static unsigned hex_ilc(const char *hex)
{
	unsigned op;
	sscanf(hex, "%2x", &op);
	return op < 0x40 ? 1 : op < 0xC0 ? 2 : 3;
}

START_TEST(test_ext_opcodes_are_operation_exceptions_with_extension_off)
{
	for (unsigned i = 0; i < sizeof ext_opcodes / sizeof ext_opcodes[0]; i++) {
		struct machine *off = h_new(64 * 1024, false);
		cpu_set_gpr(machine_cpu(off), 5, DATA);
		h_code(off, CODE, ext_opcodes[i]);
		run_at(off, CODE, 1, 0, 0);
		ck_assert_msg(h_program_interrupted(off), "%s: no interruption", ext_opcodes[i]);
		ck_assert_msg(h_pic(off) == 0x0001, "%s: code %04X", ext_opcodes[i], h_pic(off));
		ck_assert_msg(h_pic_ilc(off) == hex_ilc(ext_opcodes[i]), "%s: ILC %u", ext_opcodes[i],
			      h_pic_ilc(off));
		machine_free(off);
	}
}
END_TEST

START_TEST(test_ext_opcodes_are_installed_with_extension_on)
{
	for (unsigned i = 0; i < sizeof ext_opcodes / sizeof ext_opcodes[0]; i++) {
		struct machine *on = h_new(64 * 1024, true);
		cpu_set_gpr(machine_cpu(on), 5, DATA);
		h_code(on, CODE, ext_opcodes[i]);
		run_at(on, CODE, 1, 0, 0);
		ck_assert_msg(!h_program_interrupted(on) || h_pic(on) != 0x0001, "%s: operation exception",
			      ext_opcodes[i]);
		machine_free(on);
	}
}
END_TEST

START_TEST(test_sam31_is_not_provided)
{
	run1("010D");
	expect_pic(0x0001);
}
END_TEST

/* ================================================================================================
 * 4A: BSM, BASSM, TAM, SAM24, MVCLE, CLCLE, CKSM, CUSE, TRE
 */

START_TEST(test_bassm_saves_24_bit_address_and_branches)
{
	set(14, 0xFFFFFFFF);
	set(15, 0xFF000000 | DATA);
	run1("0CEF");
	ck_assert_uint_eq(gr(14), CODE + 2);
	ck_assert_uint_eq(h_ia(m), DATA);
	set(14, 0xFFFFFFFF);
	run1("0CE0"); /* R2 = 0: no branch */
	ck_assert_uint_eq(gr(14), CODE + 2);
	ck_assert_uint_eq(h_ia(m), CODE + 2);
	set(14, DATA2);
	run1("0CEE"); /* R1 = R2: the branch address is the old contents */
	ck_assert_uint_eq(gr(14), CODE + 2);
	ck_assert_uint_eq(h_ia(m), DATA2);
}
END_TEST

START_TEST(test_bsm_clears_mode_bit_of_r1_and_branches)
{
	set(14, 0xFFFFFFFF);
	set(15, 0x80000000 | DATA);
	run1("0BEF");
	ck_assert_uint_eq(gr(14), 0x7FFFFFFFu);
	ck_assert_uint_eq(h_ia(m), DATA);
	set(0, 0xFFFFFFFF);
	run1("0B0F"); /* R1 = 0: unchanged */
	ck_assert_uint_eq(gr(0), 0xFFFFFFFFu);
	ck_assert_uint_eq(h_ia(m), DATA);
	set(14, 0x80001234);
	run1("0BE0"); /* R2 = 0: no branch */
	ck_assert_uint_eq(gr(14), 0x00001234u);
	ck_assert_uint_eq(h_ia(m), CODE + 2);
}
END_TEST

START_TEST(test_tam_reports_24_bit_mode_cc0)
{
	run1_cc("010B", 3);
	expect_ok();
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(h_ia(m), CODE + 2);
}
END_TEST

START_TEST(test_sam24_is_no_operation)
{
	run1_cc("010C", 2);
	expect_ok();
	ck_assert_uint_eq(h_cc(m), 2);
	ck_assert_uint_eq(h_ia(m), CODE + 2);
}
END_TEST

START_TEST(test_mvcle_pads_and_sets_cc_by_lengths)
{
	static const struct {
		uint32_t len1, len3;
		unsigned cc;
	} t[] = {
		{20, 10, 2},
		{10, 10, 0},
		{5, 10, 1},
		{0, 10, 1},
		{7, 0, 2},
	};
	put_bytes(DATA, "0123456789", 10);
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		fill(DATA2, 0xEE, 32);
		set(2, 0xFF000000 | DATA2);
		set(3, t[i].len1);
		set(4, DATA);
		set(5, t[i].len3);
		run1("A8 24 0040"); /* MVCLE 2,4,X'40' */
		expect_ok();
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
		uint32_t moved = t[i].len1 < t[i].len3 ? t[i].len1 : t[i].len3;
		ck_assert_uint_eq(gr(2), DATA2 + t[i].len1);
		ck_assert_uint_eq(gr(3), 0);
		ck_assert_uint_eq(gr(4), DATA + moved);
		ck_assert_uint_eq(gr(5), t[i].len3 - moved);
		uint8_t out[32], want[32];
		memset(want, 0xEE, sizeof want);
		memset(want, 0x40, t[i].len1);
		memcpy(want, "0123456789", moved);
		h_get(m, DATA2, out, sizeof out);
		ck_assert_msg(memcmp(out, want, sizeof out) == 0, "row %u: bytes", i);
	}
}
END_TEST

START_TEST(test_mvcle_odd_register_is_specification_exception)
{
	run1("A8 34 0040");
	expect_pic(0x0006);
	run1("A8 23 0040");
	expect_pic(0x0006);
}
END_TEST

START_TEST(test_mvcle_long_clear_loops_on_cc3)
{
	const uint32_t dst = 0x4000, len = 10000;
	fill(dst, 0xEE, len + 4);
	/* MVCLE 2,4,0; BRC 1,*-4; BRC 15,*+0 */
	h_code(m, CODE, "A824 0000 A714 FFFE A7F4 0000");
	set(2, dst);
	set(3, len);
	set(4, 0);
	set(5, 0);
	run1("A824 0000");
	ck_assert_uint_eq(h_cc(m), 3); /* a CPU-determined part */
	ck_assert_uint_gt(gr(2), dst);
	ck_assert_uint_eq(gr(2) - dst + gr(3), len);
	run_at(m, CODE, 1000, 0, 0);
	ck_assert_uint_eq(h_ia(m), CODE + 8);
	ck_assert_uint_eq(h_cc(m), 2);
	ck_assert_uint_eq(gr(2), dst + len);
	ck_assert_uint_eq(gr(3), 0);
	static uint8_t out[10004], want[10004];
	memset(want, 0, len);
	memset(want + len, 0xEE, 4);
	h_get(m, dst, out, len + 4);
	ck_assert(memcmp(out, want, len + 4) == 0);
}
END_TEST

START_TEST(test_clcle_compares_with_padding)
{
	static const struct {
		const char *s1, *s3;
		uint32_t n1, n3;
		const char *insn;
		unsigned cc, off1, off3;
	} t[] = {
		{"\xC1\xC2\x40\x40", "\xC1\xC2", 4, 2, "A9240040", 0, 4, 2},
		{"\xC1\xC2\xC3", "\xC1\xC2\xC4", 3, 3, "A9240040", 1, 2, 2},
		{"\xC1\xC2\xC5", "\xC1\xC2\xC4", 3, 3, "A9240040", 2, 2, 2},
		{"\xC1\xC2", "\xC1\xC2\x40", 2, 3, "A9240000", 1, 2, 2}, /* pad 00 < 40 */
		{"", "", 0, 0, "A9240040", 0, 0, 0},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		put_bytes(DATA, t[i].s1, t[i].n1);
		put_bytes(DATA2, t[i].s3, t[i].n3);
		set(2, DATA);
		set(3, t[i].n1);
		set(4, DATA2);
		set(5, t[i].n3);
		run1(t[i].insn);
		expect_ok();
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
		ck_assert_msg(gr(2) == DATA + t[i].off1, "row %u: R2 %08X", i, gr(2));
		ck_assert_msg(gr(3) == t[i].n1 - t[i].off1, "row %u: R3 %u", i, gr(3));
		ck_assert_msg(gr(4) == DATA2 + t[i].off3, "row %u: R4 %08X", i, gr(4));
		ck_assert_msg(gr(5) == t[i].n3 - t[i].off3, "row %u: R5 %u", i, gr(5));
	}
}
END_TEST

START_TEST(test_clcle_long_equal_operands_resume_after_cc3)
{
	fill(DATA, 0x5A, 10000);
	fill(0xA000, 0x5A, 10000);
	set(2, DATA);
	set(3, 10000);
	set(4, 0xA000);
	set(5, 10000);
	run1("A924 0000");
	ck_assert_uint_eq(h_cc(m), 3);
	for (int n = 0; h_cc(m) == 3 && n < 1000; n++)
		run1("A924 0000");
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(gr(2), DATA + 10000);
	ck_assert_uint_eq(gr(3), 0);
	ck_assert_uint_eq(gr(5), 0);
	run1("A9 25 0000");
	expect_pic(0x0006);
}
END_TEST

START_TEST(test_cksm_end_around_carry_and_short_last_word)
{
	put_bytes(DATA, "\x01\x00\x00\x00\xFF\xFF\xFF\xFF\x12", 9);
	set(2, 0);
	set(4, DATA);
	set(5, 9);
	run1("B241 0024");
	expect_ok();
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(gr(2), 0x13000000u);
	ck_assert_uint_eq(gr(4), DATA + 9);
	ck_assert_uint_eq(gr(5), 0);
	run1("B241 0025");
	expect_pic(0x0006);
}
END_TEST

START_TEST(test_cksm_long_operand_resumes_after_cc3)
{
	/* 2500 words of 01010101: 2500 * 01010101 modulo FFFFFFFF = CDCDCDCD (2500 mod 255 = 205). */
	fill(DATA, 0x01, 10000);
	set(2, 0);
	set(4, DATA);
	set(5, 10000);
	run1("B241 0024");
	ck_assert_uint_eq(h_cc(m), 3);
	for (int n = 0; h_cc(m) == 3 && n < 1000; n++)
		run1("B241 0024");
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(gr(2), 0xCDCDCDCDu);
	ck_assert_uint_eq(gr(4), DATA + 10000);
}
END_TEST

START_TEST(test_cuse_finds_equal_substring)
{
	static const struct {
		const char *s1, *s2;
		uint32_t n1, n2;
		uint8_t sublen;
		unsigned cc, off1, off2;
	} t[] = {
		{"ABCDEF", "XBCXEF", 6, 6, 2, 0, 1, 1},
		{"ABC", "XYZ", 3, 3, 1, 2, 3, 3},
		{"ABCDE", "XYZDE", 5, 5, 3, 1, 3, 3}, /* ends inside a run of 2 */
		{"AB  ", "XB", 4, 2, 3, 0, 1, 1},    /* the pad completes the substring */
		{"ABC", "ABC", 3, 3, 0, 0, 0, 0},     /* substring length 0 */
		{"", "", 0, 0, 1, 2, 0, 0},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		put_bytes(DATA, t[i].s1, t[i].n1);
		put_bytes(DATA2, t[i].s2, t[i].n2);
		set(0, t[i].sublen);
		set(1, ' ');
		set(2, DATA);
		set(3, t[i].n1);
		set(4, DATA2);
		set(5, t[i].n2);
		run1("B257 0024");
		expect_ok();
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
		ck_assert_msg(gr(2) == DATA + t[i].off1, "row %u: R2 %08X", i, gr(2));
		ck_assert_msg(gr(3) == t[i].n1 - t[i].off1, "row %u: R3 %u", i, gr(3));
		ck_assert_msg(gr(4) == DATA2 + t[i].off2, "row %u: R4 %08X", i, gr(4));
		ck_assert_msg(gr(5) == t[i].n2 - t[i].off2, "row %u: R5 %u", i, gr(5));
	}
}
END_TEST

START_TEST(test_cuse_odd_register_is_specification_exception)
{
	set(0, 1);
	run1("B257 0034");
	expect_pic(0x0006);
	run1("B257 0025");
	expect_pic(0x0006);
}
END_TEST

START_TEST(test_cuse_long_mismatch_resumes_after_cc3)
{
	fill(DATA, 'A', 1000);
	fill(DATA2, 'B', 1000);
	set(0, 1);
	set(1, 0);
	set(2, DATA);
	set(3, 1000);
	set(4, DATA2);
	set(5, 1000);
	run1("B257 0024");
	ck_assert_uint_eq(h_cc(m), 3);
	ck_assert_uint_eq(gr(2) - DATA, gr(4) - DATA2);
	ck_assert_uint_eq(gr(3), 1000 - (gr(2) - DATA));
	for (int n = 0; h_cc(m) == 3 && n < 1000; n++)
		run1("B257 0024");
	ck_assert_uint_eq(h_cc(m), 2);
	ck_assert_uint_eq(gr(2), DATA + 1000);
	ck_assert_uint_eq(gr(3), 0);
	ck_assert_uint_eq(gr(5), 0);
}
END_TEST

static void tre_table(void)
{
	uint8_t table[256];
	for (int i = 0; i < 256; i++)
		table[i] = (uint8_t)(i ^ 0x20);
	h_put(m, DATA2, table, sizeof table);
}

START_TEST(test_tre_translates_until_test_byte)
{
	tre_table();
	put_bytes(DATA, "abc", 3);
	set(0, 0);
	set(2, DATA);
	set(3, 3);
	set(4, DATA2);
	run1("B2A5 0024");
	expect_ok();
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(gr(2), DATA + 3);
	ck_assert_uint_eq(gr(3), 0);
	uint8_t out[3];
	h_get(m, DATA, out, 3);
	ck_assert_mem_eq(out, "ABC", 3);

	put_bytes(DATA, "abc", 3);
	set(0, 'b');
	set(2, DATA);
	set(3, 3);
	run1("B2A5 0024");
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(gr(2), DATA + 1);
	ck_assert_uint_eq(gr(3), 2);
	h_get(m, DATA, out, 3);
	ck_assert_mem_eq(out, "Abc", 3);

	run1("B2A5 0034");
	expect_pic(0x0006);
}
END_TEST

START_TEST(test_tre_long_operand_resumes_after_cc3)
{
	tre_table();
	fill(0x4000, 'q', 1000);
	set(0, 0);
	set(2, 0x4000);
	set(3, 1000);
	set(4, DATA2);
	run1("B2A5 0024");
	ck_assert_uint_eq(h_cc(m), 3);
	for (int n = 0; h_cc(m) == 3 && n < 1000; n++)
		run1("B2A5 0024");
	ck_assert_uint_eq(h_cc(m), 0);
	static uint8_t out[1000], want[1000];
	memset(want, 'Q', sizeof want);
	h_get(m, 0x4000, out, sizeof out);
	ck_assert(memcmp(out, want, sizeof out) == 0);
}
END_TEST

/* ================================================================================================
 * 4B. Many instructions share a row table; each instruction's test runs the rows of its own
 * mnemonic (ROWS_TEST), so that every instruction has a test of its own name.
 */

#define ROWS_TEST(name, check, mn)   \
	START_TEST(name)             \
	{                            \
		check(mn);           \
	}                            \
	END_TEST

/* ---- Relative long (the operand is 0x80 halfwords = 0x100 bytes past CODE) ---- */

START_TEST(test_lrl_loads_word_relative_long)
{
	h_set_word(m, CODE + 0x100, 0x12345678);
	run1("C43D 00000080"); /* LRL 3,*+256 */
	expect_ok();
	ck_assert_uint_eq(gr(3), 0x12345678u);
	ck_assert_uint_eq(h_ia(m), CODE + 6);
}
END_TEST

START_TEST(test_strl_stores_word_relative_long)
{
	set(3, 0xCAFEBABE);
	run1("C43F 00000080"); /* STRL 3,*+256 */
	expect_ok();
	ck_assert_uint_eq(h_word(m, CODE + 0x100), 0xCAFEBABEu);
}
END_TEST

/* LRL, STRL, CRL, CLRL: a word operand not on a word boundary. */
static void check_unaligned_word(const char *mn)
{
	static const struct {
		const char *mn, *hex;
	} t[] = {
		{"LRL", "C43D00000081"},
		{"STRL", "C43F00000081"},
		{"CRL", "C63D00000081"},
		{"CLRL", "C63F00000081"},
	};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		run1(t[i].hex);
		expect_pic(0x0006);
		ck_assert_uint_eq(h_pic_ilc(m), 3);
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_lrl_unaligned_is_specification_exception, check_unaligned_word, "LRL")
ROWS_TEST(test_strl_unaligned_is_specification_exception, check_unaligned_word, "STRL")
ROWS_TEST(test_crl_unaligned_is_specification_exception, check_unaligned_word, "CRL")
ROWS_TEST(test_clrl_unaligned_is_specification_exception, check_unaligned_word, "CLRL")

START_TEST(test_lhrl_sign_extends_halfword)
{
	set_half(CODE + 0x100, 0x8001);
	run1("C435 00000080");
	ck_assert_uint_eq(gr(3), 0xFFFF8001u);
}
END_TEST

START_TEST(test_llhrl_zero_extends_halfword)
{
	set_half(CODE + 0x100, 0x8001);
	run1("C432 00000080");
	ck_assert_uint_eq(gr(3), 0x00008001u);
}
END_TEST

START_TEST(test_sthrl_stores_bits_16_31)
{
	set_half(CODE + 0x102, 0xEEEE);
	set(3, 0x12348765);
	run1("C437 00000080");
	ck_assert_uint_eq(half(CODE + 0x100), 0x8765);
	ck_assert_uint_eq(half(CODE + 0x102), 0xEEEE);
}
END_TEST

static void check_compare_relative_long(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t mem, r;
		unsigned cc;
	} t[] = {
		{"CHRL", "C63500000080", 0x80000000, 0xFFFF8000, 0}, /* halfword 8000 = -32768 */
		{"CHRL", "C63500000080", 0x80000000, 0, 2},
		{"CLHRL", "C63700000080", 0x80000000, 0x8000, 0},    /* halfword zero-extended */
		{"CLHRL", "C63700000080", 0x80000000, 0xFFFF8000, 2},
		{"CRL", "C63D00000080", 1, 0xFFFFFFFF, 1},
		{"CRL", "C63D00000080", 0x80000000, 0x80000000, 0},
		{"CLRL", "C63F00000080", 1, 0xFFFFFFFF, 2},
		{"CLRL", "C63F00000080", 0xFFFFFFFF, 0xFFFFFFFF, 0},
	};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		h_set_word(m, CODE + 0x100, t[i].mem);
		set(3, t[i].r);
		run1(t[i].hex);
		expect_ok();
		ck_assert_msg(h_cc(m) == t[i].cc, "%s row %u: cc %u", mn, i, h_cc(m));
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_chrl_compares_signed_halfword, check_compare_relative_long, "CHRL")
ROWS_TEST(test_clhrl_compares_logical_halfword, check_compare_relative_long, "CLHRL")
ROWS_TEST(test_crl_compares_signed_word, check_compare_relative_long, "CRL")
ROWS_TEST(test_clrl_compares_logical_word, check_compare_relative_long, "CLRL")

START_TEST(test_pfdrl_does_nothing)
{
	run1_cc("C622 7FFFFFFF", 2);
	expect_ok();
	ck_assert_uint_eq(h_ia(m), CODE + 6);
	ck_assert_uint_eq(h_cc(m), 2);
}
END_TEST

START_TEST(test_pfd_does_nothing_even_beyond_storage)
{
	set(5, 0xFFFFFF);
	run1("E320 5FFF 7F36");
	expect_ok();
	ck_assert_uint_eq(h_ia(m), CODE + 6);
}
END_TEST

START_TEST(test_exrl_ors_r1_into_target)
{
	h_code(m, CODE + 0x100, "A70A 0005"); /* AHI 0,5 */
	set(2, 0x30);
	set(3, 10);
	run1("C620 00000080"); /* EXRL 2,*+256: AHI 3,5 */
	expect_ok();
	ck_assert_uint_eq(gr(3), 15);
	ck_assert_uint_eq(h_cc(m), 2);
	ck_assert_uint_eq(h_ia(m), CODE + 6);
	set(0, 1);
	run1("C600 00000080"); /* R1 = 0: AHI 0,5 as it stands */
	ck_assert_uint_eq(gr(0), 6);
}
END_TEST

START_TEST(test_exrl_target_relative_operands_are_from_target)
{
	h_code(m, CODE + 0x100, "C0E0 00000010"); /* LARL 14,*+32 */
	run1("C600 00000080");
	ck_assert_uint_eq(gr(14), CODE + 0x120);
	ck_assert_uint_eq(h_ia(m), CODE + 6);

	h_code(m, CODE + 0x100, "A7E5 0004"); /* BRAS 14,*+8 */
	run1("C600 00000080");
	ck_assert_uint_eq(gr(14), CODE + 6); /* the instruction after the EXRL */
	ck_assert_uint_eq(h_ia(m), CODE + 0x108);
}
END_TEST

START_TEST(test_exrl_of_exrl_or_ex_is_execute_exception)
{
	h_code(m, CODE + 0x100, "C600 00000000");
	run1("C600 00000080");
	expect_pic(0x0003);
	ck_assert_uint_eq(h_pic_ilc(m), 3);
	ck_assert_uint_eq(h_pic_ia(m), CODE + 6);

	h_code(m, CODE + 0x100, "4400 0000");
	run1("C600 00000080");
	expect_pic(0x0003);
}
END_TEST

START_TEST(test_exrl_exception_in_target_has_exrl_ilc)
{
	h_code(m, CODE + 0x100, "A73A 0001"); /* AHI 3,1 */
	set(3, 0x7FFFFFFF);
	h_code(m, CODE, "C600 00000080");
	run_at(m, CODE, 1, 0, 8);
	expect_pic(0x0008);
	ck_assert_uint_eq(gr(3), 0x80000000u);
	ck_assert_uint_eq(h_pic_ilc(m), 3);
	ck_assert_uint_eq(h_pic_ia(m), CODE + 6);

	h_code(m, CODE + 0x100, "0000");
	run1("C600 00000080");
	expect_pic(0x0001);
	ck_assert_uint_eq(h_pic_ilc(m), 3);
}
END_TEST

/* ---- Extended immediate (R3; run with CC 3 so that an unchanged CC shows) ---- */

static void check_immediate(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t r, want;
		int cc; /* -1: unchanged */
	} t[] = {
		{"IILH", "A5321234", 0xAAAABBBB, 0x1234BBBB, -1},
		{"IILL", "A5331234", 0xAAAABBBB, 0xAAAA1234, -1},
		{"NILH", "A536F0F0", 0x1234FFFF, 0x1030FFFF, 1},
		{"NILH", "A536F0F0", 0x0F0FFFFF, 0x0000FFFF, 0},
		{"NILL", "A537FF00", 0xFFFF00FF, 0xFFFF0000, 0},
		{"NILL", "A537FF00", 0x12345678, 0x12345600, 1},
		{"OILH", "A53A0001", 0x00000000, 0x00010000, 1},
		{"OILH", "A53A0000", 0x0000FFFF, 0x0000FFFF, 0},
		{"OILL", "A53B0000", 0xFFFF0000, 0xFFFF0000, 0},
		{"OILL", "A53B8000", 0x00000000, 0x00008000, 1},
		{"LLILH", "A53E8001", 0xFFFFFFFF, 0x80010000, -1},
		{"LLILL", "A53F8001", 0xFFFFFFFF, 0x00008001, -1},
		{"XILF", "C037FFFFFFFF", 0x12345678, 0xEDCBA987, 1},
		{"XILF", "C037FFFFFFFF", 0xFFFFFFFF, 0, 0},
		{"IILF", "C03912345678", 0xFFFFFFFF, 0x12345678, -1},
		{"NILF", "C03B0000FFFF", 0x12345678, 0x00005678, 1},
		{"NILF", "C03B0000FFFF", 0x12340000, 0, 0},
		{"OILF", "C03D80000000", 0x00000001, 0x80000001, 1},
		{"OILF", "C03D00000000", 0x00000000, 0x00000000, 0},
		{"LLILF", "C03FFFFFFFFF", 0x00000000, 0xFFFFFFFF, -1},
		{"MSFI", "C231FFFFFFFE", 3, 0xFFFFFFFA, -1},
		{"MSFI", "C23100010000", 0x00010000, 0, -1},
		{"SLFI", "C23500000001", 0, 0xFFFFFFFF, 1},
		{"SLFI", "C23500000001", 1, 0, 2},
		{"SLFI", "C23500000003", 5, 2, 3},
		{"AFI", "C2397FFFFFFF", 1, 0x80000000, 3},
		{"AFI", "C239FFFFFFFF", 0, 0xFFFFFFFF, 1},
		{"ALFI", "C23BFFFFFFFF", 1, 0, 2},
		{"ALFI", "C23B00000001", 1, 2, 1},
		{"ALFI", "C23BFFFFFFFF", 2, 1, 3},
		{"CFI", "C23DFFFFFFFF", 0, 0, 2},
		{"CFI", "C23D80000000", 0x80000000, 0x80000000, 0},
		{"CLFI", "C23FFFFFFFFF", 0, 0, 1},
		{"CLFI", "C23F00000001", 0xFFFFFFFF, 0xFFFFFFFF, 2},
	};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		set(3, t[i].r);
		run1_cc(t[i].hex, 3);
		expect_ok();
		ck_assert_msg(gr(3) == t[i].want, "row %u (%s): %08X", i, t[i].hex, gr(3));
		unsigned want_cc = t[i].cc < 0 ? 3 : (unsigned)t[i].cc;
		ck_assert_msg(h_cc(m) == want_cc, "row %u (%s): cc %u", i, t[i].hex, h_cc(m));
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_iilh_inserts_bits_0_15, check_immediate, "IILH")
ROWS_TEST(test_iill_inserts_bits_16_31, check_immediate, "IILL")
ROWS_TEST(test_nilh_ands_bits_0_15, check_immediate, "NILH")
ROWS_TEST(test_nill_ands_bits_16_31, check_immediate, "NILL")
ROWS_TEST(test_oilh_ors_bits_0_15, check_immediate, "OILH")
ROWS_TEST(test_oill_ors_bits_16_31, check_immediate, "OILL")
ROWS_TEST(test_llilh_loads_bits_0_15_clearing_rest, check_immediate, "LLILH")
ROWS_TEST(test_llill_loads_bits_16_31_clearing_rest, check_immediate, "LLILL")
ROWS_TEST(test_xilf_exclusive_or_word, check_immediate, "XILF")
ROWS_TEST(test_iilf_inserts_word, check_immediate, "IILF")
ROWS_TEST(test_nilf_ands_word, check_immediate, "NILF")
ROWS_TEST(test_oilf_ors_word, check_immediate, "OILF")
ROWS_TEST(test_llilf_loads_word, check_immediate, "LLILF")
ROWS_TEST(test_msfi_keeps_low_32_bits, check_immediate, "MSFI")
ROWS_TEST(test_slfi_subtracts_logical, check_immediate, "SLFI")
ROWS_TEST(test_afi_adds_signed_with_overflow_cc, check_immediate, "AFI")
ROWS_TEST(test_alfi_adds_logical_with_carry_cc, check_immediate, "ALFI")
ROWS_TEST(test_cfi_compares_signed, check_immediate, "CFI")
ROWS_TEST(test_clfi_compares_logical, check_immediate, "CLFI")

START_TEST(test_afi_overflow_with_mask_interrupts)
{
	set(3, 0x80000000);
	h_code(m, CODE, "C239 FFFFFFFF");
	run_at(m, CODE, 1, 0, 8);
	expect_pic(0x0008);
	ck_assert_uint_eq(gr(3), 0x7FFFFFFFu);
	ck_assert_uint_eq(h_pic_ia(m), CODE + 6);
}
END_TEST

/* ---- Sign and zero extension (R3 from R2; CC 1 must stay), LB, LLC, LLH, LT, RLL ---- */

static void check_extend_register(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t r2, want;
	} t[] = {
		{"LLCR", "B9940032", 0x123456F0, 0x000000F0},
		{"LLHR", "B9950032", 0x123456F0, 0x000056F0},
		{"LBR", "B9260032", 0x123456F0, 0xFFFFFFF0},
		{"LBR", "B9260032", 0xFFFFFF7F, 0x0000007F},
		{"LHR", "B9270032", 0x12348001, 0xFFFF8001},
		{"LHR", "B9270032", 0xFFFF7FFF, 0x00007FFF},
	};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		set(2, t[i].r2);
		run1_cc(t[i].hex, 1);
		expect_ok();
		ck_assert_msg(gr(3) == t[i].want, "row %u: %08X", i, gr(3));
		ck_assert_uint_eq(h_cc(m), 1);
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_llcr_zero_extends_byte, check_extend_register, "LLCR")
ROWS_TEST(test_llhr_zero_extends_halfword, check_extend_register, "LLHR")
ROWS_TEST(test_lbr_sign_extends_byte, check_extend_register, "LBR")
ROWS_TEST(test_lhr_sign_extends_halfword, check_extend_register, "LHR")

START_TEST(test_lb_sign_extends_storage_byte)
{
	put_bytes(DATA, "\x80", 1);
	set(5, DATA);
	run1("E330 5000 0076");
	ck_assert_uint_eq(gr(3), 0xFFFFFF80u);
}
END_TEST

START_TEST(test_llc_zero_extends_storage_byte)
{
	put_bytes(DATA, "\x80", 1);
	set(5, DATA);
	run1("E330 5000 0094");
	ck_assert_uint_eq(gr(3), 0x80);
}
END_TEST

START_TEST(test_llh_zero_extends_storage_halfword)
{
	put_bytes(DATA, "\x80\x01", 2);
	set(5, DATA);
	run1("E330 5000 0095");
	ck_assert_uint_eq(gr(3), 0x8001);
}
END_TEST

START_TEST(test_lt_loads_and_sets_cc_by_sign)
{
	static const struct {
		uint32_t v;
		unsigned cc;
	} t[] = {{0x80000000, 1}, {0, 0}, {5, 2}};
	set(5, DATA);
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		h_set_word(m, DATA, t[i].v);
		run1_cc("E330 5000 0012", 3);
		ck_assert_uint_eq(gr(3), t[i].v);
		ck_assert_uint_eq(h_cc(m), t[i].cc);
	}
}
END_TEST

START_TEST(test_rll_rotates_modulo_32)
{
	set(3, 0x12345678);
	run1("EB13 0004 001D"); /* RLL 1,3,4 */
	ck_assert_uint_eq(gr(1), 0x23456781u);
	run1("EB13 0024 001D"); /* 36 */
	ck_assert_uint_eq(gr(1), 0x23456781u);
	run1("EB13 0000 001D");
	ck_assert_uint_eq(gr(1), 0x12345678u);
	ck_assert_uint_eq(gr(3), 0x12345678u);
}
END_TEST

/* ---- Long-displacement storage forms (R5 = DATA + 4, displacement -4) ---- */

static void check_long_displacement_word(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t r3, mem, want;
		int cc; /* -1: unchanged (run with CC 3) */
	} t[] = {
		{"LY", "E3305FFCFF58", 0, 0x10, 0x10, -1},
		{"AY", "E3305FFCFF5A", 0x7FFFFFF0, 0x10, 0x80000000, 3},
		{"AY", "E3305FFCFF5A", 0xFFFFFFF0, 0x10, 0, 0},
		{"SY", "E3305FFCFF5B", 0x10, 0x10, 0, 0},
		{"SY", "E3305FFCFF5B", 0x80000000, 0x10, 0x7FFFFFF0, 3},
		{"ALY", "E3305FFCFF5E", 0xFFFFFFF0, 0x10, 0, 2},
		{"ALY", "E3305FFCFF5E", 1, 0x10, 0x11, 1},
		{"SLY", "E3305FFCFF5F", 0x0F, 0x10, 0xFFFFFFFF, 1},
		{"SLY", "E3305FFCFF5F", 0x11, 0x10, 1, 3},
		{"CY", "E3305FFCFF59", 0xFFFFFFFF, 0x10, 0xFFFFFFFF, 1},
		{"CLY", "E3305FFCFF55", 0xFFFFFFFF, 0x10, 0xFFFFFFFF, 2},
		{"NY", "E3305FFCFF54", 0x30, 0x10, 0x10, 1},
		{"NY", "E3305FFCFF54", 0x20, 0x10, 0, 0},
		{"OY", "E3305FFCFF56", 0, 0x10, 0x10, 1},
		{"XY", "E3305FFCFF57", 0x10, 0x10, 0, 0},
		{"MSY", "E3305FFCFF51", 3, 0x10, 0x30, -1},
		{"MSY", "E3305FFCFF51", 0x10000000, 0x10, 0, -1},
	};
	unsigned n = 0;
	set(5, DATA + 4);
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		h_set_word(m, DATA, t[i].mem);
		set(3, t[i].r3);
		run1_cc(t[i].hex, 3);
		expect_ok();
		ck_assert_msg(gr(3) == t[i].want, "row %u (%s): %08X", i, t[i].hex, gr(3));
		unsigned want_cc = t[i].cc < 0 ? 3 : (unsigned)t[i].cc;
		ck_assert_msg(h_cc(m) == want_cc, "row %u (%s): cc %u", i, t[i].hex, h_cc(m));
		ck_assert_uint_eq(h_ia(m), CODE + 6);
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_ly_loads_with_negative_displacement, check_long_displacement_word, "LY")
ROWS_TEST(test_ay_adds_signed, check_long_displacement_word, "AY")
ROWS_TEST(test_sy_subtracts_signed, check_long_displacement_word, "SY")
ROWS_TEST(test_aly_adds_logical, check_long_displacement_word, "ALY")
ROWS_TEST(test_sly_subtracts_logical, check_long_displacement_word, "SLY")
ROWS_TEST(test_cy_compares_signed, check_long_displacement_word, "CY")
ROWS_TEST(test_cly_compares_logical, check_long_displacement_word, "CLY")
ROWS_TEST(test_ny_ands, check_long_displacement_word, "NY")
ROWS_TEST(test_oy_ors, check_long_displacement_word, "OY")
ROWS_TEST(test_xy_exclusive_ors, check_long_displacement_word, "XY")
ROWS_TEST(test_msy_keeps_low_32_bits, check_long_displacement_word, "MSY")

START_TEST(test_sty_stores_with_negative_displacement)
{
	set(5, DATA + 4);
	set(3, 0xCAFEBABE);
	run1("E330 5FFC FF50");
	expect_ok();
	ck_assert_uint_eq(h_word(m, DATA), 0xCAFEBABEu);
}
END_TEST

START_TEST(test_cvby_converts_packed_doubleword)
{
	static const struct {
		const char *field;
		uint32_t want;
		unsigned pic; /* 0: none */
	} t[] = {
		{"\x00\x00\x00\x00\x00\x01\x23\x4C", 1234, 0},
		{"\x00\x00\x00\x00\x00\x01\x23\x4D", 0xFFFFFB2E, 0}, /* -1234 */
		{"\x00\x00\x02\x14\x74\x83\x64\x8C", 0x80000000, 0x0009}, /* 2147483648 */
		{"\x00\x00\x00\x00\x00\x01\x23\x45", 0x5A5A5A5A, 0x0007}, /* sign 5 */
	};
	set(5, DATA + 4);
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		put_bytes(DATA, t[i].field, 8);
		set(3, 0x5A5A5A5A);
		run1("E330 5FFC FF06"); /* CVBY 3,-4(0,5) */
		if (t[i].pic)
			expect_pic(t[i].pic);
		else
			expect_ok();
		ck_assert_msg(gr(3) == t[i].want, "row %u: %08X", i, gr(3));
	}
}
END_TEST

START_TEST(test_cvdy_stores_packed_doubleword)
{
	set(5, DATA + 4);
	set(3, 0xFFFFFB2E); /* -1234 */
	run1("E330 5FFC FF26");
	expect_ok();
	uint8_t out[8];
	h_get(m, DATA, out, 8);
	ck_assert_mem_eq(out, "\x00\x00\x00\x00\x00\x01\x23\x4D", 8);
	set(3, 0x7FFFFFFF);
	run1("E330 5FFC FF26");
	h_get(m, DATA, out, 8);
	ck_assert_mem_eq(out, "\x00\x00\x02\x14\x74\x83\x64\x7C", 8); /* 2147483647 */
}
END_TEST

START_TEST(test_mfy_signed_64_bit_product)
{
	h_set_word(m, DATA, 0x10);
	set(5, DATA + 4);
	set(3, 0xFFFFFFFE);
	run1("E320 5FFC FF5C"); /* MFY 2,-4(0,5) */
	expect_ok();
	ck_assert_uint_eq(gr(2), 0xFFFFFFFFu);
	ck_assert_uint_eq(gr(3), 0xFFFFFFE0u);
	run1("E330 5FFC FF5C");
	expect_pic(0x0006);
}
END_TEST

static void check_long_displacement_halfword(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t r3, want;
		int cc;
	} t[] = {
		{"LHY", "E3305FFCFF78", 0, 0xFFFFFFFE, -1},
		{"CHY", "E3305FFCFF79", 0xFFFFFFFE, 0xFFFFFFFE, 0},
		{"CHY", "E3305FFCFF79", 0, 0, 2},
		{"AHY", "E3305FFCFF7A", 0x80000001, 0x7FFFFFFF, 3},
		{"AHY", "E3305FFCFF7A", 5, 3, 2},
		{"SHY", "E3305FFCFF7B", 0x7FFFFFFE, 0x80000000, 3},
		{"SHY", "E3305FFCFF7B", 0xFFFFFFFE, 0, 0},
		{"MHY", "E3305FFCFF7C", 5, 0xFFFFFFF6, -1},
	};
	unsigned n = 0;
	set_half(DATA, 0xFFFE);
	set(5, DATA + 4);
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		set(3, t[i].r3);
		run1_cc(t[i].hex, 3);
		expect_ok();
		ck_assert_msg(gr(3) == t[i].want, "row %u (%s): %08X", i, t[i].hex, gr(3));
		unsigned want_cc = t[i].cc < 0 ? 3 : (unsigned)t[i].cc;
		ck_assert_msg(h_cc(m) == want_cc, "row %u (%s): cc %u", i, t[i].hex, h_cc(m));
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_lhy_sign_extends_halfword, check_long_displacement_halfword, "LHY")
ROWS_TEST(test_chy_compares_with_halfword, check_long_displacement_halfword, "CHY")
ROWS_TEST(test_ahy_adds_halfword_with_overflow_cc, check_long_displacement_halfword, "AHY")
ROWS_TEST(test_shy_subtracts_halfword_with_overflow_cc, check_long_displacement_halfword, "SHY")
ROWS_TEST(test_mhy_keeps_low_32_bits, check_long_displacement_halfword, "MHY")

/* ---- Storage-immediate (D1(B1) = 0(5), R5 = DATA) ---- */

START_TEST(test_mvhhi_stores_halfword_immediate)
{
	set(5, DATA);
	h_set_word(m, DATA, 0xEEEEEEEE);
	run1("E544 5000 FFFE");
	expect_ok();
	ck_assert_uint_eq(h_word(m, DATA), 0xFFFEEEEEu);
}
END_TEST

START_TEST(test_mvhi_stores_sign_extended_word)
{
	set(5, DATA);
	run1("E54C 5000 FFFE");
	ck_assert_uint_eq(h_word(m, DATA), 0xFFFFFFFEu);
	run1("E54C 5000 7FFF");
	ck_assert_uint_eq(h_word(m, DATA), 0x00007FFFu);
}
END_TEST

static void check_compare_storage_immediate(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t mem;
		unsigned cc;
	} t[] = {
		{"CHHSI", "E5545000FFFE", 0xFFFE0000, 0},  /* -2 vs -2 */
		{"CHHSI", "E5545000FFFE", 0x00010000, 2},  /* 1 vs -2 */
		{"CLHHSI", "E5555000FFFE", 0x00010000, 1}, /* 1 vs 65534 */
		{"CLHHSI", "E5555000FFFE", 0xFFFF0000, 2},
		{"CHSI", "E55C5000FFFE", 0xFFFFFFFE, 0},
		{"CHSI", "E55C5000FFFE", 0x0000FFFE, 2},
		{"CLFHSI", "E55D5000FFFE", 0x0000FFFE, 0}, /* the immediate is zero-extended */
		{"CLFHSI", "E55D5000FFFE", 0xFFFFFFFE, 2},
	};
	unsigned n = 0;
	set(5, DATA);
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		h_set_word(m, DATA, t[i].mem);
		run1(t[i].hex);
		expect_ok();
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u (%s): cc %u", i, t[i].hex, h_cc(m));
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_chhsi_compares_halfword_signed, check_compare_storage_immediate, "CHHSI")
ROWS_TEST(test_clhhsi_compares_halfword_logical, check_compare_storage_immediate, "CLHHSI")
ROWS_TEST(test_chsi_compares_word_signed, check_compare_storage_immediate, "CHSI")
ROWS_TEST(test_clfhsi_compares_word_logical, check_compare_storage_immediate, "CLFHSI")

static void check_add_storage_immediate(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t mem, want;
		unsigned cc;
	} t[] = {
		{"ASI", "EB015000006A", 0x7FFFFFFF, 0x80000000, 3}, /* ASI 0(5),1 */
		{"ASI", "EBFF5000006A", 0, 0xFFFFFFFF, 1},          /* ASI 0(5),-1 */
		{"ALSI", "EBFF5000006E", 5, 4, 3},                  /* ALSI -1: a carry */
		{"ALSI", "EBFF5000006E", 0, 0xFFFFFFFF, 1},
		{"ALSI", "EB015000006E", 0xFFFFFFFF, 0, 2},
	};
	unsigned n = 0;
	set(5, DATA);
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		h_set_word(m, DATA, t[i].mem);
		run1(t[i].hex);
		expect_ok();
		ck_assert_msg(h_word(m, DATA) == t[i].want, "row %u: %08X", i, h_word(m, DATA));
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_asi_adds_signed_immediate_to_storage, check_add_storage_immediate, "ASI")
ROWS_TEST(test_alsi_adds_signed_immediate_logically, check_add_storage_immediate, "ALSI")

START_TEST(test_asi_overflow_with_mask_stores_then_interrupts)
{
	set(5, DATA);
	h_set_word(m, DATA, 0x7FFFFFFF);
	h_code(m, CODE, "EB01 5000 006A");
	run_at(m, CODE, 1, 0, 8);
	expect_pic(0x0008);
	ck_assert_uint_eq(h_word(m, DATA), 0x80000000u);
}
END_TEST

/* ---- Distinct operands ---- */

static void check_distinct_register(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t r2, r3, want;
		unsigned cc;
	} t[] = {
		{"ARK", "B9F83012", 0x7FFFFFFF, 1, 0x80000000, 3}, /* ARK 1,2,3 */
		{"ARK", "B9F83012", 5, 0xFFFFFFFF, 4, 2},
		{"SRK", "B9F93012", 5, 7, 0xFFFFFFFE, 1},          /* R2 - R3 */
		{"SRK", "B9F93012", 0x80000000, 1, 0x7FFFFFFF, 3},
		{"ALRK", "B9FA3012", 0xFFFFFFFF, 1, 0, 2},
		{"ALRK", "B9FA3012", 1, 1, 2, 1},
		{"SLRK", "B9FB3012", 5, 5, 0, 2},
		{"SLRK", "B9FB3012", 5, 6, 0xFFFFFFFF, 1},
		{"NRK", "B9F43012", 0xF0, 0x0F, 0, 0},
		{"NRK", "B9F43012", 0xF0, 0x3F, 0x30, 1},
		{"ORK", "B9F63012", 0xF0, 0x0F, 0xFF, 1},
		{"ORK", "B9F63012", 0, 0, 0, 0},
		{"XRK", "B9F73012", 0xFF, 0xFF, 0, 0},
		{"XRK", "B9F73012", 0xFF, 0x0F, 0xF0, 1},
	};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		set(1, 0x5A5A5A5A);
		set(2, t[i].r2);
		set(3, t[i].r3);
		run1(t[i].hex);
		expect_ok();
		ck_assert_msg(gr(1) == t[i].want, "row %u (%s): %08X", i, t[i].hex, gr(1));
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u (%s): cc %u", i, t[i].hex, h_cc(m));
		ck_assert_uint_eq(gr(2), t[i].r2);
		ck_assert_uint_eq(gr(3), t[i].r3);
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_ark_adds_into_third_register, check_distinct_register, "ARK")
ROWS_TEST(test_srk_subtracts_into_third_register, check_distinct_register, "SRK")
ROWS_TEST(test_alrk_adds_logical_into_third_register, check_distinct_register, "ALRK")
ROWS_TEST(test_slrk_subtracts_logical_into_third_register, check_distinct_register, "SLRK")
ROWS_TEST(test_nrk_ands_into_third_register, check_distinct_register, "NRK")
ROWS_TEST(test_ork_ors_into_third_register, check_distinct_register, "ORK")
ROWS_TEST(test_xrk_exclusive_ors_into_third_register, check_distinct_register, "XRK")

START_TEST(test_ahik_adds_halfword_immediate_into_r1)
{
	set(3, 0);
	run1("EC13 FFFF 00D8"); /* AHIK 1,3,-1 */
	ck_assert_uint_eq(gr(1), 0xFFFFFFFFu);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(h_ia(m), CODE + 6);
	set(3, 0x7FFFFFFF);
	run1("EC13 0001 00D8");
	ck_assert_uint_eq(gr(1), 0x80000000u);
	ck_assert_uint_eq(h_cc(m), 3);
	ck_assert_uint_eq(gr(3), 0x7FFFFFFFu);
}
END_TEST

START_TEST(test_alhsik_adds_signed_halfword_logically)
{
	set(3, 1);
	run1("EC13 FFFF 00DA"); /* ALHSIK 1,3,-1: 1 + FFFFFFFF carries */
	ck_assert_uint_eq(gr(1), 0);
	ck_assert_uint_eq(h_cc(m), 2);
	ck_assert_uint_eq(gr(3), 1);
	set(3, 0);
	run1("EC13 FFFF 00DA");
	ck_assert_uint_eq(gr(1), 0xFFFFFFFFu);
	ck_assert_uint_eq(h_cc(m), 1);
}
END_TEST

static void check_shift_distinct(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t r3, want;
		int cc;
	} t[] = {
		{"SRAK", "EB13000400DC", 0x80000000, 0xF8000000, 1}, /* SRAK 1,3,4 */
		{"SRAK", "EB13002800DC", 0x80000000, 0xFFFFFFFF, 1}, /* by 40 */
		{"SRAK", "EB13000400DC", 0x00000010, 0x00000001, 2},
		{"SLAK", "EB13000100DD", 0x40000000, 0x00000000, 3}, /* overflow */
		{"SLAK", "EB13000200DD", 0xFFFFFFFF, 0xFFFFFFFC, 1},
		{"SLAK", "EB13000100DD", 0x00000000, 0x00000000, 0},
		{"SLAK", "EB13000400DD", 0x00000011, 0x00000110, 2},
		{"SRLK", "EB13000400DE", 0x80000000, 0x08000000, -1},
		{"SRLK", "EB13002000DE", 0x80000000, 0, -1},
		{"SLLK", "EB13000400DF", 0x80000001, 0x00000010, -1},
		{"SLLK", "EB13002000DF", 0x80000001, 0, -1},
	};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		set(3, t[i].r3);
		run1_cc(t[i].hex, 3);
		expect_ok();
		ck_assert_msg(gr(1) == t[i].want, "row %u (%s): %08X", i, t[i].hex, gr(1));
		unsigned want_cc = t[i].cc < 0 ? 3 : (unsigned)t[i].cc;
		ck_assert_msg(h_cc(m) == want_cc, "row %u (%s): cc %u", i, t[i].hex, h_cc(m));
		ck_assert_uint_eq(gr(3), t[i].r3);
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_srak_shifts_right_arithmetic_into_r1, check_shift_distinct, "SRAK")
ROWS_TEST(test_slak_shifts_left_arithmetic_into_r1, check_shift_distinct, "SLAK")
ROWS_TEST(test_srlk_shifts_right_logical_into_r1, check_shift_distinct, "SRLK")
ROWS_TEST(test_sllk_shifts_left_logical_into_r1, check_shift_distinct, "SLLK")

START_TEST(test_slak_overflow_with_mask_interrupts)
{
	set(3, 0x40000000);
	h_code(m, CODE, "EB13 0001 00DD");
	run_at(m, CODE, 1, 0, 8);
	expect_pic(0x0008);
	ck_assert_uint_eq(gr(1), 0);
}
END_TEST

/* ---- Load/store on condition, interlocked access ---- */

START_TEST(test_locr_loads_when_mask_selects_cc)
{
	set(1, 1);
	set(2, 2);
	run1_cc("B9F2 8012", 0); /* LOCR 1,2,8 */
	ck_assert_uint_eq(gr(1), 2);
	set(1, 1);
	run1_cc("B9F2 8012", 1);
	ck_assert_uint_eq(gr(1), 1);
	ck_assert_uint_eq(h_cc(m), 1);
}
END_TEST

START_TEST(test_loc_loads_only_when_selected)
{
	h_set_word(m, DATA, 0x12345678);
	set(5, DATA);
	run1_cc("EB18 5000 00F2", 0); /* LOC 1,0(5),8 */
	ck_assert_uint_eq(gr(1), 0x12345678u);
	set(1, 1);
	set(5, 0x20000); /* not selected: the operand is not accessed */
	run1_cc("EB18 5000 00F2", 2);
	expect_ok();
	ck_assert_uint_eq(gr(1), 1);
}
END_TEST

START_TEST(test_stoc_stores_only_when_selected)
{
	set(5, DATA);
	set(1, 0xCAFEBABE);
	run1_cc("EB1E 5000 00F3", 2); /* STOC 1,0(5),14 */
	ck_assert_uint_eq(h_word(m, DATA), 0xCAFEBABEu);
	set(1, 0);
	run1_cc("EB1E 5000 00F3", 3);
	ck_assert_uint_eq(h_word(m, DATA), 0xCAFEBABEu);
}
END_TEST

static void check_interlocked(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t mem, r3, want_mem;
		unsigned cc;
	} t[] = {
		{"LAA", "EB13500000F8", 0x7FFFFFFF, 1, 0x80000000, 3},
		{"LAA", "EB13500000F8", 5, 0xFFFFFFFF, 4, 2},
		{"LAAL", "EB13500000FA", 0xFFFFFFFF, 1, 0, 2},
		{"LAAL", "EB13500000FA", 1, 1, 2, 1},
		{"LAN", "EB13500000F4", 0xF0F0F0F0, 0x0F0F0F0F, 0, 0},
		{"LAN", "EB13500000F4", 0xF0F0F0F0, 0x00000010, 0x10, 1},
		{"LAO", "EB13500000F6", 0xF0000000, 0x0000000F, 0xF000000F, 1},
		{"LAO", "EB13500000F6", 0, 0, 0, 0},
		{"LAX", "EB13500000F7", 0xFF, 0xFF, 0, 0},
		{"LAX", "EB13500000F7", 0xFF, 0x0F, 0xF0, 1},
	};
	unsigned n = 0;
	set(5, DATA);
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		h_set_word(m, DATA, t[i].mem);
		set(1, 0x5A5A5A5A);
		set(3, t[i].r3);
		run1(t[i].hex);
		expect_ok();
		ck_assert_msg(gr(1) == t[i].mem, "row %u: R1 %08X", i, gr(1));
		ck_assert_msg(h_word(m, DATA) == t[i].want_mem, "row %u: %08X", i, h_word(m, DATA));
		ck_assert_msg(h_cc(m) == t[i].cc, "row %u: cc %u", i, h_cc(m));
	}
	ck_assert_uint_gt(n, 0);
	set(5, DATA + 2);
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		run1(t[i].hex);
		expect_pic(0x0006);
		break;
	}
}

ROWS_TEST(test_laa_loads_old_and_adds, check_interlocked, "LAA")
ROWS_TEST(test_laal_loads_old_and_adds_logical, check_interlocked, "LAAL")
ROWS_TEST(test_lan_loads_old_and_ands, check_interlocked, "LAN")
ROWS_TEST(test_lao_loads_old_and_ors, check_interlocked, "LAO")
ROWS_TEST(test_lax_loads_old_and_exclusive_ors, check_interlocked, "LAX")

START_TEST(test_laa_r1_equal_r3_adds_old_register)
{
	set(5, DATA);
	h_set_word(m, DATA, 10);
	set(3, 5);
	run1("EB33 5000 00F8"); /* LAA 3,3 */
	ck_assert_uint_eq(h_word(m, DATA), 15);
	ck_assert_uint_eq(gr(3), 10);
}
END_TEST

/* ---- Compare and branch, compare and trap: the CC is not changed ---- */

static void check_compare_branch_relative(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t r1, r2;
		uint32_t target; /* 0: not taken */
	} t[] = {
		{"CRJ", "EC1200048076", 5, 5, CODE + 8}, /* CRJ 1,2,8,*+8 */
		{"CRJ", "EC1200048076", 4, 5, 0},
		{"CRJ", "EC1200044076", 0xFFFFFFFF, 1, CODE + 8}, /* mask 4: -1 < 1 */
		{"CLRJ", "EC1200044077", 0xFFFFFFFF, 1, 0},       /* mask 4: not low */
		{"CLRJ", "EC1200042077", 0xFFFFFFFF, 1, CODE + 8},
		{"CIJ", "EC14FFFEFF7E", 0xFFFFFFFE, 0, CODE - 4}, /* CIJ 1,-1,4,*-4 */
		{"CIJ", "EC14FFFEFF7E", 0xFFFFFFFF, 0, 0},
		{"CLIJ", "EC12FFFEFF7F", 0x100, 0, CODE - 4},     /* CLIJ 1,255,2,*-4 */
		{"CLIJ", "EC12FFFEFF7F", 0xFF, 0, 0},
	};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		set(1, t[i].r1);
		set(2, t[i].r2);
		run1_cc(t[i].hex, 3);
		expect_ok();
		uint32_t want = t[i].target ? t[i].target : CODE + 6;
		ck_assert_msg(h_ia(m) == want, "row %u (%s): ia %06X", i, t[i].hex, h_ia(m));
		ck_assert_uint_eq(h_cc(m), 3);
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_crj_branches_relative_on_signed_compare, check_compare_branch_relative, "CRJ")
ROWS_TEST(test_clrj_branches_relative_on_logical_compare, check_compare_branch_relative, "CLRJ")
ROWS_TEST(test_cij_branches_relative_on_signed_immediate, check_compare_branch_relative, "CIJ")
ROWS_TEST(test_clij_branches_relative_on_unsigned_immediate, check_compare_branch_relative, "CLIJ")

static void check_compare_branch(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t r1, r2;
		bool taken;
	} t[] = {
		{"CRB", "EC12500080F6", 7, 7, true}, /* CRB 1,2,8,0(5) */
		{"CRB", "EC12500080F6", 7, 8, false},
		{"CRB", "EC12500020F6", 0xFFFFFFFF, 1, false},  /* mask 2: -1 is not high */
		{"CLRB", "EC12500020F7", 0xFFFFFFFF, 1, true},  /* mask 2 */
		{"CIB", "EC185000FFFE", 0xFFFFFFFF, 0, true},   /* CIB 1,-1,8,0(5) */
		{"CIB", "EC125000FFFE", 0xFFFFFFFF, 0, false},
		{"CLIB", "EC125000FFFF", 0x100, 0, true},       /* CLIB 1,255,2,0(5) */
		{"CLIB", "EC125000FFFF", 0xFF, 0, false},
	};
	unsigned n = 0;
	set(5, DATA2);
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		set(1, t[i].r1);
		set(2, t[i].r2);
		run1_cc(t[i].hex, 1);
		expect_ok();
		ck_assert_msg(h_ia(m) == (t[i].taken ? DATA2 : CODE + 6), "row %u: ia %06X", i, h_ia(m));
		ck_assert_uint_eq(h_cc(m), 1);
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_crb_branches_to_address_on_signed_compare, check_compare_branch, "CRB")
ROWS_TEST(test_clrb_branches_to_address_on_logical_compare, check_compare_branch, "CLRB")
ROWS_TEST(test_cib_branches_to_address_on_signed_immediate, check_compare_branch, "CIB")
ROWS_TEST(test_clib_branches_to_address_on_unsigned_immediate, check_compare_branch, "CLIB")

static void check_compare_trap(const char *mn)
{
	static const struct {
		const char *mn, *hex;
		uint32_t r1, r2;
		bool trap;
	} t[] = {
		{"CRT", "B9728012", 3, 3, true},               /* CRT 1,2,8 */
		{"CRT", "B9728012", 3, 4, false},
		{"CRT", "B9724012", 1, 0xFFFFFFFF, false},     /* mask 4: 1 is not low */
		{"CLRT", "B9734012", 1, 0xFFFFFFFF, true},     /* CLRT 1,2,4 */
		{"CLRT", "B9732012", 1, 0xFFFFFFFF, false},
		{"CIT", "EC10FFFF8072", 0xFFFFFFFF, 0, true},  /* CIT 1,-1,8 */
		{"CIT", "EC10FFFF2072", 0, 0, true},           /* CIT 1,-1,2 */
		{"CIT", "EC10FFFF4072", 0, 0, false},
		{"CLFIT", "EC10FFFF2073", 0xFFFFFFFF, 0, true}, /* CLFIT 1,65535,2 */
		{"CLFIT", "EC10FFFF2073", 0xFFFF, 0, false},
	};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i].mn, mn))
			continue;
		n++;
		h_set_word(m, 0x90, 0);
		set(1, t[i].r1);
		set(2, t[i].r2);
		run1_cc(t[i].hex, 2);
		uint32_t len = t[i].hex[0] == 'B' ? 4 : 6;
		if (t[i].trap) {
			expect_pic(0x0007);
			ck_assert_msg(h_word(m, 0x90) == 0xFF, "row %u: DXC word %08X", i, h_word(m, 0x90));
			ck_assert_uint_eq(h_pic_ia(m), CODE + len);
		} else {
			expect_ok();
			ck_assert_uint_eq(h_ia(m), CODE + len);
			ck_assert_uint_eq(h_cc(m), 2);
		}
	}
	ck_assert_uint_gt(n, 0);
}

ROWS_TEST(test_crt_traps_with_data_exception_dxc_ff, check_compare_trap, "CRT")
ROWS_TEST(test_clrt_traps_on_logical_compare, check_compare_trap, "CLRT")
ROWS_TEST(test_cit_traps_on_signed_immediate, check_compare_trap, "CIT")
ROWS_TEST(test_clfit_traps_on_unsigned_immediate, check_compare_trap, "CLFIT")

/* ================================================================================================
 * The disassembler: one instruction of each format the extension uses.
 */

START_TEST(test_disasm_extension_formats)
{
	static const struct {
		const char *hex, *text;
	} t[] = {
		{"A73AFFFF", "AHI   3,-1"},
		{"A711FFFF", "TMLL  1,65535"},
		{"A7840003", "BRC   8,*+6"},
		{"A7E5FFFE", "BRAS  14,*-4"},
		{"84120004", "BRXH  1,2,*+8"},
		{"C0E000000010", "LARL  14,*+32"},
		{"C0F4FFFFFFF0", "BRCL  15,*-32"},
		{"C239FFFFFFFF", "AFI   3,-1"},
		{"C03BFFFF0000", "NILF  3,4294901760"},
		{"B2550045", "MVST  4,5"},
		{"B9F83012", "ARK   1,2,3"},
		{"B9728012", "CRT   1,2,8"},
		{"B9F28012", "LOCR  1,2,8"},
		{"E3305FFCFF1E", "LRV   3,-4(0,5)"},
		{"EB135004001D", "RLL   1,3,4(5)"},
		{"EB18500400F2", "LOC   1,4(5),8"},
		{"EBFF5004006A", "ASI   4(5),-1"},
		{"E55C5004FFFF", "CHSI  4(5),-1"},
		{"EC1200048076", "CRJ   1,2,8,*+8"},
		{"EC18FFFEFF7E", "CIJ   1,-1,8,*-4"},
		{"EC18FFFEFF7F", "CLIJ  1,255,8,*-4"},
		{"EC12500480F6", "CRB   1,2,8,4(5)"},
		{"EC185004FFFE", "CIB   1,-1,8,4(5)"},
		{"EC10FFFF8072", "CIT   1,-1,8"},
		{"EC10FFFF8073", "CLFIT 1,65535,8"},
		{"EC13FFFF00D8", "AHIK  1,3,-1"},
		{"A8240040", "MVCLE 2,4,64(0)"},
		{"0CEF", "BASSM 14,15"},
		{"010B", "TAM   "},
		{"71305004", "MS    3,4(0,5)"},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		uint8_t b[6] = {0};
		for (unsigned j = 0; t[i].hex[2 * j]; j++)
			sscanf(t[i].hex + 2 * j, "%2hhx", &b[j]);
		char text[64];
		disasm(b, true, text, sizeof text);
		ck_assert_msg(strcmp(text, t[i].text) == 0, "%s: \"%s\", want \"%s\"", t[i].hex, text, t[i].text);
	}
	uint8_t b[4] = {0xA7, 0x3A, 0xFF, 0xFF};
	char text[64];
	disasm(b, false, text, sizeof text);
	ck_assert_str_eq(text, "DC    X'A73AFFFF'");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ext");
	TCase *tc = tcase_create("ext");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);

	tcase_add_test(tc, test_ahi_sets_result_and_cc);
	tcase_add_test(tc, test_ahi_overflow_with_mask_stores_result_then_interrupts);
	tcase_add_test(tc, test_chi_compares_signed);
	tcase_add_test(tc, test_mhi_keeps_low_32_bits_and_cc);
	tcase_add_test(tc, test_lhi_sign_extends_and_keeps_cc);
	tcase_add_test(tc, test_ms_msr_keep_low_32_bits);
	tcase_add_test(tc, test_tmll_tmlh_condition_codes);
	tcase_add_test(tc, test_brc_mask_selects_condition_code);
	tcase_add_test(tc, test_brc_backward_target);
	tcase_add_test(tc, test_brc_target_below_zero_wraps_to_16m);
	tcase_add_test(tc, test_brc_brasl_larl_wrap_forward_at_16m);
	tcase_add_test(tc, test_bras_saves_24_bit_return_address);
	tcase_add_test(tc, test_brct_decrements_and_branches_unless_zero);
	tcase_add_test(tc, test_brxh_brxle_even_r3_uses_pair);
	tcase_add_test(tc, test_brxh_odd_r3_is_increment_and_limit);
	tcase_add_test(tc, test_brxh_r1_equal_r3_compares_with_old_value);
	tcase_add_test(tc, test_larl_forward_backward_and_wrap);
	tcase_add_test(tc, test_brcl_branches_on_mask);
	tcase_add_test(tc, test_brasl_saves_24_bit_return_address);
	tcase_add_test(tc, test_lrvr_reverses_bytes);
	tcase_add_test(tc, test_lrv_strv_byte_order);
	tcase_add_test(tc, test_lrvh_loads_reversed_halfword_into_bits_16_31);
	tcase_add_test(tc, test_strvh_stores_bits_16_31_reversed);
	tcase_add_test(tc, test_mlr_ml_give_64_bit_unsigned_product);
	tcase_add_test(tc, test_mlr_ml_odd_r1_is_specification_exception);
	tcase_add_test(tc, test_dlr_dl_divide_64_by_32);
	tcase_add_test(tc, test_dlr_dl_quotient_too_large_or_zero_divisor_is_divide_exception);
	tcase_add_test(tc, test_alcr_adds_carry_from_cc);
	tcase_add_test(tc, test_alcr_chain_adds_96_bits);
	tcase_add_test(tc, test_slbr_subtracts_borrow_from_cc);
	tcase_add_test(tc, test_slbr_chain_subtracts_64_bits);
	tcase_add_test(tc, test_alc_slb_storage_operands);
	tcase_add_test(tc, test_mvst_moves_through_ending_character);
	tcase_add_test(tc, test_mvst_ending_character_from_gr0_and_high_bytes_ignored);
	tcase_add_test(tc, test_mvst_nonzero_gr0_bits_0_23_is_specification_exception);
	tcase_add_test(tc, test_mvst_source_beyond_storage_is_addressing_exception);
	tcase_add_test(tc, test_mvst_long_string_stops_with_cc3_and_resumes);
	tcase_add_test(tc, test_mvst_guest_loop_on_cc3);
	tcase_add_test(tc, test_clst_condition_codes_and_registers);
	tcase_add_test(tc, test_clst_nonzero_gr0_bits_0_23_is_specification_exception);
	tcase_add_test(tc, test_clst_long_strings_resume_after_cc3);
	tcase_add_test(tc, test_srst_finds_character_before_end);
	tcase_add_test(tc, test_srst_empty_operand_accesses_no_storage);
	tcase_add_test(tc, test_srst_high_bytes_ignored_and_cleared);
	tcase_add_test(tc, test_srst_long_search_resumes_after_cc3);
	tcase_add_test(tc, test_ext_opcodes_are_operation_exceptions_with_extension_off);
	tcase_add_test(tc, test_ext_opcodes_are_installed_with_extension_on);
	tcase_add_test(tc, test_sam31_is_not_provided);
	tcase_add_test(tc, test_bassm_saves_24_bit_address_and_branches);
	tcase_add_test(tc, test_bsm_clears_mode_bit_of_r1_and_branches);
	tcase_add_test(tc, test_tam_reports_24_bit_mode_cc0);
	tcase_add_test(tc, test_sam24_is_no_operation);
	tcase_add_test(tc, test_mvcle_pads_and_sets_cc_by_lengths);
	tcase_add_test(tc, test_mvcle_odd_register_is_specification_exception);
	tcase_add_test(tc, test_mvcle_long_clear_loops_on_cc3);
	tcase_add_test(tc, test_clcle_compares_with_padding);
	tcase_add_test(tc, test_clcle_long_equal_operands_resume_after_cc3);
	tcase_add_test(tc, test_cksm_end_around_carry_and_short_last_word);
	tcase_add_test(tc, test_cksm_long_operand_resumes_after_cc3);
	tcase_add_test(tc, test_cuse_finds_equal_substring);
	tcase_add_test(tc, test_cuse_odd_register_is_specification_exception);
	tcase_add_test(tc, test_cuse_long_mismatch_resumes_after_cc3);
	tcase_add_test(tc, test_tre_translates_until_test_byte);
	tcase_add_test(tc, test_tre_long_operand_resumes_after_cc3);
	tcase_add_test(tc, test_lrl_loads_word_relative_long);
	tcase_add_test(tc, test_strl_stores_word_relative_long);
	tcase_add_test(tc, test_lrl_unaligned_is_specification_exception);
	tcase_add_test(tc, test_strl_unaligned_is_specification_exception);
	tcase_add_test(tc, test_crl_unaligned_is_specification_exception);
	tcase_add_test(tc, test_clrl_unaligned_is_specification_exception);
	tcase_add_test(tc, test_lhrl_sign_extends_halfword);
	tcase_add_test(tc, test_llhrl_zero_extends_halfword);
	tcase_add_test(tc, test_sthrl_stores_bits_16_31);
	tcase_add_test(tc, test_chrl_compares_signed_halfword);
	tcase_add_test(tc, test_clhrl_compares_logical_halfword);
	tcase_add_test(tc, test_crl_compares_signed_word);
	tcase_add_test(tc, test_clrl_compares_logical_word);
	tcase_add_test(tc, test_pfdrl_does_nothing);
	tcase_add_test(tc, test_pfd_does_nothing_even_beyond_storage);
	tcase_add_test(tc, test_exrl_ors_r1_into_target);
	tcase_add_test(tc, test_exrl_target_relative_operands_are_from_target);
	tcase_add_test(tc, test_exrl_of_exrl_or_ex_is_execute_exception);
	tcase_add_test(tc, test_exrl_exception_in_target_has_exrl_ilc);
	tcase_add_test(tc, test_iilh_inserts_bits_0_15);
	tcase_add_test(tc, test_iill_inserts_bits_16_31);
	tcase_add_test(tc, test_nilh_ands_bits_0_15);
	tcase_add_test(tc, test_nill_ands_bits_16_31);
	tcase_add_test(tc, test_oilh_ors_bits_0_15);
	tcase_add_test(tc, test_oill_ors_bits_16_31);
	tcase_add_test(tc, test_llilh_loads_bits_0_15_clearing_rest);
	tcase_add_test(tc, test_llill_loads_bits_16_31_clearing_rest);
	tcase_add_test(tc, test_xilf_exclusive_or_word);
	tcase_add_test(tc, test_iilf_inserts_word);
	tcase_add_test(tc, test_nilf_ands_word);
	tcase_add_test(tc, test_oilf_ors_word);
	tcase_add_test(tc, test_llilf_loads_word);
	tcase_add_test(tc, test_msfi_keeps_low_32_bits);
	tcase_add_test(tc, test_slfi_subtracts_logical);
	tcase_add_test(tc, test_afi_adds_signed_with_overflow_cc);
	tcase_add_test(tc, test_alfi_adds_logical_with_carry_cc);
	tcase_add_test(tc, test_cfi_compares_signed);
	tcase_add_test(tc, test_clfi_compares_logical);
	tcase_add_test(tc, test_afi_overflow_with_mask_interrupts);
	tcase_add_test(tc, test_llcr_zero_extends_byte);
	tcase_add_test(tc, test_llhr_zero_extends_halfword);
	tcase_add_test(tc, test_lbr_sign_extends_byte);
	tcase_add_test(tc, test_lhr_sign_extends_halfword);
	tcase_add_test(tc, test_lb_sign_extends_storage_byte);
	tcase_add_test(tc, test_llc_zero_extends_storage_byte);
	tcase_add_test(tc, test_llh_zero_extends_storage_halfword);
	tcase_add_test(tc, test_lt_loads_and_sets_cc_by_sign);
	tcase_add_test(tc, test_rll_rotates_modulo_32);
	tcase_add_test(tc, test_ly_loads_with_negative_displacement);
	tcase_add_test(tc, test_ay_adds_signed);
	tcase_add_test(tc, test_sy_subtracts_signed);
	tcase_add_test(tc, test_aly_adds_logical);
	tcase_add_test(tc, test_sly_subtracts_logical);
	tcase_add_test(tc, test_cy_compares_signed);
	tcase_add_test(tc, test_cly_compares_logical);
	tcase_add_test(tc, test_ny_ands);
	tcase_add_test(tc, test_oy_ors);
	tcase_add_test(tc, test_xy_exclusive_ors);
	tcase_add_test(tc, test_msy_keeps_low_32_bits);
	tcase_add_test(tc, test_sty_stores_with_negative_displacement);
	tcase_add_test(tc, test_cvby_converts_packed_doubleword);
	tcase_add_test(tc, test_cvdy_stores_packed_doubleword);
	tcase_add_test(tc, test_mfy_signed_64_bit_product);
	tcase_add_test(tc, test_lhy_sign_extends_halfword);
	tcase_add_test(tc, test_chy_compares_with_halfword);
	tcase_add_test(tc, test_ahy_adds_halfword_with_overflow_cc);
	tcase_add_test(tc, test_shy_subtracts_halfword_with_overflow_cc);
	tcase_add_test(tc, test_mhy_keeps_low_32_bits);
	tcase_add_test(tc, test_mvhhi_stores_halfword_immediate);
	tcase_add_test(tc, test_mvhi_stores_sign_extended_word);
	tcase_add_test(tc, test_chhsi_compares_halfword_signed);
	tcase_add_test(tc, test_clhhsi_compares_halfword_logical);
	tcase_add_test(tc, test_chsi_compares_word_signed);
	tcase_add_test(tc, test_clfhsi_compares_word_logical);
	tcase_add_test(tc, test_asi_adds_signed_immediate_to_storage);
	tcase_add_test(tc, test_alsi_adds_signed_immediate_logically);
	tcase_add_test(tc, test_asi_overflow_with_mask_stores_then_interrupts);
	tcase_add_test(tc, test_ark_adds_into_third_register);
	tcase_add_test(tc, test_srk_subtracts_into_third_register);
	tcase_add_test(tc, test_alrk_adds_logical_into_third_register);
	tcase_add_test(tc, test_slrk_subtracts_logical_into_third_register);
	tcase_add_test(tc, test_nrk_ands_into_third_register);
	tcase_add_test(tc, test_ork_ors_into_third_register);
	tcase_add_test(tc, test_xrk_exclusive_ors_into_third_register);
	tcase_add_test(tc, test_ahik_adds_halfword_immediate_into_r1);
	tcase_add_test(tc, test_alhsik_adds_signed_halfword_logically);
	tcase_add_test(tc, test_srak_shifts_right_arithmetic_into_r1);
	tcase_add_test(tc, test_slak_shifts_left_arithmetic_into_r1);
	tcase_add_test(tc, test_srlk_shifts_right_logical_into_r1);
	tcase_add_test(tc, test_sllk_shifts_left_logical_into_r1);
	tcase_add_test(tc, test_slak_overflow_with_mask_interrupts);
	tcase_add_test(tc, test_locr_loads_when_mask_selects_cc);
	tcase_add_test(tc, test_loc_loads_only_when_selected);
	tcase_add_test(tc, test_stoc_stores_only_when_selected);
	tcase_add_test(tc, test_laa_loads_old_and_adds);
	tcase_add_test(tc, test_laal_loads_old_and_adds_logical);
	tcase_add_test(tc, test_lan_loads_old_and_ands);
	tcase_add_test(tc, test_lao_loads_old_and_ors);
	tcase_add_test(tc, test_lax_loads_old_and_exclusive_ors);
	tcase_add_test(tc, test_laa_r1_equal_r3_adds_old_register);
	tcase_add_test(tc, test_crj_branches_relative_on_signed_compare);
	tcase_add_test(tc, test_clrj_branches_relative_on_logical_compare);
	tcase_add_test(tc, test_cij_branches_relative_on_signed_immediate);
	tcase_add_test(tc, test_clij_branches_relative_on_unsigned_immediate);
	tcase_add_test(tc, test_crb_branches_to_address_on_signed_compare);
	tcase_add_test(tc, test_clrb_branches_to_address_on_logical_compare);
	tcase_add_test(tc, test_cib_branches_to_address_on_signed_immediate);
	tcase_add_test(tc, test_clib_branches_to_address_on_unsigned_immediate);
	tcase_add_test(tc, test_crt_traps_with_data_exception_dxc_ff);
	tcase_add_test(tc, test_clrt_traps_on_logical_compare);
	tcase_add_test(tc, test_cit_traps_on_signed_immediate);
	tcase_add_test(tc, test_clfit_traps_on_unsigned_immediate);
	tcase_add_test(tc, test_disasm_extension_formats);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
