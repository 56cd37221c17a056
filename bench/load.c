/*
 * load.c - the multi-user load benchmark (`make bench-load`, the end of `make bench`): many users
 * logged on to the real daemon at once, each running bench/load.s, with response times and the
 * host memory per user. docs/bench.md ("The load benchmark") explains the method.
 *
 *   load --daemon PATH --ctl PATH --deck PATH [--users N] [--seconds S] [--cp-every S]
 *        [--think MS] [--iterations N] [--verbose]
 *
 *  1. A new system directory in $TMPDIR (default /tmp) whose USER DIRECT has USER001 ... USERnnn
 *     (default 200), each with 1M of storage, a 3215 at 009 and a reader at 00C, all with the
 *     password LOAD (hashed here, once, with cp_password_hash()).
 *  2. The daemon (--daemon) on 127.0.0.1 port 0, its stdin /dev/null, its output in the directory;
 *     the port is read from its "listening on" line. cambridge-ctl (--ctl) then IMPORTs the deck
 *     (--deck; with --iterations N patched into its frame, see bench/load.s) into every reader.
 *  3. One telnet connection per user, all driven from this one thread with poll(): each answers
 *     the negotiation as tests/console/tnclient.c does, logs on (LOGON USERnnn LOAD NOIPL), IPLs
 *     00C and from then on answers every "LOAD READY" prompt of its guest with a line after a
 *     pause drawn evenly from 0.5 to 1.5 times --think MS (a typist; default 500), or at once
 *     with --think 0 (a closed loop that measures throughput).
 *  4. When every guest has prompted once (or after LOGON_WAIT_S), a second of warm-up, then the
 *     measured period (--seconds, default 20): each user also sends "#CP QUERY TIME" every
 *     --cp-every seconds (default 3, the users spread evenly over that period). A response time
 *     is the time from sending a line to receiving the first line of its answer ("ECHO: " and the
 *     line; "TIME IS ..."), counted for the lines sent inside the period.
 *  5. Everyone logs off (#CP LOGOFF), the daemon gets SIGTERM (SIGKILL after KILL_WAIT_S) and the
 *     directory is removed.
 *
 * Prints: users, duration, the guests' MIPS (rounds completed x instructions per round, from the
 * deck's frame), console interactions per second, the mean time a round takes per user (Little's
 * law: users over rounds per second; in a closed loop the mean response time is that less the
 * think time and the guest's own computing), the median, p99 and worst response time of the
 * CP command and of the echo, the daemon's CPU use, and the daemon's resident memory (VmRSS)
 * before the logons, with everyone logged on and at the end, per user and per user beyond the
 * guest's touched storage (the frame says how many pages). Then PASS or MISS against the goals
 * (p99 < 50 ms for both response times; < 1 MiB per user beyond the touched pages). A MISS is a
 * figure, not a failure: the exit status is 0 unless the benchmark could not run or more than a
 * tenth of the users failed (1), or the usage was wrong (2). Without the deck (no s390x cross
 * tools) it says so and exits 0.
 *
 * Everything uses 127.0.0.1 only and is bounded in time: normally --seconds plus 10 to 25 s; when
 * the daemon misbehaves, every wait gives up (the limits below), about --seconds + 150 s at most.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "cp/passwd.h"
#include "lib/be.h"

#define PASSWORD	"LOAD"
#define USERS_MAX	999
#define START_WAIT_S	10.0	/* for the daemon's "listening on" line */
#define LOGON_WAIT_S	60.0	/* for every guest's first prompt */
#define WARMUP_S	1.0
#define DRAIN_S		2.0	/* after the period: answers to lines sent inside it */
#define LOGOFF_WAIT_S	10.0
#define KILL_WAIT_S	10.0
#define GOAL_P99_MS	50.0
#define GOAL_BYTES	(1024.0 * 1024.0)
#define PAGE		4096u

/* bench/load.s's frame, at X'1000', which is deck offset 160. */
#define DECK_FRAME	160
#define DECK_MIN	(160 + 640)
#define FRAME_ITERS	8
#define FRAME_PER_ITER	12
#define FRAME_OVERHEAD	16
#define FRAME_PAGES	20
static const uint8_t frame_mark[8] = {0xD3, 0xD6, 0xC1, 0xC4, 0xC2, 0xD5, 0xC3, 0xC8}; /* LOADBNCH */

/* Telnet, as much as a line-mode client needs. */
#define IAC	255
#define DONT	254
#define DO	253
#define WONT	252
#define WILL	251
#define SB	250
#define SE	240
#define OPT_ECHO 1
#define OPT_SGA	3

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Samples ---- */

