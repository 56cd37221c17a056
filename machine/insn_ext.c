/*
 * insn_ext.c - the S/370 extension: the ESA/390 problem-state instructions and the later
 * instructions that work on 32-bit registers (s370-instructions.md section 4), accepted in S/370
 * mode when the machine's extension setting is on.
 *
 * Semantics are those of ESA/390 (SA22-7201) and, for the later instructions, those of bits 32-63
 * of a z/Architecture register, which are the whole S/370 register. The S/370 adaptations:
 * addresses are 24 bits and wrap at 16M; an address placed in a register (LARL, BRAS, BRASL,
 * BASSM, and the updated operand addresses of the string and long instructions) has bits 0-7
 * zero; there is no 31-bit mode, so BSM and BASSM ignore the mode bit and TAM reports 24-bit mode.
 *
 * Interruptible instructions (MVST, CLST, SRST, CUSE, TRE, MVCLE, CLCLE, CKSM) do a bounded,
 * CPU-determined amount of work per execution and end with condition code 3 and the registers
 * updated when work is left; programs branch back on CC 3, as the Principles of Operation tell
 * them to.
 *
 * Handlers follow cpu.h's contract: c->ia is the instruction's address on entry; set it to the next
 * instruction or the branch target before returning.
 */
#include <string.h>

#include "machine/decimal.h"
#include "machine/insn_table.h"

/* Most bytes one execution of an interruptible instruction processes: STRING_UNIT for the
 * string instructions (MVST, CLST, SRST, CUSE, TRE), LONG_UNIT for MVCLE, CLCLE and CKSM. A
 * string instruction also stops at the end of a 2K block. */
#define STRING_UNIT 256u
#define LONG_UNIT 4096u

/* ------------------------------------------------------------------------------------------------
 * Operand decoding for the extension formats (see s370-instructions.md 1.2).
 */

/* RI, RSI, RIE: the signed 16-bit immediate in bytes 2-3. */
static inline int32_t imm16(const uint8_t *ip)
{
	return (int16_t)be16(ip + 2);
}

/* RIL: the 32-bit immediate in bytes 2-5. */
static inline uint32_t imm32(const uint8_t *ip)
{
	return be32(ip + 2);
}

/* RRE and RRF: R1 and R2 in byte 3; R3 or M3 in the high half of byte 2. */
#define RRE_R1(ip) ((ip)[3] >> 4)
#define RRE_R2(ip) ((ip)[3] & 15)
#define RRF_R3(ip) ((ip)[2] >> 4)

/* RSY and SIY: D2(B2) with the signed 20-bit displacement DH2:DL2 and no index. */
static inline uint32_t ea_rsy(const struct cpu *c, const uint8_t *ip)
{
	unsigned b = ip[2] >> 4;
	int32_t d = (int32_t)((((uint32_t)ip[4] << 12) | ((ip[2] & 15u) << 8) | ip[3]) << 12) >> 12;
	return ((uint32_t)d + (b ? c->gr[b] : 0)) & AMASK;
}

/* The address i halfwords away from this instruction: relative branch targets and
 * relative-long operands. i is the signed immediate as an unsigned 32-bit value. */
static inline uint32_t rel_addr(const struct cpu *c, uint32_t i)
{
	return (insn_addr(c) + (i << 1)) & AMASK;
}

/* Does the 4-bit mask m (8 = CC 0, 4 = CC 1, 2 = CC 2, 1 = CC 3) select condition code cc? */
static inline bool mask_selects(unsigned m, unsigned cc)
{
	return (m >> (3 - cc)) & 1;
}

static inline void require_word_aligned(struct cpu *c, uint32_t addr)
{
	if (addr & 3)
		program_check(c, PIC_SPECIFICATION);
}

/* Bytes from va to the end of its 2K block. */
static inline uint32_t block_left(uint32_t va)
{
	return BLOCK_SIZE - (va & BLOCK_MASK);
}

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* ------------------------------------------------------------------------------------------------
 * Condition codes and arithmetic particular to these instructions.
 */

/* Test under mask on 16 bits: 0 selected bits all zero (or mask zero), 1 mixed with the leftmost
 * selected bit zero, 2 mixed with it one, 3 selected bits all one. */
static uint8_t cc_test_mask(uint16_t v, uint16_t m)
{
	uint16_t sel = v & m;
	if (sel == 0)
		return 0;
	if (sel == m)
		return 3;
	unsigned leftmost = 1u << (31 - __builtin_clz(m));
	return (v & leftmost) ? 2 : 1;
}

/* a + b + carry as 32-bit unsigned: CC bit value 2 carry out, 1 nonzero result. Subtraction with
 * borrow is a + ~b + carry, where the carry in is 1 when there was no borrow. */
static inline uint8_t add_logical_carry(uint32_t a, uint32_t b, unsigned carry, uint32_t *res)
{
	uint64_t sum = (uint64_t)a + b + carry;
	*res = (uint32_t)sum;
	return (uint8_t)((sum >> 32 ? 2 : 0) | (*res != 0));
}

/* The carry that ALC and SLB take from the condition code: CC 2 or 3. */
static inline unsigned cc_carry(const struct cpu *c)
{
	return c->cc >> 1;
}

static inline uint8_t cc_nonzero(uint32_t v)
{
	return v != 0;
}

/* Shift left single arithmetic (SLA) of the 31 numeric bits of v by n (0-63): overflow when a
 * bit unlike the sign bit is shifted out of bit position 1. */
static uint32_t shift_left_arith(uint32_t v, unsigned n, bool *overflow)
{
	uint32_t sign = v & 0x80000000u;
	*overflow = false;
	for (unsigned i = 0; i < n; i++) {
		v <<= 1;
		if ((v & 0x80000000u) != sign)
			*overflow = true;
	}
	return (v & 0x7FFFFFFFu) | sign;
}

/* ------------------------------------------------------------------------------------------------
 * Shared bodies.
 */

/* R1 = R1 + op2 (signed), CC and fixed-point overflow. */
static inline void add_to(struct cpu *c, unsigned r1, uint32_t op2, int len)
{
	bool overflow;
	c->cc = add_signed(c->gr[r1], op2, &c->gr[r1], &overflow);
	NEXT_INSN(c, len);
	fixed_overflow(c, overflow);
}

static inline void sub_from(struct cpu *c, unsigned r1, uint32_t op2, int len)
{
	bool overflow;
	c->cc = sub_signed(c->gr[r1], op2, &c->gr[r1], &overflow);
	NEXT_INSN(c, len);
	fixed_overflow(c, overflow);
}

/* R1 (even), R1+1 = 64-bit unsigned product of R1+1 and op2. The caller has checked R1. */
static inline void multiply_logical(struct cpu *c, unsigned r1, uint32_t op2)
{
	uint64_t p = (uint64_t)c->gr[r1 + 1] * op2;
	c->gr[r1] = (uint32_t)(p >> 32);
	c->gr[r1 + 1] = (uint32_t)p;
}

/* R1 (even), R1+1 as a 64-bit unsigned dividend divided by op2: remainder to R1, quotient to
 * R1+1. A zero divisor or a quotient wider than 32 bits is a fixed-point-divide exception, and
 * the instruction is suppressed. */
static inline void divide_logical(struct cpu *c, unsigned r1, uint32_t op2)
{
	uint64_t dividend = (uint64_t)c->gr[r1] << 32 | c->gr[r1 + 1];
	if (op2 == 0)
		program_check(c, PIC_FIXED_DIVIDE);
	uint64_t q = dividend / op2;
	if (q > 0xFFFFFFFFu)
		program_check(c, PIC_FIXED_DIVIDE);
	c->gr[r1] = (uint32_t)(dividend % op2);
	c->gr[r1 + 1] = (uint32_t)q;
}

/* Compare and trap: a data exception with data-exception code X'FF'. S/370 has no DXC field;
 * as Hercules does, the code is stored where ESA/390 keeps it, the word at real X'90' (the DXC
 * in byte X'93'). The instruction is suppressed. */
static noreturn void compare_trap(struct cpu *c)
{
	put_be32(real_ptr(c, 0x90), 0x000000FFu);
	program_check(c, PIC_DATA);
}

/* ================================================================================================
 * 4A. ESA/390 problem-state instructions
 */

/* TAM - Test Addressing Mode [E]. S/370 runs in the 24-bit mode: CC 0. */
void op_tam(struct cpu *c, const uint8_t *ip)
{
	c->cc = 0;
	NEXT_INSN(c, 2);
}

/* SAM24 - Set Addressing Mode (24) [E]. The 24-bit mode is the only one: no operation. */
void op_sam24(struct cpu *c, const uint8_t *ip)
{
	NEXT_INSN(c, 2);
}

/* BSM R1,R2 - Branch and Set Mode [RR]. The addressing mode (always 24-bit: zero) goes into bit 0
 * of R1 when R1 is not 0; the branch is to R2 when R2 is not 0, and its mode bit is ignored. */
