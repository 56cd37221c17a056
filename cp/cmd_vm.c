/*
 * cmd_vm.c - the commands that run and inspect the virtual machine (vm370-cp.md 3.1, 7.5): IPL,
 * BEGIN, SYSTEM, DISPLAY, STORE, ADSTOP, TRACE, EXTERNAL, REQUEST, READY, NOTREADY, REWIND and
 * DEFINE STORAGE (DEFINE's handler in cmd_devices.c hands it over).
 *
 * Every handler runs on the virtual machine's own task with the machine stopped (cp/vm.c), so it
 * reads and changes the machine directly. DISPLAY and STORE take real addresses
 * (cpu_real_to_absolute), as VM/370 does for a virtual machine's first-level storage.
 *
 * Debugging state. ADSTOP, TRACE and IPL STOP keep a struct vmdbg with the machine
 * (machine_set_host_data: it lives and dies with it). The machine calls back into it on its own
 * thread, inside machine_run(): the event hook for interruptions and the address stop, the trace
 * function for each instruction while INSTRUCT, BRANCH, SIO or PRIV is traced. A trace line is
 * shown for an instruction once it has executed (so that a branch shows where it went and an I/O
 * instruction its condition code); with NORUN (the default at the terminal) the machine then
 * stops before the next instruction, or just after the interruption it showed, and the user is
 * in CP mode: BEGIN goes on. TRACE ... PRINTER (or BOTH) also writes the lines on the virtual
 * printer with the lowest address (cp/vspool.h: vspool_print_line); only lines shown at the
 * terminal stop the machine. The same struct keeps SPOOL CONSOLE's CONT for cmd_spool.c
 * (cmd_vm.h), made without the event hook when nothing is traced.
 *
 * NOTREADY and READY act on a spooled device through cp/vspool.h and on any other through the
 * channel's ready switch (machine/channel.h: chan_dev_set_ready). IPL vaddr cylno runs CP's own
 * IPL program from the last page of storage (chan_ipl_program).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp/cmd.h"
#include "cp/cmd_vm.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "cp/vm.h"
#include "cp/vspool.h"
#include "lib/ebcdic.h"
#include "machine/channel.h"
#include "machine/dev_tape.h"
#include "machine/machine.h"

/* ---- Pure parts (cmd_vm.h) ---- */

bool cmd_vm_hex(const char *s, size_t maxdigits, uint32_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > maxdigits)
		return false;
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!isxdigit((unsigned char)ch))
			return false;
		v = v << 4 | (uint32_t)(isdigit((unsigned char)ch) ? ch - '0' : toupper((unsigned char)ch) - 'A' + 10);
	}
	*out = v;
	return true;
}

/* The hex number at *p (up to max digits) and where it ends; false when none. */
static bool hex_prefix(const char **p, size_t max, uint32_t *out)
{
	char buf[16];
	size_t n = 0;
	while (isxdigit((unsigned char)(*p)[n]) && n < sizeof buf - 1)
		buf[n] = (*p)[n], n++;
	buf[n] = '\0';
	if (!cmd_vm_hex(buf, max, out))
		return false;
	*p += n;
	return true;
}

enum cmd_vm_range_status cmd_vm_range(const char *tok, uint32_t size, struct cmd_vm_range *r)
{
	const char *p = tok;
	r->show = CMD_VM_HEX;
	if (*p == 'L' || *p == 'T' || *p == 'K') {
		r->show = *p == 'T' ? CMD_VM_TEXT : *p == 'K' ? CMD_VM_KEYS : CMD_VM_HEX;
		p++;
		if (*p == '\0') {
			r->first = 0;
			r->last = size - 1;
			return CMD_VM_RANGE_OK;
		}
	}
	if (!isxdigit((unsigned char)*p) && *p != '-' && *p != ':')
		return p == tok ? CMD_VM_RANGE_NOT : CMD_VM_RANGE_BAD;
	uint32_t first = 0, last;
	if (isxdigit((unsigned char)*p) && !hex_prefix(&p, 6, &first))
		return CMD_VM_RANGE_BAD;
	if (*p == '\0') {
		last = first | 3;
	} else if (*p == '-' || *p == ':') {
		p++;
		if (strcmp(p, "END") == 0 || *p == '\0') {
			last = size - 1;
		} else if (!hex_prefix(&p, 6, &last) || *p != '\0' || last < first) {
			return CMD_VM_RANGE_BAD;
		}
	} else if (*p == '.') {
		p++;
		uint32_t count;
		if (strcmp(p, "END") == 0) {
			last = size - 1;
		} else if (!hex_prefix(&p, 6, &count) || *p != '\0' || count == 0) {
			return CMD_VM_RANGE_BAD;
		} else {
			last = first + count - 1;
		}
	} else {
		return p == tok ? CMD_VM_RANGE_NOT : CMD_VM_RANGE_BAD;
	}
	r->first = first & ~3u;
	r->last = last;
	if (first >= size || last >= size)
		return CMD_VM_RANGE_BEYOND;
	return CMD_VM_RANGE_OK;
}

/* A register number: one hex digit, or decimal 10-15. */
static bool reg_number(const char **p, unsigned *out)
{
	const char *s = *p;
	if (s[0] == '1' && s[1] >= '0' && s[1] <= '5') {
		*out = 10u + (unsigned)(s[1] - '0');
		*p += 2;
		return true;
	}
	if (!isxdigit((unsigned char)s[0]))
		return false;
	*out = (unsigned)(isdigit((unsigned char)s[0]) ? s[0] - '0' : s[0] - 'A' + 10);
	*p += 1;
	return true;
}

bool cmd_vm_regs(const char *tok, char letter, unsigned *first, unsigned *last)
{
	if (tok[0] != letter)
		return false;
	const char *p = tok + 1;
	if (letter == 'G' && strncmp(p, "REG", 3) == 0)
		p += 3;
	if (*p == '\0') {
		*first = 0;
		*last = 15;
		return true;
	}
	unsigned a, b;
	if (!reg_number(&p, &a))
		return false;
	b = a;
	if (*p == '-' || *p == ':') {
		p++;
		if (strcmp(p, "END") == 0) {
			b = 15;
			p += 3;
		} else if (!reg_number(&p, &b) || b < a) {
			return false;
		}
	} else if (*p == '.') {
		p++;
		unsigned n;
		if (!reg_number(&p, &n) || n == 0 || a + n - 1 > 15)
			return false;
		b = a + n - 1;
	}
	if (*p != '\0')
		return false;
	*first = a;
	*last = b;
	return true;
}

char *cmd_vm_fmt_storage(char *buf, size_t len, uint32_t addr, const uint8_t *data, size_t n, bool text,
			 int key)
{
	size_t o = (size_t)snprintf(buf, len, "%06X", addr);
	for (size_t i = 0; i + 4 <= n && i < 16 && o < len; i += 4)
		o += (size_t)snprintf(buf + o, len - o, " %02X%02X%02X%02X", data[i], data[i + 1], data[i + 2],
				      data[i + 3]);
	if (text && o < len) {
		char t[17];
		size_t m = n < 16 ? n : 16;
		ebcdic_to_ascii_buf(t, data, m);
		for (size_t i = 0; i < m; i++)
			if (!isprint((unsigned char)t[i]))
				t[i] = '.';
		t[m] = '\0';
		int pad = (int)(16 - m) / 4 * 9;
		o += (size_t)snprintf(buf + o, len - o, "%*s *%s*", pad, "", t);
	}
	if (key >= 0 && o < len)
		snprintf(buf + o, len - o, " KEY = %02X", (unsigned)key);
	return buf;
}

