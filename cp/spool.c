/*
 * spool.c - the CP spool file store (see spool.h for the model, the files on disk and the rules).
 *
 * In memory: one struct sfile per committed file, indexed by spoolid; taken[] marks every spoolid
 * in use (committed, being written, or left by an unreadable entry). Queue order is a 64-bit key
 * per file (seq); a queue lists its files by (seq, spoolid). Everything in struct spool is under
 * its mutex; a reader's sfile stays put while it is open because the queue commands skip open
 * files and only spool_reader_close() clears the flag.
 */
#include "cp/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cp/message.h"
#include "lib/ebcdic.h"

#define META_MAX	2048	/* a .meta is far shorter; a longer one is not ours */
#define PATH_LEN	4096

struct sfile {
	struct spool_file_info info;
	int64_t seq;		/* queue order key */
	uint64_t bytes;		/* size of the .dat */
};

struct spool {
	pthread_mutex_t lock;
	char *dir;
	struct spool_config cfg;
	/* ---- Under lock. ---- */
	struct sfile *files[SPOOL_ID_MAX + 1];	/* committed files */
	bool taken[SPOOL_ID_MAX + 1];		/* spoolids in use */
	unsigned next_id;
	int64_t next_seq;
	unsigned writers, readers;
};

struct spool_writer {
	struct spool *sp;
	struct sfile f;
	FILE *fp;
	uint64_t bytes;
	int err;		/* errno of the first failure, 0 if none */
	bool bad_arg;
};

struct spool_reader {
	struct spool *sp;
	struct sfile *f;
	FILE *fp;
	uint32_t pos;
};

const char *spool_status_str(enum spool_status st)
{
	switch (st) {
	case SPOOL_OK:
		return "success";
	case SPOOL_ERR_ARG:
		return "invalid argument";
	case SPOOL_ERR_NOT_FOUND:
		return "no such spool file";
	case SPOOL_ERR_PERM:
		return "not the user's spool file";
	case SPOOL_ERR_BUSY:
		return "the spool file is open on a reader";
	case SPOOL_ERR_FULL:
		return "all spoolids are in use";
	case SPOOL_ERR_EOF:
		return "end of spool file";
	case SPOOL_ERR_FORMAT:
		return "invalid or damaged data";
	case SPOOL_ERR_IO:
		return "host file system error";
	case SPOOL_ERR_NOMEM:
		return "out of memory";
	}
	return "unknown spool status";
}

static const char *const devtype_names[] = { "PRT", "PUN", "CON" };
static const char *const queue_names[] = { "RDR", "PRT", "PUN" };
static const char *const hold_names[] = { "NONE", "USER", "SYS", "USYS" };

const char *spool_devtype_str(enum spool_devtype t)
{
	return (unsigned)t < 3 ? devtype_names[t] : "???";
}

const char *spool_hold_str(enum spool_hold h)
{
	return (unsigned)h < 4 ? hold_names[h] : "????";
}

/* ------------------------------------------------------------------------------------------------
 * Small checks and helpers.
 */

static bool valid_class(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* 1..max printable, non-blank ASCII characters (max 0 .. : may be empty when allow_empty). */
static bool valid_word(const char *s, size_t max, bool allow_empty)
{
	if (!s)
		return allow_empty;
	size_t n = strlen(s);
	if (n > max || (n == 0 && !allow_empty))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7F)
			return false;
	return true;
}

static void copy_word(char *dst, const char *src, size_t max)
{
	size_t n = src ? strlen(src) : 0;
	if (n > max)
		n = max;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static void path_of(const struct spool *sp, char *buf, unsigned id, const char *ext)
{
	snprintf(buf, PATH_LEN, "%s/%04u.%s", sp->dir, id, ext);
}

static enum spool_status io_status(void)
{
	return errno == ENOMEM ? SPOOL_ERR_NOMEM : SPOOL_ERR_IO;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* Write text to sp->dir/name crash-safely: name.tmp, fsync, rename, fsync the directory. */
static enum spool_status write_atomic(const struct spool *sp, const char *name, const char *text,
				      size_t len)
{
	char path[PATH_LEN], tmp[PATH_LEN + 8];
	snprintf(path, sizeof path, "%s/%s", sp->dir, name);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return io_status();
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0 || fsync_dir(sp->dir) != 0)
		goto fail;
	return SPOOL_OK;
fail:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return SPOOL_ERR_IO;
}

/* ------------------------------------------------------------------------------------------------
 * Metadata files.
 */

static enum spool_status save_meta(const struct spool *sp, const struct sfile *f)
{
	const struct spool_file_info *i = &f->info;
	char text[META_MAX], name[16];
	int n = snprintf(text, sizeof text,
			 "cambridge-spool 1\nid %04u\ndevtype %s\nqueue %s\nowner %s\norigin %s\n"
			 "class %c\nrecords %" PRIu32 "\ncopies %u\nhold %s\ndist %s\nname %s\n"
			 "type %s\ncreated %lld\nseq %" PRId64 "\nbytes %" PRIu64 "\nend\n",
			 i->id, devtype_names[i->devtype], queue_names[i->queue], i->owner, i->origin,
			 i->class, i->records, i->copies, hold_names[i->hold], i->dist, i->name,
			 i->type, (long long)i->created, f->seq, f->bytes);
	if (n < 0 || (size_t)n >= sizeof text)
		return SPOOL_ERR_ARG;
	snprintf(name, sizeof name, "%04u.meta", i->id);
	return write_atomic(sp, name, text, (size_t)n);
}

static int name_index(const char *v, const char *const *names, int count)
{
	for (int k = 0; k < count; k++)
		if (!strcmp(v, names[k]))
			return k;
	return -1;
}

static bool parse_num(const char *v, long long lo, long long hi, long long *out)
{
	char *end;
	if (!*v)
		return false;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (errno || *end || x < lo || x > hi)
		return false;
	*out = x;
	return true;
}

/* Parse a .meta text; false if anything is missing, unknown or out of range. */
static bool parse_meta(char *text, struct sfile *f)
{
	enum { K_ID, K_DEV, K_Q, K_OWNER, K_ORIGIN, K_CLASS, K_RECS, K_COPIES, K_HOLD, K_DIST,
	       K_NAME, K_TYPE, K_CREATED, K_SEQ, K_BYTES, K_COUNT };
	static const char *const keys[K_COUNT] = { "id", "devtype", "queue", "owner", "origin",
						   "class", "records", "copies", "hold", "dist",
						   "name", "type", "created", "seq", "bytes" };
	bool seen[K_COUNT] = { false };
	bool ended = false, first = true;
	memset(f, 0, sizeof *f);
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (!next)
			return false; /* a line without its end: truncated */
		*next++ = '\0';
		if (ended)
			return false;
		if (first) {
			if (strcmp(line, "cambridge-spool 1"))
				return false;
			first = false;
			continue;
		}
		if (!strcmp(line, "end")) {
			ended = true;
			continue;
		}
		char *v = strchr(line, ' ');
		if (v)
			*v++ = '\0';
		else
			v = line + strlen(line);
		int k = name_index(line, keys, K_COUNT);
		if (k < 0 || seen[k])
			return false;
		seen[k] = true;
		long long x;
		struct spool_file_info *i = &f->info;
		int e;
		switch (k) {
		case K_ID:
			if (!parse_num(v, 1, SPOOL_ID_MAX, &x))
				return false;
			i->id = (unsigned)x;
			break;
		case K_DEV:
			if ((e = name_index(v, devtype_names, 3)) < 0)
				return false;
			i->devtype = (enum spool_devtype)e;
			break;
		case K_Q:
			if ((e = name_index(v, queue_names, 3)) < 0)
				return false;
			i->queue = (enum spool_queue)e;
			break;
		case K_OWNER:
		case K_ORIGIN:
			if (!valid_word(v, SPOOL_USERID_MAX, false))
				return false;
			strcpy(k == K_OWNER ? i->owner : i->origin, v);
			break;
		case K_CLASS:
			if (strlen(v) != 1 || !valid_class(v[0]))
				return false;
			i->class = v[0];
			break;
		case K_RECS:
			if (!parse_num(v, 0, UINT32_MAX, &x))
				return false;
			i->records = (uint32_t)x;
			break;
		case K_COPIES:
			if (!parse_num(v, 1, SPOOL_COPIES_MAX, &x))
				return false;
			i->copies = (unsigned)x;
			break;
		case K_HOLD:
			if ((e = name_index(v, hold_names, 4)) < 0)
				return false;
			i->hold = (enum spool_hold)e;
			break;
		case K_DIST:
		case K_NAME:
		case K_TYPE:
			if (!valid_word(v, SPOOL_NAME_MAX, true))
				return false;
			strcpy(k == K_DIST ? i->dist : k == K_NAME ? i->name : i->type, v);
			break;
		case K_CREATED:
			if (!parse_num(v, 0, INT64_MAX, &x))
				return false;
			i->created = (time_t)x;
			break;
		case K_SEQ:
			if (!parse_num(v, INT64_MIN / 2, INT64_MAX / 2, &x))
				return false;
			f->seq = x;
			break;
		case K_BYTES:
			if (!parse_num(v, 0, INT64_MAX, &x))
				return false;
			f->bytes = (uint64_t)x;
			break;
		}
	}
	if (!ended)
		return false;
	for (int k = 0; k < K_COUNT; k++)
		if (!seen[k])
			return false;
	return true;
}

