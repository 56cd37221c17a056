/*
 * insn_general_ss.c - general instructions in storage-to-storage and long forms: MVC, MVN, MVZ,
 * NC, OC, XC, CLC, TR, TRT, MVCIN, MVCL and CLCL (GA22-7000 chapter 7).
 *
 * Handlers follow cpu.h's contract: c->ia is the instruction's address on entry; set it to the next
 * instruction before returning. Addresses are 24 bits and wrap from X'FFFFFF' to 0.
 *
 * SS operands (1 to 256 bytes) take one of two paths:
 *
 *  - fast: both operands inside one 2K block each. One TLB probe per operand, then the work is
 *    done on host pointers (memmove, memcmp, word-wide logic).
 *  - slow: an operand crosses a block (or wraps at 16M). Every block of both operands is
 *    translated (in the order Hercules 3.13 uses, see ss_slow) before anything is stored, so an
 *    access exception suppresses the instruction with storage unchanged. The work is then done in at most three segments in
 *    which both operands are contiguous in host storage.
 *
 * Overlap. MVC, MVN, MVZ, NC, OC, XC and TR are defined byte by byte, left to right, each result
 * byte stored before the next operand byte is fetched. That is decided on host addresses (two
 * logical addresses can name the same storage through prefixing or, later, DAT), and only the
 * shape "destination starts inside the source at a higher address" needs the byte loop; every
 * other shape gives the same result as a block operation.
 *
 * MVCL and CLCL are interruptible: they work in units bounded by the 2K blocks of both operands,
 * and the registers are brought up to date after every unit, so an access exception in a later
 * unit leaves them describing exactly the bytes already processed (GA22-7000, "Types of Ending
 * for a Unit of Operation": a suppressed unit leaves the old PSW past the instruction with the
 * operand parameters updated; a nullified unit - page translation, once DAT exists - leaves it at
 * the instruction, and re-executing it resumes the operation).
 */
#include <string.h>

#include "machine/insn_table.h"

/* ------------------------------------------------------------------------------------------------
 * Small helpers
 */

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Bytes from va to the end of its 2K block. */
static inline uint32_t block_room(uint32_t va)
{
	return BLOCK_SIZE - (va & BLOCK_MASK);
}

static inline uint8_t cc_of_memcmp(int r)
{
	return r == 0 ? 0 : r < 0 ? 1 : 2;
}

/* True when a byte-by-byte left-to-right operation from s to d differs from a block operation:
 * the destination starts inside the source, above its first byte. d == s is reported separately
 * by the callers that care. */
static inline bool dest_inside_source(const uint8_t *d, const uint8_t *s, uint32_t n)
{
	uintptr_t dist = (uintptr_t)d - (uintptr_t)s;
	return dist != 0 && dist < n;
}

/* Copy 1 to 16 bytes with memmove's result: every load is done before the first store. */
static inline void copy_small(uint8_t *d, const uint8_t *s, uint32_t n)
{
	if (n >= 8) {
		uint64_t head, tail;
		memcpy(&head, s, 8);
		memcpy(&tail, s + n - 8, 8);
		memcpy(d, &head, 8);
		memcpy(d + n - 8, &tail, 8);
	} else if (n >= 4) {
		uint32_t head, tail;
		memcpy(&head, s, 4);
		memcpy(&tail, s + n - 4, 4);
		memcpy(d, &head, 4);
		memcpy(d + n - 4, &tail, 4);
	} else if (n >= 2) {
		uint16_t head, tail;
		memcpy(&head, s, 2);
		memcpy(&tail, s + n - 2, 2);
		memcpy(d, &head, 2);
		memcpy(d + n - 2, &tail, 2);
	} else {
		*d = *s;
	}
}

typedef uint64_t v2u64 __attribute__((vector_size(16)));

/* Set n bytes to v. Done by hand: for operand-sized n GCC expands memset into a "rep stos",
 * whose start-up cost on an unaligned destination (as in MVC 1(L,R),0(R)) is several times
 * that of the stores. */
