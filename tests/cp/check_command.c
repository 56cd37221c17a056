/*
 * check_command.c - the CP command language (cp/command.c, cp/commands.def) and the message
 * catalog (cp/message.c, cp/messages.def).
 *
 * The table's consistency (abbreviations, aliases, classes, help lines), lookup by names,
 * abbreviations and aliases, the privilege check, tokenizing, and the commands carried out so far
 * (LOGON's hand-over, LOGOFF, QUERY TIME, HELP, #CP) through a terminal that records what CP
 * writes. Times are fixed and the zone is UTC.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cp/command.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "tests/check_run.h"
#include "tests/cp/rec_term.h"

/* ---- A terminal that records lines ---- */

static struct rec_term rec;
static int logons, ends;
static char logon_password[64];

static bool sess_logon(void *sess, const struct cp_cmd_line *cl)
{
	(void)sess;
	logons++;
	snprintf(logon_password, sizeof logon_password, "%s", cl->n > 2 ? cl->raw[2] : "");
	return false;
}
static void sess_end(void *sess)
{
	(void)sess;
	ends++;
	term_close(&rec.t);
}
static const struct cp_cmd_session_ops sess_ops = {sess_logon, sess_end};

static struct dir_user user;

/* 1979-05-17 14:36:12 UTC, a Thursday (vm370-cp.md 7's example). */
#define NOW ((time_t)295799772)

/* A context for a logged-on user with classes (letters), connected 1h 2m 3s; "" = before logon. */
static struct cp_cmd_ctx ctx_for(const char *classes)
{
	rec_term_init(&rec);
	logons = ends = 0;
	memset(&user, 0, sizeof user);
	strcpy(user.userid, "ALICE");
	for (const char *c = classes; *c; c++)
		user.classes |= DIR_CLASS(*c);
	struct cp_cmd_ctx ctx = {.t = &rec.t,
				 .user = *classes ? &user : NULL,
				 .classes = user.classes,
				 .logon_time = NOW - 3723,
				 .now = NOW,
				 .ops = &sess_ops};
	return ctx;
}

