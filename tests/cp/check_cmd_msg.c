/*
 * check_cmd_msg.c - the communication and operator commands (cp/cmd_msg.c): MESSAGE and WARNING
 * (to a user, to yourself, to the operator, to ALL; every refusal), FORCE, SHUTDOWN, SET and
 * QUERY SET, SET LOGMSG and QUERY LOGMSG, TERMINAL and QUERY TERMINAL, SET PFnn, SLEEP, INDICATE,
 * ENABLE, DISABLE, VARY, the privilege cases, and the line editor cp_line_edit() table by table.
 *
 * Two kinds of fixture. Commands that need no other user run through cp_cmd_execute() with a
 * context that has no virtual machine (the operator's settings) and a recording terminal. The
 * others build a real system: a directory with clear passwords, one dispatcher thread, users
 * logged on with vm_logon() at recording terminals; a command is a line typed at the terminal (it
 * runs on the user's task, as in the daemon) and its responses are what cpsys_flush() hands the
 * terminal before the next CP READ. QUERY SET, TERMINAL, LOGMSG and PFnn are called through
 * cmd_query_msg() directly (QUERY's handler in command.c is to hand them over). Times are fixed
 * where a test looks at them, and the zone is UTC.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cp/cmd.h"
#include "cp/cmd_msg.h"
#include "cp/command.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "cp/vm.h"
#include "tests/check_run.h"
#include "tests/cp/rec_term.h"

/* ---- Commands without a system ---- */

static struct rec_term out;
static struct dir_user alice;

/* 1979-05-17 14:36:12 UTC, a Thursday (vm370-cp.md 7's example). */
#define NOW ((time_t)295799772)

/* A context with these classes, no virtual machine and no system: the operator's settings. */
static struct cp_cmd_ctx ctx_for(const char *classes)
{
	rec_term_init(&out);
	memset(&alice, 0, sizeof alice);
	strcpy(alice.userid, "ALICE");
	for (const char *c = classes; *c; c++)
		alice.classes |= DIR_CLASS(*c);
	return (struct cp_cmd_ctx){.t = &out.t, .user = *classes ? &alice : NULL,
				   .classes = alice.classes, .logon_time = NOW - 60, .now = NOW};
}

/* Run line; expect rc and exactly the lines given (NULL-terminated). */
/* RUN(ctx, rc, line, want...): the line is the first of the strings. */
#define RUN(ctx, rc, ...) run_lines(ctx, rc, (const char *[]){__VA_ARGS__, NULL})
static void run_lines(struct cp_cmd_ctx *ctx, enum cp_cmd_rc rc, const char *const *strs)
{
	rec_clear(&out);
	enum cp_cmd_rc got = cp_cmd_execute(ctx, strs[0]);
	rec_expect(&out, strs[0], strs + 1);
	ck_assert_msg(got == rc, "%s: rc %d, want %d", strs[0], got, rc);
}

/* QUERY operand through cmd_query_msg(), shown as cp_cmd_execute() would. */
#define QUERY(ctx, rc, ...) query_lines(ctx, rc, (const char *[]){__VA_ARGS__, NULL})
static void query_lines(struct cp_cmd_ctx *ctx, enum cp_cmd_rc rc, const char *const *strs)
{
	const char *line = strs[0];
	struct cp_cmd_line cl;
	cp_cmd_tokenize(&cl, line);
	struct term *saved = ctx->t;
	rec_clear(&out);
	ctx->t = &out.t;
	enum cp_cmd_rc got = cmd_query_msg(ctx, &cl);
	if (got != CP_CMD_UNKNOWN)	/* not QUERY's: the caller goes on looking */
		cp_cmd_show(ctx, &cl, got);
	ctx->t = saved;
	rec_expect(&out, line, strs + 1);
	ck_assert_msg(got == rc, "%s: rc %d, want %d", line, got, rc);
}

static void setup_plain(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	cmd_msg_reset();
}

/* ---- SET and QUERY SET ---- */

START_TEST(test_query_set_shows_the_logon_defaults)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	QUERY(&ctx, CP_CMD_OK, "QUERY SET", "MSG ON , WNG ON , EMSG TEXT, ACNT ON , RUN OFF",
	      "LINEDIT ON , TIMER ON , ISAM OFF, ECMODE OFF", "IMSG ON , ASSIST OFF, PAGEX OFF, NOTRANS OFF");
	QUERY(&ctx, CP_CMD_OK, "Q S", "MSG ON , WNG ON , EMSG TEXT, ACNT ON , RUN OFF",
	      "LINEDIT ON , TIMER ON , ISAM OFF, ECMODE OFF", "IMSG ON , ASSIST OFF, PAGEX OFF, NOTRANS OFF");
	QUERY(&ctx, CP_CMD_FAILED, "QUERY SET MSG", "INVALID OPTION - MSG");
	QUERY(&ctx, CP_CMD_UNKNOWN, "QUERY FROB");
}
END_TEST

START_TEST(test_set_changes_what_query_set_shows)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	RUN(&ctx, CP_CMD_OK, "SET MSG OFF");
	RUN(&ctx, CP_CMD_OK, "set wng off");
	RUN(&ctx, CP_CMD_OK, "SET IMSG OFF");
	RUN(&ctx, CP_CMD_OK, "SET ACNT OFF");
	RUN(&ctx, CP_CMD_OK, "SET RUN ON");
	RUN(&ctx, CP_CMD_OK, "SET LINEDIT OFF");
	RUN(&ctx, CP_CMD_OK, "SET TIMER REAL");
	RUN(&ctx, CP_CMD_OK, "SET ISAM ON");
	RUN(&ctx, CP_CMD_OK, "SET ECMODE ON");
	RUN(&ctx, CP_CMD_OK, "SET PAGEX ON");
	RUN(&ctx, CP_CMD_OK, "SET NOTRANS ON");
	RUN(&ctx, CP_CMD_OK, "SET ASSIST ON NOSVC");
	QUERY(&ctx, CP_CMD_OK, "QUERY SET", "MSG OFF, WNG OFF, EMSG TEXT, ACNT OFF, RUN ON",
	      "LINEDIT OFF, TIMER REAL, ISAM ON , ECMODE ON", "IMSG OFF, ASSIST ON NOSVC, PAGEX ON , NOTRANS ON");
	RUN(&ctx, CP_CMD_OK, "SET TIMER OFF");
	RUN(&ctx, CP_CMD_OK, "SET ASSIST ON");
	RUN(&ctx, CP_CMD_OK, "SET MSG ON");
	QUERY(&ctx, CP_CMD_OK, "QUERY SET", "MSG ON , WNG OFF, EMSG TEXT, ACNT OFF, RUN ON",
	      "LINEDIT OFF, TIMER OFF, ISAM ON , ECMODE ON", "IMSG OFF, ASSIST ON SVC, PAGEX ON , NOTRANS ON");
}
END_TEST

