/*
 * tnclient.c - a scripted telnet client for the daemon's end-to-end tests.
 *
 *	tnclient HOST PORT < script
 *
 * Connects, answers option negotiation as a plain line-mode client would (refuses every option of
 * its own, lets the server ECHO and SGA, refuses the server's others), and runs the script, one
 * command a line:
 *	send TEXT        send TEXT and CR LF
 *	expect TEXT      wait for a line that contains TEXT (earlier lines are passed over)
 *	expectx TEXT     wait for a line that is exactly TEXT
 *	hidden / shown   wait until the server does (hidden) or does not (shown) echo: password mode
 *	closed           wait until the server closes the connection
 *	attn             send telnet IP (interrupt process): the attention key
 *	sleep MS         take what arrives for MS milliseconds
 *	# ...            a comment
 * Every line received is printed as "< line", every line sent as "> line". Each wait gives up
 * after 10 seconds, and the whole run after 60: exit 1 with what was expected, 0 when the script
 * ran to its end.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define IAC	255
#define DONT	254
#define DO	253
#define WONT	252
#define WILL	251
#define SB	250
#define SE	240
#define OPT_ECHO 1
#define OPT_SGA	3
#define WAIT_MS	10000

static int fd = -1;
static bool eof;
static bool him[256];		/* options the server has on */

/* Received lines not yet matched. */
static char *lines[1024];
static size_t nlines;
static char cur[8192];
static size_t curlen;

/* The telnet parser's state. */
static enum { S_DATA, S_IAC, S_OPT, S_SB, S_SB_IAC } st;
static unsigned char verb;

static void send_bytes(const void *p, size_t len)
{
	const char *b = p;
	while (len > 0) {
		ssize_t n = send(fd, b, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("tnclient: send");
			exit(1);
		}
		b += n;
		len -= (size_t)n;
	}
}

static void reply(unsigned char v, unsigned char opt)
{
	unsigned char b[3] = {IAC, v, opt};
	send_bytes(b, 3);
}

static void end_line(void)
{
	cur[curlen] = '\0';
	printf("< %s\n", cur);
	if (nlines < sizeof lines / sizeof lines[0])
		lines[nlines++] = strdup(cur);
	curlen = 0;
}

static void data_byte(unsigned char c)
{
	if (c == '\n') {
		end_line();
	} else if (c == '\r' || c == '\0') {
		/* CR LF ends a line at the LF; CR NUL is a bare carriage return */
	} else if (curlen < sizeof cur - 1) {
		cur[curlen++] = (char)c;
	}
}

static void telnet_byte(unsigned char c)
{
	switch (st) {
	case S_DATA:
		if (c == IAC)
			st = S_IAC;
		else
			data_byte(c);
		break;
	case S_IAC:
		if (c == IAC) {
			data_byte(c);
			st = S_DATA;
		} else if (c >= WILL) {
			verb = c;
			st = S_OPT;
		} else if (c == SB) {
			st = S_SB;
		} else {
			st = S_DATA;	/* GA, NOP, ... */
		}
		break;
	case S_OPT:
		st = S_DATA;
		if (verb == DO) {
			reply(WONT, c);
		} else if (verb == WILL && !him[c]) {
			if (c == OPT_ECHO || c == OPT_SGA) {
				him[c] = true;
				reply(DO, c);
			} else {
				reply(DONT, c);
			}
		} else if (verb == WONT && him[c]) {
			him[c] = false;
			reply(DONT, c);
		}
		break;
	case S_SB:
		if (c == IAC)
			st = S_SB_IAC;
		break;
	case S_SB_IAC:
		st = c == SE ? S_DATA : S_SB;
		break;
	}
}

/* Read what arrives within ms; false when nothing came (timeout) or the connection ended. */
static bool pump(int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (eof)
		return false;
	int r = poll(&p, 1, ms);
	if (r <= 0)
		return false;
	unsigned char buf[4096];
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	if (n <= 0) {
		eof = true;
		return false;
	}
	for (ssize_t i = 0; i < n; i++)
		telnet_byte(buf[i]);
	return true;
}

/* Wait for a received line that matches; drop it and the lines before it. */
static bool wait_line(const char *text, bool exact)
{
	for (int waited = 0; waited < WAIT_MS;) {
		for (size_t i = 0; i < nlines; i++) {
			bool m = exact ? strcmp(lines[i], text) == 0 : strstr(lines[i], text) != NULL;
			if (m) {
				for (size_t j = 0; j <= i; j++)
					free(lines[j]);
				memmove(lines, lines + i + 1, (nlines - i - 1) * sizeof lines[0]);
				nlines -= i + 1;
				return true;
			}
		}
		if (eof)
			return false;
		if (!pump(100))
			waited += 100;
	}
	return false;
}

static bool wait_echo(bool want)
{
	for (int waited = 0; waited < WAIT_MS; waited += 100) {
		if (him[OPT_ECHO] == want)
			return true;
		if (eof)
			return false;
		pump(100);
	}
	return him[OPT_ECHO] == want;
}

static bool wait_closed(void)
{
	for (int waited = 0; waited < WAIT_MS && !eof; waited += 100)
		pump(100);
	return eof;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: tnclient HOST PORT < script\n");
		return 2;
	}
	alarm(60);
	setvbuf(stdout, NULL, _IOLBF, 0);

	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "tnclient: %s:%s: %s\n", argv[1], argv[2], gai_strerror(rc));
		return 1;
	}
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		fprintf(stderr, "tnclient: cannot connect to %s:%s\n", argv[1], argv[2]);
		return 1;
	}

	char cmd[1024];
	unsigned lineno = 0;
	while (fgets(cmd, sizeof cmd, stdin)) {
		lineno++;
		cmd[strcspn(cmd, "\n")] = '\0';
		bool ok = true;
		if (cmd[0] == '#' || cmd[0] == '\0') {
			continue;
		} else if (strncmp(cmd, "send", 4) == 0 && (cmd[4] == ' ' || cmd[4] == '\0')) {
			const char *text = cmd[4] ? cmd + 5 : "";
			printf("> %s\n", text);
			/* Take what has arrived first, so that a negotiation is answered in order. */
			while (pump(0))
				;
			send_bytes(text, strlen(text));
			send_bytes("\r\n", 2);
		} else if (strncmp(cmd, "expect ", 7) == 0) {
			ok = wait_line(cmd + 7, false);
		} else if (strncmp(cmd, "expectx ", 8) == 0) {
			ok = wait_line(cmd + 8, true);
		} else if (strcmp(cmd, "hidden") == 0) {
			ok = wait_echo(true);
		} else if (strcmp(cmd, "shown") == 0) {
			ok = wait_echo(false);
		} else if (strncmp(cmd, "sleep ", 6) == 0) {
			for (int ms = atoi(cmd + 6); ms > 0; ms -= 100)
				pump(100);
		} else if (strcmp(cmd, "closed") == 0) {
			ok = wait_closed();
		} else if (strcmp(cmd, "attn") == 0) {
			static const char ip[] = {(char)IAC, (char)244}; /* IAC IP: the attention key */
			printf("> (attention)\n");
			while (pump(0))
				;
			send_bytes(ip, sizeof ip);
		} else {
			fprintf(stderr, "tnclient: script line %u: unknown command: %s\n", lineno, cmd);
			return 2;
		}
		if (!ok) {
			fprintf(stderr, "tnclient: script line %u failed: %s%s\n", lineno, cmd,
				eof ? " (connection closed)" : " (timed out)");
			return 1;
		}
	}
	close(fd);
	return 0;
}
