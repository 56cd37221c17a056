/*
 * starter.h - the starter directory's text, built into the program from cp/starter.direct.
 *
 * A new system gets this text as its USER DIRECT; its passwords are in clear (documented in
 * cp/README.md) and are hashed with dir_hash_passwords() before anything reads the file. The
 * definition is generated at build time (cp/cp.am), so the shipped file is the one source.
 */
#ifndef CP_STARTER_H
#define CP_STARTER_H

#include <stddef.h>

extern const char cp_starter_direct[];		/* NUL-terminated */
extern const size_t cp_starter_direct_len;	/* without the NUL */

#endif