START_TEST(test_set_emsg_edits_the_messages_that_follow)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	RUN(&ctx, CP_CMD_OK, "SET EMSG ON");
	RUN(&ctx, CP_CMD_UNKNOWN, "FROB", "DMKCFC001E ?CP: FROB");
	RUN(&ctx, CP_CMD_OK, "SET EMSG CODE");
	RUN(&ctx, CP_CMD_UNKNOWN, "FROB", "DMKCFC001E");
	RUN(&ctx, CP_CMD_OK, "SET EMSG OFF");
	RUN(&ctx, CP_CMD_UNKNOWN, "FROB");
	QUERY(&ctx, CP_CMD_OK, "Q SET", "MSG ON , WNG ON , EMSG OFF , ACNT ON , RUN OFF",
	      "LINEDIT ON , TIMER ON , ISAM OFF, ECMODE OFF", "IMSG ON , ASSIST OFF, PAGEX OFF, NOTRANS OFF");
	RUN(&ctx, CP_CMD_OK, "SET EMSG TEXT");
	RUN(&ctx, CP_CMD_UNKNOWN, "FROB", "?CP: FROB");
}
END_TEST

START_TEST(test_set_errors_change_nothing)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	RUN(&ctx, CP_CMD_FAILED, "SET", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "SET FROB ON", "INVALID OPTION - FROB");
	RUN(&ctx, CP_CMD_FAILED, "SET MSG", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "SET MSG MAYBE", "INVALID OPERAND - MAYBE");
	RUN(&ctx, CP_CMD_FAILED, "SET MSG OFF NOW", "INVALID OPTION - NOW");
	RUN(&ctx, CP_CMD_FAILED, "SET EMSG LOUD", "INVALID OPERAND - LOUD");
	RUN(&ctx, CP_CMD_FAILED, "SET EMSG", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "SET EMSG ON X", "INVALID OPTION - X");
	RUN(&ctx, CP_CMD_FAILED, "SET TIMER SLOW", "INVALID OPERAND - SLOW");
	RUN(&ctx, CP_CMD_FAILED, "SET TIMER REAL X", "INVALID OPTION - X");
	RUN(&ctx, CP_CMD_FAILED, "SET TIMER", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "SET ASSIST ON SOMETIMES", "INVALID OPERAND - SOMETIMES");
	RUN(&ctx, CP_CMD_FAILED, "SET ASSIST ON SVC X", "INVALID OPTION - X");
	RUN(&ctx, CP_CMD_FAILED, "SET ASSIST OFF X", "INVALID OPTION - X");
	RUN(&ctx, CP_CMD_FAILED, "SET ASSIST MAYBE", "INVALID OPERAND - MAYBE");
	RUN(&ctx, CP_CMD_FAILED, "SET ASSIST", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "SET RUN O", "INVALID OPERAND - O");
	RUN(&ctx, CP_CMD_FAILED, "SET PF25 IMMED X", "INVALID OPTION - PF25");
	RUN(&ctx, CP_CMD_FAILED, "SET PF0 X", "INVALID OPTION - PF0");
	/* Operator operands are not there for a class G user. */
	RUN(&ctx, CP_CMD_FAILED, "SET LOGMSG 1 *HELLO", "INVALID OPTION - LOGMSG");
	RUN(&ctx, CP_CMD_FAILED, "SET PRIORITY BOB 10", "INVALID OPTION - PRIORITY");
	RUN(&ctx, CP_CMD_FAILED, "SET RECORD ON", "INVALID OPTION - RECORD");
	QUERY(&ctx, CP_CMD_OK, "QUERY SET", "MSG ON , WNG ON , EMSG TEXT, ACNT ON , RUN OFF",
	      "LINEDIT ON , TIMER ON , ISAM OFF, ECMODE OFF", "IMSG ON , ASSIST OFF, PAGEX OFF, NOTRANS OFF");
	QUERY(&ctx, CP_CMD_OK, "QUERY LOGMSG", "LOGMSG - 14:36:12 UTC THURSDAY 05/17/79");
	/* The operator's performance options are not carried out yet. */
	ctx = ctx_for("A");
	RUN(&ctx, CP_CMD_NOT_AVAILABLE, "SET PRIORITY BOB 10", "SET PRIORITY NOT YET AVAILABLE");
	ctx = ctx_for("F");
	RUN(&ctx, CP_CMD_NOT_AVAILABLE, "SET RECORD ON", "SET RECORD NOT YET AVAILABLE");
}
END_TEST

START_TEST(test_set_pf_keys_and_query_pfnn)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	QUERY(&ctx, CP_CMD_OK, "QUERY PF1", "PF01 UNDEFINED");
	RUN(&ctx, CP_CMD_OK, "SET PF1 IMMED Query Time");
	RUN(&ctx, CP_CMD_OK, "SET PF02 logoff");
	RUN(&ctx, CP_CMD_OK, "SET PF24 DELAYED MSG * hi");
	QUERY(&ctx, CP_CMD_OK, "QUERY PF01", "PF01 IMMED Query Time");
	QUERY(&ctx, CP_CMD_OK, "Q PF2", "PF02 DELAY logoff");
	QUERY(&ctx, CP_CMD_OK, "Q PF24", "PF24 DELAY MSG * hi");
	RUN(&ctx, CP_CMD_OK, "SET PF2");
	QUERY(&ctx, CP_CMD_OK, "Q PF2", "PF02 UNDEFINED");
	QUERY(&ctx, CP_CMD_UNKNOWN, "Q PF25");
	char longer[200];
	snprintf(longer, sizeof longer, "SET PF3 %0130d", 7);
	RUN(&ctx, CP_CMD_FAILED, longer, "INVALID OPERAND - 0000000000000000000000000000000000000000"
					 "00000000000000000000000000000000000000000000000000000000"
					 "0000000000000000000000000000000007");
	QUERY(&ctx, CP_CMD_OK, "Q PF3", "PF03 UNDEFINED");
}
END_TEST

