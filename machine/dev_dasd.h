/*
 * dev_dasd.h - the DASD device models: CKD disks (dev_ckd.c: 2311, 2314, 3330, 3340, 3350, 3375,
 * 3380) and FBA disks (dev_fba.c: 3310, 3370), over the images of machine/dasd/.
 *
 * A device is built either by an attach function from an open image handle, or by its
 * dev_config_fn from a Hercules device statement "CUU TYPE FILE [options]" (channel.h). The guest
 * drives it with SIO like the real device; what each channel command does is described in the
 * device's source file. Writes reach the image file when the command that made them ends, so a
 * killed process leaves an image whose every track (CKD) or block (FBA) is either the old one or
 * the new one.
 *
 *	struct ckd *vol;
 *	ckd_open("vm370.3350", false, &vol, NULL);
 *	struct chan_dev *d = devckd_attach(m, 0x190, vol, false);   // the device now owns vol
 */
#ifndef MACHINE_DEV_DASD_H
#define MACHINE_DEV_DASD_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/channel.h"
#include "machine/dasd/dasd.h"

/* Sense bytes of the 3830 and 3880 storage controls (sense command X'04'); the 2311 and 2314
 * controls have 6. */
#define DEVDASD_SENSE_LEN 24

/*
 * Attach a CKD disk at addr over the open volume vol; its device type and model are the volume's
 * (ckd_geom(): a 3330 of 808 cylinders is a 3330-11). readonly makes every write command end in
 * unit check (command reject); it must be true when vol was opened read-only. The device owns vol
 * from then on and closes it when the machine is freed. NULL with errno on failure (EINVAL: not a
 * CKD type this model serves; vol is then still the caller's).
 */
struct chan_dev *devckd_attach(struct machine *m, uint16_t addr, struct ckd *vol, bool readonly);

/*
 * Attach a CKD minidisk at addr: cylinders [first_cyl, first_cyl + ncyls) of the open volume vol,
 * shown to the guest as a disk of ncyls cylinders whose cylinder 0 is real cylinder first_cyl
 * (what is relocated and what is not: dev_ckd.c, "Minidisks"). The device does NOT own vol: many
 * minidisks share one volume, in several machines on several host threads at once, and the
 * caller keeps vol open until every device over it has been freed with its machine. Track reads
 * and writes on one volume are serialised by the image handle (machine/dasd/ckd.c), and the device
 * keeps no track image from one channel program to the next. readonly as for devckd_attach(). NULL
 * with errno: EINVAL (not a CKD type this model serves, ncyls 0, or the extent not inside the
 * volume), or what machine_attach_device() gives (EEXIST, ...).
 */
struct chan_dev *devckd_attach_extent(struct machine *m, uint16_t addr, struct ckd *vol, bool readonly,
				      uint32_t first_cyl, uint32_t ncyls);

/*
 * Attach an FBA disk at addr over the open image vol: a 3310 if the image has at most a 3310's
 * blocks, else a 3370. Ownership and readonly as for devckd_attach().
 */
struct chan_dev *devfba_attach(struct machine *m, uint16_t addr, struct fba *vol, bool readonly);

/*
 * The same with the model named (g: an FBA entry of the geometry table, "3310", "3370",
 * "3370-2") and the device made of blocks [origin, origin + blocks) of the image (blocks 0: to
 * the end of the image), as Hercules' "CUU 3370 file origin count". NULL with errno EINVAL when
 * the range is outside the image or larger than the model.
 */
struct chan_dev *devfba_attach_range(struct machine *m, uint16_t addr, struct fba *vol, bool readonly,
				     const struct dasd_geom *g, uint32_t origin, uint32_t blocks);

/*
 * A channel program is starting on the device (SIO): the file mask (CKD), the extent (FBA) and
 * the command sequence last one channel program. The channel has no such call for devices yet
 * (the intended dev_ops.start has this signature); until a device has been told once, it guesses
 * where programs begin (see dev_ckd.c). d must be a device of that model.
 */
void devckd_program_start(struct chan_dev *d);
void devfba_program_start(struct chan_dev *d);

/*
 * Configuration statements (channel.h):
 *
 *   CUU 2311|2314|3330|3340|3350|3375|3380 file [options]      (devckd_config)
 *   CUU 3310|3370 file [origin [blocks|*]] [options]             (devfba_config)
 *
 * The statement's type must be the image's (a CKD image knows its type; an FBA image must fit the
 * model). Options, any case: ro, readonly, rdonly (the guest cannot write); Hercules options that
 * change nothing the guest sees are accepted and ignored (cu=, ser=, lazywrite, nolazywrite,
 * fulltrackio, fulltrkio, ftio, nofulltrackio, syncio, syncios, nosyncio, nosyncios). A CKD disk
 * takes sf=NAME: the image is a read-only base and the guest's writes go to Hercules-compatible
 * shadow files (machine/dasd/shadow.c); an FBA disk refuses it. Any other option is refused. The
 * device owns the files it opens.
 */
dev_config_fn devckd_config;
dev_config_fn devfba_config;

/* ---- For dev_ckd.c and dev_fba.c: the statement options and messages they share ---- */

enum devdasd_opt {
	DEVDASD_OPT_RO,      /* ro, readonly, rdonly */
	DEVDASD_OPT_IGNORED, /* a Hercules option that changes nothing the guest sees */
	DEVDASD_OPT_SHADOW,  /* sf=: shadow files (CKD only) */
	DEVDASD_OPT_UNKNOWN,
};
enum devdasd_opt devdasd_option(const char *arg);
/* Check the options argv[first..argc) ("TYPE FILE: ..." messages); sets *readonly for ro. */
bool devdasd_options(const char *type, int argc, char *const argv[], int first, bool *readonly, char *err,
		     size_t errlen);
/* "FILE: status text" with the file and offset of w (w->file when set, else file); a hint about
 * the ro option when a read/write open was refused. */
void devdasd_error(char *err, size_t errlen, const char *file, enum dasd_status s, const struct dasd_where *w,
		   bool readonly);

#endif
