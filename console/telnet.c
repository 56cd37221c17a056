/*
 * telnet.c - the telnet session engine (see telnet.h for what it does and the rules on callbacks).
 *
 * libtelnet parses the byte stream (data, IAC commands, negotiations, subnegotiations, X'FF'
 * doubling) and formats what we send. It runs in proxy mode: it reports every WILL, WONT, DO and
 * DONT as received and sends nothing by itself, and this file keeps the option states by RFC
 * 1143's Q method. (libtelnet 0.21's own Q method gives no event when the peer refuses one of our
 * requests, and reports the end of our own option as a WONT event; the engine needs both.)
 *
 * Invariants between calls:
 *  - line_len <= max_line, rec_len <= max_record; line[] holds no byte below X'20' and no DEL.
 *  - closed: no byte is sent and no event delivered any more (CLOSED was the last one, unless the
 *    session is doomed: tn_free() was called inside a callback and waits for depth to reach 0).
 *  - midline: our last output left the client's cursor inside a line (a prompt, echoed input).
 *  - tn3270e (TN3270E agreed) implies mode == TN_MODE_3270, e_state == E_BOUND and rec != NULL;
 *    e_state != E_NONE implies the client's TN3270E is Q_YES.
 *  - ttype_held: an answer to TTYPE (or its refusal) arrived while TN3270E was being negotiated;
 *    it is in ttype[] and is delivered if TN3270E fails; never with ttype_known.
 */
#include <stddef.h>	/* libtelnet.h uses size_t without including it */
#include <libtelnet.h>
#include <assert.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "console/telnet.h"

#define TN_PROMPT_MAX	256	/* longest prompt shown again after interrupting output */
#define TN_TTYPE_ASKS	8	/* most TTYPE SENDs we keep count of */
#define TN_E_HEADER	5	/* TN3270E record header: data type, request, response, sequence */

/* RFC 2355 section 3: TN3270E subnegotiation commands. */
enum e_cmd {
	E_ASSOCIATE = 0,
	E_CONNECT = 1,
	E_DEVICE_TYPE = 2,
	E_FUNCTIONS = 3,
	E_IS = 4,
	E_REASON = 5,
	E_REJECT = 6,
	E_REQUEST = 7,
	E_SEND = 8,
};

/* RFC 2355 section 3: reason codes of DEVICE-TYPE REJECT. */
enum e_reason {
	E_CONN_PARTNER = 0,
	E_DEVICE_IN_USE = 1,
	E_INV_ASSOCIATE = 2,
	E_INV_NAME = 3,
	E_INV_DEVICE_TYPE = 4,
	E_TYPE_NAME_ERROR = 5,
	E_UNKNOWN_ERROR = 6,
	E_UNSUPPORTED_REQ = 7,
};

/* RFC 2355 section 3: function codes (bit n of a function set is code n). */
enum e_function {
	E_BIND_IMAGE = 0,
	E_DATA_STREAM_CTL = 1,
	E_RESPONSES = 2,
	E_SCS_CTL_CODES = 3,
	E_SYSREQ = 4,
};

/* The functions this engine implements: none (basic TN3270E). */
#define E_SUPPORTED	0u

/* RFC 2355 section 8.1.1: data types of the record header. */
enum e_data_type {
	E_DT_3270_DATA = 0x00,
	E_DT_SCS_DATA = 0x01,
	E_DT_RESPONSE = 0x02,
	E_DT_BIND_IMAGE = 0x03,
	E_DT_UNBIND = 0x04,
	E_DT_NVT_DATA = 0x05,
	E_DT_REQUEST = 0x06,
	E_DT_SSCP_LU_DATA = 0x07,
	E_DT_PRINT_EOJ = 0x08,
};

/* Where a TN3270E negotiation stands (the client's TN3270E is on in all but E_NONE). */
enum e_state {
	E_NONE,		/* not negotiating (not offered, refused, given up, or not answered) */
	E_DEVTYPE,	/* we sent SEND DEVICE-TYPE: waiting for DEVICE-TYPE REQUEST */
	E_FUNCS,	/* we sent DEVICE-TYPE IS: waiting for FUNCTIONS REQUEST */
	E_FUNCS_IS,	/* we sent FUNCTIONS REQUEST: waiting for FUNCTIONS IS */
	E_BOUND,	/* agreed: 3270 mode */
};

/* The display types a client may ask for in DEVICE-TYPE REQUEST: RFC 2355's, and the 3277. */
static const char *const e_types[] = {
	"IBM-3278-2", "IBM-3278-3", "IBM-3278-4", "IBM-3278-5",
	"IBM-3279-2", "IBM-3279-3", "IBM-3279-4", "IBM-3279-5",
	"IBM-3278-2-E", "IBM-3278-3-E", "IBM-3278-4-E", "IBM-3278-5-E",
	"IBM-3279-2-E", "IBM-3279-3-E", "IBM-3279-4-E", "IBM-3279-5-E",
	"IBM-3277-2", "IBM-DYNAMIC",
};

/* Default device names: CAMB0001 .. CAMB9999, shared by all sessions of the process. */
static atomic_uint e_name_counter;

/* RFC 1143 Q method: the state of one side of one option. */
enum q_state {
	Q_NO,
	Q_YES,
	Q_WANTNO,	/* we sent WONT/DONT, waiting for the answer */
	Q_WANTYES,	/* we sent WILL/DO, waiting for the answer */
};

struct q_opt {
	unsigned char state;	/* enum q_state */
	bool opposite;		/* the queue bit: after the answer, ask for the opposite */
};

/* The two sides of an option: ours (we WILL/WONT, the peer DOes) and the peer's (it WILLs). */
enum side { US, HIM };