/* ---- SET LOGMSG, QUERY LOGMSG, the logon lines ---- */

START_TEST(test_logmsg_set_query_and_logon_lines)
{
	struct cp_cmd_ctx ctx = ctx_for("A");
	/* Nothing set: no lines at logon. */
	cmd_msg_logmsg_show(&out.t, NOW);
	ck_assert_uint_eq(out.n, 0);
	RUN(&ctx, CP_CMD_OK, "SET LOGMSG 1 *** System up, welcome ***");
	RUN(&ctx, CP_CMD_OK, "SET LOG 3 not for logon");
	RUN(&ctx, CP_CMD_OK, "SET LOGMSG 2 * Backups at 18:00");
	QUERY(&ctx, CP_CMD_OK, "QUERY LOGMSG", "LOGMSG - 14:36:12 UTC THURSDAY 05/17/79",
	      "*** System up, welcome ***", "* Backups at 18:00", "not for logon");
	rec_clear(&out);
	cmd_msg_logmsg_show(&out.t, NOW + 100);
	ck_assert_uint_eq(out.n, 3);
	ck_assert_str_eq(out.lines[0], "LOGMSG - 14:36:12 UTC THURSDAY 05/17/79");
	ck_assert_str_eq(out.lines[1], "*** System up, welcome ***");
	ck_assert_str_eq(out.lines[2], "* Backups at 18:00");
	/* A line number alone deletes the line; NULL deletes them all. */
	RUN(&ctx, CP_CMD_OK, "SET LOGMSG 1");
	QUERY(&ctx, CP_CMD_OK, "Q LOG", "LOGMSG - 14:36:12 UTC THURSDAY 05/17/79", "* Backups at 18:00",
	      "not for logon");
	ctx.now = NOW + 60;
	RUN(&ctx, CP_CMD_OK, "SET LOGMSG NULL");
	QUERY(&ctx, CP_CMD_OK, "Q LOGMSG", "LOGMSG - 14:37:12 UTC THURSDAY 05/17/79");
	rec_clear(&out);
	cmd_msg_logmsg_show(&out.t, NOW);
	ck_assert_uint_eq(out.n, 0);
	/* Errors. */
	RUN(&ctx, CP_CMD_FAILED, "SET LOGMSG", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "SET LOGMSG 21 *X", "INVALID OPERAND - 21");
	RUN(&ctx, CP_CMD_FAILED, "SET LOGMSG 0 *X", "INVALID OPERAND - 0");
	RUN(&ctx, CP_CMD_FAILED, "SET LOGMSG *X", "INVALID OPERAND - *X");
	RUN(&ctx, CP_CMD_FAILED, "SET LOGMSG NULL X", "INVALID OPTION - X");
	QUERY(&ctx, CP_CMD_FAILED, "Q LOGMSG X", "INVALID OPTION - X");
	/* Lines are cut at 76 characters, as R6 keeps them. */
	char line[160];
	snprintf(line, sizeof line, "SET LOGMSG 20 *%0100d", 0);
	RUN(&ctx, CP_CMD_OK, line);
	rec_clear(&out);
	cmd_msg_logmsg_show(&out.t, NOW);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_uint_eq(strlen(out.lines[1]), 76);
}
END_TEST

/* ---- TERMINAL and QUERY TERMINAL ---- */

START_TEST(test_terminal_settings_and_query_terminal)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	QUERY(&ctx, CP_CMD_OK, "QUERY TERMINAL", "LINEND #, LINEDEL \xA2, CHARDEL @, ESCAPE \"",
	      "LINESIZE 130, ATTN ON , APL OFF, TEXT OFF, MODE VM, HILIGHT OFF");
	RUN(&ctx, CP_CMD_OK, "TERMINAL LINEND ;");
	RUN(&ctx, CP_CMD_OK, "TERM CHARDEL OFF");
	RUN(&ctx, CP_CMD_OK, "TERM LINEDEL |");
	RUN(&ctx, CP_CMD_OK, "TERM ESC OFF");
	RUN(&ctx, CP_CMD_OK, "TERM LINESIZE 80");
	RUN(&ctx, CP_CMD_OK, "TERM MODE CP");
	RUN(&ctx, CP_CMD_OK, "TERM ATTN OFF");
	RUN(&ctx, CP_CMD_OK, "TERM APL ON");
	RUN(&ctx, CP_CMD_OK, "TERM TEXT ON");
	RUN(&ctx, CP_CMD_OK, "TERM HI ON");
	RUN(&ctx, CP_CMD_OK, "TERM MASK OFF");
	QUERY(&ctx, CP_CMD_OK, "Q TERM", "LINEND ;, LINEDEL |, CHARDEL OFF, ESCAPE OFF",
	      "LINESIZE 080, ATTN OFF, APL ON , TEXT ON , MODE CP, HILIGHT ON");
	RUN(&ctx, CP_CMD_OK, "TERM LINESIZE OFF");
	RUN(&ctx, CP_CMD_OK, "TERM CHARDEL ON");
	RUN(&ctx, CP_CMD_OK, "TERM LINEND ON");
	RUN(&ctx, CP_CMD_OK, "term escape \\");
	QUERY(&ctx, CP_CMD_OK, "Q TERMINAL", "LINEND #, LINEDEL |, CHARDEL @, ESCAPE \\",
	      "LINESIZE OFF, ATTN OFF, APL ON , TEXT ON , MODE CP, HILIGHT ON");
}
END_TEST