/* ------------------------------------------------------------------------------------------------
 * Opening and recovery.
 */

static void note_bad(struct spool_recovery *rec, const char *name)
{
	rec->unreadable++;
	if (rec->nbad < SPOOL_BAD_MAX) {
		char *s = strdup(name);
		if (s)
			rec->bad[rec->nbad++] = s;
	}
}

void spool_recovery_free(struct spool_recovery *rec)
{
	if (!rec)
		return;
	for (size_t i = 0; i < rec->nbad; i++)
		free(rec->bad[i]);
	memset(rec, 0, sizeof *rec);
}

/* "nnnn.ext" -> nnnn (1..SPOOL_ID_MAX) when ext matches, else 0. */
static unsigned id_of_name(const char *name, const char *ext)
{
	if (strlen(name) != 5 + strlen(ext) || name[4] != '.' || strcmp(name + 5, ext))
		return 0;
	unsigned id = 0;
	for (int k = 0; k < 4; k++) {
		if (name[k] < '0' || name[k] > '9')
			return 0;
		id = id * 10 + (unsigned)(name[k] - '0');
	}
	return id <= SPOOL_ID_MAX ? id : 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

static int mkdirs(const char *dir)
{
	char p[PATH_LEN];
	if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	if (mkdir(p, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Load one .meta; false if it does not make a valid committed file. */
static bool load_meta(struct spool *sp, const char *name, unsigned id)
{
	char path[PATH_LEN], text[META_MAX + 1];
	snprintf(path, sizeof path, "%s/%s", sp->dir, name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return false;
	size_t n = fread(text, 1, sizeof text, fp);
	fclose(fp);
	if (n == 0 || n > META_MAX || memchr(text, '\0', n))
		return false;
	text[n] = '\0';
	struct sfile f;
	if (!parse_meta(text, &f) || f.info.id != id)
		return false;
	struct stat st;
	path_of(sp, path, id, "dat");
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != f.bytes)
		return false;
	struct sfile *p = malloc(sizeof *p);
	if (!p)
		return false;
	*p = f;
	sp->files[id] = p;
	return true;
}

static void load_next_id(struct spool *sp, struct spool_recovery *rec, bool present)
{
	unsigned maxid = 0;
	for (unsigned id = 1; id <= SPOOL_ID_MAX; id++)
		if (sp->files[id])
			maxid = id;
	sp->next_id = maxid % SPOOL_ID_MAX + 1;
	if (!present)
		return;
	char path[PATH_LEN], text[32];
	snprintf(path, sizeof path, "%s/NEXTID", sp->dir);
	FILE *fp = fopen(path, "rb");
	size_t n = fp ? fread(text, 1, sizeof text - 1, fp) : 0;
	if (fp)
		fclose(fp);
	text[n] = '\0';
	long long x;
	char *nl = strchr(text, '\n');
	if (nl && nl[1] == '\0') {
		*nl = '\0';
		if (parse_num(text, 1, SPOOL_ID_MAX, &x)) {
			sp->next_id = (unsigned)x;
			return;
		}
	}
	note_bad(rec, "NEXTID");
}

static enum spool_status recover(struct spool *sp, struct spool_recovery *rec)
{
	DIR *d = opendir(sp->dir);
	if (!d)
		return io_status();
	static const size_t nids = SPOOL_ID_MAX + 1;
	bool *dat = calloc(nids, sizeof *dat), *badmeta = calloc(nids, sizeof *badmeta);
	bool nextid = false;
	if (!dat || !badmeta) {
		free(dat);
		free(badmeta);
		closedir(d);
		return SPOOL_ERR_NOMEM;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		const char *name = e->d_name;
		unsigned id;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (ends_with(name, ".tmp")) {
			char path[PATH_LEN];
			snprintf(path, sizeof path, "%s/%s", sp->dir, name);
			if (unlink(path) == 0)
				rec->debris++;
			else
				note_bad(rec, name);
		} else if (!strcmp(name, "NEXTID")) {
			nextid = true;
		} else if ((id = id_of_name(name, "meta")) != 0) {
			if (load_meta(sp, name, id)) {
				sp->taken[id] = true;
				rec->files++;
			} else {
				badmeta[id] = true;
				sp->taken[id] = true; /* never reuse what may still be someone's file */
				note_bad(rec, name);
			}
		} else if ((id = id_of_name(name, "dat")) != 0) {
			dat[id] = true;
		} else {
			note_bad(rec, name);
		}
	}
	closedir(d);
	/* Data without metadata: a commit that did not finish. */
	bool removed = false;
	for (unsigned id = 1; id <= SPOOL_ID_MAX; id++) {
		if (!dat[id] || sp->files[id] || badmeta[id])
			continue;
		char path[PATH_LEN];
		path_of(sp, path, id, "dat");
		if (unlink(path) == 0) {
			rec->debris++;
			removed = true;
		} else {
			char name[16];
			snprintf(name, sizeof name, "%04u.dat", id);
			note_bad(rec, name);
			sp->taken[id] = true;
		}
	}
	if (removed || rec->debris)
		fsync_dir(sp->dir);
	free(dat);
	free(badmeta);
	int64_t maxseq = 0;
	for (unsigned id = 1; id <= SPOOL_ID_MAX; id++)
		if (sp->files[id] && sp->files[id]->seq > maxseq)
			maxseq = sp->files[id]->seq;
	sp->next_seq = maxseq + 1;
	load_next_id(sp, rec, nextid);
	return SPOOL_OK;
}

enum spool_status spool_open(const char *dir, const struct spool_config *cfg, struct spool **out,
			     struct spool_recovery *rec)
{
	struct spool_recovery local;
	if (!rec)
		rec = &local;
	memset(rec, 0, sizeof *rec);
	*out = NULL;
	if (!dir || !*dir || strlen(dir) > PATH_LEN - 32)
		return SPOOL_ERR_ARG;
	if (mkdirs(dir) != 0)
		return io_status();
	struct spool *sp = calloc(1, sizeof *sp);
	if (!sp)
		return SPOOL_ERR_NOMEM;
	if (!(sp->dir = strdup(dir))) {
		free(sp);
		return SPOOL_ERR_NOMEM;
	}
	if (cfg)
		sp->cfg = *cfg;
	pthread_mutex_init(&sp->lock, NULL);
	enum spool_status st = recover(sp, rec);
	if (rec == &local)
		spool_recovery_free(&local);
	if (st != SPOOL_OK) {
		spool_close(sp);
		return st;
	}
	*out = sp;
	return SPOOL_OK;
}

void spool_close(struct spool *sp)
{
	if (!sp)
		return;
	for (unsigned id = 1; id <= SPOOL_ID_MAX; id++)
		free(sp->files[id]);
	pthread_mutex_destroy(&sp->lock);
	free(sp->dir);
	free(sp);
}

unsigned spool_next_id(struct spool *sp)
{
	pthread_mutex_lock(&sp->lock);
	unsigned id = sp->next_id;
	pthread_mutex_unlock(&sp->lock);
	return id;
}

/* ------------------------------------------------------------------------------------------------
 * Queues.
 */

static int by_seq(const void *a, const void *b)
{
	const struct sfile *x = *(struct sfile *const *)a, *y = *(struct sfile *const *)b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->info.id < y->info.id ? -1 : x->info.id > y->info.id;
}

static int by_owner_seq(const void *a, const void *b)
{
	const struct sfile *x = *(struct sfile *const *)a, *y = *(struct sfile *const *)b;
	int c = strcmp(x->info.owner, y->info.owner);
	return c ? c : by_seq(a, b);
}

/* The files on queue q (owned by user, or all with NULL) in queue order, their order numbers
 * set; v has room for SPOOL_ID_MAX. */
static size_t collect(struct spool *sp, enum spool_queue q, const char *user, struct sfile **v)
{
	size_t n = 0;
	for (unsigned id = 1; id <= SPOOL_ID_MAX; id++) {
		struct sfile *f = sp->files[id];
		if (f && f->info.queue == q && (!user || !strcmp(f->info.owner, user)))
			v[n++] = f;
	}
	qsort(v, n, sizeof *v, by_owner_seq);
	for (size_t i = 0; i < n; i++)
		v[i]->info.order = i > 0 && !strcmp(v[i - 1]->info.owner, v[i]->info.owner)
					   ? v[i - 1]->info.order + 1 : 1;
	qsort(v, n, sizeof *v, by_seq);
	return n;
}

static bool sel_match(const struct sfile *f, const struct spool_select *sel, size_t nsel)
{
	if (nsel == 0)
		return true;
	for (size_t k = 0; k < nsel; k++) {
		if (sel[k].kind == SPOOL_SEL_ALL ||
		    (sel[k].kind == SPOOL_SEL_ID && sel[k].id == f->info.id) ||
		    (sel[k].kind == SPOOL_SEL_CLASS && sel[k].class == f->info.class))
			return true;
	}
	return false;
}

static bool valid_sel(const struct spool_select *sel, size_t nsel)
{
	if (nsel && !sel)
		return false;
	for (size_t k = 0; k < nsel; k++)
		if ((sel[k].kind == SPOOL_SEL_ID && (sel[k].id < 1 || sel[k].id > SPOOL_ID_MAX)) ||
		    (sel[k].kind == SPOOL_SEL_CLASS && !valid_class(sel[k].class)) ||
		    (unsigned)sel[k].kind > SPOOL_SEL_CLASS)
			return false;
	return true;
}

/* May actor a act on user's files (user NULL: everyone's)? */
static enum spool_status scope(const struct spool_actor *a, const char *user)
{
	if (!a || !valid_word(a->userid, SPOOL_USERID_MAX, false))
		return SPOOL_ERR_ARG;
	if (a->oper)
		return SPOOL_OK;
	return user && !strcmp(user, a->userid) ? SPOOL_OK : SPOOL_ERR_PERM;
}

/* Is every explicit spoolid in sel among v[0..n)? */
static bool ids_all_found(struct sfile **v, size_t n, const struct spool_select *sel, size_t nsel)
{
	for (size_t k = 0; k < nsel; k++) {
		if (sel[k].kind != SPOOL_SEL_ID)
			continue;
		bool found = false;
		for (size_t i = 0; i < n && !found; i++)
			found = v[i]->info.id == sel[k].id;
		if (!found)
			return false;
	}
	return true;
}

static enum spool_status queue_args(const struct spool_actor *a, enum spool_queue q, const char *user,
				    const struct spool_select *sel, size_t nsel)
{
	if ((unsigned)q > SPOOL_Q_PUNCH || !valid_sel(sel, nsel) ||
	    (user && !valid_word(user, SPOOL_USERID_MAX, false)))
		return SPOOL_ERR_ARG;
	return scope(a, user);
}

enum spool_status spool_list(struct spool *sp, const struct spool_actor *a, enum spool_queue q,
			     const char *user, const struct spool_select *sel, size_t nsel,
			     struct spool_file_info **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	enum spool_status st = queue_args(a, q, user, sel, nsel);
	if (st != SPOOL_OK)
		return st;
	struct sfile **v = malloc(SPOOL_ID_MAX * sizeof *v);
	if (!v)
		return SPOOL_ERR_NOMEM;
	pthread_mutex_lock(&sp->lock);
	size_t all = collect(sp, q, user, v), k = 0;
	for (size_t i = 0; i < all; i++)
		if (sel_match(v[i], sel, nsel))
			v[k++] = v[i];
	struct spool_file_info *info = k ? malloc(k * sizeof *info) : NULL;
	if (k && !info) {
		st = SPOOL_ERR_NOMEM;
	} else {
		for (size_t i = 0; i < k; i++)
			info[i] = v[i]->info;
		*out = info;
		*n = k;
	}
	pthread_mutex_unlock(&sp->lock);
	free(v);
	return st;
}

enum spool_status spool_get(struct spool *sp, const struct spool_actor *a, unsigned id,
			    struct spool_file_info *info)
{
	if (!a || !valid_word(a->userid, SPOOL_USERID_MAX, false) || id < 1 || id > SPOOL_ID_MAX)
		return SPOOL_ERR_ARG;
	enum spool_status st = SPOOL_OK;
	pthread_mutex_lock(&sp->lock);
	struct sfile *f = sp->files[id];
	if (!f) {
		st = SPOOL_ERR_NOT_FOUND;
	} else if (!a->oper && strcmp(f->info.owner, a->userid) && strcmp(f->info.origin, a->userid)) {
		st = SPOOL_ERR_PERM;
	} else {
		unsigned order = 1;
		for (unsigned k = 1; k <= SPOOL_ID_MAX; k++) {
			struct sfile *g = sp->files[k];
			if (g && g != f && g->info.queue == f->info.queue &&
			    !strcmp(g->info.owner, f->info.owner) && by_seq(&g, &f) < 0)
				order++;
		}
		f->info.order = order;
		*info = f->info;
	}
	pthread_mutex_unlock(&sp->lock);
	return st;
}

void spool_count(struct spool *sp, const char *user, char class, unsigned counts[3])
{
	counts[0] = counts[1] = counts[2] = 0;
	pthread_mutex_lock(&sp->lock);
	for (unsigned id = 1; id <= SPOOL_ID_MAX; id++) {
		struct sfile *f = sp->files[id];
		if (f && user && !strcmp(f->info.owner, user) && (!class || f->info.class == class))
			counts[f->info.queue]++;
	}
	pthread_mutex_unlock(&sp->lock);
}

/* Remove a committed file (under lock). */
static enum spool_status purge_locked(struct spool *sp, struct sfile *f)
{
	char path[PATH_LEN];
	unsigned id = f->info.id;
	path_of(sp, path, id, "meta");
	if (unlink(path) != 0 && errno != ENOENT)
		return SPOOL_ERR_IO;
	fsync_dir(sp->dir);
	path_of(sp, path, id, "dat");
	unlink(path); /* a leftover .dat is debris the next recovery removes */
	sp->files[id] = NULL;
	sp->taken[id] = false;
	free(f);
	return SPOOL_OK;
}

enum spool_status spool_purge(struct spool *sp, const struct spool_actor *a, enum spool_queue q,
			      const char *user, const struct spool_select *sel, size_t nsel,
			      unsigned *count)
{
	*count = 0;
	enum spool_status st = queue_args(a, q, user, sel, nsel);
	if (st != SPOOL_OK)
		return st;
	struct sfile **v = malloc(SPOOL_ID_MAX * sizeof *v);
	if (!v)
		return SPOOL_ERR_NOMEM;
	pthread_mutex_lock(&sp->lock);
	size_t n = collect(sp, q, user, v);
	if (!ids_all_found(v, n, sel, nsel))
		st = SPOOL_ERR_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		if (!sel_match(v[i], sel, nsel) || v[i]->info.open)
			continue;
		enum spool_status e = purge_locked(sp, v[i]);
		if (e != SPOOL_OK)
			st = e;
		else
			(*count)++;
	}
	pthread_mutex_unlock(&sp->lock);
	free(v);
	return st;
}

enum spool_status spool_change(struct spool *sp, const struct spool_actor *a, enum spool_queue q,
			       const char *user, const struct spool_select *sel, size_t nsel,
			       const struct spool_change *ch, unsigned *count)
{
	*count = 0;
	enum spool_status st = queue_args(a, q, user, sel, nsel);
	if (st != SPOOL_OK)
		return st;
	if (!ch || (ch->class && !valid_class(ch->class)) || ch->copies > SPOOL_COPIES_MAX ||
	    (ch->set_hold && (unsigned)ch->hold > SPOOL_HOLD_USYS) ||
	    (ch->dist && !valid_word(ch->dist, SPOOL_NAME_MAX, true)) ||
	    (ch->set_name && (!valid_word(ch->name, SPOOL_NAME_MAX, true) ||
			      !valid_word(ch->type, SPOOL_NAME_MAX, true))))
		return SPOOL_ERR_ARG;
	struct sfile **v = malloc(SPOOL_ID_MAX * sizeof *v);
	if (!v)
		return SPOOL_ERR_NOMEM;
	pthread_mutex_lock(&sp->lock);
	size_t n = collect(sp, q, user, v);
	if (!ids_all_found(v, n, sel, nsel))
		st = SPOOL_ERR_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		struct sfile *f = v[i];
		if (!sel_match(f, sel, nsel) || f->info.open)
			continue;
		struct spool_file_info old = f->info;
		if (ch->class)
			f->info.class = ch->class;
		if (ch->copies && f->info.queue != SPOOL_Q_READER)
			f->info.copies = ch->copies;
		if (ch->set_hold)
			f->info.hold = ch->hold;
		if (ch->dist)
			copy_word(f->info.dist, ch->dist, SPOOL_NAME_MAX);
		if (ch->set_name) {
			copy_word(f->info.name, ch->name, SPOOL_NAME_MAX);
			copy_word(f->info.type, ch->type, SPOOL_NAME_MAX);
		}
		enum spool_status e = save_meta(sp, f);
		if (e != SPOOL_OK) {
			f->info = old;
			st = e;
		} else {
			(*count)++;
		}
	}
	pthread_mutex_unlock(&sp->lock);
	free(v);
	return st;
}

enum spool_status spool_order(struct spool *sp, const struct spool_actor *a, enum spool_queue q,
			      const char *user, const struct spool_select *sel, size_t nsel,
			      unsigned *count)
{
	*count = 0;
	enum spool_status st = queue_args(a, q, user, sel, nsel);
	if (st != SPOOL_OK)
		return st;
	struct sfile **v = malloc(SPOOL_ID_MAX * sizeof *v);
	struct sfile **order = malloc(SPOOL_ID_MAX * sizeof *order);
	int64_t *slots = malloc(SPOOL_ID_MAX * sizeof *slots);
	bool *placed = calloc(SPOOL_ID_MAX, sizeof *placed);
	if (!v || !order || !slots || !placed) {
		st = SPOOL_ERR_NOMEM;
		goto out;
	}
	pthread_mutex_lock(&sp->lock);
	size_t n = collect(sp, q, user, v), k = 0;
	if (!ids_all_found(v, n, sel, nsel))
		st = SPOOL_ERR_NOT_FOUND;
	for (size_t s = 0; s < nsel; s++)
		for (size_t i = 0; i < n; i++) {
			if (placed[i] || !sel_match(v[i], &sel[s], 1))
				continue;
			placed[i] = true;
			order[k++] = v[i];
			if (sel[s].kind == SPOOL_SEL_ID)
				break;
		}
	*count = (unsigned)k;
	for (size_t i = 0; i < n; i++) {
		slots[i] = v[i]->seq;
		if (!placed[i])
			order[k++] = v[i];
	}
	for (size_t i = 0; i < n; i++) {
		if (order[i]->seq == slots[i])
			continue;
		int64_t old = order[i]->seq;
		order[i]->seq = slots[i];
		enum spool_status e = save_meta(sp, order[i]);
		if (e != SPOOL_OK) {
			order[i]->seq = old;
			st = e;
		}
	}
	pthread_mutex_unlock(&sp->lock);
out:
	free(v);
	free(order);
	free(slots);
	free(placed);
	return st;
}

static void announce(struct spool *sp, const struct spool_file_info *f, const char *from,
		     bool transfer)
{
	if (sp->cfg.arrival)
		sp->cfg.arrival(sp->cfg.arg, f, from, transfer);
}

enum spool_status spool_transfer(struct spool *sp, const struct spool_actor *a, const char *from,
				 const struct spool_select *sel, size_t nsel, const char *to,
				 unsigned *ids, size_t maxids, unsigned *count)
{
	*count = 0;
	if (!a || !valid_word(a->userid, SPOOL_USERID_MAX, false) || !valid_sel(sel, nsel) ||
	    !valid_word(to, SPOOL_USERID_MAX, false) ||
	    (from && !valid_word(from, SPOOL_USERID_MAX, false)))
		return SPOOL_ERR_ARG;
	struct sfile **v = malloc(SPOOL_ID_MAX * sizeof *v);
	struct spool_file_info *moved = malloc(SPOOL_ID_MAX * sizeof *moved);
	if (!v || !moved) {
		free(v);
		free(moved);
		return SPOOL_ERR_NOMEM;
	}
	enum spool_status st = SPOOL_OK;
	size_t nmoved = 0;
	pthread_mutex_lock(&sp->lock);
	size_t n = collect(sp, SPOOL_Q_READER, from, v), k = 0;
	/* Keep the files this actor may move. */
	for (size_t i = 0; i < n; i++) {
		const struct spool_file_info *f = &v[i]->info;
		if (a->oper || !strcmp(f->owner, a->userid) ||
		    (!strcmp(f->origin, a->userid) && !strcmp(to, a->userid)))
			v[k++] = v[i];
	}
	n = k;
	if (!ids_all_found(v, n, sel, nsel))
		st = SPOOL_ERR_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		struct sfile *f = v[i];
		if (!sel_match(f, sel, nsel) || f->info.open || !strcmp(f->info.owner, to))
			continue;
		char old[SPOOL_USERID_MAX + 1];
		strcpy(old, f->info.owner);
		strcpy(f->info.owner, to);
		f->seq = sp->next_seq++; /* last on the receiver's reader */
		enum spool_status e = save_meta(sp, f);
		if (e != SPOOL_OK) {
			strcpy(f->info.owner, old);
			st = e;
			continue;
		}
		if (ids && *count < maxids)
			ids[*count] = f->info.id;
		(*count)++;
		moved[nmoved++] = f->info;
	}
	pthread_mutex_unlock(&sp->lock);
	for (size_t i = 0; i < nmoved; i++)
		announce(sp, &moved[i], a->userid, true);
	free(v);
	free(moved);
	return st;
}

/* ------------------------------------------------------------------------------------------------
 * Writing.
 */

static enum spool_status save_next_id(struct spool *sp)
{
	char text[16];
	int n = snprintf(text, sizeof text, "%u\n", sp->next_id);
	return write_atomic(sp, "NEXTID", text, (size_t)n);
}

enum spool_status spool_create(struct spool *sp, const struct spool_new *n, struct spool_writer **w)
{
	*w = NULL;
	if (!n || (unsigned)n->devtype > SPOOL_DEV_CON || !valid_word(n->origin, SPOOL_USERID_MAX, false) ||
	    (n->to && !valid_word(n->to, SPOOL_USERID_MAX, false)) ||
	    (n->owner && !valid_word(n->owner, SPOOL_USERID_MAX, false)) || !valid_class(n->class) ||
	    n->copies > SPOOL_COPIES_MAX || (unsigned)n->hold > SPOOL_HOLD_USYS ||
	    !valid_word(n->dist, SPOOL_NAME_MAX, true) || !valid_word(n->name, SPOOL_NAME_MAX, true) ||
	    !valid_word(n->type, SPOOL_NAME_MAX, true))
		return SPOOL_ERR_ARG;
	struct spool_writer *wr = calloc(1, sizeof *wr);
	if (!wr)
		return SPOOL_ERR_NOMEM;
	struct spool_file_info *i = &wr->f.info;
	i->devtype = n->devtype;
	i->queue = n->to ? SPOOL_Q_READER : n->devtype == SPOOL_DEV_PUN ? SPOOL_Q_PUNCH : SPOOL_Q_PRINTER;
	copy_word(i->owner, n->to ? n->to : n->owner ? n->owner : n->origin, SPOOL_USERID_MAX);
	copy_word(i->origin, n->origin, SPOOL_USERID_MAX);
	i->class = n->class;
	i->copies = n->copies ? n->copies : 1;
	i->hold = n->hold;
	copy_word(i->dist, n->dist && *n->dist ? n->dist : i->owner, SPOOL_NAME_MAX);
	copy_word(i->name, n->name, SPOOL_NAME_MAX);
	copy_word(i->type, n->type, SPOOL_NAME_MAX);
	i->created = time(NULL);
	wr->sp = sp;

	pthread_mutex_lock(&sp->lock);
	unsigned id = 0;
	for (unsigned k = 0; k < SPOOL_ID_MAX && !id; k++) {
		unsigned c = (sp->next_id - 1 + k) % SPOOL_ID_MAX + 1;
		if (!sp->taken[c])
			id = c;
	}
	enum spool_status st = SPOOL_OK;
	if (!id) {
		st = SPOOL_ERR_FULL;
	} else {
		unsigned old_next = sp->next_id;
		sp->taken[id] = true;
		sp->next_id = id % SPOOL_ID_MAX + 1;
		st = save_next_id(sp);
		if (st != SPOOL_OK) {
			sp->taken[id] = false;
			sp->next_id = old_next;
		} else {
			sp->writers++;
		}
	}
	pthread_mutex_unlock(&sp->lock);
	if (st != SPOOL_OK) {
		free(wr);
		return st;
	}
	i->id = id;
	char path[PATH_LEN];
	path_of(sp, path, id, "dat.tmp");
	if (!(wr->fp = fopen(path, "wb"))) {
		st = io_status();
		spool_discard(wr);
		return st;
	}
	*w = wr;
	return SPOOL_OK;
}

enum spool_status spool_write(struct spool_writer *w, uint8_t ccw, const uint8_t *data, size_t len)
{
	if (len > SPOOL_RECORD_MAX || (len && !data))
		return SPOOL_ERR_ARG;
	if (w->err)
		return SPOOL_ERR_IO;
	if (w->f.info.records == UINT32_MAX) {
		w->err = EFBIG;
		return SPOOL_ERR_IO;
	}
	uint8_t head[3] = { ccw, (uint8_t)(len >> 8), (uint8_t)len };
	if (fwrite(head, 1, 3, w->fp) != 3 || (len && fwrite(data, 1, len, w->fp) != len)) {
		w->err = errno ? errno : EIO;
		return SPOOL_ERR_IO;
	}
	w->bytes += 3 + len;
	w->f.info.records++;
	return SPOOL_OK;
}

unsigned spool_writer_id(const struct spool_writer *w)
{
	return w->f.info.id;
}

uint32_t spool_writer_records(const struct spool_writer *w)
{
	return w->f.info.records;
}

/* Give the writer's spoolid back and free it. */
static void writer_end(struct spool_writer *w, bool keep_id)
{
	struct spool *sp = w->sp;
	pthread_mutex_lock(&sp->lock);
	if (!keep_id && w->f.info.id)
		sp->taken[w->f.info.id] = false;
	sp->writers--;
	pthread_mutex_unlock(&sp->lock);
	free(w);
}

void spool_discard(struct spool_writer *w)
{
	if (!w)
		return;
	char path[PATH_LEN];
	if (w->fp)
		fclose(w->fp);
	path_of(w->sp, path, w->f.info.id, "dat.tmp");
	unlink(path);
	writer_end(w, false);
}

enum spool_status spool_commit(struct spool_writer *w, const struct spool_close_opts *o,
			       struct spool_file_info *info)
{
	struct spool *sp = w->sp;
	struct spool_file_info *i = &w->f.info;
	if (o && ((o->set_hold && (unsigned)o->hold > SPOOL_HOLD_USYS) ||
		  !valid_word(o->dist, SPOOL_NAME_MAX, true) ||
		  !valid_word(o->name, SPOOL_NAME_MAX, true) ||
		  !valid_word(o->type, SPOOL_NAME_MAX, true))) {
		spool_discard(w);
		return SPOOL_ERR_ARG;
	}
	if (o) {
		if (o->set_hold)
			i->hold = o->hold;
		if (o->dist && *o->dist)
			copy_word(i->dist, o->dist, SPOOL_NAME_MAX);
		if (o->name) {
			copy_word(i->name, o->name, SPOOL_NAME_MAX);
			copy_word(i->type, o->type, SPOOL_NAME_MAX);
		}
	}
	char tmp[PATH_LEN], dat[PATH_LEN];
	path_of(sp, tmp, i->id, "dat.tmp");
	path_of(sp, dat, i->id, "dat");
	int e = w->err;
	if (!e && (fflush(w->fp) != 0 || fsync(fileno(w->fp)) != 0))
		e = errno;
	if (fclose(w->fp) != 0 && !e)
		e = errno;
	w->fp = NULL;
	if (!e && (rename(tmp, dat) != 0 || fsync_dir(sp->dir) != 0))
		e = errno;
	if (e) {
		unlink(tmp);
		unlink(dat);
		writer_end(w, false);
		errno = e;
		return SPOOL_ERR_IO;
	}
	w->f.bytes = w->bytes;
	pthread_mutex_lock(&sp->lock);
	w->f.seq = sp->next_seq++;
	pthread_mutex_unlock(&sp->lock);
	struct sfile *f = malloc(sizeof *f);
	enum spool_status st = f ? save_meta(sp, &w->f) : SPOOL_ERR_NOMEM;
	if (st != SPOOL_OK) {
		free(f);
		unlink(dat);
		writer_end(w, false);
		return st;
	}
	*f = w->f;
	pthread_mutex_lock(&sp->lock);
	sp->files[i->id] = f;
	f->info.order = 0;
	for (unsigned k = 1; k <= SPOOL_ID_MAX; k++) {
		struct sfile *g = sp->files[k];
		if (g && g->info.queue == f->info.queue && !strcmp(g->info.owner, f->info.owner))
			f->info.order++;
	}
	struct spool_file_info done = f->info;
	pthread_mutex_unlock(&sp->lock);
	writer_end(w, true);
	if (info)
		*info = done;
	if (done.queue == SPOOL_Q_READER)
		announce(sp, &done, done.origin, false);
	return SPOOL_OK;
}

/* ------------------------------------------------------------------------------------------------
 * Reading.
 */

static enum spool_status reader_start(struct spool *sp, struct sfile *f, struct spool_reader **r)
{
	/* Under lock. */
	char path[PATH_LEN];
	struct spool_reader *rd = calloc(1, sizeof *rd);
	if (!rd)
		return SPOOL_ERR_NOMEM;
	path_of(sp, path, f->info.id, "dat");
	if (!(rd->fp = fopen(path, "rb"))) {
		enum spool_status st = io_status();
		free(rd);
		return st;
	}
	rd->sp = sp;
	rd->f = f;
	f->info.open = true;
	sp->readers++;
	*r = rd;
	return SPOOL_OK;
}

enum spool_status spool_reader_open(struct spool *sp, const char *user, char class,
				    struct spool_reader **r)
{
	*r = NULL;
	if (!valid_word(user, SPOOL_USERID_MAX, false) || (class != '*' && !valid_class(class)))
		return SPOOL_ERR_ARG;
	struct sfile **v = malloc(SPOOL_ID_MAX * sizeof *v);
	if (!v)
		return SPOOL_ERR_NOMEM;
	enum spool_status st = SPOOL_ERR_NOT_FOUND;
	pthread_mutex_lock(&sp->lock);
	size_t n = collect(sp, SPOOL_Q_READER, user, v);
	for (size_t i = 0; i < n; i++) {
		struct sfile *f = v[i];
		if (f->info.open || f->info.hold != SPOOL_HOLD_NONE ||
		    (class != '*' && f->info.class != class))
			continue;
		st = reader_start(sp, f, r);
		break;
	}
	pthread_mutex_unlock(&sp->lock);
	free(v);
	return st;
}

enum spool_status spool_reader_open_id(struct spool *sp, const struct spool_actor *a, unsigned id,
				       struct spool_reader **r)
{
	*r = NULL;
	if (!a || !valid_word(a->userid, SPOOL_USERID_MAX, false) || id < 1 || id > SPOOL_ID_MAX)
		return SPOOL_ERR_ARG;
	enum spool_status st;
	pthread_mutex_lock(&sp->lock);
	struct sfile *f = sp->files[id];
	if (!f)
		st = SPOOL_ERR_NOT_FOUND;
	else if (!a->oper && strcmp(f->info.owner, a->userid))
		st = SPOOL_ERR_PERM;
	else if (f->info.open)
		st = SPOOL_ERR_BUSY;
	else
		st = reader_start(sp, f, r);
	pthread_mutex_unlock(&sp->lock);
	return st;
}

void spool_reader_info(const struct spool_reader *r, struct spool_file_info *info)
{
	pthread_mutex_lock(&r->sp->lock);
	*info = r->f->info;
	pthread_mutex_unlock(&r->sp->lock);
}

/* The next record from fp; SPOOL_ERR_EOF at a clean end. */
static enum spool_status next_record(FILE *fp, uint8_t *ccw, uint8_t *buf, size_t max, size_t *len)
{
	uint8_t head[3];
	size_t got = fread(head, 1, 3, fp);
	if (got == 0 && feof(fp))
		return SPOOL_ERR_EOF;
	if (got != 3)
		return ferror(fp) ? SPOOL_ERR_IO : SPOOL_ERR_FORMAT;
	size_t n = (size_t)head[1] << 8 | head[2];
	size_t take = n < max ? n : max;
	if (take && fread(buf, 1, take, fp) != take)
		return ferror(fp) ? SPOOL_ERR_IO : SPOOL_ERR_FORMAT;
	if (n > take && fseek(fp, (long)(n - take), SEEK_CUR) != 0)
		return SPOOL_ERR_IO;
	*ccw = head[0];
	*len = n;
	return SPOOL_OK;
}

enum spool_status spool_reader_next(struct spool_reader *r, uint8_t *ccw, uint8_t *buf, size_t max,
				    size_t *len)
{
	*len = 0;
	/* records is fixed once committed; reading it needs no lock. */
	if (r->pos >= r->f->info.records)
		return SPOOL_ERR_EOF;
	enum spool_status st = next_record(r->fp, ccw, buf, max, len);
	if (st == SPOOL_ERR_EOF)
		return SPOOL_ERR_FORMAT; /* fewer records than the metadata says */
	if (st == SPOOL_OK)
		r->pos++;
	return st;
}

uint32_t spool_reader_position(const struct spool_reader *r)
{
	return r->pos;
}

enum spool_status spool_reader_seek(struct spool_reader *r, uint32_t n)
{
	if (n > r->f->info.records)
		return SPOOL_ERR_ARG;
	rewind(r->fp);
	r->pos = 0;
	uint8_t ccw, dummy;
	size_t len;
	while (r->pos < n) {
		enum spool_status st = next_record(r->fp, &ccw, &dummy, 0, &len);
		if (st != SPOOL_OK)
			return st == SPOOL_ERR_EOF ? SPOOL_ERR_FORMAT : st;
		r->pos++;
	}
	return SPOOL_OK;
}

enum spool_status spool_reader_close(struct spool_reader *r, enum spool_reader_disp d)
{
	struct spool *sp = r->sp;
	enum spool_status st = SPOOL_OK;
	fclose(r->fp);
	pthread_mutex_lock(&sp->lock);
	struct sfile *f = r->f;
	f->info.open = false;
	sp->readers--;
	if (d == SPOOL_READER_PURGE) {
		st = purge_locked(sp, f);
	} else if (d == SPOOL_READER_HOLD && f->info.hold == SPOOL_HOLD_NONE) {
		f->info.hold = SPOOL_HOLD_USER;
		if ((st = save_meta(sp, f)) != SPOOL_OK)
			f->info.hold = SPOOL_HOLD_NONE;
	}
	pthread_mutex_unlock(&sp->lock);
	free(r);
	return st;
}

/* ------------------------------------------------------------------------------------------------
 * Host exchange.
 */

static enum spool_status import_cards(struct spool_writer *w, FILE *in)
{
	uint8_t card[SPOOL_CARD];
	size_t n;
	while ((n = fread(card, 1, SPOOL_CARD, in)) == SPOOL_CARD) {
		enum spool_status st = spool_write(w, 0x41, card, SPOOL_CARD);
		if (st != SPOOL_OK)
			return st;
	}
	if (ferror(in))
		return SPOOL_ERR_IO;
	return n ? SPOOL_ERR_FORMAT : SPOOL_OK;
}

static enum spool_status import_text(struct spool_writer *w, FILE *in)
{
	for (;;) {
		char text[SPOOL_CARD];
		size_t col = 0;
		int ch;
		bool any = false;
		memset(text, ' ', sizeof text);
		while ((ch = getc(in)) != EOF && ch != '\n') {
			any = true;
			if (ch == '\r')
				continue;
			if (ch == '\t') {
				do
					col++;
				while (col & 7);
				if (col > SPOOL_CARD)
					return SPOOL_ERR_FORMAT;
				continue;
			}
			if (col >= SPOOL_CARD)
				return SPOOL_ERR_FORMAT;
			text[col++] = (char)ch;
		}
		if (ferror(in))
			return SPOOL_ERR_IO;
		if (ch == EOF && !any)
			return SPOOL_OK;
		uint8_t card[SPOOL_CARD];
		ascii_to_ebcdic_buf(card, text, SPOOL_CARD);
		enum spool_status st = spool_write(w, 0x41, card, SPOOL_CARD);
		if (st != SPOOL_OK)
			return st;
		if (ch == EOF)
			return SPOOL_OK;
	}
}

enum spool_status spool_import(struct spool *sp, const char *path, enum spool_import_format fmt,
			       const struct spool_new *n, struct spool_file_info *info)
{
	if (!path || !n || !n->to || (fmt != SPOOL_IMPORT_CARDS && fmt != SPOOL_IMPORT_TEXT))
		return SPOOL_ERR_ARG;
	FILE *in = fopen(path, "rb");
	if (!in)
		return io_status();
	struct spool_new nn = *n;
	nn.devtype = SPOOL_DEV_PUN;
	struct spool_writer *w;
	enum spool_status st = spool_create(sp, &nn, &w);
	if (st == SPOOL_OK) {
		st = fmt == SPOOL_IMPORT_CARDS ? import_cards(w, in) : import_text(w, in);
		if (st == SPOOL_OK)
			st = spool_commit(w, NULL, info);
		else
			spool_discard(w);
	}
	fclose(in);
	return st;
}

/* A printer's form as dev_printer.c keeps it (66 lines, its default carriage tape), for export. */
struct form {
	FILE *out;
	unsigned line;
	bool pending;	/* text on the current line, its line end not written */
	bool failed;
};

#define FORM_LINES 66

static bool form_channel_at(unsigned line, unsigned c)
{
	static const uint8_t line_of_channel[13] = { 0, 1, 7, 13, 19, 25, 31, 37, 43, 63, 49, 55, 61 };
	return c >= 1 && c <= 12 && line_of_channel[c] == line;
}

static void form_emit(struct form *fm, const char *s, size_t n)
{
	if (n && fwrite(s, 1, n, fm->out) != n)
		fm->failed = true;
}

static void form_newline(struct form *fm)
{
	form_emit(fm, "\n", 1);
	fm->pending = false;
}

static void form_print(struct form *fm, const uint8_t *data, size_t n)
{
	char text[256];
	if (n > sizeof text)
		n = sizeof text;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = ebcdic_to_latin1[data[i]];
		text[i] = (char)(c < 0x20 || (c >= 0x7F && c < 0xA0) ? ' ' : c);
	}
	while (n && text[n - 1] == ' ')
		n--;
	if (!n)
		return;
	if (fm->pending)
		form_emit(fm, "\r", 1);
	form_emit(fm, text, n);
	fm->pending = true;
}