/* The options the engine keeps states for, by index; every other option is refused. */
static const unsigned char tn_opts[] = {
	TN_OPT_BINARY, TN_OPT_ECHO, TN_OPT_SGA, TN_OPT_TTYPE, TN_OPT_EOR, TN_OPT_NAWS,
	TN_OPT_TN3270E,
};
#define TN_NOPTS	(sizeof tn_opts / sizeof tn_opts[0])

/* Indexes into tn_opts[] and the state arrays. */
enum { I_BINARY, I_ECHO, I_SGA, I_TTYPE, I_EOR, I_NAWS, I_TN3270E };

/* Escape sequences being swallowed in line mode. */
enum esc_state { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

struct tn_session {
	/* Fixed at creation. */
	struct tn_io io;
	void *ctx;
	telnet_t *tel;
	size_t max_line;
	size_t max_record;
	bool server_echo;
	bool offer_tn3270e;
	uint64_t ttype_deadline;
	char device_name[TN_DEVICE_NAME_MAX + 1];

	/* Settings. */
	int attention_char;
	bool password;		/* hide what is typed */
	bool echo_for_password;	/* password mode asked for our ECHO; drop it after */

	/* Negotiation and what it told us. */
	struct q_opt q[2][TN_NOPTS];
	enum tn_mode mode;
	char ttype[TN_TTYPE_MAX + 1];
	bool ttype_known;
	bool ttype_held;	/* an answer waits for the end of the TN3270E negotiation */
	unsigned ttype_asks;	/* TTYPE SENDs not answered yet */
	unsigned width, height;

	/* TN3270E (RFC 2355). */
	enum e_state e_state;
	bool tn3270e;		/* agreed: records carry the header */
	unsigned e_rounds;	/* device-type rejects and function rounds so far */
	const char *e_type;	/* the device type agreed (from e_types[]), from E_FUNCS on */
	uint16_t e_seq;		/* sequence number of our next record */

	/* Line assembly (line mode). */
	char *line;		/* max_line + 1 bytes */
	size_t line_len;
	bool line_cut;		/* more than max_line typed: the rest of the line is dropped */
	bool after_cr;		/* a CR ended the last line: a LF or NUL next belongs to it */
	enum esc_state esc;
	unsigned esc_len;

	/* Output state (line mode). */
	bool midline;
	bool ayt_answered;	/* in this tn_feed(): one answer per feed, however many AYTs */
	char prompt[TN_PROMPT_MAX];
	size_t prompt_len;	/* the prompt of the read in progress, to show again; 0: none */

	/* Record assembly (3270 mode), allocated by tn_start_3270() or WILL TN3270E. */
	char *rec;		/* max_record + TN_E_HEADER + 1 bytes */
	size_t rec_len;
	bool rec_cut;

	/* Lifetime. */
	unsigned depth;		/* tn_* calls in progress on this session (callbacks nest) */
	bool doomed;		/* tn_free() called inside a callback */
	bool closed;
};

/* ---- lifetime and callbacks ---- */

static void tn_destroy(struct tn_session *s)
{
	if (s->tel)
		telnet_free(s->tel);
	free(s->line);
	free(s->rec);
	free(s);
}

static void enter(struct tn_session *s)
{
	s->depth++;
}

/* Leave a tn_* call; the session may be gone afterwards. */
static void leave(struct tn_session *s)
{
	if (--s->depth == 0 && s->doomed)
		tn_destroy(s);
}

static void emit(struct tn_session *s, const struct tn_event *ev)
{
	if (!s->doomed && s->io.event)
		s->io.event(s->ctx, s, ev);
}

static void emit_simple(struct tn_session *s, enum tn_event_type type)
{
	struct tn_event ev = { .type = type };
	emit(s, &ev);
}

static void close_session(struct tn_session *s, enum tn_close_reason reason)
{
	if (s->closed)
		return;
	s->closed = true;
	s->line_len = 0;
	s->rec_len = 0;
	struct tn_event ev = { .type = TN_EV_CLOSED, .reason = reason };
	emit(s, &ev);
}

/* ---- output ---- */

static void out_raw(struct tn_session *s, const char *p, size_t n)
{
	if (!s->closed && n)
		telnet_send(s->tel, p, n);
}

static void out_crlf(struct tn_session *s)
{
	out_raw(s, "\r\n", 2);
}

static bool local_on(const struct tn_session *s, int i)
{
	return s->q[US][i].state == Q_YES;
}

/* Text in NVT form: a LF not after a CR becomes CR LF, a CR not before a LF becomes CR NUL. */
static void out_text(struct tn_session *s, const char *p, size_t n)
{
	if (local_on(s, I_BINARY)) {
		out_raw(s, p, n);
		return;
	}
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) {
			out_raw(s, p + start, i - start);
			out_crlf(s);
			start = i + 1;
		} else if (p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n')) {
			out_raw(s, p + start, i - start);
			out_raw(s, "\r\0", 2);
			start = i + 1;
		}
	}
	out_raw(s, p + start, n - start);
}

/* ---- option negotiation (RFC 1143) ---- */

static int opt_index(unsigned char opt)
{
	for (size_t i = 0; i < TN_NOPTS; i++)
		if (tn_opts[i] == opt)
			return (int)i;
	return -1;
}

static unsigned char cmd_yes(enum side side)
{
	return side == US ? TELNET_WILL : TELNET_DO;
}

static unsigned char cmd_no(enum side side)
{
	return side == US ? TELNET_WONT : TELNET_DONT;
}

static void send_neg(struct tn_session *s, unsigned char cmd, unsigned char opt)
{
	if (!s->closed)
		telnet_negotiate(s->tel, cmd, opt);
}

