/*
 * check_cmd_spool.c - CP's spooling commands (cp/cmd_spool.c: SPOOL, CLOSE, PURGE, ORDER, CHANGE,
 * TRANSFER, QUERY FILES|RDR|PRT|PUN) and DIAGNOSE X'14' (cp/diagnose.c, cp/vspool.c).
 *
 * The commands run through cp_cmd_execute() on a real system (cpsys_new() with a directory of
 * OPERATOR, ALICE, BOB and the NOLOG user CAROL, and a spool in a temporary directory), with
 * ALICE and BOB logged on (NOIPL) at terminals that record what CP writes. A command runs on the
 * test's thread while the user's task waits in CP READ (as CP runs it: the machine stopped); the
 * other users' notices come through cpsys_flush(). The operator's commands go through
 * cpsys_operator_command(). Guest output is made with machine_io_sync() on the user's machine.
 *
 * DIAGNOSE X'14' runs on a bare machine (tests/machine/harness.h) with a spooled reader at 00C
 * and punch at 00D for MAINT; its tests are in the suite once diagnose.def carries out X'14'.
 */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp/command.h"
#include "cp/diagnose.h"
#include "cp/directory.h"
#include "cp/spool.h"
#include "cp/vm.h"
#include "cp/vspool.h"
#include "lib/be.h"
#include "lib/ebcdic.h"
#include "machine/machine.h"
#include "tests/check_run.h"
#include "tests/cp/rec_term.h"
#include "tests/machine/harness.h"

/* ---- Terminals that record ---- */

static struct rec_term ra, rb, ro;

/* ---- The system ---- */

static const char directory_text[] =
	"DIRECTORY 123 3350 CAMSYS\n"
	"USER OPERATOR OPERPW 1M 1M ABCDEFG\n"
	" CONSOLE 009 3215 T\n"
	" SPOOL 00C 2540 READER *\n"
	" SPOOL 00D 2540 PUNCH A\n"
	" SPOOL 00E 1403 A\n"
	"USER ALICE ALICEPW 64K 1M G\n"
	" CONSOLE 009 3215 T\n"
	" SPOOL 00C 2540 READER *\n"
	" SPOOL 00D 2540 PUNCH A\n"
	" SPOOL 00E 1403 A\n"
	" SPOOL 00F 1403 B\n"
	"USER BOB BOBPW 64K 1M G\n"
	" CONSOLE 009 3215 T\n"
	" SPOOL 00C 2540 READER *\n"
	" SPOOL 00D 2540 PUNCH A\n"
	" SPOOL 00E 1403 A\n"
	"USER CAROL NOLOG\n";

static char tmpdir[64];
static struct directory *dir;
static struct cpsys *sys;
static struct vmblok *alice, *bob;

