/*
 * check_float.c - unit tests for hexadecimal floating point (machine/insn_float.c, machine/hfp.h).
 *
 * Two kinds of table:
 *  - pure-function tables for the arithmetic in hfp.h (add, compare, multiply, divide, halve,
 *    load rounded), with packed operands and results in hex;
 *  - one instruction table: each row sets the four FPRs and a doubleword at X'2000' (GR13 points
 *    there for the RX forms), runs one instruction at X'1000' starting with condition code 3 and
 *    the row's program mask, and checks all four FPRs, the doubleword, the condition code (3 means
 *    unchanged: no floating-point instruction sets it) and the program interruption, if any.
 *    Rows are named test_<mnemonic>_<condition>_<expectation>; every instruction has rows.
 *
 * Expected values are the manual's examples or worked by hand in hex; the comments show the
 * working. Only floating-point instructions run, so these tests depend on no other family.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lib/be.h"
#include "lib/compiler.h"
#include "machine/hfp.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

#define CODE 0x1000u
#define DATA 0x2000u

/* ------------------------------------------------------------------------------------------------
 * Pure functions: add and subtract, short (n = 6; images in the low 32 bits) and long (n = 14)
 */

struct add_case {
	const char *name;
	int n;
	bool normalize;
	bool subtract;
	uint64_t a, b;
	unsigned pm;
	uint64_t want;
	int pic;
};

static const struct add_case add_cases[] = {
	/* 082100 + 001234|5 (guard digit 5, the 6 is lost) = 0833345 -> 833345, char 42. */
	{"short_poo_example_normalizes_and_truncates", 6, true, false, 0x43082100, 0x41123456, 0,
	 0x42833345, 0},
	{"long_poo_example", 14, true, false, 0x4308210000000000, 0x4112345600000000, 0,
	 0x4283334560000000, 0},
	{"short_unnormalized_keeps_characteristic", 6, false, false, 0x43082100, 0x41123456, 0,
	 0x43083334, 0},
	/* 1000000 - 0FFFFFF (F in the guard digit) = 0000001: exactly 16**-6. */
	{"short_guard_digit_catches_borrow", 6, true, true, 0x41100000, 0x40FFFFFF, 0, 0x3B100000, 0},
	{"long_guard_digit_catches_borrow", 14, true, true, 0x4110000000000000, 0x40FFFFFFFFFFFFFF, 0,
	 0x3310000000000000, 0},
	/* 1000000 - 00FFFFF (the last F is beyond the guard digit) = 0F00001 -> F00001, char 40. */
	{"short_digits_beyond_guard_lost_before_subtracting", 6, true, true, 0x41100000, 0x3FFFFFFF, 0,
	 0x40F00001, 0},
	/* Difference 6: the second operand lands in the guard digit only. 1000000 - 0000001. */
	{"short_shift_of_six_digits_reaches_guard", 6, true, true, 0x47100000, 0x41100000, 0, 0x46FFFFFF,
	 0},
	{"short_shift_of_seven_digits_loses_operand", 6, true, true, 0x48100000, 0x41100000, 0,
	 0x48100000, 0},
	{"short_carry_shifts_right", 6, true, false, 0x41800000, 0x41800000, 0, 0x42100000, 0},
	{"short_overflow_wraps_characteristic", 6, true, false, 0x7FF00000, 0x7FF00000, 0, 0x001E0000,
	 PIC_EXPONENT_OVERFLOW},
	{"short_unnormalized_overflow", 6, false, false, 0xFFF00000, 0xFFF00000, 0, 0x801E0000,
	 PIC_EXPONENT_OVERFLOW},
	{"short_underflow_mask_on_adds_128", 6, true, true, 0x00100000, 0x00080000, PM_EXPONENT_UNDERFLOW,
	 0x7F800000, PIC_EXPONENT_UNDERFLOW},
	{"short_underflow_mask_off_true_zero", 6, true, true, 0x00100000, 0x00080000, 0, 0x00000000, 0},
	{"short_unnormalized_never_underflows", 6, false, true, 0x00100000, 0x00080000,
	 PM_EXPONENT_UNDERFLOW, 0x00080000, 0},
	{"long_underflow_mask_on", 14, true, true, 0x0010000000000000, 0x0008000000000000,
	 PM_EXPONENT_UNDERFLOW, 0x7F80000000000000, PIC_EXPONENT_UNDERFLOW},
	{"short_significance_mask_on_keeps_characteristic", 6, true, true, 0x41123456, 0x41123456,
	 PM_SIGNIFICANCE, 0x41000000, PIC_SIGNIFICANCE},
	{"short_significance_mask_off_true_zero", 6, true, true, 0xC1123456, 0xC1123456, 0, 0x00000000, 0},
	{"short_zero_sum_of_opposite_signs_is_plus", 6, true, false, 0xC1123456, 0x41123456,
	 PM_SIGNIFICANCE, 0x41000000, PIC_SIGNIFICANCE},
	/* 010000 (char 42) - 0100000 aligned from char 41: zero with the larger characteristic. */
	{"short_significance_uses_larger_characteristic", 6, true, true, 0x42010000, 0x41100000,
	 PM_SIGNIFICANCE, 0x42000000, PIC_SIGNIFICANCE},
	/* 0000001 nonzero only in the guard digit: zero for ADD UNNORMALIZED. */
	{"short_unnormalized_guard_digit_does_not_count", 6, false, true, 0x41100000, 0x40FFFFFF,
	 PM_SIGNIFICANCE, 0x41000000, PIC_SIGNIFICANCE},
	{"short_zero_fraction_operand_absorbs_small_operand", 6, true, false, 0x48000000, 0x41123456, 0,
	 0x00000000, 0},
	{"short_true_zero_plus_unnormalized_is_normalized", 6, true, false, 0x00000000, 0x40012345, 0,
	 0x3F123450, 0},
	{"short_true_zeros_significance", 6, true, false, 0x80000000, 0x00000000, PM_SIGNIFICANCE,
	 0x00000000, PIC_SIGNIFICANCE},
	{"short_negative_result", 6, true, true, 0x41100000, 0x41200000, 0, 0xC1100000, 0},
	{"long_unnormalized", 14, false, false, 0x4308210000000000, 0x4112345600000000, 0,
	 0x4308333456000000, 0},
	/* 10000000000000|0 - 10000000000001|0: minus one in the last digit. */
	{"long_unnormalized_negative_last_digit", 14, false, true, 0x4110000000000000,
	 0x4110000000000001, 0, 0xC100000000000001, 0},
};