/* Whether we agree when the peer asks to turn an option on (DO for US, WILL for HIM). */
static bool accept_opt(const struct tn_session *s, enum side side, int i)
{
	switch (i) {
	case I_BINARY:
	case I_EOR:
		return true;
	case I_ECHO:
		/* We echo in character mode or hide a password; the client never echoes for us. */
		return side == US && (s->server_echo || s->password);
	case I_SGA:
		/* Suppressing our go-aheads puts BSD clients into character mode. */
		return side == HIM || s->server_echo;
	case I_TTYPE:
	case I_NAWS:
		return side == HIM;
	case I_TN3270E:
		/* Only before the terminal is routed: a line or TN3270 session stays one. */
		return side == HIM && s->offer_tn3270e && !s->ttype_known && s->mode == TN_MODE_LINE;
	}
	return false;
}

static void drop_partial_record(struct tn_session *s)
{
	s->rec_len = 0;
	s->rec_cut = false;
}

/* ---- TN3270E negotiation (RFC 2355) ---- */

static void q_ask_off(struct tn_session *s, enum side side, int i);

/* The client has said WILL TN3270E and the device type and functions are not agreed yet. */
static bool e_negotiating(const struct tn_session *s)
{
	return s->e_state != E_NONE && s->e_state != E_BOUND;
}

/* Stop negotiating TN3270E (unless it is agreed): DONT TN3270E, now or after the answer. */
static void e_give_up(struct tn_session *s)
{
	if (s->tn3270e)
		return;
	s->e_state = E_NONE;
	q_ask_off(s, HIM, I_TN3270E);
}

static void ttype_decided(struct tn_session *s)
{
	if (!s->tn3270e)
		e_give_up(s);	/* the terminal is routed without TN3270E */
	s->ttype_held = false;
	s->ttype_known = true;
	emit_simple(s, TN_EV_TTYPE);
}

/* An answer to TTYPE (ttype[] holds it; "" for a refusal): held while TN3270E is negotiated. */
static void ttype_answered(struct tn_session *s)
{
	if (e_negotiating(s))
		s->ttype_held = true;
	else
		ttype_decided(s);	/* gives up a TN3270E the client has not answered */
}

/* IAC SB TN3270E <bytes> IAC SE. */
static void e_send(struct tn_session *s, const unsigned char *p, size_t n)
{
	if (!s->closed)
		telnet_subnegotiation(s->tel, TN_OPT_TN3270E, (const char *)p, n);
}

/* Count a rejected or renegotiated round; false (and TN3270E given up) after too many. */
static bool e_round(struct tn_session *s)
{
	if (++s->e_rounds < TN_E_ROUNDS)
		return true;
	e_give_up(s);
	return false;
}

/* The client said WILL TN3270E and it is on: ask for the device type. */
static void e_start(struct tn_session *s)
{
	static const unsigned char send_devtype[] = { E_SEND, E_DEVICE_TYPE };
	if (!s->offer_tn3270e || s->ttype_known || s->mode != TN_MODE_LINE ||
	    (!s->rec && !(s->rec = malloc(s->max_record + TN_E_HEADER + 1)))) {
		e_give_up(s);
		return;
	}
	s->e_state = E_DEVTYPE;
	s->e_rounds = 0;
	e_send(s, send_devtype, sizeof send_devtype);
}

/* The client's TN3270E is off (refused, dropped, or our DONT answered). */
static void e_off(struct tn_session *s)
{
	bool was = s->tn3270e;
	s->e_state = E_NONE;
	s->tn3270e = false;
	if (was) {
		s->mode = TN_MODE_LINE;
		drop_partial_record(s);
		emit_simple(s, TN_EV_3270_OFF);
	} else if (s->ttype_held && !s->ttype_known) {
		ttype_decided(s);	/* fall back to the TTYPE and TN3270 way */
	}
}

/* Our name for a device type the client asked for (any case), or NULL if we have none. */
static const char *e_known_type(const unsigned char *p, size_t n)
{
	for (size_t k = 0; k < sizeof e_types / sizeof e_types[0]; k++)
		if (strlen(e_types[k]) == n && strncasecmp(e_types[k], (const char *)p, n) == 0)
			return e_types[k];
	return NULL;
}

/* DEVICE-TYPE REQUEST <type> [CONNECT <name> | ASSOCIATE <name>]: p, n after REQUEST. */
static void e_device_type(struct tn_session *s, const unsigned char *p, size_t n)
{
	size_t tlen = 0;
	while (tlen < n && p[tlen] != E_CONNECT && p[tlen] != E_ASSOCIATE)
		tlen++;
	const char *type = e_known_type(p, tlen);
	enum e_reason why = E_UNKNOWN_ERROR;
	bool ok = false;
	if (!type) {
		why = E_INV_DEVICE_TYPE;	/* printers (IBM-3287-1) too */
	} else if (tlen == n) {
		ok = true;
	} else if (p[tlen] == E_ASSOCIATE) {
		why = E_INV_ASSOCIATE;		/* only a printer associates, and it is a display */
	} else {
		size_t nlen = n - tlen - 1;
		ok = nlen == strlen(s->device_name) &&
		     strncasecmp(s->device_name, (const char *)p + tlen + 1, nlen) == 0;
		why = E_INV_NAME;
	}
	if (!ok) {
		const unsigned char reject[] = { E_DEVICE_TYPE, E_REJECT, E_REASON, why };
		e_send(s, reject, sizeof reject);
		e_round(s);
		return;
	}
	unsigned char is[2 + TN_TTYPE_MAX + 1 + TN_DEVICE_NAME_MAX];
	size_t k = 0, tl = strlen(type), dl = strlen(s->device_name);
	is[k++] = E_DEVICE_TYPE;
	is[k++] = E_IS;
	memcpy(is + k, type, tl);
	k += tl;
	is[k++] = E_CONNECT;
	memcpy(is + k, s->device_name, dl);
	k += dl;
	s->e_type = type;
	s->e_state = E_FUNCS;
	e_send(s, is, k);
}