static void setup(void)
{
	strcpy(tmpdir, "/tmp/check_cmd_spool.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	char spool_dir[128];
	snprintf(spool_dir, sizeof spool_dir, "%s/spool", tmpdir);
	struct dir_diags dg;
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_parse(directory_text, strlen(directory_text), "TEST", DIR_ALLOW_CLEAR, &dir,
				   &dg), DIR_OK);
	dir_diags_free(&dg);
	struct cpsys_config cfg = {.dir = dir, .spool_dir = spool_dir, .threads = 1};
	ck_assert_ptr_nonnull(sys = cpsys_new(&cfg));
	rec_term_init(&ra);
	rec_term_init(&rb);
	rec_term_init(&ro);
	alice = rec_logon(sys, dir_find(dir, "ALICE"), &ra, 0x020);
	bob = rec_logon(sys, dir_find(dir, "BOB"), &rb, 0x020);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void teardown(void)
{
	cpsys_free(sys);
	sys = NULL;
	dir_free(dir);
	dir = NULL;
	nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* Run line as the user of vm (at r's terminal): what CP wrote is r's lines from 0. */
static enum cp_cmd_rc run(struct vmblok *vm, struct rec_term *r, const char *line)
{
	const struct dir_user *u = vm_user(vm);
	struct cp_cmd_ctx ctx = {.t = &r->t, .user = u, .classes = u->classes, .logon_time = 1,
				 .vm = vm, .sys = sys};
	rec_clear(r);
	return cp_cmd_execute(&ctx, line);
}

#define A(line) run(alice, &ra, line)
#define B(line) run(bob, &rb, line)

static int op(const char *line)
{
	rec_clear(&ro);
	return cpsys_operator_command(sys, &ro.t, line);
}

/* A punch file of n cards in userid's reader, from OPERATOR; its spoolid. */
static unsigned rdr_file(const char *userid, char class, unsigned n)
{
	struct spool_writer *w;
	struct spool_new nw = {.devtype = SPOOL_DEV_PUN, .origin = "OPERATOR", .to = userid,
			       .class = class, .copies = 1, .name = "DECK", .type = "FILE"};
	ck_assert_int_eq(spool_create(cpsys_spool(sys), &nw, &w), SPOOL_OK);
	uint8_t card[80];
	memset(card, 0x40, sizeof card);
	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(spool_write(w, 0x41, card, sizeof card), SPOOL_OK);
	struct spool_file_info info;
	ck_assert_int_eq(spool_commit(w, NULL, &info), SPOOL_OK);
	return info.id;
}

/* The guest of vm writes text on its device at vaddr (a punch card or a printer line). */
static void guest_write(struct vmblok *vm, unsigned vaddr, uint8_t cmd, const char *text)
{
	struct machine *m = vm_machine(vm);
	uint8_t ccw[8] = {cmd, 0x00, 0x11, 0x00, 0x20, 0x00, 0x00, (uint8_t)strlen(text)};
	uint8_t data[132];
	ascii_to_ebcdic_buf(data, text, strlen(text));
	ck_assert(machine_load(m, 0x1000, ccw, sizeof ccw));
	ck_assert(machine_load(m, 0x1100, data, strlen(text)));
	struct machine_ipl_csw csw;
	ck_assert_int_eq(machine_io_sync(m, (uint16_t)vaddr, 0x1000, 0, &csw), MACHINE_IO_OK);
}

static const char *line_of(char *buf, size_t len, const char *owner, unsigned id, char class,
			   const char *typ, unsigned recs, unsigned copies, const char *hold)
{
	snprintf(buf, len, "%-8s %04u %c %s %06u %02u %s", owner, id, class, typ, recs, copies, hold);
	return buf;
}

#define HEADER "OWNERID  FILE CLASS RECDS  CPY HOLD"
#define HEADER_ALL "OWNERID  FILE CLASS RECDS  CPY HOLD  DATE  TIME    NAME     TYPE     DIST"

/* ---- QUERY ---- */

START_TEST(test_query_rdr_lists_own_files_in_order)
{
	unsigned a = rdr_file("ALICE", 'A', 2), b = rdr_file("ALICE", 'B', 5);
	rdr_file("BOB", 'A', 1);
	char l1[80], l2[80];
	ck_assert_int_eq(A("QUERY RDR"), CP_CMD_OK);
	rec_said(&ra, 3, HEADER, line_of(l1, sizeof l1, "ALICE", a, 'A', "PUN", 2, 1, "NONE"),
	     line_of(l2, sizeof l2, "ALICE", b, 'B', "PUN", 5, 1, "NONE"));
	ck_assert_int_eq(A("Q R CLASS B"), CP_CMD_OK);
	rec_said(&ra, 2, HEADER, l2);
	ck_assert_int_eq(A("Q PRT"), CP_CMD_OK);
	rec_said(&ra, 1, "NO PRT FILES");
	ck_assert_int_eq(A("Q PUNCH"), CP_CMD_OK);
	rec_said(&ra, 1, "NO PUN FILES");
}
END_TEST

START_TEST(test_query_rdr_all_and_spoolid_give_the_long_lines)
{
	unsigned a = rdr_file("ALICE", 'A', 2);
	char l1[80], want[100];
	line_of(l1, sizeof l1, "ALICE", a, 'A', "PUN", 2, 1, "NONE");
	ck_assert_int_eq(A("Q RDR ALL"), CP_CMD_OK);
	ck_assert_uint_eq(ra.n, 2);
	ck_assert_str_eq(ra.lines[0], HEADER_ALL);
	snprintf(want, sizeof want, "%s ", l1);
	ck_assert_int_eq(strncmp(ra.lines[1], want, strlen(want)), 0);
	const char *tail = "DECK     FILE     ALICE";
	ck_assert_str_eq(ra.lines[1] + strlen(ra.lines[1]) - strlen(tail), tail);
	char cmd[40];
	snprintf(cmd, sizeof cmd, "Q READER %u", a);
	ck_assert_int_eq(A(cmd), CP_CMD_OK);
	ck_assert_str_eq(ra.lines[0], HEADER_ALL);
	ck_assert_int_eq(A("Q RDR 77"), CP_CMD_FAILED);
	rec_said(&ra, 1, "SPOOLID 0077 DOES NOT EXIST");
	ck_assert_int_eq(A("Q RDR FROB"), CP_CMD_FAILED);
	rec_said(&ra, 1, "INVALID OPERAND - FROB");
	ck_assert_int_eq(A("Q RDR ALL MORE"), CP_CMD_FAILED);
	rec_said(&ra, 1, "INVALID OPTION - MORE");
	ck_assert_int_eq(A("Q RDR CLASS %"), CP_CMD_FAILED);
	rec_said(&ra, 1, "CLASS MISSING OR INVALID");
}
END_TEST

START_TEST(test_query_files_counts_each_queue)
{
	rdr_file("ALICE", 'A', 1);
	rdr_file("ALICE", 'B', 1);
	ck_assert_int_eq(A("QUERY FILES"), CP_CMD_OK);
	rec_said(&ra, 1, "FILES: 002 RDR, NO PRT, NO PUN");
	ck_assert_int_eq(A("Q F CLASS B"), CP_CMD_OK);
	rec_said(&ra, 1, "FILES: 001 RDR, NO PRT, NO PUN");
	ck_assert_int_eq(B("Q FILES"), CP_CMD_OK);
	rec_said(&rb, 1, "FILES: NO RDR, NO PRT, NO PUN");
	ck_assert_int_eq(A("Q FILES X"), CP_CMD_FAILED);
	rec_said(&ra, 1, "INVALID OPTION - X");
}
END_TEST

/* ---- PURGE ---- */

START_TEST(test_purge_by_spoolid_class_and_all)
{
	unsigned a = rdr_file("ALICE", 'A', 1);
	rdr_file("ALICE", 'B', 1);
	rdr_file("ALICE", 'B', 1);
	rdr_file("ALICE", 'C', 1);
	char cmd[40];
	snprintf(cmd, sizeof cmd, "PURGE RDR %u", a);
	ck_assert_int_eq(A(cmd), CP_CMD_OK);
	rec_said(&ra, 1, "0001 FILE PURGED");
	ck_assert_int_eq(A("PUR R CLASS B"), CP_CMD_OK);
	rec_said(&ra, 1, "0002 FILES PURGED");
	ck_assert_int_eq(A("PURGE PRT"), CP_CMD_OK);
	rec_said(&ra, 1, "NO FILES PURGED");
	ck_assert_int_eq(A("PURGE ALL"), CP_CMD_OK);
	rec_said(&ra, 1, "0001 FILE PURGED");
	ck_assert_int_eq(A("Q F"), CP_CMD_OK);
	rec_said(&ra, 1, "FILES: NO RDR, NO PRT, NO PUN");
}
END_TEST

START_TEST(test_purge_with_a_wrong_operand_changes_nothing)
{
	unsigned a = rdr_file("ALICE", 'A', 1);
	char cmd[40];
	snprintf(cmd, sizeof cmd, "PURGE RDR %u 99", a);
	ck_assert_int_eq(A(cmd), CP_CMD_FAILED);
	rec_said(&ra, 1, "SPOOLID 0099 DOES NOT EXIST");
	ck_assert_int_eq(A("PURGE RDR CLASS"), CP_CMD_FAILED);
	rec_said(&ra, 1, "CLASS MISSING OR INVALID");
	ck_assert_int_eq(A("PURGE DISK"), CP_CMD_FAILED);
	rec_said(&ra, 1, "INVALID OPERAND - DISK");
	ck_assert_int_eq(A("PURGE RDR ALL 7"), CP_CMD_FAILED);
	rec_said(&ra, 1, "INVALID OPERAND - ALL");
	ck_assert_int_eq(A("PURGE"), CP_CMD_FAILED);
	rec_said(&ra, 1, "OPERAND MISSING OR INVALID");
	ck_assert_int_eq(A("Q F"), CP_CMD_OK);
	rec_said(&ra, 1, "FILES: 001 RDR, NO PRT, NO PUN");
}
END_TEST

START_TEST(test_class_g_user_cannot_touch_another_users_files)
{
	unsigned a = rdr_file("ALICE", 'A', 1);
	char cmd[60];
	snprintf(cmd, sizeof cmd, "PURGE RDR %u", a);
	ck_assert_int_eq(B(cmd), CP_CMD_FAILED);
	rec_said(&rb, 1, "SPOOLID 0001 DOES NOT EXIST");
	ck_assert_int_eq(B("PURGE RDR ALICE ALL"), CP_CMD_FAILED);
	rec_said(&rb, 1, "INVALID OPERAND - ALICE");
	snprintf(cmd, sizeof cmd, "CHANGE RDR %u CLASS Z", a);
	ck_assert_int_eq(B(cmd), CP_CMD_FAILED);
	snprintf(cmd, sizeof cmd, "TRANSFER %u TO BOB", a);
	ck_assert_int_eq(B(cmd), CP_CMD_FAILED);
	rec_said(&rb, 1, "SPOOLID 0001 DOES NOT EXIST");
	ck_assert_int_eq(B("Q RDR ALICE"), CP_CMD_FAILED);
	rec_said(&rb, 1, "INVALID OPERAND - ALICE");
	ck_assert_int_eq(A("Q F"), CP_CMD_OK);
	rec_said(&ra, 1, "FILES: 001 RDR, NO PRT, NO PUN");
}
END_TEST

START_TEST(test_imsg_off_suppresses_the_counts)
{
	rdr_file("ALICE", 'A', 1);
	vm_set_msg(alice, CPSYS_SEND_SYS, false);
	ck_assert_int_eq(A("PURGE RDR ALL"), CP_CMD_OK);
	rec_said(&ra, 0);
	ck_assert_int_eq(A("Q F"), CP_CMD_OK);
	rec_said(&ra, 1, "FILES: NO RDR, NO PRT, NO PUN");
}
END_TEST

/* ---- ORDER, CHANGE ---- */

START_TEST(test_order_puts_the_named_files_first)
{
	unsigned a = rdr_file("ALICE", 'A', 1), b = rdr_file("ALICE", 'B', 2),
		 c = rdr_file("ALICE", 'C', 3);
	char cmd[60], l1[80], l2[80], l3[80];
	snprintf(cmd, sizeof cmd, "ORDER RDR %u %u %u", c, a, c);
	ck_assert_int_eq(A(cmd), CP_CMD_OK);
	rec_said(&ra, 1, "0002 FILES ORDERED");
	ck_assert_int_eq(A("Q RDR"), CP_CMD_OK);
	rec_said(&ra, 4, HEADER, line_of(l1, sizeof l1, "ALICE", c, 'C', "PUN", 3, 1, "NONE"),
	     line_of(l2, sizeof l2, "ALICE", a, 'A', "PUN", 1, 1, "NONE"),
	     line_of(l3, sizeof l3, "ALICE", b, 'B', "PUN", 2, 1, "NONE"));
	ck_assert_int_eq(A("ORD RDR CLASS B"), CP_CMD_OK);
	rec_said(&ra, 1, "0001 FILE ORDERED");
	ck_assert_int_eq(A("ORDER RDR ALL"), CP_CMD_FAILED);
	rec_said(&ra, 1, "INVALID OPERAND - ALL");
	ck_assert_int_eq(A("ORDER RDR"), CP_CMD_FAILED);
	rec_said(&ra, 1, "OPERAND MISSING OR INVALID");
	ck_assert_int_eq(A("OR RDR 1"), CP_CMD_UNKNOWN);
	rec_said(&ra, 1, "?CP: OR");
}
END_TEST

START_TEST(test_change_alters_class_hold_name_and_dist)
{
	unsigned a = rdr_file("ALICE", 'A', 1);
	rdr_file("ALICE", 'A', 1);
	char cmd[80], l1[80], want[100];
	snprintf(cmd, sizeof cmd, "CHANGE RDR %u CLASS B HOLD NAME MY DECK DIST XYZ", a);
	ck_assert_int_eq(A(cmd), CP_CMD_OK);
	rec_said(&ra, 1, "0001 FILE CHANGED");
	snprintf(cmd, sizeof cmd, "Q RDR %u", a);
	ck_assert_int_eq(A(cmd), CP_CMD_OK);
	snprintf(want, sizeof want, "%s ", line_of(l1, sizeof l1, "ALICE", a, 'B', "PUN", 1, 1, "USER"));
	ck_assert_int_eq(strncmp(ra.lines[1], want, strlen(want)), 0);
	const char *tail = "MY       DECK     XYZ";
	ck_assert_str_eq(ra.lines[1] + strlen(ra.lines[1]) - strlen(tail), tail);
	ck_assert_int_eq(A("CH RDR ALL NOHOLD"), CP_CMD_OK);
	rec_said(&ra, 1, "0002 FILES CHANGED");
	ck_assert_int_eq(A("CHANGE RDR CLASS B CLASS C"), CP_CMD_OK);
	rec_said(&ra, 1, "0001 FILE CHANGED");
}
END_TEST

START_TEST(test_change_with_a_wrong_operand_changes_nothing)
{
	unsigned a = rdr_file("ALICE", 'A', 1);
	char cmd[80];
	snprintf(cmd, sizeof cmd, "CHANGE RDR %u", a);
	ck_assert_int_eq(A(cmd), CP_CMD_FAILED);
	rec_said(&ra, 1, "OPERAND MISSING OR INVALID");
	snprintf(cmd, sizeof cmd, "CHANGE RDR %u CLASS B COPY 100", a);
	ck_assert_int_eq(A(cmd), CP_CMD_FAILED);
	rec_said(&ra, 1, "COPIES MISSING OR INVALID");
	snprintf(cmd, sizeof cmd, "CHANGE RDR %u CLASS B DIST TOOLONGDIST", a);
	ck_assert_int_eq(A(cmd), CP_CMD_FAILED);
	rec_said(&ra, 1, "DISTCODE MISSING OR INVALID");
	snprintf(cmd, sizeof cmd, "CHANGE RDR %u CLASS B FROB", a);
	ck_assert_int_eq(A(cmd), CP_CMD_FAILED);
	rec_said(&ra, 1, "INVALID OPTION - FROB");
	ck_assert_int_eq(A("CHANGE RDR 42 CLASS B"), CP_CMD_FAILED);
	rec_said(&ra, 1, "SPOOLID 0042 DOES NOT EXIST");
	ck_assert_int_eq(A("Q RDR CLASS A"), CP_CMD_OK);
	ck_assert_uint_eq(ra.n, 2);
}
END_TEST

/* ---- TRANSFER ---- */

START_TEST(test_transfer_moves_files_and_tells_the_receiver)
{
	unsigned a = rdr_file("ALICE", 'A', 3);
	rec_pump_idle(sys, 20);
	rec_clear(&rb);
	char cmd[60], want[80];
	snprintf(cmd, sizeof cmd, "TRANSFER RDR %u TO BOB", a);
	ck_assert_int_eq(A(cmd), CP_CMD_OK);
	snprintf(want, sizeof want, "RDR FILE %04u TRANSFERRED TO BOB", a);
	rec_said(&ra, 2, want, "0001 FILE TRANSFERRED");
	rec_pump_idle(sys, 50);
	snprintf(want, sizeof want, "RDR FILE %04u TRANSFERRED FROM ALICE", a);
	rec_said(&rb, 1, want);
	ck_assert_int_eq(B("Q F"), CP_CMD_OK);
	rec_said(&rb, 1, "FILES: 001 RDR, NO PRT, NO PUN");
	ck_assert_int_eq(B("TRAN ALL *"), CP_CMD_OK);
	rec_said(&rb, 1, "NO FILES TRANSFERRED");
	ck_assert_int_eq(B("TRANSFER ALL TO NOBODY"), CP_CMD_FAILED);
	rec_said(&rb, 1, "NOBODY NOT IN CP DIRECTORY");
	ck_assert_int_eq(B("TRANSFER ALL TO"), CP_CMD_FAILED);
	rec_said(&rb, 1, "USERID MISSING OR INVALID");
	ck_assert_int_eq(B("TRANSFER PRT ALL TO ALICE"), CP_CMD_FAILED);
	rec_said(&rb, 1, "INVALID OPERAND - PRT");
	ck_assert_int_eq(B("TRANSFER ALL TO ALICE NOW"), CP_CMD_FAILED);
	rec_said(&rb, 1, "INVALID OPTION - NOW");
	ck_assert_int_eq(B("Q F"), CP_CMD_OK);
	rec_said(&rb, 1, "FILES: 001 RDR, NO PRT, NO PUN");
}
END_TEST

START_TEST(test_transfer_from_reclaims_files_one_sent)
{
	ck_assert_int_eq(A("SPOOL PUNCH TO BOB"), CP_CMD_OK);
	rec_said(&ra, 0);
	guest_write(alice, 0x00D, 0x01, "CARD ONE");
	ck_assert_int_eq(A("CLOSE PUN"), CP_CMD_OK);
	rec_said(&ra, 1, "PUN FILE 0001 TO BOB COPY 01 NOHOLD");
	rec_pump_idle(sys, 50);
	rec_said(&rb, 1, "PUN FILE 0001 FROM ALICE COPY 01 NOHOLD");
	ck_assert_int_eq(A("TRANSFER ALL FROM BOB"), CP_CMD_OK);
	rec_said(&ra, 2, "RDR FILE 0001 TRANSFERRED TO ALICE", "0001 FILE TRANSFERRED");
	ck_assert_int_eq(A("Q F"), CP_CMD_OK);
	rec_said(&ra, 1, "FILES: 001 RDR, NO PRT, NO PUN");
	ck_assert_int_eq(A("TRANSFER ALL FROM NOBODY"), CP_CMD_FAILED);
	rec_said(&ra, 1, "NOBODY NOT IN CP DIRECTORY");
}
END_TEST

/* ---- The operator (class D, no virtual machine) ---- */

START_TEST(test_class_d_operator_acts_on_anyones_files)
{
	unsigned a = rdr_file("ALICE", 'A', 1);
	rdr_file("BOB", 'B', 1);
	char cmd[60], l1[80];
	ck_assert_int_eq(op("Q RDR ALICE"), CP_CMD_OK);
	rec_said(&ro, 2, HEADER, line_of(l1, sizeof l1, "ALICE", a, 'A', "PUN", 1, 1, "NONE"));
	ck_assert_int_eq(op("Q RDR SYSTEM"), CP_CMD_OK);
	ck_assert_uint_eq(ro.n, 3);
	ck_assert_int_eq(op("Q RDR"), CP_CMD_OK);
	rec_said(&ro, 1, "NO RDR FILES");
	snprintf(cmd, sizeof cmd, "CHANGE RDR ALICE %u CLASS Q", a);
	ck_assert_int_eq(op(cmd), CP_CMD_OK);
	rec_said(&ro, 1, "0001 FILE CHANGED");
	snprintf(cmd, sizeof cmd, "TRANSFER RDR ALICE %u TO CAROL", a);
	ck_assert_int_eq(op(cmd), CP_CMD_OK);
	ck_assert_uint_eq(ro.n, 2);
	ck_assert_int_eq(op("PURGE RDR SYSTEM ALL"), CP_CMD_OK);
	rec_said(&ro, 1, "0002 FILES PURGED");
	ck_assert_int_eq(op("SPOOL PRT CLASS A"), CP_CMD_UNKNOWN);
}
END_TEST

/* ---- SPOOL and CLOSE ---- */

START_TEST(test_spool_sets_every_device_of_the_type)
{
	ck_assert_int_eq(A("SPOOL PRT CLASS C COPY 3 HOLD CONT"), CP_CMD_OK);
	rec_said(&ra, 0);
	struct vspool_settings s;
	vspool_get(vm_device(alice, 0x00E), &s);
	ck_assert_int_eq(s.class, 'C');
	ck_assert_uint_eq(s.copies, 3);
	ck_assert(s.hold && s.cont);
	vspool_get(vm_device(alice, 0x00F), &s);
	ck_assert_int_eq(s.class, 'C');
	ck_assert_int_eq(A("SP 00F CLASS D NOCONT NOHOLD COPY 1 FOR CAROL"), CP_CMD_OK);
	vspool_get(vm_device(alice, 0x00F), &s);
	ck_assert_int_eq(s.class, 'D');
	ck_assert(!s.hold && !s.cont);
	ck_assert_int_eq(s.route, VSPOOL_FOR);
	ck_assert_str_eq(s.dest, "CAROL");
	ck_assert_int_eq(A("SPOOL 00F OFF"), CP_CMD_OK);
	vspool_get(vm_device(alice, 0x00F), &s);
	ck_assert_int_eq(s.route, VSPOOL_OFF);
	ck_assert_int_eq(A("SPOOL READER CLASS X NOEOF HOLD"), CP_CMD_OK);
	vspool_get(vm_device(alice, 0x00C), &s);
	ck_assert_int_eq(s.class, 'X');
	ck_assert(!s.eof && s.hold);
	ck_assert_int_eq(A("SPOOL R CLASS * EOF"), CP_CMD_OK);
	vspool_get(vm_device(alice, 0x00C), &s);
	ck_assert_int_eq(s.class, '*');
	ck_assert(s.eof);
}
END_TEST

START_TEST(test_spool_with_a_wrong_operand_changes_nothing)
{
	static const struct {
		const char *line, *said;
	} bad[] = {
		{"SPOOL PUN TO NOBODY", "NOBODY NOT IN CP DIRECTORY"},
		{"SPOOL PUN CLASS B TO", "USERID MISSING OR INVALID"},
		{"SPOOL PRT CLASS 77", "CLASS MISSING OR INVALID"},
		{"SPOOL PRT CLASS *", "CLASS MISSING OR INVALID"},
		{"SPOOL PRT COPY 0", "COPIES MISSING OR INVALID"},
		{"SPOOL PRT CLASS B COPY 100", "COPIES MISSING OR INVALID"},
		{"SPOOL RDR COPY 2", "INVALID OPTION - COPY"},
		{"SPOOL PUN EOF", "INVALID OPTION - EOF"},
		{"SPOOL PRT CLASS B FROB", "INVALID OPTION - FROB"},
		{"SPOOL 123 CLASS A", "DEV 123 DOES NOT EXIST"},
		{"SPOOL XYZ CLASS A", "INVALID OPERAND - XYZ"},
		{"SPOOL PRT", "OPERAND MISSING OR INVALID"},
		{"SPOOL CONSOLE CLASS 77", "CLASS MISSING OR INVALID"},
		{"SPOOL 009 START FROB", "INVALID OPTION - FROB"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_ne(A(bad[i].line), CP_CMD_OK);
		rec_said(&ra, 1, bad[i].said);
	}
	struct vspool_settings s;
	vspool_get(vm_device(alice, 0x00E), &s);
	ck_assert_int_eq(s.class, 'A');
	ck_assert_uint_eq(s.copies, 1);
	vspool_get(vm_device(alice, 0x00D), &s);
	ck_assert_int_eq(s.route, VSPOOL_OFF);
	ck_assert_int_eq(s.class, 'A');
}
END_TEST

START_TEST(test_close_responds_only_for_copies_others_or_hold)
{
	guest_write(alice, 0x00E, 0x09, "LINE ONE");
	ck_assert_int_eq(A("CLOSE PRINTER"), CP_CMD_OK);
	rec_said(&ra, 0);
	ck_assert_int_eq(A("Q PRT"), CP_CMD_OK);
	char l1[80];
	rec_said(&ra, 2, HEADER, line_of(l1, sizeof l1, "ALICE", 1, 'A', "PRT", 1, 1, "NONE"));
	ck_assert_int_eq(A("SPOOL 00E COPY 2"), CP_CMD_OK);
	guest_write(alice, 0x00E, 0x09, "LINE ONE");
	ck_assert_int_eq(A("CLOSE 00E"), CP_CMD_OK);
	rec_said(&ra, 1, "PRT FILE 0002 FOR ALICE COPY 02 NOHOLD");
	ck_assert_int_eq(A("SPOOL 00E COPY 1"), CP_CMD_OK);
	guest_write(alice, 0x00E, 0x09, "LINE ONE");
	ck_assert_int_eq(A("CLOSE 00E HOLD NAME LIST ING DIST D1"), CP_CMD_OK);
	rec_said(&ra, 1, "PRT FILE 0003 FOR ALICE COPY 01 HOLD");
	ck_assert_int_eq(A("Q PRT 3"), CP_CMD_OK);
	const char *tail = "LIST     ING      D1";
	ck_assert_str_eq(ra.lines[1] + strlen(ra.lines[1]) - strlen(tail), tail);
	vm_set_msg(alice, CPSYS_SEND_SYS, false);
	guest_write(alice, 0x00E, 0x09, "LINE ONE");
	ck_assert_int_eq(A("CLOSE 00E HOLD"), CP_CMD_OK);
	rec_said(&ra, 0);
	ck_assert_int_eq(A("Q F"), CP_CMD_OK);
	rec_said(&ra, 1, "FILES: NO RDR, 004 PRT, NO PUN");
}
END_TEST

START_TEST(test_close_purge_and_cont)
{
	guest_write(alice, 0x00D, 0x01, "CARD");
	ck_assert_int_eq(A("CLOSE PUNCH PURGE"), CP_CMD_OK);
	rec_said(&ra, 0);
	ck_assert_int_eq(A("Q PUN"), CP_CMD_OK);
	rec_said(&ra, 1, "NO PUN FILES");
	ck_assert_int_eq(A("SPOOL PUN CONT"), CP_CMD_OK);
	guest_write(alice, 0x00D, 0x01, "CARD");
	ck_assert_int_eq(A("CLOSE PUN"), CP_CMD_OK);
	ck_assert_int_eq(A("Q PUN"), CP_CMD_OK);
	rec_said(&ra, 1, "NO PUN FILES");
	ck_assert_int_eq(A("SPOOL PUN NOCONT CLOSE"), CP_CMD_OK);
	rec_said(&ra, 0);
	ck_assert_int_eq(A("Q PUN"), CP_CMD_OK);
	ck_assert_uint_eq(ra.n, 2);
}
END_TEST

START_TEST(test_printer_cont_makes_one_file_of_several_closes)
{
	ck_assert_int_eq(A("SPOOL PRT CONT"), CP_CMD_OK);
	guest_write(alice, 0x00E, 0x09, "FIRST");
	ck_assert_int_eq(A("CLOSE PRT"), CP_CMD_OK);
	rec_said(&ra, 0);
	guest_write(alice, 0x00E, 0x09, "SECOND");
	ck_assert_int_eq(A("CLOSE 00E PURGE"), CP_CMD_OK);	/* ignored too */
	ck_assert_int_eq(A("Q F"), CP_CMD_OK);
	rec_said(&ra, 1, "FILES: NO RDR, NO PRT, NO PUN");
	ck_assert_int_eq(A("SPOOL PRT NOCONT"), CP_CMD_OK);
	ck_assert_uint_eq(vspool_open_id(vm_device(alice, 0x00E)), 1);	/* NOCONT does not close */
	ck_assert_int_eq(A("CLOSE PRT"), CP_CMD_OK);
	ck_assert_int_eq(A("Q PRT"), CP_CMD_OK);
	char l1[80];
	rec_said(&ra, 2, HEADER, line_of(l1, sizeof l1, "ALICE", 1, 'A', "PRT", 2, 1, "NONE"));
}
END_TEST

START_TEST(test_spool_console_cont_ignores_close_until_nocont)
{
	ck_assert_int_eq(A("SPOOL CONSOLE START CONT"), CP_CMD_OK);
	rec_said(&ra, 0);
	ck_assert_int_eq(A("Q V 009"), CP_CMD_OK);	/* QUERY shows it */
	ck_assert_uint_eq(ra.n, 2);
	ck_assert_str_eq(ra.lines[1], "     009 CL T CONT NOHOLD COPY 01 READY");
	guest_write(alice, 0x009, 0x09, "LINE ONE");
	ck_assert_int_eq(A("CLOSE CONSOLE"), CP_CMD_OK);
	rec_said(&ra, 0);
	ck_assert_int_eq(A("CLOSE 009 PURGE"), CP_CMD_OK);
	ck_assert_int_eq(A("Q F"), CP_CMD_OK);
	rec_said(&ra, 1, "FILES: NO RDR, NO PRT, NO PUN");
	guest_write(alice, 0x009, 0x09, "LINE TWO");
	ck_assert_int_eq(A("SPOOL CONSOLE NOCONT"), CP_CMD_OK);
	ck_assert_int_eq(A("CLOSE CONSOLE"), CP_CMD_OK);
	ck_assert_int_eq(A("Q PRT"), CP_CMD_OK);
	char l1[80];
	rec_said(&ra, 2, HEADER, line_of(l1, sizeof l1, "ALICE", 1, 'T', "CON", 2, 1, "NONE"));
	/* SPOOL CONSOLE CLOSE closes regardless of CONT. */
	ck_assert_int_eq(A("SPOOL 009 CONT"), CP_CMD_OK);
	guest_write(alice, 0x009, 0x09, "LINE THREE");
	ck_assert_int_eq(A("SPOOL CONSOLE CLOSE"), CP_CMD_OK);
	ck_assert_int_eq(A("Q F"), CP_CMD_OK);
	rec_said(&ra, 1, "FILES: NO RDR, 002 PRT, NO PUN");
	ck_assert_int_eq(A("SPOOL CONSOLE STOP NOCONT"), CP_CMD_OK);
}
END_TEST

/* ---- TRACE ... PRINTER|BOTH (cp/cmd_vm.c): trace lines on the lowest virtual printer ---- */

/* The text of printer file id (exported as the owner would), into buf. */
static void file_text(unsigned id, char *buf, size_t len)
{
	char path[128];
	snprintf(path, sizeof path, "%s/export.txt", tmpdir);
	struct spool_actor a = {.userid = "ALICE"};
	ck_assert_int_eq(spool_export(cpsys_spool(sys), &a, id, path, SPOOL_EXPORT_TEXT), SPOOL_OK);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Alice's guest issues SVC n at 0x2000 (the SVC new PSW goes on at 0x2100). */
static void guest_svc(uint8_t n)
{
	struct machine *m = vm_machine(alice);
	h_set_word(m, 0x60, 0x00000000u);
	h_set_word(m, 0x64, 0x00002100u);
	uint8_t svc[2] = {0x0A, n};
	h_put(m, 0x2000, svc, 2);
	rec_clear(&ra);
	ck_assert_int_eq(h_run(m, 0x2000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_ia(m), 0x2100);
}

START_TEST(test_trace_printer_and_both_write_on_the_lowest_printer)
{
	ck_assert_int_eq(A("DEFINE PRINTER 00B"), CP_CMD_OK);
	ck_assert_int_eq(A("TRACE SVC PRINTER"), CP_CMD_OK);
	rec_said(&ra, 1, "TRACE STARTED");
	guest_svc(0x05);
	rec_pump_idle(sys, 20);
	rec_said(&ra, 0);					/* nothing at the terminal, and no stop */
	ck_assert_uint_eq(vspool_open_id(vm_device(alice, 0x00E)), 0);
	unsigned id = vspool_open_id(vm_device(alice, 0x00B));
	ck_assert_uint_ne(id, 0);
	/* BOTH: the terminal too (RUN: the machine goes on). */
	ck_assert_int_eq(A("TRACE SVC BOTH RUN"), CP_CMD_OK);
	rec_said(&ra, 0);
	guest_svc(0x06);
	rec_pump_idle(sys, 20);
	rec_said(&ra, 1, "*** 002002 SVC  06 ==> 002100");
	ck_assert_int_eq(A("TRACE END"), CP_CMD_OK);
	rec_said(&ra, 1, "TRACE ENDED");
	ck_assert_int_eq(A("CLOSE 00B"), CP_CMD_OK);
	char text[512];
	file_text(id, text, sizeof text);
	ck_assert_str_eq(text, "*** 002002 SVC  05 ==> 002100\n*** 002002 SVC  06 ==> 002100\n");
	/* After TRACE END the terminal is the destination again. */
	ck_assert_int_eq(A("TRACE SVC RUN"), CP_CMD_OK);
	guest_svc(0x07);
	rec_pump_idle(sys, 20);
	rec_said(&ra, 1, "*** 002002 SVC  07 ==> 002100");
	ck_assert_uint_eq(vspool_open_id(vm_device(alice, 0x00B)), 0);
	ck_assert_int_eq(A("TRACE END"), CP_CMD_OK);
}
END_TEST

START_TEST(test_trace_printer_operand_errors)
{
	ck_assert_int_eq(A("TRACE SVC PRINTER RUN"), CP_CMD_FAILED);
	rec_said(&ra, 1, "INVALID OPTION - RUN");
	ck_assert_int_eq(A("TRACE SVC NORUN PRINTER"), CP_CMD_FAILED);
	rec_said(&ra, 1, "INVALID OPTION - NORUN");
	ck_assert_int_eq(A("TRACE SVC PRINTER TERMINAL"), CP_CMD_FAILED);
	rec_said(&ra, 1, "INVALID OPTION - TERMINAL");
	ck_assert_int_eq(A("TRACE SVC CCW"), CP_CMD_NOT_AVAILABLE);
	ck_assert_int_eq(A("DETACH 00E 00F"), CP_CMD_OK);
	ck_assert_int_eq(A("TRACE SVC BOTH"), CP_CMD_FAILED);
	rec_said(&ra, 1, "TRACE PRINTER NOT AVAILABLE; NO VIRTUAL PRINTER");
	ck_assert_int_eq(A("TRACE SVC PRINTER OFF"), CP_CMD_OK);	/* OFF needs none */
}
END_TEST

START_TEST(test_close_with_a_wrong_operand)
{
	static const struct {
		const char *line, *said;
	} bad[] = {
		{"CLOSE RDR PURGE", "INVALID OPTION - PURGE"},
		{"CLOSE PRT DIST", "DISTCODE MISSING OR INVALID"},
		{"CLOSE PRT NAME", "OPERAND MISSING OR INVALID"},
		{"CLOSE PRT NAME ABCDEFGHIJ", "INVALID OPERAND - ABCDEFGHIJ"},
		{"CLOSE PRT FROB", "INVALID OPTION - FROB"},
		{"CLOSE 0FF", "DEV 0FF DOES NOT EXIST"},
		{"CLOSE", "OPERAND MISSING OR INVALID"},
	};
	guest_write(alice, 0x00E, 0x09, "LINE");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(A(bad[i].line), CP_CMD_FAILED);
		rec_said(&ra, 1, bad[i].said);
	}
	ck_assert_uint_eq(vspool_open_id(vm_device(alice, 0x00E)), 1);
	ck_assert_int_eq(A("CLOSE CONSOLE"), CP_CMD_OK);
	ck_assert_int_eq(A("CLOSE READER HOLD"), CP_CMD_OK);
	rec_said(&ra, 0);
}
END_TEST

/* ---- DIAGNOSE X'14' ---- */

#define CODE 0x1000u
#define PAGEBUF 0x4000u
#define SFB 0x6000u

static struct machine *dm;
static struct cpu *dc;
static struct spool *dsp;
static struct diag_env denv;
static struct chan_dev *drdr;

static void dsetup(void)
{
	strcpy(tmpdir, "/tmp/check_cmd_spool.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	char d[128];
	snprintf(d, sizeof d, "%s/spool", tmpdir);
	ck_assert_int_eq(spool_open(d, NULL, &dsp, NULL), SPOOL_OK);
	dm = h_new(64 * 1024, false);
	dc = machine_cpu(dm);
	ck_assert_ptr_nonnull(drdr = vspool_attach_reader(dm, 0x00C, 2540, dsp, "MAINT", '*'));
	ck_assert_ptr_nonnull(vspool_attach_punch(dm, 0x00D, 2540, dsp, "MAINT", 'A'));
	denv = (struct diag_env){.m = dm, .c = dc, .userid = "MAINT", .classes = DIR_CLASS('G'),
				 .spool = dsp};
}

static void dteardown(void)
{
	machine_free(dm);
	spool_close(dsp);
	nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* A file for MAINT's reader: n records of the device type, "CARD 1" ... */
static unsigned dfile(enum spool_devtype t, unsigned n)
{
	struct spool_writer *w;
	struct spool_new nw = {.devtype = t, .origin = "OPERATOR", .to = "MAINT", .class = 'A',
			       .copies = 1, .name = "F", .type = "T"};
	ck_assert_int_eq(spool_create(dsp, &nw, &w), SPOOL_OK);
	for (unsigned i = 0; i < n; i++) {
		char text[16];
		uint8_t data[80];
		int len = snprintf(text, sizeof text, "CARD %u", i + 1);
		memset(data, 0x40, sizeof data);
		ascii_to_ebcdic_buf(data, text, (size_t)len);
		ck_assert_int_eq(spool_write(w, t == SPOOL_DEV_PUN ? 0x41 : 0x09, data,
					     t == SPOOL_DEV_PUN ? 80 : (size_t)len), SPOOL_OK);
	}
	struct spool_file_info info;
	ck_assert_int_eq(spool_commit(w, NULL, &info), SPOOL_OK);
	return info.id;
}

/* DIAGNOSE rx,ry,X'14' with Rx = x, Ry = y, Ry+1 = sub; the condition code. */
static unsigned d14(int rx, int ry, uint32_t x, uint32_t y, uint32_t sub)
{
	uint8_t insn[4] = {0x83, (uint8_t)(rx << 4 | ry), 0x00, 0x14};
	h_put(dm, CODE, insn, 4);
	cpu_set_gpr(dc, rx, x);
	cpu_set_gpr(dc, ry, y);
	cpu_set_gpr(dc, (ry + 1) & 15, sub);
	ck_assert_int_eq(h_run(dm, CODE, 1), MACHINE_EXIT_DIAGNOSE);
	struct machine_diagnose dg = cpu_last_diagnose(dc);
	cpu_set_cc(dc, 3);
	ck_assert_int_eq(diag_execute(&denv, &dg), DIAG_DONE);
	return h_cc(dm);
}

START_TEST(test_diag14_not_carried_out_yet_changes_nothing)
{
	dfile(SPOOL_DEV_PUN, 1);
	uint8_t insn[4] = {0x83, 0x24, 0x00, 0x14};
	h_put(dm, CODE, insn, 4);
	cpu_set_gpr(dc, 4, 0x00C);
	cpu_set_gpr(dc, 5, 0);
	ck_assert_int_eq(h_run(dm, CODE, 1), MACHINE_EXIT_DIAGNOSE);
	struct machine_diagnose dg = cpu_last_diagnose(dc);
	ck_assert_int_eq(diag_execute(&denv, &dg), DIAG_UNSUPPORTED);
	ck_assert_uint_eq(vspool_open_id(drdr), 0);
}
END_TEST

START_TEST(test_diag14_reads_a_file_a_page_at_a_time)
{
	unsigned id = dfile(SPOOL_DEV_PUN, 3);
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x00C, 0x0000), 0);
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 0), 0);   /* the last page */
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 4), 0);   /* the first */
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 8), id);
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 12), 3);
	uint8_t rec[16];
	h_get(dm, PAGEBUF + 16, rec, sizeof rec);
	ck_assert_uint_eq(rec[0], 0x41);
	ck_assert_uint_eq(be16(rec + 6), 80);
	char text[7];
	ebcdic_to_ascii_buf(text, rec + 8, 6);
	text[6] = '\0';
	ck_assert_str_eq(text, "CARD 1");
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 16 + 88 + 88) >> 24, 0x41);
	ck_assert_uint_eq(vspool_open_id(drdr), id);
	/* The end: CC 1, and the file (NOHOLD) is gone. */
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x00C, 0x0000), 1);
	ck_assert_uint_eq(vspool_open_id(drdr), 0);
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x00C, 0x0000), 2);
}
END_TEST

