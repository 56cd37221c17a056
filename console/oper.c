/*
 * oper.c - the operator console (see oper.h): plain lines, or an ncurses panel with a readline
 * command line.
 *
 * Threads and locks. o->lock guards what other threads touch: the message ring, the busy flag of
 * the command running, out_fd in plain mode (so lines never mix) and o->freed. Everything else,
 * the terminal included, is the loop thread's. In panel mode other threads only queue lines and
 * write the eventfd; the loop redraws.
 *
 * Readline in panel mode. readline keeps global state, so its hooks reach the one panel through
 * `panel`. Its terminal handling is switched off (ncurses owns the terminal): characters read by
 * wgetch() are handed to rl_callback_read_char() one at a time through rl_getc_function, and
 * rl_redisplay_function draws the line into the bottom window. Without keypad mode, the arrow keys
 * and PgUp/PgDn arrive as escape sequences, which readline's keymap decodes (history, and our
 * bindings for scrolling the messages).
 */
#include "console/oper.h"

#define NCURSES_WIDECHAR 1

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <readline/history.h>
#include <readline/readline.h>

#define PENDING_MAX	256	/* command lines waiting; more stay in the pipe */
#define PROMPT		"CP> "

struct pending {
	char *line;
	struct pending *next;
};

struct oper_cmd {
	struct oper *o;
};

struct oper {
	/* Set at creation: */
	struct oper_config cfg;
	int efd, tfd;
	/* Loop thread only: */
	char in[OPER_LINE_MAX + 2];	/* plain mode: the line being read */
	size_t ilen;
	bool discarding;		/* in a line too long */
	bool in_closed;			/* end of file (or hang-up) on in_fd */
	bool eof_reported;
	struct pending *phead, *ptail;
	size_t npending;
	struct oper_snapshot snap;
	size_t scroll;			/* message lines scrolled back */
	size_t page;			/* message rows on the screen */
	SCREEN *scr;
	FILE *tin, *tout, *rlnull;
	WINDOW *top, *cmdwin;
	char *rows;			/* the rendered panel */
	unsigned width, height;
	/* Under lock: */
	pthread_mutex_t lock;
	char **ring;			/* messages, ring[(first + i) % cap] */
	size_t cap, first, count;
	bool dirty;			/* the panel needs drawing */
	bool busy;			/* a command is running */
	bool freed;
};

static struct oper *panel;	/* the panel readline's hooks draw on */
static int rl_char;		/* the character fed to readline */
static bool rl_char_ready;

/* ---- Text ---- */

static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;	/* nowhere to say it: drop */
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Under lock: one message line into the ring (the oldest goes when it is full). */
static void ring_add(struct oper *o, const char *text)
{
	char *s = strdup(text);
	if (!s)
		return;
	sanitize(s);
	if (o->count == o->cap) {
		free(o->ring[o->first]);
		o->ring[o->first] = s;
		o->first = (o->first + 1) % o->cap;
	} else {
		o->ring[(o->first + o->count++) % o->cap] = s;
	}
	if (o->scroll)	/* keep the view still while the operator reads back */
		o->scroll++;
	o->dirty = true;
}

static void wake(struct oper *o)
{
	uint64_t one = 1;
	ssize_t r = write(o->efd, &one, sizeof one);
	(void)r;
}

/* Under lock: a line for the operator: out_fd (plain) or the message area (panel). */
static void emit(struct oper *o, const char *text, bool stamp)
{
	char buf[OPER_LINE_MAX * 4 + 16];
	size_t n = 0;
	if (stamp) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		n = strftime(buf, sizeof buf, "%H:%M:%S ", &tm);
	}
	snprintf(buf + n, sizeof buf - n, "%s", text);
	if (o->cfg.panel) {
		ring_add(o, buf);
		wake(o);
		return;
	}
	sanitize(buf);
	size_t len = strlen(buf);
	buf[len++] = '\n';
	write_all(o->cfg.out_fd, buf, len);
}

void oper_log(struct oper *o, const char *text)
{
	pthread_mutex_lock(&o->lock);
	emit(o, text, true);
	pthread_mutex_unlock(&o->lock);
}

/* ---- Commands ---- */

static void oper_destroy(struct oper *o);

void oper_cmd_line(struct oper_cmd *cmd, const char *text)
{
	struct oper *o = cmd->o;
	pthread_mutex_lock(&o->lock);
	if (!o->freed)
		emit(o, text, false);
	pthread_mutex_unlock(&o->lock);
}