/* A function list as a set; false if it names a function code we do not know. */
static bool e_function_set(const unsigned char *p, size_t n, unsigned *set)
{
	bool known = true;
	*set = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] <= E_SYSREQ)
			*set |= 1u << p[i];
		else
			known = false;
	}
	return known;
}

/* FUNCTIONS IS|REQUEST with the functions of set, in code order. */
static void e_send_functions(struct tn_session *s, unsigned char verb, unsigned set)
{
	unsigned char msg[2 + E_SYSREQ + 1];
	size_t k = 0;
	msg[k++] = E_FUNCTIONS;
	msg[k++] = verb;
	for (unsigned f = 0; f <= E_SYSREQ; f++)
		if (set & 1u << f)
			msg[k++] = (unsigned char)f;
	e_send(s, msg, k);
}

/* Device type and functions are agreed: 3270 mode, TN_EV_TTYPE, TN_EV_3270_ON. */
static void e_bind(struct tn_session *s)
{
	s->e_state = E_BOUND;
	s->tn3270e = true;
	s->mode = TN_MODE_3270;
	s->e_seq = 0;
	s->line_len = 0;
	s->line_cut = false;
	s->esc = ESC_NONE;
	s->after_cr = false;
	s->prompt_len = 0;
	drop_partial_record(s);
	snprintf(s->ttype, sizeof s->ttype, "%s", s->e_type);
	ttype_decided(s);
	if (!s->closed && s->tn3270e)
		emit_simple(s, TN_EV_3270_ON);
}

/* FUNCTIONS REQUEST <list> from the client (RFC 2355 section 7.2). */
static void e_functions_request(struct tn_session *s, const unsigned char *p, size_t n)
{
	unsigned want;
	bool known = e_function_set(p, n, &want);
	unsigned agree = want & E_SUPPORTED;
	if (known && agree == want) {
		e_send_functions(s, E_IS, agree);
		e_bind(s);
		return;
	}
	if (!e_round(s))
		return;
	e_send_functions(s, E_REQUEST, agree);
	s->e_state = E_FUNCS_IS;
}

/* FUNCTIONS IS <list>: the client's answer to our FUNCTIONS REQUEST. */
static void e_functions_is(struct tn_session *s, const unsigned char *p, size_t n)
{
	unsigned got;
	bool known = e_function_set(p, n, &got);
	if (known && (got & ~E_SUPPORTED) == 0) {
		e_bind(s);
		return;
	}
	/* Functions we never offered: ask once more for what we support. */
	if (e_round(s))
		e_send_functions(s, E_REQUEST, got & E_SUPPORTED);
}

/* A subnegotiation of option 40; what is not expected in the current state is ignored. */
static void on_e_subneg(struct tn_session *s, const unsigned char *p, size_t n)
{
	if (s->q[HIM][I_TN3270E].state != Q_YES || n < 2)
		return;
	if (p[0] == E_DEVICE_TYPE && p[1] == E_REQUEST && s->e_state == E_DEVTYPE)
		e_device_type(s, p + 2, n - 2);
	else if (p[0] == E_FUNCTIONS && p[1] == E_REQUEST &&
		 (s->e_state == E_FUNCS || s->e_state == E_FUNCS_IS))
		e_functions_request(s, p + 2, n - 2);
	else if (p[0] == E_FUNCTIONS && p[1] == E_IS && s->e_state == E_FUNCS_IS)
		e_functions_is(s, p + 2, n - 2);
}

/* After a negotiation: has the 3270 mode we asked for been reached or lost? */
static void check_3270(struct tn_session *s)
{
	if (s->mode == TN_MODE_LINE || s->tn3270e)
		return;		/* TN3270E implies BINARY and EOR: their negotiation changes nothing */
	bool all = true, lost = false;
	for (int side = US; side <= HIM; side++) {
		for (int k = 0; k < 2; k++) {
			unsigned char st = s->q[side][k == 0 ? I_BINARY : I_EOR].state;
			all = all && st == Q_YES;
			lost = lost || st == Q_NO;
		}
	}
	if (s->mode == TN_MODE_3270_PENDING && all) {
		s->mode = TN_MODE_3270;
		emit_simple(s, TN_EV_3270_ON);
	} else if (lost) {
		s->mode = TN_MODE_LINE;
		drop_partial_record(s);
		emit_simple(s, TN_EV_3270_OFF);
	}
}

/* An option has settled on or off (refused, dropped, or agreed). */
static void opt_settled(struct tn_session *s, enum side side, int i, bool on)
{
	if (side == HIM && i == I_TTYPE) {
		if (on) {
			telnet_ttype_send(s->tel);
			s->ttype_asks = 1;
		} else {
			s->ttype_asks = 0;
			if (!s->ttype_known && !s->ttype_held)
				ttype_answered(s);
		}
	}
	if (side == HIM && i == I_TN3270E) {
		if (on)
			e_start(s);
		else
			e_off(s);
	}
	if (i == I_BINARY || i == I_EOR)
		check_3270(s);
}

/* We want an option on (side US: we WILL; HIM: we ask the peer to). */
static void q_ask_on(struct tn_session *s, enum side side, int i)
{
	struct q_opt *q = &s->q[side][i];
	switch (q->state) {
	case Q_NO:
		q->state = Q_WANTYES;
		send_neg(s, cmd_yes(side), tn_opts[i]);
		break;
	case Q_WANTNO:
		q->opposite = true;
		break;
	case Q_WANTYES:
		q->opposite = false;
		break;
	}
}

