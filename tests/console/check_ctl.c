/*
 * check_ctl.c - the control socket (console/ctl.c) and its client, cambridge-ctl.
 *
 * A real socket in a scratch directory, served by a loop thread that polls as the daemon does,
 * and a fake owner that answers every command from a thread of its own:
 *	ECHO W1 W2 ...   one response line per word, RC 0
 *	FAIL             "FAILED", RC 12
 *	SLOW N           waits 200 ms, then "SLOW N", RC 0
 *	HOLD             kept until the test answers it (held)
 *	MANY N           N lines "LINE i", RC 0
 * anything else     "?CP: word", RC 1
 * The built cambridge-ctl (./cambridge-ctl, make check runs in the build directory) is run
 * against it for its output and exit codes. A peer with another uid cannot be made here: not
 * tested.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "console/ctl.h"
#include "tests/check_run.h"

static char dir[64];
static char path[100];
static struct ctl *ctl;
static pthread_t loop_thread;
static atomic_bool stop_loop;
static atomic_size_t nconn;
static _Atomic(struct ctl_req *) held;

/* ---- The fake owner ---- */

struct job {
	struct ctl_req *req;
	char line[CTL_LINE_MAX + 1];
};

static void *answer(void *arg)
{
	struct job *j = arg;
	char *save, *w = strtok_r(j->line, " ", &save);
	if (!w)
		w = j->line;	/* all blanks: strtok_r found no word, j->line is "" */
	if (!strcmp(w, "ECHO")) {
		while ((w = strtok_r(NULL, " ", &save)) != NULL)
			ctl_reply_line(j->req, w, strlen(w));
		ctl_reply_done(j->req, 0);
	} else if (!strcmp(w, "FAIL")) {
		ctl_reply_line(j->req, "FAILED", 6);
		ctl_reply_done(j->req, 12);
	} else if (!strcmp(w, "SLOW")) {
		w = strtok_r(NULL, " ", &save);
		usleep(200000);
		char text[64];
		snprintf(text, sizeof text, "SLOW %s", w ? w : "");
		ctl_reply_line(j->req, text, strlen(text));
		ctl_reply_done(j->req, 0);
	} else if (!strcmp(w, "MANY")) {
		w = strtok_r(NULL, " ", &save);
		int n = w ? atoi(w) : 0;
		for (int i = 0; i < n; i++) {
			char text[32];
			snprintf(text, sizeof text, "LINE %d", i);
			ctl_reply_line(j->req, text, strlen(text));
		}
		ctl_reply_done(j->req, 0);
	} else {
		char text[300];
		snprintf(text, sizeof text, "?CP: %s", w);
		ctl_reply_line(j->req, text, strlen(text));
		ctl_reply_done(j->req, 1);
	}
	free(j);
	return NULL;
}

static void on_command(void *ctx, struct ctl_req *req, const char *line)
{
	(void)ctx;
	ck_assert_uint_le(strlen(line), CTL_LINE_MAX);
	ck_assert_uint_gt(strlen(line), 0);
	if (!strcmp(line, "HOLD")) {
		held = req;
		return;
	}
	struct job *j = malloc(sizeof *j);
	ck_assert_ptr_nonnull(j);
	j->req = req;
	snprintf(j->line, sizeof j->line, "%s", line);
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, answer, j), 0);
	pthread_detach(t);
}

/* The daemon's loop, in miniature. */
static void *loop(void *arg)
{
	(void)arg;
	struct pollfd p[CTL_POLLFDS_MAX];
	while (!stop_loop) {
		size_t n = ctl_pollfds(ctl, p, CTL_POLLFDS_MAX);
		ck_assert_uint_le(n, CTL_POLLFDS_MAX);
		poll(p, n, 20);
		ctl_dispatch(ctl, p, n);
		nconn = ctl_connections(ctl);
	}
	return NULL;
}