struct samples {
	double *v;	/* milliseconds */
	size_t n, cap;
};

static void sample_add(struct samples *s, double ms)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		double *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return;	/* a sample lost; the benchmark goes on */
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The q-quantile (nearest rank) of the sorted samples. */
static double quantile(const struct samples *s, double q)
{
	if (s->n == 0)
		return 0;
	size_t k = (size_t)(q * (double)s->n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > s->n)
		k = s->n;
	return s->v[k - 1];
}

/* ---- The users' connections ---- */

enum conn_state {
	C_CONNECTING,	/* connect() in progress */
	C_GREETING,	/* waiting for VM/370 ONLINE */
	C_LOGON,	/* LOGON sent: waiting for LOGON AT */
	C_IPL,		/* IPL 00C sent: waiting for the first prompt */
	C_RUNNING,	/* the guest prompts, we answer */
	C_LOGOFF,	/* #CP LOGOFF sent: waiting for the close */
	C_CLOSED,
	C_FAILED,
};

struct conn {
	int fd;
	unsigned n;			/* 1 ... users */
	char userid[16];
	enum conn_state state;
	char why[160];			/* C_FAILED */
	/* Telnet parser */
	enum { T_DATA, T_IAC, T_OPT, T_SB, T_SB_IAC } tst;
	unsigned char verb;
	bool him[256];
	char line[512];
	size_t linelen;
	char last[96];			/* the last line received, for a failure's message */
	/* Output not yet taken by the socket */
	char out[2048];
	size_t olen;
	/* The dialogue */
	char echo_text[32];		/* the line we expect back after "ECHO: " */
	double echo_due;		/* --think: when to answer the last prompt; 0: not waiting */
	double echo_sent;		/* 0: none outstanding */
	double echo_back;		/* when the last echo came, if it was measured; else 0 */
	bool echo_measured;		/* sent inside the measured period */
	unsigned seq;
	double cp_sent;			/* 0: no CP command outstanding */
	bool cp_measured;
	double next_cp;
	uint64_t rounds;		/* prompts inside the measured period */
};

struct load {
	/* Options */
	const char *daemon, *ctl, *deck;
	unsigned users;
	double seconds, cp_every, think_ms;
	long iterations;		/* < 0: the deck's own */
	bool verbose;
	/* The deck and its frame */
	uint8_t *deck_data;
	size_t deck_size;
	uint32_t iters, per_iter, overhead, pages;
	/* The system */
	char tmp[256], sysdir[300], deck_path[300], out_path[300], err_path[300];
	pid_t pid;
	int port;
	/* The run */
	struct conn *c;
	double period_start, period_end;	/* 0 until the measured period is set */
	struct samples echo, cp, gap;	/* gap: from an echo to the next prompt */
	uint64_t rounds;
	unsigned running, failed, closed;
	unsigned unexpected;			/* lines we did not expect (first few shown with -v) */
};

