/*
 * insn_decimal.c - decimal instructions and the packed/zoned moves: AP, SP, ZAP, CP, MP, DP, SRP, CVB, CVD, ED, EDMK, PACK, UNPK, MVO (GA22-7000 chapters 7 and 8).
 *
 * Handlers follow cpu.h's contract: c->ia is the instruction's address on entry; set it to the next
 * instruction or the branch target before returning.
 */
#include "machine/insn_table.h"

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_cvd(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_cvb(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ed(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_edmk(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_srp(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_zap(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_cp(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_ap(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_sp(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mp(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_dp(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_mvo(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_pack(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

/* NOT YET IMPLEMENTED: raises an operation exception until written. */
void op_unpk(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}
