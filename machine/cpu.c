/*
 * cpu.c - the machine's life cycle, the dispatch loop, the PSW and interruptions.
 *
 * machine_run() is the hot loop: fetch through the TLB, dispatch through the primary table, and look
 * at c->attention (events, waits, tracing, exits) only when something set it. Program interruptions
 * are raised by program_check(), which swaps PSWs and longjmps back to the loop. The other
 * interruptions (machine check, external, I/O, restart) are taken between instructions, when the
 * loop looks at the CPU's state; so are the stopped and check-stop states, resets and store status.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "machine/channel.h"
#include "machine/cpu.h"
#include "machine/insn_table.h"

static void dcache_init(struct cpu *c);

/*
 * What a host that runs the machine as a virtual machine adds (machine.h, "For a host ..."): the
 * machine is allocated inside this record, so these fields cost the hot loop nothing and reach
 * it only where it already slows down: decoding (an address stop, a virtual STIDP), tracing
 * (a trace stop) and the PSW swap of an interruption (the event hook).
 */
struct machine_host {
	struct machine m;		/* first: a struct machine * is a struct machine_host * */
	bool virtual_cpuid;		/* STIDP stores version code X'FF' */
	bool adstop_on;
	uint32_t adstop;		/* logical address of the instruction to stop before */
	bool trace_stop;		/* cpu_trace_stop() from the trace function */
	_Atomic uint16_t ext_signal;	/* machine_external() codes not yet presented */
	machine_event_fn *event_fn;
	void *event_arg;
	void *data;			/* machine_set_host_data() */
	void (*data_free)(void *);
};

static inline struct machine_host *host_of(const struct cpu *c)
{
	return (struct machine_host *)c->m;
}

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
	c->ec = c->mcheck = c->wait = c->problem = c->secondary = false;
	c->intcode = 0;
	c->ilc = 0;
	c->psw_invalid = false;
	c->in_ex = false;
	c->rel_adjust = 0;
	tlb_update_bits(c);
	tlb_purge(c);
}

/* Storage of size bytes (valid: checked by the caller) and its keys: the mapping's length, storage
 * and keys in *map_len, *storage, *keys; false with errno. */
static bool storage_new(uint32_t size, size_t *map_len, uint8_t **storage, uint8_t **keys)
{
	/* Storage sits between inaccessible guard regions: below, one large page; above, a full
	 * 16M, so that even a host offset computed from an unmasked 24-bit address lands in a guard
	 * and faults instead of reaching other host memory. Untouched pages cost nothing. */
	size_t len = STORAGE_GUARD_BELOW + size + STORAGE_GUARD_ABOVE;
	uint8_t *map = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *k = calloc(size >> BLOCK_SHIFT, 1);
	/* The page after storage reads as zeros: a decoded entry near the end of storage checks its
	 * instruction with one 8-byte load (struct dinsn), and CLC compares short fields with 8-byte
	 * loads; either may reach a few bytes past the end.
	 * Nothing can write there. */
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t end = (size + page - 1) / page * page; /* storage's pages end here */
	if (map == MAP_FAILED || !k || mprotect(map + STORAGE_GUARD_BELOW, size, PROT_READ | PROT_WRITE) != 0 ||
	    mprotect(map + STORAGE_GUARD_BELOW + end, page, PROT_READ) != 0) {
		int e = errno;
		if (map != MAP_FAILED)
			munmap(map, len);
		free(k);
		errno = e;
		return false;
	}
	*map_len = len;
	*storage = map + STORAGE_GUARD_BELOW;
	*keys = k;
	return true;
}

static bool storage_size_valid(uint32_t size)
{
	return size >= 4096 && size <= MACHINE_MAX_STORAGE && size % BLOCK_SIZE == 0;
}

struct machine *machine_new(const struct machine_config *cfg)
{
	uint32_t size = cfg->storage_size;
	if (!storage_size_valid(size)) {
		errno = EINVAL;
		return NULL;
	}
	struct machine_host *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	struct machine *m = &h->m;
	h->virtual_cpuid = cfg->virtual_cpuid;
	m->storage_size = size;
	m->cpu.dcache = calloc(2 * DCACHE_SETS, sizeof *m->cpu.dcache);
	if (!m->cpu.dcache || !storage_new(size, &m->storage_map_len, &m->storage, &m->keys)) {
		int e = errno;
		free(m->cpu.dcache);
		free(h);
		errno = e;
		return NULL;
	}

