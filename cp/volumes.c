/*
 * volumes.c - the system's real volumes (see volumes.h).
 *
 * The table is an array of entries sorted by volser, built once by vol_open_dir() and never
 * changed afterwards: lookups need no lock. Files are examined in name order, so which of two
 * images with one volser is kept does not depend on the order the folder lists them.
 */
#include "cp/volumes.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cp/directory.h"
#include "cp/tdisk.h"
#include "lib/ebcdic.h"
#include "machine/devices.h"

struct vol_entry {
	struct vol_info info;
	char *file;
};

struct volumes {
	struct vol_entry *v;
	size_t n;
	struct tdisk_space *tdisks;	/* the TDISK file's space, or NULL */
};

const char *vol_status_str(enum vol_status s)
{
	switch (s) {
	case VOL_OK: return "success";
	case VOL_ERR_ARG: return "invalid argument (volume serial, device type or size)";
	case VOL_ERR_IO: return "host I/O error";
	case VOL_ERR_NOMEM: return "out of memory";
	case VOL_ERR_EXISTS: return "the volume's file already exists";
	case VOL_ERR_DASD: return "the DASD image library failed";
	case VOL_ERR_INVALID: return "the directory's minidisks cannot all be placed";
	}
	return "unknown status";
}

/* ---- Problems ---- */

void vol_problems_init(struct vol_problems *p)
{
	memset(p, 0, sizeof *p);
}

void vol_problems_free(struct vol_problems *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].file);
		free(p->v[i].reason);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

/* Append a problem; a failure to allocate loses it (there is nothing better to do with it). */
__attribute__((format(printf, 3, 4))) static void problem(struct vol_problems *p, const char *file,
							  const char *fmt, ...);

void vol_problem_add(struct vol_problems *p, const char *file, const char *fmt, ...)
{
	char reason[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	problem(p, file, "%s", reason);
}

static void problem(struct vol_problems *p, const char *file, const char *fmt, ...)
{
	if (!p)
		return;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct vol_problem *v = realloc(p->v, cap * sizeof *v);
		if (!v)
			return;
		p->v = v;
		p->cap = cap;
	}
	char reason[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	char *f = strdup(file), *r = strdup(reason);
	if (!f || !r) {
		free(f);
		free(r);
		return;
	}
	p->v[p->n].file = f;
	p->v[p->n].reason = r;
	p->n++;
}

/* ---- Volume serials and device types ---- */

static bool volser_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > VOL_VOLSER_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@' || c == '#' || c == '$'))
			return false;
	}
	return true;
}

