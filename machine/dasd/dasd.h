/*
 * dasd.h - CKD and FBA disk images in Hercules' formats (uncompressed CKD_P370, compressed CKD_C370,
 * shadow files CKD_S370 over either, plain FBA).
 *
 * Sans-I/O where it can be: track images are validated, searched and built in caller buffers by the
 * ckd_track_*() functions, which never touch a file. The handles (struct ckd, struct fba) own the
 * files and move whole track slots or 512-byte blocks with pread/pwrite.
 *
 * Errors: every call returns enum dasd_status; dasd_status_str() gives its text. When a status
 * concerns a place in a file (corrupt header, truncated image, bad track) the optional
 * struct dasd_where gets the file name and byte offset. Nothing here prints.
 *
 * Crash safety: the 512-byte device header is written only when a volume is created; afterwards a
 * track is written in place with one pwrite() of its whole slot, and fba_write() with one pwrite().
 * A track write is validated before it is issued, so a good track is never replaced by a malformed
 * one; a process killed mid-write can leave at most that one slot torn, never the header or another
 * track. ckd_flush()/fba_flush() make acknowledged writes durable (fdatasync). Compressed (CKD_C370)
 * volumes and shadow files write each new track image before the table entry that points at it;
 * cckd.c says what a kill leaves, and the shadow-file section below what changing the stack does.
 *
 * Threads: ckd_read_track(), ckd_write_track() and ckd_flush() may be called on one handle from
 * several threads at once (the handle has a lock: CP's minidisks share a volume between virtual
 * machines); every other call needs the handle to itself.
 */
#ifndef MACHINE_DASD_DASD_H
#define MACHINE_DASD_DASD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dasd_status {
	DASD_OK = 0,
	DASD_E_IO,		/* a host read/write/open failed (errno kept in where->err) */
	DASD_E_NOMEM,
	DASD_E_SHORT_HEADER,	/* file shorter than the 512-byte device header */
	DASD_E_BAD_ID,		/* not a CKD_P370 image */
	DASD_E_COMPRESSED,	/* CCKD64, compressed FBA: not supported; a shadow file opened alone */
	DASD_E_BAD_HEADER,	/* heads, track size, device type or file sequence inconsistent */
	DASD_E_TRUNCATED,	/* file shorter than the cylinders it claims, or a partial cylinder */
	DASD_E_BAD_TRACK,	/* track image with an inconsistent home address or count field */
	DASD_E_RANGE,		/* cylinder, head or block outside the volume */
	DASD_E_NOT_FOUND,	/* no record with that CCHHR on the track */
	DASD_E_END,		/* end of track reached (iteration ends) */
	DASD_E_NO_SPACE,	/* record does not fit on the track */
	DASD_E_UNKNOWN_TYPE,	/* device type not in the geometry table */
	DASD_E_INVAL,		/* bad argument (volser, cylinder count, buffer length) */
	DASD_E_READONLY,	/* write to a volume opened read-only */
	DASD_E_NO_LABEL,	/* no VOL1 label at cylinder 0 head 0 record 3 */
	DASD_E_BAD_COMPRESSION,	/* CCKD track image: unknown compression byte or does not decompress */
	DASD_E_BAD_SHADOW,	/* shadow file of another base, the base itself, or after a gap in the numbers */
	DASD_E_SHADOW_LIMIT,	/* no shadow file to merge or remove, or already CKD_MAX_SHADOWS */
};

/* Track compression of a CKD_C370 volume: the values of the track header's byte 0. */
enum dasd_compress {
	DASD_COMPRESS_NONE = 0,
	DASD_COMPRESS_ZLIB = 1,
	DASD_COMPRESS_BZIP2 = 2,
};

const char *dasd_status_str(enum dasd_status s);

/* Where a status happened: file name (truncated to fit) and byte offset in that file. */
struct dasd_where {
	char file[512];
	uint64_t offset;
	int err;		/* errno for DASD_E_IO, else 0 */
};

/* ---- geometry table (devtab.c, the one source of truth) ---- */

struct dasd_geom {
	const char *name;	/* "3350", "3330-11", "3310" */
	uint16_t type;		/* device type, 0x3350 */
	bool fba;
	uint8_t devtyp;		/* CKD header dh_devtyp byte; 0 for FBA */
	uint32_t cyls;		/* primary cylinders (CKD) */
	uint32_t alt_cyls;
	uint32_t heads;
	uint32_t track_len;	/* track capacity, Hercules "len" */
	uint32_t r1_max;	/* largest key-less R1 data */
	uint32_t trksize;	/* image track slot */
	uint32_t blocks;	/* FBA: 512-byte blocks */
	uint32_t blk_per_grp;	/* FBA: blocks per cyclical group */
	uint32_t blk_per_ap;	/* FBA: blocks per access position */
};

