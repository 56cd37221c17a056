/*
 * cpu.h - the CPU and storage internals shared by the machine/ sources. Not for use outside machine/.
 *
 * Everything an instruction handler needs is here: the CPU state, operand decoding, inline storage
 * access through the TLB, condition-code helpers and the program-interruption raise.
 *
 * Handlers have the signature  void op_xxx(struct cpu *c, const uint8_t *ip)  where ip points at
 * the instruction's bytes (in guest storage, or a private copy for EX and page-crossing fetches).
 * c->ia still holds the instruction's own address on entry; a handler sets c->ia to the next
 * instruction (NEXT_INSN) or to a branch target before returning. Program interruptions do not
 * depend on c->ia: they use c->insn_ia, which the dispatch loop sets.
 */
#ifndef MACHINE_CPU_H
#define MACHINE_CPU_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "lib/be.h"
#include "lib/compiler.h"
#include "machine/machine.h"

#define AMASK 0x00FFFFFFu /* 24-bit addressing */

/* Storage is protected and translated in 2K blocks; a 4K page is two of them. */
#define BLOCK_SHIFT 11
#define BLOCK_SIZE (1u << BLOCK_SHIFT)
#define BLOCK_MASK (BLOCK_SIZE - 1)

/* Storage key byte, one per 2K block:
 *
 *   0    3 4 5 6 7
 *  +------+-+-+-+-+
 *  | ACC  |F|R|C|0|    ACC access-control key, F fetch protection, R reference, C change
 *  +------+-+-+-+-+
 */
#define SKEY_ACC 0xF0
#define SKEY_FETCH 0x08
#define SKEY_REF 0x04
#define SKEY_CHANGE 0x02

/* Program interruption codes (GA22-7000; s370-instructions.md section 5). */
enum pic {
	PIC_OPERATION = 0x01,
	PIC_PRIVILEGED = 0x02,
	PIC_EXECUTE = 0x03,
	PIC_PROTECTION = 0x04,
	PIC_ADDRESSING = 0x05,
	PIC_SPECIFICATION = 0x06,
	PIC_DATA = 0x07,
	PIC_FIXED_OVERFLOW = 0x08,
	PIC_FIXED_DIVIDE = 0x09,
	PIC_DECIMAL_OVERFLOW = 0x0A,
	PIC_DECIMAL_DIVIDE = 0x0B,
	PIC_EXPONENT_OVERFLOW = 0x0C,
	PIC_EXPONENT_UNDERFLOW = 0x0D,
	PIC_SIGNIFICANCE = 0x0E,
	PIC_FLOAT_DIVIDE = 0x0F,
	PIC_SEGMENT_TRANSLATION = 0x10,
	PIC_PAGE_TRANSLATION = 0x11,
	PIC_TRANSLATION_SPEC = 0x12,
	PIC_SPECIAL_OPERATION = 0x13,
	PIC_MONITOR = 0x40,
};

/* Program-mask bits as kept in c->progmask (PSW bits 36-39 in BC mode, 20-23 in EC mode). */
#define PM_FIXED_OVERFLOW 0x8
#define PM_DECIMAL_OVERFLOW 0x4
#define PM_EXPONENT_UNDERFLOW 0x2
#define PM_SIGNIFICANCE 0x1

/* Storage access kinds, for translation and protection. */
enum access { ACC_FETCH, ACC_STORE, ACC_IFETCH };

/* One TLB entry maps a 2K block of logical addresses to host memory. The tag is the logical block
 * address ORed with c->tlb_bits (PSW key, DAT mode, valid bit), so a change of PSW key or DAT mode
 * needs no purge. Fetch and store entries are separate because protection differs. */
#define TLB_ENTRIES 256
struct tlb_entry {
	uint32_t tag;
	uint8_t *host; /* host address of the block's first byte */
};

typedef void insn_fn(struct cpu *c, const uint8_t *ip);

