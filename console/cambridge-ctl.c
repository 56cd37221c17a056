/*
 * cambridge-ctl.c - send operator commands to a running cambridge through its control socket.
 *
 *	cambridge-ctl [--sysdir DIR] [--timeout SECONDS] [COMMAND WORDS...]
 *
 * With words: they are joined by blanks into one command; its response lines go to stdout. With
 * none: commands come from stdin, one a line (empty lines skipped), and run in turn over one
 * connection. The protocol is ctl.h's. Exit status: 0 every command answered RC 0; 1 a command
 * failed (the status of the last failure when there were several); 2 the daemon cannot be reached
 * or hung up, or bad usage; 3 no answer within the timeout (per command; 0 waits for ever).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "console/ctl.h"

#define PROG		"cambridge-ctl"
#define DEFAULT_SYSDIR	"cambridge-sys"
#define DEFAULT_TIMEOUT	30

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the command's RC was not 0 */
	EXIT_UNREACHABLE = 2,	/* no daemon, a broken connection, bad usage */
	EXIT_TIMEOUT = 3,
};

static const char *sock_path;
static int timeout_ms;		/* < 0: none */

/* The connection's input: bytes received and not yet used. */
static char ibuf[CTL_REPLY_MAX + 64];
static size_t ilen;

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [--sysdir DIR] [--timeout SECONDS] [COMMAND WORDS...]\n"
		   "  --sysdir DIR         the daemon's system directory (default ./" DEFAULT_SYSDIR
		   ")\n"
		   "  --timeout SECONDS    how long to wait for each answer (default %d; 0: no limit)\n"
		   "  --help               show this and exit\n"
		   "  --version            show the version and exit\n"
		   "Without COMMAND WORDS, commands are read from stdin, one a line.\n"
		   "Exit status: 0 done, 1 the command failed, 2 the daemon cannot be reached, "
		   "3 timeout.\n",
		DEFAULT_TIMEOUT);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_daemon(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(sock_path) >= sizeof addr.sun_path) {
		fprintf(stderr, PROG ": %s: the path is too long for a UNIX socket\n", sock_path);
		return -1;
	}
	strcpy(addr.sun_path, sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, PROG ": socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
		fprintf(stderr, PROG ": cannot reach the daemon at %s: %s\n", sock_path,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static bool send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/*
 * Send one command and print its answer. Returns an exit status: EXIT_OK, EXIT_FAILED,
 * EXIT_UNREACHABLE (hung up, garbled) or EXIT_TIMEOUT.
 */
static int run(int fd, const char *cmd, size_t len)
{
	if (!send_all(fd, cmd, len) || !send_all(fd, "\n", 1)) {
		fprintf(stderr, PROG ": %s: the daemon hung up: %s\n", sock_path, strerror(errno));
		return EXIT_UNREACHABLE;
	}
	long long deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : 0;
	bool skipping = false;		/* in a line longer than the buffer: print on as it comes */
	for (;;) {
		char *nl;
		while ((nl = memchr(ibuf, '\n', ilen)) != NULL || ilen == sizeof ibuf) {
			size_t n = nl ? (size_t)(nl - ibuf) : ilen;
			bool whole = nl != NULL;
			if (skipping) {
				fwrite(ibuf, 1, n, stdout);
			} else if (n > 0 && ibuf[0] == '-') {
				fwrite(ibuf + 1, 1, n - 1, stdout);
			} else if (n > 0 && ibuf[0] == '=' && whole) {
				ibuf[n] = '\0';
				char *end;
				errno = 0;
				long rc = strtol(ibuf + 1, &end, 10);
				if (end == ibuf + 1 || *end || errno) {
					fprintf(stderr, PROG ": %s: a garbled status line\n", sock_path);
					return EXIT_UNREACHABLE;
				}
				memmove(ibuf, nl + 1, ilen - n - 1);
				ilen -= n + 1;
				fflush(stdout);
				return rc == 0 ? EXIT_OK : EXIT_FAILED;
			} else {
				fprintf(stderr, PROG ": %s: not the control protocol\n", sock_path);
				return EXIT_UNREACHABLE;
			}
			if (whole) {
				putchar('\n');
				n++;
			}
			skipping = !whole;
			memmove(ibuf, ibuf + n, ilen - n);
			ilen -= n;
		}
		int wait = -1;
		if (timeout_ms >= 0) {
			long long left = deadline - now_ms();
			if (left <= 0) {
				fflush(stdout);
				fprintf(stderr, PROG ": %s: no answer within %d seconds\n", sock_path,
					timeout_ms / 1000);
				return EXIT_TIMEOUT;
			}
			wait = left > INT_MAX ? INT_MAX : (int)left;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int pr = poll(&p, 1, wait);
		if (pr < 0 && errno != EINTR) {
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			return EXIT_UNREACHABLE;
		}
		if (pr <= 0)
			continue;
		ssize_t r = recv(fd, ibuf + ilen, sizeof ibuf - ilen, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fflush(stdout);
			fprintf(stderr, PROG ": %s: the daemon hung up before it answered\n",
				sock_path);
			return EXIT_UNREACHABLE;
		}
		ilen += (size_t)r;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"sysdir", required_argument, NULL, 's'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *sysdir = DEFAULT_SYSDIR;
	long timeout = DEFAULT_TIMEOUT;
	int c;
	/* "+": options end at the first command word (CP operands may start with "-"). */
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sysdir = optarg;
			break;
		case 't': {
			char *end;
			errno = 0;
			timeout = strtol(optarg, &end, 10);
			if (end == optarg || *end || errno || timeout < 0 || timeout > 86400) {
				fprintf(stderr, PROG ": --timeout wants 0 to 86400 seconds, not %s\n",
					optarg);
				return EXIT_UNREACHABLE;
			}
			break;
		}
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf(PROG " (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_UNREACHABLE;
		}
	}
	timeout_ms = timeout ? (int)timeout * 1000 : -1;
	char *path = malloc(strlen(sysdir) + sizeof "/" CTL_SOCKET_NAME);
	if (!path) {
		fprintf(stderr, PROG ": %s\n", strerror(ENOMEM));
		return EXIT_UNREACHABLE;
	}
	sprintf(path, "%s/%s", sysdir, CTL_SOCKET_NAME);
	sock_path = path;

	int status = EXIT_OK;
	if (optind < argc) {
		size_t len = 0;
		for (int i = optind; i < argc; i++)
			len += strlen(argv[i]) + 1;
		char *cmd = malloc(len);
		if (!cmd) {
			fprintf(stderr, PROG ": %s\n", strerror(ENOMEM));
			free(path);
			return EXIT_UNREACHABLE;
		}
		cmd[0] = '\0';
		for (int i = optind; i < argc; i++) {
			if (i > optind)
				strcat(cmd, " ");
			strcat(cmd, argv[i]);
		}
		/* A line end in a word would make two commands: send it as a blank. */
		for (char *p = cmd; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		int fd = connect_daemon();
		status = fd < 0 ? EXIT_UNREACHABLE : run(fd, cmd, strlen(cmd));
		if (fd >= 0)
			close(fd);
		free(cmd);
		free(path);
		return status;
	}

	int fd = connect_daemon();
	if (fd < 0) {
		free(path);
		return EXIT_UNREACHABLE;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		int st = run(fd, line, (size_t)n);
		if (st == EXIT_UNREACHABLE || st == EXIT_TIMEOUT) {
			status = st;
			break;
		}
		if (st != EXIT_OK)
			status = st;
	}
	free(line);
	close(fd);
	free(path);
	return status;
}
