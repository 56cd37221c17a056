/*
 * insn_decimal.c - the decimal instructions (GA22-7000 chapter 8: AP, SP, ZAP, CP, MP, DP, SRP, ED,
 * EDMK), the conversions CVB and CVD, and the packed/zoned moves PACK, UNPK and MVO (chapter 7).
 *
 * Handlers follow cpu.h's contract: c->ia is the instruction's address on entry; set it to the next
 * instruction before returning.
 *
 * The arithmetic instructions fetch each operand whole, check it, compute with the pure functions
 * below (declared in decimal.h) and store the result once, after every byte of the result field
 * has been checked for access. They recognise exceptions in this order, as Hercules does:
 * specification (MP, DP); operand 1 fetched (access), then checked (data); operand 2 likewise;
 * the remaining data and decimal-divide conditions; operand 1 stored (access). All of these
 * suppress the operation. Decimal overflow is recognised after the result is stored (completion).
 * Because both operands are fetched before anything is stored, operands that overlap with
 * coincident rightmost bytes (and, for ZAP, with the result to the right) give the architected
 * result.
 *
 * PACK, UNPK, MVO, ED and EDMK work on storage one byte at a time in the manual's order, so that
 * any overlap of their operands gives the architected result: each result byte is stored as soon
 * as the operand bytes it needs have been fetched.
 */
#include <string.h>

#include "machine/decimal.h"
#include "machine/insn_table.h"

/* ------------------------------------------------------------------------------------------------
 * Packed-decimal arithmetic (pure; see decimal.h)
 */

#define REP64(x) ((dec_bcd)(x) << 64 | (x))
/* A 6 in every nibble: added to a digit, it carries exactly when the digit is 10 or more. */
#define SIXES REP64(0x6666666666666666u)
/* Bit 4k+4 for k = 0..30: the carry (or borrow) out of nibble k. */
#define CARRIES (((dec_bcd)0x1111111111111111u << 64) | 0x1111111111111110u)
/* 6 in each nibble whose carry-out bit (see CARRIES) is in flags. */
#define SIX_WHERE(flags) (((flags) >> 2) | ((flags) >> 3))

static inline dec_bcd low_digits(unsigned digits)
{
	return ((dec_bcd)1 << (4 * digits)) - 1;
}

static inline bool bcd_valid(dec_bcd d)
{
	/* With every digit valid, adding 6 to each nibble carries nowhere; the lowest invalid
	 * digit carries into the nibble above it (never out of the word: the top nibble is 0). */
	return !(((d + SIXES) ^ d ^ SIXES) & CARRIES);
}

static inline dec_bcd bcd_add(dec_bcd a, dec_bcd b)
{
	/* Binary addition of a+6 and b carries out of a nibble exactly when the decimal digit sum
	 * does; the nibbles that did not carry hold digit+6 and get the 6 taken back. The top
	 * nibble never carries (the sum has at most 32 digits), so it always gives its 6 back. */
	dec_bcd t = a + SIXES;
	dec_bcd sum = t + b;
	dec_bcd nocarry = ~(sum ^ t ^ b) & CARRIES;
	return sum - SIX_WHERE(nocarry) - ((dec_bcd)6 << 124);
}

static inline dec_bcd bcd_sub(dec_bcd a, dec_bcd b)
{
	/* A nibble that borrowed holds digit+16 where it should hold digit+10. */
	dec_bcd diff = a - b;
	dec_bcd borrows = (diff ^ a ^ b) & CARRIES;
	return diff - SIX_WHERE(borrows);
}

/* The len (1..8) bytes at p as a big-endian number, read with at most two loads. */
static inline uint64_t load_be(const uint8_t *p, unsigned len)
{
	if (len >= 4) {
		/* Bytes 0-3, and the last four, which overlap them unless len is 8. */
		unsigned low = 8 * (len - 4);
		uint64_t tail = be32(p + len - 4) & ((1ull << low) - 1);
		return (uint64_t)be32(p) << low | tail;
	}
	uint64_t v = p[0];
	if (len >= 2)
		v = v << 8 | p[1];
	if (len == 3)
		v = v << 8 | p[2];
	return v;
}