struct cpu {
	/* ---- Hot: touched by nearly every instruction. Owned by the thread running the CPU. ---- */
	uint32_t gr[16];
	uint32_t ia;          /* instruction address (PSW bits 40-63) */
	uint8_t cc;           /* condition code 0-3 */
	uint8_t progmask;     /* PM_* bits */
	uint32_t tlb_bits;    /* tag bits for the current PSW key and DAT mode (see tlb_entry) */
	insn_fn *const *optab; /* primary dispatch table (with or without the extension) */
	uint64_t slice;       /* instructions the loop may run before it looks at events again */
	uint64_t budget;      /* instructions left in this machine_run() call, beyond slice */
	bool look;            /* the loop must look at the CPU's state before the next instruction */
	uint32_t iblk_va;     /* logical 2K block of the instruction address, or IBLK_NONE */
	uint8_t *iblk_host;   /* host address of that block (fetch access checked) */
	uint32_t insn_ia;     /* address of the instruction being executed (EX: of the EX) */
	uint8_t insn_op;      /* its first byte, for the ILC */
	bool in_ex;           /* executing the target of EX */
	int32_t rel_adjust;   /* EX target address minus (EX address + 4 - target length); 0 outside EX */
	struct tlb_entry tlb_fetch[TLB_ENTRIES];
	struct tlb_entry tlb_store[TLB_ENTRIES];

	/* ---- The rest of the PSW. ---- */
	uint8_t sysmask;      /* PSW bits 0-7 */
	uint8_t key;          /* PSW key 0-15 */
	bool ec;              /* bit 12: EC mode */
	bool mcheck;          /* bit 13: machine-check mask */
	bool wait;            /* bit 14: wait state */
	bool problem;         /* bit 15: problem state */
	uint16_t intcode;     /* BC mode bits 16-31: interruption code of the last old PSW */
	uint8_t ilc;          /* BC mode bits 32-33 as stored */
	uint8_t psw_bad[8];   /* the invalid PSW image while psw_invalid is set */
	bool psw_invalid;     /* an invalid PSW was loaded: specification exception, ILC 0, at once */

	/* ---- Other registers. ---- */
	uint64_t fpr[4];      /* FPR 0, 2, 4, 6 (index r / 2) */
	uint32_t cr[16];

	/* ---- Machine and storage (set at creation, read-only after). ---- */
	struct machine *m;
	uint8_t *storage;     /* absolute storage, storage_size bytes */
	uint8_t *keys;        /* one key byte per 2K block */
	uint32_t storage_size;
	uint32_t prefix;      /* prefix register (4K aligned) */
	bool extension;

	/* ---- Exits and bookkeeping. ---- */
	jmp_buf recover;      /* program interruptions land here (see machine_run) */
	enum machine_exit exit_reason;
	bool exit_pending;
	uint64_t instructions;
	struct machine_diagnose diag;
	machine_trace_fn *trace_fn;
	void *trace_arg;
	atomic_bool stop_request;
	atomic_int attention; /* set from another thread: look at events at the next slice end */
	uint64_t run_budget;  /* the budget machine_run() was called with */

	/* ---- Timing facilities (timer.c). All TOD values are in TOD-clock units (bit 63). ---- */
	bool det_time;        /* deterministic time: TOD advances with instructions executed */
	uint64_t det_tod;     /* deterministic mode: the TOD clock at det_insns */
	uint64_t det_insns;   /* deterministic mode: instructions executed at det_tod */
	uint64_t tod_offset;  /* host mode: TOD clock minus host clock (set by SCK) */
	uint64_t tod_last;    /* last value STCK stored, to keep them unique and increasing */
	uint64_t ckc;         /* clock comparator */
	uint64_t cpt_end;     /* TOD value at which the CPU timer is zero: timer = cpt_end - TOD */
	uint64_t itimer_tod;  /* TOD of the last interval-timer update */
	uint64_t itimer_rem;  /* the remainder of that update, in thirds of a TOD unit */
	bool itimer_pending;  /* interval timer went from positive or zero to negative */
	atomic_bool key_pending; /* interrupt key pressed (machine_interrupt_key) */
};

