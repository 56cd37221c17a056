/*
 * check_oper.c - the operator console (console/oper.c) without a terminal.
 *
 * The panel's pure renderer (oper_render): the status line, the users table and its overflow
 * row, truncation to the width, the message area and its scrolling, tiny screens. Plain mode
 * driven through pipes: commands read from the input pipe reach on_command one at a time, their
 * answers (given from another thread) and log lines with their timestamps come out of the output
 * pipe, bad lines get an error, and end of file calls on_eof after the last answer.
 */
#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "console/oper.h"
#include "tests/check_run.h"

/*
 * ncurses loses a small allocation of its own when newterm() fails (and keeps some for the life
 * of the process by design); readline keeps its keymaps and history. Not ours to free.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libtinfo.so\nleak:libncursesw.so\nleak:libreadline.so\n";
}

/* ---- The renderer ---- */

static struct oper_user users[60];
static struct oper_snapshot snap;
static char rows[64 * 201];

static const char *row(unsigned width, unsigned r)
{
	return rows + (size_t)r * (width + 1);
}

static void fill_snapshot(size_t n)
{
	memset(&snap, 0, sizeof snap);
	memset(users, 0, sizeof users);
	snprintf(snap.sysname, sizeof snap.sysname, "CAMB1");
	snprintf(snap.address, sizeof snap.address, "127.0.0.1:3270");
	snap.uptime_s = 93784;	/* 1d 02:03:04 */
	snap.logged_on = (unsigned)n;
	snap.mips = 12.5;
	snap.sio_rate = 340;
	for (size_t i = 0; i < n && i < 60; i++) {
		snprintf(users[i].userid, sizeof users[i].userid, "USER%zu", i + 1);
		snprintf(users[i].state, sizeof users[i].state, i ? "CP READ" : "RUNNING");
		snprintf(users[i].term_kind, sizeof users[i].term_kind, "line");
		snprintf(users[i].term_addr, sizeof users[i].term_addr, "127.0.0.1:%zu", 40000 + i);
		users[i].cpu_seconds = 1.5 * (double)i;
		users[i].io_count = 100 * i;
	}
	snap.user = users;
	snap.nuser = n < 60 ? n : 60;
	snap.user_max = 60;
}

static void assert_rows_are(unsigned width, unsigned height)
{
	for (unsigned r = 0; r < height; r++)
		ck_assert_msg(strlen(row(width, r)) == width, "row %u is %zu wide, not %u", r,
			      strlen(row(width, r)), width);
}

START_TEST(test_render_status_line_and_users_table)
{
	fill_snapshot(2);
	const char *msg[] = {"12:00:00 USER1 LOGON", "12:00:05 USER2 LOGON"};
	size_t m = oper_render(&snap, msg, 2, 0, 80, 20, rows);
	assert_rows_are(80, 20);
	ck_assert_msg(!strncmp(row(80, 0), "CAMB1 127.0.0.1:3270  UP 1d 02:03:04  USERS 2  MIPS 12.5"
					   "  SIO/S 340", 67), "%s", row(80, 0));
	ck_assert_msg(!strncmp(row(80, 1), "USERID   STATE    TERM ADDRESS", 30), "%s", row(80, 1));
	ck_assert_msg(!strncmp(row(80, 2), "USER1    RUNNING  line 127.0.0.1:40000", 38), "%s",
		      row(80, 2));
	ck_assert_ptr_nonnull(strstr(row(80, 3), "CP READ"));
	ck_assert_ptr_nonnull(strstr(row(80, 3), "1.50"));
	ck_assert_ptr_nonnull(strstr(row(80, 3), "100"));
	/* Numbers are right-aligned under their headings. */
	ck_assert_int_eq((int)(strstr(row(80, 1), "I/O") - row(80, 1)) + 3,
			 (int)(strstr(row(80, 3), " 100 ") - row(80, 3)) + 4);
	ck_assert_msg(!strncmp(row(80, 4), "-- MESSAGES ---", 15), "%s", row(80, 4));
	ck_assert_msg(!strncmp(row(80, 5), "12:00:00 USER1 LOGON ", 21), "%s", row(80, 5));
	ck_assert_msg(!strncmp(row(80, 6), "12:00:05 USER2 LOGON ", 21), "%s", row(80, 6));
	ck_assert_uint_eq(m, 15);
	for (unsigned r = 7; r < 20; r++)
		ck_assert_uint_eq(strspn(row(80, r), " "), 80);
}
END_TEST

