/*
 * diagnose.c - CP's DIAGNOSE handlers (see diagnose.h; one row per code in diagnose.def).
 *
 * Each handler is diag_<name>(env, rx, ry): rx and ry are the instruction's register numbers (the
 * manual's Rx and Ry), "Rx+1" is register rx + 1. A handler reads its operands, checks them in
 * the manual's order, presents an exception (exception()) or does the work, and sets registers and
 * the condition code. The notes on each handler say where Cambridge chooses what the manual
 * leaves open.
 */
#include "cp/diagnose.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp/directory.h"
#include "cp/spool.h"
#include "cp/vspool.h"
#include "lib/be.h"
#include "lib/ebcdic.h"
#include "machine/channel.h"

#define AMASK 0x00FFFFFFu /* 24-bit real addresses */
#define PAGE 4096u

/* Program interruption codes. */
#define PIC_PRIVILEGED 0x0002
#define PIC_ADDRESSING 0x0005
#define PIC_SPECIFICATION 0x0006

#define ILC_DIAGNOSE 2 /* halfwords */

/* X'00': what CP says about itself. VM/370 Release 6 level 0 PLC 0 (GC20-1807's fields: version,
 * level, PLC), on a processor whose STIDP gives version code X'00' and no MCEL (machine/'s 370/158),
 * processor address 0. */
#define ID_SYSTEM "VM/370"
#define ID_VERSION 0x06
#define ID_LEVEL 0x00
#define ID_PLC 0x00
#define ID_VERSION_CODE 0x00
#define ID_LEN 32 /* one level: name, version, code, MCEL, address, userid, program-product map */

/* X'08' limits (GC20-1807: 132 characters of commands, a buffer of at most 8192 bytes). */
#define CMD_MAX 132
#define RESPONSE_MAX 8192
#define EBCDIC_NL 0x15

/* X'18' (DMKDGD): at most 15 reads or writes, a count of at most 2048. */
#define DGD_MAX_RW 15
#define DGD_MAX_COUNT 2048
#define DGD_MAX_CCWS (DGD_MAX_RW * 6 + 2)

/* DIAGNOSE X'64' return code: no such named system (DMKxxx044E). */
#define SEG_NOT_FOUND 44

typedef enum diag_result diag_fn(const struct diag_env *env, int rx, int ry);

#define DIAG(code, classes, h, name) static diag_fn diag_##h;
#define DIAG_TODO(code, classes, h, name)
#include "cp/diagnose.def"
#undef DIAG
#undef DIAG_TODO

struct diag_row {
	uint32_t code;
	const char *classes;
	diag_fn *fn; /* NULL: DIAG_TODO */
	const char *name;
};

static const struct diag_row rows[] = {
#define DIAG(code, classes, h, name) {code, classes, diag_##h, name},
#define DIAG_TODO(code, classes, h, name) {code, classes, NULL, name},
#include "cp/diagnose.def"
#undef DIAG
#undef DIAG_TODO
};

static const struct diag_row *find_row(uint32_t code)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (rows[i].code == code)
			return &rows[i];
	return NULL;
}

const char *diag_name(uint32_t code)
{
	const struct diag_row *r = find_row(code);
	return r ? r->name : NULL;
}

bool diag_supported(uint32_t code)
{
	const struct diag_row *r = find_row(code);
	return r && r->fn;
}

static bool class_allowed(const char *classes, unsigned user)
{
	if (!strcmp(classes, "ANY"))
		return true;
	for (const char *p = classes; *p; p++)
		if (user & DIR_CLASS(*p))
			return true;
	return false;
}

/* ---- Helpers: registers, storage, results ---- */

static uint32_t gpr(const struct diag_env *env, int r)
{
	return cpu_get_gpr(env->c, r & 15);
}

static void set_gpr(const struct diag_env *env, int r, uint32_t v)
{
	cpu_set_gpr(env->c, r & 15, v);
}

/* Present a program interruption for the DIAGNOSE: the old PSW points past it. */
static enum diag_result exception(const struct diag_env *env, uint16_t code)
{
	machine_program_interrupt(env->c, code, ILC_DIAGNOSE);
	return DIAG_DONE;
}

/* A condition code and a return code in R15 (X'18', X'20'). */
static enum diag_result cc_r15(const struct diag_env *env, unsigned cc, uint32_t r15)
{
	set_gpr(env, 15, r15);
	cpu_set_cc(env->c, cc);
	return DIAG_DONE;
}

static uint8_t psw_key(const struct diag_env *env)
{
	uint8_t psw[8];
	cpu_get_psw(env->c, psw);
	return psw[1] >> 4;
}

/* Is [real, real + len) inside the virtual machine's storage? */
static bool in_storage(const struct diag_env *env, uint32_t real, uint32_t len)
{
	uint32_t size = machine_storage_size(env->m);
	return real <= size && len <= size - real;
}

/* Copy between buf and the guest's real storage [real, real + len), page by page through
 * prefixing. False (nothing or part copied) when the range is not all inside storage. */
static bool guest_copy(const struct diag_env *env, uint32_t real, void *buf, uint32_t len, bool store)
{
	if (!in_storage(env, real, len))
		return false;
	uint8_t *p = buf;
	while (len) {
		uint32_t n = PAGE - (real & (PAGE - 1));
		if (n > len)
			n = len;
		uint32_t abs = cpu_real_to_absolute(env->c, real);
		if (!(store ? machine_load(env->m, abs, p, n) : machine_dump(env->m, abs, p, n)))
			return false;
		real += n;
		p += n;
		len -= n;
	}
	return true;
}

static bool guest_read(const struct diag_env *env, uint32_t real, void *buf, uint32_t len)
{
	return guest_copy(env, real, buf, len, false);
}

static bool guest_write(const struct diag_env *env, uint32_t real, const void *buf, uint32_t len)
{
	return guest_copy(env, real, (void *)buf, len, true);
}

/* ---- The dispatcher ---- */

enum diag_result diag_execute(const struct diag_env *env, const struct machine_diagnose *dg)
{
	uint32_t code = dg->code & 0xFFFF;
	const struct diag_row *row = code & 3 ? NULL : find_row(code);
	if (!row)
		return exception(env, PIC_SPECIFICATION);
	if (!class_allowed(row->classes, env->classes))
		return exception(env, PIC_PRIVILEGED);
	if (!row->fn)
		return DIAG_UNSUPPORTED;
	return row->fn(env, dg->r1 & 15, dg->r3 & 15);
}

#define HANDLER(h) static enum diag_result diag_##h(const struct diag_env *env, int rx, int ry)

/* ---- X'00' Store extended-identification code ---- */

/* Rx: doubleword-aligned address; Ry: bytes wanted (at most one level, 32, are stored: CP does not
 * run under another VM/370). The manual speaks of 24 bytes per level but its fields take 32; the
 * last 8, the program-product bit map, are zero (no program products). No CC. */