void oper_cmd_done(struct oper_cmd *cmd)
{
	struct oper *o = cmd->o;
	free(cmd);
	pthread_mutex_lock(&o->lock);
	o->busy = false;
	bool gone = o->freed;	/* oper_free() saw this command running: the rest is ours */
	if (!gone)
		wake(o);
	pthread_mutex_unlock(&o->lock);
	if (gone)
		oper_destroy(o);
}

/* Queue a command line typed or read; an error line instead for a bad one. */
static void enqueue(struct oper *o, const char *line, size_t len)
{
	if (len == 0)
		return;
	if (len > OPER_LINE_MAX) {
		pthread_mutex_lock(&o->lock);
		emit(o, "OPER001E command line longer than 255 characters", false);
		pthread_mutex_unlock(&o->lock);
		return;
	}
	struct pending *p = malloc(sizeof *p);
	char *s = malloc(len + 1);
	if (!p || !s) {
		free(p);
		free(s);
		return;
	}
	memcpy(s, line, len);
	s[len] = '\0';
	for (char *c = s; *c; c++) {
		if (*c == '\t') {
			*c = ' ';
		} else if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			free(p);
			free(s);
			pthread_mutex_lock(&o->lock);
			emit(o, "OPER002E control characters in the command line", false);
			pthread_mutex_unlock(&o->lock);
			return;
		}
	}
	p->line = s;
	p->next = NULL;
	if (o->ptail)
		o->ptail->next = p;
	else
		o->phead = p;
	o->ptail = p;
	o->npending++;
}

/* Run the waiting commands, one at a time; report the end of input when all are done. */
static void run_pending(struct oper *o)
{
	for (;;) {
		pthread_mutex_lock(&o->lock);
		bool busy = o->busy;
		if (!busy && o->phead)
			o->busy = true;
		pthread_mutex_unlock(&o->lock);
		if (busy)
			return;
		struct pending *p = o->phead;
		if (!p)
			break;
		o->phead = p->next;
		if (!o->phead)
			o->ptail = NULL;
		o->npending--;
		struct oper_cmd *cmd = malloc(sizeof *cmd);
		if (!cmd) {
			pthread_mutex_lock(&o->lock);
			o->busy = false;
			emit(o, "OPER003E out of memory", false);
			pthread_mutex_unlock(&o->lock);
		} else {
			cmd->o = o;
			if (o->cfg.panel) {
				char echo[OPER_LINE_MAX + 8];
				snprintf(echo, sizeof echo, "%s%s", PROMPT, p->line);
				pthread_mutex_lock(&o->lock);
				emit(o, echo, false);
				pthread_mutex_unlock(&o->lock);
			}
			o->cfg.on_command(o->cfg.ctx, cmd, p->line);
		}
		free(p->line);
		free(p);
	}
	if (o->in_closed && !o->eof_reported) {
		o->eof_reported = true;
		if (o->cfg.on_eof)
			o->cfg.on_eof(o->cfg.ctx);
	}
}

/* ---- Plain mode ---- */

static void plain_read(struct oper *o)
{
	char buf[4096];
	ssize_t n = read(o->cfg.in_fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		o->in_closed = true;
		if (o->ilen > 0 || o->discarding)
			enqueue(o, o->in, o->discarding ? OPER_LINE_MAX + 1 : o->ilen);
		o->ilen = 0;
		o->discarding = false;
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		char ch = buf[i];
		if (ch == '\n') {
			size_t len = o->ilen;
			if (len > 0 && o->in[len - 1] == '\r')
				len--;
			enqueue(o, o->in, o->discarding ? OPER_LINE_MAX + 1 : len);
			o->ilen = 0;
			o->discarding = false;
		} else if (o->ilen < sizeof o->in) {
			o->in[o->ilen++] = ch;
		} else {
			o->discarding = true;
		}
	}
}

/* ---- Rendering ---- */

