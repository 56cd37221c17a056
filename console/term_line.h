/*
 * term_line.h - a line-mode terminal (3215 style) over a telnet session: struct term for CP.
 *
 * The server makes one when a session turns out to be line mode (TN_EV_TTYPE with a type that is
 * not a 3270) and passes every later event of the session to term_line_event():
 *
 *	t = term_line_new(s);              hand t to CP, which installs its handler
 *	... in the session's event callback:  term_line_event(t, ev);
 *	... TN_EV_CLOSED: close the socket, then term_line_free(t); tn_free(s);
 *
 * The term does not own the session. Its operations map onto the session: write_line to
 * tn_write_line, read to tn_prompt, set_password to tn_set_password, bell to tn_bell, close to
 * tn_close (whose TN_EV_CLOSED tells the server to hang up; CP gets no event for it). Session
 * events become term events: TN_EV_LINE, TN_EV_ATTENTION, and TN_EV_CLOSED (unless CP closed)
 * as TERM_EV_DISCONNECTED; the others are the server's.
 */
#ifndef CONSOLE_TERM_LINE_H
#define CONSOLE_TERM_LINE_H

#include "console/telnet.h"
#include "cp/term.h"

/* A line terminal on session s; NULL when out of memory. */
struct term *term_line_new(struct tn_session *s);
/* Free it (NULL allowed); the session stays. Safe inside the term's handler. */
void term_line_free(struct term *t);
/* One event of the session, turned into the term's events. */
void term_line_event(struct term *t, const struct tn_event *ev);

#endif
