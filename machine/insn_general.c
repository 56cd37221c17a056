/*
 * insn_general.c - general instructions in register, RX, RS and SI form (GA22-7000 chapter 7,
 * "General Instructions"): fixed-point arithmetic and comparison, logical operations, loads and
 * stores, branching, shifts, EXECUTE, SUPERVISOR CALL, MONITOR CALL, CS/CDS and ICM/STCM/CLM.
 * The storage-to-storage forms (MVC, CLC, TR, MVCL ...) live in insn_general_ss.c.
 *
 * Handlers follow cpu.h's contract: c->ia is the instruction's address on entry; set it to the next
 * instruction or the branch target before returning. Branch addresses are computed before any
 * register is changed, since R1 may also be the index or base. Fixed-point overflow stores the
 * result and CC 3 first and raises the (completing) interruption last, through fixed_overflow().
 *
 * The handlers of the instructions that most programs spend their time in (L, ST, LR, LA, A, C,
 * BC, BCR, BCT, LM, STM, IC, STC, MVI, CLI, TM ...) use the inline storage accessors only: one TLB
 * look-up per operand inside a 2K block, and the checked slow path only across a block boundary.
 */
#include <string.h>

#include "machine/insn_table.h"

/* ------------------------------------------------------------------------------------------------
 * Pure helpers (no CPU state): shifts with overflow, division, byte masks.
 */

/* SHIFT LEFT SINGLE: the 31 numeric bits move left n places (0-63) and the sign stays. Overflow
 * when a bit unlike the sign leaves bit position 1, which is exactly when v * 2**n does not fit in
 * 32 bits (the zeros shifted in from the right count once the original bits are gone). */
static uint32_t shift_left_single(uint32_t v, unsigned n, bool *overflow)
{
	int32_t s = (int32_t)v;
	uint32_t sign = v & 0x80000000u;

	if (n >= 32) {
		*overflow = s != 0;
		return sign;
	}
	int64_t wide = (int64_t)s * ((int64_t)1 << n);
	*overflow = wide != (int32_t)wide;
	return sign | ((v << n) & 0x7FFFFFFFu);
}

/* SHIFT LEFT DOUBLE: the same for the 63 numeric bits of a 64-bit value, n 0-63. Overflow when any
 * of the n leftmost numeric bits differs from the sign. */
static uint64_t shift_left_double(uint64_t v, unsigned n, bool *overflow)
{
	uint64_t sign = v & 0x8000000000000000ull;

	if (n == 0) {
		*overflow = false;
		return v;
	}
	int64_t top = (int64_t)v >> (63 - n); /* the sign and the n bits that leave */
	*overflow = top != 0 && top != -1;
	return sign | ((v << n) & 0x7FFFFFFFFFFFFFFFull);
}

/* DIVIDE: 64-bit signed dividend by a 32-bit signed divisor. False (fixed-point divide) for a zero
 * divisor or a quotient that does not fit in 32 bits. The remainder has the dividend's sign. */
static bool divide_signed(uint64_t dividend, uint32_t divisor, uint32_t *quotient, uint32_t *remainder)
{
	int64_t a = (int64_t)dividend;
	int32_t d = (int32_t)divisor;

	if (d == 0 || (d == -1 && a == INT64_MIN))
		return false;
	int64_t q = a / d;
	if (q < INT32_MIN || q > INT32_MAX)
		return false;
	*quotient = (uint32_t)q;
	*remainder = (uint32_t)(a % d);
	return true;
}

/* Bytes of v selected by the 4-bit mask, left to right, packed into out; returns the count. */
static unsigned mask_bytes(uint32_t v, unsigned mask, uint8_t out[4])
{
	unsigned n = 0;
	for (unsigned i = 0; i < 4; i++)
		if (mask & (8u >> i))
			out[n++] = (uint8_t)(v >> (24 - 8 * i));
	return n;
}

static inline void require_aligned(struct cpu *c, uint32_t addr, uint32_t size)
{
	if (unlikely(addr & (size - 1)))
		program_check(c, PIC_SPECIFICATION);
}

/* The register pair R1, R1+1 as one 64-bit value (R1 even). */
static inline uint64_t pair(const struct cpu *c, unsigned r)
{
	return (uint64_t)c->gr[r] << 32 | c->gr[r + 1];
}

static inline void set_pair(struct cpu *c, unsigned r, uint64_t v)
{
	c->gr[r] = (uint32_t)(v >> 32);
	c->gr[r + 1] = (uint32_t)v;
}

/* Link information of BAL and BALR (BC-format PSW bits 32-63, kept in EC mode too on S/370):
 *
 *   0   1 2  3 4      7 8                                31
 *  +-----+----+--------+-----------------------------------+
 *  | ILC | CC |prog msk|  address of the next instruction   |
 *  +-----+----+--------+-----------------------------------+
 * Under EX the ILC is 2 (the length of EX) and the next instruction is the one after the EX. */
static inline uint32_t link_info(const struct cpu *c, unsigned ilc, uint32_t next)
{
	return (uint32_t)ilc << 30 | (uint32_t)c->cc << 28 | (uint32_t)c->progmask << 24 | next;
}

/* ------------------------------------------------------------------------------------------------
 * Register-and-register instructions (RR)
 */

/* SPM R1 - Set Program Mask [RR]: CC from R1 bits 2-3, program mask from bits 4-7. */
const struct dinsn *op_spm(struct cpu *c, const struct dinsn *d)
{
	uint32_t r1 = c->gr[d->r1];
	c->cc = (r1 >> 28) & 3;
	c->progmask = (r1 >> 24) & 15;
	return NEXT(d, 2);
}