START_TEST(test_render_cuts_every_row_to_the_width)
{
	fill_snapshot(3);
	char longmsg[400];
	memset(longmsg, 'L', sizeof longmsg - 1);
	longmsg[sizeof longmsg - 1] = '\0';
	longmsg[2] = '\t';
	longmsg[3] = '\033';
	const char *msg[] = {longmsg};
	oper_render(&snap, msg, 1, 0, 20, 10, rows);
	assert_rows_are(20, 10);
	ck_assert_str_eq(row(20, 0), "CAMB1 127.0.0.1:3270");
	ck_assert_str_eq(row(20, 2), "USER1    RUNNING  li");
	ck_assert_str_eq(row(20, 5), "-- MESSAGES --------");
	ck_assert_str_eq(row(20, 6), "LL  LLLLLLLLLLLLLLLL");	/* control characters as blanks */
	oper_render(&snap, msg, 1, 0, 200, 10, rows);
	assert_rows_are(200, 10);
	ck_assert_uint_eq(strspn(row(200, 6) + 4, "L"), 196);
}
END_TEST

START_TEST(test_render_says_how_many_users_do_not_fit)
{
	fill_snapshot(50);
	snap.logged_on = 75;	/* more than the snapshot carries */
	size_t m = oper_render(&snap, NULL, 0, 0, 60, 12, rows);
	assert_rows_are(60, 12);
	/* 12 rows: status, header, 5 user rows (half of 9, rounded up), separator, 4 messages. */
	ck_assert_uint_eq(m, 4);
	ck_assert_msg(!strncmp(row(60, 2), "USER1 ", 6), "%s", row(60, 2));
	ck_assert_msg(!strncmp(row(60, 5), "USER4 ", 6), "%s", row(60, 5));
	ck_assert_msg(!strncmp(row(60, 6), "... 71 more ", 12), "%s", row(60, 6));
	ck_assert_msg(!strncmp(row(60, 7), "-- MESSAGES", 11), "%s", row(60, 7));
	/* No users: the messages get the room. */
	fill_snapshot(0);
	ck_assert_uint_eq(oper_render(&snap, NULL, 0, 0, 60, 12, rows), 9);
}
END_TEST

START_TEST(test_render_scrolls_the_message_area)
{
	fill_snapshot(1);
	char text[30][16];
	const char *msg[30];
	for (int i = 0; i < 30; i++) {
		snprintf(text[i], sizeof text[i], "M%d", i);
		msg[i] = text[i];
	}
	/* 16 rows: status, header, 1 user, separator, 12 messages. */
	ck_assert_uint_eq(oper_render(&snap, msg, 30, 0, 40, 16, rows), 12);
	ck_assert_str_eq(row(40, 4), "M18                                     ");
	ck_assert_str_eq(row(40, 15), "M29                                     ");
	oper_render(&snap, msg, 30, 5, 40, 16, rows);
	ck_assert_str_eq(row(40, 15), "M24                                     ");
	ck_assert_msg(strstr(row(40, 3), "5 back, 30 in all"), "%s", row(40, 3));
	oper_render(&snap, msg, 30, 1000, 40, 16, rows);	/* clamped to the oldest */
	ck_assert_str_eq(row(40, 4), "M0                                      ");
	ck_assert_str_eq(row(40, 15), "M11                                     ");
	ck_assert_msg(strstr(row(40, 3), "18 back"), "%s", row(40, 3));
	/* Fewer messages than rows: from the top, scrolling does nothing. */
	oper_render(&snap, msg, 3, 2, 40, 16, rows);
	ck_assert_str_eq(row(40, 4), "M0                                      ");
	ck_assert_str_eq(row(40, 6), "M2                                      ");
	ck_assert_msg(!strncmp(row(40, 3), "-- MESSAGES --", 14), "%s", row(40, 3));
}
END_TEST

