/*
 * check_cckd.c - compressed CKD (CKD_C370) volumes: round trips with zlib, bzip2 and no compression,
 * null tracks, free-space reuse, crash (unclosed) volumes, corrupt images reported with file and
 * offset, check and repair, and a fuzz loop over mutated images.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/be.h"
#include "machine/dasd/dasd.h"
#include "tests/check_run.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/check_cckd.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
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

static off_t file_size(const char *p)
{
	struct stat st;
	ck_assert_int_eq(stat(p, &st), 0);
	return st.st_size;
}

static uint32_t le32_at(const char *p, off_t off)
{
	uint8_t b[4];
	int fd = open(p, O_RDONLY);
	ck_assert_int_eq(pread(fd, b, 4, off), 4);
	close(fd);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static void patch(const char *p, off_t off, const void *b, size_t n)
{
	int fd = open(p, O_RDWR);
	ck_assert_int_eq(pwrite(fd, b, n, off), (ssize_t)n);
	close(fd);
}

/* A track of cylinder cc head hh with n records of size bytes, filled from seed (compressible or not). */
static size_t make_track(uint8_t *trk, size_t ts, uint16_t cc, uint16_t hh, int n, uint16_t size, unsigned seed,
			 bool random)
{
	uint8_t *d = malloc(size);
	size_t used;
	ckd_track_format(trk, ts, cc, hh);
	for (int r = 1; r <= n; r++) {
		for (unsigned i = 0; i < size; i++)
			d[i] = random ? (uint8_t)rand_r(&seed) : (uint8_t)(r + i / 64);
		ck_assert_int_eq(ckd_track_append(trk, ts, r, NULL, 0, d, size), DASD_OK);
	}
	free(d);
	ck_assert_int_eq(ckd_track_check(trk, ts, cc, hh, &used, NULL), DASD_OK);
	return used;
}

static void round_trip(enum dasd_compress algo)
{
	const struct dasd_geom *g = dasd_geom_find("3350");
	uint8_t *trk = malloc(g->trksize), *back = malloc(g->trksize), *empty = malloc(g->trksize);
	struct ckd *c;
	struct dasd_where w;

	ck_assert_int_eq(ckd_create_compressed(tmp("rt"), g, 20, algo, &c, &w), DASD_OK);
	ck_assert(ckd_compressed(c));
	ck_assert_int_eq(dasd_ckd_init_volume(c, "RT0001"), DASD_OK);
	for (uint32_t t = 0; t < 300; t += 7) {
		make_track(trk, g->trksize, t / 30 + 1, t % 30, 1 + t % 19, 800, t, t % 2);
		ck_assert_int_eq(ckd_write_track(c, t / 30 + 1, t % 30, trk, g->trksize), DASD_OK);
	}
	ck_assert_int_eq(ckd_close(c), DASD_OK);

	enum dasd_status os = ckd_open(tmp("rt"), true, &c, &w);
	ck_assert_msg(os == DASD_OK, "open: %s at %s %llu", dasd_status_str(os), w.file, (unsigned long long)w.offset);
	ck_assert(ckd_compressed(c));
	ck_assert_uint_eq(ckd_cyls(c), 20);
	ck_assert_str_eq(ckd_geom(c)->name, "3350");
	for (uint32_t t = 0; t < 300; t++) {
		ck_assert_int_eq(ckd_read_track(c, t / 30 + 1, t % 30, back), DASD_OK);
		if (t % 7 == 0)
			make_track(trk, g->trksize, t / 30 + 1, t % 30, 1 + t % 19, 800, t, t % 2);
		else
			ckd_track_format(trk, g->trksize, t / 30 + 1, t % 30);
		ck_assert_mem_eq(back, trk, g->trksize);
	}
	/* unwritten tracks read as HA + R0 + end marker, like a plain volume's */
	ckd_track_format(empty, g->trksize, 19, 29);
	ck_assert_int_eq(ckd_read_track(c, 19, 29, back), DASD_OK);
	ck_assert_mem_eq(back, empty, g->trksize);
	struct dasd_label l;
	ck_assert_int_eq(dasd_ckd_read_label(c, &l), DASD_OK);
	ck_assert_str_eq(l.volser, "RT0001");
	ck_assert_int_eq(ckd_write_track(c, 1, 0, trk, g->trksize), DASD_E_READONLY);
	ckd_close(c);

	struct cckd_report r;
	ck_assert_int_eq(ckd_check_compressed(tmp("rt"), false, &r), DASD_OK);
	ck_assert_uint_eq(r.problems, 0);
	ck_assert_uint_eq(r.algo, algo);
	ck_assert_uint_eq(r.tracks, 600);
	ck_assert_uint_ge(r.stored, 2 + 43 - 1);
	free(trk);
	free(back);
	free(empty);
}

