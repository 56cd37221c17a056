/*
 * insn_table.c - the instruction table (insn.def) as data, the dispatch tables built from it, and
 * the disassembler.
 *
 * Decoding (cpu.c) finds an instruction's handler in two levels: a primary table indexed by the
 * first opcode byte, and for a GROUP opcode a second table indexed by the second-level opcode. There
 * is one set of tables with the S/370 extension and one without.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "machine/insn_table.h"

const struct insn_desc insn_table[] = {
#define INSN(op, sub, mn, fn, fmt, flags, name) {op, sub, #mn, name, op_##fn, NULL, F_##fmt, flags},
#define DINSN(op, sub, mn, fn, fmt, flags, name) {op, sub, #mn, name, NULL, op_##fn, F_##fmt, flags},
#define GROUP(op, where)
#include "machine/insn.def"
#undef INSN
#undef DINSN
#undef GROUP
};
const unsigned insn_table_count = ARRAY_SIZE(insn_table);

static const struct {
	uint8_t op;
	enum sub_where where;
} groups[] = {
#define INSN(op, sub, mn, fn, fmt, flags, name)
#define GROUP(op, where) {op, where},
#include "machine/insn.def"
#undef INSN
#undef GROUP
};

#define NGROUPS ARRAY_SIZE(groups)

/* What decoding uses: per first byte (and, for a GROUP, per second-level code), the handler and
 * the operand format. With and without the extension. */
static struct insn_handler primary[2][256];
static struct insn_handler second[2][NGROUPS][256];
static int8_t group_of[256]; /* index into groups[], or -1 */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* An opcode with no row: operation exception. */
static void op_undefined(struct cpu *c, const uint8_t *ip)
{
	program_check(c, PIC_OPERATION);
}

static inline unsigned sub_code(enum sub_where where, const uint8_t *ip)
{
	switch (where) {
	case SUB_BYTE1:
		return ip[1];
	case SUB_NIBBLE:
		return ip[1] & 15;
	case SUB_BYTE5:
		return ip[5];
	default:
		return 0;
	}
}

static void build_tables(void)
{
	static const struct insn_handler undefined = {NULL, op_undefined, F_E};

	memset(group_of, -1, sizeof group_of);
	for (int ext = 0; ext < 2; ext++) {
		for (int i = 0; i < 256; i++)
			primary[ext][i] = undefined;
		for (unsigned g = 0; g < NGROUPS; g++) {
			group_of[groups[g].op] = (int8_t)g;
			for (int i = 0; i < 256; i++)
				second[ext][g][i] = undefined;
		}
	}
	for (unsigned i = 0; i < insn_table_count; i++) {
		const struct insn_desc *d = &insn_table[i];
		struct insn_handler h = {d->dfn, d->fn, (uint8_t)d->format};
		for (int ext = 0; ext < 2; ext++) {
			if ((d->flags & IF_EXT) && !ext)
				continue;
			if (d->sub == NOSUB)
				primary[ext][d->op] = h;
			else
				second[ext][group_of[d->op]][d->sub] = h;
		}
	}
}

void insn_tables_init(void)
{
	pthread_once(&tables_once, build_tables);
}

const struct insn_handler *insn_handler_for(bool extension, const uint8_t *ip)
{
	int g = group_of[ip[0]];
	if (g < 0)
		return &primary[extension][ip[0]];
	return &second[extension][g][sub_code(groups[g].where, ip)];
}

/* Operand fields by format, for the DINSN handlers (cpu.h, struct dinsn). An INSN-row handler gets
 * the bytes instead. */
void insn_decode(const struct cpu *c, struct dinsn *e, const uint8_t *p, uint32_t ia)
{
	const struct insn_handler *h = insn_handler_for(c->extension, p);
	e->ia = ia;
	e->op = p[0];
	e->len = (uint8_t)insn_length(p[0]);
	e->r1 = p[1] >> 4;
	e->r2 = p[1] & 15;
	if (!h->dfn) {
		e->fn = op_legacy;
		e->legacy = h->legacy;
		return;
	}
	e->fn = h->dfn;
	e->x2 = e->b1 = e->b2 = 16;
	e->l = 0;
	e->d1 = e->d2 = 0;
	e->i2 = 0;
#define ZREG(r) ((r) ? (uint8_t)(r) : 16)
	switch ((enum insn_format)h->format) {
	case F_RX:
	case F_RX_M:
	case F_RXE:
		e->x2 = ZREG(p[1] & 15);
		e->b2 = ZREG(p[2] >> 4);
		e->d2 = be16(p + 2) & 0xFFF;
		break;
	case F_RS:
	case F_RS_1:
	case F_RS_M:
	case F_S:
		e->b2 = ZREG(p[2] >> 4);
		e->d2 = be16(p + 2) & 0xFFF;
		break;
	case F_SI:
		e->l = p[1];
		e->b1 = ZREG(p[2] >> 4);
		e->d1 = be16(p + 2) & 0xFFF;
		break;
	case F_SS_L:
	case F_SS_LL:
	case F_SS_I:
	case F_SS_R:
	case F_SSE:
		e->l = p[1];
		e->b1 = ZREG(p[2] >> 4);
		e->d1 = be16(p + 2) & 0xFFF;
		e->b2 = ZREG(p[4] >> 4);
		e->d2 = be16(p + 4) & 0xFFF;
		break;
	case F_RI:
	case F_RI_M:
	case F_RI_R:
		e->i2 = (int16_t)be16(p + 2);
		break;
	case F_RIL:
	case F_RIL_R:
	case F_RIL_M:
		e->i2 = (int32_t)be32(p + 2);
		break;
	default:
		break;
	}
#undef ZREG
}