void op_bsm(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = R1(ip), r2 = R2(ip);
	uint32_t target = c->gr[r2] & AMASK;
	if (r1)
		c->gr[r1] &= 0x7FFFFFFFu;
	if (r2)
		c->ia = target;
	else
		NEXT_INSN(c, 2);
}

/* BASSM R1,R2 - Branch and Save and Set Mode [RR]. R1 receives the 24-bit return address (bit 0,
 * the mode bit, zero); the branch is to R2 when R2 is not 0, its mode bit ignored. */
void op_bassm(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = R1(ip), r2 = R2(ip);
	uint32_t target = c->gr[r2] & AMASK;
	c->gr[r1] = (c->ia + 2) & AMASK;
	if (r2)
		c->ia = target;
	else
		NEXT_INSN(c, 2);
}

/* MS R1,D2(X2,B2) - Multiply Single [RX]: the low 32 bits of the product, no overflow. */
const struct dinsn *op_ms(struct cpu *c, const struct dinsn *d)
{
	uint32_t op2 = vfetch4(c, dea_rx(c, d));
	c->gr[d->r1] *= op2;
	return NEXT(d, 4);
}

/* BRXH/BRXLE body: R1 += R3; compare with R3 (odd) or R3+1 (R3 even), fetched before R1
 * changes; branch relative when high (resp. low or equal). */
static void branch_relative_index(struct cpu *c, const uint8_t *ip, bool high)
{
	unsigned r1 = R1(ip), r3 = R3(ip);
	int32_t limit = (int32_t)c->gr[r3 | 1];
	int32_t sum = (int32_t)(c->gr[r1] + c->gr[r3]);
	c->gr[r1] = (uint32_t)sum;
	if (high ? sum > limit : sum <= limit)
		c->ia = rel_addr(c, (uint32_t)imm16(ip));
	else
		NEXT_INSN(c, 4);
}

/* BRXH R1,R3,RI2 - Branch Relative on Index High [RSI]. */
void op_brxh(struct cpu *c, const uint8_t *ip)
{
	branch_relative_index(c, ip, true);
}

/* BRXLE R1,R3,RI2 - Branch Relative on Index Low or Equal [RSI]. */
void op_brxle(struct cpu *c, const uint8_t *ip)
{
	branch_relative_index(c, ip, false);
}

/* TMLH R1,I2 - Test under Mask (low high) [RI]: I2 against bits 0-15 of R1. */
void op_tmlh(struct cpu *c, const uint8_t *ip)
{
	c->cc = cc_test_mask((uint16_t)(c->gr[R1(ip)] >> 16), be16(ip + 2));
	NEXT_INSN(c, 4);
}

/* TMLL R1,I2 - Test under Mask (low low) [RI]: I2 against bits 16-31 of R1. */
void op_tmll(struct cpu *c, const uint8_t *ip)
{
	c->cc = cc_test_mask((uint16_t)c->gr[R1(ip)], be16(ip + 2));
	NEXT_INSN(c, 4);
}

/* BRC M1,RI2 - Branch Relative on Condition [RI]. */
const struct dinsn *op_brc(struct cpu *c, const struct dinsn *d)
{
	if (mask_selects(d->r1, c->cc))
		return branch_to(c, drel(c, d, d->i2));
	return NEXT(d, 4);
}

/* BRAS R1,RI2 - Branch Relative and Save [RI]: R1 = 24-bit address of the next instruction. */
const struct dinsn *op_bras(struct cpu *c, const struct dinsn *d)
{
	uint32_t target = drel(c, d, d->i2);
	c->gr[d->r1] = (d->ia + 4) & AMASK;
	return branch_to(c, target);
}

/* BRCT R1,RI2 - Branch Relative on Count [RI]: R1 -= 1, branch when not zero. */
const struct dinsn *op_brct(struct cpu *c, const struct dinsn *d)
{
	if (--c->gr[d->r1])
		return branch_to(c, drel(c, d, d->i2));
	return NEXT(d, 4);
}

/* LHI R1,I2 - Load Halfword Immediate [RI]. */
const struct dinsn *op_lhi(struct cpu *c, const struct dinsn *d)
{
	c->gr[d->r1] = (uint32_t)d->i2;
	return NEXT(d, 4);
}

/* AHI R1,I2 - Add Halfword Immediate [RI]. */
const struct dinsn *op_ahi(struct cpu *c, const struct dinsn *d)
{
	bool overflow;
	c->cc = add_signed(c->gr[d->r1], (uint32_t)d->i2, &c->gr[d->r1], &overflow);
	fixed_overflow(c, overflow);
	return NEXT(d, 4);
}

/* MHI R1,I2 - Multiply Halfword Immediate [RI]: low 32 bits, no overflow. */
const struct dinsn *op_mhi(struct cpu *c, const struct dinsn *d)
{
	c->gr[d->r1] *= (uint32_t)d->i2;
	return NEXT(d, 4);
}

/* CHI R1,I2 - Compare Halfword Immediate [RI]. */
const struct dinsn *op_chi(struct cpu *c, const struct dinsn *d)
{
	c->cc = cc_compare_signed((int32_t)c->gr[d->r1], d->i2);
	return NEXT(d, 4);
}

/* The operands of MVCLE and CLCLE: address in R1/R3 (24 bits), 32-bit length in R1+1/R3+1. */
struct long_operand {
	uint32_t addr;
	uint32_t len;
};

static inline struct long_operand long_operand(const struct cpu *c, unsigned r)
{
	return (struct long_operand){c->gr[r] & AMASK, c->gr[r + 1]};
}

static inline void put_long_operand(struct cpu *c, unsigned r, struct long_operand o)
{
	c->gr[r] = o.addr;
	c->gr[r + 1] = o.len;
}

static inline void advance(struct long_operand *o, uint32_t n)
{
	o->addr = (o->addr + n) & AMASK;
	o->len -= n;
}

/* Move n bytes left to right, one byte at a time when the operands overlap so that a
 * destructive overlap propagates as it does on the machine. */
