/*
 * dev_tape.h - the tape drive and the unit-record output devices: the 3420 magnetic tape unit
 * (dev_3420.c, over an AWS or HET image of tapes/), the 1403 and 3211 printers (dev_printer.c) and
 * the 2540 and 3525 card punches (dev_punch.c).
 *
 * Each device is built either by an attach function from an open backend (a struct tape, a FILE),
 * or by its dev_config_fn from a Hercules device statement "CUU TYPE FILE [options]" (channel.h).
 * The guest drives them with SIO like the real devices; what each command does is described in
 * the device's source file.
 *
 *	struct tape *t;
 *	tape_open("vol.aws", TAPE_RDWR, NULL, &t);
 *	struct chan_dev *d = devtape_attach(m, 0x180, t, false);   // the drive now owns t
 *	devprinter_attach(m, 0x00E, DEVPRINTER_1403, stdout, false);
 */
#ifndef MACHINE_DEV_TAPE_H
#define MACHINE_DEV_TAPE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "machine/channel.h"

struct tape;

/* ---- dev_3420.c: the 3420 tape unit behind a 3803 tape control ---- */

/* Size of the 3420's sense information (sense command X'04'). */
#define DEVTAPE_SENSE_LEN 24

/*
 * Attach a 3420 at addr with the tape t mounted, or with no tape (t NULL: the drive is not
 * ready). The drive owns t from then on: it closes it on rewind-unload, devtape_unmount() and
 * when the machine is freed. readonly mounts the tape without a write ring (file protect): every
 * write-type command is rejected; it must be true when t was opened TAPE_RDONLY. NULL with errno
 * on failure (t is then still the caller's).
 */
struct chan_dev *devtape_attach(struct machine *m, uint16_t addr, struct tape *t, bool readonly);

/*
 * Mount t on a drive that has no tape: the drive becomes ready at the load point and presents
 * device end (the not-ready-to-ready transition), as when the operator loads a reel and presses
 * START. Returns false (t stays the caller's) when a tape is already mounted.
 */
bool devtape_mount(struct chan_dev *d, struct tape *t, bool readonly);

/* Unload and close the mounted tape, if any: the drive becomes not ready. Returns false if the
 * image could not be flushed (it is closed all the same). */
bool devtape_unmount(struct chan_dev *d);

/* Rewind the mounted tape to its load point, as the REWIND key (or CP's REWIND command) does; no
 * status is presented. False when no tape is mounted. Between machine_run() calls. */
bool devtape_rewind(struct chan_dev *d);

/* Is a tape mounted (the drive ready)? */
bool devtape_ready(const struct chan_dev *d);

/*
 * Emulated reel length (Hercules' maxsize and eotmargin): once the image reaches maxsize - eotmargin
 * bytes, write-type commands end with unit exception (the end-of-tape marker); a write that would
 * take it past maxsize is not done and ends with unit check, equipment check. maxsize 0 (the
 * default) means no limit. chunk is the chunk size the image is written with (0 for the default),
 * used to foresee a write's size.
 */
void devtape_set_limits(struct chan_dev *d, uint64_t maxsize, uint64_t eotmargin, unsigned chunk);

/* ---- dev_printer.c: the 1403 (2821 control) and 3211 (3811 control) printers ---- */

enum devprinter_model {
	DEVPRINTER_1403,
	DEVPRINTER_3211,
};

/*
 * Attach a printer that writes its output to out as text lines (see dev_printer.c for the format),
 * ending lines with CR LF when crlf is set. out stays the caller's; NULL makes a printer that is
 * not ready (intervention required).
 */
struct chan_dev *devprinter_attach(struct machine *m, uint16_t addr, enum devprinter_model model,
				   FILE *out, bool crlf);

/* ---- dev_punch.c: the 2540 punch side and the 3525 card punch ---- */

/*
 * Attach a 2540 punch that writes each card to out: 80 EBCDIC bytes, or (ascii) a text line
 * translated from EBCDIC with trailing blanks removed. out stays the caller's; NULL makes a punch
 * that is not ready (intervention required).
 */
struct chan_dev *devpunch_attach(struct machine *m, uint16_t addr, FILE *out, bool ascii);

/*
 * Configuration statements (channel.h). Types: "3420" (devtape_config); "1403", "3211"
 * (devprinter_config); "2540P", "3525" (devpunch_config). Options are listed in each source file.
 * The devices built here own the files they open.
 */
dev_config_fn devtape_config;
dev_config_fn devprinter_config;
dev_config_fn devpunch_config;

#endif
