/*
 * cckd.c - compressed CKD images (Hercules CKD_C370, "CCKD"): the back end of struct ckd for them,
 * and ckd_check_compressed().
 *
 * File layout (image-formats reference, section 3):
 *
 *   0     device header (512): "CKD_C370", heads, trksize, devtyp as for CKD_P370
 *   512   compressed-device header (512): vrm, opts, num_L1tab, num_L2tab (256), size, used,
 *         free_off, free_total, free_largest, free_num, free_imbed, cyls (always LE), nullfmt,
 *         compression, compression parameter
 *   1024  L1 table: num_L1tab x 4-byte file offsets of L2 tables (0: every track of the group null)
 *   ...   L2 tables (256 x {offset 4, len 2, size 2}), track images, free space, in any order
 *
 * Numbers in the compressed header, L1/L2 and free space are in the byte order named by the
 * header's BIGEND bit; we read either order and write back in the file's own order.
 *
 * Shadow files (CKD_S370, shadow.c) have the same layout. In them an L1 entry or an L2 entry's
 * offset X'FFFFFFFF' (CCKD_NOT_HERE; Hercules fills a new L2 table with X'FF' bytes) means "not in
 * this file, look in the file below", while 0 keeps its base-file meaning: a null track, which hides
 * whatever the files below hold for that track. In memory a shadow keeps those entries as they are.
 *
 * An open volume keeps every L1 and L2 entry in memory (a full 3390-9 needs 587 tables, 1.2 MB) and
 * the free space as a sorted list of gaps between extents, rebuilt from the tables at every open:
 * the free space recorded on disk is never used to allocate, only compared by the check.
 *
 * Crash safety. Opening read/write first rewrites the header with the OPENED bit (X'80') set and no
 * free space (free_off 0); then each write places the new image in a gap or at the end of the file,
 * then writes the L2 entry (a new L2 table is written before the L1 entry that points at it); only
 * then is the old image's space counted as free (in memory). So a kill at any point leaves every L2
 * entry pointing at a complete image, old or new; at worst space is lost (an unreferenced new image)
 * and the header's size and free space are stale. Closing writes the free-space table ("FREE_BLK",
 * new form) at the end of the file, then the header with OPENED clear. A file whose OPENED bit is
 * set was not closed: we bound it by the file length instead of cdh_size, rebuild its free space,
 * and ckd_check_compressed() reports it (repair rewrites a clean header) -- as Hercules does, which
 * runs its own check on such a file.
 */
#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "lib/be.h"
#include "machine/dasd/cckd.h"

#define CCKD_HDR_OFF	512
#define CCKD_L1_OFF	1024
#define CCKD_L2_ENTRIES	256
#define CCKD_L2_SIZE	(CCKD_L2_ENTRIES * 8)
#define CCKD_COMPRESS_MIN 512	/* images shorter than this are stored uncompressed */

/* cdh_opts bits */
#define CCKD_NOFUDGE	0x01
#define CCKD_BIGEND	0x02
#define CCKD_SPERRS	0x20
#define CCKD_ORDWR	0x40
#define CCKD_OPENED	0x80

/* compressed-device header field offsets (from 512) */
#define CDH_OPTS	3
#define CDH_NUML1	4
#define CDH_NUML2	8
#define CDH_SIZE	12
#define CDH_USED	16
#define CDH_FREE	20
#define CDH_FREE_TOTAL	24
#define CDH_FREE_LARGEST 28
#define CDH_FREE_NUM	32
#define CDH_FREE_IMBED	36
#define CDH_CYLS	40
#define CDH_NULLFMT	44
#define CDH_ALGO	45
#define CDH_PARM	46

struct cckd_l2 {
	uint32_t off;		/* 0: null track of format len */
	uint16_t len, size;
};

struct cckd_ext {
	uint64_t off, len;
};

/* An entry with a track image in this file (not a null track, not "not here"). */
static bool cckd_stored(const struct cckd_l2 *e)
{
	return e->off != 0 && e->off != CCKD_NOT_HERE;
}

/* One extent of the file in use, for the space map built at open. */
struct cckd_use {
	uint64_t off, len;
	uint32_t l1;		/* L1 index */
	int32_t l2;		/* L2 index, or -1 for the L2 table itself */
};

struct cckd {
	int fd;
	const char *name;	/* borrowed from the owner */
	bool readonly, bigend;
	bool shadow;		/* CKD_S370: entries may say CCKD_NOT_HERE */
	uint32_t heads, trksize, cyls, ntrk, nl1;
	uint8_t nullfmt, algo;
	int16_t parm;
	uint8_t cdh[512];	/* the compressed-device header as read */
	uint32_t *l1;
	struct cckd_l2 **l2;	/* nl1 tables, NULL where l1[i] == 0 */
	uint64_t end;		/* logical end of the file: past the last extent */
	struct cckd_ext *free;	/* gaps below end, sorted, coalesced */
	size_t nfree, capfree;
	uint8_t *work;		/* trksize bytes for compression */
};

static enum dasd_status cckd_at(struct dasd_where *w, enum dasd_status s, const char *file, uint64_t off, int err)
{
	if (w) {
		snprintf(w->file, sizeof w->file, "%s", file ? file : "");
		w->offset = off;
		w->err = err;
	}
	return s;
}