size_t dasd_geom_count(void);
const struct dasd_geom *dasd_geom_at(size_t i);
/* By name ("3350", "3330-11"); a bare type ("3330", "3380") gives its first model. NULL if unknown. */
const struct dasd_geom *dasd_geom_find(const char *name);
/* The CKD model for a header's dh_devtyp and heads, chosen by cylinder count; NULL if none. */
const struct dasd_geom *dasd_geom_ckd(uint8_t devtyp, uint32_t heads, uint32_t cyls);

/* ---- CKD track images (sans-I/O) ---- */

#define CKD_HDR_SIZE	512	/* device header at file offset 0 */
#define CKD_HA_SIZE	5	/* track header: bin, CC, HH */
#define CKD_COUNT_SIZE	8	/* count field: CC HH R KL DL */
#define CKD_MAX_FILES	27

struct ckd_record {
	uint16_t cc, hh;
	uint8_t r, kl;
	uint16_t dl;
	const uint8_t *key;	/* into the track buffer; NULL when kl == 0 */
	const uint8_t *data;	/* into the track buffer */
	size_t offset;		/* of the count field in the track image */
};

/*
 * Validate a track image of len bytes for cylinder cc head hh: home address (bin 0, CCHH of the
 * track), then count fields walked from offset 5, each record with its key and data inside the buffer,
 * ending in the FF x 8 marker. Returns DASD_OK and the used length (through the marker) in *used, or
 * DASD_E_BAD_TRACK with the offending offset in *bad.
 */
enum dasd_status ckd_track_check(const uint8_t *trk, size_t len, uint16_t cc, uint16_t hh, size_t *used,
				 size_t *bad);
/*
 * Iterate records: start with *pos = 0. Returns DASD_OK with *rec filled, DASD_E_END at the marker,
 * DASD_E_BAD_TRACK if a count field runs past len (bounds are checked on every step).
 */
enum dasd_status ckd_track_next(const uint8_t *trk, size_t len, size_t *pos, struct ckd_record *rec);
/* Find the record whose count field is CC HH R (Search ID Equal semantics: count field, not position). */
enum dasd_status ckd_track_find(const uint8_t *trk, size_t len, uint16_t cc, uint16_t hh, uint8_t r,
				struct ckd_record *rec);
/* Build an empty formatted track in trk[0..size): HA, R0 (8 zero bytes), end marker, zeros. */
enum dasd_status ckd_track_format(uint8_t *trk, size_t size, uint16_t cc, uint16_t hh);
/*
 * Append record r (count CC HH of the track) with key/data after the last record of a valid track,
 * moving the end marker. DASD_E_NO_SPACE if it does not fit in size bytes.
 */
enum dasd_status ckd_track_append(uint8_t *trk, size_t size, uint8_t r, const void *key, uint8_t kl,
				  const void *data, uint16_t dl);

/*
 * Write Data / Write Key and Data in place: replace the key (if key != NULL) and data of the record
 * found at rec->offset (from ckd_track_find/next on this buffer). Lengths must equal the count
 * field's (KL, DL), as on the device; else DASD_E_INVAL.
 */
enum dasd_status ckd_track_update(uint8_t *trk, size_t size, const struct ckd_record *rec, const void *key,
				  uint8_t kl, const void *data, uint16_t dl);
/*
 * Erase everything after the record at rec->offset (the first step of Write Count Key Data after
 * it): the end marker moves to just behind that record. rec == NULL erases all records after R0's
 * position too, leaving only the home address (callers then append R0).
 */
enum dasd_status ckd_track_erase_after(uint8_t *trk, size_t size, const struct ckd_record *rec);

/* ---- CKD volumes ---- */

struct ckd;

/*
 * Create a volume of cyls cylinders of geometry g (a CKD entry) at path, every track formatted with
 * HA and R0. cyls_per_file == 0 keeps it in one file; otherwise the volume is split Hercules' way
 * into files of at most that many cylinders, named path with "_1", "_2", ... before the first dot of
 * the base name (or with the character after an existing "_" replaced). Fails if a file exists.
 */
enum dasd_status ckd_create(const char *path, const struct dasd_geom *g, uint32_t cyls, uint32_t cyls_per_file,
			    struct ckd **out, struct dasd_where *where);
/*
 * Create a compressed (CKD_C370) volume of cyls cylinders: device header, compressed-device header
 * (cdh_nullfmt 1, so that unwritten tracks read as HA + R0 + end marker like ckd_create()'s) and an
 * empty L1 table; tracks written later are compressed with algo. Fails if the file exists.
 */