static void move_left_to_right(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	if (dst <= src || dst >= src + n) {
		memmove(dst, src, n);
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		dst[i] = src[i];
}

/* MVCLE R1,R3,D2(B2) - Move Long Extended [RS]. R1 and R3 even; the pad byte is bits 24-31 of
 * the second-operand address. The CC compares the lengths as they were at the start of this
 * execution (the relation holds across CC 3 re-executions); CC 3 when up to LONG_UNIT bytes were
 * moved and some are left. The registers follow every 2K block moved, so that an access exception
 * part way leaves them at the point reached. */
const struct dinsn *op_mvcle(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r3 = d->r2;
	EVEN_REG(c, r1);
	EVEN_REG(c, r3);
	uint8_t pad = (uint8_t)dea_s2(c, d);
	struct long_operand o1 = long_operand(c, r1), o3 = long_operand(c, r3);
	uint8_t cc = cc_compare_unsigned(o1.len, o3.len);
	uint32_t budget = LONG_UNIT;

	while (o1.len && budget) {
		uint32_t n = min_u32(min_u32(o1.len, budget), block_left(o1.addr));
		uint8_t *dst = mem_store_ptr(c, o1.addr);
		if (o3.len) {
			n = min_u32(min_u32(n, o3.len), block_left(o3.addr));
			move_left_to_right(dst, mem_fetch_ptr(c, o3.addr), n);
			advance(&o3, n);
		} else {
			memset(dst, pad, n);
		}
		advance(&o1, n);
		budget -= n;
		put_long_operand(c, r1, o1);
		put_long_operand(c, r3, o3);
	}
	put_long_operand(c, r1, o1);
	put_long_operand(c, r3, o3);
	c->cc = o1.len ? 3 : cc;
	return NEXT(d, 4);
}

/* CLCLE R1,R3,D2(B2) - Compare Logical Long Extended [RS]. The shorter operand is extended with
 * the pad byte (bits 24-31 of the second-operand address). At the first unequal byte the
 * registers point at it (CC 1 or 2); when equal they end past both operands (CC 0); CC 3 when up
 * to LONG_UNIT bytes compared equal and some are left. */
const struct dinsn *op_clcle(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r3 = d->r2;
	EVEN_REG(c, r1);
	EVEN_REG(c, r3);
	uint8_t pad = (uint8_t)dea_s2(c, d);
	struct long_operand o1 = long_operand(c, r1), o3 = long_operand(c, r3);
	uint32_t budget = LONG_UNIT;
	uint8_t cc = 0;

	while ((o1.len || o3.len) && budget) {
		uint32_t n = budget;
		const uint8_t *p1 = NULL, *p3 = NULL;
		if (o1.len) {
			n = min_u32(n, min_u32(o1.len, block_left(o1.addr)));
			p1 = mem_fetch_ptr(c, o1.addr);
		}
		if (o3.len) {
			n = min_u32(n, min_u32(o3.len, block_left(o3.addr)));
			p3 = mem_fetch_ptr(c, o3.addr);
		}
		uint32_t i;
		for (i = 0; i < n; i++) {
			uint8_t b1 = p1 ? p1[i] : pad, b3 = p3 ? p3[i] : pad;
			if (b1 != b3) {
				cc = b1 < b3 ? 1 : 2;
				break;
			}
		}
		if (o1.len)
			advance(&o1, i);
		if (o3.len)
			advance(&o3, i);
		if (cc)
			break;
		budget -= n;
	}
	put_long_operand(c, r1, o1);
	put_long_operand(c, r3, o3);
	c->cc = cc ? cc : (o1.len || o3.len) ? 3 : 0;
	return NEXT(d, 4);
}

/* CKSM R1,R2 - Checksum [RRE]. R2 even: address and length of the second operand, added word by
 * word (a short last word padded on the right with zeros) into R1 with end-around carry. CC 0
 * when done, CC 3 after LONG_UNIT bytes with some left. The registers change only at the end, so
 * an access exception leaves them as they were. */
void op_cksm(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = RRE_R1(ip), r2 = RRE_R2(ip);
	EVEN_REG(c, r2);
	struct long_operand o2 = long_operand(c, r2);
	uint32_t sum = c->gr[r1];
	uint32_t budget = LONG_UNIT;

	while (o2.len && budget) {
		uint32_t w, n;
		if (o2.len >= 4) {
			w = vfetch4(c, o2.addr);
			n = 4;
		} else {
			uint8_t b[4] = {0, 0, 0, 0};
			for (uint32_t i = 0; i < o2.len; i++)
				b[i] = vfetch1(c, (o2.addr + i) & AMASK);
			w = be32(b);
			n = o2.len;
		}
		sum += w;
		if (sum < w)
			sum++;
		advance(&o2, n);
		budget -= 4;
	}
	c->gr[r1] = sum;
	put_long_operand(c, r2, o2);
	c->cc = o2.len ? 3 : 0;
	NEXT_INSN(c, 4);
}

/* MSR R1,R2 - Multiply Single Register [RRE]: the low 32 bits of the product, no overflow. */
void op_msr(struct cpu *c, const uint8_t *ip)
{
	c->gr[RRE_R1(ip)] *= c->gr[RRE_R2(ip)];
	NEXT_INSN(c, 4);
}

/* The ending (or searched-for) character of MVST, CLST and SRST: GR0 bits 24-31, with bits 0-23
 * zero or a specification exception. */
static uint8_t string_char(struct cpu *c)
{
	if (c->gr[0] & 0xFFFFFF00u)
		program_check(c, PIC_SPECIFICATION);
	return (uint8_t)c->gr[0];
}

/* MVST R1,R2 - Move String [RRE]. Moves from R2 to R1 up to and including the ending character:
 * CC 1 with R1 at the ending character in the first operand, R2 unchanged. CC 3 after up to
 * STRING_UNIT bytes (and not past the 2K block of either operand) with R1 and R2 at the next
 * bytes. */
void op_mvst(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = RRE_R1(ip), r2 = RRE_R2(ip);
	uint8_t end = string_char(c);
	uint32_t a1 = c->gr[r1] & AMASK, a2 = c->gr[r2] & AMASK;
	uint32_t n = min_u32(STRING_UNIT, min_u32(block_left(a1), block_left(a2)));
	const uint8_t *src = mem_fetch_ptr(c, a2);
	uint8_t *dst = mem_store_ptr(c, a1);

	for (uint32_t i = 0; i < n; i++) {
		uint8_t b = src[i];
		dst[i] = b;
		if (b == end) {
			c->gr[r1] = (a1 + i) & AMASK;
			c->cc = 1;
			NEXT_INSN(c, 4);
			return;
		}
	}
	c->gr[r1] = (a1 + n) & AMASK;
	c->gr[r2] = (a2 + n) & AMASK;
	c->cc = 3;
	NEXT_INSN(c, 4);
}

/* CUSE R1,R2 - Compare until Substring Equal [RRE]. R1 and R2 even: address and length of each
 * operand; GR0 bits 24-31 the substring length, GR1 bits 24-31 the pad that extends the shorter
 * operand. Compares left to right for that many equal bytes in a row:
 *   CC 0  found (or substring length 0): R1, R2 at its first bytes, lengths from there;
 *   CC 1  operands ended inside a run of equal bytes: R1, R2 at the run, lengths from there;
 *   CC 2  operands ended on unequal bytes (or both lengths were 0): R1, R2 past the operands;
 *   CC 3  STRING_UNIT bytes compared, the last ones unequal: R1, R2 at the next bytes.
 * The registers change only at the end. */
void op_cuse(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = RRE_R1(ip), r2 = RRE_R2(ip);
	EVEN_REG(c, r1);
	EVEN_REG(c, r2);
	uint8_t sublen = (uint8_t)c->gr[0], pad = (uint8_t)c->gr[1];
	struct long_operand o1 = long_operand(c, r1), o2 = long_operand(c, r2);
	struct long_operand run1 = o1, run2 = o2;
	unsigned equal = 0;
	uint32_t compared = 0;

	if (sublen == 0) {
		c->cc = 0;
		NEXT_INSN(c, 4);
		return;
	}
	while (o1.len || o2.len) {
		if (equal == 0 && compared >= STRING_UNIT) {
			put_long_operand(c, r1, o1);
			put_long_operand(c, r2, o2);
			c->cc = 3;
			NEXT_INSN(c, 4);
			return;
		}
		uint8_t b1 = o1.len ? vfetch1(c, o1.addr) : pad;
		uint8_t b2 = o2.len ? vfetch1(c, o2.addr) : pad;
		if (b1 == b2) {
			if (equal == 0) {
				run1 = o1;
				run2 = o2;
			}
			equal++;
		} else {
			equal = 0;
		}
		if (o1.len)
			advance(&o1, 1);
		if (o2.len)
			advance(&o2, 1);
		compared++;
		if (equal == sublen)
			break;
	}
	if (equal) {
		put_long_operand(c, r1, run1);
		put_long_operand(c, r2, run2);
		c->cc = equal == sublen ? 0 : 1;
	} else {
		put_long_operand(c, r1, o1);
		put_long_operand(c, r2, o2);
		c->cc = 2;
	}
	NEXT_INSN(c, 4);
}

/* CLST R1,R2 - Compare Logical String [RRE]. Compares until unequal bytes or the ending
 * character: both at the end, CC 0 with the registers unchanged; otherwise R1 and R2 are left at
 * the bytes that decided, and the operand that ended first, or has the lower byte, is low (CC 1
 * first low, CC 2 first high). CC 3 after up to STRING_UNIT equal bytes (and not past the 2K
 * block of either operand) with R1 and R2 at the next bytes. */
void op_clst(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = RRE_R1(ip), r2 = RRE_R2(ip);
	uint8_t end = string_char(c);
	uint32_t a1 = c->gr[r1] & AMASK, a2 = c->gr[r2] & AMASK;
	uint32_t n = min_u32(STRING_UNIT, min_u32(block_left(a1), block_left(a2)));
	const uint8_t *p1 = mem_fetch_ptr(c, a1), *p2 = mem_fetch_ptr(c, a2);
	uint8_t cc = 3;
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint8_t b1 = p1[i], b2 = p2[i];
		if (b1 == end && b2 == end) {
			c->cc = 0;
			NEXT_INSN(c, 4);
			return;
		}
		if (b1 == end || (b2 != end && b1 < b2)) {
			cc = 1;
			break;
		}
		if (b2 == end || b1 > b2) {
			cc = 2;
			break;
		}
	}
	c->gr[r1] = (a1 + i) & AMASK;
	c->gr[r2] = (a2 + i) & AMASK;
	c->cc = cc;
	NEXT_INSN(c, 4);
}

/* SRST R1,R2 - Search String [RRE]. Searches from R2 up to (not including) the end address in R1
 * for the character in GR0: CC 1 found, R1 = its address, R2 unchanged; CC 2 not found, both
 * unchanged (no storage is accessed when R2 already equals the end); CC 3 after up to STRING_UNIT
 * bytes (and not past a 2K block) with R2 at the next byte. The search wraps at 16M. */
void op_srst(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = RRE_R1(ip), r2 = RRE_R2(ip);
	uint8_t ch = string_char(c);
	uint32_t end = c->gr[r1] & AMASK, a2 = c->gr[r2] & AMASK;

	if (a2 == end) {
		c->cc = 2;
		NEXT_INSN(c, 4);
		return;
	}
	uint32_t n = min_u32(STRING_UNIT, min_u32(block_left(a2), (end - a2) & AMASK));
	const uint8_t *p = mem_fetch_ptr(c, a2);
	const uint8_t *hit = memchr(p, ch, n);
	if (hit) {
		c->gr[r1] = a2 + (uint32_t)(hit - p);
		c->cc = 1;
	} else if (((a2 + n) & AMASK) == end) {
		c->cc = 2;
	} else {
		c->gr[r2] = (a2 + n) & AMASK;
		c->cc = 3;
	}
	NEXT_INSN(c, 4);
}