static inline void fill_bytes(uint8_t *d, uint8_t v, uint32_t n)
{
	uint64_t w = 0x0101010101010101ull * v;
	if (n >= 16) {
		v2u64 x = {w, w};
		for (uint32_t i = 0; i + 16 <= n; i += 16)
			memcpy(d + i, &x, 16);
		memcpy(d + n - 16, &x, 16);
	} else if (n >= 8) {
		memcpy(d, &w, 8);
		memcpy(d + n - 8, &w, 8);
	} else {
		for (uint32_t i = 0; i < n; i++)
			d[i] = v;
	}
}

/* Move n bytes from s to d as if one byte at a time, left to right. */
static inline void move_bytes(uint8_t *d, const uint8_t *s, uint32_t n)
{
	uintptr_t dist = (uintptr_t)d - (uintptr_t)s;
	if (likely(dist >= n)) {
		/* Disjoint, or the destination starts below the source: a block copy moves the
		 * same bytes a forward byte loop would. */
		if (n <= 16)
			copy_small(d, s, n);
		else
			memmove(d, s, n);
	} else if (dist == 1) {
		/* The propagation idiom MVC 1(L,R),0(R): every byte becomes the first. */
		fill_bytes(d, *s, n);
	} else if (dist != 0) {
		for (uint32_t i = 0; i < n; i++)
			d[i] = s[i];
	}
}

/* Index of the first byte of an 8-byte word that differs, given the two words' XOR (not 0). */
static inline uint32_t first_byte_set(uint64_t x)
{
	return (uint32_t)__builtin_ctzll(x) / 8; /* little-endian host */
}

/* Index of the first byte where a and b differ, or n. */
static uint32_t first_difference(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	if (memcmp(a, b, n) == 0)
		return n; /* the common case, at libc's speed */
	uint32_t i = 0;
	for (; i + 32 <= n; i += 32) {
		v2u64 x0, x1, y0, y1;
		memcpy(&x0, a + i, 16);
		memcpy(&x1, a + i + 16, 16);
		memcpy(&y0, b + i, 16);
		memcpy(&y1, b + i + 16, 16);
		v2u64 d = (x0 ^ y0) | (x1 ^ y1);
		if (d[0] | d[1])
			break;
	}
	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return i + first_byte_set(x ^ y);
	}
	for (; i < n; i++)
		if (a[i] != b[i])
			break;
	return i;
}

/* Index of the first byte of a that is not pad, or n. */
static uint32_t first_not_pad(const uint8_t *a, uint8_t pad, uint32_t n)
{
	uint64_t pads = 0x0101010101010101ull * pad;
	v2u64 padv = {pads, pads};
	uint32_t i = 0;
	for (; i + 32 <= n; i += 32) {
		v2u64 x0, x1;
		memcpy(&x0, a + i, 16);
		memcpy(&x1, a + i + 16, 16);
		v2u64 d = (x0 ^ padv) | (x1 ^ padv);
		if (d[0] | d[1])
			break;
	}
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, a + i, 8);
		if (x != pads)
			return i + first_byte_set(x ^ pads);
	}
	for (; i < n; i++)
		if (a[i] != pad)
			break;
	return i;
}

/* ------------------------------------------------------------------------------------------------
 * The two-operand SS family: one operation per instruction, applied to a host segment.
 */

enum ss_op { SS_MVC, SS_MVN, SS_MVZ, SS_NC, SS_OC, SS_XC };

/* NC, OC or XC on 8 bytes at once (and on single bytes, truncated). */
static inline uint64_t logic_word(enum ss_op op, uint64_t a, uint64_t b)
{
	switch (op) {
	case SS_NC:
		return a & b;
	case SS_OC:
		return a | b;
	default:
		return a ^ b;
	}
}

