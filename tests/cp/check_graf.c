/*
 * check_graf.c - CP's side of 3270 terminals: DIAGNOSE X'58' (cp/diagnose.c), PF keys, a program's
 * full screen, virtual 3270s and DIAL (cp/vm.c, cp/cmd_graf.c, cp/logon.c, cp/cmd_msg.c).
 *
 * Two fixtures. "diag58": a DIAGNOSE X'58' instruction on a bare 64K machine
 * (tests/machine/harness.h), handed to diag_execute() with a fake display (struct fake_disp) that
 * records what it gets and answers reads from a record the test sets; the console is at 009.
 * "system": a real system (dispatcher thread, no spool) with a directory whose USER1 has a virtual
 * 3270 at 0C0, a logon dialogue, and recording terminals (tests/cp/rec_term.h) that are either line
 * terminals (no display operations) or 3270s (24 x 80): users log on with vm_logon(); guest
 * programs are hand-assembled bytes loaded while the user is in CP READ and started with BEGIN.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cp/command.h"
#include "cp/diagnose.h"
#include "cp/directory.h"
#include "cp/logon.h"
#include "cp/vm.h"
#include "lib/be.h"
#include "machine/machine.h"
#include "tests/check_run.h"
#include "tests/cp/rec_term.h"
#include "tests/machine/harness.h"

/* ==== DIAGNOSE X'58' on a bare machine ==== */

#define STORAGE (64u * 1024)
#define CODE 0x1000u
#define CHAIN 0x2000u
#define DATA 0x3000u
#define BUF 0x4000u

#define PIC_ADDR 5
#define PIC_SPEC 6

static struct machine *m;
static struct cpu *c;
static struct diag_env env;

struct fake_disp {
	enum diag_display state;
	unsigned rows, cols;
	/* lines */
	unsigned nlines, line;
	bool erase;
	uint8_t data[4096];
	size_t len;
	/* full screen */
	unsigned nwrites;
	uint8_t rec[4096];
	size_t rec_len;
	bool pa1;
	unsigned nreads;
	bool modified;
	uint8_t answer[256];	/* the record a read gets; answer_len 0: WAIT */
	size_t answer_len;
	bool switched;
};
static struct fake_disp fd;

static enum diag_display fd_state(void *ctx, unsigned *rows, unsigned *cols)
{
	(void)ctx;
	*rows = fd.rows;
	*cols = fd.cols;
	return fd.state;
}

static void fd_lines(void *ctx, unsigned line, bool erase, const uint8_t *data, size_t len)
{
	(void)ctx;
	fd.nlines++;
	fd.line = line;
	fd.erase = erase;
	ck_assert_uint_le(len, sizeof fd.data);
	if (len)
		memcpy(fd.data, data, len);
	fd.len = len;
}

static enum diag_fs fd_write(void *ctx, const uint8_t *rec, size_t len, bool pa1)
{
	(void)ctx;
	if (fd.switched) {
		fd.switched = false;
		return DIAG_FS_SWITCHED;
	}
	fd.nwrites++;
	ck_assert_uint_le(len, sizeof fd.rec);
	memcpy(fd.rec, rec, len);
	fd.rec_len = len;
	fd.pa1 = pa1;
	return DIAG_FS_DONE;
}

static enum diag_fs fd_read(void *ctx, bool modified, uint8_t *buf, size_t cap, size_t *len)
{
	(void)ctx;
	fd.nreads++;
	fd.modified = modified;
	if (!fd.answer_len)
		return DIAG_FS_WAIT;
	memcpy(buf, fd.answer, fd.answer_len < cap ? fd.answer_len : cap);
	*len = fd.answer_len;
	return DIAG_FS_DONE;
}

static const struct diag_display_ops fd_ops = {fd_state, fd_lines, fd_write, fd_read};

static void d_setup(void)
{
	m = h_new(STORAGE, false);
	c = machine_cpu(m);
	memset(&fd, 0, sizeof fd);
	fd.state = DIAG_DISPLAY_3270;
	fd.rows = 24;
	fd.cols = 80;
	env = (struct diag_env){.m = m, .c = c, .userid = "USER1", .classes = DIR_CLASS('G'),
				.has_console = true, .console = 0x009, .display = &fd_ops};
}

static void d_teardown(void)
{
	machine_free(m);
	m = NULL;
}

/* DIAGNOSE rx,ry,X'58' at CODE with Rx = the chain, Ry = dev. */
static enum diag_result d58(uint32_t chain, uint32_t dev)
{
	uint8_t insn[4] = {0x83, 0x12, 0x00, 0x58};
	h_put(m, CODE, insn, 4);
	cpu_set_gpr(c, 1, chain);
	cpu_set_gpr(c, 2, dev);
	ck_assert_int_eq(h_run(m, CODE, 1), MACHINE_EXIT_DIAGNOSE);
	struct machine_diagnose dg = cpu_last_diagnose(c);
	cpu_set_cc(c, 2);
	return diag_execute(&env, &dg);
}