static void start(unsigned timeout_ms)
{
	char err[256] = "";
	struct ctl_config cfg = {.path = path, .on_command = on_command,
				 .line_timeout_ms = timeout_ms};
	ctl = ctl_new(&cfg, err, sizeof err);
	ck_assert_msg(ctl != NULL, "ctl_new: %s", err);
	stop_loop = false;
	ck_assert_int_eq(pthread_create(&loop_thread, NULL, loop, NULL), 0);
}

static void stop(void)
{
	stop_loop = true;
	pthread_join(loop_thread, NULL);
	ctl_free(ctl);
	ctl = NULL;
}

static void setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof dir, "/tmp/check_ctl.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/%s", dir, CTL_SOCKET_NAME);
	held = NULL;
	start(0);
}

static void teardown(void)
{
	if (ctl)
		stop();
	unlink(path);
	rmdir(dir);
}

/* ---- A client ---- */

static int client(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	struct timeval tv = {5, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

static void sendstr(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		ck_assert_int_gt(w, 0);
		s += w;
		n -= (size_t)w;
	}
}

/* Read one whole answer (up to and with its "=RC\n") into buf. */
static void answer_of(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	for (;;) {
		buf[len] = '\0';
		char *last = len ? buf + len - 1 : NULL;
		if (last && *last == '\n') {
			char *start = last;
			while (start > buf && start[-1] != '\n')
				start--;
			if (*start == '=')
				return;
		}
		ck_assert_uint_lt(len, cap - 1);
		ssize_t r = recv(fd, buf + len, 1, 0);	/* byte by byte: never past the answer */
		ck_assert_msg(r == 1, "no answer (got \"%s\")", buf);
		len++;
	}
}

static void roundtrip(int fd, const char *cmd, const char *want)
{
	char buf[8192];
	sendstr(fd, cmd, strlen(cmd));
	answer_of(fd, buf, sizeof buf);
	ck_assert_str_eq(buf, want);
}

/* Wait (up to 5 s) for the loop to see n connections. */
static void wait_conns(size_t n)
{
	for (int i = 0; i < 500 && nconn != n; i++)
		usleep(10000);
	ck_assert_uint_eq(nconn, n);
}

/* ---- The socket ---- */

START_TEST(test_command_answered_from_another_thread)
{
	int fd = client();
	roundtrip(fd, "ECHO A BC\n", "-A\n-BC\n=0\n");
	roundtrip(fd, "FAIL\r\n", "-FAILED\n=12\n");
	roundtrip(fd, "FROB\n", "-?CP: FROB\n=1\n");
	roundtrip(fd, "\n", "=0\n");
	close(fd);
}
END_TEST

START_TEST(test_long_answer_arrives_whole)
{
	int fd = client();
	char *want = malloc(20000);
	size_t n = 0;
	for (int i = 0; i < 1000; i++)
		n += (size_t)sprintf(want + n, "-LINE %d\n", i);
	strcpy(want + n, "=0\n");
	char *buf = malloc(20000);
	sendstr(fd, "MANY 1000\n", 10);
	answer_of(fd, buf, 20000);
	ck_assert_str_eq(buf, want);
	free(buf);
	free(want);
	close(fd);
}
END_TEST

START_TEST(test_commands_sent_together_run_in_turn)
{
	int fd = client();
	char buf[256];
	sendstr(fd, "SLOW 1\nECHO 2\nFAIL\n", 19);
	answer_of(fd, buf, sizeof buf);
	ck_assert_str_eq(buf, "-SLOW 1\n=0\n");
	answer_of(fd, buf, sizeof buf);
	ck_assert_str_eq(buf, "-2\n=0\n");
	answer_of(fd, buf, sizeof buf);
	ck_assert_str_eq(buf, "-FAILED\n=12\n");
	close(fd);
}
END_TEST

START_TEST(test_many_clients_at_once_each_get_their_answer)
{
	enum { N = 20 };
	int fd[N];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < N; i++) {
		fd[i] = client();
		char cmd[32];
		int n = snprintf(cmd, sizeof cmd, "SLOW %d\n", i);
		sendstr(fd[i], cmd, (size_t)n);
	}
	for (int i = N - 1; i >= 0; i--) {
		char buf[64], want[64];
		snprintf(want, sizeof want, "-SLOW %d\n=0\n", i);
		answer_of(fd[i], buf, sizeof buf);
		ck_assert_str_eq(buf, want);
		close(fd[i]);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(s < 0.2 * N / 2, "the commands ran one after another (%.2f s)", s);
	wait_conns(0);
}
END_TEST

START_TEST(test_one_connection_too_many_is_told_so)
{
	int fd[CTL_CONN_MAX];
	for (unsigned i = 0; i < CTL_CONN_MAX; i++)
		fd[i] = client();
	wait_conns(CTL_CONN_MAX);
	int extra = client();
	char buf[128];
	answer_of(extra, buf, sizeof buf);
	ck_assert_str_eq(buf, "-CTL004E too many control connections\n=-4\n");
	ck_assert_int_eq(recv(extra, buf, sizeof buf, 0), 0);
	close(extra);
	roundtrip(fd[0], "ECHO SERVED\n", "-SERVED\n=0\n");
	for (unsigned i = 0; i < CTL_CONN_MAX; i++)
		close(fd[i]);
	wait_conns(0);
}
END_TEST

START_TEST(test_client_gone_before_answer_drops_it)
{
	int fd = client();
	sendstr(fd, "HOLD\n", 5);
	for (int i = 0; i < 500 && !held; i++)
		usleep(10000);
	ck_assert_ptr_nonnull(held);
	close(fd);
	wait_conns(0);
	/* The req is still valid: answering it costs nothing and goes nowhere. */
	ctl_reply_line(held, "LATE", 4);
	ctl_reply_done(held, 0);
	held = NULL;
	fd = client();
	roundtrip(fd, "ECHO STILL\n", "-STILL\n=0\n");
	close(fd);
}
END_TEST

START_TEST(test_request_outstanding_at_free_is_freed_by_its_answer)
{
	int fd = client();
	sendstr(fd, "HOLD\n", 5);
	for (int i = 0; i < 500 && !held; i++)
		usleep(10000);
	ck_assert_ptr_nonnull(held);
	stop();
	struct stat sb;
	ck_assert_int_ne(lstat(path, &sb), 0);	/* ctl_free removed the socket */
	char buf[16];
	ck_assert_int_eq(recv(fd, buf, sizeof buf, 0), 0);	/* and hung up */
	ctl_reply_line(held, "LATE", 4);
	ctl_reply_done(held, 0);		/* frees the req and the ctl's remains */
	held = NULL;
	close(fd);
}
END_TEST

START_TEST(test_overlong_line_is_an_error_and_the_connection_goes_on)
{
	int fd = client();
	char line[CTL_LINE_MAX + 2];
	memset(line, 'A', CTL_LINE_MAX);
	line[CTL_LINE_MAX] = '\n';
	line[CTL_LINE_MAX + 1] = '\0';
	/* 255 characters is a command; 256 is not. */
	line[0] = 'X';
	char buf[512];
	sendstr(fd, line, CTL_LINE_MAX + 1);
	answer_of(fd, buf, sizeof buf);
	ck_assert_msg(!strncmp(buf, "-?CP: X", 7), "%s", buf);
	char *big = malloc(100001);
	memset(big, 'B', 100000);
	big[100000] = '\n';
	sendstr(fd, big, 100001);
	free(big);
	answer_of(fd, buf, sizeof buf);
	ck_assert_str_eq(buf, "-CTL001E command line longer than 255 characters\n=-1\n");
	roundtrip(fd, "ECHO OK\n", "-OK\n=0\n");
	close(fd);
}
END_TEST

START_TEST(test_control_characters_are_refused)
{
	int fd = client();
	static const char bad[] = "ECHO \001\002\000X\n";
	sendstr(fd, bad, sizeof bad - 1);
	char buf[256];
	answer_of(fd, buf, sizeof buf);
	ck_assert_str_eq(buf, "-CTL002E control characters in the command line\n=-2\n");
	roundtrip(fd, "ECHO\tTAB\n", "-TAB\n=0\n");
	close(fd);
}
END_TEST

START_TEST(test_garbage_costs_only_its_own_connection)
{
	int fd = client();
	int other = client();
	/* 256 KB of seeded random bytes, then the client goes away without reading. */
	unsigned seed = 12345;
	char *junk = malloc(256 * 1024);
	for (size_t i = 0; i < 256 * 1024; i++)
		junk[i] = (char)(rand_r(&seed) & 0xff);
	size_t off = 0;
	while (off < 256 * 1024) {
		ssize_t w = send(fd, junk + off, 256 * 1024 - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EAGAIN) {
			usleep(1000);
			continue;
		}
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(junk);
	close(fd);
	roundtrip(other, "ECHO FINE\n", "-FINE\n=0\n");
	close(other);
	wait_conns(0);
}
END_TEST

START_TEST(test_half_sent_line_times_out)
{
	stop();
	start(200);
	int fd = client();
	sendstr(fd, "ECH", 3);
	char buf[16];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(recv(fd, buf, sizeof buf, 0), 0);	/* hung up on */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(s >= 0.15 && s < 3, "timed out after %.2f s", s);
	close(fd);
	/* A connection with nothing half-sent is not timed out. */
	fd = client();
	usleep(400000);
	roundtrip(fd, "ECHO ALIVE\n", "-ALIVE\n=0\n");
	close(fd);
}
END_TEST

START_TEST(test_half_close_gets_answers_then_eof)
{
	int fd = client();
	sendstr(fd, "ECHO X\nECHO Y", 13);	/* the last line without its newline */
	shutdown(fd, SHUT_WR);
	char buf[64];
	answer_of(fd, buf, sizeof buf);
	ck_assert_str_eq(buf, "-X\n=0\n");
	answer_of(fd, buf, sizeof buf);
	ck_assert_str_eq(buf, "-Y\n=0\n");
	ck_assert_int_eq(recv(fd, buf, sizeof buf, 0), 0);
	close(fd);
}
END_TEST

START_TEST(test_socket_is_the_owners_alone)
{
	struct stat sb;
	ck_assert_int_eq(lstat(path, &sb), 0);
	ck_assert(S_ISSOCK(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
}
END_TEST

START_TEST(test_live_socket_is_refused)
{
	char err[256] = "";
	struct ctl_config cfg = {.path = path, .on_command = on_command};
	ck_assert_ptr_null(ctl_new(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "another daemon") && strstr(err, path), "%s", err);
	/* The first one is untouched. */
	int fd = client();
	roundtrip(fd, "ECHO HERE\n", "-HERE\n=0\n");
	close(fd);
}
END_TEST

START_TEST(test_stale_socket_is_replaced)
{
	stop();
	/* A socket file nobody listens on, as a killed daemon leaves it. */
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	close(s);
	start(0);
	int fd = client();
	roundtrip(fd, "ECHO NEW\n", "-NEW\n=0\n");
	close(fd);
}
END_TEST

START_TEST(test_other_file_and_long_path_are_refused)
{
	stop();
	char err[1024] = "";
	int f = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(f, 0);
	close(f);
	struct ctl_config cfg = {.path = path, .on_command = on_command};
	ck_assert_ptr_null(ctl_new(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "not a socket"), "%s", err);
	struct stat sb;
	ck_assert_int_eq(stat(path, &sb), 0);	/* not removed */
	unlink(path);

	char longp[300];
	memset(longp, 'x', sizeof longp - 1);
	longp[0] = '/';
	longp[sizeof longp - 1] = '\0';
	cfg.path = longp;
	ck_assert_ptr_null(ctl_new(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "299 bytes") && strstr(err, "UNIX socket"), "%s", err);
}
END_TEST

START_TEST(test_pollfds_says_how_many_it_needs)
{
	stop();
	char err[256];
	struct ctl_config cfg = {.path = path, .on_command = on_command};
	ctl = ctl_new(&cfg, err, sizeof err);
	ck_assert_ptr_nonnull(ctl);
	int fd = client();
	struct pollfd p[CTL_POLLFDS_MAX];
	size_t n = ctl_pollfds(ctl, p, CTL_POLLFDS_MAX);
	poll(p, n, 1000);
	ctl_dispatch(ctl, p, n);	/* accepts */
	ck_assert_uint_eq(ctl_connections(ctl), 1);
	ck_assert_uint_eq(ctl_pollfds(ctl, p, 2), 4);
	ck_assert_uint_eq(ctl_pollfds(ctl, p, 4), 4);
	close(fd);
	ctl_free(ctl);
	ctl = NULL;
}
END_TEST

/* ---- cambridge-ctl ---- */

/* Run ./cambridge-ctl with args (NULL-ended) and stdin text; its stdout, stderr and status. */
static int run_ctl(const char *in, char *out, size_t outcap, char *errt, size_t errcap, ...)
{
	const char *argv[16] = {"./cambridge-ctl"};
	int argc = 1;
	va_list ap;
	va_start(ap, errcap);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && argc < 15)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	int pin[2], pout[2], perr[2];
	ck_assert_int_eq(pipe(pin), 0);
	ck_assert_int_eq(pipe(pout), 0);
	ck_assert_int_eq(pipe(perr), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		close(pin[1]);
		close(pout[0]);
		close(perr[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	if (in)
		ck_assert_int_eq(write(pin[1], in, strlen(in)), (ssize_t)strlen(in));
	close(pin[1]);
	size_t on = 0, en = 0;
	struct pollfd p[2] = {{.fd = pout[0], .events = POLLIN}, {.fd = perr[0], .events = POLLIN}};
	int open_fds = 2;
	while (open_fds > 0) {
		ck_assert_int_gt(poll(p, 2, 10000), 0);
		for (int i = 0; i < 2; i++) {
			if (!p[i].revents)
				continue;
			char *b = i ? errt : out;
			size_t *n = i ? &en : &on;
			size_t cap = i ? errcap : outcap;
			ssize_t r = read(p[i].fd, b + *n, cap - 1 - *n);
			if (r <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open_fds--;
			} else {
				*n += (size_t)r;
			}
		}
	}
	out[on] = '\0';
	errt[en] = '\0';
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_ne(WEXITSTATUS(st), 127);
	return WEXITSTATUS(st);
}

START_TEST(test_ctl_prints_the_answer_and_exits_0)
{
	char out[4096], err[1024];
	ck_assert_int_eq(run_ctl(NULL, out, sizeof out, err, sizeof err, "--sysdir", dir, "ECHO",
				 "HELLO", "WORLD", NULL), 0);
	ck_assert_str_eq(out, "HELLO\nWORLD\n");
	ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(test_ctl_failed_command_exits_1)
{
	char out[4096], err[1024];
	ck_assert_int_eq(run_ctl(NULL, out, sizeof out, err, sizeof err, "--sysdir", dir, "FAIL",
				 NULL), 1);
	ck_assert_str_eq(out, "FAILED\n");
}
END_TEST

START_TEST(test_ctl_reads_commands_from_stdin)
{
	char out[4096], err[1024];
	ck_assert_int_eq(run_ctl("ECHO A\n\nFAIL\nECHO B\n", out, sizeof out, err, sizeof err,
				 "--sysdir", dir, NULL), 1);
	ck_assert_str_eq(out, "A\nFAILED\nB\n");
	ck_assert_int_eq(run_ctl("ECHO A\nECHO B", out, sizeof out, err, sizeof err, "--sysdir",
				 dir, NULL), 0);
	ck_assert_str_eq(out, "A\nB\n");
}
END_TEST

START_TEST(test_ctl_without_daemon_exits_2_naming_the_socket)
{
	char out[4096], err[1024];
	ck_assert_int_eq(run_ctl(NULL, out, sizeof out, err, sizeof err, "--sysdir",
				 "/nonexistent/sys", "QUERY", "USERS", NULL), 2);
	ck_assert_msg(strstr(err, "/nonexistent/sys/ctl.sock"), "%s", err);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_ctl_timeout_exits_3)
{
	char out[4096], err[1024];
	ck_assert_int_eq(run_ctl(NULL, out, sizeof out, err, sizeof err, "--sysdir", dir,
				 "--timeout", "1", "HOLD", NULL), 3);
	ck_assert_msg(strstr(err, "no answer"), "%s", err);
	ck_assert_ptr_nonnull(held);
	ctl_reply_done(held, 0);
	held = NULL;
}
END_TEST

START_TEST(test_ctl_help_version_and_bad_usage)
{
	char out[4096], err[1024];
	ck_assert_int_eq(run_ctl(NULL, out, sizeof out, err, sizeof err, "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "--sysdir"));
	ck_assert_int_eq(run_ctl(NULL, out, sizeof out, err, sizeof err, "--version", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "cambridge-ctl"));
	ck_assert_int_eq(run_ctl(NULL, out, sizeof out, err, sizeof err, "--timeout", "x", NULL),
			 2);
	ck_assert_int_eq(run_ctl(NULL, out, sizeof out, err, sizeof err, "--frob", NULL), 2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("socket");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_command_answered_from_another_thread);
	tcase_add_test(tc, test_long_answer_arrives_whole);
	tcase_add_test(tc, test_commands_sent_together_run_in_turn);
	tcase_add_test(tc, test_many_clients_at_once_each_get_their_answer);
	tcase_add_test(tc, test_one_connection_too_many_is_told_so);
	tcase_add_test(tc, test_client_gone_before_answer_drops_it);
	tcase_add_test(tc, test_request_outstanding_at_free_is_freed_by_its_answer);
	tcase_add_test(tc, test_overlong_line_is_an_error_and_the_connection_goes_on);
	tcase_add_test(tc, test_control_characters_are_refused);
	tcase_add_test(tc, test_garbage_costs_only_its_own_connection);
	tcase_add_test(tc, test_half_sent_line_times_out);
	tcase_add_test(tc, test_half_close_gets_answers_then_eof);
	tcase_add_test(tc, test_socket_is_the_owners_alone);
	tcase_add_test(tc, test_live_socket_is_refused);
	tcase_add_test(tc, test_stale_socket_is_replaced);
	tcase_add_test(tc, test_other_file_and_long_path_are_refused);
	tcase_add_test(tc, test_pollfds_says_how_many_it_needs);
	suite_add_tcase(s, tc);
	TCase *tb = tcase_create("cambridge-ctl");
	tcase_add_checked_fixture(tb, setup, teardown);
	tcase_set_timeout(tb, 10);
	tcase_add_test(tb, test_ctl_prints_the_answer_and_exits_0);
	tcase_add_test(tb, test_ctl_failed_command_exits_1);
	tcase_add_test(tb, test_ctl_reads_commands_from_stdin);
	tcase_add_test(tb, test_ctl_without_daemon_exits_2_naming_the_socket);
	tcase_add_test(tb, test_ctl_timeout_exits_3);
	tcase_add_test(tb, test_ctl_help_version_and_bad_usage);
	suite_add_tcase(s, tb);
	return s;
}

int main(void)
{
	return check_run(suite());
}