static void form_motion(struct form *fm, unsigned motion)
{
	if (motion >= 1 && motion <= 3) {
		while (motion--) {
			form_newline(fm);
			fm->line = fm->line % FORM_LINES + 1;
		}
		return;
	}
	if (motion < 0x11 || motion > 0x1C)
		return;
	unsigned c = motion - 0x10, target = 0;
	for (unsigned k = 1; k <= FORM_LINES && !target; k++) {
		unsigned l = (fm->line - 1 + k) % FORM_LINES + 1;
		if (form_channel_at(l, c))
			target = l;
	}
	if (target > fm->line) {
		while (fm->line < target) {
			form_newline(fm);
			fm->line++;
		}
		return;
	}
	if (fm->pending)
		form_newline(fm);
	form_emit(fm, "\f", 1);
	for (fm->line = 1; fm->line < target; fm->line++)
		form_newline(fm);
}

static bool valid_motion(unsigned motion)
{
	return motion <= 3 || (motion >= 0x11 && motion <= 0x1C);
}

static enum spool_status export_printer(FILE *in, FILE *out, uint32_t records)
{
	struct form fm = { out, 1, false, false };
	uint8_t buf[256];
	for (uint32_t r = 0; r < records; r++) {
		uint8_t ccw;
		size_t len;
		enum spool_status st = next_record(in, &ccw, buf, sizeof buf, &len);
		if (st != SPOOL_OK)
			return st == SPOOL_ERR_EOF ? SPOOL_ERR_FORMAT : st;
		if (len > sizeof buf)
			len = sizeof buf; /* more than a print line: the rest is cut */
		unsigned motion = ccw >> 3;
		if (!valid_motion(motion))
			continue;
		if ((ccw & 7) == 1) {
			form_print(&fm, buf, len);
			form_motion(&fm, motion);
		} else if ((ccw & 7) == 3 && ccw != 0x03) {
			form_motion(&fm, motion);
		}
	}
	if (fm.pending)
		form_newline(&fm);
	return fm.failed ? SPOOL_ERR_IO : SPOOL_OK;
}