/* c->iblk_va when no block is cached: far from any 24-bit address (see insn_fetch). */
#define IBLK_NONE 0x80000000u

struct machine {
	struct cpu cpu;
	uint32_t storage_size;
	uint8_t *storage;
	size_t storage_map_len;
	uint8_t *keys;
	struct chan_set *chan; /* channels and devices (channel.c); NULL until a device is attached */
};

/* ------------------------------------------------------------------------------------------------
 * Program interruptions. One raise, one recovery point (the setjmp in machine_run()).
 */

/* Suppression, termination or completion: the old PSW points past the instruction. */
noreturn void program_check(struct cpu *c, enum pic code);
/* Nullification: the old PSW points at the instruction. */
noreturn void program_check_nullify(struct cpu *c, enum pic code);

/* ------------------------------------------------------------------------------------------------
 * Storage access. The fast path is a TLB hit; mem_translate() is the slow path: it applies DAT,
 * prefixing, the addressing check, key protection and reference/change bits, fills the TLB, and
 * raises the program interruption when access is not allowed.
 */
uint8_t *mem_translate(struct cpu *c, uint32_t va, enum access acc);

/* Dynamic address translation of va through the tables that CR0 and CR1 designate, whatever the
 * PSW's T bit (for LRA). DAT_OK: *out is the real address. Otherwise *out is the real address of
 * the segment- or page-table entry that was invalid or (for a length violation) would have been
 * used. Translation-specification, addressing (table outside storage) and segment-protection
 * (store) exceptions are raised here. */
enum dat_result {
	DAT_OK,
	DAT_SEGMENT_INVALID,
	DAT_PAGE_INVALID,
	DAT_SEGMENT_LENGTH,
	DAT_PAGE_LENGTH,
};
enum dat_result dat_translate(struct cpu *c, uint32_t va, bool store, uint32_t *out);
/* The segment and page sizes in CR0 as shifts (16 or 20; 11 or 12), or the
 * translation-specification exception. */
void dat_geometry(struct cpu *c, unsigned *seg_shift, unsigned *page_shift);
void tlb_purge(struct cpu *c);
/* Recompute c->tlb_bits after the PSW key or DAT mode changed. */
void tlb_update_bits(struct cpu *c);

static inline unsigned tlb_index(uint32_t va)
{
	return (va >> BLOCK_SHIFT) & (TLB_ENTRIES - 1);
}

/* Host address of the byte at logical address va, checked for fetch (resp. store). The result is
 * valid for the rest of va's 2K block. */
static inline uint8_t *mem_fetch_ptr(struct cpu *c, uint32_t va)
{
	va &= AMASK;
	struct tlb_entry *e = &c->tlb_fetch[tlb_index(va)];
	if (likely(e->tag == ((va & ~BLOCK_MASK) | c->tlb_bits)))
		return e->host + (va & BLOCK_MASK);
	return mem_translate(c, va, ACC_FETCH);
}

static inline uint8_t *mem_store_ptr(struct cpu *c, uint32_t va)
{
	va &= AMASK;
	struct tlb_entry *e = &c->tlb_store[tlb_index(va)];
	if (likely(e->tag == ((va & ~BLOCK_MASK) | c->tlb_bits)))
		return e->host + (va & BLOCK_MASK);
	return mem_translate(c, va, ACC_STORE);
}

/* True when len bytes from va stay inside one 2K block (and so need one translation). */
static inline bool in_block(uint32_t va, uint32_t len)
{
	return (va & BLOCK_MASK) + len <= BLOCK_SIZE;
}

/* Slow paths for operands that cross a block boundary (or wrap at 16M): block by block through
 * the TLB. A store checks every block before the first byte is stored; a fetch may have copied
 * the first blocks when a later one raises an exception (fetching changes nothing). */