char *cmd_vm_fmt_regs(char *buf, size_t len, const char *name, unsigned first, const uint32_t *v, size_t n)
{
	size_t o = (size_t)snprintf(buf, len, "%s %X =", name, first);
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, " %08X", v[i]);
	return buf;
}

char *cmd_vm_fmt_fpr(char *buf, size_t len, unsigned r, uint64_t v)
{
	/* Hexadecimal floating point: sign, 7-bit characteristic (excess 64), 56-bit fraction. */
	uint64_t frac = v & 0x00FFFFFFFFFFFFFFull;
	int exp16 = (int)((v >> 56) & 0x7F) - 64;
	char digits[18] = "00000000000000000";
	int exp10 = 0;
	if (frac) {
		long double x = (long double)frac;
		for (int e = exp16 - 14; e > 0; e--)
			x *= 16;
		for (int e = exp16 - 14; e < 0; e++)
			x /= 16;
		char e[40];
		snprintf(e, sizeof e, "%.16Le", x); /* d.dddddddddddddddde+xx */
		digits[0] = e[0];
		memcpy(digits + 1, e + 2, 16);
		exp10 = atoi(strchr(e, 'e') + 1) + 1;
	}
	snprintf(buf, len, "FPR %u = %016llX  %s.%s  E %+03d", r, (unsigned long long)v,
		 (v >> 63) && frac ? "-" : "", digits, exp10);
	return buf;
}

bool cmd_vm_storage_size(const char *tok, uint64_t *bytes)
{
	size_t n = strlen(tok);
	if (n < 2 || n > 9)
		return false;
	char unit = tok[n - 1];
	if (unit != 'K' && unit != 'M')
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (!isdigit((unsigned char)tok[i]))
			return false;
		v = v * 10 + (uint64_t)(tok[i] - '0');
	}
	*bytes = v * (unit == 'K' ? 1024u : 1024u * 1024u);
	return v != 0;
}

unsigned cmd_vm_parm(const char *text, uint32_t regs[16])
{
	uint8_t e[64] = {0};
	size_t n = strnlen(text, sizeof e);
	ascii_to_ebcdic_buf(e, text, n);
	unsigned nregs = (unsigned)(n + 3) / 4;
	for (unsigned i = 0; i < nregs; i++)
		regs[i] = (uint32_t)e[4 * i] << 24 | (uint32_t)e[4 * i + 1] << 16 | (uint32_t)e[4 * i + 2] << 8 |
			  e[4 * i + 3];
	return nregs;
}

/* ---- The virtual machine's debugging state ---- */

enum {
	TR_SVC = 1u << 0,
	TR_IO = 1u << 1,	/* I/O interruptions */
	TR_PROG = 1u << 2,
	TR_EXT = 1u << 3,
	TR_PRIV = 1u << 4,
	TR_SIO = 1u << 5,	/* I/O instructions */
	TR_BRANCH = 1u << 6,
	TR_INSTR = 1u << 7,
	TR_ALL = TR_SVC | TR_IO | TR_PROG | TR_EXT | TR_PRIV | TR_SIO | TR_BRANCH | TR_INSTR,
	/* What needs the trace function (each instruction). */
	TR_STEP = TR_PRIV | TR_SIO | TR_BRANCH | TR_INSTR,
};

/* Where trace lines go (TRACE ... TERMINAL|PRINTER|BOTH). */
enum {
	TRDEST_TERM = 1u << 0,
	TRDEST_PRT = 1u << 1,	/* the virtual printer with the lowest address */
};

struct vmdbg {
	struct vmblok *vm;
	bool hooked;		/* the event hook is on (dbg_of) */
	unsigned trace;		/* TR_* */
	unsigned dest;		/* TRDEST_*: TERMINAL by default */
	bool norun;		/* stop after each trace line shown at the terminal */
	bool ipl_stop;		/* IPL STOP: BEGIN loads the PSW from location 0 */
	/* The last instruction of interest, shown once it has executed. */
	bool have_prev;
	uint32_t prev_ia;
	uint8_t prev[6];
	int prev_len;
	unsigned prev_dev;	/* an I/O instruction's device address */
	uint32_t prev_caw;
};

static struct cpu *dbg_cpu(struct vmdbg *g)
{
	return machine_cpu(vm_machine(g->vm));
}

/* The virtual printer with the lowest address (VM/370's choice for trace output), or NULL. */
static struct chan_dev *trace_printer(struct vmblok *vm)
{
	size_t n;
	const struct vm_device *dv = vm_devices(vm, &n);
	const struct vm_device *best = NULL;
	for (size_t i = 0; i < n; i++)
		if (dv[i].kind == VM_DEV_PRINTER && (!best || dv[i].vaddr < best->vaddr))
			best = &dv[i];
	return best ? best->d : NULL;
}

/* A trace line to where TRACE sends it; a printer that is gone drops it. */
static void dbg_line(struct vmdbg *g, const char *line)
{
	if (g->dest & TRDEST_TERM)
		cp_msg_write(vm_term(g->vm), CP_RSP_TRACE_LINE, line);
	if (g->dest & TRDEST_PRT) {
		struct chan_dev *p = trace_printer(g->vm);
		if (p)
			vspool_print_line(p, line);
	}
}

/* Does a trace line stop the virtual machine? Only one shown at the terminal, with NORUN. */
static bool dbg_stops(const struct vmdbg *g)
{
	return g->norun && (g->dest & TRDEST_TERM);
}

/* CP mode after a trace line or the address stop. */
static void dbg_enter_cp(struct vmdbg *g)
{
	vm_set_mode(g->vm, VM_MODE_CP);
	term_read(vm_term(g->vm), TERM_READ_CP, "", 0);
}

static bool is_branch(const uint8_t *i)
{
	switch (i[0]) {
	case 0x05: case 0x06: case 0x07: case 0x0D: case 0x45: case 0x46: case 0x47: case 0x4D:
	case 0x84: case 0x85: case 0x86: case 0x87:
		return true;
	case 0xA7:
		return (i[1] & 15) >= 4 && (i[1] & 15) <= 7;
	case 0xC0:
		return (i[1] & 15) == 4 || (i[1] & 15) == 5;
	default:
		return false;
	}
}

static bool is_io(const uint8_t *i)
{
	return (i[0] >= 0x9C && i[0] <= 0x9F) || (i[0] == 0xB2 && i[1] == 0x03);
}

