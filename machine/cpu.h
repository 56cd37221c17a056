/*
 * cpu.h - the CPU and storage internals shared by the machine/ sources. Not for use outside machine/.
 *
 * Everything an instruction handler needs is here: the CPU state, operand decoding, inline storage
 * access through the TLB, condition-code helpers and the program-interruption raise.
 *
 * Instructions run from decoded entries (struct dinsn): the dispatch loop keeps one entry per
 * halfword of each recently executed 2K block, decoded on first use and checked against the
 * instruction's bytes in storage before every execution, so a store into code (by the program, a
 * channel or the host) simply makes the entry decode again. A handler has one of two shapes:
 *
 *   const struct dinsn *op_xxx(struct cpu *c, const struct dinsn *d)     (a DINSN row in insn.def)
 *       Its operands come predecoded in d; d->ia is the instruction's own address. It returns
 *       the entry of the next instruction: NEXT(d, len) to go on in sequence, branch_to(c, addr)
 *       to branch, or resolve(c) after it has set c->ia itself (a new PSW). c->ia is not kept
 *       up to date while decoded instructions run.
 *   void op_xxx(struct cpu *c, const uint8_t *ip)                          (an INSN row)
 *       The instruction's bytes in ip; c->ia holds the instruction's own address on entry and
 *       the handler sets it to the next instruction (NEXT_INSN) or a branch target.
 *
 * Program interruptions depend on neither: they use c->cur, the entry the loop is executing.
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
	PIC_ASN_TRANSLATION_SPEC = 0x17,
	PIC_SPACE_SWITCH = 0x1C,
	PIC_PC_TRANSLATION_SPEC = 0x1F,
	PIC_AFX_TRANSLATION = 0x20,
	PIC_ASX_TRANSLATION = 0x21,
	PIC_LX_TRANSLATION = 0x22,
	PIC_EX_TRANSLATION = 0x23,
	PIC_PRIMARY_AUTHORITY = 0x24,
	PIC_SECONDARY_AUTHORITY = 0x25,
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
 * address ORed with c->tlb_bits (PSW key, DAT mode, address space, valid bit), so a change of PSW
 * key, DAT mode or space mode needs no purge. Fetch and store entries are separate because
 * protection differs.
 *
 *    31      24 23                     11 10     7  6     5   4       1  0
 *   +----------+-------------------------+--------+-----+-----+---------+---+
 *   |   zero   | logical block address   |  zero  | SEC | DAT | PSW key | V |
 *   +----------+-------------------------+--------+-----+-----+---------+---+
 * (bit numbers from the right.) SEC is set in the secondary-space mode (DAT on, PSW bit 16):
 * operands then come from the secondary space (CR7), while instructions are still fetched from
 * the primary space (CR1), and in that mode not through the TLB (see insn_fetch_ptr). */
#define TLB_VALID 0x001u
#define TLB_KEY_SHIFT 1
#define TLB_DAT 0x020u
#define TLB_SEC 0x040u
#define TLB_ENTRIES 256
struct tlb_entry {
	uint32_t tag;
	uintptr_t addend; /* host address of a byte of the block = addend + its logical address */
};

typedef void insn_fn(struct cpu *c, const uint8_t *ip);

/*
 * A decoded instruction. Register numbers that stand for a base or index register (x2, b1, b2) are
 * 16 when the field is 0: c->gr[16] is always zero, so an effective address is two adds with no
 * test. The entry is valid while the 8 bytes at hp still equal raw: the instruction's bytes and
 * the few after it (a change there only costs a decoding).
 */
