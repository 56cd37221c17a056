/*
 * hfp.h - hexadecimal floating-point arithmetic (GA22-7000 chapter 9) as pure functions over an
 * unpacked representation. Used by insn_float.c; table-tested in tests/machine/check_float.c.
 *
 * A number is a sign, a characteristic (the exponent plus 64) and a fraction of 6 (short), 14
 * (long) or 28 (extended) hexadecimal digits with the radix point left of its leftmost digit:
 *
 *     value = (-1)^sign * frac / 16^digits * 16^(expo - 64)
 *
 * Register images:
 *
 *   short     0 1      7 8                      31
 *            +-+--------+------------------------+
 *            |S| char   | fraction (6 digits)    |
 *            +-+--------+------------------------+
 *   long      0 1      7 8                                                     63
 *            +-+--------+-----------------------------------------------------+
 *            |S| char   | fraction (14 digits)                                |
 *            +-+--------+-----------------------------------------------------+
 *   extended  register R: high-order part (sign, characteristic, leftmost 14 digits);
 *             register R+2: low-order part (rightmost 14 digits). On input the low part's sign
 *             and characteristic are ignored; on output they are the high part's sign and its
 *             characteristic minus 14 (modulo 128), except that a true zero is zero in both parts.
 *
 * The operations return 0 or the program-interruption code of an exception they recognised
 * (PIC_EXPONENT_OVERFLOW, PIC_EXPONENT_UNDERFLOW, PIC_SIGNIFICANCE, PIC_FLOAT_DIVIDE). For the
 * first three the result has already been completed as the manual says (characteristic wrapped by
 * 128, or the intermediate characteristic kept); a floating-point divide exception leaves the
 * operand unchanged (suppression). The program mask (PM_* bits) decides whether exponent underflow
 * and significance are exceptions or give a true zero.
 *
 * Intermediate characteristics are ints and may leave 0..127 (prenormalizing an unnormalized
 * operand can take them below zero); results are always back in range.
 */
#ifndef MACHINE_HFP_H
#define MACHINE_HFP_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/cpu.h"

#define HFP_SHORT 6  /* fraction digits */
#define HFP_LONG 14
#define HFP_EXT 28

#define HFP_FRAC56 0x00FFFFFFFFFFFFFFull

typedef unsigned __int128 hfp_u128;

/* The short and long operations are forced inline, so that each handler gets a copy specialised
 * for its digit count and flags: they are the benchmark's paths. */
#define HFP_INLINE static inline __attribute__((always_inline))

/* A short or long number: frac holds 6 or 14 digits, right-aligned. */
struct hfp {
	uint64_t frac;
	int expo;
	bool sign;
};

/* An extended number: frac holds 28 digits (112 bits), right-aligned. */
struct hfpx {
	hfp_u128 frac;
	int expo;
	bool sign;
	bool kept_zero; /* a zero fraction that kept its characteristic (significance, mask one) */
};

/* ------------------------------------------------------------------------------------------------
 * Packing and unpacking
 */

HFP_INLINE struct hfp hfp_unpack_short(uint32_t w)
{
	return (struct hfp){.frac = w & 0x00FFFFFFu, .expo = (w >> 24) & 0x7F, .sign = w >> 31};
}

HFP_INLINE struct hfp hfp_unpack_long(uint64_t w)
{
	return (struct hfp){.frac = w & HFP_FRAC56, .expo = (int)((w >> 56) & 0x7F), .sign = w >> 63};
}

static inline struct hfpx hfp_unpack_ext(uint64_t hi, uint64_t lo)
{
	return (struct hfpx){
		.frac = (hfp_u128)(hi & HFP_FRAC56) << 56 | (lo & HFP_FRAC56),
		.expo = (int)((hi >> 56) & 0x7F),
		.sign = hi >> 63,
	};
}

HFP_INLINE uint32_t hfp_pack_short(const struct hfp *v)
{
	return (uint32_t)v->sign << 31 | (uint32_t)v->expo << 24 | (uint32_t)v->frac;
}