/* The privileged instructions other than I/O. */
static bool is_priv(const uint8_t *i)
{
	switch (i[0]) {
	case 0x08: case 0x09: case 0x80: case 0x82: case 0x83: case 0xAC: case 0xAD: case 0xB1:
	case 0xB6: case 0xB7:
		return true;
	case 0xB2:
		return i[1] != 0x03 && i[1] != 0x05 && i[1] != 0x0A && i[1] != 0x0B;
	default:
		return false;
	}
}

static const char *dev_name(struct vmblok *vm, unsigned vaddr)
{
	size_t n;
	const struct vm_device *dv = vm_devices(vm, &n);
	for (size_t i = 0; i < n; i++)
		if (dv[i].vaddr == vaddr)
			return vm_dev_kind_name(dv[i].kind);
	return "DEV";
}

/* The mnemonic and the instruction's bytes in hex. */
static void insn_text(const uint8_t *insn, int len, char mnem[8], char hex[13])
{
	char dis[64];
	disasm(insn, true, dis, sizeof dis);
	size_t k = strcspn(dis, " ");
	if (k > 7)
		k = 7;
	memcpy(mnem, dis, k);
	mnem[k] = '\0';
	for (int i = 0; i < len && i < 6; i++)
		snprintf(hex + 2 * i, 3, "%02X", insn[i]);
}

/* Show the last instruction of interest, now that it has executed: next is the address of the
 * instruction after it (UINT32_MAX: an interruption came), cc the condition code it left. True
 * when a line was shown. */
static bool dbg_flush(struct vmdbg *g, uint32_t next, unsigned cc)
{
	if (!g->have_prev)
		return false;
	g->have_prev = false;
	char mnem[8], hex[13], line[160];
	insn_text(g->prev, g->prev_len, mnem, hex);
	bool branch = is_branch(g->prev);
	bool taken = branch && next != UINT32_MAX && next != ((g->prev_ia + (uint32_t)g->prev_len) & 0xFFFFFF);
	if ((g->trace & TR_SIO) && is_io(g->prev)) {
		snprintf(line, sizeof line, "I/O %06X %-5s %s %s %03X CC %u CAW %08X", g->prev_ia, mnem, hex,
			 dev_name(g->vm, g->prev_dev), g->prev_dev, cc, g->prev_caw);
	} else if ((g->trace & (TR_INSTR | TR_PRIV)) || ((g->trace & TR_BRANCH) && taken)) {
		if (!(g->trace & TR_INSTR) && !taken && !(g->trace & TR_PRIV && is_priv(g->prev)))
			return false;
		if (taken)
			snprintf(line, sizeof line, "%06X %-5s %s ==> %06X", g->prev_ia, mnem, hex, next);
		else
			snprintf(line, sizeof line, "%06X %-5s %s", g->prev_ia, mnem, hex);
	} else {
		return false;
	}
	dbg_line(g, line);
	return true;
}

/* machine_trace_fn: each instruction, before it executes. */
static void dbg_trace(void *arg, uint32_t addr, const uint8_t *insn, int len)
{
	struct vmdbg *g = arg;
	struct cpu *c = dbg_cpu(g);
	if (dbg_flush(g, addr, cpu_get_cc(c)) && dbg_stops(g)) {
		cpu_trace_stop(c);	/* this one runs after BEGIN, and is traced then */
		dbg_enter_cp(g);
		return;
	}
	bool want = (g->trace & TR_INSTR) || ((g->trace & TR_BRANCH) && is_branch(insn)) ||
		    ((g->trace & TR_SIO) && is_io(insn)) || ((g->trace & TR_PRIV) && is_priv(insn));
	if (!want)
		return;
	g->have_prev = true;
	g->prev_ia = addr;
	g->prev_len = len;
	memset(g->prev, 0, sizeof g->prev);
	memcpy(g->prev, insn, (size_t)len < sizeof g->prev ? (size_t)len : sizeof g->prev);
	if (is_io(insn)) {
		unsigned b2 = insn[2] >> 4;
		uint32_t ea = ((b2 ? cpu_get_gpr(c, (int)b2) : 0) + ((insn[2] & 15u) << 8 | insn[3]));
		g->prev_dev = ea & 0xFFF;
		uint8_t caw[4] = {0};
		machine_dump(vm_machine(g->vm), cpu_real_to_absolute(c, 0x48), caw, 4);
		g->prev_caw = (uint32_t)caw[0] << 24 | (uint32_t)caw[1] << 16 | (uint32_t)caw[2] << 8 | caw[3];
	}
}

static uint32_t psw_word(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* machine_event_fn: interruptions and the address stop. */
static bool dbg_event(void *arg, const struct machine_event *ev)
{
	struct vmdbg *g = arg;
	if (ev->kind == MACHINE_EVENT_ADSTOP) {
		dbg_flush(g, UINT32_MAX, cpu_get_cc(dbg_cpu(g)));
		cp_msg_write(vm_term(g->vm), CP_RSP_ADSTOP_AT, ev->addr);
		dbg_enter_cp(g);
		return true;
	}
	bool ec = ev->old_psw[1] & 0x08;
	unsigned cc = ec ? (ev->old_psw[2] >> 4) & 3 : (ev->old_psw[4] >> 4) & 3;
	bool shown = dbg_flush(g, UINT32_MAX, cc);
	unsigned also = TR_INSTR | TR_BRANCH;	/* these show every interruption */
	const char *what = NULL;
	char code[8];
	switch (ev->iclass) {
	case MACHINE_INT_SVC:
		if (g->trace & (TR_SVC | also))
			what = "SVC";
		snprintf(code, sizeof code, "%02X", ev->code & 0xFF);
		break;
	case MACHINE_INT_PROGRAM:
		if (g->trace & (TR_PROG | also))
			what = "PROG";
		snprintf(code, sizeof code, "%04X", ev->code);
		break;
	case MACHINE_INT_EXTERNAL:
		if (g->trace & (TR_EXT | also))
			what = "EXT";
		snprintf(code, sizeof code, "%04X", ev->code);
		break;
	case MACHINE_INT_IO:
		if (g->trace & (TR_IO | also))
			what = "I/O";
		snprintf(code, sizeof code, "%03X", ev->code & 0xFFF);
		break;
	default:
		break;
	}
	if (what) {
		char line[160];
		uint32_t from = psw_word(ev->old_psw + 4) & 0xFFFFFF, to = psw_word(ev->new_psw + 4) & 0xFFFFFF;
		size_t o = (size_t)snprintf(line, sizeof line, "*** %06X %-4s %s ==> %06X", from, what, code, to);
		if (ev->iclass == MACHINE_INT_IO) {
			uint8_t csw[8] = {0};
			struct cpu *c = dbg_cpu(g);
			machine_dump(vm_machine(g->vm), cpu_real_to_absolute(c, 0x40), csw, 8);
			snprintf(line + o, sizeof line - o, " CSW %08X %08X", psw_word(csw), psw_word(csw + 4));
		}
		dbg_line(g, line);
		shown = true;
	}
	if (shown && dbg_stops(g)) {
		dbg_enter_cp(g);
		return true;
	}
	return false;
}

/* The virtual machine's command state, made on first use (NULL without memory). */
static struct vmdbg *state_of(struct vmblok *vm)
{
	struct machine *m = vm_machine(vm);
	struct vmdbg *g = machine_host_data(m);
	if (g)
		return g;
	g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->vm = vm;
	g->norun = true;
	g->dest = TRDEST_TERM;
	machine_set_host_data(m, g, free);
	return g;
}

/* The same for debugging: the event hook is on from then. */
static struct vmdbg *dbg_of(struct vmblok *vm)
{
	struct vmdbg *g = state_of(vm);
	if (g && !g->hooked) {
		cpu_set_event_hook(machine_cpu(vm_machine(vm)), dbg_event, g);
		g->hooked = true;
	}
	return g;
}

/* ---- Shared operand checks ---- */

/* The device at cl->tok[1] (vaddr), or NULL after the message. */
static struct chan_dev *device_operand(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, unsigned *vaddr)
{
	if (cl->n < 2 || !cmd_vaddr(cl->tok[1], vaddr)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFV022E);
		return NULL;
	}
	if (cmd_extra_operands(ctx, cl, 2) != CP_CMD_OK)
		return NULL;
	struct chan_dev *d = vm_device(ctx->vm, *vaddr);
	if (!d)
		cp_msg_write(ctx->t, CP_MSG_DMKCFV040E, *vaddr);
	return d;
}