/* The connection failed: what, and (may be NULL) the detail after a colon. */
static void conn_fail(struct load *L, struct conn *c, const char *what, const char *detail)
{
	if (c->state == C_FAILED)
		return;
	if (c->state == C_RUNNING)
		L->running--;
	snprintf(c->why, sizeof c->why, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
	c->state = C_FAILED;
	L->failed++;
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	if (L->verbose || L->failed <= 3)
		fprintf(stderr, "load: %s: %s\n", c->userid, c->why);
}

static void conn_flush(struct load *L, struct conn *c)
{
	while (c->olen > 0 && c->fd >= 0) {
		ssize_t k = send(c->fd, c->out, c->olen, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_fail(L, c, "send", strerror(errno));
			return;
		}
		memmove(c->out, c->out + k, c->olen - (size_t)k);
		c->olen -= (size_t)k;
	}
}

static void conn_put(struct load *L, struct conn *c, const void *p, size_t len)
{
	if (len > sizeof c->out - c->olen) {
		conn_fail(L, c, "the daemon does not take our input", NULL);
		return;
	}
	memcpy(c->out + c->olen, p, len);
	c->olen += len;
	conn_flush(L, c);
}

static void conn_send(struct load *L, struct conn *c, const char *text)
{
	conn_put(L, c, text, strlen(text));
	conn_put(L, c, "\r\n", 2);
}

static void conn_reply(struct load *L, struct conn *c, unsigned char verb, unsigned char opt)
{
	unsigned char b[3] = {IAC, verb, opt};
	conn_put(L, c, b, 3);
}

static const char *const state_names[] = {
	[C_CONNECTING] = "connecting", [C_GREETING] = "waiting for VM/370 ONLINE",
	[C_LOGON] = "waiting for LOGON AT", [C_IPL] = "waiting for the first prompt",
	[C_RUNNING] = "running", [C_LOGOFF] = "logging off", [C_CLOSED] = "closed",
	[C_FAILED] = "failed",
};

static bool in_period(const struct load *L, double t)
{
	return L->period_start > 0 && t >= L->period_start && t < L->period_end;
}

/* Answer the guest's prompt with the next numbered line. */
static void send_echo(struct load *L, struct conn *c, double t)
{
	c->echo_due = 0;
	snprintf(c->echo_text, sizeof c->echo_text, "%s LINE %u", c->userid, ++c->seq);
	c->echo_sent = t;
	c->echo_measured = in_period(L, t);
	conn_send(L, c, c->echo_text);
}

static void send_cp(struct load *L, struct conn *c, double t)
{
	c->cp_sent = t;
	c->cp_measured = in_period(L, t);
	conn_send(L, c, "#CP QUERY TIME");
}

/* The guest prompted at t: answer now, or after a think time. */
static void prompted(struct load *L, struct conn *c, double t)
{
	if (L->think_ms <= 0) {
		send_echo(L, c, t);
		return;
	}
	double think = L->think_ms / 1e3 * (0.5 + (double)random() / RAND_MAX);
	c->echo_due = t + think;
}

static void unexpected(struct load *L, struct conn *c, const char *line)
{
	L->unexpected++;
	if (L->verbose && L->unexpected <= 20)
		fprintf(stderr, "load: %s: unexpected line: %s\n", c->userid, line);
}

static void on_line(struct load *L, struct conn *c, const char *line)
{
	double t = now();
	char cmd[64];
	snprintf(c->last, sizeof c->last, "%s", line);
	switch (c->state) {
	case C_GREETING:
		if (strcmp(line, "VM/370 ONLINE") == 0) {
			snprintf(cmd, sizeof cmd, "LOGON %s " PASSWORD " NOIPL", c->userid);
			conn_send(L, c, cmd);
			c->state = C_LOGON;
		}
		return;
	case C_LOGON:
		if (strstr(line, "LOGON AT")) {
			conn_send(L, c, "IPL 00C");
			c->state = C_IPL;
		} else if (strstr(line, "PASSWORD INCORRECT") || strstr(line, "NOT IN CP DIRECTORY") ||
			   strstr(line, "ALREADY LOGGED ON") || strncmp(line, "DMK", 3) == 0) {
			conn_fail(L, c, "LOGON", line);
		}
		return;
	case C_IPL:
		if (strcmp(line, "LOAD READY") == 0) {
			c->state = C_RUNNING;
			L->running++;
			prompted(L, c, t);
		} else if (strstr(line, "IPL") || strstr(line, "WAIT PSW") || strstr(line, "?CP")) {
			conn_fail(L, c, "IPL 00C", line);
		}
		return;
	case C_RUNNING:
		break;
	case C_LOGOFF:
	default:
		return;
	}

	/* Running: prompts, echoes, CP's answers. */
	if (strcmp(line, "LOAD READY") == 0) {
		if (c->echo_back > 0)
			sample_add(&L->gap, (t - c->echo_back) * 1e3);
		c->echo_back = 0;
		if (in_period(L, t)) {
			c->rounds++;
			L->rounds++;
		}
		prompted(L, c, t);
	} else if (strncmp(line, "ECHO: ", 6) == 0) {
		if (c->echo_sent > 0 && strcmp(line + 6, c->echo_text) == 0) {
			if (c->echo_measured) {
				sample_add(&L->echo, (t - c->echo_sent) * 1e3);
				c->echo_back = t;
			}
			c->echo_sent = 0;
		} else {
			unexpected(L, c, line);
		}
	} else if (strncmp(line, "TIME IS ", 8) == 0) {
		if (c->cp_sent > 0) {
			if (c->cp_measured)
				sample_add(&L->cp, (t - c->cp_sent) * 1e3);
			c->cp_sent = 0;
		} else {
			unexpected(L, c, line);
		}
	} else if (strncmp(line, "CONNECT=", 8) == 0) {
		/* QUERY TIME's second line */
	} else if (strstr(line, "WAIT PSW") || strstr(line, "CP ENTERED")) {
		conn_fail(L, c, "the guest stopped", line);
	} else {
		unexpected(L, c, line);
	}
}

static void data_byte(struct load *L, struct conn *c, unsigned char b)
{
	if (b == '\n') {
		c->line[c->linelen] = '\0';
		c->linelen = 0;
		on_line(L, c, c->line);
	} else if (b != '\r' && b != '\0' && c->linelen < sizeof c->line - 1) {
		c->line[c->linelen++] = (char)b;
	}
}

/* tests/console/tnclient.c's answers: no options of ours; the server may ECHO and SGA. */
static void telnet_byte(struct load *L, struct conn *c, unsigned char b)
{
	switch (c->tst) {
	case T_DATA:
		if (b == IAC)
			c->tst = T_IAC;
		else
			data_byte(L, c, b);
		break;
	case T_IAC:
		if (b == IAC) {
			data_byte(L, c, b);
			c->tst = T_DATA;
		} else if (b >= WILL) {
			c->verb = b;
			c->tst = T_OPT;
		} else if (b == SB) {
			c->tst = T_SB;
		} else {
			c->tst = T_DATA;
		}
		break;
	case T_OPT:
		c->tst = T_DATA;
		if (c->verb == DO) {
			conn_reply(L, c, WONT, b);
		} else if (c->verb == WILL && !c->him[b]) {
			if (b == OPT_ECHO || b == OPT_SGA) {
				c->him[b] = true;
				conn_reply(L, c, DO, b);
			} else {
				conn_reply(L, c, DONT, b);
			}
		} else if (c->verb == WONT && c->him[b]) {
			c->him[b] = false;
			conn_reply(L, c, DONT, b);
		}
		break;
	case T_SB:
		if (b == IAC)
			c->tst = T_SB_IAC;
		break;
	case T_SB_IAC:
		c->tst = b == SE ? T_DATA : T_SB;
		break;
	}
}

static void conn_read(struct load *L, struct conn *c)
{
	unsigned char buf[8192];
	for (;;) {
		ssize_t k = recv(c->fd, buf, sizeof buf, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_fail(L, c, "recv", strerror(errno));
			return;
		}
		if (k == 0) {
			if (c->state == C_LOGOFF) {
				c->state = C_CLOSED;
				L->closed++;
				close(c->fd);
				c->fd = -1;
			} else {
				conn_fail(L, c, "the daemon closed the connection", NULL);
			}
			return;
		}
		for (ssize_t i = 0; i < k && c->fd >= 0; i++)
			telnet_byte(L, c, buf[i]);
		if (c->fd < 0 || (size_t)k < sizeof buf)
			return;
	}
}

static bool conn_open(struct load *L, struct conn *c)
{
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		conn_fail(L, c, "socket", strerror(errno));
		return false;
	}
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)L->port)};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) == 0) {
		c->state = C_GREETING;
	} else if (errno == EINPROGRESS) {
		c->state = C_CONNECTING;
	} else {
		conn_fail(L, c, "connect", strerror(errno));
		return false;
	}
	return true;
}

