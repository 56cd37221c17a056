/*
 * insn_float.c - hexadecimal floating point, short, long and extended (GA22-7000 chapter 9).
 *
 * Handlers follow cpu.h's contract: c->ia is the instruction's address on entry; set it to the next
 * instruction or the branch target before returning. The arithmetic is in hfp.h; the handlers
 * check register numbers, fetch operands, store the result and the condition code, and then
 * raise the exception the arithmetic recognised (exponent overflow and underflow and significance
 * complete the operation first; a floating-point divide exception suppresses it).
 *
 * Floating-point registers are c->fpr[r / 2] as 64-bit images. A short operand is the left half of
 * its register; a short result replaces the left half only. An extended operand is the pair R, R+2.
 */
#include "machine/hfp.h"
#include "machine/insn_table.h"

/* RRE: R1 and R2 are in the last byte. */
#define RRE_R1(ip) ((ip)[3] >> 4)
#define RRE_R2(ip) ((ip)[3] & 15)

#define FPR_SIGN 0x8000000000000000ull

/* The short and long operations are inlined into each handler, so that the constant arguments
 * (subtract, normalize, digits) fold away on the benchmark's paths. */
#define HOT inline __attribute__((always_inline))

/* ------------------------------------------------------------------------------------------------
 * Registers
 */

/* Specification exception unless r designates floating-point register 0, 2, 4 or 6. */
static inline void fpr_check(struct cpu *c, unsigned r)
{
	if (unlikely(r & 9))
		program_check(c, PIC_SPECIFICATION);
}

/* Specification exception unless r designates an extended register pair: 0 (0,2) or 4 (4,6). */
static inline void fpr_check_ext(struct cpu *c, unsigned r)
{
	if (unlikely(r & 11))
		program_check(c, PIC_SPECIFICATION);
}

static inline uint32_t get_short(const struct cpu *c, unsigned r)
{
	return (uint32_t)(c->fpr[r >> 1] >> 32);
}

/* Replace the left half of FPR r; the right half is unchanged. */
static inline void put_short(struct cpu *c, unsigned r, uint32_t v)
{
	uint64_t *f = &c->fpr[r >> 1];
	*f = (uint64_t)v << 32 | (uint32_t)*f;
}

static inline struct hfpx get_ext(const struct cpu *c, unsigned r)
{
	return hfp_unpack_ext(c->fpr[r >> 1], c->fpr[(r >> 1) + 1]);
}

static inline void put_ext(struct cpu *c, unsigned r, const struct hfpx *v)
{
	hfp_pack_ext(v, &c->fpr[r >> 1], &c->fpr[(r >> 1) + 1]);
}

/* Raise the exception an operation recognised, after it completed (or was suppressed). */
static inline void raise_if(struct cpu *c, int pic)
{
	if (unlikely(pic))
		program_check(c, (enum pic)pic);
}

/* ------------------------------------------------------------------------------------------------
 * Operations shared by the RR and RX forms. Each updates FPR r1 and the condition code where the
 * instruction sets one, and returns the exception to raise (0 for none).
 */

/* ADD/SUBTRACT NORMALIZED/UNNORMALIZED (short). */
static HOT int add_short(struct cpu *c, unsigned r1, uint32_t op2, bool subtract, bool normalize)
{
	struct hfp a = hfp_unpack_short(get_short(c, r1)), b = hfp_unpack_short(op2);
	b.sign ^= subtract;
	int pic = hfp_add(&a, &b, HFP_SHORT, normalize, c->progmask);
	put_short(c, r1, hfp_pack_short(&a));
	c->cc = hfp_cc(a.sign, a.frac != 0);
	return pic;
}

/* ADD/SUBTRACT NORMALIZED/UNNORMALIZED (long). */
static HOT int add_long(struct cpu *c, unsigned r1, uint64_t op2, bool subtract, bool normalize)
{
	struct hfp a = hfp_unpack_long(c->fpr[r1 >> 1]), b = hfp_unpack_long(op2);
	b.sign ^= subtract;
	int pic = hfp_add(&a, &b, HFP_LONG, normalize, c->progmask);
	c->fpr[r1 >> 1] = hfp_pack_long(&a);
	c->cc = hfp_cc(a.sign, a.frac != 0);
	return pic;
}

