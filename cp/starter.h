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

/*
 * The starter system's T-disk space: the text of its volumes/TDISK (cp/tdisk.h). CAMSYS is a full
 * 3350 (555 cylinders, compressed: unwritten cylinders cost nothing); the starter directory's
 * minidisks end at cylinder 90, 91-199 are left for more, and 200-554 are for T-disks.
 */
#define CP_STARTER_TDISK \
	"* TDISK - the T-disk space of the volumes: volser first-cylinder last-cylinder\n" \
	"CAMSYS 200 554\n"

#endif