START_TEST(test_cckd_round_trip_zlib)
{
	round_trip(DASD_COMPRESS_ZLIB);
	/* compressible data is stored smaller than the plain image */
	ck_assert_int_lt(file_size(tmp("rt")), 512 + 20 * 30 * 19456 / 8);
}
END_TEST

START_TEST(test_cckd_round_trip_bzip2)
{
	round_trip(DASD_COMPRESS_BZIP2);
}
END_TEST

START_TEST(test_cckd_round_trip_uncompressed_images)
{
	round_trip(DASD_COMPRESS_NONE);
}
END_TEST

START_TEST(test_cckd_header_layout_as_hercules)
{
	struct ckd *c;
	const char *p = tmp("h");
	ck_assert_int_eq(ckd_create_compressed(p, dasd_geom_find("3380"), 600, DASD_COMPRESS_BZIP2, &c, NULL),
			 DASD_OK);
	ck_assert_int_eq(ckd_close(c), DASD_OK);
	uint8_t h[1024];
	int fd = open(p, O_RDONLY);
	ck_assert_int_eq(pread(fd, h, sizeof h, 0), (ssize_t)sizeof h);
	close(fd);
	ck_assert_mem_eq(h, "CKD_C370", 8);
	ck_assert_uint_eq(h[16], 0x80);
	ck_assert(h[512] == 0 && h[513] == 3 && h[514] == 1);
	ck_assert_uint_eq(h[515] & 0x80, 0);			/* closed */
	ck_assert_uint_eq(le32_at(p, 516), (600 * 15 + 255) / 256);	/* num_L1tab */
	ck_assert_uint_eq(le32_at(p, 520), 256);
	ck_assert_uint_eq(le32_at(p, 524), file_size(p));
	ck_assert_uint_eq(le32_at(p, 552), 600);			/* cylinders */
	ck_assert_uint_eq(h[556], 1);				/* null format */
	ck_assert_uint_eq(h[557], 2);				/* bzip2 */
}
END_TEST

START_TEST(test_cckd_opened_bit_while_open_read_write)
{
	struct ckd *c;
	const char *p = tmp("o");
	ck_assert_int_eq(ckd_create_compressed(p, dasd_geom_find("2314"), 3, DASD_COMPRESS_ZLIB, &c, NULL),
			 DASD_OK);
	uint8_t opts;
	int fd = open(p, O_RDONLY);
	ck_assert_int_eq(pread(fd, &opts, 1, 515), 1);
	ck_assert_uint_eq(opts & 0x80, 0x80);
	ckd_close(c);
	ck_assert_int_eq(pread(fd, &opts, 1, 515), 1);
	ck_assert_uint_eq(opts & 0x80, 0);
	ck_assert_int_eq(ckd_open(p, true, &c, NULL), DASD_OK);
	ck_assert_int_eq(pread(fd, &opts, 1, 515), 1);
	ck_assert_uint_eq(opts & 0x80, 0);	/* read-only opens leave the file alone */
	ckd_close(c);
	close(fd);
}
END_TEST