static enum spool_status export_punch(FILE *in, FILE *out, uint32_t records, bool raw)
{
	uint8_t buf[SPOOL_CARD];
	for (uint32_t r = 0; r < records; r++) {
		uint8_t ccw, card[SPOOL_CARD];
		size_t len;
		enum spool_status st = next_record(in, &ccw, buf, sizeof buf, &len);
		if (st != SPOOL_OK)
			return st == SPOOL_ERR_EOF ? SPOOL_ERR_FORMAT : st;
		memset(card, 0x40, sizeof card);
		memcpy(card, buf, len < SPOOL_CARD ? len : SPOOL_CARD);
		if (raw) {
			if (fwrite(card, 1, SPOOL_CARD, out) != SPOOL_CARD)
				return SPOOL_ERR_IO;
			continue;
		}
		char text[SPOOL_CARD + 1];
		size_t k = SPOOL_CARD;
		for (size_t i = 0; i < SPOOL_CARD; i++) {
			uint8_t c = ebcdic_to_latin1[card[i]];
			text[i] = (char)(c < 0x20 || (c >= 0x7F && c < 0xA0) ? ' ' : c);
		}
		while (k && text[k - 1] == ' ')
			k--;
		text[k++] = '\n';
		if (fwrite(text, 1, k, out) != k)
			return SPOOL_ERR_IO;
	}
	return SPOOL_OK;
}