static inline v2u64 logic_vec(enum ss_op op, v2u64 a, v2u64 b)
{
	switch (op) {
	case SS_NC:
		return a & b;
	case SS_OC:
		return a | b;
	default:
		return a ^ b;
	}
}

/* NC, OC or XC on n bytes, byte by byte left to right as the architecture defines it. Returns
 * nonzero when any result byte is nonzero. */
static inline uint64_t logic_bytes(enum ss_op op, uint8_t *d, const uint8_t *s, uint32_t n)
{
	uint64_t any = 0;
	if (unlikely(dest_inside_source(d, s, n))) {
		for (uint32_t i = 0; i < n; i++)
			any |= d[i] = (uint8_t)logic_word(op, d[i], s[i]);
		return any;
	}
	if (op == SS_XC && d == s) {
		memset(d, 0, n); /* the idiom for clearing a field */
		return 0;
	}
	/* Disjoint, identical, or the destination below the source: each piece of the source is
	 * read before any byte of it can be stored into, as in the byte loop. */
	uint32_t i = 0;
	if (n >= 16) {
		v2u64 anyv = {0, 0};
		for (; i + 16 <= n; i += 16) {
			v2u64 a, b;
			memcpy(&a, d + i, 16);
			memcpy(&b, s + i, 16);
			a = logic_vec(op, a, b);
			memcpy(d + i, &a, 16);
			anyv |= a;
		}
		any = anyv[0] | anyv[1];
	}
	if (i + 8 <= n) {
		uint64_t a, b;
		memcpy(&a, d + i, 8);
		memcpy(&b, s + i, 8);
		a = logic_word(op, a, b);
		memcpy(d + i, &a, 8);
		any |= a;
		i += 8;
	}
	for (; i < n; i++)
		any |= d[i] = (uint8_t)logic_word(op, d[i], s[i]);
	return any;
}

/* Apply op to one segment. Returns nonzero when a logical result byte is nonzero. */
static inline uint64_t ss_apply(enum ss_op op, uint8_t *d, const uint8_t *s, uint32_t n)
{
	switch (op) {
	case SS_MVC:
		move_bytes(d, s, n);
		return 0;
	case SS_MVN:
		for (uint32_t i = 0; i < n; i++)
			d[i] = (uint8_t)((d[i] & 0xF0) | (s[i] & 0x0F));
		return 0;
	case SS_MVZ:
		for (uint32_t i = 0; i < n; i++)
			d[i] = (uint8_t)((d[i] & 0x0F) | (s[i] & 0xF0));
		return 0;
	default:
		return logic_bytes(op, d, s, n);
	}
}

/* An SS operand of up to 256 bytes in host storage: its part in the first 2K block and, when it
 * crosses into the next block (or wraps at 16M), the rest. */
struct span {
	uint8_t *part[2];
	uint32_t first; /* bytes in part[0] */
};

static inline uint8_t *span_ptr(const struct span *s, uint32_t i)
{
	return i < s->first ? s->part[0] + i : s->part[1] + (i - s->first);
}

/* Bytes contiguous in host storage from operand byte i on. */
static inline uint32_t span_run(const struct span *s, uint32_t i, uint32_t len)
{
	return (i < s->first ? s->first : len) - i;
}

static inline uint8_t *access_ptr(struct cpu *c, uint32_t va, enum access acc)
{
	return acc == ACC_STORE ? mem_store_ptr(c, va) : mem_fetch_ptr(c, va);
}

static void span_first(struct cpu *c, struct span *s, uint32_t va, uint32_t len, enum access acc)
{
	s->first = min_u32(len, block_room(va));
	s->part[0] = access_ptr(c, va, acc);
	s->part[1] = NULL;
}

static void span_rest(struct cpu *c, struct span *s, uint32_t va, uint32_t len, enum access acc)
{
	if (s->first < len)
		s->part[1] = access_ptr(c, (va + s->first) & AMASK, acc);
}