START_TEST(test_render_tiny_screens)
{
	fill_snapshot(5);
	const char *msg[] = {"OLD", "NEW"};
	ck_assert_uint_eq(oper_render(&snap, msg, 2, 0, 80, 0, rows), 0);
	ck_assert_uint_eq(oper_render(&snap, msg, 2, 0, 80, 1, rows), 0);
	ck_assert_msg(!strncmp(row(80, 0), "CAMB1", 5), "%s", row(80, 0));
	ck_assert_uint_eq(oper_render(&snap, msg, 2, 0, 80, 2, rows), 1);
	ck_assert_msg(!strncmp(row(80, 1), "NEW ", 4), "%s", row(80, 1));
	/* 5 rows: status, header, "... 5 more", separator, 1 message. */
	ck_assert_uint_eq(oper_render(&snap, msg, 2, 0, 0, 5, rows), 1);
	for (unsigned r = 0; r < 5; r++)
		ck_assert_str_eq(row(0, r), "");
	snap.user = NULL;	/* no table at all */
	oper_render(&snap, msg, 2, 0, 30, 8, rows);
	assert_rows_are(30, 8);
}
END_TEST

/* ---- Plain mode ---- */

static struct oper *op;
static int in_w, out_r;
static char got[8][OPER_LINE_MAX + 1];
static atomic_int ngot, ndone, eofs;
static atomic_bool first_done_before_second;

struct job {
	struct oper_cmd *cmd;
	char line[OPER_LINE_MAX + 1];
};

static void *answer(void *arg)
{
	struct job *j = arg;
	usleep(50000);	/* long enough for the next line to be there already */
	char text[OPER_LINE_MAX + 16];
	snprintf(text, sizeof text, "ANSWER %s", j->line);
	oper_cmd_line(j->cmd, text);
	oper_cmd_line(j->cmd, "SECOND\tLINE");
	ndone++;
	oper_cmd_done(j->cmd);
	free(j);
	return NULL;
}

static void on_command(void *ctx, struct oper_cmd *cmd, const char *line)
{
	(void)ctx;
	int n = ngot;
	if (n == 1)
		first_done_before_second = ndone == 1;
	if (n < 8)
		snprintf(got[n], sizeof got[n], "%s", line);
	ngot++;
	struct job *j = malloc(sizeof *j);
	j->cmd = cmd;
	snprintf(j->line, sizeof j->line, "%s", line);
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, answer, j), 0);
	pthread_detach(t);
}

static void on_eof(void *ctx)
{
	(void)ctx;
	ck_assert_int_eq(ndone, ngot);	/* after the last answer */
	eofs++;
}

static void plain_setup(void)
{
	int in[2], out[2];
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	in_w = in[1];
	out_r = out[0];
	fcntl(out_r, F_SETFL, O_NONBLOCK);
	ngot = ndone = eofs = 0;
	char err[128];
	struct oper_config cfg = {.panel = false, .in_fd = in[0], .out_fd = out[1],
				  .on_command = on_command, .on_eof = on_eof};
	op = oper_new(&cfg, err, sizeof err);
	ck_assert_msg(op != NULL, "%s", err);
}

/* Turn the loop until cond() holds (at most 5 s). */
static void turn_until(bool (*cond)(void))
{
	for (int i = 0; i < 500 && !cond(); i++) {
		struct pollfd p[OPER_POLLFDS_MAX];
		size_t n = oper_pollfds(op, p, OPER_POLLFDS_MAX);
		ck_assert_uint_eq(n, OPER_POLLFDS_MAX);
		poll(p, n, 10);
		oper_dispatch(op, p, n);
	}
	ck_assert(cond());
}

static bool two_done(void)
{
	return ndone == 2 && ngot == 2;
}

static bool one_eof(void)
{
	return eofs == 1;
}

static bool one_got(void)
{
	return ngot == 1;
}

static char outbuf[16384];

static const char *output(void)
{
	static size_t n;
	n = 0;
	ssize_t r;
	while ((r = read(out_r, outbuf + n, sizeof outbuf - 1 - n)) > 0)
		n += (size_t)r;
	outbuf[n] = '\0';
	return outbuf;
}