/* Row r of the panel: printf-style text, cut or padded to width. */
static void put(char *rows, unsigned width, unsigned r, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1;
	char *row = rows + (size_t)r * (width + 1);
	for (unsigned i = 0; i < width; i++) {
		unsigned char ch = i < len ? (unsigned char)tmp[i] : ' ';
		row[i] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	row[width] = '\0';
}

/* A message line: its text may be longer than put()'s buffer. */
static void put_text(char *rows, unsigned width, unsigned r, const char *text)
{
	char *row = rows + (size_t)r * (width + 1);
	size_t len = strlen(text);
	for (unsigned i = 0; i < width; i++) {
		unsigned char ch = i < len ? (unsigned char)text[i] : ' ';
		row[i] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	row[width] = '\0';
}

size_t oper_render(const struct oper_snapshot *s, const char *const *msg, size_t nmsg,
		   size_t scroll, unsigned width, unsigned height, char *rows)
{
	if (height == 0)
		return 0;
	unsigned long long up = s->uptime_s;
	char upt[40];
	if (up >= 86400)
		snprintf(upt, sizeof upt, "%llud %02llu:%02llu:%02llu", up / 86400, up / 3600 % 24,
			 up / 60 % 60, up % 60);
	else
		snprintf(upt, sizeof upt, "%02llu:%02llu:%02llu", up / 3600, up / 60 % 60, up % 60);
	put(rows, width, 0, "%.8s %.63s  UP %s  USERS %u  MIPS %.1f  SIO/S %.0f",
	    s->sysname[0] ? s->sysname : "CAMBRIDGE", s->address, upt, s->logged_on, s->mips,
	    s->sio_rate);
	unsigned r = 1, left = height - 1;
	size_t nuser = s->nuser < s->user_max ? s->nuser : s->user_max;
	if (!s->user)
		nuser = 0;
	if (left >= 3) {
		unsigned avail = left - 2;		/* without the header and the separator */
		unsigned urows = avail - avail / 2;	/* users get at most half, rounded up */
		if (nuser < urows)
			urows = (unsigned)nuser;
		put(rows, width, r++, "%-8s %-8s %-4s %-22s %10s %10s", "USERID", "STATE", "TERM",
		    "ADDRESS", "CPU SEC", "I/O");
		size_t total = s->logged_on > nuser ? s->logged_on : nuser;
		for (unsigned i = 0; i < urows; i++) {
			const struct oper_user *u = &s->user[i];
			if (i == urows - 1 && total > urows) {
				put(rows, width, r++, "... %zu more", total - i);
				break;
			}
			put(rows, width, r++, "%-8.8s %-8.11s %-4.7s %-22.47s %10.2f %10llu",
			    u->userid, u->state, u->term_kind, u->term_addr, u->cpu_seconds,
			    (unsigned long long)u->io_count);
		}
		left = height - r - 1;
		size_t mrows = left;
		size_t maxscroll = nmsg > mrows ? nmsg - mrows : 0;
		if (scroll > maxscroll)
			scroll = maxscroll;
		if (scroll)
			put(rows, width, r++, "-- MESSAGES (%zu back, %zu in all) %s", scroll, nmsg,
			    "------------------------------------------------------------------"
			    "------------------------------------------------------------------"
			    "------------------------------------------------------------------");
		else
			put(rows, width, r++, "-- MESSAGES %s",
			    "------------------------------------------------------------------"
			    "------------------------------------------------------------------"
			    "------------------------------------------------------------------");
	}
	size_t mrows = height - r;
	size_t maxscroll = nmsg > mrows ? nmsg - mrows : 0;
	if (scroll > maxscroll)
		scroll = maxscroll;
	size_t end = nmsg - scroll;
	size_t start = end > mrows ? end - mrows : 0;
	for (size_t i = start; i < end; i++)
		put_text(rows, width, r++, msg[i]);
	while (r < height)
		put(rows, width, r++, "%s", "");
	return mrows;
}

/* ---- Panel mode ---- */

static void panel_layout(struct oper *o)
{
	unsigned w = COLS > 0 ? (unsigned)COLS : 1, h = LINES > 1 ? (unsigned)LINES : 2;
	if (o->top)
		delwin(o->top);
	if (o->cmdwin)
		delwin(o->cmdwin);
	o->top = newwin((int)h - 1, (int)w, 0, 0);
	o->cmdwin = newwin(1, (int)w, (int)h - 1, 0);
	if (o->cmdwin)
		nodelay(o->cmdwin, TRUE);
	char *rows = realloc(o->rows, (size_t)(h - 1) * (w + 1));
	if (rows) {
		o->rows = rows;
		o->width = w;
		o->height = h - 1;
	}
	clearok(curscr, TRUE);
	o->dirty = true;
}

/* Draw the command line: prompt, readline's buffer, the cursor at rl_point. */
static void panel_redisplay(void)
{
	struct oper *o = panel;
	if (!o || !o->cmdwin)
		return;
	const char *prompt = rl_display_prompt ? rl_display_prompt : "";
	int w = getmaxx(o->cmdwin);
	int plen = (int)strlen(prompt);
	/* Columns before the cursor: characters, in the locale's encoding. */
	int before = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	for (int i = 0; i < rl_point;) {
		size_t k = mbrlen(rl_line_buffer + i, (size_t)(rl_point - i), &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			k = 1;
			memset(&st, 0, sizeof st);
		}
		i += (int)k;
		before++;
	}
	/* Scroll the line sideways to keep the cursor in view. */
	int skip = 0, room = w - plen - 1;
	if (room < 1)
		room = 1;
	if (before > room)
		skip = before - room;
	const char *p = rl_line_buffer;
	memset(&st, 0, sizeof st);
	for (int i = 0; i < skip && *p; i++) {
		size_t k = mbrlen(p, strlen(p), &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			k = 1;
			memset(&st, 0, sizeof st);
		}
		p += k;
	}
	werase(o->cmdwin);
	mvwaddnstr(o->cmdwin, 0, 0, prompt, w);
	if (plen < w)
		waddnstr(o->cmdwin, p, -1);
	int x = plen + before - skip;
	wmove(o->cmdwin, 0, x < w ? x : w - 1);
	wnoutrefresh(o->cmdwin);
	doupdate();
}

static int panel_getc(FILE *f)
{
	(void)f;
	rl_char_ready = false;
	return rl_char;
}

static int panel_input_available(void)
{
	return rl_char_ready;
}

static void panel_prep_term(int meta)
{
	(void)meta;
}

static void panel_deprep_term(void)
{
}

static void panel_got_line(char *line)
{
	struct oper *o = panel;
	if (!line)
		return;	/* Ctrl-D on an empty line: the operator cannot end the console */
	if (*line) {
		add_history(line);
		if (o)
			enqueue(o, line, strlen(line));
	}
	free(line);
	if (o) {
		pthread_mutex_lock(&o->lock);
		o->scroll = 0;
		o->dirty = true;
		pthread_mutex_unlock(&o->lock);
	}
}

static int panel_page(int count, int key, bool up)
{
	(void)count, (void)key;
	struct oper *o = panel;
	if (!o)
		return 0;
	size_t step = o->page > 1 ? o->page - 1 : 1;
	pthread_mutex_lock(&o->lock);
	size_t maxscroll = o->count > o->page ? o->count - o->page : 0;
	if (up)
		o->scroll = o->scroll + step < maxscroll ? o->scroll + step : maxscroll;
	else
		o->scroll = o->scroll > step ? o->scroll - step : 0;
	o->dirty = true;
	pthread_mutex_unlock(&o->lock);
	return 0;
}

static int panel_page_up(int count, int key)
{
	return panel_page(count, key, true);
}

static int panel_page_down(int count, int key)
{
	return panel_page(count, key, false);
}

static int panel_refresh(int count, int key)
{
	(void)count, (void)key;
	if (panel) {
		clearok(curscr, TRUE);
		panel->dirty = true;
	}
	return 0;
}

static void panel_snapshot(struct oper *o)
{
	struct oper_snapshot *s = &o->snap;
	if (!o->cfg.snapshot)
		return;
	s->nuser = 0;
	o->cfg.snapshot(o->cfg.ctx, s);
	if (s->nuser > s->user_max && s->nuser < 100000) {
		struct oper_user *u = realloc(s->user, s->nuser * sizeof *u);
		if (u) {
			s->user = u;
			s->user_max = s->nuser;
		}
		s->nuser = s->user_max;	/* shown next time */
	}
	o->dirty = true;
}

/* Draw the top window from the snapshot and the messages, if anything changed. */
static void panel_draw(struct oper *o)
{
	if (!o->top || !o->rows)
		return;
	pthread_mutex_lock(&o->lock);
	bool dirty = o->dirty;
	o->dirty = false;
	if (dirty) {
		const char **msg = malloc((o->count ? o->count : 1) * sizeof *msg);
		if (msg) {
			for (size_t i = 0; i < o->count; i++)
				msg[i] = o->ring[(o->first + i) % o->cap];
			o->page = oper_render(&o->snap, msg, o->count, o->scroll, o->width,
					      o->height, o->rows);
			size_t maxscroll = o->count > o->page ? o->count - o->page : 0;
			if (o->scroll > maxscroll)
				o->scroll = maxscroll;
			free(msg);
		}
	}
	pthread_mutex_unlock(&o->lock);
	if (!dirty)
		return;
	wchar_t wrow[1024];
	unsigned sep = o->height > (unsigned)o->page ? o->height - (unsigned)o->page - 1 : 0;
	for (unsigned r = 0; r < o->height; r++) {
		const unsigned char *row = (const unsigned char *)o->rows + (size_t)r * (o->width + 1);
		unsigned n = o->width < 1023 ? o->width : 1023;
		for (unsigned i = 0; i < n; i++)
			wrow[i] = row[i];	/* ISO 8859-1 is Unicode's first 256 */
		wrow[n] = 0;
		bool table = o->height >= 4;	/* oper_render() lays out the table */
		attr_t a = A_NORMAL;
		if (r == 0 || (table && r == sep))
			a = A_REVERSE;
		else if (table && r == 1)
			a = A_BOLD;
		wattrset(o->top, a);
		mvwaddnwstr(o->top, (int)r, 0, wrow, (int)n);
	}
	wattrset(o->top, A_NORMAL);
	wnoutrefresh(o->top);
	rl_forced_update_display();	/* the command line, with the cursor, and doupdate() */
}

static void panel_input(struct oper *o)
{
	int ch;
	while (o->cmdwin && (ch = wgetch(o->cmdwin)) != ERR) {
		if (ch == KEY_RESIZE) {
			panel_layout(o);
			continue;
		}
		if (ch > 0xff)
			continue;	/* a function key decoded by curses: not for readline */
		rl_char = ch;
		rl_char_ready = true;
		rl_callback_read_char();
	}
}

static bool panel_start(struct oper *o, char *err, size_t errlen)
{
	setlocale(LC_CTYPE, "");
	int ifd = dup(o->cfg.in_fd), ofd = dup(o->cfg.out_fd);
	o->tin = ifd >= 0 ? fdopen(ifd, "r") : NULL;
	o->tout = ofd >= 0 ? fdopen(ofd, "w") : NULL;
	o->rlnull = fopen("/dev/null", "w");
	if (!o->tin || !o->tout || !o->rlnull) {
		snprintf(err, errlen, "the terminal: %s", strerror(errno));
		if (!o->tin && ifd >= 0)
			close(ifd);
		if (!o->tout && ofd >= 0)
			close(ofd);
		return false;
	}
	o->scr = newterm(NULL, o->tout, o->tin);
	if (!o->scr) {
		const char *t = getenv("TERM");
		snprintf(err, errlen, "cannot use the terminal (TERM=%s)", t ? t : "");
		return false;
	}
	set_term(o->scr);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	panel_layout(o);
	if (!o->top || !o->cmdwin || !o->rows) {
		snprintf(err, errlen, "the terminal: %s", strerror(ENOMEM));
		return false;
	}

	panel = o;
	rl_readline_name = "cambridge";
	rl_instream = o->tin;
	rl_outstream = o->rlnull;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = panel_prep_term;
	rl_deprep_term_function = panel_deprep_term;
	rl_getc_function = panel_getc;
	rl_input_available_hook = panel_input_available;
	rl_redisplay_function = panel_redisplay;
	rl_inhibit_completion = 1;
	using_history();
	rl_bind_keyseq("\\e[5~", panel_page_up);
	rl_bind_keyseq("\\e[6~", panel_page_down);
	rl_bind_key('\f', panel_refresh);
	rl_callback_handler_install(PROMPT, panel_got_line);
	return true;
}

static void panel_stop(struct oper *o)
{
	if (panel == o) {
		rl_callback_handler_remove();
		panel = NULL;
	}
	if (o->scr) {
		if (o->top)
			delwin(o->top);
		if (o->cmdwin)
			delwin(o->cmdwin);
		endwin();
		delscreen(o->scr);
	}
	if (o->tin)
		fclose(o->tin);
	if (o->tout)
		fclose(o->tout);
	if (o->rlnull)
		fclose(o->rlnull);
	free(o->rows);
}

/* ---- The console ---- */

struct oper *oper_new(const struct oper_config *cfg, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	if (cfg->panel && panel) {
		snprintf(err, errlen, "the operator's panel is already open");
		return NULL;
	}
	struct oper *o = calloc(1, sizeof *o);
	if (!o) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	o->cfg = *cfg;
	if (!o->cfg.log_lines)
		o->cfg.log_lines = OPER_LOG_LINES;
	if (!o->cfg.tick_ms)
		o->cfg.tick_ms = OPER_TICK_MS;
	o->cap = o->cfg.log_lines;
	o->ring = calloc(o->cap, sizeof *o->ring);
	o->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	o->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (!o->ring || o->efd < 0 || o->tfd < 0 || pthread_mutex_init(&o->lock, NULL) != 0) {
		snprintf(err, errlen, "%s", strerror(o->ring ? errno : ENOMEM));
		if (o->efd >= 0)
			close(o->efd);
		if (o->tfd >= 0)
			close(o->tfd);
		free(o->ring);
		free(o);
		return NULL;
	}
	if (cfg->panel) {
		struct timespec t = {(time_t)(o->cfg.tick_ms / 1000u),
				     (long)(o->cfg.tick_ms % 1000u) * 1000000L};
		struct itimerspec its = {t, t};
		if (timerfd_settime(o->tfd, 0, &its, NULL) != 0 || !panel_start(o, err, errlen)) {
			if (!err[0])
				snprintf(err, errlen, "%s", strerror(errno));
			panel_stop(o);
			close(o->efd);
			close(o->tfd);
			oper_destroy(o);
			return NULL;
		}
		panel_snapshot(o);
		panel_draw(o);
	}
	return o;
}

size_t oper_pollfds(struct oper *o, struct pollfd *p, size_t max)
{
	if (max < OPER_POLLFDS_MAX)
		return OPER_POLLFDS_MAX;
	bool want = !o->in_closed && (o->cfg.panel || o->npending < PENDING_MAX);
	/* A negative fd is ignored by poll(): stdin closed or enough lines waiting. */
	p[0] = (struct pollfd){.fd = want ? o->cfg.in_fd : -1, .events = POLLIN};
	p[1] = (struct pollfd){.fd = o->efd, .events = POLLIN};
	p[2] = (struct pollfd){.fd = o->tfd, .events = POLLIN};
	return OPER_POLLFDS_MAX;
}

void oper_dispatch(struct oper *o, const struct pollfd *p, size_t n)
{
	if (n >= 2 && p[1].fd == o->efd && (p[1].revents & POLLIN)) {
		uint64_t v;
		ssize_t r = read(o->efd, &v, sizeof v);
		(void)r;
	}
	bool tick = false;
	if (n >= 3 && p[2].fd == o->tfd && (p[2].revents & POLLIN)) {
		uint64_t v;
		ssize_t r = read(o->tfd, &v, sizeof v);
		(void)r;
		tick = true;
	}
	if (n >= 1 && p[0].fd == o->cfg.in_fd && p[0].fd >= 0 && p[0].revents) {
		if (!o->cfg.panel)
			plain_read(o);
		else if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			o->in_closed = true;	/* the terminal hung up */
		else
			panel_input(o);
		if (p[0].revents & POLLNVAL)
			o->in_closed = true;
	}
	run_pending(o);
	if (o->cfg.panel) {
		if (tick) {
			panel_input(o);	/* a resize shows as KEY_RESIZE */
			panel_snapshot(o);
		}
		panel_draw(o);
	}
}

/* Free o's remains: after oper_free(), once no command is running. */
static void oper_destroy(struct oper *o)
{
	for (size_t i = 0; i < o->count; i++)
		free(o->ring[(o->first + i) % o->cap]);
	free(o->ring);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

void oper_free(struct oper *o)
{
	if (!o)
		return;
	if (o->cfg.panel)
		panel_stop(o);
	while (o->phead) {
		struct pending *p = o->phead;
		o->phead = p->next;
		free(p->line);
		free(p);
	}
	free(o->snap.user);
	close(o->tfd);
	pthread_mutex_lock(&o->lock);
	o->freed = true;
	close(o->efd);
	bool last = !o->busy;	/* else oper_cmd_done() finishes the job */
	pthread_mutex_unlock(&o->lock);
	if (last)
		oper_destroy(o);
}