static void setup(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

/* ---- The table ---- */

START_TEST(test_every_abbreviation_is_an_upper_case_prefix_of_its_name)
{
	for (size_t i = 0; i < cp_cmd_table_count; i++) {
		const struct cp_cmd_desc *d = &cp_cmd_table[i];
		size_t n = strlen(d->abbrev);
		ck_assert_msg(n >= 1 && n <= strlen(d->name) && strncmp(d->abbrev, d->name, n) == 0,
			      "%s: abbreviation %s", d->name, d->abbrev);
		for (const char *p = d->name; *p; p++)
			ck_assert_msg(!(*p >= 'a' && *p <= 'z'), "%s: not upper case", d->name);
	}
}
END_TEST

START_TEST(test_no_two_rows_claim_the_same_name_or_abbreviation)
{
	for (size_t i = 0; i < cp_cmd_table_count; i++)
		for (size_t j = i + 1; j < cp_cmd_table_count; j++) {
			const struct cp_cmd_desc *a = &cp_cmd_table[i], *b = &cp_cmd_table[j];
			ck_assert_msg(strcmp(a->name, b->name) != 0, "name %s twice", a->name);
			ck_assert_msg(strcmp(a->abbrev, b->abbrev) != 0, "%s and %s both %s", a->name,
				      b->name, a->abbrev);
		}
}
END_TEST

/* docs/cp-commands.md has a row for every command and alias of the table (it is the reference). */
START_TEST(test_every_command_is_in_the_reference)
{
	FILE *f = fopen(CP_COMMANDS_DOC, "r");
	ck_assert_msg(f != NULL, "%s", CP_COMMANDS_DOC);
	static char doc[1 << 16];
	size_t n = fread(doc, 1, sizeof doc - 1, f);
	fclose(f);
	doc[n] = '\0';
	for (size_t i = 0; i < cp_cmd_table_count; i++) {
		char want[40];
		snprintf(want, sizeof want, "`%s`", cp_cmd_table[i].name);
		ck_assert_msg(strstr(doc, want) != NULL, "%s is not in docs/cp-commands.md",
			      cp_cmd_table[i].name);
	}
}
END_TEST

START_TEST(test_rows_have_classes_help_and_aliases_name_a_command)
{
	size_t commands = 0;
	for (size_t i = 0; i < cp_cmd_table_count; i++) {
		const struct cp_cmd_desc *d = &cp_cmd_table[i];
		const struct cp_cmd_desc *cmd = cp_cmd_by_id(d->id);
		ck_assert_ptr_nonnull(cmd);
		ck_assert(!cmd->alias);
		if (d->alias) {
			ck_assert_ptr_null(d->handler);
			continue;
		}
		commands++;
		ck_assert_ptr_eq(cmd, d);
		ck_assert_msg(strcmp(d->classes, "ANY") == 0 ||
				      (strlen(d->classes) > 0 &&
				       strspn(d->classes, "ABCDEFGH") == strlen(d->classes)),
			      "%s: classes %s", d->name, d->classes);
		ck_assert_msg(strlen(d->help) > 0 && strlen(d->help) <= 80, "%s: help", d->name);
	}
	ck_assert_uint_eq(commands, CP_CMD_ID_COUNT);
}
END_TEST

START_TEST(test_every_name_and_abbreviation_finds_its_command)
{
	for (size_t i = 0; i < cp_cmd_table_count; i++) {
		const struct cp_cmd_desc *d = &cp_cmd_table[i];
		ck_assert_ptr_eq(cp_cmd_lookup(d->name), d);
		const struct cp_cmd_desc *a = cp_cmd_lookup(d->abbrev);
		ck_assert_ptr_nonnull(a);
		ck_assert_msg(a->id == d->id, "%s finds %s, not %s", d->abbrev, a->name, d->name);
	}
}
END_TEST

static const struct {
	const char *word;
	const char *command; /* NULL: no command */
} lookups[] = {
	{"QUERY", "QUERY"},	{"Q", "QUERY"},		{"QUER", "QUERY"},	{"QUERYX", NULL},
	{"L", "LOGON"},		{"LO", "LOGON"},	{"LOG", "LOGOFF"},	{"LOGO", "LOGOFF"},
	{"LOGON", "LOGON"},	{"LOGOF", "LOGOFF"},	{"LOGOFF", "LOGOFF"},	{"LOGOUT", "LOGOFF"},
	{"LOGI", "LOGON"},	{"LOGIN", "LOGON"},	{"M", "MESSAGE"},	{"MSG", "MESSAGE"},
	{"MS", NULL},		{"D", "DISPLAY"},	{"DIS", "DISPLAY"},	{"DISA", "DISABLE"},
	{"DISC", "DISCONN"},	{"DISCONN", "DISCONN"}, {"SE", NULL},		{"SET", "SET"},
	{"S", NULL},		{"SP", "SPOOL"},	{"ST", "STORE"},	{"SYS", "SYSTEM"},
	{"AT", NULL},		{"ATT", "ATTACH"},	{"ATTN", "REQUEST"},	{"REQ", "REQUEST"},
	{"TRA", "TRACE"},	{"TRAN", "TRANSFER"},	{"TERM", "TERMINAL"},	{"TER", NULL},
	{"#CP", "#CP"},		{"#C", NULL},		{"H", "HELP"},		{"SHUT", NULL},
	{"FROB", NULL},		{"", NULL},
};

START_TEST(test_lookup_by_name_abbreviation_and_alias)
{
	for (size_t i = 0; i < sizeof lookups / sizeof lookups[0]; i++) {
		const struct cp_cmd_desc *d = cp_cmd_lookup(lookups[i].word);
		if (!lookups[i].command) {
			ck_assert_msg(d == NULL, "%s finds %s", lookups[i].word, d ? d->name : "");
			continue;
		}
		ck_assert_msg(d != NULL, "%s finds nothing", lookups[i].word);
		ck_assert_str_eq(cp_cmd_by_id(d->id)->name, lookups[i].command);
	}
}
END_TEST

/* ---- Tokenizing ---- */

START_TEST(test_tokenize_splits_on_blanks_and_upper_cases_a_copy)
{
	struct cp_cmd_line cl;
	cp_cmd_tokenize(&cl, "  msg   Bob  Hello,  World ");
	ck_assert_uint_eq(cl.n, 4);
	ck_assert_str_eq(cl.tok[0], "MSG");
	ck_assert_str_eq(cl.tok[1], "BOB");
	ck_assert_str_eq(cl.tok[2], "HELLO,");
	ck_assert_str_eq(cl.raw[1], "Bob");
	ck_assert_str_eq(cl.raw[3], "World");
	ck_assert_str_eq(cp_cmd_rest(&cl, 2), "Hello,  World ");
	ck_assert_str_eq(cp_cmd_rest(&cl, 4), "");

	cp_cmd_tokenize(&cl, "");
	ck_assert_uint_eq(cl.n, 0);
	cp_cmd_tokenize(&cl, "     ");
	ck_assert_uint_eq(cl.n, 0);
}
END_TEST

START_TEST(test_tokenize_bounds_tokens_and_length)
{
	struct cp_cmd_line cl;
	char line[400] = "";
	for (int i = 0; i < 40; i++)
		strcat(line, "A ");
	cp_cmd_tokenize(&cl, line);
	ck_assert_uint_eq(cl.n, CP_CMD_TOKENS_MAX);
	ck_assert_uint_eq(strlen(cp_cmd_rest(&cl, CP_CMD_TOKENS_MAX - 1)), 80 - 2 * 31);

	memset(line, 'X', 300);
	line[300] = '\0';
	cp_cmd_tokenize(&cl, line);
	ck_assert_uint_eq(cl.n, 1);
	ck_assert_uint_eq(strlen(cl.tok[0]), CP_CMD_LINE_MAX);
}
END_TEST

/* ---- Dispatch, privilege ---- */

START_TEST(test_unknown_command_is_answered_with_its_word)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "frob it"), CP_CMD_UNKNOWN);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_str_eq(rec.lines[0], "?CP: FROB");
	rec_clear(&rec);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "   "), CP_CMD_OK);
	ck_assert_uint_eq(rec.n, 0);
}
END_TEST

