/*
 * storage.c - main storage, storage keys, dynamic address translation, prefixing and the TLB: the
 * slow path behind the inline accessors in cpu.h.
 *
 * Main storage is one anonymous mapping per machine, so untouched pages cost the host nothing. Every
 * guest access goes through a TLB entry or through mem_translate(), which is the only place that
 * decides whether an access is allowed; host pointers never reach past storage_size.
 */
#include <string.h>

#include "machine/cpu.h"

void tlb_purge(struct cpu *c)
{
	memset(c->tlb_fetch, 0, sizeof c->tlb_fetch);
	memset(c->tlb_store, 0, sizeof c->tlb_store);
	dcache_purge(c);
}

static bool dat_on(const struct cpu *c)
{
	return c->ec && (c->sysmask & 0x04);
}

void tlb_update_bits(struct cpu *c)
{
	uint32_t dat = dat_on(c) ? (c->secondary ? TLB_DAT | TLB_SEC : TLB_DAT) : 0;
	c->tlb_bits = TLB_VALID | ((uint32_t)c->key << TLB_KEY_SHIFT) | dat;
	/* Decoded blocks are tagged like the TLB: the current one no longer matches. */
	c->dblk_va = IBLK_NONE;
	cpu_attention(c);
}

/* Real to absolute: swap the first 4K page and the prefix page. */
static inline uint32_t prefixed(const struct cpu *c, uint32_t ra)
{
	uint32_t page = ra & 0xFFF000u;
	if (page == 0)
		return ra | c->prefix;
	if (page == c->prefix)
		return ra & 0xFFFu;
	return ra;
}

uint8_t *real_ptr(struct cpu *c, uint32_t ra)
{
	return c->storage + prefixed(c, ra & AMASK);
}

uint32_t real_to_abs(const struct cpu *c, uint32_t ra)
{
	return prefixed(c, ra & AMASK);
}

/* Low-address protection (CR0 bit 3) covers stores to logical 0-511. */
static inline bool low_address_protected(const struct cpu *c, uint32_t va)
{
	return (c->cr[0] & 0x10000000u) && va < 512;
}

/* ------------------------------------------------------------------------------------------------
 * Dynamic address translation (GA22-7000 chapter 3).
 *
 * CR0 bits 8-9 page size (01 2K, 10 4K), bits 10-12 segment size (000 64K, 010 1M).
 * CR1 (primary space) and CR7 (secondary space, DAS), the segment-table designations:
 *   0      7 8                       25 26  30 31
 *  +--------+---------------------------+------+--+
 *  |  STL   | segment-table origin      |//////| X|   STL: table has (STL + 1) * 16 entries
 *  +--------+---------------------------+------+--+   X: space-switch-event control (PC, PT)
 * Segment-table entry (4 bytes):
 *   0  3 4  7 8                          28 29 30 31
 *  +----+----+------------------------------+--+--+--+
 *  |PTL |0000| page-table origin (8-aligned)| P| C| I|   PTL: (PTL + 1) / 16 of a full table
 *  +----+----+------------------------------+--+--+--+
 * Page-table entry (2 bytes), 4K pages:        2K pages:
 *   0          11 12 13 14 15                    0            12 13 14 15
 *  +-------------+--+-----+--+                  +---------------+--+--+--+
 *  | frame 8-19  | I| ERA | 0|                  | frame 8-20    | I| 0| 0|
 *  +-------------+--+-----+--+                  +---------------+--+--+--+
 */
#define CR0_PAGE_SIZE 0x00C00000u
#define CR0_PAGE_2K 0x00400000u
#define CR0_PAGE_4K 0x00800000u
#define CR0_SEG_SIZE 0x00380000u
#define CR0_SEG_64K 0x00000000u
#define CR0_SEG_1M 0x00100000u
#define CR1_STL 0xFF000000u
#define CR1_STO 0x00FFFFC0u
#define STE_PTL 0xF0000000u
#define STE_RESERVED 0x0F000000u
#define STE_PTO 0x00FFFFF8u
#define STE_PROTECT 0x00000004u
#define STE_INVALID 0x00000001u

/* Fetch a table entry of len bytes (1, 2 or 4) at real address ra: prefixing applies, no keys. */
static uint32_t table_entry(struct cpu *c, uint32_t ra, unsigned len)
{
	uint32_t abs = prefixed(c, ra & AMASK);
	if (abs > c->storage_size - len)
		program_check(c, PIC_ADDRESSING);
	const uint8_t *p = c->storage + abs;
	return len == 4 ? be32(p) : len == 2 ? be16(p) : p[0];
}

