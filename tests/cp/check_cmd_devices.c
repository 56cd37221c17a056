/*
 * check_cmd_devices.c - the device commands (cp/cmd_devices.c): LINK (modes, passwords on the line
 * and at the prompt, the attention key at the prompt, every operand error), DETACH (one address,
 * several, a range, the console, SET IMSG OFF), DEFINE (spooled devices, T-disks, errors), QUERY
 * VIRTUAL (every operand), QUERY LINKS and QUERY DASD, and the operator's and privilege cases.
 *
 * Each test builds a real system in a scratch folder: a directory with clear passwords, the spool,
 * one small compressed 3350 volume (TSTVOL) and a dispatcher thread. Users log on with vm_logon()
 * at recording terminals; a command is a line typed at the terminal (it runs on the user's task,
 * as in the daemon) and its responses are what cpsys_flush() hands the terminal before the next CP
 * READ. QUERY LINKS and QUERY DASD are called through cmd_query_devices() directly (QUERY's handler
 * in command.c hands them over); the user's task is idle then, waiting for a line.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cp/cmd.h"
#include "cp/command.h"
#include "cp/directory.h"
#include "cp/minidisk.h"
#include "cp/vm.h"
#include "cp/volumes.h"
#include "machine/channel.h"
#include "machine/machine.h"
#include "tests/check_run.h"
#include "tests/cp/rec_term.h"


static const char dir_text[] =
	"USER OPERATOR OPERPW 1M 16M ABCDEFG\n"
	" CONSOLE 009 3215\n"
	"USER MAINT MAINTPW 1M 16M G\n"
	" CONSOLE 009 3215\n"
	" SPOOL 00C 2540 READER *\n"
	" MDISK 190 3350 001 010 TSTVOL MR ALL\n"
	" MDISK 191 3350 011 005 TSTVOL MR RPASS WPASS MPASS\n"
	" MDISK 192 3350 016 005 TSTVOL W\n"
	" MDISK 193 3350 038 END TSTVOL RR ALL\n"
	"USER USER1 USER1PW 1M 4M G\n"
	" CONSOLE 009 3215\n"
	" SPOOL 00C 2540 READER *\n"
	" SPOOL 00D 2540 PUNCH A\n"
	" SPOOL 00E 1403 A\n"
	" LINK MAINT 190 190 RR\n"
	" MDISK 191 3350 021 005 TSTVOL MR\n"
	"USER USER2 USER2PW 1M 4M G\n"
	" CONSOLE 009 3215\n"
	" MDISK 191 3350 026 005 TSTVOL MR\n"
	"USER ECUSER ECPW 1M 4M G\n"
	" OPTION ECMODE\n"
	" CONSOLE 009 3215\n";

/* ---- The system ---- */

static char folder[] = "/tmp/check_cmd_devices.XXXXXX";
static struct directory *dir;
static struct cpsys *sys;

struct user {
	struct rec_term rec;
	struct vmblok *vm;
	const struct dir_user *u;
};
static struct user user1, maint, user2, ecuser;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Log userid on at u's new recording terminal, as terminal address line. */
static void logon(struct user *u, const char *userid, unsigned line)
{
	memset(u, 0, sizeof *u);
	rec_term_init(&u->rec);
	u->u = dir_find(dir, userid);
	u->vm = rec_logon(sys, u->u, &u->rec, line);
}

/* Type line at u's terminal; its responses are in u->rec.lines when the next CP READ comes. */
static void type(struct user *u, const char *line)
{
	rec_type(sys, &u->rec, line);
}

/* Type line (the first string) and expect exactly the lines given. */
#define EXPECT(u, ...) REC_TYPE_EXPECT(sys, &(u)->rec, __VA_ARGS__)

/* QUERY LINKS / DASD through cmd_query_devices() with u's (or the operator's, u NULL) context. */
static enum cp_cmd_rc direct(struct user *u, struct rec_term *out, unsigned classes, const char *line)
{
	struct cp_cmd_line cl;
	cp_cmd_tokenize(&cl, line);
	rec_clear(out);
	struct cp_cmd_ctx ctx = {.t = &out->t, .user = u ? u->u : NULL, .classes = classes,
				 .vm = u ? u->vm : NULL, .sys = sys};
	enum cp_cmd_rc rc = cmd_query_devices(&ctx, &cl);
	cp_cmd_show(&ctx, &cl, rc);
	return rc;
}

static void setup(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	strcpy(folder, "/tmp/check_cmd_devices.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(folder));
	char spool[sizeof folder + 16], vols[sizeof folder + 16];
	snprintf(spool, sizeof spool, "%s/spool", folder);
	snprintf(vols, sizeof vols, "%s/volumes", folder);
	ck_assert_int_eq(mkdir(spool, 0700), 0);
	ck_assert_int_eq(mkdir(vols, 0700), 0);
	ck_assert_int_eq(vol_create(vols, "TSTVOL", "3350", 40, true, NULL, 0), VOL_OK);

	struct dir_diags dg;
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_parse(dir_text, strlen(dir_text), "test", DIR_ALLOW_CLEAR, &dir, &dg), DIR_OK);
	dir_diags_free(&dg);
	struct cpsys_config cfg = {.dir = dir, .spool_dir = spool, .volumes_dir = vols, .threads = 1};
	sys = cpsys_new(&cfg);
	ck_assert_ptr_nonnull(sys);
}