/* Store the rightmost len (1..8) bytes of v big-endian at p. */
static inline void store_be(uint8_t *p, unsigned len, uint64_t v)
{
	if (len >= 4) {
		put_be32(p + len - 4, (uint32_t)v);
		put_be32(p, (uint32_t)(v >> 8 * (len - 4)));
		return;
	}
	for (unsigned i = len; i-- > 0; v >>= 8)
		p[i] = (uint8_t)v;
}

static inline bool packed_load(const uint8_t *p, unsigned len, struct dec *v)
{
	dec_bcd field;
	if (len <= 8)
		field = load_be(p, len);
	else
		field = (dec_bcd)load_be(p, len - 8) << 64 | be64(p + len - 8);
	unsigned sign = (unsigned)field & 15;
	v->mag = field >> 4;
	v->neg = sign == 0xB || sign == 0xD;
	return sign >= 0xA && bcd_valid(v->mag);
}

static inline void packed_store(uint8_t *p, unsigned len, struct dec v)
{
	dec_bcd field = v.mag << 4 | (v.neg ? 0xD : 0xC);
	if (len <= 8) {
		store_be(p, len, (uint64_t)field);
		return;
	}
	put_be64(p + len - 8, (uint64_t)field);
	store_be(p, len - 8, (uint64_t)(field >> 64));
}

static inline struct dec signed_add(struct dec a, struct dec b)
{
	if (a.neg == b.neg)
		return (struct dec){bcd_add(a.mag, b.mag), a.neg};
	if (a.mag >= b.mag)
		return (struct dec){bcd_sub(a.mag, b.mag), a.neg};
	return (struct dec){bcd_sub(b.mag, a.mag), b.neg};
}

static inline uint8_t fit(struct dec *v, unsigned digits)
{
	if (v->mag == 0) {
		v->neg = false;
		return 0;
	}
	if (v->mag >> (4 * digits)) {
		v->mag &= low_digits(digits);
		return 3;
	}
	return v->neg ? 1 : 2;
}

/* The exported names of the functions above (decimal.h), for the table tests. */
bool dec_bcd_valid(dec_bcd d)
{
	return bcd_valid(d);
}

dec_bcd dec_bcd_add(dec_bcd a, dec_bcd b)
{
	return bcd_add(a, b);
}

dec_bcd dec_bcd_sub(dec_bcd a, dec_bcd b)
{
	return bcd_sub(a, b);
}

bool dec_load(const uint8_t *p, unsigned len, struct dec *v)
{
	return packed_load(p, len, v);
}

void dec_store(uint8_t *p, unsigned len, struct dec v)
{
	packed_store(p, len, v);
}

struct dec dec_add(struct dec a, struct dec b)
{
	return signed_add(a, b);
}

uint8_t dec_fit(struct dec *v, unsigned digits)
{
	return fit(v, digits);
}

uint8_t dec_compare(struct dec a, struct dec b)
{
	bool aneg = a.neg && a.mag, bneg = b.neg && b.mag;
	if (aneg != bneg)
		return aneg ? 1 : 2;
	if (a.mag == b.mag)
		return 0;
	return (a.mag < b.mag) != aneg ? 1 : 2;
}

/* 16 BCD digits to binary, all digits at once: pairs of digits, then of pairs, and so on. */
static uint64_t bcd16_to_binary(uint64_t x)
{
	x = (x & 0x0F0F0F0F0F0F0F0Fu) + ((x >> 4) & 0x0F0F0F0F0F0F0F0Fu) * 10;
	x = (x & 0x00FF00FF00FF00FFu) + ((x >> 8) & 0x00FF00FF00FF00FFu) * 100;
	x = (x & 0x0000FFFF0000FFFFu) + ((x >> 16) & 0x0000FFFF0000FFFFu) * 10000;
	return (x & 0xFFFFFFFFu) + (x >> 32) * 100000000u;
}