START_TEST(test_add_table)
{
	const struct add_case *t = &add_cases[_i];
	struct hfp a, b;
	if (t->n == HFP_SHORT) {
		a = hfp_unpack_short((uint32_t)t->a);
		b = hfp_unpack_short((uint32_t)t->b);
	} else {
		a = hfp_unpack_long(t->a);
		b = hfp_unpack_long(t->b);
	}
	b.sign ^= t->subtract;
	int pic = hfp_add(&a, &b, t->n, t->normalize, t->pm);
	uint64_t got = t->n == HFP_SHORT ? hfp_pack_short(&a) : hfp_pack_long(&a);
	ck_assert_msg(got == t->want, "%s: result %016llX, want %016llX", t->name, (unsigned long long)got,
		      (unsigned long long)t->want);
	ck_assert_msg(pic == t->pic, "%s: exception %02X, want %02X", t->name, pic, t->pic);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Pure functions: compare
 */

struct compare_case {
	const char *name;
	int n;
	uint64_t a, b;
	uint8_t cc;
};

static const struct compare_case compare_cases[] = {
	{"equal", 6, 0x41123456, 0x41123456, 0},
	{"unnormalized_equal_values_are_equal", 6, 0x41010000, 0x40100000, 0},
	{"zero_fractions_of_any_sign_and_characteristic_are_equal", 6, 0x45000000, 0xC2000000, 0},
	{"minus_zero_equals_true_zero", 14, 0x8000000000000000, 0x0000000000000000, 0},
	{"first_low", 6, 0x41100000, 0x41200000, 1},
	{"negatives_first_low", 6, 0xC1200000, 0xC1100000, 1},
	{"first_high", 6, 0x41200000, 0xC1100000, 2},
	{"true_zero_low_against_tiny_positive", 6, 0x00000000, 0x3B100000, 1},
	/* The second operand is shifted seven digits: nothing of it reaches the guard digit. */
	{"operand_beyond_guard_digit_equals_zero_fraction", 6, 0x42000000, 0x3B100000, 0},
	{"long_compares_all_fourteen_digits", 14, 0x4110000000000000, 0x4110000000000001, 1},
	{"underflowing_difference_compares_high", 6, 0x00100000, 0x00080000, 2},
};

START_TEST(test_compare_table)
{
	const struct compare_case *t = &compare_cases[_i];
	struct hfp a, b;
	if (t->n == HFP_SHORT) {
		a = hfp_unpack_short((uint32_t)t->a);
		b = hfp_unpack_short((uint32_t)t->b);
	} else {
		a = hfp_unpack_long(t->a);
		b = hfp_unpack_long(t->b);
	}
	uint8_t cc = hfp_compare(&a, &b, t->n);
	ck_assert_msg(cc == t->cc, "%s: cc %u, want %u", t->name, cc, t->cc);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Pure functions: multiply, divide, halve, load rounded (short and long)
 */

enum op { MUL_SHORT, MUL_LONG, DIV_SHORT, DIV_LONG, HALVE_SHORT, HALVE_LONG, ROUND_SHORT };

struct op_case {
	const char *name;
	enum op op;
	uint64_t a, b;
	unsigned pm;
	uint64_t want;
	int pic;
};

static const struct op_case op_cases[] = {
	/* 100000 * 100000 = 010000000000: one leading zero digit, char 41+41-64-1. */
	{"mul_short_one_times_one", MUL_SHORT, 0x41100000, 0x41100000, 0, 0x4110000000000000, 0},
	{"mul_short_keeps_twelve_digits", MUL_SHORT, 0x41FFFFFF, 0x41FFFFFF, 0, 0x42FFFFFE00000100, 0},
	{"mul_short_thirty_two_times_three", MUL_SHORT, 0x42200000, 0x41300000, 0, 0x4260000000000000, 0},
	{"mul_short_prenormalizes", MUL_SHORT, 0x44000100, 0x41100000, 0, 0x4110000000000000, 0},
	{"mul_short_signs", MUL_SHORT, 0xC2200000, 0x41300000, 0, 0xC260000000000000, 0},
	{"mul_short_zero_fraction_true_zero", MUL_SHORT, 0xC1123456, 0x80000000, 0, 0, 0},
	{"mul_short_underflow_mask_off", MUL_SHORT, 0x01100000, 0x01100000, 0, 0, 0},
	{"mul_short_underflow_mask_on", MUL_SHORT, 0x01100000, 0x01100000, PM_EXPONENT_UNDERFLOW,
	 0x4110000000000000, PIC_EXPONENT_UNDERFLOW},
	/* .88888888888888 * .3 = .19999999999999|8: truncated, not rounded. */
	{"mul_long_truncates", MUL_LONG, 0x4188888888888888, 0x4130000000000000, 0, 0x4219999999999999, 0},
	{"mul_long_all_digits", MUL_LONG, 0x41FFFFFFFFFFFFFF, 0x41FFFFFFFFFFFFFF, 0, 0x42FFFFFFFFFFFFFE, 0},
	{"mul_long_overflow", MUL_LONG, 0x7F10000000000000, 0x7F10000000000000, 0, 0x3D10000000000000,
	 PIC_EXPONENT_OVERFLOW},
	/* 16**-78 * 16**62: the first operand prenormalizes to char -13, the product is fine. */
	{"mul_long_negative_characteristic_after_prenormalizing", MUL_LONG, 0x0000000000000001,
	 0x7F10000000000000, 0, 0x3110000000000000, 0},
	{"mul_long_zero_fraction_with_characteristic", MUL_LONG, 0x4510000000000000, 0x4500000000000000,
	 0, 0, 0},
	{"div_short_two_by_one", DIV_SHORT, 0x41200000, 0x41100000, 0, 0x41200000, 0},
	{"div_short_one_third_truncated", DIV_SHORT, 0x41100000, 0x41300000, 0, 0x40555555, 0},
	{"div_long_two_thirds_truncated", DIV_LONG, 0x4120000000000000, 0x4130000000000000, 0,
	 0x40AAAAAAAAAAAAAA, 0},
	{"div_short_by_zero", DIV_SHORT, 0x41100000, 0x00000000, 0, 0x41100000, PIC_FLOAT_DIVIDE},
	{"div_short_zero_by_zero", DIV_SHORT, 0x00000000, 0x80000000, 0, 0x00000000, PIC_FLOAT_DIVIDE},
	{"div_short_zero_fraction_divisor", DIV_SHORT, 0x41100000, 0x45000000, 0, 0x41100000,
	 PIC_FLOAT_DIVIDE},
	{"div_short_zero_dividend_true_zero", DIV_SHORT, 0xC5000000, 0x41100000, 0, 0x00000000, 0},
	{"div_long_overflow", DIV_LONG, 0x7F10000000000000, 0x0110000000000000, 0, 0x3F10000000000000,
	 PIC_EXPONENT_OVERFLOW},
	/* The divisor prenormalizes to char -13: 127 + 13 + 65 = 205, less 128. */
	{"div_long_overflow_by_unnormalized_divisor", DIV_LONG, 0x7F10000000000000, 0x0000000000000001,
	 0, 0x4D10000000000000, PIC_EXPONENT_OVERFLOW},
	{"div_short_underflow_mask_on", DIV_SHORT, 0x01100000, 0x7F100000, PM_EXPONENT_UNDERFLOW,
	 0x43100000, PIC_EXPONENT_UNDERFLOW},
	{"div_short_underflow_mask_off", DIV_SHORT, 0x01100000, 0x7F100000, 0, 0x00000000, 0},
	{"div_short_prenormalizes", DIV_SHORT, 0x40000100, 0x3D100000, 0, 0x41100000, 0},
	{"halve_short_no_shift_needed", HALVE_SHORT, 0x41200000, 0, 0, 0x41100000, 0},
	{"halve_short_normalizes", HALVE_SHORT, 0x41100000, 0, 0, 0x40800000, 0},
	/* 100001 >> 1 = 080000 with 8 in the guard digit; normalized: 800008. */
	{"halve_short_keeps_bit_in_guard_digit", HALVE_SHORT, 0x41100001, 0, 0, 0x40800008, 0},
	{"halve_short_rightmost_bit_survives", HALVE_SHORT, 0x41000001, 0, 0, 0x3B800000, 0},
	{"halve_short_zero_fraction_true_zero", HALVE_SHORT, 0xC5000000, 0, 0, 0x00000000, 0},
	{"halve_long_underflow_mask_on", HALVE_LONG, 0x0010000000000000, 0, PM_EXPONENT_UNDERFLOW,
	 0x7F80000000000000, PIC_EXPONENT_UNDERFLOW},
	{"halve_long_underflow_mask_off", HALVE_LONG, 0x0010000000000000, 0, 0, 0, 0},
	{"round_short_up", ROUND_SHORT, 0x4112345680000000, 0, 0, 0x41123457, 0},
	{"round_short_down", ROUND_SHORT, 0x411234567FFFFFFF, 0, 0, 0x41123456, 0},
	{"round_short_carry_into_new_digit", ROUND_SHORT, 0xC1FFFFFF80000000, 0, 0, 0xC2100000, 0},
	{"round_short_overflow", ROUND_SHORT, 0x7FFFFFFF80000000, 0, 0, 0x00100000, PIC_EXPONENT_OVERFLOW},
	{"round_short_unnormalized_stays", ROUND_SHORT, 0x4100001280000000, 0, 0, 0x41000013, 0},
};

START_TEST(test_op_table)
{
	const struct op_case *t = &op_cases[_i];
	bool short_in = t->op == MUL_SHORT || t->op == DIV_SHORT || t->op == HALVE_SHORT;
	bool short_out = t->op == DIV_SHORT || t->op == HALVE_SHORT || t->op == ROUND_SHORT;
	struct hfp a = short_in ? hfp_unpack_short((uint32_t)t->a) : hfp_unpack_long(t->a);
	struct hfp b = short_in ? hfp_unpack_short((uint32_t)t->b) : hfp_unpack_long(t->b);
	int pic = 0;
	switch (t->op) {
	case MUL_SHORT:
		pic = hfp_mul_short(&a, &b, t->pm);
		break;
	case MUL_LONG:
		pic = hfp_mul_long(&a, &b, t->pm);
		break;
	case DIV_SHORT:
		pic = hfp_div(&a, &b, HFP_SHORT, t->pm);
		break;
	case DIV_LONG:
		pic = hfp_div(&a, &b, HFP_LONG, t->pm);
		break;
	case HALVE_SHORT:
		pic = hfp_halve(&a, HFP_SHORT, t->pm);
		break;
	case HALVE_LONG:
		pic = hfp_halve(&a, HFP_LONG, t->pm);
		break;
	case ROUND_SHORT:
		pic = hfp_round_short(&a);
		break;
	}
	uint64_t got = short_out ? hfp_pack_short(&a) : hfp_pack_long(&a);
	ck_assert_msg(got == t->want, "%s: result %016llX, want %016llX", t->name, (unsigned long long)got,
		      (unsigned long long)t->want);
	ck_assert_msg(pic == t->pic, "%s: exception %02X, want %02X", t->name, pic, t->pic);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Pure functions: extended operations. Operands and results are register pairs (high, low).
 */

enum xop { X_ADD, X_SUB, X_MUL, X_MUL_LONG, X_DIV, X_ROUND };

struct ext_case {
	const char *name;
	enum xop op;
	uint64_t ahi, alo, bhi, blo;
	unsigned pm;
	uint64_t whi, wlo; /* X_ROUND: whi is the long result */
	int pic;
};

static const struct ext_case ext_cases[] = {
	/* 1 + 16**-27: the second operand is shifted 27 digits into the last fraction digit. */
	{"add_into_last_digit", X_ADD, 0x4110000000000000, 0x3300000000000000, 0x2610000000000000,
	 0x1800000000000000, 0, 0x4110000000000000, 0x3300000000000001, 0},
	/* 1 - (1 - 16**-28) with the last F in the guard digit: exactly 16**-28, char 41-28. */
	{"sub_guard_digit", X_SUB, 0x4110000000000000, 0x3300000000000000, 0x40FFFFFFFFFFFFFF,
	 0x32FFFFFFFFFFFFFF, 0, 0x2510000000000000, 0x1700000000000000, 0},
	{"sub_significance_mask_on", X_SUB, 0x4112345678ABCDEF, 0x3300000000000001, 0x4112345678ABCDEF,
	 0x3300000000000001, PM_SIGNIFICANCE, 0x4100000000000000, 0x3300000000000000, PIC_SIGNIFICANCE},
	{"sub_significance_mask_off_true_zero", X_SUB, 0x4112345678ABCDEF, 0x3300000000000001,
	 0x4112345678ABCDEF, 0x3300000000000001, 0, 0, 0, 0},
	/* With the significance mask one the zero result keeps its characteristic (here 0), so it
	 * is not a true zero: the low part gets characteristic 0 - 14 = X'72' (as on Hercules 3.13). */
	{"add_zeros_significance_mask_on_low_characteristic_72", X_ADD, 0, 0, 0, 0, PM_SIGNIFICANCE, 0,
	 0x7200000000000000, PIC_SIGNIFICANCE},
	/* FF..F (28) + 10..0 = 10F..F|F: shifted right, char 128 - 128; low char 128 - 14. */
	{"add_overflow_low_characteristic_correct", X_ADD, 0x7FFFFFFFFFFFFFFF, 0x71FFFFFFFFFFFFFF,
	 0x7F10000000000000, 0x7100000000000000, 0, 0x0010FFFFFFFFFFFF, 0x72FFFFFFFFFFFFFF,
	 PIC_EXPONENT_OVERFLOW},
	{"sub_underflow_mask_on", X_SUB, 0x0010000000000000, 0x7200000000000000, 0x0008000000000000,
	 0x7200000000000000, PM_EXPONENT_UNDERFLOW, 0x7F80000000000000, 0x7100000000000000,
	 PIC_EXPONENT_UNDERFLOW},
	{"sub_underflow_mask_off_true_zero", X_SUB, 0x0010000000000000, 0x7200000000000000,
	 0x0008000000000000, 0x7200000000000000, 0, 0, 0, 0},
	/* High char 0A: low char 0A - 0E wraps to 7C without exponent underflow. */
	{"add_low_characteristic_wraps_modulo_128", X_ADD, 0x0A10000000000000, 0x0000000000000005, 0, 0,
	 PM_EXPONENT_UNDERFLOW, 0x0A10000000000000, 0x7C00000000000005, 0},
	{"add_ignores_low_part_sign_and_characteristic", X_ADD, 0x4110000000000000, 0xFF00000000000001,
	 0x4110000000000000, 0x0000000000000001, 0, 0x4120000000000000, 0x3300000000000002, 0},
	/* (1 + 16**-27)**2 = 1 + 2*16**-27 + 16**-54: the last term is truncated. */
	{"mul_truncates_product", X_MUL, 0x4110000000000000, 0x3300000000000001, 0x4110000000000000,
	 0x3300000000000001, 0, 0x4110000000000000, 0x3300000000000002, 0},
	/* (1 - 16**-28)**2 = 1 - 2*16**-28 + 16**-56, truncated: F..FE. */
	{"mul_all_digits_carry", X_MUL, 0x41FFFFFFFFFFFFFF, 0x33FFFFFFFFFFFFFF, 0x41FFFFFFFFFFFFFF,
	 0x33FFFFFFFFFFFFFF, 0, 0x42FFFFFFFFFFFFFF, 0x34FFFFFFFFFFFFFE, 0},
	{"mul_low_characteristic_wraps_without_underflow", X_MUL, 0x2110000000000000, 0x1300000000000000,
	 0x2110000000000000, 0x1300000000000000, PM_EXPONENT_UNDERFLOW, 0x0110000000000000,
	 0x7300000000000000, 0},
	{"mul_overflow", X_MUL, 0x7F10000000000000, 0x7100000000000000, 0x7F10000000000000,
	 0x7100000000000000, 0, 0x3D10000000000000, 0x2F00000000000000, PIC_EXPONENT_OVERFLOW},
	{"mul_underflow_mask_on", X_MUL, 0x0110000000000000, 0, 0x0110000000000000, 0,
	 PM_EXPONENT_UNDERFLOW, 0x4110000000000000, 0x3300000000000000, PIC_EXPONENT_UNDERFLOW},
	/* (16**13 + 1)**2 = 16**26 + 2*16**13 + 1: all 28 digits kept. */
	{"mul_long_to_ext_exact", X_MUL_LONG, 0x4110000000000001, 0, 0x4110000000000001, 0, 0,
	 0x4110000000000002, 0x3300000000000010, 0},
	{"mul_long_to_ext_negative", X_MUL_LONG, 0xC110000000000001, 0, 0x4110000000000001, 0, 0,
	 0xC110000000000002, 0xB300000000000010, 0},
	{"mul_long_to_ext_zero", X_MUL_LONG, 0x4110000000000000, 0, 0x8000000000000000, 0, 0, 0, 0, 0},
	{"div_one_third", X_DIV, 0x4110000000000000, 0x3300000000000000, 0x4130000000000000,
	 0x3300000000000000, 0, 0x4055555555555555, 0x3255555555555555, 0},
	{"div_three_by_one_digit_left_of_point", X_DIV, 0x4130000000000000, 0x3300000000000000,
	 0x4110000000000000, 0x3300000000000000, 0, 0x4130000000000000, 0x3300000000000000, 0},
	{"div_by_zero", X_DIV, 0x4110000000000000, 0x3300000000000000, 0, 0, 0, 0x4110000000000000,
	 0x3300000000000000, PIC_FLOAT_DIVIDE},
	{"round_by_low_part_leftmost_bit", X_ROUND, 0x41123456789ABCDE, 0x3380000000000000, 0, 0, 0,
	 0x41123456789ABCDF, 0, 0},
	{"round_ignores_low_sign_and_characteristic", X_ROUND, 0x41123456789ABCDE, 0xFF7FFFFFFFFFFFFF, 0,
	 0, 0, 0x41123456789ABCDE, 0, 0},
	{"round_carry_into_new_digit", X_ROUND, 0x41FFFFFFFFFFFFFF, 0x3380000000000000, 0, 0, 0,
	 0x4210000000000000, 0, 0},
	{"round_overflow", X_ROUND, 0x7FFFFFFFFFFFFFFF, 0x0080000000000000, 0, 0, 0, 0x0010000000000000, 0,
	 PIC_EXPONENT_OVERFLOW},
};

START_TEST(test_ext_table)
{
	const struct ext_case *t = &ext_cases[_i];
	struct hfpx a = hfp_unpack_ext(t->ahi, t->alo), b = hfp_unpack_ext(t->bhi, t->blo);
	uint64_t hi = 0, lo = 0;
	int pic = 0;
	switch (t->op) {
	case X_ADD:
	case X_SUB:
		b.sign ^= t->op == X_SUB;
		pic = hfp_add_ext(&a, &b, t->pm);
		break;
	case X_MUL:
		pic = hfp_mul_ext(&a, &b, t->pm);
		break;
	case X_MUL_LONG: {
		struct hfp x = hfp_unpack_long(t->ahi), y = hfp_unpack_long(t->bhi);
		pic = hfp_mul_long_ext(&a, &x, &y, t->pm);
		break;
	}
	case X_DIV:
		pic = hfp_div_ext(&a, &b, t->pm);
		break;
	case X_ROUND: {
		struct hfp r;
		pic = hfp_round_long(&r, &a);
		hi = hfp_pack_long(&r);
		break;
	}
	}
	if (t->op != X_ROUND)
		hfp_pack_ext(&a, &hi, &lo);
	ck_assert_msg(hi == t->whi && lo == t->wlo, "%s: result %016llX %016llX, want %016llX %016llX",
		      t->name, (unsigned long long)hi, (unsigned long long)lo, (unsigned long long)t->whi,
		      (unsigned long long)t->wlo);
	ck_assert_msg(pic == t->pic, "%s: exception %02X, want %02X", t->name, pic, t->pic);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Instructions
 */

struct insn_case {
	const char *name;
	const char *code;   /* the instruction, in hex */
	uint64_t fpr[4];    /* FPR 0, 2, 4, 6 before */
	uint64_t mem;       /* doubleword at X'2000' before */
	unsigned pm;        /* program mask */
	uint64_t want[4];   /* FPRs after */
	uint64_t want_mem;  /* doubleword after, when stores is set (else unchanged) */
	bool stores;
	uint8_t cc;         /* 3: unchanged */
	unsigned pic;       /* program interruption code, 0 for none */
};

#define UNCH 3 /* condition code unchanged */
#define S(x) ((uint64_t)(x) << 32) /* a short image in the left half of a register */
#define PM_EU PM_EXPONENT_UNDERFLOW
#define PM_SG PM_SIGNIFICANCE

static const struct insn_case insn_cases[] = {
	/* ---- Loads and stores: no change to any bit ---- */
	{"test_ler_copies_left_half_keeps_right_half", "3820",
	 {0x41123456AAAAAAAA, 0x00000000BBBBBBBB}, 0, 0,
	 {0x41123456AAAAAAAA, 0x41123456BBBBBBBB}, 0, false, UNCH, 0},
	{"test_ldr_copies_whole_register", "2820", {0x41123456AAAAAAAA, 0x00000000BBBBBBBB}, 0, 0,
	 {0x41123456AAAAAAAA, 0x41123456AAAAAAAA}, 0, false, UNCH, 0},
	{"test_le_loads_unnormalized_left_half_keeps_right_half", "7800D000",
	 {0x1111111122222222}, 0x00000001FFFFFFFF, 0,
	 {0x0000000122222222}, 0, false, UNCH, 0},
	{"test_le_unaligned_operand", "7800D001", {0}, 0x0041123456000000, 0,
	 {0x4112345600000000}, 0, false, UNCH, 0},
	{"test_ld_loads_doubleword", "6820D000", {0, 0x1111111111111111}, 0x8000000000000001, 0,
	 {0, 0x8000000000000001}, 0, false, UNCH, 0},
	{"test_ste_stores_left_half", "7020D000", {0, 0xC1123456789ABCDE}, 0x1111111122222222, 0,
	 {0, 0xC1123456789ABCDE}, 0xC112345622222222, true, UNCH, 0},
	{"test_std_stores_doubleword", "6040D000", {0, 0, 0x7F00000000000001}, 0x1111111122222222, 0,
	 {0, 0, 0x7F00000000000001}, 0x7F00000000000001, true, UNCH, 0},

	/* ---- Sign control: CC from the fraction, no normalization ---- */
	{"test_lper_clears_sign_cc2", "3020", {0xC110000011111111, 0x0000000022222222}, 0, 0,
	 {0xC110000011111111, 0x4110000022222222}, 0, false, 2, 0},
	{"test_lper_zero_fraction_cc0", "3020", {S(0xC5000000)}, 0, 0,
	 {S(0xC5000000), S(0x45000000)}, 0, false, 0, 0},
	{"test_lner_sets_sign_of_zero_fraction_cc0", "3120", {0x0000000011111111}, 0, 0,
	 {0x0000000011111111, 0x8000000000000000}, 0, false, 0, 0},
	{"test_lner_nonzero_cc1", "3120", {S(0x41100000)}, 0, 0,
	 {S(0x41100000), S(0xC1100000)}, 0, false, 1, 0},
	{"test_lter_negative_cc1", "3200", {0xC110000000000000}, 0, 0,
	 {0xC110000000000000}, 0, false, 1, 0},
	{"test_lter_ignores_right_half_cc0", "3200", {0x4000000000000001}, 0, 0,
	 {0x4000000000000001}, 0, false, 0, 0},
	{"test_ltdr_counts_right_half_cc2", "2200", {0x4000000000000001}, 0, 0,
	 {0x4000000000000001}, 0, false, 2, 0},
	{"test_lcer_inverts_sign_cc1", "3320", {S(0x41100000)}, 0, 0,
	 {S(0x41100000), S(0xC1100000)}, 0, false, 1, 0},
	{"test_lcer_zero_gives_minus_zero_cc0", "3320", {0, 0x0000000055555555}, 0, 0,
	 {0, 0x8000000055555555}, 0, false, 0, 0},
	{"test_lpdr_copies_right_half_cc2", "2020", {0xC110000000000001}, 0, 0,
	 {0xC110000000000001, 0x4110000000000001}, 0, false, 2, 0},
	{"test_lndr_zero_fraction_cc0", "2120", {0x4100000000000000}, 0, 0,
	 {0x4100000000000000, 0xC100000000000000}, 0, false, 0, 0},
	{"test_lcdr_negative_to_positive_cc2", "2320", {0xC110000000000000}, 0, 0,
	 {0xC110000000000000, 0x4110000000000000}, 0, false, 2, 0},

	/* ---- Add and subtract, short ---- */
	{"test_aer_poo_example_keeps_right_half", "3A02", {0x43082100AAAAAAAA, 0x41123456BBBBBBBB}, 0, 0,
	 {0x42833345AAAAAAAA, 0x41123456BBBBBBBB}, 0, false, 2, 0},
	{"test_ae_poo_example", "7A00D000", {0x4308210000000000}, 0x4112345600000000, 0,
	 {0x4283334500000000}, 0, false, 2, 0},
	{"test_ser_guard_digit_catches_borrow", "3B02", {S(0x41100000), S(0x40FFFFFF)}, 0, 0,
	 {S(0x3B100000), S(0x40FFFFFF)}, 0, false, 2, 0},
	{"test_aer_carry_shifts_right", "3A02", {S(0x41800000), S(0x41800000)}, 0, 0,
	 {S(0x42100000), S(0x41800000)}, 0, false, 2, 0},
	{"test_aer_overflow_wraps_and_interrupts_cc2", "3A02", {S(0x7FF00000), S(0x7FF00000)}, 0, 0,
	 {S(0x001E0000), S(0x7FF00000)}, 0, false, 2, PIC_EXPONENT_OVERFLOW},
	{"test_aer_negative_overflow_cc1", "3A02", {S(0xFFF00000), S(0xFFF00000)}, 0, 0,
	 {S(0x801E0000), S(0xFFF00000)}, 0, false, 1, PIC_EXPONENT_OVERFLOW},
	{"test_ser_underflow_mask_on_wraps_and_interrupts", "3B02",
	 {S(0x00100000), S(0x00080000)}, 0, PM_EU,
	 {S(0x7F800000), S(0x00080000)}, 0, false, 2, PIC_EXPONENT_UNDERFLOW},
	{"test_ser_underflow_mask_off_true_zero_cc0", "3B02", {0x0010000012345678, S(0x00080000)}, 0, PM_SG,
	 {0x0000000012345678, S(0x00080000)}, 0, false, 0, 0},
	{"test_ser_significance_mask_on_keeps_characteristic", "3B02",
	 {S(0x41123456), S(0x41123456)}, 0, PM_SG,
	 {S(0x41000000), S(0x41123456)}, 0, false, 0, PIC_SIGNIFICANCE},
	{"test_ser_significance_mask_off_true_zero", "3B02", {S(0x41123456), S(0x41123456)}, 0, PM_EU,
	 {S(0x00000000), S(0x41123456)}, 0, false, 0, 0},
	{"test_se_negative_result_cc1", "7B00D000", {0x4110000000000000}, 0x4120000000000000, 0,
	 {0xC110000000000000}, 0, false, 1, 0},
	{"test_aur_poo_operands_unnormalized_sum", "3E02", {S(0x43082100), S(0x41123456)}, 0, 0,
	 {S(0x43083334), S(0x41123456)}, 0, false, 2, 0},
	{"test_sur_guard_digit_alone_is_significance", "3F02", {S(0x41100000), S(0x40FFFFFF)}, 0, PM_SG,
	 {S(0x41000000), S(0x40FFFFFF)}, 0, false, 0, PIC_SIGNIFICANCE},
	{"test_sur_no_underflow", "3F02", {S(0x00100000), S(0x00080000)}, 0, PM_EU,
	 {S(0x00080000), S(0x00080000)}, 0, false, 2, 0},
	{"test_au_unnormalized_difference", "7E00D000", {S(0x41100000)}, 0xC080000000000000, 0,
	 {S(0x41080000)}, 0, false, 2, 0},
	{"test_su_zero_mask_off_true_zero", "7F00D000", {0x4110000000000000}, 0x4110000000000000, 0,
	 {0}, 0, false, 0, 0},

	/* ---- Add and subtract, long ---- */
	{"test_adr_poo_example", "2A02", {0x4308210000000000, 0x4112345600000000}, 0, 0,
	 {0x4283334560000000, 0x4112345600000000}, 0, false, 2, 0},
	{"test_ad_poo_example", "6A00D000", {0x4308210000000000}, 0x4112345600000000, 0,
	 {0x4283334560000000}, 0, false, 2, 0},
	{"test_sdr_guard_digit_catches_borrow", "2B02", {0x4110000000000000, 0x40FFFFFFFFFFFFFF}, 0, 0,
	 {0x3310000000000000, 0x40FFFFFFFFFFFFFF}, 0, false, 2, 0},
	{"test_sdr_underflow_mask_on", "2B02", {0x0010000000000000, 0x0008000000000000}, 0, PM_EU,
	 {0x7F80000000000000, 0x0008000000000000}, 0, false, 2, PIC_EXPONENT_UNDERFLOW},
	{"test_adr_overflow", "2A02", {0x7FF0000000000000, 0x7FF0000000000000}, 0, 0,
	 {0x001E000000000000, 0x7FF0000000000000}, 0, false, 2, PIC_EXPONENT_OVERFLOW},
	{"test_sd_significance_mask_on", "6B00D000", {0x4212345678000000}, 0x4212345678000000, PM_SG,
	 {0x4200000000000000}, 0, false, 0, PIC_SIGNIFICANCE},
	{"test_awr_unnormalized", "2E02", {0x4308210000000000, 0x4112345600000000}, 0, 0,
	 {0x4308333456000000, 0x4112345600000000}, 0, false, 2, 0},
	{"test_swr_zero_mask_off_true_zero", "2F02", {0x4212345678000000, 0x4212345678000000}, 0, 0,
	 {0, 0x4212345678000000}, 0, false, 0, 0},
	{"test_aw_unnormalized_sum", "6E00D000", {0x4110000000000000}, 0x4010000000000000, 0,
	 {0x4111000000000000}, 0, false, 2, 0},
	{"test_sw_negative_last_digit_cc1", "6F00D000", {0x4110000000000000}, 0x4110000000000001, 0,
	 {0xC100000000000001}, 0, false, 1, 0},

	/* ---- Compare ---- */
	{"test_cer_equal_cc0", "3902", {S(0x41123456), S(0x41123456)}, 0, 0,
	 {S(0x41123456), S(0x41123456)}, 0, false, 0, 0},
	{"test_cer_unnormalized_equal_values_cc0", "3902", {S(0x41010000), S(0x40100000)}, 0, 0,
	 {S(0x41010000), S(0x40100000)}, 0, false, 0, 0},
	{"test_cer_zeros_of_any_sign_and_characteristic_cc0", "3902", {S(0x45000000), S(0xC2000000)}, 0, 0,
	 {S(0x45000000), S(0xC2000000)}, 0, false, 0, 0},
	{"test_cer_minus_zero_equals_true_zero_cc0", "3902", {S(0x80000000), 0}, 0, 0,
	 {S(0x80000000), 0}, 0, false, 0, 0},
	{"test_cer_first_low_cc1", "3902", {S(0xC1200000), S(0xC1100000)}, 0, 0,
	 {S(0xC1200000), S(0xC1100000)}, 0, false, 1, 0},
	{"test_cer_first_high_cc2", "3902", {S(0x41200000), S(0xC1100000)}, 0, 0,
	 {S(0x41200000), S(0xC1100000)}, 0, false, 2, 0},
	{"test_cer_ignores_right_halves_cc0", "3902", {0x4110000000000001, 0x4110000000000002}, 0, 0,
	 {0x4110000000000001, 0x4110000000000002}, 0, false, 0, 0},
	{"test_ce_operand_beyond_guard_equals_zero_fraction_cc0", "7900D000",
	 {S(0x42000000)}, 0x3B10000000000000, 0,
	 {S(0x42000000)}, 0, false, 0, 0},
	{"test_cer_no_exception_for_underflowing_difference", "3902",
	 {S(0x00100000), S(0x00080000)}, 0, PM_EU | PM_SG,
	 {S(0x00100000), S(0x00080000)}, 0, false, 2, 0},
	{"test_cdr_all_fourteen_digits_cc1", "2902", {0x4110000000000000, 0x4110000000000001}, 0, 0,
	 {0x4110000000000000, 0x4110000000000001}, 0, false, 1, 0},
	{"test_cd_first_high_cc2", "6900D000", {0x4120000000000000}, 0x4110000000000000, 0,
	 {0x4120000000000000}, 0, false, 2, 0},

	/* ---- Multiply ---- */
	{"test_mer_long_result_replaces_right_half", "3C02", {0x41100000FFFFFFFF, S(0x41100000)}, 0, 0,
	 {0x4110000000000000, S(0x41100000)}, 0, false, UNCH, 0},
	{"test_mer_keeps_all_twelve_digits", "3C02", {S(0x41FFFFFF), S(0x41FFFFFF)}, 0, 0,
	 {0x42FFFFFE00000100, S(0x41FFFFFF)}, 0, false, UNCH, 0},
	{"test_mer_prenormalizes", "3C02", {S(0x44000100), S(0x41100000)}, 0, 0,
	 {0x4110000000000000, S(0x41100000)}, 0, false, UNCH, 0},
	{"test_mer_zero_operand_true_zero", "3C02", {0xC112345612345678, S(0x80000000)}, 0, 0,
	 {0, S(0x80000000)}, 0, false, UNCH, 0},
	{"test_mer_underflow_mask_on", "3C02", {S(0x01100000), S(0x01100000)}, 0, PM_EU,
	 {0x4110000000000000, S(0x01100000)}, 0, false, UNCH, PIC_EXPONENT_UNDERFLOW},
	{"test_me_thirty_two_times_three", "7C00D000", {S(0x42200000)}, 0x4130000000000000, 0,
	 {0x4260000000000000}, 0, false, UNCH, 0},
	{"test_mdr_truncates_product", "2C02", {0x4188888888888888, 0x4130000000000000}, 0, 0,
	 {0x4219999999999999, 0x4130000000000000}, 0, false, UNCH, 0},
	{"test_mdr_overflow", "2C02", {0x7F10000000000000, 0x7F10000000000000}, 0, 0,
	 {0x3D10000000000000, 0x7F10000000000000}, 0, false, UNCH, PIC_EXPONENT_OVERFLOW},
	{"test_md_all_digits", "6C00D000", {0x41FFFFFFFFFFFFFF}, 0x41FFFFFFFFFFFFFF, 0,
	 {0x42FFFFFFFFFFFFFE}, 0, false, UNCH, 0},
	{"test_mxdr_exact_product_low_characteristic", "2702",
	 {0x4110000000000001, 0x4110000000000001}, 0, 0,
	 {0x4110000000000002, 0x3300000000000010}, 0, false, UNCH, 0},
	{"test_mxdr_low_part_takes_sign", "2704", {0xC110000000000001, 0, 0x4110000000000001}, 0, 0,
	 {0xC110000000000002, 0xB300000000000010, 0x4110000000000001}, 0, false, UNCH, 0},
	{"test_mxdr_zero_true_zero_in_both_parts", "2740",
	 {0, 0, 0x4110000000000000, 0x1234567812345678}, 0, 0,
	 {0, 0, 0, 0}, 0, false, UNCH, 0},
	{"test_mxd_exact_product", "6700D000", {0x4110000000000001}, 0x4110000000000001, 0,
	 {0x4110000000000002, 0x3300000000000010}, 0, false, UNCH, 0},
	{"test_mxr_truncates_product", "2604",
	 {0x4110000000000000, 0x3300000000000001, 0x4110000000000000, 0x3300000000000001}, 0, 0,
	 {0x4110000000000000, 0x3300000000000002, 0x4110000000000000, 0x3300000000000001},
	 0, false, UNCH, 0},
	{"test_mxr_square_in_place", "2600", {0x41FFFFFFFFFFFFFF, 0x33FFFFFFFFFFFFFF}, 0, 0,
	 {0x42FFFFFFFFFFFFFF, 0x34FFFFFFFFFFFFFE}, 0, false, UNCH, 0},
	{"test_mxr_overflow", "2644", {0, 0, 0x7F10000000000000, 0x7100000000000000}, 0, 0,
	 {0, 0, 0x3D10000000000000, 0x2F00000000000000}, 0, false, UNCH, PIC_EXPONENT_OVERFLOW},

	/* ---- Divide ---- */
	{"test_der_one_third_truncated_keeps_right_half", "3D02", {0x4110000012345678, S(0x41300000)}, 0, 0,
	 {0x4055555512345678, S(0x41300000)}, 0, false, UNCH, 0},
	{"test_der_divisor_zero_suppressed", "3D02", {0x4110000012345678, S(0x80000000)}, 0, 0,
	 {0x4110000012345678, S(0x80000000)}, 0, false, UNCH, PIC_FLOAT_DIVIDE},
	{"test_der_zero_dividend_true_zero", "3D02", {0xC500000077777777, S(0x41100000)}, 0, 0,
	 {0x0000000077777777, S(0x41100000)}, 0, false, UNCH, 0},
	{"test_der_underflow_mask_on", "3D02", {S(0x01100000), S(0x7F100000)}, 0, PM_EU,
	 {S(0x43100000), S(0x7F100000)}, 0, false, UNCH, PIC_EXPONENT_UNDERFLOW},
	{"test_der_underflow_mask_off_true_zero", "3D02", {S(0x01100000), S(0x7F100000)}, 0, PM_SG,
	 {S(0x00000000), S(0x7F100000)}, 0, false, UNCH, 0},
	{"test_de_prenormalizes", "7D00D000", {S(0x40000100)}, 0x3D10000000000000, 0,
	 {S(0x41100000)}, 0, false, UNCH, 0},
	{"test_ddr_two_thirds_truncated", "2D02", {0x4120000000000000, 0x4130000000000000}, 0, 0,
	 {0x40AAAAAAAAAAAAAA, 0x4130000000000000}, 0, false, UNCH, 0},
	{"test_ddr_overflow", "2D02", {0x7F10000000000000, 0x0110000000000000}, 0, 0,
	 {0x3F10000000000000, 0x0110000000000000}, 0, false, UNCH, PIC_EXPONENT_OVERFLOW},
	{"test_dd_negative_quotient", "6D00D000", {0xC110000000000000}, 0x4130000000000000, 0,
	 {0xC055555555555555}, 0, false, UNCH, 0},
	{"test_dd_divisor_zero_suppressed", "6D00D000", {0x4110000000000000}, 0xC500000000000000, 0,
	 {0x4110000000000000}, 0, false, UNCH, PIC_FLOAT_DIVIDE},
	{"test_dxr_one_third", "B22D0004",
	 {0x4110000000000000, 0x3300000000000000, 0x4130000000000000, 0x3300000000000000}, 0, 0,
	 {0x4055555555555555, 0x3255555555555555, 0x4130000000000000, 0x3300000000000000},
	 0, false, UNCH, 0},
	{"test_dxr_divisor_zero_suppressed_low_part_untouched", "B22D0004",
	 {0x4110000000000000, 0xFF00000000000000, 0x8000000000000000, 0}, 0, 0,
	 {0x4110000000000000, 0xFF00000000000000, 0x8000000000000000, 0}, 0, false, UNCH, PIC_FLOAT_DIVIDE},

	/* ---- Halve ---- */
	{"test_her_keeps_right_half", "3402", {0x00000000DEADBEEF, 0x4120000012345678}, 0, 0,
	 {0x41100000DEADBEEF, 0x4120000012345678}, 0, false, UNCH, 0},
	{"test_her_normalizes", "3400", {S(0x41100000)}, 0, 0, {S(0x40800000)}, 0, false, UNCH, 0},
	{"test_her_keeps_shifted_out_bit", "3400", {S(0x41100001)}, 0, 0,
	 {S(0x40800008)}, 0, false, UNCH, 0},
	{"test_her_negative", "3400", {S(0xC1200000)}, 0, 0, {S(0xC1100000)}, 0, false, UNCH, 0},
	{"test_her_zero_fraction_true_zero", "3400", {S(0xC5000000)}, 0, 0, {0}, 0, false, UNCH, 0},
	{"test_hdr_keeps_shifted_out_bit", "2402", {0, 0x4110000000000001}, 0, 0,
	 {0x4080000000000008, 0x4110000000000001}, 0, false, UNCH, 0},
	{"test_hdr_underflow_mask_on", "2400", {0x0010000000000000}, 0, PM_EU,
	 {0x7F80000000000000}, 0, false, UNCH, PIC_EXPONENT_UNDERFLOW},
	{"test_hdr_underflow_mask_off_true_zero", "2400", {0x0010000000000000}, 0, 0,
	 {0}, 0, false, UNCH, 0},

	/* ---- Load rounded ---- */
	{"test_lrer_rounds_up_keeps_right_half", "3502", {0x00000000CAFEBABE, 0x4112345680000000}, 0, 0,
	 {0x41123457CAFEBABE, 0x4112345680000000}, 0, false, UNCH, 0},
	{"test_lrer_carry_into_new_digit", "3500", {0x41FFFFFF80000000}, 0, 0,
	 {0x4210000080000000}, 0, false, UNCH, 0},
	{"test_lrer_overflow", "3500", {0x7FFFFFFF80000000}, 0, 0,
	 {0x0010000080000000}, 0, false, UNCH, PIC_EXPONENT_OVERFLOW},
	{"test_lrdr_rounds_by_low_part", "2520", {0x41123456789ABCDE, 0x3380000000000000}, 0, 0,
	 {0x41123456789ABCDE, 0x41123456789ABCDF}, 0, false, UNCH, 0},
	{"test_lrdr_carry_into_new_digit", "2564", {0, 0, 0x41FFFFFFFFFFFFFF, 0x3380000000000000}, 0, 0,
	 {0, 0, 0x41FFFFFFFFFFFFFF, 0x4210000000000000}, 0, false, UNCH, 0},
	{"test_lrdr_overflow", "2504", {0, 0, 0x7FFFFFFFFFFFFFFF, 0x0080000000000000}, 0, 0,
	 {0x0010000000000000, 0, 0x7FFFFFFFFFFFFFFF, 0x0080000000000000},
	 0, false, UNCH, PIC_EXPONENT_OVERFLOW},

	/* ---- Extended add and subtract ---- */
	{"test_axr_adds_into_last_digit", "3604",
	 {0x4110000000000000, 0x3300000000000000, 0x2610000000000000, 0x1800000000000000}, 0, 0,
	 {0x4110000000000000, 0x3300000000000001, 0x2610000000000000, 0x1800000000000000}, 0, false, 2, 0},
	{"test_sxr_guard_digit", "3704",
	 {0x4110000000000000, 0x3300000000000000, 0x40FFFFFFFFFFFFFF, 0x32FFFFFFFFFFFFFF}, 0, 0,
	 {0x2510000000000000, 0x1700000000000000, 0x40FFFFFFFFFFFFFF, 0x32FFFFFFFFFFFFFF}, 0, false, 2, 0},
	{"test_sxr_significance_mask_on", "3700", {0x4112345678ABCDEF, 0x3300000000000001}, 0, PM_SG,
	 {0x4100000000000000, 0x3300000000000000}, 0, false, 0, PIC_SIGNIFICANCE},
	{"test_sxr_significance_mask_on_characteristic_zero_low_part_72", "3700",
	 {0x0012345678ABCDEF, 0x7200000000000001}, 0, PM_SG,
	 {0x0000000000000000, 0x7200000000000000}, 0, false, 0, PIC_SIGNIFICANCE},
	{"test_sxr_significance_mask_off_true_zero", "3744",
	 {0, 0, 0xC112345678ABCDEF, 0x3300000000000001}, 0, 0,
	 {0, 0, 0, 0}, 0, false, 0, 0},
	{"test_axr_negative_cc1", "3604",
	 {0xC110000000000000, 0xB300000000000000, 0xC110000000000000, 0}, 0, 0,
	 {0xC120000000000000, 0xB300000000000000, 0xC110000000000000, 0}, 0, false, 1, 0},
	{"test_axr_overflow", "3604",
	 {0x7FFFFFFFFFFFFFFF, 0x71FFFFFFFFFFFFFF, 0x7F10000000000000, 0x7100000000000000}, 0, 0,
	 {0x0010FFFFFFFFFFFF, 0x72FFFFFFFFFFFFFF, 0x7F10000000000000, 0x7100000000000000},
	 0, false, 2, PIC_EXPONENT_OVERFLOW},
	{"test_sxr_underflow_mask_on", "3704",
	 {0x0010000000000000, 0x7200000000000000, 0x0008000000000000, 0x7200000000000000}, 0, PM_EU,
	 {0x7F80000000000000, 0x7100000000000000, 0x0008000000000000, 0x7200000000000000},
	 0, false, 2, PIC_EXPONENT_UNDERFLOW},
	{"test_axr_low_characteristic_wraps", "3604", {0x0A10000000000000, 0x0000000000000005}, 0, 0,
	 {0x0A10000000000000, 0x7C00000000000005}, 0, false, 2, 0},

	/* ---- Specification: register numbers ---- */
	{"test_aer_odd_r1_specification", "3A12", {S(0x41100000), S(0x41100000)}, 0, 0,
	 {S(0x41100000), S(0x41100000)}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_aer_r2_eight_specification", "3A08", {S(0x41100000)}, 0, 0,
	 {S(0x41100000)}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_ldr_r2_ten_specification", "280A", {0, S(0x41100000)}, 0, 0,
	 {0, S(0x41100000)}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_lcer_odd_r2_specification", "3301", {S(0x41100000)}, 0, 0,
	 {S(0x41100000)}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_ae_odd_r1_specification", "7A10D000", {S(0x41100000)}, 0x4110000000000000, 0,
	 {S(0x41100000)}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_le_odd_r1_specification", "7830D000", {0}, 0x4110000000000000, 0,
	 {0}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_std_odd_r1_specification_stores_nothing", "6010D000",
	 {0x4110000000000000}, 0x1111111111111111, 0,
	 {0x4110000000000000}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_axr_r1_two_specification", "3620", {0x4110000000000000}, 0, 0,
	 {0x4110000000000000}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_sxr_r2_six_specification", "3706", {0x4110000000000000}, 0, 0,
	 {0x4110000000000000}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_mxr_r2_two_specification", "2602", {0x4110000000000000}, 0, 0,
	 {0x4110000000000000}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_mxdr_r1_two_specification", "2720", {0x4110000000000000}, 0, 0,
	 {0x4110000000000000}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_mxdr_odd_r2_specification", "2701", {0x4110000000000000}, 0, 0,
	 {0x4110000000000000}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_mxd_r1_six_specification", "6760D000", {0x4110000000000000}, 0x4110000000000000, 0,
	 {0x4110000000000000}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_lrdr_r2_two_specification", "2502", {0x4110000000000000}, 0, 0,
	 {0x4110000000000000}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_dxr_r2_six_specification", "B22D0006", {0x4110000000000000}, 0, 0,
	 {0x4110000000000000}, 0, false, UNCH, PIC_SPECIFICATION},
	{"test_her_odd_r1_specification", "3450", {0x4110000000000000}, 0, 0,
	 {0x4110000000000000}, 0, false, UNCH, PIC_SPECIFICATION},
};

/* Run one instruction at CODE with condition code 3 and program mask pm. */
static void run_one(struct machine *m, unsigned pm)
{
	uint8_t psw[8] = {0, 0, 0, 0, (uint8_t)(0x30 | (pm & 15)), 0, (uint8_t)(CODE >> 8), (uint8_t)CODE};
	uint8_t zero[8] = {0};
	struct cpu *c = machine_cpu(m);
	ck_assert(cpu_set_psw(c, psw));
	h_put(m, 0x28, zero, 8); /* program old PSW */
	machine_run(c, 1);
}

START_TEST(test_insn_table)
{
	const struct insn_case *t = &insn_cases[_i];
	struct machine *m = h_new(64 * 1024, false);
	struct cpu *c = machine_cpu(m);
	uint8_t b[8];

	h_code(m, CODE, t->code);
	put_be64(b, t->mem);
	h_put(m, DATA, b, 8);
	cpu_set_gpr(c, 13, DATA);
	for (int i = 0; i < 4; i++)
		cpu_set_fpr(c, 2 * i, t->fpr[i]);

	run_one(m, t->pm);

	uint8_t op;
	h_get(m, CODE, &op, 1);
	uint32_t next = CODE + (uint32_t)insn_length(op);
	unsigned cc;
	if (t->pic) {
		uint8_t old[8];
		h_get(m, 0x28, old, 8);
		ck_assert_msg(h_program_interrupted(m), "%s: no program interruption", t->name);
		ck_assert_msg(h_pic(m) == t->pic, "%s: interruption code %04X, want %04X", t->name, h_pic(m),
			      t->pic);
		ck_assert_msg(h_pic_ia(m) == next, "%s: old PSW address %06X, want %06X", t->name,
			      h_pic_ia(m), next);
		ck_assert_msg(h_pic_ilc(m) == (unsigned)insn_length(op) / 2, "%s: ILC %u", t->name,
			      h_pic_ilc(m));
		cc = (old[4] >> 4) & 3;
	} else {
		ck_assert_msg(!h_program_interrupted(m), "%s: program interruption %04X", t->name, h_pic(m));
		ck_assert_msg(h_ia(m) == next, "%s: next address %06X", t->name, h_ia(m));
		cc = h_cc(m);
	}
	for (int i = 0; i < 4; i++) {
		uint64_t got = cpu_get_fpr(c, 2 * i);
		ck_assert_msg(got == t->want[i], "%s: FPR%d %016llX, want %016llX", t->name, 2 * i,
			      (unsigned long long)got, (unsigned long long)t->want[i]);
	}
	h_get(m, DATA, b, 8);
	uint64_t want_mem = t->stores ? t->want_mem : t->mem;
	ck_assert_msg(be64(b) == want_mem, "%s: storage %016llX, want %016llX", t->name,
		      (unsigned long long)be64(b), (unsigned long long)want_mem);
	ck_assert_msg(cc == t->cc, "%s: cc %u, want %u", t->name, cc, t->cc);
	machine_free(m);
}
END_TEST

/* An access exception on the second operand comes after the register check and changes nothing. */
START_TEST(test_ad_addressing_exception_leaves_register)
{
	struct machine *m = h_new(64 * 1024, false);
	struct cpu *c = machine_cpu(m);
	h_code(m, CODE, "6A00D000"); /* AD 0,0(0,13) */
	cpu_set_gpr(c, 13, 0x00FFFFF8);
	cpu_set_fpr(c, 0, 0x4110000000000000);
	run_one(m, 0);
	ck_assert(h_program_interrupted(m));
	ck_assert_uint_eq(h_pic(m), PIC_ADDRESSING);
	ck_assert_uint_eq(cpu_get_fpr(c, 0), 0x4110000000000000);
	machine_free(m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("float");
	TCase *pure = tcase_create("arithmetic");
	tcase_add_loop_test(pure, test_add_table, 0, ARRAY_SIZE(add_cases));
	tcase_add_loop_test(pure, test_compare_table, 0, ARRAY_SIZE(compare_cases));
	tcase_add_loop_test(pure, test_op_table, 0, ARRAY_SIZE(op_cases));
	tcase_add_loop_test(pure, test_ext_table, 0, ARRAY_SIZE(ext_cases));
	suite_add_tcase(s, pure);
	TCase *insn = tcase_create("instructions");
	tcase_add_loop_test(insn, test_insn_table, 0, ARRAY_SIZE(insn_cases));
	tcase_add_test(insn, test_ad_addressing_exception_leaves_register);
	suite_add_tcase(s, insn);
	return s;
}

int main(void)
{
	return check_run(suite());
}
