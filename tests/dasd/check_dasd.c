/*
 * check_dasd.c - the CKD/FBA image library: geometry table, create/open round trips, track and
 * record helpers, split volumes, corrupt images and a fuzz loop over mutated track images.
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
	strcpy(dir, "/tmp/check_dasd.XXXXXX");
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

/* ---- geometry ---- */

START_TEST(test_geometry_table_matches_reference)
{
	static const struct {
		const char *name;
		uint32_t cyls, alt, heads, len, r1, trksize;
		uint8_t devtyp;
	} ref[] = {
		{"2311", 200, 3, 10, 3625, 3625, 4096, 0x11},
		{"2314", 200, 3, 20, 7294, 7294, 7680, 0x14},
		{"3330", 404, 7, 19, 13165, 13030, 13312, 0x30},
		{"3330-11", 808, 7, 19, 13165, 13030, 13312, 0x30},
		{"3340-35", 348, 1, 12, 8535, 8368, 8704, 0x40},
		{"3340-70", 696, 2, 12, 8535, 8368, 8704, 0x40},
		{"3350", 555, 5, 30, 19254, 19069, 19456, 0x50},
		{"3375", 959, 3, 12, 36000, 35616, 35840, 0x75},
		{"3380", 885, 1, 15, 47968, 47476, 47616, 0x80},
		{"3390-3", 3339, 1, 15, 58786, 56664, 56832, 0x90},
	};
	for (unsigned i = 0; i < sizeof ref / sizeof ref[0]; i++) {
		const struct dasd_geom *g = dasd_geom_find(ref[i].name);
		ck_assert_ptr_nonnull(g);
		ck_assert(!g->fba);
		ck_assert_uint_eq(g->cyls, ref[i].cyls);
		ck_assert_uint_eq(g->alt_cyls, ref[i].alt);
		ck_assert_uint_eq(g->heads, ref[i].heads);
		ck_assert_uint_eq(g->track_len, ref[i].len);
		ck_assert_uint_eq(g->r1_max, ref[i].r1);
		ck_assert_uint_eq(g->trksize, ref[i].trksize);
		ck_assert_uint_eq(g->devtyp, ref[i].devtyp);
	}
	const struct dasd_geom *f = dasd_geom_find("3310");
	ck_assert(f && f->fba && f->blocks == 125664 && f->blk_per_grp == 32 && f->blk_per_ap == 352);
	f = dasd_geom_find("3370");
	ck_assert(f && f->fba && f->blocks == 558000 && f->blk_per_grp == 62 && f->blk_per_ap == 744);
	ck_assert_ptr_null(dasd_geom_find("9999"));
	ck_assert_str_eq(dasd_geom_find("3340")->name, "3340-35");
}
END_TEST

START_TEST(test_geometry_track_slot_is_rounded_r1_track)
{
	for (size_t i = 0; i < dasd_geom_count(); i++) {
		const struct dasd_geom *g = dasd_geom_at(i);
		if (g->fba)
			continue;
		ck_assert_uint_eq(g->trksize, (5 + 8 + 8 + 8 + g->r1_max + 8 + 511) / 512 * 512);
	}
}
END_TEST

START_TEST(test_geometry_ckd_model_chosen_by_cylinders)
{
	ck_assert_str_eq(dasd_geom_ckd(0x30, 19, 411)->name, "3330");
	ck_assert_str_eq(dasd_geom_ckd(0x30, 19, 815)->name, "3330-11");
	ck_assert_ptr_null(dasd_geom_ckd(0x30, 20, 404));
}
END_TEST

/* ---- track images ---- */

