/*
 * check_volumes.c - unit tests for cp/volumes.c: scanning a volumes/ folder (good volumes of each
 * kind, duplicates, garbage, unlabelled images), lookups, vol_create(), and the starter system's
 * volumes (size on disk and time).
 *
 * Fixture: an empty temporary folder, removed with everything in it afterwards.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cp/directory.h"
#include "cp/starter.h"
#include "cp/tdisk.h"
#include "cp/volumes.h"
#include "tests/check_run.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/check_volumes.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void rm_tree(const char *p)
{
	DIR *d = opendir(p);
	if (d) {
		struct dirent *e;
		char q[512];
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(q, sizeof q, "%s/%s", p, e->d_name);
				rm_tree(q);
			}
		closedir(d);
		rmdir(p);
	} else {
		unlink(p);
	}
}

static void teardown(void)
{
	rm_tree(dir);
}

static const char *path(const char *name)
{
	static char p[2][256];
	static int i;
	i ^= 1;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

static void write_file(const char *name, const void *data, size_t n)
{
	FILE *f = fopen(path(name), "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* The problem about file name (its base name), or NULL. */
static const struct vol_problem *problem_for(const struct vol_problems *pr, const char *name)
{
	for (size_t i = 0; i < pr->n; i++) {
		const char *slash = strrchr(pr->v[i].file, '/');
		if (!strcmp(slash ? slash + 1 : pr->v[i].file, name))
			return &pr->v[i];
	}
	return NULL;
}

/* ---- vol_create and lookups ---- */

START_TEST(test_create_and_find_each_kind)
{
	char p[512];
	ck_assert_int_eq(vol_create(dir, "CAMSYS", "3350", 0, true, p, sizeof p), VOL_OK);
	ck_assert_str_eq(p, path("CAMSYS.3350.cckd"));
	ck_assert_int_eq(vol_create(dir, "PLAIN1", "3330", 3, false, NULL, 0), VOL_OK);
	ck_assert_int_eq(vol_create(dir, "FBA001", "3370", 4000, false, NULL, 0), VOL_OK);

	struct vol_problems pr;
	struct volumes *v;
	vol_problems_init(&pr);
	ck_assert_int_eq(vol_open_dir(dir, &v, &pr), VOL_OK);
	ck_assert_uint_eq(pr.n, 0);
	ck_assert_uint_eq(vol_count(v), 3);

	struct vol_info vi;
	ck_assert(vol_find(v, "camsys", &vi)); /* any case */
	ck_assert_str_eq(vi.volser, "CAMSYS");
	ck_assert_uint_eq(vi.devtype, 3350);
	ck_assert_uint_eq(vi.cyls, 555);
	ck_assert(!vi.fba);
	ck_assert_ptr_nonnull(vi.ckd);
	ck_assert_str_eq(vi.file, path("CAMSYS.3350.cckd"));
	ck_assert(vol_find(v, "PLAIN1  ", &vi)); /* trailing blanks */
	ck_assert_uint_eq(vi.devtype, 3330);
	ck_assert_uint_eq(vi.cyls, 3);
	ck_assert(vol_find(v, "FBA001", &vi));
	ck_assert(vi.fba);
	ck_assert_uint_eq(vi.devtype, 3310); /* an FBA image is the smallest model it fits */
	ck_assert_uint_eq(vi.blocks, 4000);
	ck_assert_ptr_nonnull(vi.fbav);
	ck_assert(!vol_find(v, "NOSUCH", &vi));
	ck_assert(!vol_find(v, "TOOLONGX", &vi));
	ck_assert(!vol_find(v, "", &vi));

	/* In volser order. */
	ck_assert(vol_at(v, 0, &vi));
	ck_assert_str_eq(vi.volser, "CAMSYS");
	ck_assert(vol_at(v, 2, &vi));
	ck_assert_str_eq(vi.volser, "PLAIN1");
	ck_assert(!vol_at(v, 3, &vi));
	vol_close_all(v);
	vol_problems_free(&pr);
}
END_TEST