void mem_fetch_bytes(struct cpu *c, uint32_t va, void *out, uint32_t len);
void mem_store_bytes(struct cpu *c, uint32_t va, const void *in, uint32_t len);
/* Check that [va, va+len) may be accessed (len 1..4096), raising the exception if not. Use before
 * a multi-block operation whose stores must not start when a later byte is inaccessible. */
void mem_check(struct cpu *c, uint32_t va, uint32_t len, enum access acc);

static inline uint8_t vfetch1(struct cpu *c, uint32_t va)
{
	return *mem_fetch_ptr(c, va);
}

/* The slow paths of the accessors below: a TLB miss, or an operand that crosses a 2K block (or
 * wraps at 16M); len is 2, 4 or 8. Out of line, so the fast paths need no stack. */
uint64_t vfetch_slow(struct cpu *c, uint32_t va, unsigned len);
void vstore_slow(struct cpu *c, uint32_t va, uint64_t v, unsigned len);

/*
 * Fast path for a len-byte operand at va: the TLB entry of va's block, checked against the block of
 * the operand's *last* byte. The tag matches only when both bytes lie in the same cached block, so
 * one compare also rejects operands that cross a block or wrap past 16M.
 */
static inline uint8_t *tlb_hit(struct cpu *c, struct tlb_entry *tlb, uint32_t va, uint32_t len)
{
	struct tlb_entry *e = &tlb[tlb_index(va)];
	if (likely(e->tag == (((va + len - 1) & ~BLOCK_MASK) | c->tlb_bits)))
		return e->host + (va & BLOCK_MASK);
	return NULL;
}

/*
 * Fast path for an operand of len bytes (len <= 2K) that may cross into the next 2K block: a host
 * pointer when both blocks are cached for this access and lie next to each other in host storage
 * (as they do in real mode everywhere but the prefix pages), so the operand can be used in place.
 * NULL otherwise: the caller takes its slow path.
 */
static inline uint8_t *tlb_span(struct cpu *c, struct tlb_entry *tlb, uint32_t va, uint32_t len)
{
	uint32_t last = va + len - 1;
	struct tlb_entry *e = &tlb[tlb_index(va)], *f = &tlb[tlb_index(last)];
	if (likely(e->tag == ((va & ~BLOCK_MASK) | c->tlb_bits) &&
		   f->tag == ((last & ~BLOCK_MASK) | c->tlb_bits) &&
		   (f == e || f->host == e->host + BLOCK_SIZE)))
		return e->host + (va & BLOCK_MASK);
	return NULL;
}

static inline uint16_t vfetch2(struct cpu *c, uint32_t va)
{
	uint8_t *p = tlb_hit(c, c->tlb_fetch, va, 2);
	return likely(p) ? be16(p) : (uint16_t)vfetch_slow(c, va, 2);
}

static inline uint32_t vfetch4(struct cpu *c, uint32_t va)
{
	uint8_t *p = tlb_hit(c, c->tlb_fetch, va, 4);
	return likely(p) ? be32(p) : (uint32_t)vfetch_slow(c, va, 4);
}

static inline uint64_t vfetch8(struct cpu *c, uint32_t va)
{
	uint8_t *p = tlb_hit(c, c->tlb_fetch, va, 8);
	return likely(p) ? be64(p) : vfetch_slow(c, va, 8);
}

static inline void vstore1(struct cpu *c, uint32_t va, uint8_t v)
{
	*mem_store_ptr(c, va) = v;
}

static inline void vstore2(struct cpu *c, uint32_t va, uint16_t v)
{
	uint8_t *p = tlb_hit(c, c->tlb_store, va, 2);
	if (likely(p))
		put_be16(p, v);
	else
		vstore_slow(c, va, v, 2);
}

static inline void vstore4(struct cpu *c, uint32_t va, uint32_t v)
{
	uint8_t *p = tlb_hit(c, c->tlb_store, va, 4);
	if (likely(p))
		put_be32(p, v);
	else
		vstore_slow(c, va, v, 4);
}