START_TEST(test_track_format_append_find)
{
	uint8_t trk[4096], key[4] = {1, 2, 3, 4}, data[100];
	struct ckd_record r;
	size_t used;

	for (int i = 0; i < 100; i++)
		data[i] = i;
	ck_assert_int_eq(ckd_track_format(trk, sizeof trk, 7, 3), DASD_OK);
	ck_assert_int_eq(ckd_track_check(trk, sizeof trk, 7, 3, &used, NULL), DASD_OK);
	ck_assert_uint_eq(used, 5 + 16 + 8);
	ck_assert_int_eq(ckd_track_append(trk, sizeof trk, 1, key, 4, data, 100), DASD_OK);
	ck_assert_int_eq(ckd_track_append(trk, sizeof trk, 2, NULL, 0, NULL, 0), DASD_OK);
	ck_assert_int_eq(ckd_track_find(trk, sizeof trk, 7, 3, 1, &r), DASD_OK);
	ck_assert_uint_eq(r.kl, 4);
	ck_assert_uint_eq(r.dl, 100);
	ck_assert_mem_eq(r.key, key, 4);
	ck_assert_mem_eq(r.data, data, 100);
	ck_assert_uint_eq(r.offset, 21);
	ck_assert_int_eq(ckd_track_find(trk, sizeof trk, 7, 3, 2, &r), DASD_OK);
	ck_assert_uint_eq(r.dl, 0);
	ck_assert_int_eq(ckd_track_find(trk, sizeof trk, 7, 3, 3, &r), DASD_E_NOT_FOUND);
	ck_assert_int_eq(ckd_track_find(trk, sizeof trk, 7, 4, 1, &r), DASD_E_NOT_FOUND);
	ck_assert_int_eq(ckd_track_append(trk, sizeof trk, 3, NULL, 0, trk, 4000), DASD_E_NO_SPACE);
}
END_TEST

START_TEST(test_track_update_and_erase_after_record)
{
	uint8_t trk[1024], d1[10], d2[20];
	struct ckd_record r;

	memset(d1, 1, sizeof d1);
	memset(d2, 2, sizeof d2);
	ckd_track_format(trk, sizeof trk, 0, 5);
	ckd_track_append(trk, sizeof trk, 1, NULL, 0, d1, 10);
	ckd_track_append(trk, sizeof trk, 2, NULL, 0, d2, 20);
	ck_assert_int_eq(ckd_track_find(trk, sizeof trk, 0, 5, 1, &r), DASD_OK);
	ck_assert_int_eq(ckd_track_update(trk, sizeof trk, &r, NULL, 0, d2, 10), DASD_OK);
	ck_assert_int_eq(ckd_track_update(trk, sizeof trk, &r, NULL, 0, d2, 11), DASD_E_INVAL);
	ck_assert_int_eq(ckd_track_find(trk, sizeof trk, 0, 5, 1, &r), DASD_OK);
	ck_assert_uint_eq(r.data[0], 2);
	ck_assert_int_eq(ckd_track_erase_after(trk, sizeof trk, &r), DASD_OK);
	ck_assert_int_eq(ckd_track_find(trk, sizeof trk, 0, 5, 2, &r), DASD_E_NOT_FOUND);
	ck_assert_int_eq(ckd_track_check(trk, sizeof trk, 0, 5, NULL, NULL), DASD_OK);
	ck_assert_int_eq(ckd_track_append(trk, sizeof trk, 2, "K", 1, d1, 5), DASD_OK);
	ck_assert_int_eq(ckd_track_find(trk, sizeof trk, 0, 5, 2, &r), DASD_OK);
	ck_assert_uint_eq(r.kl, 1);
	ck_assert_int_eq(ckd_track_erase_after(trk, sizeof trk, NULL), DASD_OK);
	ck_assert_int_eq(ckd_track_find(trk, sizeof trk, 0, 5, 0, &r), DASD_E_NOT_FOUND);
}
END_TEST

START_TEST(test_track_bad_count_field_reported_with_offset)
{
	uint8_t trk[1024], data[50] = {0};
	size_t bad = 99;

	ckd_track_format(trk, sizeof trk, 0, 0);
	ckd_track_append(trk, sizeof trk, 1, NULL, 0, data, 50);
	put_be16(trk + 21 + 6, 2000);	/* R1 DL runs past the buffer */
	ck_assert_int_eq(ckd_track_check(trk, sizeof trk, 0, 0, NULL, &bad), DASD_E_BAD_TRACK);
	ck_assert_uint_eq(bad, 21);
	ckd_track_format(trk, sizeof trk, 0, 0);
	ck_assert_int_eq(ckd_track_check(trk, sizeof trk, 0, 1, NULL, &bad), DASD_E_BAD_TRACK);
	ck_assert_uint_eq(bad, 0);
	memset(trk + 21, 0, 8);	/* no end marker anywhere: zero count fields walk to the end */
	ck_assert_int_eq(ckd_track_check(trk, sizeof trk, 0, 0, NULL, &bad), DASD_E_BAD_TRACK);
}
END_TEST

