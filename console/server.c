/*
 * server.c - the telnet server's loop (see server.h).
 *
 * The connections' sockets are in an epoll set, whose descriptor the loop waits on with ppoll()
 * beside the listening socket and the owner's extra descriptors (poll_fill): the kernel looks only
 * at the sockets that have something, however many connections are open. The set is level
 * triggered; a connection's interest is EPOLLIN until it is closed, plus EPOLLOUT while output
 * waits that the socket did not take (conn_want() keeps it in step once a turn).
 *
 * A connection lives from accept() to its reaping at the top of the loop. Telnet events never free
 * anything: TN_EV_CLOSED only marks the connection closed (and, unless our side ended it, dead:
 * nothing more to send), and the loop reaps it when its output is flushed, it is dead, or its
 * linger time has run out. So a struct conn stays valid through every tn_* call that may deliver
 * events, however deeply CP nests term operations inside its handler.
 */
#include "console/server.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "console/telnet.h"
#include "console/term_3270.h"
#include "console/term_line.h"

#define READ_CHUNK	4096
#define READ_ROUNDS	16		/* reads per connection per loop turn, for fairness */
#define ACCEPT_ROUNDS	64		/* accepts per loop turn */
#define EPOLL_BATCH	256		/* ready connections taken from the set at a time */
#define LISTEN_BACKLOG	1024		/* connections the kernel holds for accept(): a crowd
					 * logging on at once is not turned away (the kernel
					 * caps it at net.core.somaxconn) */
#define LINGER_MS	5000u		/* how long a closed session may take to flush its output */
#define KEEPALIVE_IDLE_S	120	/* TCP keepalive: probe a silent connection after this, */
#define KEEPALIVE_INTERVAL_S	10	/* every this many seconds, */
#define KEEPALIVE_PROBES	6	/* and give it up after this many unanswered */

struct conn {
	struct server *srv;
	int fd;
	struct tn_session *s;
	struct term *t;			/* once the terminal type is known */
	bool display;			/* t is a 3270 (term_3270.h), not a line terminal */
	char *out;			/* queued output: out[0 .. olen) */
	size_t olen, ocap;
	bool closed;			/* TN_EV_CLOSED delivered: read nothing more */
	bool dead;			/* send nothing more either: reap now */
	uint32_t want;			/* the interest registered in the epoll set */
	uint64_t linger_until;		/* closed: reap by then, flushed or not */
	struct conn *prev, *next;
};

