/*
 * term.h - a user's terminal as CP sees it: lines out, and lines and the attention key in.
 *
 * The seam between the terminals (console/: a line-mode telnet session today, a 3270 console
 * next) and CP. A terminal is a struct term: a table of operations and the implementation's
 * private state. CP calls the wrappers below and gets the terminal's events through the handler
 * it installs; it never looks at the fields. CP defines the seam and console/ implements it, so
 * the arrows point down (console/ includes cp/, never the other way).
 *
 *	term_set_handler(t, on_term_event, vm);
 *	term_write_line(t, "VM/370 ONLINE", 13);
 *	term_read(t, TERM_READ_CP, "", 0);          input may follow: TERM_EV_LINE
 *	term_set_password(t, true); term_read(...); term_set_password(t, false);
 *
 * Text at the seam is ISO 8859-1, one line per call, without line ends (CP translates EBCDIC
 * with lib/ebcdic.h; a 3270 terminal translates back). A line-mode terminal shows bytes as they
 * are, so a UTF-8 client's non-ASCII characters arrive as their UTF-8 bytes.
 *
 * What each operation means (every implementation provides all of them):
 *   write_line(t, text, len)   One line of output. The terminal starts it on a fresh line and
 *                              ends it; CP gathers partial writes (a 3215 write without carriage
 *                              return) into lines itself.
 *   read(t, who, prompt, len)  Input may follow: show the prompt (may be empty; a typewriter
 *                              shows none) and unlock the keyboard. who says whose read it is,
 *                              for a display's status area (CP READ, VM READ); a line terminal
 *                              ignores it. Lines typed without a read still arrive: what to do
 *                              with them is CP's business.
 *   set_password(t, on)        Hide what the user types next (on) or show it again (off).
 *   bell(t)                    Sound the terminal's alarm.
 *   close(t)                   End the session (LOGOFF, FORCE): the terminal says nothing more,
 *                              delivers no more events, and its owner (the server) frees it. CP
 *                              must not use t after the call.
 * A display (a 3270) has more; a line terminal leaves them NULL and the wrappers do nothing:
 *   set_pf(t, key, how, text)  What PF key 1-24 does from now on (SET PFnn); the text is ISO
 *                              8859-1. CP gives a reconnected terminal the user's keys again.
 *   display(t, line, erase, data, len)  DIAGNOSE X'58' X'19': EBCDIC data, which may hold
 *                              X'1D' attr start-field orders, written into the output area from
 *                              its line `line` (0 = the first), erasing the area first if erase.
 *   fullscreen(t, on)          on: the screen belongs to a program (DIAL, X'58' full-screen):
 *                              CP's layout is put away, records pass both ways (write_record,
 *                              TERM_EV_RECORD), PA1 included. off: CP's layout is redrawn with
 *                              the output kept. True when the terminal can.
 *   write_record(t, rec, len)  Full screen: one outbound 3270 record, remote command code first
 *                              (ds3270.h). Malformed data costs only this terminal's screen.
 *   read_record(t, how)        Full screen: the terminal answers as to a Read Buffer or Read
 *                              Modified from the channel, by a TERM_EV_RECORD with AID X'60'.
 *   screen(t, out)             The display's size, type and whether it is extended.
 *
 * Events (struct term_event), delivered to the handler on the terminal's thread:
 *   TERM_EV_LINE          The user entered a line: text/len, NUL-terminated, no line end, no
 *                         control characters; truncated when the user typed more than the
 *                         terminal keeps (the rest of the line is lost).
 *   TERM_EV_ATTENTION     The attention key: BREAK, telnet IP or the attention character on a
 *                         line terminal, PA1 or ATTN on a 3270. A line being typed is dropped.
 *   TERM_EV_RECORD        Full screen: an inbound 3270 record (AID, cursor, fields), from a key
 *                         or in answer to read_record.
 *   TERM_EV_DISCONNECTED  The user's connection is gone. The last event; CP must not use t
 *                         after the handler returns (the server frees it). Not delivered after
 *                         close().
 * The handler may call the term's operations, close() included. A term has no lock: its
 * operations and events happen on one thread at a time, and CP serialises any sharing.
 */
#ifndef CONSOLE_TERM_H
#define CONSOLE_TERM_H

#include <stdbool.h>
#include <stddef.h>

struct term;

enum term_read {
	TERM_READ_CP,		/* CP reads a command: CP READ */
	TERM_READ_VM,		/* the virtual machine reads its console: VM READ */
	TERM_READ_LOGON,	/* nobody is logged on: the logo's read (a display's "VM/370 Online") */
};

/* What a program function key does on a display (SET PFnn; line terminals have none). */
enum term_pf {
	TERM_PF_UNSET,		/* like ENTER: the input line goes as it is */
	TERM_PF_DELAYED,	/* the key's text is put in the input area, to edit and enter */
	TERM_PF_IMMED,		/* the key's text is entered at once (the input area is kept) */
	TERM_PF_RETRIEVE,	/* the input area shows the previous line entered (again: older) */
};
#define TERM_PF_MAX	24

