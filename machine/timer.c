/*
 * timer.c - the TOD clock, clock comparator, CPU timer and interval timer, and external
 * interruptions (GA22-7000 chapter 4, timing facilities; chapter 6, external interruption).
 *
 * One time base per machine, the TOD clock (bit 51 = 1 microsecond, epoch 1900-01-01):
 *
 *  - host mode (the default): the host's CLOCK_REALTIME plus an offset that SCK sets;
 *  - deterministic mode (machine_config.deterministic_time): 1/4 microsecond (1024 TOD units) per
 *    instruction executed, from 2000-01-01 00:00; an enabled wait jumps to the next timer event.
 *
 * The CPU timer is kept as the TOD value at which it reaches zero, so it decrements with the TOD
 * clock, in the wait state too (the CPU is in the operating state then). The clock comparator is
 * a TOD value. Neither needs work between events: both are compared when the loop looks.
 *
 * The interval timer lives in storage at real X'50'. At every timer_deliver() call (between
 * slices of at most 16384 instructions, and whenever an instruction asked the loop to look) the
 * word is decremented by the units elapsed since the last call; a guest store into it sets the
 * value the next update starts from. Its precision is thus one slice.
 *
 * External interruptions are presented one at a time in the manual's order of priority (GA22-7000
 * chapter 6, "External Interruption"): emergency signal, external call (both made pending by SIGP,
 * insn_control.c), clock comparator, CPU timer, interval timer, interrupt key.
 */
#include <time.h>

#include "machine/cpu.h"
#include "machine/insn_table.h"

#define TOD_PER_US 4096ull
/* One interval-timer unit (bit 31, 1/76800 s) is 160000/3 TOD units: counted in thirds. */
#define ITIMER_THIRDS 160000ull
/* Deterministic mode: TOD units per instruction (1/4 microsecond). */
#define DET_TOD_PER_INSN 1024ull
/* 2000-01-01 00:00 UTC, seconds since 1900-01-01. */
#define DET_EPOCH_S 3155673600ull

/* CR0 external subclass masks. */
#define CR0_EMERGENCY 0x00004000u /* bit 17 */
#define CR0_EXT_CALL 0x00002000u  /* bit 18 */
#define CR0_CKC 0x00000800u    /* bit 20 */
#define CR0_CPT 0x00000400u    /* bit 21 */
#define CR0_ITIMER 0x00000080u /* bit 24 */
#define CR0_KEY 0x00000040u    /* bit 25 */

#define EXT_KEY 0x0040
#define EXT_ITIMER 0x0080
#define EXT_CKC 0x1004
#define EXT_CPT 0x1005
#define EXT_EMERGENCY 0x1201
#define EXT_CALL 0x1202

static uint64_t host_tod(void)
{
	static const uint64_t epoch_1900_to_1970_us = 2208988800ull * 1000000ull;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t us = (uint64_t)ts.tv_sec * 1000000ull + (uint64_t)ts.tv_nsec / 1000 + epoch_1900_to_1970_us;
	return us * TOD_PER_US + (uint64_t)ts.tv_nsec % 1000 * TOD_PER_US / 1000;
}

/* Instructions executed so far, counting the current one (correct inside a handler too). */
static uint64_t insns_now(const struct cpu *c)
{
	return c->instructions + (c->run_budget - c->budget - c->slice);
}

uint64_t tod_now(struct cpu *c)
{
	if (!c->det_time)
		return host_tod() + c->tod_offset;
	uint64_t n = insns_now(c);
	c->det_tod += (n - c->det_insns) * DET_TOD_PER_INSN;
	c->det_insns = n;
	return c->det_tod;
}

uint64_t tod_stck(struct cpu *c)
{
	uint64_t tod = tod_now(c);
	if (tod <= c->tod_last)
		tod = c->tod_last + 1;
	c->tod_last = tod;
	return tod;
}