/* BALR R1,R2 - Branch and Link Register [RR]. No branch when R2 is 0. */
const struct dinsn *op_balr(struct cpu *c, const struct dinsn *d)
{
	uint32_t target = c->gr[d->r2] & AMASK;
	c->gr[d->r1] = link_info(c, c->in_ex ? 2 : 1, (d->ia + 2) & AMASK);
	return d->r2 ? branch_to(c, target) : NEXT(d, 2);
}

/* BCTR R1,R2 - Branch on Count Register [RR]: R1 - 1, branch when nonzero (never when R2 is 0). */
const struct dinsn *op_bctr(struct cpu *c, const struct dinsn *d)
{
	uint32_t target = c->gr[d->r2] & AMASK;
	if (--c->gr[d->r1] && d->r2)
		return branch_to(c, target);
	return NEXT(d, 2);
}

/* BCR M1,R2 - Branch on Condition Register [RR]. No branch when R2 is 0 (BCR 15,0 serialises:
 * nothing to do on one CPU). */
const struct dinsn *op_bcr(struct cpu *c, const struct dinsn *d)
{
	if (((d->r1 << 4 << c->cc) & 0x80) && d->r2)
		return branch_to(c, c->gr[d->r2] & AMASK);
	return NEXT(d, 2);
}

/* SVC I - Supervisor Call [RR]: the SVC interruption, with the old PSW pointing past the SVC (past
 * the EX when executed). BC mode: code in old-PSW bits 16-31, ILC in bits 32-33; EC mode: code at
 * real X'8A', ILC at X'89'. */
void op_svc(struct cpu *c, const uint8_t *ip)
{
	uint8_t code = ip[1];
	unsigned ilc = c->in_ex ? 2 : 1;

	NEXT_INSN(c, 2);
	if (c->ec) {
		uint8_t *low = real_ptr(c, 0);
		low[0x88] = 0;
		low[0x89] = (uint8_t)(ilc << 1);
		put_be16(low + 0x8A, code);
	} else {
		c->intcode = code;
		c->ilc = (uint8_t)ilc;
	}
	psw_swap(c, 0x20, 0x60);
}

/* BASR R1,R2 - Branch and Save Register [RR]: the next address with bits 0-7 zero. */
const struct dinsn *op_basr(struct cpu *c, const struct dinsn *d)
{
	uint32_t target = c->gr[d->r2] & AMASK;
	c->gr[d->r1] = (d->ia + 2) & AMASK;
	return d->r2 ? branch_to(c, target) : NEXT(d, 2);
}

/* LPR R1,R2 - Load Positive [RR]. The maximum negative number overflows and stays unchanged. */
const struct dinsn *op_lpr(struct cpu *c, const struct dinsn *d)
{
	int32_t v = (int32_t)c->gr[d->r2];
	bool overflow = v == INT32_MIN;
	uint32_t r = overflow ? (uint32_t)v : (uint32_t)(v < 0 ? -v : v);
	c->gr[d->r1] = r;
	c->cc = overflow ? 3 : r ? 2 : 0;
	fixed_overflow(c, overflow);
	return NEXT(d, 2);
}

/* LNR R1,R2 - Load Negative [RR]. */
const struct dinsn *op_lnr(struct cpu *c, const struct dinsn *d)
{
	int32_t v = (int32_t)c->gr[d->r2];
	int32_t r = v > 0 ? -v : v;
	c->gr[d->r1] = (uint32_t)r;
	c->cc = r ? 1 : 0;
	return NEXT(d, 2);
}

/* LTR R1,R2 - Load and Test [RR]. */
const struct dinsn *op_ltr(struct cpu *c, const struct dinsn *d)
{
	uint32_t v = c->gr[d->r2];
	c->gr[d->r1] = v;
	c->cc = cc_signed((int32_t)v);
	return NEXT(d, 2);
}

/* LCR R1,R2 - Load Complement [RR]. The maximum negative number overflows and stays unchanged. */
const struct dinsn *op_lcr(struct cpu *c, const struct dinsn *d)
{
	bool overflow;
	c->cc = sub_signed(0, c->gr[d->r2], &c->gr[d->r1], &overflow);
	fixed_overflow(c, overflow);
	return NEXT(d, 2);
}

/* NR R1,R2 - And [RR]. */
const struct dinsn *op_nr(struct cpu *c, const struct dinsn *d)
{
	uint32_t r = c->gr[d->r1] &= c->gr[d->r2];
	c->cc = r != 0;
	return NEXT(d, 2);
}

/* CLR R1,R2 - Compare Logical [RR]. */
const struct dinsn *op_clr(struct cpu *c, const struct dinsn *d)
{
	c->cc = cc_compare_unsigned(c->gr[d->r1], c->gr[d->r2]);
	return NEXT(d, 2);
}

/* OR R1,R2 - Or [RR]. */
const struct dinsn *op_or(struct cpu *c, const struct dinsn *d)
{
	uint32_t r = c->gr[d->r1] |= c->gr[d->r2];
	c->cc = r != 0;
	return NEXT(d, 2);
}

/* XR R1,R2 - Exclusive Or [RR]. */
const struct dinsn *op_xr(struct cpu *c, const struct dinsn *d)
{
	uint32_t r = c->gr[d->r1] ^= c->gr[d->r2];
	c->cc = r != 0;
	return NEXT(d, 2);
}

/* LR R1,R2 - Load [RR]. */
const struct dinsn *op_lr(struct cpu *c, const struct dinsn *d)
{
	c->gr[d->r1] = c->gr[d->r2];
	return NEXT(d, 2);
}