/* x < 10^8 to 8 BCD digits: split into lanes of 4, 2 and 1 digits, dividing all lanes at once
 * by multiplying with a reciprocal, then squeeze the one-digit bytes into nibbles. */
static uint32_t binary_to_bcd8(uint32_t x)
{
	uint64_t v = (uint64_t)(x / 10000) << 32 | x % 10000;  /* two 32-bit lanes < 10^4 */
	uint64_t q = (v * 5243 >> 19) & 0x0000007F0000007Fu;   /* each lane / 100 */
	v = q << 16 | (v - q * 100);                          /* four 16-bit lanes < 100 */
	q = (v * 103 >> 10) & 0x000F000F000F000Fu;             /* each lane / 10 */
	v = q << 8 | (v - q * 10);                            /* eight bytes < 10 */
	v = (v | v >> 4) & 0x00FF00FF00FF00FFu;
	v = (v | v >> 8) & 0x0000FFFF0000FFFFu;
	return (uint32_t)(v | v >> 16);
}

/* v < 10^16 to 16 BCD digits. */
static uint64_t binary_to_bcd16(uint64_t v)
{
	return (uint64_t)binary_to_bcd8((uint32_t)(v / 100000000u)) << 32 |
	       binary_to_bcd8((uint32_t)(v % 100000000u));
}

#define TEN16 10000000000000000u

static unsigned __int128 bcd_to_binary(dec_bcd d)
{
	return (unsigned __int128)bcd16_to_binary((uint64_t)(d >> 64)) * TEN16 +
	       bcd16_to_binary((uint64_t)d);
}

/* v < 10^32. */
static dec_bcd binary_to_bcd(unsigned __int128 v)
{
	uint64_t hi = (uint64_t)(v / TEN16);
	uint64_t lo = (uint64_t)(v - (unsigned __int128)hi * TEN16);
	return (dec_bcd)binary_to_bcd16(hi) << 64 | binary_to_bcd16(lo);
}

struct dec dec_multiply(struct dec a, struct dec b)
{
	unsigned __int128 product = bcd_to_binary(a.mag) * bcd_to_binary(b.mag);
	return (struct dec){binary_to_bcd(product), a.neg != b.neg};
}

void dec_divide(struct dec a, struct dec b, struct dec *quot, struct dec *rem)
{
	unsigned __int128 dividend = bcd_to_binary(a.mag), divisor = bcd_to_binary(b.mag);
	quot->mag = binary_to_bcd(dividend / divisor);
	quot->neg = a.neg != b.neg;
	rem->mag = binary_to_bcd(dividend % divisor);
	rem->neg = a.neg;
}

uint8_t dec_shift(struct dec *v, int shift, unsigned round, unsigned digits)
{
	bool overflow = false;
	if (shift > 0) {
		unsigned n = (unsigned)shift;
		if (n >= digits) {
			overflow = v->mag != 0;
			v->mag = 0;
		} else {
			overflow = (v->mag >> (4 * (digits - n))) != 0;
			v->mag = (v->mag << (4 * n)) & low_digits(digits);
		}
	} else if (shift < 0) {
		unsigned n = (unsigned)-shift;  /* 1..32; digit 31 (the 32nd) is always zero */
		unsigned out = n > DEC_MAX_DIGITS ? 0 : (unsigned)(v->mag >> (4 * (n - 1))) & 15;
		v->mag = n > DEC_MAX_DIGITS ? 0 : v->mag >> (4 * n);
		if (out + round >= 10)
			v->mag = bcd_add(v->mag, 1);
	}
	if (overflow)
		return 3;
	if (v->mag == 0) {
		v->neg = false;
		return 0;
	}
	return v->neg ? 1 : 2;
}

bool dec_to_binary(uint64_t field, int64_t *out)
{
	unsigned sign = field & 15;
	uint64_t mag = field >> 4;
	if (sign < 0xA || !bcd_valid(mag))
		return false;
	int64_t v = (int64_t)bcd16_to_binary(mag);
	*out = sign == 0xB || sign == 0xD ? -v : v;
	return true;
}