struct server {
	struct server_config cfg;
	int lfd;
	char address[80];
	struct conn *head;
	size_t nconn;
	int epfd;			/* the connections' sockets */
	struct pollfd pfd[2 + SERVER_EXTRA_FDS];	/* epfd, the listening socket, the owner's */
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- One connection ---- */

static void conn_send(void *ctx, const char *bytes, size_t len)
{
	struct conn *c = ctx;
	if (c->dead)
		return;
	if (len > SERVER_OUTQ_MAX - c->olen) {
		/* The client does not read: hang up (TN_EV_CLOSED follows, CP hears of it). */
		c->dead = true;
		c->olen = 0;
		tn_close(c->s);
		return;
	}
	if (c->olen + len > c->ocap) {
		size_t cap = c->ocap ? c->ocap : 1024;
		while (cap < c->olen + len)
			cap *= 2;
		char *p = realloc(c->out, cap);
		if (!p) {
			c->dead = true;
			c->olen = 0;
			tn_close(c->s);
			return;
		}
		c->out = p;
		c->ocap = cap;
	}
	memcpy(c->out + c->olen, bytes, len);
	c->olen += len;
}

/* The terminal for c is t (NULL: out of memory, hang up); CP gets it. */
static void conn_give_term(struct conn *c, struct term *t, bool display)
{
	if (!t) {
		tn_close(c->s);
		return;
	}
	c->t = t;
	c->display = display;
	c->srv->cfg.on_terminal(c->srv->cfg.ctx, t);
}

static void t3270_send(void *ctx, const uint8_t *rec, size_t len)
{
	struct conn *c = ctx;
	tn_send_record(c->s, rec, len);
}

static void t3270_close(void *ctx)
{
	struct conn *c = ctx;
	tn_close(c->s);
}

static uint64_t t3270_now(void *ctx)
{
	(void)ctx;
	return now_ms();
}

static const struct term_3270_io t3270_io = {
	.send = t3270_send,
	.close = t3270_close,
	.now = t3270_now,
};

/*
 * A session becomes a terminal once its type is known: a display type (IBM-3278-2, ...) asks for
 * TN3270 (BINARY and EOR; a TN3270E session is there already) and gets a 3270 console when that is
 * on; anything else, or a client that refuses TN3270, a line terminal.
 */
static void conn_event(void *ctx, struct tn_session *s, const struct tn_event *ev)
{
	struct conn *c = ctx;
	switch (ev->type) {
	case TN_EV_TTYPE:
		if (c->t)
			break;
		if (term_3270_model(tn_ttype(s), NULL, NULL, NULL)) {
			if (tn_mode(s) == TN_MODE_3270)
				conn_give_term(c, term_3270_new(&t3270_io, c, tn_ttype(s)), true);
			else if (tn_mode(s) == TN_MODE_LINE && tn_start_3270(s))
				break;	/* TN_EV_3270_ON or _OFF follows */
			else if (tn_mode(s) == TN_MODE_3270_PENDING)
				break;
			else
				conn_give_term(c, term_line_new(s), false);
			break;
		}
		conn_give_term(c, term_line_new(s), false);
		break;
	case TN_EV_3270_ON:
		if (!c->t && term_3270_model(tn_ttype(s), NULL, NULL, NULL))
			conn_give_term(c, term_3270_new(&t3270_io, c, tn_ttype(s)), true);
		break;
	case TN_EV_3270_OFF:
		if (!c->t)
			conn_give_term(c, term_line_new(s), false);
		else if (c->display)
			tn_close(s);	/* a 3270 that stops being one cannot be served */
		break;
	case TN_EV_RECORD:
		if (c->t && c->display)
			term_3270_record(c->t, (const uint8_t *)ev->data, ev->len, ev->truncated);
		break;
	case TN_EV_CLOSED:
		if (c->t && c->display)
			term_3270_disconnected(c->t);
		else if (c->t)
			term_line_event(c->t, ev);
		c->closed = true;
		if (ev->reason != TN_CLOSE_LOCAL)
			c->dead = true;
		c->linger_until = now_ms() + LINGER_MS;
		break;
	default:
		if (c->t && !c->display)
			term_line_event(c->t, ev);
		break;
	}
}

static const struct tn_io conn_io = {
	.send = conn_send,
	.event = conn_event,
};

static void conn_free(struct conn *c)
{
	struct server *srv = c->srv;
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nconn--;
	close(c->fd);
	if (c->display)
		term_3270_free(c->t);
	else
		term_line_free(c->t);
	tn_free(c->s);
	free(c->out);
	free(c);
}

/* Write what the socket takes now; a write error makes the connection dead. */
static void conn_flush(struct conn *c)
{
	while (c->olen > 0 && !c->dead) {
		ssize_t n = send(c->fd, c->out, c->olen, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				c->olen = 0;
				if (!c->closed)
					tn_eof(c->s);
				c->dead = true;
			}
			return;
		}
		memmove(c->out, c->out + n, c->olen - (size_t)n);
		c->olen -= (size_t)n;
	}
}

static void conn_read(struct conn *c)
{
	char buf[READ_CHUNK];
	for (int i = 0; i < READ_ROUNDS && !c->closed; i++) {
		ssize_t n = recv(c->fd, buf, sizeof buf, 0);
		if (n > 0) {
			tn_feed(c->s, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		tn_eof(c->s);	/* end of file or a broken connection */
		return;
	}
}

static void accept_one(struct server *srv, int fd)
{
	int one = 1;
	/* Urgent data (telnet's SYNCH) arrives in line, so no byte of the stream is lost. */
	setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &one, sizeof one);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* A half-open connection (the client's host gone without a FIN) is found by keepalive
	 * probes within about three minutes; the user is then disconnected, his VM goes on. */
	int idle = KEEPALIVE_IDLE_S, intvl = KEEPALIVE_INTERVAL_S, cnt = KEEPALIVE_PROBES;
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
	struct conn *c = calloc(1, sizeof *c);
	if (!c) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->fd = fd;
	c->next = srv->head;
	if (srv->head)
		srv->head->prev = c;
	srv->head = c;
	srv->nconn++;
	c->want = EPOLLIN;
	struct epoll_event ev = {.events = c->want, .data.ptr = c};
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		c->dead = c->closed = true;	/* reaped at the top of the next turn */
	c->s = tn_new(NULL, &conn_io, c, now_ms());
	if (!c->s)
		c->dead = c->closed = true;
}

/* Keep c's interest in the epoll set in step with its state: reading until it is closed, and
 * writability while output waits. */
static void conn_want(struct conn *c)
{
	uint32_t want = (c->closed ? 0 : EPOLLIN) | (c->olen > 0 && !c->dead ? EPOLLOUT : 0);
	if (want == c->want)
		return;
	struct epoll_event ev = {.events = want, .data.ptr = c};
	if (epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0) {
		c->want = want;
		return;
	}
	if (!c->closed)
		tn_eof(c->s);	/* the owner hears of it (TN_EV_CLOSED) */
	c->dead = c->closed = true;
}

static void accept_all(struct server *srv)
{
	for (int i = 0; i < ACCEPT_ROUNDS && srv->nconn < SERVER_CONN_MAX; i++) {
		int fd = accept4(srv->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;	/* EAGAIN, or an aborted connection: try again next turn */
		accept_one(srv, fd);
	}
}

/* ---- The server ---- */

struct server *server_new(const struct server_config *cfg, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE};
	struct addrinfo *res;
	int rc = getaddrinfo(cfg->addr, cfg->port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s:%s: %s", cfg->addr, cfg->port, gai_strerror(rc));
		return NULL;
	}
	int fd = -1, saved = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "%s:%s: %s", cfg->addr, cfg->port, strerror(saved));
		return NULL;
	}

	struct server *srv = calloc(1, sizeof *srv);
	int epfd = srv ? epoll_create1(EPOLL_CLOEXEC) : -1;
	if (!srv || epfd < 0) {
		int e = srv ? errno : ENOMEM;
		free(srv);
		close(fd);
		snprintf(err, errlen, "%s", strerror(e));
		return NULL;
	}
	srv->epfd = epfd;
	srv->cfg = *cfg;
	srv->lfd = fd;

	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char host[64] = "?", serv[16] = "?";
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, serv, sizeof serv,
			    NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(srv->address, sizeof srv->address, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
		 host, serv);
	return srv;
}

