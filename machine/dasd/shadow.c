/*
 * shadow.c - shadow files: a read-only base volume with up to CKD_MAX_SHADOWS compressed
 * (CKD_S370) files over it that take the writes, Hercules' "sf=". dasd.h states the model, the
 * naming and the guarantees; cckd.c reads and writes each file.
 *
 * The stack: f[1] .. f[n], f[n] the current file, opened read/write unless the handle is
 * read-only, the others read-only. Each is a struct cckd over its own descriptor. The base stays
 * in struct ckd (ckd.c), opened read-only, and is asked for a track no shadow has.
 *
 * Changing the stack (add, merge, remove) never leaves a state whose contents differ from before
 * or after the change: a new shadow is linked under its name only once complete; a merge writes
 * every track of the merged shadow into the file below before deleting it (until then the merged
 * shadow hides those writes, and they are the same tracks). If reopening a file in another mode
 * fails half way the stack is marked broken: every later read and write fails with that status
 * rather than read around a missing file.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/dasd/cckd.h"
#include "machine/dasd/dasd.h"

struct shadow_file {
	int fd;			/* -1: not open */
	char *name;
	bool rw;		/* opened read/write (only the current file) */
	struct cckd *k;		/* its tables; NULL while not attached */
};

struct shadow_stack {
	char *tmpl;		/* the sf= template */
	size_t sfx;		/* index in tmpl of the character replaced by the number */
	bool readonly;		/* the handle: no writes, no new shadows */
	unsigned n;		/* shadows in the stack, f[1] .. f[n] */
	struct shadow_file f[CKD_MAX_SHADOWS + 1];	/* f[0] unused */
	enum dasd_status broken;	/* DASD_OK, or why the stack can no longer be used */
	/* The base, for checking and making shadows. */
	const struct dasd_geom *g;
	uint32_t cyls, heads, trksize;
	uint8_t devhdr[CKD_HDR_SIZE];	/* its (first file's) device header */
	uint8_t cdh[CKD_HDR_SIZE];	/* its compressed-device header, if base_cckd */
	bool base_cckd;
	uint8_t *buf;			/* one track, for merges */
};

static enum dasd_status sf_at(struct dasd_where *w, enum dasd_status s, const char *file, uint64_t off, int err)
{
	if (w) {
		snprintf(w->file, sizeof w->file, "%s", file ? file : "");
		w->offset = off;
		w->err = err;
	}
	return s;
}

/* ---- names ---- */

/* Where the number goes in template sf: before the last '.' of the file name, else at its end. */
static bool sf_number_at(const char *sf, size_t *sfx)
{
	const char *name = strrchr(sf, '/');
	name = name ? name + 1 : sf;
	const char *dot = strrchr(name, '.');

	if (!*name || dot == name)
		return false;
	*sfx = (dot ? (size_t)(dot - sf) : strlen(sf)) - 1;
	return true;
}

static char *sf_name(const struct shadow_stack *s, unsigned n)
{
	char *p = strdup(s->tmpl);

	if (p)
		p[s->sfx] = (char)('0' + n);
	return p;
}