static void ccw(uint32_t at, uint8_t cmd, uint32_t data, uint8_t flags, uint8_t ctl, uint16_t count)
{
	h_set_word(m, at, (uint32_t)cmd << 24 | data);
	h_set_word(m, at + 4, (uint32_t)flags << 24 | (uint32_t)ctl << 16 | count);
}

static void put(uint32_t at, const char *hex)
{
	uint8_t b[512];
	size_t n = 0;
	for (; hex[0] && hex[1]; hex += 2) {
		unsigned v;
		sscanf(hex, "%2x", &v);
		b[n++] = (uint8_t)v;
	}
	h_put(m, at, b, (uint32_t)n);
}

/* The CSW at X'40': unit status, channel status, count. */
static void assert_csw(uint8_t unit, uint8_t chan, uint16_t count)
{
	uint8_t b[8];
	h_get(m, 0x40, b, 8);
	ck_assert_uint_eq(b[4], unit);
	ck_assert_uint_eq(b[5], chan);
	ck_assert_uint_eq(be16(b + 6), count);
}

START_TEST(test_x19_display_reaches_lines_with_line_and_erase)
{
	put(DATA, "C8C5D3D3D6");	/* HELLO */
	ccw(CHAIN, 0x19, DATA, 0x20, 0x83, 5);	/* erase, from line 3 */
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(fd.nlines, 1);
	ck_assert_uint_eq(fd.line, 3);
	ck_assert(fd.erase);
	ck_assert_uint_eq(fd.len, 5);
	ck_assert_mem_eq(fd.data, "\xC8\xC5\xD3\xD3\xD6", 5);
}
END_TEST

START_TEST(test_x19_data_chaining_joins_command_chaining_splits)
{
	put(DATA, "C1C2");
	put(DATA + 0x100, "1DE8C3");	/* SF intensified, C */
	put(DATA + 0x200, "C4");
	ccw(CHAIN, 0x19, DATA, 0x80 | 0x20, 0x00, 2);		/* CD */
	ccw(CHAIN + 8, 0x19, DATA + 0x100, 0x40 | 0x20, 0x00, 3);	/* CC: ends the display */
	ccw(CHAIN + 16, 0x19, DATA + 0x200, 0x20, 0x05, 1);
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(fd.nlines, 2);	/* the last one is kept */
	ck_assert_uint_eq(fd.line, 5);
	ck_assert_uint_eq(fd.len, 1);
	ck_assert_uint_eq(fd.data[0], 0xC4);
}
END_TEST

START_TEST(test_x19_ff_clears_without_data)
{
	ccw(CHAIN, 0x19, 0xFFFFF8, 0x20, 0xFF, 1);	/* the data address is not looked at */
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(fd.nlines, 1);
	ck_assert(fd.erase);
	ck_assert_uint_eq(fd.len, 0);
}
END_TEST

START_TEST(test_x19_too_long_or_not_fitting_is_unit_check)
{
	ccw(CHAIN, 0x19, DATA, 0x20, 0x00, 1761);
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 1);
	assert_csw(0x0E, 0, 0);
	ccw(CHAIN, 0x19, DATA, 0x20, 20, 161);	/* lines 20 and 21 of 0-21 hold 160 */
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 1);
	ccw(CHAIN, 0x19, DATA, 0x20, 20, 160);
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(fd.nlines, 1);
}
END_TEST