START_TEST(test_create_refuses_bad_arguments)
{
	ck_assert_int_eq(vol_create(dir, "", "3350", 0, true, NULL, 0), VOL_ERR_ARG);
	ck_assert_int_eq(vol_create(dir, "SEVENXX", "3350", 0, true, NULL, 0), VOL_ERR_ARG);
	ck_assert_int_eq(vol_create(dir, "lower", "3350", 0, true, NULL, 0), VOL_ERR_ARG);
	ck_assert_int_eq(vol_create(dir, "A B", "3350", 0, true, NULL, 0), VOL_ERR_ARG);
	ck_assert_int_eq(vol_create(dir, "VOL001", "9999", 0, true, NULL, 0), VOL_ERR_ARG);
	ck_assert_int_eq(vol_create(dir, "VOL001", "3350", 556, true, NULL, 0), VOL_ERR_ARG);
	ck_assert_int_eq(vol_create(dir, "VOL001", "3370", 0, true, NULL, 0), VOL_ERR_ARG);
	ck_assert_int_eq(vol_create(dir, "VOL001", "3350", 2, true, NULL, 0), VOL_OK);
	ck_assert_int_eq(vol_create(dir, "VOL001", "3350", 2, true, NULL, 0), VOL_ERR_EXISTS);
	ck_assert_int_eq(vol_create("/nonexistent/folder", "VOL001", "3350", 2, true, NULL, 0), VOL_ERR_IO);
}
END_TEST

/* ---- The scan's problems ---- */

START_TEST(test_scan_reports_duplicates_garbage_and_unlabelled)
{
	ck_assert_int_eq(vol_create(dir, "DUPVOL", "3350", 2, true, NULL, 0), VOL_OK);
	/* A second image with the same label, under a name that sorts after the first. */
	ck_assert_int_eq(mkdir(path("other"), 0755), 0);
	char p[512], q[512];
	ck_assert_int_eq(vol_create(path("other"), "DUPVOL", "3330", 2, false, p, sizeof p), VOL_OK);
	snprintf(q, sizeof q, "%s", path("zz-dup.3330"));
	ck_assert_int_eq(rename(p, q), 0);
	/* An unlabelled CKD volume. */
	struct ckd *c;
	ck_assert_int_eq(ckd_create_compressed(path("nolabel.cckd"), dasd_geom_find("3350"), 2, DASD_COMPRESS_ZLIB,
					       &c, NULL),
			 DASD_OK);
	ck_assert_int_eq(ckd_close(c), DASD_OK);
	/* Garbage: text, an odd size, an empty file, a truncated CKD header. */
	write_file("README", "not a disk\n", 11);
	static uint8_t zeros[1024];
	write_file("blank.fba", zeros, sizeof zeros); /* FBA-sized, no VOL1 */
	write_file("empty", "", 0);
	write_file("short.ckd", "CKD_P370", 8);
	/* A dot file is not looked at. */
	write_file(".hidden", "x", 1);

	struct vol_problems pr;
	struct volumes *v;
	vol_problems_init(&pr);
	ck_assert_int_eq(vol_open_dir(dir, &v, &pr), VOL_OK);
	ck_assert_uint_eq(vol_count(v), 1);
	struct vol_info vi;
	ck_assert(vol_find(v, "DUPVOL", &vi));
	ck_assert_str_eq(vi.file, path("DUPVOL.3350.cckd")); /* the first by name */

	const struct vol_problem *pb;
	ck_assert_ptr_nonnull(pb = problem_for(&pr, "zz-dup.3330"));
	ck_assert_ptr_nonnull(strstr(pb->reason, "DUPVOL"));
	ck_assert_ptr_nonnull(strstr(pb->reason, "DUPVOL.3350.cckd"));
	ck_assert_ptr_nonnull(pb = problem_for(&pr, "nolabel.cckd"));
	ck_assert_ptr_nonnull(strstr(pb->reason, "no volume label"));
	ck_assert_ptr_nonnull(pb = problem_for(&pr, "README"));
	ck_assert_ptr_nonnull(strstr(pb->reason, "not a DASD image"));
	ck_assert_ptr_nonnull(pb = problem_for(&pr, "blank.fba"));
	ck_assert_ptr_nonnull(strstr(pb->reason, "no volume label"));
	ck_assert_ptr_nonnull(problem_for(&pr, "empty"));
	ck_assert_ptr_nonnull(problem_for(&pr, "short.ckd"));
	ck_assert_ptr_null(problem_for(&pr, ".hidden"));
	ck_assert_ptr_null(problem_for(&pr, "other")); /* folders are passed over */
	ck_assert_uint_eq(pr.n, 6);
	vol_close_all(v);
	vol_problems_free(&pr);
}
END_TEST

