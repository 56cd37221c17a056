/*
 * ctl.c - the control socket's server side (see ctl.h for the protocol and the contracts).
 *
 * Threads and locks. Everything but the answers belongs to the loop thread: the sockets, the
 * connections and their input and output queues. ctl->lock guards what the answering threads
 * touch: each req's queued text, its done flag and its link to the connection (req->conn, set to
 * NULL when the client goes away), the list of reqs with news for the loop (ctl->ready), the count
 * of reqs not yet done and ctl->freed. An answering thread appends to req->out and puts req on
 * ctl->ready, then writes the eventfd; the loop moves the text to the connection's output queue
 * and frees a req that is done. on_command is called without the lock held, so the owner may
 * answer from inside it.
 *
 * A connection runs one command at a time: while conn->req is set, its input waits in conn->in
 * (and once that is full, the socket's buffer holds the rest).
 */
#include "console/ctl.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CTL_INQ		1024u	/* input bytes buffered per connection */
#define ACCEPT_ROUNDS	16	/* accepts per loop turn */
#define READ_ROUNDS	8	/* reads per connection per loop turn */

struct ctl_conn;

struct ctl_req {
	struct ctl *ctl;
	/* Under ctl->lock: */
	struct ctl_conn *conn;		/* NULL once the client is gone */
	char *out;			/* protocol text not yet moved to the connection */
	size_t olen, ocap;
	bool overflow;			/* more than CTL_OUTQ_MAX queued: the rest was dropped */
	bool done;
	bool queued;			/* on ctl->ready */
	struct ctl_req *next_ready;
};

struct ctl_conn {
	struct ctl *ctl;
	int fd;
	/* Loop thread only: */
	char in[CTL_INQ];		/* received, not yet taken as lines */
	size_t ilen;
	bool discarding;		/* in a line too long: dropping bytes up to its newline */
	bool eof;			/* the client ended its side */
	bool dead;			/* free it: nothing more to send or receive */
	uint64_t partial_since;		/* when the line now half-sent was first seen; 0: none */
	struct ctl_req *req;		/* the command running; NULL: none */
	char *out;			/* to send */
	size_t olen, ocap;
	struct ctl_conn *prev, *next;
};

