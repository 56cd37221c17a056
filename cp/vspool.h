/*
 * vspool.h - a virtual machine's spooled unit-record devices: card readers, punches and printers
 * whose backend is the CP spool (cp/spool.h), as VM/370 gives every user (vm370-cp.md section 9).
 *
 *	struct chan_dev *rdr = vspool_attach_reader(m, 0x00C, 2540, sp, "MAINT", '*');
 *	struct chan_dev *pun = vspool_attach_punch(m, 0x00D, 2540, sp, "MAINT", 'A');
 *	struct chan_dev *prt = vspool_attach_printer(m, 0x00E, 1403, sp, "MAINT", 'A');
 *	... the guest runs channel programs on them ...
 *	vspool_close(pun, &(struct vspool_close){0}, &info, line, sizeof line);    CP's CLOSE
 *
 * The devices answer the commands of the real ones (machine/dev_2540r.c, dev_punch.c,
 * dev_printer.c):
 *
 *   Reader (2540, 3505): read (xxxxxx10) gives the next card of the user's next readable file
 *     (spool_reader_open: the reader's class or '*', not held, not open elsewhere). A punch file's
 *     records are 80-byte cards; a printer or console file's records come as the channel command
 *     byte followed by the line (vm370-cp.md 9.7). A file is open on the reader from its first
 *     card to its end or CLOSE. At its end: unit exception (EOF) or unit check with intervention
 *     required (NOEOF); with CONT the next file follows at once, with no end between. Then the
 *     file is purged, kept, or kept in user hold by the table of 9.5. With no file to read: unit
 *     check, intervention required (sense X'40'), as a real reader with an empty hopper.
 *   Punch (2540: 01 41 81; 3525: 01 41) and printer (1403, 3211: write with space or skip, space
 *     and skip immediate, UCS commands accepted; 3211: load FCB): every write becomes a record of
 *     an open spool file, made at the first write with the device's SPOOL settings; a card is 80
 *     bytes (blank-padded, longer writes cut: incorrect length unless SLI), a line at most 132.
 *     The file stays open until vspool_close() (CP's CLOSE; CMS issues it after PRINT/PUNCH), which
 *     a device with CONT ignores unless forced (SPOOL ... CLOSE). Carriage overflow (channel 9/12)
 *     is not signalled by the virtual printer.
 *   All: 03 no-op, 04 sense (one byte), any other command is a command reject. A NOTREADY device
 *     answers every command with unit check, intervention required. A host failure of the spool
 *     gives unit check with equipment check (X'10').
 *
 * THREADS. A device runs on the thread that runs its machine; the vspool_* calls below are made on
 * that thread too (or while the machine is not running). The spool is shared: its lock is taken
 * inside spool calls only, never across calls into the machine.
 *
 * Freeing the machine closes what is open: an output file with records is committed (as LOGOFF
 * closes open spool files), an empty one discarded; a reader's file is kept.
 *
 * The functions below take a device made by vspool_attach_*() and nothing else.
 */
#ifndef CP_VSPOOL_H
#define CP_VSPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cp/spool.h"

struct machine;
struct chan_dev;

/* Where a punch's or printer's files go (SPOOL ... OFF | TO userid | FOR userid). */
enum vspool_route {
	VSPOOL_OFF,	/* the system queue, owned by the device's user */
	VSPOOL_TO,	/* dest's reader */
	VSPOOL_FOR,	/* the system queue, owned by dest (with dest's distribution code) */
};

/* The SPOOL settings of one device (defaults: vm370-cp.md 9.2). */
struct vspool_settings {
	char class;		/* reader: '*' or A-Z/0-9; punch, printer: A-Z/0-9 */
	bool cont;
	bool hold;
	bool eof;		/* reader: end of file is unit exception (EOF) or intervention required */
	unsigned copies;	/* punch, printer: 1-99 */
	enum vspool_route route;
	char dest[SPOOL_USERID_MAX + 1];	/* for TO and FOR */
	char dist[SPOOL_NAME_MAX + 1];		/* "" = the owner's userid */
};

/* Attach a spooled device at vaddr for user's machine. Device types: reader 2540 or 3505, punch
 * 2540 or 3525, printer 1403 or 3211. NULL with errno: EINVAL (bad type, class or userid, or bad
 * address), EEXIST (address in use), ENOMEM. */
struct chan_dev *vspool_attach_reader(struct machine *m, uint16_t vaddr, unsigned devtype,
				      struct spool *sp, const char *userid, char class);
struct chan_dev *vspool_attach_punch(struct machine *m, uint16_t vaddr, unsigned devtype,
				     struct spool *sp, const char *userid, char class);
struct chan_dev *vspool_attach_printer(struct machine *m, uint16_t vaddr, unsigned devtype,
				       struct spool *sp, const char *userid, char class);

