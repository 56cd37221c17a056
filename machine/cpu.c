/*
 * cpu.c - the machine's life cycle, the dispatch loop, the PSW and interruptions.
 *
 * machine_run() is the hot loop: fetch through the TLB, dispatch through the primary table, and look
 * at c->attention (events, waits, tracing, exits) only when something set it. Program interruptions
 * are raised by program_check(), which swaps PSWs and longjmps back to the loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "machine/channel.h"
#include "machine/cpu.h"

const char *machine_exit_str(enum machine_exit e)
{
	switch (e) {
	case MACHINE_EXIT_BUDGET:
		return "instruction-limit";
	case MACHINE_EXIT_DISABLED_WAIT:
		return "disabled-wait";
	case MACHINE_EXIT_ENABLED_WAIT:
		return "enabled-wait";
	case MACHINE_EXIT_STOPPED:
		return "stopped";
	case MACHINE_EXIT_CHECKSTOP:
		return "check-stop";
	case MACHINE_EXIT_PROGRAM_LOOP:
		return "program-interrupt-loop";
	case MACHINE_EXIT_DIAGNOSE:
		return "diagnose";
	}
	return "unknown";
}

/* ------------------------------------------------------------------------------------------------
 * Life cycle
 */

#define STORAGE_GUARD_BELOW (64u * 1024)
#define STORAGE_GUARD_ABOVE MACHINE_MAX_STORAGE

/* Initial CPU reset values of the control registers (s370-instructions.md 10.1). */
static void cpu_initial_reset(struct cpu *c)
{
	memset(c->gr, 0, sizeof c->gr);
	memset(c->fpr, 0, sizeof c->fpr);
	memset(c->cr, 0, sizeof c->cr);
	c->cr[0] = 0x000000E0u;
	c->cr[2] = 0xFFFFFFFFu;
	c->cr[14] = 0xC2000000u;
	c->cr[15] = 0x00000200u;
	c->prefix = 0;
	c->ia = 0;
	c->cc = 0;
	c->progmask = 0;
	c->sysmask = 0;
	c->key = 0;
	c->ec = c->mcheck = c->wait = c->problem = false;
	c->intcode = 0;
	c->ilc = 0;
	c->psw_invalid = false;
	c->in_ex = false;
	c->rel_adjust = 0;
	tlb_update_bits(c);
	tlb_purge(c);
}