static inline void vstore8(struct cpu *c, uint32_t va, uint64_t v)
{
	uint8_t *p = tlb_hit(c, c->tlb_store, va, 8);
	if (likely(p))
		put_be64(p, v);
	else
		vstore_slow(c, va, v, 8);
}

/* Real-storage access for the CPU's own use (low-core PSWs, interruption codes): applies prefixing
 * but no keys; the address must be inside the prefix area or otherwise known valid. */
uint8_t *real_ptr(struct cpu *c, uint32_t ra);

/* ------------------------------------------------------------------------------------------------
 * Operand decoding. Register fields of 0 in a base or index position contribute zero.
 */
#define R1(ip) ((ip)[1] >> 4)
#define R2(ip) ((ip)[1] & 15)
#define R3(ip) ((ip)[1] & 15) /* RS format: the second register field is R3 */
#define X2(ip) ((ip)[1] & 15)
#define I2(ip) ((ip)[1])      /* SI format immediate */

static inline uint32_t base_disp(const struct cpu *c, unsigned bd)
{
	unsigned b = bd >> 12;
	return (bd & 0xFFF) + (b ? c->gr[b] : 0);
}

/* RX: D2(X2,B2) from bytes 1-3. */
static inline uint32_t ea_rx(const struct cpu *c, const uint8_t *ip)
{
	unsigned x = ip[1] & 15;
	return (base_disp(c, be16(ip + 2)) + (x ? c->gr[x] : 0)) & AMASK;
}

/* RS, SI, S: D2(B2) (or D1(B1)) from bytes 2-3. */
static inline uint32_t ea_s(const struct cpu *c, const uint8_t *ip)
{
	return base_disp(c, be16(ip + 2)) & AMASK;
}

/* SS: first operand D1(B1) from bytes 2-3, second D2(B2) from bytes 4-5. */
static inline uint32_t ea_ss1(const struct cpu *c, const uint8_t *ip)
{
	return base_disp(c, be16(ip + 2)) & AMASK;
}

static inline uint32_t ea_ss2(const struct cpu *c, const uint8_t *ip)
{
	return base_disp(c, be16(ip + 4)) & AMASK;
}

/* RXY/RSY (extension): D2(X2,B2) with a signed 20-bit displacement DH2:DL2. */
static inline uint32_t ea_rxy(const struct cpu *c, const uint8_t *ip)
{
	unsigned x = ip[1] & 15, b = ip[2] >> 4;
	int32_t d = (int32_t)((((uint32_t)ip[4] << 12) | ((ip[2] & 15u) << 8) | ip[3]) << 12) >> 12;
	uint32_t ea = (uint32_t)d + (x ? c->gr[x] : 0) + (b ? c->gr[b] : 0);
	return ea & AMASK;
}

/* Address of the instruction being executed, for relative branches (correct under EX too). */
static inline uint32_t insn_addr(const struct cpu *c)
{
	return (c->ia + (uint32_t)c->rel_adjust) & AMASK;
}

/* Set the instruction address past this instruction. len is 2, 4 or 6. */
#define NEXT_INSN(c, len) ((c)->ia = ((c)->ia + (len)) & AMASK)

/* Privileged instructions: privileged-operation exception in problem state. */
#define PRIVILEGED(c)                                                    \
	do {                                                             \
		if (unlikely((c)->problem))                              \
			program_check((c), PIC_PRIVILEGED);              \
	} while (0)

/* Even register of an even-odd pair, else specification exception. */
#define EVEN_REG(c, r)                                                   \
	do {                                                             \
		if (unlikely((r) & 1))                                   \
			program_check((c), PIC_SPECIFICATION);           \
	} while (0)

/* ------------------------------------------------------------------------------------------------
 * Condition codes (pure; table-tested in tests/machine/check_cc.c).
 */
static inline uint8_t cc_signed(int32_t v)
{
	return v == 0 ? 0 : v < 0 ? 1 : 2;
}