static bool psw_runnable(const uint8_t psw[8])
{
	bool ec = psw[1] & 0x08;
	bool wait = psw[1] & 0x02;
	bool enabled = ec ? (psw[0] & 0x03) != 0 : psw[0] != 0;
	return !wait || enabled;
}

/* ---- IPL, BEGIN, SYSTEM ---- */

/* After a reset CP leaves the virtual machine in a disabled wait, PSW X'00020000 00000000'
 * (vm370-cp.md 3.1, SYSTEM): BEGIN then answers that it is not runnable. */
static void reset_psw(struct machine *m)
{
	static const uint8_t psw[8] = {0x00, 0x02, 0, 0, 0, 0, 0, 0};
	cpu_set_psw(machine_cpu(m), psw);
}

/* A saved system's name: 1-8 letters and digits, not a device address. */
static bool sysname(const char *tok)
{
	size_t n = strlen(tok);
	if (n == 0 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)tok[i]))
			return false;
	return true;
}

/* Is the device at vaddr a count-key-data disk (minidisk or dedicated)? */
static bool is_ckd(struct vmblok *vm, unsigned vaddr)
{
	size_t n;
	const struct vm_device *dv = vm_devices(vm, &n);
	for (size_t i = 0; i < n; i++)
		if (dv[i].vaddr == vaddr)
			return dv[i].kind == VM_DEV_DASD && dv[i].devtype != 3310 && dv[i].devtype != 3370;
	return false;
}

/*
 * IPL vaddr cylno (GC20-1820 IPL: the IPL data comes from virtual cylinder cylno instead of 0;
 * CKD disks only). CP's IPL program goes into the last page of the virtual machine's storage, as
 * VM/370's IPL simulator takes a page of it: seek to the cylinder, search record 1, read its 24
 * bytes at 0 with command chaining, TIC to location 8; the channel then goes on as for any IPL.
 * Returns a machine_ipl_status.
 */
static enum machine_ipl_status ipl_cylinder(struct vmblok *vm, unsigned vaddr, unsigned cyl, bool clear)
{
	struct machine *m = vm_machine(vm);
	if (clear)
		machine_clear_storage(m);
	uint32_t size = machine_storage_size(m);
	uint32_t at = size >= 8192 ? size - 4096 : size - 64;
	uint8_t a[3][3];
	for (int k = 0; k < 3; k++) {
		uint32_t v = at + (k == 0 ? 40u : k == 1 ? 46u : 8u);
		a[k][0] = (uint8_t)(v >> 16), a[k][1] = (uint8_t)(v >> 8), a[k][2] = (uint8_t)v;
	}
	uint8_t cc = (uint8_t)(cyl >> 8), cl = (uint8_t)cyl;
	const uint8_t prog[51] = {
		0x07, a[0][0], a[0][1], a[0][2], CCW_CC, 0, 0, 6,		/* SEEK 0 0 cc cc 0 0 */
		0x31, a[1][0], a[1][1], a[1][2], CCW_CC, 0, 0, 5,		/* SEARCH ID EQUAL cchhr */
		0x08, a[2][0], a[2][1], a[2][2], 0, 0, 0, 0,			/* TIC back to the search */
		0x06, 0, 0, 0, CCW_CC | CCW_SLI, 0, 0, 24,			/* READ DATA 24 at 0 */
		0x08, 0, 0, 8, 0, 0, 0, 0,					/* TIC 8 */
		0, 0, cc, cl, 0, 0,						/* the seek address */
		cc, cl, 0, 0, 1,						/* record 1 */
	};
	if (!machine_load(m, at, prog, sizeof prog))
		return MACHINE_IPL_NOT_OPERATIONAL;
	enum machine_ipl_status st = chan_ipl_program(m, (uint16_t)vaddr, at, NULL);
	if (st == MACHINE_IPL_OK)
		vm_set_mode(vm, VM_MODE_VM);
	return st;
}

/* IPL vaddr [cylno] [CLEAR|NOCLEAR] [STOP] [PARM text] | IPL sysname [PARM text] (vm370-cp.md
 * 7.5). cylno is decimal. */