struct machine *machine_new(const struct machine_config *cfg)
{
	uint32_t size = cfg->storage_size;
	if (size < 4096 || size > MACHINE_MAX_STORAGE || size % BLOCK_SIZE) {
		errno = EINVAL;
		return NULL;
	}
	struct machine *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->storage_size = size;
	/* Storage sits between inaccessible guard regions: below, one large page; above, a full
	 * 16M, so that even a host offset computed from an unmasked 24-bit address lands in a guard
	 * and faults instead of reaching other host memory. Untouched pages cost nothing. */
	m->storage_map_len = STORAGE_GUARD_BELOW + size + STORAGE_GUARD_ABOVE;
	uint8_t *map = mmap(NULL, m->storage_map_len, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	m->keys = calloc(size >> BLOCK_SHIFT, 1);
	if (map == MAP_FAILED || !m->keys ||
	    mprotect(map + STORAGE_GUARD_BELOW, size, PROT_READ | PROT_WRITE) != 0) {
		int e = errno;
		if (map != MAP_FAILED)
			munmap(map, m->storage_map_len);
		free(m->keys);
		free(m);
		errno = e;
		return NULL;
	}
	m->storage = map + STORAGE_GUARD_BELOW;

	struct cpu *c = &m->cpu;
	c->m = m;
	c->storage = m->storage;
	c->keys = m->keys;
	c->storage_size = size;
	c->extension = cfg->extension;
	c->optab = insn_table_primary(cfg->extension);
	cpu_initial_reset(c);
	timer_init(c, cfg->deterministic_time);
	return m;
}

void machine_free(struct machine *m)
{
	if (!m)
		return;
	chan_free(m);
	munmap(m->storage - STORAGE_GUARD_BELOW, m->storage_map_len);
	free(m->keys);
	free(m);
}

struct cpu *machine_cpu(struct machine *m)
{
	return &m->cpu;
}

uint32_t machine_storage_size(const struct machine *m)
{
	return m->storage_size;
}

bool machine_load(struct machine *m, uint32_t addr, const void *data, size_t len)
{
	if (addr > m->storage_size || len > m->storage_size - addr)
		return false;
	memcpy(m->storage + addr, data, len);
	return true;
}

bool machine_dump(const struct machine *m, uint32_t addr, void *out, size_t len)
{
	if (addr > m->storage_size || len > m->storage_size - addr)
		return false;
	memcpy(out, m->storage + addr, len);
	return true;
}

/* ------------------------------------------------------------------------------------------------
 * The PSW
 *
 * BC mode (bit 12 = 0):
 *   0      7 8  11 12 13 14 15 16            31 32 33 34 35 36  39 40                    63
 *  +--------+-----+--+--+--+--+----------------+-----+-----+------+------------------------+
 *  |sys mask| key | 0| M| W| P| interrupt code | ILC | CC  | prog | instruction address    |
 *  +--------+-----+--+--+--+--+----------------+-----+-----+------+------------------------+
 * EC mode (bit 12 = 1):
 *   0 1 2-4 5 6 7 8  11 12 13 14 15 16 17 18-19 20-23 24   39 40                         63
 *  +-+-+---+-+-+-+-----+--+--+--+--+--+--+-----+-----+-------+------------------------------+
 *  |0|R|000|T|I|E| key | 1| M| W| P| S| 0| CC  | prog|  zero  | instruction address          |
 *  +-+-+---+-+-+-+-----+--+--+--+--+--+--+-----+-----+-------+------------------------------+
 */

void psw_store(const struct cpu *c, uint8_t out[8])
{
	out[0] = c->sysmask;
	out[1] = (uint8_t)(c->key << 4 | c->ec << 3 | c->mcheck << 2 | c->wait << 1 | c->problem);
	if (c->ec) {
		out[2] = (uint8_t)(c->cc << 4 | c->progmask);
		out[3] = 0;
		out[4] = 0;
	} else {
		put_be16(out + 2, c->intcode);
		out[4] = (uint8_t)(c->ilc << 6 | c->cc << 4 | c->progmask);
	}
	out[5] = (uint8_t)(c->ia >> 16);
	out[6] = (uint8_t)(c->ia >> 8);
	out[7] = (uint8_t)c->ia;
}

static bool psw_valid(const uint8_t p[8])
{
	if (!(p[1] & 0x08))
		return true; /* BC mode has no reserved bits */
	/* EC mode: bits 0, 2-4, 16 (no DAS), 17 and 24-39 must be zero. */
	return !(p[0] & 0xB8) && !(p[2] & 0xC0) && !p[3] && !p[4];
}

bool psw_load(struct cpu *c, const uint8_t in[8])
{
	c->sysmask = in[0];
	c->key = in[1] >> 4;
	c->ec = in[1] & 0x08;
	c->mcheck = in[1] & 0x04;
	c->wait = in[1] & 0x02;
	c->problem = in[1] & 0x01;
	if (c->ec) {
		c->cc = (in[2] >> 4) & 3;
		c->progmask = in[2] & 15;
	} else {
		c->intcode = be16(in + 2);
		c->ilc = in[4] >> 6;
		c->cc = (in[4] >> 4) & 3;
		c->progmask = in[4] & 15;
	}
	c->ia = (uint32_t)in[5] << 16 | (uint32_t)in[6] << 8 | in[7];
	tlb_update_bits(c);
	c->psw_invalid = !psw_valid(in);
	if (c->psw_invalid)
		memcpy(c->psw_bad, in, 8);
	cpu_attention(c); /* masks, wait state or validity may need a look */
	return !c->psw_invalid;
}

void psw_swap(struct cpu *c, uint32_t old, uint32_t new_psw)
{
	psw_store(c, real_ptr(c, old));
	psw_load(c, real_ptr(c, new_psw));
}

/* ------------------------------------------------------------------------------------------------
 * Program interruptions
 */

static inline unsigned ilc_of(uint8_t op)
{
	return ((op >> 6) + 3u) >> 1;
}

/* Store the interruption code and ILC, swap PSWs, and stop a program-interruption loop: a program
 * new PSW that is itself invalid would interrupt again before any instruction runs. */
static void deliver_program(struct cpu *c, enum pic code, unsigned ilc)
{
	c->in_ex = false;
	c->rel_adjust = 0;
	if (c->ec) {
		uint8_t *low = real_ptr(c, 0);
		low[0x8C] = 0;
		low[0x8D] = (uint8_t)(ilc << 1);
		put_be16(low + 0x8E, code);
	} else {
		c->intcode = code;
		c->ilc = (uint8_t)ilc;
	}
	psw_swap(c, 0x28, 0x68);
	if (c->psw_invalid || (c->ia & 1))
		cpu_request_exit(c, MACHINE_EXIT_PROGRAM_LOOP);
}

static noreturn void raise_program(struct cpu *c, enum pic code, bool nullify)
{
	unsigned ilc = c->in_ex ? 2 : ilc_of(c->insn_op);
	c->ia = nullify ? c->insn_ia : (c->insn_ia + 2 * ilc) & AMASK;
	deliver_program(c, code, ilc);
	longjmp(c->recover, 1);
}

noreturn void program_check(struct cpu *c, enum pic code)
{
	raise_program(c, code, false);
}

noreturn void program_check_nullify(struct cpu *c, enum pic code)
{
	raise_program(c, code, true);
}

/* A specification exception for an invalid PSW format, recognised as soon as the PSW is loaded:
 * ILC 0, and the old PSW is the invalid image as loaded (there is no valid state to compose it
 * from). Only EC-mode PSWs can be invalid, so the code goes to X'8E'. */
static void psw_exception(struct cpu *c)
{
	uint8_t *low = real_ptr(c, 0);
	memcpy(low + 0x28, c->psw_bad, 8);
	low[0x8C] = 0;
	low[0x8D] = 0;
	put_be16(low + 0x8E, PIC_SPECIFICATION);
	c->psw_invalid = false;
	psw_load(c, low + 0x68);
	if (c->psw_invalid || (c->ia & 1))
		cpu_request_exit(c, MACHINE_EXIT_PROGRAM_LOOP);
}

/* An odd instruction address: a specification exception when the instruction is fetched. In
 * S/370 (GA22-7000) the ILC is then 1, 2 or 3 and tells how far the instruction address has been
 * advanced; this machine advances it by 4 with ILC 2, as Hercules 3.13 does after LPSW. */
static void odd_address_exception(struct cpu *c)
{
	c->ia = (c->ia + 4) & AMASK;
	deliver_program(c, PIC_SPECIFICATION, 2);
}

/* ------------------------------------------------------------------------------------------------
 * The dispatch loop
 */

void cpu_request_exit(struct cpu *c, enum machine_exit e)
{
	if (!c->exit_pending) {
		c->exit_pending = true;
		c->exit_reason = e;
	}
	cpu_attention(c);
}

void machine_stop(struct cpu *c)
{
	atomic_store(&c->stop_request, true);
	atomic_store(&c->attention, 1);
}

/* All interruption classes masked off: I/O, external and machine check. */
static bool disabled_for_all(const struct cpu *c)
{
	if (c->mcheck)
		return false;
	if (c->ec)
		return !(c->sysmask & 0x03);
	return c->sysmask == 0;
}

/* How many instructions the loop runs between looks at events posted by other threads. */
#define SLICE 16384
/* Interruptions delivered in one look at most: a new PSW enabled for a condition that stays
 * pending (an interruption loop) must not keep the loop from its budget and stop requests. */
#define MAX_DELIVERIES 256

/*
 * The loop's look at everything between slices: requests from other threads, exits requested by
 * an instruction, an invalid PSW, the wait state and the budget. Returns true when machine_run()
 * must return (with c->exit_reason set); otherwise hands the loop its next slice.
 */
static bool service(struct cpu *c)
{
	unsigned delivered = 0;
	c->look = false;
	c->budget += c->slice; /* what is left of the slice goes back to the budget */
	c->slice = 0;
	for (;;) {
		atomic_store_explicit(&c->attention, 0, memory_order_relaxed);
		if (atomic_exchange(&c->stop_request, false)) {
			c->exit_reason = MACHINE_EXIT_STOPPED;
			return true;
		}
		if (c->exit_pending) {
			c->exit_pending = false;
			return true;
		}
		if (c->psw_invalid) {
			psw_exception(c); /* loads the program new PSW: look again */
			c->look = false;
			continue;
		}
		/* Pending interruptions, in the architected priority order after the program and
		 * SVC interruptions (which happen inside instructions): external, then I/O. Each
		 * returns true when it swapped PSWs; the new PSW needs a look of its own. */
		if (delivered < MAX_DELIVERIES && (timer_deliver(c) || chan_deliver(c))) {
			c->look = false;
			delivered++; /* an interruption loop runs a slice every MAX_DELIVERIES */
			continue;
		}
		if (c->wait) {
			/* Deterministic time jumps over an enabled wait to the next timer event. */
			if (c->det_time && !disabled_for_all(c) && timer_skip_wait(c))
				continue;
			c->exit_reason = disabled_for_all(c) ? MACHINE_EXIT_DISABLED_WAIT : MACHINE_EXIT_ENABLED_WAIT;
			return true;
		}
		break;
	}
	if (c->budget == 0) {
		c->exit_reason = MACHINE_EXIT_BUDGET;
		return true;
	}
	/* Tracing takes one instruction at a time, so that every one passes through here. */
	uint64_t n = c->trace_fn ? 1 : SLICE;
	c->slice = c->budget < n ? c->budget : n;
	c->budget -= c->slice;
	return false;
}

/* The slow half of instruction fetch: the address is odd, the block is not cached, or the
 * instruction may cross into the next block. Returns the instruction's bytes (in buf when they had
 * to be gathered), or NULL after delivering a specification exception for an odd address. */
static const uint8_t *fetch_slow(struct cpu *c, uint32_t ia, uint8_t *buf)
{
	if (ia & 1) {
		odd_address_exception(c);
		return NULL;
	}
	c->insn_op = 0; /* until the first halfword is in hand, an exception has ILC 1 */
	uint8_t *p = mem_translate(c, ia, ACC_IFETCH);
	if ((ia & BLOCK_MASK) <= BLOCK_SIZE - 6) {
		c->iblk_va = ia & ~BLOCK_MASK;
		c->iblk_host = p - (ia & BLOCK_MASK);
		return p;
	}
	/* Near the end of the block: fetch only as much of the next block as the length needs, so
	 * that an access exception is recognised only for bytes the instruction uses. */
	buf[0] = p[0];
	buf[1] = p[1];
	c->insn_op = buf[0];
	int len = insn_length(buf[0]);
	for (int i = 2; i < len; i++)
		buf[i] = *mem_fetch_ptr(c, (ia + (uint32_t)i) & AMASK);
	return buf;
}

/* One instruction with the trace hook called first (slices are one instruction long then). */
static void step_traced(struct cpu *c, uint8_t *buf)
{
	c->slice--;
	c->insn_ia = c->ia;
	const uint8_t *ip = fetch_slow(c, c->ia, buf);
	if (!ip)
		return;
	c->insn_op = ip[0];
	c->trace_fn(c->trace_arg, c->insn_ia, ip, insn_length(ip[0]));
	c->optab[ip[0]](c, ip);
}

/*
 * The loop proper. It keeps nothing of its own across a program interruption, which longjmps out
 * of it to machine_run(), which calls it again. Keeping it apart from the setjmp() lets the
 * compiler hold c and the loop's values in registers. Returns when machine_run() must.
 *
 * Instruction fetch is one subtraction and one compare: rotating the offset into the cached block
 * right by one bit moves an odd address's low bit to the top, so a single unsigned compare rejects
 * odd addresses, addresses outside the block, and the last six bytes of the block (where an
 * instruction may cross into the next one); fetch_slow() sorts those out.
 */
static __attribute__((noinline)) void run_loop(struct cpu *c)
{
	uint8_t buf[6];
	/* The slice count lives in a register; c->slice gets a copy before each instruction (a
	 * store no later instruction waits for), so that it is right after a longjmp. */
	uint64_t slice = c->slice;

	for (;;) {
		if (unlikely(slice == 0 || c->look)) {
			c->slice = slice;
			if (service(c))
				return;
			if (unlikely(c->trace_fn)) {
				step_traced(c, buf);
				slice = c->slice;
				continue;
			}
			slice = c->slice;
		}
		c->slice = --slice;
		uint32_t ia = c->ia, off = ia - c->iblk_va;
		const uint8_t *ip;
		c->insn_ia = ia;
		if (likely(((off >> 1) | (off << 31)) <= (BLOCK_SIZE - 6) / 2)) {
			ip = c->iblk_host + off;
		} else {
			ip = fetch_slow(c, ia, buf);
			if (!ip)
				continue;
		}
		c->insn_op = ip[0];
		c->optab[ip[0]](c, ip);
	}
}

enum machine_exit machine_run(struct cpu *c, uint64_t budget)
{
	c->budget = budget;
	c->run_budget = budget;
	c->slice = 0; /* look first */