/* SPOOL: replace the settings (checked: SPOOL_ERR_ARG and nothing changed when invalid). They
 * apply to files opened afterwards; HOLD, DIST and the route are also taken at close. */
enum spool_status vspool_set(struct chan_dev *d, const struct vspool_settings *s);
void vspool_get(const struct chan_dev *d, struct vspool_settings *s);

/* READY / NOTREADY. Becoming ready posts device end (the READY command). */
void vspool_set_ready(struct chan_dev *d, bool ready);

/* CLOSE's options. */
struct vspool_close {
	bool purge;		/* output: throw the file away */
	bool force;		/* close even with CONT (SPOOL ... CLOSE) */
	bool set_hold;		/* HOLD (hold true) or NOHOLD given */
	bool hold;
	const char *dist;	/* output: DIST code; NULL to keep */
	const char *name, *type;	/* output: NAME fn ft; NULL to keep */
};

/*
 * CLOSE the device's open file. Output: commit it (or purge it) and put the CLOSE response
 * ("PUN FILE 0342 TO MAINT COPY 01 NOHOLD") in resp; closed (may be NULL) gets its attributes
 * (id 0 when nothing was closed: no file open, purged, or CONT without force). Reader: the open
 * file is purged, kept or held by the table of vm370-cp.md 9.5; resp is "". resp may be NULL.
 */
enum spool_status vspool_close(struct chan_dev *d, const struct vspool_close *o,
			       struct spool_file_info *closed, char *resp, size_t len);

/*
 * CP's own line on a virtual printer (TRACE ... PRINTER): text (ASCII, translated; at most 132
 * characters, the rest cut) becomes a record of the printer's open file, written with X'09'
 * (write, then space a line), the file opened with the device's SPOOL settings at its first
 * record as for the guest's writes: CP's and the guest's lines share one file, as in VM/370, and
 * CLOSE ends it. NOTREADY does not stop it. SPOOL_ERR_ARG: d is not a printer.
 */
enum spool_status vspool_print_line(struct chan_dev *d, const char *text);

/* The spoolid of the file open on the device, 0 if none. */
unsigned vspool_open_id(const struct chan_dev *d);

/* ---- DIAGNOSE X'14' (cp/diagnose.c): a reader's active file ----
 *
 * The file open on a reader (by the guest's reads or by DIAGNOSE) is its active file; DIAGNOSE
 * X'14' reads it record by record through spool_reader_*() on the handle these calls give. The
 * handle stays the device's: the caller never closes it.
 */

/* The reader made by vspool_attach_reader() at vaddr of machine m, or NULL. Any thread. */
struct chan_dev *vspool_find_reader(const struct machine *m, uint16_t vaddr);
/* NOTREADY? */
bool vspool_ready(const struct chan_dev *d);
/* The active file; when there is none and open is true, the next readable file (the reader's
 * class, not held, not open elsewhere) is opened. SPOOL_ERR_NOT_FOUND: none. Ends a X'04'/X'08'
 * walk (the next one starts from the top). */
enum spool_status vspool_reader_active(struct chan_dev *d, bool open, struct spool_reader **r);
/*
 * The active file's end was reached. With CONT: a file with repeats left (X'10') is restarted,
 * else it is closed (purged, kept or held by the reader's settings, vm370-cp.md 9.5) and the next
 * readable file opened; true when reading goes on. Without CONT: the file is closed so; false.
 */
bool vspool_reader_end(struct chan_dev *d);
/* X'0C': file id, on the user's reader, goes first in it (the next one opened): NOT_FOUND if it
 * is not there. */
enum spool_status vspool_reader_select(struct chan_dev *d, unsigned id);
/* X'10': the active file is read n times in all (CONT); false when there is none. */
bool vspool_reader_repeat(struct chan_dev *d, unsigned n);
/*
 * X'04' (punch false: printer and console files) and X'08' (punch files): the next such file on
 * the user's reader after the one this walk gave last becomes the active file (one that was
 * active is kept); info gets its attributes. A walk starts from the top at its first call, after
 * vspool_reader_active(), or when it changes from one kind to the other. SPOOL_ERR_NOT_FOUND: there is none at all; SPOOL_ERR_EOF: no
 * more.
 */
enum spool_status vspool_reader_next_file(struct chan_dev *d, bool punch, struct spool_file_info *info);

/* QUERY VIRTUAL: line n (0, 1, ...) of the device's lines into buf; returns its length, 0 when the
 * device has no line n. "RDR 00C CL * NOCONT NOHOLD EOF READY"; for a punch or printer
 * "PUN 00D CL A NOCONT NOHOLD COPY 01 READY" then "    00D FOR MAINT DIST MAINT" (TO userid when
 * the output goes to a reader). */
size_t vspool_query(const struct chan_dev *d, unsigned n, char *buf, size_t len);

#endif