/* One turn of the event loop: poll every open connection for at most ms, handle what came. */
static void pump(struct load *L, struct pollfd *pfd, int ms)
{
	unsigned n = L->users;
	for (unsigned i = 0; i < n; i++) {
		struct conn *c = &L->c[i];
		pfd[i].fd = c->fd;
		pfd[i].events = c->fd < 0 ? 0 : (short)(POLLIN | (c->olen || c->state == C_CONNECTING ? POLLOUT : 0));
		pfd[i].revents = 0;
	}
	int r = poll(pfd, n, ms);
	if (r <= 0)
		return;
	for (unsigned i = 0; i < n; i++) {
		struct conn *c = &L->c[i];
		if (c->fd < 0 || !pfd[i].revents)
			continue;
		if (c->state == C_CONNECTING) {
			int err = 0;
			socklen_t len = sizeof err;
			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (err) {
				conn_fail(L, c, "connect", strerror(err));
				continue;
			}
			c->state = C_GREETING;
		}
		if (pfd[i].revents & POLLOUT)
			conn_flush(L, c);
		if (c->fd >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			conn_read(L, c);
	}
}

/* Send the answers and the CP commands that are due. */
static void due(struct load *L, double t)
{
	for (unsigned i = 0; i < L->users; i++) {
		struct conn *c = &L->c[i];
		if (c->state != C_RUNNING)
			continue;
		if (c->echo_due > 0 && t >= c->echo_due)
			send_echo(L, c, t);
		if (L->period_start == 0 || t < c->next_cp)
			continue;
		c->next_cp += L->cp_every;
		if (c->cp_sent == 0 && t < L->period_end)
			send_cp(L, c, t);
	}
}

/* ---- The system directory and the daemon ---- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void remove_tree(const char *path)
{
	if (path[0])
		nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t k = write(fd, p, len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += k;
		len -= (size_t)k;
	}
	return true;
}

static bool write_file(const char *path, const void *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	bool ok = write_all(fd, p, len);
	return close(fd) == 0 && ok;
}

/* The deck, its frame checked and N patched in when asked. */
static bool read_deck(struct load *L)
{
	FILE *f = fopen(L->deck, "rb");
	if (!f) {
		fprintf(stderr, "load: %s: %s\n", L->deck, strerror(errno));
		return false;
	}
	L->deck_data = malloc(64 * 1024);
	L->deck_size = L->deck_data ? fread(L->deck_data, 1, 64 * 1024, f) : 0;
	fclose(f);
	const uint8_t *fr = L->deck_data + DECK_FRAME;
	if (L->deck_size < DECK_MIN || L->deck_size % 80 != 0 ||
	    memcmp(fr, frame_mark, sizeof frame_mark) != 0) {
		fprintf(stderr, "load: %s: not the load benchmark's deck (see bench/load.s)\n", L->deck);
		return false;
	}
	if (L->iterations > 0)
		put_be32(L->deck_data + DECK_FRAME + FRAME_ITERS, (uint32_t)L->iterations);
	L->iters = be32(fr + FRAME_ITERS);
	L->per_iter = be32(fr + FRAME_PER_ITER);
	L->overhead = be32(fr + FRAME_OVERHEAD);
	L->pages = be32(fr + FRAME_PAGES);
	return L->iters > 0;
}

/* The temporary directory: the deck, and the system directory with its USER DIRECT. */
static bool make_system(struct load *L)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	snprintf(L->tmp, sizeof L->tmp, "%s/cambridge-load-XXXXXX", base);
	if (!mkdtemp(L->tmp)) {
		fprintf(stderr, "load: %s: %s\n", L->tmp, strerror(errno));
		L->tmp[0] = '\0';
		return false;
	}
	snprintf(L->sysdir, sizeof L->sysdir, "%s/sys", L->tmp);
	snprintf(L->deck_path, sizeof L->deck_path, "%s/load.deck", L->tmp);
	snprintf(L->out_path, sizeof L->out_path, "%s/daemon.out", L->tmp);
	snprintf(L->err_path, sizeof L->err_path, "%s/daemon.err", L->tmp);
	if (!write_file(L->deck_path, L->deck_data, L->deck_size) || mkdir(L->sysdir, 0700) != 0) {
		fprintf(stderr, "load: %s: %s\n", L->tmp, strerror(errno));
		return false;
	}

	char hash[CP_HASH_MAX];
	if (cp_password_hash(PASSWORD, hash, sizeof hash) != 0) {
		fprintf(stderr, "load: cannot hash a password: %s\n", strerror(errno));
		return false;
	}
	char path[400];
	snprintf(path, sizeof path, "%s/USER DIRECT", L->sysdir);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "load: %s: %s\n", path, strerror(errno));
		return false;
	}
	fprintf(f, "* USER DIRECT of the load benchmark (bench/load.c): %u users, password %s\n",
		L->users, PASSWORD);
	for (unsigned i = 1; i <= L->users; i++)
		fprintf(f, "USER USER%03u %s 1M 1M G\n CONSOLE 009 3215 T\n SPOOL 00C 2540 READER *\n",
			i, hash);
	if (fclose(f) != 0) {
		fprintf(stderr, "load: %s: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}

/* Run argv with stdin, stdout and stderr from these files (NULL: /dev/null); the child's pid. */
static pid_t spawn(char *const argv[], const char *in, const char *out, const char *err)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int fi = open(in ? in : "/dev/null", O_RDONLY);
	int fo = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int fe = open(err ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fi < 0 || fo < 0 || fe < 0 || dup2(fi, 0) < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execv(argv[0], argv);
	_exit(127);
}

/* Wait at most s seconds for pid; its wait status, or -1 when it is still running. */
static int wait_for(pid_t pid, double s)
{
	double end = now() + s;
	for (;;) {
		int status;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return 0;	/* not ours any more */
		if (now() >= end)
			return -1;
		usleep(20000);
	}
}

static void show_file(const char *path, const char *prefix)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[512];
	for (int i = 0; i < 40 && fgets(line, sizeof line, f); i++)
		fprintf(stderr, "%s%s", prefix, line);
	fclose(f);
}

static bool start_daemon(struct load *L)
{
	char o_sysdir[] = "--sysdir", o_listen[] = "--listen", listen[] = "127.0.0.1:0";
	char *argv[] = {(char *)L->daemon, o_sysdir, L->sysdir, o_listen, listen, NULL};
	L->pid = spawn(argv, NULL, L->out_path, L->err_path);
	if (L->pid < 0) {
		fprintf(stderr, "load: fork: %s\n", strerror(errno));
		L->pid = 0;
		return false;
	}
	double end = now() + START_WAIT_S;
	while (now() < end && !interrupted) {
		FILE *f = fopen(L->out_path, "r");
		char line[256];
		while (f && fgets(line, sizeof line, f)) {
			if (sscanf(line, "cambridge: listening on 127.0.0.1:%d", &L->port) == 1) {
				fclose(f);
				return true;
			}
		}
		if (f)
			fclose(f);
		if (waitpid(L->pid, NULL, WNOHANG) == L->pid) {
			L->pid = 0;
			fprintf(stderr, "load: the daemon did not start\n");
			show_file(L->err_path, "load: daemon: ");
			return false;
		}
		usleep(50000);
	}
	fprintf(stderr, "load: the daemon did not say where it listens\n");
	show_file(L->err_path, "load: daemon: ");
	return false;
}

static void stop_daemon(struct load *L)
{
	if (L->pid <= 0)
		return;
	kill(L->pid, SIGTERM);
	int st = wait_for(L->pid, KILL_WAIT_S);
	if (st < 0) {
		fprintf(stderr, "load: the daemon did not stop on SIGTERM: killed\n");
		kill(L->pid, SIGKILL);
		waitpid(L->pid, NULL, 0);
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "load: the daemon ended with status %d\n", st);
		show_file(L->err_path, "load: daemon: ");
	}
	L->pid = 0;
}