uint32_t real_fetch4(struct cpu *c, uint32_t ra)
{
	return table_entry(c, ra, 4);
}

uint8_t real_fetch1(struct cpu *c, uint32_t ra)
{
	return (uint8_t)table_entry(c, ra, 1);
}

void dat_geometry(struct cpu *c, unsigned *seg_shift, unsigned *page_shift)
{
	uint32_t cr0 = c->cr[0];
	switch (cr0 & CR0_PAGE_SIZE) {
	case CR0_PAGE_2K:
		*page_shift = 11;
		break;
	case CR0_PAGE_4K:
		*page_shift = 12;
		break;
	default:
		program_check(c, PIC_TRANSLATION_SPEC);
	}
	switch (cr0 & CR0_SEG_SIZE) {
	case CR0_SEG_64K:
		*seg_shift = 16;
		break;
	case CR0_SEG_1M:
		*seg_shift = 20;
		break;
	default:
		program_check(c, PIC_TRANSLATION_SPEC);
	}
}

enum dat_result dat_translate(struct cpu *c, uint32_t std, uint32_t va, uint32_t *out, bool *protect)
{
	unsigned seg_shift, page_shift;
	dat_geometry(c, &seg_shift, &page_shift);
	va &= AMASK;

	/* Segment table: the length field counts 16 entries, checked against the index's top bits
	 * (with 1M segments the index has 4 bits and always fits). */
	uint32_t sx = va >> seg_shift;
	uint32_t ste_addr = (std & CR1_STO) + sx * 4;
	*out = ste_addr;
	if ((sx >> 4) > (std & CR1_STL) >> 24)
		return DAT_SEGMENT_LENGTH;
	uint32_t ste = table_entry(c, ste_addr, 4);
	if (ste & STE_INVALID)
		return DAT_SEGMENT_INVALID;
	if (ste & STE_RESERVED)
		program_check(c, PIC_TRANSLATION_SPEC);

	/* Page table: the length field counts sixteenths of a full table, checked against the four
	 * leftmost bits of the page index. */
	uint32_t px = (va & ((1u << seg_shift) - 1)) >> page_shift;
	uint32_t pte_addr = (ste & STE_PTO) + px * 2;
	*out = pte_addr;
	if ((px >> (seg_shift - page_shift - 4)) > (ste & STE_PTL) >> 28)
		return DAT_PAGE_LENGTH;
	uint32_t pte = table_entry(c, pte_addr, 2);
	if (page_shift == 12) {
		if (pte & 0x0008)
			return DAT_PAGE_INVALID;
		*out = (pte & 0xFFF0u) << 8 | (va & 0xFFF);
	} else {
		if (pte & 0x0004)
			return DAT_PAGE_INVALID;
		if (pte & 0x0002)
			program_check(c, PIC_TRANSLATION_SPEC);
		*out = (pte & 0xFFF8u) << 8 | (va & 0x7FF);
	}
	/* Segment protection (extended facility): stores into the segment are not allowed. */
	*protect = ste & STE_PROTECT;
	return DAT_OK;
}

/* A segment- or page-translation exception: the translation-exception address at real X'90'
 * (bits 8-31 the virtual address; bit 0 one when the secondary segment table was used, DAS), and
 * the instruction is nullified. */
static noreturn void translation_exception(struct cpu *c, uint32_t va, enum dat_result r, bool secondary)
{
	put_be32(real_ptr(c, 0x90), (va & AMASK) | (secondary ? 0x80000000u : 0));
	program_check_nullify(c, r == DAT_SEGMENT_INVALID || r == DAT_SEGMENT_LENGTH ?
					 PIC_SEGMENT_TRANSLATION : PIC_PAGE_TRANSLATION);
}

uint32_t mem_real(struct cpu *c, uint32_t va, bool secondary, bool store)
{
	va &= AMASK;
	if (!dat_on(c))
		return va;
	uint32_t ra;
	bool protect;
	enum dat_result r = dat_translate(c, space_std(c, secondary), va, &ra, &protect);
	if (r != DAT_OK)
		translation_exception(c, va, r, secondary);
	if (store && protect)
		program_check(c, PIC_PROTECTION);
	return ra;
}

/* Translation, prefixing, the addressing check, protection with the given key, and the reference
 * and change bits, for an access to va in the given space. Returns the absolute address. */