enum spool_status spool_export(struct spool *sp, const struct spool_actor *a, unsigned id,
			       const char *path, enum spool_export_format fmt)
{
	if (!path || (fmt != SPOOL_EXPORT_TEXT && fmt != SPOOL_EXPORT_RAW))
		return SPOOL_ERR_ARG;
	struct spool_file_info info;
	enum spool_status st = spool_get(sp, a, id, &info);
	if (st != SPOOL_OK)
		return st;
	if (!a->oper && strcmp(info.owner, a->userid))
		return SPOOL_ERR_PERM;
	bool printer = info.devtype != SPOOL_DEV_PUN;
	if (printer && fmt == SPOOL_EXPORT_RAW)
		return SPOOL_ERR_ARG;
	/* Open the data under the lock: a purge after this only unlinks what we hold open. */
	char dat[PATH_LEN];
	path_of(sp, dat, id, "dat");
	pthread_mutex_lock(&sp->lock);
	FILE *in = sp->files[id] ? fopen(dat, "rb") : NULL;
	int e = errno;
	bool gone = !sp->files[id];
	pthread_mutex_unlock(&sp->lock);
	if (!in) {
		errno = e;
		return gone ? SPOOL_ERR_NOT_FOUND : io_status();
	}
	FILE *out = fopen(path, "wb");
	if (!out) {
		st = io_status();
		fclose(in);
		return st;
	}
	st = printer ? export_printer(in, out, info.records)
		     : export_punch(in, out, info.records, fmt == SPOOL_EXPORT_RAW);
	if (fclose(out) != 0 && st == SPOOL_OK)
		st = SPOOL_ERR_IO;
	fclose(in);
	return st;
}