struct ctl {
	/* Set at creation: */
	struct ctl_config cfg;
	char *path;
	int lfd, efd, tfd;
	dev_t dev;			/* the socket file, so that ctl_free removes only ours */
	ino_t ino;
	/* Loop thread only: */
	struct ctl_conn *head;
	size_t nconn;
	struct ctl_conn *slot[CTL_POLLFDS_MAX];	/* the connection behind each pollfd filled */
	int slotfd[CTL_POLLFDS_MAX];
	size_t nslot;
	uint64_t armed;			/* the timerfd's deadline, ms; 0: disarmed */
	/* Under lock: */
	pthread_mutex_t lock;
	struct ctl_req *ready, *ready_tail;
	size_t nreq;			/* reqs not yet done */
	bool freed;			/* ctl_free() ran: the rest goes with the last req */
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Append len bytes to a growable buffer holding at most max bytes. False: no room or memory. */
static bool buf_append(char **buf, size_t *len, size_t *cap, size_t max, const char *p, size_t n)
{
	if (n > max - *len)
		return false;
	if (*len + n > *cap) {
		size_t c = *cap ? *cap : 256;
		while (c < *len + n)
			c *= 2;
		char *q = realloc(*buf, c);
		if (!q)
			return false;
		*buf = q;
		*cap = c;
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	return true;
}

/* One protocol line: tag, then text with control characters as blanks, then "\n". */
static bool format_line(char **buf, size_t *len, size_t *cap, char tag, const char *text,
			size_t n)
{
	char line[CTL_REPLY_MAX + 2];
	if (n > CTL_REPLY_MAX)
		n = CTL_REPLY_MAX;
	line[0] = tag;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)text[i];
		line[i + 1] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	line[n + 1] = '\n';
	return buf_append(buf, len, cap, CTL_OUTQ_MAX, line, n + 2);
}

static void wake(struct ctl *c)
{
	uint64_t one = 1;
	ssize_t r = write(c->efd, &one, sizeof one);
	(void)r;	/* EAGAIN: the counter is full, the loop wakes anyway */
}

/* Under lock: put req on the ready list. */
static void make_ready(struct ctl *c, struct ctl_req *req)
{
	if (req->queued)
		return;
	req->queued = true;
	req->next_ready = NULL;
	if (c->ready_tail)
		c->ready_tail->next_ready = req;
	else
		c->ready = req;
	c->ready_tail = req;
}

static void req_free(struct ctl_req *req)
{
	free(req->out);
	free(req);
}

/* ---- Answers (any thread) ---- */

void ctl_reply_line(struct ctl_req *req, const char *text, size_t len)
{
	struct ctl *c = req->ctl;
	pthread_mutex_lock(&c->lock);
	if (req->conn && !req->overflow && !c->freed) {
		if (!format_line(&req->out, &req->olen, &req->ocap, '-', text, len))
			req->overflow = true;
		make_ready(c, req);
		wake(c);
	}
	pthread_mutex_unlock(&c->lock);
}

void ctl_reply_done(struct ctl_req *req, int rc)
{
	struct ctl *c = req->ctl;
	pthread_mutex_lock(&c->lock);
	if (c->freed) {
		/* No loop any more: free req here, and with the last one what is left of c. */
		bool last = --c->nreq == 0;
		if (req->queued)	/* cannot be: ctl_free() emptied the list */
			abort();
		req_free(req);
		pthread_mutex_unlock(&c->lock);
		if (last) {
			pthread_mutex_destroy(&c->lock);
			free(c);
		}
		return;
	}
	req->done = true;
	if (req->conn && !req->overflow) {
		char st[24];
		int n = snprintf(st, sizeof st, "%d", rc);
		if (!format_line(&req->out, &req->olen, &req->ocap, '=', st, (size_t)n))
			req->overflow = true;
	}
	make_ready(c, req);
	wake(c);
	pthread_mutex_unlock(&c->lock);
}

/* ---- Connections (loop thread) ---- */

static void conn_free(struct ctl_conn *k)
{
	struct ctl *c = k->ctl;
	if (k->req) {
		pthread_mutex_lock(&c->lock);
		k->req->conn = NULL;
		k->req->olen = 0;
		pthread_mutex_unlock(&c->lock);
	}
	if (k->prev)
		k->prev->next = k->next;
	else
		c->head = k->next;
	if (k->next)
		k->next->prev = k->prev;
	c->nconn--;
	close(k->fd);
	free(k->out);
	free(k);
}

/* Queue protocol bytes for the client; too many (it does not read) ends the connection. */
static void conn_queue(struct ctl_conn *k, const char *p, size_t n)
{
	if (!k->dead && !buf_append(&k->out, &k->olen, &k->ocap, CTL_OUTQ_MAX, p, n))
		k->dead = true;
}

/* An answer from ctl itself: one message line and the status line. */
static void conn_error(struct ctl_conn *k, enum ctl_rc rc, const char *msg)
{
	char text[128];
	int n = snprintf(text, sizeof text, "-%s\n=%d\n", msg, (int)rc);
	conn_queue(k, text, (size_t)n);
}

static void conn_flush(struct ctl_conn *k)
{
	while (k->olen > 0 && !k->dead) {
		ssize_t n = send(k->fd, k->out, k->olen, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				k->dead = true;
			return;
		}
		memmove(k->out, k->out + n, k->olen - (size_t)n);
		k->olen -= (size_t)n;
	}
}

/* One whole line (len bytes at line, line end removed). */
static void conn_line(struct ctl_conn *k, char *line, size_t len)
{
	struct ctl *c = k->ctl;
	if (len > CTL_LINE_MAX) {
		conn_error(k, CTL_RC_TOO_LONG, "CTL001E command line longer than 255 characters");
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];
		if (ch == '\t') {
			line[i] = ' ';
		} else if (ch < 0x20 || ch == 0x7f) {
			conn_error(k, CTL_RC_BAD_CHAR,
				   "CTL002E control characters in the command line");
			return;
		}
	}
	if (len == 0) {
		conn_queue(k, "=0\n", 3);
		return;
	}
	struct ctl_req *req = calloc(1, sizeof *req);
	if (!req) {
		conn_error(k, CTL_RC_NO_MEMORY, "CTL003E out of memory");
		return;
	}
	req->ctl = c;
	req->conn = k;
	pthread_mutex_lock(&c->lock);
	c->nreq++;
	pthread_mutex_unlock(&c->lock);
	k->req = req;
	char text[CTL_LINE_MAX + 1];
	memcpy(text, line, len);
	text[len] = '\0';
	c->cfg.on_command(c->cfg.ctx, req, text);
}