START_TEST(test_command_outside_the_users_classes_is_refused_as_unknown)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	const struct cp_cmd_desc *att = cp_cmd_lookup("ATTACH");
	ck_assert(!cp_cmd_allowed(att, ctx.classes));
	ck_assert(cp_cmd_allowed(att, DIR_CLASS('B')));
	ck_assert(cp_cmd_allowed(cp_cmd_lookup("MSG"), 0));
	ck_assert(!cp_cmd_allowed(cp_cmd_lookup("Q"), 0));

	ck_assert_int_eq(cp_cmd_execute(&ctx, "att 180 to bob"), CP_CMD_PRIVILEGE);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_str_eq(rec.lines[0], "?CP: ATT");

	ctx = ctx_for(""); /* before logon */
	ck_assert_int_eq(cp_cmd_execute(&ctx, "Q TIME"), CP_CMD_PRIVILEGE);
	ck_assert_str_eq(rec.lines[0], "?CP: Q");
}
END_TEST

START_TEST(test_commands_not_carried_out_yet_say_so)
{
	size_t todo = 0;
	for (size_t i = 0; i < cp_cmd_table_count; i++) {
		const struct cp_cmd_desc *d = &cp_cmd_table[i];
		if (d->alias || d->handler)
			continue;
		todo++;
		struct cp_cmd_ctx ctx = ctx_for("ABCDEFG");
		ck_assert_int_eq(cp_cmd_execute(&ctx, d->abbrev), CP_CMD_NOT_AVAILABLE);
		ck_assert_uint_eq(rec.n, 1);
		char want[64];
		snprintf(want, sizeof want, "%s NOT YET AVAILABLE", d->name);
		ck_assert_str_eq(rec.lines[0], want);
	}
	(void)todo;	/* every command may be carried out: the rows then test nothing */
	/* An operand not carried out: the handler's detail names it. */
	struct cp_cmd_ctx ctx = ctx_for("G");
	struct cp_cmd_line cl;
	cp_cmd_tokenize(&cl, "QUERY FROB");
	snprintf(ctx.detail, sizeof ctx.detail, "QUERY FROB");
	rec_clear(&rec);
	cp_cmd_show(&ctx, &cl, CP_CMD_NOT_AVAILABLE);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_str_eq(rec.lines[0], "QUERY FROB NOT YET AVAILABLE");
}
END_TEST