/* ------------------------------------------------------------------------------------------------
 * Responses.
 */

size_t spool_fmt_query_header(char *buf, size_t len, bool full)
{
	return cp_msg_format(buf, len, full ? CP_RSP_SPOOL_Q_HEADER_ALL : CP_RSP_SPOOL_Q_HEADER);
}

size_t spool_fmt_query_line(char *buf, size_t len, const struct spool_file_info *f, bool full)
{
	if (!full)
		return cp_msg_format(buf, len, CP_RSP_SPOOL_Q_LINE, f->owner, f->id, f->class,
				     spool_devtype_str(f->devtype), (unsigned long)f->records,
				     f->copies, spool_hold_str(f->hold));
	struct tm tm;
	time_t t = f->created;
	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	return cp_msg_format(buf, len, CP_RSP_SPOOL_Q_LINE_ALL, f->owner, f->id, f->class,
			     spool_devtype_str(f->devtype), (unsigned long)f->records, f->copies,
			     spool_hold_str(f->hold), tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			     tm.tm_sec, f->name, f->type, f->dist);
}

size_t spool_fmt_files(char *buf, size_t len, const unsigned counts[3])
{
	char c[3][8];
	for (int k = 0; k < 3; k++) {
		if (counts[k])
			snprintf(c[k], sizeof c[k], "%03u", counts[k] > 999 ? 999 : counts[k]);
		else
			strcpy(c[k], "NO");
	}
	return cp_msg_format(buf, len, CP_RSP_SPOOL_FILES, c[0], c[1], c[2]);
}