static uint32_t access_check(struct cpu *c, uint32_t va, enum access acc, unsigned key, bool secondary)
{
	bool store = acc == ACC_STORE;
	uint32_t abs = prefixed(c, mem_real(c, va, secondary, store));
	if (abs >= c->storage_size)
		program_check(c, PIC_ADDRESSING);

	uint8_t *skey = &c->keys[abs >> BLOCK_SHIFT];
	if (key != 0) {
		bool mismatch = (*skey >> 4) != key;
		if (mismatch && (store || (*skey & SKEY_FETCH)))
			program_check(c, PIC_PROTECTION);
	}
	if (store && low_address_protected(c, va))
		program_check(c, PIC_PROTECTION);

	*skey |= store ? SKEY_REF | SKEY_CHANGE : SKEY_REF;
	return abs;
}

uint8_t *mem_translate(struct cpu *c, uint32_t va, enum access acc)
{
	va &= AMASK;
	/* Operands come from the space the PSW names; instructions always from the primary one. */
	bool secondary = secondary_mode(c) && acc != ACC_IFETCH;
	uint32_t abs = access_check(c, va, acc, c->key, secondary);
	bool store = acc == ACC_STORE;

	/* Cache the block, except a block that low-address protection covers partly, and except a
	 * primary-space instruction fetch in the secondary-space mode (the tag would name the
	 * secondary space). */
	bool partly_protected = store && low_address_protected(c, va & ~BLOCK_MASK);
	if (!partly_protected && !(acc == ACC_IFETCH && secondary_mode(c))) {
		struct tlb_entry *e = tlb_entry_for(store ? c->tlb_store : c->tlb_fetch, va);
		e->tag = (va & ~BLOCK_MASK) | c->tlb_bits;
		e->addend = (uintptr_t)(c->storage + (abs & ~BLOCK_MASK)) - (va & ~BLOCK_MASK);
	}
	return c->storage + abs;
}

uint8_t *mem_access(struct cpu *c, uint32_t va, enum access acc, unsigned key, bool secondary)
{
	va &= AMASK;
	return c->storage + access_check(c, va, acc, key, secondary);
}

void mem_check(struct cpu *c, uint32_t va, uint32_t len, enum access acc)
{
	if (len == 0)
		return;
	uint32_t last = (va + len - 1) & AMASK;
	va &= AMASK;
	/* One translation (usually a TLB hit) per 2K block touched, following the wrap at 16M. */
	for (;;) {
		if (acc == ACC_STORE)
			(void)mem_store_ptr(c, va);
		else
			(void)mem_fetch_ptr(c, va);
		if ((va & ~BLOCK_MASK) == (last & ~BLOCK_MASK))
			break;
		va = ((va | BLOCK_MASK) + 1) & AMASK;
	}
}

/* Bytes left in va's 2K block, at most len. */
static inline uint32_t block_chunk(uint32_t va, uint32_t len)
{
	uint32_t room = BLOCK_SIZE - (va & BLOCK_MASK);
	return room < len ? room : len;
}

void mem_fetch_bytes(struct cpu *c, uint32_t va, void *out, uint32_t len)
{
	/* Fetching has no effect a later exception would have to undo: copy block by block. */
	uint8_t *o = out;
	va &= AMASK;
	while (len) {
		uint32_t n = block_chunk(va, len);
		memcpy(o, mem_fetch_ptr(c, va), n);
		o += n;
		va = (va + n) & AMASK;
		len -= n;
	}
}

void mem_store_bytes(struct cpu *c, uint32_t va, const void *in, uint32_t len)
{
	/* Every block is checked before the first byte is stored. */
	const uint8_t *p = in;
	mem_check(c, va, len, ACC_STORE);
	va &= AMASK;
	while (len) {
		uint32_t n = block_chunk(va, len);
		memcpy(mem_store_ptr(c, va), p, n);
		p += n;
		va = (va + n) & AMASK;
		len -= n;
	}
}

uint64_t vfetch_slow(struct cpu *c, uint32_t va, unsigned len)
{
	uint8_t b[8];
	va &= AMASK;
	if (in_block(va, len))
		memcpy(b, mem_translate(c, va, ACC_FETCH), len);
	else
		mem_fetch_bytes(c, va, b, len);
	uint64_t v = 0;
	for (unsigned i = 0; i < len; i++)
		v = v << 8 | b[i];
	return v;
}

void vstore_slow(struct cpu *c, uint32_t va, uint64_t v, unsigned len)
{
	uint8_t b[8];
	for (unsigned i = len; i-- > 0; v >>= 8)
		b[i] = (uint8_t)v;
	va &= AMASK;
	if (in_block(va, len))
		memcpy(mem_translate(c, va, ACC_STORE), b, len);
	else
		mem_store_bytes(c, va, b, len);
}
