/*
 * minidisk.c - minidisks and links (see minidisk.h).
 *
 * The table is a list of links in the order they were made, under one mutex, plus a count of
 * incorrect LINK passwords per user. It is small (a few links per logged-on user), so lookups
 * walk it.
 */
#include "cp/minidisk.h"

#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cp/passwd.h"
#include "cp/volumes.h"
#include "machine/dev_dasd.h"

/* vm370-cp.md 7.1: after 10 bad LINK passwords LINK is disabled for the session. */
#define MDISK_BAD_PASSWORDS_MAX 10

struct bad_pw {
	char userid[DIR_USERID_MAX + 1];
	unsigned count;
};

struct mdisk_table {
	pthread_mutex_t lock;
	/* ---- Under lock. ---- */
	struct mdisk_link_info *links;
	size_t n, cap;
	struct bad_pw *bad;
	size_t nbad, capbad;
};

struct mdisk_table *mdisk_table_new(void)
{
	struct mdisk_table *t = calloc(1, sizeof *t);
	if (t)
		pthread_mutex_init(&t->lock, NULL);
	return t;
}

void mdisk_table_free(struct mdisk_table *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->links);
	free(t->bad);
	free(t);
}

/* ---- Helpers ---- */

static bool same_disk(const struct mdisk_extent *a, const struct mdisk_extent *b)
{
	return !strcmp(a->volser, b->volser) && a->start == b->start && a->count == b->count &&
	       a->to_end == b->to_end && a->fba == b->fba && a->tdisk == b->tdisk;
}

static void upper(char *dst, const char *src, size_t size)
{
	size_t i = 0;
	for (; src[i] && i + 1 < size; i++)
		dst[i] = (char)((src[i] >= 'a' && src[i] <= 'z') ? src[i] - 'a' + 'A' : src[i]);
	dst[i] = '\0';
}

static void say(struct mdisk_result *r, enum cp_msg m, ...)
{
	va_list ap;
	r->msg = m;
	va_start(ap, m);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vsnprintf(r->text, sizeof r->text, cp_msg_fmt(m), ap);
#pragma GCC diagnostic pop
	va_end(ap);
}

/* Other users' links to disk x: distinct users with R/W, with R/O (a user with both counts as
 * R/W), and one of each for the messages. Under lock. */
struct others {
	unsigned rw, ro;
	char rw_user[DIR_USERID_MAX + 1], ro_user[DIR_USERID_MAX + 1];
};

static bool same_user_disk(const struct mdisk_link_info *a, const struct mdisk_link_info *b)
{
	return same_disk(&a->disk, &b->disk) && !strcmp(a->userid, b->userid);
}

static void count_others(const struct mdisk_table *t, const struct mdisk_extent *x, const char *self,
			 struct others *o)
{
	memset(o, 0, sizeof *o);
	for (size_t i = 0; i < t->n; i++) {
		const struct mdisk_link_info *l = &t->links[i];
		if (!same_disk(&l->disk, x) || !strcmp(l->userid, self))
			continue;
		bool first = true, rw = false;
		for (size_t k = 0; k < t->n; k++) {
			if (!same_user_disk(&t->links[k], l))
				continue;
			first &= k >= i;
			rw |= t->links[k].access == MDISK_RW;
		}
		if (!first)
			continue;
		if (rw && !o->rw++)
			strcpy(o->rw_user, l->userid);
		if (!rw && !o->ro++)
			strcpy(o->ro_user, l->userid);
	}
}

/* "userid" for one user, "nnn USERS" for more. */
static const char *by(unsigned count, const char *one, char *buf, size_t len)
{
	if (count == 1)
		return one;
	snprintf(buf, len, "%03u USERS", count);
	return buf;
}

static struct bad_pw *bad_entry(struct mdisk_table *t, const char *userid, bool make)
{
	for (size_t i = 0; i < t->nbad; i++)
		if (!strcmp(t->bad[i].userid, userid))
			return &t->bad[i];
	if (!make)
		return NULL;
	if (t->nbad == t->capbad) {
		size_t cap = t->capbad ? t->capbad * 2 : 8;
		struct bad_pw *b = realloc(t->bad, cap * sizeof *b);
		if (!b)
			return NULL;
		t->bad = b;
		t->capbad = cap;
	}
	struct bad_pw *e = &t->bad[t->nbad++];
	snprintf(e->userid, sizeof e->userid, "%s", userid);
	e->count = 0;
	return e;
}

