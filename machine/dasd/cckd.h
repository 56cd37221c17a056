/*
 * cckd.h - private to machine/dasd/: the compressed CKD (CKD_C370) back end of struct ckd.
 *
 * ckd.c owns the file descriptor and the device header; it hands a CKD_C370 file to cckd_attach()
 * and then routes whole-track reads and writes here. Tracks are numbered cc * heads + hh. The
 * buffers are ckd_trksize() bytes; cckd_read() fills one with the track image zero-padded (the
 * caller validates it), cckd_write() takes an image already validated, of used bytes.
 */
#ifndef MACHINE_DASD_CCKD_H
#define MACHINE_DASD_CCKD_H

#include "machine/dasd/dasd.h"

struct cckd;

/* Load the compressed-device header, L1 and L2 tables of fd (devhdr: its first 512 bytes). */
enum dasd_status cckd_attach(int fd, const char *name, bool readonly, const uint8_t *devhdr, uint32_t *cyls,
			     struct cckd **out, struct dasd_where *w);
enum dasd_status cckd_read(struct cckd *k, uint32_t trk, uint8_t *buf, struct dasd_where *w);
enum dasd_status cckd_write(struct cckd *k, uint32_t trk, const uint8_t *img, size_t used, struct dasd_where *w);
/* File offset of trk's stored image; 0 for a null track. */
uint64_t cckd_track_pos(const struct cckd *k, uint32_t trk);
/* Write the free-space table and the header (clearing the "opened" bit) and free k; fd stays open. */
enum dasd_status cckd_detach(struct cckd *k, struct dasd_where *w);
/* Write the headers and an all-zero L1 table of a new volume to the empty file fd. */
enum dasd_status cckd_format(int fd, const char *name, const struct dasd_geom *g, uint32_t cyls,
			     enum dasd_compress algo, struct dasd_where *w);

#endif