	/*
	 * Recovery point: program_check() has already swapped PSWs when it longjmps here, and the
	 * loop simply starts again. Nothing local lives across it; all state is in *c.
	 */
	(void)setjmp(c->recover);
	run_loop(c);

	uint64_t left = c->budget + c->slice;
	c->instructions += budget - left;
	c->budget = c->slice = c->run_budget = 0;
	return c->exit_reason;
}

/* ------------------------------------------------------------------------------------------------
 * State accessors
 */

void cpu_get_psw(const struct cpu *c, uint8_t psw[8])
{
	if (c->psw_invalid)
		memcpy(psw, c->psw_bad, 8);
	else
		psw_store(c, psw);
}

bool cpu_set_psw(struct cpu *c, const uint8_t psw[8])
{
	return psw_load(c, psw);
}

uint32_t cpu_get_gpr(const struct cpu *c, int r)
{
	return c->gr[r & 15];
}

void cpu_set_gpr(struct cpu *c, int r, uint32_t v)
{
	c->gr[r & 15] = v;
}

uint64_t cpu_get_fpr(const struct cpu *c, int r)
{
	return c->fpr[(r >> 1) & 3];
}

void cpu_set_fpr(struct cpu *c, int r, uint64_t v)
{
	c->fpr[(r >> 1) & 3] = v;
}

uint32_t cpu_get_cr(const struct cpu *c, int r)
{
	return c->cr[r & 15];
}

void cpu_set_cr(struct cpu *c, int r, uint32_t v)
{
	c->cr[r & 15] = v;
	tlb_purge(c);
}

uint64_t cpu_instructions(const struct cpu *c)
{
	return c->instructions;
}

struct machine_diagnose cpu_last_diagnose(const struct cpu *c)
{
	return c->diag;
}

void cpu_set_trace(struct cpu *c, machine_trace_fn *fn, void *arg)
{
	c->trace_fn = fn;
	c->trace_arg = arg;
	cpu_attention(c);
}
