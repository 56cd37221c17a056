/*
 * insn_float.c - hexadecimal floating point, short, long and extended (GA22-7000 chapter 9).
 *
 * Handlers follow cpu.h's contract: c->ia is the instruction's address on entry; set it to the next
 * instruction or the branch target before returning.
 */
#include "machine/insn_table.h"

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lpdr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lndr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ltdr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lcdr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_hdr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lrdr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mxr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mxdr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ldr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_cdr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_adr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sdr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mdr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ddr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_awr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_swr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lper(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lner(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lter(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lcer(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_her(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lrer(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_axr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sxr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ler(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_cer(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_aer(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ser(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mer(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_der(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_aur(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sur(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_std(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mxd(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ld(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_cd(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ad(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sd(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_md(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_dd(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_aw(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sw(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ste(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_le(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ce(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ae(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_se(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_me(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_de(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_au(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_su(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_dxr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}
