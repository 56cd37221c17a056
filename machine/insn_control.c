/*
 * insn_control.c - control instructions (GA22-7000 chapter 10): PSW, system mask, storage keys,
 * control registers, CPU identification, DIAGNOSE, SIGNAL PROCESSOR, and the DAT instructions
 * (LRA, PTLB, IPTE), prefixing (SPX) and reference bits (RRB). The dual-address-space
 * instructions are in insn_das.c.
 *
 * Handlers follow cpu.h's contract: c->ia is the instruction's address on entry; set it to the next
 * instruction or load a new PSW before returning.
 */

#include "machine/insn_table.h"

#define RRE_R1(ip) ((ip)[3] >> 4)
#define RRE_R2(ip) ((ip)[3] & 15)

/* EC-mode system-mask bits that must be zero: 0, 2, 3, 4. */
#define EC_SYSMASK_RESERVED 0xB8

static void require_aligned(struct cpu *c, uint32_t addr, uint32_t size)
{
	if (addr & (size - 1))
		program_check(c, PIC_SPECIFICATION);
}

/* Absolute address of the 2K block that real address ra names, or addressing exception. */
static uint32_t key_block(struct cpu *c, uint32_t ra)
{
	uint32_t abs = (uint32_t)(real_ptr(c, ra & AMASK) - c->storage);
	if (abs >= c->storage_size)
		program_check(c, PIC_ADDRESSING);
	return abs >> BLOCK_SHIFT;
}

/* SSK R1,R2 - Set Storage Key [RR]. POO: Set Storage Key. */
const struct dinsn *op_ssk(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint32_t block = key_block(c, c->gr[d->r2]);
	c->keys[block] = (uint8_t)(c->gr[d->r1] & 0xFE);
	tlb_purge(c);
	return NEXT(d, 2);
}

/* ISK R1,R2 - Insert Storage Key [RR]. EC mode inserts key, F, R and C (bit 31 zero); BC mode
 * only the key and fetch-protection bit. */
const struct dinsn *op_isk(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint8_t key = c->keys[key_block(c, c->gr[d->r2])] & 0xFE;
	if (!c->ec)
		key &= 0xF8;
	uint32_t *r1 = &c->gr[d->r1];
	*r1 = (*r1 & 0xFFFFFF00u) | key;
	return NEXT(d, 2);
}

/* SSM D2(B2) - Set System Mask [S]. */
const struct dinsn *op_ssm(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	if (c->cr[0] & 0x40000000u) /* SSM-suppression control */
		program_check(c, PIC_SPECIAL_OPERATION);
	uint8_t mask = vfetch1(c, dea_s2(c, d));
	if (c->ec && (mask & EC_SYSMASK_RESERVED))
		program_check(c, PIC_SPECIFICATION);
	c->sysmask = mask;
	tlb_update_bits(c);
	cpu_attention(c); /* an interruption may now be enabled */
	return NEXT(d, 4);
}

/* LPSW D2(B2) - Load PSW [S]. An invalid PSW is loaded and then recognised with ILC 0. */
void op_lpsw(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	uint32_t addr = ea_s(c, ip);
	require_aligned(c, addr, 8);
	uint8_t psw[8];
	put_be64(psw, vfetch8(c, addr));
	psw_load(c, psw);
}

/* DIAG R1,R3,D2(B2) - Diagnose [RS]. Model-dependent: the host decides what it means. */
const struct dinsn *op_diag(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	c->diag.r1 = d->r1;
	c->diag.r3 = d->r2;
	c->diag.code = dea_s2(c, d);
	cpu_request_exit(c, MACHINE_EXIT_DIAGNOSE);
	return NEXT(d, 4);
}

static void store_then_mask(struct cpu *c, const uint8_t *ip, bool or_mask)
{
	PRIVILEGED(c);
	uint8_t i2 = I2(ip);
	uint8_t mask = or_mask ? c->sysmask | i2 : c->sysmask & i2;
	if (c->ec && (mask & EC_SYSMASK_RESERVED))
		program_check(c, PIC_SPECIFICATION);
	vstore1(c, ea_s(c, ip), c->sysmask);
	c->sysmask = mask;
	tlb_update_bits(c);
	cpu_attention(c);
	NEXT_INSN(c, 4);
}