/* ---- LOGON, LOGOFF ---- */

START_TEST(test_logon_before_logon_goes_to_the_dialogue_with_the_password_as_typed)
{
	struct cp_cmd_ctx ctx = ctx_for("");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "l alice SeCrEt"), CP_CMD_OK);
	ck_assert_int_eq(logons, 1);
	ck_assert_str_eq(logon_password, "SeCrEt");

	ctx = ctx_for("G");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "LOGON ALICE"), CP_CMD_UNKNOWN);
	ck_assert_int_eq(logons, 0);
	ck_assert_str_eq(rec.lines[0], "?CP: LOGON");
}
END_TEST

START_TEST(test_logoff_writes_connect_and_logoff_lines_then_ends_the_session)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "logoff"), CP_CMD_CLOSED);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_str_eq(rec.lines[0], "CONNECT= 01:02:03 VIRTCPU= 000:00.00 TOTCPU= 000:00.00");
	ck_assert_str_eq(rec.lines[1], "LOGOFF AT 14:36:12 UTC THURSDAY 05/17/79");
	ck_assert_int_eq(ends, 1);
	ck_assert_int_eq(rec.closes, 1);

	ctx = ctx_for("G");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "LOGOUT HOLD"), CP_CMD_CLOSED);
	ck_assert_int_eq(ends, 1);

	ctx = ctx_for("G");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "LOG NOW"), CP_CMD_FAILED);
	ck_assert_str_eq(rec.lines[0], "INVALID OPTION - NOW");
	ck_assert_int_eq(ends, 0);

	ctx = ctx_for(""); /* before logon: the terminal rec.closes, nothing is written */
	ck_assert_int_eq(cp_cmd_execute(&ctx, "LOGOFF"), CP_CMD_CLOSED);
	ck_assert_uint_eq(rec.n, 0);
	ck_assert_int_eq(ends, 1);
}
END_TEST

/* ---- QUERY ---- */

START_TEST(test_query_time_in_vm370_format)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "q t"), CP_CMD_OK);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_str_eq(rec.lines[0], "TIME IS 14:36:12 UTC THURSDAY 05/17/79");
	ck_assert_str_eq(rec.lines[1], "CONNECT= 01:02:03 VIRTCPU= 000:00.00 TOTCPU= 000:00.00");

	ctx = ctx_for("G");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "QUERY TIME"), CP_CMD_OK);
	ck_assert_uint_eq(rec.n, 2);
}
END_TEST

START_TEST(test_query_errors_and_operands_not_yet_available)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "QUERY"), CP_CMD_FAILED);
	ck_assert_str_eq(rec.lines[0], "OPERAND MISSING OR INVALID");
	rec_clear(&rec);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "Q TIME NOW"), CP_CMD_FAILED);
	ck_assert_str_eq(rec.lines[0], "INVALID OPTION - NOW");
	rec_clear(&rec);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "q files"), CP_CMD_NOT_AVAILABLE);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_str_eq(rec.lines[0], "QUERY FILES NOT YET AVAILABLE");
}
END_TEST

/* ---- HELP ---- */

