/*
 * check_shadow.c - shadow files (CKD_S370) over plain and compressed CKD bases: writes land in the
 * newest shadow and the base file stays byte for byte the same, reads fall through to the files
 * below, two levels, add / merge / remove, Hercules' naming and byte layout, a kill in the middle of
 * a write, and corrupt or foreign shadow files reported with file and offset.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/dasd/dasd.h"
#include "tests/check_run.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/check_shadow.XXXXXX");
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
	static char buf[8][256];
	static int n;
	char *p = buf[n++ % 8];
	snprintf(p, 256, "%s/%s", dir, name);
	return p;
}

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* The whole file, malloc'd; its length in *n. */
static uint8_t *slurp(const char *p, size_t *n)
{
	struct stat st;
	ck_assert_int_eq(stat(p, &st), 0);
	uint8_t *b = malloc(st.st_size + 1);
	int fd = open(p, O_RDONLY);
	ck_assert_int_eq(pread(fd, b, st.st_size, 0), st.st_size);
	close(fd);
	*n = st.st_size;
	return b;
}

static void spill(const char *p, const uint8_t *b, size_t n)
{
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, b, n, 0), (ssize_t)n);
	close(fd);
}

static void patch(const char *p, off_t off, const void *b, size_t n)
{
	int fd = open(p, O_RDWR);
	ck_assert_int_eq(pwrite(fd, b, n, off), (ssize_t)n);
	close(fd);
}