/* TRE R1,R2 - Translate Extended [RRE]. R1 even: address and length of the first operand; R2 the
 * 256-byte table. Each byte is replaced by its table entry, stopping at a byte equal to the test
 * byte (GR0 bits 24-31), which is left alone: CC 1 with R1, R1+1 at it. CC 0 when all are done;
 * CC 3 after STRING_UNIT bytes with some left. The registers follow every byte, so an access
 * exception part way leaves them at the byte that failed. */
void op_tre(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = RRE_R1(ip), r2 = RRE_R2(ip);
	EVEN_REG(c, r1);
	uint8_t test = (uint8_t)c->gr[0];
	uint32_t table = c->gr[r2] & AMASK;
	struct long_operand o1 = long_operand(c, r1);

	for (uint32_t n = 0; o1.len && n < STRING_UNIT; n++) {
		uint8_t b = vfetch1(c, o1.addr);
		if (b == test) {
			put_long_operand(c, r1, o1);
			c->cc = 1;
			NEXT_INSN(c, 4);
			return;
		}
		vstore1(c, o1.addr, vfetch1(c, (table + b) & AMASK));
		advance(&o1, 1);
		put_long_operand(c, r1, o1);
	}
	put_long_operand(c, r1, o1);
	c->cc = o1.len ? 3 : 0;
	NEXT_INSN(c, 4);
}

/* ================================================================================================
 * 4B. Later instructions on 32-bit registers
 */

/* ---- Extended immediate ---- */

/* IILH R1,I2 - Insert Immediate (low high) [RI]: bits 0-15 of R1. */
void op_iilh(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	*r = (*r & 0x0000FFFFu) | (uint32_t)be16(ip + 2) << 16;
	NEXT_INSN(c, 4);
}

/* IILL R1,I2 - Insert Immediate (low low) [RI]: bits 16-31 of R1. */
void op_iill(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	*r = (*r & 0xFFFF0000u) | be16(ip + 2);
	NEXT_INSN(c, 4);
}

/* NILH R1,I2 - And Immediate (low high) [RI]: CC from the 16 result bits. */
void op_nilh(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	*r &= (uint32_t)be16(ip + 2) << 16 | 0x0000FFFFu;
	c->cc = cc_nonzero(*r >> 16);
	NEXT_INSN(c, 4);
}

/* NILL R1,I2 - And Immediate (low low) [RI]. */
void op_nill(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	*r &= 0xFFFF0000u | be16(ip + 2);
	c->cc = cc_nonzero(*r & 0xFFFFu);
	NEXT_INSN(c, 4);
}

/* OILH R1,I2 - Or Immediate (low high) [RI]. */
void op_oilh(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	*r |= (uint32_t)be16(ip + 2) << 16;
	c->cc = cc_nonzero(*r >> 16);
	NEXT_INSN(c, 4);
}

/* OILL R1,I2 - Or Immediate (low low) [RI]. */
void op_oill(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	*r |= be16(ip + 2);
	c->cc = cc_nonzero(*r & 0xFFFFu);
	NEXT_INSN(c, 4);
}

/* LLILH R1,I2 - Load Logical Immediate (low high) [RI]: I2 in bits 0-15, zeros elsewhere. */
void op_llilh(struct cpu *c, const uint8_t *ip)
{
	c->gr[R1(ip)] = (uint32_t)be16(ip + 2) << 16;
	NEXT_INSN(c, 4);
}

/* LLILL R1,I2 - Load Logical Immediate (low low) [RI]. */
void op_llill(struct cpu *c, const uint8_t *ip)
{
	c->gr[R1(ip)] = be16(ip + 2);
	NEXT_INSN(c, 4);
}

/* XILF R1,I2 - Exclusive Or Immediate (low) [RIL]. */
const struct dinsn *op_xilf(struct cpu *c, const struct dinsn *d)
{
	uint32_t *r = &c->gr[d->r1];
	*r ^= (uint32_t)d->i2;
	c->cc = cc_nonzero(*r);
	return NEXT(d, 6);
}

/* IILF R1,I2 - Insert Immediate (low) [RIL]. */
const struct dinsn *op_iilf(struct cpu *c, const struct dinsn *d)
{
	c->gr[d->r1] = (uint32_t)d->i2;
	return NEXT(d, 6);
}

/* NILF R1,I2 - And Immediate (low) [RIL]. */
const struct dinsn *op_nilf(struct cpu *c, const struct dinsn *d)
{
	uint32_t *r = &c->gr[d->r1];
	*r &= (uint32_t)d->i2;
	c->cc = cc_nonzero(*r);
	return NEXT(d, 6);
}

/* OILF R1,I2 - Or Immediate (low) [RIL]. */
const struct dinsn *op_oilf(struct cpu *c, const struct dinsn *d)
{
	uint32_t *r = &c->gr[d->r1];
	*r |= (uint32_t)d->i2;
	c->cc = cc_nonzero(*r);
	return NEXT(d, 6);
}

/* LLILF R1,I2 - Load Logical Immediate (low) [RIL]. */
const struct dinsn *op_llilf(struct cpu *c, const struct dinsn *d)
{
	c->gr[d->r1] = (uint32_t)d->i2;
	return NEXT(d, 6);
}

/* MSFI R1,I2 - Multiply Single Immediate [RIL]: low 32 bits, no overflow. */
const struct dinsn *op_msfi(struct cpu *c, const struct dinsn *d)
{
	c->gr[d->r1] *= (uint32_t)d->i2;
	return NEXT(d, 6);
}

/* SLFI R1,I2 - Subtract Logical Immediate [RIL]. */
const struct dinsn *op_slfi(struct cpu *c, const struct dinsn *d)
{
	uint32_t *r = &c->gr[d->r1];
	c->cc = sub_logical(*r, (uint32_t)d->i2, r);
	return NEXT(d, 6);
}

/* AFI R1,I2 - Add Immediate [RIL]. */
const struct dinsn *op_afi(struct cpu *c, const struct dinsn *d)
{
	bool overflow;
	c->cc = add_signed(c->gr[d->r1], (uint32_t)d->i2, &c->gr[d->r1], &overflow);
	fixed_overflow(c, overflow);
	return NEXT(d, 6);
}

/* ALFI R1,I2 - Add Logical Immediate [RIL]. */
const struct dinsn *op_alfi(struct cpu *c, const struct dinsn *d)
{
	uint32_t *r = &c->gr[d->r1];
	c->cc = add_logical(*r, (uint32_t)d->i2, r);
	return NEXT(d, 6);
}

/* CFI R1,I2 - Compare Immediate [RIL]. */
const struct dinsn *op_cfi(struct cpu *c, const struct dinsn *d)
{
	c->cc = cc_compare_signed((int32_t)c->gr[d->r1], (int32_t)(uint32_t)d->i2);
	return NEXT(d, 6);
}

/* CLFI R1,I2 - Compare Logical Immediate [RIL]. */
const struct dinsn *op_clfi(struct cpu *c, const struct dinsn *d)
{
	c->cc = cc_compare_unsigned(c->gr[d->r1], (uint32_t)d->i2);
	return NEXT(d, 6);
}

/* ---- Relative long ---- */

/* LARL R1,RI2 - Load Address Relative Long [RIL]: a 24-bit address, bits 0-7 zero. */
const struct dinsn *op_larl(struct cpu *c, const struct dinsn *d)
{
	c->gr[d->r1] = drel(c, d, d->i2);
	return NEXT(d, 6);
}

/* BRCL M1,RI2 - Branch Relative on Condition Long [RIL]. */
const struct dinsn *op_brcl(struct cpu *c, const struct dinsn *d)
{
	if (mask_selects(d->r1, c->cc))
		return branch_to(c, drel(c, d, d->i2));
	return NEXT(d, 6);
}

/* BRASL R1,RI2 - Branch Relative and Save Long [RIL]: R1 = 24-bit address of the next
 * instruction. */
const struct dinsn *op_brasl(struct cpu *c, const struct dinsn *d)
{
	uint32_t target = drel(c, d, d->i2);
	c->gr[d->r1] = (d->ia + 6) & AMASK;
	return branch_to(c, target);
}

/* LLHRL R1,RI2 - Load Logical Halfword Relative Long [RIL]. */
void op_llhrl(struct cpu *c, const uint8_t *ip)
{
	c->gr[R1(ip)] = vfetch2(c, rel_addr(c, imm32(ip)));
	NEXT_INSN(c, 6);
}

/* LHRL R1,RI2 - Load Halfword Relative Long [RIL]. */
void op_lhrl(struct cpu *c, const uint8_t *ip)
{
	c->gr[R1(ip)] = (uint32_t)(int16_t)vfetch2(c, rel_addr(c, imm32(ip)));
	NEXT_INSN(c, 6);
}

/* STHRL R1,RI2 - Store Halfword Relative Long [RIL]. */
void op_sthrl(struct cpu *c, const uint8_t *ip)
{
	vstore2(c, rel_addr(c, imm32(ip)), (uint16_t)c->gr[R1(ip)]);
	NEXT_INSN(c, 6);
}