static void teardown(void)
{
	cpsys_free(sys);
	dir_free(dir);
	nftw(folder, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- LINK ---- */

START_TEST(test_logon_links_show_in_query_virtual_dasd)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "QUERY VIRTUAL DASD", "DASD 190 3350 TSTVOL R/O 010 CYL", "DASD 191 3350 TSTVOL R/W 005 CYL");
}
END_TEST

START_TEST(test_link_password_all_needs_no_prompt)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "LINK MAINT 190 290 RR", "DASD 290 LINKED R/O");
	EXPECT(&user1, "Q V 290", "DASD 290 3350 TSTVOL R/O 010 CYL");
	/* END: the rest of the 40-cylinder volume from cylinder 38. */
	EXPECT(&user1, "LINK TO MAINT 193 AS 293", "DASD 293 LINKED R/O");
	EXPECT(&user1, "Q V 293", "DASD 293 3350 TSTVOL R/O 002 CYL");
	ck_assert(!user1.rec.hidden);
}
END_TEST

START_TEST(test_link_prompts_for_the_password_hidden)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "LINK MAINT 191 291 RR", "ENTER READ PASSWORD:");
	ck_assert(user1.rec.hidden);
	EXPECT(&user1, "rpass", "DASD 291 LINKED R/O");
	ck_assert(!user1.rec.hidden);
	EXPECT(&user1, "LINK MAINT 191 391 MR", "ENTER MULT PASSWORD:");
	EXPECT(&user1, "MPASS", "DASD 391 LINKED R/W");	/* his own R/O link is no other user's */
	EXPECT(&user1, "Q V 391", "DASD 391 3350 TSTVOL R/W 005 CYL");
}
END_TEST

START_TEST(test_link_wrong_password_at_prompt_links_nothing)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "LINK MAINT 191 291 W", "ENTER WRITE PASSWORD:");
	EXPECT(&user1, "RPASS", "PASSWORD INCORRECT");
	ck_assert(!user1.rec.hidden);
	EXPECT(&user1, "Q V 291", "DEV 291 DOES NOT EXIST");
	/* A null line is an incorrect password too. */
	EXPECT(&user1, "LINK MAINT 191 291", "ENTER READ PASSWORD:");
	EXPECT(&user1, "", "PASSWORD INCORRECT");
}
END_TEST

START_TEST(test_link_password_on_the_line_every_form)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "LINK MAINT 191 291 RR PASS=WRONG", "PASSWORD INCORRECT");
	EXPECT(&user1, "LINK MAINT 191 291 RR PASS=rpass", "DASD 291 LINKED R/O");
	EXPECT(&user1, "LINK MAINT 191 292 RR PASS= RPASS", "DASD 292 LINKED R/O");
	EXPECT(&user1, "LINK T MAINT 191 A 293 R RPASS", "DASD 293 LINKED R/O");
	/* The default mode for another's disk is R, and the password is the read one. */
	EXPECT(&user1, "LINK MAINT 191 294 RPASS", "DASD 294 LINKED R/O");
	EXPECT(&user1, "Q V DASD", "DASD 190 3350 TSTVOL R/O 010 CYL", "DASD 191 3350 TSTVOL R/W 005 CYL",
	       "DASD 291 3350 TSTVOL R/O 005 CYL", "DASD 292 3350 TSTVOL R/O 005 CYL",
	       "DASD 293 3350 TSTVOL R/O 005 CYL", "DASD 294 3350 TSTVOL R/O 005 CYL");
}
END_TEST

START_TEST(test_link_attention_cancels_the_prompt)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "LINK MAINT 191 291 RR", "ENTER READ PASSWORD:");
	unsigned before = user1.rec.reads;
	rec_attention(&user1.rec);
	rec_pump_read(sys, &user1.rec, before);
	ck_assert(!user1.rec.hidden);
	/* The next line is a command again, not a password. */
	EXPECT(&user1, "RPASS", "?CP: RPASS");
	EXPECT(&user1, "Q V 291", "DEV 291 DOES NOT EXIST");
}
END_TEST