HANDLER(storeid)
{
	uint32_t addr = gpr(env, rx) & AMASK;
	uint32_t n = gpr(env, ry);
	if (addr & 7)
		return exception(env, PIC_SPECIFICATION);
	uint8_t id[ID_LEN] = {0};
	char name[9], user[9];
	snprintf(name, sizeof name, "%-8s", ID_SYSTEM);
	snprintf(user, sizeof user, "%-8.8s", env->userid ? env->userid : "");
	for (char *p = user; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	ascii_to_ebcdic_buf(id, name, 8);
	id[8] = ID_VERSION;
	id[9] = ID_LEVEL;
	id[10] = ID_PLC;
	id[11] = ID_VERSION_CODE;
	/* 12-13 MCEL length and 14-15 processor address: 0. */
	ascii_to_ebcdic_buf(id + 16, user, 8);
	if (n > ID_LEN)
		n = ID_LEN;
	if (!guest_write(env, addr, id, n))
		return exception(env, PIC_ADDRESSING);
	return DIAG_DONE;
}

/* ---- X'08' Virtual console function ---- */

struct response {
	uint8_t buf[RESPONSE_MAX];
	uint32_t cap;  /* the guest's buffer length, Ry+1 */
	uint32_t used; /* bytes of whole lines stored */
	uint32_t lost; /* bytes of lines that did not fit */
};

/* One response line: stored with its X'15' if it fits after the lines before it; once one line
 * does not fit, no later line is stored (only whole lines, in order). */
static void response_line(void *arg, const char *line, size_t len)
{
	struct response *r = arg;
	if (r->lost == 0 && len + 1 <= r->cap - r->used) {
		ascii_to_ebcdic_buf(r->buf + r->used, line, len);
		r->used += (uint32_t)len;
		r->buf[r->used++] = EBCDIC_NL;
		return;
	}
	uint64_t lost = (uint64_t)r->lost + len + 1;
	r->lost = lost > UINT32_MAX ? UINT32_MAX : (uint32_t)lost;
}

/*
 * Rx: the command text (EBCDIC; commands separated by X'15'); Ry: flags (byte 0) and length
 * (bytes 1-3, 1-132). Ry = 0: no operation, the virtual machine goes to CP mode (DIAG_STOP).
 * Flag X'40': the response goes to the buffer at Rx+1 of Ry+1 bytes (at most 8192); Rx and Ry may
 * then not be consecutive, nor the same, nor 15. Flag X'80' (reject a password on LINK) is
 * accepted and not acted on: CP does not suppress passwords.
 * On return Ry is the return code: the last command's (0, or its message number). With a buffer:
 * CC 0 and Ry+1 the response length, or CC 1 and Ry+1 the bytes that did not fit; without one the
 * CC is unchanged. Empty commands (two X'15' together) are skipped.
 */
HANDLER(console)
{
	uint32_t vy = gpr(env, ry);
	if (vy == 0)
		return DIAG_STOP;
	uint32_t len = vy & AMASK;
	bool buffered = (vy >> 24) & 0x40;
	if (len == 0 || len > CMD_MAX)
		return exception(env, PIC_SPECIFICATION);
	struct response r = {.cap = 0}, *resp = NULL;
	uint32_t baddr = 0;
	if (buffered) {
		if (rx == 15 || ry == 15 || rx == ry || rx + 1 == ry || ry + 1 == rx)
			return exception(env, PIC_SPECIFICATION);
		baddr = gpr(env, rx + 1) & AMASK;
		r.cap = gpr(env, ry + 1);
		r.used = r.lost = 0;
		if (r.cap > RESPONSE_MAX)
			return exception(env, PIC_SPECIFICATION);
		if (!in_storage(env, baddr, r.cap))
			return exception(env, PIC_ADDRESSING);
		resp = &r;
	}
	uint8_t text[CMD_MAX];
	if (!guest_read(env, gpr(env, rx) & AMASK, text, len))
		return exception(env, PIC_ADDRESSING);

	enum diag_result result = DIAG_DONE;
	int rc = 0;
	for (uint32_t start = 0; start < len;) {
		uint32_t end = start;
		while (end < len && text[end] != EBCDIC_NL)
			end++;
		if (end > start) {
			char line[CMD_MAX + 1];
			ebcdic_to_ascii_buf(line, text + start, end - start);
			line[end - start] = '\0';
			int c = env->cp_command ? env->cp_command(env->ctx, line, buffered ? response_line : NULL,
								   resp)
						: 1;
			if (c == DIAG_CMD_LOGOFF || c == DIAG_CMD_CPMODE) {
				result = c == DIAG_CMD_LOGOFF ? DIAG_LOGOFF : DIAG_STOP;
				rc = 0;
				break;
			}
			rc = c < 0 ? 1 : c;
		}
		start = end + 1;
	}
	if (buffered) {
		if (!guest_write(env, baddr, r.buf, r.used))
			return exception(env, PIC_ADDRESSING); /* checked above: cannot happen */
		set_gpr(env, ry + 1, r.lost ? r.lost : r.used);
		cpu_set_cc(env->c, r.lost ? 1 : 0);
	}
	set_gpr(env, ry, (uint32_t)rc);
	return result;
}

/* ---- X'0C' Pseudo timer ---- */

/* Rx: doubleword-aligned address of 32 bytes: MM/DD/YY, HH:MM:SS (EBCDIC), virtual and total CPU
 * time in microseconds (unsigned doublewords). No CC. */
HANDLER(timer)
{
	(void)ry;
	uint32_t addr = gpr(env, rx) & AMASK;
	if (addr & 7)
		return exception(env, PIC_SPECIFICATION);
	time_t t = env->now ? env->now : time(NULL);
	struct tm tm;
	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	char s[64];
	snprintf(s, sizeof s, "%02d/%02d/%02d%02d:%02d:%02d", (tm.tm_mon + 1) % 100, tm.tm_mday % 100,
		 tm.tm_year % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100);
	uint8_t area[32];
	ascii_to_ebcdic_buf(area, s, 16);
	put_be64(area + 16, env->virt_cpu_us);
	put_be64(area + 24, env->total_cpu_us);
	if (!guest_write(env, addr, area, sizeof area))
		return exception(env, PIC_ADDRESSING);
	return DIAG_DONE;
}

/* ---- X'10' Release pages ---- */

/* Rx: first page, Ry: last page (4K boundaries, first <= last, inside storage). A released page
 * reads back as zeros: CP zeroes it (storage keys are left as they are). No CC. */
HANDLER(release)
{
	static const uint8_t zeros[PAGE];
	uint32_t first = gpr(env, rx) & AMASK, last = gpr(env, ry) & AMASK;
	if ((first | last) & (PAGE - 1) || first > last)
		return exception(env, PIC_SPECIFICATION);
	uint32_t size = machine_storage_size(env->m);
	if (last >= size)
		return exception(env, PIC_ADDRESSING);
	for (uint32_t p = first;; p += PAGE) {
		uint32_t n = size - p < PAGE ? size - p : PAGE;
		if (!guest_write(env, p, zeros, n))
			return exception(env, PIC_ADDRESSING);
		if (p == last)
			break;
	}
	return DIAG_DONE;
}

/* ---- X'18' Standard DASD I/O ---- */

enum {
	DGD_SEEK = 0x07,
	DGD_SEEK_HEAD = 0x1B,
	DGD_SET_SECTOR = 0x23,
	DGD_SEARCH_ID = 0x31,
	DGD_TIC = 0x08,
	DGD_READ = 0x06,
	DGD_WRITE = 0x05,
};

/* The disks X'18' serves in R6: 2314, 2319, 3330, 3340, 3350. "CKD" is what machine/ names every
 * CKD disk today (machine_device_type() does not give the model yet): taken as one of them. */
static bool dgd_device(const char *type)
{
	static const char *const ok[] = {"2314", "2319", "3330", "3330-11", "3340", "3340-35", "3340-70",
					 "3350", "CKD"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (!strcmp(type, ok[i]))
			return true;
	return false;
}

/* The CSW a failed X'18' returns: at the virtual machine's X'40', as the channel would store it. */
static void store_csw(const struct diag_env *env, const struct machine_ipl_csw *csw)
{
	uint8_t b[8];
	put_be32(b, (uint32_t)psw_key(env) << 28 | (csw->ccw & AMASK));
	b[4] = csw->unit;
	b[5] = csw->chan;
	put_be16(b + 6, csw->count);
	(void)guest_write(env, 0x40, b, sizeof b);
}

/*
 * Rx: virtual device address; Ry: address of the CCW chain (CMS's shape: SEEK, then per record
 * [SET SECTOR] SEARCH ID EQUAL, TIC *-8, READ or WRITE, with SEEK HEAD where the head changes);
 * R15: the number of reads and writes. CP checks the chain first (return codes in R15, CC 1 or 2,
 * table in vm370-diagnose.md 2.2), then runs it synchronously: CC 0, or CC 3 with R15 13 and the
 * CSW at X'40' after an I/O error (the device keeps its sense for a SENSE). The device relocates
 * the cylinder by the minidisk's start and refuses one outside it with seek check: that is CC 1,
 * R15 4, before any data moved (every seek of a chain names one cylinder). A chain that is not of
 * the shape (an opcode not in it, a TIC not to the search before it, no SEEK first, no READ or
 * WRITE last) is CC 2, R15 7: the manual has no code of its own for it.
 */
HANDLER(dasd)
{
	uint16_t vaddr = gpr(env, rx) & 0xFFFF;
	uint32_t chain = gpr(env, ry) & AMASK;
	uint32_t want = gpr(env, 15);
	const char *type = machine_device_type(env->m, vaddr);
	if (!type)
		return cc_r15(env, 1, 1);
	if (!dgd_device(type))
		return cc_r15(env, 1, 2);
	if (chain & 7)
		return cc_r15(env, 2, 5);
	if (want < 1 || want > DGD_MAX_RW)
		return cc_r15(env, 2, 11);

	unsigned nrw = 0;
	bool writes = false, ended = false;
	uint32_t cyl = 0, at = chain, prev = 0;
	uint8_t last_op = 0;
	for (unsigned i = 0; !ended; i++) {
		if (i >= DGD_MAX_CCWS)
			return cc_r15(env, 2, 11);
		uint8_t w[8];
		if (!guest_read(env, at, w, sizeof w))
			return exception(env, PIC_ADDRESSING);
		uint8_t op = w[0];
		uint32_t data = be32(w) & AMASK;
		bool chained = w[4] & CCW_CC;
		uint16_t count = be16(w + 6);
		if (i == 0 && op != DGD_SEEK)
			return cc_r15(env, 2, 7);
		switch (op) {
		case DGD_SEEK:
		case DGD_SEEK_HEAD: {
			uint8_t arg[6];
			if (!guest_read(env, data, arg, sizeof arg))
				return cc_r15(env, 2, 6);
			if (i == 0)
				cyl = be16(arg + 2);
			else if (be16(arg + 2) != cyl)
				return cc_r15(env, 2, 12);
			break;
		}
		case DGD_SET_SECTOR:
			if (!in_storage(env, data, 1))
				return cc_r15(env, 2, 6);
			break;
		case DGD_SEARCH_ID:
			if (!in_storage(env, data, 5))
				return cc_r15(env, 2, 6);
			break;
		case DGD_TIC:
			if (data != prev || last_op != DGD_SEARCH_ID)
				return cc_r15(env, 2, 7);
			chained = true; /* the search skips it and goes on to the next CCW */
			break;
		case DGD_READ:
		case DGD_WRITE:
			if (count == 0)
				return cc_r15(env, 2, 8);
			if (count > DGD_MAX_COUNT)
				return cc_r15(env, 2, 9);
			if (!in_storage(env, data, count))
				return cc_r15(env, 2, 10);
			if (++nrw > want)
				return cc_r15(env, 2, 11);
			writes |= op == DGD_WRITE;
			break;
		default:
			return cc_r15(env, 2, 7);
		}
		last_op = op;
		prev = at;
		at += 8;
		ended = !chained;
	}
	if (last_op != DGD_READ && last_op != DGD_WRITE)
		return cc_r15(env, 2, 7);
	if (writes && env->readonly && env->readonly(env->ctx, vaddr))
		return cc_r15(env, 1, 3);

	struct machine_ipl_csw csw;
	enum machine_io_status st =
		machine_io_sync(env->m, vaddr, cpu_real_to_absolute(env->c, chain), psw_key(env), &csw);
	switch (st) {
	case MACHINE_IO_OK:
		cpu_set_cc(env->c, 0);
		return DIAG_DONE;
	case MACHINE_IO_NOT_OPERATIONAL:
		return cc_r15(env, 1, 1);
	case MACHINE_IO_BUSY:
		return cc_r15(env, 1, 5);
	case MACHINE_IO_STATUS:
	case MACHINE_IO_NO_END:
		break;
	}
	if ((csw.unit & UNIT_UC) && csw.sense_len >= 2) {
		if (csw.sense[0] & 0x01) /* seek check: a cylinder outside the minidisk */
			return cc_r15(env, 1, 4);
		uint8_t w[8];
		bool wrote = csw.ccw >= 8 && guest_read(env, csw.ccw - 8, w, sizeof w) && w[0] == DGD_WRITE;
		/* command reject, file protected or write inhibited: a read-only disk */
		if (wrote && (csw.sense[0] & 0x80) && (csw.sense[1] & 0x06))
			return cc_r15(env, 1, 3);
	}
	store_csw(env, &csw);
	return cc_r15(env, 3, 13);
}

/* ---- X'20' General I/O ---- */

/*
 * Rx: virtual device address; Ry: address of any CCW chain (R6: the whole register; VM/SP's key
 * in byte 0 is not looked at, the PSW key is used). Run synchronously, no interruption: CC 0; CC 1
 * R15 1 (no such device) or 5 (busy or status pending); CC 2 R15 2 (unit exception) or 3 (wrong
 * length); CC 3 R15 13 (unit check, with sense bytes 0 and 1 in Ry bytes 2-3; also any other
 * channel error, with zeros there).
 */
HANDLER(genio)
{
	uint16_t vaddr = gpr(env, rx) & 0xFFFF;
	uint32_t chain = gpr(env, ry) & AMASK;
	struct machine_ipl_csw csw;
	enum machine_io_status st =
		machine_io_sync(env->m, vaddr, cpu_real_to_absolute(env->c, chain), psw_key(env), &csw);
	switch (st) {
	case MACHINE_IO_OK:
		cpu_set_cc(env->c, 0);
		return DIAG_DONE;
	case MACHINE_IO_NOT_OPERATIONAL:
		return cc_r15(env, 1, 1);
	case MACHINE_IO_BUSY:
		return cc_r15(env, 1, 5);
	case MACHINE_IO_STATUS:
	case MACHINE_IO_NO_END:
		break;
	}
	if (!(csw.unit & UNIT_UC) && st == MACHINE_IO_STATUS) {
		if (csw.unit & UNIT_UX)
			return cc_r15(env, 2, 2);
		if ((csw.chan & ~CHAN_PCI) == CHAN_IL)
			return cc_r15(env, 2, 3);
	}
	uint32_t sense = csw.unit & UNIT_UC ? (uint32_t)csw.sense[0] << 8 | csw.sense[1] : 0;
	set_gpr(env, ry, (gpr(env, ry) & 0xFFFF0000u) | sense);
	return cc_r15(env, 3, 13);
}

/* ---- X'14' Input spool file manipulation ---- */

/*
 * DMKDRD's interface (GC20-1807-7). Ry (even, else specification exception) is the virtual
 * reader's address - for subcode X'0FFF' a spoolid - and the low halfword of Ry+1 the subcode.
 * CC 0 done, 1 end of file (or no more files), 2 no such file, 3 with a code in Ry+1: 4 no
 * device at the address, 8 not a spooled reader, 12 the reader is not ready (or there is no
 * spool), 16 the spool failed on the host (VM/370's paging I/O error).
 *
 * The reader's active file (cp/vspool.h) is read a page at a time. Cambridge's page follows
 * SPLINK: a 16-byte header, then the records, each a CCW (its channel command byte, the
 * displacement of its data in the page, flags X'20' SLI, the count) followed by its data, on
 * doubleword boundaries; the last 48 bytes are left zero (SPLINK's end area), so a record's data
 * is at most 4024 bytes (longer ones are cut). Where VM/370 keeps DASD addresses the header has
 * record numbers:
 *
 *	+0  SPNXTPAG  the number (from 1) of the next page's first record; 0 on the last page
 *	+4  SPPREPAG  the number of this page's first record; 0 on the file's first page
 *	+8  SPRMISC   the spoolid
 *	+12 SPRECNUM  records in this page
 *
 * The SFBLOK (X'04', X'08', X'0FFF') is R6's 13 doublewords (Data Areas and Control Block Logic):
 * owner, origin, record count, record size, spoolid, flags (X'20' user hold, X'04' system hold,
 * X'08' open), type (the VDEVTYPE of the device that made it), name and type (CL12 each), date
 * MM/DD/YY and time HH:MM:SS, copies, class, distribution code, all EBCDIC; chain and DASD
 * fields zero. X'0FFF' gives the SFBLOK, then the first record as a CCW and up to 140 data
 * bytes: 252 bytes. There are no monitor files: X'1C' and X'20' give CC 2.
 */
#define SPLINK_HEAD 16
#define SPLINK_END 48
#define SPLINK_DATA_MAX (PAGE - SPLINK_HEAD - SPLINK_END - 8)
#define SFBLOK_LEN 104
#define SFDESC_LEN 252
#define DRD_BAD_ADDRESS 4
#define DRD_BAD_TYPE 8
#define DRD_NOT_READY 12
#define DRD_IO_ERROR 16

static void ebcdic_field(uint8_t *out, const char *s, size_t len)
{
	char tmp[16];
	snprintf(tmp, sizeof tmp, "%-*.*s", (int)len, (int)len, s ? s : "");
	ascii_to_ebcdic_buf(out, tmp, len);
}

static void sfblok(uint8_t *b, const struct spool_file_info *f)
{
	memset(b, 0, SFBLOK_LEN);
	ebcdic_field(b + 0x08, f->owner, 8);
	ebcdic_field(b + 0x10, f->origin, 8);
	put_be32(b + 0x18, f->records);
	put_be16(b + 0x1C, f->devtype == SPOOL_DEV_PUN ? 80 : 132);
	put_be16(b + 0x1E, (uint16_t)f->id);
	b[0x20] = (uint8_t)((f->hold == SPOOL_HOLD_USER || f->hold == SPOOL_HOLD_USYS ? 0x20 : 0) |
			    (f->hold == SPOOL_HOLD_SYS || f->hold == SPOOL_HOLD_USYS ? 0x04 : 0) |
			    (f->open ? 0x08 : 0));
	b[0x21] = f->devtype == SPOOL_DEV_PUN ? 0x82 : 0x41; /* 2540P, 1403 */
	ebcdic_field(b + 0x28, f->name, 12);
	ebcdic_field(b + 0x34, f->type, 12);
	struct tm tm;
	time_t t = f->created;
	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	char when[40];
	snprintf(when, sizeof when, "%02u/%02u/%02u%02u:%02u:%02u", (unsigned)(tm.tm_mon + 1) % 100,
		 (unsigned)tm.tm_mday % 100, (unsigned)tm.tm_year % 100, (unsigned)tm.tm_hour % 100,
		 (unsigned)tm.tm_min % 100, (unsigned)tm.tm_sec % 100);
	ascii_to_ebcdic_buf(b + 0x40, when, 16);
	put_be16(b + 0x54, (uint16_t)f->copies);
	char cls[2] = {f->class, '\0'};
	ascii_to_ebcdic_buf(b + 0x56, cls, 1);
	ebcdic_field(b + 0x58, f->dist, 8);
}

static enum diag_result drd_cc3(const struct diag_env *env, int ry, uint32_t code)
{
	set_gpr(env, ry + 1, code);
	cpu_set_cc(env->c, 3);
	return DIAG_DONE;
}

static enum diag_result drd_cc(const struct diag_env *env, unsigned cc)
{
	cpu_set_cc(env->c, cc);
	return DIAG_DONE;
}

/* One record in page at *off: false when it does not fit. */
static bool page_record(uint8_t *page, uint32_t *off, uint8_t ccw, const uint8_t *data, size_t len)
{
	uint32_t need = 8 + (((uint32_t)len + 7) & ~7u);
	if (*off + need > PAGE - SPLINK_END)
		return false;
	uint8_t *c = page + *off;
	c[0] = ccw;
	c[1] = (uint8_t)((*off + 8) >> 16);
	put_be16(c + 2, (uint16_t)(*off + 8));
	c[4] = 0x20;
	c[5] = 0;
	put_be16(c + 6, (uint16_t)len);
	memcpy(c + 8, data, len);
	*off += need;
	return true;
}

/*
 * X'00', X'14', X'18': the next page of the reader's active file into the page at addr. At the
 * end of the file: vspool_reader_end() (CONT goes on with the next copy or file), else CC 1.
 */
static enum diag_result drd_page(const struct diag_env *env, int ry, struct chan_dev *d,
				 uint32_t addr)
{
	uint8_t data[SPLINK_DATA_MAX]; /* not static: every virtual machine's task may be here */
	uint8_t page[PAGE];
	struct spool_reader *r;
	enum spool_status st = vspool_reader_active(d, true, &r);
	if (st == SPOOL_ERR_NOT_FOUND)
		return drd_cc(env, 2);
	if (st != SPOOL_OK)
		return drd_cc3(env, ry, DRD_IO_ERROR);
	for (;;) {
		memset(page, 0, sizeof page);
		uint32_t off = SPLINK_HEAD, first = spool_reader_position(r), n = 0;
		bool more = true;
		for (;;) {
			uint32_t pos = spool_reader_position(r);
			uint8_t ccw;
			size_t len;
			st = spool_reader_next(r, &ccw, data, sizeof data, &len);
			if (st == SPOOL_ERR_EOF) {
				more = false;
				break;
			}
			if (st != SPOOL_OK)
				return drd_cc3(env, ry, DRD_IO_ERROR);
			if (len > sizeof data)
				len = sizeof data;
			if (!page_record(page, &off, ccw, data, len)) {
				if (spool_reader_seek(r, pos) != SPOOL_OK)
					return drd_cc3(env, ry, DRD_IO_ERROR);
				break;
			}
			n++;
		}
		if (n == 0 && !more) {
			if (!vspool_reader_end(d))
				return drd_cc(env, 1);
			if (vspool_reader_active(d, false, &r) != SPOOL_OK)
				return drd_cc(env, 1);
			continue;
		}
		struct spool_file_info info;
		spool_reader_info(r, &info);
		put_be32(page + 0, more ? first + n + 1 : 0);
		put_be32(page + 4, first ? first + 1 : 0);
		put_be32(page + 8, info.id);
		put_be32(page + 12, n);
		if (!guest_write(env, addr, page, PAGE))
			return exception(env, PIC_ADDRESSING);
		return drd_cc(env, 0);
	}
}

/* X'0FFF': the descriptor of the caller's reader file after spoolid id (0: the first). */
static enum diag_result drd_descriptor(const struct diag_env *env, int ry, uint32_t addr, uint32_t id)
{
	if (!env->spool || !env->userid)
		return drd_cc3(env, ry, DRD_NOT_READY);
	if (!in_storage(env, addr, SFDESC_LEN))
		return exception(env, PIC_ADDRESSING);
	struct spool_actor a = {.userid = env->userid};
	struct spool_file_info *f;
	size_t n;
	if (spool_list(env->spool, &a, SPOOL_Q_READER, env->userid, NULL, 0, &f, &n) != SPOOL_OK)
		return drd_cc3(env, ry, DRD_IO_ERROR);
	size_t k = 0;
	if (id) {
		while (k < n && f[k].id != id)
			k++;
		if (k == n) {
			free(f);
			return drd_cc(env, 2);
		}
		k++;
	}
	if (k >= n) {
		free(f);
		return drd_cc(env, 1);
	}
	uint8_t b[SFDESC_LEN] = {0};
	sfblok(b, &f[k]);
	struct spool_reader *r;
	if (spool_reader_open_id(env->spool, &a, f[k].id, &r) == SPOOL_OK) {
		uint8_t ccw, data[SFDESC_LEN - SFBLOK_LEN - 8];
		size_t len;
		if (spool_reader_next(r, &ccw, data, sizeof data, &len) == SPOOL_OK) {
			uint8_t *c = b + SFBLOK_LEN;
			c[0] = ccw;
			c[4] = 0x20;
			put_be16(c + 6, (uint16_t)len);
			memcpy(c + 8, data, len < sizeof data ? len : sizeof data);
		}
		spool_reader_close(r, SPOOL_READER_KEEP);
	}
	free(f);
	if (!guest_write(env, addr, b, sizeof b))
		return exception(env, PIC_ADDRESSING);
	return drd_cc(env, 0);
}

HANDLER(spool)
{
	if (ry & 1)
		return exception(env, PIC_SPECIFICATION);
	uint32_t addr = gpr(env, rx) & AMASK, sub = gpr(env, ry + 1) & 0xFFFF;
	if (sub == 0x0FFF)
		return drd_descriptor(env, ry, addr, gpr(env, ry));
	if (sub > 0x20 || (sub & 3))
		return exception(env, PIC_SPECIFICATION);
	uint32_t vaddr = gpr(env, ry);
	if (vaddr > 0xFFF || !machine_device_type(env->m, (uint16_t)vaddr))
		return drd_cc3(env, ry, DRD_BAD_ADDRESS);
	struct chan_dev *d = vspool_find_reader(env->m, (uint16_t)vaddr);
	if (!d)
		return drd_cc3(env, ry, DRD_BAD_TYPE);
	if (!vspool_ready(d))
		return drd_cc3(env, ry, DRD_NOT_READY);
	bool page = sub == 0x00 || sub == 0x14 || sub == 0x18;
	if (page && (addr & (PAGE - 1)))
		return exception(env, PIC_SPECIFICATION);
	if (page && !in_storage(env, addr, PAGE))
		return exception(env, PIC_ADDRESSING);
	struct spool_reader *r;
	switch (sub) {
	case 0x00:
		return drd_page(env, ry, d, addr);
	case 0x04:
	case 0x08: {
		if ((addr & (PAGE - 1)) + SFBLOK_LEN > PAGE)
			return exception(env, PIC_SPECIFICATION);
		if (!in_storage(env, addr, SFBLOK_LEN))
			return exception(env, PIC_ADDRESSING);
		struct spool_file_info info;
		enum spool_status st = vspool_reader_next_file(d, sub == 0x08, &info);
		if (st == SPOOL_ERR_NOT_FOUND)
			return drd_cc(env, 2);
		if (st == SPOOL_ERR_EOF)
			return drd_cc(env, 1);
		if (st != SPOOL_OK)
			return drd_cc3(env, ry, DRD_IO_ERROR);
		uint8_t b[SFBLOK_LEN];
		sfblok(b, &info);
		(void)guest_write(env, addr, b, sizeof b);
		return drd_cc(env, 0);
	}
	case 0x0C: {
		enum spool_status st = vspool_reader_select(d, gpr(env, rx));
		if (st == SPOOL_ERR_NOT_FOUND)
			return drd_cc(env, 2);
		return st == SPOOL_OK ? drd_cc(env, 0) : drd_cc3(env, ry, DRD_IO_ERROR);
	}
	case 0x10: {
		int32_t count = (int32_t)gpr(env, rx);
		if (count <= 0)
			return exception(env, PIC_SPECIFICATION);
		return drd_cc(env, vspool_reader_repeat(d, (unsigned)count % 256) ? 0 : 2);
	}
	case 0x14:
	case 0x18: {
		if (vspool_reader_active(d, false, &r) != SPOOL_OK)
			return drd_cc(env, 2);
		uint32_t pos = spool_reader_position(r);
		uint32_t to = sub == 0x14 || pos == 0 ? 0 : pos - 1;
		if (spool_reader_seek(r, to) != SPOOL_OK)
			return drd_cc3(env, ry, DRD_IO_ERROR);
		return drd_page(env, ry, d, addr);
	}
	default: /* X'1C', X'20': monitor files, of which there are none */
		return drd_cc(env, 2);
	}
}

/* ---- X'24' Device type and features ---- */

/* VM/370's device codes (RDEVBLOK/VDEVBLOK; vm370-diagnose.md 3). Console: on a typewriter line
 * (the 3215 model), the last byte of Ry+1 is the line length. Readers, punches and printers are
 * spooled. VDEVSTAT and VDEVFLAG of the tape are what a real R6 system showed for a 3420. The
 * 3505, 3525 and 3211 type codes are from VM/370's equates as the reference does not list them
 * (to confirm); RDEVMDL is 0 where the model is not known. "CKD" and "FBA" are what machine/
 * names every disk today (machine_device_type() does not give the model yet): class only. */
static const struct {
	const char *name;
	struct diag_devcode code;
} devcodes[] = {
	{"3215", {0x80, 0x00, 0x00, 0x00, 0x00, 0x00, false}},
	{"2540R", {0x20, 0x82, 0x00, 0x00, 0x00, 0x00, true}},
	{"3505", {0x20, 0x84, 0x00, 0x00, 0x00, 0x00, true}},
	{"2540P", {0x10, 0x82, 0x00, 0x00, 0x00, 0x00, true}},
	{"3525", {0x10, 0x84, 0x00, 0x00, 0x00, 0x00, true}},
	{"1403", {0x10, 0x41, 0x00, 0x00, 0x00, 0x00, true}},
	{"3211", {0x10, 0x42, 0x00, 0x00, 0x00, 0x00, true}},
	{"3420", {0x08, 0x10, 0x08, 0x02, 0x03, 0x02, false}},
	{"2311", {0x04, 0x80, 0x00, 0x00, 0x00, 0x00, false}},
	{"2314", {0x04, 0x40, 0x00, 0x00, 0x00, 0x00, false}},
	{"2319", {0x04, 0x40, 0x00, 0x00, 0x00, 0x00, false}},
	{"3330", {0x04, 0x10, 0x00, 0x00, 0x00, 0x00, false}},
	{"3330-11", {0x04, 0x10, 0x00, 0x00, 0x00, 0x00, false}},
	{"3340-35", {0x04, 0x01, 0x00, 0x00, 0x00, 0x00, false}},
	{"3340-70", {0x04, 0x01, 0x00, 0x00, 0x00, 0x00, false}},
	{"3350", {0x04, 0x08, 0x00, 0x00, 0x00, 0x00, false}},
	{"3375", {0x04, 0x04, 0x00, 0x00, 0x00, 0x00, false}},
	{"3380", {0x04, 0x20, 0x00, 0x00, 0x00, 0x00, false}},
	{"2305", {0x04, 0x02, 0x00, 0x00, 0x00, 0x00, false}},
	{"CKD", {0x04, 0x00, 0x00, 0x00, 0x00, 0x00, false}},
	{"3310", {0x01, 0x01, 0x00, 0x00, 0x00, 0x00, false}},
	{"3370", {0x01, 0x02, 0x00, 0x00, 0x00, 0x00, false}},
	{"3370-2", {0x01, 0x02, 0x00, 0x00, 0x00, 0x00, false}},
	{"FBA", {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, false}},
};

bool diag_device_code(const char *devtype, struct diag_devcode *out)
{
	for (size_t i = 0; devtype && i < sizeof devcodes / sizeof devcodes[0]; i++)
		if (!strcmp(devtype, devcodes[i].name)) {
			*out = devcodes[i].code;
			return true;
		}
	return false;
}

#define VDEVRDO 0x80 /* VDEVFLAG: read-only disk */

/*
 * Rx: virtual device address, or -1 for the virtual console (Rx then gets its address). CC 0: Ry
 * = VDEVTYPC VDEVTYPE VDEVSTAT VDEVFLAG, Ry+1 = RDEVTYPC RDEVTYPE RDEVMDL RDEVFTR (the console:
 * line length for RDEVFTR). CC 2: a spooled device, Ry only. CC 3: no such device (or a type CP
 * has no code for), registers unchanged.
 */
HANDLER(devtype)
{
	uint32_t vx = gpr(env, rx);
	uint16_t vaddr;
	if (vx == 0xFFFFFFFFu) {
		if (!env->has_console) {
			cpu_set_cc(env->c, 3);
			return DIAG_DONE;
		}
		vaddr = env->console;
		set_gpr(env, rx, vaddr);
	} else if (vx > 0xFFF) {
		cpu_set_cc(env->c, 3);
		return DIAG_DONE;
	} else {
		vaddr = (uint16_t)vx;
	}
	struct diag_devcode dc;
	if (!diag_device_code(machine_device_type(env->m, vaddr), &dc)) {
		cpu_set_cc(env->c, 3);
		return DIAG_DONE;
	}
	uint8_t vflag = dc.vflag;
	if ((dc.cls == 0x04 || dc.cls == 0x01) && env->readonly && env->readonly(env->ctx, vaddr))
		vflag |= VDEVRDO;
	set_gpr(env, ry, (uint32_t)dc.cls << 24 | (uint32_t)dc.type << 16 | (uint32_t)dc.vstat << 8 | vflag);
	if (dc.spooled) {
		cpu_set_cc(env->c, 2);
		return DIAG_DONE;
	}
	uint8_t last = dc.feature;
	if (env->has_console && vaddr == env->console) {
		last = env->console_linelen ? env->console_linelen : 130;
		if (env->console_model) {
			/* On a 3270 the real device is the display: class graphics, type X'01',
			 * the model, the line length (vm370-diagnose.md 3.3: the values emx370
			 * returns and real CMS accepts; R6's own to confirm), and VDEVSTAT X'A0',
			 * VDEVFLAG X'10' in Ry. */
			set_gpr(env, ry, (uint32_t)dc.cls << 24 | (uint32_t)dc.type << 16 | 0xA010u);
			dc = (struct diag_devcode){.cls = 0x40, .type = 0x01, .model = env->console_model};
		}
	}
	set_gpr(env, ry + 1, (uint32_t)dc.cls << 24 | (uint32_t)dc.type << 16 | (uint32_t)dc.model << 8 | last);
	cpu_set_cc(env->c, 0);
	return DIAG_DONE;
}

/* ---- X'58' 3270 virtual console interface ---- */

enum {
	D58_TIC = 0x08,
	D58_DISPLAY = 0x19,	/* R6: lines into the output area */
	D58_WRITE = 0x29,	/* VM/SP and the CE: full-screen write */
	D58_READ = 0x2A,	/* full-screen read */
};
#define D58_DISPLAY_MAX 1760u	/* R6: 22 lines of 80 */
#define D58_FS_MAX 65503u	/* VM/SP's largest full-screen count */
#define D58_CCWS_MAX 256u	/* a longer chain (a TIC loop, say) is a program check */
#define D58_STATUS_SWITCHED 0x8E /* VM/SP: CP had the screen (attention, CE, DE, unit check) */

/* Can the channel, with the PSW key, fetch (store: store into) [real, real + len)? Key 0 may do
 * anything; another key may store only into blocks of its key and fetch from those or from blocks
 * that are not fetch-protected. The range is inside storage (checked before). */
static bool key_allows(const struct diag_env *env, uint32_t real, uint32_t len, bool store)
{
	uint8_t key = psw_key(env);
	if (key == 0 || len == 0)
		return true;
	uint32_t end = real + len - 1;
	for (uint32_t b = real & ~0x7FFu;; b += 0x800u) {
		uint8_t sk = machine_storage_key(env->m, cpu_real_to_absolute(env->c, b));
		if ((sk >> 4) != key && (store || (sk & 0x08)))
			return false;
		if (b >= (end & ~0x7FFu))
			break;
	}
	return true;
}

/* The CSW of a X'58' chain, at the virtual machine's X'40' (CCW address: past the last CCW). */
static void d58_csw(const struct diag_env *env, uint32_t next, uint8_t unit, uint8_t chan, uint16_t count)
{
	uint8_t b[8];
	put_be32(b, (uint32_t)psw_key(env) << 28 | (next & AMASK));
	b[4] = unit;
	b[5] = chan;
	put_be16(b + 6, count);
	(void)guest_write(env, 0x40, b, sizeof b);
}

static enum diag_result d58_cc1(const struct diag_env *env, uint32_t next, uint8_t unit, uint8_t chan,
				uint16_t count)
{
	d58_csw(env, next, unit, chan, count);
	cpu_set_cc(env->c, 1);
	return DIAG_DONE;
}

/* One CCW of the chain, fetched and decoded. */
struct d58_ccw {
	uint32_t at;	/* its address */
	uint8_t cmd, flags, ctl;
	uint32_t data;
	uint16_t count;
};

/* Fetch the CCW at *at, following one TIC (not to another TIC). False: program check. */
static bool d58_fetch(const struct diag_env *env, uint32_t *at, struct d58_ccw *c)
{
	uint8_t w[8];
	for (int tic = 0; tic < 2; tic++) {
		if ((*at & 7) || !guest_read(env, *at, w, sizeof w))
			return false;
		if (w[0] != D58_TIC || tic)
			break;
		*at = be32(w) & AMASK;
	}
	if (w[0] == D58_TIC || (w[4] & (CCW_IDA | CCW_RESERVED)) || be16(w + 6) == 0)
		return false;
	*c = (struct d58_ccw){.at = *at, .cmd = w[0], .data = be32(w) & AMASK, .flags = w[4],
			      .ctl = w[5], .count = be16(w + 6)};
	return true;
}

/*
 * Rx: the address of a CCW (or chain); Ry: the virtual console's address (right-justified).
 *
 *   X'19' display (R6):   ctl = the first output line (bits 2-7), X'80' erase the output area
 *                         first, X'FF' (or VM/SP's X'FE') clear it and write nothing. Data chaining
 *                         joins pieces into one display of at most 1760 bytes, which must fit in
 *                         the output area from that line; command chaining starts another.
 *   X'29' write (VM/SP):  ctl X'80' Erase/Write, X'C0' Erase/Write Alternate, X'20' Write
 *                         Structured Field, else Write; the data starts with the WCC. X'10' with
 *                         EW or EWA gives the guest PA1, which otherwise returns to CP.
 *   X'2A' read:           ctl X'80' Read Modified, else Read Buffer; the record (AID, cursor,
 *                         fields) goes to the data address, data chaining scattering it.
 * The first X'29' or X'2A' makes the screen the program's (full screen) until PA1, or until a CP
 * command or message needs it. A read waits for the user's key when none is kept: the DIAGNOSE
 * waits (DIAG_WAIT) and runs again; when CCWs before the read in the chain were carried out, Rx is
 * set to the read's CCW first, so that they are not carried out twice.
 *
 * Checks, as the channel makes them: Rx not on a doubleword boundary is a specification
 * exception, outside storage an addressing exception. Then CC 3 when Ry is not the virtual console
 * or the console is not on a display (a line terminal). The chain is checked whole before anything
 * is done: an invalid command code (with a TIC to a TIC, a zero count, IDA or reserved flags, a CCW
 * outside storage or more than 256 of them) ends with CC 1 and a CSW at X'40' with channel program
 * check; data outside storage also with program check; data the PSW key may not fetch (write) or
 * store into (read) with protection check; a display that does not fit, or over 1760 bytes, with
 * unit check; a full-screen count over 65503 with program check. A disconnected user gets CC 1,
 * unit check (intervention required). CP having taken the screen back (PA1) since the program's
 * last full-screen CCW: CC 1, unit status X'8E', once. Otherwise CC 0; a chain with a read also
 * stores its CSW (channel end, device end, the residual count; incorrect length, CC 1, when the
 * record and the count differ without SLI).
 */
HANDLER(display)
{
	uint32_t first = gpr(env, rx) & AMASK;
	uint32_t dev = gpr(env, ry);
	if (first & 7)
		return exception(env, PIC_SPECIFICATION);
	if (!in_storage(env, first, 8))
		return exception(env, PIC_ADDRESSING);
	if (!env->has_console || dev != env->console) {
		cpu_set_cc(env->c, 3);
		return DIAG_DONE;
	}
	unsigned nrows = 0, cols = 0;
	enum diag_display st = env->display ? env->display->state(env->ctx, &nrows, &cols) : DIAG_DISPLAY_LINE;
	if (st == DIAG_DISPLAY_LINE || (st == DIAG_DISPLAY_3270 && (nrows < 3 || cols == 0))) {
		cpu_set_cc(env->c, 3);
		return DIAG_DONE;
	}
	if (st == DIAG_DISPLAY_NONE)
		return d58_cc1(env, first + 8, UNIT_CE | UNIT_DE | UNIT_UC, 0, 0);
	uint32_t area = (nrows - 2) * cols;	/* the output area: all but the input lines */

	/* Pass 1: check the whole chain. */
	uint32_t at = first;
	bool chained = true, in_data = false;
	uint8_t cmd = 0, ctl = 0;
	uint32_t total = 0;
	for (unsigned n = 0; chained; n++) {
		struct d58_ccw c;
		uint32_t here = at;
		if (n >= D58_CCWS_MAX || !d58_fetch(env, &at, &c))
			return d58_cc1(env, here + 8, 0, CHAN_PROG, 0);
		if (!in_data) {
			cmd = c.cmd;
			ctl = c.ctl;
			total = 0;
			if (cmd != D58_DISPLAY && cmd != D58_WRITE && cmd != D58_READ)
				return d58_cc1(env, c.at + 8, 0, CHAN_PROG, c.count);
		}
		bool clear = cmd == D58_DISPLAY && (ctl == 0xFF || ctl == 0xFE);
		if (!clear) {
			if (!in_storage(env, c.data, c.count))
				return d58_cc1(env, c.at + 8, 0, CHAN_PROG, c.count);
			if (!key_allows(env, c.data, c.count, cmd == D58_READ))
				return d58_cc1(env, c.at + 8, 0, CHAN_PROT, c.count);
		}
		total += c.count;
		in_data = c.flags & CCW_CD;
		chained = c.flags & (CCW_CD | CCW_CC);
		if (!in_data) {
			if (cmd == D58_DISPLAY && !clear &&
			    (total > D58_DISPLAY_MAX || (ctl & 0x3F) * cols + total > area))
				return d58_cc1(env, c.at + 8, UNIT_CE | UNIT_DE | UNIT_UC, 0, 0);
			if (cmd != D58_DISPLAY && total > D58_FS_MAX)
				return d58_cc1(env, c.at + 8, 0, CHAN_PROG, c.count);
		}
		at += 8;
	}

	/* Pass 2: carry it out, one display or full-screen operation per command chain link. */
	at = first;
	chained = true;
	bool read_done = false;
	uint8_t unit = UNIT_CE | UNIT_DE, chan = 0;
	uint16_t residual = 0;
	uint32_t next = first + 8;
	while (chained) {
		/* The CCWs of one operation (a data chain). */
		struct d58_ccw seg[D58_CCWS_MAX];
		size_t nseg = 0;
		uint32_t op_at = at;
		total = 0;
		do {
			(void)d58_fetch(env, &at, &seg[nseg]);	/* checked above */
			total += seg[nseg].count;
			at += 8;
		} while (seg[nseg++].flags & CCW_CD);
		chained = seg[nseg - 1].flags & CCW_CC;
		next = at;
		cmd = seg[0].cmd;
		ctl = seg[0].ctl;
		bool clear = cmd == D58_DISPLAY && (ctl == 0xFF || ctl == 0xFE);
		if (clear) {
			env->display->lines(env->ctx, 0, true, NULL, 0);
			continue;
		}
		size_t off = cmd == D58_WRITE ? 1 : 0;
		uint8_t *buf = malloc(total + off);
		if (!buf)
			return d58_cc1(env, next, UNIT_CE | UNIT_DE | UNIT_UC, 0, 0);
		if (cmd != D58_READ) {
			size_t o = off;
			for (size_t i = 0; i < nseg; i++) {
				(void)guest_read(env, seg[i].data, buf + o, seg[i].count);
				o += seg[i].count;
			}
		}
		enum diag_fs r = DIAG_FS_DONE;
		if (cmd == D58_DISPLAY) {
			env->display->lines(env->ctx, ctl & 0x3F, ctl & 0x80, buf, total);
		} else if (cmd == D58_WRITE) {
			bool erase = ctl & 0x80;
			buf[0] = (ctl & 0xC0) == 0xC0 ? 0x7E : erase ? 0xF5 : (ctl & 0x20) ? 0xF3 : 0xF1;
			r = env->display->write(env->ctx, buf, total + 1, erase && (ctl & 0x10));
		} else {
			size_t len = 0;
			r = env->display->read(env->ctx, ctl & 0x80, buf, total, &len);
			if (r == DIAG_FS_DONE) {
				size_t o = 0, n = len < total ? len : total;
				for (size_t i = 0; i < nseg && o < n; i++) {
					uint32_t k = seg[i].count < n - o ? seg[i].count : (uint32_t)(n - o);
					(void)guest_write(env, seg[i].data, buf + o, k);
					o += k;
				}
				residual = (uint16_t)(total - n);
				if (len != total && !(seg[nseg - 1].flags & CCW_SLI))
					chan |= CHAN_IL;
				read_done = true;
			}
		}
		free(buf);
		if (r == DIAG_FS_WAIT) {
			/* Run the DIAGNOSE again when the record comes, from this read on. */
			if (op_at != first)
				set_gpr(env, rx, op_at);
			uint8_t psw[8];
			cpu_get_psw(env->c, psw);
			uint32_t ia = ((uint32_t)psw[5] << 16 | (uint32_t)psw[6] << 8 | psw[7]) - 4;
			psw[5] = (uint8_t)(ia >> 16), psw[6] = (uint8_t)(ia >> 8), psw[7] = (uint8_t)ia;
			(void)cpu_set_psw(env->c, psw);
			return DIAG_WAIT;
		}
		if (r == DIAG_FS_SWITCHED)
			return d58_cc1(env, next, D58_STATUS_SWITCHED, 0, 0);
		if (chan)
			break;	/* incorrect length ends the chain, as the channel does */
	}
	if (read_done)
		d58_csw(env, next, unit, chan, residual);
	cpu_set_cc(env->c, chan ? 1 : 0);
	return DIAG_DONE;
}

/* ---- X'5C' Error message editing ---- */

/*
 * Rx: a message "DMSxxxnnns text", Ry: its length. By SET EMSG: ON leaves both; CODE sets Ry to
 * 10 (the id); OFF sets Ry to 0; TEXT points Rx past the id and the blank after it, and Ry at the
 * rest. A message no longer than its id is left as it is (but OFF still gives 0). CP writes
 * nothing; no CC.
 */
HANDLER(emsg)
{
	uint32_t addr = gpr(env, rx), len = gpr(env, ry);
	switch (env->emsg) {
	case DIAG_EMSG_ON:
		break;
	case DIAG_EMSG_OFF:
		set_gpr(env, ry, 0);
		break;
	case DIAG_EMSG_CODE:
		if (len > 10)
			set_gpr(env, ry, 10);
		break;
	case DIAG_EMSG_TEXT:
		if (len > 10) {
			uint8_t b;
			if (!guest_read(env, (addr + 10) & AMASK, &b, 1))
				return exception(env, PIC_ADDRESSING);
			uint32_t skip = b == 0x40 ? 11 : 10;
			set_gpr(env, rx, addr + skip);
			set_gpr(env, ry, len - skip);
		}
		break;
	}
	return DIAG_DONE;
}

/* ---- X'60' Virtual machine storage size ---- */

HANDLER(storsize)
{
	(void)ry;
	set_gpr(env, rx, machine_storage_size(env->m));
	return DIAG_DONE;
}

/* ---- X'64' Find, load and purge a named segment ---- */

/*
 * Rx: doubleword-aligned address of the 8-byte name; Ry: subcode X'00' LOADSYS shared, X'04'
 * LOADSYS non-shared, X'08' PURGESYS, X'0C' FINDSYS (any other: specification exception). No
 * named saved systems exist yet: every subcode ends CC 2 with Ry = 44 (no such segment).
 */
HANDLER(segment)
{
	uint32_t addr = gpr(env, rx) & AMASK, sub = gpr(env, ry);
	if (sub > 0x0C || (sub & 3) || (addr & 7))
		return exception(env, PIC_SPECIFICATION);
	uint8_t name[8];
	if (!guest_read(env, addr, name, sizeof name))
		return exception(env, PIC_ADDRESSING);
	set_gpr(env, ry, SEG_NOT_FOUND);
	cpu_set_cc(env->c, 2);
	return DIAG_DONE;
}