HANDLER(ipl)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC026E);
		return CP_CMD_FAILED;
	}
	unsigned vaddr;
	bool byaddr = cmd_vaddr(cl->tok[1], &vaddr);
	bool clear = false, stop = false;
	const char *parm = NULL, *cyltok = NULL;
	unsigned long cyl = 0;
	for (size_t i = 2; i < cl->n && !parm; i++) {
		if (byaddr && cmd_keyword(cl->tok[i], "CLEAR", 2)) {
			clear = true;
		} else if (byaddr && cmd_keyword(cl->tok[i], "NOCLEAR", 3)) {
			clear = false;
		} else if (byaddr && cmd_keyword(cl->tok[i], "STOP", 4)) {
			stop = true;
		} else if (cmd_keyword(cl->tok[i], "PARM", 4)) {
			parm = cp_cmd_rest(cl, i + 1);
		} else if (byaddr && i == 2 && strspn(cl->tok[i], "0123456789") == strlen(cl->tok[i])) {
			cyltok = cl->tok[i];
			cyl = strlen(cyltok) <= 5 ? strtoul(cyltok, NULL, 10) : 65536;
		} else {
			cp_msg_write(ctx->t, CP_MSG_DMKCFG003E, cl->tok[i]);
			return CP_CMD_FAILED;
		}
	}
	if (!byaddr) {
		/* A named saved system (SAVESYS): mapped copy-on-write, its PSW loaded. */
		if (!sysname(cl->tok[1])) {
			cp_msg_write(ctx->t, CP_MSG_DMKCFC002E, cl->tok[1]);
			return CP_CMD_FAILED;
		}
		char why[160];
		switch (vm_ipl_nss(ctx->vm, cl->tok[1], why, sizeof why)) {
		case VM_NSS_OK:
			break;
		case VM_NSS_NOT_FOUND:
			cp_msg_write(ctx->t, CP_MSG_DMKCFG044E, cl->tok[1]);
			return CP_CMD_FAILED;
		case VM_NSS_TOO_BIG:
		case VM_NSS_BAD:
			cp_msg_write(ctx->t, CP_MSG_DMKCFG998E, cl->tok[1], why);
			return CP_CMD_FAILED;
		}
		if (parm) {
			uint32_t regs[16];
			unsigned n = cmd_vm_parm(parm, regs);
			struct cpu *c = machine_cpu(vm_machine(ctx->vm));
			for (unsigned r = 0; r < n; r++)
				cpu_set_gpr(c, (int)r, regs[r]);
		}
		return CP_CMD_OK;
	}
	if (cyltok && vm_device(ctx->vm, vaddr) && (!is_ckd(ctx->vm, vaddr) || cyl > 65535)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC002E, cyltok);
		return CP_CMD_FAILED;
	}
	int st = cyltok ? (int)ipl_cylinder(ctx->vm, vaddr, (unsigned)cyl, clear) : vm_ipl(ctx->vm, vaddr, clear);
	if (st == MACHINE_IPL_NOT_OPERATIONAL) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFM040E, vaddr);
		return CP_CMD_FAILED;
	}
	if (st != MACHINE_IPL_OK) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFG999E, vaddr, machine_ipl_str((enum machine_ipl_status)st));
		return CP_CMD_FAILED;
	}
	struct cpu *c = machine_cpu(vm_machine(ctx->vm));
	if (parm) {
		uint32_t regs[16];
		unsigned n = cmd_vm_parm(parm, regs);
		for (unsigned r = 0; r < n; r++)
			cpu_set_gpr(c, (int)r, regs[r]);
	}
	struct vmdbg *g = machine_host_data(vm_machine(ctx->vm));
	if (g)
		g->have_prev = false;
	if (stop) {
		/* Stopped just before the PSW is loaded: BEGIN loads it from location 0. */
		g = dbg_of(ctx->vm);
		if (!g) {
			snprintf(ctx->detail, sizeof ctx->detail, "IPL STOP (NO STORAGE)");
			return CP_CMD_NOT_AVAILABLE;
		}
		g->ipl_stop = true;
		reset_psw(vm_machine(ctx->vm));
		vm_set_mode(ctx->vm, VM_MODE_CP);
	}
	return CP_CMD_OK;
}

/* BEGIN [hexloc]: resume the virtual machine (at hexloc). After IPL STOP the PSW comes from
 * location 0 now. */
HANDLER(begin)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	uint32_t loc = 0;
	if (cl->n > 1 && !cmd_vm_hex(cl->tok[1], 6, &loc)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCDB004E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
	if (rc != CP_CMD_OK)
		return rc;
	struct machine *m = vm_machine(ctx->vm);
	struct cpu *c = machine_cpu(m);
	struct vmdbg *g = machine_host_data(m);
	uint8_t psw[8];
	if (g && g->ipl_stop) {
		g->ipl_stop = false;
		if (machine_dump(m, cpu_real_to_absolute(c, 0), psw, 8))
			cpu_set_psw(c, psw);
	}
	if (g)
		g->have_prev = false;
	cpu_get_psw(c, psw);
	if (cl->n > 1) {
		psw[5] = (uint8_t)(loc >> 16);
		psw[6] = (uint8_t)(loc >> 8);
		psw[7] = (uint8_t)loc;
		cpu_set_psw(c, psw);
	}
	if (!psw_runnable(psw)) {
		cp_msg_write(ctx->t, CP_MSG_DMKDSP453W);
		return CP_CMD_FAILED;
	}
	vm_set_mode(ctx->vm, VM_MODE_VM);
	return CP_CMD_OK;
}

/* SYSTEM CLEAR|RESET|RESTART: the virtual machine's reset buttons. */
HANDLER(system)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC026E);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
	if (rc != CP_CMD_OK)
		return rc;
	struct machine *m = vm_machine(ctx->vm);
	struct vmdbg *g = machine_host_data(m);
	if (cmd_keyword(cl->tok[1], "RESTART", 3)) {
		machine_restart(machine_cpu(m));
		vm_set_mode(ctx->vm, VM_MODE_VM);
		return CP_CMD_OK;
	}
	bool clear = cmd_keyword(cl->tok[1], "CLEAR", 1);
	if (!clear && !cmd_keyword(cl->tok[1], "RESET", 1)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC002E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	if (g) {
		g->have_prev = false;
		g->ipl_stop = false;
	}
	vm_system_reset(ctx->vm, clear);
	reset_psw(m);
	cp_msg_write(ctx->t, clear ? CP_RSP_STORAGE_CLEARED : CP_RSP_SYSTEM_RESET);
	return CP_CMD_OK;
}

/* ---- DISPLAY ---- */

static void display_storage(struct cp_cmd_ctx *ctx, const struct cmd_vm_range *r)
{
	struct machine *m = vm_machine(ctx->vm);
	struct cpu *c = machine_cpu(m);
	char line[160];
	if (r->show == CMD_VM_KEYS) {
		uint32_t a = r->first & ~0x7FFu;
		while (a <= r->last) {
			uint8_t k = machine_storage_key(m, cpu_real_to_absolute(c, a));
			uint32_t b = a + 0x800;
			while (b <= r->last && b < machine_storage_size(m) &&
			       machine_storage_key(m, cpu_real_to_absolute(c, b)) == k)
				b += 0x800;
			cp_msg_write(ctx->t, CP_RSP_DISPLAY_KEY, a, b - 1, k);
			a = b;
		}
		return;
	}
	bool text = r->show == CMD_VM_TEXT;
	uint32_t a = text ? r->first & ~15u : r->first;
	while (a <= r->last) {
		uint8_t data[16];
		size_t n = 0;
		uint32_t lineend = text ? a + 16 : a + 16;
		for (uint32_t w = a; w < lineend && w <= r->last; w += 4, n += 4)
			machine_dump(m, cpu_real_to_absolute(c, w), data + n, 4);
		int key = (a & 0x7FF) == 0 ? machine_storage_key(m, cpu_real_to_absolute(c, a)) : -1;
		cp_msg_write(ctx->t, CP_RSP_DISPLAY_LINE, cmd_vm_fmt_storage(line, sizeof line, a, data, n, text, key));
		if (lineend < a)
			break;	/* wrapped past 16M */
		a = lineend;
	}
}

static void display_regs(struct cp_cmd_ctx *ctx, char letter, unsigned first, unsigned last)
{
	struct cpu *c = machine_cpu(vm_machine(ctx->vm));
	char line[160];
	if (letter == 'Y') {
		for (unsigned r = first & ~1u; r <= last && r <= 6; r += 2)
			cp_msg_write(ctx->t, CP_RSP_DISPLAY_LINE, cmd_vm_fmt_fpr(line, sizeof line, r, cpu_get_fpr(c, (int)r)));
		return;
	}
	for (unsigned r = first; r <= last; r += 4) {
		uint32_t v[4];
		size_t n = 0;
		for (unsigned i = r; i <= last && i < r + 4; i++)
			v[n++] = letter == 'G' ? cpu_get_gpr(c, (int)i) : cpu_get_cr(c, (int)i);
		cp_msg_write(ctx->t, CP_RSP_DISPLAY_LINE,
			     cmd_vm_fmt_regs(line, sizeof line, letter == 'G' ? "GPR" : "ECR", r, v, n));
	}
}