static bool clear_match(const char *typed, const char *clear)
{
	return typed && cp_password_valid(typed) && !strcasecmp(typed, clear);
}

/* ---- LINK ---- */

enum pw_need { PW_OK, PW_ASK, PW_NONE, PW_WRONG };

static enum pw_need check_password(const struct dir_password *pw, const char *typed)
{
	switch (pw->kind) {
	case DIR_PW_ALL:
		return PW_OK;
	case DIR_PW_HASH:
		if (!typed)
			return PW_ASK;
		return cp_password_check(typed, pw->text) ? PW_OK : PW_WRONG;
	case DIR_PW_CLEAR:
		if (!typed)
			return PW_ASK;
		return clear_match(typed, pw->text) ? PW_OK : PW_WRONG;
	case DIR_PW_NONE:
	case DIR_PW_NOLOG:
		break;
	}
	return PW_NONE;
}

/*
 * The access mode gives (vm370-cp.md 7.6) against the other users' links o: true with *acc and
 * the response in r, or false with the refusal in r.
 */
static bool decide(enum dir_mode mode, const struct others *o, const char *owner, unsigned owner_vaddr,
		   unsigned vaddr, enum mdisk_access *acc, struct mdisk_result *r)
{
	char b1[16], b2[16];
	const char *rw_by = by(o->rw, o->rw_user, b1, sizeof b1);
	const char *ro_by = by(o->ro, o->ro_user, b2, sizeof b2);
	bool any = o->rw || o->ro;
	switch (mode) {
	case DIR_MODE_R:
		if (o->rw) {
			say(r, CP_MSG_DMKLNK106E, owner, owner_vaddr, rw_by);
			return false;
		}
		*acc = MDISK_RO;
		break;
	case DIR_MODE_RR:
		*acc = MDISK_RO;
		if (o->rw) {
			say(r, CP_MSG_DMKLNK102W, vaddr, rw_by);
			return true;
		}
		break;
	case DIR_MODE_W:
		if (o->rw) {
			say(r, CP_MSG_DMKLNK106E, owner, owner_vaddr, rw_by);
			return false;
		}
		if (o->ro) {
			say(r, CP_MSG_DMKLNK105E, owner, owner_vaddr, ro_by);
			return false;
		}
		*acc = MDISK_RW;
		break;
	case DIR_MODE_WR:
		if (o->rw) {
			*acc = MDISK_RO;
			say(r, CP_MSG_DMKLNK102W, vaddr, rw_by);
			return true;
		}
		if (any) {
			*acc = MDISK_RO;
			say(r, CP_MSG_DMKLNK101W, vaddr, ro_by);
			return true;
		}
		*acc = MDISK_RW;
		break;
	case DIR_MODE_M:
	case DIR_MODE_MR:
		if (o->rw) {
			if (mode == DIR_MODE_M) {
				say(r, CP_MSG_DMKLNK106E, owner, owner_vaddr, rw_by);
				return false;
			}
			*acc = MDISK_RO;
			say(r, CP_MSG_DMKLNK102W, vaddr, rw_by);
			return true;
		}
		*acc = MDISK_RW;
		if (o->ro) {
			say(r, CP_MSG_DMKLNK103W, vaddr, ro_by);
			return true;
		}
		break;
	case DIR_MODE_MW:
		*acc = MDISK_RW;
		if (o->rw && o->ro) {
			say(r, CP_MSG_DMKLNK109W, vaddr, rw_by, ro_by);
			return true;
		}
		if (o->rw) {
			say(r, CP_MSG_DMKLNK104W, vaddr, rw_by);
			return true;
		}
		if (o->ro) {
			say(r, CP_MSG_DMKLNK103W, vaddr, ro_by);
			return true;
		}
		break;
	}
	say(r, CP_RSP_DASD_LINKED, vaddr, *acc == MDISK_RW ? "R/W" : "R/O");
	return true;
}

static bool add_link(struct mdisk_table *t, const struct mdisk_link_info *l)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct mdisk_link_info *v = realloc(t->links, cap * sizeof *v);
		if (!v)
			return false;
		t->links = v;
		t->cap = cap;
	}
	t->links[t->n++] = *l;
	return true;
}