uint64_t dec_from_binary(int32_t v)
{
	uint32_t mag = v < 0 ? 0 - (uint32_t)v : (uint32_t)v; /* at most 10 digits */
	uint32_t top = mag / 100000000u;                      /* 0..21 */
	uint64_t digits = (uint64_t)((top / 10) << 4 | top % 10) << 32 |
			  binary_to_bcd8(mag % 100000000u);
	return digits << 4 | (v < 0 ? 0xD : 0xC);
}

/* ------------------------------------------------------------------------------------------------
 * Operands in storage
 */

/* Fetch the packed operand of len bytes at addr; data exception when a code is invalid. (Inlined:
 * passing the 128-bit digits back through memory costs more than the rest of an AP.) */
static inline __attribute__((always_inline)) void fetch_dec(struct cpu *c, uint32_t addr,
							    unsigned len, struct dec *v)
{
	uint8_t buf[DEC_MAX_BYTES];
	const uint8_t *p;
	if (likely(in_block(addr, len))) {
		p = mem_fetch_ptr(c, addr);
	} else {
		mem_fetch_bytes(c, addr, buf, len);
		p = buf;
	}
	if (unlikely(!packed_load(p, len, v)))
		program_check(c, PIC_DATA);
}

/* Store v as the packed field of len bytes at addr (every byte checked before the first store). */
static inline void store_dec(struct cpu *c, uint32_t addr, unsigned len, struct dec v)
{
	if (likely(in_block(addr, len))) {
		packed_store(mem_store_ptr(c, addr), len, v);
		return;
	}
	uint8_t buf[DEC_MAX_BYTES];
	packed_store(buf, len, v);
	mem_store_bytes(c, addr, buf, len);
}

/* Set the condition code of an AP, SP, ZAP or SRP result already stored, and take the decimal-
 * overflow interruption when the program mask allows it (the operation is completed). */
static void set_cc_decimal(struct cpu *c, uint8_t cc)
{
	c->cc = cc;
	if (unlikely(cc == 3) && (c->progmask & PM_DECIMAL_OVERFLOW))
		program_check(c, PIC_DECIMAL_OVERFLOW);
}

/* An operand of the byte-at-a-time instructions. One that lies in a single 2K block is translated
 * once, on its first fetch (resp. store); one that crosses a block boundary or wraps at 16M is
 * translated per byte. Bytes are read and written in host storage itself, so a fetch sees every
 * store made before it, through either operand. */
struct opnd {
	uint32_t addr;
	bool one_block;
	const uint8_t *fetch_host;
	uint8_t *store_host;
};

static inline void opnd_init(struct opnd *o, uint32_t addr, unsigned len)
{
	o->addr = addr;
	o->one_block = in_block(addr, len);
	o->fetch_host = NULL;
	o->store_host = NULL;
}

static inline uint8_t opnd_fetch(struct cpu *c, struct opnd *o, unsigned i)
{
	if (likely(o->one_block)) {
		if (unlikely(!o->fetch_host))
			o->fetch_host = mem_fetch_ptr(c, o->addr);
		return o->fetch_host[i];
	}
	return vfetch1(c, (o->addr + i) & AMASK);
}

static inline uint8_t *opnd_store_ptr(struct cpu *c, struct opnd *o, unsigned i)
{
	if (likely(o->one_block)) {
		if (unlikely(!o->store_host))
			o->store_host = mem_store_ptr(c, o->addr);
		return o->store_host + i;
	}
	return mem_store_ptr(c, (o->addr + i) & AMASK);
}

static inline void opnd_store(struct cpu *c, struct opnd *o, unsigned i, uint8_t v)
{
	*opnd_store_ptr(c, o, i) = v;
}

/* Before the first store: an operand that crosses a block is checked whole, so that no byte is
 * stored when a later one is inaccessible. (One in a single block is checked by its first use.) */