/* Take the whole lines received, one command at a time. */
static void conn_process(struct ctl_conn *k)
{
	while (!k->req && !k->dead) {
		char *nl = memchr(k->in, '\n', k->ilen);
		size_t len;
		if (nl) {
			len = (size_t)(nl - k->in);
		} else if (k->eof && (k->ilen > 0 || k->discarding)) {
			len = k->ilen;	/* the last line, without its newline */
		} else {
			if (k->ilen > CTL_LINE_MAX + 1) {
				/* Cannot be a command any more: drop it up to its newline. */
				k->discarding = true;
				k->ilen = 0;
			}
			if ((k->ilen > 0 || k->discarding) && !k->partial_since)
				k->partial_since = now_ms();
			return;
		}
		size_t used = nl ? len + 1 : len;
		if (len > 0 && k->in[len - 1] == '\r')
			len--;
		char line[CTL_INQ];
		memcpy(line, k->in, len);
		memmove(k->in, k->in + used, k->ilen - used);
		k->ilen -= used;
		k->partial_since = 0;
		if (k->discarding) {
			k->discarding = false;
			len = CTL_LINE_MAX + 1;	/* answered as too long */
		}
		conn_line(k, line, len);
	}
}

static void conn_read(struct ctl_conn *k)
{
	for (int i = 0; i < READ_ROUNDS && !k->eof && !k->dead && k->ilen < CTL_INQ; i++) {
		ssize_t n = recv(k->fd, k->in + k->ilen, CTL_INQ - k->ilen, MSG_DONTWAIT);
		if (n > 0) {
			k->ilen += (size_t)n;
			if (!k->req && k->ilen == CTL_INQ)
				conn_process(k);	/* make room: a garbage stream keeps flowing */
			continue;
		}
		if (n == 0) {
			k->eof = true;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			k->dead = true;
		break;
	}
	conn_process(k);
}

/* Is k over: dead, or the client has ended and everything is answered and sent? */
static bool conn_over(const struct ctl_conn *k)
{
	return k->dead || (k->eof && !k->req && k->ilen == 0 && !k->discarding && k->olen == 0);
}

static void reap(struct ctl *c)
{
	struct ctl_conn *next;
	for (struct ctl_conn *k = c->head; k; k = next) {
		next = k->next;
		if (conn_over(k))
			conn_free(k);
	}
}

static void accept_all(struct ctl *c)
{
	for (int i = 0; i < ACCEPT_ROUNDS; i++) {
		int fd = accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct ucred cred;
		socklen_t cl = sizeof cred;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 ||
		    cred.uid != geteuid()) {
			close(fd);	/* not the operator */
			continue;
		}
		if (c->nconn >= CTL_CONN_MAX) {
			char text[80];
			int n = snprintf(text, sizeof text, "-CTL004E too many control connections\n"
					 "=%d\n", (int)CTL_RC_BUSY);
			ssize_t r = send(fd, text, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
			(void)r;
			close(fd);
			continue;
		}
		struct ctl_conn *k = calloc(1, sizeof *k);
		if (!k) {
			close(fd);
			continue;
		}
		k->ctl = c;
		k->fd = fd;
		k->next = c->head;
		if (c->head)
			c->head->prev = k;
		c->head = k;
		c->nconn++;
	}
}

/* Move the answers' news to their connections; run what waited behind finished commands. */
static void drain_ready(struct ctl *c)
{
	uint64_t v;
	ssize_t r = read(c->efd, &v, sizeof v);
	(void)r;
	pthread_mutex_lock(&c->lock);
	struct ctl_req *list = c->ready;
	c->ready = c->ready_tail = NULL;
	struct ctl_req *next;
	for (struct ctl_req *req = list; req; req = next) {
		next = req->next_ready;
		req->queued = false;
		struct ctl_conn *k = req->conn;
		if (k) {
			conn_queue(k, req->out, req->olen);
			if (req->overflow && req->done)
				k->dead = true;	/* its answer is incomplete: end it rather than lie */
			req->olen = 0;
		}
		if (req->done) {
			if (k)
				k->req = NULL;
			c->nreq--;
			req_free(req);
		}
	}
	pthread_mutex_unlock(&c->lock);
	for (struct ctl_conn *k = c->head; k; k = k->next) {
		if (!k->req)
			conn_process(k);
		conn_flush(k);
	}
}

static void expire(struct ctl *c)
{
	uint64_t v;
	ssize_t r = read(c->tfd, &v, sizeof v);
	(void)r;
	uint64_t now = now_ms();
	for (struct ctl_conn *k = c->head; k; k = k->next)
		if (!k->req && !k->eof && k->partial_since &&
		    now - k->partial_since >= c->cfg.line_timeout_ms)
			k->dead = true;
}

static void arm(struct ctl *c)
{
	uint64_t due = 0;
	for (struct ctl_conn *k = c->head; k; k = k->next) {
		if (k->req || k->eof || !k->partial_since)
			continue;
		uint64_t d = k->partial_since + c->cfg.line_timeout_ms;
		if (!due || d < due)
			due = d;
	}
	if (due == c->armed)
		return;
	struct itimerspec its = {{0, 0}, {(time_t)(due / 1000u), (long)(due % 1000u) * 1000000L}};
	if (timerfd_settime(c->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		c->armed = due;
}

/* ---- The server ---- */

/* Is anybody listening at addr? */
static bool live(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	int rc = connect(fd, (const struct sockaddr *)addr, sizeof *addr);
	int e = errno;
	close(fd);
	return rc == 0 || e == EAGAIN;	/* EAGAIN: a full backlog, somebody is there */
}

static int bind_socket(const char *path, struct sockaddr_un *addr, char *err, size_t errlen)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (bind(fd, (const struct sockaddr *)addr, sizeof *addr) == 0)
		return fd;
	if (errno != EADDRINUSE) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	struct stat sb;
	if (live(addr)) {
		snprintf(err, errlen, "%s: another daemon is listening there", path);
	} else if (lstat(path, &sb) != 0 || !S_ISSOCK(sb.st_mode)) {
		snprintf(err, errlen, "%s: exists and is not a socket", path);
	} else if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: cannot remove the stale socket: %s", path,
			 strerror(errno));
	} else if (bind(fd, (const struct sockaddr *)addr, sizeof *addr) == 0) {
		return fd;
	} else {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	}
	close(fd);
	return -1;
}