void timer_init(struct cpu *c, bool deterministic)
{
	c->det_time = deterministic;
	c->det_tod = DET_EPOCH_S * 1000000ull * TOD_PER_US;
	c->det_insns = 0;
	c->tod_offset = 0;
	c->tod_last = 0;
	uint64_t tod = tod_now(c);
	c->ckc = UINT64_MAX;
	c->cpt_end = tod; /* CPU timer zero: not negative, so not pending */
	c->itimer_tod = tod;
	c->itimer_rem = 0;
	c->itimer_pending = false;
	atomic_store(&c->key_pending, false);
}

/* Bring the interval timer at real X'50' up to TOD value tod. */
static void itimer_update(struct cpu *c, uint64_t tod)
{
	uint64_t elapsed = tod - c->itimer_tod;
	c->itimer_tod = tod;
	if ((int64_t)elapsed <= 0)
		return; /* the clock was set back: start again from here */
	if (elapsed > (1ull << 60))
		elapsed = 1ull << 60;
	uint64_t thirds = c->itimer_rem + elapsed * 3;
	uint64_t units = thirds / ITIMER_THIRDS;
	c->itimer_rem = thirds % ITIMER_THIRDS;
	if (units == 0)
		return;
	uint8_t *p = real_ptr(c, 0x50);
	int32_t old = (int32_t)be32(p);
	int32_t now = (int32_t)((uint32_t)old - (uint32_t)units);
	put_be32(p, (uint32_t)now);
	if (old >= 0 && (now < 0 || units > (uint64_t)old))
		c->itimer_pending = true;
}

/* Present external interruption code: BC mode in the old PSW, EC mode at X'86'. */
static void deliver_external(struct cpu *c, uint16_t code)
{
	if (c->ec) {
		put_be16(real_ptr(c, 0x86), code);
	} else {
		/* The ILC is unpredictable: that of the last instruction, as Hercules stores it. */
		c->intcode = code;
		c->ilc = (uint8_t)(((c->cur->op >> 6) + 3u) >> 1);
	}
	psw_swap(c, 0x18, 0x58);
}

/* An external interruption from another CPU (here: from this one, by SIGP): the sender's CPU
 * address goes to real X'84'-X'85'. */
static void deliver_signal(struct cpu *c, uint16_t code, uint16_t cpu_addr)
{
	put_be16(real_ptr(c, 0x84), cpu_addr);
	deliver_external(c, code);
}

bool timer_deliver(struct cpu *c)
{
	uint64_t tod = tod_now(c);
	itimer_update(c, tod);
	if (!(c->sysmask & 0x01)) /* PSW bit 7, external mask, in both modes */
		return false;
	uint32_t cr0 = c->cr[0];
	if ((cr0 & CR0_EMERGENCY) && c->emergency_pending) {
		c->emergency_pending = false;
		deliver_signal(c, EXT_EMERGENCY, 0);
	} else if ((cr0 & CR0_EXT_CALL) && c->ext_call_pending) {
		c->ext_call_pending = false;
		deliver_signal(c, EXT_CALL, c->ext_call_cpu);
	} else if ((cr0 & CR0_CKC) && tod > c->ckc) {
		deliver_external(c, EXT_CKC);
	} else if ((cr0 & CR0_CPT) && (int64_t)(c->cpt_end - tod) < 0) {
		deliver_external(c, EXT_CPT);
	} else if ((cr0 & CR0_ITIMER) && c->itimer_pending) {
		c->itimer_pending = false;
		deliver_external(c, EXT_ITIMER);
	} else if ((cr0 & CR0_KEY) && atomic_exchange(&c->key_pending, false)) {
		deliver_external(c, EXT_KEY);
	} else {
		return false;
	}
	return true;
}