static inline void opnd_precheck(struct cpu *c, const struct opnd *o, unsigned len, enum access acc)
{
	if (!o->one_block)
		mem_check(c, o->addr, len, acc);
}

/* ------------------------------------------------------------------------------------------------
 * Decimal arithmetic
 */

/* Operand lengths in bytes (1..16) from the L1 and L2 fields. */
#define LEN1(ip) (((unsigned)(ip)[1] >> 4) + 1)
#define LEN2(ip) (((unsigned)(ip)[1] & 15) + 1)

static void add_decimal(struct cpu *c, const uint8_t *ip, bool subtract)
{
	unsigned l1 = LEN1(ip), l2 = LEN2(ip);
	uint32_t a1 = ea_ss1(c, ip), a2 = ea_ss2(c, ip);
	struct dec x, y;
	fetch_dec(c, a1, l1, &x);
	fetch_dec(c, a2, l2, &y);
	if (subtract)
		y.neg = !y.neg;
	struct dec sum = signed_add(x, y);
	uint8_t cc = fit(&sum, DEC_DIGITS(l1));
	store_dec(c, a1, l1, sum);
	NEXT_INSN(c, 6);
	set_cc_decimal(c, cc);
}

/* AP D1(L1,B1),D2(L2,B2) - Add Decimal [SS]. CC 0 zero, 1 < 0, 2 > 0, 3 overflow. */
void op_ap(struct cpu *c, const uint8_t *ip)
{
	add_decimal(c, ip, false);
}

/* SP D1(L1,B1),D2(L2,B2) - Subtract Decimal [SS]: AP with the second operand's sign inverted. */
void op_sp(struct cpu *c, const uint8_t *ip)
{
	add_decimal(c, ip, true);
}

/* ZAP D1(L1,B1),D2(L2,B2) - Zero and Add [SS]. Only the second operand is checked; the first is
 * not fetched. CC as for AP. */
void op_zap(struct cpu *c, const uint8_t *ip)
{
	unsigned l1 = LEN1(ip), l2 = LEN2(ip);
	uint32_t a1 = ea_ss1(c, ip);
	struct dec v;
	fetch_dec(c, ea_ss2(c, ip), l2, &v);
	uint8_t cc = fit(&v, DEC_DIGITS(l1));
	store_dec(c, a1, l1, v);
	NEXT_INSN(c, 6);
	set_cc_decimal(c, cc);
}

/* CP D1(L1,B1),D2(L2,B2) - Compare Decimal [SS]. CC 0 equal, 1 first low, 2 first high. */
void op_cp(struct cpu *c, const uint8_t *ip)
{
	struct dec x, y;
	fetch_dec(c, ea_ss1(c, ip), LEN1(ip), &x);
	fetch_dec(c, ea_ss2(c, ip), LEN2(ip), &y);
	c->cc = dec_compare(x, y);
	NEXT_INSN(c, 6);
}

/* MP and DP: the second operand at most 8 bytes and shorter than the first. */
static void check_mp_dp_lengths(struct cpu *c, unsigned l1, unsigned l2)
{
	if (l2 > 8 || l2 >= l1)
		program_check(c, PIC_SPECIFICATION);
}

/* MP D1(L1,B1),D2(L2,B2) - Multiply Decimal [SS]. The multiplicand must have at least as many
 * bytes of leftmost zeros as the multiplier has bytes (else data exception), so the product,
 * which replaces it, always fits. CC unchanged. */
void op_mp(struct cpu *c, const uint8_t *ip)
{
	unsigned l1 = LEN1(ip), l2 = LEN2(ip);
	check_mp_dp_lengths(c, l1, l2);
	uint32_t a1 = ea_ss1(c, ip);
	struct dec x, y;
	fetch_dec(c, a1, l1, &x);
	fetch_dec(c, ea_ss2(c, ip), l2, &y);
	if (x.mag >> (4 * (DEC_DIGITS(l1) - 2 * l2)))
		program_check(c, PIC_DATA);
	store_dec(c, a1, l1, dec_multiply(x, y));
	NEXT_INSN(c, 6);
}