START_TEST(test_link_at_an_address_in_use_changes_nothing)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "LINK MAINT 190 190 RR", "MAINT 190 NOT LINKED; DASD 190 ALREADY DEFINED");
	EXPECT(&user1, "LINK MAINT 190 00C RR", "MAINT 190 NOT LINKED; DASD 00C ALREADY DEFINED");
	EXPECT(&user1, "LINK * 191 191", "USER1 191 NOT LINKED; DASD 191 ALREADY DEFINED");
	EXPECT(&user1, "Q V UR", "RDR 00C CL * NOCONT NOHOLD EOF READY", "PUN 00D CL A NOCONT NOHOLD COPY 01 READY",
	       "    00D FOR USER1 DIST USER1", "PRT 00E CL A NOCONT NOHOLD COPY 01 READY",
	       "    00E FOR USER1 DIST USER1");
	/* Linked a second time at a free address: a second link to the same disk. */
	EXPECT(&user1, "LINK * 191 391", "DASD 391 LINKED R/W");
}
END_TEST

static const struct {
	const char *line;
	const char *response;
} link_errors[] = {
	{"LINK", "USERID MISSING OR INVALID"},
	{"LINK TO", "USERID MISSING OR INVALID"},
	{"LINK LONGUSERID 191 291", "USERID MISSING OR INVALID"},
	{"LINK MAINT", "VADDR MISSING OR INVALID"},
	{"LINK MAINT 19G 291", "VADDR MISSING OR INVALID"},
	{"LINK MAINT 190", "VADDR MISSING OR INVALID"},
	{"LINK MAINT 190 AS", "VADDR MISSING OR INVALID"},
	{"LINK MAINT 190 1000", "VADDR MISSING OR INVALID"},
	{"LINK MAINT 190 600 RR", "VADDR MISSING OR INVALID"},
	{"LINK MAINT 190 291 RR PASS=", "INVALID OPTION - PASS="},
	{"LINK MAINT 190 291 RR PW EXTRA", "INVALID OPTION - EXTRA"},
	{"LINK NOBODY 191 291", "NOBODY 191 NOT LINKED; NOT IN CP DIRECTORY"},
	{"LINK MAINT 199 291", "MAINT 199 NOT LINKED; NOT IN CP DIRECTORY"},
	{"LINK MAINT 00C 291", "MAINT 00C NOT LINKED; INVALID LINK DEVICE"},
	{"LINK MAINT 192 291 W", "MAINT 192 NOT LINKED; NO WRITE PASSWORD"},
	{"LINK MAINT 192 291 RR", "MAINT 192 NOT LINKED; NO READ PASSWORD"},
	{"LINK MAINT 190 291 MW", "MAINT 190 NOT LINKED; NO MULT PASSWORD"},
	{"LINK USER2 191 291 R", "USER2 191 NOT LINKED; NO READ PASSWORD"},
};

START_TEST(test_link_operand_errors_change_nothing)
{
	logon(&user1, "USER1", 0x020);
	size_t ndev;
	vm_devices(user1.vm, &ndev);
	for (size_t i = 0; i < sizeof link_errors / sizeof link_errors[0]; i++)
		EXPECT(&user1, link_errors[i].line, link_errors[i].response);
	size_t after;
	vm_devices(user1.vm, &after);
	ck_assert_uint_eq(after, ndev);
	struct mdisk_link_info li;
	ck_assert(!mdisk_link_at(cpsys_links(sys), "USER1", 0x291, &li));
}
END_TEST

START_TEST(test_link_above_5ff_with_ecmode)
{
	logon(&ecuser, "ECUSER", 0x021);
	EXPECT(&ecuser, "LINK MAINT 190 600 RR", "DASD 600 LINKED R/O");
}
END_TEST

START_TEST(test_link_mode_against_other_users_links)
{
	logon(&maint, "MAINT", 0x021);
	logon(&user1, "USER1", 0x020);
	/* MAINT has his 191 R/W (MR, his own). */
	EXPECT(&user1, "LINK MAINT 191 291 RR RPASS", "DASD 291 LINKED R/O; R/W BY MAINT");
	EXPECT(&user1, "LINK MAINT 191 292 R RPASS", "MAINT 191 NOT LINKED; R/W BY MAINT");
	EXPECT(&user1, "LINK MAINT 191 293 W WPASS", "MAINT 191 NOT LINKED; R/W BY MAINT");
	EXPECT(&user1, "LINK MAINT 191 294 MR MPASS", "DASD 294 LINKED R/O; R/W BY MAINT");
	/* Two of USER1's links are one user's. */
	logon(&user2, "USER2", 0x022);
	EXPECT(&user2, "LINK MAINT 191 391 MW MPASS", "DASD 391 LINKED R/W; R/W BY MAINT; R/O BY USER1");
}
END_TEST

/* ---- DETACH ---- */

START_TEST(test_detach_one_device_of_each_kind)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "DETACH 191", "DASD 191 DETACHED");
	struct mdisk_link_info li;
	ck_assert(!mdisk_link_at(cpsys_links(sys), "USER1", 0x191, &li));
	EXPECT(&user1, "Q V 191", "DEV 191 DOES NOT EXIST");
	EXPECT(&user1, "DET 00C", "RDR 00C DETACHED");
	EXPECT(&user1, "DET D", "PUN 00D DETACHED");
	EXPECT(&user1, "DETACH 0E", "PRT 00E DETACHED");
	EXPECT(&user1, "DETACH 009", "CONS 009 DETACHED");
	EXPECT(&user1, "Q V", "STORAGE = 01024K", "DASD 190 3350 TSTVOL R/O 010 CYL");
	EXPECT(&user1, "DETACH 191", "DEV 191 DOES NOT EXIST");
	/* The address is free again: LINK may use it. */
	EXPECT(&user1, "LINK * 191 191", "DASD 191 LINKED R/W");
}
END_TEST