/* ADD/SUBTRACT NORMALIZED (extended). */
static int add_ext(struct cpu *c, unsigned r1, unsigned r2, bool subtract)
{
	struct hfpx a = get_ext(c, r1), b = get_ext(c, r2);
	b.sign ^= subtract;
	int pic = hfp_add_ext(&a, &b, c->progmask);
	put_ext(c, r1, &a);
	c->cc = hfp_cc(a.sign, a.frac != 0);
	return pic;
}

/* MULTIPLY (short operands, long result). */
static HOT int mul_short(struct cpu *c, unsigned r1, uint32_t op2)
{
	struct hfp a = hfp_unpack_short(get_short(c, r1)), b = hfp_unpack_short(op2);
	int pic = hfp_mul_short(&a, &b, c->progmask);
	c->fpr[r1 >> 1] = hfp_pack_long(&a);
	return pic;
}

/* MULTIPLY (long). */
static HOT int mul_long(struct cpu *c, unsigned r1, uint64_t op2)
{
	struct hfp a = hfp_unpack_long(c->fpr[r1 >> 1]), b = hfp_unpack_long(op2);
	int pic = hfp_mul_long(&a, &b, c->progmask);
	c->fpr[r1 >> 1] = hfp_pack_long(&a);
	return pic;
}

/* MULTIPLY (long operands, extended result): the multiplicand is FPR r1, the product goes to the
 * pair r1, r1+2. */
static int mul_long_ext(struct cpu *c, unsigned r1, uint64_t op2)
{
	struct hfp a = hfp_unpack_long(c->fpr[r1 >> 1]), b = hfp_unpack_long(op2);
	struct hfpx p;
	int pic = hfp_mul_long_ext(&p, &a, &b, c->progmask);
	put_ext(c, r1, &p);
	return pic;
}

/* DIVIDE (short). A zero divisor fraction suppresses the operation. */
static HOT int div_short(struct cpu *c, unsigned r1, uint32_t op2)
{
	struct hfp a = hfp_unpack_short(get_short(c, r1)), b = hfp_unpack_short(op2);
	int pic = hfp_div(&a, &b, HFP_SHORT, c->progmask);
	if (pic != PIC_FLOAT_DIVIDE)
		put_short(c, r1, hfp_pack_short(&a));
	return pic;
}

/* DIVIDE (long). */
static HOT int div_long(struct cpu *c, unsigned r1, uint64_t op2)
{
	struct hfp a = hfp_unpack_long(c->fpr[r1 >> 1]), b = hfp_unpack_long(op2);
	int pic = hfp_div(&a, &b, HFP_LONG, c->progmask);
	if (pic != PIC_FLOAT_DIVIDE)
		c->fpr[r1 >> 1] = hfp_pack_long(&a);
	return pic;
}

/* COMPARE (short). */
static HOT void compare_short(struct cpu *c, unsigned r1, uint32_t op2)
{
	struct hfp a = hfp_unpack_short(get_short(c, r1)), b = hfp_unpack_short(op2);
	c->cc = hfp_compare(&a, &b, HFP_SHORT);
}

/* COMPARE (long). */
static HOT void compare_long(struct cpu *c, unsigned r1, uint64_t op2)
{
	struct hfp a = hfp_unpack_long(c->fpr[r1 >> 1]), b = hfp_unpack_long(op2);
	c->cc = hfp_compare(&a, &b, HFP_LONG);
}

/* The sign-control loads: v is the second operand with its sign already set; the characteristic
 * and fraction are not changed and nothing is normalized. */
static inline void load_signed_short(struct cpu *c, unsigned r1, uint32_t v)
{
	put_short(c, r1, v);
	c->cc = hfp_cc(v >> 31, (v & 0x00FFFFFFu) != 0);
}

static inline void load_signed_long(struct cpu *c, unsigned r1, uint64_t v)
{
	c->fpr[r1 >> 1] = v;
	c->cc = hfp_cc(v >> 63, (v & HFP_FRAC56) != 0);
}

