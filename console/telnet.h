/*
 * telnet.h - the telnet session engine: one connection's protocol state, bytes in, events out.
 *
 * Sans-I/O. The server owns the socket and the clock; a session owns the telnet state of one
 * connection (libtelnet does the framing). The server hands it the bytes it reads (tn_feed), the
 * end of the connection (tn_eof) and the time (tn_tick); the session answers with bytes to send
 * and events, both through the callbacks in struct tn_io, synchronously, in order.
 *
 *	struct tn_session *s = tn_new(NULL, &io, conn, now_ms);
 *		sends IAC DO TN3270E, IAC DO TTYPE, IAC DO NAWS
 *	... n = read(fd, buf, sizeof buf); n > 0 ? tn_feed(s, buf, n) : tn_eof(s);
 *	... at tn_deadline(s): tn_tick(s, now_ms);
 *	TN_EV_TTYPE: tn_mode(s) == TN_MODE_3270 ? a 3270 already (TN3270E)
 *		: tn_ttype_is_3270(tn_ttype(s)) ? tn_start_3270(s) : line mode (term_line.h)
 *	tn_free(s);
 *
 * On creation the session offers TN3270E (RFC 2355), asks for the terminal type (RFC 1091) and
 * the window size (RFC 1073), and otherwise leaves the connection as a network virtual terminal
 * (RFC 854): the client edits and echoes each line locally and sends it with CR LF. TN_EV_TTYPE
 * says when the type is known, refused or not answered in time, so that the server can route an
 * IBM-327x client to a 3270 session (tn_start_3270: BINARY and EOR both ways, then records) and
 * anything else to line mode. A client that agrees to TN3270E is a 3270 already when
 * TN_EV_TTYPE arrives (TN_EV_3270_ON follows at once; tn_start_3270 then does nothing).
 *
 * TN3270E (RFC 2355, option 40). IAC DO TN3270E goes out first, with DO TTYPE and DO NAWS in
 * the same burst. A client that refuses or ignores it sees nothing else of it: its WONT is not
 * answered, and an answer to TTYPE that arrives while option 40 is still unanswered gives up
 * TN3270E (DONT follows only if a late WILL comes). On the client's WILL the session sends
 * SB TN3270E SEND DEVICE-TYPE; the client's DEVICE-TYPE REQUEST <type> [CONNECT <name> |
 * ASSOCIATE <name>] is answered DEVICE-TYPE IS <type> CONNECT <device name> for the display
 * types IBM-3278-2..5 and IBM-3279-2..5 (each also with -E), IBM-3277-2 and IBM-DYNAMIC (any
 * case; answered in capitals), and otherwise DEVICE-TYPE REJECT REASON <code>: INV-DEVICE-TYPE
 * for any other type (printers included), INV-ASSOCIATE for ASSOCIATE (we have no printers),
 * INV-NAME for a CONNECT to any name but this session's own device name (the bytes after the
 * type up to IAC SE are the name). The client may then try again, or say WONT TN3270E. FUNCTIONS:
 * this engine supports none (basic TN3270E: no BIND-IMAGE, DATA-STREAM-CTL, RESPONSES,
 * SCS-CTL-CODES, SYSREQ); a client's FUNCTIONS REQUEST for an empty list is confirmed with
 * FUNCTIONS IS, any other with FUNCTIONS REQUEST for the subset we support (empty), and the
 * client's FUNCTIONS IS for that list completes the negotiation. Then the session is in 3270
 * mode (TN_MODE_3270, tn_tn3270e() true): tn_ttype() is the device type, TN_EV_TTYPE and
 * TN_EV_3270_ON are delivered, in that order. BINARY and EOR are implied by TN3270E and not
 * negotiated (a client may still negotiate them; they change nothing); records still end with
 * IAC EOR. While option 40 is being negotiated, an answer to TTYPE is held back; if TN3270E
 * fails (the client's WONT) the held answer is delivered, so a refusal falls back to today's
 * TTYPE and TN3270 path. The terminal-type wait (ttype_wait_ms) covers the whole exchange: when
 * it runs out the session gives up TN3270E (DONT TN3270E) and delivers TN_EV_TTYPE as it stands.
 * The TN_E_ROUNDS-th device-type reject or function round gives TN3270E up too (DONT TN3270E),
 * so two programs that never agree cannot keep each other busy.
 *
 * TN3270E records. Each record both ways starts with the 5-byte header: data type, request
 * flag, response flag, sequence number (2 bytes, big-endian). tn_send_record() sends 3270-DATA
 * with both flags 0 and a sequence number that counts from 0 by one per record (wrapping after
 * 32767); it is not used without RESPONSES, so clients ignore it. Inbound, a 3270-DATA record is
 * TN_EV_RECORD with the header taken off (max_record counts the data without the header); a
 * record shorter than the header, or of any other data type (SCS-DATA, RESPONSE, NVT-DATA,
 * REQUEST, SSCP-LU-DATA, and the types only a server sends) is dropped: none of the functions
 * that make them meaningful has been agreed. Subnegotiations of option 40 that are not
 * expected in the current state (unknown commands, truncated ones, a second device type after
 * IS, functions before the device type, anything from a client that has not said WILL) are
 * ignored. A client that says WONT TN3270E after the agreement ends 3270 mode: TN_EV_3270_OFF
 * (the server hangs up, as when a plain TN3270 client drops BINARY or EOR). TERMINAL-TYPE
 * answers that arrive in TN3270E mode are ignored: the device type is the terminal type.
 *
 * Line mode. Input is assembled into lines: CR LF, CR NUL, a bare CR and a bare LF each end a line;
 * BS and DEL erase a character (a whole UTF-8 sequence), ^U and IAC EL the line, IAC EC a
 * character; TAB becomes a blank; ESC sequences (cursor keys) and other C0 controls are dropped;
 * bytes 128-255 are kept. A line longer than max_line is cut: its first max_line bytes arrive with
 * `truncated`, the rest up to the line end is discarded. IAC IP, IAC BRK and the attention
 * character (config) discard the line being typed and give TN_EV_ATTENTION. IAC AYT is answered
 * with "[Yes]" (once per tn_feed, however many arrive). Output lines end in CR LF, a bare LF in
 * them becomes CR LF and a bare CR becomes CR NUL (unless BINARY is on), X'FF' is doubled. A prompt
 * is output without a line end followed by IAC GA while SUPPRESS-GO-AHEAD is off (RFC 854/858).
 * Password mode hides the line being typed: the session says IAC WILL ECHO (RFC 857), so the client
 * stops echoing, and echoes nothing but the line end. With server_echo (character mode) the session
 * offers WILL ECHO and WILL SGA and echoes and edits the line itself; output that arrives while a
 * line is being typed goes on a new line, and the prompt and the typed text are shown again after
 * it.
 *
 * 3270 mode. After tn_start_3270() and the client's agreement, or after TN3270E is agreed,
 * input is records ended by IAC EOR (TN_EV_RECORD, cut at max_record) and output is
 * tn_send_record(); the 3270 data stream itself is not this file's business.
 *
 * Options are negotiated by RFC 1143's Q method (in this file: libtelnet 0.21 runs in proxy mode
 * because its own Q method reports no event when a request is refused). Accepted when the client
 * asks: BINARY and EOR both ways, the client's SGA, TTYPE and NAWS, our ECHO and SGA only with
 * server_echo (and our ECHO in password mode), the client's TN3270E while the terminal type is
 * not yet known and the session is in line mode (unless no_tn3270e). Everything else is
 * refused. A client that sends SB COMPRESS2 (which libtelnet would obey by inflating all
 * further input) is closed with TN_CLOSE_PROTOCOL.
 *
 * Callbacks. io->send and io->event are called from inside the tn_* calls. From an event the
 * handler may call any tn_* function except tn_feed, tn_eof and tn_tick, and io->send may call
 * tn_close or tn_free (a server whose queue for the client is full); tn_free there is deferred
 * until the outermost call returns, and nothing more is sent or delivered. Event data (line
 * text, records) are valid until the handler returns. Memory per session is bounded: the line
 * buffer (max_line), the record buffer (max_record and a TN3270E header, from tn_start_3270 or
 * the client's WILL TN3270E), libtelnet's
 * subnegotiation buffer (16 KiB at most). A session is used by one thread at a time.
 */
