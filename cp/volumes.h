/*
 * volumes.h - the system's real volumes: the DASD images in the system directory's volumes/ folder,
 * opened once and kept open while the system runs, found by volume serial.
 *
 *	struct vol_problems pr;
 *	struct volumes *v;
 *	vol_problems_init(&pr);
 *	if (vol_open_dir("sys/volumes", &v, &pr) == VOL_OK) { ... }
 *	for (size_t i = 0; i < pr.n; i++) log pr.v[i].file, pr.v[i].reason;
 *	vol_problems_free(&pr);
 *	struct vol_info vi;
 *	if (vol_find(v, "CAMSYS", &vi)) devckd_attach_extent(m, 0x191, vi.ckd, ...);
 *	...
 *	vol_close_all(v);                 // after every machine using a volume is freed
 *
 * A volume is an image file of the folder: CKD (Hercules CKD_P370, one file) or compressed CKD
 * (CKD_C370), with its IBM VOL1 label at cylinder 0 head 0 record 3 (dasd_ckd_init_volume()), or
 * an FBA image whose block 1 starts with the VOL1 label (EBCDIC "VOL1", then the 6-character
 * volser). vol_open_dir() opens every regular file whose name does not start with '.' read/write
 * and reads its label. What cannot be used is reported as data, one problem per file (file name
 * and reason), never a crash and never printed: a file that is no image or a corrupt one, no
 * label, a file that cannot be opened read/write, a second image with a volser already seen (the
 * first in name order is kept). Split CKD volumes (several files) and shadow files are not volumes
 * here: each such file is reported.
 *
 * Threads: the table does not change once vol_open_dir() has returned, so any number of threads
 * may look volumes up at once. The image handles are shared: machine/dev_ckd.c's minidisks use a
 * CKD handle from several threads (the handle serialises track I/O itself); other users of a
 * handle must keep to the rules of machine/dasd/ckd.c. vol_close_all() must come after every
 * device over the volumes is gone.
 *
 * vol_create() makes a new labelled volume (for the starter system and tests) and
 * vol_create_starter() every volume a directory's MDISK statements name.
 *
 * T-DISK SPACE. The folder may also hold a text file named TDISK (VOL_TDISK_FILE), which is no
 * image: the cylinders of its volumes set aside for temporary disks (cp/tdisk.h describes its
 * lines). vol_open_dir() reads it after the images (its problems go with theirs) and
 * vol_tdisks() gives the space; without the file there is none.
 */
#ifndef CP_VOLUMES_H
#define CP_VOLUMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/dasd/dasd.h"

struct directory;

#define VOL_VOLSER_MAX 6

enum vol_status {
	VOL_OK = 0,
	VOL_ERR_ARG,		/* a bad argument: volser, device type, size */
	VOL_ERR_IO,		/* the folder or a file could not be read, made or written (errno kept) */
	VOL_ERR_NOMEM,
	VOL_ERR_EXISTS,		/* vol_create(): the file is already there */
	VOL_ERR_DASD,		/* the image library failed (see the problem's reason) */
	VOL_ERR_INVALID,	/* vol_create_starter(): the directory's MDISKs cannot all be served */
};
const char *vol_status_str(enum vol_status s);