enum mdisk_status mdisk_link(struct mdisk_table *t, const struct directory *d, const struct mdisk_request *rq,
			     struct mdisk_result *r)
{
	memset(r, 0, sizeof *r);
	char self[DIR_USERID_MAX + 1], owner[DIR_USERID_MAX + 1];
	upper(self, rq->userid, sizeof self);
	upper(owner, strcmp(rq->owner, "*") ? rq->owner : rq->userid, sizeof owner);

	pthread_mutex_lock(&t->lock);
	const struct bad_pw *b = bad_entry(t, self, false);
	bool disabled = b && b->count >= MDISK_BAD_PASSWORDS_MAX;
	pthread_mutex_unlock(&t->lock);
	if (disabled && !rq->directory) {
		say(r, CP_MSG_DMKLNK115E);
		return MDISK_REFUSED;
	}

	const struct dir_user *u = dir_find(d, owner);
	const struct dir_device *dev = u ? dir_device_at(u, rq->owner_vaddr) : NULL;
	if (!dev) {
		say(r, CP_MSG_DMKLNK107E, owner, rq->owner_vaddr);
		return MDISK_REFUSED;
	}
	if (dev->kind != DIR_DEV_MDISK || dev->u.mdisk.tdisk) {
		say(r, CP_MSG_DMKLNK114E, owner, rq->owner_vaddr);
		return MDISK_REFUSED;
	}
	const struct dir_mdisk *md = &dev->u.mdisk;
	bool own = !strcmp(owner, self);
	enum dir_mode mode = rq->has_mode ? rq->mode : own ? md->mode : DIR_MODE_R;

	/* The password for the mode's first letter, unless none is needed. */
	if (!own && !rq->directory) {
		const struct dir_password *pw;
		enum cp_msg ask, none;
		if (mode == DIR_MODE_R || mode == DIR_MODE_RR) {
			pw = &md->read, ask = CP_RSP_ENTER_READ_PASSWORD, none = CP_MSG_DMKLNK111E;
		} else if (mode == DIR_MODE_W || mode == DIR_MODE_WR) {
			pw = &md->write, ask = CP_RSP_ENTER_WRITE_PASSWORD, none = CP_MSG_DMKLNK112E;
		} else {
			pw = &md->multi, ask = CP_RSP_ENTER_MULT_PASSWORD, none = CP_MSG_DMKLNK113E;
		}
		switch (check_password(pw, rq->password)) {
		case PW_OK:
			break;
		case PW_ASK:
			say(r, ask);
			return MDISK_PASSWORD;
		case PW_NONE:
			say(r, none, owner, rq->owner_vaddr);
			return MDISK_REFUSED;
		case PW_WRONG:
			pthread_mutex_lock(&t->lock);
			struct bad_pw *e = bad_entry(t, self, true);
			if (e)
				e->count++;
			pthread_mutex_unlock(&t->lock);
			say(r, CP_MSG_DMKLNK050E);
			return MDISK_REFUSED;
		}
	}

	struct mdisk_link_info l;
	memset(&l, 0, sizeof l);
	snprintf(l.userid, sizeof l.userid, "%s", self);
	l.vaddr = rq->vaddr;
	snprintf(l.owner, sizeof l.owner, "%s", owner);
	l.owner_vaddr = rq->owner_vaddr;
	snprintf(l.disk.volser, sizeof l.disk.volser, "%s", md->volser);
	l.disk.devtype = md->devtype;
	l.disk.fba = md->fba;
	l.disk.to_end = md->to_end;
	l.disk.start = md->start;
	l.disk.count = md->count;
	r->disk = l.disk;

	enum mdisk_status st = MDISK_LINKED;
	pthread_mutex_lock(&t->lock);
	bool taken = false;
	for (size_t i = 0; i < t->n; i++)
		taken |= !strcmp(t->links[i].userid, self) && t->links[i].vaddr == rq->vaddr;
	struct others o;
	if (taken) {
		say(r, CP_MSG_DMKLNK110E, owner, rq->owner_vaddr, rq->vaddr);
		st = MDISK_REFUSED;
	} else {
		count_others(t, &l.disk, self, &o);
		if (!decide(mode, &o, owner, rq->owner_vaddr, rq->vaddr, &l.access, r))
			st = MDISK_REFUSED;
		else if (!add_link(t, &l))
			st = MDISK_ERR_NOMEM;
		r->access = l.access;
	}
	pthread_mutex_unlock(&t->lock);
	return st;
}