/* volser folded to upper case with trailing blanks dropped into out; false if not valid. */
static bool volser_norm(const char *in, char out[VOL_VOLSER_MAX + 1])
{
	size_t n = strlen(in);
	while (n > 0 && in[n - 1] == ' ')
		n--;
	if (n < 1 || n > VOL_VOLSER_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[n] = '\0';
	return volser_valid(out);
}

unsigned vol_devtype(const struct dasd_geom *g)
{
	return g ? (unsigned)strtoul(g->name, NULL, 10) : 0;
}

/* ---- Opening the folder ---- */

/* The FBA label: block 1 starts with EBCDIC "VOL1" and the volser. */
static enum dasd_status fba_label(struct fba *f, char volser[VOL_VOLSER_MAX + 1])
{
	uint8_t blk[FBA_BLOCK];
	if (fba_blocks(f) < 2)
		return DASD_E_NO_LABEL;
	enum dasd_status s = fba_read(f, 1, 1, blk);
	if (s != DASD_OK)
		return s;
	char text[10];
	ebcdic_to_ascii_buf(text, blk, sizeof text);
	if (memcmp(text, "VOL1", 4) != 0)
		return DASD_E_NO_LABEL;
	char raw[VOL_VOLSER_MAX + 1];
	memcpy(raw, text + 4, VOL_VOLSER_MAX);
	raw[VOL_VOLSER_MAX] = '\0';
	return volser_norm(raw, volser) ? DASD_OK : DASD_E_NO_LABEL;
}

static const char *where_text(enum dasd_status s, const struct dasd_where *w, char *buf, size_t len)
{
	if (s == DASD_E_IO && w->err)
		snprintf(buf, len, "%s: %s", dasd_status_str(s), strerror(w->err));
	else if (w->file[0] && (s == DASD_E_BAD_HEADER || s == DASD_E_TRUNCATED || s == DASD_E_BAD_TRACK ||
				s == DASD_E_BAD_COMPRESSION))
		snprintf(buf, len, "%s (at offset %llu)", dasd_status_str(s), (unsigned long long)w->offset);
	else
		snprintf(buf, len, "%s", dasd_status_str(s));
	return buf;
}

/* Open one file as a volume; false with a problem when it cannot be one. */
static bool open_one(const char *file, struct vol_entry *e, struct vol_problems *pr)
{
	struct dasd_where w;
	char why[600];
	memset(&w, 0, sizeof w);
	memset(e, 0, sizeof *e);
	struct ckd *c = NULL;
	enum dasd_status s = ckd_open(file, false, &c, &w);
	if (s == DASD_OK) {
		if (ckd_files(c) != 1) {
			problem(pr, file, "a CKD volume split over %u files: not supported in volumes/", ckd_files(c));
			ckd_close(c);
			return false;
		}
		struct dasd_label l;
		s = dasd_ckd_read_label(c, &l);
		if (s != DASD_OK || !volser_norm(l.volser, e->info.volser)) {
			problem(pr, file, "no volume label (VOL1 at cylinder 0 head 0 record 3): %s",
				s == DASD_OK ? "invalid volume serial" : dasd_status_str(s));
			ckd_close(c);
			return false;
		}
		e->info.ckd = c;
		e->info.geom = ckd_geom(c);
		e->info.cyls = ckd_cyls(c);
	} else if (s == DASD_E_BAD_ID || s == DASD_E_SHORT_HEADER) {
		/* Not CKD: perhaps an FBA image (no header; any multiple of 512 bytes). */
		struct fba *f = NULL;
		memset(&w, 0, sizeof w);
		enum dasd_status fs = fba_open(file, false, &f, &w);
		if (fs != DASD_OK) {
			problem(pr, file, "not a DASD image: %s", fs == DASD_E_TRUNCATED ? "neither CKD nor FBA"
								   : where_text(fs, &w, why, sizeof why));
			return false;
		}
		fs = fba_label(f, e->info.volser);
		if (fs != DASD_OK) {
			problem(pr, file, "no volume label (not CKD; as FBA, no VOL1 in block 1): %s",
				dasd_status_str(fs));
			fba_close(f);
			return false;
		}
		const struct dasd_geom *g = dasd_geom_find("3310");
		if (fba_blocks(f) > g->blocks)
			g = dasd_geom_find("3370");
		if (fba_blocks(f) > g->blocks)
			g = dasd_geom_find("3370-2");
		e->info.fbav = f;
		e->info.fba = true;
		e->info.geom = g;
		e->info.blocks = fba_blocks(f);
	} else {
		problem(pr, file, "cannot be opened read/write as a CKD volume: %s", where_text(s, &w, why, sizeof why));
		return false;
	}
	e->info.devtype = vol_devtype(e->info.geom);
	e->file = strdup(file);
	if (!e->file) {
		problem(pr, file, "out of memory");
		if (e->info.ckd)
			ckd_close(e->info.ckd);
		if (e->info.fbav)
			fba_close(e->info.fbav);
		return false;
	}
	e->info.file = e->file;
	return true;
}

/* ---- DEDICATE vaddr volser ---- */

bool vol_real_device_holds(const char *type, int argc, char *const argv[], const char *volser)
{
	char want[VOL_VOLSER_MAX + 1], have[VOL_VOLSER_MAX + 1];
	const struct device_type *dt = type ? devices_find(type) : NULL;
	if (!dt || dt->class != DEVICE_DASD || argc < 1 || !argv[0] || !volser || !volser_norm(volser, want))
		return false;
	struct dasd_where w;
	memset(&w, 0, sizeof w);
	struct ckd *c = NULL;
	enum dasd_status s = ckd_open(argv[0], true, &c, &w);
	if (s == DASD_OK) {
		struct dasd_label l;
		bool ok = dasd_ckd_read_label(c, &l) == DASD_OK && volser_norm(l.volser, have);
		ckd_close(c);
		return ok && strcmp(have, want) == 0;
	}
	if (s != DASD_E_BAD_ID && s != DASD_E_SHORT_HEADER)
		return false;
	struct fba *f = NULL;
	memset(&w, 0, sizeof w);
	if (fba_open(argv[0], true, &f, &w) != DASD_OK)
		return false;
	bool ok = fba_label(f, have) == DASD_OK;
	fba_close(f);
	return ok && strcmp(have, want) == 0;
}

static void close_entry(struct vol_entry *e)
{
	if (e->info.ckd)
		ckd_close(e->info.ckd);
	if (e->info.fbav)
		fba_close(e->info.fbav);
	free(e->file);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct vol_entry *)a)->info.volser, ((const struct vol_entry *)b)->info.volser);
}