/* CR R1,R2 - Compare [RR]. */
const struct dinsn *op_cr(struct cpu *c, const struct dinsn *d)
{
	c->cc = cc_compare_signed((int32_t)c->gr[d->r1], (int32_t)c->gr[d->r2]);
	return NEXT(d, 2);
}

/* AR R1,R2 - Add [RR]. */
const struct dinsn *op_ar(struct cpu *c, const struct dinsn *d)
{
	uint32_t *r1 = &c->gr[d->r1];
	bool overflow;
	c->cc = add_signed(*r1, c->gr[d->r2], r1, &overflow);
	fixed_overflow(c, overflow);
	return NEXT(d, 2);
}

/* SR R1,R2 - Subtract [RR]. */
const struct dinsn *op_sr(struct cpu *c, const struct dinsn *d)
{
	uint32_t *r1 = &c->gr[d->r1];
	bool overflow;
	c->cc = sub_signed(*r1, c->gr[d->r2], r1, &overflow);
	fixed_overflow(c, overflow);
	return NEXT(d, 2);
}

/* MR R1,R2 - Multiply [RR]: R1+1 times R2 into the pair R1, R1+1 (R1 even). */
const struct dinsn *op_mr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	EVEN_REG(c, r1);
	int64_t product = (int64_t)(int32_t)c->gr[r1 + 1] * (int32_t)c->gr[d->r2];
	set_pair(c, r1, (uint64_t)product);
	return NEXT(d, 2);
}

/* DR R1,R2 - Divide [RR]: the pair R1, R1+1 by R2; remainder in R1, quotient in R1+1. */
const struct dinsn *op_dr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	uint32_t q, r;
	EVEN_REG(c, r1);
	if (!divide_signed(pair(c, r1), c->gr[d->r2], &q, &r))
		program_check(c, PIC_FIXED_DIVIDE);
	c->gr[r1] = r;
	c->gr[r1 + 1] = q;
	return NEXT(d, 2);
}

/* ALR R1,R2 - Add Logical [RR]. */
const struct dinsn *op_alr(struct cpu *c, const struct dinsn *d)
{
	uint32_t *r1 = &c->gr[d->r1];
	c->cc = add_logical(*r1, c->gr[d->r2], r1);
	return NEXT(d, 2);
}

/* SLR R1,R2 - Subtract Logical [RR]. */
const struct dinsn *op_slr(struct cpu *c, const struct dinsn *d)
{
	uint32_t *r1 = &c->gr[d->r1];
	c->cc = sub_logical(*r1, c->gr[d->r2], r1);
	return NEXT(d, 2);
}

/* ------------------------------------------------------------------------------------------------
 * Register-and-indexed-storage instructions (RX)
 */

/* STH R1,D2(X2,B2) - Store Halfword [RX]: R1 bits 16-31. */
const struct dinsn *op_sth(struct cpu *c, const struct dinsn *d)
{
	vstore2(c, dea_rx(c, d), (uint16_t)c->gr[d->r1]);
	return NEXT(d, 4);
}

/* LA R1,D2(X2,B2) - Load Address [RX]: the 24-bit address, bits 0-7 zero. */
const struct dinsn *op_la(struct cpu *c, const struct dinsn *d)
{
	c->gr[d->r1] = dea_rx(c, d);
	return NEXT(d, 4);
}

/* STC R1,D2(X2,B2) - Store Character [RX]: R1 bits 24-31. */
const struct dinsn *op_stc(struct cpu *c, const struct dinsn *d)
{
	vstore1(c, dea_rx(c, d), (uint8_t)c->gr[d->r1]);
	return NEXT(d, 4);
}

/* IC R1,D2(X2,B2) - Insert Character [RX]: into R1 bits 24-31, the rest unchanged. */
const struct dinsn *op_ic(struct cpu *c, const struct dinsn *d)
{
	uint8_t b = vfetch1(c, dea_rx(c, d));
	uint32_t *r1 = &c->gr[d->r1];
	*r1 = (*r1 & 0xFFFFFF00u) | b;
	return NEXT(d, 4);
}

/* EX R1,D2(X2,B2) - Execute [RX]: run the instruction at D2(X2,B2), its second byte ORed with R1
 * bits 24-31 (unless R1 is 0). The target runs placed so that, in sequence, it goes on after the
 * EX; in_ex makes any program interruption in it report ILC 2 and point past the EX
 * (nullification: at the EX). */
const struct dinsn *op_ex(struct cpu *c, const struct dinsn *d)
{
	uint32_t target = dea_rx(c, d);
	uint8_t buf[6];

	require_aligned(c, target, 2);
	int len = insn_fetch_target(c, target, buf);
	if (buf[0] == 0x44)
		program_check(c, PIC_EXECUTE);
	if (d->r1)
		buf[1] |= (uint8_t)c->gr[d->r1];

	uint32_t base = (d->ia + 4 - (uint32_t)len) & AMASK;
	const struct dinsn *n = execute_target(c, buf, base, (int32_t)(target - base), true);
	return n ? n : NEXT(d, 4);
}

/* BAL R1,D2(X2,B2) - Branch and Link [RX]. */
const struct dinsn *op_bal(struct cpu *c, const struct dinsn *d)
{
	uint32_t target = dea_rx(c, d);
	c->gr[d->r1] = link_info(c, 2, (d->ia + 4) & AMASK);
	return branch_to(c, target);
}

/* BCT R1,D2(X2,B2) - Branch on Count [RX]: R1 - 1, branch when nonzero. */
const struct dinsn *op_bct(struct cpu *c, const struct dinsn *d)
{
	uint32_t target = dea_rx(c, d);
	if (--c->gr[d->r1])
		return branch_to(c, target);
	return NEXT(d, 4);
}

