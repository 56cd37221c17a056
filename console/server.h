/*
 * server.h - the telnet server: one listening socket and its connections on one loop (epoll for the
 * connections, ppoll() for the loop).
 *
 * The server owns the sockets and the clock; each connection gets a telnet session (telnet.h),
 * and once its terminal type is known a terminal (struct term) that it hands to its owner through
 * on_terminal: a 3270 console (term_3270.h) for a display terminal type (IBM-3278-2, ...) once
 * TN3270 or TN3270E is on, a line terminal (term_line.h) for anything else or a client that
 * refuses TN3270. A 3270's output of one loop turn goes out as one record. Output to a client is
 * queued, at most SERVER_OUTQ_MAX bytes; a client that lets more
 * pile up is disconnected. Nothing here prints: errors come back as text.
 *
 *	struct server_config cfg = { .addr = "127.0.0.1", .port = "3270", .on_terminal = fn, .ctx = cp };
 *	struct server *srv = server_new(&cfg, err, sizeof err);
 *	printf("listening on %s\n", server_address(srv));
 *	server_run(srv, &stop);            returns when stop becomes nonzero (a signal handler sets it)
 *	server_free(srv);                  closes everything; owners get no events for it
 */
#ifndef CONSOLE_SERVER_H
#define CONSOLE_SERVER_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>

#include "cp/term.h"

#define SERVER_OUTQ_MAX		(256u * 1024)	/* bytes queued for one client at most */
#define SERVER_CONN_MAX		1000u		/* connections at once; more are refused */

struct server;

struct server_config {
	const char *addr;	/* host name or numeric address to listen on */
	const char *port;	/* service or port number; "0" is any free port */
	/* A terminal is ready: the owner installs its handler (term_set_handler) or closes it. */
	void (*on_terminal)(void *ctx, struct term *t);
	void *ctx;
	/*
	 * Optional: more descriptors for the loop (CP's wakeup from other threads, the control
	 * socket, the operator console). Every turn poll_fill() fills at most max entries and may
	 * lower *timeout_ms (-1: no timeout of its own) and returns how many it filled; after
	 * poll() returns, poll_ready() gets the same entries with their revents, before the
	 * connections' output is flushed (so terminal output it makes goes out in the same turn).
	 */
	size_t (*poll_fill)(void *ctx, struct pollfd *p, size_t max, int *timeout_ms);
	void (*poll_ready)(void *ctx, const struct pollfd *p, size_t n);
};

#define SERVER_EXTRA_FDS	64u	/* entries poll_fill() may fill at most */

/* Listen as cfg says. NULL with a message in err on failure. */
struct server *server_new(const struct server_config *cfg, char *err, size_t errlen);
/* Where it listens, as "ADDR:PORT" ("[ADDR]:PORT" for IPv6), with the real port. */
const char *server_address(const struct server *srv);
/*
 * Serve until *stop is nonzero. SIGINT and SIGTERM are blocked except while waiting, so a handler
 * that sets *stop wakes the loop at once. Returns 0, or -1 with errno if poll failed.
 */
int server_run(struct server *srv, volatile sig_atomic_t *stop);
/* Close every connection and the listening socket; free srv (NULL allowed). */
void server_free(struct server *srv);

#endif
