/*
 * ckd.c - uncompressed CKD images (Hercules CKD_P370): device header, track slots, split volumes,
 * and the sans-I/O track image helpers.
 *
 * File layout: 512-byte header (id, heads LE32, trksize LE32, devtyp, fileseq, highcyl LE16), then
 * track slots of trksize bytes, track t of the file at 512 + (t - first track of file) * trksize.
 * Invariant of an open struct ckd: files[i] hold cylinders first_cyl .. first_cyl + ncyls - 1, in
 * order, without gaps, and each file is at least 512 + ncyls * heads * trksize bytes long.
 *
 * A volume opened with shadow files (shadow.c) has its base here, opened read-only, and the stack in
 * sf: reads ask the stack first, writes go only to it.
 *
 * Threads. ckd_read_track(), ckd_write_track() and ckd_flush() take the handle's lock, so several
 * threads may move tracks of one volume at once (many minidisks over one real volume, each driven
 * by its own virtual machine): each call sees and leaves the whole old or the whole new image of
 * its track, and a compressed volume's or a shadow stack's tables change under the lock. Everything
 * else on a handle (opening, closing, the shadow-file calls, the volume label and VTOC helpers,
 * which read and write several tracks) needs the caller to use the handle alone; ckd_where() of a
 * handle in shared use may describe another thread's failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/be.h"
#include "machine/dasd/cckd.h"
#include "machine/dasd/dasd.h"

struct ckd_file {
	int fd;
	char *name;
	uint32_t first_cyl;
	uint32_t ncyls;
};

struct ckd {
	const struct dasd_geom *geom;
	uint32_t heads, trksize, cyls;
	bool readonly;
	unsigned nfiles;
	struct ckd_file files[CKD_MAX_FILES];
	struct dasd_where where;
	struct cckd *cckd;	/* CKD_C370 volume (one file): its tables; NULL for CKD_P370 */
	struct shadow_stack *sf;	/* shadow files over this base; NULL without */
	pthread_mutex_t lock;	/* held by ckd_read_track, ckd_write_track, ckd_flush */
};

static const uint8_t eot[CKD_COUNT_SIZE] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