struct ctl *ctl_new(const struct ctl_config *cfg, char *err, size_t errlen)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t plen = strlen(cfg->path);
	if (plen == 0 || plen >= sizeof addr.sun_path) {
		snprintf(err, errlen, "%s: the path is %zu bytes long; a UNIX socket's is 1 to %zu",
			 cfg->path, plen, sizeof addr.sun_path - 1);
		return NULL;
	}
	memcpy(addr.sun_path, cfg->path, plen);

	struct ctl *c = calloc(1, sizeof *c);
	if (!c || !(c->path = strdup(cfg->path))) {
		free(c);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	c->cfg = *cfg;
	c->cfg.path = c->path;
	if (!c->cfg.line_timeout_ms)
		c->cfg.line_timeout_ms = CTL_LINE_TIMEOUT_MS;
	c->efd = c->tfd = -1;
	c->lfd = bind_socket(cfg->path, &addr, err, errlen);
	if (c->lfd < 0)
		goto fail;
	/* Nobody can connect before listen(): make it the owner's alone first. */
	struct stat sb;
	if (chmod(cfg->path, 0600) != 0 || stat(cfg->path, &sb) != 0 || listen(c->lfd, 16) != 0) {
		snprintf(err, errlen, "%s: %s", cfg->path, strerror(errno));
		unlink(cfg->path);
		goto fail;
	}
	c->dev = sb.st_dev;
	c->ino = sb.st_ino;
	c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->efd < 0 || c->tfd < 0 || pthread_mutex_init(&c->lock, NULL) != 0) {
		snprintf(err, errlen, "%s: %s", cfg->path, strerror(errno));
		unlink(cfg->path);
		goto fail;
	}
	return c;