enum vol_status vol_open_dir(const char *path, struct volumes **out, struct vol_problems *pr)
{
	*out = NULL;
	DIR *dh = opendir(path);
	if (!dh)
		return VOL_ERR_IO;
	char **names = NULL;
	size_t nn = 0, cap = 0;
	enum vol_status st = VOL_OK;
	struct dirent *de;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, VOL_TDISK_FILE))
			continue;
		if (nn == cap) {
			size_t c2 = cap ? cap * 2 : 16;
			char **n2 = realloc(names, c2 * sizeof *n2);
			if (!n2) {
				st = VOL_ERR_NOMEM;
				break;
			}
			names = n2;
			cap = c2;
		}
		if (!(names[nn] = strdup(de->d_name))) {
			st = VOL_ERR_NOMEM;
			break;
		}
		nn++;
	}
	closedir(dh);
	struct volumes *v = calloc(1, sizeof *v);
	if (st == VOL_OK && (!v || (nn && !(v->v = calloc(nn, sizeof *v->v)))))
		st = VOL_ERR_NOMEM;
	if (st != VOL_OK) {
		for (size_t i = 0; i < nn; i++)
			free(names[i]);
		free(names);
		if (v)
			free(v->v);
		free(v);
		return st;
	}
	if (nn)
		qsort(names, nn, sizeof *names, cmp_names);
	for (size_t i = 0; i < nn; i++) {
		char file[4096];
		snprintf(file, sizeof file, "%s/%s", path, names[i]);
		free(names[i]);
		struct stat sb;
		if (stat(file, &sb) < 0) {
			problem(pr, file, "cannot be examined: %s", strerror(errno));
			continue;
		}
		if (!S_ISREG(sb.st_mode)) {
			if (!S_ISDIR(sb.st_mode))
				problem(pr, file, "not a regular file");
			continue;
		}
		struct vol_entry e;
		if (!open_one(file, &e, pr))
			continue;
		size_t dup = v->n;
		for (size_t k = 0; k < v->n; k++)
			if (!strcmp(v->v[k].info.volser, e.info.volser))
				dup = k;
		if (dup < v->n) {
			problem(pr, file, "volume %s is already %s: this image is not used", e.info.volser,
				v->v[dup].file);
			close_entry(&e);
			continue;
		}
		v->v[v->n++] = e;
	}
	free(names);
	if (v->n)
		qsort(v->v, v->n, sizeof *v->v, cmp_entries);
	/* The T-disk space, once the volumes it names are known. Its problems are the caller's to
	 * show; only a lack of memory fails the whole folder. */
	char tfile[4096];
	snprintf(tfile, sizeof tfile, "%s/%s", path, VOL_TDISK_FILE);
	if (tdisk_load(tfile, v, &v->tdisks, pr) == TDISK_ERR_NOMEM) {
		vol_close_all(v);
		return VOL_ERR_NOMEM;
	}
	*out = v;
	return VOL_OK;
}

void vol_close_all(struct volumes *v)
{
	if (!v)
		return;
	tdisk_space_free(v->tdisks);
	for (size_t i = 0; i < v->n; i++)
		close_entry(&v->v[i]);
	free(v->v);
	free(v);
}