struct dinsn;
typedef const struct dinsn *dinsn_fn(struct cpu *c, const struct dinsn *d);
struct dinsn {
	dinsn_fn *fn;
	const uint8_t *hp;     /* host address of the bytes the entry was decoded from */
	uint64_t raw;          /* those 8 bytes as one native load (the instruction's bytes first) */
	uint32_t ia;           /* the instruction's address */
	uint8_t op, len;       /* first opcode byte; length in bytes */
	uint8_t r1, r2;        /* R1 (or M1); R2, R3 or M3 (or X2 unmapped) */
	union {
		struct {
			uint8_t x2, b1, b2; /* index and base registers, 0 mapped to 16 */
			uint8_t l;          /* SS length byte, or SI immediate byte */
			union {
				struct {
					uint16_t d1, d2; /* displacements */
				};
				int32_t i2; /* RI/RIL immediate, sign-extended */
			};
		};
		insn_fn *legacy;        /* an INSN-row handler, run through op_legacy() */
	};
};

/* The entry after d when d is len bytes long. */
#define NEXT(d, len) ((d) + (len) / 2)

/* Decoded blocks: the entries of one 2K block of logical addresses, plus three entries past its
 * end that continue in the next block. DCACHE_SETS sets of two blocks each. */
#define DBLK_ENTRIES (BLOCK_SIZE / 2 + 3)
#define DCACHE_SETS 32
struct dblk {
	struct dinsn e[DBLK_ENTRIES];
};

/* Which logical block a dcache slot holds. Kept apart from the blocks' entries (40 KB each, paged
 * in only when a block is first filled), so that a purge, which clears the tags, touches this one
 * small array and not a page of every block. */
struct dtag {
	uint32_t tag;          /* logical block | tlb_bits, as a TLB tag; 0: empty */
	uint32_t va;
	uint8_t *host;
	uint64_t used;         /* for replacement: the loop's count of block switches when last used */
};

struct cpu {
	/* ---- Hot: touched by nearly every instruction. Owned by the thread running the CPU. ---- */
	uint32_t gr[17];      /* GR 0-15, and gr[16] always zero (see struct dinsn) */
	uint32_t ia;          /* instruction address (PSW bits 40-63) */
	uint8_t cc;           /* condition code 0-3 */
	uint8_t progmask;     /* PM_* bits */
	uint32_t tlb_bits;    /* tag bits for the current PSW key and DAT mode (see tlb_entry) */
	uint64_t slice;       /* instructions the loop may run before it looks at events again (0: look
			       * now; the loop keeps this in storage so that a handler can zero it) */
	uint64_t budget;      /* instructions left in this machine_run() call, beyond slice */
	uint32_t dblk_va;     /* logical 2K block of the current decoded block, or IBLK_NONE */
	struct dinsn *dblk_e; /* its entries */
	uint8_t *dblk_host;   /* and the host address of its bytes */
	const struct dinsn *cur; /* the entry being executed (EX: the EX's), for interruptions */
	bool in_ex;           /* executing the target of EX */
	int32_t rel_adjust;   /* EX target address minus (EX address + 4 - target length); 0 outside EX */
	struct tlb_entry tlb_fetch[TLB_ENTRIES];
	struct tlb_entry tlb_store[TLB_ENTRIES];

	/* ---- Decoded instructions (cpu.c). ---- */
	struct dblk *dcache;  /* DCACHE_SETS * 2 blocks, */
	struct dtag dtag[2 * DCACHE_SETS]; /* and what each holds */
	uint64_t dswitch;     /* block switches, for replacement */
	struct dinsn fetch;   /* the entry resolve() gives when the block is not decoded */
	struct dinsn fault;   /* c->cur while an instruction is being fetched (for the ILC) */
	struct dinsn tmp[4];  /* an instruction that crosses into the next block, and what follows */

	/* ---- The rest of the PSW. ---- */
	uint8_t sysmask;      /* PSW bits 0-7 */
	uint8_t key;          /* PSW key 0-15 */
	bool ec;              /* bit 12: EC mode */
	bool mcheck;          /* bit 13: machine-check mask */
	bool wait;            /* bit 14: wait state */
	bool problem;         /* bit 15: problem state */
	bool secondary;       /* bit 16 (EC mode): secondary-space mode when DAT is on (DAS) */
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