const char *server_address(const struct server *srv)
{
	return srv->address;
}

/* Free the connections that are over; the earliest time anything is due (or TN_NEVER). */
static uint64_t reap(struct server *srv, uint64_t now)
{
	uint64_t due = TN_NEVER;
	struct conn *next;
	for (struct conn *c = srv->head; c; c = next) {
		next = c->next;
		if (c->closed && (c->dead || c->olen == 0 || now >= c->linger_until)) {
			conn_free(c);
			continue;
		}
		uint64_t d = c->closed ? c->linger_until : tn_deadline(c->s);
		if (d < due)
			due = d;
		if (!c->closed && c->display && term_3270_deadline(c->t) < due)
			due = term_3270_deadline(c->t);
	}
	return due;
}

int server_run(struct server *srv, volatile sig_atomic_t *stop)
{
	sigset_t block, waitmask;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);

	int rc = 0;
	while (!*stop) {
		uint64_t now = now_ms();
		uint64_t due = reap(srv, now);

		size_t n = 0;
		srv->pfd[n++] = (struct pollfd){.fd = srv->epfd, .events = POLLIN};
		srv->pfd[n++] = (struct pollfd){.fd = srv->lfd,
						.events = srv->nconn < SERVER_CONN_MAX ? POLLIN : 0};

		size_t nconn = n, nextra = 0;
		int extra_ms = -1;
		if (srv->cfg.poll_fill)
			nextra = srv->cfg.poll_fill(srv->cfg.ctx, srv->pfd + n, SERVER_EXTRA_FDS, &extra_ms);
		n += nextra;
		if (extra_ms >= 0 && (due == TN_NEVER || now + (uint64_t)extra_ms < due))
			due = now + (uint64_t)extra_ms;

		struct timespec ts, *tsp = NULL;
		if (due != TN_NEVER) {
			uint64_t wait = due > now ? due - now : 0;
			ts.tv_sec = (time_t)(wait / 1000u);
			ts.tv_nsec = (long)(wait % 1000u) * 1000000L;
			tsp = &ts;
		}
		if (ppoll(srv->pfd, n, tsp, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}

		/* The connections with something to read. Every one is on srv->head until the next
		 * reap, so the pointers stay good through this turn; an fd closed at the reap has
		 * left the set. Output is written below for every connection that has some. */
		if (srv->pfd[0].revents & POLLIN) {
			struct epoll_event ev[EPOLL_BATCH];
			int k = epoll_wait(srv->epfd, ev, EPOLL_BATCH, 0);
			for (int i = 0; i < k; i++) {
				struct conn *c = ev[i].data.ptr;
				if ((ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && !c->closed)
					conn_read(c);
			}
		}
		if (srv->pfd[1].revents & POLLIN)
			accept_all(srv);
		if (nextra)
			srv->cfg.poll_ready(srv->cfg.ctx, srv->pfd + nconn, nextra);

		now = now_ms();
		for (struct conn *c = srv->head; c; c = c->next) {
			if (!c->closed && tn_deadline(c->s) <= now)
				tn_tick(c->s, now);
			/* A 3270's output of this turn goes as one record; its MORE... timer. */
			if (!c->closed && c->display && term_3270_deadline(c->t) <= now)
				term_3270_tick(c->t);
			if (c->olen > 0)
				conn_flush(c);
			conn_want(c);
		}
	}
	int saved = errno;
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	errno = saved;
	return rc;
}

void server_free(struct server *srv)
{
	if (!srv)
		return;
	while (srv->head)
		conn_free(srv->head);
	close(srv->lfd);
	close(srv->epfd);
	free(srv);
}