START_TEST(test_cckd_rewrites_reuse_free_space)
{
	const struct dasd_geom *g = dasd_geom_find("3350");
	uint8_t *trk = malloc(g->trksize), *back = malloc(g->trksize);
	struct ckd *c;
	const char *p = tmp("fs");

	ck_assert_int_eq(ckd_create_compressed(p, g, 5, DASD_COMPRESS_ZLIB, &c, NULL), DASD_OK);
	for (int h = 0; h < 10; h++) {
		make_track(trk, g->trksize, 1, h, 4, 2000, h, true);
		ck_assert_int_eq(ckd_write_track(c, 1, h, trk, g->trksize), DASD_OK);
	}
	ckd_close(c);
	off_t base = file_size(p);
	/* Rewrite with smaller and larger images, many times: the file stays bounded. */
	for (int round = 0; round < 30; round++) {
		ck_assert_int_eq(ckd_open(p, false, &c, NULL), DASD_OK);
		for (int h = 0; h < 10; h++) {
			int n = 1 + (round * 7 + h * 3) % 8;
			make_track(trk, g->trksize, 1, h, n, 2000, round * 100 + h, true);
			ck_assert_int_eq(ckd_write_track(c, 1, h, trk, g->trksize), DASD_OK);
		}
		ck_assert_int_eq(ckd_close(c), DASD_OK);
		ck_assert_int_le(file_size(p), base * 2 + 4096);
		struct cckd_report r;
		ck_assert_int_eq(ckd_check_compressed(p, false, &r), DASD_OK);
	}
	ck_assert_int_eq(ckd_open(p, true, &c, NULL), DASD_OK);
	for (int h = 0; h < 10; h++) {
		int n = 1 + (29 * 7 + h * 3) % 8;
		make_track(trk, g->trksize, 1, h, n, 2000, 2900 + h, true);
		ck_assert_int_eq(ckd_read_track(c, 1, h, back), DASD_OK);
		ck_assert_mem_eq(back, trk, g->trksize);
	}
	ckd_close(c);
	/* Writing empty tracks back frees the images: the file shrinks to tables only. */
	ck_assert_int_eq(ckd_open(p, false, &c, NULL), DASD_OK);
	for (int h = 0; h < 10; h++) {
		ckd_track_format(trk, g->trksize, 1, h);
		ck_assert_int_eq(ckd_write_track(c, 1, h, trk, g->trksize), DASD_OK);
	}
	ckd_close(c);
	ck_assert_int_le(file_size(p), 1024 + 4 + 19456 + 2048 + 8 + 8);
	struct cckd_report r;
	ck_assert_int_eq(ckd_check_compressed(p, false, &r), DASD_OK);
	ck_assert_uint_le(r.free_blocks, 1);
	ck_assert_uint_eq(r.stored, 0);
	/* Hercules' own checker accepts what we wrote, when it is installed. */
	if (system("command -v cckdcdsk >/dev/null 2>&1") == 0) {
		char cmd[512];
		/* cckdcdsk exits 0 either way; a warning or error message (HHCCUnnnW/E) is a complaint. */
		snprintf(cmd, sizeof cmd, "cckdcdsk -ro -3 '%s' 2>&1 | grep 'HHCCU[0-9]*[WE]'", p);
		ck_assert_int_ne(system(cmd), 0);
	}
	free(trk);
	free(back);
}
END_TEST

START_TEST(test_cckd_free_space_table_accepted_by_hercules)
{
	const struct dasd_geom *g = dasd_geom_find("3330");
	uint8_t *trk = malloc(g->trksize);
	struct ckd *c;
	const char *p = tmp("hfs");

	ck_assert_int_eq(ckd_create_compressed(p, g, 3, DASD_COMPRESS_ZLIB, &c, NULL), DASD_OK);
	for (int h = 0; h < 6; h++) {
		make_track(trk, g->trksize, 0, h, 3, 3000, h, true);
		ck_assert_int_eq(ckd_write_track(c, 0, h, trk, g->trksize), DASD_OK);
	}
	make_track(trk, g->trksize, 0, 2, 1, 100, 9, false);	/* leaves a hole */
	ck_assert_int_eq(ckd_write_track(c, 0, 2, trk, g->trksize), DASD_OK);
	ckd_close(c);
	struct cckd_report r;
	ck_assert_int_eq(ckd_check_compressed(p, false, &r), DASD_OK);
	ck_assert_uint_ge(r.free_blocks, 1);
	if (system("command -v cckdcdsk >/dev/null 2>&1") == 0) {
		char cmd[512];
		/* cckdcdsk exits 0 either way; a warning or error message (HHCCUnnnW/E) is a complaint. */
		snprintf(cmd, sizeof cmd, "cckdcdsk -ro -3 '%s' 2>&1 | grep 'HHCCU[0-9]*[WE]'", p);
		ck_assert_int_ne(system(cmd), 0);
	}
	free(trk);
}
END_TEST