START_TEST(test_detach_several_and_ranges)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "DETACH 00D 333 00E", "DEV 333 DOES NOT EXIST", "00D 00E DETACHED");
	EXPECT(&user1, "DETACH 190-191", "190 191 DETACHED");
	EXPECT(&user1, "DETACH 500-5FF", "DEV 500 DOES NOT EXIST");
	EXPECT(&user1, "DETACH 00C 00C", "DEV 00C DOES NOT EXIST", "00C DETACHED");
	EXPECT(&user1, "Q V", "STORAGE = 01024K", "CONS 009 ON LINE 020 TERM STOP",
	       "     009 CL T NOCONT NOHOLD COPY 01 READY");
}
END_TEST

START_TEST(test_detach_operand_errors_change_nothing)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "DETACH", "VADDR MISSING OR INVALID");
	EXPECT(&user1, "DETACH XYZ", "VADDR MISSING OR INVALID");
	EXPECT(&user1, "DETACH 190 19G", "VADDR MISSING OR INVALID");
	EXPECT(&user1, "DETACH 191-190", "VADDR MISSING OR INVALID");
	EXPECT(&user1, "DETACH 190-", "VADDR MISSING OR INVALID");
	EXPECT(&user1, "DETACH 1900-1901", "VADDR MISSING OR INVALID");
	EXPECT(&user1, "DETACH 190-191 192", "INVALID OPTION - 192");
	EXPECT(&user1, "DETACH 190 191-192", "INVALID OPTION - 191-192");
	EXPECT(&user1, "DETACH CHANNEL 1", "DETACH CHANNEL NOT YET AVAILABLE");
	EXPECT(&user1, "Q V DASD", "DASD 190 3350 TSTVOL R/O 010 CYL", "DASD 191 3350 TSTVOL R/W 005 CYL");
}
END_TEST

START_TEST(test_detach_and_define_are_quiet_with_imsg_off)
{
	logon(&user1, "USER1", 0x020);
	vm_set_msg(user1.vm, CPSYS_SEND_SYS, false);	/* SET IMSG OFF; the task waits for a line */
	type(&user1, "DETACH 191");
	ck_assert_uint_eq(user1.rec.n, 0);
	type(&user1, "DEFINE READER 01C");
	ck_assert_uint_eq(user1.rec.n, 0);
	EXPECT(&user1, "Q V 01C", "RDR 01C CL * NOCONT NOHOLD EOF READY");
	EXPECT(&user1, "DETACH 191", "DEV 191 DOES NOT EXIST");
}
END_TEST

/* ---- DEFINE ---- */

START_TEST(test_define_spooled_devices)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "DEFINE PUNCH 01D", "PUN 01D DEFINED");
	EXPECT(&user1, "Q V 01D", "PUN 01D CL A NOCONT NOHOLD COPY 01 READY", "    01D FOR USER1 DIST USER1");
	EXPECT(&user1, "DEF RDR AS 01C", "RDR 01C DEFINED");
	EXPECT(&user1, "DEF R 02C", "RDR 02C DEFINED");
	EXPECT(&user1, "DEFINE 3211 00F", "PRT 00F DEFINED");
	EXPECT(&user1, "DEFINE PRINTER 01E", "PRT 01E DEFINED");
	EXPECT(&user1, "DEFINE 3525 02D", "PUN 02D DEFINED");
	EXPECT(&user1, "Q V UR", "RDR 00C CL * NOCONT NOHOLD EOF READY", "PUN 00D CL A NOCONT NOHOLD COPY 01 READY",
	       "    00D FOR USER1 DIST USER1", "PRT 00E CL A NOCONT NOHOLD COPY 01 READY",
	       "    00E FOR USER1 DIST USER1", "PRT 00F CL A NOCONT NOHOLD COPY 01 READY",
	       "    00F FOR USER1 DIST USER1", "RDR 01C CL * NOCONT NOHOLD EOF READY",
	       "PUN 01D CL A NOCONT NOHOLD COPY 01 READY", "    01D FOR USER1 DIST USER1",
	       "PRT 01E CL A NOCONT NOHOLD COPY 01 READY", "    01E FOR USER1 DIST USER1",
	       "RDR 02C CL * NOCONT NOHOLD EOF READY", "PUN 02D CL A NOCONT NOHOLD COPY 01 READY",
	       "    02D FOR USER1 DIST USER1");
	EXPECT(&user1, "DETACH 01D", "PUN 01D DETACHED");
}
END_TEST