/* BC M1,D2(X2,B2) - Branch on Condition [RX]: mask bit 8 >> CC selects. */
const struct dinsn *op_bc(struct cpu *c, const struct dinsn *d)
{
	if ((d->r1 << 4 << c->cc) & 0x80)
		return branch_to(c, dea_rx(c, d));
	return NEXT(d, 4);
}

/* LH R1,D2(X2,B2) - Load Halfword [RX]: sign-extended. */
const struct dinsn *op_lh(struct cpu *c, const struct dinsn *d)
{
	c->gr[d->r1] = (uint32_t)(int16_t)vfetch2(c, dea_rx(c, d));
	return NEXT(d, 4);
}

/* CH R1,D2(X2,B2) - Compare Halfword [RX]. */
const struct dinsn *op_ch(struct cpu *c, const struct dinsn *d)
{
	int16_t h = (int16_t)vfetch2(c, dea_rx(c, d));
	c->cc = cc_compare_signed((int32_t)c->gr[d->r1], h);
	return NEXT(d, 4);
}

/* AH R1,D2(X2,B2) - Add Halfword [RX]. */
const struct dinsn *op_ah(struct cpu *c, const struct dinsn *d)
{
	uint32_t h = (uint32_t)(int16_t)vfetch2(c, dea_rx(c, d));
	uint32_t *r1 = &c->gr[d->r1];
	bool overflow;
	c->cc = add_signed(*r1, h, r1, &overflow);
	fixed_overflow(c, overflow);
	return NEXT(d, 4);
}

/* SH R1,D2(X2,B2) - Subtract Halfword [RX]. */
const struct dinsn *op_sh(struct cpu *c, const struct dinsn *d)
{
	uint32_t h = (uint32_t)(int16_t)vfetch2(c, dea_rx(c, d));
	uint32_t *r1 = &c->gr[d->r1];
	bool overflow;
	c->cc = sub_signed(*r1, h, r1, &overflow);
	fixed_overflow(c, overflow);
	return NEXT(d, 4);
}

/* MH R1,D2(X2,B2) - Multiply Halfword [RX]: the low 32 bits of the product, no overflow test. */
const struct dinsn *op_mh(struct cpu *c, const struct dinsn *d)
{
	int16_t h = (int16_t)vfetch2(c, dea_rx(c, d));
	uint32_t *r1 = &c->gr[d->r1];
	*r1 = (uint32_t)((int64_t)(int32_t)*r1 * h);
	return NEXT(d, 4);
}

/* BAS R1,D2(X2,B2) - Branch and Save [RX]: the next address with bits 0-7 zero. */
const struct dinsn *op_bas(struct cpu *c, const struct dinsn *d)
{
	uint32_t target = dea_rx(c, d);
	c->gr[d->r1] = (d->ia + 4) & AMASK;
	return branch_to(c, target);
}

/* ST R1,D2(X2,B2) - Store [RX]. */
const struct dinsn *op_st(struct cpu *c, const struct dinsn *d)
{
	vstore4(c, dea_rx(c, d), c->gr[d->r1]);
	return NEXT(d, 4);
}

/* N R1,D2(X2,B2) - And [RX]. */
const struct dinsn *op_n(struct cpu *c, const struct dinsn *d)
{
	uint32_t v = vfetch4(c, dea_rx(c, d));
	uint32_t r = c->gr[d->r1] &= v;
	c->cc = r != 0;
	return NEXT(d, 4);
}

/* CL R1,D2(X2,B2) - Compare Logical [RX]. */
const struct dinsn *op_cl(struct cpu *c, const struct dinsn *d)
{
	uint32_t v = vfetch4(c, dea_rx(c, d));
	c->cc = cc_compare_unsigned(c->gr[d->r1], v);
	return NEXT(d, 4);
}

/* O R1,D2(X2,B2) - Or [RX]. */
const struct dinsn *op_o(struct cpu *c, const struct dinsn *d)
{
	uint32_t v = vfetch4(c, dea_rx(c, d));
	uint32_t r = c->gr[d->r1] |= v;
	c->cc = r != 0;
	return NEXT(d, 4);
}

/* X R1,D2(X2,B2) - Exclusive Or [RX]. */
const struct dinsn *op_x(struct cpu *c, const struct dinsn *d)
{
	uint32_t v = vfetch4(c, dea_rx(c, d));
	uint32_t r = c->gr[d->r1] ^= v;
	c->cc = r != 0;
	return NEXT(d, 4);
}

/* L R1,D2(X2,B2) - Load [RX]. */
const struct dinsn *op_l(struct cpu *c, const struct dinsn *d)
{
	c->gr[d->r1] = vfetch4(c, dea_rx(c, d));
	return NEXT(d, 4);
}

/* C R1,D2(X2,B2) - Compare [RX]. */
const struct dinsn *op_c(struct cpu *c, const struct dinsn *d)
{
	uint32_t v = vfetch4(c, dea_rx(c, d));
	c->cc = cc_compare_signed((int32_t)c->gr[d->r1], (int32_t)v);
	return NEXT(d, 4);
}

/* A R1,D2(X2,B2) - Add [RX]. */
const struct dinsn *op_a(struct cpu *c, const struct dinsn *d)
{
	uint32_t v = vfetch4(c, dea_rx(c, d));
	uint32_t *r1 = &c->gr[d->r1];
	bool overflow;
	c->cc = add_signed(*r1, v, r1, &overflow);
	fixed_overflow(c, overflow);
	return NEXT(d, 4);
}