static void q_ask_off(struct tn_session *s, enum side side, int i)
{
	struct q_opt *q = &s->q[side][i];
	switch (q->state) {
	case Q_YES:
		q->state = Q_WANTNO;
		send_neg(s, cmd_no(side), tn_opts[i]);
		break;
	case Q_WANTNO:
		q->opposite = false;
		break;
	case Q_WANTYES:
		q->opposite = true;
		break;
	}
}

/* The peer sent WILL (side HIM) or DO (side US). */
static void q_recv_on(struct tn_session *s, enum side side, unsigned char opt)
{
	int i = opt_index(opt);
	if (i < 0) {
		send_neg(s, cmd_no(side), opt);
		return;
	}
	struct q_opt *q = &s->q[side][i];
	switch (q->state) {
	case Q_NO:
		if (accept_opt(s, side, i)) {
			q->state = Q_YES;
			send_neg(s, cmd_yes(side), opt);
			opt_settled(s, side, i, true);
		} else {
			send_neg(s, cmd_no(side), opt);
		}
		break;
	case Q_YES:
		break;
	case Q_WANTNO:
		/* A WONT/DONT answered by WILL/DO: a broken peer; RFC 1143 says what to believe. */
		if (q->opposite) {
			q->state = Q_YES;
			q->opposite = false;
			opt_settled(s, side, i, true);
		} else {
			q->state = Q_NO;
			opt_settled(s, side, i, false);
		}
		break;
	case Q_WANTYES:
		if (q->opposite) {
			q->state = Q_WANTNO;
			q->opposite = false;
			send_neg(s, cmd_no(side), opt);
		} else {
			q->state = Q_YES;
			opt_settled(s, side, i, true);
		}
		break;
	}
}

/* The peer sent WONT (side HIM) or DONT (side US). */
static void q_recv_off(struct tn_session *s, enum side side, unsigned char opt)
{
	int i = opt_index(opt);
	if (i < 0)
		return;		/* never on: no answer (RFC 1143: none in state NO) */
	struct q_opt *q = &s->q[side][i];
	switch (q->state) {
	case Q_NO:
		break;
	case Q_YES:
		q->state = Q_NO;
		send_neg(s, cmd_no(side), opt);
		opt_settled(s, side, i, false);
		break;
	case Q_WANTNO:
		if (q->opposite) {
			q->state = Q_WANTYES;
			q->opposite = false;
			send_neg(s, cmd_yes(side), opt);
		} else {
			q->state = Q_NO;
			opt_settled(s, side, i, false);
		}
		break;
	case Q_WANTYES:
		/* Refused. */
		q->state = Q_NO;
		q->opposite = false;
		opt_settled(s, side, i, false);
		break;
	}
}

/* ---- line mode ---- */

/* Whether typed characters are echoed here: we said WILL ECHO and are not hiding a password. */
static bool echoing(const struct tn_session *s)
{
	return local_on(s, I_ECHO) && !s->password;
}

/* Show the prompt and the typed text again after output interrupted them. */
static void show_input(struct tn_session *s)
{
	if (s->prompt_len) {
		out_text(s, s->prompt, s->prompt_len);
		s->midline = true;
	}
	if (echoing(s) && s->line_len) {
		out_raw(s, s->line, s->line_len);
		s->midline = true;
	}
}

/* Bytes taken by the last character of a line: a whole UTF-8 sequence, else one byte. */
static size_t last_char_len(const char *p, size_t n)
{
	size_t k = 1;
	while (k <= 3 && k < n && ((unsigned char)p[n - k] & 0xC0) == 0x80)
		k++;
	unsigned char lead = (unsigned char)p[n - k];
	size_t want = lead >= 0xF0 && lead < 0xF8 ? 4 : lead >= 0xE0 && lead < 0xF0 ? 3
		    : lead >= 0xC0 && lead < 0xE0 ? 2 : 0;
	return want == k ? k : 1;
}

static void erase_char(struct tn_session *s)
{
	if (!s->line_len)
		return;
	s->line_len -= last_char_len(s->line, s->line_len);
	if (echoing(s))
		out_raw(s, "\b \b", 3);
}

/* The whole line goes, what was cut off too; erasing characters leaves a cut line cut. */
static void erase_line(struct tn_session *s)
{
	while (s->line_len)
		erase_char(s);
	s->line_cut = false;
}

static void reset_line(struct tn_session *s)
{
	s->line_len = 0;
	s->line_cut = false;
	s->esc = ESC_NONE;
}

static void attention(struct tn_session *s)
{
	if (s->mode == TN_MODE_LINE) {
		reset_line(s);
		s->after_cr = false;
		s->prompt_len = 0;
	}
	emit_simple(s, TN_EV_ATTENTION);
}

static void line_end(struct tn_session *s)
{
	/* The client thinks we echo: the line end is ours to show, password or not. */
	if (local_on(s, I_ECHO))
		out_crlf(s);
	s->midline = false;
	s->prompt_len = 0;
	struct tn_event ev = {
		.type = TN_EV_LINE, .data = s->line, .len = s->line_len, .truncated = s->line_cut,
	};
	s->line[s->line_len] = '\0';
	reset_line(s);		/* before the event: the handler's output shows no typed text */
	emit(s, &ev);
}