/* TOD units from tod until the next event that can interrupt the CPU; UINT64_MAX for none. */
static uint64_t until_event(struct cpu *c, uint64_t tod)
{
	if (!(c->sysmask & 0x01))
		return UINT64_MAX;
	uint32_t cr0 = c->cr[0];
	uint64_t best = UINT64_MAX, d;
	if ((cr0 & CR0_KEY) && atomic_load(&c->key_pending))
		return 0;
	if (((cr0 & CR0_EMERGENCY) && c->emergency_pending) || ((cr0 & CR0_EXT_CALL) && c->ext_call_pending))
		return 0;
	if (cr0 & CR0_CKC) {
		d = tod > c->ckc ? 0 : c->ckc - tod + 1;
		best = d < best ? d : best;
	}
	if (cr0 & CR0_CPT) {
		d = (int64_t)(c->cpt_end - tod) < 0 ? 0 : c->cpt_end - tod + 1;
		best = d < best ? d : best;
	}
	if (cr0 & CR0_ITIMER) {
		int32_t v = (int32_t)be32(real_ptr(c, 0x50));
		if (c->itimer_pending) {
			best = 0;
		} else if (v >= 0) {
			/* v + 1 more units make it negative. */
			uint64_t thirds = ((uint64_t)v + 1) * ITIMER_THIRDS - c->itimer_rem;
			d = (thirds + 2) / 3;
			best = d < best ? d : best;
		}
	}
	return best;
}

bool timer_skip_wait(struct cpu *c)
{
	uint64_t tod = tod_now(c);
	uint64_t d = until_event(c, tod);
	if (d == 0 || d == UINT64_MAX)
		return false; /* due now but not taken (an interruption loop), or never */
	c->det_tod += d;
	return true;
}

uint64_t machine_wait_ns(struct cpu *c)
{
	if (atomic_load(&c->restart_pending) || mcheck_deliverable(c))
		return 0;
	uint64_t tod = tod_now(c);
	itimer_update(c, tod);
	uint64_t d = until_event(c, tod);
	if (d == UINT64_MAX)
		return UINT64_MAX;
	return d / TOD_PER_US * 1000 + (d % TOD_PER_US * 1000 + TOD_PER_US - 1) / TOD_PER_US;
}

void machine_interrupt_key(struct cpu *c)
{
	atomic_store(&c->key_pending, true);
	atomic_store(&c->attention, 1);
}

/* ------------------------------------------------------------------------------------------------
 * Instructions
 */

static void require_dw(struct cpu *c, uint32_t addr)
{
	if (addr & 7)
		program_check(c, PIC_SPECIFICATION);
}

/* SCK D2(B2) - Set Clock [S]. CC 0: the clock is set (the TOD-clock setting control is taken
 * as always enabled). The CPU timer and interval timer go on from their current values. */
void op_sck(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	uint32_t addr = ea_s(c, ip);
	require_dw(c, addr);
	uint64_t v = vfetch8(c, addr);
	uint64_t tod = tod_now(c);
	itimer_update(c, tod);
	uint64_t cpt = c->cpt_end - tod;
	if (c->det_time) {
		c->det_tod = v;
	} else {
		c->tod_offset = v - host_tod();
	}
	c->cpt_end = v + cpt;
	c->itimer_tod = v;
	c->tod_last = 0;
	c->cc = 0;
	NEXT_INSN(c, 4);
	cpu_attention(c); /* the comparator may now be due */
}

/* STCK D2(B2) - Store Clock [S]. CC 0: clock in set state. */
void op_stck(struct cpu *c, const uint8_t *ip)
{
	vstore8(c, ea_s(c, ip), tod_stck(c));
	c->cc = 0;
	NEXT_INSN(c, 4);
}

/* SCKC D2(B2) - Set Clock Comparator [S]. */
void op_sckc(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	uint32_t addr = ea_s(c, ip);
	require_dw(c, addr);
	c->ckc = vfetch8(c, addr);
	NEXT_INSN(c, 4);
	cpu_attention(c);
}

/* STCKC D2(B2) - Store Clock Comparator [S]. */
void op_stckc(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	uint32_t addr = ea_s(c, ip);
	require_dw(c, addr);
	vstore8(c, addr, c->ckc);
	NEXT_INSN(c, 4);
}

/* SPT D2(B2) - Set CPU Timer [S]. */
void op_spt(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	uint32_t addr = ea_s(c, ip);
	require_dw(c, addr);
	c->cpt_end = tod_now(c) + vfetch8(c, addr);
	NEXT_INSN(c, 4);
	cpu_attention(c);
}

/* STPT D2(B2) - Store CPU Timer [S]. */
void op_stpt(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	uint32_t addr = ea_s(c, ip);
	require_dw(c, addr);
	vstore8(c, addr, c->cpt_end - tod_now(c));
	NEXT_INSN(c, 4);
}