enum dasd_status ckd_create_compressed(const char *path, const struct dasd_geom *g, uint32_t cyls,
				       enum dasd_compress algo, struct ckd **out, struct dasd_where *where);
/*
 * Open a volume by its (first) file name; the other files of a split volume are found by name.
 * A CKD_C370 file is opened as a compressed volume (same track API). Opening one read/write sets the
 * header's "opened" bit until ckd_close(); see cckd.c for what a crash leaves.
 */
enum dasd_status ckd_open(const char *path, bool readonly, struct ckd **out, struct dasd_where *where);
/* Close; returns the first error of the final flush. Accepts NULL. */
enum dasd_status ckd_close(struct ckd *c);
enum dasd_status ckd_flush(struct ckd *c);

const struct dasd_geom *ckd_geom(const struct ckd *c);
uint32_t ckd_cyls(const struct ckd *c);
uint32_t ckd_heads(const struct ckd *c);
uint32_t ckd_trksize(const struct ckd *c);
unsigned ckd_files(const struct ckd *c);
/* True for a CKD_C370 volume. */
bool ckd_compressed(const struct ckd *c);
/* The where of the last failing call on this handle. */
const struct dasd_where *ckd_where(const struct ckd *c);
/* File name and byte offset of track (cc, hh) slot; for messages and tests. */
enum dasd_status ckd_track_offset(const struct ckd *c, uint32_t cc, uint32_t hh, const char **file,
				  uint64_t *offset);

/* Read the slot of track (cc, hh) into buf (ckd_trksize() bytes) and validate it. */
enum dasd_status ckd_read_track(struct ckd *c, uint32_t cc, uint32_t hh, uint8_t *buf);
/* Validate the len-byte track image and write it zero-padded as the slot of (cc, hh). */
enum dasd_status ckd_write_track(struct ckd *c, uint32_t cc, uint32_t hh, const uint8_t *buf, size_t len);

/*
 * Check a CKD_C370 file without going through ckd_open (cckd.c): header, L1 and L2 entries inside
 * the file, no two extents (tables, track images) overlapping, every stored track decompressing to a
 * valid track image of its own CCHH, and the recorded free space equal to the gaps between extents.
 * repair: drop (make null tracks of) every bad L1/L2 entry, rebuild the free space and clear the
 * "opened" bit. Returns DASD_OK when nothing was wrong (or everything was repaired), else the first
 * problem's status, with r->where naming file and offset.
 */
struct cckd_report {
	uint32_t tracks, stored, l2_tables;	/* tracks of the volume; with an image; L2 tables */
	uint32_t problems;			/* inconsistencies found */
	uint32_t dropped;			/* L1/L2 entries that are (repair: were) dropped */
	uint32_t free_blocks;			/* gaps between extents (rebuilt free space) */
	uint64_t free_bytes, file_size;
	bool not_closed;			/* "opened" bit set: not closed cleanly */
	bool shadow;				/* a CKD_S370 shadow file */
	uint32_t held;				/* tracks the file has (a shadow: not "not here") */
	bool free_bad;				/* recorded free space differs from the gaps */
	enum dasd_compress algo;		/* the header's default compression */
	enum dasd_status first;
	struct dasd_where where;
};
enum dasd_status ckd_check_compressed(const char *path, bool repair, struct cckd_report *r);

/* ---- shadow files (shadow.c) ---- */

/*
 * A read-only base volume (plain or compressed CKD) with up to CKD_MAX_SHADOWS shadow files over
 * it, numbered 1 up: compressed (CKD_S370) files that hold the tracks written since each was made.
 * A track is read from the newest shadow that has it, else from the base; writes go to the newest
 * (current) shadow, so the base file is never written except by merging the first shadow into it.
 * Hercules' layout and naming (its "sf=" option), so that both read each other's stacks over a
 * CCKD base (Hercules refuses shadows over a plain CKD base; we allow them).
 *
 * Naming: sf is a template; the character before the last '.' of its file name (or its last
 * character, if the name has no '.') is replaced by the shadow number 1-8, by convention a '*':
 * "shadows/vm_*.cckd" names shadows/vm_1.cckd, shadows/vm_2.cckd, ... The shadows present are
 * 1 .. n without a gap.
 *
 * A shadow's device header is a copy of the base's (identifier CKD_S370, same heads, track size,
 * device type and serial) and its compressed header the base's emptied (same cylinders, byte
 * order, compression); one whose header does not match the base is refused (DASD_E_BAD_SHADOW).
 * Crash safety as for CKD_C370: a new shadow appears under its name only complete (written under a
 * temporary name, then linked); in it each track image is written before the table entry that
 * points at it. A merge copies tracks one by one and deletes the merged shadow only at the end, so
 * a merge cut short leaves the same contents visible (the merged shadow still on top); run it again.
 */