/* ------------------------------------------------------------------------------------------------
 * Long register-to-register (opcodes 20-2F)
 */

/* LPDR R1,R2 - Load Positive (long) [RR]. */
const struct dinsn *op_lpdr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	load_signed_long(c, r1, c->fpr[r2 >> 1] & ~FPR_SIGN);
	return NEXT(d, 2);
}

/* LNDR R1,R2 - Load Negative (long) [RR]. The sign is made minus even for a zero fraction. */
const struct dinsn *op_lndr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	load_signed_long(c, r1, c->fpr[r2 >> 1] | FPR_SIGN);
	return NEXT(d, 2);
}

/* LTDR R1,R2 - Load and Test (long) [RR]. */
const struct dinsn *op_ltdr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	load_signed_long(c, r1, c->fpr[r2 >> 1]);
	return NEXT(d, 2);
}

/* LCDR R1,R2 - Load Complement (long) [RR]. */
const struct dinsn *op_lcdr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	load_signed_long(c, r1, c->fpr[r2 >> 1] ^ FPR_SIGN);
	return NEXT(d, 2);
}

/* HDR R1,R2 - Halve (long) [RR]. */
const struct dinsn *op_hdr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	struct hfp a = hfp_unpack_long(c->fpr[r2 >> 1]);
	int pic = hfp_halve(&a, HFP_LONG, c->progmask);
	c->fpr[r1 >> 1] = hfp_pack_long(&a);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* LRDR R1,R2 - Load Rounded (extended to long) [RR]. R2 designates a register pair. */
const struct dinsn *op_lrdr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check_ext(c, r2);
	struct hfpx a = get_ext(c, r2);
	struct hfp r;
	int pic = hfp_round_long(&r, &a);
	c->fpr[r1 >> 1] = hfp_pack_long(&r);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* MXR R1,R2 - Multiply (extended) [RR]. */
const struct dinsn *op_mxr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check_ext(c, r1);
	fpr_check_ext(c, r2);
	struct hfpx a = get_ext(c, r1), b = get_ext(c, r2);
	int pic = hfp_mul_ext(&a, &b, c->progmask);
	put_ext(c, r1, &a);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* MXDR R1,R2 - Multiply (long to extended) [RR]. */
const struct dinsn *op_mxdr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check_ext(c, r1);
	fpr_check(c, r2);
	int pic = mul_long_ext(c, r1, c->fpr[r2 >> 1]);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* LDR R1,R2 - Load (long) [RR]. */
const struct dinsn *op_ldr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	c->fpr[r1 >> 1] = c->fpr[r2 >> 1];
	return NEXT(d, 2);
}

/* CDR R1,R2 - Compare (long) [RR]. */
const struct dinsn *op_cdr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	compare_long(c, r1, c->fpr[r2 >> 1]);
	return NEXT(d, 2);
}

/* ADR R1,R2 - Add Normalized (long) [RR]. */
const struct dinsn *op_adr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = add_long(c, r1, c->fpr[r2 >> 1], false, true);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* SDR R1,R2 - Subtract Normalized (long) [RR]. */
const struct dinsn *op_sdr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = add_long(c, r1, c->fpr[r2 >> 1], true, true);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* MDR R1,R2 - Multiply (long) [RR]. */
const struct dinsn *op_mdr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = mul_long(c, r1, c->fpr[r2 >> 1]);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* DDR R1,R2 - Divide (long) [RR]. */
const struct dinsn *op_ddr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = div_long(c, r1, c->fpr[r2 >> 1]);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* AWR R1,R2 - Add Unnormalized (long) [RR]. */
const struct dinsn *op_awr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = add_long(c, r1, c->fpr[r2 >> 1], false, false);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* SWR R1,R2 - Subtract Unnormalized (long) [RR]. */
const struct dinsn *op_swr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = add_long(c, r1, c->fpr[r2 >> 1], true, false);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* ------------------------------------------------------------------------------------------------
 * Short and extended register-to-register (opcodes 30-3F)
 */

/* LPER R1,R2 - Load Positive (short) [RR]. */
const struct dinsn *op_lper(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	load_signed_short(c, r1, get_short(c, r2) & 0x7FFFFFFFu);
	return NEXT(d, 2);
}