static const struct {
	const char *line;
	const char *response;
} define_errors[] = {
	{"DEFINE", "OPERAND MISSING OR INVALID"},
	{"DEFINE FROB 100", "INVALID OPERAND - FROB"},
	{"DEFINE READER", "VADDR MISSING OR INVALID"},
	{"DEFINE READER AS", "VADDR MISSING OR INVALID"},
	{"DEFINE READER 1000", "VADDR MISSING OR INVALID"},
	{"DEFINE READER 600", "VADDR MISSING OR INVALID"},
	{"DEFINE READER 01C X", "INVALID OPTION - X"},
	{"DEFINE PRINTER 00E", "DEV 00E NOT DEFINED; DEV 00E ALREADY DEFINED"},
	{"DEFINE PUNCH 191", "DEV 191 NOT DEFINED; DEV 191 ALREADY DEFINED"},
	{"DEFINE T3350 200", "OPERAND MISSING OR INVALID"},
	{"DEFINE T3350 200 CYL", "OPERAND MISSING OR INVALID"},
	{"DEFINE T3350 200 CYL 0", "OPERAND MISSING OR INVALID"},
	{"DEFINE T3350 200 CYL X5", "OPERAND MISSING OR INVALID"},
	{"DEFINE T3350 200 CYL -5", "OPERAND MISSING OR INVALID"},
	{"DEFINE T3350 200 5 6", "INVALID OPTION - 6"},
	{"DEFINE T3350 191 5", "DEV 191 NOT DEFINED; DEV 191 ALREADY DEFINED"},
	{"DEFINE T3350 AS 200 CYL 5", "DASD 200 NOT DEFINED; TEMP SPACE NOT AVAILABLE"},
	{"DEFINE T3330 201 10", "DASD 201 NOT DEFINED; TEMP SPACE NOT AVAILABLE"},
	{"DEFINE CONSOLE 01F", "DEFINE CONSOLE NOT YET AVAILABLE"},
	{"DEFINE CHANNELS SEL", "DEFINE CHANNELS NOT YET AVAILABLE"},
	{"DEFINE 00C 01C", "DEFINE VADDR NOT YET AVAILABLE"},
};

START_TEST(test_define_errors_change_nothing)
{
	logon(&user1, "USER1", 0x020);
	size_t ndev;
	vm_devices(user1.vm, &ndev);
	for (size_t i = 0; i < sizeof define_errors / sizeof define_errors[0]; i++)
		EXPECT(&user1, define_errors[i].line, define_errors[i].response);
	size_t after;
	vm_devices(user1.vm, &after);
	ck_assert_uint_eq(after, ndev);
}
END_TEST

/* ---- QUERY VIRTUAL ---- */

START_TEST(test_query_virtual_every_operand)
{
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "QUERY VIRTUAL", "STORAGE = 01024K", "CONS 009 ON LINE 020 TERM STOP",
	       "     009 CL T NOCONT NOHOLD COPY 01 READY", "RDR 00C CL * NOCONT NOHOLD EOF READY",
	       "PUN 00D CL A NOCONT NOHOLD COPY 01 READY", "    00D FOR USER1 DIST USER1",
	       "PRT 00E CL A NOCONT NOHOLD COPY 01 READY", "    00E FOR USER1 DIST USER1",
	       "DASD 190 3350 TSTVOL R/O 010 CYL", "DASD 191 3350 TSTVOL R/W 005 CYL");
	type(&user1, "Q V ALL");
	ck_assert_uint_eq(user1.rec.n, 10);
	EXPECT(&user1, "Q V STOR", "STORAGE = 01024K");
	EXPECT(&user1, "Q V CON", "CONS 009 ON LINE 020 TERM STOP", "     009 CL T NOCONT NOHOLD COPY 01 READY");
	EXPECT(&user1, "Q V 9", "CONS 009 ON LINE 020 TERM STOP", "     009 CL T NOCONT NOHOLD COPY 01 READY");
	EXPECT(&user1, "Q V 00C", "RDR 00C CL * NOCONT NOHOLD EOF READY");
	EXPECT(&user1, "Q V 190", "DASD 190 3350 TSTVOL R/O 010 CYL");
	EXPECT(&user1, "Q V 333", "DEV 333 DOES NOT EXIST");
	EXPECT(&user1, "Q V FROB", "INVALID OPERAND - FROB");
	EXPECT(&user1, "Q V CHANNELS", "QUERY VIRTUAL CHANNELS NOT YET AVAILABLE");
	EXPECT(&user1, "Q V DASD X", "INVALID OPTION - X");
}
END_TEST

/* ---- QUERY LINKS, QUERY DASD ---- */