/* LRL R1,RI2 - Load Relative Long [RIL]. The operand must be on a word boundary. */
void op_lrl(struct cpu *c, const uint8_t *ip)
{
	uint32_t addr = rel_addr(c, imm32(ip));
	require_word_aligned(c, addr);
	c->gr[R1(ip)] = vfetch4(c, addr);
	NEXT_INSN(c, 6);
}

/* STRL R1,RI2 - Store Relative Long [RIL]. The operand must be on a word boundary. */
void op_strl(struct cpu *c, const uint8_t *ip)
{
	uint32_t addr = rel_addr(c, imm32(ip));
	require_word_aligned(c, addr);
	vstore4(c, addr, c->gr[R1(ip)]);
	NEXT_INSN(c, 6);
}

/* EXRL R1,RI2 - Execute Relative Long [RIL]. As EX, with the target at a relative address: bits
 * 8-15 of the target are ORed with bits 24-31 of R1 (R1 not 0) and the target runs in the EXRL's
 * place (the next instruction follows the EXRL; relative operands of the target are from its own
 * address). A target that is EX or EXRL, and EXRL as the target of EX, are execute exceptions.
 * An exception in the target reports the EXRL's length: c->in_ex stays false, so the ILC comes
 * from the EXRL's opcode (3). */
const struct dinsn *op_exrl(struct cpu *c, const struct dinsn *d)
{
	if (c->in_ex)
		program_check(c, PIC_EXECUTE);
	uint32_t target = drel(c, d, d->i2);
	uint8_t t[6];
	unsigned len = (unsigned)insn_fetch_target(c, target, t);
	if (d->r1)
		t[1] |= (uint8_t)c->gr[d->r1];
	if (t[0] == 0x44 || (t[0] == 0xC6 && (t[1] & 15) == 0))
		program_check(c, PIC_EXECUTE);

	/* in_ex stays false for EXRL's target: its exceptions have the EXRL's ILC (3). */
	uint32_t base = (d->ia + 6 - len) & AMASK;
	const struct dinsn *n = execute_target(c, t, base, (int32_t)(target - base), false);
	return n ? n : NEXT(d, 6);
}

/* PFDRL M1,RI2 - Prefetch Data Relative Long [RIL]: a hint; nothing happens, no exceptions. */
void op_pfdrl(struct cpu *c, const uint8_t *ip)
{
	NEXT_INSN(c, 6);
}

/* CHRL R1,RI2 - Compare Halfword Relative Long [RIL]. */
void op_chrl(struct cpu *c, const uint8_t *ip)
{
	int16_t op2 = (int16_t)vfetch2(c, rel_addr(c, imm32(ip)));
	c->cc = cc_compare_signed((int32_t)c->gr[R1(ip)], op2);
	NEXT_INSN(c, 6);
}

/* CLHRL R1,RI2 - Compare Logical Relative Long (halfword) [RIL]: the halfword zero-extended. */
void op_clhrl(struct cpu *c, const uint8_t *ip)
{
	uint16_t op2 = vfetch2(c, rel_addr(c, imm32(ip)));
	c->cc = cc_compare_unsigned(c->gr[R1(ip)], op2);
	NEXT_INSN(c, 6);
}

/* CRL R1,RI2 - Compare Relative Long [RIL]. The operand must be on a word boundary. */
void op_crl(struct cpu *c, const uint8_t *ip)
{
	uint32_t addr = rel_addr(c, imm32(ip));
	require_word_aligned(c, addr);
	c->cc = cc_compare_signed((int32_t)c->gr[R1(ip)], (int32_t)vfetch4(c, addr));
	NEXT_INSN(c, 6);
}

/* CLRL R1,RI2 - Compare Logical Relative Long [RIL]. The operand must be on a word boundary. */
void op_clrl(struct cpu *c, const uint8_t *ip)
{
	uint32_t addr = rel_addr(c, imm32(ip));
	require_word_aligned(c, addr);
	c->cc = cc_compare_unsigned(c->gr[R1(ip)], vfetch4(c, addr));
	NEXT_INSN(c, 6);
}

/* ---- Register forms ---- */

/* LRVR R1,R2 - Load Reversed Register [RRE]. */
void op_lrvr(struct cpu *c, const uint8_t *ip)
{
	c->gr[RRE_R1(ip)] = __builtin_bswap32(c->gr[RRE_R2(ip)]);
	NEXT_INSN(c, 4);
}

/* LBR R1,R2 - Load Byte Register [RRE]: bits 24-31 of R2 sign-extended. */
void op_lbr(struct cpu *c, const uint8_t *ip)
{
	c->gr[RRE_R1(ip)] = (uint32_t)(int8_t)c->gr[RRE_R2(ip)];
	NEXT_INSN(c, 4);
}

/* LHR R1,R2 - Load Halfword Register [RRE]: bits 16-31 of R2 sign-extended. */
void op_lhr(struct cpu *c, const uint8_t *ip)
{
	c->gr[RRE_R1(ip)] = (uint32_t)(int16_t)c->gr[RRE_R2(ip)];
	NEXT_INSN(c, 4);
}

/* CRT R1,R2,M3 - Compare and Trap Register [RRF]: trap when M3 selects the comparison result.
 * The condition code is unchanged. */
void op_crt(struct cpu *c, const uint8_t *ip)
{
	uint8_t cmp = cc_compare_signed((int32_t)c->gr[RRE_R1(ip)], (int32_t)c->gr[RRE_R2(ip)]);
	if (mask_selects(RRF_R3(ip), cmp))
		compare_trap(c);
	NEXT_INSN(c, 4);
}

/* CLRT R1,R2,M3 - Compare Logical and Trap Register [RRF]. */
void op_clrt(struct cpu *c, const uint8_t *ip)
{
	uint8_t cmp = cc_compare_unsigned(c->gr[RRE_R1(ip)], c->gr[RRE_R2(ip)]);
	if (mask_selects(RRF_R3(ip), cmp))
		compare_trap(c);
	NEXT_INSN(c, 4);
}

/* LLCR R1,R2 - Load Logical Character Register [RRE]. */
void op_llcr(struct cpu *c, const uint8_t *ip)
{
	c->gr[RRE_R1(ip)] = c->gr[RRE_R2(ip)] & 0xFFu;
	NEXT_INSN(c, 4);
}

/* LLHR R1,R2 - Load Logical Halfword Register [RRE]. */
void op_llhr(struct cpu *c, const uint8_t *ip)
{
	c->gr[RRE_R1(ip)] = c->gr[RRE_R2(ip)] & 0xFFFFu;
	NEXT_INSN(c, 4);
}

/* MLR R1,R2 - Multiply Logical Register [RRE]: R1 even; R1,R1+1 = R1+1 * R2, unsigned. */
void op_mlr(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = RRE_R1(ip);
	EVEN_REG(c, r1);
	multiply_logical(c, r1, c->gr[RRE_R2(ip)]);
	NEXT_INSN(c, 4);
}

/* DLR R1,R2 - Divide Logical Register [RRE]: R1 even; R1,R1+1 / R2, unsigned. */
void op_dlr(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = RRE_R1(ip);
	EVEN_REG(c, r1);
	divide_logical(c, r1, c->gr[RRE_R2(ip)]);
	NEXT_INSN(c, 4);
}

/* ALCR R1,R2 - Add Logical with Carry Register [RRE]: the carry is CC bit 0 (CC 2 or 3). */
void op_alcr(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[RRE_R1(ip)];
	c->cc = add_logical_carry(*r, c->gr[RRE_R2(ip)], cc_carry(c), r);
	NEXT_INSN(c, 4);
}

/* SLBR R1,R2 - Subtract Logical with Borrow Register [RRE]: a borrow is CC 0 or 1. */
void op_slbr(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[RRE_R1(ip)];
	c->cc = add_logical_carry(*r, ~c->gr[RRE_R2(ip)], cc_carry(c), r);
	NEXT_INSN(c, 4);
}

/* LOCR R1,R2,M3 - Load on Condition Register [RRF]. */
void op_locr(struct cpu *c, const uint8_t *ip)
{
	if (mask_selects(RRF_R3(ip), c->cc))
		c->gr[RRE_R1(ip)] = c->gr[RRE_R2(ip)];
	NEXT_INSN(c, 4);
}

/* NRK R1,R2,R3 - And (distinct operands) [RRF]. */
void op_nrk(struct cpu *c, const uint8_t *ip)
{
	uint32_t v = c->gr[RRE_R2(ip)] & c->gr[RRF_R3(ip)];
	c->gr[RRE_R1(ip)] = v;
	c->cc = cc_nonzero(v);
	NEXT_INSN(c, 4);
}

/* ORK R1,R2,R3 - Or (distinct operands) [RRF]. */
void op_ork(struct cpu *c, const uint8_t *ip)
{
	uint32_t v = c->gr[RRE_R2(ip)] | c->gr[RRF_R3(ip)];
	c->gr[RRE_R1(ip)] = v;
	c->cc = cc_nonzero(v);
	NEXT_INSN(c, 4);
}