/* DP D1(L1,B1),D2(L2,B2) - Divide Decimal [SS]. The quotient replaces the leftmost L1-L2 bytes
 * of the dividend, the remainder its rightmost L2+1 bytes. Decimal-divide exception (suppressed)
 * when the divisor is zero or the quotient does not fit. CC unchanged. */
void op_dp(struct cpu *c, const uint8_t *ip)
{
	unsigned l1 = LEN1(ip), l2 = LEN2(ip);
	check_mp_dp_lengths(c, l1, l2);
	uint32_t a1 = ea_ss1(c, ip);
	struct dec x, y, quot, rem;
	fetch_dec(c, a1, l1, &x);
	fetch_dec(c, ea_ss2(c, ip), l2, &y);
	if (y.mag == 0)
		program_check(c, PIC_DECIMAL_DIVIDE);
	dec_divide(x, y, &quot, &rem);
	if (quot.mag >> (4 * DEC_DIGITS(l1 - l2)))
		program_check(c, PIC_DECIMAL_DIVIDE);
	uint8_t buf[DEC_MAX_BYTES];
	packed_store(buf, l1 - l2, quot);
	packed_store(buf + l1 - l2, l2, rem);
	if (likely(in_block(a1, l1)))
		memcpy(mem_store_ptr(c, a1), buf, l1);
	else
		mem_store_bytes(c, a1, buf, l1);
	NEXT_INSN(c, 6);
}

/* SRP D1(L1,B1),D2(B2),I3 - Shift and Round Decimal [SS]. Bits 26-31 of the second-operand
 * address are a signed shift: positive left, negative right with rounding by I3. The rounding
 * digit is checked even when no rounding takes place. CC as for AP. */
void op_srp(struct cpu *c, const uint8_t *ip)
{
	unsigned l1 = LEN1(ip), round = ip[1] & 15;
	uint32_t a1 = ea_ss1(c, ip);
	int shift = (int)(ea_ss2(c, ip) & 0x3F);
	if (shift >= 32)
		shift -= 64;
	struct dec v;
	fetch_dec(c, a1, l1, &v);
	if (round > 9)
		program_check(c, PIC_DATA);
	uint8_t cc = dec_shift(&v, shift, round, DEC_DIGITS(l1));
	store_dec(c, a1, l1, v);
	NEXT_INSN(c, 6);
	set_cc_decimal(c, cc);
}

/* ------------------------------------------------------------------------------------------------
 * Conversions (GA22-7000 chapter 7). In S/370 the doubleword operand need not be aligned.
 */

/* CVB R1,D2(X2,B2) - Convert to Binary [RX]. A value outside the 32-bit range completes with the
 * rightmost 32 bits of the result in R1 and a fixed-point-divide exception. */
const struct dinsn *op_cvb(struct cpu *c, const struct dinsn *d)
{
	int64_t v;
	if (unlikely(!dec_to_binary(vfetch8(c, dea_rx(c, d)), &v)))
		program_check(c, PIC_DATA);
	c->gr[d->r1] = (uint32_t)v;
	if (unlikely(v < INT32_MIN || v > INT32_MAX))
		program_check(c, PIC_FIXED_DIVIDE);
	return NEXT(d, 4);
}

/* CVD R1,D2(X2,B2) - Convert to Decimal [RX]: eight bytes, sign C or D. */
const struct dinsn *op_cvd(struct cpu *c, const struct dinsn *d)
{
	vstore8(c, dea_rx(c, d), dec_from_binary((int32_t)c->gr[d->r1]));
	return NEXT(d, 4);
}

/* ------------------------------------------------------------------------------------------------
 * Packed and zoned moves (GA22-7000 chapter 7), right to left one byte at a time. The operand
 * lengths are independent: a short second operand is extended with zeros, a long one truncated.
 * No codes are checked.
 */

/* PACK D1(L1,B1),D2(L2,B2) - Pack [SS]. The rightmost byte has its two halves exchanged; then
 * each result byte gets the numeric halves of the next two second-operand bytes. */