HFP_INLINE uint64_t hfp_pack_long(const struct hfp *v)
{
	return (uint64_t)v->sign << 63 | (uint64_t)v->expo << 56 | v->frac;
}

static inline void hfp_pack_ext(const struct hfpx *v, uint64_t *hi, uint64_t *lo)
{
	uint64_t sign = (uint64_t)v->sign << 63;
	*hi = sign | (uint64_t)v->expo << 56 | (uint64_t)(v->frac >> 56);
	*lo = sign | ((uint64_t)v->frac & HFP_FRAC56);
	/* Every result but a true zero gets the low-order characteristic, 14 less than the high. A
	 * significance exception with the mask one leaves a zero fraction that is not a true zero,
	 * even when its characteristic is 0 (Hercules 3.13 agrees). */
	if (v->frac || v->expo || v->sign || v->kept_zero)
		*lo |= (uint64_t)((v->expo - 14) & 0x7F) << 56;
}

/* The condition code of an arithmetic result: 0 fraction zero, 1 less than zero, 2 greater. */
HFP_INLINE uint8_t hfp_cc(bool sign, bool frac_nonzero)
{
	return frac_nonzero ? (sign ? 1 : 2) : 0;
}

/* ------------------------------------------------------------------------------------------------
 * Digit helpers
 */

/* Leading zero digits of f, a nonzero value of n digits (n <= 16). */
HFP_INLINE int hfp_lead_zeros(uint64_t f, int n)
{
	return (__builtin_clzll(f) - (64 - 4 * n)) >> 2;
}

static inline int hfp_lead_zeros128(hfp_u128 f, int n)
{
	uint64_t hi = (uint64_t)(f >> 64);
	int clz = hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)f);
	return (clz - (128 - 4 * n)) >> 2;
}

/* Shift a nonzero fraction of n digits left until its leftmost digit is nonzero, reducing the
 * characteristic by the digits shifted (prenormalization). */
HFP_INLINE void hfp_normalize(struct hfp *v, int n)
{
	if (likely(v->frac >> (4 * n - 4))) /* already normalized: the usual case */
		return;
	int z = hfp_lead_zeros(v->frac, n);
	v->frac <<= 4 * z;
	v->expo -= z;
}

static inline void hfp_normalize_ext(struct hfpx *v)
{
	if (likely(v->frac >> (4 * HFP_EXT - 4)))
		return;
	int z = hfp_lead_zeros128(v->frac, HFP_EXT);
	v->frac <<= 4 * z;
	v->expo -= z;
}

/* ------------------------------------------------------------------------------------------------
 * Exceptional results
 */

HFP_INLINE void hfp_true_zero(struct hfp *v)
{
	*v = (struct hfp){0};
}

static inline void hfp_true_zero_ext(struct hfpx *v)
{
	*v = (struct hfpx){0};
}

/* A zero result fraction of add or subtract: with the significance mask one, the intermediate
 * characteristic stays and the exception is recognised; with it zero, the result is a true zero.
 * Either way the sign is plus. */
HFP_INLINE int hfp_significance(struct hfp *v, int expo, unsigned pm)
{
	*v = (struct hfp){.expo = expo};
	if (pm & PM_SIGNIFICANCE)
		return PIC_SIGNIFICANCE;
	v->expo = 0;
	return 0;
}

static inline int hfp_significance_ext(struct hfpx *v, int expo, unsigned pm)
{
	*v = (struct hfpx){.expo = expo};
	if (pm & PM_SIGNIFICANCE) {
		v->kept_zero = true;
		return PIC_SIGNIFICANCE;
	}
	v->expo = 0;
	return 0;
}

/* Final characteristic check of a nonzero result: overflow makes it 128 less than correct (and
 * is always an exception); underflow makes it 128 greater with the mask one, else a true zero. */