START_TEST(test_track_fuzz_mutations_never_overrun)
{
	uint8_t base[2048], trk[2048], key[8] = {0}, data[300];
	struct ckd_record r;
	unsigned seed = 12345;

	memset(data, 0x5A, sizeof data);
	ckd_track_format(base, sizeof base, 1, 2);
	for (int i = 1; i <= 5; i++)
		ck_assert_int_eq(ckd_track_append(base, sizeof base, i, key, i, data, 60 * i), DASD_OK);
	for (int iter = 0; iter < 200000; iter++) {
		size_t len = 1 + rand_r(&seed) % sizeof trk;
		uint8_t *t = malloc(len);	/* exact size, so the sanitizer sees any overrun */
		memcpy(t, base, len);
		int n = 1 + rand_r(&seed) % 4;
		for (int k = 0; k < n; k++)
			t[rand_r(&seed) % len] = rand_r(&seed) % 3 == 0 ? 0xFF : (uint8_t)rand_r(&seed);
		size_t used, bad, pos = 0;
		enum dasd_status s = ckd_track_check(t, len, 1, 2, &used, &bad);
		if (s == DASD_OK)
			ck_assert_uint_le(used, len);
		else
			ck_assert_uint_lt(bad, len);
		(void)ckd_track_find(t, len, 1, 2, rand_r(&seed) % 7, &r);
		while (ckd_track_next(t, len, &pos, &r) == DASD_OK) {
			ck_assert_uint_le(r.offset + 8 + r.kl + r.dl, len);
			ck_assert_uint_le(pos, len);
		}
		free(t);
	}
}
END_TEST

/* ---- CKD volumes ---- */

START_TEST(test_ckd_create_open_every_type)
{
	for (size_t i = 0; i < dasd_geom_count(); i++) {
		const struct dasd_geom *g = dasd_geom_at(i);
		if (g->fba)
			continue;
		char name[64];
		snprintf(name, sizeof name, "v%zu.%s", i, g->name);
		struct ckd *c;
		struct dasd_where w;
		ck_assert_int_eq(ckd_create(tmp(name), g, 3, 0, &c, &w), DASD_OK);
		ck_assert_int_eq(dasd_ckd_init_volume(c, "VOL001"), DASD_OK);
		ck_assert_int_eq(ckd_close(c), DASD_OK);
		ck_assert_int_eq(file_size(tmp(name)), 512 + 3 * g->heads * g->trksize);
		ck_assert_int_eq(ckd_open(tmp(name), true, &c, &w), DASD_OK);
		ck_assert_uint_eq(ckd_cyls(c), 3);
		ck_assert_uint_eq(ckd_heads(c), g->heads);
		ck_assert_uint_eq(ckd_trksize(c), g->trksize);
		ck_assert_uint_eq(ckd_geom(c)->type, g->type);
		struct dasd_label l;
		ck_assert_int_eq(dasd_ckd_read_label(c, &l), DASD_OK);
		ck_assert_str_eq(l.volser, "VOL001");
		ck_assert_uint_eq(l.vtoc_hh, 1);
		unsigned n;
		ck_assert_int_eq(dasd_ckd_vtoc_walk(c, NULL, NULL, &n), DASD_OK);
		ck_assert_uint_eq(n, 2);
		ck_assert_int_eq(ckd_close(c), DASD_OK);
	}
}
END_TEST