START_TEST(test_terminal_errors_change_nothing)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL FROB ON", "INVALID OPTION - FROB");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL LINE #", "INVALID OPTION - LINE");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL LINEND", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL LINEND A", "INVALID OPERAND - A");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL LINEND 7", "INVALID OPERAND - 7");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL LINEND ##", "INVALID OPERAND - ##");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL LINEND ; X", "INVALID OPTION - X");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL LINESIZE 0", "INVALID OPERAND - 0");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL LINESIZE 256", "INVALID OPERAND - 256");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL LINESIZE WIDE", "INVALID OPERAND - WIDE");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL MODE XX", "INVALID OPERAND - XX");
	RUN(&ctx, CP_CMD_FAILED, "TERMINAL ATTN MAYBE", "INVALID OPERAND - MAYBE");
	QUERY(&ctx, CP_CMD_OK, "QUERY TERMINAL", "LINEND #, LINEDEL \xA2, CHARDEL @, ESCAPE \"",
	      "LINESIZE 130, ATTN ON , APL OFF, TEXT OFF, MODE VM, HILIGHT OFF");
	/* TERMINAL is class G. */
	ctx = ctx_for("A");
	RUN(&ctx, CP_CMD_PRIVILEGE, "TERMINAL LINEND ;", "?CP: TERMINAL");
}
END_TEST

/* ---- The line editor ---- */

static const struct {
	const char *in;
	const char *out[4];	/* NULL-terminated */
} edits[] = {
	{"QUERY TIME", {"QUERY TIME"}},
	{"", {""}},
	{"Q T#Q N", {"Q T", "Q N"}},
	{"Q T##Q N#", {"Q T", "Q N"}},
	{"QUEX@RY", {"QUERY"}},
	{"QUERXX@@Y", {"QUERY"}},
	{"@@@Q", {"Q"}},
	{"GARBAGE\xA2QUERY", {"QUERY"}},
	{"ONE#TWO\xA2THREE", {"ONE", "THREE"}},
	{"A\"#B", {"A#B"}},
	{"X\"@", {"X@"}},
	{"\"\"Q", {"\"Q"}},
	{"TRAILING\"", {"TRAILING"}},
	{"hello#CP Q T", {"hello", "#CP Q T"}},
	{"#CP Q T", {"#CP Q T"}},
	{"#cp", {"#cp"}},
	{"CP Q T", {"CP Q T"}},
	{"A#CPX", {"A", "CPX"}},
	{"###", {""}},
	{"ALL\xA2", {""}},
	{"1#2#3#4#5#6", {"1", "2", "3", "4"}},
};

START_TEST(test_line_edit_table)
{
	struct term_settings ts;
	cmd_msg_term_defaults(&ts, NULL);
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		char got[4][CP_LINE_MAX + 1];
		size_t n = cp_line_edit(&ts, edits[i].in, got, 4);
		size_t want = 0;
		while (want < 4 && edits[i].out[want])
			want++;
		ck_assert_msg(n == want, "\"%s\": %zu lines, want %zu", edits[i].in, n, want);
		for (size_t k = 0; k < n; k++)
			ck_assert_msg(strcmp(got[k], edits[i].out[k]) == 0, "\"%s\": line %zu \"%s\", want \"%s\"",
				      edits[i].in, k, got[k], edits[i].out[k]);
	}
}
END_TEST

START_TEST(test_line_edit_characters_changed_off_and_linedit_off)
{
	struct term_settings ts;
	cmd_msg_term_defaults(&ts, NULL);
	char got[4][CP_LINE_MAX + 1];
	ts.linend = ';';
	ts.chardel = '\0';
	ck_assert_uint_eq(cp_line_edit(&ts, "A#B;@@MAIN;CP Q T", got, 4), 3);
	ck_assert_str_eq(got[0], "A#B");
	ck_assert_str_eq(got[1], "@@MAIN");
	ck_assert_str_eq(got[2], "#CP Q T");
	ts.linedit = false;
	ck_assert_uint_eq(cp_line_edit(&ts, "A;B@\xA2", got, 4), 1);
	ck_assert_str_eq(got[0], "A;B@\xA2");
	ck_assert_uint_eq(cp_line_edit(&ts, "X", got, 0), 0);
	/* Logical lines are cut at 255 characters. */
	cmd_msg_term_defaults(&ts, NULL);
	char longer[600];
	memset(longer, 'A', 300);
	strcpy(longer + 300, "#CP");
	memset(longer + 303, 'B', 280);
	longer[583] = '\0';
	longer[303] = ' ';
	ck_assert_uint_eq(cp_line_edit(&ts, longer, got, 4), 2);
	ck_assert_uint_eq(strlen(got[0]), CP_LINE_MAX);
	ck_assert_uint_eq(strlen(got[1]), CP_LINE_MAX);
	ck_assert(strncmp(got[1], "#CP B", 5) == 0);
	/* The directory's editing characters. */
	struct dir_user u = {.linend = "!", .chardel = "OFF"};
	cmd_msg_term_defaults(&ts, &u);
	ck_assert_int_eq(ts.linend, '!');
	ck_assert_int_eq(ts.chardel, '\0');
	ck_assert_int_eq(ts.escape, '"');
}
END_TEST

/* ---- Commands that need a system to say more ---- */

START_TEST(test_operands_checked_before_the_system_is_needed)
{
	struct cp_cmd_ctx ctx = ctx_for("ABCDEFG");
	RUN(&ctx, CP_CMD_FAILED, "MSG", "USERID MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "M TOOLONGUSER hi", "USERID MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "MSG BOB", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "WARNING", "USERID MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "W BOB", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "FORCE", "USERID MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "FORCE BOB NOW", "INVALID OPTION - NOW");
	RUN(&ctx, CP_CMD_FAILED, "SHUTDOWN REIPL", "INVALID OPTION - REIPL");
	RUN(&ctx, CP_CMD_NOT_AVAILABLE, "FORCE BOB", "FORCE WITHOUT A SYSTEM NOT YET AVAILABLE");
	/* MSG * from the operator: his own console. */
	RUN(&ctx, CP_CMD_OK, "MSG * Note to self", "MSG FROM ALICE   : Note to self");
	RUN(&ctx, CP_CMD_OK, "W * ring", "WNG FROM ALICE   : ring");
	ck_assert_uint_eq(out.bells, 1);
	RUN(&ctx, CP_CMD_OK, "SET MSG OFF");
	RUN(&ctx, CP_CMD_FAILED, "MSG * again", "ALICE NOT RECEIVING; MSG OFF");
	/* Before logon there is no system to send through (the logon dialogue gives none). */
	ctx = ctx_for("");
	RUN(&ctx, CP_CMD_NOT_AVAILABLE, "MSG OPERATOR help", "MESSAGE BEFORE LOGON NOT YET AVAILABLE");
}
END_TEST