START_TEST(test_scan_reports_file_it_cannot_write)
{
	if (geteuid() == 0)
		return; /* root opens it anyway */
	ck_assert_int_eq(vol_create(dir, "ROVOL", "3350", 2, true, NULL, 0), VOL_OK);
	ck_assert_int_eq(chmod(path("ROVOL.3350.cckd"), 0444), 0);
	struct vol_problems pr;
	struct volumes *v;
	vol_problems_init(&pr);
	ck_assert_int_eq(vol_open_dir(dir, &v, &pr), VOL_OK);
	ck_assert_uint_eq(vol_count(v), 0);
	ck_assert_uint_eq(pr.n, 1);
	ck_assert_ptr_nonnull(strstr(pr.v[0].reason, "read/write"));
	vol_close_all(v);
	vol_problems_free(&pr);
}
END_TEST

START_TEST(test_scan_missing_folder_is_io)
{
	struct volumes *v = (struct volumes *)1;
	ck_assert_int_eq(vol_open_dir(path("nothere"), &v, NULL), VOL_ERR_IO);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(vol_open_dir(dir, &v, NULL), VOL_OK); /* empty folder, no problem list */
	ck_assert_uint_eq(vol_count(v), 0);
	vol_close_all(v);
	vol_close_all(NULL);
}
END_TEST

/* ---- The starter system ---- */

static struct directory *starter(void)
{
	struct dir_diags dg;
	struct directory *d;
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_parse(cp_starter_direct, cp_starter_direct_len, "starter", DIR_ALLOW_CLEAR, &d, &dg),
			 DIR_OK);
	dir_diags_free(&dg);
	return d;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

START_TEST(test_starter_volumes_are_small_and_quick)
{
	struct directory *d = starter();
	struct vol_problems pr;
	vol_problems_init(&pr);
	unsigned made = 0;
	double t0 = seconds();
	ck_assert_int_eq(vol_create_starter(dir, d, &made, &pr), VOL_OK);
	double took = seconds() - t0;
	ck_assert_uint_eq(made, 1);
	ck_assert_uint_eq(pr.n, 0);
	ck_assert_msg(took < 1.0, "the starter volumes took %.3f s", took);

	struct stat sb;
	ck_assert_int_eq(stat(path("CAMSYS.3350.cckd"), &sb), 0);
	ck_assert_msg(sb.st_size < 2 * 1024 * 1024, "CAMSYS is %lld bytes", (long long)sb.st_size);
	ck_assert_msg((long long)sb.st_blocks * 512 < 2 * 1024 * 1024, "CAMSYS takes %lld bytes",
		      (long long)sb.st_blocks * 512);

	/* The volume opens, is labelled, and holds every starter minidisk. */
	struct volumes *v;
	ck_assert_int_eq(vol_open_dir(dir, &v, &pr), VOL_OK);
	ck_assert_uint_eq(pr.n, 0);
	struct vol_info vi;
	ck_assert(vol_find(v, "CAMSYS", &vi));
	ck_assert_uint_eq(vi.devtype, 3350);
	for (size_t u = 0; u < dir_count(d); u++) {
		const struct dir_user *usr = dir_user_at(d, u);
		for (size_t k = 0; k < usr->ndevices; k++)
			if (usr->devices[k].kind == DIR_DEV_MDISK)
				ck_assert_uint_le(usr->devices[k].u.mdisk.start + usr->devices[k].u.mdisk.count, vi.cyls);
	}
	vol_close_all(v);

	/* Made again: the volume is there, nothing is made or changed. */
	ck_assert_int_eq(vol_create_starter(dir, d, &made, &pr), VOL_OK);
	ck_assert_uint_eq(made, 0);
	vol_problems_free(&pr);
	dir_free(d);
}
END_TEST

