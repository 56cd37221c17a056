/*
 * tdisk.c - temporary disks: the T-disk space and its allocations (see tdisk.h).
 *
 * The configured extents (conf) are fixed once parsed. Under the lock: the directory last given,
 * the ranges it leaves usable (the configured extents less its minidisks, in the file's order,
 * each ascending) and the T-disks held. All are small (a few lines, a few T-disks per logged-on
 * user), so every search walks them.
 */
#include "cp/tdisk.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/dasd/dasd.h"

/* One usable line of the configuration. */
struct conf {
	char volser[VOL_VOLSER_MAX + 1];
	unsigned devtype;	/* the volume's: 2314, 3330, 3340, 3350 ... */
	struct ckd *ckd;
	uint32_t first, last;	/* inclusive */
	unsigned line;
};

/* A run of cylinders of conf[c] that the directory in force leaves for T-disks. */
struct range {
	size_t c;
	uint32_t first, last;	/* inclusive */
};

struct tdisk_space {
	struct conf *conf;	/* constant after tdisk_parse() */
	size_t nconf;
	pthread_mutex_t lock;
	/* ---- Under lock ---- */
	const struct directory *dir;	/* the last tdisk_set_directory()'s; only compared */
	struct range *ranges;
	size_t nranges;
	struct tdisk_extent *held;
	size_t nheld, capheld;
};

const char *tdisk_status_str(enum tdisk_status s)
{
	switch (s) {
	case TDISK_OK: return "success";
	case TDISK_NO_SPACE: return "no temporary disk space of that type and size";
	case TDISK_EXISTS: return "a temporary disk is already at that address";
	case TDISK_ERR_ARG: return "invalid argument";
	case TDISK_ERR_IO: return "host I/O error";
	case TDISK_ERR_NOMEM: return "out of memory";
	}
	return "unknown status";
}

/* ---- Helpers ---- */

static unsigned base_type(unsigned devtype)
{
	return devtype == 2319 ? 2314 : devtype;
}