HFP_INLINE int hfp_range(struct hfp *v, unsigned pm)
{
	if (unlikely(v->expo > 127)) {
		v->expo -= 128;
		return PIC_EXPONENT_OVERFLOW;
	}
	if (unlikely(v->expo < 0)) {
		if (pm & PM_EXPONENT_UNDERFLOW) {
			v->expo += 128;
			return PIC_EXPONENT_UNDERFLOW;
		}
		hfp_true_zero(v);
	}
	return 0;
}

static inline int hfp_range_ext(struct hfpx *v, unsigned pm)
{
	if (unlikely(v->expo > 127)) {
		v->expo -= 128;
		return PIC_EXPONENT_OVERFLOW;
	}
	if (unlikely(v->expo < 0)) {
		if (pm & PM_EXPONENT_UNDERFLOW) {
			v->expo += 128;
			return PIC_EXPONENT_UNDERFLOW;
		}
		hfp_true_zero_ext(v);
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------------
 * Add, subtract and compare (short, long: n = 6, 14)
 *
 * The fraction of the operand with the smaller characteristic is shifted right by the difference;
 * one guard digit is kept and digits beyond it are lost. The fractions are then added with their
 * signs into an intermediate sum of n digits, the guard digit and a possible carry digit.
 */

/* Align a and b to the larger characteristic (returned) with a guard digit: *fa and *fb get n + 1
 * digits. */
HFP_INLINE int hfp_align(const struct hfp *a, const struct hfp *b, int n, uint64_t *fa, uint64_t *fb)
{
	int d = a->expo - b->expo;
	*fa = a->frac << 4;
	*fb = b->frac << 4;
	if (d >= 0) {
		*fb = d > n ? 0 : *fb >> (4 * d);
		return a->expo;
	}
	*fa = -d > n ? 0 : *fa >> (-4 * d);
	return b->expo;
}

/* Signed-magnitude sum of aligned fractions; *sign gets the sign of a nonzero result. */
HFP_INLINE uint64_t hfp_sum(uint64_t fa, bool sa, uint64_t fb, bool sb, bool *sign)
{
	if (sa == sb) {
		*sign = sa;
		return fa + fb;
	}
	if (fa >= fb) {
		*sign = sa;
		return fa - fb;
	}
	*sign = sb;
	return fb - fa;
}

/* a + b into a (SUBTRACT: the caller inverts b's sign first). normalize selects ADD NORMALIZED
 * (postnormalization, exponent underflow possible; a zero result fraction is tested including the
 * guard digit) or ADD UNNORMALIZED (truncation without normalization; the guard digit does not
 * count toward a nonzero fraction). */
HFP_INLINE int hfp_add(struct hfp *a, const struct hfp *b, int n, bool normalize, unsigned pm)
{
	const int width = 4 * (n + 1); /* bits of fraction and guard digit */
	uint64_t fa, fb;
	bool sign;
	int expo = hfp_align(a, b, n, &fa, &fb);
	uint64_t f = hfp_sum(fa, a->sign, fb, b->sign, &sign);

	if (f >> width) { /* carry: shift right one digit, dropping the guard digit */
		*a = (struct hfp){.frac = f >> 8, .expo = expo + 1, .sign = sign};
		return hfp_range(a, pm);
	}
	if (normalize) {
		if (unlikely(f == 0))
			return hfp_significance(a, expo, pm);
		int z = f >> (width - 4) ? 0 : hfp_lead_zeros(f, n + 1);
		*a = (struct hfp){.frac = (f << 4 * z) >> 4, .expo = expo - z, .sign = sign};
		return hfp_range(a, pm);
	}
	if (unlikely((f >> 4) == 0))
		return hfp_significance(a, expo, pm);
	*a = (struct hfp){.frac = f >> 4, .expo = expo, .sign = sign};
	return 0;
}

/* COMPARE: the condition code of a - b formed as in SUBTRACT NORMALIZED, guard digit included.
 * Digits of the operand with the smaller characteristic beyond the guard digit take no part, and
 * zero fractions compare equal whatever their signs and characteristics. No exceptions. */
HFP_INLINE uint8_t hfp_compare(const struct hfp *a, const struct hfp *b, int n)
{
	uint64_t fa, fb;
	bool sign;
	hfp_align(a, b, n, &fa, &fb);
	uint64_t f = hfp_sum(fa, a->sign, fb, !b->sign, &sign);
	return hfp_cc(sign, f != 0);
}

/* ------------------------------------------------------------------------------------------------
 * Extended add and subtract (AXR, SXR)
 */

static inline int hfp_align_ext(const struct hfpx *a, const struct hfpx *b, hfp_u128 *fa, hfp_u128 *fb)
{
	int d = a->expo - b->expo;
	*fa = a->frac << 4;
	*fb = b->frac << 4;
	if (d >= 0) {
		*fb = d > HFP_EXT ? 0 : *fb >> (4 * d);
		return a->expo;
	}
	*fa = -d > HFP_EXT ? 0 : *fa >> (-4 * d);
	return b->expo;
}

/* a + b into a, normalized, with one guard digit. */
static inline int hfp_add_ext(struct hfpx *a, const struct hfpx *b, unsigned pm)
{
	const int width = 4 * (HFP_EXT + 1);
	hfp_u128 fa, fb, f;
	bool sign;
	int expo = hfp_align_ext(a, b, &fa, &fb);

	if (a->sign == b->sign) {
		f = fa + fb;
		sign = a->sign;
	} else if (fa >= fb) {
		f = fa - fb;
		sign = a->sign;
	} else {
		f = fb - fa;
		sign = b->sign;
	}
	if (f >> width) {
		*a = (struct hfpx){.frac = f >> 8, .expo = expo + 1, .sign = sign};
		return hfp_range_ext(a, pm);
	}
	if (f == 0)
		return hfp_significance_ext(a, expo, pm);
	int z = hfp_lead_zeros128(f, HFP_EXT + 1);
	*a = (struct hfpx){.frac = (f << 4 * z) >> 4, .expo = expo - z, .sign = sign};
	return hfp_range_ext(a, pm);
}

/* ------------------------------------------------------------------------------------------------
 * Multiply
 *
 * The operands are prenormalized; the characteristic of the intermediate product is the sum of
 * theirs less 64; its fraction is the exact product, shifted left one digit when its leftmost
 * digit is zero, then truncated to the result length. A zero operand fraction gives a true zero.
 */

/* MER, ME: short operands, long result (a gets 14 digits). */
HFP_INLINE int hfp_mul_short(struct hfp *a, const struct hfp *b, unsigned pm)
{
	if (a->frac == 0 || b->frac == 0) {
		hfp_true_zero(a);
		return 0;
	}
	struct hfp y = *b;
	hfp_normalize(a, HFP_SHORT);
	hfp_normalize(&y, HFP_SHORT);
	uint64_t p = a->frac * y.frac; /* 12 digits */
	int expo = a->expo + y.expo - 64;
	if ((p >> 44) == 0) {
		p <<= 4;
		expo--;
	}
	*a = (struct hfp){.frac = p << 8, .expo = expo, .sign = a->sign != y.sign};
	return hfp_range(a, pm);
}

/* MDR, MD: long operands, long result. */
HFP_INLINE int hfp_mul_long(struct hfp *a, const struct hfp *b, unsigned pm)
{
	if (a->frac == 0 || b->frac == 0) {
		hfp_true_zero(a);
		return 0;
	}
	struct hfp y = *b;
	hfp_normalize(a, HFP_LONG);
	hfp_normalize(&y, HFP_LONG);
	hfp_u128 p = (hfp_u128)a->frac * y.frac; /* 28 digits */
	int expo = a->expo + y.expo - 64;
	if ((uint64_t)(p >> 108) == 0) {
		p <<= 4;
		expo--;
	}
	*a = (struct hfp){.frac = (uint64_t)(p >> 56), .expo = expo, .sign = a->sign != y.sign};
	return hfp_range(a, pm);
}

/* MXDR, MXD: long operands, extended result (the whole product: nothing is truncated). */
static inline int hfp_mul_long_ext(struct hfpx *r, const struct hfp *a, const struct hfp *b, unsigned pm)
{
	if (a->frac == 0 || b->frac == 0) {
		hfp_true_zero_ext(r);
		return 0;
	}
	struct hfp x = *a, y = *b;
	hfp_normalize(&x, HFP_LONG);
	hfp_normalize(&y, HFP_LONG);
	hfp_u128 p = (hfp_u128)x.frac * y.frac;
	int expo = x.expo + y.expo - 64;
	if ((uint64_t)(p >> 108) == 0) {
		p <<= 4;
		expo--;
	}
	*r = (struct hfpx){.frac = p, .expo = expo, .sign = x.sign != y.sign};
	return hfp_range_ext(r, pm);
}

/* MXR: extended operands, extended result. The 56-digit product is formed in two halves from
 * 14-digit pieces of the operands: a = ah*16^14 + al, b = bh*16^14 + bl. */
static inline int hfp_mul_ext(struct hfpx *a, const struct hfpx *b, unsigned pm)
{
	if (a->frac == 0 || b->frac == 0) {
		hfp_true_zero_ext(a);
		return 0;
	}
	struct hfpx y = *b;
	hfp_normalize_ext(a);
	hfp_normalize_ext(&y);
	uint64_t ah = (uint64_t)(a->frac >> 56), al = (uint64_t)a->frac & HFP_FRAC56;
	uint64_t bh = (uint64_t)(y.frac >> 56), bl = (uint64_t)y.frac & HFP_FRAC56;
	hfp_u128 low = (hfp_u128)al * bl;
	hfp_u128 mid = (hfp_u128)ah * bl + (hfp_u128)al * bh + (low >> 56);
	hfp_u128 hi = (hfp_u128)ah * bh + (mid >> 56);               /* digits 1-28 */
	hfp_u128 lo = (mid & HFP_FRAC56) << 56 | (low & HFP_FRAC56); /* digits 29-56 */
	int expo = a->expo + y.expo - 64;
	if ((uint64_t)(hi >> 108) == 0) {
		hi = hi << 4 | lo >> 108;
		expo--;
	}
	*a = (struct hfpx){.frac = hi, .expo = expo, .sign = a->sign != y.sign};
	return hfp_range_ext(a, pm);
}

/* ------------------------------------------------------------------------------------------------
 * Divide
 *
 * A zero divisor fraction is a floating-point divide exception (even 0/0); otherwise a zero
 * dividend fraction gives a true zero. The operands are prenormalized; the intermediate quotient's
 * characteristic is the dividend's less the divisor's plus 64; when the dividend fraction is not
 * less than the divisor's, the quotient has a digit left of the radix point and is shifted right
 * one digit (characteristic plus one). The quotient fraction is truncated.
 */

/* 64-by-32-bit division; the quotient must fit in 32 bits (n >> 32 < d). A 32-bit divide is much
 * faster than a 64-bit one on many x86-64 processors, and DE is on the benchmark's path. */
HFP_INLINE uint32_t hfp_div64(uint64_t n, uint32_t d)
{
#if defined(__x86_64__)
	uint32_t q, r;
	__asm__("divl %4" : "=a"(q), "=d"(r) : "a"((uint32_t)n), "d"((uint32_t)(n >> 32)), "rm"(d));
	return q;
#else
	return (uint32_t)(n / d);
#endif
}

/* 128-by-64-bit division; the quotient must fit in 64 bits (n >> 64 < d). */
HFP_INLINE uint64_t hfp_div128(hfp_u128 n, uint64_t d)
{
#if defined(__x86_64__)
	uint64_t q, r;
	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"((uint64_t)n), "d"((uint64_t)(n >> 64)), "rm"(d));
	return q;
#else
	return (uint64_t)(n / d);
#endif
}

/* DER, DE (n = 6) and DDR, DD (n = 14): a / b into a. */
HFP_INLINE int hfp_div(struct hfp *a, const struct hfp *b, int n, unsigned pm)
{
	if (unlikely(b->frac == 0))
		return PIC_FLOAT_DIVIDE;
	if (a->frac == 0) {
		hfp_true_zero(a);
		return 0;
	}
	struct hfp y = *b;
	hfp_normalize(a, n);
	hfp_normalize(&y, n);
	int expo = a->expo - y.expo + 64;
	int shift = 4 * n;
	if (a->frac >= y.frac) {
		shift -= 4;
		expo++;
	}
	uint64_t q = n == HFP_SHORT ? hfp_div64(a->frac << shift, (uint32_t)y.frac)
				    : hfp_div128((hfp_u128)a->frac << shift, y.frac);
	*a = (struct hfp){.frac = q, .expo = expo, .sign = a->sign != y.sign};
	return hfp_range(a, pm);
}

/* DXR: a / b into a, by restoring binary division. */
static inline int hfp_div_ext(struct hfpx *a, const struct hfpx *b, unsigned pm)
{
	if (b->frac == 0)
		return PIC_FLOAT_DIVIDE;
	if (a->frac == 0) {
		hfp_true_zero_ext(a);
		return 0;
	}
	struct hfpx y = *b;
	hfp_normalize_ext(a);
	hfp_normalize_ext(&y);
	int expo = a->expo - y.expo + 64;
	int bits = 4 * HFP_EXT;
	hfp_u128 r = a->frac, q = 0;
	if (r >= y.frac) { /* one quotient digit left of the radix point */
		bits -= 4;
		expo++;
		for (int i = 3; i >= 0; i--) {
			if (r >= y.frac << i) {
				r -= y.frac << i;
				q |= (hfp_u128)1 << i;
			}
		}
	}
	for (int i = 0; i < bits; i++) {
		r <<= 1;
		q <<= 1;
		if (r >= y.frac) {
			r -= y.frac;
			q |= 1;
		}
	}
	*a = (struct hfpx){.frac = q, .expo = expo, .sign = a->sign != y.sign};
	return hfp_range_ext(a, pm);
}

/* ------------------------------------------------------------------------------------------------
 * Halve and load rounded
 */

/* HER (n = 6), HDR (n = 14): the fraction is shifted right one bit into a guard digit, and the
 * result is normalized (System/370; System/360 only shifted). A zero fraction gives a true zero. */
static inline int hfp_halve(struct hfp *a, int n, unsigned pm)
{
	uint64_t f = a->frac << 3; /* n digits and the guard digit */
	if (f == 0) {
		hfp_true_zero(a);
		return 0;
	}
	int z = hfp_lead_zeros(f, n + 1);
	a->frac = (f << 4 * z) >> 4;
	a->expo -= z;
	return hfp_range(a, pm);
}

/* LRER: a long number rounded to short: one is added to the leftmost dropped bit (bit 32 of the
 * long format); a carry out of the fraction shifts it right one digit and raises the
 * characteristic, which may overflow. Sign and characteristic are otherwise unchanged, and no
 * normalization takes place. */
static inline int hfp_round_short(struct hfp *a)
{
	uint64_t f = (a->frac + (1ull << 31)) >> 32;
	if (f >> 24) {
		f >>= 4;
		a->expo++;
	}
	a->frac = f;
	return hfp_range(a, 0);
}

/* LRDR: an extended number rounded to long, by the leftmost bit of the low-order part's fraction. */
static inline int hfp_round_long(struct hfp *r, const struct hfpx *a)
{
	uint64_t f = (uint64_t)(a->frac >> 56) + (uint64_t)((a->frac >> 55) & 1);
	*r = (struct hfp){.frac = f, .expo = a->expo, .sign = a->sign};
	if (f >> 56) {
		r->frac = f >> 4;
		r->expo++;
	}
	return hfp_range(r, 0);
}

#endif