/* STNSM D1(B1),I2 - Store Then AND System Mask [SI]. */
void op_stnsm(struct cpu *c, const uint8_t *ip)
{
	store_then_mask(c, ip, false);
}

/* STOSM D1(B1),I2 - Store Then OR System Mask [SI]. */
void op_stosm(struct cpu *c, const uint8_t *ip)
{
	store_then_mask(c, ip, true);
}

/* STCTL R1,R3,D2(B2) - Store Control [RS]: CRs R1 through R3, wrapping from 15 to 0. */
const struct dinsn *op_stctl(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint32_t addr = dea_s2(c, d);
	require_aligned(c, addr, 4);
	unsigned r1 = d->r1, r3 = d->r2, n = ((r3 - r1) & 15) + 1;
	mem_check(c, addr, n * 4, ACC_STORE);
	for (unsigned i = 0; i < n; i++)
		vstore4(c, addr + 4 * i, c->cr[(r1 + i) & 15]);
	return NEXT(d, 4);
}

/* LCTL R1,R3,D2(B2) - Load Control [RS]. */
const struct dinsn *op_lctl(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint32_t addr = dea_s2(c, d);
	require_aligned(c, addr, 4);
	unsigned r1 = d->r1, r3 = d->r2, n = ((r3 - r1) & 15) + 1;
	uint32_t v[16];
	mem_check(c, addr, n * 4, ACC_FETCH);
	for (unsigned i = 0; i < n; i++)
		v[i] = vfetch4(c, addr + 4 * i);
	for (unsigned i = 0; i < n; i++)
		c->cr[(r1 + i) & 15] = v[i];
	tlb_purge(c);
	cpu_attention(c);
	return NEXT(d, 4);
}

/* STIDP D2(B2) - Store CPU ID [S]: version, serial, model, MCEL length. */
const struct dinsn *op_stidp(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint32_t addr = dea_s2(c, d);
	require_aligned(c, addr, 8);
	/* Version 00, serial 000001, model 0158 (a 370/158), no MCEL. */
	vstore8(c, addr, 0x0000000101580000ull);
	return NEXT(d, 4);
}

/* SPKA D2(B2) - Set PSW Key from Address [S]. In problem state the PSW-key mask in CR3 must
 * authorise the new key. */
const struct dinsn *op_spka(struct cpu *c, const struct dinsn *d)
{
	unsigned key = (dea_s2(c, d) >> 4) & 15;
	if (c->problem && !(c->cr[3] & (0x80000000u >> key)))
		program_check(c, PIC_PRIVILEGED);
	c->key = (uint8_t)key;
	tlb_update_bits(c);
	return NEXT(d, 4);
}

/* IPK - Insert PSW Key [S]: into GR2 bits 24-27, bits 28-31 zeroed. In problem state the
 * extraction-authority control (CR0 bit 4) must be one. */
void op_ipk(struct cpu *c, const uint8_t *ip)
{
	if (c->problem && !(c->cr[0] & 0x08000000u))
		program_check(c, PIC_PRIVILEGED);
	c->gr[2] = (c->gr[2] & 0xFFFFFF00u) | (uint32_t)c->key << 4;
	NEXT_INSN(c, 4);
}

/* STPX D2(B2) - Store Prefix [S]. */
const struct dinsn *op_stpx(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint32_t addr = dea_s2(c, d);
	require_aligned(c, addr, 4);
	vstore4(c, addr, c->prefix);
	return NEXT(d, 4);
}

/* STAP D2(B2) - Store CPU Address [S]: this machine has one CPU, address 0. */
const struct dinsn *op_stap(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint32_t addr = dea_s2(c, d);
	require_aligned(c, addr, 2);
	vstore2(c, addr, 0);
	return NEXT(d, 4);
}

/* ------------------------------------------------------------------------------------------------
 * CPU signaling and response (GA22-7000 chapter 4, "CPU Signaling and Response").
 *
 * This machine has one CPU, CPU address 0: SIGNAL PROCESSOR reaches that CPU itself, and any other
 * address is not operational (CC 3). Orders that change the CPU's state take effect at the end of
 * the instruction: external call and emergency signal become pending external interruptions,
 * restart a pending restart interruption, stop and stop-and-store-status stop the CPU once the
 * interruptions it is enabled for are taken (machine_run() returns MACHINE_EXIT_STOPPED), and the
 * resets reset the CPU (and for the program resets the I/O system) and stop it.
 */

