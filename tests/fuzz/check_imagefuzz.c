/*
 * check_imagefuzz.c - corrupt and truncated device images against the image libraries
 * (machine/dasd/: CKD, compressed CKD, FBA; tapes/: AWS, HET) and `cambridge-dasd check`.
 *
 * Each test builds a small valid image with the library itself in a temporary directory (a 3350
 * CKD volume of three cylinders with a label, a VTOC and records with keys, in one file and split
 * into three; the same as a compressed CCKD volume with zlib and with bzip2; a 3310 FBA volume; AWS
 * and HET tapes with blocks of many sizes, multi-chunk and compressed blocks, and tape marks) and
 * knows its structure: header fields, L1 and L2 entries, track images, home addresses and count
 * fields, chunk headers, extents. It then reads the image back through the library after each of
 * many mutations: truncation at every boundary of that structure (and a byte either side), then
 * random edits aimed at the structure (numbers set to 0, 1, 2, the maximum, the file size, off by
 * some, another field's value; bytes flipped in headers, tables and compressed payloads), cuts and
 * appended garbage, a missing file of a split volume.
 *
 * For every mutated image, every call must end with a status of its enum, never a crash (the
 * sanitizers watch memory), a hang, or unbounded memory, and:
 *   - an error names the image file and an offset inside it (struct dasd_where, ckd_where(),
 *     tape_error_offset());
 *   - what the mutation did not touch reads back exactly as before (tracks; tape blocks and marks
 *     before the first damaged byte);
 *   - a failing tape call leaves the position where it was; a block passed forward can be passed
 *     back to the same position and forward again; a block written after what still reads ends
 *     the tape there and reads back;
 *   - ckd_check_compressed() reports a problem whenever opening or reading a track fails, and when
 *     it reports none the volume opens and every track reads; after repair a volume checks clean
 *     and reads; a volume that checks clean takes new tracks and still checks clean;
 *   - `cambridge-dasd check` (a sample of images; skipped when the tool is not in the current
 *     directory) fails exactly when the library finds a problem, naming the file and the offset.
 * The regression tests at the end are bugs this fuzz found in machine/dasd/cckd.c.
 *
 * CAMBRIDGE_IMAGEFUZZ_SEED and CAMBRIDGE_IMAGEFUZZ_ITERS (random mutations per image) override the
 * defaults; CAMBRIDGE_DASD names the cambridge-dasd to run. A failure names its mutation.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/be.h"
#include "machine/dasd/dasd.h"
#include "tapes/tape.h"
#include "tests/check_run.h"

#define STEP_NS_MAX (10ull * 1000000000ull) /* one mutated image, all of it, even under the sanitizers */

/* ------------------------------------------------------------------------------------------------
 * Random numbers (xorshift64*), the temporary directory, files.
 */

/* A check for loops: a passing ck_assert costs a system call in Check's fork mode. */
#define CHECK(c)                                                                           \
	do {                                                                               \
		if (!(c))                                                                  \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #c);                 \
	} while (0)

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(unsigned percent)
{
	return below(100) < percent;
}