/* S R1,D2(X2,B2) - Subtract [RX]. */
const struct dinsn *op_s(struct cpu *c, const struct dinsn *d)
{
	uint32_t v = vfetch4(c, dea_rx(c, d));
	uint32_t *r1 = &c->gr[d->r1];
	bool overflow;
	c->cc = sub_signed(*r1, v, r1, &overflow);
	fixed_overflow(c, overflow);
	return NEXT(d, 4);
}

/* M R1,D2(X2,B2) - Multiply [RX]: R1+1 times the operand into the pair R1, R1+1 (R1 even). */
const struct dinsn *op_m(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	EVEN_REG(c, r1);
	int32_t v = (int32_t)vfetch4(c, dea_rx(c, d));
	set_pair(c, r1, (uint64_t)((int64_t)(int32_t)c->gr[r1 + 1] * v));
	return NEXT(d, 4);
}

/* D R1,D2(X2,B2) - Divide [RX]: the pair R1, R1+1 by the operand (R1 even). */
const struct dinsn *op_d(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	uint32_t q, r;
	EVEN_REG(c, r1);
	uint32_t v = vfetch4(c, dea_rx(c, d));
	if (!divide_signed(pair(c, r1), v, &q, &r))
		program_check(c, PIC_FIXED_DIVIDE);
	c->gr[r1] = r;
	c->gr[r1 + 1] = q;
	return NEXT(d, 4);
}

/* AL R1,D2(X2,B2) - Add Logical [RX]. */
const struct dinsn *op_al(struct cpu *c, const struct dinsn *d)
{
	uint32_t v = vfetch4(c, dea_rx(c, d));
	uint32_t *r1 = &c->gr[d->r1];
	c->cc = add_logical(*r1, v, r1);
	return NEXT(d, 4);
}

/* SL R1,D2(X2,B2) - Subtract Logical [RX]. */
const struct dinsn *op_sl(struct cpu *c, const struct dinsn *d)
{
	uint32_t v = vfetch4(c, dea_rx(c, d));
	uint32_t *r1 = &c->gr[d->r1];
	c->cc = sub_logical(*r1, v, r1);
	return NEXT(d, 4);
}

/* ------------------------------------------------------------------------------------------------
 * Register-and-storage instructions (RS): index branches, shifts, multiple and masked loads/stores
 */

/* BXH R1,R3,D2(B2) - Branch on Index High [RS]: R1 + R3, branch when above the comparand (R3+1
 * when R3 is even, R3 itself when odd); increment and comparand are read before R1 changes. */
const struct dinsn *op_bxh(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r3 = d->r2;
	uint32_t target = dea_s2(c, d);
	int32_t comparand = (int32_t)c->gr[r3 | 1];
	uint32_t sum = c->gr[r1] + c->gr[r3];
	c->gr[r1] = sum;
	if ((int32_t)sum > comparand)
		return branch_to(c, target);
	return NEXT(d, 4);
}

/* BXLE R1,R3,D2(B2) - Branch on Index Low or Equal [RS]. */
const struct dinsn *op_bxle(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r3 = d->r2;
	uint32_t target = dea_s2(c, d);
	int32_t comparand = (int32_t)c->gr[r3 | 1];
	uint32_t sum = c->gr[r1] + c->gr[r3];
	c->gr[r1] = sum;
	if ((int32_t)sum <= comparand)
		return branch_to(c, target);
	return NEXT(d, 4);
}

/* Shift amount: the rightmost six bits of the second-operand address. */
static inline unsigned shift_amount(const struct cpu *c, const struct dinsn *d)
{
	return dea_s2(c, d) & 63;
}

/* SRL R1,D2(B2) - Shift Right Single Logical [RS]. */
const struct dinsn *op_srl(struct cpu *c, const struct dinsn *d)
{
	unsigned n = shift_amount(c, d);
	uint32_t *r1 = &c->gr[d->r1];
	*r1 = n > 31 ? 0 : *r1 >> n;
	return NEXT(d, 4);
}

/* SLL R1,D2(B2) - Shift Left Single Logical [RS]. */
const struct dinsn *op_sll(struct cpu *c, const struct dinsn *d)
{
	unsigned n = shift_amount(c, d);
	uint32_t *r1 = &c->gr[d->r1];
	*r1 = n > 31 ? 0 : *r1 << n;
	return NEXT(d, 4);
}

/* SRA R1,D2(B2) - Shift Right Single [RS]: arithmetic, CC by result. */
const struct dinsn *op_sra(struct cpu *c, const struct dinsn *d)
{
	unsigned n = shift_amount(c, d);
	uint32_t *r1 = &c->gr[d->r1];
	int32_t r = (int32_t)*r1 >> (n > 31 ? 31 : n);
	*r1 = (uint32_t)r;
	c->cc = cc_signed(r);
	return NEXT(d, 4);
}

/* SLA R1,D2(B2) - Shift Left Single [RS]: the sign stays; CC 3 on overflow. */
const struct dinsn *op_sla(struct cpu *c, const struct dinsn *d)
{
	unsigned n = shift_amount(c, d);
	uint32_t *r1 = &c->gr[d->r1];
	bool overflow;
	uint32_t r = shift_left_single(*r1, n, &overflow);
	*r1 = r;
	c->cc = overflow ? 3 : cc_signed((int32_t)r);
	fixed_overflow(c, overflow);
	return NEXT(d, 4);
}

/* SRDL R1,D2(B2) - Shift Right Double Logical [RS] (R1 even). */
const struct dinsn *op_srdl(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	EVEN_REG(c, r1);
	set_pair(c, r1, pair(c, r1) >> shift_amount(c, d));
	return NEXT(d, 4);
}