enum mdisk_status mdisk_define(struct mdisk_table *t, const char *userid, unsigned vaddr,
			       const struct mdisk_extent *x, struct mdisk_result *r)
{
	memset(r, 0, sizeof *r);
	struct mdisk_link_info l;
	memset(&l, 0, sizeof l);
	upper(l.userid, userid, sizeof l.userid);
	l.vaddr = vaddr;
	l.access = MDISK_RW;
	memcpy(l.owner, l.userid, sizeof l.owner);
	l.owner_vaddr = vaddr;
	l.disk = *x;
	l.disk.tdisk = true;
	r->disk = l.disk;
	r->access = MDISK_RW;
	enum mdisk_status st = MDISK_LINKED;
	pthread_mutex_lock(&t->lock);
	bool taken = false;
	for (size_t i = 0; i < t->n; i++)
		taken |= !strcmp(t->links[i].userid, l.userid) && t->links[i].vaddr == vaddr;
	if (taken) {
		say(r, CP_MSG_DMKLNK110E, l.userid, vaddr, vaddr);
		st = MDISK_REFUSED;
	} else if (!add_link(t, &l)) {
		st = MDISK_ERR_NOMEM;
	}
	pthread_mutex_unlock(&t->lock);
	return st;
}

bool mdisk_unlink(struct mdisk_table *t, const char *userid, unsigned vaddr)
{
	char self[DIR_USERID_MAX + 1];
	upper(self, userid, sizeof self);
	bool found = false;
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->links[i].userid, self) && t->links[i].vaddr == vaddr) {
			memmove(&t->links[i], &t->links[i + 1], (t->n - i - 1) * sizeof *t->links);
			t->n--;
			found = true;
			break;
		}
	pthread_mutex_unlock(&t->lock);
	return found;
}

size_t mdisk_logoff(struct mdisk_table *t, const char *userid)
{
	char self[DIR_USERID_MAX + 1];
	upper(self, userid, sizeof self);
	size_t dropped = 0, k = 0;
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->n; i++) {
		if (!strcmp(t->links[i].userid, self))
			dropped++;
		else
			t->links[k++] = t->links[i];
	}
	t->n = k;
	struct bad_pw *b = bad_entry(t, self, false);
	if (b)
		b->count = 0;
	pthread_mutex_unlock(&t->lock);
	return dropped;
}

bool mdisk_link_at(struct mdisk_table *t, const char *userid, unsigned vaddr, struct mdisk_link_info *out)
{
	char self[DIR_USERID_MAX + 1];
	upper(self, userid, sizeof self);
	bool found = false;
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->n && !found; i++)
		if (!strcmp(t->links[i].userid, self) && t->links[i].vaddr == vaddr) {
			*out = t->links[i];
			found = true;
		}
	pthread_mutex_unlock(&t->lock);
	return found;
}

bool mdisk_links_of(struct mdisk_table *t, const char *userid, unsigned vaddr, struct mdisk_link_info **out,
		    size_t *n)
{
	struct mdisk_link_info mine;
	*out = NULL;
	*n = 0;
	if (!mdisk_link_at(t, userid, vaddr, &mine))
		return false;
	pthread_mutex_lock(&t->lock);
	size_t count = 0;
	for (size_t i = 0; i < t->n; i++)
		count += same_disk(&t->links[i].disk, &mine.disk);
	struct mdisk_link_info *v = count ? malloc(count * sizeof *v) : NULL;
	if (v) {
		size_t k = 0;
		for (size_t i = 0; i < t->n; i++)
			if (same_disk(&t->links[i].disk, &mine.disk))
				v[k++] = t->links[i];
		*n = k;
	}
	pthread_mutex_unlock(&t->lock);
	*out = v;
	return v != NULL;
}

unsigned mdisk_volume_users(struct mdisk_table *t, const char *volser)
{
	char vol[DIR_VOLSER_MAX + 1];
	upper(vol, volser, sizeof vol);
	unsigned users = 0;
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->links[i].disk.volser, vol) != 0)
			continue;
		bool first = true;
		for (size_t k = 0; k < i && first; k++)
			first = strcmp(t->links[k].disk.volser, vol) != 0 ||
				strcmp(t->links[k].userid, t->links[i].userid) != 0;
		users += first;
	}
	pthread_mutex_unlock(&t->lock);
	return users;
}