START_TEST(test_ckd_header_fields_little_endian)
{
	struct ckd *c;
	uint8_t h[512];
	ck_assert_int_eq(ckd_create(tmp("h.3350"), dasd_geom_find("3350"), 2, 0, &c, NULL), DASD_OK);
	ckd_close(c);
	int fd = open(tmp("h.3350"), O_RDONLY);
	ck_assert_int_eq(pread(fd, h, 512, 0), 512);
	close(fd);
	ck_assert_mem_eq(h, "CKD_P370", 8);
	ck_assert(h[8] == 30 && h[9] == 0 && h[12] == 0x00 && h[13] == 0x4C && h[16] == 0x50);
	ck_assert(h[17] == 0 && h[18] == 0 && h[19] == 0);
}
END_TEST

START_TEST(test_ckd_write_read_track_and_record)
{
	const struct dasd_geom *g = dasd_geom_find("3330");
	uint8_t *trk = malloc(g->trksize), *back = malloc(g->trksize), data[800];
	struct ckd *c;
	struct ckd_record r;

	ck_assert_int_eq(ckd_create(tmp("t.3330"), g, 4, 0, &c, NULL), DASD_OK);
	ckd_track_format(trk, g->trksize, 3, 18);
	for (int i = 1; i <= 14; i++) {
		memset(data, i, sizeof data);
		ck_assert_int_eq(ckd_track_append(trk, g->trksize, i, NULL, 0, data, 800), DASD_OK);
	}
	ck_assert_int_eq(ckd_write_track(c, 3, 18, trk, g->trksize), DASD_OK);
	ck_assert_int_eq(ckd_write_track(c, 3, 17, trk, g->trksize), DASD_E_BAD_TRACK);
	ck_assert_int_eq(ckd_write_track(c, 4, 0, trk, g->trksize), DASD_E_RANGE);
	ck_assert_int_eq(ckd_close(c), DASD_OK);
	ck_assert_int_eq(ckd_open(tmp("t.3330"), false, &c, NULL), DASD_OK);
	ck_assert_int_eq(ckd_read_track(c, 3, 18, back), DASD_OK);
	ck_assert_mem_eq(back, trk, g->trksize);
	ck_assert_int_eq(ckd_track_find(back, g->trksize, 3, 18, 9, &r), DASD_OK);
	ck_assert_uint_eq(r.dl, 800);
	ck_assert_uint_eq(r.data[0], 9);
	ck_assert_int_eq(ckd_read_track(c, 0, 19, back), DASD_E_RANGE);
	ckd_close(c);
	free(trk);
	free(back);
}
END_TEST

START_TEST(test_ckd_split_volume_found_by_first_name)
{
	const struct dasd_geom *g = dasd_geom_find("3350");
	uint8_t *trk = malloc(g->trksize), *back = malloc(g->trksize);
	struct ckd *c;
	const char *file;
	uint64_t off;

	ck_assert_int_eq(ckd_create(tmp("big.3350"), g, 5, 2, &c, NULL), DASD_OK);
	ck_assert_uint_eq(ckd_files(c), 3);
	ckd_track_format(trk, g->trksize, 4, 29);
	ckd_track_append(trk, g->trksize, 1, "K", 1, "DATA", 4);
	ck_assert_int_eq(ckd_write_track(c, 4, 29, trk, g->trksize), DASD_OK);
	ckd_close(c);
	ck_assert_int_eq(access(tmp("big_1.3350"), F_OK), 0);
	ck_assert_int_eq(access(tmp("big_3.3350"), F_OK), 0);
	ck_assert_int_eq(access(tmp("big_4.3350"), F_OK), -1);
	ck_assert_int_eq(file_size(tmp("big_1.3350")), 512 + 2 * 30 * 19456);
	ck_assert_int_eq(file_size(tmp("big_3.3350")), 512 + 1 * 30 * 19456);

	ck_assert_int_eq(ckd_open(tmp("big_1.3350"), true, &c, NULL), DASD_OK);
	ck_assert_uint_eq(ckd_cyls(c), 5);
	ck_assert_uint_eq(ckd_files(c), 3);
	ck_assert_int_eq(ckd_track_offset(c, 4, 29, &file, &off), DASD_OK);
	ck_assert_str_eq(file, tmp("big_3.3350"));
	ck_assert_uint_eq(off, 512 + 29 * 19456);
	ck_assert_int_eq(ckd_read_track(c, 4, 29, back), DASD_OK);
	ck_assert_mem_eq(back, trk, g->trksize);
	ck_assert_int_eq(ckd_read_track(c, 2, 0, back), DASD_OK);
	ckd_close(c);

	/* header: sequence numbers and high cylinders, little-endian */
	uint8_t h[20];
	int fd = open(tmp("big_2.3350"), O_RDONLY);
	ck_assert_int_eq(pread(fd, h, 20, 0), 20);
	close(fd);
	ck_assert(h[17] == 2 && h[18] == 3 && h[19] == 0);

	/* a truncated middle file is reported with its name and size */
	struct dasd_where w;
	ck_assert_int_eq(truncate(tmp("big_2.3350"), 512 + 30 * 19456), 0);
	ck_assert_int_eq(ckd_open(tmp("big_1.3350"), true, &c, &w), DASD_E_TRUNCATED);
	ck_assert_str_eq(w.file, tmp("big_2.3350"));
	ck_assert_uint_eq(w.offset, 512 + 30 * 19456);

	/* a missing middle file is an error naming the file */
	unlink(tmp("big_2.3350"));
	ck_assert_int_eq(ckd_open(tmp("big_1.3350"), true, &c, &w), DASD_E_IO);
	ck_assert_str_eq(w.file, tmp("big_2.3350"));
	free(trk);
	free(back);
}
END_TEST