/* SLDL R1,D2(B2) - Shift Left Double Logical [RS] (R1 even). */
const struct dinsn *op_sldl(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	EVEN_REG(c, r1);
	set_pair(c, r1, pair(c, r1) << shift_amount(c, d));
	return NEXT(d, 4);
}

/* SRDA R1,D2(B2) - Shift Right Double [RS] (R1 even): arithmetic, CC by result. */
const struct dinsn *op_srda(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	EVEN_REG(c, r1);
	int64_t r = (int64_t)pair(c, r1) >> shift_amount(c, d);
	set_pair(c, r1, (uint64_t)r);
	c->cc = r == 0 ? 0 : r < 0 ? 1 : 2;
	return NEXT(d, 4);
}

/* SLDA R1,D2(B2) - Shift Left Double [RS] (R1 even): the sign stays; CC 3 on overflow. */
const struct dinsn *op_slda(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	bool overflow;
	EVEN_REG(c, r1);
	int64_t r = (int64_t)shift_left_double(pair(c, r1), shift_amount(c, d), &overflow);
	set_pair(c, r1, (uint64_t)r);
	c->cc = overflow ? 3 : r == 0 ? 0 : r < 0 ? 1 : 2;
	fixed_overflow(c, overflow);
	return NEXT(d, 4);
}

/* Registers R1 through R3 wrap from 15 to 0: as many as there are, in at most two runs of
 * consecutive registers, R1..15 and then 0..R3. first is the length of the first run. */
static inline unsigned multiple_count(const struct dinsn *d)
{
	return ((d->r2 - d->r1) & 15u) + 1;
}

/* How many of the n registers from r1 come before the wrap from 15 to 0. */
static inline unsigned multiple_first(unsigned r1, unsigned n)
{
	return n < 16 - r1 ? n : 16 - r1;
}
/* n (0..16) consecutive registers to or from big-endian words: one jump into a straight run of
 * moves, no test per register. */
static inline void words_to_storage(uint8_t *out, const uint32_t *gr, unsigned n)
{
	switch (n) {
	case 16:
		put_be32(out + 60, gr[15]);
		__attribute__((fallthrough));
	case 15:
		put_be32(out + 56, gr[14]);
		__attribute__((fallthrough));
	case 14:
		put_be32(out + 52, gr[13]);
		__attribute__((fallthrough));
	case 13:
		put_be32(out + 48, gr[12]);
		__attribute__((fallthrough));
	case 12:
		put_be32(out + 44, gr[11]);
		__attribute__((fallthrough));
	case 11:
		put_be32(out + 40, gr[10]);
		__attribute__((fallthrough));
	case 10:
		put_be32(out + 36, gr[9]);
		__attribute__((fallthrough));
	case 9:
		put_be32(out + 32, gr[8]);
		__attribute__((fallthrough));
	case 8:
		put_be32(out + 28, gr[7]);
		__attribute__((fallthrough));
	case 7:
		put_be32(out + 24, gr[6]);
		__attribute__((fallthrough));
	case 6:
		put_be32(out + 20, gr[5]);
		__attribute__((fallthrough));
	case 5:
		put_be32(out + 16, gr[4]);
		__attribute__((fallthrough));
	case 4:
		put_be32(out + 12, gr[3]);
		__attribute__((fallthrough));
	case 3:
		put_be32(out + 8, gr[2]);
		__attribute__((fallthrough));
	case 2:
		put_be32(out + 4, gr[1]);
		__attribute__((fallthrough));
	case 1:
		put_be32(out + 0, gr[0]);
		__attribute__((fallthrough));
	case 0:
		break;
	}
}

static inline void words_from_storage(uint32_t *gr, const uint8_t *in, unsigned n)
{
	switch (n) {
	case 16:
		gr[15] = be32(in + 60);
		__attribute__((fallthrough));
	case 15:
		gr[14] = be32(in + 56);
		__attribute__((fallthrough));
	case 14:
		gr[13] = be32(in + 52);
		__attribute__((fallthrough));
	case 13:
		gr[12] = be32(in + 48);
		__attribute__((fallthrough));
	case 12:
		gr[11] = be32(in + 44);
		__attribute__((fallthrough));
	case 11:
		gr[10] = be32(in + 40);
		__attribute__((fallthrough));
	case 10:
		gr[9] = be32(in + 36);
		__attribute__((fallthrough));
	case 9:
		gr[8] = be32(in + 32);
		__attribute__((fallthrough));
	case 8:
		gr[7] = be32(in + 28);
		__attribute__((fallthrough));
	case 7:
		gr[6] = be32(in + 24);
		__attribute__((fallthrough));
	case 6:
		gr[5] = be32(in + 20);
		__attribute__((fallthrough));
	case 5:
		gr[4] = be32(in + 16);
		__attribute__((fallthrough));
	case 4:
		gr[3] = be32(in + 12);
		__attribute__((fallthrough));
	case 3:
		gr[2] = be32(in + 8);
		__attribute__((fallthrough));
	case 2:
		gr[1] = be32(in + 4);
		__attribute__((fallthrough));
	case 1:
		gr[0] = be32(in + 0);
		__attribute__((fallthrough));
	case 0:
		break;
	}
}

/* The slow halves of STM and LM, apart so that the fast paths need no stack: the operand (n words
 * at addr) crosses into a block that is not cached or not next to it in host storage. */
static __attribute__((noinline)) const struct dinsn *stm_slow(struct cpu *c, const struct dinsn *d,
							     uint32_t addr, unsigned n)
{
	unsigned first = multiple_first(d->r1, n);
	uint8_t buf[64];
	words_to_storage(buf, &c->gr[d->r1], first);
	words_to_storage(buf + 4 * first, &c->gr[0], n - first);
	mem_store_bytes(c, addr, buf, 4 * n);
	return NEXT(d, 4);
}