/* The slow path: an operand crosses a 2K block. All blocks are translated (every access
 * exception recognised) before the first byte is stored: the first blocks of both operands
 * (operand 2 first for MVC, operand 1 first for the others), then the second block of operand 1,
 * then that of operand 2. The order only decides which exception is reported when several
 * blocks are inaccessible; it is the one Hercules 3.13 uses. */
static __attribute__((noinline)) uint64_t ss_slow(struct cpu *c, enum ss_op op, uint32_t a1,
						  uint32_t a2, uint32_t len)
{
	struct span s1, s2;
	if (op == SS_MVC) {
		span_first(c, &s2, a2, len, ACC_FETCH);
		span_first(c, &s1, a1, len, ACC_STORE);
	} else {
		span_first(c, &s1, a1, len, ACC_STORE);
		span_first(c, &s2, a2, len, ACC_FETCH);
	}
	span_rest(c, &s1, a1, len, ACC_STORE);
	span_rest(c, &s2, a2, len, ACC_FETCH);

	uint64_t any = 0;
	for (uint32_t i = 0; i < len;) {
		uint32_t n = min_u32(span_run(&s1, i, len), span_run(&s2, i, len));
		any |= ss_apply(op, span_ptr(&s1, i), span_ptr(&s2, i), n);
		i += n;
	}
	return any;
}

/* Run one of MVN, MVZ, NC, OC, XC on the instruction at ip. Returns nonzero when a logical result
 * byte is nonzero. Operand 1 is translated first, except for a one-byte NC, OC or XC (as in
 * Hercules 3.13; see ss_slow). */
static inline uint64_t ss_run(struct cpu *c, const struct dinsn *d, enum ss_op op)
{
	uint32_t len = d->l + 1u;
	uint32_t a1 = dea_s1(c, d), a2 = dea_s2(c, d);
	if (likely(in_block(a1, len) && in_block(a2, len))) {
		uint8_t *dst;
		const uint8_t *s;
		if (op >= SS_NC && len == 1) {
			s = mem_fetch_ptr(c, a2);
			dst = mem_store_ptr(c, a1);
		} else {
			dst = mem_store_ptr(c, a1);
			s = mem_fetch_ptr(c, a2);
		}
		return ss_apply(op, dst, s, len);
	}
	return ss_slow(c, op, a1, a2, len);
}

/* ------------------------------------------------------------------------------------------------
 * Move, logical and compare (character)
 */

/* MVC D1(L,B1),D2(B2) - Move Characters [SS]. */
const struct dinsn *op_mvc(struct cpu *c, const struct dinsn *d)
{
	uint32_t len = d->l + 1u;
	uint32_t a1 = dea_s1(c, d), a2 = dea_s2(c, d);
	struct tlb_entry *e1 = tlb_entry_for(c->tlb_store, a1), *e2 = tlb_entry_for(c->tlb_fetch, a2);
	if (likely(tlb_hits(c, e2, a2, len) && tlb_hits(c, e1, a1, len)))
		move_bytes(tlb_host(e1, a1), tlb_host(e2, a2), len);
	else
		ss_slow(c, SS_MVC, a1, a2, len);
	return NEXT(d, 6);
}

/* MVN D1(L,B1),D2(B2) - Move Numerics [SS]: the low four bits of each second-operand byte. */
const struct dinsn *op_mvn(struct cpu *c, const struct dinsn *d)
{
	ss_run(c, d, SS_MVN);
	return NEXT(d, 6);
}

/* MVZ D1(L,B1),D2(B2) - Move Zones [SS]: the high four bits of each second-operand byte. */
const struct dinsn *op_mvz(struct cpu *c, const struct dinsn *d)
{
	ss_run(c, d, SS_MVZ);
	return NEXT(d, 6);
}