static void upper(char *dst, const char *src, size_t size)
{
	size_t i = 0;
	for (; src[i] && i + 1 < size; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[i] = '\0';
}

/* Do [a0, a1] and [b0, b1] (inclusive) share a cylinder? */
static bool overlap(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1)
{
	return a0 <= b1 && b0 <= a1;
}

/* A decimal cylinder number of at most 9 digits. */
static bool cyl_number(const char *s, uint32_t *out)
{
	size_t n = strlen(s);
	if (n < 1 || n > 9)
		return false;
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* The ranges when no directory refuses anything: the configured extents. Under lock (or alone). */
static bool ranges_from_conf(struct tdisk_space *sp)
{
	struct range *r = sp->nconf ? malloc(sp->nconf * sizeof *r) : NULL;
	if (sp->nconf && !r)
		return false;
	for (size_t i = 0; i < sp->nconf; i++)
		r[i] = (struct range){.c = i, .first = sp->conf[i].first, .last = sp->conf[i].last};
	free(sp->ranges);
	sp->ranges = r;
	sp->nranges = sp->nconf;
	return true;
}

/* ---- The configuration ---- */

void tdisk_space_free(struct tdisk_space *sp)
{
	if (!sp)
		return;
	pthread_mutex_destroy(&sp->lock);
	free(sp->conf);
	free(sp->ranges);
	free(sp->held);
	free(sp);
}

/* Check one line's operands against the volumes and the earlier lines; true with *c, or false
 * with the reason in why. */
static bool parse_line(struct tdisk_space *sp, const struct volumes *vols, char *tok[], size_t ntok,
		       unsigned line, struct conf *c, char *why, size_t whylen)
{
	struct vol_info vi;
	memset(c, 0, sizeof *c);
	if (ntok != 3) {
		snprintf(why, whylen, "%s: want volser first-cylinder last-cylinder",
			 ntok < 3 ? "operand missing" : "too many operands");
		return false;
	}
	if (!vol_find(vols, tok[0], &vi)) {
		snprintf(why, whylen, "no volume %.6s in the volumes folder", tok[0]);
		return false;
	}
	if (vi.fba || !vi.ckd) {
		snprintf(why, whylen, "%s is an FBA volume: T-disks are CKD cylinders", vi.volser);
		return false;
	}
	if (!cyl_number(tok[1], &c->first) || !cyl_number(tok[2], &c->last) || c->first > c->last) {
		snprintf(why, whylen, "cylinders %.12s %.12s: want two decimal numbers, first <= last", tok[1],
			 tok[2]);
		return false;
	}
	if (c->first == 0) {
		snprintf(why, whylen, "cylinder 0 holds the volume's label: never T-disk space");
		return false;
	}
	if (c->last >= vi.cyls) {
		snprintf(why, whylen, "cylinder %u is beyond %s's %u cylinders", (unsigned)c->last, vi.volser,
			 (unsigned)vi.cyls);
		return false;
	}
	for (size_t i = 0; i < sp->nconf; i++)
		if (!strcmp(sp->conf[i].volser, vi.volser) &&
		    overlap(sp->conf[i].first, sp->conf[i].last, c->first, c->last)) {
			snprintf(why, whylen, "overlaps line %u (%s %u-%u)", sp->conf[i].line, vi.volser,
				 (unsigned)sp->conf[i].first, (unsigned)sp->conf[i].last);
			return false;
		}
	memcpy(c->volser, vi.volser, sizeof c->volser);
	c->devtype = vi.devtype;
	c->ckd = vi.ckd;
	c->line = line;
	return true;
}

enum tdisk_status tdisk_parse(const char *text, size_t len, const char *name, const struct volumes *vols,
			      struct tdisk_space **out, struct vol_problems *pr)
{
	*out = NULL;
	if (!text && len)
		return TDISK_ERR_ARG;
	struct tdisk_space *sp = calloc(1, sizeof *sp);
	if (!sp)
		return TDISK_ERR_NOMEM;
	pthread_mutex_init(&sp->lock, NULL);
	size_t cap = 0;
	unsigned line = 0;
	size_t pos = 0;
	while (pos < len) {
		char buf[256];
		size_t k = 0;
		bool too_long = false;
		line++;
		for (; pos < len && text[pos] != '\n'; pos++) {
			if (k + 1 < sizeof buf)
				buf[k++] = text[pos] == '\t' || text[pos] == '\r' ? ' ' : text[pos];
			else
				too_long = true;
		}
		pos++;	/* the newline */
		buf[k] = '\0';
		char *tok[4];
		size_t ntok = 0;
		char *save = NULL;
		for (char *p = strtok_r(buf, " ", &save); p && ntok < 4; p = strtok_r(NULL, " ", &save))
			tok[ntok++] = p;
		if (ntok == 0 || tok[0][0] == '*')
			continue;
		char why[160];
		struct conf c;
		if (too_long) {
			vol_problem_add(pr, name, "line %u: longer than %zu characters: not used", line,
					sizeof buf - 1);
			continue;
		}
		if (!parse_line(sp, vols, tok, ntok, line, &c, why, sizeof why)) {
			vol_problem_add(pr, name, "line %u: %s: not used", line, why);
			continue;
		}
		if (sp->nconf == cap) {
			size_t c2 = cap ? cap * 2 : 8;
			struct conf *v = realloc(sp->conf, c2 * sizeof *v);
			if (!v) {
				tdisk_space_free(sp);
				return TDISK_ERR_NOMEM;
			}
			sp->conf = v;
			cap = c2;
		}
		sp->conf[sp->nconf++] = c;
	}
	if (!sp->nconf) {
		tdisk_space_free(sp);
		return TDISK_OK;
	}
	if (!ranges_from_conf(sp)) {
		tdisk_space_free(sp);
		return TDISK_ERR_NOMEM;
	}
	*out = sp;
	return TDISK_OK;
}

enum tdisk_status tdisk_load(const char *path, const struct volumes *vols, struct tdisk_space **out,
			     struct vol_problems *pr)
{
	*out = NULL;
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return TDISK_OK;
		vol_problem_add(pr, path, "cannot be read: %s", strerror(errno));
		return TDISK_ERR_IO;
	}
	char *text = NULL;
	size_t len = 0, cap = 0;
	enum tdisk_status st = TDISK_OK;
	for (;;) {
		if (len == cap) {
			size_t c2 = cap ? cap * 2 : 4096;
			char *t = c2 <= (1u << 20) ? realloc(text, c2) : NULL;
			if (!t) {
				st = cap >= (1u << 20) ? TDISK_ERR_IO : TDISK_ERR_NOMEM;
				if (st == TDISK_ERR_IO)
					vol_problem_add(pr, path, "longer than 1 MiB: not read");
				break;
			}
			text = t;
			cap = c2;
		}
		size_t n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				vol_problem_add(pr, path, "cannot be read: %s", strerror(errno));
				st = TDISK_ERR_IO;
			}
			break;
		}
	}
	fclose(f);
	if (st == TDISK_OK)
		st = tdisk_parse(text, len, path, vols, out, pr);
	free(text);
	return st;
}

