/*
 * abuse.c - a hostile telnet client for tests/console/abuse.sh: what a user may do to the daemon
 * that must disturb no other user.
 *
 *	abuse HOST PORT flood N SECONDS     N connections at once, held open for SECONDS, then closed
 *	abuse HOST PORT bigline BYTES       one line of BYTES bytes (no line end until the last),
 *	                                    then random bytes with telnet commands among them
 *	abuse HOST PORT halfopen SECONDS    connect, never read nor write, for SECONDS
 *	abuse HOST PORT bad3270 RECORDS     a TN3270 client that says it is a model 5 (it refuses
 *	                                    TN3270E), then sends RECORDS malformed 3270 records:
 *	                                    random bytes, AIDs with addresses beyond any screen,
 *	                                    fields cut short, keys in quick succession (PA1, PA2,
 *	                                    CLEAR, PF keys), and last a 100 KB record without EOR
 *
 * It reads what the daemon sends and drops it (except halfopen). Exit 0 when it could do what it
 * was asked (connections refused or closed by the daemon count as done: that is its answer), 1 on
 * a usage or connection error.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Read and drop whatever is there for ms milliseconds. */
static void drain(int fd, int ms)
{
	char buf[4096];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (poll(&p, 1, ms) > 0) {
		if (read(fd, buf, sizeof buf) <= 0)
			return;
		ms = 0;
	}
}

/* Write all of len bytes, reading what comes meanwhile (so neither side blocks). False when the
 * daemon closed the connection. */
static bool send_all(int fd, const char *b, size_t len)
{
	while (len > 0) {
		struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
		if (poll(&p, 1, 10000) <= 0)
			return false;
		if (p.revents & POLLIN)
			drain(fd, 0);
		if (p.revents & (POLLERR | POLLHUP))
			return false;
		if (p.revents & POLLOUT) {
			ssize_t n = write(fd, b, len < 65536 ? len : 65536);
			if (n <= 0)
				return errno == EINTR || errno == EAGAIN;
			b += n;
			len -= (size_t)n;
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: abuse HOST PORT flood N SECONDS | bigline BYTES | halfopen SECONDS"
				" | bad3270 RECORDS\n");
		return 1;
	}
	const char *host = argv[1], *port = argv[2], *mode = argv[3];
	if (!strcmp(mode, "flood") && argc == 6) {
		int n = atoi(argv[4]), secs = atoi(argv[5]);
		int *fds = calloc((size_t)n, sizeof *fds);
		int opened = 0;
		for (int i = 0; i < n && fds; i++)
			if ((fds[i] = connect_to(host, port)) >= 0)
				opened++;
		for (int t = 0; t < secs * 10; t++)
			for (int i = 0; i < n; i++)
				if (fds[i] >= 0)
					drain(fds[i], 0);
		for (int t = 0; t < secs; t++)
			sleep(1);
		for (int i = 0; i < n; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		printf("abuse: %d of %d connections opened\n", opened, n);
		free(fds);
		return opened > 0 ? 0 : 1;
	}
	if (!strcmp(mode, "bigline") && argc == 5) {
		size_t bytes = (size_t)atol(argv[4]);
		int fd = connect_to(host, port);
		if (fd < 0)
			return 1;
		drain(fd, 500);
		char *b = malloc(bytes + 2);
		if (!b)
			return 1;
		memset(b, 'A', bytes);
		b[bytes] = '\r';
		b[bytes + 1] = '\n';
		bool whole = send_all(fd, b, bytes + 2);
		/* Garbage: random bytes, IAC among them (commands, subnegotiations cut short). */
		srand(12345);
		for (size_t i = 0; i < 65536; i++)
			b[i] = (i % 7 == 0) ? (char)0xFF : (char)(rand() & 0xFF);
		bool garbage = whole && send_all(fd, b, 65536);
		drain(fd, 500);
		close(fd);
		free(b);
		printf("abuse: big line %s, garbage %s\n", whole ? "sent" : "cut off by the daemon",
		       garbage ? "sent" : "not sent");
		return 0;
	}
	if (!strcmp(mode, "bad3270") && argc == 5) {
		int records = atoi(argv[4]);
		int fd = connect_to(host, port);
		if (fd < 0)
			return 1;
		static const char hello[] = {
			(char)0xFF, (char)0xFC, 40,			/* WONT TN3270E */
			(char)0xFF, (char)0xFB, 24,			/* WILL TTYPE */
			(char)0xFF, (char)0xFA, 24, 0, 'I', 'B', 'M', '-', '3', '2', '7', '8', '-', '5',
			(char)0xFF, (char)0xF0,				/* SB TTYPE IS ... SE */
			(char)0xFF, (char)0xFB, 0, (char)0xFF, (char)0xFD, 0,	/* BINARY both ways */
			(char)0xFF, (char)0xFB, 25, (char)0xFF, (char)0xFD, 25,	/* EOR both ways */
		};
		bool ok = send_all(fd, hello, sizeof hello);
		drain(fd, 300);
		srand(3270);
		static const unsigned char keys[] = {0x7D, 0x6C, 0x6E, 0x6D, 0xF1, 0xF3, 0x7C, 0x88, 0x60};
		char rec[600];
		for (int r = 0; ok && r < records; r++) {
			size_t n = 0;
			rec[n++] = (char)keys[rand() % sizeof keys];
			size_t body = (size_t)(rand() % 200);
			for (size_t i = 0; i < body; i++) {
				int k = rand() % 10;
				if (k == 0) {		/* SBA to an address far beyond the screen */
					rec[n++] = 0x11;
					rec[n++] = (char)0x3F;
					rec[n++] = (char)0xFF;	/* doubled: data, not IAC */
					rec[n++] = (char)0xFF;
				} else if (k == 1) {	/* an order cut short */
					rec[n++] = (char)(rand() % 2 ? 0x11 : 0x29);
				} else {
					unsigned char c = (unsigned char)(rand() & 0xFF);
					rec[n++] = (char)c;
					if (c == 0xFF)
						rec[n++] = (char)0xFF;	/* data X'FF' is doubled */
				}
			}
			rec[n++] = (char)0xFF;	/* IAC EOR */
			rec[n++] = (char)0xEF;
			ok = send_all(fd, rec, n);
		}
		/* A record that never ends: 100 KB of data without EOR, then the connection goes. */
		char *big = malloc(100 * 1024);
		if (big) {
			memset(big, 0x7D, 100 * 1024);
			ok = ok && send_all(fd, big, 100 * 1024);
			free(big);
		}
		drain(fd, 300);
		close(fd);
		printf("abuse: %d bad 3270 records %s\n", records, ok ? "sent" : "cut off by the daemon");
		return ok ? 0 : 1;	/* bad data costs a 3270 its screen, never its session */
	}
	if (!strcmp(mode, "halfopen") && argc == 5) {
		int fd = connect_to(host, port);
		if (fd < 0)
			return 1;
		sleep((unsigned)atoi(argv[4]));
		close(fd);
		return 0;
	}
	fprintf(stderr, "abuse: unknown mode %s\n", mode);
	return 1;
}