START_TEST(test_privileged_commands_and_operands_are_hidden)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	RUN(&ctx, CP_CMD_PRIVILEGE, "WARNING BOB hi", "?CP: WARNING");
	RUN(&ctx, CP_CMD_PRIVILEGE, "FORCE BOB", "?CP: FORCE");
	RUN(&ctx, CP_CMD_PRIVILEGE, "SHUTDOWN", "?CP: SHUTDOWN");
	RUN(&ctx, CP_CMD_PRIVILEGE, "ENABLE ALL", "?CP: ENABLE");
	RUN(&ctx, CP_CMD_PRIVILEGE, "DISA ALL", "?CP: DISA");
	RUN(&ctx, CP_CMD_PRIVILEGE, "VARY ON 0C0", "?CP: VARY");
	ctx = ctx_for("B");
	RUN(&ctx, CP_CMD_PRIVILEGE, "FORCE BOB", "?CP: FORCE");
	RUN(&ctx, CP_CMD_PRIVILEGE, "SHUTDOWN", "?CP: SHUTDOWN");
	RUN(&ctx, CP_CMD_PRIVILEGE, "INDICATE", "?CP: INDICATE");
	/* INDICATE's class E operands are not there for class G. */
	ctx = ctx_for("G");
	RUN(&ctx, CP_CMD_FAILED, "INDICATE QUEUES", "INVALID OPTION - QUEUES");
	ctx = ctx_for("E");
	RUN(&ctx, CP_CMD_NOT_AVAILABLE, "IND QUEUES", "INDICATE QUEUES NOT YET AVAILABLE");
	RUN(&ctx, CP_CMD_NOT_AVAILABLE, "IND I/O", "INDICATE I/O NOT YET AVAILABLE");
	RUN(&ctx, CP_CMD_FAILED, "IND FROB", "INVALID OPTION - FROB");
	RUN(&ctx, CP_CMD_FAILED, "IND LOAD X", "INVALID OPTION - X");
	RUN(&ctx, CP_CMD_NOT_AVAILABLE, "IND USER", "INDICATE USER WITHOUT A VIRTUAL MACHINE NOT YET AVAILABLE");
}
END_TEST

START_TEST(test_enable_disable_all_decide_logons_and_raddrs_do_not_exist)
{
	struct cp_cmd_ctx ctx = ctx_for("B");
	ck_assert(cmd_msg_logons_enabled());
	RUN(&ctx, CP_CMD_OK, "DISABLE ALL", "COMMAND COMPLETE");
	ck_assert(!cmd_msg_logons_enabled());
	RUN(&ctx, CP_CMD_FAILED, "ENABLE ALL NOW", "INVALID OPTION - NOW");
	ck_assert(!cmd_msg_logons_enabled());
	RUN(&ctx, CP_CMD_OK, "EN ALL", "COMMAND COMPLETE");
	ck_assert(cmd_msg_logons_enabled());
	RUN(&ctx, CP_CMD_FAILED, "ENABLE", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "ENABLE 0C0 0C1", "DEV 0C0 DOES NOT EXIST");
	RUN(&ctx, CP_CMD_FAILED, "DISABLE 0C0 XYZW", "RADDR MISSING OR INVALID");
	ck_assert(cmd_msg_logons_enabled());
	RUN(&ctx, CP_CMD_FAILED, "VARY", "OPERAND MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "VARY SIDEWAYS 0C0", "INVALID OPERAND - SIDEWAYS");
	RUN(&ctx, CP_CMD_FAILED, "VARY ON", "RADDR MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "VARY OFFLINE G00", "RADDR MISSING OR INVALID");
	RUN(&ctx, CP_CMD_FAILED, "VARY ON 0C0 X", "INVALID OPTION - X");
	RUN(&ctx, CP_CMD_FAILED, "VARY ONLINE 0C0", "DEV 0C0 DOES NOT EXIST");
	RUN(&ctx, CP_CMD_FAILED, "VARY OFF 191", "DEV 191 DOES NOT EXIST");
}
END_TEST

START_TEST(test_sleep_operands)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	RUN(&ctx, CP_CMD_FAILED, "SLEEP X", "INVALID OPERAND - X");
	RUN(&ctx, CP_CMD_FAILED, "SLEEP 0", "INVALID OPERAND - 0");
	RUN(&ctx, CP_CMD_FAILED, "SLEEP 5 YEARS", "INVALID OPERAND - YEARS");
	RUN(&ctx, CP_CMD_FAILED, "SLEEP 5 SEC X", "INVALID OPTION - X");
	RUN(&ctx, CP_CMD_NOT_AVAILABLE, "SL 5 SEC", "SLEEP WITHOUT A VIRTUAL MACHINE NOT YET AVAILABLE");
	RUN(&ctx, CP_CMD_NOT_AVAILABLE, "SLEEP 2", "SLEEP WITHOUT A VIRTUAL MACHINE NOT YET AVAILABLE");
	RUN(&ctx, CP_CMD_NOT_AVAILABLE, "SLEEP", "SLEEP WITHOUT A VIRTUAL MACHINE NOT YET AVAILABLE");
}
END_TEST

/* ---- With a system: users at recording terminals ---- */

static const char dir_text[] =
	"USER OPERATOR OPERPW 1M 16M ABCDEFG\n"
	" CONSOLE 009 3215\n"
	"USER ALICE ALICEPW 1M 4M G\n"
	" CONSOLE 009 3215\n"
	"USER BOB BOBPW 1M 4M G\n"
	" CONSOLE 009 3215\n"
	"USER CHIEF CHIEFPW 1M 4M ABG\n"
	" CONSOLE 009 3215\n";

static struct directory *dir;
static struct cpsys *sys;

struct user {
	struct rec_term rec;
	struct vmblok *vm;
	const struct dir_user *u;
};
static struct user ua, ub, ub2, uc;

/* The operator's console (cpsys_log), from any thread. */
static pthread_mutex_t log_mx = PTHREAD_MUTEX_INITIALIZER;
#define OPLOG_LINES 64
static char oplog[OPLOG_LINES][300];
static size_t noplog;
static int shutdowns;

static void on_log(void *ctx, const char *line)
{
	(void)ctx;
	pthread_mutex_lock(&log_mx);
	if (noplog < OPLOG_LINES)
		snprintf(oplog[noplog++], sizeof oplog[0], "%s", line);
	pthread_mutex_unlock(&log_mx);
}

static void on_shutdown(void *ctx)
{
	(void)ctx;
	shutdowns++;
}

static bool logged(const char *text)
{
	pthread_mutex_lock(&log_mx);
	bool found = false;
	for (size_t i = 0; i < noplog && !found; i++)
		found = strstr(oplog[i], text) != NULL;
	pthread_mutex_unlock(&log_mx);
	return found;
}

static double secs_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
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

/* An operator's command (cpsys_operator_command()), its responses in out. */
static int oper(const char *line)
{
	rec_term_init(&out);
	return cpsys_operator_command(sys, &out.t, line);
}

static void setup_sys(void)
{
	setup_plain();
	noplog = 0;
	shutdowns = 0;
	struct dir_diags dg;
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_parse(dir_text, strlen(dir_text), "test", DIR_ALLOW_CLEAR, &dir, &dg), DIR_OK);
	dir_diags_free(&dg);
	struct cpsys_config cfg = {.dir = dir, .threads = 1, .oper_log = on_log,
				   .shutdown = on_shutdown};
	sys = cpsys_new(&cfg);
	ck_assert_ptr_nonnull(sys);
}