/* NC D1(L,B1),D2(B2) - And (character) [SS]. CC 0 result zero, 1 result not zero. */
const struct dinsn *op_nc(struct cpu *c, const struct dinsn *d)
{
	c->cc = ss_run(c, d, SS_NC) != 0;
	return NEXT(d, 6);
}

/* OC D1(L,B1),D2(B2) - Or (character) [SS]. CC 0 result zero, 1 result not zero. */
const struct dinsn *op_oc(struct cpu *c, const struct dinsn *d)
{
	c->cc = ss_run(c, d, SS_OC) != 0;
	return NEXT(d, 6);
}

/* XC D1(L,B1),D2(B2) - Exclusive Or (character) [SS]. CC 0 result zero, 1 result not zero. */
const struct dinsn *op_xc(struct cpu *c, const struct dinsn *d)
{
	c->cc = ss_run(c, d, SS_XC) != 0;
	return NEXT(d, 6);
}

/* CLC across block boundaries: compare block by block, translating a block of either operand only
 * when the comparison reaches it (operand 1 first when both cross at once). The POO leaves it
 * unpredictable whether an access exception is recognised for bytes past the first inequality;
 * like Hercules, we do not recognise it beyond the block where the inequality was found. */
static __attribute__((noinline)) uint8_t clc_slow(struct cpu *c, uint32_t a1, uint32_t a2,
						  uint32_t len)
{
	const uint8_t *p1 = mem_fetch_ptr(c, a1);
	const uint8_t *p2 = mem_fetch_ptr(c, a2);
	uint32_t room1 = block_room(a1), room2 = block_room(a2);
	for (uint32_t i = 0;;) {
		uint32_t n = min_u32(len - i, min_u32(room1, room2));
		int r = memcmp(p1, p2, n);
		if (r)
			return cc_of_memcmp(r);
		i += n;
		if (i == len)
			return 0;
		p1 += n;
		p2 += n;
		room1 -= n;
		room2 -= n;
		if (room1 == 0) {
			p1 = mem_fetch_ptr(c, (a1 + i) & AMASK);
			room1 = BLOCK_SIZE;
		}
		if (room2 == 0) {
			p2 = mem_fetch_ptr(c, (a2 + i) & AMASK);
			room2 = BLOCK_SIZE;
		}
	}
}

/* CLC D1(L,B1),D2(B2) - Compare Logical (character) [SS]. Unsigned, left to right; CC 0 equal,
 * 1 first operand low, 2 first operand high. */
const struct dinsn *op_clc(struct cpu *c, const struct dinsn *d)
{
	uint32_t len = d->l + 1u;
	uint32_t a1 = dea_s1(c, d), a2 = dea_s2(c, d);
	struct tlb_entry *e1 = tlb_entry_for(c->tlb_fetch, a1), *e2 = tlb_entry_for(c->tlb_fetch, a2);
	if (likely(tlb_hits(c, e1, a1, len) && tlb_hits(c, e2, a2, len))) {
		const uint8_t *p1 = tlb_host(e1, a1), *p2 = tlb_host(e2, a2);
		if (len <= 8) {
			/* Short fields: one big-endian compare of the leading len bytes. The 8-byte
			 * loads may read past the operands, even past the block: host storage is
			 * readable there (storage, or the zero page after it; see machine_new). */
			unsigned drop = 64 - 8 * len;
			uint64_t x = be64(p1) >> drop, y = be64(p2) >> drop;
			c->cc = x == y ? 0 : x < y ? 1 : 2;
		} else {
			c->cc = cc_of_memcmp(memcmp(p1, p2, len));
		}
	} else {
		c->cc = clc_slow(c, a1, a2, len);
	}
	return NEXT(d, 6);
}

/* ------------------------------------------------------------------------------------------------
 * Translate
 */

/* Translate n bytes at d through the table t, one byte at a time, left to right (a store may
 * change a table entry used later when the operand and the table overlap). */
static inline void translate(uint8_t *d, const uint8_t *t, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++)
		d[k] = t[d[k]];
}