static const char *hold_word(enum spool_hold h)
{
	return h == SPOOL_HOLD_NONE ? "NOHOLD" : "HOLD";
}

size_t spool_fmt_close(char *buf, size_t len, const struct spool_file_info *f)
{
	return cp_msg_format(buf, len, CP_RSP_SPOOL_CLOSED, spool_devtype_str(f->devtype), f->id,
			     f->queue == SPOOL_Q_READER ? "TO" : "FOR", f->owner, f->copies,
			     hold_word(f->hold));
}

size_t spool_fmt_arrival(char *buf, size_t len, const struct spool_file_info *f, const char *from,
			 bool transfer)
{
	if (transfer)
		return cp_msg_format(buf, len, CP_RSP_SPOOL_TRANSFERRED_FROM, f->id, from);
	return cp_msg_format(buf, len, CP_RSP_SPOOL_ARRIVED, spool_devtype_str(f->devtype), f->id,
			     from, f->copies, hold_word(f->hold));
}

size_t spool_fmt_transferred(char *buf, size_t len, unsigned id, const char *to)
{
	return cp_msg_format(buf, len, CP_RSP_SPOOL_TRANSFERRED_TO, id, to);
}

size_t spool_fmt_count(char *buf, size_t len, enum spool_verb v, unsigned n)
{
	static const enum cp_msg rows[4][3] = {
		{ CP_RSP_SPOOL_PURGED_0, CP_RSP_SPOOL_PURGED_1, CP_RSP_SPOOL_PURGED_N },
		{ CP_RSP_SPOOL_CHANGED_0, CP_RSP_SPOOL_CHANGED_1, CP_RSP_SPOOL_CHANGED_N },
		{ CP_RSP_SPOOL_ORDERED_0, CP_RSP_SPOOL_ORDERED_1, CP_RSP_SPOOL_ORDERED_N },
		{ CP_RSP_SPOOL_TRANSFERRED_0, CP_RSP_SPOOL_TRANSFERRED_1,
		  CP_RSP_SPOOL_TRANSFERRED_N },
	};
	if ((unsigned)v > SPOOL_TRANSFERRED) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	return cp_msg_format(buf, len, rows[v][n == 0 ? 0 : n == 1 ? 1 : 2], n);
}