START_TEST(test_diag14_long_files_take_several_pages_and_restart)
{
	dfile(SPOOL_DEV_PUN, 100); /* 88 bytes a card: 45 a page */
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x00C, 0x0000), 0);
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 12), 45);
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 0), 46);
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x00C, 0x0000), 0);
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 4), 46);
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x00C, 0x0000), 0);
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 12), 10);
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 0), 0);
	/* Restart: the first page again; backspace: one record back. */
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x00C, 0x0014), 0);
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 4), 0);
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x00C, 0x0018), 0);
	ck_assert_uint_eq(h_word(dm, PAGEBUF + 4), 45);
}
END_TEST

START_TEST(test_diag14_operand_errors)
{
	dfile(SPOOL_DEV_PUN, 1);
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x0FF, 0x0000), 3);
	ck_assert_uint_eq(cpu_get_gpr(dc, 5), 4);
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x00D, 0x0000), 3);
	ck_assert_uint_eq(cpu_get_gpr(dc, 5), 8);
	vspool_set_ready(drdr, false);
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x00C, 0x0000), 3);
	ck_assert_uint_eq(cpu_get_gpr(dc, 5), 12);
	vspool_set_ready(drdr, true);
	(void)d14(2, 4, PAGEBUF + 8, 0x00C, 0x0000);
	ck_assert(h_program_interrupted(dm));
	ck_assert_uint_eq(h_pic(dm), 6);
	(void)d14(2, 5, PAGEBUF, 0x00C, 0x0000);
	ck_assert(h_program_interrupted(dm));
	ck_assert_uint_eq(h_pic(dm), 6);
	(void)d14(2, 4, 0x10000, 0x00C, 0x0000);
	ck_assert(h_program_interrupted(dm));
	ck_assert_uint_eq(h_pic(dm), 5);
	ck_assert_uint_eq(d14(2, 4, PAGEBUF, 0x00C, 0x0014), 2); /* nothing active */
	ck_assert_uint_eq(d14(2, 4, SFB, 0x00C, 0x001C), 2);     /* no monitor files */
	ck_assert_uint_eq(vspool_open_id(drdr), 0);
}
END_TEST