/* TR D1(L,B1),D2(B2) - Translate [SS]. Each first-operand byte is replaced by the byte of the
 * 256-byte table at the second-operand address that it indexes, left to right, one byte at a
 * time. Only the table blocks actually indexed are accessed; all are translated before the first
 * byte is stored. */
void op_tr(struct cpu *c, const uint8_t *ip)
{
	uint32_t len = ip[1] + 1u;
	uint32_t a1 = ea_ss1(c, ip), a2 = ea_ss2(c, ip);
	struct span s1;

	span_first(c, &s1, a1, len, ACC_STORE);
	span_rest(c, &s1, a1, len, ACC_STORE);

	if (likely(in_block(a2, 256))) {
		const uint8_t *t = mem_fetch_ptr(c, a2);
		for (uint32_t i = 0; i < len;) {
			uint32_t n = span_run(&s1, i, len);
			translate(span_ptr(&s1, i), t, n);
			i += n;
		}
		NEXT_INSN(c, 6);
		return;
	}

	/* The table crosses a block: entries below split are in its first block. Translate the
	 * block the first argument byte indexes, then the other one if any argument needs it. */
	uint32_t split = block_room(a2);
	const uint8_t *t[2] = {NULL, NULL};
	unsigned first = *span_ptr(&s1, 0) >= split;
	bool need_other = false;
	for (uint32_t i = 1; i < len && !need_other; i++)
		need_other = (*span_ptr(&s1, i) >= split) != first;
	t[first] = mem_fetch_ptr(c, first ? (a2 + split) & AMASK : a2);
	if (need_other)
		t[!first] = mem_fetch_ptr(c, first ? a2 : (a2 + split) & AMASK);

	for (uint32_t i = 0; i < len; i++) {
		uint8_t *d = span_ptr(&s1, i);
		unsigned half = *d >= split;
		if (unlikely(!t[half])) {
			/* Only when the operand's two blocks are the same storage (possible with
			 * DAT) and a store changed a later argument byte. */
			t[half] = mem_fetch_ptr(c, half ? (a2 + split) & AMASK : a2);
		}
		*d = t[half][*d - (half ? split : 0)];
	}
	NEXT_INSN(c, 6);
}

/* TRT D1(L,B1),D2(B2) - Translate and Test [SS]. The first operand is scanned left to right; its
 * bytes index the function table at the second-operand address. At the first nonzero function
 * byte, GR1 bits 8-31 get the argument byte's address (bits 0-7 unchanged), GR2 bits 24-31 the
 * function byte, and CC is 1, or 2 if it was the last byte. All function bytes zero: CC 0,
 * registers unchanged. Bytes after the first hit are not accessed. */
const struct dinsn *op_trt(struct cpu *c, const struct dinsn *d)
{
	uint32_t len = d->l + 1u;
	uint32_t a1 = dea_s1(c, d), a2 = dea_s2(c, d);
	uint32_t i = 0;
	uint8_t f = 0;

	if (likely(in_block(a1, len) && in_block(a2, 256))) {
		const uint8_t *p = mem_fetch_ptr(c, a1);
		const uint8_t *t = mem_fetch_ptr(c, a2);
		/* Eight arguments at a time while all their function bytes are zero. */
		while (i + 8 <= len && !(t[p[i]] | t[p[i + 1]] | t[p[i + 2]] | t[p[i + 3]] |
					 t[p[i + 4]] | t[p[i + 5]] | t[p[i + 6]] | t[p[i + 7]]))
			i += 8;
		for (; i < len && !(f = t[p[i]]); i++)
			;
	} else {
		/* An operand crosses a block: byte by byte, argument then function byte, so
		 * that access exceptions come in the order the bytes are used. */
		for (; i < len && !(f = vfetch1(c, a2 + vfetch1(c, a1 + i))); i++)
			;
	}
	if (f) {
		c->gr[1] = (c->gr[1] & 0xFF000000u) | ((a1 + i) & AMASK);
		c->gr[2] = (c->gr[2] & 0xFFFFFF00u) | f;
		c->cc = i + 1 == len ? 2 : 1;
	} else {
		c->cc = 0;
	}
	return NEXT(d, 6);
}