	/* ---- CPU signals, restart, machine check and the stopped state (cpu.c, insn_control.c). ---- */
	bool ext_call_pending;   /* SIGP external call: external interruption X'1202' */
	uint16_t ext_call_cpu;   /* the address of the CPU that sent it */
	bool emergency_pending;  /* SIGP emergency signal from CPU 0 (the only CPU): X'1201' */
	uint8_t stop_pending;    /* SIGP stop (STOP_*): stop once the enabled interruptions are taken */
	bool stopped;            /* machine_run() last returned MACHINE_EXIT_STOPPED */
	bool checkstop;          /* check-stop state: machine_run() returns MACHINE_EXIT_CHECKSTOP */
	atomic_bool restart_pending;      /* restart key (machine_restart) or SIGP restart */
	_Atomic uint64_t mcheck_pending;  /* machine-check interruption code(s) the host reported */
};

/* c->stop_pending: what SIGP asked for. */
enum { STOP_NONE, STOP_STOP, STOP_STORE_STATUS };

/* c->dblk_va when no block is current: far from any 24-bit address (see branch_to). */
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
/* An event at the completion of an instruction that loaded a new instruction address (the
 * space-switch event of PC and PT): the old PSW is the one the instruction left, c->ia included. */
noreturn void program_check_completed(struct cpu *c, enum pic code);

/* ------------------------------------------------------------------------------------------------
 * Storage access. The fast path is a TLB hit; mem_translate() is the slow path: it applies DAT,
 * prefixing, the addressing check, key protection and reference/change bits, fills the TLB, and
 * raises the program interruption when access is not allowed.
 */
uint8_t *mem_translate(struct cpu *c, uint32_t va, enum access acc);

/* The same checks for an access in a given address space with a given key, for the instructions
 * that name them (MVCK, MVCP, MVCS): the host address of va's byte, valid for the rest of its 2K
 * block. DAT applies when the PSW's T bit is on, through CR7 when secondary, else CR1. Fills no
 * TLB entry. */
uint8_t *mem_access(struct cpu *c, uint32_t va, enum access acc, unsigned key, bool secondary);

/* Real address of logical address va in the primary or secondary space (DAT when the PSW's T bit
 * is on, else va): a translation exception (nullifying) or, for a store, segment protection is
 * raised. Prefixing and the addressing check are the caller's. */
uint32_t mem_real(struct cpu *c, uint32_t va, bool secondary, bool store);

/* True in the secondary-space mode: EC mode, DAT on, PSW bit 16. */
static inline bool secondary_mode(const struct cpu *c)
{
	return c->tlb_bits & TLB_SEC;
}

/* The segment-table designation of the primary or secondary space (CR1 or CR7). */
static inline uint32_t space_std(const struct cpu *c, bool secondary)
{
	return c->cr[secondary ? 7 : 1];
}

/* Dynamic address translation of va through the segment table that std (a CR1 or CR7 image)
 * designates and the page and segment sizes in CR0, whatever the PSW's T bit. DAT_OK: *out is the
 * real address and *protect tells whether the segment is protected against stores. Otherwise *out
 * is the real address of the segment- or page-table entry that was invalid or (for a length
 * violation) would have been used. Translation-specification and addressing (table outside
 * storage) exceptions are raised here. */
enum dat_result {
	DAT_OK,
	DAT_SEGMENT_INVALID,
	DAT_PAGE_INVALID,
	DAT_SEGMENT_LENGTH,
	DAT_PAGE_LENGTH,
};
enum dat_result dat_translate(struct cpu *c, uint32_t std, uint32_t va, uint32_t *out, bool *protect);
/* Absolute address of real address ra (prefixing). */
uint32_t real_to_abs(const struct cpu *c, uint32_t ra);
/* A word (or byte) of a table in real storage (ASN, linkage and entry tables): prefixing, no
 * protection, addressing exception when outside storage. */