static uint32_t cckd_get32(const struct cckd *k, const uint8_t *p)
{
	if (k->bigend)
		return be32(p);
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t cckd_get16(const struct cckd *k, const uint8_t *p)
{
	return k->bigend ? be16(p) : (uint16_t)(p[0] | p[1] << 8);
}

static void cckd_put32(const struct cckd *k, uint8_t *p, uint32_t v)
{
	if (k->bigend) {
		put_be32(p, v);
		return;
	}
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void cckd_put16(const struct cckd *k, uint8_t *p, uint16_t v)
{
	if (k->bigend) {
		put_be16(p, v);
		return;
	}
	p[0] = v;
	p[1] = v >> 8;
}

static enum dasd_status cckd_pread(const struct cckd *k, void *buf, size_t n, uint64_t off, struct dasd_where *w)
{
	ssize_t r = pread(k->fd, buf, n, (off_t)off);
	if (r < 0)
		return cckd_at(w, DASD_E_IO, k->name, off, errno);
	if ((size_t)r != n)
		return cckd_at(w, DASD_E_TRUNCATED, k->name, off + (uint64_t)r, 0);
	return DASD_OK;
}

static enum dasd_status cckd_pwrite(const struct cckd *k, const void *buf, size_t n, uint64_t off,
				    struct dasd_where *w)
{
	ssize_t r = pwrite(k->fd, buf, n, (off_t)off);
	if (r != (ssize_t)n)
		return cckd_at(w, DASD_E_IO, k->name, off, r < 0 ? errno : ENOSPC);
	return DASD_OK;
}

/* ---- null tracks ---- */

/* Build null track format fmt (0: HA R0 EOF-record; 1: HA R0; 2: HA R0 R1-R12 of 4096 zeros). */
static enum dasd_status cckd_null_track(uint8_t *buf, size_t size, uint16_t cc, uint16_t hh, unsigned fmt)
{
	static const uint8_t zeros[4096];
	enum dasd_status s = ckd_track_format(buf, size, cc, hh);

	if (s != DASD_OK)
		return s;
	if (fmt == 0)
		return ckd_track_append(buf, size, 1, NULL, 0, NULL, 0);
	if (fmt == 2)
		for (unsigned r = 1; r <= 12 && s == DASD_OK; r++)
			s = ckd_track_append(buf, size, r, NULL, 0, zeros, sizeof zeros);
	return fmt <= 2 ? s : DASD_E_BAD_TRACK;
}

/* ---- free space (in memory) ---- */

static enum dasd_status cckd_free_add(struct cckd *k, uint64_t off, uint64_t len)
{
	size_t i = 0;

	if (!len)
		return DASD_OK;
	while (i < k->nfree && k->free[i].off < off)
		i++;
	bool join_prev = i > 0 && k->free[i - 1].off + k->free[i - 1].len == off;
	bool join_next = i < k->nfree && off + len == k->free[i].off;
	if (join_prev && join_next) {
		k->free[i - 1].len += len + k->free[i].len;
		memmove(&k->free[i], &k->free[i + 1], (k->nfree - i - 1) * sizeof *k->free);
		k->nfree--;
	} else if (join_prev) {
		k->free[i - 1].len += len;
	} else if (join_next) {
		k->free[i].off = off;
		k->free[i].len += len;
	} else {
		if (k->nfree == k->capfree) {
			size_t cap = k->capfree ? 2 * k->capfree : 16;
			struct cckd_ext *n = realloc(k->free, cap * sizeof *n);
			if (!n)
				return DASD_E_NOMEM;
			k->free = n;
			k->capfree = cap;
		}
		memmove(&k->free[i + 1], &k->free[i], (k->nfree - i) * sizeof *k->free);
		k->free[i].off = off;
		k->free[i].len = len;
		k->nfree++;
	}
	/* A gap reaching the logical end shrinks the file instead. */
	while (k->nfree && k->free[k->nfree - 1].off + k->free[k->nfree - 1].len == k->end) {
		k->end = k->free[k->nfree - 1].off;
		k->nfree--;
	}
	return DASD_OK;
}

/* Space for len bytes: the first gap that holds it, else the end of the file. */
static uint64_t cckd_alloc(struct cckd *k, uint64_t len)
{
	for (size_t i = 0; i < k->nfree; i++) {
		if (k->free[i].len < len)
			continue;
		uint64_t off = k->free[i].off;
		k->free[i].off += len;
		k->free[i].len -= len;
		if (!k->free[i].len) {
			memmove(&k->free[i], &k->free[i + 1], (k->nfree - i - 1) * sizeof *k->free);
			k->nfree--;
		}
		return off;
	}
	uint64_t off = k->end;
	k->end += len;
	return off;
}

/* ---- loading ---- */

static void cckd_free_all(struct cckd *k)
{
	if (!k)
		return;
	if (k->l2)
		for (uint32_t i = 0; i < k->nl1; i++)
			free(k->l2[i]);
	free(k->l2);
	free(k->l1);
	free(k->free);
	free(k->work);
	free(k);
}

static int cckd_use_cmp(const void *a, const void *b)
{
	const struct cckd_use *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Note a problem: strict mode fails with it; check mode (rep) counts it and goes on. */
static enum dasd_status cckd_problem(struct cckd *k, struct cckd_report *rep, struct dasd_where *w,
				     enum dasd_status s, uint64_t off)
{
	if (!rep)
		return cckd_at(w, s, k->name, off, 0);
	if (!rep->problems++) {
		rep->first = s;
		cckd_at(&rep->where, s, k->name, off, 0);
	}
	return DASD_OK;
}

static void cckd_drop(struct cckd *k, uint32_t i, int32_t j, struct cckd_report *rep)
{
	if (rep)
		rep->dropped++;
	/* In a shadow a dropped entry lets the file below show through; in a base it is a null track. */
	if (j < 0) {
		k->l1[i] = k->shadow ? CCKD_NOT_HERE : 0;
		free(k->l2[i]);
		k->l2[i] = NULL;
	} else if (k->shadow) {
		k->l2[i][j] = (struct cckd_l2){CCKD_NOT_HERE, 0xFFFF, 0xFFFF};
	} else {
		k->l2[i][j].off = 0;
		k->l2[i][j].len = k->l2[i][j].size = k->nullfmt <= 2 ? k->nullfmt : 0;
	}
}

static enum dasd_status cckd_check_image(struct cckd *k, uint32_t trk, uint8_t *buf, struct dasd_where *w);

/*
 * Read header, L1 and L2 of k->fd and build the space map. rep == NULL: the first inconsistency
 * fails with its status and offset. rep != NULL (check): inconsistencies are counted, their entries
 * dropped in memory, and every stored track image is decompressed and validated too.
 */
static enum dasd_status cckd_load(struct cckd *k, const uint8_t *devhdr, struct cckd_report *rep,
				  struct dasd_where *w)
{
	struct stat st;
	enum dasd_status s;

	if (fstat(k->fd, &st) < 0)
		return cckd_at(w, DASD_E_IO, k->name, 0, errno);
	k->shadow = !memcmp(devhdr, "CKD_S370", 8);
	k->heads = devhdr[8] | devhdr[9] << 8 | devhdr[10] << 16 | (uint32_t)devhdr[11] << 24;
	k->trksize = devhdr[12] | devhdr[13] << 8 | devhdr[14] << 16 | (uint32_t)devhdr[15] << 24;
	if ((uint64_t)st.st_size < CCKD_L1_OFF)
		return cckd_at(w, DASD_E_SHORT_HEADER, k->name, (uint64_t)st.st_size, 0);
	s = cckd_pread(k, k->cdh, sizeof k->cdh, CCKD_HDR_OFF, w);
	if (s != DASD_OK)
		return s;
	uint8_t *h = k->cdh;
	k->bigend = h[CDH_OPTS] & CCKD_BIGEND;
	if (h[0] != 0 || h[1] != 3)
		return cckd_at(w, DASD_E_BAD_HEADER, k->name, CCKD_HDR_OFF, 0);
	k->nl1 = cckd_get32(k, h + CDH_NUML1);
	k->cyls = h[CDH_CYLS] | h[CDH_CYLS + 1] << 8 | h[CDH_CYLS + 2] << 16 | (uint32_t)h[CDH_CYLS + 3] << 24;
	k->nullfmt = h[CDH_NULLFMT];
	k->algo = h[CDH_ALGO];
	k->parm = (int16_t)cckd_get16(k, h + CDH_PARM);
	if (cckd_get32(k, h + CDH_NUML2) != CCKD_L2_ENTRIES)
		return cckd_at(w, DASD_E_BAD_HEADER, k->name, CCKD_HDR_OFF + CDH_NUML2, 0);
	if (k->cyls == 0 || k->cyls > 65536)
		return cckd_at(w, DASD_E_BAD_HEADER, k->name, CCKD_HDR_OFF + CDH_CYLS, 0);
	/* The geometry before anything sized by it: a wild heads or track size must not become a
	 * track count or a buffer. */
	const struct dasd_geom *g = dasd_geom_ckd(devhdr[16], k->heads, k->cyls);
	if (!g) {
		/* A known device type with other heads: the heads field is wrong; else the type. */
		bool known = false;
		for (size_t i = 0; i < dasd_geom_count(); i++)
			known |= !dasd_geom_at(i)->fba && dasd_geom_at(i)->devtyp == devhdr[16];
		return cckd_at(w, DASD_E_BAD_HEADER, k->name, known ? 8 : 16, 0);
	}
	if (g->trksize != k->trksize)
		return cckd_at(w, DASD_E_BAD_HEADER, k->name, 12, 0);
	k->work = malloc(k->trksize);
	if (!k->work)
		return DASD_E_NOMEM;
	/* Null format 2 (12 records of 4096) fits a 3390's track, not a 3350's: there a null track
	 * of that format is as corrupt as an unknown format. */
	unsigned nullfmts = cckd_null_track(k->work, k->trksize, 0, 0, 2) == DASD_OK ? 3 : 2;
	k->ntrk = k->cyls * k->heads;
	if (k->nl1 < (k->ntrk + CCKD_L2_ENTRIES - 1) / CCKD_L2_ENTRIES || k->nl1 > (1u << 20))
		return cckd_at(w, DASD_E_BAD_HEADER, k->name, CCKD_HDR_OFF + CDH_NUML1, 0);
	if (k->nullfmt >= nullfmts) {
		if (!rep)
			return cckd_at(w, DASD_E_BAD_HEADER, k->name, CCKD_HDR_OFF + CDH_NULLFMT, 0);
		cckd_problem(k, rep, w, DASD_E_BAD_HEADER, CCKD_HDR_OFF + CDH_NULLFMT);
		k->nullfmt = h[CDH_NULLFMT] = 0;	/* repair: Hercules' default */
	}
	if (k->algo > DASD_COMPRESS_BZIP2)
		k->algo = DASD_COMPRESS_ZLIB;
	if (rep) {
		rep->not_closed = h[CDH_OPTS] & CCKD_OPENED;
		rep->tracks = k->ntrk;
		rep->algo = k->algo;
		rep->file_size = (uint64_t)st.st_size;
	}

	/* Bound: cdh_size for a cleanly closed file, the file length for one that was not. */
	uint64_t bound = cckd_get32(k, h + CDH_SIZE);
	if ((h[CDH_OPTS] & CCKD_OPENED) || bound > (uint64_t)st.st_size || bound < CCKD_L1_OFF)
		bound = (uint64_t)st.st_size;
	uint64_t l1end = CCKD_L1_OFF + (uint64_t)k->nl1 * 4;
	if (l1end > bound)
		return cckd_at(w, DASD_E_TRUNCATED, k->name, bound, 0);

	k->l1 = calloc(k->nl1, sizeof *k->l1);
	k->l2 = calloc(k->nl1, sizeof *k->l2);
	uint8_t *raw = malloc(CCKD_L2_SIZE), *l1raw = malloc((size_t)k->nl1 * 4);
	size_t nuse = 0, capuse = 64;
	struct cckd_use *use = malloc(capuse * sizeof *use);
	if (!k->l1 || !k->l2 || !raw || !l1raw || !use) {
		free(raw);
		free(l1raw);
		free(use);
		return DASD_E_NOMEM;
	}
	s = cckd_pread(k, l1raw, (size_t)k->nl1 * 4, CCKD_L1_OFF, w);
	for (uint32_t i = 0; i < k->nl1 && s == DASD_OK; i++) {
		uint32_t off = cckd_get32(k, l1raw + 4 * i);
		uint64_t where = CCKD_L1_OFF + 4ull * i;
		if (off == 0 || off == CCKD_NOT_HERE) {
			if (k->shadow)
				k->l1[i] = off;	/* a base reads X'FFFFFFFF' as no table: null tracks */
			continue;
		}
		if (off < l1end || off + (uint64_t)CCKD_L2_SIZE > bound) {
			s = cckd_problem(k, rep, w, off < l1end ? DASD_E_BAD_HEADER : DASD_E_TRUNCATED, where);
			if (rep)
				rep->dropped++;
			if (k->shadow)
				k->l1[i] = CCKD_NOT_HERE;	/* dropped: the file below shows through */
			continue;
		}
		k->l1[i] = off;
		k->l2[i] = malloc(CCKD_L2_ENTRIES * sizeof *k->l2[i]);
		if (!k->l2[i]) {
			s = DASD_E_NOMEM;
			break;
		}
		s = cckd_pread(k, raw, CCKD_L2_SIZE, off, w);
		if (s != DASD_OK)
			break;
		if (rep)
			rep->l2_tables++;
		if (nuse + CCKD_L2_ENTRIES + 1 > capuse) {
			capuse = 2 * (nuse + CCKD_L2_ENTRIES + 1);
			struct cckd_use *n = realloc(use, capuse * sizeof *use);
			if (!n) {
				s = DASD_E_NOMEM;
				break;
			}
			use = n;
		}
		use[nuse++] = (struct cckd_use){off, CCKD_L2_SIZE, i, -1};
		for (uint32_t j = 0; j < CCKD_L2_ENTRIES; j++) {
			struct cckd_l2 *e = &k->l2[i][j];
			uint64_t ewhere = off + 8ull * j;
			e->off = cckd_get32(k, raw + 8 * j);
			e->len = cckd_get16(k, raw + 8 * j + 4);
			e->size = cckd_get16(k, raw + 8 * j + 6);
			if (e->off == CCKD_NOT_HERE && k->shadow) {
				e->len = e->size = 0xFFFF;	/* not in this file */
				continue;
			}
			if ((uint64_t)i * CCKD_L2_ENTRIES + j >= k->ntrk || e->off == CCKD_NOT_HERE) {
				e->off = 0;	/* beyond the volume, or X'FFFFFFFF' in a base: unused */
				e->len = e->size = k->nullfmt <= 2 ? k->nullfmt : 0;
				continue;
			}
			if (e->off == 0) {
				if (e->len >= nullfmts) {
					s = cckd_problem(k, rep, w, DASD_E_BAD_HEADER, ewhere);
					cckd_drop(k, i, j, rep);
					if (s != DASD_OK)
						break;
				}
				continue;
			}
			if (e->len < CKD_HA_SIZE || e->size < e->len || e->off < l1end ||
			    e->off + (uint64_t)e->size > bound) {
				s = cckd_problem(k, rep, w,
						 e->off + (uint64_t)e->size > bound ? DASD_E_TRUNCATED : DASD_E_BAD_HEADER,
						 ewhere);
				cckd_drop(k, i, j, rep);
				if (s != DASD_OK)
					break;
				continue;
			}
			use[nuse++] = (struct cckd_use){e->off, e->size, i, (int32_t)j};
		}
	}
	free(raw);
	free(l1raw);
	if (s != DASD_OK) {
		free(use);
		return s;
	}

	/* Overlaps: the later extent of an overlapping pair is the bad one. */
	qsort(use, nuse, sizeof *use, cckd_use_cmp);
	uint64_t pos = l1end;
	k->end = l1end;
	for (size_t u = 0; u < nuse && s == DASD_OK; u++) {
		if (use[u].l2 >= 0 && !k->l2[use[u].l1])
			continue;	/* its table was dropped */
		if (use[u].off < pos) {
			uint64_t ewhere = use[u].l2 < 0 ? CCKD_L1_OFF + 4ull * use[u].l1 :
				k->l1[use[u].l1] + 8ull * (uint32_t)use[u].l2;
			s = cckd_problem(k, rep, w, DASD_E_BAD_HEADER, ewhere);
			cckd_drop(k, use[u].l1, use[u].l2, rep);
			continue;
		}
		if (use[u].off > pos)
			s = cckd_free_add(k, pos, use[u].off - pos);
		pos = use[u].off + use[u].len;
		k->end = pos;
	}
	free(use);
	if (s != DASD_OK)
		return s;
	if (rep) {
		uint8_t *buf = malloc(k->trksize);
		struct dasd_where tw;
		if (!buf)
			return DASD_E_NOMEM;
		for (uint32_t i = 0; i < k->nl1; i++)
			for (uint32_t j = 0; k->l2[i] && j < CCKD_L2_ENTRIES; j++) {
				uint32_t trk = i * CCKD_L2_ENTRIES + j;
				if (trk >= k->ntrk || !cckd_stored(&k->l2[i][j]))
					continue;
				rep->stored++;
				enum dasd_status ts = cckd_check_image(k, trk, buf, &tw);
				if (ts != DASD_OK) {
					cckd_problem(k, rep, w, ts, tw.offset);
					uint64_t o = k->l2[i][j].off, n = k->l2[i][j].size;
					cckd_drop(k, i, (int32_t)j, rep);
					rep->stored--;
					if (cckd_free_add(k, o, n) != DASD_OK)
						return DASD_E_NOMEM;
				}
			}
		free(buf);
		for (size_t f = 0; f < k->nfree; f++)
			rep->free_bytes += k->free[f].len;
		rep->free_blocks = k->nfree;
	}
	return DASD_OK;
}

/*
 * Recompute the free space and the logical end from the tables alone (after repair dropped entries,
 * an extent counted as used while loading may no longer be referenced).
 */
static enum dasd_status cckd_rebuild_free(struct cckd *k)
{
	size_t n = 0, cap = 0;
	struct cckd_use *use = NULL;

	for (uint32_t i = 0; i < k->nl1; i++)
		if (k->l2[i])
			cap += 1 + CCKD_L2_ENTRIES;
	if (cap && !(use = malloc(cap * sizeof *use)))
		return DASD_E_NOMEM;
	for (uint32_t i = 0; i < k->nl1; i++) {
		if (!k->l2[i])
			continue;
		use[n++] = (struct cckd_use){k->l1[i], CCKD_L2_SIZE, i, -1};
		for (uint32_t j = 0; j < CCKD_L2_ENTRIES; j++)
			if (cckd_stored(&k->l2[i][j]))
				use[n++] = (struct cckd_use){k->l2[i][j].off, k->l2[i][j].size, i, (int32_t)j};
	}
	if (n)
		qsort(use, n, sizeof *use, cckd_use_cmp);
	k->nfree = 0;
	k->end = CCKD_L1_OFF + (uint64_t)k->nl1 * 4;
	enum dasd_status s = DASD_OK;
	for (size_t u = 0; u < n && s == DASD_OK; u++) {
		if (use[u].off > k->end)
			s = cckd_free_add(k, k->end, use[u].off - k->end);
		if (use[u].off + use[u].len > k->end)
			k->end = use[u].off + use[u].len;
	}
	free(use);
	return s;
}

/* Rewrite the header with the given opts and the in-memory free-space figures. */
static enum dasd_status cckd_write_header(struct cckd *k, uint8_t opts, uint64_t free_off, struct dasd_where *w)
{
	uint8_t *h = k->cdh;
	uint64_t total = 0, largest = 0, imbed = 0;

	for (size_t f = 0; f < k->nfree; f++) {
		total += k->free[f].len;
		if (k->free[f].len > largest)
			largest = k->free[f].len;
	}
	for (uint32_t i = 0; i < k->nl1; i++)
		for (uint32_t j = 0; k->l2[i] && j < CCKD_L2_ENTRIES; j++)
			if (cckd_stored(&k->l2[i][j]))
				imbed += k->l2[i][j].size - k->l2[i][j].len;
	h[CDH_OPTS] = opts;
	cckd_put32(k, h + CDH_SIZE, (uint32_t)k->end);
	cckd_put32(k, h + CDH_USED, (uint32_t)(k->end - total));
	cckd_put32(k, h + CDH_FREE, (uint32_t)(free_off ? free_off : 0));
	cckd_put32(k, h + CDH_FREE_TOTAL, free_off ? (uint32_t)total : 0);
	cckd_put32(k, h + CDH_FREE_LARGEST, free_off ? (uint32_t)largest : 0);
	cckd_put32(k, h + CDH_FREE_NUM, free_off ? (uint32_t)k->nfree : 0);
	cckd_put32(k, h + CDH_FREE_IMBED, (uint32_t)imbed);
	return cckd_pwrite(k, h, sizeof k->cdh, CCKD_HDR_OFF, w);
}

/* Mark the file opened read/write: OPENED set, no free space recorded (it is rebuilt at open). */
static enum dasd_status cckd_mark_open(struct cckd *k, struct dasd_where *w)
{
	enum dasd_status s = cckd_write_header(k, k->cdh[CDH_OPTS] | CCKD_OPENED | CCKD_ORDWR, 0, w);
	if (s == DASD_OK && ftruncate(k->fd, (off_t)k->end) < 0)
		return cckd_at(w, DASD_E_IO, k->name, k->end, errno);
	return s;
}

enum dasd_status cckd_attach(int fd, const char *name, bool readonly, const uint8_t *devhdr, uint32_t *cyls,
			     struct cckd **out, struct dasd_where *w)
{
	struct cckd *k = calloc(1, sizeof *k);

	*out = NULL;
	if (!k)
		return DASD_E_NOMEM;
	k->fd = fd;
	k->name = name;
	k->readonly = readonly;
	enum dasd_status s = cckd_load(k, devhdr, NULL, w);
	if (s == DASD_OK && !readonly)
		s = cckd_mark_open(k, w);
	if (s != DASD_OK) {
		cckd_free_all(k);
		return s;
	}
	*cyls = k->cyls;
	*out = k;
	return DASD_OK;
}

enum dasd_status cckd_detach(struct cckd *k, struct dasd_where *w)
{
	enum dasd_status s = DASD_OK;

	if (!k)
		return DASD_OK;
	if (!k->readonly) {
		uint64_t free_off = 0;
		if (k->nfree) {
			size_t n = 8 + 8 * k->nfree;
			uint8_t *t = malloc(n);
			if (!t) {
				cckd_free_all(k);
				return DASD_E_NOMEM;
			}
			memcpy(t, "FREE_BLK", 8);
			for (size_t f = 0; f < k->nfree; f++) {
				cckd_put32(k, t + 8 + 8 * f, (uint32_t)k->free[f].off);
				cckd_put32(k, t + 12 + 8 * f, (uint32_t)k->free[f].len);
			}
			free_off = k->end;
			s = cckd_pwrite(k, t, n, free_off, w);
			free(t);
			if (s == DASD_OK && ftruncate(k->fd, (off_t)(free_off + n)) < 0)
				s = cckd_at(w, DASD_E_IO, k->name, free_off, errno);
		} else if (ftruncate(k->fd, (off_t)k->end) < 0) {
			s = cckd_at(w, DASD_E_IO, k->name, k->end, errno);
		}
		if (s == DASD_OK && fdatasync(k->fd) < 0)
			s = cckd_at(w, DASD_E_IO, k->name, 0, errno);
		if (s == DASD_OK)
			s = cckd_write_header(k, k->cdh[CDH_OPTS] & ~CCKD_OPENED, free_off, w);
	}
	cckd_free_all(k);
	return s;
}

/* ---- tracks ---- */

/* Read and decompress the image of trk into buf (trksize bytes, zero-padded); not yet validated. */
static enum dasd_status cckd_image(struct cckd *k, uint32_t trk, uint8_t *buf, struct dasd_where *w)
{
	uint16_t cc = trk / k->heads, hh = trk % k->heads;
	const struct cckd_l2 *e = k->l2[trk / CCKD_L2_ENTRIES] ? &k->l2[trk / CCKD_L2_ENTRIES][trk % CCKD_L2_ENTRIES]
							       : NULL;
	uint64_t eoff = k->l1[trk / CCKD_L2_ENTRIES] + 8ull * (trk % CCKD_L2_ENTRIES);

	if (!cckd_holds(k, trk))
		return DASD_E_NOT_FOUND;
	if (!e || !e->off) {
		enum dasd_status s = cckd_null_track(buf, k->trksize, cc, hh, e ? e->len : k->nullfmt);
		return s == DASD_OK ? s : cckd_at(w, DASD_E_BAD_TRACK, k->name, e ? eoff : CCKD_HDR_OFF + CDH_NULLFMT, 0);
	}
	if (e->len > k->trksize)
		return cckd_at(w, DASD_E_BAD_TRACK, k->name, eoff, 0);
	enum dasd_status s = cckd_pread(k, k->work, e->len, e->off, w);
	if (s != DASD_OK)
		return s;
	memset(buf, 0, k->trksize);
	memcpy(buf, k->work, CKD_HA_SIZE);
	uint8_t algo = k->work[0];
	size_t out = k->trksize - CKD_HA_SIZE, in = e->len - CKD_HA_SIZE;
	if (algo == DASD_COMPRESS_NONE) {
		memcpy(buf + CKD_HA_SIZE, k->work + CKD_HA_SIZE, in);
	} else if (algo == DASD_COMPRESS_ZLIB) {
		uLongf n = out;
		if (uncompress(buf + CKD_HA_SIZE, &n, k->work + CKD_HA_SIZE, in) != Z_OK)
			return cckd_at(w, DASD_E_BAD_COMPRESSION, k->name, e->off, 0);
	} else if (algo == DASD_COMPRESS_BZIP2) {
		unsigned n = (unsigned)out;
		if (BZ2_bzBuffToBuffDecompress((char *)buf + CKD_HA_SIZE, &n, (char *)k->work + CKD_HA_SIZE,
					       (unsigned)in, 0, 0) != BZ_OK)
			return cckd_at(w, DASD_E_BAD_COMPRESSION, k->name, e->off, 0);
	} else {
		return cckd_at(w, DASD_E_BAD_COMPRESSION, k->name, e->off, 0);
	}
	buf[0] = 0;
	return DASD_OK;
}

static enum dasd_status cckd_check_image(struct cckd *k, uint32_t trk, uint8_t *buf, struct dasd_where *w)
{
	size_t bad;
	enum dasd_status s = cckd_image(k, trk, buf, w);

	if (s != DASD_OK)
		return s;
	s = ckd_track_check(buf, k->trksize, trk / k->heads, trk % k->heads, NULL, &bad);
	if (s != DASD_OK) {
		const struct cckd_l2 *e = &k->l2[trk / CCKD_L2_ENTRIES][trk % CCKD_L2_ENTRIES];
		/* Offset in the file for a stored uncompressed image, when the bad byte is in it (past
		 * its end are the zeros the image lacks); else the image's start. */
		bool inside = k->work[0] == DASD_COMPRESS_NONE && bad < e->len;
		return cckd_at(w, s, k->name, e->off + (inside ? bad : 0), 0);
	}
	return DASD_OK;
}

uint64_t cckd_track_pos(const struct cckd *k, uint32_t trk)
{
	if (trk >= k->ntrk || !k->l2[trk / CCKD_L2_ENTRIES])
		return 0;
	const struct cckd_l2 *e = &k->l2[trk / CCKD_L2_ENTRIES][trk % CCKD_L2_ENTRIES];
	return cckd_stored(e) ? e->off : 0;
}

bool cckd_holds(const struct cckd *k, uint32_t trk)
{
	if (trk >= k->ntrk)
		return false;
	if (!k->shadow)
		return true;
	uint32_t i = trk / CCKD_L2_ENTRIES;
	if (!k->l2[i])
		return k->l1[i] != CCKD_NOT_HERE;
	return k->l2[i][trk % CCKD_L2_ENTRIES].off != CCKD_NOT_HERE;
}

void cckd_count(const struct cckd *k, uint32_t *held, uint32_t *stored)
{
	*held = *stored = 0;
	for (uint32_t t = 0; t < k->ntrk; t++) {
		if (!cckd_holds(k, t))
			continue;
		++*held;
		if (cckd_track_pos(k, t))
			++*stored;
	}
}

enum dasd_status cckd_read(struct cckd *k, uint32_t trk, uint8_t *buf, struct dasd_where *w)
{
	if (trk >= k->ntrk)
		return DASD_E_RANGE;
	return cckd_image(k, trk, buf, w);
}

/* Compress img (used bytes) into k->work; returns the stored length (work[0] says how). */
static size_t cckd_compress(struct cckd *k, const uint8_t *img, size_t used)
{
	size_t in = used - CKD_HA_SIZE, room = used - CKD_HA_SIZE - 1;

	memcpy(k->work, img, CKD_HA_SIZE);
	if (used >= CCKD_COMPRESS_MIN && k->algo == DASD_COMPRESS_ZLIB) {
		uLongf n = room;
		int level = k->parm >= 0 && k->parm <= 9 ? k->parm : Z_DEFAULT_COMPRESSION;
		if (compress2(k->work + CKD_HA_SIZE, &n, img + CKD_HA_SIZE, in, level) == Z_OK) {
			k->work[0] = DASD_COMPRESS_ZLIB;
			return CKD_HA_SIZE + n;
		}
	} else if (used >= CCKD_COMPRESS_MIN && k->algo == DASD_COMPRESS_BZIP2) {
		unsigned n = (unsigned)room;
		int blk = k->parm >= 1 && k->parm <= 9 ? k->parm : 5;
		if (BZ2_bzBuffToBuffCompress((char *)k->work + CKD_HA_SIZE, &n, (char *)img + CKD_HA_SIZE,
					     (unsigned)in, blk, 0, 0) == BZ_OK) {
			k->work[0] = DASD_COMPRESS_BZIP2;
			return CKD_HA_SIZE + n;
		}
	}
	memcpy(k->work + CKD_HA_SIZE, img + CKD_HA_SIZE, in);
	k->work[0] = DASD_COMPRESS_NONE;
	return used;
}

enum dasd_status cckd_write(struct cckd *k, uint32_t trk, const uint8_t *img, size_t used, struct dasd_where *w)
{
	uint32_t i = trk / CCKD_L2_ENTRIES, j = trk % CCKD_L2_ENTRIES;
	uint16_t cc = trk / k->heads, hh = trk % k->heads;
	struct cckd_l2 ne = {0, 0, 0};
	enum dasd_status s;

	if (trk >= k->ntrk)
		return DASD_E_RANGE;
	if (k->readonly)
		return DASD_E_READONLY;
	if (used > k->trksize || used > 65535)
		return DASD_E_INVAL;

	/* An empty track of format 0 or 1 is stored as a null-track entry, without an image. */
	for (unsigned fmt = 0; fmt <= 1; fmt++) {
		size_t nu;
		if (cckd_null_track(k->work, k->trksize, cc, hh, fmt) == DASD_OK &&
		    ckd_track_check(k->work, k->trksize, cc, hh, &nu, NULL) == DASD_OK && nu == used &&
		    !memcmp(k->work, img, used)) {
			ne.len = ne.size = fmt;
			break;
		}
		if (fmt == 1)
			ne.len = 0xFFFF;
	}
	if (ne.len == 0xFFFF) {
		size_t n = cckd_compress(k, img, used);
		uint64_t off = cckd_alloc(k, n);
		if (off + n > UINT32_MAX)
			return cckd_at(w, DASD_E_NO_SPACE, k->name, off, 0);
		s = cckd_pwrite(k, k->work, n, off, w);
		if (s != DASD_OK)
			return s;
		ne.off = (uint32_t)off;
		ne.len = ne.size = (uint16_t)n;
	}

	uint8_t ent[8];
	cckd_put32(k, ent, ne.off);
	cckd_put16(k, ent + 4, ne.len);
	cckd_put16(k, ent + 6, ne.size);
	if (!k->l2[i]) {
		/* No table: every track of the group null (L1 0), or, in a shadow, not in this file
		 * (L1 X'FFFFFFFF'); the new table keeps that meaning for the other 255 tracks. */
		bool absent = k->l1[i] == CCKD_NOT_HERE;
		if (!absent && !ne.off && ne.len == k->nullfmt)
			return DASD_OK;	/* still what the missing table means */
		struct cckd_l2 *t = malloc(CCKD_L2_ENTRIES * sizeof *t);
		uint8_t raw[CCKD_L2_SIZE];
		if (!t)
			return DASD_E_NOMEM;
		for (unsigned x = 0; x < CCKD_L2_ENTRIES; x++) {
			t[x] = absent ? (struct cckd_l2){CCKD_NOT_HERE, 0xFFFF, 0xFFFF}
				      : (struct cckd_l2){0, k->nullfmt, k->nullfmt};
			cckd_put32(k, raw + 8 * x, t[x].off);
			cckd_put16(k, raw + 8 * x + 4, t[x].len);
			cckd_put16(k, raw + 8 * x + 6, t[x].size);
		}
		memcpy(raw + 8 * j, ent, 8);
		uint64_t off = cckd_alloc(k, CCKD_L2_SIZE);
		s = cckd_pwrite(k, raw, sizeof raw, off, w);
		uint8_t l1e[4];
		cckd_put32(k, l1e, (uint32_t)off);
		if (s == DASD_OK)
			s = cckd_pwrite(k, l1e, 4, CCKD_L1_OFF + 4ull * i, w);
		if (s != DASD_OK) {
			free(t);
			return s;
		}
		t[j] = ne;
		k->l2[i] = t;
		k->l1[i] = (uint32_t)off;
		return DASD_OK;
	}
	s = cckd_pwrite(k, ent, 8, k->l1[i] + 8ull * j, w);
	if (s != DASD_OK)
		return s;
	struct cckd_l2 old = k->l2[i][j];
	k->l2[i][j] = ne;
	return cckd_stored(&old) ? cckd_free_add(k, old.off, old.size) : DASD_OK;
}

/* ---- creation ---- */

enum dasd_status cckd_format(int fd, const char *name, const struct dasd_geom *g, uint32_t cyls,
			     enum dasd_compress algo, struct dasd_where *w)
{
	struct cckd k = {.fd = fd, .name = name};
	uint32_t ntrk = cyls * g->heads, nl1 = (ntrk + CCKD_L2_ENTRIES - 1) / CCKD_L2_ENTRIES;
	size_t n = CCKD_L1_OFF + (size_t)nl1 * 4;
	uint8_t *b = calloc(1, n);

	if (!b)
		return DASD_E_NOMEM;
	memcpy(b, "CKD_C370", 8);
	cckd_put32(&k, b + 8, g->heads);
	cckd_put32(&k, b + 12, g->trksize);
	b[16] = g->devtyp;
	uint8_t *h = b + CCKD_HDR_OFF;
	h[0] = 0;
	h[1] = 3;
	h[2] = 1;
	h[CDH_OPTS] = CCKD_NOFUDGE;
	cckd_put32(&k, h + CDH_NUML1, nl1);
	cckd_put32(&k, h + CDH_NUML2, CCKD_L2_ENTRIES);
	cckd_put32(&k, h + CDH_SIZE, (uint32_t)n);
	cckd_put32(&k, h + CDH_USED, (uint32_t)n);
	cckd_put32(&k, h + CDH_CYLS, cyls);
	h[CDH_NULLFMT] = 1;
	h[CDH_ALGO] = algo;
	cckd_put16(&k, h + CDH_PARM, 0xFFFF);
	enum dasd_status s = cckd_pwrite(&k, b, n, 0, w);
	free(b);
	return s;
}

enum dasd_status cckd_format_shadow(int fd, const char *name, const uint8_t *devhdr, const uint8_t *cdh,
				    const struct dasd_geom *g, uint32_t cyls, struct dasd_where *w)
{
	struct cckd k = {.fd = fd, .name = name};
	uint32_t nl1 = (cyls * g->heads + CCKD_L2_ENTRIES - 1) / CCKD_L2_ENTRIES;
	uint8_t h[CCKD_L1_OFF];

	memcpy(h, devhdr, CKD_HDR_SIZE);
	memcpy(h, "CKD_S370", 8);
	uint8_t *c = h + CCKD_HDR_OFF;
	if (cdh) {
		/* As Hercules makes a shadow: the file below's compressed header, in its byte order,
		 * emptied; its L1 size (never smaller than the volume's, as the base was loaded). */
		memcpy(c, cdh, CKD_HDR_SIZE);
		k.bigend = c[CDH_OPTS] & CCKD_BIGEND;
		c[CDH_OPTS] &= ~(CCKD_OPENED | CCKD_ORDWR | CCKD_SPERRS);
		nl1 = cckd_get32(&k, c + CDH_NUML1);
	} else {
		h[17] = h[18] = h[19] = 0;	/* a split base's sequence and high cylinder */
		memset(c, 0, CKD_HDR_SIZE);
		c[0] = 0;
		c[1] = 3;
		c[2] = 1;
		c[CDH_OPTS] = CCKD_NOFUDGE;
		cckd_put32(&k, c + CDH_NUML1, nl1);
		cckd_put32(&k, c + CDH_NUML2, CCKD_L2_ENTRIES);
		cckd_put32(&k, c + CDH_CYLS, cyls);
		c[CDH_NULLFMT] = 1;
		c[CDH_ALGO] = DASD_COMPRESS_ZLIB;
		cckd_put16(&k, c + CDH_PARM, 0xFFFF);
	}
	size_t n = CCKD_L1_OFF + (size_t)nl1 * 4;
	cckd_put32(&k, c + CDH_SIZE, (uint32_t)n);
	cckd_put32(&k, c + CDH_USED, (uint32_t)n);
	for (unsigned f = CDH_FREE; f <= CDH_FREE_IMBED; f += 4)
		cckd_put32(&k, c + f, 0);
	uint8_t *b = malloc(n);
	if (!b)
		return DASD_E_NOMEM;
	memcpy(b, h, sizeof h);
	memset(b + CCKD_L1_OFF, 0xFF, n - CCKD_L1_OFF);	/* every group: not in this file */
	enum dasd_status s = cckd_pwrite(&k, b, n, 0, w);
	free(b);
	return s;
}

/* ---- check and repair ---- */

/* Compare the free space recorded on disk with the rebuilt one; true when they agree. */
static bool cckd_free_agrees(struct cckd *k, uint64_t fsize)
{
	uint64_t off = cckd_get32(k, k->cdh + CDH_FREE);
	uint32_t num = cckd_get32(k, k->cdh + CDH_FREE_NUM);
	struct cckd_ext *rec = NULL;
	size_t nrec = 0;
	uint8_t b[8];
	bool ok = true;

	if (!off)
		return k->nfree == 0;
	if (num > fsize / 8)
		return false; /* each record (or free block) takes 8 bytes of the file at least */
	rec = calloc(num + 1, sizeof *rec);
	if (!rec)
		return false;
	if (pread(k->fd, b, 8, (off_t)off) == 8 && !memcmp(b, "FREE_BLK", 8)) {
		for (uint32_t f = 0; f < num && ok; f++) {
			ok = pread(k->fd, b, 8, (off_t)(off + 8 + 8ull * f)) == 8;
			rec[nrec++] = (struct cckd_ext){cckd_get32(k, b), cckd_get32(k, b + 4)};
		}
	} else {
		/* Old form: a chain through the free blocks themselves. */
		for (uint32_t f = 0; f < num && ok && off; f++) {
			ok = off + 8 <= fsize && pread(k->fd, b, 8, (off_t)off) == 8;
			rec[nrec++] = (struct cckd_ext){off, cckd_get32(k, b + 4)};
			off = cckd_get32(k, b);
		}
	}
	/* Coalesce adjacent records, then compare block for block. */
	size_t m = 0;
	for (size_t f = 0; f < nrec && ok; f++) {
		if (m && rec[m - 1].off + rec[m - 1].len == rec[f].off)
			rec[m - 1].len += rec[f].len;
		else
			rec[m++] = rec[f];
	}
	ok = ok && m == k->nfree;
	for (size_t f = 0; f < m && ok; f++)
		ok = rec[f].off == k->free[f].off && rec[f].len == k->free[f].len;
	free(rec);
	return ok;
}

enum dasd_status cckd_check_file(const char *path, bool repair, bool live, struct cckd_report *r)
{
	uint8_t devhdr[CKD_HDR_SIZE];
	struct dasd_where w;
	struct stat st;
	enum dasd_status s;

	memset(r, 0, sizeof *r);
	int fd = open(path, (repair ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return cckd_at(&r->where, DASD_E_IO, path, 0, errno);
	struct cckd *k = calloc(1, sizeof *k);
	if (!k) {
		close(fd);
		return DASD_E_NOMEM;
	}
	k->fd = fd;
	k->name = path;
	k->readonly = !repair;
	ssize_t n = pread(fd, devhdr, sizeof devhdr, 0);
	if (n != (ssize_t)sizeof devhdr)
		s = cckd_at(&w, DASD_E_SHORT_HEADER, path, n < 0 ? 0 : (uint64_t)n, 0);
	else if (memcmp(devhdr, "CKD_C370", 8) && memcmp(devhdr, "CKD_S370", 8))
		s = cckd_at(&w, DASD_E_BAD_ID, path, 0, 0);
	else if (fstat(fd, &st) < 0)
		s = cckd_at(&w, DASD_E_IO, path, 0, errno);
	else
		s = cckd_load(k, devhdr, r, &w);
	if (s != DASD_OK) {
		cckd_free_all(k);
		close(fd);
		r->first = s;
		r->where = w;
		r->problems++;
		return s;
	}
	uint32_t stored;
	r->shadow = k->shadow;
	cckd_count(k, &r->held, &stored);
	/* A file open read/write elsewhere (live) records no free space and has OPENED set. */
	if (!live && !r->not_closed && !cckd_free_agrees(k, (uint64_t)st.st_size)) {
		r->free_bad = true;
		cckd_problem(k, r, NULL, DASD_E_BAD_HEADER, CCKD_HDR_OFF + CDH_FREE);
	}
	if (!live && r->not_closed)
		cckd_problem(k, r, NULL, DASD_E_BAD_HEADER, CCKD_HDR_OFF + CDH_OPTS);
	if (!repair) {
		cckd_free_all(k);
		close(fd);
		return r->problems ? r->first : DASD_OK;
	}
	/* Repair: write dropped entries back, then close as a clean volume. */
	s = DASD_OK;
	for (uint32_t i = 0; i < k->nl1 && s == DASD_OK; i++) {
		uint8_t l1e[4], raw[CCKD_L2_SIZE];
		cckd_put32(k, l1e, k->l1[i]);
		s = cckd_pwrite(k, l1e, 4, CCKD_L1_OFF + 4ull * i, &r->where);
		if (!k->l2[i] || s != DASD_OK)
			continue;
		if (cckd_pread(k, raw, sizeof raw, k->l1[i], &r->where) != DASD_OK)
			continue;
		for (uint32_t j = 0; j < CCKD_L2_ENTRIES; j++) {
			if ((uint64_t)i * CCKD_L2_ENTRIES + j >= k->ntrk)
				break;
			cckd_put32(k, raw + 8 * j, k->l2[i][j].off);
			cckd_put16(k, raw + 8 * j + 4, k->l2[i][j].len);
			cckd_put16(k, raw + 8 * j + 6, k->l2[i][j].size);
		}
		s = cckd_pwrite(k, raw, sizeof raw, k->l1[i], &r->where);
	}
	if (s == DASD_OK)
		s = cckd_rebuild_free(k);
	if (s == DASD_OK)
		s = cckd_detach(k, &r->where);
	else
		cckd_free_all(k);
	close(fd);
	return s;
}

enum dasd_status ckd_check_compressed(const char *path, bool repair, struct cckd_report *r)
{
	return cckd_check_file(path, repair, false, r);
}
