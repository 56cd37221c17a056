/*
 * cmd_msg.h - CP's communication and operator commands (cp/cmd_msg.c): MESSAGE, WARNING, FORCE,
 * SHUTDOWN, SET, TERMINAL, SLEEP, INDICATE, ENABLE, DISABLE, VARY, and QUERY SET, TERMINAL,
 * LOGMSG and PFnn. The handlers themselves are commands.def's (cp/cmd.h); this header is for the
 * rest of CP, which needs what those commands set:
 *
 *	logon (vm_logon), before LOGON AT:   cmd_msg_logmsg_show(&vm->proxy, time(NULL));
 *	logon (vm_logon), before building:   if (!cmd_msg_logons_enabled() && !operator) refuse
 *	a line arrives for a virtual machine: struct term_settings ts;
 *	                                      cmd_msg_term_settings(vm, &ts);
 *	                                      n = cp_line_edit(&ts, line, lines, max);
 *	the virtual machine is freed:         cmd_msg_forget(vm);
 *	QUERY's handler (command.c):          rc = cmd_query_msg(ctx, cl); CP_CMD_UNKNOWN: not ours
 *
 * SETTINGS. SET and TERMINAL keep what they set per virtual machine in a small table of this
 * module (VMBLOK has no room for them), and the operator's (commands with ctx->vm NULL) in one
 * record of their own. MSG, WNG and IMSG live in the VMBLOK (vm_set_msg()), EMSG in its terminal
 * (vm_term(vm)->emsg); everything else is here. Every function is safe from any thread: the table
 * and the log message are under locks of this module, never held across a call out of it.
 */
#ifndef CP_CMD_MSG_H
#define CP_CMD_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cp/command.h"

struct vmblok;
struct term;

/* ---- TERMINAL's settings and line editing (vm370-cp.md 1.2, 6) ---- */

#define CP_LINE_MAX 255		/* a logical line, as cp_line_edit() makes one */

/* '\0' for an editing character means OFF. */
struct term_settings {
	bool linedit;		/* SET LINEDIT: line editing at all (default ON) */
	char linend;		/* default '#' */
	char linedel;		/* default X'4A' cent sign: ISO 8859-1 0xA2 at the term seam */
	char chardel;		/* default '@' */
	char escape;		/* default '"' */
	unsigned linesize;	/* 1-255; 0: OFF (default 130, a typewriter's) */
	bool mode_cp;		/* TERMINAL MODE CP (default VM) */
	bool attn;		/* default ON */
	bool apl, text, hilight;	/* default OFF */
	bool mask;		/* default ON */
};

/* The defaults of a new session: VM/370's, with the directory's editing characters (u may be
 * NULL). */
struct dir_user;
void cmd_msg_term_defaults(struct term_settings *ts, const struct dir_user *u);

/*
 * Split the physical line `in` into logical lines and edit them (vm370-cp.md 1.2), as CP does
 * with SET LINEDIT ON: LINEND ends a logical line, CHARDEL deletes the character before it (n of
 * them n characters, never past the start of the logical line), LINEDEL deletes the logical line
 * so far, ESCAPE takes the next character as it is (an escape at the end of the line is dropped).
 * A logical line that follows a line end and starts with the word CP is given back as "#CP ...",
 * whatever the LINEND character is, so that the caller's "#CP" escape finds it. Empty logical
 * lines are dropped; when nothing is left (an empty line, or everything deleted) the result is
 * one empty line (a null line). Logical lines are cut at CP_LINE_MAX characters; lines past max
 * are dropped. With linedit off the line is given back whole. Returns the number of lines in out
 * (at least 1 when max > 0). Pure: no state, any thread.
 */
size_t cp_line_edit(const struct term_settings *ts, const char *in, char out[][CP_LINE_MAX + 1],
		    size_t max);

/* vm's settings now (the defaults when it never changed them). */
void cmd_msg_term_settings(struct vmblok *vm, struct term_settings *out);

/* ---- What other parts of CP call ---- */

/* At logon, before LOGON AT: the log message header and the lines that start with '*', when
 * there are any (SET LOGMSG, class A). when: for the header when no line was ever set. */
void cmd_msg_logmsg_show(struct term *t, time_t when);
/* ENABLE ALL / DISABLE ALL: may new users log on? (Default true.) The operator always may. */
bool cmd_msg_logons_enabled(void);
/* The virtual machine is gone: forget its settings (call before its memory is reused). */
void cmd_msg_forget(struct vmblok *vm);
/* QUERY SET | TERMINAL | LOGMSG | PFnn (cl->tok[1]); CP_CMD_UNKNOWN when it is none of them. */
enum cp_cmd_rc cmd_query_msg(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl);

/* For tests: back to the state of a new process (log message empty, logons enabled, no settings
 * kept, the operator's settings the defaults, INDICATE's sample forgotten). */
void cmd_msg_reset(void);

#endif
