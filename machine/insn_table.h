/*
 * insn_table.h - the instruction table as data: one descriptor per row of insn.def.
 *
 * The dispatch tables, the disassembler and the coverage page are all derived from insn_table[].
 */
#ifndef MACHINE_INSN_TABLE_H
#define MACHINE_INSN_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/cpu.h"

#define NOSUB (-1)

/* Operand formats, for the disassembler. */
enum insn_format {
	F_RR,     /* R1,R2 */
	F_RR_M,   /* M1,R2 (BCR) */
	F_RR_I,   /* I (SVC) */
	F_RR_1,   /* R1 (SPM, IPM-like RR forms) */
	F_RX,     /* R1,D2(X2,B2) */
	F_RX_M,   /* M1,D2(X2,B2) (BC) */
	F_RS,     /* R1,R3,D2(B2) */
	F_RS_1,   /* R1,D2(B2) (shifts) */
	F_RS_M,   /* R1,M3,D2(B2) (ICM, STCM, CLM) */
	F_SI,     /* D1(B1),I2 */
	F_S,      /* D2(B2) */
	F_S_0,    /* no operands */
	F_SS_L,   /* D1(L,B1),D2(B2) */
	F_SS_LL,  /* D1(L1,B1),D2(L2,B2) */
	F_SS_I,   /* D1(L1,B1),D2(B2),I3 (SRP) */
	F_SS_R,   /* D1(R1,B1),D2(B2),R3 (MVCK, MVCP, MVCS) */
	F_SSE,    /* D1(B1),D2(B2) */
	F_RRE,    /* R1,R2 */
	F_RRE_1,  /* R1 */
	F_RRE_0,  /* no operands */
	F_RRF,    /* R1,R3,R2 (multiply-and-add RRD; distinct operands show R1,R2,R3 via F_RRF_D) */
	F_RRF_D,  /* R1,R2,R3 (distinct operands) */
	F_RRF_M,  /* R1,M3,R2 (convert to fixed, load on condition) */
	F_RI,     /* R1,I2 */
	F_RI_M,   /* M1,I2 relative (BRC) */
	F_RI_R,   /* R1,I2 relative (BRAS, BRCT) */
	F_RIL,    /* R1,I2 (32-bit immediate) */
	F_RIL_R,  /* R1,I2 relative */
	F_RIL_M,  /* M1,I2 relative (BRCL) */
	F_RSI,    /* R1,R3,I2 relative */
	F_RXE,    /* R1,D2(X2,B2) */
	F_RXF,    /* R1,R3,D2(X2,B2) */
	F_RXY,    /* R1,D2(X2,B2) long displacement */
	F_RSY,    /* R1,R3,D2(B2) long displacement */
	F_RSY_M,  /* R1,D2(B2),M3 long displacement (load/store on condition) */
	F_SIL,    /* D1(B1),I2 (16-bit immediate) */
	F_SIY,    /* D1(B1),I2 long displacement */
	F_RIE_RR, /* R1,R2,M3,I4 (compare and branch relative, registers) */
	F_RIE_RI, /* R1,I2,M3,I4 (compare immediate and branch relative) */
	F_RRS,    /* R1,R2,M3,D4(B4) */
	F_RIS,    /* R1,I2,M3,D4(B4) */
	F_RIE_T,  /* R1,I2,M3 (compare immediate and trap) */
	F_RRF_T,  /* R1,R2,M3 (compare and trap, load on condition) */
	F_RIE_D,  /* R1,R3,I2 (distinct-operands immediate) */
	F_E,      /* no operands, 2-byte opcode */
};

enum insn_flags {
	IF_PRIV = 1,
	IF_SEMIPRIV = 2,
	IF_EXT = 4,
	IF_UNSIGNED = 8, /* the immediate operand is unsigned (disassembler) */
};

enum sub_where { SUB_NONE, SUB_BYTE1, SUB_NIBBLE, SUB_BYTE5 };

struct insn_desc {
	uint8_t op;
	int16_t sub;
	const char *mnemonic;
	const char *name;
	insn_fn *fn;     /* an INSN row's handler, or NULL */
	dinsn_fn *dfn;   /* a DINSN row's handler, or NULL */
	enum insn_format format;
	unsigned flags;
};

extern const struct insn_desc insn_table[];
extern const unsigned insn_table_count;

/* Where the second-level opcode of primary opcode op is (SUB_NONE: op is a whole opcode). */
enum sub_where insn_sub_where(uint8_t op);

/* The row for an instruction's bytes, or NULL when no row matches. Extension rows are ignored
 * unless extension is set. */
const struct insn_desc *insn_lookup(const uint8_t *ip, bool extension);

/* Handlers, declared from the table. */
#define INSN(op, sub, mn, fn, fmt, flags, name) void op_##fn(struct cpu *c, const uint8_t *ip);
#define DINSN(op, sub, mn, fn, fmt, flags, name) dinsn_fn op_##fn;
#define GROUP(op, where)
#include "machine/insn.def"
#undef INSN
#undef DINSN
#undef GROUP

#endif