static uint32_t le32_at(const char *p, off_t off)
{
	uint8_t b[4];
	int fd = open(p, O_RDONLY);
	ck_assert_int_eq(pread(fd, b, 4, off), 4);
	close(fd);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Track (cc, hh) with n records of 900 bytes derived from seed; its used length. */
static size_t make_track(uint8_t *trk, size_t ts, uint16_t cc, uint16_t hh, int n, unsigned seed)
{
	uint8_t d[900];
	size_t used;
	ckd_track_format(trk, ts, cc, hh);
	for (int r = 1; r <= n; r++) {
		for (unsigned i = 0; i < sizeof d; i++)
			d[i] = (uint8_t)(seed * 7 + r + i / 32);
		ck_assert_int_eq(ckd_track_append(trk, ts, r, NULL, 0, d, sizeof d), DASD_OK);
	}
	ck_assert_int_eq(ckd_track_check(trk, ts, cc, hh, &used, NULL), DASD_OK);
	return used;
}

/* A 3350 base of 5 cylinders, labelled, with cylinder 2 heads 0-9 holding 3 records each. */
static const char *make_base(const char *name, bool compressed)
{
	const struct dasd_geom *g = dasd_geom_find("3350");
	uint8_t *trk = malloc(g->trksize);
	const char *p = tmp(name);
	struct ckd *c;

	if (compressed)
		ck_assert_int_eq(ckd_create_compressed(p, g, 5, DASD_COMPRESS_ZLIB, &c, NULL), DASD_OK);
	else
		ck_assert_int_eq(ckd_create(p, g, 5, 0, &c, NULL), DASD_OK);
	ck_assert_int_eq(dasd_ckd_init_volume(c, "BASE01"), DASD_OK);
	for (uint16_t hh = 0; hh < 10; hh++) {
		make_track(trk, g->trksize, 2, hh, 3, 100 + hh);
		ck_assert_int_eq(ckd_write_track(c, 2, hh, trk, g->trksize), DASD_OK);
	}
	ck_assert_int_eq(ckd_close(c), DASD_OK);
	free(trk);
	return p;
}

static struct ckd *open_stack(const char *base, const char *sf, bool readonly)
{
	struct dasd_where w;
	struct ckd *c;
	enum dasd_status s = ckd_open_shadow(base, sf, readonly, &c, &w);
	ck_assert_msg(s == DASD_OK, "open %s %s: %s at %s %llu", base, sf, dasd_status_str(s), w.file,
		      (unsigned long long)w.offset);
	return c;
}

static void write_track(struct ckd *c, uint16_t cc, uint16_t hh, int n, unsigned seed)
{
	uint8_t *trk = malloc(ckd_trksize(c));
	make_track(trk, ckd_trksize(c), cc, hh, n, seed);
	enum dasd_status s = ckd_write_track(c, cc, hh, trk, ckd_trksize(c));
	ck_assert_msg(s == DASD_OK, "write %u/%u: %s", cc, hh, dasd_status_str(s));
	free(trk);
}

/* Track (cc, hh) reads as make_track(n, seed); n 0: as an empty (HA + R0) track. */
static void expect_track(struct ckd *c, uint16_t cc, uint16_t hh, int n, unsigned seed)
{
	uint8_t *want = malloc(ckd_trksize(c)), *got = malloc(ckd_trksize(c));
	if (n)
		make_track(want, ckd_trksize(c), cc, hh, n, seed);
	else
		ckd_track_format(want, ckd_trksize(c), cc, hh);
	enum dasd_status s = ckd_read_track(c, cc, hh, got);
	ck_assert_msg(s == DASD_OK, "read %u/%u: %s", cc, hh, dasd_status_str(s));
	ck_assert_msg(!memcmp(want, got, ckd_trksize(c)), "track %u/%u differs", cc, hh);
	free(want);
	free(got);
}

static uint32_t info_tracks(struct ckd *c, unsigned i)
{
	struct ckd_shadow_info in;
	ck_assert_int_eq(ckd_shadow_info(c, i, &in), DASD_OK);
	return in.tracks;
}

static void write_read_base_unchanged(bool compressed)
{
	const char *base = make_base("b", compressed), *sf = tmp("sh_*.cckd");
	size_t n0, n1;
	uint8_t *before = slurp(base, &n0);

	struct ckd *c = open_stack(base, sf, false);
	ck_assert_uint_eq(ckd_shadow_count(c), 1);	/* made at open */
	ck_assert(exists(tmp("sh_1.cckd")));
	ck_assert_uint_eq(info_tracks(c, 1), 0);
	write_track(c, 2, 3, 5, 1);			/* over a base track with data */
	write_track(c, 4, 29, 2, 2);			/* over an empty one */
	ck_assert_int_eq(dasd_ckd_init_volume(c, "NEW001"), DASD_OK);
	expect_track(c, 2, 3, 5, 1);
	expect_track(c, 4, 29, 2, 2);
	expect_track(c, 2, 4, 3, 104);			/* from the base */
	expect_track(c, 3, 0, 0, 0);
	ck_assert_uint_eq(info_tracks(c, 1), 4);
	struct dasd_label l;
	ck_assert_int_eq(dasd_ckd_read_label(c, &l), DASD_OK);
	ck_assert_str_eq(l.volser, "NEW001");
	/* where a track lives: the shadow's name for one it holds, the base's for the others */
	const char *file;
	uint64_t off;
	ck_assert_int_eq(ckd_track_offset(c, 2, 3, &file, &off), DASD_OK);
	ck_assert_str_eq(file, tmp("sh_1.cckd"));
	ck_assert_uint_gt(off, 1024);
	ck_assert_int_eq(ckd_track_offset(c, 2, 4, &file, &off), DASD_OK);
	ck_assert_str_eq(file, base);
	ck_assert_int_eq(ckd_close(c), DASD_OK);

	uint8_t *after = slurp(base, &n1);
	ck_assert_uint_eq(n0, n1);
	ck_assert_msg(!memcmp(before, after, n0), "the base file changed");
	free(after);

	/* Read-only reopen: the same contents; the base alone still has the old label. */
	c = open_stack(base, sf, true);
	ck_assert_uint_eq(ckd_shadow_count(c), 1);
	expect_track(c, 2, 3, 5, 1);
	expect_track(c, 2, 4, 3, 104);
	ck_assert_int_eq(ckd_write_track(c, 0, 0, before, 100), DASD_E_READONLY);
	ckd_close(c);
	ck_assert_int_eq(ckd_open(base, true, &c, NULL), DASD_OK);
	ck_assert_int_eq(dasd_ckd_read_label(c, &l), DASD_OK);
	ck_assert_str_eq(l.volser, "BASE01");
	expect_track(c, 2, 3, 3, 103);
	ckd_close(c);
	after = slurp(base, &n1);
	ck_assert_msg(n0 == n1 && !memcmp(before, after, n0), "the base file changed");
	free(before);
	free(after);
}

START_TEST(test_shadow_over_plain_base_takes_writes_and_base_is_unchanged)
{
	write_read_base_unchanged(false);
}
END_TEST

START_TEST(test_shadow_over_cckd_base_takes_writes_and_base_is_unchanged)
{
	write_read_base_unchanged(true);
}
END_TEST

START_TEST(test_shadow_layout_as_hercules_makes_it)
{
	const char *base = make_base("b.cckd", true), *sf = tmp("s_*.cckd"), *s1 = tmp("s_1.cckd");
	size_t nb, ns;
	struct ckd *c = open_stack(base, sf, false);
	ckd_close(c);
	uint8_t *b = slurp(base, &nb), *s = slurp(s1, &ns);
	uint32_t nl1 = (5 * 30 + 255) / 256;
	/* device header: the base's with CKD_S370 */
	ck_assert_mem_eq(s, "CKD_S370", 8);
	ck_assert_mem_eq(s + 8, b + 8, 512 - 8);
	/* compressed header: the base's, emptied; the L1 all X'FF' */
	ck_assert(s[512] == 0 && s[513] == 3 && s[514] == 1);
	ck_assert_uint_eq(s[515] & 0x80, 0);
	ck_assert_uint_eq(le32_at(s1, 516), nl1);
	ck_assert_uint_eq(le32_at(s1, 520), 256);
	ck_assert_uint_eq(le32_at(s1, 524), 1024 + 4 * nl1);	/* size */
	ck_assert_uint_eq(le32_at(s1, 528), 1024 + 4 * nl1);	/* used */
	for (int off = 532; off < 552; off += 4)
		ck_assert_uint_eq(le32_at(s1, off), 0);		/* no free space */
	ck_assert_uint_eq(le32_at(s1, 552), 5);			/* cylinders */
	ck_assert_mem_eq(s + 556, b + 556, 4);			/* null format, compression, level */
	ck_assert_uint_eq(ns, 1024 + 4 * nl1);
	ck_assert_uint_eq(le32_at(s1, 1024), 0xFFFFFFFF);
	free(s);

	/* One track written: an L2 table of X'FF' entries but its own, the L1 entry pointing at it. */
	c = open_stack(base, sf, false);
	write_track(c, 0, 5, 2, 9);
	ckd_close(c);
	uint32_t l2 = le32_at(s1, 1024);
	ck_assert_uint_ne(l2, 0xFFFFFFFF);
	for (int j = 0; j < 256; j++) {
		uint32_t off = le32_at(s1, l2 + 8 * j), ls = le32_at(s1, l2 + 8 * j + 4);
		if (j == 5) {
			ck_assert_uint_gt(off, 1024);
			ck_assert_uint_ne(off, 0xFFFFFFFF);
		} else {
			ck_assert_uint_eq(off, 0xFFFFFFFF);
			ck_assert_uint_eq(ls, 0xFFFFFFFF);
		}
	}
	free(b);
}
END_TEST

START_TEST(test_shadow_names_replace_the_character_before_the_last_dot)
{
	const char *base = make_base("b", false);
	struct ckd_shadow_info in;
	struct dasd_where w;
	struct ckd *c;
	static const struct {
		const char *sf, *first, *second;
	} cases[] = {
		{"vm_*.cckd", "vm_1.cckd", "vm_2.cckd"},
		{"x.y.z", "x.1.z", "x.2.z"},		/* the last dot (Hercules 4; 3.x took the first) */
		{"shadow*", "shadow1", "shadow2"},	/* no dot: the last character */
		{"plain.cckd", "plai1.cckd", "plai2.cckd"},	/* no '*' needed: whatever is there goes */
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char sf[256];
		snprintf(sf, sizeof sf, "%s/%s", dir, cases[i].sf);
		c = open_stack(base, sf, false);
		ck_assert_int_eq(ckd_shadow_info(c, 1, &in), DASD_OK);
		ck_assert_str_eq(in.file, tmp(cases[i].first));
		ck_assert_int_eq(ckd_shadow_add(c), DASD_OK);
		ck_assert_int_eq(ckd_shadow_info(c, 2, &in), DASD_OK);
		ck_assert_str_eq(in.file, tmp(cases[i].second));
		ck_assert(in.current);
		ckd_close(c);
	}
	/* A name with nothing before its dot has no place for the number. */
	ck_assert_int_eq(ckd_open_shadow(base, tmp(".cckd"), false, &c, &w), DASD_E_INVAL);
	ck_assert_int_eq(ckd_open_shadow(base, tmp("dir/"), false, &c, &w), DASD_E_INVAL);
}
END_TEST

START_TEST(test_shadow_two_levels_newest_wins_and_reads_fall_through)
{
	const char *base = make_base("b", false), *sf = tmp("sh_*.cckd");
	struct ckd *c = open_stack(base, sf, false);

	write_track(c, 2, 1, 4, 11);	/* shadow 1 */
	write_track(c, 3, 3, 1, 12);
	ck_assert_int_eq(ckd_shadow_add(c), DASD_OK);
	ck_assert_uint_eq(ckd_shadow_count(c), 2);
	write_track(c, 2, 1, 2, 21);	/* shadow 2 over shadow 1 */
	write_track(c, 1, 7, 6, 22);
	expect_track(c, 2, 1, 2, 21);
	expect_track(c, 3, 3, 1, 12);
	expect_track(c, 1, 7, 6, 22);
	expect_track(c, 2, 2, 3, 102);
	ckd_close(c);

	c = open_stack(base, sf, false);	/* both found again, the newest read/write */
	ck_assert_uint_eq(ckd_shadow_count(c), 2);
	ck_assert_uint_eq(info_tracks(c, 1), 2);
	ck_assert_uint_eq(info_tracks(c, 2), 2);
	struct ckd_shadow_info in;
	ckd_shadow_info(c, 1, &in);
	ck_assert(!in.current);
	ckd_shadow_info(c, 2, &in);
	ck_assert(in.current);
	expect_track(c, 2, 1, 2, 21);
	expect_track(c, 3, 3, 1, 12);
	/* remove drops shadow 2's writes: shadow 1 and the base show again */
	ck_assert_int_eq(ckd_shadow_remove(c), DASD_OK);
	ck_assert(!exists(tmp("sh_2.cckd")));
	ck_assert_uint_eq(ckd_shadow_count(c), 1);
	expect_track(c, 2, 1, 4, 11);
	expect_track(c, 1, 7, 0, 0);
	write_track(c, 0, 9, 1, 31);	/* shadow 1 is current again */
	ckd_close(c);
	c = open_stack(base, sf, true);
	ck_assert_uint_eq(info_tracks(c, 1), 3);
	ckd_close(c);
}
END_TEST

START_TEST(test_shadow_empty_track_hides_the_data_below)
{
	const char *base = make_base("b.cckd", true), *sf = tmp("sh_*.cckd");
	struct ckd *c = open_stack(base, sf, false);
	uint8_t *trk = malloc(ckd_trksize(c));

	ckd_track_format(trk, ckd_trksize(c), 2, 5);
	ck_assert_int_eq(ckd_write_track(c, 2, 5, trk, ckd_trksize(c)), DASD_OK);
	expect_track(c, 2, 5, 0, 0);
	ck_assert_uint_eq(info_tracks(c, 1), 1);
	struct ckd_shadow_info in;
	ckd_shadow_info(c, 1, &in);
	ck_assert_uint_eq(in.stored, 0);	/* a null-track entry, no image */
	ckd_close(c);
	c = open_stack(base, sf, true);
	expect_track(c, 2, 5, 0, 0);
	expect_track(c, 2, 6, 3, 106);
	ckd_close(c);
	free(trk);
}
END_TEST

static void merge_both_ways(bool compressed)
{
	const char *base = make_base("b", compressed), *sf = tmp("m_*.cckd");
	struct ckd *c = open_stack(base, sf, false);

	write_track(c, 2, 1, 4, 11);
	write_track(c, 3, 3, 1, 12);
	uint8_t *trk = malloc(ckd_trksize(c));
	ckd_track_format(trk, ckd_trksize(c), 2, 8);
	ck_assert_int_eq(ckd_write_track(c, 2, 8, trk, ckd_trksize(c)), DASD_OK);	/* erases base data */
	ck_assert_int_eq(ckd_shadow_add(c), DASD_OK);
	write_track(c, 2, 1, 2, 21);
	write_track(c, 4, 0, 5, 22);

	/* shadow 2 into shadow 1 */
	ck_assert_int_eq(ckd_shadow_merge(c, false), DASD_OK);
	ck_assert_uint_eq(ckd_shadow_count(c), 1);
	ck_assert(!exists(tmp("m_2.cckd")));
	ck_assert_uint_eq(info_tracks(c, 1), 4);
	expect_track(c, 2, 1, 2, 21);
	expect_track(c, 3, 3, 1, 12);
	expect_track(c, 4, 0, 5, 22);
	expect_track(c, 2, 8, 0, 0);
	expect_track(c, 2, 9, 3, 109);
	write_track(c, 1, 1, 1, 23);	/* shadow 1 takes writes again */

	/* into the base: only when asked */
	ck_assert_int_eq(ckd_shadow_merge(c, false), DASD_E_READONLY);
	ck_assert_uint_eq(ckd_shadow_count(c), 1);
	ck_assert_int_eq(ckd_shadow_merge(c, true), DASD_OK);
	ck_assert_uint_eq(ckd_shadow_count(c), 0);
	ck_assert(!exists(tmp("m_1.cckd")));
	expect_track(c, 2, 1, 2, 21);
	expect_track(c, 2, 8, 0, 0);
	expect_track(c, 1, 1, 1, 23);
	ck_assert_int_eq(ckd_write_track(c, 0, 3, trk, ckd_trksize(c)), DASD_E_READONLY);
	ck_assert_int_eq(ckd_shadow_merge(c, true), DASD_E_SHADOW_LIMIT);
	ck_assert_int_eq(ckd_shadow_add(c), DASD_OK);
	write_track(c, 0, 3, 2, 24);
	ckd_close(c);

	/* the base alone now has what was merged */
	ck_assert_int_eq(ckd_open(base, true, &c, NULL), DASD_OK);
	expect_track(c, 2, 1, 2, 21);
	expect_track(c, 3, 3, 1, 12);
	expect_track(c, 4, 0, 5, 22);
	expect_track(c, 2, 8, 0, 0);
	expect_track(c, 1, 1, 1, 23);
	expect_track(c, 0, 3, 0, 0);
	ckd_close(c);
	if (compressed) {
		struct cckd_report r;
		ck_assert_int_eq(ckd_check_compressed(base, false, &r), DASD_OK);
	}
	free(trk);
}

START_TEST(test_shadow_merge_into_lower_shadow_then_into_plain_base)
{
	merge_both_ways(false);
}
END_TEST

START_TEST(test_shadow_merge_into_lower_shadow_then_into_cckd_base)
{
	merge_both_ways(true);
}
END_TEST

START_TEST(test_shadow_readonly_open_makes_no_shadow)
{
	const char *base = make_base("b", false);
	struct ckd *c = open_stack(base, tmp("r_*.cckd"), true);

	ck_assert_uint_eq(ckd_shadow_count(c), 0);
	ck_assert(!exists(tmp("r_1.cckd")));
	expect_track(c, 2, 0, 3, 100);
	uint8_t *trk = malloc(ckd_trksize(c));
	make_track(trk, ckd_trksize(c), 0, 2, 1, 1);
	ck_assert_int_eq(ckd_write_track(c, 0, 2, trk, ckd_trksize(c)), DASD_E_READONLY);
	ck_assert_int_eq(ckd_shadow_add(c), DASD_E_READONLY);
	ck_assert_int_eq(ckd_shadow_merge(c, true), DASD_E_READONLY);
	ckd_close(c);
	free(trk);
}
END_TEST

START_TEST(test_shadow_at_most_eight)
{
	const char *base = make_base("b", false);
	struct ckd *c = open_stack(base, tmp("e_*.cckd"), false);

	for (unsigned n = 2; n <= CKD_MAX_SHADOWS; n++) {
		ck_assert_int_eq(ckd_shadow_add(c), DASD_OK);
		write_track(c, 1, (uint16_t)n, 1, n);
	}
	ck_assert_int_eq(ckd_shadow_add(c), DASD_E_SHADOW_LIMIT);
	ck_assert(!exists(tmp("e_9.cckd")));
	ckd_close(c);
	c = open_stack(base, tmp("e_*.cckd"), false);
	ck_assert_uint_eq(ckd_shadow_count(c), CKD_MAX_SHADOWS);
	for (unsigned n = 2; n <= CKD_MAX_SHADOWS; n++)
		expect_track(c, 1, (uint16_t)n, 1, n);
	ckd_close(c);
}
END_TEST

START_TEST(test_shadow_kill_mid_write_leaves_the_old_track)
{
	const char *base = make_base("b", false), *sf = tmp("k_*.cckd"), *s1 = tmp("k_1.cckd");
	struct ckd *c = open_stack(base, sf, false);
	write_track(c, 3, 4, 2, 1);	/* the old track */
	ckd_close(c);
	size_t nb, na;
	uint8_t *before = slurp(s1, &nb);
	uint32_t l2 = le32_at(s1, 1024 + 4 * ((3 * 30 + 4) / 256));
	uint32_t ent = l2 + 8 * ((3 * 30 + 4) % 256);

	/* The new image goes out, then the process dies before its L2 entry is written, with the
	 * image itself cut short: take the file after the write, put the old entry back and cut
	 * the file in the middle of the new image. */
	c = open_stack(base, sf, false);
	write_track(c, 3, 4, 9, 2);
	uint8_t *after = slurp(s1, &na);
	ckd_close(c);
	uint32_t img = after[ent] | after[ent + 1] << 8 | after[ent + 2] << 16 | (uint32_t)after[ent + 3] << 24;
	uint32_t len = after[ent + 4] | after[ent + 5] << 8;
	ck_assert_uint_eq(img + len, na);	/* appended at the end */
	memcpy(after + ent, before + ent, 8);
	spill(s1, after, img + len / 2);

	c = open_stack(base, sf, true);
	expect_track(c, 3, 4, 2, 1);
	ckd_close(c);
	struct cckd_report r;
	ck_assert_int_eq(ckd_check_compressed(s1, false, &r), DASD_E_BAD_HEADER);	/* not closed */
	ck_assert(r.not_closed);
	/* Opened read/write it is used as it is: the next write goes on, the check is clean after. */
	c = open_stack(base, sf, false);
	expect_track(c, 3, 4, 2, 1);
	write_track(c, 3, 5, 3, 3);
	ckd_close(c);
	ck_assert_int_eq(ckd_check_compressed(s1, false, &r), DASD_OK);
	c = open_stack(base, sf, true);
	expect_track(c, 3, 4, 2, 1);
	expect_track(c, 3, 5, 3, 3);
	ckd_close(c);

	/* A merge cut short (killed before the merged shadow was deleted) shows the same volume. */
	c = open_stack(base, sf, false);
	ck_assert_int_eq(ckd_shadow_add(c), DASD_OK);
	write_track(c, 3, 4, 4, 4);
	write_track(c, 0, 7, 1, 5);
	ckd_close(c);
	size_t n2;
	uint8_t *top = slurp(tmp("k_2.cckd"), &n2);
	c = open_stack(base, sf, false);
	ck_assert_int_eq(ckd_shadow_merge(c, false), DASD_OK);
	ckd_close(c);
	ck_assert(!exists(tmp("k_2.cckd")));
	spill(tmp("k_2.cckd"), top, n2);	/* as if the delete had not happened */
	c = open_stack(base, sf, false);
	ck_assert_uint_eq(ckd_shadow_count(c), 2);
	expect_track(c, 3, 4, 4, 4);
	expect_track(c, 0, 7, 1, 5);
	expect_track(c, 3, 5, 3, 3);
	ck_assert_int_eq(ckd_shadow_merge(c, false), DASD_OK);	/* run again: done */
	expect_track(c, 3, 4, 4, 4);
	expect_track(c, 0, 7, 1, 5);
	ckd_close(c);
	free(top);
	ck_assert(!exists(tmp("k_2.cckd")));

	/* A kill while a new shadow was being made leaves only its temporary file: ignored, reused. */
	spill(tmp("k_2.cckd.new"), before, 700);
	c = open_stack(base, sf, false);
	ck_assert_uint_eq(ckd_shadow_count(c), 1);
	ck_assert_int_eq(ckd_shadow_add(c), DASD_OK);
	ck_assert(!exists(tmp("k_2.cckd.new")));
	expect_track(c, 3, 4, 4, 4);
	ckd_close(c);
	free(before);
	free(after);
}
END_TEST

/* Open base with shadows sf and expect status s at file (a path in dir) and offset. */
static void expect_open_error(const char *base, const char *sf, enum dasd_status s, const char *file,
			      uint64_t offset)
{
	struct dasd_where w;
	struct ckd *c;
	enum dasd_status got = ckd_open_shadow(base, sf, true, &c, &w);
	ck_assert_msg(got == s, "want %s, got %s at %s %llu", dasd_status_str(s), dasd_status_str(got), w.file,
		      (unsigned long long)w.offset);
	ck_assert_str_eq(w.file, file);
	ck_assert_uint_eq(w.offset, offset);
	got = ckd_open_shadow(base, sf, false, &c, &w);
	ck_assert_int_eq(got, s);
}

START_TEST(test_shadow_corrupt_or_foreign_header_named_with_offset)
{
	const char *base = make_base("b.cckd", true), *sf = tmp("c_*.cckd"), *s1 = tmp("c_1.cckd");
	size_t n;
	struct ckd *c = open_stack(base, sf, false);
	write_track(c, 2, 0, 2, 1);
	ckd_close(c);
	uint8_t *good = slurp(s1, &n);

	patch(s1, 512, "\x07", 1);			/* compressed header version */
	expect_open_error(base, sf, DASD_E_BAD_HEADER, s1, 512);
	spill(s1, good, n);
	patch(s1, 0, "CKD_X370", 8);
	expect_open_error(base, sf, DASD_E_BAD_ID, s1, 0);
	spill(s1, good, n);
	patch(s1, 0, "CKD_S064", 8);
	expect_open_error(base, sf, DASD_E_COMPRESSED, s1, 0);
	spill(s1, good, n);
	patch(s1, 8, "\x0F", 1);			/* heads: another volume's shadow */
	expect_open_error(base, sf, DASD_E_BAD_SHADOW, s1, 8);
	spill(s1, good, n);
	patch(s1, 16, "\x30", 1);			/* device type */
	expect_open_error(base, sf, DASD_E_BAD_SHADOW, s1, 16);
	spill(s1, good, n);
	patch(s1, 25, "X", 1);				/* serial: made over another base */
	expect_open_error(base, sf, DASD_E_BAD_SHADOW, s1, 20);
	spill(s1, good, n);
	patch(s1, 552, "\x04", 1);			/* cylinders */
	expect_open_error(base, sf, DASD_E_BAD_SHADOW, s1, 552);
	spill(s1, good, n);
	patch(s1, 1024, "\x00\x00\x00\x7F", 4);		/* L1 entry past the end */
	expect_open_error(base, sf, DASD_E_TRUNCATED, s1, 1024);
	spill(s1, good, 300);				/* cut inside the device header */
	expect_open_error(base, sf, DASD_E_SHORT_HEADER, s1, 300);
	spill(s1, good, n);

	/* A gap in the numbers: shadow 3 without shadow 2 is refused, named. */
	spill(tmp("c_3.cckd"), good, n);
	expect_open_error(base, sf, DASD_E_BAD_SHADOW, tmp("c_3.cckd"), 0);
	unlink(tmp("c_3.cckd"));
	/* A template that names the base itself. */
	const char *b2 = make_base("d_1.cckd", true);
	expect_open_error(b2, tmp("d_*.cckd"), DASD_E_BAD_SHADOW, b2, 0);

	/* A bad track image inside the shadow: the read names the shadow and the image. */
	uint32_t l2 = le32_at(s1, 1024), img = le32_at(s1, l2 + 8 * 60);
	patch(s1, img, "\x05", 1);			/* compression byte */
	c = open_stack(base, sf, true);
	uint8_t *trk = malloc(ckd_trksize(c));
	ck_assert_int_eq(ckd_read_track(c, 2, 0, trk), DASD_E_BAD_COMPRESSION);
	ck_assert_str_eq(ckd_where(c)->file, s1);
	ck_assert_uint_eq(ckd_where(c)->offset, img);
	struct cckd_report r;
	ck_assert_int_eq(ckd_shadow_check(c, 1, &r), DASD_E_BAD_COMPRESSION);
	ck_assert_uint_eq(r.where.offset, img);
	ckd_close(c);
	free(trk);
	free(good);
}
END_TEST

START_TEST(test_shadow_check_of_live_and_closed_files)
{
	const char *base = make_base("b", false), *sf = tmp("v_*.cckd");
	struct cckd_report r;
	struct ckd *c = open_stack(base, sf, false);

	write_track(c, 1, 1, 2, 1);
	ck_assert_int_eq(ckd_shadow_add(c), DASD_OK);
	write_track(c, 1, 2, 2, 2);
	write_track(c, 1, 3, 2, 3);
	ck_assert_int_eq(ckd_shadow_check(c, 1, &r), DASD_OK);
	ck_assert(r.shadow);
	ck_assert_uint_eq(r.held, 1);
	ck_assert_int_eq(ckd_shadow_check(c, 2, &r), DASD_OK);	/* open read/write: not "not closed" */
	ck_assert_uint_eq(r.held, 2);
	ck_assert_uint_eq(r.stored, 2);
	ck_assert_int_eq(ckd_shadow_check(c, 3, &r), DASD_E_RANGE);
	ckd_close(c);
	ck_assert_int_eq(ckd_check_compressed(tmp("v_2.cckd"), false, &r), DASD_OK);
	ck_assert(r.shadow);
	ck_assert_uint_eq(r.tracks, 150);
	ck_assert_uint_eq(r.held, 2);
	/* a volume without shadows has none to check, add or merge */
	ck_assert_int_eq(ckd_open(base, false, &c, NULL), DASD_OK);
	ck_assert_uint_eq(ckd_shadow_count(c), 0);
	ck_assert_int_eq(ckd_shadow_check(c, 1, &r), DASD_E_RANGE);
	ck_assert_int_eq(ckd_shadow_add(c), DASD_E_INVAL);
	ck_assert_int_eq(ckd_shadow_merge(c, true), DASD_E_INVAL);
	ckd_close(c);
	/* and a shadow file alone is not a volume */
	ck_assert_int_eq(ckd_open(tmp("v_1.cckd"), true, &c, NULL), DASD_E_COMPRESSED);
}
END_TEST

START_TEST(test_shadow_fuzzed_files_never_crash)
{
	const char *base = make_base("b", false), *sf = tmp("z_*.cckd"), *s1 = tmp("z_1.cckd");
	struct ckd *c = open_stack(base, sf, false);
	for (uint16_t hh = 0; hh < 6; hh++)
		write_track(c, 1, hh, 1 + hh % 3, hh);
	ckd_close(c);
	size_t n;
	uint8_t *orig = slurp(s1, &n), *trk = malloc(19456);
	uint32_t l2 = le32_at(s1, 1024);
	unsigned seed = 77;

	for (int iter = 0; iter < 600; iter++) {
		spill(s1, orig, n);
		int fd = open(s1, O_RDWR);
		for (int k = 1 + rand_r(&seed) % 4; k > 0; k--) {
			off_t at;
			switch (rand_r(&seed) % 3) {
			case 0: at = rand_r(&seed) % 1040; break;		/* headers, L1 */
			case 1: at = l2 + rand_r(&seed) % 64; break;		/* L2 */
			default: at = 1024 + rand_r(&seed) % (n - 1024); break;
			}
			uint8_t v = rand_r(&seed) % 3 == 0 ? 0xFF : (uint8_t)rand_r(&seed);
			ck_assert_int_eq(pwrite(fd, &v, 1, at), 1);
		}
		close(fd);
		if (ckd_open_shadow(base, sf, iter % 2 == 0, &c, NULL) == DASD_OK) {
			for (uint32_t t = 0; t < 150; t++)
				(void)ckd_read_track(c, t / 30, t % 30, trk);
			if (iter % 2) {
				make_track(trk, 19456, 1, 0, 2, iter);
				(void)ckd_write_track(c, 1, 0, trk, 19456);
			}
			ckd_close(c);
		}
		/* The base is never touched. */
		ck_assert_int_eq(ckd_open(base, true, &c, NULL), DASD_OK);
		expect_track(c, 2, 0, 3, 100);
		ckd_close(c);
	}
	free(orig);
	free(trk);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("shadow");
	TCase *f = tcase_create("files");
	tcase_add_checked_fixture(f, setup, teardown);
	tcase_add_test(f, test_shadow_over_plain_base_takes_writes_and_base_is_unchanged);
	tcase_add_test(f, test_shadow_over_cckd_base_takes_writes_and_base_is_unchanged);
	tcase_add_test(f, test_shadow_layout_as_hercules_makes_it);
	tcase_add_test(f, test_shadow_names_replace_the_character_before_the_last_dot);
	tcase_add_test(f, test_shadow_two_levels_newest_wins_and_reads_fall_through);
	tcase_add_test(f, test_shadow_empty_track_hides_the_data_below);
	tcase_add_test(f, test_shadow_merge_into_lower_shadow_then_into_plain_base);
	tcase_add_test(f, test_shadow_merge_into_lower_shadow_then_into_cckd_base);
	tcase_add_test(f, test_shadow_readonly_open_makes_no_shadow);
	tcase_add_test(f, test_shadow_at_most_eight);
	tcase_add_test(f, test_shadow_kill_mid_write_leaves_the_old_track);
	tcase_add_test(f, test_shadow_corrupt_or_foreign_header_named_with_offset);
	tcase_add_test(f, test_shadow_check_of_live_and_closed_files);
	tcase_add_test(f, test_shadow_fuzzed_files_never_crash);
	tcase_set_timeout(f, 300);
	suite_add_tcase(s, f);
	return s;
}

int main(void)
{
	return check_run(suite());
}
