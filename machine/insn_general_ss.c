/*
 * insn_general_ss.c - general instructions in storage-to-storage and long forms: MVC, CLC, NC/OC/XC, MVN/MVZ, TR/TRT, MVCIN, MVCL, CLCL (GA22-7000 chapter 7).
 *
 * Handlers follow cpu.h's contract: c->ia is the instruction's address on entry; set it to the next
 * instruction or the branch target before returning.
 */
#include "machine/insn_table.h"

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mvcl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_clcl(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mvn(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mvc(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mvz(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_nc(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_clc(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_oc(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_xc(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_tr(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_trt(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mvcin(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}