static void teardown_sys(void)
{
	cpsys_free(sys);
	dir_free(dir);
	cmd_msg_reset();
}

START_TEST(test_msg_between_users_as_typed)
{
	logon(&ua, "ALICE", 0x020);
	logon(&ub, "BOB", 0x021);
	EXPECT(&ua, "MSG BOB Hello, Bob!  How are you?");
	rec_pump_part(sys, &ub.rec, "MSG FROM");
	ck_assert_str_eq(ub.rec.lines[0], "MSG FROM ALICE   : Hello, Bob!  How are you?");
	EXPECT(&ub, "m alice fine");
	rec_pump_part(sys, &ua.rec, "MSG FROM");
	ck_assert_str_eq(ua.rec.lines[0], "MSG FROM BOB     : fine");
	/* To yourself. */
	EXPECT(&ua, "MSG * memo", "MSG FROM ALICE   : memo");
	/* Errors. */
	EXPECT(&ua, "MSG NOBODY hi", "NOBODY NOT LOGGED ON");
	EXPECT(&ua, "MSG CHIEF hi", "CHIEF NOT LOGGED ON");
	EXPECT(&ua, "MSG", "USERID MISSING OR INVALID");
	EXPECT(&ua, "MSG BOB", "OPERAND MISSING OR INVALID");
	/* ALL is a userid for a class G user. */
	EXPECT(&ua, "MSG ALL hi", "ALL NOT LOGGED ON");
	EXPECT(&ua, "WARNING BOB hi", "?CP: WARNING");
}
END_TEST

START_TEST(test_set_msg_off_refuses_and_set_wng_off_refuses_warnings)
{
	logon(&ua, "ALICE", 0x020);
	logon(&ub, "BOB", 0x021);
	logon(&uc, "CHIEF", 0x022);
	EXPECT(&ub, "SET MSG OFF");
	EXPECT(&ua, "MSG BOB are you there", "BOB NOT RECEIVING; MSG OFF");
	/* A warning still comes through MSG OFF, with the bell. */
	EXPECT(&uc, "WARNING BOB system going down");
	rec_pump_part(sys, &ub.rec, "WNG FROM");
	ck_assert_str_eq(ub.rec.lines[0], "WNG FROM CHIEF   : system going down");
	ck_assert_uint_eq(ub.rec.bells, 1);
	EXPECT(&ub, "SET WNG OFF");
	EXPECT(&uc, "W BOB again", "BOB NOT RECEIVING; WNG OFF");
	EXPECT(&ub, "SET MSG ON");
	EXPECT(&ua, "MSG BOB now?");
	rec_pump_part(sys, &ub.rec, "MSG FROM");
	ck_assert_str_eq(ub.rec.lines[0], "MSG FROM ALICE   : now?");
	/* QUERY SET shows his own settings, not the operator's. */
	struct cp_cmd_ctx ctx = {.t = &out.t, .user = ub.u, .classes = ub.u->classes, .vm = ub.vm,
				 .sys = sys};
	rec_term_init(&out);
	QUERY(&ctx, CP_CMD_OK, "QUERY SET", "MSG ON , WNG OFF, EMSG TEXT, ACNT ON , RUN OFF",
	      "LINEDIT ON , TIMER ON , ISAM OFF, ECMODE OFF", "IMSG ON , ASSIST OFF, PAGEX OFF, NOTRANS OFF");
	struct cp_cmd_ctx actx = {.t = &out.t, .user = ua.u, .classes = ua.u->classes, .vm = ua.vm,
				  .sys = sys};
	QUERY(&actx, CP_CMD_OK, "QUERY SET", "MSG ON , WNG ON , EMSG TEXT, ACNT ON , RUN OFF",
	      "LINEDIT ON , TIMER ON , ISAM OFF, ECMODE OFF", "IMSG ON , ASSIST OFF, PAGEX OFF, NOTRANS OFF");
}
END_TEST

START_TEST(test_settings_are_per_user_and_forgotten)
{
	logon(&ua, "ALICE", 0x020);
	logon(&ub, "BOB", 0x021);
	EXPECT(&ua, "SET RUN ON");
	EXPECT(&ua, "TERMINAL LINEND ;");
	EXPECT(&ua, "SET EMSG ON");
	EXPECT(&ua, "FROB", "DMKCFC001E ?CP: FROB");
	EXPECT(&ub, "FROB", "?CP: FROB");
	struct term_settings ts;
	cmd_msg_term_settings(ua.vm, &ts);
	ck_assert_int_eq(ts.linend, ';');
	cmd_msg_term_settings(ub.vm, &ts);
	ck_assert_int_eq(ts.linend, '#');
	struct cp_cmd_ctx actx = {.t = &out.t, .user = ua.u, .classes = ua.u->classes, .vm = ua.vm,
				  .sys = sys};
	rec_term_init(&out);
	QUERY(&actx, CP_CMD_OK, "Q SET", "MSG ON , WNG ON , EMSG ON  , ACNT ON , RUN ON",
	      "LINEDIT ON , TIMER ON , ISAM OFF, ECMODE OFF", "IMSG ON , ASSIST OFF, PAGEX OFF, NOTRANS OFF");
	cmd_msg_forget(ua.vm);
	cmd_msg_term_settings(ua.vm, &ts);
	ck_assert_int_eq(ts.linend, '#');
}
END_TEST