bool vol_find(const struct volumes *v, const char *volser, struct vol_info *out)
{
	char key[VOL_VOLSER_MAX + 1];
	if (!v || !volser || !volser_norm(volser, key))
		return false;
	struct vol_entry probe;
	memset(&probe, 0, sizeof probe);
	strcpy(probe.info.volser, key);
	const struct vol_entry *e = v->n ? bsearch(&probe, v->v, v->n, sizeof *v->v, cmp_entries) : NULL;
	if (!e)
		return false;
	*out = e->info;
	return true;
}

struct tdisk_space *vol_tdisks(const struct volumes *v)
{
	return v ? v->tdisks : NULL;
}

size_t vol_release_tdisks(const struct volumes *v, const char *userid)
{
	return v ? tdisk_logoff(v->tdisks, userid) : 0;
}

size_t vol_count(const struct volumes *v)
{
	return v ? v->n : 0;
}

bool vol_at(const struct volumes *v, size_t i, struct vol_info *out)
{
	if (!v || i >= v->n)
		return false;
	*out = v->v[i].info;
	return true;
}

/* ---- Making volumes ---- */

/* Write the FBA label into block 1: "VOL1" and the volser in EBCDIC, the rest blanks. */
static enum dasd_status fba_write_label(struct fba *f, const char *volser)
{
	uint8_t blk[FBA_BLOCK];
	char text[81];
	memset(blk, 0, sizeof blk);
	snprintf(text, sizeof text, "VOL1%-6s%-70s", volser, "");
	ascii_to_ebcdic_buf(blk, text, 80);
	return fba_write(f, 1, 1, blk);
}

enum vol_status vol_create(const char *dir, const char *volser, const char *type, uint32_t size, bool compressed,
			   char *path, size_t pathlen)
{
	if (!dir || !volser || !type || !volser_valid(volser))
		return VOL_ERR_ARG;
	const struct dasd_geom *g = dasd_geom_find(type);
	if (!g || (g->fba && compressed))
		return VOL_ERR_ARG;
	if (g->fba ? size > g->blocks || (size && size < 2) : size > g->cyls)
		return VOL_ERR_ARG;
	char file[4096];
	int n = snprintf(file, sizeof file, "%s/%s.%s%s", dir, volser, g->name, compressed ? ".cckd" : "");
	if (n < 0 || (size_t)n >= sizeof file)
		return VOL_ERR_ARG;
	if (path && pathlen)
		snprintf(path, pathlen, "%s", file);
	if (access(file, F_OK) == 0)
		return VOL_ERR_EXISTS;
	enum dasd_status s;
	if (g->fba) {
		struct fba *f;
		s = fba_create(file, g, size, &f, NULL);
		if (s != DASD_OK)
			return s == DASD_E_IO ? VOL_ERR_IO : VOL_ERR_DASD;
		s = fba_write_label(f, volser);
		enum dasd_status s2 = fba_close(f);
		if (s == DASD_OK)
			s = s2;
	} else {
		struct ckd *c;
		uint32_t cyls = size ? size : g->cyls;
		s = compressed ? ckd_create_compressed(file, g, cyls, DASD_COMPRESS_ZLIB, &c, NULL)
			       : ckd_create(file, g, cyls, 0, &c, NULL);
		if (s == DASD_E_IO && errno == EEXIST)
			return VOL_ERR_EXISTS;
		if (s != DASD_OK)
			return s == DASD_E_IO ? VOL_ERR_IO : VOL_ERR_DASD;
		s = dasd_ckd_init_volume(c, volser);
		enum dasd_status s2 = ckd_close(c);
		if (s == DASD_OK)
			s = s2;
	}
	if (s != DASD_OK) {
		unlink(file);
		return s == DASD_E_IO ? VOL_ERR_IO : VOL_ERR_DASD;
	}
	return VOL_OK;
}

/* Does the folder hold a file VOLSER.* ? */
static bool volser_present(const char *dir, const char *volser)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return false;
	size_t n = strlen(volser);
	bool found = false;
	struct dirent *de;
	while (!found && (de = readdir(dh)))
		found = !strncasecmp(de->d_name, volser, n) && de->d_name[n] == '.';
	closedir(dh);
	return found;
}