/* cambridge-ctl IMPORTs the deck into every reader, over one connection. */
static bool import_decks(struct load *L)
{
	char cmds[400], out[400];
	snprintf(cmds, sizeof cmds, "%s/import.cmd", L->tmp);
	snprintf(out, sizeof out, "%s/import.out", L->tmp);
	FILE *f = fopen(cmds, "w");
	if (!f)
		return false;
	for (unsigned i = 1; i <= L->users; i++)
		fprintf(f, "IMPORT %s TO USER%03u NAME LOAD DECK\n", L->deck_path, i);
	if (fclose(f) != 0)
		return false;
	char o_sysdir[] = "--sysdir", o_timeout[] = "--timeout", timeout[] = "30";
	char *argv[] = {(char *)L->ctl, o_sysdir, L->sysdir, o_timeout, timeout, NULL};
	pid_t pid = spawn(argv, cmds, out, out);
	if (pid < 0)
		return false;
	int st = wait_for(pid, 60);
	if (st < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "load: cambridge-ctl IMPORT failed (status %d):\n", st);
		show_file(out, "load: ctl: ");
		return false;
	}
	return true;
}

/* The daemon's VmRSS in bytes (0 when it cannot be read), and its CPU seconds so far. */
static uint64_t daemon_rss(const struct load *L)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)L->pid);
	FILE *f = fopen(path, "r");
	uint64_t kb = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %" SCNu64, &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb * 1024;
}