uint32_t real_fetch4(struct cpu *c, uint32_t ra);
uint8_t real_fetch1(struct cpu *c, uint32_t ra);
/* The segment and page sizes in CR0 as shifts (16 or 20; 11 or 12), or the
 * translation-specification exception. */
void dat_geometry(struct cpu *c, unsigned *seg_shift, unsigned *page_shift);
void tlb_purge(struct cpu *c);
/* Recompute c->tlb_bits after the PSW key, DAT mode or space mode changed. */
void tlb_update_bits(struct cpu *c);

/* The TLB entry for va's block: the index (block number mod TLB_ENTRIES) scaled to the entry size
 * in one shift and one mask. */
static inline struct tlb_entry *tlb_entry_for(struct tlb_entry *tlb, uint32_t va)
{
	_Static_assert(sizeof(struct tlb_entry) == 16, "TLB entries are 16 bytes");
	return (struct tlb_entry *)((char *)tlb + ((va >> (BLOCK_SHIFT - 4)) & ((TLB_ENTRIES - 1) << 4)));
}

static inline uint8_t *tlb_host(const struct tlb_entry *e, uint32_t va)
{
	return (uint8_t *)(e->addend + va);
}

/* Host address of the byte at logical address va, checked for fetch (resp. store). The result is
 * valid for the rest of va's 2K block. */
static inline uint8_t *mem_fetch_ptr(struct cpu *c, uint32_t va)
{
	va &= AMASK;
	struct tlb_entry *e = tlb_entry_for(c->tlb_fetch, va);
	if (likely(e->tag == ((va & ~BLOCK_MASK) | c->tlb_bits)))
		return tlb_host(e, va);
	return mem_translate(c, va, ACC_FETCH);
}