START_TEST(test_diag14_sfbloks_and_select)
{
	unsigned p1 = dfile(SPOOL_DEV_PUN, 2), prt = dfile(SPOOL_DEV_PRT, 4), p2 = dfile(SPOOL_DEV_PUN, 1);
	ck_assert_uint_eq(d14(2, 4, SFB, 0x00C, 0x0008), 0);
	ck_assert_uint_eq(h_word(dm, SFB + 0x18), 2);
	ck_assert_uint_eq(h_word(dm, SFB + 0x1C) & 0xFFFF, p1);
	ck_assert_uint_eq(vspool_open_id(drdr), p1);
	ck_assert_uint_eq(d14(2, 4, SFB, 0x00C, 0x0008), 0);
	ck_assert_uint_eq(h_word(dm, SFB + 0x1C) & 0xFFFF, p2);
	ck_assert_uint_eq(d14(2, 4, SFB, 0x00C, 0x0008), 1);
	ck_assert_uint_eq(d14(2, 4, SFB, 0x00C, 0x0004), 0);
	ck_assert_uint_eq(h_word(dm, SFB + 0x1C) & 0xFFFF, prt);
	ck_assert_uint_eq(h_word(dm, SFB + 0x1C) >> 16, 132);
	char owner[9];
	uint8_t b[8];
	h_get(dm, SFB + 8, b, 8);
	ebcdic_to_ascii_buf(owner, b, 8);
	owner[8] = '\0';
	ck_assert_str_eq(owner, "MAINT   ");
	/* Select: the file goes first; X'10' on the active one. */
	ck_assert_uint_eq(d14(2, 4, p2, 0x00C, 0x000C), 0);
	ck_assert_uint_eq(d14(2, 4, 9999, 0x00C, 0x000C), 2);
	ck_assert_uint_eq(d14(2, 4, 3, 0x00C, 0x0010), 0);
	(void)d14(2, 4, 0, 0x00C, 0x0010);
	ck_assert_uint_eq(h_pic(dm), 6);
}
END_TEST

