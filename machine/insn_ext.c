/*
 * insn_ext.c - the S/370 extension: ESA/390 problem-state instructions (s370-instructions.md section 4).
 *
 * Handlers follow cpu.h's contract: c->ia is the instruction's address on entry; set it to the next
 * instruction or the branch target before returning.
 */
#include "machine/insn_table.h"

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ms(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_brxh(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_brxle(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_tmlh(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_tmll(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_tmhh(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_tmhl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_brc(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_bras(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_brct(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lhi(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ahi(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mhi(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_chi(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_msr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mvst(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_clst(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_srst(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lrvr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mlr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_dlr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_alcr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_slbr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_larl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_brcl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_brasl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_lrv(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_strv(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ml(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_dl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_alc(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_slb(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}