enum sigp_order {
	SIGP_SENSE = 0x01,
	SIGP_EXTERNAL_CALL = 0x02,
	SIGP_EMERGENCY_SIGNAL = 0x03,
	SIGP_START = 0x04,
	SIGP_STOP = 0x05,
	SIGP_RESTART = 0x06,
	SIGP_INITIAL_PROGRAM_RESET = 0x07,
	SIGP_PROGRAM_RESET = 0x08,
	SIGP_STOP_AND_STORE_STATUS = 0x09,
	SIGP_INITIAL_MICROPROGRAM_LOAD = 0x0A, /* not provided: an invalid order */
	SIGP_INITIAL_CPU_RESET = 0x0B,
	SIGP_CPU_RESET = 0x0C,
};

/* Status, stored in R1 with CC 1. */
#define SIGP_STATUS_EXTERNAL_CALL_PENDING 0x00000080u /* bit 24 */
#define SIGP_STATUS_INVALID_ORDER 0x00000002u         /* bit 30 */

/* The reset orders: CC 0, then the reset, and the CPU stops. CPU reset keeps the PSW (past the
 * SIGP); initial CPU reset clears it. */
static const struct dinsn *sigp_reset(struct cpu *c, const struct dinsn *d, unsigned order)
{
	c->cc = 0;
	c->ia = (d->ia + 4) & AMASK;
	cpu_reset(c, order == SIGP_INITIAL_CPU_RESET || order == SIGP_INITIAL_PROGRAM_RESET);
	if (order == SIGP_INITIAL_PROGRAM_RESET || order == SIGP_PROGRAM_RESET)
		machine_io_reset(c->m);
	cpu_request_exit(c, MACHINE_EXIT_STOPPED);
	return resolve(c);
}

/* SIGP R1,R3,D2(B2) - Signal Processor [RS]: order code in bits 24-31 of the second-operand
 * address, CPU address in R3 bits 16-31. CC 0 order accepted, 1 status stored in R1, 2 busy, 3 not
 * operational. */
const struct dinsn *op_sigp(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	unsigned order = dea_s2(c, d) & 0xFF;
	if ((uint16_t)c->gr[d->r2] != 0) {
		c->cc = 3;
		return NEXT(d, 4);
	}
	bool reset = order == SIGP_INITIAL_PROGRAM_RESET || order == SIGP_PROGRAM_RESET ||
		     order == SIGP_INITIAL_CPU_RESET || order == SIGP_CPU_RESET;
	/* A stop or restart still in progress makes the CPU busy to all but the resets (it can be
	 * seen when the operator's restart key was pressed within the current slice). */
	if (!reset && (c->stop_pending || atomic_load(&c->restart_pending))) {
		c->cc = 2;
		return NEXT(d, 4);
	}
	uint32_t status = 0;
	switch (order) {
	case SIGP_SENSE:
		/* The CPU is operating (it executes this), so only external call pending can show. */
		if (c->ext_call_pending)
			status = SIGP_STATUS_EXTERNAL_CALL_PENDING;
		break;
	case SIGP_EXTERNAL_CALL:
		/* One external call can be pending at a time: a second is rejected with status. */
		if (c->ext_call_pending) {
			status = SIGP_STATUS_EXTERNAL_CALL_PENDING;
			break;
		}
		c->ext_call_pending = true;
		c->ext_call_cpu = 0;
		cpu_attention(c);
		break;
	case SIGP_EMERGENCY_SIGNAL:
		c->emergency_pending = true; /* one per sending CPU: this one */
		cpu_attention(c);
		break;
	case SIGP_START:
		break; /* already operating */
	case SIGP_STOP:
	case SIGP_STOP_AND_STORE_STATUS:
		c->stop_pending = order == SIGP_STOP ? STOP_STOP : STOP_STORE_STATUS;
		cpu_attention(c);
		break;
	case SIGP_RESTART:
		atomic_store(&c->restart_pending, true);
		cpu_attention(c);
		break;
	case SIGP_INITIAL_PROGRAM_RESET:
	case SIGP_PROGRAM_RESET:
	case SIGP_INITIAL_CPU_RESET:
	case SIGP_CPU_RESET:
		return sigp_reset(c, d, order);
	default: /* unassigned, and initial microprogram load, which this CPU does not provide */
		status = SIGP_STATUS_INVALID_ORDER;
		break;
	}
	if (status)
		c->gr[d->r1] = status;
	c->cc = status ? 1 : 0;
	return NEXT(d, 4);
}