static inline uint8_t cc_compare_signed(int32_t a, int32_t b)
{
	return a == b ? 0 : a < b ? 1 : 2;
}

static inline uint8_t cc_compare_unsigned(uint32_t a, uint32_t b)
{
	return a == b ? 0 : a < b ? 1 : 2;
}

/* Signed add/subtract: CC 0/1/2 by result, 3 on overflow. *overflow tells the caller to check
 * the program mask. */
static inline uint8_t add_signed(uint32_t a, uint32_t b, uint32_t *res, bool *overflow)
{
	int32_t r;
	*overflow = __builtin_add_overflow((int32_t)a, (int32_t)b, &r);
	*res = (uint32_t)r;
	return *overflow ? 3 : cc_signed(r);
}

static inline uint8_t sub_signed(uint32_t a, uint32_t b, uint32_t *res, bool *overflow)
{
	int32_t r;
	*overflow = __builtin_sub_overflow((int32_t)a, (int32_t)b, &r);
	*res = (uint32_t)r;
	return *overflow ? 3 : cc_signed(r);
}

/* Logical add: CC bit 1 (value 2) carry, bit 0 (value 1) nonzero result. */
static inline uint8_t add_logical(uint32_t a, uint32_t b, uint32_t *res)
{
	uint32_t r = a + b;
	*res = r;
	return (uint8_t)((r < a ? 2 : 0) | (r != 0));
}

/* Logical subtract = a + ~b + 1: CC 1 nonzero no carry, 2 zero with carry, 3 nonzero with carry. */
static inline uint8_t sub_logical(uint32_t a, uint32_t b, uint32_t *res)
{
	uint32_t r = a - b;
	*res = r;
	return (uint8_t)((a >= b ? 2 : 0) | (r != 0));
}

/* Raise fixed-point overflow if enabled (after the result is stored: completion). */
static inline void fixed_overflow(struct cpu *c, bool overflow)
{
	if (unlikely(overflow) && (c->progmask & PM_FIXED_OVERFLOW))
		program_check(c, PIC_FIXED_OVERFLOW);
}

/* ------------------------------------------------------------------------------------------------
 * PSW handling and interruptions (cpu.c).
 */
void psw_store(const struct cpu *c, uint8_t out[8]);
/* Load a PSW image. Returns false (and arranges the specification exception with ILC 0) when the
 * image is invalid. */
bool psw_load(struct cpu *c, const uint8_t in[8]);
/* Swap PSWs for an interruption: store the current PSW at old, load the one at new (real addresses). */
void psw_swap(struct cpu *c, uint32_t old, uint32_t new_psw);
/* From the CPU's own thread (an instruction, or the host between runs): the dispatch loop must
 * look at the CPU's state (PSW validity, wait, masks, exits) before the next instruction. */
static inline void cpu_attention(struct cpu *c)
{
	c->look = true;
}

/* Leave machine_run() with reason e once the current instruction has finished. */
void cpu_request_exit(struct cpu *c, enum machine_exit e);

/* Interruption sources, asked by the dispatch loop between slices and whenever it looks at the
 * CPU's state. Each delivers at most one interruption if one is pending and enabled (storing the
 * old PSW and loading the new one) and returns true, else returns false. */
bool timer_deliver(struct cpu *c); /* timer.c: external interruptions */
bool chan_deliver(struct cpu *c);  /* channel.c: I/O interruptions */

/* Timing facilities (timer.c). */
void timer_init(struct cpu *c, bool deterministic);
/* The TOD clock now, and (for STCK) a value unique and higher than the last one stored. */
uint64_t tod_now(struct cpu *c);
uint64_t tod_stck(struct cpu *c);
/* Deterministic mode, enabled wait: advance time to the next event that can interrupt the CPU.
 * Returns false when there is none. */
bool timer_skip_wait(struct cpu *c);

/* The dispatch tables (insn_table.c). */
extern insn_fn *const *insn_table_primary(bool extension);

#endif