/* The starter system's volumes/TDISK: no problem, 355 cylinders of 3350 that no starter minidisk
 * touches; the file is no image (not reported), and a T-disk comes from it. */
START_TEST(test_starter_tdisk_space_is_clear_of_its_minidisks)
{
	struct directory *d = starter();
	struct vol_problems pr;
	vol_problems_init(&pr);
	ck_assert_int_eq(vol_create_starter(dir, d, NULL, &pr), VOL_OK);
	write_file(VOL_TDISK_FILE, CP_STARTER_TDISK, sizeof CP_STARTER_TDISK - 1);
	struct volumes *v;
	ck_assert_int_eq(vol_open_dir(dir, &v, &pr), VOL_OK);
	ck_assert_uint_eq(pr.n, 0);
	ck_assert_uint_eq(vol_count(v), 1);
	struct tdisk_space *sp = vol_tdisks(v);
	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_eq(tdisk_set_directory(sp, d, NULL, NULL), 0);
	uint32_t total, avail;
	tdisk_usage(sp, 3350, &total, &avail);
	ck_assert_uint_eq(total, 355);
	ck_assert_uint_eq(avail, 355);
	struct tdisk_extent x;
	ck_assert_int_eq(tdisk_alloc(sp, "USER1", 0x1A0, 3350, 10, &x), TDISK_OK);
	ck_assert_str_eq(x.volser, "CAMSYS");
	ck_assert_uint_eq(x.start, 200);
	ck_assert_uint_eq(vol_release_tdisks(v, "USER1"), 1);
	vol_close_all(v);
	/* A bad line of the file is a problem of the folder's scan, with its line. */
	unlink(path(VOL_TDISK_FILE));
	write_file(VOL_TDISK_FILE, "CAMSYS 500 600\n", 15);
	ck_assert_int_eq(vol_open_dir(dir, &v, &pr), VOL_OK);
	const struct vol_problem *p = problem_for(&pr, VOL_TDISK_FILE);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->reason, "line 1: cylinder 600 is beyond CAMSYS's 555 cylinders: not used");
	ck_assert_ptr_null(vol_tdisks(v));
	vol_close_all(v);
	vol_problems_free(&pr);
	dir_free(d);
}
END_TEST

START_TEST(test_starter_conflicting_types_are_reported)
{
	static const char text[] = "USER A NOLOG\n"
				   " MDISK 191 3350 1 10 MIXED W\n"
				   " MDISK 192 3330 20 10 MIXED W\n"
				   " MDISK 193 3330 1 900 HUGE W\n"
				   " MDISK 194 3330 1 500 BIG W\n"
				   " MDISK 195 3370 100 1000 FBAVOL W\n";
	struct dir_diags dg;
	struct directory *d;
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_parse(text, sizeof text - 1, "t", 0, &d, &dg), DIR_OK);
	dir_diags_free(&dg);
	struct vol_problems pr;
	vol_problems_init(&pr);
	unsigned made;
	ck_assert_int_eq(vol_create_starter(dir, d, &made, &pr), VOL_ERR_INVALID);
	ck_assert_uint_eq(made, 2); /* BIG (a 3330-11) and FBAVOL */
	ck_assert_uint_eq(pr.n, 2);
	ck_assert_ptr_nonnull(problem_for(&pr, "MIXED"));
	ck_assert_ptr_nonnull(problem_for(&pr, "HUGE"));
	struct volumes *v;
	ck_assert_int_eq(vol_open_dir(dir, &v, NULL), VOL_OK);
	struct vol_info vi;
	ck_assert(vol_find(v, "BIG", &vi));
	ck_assert_uint_eq(vi.cyls, 808);
	ck_assert(vol_find(v, "FBAVOL", &vi));
	ck_assert(vi.fba);
	ck_assert(!vol_find(v, "MIXED", &vi));
	vol_close_all(v);
	vol_problems_free(&pr);
	dir_free(d);
}
END_TEST