START_TEST(test_hostile_ccws_get_the_channels_answer)
{
	/* Rx not on a doubleword: specification; outside storage: addressing. */
	ck_assert_int_eq(d58(CHAIN + 4, 0x009), DIAG_DONE);
	ck_assert(h_program_interrupted(m));
	ck_assert_uint_eq(h_pic(m), PIC_SPEC);
	ck_assert_int_eq(d58(STORAGE + 8, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_pic(m), PIC_ADDR);
	/* Data outside storage, an unknown command, a zero count, a TIC to a TIC, IDA: program
	 * check, nothing displayed. */
	struct {
		uint8_t cmd;
		uint32_t data;
		uint8_t flags;
		uint16_t count;
	} bad[] = {
		{0x19, STORAGE - 2, 0x20, 5}, {0x01, DATA, 0x20, 5}, {0x19, DATA, 0x20, 0},
		{0x08, CHAIN, 0x00, 8}, {0x19, DATA, 0x24, 5}, {0x29, STORAGE - 1, 0x20, 2},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ccw(CHAIN, bad[i].cmd, bad[i].data, bad[i].flags, 0, bad[i].count);
		ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
		ck_assert_msg(h_cc(m) == 1, "case %zu: CC %u", i, h_cc(m));
		uint8_t b[8];
		h_get(m, 0x40, b, 8);
		ck_assert_msg(b[5] == 0x20, "case %zu: channel status %02X", i, b[5]);
	}
	/* A chain that loops (TIC back to itself through a display). */
	ccw(CHAIN, 0x19, DATA, 0x60, 0, 1);
	ccw(CHAIN + 8, 0x08, CHAIN, 0, 0, 1);
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(fd.nlines, 0);
	ck_assert_uint_eq(fd.nwrites, 0);
}
END_TEST

START_TEST(test_key_protection_as_the_channel)
{
	/* Key 3 in the PSW; DATA's block has key 5, fetch-protected: the channel may not fetch it.
	 * SSK R5,R6 (08 R5 R6): key X'58' (5, fetch protect) for DATA's block. */
	uint8_t psw[8];
	h_code(m, CODE - 8, "0856");
	cpu_set_gpr(c, 5, 0x58);
	cpu_set_gpr(c, 6, DATA);
	ck_assert_int_eq(h_run(m, CODE - 8, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(machine_storage_key(m, DATA) >> 4, 5);
	ccw(CHAIN, 0x29, DATA, 0x20, 0x80, 4);
	cpu_get_psw(c, psw);
	psw[1] = (uint8_t)((psw[1] & 0x0F) | 0x30);
	cpu_set_psw(c, psw);
	h_code(m, CODE, "83120058");
	cpu_set_gpr(c, 1, CHAIN);
	cpu_set_gpr(c, 2, 0x009);
	/* Run the DIAGNOSE with key 3 (h_run keeps the PSW's key). */
	cpu_get_psw(c, psw);
	psw[5] = (uint8_t)(CODE >> 16), psw[6] = (uint8_t)(CODE >> 8), psw[7] = (uint8_t)CODE;
	cpu_set_psw(c, psw);
	ck_assert_int_eq(machine_run(c, 1), MACHINE_EXIT_DIAGNOSE);
	struct machine_diagnose dg = cpu_last_diagnose(c);
	ck_assert_int_eq(diag_execute(&env, &dg), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 1);
	assert_csw(0, 0x10, 4);
	ck_assert_uint_eq(fd.nwrites, 0);
}
END_TEST

START_TEST(test_not_the_console_or_a_line_terminal_is_cc3)
{
	ccw(CHAIN, 0x19, DATA, 0x20, 0, 1);
	ck_assert_int_eq(d58(CHAIN, 0x00E), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 3);
	fd.state = DIAG_DISPLAY_LINE;
	fd.rows = 0;
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 3);
	env.display = NULL;
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 3);
	env.display = &fd_ops;
	fd.state = DIAG_DISPLAY_NONE;
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 1);
	assert_csw(0x0E, 0, 0);
	ck_assert_uint_eq(fd.nlines, 0);
}
END_TEST

START_TEST(test_x29_ctl_selects_the_write_command)
{
	static const struct {
		uint8_t ctl, code;
		bool pa1;
	} t[] = {{0x00, 0xF1, false}, {0x80, 0xF5, false}, {0xC0, 0x7E, false}, {0x20, 0xF3, false},
		 {0x90, 0xF5, true}, {0xD0, 0x7E, true}, {0x10, 0xF1, false}};
	put(DATA, "C311C1C2");
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		ccw(CHAIN, 0x29, DATA, 0x20, t[i].ctl, 4);
		ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
		ck_assert_uint_eq(h_cc(m), 0);
		ck_assert_uint_eq(fd.rec_len, 5);
		ck_assert_msg(fd.rec[0] == t[i].code, "ctl %02X: %02X", t[i].ctl, fd.rec[0]);
		ck_assert_mem_eq(fd.rec + 1, "\xC3\x11\xC1\xC2", 4);
		ck_assert(fd.pa1 == t[i].pa1);
	}
}
END_TEST

START_TEST(test_x2a_read_stores_the_record_and_residual)
{
	memcpy(fd.answer, "\x7D\x40\x40\x11\x40\xC1\xC8\xC9", 8);
	fd.answer_len = 8;
	ccw(CHAIN, 0x2A, BUF, 0x20, 0x80, 100);
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert(fd.modified);
	uint8_t b[8];
	h_get(m, BUF, b, 8);
	ck_assert_mem_eq(b, fd.answer, 8);
	assert_csw(0x0C, 0, 92);
	/* Without SLI the short record is incorrect length: CC 1; a count shorter than the record
	 * stores what fits. */
	ccw(CHAIN, 0x2A, BUF + 0x100, 0x00, 0x00, 4);
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert(!fd.modified);
	assert_csw(0x0C, 0x40, 0);
	h_get(m, BUF + 0x100, b, 8);
	ck_assert_mem_eq(b, "\x7D\x40\x40\x11\x00\x00\x00\x00", 8);
}
END_TEST

