/*
 * oper.h - the operator console: the daemon's own terminal.
 *
 * Two modes, chosen by the daemon (cfg.panel = isatty(0) && isatty(1) && TERM is set):
 *   panel  An ncurses panel on the terminal: a status line (system, uptime, users, MIPS, SIO
 *          rate), the table of logged-on users, a message area (log lines and command responses;
 *          the last cfg.log_lines are kept, PgUp/PgDn scroll them) and a command line at the
 *          bottom edited by GNU readline, with history (the arrow keys recall commands). The
 *          screen is redrawn about once a second (tick_ms), after news, and on a resize; the
 *          terminal is restored by oper_free().
 *   plain  Commands are lines read from in_fd (no readline); log lines are written to out_fd
 *          as "HH:MM:SS text", command responses as they are. End of file on in_fd calls
 *          on_eof once, after every command read before it has been answered.
 * In both modes commands run one at a time, in the order typed: the next one goes to on_command
 * once oper_cmd_done() ended the one before.
 *
 *	struct oper_config cfg = {.panel = tty, .in_fd = 0, .out_fd = 1, .on_command = fn,
 *				  .snapshot = snap, .on_eof = eof, .ctx = cp};
 *	struct oper *o = oper_new(&cfg, err, sizeof err);
 *	... each loop turn, like ctl.h:
 *	size_t n = oper_pollfds(o, p, room); poll(...); oper_dispatch(o, p, n);
 *	oper_log(o, "USER1 LOGON AT 14:36:12");      any thread
 *	oper_free(o);
 *
 * Threads. oper_pollfds, oper_dispatch, oper_new and oper_free run on the loop thread, and the
 * callbacks are called there (on_command and snapshot without any lock held). oper_log,
 * oper_cmd_line and oper_cmd_done may be called from any thread; in plain mode they write to
 * out_fd at once (under a lock, so lines never mix), in panel mode they queue the line and wake
 * the loop through an eventfd. A cmd is valid until oper_cmd_done(), which frees it, also after
 * oper_free() (like ctl.h's reqs). Panel mode uses readline's and ncurses' global state, so a
 * process has at most one panel; oper_new() sets LC_CTYPE from the environment for it.
 *
 * Text is ISO 8859-1 (CP's), one line per call without a line end; control characters are shown
 * as blanks.
 */
#ifndef CONSOLE_OPER_H
#define CONSOLE_OPER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OPER_LINE_MAX		255u	/* bytes of one command line, as CP's */
#define OPER_POLLFDS_MAX	3u	/* in_fd, the eventfd, the timerfd */
#define OPER_LOG_LINES		1000u	/* message lines kept by default */
#define OPER_TICK_MS		1000u	/* panel refresh by default */

struct oper;
struct oper_cmd;

/* One logged-on user, as the panel shows it. Strings are NUL-terminated and cut to fit. */
struct oper_user {
	char userid[9];
	char state[12];		/* "RUNNING", "CP READ", "VM READ", "DISC", "IDLE", ... */
	char term_kind[8];	/* "line", "3270"; "" when disconnected */
	char term_addr[48];	/* the terminal's address ("127.0.0.1:40112", a line number) */
	double cpu_seconds;
	uint64_t io_count;	/* SIOs and their kind so far */
};

/* What the panel shows; filled by the snapshot callback. */
struct oper_snapshot {
	char sysname[9];	/* the system's name */
	char address[64];	/* where it listens for terminals */
	uint64_t uptime_s;
	unsigned logged_on;	/* users logged on (may be more than nuser) */
	double mips;		/* instructions per second over the last interval, millions */
	double sio_rate;	/* SIOs per second over the last interval */
	/* The owner fills user[0 .. nuser) with nuser <= user_max. Setting nuser > user_max says
	 * how many there are: the next snapshot gets that much room. */
	struct oper_user *user;
	size_t nuser, user_max;
};

struct oper_config {
	bool panel;		/* ncurses panel on the terminal; false: plain lines */
	int in_fd;		/* commands (the terminal in panel mode); the daemon passes 0 */
	int out_fd;		/* output (the terminal in panel mode); the daemon passes 1 */
	/* The operator entered a command: answer with oper_cmd_line()/oper_cmd_done(). */
	void (*on_command)(void *ctx, struct oper_cmd *cmd, const char *line);
	/* Fill s for the panel (panel mode only, about once a tick). NULL: an empty panel. */
	void (*snapshot)(void *ctx, struct oper_snapshot *s);
	/* End of file on in_fd (plain mode), or the terminal hung up (panel). Once. NULL: ignored. */
	void (*on_eof)(void *ctx);
	void *ctx;
	size_t log_lines;	/* 0: OPER_LOG_LINES */
	unsigned tick_ms;	/* 0: OPER_TICK_MS */
};

/* Start the console. NULL with a message in err on failure (no terminal for the panel, ...). */
struct oper *oper_new(const struct oper_config *cfg, char *err, size_t errlen);
/* Like ctl_pollfds: p[0 .. n) filled if n <= max (n is at most OPER_POLLFDS_MAX). */
size_t oper_pollfds(struct oper *o, struct pollfd *p, size_t max);
/* Handle what is ready in p[0 .. n), as filled by the last oper_pollfds(). */
void oper_dispatch(struct oper *o, const struct pollfd *p, size_t n);
/* A message for the operator (logons, logoffs, errors). Any thread. */
void oper_log(struct oper *o, const char *text);
/* Restore the terminal, free everything. NULL allowed. */
void oper_free(struct oper *o);

/* One response line to cmd. Any thread, until oper_cmd_done(). */
void oper_cmd_line(struct oper_cmd *cmd, const char *text);
/* The end of cmd's response; frees cmd and lets the next command run. Any thread, once. */
void oper_cmd_done(struct oper_cmd *cmd);

/*
 * The panel without the command line, as text: height rows of exactly width characters (blank
 * padded) at rows[r * (width + 1)], each NUL-terminated, so rows needs height * (width + 1)
 * bytes. Row 0 is the status line, then the users table (a header and a row per user; when not
 * all fit, the last row says how many more), a separator, and the message area showing msg[0 ..
 * nmsg) (oldest first) scrolled back by scroll lines from the newest (clamped). Returns the
 * number of rows of the message area, the step of a page for PgUp/PgDn. Pure: no terminal.
 */
size_t oper_render(const struct oper_snapshot *s, const char *const *msg, size_t nmsg,
		   size_t scroll, unsigned width, unsigned height, char *rows);

#endif