static uint32_t low_word(struct machine *m, uint32_t real)
{
	uint8_t b[4] = {0};
	machine_dump(m, cpu_real_to_absolute(machine_cpu(m), real), b, 4);
	return psw_word(b);
}

/* DISPLAY operand ...: storage, keys, registers, PSW, CAW, CSW (vm370-cp.md 3.1). */
HANDLER(display)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCDB026E);
		return CP_CMD_FAILED;
	}
	struct machine *m = vm_machine(ctx->vm);
	for (size_t i = 1; i < cl->n; i++) {
		const char *tok = cl->tok[i];
		unsigned a, b;
		struct cmd_vm_range r;
		if (cmd_keyword(tok, "PSW", 1)) {
			uint8_t psw[8];
			cpu_get_psw(machine_cpu(m), psw);
			cp_msg_write(ctx->t, CP_RSP_DISPLAY_PSW, psw_word(psw), psw_word(psw + 4));
		} else if (strcmp(tok, "CAW") == 0) {
			cp_msg_write(ctx->t, CP_RSP_DISPLAY_CAW, low_word(m, 0x48));
		} else if (strcmp(tok, "CSW") == 0) {
			cp_msg_write(ctx->t, CP_RSP_DISPLAY_CSW, low_word(m, 0x40), low_word(m, 0x44));
		} else if (cmd_vm_regs(tok, 'G', &a, &b) || cmd_vm_regs(tok, 'Y', &a, &b) ||
			   cmd_vm_regs(tok, 'X', &a, &b)) {
			display_regs(ctx, tok[0], a, b);
		} else {
			switch (cmd_vm_range(tok, machine_storage_size(m), &r)) {
			case CMD_VM_RANGE_OK:
				display_storage(ctx, &r);
				break;
			case CMD_VM_RANGE_BEYOND: {
				char loc[8];
				snprintf(loc, sizeof loc, "%06X", r.first >= machine_storage_size(m) ? r.first : r.last);
				cp_msg_write(ctx->t, CP_MSG_DMKCDB160E, loc);
				return CP_CMD_FAILED;
			}
			case CMD_VM_RANGE_BAD:
				cp_msg_write(ctx->t, CP_MSG_DMKCDB004E, tok);
				return CP_CMD_FAILED;
			case CMD_VM_RANGE_NOT:
				cp_msg_write(ctx->t, CP_MSG_DMKCFC002E, tok);
				return CP_CMD_FAILED;
			}
		}
	}
	return CP_CMD_OK;
}

/* ---- STORE ---- */

/* The words cl->tok[from..] (1-8 hex digits each) into w; false after the message. */
static bool store_words(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, size_t from, uint32_t *w,
			size_t max, size_t *n)
{
	*n = 0;
	if (from >= cl->n) {
		cp_msg_write(ctx->t, CP_MSG_DMKCDB026E);
		return false;
	}
	for (size_t i = from; i < cl->n; i++) {
		if (*n == max) {
			cp_msg_write(ctx->t, CP_MSG_DMKCDB026E);
			return false;
		}
		if (!cmd_vm_hex(cl->tok[i], 8, &w[*n])) {
			cp_msg_write(ctx->t, CP_MSG_DMKCDB005E, cl->tok[i]);
			return false;
		}
		(*n)++;
	}
	return true;
}

/* STORE into storage at real address a: bytes, each word or byte through the prefix. */
static void store_bytes(struct machine *m, uint32_t a, const uint8_t *b, size_t n)
{
	struct cpu *c = machine_cpu(m);
	for (size_t i = 0; i < n; i++)
		machine_load(m, cpu_real_to_absolute(c, a + (uint32_t)i), b + i, 1);
}

/* STORE [L]hexloc word ... | Shexloc hexdata | Greg|Xreg|Yreg word ... | PSW [word1] word2 |
 * STATUS (vm370-cp.md 3.1). Nothing changes unless every operand is right. */
HANDLER(store)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCDB026E);
		return CP_CMD_FAILED;
	}
	struct machine *m = vm_machine(ctx->vm);
	struct cpu *c = machine_cpu(m);
	const char *tok = cl->tok[1];
	uint32_t w[CP_CMD_TOKENS_MAX];
	size_t n;
	if (cmd_keyword(tok, "STATUS", 6)) {
		enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
		if (rc != CP_CMD_OK)
			return rc;
		machine_store_status(m);
	} else if (cmd_keyword(tok, "PSW", 1)) {
		if (!store_words(ctx, cl, 2, w, 2, &n))
			return CP_CMD_FAILED;
		uint8_t psw[8];
		cpu_get_psw(c, psw);
		uint32_t hi = n == 2 ? w[0] : psw_word(psw), lo = n == 2 ? w[1] : w[0];
		for (int i = 0; i < 4; i++) {
			psw[i] = (uint8_t)(hi >> (24 - 8 * i));
			psw[4 + i] = (uint8_t)(lo >> (24 - 8 * i));
		}
		cpu_set_psw(c, psw);
	} else if (tok[0] == 'G' || tok[0] == 'X' || tok[0] == 'Y') {
		unsigned first, last;
		if (!cmd_vm_regs(tok, tok[0], &first, &last) || first != last) {
			cp_msg_write(ctx->t, CP_MSG_DMKCDB007E, tok);
			return CP_CMD_FAILED;
		}
		if (tok[0] == 'Y' && (first & 1 || first > 6)) {
			cp_msg_write(ctx->t, CP_MSG_DMKCDB007E, tok);
			return CP_CMD_FAILED;
		}
		size_t room = tok[0] == 'Y' ? (8 - first) : 16 - first;
		if (!store_words(ctx, cl, 2, w, room, &n))
			return CP_CMD_FAILED;
		for (size_t i = 0; i < n; i++) {
			int r = (int)(first + i);
			if (tok[0] == 'G') {
				cpu_set_gpr(c, r, w[i]);
			} else if (tok[0] == 'X') {
				cpu_set_cr(c, r, w[i]);
			} else {
				/* FPR words: register first + 2k gets words 2k and 2k+1. */
				int f = (int)(first + (i & ~(size_t)1));
				uint64_t v = cpu_get_fpr(c, f);
				v = i & 1 ? (v & ~0xFFFFFFFFull) | w[i] : (v & 0xFFFFFFFFull) | (uint64_t)w[i] << 32;
				cpu_set_fpr(c, f, v);
			}
		}
	} else {
		bool bytes = tok[0] == 'S';
		const char *loc = tok[0] == 'S' || tok[0] == 'L' ? tok + 1 : tok;
		uint32_t a;
		if (!cmd_vm_hex(loc, 6, &a)) {
			cp_msg_write(ctx->t, CP_MSG_DMKCDB004E, tok);
			return CP_CMD_FAILED;
		}
		uint8_t data[CP_CMD_LINE_MAX];
		size_t len = 0;
		if (bytes) {
			const char *h = cl->n > 2 ? cl->tok[2] : "";
			size_t hl = strlen(h);
			if (hl == 0 || hl % 2 || cl->n > 3) {
				cp_msg_write(ctx->t, hl == 0 ? CP_MSG_DMKCDB026E : CP_MSG_DMKCDB005E,
					     hl == 0 || cl->n <= 3 ? h : cl->tok[3]);
				return CP_CMD_FAILED;
			}
			for (size_t i = 0; i < hl; i += 2) {
				char two[3] = {h[i], h[i + 1], '\0'};
				uint32_t v;
				if (!cmd_vm_hex(two, 2, &v)) {
					cp_msg_write(ctx->t, CP_MSG_DMKCDB005E, h);
					return CP_CMD_FAILED;
				}
				data[len++] = (uint8_t)v;
			}
		} else {
			a &= ~3u;
			if (!store_words(ctx, cl, 2, w, CP_CMD_TOKENS_MAX, &n))
				return CP_CMD_FAILED;
			for (size_t i = 0; i < n; i++)
				for (int k = 0; k < 4; k++)
					data[len++] = (uint8_t)(w[i] >> (24 - 8 * k));
		}
		if (a >= machine_storage_size(m) || len > machine_storage_size(m) - a) {
			char at[8];
			snprintf(at, sizeof at, "%06X", a >= machine_storage_size(m) ? a : machine_storage_size(m));
			cp_msg_write(ctx->t, CP_MSG_DMKCDB160E, at);
			return CP_CMD_FAILED;
		}
		store_bytes(m, a, data, len);
	}
	cp_msg_write(ctx->t, CP_RSP_STORE_COMPLETE);
	return CP_CMD_OK;
}

