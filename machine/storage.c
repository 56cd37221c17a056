/*
 * storage.c - main storage, storage keys, prefixing and the TLB: the slow path behind the inline
 * accessors in cpu.h.
 *
 * Main storage is one anonymous mapping per machine, so untouched pages cost the host nothing. Every
 * guest access goes through a TLB entry or through mem_translate(), which is the only place that
 * decides whether an access is allowed; host pointers never reach past storage_size.
 */
#include <string.h>

#include "machine/cpu.h"

/* Tag bits below the 2K block address: valid, PSW key, DAT on. */
#define TLB_VALID 0x001u
#define TLB_KEY_SHIFT 1
#define TLB_DAT 0x020u

void tlb_purge(struct cpu *c)
{
	memset(c->tlb_fetch, 0, sizeof c->tlb_fetch);
	memset(c->tlb_store, 0, sizeof c->tlb_store);
	c->iblk_va = IBLK_NONE;
}

static bool dat_on(const struct cpu *c)
{
	return c->ec && (c->sysmask & 0x04);
}

void tlb_update_bits(struct cpu *c)
{
	c->tlb_bits = TLB_VALID | ((uint32_t)c->key << TLB_KEY_SHIFT) | (dat_on(c) ? TLB_DAT : 0);
	c->iblk_va = IBLK_NONE;
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

/* Low-address protection (CR0 bit 3) covers stores to logical 0-511. */
static inline bool low_address_protected(const struct cpu *c, uint32_t va)
{
	return (c->cr[0] & 0x10000000u) && va < 512;
}

uint8_t *mem_translate(struct cpu *c, uint32_t va, enum access acc)
{
	va &= AMASK;
	if (dat_on(c)) {
		/* Dynamic address translation arrives with the control instructions (issue 3);
		 * until then a program that turns it on gets a translation-specification
		 * exception rather than untranslated access. */
		program_check(c, PIC_TRANSLATION_SPEC);
	}
	uint32_t abs = prefixed(c, va);
	if (abs >= c->storage_size)
		program_check(c, PIC_ADDRESSING);

	uint8_t *skey = &c->keys[abs >> BLOCK_SHIFT];
	bool store = acc == ACC_STORE;
	if (c->key != 0) {
		bool mismatch = (*skey >> 4) != c->key;
		if (mismatch && (store || (*skey & SKEY_FETCH)))
			program_check(c, PIC_PROTECTION);
	}
	if (store && low_address_protected(c, va))
		program_check(c, PIC_PROTECTION);

	*skey |= store ? SKEY_REF | SKEY_CHANGE : SKEY_REF;

	/* Cache the block, except a block that low-address protection covers partly. */
	if (!(store && low_address_protected(c, va & ~BLOCK_MASK))) {
		struct tlb_entry *e = store ? &c->tlb_store[tlb_index(va)] : &c->tlb_fetch[tlb_index(va)];
		e->tag = (va & ~BLOCK_MASK) | c->tlb_bits;
		e->host = c->storage + (abs & ~BLOCK_MASK);
	}
	return c->storage + abs;
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