const struct dinsn *op_pack(struct cpu *c, const struct dinsn *d)
{
	unsigned i = d->l >> 4, j = d->l & 15; /* indexes of the rightmost bytes */
	struct opnd o1, s;
	opnd_init(&o1, dea_s1(c, d), i + 1);
	opnd_init(&s, dea_s2(c, d), j + 1);
	opnd_precheck(c, &o1, i + 1, ACC_STORE);
	opnd_precheck(c, &s, j + 1, ACC_FETCH);
	uint8_t b = opnd_fetch(c, &s, j);
	opnd_store(c, &o1, i, (uint8_t)(b << 4 | b >> 4));
	while (i > 0) {
		uint8_t r = 0;
		if (j > 0) {
			r = opnd_fetch(c, &s, --j) & 0x0F;
			if (j > 0)
				r |= (uint8_t)(opnd_fetch(c, &s, --j) << 4);
		}
		opnd_store(c, &o1, --i, r);
	}
	return NEXT(d, 6);
}

/* UNPK D1(L1,B1),D2(L2,B2) - Unpack [SS]. The rightmost byte has its two halves exchanged; then
 * each second-operand byte gives two result bytes, each digit with zone F, both stored as soon as
 * the byte has been fetched. */
const struct dinsn *op_unpk(struct cpu *c, const struct dinsn *d)
{
	unsigned i = d->l >> 4, j = d->l & 15;
	struct opnd o1, s;
	opnd_init(&o1, dea_s1(c, d), i + 1);
	opnd_init(&s, dea_s2(c, d), j + 1);
	opnd_precheck(c, &o1, i + 1, ACC_STORE);
	opnd_precheck(c, &s, j + 1, ACC_FETCH);
	uint8_t b = opnd_fetch(c, &s, j);
	opnd_store(c, &o1, i, (uint8_t)(b << 4 | b >> 4));
	while (i > 0) {
		b = j > 0 ? opnd_fetch(c, &s, --j) : 0;
		opnd_store(c, &o1, --i, 0xF0 | (b & 0x0F));
		if (i > 0)
			opnd_store(c, &o1, --i, 0xF0 | b >> 4);
	}
	return NEXT(d, 6);
}

/* MVO D1(L1,B1),D2(L2,B2) - Move with Offset [SS]. The second operand is placed to the left of the
 * rightmost four bits of the first, which are kept: every digit moves left by one half byte. */
const struct dinsn *op_mvo(struct cpu *c, const struct dinsn *d)
{
	unsigned i = d->l >> 4, j = d->l & 15;
	struct opnd o1, s;
	opnd_init(&o1, dea_s1(c, d), i + 1);
	opnd_init(&s, dea_s2(c, d), j + 1);
	opnd_precheck(c, &o1, i + 1, ACC_STORE);
	opnd_precheck(c, &s, j + 1, ACC_FETCH);
	uint8_t b = opnd_fetch(c, &s, j);
	uint8_t keep = opnd_fetch(c, &o1, i) & 0x0F;
	opnd_store(c, &o1, i, (uint8_t)(b << 4) | keep);
	while (i > 0) {
		uint8_t r = b >> 4;
		b = j > 0 ? opnd_fetch(c, &s, --j) : 0;
		opnd_store(c, &o1, --i, (uint8_t)(b << 4) | r);
	}
	return NEXT(d, 6);
}

/* ------------------------------------------------------------------------------------------------
 * Editing
 */

/* Pattern bytes with a control function; any other is a message byte. */
enum {
	ED_DIGIT_SELECTOR = 0x20,
	ED_SIGNIFICANCE_STARTER = 0x21,
	ED_FIELD_SEPARATOR = 0x22,
};