/* ---- The directory's minidisks ---- */

size_t tdisk_set_directory(struct tdisk_space *sp, const struct directory *d, tdisk_log_fn *log, void *arg)
{
	if (!sp)
		return 0;
	size_t refused = 0;
	pthread_mutex_lock(&sp->lock);
	if (d == sp->dir) {
		for (size_t i = 0; i < sp->nconf; i++)
			refused += sp->conf[i].last - sp->conf[i].first + 1;
		for (size_t i = 0; i < sp->nranges; i++)
			refused -= sp->ranges[i].last - sp->ranges[i].first + 1;
		pthread_mutex_unlock(&sp->lock);
		return refused;
	}
	/* Mark each configured cylinder an MDISK covers, then make the ranges of the others. */
	struct range *nr = NULL;
	size_t nn = 0, capn = 0;
	bool nomem = false;
	for (size_t c = 0; c < sp->nconf && !nomem; c++) {
		const struct conf *cf = &sp->conf[c];
		size_t width = (size_t)(cf->last - cf->first) + 1;
		bool *taken = calloc(width, sizeof *taken);
		if (!taken) {
			nomem = true;
			break;
		}
		for (size_t u = 0; d && u < dir_count(d); u++) {
			const struct dir_user *usr = dir_user_at(d, u);
			for (size_t k = 0; k < usr->ndevices; k++) {
				const struct dir_device *dev = &usr->devices[k];
				if (dev->kind != DIR_DEV_MDISK || dev->u.mdisk.tdisk || dev->u.mdisk.fba)
					continue;
				const struct dir_mdisk *md = &dev->u.mdisk;
				char vol[VOL_VOLSER_MAX + 1];
				upper(vol, md->volser, sizeof vol);
				if (strcmp(vol, cf->volser) != 0 || (!md->to_end && md->count == 0))
					continue;
				unsigned long lo = md->start;
				unsigned long hi = md->to_end ? UINT32_MAX : md->start + md->count - 1;
				if (lo > cf->last || hi < cf->first)
					continue;
				uint32_t a = lo > cf->first ? (uint32_t)lo : cf->first;
				uint32_t b = hi < cf->last ? (uint32_t)hi : cf->last;
				for (uint32_t x = a; x <= b; x++)
					taken[x - cf->first] = true;
				if (log) {
					char line[200];
					snprintf(line, sizeof line,
						 "TDISK %s %u-%u: CYLINDERS %u-%u ARE MDISK %s %03X: "
						 "NOT USED FOR T-DISKS",
						 cf->volser, (unsigned)cf->first, (unsigned)cf->last, (unsigned)a,
						 (unsigned)b, usr->userid, dev->vaddr);
					log(arg, line);
				}
			}
		}
		for (size_t x = 0; x < width;) {
			if (taken[x]) {
				refused++;
				x++;
				continue;
			}
			size_t y = x;
			while (y + 1 < width && !taken[y + 1])
				y++;
			if (nn == capn) {
				size_t c2 = capn ? capn * 2 : 8;
				struct range *v = realloc(nr, c2 * sizeof *v);
				if (!v) {
					nomem = true;
					break;
				}
				nr = v;
				capn = c2;
			}
			nr[nn++] = (struct range){.c = c, .first = cf->first + (uint32_t)x,
						  .last = cf->first + (uint32_t)y};
			x = y + 1;
		}
		free(taken);
	}
	if (nomem) {
		/* Without memory for the new ranges, no space at all is safer than the old ranges. */
		free(nr);
		nr = NULL;
		nn = 0;
		if (log)
			log(arg, "TDISK: OUT OF MEMORY CHECKING THE DIRECTORY: NO T-DISK SPACE");
	}
	free(sp->ranges);
	sp->ranges = nr;
	sp->nranges = nn;
	sp->dir = nomem ? NULL : d;
	pthread_mutex_unlock(&sp->lock);
	return refused;
}

