/*
 * insn-list - print the instruction table (machine/insn.def, as insn_table[]) one row per line,
 * tab-separated, in table order:
 *
 *   OPCODE  MNEMONIC  FORMAT  FLAGS  NAME
 *
 * OPCODE is the hex opcode as the Principles of Operation writes it (1A, B222, A74, E31E); FORMAT
 * is the instruction format (RR, RX, RS, SI, S, SS, RRE, RI, RIL, RSI, RXY, ...); FLAGS is a
 * comma-separated list of priv, semipriv and ext, or "-". tests/insn-coverage.sh turns this into
 * docs/instructions.md.
 */
#include <stdio.h>
#include <string.h>

#include "machine/insn_table.h"

/* The format of each row, spelled as in insn.def, in insn_table[] order. */
static const char *const row_format[] = {
#define INSN(op, sub, mn, fn, fmt, flags, name) #fmt,
#define GROUP(op, where)
#include "machine/insn.def"
#undef INSN
#undef GROUP
};

int main(void)
{
	if (ARRAY_SIZE(row_format) != insn_table_count) {
		fprintf(stderr, "insn-list: insn.def and insn_table[] disagree\n");
		return 1;
	}
	for (unsigned i = 0; i < insn_table_count; i++) {
		const struct insn_desc *d = &insn_table[i];
		char opcode[16], format[16], flags[32] = "";

		switch (d->sub == NOSUB ? SUB_NONE : insn_sub_where(d->op)) {
		case SUB_NIBBLE:
			snprintf(opcode, sizeof opcode, "%02X%X", d->op, (unsigned)d->sub & 0xFFu);
			break;
		case SUB_BYTE1:
		case SUB_BYTE5:
			snprintf(opcode, sizeof opcode, "%02X%02X", d->op, (unsigned)d->sub & 0xFFu);
			break;
		default:
			snprintf(opcode, sizeof opcode, "%02X", d->op);
			break;
		}
		/* insn.def's operand variants (RS_1, SS_LL, RI_M ...) share the format before the '_'. */
		snprintf(format, sizeof format, "%s", row_format[i]);
		format[strcspn(format, "_")] = 0;
		if (d->flags & IF_PRIV)
			strcat(flags, ",priv");
		if (d->flags & IF_SEMIPRIV)
			strcat(flags, ",semipriv");
		if (d->flags & IF_EXT)
			strcat(flags, ",ext");
		printf("%s\t%s\t%s\t%s\t%s\n", opcode, d->mnemonic, format, flags[0] ? flags + 1 : "-",
		       d->name);
	}
	return ferror(stdout) ? 1 : 0;
}