START_TEST(test_x2a_read_without_a_record_waits_and_runs_again)
{
	put(DATA, "C3");
	ccw(CHAIN, 0x29, DATA, 0x60, 0x80, 1);	/* EW, command chained to */
	ccw(CHAIN + 8, 0x2A, BUF, 0x20, 0x80, 100);	/* RM */
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_WAIT);
	ck_assert_uint_eq(fd.nwrites, 1);
	ck_assert_uint_eq(fd.nreads, 1);
	ck_assert_uint_eq(h_ia(m), CODE);	/* the DIAGNOSE again */
	ck_assert_uint_eq(cpu_get_gpr(c, 1), CHAIN + 8);	/* from the read on */
	/* The record comes: the DIAGNOSE runs again and takes it; the write is not repeated. */
	memcpy(fd.answer, "\xF3\x40\x40", 3);
	fd.answer_len = 3;
	ck_assert_int_eq(h_run(m, CODE, 1), MACHINE_EXIT_DIAGNOSE);
	struct machine_diagnose dg = cpu_last_diagnose(c);
	ck_assert_int_eq(diag_execute(&env, &dg), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(fd.nwrites, 1);
	uint8_t b[3];
	h_get(m, BUF, b, 3);
	ck_assert_mem_eq(b, "\xF3\x40\x40", 3);
}
END_TEST

START_TEST(test_screen_taken_back_gives_8e_once)
{
	put(DATA, "C3");
	ccw(CHAIN, 0x29, DATA, 0x20, 0x80, 1);
	fd.switched = true;
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 1);
	assert_csw(0x8E, 0, 0);
	ck_assert_uint_eq(fd.nwrites, 0);
	ck_assert_int_eq(d58(CHAIN, 0x009), DIAG_DONE);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(fd.nwrites, 1);
}
END_TEST

/* ==== A real system ==== */

static const char dir_text[] =
	"USER USER1 USER1PW 1M 4M G\n"
	" CONSOLE 009 3215\n"
	" SPECIAL 0C0 3270\n"
	"USER MAINT MAINTPW 1M 4M G\n"
	" CONSOLE 009 3215\n";

static struct directory *dir;
static struct cpsys *sys;
static struct logon *lg;

static void s_setup(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	struct dir_diags dg;
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_parse(dir_text, strlen(dir_text), "test", DIR_ALLOW_CLEAR, &dir, &dg), DIR_OK);
	dir_diags_free(&dg);
	struct cpsys_config cfg = {.dir = dir, .threads = 1};
	sys = cpsys_new(&cfg);
	ck_assert_ptr_nonnull(sys);
	lg = logon_new(sys);
	ck_assert_ptr_nonnull(lg);
}

static void s_teardown(void)
{
	logon_free(lg);
	cpsys_free(sys);
	dir_free(dir);
}

static struct vmblok *logon_user(struct rec_term *r, const char *userid, unsigned line)
{
	return rec_logon(sys, dir_find(dir, userid), r, line);
}

/* Type line without waiting (BEGIN: the guest runs). */
static void type_nowait(struct rec_term *r, const char *line)
{
	rec_clear(r);
	rec_send(r, line);
}

static void send_record(struct rec_term *r, const char *bytes, size_t len)
{
	struct term_event ev = {.type = TERM_EV_RECORD, .text = bytes, .len = len};
	term_deliver(&r->t, &ev);
}

/* LOGOFF at r: its terminal is closed. */
static void logoff(struct rec_term *r)
{
	type_nowait(r, "LOGOFF");
	rec_pump_closed(sys, r);
}

static void load_hex(struct vmblok *vm, uint32_t at, const char *hex)
{
	uint8_t b[512];
	size_t n = 0;
	while (*hex) {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		unsigned v;
		ck_assert_int_eq(sscanf(hex, "%2x", &v), 1);
		b[n++] = (uint8_t)v;
		hex += 2;
	}
	ck_assert(machine_load(vm_machine(vm), at, b, n));
}

/* The end of every program: LA 0,0; DIAGNOSE 3,0,X'08' (Ry 0: to CP, CP READ). */
#define STOP "4100000083300008"