START_TEST(test_help_lists_the_commands_the_user_may_use)
{
	size_t want_g = 0, want_any = 0;
	for (size_t i = 0; i < cp_cmd_table_count; i++) {
		const struct cp_cmd_desc *d = &cp_cmd_table[i];
		want_g += !d->alias && cp_cmd_allowed(d, DIR_CLASS('G'));
		want_any += !d->alias && cp_cmd_allowed(d, 0);
	}
	struct cp_cmd_ctx ctx = ctx_for("G");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "HELP"), CP_CMD_OK);
	ck_assert_uint_eq(rec.n, want_g);
	bool query = false, attach = false;
	for (size_t i = 0; i < rec.n; i++) {
		query |= strncmp(rec.lines[i], "QUERY ", 6) == 0;
		attach |= strncmp(rec.lines[i], "ATTACH ", 7) == 0;
	}
	ck_assert(query && !attach);

	ctx = ctx_for("");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "help"), CP_CMD_OK);
	ck_assert_uint_eq(rec.n, want_any);
	ck_assert_uint_lt(want_any, want_g);
}
END_TEST

START_TEST(test_help_for_one_command_alias_or_refusal)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "help q"), CP_CMD_OK);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_str_eq(rec.lines[0], "QUERY     Q        ABCDEFG QUERY TIME|FILES|USERS|VIRTUAL|... - "
				   "DISPLAY STATUS");
	rec_clear(&rec);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "HELP MSG"), CP_CMD_OK);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert(strncmp(rec.lines[0], "MESSAGE   M        ANY ", 23) == 0);
	ck_assert_ptr_null(strstr(rec.lines[0], "(NOT YET AVAILABLE)"));
	rec_clear(&rec);
	/* A command not carried out yet says so in its line. */
	for (size_t i = 0; i < cp_cmd_table_count; i++) {
		const struct cp_cmd_desc *d = &cp_cmd_table[i];
		if (d->alias || d->handler || !cp_cmd_allowed(d, ctx.classes))
			continue;
		char cmd[32];
		snprintf(cmd, sizeof cmd, "HELP %s", d->name);
		ck_assert_int_eq(cp_cmd_execute(&ctx, cmd), CP_CMD_OK);
		ck_assert_ptr_nonnull(strstr(rec.lines[rec.n - 1], "(NOT YET AVAILABLE)"));
		rec_clear(&rec);
		break;
	}
	ck_assert_int_eq(cp_cmd_execute(&ctx, "HELP ATTACH"), CP_CMD_FAILED);
	ck_assert_str_eq(rec.lines[0], "INVALID OPERAND - ATTACH");
	rec_clear(&rec);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "HELP FROB"), CP_CMD_FAILED);
	ck_assert_str_eq(rec.lines[0], "INVALID OPERAND - FROB");
	rec_clear(&rec);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "HELP Q T"), CP_CMD_FAILED);
	ck_assert_str_eq(rec.lines[0], "INVALID OPTION - T");
}
END_TEST

/* ---- #CP ---- */

START_TEST(test_hash_cp_strips_the_prefix_and_runs_the_command)
{
	struct cp_cmd_ctx ctx = ctx_for("G");
	ck_assert_int_eq(cp_cmd_execute(&ctx, "#cp q time"), CP_CMD_OK);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_str_eq(rec.lines[0], "TIME IS 14:36:12 UTC THURSDAY 05/17/79");
	rec_clear(&rec);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "#CP #CP Q T"), CP_CMD_OK);
	ck_assert_uint_eq(rec.n, 2);
	rec_clear(&rec);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "#CP"), CP_CMD_OK);
	ck_assert_uint_eq(rec.n, 0);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "#CP FROB"), CP_CMD_FAILED);
	ck_assert_str_eq(rec.lines[0], "?CP: FROB");
	rec_clear(&rec);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "#CP QUERY TIME"), CP_CMD_OK);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert(strncmp(rec.lines[0], "TIME IS ", 8) == 0);
	rec_clear(&rec);
	ck_assert_int_eq(cp_cmd_execute(&ctx, "#CP LOGOFF"), CP_CMD_CLOSED);
	ck_assert_int_eq(ends, 1);
}
END_TEST

/* ---- The message catalog ---- */