/* Make a 2-cylinder 2311 image and patch it; returns its path. */
static const char *patched(const char *name, long off, const void *bytes, size_t n, off_t truncate_to)
{
	struct ckd *c;
	const char *p = tmp(name);
	ck_assert_int_eq(ckd_create(p, dasd_geom_find("2311"), 2, 0, &c, NULL), DASD_OK);
	ckd_close(c);
	int fd = open(p, O_RDWR);
	if (n)
		ck_assert_int_eq(pwrite(fd, bytes, n, off), (ssize_t)n);
	if (truncate_to >= 0)
		ck_assert_int_eq(ftruncate(fd, truncate_to), 0);
	close(fd);
	return p;
}

START_TEST(test_ckd_corrupt_images_named_with_offset)
{
	struct ckd *c;
	struct dasd_where w;
	const char *p;

	p = patched("short", 0, NULL, 0, 100);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_SHORT_HEADER);
	ck_assert_str_eq(w.file, p);
	ck_assert_uint_eq(w.offset, 100);

	p = patched("id", 0, "XYZ_P370", 8, -1);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_ID);

	/* A plain image relabelled CKD_C370 has no compressed-device header (vrm 0,3 at 512). */
	p = patched("cckd", 0, "CKD_C370", 8, -1);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_HEADER);
	ck_assert_uint_eq(w.offset, 512);
	p = patched("cckd64", 0, "CKD_C064", 8, -1);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_COMPRESSED);

	p = patched("trksize", 12, "\x00\x20\x00\x00", 4, -1);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_HEADER);
	ck_assert_uint_eq(w.offset, 12);

	p = patched("heads", 8, "\x0b\x00\x00\x00", 4, -1);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_HEADER);
	ck_assert_uint_eq(w.offset, 8);

	p = patched("devtyp", 16, "\x99", 1, -1);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_BAD_HEADER);
	ck_assert_uint_eq(w.offset, 16);

	p = patched("trunc", 0, NULL, 0, 512 + 10 * 4096 + 4096 * 3);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_TRUNCATED);
	ck_assert_uint_eq(w.offset, 512 + 10 * 4096);

	p = patched("empty", 0, NULL, 0, 512);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_E_TRUNCATED);

	/* bad count field in cylinder 1 head 2: R0 DL = 0xFFFF */
	long off = 512 + 12 * 4096;
	p = patched("count", off + 5 + 6, "\xff\xff", 2, -1);
	ck_assert_int_eq(ckd_open(p, false, &c, &w), DASD_OK);
	uint8_t *trk = malloc(4096);
	ck_assert_int_eq(ckd_read_track(c, 1, 1, trk), DASD_OK);
	ck_assert_int_eq(ckd_read_track(c, 1, 2, trk), DASD_E_BAD_TRACK);
	ck_assert_str_eq(ckd_where(c)->file, p);
	ck_assert_uint_eq(ckd_where(c)->offset, off + 5);
	ckd_close(c);

	/* wrong home address */
	p = patched("ha", 512 + 3 * 4096 + 4, "\x09", 1, -1);
	ck_assert_int_eq(ckd_open(p, true, &c, &w), DASD_OK);
	ck_assert_int_eq(ckd_read_track(c, 0, 3, trk), DASD_E_BAD_TRACK);
	ck_assert_uint_eq(ckd_where(c)->offset, 512 + 3 * 4096);
	ckd_close(c);
	free(trk);
}
END_TEST