START_TEST(test_cckd_unclosed_volume_reopens_and_check_reports_it)
{
	const struct dasd_geom *g = dasd_geom_find("3350");
	uint8_t *trk = malloc(g->trksize), *back = malloc(g->trksize);
	struct ckd *c;
	const char *p = tmp("crash");

	ck_assert_int_eq(ckd_create_compressed(p, g, 2, DASD_COMPRESS_ZLIB, &c, NULL), DASD_OK);
	make_track(trk, g->trksize, 0, 5, 3, 1000, 1, true);
	ck_assert_int_eq(ckd_write_track(c, 0, 5, trk, g->trksize), DASD_OK);
	/* Simulate a kill: copy the file as it is while still open. */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s.k'", p, p);
	ck_assert_int_eq(system(cmd), 0);
	ckd_close(c);
	snprintf(cmd, sizeof cmd, "%s.k", p);
	struct cckd_report r;
	ck_assert_int_eq(ckd_check_compressed(cmd, false, &r), DASD_E_BAD_HEADER);
	ck_assert(r.not_closed);
	ck_assert_uint_eq(r.where.offset, 512 + 3);
	ck_assert_int_eq(ckd_open(cmd, true, &c, NULL), DASD_OK);
	ck_assert_int_eq(ckd_read_track(c, 0, 5, back), DASD_OK);
	ck_assert_mem_eq(back, trk, g->trksize);
	ckd_close(c);
	ck_assert_int_eq(ckd_check_compressed(cmd, true, &r), DASD_OK);
	ck_assert_int_eq(ckd_check_compressed(cmd, false, &r), DASD_OK);
	free(trk);
	free(back);
}
END_TEST

/* A 2311 CCKD volume with tracks 0-3 written; returns its path and the L2 table offset. */
static const char *small(const char *name, uint32_t *l2)
{
	const struct dasd_geom *g = dasd_geom_find("2311");
	uint8_t trk[4096];
	struct ckd *c;
	const char *p = tmp(name);
	ck_assert_int_eq(ckd_create_compressed(p, g, 2, DASD_COMPRESS_ZLIB, &c, NULL), DASD_OK);
	for (int h = 0; h < 4; h++) {
		make_track(trk, sizeof trk, 0, h, 3, 900, h, false);
		ck_assert_int_eq(ckd_write_track(c, 0, h, trk, sizeof trk), DASD_OK);
	}
	ckd_close(c);
	*l2 = le32_at(p, 1024);
	return p;
}