START_TEST(test_plain_commands_run_in_turn_and_answers_come_out)
{
	const char *in = "QUERY USERS\r\nMSG ALL HELLO\n";
	ck_assert_int_eq(write(in_w, in, strlen(in)), (ssize_t)strlen(in));
	turn_until(two_done);
	ck_assert_str_eq(got[0], "QUERY USERS");
	ck_assert_str_eq(got[1], "MSG ALL HELLO");
	ck_assert(first_done_before_second);
	ck_assert_str_eq(output(), "ANSWER QUERY USERS\nSECOND LINE\n"
				   "ANSWER MSG ALL HELLO\nSECOND LINE\n");
	ck_assert_int_eq(eofs, 0);
	close(in_w);
	turn_until(one_eof);
	/* poll is not offered stdin again after its end, and on_eof comes once. */
	struct pollfd p[OPER_POLLFDS_MAX];
	oper_pollfds(op, p, OPER_POLLFDS_MAX);
	ck_assert_int_lt(p[0].fd, 0);
	oper_dispatch(op, p, OPER_POLLFDS_MAX);
	ck_assert_int_eq(eofs, 1);
	oper_free(op);
}
END_TEST

START_TEST(test_plain_log_lines_have_timestamps)
{
	oper_log(op, "USER1 LOGON AT 14:36:12");
	oper_log(op, "BAD\001TEXT");
	const char *out = output();
	regex_t re;
	ck_assert_int_eq(regcomp(&re, "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] USER1 LOGON AT 14:36:12\n"
				      "[0-2][0-9]:[0-5][0-9]:[0-6][0-9] BAD TEXT\n$",
				 REG_EXTENDED | REG_NEWLINE), 0);
	ck_assert_msg(regexec(&re, out, 0, NULL, 0) == 0, "%s", out);
	regfree(&re);
	close(in_w);
	oper_free(op);
}
END_TEST

START_TEST(test_plain_bad_lines_get_an_error_and_no_command)
{
	char big[600];
	memset(big, 'X', sizeof big);
	big[sizeof big - 1] = '\n';
	ck_assert_int_eq(write(in_w, big, sizeof big), (ssize_t)sizeof big);
	ck_assert_int_eq(write(in_w, "A\001B\n\nLAST", 10), 10);	/* the last without newline */
	close(in_w);
	turn_until(one_eof);
	ck_assert_int_eq(ngot, 1);
	ck_assert_str_eq(got[0], "LAST");
	ck_assert_str_eq(output(), "OPER001E command line longer than 255 characters\n"
				   "OPER002E control characters in the command line\n"
				   "ANSWER LAST\nSECOND LINE\n");
	oper_free(op);
}
END_TEST

START_TEST(test_plain_free_with_a_command_running)
{
	ck_assert_int_eq(write(in_w, "SLOW\n", 5), 5);
	turn_until(one_got);
	oper_free(op);	/* the answer thread ends it: its output is dropped */
	for (int i = 0; i < 500 && ndone == 0; i++)
		usleep(10000);
	usleep(20000);
	close(in_w);
	ck_assert_str_eq(output(), "");
}
END_TEST

START_TEST(test_panel_without_a_terminal_is_refused)
{
	close(in_w);
	oper_free(op);
	int fd = open("/dev/null", O_RDWR);
	setenv("TERM", "no-such-terminal-xyz", 1);
	char err[128] = "";
	struct oper_config cfg = {.panel = true, .in_fd = fd, .out_fd = fd,
				  .on_command = on_command};
	ck_assert_ptr_null(oper_new(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "no-such-terminal-xyz"), "%s", err);
	close(fd);
}
END_TEST

/* ---- Panel mode, on a pseudo-terminal ---- */

static int master = -1;
static char screen[65536];
static size_t nscreen;

static void snapshot(void *ctx, struct oper_snapshot *s)
{
	(void)ctx;
	snprintf(s->sysname, sizeof s->sysname, "PTYSYS");
	s->logged_on = 1;
	if (s->user_max < 1) {
		s->nuser = 1;	/* asks for room */
		return;
	}
	snprintf(s->user[0].userid, sizeof s->user[0].userid, "MAINT");
	snprintf(s->user[0].state, sizeof s->user[0].state, "VM READ");
	s->nuser = 1;
}