/* The display behind a terminal (term_screen); rows 0 for a line terminal. */
struct term_screen {
	unsigned rows, cols;	/* the alternate (largest) size */
	bool extended;		/* SFE, SA, colours, query reply */
	char ttype[41];		/* the terminal type, e.g. IBM-3278-2-E */
};

/* Full-screen reads (term_read_record). */
enum term_record_read {
	TERM_RECORD_RB,		/* Read Buffer: the whole buffer */
	TERM_RECORD_RM,		/* Read Modified: the modified fields */
};

enum term_event_type {
	TERM_EV_LINE,
	TERM_EV_ATTENTION,
	TERM_EV_DISCONNECTED,
	TERM_EV_RECORD,
};

struct term_event {
	enum term_event_type type;
	const char *text;	/* TERM_EV_LINE; valid until the handler returns */
	size_t len;
	bool truncated;
	/* TERM_EV_RECORD: text/len are the record's bytes (const char * for uint8_t data) */
};

typedef void term_handler_fn(void *owner, struct term *t, const struct term_event *ev);

struct term_ops {
	const char *kind;	/* "line", "3270": for messages and QUERY */
	void (*write_line)(struct term *t, const char *text, size_t len);
	void (*read)(struct term *t, enum term_read who, const char *prompt, size_t len);
	void (*set_password)(struct term *t, bool on);
	void (*bell)(struct term *t);
	void (*close)(struct term *t);
	/* Displays only; a line terminal sets these to NULL (the wrappers then do nothing). */
	void (*set_pf)(struct term *t, unsigned key, enum term_pf how, const char *text, size_t len);
	void (*display)(struct term *t, unsigned line, bool erase, const void *data, size_t len);
	bool (*fullscreen)(struct term *t, bool on);
	void (*write_record)(struct term *t, const void *rec, size_t len);
	void (*read_record)(struct term *t, enum term_record_read how);
	void (*screen)(const struct term *t, struct term_screen *out);
};

/* How CP shows its messages on a terminal (SET EMSG; vm370-cp.md 1.4). Responses without an id
 * are always shown whole. */
enum term_emsg {
	TERM_EMSG_TEXT,		/* the text alone: VM/370's default */
	TERM_EMSG_ON,		/* the id and the text */
	TERM_EMSG_CODE,		/* the id alone */
	TERM_EMSG_OFF,		/* nothing */
};

struct term {
	const struct term_ops *ops;	/* set by the implementation */
	void *priv;			/* the implementation's state */
	term_handler_fn *handler;	/* set by CP (term_set_handler); NULL drops events */
	void *owner;			/* CP's pointer for the handler */
	/* ---- CP's, for cp_msg_write() (cp/message.h); zero at creation ---- */
	enum term_emsg emsg;
	unsigned msgno;			/* nnn of the last error message (DMKmmmnnnE) written, for
					 * DIAGNOSE X'08''s return code; CP clears it */
};

/* Where t's events go from now on. */
static inline void term_set_handler(struct term *t, term_handler_fn *fn, void *owner)
{
	t->handler = fn;
	t->owner = owner;
}

static inline const char *term_kind(const struct term *t)
{
	return t->ops->kind;
}

static inline void term_write_line(struct term *t, const char *text, size_t len)
{
	t->ops->write_line(t, text, len);
}

static inline void term_read(struct term *t, enum term_read who, const char *prompt, size_t len)
{
	t->ops->read(t, who, prompt, len);
}

static inline void term_set_password(struct term *t, bool on)
{
	t->ops->set_password(t, on);
}

static inline void term_bell(struct term *t)
{
	t->ops->bell(t);
}

static inline void term_close(struct term *t)
{
	t->ops->close(t);
}

static inline void term_set_pf(struct term *t, unsigned key, enum term_pf how, const char *text,
			       size_t len)
{
	if (t->ops->set_pf)
		t->ops->set_pf(t, key, how, text, len);
}

static inline void term_display(struct term *t, unsigned line, bool erase, const void *data,
				size_t len)
{
	if (t->ops->display)
		t->ops->display(t, line, erase, data, len);
}

static inline bool term_fullscreen(struct term *t, bool on)
{
	return t->ops->fullscreen ? t->ops->fullscreen(t, on) : false;
}

static inline void term_write_record(struct term *t, const void *rec, size_t len)
{
	if (t->ops->write_record)
		t->ops->write_record(t, rec, len);
}

static inline void term_read_record(struct term *t, enum term_record_read how)
{
	if (t->ops->read_record)
		t->ops->read_record(t, how);
}

/* The display behind t; rows 0 and ttype "" for a line terminal. */
static inline void term_screen(const struct term *t, struct term_screen *out)
{
	*out = (struct term_screen){0};
	if (t->ops->screen)
		t->ops->screen(t, out);
}

/* For implementations: hand an event to the handler. Touch nothing of t afterwards if the event
 * is TERM_EV_DISCONNECTED or the handler may have closed t. */
static inline void term_deliver(struct term *t, const struct term_event *ev)
{
	if (t->handler)
		t->handler(t->owner, t, ev);
}

#endif