/* XRK R1,R2,R3 - Exclusive Or (distinct operands) [RRF]. */
void op_xrk(struct cpu *c, const uint8_t *ip)
{
	uint32_t v = c->gr[RRE_R2(ip)] ^ c->gr[RRF_R3(ip)];
	c->gr[RRE_R1(ip)] = v;
	c->cc = cc_nonzero(v);
	NEXT_INSN(c, 4);
}

/* ARK R1,R2,R3 - Add (distinct operands) [RRF]. */
void op_ark(struct cpu *c, const uint8_t *ip)
{
	bool overflow;
	c->cc = add_signed(c->gr[RRE_R2(ip)], c->gr[RRF_R3(ip)], &c->gr[RRE_R1(ip)], &overflow);
	NEXT_INSN(c, 4);
	fixed_overflow(c, overflow);
}

/* SRK R1,R2,R3 - Subtract (distinct operands) [RRF]: R1 = R2 - R3. */
void op_srk(struct cpu *c, const uint8_t *ip)
{
	bool overflow;
	c->cc = sub_signed(c->gr[RRE_R2(ip)], c->gr[RRF_R3(ip)], &c->gr[RRE_R1(ip)], &overflow);
	NEXT_INSN(c, 4);
	fixed_overflow(c, overflow);
}

/* ALRK R1,R2,R3 - Add Logical (distinct operands) [RRF]. */
void op_alrk(struct cpu *c, const uint8_t *ip)
{
	c->cc = add_logical(c->gr[RRE_R2(ip)], c->gr[RRF_R3(ip)], &c->gr[RRE_R1(ip)]);
	NEXT_INSN(c, 4);
}

/* SLRK R1,R2,R3 - Subtract Logical (distinct operands) [RRF]: R1 = R2 - R3. */
void op_slrk(struct cpu *c, const uint8_t *ip)
{
	c->cc = sub_logical(c->gr[RRE_R2(ip)], c->gr[RRF_R3(ip)], &c->gr[RRE_R1(ip)]);
	NEXT_INSN(c, 4);
}

/* ---- Storage forms with a long displacement (RXY) ---- */

/* LT R1,D2(X2,B2) - Load and Test [RXY]. */
void op_lt(struct cpu *c, const uint8_t *ip)
{
	uint32_t v = vfetch4(c, ea_rxy(c, ip));
	c->gr[R1(ip)] = v;
	c->cc = cc_signed((int32_t)v);
	NEXT_INSN(c, 6);
}

/* CVBY R1,D2(X2,B2) - Convert to Binary [RXY]. As CVB: an invalid field is a data exception; a
 * value outside the 32-bit range completes with its rightmost 32 bits in R1 and then a
 * fixed-point-divide exception. */
void op_cvby(struct cpu *c, const uint8_t *ip)
{
	int64_t v;
	if (!dec_to_binary(vfetch8(c, ea_rxy(c, ip)), &v))
		program_check(c, PIC_DATA);
	c->gr[R1(ip)] = (uint32_t)v;
	NEXT_INSN(c, 6);
	if (v < INT32_MIN || v > INT32_MAX)
		program_check(c, PIC_FIXED_DIVIDE);
}

/* CVDY R1,D2(X2,B2) - Convert to Decimal [RXY]: eight bytes, sign C or D. */
void op_cvdy(struct cpu *c, const uint8_t *ip)
{
	vstore8(c, ea_rxy(c, ip), dec_from_binary((int32_t)c->gr[R1(ip)]));
	NEXT_INSN(c, 6);
}

/* LRV R1,D2(X2,B2) - Load Reversed [RXY]. */
void op_lrv(struct cpu *c, const uint8_t *ip)
{
	c->gr[R1(ip)] = __builtin_bswap32(vfetch4(c, ea_rxy(c, ip)));
	NEXT_INSN(c, 6);
}

/* LRVH R1,D2(X2,B2) - Load Reversed (halfword) [RXY]: into bits 16-31; bits 0-15 unchanged. */
void op_lrvh(struct cpu *c, const uint8_t *ip)
{
	uint16_t v = __builtin_bswap16(vfetch2(c, ea_rxy(c, ip)));
	uint32_t *r = &c->gr[R1(ip)];
	*r = (*r & 0xFFFF0000u) | v;
	NEXT_INSN(c, 6);
}

/* PFD M1,D2(X2,B2) - Prefetch Data [RXY]: a hint; nothing happens, no exceptions. */
void op_pfd(struct cpu *c, const uint8_t *ip)
{
	NEXT_INSN(c, 6);
}

/* STRV R1,D2(X2,B2) - Store Reversed [RXY]. */
void op_strv(struct cpu *c, const uint8_t *ip)
{
	vstore4(c, ea_rxy(c, ip), __builtin_bswap32(c->gr[R1(ip)]));
	NEXT_INSN(c, 6);
}

/* STRVH R1,D2(X2,B2) - Store Reversed (halfword) [RXY]: bits 16-31 of R1. */
void op_strvh(struct cpu *c, const uint8_t *ip)
{
	vstore2(c, ea_rxy(c, ip), __builtin_bswap16((uint16_t)c->gr[R1(ip)]));
	NEXT_INSN(c, 6);
}

/* STY R1,D2(X2,B2) - Store [RXY]. */
void op_sty(struct cpu *c, const uint8_t *ip)
{
	vstore4(c, ea_rxy(c, ip), c->gr[R1(ip)]);
	NEXT_INSN(c, 6);
}

/* MSY R1,D2(X2,B2) - Multiply Single [RXY]. */
void op_msy(struct cpu *c, const uint8_t *ip)
{
	uint32_t op2 = vfetch4(c, ea_rxy(c, ip));
	c->gr[R1(ip)] *= op2;
	NEXT_INSN(c, 6);
}

/* NY R1,D2(X2,B2) - And [RXY]. */
void op_ny(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	*r &= vfetch4(c, ea_rxy(c, ip));
	c->cc = cc_nonzero(*r);
	NEXT_INSN(c, 6);
}

/* CLY R1,D2(X2,B2) - Compare Logical [RXY]. */
void op_cly(struct cpu *c, const uint8_t *ip)
{
	c->cc = cc_compare_unsigned(c->gr[R1(ip)], vfetch4(c, ea_rxy(c, ip)));
	NEXT_INSN(c, 6);
}

/* OY R1,D2(X2,B2) - Or [RXY]. */
void op_oy(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	*r |= vfetch4(c, ea_rxy(c, ip));
	c->cc = cc_nonzero(*r);
	NEXT_INSN(c, 6);
}

/* XY R1,D2(X2,B2) - Exclusive Or [RXY]. */
void op_xy(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	*r ^= vfetch4(c, ea_rxy(c, ip));
	c->cc = cc_nonzero(*r);
	NEXT_INSN(c, 6);
}

/* LY R1,D2(X2,B2) - Load [RXY]. */
void op_ly(struct cpu *c, const uint8_t *ip)
{
	c->gr[R1(ip)] = vfetch4(c, ea_rxy(c, ip));
	NEXT_INSN(c, 6);
}

/* CY R1,D2(X2,B2) - Compare [RXY]. */
void op_cy(struct cpu *c, const uint8_t *ip)
{
	c->cc = cc_compare_signed((int32_t)c->gr[R1(ip)], (int32_t)vfetch4(c, ea_rxy(c, ip)));
	NEXT_INSN(c, 6);
}

/* AY R1,D2(X2,B2) - Add [RXY]. */
void op_ay(struct cpu *c, const uint8_t *ip)
{
	add_to(c, R1(ip), vfetch4(c, ea_rxy(c, ip)), 6);
}

/* SY R1,D2(X2,B2) - Subtract [RXY]. */
void op_sy(struct cpu *c, const uint8_t *ip)
{
	sub_from(c, R1(ip), vfetch4(c, ea_rxy(c, ip)), 6);
}

/* MFY R1,D2(X2,B2) - Multiply [RXY]: R1 even; R1,R1+1 = R1+1 * operand, signed 64-bit product. */
void op_mfy(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = R1(ip);
	EVEN_REG(c, r1);
	int64_t p = (int64_t)(int32_t)c->gr[r1 + 1] * (int32_t)vfetch4(c, ea_rxy(c, ip));
	c->gr[r1] = (uint32_t)((uint64_t)p >> 32);
	c->gr[r1 + 1] = (uint32_t)p;
	NEXT_INSN(c, 6);
}

/* ALY R1,D2(X2,B2) - Add Logical [RXY]. */
void op_aly(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	c->cc = add_logical(*r, vfetch4(c, ea_rxy(c, ip)), r);
	NEXT_INSN(c, 6);
}

/* SLY R1,D2(X2,B2) - Subtract Logical [RXY]. */
void op_sly(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	c->cc = sub_logical(*r, vfetch4(c, ea_rxy(c, ip)), r);
	NEXT_INSN(c, 6);
}