#define CKD_MAX_SHADOWS 8

/*
 * Open base read-only and the shadow files sf names that exist, in order; the newest read/write
 * unless readonly (then writes fail with DASD_E_READONLY). Opened read/write with no shadow yet,
 * shadow 1 is created; a newest shadow that cannot be opened read/write (permissions) gets a new
 * one over it, as in Hercules.
 */
enum dasd_status ckd_open_shadow(const char *base, const char *sf, bool readonly, struct ckd **out,
				 struct dasd_where *where);

struct ckd_shadow_info {
	const char *file;	/* valid until the stack changes */
	uint32_t tracks;	/* tracks the file has: all for the base */
	uint32_t stored;	/* of those, with a track image (the rest: null tracks) */
	uint64_t size;		/* bytes (a split base: all its files) */
	bool current;		/* writes go to this file */
};
/* Shadow files over c (0 for a volume opened without, or after merging or removing the last). */
unsigned ckd_shadow_count(const struct ckd *c);
/* File i of c's stack: 0 the base, 1 .. ckd_shadow_count() the shadows. */
enum dasd_status ckd_shadow_info(const struct ckd *c, unsigned i, struct ckd_shadow_info *info);
/* Put a new empty shadow file over the current one (Hercules "sf+"); the old one becomes read-only. */
enum dasd_status ckd_shadow_add(struct ckd *c);
/*
 * Merge the newest shadow into the file below it and delete it (Hercules "sf-" with merge): the
 * shadow below becomes the current one. Into the base only with into_base (Hercules' "force"): the
 * base file is rewritten track by track and no shadow is left, so writes fail (DASD_E_READONLY)
 * until ckd_shadow_add().
 */
enum dasd_status ckd_shadow_merge(struct ckd *c, bool into_base);
/* Delete the newest shadow, dropping what was written to it (Hercules "sf-" nomerge). */
enum dasd_status ckd_shadow_remove(struct ckd *c);
/* Check shadow file i (1 .. ckd_shadow_count()) as ckd_check_compressed() does, without repair. */
enum dasd_status ckd_shadow_check(struct ckd *c, unsigned i, struct cckd_report *r);

/* ---- volume label and VTOC (vtoc.c) ---- */

/*
 * Write the IBM volume layout on cylinder 0: track 0 with R1 IPL1, R2 IPL2, R3 VOL1 (volser, VTOC at
 * CCHHR 0,1,1, owner CAMBRIDGE); track 1 the VTOC: R1 format-4 DSCB, R2 format-5 DSCB (marked for
 * rebuild), then empty format-0 DSCBs to the end of the track. volser: 1-6 characters A-Z 0-9 @#$.
 */
enum dasd_status dasd_ckd_init_volume(struct ckd *c, const char *volser);

struct dasd_label {
	char volser[7];		/* ASCII, NUL-terminated, trailing blanks removed */
	char owner[11];
	uint16_t vtoc_cc, vtoc_hh;
	uint8_t vtoc_r;
};
enum dasd_status dasd_ckd_read_label(struct ckd *c, struct dasd_label *l);
/*
 * Call fn (may be NULL) for every format-1 DSCB in the VTOC (data set name in ASCII, blanks trimmed). Returns
 * DASD_E_NOT_FOUND if the label's VTOC pointer does not lead to a format-4 DSCB.
 */
enum dasd_status dasd_ckd_vtoc_walk(struct ckd *c, void (*fn)(void *arg, const char *dsname), void *arg,
				    unsigned *dscbs);

/* ---- FBA volumes ---- */

#define FBA_BLOCK 512

struct fba;

/* Create a flat zero-filled image of blocks 512-byte blocks (0: the device's block count). */
enum dasd_status fba_create(const char *path, const struct dasd_geom *g, uint32_t blocks, struct fba **out,
			    struct dasd_where *where);
/* Open a plain FBA image; the block count is the file size / 512 (a partial block is TRUNCATED). */
enum dasd_status fba_open(const char *path, bool readonly, struct fba **out, struct dasd_where *where);
enum dasd_status fba_close(struct fba *f);
enum dasd_status fba_flush(struct fba *f);
uint32_t fba_blocks(const struct fba *f);
const struct dasd_where *fba_where(const struct fba *f);
enum dasd_status fba_read(struct fba *f, uint32_t block, uint32_t count, void *buf);
enum dasd_status fba_write(struct fba *f, uint32_t block, uint32_t count, const void *buf);

#endif