START_TEST(test_diag14_file_descriptors)
{
	unsigned a = dfile(SPOOL_DEV_PUN, 2), b = dfile(SPOOL_DEV_PRT, 1);
	ck_assert_uint_eq(d14(2, 4, SFB, 0, 0x0FFF), 0);
	ck_assert_uint_eq(h_word(dm, SFB + 0x1C) & 0xFFFF, a);
	ck_assert_uint_eq(h_word(dm, SFB + 104) >> 24, 0x41); /* the first record's CCW */
	ck_assert_uint_eq(h_word(dm, SFB + 108) & 0xFFFF, 80);
	ck_assert_uint_eq(d14(2, 4, SFB, a, 0x0FFF), 0);
	ck_assert_uint_eq(h_word(dm, SFB + 0x1C) & 0xFFFF, b);
	ck_assert_uint_eq(d14(2, 4, SFB, b, 0x0FFF), 1);
	ck_assert_uint_eq(d14(2, 4, SFB, 4321, 0x0FFF), 2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cmd_spool");
	TCase *tq = tcase_create("commands");
	tcase_add_checked_fixture(tq, setup, teardown);
	tcase_set_timeout(tq, 10);
	tcase_add_test(tq, test_query_rdr_lists_own_files_in_order);
	tcase_add_test(tq, test_query_rdr_all_and_spoolid_give_the_long_lines);
	tcase_add_test(tq, test_query_files_counts_each_queue);
	tcase_add_test(tq, test_purge_by_spoolid_class_and_all);
	tcase_add_test(tq, test_purge_with_a_wrong_operand_changes_nothing);
	tcase_add_test(tq, test_class_g_user_cannot_touch_another_users_files);
	tcase_add_test(tq, test_imsg_off_suppresses_the_counts);
	tcase_add_test(tq, test_order_puts_the_named_files_first);
	tcase_add_test(tq, test_change_alters_class_hold_name_and_dist);
	tcase_add_test(tq, test_change_with_a_wrong_operand_changes_nothing);
	tcase_add_test(tq, test_transfer_moves_files_and_tells_the_receiver);
	tcase_add_test(tq, test_transfer_from_reclaims_files_one_sent);
	tcase_add_test(tq, test_class_d_operator_acts_on_anyones_files);
	tcase_add_test(tq, test_spool_sets_every_device_of_the_type);
	tcase_add_test(tq, test_spool_with_a_wrong_operand_changes_nothing);
	tcase_add_test(tq, test_close_responds_only_for_copies_others_or_hold);
	tcase_add_test(tq, test_close_purge_and_cont);
	tcase_add_test(tq, test_printer_cont_makes_one_file_of_several_closes);
	tcase_add_test(tq, test_spool_console_cont_ignores_close_until_nocont);
	tcase_add_test(tq, test_trace_printer_and_both_write_on_the_lowest_printer);
	tcase_add_test(tq, test_trace_printer_operand_errors);
	tcase_add_test(tq, test_close_with_a_wrong_operand);
	suite_add_tcase(s, tq);
	TCase *td = tcase_create("diagnose x14");
	tcase_add_checked_fixture(td, dsetup, dteardown);
	if (diag_supported(0x14)) {
		tcase_add_test(td, test_diag14_reads_a_file_a_page_at_a_time);
		tcase_add_test(td, test_diag14_long_files_take_several_pages_and_restart);
		tcase_add_test(td, test_diag14_operand_errors);
		tcase_add_test(td, test_diag14_sfbloks_and_select);
		tcase_add_test(td, test_diag14_file_descriptors);
	} else {
		tcase_add_test(td, test_diag14_not_carried_out_yet_changes_nothing);
	}
	suite_add_tcase(s, td);
	return s;
}

int main(void)
{
	return check_run(suite());
}