static void line_add(struct tn_session *s, unsigned char c)
{
	if (s->line_len >= s->max_line) {
		if (!s->line_cut && echoing(s))
			out_raw(s, "\a", 1);
		s->line_cut = true;
		return;
	}
	s->line[s->line_len++] = (char)c;
	if (echoing(s)) {
		out_raw(s, (const char *)&c, 1);
		s->midline = true;
	}
}

/* Inside an escape sequence: true if c belongs to it (and is dropped). */
static bool esc_swallow(struct tn_session *s, unsigned char c)
{
	switch (s->esc) {
	case ESC_START:
		if (c == '[') {
			s->esc = ESC_CSI;
			s->esc_len = 0;
			return true;
		}
		if (c == 'O') {
			s->esc = ESC_SS3;
			return true;
		}
		s->esc = ESC_NONE;	/* ESC x (Alt-x): keep x */
		return false;
	case ESC_SS3:
		s->esc = ESC_NONE;
		return c >= 0x40 && c <= 0x7E;
	case ESC_CSI:
		if (c >= 0x20 && c <= 0x3F && ++s->esc_len <= 16)
			return true;	/* parameter and intermediate bytes */
		s->esc = ESC_NONE;
		return c >= 0x40 && c <= 0x7E;	/* the final byte */
	case ESC_NONE:
		break;
	}
	return false;
}

static void line_byte(struct tn_session *s, unsigned char c)
{
	if (s->after_cr) {
		s->after_cr = false;
		if (c == '\n' || c == '\0')
			return;
	}
	if (s->esc != ESC_NONE && esc_swallow(s, c))
		return;
	if ((int)c == s->attention_char) {
		attention(s);
		return;
	}
	switch (c) {
	case '\r':
		s->after_cr = true;
		line_end(s);
		return;
	case '\n':
		line_end(s);
		return;
	case '\b':
	case 0x7F:
		erase_char(s);
		return;
	case 0x15:		/* ^U */
		erase_line(s);
		return;
	case 0x1B:
		s->esc = ESC_START;
		return;
	case '\t':
		c = ' ';
		break;
	default:
		if (c < 0x20)
			return;
		break;
	}
	line_add(s, c);
}

/* ---- 3270 records ---- */

static void record_byte(struct tn_session *s, unsigned char c)
{
	if (s->rec_len >= s->max_record + (s->tn3270e ? TN_E_HEADER : 0)) {
		s->rec_cut = true;
		return;
	}
	s->rec[s->rec_len++] = (char)c;
}

static void record_end(struct tn_session *s)
{
	struct tn_event ev = {
		.type = TN_EV_RECORD, .data = s->rec, .len = s->rec_len, .truncated = s->rec_cut,
	};
	s->rec[s->rec_len] = '\0';
	bool keep = true;
	if (s->tn3270e) {
		/* Only 3270-DATA means anything without functions; a short header is garbage. */
		keep = s->rec_len >= TN_E_HEADER && s->rec[0] == E_DT_3270_DATA;
		if (keep) {
			ev.data += TN_E_HEADER;
			ev.len -= TN_E_HEADER;
		}
	}
	drop_partial_record(s);
	if (keep)
		emit(s, &ev);
}

/* ---- input from libtelnet ---- */

static void on_data(struct tn_session *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n && !s->closed; i++) {
		if (s->mode == TN_MODE_LINE)
			line_byte(s, (unsigned char)p[i]);
		else
			record_byte(s, (unsigned char)p[i]);
	}
}

static void answer_ayt(struct tn_session *s)
{
	/* Not in 3270 mode: text would corrupt a record (and a 3270 client never asks). */
	if (s->mode != TN_MODE_LINE || s->ayt_answered)
		return;
	s->ayt_answered = true;
	if (s->midline)
		out_crlf(s);
	out_raw(s, "[Yes]\r\n", 7);
	s->midline = false;
	show_input(s);
}

static void on_command(struct tn_session *s, unsigned char cmd)
{
	switch (cmd) {
	case TELNET_IP:
	case TELNET_BREAK:
		attention(s);
		break;
	case TELNET_AYT:
		answer_ayt(s);
		break;
	case TELNET_EC:
		if (s->mode == TN_MODE_LINE)
			erase_char(s);
		break;
	case TELNET_EL:
		if (s->mode == TN_MODE_LINE)
			erase_line(s);
		break;
	case TELNET_EOR:
		if (s->mode != TN_MODE_LINE)
			record_end(s);
		break;
	default:
		break;		/* NOP, DM, GA, AO, and RFC 1184's ABORT, SUSP, EOF */
	}
}

static void on_ttype_is(struct tn_session *s, const char *p, size_t n)
{
	if (s->q[HIM][I_TTYPE].state != Q_YES || s->ttype_asks == 0)
		return;		/* RFC 1091: IS only answers our SEND */
	s->ttype_asks--;
	if (s->tn3270e)
		return;		/* the device type is the terminal type */
	if (n > TN_TTYPE_MAX)
		n = TN_TTYPE_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		s->ttype[i] = c > 0x20 && c < 0x7F ? (char)c : '?';
	}
	s->ttype[n] = '\0';
	ttype_answered(s);
}

static void on_subneg(struct tn_session *s, unsigned char opt, const char *p, size_t n)
{
	if (opt == TN_OPT_TTYPE && n >= 1 && p[0] == TELNET_TTYPE_IS) {
		on_ttype_is(s, p + 1, n - 1);
	} else if (opt == TN_OPT_TN3270E) {
		on_e_subneg(s, (const unsigned char *)p, n);
	} else if (opt == TN_OPT_NAWS && n == 4 && s->q[HIM][I_NAWS].state == Q_YES) {
		unsigned w = (unsigned char)p[0] << 8 | (unsigned char)p[1];
		unsigned h = (unsigned char)p[2] << 8 | (unsigned char)p[3];
		if (w != s->width || h != s->height) {
			s->width = w;
			s->height = h;
			struct tn_event ev = { .type = TN_EV_WINDOW, .width = w, .height = h };
			emit(s, &ev);
		}
	}
}