START_TEST(test_catalog_ids_are_well_formed_and_unique)
{
	for (int m = 0; m < CP_MSG_COUNT; m++) {
		ck_assert_ptr_nonnull(cp_msg_fmt(m));
		const char *id = cp_msg_id(m);
		if (!id)
			continue;
		ck_assert_msg(strlen(id) == 10 && strncmp(id, "DMK", 3) == 0 &&
				      strspn(id + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3 &&
				      strspn(id + 6, "0123456789") == 3 && strchr("IWERT", id[9]),
			      "bad id %s", id);
		for (int k = m + 1; k < CP_MSG_COUNT; k++)
			ck_assert(!cp_msg_id(k) || strcmp(id, cp_msg_id(k)) != 0);
	}
	ck_assert_ptr_null(cp_msg_id(CP_RSP_LOGON_AT));
}
END_TEST

START_TEST(test_catalog_keeps_the_logon_texts)
{
	char buf[128];
	cp_msg_format(buf, sizeof buf, CP_MSG_DMKLOG053E, "NOBODY");
	ck_assert_str_eq(buf, "NOBODY NOT IN CP DIRECTORY");
	cp_msg_format(buf, sizeof buf, CP_MSG_DMKLOG054E, 0x21u);
	ck_assert_str_eq(buf, "ALREADY LOGGED ON LINE 021");
	ck_assert_str_eq(cp_msg_fmt(CP_MSG_DMKLOG020E), "USERID MISSING OR INVALID");
	ck_assert_str_eq(cp_msg_fmt(CP_MSG_DMKLOG050E),
			 "PASSWORD INCORRECT - REINITIATE LOGON PROCEDURE");
	ck_assert_str_eq(cp_msg_fmt(CP_MSG_DMKLOG003E), "INVALID OPTION - %s");
	ck_assert_str_eq(cp_msg_fmt(CP_RSP_ONLINE), "VM/370 ONLINE");
	ck_assert_str_eq(cp_msg_fmt(CP_RSP_ENTER_PASSWORD), "ENTER PASSWORD:");
	ck_assert_uint_eq(cp_msg_format(buf, 8, CP_MSG_DMKCFC001E, "FROBNICATE"), 7);
	ck_assert_str_eq(buf, "?CP: FR");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("command");
	TCase *tc = tcase_create("command");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_every_abbreviation_is_an_upper_case_prefix_of_its_name);
	tcase_add_test(tc, test_no_two_rows_claim_the_same_name_or_abbreviation);
	tcase_add_test(tc, test_rows_have_classes_help_and_aliases_name_a_command);
	tcase_add_test(tc, test_every_command_is_in_the_reference);
	tcase_add_test(tc, test_every_name_and_abbreviation_finds_its_command);
	tcase_add_test(tc, test_lookup_by_name_abbreviation_and_alias);
	tcase_add_test(tc, test_tokenize_splits_on_blanks_and_upper_cases_a_copy);
	tcase_add_test(tc, test_tokenize_bounds_tokens_and_length);
	tcase_add_test(tc, test_unknown_command_is_answered_with_its_word);
	tcase_add_test(tc, test_command_outside_the_users_classes_is_refused_as_unknown);
	tcase_add_test(tc, test_commands_not_carried_out_yet_say_so);
	tcase_add_test(tc, test_logon_before_logon_goes_to_the_dialogue_with_the_password_as_typed);
	tcase_add_test(tc, test_logoff_writes_connect_and_logoff_lines_then_ends_the_session);
	tcase_add_test(tc, test_query_time_in_vm370_format);
	tcase_add_test(tc, test_query_errors_and_operands_not_yet_available);
	tcase_add_test(tc, test_help_lists_the_commands_the_user_may_use);
	tcase_add_test(tc, test_help_for_one_command_alias_or_refusal);
	tcase_add_test(tc, test_hash_cp_strips_the_prefix_and_runs_the_command);
	tcase_add_test(tc, test_catalog_ids_are_well_formed_and_unique);
	tcase_add_test(tc, test_catalog_keeps_the_logon_texts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