/* LB R1,D2(X2,B2) - Load Byte [RXY]: sign-extended. */
void op_lb(struct cpu *c, const uint8_t *ip)
{
	c->gr[R1(ip)] = (uint32_t)(int8_t)vfetch1(c, ea_rxy(c, ip));
	NEXT_INSN(c, 6);
}

/* LHY R1,D2(X2,B2) - Load Halfword [RXY]. */
void op_lhy(struct cpu *c, const uint8_t *ip)
{
	c->gr[R1(ip)] = (uint32_t)(int16_t)vfetch2(c, ea_rxy(c, ip));
	NEXT_INSN(c, 6);
}

/* CHY R1,D2(X2,B2) - Compare Halfword [RXY]. */
void op_chy(struct cpu *c, const uint8_t *ip)
{
	int16_t op2 = (int16_t)vfetch2(c, ea_rxy(c, ip));
	c->cc = cc_compare_signed((int32_t)c->gr[R1(ip)], op2);
	NEXT_INSN(c, 6);
}

/* AHY R1,D2(X2,B2) - Add Halfword [RXY]. */
void op_ahy(struct cpu *c, const uint8_t *ip)
{
	add_to(c, R1(ip), (uint32_t)(int16_t)vfetch2(c, ea_rxy(c, ip)), 6);
}

/* SHY R1,D2(X2,B2) - Subtract Halfword [RXY]. */
void op_shy(struct cpu *c, const uint8_t *ip)
{
	sub_from(c, R1(ip), (uint32_t)(int16_t)vfetch2(c, ea_rxy(c, ip)), 6);
}

/* MHY R1,D2(X2,B2) - Multiply Halfword [RXY]: low 32 bits, no overflow. */
void op_mhy(struct cpu *c, const uint8_t *ip)
{
	uint32_t op2 = (uint32_t)(int16_t)vfetch2(c, ea_rxy(c, ip));
	c->gr[R1(ip)] *= op2;
	NEXT_INSN(c, 6);
}

/* LLC R1,D2(X2,B2) - Load Logical Character [RXY]. */
void op_llc(struct cpu *c, const uint8_t *ip)
{
	c->gr[R1(ip)] = vfetch1(c, ea_rxy(c, ip));
	NEXT_INSN(c, 6);
}

/* LLH R1,D2(X2,B2) - Load Logical Halfword [RXY]. */
void op_llh(struct cpu *c, const uint8_t *ip)
{
	c->gr[R1(ip)] = vfetch2(c, ea_rxy(c, ip));
	NEXT_INSN(c, 6);
}

/* ML R1,D2(X2,B2) - Multiply Logical [RXY]: R1 even. */
void op_ml(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = R1(ip);
	EVEN_REG(c, r1);
	multiply_logical(c, r1, vfetch4(c, ea_rxy(c, ip)));
	NEXT_INSN(c, 6);
}

/* DL R1,D2(X2,B2) - Divide Logical [RXY]: R1 even. */
void op_dl(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = R1(ip);
	EVEN_REG(c, r1);
	divide_logical(c, r1, vfetch4(c, ea_rxy(c, ip)));
	NEXT_INSN(c, 6);
}

/* ALC R1,D2(X2,B2) - Add Logical with Carry [RXY]. */
void op_alc(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	uint32_t op2 = vfetch4(c, ea_rxy(c, ip));
	c->cc = add_logical_carry(*r, op2, cc_carry(c), r);
	NEXT_INSN(c, 6);
}

/* SLB R1,D2(X2,B2) - Subtract Logical with Borrow [RXY]. */
void op_slb(struct cpu *c, const uint8_t *ip)
{
	uint32_t *r = &c->gr[R1(ip)];
	uint32_t op2 = vfetch4(c, ea_rxy(c, ip));
	c->cc = add_logical_carry(*r, ~op2, cc_carry(c), r);
	NEXT_INSN(c, 6);
}

/* ---- Storage-immediate (SIL: D1(B1) in bytes 2-3, I2 in bytes 4-5; SIY: I2 in byte 1) ---- */

/* MVHHI D1(B1),I2 - Move (halfword from halfword immediate) [SIL]. */
void op_mvhhi(struct cpu *c, const uint8_t *ip)
{
	vstore2(c, ea_s(c, ip), be16(ip + 4));
	NEXT_INSN(c, 6);
}

/* MVHI D1(B1),I2 - Move (word from halfword immediate) [SIL]: I2 sign-extended. */
void op_mvhi(struct cpu *c, const uint8_t *ip)
{
	vstore4(c, ea_s(c, ip), (uint32_t)(int16_t)be16(ip + 4));
	NEXT_INSN(c, 6);
}

/* CHHSI D1(B1),I2 - Compare Halfword Immediate (halfword storage) [SIL]. */
void op_chhsi(struct cpu *c, const uint8_t *ip)
{
	int16_t op1 = (int16_t)vfetch2(c, ea_s(c, ip));
	c->cc = cc_compare_signed(op1, (int16_t)be16(ip + 4));
	NEXT_INSN(c, 6);
}

/* CLHHSI D1(B1),I2 - Compare Logical Immediate (halfword storage) [SIL]. */
void op_clhhsi(struct cpu *c, const uint8_t *ip)
{
	uint16_t op1 = vfetch2(c, ea_s(c, ip));
	c->cc = cc_compare_unsigned(op1, be16(ip + 4));
	NEXT_INSN(c, 6);
}

/* CHSI D1(B1),I2 - Compare Halfword Immediate (word storage) [SIL]: I2 sign-extended. */
void op_chsi(struct cpu *c, const uint8_t *ip)
{
	int32_t op1 = (int32_t)vfetch4(c, ea_s(c, ip));
	c->cc = cc_compare_signed(op1, (int16_t)be16(ip + 4));
	NEXT_INSN(c, 6);
}

/* CLFHSI D1(B1),I2 - Compare Logical Immediate (word storage) [SIL]: I2 zero-extended. */
void op_clfhsi(struct cpu *c, const uint8_t *ip)
{
	uint32_t op1 = vfetch4(c, ea_s(c, ip));
	c->cc = cc_compare_unsigned(op1, be16(ip + 4));
	NEXT_INSN(c, 6);
}

/* ASI D1(B1),I2 - Add Immediate (word storage) [SIY]: I2 sign-extended; the sum is stored even
 * on overflow. */
void op_asi(struct cpu *c, const uint8_t *ip)
{
	uint32_t addr = ea_rsy(c, ip), sum;
	bool overflow;
	uint8_t cc = add_signed(vfetch4(c, addr), (uint32_t)(int8_t)ip[1], &sum, &overflow);
	vstore4(c, addr, sum);
	c->cc = cc;
	NEXT_INSN(c, 6);
	fixed_overflow(c, overflow);
}

/* ALSI D1(B1),I2 - Add Logical with Signed Immediate (word storage) [SIY]: I2 sign-extended and
 * added as a 32-bit unsigned value; CC as for add logical. */
void op_alsi(struct cpu *c, const uint8_t *ip)
{
	uint32_t addr = ea_rsy(c, ip), sum;
	uint8_t cc = add_logical(vfetch4(c, addr), (uint32_t)(int8_t)ip[1], &sum);
	vstore4(c, addr, sum);
	c->cc = cc;
	NEXT_INSN(c, 6);
}

/* ---- Rotate, shifts with distinct operands, load/store on condition, interlocked access ---- */

/* RLL R1,R3,D2(B2) - Rotate Left Single Logical [RSY]: R3 rotated by the low 6 bits of the
 * second-operand address (modulo 32) into R1. */
void op_rll(struct cpu *c, const uint8_t *ip)
{
	unsigned n = ea_rsy(c, ip) & 31;
	uint32_t v = c->gr[R3(ip)];
	c->gr[R1(ip)] = n ? (v << n) | (v >> (32 - n)) : v;
	NEXT_INSN(c, 6);
}

/* SRAK R1,R3,D2(B2) - Shift Right Single (distinct operands) [RSY]. */
void op_srak(struct cpu *c, const uint8_t *ip)
{
	unsigned n = ea_rsy(c, ip) & 63;
	int32_t v = (int32_t)c->gr[R3(ip)] >> (n > 31 ? 31 : n);
	c->gr[R1(ip)] = (uint32_t)v;
	c->cc = cc_signed(v);
	NEXT_INSN(c, 6);
}

/* SLAK R1,R3,D2(B2) - Shift Left Single (distinct operands) [RSY]: the sign bit stays; CC 3 and
 * fixed-point overflow when a bit unlike it is shifted out. */
void op_slak(struct cpu *c, const uint8_t *ip)
{
	bool overflow;
	uint32_t v = shift_left_arith(c->gr[R3(ip)], ea_rsy(c, ip) & 63, &overflow);
	c->gr[R1(ip)] = v;
	c->cc = overflow ? 3 : cc_signed((int32_t)v);
	NEXT_INSN(c, 6);
	fixed_overflow(c, overflow);
}