/* ------------------------------------------------------------------------------------------------
 * Move inverse
 */

/* MVCIN D1(L,B1),D2(B2) - Move Inverse [SS]. The second-operand address designates the rightmost
 * byte of the second operand; its bytes are placed in the first operand in reverse order, one at
 * a time (first-operand byte i gets second-operand byte L-i). An operand that crosses a block is
 * checked whole first (operand 1, then operand 2), so nothing is stored when a later byte is
 * inaccessible. */
const struct dinsn *op_mvcin(struct cpu *c, const struct dinsn *d)
{
	uint32_t len = d->l + 1u;
	uint32_t a1 = dea_s1(c, d), a2 = dea_s2(c, d);
	uint32_t left2 = (a2 - (len - 1)) & AMASK;

	if (!in_block(a1, len))
		mem_check(c, a1, len, ACC_STORE);
	if (!in_block(left2, len))
		mem_check(c, left2, len, ACC_FETCH);
	for (uint32_t i = 0; i < len; i++) {
		uint8_t b = vfetch1(c, a2 - i);
		vstore1(c, a1 + i, b);
	}
	return NEXT(d, 6);
}

/* ------------------------------------------------------------------------------------------------
 * Long instructions
 *
 *        0        8                       31           0        8                       31
 *   R1   | 00000000 | first-operand address  |   R1+1 | //////// | first-operand length   |
 *   R2   | 00000000 | second-operand address |   R2+1 |   pad    | second-operand length  |
 */

#define LEN_MASK AMASK

/* Store an operand's address and remaining length: bits 0-7 of the address register become zero,
 * bits 0-7 of the length register (the pad byte in R2+1) stay. */
static inline void long_regs(struct cpu *c, unsigned r, uint32_t addr, uint32_t len)
{
	c->gr[r] = addr;
	c->gr[r + 1] = (c->gr[r + 1] & ~LEN_MASK) | len;
}

/* MVCL destructive overlap (GA22-7000): the leftmost byte of the first operand coincides with a
 * second-operand byte taking part in the move (the first min(len1, len2) bytes) other than its
 * leftmost byte. Tested on the logical addresses, as the POO says; the wrap from X'FFFFFF' to 0
 * keeps the bytes in order, so the test is a distance modulo 2**24. */
static inline bool mvcl_destructive(uint32_t a1, uint32_t a2, uint32_t moved)
{
	uint32_t dist = (a1 - a2) & AMASK;
	return dist != 0 && dist < moved;
}

/* MVCL R1,R2 - Move Long [RR]. CC 0 lengths equal, 1 first length lower, 2 first length higher,
 * 3 destructive overlap (nothing moved). */
