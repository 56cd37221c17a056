/*
 * check_decimal.c - unit tests for insn_decimal.c: the packed-decimal arithmetic of decimal.h as
 * pure functions, and the instructions AP, SP, ZAP, CP, MP, DP, SRP, CVB, CVD, ED, EDMK, PACK, UNPK
 * and MVO on the bare machine.
 *
 * Expected values are the manual's examples (GA22-7000 chapters 7 and 8, Appendix A) or worked by
 * hand; the instruction tables give every operand and result as hex bytes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/compiler.h"
#include "machine/decimal.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

/* ------------------------------------------------------------------------------------------------
 * Helpers
 */

/* A string of decimal digits as BCD ("123" is 0x123). */
static dec_bcd bcd(const char *digits)
{
	dec_bcd v = 0;
	for (const char *p = digits; *p; p++)
		v = v << 4 | (dec_bcd)(*p - '0');
	return v;
}

/* A run of n copies of digit d followed by tail, as a digit string in buf. */
static const char *digits_rep(char *buf, char d, int n, const char *tail)
{
	memset(buf, d, (size_t)n);
	strcpy(buf + n, tail);
	return buf;
}

/* Hex digits (spaces ignored) to bytes; returns the byte count. */
static unsigned unhex(const char *hex, uint8_t *out)
{
	unsigned n = 0;
	int hi = -1;
	for (const char *p = hex; *p; p++) {
		if (*p == ' ')
			continue;
		int v = *p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10;
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	ck_assert_msg(hi < 0, "odd hex string %s", hex);
	return n;
}

static void hexstr(const uint8_t *b, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02X", b[i]);
	out[2 * n] = 0;
}

/* Assert that storage at addr holds the bytes given in hex. */
static void assert_storage(struct machine *m, uint32_t addr, const char *hex, const char *name)
{
	uint8_t want[256], got[256];
	char ws[520], gs[520];
	unsigned n = unhex(hex, want);
	h_get(m, addr, got, n);
	hexstr(want, n, ws);
	hexstr(got, n, gs);
	ck_assert_msg(memcmp(want, got, n) == 0, "%s: storage %06X is %s, expected %s", name, addr,
		      gs, ws);
}

static unsigned put_hex(struct machine *m, uint32_t addr, const char *hex)
{
	uint8_t b[256];
	unsigned n = unhex(hex, b);
	h_put(m, addr, b, n);
	return n;
}

#define CODE 0x1000u
#define OP1 0xA00u
#define OP2 0xB00u
#define CC_SAME (-1) /* the instruction leaves the condition code unchanged */

/* An SS instruction at CODE: op, the byte of length fields, D1(B1) and D2(B2). */
static void put_ss(struct machine *m, uint8_t op, uint8_t lengths, unsigned b1d1, unsigned b2d2)
{
	uint8_t insn[6] = {op, lengths, (uint8_t)(b1d1 >> 8), (uint8_t)b1d1, (uint8_t)(b2d2 >> 8),
			   (uint8_t)b2d2};
	h_put(m, CODE, insn, 6);
}

/* An RX instruction at CODE: op R1,D2(X2,B2). */
static void put_rx(struct machine *m, uint8_t op, unsigned r1, unsigned x2, unsigned b2d2)
{
	uint8_t insn[4] = {op, (uint8_t)(r1 << 4 | x2), (uint8_t)(b2d2 >> 8), (uint8_t)b2d2};
	h_put(m, CODE, insn, 4);
}

/* Run the instruction at CODE once from a BC-mode PSW with condition code cc, program mask pm. */
static void run1(struct machine *m, unsigned cc, unsigned pm)
{
	uint8_t psw[8] = {0, 0, 0, 0, (uint8_t)(cc << 4 | pm), 0, CODE >> 8, CODE & 0xFF};
	uint8_t zero[8] = {0};
	h_put(m, 0x28, zero, 8);
	cpu_set_psw(machine_cpu(m), psw);
	machine_run(machine_cpu(m), 1);
}

/* The condition code before the instruction for a case expecting cc: one it must change. */
static unsigned cc_before(int cc)
{
	return cc == CC_SAME ? 2 : ((unsigned)cc + 1) & 3;
}

/* After run1(m, cc_before(cc), ...): check CC, interruption and instruction address. With pic 0 no
 * interruption may have happened; otherwise interruption pic with the old PSW past the instruction
 * (len bytes) and holding the expected CC. */
static void check_outcome(struct machine *m, const char *name, int cc, unsigned pic, unsigned len)
{
	unsigned want_cc = cc == CC_SAME ? 2 : (unsigned)cc;
	if (!pic) {
		ck_assert_msg(!h_program_interrupted(m), "%s: unexpected program interruption %04X",
			      name, h_pic(m));
		ck_assert_msg(h_ia(m) == CODE + len, "%s: next instruction at %06X", name, h_ia(m));
		ck_assert_msg(h_cc(m) == want_cc, "%s: CC %u, expected %u", name, h_cc(m), want_cc);
		return;
	}
	ck_assert_msg(h_program_interrupted(m), "%s: expected interruption %04X", name, pic);
	ck_assert_msg(h_pic(m) == pic, "%s: interruption code %04X, expected %04X", name, h_pic(m),
		      pic);
	ck_assert_msg(h_pic_ilc(m) == len / 2, "%s: ILC %u", name, h_pic_ilc(m));
	ck_assert_msg(h_pic_ia(m) == CODE + len, "%s: old PSW address %06X", name, h_pic_ia(m));
	uint8_t old[8];
	h_get(m, 0x28, old, 8);
	unsigned old_cc = (old[4] >> 4) & 3;
	ck_assert_msg(old_cc == want_cc, "%s: old PSW CC %u, expected %u", name, old_cc, want_cc);
}

static struct machine *m;

static void setup(void)
{
	m = h_new(64 * 1024, false);
}

static void teardown(void)
{
	machine_free(m);
}

/* ------------------------------------------------------------------------------------------------
 * Pure functions
 */

struct bcd_case {
	const char *a, *b, *want;
};

static char nines31[40], one_zeros31[40], nines30[40], one_zeros30[40], nines30_8[40];

static void make_long_digits(void)
{
	digits_rep(nines31, '9', 31, "");
	digits_rep(one_zeros31 + 1, '0', 31, "");
	one_zeros31[0] = '1';
	digits_rep(nines30, '9', 30, "");
	digits_rep(one_zeros30 + 1, '0', 30, "");
	one_zeros30[0] = '1';
	nines30_8[0] = '1';
	digits_rep(nines30_8 + 1, '9', 30, "8");
}

START_TEST(test_bcd_add_carries_like_decimal_addition)
{
	make_long_digits();
	const struct bcd_case t[] = {
		{"0", "0", "0"},
		{"1", "9", "10"},
		{"45", "55", "100"},
		{"123456789", "987654321", "1111111110"},
		{"9999999999999999", "1", "10000000000000000"}, /* carry across the 64-bit halves */
		{nines31, "1", one_zeros31},
		                     /* carry through every digit into the 32nd */
		{nines31, nines31, nines30_8},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		dec_bcd got = dec_bcd_add(bcd(t[i].a), bcd(t[i].b));
		ck_assert_msg(got == bcd(t[i].want), "%s + %s", t[i].a, t[i].b);
		got = dec_bcd_add(bcd(t[i].b), bcd(t[i].a));
		ck_assert_msg(got == bcd(t[i].want), "%s + %s", t[i].b, t[i].a);
	}
}
END_TEST

START_TEST(test_bcd_sub_borrows_like_decimal_subtraction)
{
	make_long_digits();
	const struct bcd_case t[] = {
		{"5", "5", "0"},
		{"10", "1", "9"},
		{"1234", "999", "235"},
		{"1000000000000000000", "999", "999999999999999001"},
		{one_zeros30, "1", nines30}, /* borrow through every digit */
		{nines31, nines31, "0"},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		dec_bcd got = dec_bcd_sub(bcd(t[i].a), bcd(t[i].b));
		ck_assert_msg(got == bcd(t[i].want), "%s - %s", t[i].a, t[i].b);
	}
}
END_TEST

START_TEST(test_bcd_valid_rejects_a_nondigit_in_any_position)
{
	make_long_digits();
	ck_assert(dec_bcd_valid(bcd(nines31)));
	ck_assert(dec_bcd_valid(0));
	for (unsigned pos = 0; pos < 31; pos++) {
		for (unsigned code = 0xA; code <= 0xF; code++) {
			dec_bcd v = bcd(nines31) & ~((dec_bcd)15 << (4 * pos));
			v |= (dec_bcd)code << (4 * pos);
			ck_assert_msg(!dec_bcd_valid(v), "code %X at digit %u", code, pos);
		}
	}
}
END_TEST

struct load_case {
	const char *hex;
	bool valid;
	const char *digits;
	bool neg;
};

START_TEST(test_dec_load_checks_digits_and_sign)
{
	static const struct load_case t[] = {
		{"123C", true, "123", false},
		{"123A", true, "123", false},
		{"123E", true, "123", false},
		{"123F", true, "123", false},
		{"123D", true, "123", true},
		{"123B", true, "123", true},
		{"0C", true, "0", false},
		{"0D", true, "0", true},
		{"9999999999999999999999999999999C", true, "9999999999999999999999999999999",
		 false},
		{"1239", false, "", false},
		{"1230", false, "", false},
		{"A23C", false, "", false},
		{"1F3C", false, "", false},
		{"F999999999999999999999999999999C", false, "", false},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		uint8_t b[16];
		unsigned n = unhex(t[i].hex, b);
		struct dec v;
		bool ok = dec_load(b, n, &v);
		ck_assert_msg(ok == t[i].valid, "%s validity", t[i].hex);
		if (ok) {
			ck_assert_msg(v.mag == bcd(t[i].digits), "%s digits", t[i].hex);
			ck_assert_msg(v.neg == t[i].neg, "%s sign", t[i].hex);
		}
	}
}
END_TEST

START_TEST(test_dec_store_uses_preferred_signs_and_drops_excess_digits)
{
	uint8_t b[16];
	char s[40];
	dec_store(b, 3, (struct dec){bcd("1234"), false});
	hexstr(b, 3, s);
	ck_assert_str_eq(s, "01234C");
	dec_store(b, 2, (struct dec){bcd("12345"), true});
	hexstr(b, 2, s);
	ck_assert_str_eq(s, "345D");
	dec_store(b, 16, (struct dec){bcd("9999999999999999999999999999999"), false});
	hexstr(b, 16, s);
	ck_assert_str_eq(s, "9999999999999999999999999999999C");
}
END_TEST

struct fit_case {
	const char *name;
	const char *digits;
	bool neg;
	unsigned field;
	const char *want;
	bool want_neg;
	unsigned cc;
};

START_TEST(test_dec_fit_sets_cc_truncates_and_signs_zero)
{
	static const struct fit_case t[] = {
		{"positive fits", "123", false, 3, "123", false, 2},
		{"negative fits", "123", true, 3, "123", true, 1},
		{"minus zero becomes plus zero", "0", true, 1, "0", false, 0},
		{"overflow truncates, CC 3", "12345", false, 3, "345", false, 3},
		{"overflow to zero keeps minus", "1000", true, 3, "0", true, 3},
		{"32-digit sum overflows 31 digits", "10000000000000000000000000000000", false, 31,
		 "0",
		 false, 3},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct dec v = {bcd(t[i].digits), t[i].neg};
		unsigned cc = dec_fit(&v, t[i].field);
		ck_assert_msg(cc == t[i].cc, "%s: CC %u", t[i].name, cc);
		ck_assert_msg(v.mag == bcd(t[i].want), "%s: digits", t[i].name);
		ck_assert_msg(v.neg == t[i].want_neg, "%s: sign", t[i].name);
	}
}
END_TEST

START_TEST(test_dec_compare_is_algebraic_with_equal_zeros)
{
	struct dec p5 = {5, false}, m5 = {5, true}, p0 = {0, false}, m0 = {0, true}, m7 = {7, true};
	ck_assert_uint_eq(dec_compare(p5, p5), 0);
	ck_assert_uint_eq(dec_compare(p0, m0), 0);
	ck_assert_uint_eq(dec_compare(m0, p0), 0);
	ck_assert_uint_eq(dec_compare(m5, p5), 1);
	ck_assert_uint_eq(dec_compare(p5, m5), 2);
	ck_assert_uint_eq(dec_compare(m7, m5), 1);
	ck_assert_uint_eq(dec_compare(m5, m7), 2);
	ck_assert_uint_eq(dec_compare(m0, p5), 1);
	ck_assert_uint_eq(dec_compare(m0, m5), 2);
}
END_TEST

START_TEST(test_dec_multiply_and_divide_exact)
{
	struct dec p;
	p = dec_multiply((struct dec){bcd("38460"), true}, (struct dec){bcd("321"), false});
	ck_assert(p.mag == bcd("12345660") && p.neg);
	p = dec_multiply((struct dec){bcd("999999999999999"), false},
			 (struct dec){bcd("999999999999999"), false});
	ck_assert(p.mag == bcd("999999999999998000000000000001") && !p.neg);
	p = dec_multiply((struct dec){0, false}, (struct dec){bcd("5"), true});
	ck_assert(p.mag == 0 && p.neg); /* minus zero: the sign follows the rules of algebra */

	struct dec q, r;
	dec_divide((struct dec){bcd("12345678"), false}, (struct dec){bcd("321"), true}, &q, &r);
	ck_assert(q.mag == bcd("38460") && q.neg);
	ck_assert(r.mag == bcd("18") && !r.neg);
	dec_divide((struct dec){bcd("9999999999999999999999999999999"), true},
		   (struct dec){7, false}, &q, &r);
	ck_assert(q.mag == bcd("1428571428571428571428571428571") && q.neg);
	ck_assert(r.mag == 2 && r.neg);
}
END_TEST

START_TEST(test_dec_binary_conversions)
{
	int64_t v;
	ck_assert(dec_to_binary(0x000000000025594Cu, &v) && v == 25594);
	ck_assert(dec_to_binary(0x999999999999999Du, &v) && v == -999999999999999LL);
	ck_assert(dec_to_binary(0x000000000000000Du, &v) && v == 0);
	ck_assert(!dec_to_binary(0x0000000000255949u, &v));
	ck_assert(!dec_to_binary(0x0000000000A5594Cu, &v));
	ck_assert_uint_eq(dec_from_binary(25594), 0x000000000025594Cu);
	ck_assert_uint_eq(dec_from_binary(-25594), 0x000000000025594Du);
	ck_assert_uint_eq(dec_from_binary(INT32_MIN), 0x000002147483648Du);
	ck_assert_uint_eq(dec_from_binary(1234567890), 0x000001234567890Cu);
	ck_assert_uint_eq(dec_from_binary(0), 0x000000000000000Cu);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * AP, SP, ZAP, CP, MP, DP: operand 1 at OP1, operand 2 at OP2
 */

struct ss_case {
	const char *name;
	const char *op1, *op2; /* hex; their lengths give L1 and L2 */
	unsigned pm;           /* program mask */
	const char *want1;     /* operand 1 afterwards */
	int cc;                /* expected CC, or CC_SAME */
	unsigned pic;          /* expected program interruption, or 0 */
};

static void run_ss_case(uint8_t op, const struct ss_case *t)
{
	uint8_t b[16];
	unsigned l1 = unhex(t->op1, b), l2 = unhex(t->op2, b);
	put_hex(m, OP1, t->op1);
	put_hex(m, OP2, t->op2);
	put_ss(m, op, (uint8_t)((l1 - 1) << 4 | (l2 - 1)), OP1, OP2);
	run1(m, cc_before(t->cc), t->pm);
	check_outcome(m, t->name, t->cc, t->pic, 6);
	assert_storage(m, OP1, t->want1, t->name);
	assert_storage(m, OP2, t->op2, t->name);
}

static const struct ss_case ap_cases[] = {
	{"AP plus to plus: sum, CC 2", "12345C", "678C", 0, "13023C", 2, 0},
	{"AP minus to larger plus: difference, CC 2", "12345C", "678D", 0, "11667C", 2, 0},
	{"AP minus to smaller plus: negative difference, CC 1", "00678C", "12345D", 0, "11667D", 1,
	 0},
	{"AP equal magnitudes, opposite signs: plus zero, CC 0", "12345C", "12345D", 0, "00000C", 0,
	 0},
	{"AP minus to minus: minus sum, CC 1", "00001D", "001D", 0, "00002D", 1, 0},
	{"AP carry through every byte", "0999999C", "1C", 0, "1000000C", 2, 0},
	{"AP 16 bytes: carry through every byte", "0999999999999999999999999999999C", "1C", 0,
	 "1000000000000000000000000000000C", 2, 0},
	{"AP overflow, mask off: truncated, CC 3, no interruption", "9999999C", "1C", 0, "0000000C",
	 3, 0},
	{"AP overflow to zero keeps the minus sign", "5D", "5D", 0, "0D", 3, 0},
	{"AP overflow from a longer second operand", "1C", "00100C", 0, "1C", 3, 0},
	{"AP overflow, mask on: result stored, decimal-overflow interruption", "5C", "5C", 4, "0C",
	 3, 0x0A},
	{"AP plus signs A, E, F accepted; result sign C", "012A", "3E", 0, "015C", 2, 0},
	{"AP signs F and B: zero, plus", "1F", "1B", 0, "0C", 0, 0},
	{"AP minus zero and plus zero: plus zero", "0D", "0C", 0, "0C", 0, 0},
	{"AP invalid digit in operand 1: data exception, suppressed", "1A3C", "1C", 0, "1A3C",
	 CC_SAME, 0x07},
	{"AP invalid sign in operand 1: data exception", "1239", "1C", 0, "1239", CC_SAME, 0x07},
	{"AP invalid digit in operand 2: data exception", "123C", "F12C", 0, "123C", CC_SAME, 0x07},
	{"AP invalid sign in operand 2: data exception", "123C", "12", 0, "123C", CC_SAME, 0x07},
	{"AP invalid operand with overflow mask on: data exception only", "9C", "0A9C", 4, "9C",
	 CC_SAME, 0x07},
};

START_TEST(test_ap_table)
{
	run_ss_case(0xFA, &ap_cases[_i]);
}
END_TEST

static const struct ss_case sp_cases[] = {
	{"SP equal operands: plus zero, CC 0", "12345C", "12345C", 0, "00000C", 0, 0},
	{"SP larger from zero: negative, CC 1", "00000C", "5C", 0, "00005D", 1, 0},
	{"SP minus from minus", "00010D", "3D", 0, "00007D", 1, 0},
	{"SP minus from plus: sum with carry", "099C", "1D", 0, "100C", 2, 0},
	{"SP borrow through every byte", "1000000C", "1C", 0, "0999999C", 2, 0},
	{"SP overflow to zero keeps the minus sign", "9D", "1C", 0, "0D", 3, 0},
	{"SP plus zero from minus zero: plus zero", "0D", "0C", 0, "0C", 0, 0},
	{"SP overflow, mask on: decimal-overflow interruption", "9D", "1C", 4, "0D", 3, 0x0A},
	{"SP invalid operand 2: data exception", "123C", "A1", 0, "123C", CC_SAME, 0x07},
};

START_TEST(test_sp_table)
{
	run_ss_case(0xFB, &sp_cases[_i]);
}
END_TEST

static const struct ss_case zap_cases[] = {
	{"ZAP shorter operand 2: zeros on the left, sign F becomes C; operand 1 not checked",
	 "FFFFFFFF", "123F", 0, "0000123C", 2, 0},
	{"ZAP sign B becomes D, CC 1", "000000", "1B", 0, "00001D", 1, 0},
	{"ZAP minus zero becomes plus zero, CC 0", "FFFF", "0D", 0, "000C", 0, 0},
	{"ZAP overflow, mask off: truncated, CC 3", "00", "123C", 0, "3C", 3, 0},
	{"ZAP overflow to zero keeps operand 2's minus sign", "00", "100D", 0, "0D", 3, 0},
	{"ZAP overflow, mask on: decimal-overflow interruption", "00", "123C", 4, "3C", 3, 0x0A},
	{"ZAP invalid operand 2: data exception, nothing stored", "1234", "A1", 0, "1234", CC_SAME,
	 0x07},
	{"ZAP 16 bytes", "00000000000000000000000000000000", "9999999999999999999999999999999D", 0,
	 "9999999999999999999999999999999D", 1, 0},
};

START_TEST(test_zap_table)
{
	run_ss_case(0xF8, &zap_cases[_i]);
}
END_TEST

static const struct ss_case cp_cases[] = {
	{"CP equal values, signs C and F: CC 0", "123C", "123F", 0, "123C", 0, 0},
	{"CP plus against minus: first high, CC 2", "123C", "123D", 0, "123C", 2, 0},
	{"CP minus 1 against minus 2: first high, CC 2", "1D", "2D", 0, "1D", 2, 0},
	{"CP minus zero against plus zero: equal", "0D", "000C", 0, "0D", 0, 0},
	{"CP shorter second operand: first low, CC 1", "00001C", "2C", 0, "00001C", 1, 0},
	{"CP minus 1 against zero: first low, CC 1", "1D", "0C", 0, "1D", 1, 0},
	{"CP invalid operand 1: data exception", "1A1C", "1C", 0, "1A1C", CC_SAME, 0x07},
	{"CP invalid sign of operand 2: data exception", "1C", "11", 0, "1C", CC_SAME, 0x07},
};

START_TEST(test_cp_table)
{
	run_ss_case(0xF9, &cp_cases[_i]);
}
END_TEST

static const struct ss_case mp_cases[] = {
	{"MP manual example: product replaces multiplicand, CC unchanged", "000038460D", "321C", 0,
	 "012345660D", CC_SAME, 0},
	{"MP zero times minus: minus zero", "00000C", "5D", 0, "00000D", CC_SAME, 0},
	{"MP exactly enough leftmost zero bytes", "0000999C", "999C", 0, "0998001C", CC_SAME, 0},
	{"MP 16-byte product of two 15-digit numbers",
	 "0000000000000000999999999999999C", "999999999999999C", 0,
	 "0999999999999998000000000000001C", CC_SAME, 0},
	{"MP too few leftmost zero bytes: data exception", "0001999C", "999C", 0, "0001999C",
	 CC_SAME, 0x07},
	{"MP multiplier of 9 bytes: specification exception", "00000000000000000000",
	 "00000000000000001C", 0, "00000000000000000000", CC_SAME, 0x06},
	{"MP multiplier as long as multiplicand: specification exception", "001C", "002C", 0,
	 "001C", CC_SAME, 0x06},
	{"MP invalid multiplier sign: data exception", "00001C", "22", 0, "00001C", CC_SAME, 0x07},
	{"MP invalid multiplicand digit: data exception", "000A1C", "2C", 0, "000A1C", CC_SAME,
	 0x07},
};

START_TEST(test_mp_table)
{
	run_ss_case(0xFC, &mp_cases[_i]);
}
END_TEST

static const struct ss_case dp_cases[] = {
	{"DP manual example: quotient then remainder, CC unchanged", "012345678C", "321D", 0,
	 "38460D018C", CC_SAME, 0},
	{"DP minus dividend: plus quotient, minus remainder", "012345678D", "321D", 0, "38460C018D",
	 CC_SAME, 0},
	{"DP zero quotient keeps its algebraic minus sign", "00005C", "7D", 0, "000D5C", CC_SAME,
	 0},
	{"DP zero remainder keeps the dividend's minus sign", "00010D", "5C", 0, "002D0D", CC_SAME,
	 0},
	{"DP largest quotient that fits", "009999999C", "1C", 0, "9999999C0C", CC_SAME, 0},
	{"DP quotient too large: decimal-divide exception, suppressed", "099999999C", "1C", 0,
	 "099999999C", CC_SAME, 0x0B},
	{"DP zero divisor: decimal-divide exception", "012345678C", "000C", 0, "012345678C",
	 CC_SAME, 0x0B},
	{"DP divisor of 9 bytes: specification exception", "0000000000000000000000000000001C",
	 "00000000000000001C", 0, "0000000000000000000000000000001C", CC_SAME, 0x06},
	{"DP divisor as long as dividend: specification exception", "5C", "5C", 0, "5C", CC_SAME,
	 0x06},
	{"DP invalid divisor: data exception before the zero-divisor check", "00010C", "00", 0,
	 "00010C", CC_SAME, 0x07},
};

START_TEST(test_dp_table)
{
	run_ss_case(0xFD, &dp_cases[_i]);
}
END_TEST

/* Overlapping operands: one field used by both, at OP1 + offsets. */
struct overlap_case {
	const char *name;
	uint8_t op;
	const char *field;     /* initial contents at OP1 */
	unsigned off1, len1;   /* operand 1: OP1 + off1, len1 bytes */
	unsigned off2, len2;   /* operand 2 */
	const char *want;      /* the field afterwards */
	int cc;
};

static const struct overlap_case overlap_cases[] = {
	{"AP a number to itself", 0xFA, "00500C", 0, 3, 0, 3, "01000C", 2},
	{"SP a number from itself: plus zero", 0xFB, "12345D", 0, 3, 0, 3, "00000C", 0},
	{"AP rightmost bytes coincide, lengths differ", 0xFA, "00123C", 0, 3, 1, 2, "00246C", 2},
	{"ZAP in place, operand 2 the rightmost bytes of operand 1", 0xF8, "FFFF123C", 0, 4, 2, 2,
	 "0000123C", 2},
	{"ZAP result to the right of operand 2", 0xF8, "123CFFFF", 1, 3, 0, 2, "1200123C", 2},
	{"CP a number with itself", 0xF9, "12345D", 0, 3, 0, 3, "12345D", 0},
	{"PACK in place, equal lengths", 0xF2, "F1F2F3C4", 0, 4, 0, 4, "0001234C", CC_SAME},
	{"PACK result left of operand 2's end: later fetch sees the stored byte", 0xF2, "F1F2F3C4",
	 0, 2, 0, 4, "C34CF3C4", CC_SAME},
	{"UNPK result reaching past operand 2 by the allowed offset", 0xF3, "01234C0000", 0, 5, 0,
	 3, "F0F1F2F3C4", CC_SAME},
	{"UNPK improper overlap: later fetch sees the stored byte", 0xF3, "01234C", 0, 2, 0, 3,
	 "F4C44C", CC_SAME},
	{"MVO in place: one-digit right shift keeping the sign", 0xF1, "12345C", 0, 3, 0, 2,
	 "01234C", CC_SAME},
};

START_TEST(test_overlapping_operands_table)
{
	const struct overlap_case *t = &overlap_cases[_i];
	put_hex(m, OP1, t->field);
	uint8_t lengths = (uint8_t)((t->len1 - 1) << 4 | (t->len2 - 1));
	put_ss(m, t->op, lengths, OP1 + t->off1, OP1 + t->off2);
	run1(m, cc_before(t->cc), 0);
	check_outcome(m, t->name, t->cc, 0, 6);
	assert_storage(m, OP1, t->want, t->name);
}
END_TEST

START_TEST(test_ap_operand_crossing_a_block_boundary)
{
	put_hex(m, 0x7FE, "0999999C");
	put_hex(m, 0x901, "1C");
	put_ss(m, 0xFA, 0x30, 0x7FE, 0x901);
	run1(m, 0, 0);
	check_outcome(m, "AP across 0x800", 2, 0, 6);
	assert_storage(m, 0x7FE, "1000000C", "AP across 0x800");
}
END_TEST

/* Operand 1 at 0xFFFE..0x10001 runs past the end of the 64K storage: addressing exception, and
 * the two bytes that do exist are not changed (every byte is checked before the first store). */
struct end_case {
	const char *name;
	uint8_t op;
	uint8_t lengths;
	const char *op2;
	unsigned pic;
};

static const struct end_case end_cases[] = {
	{"ZAP result past the end of storage: nothing stored", 0xF8, 0x31, "123C", 0x05},
	{"PACK result past the end of storage: nothing stored", 0xF2, 0x31, "F1C2", 0x05},
	{"UNPK result past the end of storage: nothing stored", 0xF3, 0x31, "123C", 0x05},
	{"MVO result past the end of storage: nothing stored", 0xF1, 0x31, "123C", 0x05},
	{"ED pattern past the end of storage: nothing stored", 0xDE, 0x03, "123C", 0x05},
};

START_TEST(test_result_past_end_of_storage_table)
{
	const struct end_case *t = &end_cases[_i];
	cpu_set_gpr(machine_cpu(m), 5, 0xF000);
	put_hex(m, 0xFFFE, "4022");
	put_hex(m, OP2, t->op2);
	put_ss(m, t->op, t->lengths, 0x5FFE, OP2);
	run1(m, cc_before(CC_SAME), 0);
	check_outcome(m, t->name, CC_SAME, t->pic, 6);
	assert_storage(m, 0xFFFE, "4022", t->name);
}
END_TEST

/* Operand 1 at 0xFFFFFE wraps to 0x000001: its right part (stored first, right to left) exists,
 * its left part does not. Every byte is checked before the first store, so nothing is stored. */
START_TEST(test_wrapping_result_with_inaccessible_left_part_table)
{
	const struct end_case *t = &end_cases[_i];
	cpu_set_gpr(machine_cpu(m), 5, 0xFFF000);
	put_hex(m, 0, "AAAA");
	put_hex(m, OP2, t->op2);
	put_ss(m, t->op, t->lengths, 0x5FFE, OP2);
	run1(m, cc_before(CC_SAME), 0);
	check_outcome(m, t->name, CC_SAME, t->pic, 6);
	assert_storage(m, 0, "AAAA", t->name);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * SRP
 */

struct srp_case {
	const char *name;
	const char *op1;
	unsigned shift_addr; /* D2, bits 26-31 being the shift */
	unsigned round;
	unsigned pm;
	const char *want;
	int cc;
	unsigned pic;
};

static const struct srp_case srp_cases[] = {
	{"SRP left 2 (address bits above 26 ignored)", "0001234C", 0xFC2, 0, 0, "0123400C", 2, 0},
	{"SRP left losing a nonzero digit: overflow, CC 3", "12345C", 0x001, 0, 0, "23450C", 3, 0},
	{"SRP left overflow, mask on: interruption after the store", "12345C", 0x001, 0, 4,
	 "23450C", 3, 0x0A},
	{"SRP left overflow to zero keeps the minus sign", "1D", 0x001, 0, 0, "0D", 3, 0},
	{"SRP left 20 across 16 bytes", "0000000000000000000000000123456C", 0x014, 0, 0,
	 "0000012345600000000000000000000C", 2, 0},
	{"SRP right 1 rounded up by 5", "12345C", 0x03F, 5, 0, "01235C", 2, 0},
	{"SRP right 1 without rounding", "12345C", 0x03F, 0, 0, "01234C", 2, 0},
	{"SRP right 3, minus", "12345D", 0x03D, 0, 0, "00012D", 1, 0},
	{"SRP right to zero: plus sign, CC 0", "00004D", 0x03F, 5, 0, "00000C", 0, 0},
	{"SRP rounding carry through every digit", "99999C", 0x03F, 5, 0, "10000C", 2, 0},
	{"SRP right 32: zero", "12345C", 0x020, 9, 0, "00000C", 0, 0},
	{"SRP no shift: minus zero made plus", "0D", 0x000, 0, 0, "0C", 0, 0},
	{"SRP no shift: sign made preferred", "123F", 0x040, 0, 0, "123C", 2, 0},
	{"SRP invalid rounding digit checked on a left shift: data exception", "12345C", 0x001, 0xA,
	 0, "12345C", CC_SAME, 0x07},
	{"SRP invalid sign: data exception", "123456", 0x03F, 5, 0, "123456", CC_SAME, 0x07},
};

START_TEST(test_srp_table)
{
	const struct srp_case *t = &srp_cases[_i];
	uint8_t b[16];
	unsigned l1 = unhex(t->op1, b);
	put_hex(m, OP1, t->op1);
	put_ss(m, 0xF0, (uint8_t)((l1 - 1) << 4 | t->round), OP1, t->shift_addr);
	run1(m, cc_before(t->cc), t->pm);
	check_outcome(m, t->name, t->cc, t->pic, 6);
	assert_storage(m, OP1, t->want, t->name);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * CVB, CVD
 */

struct cvb_case {
	const char *name;
	const char *field;
	uint32_t want;
	unsigned pic;
};

static const struct cvb_case cvb_cases[] = {
	{"CVB manual example", "000000000025594C", 0x000063FA, 0},
	{"CVB negative: two's complement", "000000000025594D", 0xFFFF9C06, 0},
	{"CVB largest positive", "000002147483647C", 0x7FFFFFFF, 0},
	{"CVB most negative", "000002147483648D", 0x80000000, 0},
	{"CVB minus zero: zero", "000000000000000D", 0, 0},
	{"CVB 2^31: fixed-point divide, rightmost 32 bits stored", "000002147483648C", 0x80000000,
	 0x09},
	{"CVB 9999999999: fixed-point divide, rightmost 32 bits stored", "000009999999999C",
	 0x540BE3FF, 0x09},
	{"CVB -2^31-1: fixed-point divide, rightmost 32 bits stored", "000002147483649D",
	 0x7FFFFFFF, 0x09},
	{"CVB 15 nines minus: fixed-point divide", "999999999999999D", 0x5B398001, 0x09},
	{"CVB invalid sign: data exception, register unchanged", "0000000000000123", 0xDEADBEEF,
	 0x07},
	{"CVB invalid digit: data exception, register unchanged", "00000000000A123C", 0xDEADBEEF,
	 0x07},
};

START_TEST(test_cvb_table)
{
	const struct cvb_case *t = &cvb_cases[_i];
	struct cpu *c = machine_cpu(m);
	put_hex(m, OP2 + 3, t->field); /* not doubleword aligned: allowed in S/370 */
	cpu_set_gpr(c, 3, 0xDEADBEEF);
	put_rx(m, 0x4F, 3, 0, OP2 + 3);
	run1(m, 1, 0);
	check_outcome(m, t->name, 1, t->pic, 4); /* CC unchanged */
	ck_assert_msg(cpu_get_gpr(c, 3) == t->want, "%s: R3 %08X", t->name, cpu_get_gpr(c, 3));
}
END_TEST

START_TEST(test_cvb_operand_crossing_a_block_boundary)
{
	struct cpu *c = machine_cpu(m);
	put_hex(m, 0x7FC, "000000000025594D");
	put_rx(m, 0x4F, 3, 0, 0x7FC);
	run1(m, 0, 0);
	check_outcome(m, "CVB across 0x800", 0, 0, 4);
	ck_assert_uint_eq(cpu_get_gpr(c, 3), 0xFFFF9C06);
}
END_TEST

struct cvd_case {
	int32_t value;
	const char *want;
};

static const struct cvd_case cvd_cases[] = {
	{25594, "000000000025594C"},       {-25594, "000000000025594D"},
	{0, "000000000000000C"},           {-1, "000000000000001D"},
	{INT32_MAX, "000002147483647C"},   {INT32_MIN, "000002147483648D"},
	{1234567890, "000001234567890C"},  {-987654321, "000000987654321D"},
};

START_TEST(test_cvd_table)
{
	const struct cvd_case *t = &cvd_cases[_i];
	char name[64];
	snprintf(name, sizeof name, "CVD %d", t->value);
	cpu_set_gpr(machine_cpu(m), 7, (uint32_t)t->value);
	put_hex(m, OP2 + 5, "FFFFFFFFFFFFFFFFFF");
	put_rx(m, 0x4E, 7, 0, OP2 + 5);
	run1(m, 3, 0);
	check_outcome(m, name, 3, 0, 4);
	assert_storage(m, OP2 + 5, t->want, name);
	assert_storage(m, OP2 + 13, "FF", name);
}
END_TEST

START_TEST(test_cvd_past_end_of_storage_stores_nothing)
{
	struct cpu *c = machine_cpu(m);
	cpu_set_gpr(c, 5, 0xF000);
	cpu_set_gpr(c, 7, 12345);
	put_hex(m, 0xFFFC, "AABBCCDD");
	put_rx(m, 0x4E, 7, 0, 0x5FFC);
	run1(m, 2, 0);
	check_outcome(m, "CVD past the end", CC_SAME, 0x05, 4);
	assert_storage(m, 0xFFFC, "AABBCCDD", "CVD past the end");
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * PACK, UNPK, MVO (separate operands)
 */

struct move_case {
	const char *name;
	uint8_t op;
	const char *op1, *op2;
	const char *want1;
};

static const struct move_case move_cases[] = {
	{"PACK manual example", 0xF2, "000000", "F1F2F3C4", "01234C"},
	{"PACK short operand 2: zeros on the left", 0xF2, "FFFFFFFF", "F1C2", "0000012C"},
	{"PACK long operand 2: leftmost digits dropped", 0xF2, "0000", "F1F2F3F4F5", "345F"},
	{"PACK ignores zones and checks nothing", 0xF2, "000000", "A1B2C3D4", "01234D"},
	{"PACK one byte: halves exchanged", 0xF2, "00", "5A", "A5"},
	{"UNPK manual example", 0xF3, "0000000000", "01234C", "F0F1F2F3C4"},
	{"UNPK short operand 1: leftmost digits dropped", 0xF3, "000000", "01234C", "F2F3C4"},
	{"UNPK even operand 1: left digit of the last byte dropped", 0xF3, "00000000", "01234C",
	 "F1F2F3C4"},
	{"UNPK long operand 1: zeros with zone F", 0xF3, "000000000000", "4C", "F0F0F0F0F0C4"},
	{"UNPK checks nothing", 0xF3, "000000", "ABCD", "FAFBDC"},
	{"MVO manual example", 0xF1, "7788990C", "123456", "0123456C"},
	{"MVO short operand 1: leftmost digits dropped", 0xF1, "000C", "123456", "456C"},
	{"MVO long operand 1: zeros on the left, rightmost half kept", 0xF1, "FFFFFF", "1C",
	 "0001CF"},
};

START_TEST(test_pack_unpk_mvo_table)
{
	const struct move_case *t = &move_cases[_i];
	uint8_t b[16];
	unsigned l1 = unhex(t->op1, b), l2 = unhex(t->op2, b);
	put_hex(m, OP1, t->op1);
	put_hex(m, OP2, t->op2);
	put_ss(m, t->op, (uint8_t)((l1 - 1) << 4 | (l2 - 1)), OP1, OP2);
	run1(m, 1, 0);
	check_outcome(m, t->name, 1, 0, 6);
	assert_storage(m, OP1, t->want1, t->name);
	assert_storage(m, OP2, t->op2, t->name);
}
END_TEST

START_TEST(test_unpk_crossing_block_boundaries)
{
	cpu_set_gpr(machine_cpu(m), 6, 0x2000);
	put_hex(m, 0x7FD, "0000000000");
	put_hex(m, 0x27FF, "01234C"); /* operand 2 crosses 0x2800 */
	put_ss(m, 0xF3, 0x42, 0x7FD, 0x67FF);
	run1(m, 0, 0);
	check_outcome(m, "UNPK across 0x800 and 0x2800", 0, 0, 6);
	assert_storage(m, 0x7FD, "F0F1F2F3C4", "UNPK across 0x800 and 0x2800");
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * ED, EDMK: pattern at OP1, source at OP2
 */

struct edit_case {
	const char *name;
	bool mark;           /* EDMK */
	const char *pattern;
	const char *source;
	const char *want;
	int cc;
	unsigned pic;
	uint32_t want_gr1;   /* EDMK: GR1 afterwards (it starts as 0xFF123456) */
};

#define GR1_BEFORE 0xFF123456u

static const struct edit_case edit_cases[] = {
	{"ED manual example, plus: sign message replaced by fill, CC 2", false,
	 "4020206B2021204B202040C3D9", "0257426C", "4040F26BF5F7F44BF2F6404040", 2, 0, 0},
	{"ED manual example, minus: CR kept, CC 1", false, "4020206B2021204B202040C3D9", "0257426D",
	 "4040F26BF5F7F44BF2F640C3D9", 1, 0, 0},
	{"ED significance starter: zero digits after it are shown", false,
	 "4020206B2021204B202040C3D9", "0000026C", "404040404040F04BF2F6404040", 2, 0, 0},
	{"ED all-zero source: blanks, CC 0", false, "4020206B2020204B202040C3D9", "0000000D",
	 "40404040404040404040404040", 0, 0, 0},
	{"ED field separator: CC from the last field only", false, "4020202022202020", "012C000D",
	 "4040F1F240404040", 0, 0, 0},
	{"ED last field negative: CC 1", false, "4020202022202020", "012C005D", "4040F1F2404040F5",
	 1, 0, 0},
	{"ED sign halves are not digits; minus keeps significance on", false, "40202020", "1C2C3D",
	 "40F1F2F3", 1, 0, 0},
	{"ED no sign met: significance on at the end means CC 1", false, "5C2020", "12",
	 "5CF1F2", 1, 0, 0},
	{"ED fill byte that is a digit selector", false, "202020", "005C", "2020F5", 2, 0, 0},
	{"ED invalid source digit: data exception, bytes to its left stored", false, "5C222020",
	 "A12C", "5C5C2020", CC_SAME, 0x07, 0},
	{"EDMK manual example: GR1 points at the first significant digit", true,
	 "4020206B2021204B202040C3D9", "0257426C", "4040F26BF5F7F44BF2F6404040", 2, 0,
	 0xFF000000u | (OP1 + 2)},
	{"EDMK significance forced by the starter: GR1 unchanged", true,
	 "4020206B2021204B202040C3D9", "0000026C", "404040404040F04BF2F6404040", 2, 0, GR1_BEFORE},
	{"EDMK two fields: GR1 marks the rightmost field's first digit", true, "4020202022202020",
	 "012C034C", "4040F1F24040F3F4", 2, 0, 0xFF000000u | (OP1 + 6)},
};

START_TEST(test_ed_edmk_table)
{
	const struct edit_case *t = &edit_cases[_i];
	struct cpu *c = machine_cpu(m);
	uint8_t b[256];
	unsigned len = unhex(t->pattern, b);
	put_hex(m, OP1, t->pattern);
	put_hex(m, OP2, t->source);
	cpu_set_gpr(c, 1, GR1_BEFORE);
	put_ss(m, t->mark ? 0xDF : 0xDE, (uint8_t)(len - 1), OP1, OP2);
	run1(m, cc_before(t->cc), 0);
	check_outcome(m, t->name, t->cc, t->pic, 6);
	assert_storage(m, OP1, t->want, t->name);
	assert_storage(m, OP2, t->source, t->name);
	uint32_t gr1 = cpu_get_gpr(c, 1);
	uint32_t want_gr1 = t->mark ? t->want_gr1 : GR1_BEFORE;
	ck_assert_msg(gr1 == want_gr1, "%s: GR1 %08X, expected %08X", t->name, gr1, want_gr1);
}
END_TEST

START_TEST(test_ed_source_inside_pattern_sees_stored_bytes)
{
	/* The source is the pattern's second byte, a field separator already replaced by the fill
	 * byte 40 when the first digit is fetched: digits 4 and 0. */
	put_hex(m, OP1, "40222020");
	put_ss(m, 0xDE, 0x03, OP1, OP1 + 1);
	run1(m, 0, 0);
	check_outcome(m, "ED overlapping", 1, 0, 6);
	assert_storage(m, OP1, "4040F4F0", "ED overlapping");
}
END_TEST

START_TEST(test_ed_invalid_digit_with_source_crossing_block_stores_nothing)
{
	/* The source may cross 0x800, so every exception is recognised before any store: the field
	 * separator at pattern byte 1 is still there afterwards. */
	put_hex(m, OP1, "5C2220202020202020");
	put_hex(m, 0x7FE, "1234A5");
	put_ss(m, 0xDE, 0x08, OP1, 0x7FE);
	run1(m, 2, 0);
	check_outcome(m, "ED trial", CC_SAME, 0x07, 6);
	assert_storage(m, OP1, "5C2220202020202020", "ED trial");
}
END_TEST

START_TEST(test_ed_pattern_crossing_a_block_boundary)
{
	put_hex(m, 0x7FA, "4020206B2021204B202040C3D9");
	put_hex(m, OP2, "0257426D");
	put_ss(m, 0xDF, 0x0C, 0x7FA, OP2);
	cpu_set_gpr(machine_cpu(m), 1, 0);
	run1(m, 0, 0);
	check_outcome(m, "EDMK across 0x800", 1, 0, 6);
	assert_storage(m, 0x7FA, "4040F26BF5F7F44BF2F640C3D9", "EDMK across 0x800");
	ck_assert_uint_eq(cpu_get_gpr(machine_cpu(m), 1), 0x7FC);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * The suite
 */

static Suite *suite(void)
{
	Suite *s = suite_create("decimal");

	TCase *tc = tcase_create("arithmetic");
	tcase_add_test(tc, test_bcd_add_carries_like_decimal_addition);
	tcase_add_test(tc, test_bcd_sub_borrows_like_decimal_subtraction);
	tcase_add_test(tc, test_bcd_valid_rejects_a_nondigit_in_any_position);
	tcase_add_test(tc, test_dec_load_checks_digits_and_sign);
	tcase_add_test(tc, test_dec_store_uses_preferred_signs_and_drops_excess_digits);
	tcase_add_test(tc, test_dec_fit_sets_cc_truncates_and_signs_zero);
	tcase_add_test(tc, test_dec_compare_is_algebraic_with_equal_zeros);
	tcase_add_test(tc, test_dec_multiply_and_divide_exact);
	tcase_add_test(tc, test_dec_binary_conversions);
	suite_add_tcase(s, tc);

	tc = tcase_create("instructions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_ap_table, 0, ARRAY_SIZE(ap_cases));
	tcase_add_loop_test(tc, test_sp_table, 0, ARRAY_SIZE(sp_cases));
	tcase_add_loop_test(tc, test_zap_table, 0, ARRAY_SIZE(zap_cases));
	tcase_add_loop_test(tc, test_cp_table, 0, ARRAY_SIZE(cp_cases));
	tcase_add_loop_test(tc, test_mp_table, 0, ARRAY_SIZE(mp_cases));
	tcase_add_loop_test(tc, test_dp_table, 0, ARRAY_SIZE(dp_cases));
	tcase_add_loop_test(tc, test_overlapping_operands_table, 0, ARRAY_SIZE(overlap_cases));
	tcase_add_test(tc, test_ap_operand_crossing_a_block_boundary);
	tcase_add_loop_test(tc, test_result_past_end_of_storage_table, 0, ARRAY_SIZE(end_cases));
	tcase_add_loop_test(tc, test_wrapping_result_with_inaccessible_left_part_table, 0,
			    ARRAY_SIZE(end_cases));
	tcase_add_loop_test(tc, test_srp_table, 0, ARRAY_SIZE(srp_cases));
	tcase_add_loop_test(tc, test_cvb_table, 0, ARRAY_SIZE(cvb_cases));
	tcase_add_test(tc, test_cvb_operand_crossing_a_block_boundary);
	tcase_add_loop_test(tc, test_cvd_table, 0, ARRAY_SIZE(cvd_cases));
	tcase_add_test(tc, test_cvd_past_end_of_storage_stores_nothing);
	tcase_add_loop_test(tc, test_pack_unpk_mvo_table, 0, ARRAY_SIZE(move_cases));
	tcase_add_test(tc, test_unpk_crossing_block_boundaries);
	tcase_add_loop_test(tc, test_ed_edmk_table, 0, ARRAY_SIZE(edit_cases));
	tcase_add_test(tc, test_ed_source_inside_pattern_sees_stored_bytes);
	tcase_add_test(tc, test_ed_invalid_digit_with_source_crossing_block_stores_nothing);
	tcase_add_test(tc, test_ed_pattern_crossing_a_block_boundary);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
