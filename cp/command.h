/*
 * command.h - the CP command language: tokenizing a command line, looking the command up in the
 * table (cp/commands.def), checking the user's privilege classes, and running its handler.
 *
 *	struct cp_cmd_ctx ctx = {.t = t, .user = u, .classes = u->classes, .logon_time = when,
 *				 .ops = &session_ops, .sess = s};
 *	if (cp_cmd_execute(&ctx, line) != CP_CMD_CLOSED)
 *		term_read(t, TERM_READ_CP, "", 0);
 *
 * cp_cmd_execute() is what a terminal's CP READ calls: it runs the command and shows the result,
 * every line from the message catalog (cp/message.h). The pieces are public for DIAGNOSE X'08' and
 * the tests: cp_cmd_tokenize(), cp_cmd_lookup(), cp_cmd_allowed(), cp_cmd_dispatch().
 *
 * Parsing follows VM/370 (vm370-cp.md 1.3): blanks separate tokens; command names and keywords
 * are case-insensitive (tokens are also kept as typed, for passwords and message text); a word
 * names a command when it is a prefix of the name at least as long as the minimum abbreviation.
 * A command outside the user's classes is treated as if it did not exist (?CP: word). Logical line
 * editing (LINEND #, CHARDEL @, ...) is the terminal's job and is not done here.
 *
 * Single-threaded per context; the table is constant.
 */
#ifndef CP_COMMAND_H
#define CP_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cp/term.h"

struct dir_user;
struct vmblok;
struct cpsys;
struct cp_cmd_ctx;
struct cp_cmd_line;

/* ---- Results ---- */

enum cp_cmd_rc {
	CP_CMD_OK,		/* done; the handler wrote its responses */
	CP_CMD_FAILED,		/* refused; the handler wrote the error message */
	CP_CMD_UNKNOWN,		/* no such command: DMKCFC001E ?CP: word */
	CP_CMD_PRIVILEGE,	/* not in the user's classes: shown as DMKCFC001E, like unknown */
	CP_CMD_NOT_AVAILABLE,	/* a VM/370 command (or operand) not carried out yet: DMKCFC999E */
	CP_CMD_CLOSED,		/* the session ended (LOGOFF): the terminal is gone */
};

/* ---- The table ---- */

/* Identity of a command: one per CP_CMD / CP_CMD_TODO row, named after its handler. */
enum cp_cmd_id {
#define CP_CMD(name, abbrev, classes, handler, help) CP_CMD_ID_##handler,
#define CP_CMD_TODO CP_CMD
#define CP_ALIAS(name, abbrev, handler)
#include "cp/commands.def"
#undef CP_CMD
#undef CP_CMD_TODO
#undef CP_ALIAS
	CP_CMD_ID_COUNT
};

typedef enum cp_cmd_rc cp_cmd_handler_fn(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl);

/* One row of commands.def. */
struct cp_cmd_desc {
	const char *name;		/* full name, upper case */
	const char *abbrev;		/* minimum abbreviation, a prefix of name */
	const char *classes;		/* "A".."H" letters, or "ANY" */
	const char *help;		/* one line */
	enum cp_cmd_id id;		/* which command (an alias shares its command's) */
	bool alias;			/* a CP_ALIAS row */
	cp_cmd_handler_fn *handler;	/* NULL: not yet available */
};

extern const struct cp_cmd_desc cp_cmd_table[];
extern const size_t cp_cmd_table_count;

/* The command word names: the row (an alias row for an alias), or NULL. word in upper case. */
const struct cp_cmd_desc *cp_cmd_lookup(const char *word);
/* The command's own (non-alias) row. */
const struct cp_cmd_desc *cp_cmd_by_id(enum cp_cmd_id id);
/* May a user with these classes (DIR_CLASS() bits; 0 before logon) use the command? */
bool cp_cmd_allowed(const struct cp_cmd_desc *d, unsigned classes);

/* ---- Command lines ---- */

#define CP_CMD_LINE_MAX 255	/* longer lines are truncated */
#define CP_CMD_TOKENS_MAX 32	/* tokens past this are ignored; cp_cmd_rest() still has them */

struct cp_cmd_line {
	size_t n;				/* tokens; 0 for a null line */
	const char *tok[CP_CMD_TOKENS_MAX];	/* upper case */
	const char *raw[CP_CMD_TOKENS_MAX];	/* as typed */
	size_t off[CP_CMD_TOKENS_MAX];		/* where token i starts in text */
	char text[CP_CMD_LINE_MAX + 1];		/* the line as typed */
	char buf[2][CP_CMD_LINE_MAX + 1];	/* the tokens' storage */
};

/* Split line into blank-separated tokens. tok[0], if any, is the command word. */
void cp_cmd_tokenize(struct cp_cmd_line *cl, const char *line);
/* The line as typed from token i on (i < n), for message text; "" when i >= n. */
const char *cp_cmd_rest(const struct cp_cmd_line *cl, size_t i);

/* ---- Running commands ---- */

/* What logon.c does for the commands that change the session. */
struct cp_cmd_session_ops {
	/* LOGON before logon: the logon dialogue. Does not read. True when the terminal is no longer
	 * the session's (the user is logged on: it belongs to his virtual machine now). */
	bool (*logon)(void *sess, const struct cp_cmd_line *cl);
	/* End the session: close the terminal and free the session. */
	void (*end)(void *sess);
};

/* Who runs a command. Filled by the caller; the handlers read it. */
struct cp_cmd_ctx {
	struct term *t;				/* where responses go */
	const struct dir_user *user;		/* NULL before logon */
	unsigned classes;			/* DIR_CLASS() bits; 0 before logon */
	time_t logon_time;			/* when user logged on */
	time_t now;				/* 0: the clock (tests set a time) */
	struct vmblok *vm;			/* the user's virtual machine (cp/vm.h); NULL before
						 * logon, for the operator's commands and in tests */
	struct cpsys *sys;			/* the system (cp/vm.h); NULL in tests */
	const struct cp_cmd_session_ops *ops;	/* NULL: no session (tests) */
	void *sess;				/* for ops */
	/* Set by a handler returning CP_CMD_NOT_AVAILABLE for one operand ("QUERY FILES"). */
	char detail[64];
};

/*
 * Run the command in cl: look it up, check the classes, call the handler. Writes nothing itself:
 * the result says what to show (cp_cmd_show()). A null line is CP_CMD_OK.
 */
enum cp_cmd_rc cp_cmd_dispatch(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl);
/* Show the message for rc after dispatching cl (nothing for OK, FAILED and CLOSED). */
void cp_cmd_show(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, enum cp_cmd_rc rc);
/* Tokenize line, dispatch and show. After CP_CMD_CLOSED, ctx->t is gone. */
enum cp_cmd_rc cp_cmd_execute(struct cp_cmd_ctx *ctx, const char *line);

#endif