#ifndef CONSOLE_TELNET_H
#define CONSOLE_TELNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tn_session;

/* Telnet option codes this engine negotiates (RFC numbers in the head comment). */
enum tn_option {
	TN_OPT_BINARY = 0,	/* RFC 856 */
	TN_OPT_ECHO = 1,	/* RFC 857 */
	TN_OPT_SGA = 3,		/* RFC 858, suppress go-ahead */
	TN_OPT_TTYPE = 24,	/* RFC 1091, terminal type */
	TN_OPT_EOR = 25,	/* RFC 885, end of record */
	TN_OPT_NAWS = 31,	/* RFC 1073, window size */
	TN_OPT_TN3270E = 40,	/* RFC 2355, TN3270 enhancements */
};

#define TN_DEFAULT_MAX_LINE	4096u
#define TN_DEFAULT_MAX_RECORD	32768u
#define TN_DEFAULT_TTYPE_WAIT	2000u	/* ms */
#define TN_TTYPE_MAX		40	/* RFC 1091: at most 40 characters */
#define TN_DEVICE_NAME_MAX	8	/* TN3270E device (LU) name: 1-8 of A-Z 0-9 @ # $ */
#define TN_E_ROUNDS		8	/* TN3270E: most device-type or function rounds */
#define TN_NO_ATTENTION		(-1)
#define TN_NEVER		UINT64_MAX

