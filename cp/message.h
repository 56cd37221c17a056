/*
 * message.h - CP's message catalog (cp/messages.def) as an enum and texts.
 *
 *	cp_msg_write(t, CP_MSG_DMKLOG053E, userid);       "USERID NOT IN CP DIRECTORY"
 *	cp_msg_write(t, CP_RSP_LOGON_AT, when);            with when from cp_msg_time()
 *	cp_msg_id(CP_MSG_DMKCFC001E)                       "DMKCFC001E"; NULL for a response
 *
 * Every user-visible line CP writes comes from the catalog. Messages are shown as with SET EMSG
 * TEXT (VM/370's default): the text without the id. The variable parts follow each row's format;
 * the compiler cannot check them against a table entry, so callers pass exactly what the row says.
 */
#ifndef CP_MESSAGE_H
#define CP_MESSAGE_H

#include <stddef.h>
#include <time.h>

#include "cp/term.h"

enum cp_msg {
#define CP_MSG(id, fmt) CP_MSG_##id,
#define CP_RSP(name, fmt) CP_RSP_##name,
#include "cp/messages.def"
#undef CP_MSG
#undef CP_RSP
	CP_MSG_COUNT
};

/* The message's id (DMKmmmnnns), or NULL for a response. */
const char *cp_msg_id(enum cp_msg m);
/* The message's printf format. */
const char *cp_msg_fmt(enum cp_msg m);
/* Format m with its variable parts into buf (truncated to len - 1); returns the text's length,
 * at most len - 1. */
size_t cp_msg_format(char *buf, size_t len, enum cp_msg m, ...);
/* Write m as one line on t (at most 255 characters), as t->emsg says (SET EMSG); an error
 * message (severity E) also sets t->msgno to its number. */
void cp_msg_write(struct term *t, enum cp_msg m, ...);
/* when as VM/370 shows times: "hh:mm:ss zone weekday mm/dd/yy", weekday in capitals, local time
 * (vm370-cp.md 7). buf should hold 48 bytes; "" when it cannot. */
void cp_msg_time(time_t when, char *buf, size_t len);

#endif