/* ---- Allocation ---- */

/* userid's T-disk at vaddr: its index, or nheld. Under lock. */
static size_t held_at(const struct tdisk_space *sp, const char *userid, unsigned vaddr)
{
	for (size_t i = 0; i < sp->nheld; i++)
		if (!strcmp(sp->held[i].userid, userid) && sp->held[i].vaddr == vaddr)
			return i;
	return sp->nheld;
}

/* The lowest free run of cyls cylinders in range r: true with *start. Under lock. */
static bool fit_in(const struct tdisk_space *sp, const struct range *r, uint32_t cyls, uint32_t *start)
{
	const char *vol = sp->conf[r->c].volser;
	uint64_t cand = r->first;
	for (;;) {
		uint64_t end = cand + cyls - 1;
		if (end > r->last)
			return false;
		uint64_t next = cand;
		for (size_t i = 0; i < sp->nheld; i++) {
			const struct tdisk_extent *h = &sp->held[i];
			uint64_t h1 = (uint64_t)h->start + h->count - 1;
			if (!strcmp(h->volser, vol) && h->start <= end && cand <= h1 && h1 + 1 > next)
				next = h1 + 1;
		}
		if (next == cand) {
			*start = (uint32_t)cand;
			return true;
		}
		cand = next;
	}
}

enum tdisk_status tdisk_alloc(struct tdisk_space *sp, const char *userid, unsigned vaddr, unsigned devtype,
			      uint32_t cyls, struct tdisk_extent *out)
{
	if (!userid || !*userid || strlen(userid) > DIR_USERID_MAX || devtype == 0 || cyls == 0)
		return TDISK_ERR_ARG;
	if (!sp)
		return TDISK_NO_SPACE;
	struct tdisk_extent x;
	memset(&x, 0, sizeof x);
	upper(x.userid, userid, sizeof x.userid);
	x.vaddr = vaddr;
	x.devtype = devtype;
	x.count = cyls;
	struct ckd *ckd = NULL;
	enum tdisk_status st = TDISK_NO_SPACE;
	pthread_mutex_lock(&sp->lock);
	if (held_at(sp, x.userid, vaddr) < sp->nheld) {
		st = TDISK_EXISTS;
	} else {
		for (size_t i = 0; i < sp->nranges; i++) {
			const struct conf *cf = &sp->conf[sp->ranges[i].c];
			if (cf->devtype != base_type(devtype) || !fit_in(sp, &sp->ranges[i], cyls, &x.start))
				continue;
			memcpy(x.volser, cf->volser, sizeof x.volser);
			ckd = cf->ckd;
			st = TDISK_OK;
			break;
		}
		if (st == TDISK_OK && sp->nheld == sp->capheld) {
			size_t c2 = sp->capheld ? sp->capheld * 2 : 16;
			struct tdisk_extent *v = realloc(sp->held, c2 * sizeof *v);
			if (v) {
				sp->held = v;
				sp->capheld = c2;
			} else {
				st = TDISK_ERR_NOMEM;
			}
		}
		if (st == TDISK_OK)
			sp->held[sp->nheld++] = x;
	}
	pthread_mutex_unlock(&sp->lock);
	if (st != TDISK_OK)
		return st;
	/* The cylinders are the caller's now: clear them outside the lock. */
	if (tdisk_clear(ckd, x.start, x.count) != TDISK_OK) {
		tdisk_free(sp, x.userid, vaddr);
		return TDISK_ERR_IO;
	}
	*out = x;
	return TDISK_OK;
}