struct tn_config {
	size_t max_line;	/* longest input line kept (bytes); 0: TN_DEFAULT_MAX_LINE */
	size_t max_record;	/* 3270: longest inbound record kept; 0: TN_DEFAULT_MAX_RECORD */
	int attention_char;	/* line mode: the byte that means attention, or TN_NO_ATTENTION */
	bool server_echo;	/* character mode: offer WILL ECHO, WILL SGA; echo and edit here */
	unsigned ttype_wait_ms;	/* how long to wait for the terminal type; 0: the default */
	bool no_tn3270e;	/* do not offer TN3270E (and refuse the client's WILL) */
	/*
	 * TN3270E: the device name given in DEVICE-TYPE IS (copied, capitals). NULL, or not 1-8
	 * of A-Z 0-9 @ # $ (any case): "CAMBnnnn" from a counter shared by all sessions of the
	 * process (thread-safe), nnnn = 0001..9999, then round again.
	 */
	const char *device_name;
};

enum tn_mode {
	TN_MODE_LINE,		/* NVT line mode (the default) */
	TN_MODE_3270_PENDING,	/* tn_start_3270() called, BINARY and EOR being negotiated */
	TN_MODE_3270,		/* BINARY and EOR on both ways, or TN3270E: records */
};

enum tn_close_reason {
	TN_CLOSE_PEER,		/* tn_eof(): the client closed or the connection broke */
	TN_CLOSE_LOCAL,		/* tn_close(): our side ends the session */
	TN_CLOSE_PROTOCOL,	/* the client broke the protocol for good (started compression) */
};

enum tn_event_type {
	/*
	 * The terminal type is known: tn_ttype(). Delivered once when the first answer arrives, the
	 * client refuses TTYPE or the wait runs out (both with an empty type), and again for each
	 * answer to a later tn_ttype_request().
	 */
	TN_EV_TTYPE,
	TN_EV_LINE,		/* line mode: data/len is an input line, no line end; truncated */
	TN_EV_ATTENTION,	/* IAC IP, IAC BRK, or the attention character */
	TN_EV_WINDOW,		/* NAWS: width/height changed (0: unknown) */
	/* BINARY and EOR are on both ways, or TN3270E is agreed: tn_send_record() works. */
	TN_EV_3270_ON,
	/* After tn_start_3270(): BINARY or EOR refused or dropped; in TN3270E: the client's WONT. */
	TN_EV_3270_OFF,
	TN_EV_RECORD,		/* 3270 mode: data/len is a record, no IAC EOR; truncated */
	TN_EV_CLOSED,		/* the session is over (reason): the last event, nothing after */
};

struct tn_event {
	enum tn_event_type type;
	const char *data;	/* LINE, RECORD: the bytes and a NUL (lines contain no NUL) */
	size_t len;
	bool truncated;		/* LINE, RECORD: longer than the limit; the rest was dropped */
	unsigned width, height;	/* WINDOW */
	enum tn_close_reason reason; /* CLOSED */
};

/* Where the session's output goes; ctx is the pointer given to tn_new(). */
struct tn_io {
	/* Bytes for the client, in order (required); the server queues them, bounded. */
	void (*send)(void *ctx, const char *bytes, size_t len);
	/* An event (see enum tn_event_type and the rules on callbacks above); NULL drops them. */
	void (*event)(void *ctx, struct tn_session *s, const struct tn_event *ev);
};

