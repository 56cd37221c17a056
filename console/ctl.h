/*
 * ctl.h - the control socket: operator commands from scripts and tests (cambridge-ctl) to a
 * running daemon, over a UNIX-domain stream socket in the system directory.
 *
 * The server side is sans threads: it owns a listening socket, its connections, an eventfd (for
 * answers that come from other threads) and a timerfd (for the line timeout), and the daemon's
 * poll() loop drives it with two calls per turn:
 *
 *	struct ctl_config cfg = {.path = "SYSDIR/ctl.sock", .on_command = fn, .ctx = cp};
 *	struct ctl *c = ctl_new(&cfg, err, sizeof err);     NULL with a message in err
 *	... each loop turn:
 *	size_t n = ctl_pollfds(c, p, room);                 n <= room: p[0 .. n) filled
 *	poll(...);
 *	ctl_dispatch(c, p, n);                              the same p and n, revents set
 *	... at the end:
 *	ctl_free(c);                                        closes, removes the socket file
 *
 * ctl_pollfds() returns how many entries it needs; when that is more than room it fills nothing,
 * and the caller calls again with more room (never more than CTL_POLLFDS_MAX). ctl_dispatch()
 * must get exactly the entries the last ctl_pollfds() filled; entries whose fd does not match
 * are ignored.
 *
 * Commands. on_command(ctx, req, line) is called on the loop thread with one command line
 * (NUL-terminated, at most CTL_LINE_MAX bytes, no line end, no control characters, not empty).
 * The owner answers later, from any thread: ctl_reply_line() any number of times, then
 * ctl_reply_done() exactly once. Both are thread-safe and never block on the client: they queue
 * the text and wake the loop through the eventfd. The req stays valid until ctl_reply_done(),
 * which frees it, also when the client has gone away meanwhile (its output is then dropped) and
 * also after ctl_free() (the struct ctl's remains are freed with the last req). A connection runs
 * one command at a time; what the client sends meanwhile waits.
 *
 * Protocol (bytes on the stream; every line ends with "\n"):
 *	client:  COMMAND "\n"          at most CTL_LINE_MAX bytes before the newline; a "\r" before
 *	                               the newline is ignored; an empty line is answered "=0"
 *	daemon:  "-" TEXT "\n"         zero or more response lines (control characters in TEXT are
 *	                               sent as blanks; at most CTL_REPLY_MAX bytes of TEXT)
 *	         "=" RC "\n"           the end of the response: RC is a decimal int, 0 for success
 * then the client may send the next command. The client may end its side (shutdown SHUT_WR)
 * after its last command; the daemon answers what it has and closes. A last line without its
 * newline at the end of the stream counts as a line. Errors in the request itself are answered
 * like a failed command, with one "-CTL..." line and a negative RC (enum ctl_rc); the connection
 * stays usable. A line not finished within the line timeout (default CTL_LINE_TIMEOUT_MS after
 * the first byte of it that the daemon could read) closes the connection. Only peers with the
 * daemon's own uid are served (SO_PEERCRED); others are closed at once. At most CTL_CONN_MAX
 * connections at once: one more is told "-CTL004E too many control connections" "=-4" and closed.
 *
 * The socket file: ctl_new() refuses a path that does not fit in sun_path, refuses when a daemon
 * already listens there (a connect succeeds), replaces a stale socket file (nobody listens), and
 * refuses anything at path that is not a socket. The socket is mode 0600 before it listens.
 * ctl_free() removes it if it is still ours.
 */
#ifndef CONSOLE_CTL_H
#define CONSOLE_CTL_H

#include <poll.h>
#include <stddef.h>

#define CTL_LINE_MAX		255u	/* bytes of one command line, as CP's */
#define CTL_REPLY_MAX		4096u	/* bytes of one response line; longer ones are cut */
#define CTL_CONN_MAX		32u	/* connections at once */
#define CTL_POLLFDS_MAX		(3u + CTL_CONN_MAX)
#define CTL_LINE_TIMEOUT_MS	10000u	/* a half-sent line may take this long */
#define CTL_OUTQ_MAX		(1024u * 1024)	/* bytes queued for one client at most */
#define CTL_SOCKET_NAME		"ctl.sock"	/* its name in the system directory */

/* The RC of answers that ctl gives itself. */
enum ctl_rc {
	CTL_RC_OK = 0,
	CTL_RC_TOO_LONG = -1,	/* CTL001E command line longer than CTL_LINE_MAX */
	CTL_RC_BAD_CHAR = -2,	/* CTL002E control characters in the command line */
	CTL_RC_NO_MEMORY = -3,	/* CTL003E out of memory */
	CTL_RC_BUSY = -4,	/* CTL004E too many control connections */
};

struct ctl;
struct ctl_req;

struct ctl_config {
	const char *path;		/* where the socket goes */
	/* A command arrived; answer with ctl_reply_line()/ctl_reply_done(), now or later. */
	void (*on_command)(void *ctx, struct ctl_req *req, const char *line);
	void *ctx;
	unsigned line_timeout_ms;	/* 0: CTL_LINE_TIMEOUT_MS */
};

/* Create the socket and listen. NULL with a message in err (naming the path) on failure. */
struct ctl *ctl_new(const struct ctl_config *cfg, char *err, size_t errlen);
/* The socket's path, as given. */
const char *ctl_path(const struct ctl *c);
/* Fill p[0 .. n) with the fds to poll and return n; fill nothing if n > max. Loop thread. */
size_t ctl_pollfds(struct ctl *c, struct pollfd *p, size_t max);
/* Handle the entries of p[0 .. n) that are ready. Loop thread; calls on_command. */
void ctl_dispatch(struct ctl *c, const struct pollfd *p, size_t n);
/* Connections open now (for tests and QUERY). Loop thread. */
size_t ctl_connections(const struct ctl *c);
/* Close every connection and the socket, remove the socket file. NULL allowed. Loop thread. */
void ctl_free(struct ctl *c);

/* One response line of len bytes (no line end). Any thread, until ctl_reply_done(). */
void ctl_reply_line(struct ctl_req *req, const char *text, size_t len);
/* The end of the response, with its return code; frees req. Any thread, once. */
void ctl_reply_done(struct ctl_req *req, int rc);

#endif