fail:
	if (c->lfd >= 0)
		close(c->lfd);
	if (c->efd >= 0)
		close(c->efd);
	if (c->tfd >= 0)
		close(c->tfd);
	free(c->path);
	free(c);
	return NULL;
}

const char *ctl_path(const struct ctl *c)
{
	return c->path;
}

size_t ctl_connections(const struct ctl *c)
{
	return c->nconn;
}

size_t ctl_pollfds(struct ctl *c, struct pollfd *p, size_t max)
{
	reap(c);
	size_t need = 3 + c->nconn;
	c->nslot = 0;
	if (need > max)
		return need;
	arm(c);
	size_t n = 0;
	p[n] = (struct pollfd){.fd = c->lfd, .events = POLLIN};
	c->slot[n++] = NULL;
	p[n] = (struct pollfd){.fd = c->efd, .events = POLLIN};
	c->slot[n++] = NULL;
	p[n] = (struct pollfd){.fd = c->tfd, .events = POLLIN};
	c->slot[n++] = NULL;
	for (struct ctl_conn *k = c->head; k; k = k->next) {
		short ev = 0;
		if (!k->eof && k->ilen < CTL_INQ)
			ev |= POLLIN;
		if (k->olen > 0)
			ev |= POLLOUT;
		p[n] = (struct pollfd){.fd = k->fd, .events = ev};
		c->slot[n++] = k;
	}
	for (size_t i = 0; i < n; i++)
		c->slotfd[i] = p[i].fd;
	c->nslot = n;
	return n;
}

void ctl_dispatch(struct ctl *c, const struct pollfd *p, size_t n)
{
	if (n > c->nslot)
		n = c->nslot;
	for (size_t i = 3; i < n; i++) {
		struct ctl_conn *k = c->slot[i];
		short re = p[i].revents;
		if (p[i].fd != c->slotfd[i] || !re)
			continue;
		if (re & (POLLHUP | POLLERR | POLLNVAL)) {
			k->dead = true;	/* the client is gone altogether: it cannot hear answers */
			continue;
		}
		if (re & POLLIN)
			conn_read(k);
		if (re & POLLOUT)
			conn_flush(k);
	}
	if (n > 2 && p[2].fd == c->tfd && (p[2].revents & POLLIN))
		expire(c);
	if (n > 1 && p[1].fd == c->efd && (p[1].revents & POLLIN))
		drain_ready(c);
	if (n > 0 && p[0].fd == c->lfd && (p[0].revents & POLLIN))
		accept_all(c);
	c->nslot = 0;
	for (struct ctl_conn *k = c->head; k; k = k->next)
		if (k->olen > 0)
			conn_flush(k);
	reap(c);
}

void ctl_free(struct ctl *c)
{
	if (!c)
		return;
	while (c->head)
		conn_free(c->head);
	struct stat sb;
	if (lstat(c->path, &sb) == 0 && sb.st_dev == c->dev && sb.st_ino == c->ino)
		unlink(c->path);
	close(c->lfd);
	close(c->tfd);
	free(c->path);
	c->path = NULL;

	pthread_mutex_lock(&c->lock);
	struct ctl_req *next;
	for (struct ctl_req *req = c->ready; req; req = next) {
		next = req->next_ready;
		req->queued = false;
		if (req->done) {
			c->nreq--;
			req_free(req);
		}
	}
	c->ready = c->ready_tail = NULL;
	c->freed = true;
	close(c->efd);
	bool last = c->nreq == 0;
	pthread_mutex_unlock(&c->lock);
	if (last) {
		pthread_mutex_destroy(&c->lock);
		free(c);
	}
}