enum sub_where insn_sub_where(uint8_t op)
{
	for (unsigned g = 0; g < NGROUPS; g++)
		if (groups[g].op == op)
			return groups[g].where;
	return SUB_NONE;
}

const struct insn_desc *insn_lookup(const uint8_t *ip, bool extension)
{
	enum sub_where where = insn_sub_where(ip[0]);
	int sub = where == SUB_NONE ? NOSUB : (int)sub_code(where, ip);
	for (unsigned i = 0; i < insn_table_count; i++) {
		const struct insn_desc *d = &insn_table[i];
		if (d->op == ip[0] && d->sub == sub && (extension || !(d->flags & IF_EXT)))
			return d;
	}
	return NULL;
}

/* ---- Disassembler ---- */

static int32_t sext(uint32_t v, int bits)
{
	return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

char *disasm(const uint8_t *ip, bool extension, char *buf, size_t size)
{
	const struct insn_desc *d = insn_lookup(ip, extension);
	int len = insn_length(ip[0]);
	if (!d) {
		char hex[16] = "";
		for (int i = 0; i < len; i++)
			snprintf(hex + 2 * i, 3, "%02X", ip[i]);
		snprintf(buf, size, "DC    X'%s'", hex);
		return buf;
	}

	unsigned r1 = ip[1] >> 4, r2 = ip[1] & 15;
	unsigned b2 = ip[2] >> 4, d2 = be16(ip + 2) & 0xFFF;
	unsigned b4 = len == 6 ? ip[4] >> 4 : 0, d4 = len == 6 ? be16(ip + 4) & 0xFFF : 0;
	unsigned rre1 = ip[3] >> 4, rre2 = ip[3] & 15, rrf3 = ip[2] >> 4;
	int32_t i16 = sext(be16(ip + 2), 16);
	int32_t i32 = len == 6 ? (int32_t)be32(ip + 2) : 0;
	int32_t dl20 = len == 6 ? sext(((uint32_t)ip[4] << 12) | d2, 20) : 0;
	/* Immediates as the assembler writes them: signed unless the row says unsigned. */
	bool u = d->flags & IF_UNSIGNED;
	long long imm16 = u ? (long long)be16(ip + 2) : i16;
	long long imm32 = u ? (long long)(uint32_t)i32 : i32;
	long long imm8_4 = len == 6 ? (u ? (long long)ip[4] : sext(ip[4], 8)) : 0;
	long long imm8_1 = u ? (long long)ip[1] : sext(ip[1], 8);
	long long imm16_4 = len == 6 ? (u ? (long long)be16(ip + 4) : sext(be16(ip + 4), 16)) : 0;
	char ops[64];

	switch (d->format) {
	case F_RR:
		snprintf(ops, sizeof ops, "%u,%u", r1, r2);
		break;
	case F_RR_M:
		snprintf(ops, sizeof ops, "%u,%u", r1, r2);
		break;
	case F_RR_I:
		snprintf(ops, sizeof ops, "%u", ip[1]);
		break;
	case F_RR_1:
		snprintf(ops, sizeof ops, "%u", r1);
		break;
	case F_RX:
	case F_RX_M:
	case F_RXE:
		snprintf(ops, sizeof ops, "%u,%u(%u,%u)", r1, d2, r2, b2);
		break;
	case F_RXF:
		snprintf(ops, sizeof ops, "%u,%u,%u(%u,%u)", ip[4] >> 4u, r1, d2, r2, b2); /* R1,R3,D2(X2,B2) */
		break;
	case F_RS:
	case F_RS_M:
		snprintf(ops, sizeof ops, "%u,%u,%u(%u)", r1, r2, d2, b2);
		break;
	case F_RS_1:
		snprintf(ops, sizeof ops, "%u,%u(%u)", r1, d2, b2);
		break;
	case F_SI:
		snprintf(ops, sizeof ops, "%u(%u),X'%02X'", d2, b2, ip[1]);
		break;
	case F_S:
		snprintf(ops, sizeof ops, "%u(%u)", d2, b2);
		break;
	case F_S_0:
	case F_RRE_0:
	case F_E:
		ops[0] = 0;
		break;
	case F_SS_L:
		snprintf(ops, sizeof ops, "%u(%u,%u),%u(%u)", d2, ip[1] + 1u, b2, d4, b4);
		break;
	case F_SS_LL:
		snprintf(ops, sizeof ops, "%u(%u,%u),%u(%u,%u)", d2, r1 + 1, b2, d4, r2 + 1, b4);
		break;
	case F_SS_I:
		snprintf(ops, sizeof ops, "%u(%u,%u),%u(%u),%u", d2, r1 + 1, b2, d4, b4, r2);
		break;
	case F_SS_R:
		snprintf(ops, sizeof ops, "%u(%u,%u),%u(%u),%u", d2, r1, b2, d4, b4, r2);
		break;
	case F_SSE:
		snprintf(ops, sizeof ops, "%u(%u),%u(%u)", d2, b2, d4, b4);
		break;
	case F_RRE:
		snprintf(ops, sizeof ops, "%u,%u", rre1, rre2);
		break;
	case F_RRE_1:
		snprintf(ops, sizeof ops, "%u", rre1);
		break;
	case F_RRF:
		snprintf(ops, sizeof ops, "%u,%u,%u", rre1, rrf3, rre2);
		break;
	case F_RRF_D:
		snprintf(ops, sizeof ops, "%u,%u,%u", rre1, rre2, rrf3);
		break;
	case F_RRF_M:
		snprintf(ops, sizeof ops, "%u,%u,%u", rre1, rrf3, rre2);
		break;
	case F_RRF_T:
		snprintf(ops, sizeof ops, "%u,%u,%u", rre1, rre2, rrf3);
		break;
	case F_RI:
		snprintf(ops, sizeof ops, "%u,%lld", r1, imm16);
		break;
	case F_RI_M:
	case F_RI_R:
		snprintf(ops, sizeof ops, "%u,*%+d", r1, 2 * i16);
		break;
	case F_RIL:
		snprintf(ops, sizeof ops, "%u,%lld", r1, imm32);
		break;
	case F_RIL_R:
	case F_RIL_M:
		snprintf(ops, sizeof ops, "%u,*%+lld", r1, 2LL * i32);
		break;
	case F_RSI:
		snprintf(ops, sizeof ops, "%u,%u,*%+d", r1, r2, 2 * i16);
		break;
	case F_RXY:
		snprintf(ops, sizeof ops, "%u,%d(%u,%u)", r1, dl20, r2, b2);
		break;
	case F_RSY:
		snprintf(ops, sizeof ops, "%u,%u,%d(%u)", r1, r2, dl20, b2);
		break;
	case F_RSY_M:
		snprintf(ops, sizeof ops, "%u,%d(%u),%u", r1, dl20, b2, r2);
		break;
	case F_SIY:
		snprintf(ops, sizeof ops, "%d(%u),%lld", dl20, b2, imm8_1);
		break;
	case F_SIL:
		snprintf(ops, sizeof ops, "%u(%u),%lld", d2, b2, imm16_4);
		break;
	case F_RIE_RR:
		snprintf(ops, sizeof ops, "%u,%u,%u,*%+d", r1, r2, ip[4] >> 4, 2 * i16);
		break;
	case F_RIE_RI:
		snprintf(ops, sizeof ops, "%u,%lld,%u,*%+d", r1, imm8_4, r2, 2 * i16);
		break;
	case F_RRS:
		snprintf(ops, sizeof ops, "%u,%u,%u,%u(%u)", r1, r2, ip[4] >> 4, d2, b2);
		break;
	case F_RIS:
		snprintf(ops, sizeof ops, "%u,%lld,%u,%u(%u)", r1, imm8_4, r2, d2, b2);
		break;
	case F_RIE_T:
		snprintf(ops, sizeof ops, "%u,%lld,%u", r1, imm16, ip[4] >> 4);
		break;
	case F_RIE_D:
		snprintf(ops, sizeof ops, "%u,%u,%d", r1, r2, i16);
		break;
	default:
		ops[0] = 0;
		break;
	}
	snprintf(buf, size, "%-6s%s", d->mnemonic, ops);
	return buf;
}