static inline uint8_t *mem_store_ptr(struct cpu *c, uint32_t va)
{
	va &= AMASK;
	struct tlb_entry *e = tlb_entry_for(c->tlb_store, va);
	if (likely(e->tag == ((va & ~BLOCK_MASK) | c->tlb_bits)))
		return tlb_host(e, va);
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

/* Host address of the instruction byte at va: instructions come from the primary space also in
 * the secondary-space mode, where the fetch TLB holds secondary-space operands. */
static inline uint8_t *insn_fetch_ptr(struct cpu *c, uint32_t va)
{
	if (unlikely(secondary_mode(c)))
		return mem_translate(c, va & AMASK, ACC_IFETCH);
	return mem_fetch_ptr(c, va);
}

static inline uint8_t vfetch1(struct cpu *c, uint32_t va)
{
	return *mem_fetch_ptr(c, va);
}

/* The slow paths of the accessors below: a TLB miss, or an operand that crosses a 2K block (or
 * wraps at 16M); len is 2, 4 or 8. Out of line, so the fast paths need no stack. */
uint64_t vfetch_slow(struct cpu *c, uint32_t va, unsigned len);
void vstore_slow(struct cpu *c, uint32_t va, uint64_t v, unsigned len);

/* Does TLB entry e (va's) hold the len-byte operand at va? See tlb_hit(). */
static inline bool tlb_hits(const struct cpu *c, const struct tlb_entry *e, uint32_t va, uint32_t len)
{
	return e->tag == (((va + len - 1) & ~BLOCK_MASK) | c->tlb_bits);
}

/*
 * Fast path for a len-byte operand at va: the TLB entry of va's block, checked against the block of
 * the operand's *last* byte. The tag matches only when both bytes lie in the same cached block, so
 * one compare also rejects operands that cross a block or wrap past 16M.
 */
static inline uint8_t *tlb_hit(struct cpu *c, struct tlb_entry *tlb, uint32_t va, uint32_t len)
{
	struct tlb_entry *e = tlb_entry_for(tlb, va);
	if (likely(tlb_hits(c, e, va, len)))
		return tlb_host(e, va);
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
	struct tlb_entry *e = tlb_entry_for(tlb, va), *f = tlb_entry_for(tlb, last);
	/* Blocks next to each other in host storage have the same addend. */
	if (likely(e->tag == ((va & ~BLOCK_MASK) | c->tlb_bits) &&
		   f->tag == ((last & ~BLOCK_MASK) | c->tlb_bits) && f->addend == e->addend))
		return tlb_host(e, va);
	return NULL;
}

static inline uint16_t vfetch2(struct cpu *c, uint32_t va)
{
	struct tlb_entry *e = tlb_entry_for(c->tlb_fetch, va);
	if (likely(tlb_hits(c, e, va, 2)))
		return be16(tlb_host(e, va));
	return (uint16_t)vfetch_slow(c, va, 2);
}

static inline uint32_t vfetch4(struct cpu *c, uint32_t va)
{
	struct tlb_entry *e = tlb_entry_for(c->tlb_fetch, va);
	if (likely(tlb_hits(c, e, va, 4)))
		return be32(tlb_host(e, va));
	return (uint32_t)vfetch_slow(c, va, 4);
}

static inline uint64_t vfetch8(struct cpu *c, uint32_t va)
{
	struct tlb_entry *e = tlb_entry_for(c->tlb_fetch, va);
	if (likely(tlb_hits(c, e, va, 8)))
		return be64(tlb_host(e, va));
	return vfetch_slow(c, va, 8);
}

static inline void vstore1(struct cpu *c, uint32_t va, uint8_t v)
{
	*mem_store_ptr(c, va) = v;
}

static inline void vstore2(struct cpu *c, uint32_t va, uint16_t v)
{
	struct tlb_entry *e = tlb_entry_for(c->tlb_store, va);
	if (likely(tlb_hits(c, e, va, 2)))
		put_be16(tlb_host(e, va), v);
	else
		vstore_slow(c, va, v, 2);
}

static inline void vstore4(struct cpu *c, uint32_t va, uint32_t v)
{
	struct tlb_entry *e = tlb_entry_for(c->tlb_store, va);
	if (likely(tlb_hits(c, e, va, 4)))
		put_be32(tlb_host(e, va), v);
	else
		vstore_slow(c, va, v, 4);
}

static inline void vstore8(struct cpu *c, uint32_t va, uint64_t v)
{
	struct tlb_entry *e = tlb_entry_for(c->tlb_store, va);
	if (likely(tlb_hits(c, e, va, 8)))
		put_be64(tlb_host(e, va), v);
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
	c->budget += c->slice; /* the rest of the slice goes back to the budget */
	c->slice = 0;
}

/* Leave machine_run() with reason e once the current instruction has finished. */
void cpu_request_exit(struct cpu *c, enum machine_exit e);

/* CPU reset (GA22-7000 chapter 4, "Resets"): the interruption conditions of this CPU are cleared,
 * and the TLB; registers and PSW stay. Initial CPU reset also sets the PSW, prefix, CPU timer and
 * clock comparator to zero and the control registers to their initial values. The caller puts the
 * CPU in the stopped state. */
void cpu_reset(struct cpu *c, bool initial);

/* Interruption sources, asked by the dispatch loop between slices and whenever it looks at the
 * CPU's state. Each delivers at most one interruption if one is pending and enabled (storing the
 * old PSW and loading the new one) and returns true, else returns false. */
bool timer_deliver(struct cpu *c); /* timer.c: external interruptions, CPU signals included */
bool chan_deliver(struct cpu *c);  /* channel.c: I/O interruptions */
/* A machine-check condition is pending that the CPU would take now (cpu.c). */
bool mcheck_deliverable(struct cpu *c);

/* Timing facilities (timer.c). */
void timer_init(struct cpu *c, bool deterministic);
/* The TOD clock now, and (for STCK) a value unique and higher than the last one stored. */
uint64_t tod_now(struct cpu *c);
uint64_t tod_stck(struct cpu *c);
/* Deterministic mode, enabled wait: advance time to the next event that can interrupt the CPU.
 * Returns false when there is none. */
bool timer_skip_wait(struct cpu *c);

/* ------------------------------------------------------------------------------------------------
 * Decoded instructions (cpu.c, insn_table.c).
 */

/* Decode the instruction at p (len bytes readable, or 8 when in storage) at address ia into e;
 * the caller sets hp, raw and mask. */
void insn_decode(const struct cpu *c, struct dinsn *e, const uint8_t *p, uint32_t ia);

/* The entry for the instruction at c->ia, after a handler set c->ia. Never raises an exception:
 * when the block has to be translated first it returns an entry that does that when executed. */
const struct dinsn *resolve(struct cpu *c);
/* The handler of an INSN-row entry: runs d->legacy on the instruction's bytes with c->ia set to
 * the instruction's address, and goes on from the c->ia it leaves. */
dinsn_fn op_legacy;
/* Forget every decoded block (with tlb_purge: mappings or access rights changed). */
void dcache_purge(struct cpu *c);

/* Branch to target (24-bit): the entry in the current block when it is there, else resolve(). */
static inline const struct dinsn *branch_to(struct cpu *c, uint32_t target)
{
	uint32_t off = target - c->dblk_va;
	/* The rotate puts an odd offset's low bit on top: one compare rejects it and far targets. */
	if (likely(((off >> 1) | (off << 31)) < BLOCK_SIZE / 2))
		return c->dblk_e + (off >> 1);
	c->ia = target;
	return resolve(c);
}

/* Fetch the instruction at addr (even) into buf: the first halfword, then only as much more as
 * its length needs, so that an access exception is recognised only for bytes it uses. From the
 * primary space also in the secondary-space mode. For the targets of EX and EXRL, and for an
 * instruction across a block boundary. Returns the length. */
int insn_fetch_target(struct cpu *c, uint32_t addr, uint8_t buf[6]);

/* Run the target of EX or EXRL: bytes t (byte 1 already modified) as if at base, with relative
 * operands from base + rel_adjust; in_ex (EX) makes its exceptions report the EX's ILC 2. Returns
 * the entry to go on with, or NULL when the target went on in sequence (the caller then continues
 * after itself). */
const struct dinsn *execute_target(struct cpu *c, const uint8_t *t, uint32_t base, int32_t rel_adjust,
				   bool in_ex);

/* Effective addresses from a decoded entry. */
static inline uint32_t dea_rx(const struct cpu *c, const struct dinsn *d)
{
	return (d->d2 + c->gr[d->x2] + c->gr[d->b2]) & AMASK;
}

static inline uint32_t dea_s2(const struct cpu *c, const struct dinsn *d)
{
	return (d->d2 + c->gr[d->b2]) & AMASK;
}

static inline uint32_t dea_s1(const struct cpu *c, const struct dinsn *d)
{
	return (d->d1 + c->gr[d->b1]) & AMASK;
}

/* Relative-branch target: i halfwords from the instruction (correct under EX too). */
static inline uint32_t drel(const struct cpu *c, const struct dinsn *d, int32_t i)
{
	return (d->ia + (uint32_t)c->rel_adjust + 2u * (uint32_t)i) & AMASK;
}

/* The dispatch tables (insn_table.c): what decoding uses for a first opcode byte. */
struct insn_handler {
	dinsn_fn *dfn;      /* decoded handler, or NULL */
	insn_fn *legacy;    /* otherwise the INSN-row handler */
	uint8_t format;     /* enum insn_format */
};
const struct insn_handler *insn_handler_for(bool extension, const uint8_t *ip);
void insn_tables_init(void); /* once, before the first insn_handler_for() */

#endif