	struct cpu *c = &m->cpu;
	c->m = m;
	c->storage = m->storage;
	c->keys = m->keys;
	c->storage_size = size;
	c->extension = cfg->extension;
	insn_tables_init();
	dcache_init(c);
	cpu_initial_reset(c);
	timer_init(c, cfg->deterministic_time);
	return m;
}

void machine_free(struct machine *m)
{
	if (!m)
		return;
	struct machine_host *h = (struct machine_host *)m;
	if (h->data_free)
		h->data_free(h->data);
	chan_free(m);
	munmap(m->storage - STORAGE_GUARD_BELOW, m->storage_map_len);
	free(m->keys);
	free(m->cpu.dcache);
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
		out[2] = (uint8_t)(c->secondary << 7 | c->cc << 4 | c->progmask);
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
	/* EC mode: bits 0, 2-4, 17 and 24-39 must be zero (bit 16 is the secondary-space control of
	 * the dual-address-space facility, which this machine has). */
	return !(p[0] & 0xB8) && !(p[2] & 0x40) && !p[3] && !p[4];
}

bool psw_load(struct cpu *c, const uint8_t in[8])
{
	c->sysmask = in[0];
	c->key = in[1] >> 4;
	c->ec = in[1] & 0x08;
	c->mcheck = in[1] & 0x04;
	c->wait = in[1] & 0x02;
	c->problem = in[1] & 0x01;
	c->secondary = c->ec && (in[2] & 0x80);
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

/* The event hook's view of the interruption whose old PSW was just stored at real address old. */
static void interrupt_event(struct cpu *c, uint32_t old)
{
	struct machine_host *h = host_of(c);
	struct machine_event ev = {.kind = MACHINE_EVENT_INTERRUPT, .iclass = (enum machine_int_class)old};
	const uint8_t *low = real_ptr(c, 0);
	memcpy(ev.old_psw, low + old, 8);
	psw_store(c, ev.new_psw);
	bool ec = ev.old_psw[1] & 0x08;
	switch (old) {
	case MACHINE_INT_EXTERNAL:
		ev.code = ec ? be16(low + 0x86) : be16(ev.old_psw + 2);
		break;
	case MACHINE_INT_SVC:
		ev.code = ec ? be16(low + 0x8A) : be16(ev.old_psw + 2);
		break;
	case MACHINE_INT_PROGRAM:
		ev.code = ec ? be16(low + 0x8E) : be16(ev.old_psw + 2);
		break;
	case MACHINE_INT_IO:
		ev.code = ec ? be16(low + 0xBA) : be16(ev.old_psw + 2);
		break;
	default:
		break;
	}
	if (h->event_fn(h->event_arg, &ev)) {
		atomic_store(&c->stop_request, true);
		cpu_attention(c);
	}
}

void psw_swap(struct cpu *c, uint32_t old, uint32_t new_psw)
{
	psw_store(c, real_ptr(c, old));
	psw_load(c, real_ptr(c, new_psw));
	if (unlikely(host_of(c)->event_fn))
		interrupt_event(c, old);
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

void machine_program_interrupt(struct cpu *c, uint16_t code, unsigned ilc)
{
	deliver_program(c, (enum pic)code, ilc);
	cpu_attention(c);
}

uint32_t cpu_real_to_absolute(const struct cpu *c, uint32_t real)
{
	real &= AMASK;
	if ((real & ~0xFFFu) == 0)
		return real | c->prefix;
	if ((real & ~0xFFFu) == c->prefix)
		return real & 0xFFFu;
	return real;
}

void cpu_set_cc(struct cpu *c, unsigned cc)
{
	c->cc = cc & 3;
}

unsigned cpu_get_cc(const struct cpu *c)
{
	return c->cc;
}

static noreturn void raise_program(struct cpu *c, enum pic code, bool nullify)
{
	unsigned ilc = c->in_ex ? 2 : ilc_of(c->cur->op);
	c->ia = nullify ? c->cur->ia : (c->cur->ia + 2 * ilc) & AMASK;
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

noreturn void program_check_completed(struct cpu *c, enum pic code)
{
	deliver_program(c, code, c->in_ex ? 2 : ilc_of(c->cur->op));
	longjmp(c->recover, 1);
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

/* ------------------------------------------------------------------------------------------------
 * Machine check, restart, resets and store status (GA22-7000 chapters 4, 6 and 11)
 *
 * An emulated machine has no failing hardware: machine-check conditions are what the host reports
 * with machine_check(), as an interruption code. They are taken between instructions: an exigent
 * condition (system damage, instruction-processing damage) when PSW bit 13 is one, a repressible
 * one when its subclass mask in CR14 is one too. An exigent condition while PSW bit 13 is zero and
 * the check-stop control (CR14 bit 0) is one puts the CPU in the check-stop state.
 */

#define MCIC_EXIGENT (MACHINE_MCIC_SD | MACHINE_MCIC_PD)
#define MCIC_CONDITIONS                                                                         \
	(MCIC_EXIGENT | MACHINE_MCIC_SR | MACHINE_MCIC_TD | MACHINE_MCIC_CD | MACHINE_MCIC_ED |  \
	 MACHINE_MCIC_DG | MACHINE_MCIC_W)

/* CR14 machine-check controls. */
#define CR14_CHECKSTOP 0x80000000u /* bit 0: check-stop control */
#define CR14_RECOVERY 0x08000000u  /* bit 4: recovery (system recovery) subclass mask */
#define CR14_DEGRADE 0x04000000u   /* bit 5: degradation subclass mask */
#define CR14_DAMAGE 0x02000000u    /* bit 6: external-damage subclass mask (and timer damage) */
#define CR14_WARNING 0x01000000u   /* bit 7: warning subclass mask */

/* The repressible conditions of code that CR14 masks off. */
static uint64_t mcheck_masked(const struct cpu *c, uint64_t code)
{
	uint32_t cr14 = c->cr[14];
	uint64_t off = 0;
	if (!(cr14 & CR14_RECOVERY))
		off |= MACHINE_MCIC_SR;
	if (!(cr14 & CR14_DEGRADE))
		off |= MACHINE_MCIC_DG;
	if (!(cr14 & CR14_DAMAGE))
		off |= MACHINE_MCIC_TD | MACHINE_MCIC_CD | MACHINE_MCIC_ED;
	if (!(cr14 & CR14_WARNING))
		off |= MACHINE_MCIC_W;
	return code & off;
}

bool mcheck_deliverable(struct cpu *c)
{
	uint64_t code = atomic_load_explicit(&c->mcheck_pending, memory_order_relaxed);
	return code && c->mcheck && (code & MCIC_CONDITIONS & ~mcheck_masked(c, code));
}

/* An exigent condition with the machine-check mask off and the check-stop control on: the CPU
 * enters the check-stop state, which ends the condition. */
static bool mcheck_checkstop(struct cpu *c)
{
	uint64_t code = atomic_load_explicit(&c->mcheck_pending, memory_order_relaxed);
	if (likely(!(code & MCIC_EXIGENT)) || c->mcheck || !(c->cr[14] & CR14_CHECKSTOP))
		return false;
	atomic_store(&c->mcheck_pending, 0);
	c->checkstop = true;
	return true;
}

/* The machine-check interruption: the code at X'E8', the register save areas, the old PSW at X'30'
 * and the new one from X'70' (all real addresses). Conditions still masked stay pending, with the
 * code's other bits. */
static bool mcheck_deliver(struct cpu *c)
{
	uint64_t code = atomic_load_explicit(&c->mcheck_pending, memory_order_relaxed), masked;
	if (likely(!code) || !c->mcheck)
		return false;
	do {
		masked = mcheck_masked(c, code);
		if (!(code & MCIC_CONDITIONS & ~masked))
			return false;
	} while (!atomic_compare_exchange_weak(&c->mcheck_pending, &code,
					       masked ? masked | (code & ~MCIC_CONDITIONS) : 0));
	uint8_t *low = real_ptr(c, 0);
	put_be64(low + 0xD8, c->cpt_end - tod_now(c));
	put_be64(low + 0xE0, c->ckc);
	put_be64(low + 0xE8, code & ~masked);
	for (int i = 0; i < 4; i++)
		put_be64(low + 0x160 + 8 * i, c->fpr[i]);
	for (int i = 0; i < 16; i++) {
		put_be32(low + 0x180 + 4 * i, c->gr[i]);
		put_be32(low + 0x1C0 + 4 * i, c->cr[i]);
	}
	if (!c->ec) {
		c->intcode = 0; /* BC mode: interruption code zero; the ILC is unpredictable */
		c->ilc = 0;
	}
	psw_swap(c, 0x30, 0x70);
	return true;
}

void machine_check(struct cpu *c, uint64_t code)
{
	atomic_fetch_or(&c->mcheck_pending, code);
	atomic_store(&c->attention, 1);
}

/* The restart interruption: old PSW at real X'08', new PSW from X'00'. Not maskable; taken after
 * every other pending interruption the CPU is enabled for. */
static bool restart_deliver(struct cpu *c)
{
	if (likely(!atomic_load_explicit(&c->restart_pending, memory_order_relaxed)))
		return false;
	atomic_store(&c->restart_pending, false);
	if (!c->ec) {
		c->intcode = 0; /* BC mode: interruption code zero; the ILC is unpredictable */
		c->ilc = 0;
	}
	psw_swap(c, 0x08, 0x00);
	return true;
}

void machine_restart(struct cpu *c)
{
	atomic_store(&c->restart_pending, true);
	atomic_store(&c->attention, 1);
}

void cpu_reset(struct cpu *c, bool initial)
{
	static const uint8_t zero_psw[8];
	c->in_ex = false;
	c->rel_adjust = 0;
	c->exit_pending = false;
	c->ext_call_pending = false;
	c->emergency_pending = false;
	c->stop_pending = STOP_NONE;
	c->checkstop = false;
	c->itimer_pending = false;
	atomic_store(&c->key_pending, false);
	atomic_store(&c->restart_pending, false);
	atomic_store(&c->mcheck_pending, 0);
	if (initial) {
		memset(c->cr, 0, sizeof c->cr);
		c->cr[0] = 0x000000E0u;
		c->cr[2] = 0xFFFFFFFFu;
		c->cr[14] = 0xC2000000u;
		c->cr[15] = 0x00000200u;
		c->prefix = 0;
		psw_load(c, zero_psw);
		c->ckc = 0;
		c->cpt_end = tod_now(c); /* CPU timer zero */
	}
	tlb_purge(c);
}

void machine_reset(struct machine *m, bool clear)
{
	cpu_reset(&m->cpu, true);
	machine_io_reset(m);
	if (clear) {
		/* Fresh zero pages (and keys), a saved system's file unmapped too (machine/nss.c). */
		machine_clear_storage(m);
		memset(m->cpu.gr, 0, sizeof m->cpu.gr);
		memset(m->cpu.fpr, 0, sizeof m->cpu.fpr);
	}
}

/*
 * Store status: the CPU timer, clock comparator, current PSW, prefix and registers at their
 * absolute locations (GA22-7000 chapter 4, "Store Status"):
 *
 *   D8 CPU timer   E0 clock comparator   100 PSW   108 prefix   160 FPR 0-6   180 GR 0-15   1C0 CR 0-15
 *
 * In the BC mode the PSW's interruption code is stored as zeros (its ILC is unpredictable).
 */
void machine_store_status(struct machine *m)
{
	struct cpu *c = &m->cpu;
	uint8_t *a = m->storage;
	put_be64(a + 0xD8, c->cpt_end - tod_now(c));
	put_be64(a + 0xE0, c->ckc);
	cpu_get_psw(c, a + 0x100);
	if (!(a[0x101] & 0x08))
		a[0x102] = a[0x103] = 0;
	put_be32(a + 0x108, c->prefix);
	for (int i = 0; i < 4; i++)
		put_be64(a + 0x160 + 8 * i, c->fpr[i]);
	for (int i = 0; i < 16; i++) {
		put_be32(a + 0x180 + 4 * i, c->gr[i]);
		put_be32(a + 0x1C0 + 4 * i, c->cr[i]);
	}
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

#define CR0_EXT_SIGNAL 0x00000020u /* bit 26: external-signal mask */

/* An external signal from machine_external(), when PSW bit 7 and CR0 bit 26 allow it. */
static bool signal_deliver(struct cpu *c)
{
	struct machine_host *h = host_of(c);
	if (likely(!atomic_load_explicit(&h->ext_signal, memory_order_relaxed)) || !(c->sysmask & 0x01) ||
	    !(c->cr[0] & CR0_EXT_SIGNAL))
		return false;
	uint16_t code = atomic_exchange(&h->ext_signal, 0);
	if (c->ec) {
		put_be16(real_ptr(c, 0x86), code);
	} else {
		c->intcode = code;
		c->ilc = 0; /* unpredictable */
	}
	psw_swap(c, 0x18, 0x58);
	return true;
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
			continue;
		}
		if (mcheck_checkstop(c)) {
			c->exit_reason = MACHINE_EXIT_CHECKSTOP;
			return true;
		}
		/* Pending interruptions, in the architected priority order after the program and
		 * SVC interruptions (which happen inside instructions): machine check, external,
		 * I/O, restart. Each returns true when it swapped PSWs; the new PSW needs a look of
		 * its own. */
		if (delivered < MAX_DELIVERIES &&
		    (mcheck_deliver(c) || timer_deliver(c) || signal_deliver(c) || chan_deliver(c) ||
		     restart_deliver(c))) {
			delivered++; /* an interruption loop runs a slice every MAX_DELIVERIES */
			continue;
		}
		/* SIGP stop: the CPU stops once the interruptions it is enabled for are taken. */
		if (c->stop_pending) {
			if (c->stop_pending == STOP_STORE_STATUS)
				machine_store_status(c->m);
			c->stop_pending = STOP_NONE;
			c->exit_reason = MACHINE_EXIT_STOPPED;
			return true;
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

/* ------------------------------------------------------------------------------------------------
 * Decoded instructions
 *
 * Each block in c->dcache holds one entry per halfword of a 2K block of logical addresses, for the
 * PSW key and DAT mode in its tag. An entry is decoded the first time it runs and checked against
 * storage every time (the loop compares the bytes at e->hp with e->raw), so nothing that stores
 * into storage has to tell the cache. Whatever changes the mapping or the access rights of a block
 * (a TLB purge, a new PSW key or DAT mode) empties the cache or stops it from matching.
 */

/* Bytes that never match an entry's raw (0): the state of an entry not yet decoded. */
static const uint64_t never_bytes = ~0ull;

/* Entries that are not instructions: they find the instruction at their address and run it. Used
 * for the three entries past a block's end, c->fetch and c->tmp[1..3]. */
static const struct dinsn *op_resume(struct cpu *c, const struct dinsn *d);
/* An entry of a block not decoded since the block was (re)filled. */
static const struct dinsn *op_undecoded(struct cpu *c, const struct dinsn *d);

/* An entry that always passes the loop's check (its bytes are its own raw) and resumes at ia. */
static void resume_entry(struct dinsn *e, uint32_t ia)
{
	e->fn = op_resume;
	e->hp = (const uint8_t *)&e->raw;
	e->raw = 0;
	e->ia = ia & AMASK;
	e->op = 0;
	e->len = 0;
}

static void dcache_init(struct cpu *c)
{
	resume_entry(&c->fetch, 0);
	resume_entry(&c->fault, 0);
	c->cur = &c->fetch;
	c->dblk_va = IBLK_NONE;
	c->dblk_e = c->dcache[0].e;
	c->dblk_host = NULL;
}

void dcache_purge(struct cpu *c)
{
	for (unsigned i = 0; i < 2 * DCACHE_SETS; i++)
		c->dtag[i].tag = 0;
	c->dblk_va = IBLK_NONE;
	cpu_attention(c); /* the loop must not go on with an entry of a purged block */
}

/* Make slot the decoded block for logical block va (tag as for the TLB) at host address host. */
static void dblk_fill(struct cpu *c, unsigned slot, uint32_t tag, uint32_t va, uint8_t *host)
{
	struct dblk *b = &c->dcache[slot];
	c->dtag[slot] = (struct dtag){.tag = tag, .va = va, .host = host, .used = c->dtag[slot].used};
	for (unsigned i = 0; i < BLOCK_SIZE / 2; i++) {
		struct dinsn *e = &b->e[i];
		e->fn = op_undecoded;
		e->hp = (const uint8_t *)&never_bytes;
		e->raw = 0;
		e->ia = va + 2 * i;
	}
	for (unsigned i = BLOCK_SIZE / 2; i < DBLK_ENTRIES; i++)
		resume_entry(&b->e[i], va + 2 * i);
}

static inline void dblk_enter(struct cpu *c, unsigned slot)
{
	struct dtag *t = &c->dtag[slot];
	c->dblk_host = t->host;
	c->dblk_va = t->va;
	c->dblk_e = c->dcache[slot].e;
	t->used = ++c->dswitch;
}

/* The first slot of the set of two for logical address ia. */
static inline unsigned dcache_set(uint32_t ia)
{
	return 2 * ((ia >> BLOCK_SHIFT) & (DCACHE_SETS - 1));
}

const struct dinsn *resolve(struct cpu *c)
{
	uint32_t ia = c->ia, tag = (ia & ~BLOCK_MASK) | c->tlb_bits;
	unsigned set = dcache_set(ia);
	if (!(ia & 1)) {
		for (unsigned w = set; w < set + 2; w++) {
			if (c->dtag[w].tag == tag) {
				dblk_enter(c, w);
				return &c->dcache[w].e[(ia & BLOCK_MASK) >> 1];
			}
		}
	}
	c->fetch.ia = ia;
	return &c->fetch;
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static dinsn_fn op_adstop, op_stidp_virtual;

/* The host's changes to a decoded entry: the address stop, a virtual machine's STIDP. */
static inline void decode_host(const struct cpu *c, struct dinsn *e)
{
	const struct machine_host *h = host_of(c);
	if (unlikely(h->adstop_on) && e->ia == h->adstop)
		e->fn = op_adstop;
	else if (unlikely(h->virtual_cpuid) && e->fn == op_stidp)
		e->fn = op_stidp_virtual;
}

/* Fill e from the instruction bytes at p (8 readable bytes) at address ia. */
static void decode_at(const struct cpu *c, struct dinsn *e, const uint8_t *p, uint32_t ia)
{
	insn_decode(c, e, p, ia);
	decode_host(c, e);
	e->hp = p;
	e->raw = load64(p);
}

/* Decode the instruction bytes t (as many as its length) as if at ia into e[0], with e[1..3]
 * resuming after it: an entry outside any block (an instruction across a block boundary, the
 * target of EX). Returns e. */
static struct dinsn *decode_bytes(const struct cpu *c, struct dinsn e[4], const uint8_t *t, uint32_t ia)
{
	uint8_t b[8] = {0};
	memcpy(b, t, (size_t)insn_length(t[0]));
	insn_decode(c, &e[0], b, ia);
	decode_host(c, &e[0]);
	memcpy(&e[0].raw, b, 8);
	e[0].hp = (const uint8_t *)&e[0].raw;
	for (unsigned i = 1; i < 4; i++)
		resume_entry(&e[i], ia + 2 * i);
	return e;
}

/*
 * Decode entry e of the current block again (first use, or its bytes changed). An instruction that
 * runs past the end of the block is fetched across the boundary, only as far as its length needs
 * (so that an access exception is recognised only for bytes it uses), and runs from c->tmp.
 */
static const struct dinsn *redecode(struct cpu *c, struct dinsn *e)
{
	uint32_t off = e->ia & BLOCK_MASK;
	const uint8_t *p = c->dblk_host + off;
	unsigned len = (unsigned)insn_length(p[0]);
	if (likely(off + len <= BLOCK_SIZE)) {
		decode_at(c, e, p, e->ia);
		return e;
	}
	uint8_t t[6];
	c->fault.ia = e->ia;
	c->fault.op = p[0]; /* an exception in the next block: the ILC is the instruction's */
	c->cur = &c->fault;
	insn_fetch_target(c, e->ia, t);
	return decode_bytes(c, c->tmp, t, e->ia);
}

/*
 * The entry for the instruction at ia, checked and ready to run. Raises the instruction-fetch
 * exceptions: an odd address is a specification exception (in S/370 (GA22-7000) the ILC then tells
 * how far the address was advanced; this machine advances it by 4 with ILC 2, as Hercules 3.13
 * does after LPSW); an access exception for the first halfword has ILC 1.
 */
static const struct dinsn *insn_entry(struct cpu *c, uint32_t ia)
{
	c->fault.ia = ia;
	c->cur = &c->fault;
	if (ia & 1) {
		c->fault.op = 0x40; /* ILC 2 */
		program_check(c, PIC_SPECIFICATION);
	}
	c->ia = ia;
	const struct dinsn *e = resolve(c);
	if (e == &c->fetch) {
		c->fault.op = 0; /* ILC 1 */
		uint8_t *p = mem_translate(c, ia, ACC_IFETCH);
		uint32_t va = ia & ~BLOCK_MASK;
		unsigned set = dcache_set(ia);
		unsigned w = c->dtag[set].used <= c->dtag[set + 1].used ? set : set + 1;
		dblk_fill(c, w, va | c->tlb_bits, va, p - (ia & BLOCK_MASK));
		dblk_enter(c, w);
		e = &c->dcache[w].e[(ia & BLOCK_MASK) >> 1];
	}
	if (load64(e->hp) != e->raw)
		e = redecode(c, (struct dinsn *)e);
	return e;
}

static const struct dinsn *op_resume(struct cpu *c, const struct dinsn *d)
{
	const struct dinsn *e = insn_entry(c, d->ia);
	c->cur = e;
	return e->fn(c, e);
}

static const struct dinsn *op_undecoded(struct cpu *c, const struct dinsn *d)
{
	const struct dinsn *e = redecode(c, (struct dinsn *)d);
	c->cur = e;
	return e->fn(c, e);
}

const struct dinsn *op_legacy(struct cpu *c, const struct dinsn *d)
{
	c->ia = d->ia;
	d->legacy(c, (const uint8_t *)&d->raw);
	if (likely(c->ia == ((d->ia + d->len) & AMASK)))
		return d + d->len / 2;
	return resolve(c);
}

int insn_fetch_target(struct cpu *c, uint32_t addr, uint8_t buf[6])
{
	const uint8_t *p = insn_fetch_ptr(c, addr); /* addr is even: the halfword is in one block */
	buf[0] = p[0];
	buf[1] = p[1];
	int len = insn_length(buf[0]);
	if (likely(in_block(addr, (uint32_t)len))) {
		memcpy(buf + 2, p + 2, (size_t)len - 2);
	} else {
		for (int i = 2; i < len; i++)
			buf[i] = *insn_fetch_ptr(c, (addr + (uint32_t)i) & AMASK);
	}
	return len;
}

const struct dinsn *execute_target(struct cpu *c, const uint8_t *t, uint32_t base, int32_t rel_adjust,
				   bool in_ex)
{
	struct dinsn e[4];
	decode_bytes(c, e, t, base);
	c->in_ex = in_ex;
	c->rel_adjust = rel_adjust;
	const struct dinsn *n = e[0].fn(c, &e[0]);
	c->in_ex = false;
	c->rel_adjust = 0;
	/* In sequence, the target returns one of e[1..3]; those live on this stack. */
	if ((uintptr_t)n > (uintptr_t)&e[0] && (uintptr_t)n <= (uintptr_t)&e[3])
		return NULL;
	return n;
}

/* ------------------------------------------------------------------------------------------------
 * The loop
 */

/* One instruction with the trace hook called first (slices are one instruction long then).
 * Returns the entry of the next instruction. */
static const struct dinsn *step_traced(struct cpu *c)
{
	c->slice--;
	const struct dinsn *e = insn_entry(c, c->ia);
	c->cur = e;
	c->trace_fn(c->trace_arg, e->ia, (const uint8_t *)&e->raw, e->len);
	struct machine_host *h = host_of(c);
	if (unlikely(h->trace_stop)) {
		/* Not executed: the loop finds the slice spent and the stop request. */
		h->trace_stop = false;
		atomic_store(&c->stop_request, true);
		c->budget++;
		cpu_attention(c);
		return e;
	}
	return e->fn(c, e);
}

/*
 * Take one instruction off the slice: false while there was one to take, true (and the slice
 * still 0) when it was spent. On x86-64 it is one subtract on storage and one branch on its carry,
 * which compilers do not find on their own.
 */
static inline bool slice_take(uint64_t *slice)
{
#if defined(__x86_64__) && defined(__GNUC__)
	asm goto("subq $1, %0\n\tjc %l[spent]" : "+m"(*slice) : : "cc" : spent);
	return false;
spent:
	*slice = 0;
	return true;
#else
	if (*slice == 0)
		return true;
	--*slice;
	return false;
#endif
}

/*
 * The loop proper. It keeps nothing of its own across a program interruption, which longjmps out
 * of it to machine_run(), which calls it again. Keeping it apart from the setjmp() lets the
 * compiler hold c and the loop's values in registers. Returns when machine_run() must.
 *
 * d is the entry of the next instruction; d->ia is the PSW's instruction address whenever the loop
 * stops to look at the CPU's state, and c->ia is set from it then. It stops when the slice is
 * spent, which cpu_attention() makes happen at once.
 */
static __attribute__((noinline)) void run_loop(struct cpu *c)
{
	const struct dinsn *d = resolve(c);

	for (;;) {
		/* One instruction off the slice; at 0 the loop looks at the CPU's state first. */
		if (unlikely(slice_take(&c->slice))) {
			c->ia = d->ia;
			if (service(c))
				return;
			d = resolve(c);
			if (unlikely(c->trace_fn)) {
				d = step_traced(c);
				continue;
			}
			c->slice--;
		}
		c->cur = d;
		if (unlikely(load64(d->hp) != d->raw)) {
			d = redecode(c, (struct dinsn *)d);
			c->cur = d;
		}
		d = d->fn(c, d);
	}
}

enum machine_exit machine_run(struct cpu *c, uint64_t budget)
{
	if (c->checkstop)
		return MACHINE_EXIT_CHECKSTOP;
	c->budget = budget;
	c->run_budget = budget;
	c->slice = 0; /* look first */
	/* Leaving the stopped state: a pending restart is taken before any other interruption. */
	if (c->stopped) {
		c->stopped = false;
		restart_deliver(c);
	}

	/*
	 * Recovery point: program_check() has already swapped PSWs when it longjmps here, and the
	 * loop simply starts again. Nothing local lives across it; all state is in *c.
	 */
	(void)setjmp(c->recover);
	run_loop(c);

	uint64_t left = c->budget + c->slice;
	c->instructions += budget - left;
	c->budget = c->slice = c->run_budget = 0;
	c->stopped = c->exit_reason == MACHINE_EXIT_STOPPED;
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
	c->checkstop = false; /* the operator's way out of the check-stop state (with a reset) */
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

/* ------------------------------------------------------------------------------------------------
 * For a host that runs the machine as a virtual machine
 */

/* STIDP D2(B2) for a virtual machine: as op_stidp, with version code X'FF'. */
static const struct dinsn *op_stidp_virtual(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint32_t addr = dea_s2(c, d);
	if (addr & 7)
		program_check(c, PIC_SPECIFICATION);
	vstore8(c, addr, 0xFF00000101580000ull);
	return NEXT(d, 4);
}

/* The entry of the instruction at the address stop: removed, the hook told, and the CPU stops
 * before the instruction (the loop finds the slice spent and the stop request). */
static const struct dinsn *op_adstop(struct cpu *c, const struct dinsn *d)
{
	struct machine_host *h = host_of(c);
	c->ia = d->ia;
	h->adstop_on = false;
	dcache_purge(c);
	if (h->event_fn) {
		struct machine_event ev = {.kind = MACHINE_EVENT_ADSTOP, .addr = d->ia};
		h->event_fn(h->event_arg, &ev);
	}
	atomic_store(&c->stop_request, true);
	c->budget++; /* not executed */
	cpu_attention(c);
	return d;
}

void cpu_set_adstop(struct cpu *c, bool on, uint32_t addr)
{
	struct machine_host *h = host_of(c);
	h->adstop_on = on;
	h->adstop = addr & AMASK;
	dcache_purge(c);
}

void cpu_set_event_hook(struct cpu *c, machine_event_fn *fn, void *arg)
{
	struct machine_host *h = host_of(c);
	h->event_fn = fn;
	h->event_arg = arg;
}

void cpu_trace_stop(struct cpu *c)
{
	host_of(c)->trace_stop = true;
}

void machine_external(struct cpu *c, uint16_t code)
{
	if (code == 0x0040) {
		machine_interrupt_key(c);
		return;
	}
	atomic_fetch_or(&host_of(c)->ext_signal, code);
	atomic_store(&c->attention, 1);
}

void machine_set_host_data(struct machine *m, void *data, void (*free_fn)(void *))
{
	struct machine_host *h = (struct machine_host *)m;
	if (h->data_free && h->data != data)
		h->data_free(h->data);
	h->data = data;
	h->data_free = free_fn;
}

uint8_t machine_storage_key(const struct machine *m, uint32_t addr)
{
	return addr < m->storage_size ? m->keys[addr >> BLOCK_SHIFT] & 0xFE : 0;
}

void *machine_host_data(const struct machine *m)
{
	return ((const struct machine_host *)m)->data;
}

bool machine_set_storage(struct machine *m, uint32_t size)
{
	if (!storage_size_valid(size)) {
		errno = EINVAL;
		return false;
	}
	size_t map_len;
	uint8_t *storage, *keys;
	if (!storage_new(size, &map_len, &storage, &keys))
		return false;
	munmap(m->storage - STORAGE_GUARD_BELOW, m->storage_map_len);
	free(m->keys);
	m->storage_size = size;
	m->storage_map_len = map_len;
	m->storage = storage;
	m->keys = keys;
	struct cpu *c = &m->cpu;
	c->storage = storage;
	c->keys = keys;
	c->storage_size = size;
	c->cur = &c->fetch;
	tlb_purge(c);
	dcache_purge(c);
	machine_reset(m, true);
	return true;
}