START_TEST(test_query_links)
{
	logon(&maint, "MAINT", 0x021);
	logon(&user1, "USER1", 0x020);
	logon(&user2, "USER2", 0x022);
	EXPECT(&user2, "LINK MAINT 190 190", "MAINT 190 NOT LINKED; R/W BY MAINT");
	EXPECT(&user2, "LINK MAINT 190 190 RR", "DASD 190 LINKED R/O; R/W BY MAINT");
	EXPECT(&user2, "LINK MAINT 190 290 RR", "DASD 290 LINKED R/O; R/W BY MAINT");
	EXPECT(&user1, "LINK MAINT 190 290 RR", "DASD 290 LINKED R/O; R/W BY MAINT");
	struct rec_term out;
	rec_term_init(&out);
	ck_assert_int_eq(direct(&user1, &out, DIR_CLASS('G'), "QUERY LINKS 190"), CP_CMD_OK);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_str_eq(out.lines[0], "MAINT 190 R/W, USER1 190 R/O, USER2 190 R/O, USER2 290 R/O");
	ck_assert_str_eq(out.lines[1], "USER1 290 R/O");
	/* Only the disk's own links: USER1's 191 is another disk. */
	ck_assert_int_eq(direct(&user1, &out, DIR_CLASS('G'), "Q L 191"), CP_CMD_OK);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_str_eq(out.lines[0], "USER1 191 R/W");
	ck_assert_int_eq(direct(&user1, &out, DIR_CLASS('G'), "Q LINKS"), CP_CMD_FAILED);
	ck_assert_str_eq(out.lines[0], "VADDR MISSING OR INVALID");
	ck_assert_int_eq(direct(&user1, &out, DIR_CLASS('G'), "Q LINKS 00C"), CP_CMD_FAILED);
	ck_assert_str_eq(out.lines[0], "DEV 00C DOES NOT EXIST");
	ck_assert_int_eq(direct(&user1, &out, DIR_CLASS('G'), "Q LINKS 333"), CP_CMD_FAILED);
	ck_assert_str_eq(out.lines[0], "DEV 333 DOES NOT EXIST");
	ck_assert_int_eq(direct(&user1, &out, DIR_CLASS('G'), "Q LINKS 190 X"), CP_CMD_FAILED);
	ck_assert_str_eq(out.lines[0], "INVALID OPTION - X");
	/* After DETACH the link is gone from everyone's list. */
	EXPECT(&user2, "DETACH 190", "DASD 190 DETACHED");
	ck_assert_int_eq(direct(&user1, &out, DIR_CLASS('G'), "QUERY LINKS 190"), CP_CMD_OK);
	ck_assert_str_eq(out.lines[0], "MAINT 190 R/W, USER1 190 R/O, USER2 290 R/O, USER1 290 R/O");
}
END_TEST

START_TEST(test_query_dasd_for_operators_only)
{
	logon(&maint, "MAINT", 0x021);
	logon(&user1, "USER1", 0x020);
	struct rec_term out;
	rec_term_init(&out);
	ck_assert_int_eq(direct(NULL, &out, DIR_CLASS('B'), "QUERY DASD"), CP_CMD_OK);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_str_eq(out.lines[0], "DASD TSTVOL 3350 00040 CYL 002 USERS");
	ck_assert_int_eq(direct(&user1, &out, DIR_CLASS('G'), "QUERY DASD"), CP_CMD_FAILED);
	ck_assert_str_eq(out.lines[0], "INVALID OPERAND - DASD");
	ck_assert_int_eq(direct(NULL, &out, DIR_CLASS('B'), "QUERY DASD X"), CP_CMD_FAILED);
	ck_assert_str_eq(out.lines[0], "INVALID OPTION - X");
	/* Not its operands: QUERY's handler goes on with its others. */
	ck_assert_int_eq(direct(NULL, &out, DIR_CLASS('B'), "QUERY TIME"), CP_CMD_UNKNOWN);
}
END_TEST

/* ---- Who may ---- */

START_TEST(test_operator_has_no_virtual_machine)
{
	struct rec_term out;
	rec_term_init(&out);
	ck_assert_int_eq(cpsys_operator_command(sys, &out.t, "LINK MAINT 190 190 RR"), CP_CMD_UNKNOWN);
	ck_assert_str_eq(out.lines[0], "?CP: LINK");
	rec_clear(&out);
	/* The operator's DETACH is of real devices (cmd_attach.c): this system has none. */
	ck_assert_int_eq(cpsys_operator_command(sys, &out.t, "DETACH 190"), CP_CMD_FAILED);
	ck_assert_str_eq(out.lines[0], "DEV 190 DOES NOT EXIST");
	rec_clear(&out);
	ck_assert_int_eq(cpsys_operator_command(sys, &out.t, "DEFINE READER 00C"), CP_CMD_UNKNOWN);
	ck_assert_str_eq(out.lines[0], "?CP: DEFINE");
}
END_TEST