/* One file that could not be used, or one thing vol_create_starter() could not do. */
struct vol_problem {
	char *file;		/* the path (or the volser, for a starter volume that was not made) */
	char *reason;		/* one line, no newline */
};
struct vol_problems {
	struct vol_problem *v;
	size_t n, cap;
};
void vol_problems_init(struct vol_problems *p);
void vol_problems_free(struct vol_problems *p);
/* Append a problem (printf-style reason, one line); p may be NULL. Without memory it is lost. */
void vol_problem_add(struct vol_problems *p, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What a lookup gives. The pointers stay valid until vol_close_all(). */
struct vol_info {
	char volser[VOL_VOLSER_MAX + 1];
	const char *file;		/* the image's path */
	const struct dasd_geom *geom;	/* device type and model (3350, 3330-11 ...); an FBA image
					 * does not say: the smallest of 3310, 3370, 3370-2 it fits */
	unsigned devtype;		/* the type as the directory writes it: 3350, 3330, 3370 */
	bool fba;
	uint32_t cyls;			/* CKD: cylinders of the image */
	uint32_t blocks;		/* FBA: 512-byte blocks of the image */
	struct ckd *ckd;		/* CKD: the open handle; NULL for FBA */
	struct fba *fbav;		/* FBA: the open handle; NULL for CKD */
};

struct volumes;

/*
 * Open the images in the folder at path. VOL_OK with the table in *out (perhaps with problems, and
 * perhaps empty); VOL_ERR_IO (errno kept) when the folder cannot be read, VOL_ERR_NOMEM; then *out
 * is NULL. Problems are appended to pr (which may be NULL).
 */
enum vol_status vol_open_dir(const char *path, struct volumes **out, struct vol_problems *pr);
/* Close every image (flushing it) and free the table. Accepts NULL. */
void vol_close_all(struct volumes *v);

/* The volume with this volser (any case; trailing blanks ignored): true and *out filled. */
bool vol_find(const struct volumes *v, const char *volser, struct vol_info *out);
/* The volumes in volser order: vol_at(v, 0 .. vol_count(v) - 1). */
size_t vol_count(const struct volumes *v);
bool vol_at(const struct volumes *v, size_t i, struct vol_info *out);

/*
 * Make a new labelled volume in the folder dir (which must exist): type a device type of the
 * geometry table ("3350", "3330-11", "3370"), size cylinders (CKD) or blocks (FBA), 0 for the
 * type's full size; compressed makes a CKD_C370 image (zlib; CKD only). The file is
 * dir/VOLSER.TYPE (".cckd" added when compressed). path (may be NULL) gets the file's path.
 * VOL_ERR_ARG: volser not 1-6 of A-Z 0-9 @ # $, an unknown type, a size beyond the type, a
 * compressed FBA volume; VOL_ERR_EXISTS: the file is there; VOL_ERR_IO/DASD: it could not be
 * made (nothing is left behind).
 */
enum vol_status vol_create(const char *dir, const char *volser, const char *type, uint32_t size, bool compressed,
			   char *path, size_t pathlen);

/*
 * Make the volumes the directory's MDISK statements name (T-DISKs excepted) that the folder dir
 * does not hold yet (a file dir/VOLSER.*): each a compressed volume of the statements' device
 * type at the type's full size (large enough for every extent named on it), labelled with the
 * volser. FBA minidisks get a plain FBA image of the type's blocks. *made (may be NULL) counts the
 * volumes made. VOL_ERR_INVALID with a problem per cause when a volser is named with two device
 * types or an extent does not fit its type (nothing is made for that volser; the others are);
 * the first other failure's status otherwise.
 */
enum vol_status vol_create_starter(const char *dir, const struct directory *d, unsigned *made,
				   struct vol_problems *pr);

/*
 * DEDICATE vaddr volser (cp/directory.h: a dir_dedicate by volser): does the real device of the
 * system's DEVICES file with this type and these arguments (Hercules' statement: argv[0] is the
 * image) hold volume volser? True when type is a DASD type of machine/devices.h and the image, CKD
 * or FBA, carries that VOL1 label (any case; trailing blanks ignored). The image is opened
 * read-only for the look and closed again; a missing, corrupt or unlabelled one is simply false.
 * Any thread.
 */
bool vol_real_device_holds(const char *type, int argc, char *const argv[], const char *volser);

/* The configuration file of the T-disk space, in the volumes folder. */
#define VOL_TDISK_FILE "TDISK"
/* The T-disk space of the volumes (cp/tdisk.h), or NULL when the folder has none (or v is NULL).
 * It lives as long as the table. */
struct tdisk_space;
struct tdisk_space *vol_tdisks(const struct volumes *v);
/* LOGOFF and FORCE: give back every T-disk userid holds on these volumes (tdisk_logoff()); returns
 * how many. Accepts v NULL. Any thread. */
size_t vol_release_tdisks(const struct volumes *v, const char *userid);

/* The device type number a directory writes for a geometry entry: "3330-11" -> 3330. */
unsigned vol_devtype(const struct dasd_geom *g);

#endif