/* ---- DEDICATE vaddr volser: which real device holds the volume ---- */

START_TEST(test_real_device_holds_its_labelled_volume_only)
{
	char ckdp[256], fbap[256];
	ck_assert_int_eq(vol_create(dir, "DED001", "3350", 5, true, ckdp, sizeof ckdp), VOL_OK);
	ck_assert_int_eq(vol_create(dir, "DED002", "3310", 64, false, fbap, sizeof fbap), VOL_OK);
	char ro[] = "ro";
	char *ckd_argv[] = {ckdp, ro}, *fba_argv[] = {fbap};
	ck_assert(vol_real_device_holds("3350", 2, ckd_argv, "DED001"));
	ck_assert(vol_real_device_holds("3350", 1, ckd_argv, "ded001 "));	/* any case, blanks */
	ck_assert(!vol_real_device_holds("3350", 1, ckd_argv, "DED002"));
	ck_assert(vol_real_device_holds("3310", 1, fba_argv, "DED002"));
	ck_assert(!vol_real_device_holds("3310", 1, fba_argv, "DED001"));
	/* Not a DASD type, no image, a bad volser, files that are no labelled volume. */
	ck_assert(!vol_real_device_holds("3420", 1, ckd_argv, "DED001"));
	ck_assert(!vol_real_device_holds("FROB", 1, ckd_argv, "DED001"));
	ck_assert(!vol_real_device_holds(NULL, 1, ckd_argv, "DED001"));
	ck_assert(!vol_real_device_holds("3350", 0, ckd_argv, "DED001"));
	ck_assert(!vol_real_device_holds("3350", 1, ckd_argv, "TOOLONGV"));
	ck_assert(!vol_real_device_holds("3350", 1, ckd_argv, NULL));
	char *missing[] = {(char *)path("nothing.cckd")};
	ck_assert(!vol_real_device_holds("3350", 1, missing, "DED001"));
	static const char junk[1024] = "not a volume at all";
	write_file("junk.img", junk, sizeof junk);
	char *junk_argv[] = {(char *)path("junk.img")};
	ck_assert(!vol_real_device_holds("3350", 1, junk_argv, "DED001"));
	/* The look leaves the images as they were: they open read/write as volumes afterwards. */
	struct volumes *v;
	struct vol_problems pr;
	vol_problems_init(&pr);
	ck_assert_int_eq(vol_open_dir(dir, &v, &pr), VOL_OK);
	struct vol_info vi;
	ck_assert(vol_find(v, "DED001", &vi));
	ck_assert(vol_find(v, "DED002", &vi));
	vol_close_all(v);
	vol_problems_free(&pr);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("volumes");
	TCase *tc = tcase_create("volumes");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create_and_find_each_kind);
	tcase_add_test(tc, test_create_refuses_bad_arguments);
	tcase_add_test(tc, test_scan_reports_duplicates_garbage_and_unlabelled);
	tcase_add_test(tc, test_scan_reports_file_it_cannot_write);
	tcase_add_test(tc, test_scan_missing_folder_is_io);
	tcase_add_test(tc, test_starter_volumes_are_small_and_quick);
	tcase_add_test(tc, test_starter_conflicting_types_are_reported);
	tcase_add_test(tc, test_starter_tdisk_space_is_clear_of_its_minidisks);
	tcase_add_test(tc, test_real_device_holds_its_labelled_volume_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
