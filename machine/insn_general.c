/*
 * insn_general.c - general instructions: fixed point, logical, branching, shifts, load/store, CS/CDS, ICM/STCM/CLM (GA22-7000 chapter 7).
 *
 * Handlers follow cpu.h's contract: c->ia is the instruction's address on entry; set it to the next
 * instruction or the branch target before returning.
 */
#include "machine/insn_table.h"

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_spm(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_balr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_bctr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_bcr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_svc(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_basr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lpr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lnr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ltr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lcr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_nr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_clr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_or(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_xr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_cr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ar(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_dr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_alr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_slr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sth(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_la(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_stc(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ic(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ex(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_bal(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_bct(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_bc(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lh(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ch(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ah(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sh(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mh(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_bas(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_st(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_n(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_cl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_o(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_x(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_l(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_c(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_a(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_s(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_m(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_d(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_al(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_bxh(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_bxle(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_srl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sll(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sra(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sla(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_srdl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sldl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_srda(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_slda(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_stm(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_tm(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mvi(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ts(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ni(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_cli(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_oi(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_xi(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lm(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mc(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_cs(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_cds(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_clm(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_stcm(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_icm(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ipm(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}