START_TEST(test_cckd_corrupt_images_named_with_offset)
{
	struct ckd *c;
	struct dasd_where w;
	struct cckd_report r;
	uint32_t l2;
	uint8_t trk[4096];
	const char *p;

	/* L1 entry pointing into the headers */
	p = small("l1", &l2);
	patch(p, 1024, "\x10\x00\x00\x00", 4);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_HEADER);
	ck_assert_str_eq(w.file, p);
	ck_assert_uint_eq(w.offset, 1024);

	/* L1 entry past the end of the file */
	p = small("l1b", &l2);
	patch(p, 1024, "\x00\x00\x00\x10", 4);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_TRUNCATED);
	ck_assert_uint_eq(w.offset, 1024);

	/* L2 entry pointing past EOF */
	p = small("l2", &l2);
	patch(p, l2 + 8 * 2, "\x00\x00\x00\x7f", 4);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_TRUNCATED);
	ck_assert_uint_eq(w.offset, l2 + 16);

	/* two L2 entries sharing an image */
	p = small("ovl", &l2);
	uint8_t e[8];
	int fd = open(p, O_RDWR);
	ck_assert_int_eq(pread(fd, e, 8, l2), 8);
	ck_assert_int_eq(pwrite(fd, e, 8, l2 + 8), 8);
	close(fd);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_HEADER);
	ck_assert(w.offset == l2 || w.offset == l2 + 8);

	/* bad compression byte */
	p = small("comp", &l2);
	uint32_t img = le32_at(p, l2 + 8);
	patch(p, img, "\x07", 1);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_OK);
	ck_assert_int_eq(ckd_read_track(c, 0, 0, trk), DASD_OK);
	ck_assert_int_eq(ckd_read_track(c, 0, 1, trk), DASD_E_BAD_COMPRESSION);
	ck_assert_str_eq(ckd_where(c)->file, p);
	ck_assert_uint_eq(ckd_where(c)->offset, img);
	ckd_close(c);

	/* truncated compressed data: the L2 length cut short */
	p = small("trunc", &l2);
	img = le32_at(p, l2 + 24);
	patch(p, l2 + 24 + 4, "\x10\x00", 2);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_OK);
	ck_assert_int_eq(ckd_read_track(c, 0, 3, trk), DASD_E_BAD_COMPRESSION);
	ck_assert_uint_eq(ckd_where(c)->offset, img);
	ckd_close(c);
	/* check finds it, repair drops it, the track then reads as empty */
	ck_assert_int_eq(ckd_check_compressed(p, false, &r), DASD_E_BAD_COMPRESSION);
	ck_assert_uint_eq(r.where.offset, img);
	ck_assert_uint_eq(r.dropped, 1);
	ck_assert_int_eq(ckd_check_compressed(p, true, &r), DASD_OK);
	ck_assert_int_eq(ckd_check_compressed(p, false, &r), DASD_OK);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_OK);
	ck_assert_int_eq(ckd_read_track(c, 0, 3, trk), DASD_OK);
	struct ckd_record rec;
	ck_assert_int_eq(ckd_track_find(trk, sizeof trk, 0, 3, 1, &rec), DASD_E_NOT_FOUND);
	ck_assert_int_eq(ckd_read_track(c, 0, 2, trk), DASD_OK);
	ckd_close(c);

	/* image of the wrong track (home address) */
	p = small("ha", &l2);
	img = le32_at(p, l2 + 8);
	patch(p, img + 4, "\x09", 1);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_OK);
	ck_assert_int_eq(ckd_read_track(c, 0, 1, trk), DASD_E_BAD_TRACK);
	ck_assert_uint_eq(ckd_where(c)->offset, img);
	ckd_close(c);

	/* bad header fields */
	p = small("hdr", &l2);
	patch(p, 512 + 8, "\x00\x02\x00\x00", 4);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_HEADER);
	ck_assert_uint_eq(w.offset, 512 + 8);
	p = small("cyl", &l2);
	patch(p, 512 + 40, "\x00\x00\x00\x00", 4);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_HEADER);
	ck_assert_uint_eq(w.offset, 512 + 40);
	p = small("short", &l2);
	ck_assert_int_eq(truncate(p, 800), 0);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_SHORT_HEADER);
}
END_TEST

START_TEST(test_cckd_big_endian_file_is_read)
{
	uint32_t l2;
	const char *p = small("be", &l2);
	uint8_t trk[4096], want[4096];
	struct ckd *c;

	/* Swap every table field by hand and set BIGEND. */
	int fd = open(p, O_RDWR);
	uint8_t h[512], b[2048];
	ck_assert_int_eq(pread(fd, h, 512, 512), 512);
	h[3] |= 0x02;
	for (int off = 4; off < 40; off += 4) {
		uint32_t v = h[off] | h[off + 1] << 8 | h[off + 2] << 16 | (uint32_t)h[off + 3] << 24;
		put_be32(h + off, v);
	}
	ck_assert_int_eq(pwrite(fd, h, 512, 512), 512);
	put_be32(b, l2);
	ck_assert_int_eq(pwrite(fd, b, 4, 1024), 4);
	ck_assert_int_eq(pread(fd, b, 2048, l2), 2048);
	for (int j = 0; j < 256; j++) {
		uint8_t *e = b + 8 * j;
		uint32_t o = e[0] | e[1] << 8 | e[2] << 16 | (uint32_t)e[3] << 24;
		uint16_t l = e[4] | e[5] << 8, s = e[6] | e[7] << 8;
		put_be32(e, o);
		put_be16(e + 4, l);
		put_be16(e + 6, s);
	}
	ck_assert_int_eq(pwrite(fd, b, 2048, l2), 2048);
	close(fd);
	ck_assert_int_eq(ckd_open(p, true, &c, NULL), DASD_OK);
	for (int hh = 0; hh < 4; hh++) {
		make_track(want, sizeof want, 0, hh, 3, 900, hh, false);
		ck_assert_int_eq(ckd_read_track(c, 0, hh, trk), DASD_OK);
		ck_assert_mem_eq(trk, want, sizeof want);
	}
	ckd_close(c);
	struct cckd_report r;
	ck_assert_int_eq(ckd_check_compressed(p, false, &r), DASD_OK);
}
END_TEST