/* Keep reading what the panel draws, so the terminal never blocks it. */
static void drain_screen(void)
{
	ssize_t r;
	while ((r = read(master, screen + nscreen, sizeof screen - 1 - nscreen)) > 0)
		nscreen += (size_t)r;
	screen[nscreen] = '\0';
	if (nscreen > sizeof screen / 2) {	/* keep the recent half */
		memmove(screen, screen + nscreen / 2, nscreen - nscreen / 2 + 1);
		nscreen -= nscreen / 2;
	}
}

static void turn_panel_until(bool (*cond)(void))
{
	for (int i = 0; i < 500 && !cond(); i++) {
		struct pollfd p[OPER_POLLFDS_MAX];
		size_t n = oper_pollfds(op, p, OPER_POLLFDS_MAX);
		poll(p, n, 10);
		oper_dispatch(op, p, n);
		drain_screen();
	}
	ck_assert(cond());
}

static bool screen_has_maint(void)
{
	return strstr(screen, "MAINT") != NULL;
}

static bool two_got(void)
{
	return ngot == 2 && ndone == 2;
}

static bool screen_has_logon(void)
{
	return strstr(screen, "USER1 LOGON") != NULL;
}

START_TEST(test_panel_on_a_pty_runs_typed_commands_with_history)
{
	close(in_w);
	oper_free(op);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(master, 0);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(slave, 0);
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	ioctl(slave, TIOCSWINSZ, &ws);
	fcntl(master, F_SETFL, O_NONBLOCK);
	setenv("TERM", "vt100", 1);
	char err[128] = "";
	struct oper_config cfg = {.panel = true, .in_fd = slave, .out_fd = slave,
				  .on_command = on_command, .snapshot = snapshot, .tick_ms = 50};
	op = oper_new(&cfg, err, sizeof err);
	ck_assert_msg(op != NULL, "%s", err);
	turn_panel_until(screen_has_maint);	/* the users table, after the snapshot grew */
	ck_assert_ptr_nonnull(strstr(screen, "PTYSYS"));
	ck_assert_ptr_nonnull(strstr(screen, "USERID"));
	ck_assert_int_eq(write(master, "QUERY USERS\r", 12), 12);
	turn_panel_until(one_got);
	ck_assert_str_eq(got[0], "QUERY USERS");
	/* The up arrow recalls it; Enter runs it again. */
	ck_assert_int_eq(write(master, "\033[A\r", 4), 4);
	turn_panel_until(two_got);
	ck_assert_str_eq(got[1], "QUERY USERS");
	nscreen = 0;
	oper_log(op, "USER1 LOGON");
	turn_panel_until(screen_has_logon);
	oper_free(op);
	drain_screen();
	close(slave);
	close(master);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("oper");
	TCase *tr = tcase_create("render");
	tcase_add_test(tr, test_render_status_line_and_users_table);
	tcase_add_test(tr, test_render_cuts_every_row_to_the_width);
	tcase_add_test(tr, test_render_says_how_many_users_do_not_fit);
	tcase_add_test(tr, test_render_scrolls_the_message_area);
	tcase_add_test(tr, test_render_tiny_screens);
	suite_add_tcase(s, tr);
	TCase *tp = tcase_create("plain");
	tcase_add_checked_fixture(tp, plain_setup, NULL);
	tcase_set_timeout(tp, 10);
	tcase_add_test(tp, test_plain_commands_run_in_turn_and_answers_come_out);
	tcase_add_test(tp, test_plain_log_lines_have_timestamps);
	tcase_add_test(tp, test_plain_bad_lines_get_an_error_and_no_command);
	tcase_add_test(tp, test_plain_free_with_a_command_running);
	tcase_add_test(tp, test_panel_without_a_terminal_is_refused);
	tcase_add_test(tp, test_panel_on_a_pty_runs_typed_commands_with_history);
	suite_add_tcase(s, tp);
	return s;
}

int main(void)
{
	return check_run(suite());
}