START_TEST(test_commands_outside_the_classes_do_not_exist)
{
	struct rec_term out;
	rec_term_init(&out);
	struct cp_cmd_ctx ctx = {.t = &out.t, .classes = DIR_CLASS('D')};
	ck_assert_int_eq(cp_cmd_execute(&ctx, "LINK MAINT 190 190 RR"), CP_CMD_PRIVILEGE);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "DEFINE READER 00C"), CP_CMD_PRIVILEGE);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "DET 190"), CP_CMD_PRIVILEGE);
	ck_assert_uint_eq(out.n, 3);
	ck_assert_str_eq(out.lines[0], "?CP: LINK");
	ck_assert_str_eq(out.lines[1], "?CP: DEFINE");
	ck_assert_str_eq(out.lines[2], "?CP: DET");
	/* Abbreviations: LINK has none; DEF and DET are the shortest. */
	ck_assert_ptr_null(cp_cmd_lookup("LIN"));
	ck_assert_str_eq(cp_cmd_lookup("DEF")->name, "DEFINE");
	ck_assert_str_eq(cp_cmd_lookup("DET")->name, "DETACH");
	ck_assert_ptr_null(cp_cmd_lookup("DE"));
}
END_TEST

/* ---- IPL vaddr cylno (cp/cmd_vm.c) ---- */

/* USER1's guest formats virtual cylinder cyl, head 0, of its disk at vaddr (R0 then R1, with the
 * minidisk's own cylinder in their counts, as CMS's FORMAT does): R1 is an IPL record whose PSW is
 * a disabled wait at X'ABCDEF' and whose CCW at 8 is a no-op. */
static void write_ipl_record(unsigned vaddr, unsigned cyl)
{
	struct machine *m = vm_machine(user1.vm);
	const uint8_t c = (uint8_t)cyl;
	const uint8_t prog[] = {
		0x1F, 0x00, 0x11, 0x40, CCW_CC, 0, 0, 1,		/* set file mask: all writes */
		0x07, 0x00, 0x11, 0x00, CCW_CC, 0, 0, 6,		/* seek */
		0x39, 0x00, 0x11, 0x06, CCW_CC, 0, 0, 4,		/* search home address equal */
		0x08, 0x00, 0x10, 0x10, 0, 0, 0, 0,			/* TIC back */
		0x15, 0x00, 0x11, 0x10, CCW_CC, 0, 0, 16,		/* write R0 */
		0x1D, 0x00, 0x11, 0x20, 0, 0, 0, 32,			/* write R1 */
	};
	const uint8_t args[] = {
		0, 0, 0, c, 0, 0,					/* 1100 seek */
		0, c, 0, 0, 0, 0, 0, 0, 0, 0,				/* 1106 home address */
		0, c, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0,		/* 1110 R0 */
		0, c, 0, 0, 1, 0, 0, 24,				/* 1120 R1: no key, 24 bytes */
		0x00, 0x02, 0x00, 0x00, 0x00, 0xAB, 0xCD, 0xEF,		/* the PSW */
		0x03, 0x00, 0x00, 0x00, CCW_SLI, 0, 0, 1,		/* no-op */
		0, 0, 0, 0, 0, 0, 0, 0,
		0xC0,							/* 1140 the file mask */
	};
	ck_assert(machine_load(m, 0x1000, prog, sizeof prog));
	ck_assert(machine_load(m, 0x1100, args, sizeof args));
	struct machine_ipl_csw csw;
	ck_assert_int_eq(machine_io_sync(m, (uint16_t)vaddr, 0x1000, 0, &csw), MACHINE_IO_OK);
}

START_TEST(test_ipl_from_a_cylinder_of_a_minidisk)
{
	logon(&user1, "USER1", 0x020);
	write_ipl_record(0x191, 2);
	type(&user1, "IPL 191 2");		/* runs into the record's disabled wait: CP mode */
	ck_assert_msg(rec_has_part(&user1.rec, "00ABCDEF"), "IPL 191 2: %s", user1.rec.n ? user1.rec.lines[0] : "");
	EXPECT(&user1, "DISPLAY PSW", "PSW = 00020191 00ABCDEF");
	/* Cylinder 3 has no record 1; cylinder 0 (the default) has none either. */
	type(&user1, "IPL 191 3");
	ck_assert_uint_eq(user1.rec.n, 1);
	ck_assert(strstr(user1.rec.lines[0], "191") != NULL);
	ck_assert(!rec_has_part(&user1.rec, "00ABCDEF"));
	/* Only for a CKD disk, and a cylinder number that fits. */
	EXPECT(&user1, "IPL 00C 2", "INVALID OPERAND - 2");
	EXPECT(&user1, "IPL 191 70000", "INVALID OPERAND - 70000");
	EXPECT(&user1, "IPL 191 CLEAR 2", "INVALID OPTION - 2");
	EXPECT(&user1, "IPL 555 2", "DEV 555 DOES NOT EXIST");
	/* STOP: stopped before the PSW is loaded, location 0 read from cylinder 2. */
	EXPECT(&user1, "IPL 191 CLEAR", "IPL 191 FAILED: the device ended the IPL read with unit check");
	EXPECT(&user1, "IPL 191 2 STOP", NULL);
	uint8_t psw[8];
	ck_assert(machine_dump(vm_machine(user1.vm), 0, psw, 8));
	ck_assert_uint_eq(psw[5], 0xAB);
	ck_assert_uint_eq(psw[7], 0xEF);
	EXPECT(&user1, "DISPLAY PSW", "PSW = 00020000 00000000");
}
END_TEST

