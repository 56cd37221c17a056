/*
 * tdisk.h - temporary disks (T-disks): the cylinders of the system's volumes set aside for DEFINE
 * Tdddd, and who holds which of them this session.
 *
 * THE SPACE. The volumes folder may hold a text file TDISK (VOL_TDISK_FILE; vol_open_dir() loads
 * it and vol_tdisks() gives the space) naming, one extent a line, the cylinders of CKD volumes
 * that T-disks are made of:
 *
 *	* comment: the T-disk space of the volumes          (blank lines and '*' lines are comments)
 *	CAMSYS 200 554                                        volser first-cyl last-cyl, inclusive
 *
 * Cylinder 0 (the volume's label) is never T-disk space. A line that is wrong - not three
 * operands, a volser of no volume in the folder, an FBA volume, cylinders that are not numbers,
 * first > last, beyond the volume, cylinder 0, overlapping an earlier line - is reported as a
 * problem ("TDISK:line: reason") and skipped; the other lines are used. No file, or no usable line:
 * no T-disk space (DEFINE Tdddd answers DMKDEF091E TEMP SPACE NOT AVAILABLE, as before).
 *
 * MINIDISKS ARE NEVER T-DISK SPACE. tdisk_set_directory() takes the directory in force and
 * refuses, for as long as that directory is in force, every cylinder of the configured space that
 * one of its MDISKs covers on the same volume (VM/370's directory does not check overlaps; we
 * do), telling log() one line per overlap. It is called before each allocation with the directory
 * then in force; it does the work only when the directory changed (a DIRECT can add or drop
 * MDISKs), so the refused cylinders follow the directory. A T-disk already made over cylinders
 * that a new directory's MDISK covers stays its user's until he gives it back.
 *
 * ALLOCATION is first fit: the configured extents in the file's order, and in each the lowest
 * run of free cylinders long enough; the volume's device type must be the one asked for (T2319
 * is served from 2314 space, T3330 from any 3330 model). A T-disk is named by its user and
 * virtual address; it is given back by tdisk_free() (DETACH) or tdisk_logoff() (LOGOFF, FORCE).
 * The allocations live in memory only: a T-disk lasts a session, so when the daemon restarts
 * (after a crash too) all the space is free.
 *
 * CLEARING. A user must never read what the previous holder of the cylinders left. CP does not
 * format T-disks (VM/370 did not: the user FORMATs them), but tdisk_alloc() clears the cylinders it
 * hands out before it returns: every track that is not already empty is rewritten as an empty
 * formatted track (home address and R0). Clearing at allocation rather than at release also
 * covers space a crashed session left behind. It is cheap where it matters: an empty track of a
 * compressed volume is a null-track table entry (no image is stored; the file stays small), and a
 * track that is already empty is only read.
 *
 * THREADS. Every call on a space may come from any thread (CP commands run on the users'
 * dispatcher tasks); one mutex keeps the space consistent, so two users asking at once never get
 * overlapping cylinders. The clearing runs outside the lock, after the cylinders are recorded as
 * the caller's. The volumes (and their open CKD handles) must outlive the space.
 */
#ifndef CP_TDISK_H
#define CP_TDISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cp/directory.h"
#include "cp/volumes.h"

struct ckd;
struct tdisk_space;

enum tdisk_status {
	TDISK_OK = 0,
	TDISK_NO_SPACE,		/* no free run of that many cylinders of that device type */
	TDISK_EXISTS,		/* the user already has a T-disk at that address */
	TDISK_ERR_ARG,		/* a bad argument: device type, size, userid */
	TDISK_ERR_IO,		/* the configuration could not be read, or the space not cleared */
	TDISK_ERR_NOMEM,
};
const char *tdisk_status_str(enum tdisk_status s);

/* One T-disk. */
struct tdisk_extent {
	char userid[DIR_USERID_MAX + 1];
	unsigned vaddr;
	char volser[VOL_VOLSER_MAX + 1];
	unsigned devtype;	/* as asked: 2314, 2319, 3330, 3340, 3350 */
	uint32_t start;		/* first real cylinder */
	uint32_t count;		/* cylinders */
};

/*
 * Read the configuration text (len bytes; name is the file's name for the problems) against the
 * volumes vols: TDISK_OK with the space in *out (NULL when no line is usable), the problems
 * appended to pr (may be NULL); TDISK_ERR_NOMEM (*out NULL).
 */
enum tdisk_status tdisk_parse(const char *text, size_t len, const char *name, const struct volumes *vols,
			      struct tdisk_space **out, struct vol_problems *pr);
/* The same from the file at path. A missing file is TDISK_OK with *out NULL; one that cannot be
 * read is TDISK_ERR_IO with a problem. */
enum tdisk_status tdisk_load(const char *path, const struct volumes *vols, struct tdisk_space **out,
			     struct vol_problems *pr);
/* Free the space (its allocations are forgotten). Accepts NULL. */
void tdisk_space_free(struct tdisk_space *sp);

/*
 * The directory in force: refuse every configured cylinder that one of d's MDISKs covers on the
 * same volume, telling log (may be NULL) one line per overlap. Does nothing when d is the
 * directory of the last call (the space keeps the pointer only to notice a change). Returns how
 * many configured cylinders d's minidisks take from the space. Accepts sp NULL (returns 0).
 */
typedef void tdisk_log_fn(void *arg, const char *line);
size_t tdisk_set_directory(struct tdisk_space *sp, const struct directory *d, tdisk_log_fn *log, void *arg);

/*
 * DEFINE Tdddd: cyls cylinders of device type devtype (2314, 2319, 3330, 3340, 3350) for userid at
 * vaddr, first fit, cleared. TDISK_OK with *out; TDISK_NO_SPACE (also when the space has none of
 * that type, or sp is NULL); TDISK_EXISTS; TDISK_ERR_IO when the cylinders could not be cleared
 * (nothing is allocated then); TDISK_ERR_NOMEM.
 */
enum tdisk_status tdisk_alloc(struct tdisk_space *sp, const char *userid, unsigned vaddr, unsigned devtype,
			      uint32_t cyls, struct tdisk_extent *out);
/* DETACH: give back userid's T-disk at vaddr. False when he has none there (or sp is NULL). */
bool tdisk_free(struct tdisk_space *sp, const char *userid, unsigned vaddr);
/* LOGOFF: give back every T-disk of userid; returns how many. Accepts sp NULL. */
size_t tdisk_logoff(struct tdisk_space *sp, const char *userid);
/* userid's T-disk at vaddr: true and *out filled. */
bool tdisk_at(struct tdisk_space *sp, const char *userid, unsigned vaddr, struct tdisk_extent *out);

/* Cylinders of device type devtype (0: any) in the space as the directory in force leaves it:
 * *total, and *avail of them not held by anyone (each may be NULL). */
void tdisk_usage(struct tdisk_space *sp, unsigned devtype, uint32_t *total, uint32_t *avail);

/* Make cylinders [start, start + count) of the open volume c empty (see CLEARING above). */
enum tdisk_status tdisk_clear(struct ckd *c, uint32_t start, uint32_t count);

#endif