bool tdisk_free(struct tdisk_space *sp, const char *userid, unsigned vaddr)
{
	if (!sp || !userid)
		return false;
	char self[DIR_USERID_MAX + 1];
	upper(self, userid, sizeof self);
	pthread_mutex_lock(&sp->lock);
	size_t i = held_at(sp, self, vaddr);
	bool found = i < sp->nheld;
	if (found) {
		memmove(&sp->held[i], &sp->held[i + 1], (sp->nheld - i - 1) * sizeof *sp->held);
		sp->nheld--;
	}
	pthread_mutex_unlock(&sp->lock);
	return found;
}

size_t tdisk_logoff(struct tdisk_space *sp, const char *userid)
{
	if (!sp || !userid)
		return 0;
	char self[DIR_USERID_MAX + 1];
	upper(self, userid, sizeof self);
	size_t dropped = 0, k = 0;
	pthread_mutex_lock(&sp->lock);
	for (size_t i = 0; i < sp->nheld; i++) {
		if (!strcmp(sp->held[i].userid, self))
			dropped++;
		else
			sp->held[k++] = sp->held[i];
	}
	sp->nheld = k;
	pthread_mutex_unlock(&sp->lock);
	return dropped;
}

bool tdisk_at(struct tdisk_space *sp, const char *userid, unsigned vaddr, struct tdisk_extent *out)
{
	if (!sp || !userid)
		return false;
	char self[DIR_USERID_MAX + 1];
	upper(self, userid, sizeof self);
	pthread_mutex_lock(&sp->lock);
	size_t i = held_at(sp, self, vaddr);
	bool found = i < sp->nheld;
	if (found)
		*out = sp->held[i];
	pthread_mutex_unlock(&sp->lock);
	return found;
}

void tdisk_usage(struct tdisk_space *sp, unsigned devtype, uint32_t *total, uint32_t *avail)
{
	uint64_t t = 0, a = 0;
	if (sp) {
		pthread_mutex_lock(&sp->lock);
		for (size_t i = 0; i < sp->nranges; i++) {
			const struct range *r = &sp->ranges[i];
			const struct conf *cf = &sp->conf[r->c];
			if (devtype && cf->devtype != base_type(devtype))
				continue;
			uint64_t len = (uint64_t)r->last - r->first + 1, used = 0;
			for (size_t k = 0; k < sp->nheld; k++) {
				const struct tdisk_extent *h = &sp->held[k];
				uint32_t h1 = h->start + h->count - 1;
				if (strcmp(h->volser, cf->volser) || !overlap(h->start, h1, r->first, r->last))
					continue;
				uint32_t lo = h->start > r->first ? h->start : r->first;
				uint32_t hi = h1 < r->last ? h1 : r->last;
				used += (uint64_t)hi - lo + 1;
			}
			t += len;
			a += len - used;
		}
		pthread_mutex_unlock(&sp->lock);
	}
	if (total)
		*total = (uint32_t)t;
	if (avail)
		*avail = (uint32_t)a;
}

/* ---- Clearing ---- */

enum tdisk_status tdisk_clear(struct ckd *c, uint32_t start, uint32_t count)
{
	if (!c || count == 0 || start >= ckd_cyls(c) || count > ckd_cyls(c) - start)
		return TDISK_ERR_ARG;
	uint32_t heads = ckd_heads(c);
	size_t size = ckd_trksize(c);
	uint8_t *buf = malloc(size), *empty = malloc(size);
	enum tdisk_status st = buf && empty ? TDISK_OK : TDISK_ERR_NOMEM;
	for (uint32_t cc = start; st == TDISK_OK && cc < start + count; cc++)
		for (uint32_t hh = 0; st == TDISK_OK && hh < heads; hh++) {
			size_t used;
			if (ckd_track_format(empty, size, (uint16_t)cc, (uint16_t)hh) != DASD_OK ||
			    ckd_track_check(empty, size, (uint16_t)cc, (uint16_t)hh, &used, NULL) != DASD_OK) {
				st = TDISK_ERR_IO;
				break;
			}
			/* A track that reads as empty already is left alone (nothing is written). */
			if (ckd_read_track(c, cc, hh, buf) == DASD_OK && !memcmp(buf, empty, used))
				continue;
			if (ckd_write_track(c, cc, hh, empty, used) != DASD_OK)
				st = TDISK_ERR_IO;
		}
	free(buf);
	free(empty);
	return st;
}