void mdisk_links_format(const struct mdisk_link_info *v, size_t n, unsigned per_line,
			void (*line)(void *arg, const char *text), void *arg)
{
	char buf[256];
	size_t len = 0;
	unsigned on_line = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char entry[40];
		cp_msg_format(entry, sizeof entry, CP_RSP_LINKS_ENTRY, v[i].userid, v[i].vaddr,
			      v[i].access == MDISK_RW ? "R/W" : "R/O");
		if (on_line && ((per_line && on_line == per_line) || len + 2 + strlen(entry) >= sizeof buf)) {
			line(arg, buf);
			len = 0;
			on_line = 0;
			buf[0] = '\0';
		}
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", on_line ? ", " : "", entry);
		on_line++;
	}
	if (on_line)
		line(arg, buf);
}

size_t mdisk_logon(struct mdisk_table *t, const struct directory *d, const char *userid,
		   void (*fn)(void *arg, const struct dir_device *dev, enum mdisk_status st,
			      const struct mdisk_result *r),
		   void *arg)
{
	const struct dir_user *u = dir_find(d, userid);
	size_t made = 0;
	if (!u)
		return 0;
	/* Own minidisks first, so that LINK statements to them (and other users') see them. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < u->ndevices; i++) {
			const struct dir_device *dev = &u->devices[i];
			struct mdisk_request rq = { .userid = u->userid, .vaddr = dev->vaddr, .has_mode = true,
						    .directory = true };
			if (pass == 0 && dev->kind == DIR_DEV_MDISK && !dev->u.mdisk.tdisk) {
				rq.owner = u->userid;
				rq.owner_vaddr = dev->vaddr;
				rq.mode = dev->u.mdisk.mode;
			} else if (pass == 1 && dev->kind == DIR_DEV_LINK) {
				rq.owner = dev->u.link.userid;
				rq.owner_vaddr = dev->u.link.owner_vaddr;
				rq.mode = dev->u.link.mode;
			} else {
				continue;
			}
			struct mdisk_result r;
			enum mdisk_status st = mdisk_link(t, d, &rq, &r);
			made += st == MDISK_LINKED;
			if (fn)
				fn(arg, dev, st, &r);
		}
	return made;
}

/* ---- The device of a link ---- */

enum mdisk_status mdisk_attach(const struct volumes *vols, struct machine *m, const char *userid, unsigned vaddr,
			       const struct mdisk_extent *x, enum mdisk_access access, struct chan_dev **dev,
			       struct mdisk_result *r)
{
	memset(r, 0, sizeof *r);
	r->disk = *x;
	r->access = access;
	*dev = NULL;
	struct vol_info vi;
	if (!vol_find(vols, x->volser, &vi)) {
		say(r, CP_MSG_DMKLNK108E, userid, vaddr, x->volser);
		return MDISK_REFUSED;
	}
	unsigned want = x->devtype == 2319 ? 2314 : x->devtype;
	if (vi.fba != x->fba || vi.devtype != want) {
		say(r, CP_MSG_DMKLNK990E, userid, vaddr, vi.volser, vi.devtype, x->devtype);
		return MDISK_REFUSED;
	}
	if (x->fba) {
		say(r, CP_MSG_DMKLNK991E, userid, vaddr, "FBA MINIDISKS NOT YET AVAILABLE");
		return MDISK_REFUSED;
	}
	if (x->start >= vi.cyls || (!x->to_end && (x->count == 0 || x->count > vi.cyls - x->start))) {
		say(r, CP_MSG_DMKLNK991E, userid, vaddr, "EXTENT OUTSIDE THE VOLUME");
		return MDISK_REFUSED;
	}
	uint32_t ncyls = (uint32_t)(x->to_end ? vi.cyls - x->start : x->count);
	errno = 0;
	*dev = devckd_attach_extent(m, (uint16_t)vaddr, vi.ckd, access != MDISK_RW, (uint32_t)x->start, ncyls);
	if (!*dev) {
		char why[80];
		snprintf(why, sizeof why, "DEVICE NOT ATTACHED (%s)", errno == EEXIST ? "ADDRESS IN USE" : "ERROR");
		say(r, CP_MSG_DMKLNK991E, userid, vaddr, why);
		return MDISK_REFUSED;
	}
	return MDISK_LINKED;
}
