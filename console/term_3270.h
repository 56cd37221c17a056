/*
 * term_3270.h - the VM/370 3270 console: struct term for a TN3270 display.
 *
 * Sans-I/O, like telnet.h: the term builds and parses 3270 records (console/ds3270.h) and hands
 * outbound ones to io->send; the server frames them (TN3270/TN3270E, IAC EOR) and feeds it the
 * inbound ones. The server makes one when a session turns out to be a 3270:
 *
 *	t = term_3270_new(&io, conn, tn_ttype(s));   draws the empty layout at once; give t to CP
 *	TN_EV_RECORD:   term_3270_record(t, ev->data, ev->len, ev->truncated);
 *	every loop turn: if (now >= term_3270_deadline(t)) term_3270_tick(t);
 *	TN_EV_CLOSED:   term_3270_disconnected(t);   ... later term_3270_free(t)
 *
 * The screen (consoles.md section 5; 24 x 80 exactly as VM/370 R6's DMKGRF draws it, larger
 * models scaled the way the VM/370 Community Edition does): the output area is every row but the
 * last two (no attribute of its own: the protected status attribute covers it by wrap-around);
 * the input field's attribute is the last position of the output area (X'C1', X'4D' while a
 * password is read); the input area runs to the status attribute (X'60') 21 positions before the
 * end; the status text (CP READ, VM READ, RUNNING, MORE..., HOLDING, NOT ACCEPTED,
 * left-justified; "VM/370 Online" while nobody is logged on, right-justified, ending the screen)
 * is the last 20 positions. A 24 x 80
 * screen is drawn with Erase/Write, a larger one with Erase/Write Alternate; extended terminals
 * get SFE for the status/output field (green). IBM-DYNAMIC and the extended types are asked for
 * their Query Reply at start; its usable area, when it is a size a screen can have here (24..255
 * rows, 80..255 columns, at most 16383 positions), becomes the size used; a terminal that never
 * answers keeps its nominal model.
 *
 * Output is batched: the operations only change the model and make the term due (deadline now);
 * term_3270_tick() sends one record (a Write of the rows, input area and status that changed, or
 * an Erase/Write of the whole layout) for everything since the last tick. Lines that do not fit
 * wait behind MORE... (at most T3270_QUEUE_MAX lines; older ones are dropped): the alarm sounds
 * after T3270_MORE_ALARM_MS and the output area is cleared after T3270_MORE_CLEAR_MS (VM/370's
 * default is believed to be 50 + 10 s; to confirm against GC20-1810), or at once on CLEAR or
 * PA2; ENTER with an empty input area makes it HOLDING (no timeout) until CLEAR or PA2.
 *
 * Keys: ENTER delivers the input area as TERM_EV_LINE (echoed unless a password is read; the
 * status is RUNNING until the next read; a second line before that read is NOT ACCEPTED and not
 * delivered); PA1 delivers TERM_EV_ATTENTION; PA2 clears the output area; CLEAR redraws the
 * layout with an empty output area; PA3 and unknown AIDs only unlock the keyboard; PF keys do
 * what set_pf said (UNSET: like ENTER). A malformed or truncated inbound record is dropped and
 * the layout redrawn.
 *
 * Full screen (term_fullscreen on: DIAGNOSE X'58', DIAL): CP's layout and its waiting output are
 * kept aside; write_record checks the program's record against a model of the buffer
 * (ds_screen_write) and sends it as it is when it is well-formed, or else the model redrawn
 * (what the valid part made of it); inbound records update the model and go to the handler as
 * TERM_EV_RECORD, PA keys and CLEAR too; one that does not parse makes a redraw and is not
 * delivered. read_record answers from the model at once: the TERM_EV_RECORD (AID X'60') is
 * delivered from inside the term_read_record() call. Full screen off redraws CP's layout.
 *
 * Events go to the handler from inside term_3270_record(), term_3270_disconnected() and
 * term_read_record(); the term changes its state before it delivers, touches nothing after, and
 * the handler may call any term operation, term_close() included. close() calls io->close and
 * nothing more is sent or delivered; the server frees the term later (term_3270_free). A term is
 * used by one thread at a time.
 */
#ifndef CONSOLE_TERM_3270_H
#define CONSOLE_TERM_3270_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cp/term.h"

#define T3270_QUEUE_MAX		4096u	/* lines waiting behind MORE... */
#define T3270_HISTORY		10u	/* lines kept for RETRIEVE */
#define T3270_MORE_ALARM_MS	50000u	/* MORE...: the alarm (to confirm against GC20-1810) */
#define T3270_MORE_CLEAR_MS	60000u	/* MORE...: the output area is cleared */

struct term_3270_io {
	/* One outbound 3270 record (the session adds the telnet framing). */
	void (*send)(void *ctx, const uint8_t *rec, size_t len);
	/* CP closed the term: end the session (the owner frees the term later). */
	void (*close)(void *ctx);
	/* A monotonic clock in milliseconds. */
	uint64_t (*now)(void *ctx);
};

/* Whether ttype names a display this console serves: IBM-3278-2..5, IBM-3279-2..5 (each with or
 * without -E), IBM-3277-2, IBM-3179-2, IBM-3180-2, IBM-3477-FC, IBM-DYNAMIC (case does not
 * matter). rows/cols: its alternate size (24 x 80 for IBM-DYNAMIC until it answers the query);
 * extended: -E, IBM-DYNAMIC, IBM-3179-2, IBM-3477-FC. Any pointer may be NULL. False for anything
 * else, the IBM-3287-1 printer included. */
bool term_3270_model(const char *ttype, unsigned *rows, unsigned *cols, bool *extended);

/* A console on a display of type ttype; io and ctx must outlive it. Sends the empty layout (and
 * the query) at once. NULL when out of memory or ttype is not a display (term_3270_model). */
struct term *term_3270_new(const struct term_3270_io *io, void *ctx, const char *ttype);
/* Free it (NULL allowed). Not from inside its own handler. */
void term_3270_free(struct term *t);

/* One inbound record (without telnet framing); truncated: the session cut it short. */
void term_3270_record(struct term *t, const uint8_t *rec, size_t len, bool truncated);
/* The session ended by itself: TERM_EV_DISCONNECTED, unless CP closed the term. */
void term_3270_disconnected(struct term *t);

/* When term_3270_tick() is next due (io->now's clock), or UINT64_MAX. */
uint64_t term_3270_deadline(const struct term *t);
/* Let time pass (MORE...) and send what changed since the last tick, as one record. */
void term_3270_tick(struct term *t);

#endif