static __attribute__((noinline)) const struct dinsn *lm_slow(struct cpu *c, const struct dinsn *d,
							    uint32_t addr, unsigned n)
{
	unsigned first = multiple_first(d->r1, n);
	uint8_t buf[64];
	mem_fetch_bytes(c, addr, buf, 4 * n);
	words_from_storage(&c->gr[d->r1], buf, first);
	words_from_storage(&c->gr[0], buf + 4 * first, n - first);
	return NEXT(d, 4);
}

/* STM R1,R3,D2(B2) - Store Multiple [RS]: R1 through R3, wrapping from 15 to 0. Across a 2K
 * boundary every byte is checked before the first store. */
const struct dinsn *op_stm(struct cpu *c, const struct dinsn *d)
{
	unsigned n = multiple_count(d);
	uint32_t addr = dea_s2(c, d);
	uint8_t *p = tlb_span(c, c->tlb_store, addr, 4 * n);
	if (unlikely(!p))
		return stm_slow(c, d, addr, n);
	unsigned first = multiple_first(d->r1, n);
	words_to_storage(p, &c->gr[d->r1], first);
	words_to_storage(p + 4 * first, &c->gr[0], n - first);
	return NEXT(d, 4);
}

/* LM R1,R3,D2(B2) - Load Multiple [RS]: R1 through R3, wrapping from 15 to 0. The whole operand is
 * fetched before any register changes (the base may be among the registers loaded). */
const struct dinsn *op_lm(struct cpu *c, const struct dinsn *d)
{
	unsigned n = multiple_count(d);
	uint32_t addr = dea_s2(c, d);
	const uint8_t *p = tlb_span(c, c->tlb_fetch, addr, 4 * n);
	if (unlikely(!p))
		return lm_slow(c, d, addr, n);
	unsigned first = multiple_first(d->r1, n);
	words_from_storage(&c->gr[d->r1], p, first);
	words_from_storage(&c->gr[0], p + 4 * first, n - first);
	return NEXT(d, 4);
}

/* CS R1,R3,D2(B2) - Compare and Swap [RS]: fullword operand. Equal: R3 is stored, CC 0; unequal:
 * the operand is loaded into R1, CC 1. The operand is accessed for store either way (as Hercules
 * does), so a protected operand is a protection exception even when the comparison is unequal. */
const struct dinsn *op_cs(struct cpu *c, const struct dinsn *d)
{
	uint32_t addr = dea_s2(c, d);
	require_aligned(c, addr, 4);
	uint8_t *p = mem_store_ptr(c, addr);
	uint32_t v = be32(p);
	unsigned r1 = d->r1;

	if (c->gr[r1] == v) {
		put_be32(p, c->gr[d->r2]);
		c->cc = 0;
	} else {
		c->gr[r1] = v;
		c->cc = 1;
	}
	return NEXT(d, 4);
}

/* CDS R1,R3,D2(B2) - Compare Double and Swap [RS]: R1 and R3 even, doubleword operand. */
const struct dinsn *op_cds(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r3 = d->r2;
	if ((r1 | r3) & 1)
		program_check(c, PIC_SPECIFICATION);
	uint32_t addr = dea_s2(c, d);
	require_aligned(c, addr, 8);
	uint8_t *p = mem_store_ptr(c, addr);
	uint64_t v = be64(p);

	if (pair(c, r1) == v) {
		put_be64(p, pair(c, r3));
		c->cc = 0;
	} else {
		set_pair(c, r1, v);
		c->cc = 1;
	}
	return NEXT(d, 4);
}

/* CLM R1,M3,D2(B2) - Compare Logical Characters under Mask [RS]: the bytes of R1 selected by M3
 * against contiguous storage bytes. Mask 0: CC 0, one byte is still accessed. Across a block
 * boundary bytes are fetched one at a time, stopping at the first inequality (as Hercules). */
const struct dinsn *op_clm(struct cpu *c, const struct dinsn *d)
{
	uint32_t addr = dea_s2(c, d);
	uint8_t reg[4];
	unsigned n = mask_bytes(c->gr[d->r1], d->r2, reg);

	c->cc = 0;
	if (n == 0) {
		(void)vfetch1(c, addr);
	} else if (likely(in_block(addr, n))) {
		const uint8_t *p = mem_fetch_ptr(c, addr);
		for (unsigned i = 0; i < n; i++) {
			if (reg[i] != p[i]) {
				c->cc = reg[i] < p[i] ? 1 : 2;
				break;
			}
		}
	} else {
		for (unsigned i = 0; i < n; i++) {
			uint8_t b = vfetch1(c, (addr + i) & AMASK);
			if (reg[i] != b) {
				c->cc = reg[i] < b ? 1 : 2;
				break;
			}
		}
	}
	return NEXT(d, 4);
}

/* STCM R1,M3,D2(B2) - Store Characters under Mask [RS]: the bytes of R1 selected by M3, stored
 * contiguously. Mask 0 stores nothing and accesses nothing (as Hercules; the POO allows either). */
const struct dinsn *op_stcm(struct cpu *c, const struct dinsn *d)
{
	uint32_t addr = dea_s2(c, d);
	uint8_t reg[4];
	unsigned n = mask_bytes(c->gr[d->r1], d->r2, reg);

	if (n && likely(in_block(addr, n)))
		memcpy(mem_store_ptr(c, addr), reg, n);
	else if (n)
		mem_store_bytes(c, addr, reg, n);
	return NEXT(d, 4);
}