START_TEST(test_cckd_fuzzed_images_never_crash)
{
	uint32_t l2;
	const char *p = small("fz", &l2);
	off_t n = file_size(p);
	uint8_t *orig = malloc(n), trk[4096];
	unsigned seed = 4242;
	int fd = open(p, O_RDWR);
	char q[300];

	ck_assert_int_eq(pread(fd, orig, n, 0), n);
	snprintf(q, sizeof q, "%s.q", p);
	for (int iter = 0; iter < 1500; iter++) {
		ck_assert_int_eq(pwrite(fd, orig, n, 0), n);
		ck_assert_int_eq(ftruncate(fd, n), 0);
		int k = 1 + rand_r(&seed) % 4;
		for (int i = 0; i < k; i++) {
			off_t at;
			switch (rand_r(&seed) % 3) {
			case 0: at = 512 + rand_r(&seed) % 64; break;	/* header */
			case 1: at = l2 + rand_r(&seed) % 64; break;	/* L2 */
			default: at = 1024 + rand_r(&seed) % (n - 1024); break;
			}
			uint8_t v = rand_r(&seed) % 4 == 0 ? 0xFF : (uint8_t)rand_r(&seed);
			ck_assert_int_eq(pwrite(fd, &v, 1, at), 1);
		}
		if (rand_r(&seed) % 8 == 0)
			ck_assert_int_eq(ftruncate(fd, 1024 + rand_r(&seed) % (n - 1024)), 0);
		struct ckd *c;
		struct dasd_where w;
		if (ckd_open(p, true, &c, &w) == DASD_OK) {
			for (uint32_t t = 0; t < ckd_cyls(c) * ckd_heads(c); t++)
				(void)ckd_read_track(c, t / ckd_heads(c), t % ckd_heads(c), trk);
			ckd_close(c);
		}
		struct cckd_report r;
		(void)ckd_check_compressed(p, false, &r);
		if (iter % 10 == 0) {
			/* repair on a copy, then the copy must check clean and open */
			char cmd[700];
			snprintf(cmd, sizeof cmd, "cp '%s' '%s'", p, q);
			ck_assert_int_eq(system(cmd), 0);
			if (ckd_check_compressed(q, true, &r) == DASD_OK) {
				enum dasd_status cs = ckd_check_compressed(q, false, &r);
				ck_assert_msg(cs == DASD_OK, "iter %d: %s at %llu", iter, dasd_status_str(cs),
					      (unsigned long long)r.where.offset);
				ck_assert_int_eq(ckd_open(q, false, &c, &w), DASD_OK);
				for (uint32_t t = 0; t < ckd_cyls(c) * ckd_heads(c); t++)
					ck_assert_int_eq(ckd_read_track(c, t / ckd_heads(c), t % ckd_heads(c), trk),
							 DASD_OK);
				ckd_close(c);
			}
		}
	}
	close(fd);
	free(orig);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cckd");
	TCase *f = tcase_create("files");
	tcase_add_checked_fixture(f, setup, teardown);
	tcase_add_test(f, test_cckd_round_trip_zlib);
	tcase_add_test(f, test_cckd_round_trip_bzip2);
	tcase_add_test(f, test_cckd_round_trip_uncompressed_images);
	tcase_add_test(f, test_cckd_header_layout_as_hercules);
	tcase_add_test(f, test_cckd_opened_bit_while_open_read_write);
	tcase_add_test(f, test_cckd_rewrites_reuse_free_space);
	tcase_add_test(f, test_cckd_free_space_table_accepted_by_hercules);
	tcase_add_test(f, test_cckd_unclosed_volume_reopens_and_check_reports_it);
	tcase_add_test(f, test_cckd_corrupt_images_named_with_offset);
	tcase_add_test(f, test_cckd_big_endian_file_is_read);
	tcase_add_test(f, test_cckd_fuzzed_images_never_crash);
	tcase_set_timeout(f, 300);
	suite_add_tcase(s, f);
	return s;
}

int main(void)
{
	return check_run(suite());
}
