/*
 * check_general.c - unit tests for the general instructions in RR, RX, RS, SI and S form
 * (machine/insn_general.c): arithmetic and logical condition codes, overflow with the program mask
 * on and off, multiply and divide, every shift, branches and link registers in BC and EC mode,
 * EXECUTE, SVC and MC interruptions, CS/CDS, ICM/STCM/CLM, LM/STM across 2K blocks, and the
 * addressing and protection exceptions of storage operands.
 *
 * Most cases run two instructions: SPM 15 at X'1000' sets the condition code and program mask
 * from GR15, then the instruction under test at X'1002'. Only general instructions, SSK (to set
 * storage keys) and undefined opcodes are used, so these tests depend on no other family.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/be.h"
#include "lib/compiler.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

#define STORAGE (64 * 1024)
#define CODE 0x1000u   /* SPM 15 */
#define INSN 0x1002u   /* the instruction under test */
#define DATA 0x2000u   /* storage operands; GR4 points here in RX/RS/SI cases */
#define TARGET 0x1800u /* branch target */

static struct machine *m;
static struct cpu *c;

static void setup(void)
{
	m = h_new(STORAGE, true);
	c = machine_cpu(m);
}

static void teardown(void)
{
	machine_free(m);
}

/* Assemble hex (printf-style) at addr. */
static void code(uint32_t addr, const char *fmt, ...)
{
	char hex[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(hex, sizeof hex, fmt, ap);
	va_end(ap);
	h_code(m, addr, hex);
}

static void put_half(uint32_t addr, uint16_t v)
{
	uint8_t b[2];
	put_be16(b, v);
	h_put(m, addr, b, 2);
}

static uint8_t byte_at(uint32_t addr)
{
	uint8_t b;
	h_get(m, addr, &b, 1);
	return b;
}

static uint32_t gr(int r)
{
	return cpu_get_gpr(c, r);
}

static void set_gr(int r, uint32_t v)
{
	cpu_set_gpr(c, r, v);
}

/* GR15 image for SPM: condition code and program mask. */
static uint32_t spm_value(unsigned cc, unsigned pm)
{
	return (uint32_t)cc << 28 | (uint32_t)pm << 24;
}

/* Put SPM 15 at CODE, set CC and program mask through it, and run it plus n more instructions. */
static enum machine_exit run_with(unsigned cc, unsigned pm, uint64_t n)
{
	code(CODE, "04F0");
	set_gr(15, spm_value(cc, pm));
	return h_run(m, CODE, 1 + n);
}

/* Run from addr with an arbitrary PSW: key, EC mode, problem state. */
static enum machine_exit run_psw(uint32_t addr, uint64_t n, unsigned key, bool ec, bool problem)
{
	uint8_t psw[8] = {0, (uint8_t)(key << 4 | (ec ? 0x08 : 0) | (problem ? 1 : 0)), 0, 0, 0,
			  (uint8_t)(addr >> 16), (uint8_t)(addr >> 8), (uint8_t)addr};
	uint8_t zero[8] = {0};
	ck_assert(cpu_set_psw(c, psw));
	h_put(m, 0x28, zero, 8);
	h_put(m, 0x20, zero, 8);
	return machine_run(c, n);
}

/* The condition code in the program old PSW (BC or EC format). */
static unsigned old_pgm_cc(void)
{
	uint8_t psw[8];
	h_get(m, 0x28, psw, 8);
	return psw[1] & 0x08 ? (psw[2] >> 4) & 3 : (psw[4] >> 4) & 3;
}

/* Set the storage key of the 2K block at addr with SSK (run in key 0 at X'0F00'). */
static void set_key(uint32_t addr, uint8_t key)
{
	code(0x0F00, "0867");
	set_gr(6, key);
	set_gr(7, addr);
	h_run(m, 0x0F00, 1);
	ck_assert(!h_program_interrupted(m));
}

static void assert_no_interrupt(void)
{
	ck_assert_msg(!h_program_interrupted(m), "unexpected program interruption %04X at %06X", h_pic(m),
		      h_pic_ia(m));
}

static void assert_pic(unsigned code_, uint32_t ia, unsigned ilc)
{
	ck_assert_msg(h_program_interrupted(m), "expected program interruption %04X", code_);
	ck_assert_uint_eq(h_pic(m), code_);
	ck_assert_uint_eq(h_pic_ia(m), ia);
	ck_assert_uint_eq(h_pic_ilc(m), ilc);
}

/* ------------------------------------------------------------------------------------------------
 * Fixed-point and logical arithmetic: one table for RR and RX forms.
 *
 * RR cases run  op 23  (R1 = 2 holds a, R2 = 3 holds b); RX cases run  op 20 4000  with b at DATA
 * (a halfword for LH, CH, AH, SH, MH).
 */
struct alu_case {
	const char *name;
	uint8_t op;
	uint32_t a, b;
	uint32_t result; /* R1 afterwards */
	unsigned cc;     /* afterwards (in the old PSW when interrupted) */
	unsigned preset; /* CC before */
	unsigned pm;     /* program mask */
	unsigned pic;    /* expected program interruption, or 0 */
};

#define OVF 0x8 /* program mask with the fixed-point-overflow bit on */

static const struct alu_case alu_cases[] = {
	/* AR */
	{"ar_positive_sets_cc2", 0x1A, 1, 2, 3, 2, 0, 0, 0},
	{"ar_zero_sets_cc0", 0x1A, 0xFFFFFFFF, 1, 0, 0, 3, 0, 0},
	{"ar_negative_sets_cc1", 0x1A, (uint32_t)-5, 2, (uint32_t)-3, 1, 0, 0, 0},
	{"ar_overflow_masked_sets_cc3", 0x1A, 0x7FFFFFFF, 1, 0x80000000, 3, 0, 0, 0},
	{"ar_overflow_other_masks_only_sets_cc3", 0x1A, 0x7FFFFFFF, 1, 0x80000000, 3, 0, 0x7, 0},
	{"ar_overflow_enabled_interrupts_after_storing", 0x1A, 0x7FFFFFFF, 1, 0x80000000, 3, 0, OVF, 8},
	{"ar_negative_overflow_to_zero_sets_cc3", 0x1A, 0x80000000, 0x80000000, 0, 3, 0, 0, 0},
	/* SR */
	{"sr_positive_sets_cc2", 0x1B, 5, 3, 2, 2, 0, 0, 0},
	{"sr_negative_sets_cc1", 0x1B, 3, 5, (uint32_t)-2, 1, 0, 0, 0},
	{"sr_equal_sets_cc0", 0x1B, 7, 7, 0, 0, 3, 0, 0},
	{"sr_overflow_masked_sets_cc3", 0x1B, 0x80000000, 1, 0x7FFFFFFF, 3, 0, 0, 0},
	{"sr_zero_minus_maxneg_overflows", 0x1B, 0, 0x80000000, 0x80000000, 3, 0, OVF, 8},
	/* A, S from storage */
	{"a_adds_storage_operand", 0x5A, 100, (uint32_t)-1, 99, 2, 0, 0, 0},
	{"a_overflow_enabled_interrupts", 0x5A, 0x80000000, 0xFFFFFFFF, 0x7FFFFFFF, 3, 0, OVF, 8},
	{"s_subtracts_storage_operand", 0x5B, 1, 2, 0xFFFFFFFF, 1, 0, 0, 0},
	{"s_overflow_masked_sets_cc3", 0x5B, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, 3, 0, 0, 0},
	/* AH, SH: the halfword is sign-extended */
	{"ah_sign_extends_halfword", 0x4A, 5, 0xFFFF, 4, 2, 0, 0, 0},
	{"ah_negative_halfword_to_zero", 0x4A, 0, 0x8000, 0xFFFF8000, 1, 0, 0, 0},
	{"ah_overflow_enabled_interrupts", 0x4A, 0x7FFFFFFF, 0x0001, 0x80000000, 3, 0, OVF, 8},
	{"sh_negative_halfword_adds", 0x4B, 0, 0x8000, 0x00008000, 2, 0, 0, 0},
	{"sh_overflow_masked_sets_cc3", 0x4B, 0x80000000, 0x0001, 0x7FFFFFFF, 3, 0, 0, 0},
	/* ALR, AL: CC 0 zero no carry, 1 nonzero no carry, 2 zero carry, 3 nonzero carry */
	{"alr_nonzero_no_carry_sets_cc1", 0x1E, 1, 1, 2, 1, 0, 0, 0},
	{"alr_zero_no_carry_sets_cc0", 0x1E, 0, 0, 0, 0, 3, 0, 0},
	{"alr_zero_carry_sets_cc2", 0x1E, 0xFFFFFFFF, 1, 0, 2, 0, 0, 0},
	{"alr_nonzero_carry_sets_cc3", 0x1E, 0xFFFFFFFF, 2, 1, 3, 0, 0, 0},
	{"alr_signed_overflow_is_not_an_exception", 0x1E, 0x7FFFFFFF, 1, 0x80000000, 1, 0, OVF, 0},
	{"al_nonzero_carry_sets_cc3", 0x5E, 0x80000000, 0x80000001, 1, 3, 0, OVF, 0},
	/* SLR, SL: CC 1 nonzero borrow, 2 zero no borrow, 3 nonzero no borrow */
	{"slr_positive_sets_cc3", 0x1F, 5, 3, 2, 3, 0, 0, 0},
	{"slr_borrow_sets_cc1", 0x1F, 3, 5, 0xFFFFFFFE, 1, 0, 0, 0},
	{"slr_equal_sets_cc2", 0x1F, 5, 5, 0, 2, 0, 0, 0},
	{"slr_zero_minus_zero_sets_cc2", 0x1F, 0, 0, 0, 2, 0, 0, 0},
	{"sl_zero_minus_one_sets_cc1", 0x5F, 0, 1, 0xFFFFFFFF, 1, 0, OVF, 0},
	{"sl_maxneg_minus_one_sets_cc3", 0x5F, 0x80000000, 1, 0x7FFFFFFF, 3, 0, OVF, 0},
	/* LPR, LNR, LCR, LTR: R1 = f(R2) */
	{"lpr_negative_becomes_positive", 0x10, 0xDEADBEEF, (uint32_t)-5, 5, 2, 0, 0, 0},
	{"lpr_positive_unchanged", 0x10, 0, 7, 7, 2, 0, 0, 0},
	{"lpr_zero_sets_cc0", 0x10, 1, 0, 0, 0, 3, 0, 0},
	{"lpr_maxneg_masked_sets_cc3", 0x10, 0, 0x80000000, 0x80000000, 3, 0, 0, 0},
	{"lpr_maxneg_enabled_interrupts", 0x10, 0, 0x80000000, 0x80000000, 3, 0, OVF, 8},
	{"lnr_positive_becomes_negative", 0x11, 0, 5, (uint32_t)-5, 1, 0, 0, 0},
	{"lnr_negative_unchanged", 0x11, 0, (uint32_t)-5, (uint32_t)-5, 1, 0, 0, 0},
	{"lnr_zero_sets_cc0", 0x11, 1, 0, 0, 0, 3, 0, 0},
	{"lnr_maxneg_does_not_overflow", 0x11, 0, 0x80000000, 0x80000000, 1, 0, OVF, 0},
	{"lcr_positive_becomes_negative", 0x13, 0, 5, (uint32_t)-5, 1, 0, 0, 0},
	{"lcr_negative_becomes_positive", 0x13, 0, (uint32_t)-5, 5, 2, 0, 0, 0},
	{"lcr_zero_sets_cc0", 0x13, 1, 0, 0, 0, 3, 0, 0},
	{"lcr_maxneg_masked_sets_cc3", 0x13, 0, 0x80000000, 0x80000000, 3, 0, 0, 0},
	{"lcr_maxneg_enabled_interrupts", 0x13, 0, 0x80000000, 0x80000000, 3, 0, OVF, 8},
	{"ltr_negative_sets_cc1", 0x12, 0, 0xFFFFFFFF, 0xFFFFFFFF, 1, 0, 0, 0},
	{"ltr_zero_sets_cc0", 0x12, 5, 0, 0, 0, 3, 0, 0},
	{"ltr_positive_sets_cc2", 0x12, 0, 1, 1, 2, 0, 0, 0},
	/* NR, OR, XR, N, O, X */
	{"nr_nonzero_sets_cc1", 0x14, 0xF0F0, 0x0FF0, 0x00F0, 1, 0, 0, 0},
	{"nr_zero_sets_cc0", 0x14, 0xF0, 0x0F, 0, 0, 3, 0, 0},
	{"or_zero_sets_cc0", 0x16, 0, 0, 0, 0, 3, 0, 0},
	{"or_nonzero_sets_cc1", 0x16, 0x80000000, 1, 0x80000001, 1, 0, 0, 0},
	{"xr_same_sets_cc0", 0x17, 0x12345678, 0x12345678, 0, 0, 3, 0, 0},
	{"xr_nonzero_sets_cc1", 0x17, 0xFF, 0x0F, 0xF0, 1, 0, 0, 0},
	{"n_storage_nonzero_sets_cc1", 0x54, 0xFFFF0000, 0x12345678, 0x12340000, 1, 0, 0, 0},
	{"n_storage_zero_sets_cc0", 0x54, 0xFFFF0000, 0x0000FFFF, 0, 0, 3, 0, 0},
	{"o_storage_sets_cc1", 0x56, 0xF0000000, 0x0000000F, 0xF000000F, 1, 0, 0, 0},
	{"x_storage_sets_cc0_when_equal", 0x57, 0xA5A5A5A5, 0xA5A5A5A5, 0, 0, 3, 0, 0},
	{"x_storage_sets_cc1", 0x57, 0xFFFFFFFF, 0x0F0F0F0F, 0xF0F0F0F0, 1, 0, 0, 0},
	/* CR, CLR, C, CL, CH: R1 unchanged */
	{"cr_low_sets_cc1", 0x19, (uint32_t)-1, 1, (uint32_t)-1, 1, 0, 0, 0},
	{"cr_high_sets_cc2", 0x19, 1, (uint32_t)-1, 1, 2, 0, 0, 0},
	{"cr_equal_sets_cc0", 0x19, 42, 42, 42, 0, 3, 0, 0},
	{"clr_unsigned_high_sets_cc2", 0x15, 0xFFFFFFFF, 1, 0xFFFFFFFF, 2, 0, 0, 0},
	{"clr_unsigned_low_sets_cc1", 0x15, 1, 0xFFFFFFFF, 1, 1, 0, 0, 0},
	{"clr_equal_sets_cc0", 0x15, 9, 9, 9, 0, 3, 0, 0},
	{"c_signed_low_sets_cc1", 0x59, 0x80000000, 0x7FFFFFFF, 0x80000000, 1, 0, 0, 0},
	{"c_equal_sets_cc0", 0x59, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0, 3, 0, 0},
	{"cl_unsigned_high_sets_cc2", 0x55, 0x80000000, 0x7FFFFFFF, 0x80000000, 2, 0, 0, 0},
	{"ch_sign_extends_halfword_equal", 0x49, 0xFFFFFFFF, 0xFFFF, 0xFFFFFFFF, 0, 3, 0, 0},
	{"ch_positive_above_negative_halfword", 0x49, 0x8000, 0x8000, 0x8000, 2, 0, 0, 0},
	{"ch_low_sets_cc1", 0x49, (uint32_t)-40000, 0x8000, (uint32_t)-40000, 1, 0, 0, 0},
	/* LR, LH, MH: CC unchanged */
	{"lr_copies_cc_unchanged", 0x18, 0, 0x89ABCDEF, 0x89ABCDEF, 3, 3, 0, 0},
	{"lh_sign_extends_cc_unchanged", 0x48, 0x12345678, 0x8001, 0xFFFF8001, 2, 2, 0, 0},
	{"lh_positive_halfword", 0x48, 0xFFFFFFFF, 0x7FFF, 0x00007FFF, 1, 1, 0, 0},
	{"l_loads_fullword", 0x58, 0, 0xCAFEF00D, 0xCAFEF00D, 3, 3, 0, 0},
	{"mh_negative_halfword", 0x4C, 3, 0xFFFE, (uint32_t)-6, 1, 1, 0, 0},
	{"mh_keeps_low_32_bits_without_overflow", 0x4C, 0x40000000, 4, 0, 3, 3, OVF, 0},
	{"mh_negative_times_negative", 0x4C, (uint32_t)-7, 0x8000, 7u * 32768u, 0, 0, 0, 0},
};

static bool halfword_op(uint8_t op)
{
	return op >= 0x48 && op <= 0x4C;
}

START_TEST(test_alu_table)
{
	const struct alu_case *t = &alu_cases[_i];
	bool rr = t->op < 0x40;
	unsigned len = rr ? 2 : 4;

	if (rr) {
		code(INSN, "%02X23", t->op);
		set_gr(3, t->b);
	} else {
		code(INSN, "%02X204000", t->op);
		set_gr(4, DATA);
		if (halfword_op(t->op))
			put_half(DATA, (uint16_t)t->b);
		else
			h_set_word(m, DATA, t->b);
	}
	set_gr(2, t->a);
	run_with(t->preset, t->pm, 1);

	ck_assert_msg(gr(2) == t->result, "%s: R1 %08X, expected %08X", t->name, gr(2), t->result);
	if (t->pic) {
		assert_pic(t->pic, INSN + len, len / 2);
		ck_assert_msg(old_pgm_cc() == t->cc, "%s: CC %u, expected %u", t->name, old_pgm_cc(), t->cc);
	} else {
		assert_no_interrupt();
		ck_assert_msg(h_cc(m) == t->cc, "%s: CC %u, expected %u", t->name, h_cc(m), t->cc);
		ck_assert_uint_eq(h_ia(m), INSN + len);
	}
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Multiply and divide: R1 = 2 (pair 2, 3), second operand in GR6 (RR) or at DATA (RX, base GR4).
 */
struct muldiv_case {
	const char *name;
	uint8_t op;
	uint32_t hi, lo, op2;
	uint32_t exp_hi, exp_lo;
	unsigned pic;
};

static const struct muldiv_case muldiv_cases[] = {
	{"mr_small_positive", 0x1C, 0xFFFFFFFF, 3, 4, 0, 12, 0},
	{"mr_negative_times_positive", 0x1C, 0, (uint32_t)-3, 4, 0xFFFFFFFF, 0xFFFFFFF4, 0},
	{"mr_maxneg_squared", 0x1C, 0, 0x80000000, 0x80000000, 0x40000000, 0, 0},
	{"mr_maxpos_times_minus_one", 0x1C, 0, 0x7FFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0x80000001, 0},
	{"m_negative_times_negative", 0x5C, 0x12345678, (uint32_t)-100000, (uint32_t)-100000, 0x00000002,
	 0x540BE400, 0},
	{"m_ignores_even_register_contents", 0x5C, 0xFFFFFFFF, 2, 0x40000000, 0, 0x80000000, 0},
	{"dr_positive_by_positive", 0x1D, 0, 100, 7, 2, 14, 0},
	{"dr_negative_by_positive_remainder_negative", 0x1D, 0xFFFFFFFF, (uint32_t)-100, 7, (uint32_t)-2,
	 (uint32_t)-14, 0},
	{"dr_positive_by_negative", 0x1D, 0, 100, (uint32_t)-7, 2, (uint32_t)-14, 0},
	{"dr_negative_by_negative", 0x1D, 0xFFFFFFFF, (uint32_t)-100, (uint32_t)-7, (uint32_t)-2, 14, 0},
	{"dr_64_bit_dividend", 0x1D, 0x00000001, 0x00000000, 0x10, 0, 0x10000000, 0},
	{"dr_quotient_maxneg_fits", 0x1D, 0xFFFFFFFF, 0x80000000, 1, 0, 0x80000000, 0},
	{"dr_by_zero_is_divide_exception", 0x1D, 0, 100, 0, 0, 100, 9},
	{"dr_quotient_2_31_is_divide_exception", 0x1D, 0, 0x80000000, 1, 0, 0x80000000, 9},
	{"dr_quotient_too_large_is_divide_exception", 0x1D, 1, 0, 1, 1, 0, 9},
	{"dr_int64_min_by_minus_one_is_divide_exception", 0x1D, 0x80000000, 0, 0xFFFFFFFF, 0x80000000, 0,
	 9},
	{"d_storage_divisor", 0x5D, 0, 1000000, 1000, 0, 1000, 0},
	{"d_by_zero_leaves_registers", 0x5D, 0x11111111, 0x22222222, 0, 0x11111111, 0x22222222, 9},
};

START_TEST(test_muldiv_table)
{
	const struct muldiv_case *t = &muldiv_cases[_i];
	bool rr = t->op < 0x40;
	unsigned len = rr ? 2 : 4;

	if (rr) {
		code(INSN, "%02X26", t->op);
		set_gr(6, t->op2);
	} else {
		code(INSN, "%02X204000", t->op);
		set_gr(4, DATA);
		h_set_word(m, DATA, t->op2);
	}
	set_gr(2, t->hi);
	set_gr(3, t->lo);
	run_with(1, OVF, 1);

	ck_assert_msg(gr(2) == t->exp_hi && gr(3) == t->exp_lo, "%s: %08X %08X, expected %08X %08X", t->name,
		      gr(2), gr(3), t->exp_hi, t->exp_lo);
	if (t->pic) {
		assert_pic(t->pic, INSN + len, len / 2);
	} else {
		assert_no_interrupt();
		ck_assert_uint_eq(h_cc(m), 1); /* multiply and divide leave the CC alone */
	}
}
END_TEST

START_TEST(test_multiply_divide_odd_r1_is_specification)
{
	static const char *const insns[] = {"1C36", "1D36", "5C304000", "5D304000"};
	for (unsigned i = 0; i < ARRAY_SIZE(insns); i++) {
		code(INSN, "%s", insns[i]);
		set_gr(3, 5);
		set_gr(4, DATA);
		set_gr(6, 1);
		h_set_word(m, DATA, 1);
		run_with(0, 0, 1);
		unsigned len = strlen(insns[i]) / 2;
		assert_pic(6, INSN + len, len / 2);
		ck_assert_uint_eq(gr(3), 5);
	}
}
END_TEST

START_TEST(test_d_odd_r1_is_specification_before_addressing)
{
	/* D 3,X'FFF0'(4) with GR4 past the end of storage: the register check comes first. */
	code(INSN, "5D304FF0");
	set_gr(4, STORAGE);
	run_with(0, 0, 1);
	assert_pic(6, INSN + 4, 2);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Shifts: R1 = 2 (pair 2, 3), amount in the displacement (B2 = 0).
 */
struct shift_case {
	const char *name;
	uint8_t op;
	uint32_t hi, lo;
	unsigned amount;
	uint32_t exp_hi, exp_lo;
	unsigned cc, preset, pm, pic;
};

static const struct shift_case shift_cases[] = {
	/* SRL: CC unchanged; GR3 untouched */
	{"srl_0", 0x88, 0x80000001, 0x5555, 0, 0x80000001, 0x5555, 3, 3, 0, 0},
	{"srl_1", 0x88, 0x80000001, 0x5555, 1, 0x40000000, 0x5555, 3, 3, 0, 0},
	{"srl_31", 0x88, 0x80000001, 0x5555, 31, 0x00000001, 0x5555, 3, 3, 0, 0},
	{"srl_32_clears", 0x88, 0x80000001, 0x5555, 32, 0, 0x5555, 3, 3, 0, 0},
	{"srl_63_clears", 0x88, 0xFFFFFFFF, 0x5555, 63, 0, 0x5555, 3, 3, 0, 0},
	/* SLL */
	{"sll_0", 0x89, 0x80000001, 0, 0, 0x80000001, 0, 2, 2, 0, 0},
	{"sll_1", 0x89, 0x80000001, 0, 1, 0x00000002, 0, 2, 2, 0, 0},
	{"sll_31", 0x89, 0x80000001, 0, 31, 0x80000000, 0, 2, 2, 0, 0},
	{"sll_32_clears", 0x89, 0xFFFFFFFF, 0, 32, 0, 0, 2, 2, 0, 0},
	{"sll_63_clears", 0x89, 0xFFFFFFFF, 0, 63, 0, 0, 2, 2, OVF, 0},
	/* SRA: CC by result */
	{"sra_0_negative", 0x8A, 0x80000010, 0, 0, 0x80000010, 0, 1, 0, 0, 0},
	{"sra_1_negative", 0x8A, 0x80000010, 0, 1, 0xC0000008, 0, 1, 0, 0, 0},
	{"sra_31_negative", 0x8A, 0x80000010, 0, 31, 0xFFFFFFFF, 0, 1, 0, 0, 0},
	{"sra_32_negative", 0x8A, 0x80000010, 0, 32, 0xFFFFFFFF, 0, 1, 0, 0, 0},
	{"sra_63_negative", 0x8A, 0x80000010, 0, 63, 0xFFFFFFFF, 0, 1, 0, 0, 0},
	{"sra_0_positive_sets_cc2", 0x8A, 0x40000000, 0, 0, 0x40000000, 0, 2, 0, 0, 0},
	{"sra_30_positive", 0x8A, 0x40000000, 0, 30, 1, 0, 2, 0, 0, 0},
	{"sra_31_positive_sets_cc0", 0x8A, 0x40000000, 0, 31, 0, 0, 0, 3, 0, 0},
	{"sra_32_positive", 0x8A, 0x7FFFFFFF, 0, 32, 0, 0, 0, 3, 0, 0},
	/* SLA: sign kept, overflow when a bit unlike the sign leaves bit 1 */
	{"sla_0", 0x8B, 1, 0, 0, 1, 0, 2, 0, 0, 0},
	{"sla_1", 0x8B, 1, 0, 1, 2, 0, 2, 0, 0, 0},
	{"sla_30_no_overflow", 0x8B, 1, 0, 30, 0x40000000, 0, 2, 0, 0, 0},
	{"sla_31_positive_overflows", 0x8B, 1, 0, 31, 0, 0, 3, 0, 0, 0},
	{"sla_32_positive_overflows", 0x8B, 1, 0, 32, 0, 0, 3, 0, 0, 0},
	{"sla_63_zero_no_overflow", 0x8B, 0, 0, 63, 0, 0, 0, 3, OVF, 0},
	{"sla_29_three", 0x8B, 3, 0, 29, 0x60000000, 0, 2, 0, 0, 0},
	{"sla_30_three_overflows_keeps_low_bits", 0x8B, 3, 0, 30, 0x40000000, 0, 3, 0, 0, 0},
	{"sla_31_minus_one_no_overflow", 0x8B, 0xFFFFFFFF, 0, 31, 0x80000000, 0, 1, 0, OVF, 0},
	{"sla_32_minus_one_overflows", 0x8B, 0xFFFFFFFF, 0, 32, 0x80000000, 0, 3, 0, 0, 0},
	{"sla_63_minus_one_overflows", 0x8B, 0xFFFFFFFF, 0, 63, 0x80000000, 0, 3, 0, 0, 0},
	{"sla_0_maxneg_sets_cc1", 0x8B, 0x80000000, 0, 0, 0x80000000, 0, 1, 0, OVF, 0},
	{"sla_1_maxneg_overflows", 0x8B, 0x80000000, 0, 1, 0x80000000, 0, 3, 0, 0, 0},
	{"sla_1_minus_2_30_no_overflow", 0x8B, 0xC0000000, 0, 1, 0x80000000, 0, 1, 0, OVF, 0},
	{"sla_1_2_30_overflows", 0x8B, 0x40000000, 0, 1, 0, 0, 3, 0, 0, 0},
	{"sla_overflow_enabled_interrupts", 0x8B, 0x7FFFFFFF, 0, 1, 0x7FFFFFFE, 0, 3, 0, OVF, 8},
	/* SRDL */
	{"srdl_0", 0x8C, 0x80000000, 1, 0, 0x80000000, 1, 3, 3, 0, 0},
	{"srdl_1", 0x8C, 0x80000000, 1, 1, 0x40000000, 0, 3, 3, 0, 0},
	{"srdl_31", 0x8C, 0x80000000, 1, 31, 1, 0, 3, 3, 0, 0},
	{"srdl_32", 0x8C, 0x80000000, 1, 32, 0, 0x80000000, 3, 3, 0, 0},
	{"srdl_63", 0x8C, 0x80000000, 1, 63, 0, 1, 3, 3, 0, 0},
	/* SLDL */
	{"sldl_0", 0x8D, 0x80000000, 1, 0, 0x80000000, 1, 1, 1, 0, 0},
	{"sldl_1", 0x8D, 0x80000000, 1, 1, 0, 2, 1, 1, 0, 0},
	{"sldl_31", 0x8D, 0x80000000, 1, 31, 0, 0x80000000, 1, 1, 0, 0},
	{"sldl_32", 0x8D, 0x80000000, 1, 32, 1, 0, 1, 1, 0, 0},
	{"sldl_63", 0x8D, 0x80000000, 1, 63, 0x80000000, 0, 1, 1, 0, 0},
	/* SRDA */
	{"srda_0", 0x8E, 0x80000000, 0x10, 0, 0x80000000, 0x10, 1, 0, 0, 0},
	{"srda_1", 0x8E, 0x80000000, 0x10, 1, 0xC0000000, 0x08, 1, 0, 0, 0},
	{"srda_31", 0x8E, 0x80000000, 0x10, 31, 0xFFFFFFFF, 0, 1, 0, 0, 0},
	{"srda_32", 0x8E, 0x80000000, 0x10, 32, 0xFFFFFFFF, 0x80000000, 1, 0, 0, 0},
	{"srda_63", 0x8E, 0x80000000, 0x10, 63, 0xFFFFFFFF, 0xFFFFFFFF, 1, 0, 0, 0},
	{"srda_positive_to_zero_sets_cc0", 0x8E, 0, 1, 1, 0, 0, 0, 3, 0, 0},
	{"srda_positive_sets_cc2", 0x8E, 0, 1, 0, 0, 1, 2, 0, 0, 0},
	{"srda_63_positive_sets_cc0", 0x8E, 0x7FFFFFFF, 0xFFFFFFFF, 63, 0, 0, 0, 3, 0, 0},
	/* SLDA */
	{"slda_0", 0x8F, 0, 1, 0, 0, 1, 2, 0, 0, 0},
	{"slda_1", 0x8F, 0, 1, 1, 0, 2, 2, 0, 0, 0},
	{"slda_31", 0x8F, 0, 1, 31, 0, 0x80000000, 2, 0, 0, 0},
	{"slda_32", 0x8F, 0, 1, 32, 1, 0, 2, 0, 0, 0},
	{"slda_62", 0x8F, 0, 1, 62, 0x40000000, 0, 2, 0, 0, 0},
	{"slda_63_positive_overflows", 0x8F, 0, 1, 63, 0, 0, 3, 0, 0, 0},
	{"slda_63_minus_one_no_overflow", 0x8F, 0xFFFFFFFF, 0xFFFFFFFF, 63, 0x80000000, 0, 1, 0, OVF, 0},
	{"slda_1_maxneg_overflows", 0x8F, 0x80000000, 0, 1, 0x80000000, 0, 3, 0, 0, 0},
	{"slda_32_2_31_overflows", 0x8F, 0, 0x80000000, 32, 0, 0, 3, 0, 0, 0},
	{"slda_31_2_31_no_overflow", 0x8F, 0, 0x80000000, 31, 0x40000000, 0, 2, 0, 0, 0},
	{"slda_zero_sets_cc0", 0x8F, 0, 0, 40, 0, 0, 0, 3, 0, 0},
	{"slda_overflow_enabled_interrupts", 0x8F, 0x40000000, 0x00000001, 1, 0, 2, 3, 0, OVF, 8},
};

START_TEST(test_shift_table)
{
	const struct shift_case *t = &shift_cases[_i];

	code(INSN, "%02X200%03X", t->op, t->amount);
	set_gr(2, t->hi);
	set_gr(3, t->lo);
	run_with(t->preset, t->pm, 1);

	ck_assert_msg(gr(2) == t->exp_hi && gr(3) == t->exp_lo, "%s: %08X %08X, expected %08X %08X", t->name,
		      gr(2), gr(3), t->exp_hi, t->exp_lo);
	if (t->pic) {
		assert_pic(t->pic, INSN + 4, 2);
		ck_assert_msg(old_pgm_cc() == t->cc, "%s: CC %u, expected %u", t->name, old_pgm_cc(), t->cc);
	} else {
		assert_no_interrupt();
		ck_assert_msg(h_cc(m) == t->cc, "%s: CC %u, expected %u", t->name, h_cc(m), t->cc);
		ck_assert_uint_eq(h_ia(m), INSN + 4);
	}
}
END_TEST

START_TEST(test_shift_amount_is_low_six_bits_of_address)
{
	/* SLL 2,1(5) with GR5 = X'12345640': address X'345641', amount 1. */
	code(INSN, "89205001");
	set_gr(5, 0x12345640);
	set_gr(2, 3);
	run_with(0, 0, 1);
	ck_assert_uint_eq(gr(2), 6);
}
END_TEST

START_TEST(test_double_shift_odd_r1_is_specification)
{
	for (uint8_t op = 0x8C; op <= 0x8F; op++) {
		code(INSN, "%02X300001", op);
		set_gr(3, 0x12345678);
		set_gr(4, 0x9ABCDEF0);
		run_with(0, 0, 1);
		assert_pic(6, INSN + 4, 2);
		ck_assert_uint_eq(gr(3), 0x12345678);
		ck_assert_uint_eq(gr(4), 0x9ABCDEF0);
	}
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Branches
 */

/* BC and BCR for every mask and condition code: taken exactly when mask bit 8 >> CC is one. */
START_TEST(test_bc_every_mask_and_cc)
{
	unsigned mask = _i & 15, cc = _i >> 4;
	bool taken = mask & (8u >> cc);

	code(INSN, "47%X04800", mask); /* BC mask,X'800'(4) */
	set_gr(4, 0x1000);
	run_with(cc, 0, 1);
	assert_no_interrupt();
	ck_assert_uint_eq(h_ia(m), taken ? TARGET : INSN + 4);
	ck_assert_uint_eq(h_cc(m), cc);

	code(INSN, "07%X5", mask); /* BCR mask,5 */
	set_gr(5, 0xAB000000 | TARGET);
	run_with(cc, 0, 1);
	ck_assert_uint_eq(h_ia(m), taken ? TARGET : INSN + 2);
}
END_TEST

START_TEST(test_bcr_r2_zero_never_branches)
{
	code(INSN, "07F0");
	set_gr(0, TARGET);
	run_with(0, 0, 1);
	ck_assert_uint_eq(h_ia(m), INSN + 2);
}
END_TEST

START_TEST(test_bc_with_index_and_base)
{
	/* BC 15,X'10'(6,7): X'10' + X'100' + X'16F0' = X'1800'. */
	code(INSN, "47F67010");
	set_gr(6, 0x100);
	set_gr(7, 0xFF0016F0);
	run_with(0, 0, 1);
	ck_assert_uint_eq(h_ia(m), TARGET);
}
END_TEST

struct count_case {
	const char *name;
	const char *insn;
	uint32_t r2_before;
	uint32_t r2_after;
	uint32_t ia_after;
};

static const struct count_case count_cases[] = {
	{"bct_two_branches", "46204800", 2, 1, TARGET},
	{"bct_one_falls_through", "46204800", 1, 0, INSN + 4},
	{"bct_zero_wraps_and_branches", "46204800", 0, 0xFFFFFFFF, TARGET},
	{"bct_index_is_count_register_uses_old_value", "46220000", TARGET, TARGET - 1, TARGET},
	{"bctr_two_branches", "0625", 2, 1, TARGET},
	{"bctr_one_falls_through", "0625", 1, 0, INSN + 2},
	{"bctr_r2_zero_counts_without_branching", "0620", 5, 4, INSN + 2},
	{"bctr_same_register_uses_old_value", "0622", TARGET, TARGET - 1, TARGET},
};

START_TEST(test_branch_on_count_table)
{
	const struct count_case *t = &count_cases[_i];
	code(INSN, "%s", t->insn);
	set_gr(0, TARGET);
	set_gr(2, t->r2_before);
	set_gr(4, 0x1000);
	set_gr(5, TARGET);
	run_with(2, 0, 1);
	assert_no_interrupt();
	ck_assert_msg(gr(2) == t->r2_after, "%s: R1 %08X", t->name, gr(2));
	ck_assert_msg(h_ia(m) == t->ia_after, "%s: IA %06X", t->name, h_ia(m));
	ck_assert_uint_eq(h_cc(m), 2);
}
END_TEST

struct index_case {
	const char *name;
	uint8_t op;
	unsigned r1, r3;
	uint32_t r4, r5;       /* GR4, GR5 before */
	uint32_t r2;           /* GR2 before */
	unsigned result_reg;
	uint32_t result;
	bool taken;
};

static const struct index_case index_cases[] = {
	{"bxh_above_comparand_branches", 0x86, 2, 4, 1, 10, 10, 2, 11, true},
	{"bxh_equal_falls_through", 0x86, 2, 4, 1, 10, 9, 2, 10, false},
	{"bxle_equal_branches", 0x87, 2, 4, 1, 10, 9, 2, 10, true},
	{"bxle_above_falls_through", 0x87, 2, 4, 1, 10, 10, 2, 11, false},
	{"bxh_odd_r3_is_increment_and_comparand", 0x86, 2, 5, 0, 3, 5, 2, 8, true},
	{"bxle_odd_r3_is_increment_and_comparand", 0x87, 2, 5, 0, 3, (uint32_t)-5, 2, (uint32_t)-2, true},
	{"bxh_r1_equals_even_r3", 0x86, 4, 4, 2, 3, 0, 4, 4, true},
	{"bxh_r1_equals_even_r3_not_high", 0x86, 4, 4, 1, 3, 0, 4, 2, false},
	{"bxle_r1_equals_odd_r3_compares_old_value", 0x87, 5, 5, 0, 3, 0, 5, 6, false},
	{"bxle_r1_equals_odd_r3_negative", 0x87, 5, 5, 0, (uint32_t)-3, 0, 5, (uint32_t)-6, true},
	{"bxh_r1_is_comparand_register_compares_old_value", 0x86, 5, 4, 1, 10, 0, 5, 11, true},
	{"bxle_negative_increment", 0x87, 2, 4, (uint32_t)-1, 0, 1, 2, 0, true},
	{"bxh_wraps_without_exception", 0x86, 2, 4, 1, 0, 0x7FFFFFFF, 2, 0x80000000, false},
};

START_TEST(test_branch_on_index_table)
{
	const struct index_case *t = &index_cases[_i];
	code(INSN, "%02X%X%X7800", t->op, t->r1, t->r3); /* BXH/BXLE r1,r3,X'800'(7) */
	set_gr(2, t->r2);
	set_gr(4, t->r4);
	set_gr(5, t->r5);
	set_gr(7, 0x1000);
	run_with(0, OVF, 1);
	assert_no_interrupt();
	ck_assert_msg(gr(t->result_reg) == t->result, "%s: R%u = %08X", t->name, t->result_reg,
		      gr(t->result_reg));
	ck_assert_msg(h_ia(m) == (t->taken ? TARGET : INSN + 4), "%s: IA %06X", t->name, h_ia(m));
}
END_TEST

START_TEST(test_bal_link_in_bc_mode)
{
	/* CC 2, program mask A: ILC 2 (bits 0-1 = 10), CC (10), mask (1010), next X'001006'. */
	code(INSN, "45204800");
	set_gr(4, 0x1000);
	run_with(2, 0xA, 1);
	ck_assert_uint_eq(gr(2), 0xAA001006);
	ck_assert_uint_eq(h_ia(m), TARGET);
}
END_TEST

START_TEST(test_balr_link_in_bc_mode)
{
	code(INSN, "0525");
	set_gr(5, TARGET);
	run_with(1, 0x3, 1);
	ck_assert_uint_eq(gr(2), 0x40000000 | 0x10000000 | 0x03000000 | (INSN + 2));
	ck_assert_uint_eq(h_ia(m), TARGET);
}
END_TEST

START_TEST(test_balr_r2_zero_links_without_branching)
{
	code(INSN, "0520");
	set_gr(0, TARGET);
	run_with(3, 0xF, 1);
	ck_assert_uint_eq(gr(2), 0x40000000 | 0x30000000 | 0x0F000000 | (INSN + 2));
	ck_assert_uint_eq(h_ia(m), INSN + 2);
}
END_TEST

START_TEST(test_balr_same_register_branches_to_old_value)
{
	code(INSN, "0522");
	set_gr(2, 0xFF000000 | TARGET);
	run_with(0, 0, 1);
	ck_assert_uint_eq(gr(2), 0x40000000 | (INSN + 2));
	ck_assert_uint_eq(h_ia(m), TARGET);
}
END_TEST

START_TEST(test_bal_base_is_link_register_uses_old_value)
{
	code(INSN, "45202800"); /* BAL 2,X'800'(2) */
	set_gr(2, 0x1000);
	run_with(0, 0, 1);
	ck_assert_uint_eq(h_ia(m), TARGET);
	ck_assert_uint_eq(gr(2), 0x80000000 | (INSN + 4));
}
END_TEST

START_TEST(test_bal_and_balr_link_in_ec_mode_is_bc_format)
{
	/* EC mode: SPM 15 (CC 1, mask 6), BAL 2,X'800'(4), at X'1800' BALR 3,0. */
	code(CODE, "04F0 45204800");
	code(TARGET, "0530");
	set_gr(15, spm_value(1, 6));
	set_gr(4, 0x1000);
	run_psw(CODE, 3, 0, true, false);
	assert_no_interrupt();
	ck_assert_uint_eq(gr(2), 0x80000000 | 0x10000000 | 0x06000000 | (INSN + 4));
	ck_assert_uint_eq(gr(3), 0x40000000 | 0x10000000 | 0x06000000 | (TARGET + 2));
	ck_assert_uint_eq(h_ia(m), TARGET + 2);
}
END_TEST

START_TEST(test_bas_and_basr_save_24_bit_address)
{
	code(INSN, "4D204800"); /* BAS 2,X'800'(4) */
	code(TARGET, "0D35");   /* BASR 3,5 */
	set_gr(4, 0x1000);
	set_gr(5, 0xFF002000);
	run_with(3, 0xF, 2);
	ck_assert_uint_eq(gr(2), INSN + 4);
	ck_assert_uint_eq(gr(3), TARGET + 2);
	ck_assert_uint_eq(h_ia(m), 0x2000);
}
END_TEST

START_TEST(test_basr_r2_zero_saves_without_branching)
{
	code(INSN, "0D20");
	set_gr(0, TARGET);
	run_with(3, 0, 1);
	ck_assert_uint_eq(gr(2), INSN + 2);
	ck_assert_uint_eq(h_ia(m), INSN + 2);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * EXECUTE
 */

START_TEST(test_ex_ors_r1_into_second_byte)
{
	/* EX 1,X'800'(4) with target MVI 0(5),X'00': stores GR1 bits 24-31. */
	code(INSN, "44104800");
	code(TARGET, "92005000");
	set_gr(1, 0x123456C5);
	set_gr(4, 0x1000);
	set_gr(5, DATA);
	run_with(0, 0, 1);
	assert_no_interrupt();
	ck_assert_uint_eq(byte_at(DATA), 0xC5);
	ck_assert_uint_eq(byte_at(TARGET + 1), 0x00); /* the target in storage is unchanged */
	ck_assert_uint_eq(h_ia(m), INSN + 4);
}
END_TEST

START_TEST(test_ex_r1_zero_does_not_modify_target)
{
	code(INSN, "44004800");
	code(TARGET, "1823"); /* LR 2,3 */
	set_gr(0, 0xFF);
	set_gr(2, 1);
	set_gr(3, 0x77);
	set_gr(4, 0x1000);
	run_with(0, 0, 1);
	assert_no_interrupt();
	ck_assert_uint_eq(gr(2), 0x77);
	ck_assert_uint_eq(h_ia(m), INSN + 4);
}
END_TEST

START_TEST(test_ex_supplies_register_fields)
{
	code(INSN, "44104800");
	code(TARGET, "1800"); /* LR 0,0 becomes LR 2,3 */
	set_gr(1, 0x23);
	set_gr(3, 0xABCDEF01);
	set_gr(4, 0x1000);
	run_with(0, 0, 1);
	ck_assert_uint_eq(gr(2), 0xABCDEF01);
}
END_TEST

START_TEST(test_ex_of_ex_is_execute_exception)
{
	code(INSN, "44004800");
	code(TARGET, "44004800");
	set_gr(4, 0x1000);
	run_with(0, 0, 1);
	assert_pic(3, INSN + 4, 2);
}
END_TEST

START_TEST(test_ex_odd_target_is_specification)
{
	code(INSN, "44004801");
	set_gr(4, 0x1000);
	run_with(0, 0, 1);
	assert_pic(6, INSN + 4, 2);
}
END_TEST

START_TEST(test_ex_target_program_check_reports_ilc_2_past_ex)
{
	code(INSN, "44004800");
	code(TARGET, "1D36"); /* DR 3,6: odd R1 */
	set_gr(4, 0x1000);
	run_with(0, 0, 1);
	assert_pic(6, INSN + 4, 2);
}
END_TEST

START_TEST(test_ex_of_undefined_opcode_is_operation_exception_ilc_2)
{
	code(INSN, "44004800");
	code(TARGET, "0000");
	set_gr(4, 0x1000);
	run_with(0, 0, 1);
	assert_pic(1, INSN + 4, 2);
}
END_TEST

START_TEST(test_ex_of_undefined_six_byte_opcode_is_operation_exception_ilc_2)
{
	code(INSN, "44004800");
	code(TARGET, "FF0000000000");
	set_gr(4, 0x1000);
	run_with(0, 0, 1);
	assert_pic(1, INSN + 4, 2);
}
END_TEST

START_TEST(test_ex_fetches_only_the_target_length)
{
	/* A 2-byte target in the last halfword of storage runs; a 6-byte one there needs bytes
	 * past the end: addressing exception. */
	code(INSN, "44004000");
	set_gr(4, STORAGE - 2);
	code(STORAGE - 2, "1823");
	set_gr(3, 0x31);
	run_with(0, 0, 1);
	assert_no_interrupt();
	ck_assert_uint_eq(gr(2), 0x31);

	code(STORAGE - 2, "FF00");
	run_with(0, 0, 1);
	assert_pic(5, INSN + 4, 2);
}
END_TEST

START_TEST(test_ex_target_crossing_block_is_fetched_whole)
{
	/* IC 2,X'7FF'(4) at X'27FE', split over two 2K blocks. */
	code(INSN, "44005000");
	set_gr(5, 0x27FE);
	code(0x27FE, "432047FF");
	set_gr(4, 0x1000);
	code(0x17FF, "5A");
	set_gr(2, 0xFFFFFFFF);
	run_with(0, 0, 1);
	assert_no_interrupt();
	ck_assert_uint_eq(gr(2), 0xFFFFFF5A);
	ck_assert_uint_eq(h_ia(m), INSN + 4);
}
END_TEST

START_TEST(test_ex_of_branch_branches)
{
	code(TARGET, "47F04000"); /* BC 15,0(4) */
	set_gr(4, 0x3000);
	code(INSN, "44005000");
	set_gr(5, TARGET);
	run_with(0, 0, 1);
	assert_no_interrupt();
	ck_assert_uint_eq(h_ia(m), 0x3000);
}
END_TEST

START_TEST(test_ex_of_balr_links_past_ex_with_ilc_2)
{
	code(INSN, "44005000");
	code(TARGET, "0526"); /* BALR 2,6 */
	set_gr(5, TARGET);
	set_gr(6, 0x3000);
	run_with(1, 0x5, 1);
	ck_assert_uint_eq(h_ia(m), 0x3000);
	ck_assert_uint_eq(gr(2), 0x80000000 | 0x10000000 | 0x05000000 | (INSN + 4));
}
END_TEST

START_TEST(test_ex_of_bal_links_past_ex)
{
	code(INSN, "44005000");
	code(TARGET, "45206000"); /* BAL 2,0(6) */
	set_gr(5, TARGET);
	set_gr(6, 0x3000);
	run_with(0, 0, 1);
	ck_assert_uint_eq(h_ia(m), 0x3000);
	ck_assert_uint_eq(gr(2), 0x80000000 | (INSN + 4));
}
END_TEST

START_TEST(test_ex_of_basr_r2_zero_continues_after_ex)
{
	code(INSN, "44005000");
	code(TARGET, "0D20"); /* BASR 2,0 */
	set_gr(5, TARGET);
	run_with(0, 0, 1);
	ck_assert_uint_eq(gr(2), INSN + 4);
	ck_assert_uint_eq(h_ia(m), INSN + 4);
}
END_TEST

START_TEST(test_ex_state_is_reset_after_target)
{
	/* EX of LR, then an undefined 2-byte opcode: its ILC is 1 again. */
	code(INSN, "44005000 0000");
	code(TARGET, "1823");
	set_gr(5, TARGET);
	run_with(0, 0, 2);
	assert_pic(1, INSN + 6, 1);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * SVC and MC
 */

START_TEST(test_svc_bc_mode_old_psw_has_code_and_ilc_1)
{
	code(INSN, "0A25");
	run_with(2, 0x9, 1);
	uint8_t old[8];
	h_get(m, 0x20, old, 8);
	ck_assert_uint_eq(be16(old + 2), 0x0025);
	ck_assert_uint_eq(old[4] >> 6, 1);        /* ILC */
	ck_assert_uint_eq((old[4] >> 4) & 3, 2);  /* CC */
	ck_assert_uint_eq(old[4] & 15, 0x9);      /* program mask */
	ck_assert_uint_eq(be32(old + 4) & 0xFFFFFF, INSN + 2);
	ck_assert_uint_eq(h_ia(m), H_SVC_WAIT);
	ck_assert(!h_program_interrupted(m));
}
END_TEST

START_TEST(test_svc_ec_mode_stores_code_and_ilc_in_low_storage)
{
	code(CODE, "0AFE");
	h_set_word(m, 0x88, 0xFFFFFFFF);
	run_psw(CODE, 1, 0, true, true); /* problem state: SVC is not privileged */
	ck_assert_uint_eq(h_word(m, 0x88), 0x000200FE);
	uint8_t old[8];
	h_get(m, 0x20, old, 8);
	ck_assert_uint_eq(old[1], 0x09); /* EC, problem state */
	ck_assert_uint_eq(be32(old + 4), CODE + 2);
	ck_assert_uint_eq(h_ia(m), H_SVC_WAIT);
}
END_TEST

START_TEST(test_ex_of_svc_uses_or_code_and_ilc_2)
{
	code(INSN, "44105000");
	code(TARGET, "0A00");
	set_gr(1, 0x42);
	set_gr(5, TARGET);
	run_with(0, 0, 1);
	uint8_t old[8];
	h_get(m, 0x20, old, 8);
	ck_assert_uint_eq(be16(old + 2), 0x0042);
	ck_assert_uint_eq(old[4] >> 6, 2);
	ck_assert_uint_eq(be32(old + 4) & 0xFFFFFF, INSN + 4);
	ck_assert_uint_eq(h_ia(m), H_SVC_WAIT);
}
END_TEST

START_TEST(test_ex_of_svc_ec_mode_stores_ilc_2)
{
	code(CODE, "44005000");
	code(TARGET, "0A07");
	set_gr(5, TARGET);
	run_psw(CODE, 1, 0, true, false);
	ck_assert_uint_eq(h_word(m, 0x88), 0x00040007);
	ck_assert_uint_eq(h_word(m, 0x24), CODE + 4);
}
END_TEST

START_TEST(test_mc_class_disabled_is_no_op)
{
	code(INSN, "AF054000");
	cpu_set_cr(c, 8, 0x0000FBFF); /* all classes but 5 */
	run_with(0, 0, 1);
	assert_no_interrupt();
	ck_assert_uint_eq(h_ia(m), INSN + 4);
}
END_TEST

START_TEST(test_mc_class_enabled_is_monitor_event)
{
	code(INSN, "AF054123"); /* MC X'123'(4),5 */
	cpu_set_cr(c, 8, 0x00000400);
	set_gr(4, 0x12ABC000);
	h_set_word(m, 0x94, 0xFFFFFFFF);
	h_set_word(m, 0x9C, 0xFFFFFFFF);
	run_with(0, 0, 1);
	assert_pic(0x40, INSN + 4, 2);
	ck_assert_uint_eq(h_word(m, 0x94) >> 16, 0x0005);
	ck_assert_uint_eq(h_word(m, 0x9C), 0x00ABC123);
}
END_TEST

START_TEST(test_mc_nonzero_high_bits_is_specification)
{
	code(INSN, "AF154000");
	cpu_set_cr(c, 8, 0x0000FFFF);
	run_with(0, 0, 1);
	assert_pic(6, INSN + 4, 2);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * SPM, IPM
 */

START_TEST(test_spm_sets_cc_and_program_mask_ignoring_bits_0_1)
{
	code(INSN, "0420 B2220030"); /* SPM 2; IPM 3 */
	set_gr(2, 0xE5123456);
	set_gr(3, 0xFFFFFFFF);
	run_with(0, 0, 2);
	assert_no_interrupt();
	ck_assert_uint_eq(h_cc(m), 2);
	ck_assert_uint_eq(gr(3), 0x25FFFFFF);
}
END_TEST

START_TEST(test_ipm_inserts_cc_and_mask_clearing_bits_0_1)
{
	code(INSN, "B2220020");
	set_gr(2, 0xC0ABCDEF);
	run_with(3, 0x4, 1);
	ck_assert_uint_eq(gr(2), 0x34ABCDEF);
	ck_assert_uint_eq(h_ia(m), INSN + 4);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Loads and stores
 */

START_TEST(test_la_is_24_bit_address)
{
	code(INSN, "41254123"); /* LA 2,X'123'(5,4) */
	set_gr(4, 0xFF001000);
	set_gr(5, 0x00FFF000);
	run_with(1, 0, 1);
	ck_assert_uint_eq(gr(2), 0x00000123); /* X'1000' + X'FFF000' + X'123' wraps at 16M */
	ck_assert_uint_eq(h_cc(m), 1);
}
END_TEST

START_TEST(test_la_register_zero_fields_contribute_zero)
{
	code(INSN, "41000FFF");
	set_gr(0, 0x5000);
	run_with(0, 0, 1);
	ck_assert_uint_eq(gr(0), 0xFFF);
}
END_TEST

START_TEST(test_ic_stc_sth_st)
{
	code(INSN, "43204000 42304001 40304002 50304004"); /* IC 2,0(4); STC 3,1(4); STH 3,2(4); ST 3,4(4) */
	set_gr(4, DATA);
	h_set_word(m, DATA, 0x9A000000);
	set_gr(2, 0x11223344);
	set_gr(3, 0xAABBCCDD);
	run_with(3, 0, 4);
	assert_no_interrupt();
	ck_assert_uint_eq(gr(2), 0x1122339A);
	ck_assert_uint_eq(h_word(m, DATA), 0x9ADDCCDD);
	ck_assert_uint_eq(h_word(m, DATA + 4), 0xAABBCCDD);
	ck_assert_uint_eq(h_cc(m), 3);
}
END_TEST

START_TEST(test_l_and_st_across_block_boundary)
{
	code(INSN, "58204000 50205000"); /* L 2,0(4); ST 2,0(5) */
	set_gr(4, 0x27FE);
	set_gr(5, 0x2FFE);
	h_set_word(m, 0x27FC, 0x00001234);
	h_set_word(m, 0x2800, 0x56780000);
	run_with(0, 0, 2);
	assert_no_interrupt();
	ck_assert_uint_eq(gr(2), 0x12345678);
	uint8_t b[4];
	h_get(m, 0x2FFE, b, 4);
	ck_assert_uint_eq(be32(b), 0x12345678);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * LM and STM
 */

START_TEST(test_stm_wraps_from_r15_to_r0)
{
	code(INSN, "90EC4000"); /* STM 14,12,0(4) */
	for (int r = 0; r < 16; r++)
		set_gr(r, 0x01010101u * (uint32_t)r);
	set_gr(4, DATA);
	h_set_word(m, DATA + 60, 0xEEEEEEEE);
	h_run(m, INSN, 1); /* not run_with: GR15 is part of the test */
	assert_no_interrupt();
	ck_assert_uint_eq(h_word(m, DATA), 0x0E0E0E0E);
	ck_assert_uint_eq(h_word(m, DATA + 4), 0x0F0F0F0F);
	ck_assert_uint_eq(h_word(m, DATA + 8), 0);
	ck_assert_uint_eq(h_word(m, DATA + 16), 0x02020202);
	ck_assert_uint_eq(h_word(m, DATA + 24), DATA); /* GR4, the base, as it was */
	ck_assert_uint_eq(h_word(m, DATA + 56), 0x0C0C0C0C);
	ck_assert_uint_eq(h_word(m, DATA + 60), 0xEEEEEEEE);
}
END_TEST

START_TEST(test_lm_wraps_from_r15_to_r0)
{
	code(INSN, "98E17000"); /* LM 14,1,0(7) */
	set_gr(7, DATA);
	for (unsigned i = 0; i < 4; i++)
		h_set_word(m, DATA + 4 * i, 0xA0000000 + i);
	set_gr(2, 0x22222222);
	run_with(0, 0, 1);
	assert_no_interrupt();
	ck_assert_uint_eq(gr(14), 0xA0000000);
	ck_assert_uint_eq(gr(15), 0xA0000001);
	ck_assert_uint_eq(gr(0), 0xA0000002);
	ck_assert_uint_eq(gr(1), 0xA0000003);
	ck_assert_uint_eq(gr(2), 0x22222222);
}
END_TEST

START_TEST(test_lm_loads_its_own_base_register)
{
	code(INSN, "98253000"); /* LM 2,5,0(3) */
	set_gr(3, DATA);
	for (unsigned i = 0; i < 4; i++)
		h_set_word(m, DATA + 4 * i, 0xB0 + i);
	run_with(0, 0, 1);
	ck_assert_uint_eq(gr(2), 0xB0);
	ck_assert_uint_eq(gr(3), 0xB1);
	ck_assert_uint_eq(gr(4), 0xB2);
	ck_assert_uint_eq(gr(5), 0xB3);
}
END_TEST

START_TEST(test_stm_and_lm_across_block_boundary)
{
	code(INSN, "900F4000 98029000"); /* STM 0,15,0(4); LM 0,2,0(9) */
	for (int r = 0; r < 16; r++)
		set_gr(r, 0x10000000u + (uint32_t)r);
	set_gr(4, 0x27F6);
	set_gr(9, 0x27FA);
	h_run(m, INSN, 2);
	assert_no_interrupt();
	uint8_t b[64];
	h_get(m, 0x27F6, b, 64);
	for (unsigned i = 0; i < 16; i++) {
		uint32_t expect = i == 4 ? 0x27F6 : i == 9 ? 0x27FA : 0x10000000u + i;
		ck_assert_uint_eq(be32(b + 4 * i), expect);
	}
	ck_assert_uint_eq(gr(0), 0x10000001);
	ck_assert_uint_eq(gr(1), 0x10000002);
	ck_assert_uint_eq(gr(2), 0x10000003);
}
END_TEST

START_TEST(test_stm_past_end_of_storage_stores_nothing)
{
	code(INSN, "90034000"); /* STM 0,3,0(4): 16 bytes from STORAGE - 8 */
	set_gr(4, STORAGE - 8);
	h_set_word(m, STORAGE - 8, 0x55555555);
	h_set_word(m, STORAGE - 4, 0x66666666);
	set_gr(0, 1);
	run_with(0, 0, 1);
	assert_pic(5, INSN + 4, 2);
	ck_assert_uint_eq(h_word(m, STORAGE - 8), 0x55555555);
	ck_assert_uint_eq(h_word(m, STORAGE - 4), 0x66666666);
}
END_TEST

START_TEST(test_lm_past_end_of_storage_loads_nothing)
{
	code(INSN, "98034000");
	set_gr(4, STORAGE - 8);
	set_gr(0, 0xAAAA);
	set_gr(1, 0xBBBB);
	run_with(0, 0, 1);
	assert_pic(5, INSN + 4, 2);
	ck_assert_uint_eq(gr(0), 0xAAAA);
	ck_assert_uint_eq(gr(1), 0xBBBB);
	ck_assert_uint_eq(gr(4), STORAGE - 8);
}
END_TEST

START_TEST(test_stm_into_protected_second_block_stores_nothing)
{
	set_key(0x2800, 0x50);
	code(CODE, "900F4000");
	for (int r = 0; r < 16; r++)
		set_gr(r, 0xC0C0C0C0);
	set_gr(4, 0x27F0);
	h_set_word(m, 0x27F0, 0x12121212);
	run_psw(CODE, 1, 3, false, false);
	assert_pic(4, CODE + 4, 2);
	ck_assert_uint_eq(h_word(m, 0x27F0), 0x12121212);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * CS and CDS
 */

START_TEST(test_cs_equal_stores_r3_cc0)
{
	code(INSN, "BA234000");
	set_gr(4, DATA);
	h_set_word(m, DATA, 0x11111111);
	set_gr(2, 0x11111111);
	set_gr(3, 0x22222222);
	run_with(3, 0, 1);
	assert_no_interrupt();
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(h_word(m, DATA), 0x22222222);
	ck_assert_uint_eq(gr(2), 0x11111111);
}
END_TEST

START_TEST(test_cs_unequal_loads_r1_cc1)
{
	code(INSN, "BA234000");
	set_gr(4, DATA);
	h_set_word(m, DATA, 0x33333333);
	set_gr(2, 0x11111111);
	set_gr(3, 0x22222222);
	run_with(0, 0, 1);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(h_word(m, DATA), 0x33333333);
	ck_assert_uint_eq(gr(2), 0x33333333);
}
END_TEST

START_TEST(test_cs_unaligned_is_specification)
{
	code(INSN, "BA234002");
	set_gr(4, DATA);
	set_gr(2, 0);
	run_with(0, 0, 1);
	assert_pic(6, INSN + 4, 2);
}
END_TEST

START_TEST(test_cs_unequal_on_store_protected_operand_is_protection)
{
	set_key(DATA, 0x50);
	code(CODE, "BA234000");
	set_gr(4, DATA);
	h_set_word(m, DATA, 0x33333333);
	set_gr(2, 0x11111111);
	run_psw(CODE, 1, 3, false, false);
	assert_pic(4, CODE + 4, 2);
	ck_assert_uint_eq(gr(2), 0x11111111);
}
END_TEST

START_TEST(test_cds_equal_stores_r3_pair_cc0)
{
	code(INSN, "BB244000");
	set_gr(4, DATA);
	h_set_word(m, DATA, 0x01234567);
	h_set_word(m, DATA + 4, 0x89ABCDEF);
	set_gr(2, 0x01234567);
	set_gr(3, 0x89ABCDEF);
	set_gr(4, DATA);
	set_gr(5, 0x55555555);
	/* R3 = 4: pair 4, 5 is the replacement; GR4 is also the base. */
	run_with(2, 0, 1);
	assert_no_interrupt();
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(h_word(m, DATA), DATA);
	ck_assert_uint_eq(h_word(m, DATA + 4), 0x55555555);
}
END_TEST

START_TEST(test_cds_unequal_loads_r1_pair_cc1)
{
	code(INSN, "BB267000");
	set_gr(7, DATA);
	h_set_word(m, DATA, 0x01234567);
	h_set_word(m, DATA + 4, 0x89ABCDEE);
	set_gr(2, 0x01234567);
	set_gr(3, 0x89ABCDEF);
	run_with(0, 0, 1);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(gr(2), 0x01234567);
	ck_assert_uint_eq(gr(3), 0x89ABCDEE);
	ck_assert_uint_eq(h_word(m, DATA + 4), 0x89ABCDEE);
}
END_TEST

START_TEST(test_cds_specification_cases)
{
	static const struct {
		const char *insn;
		uint32_t addr;
	} cases[] = {
		{"BB267000", DATA + 4}, /* word-aligned only */
		{"BB367000", DATA},     /* odd R1 */
		{"BB277000", DATA},     /* odd R3 */
	};
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		code(INSN, "%s", cases[i].insn);
		set_gr(7, cases[i].addr);
		h_set_word(m, DATA, 0);
		h_set_word(m, DATA + 4, 0);
		set_gr(2, 0);
		set_gr(3, 0);
		run_with(0, 0, 1);
		assert_pic(6, INSN + 4, 2);
	}
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * ICM, STCM, CLM
 */
struct icm_case {
	unsigned mask;
	const char *storage;
	uint32_t result;
	unsigned cc;
};

static const struct icm_case icm_cases[] = {
	{0x0, "80010203", 0x11223344, 0},
	{0x1, "80010203", 0x11223380, 1},
	{0x8, "80010203", 0x80223344, 1},
	{0xF, "80010203", 0x80010203, 1},
	{0x9, "80010203", 0x80223301, 1},
	{0x6, "80010203", 0x11800144, 1},
	{0x7, "00007F00", 0x1100007F, 2},
	{0x3, "00000000", 0x11220000, 0},
	{0xC, "00000000", 0x00003344, 0},
	{0xA, "01800000", 0x01228044, 2},
	{0xF, "00000000", 0x00000000, 0},
	{0xF, "7FFFFFFF", 0x7FFFFFFF, 2},
};

START_TEST(test_icm_table)
{
	const struct icm_case *t = &icm_cases[_i];
	code(INSN, "BF2%X4000", t->mask);
	code(DATA, "%s", t->storage);
	set_gr(4, DATA);
	set_gr(2, 0x11223344);
	run_with(3, 0, 1);
	assert_no_interrupt();
	ck_assert_msg(gr(2) == t->result, "mask %X: %08X", t->mask, gr(2));
	ck_assert_msg(h_cc(m) == t->cc, "mask %X: CC %u", t->mask, h_cc(m));
}
END_TEST

struct stcm_case {
	unsigned mask;
	uint32_t stored;
};

static const struct stcm_case stcm_cases[] = {
	{0x0, 0xEEEEEEEE}, {0xF, 0x11223344}, {0x5, 0x2244EEEE}, {0x8, 0x11EEEEEE},
	{0x7, 0x223344EE}, {0xA, 0x1133EEEE}, {0x1, 0x44EEEEEE}, {0xE, 0x112233EE},
};

START_TEST(test_stcm_table)
{
	const struct stcm_case *t = &stcm_cases[_i];
	code(INSN, "BE2%X4000", t->mask);
	h_set_word(m, DATA, 0xEEEEEEEE);
	set_gr(4, DATA);
	set_gr(2, 0x11223344);
	run_with(2, 0, 1);
	assert_no_interrupt();
	ck_assert_msg(h_word(m, DATA) == t->stored, "mask %X: %08X", t->mask, h_word(m, DATA));
	ck_assert_uint_eq(h_cc(m), 2);
}
END_TEST

struct clm_case {
	unsigned mask;
	const char *storage;
	unsigned cc;
};

static const struct clm_case clm_cases[] = {
	{0x0, "00000000", 0}, {0xF, "11223344", 0}, {0xF, "11223345", 1}, {0xF, "11223343", 2},
	{0x5, "2244FFFF", 0}, {0x5, "2245FFFF", 1}, {0x5, "21FF0000", 2}, {0x8, "12000000", 1},
	{0x1, "44000000", 0}, {0x6, "22330000", 0},
};

START_TEST(test_clm_table)
{
	const struct clm_case *t = &clm_cases[_i];
	code(INSN, "BD2%X4000", t->mask);
	code(DATA, "%s", t->storage);
	set_gr(4, DATA);
	set_gr(2, 0x11223344);
	run_with(3, 0, 1);
	assert_no_interrupt();
	ck_assert_msg(h_cc(m) == t->cc, "mask %X %s: CC %u", t->mask, t->storage, h_cc(m));
	ck_assert_uint_eq(gr(2), 0x11223344);
}
END_TEST

START_TEST(test_mask_zero_access_rules)
{
	/* ICM and CLM with mask 0 still access one byte; STCM with mask 0 accesses nothing. */
	set_gr(4, STORAGE);
	set_gr(2, 0x12345678);
	code(INSN, "BF204000");
	run_with(0, 0, 1);
	assert_pic(5, INSN + 4, 2);
	code(INSN, "BD204000");
	run_with(0, 0, 1);
	assert_pic(5, INSN + 4, 2);
	code(INSN, "BE204000");
	run_with(1, 0, 1);
	assert_no_interrupt();
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(gr(2), 0x12345678);
}
END_TEST

START_TEST(test_icm_stcm_clm_across_block_boundary)
{
	code(INSN, "BF2D4000 BE2B5000 BD2D4000"); /* ICM 2,1101; STCM 2,1011; CLM 2,1101 */
	set_gr(4, 0x27FF);
	set_gr(5, 0x2FFE);
	code(0x27FF, "A1B2C3");
	set_gr(2, 0x00000000);
	run_with(3, 0, 3);
	assert_no_interrupt();
	ck_assert_uint_eq(gr(2), 0xA1B200C3);
	uint8_t b[3];
	h_get(m, 0x2FFE, b, 3);
	ck_assert_uint_eq(b[0], 0xA1);
	ck_assert_uint_eq(b[1], 0x00);
	ck_assert_uint_eq(b[2], 0xC3);
	ck_assert_uint_eq(h_cc(m), 0);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * SI instructions
 */
struct si_case {
	const char *name;
	uint8_t op;
	uint8_t i2;
	uint8_t before, after;
	unsigned cc;
};

static const struct si_case si_cases[] = {
	{"tm_mask_zero_sets_cc0", 0x91, 0x00, 0xFF, 0xFF, 0},
	{"tm_selected_all_ones_sets_cc3", 0x91, 0xF0, 0xF0, 0xF0, 3},
	{"tm_selected_all_zeros_sets_cc0", 0x91, 0x0F, 0xF0, 0xF0, 0},
	{"tm_mixed_sets_cc1", 0x91, 0xFF, 0xF0, 0xF0, 1},
	{"tm_mixed_leftmost_one_sets_cc1", 0x91, 0x81, 0x80, 0x80, 1},
	{"mvi_stores_immediate_cc_unchanged", 0x92, 0x5A, 0x00, 0x5A, 2},
	{"ni_nonzero_sets_cc1", 0x94, 0x0F, 0x3C, 0x0C, 1},
	{"ni_zero_sets_cc0", 0x94, 0x0F, 0xF0, 0x00, 0},
	{"cli_equal_sets_cc0", 0x95, 0x40, 0x40, 0x40, 0},
	{"cli_low_sets_cc1", 0x95, 0x80, 0x7F, 0x7F, 1},
	{"cli_high_is_unsigned_sets_cc2", 0x95, 0x01, 0xFF, 0xFF, 2},
	{"oi_sets_cc1", 0x96, 0x80, 0x01, 0x81, 1},
	{"oi_zero_sets_cc0", 0x96, 0x00, 0x00, 0x00, 0},
	{"xi_zero_sets_cc0", 0x97, 0xA5, 0xA5, 0x00, 0},
	{"xi_nonzero_sets_cc1", 0x97, 0xFF, 0x0F, 0xF0, 1},
	{"ts_zero_sets_cc0_and_ones", 0x93, 0x00, 0x00, 0xFF, 0},
	{"ts_leftmost_one_sets_cc1", 0x93, 0x00, 0x80, 0xFF, 1},
	{"ts_leftmost_zero_sets_cc0", 0x93, 0x00, 0x7F, 0xFF, 0},
};

START_TEST(test_si_table)
{
	const struct si_case *t = &si_cases[_i];
	code(INSN, "%02X%02X4010", t->op, t->i2);
	h_put(m, DATA + 0x10, &t->before, 1);
	set_gr(4, DATA);
	run_with(2, 0, 1);
	assert_no_interrupt();
	ck_assert_msg(byte_at(DATA + 0x10) == t->after, "%s: byte %02X", t->name, byte_at(DATA + 0x10));
	ck_assert_msg(h_cc(m) == t->cc, "%s: CC %u", t->name, h_cc(m));
	ck_assert_uint_eq(h_ia(m), INSN + 4);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Access exceptions
 */

START_TEST(test_operand_past_end_of_storage_is_addressing_suppressed)
{
	static const char *const insns[] = {
		"58204000", "50204000", "48204000", "43204000", "42204000", "5A204000",
		"92FF4000", "91FF4000", "94004000", "93004000", "98224000", "BA224000",
	};
	for (unsigned i = 0; i < ARRAY_SIZE(insns); i++) {
		code(INSN, "%s", insns[i]);
		set_gr(4, STORAGE);
		set_gr(2, 0x2222);
		run_with(0, OVF, 1);
		assert_pic(5, INSN + 4, 2);
		ck_assert_msg(gr(2) == 0x2222, "%s changed R1", insns[i]);
	}
}
END_TEST

START_TEST(test_store_straddling_end_of_storage_stores_nothing)
{
	code(INSN, "50204000");
	set_gr(4, STORAGE - 2);
	set_gr(2, 0x12345678);
	put_half(STORAGE - 2, 0xABCD);
	run_with(0, 0, 1);
	assert_pic(5, INSN + 4, 2);
	uint8_t b[2];
	h_get(m, STORAGE - 2, b, 2);
	ck_assert_uint_eq(be16(b), 0xABCD);
}
END_TEST

START_TEST(test_store_with_mismatched_key_is_protection)
{
	static const char *const insns[] = {"50204000", "42204000", "40204000", "92FF4000",
					    "94004000", "96014000", "97014000", "93004000"};
	set_key(DATA, 0x20);
	for (unsigned i = 0; i < ARRAY_SIZE(insns); i++) {
		code(CODE, "%s", insns[i]);
		set_gr(4, DATA);
		h_set_word(m, DATA, 0x5A5A5A5A);
		run_psw(CODE, 1, 3, false, false);
		assert_pic(4, CODE + 4, 2);
		ck_assert_msg(h_word(m, DATA) == 0x5A5A5A5A, "%s stored", insns[i]);
	}
}
END_TEST

START_TEST(test_fetch_needs_fetch_protection_bit_for_protection)
{
	code(CODE, "58204000");
	set_gr(4, DATA);
	h_set_word(m, DATA, 0x600DF00D);

	set_key(DATA, 0x20); /* key 2, not fetch-protected: key 3 may fetch */
	set_gr(2, 0);
	run_psw(CODE, 1, 3, false, false);
	assert_no_interrupt();
	ck_assert_uint_eq(gr(2), 0x600DF00D);

	set_key(DATA, 0x28); /* fetch-protected */
	set_gr(2, 0);
	run_psw(CODE, 1, 3, false, false);
	assert_pic(4, CODE + 4, 2);
	ck_assert_uint_eq(gr(2), 0);

	set_gr(2, 0); /* the matching key may fetch and store */
	code(CODE, "58204000 50204004");
	run_psw(CODE, 2, 2, false, false);
	assert_no_interrupt();
	ck_assert_uint_eq(h_word(m, DATA + 4), 0x600DF00D);
}
END_TEST

START_TEST(test_protection_in_ec_mode_reports_code_and_ilc_in_low_storage)
{
	set_key(DATA, 0x20);
	code(CODE, "92004000");
	set_gr(4, DATA);
	run_psw(CODE, 1, 7, true, true);
	assert_pic(4, CODE + 4, 2);
}
END_TEST

/* ------------------------------------------------------------------------------------------------ */

static Suite *suite(void)
{
	Suite *s = suite_create("general");
	TCase *tc = tcase_create("general");
	tcase_add_checked_fixture(tc, setup, teardown);

	tcase_add_loop_test(tc, test_alu_table, 0, ARRAY_SIZE(alu_cases));
	tcase_add_loop_test(tc, test_muldiv_table, 0, ARRAY_SIZE(muldiv_cases));
	tcase_add_test(tc, test_multiply_divide_odd_r1_is_specification);
	tcase_add_test(tc, test_d_odd_r1_is_specification_before_addressing);
	tcase_add_loop_test(tc, test_shift_table, 0, ARRAY_SIZE(shift_cases));
	tcase_add_test(tc, test_shift_amount_is_low_six_bits_of_address);
	tcase_add_test(tc, test_double_shift_odd_r1_is_specification);

	tcase_add_loop_test(tc, test_bc_every_mask_and_cc, 0, 64);
	tcase_add_test(tc, test_bcr_r2_zero_never_branches);
	tcase_add_test(tc, test_bc_with_index_and_base);
	tcase_add_loop_test(tc, test_branch_on_count_table, 0, ARRAY_SIZE(count_cases));
	tcase_add_loop_test(tc, test_branch_on_index_table, 0, ARRAY_SIZE(index_cases));
	tcase_add_test(tc, test_bal_link_in_bc_mode);
	tcase_add_test(tc, test_balr_link_in_bc_mode);
	tcase_add_test(tc, test_balr_r2_zero_links_without_branching);
	tcase_add_test(tc, test_balr_same_register_branches_to_old_value);
	tcase_add_test(tc, test_bal_base_is_link_register_uses_old_value);
	tcase_add_test(tc, test_bal_and_balr_link_in_ec_mode_is_bc_format);
	tcase_add_test(tc, test_bas_and_basr_save_24_bit_address);
	tcase_add_test(tc, test_basr_r2_zero_saves_without_branching);

	tcase_add_test(tc, test_ex_ors_r1_into_second_byte);
	tcase_add_test(tc, test_ex_r1_zero_does_not_modify_target);
	tcase_add_test(tc, test_ex_supplies_register_fields);
	tcase_add_test(tc, test_ex_of_ex_is_execute_exception);
	tcase_add_test(tc, test_ex_odd_target_is_specification);
	tcase_add_test(tc, test_ex_target_program_check_reports_ilc_2_past_ex);
	tcase_add_test(tc, test_ex_of_undefined_opcode_is_operation_exception_ilc_2);
	tcase_add_test(tc, test_ex_of_undefined_six_byte_opcode_is_operation_exception_ilc_2);
	tcase_add_test(tc, test_ex_fetches_only_the_target_length);
	tcase_add_test(tc, test_ex_target_crossing_block_is_fetched_whole);
	tcase_add_test(tc, test_ex_of_branch_branches);
	tcase_add_test(tc, test_ex_of_balr_links_past_ex_with_ilc_2);
	tcase_add_test(tc, test_ex_of_bal_links_past_ex);
	tcase_add_test(tc, test_ex_of_basr_r2_zero_continues_after_ex);
	tcase_add_test(tc, test_ex_state_is_reset_after_target);

	tcase_add_test(tc, test_svc_bc_mode_old_psw_has_code_and_ilc_1);
	tcase_add_test(tc, test_svc_ec_mode_stores_code_and_ilc_in_low_storage);
	tcase_add_test(tc, test_ex_of_svc_uses_or_code_and_ilc_2);
	tcase_add_test(tc, test_ex_of_svc_ec_mode_stores_ilc_2);
	tcase_add_test(tc, test_mc_class_disabled_is_no_op);
	tcase_add_test(tc, test_mc_class_enabled_is_monitor_event);
	tcase_add_test(tc, test_mc_nonzero_high_bits_is_specification);
	tcase_add_test(tc, test_spm_sets_cc_and_program_mask_ignoring_bits_0_1);
	tcase_add_test(tc, test_ipm_inserts_cc_and_mask_clearing_bits_0_1);

	tcase_add_test(tc, test_la_is_24_bit_address);
	tcase_add_test(tc, test_la_register_zero_fields_contribute_zero);
	tcase_add_test(tc, test_ic_stc_sth_st);
	tcase_add_test(tc, test_l_and_st_across_block_boundary);
	tcase_add_test(tc, test_stm_wraps_from_r15_to_r0);
	tcase_add_test(tc, test_lm_wraps_from_r15_to_r0);
	tcase_add_test(tc, test_lm_loads_its_own_base_register);
	tcase_add_test(tc, test_stm_and_lm_across_block_boundary);
	tcase_add_test(tc, test_stm_past_end_of_storage_stores_nothing);
	tcase_add_test(tc, test_lm_past_end_of_storage_loads_nothing);
	tcase_add_test(tc, test_stm_into_protected_second_block_stores_nothing);

	tcase_add_test(tc, test_cs_equal_stores_r3_cc0);
	tcase_add_test(tc, test_cs_unequal_loads_r1_cc1);
	tcase_add_test(tc, test_cs_unaligned_is_specification);
	tcase_add_test(tc, test_cs_unequal_on_store_protected_operand_is_protection);
	tcase_add_test(tc, test_cds_equal_stores_r3_pair_cc0);
	tcase_add_test(tc, test_cds_unequal_loads_r1_pair_cc1);
	tcase_add_test(tc, test_cds_specification_cases);

	tcase_add_loop_test(tc, test_icm_table, 0, ARRAY_SIZE(icm_cases));
	tcase_add_loop_test(tc, test_stcm_table, 0, ARRAY_SIZE(stcm_cases));
	tcase_add_loop_test(tc, test_clm_table, 0, ARRAY_SIZE(clm_cases));
	tcase_add_test(tc, test_mask_zero_access_rules);
	tcase_add_test(tc, test_icm_stcm_clm_across_block_boundary);
	tcase_add_loop_test(tc, test_si_table, 0, ARRAY_SIZE(si_cases));

	tcase_add_test(tc, test_operand_past_end_of_storage_is_addressing_suppressed);
	tcase_add_test(tc, test_store_straddling_end_of_storage_stores_nothing);
	tcase_add_test(tc, test_store_with_mismatched_key_is_protection);
	tcase_add_test(tc, test_fetch_needs_fetch_protection_bit_for_protection);
	tcase_add_test(tc, test_protection_in_ec_mode_reports_code_and_ilc_in_low_storage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