START_TEST(test_pf_keys_reach_the_terminal_at_set_and_at_reconnect)
{
	struct rec_term r;
	rec_term_init_3270(&r, 24, 80);
	struct vmblok *vm = logon_user(&r, "USER1", 0x020);
	(void)vm;
	ck_assert_uint_eq(r.npf, TERM_PF_MAX);	/* every key, at logon: none set */
	ck_assert_int_eq(r.pf[1].how, TERM_PF_UNSET);
	rec_type(sys, &r, "SET PF3 IMMED QUERY TIME");
	ck_assert_int_eq(r.pf[3].how, TERM_PF_IMMED);
	ck_assert_str_eq(r.pf[3].text, "QUERY TIME");
	rec_type(sys, &r, "SET PF12 RETRIEVE");
	ck_assert_int_eq(r.pf[12].how, TERM_PF_RETRIEVE);
	rec_type(sys, &r, "SET PF4 DELAYED CP Q N");
	ck_assert_int_eq(r.pf[4].how, TERM_PF_DELAYED);
	rec_type(sys, &r, "QUERY PF12");
	ck_assert_str_eq(r.lines[0], "PF12 RETRIEVE");
	rec_type(sys, &r, "QUERY PF03");
	ck_assert_str_eq(r.lines[0], "PF03 IMMED QUERY TIME");
	rec_type(sys, &r, "SET PF12 RETRIEVE NOW");
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.pf[12].how, TERM_PF_RETRIEVE);
	rec_type(sys, &r, "SET PF4");
	ck_assert_int_eq(r.pf[4].how, TERM_PF_UNSET);

	/* The line drops; a new terminal reconnects and gets the keys again. */
	struct term_event disc = {.type = TERM_EV_DISCONNECTED};
	term_deliver(&r.t, &disc);
	struct rec_term r2;
	rec_term_init_3270(&r2, 24, 80);
	unsigned other;
	char why[80];
	ck_assert_int_eq(vm_logon(sys, dir_find(dir, "USER1"), &r2.t, 0x021, true, &other, why, sizeof why),
			 VM_LOGON_RECONNECTED);
	rec_pump_past(sys, &r2.npf, TERM_PF_MAX - 1, "the keys after reconnect");
	ck_assert_uint_eq(r2.npf, TERM_PF_MAX);
	ck_assert_int_eq(r2.pf[3].how, TERM_PF_IMMED);
	ck_assert_str_eq(r2.pf[3].text, "QUERY TIME");
	ck_assert_int_eq(r2.pf[12].how, TERM_PF_RETRIEVE);
	ck_assert_int_eq(r2.pf[4].how, TERM_PF_UNSET);
	logoff(&r2);
}
END_TEST

START_TEST(test_line_terminal_ignores_pf_keys_and_x58_is_cc3)
{
	struct rec_term r;
	rec_term_init(&r);
	struct vmblok *vm = logon_user(&r, "USER1", 0x020);
	rec_type(sys, &r, "SET PF1 IMMED Q T");
	ck_assert_uint_eq(r.n, 0);
	rec_type(sys, &r, "QUERY PF1");
	ck_assert_str_eq(r.lines[0], "PF01 IMMED Q T");
	/* X'58' display on a line terminal: CC 3 (the program stores its CC at 0x900). */
	load_hex(vm, 0x800, "19000900200000 05");
	load_hex(vm, 0x400, "41100800" "41200009" "83120058" "B2220030" "50300900" STOP);
	rec_type(sys, &r, "BEGIN 400");
	uint32_t cc;
	ck_assert(machine_dump(vm_machine(vm), 0x900, &cc, 4));
	ck_assert_uint_eq((be32((uint8_t *)&cc) >> 28) & 3, 3);
	ck_assert_uint_eq(r.ndisplay, 0);
	logoff(&r);
}
END_TEST