/* ---- NOTREADY, READY (cp/cmd_vm.c) on devices other than spooled ones ---- */

START_TEST(test_notready_and_ready_of_a_minidisk_and_the_console)
{
	logon(&user1, "USER1", 0x020);
	struct chan_dev *d = vm_device(user1.vm, 0x191);
	ck_assert_ptr_nonnull(d);
	ck_assert(chan_dev_is_ready(d));
	EXPECT(&user1, "NOTREADY 191", NULL);
	ck_assert(!chan_dev_is_ready(d));	/* the task waits for a line: its machine is still */
	EXPECT(&user1, "READY 191", NULL);
	ck_assert(chan_dev_is_ready(d));
	EXPECT(&user1, "NOTREADY 009", NULL);
	ck_assert(!chan_dev_is_ready(vm_device(user1.vm, 0x009)));
	EXPECT(&user1, "READY 009", NULL);
	ck_assert(chan_dev_is_ready(vm_device(user1.vm, 0x009)));
	/* A spooled printer keeps its own state, shown by QUERY. */
	EXPECT(&user1, "NOTREADY 00E", NULL);
	ck_assert(chan_dev_is_ready(vm_device(user1.vm, 0x00E)));
	EXPECT(&user1, "Q V 00E", "PRT 00E CL A NOCONT NOHOLD COPY 01 NOTREADY", "    00E FOR USER1 DIST USER1");
	EXPECT(&user1, "READY 00E", NULL);
	EXPECT(&user1, "Q V 00E", "PRT 00E CL A NOCONT NOHOLD COPY 01 READY", "    00E FOR USER1 DIST USER1");
	EXPECT(&user1, "NOTREADY 555", "DEV 555 DOES NOT EXIST");
	EXPECT(&user1, "NOTREADY", "VADDR MISSING OR INVALID");
	EXPECT(&user1, "READY 191 192", "INVALID OPTION - 192");
}
END_TEST

/* RESET vaddr drops the device's pending status (READY's device end here): the device can post
 * again. The virtual machine is in CP mode, its machine still, so the test may look. */
START_TEST(test_reset_clears_a_devices_pending_status)
{
	logon(&user1, "USER1", 0x020);
	struct chan_dev *d = vm_device(user1.vm, 0x191);
	ck_assert_ptr_nonnull(d);
	EXPECT(&user1, "READY 191", NULL);	/* device end pending */
	ck_assert(!chan_dev_post_status(d, UNIT_ATTN));
	EXPECT(&user1, "RESET 191", "DEVICE RESET");
	ck_assert(chan_dev_post_status(d, UNIT_ATTN));
	EXPECT(&user1, "RESET 555", "DEV 555 DOES NOT EXIST");
	EXPECT(&user1, "RESET", "VADDR MISSING OR INVALID");
	EXPECT(&user1, "RESET 191 192", "INVALID OPTION - 192");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cmd_devices");
	TCase *tc = tcase_create("commands");
	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_logon_links_show_in_query_virtual_dasd);
	tcase_add_test(tc, test_link_password_all_needs_no_prompt);
	tcase_add_test(tc, test_link_prompts_for_the_password_hidden);
	tcase_add_test(tc, test_link_wrong_password_at_prompt_links_nothing);
	tcase_add_test(tc, test_link_password_on_the_line_every_form);
	tcase_add_test(tc, test_link_attention_cancels_the_prompt);
	tcase_add_test(tc, test_link_at_an_address_in_use_changes_nothing);
	tcase_add_test(tc, test_link_operand_errors_change_nothing);
	tcase_add_test(tc, test_link_above_5ff_with_ecmode);
	tcase_add_test(tc, test_link_mode_against_other_users_links);
	tcase_add_test(tc, test_detach_one_device_of_each_kind);
	tcase_add_test(tc, test_detach_several_and_ranges);
	tcase_add_test(tc, test_detach_operand_errors_change_nothing);
	tcase_add_test(tc, test_detach_and_define_are_quiet_with_imsg_off);
	tcase_add_test(tc, test_define_spooled_devices);
	tcase_add_test(tc, test_define_errors_change_nothing);
	tcase_add_test(tc, test_query_virtual_every_operand);
	tcase_add_test(tc, test_query_links);
	tcase_add_test(tc, test_query_dasd_for_operators_only);
	tcase_add_test(tc, test_operator_has_no_virtual_machine);
	tcase_add_test(tc, test_commands_outside_the_classes_do_not_exist);
	tcase_add_test(tc, test_notready_and_ready_of_a_minidisk_and_the_console);
	tcase_add_test(tc, test_reset_clears_a_devices_pending_status);
	tcase_add_test(tc, test_ipl_from_a_cylinder_of_a_minidisk);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