static void on_telnet(telnet_t *tel, telnet_event_t *ev, void *ud)
{
	struct tn_session *s = ud;
	(void)tel;
	if (s->closed)
		return;
	switch (ev->type) {
	case TELNET_EV_DATA:
		on_data(s, ev->data.buffer, ev->data.size);
		break;
	case TELNET_EV_SEND:
		s->io.send(s->ctx, ev->data.buffer, ev->data.size);
		break;
	case TELNET_EV_IAC:
		on_command(s, ev->iac.cmd);
		break;
	case TELNET_EV_WILL:
		q_recv_on(s, HIM, ev->neg.telopt);
		break;
	case TELNET_EV_WONT:
		q_recv_off(s, HIM, ev->neg.telopt);
		break;
	case TELNET_EV_DO:
		q_recv_on(s, US, ev->neg.telopt);
		break;
	case TELNET_EV_DONT:
		q_recv_off(s, US, ev->neg.telopt);
		break;
	case TELNET_EV_SUBNEGOTIATION:
		on_subneg(s, ev->sub.telopt, ev->sub.buffer, ev->sub.size);
		break;
	case TELNET_EV_COMPRESS:
		/*
		 * A client's SB COMPRESS2 makes libtelnet inflate all further input (it does
		 * not ask whether the option was negotiated); we never offer it, so this is an
		 * attack or garbage, and inflated input could cost a thousand times its size.
		 */
		if (ev->compress.state)
			close_session(s, TN_CLOSE_PROTOCOL);
		break;
	case TELNET_EV_ERROR:
		close_session(s, TN_CLOSE_PROTOCOL);
		break;
	default:
		break;		/* WARNING (libtelnet recovers), TTYPE (on_subneg), ZMP, ... */
	}
}

/* ---- the public calls ---- */

/* The device name from the configuration if it is one (in capitals), else the next default. */
static void e_device_name(char *out, const char *cfg)
{
	size_t n = cfg ? strlen(cfg) : 0;
	bool ok = n >= 1 && n <= TN_DEVICE_NAME_MAX;
	for (size_t i = 0; ok && i < n; i++) {
		unsigned char c = (unsigned char)cfg[i];
		ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		     c == '@' || c == '#' || c == '$';
	}
	if (ok) {
		for (size_t i = 0; i < n; i++)
			out[i] = (char)(cfg[i] >= 'a' && cfg[i] <= 'z' ? cfg[i] - 'a' + 'A' : cfg[i]);
		out[n] = '\0';
		return;
	}
	unsigned k = atomic_fetch_add(&e_name_counter, 1u) % 9999u + 1u;
	memcpy(out, "CAMB", 4);
	for (int i = 7; i >= 4; i--, k /= 10)
		out[i] = (char)('0' + k % 10);
	out[8] = '\0';
}

void tn_config_init(struct tn_config *c)
{
	*c = (struct tn_config){
		.max_line = TN_DEFAULT_MAX_LINE,
		.max_record = TN_DEFAULT_MAX_RECORD,
		.attention_char = 0x03,
		.server_echo = false,
		.ttype_wait_ms = TN_DEFAULT_TTYPE_WAIT,
	};
}

struct tn_session *tn_new(const struct tn_config *cfg, const struct tn_io *io, void *ctx,
			  uint64_t now_ms)
{
	struct tn_config dflt;
	assert(io && io->send);
	if (!cfg) {
		tn_config_init(&dflt);
		cfg = &dflt;
	}
	struct tn_session *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->io = *io;
	s->ctx = ctx;
	s->max_line = cfg->max_line ? cfg->max_line : TN_DEFAULT_MAX_LINE;
	s->max_record = cfg->max_record ? cfg->max_record : TN_DEFAULT_MAX_RECORD;
	s->server_echo = cfg->server_echo;
	s->offer_tn3270e = !cfg->no_tn3270e;
	e_device_name(s->device_name, cfg->device_name);
	s->attention_char = cfg->attention_char;
	unsigned wait = cfg->ttype_wait_ms ? cfg->ttype_wait_ms : TN_DEFAULT_TTYPE_WAIT;
	s->ttype_deadline = now_ms + wait;
	s->mode = TN_MODE_LINE;
	s->line = malloc(s->max_line + 1);
	s->tel = telnet_init(NULL, on_telnet, TELNET_FLAG_PROXY, s);
	if (!s->line || !s->tel) {
		tn_destroy(s);
		return NULL;
	}
	/* Only bytes go out here, no events: nobody holds s yet to free or close it. */
	if (s->offer_tn3270e)
		q_ask_on(s, HIM, I_TN3270E);
	q_ask_on(s, HIM, I_TTYPE);
	q_ask_on(s, HIM, I_NAWS);
	if (s->server_echo) {
		q_ask_on(s, US, I_ECHO);
		q_ask_on(s, US, I_SGA);
	}
	return s;
}

void tn_free(struct tn_session *s)
{
	if (!s)
		return;
	if (s->depth) {
		s->doomed = true;
		s->closed = true;
		return;
	}
	tn_destroy(s);
}

void tn_feed(struct tn_session *s, const void *bytes, size_t len)
{
	if (s->closed || !len)
		return;
	enter(s);
	s->ayt_answered = false;
	telnet_recv(s->tel, bytes, len);
	leave(s);
}

void tn_eof(struct tn_session *s)
{
	enter(s);
	close_session(s, TN_CLOSE_PEER);
	leave(s);
}