/* Fill *c with the defaults (what a NULL config means); attention_char is ^C. */
void tn_config_init(struct tn_config *c);

/*
 * A new session for a new connection, at time now_ms (any monotonic millisecond clock, the same
 * for tn_tick). Sends the opening negotiation at once. NULL when out of memory.
 */
struct tn_session *tn_new(const struct tn_config *cfg, const struct tn_io *io, void *ctx,
			  uint64_t now_ms);
/* Free the session (NULL allowed). Inside a callback the free waits for the outermost call. */
void tn_free(struct tn_session *s);

/* Bytes from the client. Ignored once the session is closed. */
void tn_feed(struct tn_session *s, const void *bytes, size_t len);
/* The client closed the connection (or it broke): TN_EV_CLOSED with TN_CLOSE_PEER. */
void tn_eof(struct tn_session *s);
/* End the session from our side: TN_EV_CLOSED with TN_CLOSE_LOCAL (the server flushes, closes). */
void tn_close(struct tn_session *s);
/* When tn_tick() is next needed (same clock as tn_new), or TN_NEVER. */
uint64_t tn_deadline(const struct tn_session *s);
/* Time has passed: a terminal-type wait that has run out gives TN_EV_TTYPE with an empty type. */
void tn_tick(struct tn_session *s, uint64_t now_ms);

/*
 * The terminal type as the client sent it (printable ASCII, at most TN_TTYPE_MAX), or "";
 * in TN3270E mode the device type agreed (e.g. "IBM-3278-2-E").
 */
const char *tn_ttype(const struct tn_session *s);
/* True once TN_EV_TTYPE has been delivered. */
bool tn_ttype_known(const struct tn_session *s);
/* True for a 3270-family terminal type: "IBM-..." (any case), e.g. IBM-3278-2-E, IBM-DYNAMIC. */
bool tn_ttype_is_3270(const char *ttype);
/* Ask for the client's next terminal type (RFC 1091 cycling); false if TTYPE is not on. */
bool tn_ttype_request(struct tn_session *s);
/* The window size from NAWS; 0 when unknown. */
void tn_window(const struct tn_session *s, unsigned *width, unsigned *height);
enum tn_mode tn_mode(const struct tn_session *s);
/* Whether an option is in effect on our side (we WILL) or the client's (it WILL). */
bool tn_local_option(const struct tn_session *s, enum tn_option opt);
bool tn_remote_option(const struct tn_session *s, enum tn_option opt);

/* Line mode output (ignored in 3270 mode and once closed). */
/* One output line; the session ends it with CR LF. */
void tn_write_line(struct tn_session *s, const char *text, size_t len);
/* A prompt (may be empty): input may follow. Shown without a line end, then IAC GA unless SGA. */
void tn_prompt(struct tn_session *s, const char *text, size_t len);
/* Hide (on) or show again (off) what the user types next. */
void tn_set_password(struct tn_session *s, bool on);
/* Ring the terminal's bell (BEL). */
void tn_bell(struct tn_session *s);
/* Change the attention character (or TN_NO_ATTENTION). */
void tn_set_attention_char(struct tn_session *s, int c);

/* 3270 mode. */
/*
 * Ask for EOR and BINARY both ways (RFC 1576) and take input as records from now on;
 * TN_EV_3270_ON or TN_EV_3270_OFF follows. False if not in line mode, closed, or out of memory.
 * In TN3270E mode: true, and nothing happens. While TN3270E is being negotiated: gives it up
 * (DONT TN3270E) and goes the plain TN3270 way.
 */
bool tn_start_3270(struct tn_session *s);
/*
 * One outbound record (X'FF' doubled, then IAC EOR; in TN3270E mode after a 3270-DATA header).
 * False unless in TN_MODE_3270.
 */
bool tn_send_record(struct tn_session *s, const void *data, size_t len);
/* True in TN3270E mode: the device type and functions are agreed (TN_MODE_3270 too). */
bool tn_tn3270e(const struct tn_session *s);
/* In TN3270E mode the device name the client was given (DEVICE-TYPE IS ... CONNECT); else "". */
const char *tn_device_name(const struct tn_session *s);

#endif