void op_mvcl(struct cpu *c, const uint8_t *ip)
{
	unsigned r1 = R1(ip), r2 = R2(ip);
	EVEN_REG(c, r1);
	EVEN_REG(c, r2);

	uint32_t a1 = c->gr[r1] & AMASK, a2 = c->gr[r2] & AMASK;
	uint32_t len1 = c->gr[r1 + 1] & LEN_MASK, len2 = c->gr[r2 + 1] & LEN_MASK;
	uint8_t pad = (uint8_t)(c->gr[r2 + 1] >> 24);

	/* Bits 0-7 of R1 and R2 are zero from the start, whatever the outcome (as Hercules). */
	c->gr[r1] = a1;
	c->gr[r2] = a2;
	if (mvcl_destructive(a1, a2, min_u32(len1, len2))) {
		c->cc = 3;
		NEXT_INSN(c, 2);
		return;
	}
	c->cc = len1 == len2 ? 0 : len1 < len2 ? 1 : 2;

	while (len1) {
		/* One unit of operation: up to the end of the current block of each operand. The
		 * source is translated before the destination, and both before any byte of the
		 * unit is stored. */
		uint32_t n = min_u32(len1, block_room(a1));
		const uint8_t *s = NULL;
		if (len2) {
			n = min_u32(n, min_u32(len2, block_room(a2)));
			s = mem_fetch_ptr(c, a2);
		}
		uint8_t *d = mem_store_ptr(c, a1);
		if (s) {
			move_bytes(d, s, n);
			a2 = (a2 + n) & AMASK;
			len2 -= n;
		} else if (n <= 256) {
			fill_bytes(d, pad, n);
		} else {
			memset(d, pad, n);
		}
		a1 = (a1 + n) & AMASK;
		len1 -= n;
		long_regs(c, r1, a1, len1);
		long_regs(c, r2, a2, len2);
		/*
		 * End of a unit of operation. The registers describe the rest of the move, so the
		 * instruction may stop here with c->ia still addressing it and be resumed by
		 * re-executing it. Hook for interruption delivery (not implemented yet): when an
		 * enabled interruption is pending, return here without NEXT_INSN.
		 */
	}
	NEXT_INSN(c, 2);
}

/* CLCL R1,R2 - Compare Logical Long [RR]. The shorter operand is extended with the pad byte
 * (R2+1 bits 0-7). CC 0 equal (or both lengths zero), 1 first operand low, 2 first operand high.
 * On an inequality the registers address the first unequal byte of each operand (an exhausted
 * operand stays at its end with length zero). */
const struct dinsn *op_clcl(struct cpu *c, const struct dinsn *d)
{
	unsigned r1 = d->r1, r2 = d->r2;
	EVEN_REG(c, r1);
	EVEN_REG(c, r2);

	uint32_t a1 = c->gr[r1] & AMASK, a2 = c->gr[r2] & AMASK;
	uint32_t len1 = c->gr[r1 + 1] & LEN_MASK, len2 = c->gr[r2 + 1] & LEN_MASK;
	uint8_t pad = (uint8_t)(c->gr[r2 + 1] >> 24);
	uint8_t cc = 0;

	while (len1 || len2) {
		/* One unit of operation: up to the end of the current block of each operand still
		 * being compared; operand 1 is translated first. An access exception here leaves
		 * the registers as the last unit left them. */
		uint32_t n = UINT32_MAX;
		const uint8_t *p1 = NULL, *p2 = NULL;
		if (len1) {
			n = min_u32(len1, block_room(a1));
			p1 = mem_fetch_ptr(c, a1);
		}
		if (len2) {
			n = min_u32(n, min_u32(len2, block_room(a2)));
			p2 = mem_fetch_ptr(c, a2);
		}
		uint32_t k;
		uint8_t b1, b2;
		if (p1 && p2) {
			k = first_difference(p1, p2, n);
			b1 = k < n ? p1[k] : 0;
			b2 = k < n ? p2[k] : 0;
		} else if (p1) {
			k = first_not_pad(p1, pad, n);
			b1 = k < n ? p1[k] : 0;
			b2 = pad;
		} else {
			k = first_not_pad(p2, pad, n);
			b1 = pad;
			b2 = k < n ? p2[k] : 0;
		}
		if (len1) {
			a1 = (a1 + k) & AMASK;
			len1 -= k;
		}
		if (len2) {
			a2 = (a2 + k) & AMASK;
			len2 -= k;
		}
		if (k < n) {
			cc = b1 < b2 ? 1 : 2;
			break;
		}
		long_regs(c, r1, a1, len1);
		long_regs(c, r2, a2, len2);
		/* End of a unit of operation: see the hook in op_mvcl. */
	}
	long_regs(c, r1, a1, len1);
	long_regs(c, r2, a2, len2);
	c->cc = cc;
	return NEXT(d, 2);
}
