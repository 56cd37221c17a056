/*
 * term_line.c - struct term over a line-mode telnet session (see term_line.h).
 *
 * Every function here touches the term only before it calls out (tn_close, term_deliver): the
 * call may end with the term freed by the server.
 */
#include <stdlib.h>

#include "console/term_line.h"

struct term_line {
	struct term term;	/* first: a struct term * is a struct term_line * */
	struct tn_session *s;
	bool closed;		/* CP closed it or the session ended: no more events */
};

static struct term_line *tl(struct term *t)
{
	return t->priv;
}

static void tl_write_line(struct term *t, const char *text, size_t len)
{
	if (!tl(t)->closed)
		tn_write_line(tl(t)->s, text, len);
}

static void tl_read(struct term *t, enum term_read who, const char *prompt, size_t len)
{
	(void)who;	/* a typewriter has no status area */
	if (!tl(t)->closed)
		tn_prompt(tl(t)->s, prompt, len);
}

static void tl_set_password(struct term *t, bool on)
{
	if (!tl(t)->closed)
		tn_set_password(tl(t)->s, on);
}

static void tl_bell(struct term *t)
{
	if (!tl(t)->closed)
		tn_bell(tl(t)->s);
}

static void tl_close(struct term *t)
{
	struct term_line *l = tl(t);
	if (l->closed)
		return;
	l->closed = true;
	tn_close(l->s);		/* last: the server may free t on TN_EV_CLOSED */
}

static const struct term_ops term_line_ops = {
	.kind = "line",
	.write_line = tl_write_line,
	.read = tl_read,
	.set_password = tl_set_password,
	.bell = tl_bell,
	.close = tl_close,
};

struct term *term_line_new(struct tn_session *s)
{
	struct term_line *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->term.ops = &term_line_ops;
	l->term.priv = l;
	l->s = s;
	return &l->term;
}

void term_line_free(struct term *t)
{
	if (t)
		free(tl(t));
}

void term_line_event(struct term *t, const struct tn_event *ev)
{
	struct term_line *l = tl(t);
	if (l->closed)
		return;
	struct term_event tev = { .type = TERM_EV_LINE };
	switch (ev->type) {
	case TN_EV_LINE:
		tev.text = ev->data;
		tev.len = ev->len;
		tev.truncated = ev->truncated;
		break;
	case TN_EV_ATTENTION:
		tev.type = TERM_EV_ATTENTION;
		break;
	case TN_EV_CLOSED:
		l->closed = true;
		tev.type = TERM_EV_DISCONNECTED;
		break;
	default:
		return;
	}
	term_deliver(t, &tev);	/* last: the handler may close or free t */
}