START_TEST(test_msg_to_a_disconnected_user_is_kept_for_his_reconnect)
{
	logon(&ua, "ALICE", 0x020);
	logon(&ub, "BOB", 0x021);
	struct term_event ev = {.type = TERM_EV_DISCONNECTED};
	term_deliver(&ub.rec.t, &ev);
	EXPECT(&ua, "MSG BOB read this later", "BOB NOT RECEIVING; DISCONNECTED");
	/* A new terminal: what was kept comes first. */
	memset(&ub2, 0, sizeof ub2);
	rec_term_init(&ub2.rec);
	ub2.u = ub.u;
	unsigned other;
	char why[80];
	ck_assert_int_eq(vm_logon(sys, ub.u, &ub2.rec.t, 0x023, false, &other, why, sizeof why),
			 VM_LOGON_RECONNECTED);
	rec_pump_part(sys, &ub2.rec, "RECONNECTED AT");
	ck_assert(rec_has(&ub2.rec, "MSG FROM ALICE   : read this later"));
}
END_TEST

START_TEST(test_msg_and_warning_to_and_from_the_operator)
{
	logon(&ua, "ALICE", 0x020);
	logon(&ub, "BOB", 0x021);
	EXPECT(&ua, "MSG OPERATOR please mount tape");
	ck_assert(logged("MSG FROM ALICE   : please mount tape"));
	EXPECT(&ua, "M OP x", "OP NOT LOGGED ON");
	rec_clear(&ua.rec);
	ck_assert_int_eq(oper("MSG ALICE tape mounted"), CP_CMD_OK);
	ck_assert_uint_eq(out.n, 0);
	rec_pump_part(sys, &ua.rec, "MSG FROM");
	ck_assert_str_eq(ua.rec.lines[0], "MSG FROM OPERATOR: tape mounted");
	ck_assert_int_eq(oper("WARNING BOB system going down"), CP_CMD_OK);
	rec_pump_part(sys, &ub.rec, "WNG FROM");
	ck_assert_str_eq(ub.rec.lines[0], "WNG FROM OPERATOR: system going down");
	ck_assert_int_eq(oper("MSG NOBODY hi"), CP_CMD_FAILED);
	ck_assert_str_eq(out.lines[0], "NOBODY NOT LOGGED ON");
	/* ALL: everyone logged on; who refuses is passed over. */
	EXPECT(&ub, "SET WNG OFF");
	rec_clear(&ua.rec);
	rec_clear(&ub.rec);
	ck_assert_int_eq(oper("WARNING ALL down in 5 minutes"), CP_CMD_OK);
	ck_assert_uint_eq(out.n, 0);
	rec_pump_part(sys, &ua.rec, "WNG FROM");
	ck_assert_str_eq(ua.rec.lines[0], "WNG FROM OPERATOR: down in 5 minutes");
	ck_assert_int_eq(oper("MSG ALL back at 6"), CP_CMD_OK);
	rec_pump_part(sys, &ub.rec, "MSG FROM");
	for (size_t i = 0; i < ub.rec.n; i++)
		ck_assert_msg(strstr(ub.rec.lines[i], "WNG FROM") == NULL, "BOB got %s", ub.rec.lines[i]);
	/* The operator's console can refuse too. */
	ck_assert_int_eq(oper("SET MSG OFF"), CP_CMD_OK);
	EXPECT(&ua, "MSG OPERATOR hello?", "OPERATOR NOT RECEIVING; MSG OFF");
}
END_TEST

START_TEST(test_msg_all_from_a_class_b_user)
{
	logon(&ua, "ALICE", 0x020);
	logon(&uc, "CHIEF", 0x022);
	EXPECT(&uc, "MSG ALL coffee", "MSG FROM CHIEF   : coffee");
	rec_pump_part(sys, &ua.rec, "MSG FROM");
	ck_assert_str_eq(ua.rec.lines[0], "MSG FROM CHIEF   : coffee");
}
END_TEST

START_TEST(test_force_logs_a_user_off)
{
	logon(&ua, "ALICE", 0x020);
	logon(&ub, "BOB", 0x021);
	ck_assert_int_eq(oper("FORCE BOB"), CP_CMD_OK);
	ck_assert_uint_eq(out.n, 0);
	rec_pump_closed(sys, &ub.rec);
	ck_assert_uint_ge(ub.rec.n, 2);
	ck_assert(strncmp(ub.rec.lines[ub.rec.n - 2], "CONNECT= ", 9) == 0);
	ck_assert(strncmp(ub.rec.lines[ub.rec.n - 1], "LOGOFF AT ", 10) == 0);
	ck_assert(!ua.rec.closed);
	rec_pump_users(sys, 1);
	ck_assert(logged("LOGOFF AS BOB"));
	/* His virtual machine is freed once its task and terminal are done with it. */
	rec_pump_vms(sys, 1);
	ck_assert_int_eq(oper("FORCE BOB"), CP_CMD_FAILED);
	ck_assert_str_eq(out.lines[0], "BOB NOT LOGGED ON");
	ck_assert_int_eq(oper("FORCE"), CP_CMD_FAILED);
	ck_assert_str_eq(out.lines[0], "USERID MISSING OR INVALID");
	EXPECT(&ua, "FORCE ALICE", "?CP: FORCE");
}
END_TEST