/* ---- ADSTOP, TRACE ---- */

/* ADSTOP hexloc|OFF: stop before the instruction at hexloc (once). */
HANDLER(adstop)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCDB026E);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
	if (rc != CP_CMD_OK)
		return rc;
	struct cpu *c = machine_cpu(vm_machine(ctx->vm));
	if (cmd_keyword(cl->tok[1], "OFF", 3)) {
		cpu_set_adstop(c, false, 0);
		return CP_CMD_OK;
	}
	uint32_t a;
	if (!cmd_vm_hex(cl->tok[1], 6, &a) || (a & 1)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCDB004E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	if (!dbg_of(ctx->vm)) {
		snprintf(ctx->detail, sizeof ctx->detail, "ADSTOP (NO STORAGE)");
		return CP_CMD_NOT_AVAILABLE;
	}
	cpu_set_adstop(c, true, a);
	return CP_CMD_OK;
}

static const struct {
	const char *name;
	size_t min;
	unsigned bits;
} trace_events[] = {
	{"SVC", 3, TR_SVC},	    {"I/O", 3, TR_IO},	     {"PROGRAM", 3, TR_PROG},
	{"EXTERNAL", 3, TR_EXT},    {"PRIV", 4, TR_PRIV},   {"SIO", 3, TR_SIO},
	{"BRANCH", 2, TR_BRANCH},   {"INSTRUCT", 4, TR_INSTR}, {"ALL", 3, TR_ALL},
};

/*
 * TRACE event ... [TERMINAL|PRINTER|BOTH] [RUN|NORUN] [OFF] | TRACE END (vm370-cp.md 3.1;
 * GC20-1820 TRACE). The lines go to the terminal (the default), to the virtual printer with the
 * lowest address (a spool file: CLOSE PRINTER ends it), or both. PRINTER implies RUN, and RUN or
 * NORUN may not be given with it; TERMINAL and BOTH imply NORUN unless RUN is given. One
 * destination holds for every event traced (Cambridge: VM/370 keeps one per event).
 */
HANDLER(trace)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKTRA026E);
		return CP_CMD_FAILED;
	}
	unsigned bits = 0, dest = 0;
	bool end = false, off = false, run = false, norun = false;
	const char *runtok = NULL;
	for (size_t i = 1; i < cl->n; i++) {
		const char *tok = cl->tok[i];
		bool known = false;
		for (size_t k = 0; k < sizeof trace_events / sizeof trace_events[0]; k++) {
			if (cmd_keyword(tok, trace_events[k].name, trace_events[k].min)) {
				bits |= trace_events[k].bits;
				known = true;
			}
		}
		if (known)
			continue;
		if (cmd_keyword(tok, "END", 3) && cl->n == 2) {
			end = true;
		} else if (cmd_keyword(tok, "TERMINAL", 4) && !dest) {
			dest = TRDEST_TERM;
		} else if (cmd_keyword(tok, "PRINTER", 4) && !dest) {
			dest = TRDEST_PRT;
		} else if (cmd_keyword(tok, "BOTH", 4) && !dest) {
			dest = TRDEST_TERM | TRDEST_PRT;
		} else if (cmd_keyword(tok, "RUN", 3)) {
			run = true;
			runtok = tok;
		} else if (cmd_keyword(tok, "NORUN", 3)) {
			norun = true;
			runtok = tok;
		} else if (cmd_keyword(tok, "OFF", 2)) {
			off = true;
		} else if (cmd_keyword(tok, "CCW", 3) || cmd_keyword(tok, "CSW", 3)) {
			snprintf(ctx->detail, sizeof ctx->detail, "TRACE %s", tok);
			return CP_CMD_NOT_AVAILABLE;
		} else {
			cp_msg_write(ctx->t, CP_MSG_DMKTRA003E, tok);
			return CP_CMD_FAILED;
		}
	}
	if ((!end && !bits) || (run && norun)) {
		cp_msg_write(ctx->t, CP_MSG_DMKTRA026E);
		return CP_CMD_FAILED;
	}
	if (dest == TRDEST_PRT && runtok) {
		cp_msg_write(ctx->t, CP_MSG_DMKTRA003E, runtok);
		return CP_CMD_FAILED;
	}
	if ((dest & TRDEST_PRT) && !off && !trace_printer(ctx->vm)) {
		cp_msg_write(ctx->t, CP_MSG_DMKTRA997E);
		return CP_CMD_FAILED;
	}
	struct cpu *c = machine_cpu(vm_machine(ctx->vm));
	struct vmdbg *g = end ? machine_host_data(vm_machine(ctx->vm)) : dbg_of(ctx->vm);
	if (!g && !end) {
		snprintf(ctx->detail, sizeof ctx->detail, "TRACE (NO STORAGE)");
		return CP_CMD_NOT_AVAILABLE;
	}
	unsigned before = g ? g->trace : 0;
	if (g) {
		if (end)
			g->trace = 0;
		else if (off)
			g->trace &= ~bits;
		else
			g->trace |= bits;
		if (dest && !off) {
			g->dest = dest;
			g->norun = dest != TRDEST_PRT && !run;
		} else if (run || norun) {
			g->norun = norun;
		}
		if (end) {
			g->dest = TRDEST_TERM;
			g->norun = true;
		}
		g->have_prev = false;
		cpu_set_trace(c, (g->trace & TR_STEP) ? dbg_trace : NULL, g);
	}
	unsigned after = g ? g->trace : 0;
	if (!after && (before || end))
		cp_msg_write(ctx->t, CP_RSP_TRACE_ENDED);
	else if (after && !before)
		cp_msg_write(ctx->t, CP_RSP_TRACE_STARTED);
	return CP_CMD_OK;
}