static double daemon_cpu(const struct load *L)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)L->pid);
	FILE *f = fopen(path, "r");
	size_t k = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[k] = '\0';
	/* Fields 14 and 15 (utime, stime), counted after the ")" that ends field 2. */
	const char *p = strrchr(buf, ')');
	unsigned long long ut = 0, stime = 0;
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
			 &stime) != 2)
		return 0;
	return (double)(ut + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- The run ---- */

static void pump_until(struct load *L, struct pollfd *pfd, double end, bool (*done)(struct load *))
{
	while (!interrupted && now() < end && !(done && done(L))) {
		due(L, now());
		pump(L, pfd, L->think_ms > 0 ? 1 : 10);
	}
}

static bool all_running(struct load *L)
{
	return L->running + L->failed >= L->users;
}

static bool all_answered(struct load *L)
{
	for (unsigned i = 0; i < L->users; i++) {
		const struct conn *c = &L->c[i];
		if (c->state == C_RUNNING &&
		    ((c->echo_sent > 0 && c->echo_measured) || (c->cp_sent > 0 && c->cp_measured)))
			return false;
	}
	return true;
}

static bool all_closed(struct load *L)
{
	return L->closed + L->failed >= L->users;
}

/* A row of times; goal: judge its p99 against GOAL_P99_MS. */
static void print_times(const char *what, struct samples *s, bool goal)
{
	qsort(s->v, s->n, sizeof *s->v, cmp_double);
	printf("load: %-22s %7zu %9.1f %9.1f %9.1f   %s\n", what, s->n, quantile(s, 0.5),
	       quantile(s, 0.99), s->n ? s->v[s->n - 1] : 0.0,
	       !goal ? "" : s->n == 0 ? "NO DATA" : quantile(s, 0.99) < GOAL_P99_MS ? "PASS" : "MISS");
}

static double mib(double bytes)
{
	return bytes / (1024.0 * 1024.0);
}

static int run(struct load *L)
{
	if (!make_system(L) || !start_daemon(L))
		return 1;
	uint64_t rss0 = daemon_rss(L);
	if (L->verbose)
		fprintf(stderr, "load: daemon pid %d on 127.0.0.1:%d, system in %s\n", (int)L->pid,
			L->port, L->sysdir);
	if (!import_decks(L))
		return 1;

	struct pollfd *pfd = calloc(L->users, sizeof *pfd);
	L->c = calloc(L->users, sizeof *L->c);
	if (!pfd || !L->c) {
		fprintf(stderr, "load: %s\n", strerror(ENOMEM));
		free(pfd);
		return 1;
	}
	/* Logon: every user at once; the first prompts come as the logons complete. */
	double t0 = now();
	for (unsigned i = 0; i < L->users; i++) {
		struct conn *c = &L->c[i];
		c->n = i + 1;
		c->fd = -1;
		snprintf(c->userid, sizeof c->userid, "USER%03u", i + 1);
		conn_open(L, c);
	}
	pump_until(L, pfd, t0 + LOGON_WAIT_S, all_running);
	double logon_s = now() - t0;
	if (interrupted) {
		free(pfd);
		return 1;
	}
	if (L->running == 0) {
		fprintf(stderr, "load: no guest ran\n");
		free(pfd);
		return 1;
	}
	uint64_t rss1 = daemon_rss(L);
	unsigned logged_on = L->running;

	/* Warm-up, then the measured period. */
	pump_until(L, pfd, now() + WARMUP_S, NULL);
	double start = now();
	if (L->verbose)
		fprintf(stderr, "load: measuring for %.0f s\n", L->seconds);
	L->period_start = start;
	L->period_end = start + L->seconds;
	for (unsigned i = 0; i < L->users; i++)
		L->c[i].next_cp = start + L->cp_every * (i + 0.5) / L->users;
	double cpu0 = daemon_cpu(L);
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	pump_until(L, pfd, L->period_end, NULL);
	double cpu1 = daemon_cpu(L);
	getrusage(RUSAGE_SELF, &ru1);
	uint64_t rss2 = daemon_rss(L);
	if (interrupted) {
		free(pfd);
		return 1;
	}
	/* Answers to what was sent inside the period (still counted). */
	pump_until(L, pfd, now() + DRAIN_S, all_answered);
	unsigned lost_echo = 0, lost_cp = 0;
	for (unsigned i = 0; i < L->users; i++) {
		lost_echo += L->c[i].echo_sent > 0 && L->c[i].echo_measured;
		lost_cp += L->c[i].cp_sent > 0 && L->c[i].cp_measured;
	}

	/* Everyone off. */
	double t1 = now();
	for (unsigned i = 0; i < L->users; i++) {
		struct conn *c = &L->c[i];
		if (c->state == C_RUNNING) {
			L->running--;
			c->state = C_LOGOFF;
			conn_send(L, c, "#CP LOGOFF");
		} else if (c->state != C_FAILED) {
			char why[200];
			snprintf(why, sizeof why, "%s; last line: %s", state_names[c->state],
				 c->last[0] ? c->last : "(none)");
			conn_fail(L, c, "never ran", why);
		}
	}
	pump_until(L, pfd, t1 + LOGOFF_WAIT_S, all_closed);
	double logoff_s = now() - t1;
	unsigned closed = L->closed;
	free(pfd);

	/* The figures. */
	double secs = L->seconds;
	double per_round = (double)L->iters * L->per_iter + L->overhead;
	double touched = (double)L->pages * PAGE;
	double drv_cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
			 (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
			 (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
			 (double)(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	printf("load: %u users (%u ran, %u failed), %.0f s measured, %ld host cores\n", L->users,
	       logged_on, L->failed, secs, sysconf(_SC_NPROCESSORS_ONLN));
	printf("load: logon and IPL of all users %.1f s, logoff %.1f s (%u of %u closed)\n", logon_s,
	       logoff_s, closed, logged_on);
	printf("load: guest: %" PRIu32 " x %" PRIu32 " + %" PRIu32 " instructions a round; "
	       "%" PRIu64 " rounds, %.1f MIPS in all\n",
	       L->iters, L->per_iter, L->overhead, L->rounds, (double)L->rounds * per_round / secs / 1e6);
	printf("load: console interactions %.1f/s (echoes), CP commands %.1f/s\n",
	       (double)L->echo.n / secs, (double)L->cp.n / secs);
	uint64_t rmin = UINT64_MAX, rmax = 0;
	for (unsigned i = 0; i < L->users; i++) {
		const struct conn *c = &L->c[i];
		if (c->state == C_FAILED && !c->rounds)
			continue;
		rmin = c->rounds < rmin ? c->rounds : rmin;
		rmax = c->rounds > rmax ? c->rounds : rmax;
	}
	if (rmax)
		printf("load: rounds per user: fewest %" PRIu64 ", most %" PRIu64 "\n", rmin, rmax);
	if (L->rounds)
		printf("load: a round (prompt to prompt) takes each user %.1f ms on average "
		       "(users / rounds per second), think time %.0f ms\n",
		       logged_on / ((double)L->rounds / secs) * 1e3, L->think_ms);
	printf("load: daemon CPU %.2f of %.0f s (%.0f%% of one core); this driver %.2f s\n",
	       cpu1 - cpu0, secs, (cpu1 - cpu0) / secs * 100, drv_cpu);
	printf("load: %-22s %7s %9s %9s %9s   goal p99 < %.0f ms\n", "response time (ms)", "count",
	       "median", "p99", "worst", GOAL_P99_MS);
	print_times("CP QUERY TIME", &L->cp, true);
	print_times("guest echo", &L->echo, true);
	print_times("echo to next prompt", &L->gap, false);
	if (lost_echo || lost_cp)
		printf("load: unanswered after %.0f s: %u echoes, %u CP commands (not in the figures)\n",
		       DRAIN_S, lost_echo, lost_cp);
	if (L->unexpected)
		printf("load: %u unexpected lines (-v shows some)\n", L->unexpected);
	double per1 = logged_on ? ((double)rss1 - (double)rss0) / logged_on : 0;
	double per2 = logged_on ? ((double)rss2 - (double)rss0) / logged_on : 0;
	printf("load: daemon RSS: %.1f MiB before logon, %.1f MiB all logged on, %.1f MiB at the end\n",
	       mib((double)rss0), mib((double)rss1), mib((double)rss2));
	printf("load: per user: %.0f KiB logged on, %.0f KiB at the end; guest's touched storage "
	       "%.0f KiB\n",
	       per1 / 1024, per2 / 1024, touched / 1024);
	double beyond = (per1 > per2 ? per1 : per2) - touched;
	printf("load: per user beyond the guest's touched pages: %.0f KiB   goal < %.0f KiB: %s\n",
	       beyond / 1024, GOAL_BYTES / 1024, beyond < GOAL_BYTES ? "PASS" : "MISS");
	fflush(stdout);
	return L->failed > L->users / 10 ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: load --daemon PATH --ctl PATH --deck PATH [--users N] [--seconds S] "
			"[--cp-every S] [--think MS] [--iterations N] [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct load L = {.users = 200, .seconds = 20, .cp_every = 3, .think_ms = 500, .iterations = -1};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;
		if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			L.verbose = true;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--daemon"))
			L.daemon = v;
		else if (!strcmp(a, "--ctl"))
			L.ctl = v;
		else if (!strcmp(a, "--deck"))
			L.deck = v;
		else if (!strcmp(a, "--users"))
			L.users = (unsigned)strtoul(v, &end, 10);
		else if (!strcmp(a, "--seconds"))
			L.seconds = strtod(v, &end);
		else if (!strcmp(a, "--cp-every"))
			L.cp_every = strtod(v, &end);
		else if (!strcmp(a, "--think"))
			L.think_ms = strtod(v, &end);
		else if (!strcmp(a, "--iterations"))
			L.iterations = strtol(v, &end, 10);
		else
			usage();
		if (end && *end)
			usage();
	}
	if (!L.daemon || !L.ctl || !L.deck || L.users < 1 || L.users > USERS_MAX ||
	    !(L.seconds >= 1 && L.seconds <= 600) || !(L.cp_every >= 0.1 && L.cp_every <= 600) ||
	    !(L.think_ms >= 0 && L.think_ms <= 60000) ||
	    L.iterations == 0 || L.iterations > 0x7FFFFFFF)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access(L.deck, R_OK) != 0) {
		printf("load: no %s (the s390x cross tools assemble it): skipped\n", L.deck);
		return 0;
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < L.users + 64u) {
		rl.rlim_cur = rl.rlim_max < L.users + 64u ? rl.rlim_max : L.users + 64u;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int rc = read_deck(&L) ? run(&L) : 1;
	if (interrupted) {
		fprintf(stderr, "load: interrupted\n");
		rc = 1;
	}
	if (L.c)
		for (unsigned i = 0; i < L.users; i++)
			if (L.c[i].fd >= 0)
				close(L.c[i].fd);
	stop_daemon(&L);
	remove_tree(L.tmp);
	free(L.c);
	free(L.echo.v);
	free(L.cp.v);
	free(L.gap.v);
	free(L.deck_data);
	return rc;
}