START_TEST(test_x58_display_and_full_screen_through_the_system)
{
	struct rec_term r;
	rec_term_init_3270(&r, 24, 80);
	struct vmblok *vm = logon_user(&r, "USER1", 0x020);
	/* Display HELLO at line 2. */
	load_hex(vm, 0x800, "1900090020020005");
	load_hex(vm, 0x900, "C8C5D3D3D6");
	load_hex(vm, 0x400, "41100800" "41200009" "83120058" STOP);
	rec_type(sys, &r, "BEGIN 400");
	ck_assert_uint_eq(r.ndisplay, 1);
	ck_assert_uint_eq(r.dline, 2);
	ck_assert(!r.derase);
	ck_assert_uint_eq(r.dlen, 5);
	ck_assert_mem_eq(r.ddata, "\xC8\xC5\xD3\xD3\xD6", 5);

	/* Full screen: EW, then RM waits for the user's key. */
	load_hex(vm, 0x800, "2900090060800003" "2A000A0020800100");
	load_hex(vm, 0x900, "C3C1C2");
	unsigned before = r.nreadrec;
	type_nowait(&r, "BEGIN 400");
	rec_pump_past(sys, &r.nreadrec, before, "read_record");
	ck_assert(r.fullscreen);
	ck_assert_uint_eq(r.record_len, 4);
	ck_assert_mem_eq(r.record, "\xF5\xC3\xC1\xC2", 4);
	ck_assert_int_eq(r.readhow, TERM_RECORD_RM);
	/* ENTER with one field: the read completes, the program stops (CP READ: CP's screen). */
	before = r.reads;
	send_record(&r, "\x7D\x40\x40\x11\x40\xC1\xC8\xC9", 8);
	rec_pump_past(sys, &r.reads, before, "CP READ after the read");
	uint8_t b[8];
	ck_assert(machine_dump(vm_machine(vm), 0xA00, b, 8));
	ck_assert_mem_eq(b, "\x7D\x40\x40\x11\x40\xC1\xC8\xC9", 8);
	ck_assert(machine_dump(vm_machine(vm), 0x40, b, 8));
	ck_assert_uint_eq(be16(b + 6), 256 - 8);
	ck_assert(!r.fullscreen);

	/* The program stopped (CP READ took the screen back): its next full-screen I/O gets unit
	 * status X'8E' and CC 1, once. */
	load_hex(vm, 0x800, "2A000A0020800100");
	load_hex(vm, 0x400, "41100800" "41200009" "83120058" "B2220030" "50300900" STOP);
	rec_type(sys, &r, "BEGIN 400");
	ck_assert(machine_dump(vm_machine(vm), 0x40, b, 8));
	ck_assert_uint_eq(b[4], 0x8E);
	ck_assert(machine_dump(vm_machine(vm), 0x900, b, 4));
	ck_assert_uint_eq((b[0] >> 4) & 3, 1);
	/* PA1 while the program waits: CP READ, the screen is CP's; BEGIN: the same again. */
	load_hex(vm, 0x40, "0000000000000000");
	before = r.nreadrec;
	type_nowait(&r, "BEGIN 400");
	rec_pump_past(sys, &r.nreadrec, before, "read_record");
	ck_assert(r.fullscreen);
	before = r.reads;
	send_record(&r, "\x6C", 1);
	rec_pump_past(sys, &r.reads, before, "CP READ after PA1");
	ck_assert(!r.fullscreen);
	rec_type(sys, &r, "BEGIN");
	ck_assert(machine_dump(vm_machine(vm), 0x40, b, 8));
	ck_assert_uint_eq(b[4], 0x8E);
	ck_assert(machine_dump(vm_machine(vm), 0x900, b, 4));
	ck_assert_uint_eq((b[0] >> 4) & 3, 1);
	logoff(&r);
}
END_TEST

/* USER1's program for the virtual 3270 at 0C0: write "C3 C1 C2" (W), wait; on attention read
 * modified into 0xA00 and stop. */
static void load_graf_program(struct vmblok *vm)
{
	load_hex(vm, 0x048, "00000800");			/* CAW: the write */
	load_hex(vm, 0x078, "0000000000000500");		/* I/O new PSW: 500, disabled */
	load_hex(vm, 0x400, "9C0000C0" "47700400" "82000410" "00000000"
			    "8002000000000420");		/* SIO; retry; LPSW wait (channel 0 only) */
	load_hex(vm, 0x500, "91800044" "47800408"		/* TM CSW status, attention? */
			    "D203004805F0"			/* CAW := the read */
			    "9C0000C0" "4770050E" STOP);	/* SIO; retry; stop */
	load_hex(vm, 0x5F0, "00000818");
	load_hex(vm, 0x800, "0100090020000003");
	load_hex(vm, 0x818, "06000A0020000100");
	load_hex(vm, 0x900, "C3C1C2");
}

static bool dialed(void *arg)
{
	return ((struct rec_term *)arg)->fullscreen;
}

START_TEST(test_dial_errors)
{
	struct rec_term d;
	rec_term_init_3270(&d, 24, 80);
	ck_assert(logon_attach(lg, &d.t));
	/* A display gets the logo, then VM/370 ONLINE. */
	ck_assert_uint_gt(d.n, 1);
	ck_assert_str_eq(d.lines[d.n - 1], "VM/370 ONLINE");
	ck_assert(rec_has(&d, "                  C A M B R I D G E"));
	rec_clear(&d);
	struct term_event ev = {.type = TERM_EV_LINE, .text = "DIAL USER1", .len = 10};
	term_deliver(&d.t, &ev);
	ck_assert_str_eq(d.lines[0], "USER1 NOT LOGGED ON");
	struct rec_term u;
	rec_term_init(&u);
	logon_user(&u, "MAINT", 0x030);
	rec_clear(&d);
	ev.text = "DIAL MAINT";
	ev.len = 10;
	term_deliver(&d.t, &ev);
	ck_assert_str_eq(d.lines[0], "LINE(S) NOT AVAILABLE ON MAINT");
	rec_clear(&d);
	ev.text = "DIAL MAINT 0C0 X";
	ev.len = strlen(ev.text);
	term_deliver(&d.t, &ev);
	ck_assert_str_eq(d.lines[0], "INVALID OPTION - X");
	ck_assert(!d.fullscreen);
	/* A line terminal cannot be a virtual 3270. */
	struct rec_term l;
	rec_term_init(&l);
	ck_assert(logon_attach(lg, &l.t));
	struct rec_term u1;
	rec_term_init(&u1);
	logon_user(&u1, "USER1", 0x031);
	rec_clear(&l);
	ev.text = "DIAL USER1";
	ev.len = 10;
	term_deliver(&l.t, &ev);
	ck_assert_str_eq(l.lines[0], "TERMINAL IS NOT A DISPLAY; USE A 3270");
	/* The address given must be a free GRAF. */
	rec_clear(&d);
	ev.text = "DIAL USER1 009";
	ev.len = strlen(ev.text);
	term_deliver(&d.t, &ev);
	ck_assert_str_eq(d.lines[0], "DEV 009 NOT AVAILABLE");
	/* DIAL after logon: refused. */
	rec_type(sys, &u1, "DIAL MAINT");
	ck_assert_str_eq(u1.lines[0], "DIAL IS ONLY ACCEPTED BEFORE LOGON");
	logoff(&u1);
	logoff(&u);
	struct term_event disc = {.type = TERM_EV_DISCONNECTED};
	term_deliver(&d.t, &disc);
	term_deliver(&l.t, &disc);
}
END_TEST