static void count_names(void *arg, const char *dsn)
{
	ck_assert_str_eq(dsn, "SYS1.TEST");
	(*(int *)arg)++;
}

START_TEST(test_vtoc_walk_lists_format1_dscbs)
{
	const struct dasd_geom *g = dasd_geom_find("3380");
	uint8_t *trk = malloc(g->trksize), dscb[140];
	struct ckd *c;
	unsigned n;
	int names = 0;

	ck_assert_int_eq(ckd_create(tmp("d.3380"), g, 2, 0, &c, NULL), DASD_OK);
	ck_assert_int_eq(dasd_ckd_init_volume(c, "DS0001"), DASD_OK);
	ck_assert_int_eq(ckd_read_track(c, 0, 1, trk), DASD_OK);
	memset(dscb, 0, sizeof dscb);
	memset(dscb, 0x40, 44);
	memcpy(dscb, "\xE2\xE8\xE2\xF1\x4B\xE3\xC5\xE2\xE3", 9);	/* SYS1.TEST */
	dscb[44] = 0xF1;
	ck_assert_int_eq(ckd_track_append(trk, g->trksize, 3, dscb, 44, dscb + 44, 96), DASD_OK);
	ck_assert_int_eq(ckd_write_track(c, 0, 1, trk, g->trksize), DASD_OK);
	ck_assert_int_eq(dasd_ckd_vtoc_walk(c, count_names, &names, &n), DASD_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(names, 1);
	ckd_close(c);
	free(trk);
}
END_TEST

START_TEST(test_ckd_open_fuzzed_headers_never_crash)
{
	unsigned seed = 777;
	uint8_t h[512];
	const char *p = patched("fuzz", 0, NULL, 0, -1);
	int fd = open(p, O_RDWR);

	ck_assert_int_eq(pread(fd, h, 512, 0), 512);
	for (int iter = 0; iter < 2000; iter++) {
		uint8_t m[32];
		memcpy(m, h, 32);
		for (int k = 0; k < 1 + iter % 3; k++)
			m[8 + rand_r(&seed) % 24] = (uint8_t)rand_r(&seed);
		ck_assert_int_eq(pwrite(fd, m, 32, 0), 32);
		struct ckd *c;
		struct dasd_where w;
		if (ckd_open(p, true, &c, &w) == DASD_OK) {
			uint8_t *trk = malloc(ckd_trksize(c));
			(void)ckd_read_track(c, ckd_cyls(c) - 1, ckd_heads(c) - 1, trk);
			free(trk);
			ckd_close(c);
		}
	}
	close(fd);
}
END_TEST

START_TEST(test_ckd_create_refuses_existing_file)
{
	struct ckd *c;
	struct dasd_where w;
	ck_assert_int_eq(ckd_create(tmp("x"), dasd_geom_find("2314"), 1, 0, &c, NULL), DASD_OK);
	ckd_close(c);
	ck_assert_int_eq(ckd_create(tmp("x"), dasd_geom_find("2314"), 1, 0, &c, &w), DASD_E_IO);
	ck_assert_int_eq(ckd_create(tmp("y"), dasd_geom_find("3310"), 1, 0, &c, &w), DASD_E_UNKNOWN_TYPE);
}
END_TEST

START_TEST(test_init_volume_rejects_bad_volser)
{
	struct ckd *c;
	ck_assert_int_eq(ckd_create(tmp("v"), dasd_geom_find("2314"), 1, 0, &c, NULL), DASD_OK);
	ck_assert_int_eq(dasd_ckd_init_volume(c, "TOOLONG"), DASD_E_INVAL);
	ck_assert_int_eq(dasd_ckd_init_volume(c, "vol1"), DASD_E_INVAL);
	ck_assert_int_eq(dasd_ckd_init_volume(c, ""), DASD_E_INVAL);
	struct dasd_label l;
	ck_assert_int_eq(dasd_ckd_read_label(c, &l), DASD_E_NO_LABEL);
	ckd_close(c);
}
END_TEST

/* ---- FBA ---- */

START_TEST(test_fba_block_round_trip)
{
	struct fba *f;
	uint8_t b[3 * 512], back[3 * 512];

	ck_assert_int_eq(fba_create(tmp("f.3310"), dasd_geom_find("3310"), 0, &f, NULL), DASD_OK);
	ck_assert_uint_eq(fba_blocks(f), 125664);
	fba_close(f);
	ck_assert_int_eq(file_size(tmp("f.3310")), 125664LL * 512);
	ck_assert_int_eq(fba_create(tmp("f.3370"), dasd_geom_find("3370"), 1000, &f, NULL), DASD_OK);
	for (size_t i = 0; i < sizeof b; i++)
		b[i] = i * 7;
	ck_assert_int_eq(fba_write(f, 997, 3, b), DASD_OK);
	ck_assert_int_eq(fba_write(f, 998, 3, b), DASD_E_RANGE);
	ck_assert_int_eq(fba_read(f, 1000, 1, back), DASD_E_RANGE);
	fba_close(f);
	ck_assert_int_eq(fba_open(tmp("f.3370"), true, &f, NULL), DASD_OK);
	ck_assert_uint_eq(fba_blocks(f), 1000);
	ck_assert_int_eq(fba_read(f, 997, 3, back), DASD_OK);
	ck_assert_mem_eq(back, b, sizeof b);
	ck_assert_int_eq(fba_write(f, 0, 1, b), DASD_E_READONLY);
	fba_close(f);
	int fd = open(tmp("f.3370"), O_RDWR);
	ck_assert_int_eq(ftruncate(fd, 1000 * 512 - 100), 0);
	close(fd);
	struct dasd_where w;
	ck_assert_int_eq(fba_open(tmp("f.3370"), true, &f, &w), DASD_E_TRUNCATED);
	ck_assert_uint_eq(w.offset, 999 * 512);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dasd");
	TCase *t = tcase_create("pure");
	tcase_add_test(t, test_geometry_table_matches_reference);
	tcase_add_test(t, test_geometry_track_slot_is_rounded_r1_track);
	tcase_add_test(t, test_geometry_ckd_model_chosen_by_cylinders);
	tcase_add_test(t, test_track_format_append_find);
	tcase_add_test(t, test_track_update_and_erase_after_record);
	tcase_add_test(t, test_track_bad_count_field_reported_with_offset);
	tcase_add_test(t, test_track_fuzz_mutations_never_overrun);
	tcase_set_timeout(t, 120);
	suite_add_tcase(s, t);
	TCase *f = tcase_create("files");
	tcase_add_checked_fixture(f, setup, teardown);
	tcase_add_test(f, test_ckd_create_open_every_type);
	tcase_add_test(f, test_ckd_header_fields_little_endian);
	tcase_add_test(f, test_ckd_write_read_track_and_record);
	tcase_add_test(f, test_ckd_split_volume_found_by_first_name);
	tcase_add_test(f, test_ckd_corrupt_images_named_with_offset);
	tcase_add_test(f, test_vtoc_walk_lists_format1_dscbs);
	tcase_add_test(f, test_ckd_open_fuzzed_headers_never_crash);
	tcase_add_test(f, test_ckd_create_refuses_existing_file);
	tcase_add_test(f, test_init_volume_rejects_bad_volser);
	tcase_add_test(f, test_fba_block_round_trip);
	tcase_set_timeout(f, 120);
	suite_add_tcase(s, f);
	return s;
}

int main(void)
{
	return check_run(suite());
}