/* LNER R1,R2 - Load Negative (short) [RR]. */
const struct dinsn *op_lner(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	load_signed_short(c, r1, get_short(c, r2) | 0x80000000u);
	return NEXT(d, 2);
}

/* LTER R1,R2 - Load and Test (short) [RR]. */
const struct dinsn *op_lter(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	load_signed_short(c, r1, get_short(c, r2));
	return NEXT(d, 2);
}

/* LCER R1,R2 - Load Complement (short) [RR]. */
const struct dinsn *op_lcer(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	load_signed_short(c, r1, get_short(c, r2) ^ 0x80000000u);
	return NEXT(d, 2);
}

/* HER R1,R2 - Halve (short) [RR]. */
const struct dinsn *op_her(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	struct hfp a = hfp_unpack_short(get_short(c, r2));
	int pic = hfp_halve(&a, HFP_SHORT, c->progmask);
	put_short(c, r1, hfp_pack_short(&a));
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* LRER R1,R2 - Load Rounded (long to short) [RR]. */
const struct dinsn *op_lrer(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	struct hfp a = hfp_unpack_long(c->fpr[r2 >> 1]);
	int pic = hfp_round_short(&a);
	put_short(c, r1, hfp_pack_short(&a));
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* AXR R1,R2 - Add Normalized (extended) [RR]. */
const struct dinsn *op_axr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check_ext(c, r1);
	fpr_check_ext(c, r2);
	int pic = add_ext(c, r1, r2, false);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* SXR R1,R2 - Subtract Normalized (extended) [RR]. */
const struct dinsn *op_sxr(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check_ext(c, r1);
	fpr_check_ext(c, r2);
	int pic = add_ext(c, r1, r2, true);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* LER R1,R2 - Load (short) [RR]. */
const struct dinsn *op_ler(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	put_short(c, r1, get_short(c, r2));
	return NEXT(d, 2);
}

/* CER R1,R2 - Compare (short) [RR]. */
const struct dinsn *op_cer(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	compare_short(c, r1, get_short(c, r2));
	return NEXT(d, 2);
}

/* AER R1,R2 - Add Normalized (short) [RR]. */
const struct dinsn *op_aer(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = add_short(c, r1, get_short(c, r2), false, true);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* SER R1,R2 - Subtract Normalized (short) [RR]. */
const struct dinsn *op_ser(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = add_short(c, r1, get_short(c, r2), true, true);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* MER R1,R2 - Multiply (short to long) [RR]. ESA/390 calls it MDER. */
const struct dinsn *op_mer(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = mul_short(c, r1, get_short(c, r2));
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* DER R1,R2 - Divide (short) [RR]. */
const struct dinsn *op_der(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = div_short(c, r1, get_short(c, r2));
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* AUR R1,R2 - Add Unnormalized (short) [RR]. */
const struct dinsn *op_aur(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = add_short(c, r1, get_short(c, r2), false, false);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* SUR R1,R2 - Subtract Unnormalized (short) [RR]. */
const struct dinsn *op_sur(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	fpr_check(c, r1);
	fpr_check(c, r2);
	int pic = add_short(c, r1, get_short(c, r2), true, false);
	raise_if(c, pic);
	return NEXT(d, 2);
}

/* ------------------------------------------------------------------------------------------------
 * Long storage-to-register (opcodes 60-6F)
 */

/* STD R1,D2(X2,B2) - Store (long) [RX]. */
const struct dinsn *op_std(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	vstore8(c, dea_rx(c, d), c->fpr[r1 >> 1]);
	return NEXT(d, 4);
}

/* MXD R1,D2(X2,B2) - Multiply (long to extended) [RX]. */
const struct dinsn *op_mxd(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check_ext(c, r1);
	int pic = mul_long_ext(c, r1, vfetch8(c, dea_rx(c, d)));
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* LD R1,D2(X2,B2) - Load (long) [RX]. */
const struct dinsn *op_ld(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	c->fpr[r1 >> 1] = vfetch8(c, dea_rx(c, d));
	return NEXT(d, 4);
}

/* CD R1,D2(X2,B2) - Compare (long) [RX]. */
const struct dinsn *op_cd(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	compare_long(c, r1, vfetch8(c, dea_rx(c, d)));
	return NEXT(d, 4);
}

/* AD R1,D2(X2,B2) - Add Normalized (long) [RX]. */
const struct dinsn *op_ad(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = add_long(c, r1, vfetch8(c, dea_rx(c, d)), false, true);
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* SD R1,D2(X2,B2) - Subtract Normalized (long) [RX]. */
const struct dinsn *op_sd(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = add_long(c, r1, vfetch8(c, dea_rx(c, d)), true, true);
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* MD R1,D2(X2,B2) - Multiply (long) [RX]. */
const struct dinsn *op_md(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = mul_long(c, r1, vfetch8(c, dea_rx(c, d)));
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* DD R1,D2(X2,B2) - Divide (long) [RX]. */
const struct dinsn *op_dd(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = div_long(c, r1, vfetch8(c, dea_rx(c, d)));
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* AW R1,D2(X2,B2) - Add Unnormalized (long) [RX]. */
const struct dinsn *op_aw(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = add_long(c, r1, vfetch8(c, dea_rx(c, d)), false, false);
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* SW R1,D2(X2,B2) - Subtract Unnormalized (long) [RX]. */
const struct dinsn *op_sw(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = add_long(c, r1, vfetch8(c, dea_rx(c, d)), true, false);
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* ------------------------------------------------------------------------------------------------
 * Short storage-to-register (opcodes 70-7F)
 */

/* STE R1,D2(X2,B2) - Store (short) [RX]. */
const struct dinsn *op_ste(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	vstore4(c, dea_rx(c, d), get_short(c, r1));
	return NEXT(d, 4);
}

/* LE R1,D2(X2,B2) - Load (short) [RX]. The right half of the register is unchanged. */
const struct dinsn *op_le(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	put_short(c, r1, vfetch4(c, dea_rx(c, d)));
	return NEXT(d, 4);
}

/* CE R1,D2(X2,B2) - Compare (short) [RX]. */
const struct dinsn *op_ce(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	compare_short(c, r1, vfetch4(c, dea_rx(c, d)));
	return NEXT(d, 4);
}

/* AE R1,D2(X2,B2) - Add Normalized (short) [RX]. */
const struct dinsn *op_ae(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = add_short(c, r1, vfetch4(c, dea_rx(c, d)), false, true);
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* SE R1,D2(X2,B2) - Subtract Normalized (short) [RX]. */
const struct dinsn *op_se(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = add_short(c, r1, vfetch4(c, dea_rx(c, d)), true, true);
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* ME R1,D2(X2,B2) - Multiply (short to long) [RX]. ESA/390 calls it MDE. */
const struct dinsn *op_me(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = mul_short(c, r1, vfetch4(c, dea_rx(c, d)));
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* DE R1,D2(X2,B2) - Divide (short) [RX]. */
const struct dinsn *op_de(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = div_short(c, r1, vfetch4(c, dea_rx(c, d)));
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* AU R1,D2(X2,B2) - Add Unnormalized (short) [RX]. */
const struct dinsn *op_au(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = add_short(c, r1, vfetch4(c, dea_rx(c, d)), false, false);
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* SU R1,D2(X2,B2) - Subtract Unnormalized (short) [RX]. */
const struct dinsn *op_su(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1;
	fpr_check(c, r1);
	int pic = add_short(c, r1, vfetch4(c, dea_rx(c, d)), true, false);
	raise_if(c, pic);
	return NEXT(d, 4);
}

/* ------------------------------------------------------------------------------------------------
 * Extended divide (B22D)
 */

/* DXR R1,R2 - Divide (extended) [RRE]. */
void op_dxr(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = RRE_R1(ip), r2 = RRE_R2(ip);
	fpr_check_ext(c, r1);
	fpr_check_ext(c, r2);
	struct hfpx a = get_ext(c, r1), b = get_ext(c, r2);
	int pic = hfp_div_ext(&a, &b, c->progmask);
	if (pic != PIC_FLOAT_DIVIDE)
		put_ext(c, r1, &a);
	NEXT_INSN(c, 4);
	raise_if(c, pic);
}
