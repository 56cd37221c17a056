/*
 * logon.h - the logon dialogue: what a terminal sees before and around a VM/370 session.
 *
 * CP's first piece. A struct logon holds the directory and the sessions; the server hands it
 * every new terminal (struct term, cp/term.h), and from then on CP talks to the user only
 * through the terminal's operations and events:
 *
 *	struct logon *l = logon_new(dir);          dir must outlive l
 *	... a terminal is ready:  if (!logon_attach(l, t)) term_close(t);
 *	... at shutdown: free the terminals (no events needed), then logon_free(l);
 *
 * The dialogue follows VM/370 R6 (vm370-cp.md 7.1, 7.3): `VM/370 ONLINE`; `LOGON userid
 * [password]` (also Login, abbreviated to L); `ENTER PASSWORD:` with the terminal in password
 * mode; on success `LOGON AT hh:mm:ss zone weekday mm/dd/yy` and CP READ. Logged on, `LOGOFF`
 * (LOGOUT) writes `CONNECT= ... VIRTCPU= ... TOTCPU= ...` and `LOGOFF AT ...` and closes the
 * terminal. Every line but a password goes to the CP command language (cp/command.h) with the
 * user's privilege classes (none before logon, when only class Any commands exist): an unknown
 * command gets `?CP: command`. One session per userid. There are no virtual machines yet, so CPU
 * times are zero and the directory's IPL is not performed.
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

#include "cp/term.h"

struct directory;
struct logon;

/* A logon dialogue over directory d (not owned; it must outlive the struct). NULL: no memory. */
struct logon *logon_new(const struct directory *d);
/* Free l and the state of every session still open; their terminals are not touched. */
void logon_free(struct logon *l);
/*
 * Take terminal t: install CP's handler, greet the user and read. False when out of memory (t is
 * untouched: the caller closes it).
 */
bool logon_attach(struct logon *l, struct term *t);
/* How many users are logged on. */
size_t logon_users(const struct logon *l);

#endif