/* ---- Interruptions and devices ---- */

/* EXTERNAL [code]: an external interruption, X'40' (the interrupt key) unless code says
 * X'01'-X'FF'; the virtual machine goes on. */
HANDLER(external)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	uint32_t code = 0x40;
	if (cl->n > 1 && (!cmd_vm_hex(cl->tok[1], 2, &code) || code == 0)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC002E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
	if (rc != CP_CMD_OK)
		return rc;
	machine_external(machine_cpu(vm_machine(ctx->vm)), (uint16_t)code);
	vm_set_mode(ctx->vm, VM_MODE_VM);
	return CP_CMD_OK;
}

/* REQUEST (ATTN): attention from the virtual console; the virtual machine goes on. Ignored while
 * the console is busy or has status pending. */
HANDLER(request)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 1);
	if (rc != CP_CMD_OK)
		return rc;
	size_t n;
	const struct vm_device *dv = vm_devices(ctx->vm, &n);
	for (size_t i = 0; i < n; i++) {
		if (dv[i].kind == VM_DEV_CONSOLE) {
			chan_dev_post_status(dv[i].d, UNIT_ATTN);
			break;
		}
	}
	vm_set_mode(ctx->vm, VM_MODE_VM);
	return CP_CMD_OK;
}

/* Is the device at vaddr a spooled reader, punch or printer (cp/vspool.h)? Those keep their own
 * not-ready state (their QUERY line shows it); every other device has the channel's. */
static bool is_spooled(struct vmblok *vm, unsigned vaddr)
{
	size_t n;
	const struct vm_device *dv = vm_devices(vm, &n);
	for (size_t i = 0; i < n; i++)
		if (dv[i].vaddr == vaddr)
			return dv[i].kind == VM_DEV_READER || dv[i].kind == VM_DEV_PUNCH ||
			       dv[i].kind == VM_DEV_PRINTER;
	return false;
}

/* READY vaddr: device end from the device (ignored while it is busy or has status pending); a
 * not-ready device becomes ready. */
HANDLER(ready)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	unsigned vaddr;
	struct chan_dev *d = device_operand(ctx, cl, &vaddr);
	if (!d)
		return CP_CMD_FAILED;
	if (is_spooled(ctx->vm, vaddr) && !vspool_ready(d))
		vspool_set_ready(d, true);	/* ready again: it presents device end itself */
	else if (!chan_dev_is_ready(d))
		chan_dev_set_ready(d, true);	/* likewise */
	else
		chan_dev_post_status(d, UNIT_DE);
	return CP_CMD_OK;
}

/* NOTREADY vaddr: the device becomes not ready until READY: its I/O ends with unit check,
 * intervention required (a spooled device through cp/vspool.h, any other through the channel:
 * machine/channel.h, chan_dev_set_ready). */
HANDLER(notready)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	unsigned vaddr;
	struct chan_dev *d = device_operand(ctx, cl, &vaddr);
	if (!d)
		return CP_CMD_FAILED;
	if (is_spooled(ctx->vm, vaddr))
		vspool_set_ready(d, false);
	else
		chan_dev_set_ready(d, false);
	return CP_CMD_OK;
}

/* RESET vaddr: the device's pending interruptions and sense go, any operation ends without one
 * (the channel's per-device I/O reset); a virtual 3270's dialed terminal is dropped (DROP FROM:
 * VM/370's way for the virtual machine's user to let a DIALed terminal go). The ready switch
 * stays. */
HANDLER(reset)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	unsigned vaddr;
	struct chan_dev *d = device_operand(ctx, cl, &vaddr);
	if (!d)
		return CP_CMD_FAILED;
	chan_dev_reset(d);
	vm_graf_drop(ctx->vm, vaddr);
	cp_msg_write(ctx->t, CP_RSP_DEVICE_RESET);
	return CP_CMD_OK;
}

/* REWIND vaddr: a tape (an attached or dedicated 3420) back to its load point. */
HANDLER(rewind)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	unsigned vaddr;
	if (!device_operand(ctx, cl, &vaddr))
		return CP_CMD_FAILED;
	size_t n;
	const struct vm_device *dv = vm_devices(ctx->vm, &n);
	for (size_t i = 0; i < n; i++) {
		if (dv[i].vaddr != vaddr)
			continue;
		if (dv[i].kind != VM_DEV_TAPE) {
			cp_msg_write(ctx->t, CP_MSG_DMKCFV006E, vaddr);
			return CP_CMD_FAILED;
		}
		if (!devtape_rewind(dv[i].d)) {
			cp_msg_write(ctx->t, CP_MSG_DMKCFV007E, vaddr);
			return CP_CMD_FAILED;
		}
		cp_msg_write(ctx->t, CP_RSP_REWIND_COMPLETE, vaddr);
		return CP_CMD_OK;
	}
	cp_msg_write(ctx->t, CP_MSG_DMKCFM040E, vaddr);
	return CP_CMD_FAILED;
}

/* ---- DEFINE STORAGE ---- */

/* DEFINE STORAGE [AS] nnnK|nnM: up to the directory's maximum, in 4K multiples; the machine is
 * reset with its storage cleared (a new IPL is needed). */
enum cp_cmd_rc cmd_define_storage(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	size_t i = 2;
	if (i < cl->n && strcmp(cl->tok[i], "AS") == 0)
		i++;
	uint64_t size;
	if (i >= cl->n || !cmd_vm_storage_size(cl->tok[i], &size) || size % 4096) {
		cp_msg_write(ctx->t, CP_MSG_DMKDEF025E);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, i + 1);
	if (rc != CP_CMD_OK)
		return rc;
	const struct dir_user *u = vm_user(ctx->vm);
	unsigned long max = u->max_storage ? u->max_storage : u->storage;
	if (size > max || size > MACHINE_MAX_STORAGE) {
		cp_msg_write(ctx->t, CP_MSG_DMKDEF094E);
		return CP_CMD_FAILED;
	}
	struct machine *m = vm_machine(ctx->vm);
	if (!machine_set_storage(m, (uint32_t)size)) {
		cp_msg_write(ctx->t, CP_MSG_DMKDEF998E, "no host storage");
		return CP_CMD_FAILED;
	}
	struct vmdbg *g = machine_host_data(m);
	if (g) {
		g->have_prev = false;
		g->ipl_stop = false;
	}
	vm_system_reset(ctx->vm, false);
	reset_psw(m);
	cp_msg_write(ctx->t, CP_RSP_STORAGE, (unsigned long)(size / 1024));
	return CP_CMD_OK;
}