/* ------------------------------------------------------------------------------------------------
 * Dynamic address translation, prefixing and reference bits (GA22-7000 chapters 3 and 10).
 */

/* LRA R1,D2(X2,B2) - Load Real Address [RX]. Translates whatever the PSW's T bit, through the
 * secondary segment table (CR7) when the PSW is an EC-mode one with bit 16 on, else the primary one
 * (CR1). CC 0: the real address; CC 1 segment-table entry invalid, CC 2 page-table entry invalid,
 * CC 3 segment- or page-table length violation: R1 gets the address of that table entry. */
const struct dinsn *op_lra(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint32_t addr;
	bool protect;
	uint32_t std = space_std(c, c->ec && c->secondary);
	enum dat_result r = dat_translate(c, std, dea_rx(c, d), &addr, &protect);
	static const uint8_t cc[] = {
		[DAT_OK] = 0,
		[DAT_SEGMENT_INVALID] = 1,
		[DAT_PAGE_INVALID] = 2,
		[DAT_SEGMENT_LENGTH] = 3,
		[DAT_PAGE_LENGTH] = 3,
	};
	c->gr[d->r1] = addr & AMASK;
	c->cc = cc[r];
	return NEXT(d, 4);
}

/* PTLB - Purge TLB [S]. */
void op_ptlb(struct cpu *c, const uint8_t *ip)
{
	(void)ip;
	PRIVILEGED(c);
	tlb_purge(c);
	NEXT_INSN(c, 4);
}

/* SPX D2(B2) - Set Prefix [S]: bits 8-19 of the word become the prefix; the rest are ignored. */
const struct dinsn *op_spx(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint32_t addr = dea_s2(c, d);
	require_aligned(c, addr, 4);
	uint32_t prefix = vfetch4(c, addr) & 0x00FFF000u;
	if (prefix > c->storage_size - 4096)
		program_check(c, PIC_ADDRESSING);
	c->prefix = prefix;
	tlb_purge(c);
	return NEXT(d, 4);
}

/* RRB D2(B2) - Reset Reference Bit [S]: of the 2K block at the real address. CC is R and C
 * (0: neither, 1: C only, 2: R only, 3: both). */
const struct dinsn *op_rrb(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint8_t *skey = &c->keys[key_block(c, dea_s2(c, d))];
	c->cc = (uint8_t)((*skey & SKEY_REF ? 2 : 0) | (*skey & SKEY_CHANGE ? 1 : 0));
	*skey &= (uint8_t)~SKEY_REF;
	tlb_purge(c); /* so that the next access sets the bit again */
	return NEXT(d, 4);
}

/* IPTE R1,R2 - Invalidate Page Table Entry [RRE]: R1 holds the page-table origin, R2 the virtual
 * address whose page index selects the entry; the entry's invalid bit is set and the TLB purged. */
void op_ipte(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	unsigned seg_shift, page_shift;
	dat_geometry(c, &seg_shift, &page_shift);
	uint32_t va = c->gr[RRE_R2(ip)] & AMASK;
	uint32_t px = (va & ((1u << seg_shift) - 1)) >> page_shift;
	uint32_t pte_addr = ((c->gr[RRE_R1(ip)] & 0x00FFFFF8u) + px * 2) & AMASK;
	uint8_t *pte = real_ptr(c, pte_addr);
	if ((uint32_t)(pte - c->storage) > c->storage_size - 2)
		program_check(c, PIC_ADDRESSING);
	pte[1] |= page_shift == 12 ? 0x08 : 0x04;
	tlb_purge(c);
	NEXT_INSN(c, 4);
}