/* Make the directory entry for name durable (best effort: not every file system allows it). */
static void sf_sync_dir(const char *name)
{
	char *copy = strdup(name);

	if (!copy)
		return;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

/* ---- one file ---- */

static void sf_close_file(struct shadow_file *f, struct dasd_where *w, enum dasd_status *first)
{
	enum dasd_status s = DASD_OK;

	if (f->k)
		s = cckd_detach(f->k, w);
	f->k = NULL;
	if (f->fd >= 0) {
		if (f->rw && s == DASD_OK && fdatasync(f->fd) < 0)
			s = sf_at(w, DASD_E_IO, f->name, 0, errno);
		close(f->fd);
	}
	f->fd = -1;
	f->rw = false;
	if (first && *first == DASD_OK)
		*first = s;
}

/*
 * Check the device header h of shadow file name against the base's, field by field, so that the
 * status names the first that differs.
 */
static enum dasd_status sf_check_header(const struct shadow_stack *s, const char *name, const uint8_t *h,
					struct dasd_where *w)
{
	static const struct {
		unsigned off, len;
	} same[] = {
		{8, 4},		/* heads */
		{12, 4},	/* track size */
		{16, 1},	/* device type */
		{20, 12},	/* serial: copied from the base when the shadow was made */
	};

	if (!memcmp(h, "CKD_S064", 8) || !memcmp(h, "CKD_C064", 8))
		return sf_at(w, DASD_E_COMPRESSED, name, 0, 0);
	if (memcmp(h, "CKD_S370", 8))
		return sf_at(w, DASD_E_BAD_ID, name, 0, 0);
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		if (memcmp(h + same[i].off, s->devhdr + same[i].off, same[i].len))
			return sf_at(w, DASD_E_BAD_SHADOW, name, same[i].off, 0);
	return DASD_OK;
}

/* Open f->name (read/write if rw), check its headers against the base's and load its tables. */
static enum dasd_status sf_open_file(struct shadow_stack *s, struct shadow_file *f, bool rw, struct dasd_where *w)
{
	uint8_t h[CKD_HDR_SIZE];
	uint32_t cyls;

	f->fd = open(f->name, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (f->fd < 0)
		return sf_at(w, DASD_E_IO, f->name, 0, errno);
	ssize_t n = pread(f->fd, h, sizeof h, 0);
	if (n < 0)
		return sf_at(w, DASD_E_IO, f->name, 0, errno);
	if (n < (ssize_t)sizeof h)
		return sf_at(w, DASD_E_SHORT_HEADER, f->name, (uint64_t)n, 0);
	enum dasd_status st = sf_check_header(s, f->name, h, w);
	if (st == DASD_OK)
		st = cckd_attach(f->fd, f->name, !rw, h, &cyls, &f->k, w);
	if (st == DASD_OK && cyls != s->cyls)
		st = sf_at(w, DASD_E_BAD_SHADOW, f->name, CKD_HDR_SIZE + 40, 0);
	if (st == DASD_OK)
		f->rw = rw;
	return st;
}

/*
 * Reopen shadow i read/write or read-only. The new descriptor is opened first, so a failure there
 * leaves the file as it was; a failure after the old tables were let go breaks the stack.
 */
static enum dasd_status sf_reopen(struct shadow_stack *s, unsigned i, bool rw, struct dasd_where *w)
{
	struct shadow_file *f = &s->f[i];
	int fd = open(f->name, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);

	if (fd < 0)
		return sf_at(w, DASD_E_IO, f->name, 0, errno);
	close(fd);
	enum dasd_status st = DASD_OK;
	sf_close_file(f, w, &st);
	if (st == DASD_OK)
		st = sf_open_file(s, f, rw, w);
	if (st != DASD_OK)
		s->broken = st;
	return st;
}

/*
 * Create shadow n + 1 over the current one: headers and L1 written to name.new, made durable, then
 * linked as name (which must not exist). The current file becomes read-only, the new one current.
 */
static enum dasd_status sf_new(struct shadow_stack *s, struct dasd_where *w)
{
	unsigned n = s->n + 1;

	if (n > CKD_MAX_SHADOWS)
		return sf_at(w, DASD_E_SHADOW_LIMIT, s->tmpl, 0, 0);
	char *name = sf_name(s, n);
	char *tmp = name ? malloc(strlen(name) + 5) : NULL;
	if (!tmp) {
		free(name);
		return DASD_E_NOMEM;
	}
	sprintf(tmp, "%s.new", name);
	enum dasd_status st = DASD_OK;
	int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		st = sf_at(w, DASD_E_IO, tmp, 0, errno);
	if (st == DASD_OK)
		st = cckd_format_shadow(fd, tmp, s->devhdr, s->base_cckd ? s->cdh : NULL, s->g, s->cyls, w);
	if (st == DASD_OK && fdatasync(fd) < 0)
		st = sf_at(w, DASD_E_IO, tmp, 0, errno);
	if (st == DASD_OK && link(tmp, name) < 0) {
		int e = errno;
		/* File systems without hard links: rename, after checking that name is free. */
		if ((e == EPERM || e == EOPNOTSUPP || e == ENOSYS) && access(name, F_OK) < 0 && errno == ENOENT)
			e = rename(tmp, name) < 0 ? errno : 0;
		if (e)
			st = sf_at(w, DASD_E_IO, name, 0, e);
	}
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	if (st != DASD_OK) {
		free(name);
		return st;
	}
	sf_sync_dir(name);
	if (s->n && s->f[s->n].rw) {
		st = sf_reopen(s, s->n, false, w);
		if (st != DASD_OK) {
			unlink(name);
			free(name);
			return st;
		}
	}
	struct shadow_file *f = &s->f[n];
	f->name = name;
	st = sf_open_file(s, f, true, w);
	if (st != DASD_OK) {
		sf_close_file(f, NULL, NULL);
		unlink(name);
		free(name);
		f->name = NULL;
		return st;
	}
	s->n = n;
	return DASD_OK;
}

/* Delete the newest shadow: its name first, so that a kill afterwards cannot bring it back. */
static void sf_drop_top(struct shadow_stack *s)
{
	struct shadow_file *f = &s->f[s->n];

	unlink(f->name);
	sf_sync_dir(f->name);
	sf_close_file(f, NULL, NULL);
	free(f->name);
	f->name = NULL;
	s->n--;
}

/* ---- called by ckd.c ---- */

enum dasd_status shadow_read(struct shadow_stack *s, uint32_t trk, uint8_t *buf, const char **file,
			     uint64_t *pos, struct dasd_where *w)
{
	if (s->broken != DASD_OK)
		return s->broken;
	for (unsigned i = s->n; i >= 1; i--) {
		struct shadow_file *f = &s->f[i];
		if (!cckd_holds(f->k, trk))
			continue;
		*file = f->name;
		*pos = cckd_track_pos(f->k, trk);
		return cckd_read(f->k, trk, buf, w);
	}
	return DASD_E_NOT_FOUND;
}

bool shadow_locate(const struct shadow_stack *s, uint32_t trk, const char **file, uint64_t *pos)
{
	for (unsigned i = s->n; s->broken == DASD_OK && i >= 1; i--)
		if (cckd_holds(s->f[i].k, trk)) {
			*file = s->f[i].name;
			*pos = cckd_track_pos(s->f[i].k, trk);
			return true;
		}
	return false;
}

bool shadow_writable(const struct shadow_stack *s)
{
	return !s->readonly && s->broken == DASD_OK && s->n > 0 && s->f[s->n].rw;
}

enum dasd_status shadow_write(struct shadow_stack *s, uint32_t trk, const uint8_t *img, size_t used,
			      struct dasd_where *w)
{
	if (!shadow_writable(s))
		return s->broken != DASD_OK ? s->broken : DASD_E_READONLY;
	return cckd_write(s->f[s->n].k, trk, img, used, w);
}

enum dasd_status shadow_flush(struct shadow_stack *s, struct dasd_where *w)
{
	if (s->n && s->f[s->n].rw && fdatasync(s->f[s->n].fd) < 0)
		return sf_at(w, DASD_E_IO, s->f[s->n].name, 0, errno);
	return DASD_OK;
}

enum dasd_status shadow_close(struct shadow_stack *s, struct dasd_where *w)
{
	enum dasd_status st = DASD_OK;

	if (!s)
		return DASD_OK;
	for (unsigned i = 1; i <= CKD_MAX_SHADOWS; i++) {
		sf_close_file(&s->f[i], w, &st);
		free(s->f[i].name);
	}
	free(s->tmpl);
	free(s->buf);
	free(s);
	return st;
}

/* ---- the API ---- */

/* Read the base's device header (and compressed header) into s. */
static enum dasd_status sf_base_header(struct shadow_stack *s, const char *name, struct dasd_where *w)
{
	int fd = open(name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return sf_at(w, DASD_E_IO, name, 0, errno);
	enum dasd_status st = DASD_OK;
	if (pread(fd, s->devhdr, sizeof s->devhdr, 0) != (ssize_t)sizeof s->devhdr)
		st = sf_at(w, DASD_E_SHORT_HEADER, name, 0, errno);
	s->base_cckd = st == DASD_OK && !memcmp(s->devhdr, "CKD_C370", 8);
	if (s->base_cckd && pread(fd, s->cdh, sizeof s->cdh, CKD_HDR_SIZE) != (ssize_t)sizeof s->cdh)
		st = sf_at(w, DASD_E_SHORT_HEADER, name, CKD_HDR_SIZE, errno);
	close(fd);
	return st;
}

/* True when st is one of c's base files (the template names the base itself). */
static bool sf_is_base(const struct ckd *c, const struct stat *st)
{
	struct stat b;

	for (unsigned i = 0; i < ckd_files(c); i++)
		if (stat(ckd_file_name(c, i), &b) == 0 && b.st_dev == st->st_dev && b.st_ino == st->st_ino)
			return true;
	return false;
}

enum dasd_status ckd_open_shadow(const char *base, const char *sf, bool readonly, struct ckd **out,
				 struct dasd_where *where)
{
	struct dasd_where w = {.file = "", .offset = 0, .err = 0};
	struct ckd *c;
	size_t sfx;

	*out = NULL;
	if (!sf || !sf_number_at(sf, &sfx))
		return sf_at(where, DASD_E_INVAL, sf, 0, 0);
	enum dasd_status st = ckd_open(base, true, &c, where);
	if (st != DASD_OK)
		return st;
	struct shadow_stack *s = calloc(1, sizeof *s);
	if (!s) {
		ckd_close(c);
		return DASD_E_NOMEM;
	}
	for (unsigned i = 0; i <= CKD_MAX_SHADOWS; i++)
		s->f[i].fd = -1;
	ckd_set_shadows(c, s);	/* from here ckd_close(c) frees s */
	s->tmpl = strdup(sf);
	s->sfx = sfx;
	s->readonly = readonly;
	s->g = ckd_geom(c);
	s->cyls = ckd_cyls(c);
	s->heads = ckd_heads(c);
	s->trksize = ckd_trksize(c);
	s->buf = malloc(s->trksize);
	if (!s->tmpl || !s->buf)
		st = DASD_E_NOMEM;
	if (st == DASD_OK)
		st = sf_base_header(s, ckd_file_name(c, 0), &w);

	/* The shadows present: 1 .. n, none after a gap, none that is the base. */
	unsigned n = 0;
	bool gap = false;
	for (unsigned i = 1; i <= CKD_MAX_SHADOWS && st == DASD_OK; i++) {
		char *name = sf_name(s, i);
		struct stat sb;
		if (!name) {
			st = DASD_E_NOMEM;
			break;
		}
		if (stat(name, &sb) < 0) {
			if (errno != ENOENT)
				st = sf_at(&w, DASD_E_IO, name, 0, errno);
			gap = true;
			free(name);
			continue;
		}
		s->f[i].name = name;
		if (gap || sf_is_base(c, &sb))
			st = sf_at(&w, DASD_E_BAD_SHADOW, name, 0, 0);
		n = i;
	}
	/* Open them, the newest read/write; if that is not allowed, read-only with a new one over it. */
	bool add = !readonly && n == 0;
	for (unsigned i = 1; i <= n && st == DASD_OK; i++) {
		bool rw = i == n && !readonly;
		st = sf_open_file(s, &s->f[i], rw, &w);
		if (st == DASD_E_IO && rw && (w.err == EACCES || w.err == EROFS || w.err == EPERM)) {
			sf_close_file(&s->f[i], NULL, NULL);
			st = sf_open_file(s, &s->f[i], false, &w);
			add = true;
		}
		if (st == DASD_OK)
			s->n = i;
	}
	if (st == DASD_OK && add)
		st = sf_new(s, &w);
	if (st != DASD_OK) {
		ckd_close(c);
		if (where)
			*where = w;
		return st;
	}
	*out = c;
	return DASD_OK;
}

unsigned ckd_shadow_count(const struct ckd *c)
{
	const struct shadow_stack *s = ckd_get_shadows(c);
	return s ? s->n : 0;
}

enum dasd_status ckd_shadow_info(const struct ckd *c, unsigned i, struct ckd_shadow_info *info)
{
	const struct shadow_stack *s = ckd_get_shadows(c);
	struct stat st;

	memset(info, 0, sizeof *info);
	if (i > ckd_shadow_count(c))
		return DASD_E_RANGE;
	if (i == 0) {
		struct cckd *k = ckd_base_cckd(c);
		info->file = ckd_file_name(c, 0);
		info->tracks = info->stored = ckd_cyls(c) * ckd_heads(c);
		if (k)
			cckd_count(k, &info->tracks, &info->stored);
		for (unsigned f = 0; f < ckd_files(c); f++)
			if (stat(ckd_file_name(c, f), &st) == 0)
				info->size += (uint64_t)st.st_size;
		info->current = !s;
		return DASD_OK;
	}
	const struct shadow_file *f = &s->f[i];
	info->file = f->name;
	cckd_count(f->k, &info->tracks, &info->stored);
	if (fstat(f->fd, &st) == 0)
		info->size = (uint64_t)st.st_size;
	info->current = i == s->n && shadow_writable(s);
	return DASD_OK;
}

/* The stack of c if it may be changed: opened with shadows, read/write, not broken. */
static enum dasd_status sf_changeable(struct ckd *c, struct shadow_stack **s)
{
	*s = ckd_get_shadows(c);
	if (!*s)
		return sf_at(ckd_where_rw(c), DASD_E_INVAL, ckd_file_name(c, 0), 0, 0);
	if ((*s)->broken != DASD_OK)
		return (*s)->broken;
	if ((*s)->readonly)
		return DASD_E_READONLY;
	return DASD_OK;
}

enum dasd_status ckd_shadow_add(struct ckd *c)
{
	struct shadow_stack *s;
	enum dasd_status st = sf_changeable(c, &s);

	if (st == DASD_OK)
		st = shadow_flush(s, ckd_where_rw(c));
	if (st == DASD_OK)
		st = sf_new(s, ckd_where_rw(c));
	return st;
}

/* Read track trk of shadow f into s->buf and validate it; its used length in *used. */
static enum dasd_status sf_take(struct shadow_stack *s, struct shadow_file *f, uint32_t trk, size_t *used,
				struct dasd_where *w)
{
	size_t bad;
	enum dasd_status st = cckd_read(f->k, trk, s->buf, w);

	if (st == DASD_OK)
		st = ckd_track_check(s->buf, s->trksize, trk / s->heads, trk % s->heads, used, &bad);
	if (st == DASD_E_BAD_TRACK)
		sf_at(w, st, f->name, cckd_track_pos(f->k, trk), 0);
	return st;
}

enum dasd_status ckd_shadow_merge(struct ckd *c, bool into_base)
{
	struct dasd_where *w = ckd_where_rw(c);
	struct shadow_stack *s;
	enum dasd_status st = sf_changeable(c, &s);
	uint32_t ntrk = s ? s->cyls * s->heads : 0;
	size_t used;

	if (st != DASD_OK)
		return st;
	if (s->n == 0)
		return sf_at(w, DASD_E_SHADOW_LIMIT, s->tmpl, 0, 0);
	struct shadow_file *top = &s->f[s->n];
	if (s->n == 1 && !into_base)
		return sf_at(w, DASD_E_READONLY, ckd_file_name(c, 0), 0, 0);
	st = shadow_flush(s, w);
	if (st == DASD_OK && s->n >= 2) {
		struct shadow_file *below = &s->f[s->n - 1];
		st = sf_reopen(s, s->n - 1, true, w);
		for (uint32_t t = 0; t < ntrk && st == DASD_OK; t++)
			if (cckd_holds(top->k, t)) {
				st = sf_take(s, top, t, &used, w);
				if (st == DASD_OK)
					st = cckd_write(below->k, t, s->buf, used, w);
			}
		if (st == DASD_OK && fdatasync(below->fd) < 0)
			st = sf_at(w, DASD_E_IO, below->name, 0, errno);
	} else if (st == DASD_OK) {
		char *base = strdup(ckd_file_name(c, 0));
		struct ckd *rw = NULL, *ro;
		st = base ? ckd_open(base, false, &rw, w) : DASD_E_NOMEM;
		for (uint32_t t = 0; t < ntrk && st == DASD_OK; t++)
			if (cckd_holds(top->k, t)) {
				st = sf_take(s, top, t, &used, w);
				if (st == DASD_OK)
					st = ckd_write_track(rw, t / s->heads, t % s->heads, s->buf, used);
				if (st != DASD_OK && *ckd_where(rw)->file)
					*w = *ckd_where(rw);
			}
		if (rw) {
			enum dasd_status cs = ckd_close(rw);
			if (st == DASD_OK && cs != DASD_OK)
				st = sf_at(w, cs, base, 0, 0);
		}
		/* The base's tables changed under the read-only handle: load them again. */
		if (st == DASD_OK)
			st = ckd_open(base, true, &ro, w);
		if (st == DASD_OK)
			ckd_replace_base(c, ro);
		free(base);
	}
	if (st != DASD_OK)
		return st;
	sf_drop_top(s);
	return DASD_OK;
}

enum dasd_status ckd_shadow_remove(struct ckd *c)
{
	struct shadow_stack *s;
	enum dasd_status st = sf_changeable(c, &s);

	if (st != DASD_OK)
		return st;
	if (s->n == 0)
		return sf_at(ckd_where_rw(c), DASD_E_SHADOW_LIMIT, s->tmpl, 0, 0);
	sf_drop_top(s);
	return s->n ? sf_reopen(s, s->n, true, ckd_where_rw(c)) : DASD_OK;
}

enum dasd_status ckd_shadow_check(struct ckd *c, unsigned i, struct cckd_report *r)
{
	struct shadow_stack *s = ckd_get_shadows(c);

	memset(r, 0, sizeof *r);
	if (!s || i == 0 || i > s->n)
		return DASD_E_RANGE;
	enum dasd_status st = shadow_flush(s, &r->where);
	return st == DASD_OK ? cckd_check_file(s->f[i].name, false, s->f[i].rw, r) : st;
}
