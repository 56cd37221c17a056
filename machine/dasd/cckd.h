/*
 * cckd.h - private to machine/dasd/: the compressed CKD (CKD_C370) back end of struct ckd, the
 * shadow-file stack (shadow.c) as ckd.c sees it, and what shadow.c needs of ckd.c.
 *
 * ckd.c owns the file descriptor and the device header; it hands a CKD_C370 file to cckd_attach()
 * and then routes whole-track reads and writes here. Tracks are numbered cc * heads + hh. The
 * buffers are ckd_trksize() bytes; cckd_read() fills one with the track image zero-padded (the
 * caller validates it), cckd_write() takes an image already validated, of used bytes.
 *
 * A shadow file (CKD_S370) is attached the same way by shadow.c; in it a track may be "not here"
 * (cckd_holds() false): cckd_read() then returns DASD_E_NOT_FOUND and the reader looks below.
 */
#ifndef MACHINE_DASD_CCKD_H
#define MACHINE_DASD_CCKD_H

#include "machine/dasd/dasd.h"

/* L1 entry or L2 offset of a shadow file: the track (group) is not in this file. */
#define CCKD_NOT_HERE 0xFFFFFFFFu

struct cckd;

/*
 * Load the compressed-device header, L1 and L2 tables of fd (devhdr: its first 512 bytes,
 * "CKD_C370" or, for a shadow file, "CKD_S370").
 */
enum dasd_status cckd_attach(int fd, const char *name, bool readonly, const uint8_t *devhdr, uint32_t *cyls,
			     struct cckd **out, struct dasd_where *w);
enum dasd_status cckd_read(struct cckd *k, uint32_t trk, uint8_t *buf, struct dasd_where *w);
enum dasd_status cckd_write(struct cckd *k, uint32_t trk, const uint8_t *img, size_t used, struct dasd_where *w);
/* File offset of trk's stored image; 0 for a null track or one not in this file. */
uint64_t cckd_track_pos(const struct cckd *k, uint32_t trk);
/* Whether the file has trk: always for a base file; for a shadow file unless its L1/L2 say "not here". */
bool cckd_holds(const struct cckd *k, uint32_t trk);
/* Tracks the file has (cckd_holds), and how many of them have a stored image (the rest are null). */
void cckd_count(const struct cckd *k, uint32_t *held, uint32_t *stored);
/* Write the free-space table and the header (clearing the "opened" bit) and free k; fd stays open. */
enum dasd_status cckd_detach(struct cckd *k, struct dasd_where *w);
/* Write the headers and an all-zero L1 table of a new volume to the empty file fd. */
enum dasd_status cckd_format(int fd, const char *name, const struct dasd_geom *g, uint32_t cyls,
			     enum dasd_compress algo, struct dasd_where *w);
/*
 * Write the headers and the L1 table of a new, empty shadow file to the empty file fd: the device
 * header devhdr (the base's first 512 bytes) as "CKD_S370"; the base's compressed-device header cdh
 * emptied (NULL for a plain CKD base: a new one for cyls cylinders of g, null format 1, zlib); every
 * L1 entry "not here".
 */
enum dasd_status cckd_format_shadow(int fd, const char *name, const uint8_t *devhdr, const uint8_t *cdh,
				    const struct dasd_geom *g, uint32_t cyls, struct dasd_where *w);
/* ckd_check_compressed() of a CKD_C370 or CKD_S370 file; live: the file is open read/write in this
 * process, so its "opened" bit and missing free-space record are not problems. */
enum dasd_status cckd_check_file(const char *path, bool repair, bool live, struct cckd_report *r);

/* ---- the shadow stack of a struct ckd (shadow.c), called by ckd.c ---- */

struct shadow_stack;

/*
 * Read trk from the newest shadow file that has it: DASD_OK with the image in buf (trksize bytes,
 * not yet validated) and the file name and image offset in *file and *pos; DASD_E_NOT_FOUND when
 * no shadow has it (read the base).
 */
enum dasd_status shadow_read(struct shadow_stack *s, uint32_t trk, uint8_t *buf, const char **file,
			     uint64_t *pos, struct dasd_where *w);
/* If a shadow has trk: true with that file's name and the track image's offset (0: a null track). */
bool shadow_locate(const struct shadow_stack *s, uint32_t trk, const char **file, uint64_t *pos);
/* Write a validated image of used bytes to the current (newest) shadow. */
enum dasd_status shadow_write(struct shadow_stack *s, uint32_t trk, const uint8_t *img, size_t used,
			      struct dasd_where *w);
/* True when writes go to a shadow file (opened read/write and a shadow exists). */
bool shadow_writable(const struct shadow_stack *s);
enum dasd_status shadow_flush(struct shadow_stack *s, struct dasd_where *w);
/* Close every shadow file (the current one gets its clean header) and free s. Accepts NULL. */
enum dasd_status shadow_close(struct shadow_stack *s, struct dasd_where *w);

/* ---- what shadow.c needs of ckd.c ---- */

/* Give c its shadow stack (c owns it from then on); the stack of c, or NULL. */
void ckd_set_shadows(struct ckd *c, struct shadow_stack *s);
struct shadow_stack *ckd_get_shadows(const struct ckd *c);
/* Where c's calls record a failing status (ckd_where() is the read-only view). */
struct dasd_where *ckd_where_rw(struct ckd *c);
/* Name of file i of c's base volume (i < ckd_files()). */
const char *ckd_file_name(const struct ckd *c, unsigned i);
/* c's base compressed tables, or NULL for a plain CKD base. */
struct cckd *ckd_base_cckd(const struct ckd *c);
/* Replace c's base (files, tables) by n's and free the rest of n; c keeps its shadows. */
void ckd_replace_base(struct ckd *c, struct ckd *n);

#endif