START_TEST(test_dial_data_both_ways_attention_and_drop_on_detach)
{
	struct rec_term u;
	rec_term_init(&u);
	struct vmblok *vm = logon_user(&u, "USER1", 0x020);
	rec_type(sys, &u, "QUERY VIRTUAL 0C0");
	ck_assert_str_eq(u.lines[0], "GRAF 0C0 NOT READY");
	char qline[64];
	ck_assert(vm_graf_query(vm, 0x0C0, qline, sizeof qline));
	ck_assert_str_eq(qline, "GRAF 0C0 NOT READY");

	struct rec_term d;
	rec_term_init_3270(&d, 24, 80);
	ck_assert(logon_attach(lg, &d.t));
	rec_clear(&d);
	struct term_event ev = {.type = TERM_EV_LINE, .text = "DIAL USER1", .len = 10};
	term_deliver(&d.t, &ev);
	ck_assert_str_eq(d.lines[0], "DIALED TO USER1 0C0");
	ck_assert(d.fullscreen);
	ck_assert_uint_eq(cpsys_dialed(sys), 1);
	/* A second terminal finds none free. */
	struct rec_term d2;
	rec_term_init_3270(&d2, 24, 80);
	ck_assert(logon_attach(lg, &d2.t));
	rec_clear(&d2);
	term_deliver(&d2.t, &ev);
	ck_assert_str_eq(d2.lines[0], "LINE(S) NOT AVAILABLE ON USER1");

	load_graf_program(vm);
	unsigned before = d.nrecords;
	type_nowait(&u, "BEGIN 400");
	rec_pump_past(sys, &d.nrecords, before, "the guest's write");
	ck_assert_uint_eq(d.record_len, 4);
	ck_assert_mem_eq(d.record, "\xF1\xC3\xC1\xC2", 4);
	/* ENTER: attention; the guest reads modified and stops. */
	before = u.reads;
	send_record(&d, "\x7D\x40\x40\x11\x40\xC1\xC8\xC9", 8);
	rec_pump_past(sys, &u.reads, before, "the guest's stop after its read");
	uint8_t b[8];
	ck_assert(machine_dump(vm_machine(vm), 0xA00, b, 8));
	ck_assert_mem_eq(b, "\x7D\x40\x40\x11\x40\xC1\xC8\xC9", 8);
	ck_assert(vm_graf_query(vm, 0x0C0, qline, sizeof qline));
	ck_assert_str_eq(qline, "GRAF 0C0 ON DEV 020");
	rec_type(sys, &u, "QUERY VIRTUAL GRAF");
	ck_assert_uint_eq(u.n, 1);
	ck_assert_str_eq(u.lines[0], "GRAF 0C0 ON DEV 020");

	/* DETACH: DROP FROM, the logon screen again. */
	before = d.logon_reads;
	rec_type(sys, &u, "DETACH 0C0");
	ck_assert(rec_has(&u, "GRAF 0C0 DETACHED"));
	rec_pump_past(sys, &d.logon_reads, before, "the logon screen after DROP");
	ck_assert(!d.fullscreen);
	ck_assert(rec_has(&d, "DROP FROM USER1 0C0"));
	ck_assert(rec_has(&d, "VM/370 ONLINE"));
	ck_assert_uint_eq(cpsys_dialed(sys), 0);
	/* DEFINE GRAF makes another; the same terminal dials it. */
	rec_type(sys, &u, "DEFINE GRAF 0C1");
	ck_assert_str_eq(u.lines[0], "GRAF 0C1 DEFINED");
	rec_type(sys, &u, "DEFINE GRAF 0C1");
	ck_assert_str_eq(u.lines[0], "DEV 0C1 NOT DEFINED; DEV 0C1 ALREADY DEFINED");
	rec_clear(&d);
	ev.text = "DIAL USER1 0C1";
	ev.len = strlen(ev.text);
	term_deliver(&d.t, &ev);
	ck_assert_str_eq(d.lines[0], "DIALED TO USER1 0C1");
	/* RESET drops it and keeps the device, not ready, for the next DIAL. */
	before = d.logon_reads;
	rec_type(sys, &u, "RESET 0C1");
	ck_assert(rec_has(&u, "DEVICE RESET"));
	rec_pump_past(sys, &d.logon_reads, before, "the logon screen after RESET");
	ck_assert(!d.fullscreen);
	ck_assert(rec_has(&d, "DROP FROM USER1 0C1"));
	ck_assert_uint_eq(cpsys_dialed(sys), 0);
	rec_type(sys, &u, "QUERY VIRTUAL GRAF");
	ck_assert_str_eq(u.lines[0], "GRAF 0C1 NOT READY");
	rec_clear(&d);
	term_deliver(&d.t, &ev);
	ck_assert_str_eq(d.lines[0], "DIALED TO USER1 0C1");
	/* LOGOFF drops it too. */
	before = d.logon_reads;
	type_nowait(&u, "LOGOFF");
	rec_pump_past(sys, &d.logon_reads, before, "the logon screen after LOGOFF");
	ck_assert(rec_has(&d, "DROP FROM USER1 0C1"));
	struct term_event disc = {.type = TERM_EV_DISCONNECTED};
	term_deliver(&d.t, &disc);
	term_deliver(&d2.t, &disc);
}
END_TEST