/*
 * One pass of ED/EDMK over the len-byte pattern at a1 with the source at a2, left to right. The
 * first pattern byte is also the fill byte. A digit selector or significance starter takes the
 * next source digit: the left digit of a source byte is fetched (and checked, data exception) with
 * the byte, and when the byte's right half is a sign it is not a digit: a plus sign turns the
 * significance indicator off, and the next digit comes from the next byte. A result byte is the
 * zoned digit when the digit is nonzero or significance was already on, else the fill byte. A
 * field separator becomes the fill byte and starts a new field; a message byte stays when
 * significance is on, else becomes the fill byte. EDMK puts the address of each result digit that
 * turned significance on into GR1 bits 8-31.
 *
 * A trial pass stores nothing and changes no register: it only raises the access and data
 * exceptions a real pass would meet. Returns the condition code: 0 the last field is zero, 1 it
 * is nonzero and significance is on at the end (minus), 2 nonzero and significance off.
 */
static uint8_t edit_pass(struct cpu *c, uint32_t a1, uint32_t a2, unsigned len, bool mark,
			 bool trial)
{
	struct opnd pat, src;
	opnd_init(&pat, a1, len);
	opnd_init(&src, a2, len);
	uint8_t fill = 0, sbyte = 0, cc = 0;
	bool sig = false, right = false; /* right: the right half of sbyte is the next digit */
	unsigned k = 0;                  /* next source byte */

	for (unsigned i = 0; i < len; i++) {
		uint8_t pb = opnd_fetch(c, &pat, i), rb;
		if (i == 0)
			fill = pb;
		if (pb == ED_DIGIT_SELECTOR || pb == ED_SIGNIFICANCE_STARTER) {
			unsigned digit;
			if (!right) {
				sbyte = opnd_fetch(c, &src, k++);
				digit = sbyte >> 4;
				if (digit > 9)
					program_check(c, PIC_DATA);
				right = true;
			} else {
				digit = sbyte & 15;
				right = false;
			}
			if (mark && !trial && digit && !sig)
				c->gr[1] = (c->gr[1] & ~AMASK) | ((a1 + i) & AMASK);
			rb = sig || digit ? 0xF0 | digit : fill;
			if (digit)
				cc = 2;
			if (pb == ED_SIGNIFICANCE_STARTER || digit)
				sig = true;
			if (right && (sbyte & 15) > 9) {
				if ((sbyte & 15) != 0xB && (sbyte & 15) != 0xD)
					sig = false;
				right = false;
			}
		} else if (pb == ED_FIELD_SEPARATOR) {
			rb = fill;
			sig = false;
			cc = 0;
		} else {
			rb = sig ? pb : fill;
		}
		uint8_t *p = opnd_store_ptr(c, &pat, i);
		if (!trial)
			*p = rb;
	}
	return sig && cc == 2 ? 1 : cc;
}

/*
 * ED and EDMK. A pattern that crosses a block is checked for store whole before the first byte is
 * stored. When the source might cross a block, a trial pass first recognises every access and
 * data exception, so that none is recognised after part of the result is stored (as Hercules
 * does). Otherwise a data exception for an invalid source digit terminates the operation with the
 * result bytes to its left already stored, which the manual allows.
 */
static void edit(struct cpu *c, const uint8_t *ip, bool mark)
{
	unsigned len = ip[1] + 1u;
	uint32_t a1 = ea_ss1(c, ip), a2 = ea_ss2(c, ip);
	if (!in_block(a1, len))
		mem_check(c, a1, len, ACC_STORE);
	if (!in_block(a2, len))
		(void)edit_pass(c, a1, a2, len, mark, true);
	c->cc = edit_pass(c, a1, a2, len, mark, false);
	NEXT_INSN(c, 6);
}

/* ED D1(L,B1),D2(B2) - Edit [SS]. CC 0 last field zero, 1 less than zero, 2 greater than zero. */
void op_ed(struct cpu *c, const uint8_t *ip)
{
	edit(c, ip, false);
}

/* EDMK D1(L,B1),D2(B2) - Edit and Mark [SS]: ED, and GR1 bits 8-31 get the address of the rightmost
 * result digit that turned significance on (GR1 unchanged when none did). */
void op_edmk(struct cpu *c, const uint8_t *ip)
{
	edit(c, ip, true);
}