void tn_close(struct tn_session *s)
{
	enter(s);
	close_session(s, TN_CLOSE_LOCAL);
	leave(s);
}

uint64_t tn_deadline(const struct tn_session *s)
{
	return s->ttype_known || s->closed ? TN_NEVER : s->ttype_deadline;
}

void tn_tick(struct tn_session *s, uint64_t now_ms)
{
	if (s->closed || s->ttype_known || now_ms < s->ttype_deadline)
		return;
	enter(s);
	if (!s->ttype_held)
		s->ttype[0] = '\0';
	ttype_decided(s);	/* gives up an unfinished TN3270E */
	leave(s);
}

const char *tn_ttype(const struct tn_session *s)
{
	return s->ttype;
}

bool tn_ttype_known(const struct tn_session *s)
{
	return s->ttype_known;
}

bool tn_ttype_is_3270(const char *ttype)
{
	return ttype && strncasecmp(ttype, "IBM-", 4) == 0;
}

bool tn_ttype_request(struct tn_session *s)
{
	if (s->closed || s->tn3270e || s->q[HIM][I_TTYPE].state != Q_YES)
		return false;
	enter(s);
	telnet_ttype_send(s->tel);
	if (s->ttype_asks < TN_TTYPE_ASKS)
		s->ttype_asks++;
	leave(s);
	return true;
}

void tn_window(const struct tn_session *s, unsigned *width, unsigned *height)
{
	*width = s->width;
	*height = s->height;
}

enum tn_mode tn_mode(const struct tn_session *s)
{
	return s->mode;
}

bool tn_local_option(const struct tn_session *s, enum tn_option opt)
{
	int i = opt_index((unsigned char)opt);
	return i >= 0 && s->q[US][i].state == Q_YES;
}

bool tn_remote_option(const struct tn_session *s, enum tn_option opt)
{
	int i = opt_index((unsigned char)opt);
	return i >= 0 && s->q[HIM][i].state == Q_YES;
}

void tn_write_line(struct tn_session *s, const char *text, size_t len)
{
	if (s->closed || s->mode != TN_MODE_LINE)
		return;
	enter(s);
	if (s->midline)
		out_crlf(s);
	out_text(s, text, len);
	out_crlf(s);
	s->midline = false;
	show_input(s);
	leave(s);
}

void tn_prompt(struct tn_session *s, const char *text, size_t len)
{
	if (s->closed || s->mode != TN_MODE_LINE)
		return;
	enter(s);
	if (s->midline && s->line_len && echoing(s))
		out_crlf(s);	/* typed-ahead text is kept and shown after the prompt */
	out_text(s, text, len);
	if (len)
		s->midline = true;
	if (len <= TN_PROMPT_MAX) {
		memcpy(s->prompt, text, len);
		s->prompt_len = len;
	} else {
		s->prompt_len = 0;
	}
	if (echoing(s) && s->line_len) {
		out_raw(s, s->line, s->line_len);
		s->midline = true;
	}
	if (!local_on(s, I_SGA))
		telnet_iac(s->tel, TELNET_GA);
	leave(s);
}

void tn_set_password(struct tn_session *s, bool on)
{
	if (s->closed)
		return;
	enter(s);
	s->password = on;
	if (on) {
		unsigned char st = s->q[US][I_ECHO].state;
		bool held = s->server_echo && (st == Q_YES || st == Q_WANTYES);
		if (!s->echo_for_password && !held) {
			s->echo_for_password = true;
			q_ask_on(s, US, I_ECHO);
		}
	} else if (s->echo_for_password) {
		s->echo_for_password = false;
		q_ask_off(s, US, I_ECHO);
	}
	leave(s);
}

void tn_bell(struct tn_session *s)
{
	if (s->closed || s->mode != TN_MODE_LINE)
		return;
	enter(s);
	out_raw(s, "\a", 1);
	leave(s);
}

void tn_set_attention_char(struct tn_session *s, int c)
{
	s->attention_char = c;
}

bool tn_start_3270(struct tn_session *s)
{
	if (s->closed)
		return false;
	if (s->tn3270e)
		return true;
	if (s->mode != TN_MODE_LINE)
		return false;
	if (!s->rec && !(s->rec = malloc(s->max_record + TN_E_HEADER + 1)))
		return false;
	enter(s);
	e_give_up(s);		/* the server wants plain TN3270 */
	reset_line(s);
	s->after_cr = false;
	s->prompt_len = 0;
	drop_partial_record(s);
	s->mode = TN_MODE_3270_PENDING;
	q_ask_on(s, HIM, I_EOR);
	q_ask_on(s, US, I_EOR);
	q_ask_on(s, HIM, I_BINARY);
	q_ask_on(s, US, I_BINARY);
	check_3270(s);		/* the client may have offered all four already */
	leave(s);
	return true;
}

bool tn_send_record(struct tn_session *s, const void *data, size_t len)
{
	if (s->closed || s->mode != TN_MODE_3270)
		return false;
	enter(s);
	if (s->tn3270e) {
		const char header[TN_E_HEADER] = {
			E_DT_3270_DATA, 0, 0, (char)(s->e_seq >> 8), (char)(s->e_seq & 0xFF),
		};
		s->e_seq = (uint16_t)((s->e_seq + 1) & 0x7FFF);
		out_raw(s, header, sizeof header);
	}
	out_raw(s, data, len);
	if (!s->closed)
		telnet_iac(s->tel, TELNET_EOR);
	leave(s);
	return true;
}

bool tn_tn3270e(const struct tn_session *s)
{
	return s->tn3270e;
}

const char *tn_device_name(const struct tn_session *s)
{
	return s->tn3270e ? s->device_name : "";
}