static uint64_t env_or(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct {
	unsigned long images, opened, errors, reads, reads_failed, tool_runs, repaired, rewritten;
} stats;

static char dir[64];
static uint64_t test_t0;

static void setup(void)
{
	strcpy(dir, "/tmp/check_imagefuzz.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	rng_state = env_or("CAMBRIDGE_IMAGEFUZZ_SEED", 0x1EA6EF22) | 1;
	memset(&stats, 0, sizeof stats);
	test_t0 = now_ns();
}

static void teardown(void)
{
	fprintf(stderr,
		"check_imagefuzz: %lu images, %lu opened, %lu refused, %lu reads (%lu failed), %lu tool runs, "
		"%lu repaired, %lu rewritten, %llu ms\n",
		stats.images, stats.opened, stats.errors, stats.reads, stats.reads_failed, stats.tool_runs,
		stats.repaired, stats.rewritten, (unsigned long long)((now_ns() - test_t0) / 1000000));
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *tmp(const char *name)
{
	static char buf[4][256];
	static int n;
	char *p = buf[n++ % 4];
	snprintf(p, 256, "%s/%s", dir, name);
	return p;
}

static uint8_t *read_all(const char *path, size_t *size)
{
	struct stat st;
	CHECK(stat(path, &st) == 0);
	uint8_t *b = malloc((size_t)st.st_size + 1);
	int fd = open(path, O_RDONLY);
	CHECK(b && fd >= 0);
	CHECK(read(fd, b, (size_t)st.st_size) == st.st_size);
	close(fd);
	*size = (size_t)st.st_size;
	return b;
}

static void write_all(const char *path, const uint8_t *b, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, b, n) == (ssize_t)n);
	close(fd);
}

static void copy_file(const char *from, const char *to)
{
	size_t n;
	uint8_t *b = read_all(from, &n);
	write_all(to, b, n);
	free(b);
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* ------------------------------------------------------------------------------------------------
 * An image and its structure; mutations aimed at the structure.
 */

/* A field: a little- or big-endian number of 1, 2 or 4 bytes, or (len 0) a run of span bytes. */
struct field {
	uint64_t off;
	uint32_t span;
	uint8_t len;
	bool be;
	uint8_t cls;         /* its class (device header, L2 entry, chunk header...): mutations pick a
			      * class first, so that a few header fields weigh as much as many entries */
};

#define NCLASS 8

struct image {
	const char *kind;
	uint8_t *data;
	size_t size;
	struct field *fld;
	size_t nfld, capfld;
	uint8_t cls;         /* the class of the fields being added */
	uint64_t *cut;       /* interesting lengths to truncate to */
	size_t ncut, capcut;
};

static void add_field(struct image *im, uint64_t off, uint8_t len, bool be, uint32_t span)
{
	if (off >= im->size || (len && off + len > im->size) || (!len && !span))
		return;
	if (!len && off + span > im->size)
		span = (uint32_t)(im->size - off);
	if (im->nfld == im->capfld) {
		im->capfld = im->capfld ? 2 * im->capfld : 256;
		im->fld = realloc(im->fld, im->capfld * sizeof *im->fld);
		CHECK(im->fld != NULL);
	}
	im->fld[im->nfld++] = (struct field){off, span, len, be, im->cls};
}

static void add_cut(struct image *im, uint64_t at)
{
	if (at > im->size)
		return;
	for (size_t i = 0; i < im->ncut; i++)
		if (im->cut[i] == at)
			return;
	if (im->ncut == im->capcut) {
		im->capcut = im->capcut ? 2 * im->capcut : 256;
		im->cut = realloc(im->cut, im->capcut * sizeof *im->cut);
		CHECK(im->cut != NULL);
	}
	im->cut[im->ncut++] = at;
}

/* A boundary and a byte either side. */
static void add_cuts(struct image *im, uint64_t at)
{
	if (at)
		add_cut(im, at - 1);
	add_cut(im, at);
	add_cut(im, at + 1);
}

static void image_free(struct image *im)
{
	free(im->data);
	free(im->fld);
	free(im->cut);
	memset(im, 0, sizeof *im);
}

static uint32_t get_num(const uint8_t *p, uint8_t len, bool be)
{
	uint32_t v = 0;
	for (uint8_t i = 0; i < len; i++)
		v = be ? v << 8 | p[i] : v | (uint32_t)p[i] << (8 * i);
	return v;
}

static void put_num(uint8_t *p, uint8_t len, bool be, uint32_t v)
{
	for (uint8_t i = 0; i < len; i++)
		p[be ? len - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

/* A mutated copy: data[0..size); the ranges of the original it changed (or cut off). */
#define MAX_TOUCH 16

struct mutant {
	uint8_t *data;
	size_t size;
	struct {
		size_t off, len;
	} touched[MAX_TOUCH];
	unsigned ntouched;
	size_t first;        /* offset of the first changed byte (the original size if none) */
	char desc[400];
};

static void touch(struct mutant *mu, size_t off, size_t len, size_t orig)
{
	if (off >= orig)
		return;
	if (len > orig - off)
		len = orig - off;
	CHECK(mu->ntouched < MAX_TOUCH);
	mu->touched[mu->ntouched].off = off;
	mu->touched[mu->ntouched++].len = len;
	if (off < mu->first)
		mu->first = off;
}

static void note(struct mutant *mu, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct mutant *mu, const char *fmt, ...)
{
	size_t n = strlen(mu->desc);
	va_list ap;
	va_start(ap, fmt);
	if (n + 48 < sizeof mu->desc)
		vsnprintf(mu->desc + n, sizeof mu->desc - n, fmt, ap);
	va_end(ap);
}

static void mutant_free(struct mutant *mu)
{
	free(mu->data);
}

static void mutant_init(const struct image *im, struct mutant *mu)
{
	mu->data = malloc(im->size + 4096);
	CHECK(mu->data != NULL);
	mu->ntouched = 0;
	memcpy(mu->data, im->data, im->size);
	mu->size = im->size;
	mu->first = im->size;
	mu->desc[0] = 0;
}

static void cut_to(const struct image *im, struct mutant *mu, size_t len)
{
	if (len >= mu->size)
		return;
	touch(mu, len, im->size - len, im->size);
	mu->size = len;
	note(mu, " cut at %zu", len);
}

/* A value for an n-byte number: the edges, off by a little, the file's size, another field's. */
static uint32_t interesting(const struct image *im, const struct field *f, uint32_t old)
{
	uint32_t max = f->len == 4 ? 0xFFFFFFFFu : (1u << (8 * f->len)) - 1;
	switch (below(20)) {
	case 0:
	case 1: return 0;
	case 2: return 1;
	case 3:
	case 4: return 2 + below(2);
	case 5: return max;
	case 6: return max >> 1;
	case 7:
	case 8: return old + 1;
	case 9: return old + 2 + below(8);
	case 10:
	case 11: return old - 1 - below(8);
	case 12: return old ^ (1u << below(8 * f->len));
	case 13: return (uint32_t)im->size + below(3) - 1;
	case 14: return (uint32_t)below((uint32_t)im->size);
	case 15: {
		const struct field *g = &im->fld[below((uint32_t)im->nfld)];
		return g->len ? get_num(im->data + g->off, g->len, g->be) : (uint32_t)g->off;
	}
	case 16: return (uint32_t)rnd();
	default: return old * 2 + 1;
	}
}

/* A field: a class first, then one of its fields. */
static const struct field *pick_field(const struct image *im)
{
	for (;;) {
		unsigned cls = below(NCLASS), n = 0;
		for (size_t i = 0; i < im->nfld; i++)
			n += im->fld[i].cls == cls;
		if (!n)
			continue;
		for (size_t i = 0, k = below(n); i < im->nfld; i++)
			if (im->fld[i].cls == cls && !k--)
				return &im->fld[i];
	}
}

static void mutate(const struct image *im, struct mutant *mu)
{
	mutant_init(im, mu);
	unsigned n = chance(50) ? 1 : 2 + below(3);
	for (unsigned k = 0; k < n; k++) {
		unsigned r = below(100);
		const struct field *f = pick_field(im);
		if (f->off >= mu->size)
			continue;
		if (r < 45 && f->len) {
			uint32_t old = get_num(mu->data + f->off, f->len, f->be), v = interesting(im, f, old);
			put_num(mu->data + f->off, f->len, f->be, v);
			touch(mu, f->off, f->len, im->size);
			note(mu, " @%llu=%x", (unsigned long long)f->off, v);
		} else if (r < 70) {
			uint64_t at = f->off + below(f->len ? f->len : f->span);
			if (at >= mu->size)
				continue;
			uint8_t v = chance(50) ? (uint8_t)(mu->data[at] ^ (1u << below(8)))
					       : chance(50) ? (uint8_t)rnd() : chance(50) ? 0xFF : 0;
			mu->data[at] = v;
			touch(mu, at, 1, im->size);
			note(mu, " @%llu:=%02x", (unsigned long long)at, v);
		} else if (r < 78) {
			uint64_t at = below((uint32_t)mu->size);
			mu->data[at] = (uint8_t)rnd();
			touch(mu, at, 1, im->size);
			note(mu, " @%llu:=%02x", (unsigned long long)at, mu->data[at]);
		} else if (r < 90) {
			uint64_t at = im->cut[below((uint32_t)im->ncut)];
			cut_to(im, mu, at);
		} else if (r < 95) {
			cut_to(im, mu, below((uint32_t)mu->size));
		} else if (mu->size == im->size) {
			uint32_t extra = 1 + below(4096);
			for (uint32_t i = 0; i < extra; i++)
				mu->data[mu->size + i] = chance(50) ? 0 : (uint8_t)rnd();
			mu->size += extra;
			note(mu, " +%u bytes", extra);
		}
	}
}

/* The image cut at len, as a mutant. */
static void mutate_cut(const struct image *im, struct mutant *mu, size_t len)
{
	mutant_init(im, mu);
	cut_to(im, mu, len);
}

/*
 * The file at path holds the original image: make it the mutant by writing only the bytes the
 * mutation touched (undo: back to the original), so that a big image costs little per mutation.
 */
static void stage(const char *path, const struct image *im, const struct mutant *mu, bool undo)
{
	int fd = open(path, O_WRONLY);
	size_t common = mu->size < im->size ? mu->size : im->size;
	const uint8_t *src = undo ? im->data : mu->data;
	CHECK(fd >= 0);
	for (unsigned k = 0; k < mu->ntouched; k++) {
		size_t i = mu->touched[k].off, n = mu->touched[k].len;
		if (i >= common)
			continue;
		if (n > common - i)
			n = common - i;
		CHECK(pwrite(fd, src + i, n, (off_t)i) == (ssize_t)n);
	}
	if (undo && mu->size < im->size)
		CHECK(pwrite(fd, im->data + mu->size, im->size - mu->size, (off_t)mu->size) ==
		      (ssize_t)(im->size - mu->size));
	if (!undo && mu->size > im->size)
		CHECK(pwrite(fd, mu->data + im->size, mu->size - im->size, (off_t)im->size) ==
		      (ssize_t)(mu->size - im->size));
	CHECK(ftruncate(fd, (off_t)(undo ? im->size : mu->size)) == 0);
	close(fd);
}

/* Some of [off, off + len) was changed or cut off. */
static bool touched_in(const struct mutant *mu, uint64_t off, uint64_t len)
{
	if (off + len > mu->size)
		return true;
	for (unsigned k = 0; k < mu->ntouched; k++)
		if (mu->touched[k].off < off + len && off < mu->touched[k].off + mu->touched[k].len)
			return true;
	return false;
}

#define FAIL_IF(mu, cond, ...)                                                                  \
	do {                                                                                    \
		if (cond) {                                                                     \
			char msg_[512];                                                         \
			snprintf(msg_, sizeof msg_, __VA_ARGS__);                               \
			ck_abort_msg("%s, mutation%s: %s", kind_now, (mu)->desc, msg_);         \
		}                                                                               \
	} while (0)

static const char *kind_now = "";

/* ------------------------------------------------------------------------------------------------
 * DASD: the original volumes.
 */

static const struct dasd_geom *g3350;

/* A track of cc, hh with n records (keys on odd ones) of size bytes from seed; noisy or not. */
static void make_track(uint8_t *trk, size_t ts, uint16_t cc, uint16_t hh, unsigned n, uint16_t size,
		       unsigned seed, bool noisy)
{
	uint8_t *d = malloc(size ? size : 1), key[8];
	ckd_track_format(trk, ts, cc, hh);
	for (unsigned r = 1; r <= n; r++) {
		for (unsigned i = 0; i < size; i++)
			d[i] = noisy ? (uint8_t)rand_r(&seed) : (uint8_t)(r + i / 64);
		memset(key, (int)r, sizeof key);
		CHECK(ckd_track_append(trk, ts, (uint8_t)r, key, r % 2 ? 8 : 0, d, size) == DASD_OK);
	}
	free(d);
}

#define CKD_CYLS 3

/* The 3350 volume: label, VTOC, and records on a few tracks. */
static void fill_volume(struct ckd *c)
{
	uint32_t ts = ckd_trksize(c);
	uint8_t *trk = malloc(ts);
	CHECK(dasd_ckd_init_volume(c, "FUZZ01") == DASD_OK);
	for (uint32_t t = 2; t < CKD_CYLS * 30; t += 5) {
		uint16_t cc = (uint16_t)(t / 30), hh = (uint16_t)(t % 30);
		make_track(trk, ts, cc, hh, 1 + t % 7, (uint16_t)(t % 3 == 0 ? 2000 : 1 + t * 13 % 900), t, t % 2);
		CHECK(ckd_write_track(c, cc, hh, trk, ts) == DASD_OK);
	}
	free(trk);
}

/* Fields of a CKD device header at off (LE: heads, track size; devtyp, fileseq; highcyl). */
static void devhdr_fields(struct image *im)
{
	im->cls = 0;
	add_field(im, 0, 0, false, 8); /* the identifier */
	add_field(im, 8, 4, false, 0);
	add_field(im, 12, 4, false, 0);
	add_field(im, 16, 1, false, 0);
	add_field(im, 17, 1, false, 0);
	add_field(im, 18, 2, false, 0);
	add_cuts(im, 0);
	add_cuts(im, 8);
	add_cuts(im, 512);
}

/* Fields of a track image at off of len bytes: home address, count fields, key and data, marker. */
static void track_fields(struct image *im, uint64_t off, const uint8_t *trk, size_t len)
{
	size_t pos = 0;
	struct ckd_record r;
	im->cls = 1;
	add_field(im, off, 1, false, 0);
	add_field(im, off + 1, 2, true, 0);
	add_field(im, off + 3, 2, true, 0);
	while (ckd_track_next(trk, len, &pos, &r) == DASD_OK) {
		im->cls = 2;
		add_field(im, off + r.offset, 2, true, 0);
		add_field(im, off + r.offset + 2, 2, true, 0);
		add_field(im, off + r.offset + 4, 1, false, 0);
		add_field(im, off + r.offset + 5, 1, false, 0);
		add_field(im, off + r.offset + 6, 2, true, 0);
		im->cls = 3;
		add_field(im, off + r.offset + 8, 0, false, (uint32_t)r.kl + r.dl);
	}
	im->cls = 4;
	add_field(im, off + pos, 0, false, 8); /* the end marker */
}

static void build_ckd(struct image *im)
{
	const char *p = tmp("orig.3350");
	struct ckd *c;
	struct dasd_where w;
	unlink(p);
	CHECK(ckd_create(p, g3350, CKD_CYLS, 0, &c, &w) == DASD_OK);
	fill_volume(c);
	CHECK(ckd_close(c) == DASD_OK);
	memset(im, 0, sizeof *im);
	im->kind = "CKD 3350";
	im->data = read_all(p, &im->size);
	devhdr_fields(im);
	uint32_t ts = g3350->trksize;
	for (uint32_t t = 0; t < CKD_CYLS * 30; t++) {
		uint64_t off = 512 + (uint64_t)t * ts;
		track_fields(im, off, im->data + off, ts);
		/* The file's size decides: cylinder boundaries and a byte either side, and within the
		 * first cylinder every track's. */
		if (t % 30 == 0)
			add_cuts(im, off);
		else if (t < 30)
			add_cut(im, off);
	}
	add_cuts(im, im->size);
}

/* Fields of a CCKD file: both headers, L1 and L2 entries, track images, the free-space table. */
static void build_cckd(struct image *im, enum dasd_compress algo)
{
	const char *p = tmp(algo == DASD_COMPRESS_ZLIB ? "orig.zlib" : "orig.bzip2");
	struct ckd *c;
	struct dasd_where w;
	unlink(p);
	CHECK(ckd_create_compressed(p, g3350, CKD_CYLS, algo, &c, &w) == DASD_OK);
	fill_volume(c);
	/* Rewrite some tracks so that the file has free space and a FREE_BLK table. */
	uint8_t *trk = malloc(g3350->trksize);
	for (uint32_t t = 7; t < CKD_CYLS * 30; t += 10) {
		make_track(trk, g3350->trksize, (uint16_t)(t / 30), (uint16_t)(t % 30), 2, 300, t, true);
		CHECK(ckd_write_track(c, t / 30, t % 30, trk, g3350->trksize) == DASD_OK);
	}
	free(trk);
	CHECK(ckd_close(c) == DASD_OK);
	memset(im, 0, sizeof *im);
	im->kind = algo == DASD_COMPRESS_ZLIB ? "CCKD zlib" : "CCKD bzip2";
	im->data = read_all(p, &im->size);
	devhdr_fields(im);
	im->cls = 1;
	for (unsigned i = 0; i < 3; i++)
		add_field(im, 512 + i, 1, false, 0);
	for (unsigned off = 3; off < 44; off += 4)
		add_field(im, 512 + off, off == 3 ? 1 : 4, false, 0);
	add_field(im, 512 + 44, 1, false, 0);
	add_field(im, 512 + 45, 1, false, 0);
	add_field(im, 512 + 46, 2, false, 0);
	add_cuts(im, 1024);
	uint8_t *b = im->data;
	uint32_t nl1 = b[516] | b[517] << 8 | b[518] << 16 | (uint32_t)b[519] << 24;
	add_cuts(im, 1024 + 4ull * nl1);
	for (uint32_t i = 0; i < nl1; i++) {
		uint32_t l2 = get_num(b + 1024 + 4 * i, 4, false);
		im->cls = 2;
		add_field(im, 1024 + 4 * i, 4, false, 0);
		if (!l2 || l2 + 2048 > im->size)
			continue;
		add_cuts(im, l2);
		add_cuts(im, l2 + 2048);
		for (uint32_t j = 0; j < 256 && i * 256 + j < CKD_CYLS * 30; j++) {
			uint64_t e = l2 + 8ull * j;
			uint32_t off = get_num(b + e, 4, false);
			uint16_t len = (uint16_t)get_num(b + e + 4, 2, false);
			im->cls = 3;
			add_field(im, e, 4, false, 0);
			add_field(im, e + 4, 2, false, 0);
			add_field(im, e + 6, 2, false, 0);
			if (!off || off + (uint64_t)len > im->size)
				continue;
			add_cuts(im, off);
			add_cuts(im, off + len);
			im->cls = 4;
			add_field(im, off, 1, false, 0);     /* compression */
			add_field(im, off + 1, 2, true, 0);  /* CC */
			add_field(im, off + 3, 2, true, 0);  /* HH */
			im->cls = 5;
			add_field(im, off + 5, 0, false, 4); /* the compressed stream's own header */
			add_field(im, off + 5, 0, false, len > 5 ? len - 5u : 1);
		}
	}
	uint32_t free_off = get_num(b + 512 + 20, 4, false), free_num = get_num(b + 512 + 32, 4, false);
	if (free_off && free_off < im->size) {
		add_cuts(im, free_off);
		im->cls = 6;
		add_field(im, free_off, 0, false, 8);
		for (uint32_t f = 0; f < free_num; f++) {
			add_field(im, free_off + 8 + 8ull * f, 4, false, 0);
			add_field(im, free_off + 12 + 8ull * f, 4, false, 0);
		}
	}
	add_cuts(im, im->size);
}

/* ------------------------------------------------------------------------------------------------
 * DASD: exercising a mutated volume.
 */

/* What the library found, in the order `cambridge-dasd check` looks. */
struct verdict {
	bool bad;
	enum dasd_status status;
	struct dasd_where where;
};

static void note_bad(struct verdict *v, enum dasd_status s, const struct dasd_where *w)
{
	if (v->bad)
		return;
	v->bad = true;
	v->status = s;
	if (w)
		v->where = *w;
	else
		v->where.file[0] = 0;
}

static bool status_names_place(enum dasd_status s)
{
	return s == DASD_E_IO || s == DASD_E_SHORT_HEADER || s == DASD_E_BAD_ID || s == DASD_E_COMPRESSED ||
	       s == DASD_E_BAD_HEADER || s == DASD_E_TRUNCATED || s == DASD_E_BAD_TRACK ||
	       s == DASD_E_BAD_COMPRESSION;
}

/* The files of a split volume under test (NULL-terminated), else the one path. */
static const char *split_files[CKD_MAX_FILES + 1];

/* An error's where: this file (or one of the split volume's), an offset inside it. */
static void check_where(const struct mutant *mu, const char *path, enum dasd_status s, const struct dasd_where *w,
			const char *call)
{
	FAIL_IF(mu, s < DASD_OK || s > DASD_E_BAD_COMPRESSION, "%s: status %d", call, (int)s);
	if (!status_names_place(s))
		return;
	if (split_files[0]) {
		unsigned i = 0;
		while (split_files[i] && strcmp(w->file, split_files[i]))
			i++;
		FAIL_IF(mu, !split_files[i], "%s: %s names file \"%.200s\"", call, dasd_status_str(s), w->file);
		FAIL_IF(mu, w->offset > file_size(split_files[i]) && !(s == DASD_E_IO && w->offset == 0),
			"%s: %s at offset %llu of %s, past its end", call, dasd_status_str(s),
			(unsigned long long)w->offset, split_files[i]);
		return;
	}
	FAIL_IF(mu, strcmp(w->file, path) != 0, "%s: %s names file \"%.200s\"", call, dasd_status_str(s), w->file);
	FAIL_IF(mu, w->offset > mu->size, "%s: %s at offset %llu, past the end (%zu)", call, dasd_status_str(s),
		(unsigned long long)w->offset, mu->size);
}

/*
 * Open the volume and read every track, its label and its VTOC. orig: the original volume's tracks
 * (trksize each), compared with those the mutation left alone (untouched() says which).
 */
static void exercise_ckd(const struct mutant *mu, const char *path, const uint8_t *orig, bool compressed,
			 bool (*untouched)(const struct mutant *, uint32_t), struct verdict *v)
{
	struct ckd *c;
	struct dasd_where w;
	memset(&w, 0, sizeof w);
	memset(v, 0, sizeof *v);
	enum dasd_status s = ckd_open(path, true, &c, &w);
	check_where(mu, path, s, &w, "ckd_open");
	if (s != DASD_OK) {
		FAIL_IF(mu, c != NULL, "ckd_open failed but returned a volume");
		note_bad(v, s, &w);
		stats.errors++;
		return;
	}
	stats.opened++;
	uint32_t ts = ckd_trksize(c), cyls = ckd_cyls(c), heads = ckd_heads(c);
	bool same = ts == g3350->trksize && heads == 30 && ckd_compressed(c) == compressed;
	FAIL_IF(mu, !ckd_geom(c), "no geometry");
	uint8_t *trk = malloc(ts);
	for (uint32_t cc = 0; cc < cyls; cc++)
		for (uint32_t hh = 0; hh < heads; hh++) {
			stats.reads++;
			s = ckd_read_track(c, cc, hh, trk);
			uint32_t t = cc * heads + hh;
			if (s != DASD_OK) {
				stats.reads_failed++;
				check_where(mu, path, s, ckd_where(c), "ckd_read_track");
				note_bad(v, s, ckd_where(c));
				FAIL_IF(mu, same && cc < CKD_CYLS && untouched(mu, t),
					"track %u,%u untouched but reads %s at %llu", cc, hh, dasd_status_str(s),
					(unsigned long long)ckd_where(c)->offset);
				if (!compressed && s == DASD_E_BAD_TRACK)
					FAIL_IF(mu, ckd_where(c)->offset < 512 + (uint64_t)t * ts ||
							    ckd_where(c)->offset >= 512 + (uint64_t)(t + 1) * ts,
						"track %u,%u: bad track at %llu, outside its slot", cc, hh,
						(unsigned long long)ckd_where(c)->offset);
				continue;
			}
			size_t used, bad, pos = 0;
			struct ckd_record r;
			FAIL_IF(mu, ckd_track_check(trk, ts, (uint16_t)cc, (uint16_t)hh, &used, &bad) != DASD_OK,
				"track %u,%u read fine but does not check", cc, hh);
			while (ckd_track_next(trk, ts, &pos, &r) == DASD_OK)
				FAIL_IF(mu, r.offset + 8 + r.kl + r.dl > ts, "record past the track");
			if (same && cc < CKD_CYLS && untouched(mu, t))
				FAIL_IF(mu, memcmp(trk, orig + (size_t)t * ts, ts) != 0,
					"track %u,%u untouched but reads differently", cc, hh);
		}
	free(trk);
	/* Label and VTOC: statuses only (the tool's "list"). */
	struct dasd_label l;
	unsigned n;
	s = dasd_ckd_read_label(c, &l);
	FAIL_IF(mu, s < DASD_OK || s > DASD_E_BAD_COMPRESSION, "label status %d", (int)s);
	if (s == DASD_OK)
		FAIL_IF(mu, strlen(l.volser) > 6 || strlen(l.owner) > 10, "label fields too long");
	s = dasd_ckd_vtoc_walk(c, NULL, NULL, &n);
	FAIL_IF(mu, s < DASD_OK || s > DASD_E_BAD_COMPRESSION, "VTOC status %d", (int)s);
	const char *file;
	uint64_t off;
	FAIL_IF(mu, ckd_track_offset(c, cyls, 0, &file, &off) != DASD_E_RANGE, "track offset past the volume");
	CHECK(ckd_close(c) == DASD_OK);
}

/* The cambridge-dasd to run: $CAMBRIDGE_DASD, else the build directory's, else none. */
static const char *dasd_tool(void)
{
	const char *t = getenv("CAMBRIDGE_DASD");
	if (t && *t)
		return t;
	return access("./cambridge-dasd", X_OK) == 0 ? "./cambridge-dasd" : NULL;
}

/* Run `cambridge-dasd check` on path: it must fail exactly when the library found a problem, and
 * then name the file and the offset the library gave. */
static void check_tool(const struct mutant *mu, const char *path, const struct verdict *v)
{
	const char *tool = dasd_tool();
	char cmd[700], out[4096];
	if (!tool)
		return;
	stats.tool_runs++;
	snprintf(cmd, sizeof cmd, "'%s' check '%s' 2>&1", tool, path);
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = 0;
	int st = pclose(p);
	FAIL_IF(mu, !WIFEXITED(st), "cambridge-dasd check did not exit: %.200s", out);
	FAIL_IF(mu, WEXITSTATUS(st) != (v->bad ? 1 : 0), "cambridge-dasd check exit %d, library %s: %.200s",
		WEXITSTATUS(st), v->bad ? dasd_status_str(v->status) : "ok", out);
	if (v->bad && v->where.file[0]) {
		char want[600];
		snprintf(want, sizeof want, "%s: %s at byte offset %llu", v->where.file, dasd_status_str(v->status),
			 (unsigned long long)v->where.offset);
		FAIL_IF(mu, !strstr(out, want), "cambridge-dasd check said \"%.200s\", want \"%.200s\"", out, want);
	}
}

/* The verdict of `cambridge-dasd check` on a file that is not CCKD: CKD, or else plain FBA. */
static void plain_verdict(const struct mutant *mu, const char *path, struct verdict *v)
{
	if (v->bad && v->status == DASD_E_BAD_ID) {
		struct fba *f;
		struct dasd_where w;
		memset(&w, 0, sizeof w);
		memset(v, 0, sizeof *v);
		enum dasd_status s = fba_open(path, true, &f, &w);
		check_where(mu, path, s, &w, "fba_open");
		if (s != DASD_OK)
			note_bad(v, s, &w);
		fba_close(f);
	}
}

static bool never_untouched(const struct mutant *mu, uint32_t t)
{
	(void)mu;
	(void)t;
	return false;
}

/* What `cambridge-dasd check` should say of any file: the CCKD check for CKD_C370; else CKD, open
 * and every track; else, for an unknown identifier, FBA. */
static void tool_verdict(const struct mutant *mu, const char *path, struct verdict *v)
{
	if (mu->size >= 8 && !memcmp(mu->data, "CKD_C370", 8)) {
		struct cckd_report r;
		enum dasd_status s = ckd_check_compressed(path, false, &r);
		memset(v, 0, sizeof *v);
		if (r.problems || s != DASD_OK)
			note_bad(v, r.problems ? r.first : s, &r.where);
		return;
	}
	exercise_ckd(mu, path, NULL, false, never_untouched, v);
	plain_verdict(mu, path, v);
}

static const struct image *ckd_im;

static bool ckd_untouched(const struct mutant *mu, uint32_t t)
{
	return !touched_in(mu, 0, 512) && mu->size == ckd_im->size &&
	       !touched_in(mu, 512 + (uint64_t)t * g3350->trksize, g3350->trksize);
}

static void run_ckd_mutant(const struct image *im, struct mutant *mu, const uint8_t *orig_tracks, bool tool)
{
	const char *p = tmp("m.3350");
	struct verdict v;
	uint64_t t0 = now_ns();
	stage(p, im, mu, false);
	stats.images++;
	exercise_ckd(mu, p, orig_tracks, false, ckd_untouched, &v);
	plain_verdict(mu, p, &v);
	if (tool)
		check_tool(mu, p, &v);
	FAIL_IF(mu, now_ns() - t0 > STEP_NS_MAX, "took %llu ms", (unsigned long long)((now_ns() - t0) / 1000000));
	stage(p, im, mu, true);
}

/* The original volume's tracks, through the library. */
static uint8_t *original_tracks(const char *path)
{
	struct ckd *c;
	struct dasd_where w;
	CHECK(ckd_open(path, true, &c, &w) == DASD_OK);
	uint32_t ts = ckd_trksize(c);
	uint8_t *t = malloc((size_t)CKD_CYLS * 30 * ts);
	for (uint32_t i = 0; i < CKD_CYLS * 30; i++)
		CHECK(ckd_read_track(c, i / 30, i % 30, t + (size_t)i * ts) == DASD_OK);
	ckd_close(c);
	return t;
}

static uint64_t iters(uint64_t dflt)
{
	return env_or("CAMBRIDGE_IMAGEFUZZ_ITERS", dflt);
}

START_TEST(test_ckd_mutations_give_statuses_with_file_and_offset)
{
	struct image im;
	struct mutant mu;
	g3350 = dasd_geom_find("3350");
	build_ckd(&im);
	ckd_im = &im;
	kind_now = im.kind;
	uint8_t *orig = original_tracks(tmp("orig.3350"));
	write_all(tmp("m.3350"), im.data, im.size);
	for (size_t i = 0; i < im.ncut; i++) {
		mutate_cut(&im, &mu, im.cut[i]);
		run_ckd_mutant(&im, &mu, orig, i % 16 == 0);
		mutant_free(&mu);
	}
	for (uint64_t i = 0, n = iters(800); i < n; i++) {
		mutate(&im, &mu);
		run_ckd_mutant(&im, &mu, orig, i % 10 == 0);
		mutant_free(&mu);
	}
	free(orig);
	image_free(&im);
}
END_TEST

/*
 * A volume split Hercules' way into three files of one cylinder: the headers that tie them
 * together (heads, track size, type, sequence number, high cylinder), truncated and missing files.
 */
START_TEST(test_split_ckd_mutations_name_the_file_at_fault)
{
	char base[256], name[3][256], bak[300];
	struct ckd *c;
	struct dasd_where w;
	struct image im[3];
	struct mutant mu;

	g3350 = dasd_geom_find("3350");
	kind_now = "split CKD 3350";
	snprintf(base, sizeof base, "%s", tmp("split.3350"));
	CHECK(ckd_create(base, g3350, CKD_CYLS, 1, &c, &w) == DASD_OK);
	fill_volume(c);
	CHECK(ckd_close(c) == DASD_OK);
	for (int i = 0; i < 3; i++) {
		snprintf(name[i], sizeof name[i], "%s/split_%d.3350", dir, i + 1);
		split_files[i] = name[i];
		memset(&im[i], 0, sizeof im[i]);
		im[i].kind = kind_now;
		im[i].data = read_all(name[i], &im[i].size);
		devhdr_fields(&im[i]);
		add_cuts(&im[i], im[i].size);
		add_cut(&im[i], im[i].size / 2);
	}
	split_files[3] = NULL;
	snprintf(bak, sizeof bak, "%s.bak", name[2]);
	for (uint64_t k = 0, n = iters(300); k < n; k++) {
		int i = (int)below(3);
		bool gone = i > 0 && chance(5);
		struct verdict v;
		mutate(&im[i], &mu);
		if (gone) {
			CHECK(rename(name[i], bak) == 0);
			note(&mu, " file %d missing", i + 1);
		} else {
			stage(name[i], &im[i], &mu, false);
		}
		stats.images++;
		exercise_ckd(&mu, name[0], NULL, false, never_untouched, &v);
		if (i == 0)
			plain_verdict(&mu, name[0], &v);
		if (k % 10 == 0)
			check_tool(&mu, name[0], &v);
		if (gone)
			CHECK(rename(bak, name[i]) == 0);
		else
			stage(name[i], &im[i], &mu, true);
		mutant_free(&mu);
	}
	split_files[0] = NULL;
	for (int i = 0; i < 3; i++)
		image_free(&im[i]);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * CCKD: also the check, repair, and writes to a volume that checks clean.
 */

static bool cckd_untouched(const struct mutant *mu, uint32_t t)
{
	const uint8_t *b = ckd_im->data;
	if (touched_in(mu, 0, 1024))
		return false;
	uint64_t l1e = 1024 + 4ull * (t / 256);
	if (touched_in(mu, l1e, 4))
		return false;
	uint32_t l2 = get_num(b + l1e, 4, false);
	if (!l2)
		return true;
	uint64_t e = l2 + 8ull * (t % 256);
	if (touched_in(mu, e, 8))
		return false;
	uint32_t off = get_num(b + e, 4, false), size = get_num(b + e + 6, 2, false);
	return !off || !touched_in(mu, off, size);
}

static void cckd_rewrite(const struct mutant *mu, const char *path)
{
	/* A volume that checks clean takes new tracks and still checks clean. */
	struct ckd *c;
	struct dasd_where w;
	struct cckd_report r;
	CHECK(ckd_open(path, false, &c, &w) == DASD_OK);
	uint8_t *trk = malloc(ckd_trksize(c)), *back = malloc(ckd_trksize(c));
	uint32_t t[3];
	for (int k = 0; k < 3; k++) {
		t[k] = below(ckd_cyls(c) * 30);
		make_track(trk, ckd_trksize(c), (uint16_t)(t[k] / 30), (uint16_t)(t[k] % 30), 1 + below(5),
			   (uint16_t)(1 + below(3000)), t[k], chance(50));
		FAIL_IF(mu, ckd_write_track(c, t[k] / 30, t[k] % 30, trk, ckd_trksize(c)) != DASD_OK,
			"write track %u to a volume that checked clean", t[k]);
	}
	FAIL_IF(mu, ckd_read_track(c, t[2] / 30, t[2] % 30, back) != DASD_OK || memcmp(back, trk, ckd_trksize(c)),
		"track %u does not read back", t[2]);
	CHECK(ckd_close(c) == DASD_OK);
	enum dasd_status s = ckd_check_compressed(path, false, &r);
	FAIL_IF(mu, s != DASD_OK || r.problems, "after writing: check %s at %llu", dasd_status_str(s),
		(unsigned long long)r.where.offset);
	free(trk);
	free(back);
	stats.rewritten++;
}

static void run_cckd_mutant(const struct image *im, struct mutant *mu, const uint8_t *orig, bool extra)
{
	const char *p = tmp("m.cckd"), *q = tmp("r.cckd");
	struct verdict v;
	struct cckd_report r;
	uint64_t t0 = now_ns();
	stage(p, im, mu, false);
	stats.images++;
	exercise_ckd(mu, p, orig, true, cckd_untouched, &v);

	enum dasd_status s = ckd_check_compressed(p, false, &r);
	FAIL_IF(mu, s < DASD_OK || s > DASD_E_BAD_COMPRESSION, "check status %d", (int)s);
	FAIL_IF(mu, (s == DASD_OK) != (r.problems == 0), "check %s with %u problems", dasd_status_str(s), r.problems);
	bool is_cckd = mu->size >= 8 && !memcmp(mu->data, "CKD_C370", 8);
	if (r.problems) {
		FAIL_IF(mu, r.first == DASD_OK, "problems without a first status");
		check_where(mu, p, r.first, &r.where, "ckd_check_compressed");
	}
	if (is_cckd) {
		FAIL_IF(mu, v.bad && s == DASD_OK, "check says ok, but %s at %.200s %llu", dasd_status_str(v.status),
			v.where.file, (unsigned long long)v.where.offset);
		/* The tool's verdict is the check's. */
		if (r.problems || s != DASD_OK) {
			memset(&v, 0, sizeof v);
			note_bad(&v, r.problems ? r.first : s, &r.where);
		} else {
			memset(&v, 0, sizeof v);
		}
	} else {
		plain_verdict(mu, p, &v);
	}
	if (extra)
		check_tool(mu, p, &v);
	if (extra && is_cckd) {
		/* Repair a copy: then it checks clean and every track reads. */
		copy_file(p, q);
		s = ckd_check_compressed(q, true, &r);
		FAIL_IF(mu, s < DASD_OK || s > DASD_E_BAD_COMPRESSION, "repair status %d", (int)s);
		if (s == DASD_OK) {
			stats.repaired++;
			s = ckd_check_compressed(q, false, &r);
			FAIL_IF(mu, s != DASD_OK || r.problems, "after repair: check %s (%u problems) at %llu",
				dasd_status_str(s), r.problems, (unsigned long long)r.where.offset);
			struct mutant clean = *mu;
			struct verdict rv;
			clean.size = file_size(q); /* repair drops one of two overlapping extents, maybe the good one */
			exercise_ckd(&clean, q, orig, true, never_untouched, &rv);
			FAIL_IF(mu, rv.bad, "after repair: %s at %llu", dasd_status_str(rv.status),
				(unsigned long long)rv.where.offset);
			cckd_rewrite(mu, q);
		}
	}
	FAIL_IF(mu, now_ns() - t0 > STEP_NS_MAX, "took %llu ms", (unsigned long long)((now_ns() - t0) / 1000000));
	stage(p, im, mu, true);
}

static void cckd_mutations(enum dasd_compress algo, uint64_t n)
{
	struct image im;
	struct mutant mu;
	g3350 = dasd_geom_find("3350");
	build_cckd(&im, algo);
	ckd_im = &im;
	kind_now = im.kind;
	uint8_t *orig = original_tracks(tmp(algo == DASD_COMPRESS_ZLIB ? "orig.zlib" : "orig.bzip2"));
	write_all(tmp("m.cckd"), im.data, im.size);
	for (size_t i = 0; i < im.ncut; i++) {
		mutate_cut(&im, &mu, im.cut[i]);
		run_cckd_mutant(&im, &mu, orig, i % 8 == 0);
		mutant_free(&mu);
	}
	for (uint64_t i = 0; i < n; i++) {
		mutate(&im, &mu);
		run_cckd_mutant(&im, &mu, orig, i % 8 == 0);
		mutant_free(&mu);
	}
	free(orig);
	image_free(&im);
}

START_TEST(test_cckd_zlib_mutations_are_found_by_check_and_repaired)
{
	cckd_mutations(DASD_COMPRESS_ZLIB, iters(500));
}
END_TEST

START_TEST(test_cckd_bzip2_mutations_are_found_by_check_and_repaired)
{
	cckd_mutations(DASD_COMPRESS_BZIP2, iters(300));
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * FBA: no structure but the size and the identifiers it refuses.
 */

START_TEST(test_fba_mutations_read_or_fail_with_offset)
{
	const struct dasd_geom *g = dasd_geom_find("3310");
	char o[256], p[256];
	snprintf(o, sizeof o, "%s", tmp("orig.3310"));
	snprintf(p, sizeof p, "%s", tmp("m.3310"));
	struct fba *f;
	struct dasd_where w;
	struct image im;
	struct mutant mu;

	kind_now = "FBA 3310";
	CHECK(fba_create(o, g, 300, &f, &w) == DASD_OK);
	uint8_t blk[512];
	for (uint32_t b = 0; b < 300; b += 3) {
		memset(blk, (int)b, sizeof blk);
		CHECK(fba_write(f, b, 1, blk) == DASD_OK);
	}
	CHECK(fba_close(f) == DASD_OK);
	memset(&im, 0, sizeof im);
	im.kind = kind_now;
	im.data = read_all(o, &im.size);
	add_field(&im, 0, 0, false, 8);
	add_field(&im, 0, 4, false, 0);
	add_field(&im, 8, 0, false, 512);
	for (uint32_t b = 0; b <= 300; b++)
		add_cuts(&im, 512ull * b);
	uint8_t *buf = malloc(300 * 512);
	write_all(p, im.data, im.size);
	for (uint64_t i = 0, n = im.ncut + iters(200); i < n; i++) {
		if (i < im.ncut)
			mutate_cut(&im, &mu, im.cut[i]);
		else
			mutate(&im, &mu);
		if (i % 7 == 0 && mu.size >= 8) { /* the identifiers of images it does not take */
			memcpy(mu.data, (const char *[]){"FBA_C370", "CKD_C370", "FBA_C064", "CKD_P370"}[below(4)], 8);
			touch(&mu, 0, 8, im.size);
		}
		stage(p, &im, &mu, false);
		stats.images++;
		memset(&w, 0, sizeof w);
		enum dasd_status s = fba_open(p, true, &f, &w);
		check_where(&mu, p, s, &w, "fba_open");
		if (mu.size % 512 || mu.size == 0)
			FAIL_IF(&mu, s != DASD_E_TRUNCATED || w.offset != mu.size / 512 * 512,
				"size %zu: %s at %llu", mu.size, dasd_status_str(s), (unsigned long long)w.offset);
		if (s == DASD_OK) {
			stats.opened++;
			uint32_t nb = fba_blocks(f);
			FAIL_IF(&mu, nb != mu.size / 512, "%u blocks in %zu bytes", nb, mu.size);
			FAIL_IF(&mu, fba_read(f, nb, 1, buf) != DASD_E_RANGE || fba_read(f, 0, nb + 1, buf) != DASD_E_RANGE,
				"read past the end");
			for (uint32_t b = 0; b < nb; b += 64) {
				uint32_t k = nb - b < 64 ? nb - b : 64;
				stats.reads++;
				FAIL_IF(&mu, fba_read(f, b, k, buf) != DASD_OK, "read blocks %u+%u", b, k);
				FAIL_IF(&mu, memcmp(buf, mu.data + 512ull * b, 512ull * k), "blocks %u+%u read wrong", b, k);
			}
			FAIL_IF(&mu, fba_write(f, 0, 1, buf) != DASD_E_READONLY, "write to a read-only volume");
			fba_close(f);
		} else {
			stats.errors++;
		}
		if (i % 10 == 0) {
			struct verdict v;
			tool_verdict(&mu, p, &v);
			check_tool(&mu, p, &v);
		}
		stage(p, &im, &mu, true);
		mutant_free(&mu);
	}
	free(buf);
	image_free(&im);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Tapes.
 */

/* One item of a tape as the library read it from the original: a block or a tape mark. */
struct item {
	enum tape_status st;
	size_t len;
	uint8_t *data;
	uint64_t end;   /* position after it */
};

static size_t tape_items(const char *path, struct item **out)
{
	struct tape *t;
	struct item *it = NULL;
	size_t n = 0;
	uint8_t *buf = malloc(TAPE_MAX_BLOCK);
	CHECK(tape_open(path, TAPE_RDONLY, NULL, &t) == TAPE_OK);
	for (;;) {
		size_t len;
		enum tape_status st = tape_read_block(t, buf, TAPE_MAX_BLOCK, &len);
		if (st == TAPE_EOD)
			break;
		CHECK(st == TAPE_OK || st == TAPE_MARK);
		it = realloc(it, (n + 1) * sizeof *it);
		struct tape_position pos;
		tape_position(t, &pos);
		it[n] = (struct item){st, len, malloc(len + 1), pos.offset};
		memcpy(it[n].data, buf, len);
		n++;
	}
	tape_close(t);
	free(buf);
	*out = it;
	return n;
}

static void build_tape(struct image *im, const char *name, int format, enum tape_compress comp, unsigned chunk,
		       size_t largest)
{
	static const size_t sizes[] = {1, 80, 800, 4096, 4097, 32760, 65535, 65536, 100000};
	const char *p = tmp(name);
	struct tape_options o;
	struct tape *t;
	uint8_t *b = malloc(100000);
	tape_options_init(&o);
	o.format = format;
	o.compress = comp;
	o.chunk_size = chunk;
	CHECK(tape_open(p, TAPE_CREATE, &o, &t) == TAPE_OK);
	for (unsigned i = 0; i < 14; i++) {
		if (i == 4 || i == 9 || i == 10) {
			CHECK(tape_write_mark(t) == TAPE_OK);
			continue;
		}
		size_t n = sizes[i % (sizeof sizes / sizeof sizes[0])];
		if (n > largest)
			n = largest - i;
		unsigned seed = i;
		for (size_t k = 0; k < n; k++)
			b[k] = i % 3 == 0 ? (uint8_t)rand_r(&seed) : (uint8_t)(0x40 + (k + i) % 13);
		CHECK(tape_write_block(t, b, n) == TAPE_OK);
	}
	CHECK(tape_write_mark(t) == TAPE_OK);
	CHECK(tape_write_mark(t) == TAPE_OK);
	CHECK(tape_close(t) == TAPE_OK);
	free(b);
	memset(im, 0, sizeof *im);
	im->kind = name;
	im->data = read_all(p, &im->size);
	for (uint64_t off = 0; off + 6 <= im->size;) {
		uint16_t cur = (uint16_t)get_num(im->data + off, 2, false);
		im->cls = 0;
		add_field(im, off, 2, false, 0);
		im->cls = 1;
		add_field(im, off + 2, 2, false, 0);
		im->cls = 2;
		add_field(im, off + 4, 1, false, 0);
		add_field(im, off + 5, 1, false, 0);
		im->cls = 3;
		if (cur) {
			add_field(im, off + 6, 0, false, cur < 8 ? cur : 8); /* a compressed stream's header */
			add_field(im, off + 6, 0, false, cur);
		}
		add_cuts(im, off);
		add_cut(im, off + 3);
		add_cuts(im, off + 6);
		off += 6 + cur;
	}
	add_cuts(im, im->size);
}

static bool same_pos(const struct tape_position *a, const struct tape_position *b)
{
	return a->offset == b->offset && a->file == b->file && a->block == b->block;
}

/* A failing call: an error of a format kind says where, and the tape did not move. */
static void tape_failed(const struct mutant *mu, struct tape *t, enum tape_status st,
			const struct tape_position *before, const char *call)
{
	struct tape_position now;
	tape_position(t, &now);
	FAIL_IF(mu, st < TAPE_OK || st > TAPE_ERR_UNSUPPORTED, "%s: status %d", call, (int)st);
	FAIL_IF(mu, !same_pos(&now, before), "%s: %s moved the tape from %llu to %llu", call, tape_status_str(st),
		(unsigned long long)before->offset, (unsigned long long)now.offset);
	if (st >= TAPE_ERR_HEADER)
		FAIL_IF(mu, tape_error_offset(t) > mu->size, "%s: %s at %llu, past the end (%zu)", call,
			tape_status_str(st), (unsigned long long)tape_error_offset(t), mu->size);
}

static void exercise_tape(const struct mutant *mu, const char *path, const struct item *it, size_t nit,
			  uint8_t *buf)
{
	struct tape *t;
	enum tape_status st = tape_open(path, TAPE_RDONLY, NULL, &t);
	FAIL_IF(mu, st != TAPE_OK, "tape_open: %s", tape_status_str(st)); /* it opens any file */

	/* Read to the end: what lies before the first changed byte reads as before. */
	size_t i = 0;
	for (;; i++) {
		struct tape_position before, after;
		size_t len, size = chance(80) ? TAPE_MAX_BLOCK : below(200);
		tape_position(t, &before);
		st = tape_read_block(t, buf, size, &len);
		stats.reads++;
		if (st != TAPE_OK && st != TAPE_MARK) {
			if (st != TAPE_EOD)
				stats.reads_failed++;
			tape_failed(mu, t, st, &before, "tape_read_block");
			FAIL_IF(mu, i < nit && it[i].end <= mu->first, "item %zu untouched but reads %s", i,
				tape_status_str(st));
			if (st >= TAPE_ERR_HEADER)
				FAIL_IF(mu, tape_error_offset(t) < before.offset, "error at %llu, before the position %llu",
					(unsigned long long)tape_error_offset(t), (unsigned long long)before.offset);
			break;
		}
		tape_position(t, &after);
		FAIL_IF(mu, after.offset <= before.offset || after.offset > mu->size, "read moved %llu -> %llu",
			(unsigned long long)before.offset, (unsigned long long)after.offset);
		FAIL_IF(mu, len > TAPE_MAX_BLOCK || (st == TAPE_MARK && len), "length %zu", len);
		if (i < nit && it[i].end <= mu->first) {
			FAIL_IF(mu, st != it[i].st || len != it[i].len || after.offset != it[i].end,
				"item %zu untouched but reads %s of %zu bytes", i, tape_status_str(st), len);
			FAIL_IF(mu, memcmp(buf, it[i].data, len < size ? len : size), "item %zu reads wrong data", i);
		}
		FAIL_IF(mu, i > nit + 100, "more items than bytes");
	}

	/* Random spacing from the load point: errors do not move; a block passed forward goes back. */
	tape_rewind(t);
	for (int k = 0; k < 30; k++) {
		struct tape_position before, after, back;
		size_t len;
		tape_position(t, &before);
		unsigned op = below(6);
		switch (op) {
		case 0: st = tape_fsb(t); break;
		case 1: st = tape_read_block(t, buf, TAPE_MAX_BLOCK, &len); break;
		case 2: st = tape_bsb(t); break;
		case 3: st = tape_fsf(t); break;
		case 4: st = tape_bsf(t); break;
		default: st = tape_rewind(t); break;
		}
		tape_position(t, &after);
		FAIL_IF(mu, after.offset > mu->size, "op %u: position %llu past the end", op, (unsigned long long)after.offset);
		if (st >= TAPE_ERR_IO) {
			tape_failed(mu, t, st, &before, "spacing");
			continue;
		}
		if ((op == 0 || op == 1) && (st == TAPE_OK || st == TAPE_MARK)) {
			enum tape_status bs = tape_bsb(t);
			tape_position(t, &back);
			FAIL_IF(mu, bs != st || !same_pos(&back, &before),
				"op %u %s from %llu (file %u block %u), then bsb %s to %llu (file %u block %u)", op,
				tape_status_str(st), (unsigned long long)before.offset, before.file, before.block,
				tape_status_str(bs), (unsigned long long)back.offset, back.file, back.block);
			if (chance(50)) {
				enum tape_status fs = tape_fsb(t);
				tape_position(t, &back);
				FAIL_IF(mu, fs != st || !same_pos(&back, &after), "fsb again: %s", tape_status_str(fs));
			}
		}
	}
	CHECK(tape_close(t) == TAPE_OK);
}

/* On a copy: read k items, write a block (or a mark) there; the tape then reads the k items, the
 * new one, and ends. */
static void rewrite_tape(const struct mutant *mu, uint8_t *buf)
{
	const char *q = tmp("w.tape");
	struct tape *t;
	size_t len, k = 0;
	enum tape_status st, seen[8];
	size_t lens[8];
	write_all(q, mu->data, mu->size);
	CHECK(tape_open(q, TAPE_RDWR, NULL, &t) == TAPE_OK);
	size_t want = below(8);
	while (k < want && ((st = tape_read_block(t, buf, TAPE_MAX_BLOCK, &len)) == TAPE_OK || st == TAPE_MARK)) {
		seen[k] = st;
		lens[k++] = len;
	}
	uint8_t blk[3000];
	size_t n = 1 + below(sizeof blk);
	for (size_t i = 0; i < n; i++)
		blk[i] = (uint8_t)(i * 31 + k);
	bool mark = chance(20);
	st = mark ? tape_write_mark(t) : tape_write_block(t, blk, n);
	FAIL_IF(mu, st != TAPE_OK, "write after %zu items: %s", k, tape_status_str(st));
	CHECK(tape_close(t) == TAPE_OK);
	CHECK(tape_open(q, TAPE_RDONLY, NULL, &t) == TAPE_OK);
	for (size_t i = 0; i < k; i++) {
		st = tape_read_block(t, buf, TAPE_MAX_BLOCK, &len);
		FAIL_IF(mu, st != seen[i] || len != lens[i], "after the write, item %zu reads %s", i, tape_status_str(st));
	}
	st = tape_read_block(t, buf, TAPE_MAX_BLOCK, &len);
	FAIL_IF(mu, mark ? st != TAPE_MARK : st != TAPE_OK || len != n || memcmp(buf, blk, n),
		"the written %s reads %s", mark ? "mark" : "block", tape_status_str(st));
	FAIL_IF(mu, tape_read_block(t, buf, TAPE_MAX_BLOCK, &len) != TAPE_EOD, "no end after the write");
	CHECK(tape_close(t) == TAPE_OK);
	stats.rewritten++;
}

static void tape_mutations(const char *name, int format, enum tape_compress comp, unsigned chunk, size_t largest,
			   uint64_t n)
{
	struct image im;
	struct mutant mu;
	struct item *it;
	uint8_t *buf = malloc(TAPE_MAX_BLOCK);
	build_tape(&im, name, format, comp, chunk, largest);
	kind_now = im.kind;
	size_t nit = tape_items(tmp(name), &it);
	char p[256];
	snprintf(p, sizeof p, "%s", tmp(format == TAPE_FORMAT_HET ? "m.het" : "m.aws"));
	write_all(p, im.data, im.size);
	for (uint64_t i = 0; i < im.ncut + n; i++) {
		uint64_t t0 = now_ns();
		if (i < im.ncut)
			mutate_cut(&im, &mu, im.cut[i]);
		else
			mutate(&im, &mu);
		stage(p, &im, &mu, false);
		stats.images++;
		exercise_tape(&mu, p, it, nit, buf);
		if (i % 16 == 0)
			rewrite_tape(&mu, buf);
		FAIL_IF(&mu, now_ns() - t0 > STEP_NS_MAX, "took %llu ms", (unsigned long long)((now_ns() - t0) / 1000000));
		stage(p, &im, &mu, true);
		mutant_free(&mu);
	}
	for (size_t k = 0; k < nit; k++)
		free(it[k].data);
	free(it);
	free(buf);
	image_free(&im);
}

START_TEST(test_aws_mutations_give_statuses_and_keep_the_position)
{
	tape_mutations("orig.aws", TAPE_FORMAT_AWS, TAPE_COMPRESS_NONE, 0, TAPE_MAX_BLOCK, iters(600));
	tape_mutations("orig2.aws", TAPE_FORMAT_AWS, TAPE_COMPRESS_NONE, 1000, 5000, iters(300));
}
END_TEST

START_TEST(test_het_mutations_give_statuses_and_keep_the_position)
{
	tape_mutations("orig.het", TAPE_FORMAT_HET, TAPE_COMPRESS_ZLIB, 4096, TAPE_MAX_BLOCK, iters(500));
	tape_mutations("orig2.het", TAPE_FORMAT_HET, TAPE_COMPRESS_BZIP2, 4096, TAPE_MAX_BLOCK, iters(300));
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Regressions: image bugs this fuzz found, fixed in machine/dasd/cckd.c.
 */

static void patch(const char *path, uint64_t off, const void *b, size_t n)
{
	int fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, b, n, (off_t)off), (ssize_t)n);
	close(fd);
}

/* A small CCKD 3350 volume; returns the file offset of its first L2 table. */
static uint32_t small_cckd(const char *path)
{
	struct ckd *c;
	struct dasd_where w;
	uint8_t b[4];
	ck_assert_int_eq(ckd_create_compressed(path, dasd_geom_find("3350"), 2, DASD_COMPRESS_ZLIB, &c, &w), DASD_OK);
	ck_assert_int_eq(dasd_ckd_init_volume(c, "REG001"), DASD_OK);
	ck_assert_int_eq(ckd_close(c), DASD_OK);
	int fd = open(path, O_RDONLY);
	ck_assert_int_eq(pread(fd, b, 4, 1024), 4);
	close(fd);
	return get_num(b, 4, false);
}

/*
 * The check took the device header's heads and track size on trust: with a track size of 2G it
 * allocated two 2G buffers and cleared one for every stored track (seconds to minutes, gigabytes)
 * before the geometry check said "bad header". Now the geometry comes first.
 */
START_TEST(test_cckd_wild_track_size_or_heads_is_a_bad_header_at_once)
{
	static const struct {
		uint64_t off;
		uint32_t v;
		uint64_t want;
	} cases[] = {{12, 0x7FFFFFF0u, 12}, {12, 0xFFFFFFFFu, 12}, {8, 0x40000000u, 8}, {8, 0, 8}};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *p = tmp("wild.cckd");
		struct cckd_report r;
		struct ckd *c;
		struct dasd_where w;
		uint8_t b[4];
		unlink(p);
		small_cckd(p);
		put_num(b, 4, false, cases[i].v);
		patch(p, cases[i].off, b, 4);
		uint64_t t0 = now_ns();
		ck_assert_int_eq(ckd_check_compressed(p, false, &r), DASD_E_BAD_HEADER);
		ck_assert_uint_eq(r.where.offset, cases[i].want);
		ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_HEADER);
		ck_assert_uint_eq(w.offset, cases[i].want);
		ck_assert_msg(now_ns() - t0 < 1000000000ull, "case %u took %llu ms", i,
			      (unsigned long long)((now_ns() - t0) / 1000000));
	}
}
END_TEST

/*
 * Null format 2 (R1-R12 of 4096 bytes) does not fit a 3350 track, so a track with that null
 * format cannot be read; the check called such a volume ok. Now the null format is checked
 * against the track size: in the header and in every L2 entry.
 */
START_TEST(test_cckd_null_format_2_on_a_3350_is_a_problem_check_finds)
{
	const char *p = tmp("null2.cckd");
	struct cckd_report r;
	struct ckd *c;
	struct dasd_where w;
	uint8_t two[2] = {2, 0}, trk[19456];

	/* L2 entry of track 6 (a null track): length 2. */
	uint32_t l2 = small_cckd(p);
	patch(p, l2 + 8 * 6 + 4, two, 2);
	ck_assert_int_eq(ckd_check_compressed(p, false, &r), DASD_E_BAD_HEADER);
	ck_assert_uint_eq(r.where.offset, l2 + 8 * 6);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_HEADER);
	ck_assert_uint_eq(w.offset, l2 + 8 * 6);
	ck_assert_int_eq(ckd_check_compressed(p, true, &r), DASD_OK);
	ck_assert_int_eq(ckd_check_compressed(p, false, &r), DASD_OK);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_OK);
	ck_assert_int_eq(ckd_read_track(c, 0, 6, trk), DASD_OK);
	ckd_close(c);

	/* The header's null format: 2. */
	unlink(p);
	small_cckd(p);
	patch(p, 512 + 44, two, 1);
	ck_assert_int_eq(ckd_check_compressed(p, false, &r), DASD_E_BAD_HEADER);
	ck_assert_uint_eq(r.where.offset, 512 + 44);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_HEADER);
	ck_assert_uint_eq(w.offset, 512 + 44);
}
END_TEST

/*
 * A stored uncompressed track image whose L2 length is cut short: the track check fails in the
 * zeros after the image, and the check named that place in the track buffer as a file offset -
 * past the image, even past the end of the file. Now such a problem names the image's start.
 */
START_TEST(test_cckd_short_uncompressed_image_is_named_by_its_start)
{
	const char *p = tmp("short.cckd");
	struct cckd_report r;
	uint8_t e[8];
	uint32_t l2 = small_cckd(p); /* track 0 (IPL records and label) is small: stored plain */
	int fd = open(p, O_RDWR);
	ck_assert_int_eq(pread(fd, e, 8, l2), 8);
	uint32_t off = get_num(e, 4, false), len = get_num(e + 4, 2, false);
	uint8_t comp;
	ck_assert_int_eq(pread(fd, &comp, 1, off), 1);
	ck_assert_uint_eq(comp, DASD_COMPRESS_NONE);
	put_num(e + 4, 2, false, len - 8); /* without its end marker */
	ck_assert_int_eq(pwrite(fd, e, 8, l2), 8);
	close(fd);
	ck_assert_int_eq(ckd_check_compressed(p, false, &r), DASD_E_BAD_TRACK);
	ck_assert_uint_eq(r.where.offset, off);
	ck_assert_uint_le(r.where.offset, file_size(p));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("imagefuzz");
	TCase *tc = tcase_create("images");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_ckd_mutations_give_statuses_with_file_and_offset);
	tcase_add_test(tc, test_split_ckd_mutations_name_the_file_at_fault);
	tcase_add_test(tc, test_cckd_zlib_mutations_are_found_by_check_and_repaired);
	tcase_add_test(tc, test_cckd_bzip2_mutations_are_found_by_check_and_repaired);
	tcase_add_test(tc, test_fba_mutations_read_or_fail_with_offset);
	tcase_add_test(tc, test_aws_mutations_give_statuses_and_keep_the_position);
	tcase_add_test(tc, test_het_mutations_give_statuses_and_keep_the_position);
	tcase_add_test(tc, test_cckd_wild_track_size_or_heads_is_a_bad_header_at_once);
	tcase_add_test(tc, test_cckd_null_format_2_on_a_3350_is_a_problem_check_finds);
	tcase_add_test(tc, test_cckd_short_uncompressed_image_is_named_by_its_start);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	fprintf(stderr, "check_imagefuzz: seed %#llx (CAMBRIDGE_IMAGEFUZZ_SEED), %s mutations per image "
		"(CAMBRIDGE_IMAGEFUZZ_ITERS)\n", (unsigned long long)(env_or("CAMBRIDGE_IMAGEFUZZ_SEED", 0x1EA6EF22) | 1),
		getenv("CAMBRIDGE_IMAGEFUZZ_ITERS") ? getenv("CAMBRIDGE_IMAGEFUZZ_ITERS") : "default");
	return check_run(suite());
}