START_TEST(test_shutdown_forces_everyone_then_stops)
{
	logon(&ua, "ALICE", 0x020);
	logon(&ub, "BOB", 0x021);
	ck_assert_int_eq(oper("SHUTDOWN NOW"), CP_CMD_FAILED);
	ck_assert_str_eq(out.lines[0], "INVALID OPTION - NOW");
	ck_assert_int_eq(shutdowns, 0);
	ck_assert_int_eq(oper("SHUTDOWN"), CP_CMD_OK);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_str_eq(out.lines[0], "SYSTEM WARM START DATA SAVED");
	ck_assert_str_eq(out.lines[1], "SYSTEM SHUTDOWN COMPLETE");
	ck_assert_int_eq(shutdowns, 1);
	/* The logoffs came to the terminals before SHUTDOWN returned. */
	ck_assert_uint_eq(cpsys_users(sys), 0);
	ck_assert(ua.rec.closed && ub.rec.closed);
	ck_assert(strncmp(ua.rec.lines[ua.rec.n - 1], "LOGOFF AT ", 10) == 0);
	ck_assert(strncmp(ub.rec.lines[ub.rec.n - 1], "LOGOFF AT ", 10) == 0);
}
END_TEST

START_TEST(test_shutdown_from_a_class_a_users_terminal)
{
	struct user op;
	logon(&ua, "ALICE", 0x020);
	logon(&op, "OPERATOR", 0x021);
	type(&op, "SHUTDOWN");
	ck_assert_int_eq(shutdowns, 1);
	ck_assert(logged("DMKCKP961W SYSTEM SHUTDOWN COMPLETE"));
	rec_pump_closed(sys, &ua.rec);
	rec_pump_closed(sys, &op.rec);
	ck_assert(rec_has(&op.rec, "SYSTEM SHUTDOWN COMPLETE"));
	ck_assert(strncmp(op.rec.lines[op.rec.n - 1], "LOGOFF AT ", 10) == 0);
	ck_assert(strncmp(ua.rec.lines[ua.rec.n - 1], "LOGOFF AT ", 10) == 0);
}
END_TEST

START_TEST(test_sleep_until_the_next_line_or_attention)
{
	logon(&ua, "ALICE", 0x020);
	EXPECT(&ua, "SLEEP");
	/* The line that wakes him is not a command. */
	EXPECT(&ua, "FROB");
	EXPECT(&ua, "FROB", "?CP: FROB");
	EXPECT(&ua, "SLEEP");
	unsigned before = ua.rec.reads;
	rec_attention(&ua.rec);
	rec_pump_read(sys, &ua.rec, before);
	EXPECT(&ua, "FROB", "?CP: FROB");
	/* A timed sleep ends by itself: the next line is a command again. */
	EXPECT(&ua, "SLEEP 1 SEC");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rec_pump_read(sys, &ua.rec, ua.rec.reads);	/* SLEEP 1 SEC ends by itself */
	ck_assert(secs_since(&t0) > 0.5);
	EXPECT(&ua, "FROB", "?CP: FROB");
}
END_TEST

START_TEST(test_indicate_load_and_user)
{
	logon(&ua, "ALICE", 0x020);
	logon(&ub, "BOB", 0x021);
	EXPECT(&ua, "INDICATE USER", "PAGES: RES-0256 WS-0256 READS=000000 WRITES=000000 MH-000 PM-000",
	       "VTIME=000:00 TTIME=000:00 SIO=000000 RDR-000000 PRT-000000 PCH-000000",
	       "INSTRUCTIONS-0");
	type(&ua, "IND");
	ck_assert_uint_eq(ua.rec.n, 2);
	unsigned cpu, st, r1, r2;
	size_t q1, q2;
	ck_assert_int_eq(sscanf(ua.rec.lines[0], "CPU-%3u%% APU-000%% Q1-%2zu Q2-%2zu STORAGE-%3u%% RATIO-%u.%u",
				&cpu, &q1, &q2, &st, &r1, &r2), 6);
	ck_assert_uint_le(cpu, 100);
	ck_assert_uint_eq(q2, 0);
	ck_assert(strncmp(ua.rec.lines[1], "MIPS-", 5) == 0);
	ck_assert(strstr(ua.rec.lines[1], " USERS-002") != NULL);
	ck_assert_int_eq(oper("INDICATE LOAD"), CP_CMD_OK);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_int_eq(oper("INDICATE USER"), CP_CMD_NOT_AVAILABLE);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cmd_msg");
	TCase *tc = tcase_create("plain");
	tcase_add_checked_fixture(tc, setup_plain, NULL);
	tcase_add_test(tc, test_query_set_shows_the_logon_defaults);
	tcase_add_test(tc, test_set_changes_what_query_set_shows);
	tcase_add_test(tc, test_set_emsg_edits_the_messages_that_follow);
	tcase_add_test(tc, test_set_errors_change_nothing);
	tcase_add_test(tc, test_set_pf_keys_and_query_pfnn);
	tcase_add_test(tc, test_logmsg_set_query_and_logon_lines);
	tcase_add_test(tc, test_terminal_settings_and_query_terminal);
	tcase_add_test(tc, test_terminal_errors_change_nothing);
	tcase_add_test(tc, test_line_edit_table);
	tcase_add_test(tc, test_line_edit_characters_changed_off_and_linedit_off);
	tcase_add_test(tc, test_operands_checked_before_the_system_is_needed);
	tcase_add_test(tc, test_privileged_commands_and_operands_are_hidden);
	tcase_add_test(tc, test_enable_disable_all_decide_logons_and_raddrs_do_not_exist);
	tcase_add_test(tc, test_sleep_operands);
	suite_add_tcase(s, tc);

	tc = tcase_create("system");
	tcase_add_checked_fixture(tc, setup_sys, teardown_sys);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_msg_between_users_as_typed);
	tcase_add_test(tc, test_set_msg_off_refuses_and_set_wng_off_refuses_warnings);
	tcase_add_test(tc, test_settings_are_per_user_and_forgotten);
	tcase_add_test(tc, test_msg_to_a_disconnected_user_is_kept_for_his_reconnect);
	tcase_add_test(tc, test_msg_and_warning_to_and_from_the_operator);
	tcase_add_test(tc, test_msg_all_from_a_class_b_user);
	tcase_add_test(tc, test_force_logs_a_user_off);
	tcase_add_test(tc, test_shutdown_forces_everyone_then_stops);
	tcase_add_test(tc, test_shutdown_from_a_class_a_users_terminal);
	tcase_add_test(tc, test_sleep_until_the_next_line_or_attention);
	tcase_add_test(tc, test_indicate_load_and_user);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
