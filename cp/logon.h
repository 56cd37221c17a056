/*
 * logon.h - the logon dialogue: what a terminal sees before and around a VM/370 session.
 *
 * What a terminal sees before its user is logged on. A struct logon holds the terminals that are
 * not logged on; the server hands it every new terminal (struct term, cp/term.h):
 *
 *	struct logon *l = logon_new(sys);          sys (cp/vm.h) must outlive l
 *	... a terminal is ready:  if (!logon_attach(l, t)) term_close(t);
 *	... at shutdown: free the terminals (no events needed), then logon_free(l);
 *
 * The dialogue follows VM/370 R6 (vm370-cp.md 7.1, 7.2): `VM/370 ONLINE`; `LOGON userid
 * [password] [MASK] [NOIPL]` (also Login, abbreviated to L); `ENTER PASSWORD:` with the terminal
 * in password mode. With the right password the terminal goes to the user's virtual machine
 * (vm_logon(), cp/vm.h): a new one (`LOGON AT ...` and the directory's IPL unless NOIPL) or, for
 * a disconnected user, his running one (`RECONNECTED AT ...`). Before logon every line goes to the
 * CP command language (cp/command.h) without privilege classes, so only class Any commands exist
 * (LOGON, LOGOFF, HELP ...): an unknown command gets `?CP: command`. One session per userid.
 *
 * Messages come from CP's catalog (cp/messages.def) and are shown as with SET EMSG TEXT (VM/370's
 * default): the text without its DMK id.
 *
 * Single-threaded: every call and every terminal event on one thread. A password check costs one
 * yescrypt computation (tens of milliseconds) on that thread.
 */
#ifndef CP_LOGON_H
#define CP_LOGON_H

#include <stdbool.h>
#include <stddef.h>

#include "cp/command.h"
#include "cp/term.h"

struct cpsys;
struct logon;

/* A logon dialogue for system sys (not owned; it must outlive the struct). NULL: no memory. It
 * registers with sys (cpsys_set_logon) to take back terminals that a virtual 3270 dropped. */
struct logon *logon_new(struct cpsys *sys);
/* Free l and the state of every session still open; their terminals are not touched. */
void logon_free(struct logon *l);
/*
 * Take terminal t: install CP's handler, greet the user and read. False when out of memory (t is
 * untouched: the caller closes it). Also how a terminal comes back from a virtual 3270 it was
 * dialed to (DROP FROM userid vaddr: cpsys_flush()).
 */
bool logon_attach(struct logon *l, struct term *t);
/*
 * A terminal that is not logged on within the logon timeout (LOGON_TIMEOUT_DEFAULT seconds, or
 * what logon_set_timeout() says; 0: none) is told so and closed: a connection that never logs on
 * holds nothing for long. logon_expire() closes the ones whose time is up and returns the
 * milliseconds until the next is due (-1: none); the server calls it every turn.
 */
#define LOGON_TIMEOUT_DEFAULT 300u
void logon_set_timeout(struct logon *l, unsigned seconds);
int logon_expire(struct logon *l);
/*
 * DIAL userid [vaddr] (vaddr < 0: none), typed before logon: cmd_graf.c's handler calls this with
 * its context. The session's terminal goes to userid's virtual 3270 (cpsys_dial, cp/vm.h): then
 * the session is gone and the result is CP_CMD_CLOSED. Otherwise the message is written and the
 * result is CP_CMD_FAILED; CP_CMD_UNKNOWN when ctx is not a logon session (after logon, the
 * operator).
 */
enum cp_cmd_rc logon_dial(struct cp_cmd_ctx *ctx, const char *userid, int vaddr);
/* How many users are logged on. */
size_t logon_users(const struct logon *l);

#endif