/* ICM R1,M3,D2(B2) - Insert Characters under Mask [RS]: contiguous storage bytes into the bytes of
 * R1 selected by M3. CC 0 all inserted bits zero (or mask 0), 1 leftmost inserted bit one, 2
 * otherwise. Mask 0 still accesses one byte. */
void op_icm(struct cpu *c, const uint8_t *ip)
{
	uint32_t addr = ea_s(c, ip);
	unsigned mask = R3(ip);
	uint32_t *r1 = &c->gr[R1(ip)];

	if (mask == 15) {
		uint32_t v = vfetch4(c, addr);
		*r1 = v;
		c->cc = cc_signed((int32_t)v);
		NEXT_INSN(c, 4);
		return;
	}
	if (mask == 0) {
		(void)vfetch1(c, addr);
		c->cc = 0;
		NEXT_INSN(c, 4);
		return;
	}

	unsigned n = (unsigned)__builtin_popcount(mask);
	uint8_t b[4];
	if (likely(in_block(addr, n)))
		memcpy(b, mem_fetch_ptr(c, addr), n);
	else
		mem_fetch_bytes(c, addr, b, n);

	uint32_t v = *r1, inserted = 0;
	unsigned k = 0;
	for (unsigned i = 0; i < 4; i++) {
		if (mask & (8u >> i)) {
			unsigned shift = 24 - 8 * i;
			v = (v & ~(0xFFu << shift)) | (uint32_t)b[k] << shift;
			inserted = inserted << 8 | b[k];
			k++;
		}
	}
	*r1 = v;
	c->cc = inserted == 0 ? 0 : (b[0] & 0x80) ? 1 : 2;
	NEXT_INSN(c, 4);
}

/* ------------------------------------------------------------------------------------------------
 * Storage-and-immediate instructions (SI, and TS in S form)
 */

/* TM D1(B1),I2 - Test under Mask [SI]: CC 0 selected bits zero (or mask 0), 1 mixed, 3 all one. */
const struct dinsn *op_tm(struct cpu *c, const struct dinsn *d)
{
	uint8_t mask = d->l;
	uint8_t v = vfetch1(c, dea_s1(c, d)) & mask;
	c->cc = v == 0 ? 0 : v == mask ? 3 : 1;
	return NEXT(d, 4);
}

/* MVI D1(B1),I2 - Move Immediate [SI]. */
const struct dinsn *op_mvi(struct cpu *c, const struct dinsn *d)
{
	vstore1(c, dea_s1(c, d), d->l);
	return NEXT(d, 4);
}

/* TS D2(B2) - Test and Set [S]: CC from the leftmost bit, then the byte is set to all ones. */
const struct dinsn *op_ts(struct cpu *c, const struct dinsn *d)
{
	uint8_t *p = mem_store_ptr(c, dea_s2(c, d));
	c->cc = *p >> 7;
	*p = 0xFF;
	return NEXT(d, 4);
}

/* NI D1(B1),I2 - And Immediate [SI]. */
const struct dinsn *op_ni(struct cpu *c, const struct dinsn *d)
{
	uint8_t *p = mem_store_ptr(c, dea_s1(c, d));
	uint8_t r = *p &= d->l;
	c->cc = r != 0;
	return NEXT(d, 4);
}

/* CLI D1(B1),I2 - Compare Logical Immediate [SI]. */
const struct dinsn *op_cli(struct cpu *c, const struct dinsn *d)
{
	c->cc = cc_compare_unsigned(vfetch1(c, dea_s1(c, d)), d->l);
	return NEXT(d, 4);
}

/* OI D1(B1),I2 - Or Immediate [SI]. */
const struct dinsn *op_oi(struct cpu *c, const struct dinsn *d)
{
	uint8_t *p = mem_store_ptr(c, dea_s1(c, d));
	uint8_t r = *p |= d->l;
	c->cc = r != 0;
	return NEXT(d, 4);
}

/* XI D1(B1),I2 - Exclusive Or Immediate [SI]. */
const struct dinsn *op_xi(struct cpu *c, const struct dinsn *d)
{
	uint8_t *p = mem_store_ptr(c, dea_s1(c, d));
	uint8_t r = *p ^= d->l;
	c->cc = r != 0;
	return NEXT(d, 4);
}

/* MC D1(B1),I2 - Monitor Call [SI]: I2 bits 8-11 must be zero; when the class (bits 12-15) is
 * enabled in CR8 bits 16-31, a monitor-event program interruption with the class at real X'95'
 * and the monitor code (the D1(B1) address) at X'9C'. Otherwise nothing happens. */
const struct dinsn *op_mc(struct cpu *c, const struct dinsn *d)
{
	uint8_t i2 = d->l;
	if (i2 & 0xF0)
		program_check(c, PIC_SPECIFICATION);
	unsigned monitor_class = i2 & 15;
	if (c->cr[8] & (0x8000u >> monitor_class)) {
		uint8_t *low = real_ptr(c, 0);
		low[0x94] = 0;
		low[0x95] = (uint8_t)monitor_class;
		put_be32(low + 0x9C, dea_s1(c, d));
		program_check(c, PIC_MONITOR);
	}
	return NEXT(d, 4);
}

/* ------------------------------------------------------------------------------------------------
 * RRE
 */

/* IPM R1 - Insert Program Mask [RRE]: R1 bits 0-1 zero, 2-3 CC, 4-7 program mask, 8-31 unchanged. */
void op_ipm(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r1 = &c->gr[ip[3] >> 4];
	*r1 = (*r1 & 0x00FFFFFFu) | (uint32_t)c->cc << 28 | (uint32_t)c->progmask << 24;
	NEXT_INSN(c, 4);
}