/* SRLK R1,R3,D2(B2) - Shift Right Single Logical (distinct operands) [RSY]. */
void op_srlk(struct cpu *c, const uint8_t *ip)
{
	unsigned n = ea_rsy(c, ip) & 63;
	c->gr[R1(ip)] = n > 31 ? 0 : c->gr[R3(ip)] >> n;
	NEXT_INSN(c, 6);
}

/* SLLK R1,R3,D2(B2) - Shift Left Single Logical (distinct operands) [RSY]. */
void op_sllk(struct cpu *c, const uint8_t *ip)
{
	unsigned n = ea_rsy(c, ip) & 63;
	c->gr[R1(ip)] = n > 31 ? 0 : c->gr[R3(ip)] << n;
	NEXT_INSN(c, 6);
}

/* LOC R1,D2(B2),M3 - Load on Condition [RSY]. The storage operand is not accessed when M3 does
 * not select the condition code. */
void op_loc(struct cpu *c, const uint8_t *ip)
{
	if (mask_selects(R3(ip), c->cc))
		c->gr[R1(ip)] = vfetch4(c, ea_rsy(c, ip));
	NEXT_INSN(c, 6);
}

/* STOC R1,D2(B2),M3 - Store on Condition [RSY]. */
void op_stoc(struct cpu *c, const uint8_t *ip)
{
	if (mask_selects(R3(ip), c->cc))
		vstore4(c, ea_rsy(c, ip), c->gr[R1(ip)]);
	NEXT_INSN(c, 6);
}

/* The interlocked-access operations: the word at D2(B2) (word aligned) is replaced by
 * op(word, R3) and its old value goes to R1. */
enum interlocked_op { LA_ADD, LA_ADD_LOGICAL, LA_AND, LA_OR, LA_XOR };

static void load_and_update(struct cpu *c, const uint8_t *ip, enum interlocked_op op)
{
	uint32_t addr = ea_rsy(c, ip);
	require_word_aligned(c, addr);
	uint32_t old = vfetch4(c, addr), r3 = c->gr[R3(ip)], v = 0;
	bool overflow = false;
	uint8_t cc = 0;
	switch (op) {
	case LA_ADD:
		cc = add_signed(old, r3, &v, &overflow);
		break;
	case LA_ADD_LOGICAL:
		cc = add_logical(old, r3, &v);
		break;
	case LA_AND:
		v = old & r3;
		cc = cc_nonzero(v);
		break;
	case LA_OR:
		v = old | r3;
		cc = cc_nonzero(v);
		break;
	case LA_XOR:
		v = old ^ r3;
		cc = cc_nonzero(v);
		break;
	}
	vstore4(c, addr, v);
	c->gr[R1(ip)] = old;
	c->cc = cc;
	NEXT_INSN(c, 6);
	fixed_overflow(c, overflow);
}

/* LAN R1,R3,D2(B2) - Load and And [RSY]. */
void op_lan(struct cpu *c, const uint8_t *ip)
{
	load_and_update(c, ip, LA_AND);
}

/* LAO R1,R3,D2(B2) - Load and Or [RSY]. */
void op_lao(struct cpu *c, const uint8_t *ip)
{
	load_and_update(c, ip, LA_OR);
}

/* LAX R1,R3,D2(B2) - Load and Exclusive Or [RSY]. */
void op_lax(struct cpu *c, const uint8_t *ip)
{
	load_and_update(c, ip, LA_XOR);
}

/* LAA R1,R3,D2(B2) - Load and Add [RSY]: the sum is stored even on overflow. */
void op_laa(struct cpu *c, const uint8_t *ip)
{
	load_and_update(c, ip, LA_ADD);
}

/* LAAL R1,R3,D2(B2) - Load and Add Logical [RSY]. */
void op_laal(struct cpu *c, const uint8_t *ip)
{
	load_and_update(c, ip, LA_ADD_LOGICAL);
}

/* ---- Compare and branch, compare and trap, distinct-operands immediate (EC) ----
 * These leave the condition code unchanged; M3 selects on the comparison result (8 equal,
 * 4 first operand low, 2 first operand high). */

/* Branch relative by the RI4 field (bytes 2-3) when m selects cmp. */
static inline void branch_relative_if(struct cpu *c, const uint8_t *ip, unsigned m, uint8_t cmp)
{
	if (mask_selects(m, cmp))
		c->ia = rel_addr(c, (uint32_t)imm16(ip));
	else
		NEXT_INSN(c, 6);
}

/* Branch to D4(B4) (bytes 2-3) when m selects cmp. */
static inline void branch_if(struct cpu *c, const uint8_t *ip, unsigned m, uint8_t cmp)
{
	if (mask_selects(m, cmp))
		c->ia = ea_s(c, ip);
	else
		NEXT_INSN(c, 6);
}

/* CIT R1,I2,M3 - Compare Immediate and Trap [RIE]. */
void op_cit(struct cpu *c, const uint8_t *ip)
{
	if (mask_selects(ip[4] >> 4, cc_compare_signed((int32_t)c->gr[R1(ip)], imm16(ip))))
		compare_trap(c);
	NEXT_INSN(c, 6);
}

/* CLFIT R1,I2,M3 - Compare Logical Immediate and Trap [RIE]: I2 zero-extended. */
void op_clfit(struct cpu *c, const uint8_t *ip)
{
	if (mask_selects(ip[4] >> 4, cc_compare_unsigned(c->gr[R1(ip)], be16(ip + 2))))
		compare_trap(c);
	NEXT_INSN(c, 6);
}

/* CRJ R1,R2,M3,RI4 - Compare and Branch Relative [RIE]. */
void op_crj(struct cpu *c, const uint8_t *ip)
{
	branch_relative_if(c, ip, ip[4] >> 4,
			   cc_compare_signed((int32_t)c->gr[R1(ip)], (int32_t)c->gr[R2(ip)]));
}

/* CLRJ R1,R2,M3,RI4 - Compare Logical and Branch Relative [RIE]. */
void op_clrj(struct cpu *c, const uint8_t *ip)
{
	branch_relative_if(c, ip, ip[4] >> 4, cc_compare_unsigned(c->gr[R1(ip)], c->gr[R2(ip)]));
}

/* CIJ R1,I2,M3,RI4 - Compare Immediate and Branch Relative [RIE]: I2 (byte 4) sign-extended. */
void op_cij(struct cpu *c, const uint8_t *ip)
{
	branch_relative_if(c, ip, ip[1] & 15, cc_compare_signed((int32_t)c->gr[R1(ip)], (int8_t)ip[4]));
}

/* CLIJ R1,I2,M3,RI4 - Compare Logical Immediate and Branch Relative [RIE]: I2 zero-extended. */
void op_clij(struct cpu *c, const uint8_t *ip)
{
	branch_relative_if(c, ip, ip[1] & 15, cc_compare_unsigned(c->gr[R1(ip)], ip[4]));
}

/* AHIK R1,R3,I2 - Add Halfword Immediate (distinct operands) [RIE]: R1 = R3 + I2. */
void op_ahik(struct cpu *c, const uint8_t *ip)
{
	bool overflow;
	c->cc = add_signed(c->gr[R3(ip)], (uint32_t)imm16(ip), &c->gr[R1(ip)], &overflow);
	NEXT_INSN(c, 6);
	fixed_overflow(c, overflow);
}

/* ALHSIK R1,R3,I2 - Add Logical with Signed Halfword Immediate (distinct operands) [RIE]: I2
 * sign-extended and added as a 32-bit unsigned value. */
void op_alhsik(struct cpu *c, const uint8_t *ip)
{
	c->cc = add_logical(c->gr[R3(ip)], (uint32_t)imm16(ip), &c->gr[R1(ip)]);
	NEXT_INSN(c, 6);
}

/* CRB R1,R2,M3,D4(B4) - Compare and Branch [RRS]. */
void op_crb(struct cpu *c, const uint8_t *ip)
{
	branch_if(c, ip, ip[4] >> 4, cc_compare_signed((int32_t)c->gr[R1(ip)], (int32_t)c->gr[R2(ip)]));
}

/* CLRB R1,R2,M3,D4(B4) - Compare Logical and Branch [RRS]. */
void op_clrb(struct cpu *c, const uint8_t *ip)
{
	branch_if(c, ip, ip[4] >> 4, cc_compare_unsigned(c->gr[R1(ip)], c->gr[R2(ip)]));
}

/* CIB R1,I2,M3,D4(B4) - Compare Immediate and Branch [RIS]: I2 (byte 4) sign-extended. */
void op_cib(struct cpu *c, const uint8_t *ip)
{
	branch_if(c, ip, ip[1] & 15, cc_compare_signed((int32_t)c->gr[R1(ip)], (int8_t)ip[4]));
}

/* CLIB R1,I2,M3,D4(B4) - Compare Logical Immediate and Branch [RIS]: I2 zero-extended. */
void op_clib(struct cpu *c, const uint8_t *ip)
{
	branch_if(c, ip, ip[1] & 15, cc_compare_unsigned(c->gr[R1(ip)], ip[4]));
}