START_TEST(test_dialed_terminal_leaving_makes_the_device_not_ready)
{
	struct rec_term u;
	rec_term_init(&u);
	struct vmblok *vm = logon_user(&u, "USER1", 0x020);
	struct rec_term d;
	rec_term_init_3270(&d, 24, 80);
	ck_assert(logon_attach(lg, &d.t));
	struct term_event ev = {.type = TERM_EV_LINE, .text = "DIAL USER1", .len = 10};
	term_deliver(&d.t, &ev);
	rec_pump_until(sys, dialed, &d, "DIAL");
	struct term_event disc = {.type = TERM_EV_DISCONNECTED};
	term_deliver(&d.t, &disc);
	ck_assert_uint_eq(cpsys_dialed(sys), 0);
	char qline[64];
	rec_type(sys, &u, "QUERY TIME");	/* the task has taken the disconnection */
	ck_assert(vm_graf_query(vm, 0x0C0, qline, sizeof qline));
	ck_assert_str_eq(qline, "GRAF 0C0 NOT READY");
	/* The guest's write now ends with unit check (intervention required). */
	load_hex(vm, 0x048, "00000800");
	load_hex(vm, 0x800, "0100090020000003");
	/* SIO, TIO until nothing is pending (the DE of the dial may be), twice: the last CSW is the
	 * write's, whether SIO stored it or an interruption would have. */
	load_hex(vm, 0x400, "9C0000C0" "9D0000C0" "47700404" "9C0000C0" "9D0000C0" "47700410" STOP);
	rec_type(sys, &u, "BEGIN 400");
	uint8_t b[8];
	ck_assert(machine_dump(vm_machine(vm), 0x40, b, 8));
	ck_assert(b[4] & 0x02);
	type_nowait(&u, "LOGOFF");
	rec_pump_vms(sys, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("graf");
	TCase *tc = tcase_create("diag58");
	tcase_add_checked_fixture(tc, d_setup, d_teardown);
	tcase_add_test(tc, test_x19_display_reaches_lines_with_line_and_erase);
	tcase_add_test(tc, test_x19_data_chaining_joins_command_chaining_splits);
	tcase_add_test(tc, test_x19_ff_clears_without_data);
	tcase_add_test(tc, test_x19_too_long_or_not_fitting_is_unit_check);
	tcase_add_test(tc, test_hostile_ccws_get_the_channels_answer);
	tcase_add_test(tc, test_key_protection_as_the_channel);
	tcase_add_test(tc, test_not_the_console_or_a_line_terminal_is_cc3);
	tcase_add_test(tc, test_x29_ctl_selects_the_write_command);
	tcase_add_test(tc, test_x2a_read_stores_the_record_and_residual);
	tcase_add_test(tc, test_x2a_read_without_a_record_waits_and_runs_again);
	tcase_add_test(tc, test_screen_taken_back_gives_8e_once);
	suite_add_tcase(s, tc);
	tc = tcase_create("system");
	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(tc, s_setup, s_teardown);
	tcase_add_test(tc, test_pf_keys_reach_the_terminal_at_set_and_at_reconnect);
	tcase_add_test(tc, test_line_terminal_ignores_pf_keys_and_x58_is_cc3);
	tcase_add_test(tc, test_x58_display_and_full_screen_through_the_system);
	tcase_add_test(tc, test_dial_errors);
	tcase_add_test(tc, test_dial_data_both_ways_attention_and_drop_on_detach);
	tcase_add_test(tc, test_dialed_terminal_leaving_makes_the_device_not_ready);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