const char *dasd_status_str(enum dasd_status s)
{
	switch (s) {
	case DASD_OK: return "success";
	case DASD_E_IO: return "host I/O error";
	case DASD_E_NOMEM: return "out of memory";
	case DASD_E_SHORT_HEADER: return "file shorter than the 512-byte device header";
	case DASD_E_BAD_ID: return "not a CKD image (unknown device header identifier)";
	case DASD_E_COMPRESSED:
		return "CCKD64 and compressed FBA images are not supported; a shadow file opens only with its base (sf=)";
	case DASD_E_BAD_HEADER: return "inconsistent device header (heads, track size, type or file sequence)";
	case DASD_E_TRUNCATED: return "image file shorter than its cylinders, or than an extent its tables point to";
	case DASD_E_BAD_TRACK: return "track image with an inconsistent home address or count field";
	case DASD_E_RANGE: return "cylinder, head or block outside the volume";
	case DASD_E_NOT_FOUND: return "record not found";
	case DASD_E_END: return "end of track";
	case DASD_E_NO_SPACE: return "record does not fit on the track";
	case DASD_E_UNKNOWN_TYPE: return "unknown device type";
	case DASD_E_INVAL: return "invalid argument";
	case DASD_E_READONLY: return "volume is read-only";
	case DASD_E_NO_LABEL: return "no VOL1 label";
	case DASD_E_BAD_COMPRESSION: return "track image with an unknown compression or that does not decompress";
	case DASD_E_BAD_SHADOW:
		return "shadow file not of this base (device header, serial or cylinders differ), the base itself, "
		       "or out of sequence";
	case DASD_E_SHADOW_LIMIT: return "no shadow file to merge or remove, or already 8 (the most Hercules allows)";
	}
	return "unknown status";
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static enum dasd_status at(struct dasd_where *w, enum dasd_status s, const char *file, uint64_t off, int err)
{
	if (w) {
		snprintf(w->file, sizeof w->file, "%s", file ? file : "");
		w->offset = off;
		w->err = err;
	}
	return s;
}

/* ---- track images ---- */

enum dasd_status ckd_track_next(const uint8_t *trk, size_t len, size_t *pos, struct ckd_record *rec)
{
	size_t p = *pos ? *pos : CKD_HA_SIZE;

	if (p > len || len - p < CKD_COUNT_SIZE)
		return DASD_E_BAD_TRACK;
	if (!memcmp(trk + p, eot, CKD_COUNT_SIZE)) {
		*pos = p;
		return DASD_E_END;
	}
	rec->cc = be16(trk + p);
	rec->hh = be16(trk + p + 2);
	rec->r = trk[p + 4];
	rec->kl = trk[p + 5];
	rec->dl = be16(trk + p + 6);
	rec->offset = p;
	/* Record and a following count field (or marker) must fit. */
	size_t need = (size_t)CKD_COUNT_SIZE + rec->kl + rec->dl + CKD_COUNT_SIZE;
	if (len - p < need)
		return DASD_E_BAD_TRACK;
	rec->key = rec->kl ? trk + p + CKD_COUNT_SIZE : NULL;
	rec->data = trk + p + CKD_COUNT_SIZE + rec->kl;
	*pos = p + CKD_COUNT_SIZE + rec->kl + rec->dl;
	return DASD_OK;
}

enum dasd_status ckd_track_check(const uint8_t *trk, size_t len, uint16_t cc, uint16_t hh, size_t *used,
				 size_t *bad)
{
	struct ckd_record rec;
	size_t pos = 0, last;
	enum dasd_status s;

	if (len < CKD_HA_SIZE + CKD_COUNT_SIZE || trk[0] != 0 || be16(trk + 1) != cc || be16(trk + 3) != hh) {
		if (bad)
			*bad = 0;
		return DASD_E_BAD_TRACK;
	}
	for (;;) {
		last = pos ? pos : CKD_HA_SIZE;
		s = ckd_track_next(trk, len, &pos, &rec);
		if (s == DASD_E_END)
			break;
		if (s != DASD_OK) {
			if (bad)
				*bad = last;
			return s;
		}
	}
	if (used)
		*used = pos + CKD_COUNT_SIZE;
	return DASD_OK;
}

enum dasd_status ckd_track_find(const uint8_t *trk, size_t len, uint16_t cc, uint16_t hh, uint8_t r,
				struct ckd_record *rec)
{
	size_t pos = 0;
	enum dasd_status s;

	while ((s = ckd_track_next(trk, len, &pos, rec)) == DASD_OK)
		if (rec->cc == cc && rec->hh == hh && rec->r == r)
			return DASD_OK;
	return s == DASD_E_END ? DASD_E_NOT_FOUND : s;
}

enum dasd_status ckd_track_format(uint8_t *trk, size_t size, uint16_t cc, uint16_t hh)
{
	if (size < CKD_HA_SIZE + 2 * CKD_COUNT_SIZE + 8)
		return DASD_E_INVAL;
	memset(trk, 0, size);
	put_be16(trk + 1, cc);
	put_be16(trk + 3, hh);
	uint8_t *r0 = trk + CKD_HA_SIZE;
	put_be16(r0, cc);
	put_be16(r0 + 2, hh);
	put_be16(r0 + 6, 8);
	memcpy(r0 + CKD_COUNT_SIZE + 8, eot, CKD_COUNT_SIZE);
	return DASD_OK;
}

enum dasd_status ckd_track_append(uint8_t *trk, size_t size, uint8_t r, const void *key, uint8_t kl,
				  const void *data, uint16_t dl)
{
	size_t used;
	enum dasd_status s = ckd_track_check(trk, size, be16(trk + 1), be16(trk + 3), &used, NULL);

	if (s != DASD_OK)
		return s;
	size_t p = used - CKD_COUNT_SIZE;	/* the marker */
	if (size - p < (size_t)CKD_COUNT_SIZE + kl + dl + CKD_COUNT_SIZE)
		return DASD_E_NO_SPACE;
	memcpy(trk + p, trk + 1, 4);
	trk[p + 4] = r;
	trk[p + 5] = kl;
	put_be16(trk + p + 6, dl);
	if (kl)
		memcpy(trk + p + CKD_COUNT_SIZE, key, kl);
	if (dl)
		memcpy(trk + p + CKD_COUNT_SIZE + kl, data, dl);
	memcpy(trk + p + CKD_COUNT_SIZE + kl + dl, eot, CKD_COUNT_SIZE);
	return DASD_OK;
}

enum dasd_status ckd_track_update(uint8_t *trk, size_t size, const struct ckd_record *rec, const void *key,
				  uint8_t kl, const void *data, uint16_t dl)
{
	size_t p = rec->offset;

	if (p < CKD_HA_SIZE || p > size || size - p < CKD_COUNT_SIZE)
		return DASD_E_INVAL;
	if (trk[p + 5] != kl || be16(trk + p + 6) != dl ||
	    size - p < (size_t)CKD_COUNT_SIZE + kl + dl + CKD_COUNT_SIZE)
		return DASD_E_INVAL;
	if (key && kl)
		memcpy(trk + p + CKD_COUNT_SIZE, key, kl);
	if (dl)
		memcpy(trk + p + CKD_COUNT_SIZE + kl, data, dl);
	return DASD_OK;
}

enum dasd_status ckd_track_erase_after(uint8_t *trk, size_t size, const struct ckd_record *rec)
{
	size_t end = CKD_HA_SIZE;

	if (rec) {
		if (rec->offset < CKD_HA_SIZE || rec->offset > size)
			return DASD_E_INVAL;
		end = rec->offset + CKD_COUNT_SIZE + rec->kl + rec->dl;
	}
	if (end > size || size - end < CKD_COUNT_SIZE)
		return DASD_E_INVAL;
	memcpy(trk + end, eot, CKD_COUNT_SIZE);
	memset(trk + end + CKD_COUNT_SIZE, 0, size - end - CKD_COUNT_SIZE);
	return DASD_OK;
}

/* ---- file names of split volumes ---- */

/*
 * The name of file seq (1-based) of a split volume derived from name: the character before the first
 * dot of the base name (or the end) is the sequence character '1'..'9', 'A'.. if it follows "_";
 * otherwise "_<seq>" is inserted there. Returns a malloc'd string or NULL.
 */
static char *seq_name(const char *name, unsigned seq, bool insert)
{
	size_t n = strlen(name);
	char *out = malloc(n + 3);

	if (!out)
		return NULL;
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	const char *dot = strchr(base, '.');
	size_t at_ = dot ? (size_t)(dot - name) : n;
	char c = seq <= 9 ? (char)('0' + seq) : (char)('A' + seq - 10);

	if (insert) {
		memcpy(out, name, at_);
		out[at_] = '_';
		out[at_ + 1] = c;
		memcpy(out + at_ + 2, name + at_, n - at_ + 1);
	} else {
		memcpy(out, name, n + 1);
		if (at_ >= 2 && name + at_ - 2 >= base && name[at_ - 2] == '_')
			out[at_ - 1] = c;
		else {
			free(out);
			return NULL;
		}
	}
	return out;
}

/* ---- volumes ---- */

static void free_ckd(struct ckd *c)
{
	shadow_close(c->sf, NULL);
	c->sf = NULL;
	cckd_detach(c->cckd, NULL);
	c->cckd = NULL;
	for (unsigned i = 0; i < c->nfiles; i++) {
		if (c->files[i].fd >= 0)
			close(c->files[i].fd);
		free(c->files[i].name);
	}
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static void make_header(uint8_t *h, const struct ckd *c, unsigned seq, uint16_t highcyl)
{
	memset(h, 0, CKD_HDR_SIZE);
	memcpy(h, "CKD_P370", 8);
	put_le32(h + 8, c->heads);
	put_le32(h + 12, c->trksize);
	h[16] = c->geom->devtyp;
	h[17] = seq;
	h[18] = highcyl;
	h[19] = highcyl >> 8;
	/* dh_serial: informational; a time-derived ASCII number. */
	snprintf((char *)h + 20, 13, "%012lu", (unsigned long)time(NULL) % 1000000000000UL);
}

enum dasd_status ckd_create(const char *path, const struct dasd_geom *g, uint32_t cyls, uint32_t cyls_per_file,
			    struct ckd **out, struct dasd_where *where)
{
	*out = NULL;
	if (!g || g->fba)
		return DASD_E_UNKNOWN_TYPE;
	if (cyls == 0 || cyls > 65520)
		return DASD_E_INVAL;
	unsigned nfiles = 1;
	if (cyls_per_file && cyls > cyls_per_file)
		nfiles = (cyls + cyls_per_file - 1) / cyls_per_file;
	if (nfiles > CKD_MAX_FILES)
		return DASD_E_INVAL;

	struct ckd *c = calloc(1, sizeof *c);
	uint8_t *trk = malloc(g->trksize);
	uint8_t hdr[CKD_HDR_SIZE];
	enum dasd_status s = DASD_OK;

	if (!c || !trk) {
		free(c);
		free(trk);
		return DASD_E_NOMEM;
	}
	pthread_mutex_init(&c->lock, NULL);
	c->geom = g;
	c->heads = g->heads;
	c->trksize = g->trksize;
	c->cyls = cyls;
	for (unsigned i = 0; i < nfiles && s == DASD_OK; i++) {
		struct ckd_file *f = &c->files[i];

		f->fd = -1;
		c->nfiles++;
		f->name = nfiles == 1 ? strdup(path) : seq_name(path, i + 1, true);
		if (!f->name) {
			s = DASD_E_NOMEM;
			break;
		}
		f->first_cyl = i * cyls_per_file;
		f->ncyls = i + 1 < nfiles ? cyls_per_file : cyls - f->first_cyl;
		f->fd = open(f->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (f->fd < 0) {
			s = at(where, DASD_E_IO, f->name, 0, errno);
			break;
		}
		make_header(hdr, c, nfiles == 1 ? 0 : i + 1,
			    i + 1 < nfiles ? f->first_cyl + f->ncyls - 1 : 0);
		if (pwrite(f->fd, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr) {
			s = at(where, DASD_E_IO, f->name, 0, errno);
			break;
		}
		for (uint32_t cc = f->first_cyl; cc < f->first_cyl + f->ncyls && s == DASD_OK; cc++)
			for (uint32_t hh = 0; hh < c->heads; hh++) {
				uint64_t off = CKD_HDR_SIZE +
					((uint64_t)(cc - f->first_cyl) * c->heads + hh) * c->trksize;
				ckd_track_format(trk, c->trksize, cc, hh);
				if (pwrite(f->fd, trk, c->trksize, off) != (ssize_t)c->trksize) {
					s = at(where, DASD_E_IO, f->name, off, errno);
					break;
				}
			}
	}
	free(trk);
	if (s != DASD_OK) {
		/* Remove the files this call created (O_EXCL: they were not there before). */
		for (unsigned i = 0; i < c->nfiles; i++)
			if (c->files[i].fd >= 0)
				unlink(c->files[i].name);
		free_ckd(c);
		return s;
	}
	*out = c;
	return DASD_OK;
}

/* Read and check the header of one file; fills f and the geometry fields of c on the first file. */
static enum dasd_status open_file(struct ckd *c, struct ckd_file *f, unsigned idx, unsigned *seq,
				  uint32_t *highcyl, struct dasd_where *w)
{
	uint8_t h[CKD_HDR_SIZE];
	struct stat st;
	ssize_t n;

	f->fd = open(f->name, (c->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (f->fd < 0)
		return at(w, DASD_E_IO, f->name, 0, errno);
	if (fstat(f->fd, &st) < 0)
		return at(w, DASD_E_IO, f->name, 0, errno);
	n = pread(f->fd, h, sizeof h, 0);
	if (n < 0)
		return at(w, DASD_E_IO, f->name, 0, errno);
	if (idx == 0 && n == (ssize_t)sizeof h && !memcmp(h, "CKD_C370", 8)) {
		uint32_t cyls;
		enum dasd_status s = cckd_attach(f->fd, f->name, c->readonly, h, &cyls, &c->cckd, w);
		if (s != DASD_OK)
			return s;
		c->heads = le32(h + 8);
		c->trksize = le32(h + 12);
		c->geom = dasd_geom_ckd(h[16], c->heads, cyls);
		if (!c->geom || c->geom->trksize != c->trksize)
			return at(w, DASD_E_BAD_HEADER, f->name, c->geom ? 12 : 16, 0);
		f->ncyls = cyls;
		*seq = 0;
		*highcyl = 0;
		return DASD_OK;
	}
	if (n >= 8 && (!memcmp(h, "CKD_C370", 8) || !memcmp(h, "CKD_S370", 8) || !memcmp(h, "CKD_C064", 8) ||
		       !memcmp(h, "CKD_S064", 8) || !memcmp(h, "FBA_C370", 8) || !memcmp(h, "FBA_C064", 8)))
		return at(w, DASD_E_COMPRESSED, f->name, 0, 0);
	if (n < (ssize_t)sizeof h)
		return at(w, DASD_E_SHORT_HEADER, f->name, (uint64_t)n, 0);
	if (memcmp(h, "CKD_P370", 8))
		return at(w, DASD_E_BAD_ID, f->name, 0, 0);
	uint32_t heads = le32(h + 8), trksize = le32(h + 12);
	*seq = h[17];
	*highcyl = h[18] | (uint32_t)h[19] << 8;
	if (idx == 0) {
		c->heads = heads;
		c->trksize = trksize;
		c->geom = dasd_geom_ckd(h[16], heads, 0);
		if (!c->geom) {
			/* Known type with other heads: the heads field is wrong; else the type byte. */
			bool known = false;
			for (size_t i = 0; i < dasd_geom_count(); i++)
				known |= !dasd_geom_at(i)->fba && dasd_geom_at(i)->devtyp == h[16];
			return at(w, DASD_E_BAD_HEADER, f->name, known ? 8 : 16, 0);
		}
		if (trksize != c->geom->trksize)
			return at(w, DASD_E_BAD_HEADER, f->name, 12, 0);
	} else if (heads != c->heads) {
		return at(w, DASD_E_BAD_HEADER, f->name, 8, 0);
	} else if (trksize != c->trksize) {
		return at(w, DASD_E_BAD_HEADER, f->name, 12, 0);
	} else if (h[16] != c->geom->devtyp) {
		return at(w, DASD_E_BAD_HEADER, f->name, 16, 0);
	}
	if ((idx == 0 && *seq > 1) || (idx > 0 && *seq != idx + 1))
		return at(w, DASD_E_BAD_HEADER, f->name, 17, 0);

	uint64_t cylbytes = (uint64_t)c->heads * c->trksize;
	uint64_t size = (uint64_t)st.st_size;
	bool last = *seq == 0 || *highcyl == 0;
	if (last) {
		uint64_t body = size - CKD_HDR_SIZE;
		if (body % cylbytes)
			return at(w, DASD_E_TRUNCATED, f->name, CKD_HDR_SIZE + body / cylbytes * cylbytes, 0);
		f->ncyls = body / cylbytes;
		if (f->ncyls == 0)
			return at(w, DASD_E_TRUNCATED, f->name, size, 0);
	} else {
		if (*highcyl < f->first_cyl)
			return at(w, DASD_E_BAD_HEADER, f->name, 18, 0);
		f->ncyls = *highcyl - f->first_cyl + 1;
		if (size < CKD_HDR_SIZE + f->ncyls * cylbytes)
			return at(w, DASD_E_TRUNCATED, f->name, size, 0);
	}
	return DASD_OK;
}

enum dasd_status ckd_open(const char *path, bool readonly, struct ckd **out, struct dasd_where *where)
{
	struct ckd *c = calloc(1, sizeof *c);
	enum dasd_status s = DASD_OK;
	uint32_t first = 0;

	*out = NULL;
	if (!c)
		return DASD_E_NOMEM;
	pthread_mutex_init(&c->lock, NULL);
	c->readonly = readonly;
	for (unsigned i = 0; i < CKD_MAX_FILES; i++) {
		struct ckd_file *f = &c->files[i];
		unsigned seq;
		uint32_t highcyl;

		f->fd = -1;
		c->nfiles++;
		f->name = i == 0 ? strdup(path) : seq_name(path, i + 1, false);
		if (!f->name) {
			s = i == 0 ? DASD_E_NOMEM : at(where, DASD_E_BAD_HEADER, c->files[0].name, 17, 0);
			break;
		}
		f->first_cyl = first;
		s = open_file(c, f, i, &seq, &highcyl, where);
		if (s != DASD_OK)
			break;
		first += f->ncyls;
		if (seq == 0 || highcyl == 0)
			break;
		if (i + 1 == CKD_MAX_FILES)
			s = at(where, DASD_E_BAD_HEADER, f->name, 18, 0);
	}
	if (s == DASD_OK && first > 65536)
		s = at(where, DASD_E_BAD_HEADER, c->files[0].name, 18, 0);
	if (s != DASD_OK) {
		free_ckd(c);
		return s;
	}
	c->cyls = first;
	c->geom = dasd_geom_ckd(c->geom->devtyp, c->heads, c->cyls);
	*out = c;
	return DASD_OK;
}

enum dasd_status ckd_create_compressed(const char *path, const struct dasd_geom *g, uint32_t cyls,
				       enum dasd_compress algo, struct ckd **out, struct dasd_where *where)
{
	*out = NULL;
	if (!g || g->fba)
		return DASD_E_UNKNOWN_TYPE;
	if (cyls == 0 || cyls > 65520 || algo > DASD_COMPRESS_BZIP2)
		return DASD_E_INVAL;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return at(where, DASD_E_IO, path, 0, errno);
	enum dasd_status s = cckd_format(fd, path, g, cyls, algo, where);
	close(fd);
	if (s == DASD_OK)
		s = ckd_open(path, false, out, where);
	if (s != DASD_OK)
		unlink(path);
	return s;
}

bool ckd_compressed(const struct ckd *c)
{
	return c->cckd != NULL;
}

static enum dasd_status flush_locked(struct ckd *c)
{
	for (unsigned i = 0; i < c->nfiles; i++)
		if (!c->readonly && fdatasync(c->files[i].fd) < 0)
			return at(&c->where, DASD_E_IO, c->files[i].name, 0, errno);
	return c->sf ? shadow_flush(c->sf, &c->where) : DASD_OK;
}

enum dasd_status ckd_flush(struct ckd *c)
{
	pthread_mutex_lock(&c->lock);
	enum dasd_status s = flush_locked(c);
	pthread_mutex_unlock(&c->lock);
	return s;
}

enum dasd_status ckd_close(struct ckd *c)
{
	if (!c)
		return DASD_OK;
	enum dasd_status s = shadow_close(c->sf, &c->where);
	c->sf = NULL;
	enum dasd_status s1 = cckd_detach(c->cckd, &c->where);
	if (s == DASD_OK)
		s = s1;
	c->cckd = NULL;
	enum dasd_status s2 = ckd_flush(c);
	if (s == DASD_OK)
		s = s2;
	free_ckd(c);
	return s;
}

const struct dasd_geom *ckd_geom(const struct ckd *c) { return c->geom; }
uint32_t ckd_cyls(const struct ckd *c) { return c->cyls; }
uint32_t ckd_heads(const struct ckd *c) { return c->heads; }
uint32_t ckd_trksize(const struct ckd *c) { return c->trksize; }
unsigned ckd_files(const struct ckd *c) { return c->nfiles; }
const struct dasd_where *ckd_where(const struct ckd *c) { return &c->where; }

struct dasd_where *ckd_where_rw(struct ckd *c) { return &c->where; }
void ckd_set_shadows(struct ckd *c, struct shadow_stack *s) { c->sf = s; }
struct shadow_stack *ckd_get_shadows(const struct ckd *c) { return c->sf; }
const char *ckd_file_name(const struct ckd *c, unsigned i) { return i < c->nfiles ? c->files[i].name : NULL; }
struct cckd *ckd_base_cckd(const struct ckd *c) { return c->cckd; }

/* The caller uses c alone (see Threads above): neither lock is held, so each handle keeps its own. */
void ckd_replace_base(struct ckd *c, struct ckd *n)
{
	struct ckd old = *c;

	*c = *n;
	c->lock = old.lock;
	c->sf = old.sf;
	c->where = old.where;
	old.sf = NULL;
	old.lock = n->lock;
	*n = old;
	free_ckd(n);
}

static const struct ckd_file *locate(const struct ckd *c, uint32_t cc, uint32_t hh, uint64_t *off)
{
	if (cc >= c->cyls || hh >= c->heads)
		return NULL;
	for (unsigned i = 0; i < c->nfiles; i++) {
		const struct ckd_file *f = &c->files[i];
		if (cc >= f->first_cyl && cc < f->first_cyl + f->ncyls) {
			*off = CKD_HDR_SIZE + ((uint64_t)(cc - f->first_cyl) * c->heads + hh) * c->trksize;
			return f;
		}
	}
	return NULL;
}

enum dasd_status ckd_track_offset(const struct ckd *c, uint32_t cc, uint32_t hh, const char **file,
				  uint64_t *offset)
{
	const struct ckd_file *f = locate(c, cc, hh, offset);

	if (!f)
		return DASD_E_RANGE;
	*file = f->name;
	if (c->cckd)
		*offset = cckd_track_pos(c->cckd, cc * c->heads + hh);
	if (c->sf)
		shadow_locate(c->sf, cc * c->heads + hh, file, offset);
	return DASD_OK;
}

static enum dasd_status read_track_locked(struct ckd *c, uint32_t cc, uint32_t hh, uint8_t *buf)
{
	uint64_t off;
	const struct ckd_file *f = locate(c, cc, hh, &off);
	size_t bad;

	if (!f)
		return DASD_E_RANGE;
	if (c->sf) {
		const char *name;
		uint64_t pos;
		enum dasd_status s = shadow_read(c->sf, cc * c->heads + hh, buf, &name, &pos, &c->where);
		if (s == DASD_OK) {
			s = ckd_track_check(buf, c->trksize, cc, hh, NULL, &bad);
			return s == DASD_OK ? s : at(&c->where, s, name, pos, 0);
		}
		if (s != DASD_E_NOT_FOUND)
			return s;
	}
	if (c->cckd) {
		enum dasd_status s = cckd_read(c->cckd, cc * c->heads + hh, buf, &c->where);
		if (s != DASD_OK)
			return s;
		s = ckd_track_check(buf, c->trksize, cc, hh, NULL, &bad);
		/* A bad image inside a compressed track: the offset is the L2 entry's track image. */
		return s == DASD_OK ? s : at(&c->where, s, f->name, cckd_track_pos(c->cckd, cc * c->heads + hh), 0);
	}
	ssize_t n = pread(f->fd, buf, c->trksize, off);
	if (n < 0)
		return at(&c->where, DASD_E_IO, f->name, off, errno);
	if (n != (ssize_t)c->trksize)
		return at(&c->where, DASD_E_TRUNCATED, f->name, off + (uint64_t)n, 0);
	enum dasd_status s = ckd_track_check(buf, c->trksize, cc, hh, NULL, &bad);
	if (s != DASD_OK)
		return at(&c->where, s, f->name, off + bad, 0);
	return DASD_OK;
}

static enum dasd_status write_track_locked(struct ckd *c, uint32_t cc, uint32_t hh, const uint8_t *buf,
					  size_t len)
{
	uint64_t off;
	const struct ckd_file *f = locate(c, cc, hh, &off);
	size_t bad, used;

	if (!f)
		return DASD_E_RANGE;
	if (c->sf ? !shadow_writable(c->sf) : c->readonly)
		return DASD_E_READONLY;
	if (len > c->trksize)
		return DASD_E_INVAL;
	enum dasd_status s = ckd_track_check(buf, len, cc, hh, &used, &bad);
	if (s != DASD_OK)
		return at(&c->where, s, "(caller's buffer)", bad, 0);
	if (c->sf)
		return shadow_write(c->sf, cc * c->heads + hh, buf, used, &c->where);
	if (c->cckd)
		return cckd_write(c->cckd, cc * c->heads + hh, buf, used, &c->where);
	uint8_t *slot = calloc(1, c->trksize);
	if (!slot)
		return DASD_E_NOMEM;
	memcpy(slot, buf, used);
	ssize_t n = pwrite(f->fd, slot, c->trksize, off);
	int err = errno;
	free(slot);
	if (n != (ssize_t)c->trksize)
		return at(&c->where, DASD_E_IO, f->name, off, n < 0 ? err : ENOSPC);
	return DASD_OK;
}

enum dasd_status ckd_read_track(struct ckd *c, uint32_t cc, uint32_t hh, uint8_t *buf)
{
	pthread_mutex_lock(&c->lock);
	enum dasd_status s = read_track_locked(c, cc, hh, buf);
	pthread_mutex_unlock(&c->lock);
	return s;
}

enum dasd_status ckd_write_track(struct ckd *c, uint32_t cc, uint32_t hh, const uint8_t *buf, size_t len)
{
	pthread_mutex_lock(&c->lock);
	enum dasd_status s = write_track_locked(c, cc, hh, buf, len);
	pthread_mutex_unlock(&c->lock);
	return s;
}