/* The smallest model of device type devtype (as the directory writes it) with at least need
 * cylinders (blocks); NULL if none. 2319 is a 2314. */
static const struct dasd_geom *model_for(unsigned devtype, bool fba, unsigned long need)
{
	if (devtype == 2319)
		devtype = 2314;
	const struct dasd_geom *best = NULL;
	for (size_t i = 0; i < dasd_geom_count(); i++) {
		const struct dasd_geom *g = dasd_geom_at(i);
		if (g->fba != fba || vol_devtype(g) != devtype)
			continue;
		unsigned long have = fba ? g->blocks : g->cyls;
		if (have >= need && (!best || have < (fba ? best->blocks : best->cyls)))
			best = g;
	}
	return best;
}

struct starter_vol {
	char volser[DIR_VOLSER_MAX + 1];
	unsigned devtype;
	bool fba, bad;
	unsigned long need;	/* cylinders (blocks) the extents reach */
};

enum vol_status vol_create_starter(const char *dir, const struct directory *d, unsigned *made,
				   struct vol_problems *pr)
{
	if (made)
		*made = 0;
	if (!dir || !d)
		return VOL_ERR_ARG;
	struct starter_vol *sv = NULL;
	size_t n = 0, cap = 0;
	for (size_t u = 0; u < dir_count(d); u++) {
		const struct dir_user *usr = dir_user_at(d, u);
		for (size_t k = 0; k < usr->ndevices; k++) {
			const struct dir_device *dev = &usr->devices[k];
			if (dev->kind != DIR_DEV_MDISK || dev->u.mdisk.tdisk)
				continue;
			const struct dir_mdisk *md = &dev->u.mdisk;
			size_t i = 0;
			while (i < n && strcmp(sv[i].volser, md->volser))
				i++;
			if (i == n) {
				if (n == cap) {
					size_t c2 = cap ? cap * 2 : 8;
					struct starter_vol *s2 = realloc(sv, c2 * sizeof *s2);
					if (!s2) {
						free(sv);
						return VOL_ERR_NOMEM;
					}
					sv = s2;
					cap = c2;
				}
				memset(&sv[n], 0, sizeof sv[n]);
				snprintf(sv[n].volser, sizeof sv[n].volser, "%s", md->volser);
				sv[n].devtype = md->devtype == 2319 ? 2314 : md->devtype;
				sv[n].fba = md->fba;
				n++;
			}
			unsigned dt = md->devtype == 2319 ? 2314 : md->devtype;
			if (dt != sv[i].devtype && !sv[i].bad) {
				problem(pr, md->volser, "named as a %u by %s %03X and as a %u before: not made", md->devtype,
					usr->userid, dev->vaddr, sv[i].devtype);
				sv[i].bad = true;
			}
			unsigned long end = md->to_end ? md->start + 1 : md->start + md->count;
			if (end > sv[i].need)
				sv[i].need = end;
		}
	}
	enum vol_status first = VOL_OK;
	for (size_t i = 0; i < n; i++) {
		if (sv[i].bad) {
			if (first == VOL_OK)
				first = VOL_ERR_INVALID;
			continue;
		}
		if (volser_present(dir, sv[i].volser))
			continue;
		const struct dasd_geom *g = model_for(sv[i].devtype, sv[i].fba, sv[i].need);
		if (!g) {
			problem(pr, sv[i].volser, "its minidisks reach %s %lu, beyond any %u: not made",
				sv[i].fba ? "block" : "cylinder", sv[i].need, sv[i].devtype);
			if (first == VOL_OK)
				first = VOL_ERR_INVALID;
			continue;
		}
		enum vol_status s = vol_create(dir, sv[i].volser, g->name, 0, !g->fba, NULL, 0);
		if (s == VOL_OK) {
			if (made)
				(*made)++;
			continue;
		}
		problem(pr, sv[i].volser, "the %s volume could not be made: %s", g->name, vol_status_str(s));
		if (first == VOL_OK)
			first = s;
	}
	free(sv);
	return first;
}
