/*
 * check_tdisk.c - temporary disks (cp/tdisk.c, and DEFINE Tdddd in cp/cmd_devices.c): the TDISK
 * file's lines good and bad, first fit, fragmentation and reuse, exhaustion, device types, the
 * directory's minidisks refused, two threads allocating at once, the clearing of the space (on
 * compressed and plain volumes), and through a real system: DEFINE, QUERY VIRTUAL, DETACH,
 * LOGOFF and FORCE giving the space back, and the next user finding none of the last one's data.
 *
 * Each test makes its volumes in a scratch folder: small images (tens of cylinders), so clearing
 * stays fast.
 */
#include <check.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cp/directory.h"
#include "cp/tdisk.h"
#include "cp/vm.h"
#include "cp/volumes.h"
#include "machine/dasd/dasd.h"
#include "tests/check_run.h"
#include "tests/cp/rec_term.h"

static char folder[] = "/tmp/check_tdisk.XXXXXX";
static char vdir[sizeof folder + 16];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void write_text(const char *name, const char *text)
{
	char path[sizeof vdir + 32];
	snprintf(path, sizeof path, "%s/%s", vdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
}

static void setup(void)
{
	strcpy(folder, "/tmp/check_tdisk.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(folder));
	snprintf(vdir, sizeof vdir, "%s/volumes", folder);
	ck_assert_int_eq(mkdir(vdir, 0700), 0);
	ck_assert_int_eq(vol_create(vdir, "TVOL50", "3350", 40, true, NULL, 0), VOL_OK);
	ck_assert_int_eq(vol_create(vdir, "TVOL14", "2314", 20, true, NULL, 0), VOL_OK);
	ck_assert_int_eq(vol_create(vdir, "PLAIN5", "3350", 8, false, NULL, 0), VOL_OK);
	ck_assert_int_eq(vol_create(vdir, "FBAVOL", "3310", 2000, false, NULL, 0), VOL_OK);
}

static void teardown(void)
{
	nftw(folder, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* Open the folder with this TDISK text (NULL: no file); the problems in *pr. */
static struct volumes *open_with(const char *tdisk, struct vol_problems *pr)
{
	if (tdisk)
		write_text(VOL_TDISK_FILE, tdisk);
	struct volumes *v;
	vol_problems_init(pr);
	ck_assert_int_eq(vol_open_dir(vdir, &v, pr), VOL_OK);
	return v;
}

static bool has_problem(const struct vol_problems *pr, const char *part)
{
	for (size_t i = 0; i < pr->n; i++)
		if (strstr(pr->v[i].reason, part))
			return true;
	return false;
}

static uint32_t avail(struct tdisk_space *sp, unsigned type)
{
	uint32_t a;
	tdisk_usage(sp, type, NULL, &a);
	return a;
}

static uint32_t alloc_at(struct tdisk_space *sp, const char *user, unsigned vaddr, unsigned type, uint32_t cyls)
{
	struct tdisk_extent x;
	ck_assert_int_eq(tdisk_alloc(sp, user, vaddr, type, cyls, &x), TDISK_OK);
	ck_assert_uint_eq(x.count, cyls);
	return x.start;
}

/* ---- The configuration ---- */

START_TEST(test_no_tdisk_file_means_no_space)
{
	struct vol_problems pr;
	struct volumes *v = open_with(NULL, &pr);
	ck_assert_uint_eq(pr.n, 0);
	ck_assert_ptr_null(vol_tdisks(v));
	struct tdisk_extent x;
	ck_assert_int_eq(tdisk_alloc(vol_tdisks(v), "USER1", 0x1A0, 3350, 1, &x), TDISK_NO_SPACE);
	ck_assert_uint_eq(vol_release_tdisks(v, "USER1"), 0);
	vol_problems_free(&pr);
	vol_close_all(v);
}
END_TEST

START_TEST(test_tdisk_file_lines_good_and_bad)
{
	static const char text[] =
		"* the T-disk space\n"
		"\n"
		"TVOL50 10 19\n"		/* 3: good */
		"tvol50\t30  39 \r\n"		/* 4: good (any case, tabs, CR) */
		"NOSUCH 1 5\n"			/* 5: no such volume */
		"FBAVOL 1 5\n"			/* 6: FBA */
		"TVOL14 0 5\n"			/* 7: cylinder 0 */
		"TVOL14 5 20\n"			/* 8: beyond the 20 cylinders */
		"TVOL14 9 8\n"			/* 9: first > last */
		"TVOL50 15 25\n"		/* 10: overlaps line 3 */
		"TVOL14 5\n"			/* 11: missing operand */
		"TVOL14 5 6 7\n"		/* 12: too many */
		"TVOL14 X 9\n"			/* 13: not a number */
		"TVOL14 1 19\n";		/* 14: good */
	struct vol_problems pr;
	struct volumes *v = open_with(text, &pr);
	/* The file is no image: only its bad lines are problems. */
	ck_assert_uint_eq(pr.n, 9);
	for (size_t i = 0; i < pr.n; i++)
		ck_assert_msg(strstr(pr.v[i].file, VOL_TDISK_FILE) && strstr(pr.v[i].reason, "not used"),
			      "%s: %s", pr.v[i].file, pr.v[i].reason);
	ck_assert(has_problem(&pr, "line 5: no volume NOSUCH"));
	ck_assert(has_problem(&pr, "line 6: FBAVOL is an FBA volume"));
	ck_assert(has_problem(&pr, "line 7: cylinder 0"));
	ck_assert(has_problem(&pr, "line 8: cylinder 20 is beyond TVOL14's 20 cylinders"));
	ck_assert(has_problem(&pr, "line 9: cylinders 9 8"));
	ck_assert(has_problem(&pr, "line 10: overlaps line 3"));
	ck_assert(has_problem(&pr, "line 11: operand missing"));
	ck_assert(has_problem(&pr, "line 12: too many operands"));
	ck_assert(has_problem(&pr, "line 13: cylinders X 9"));
	struct tdisk_space *sp = vol_tdisks(v);
	ck_assert_ptr_nonnull(sp);
	uint32_t total;
	tdisk_usage(sp, 3350, &total, NULL);
	ck_assert_uint_eq(total, 20);
	tdisk_usage(sp, 2314, &total, NULL);
	ck_assert_uint_eq(total, 19);
	tdisk_usage(sp, 0, &total, NULL);
	ck_assert_uint_eq(total, 39);
	vol_problems_free(&pr);
	vol_close_all(v);
}
END_TEST

START_TEST(test_only_bad_lines_mean_no_space)
{
	struct vol_problems pr;
	struct volumes *v = open_with("NOSUCH 1 5\n* nothing else\n", &pr);
	ck_assert_uint_eq(pr.n, 1);
	ck_assert_ptr_null(vol_tdisks(v));
	vol_problems_free(&pr);
	vol_close_all(v);
	/* tdisk_parse directly: empty text, NULL problems. */
	struct tdisk_space *sp = (struct tdisk_space *)1;
	ck_assert_int_eq(tdisk_parse("", 0, "x", NULL, &sp, NULL), TDISK_OK);
	ck_assert_ptr_null(sp);
}
END_TEST

/* ---- Allocation ---- */

START_TEST(test_first_fit_fragmentation_and_reuse)
{
	struct vol_problems pr;
	struct volumes *v = open_with("TVOL50 10 19\nTVOL50 30 39\n", &pr);
	struct tdisk_space *sp = vol_tdisks(v);
	ck_assert_uint_eq(alloc_at(sp, "A", 0x100, 3350, 3), 10);
	ck_assert_uint_eq(alloc_at(sp, "B", 0x100, 3350, 3), 13);
	ck_assert_uint_eq(alloc_at(sp, "C", 0x100, 3350, 3), 16);
	ck_assert_uint_eq(avail(sp, 3350), 11);
	/* B's hole (13-15) is reused first; a run that does not fit goes to the next extent. */
	ck_assert(tdisk_free(sp, "b", 0x100));
	ck_assert(!tdisk_free(sp, "B", 0x100));
	ck_assert_uint_eq(alloc_at(sp, "D", 0x100, 3350, 2), 13);
	ck_assert_uint_eq(alloc_at(sp, "E", 0x100, 3350, 2), 30);	/* 15 and 19 are single holes */
	ck_assert_uint_eq(alloc_at(sp, "F", 0x100, 3350, 1), 15);
	ck_assert_uint_eq(alloc_at(sp, "F", 0x101, 3350, 1), 19);
	ck_assert_uint_eq(alloc_at(sp, "G", 0x100, 3350, 8), 32);
	ck_assert_uint_eq(avail(sp, 3350), 0);
	/* Exhausted: that is DMKDEF091E's case. */
	struct tdisk_extent x;
	ck_assert_int_eq(tdisk_alloc(sp, "H", 0x100, 3350, 1, &x), TDISK_NO_SPACE);
	/* The same user and address twice. */
	ck_assert_int_eq(tdisk_alloc(sp, "G", 0x100, 3350, 1, &x), TDISK_EXISTS);
	ck_assert(tdisk_at(sp, "F", 0x101, &x));
	ck_assert_str_eq(x.volser, "TVOL50");
	ck_assert_uint_eq(x.start, 19);
	/* LOGOFF gives back all of a user's. */
	ck_assert_uint_eq(tdisk_logoff(sp, "F"), 2);
	ck_assert_uint_eq(avail(sp, 3350), 2);
	ck_assert_uint_eq(alloc_at(sp, "H", 0x100, 3350, 1), 15);
	/* Bad arguments. */
	ck_assert_int_eq(tdisk_alloc(sp, "H", 0x200, 3350, 0, &x), TDISK_ERR_ARG);
	ck_assert_int_eq(tdisk_alloc(sp, "", 0x200, 3350, 1, &x), TDISK_ERR_ARG);
	ck_assert_int_eq(tdisk_alloc(sp, "H", 0x200, 0, 1, &x), TDISK_ERR_ARG);
	ck_assert_int_eq(tdisk_alloc(sp, "H", 0x200, 3350, 4000000000u, &x), TDISK_NO_SPACE);
	vol_problems_free(&pr);
	vol_close_all(v);
}
END_TEST

START_TEST(test_device_type_must_match_the_volume)
{
	struct vol_problems pr;
	struct volumes *v = open_with("TVOL14 1 19\nTVOL50 20 29\n", &pr);
	struct tdisk_space *sp = vol_tdisks(v);
	struct tdisk_extent x;
	ck_assert_int_eq(tdisk_alloc(sp, "A", 0x100, 3330, 1, &x), TDISK_NO_SPACE);
	ck_assert_int_eq(tdisk_alloc(sp, "A", 0x100, 3340, 1, &x), TDISK_NO_SPACE);
	/* A T2319 is a 2314's space; a T3350 skips the 2314 extent before it. */
	ck_assert_int_eq(tdisk_alloc(sp, "A", 0x100, 2319, 5, &x), TDISK_OK);
	ck_assert_str_eq(x.volser, "TVOL14");
	ck_assert_uint_eq(x.devtype, 2319);
	ck_assert_int_eq(tdisk_alloc(sp, "A", 0x101, 3350, 5, &x), TDISK_OK);
	ck_assert_str_eq(x.volser, "TVOL50");
	ck_assert_uint_eq(x.start, 20);
	/* More than the type has. */
	ck_assert_int_eq(tdisk_alloc(sp, "A", 0x102, 3350, 6, &x), TDISK_NO_SPACE);
	ck_assert_int_eq(tdisk_alloc(sp, "A", 0x102, 2314, 14, &x), TDISK_OK);
	ck_assert_uint_eq(avail(sp, 2314), 0);
	ck_assert_uint_eq(avail(sp, 3350), 5);
	vol_problems_free(&pr);
	vol_close_all(v);
}
END_TEST

/* ---- The directory's minidisks ---- */

static char logged[8][200];
static size_t nlogged;

static void log_line(void *arg, const char *line)
{
	(void)arg;
	if (nlogged < 8)
		snprintf(logged[nlogged++], sizeof logged[0], "%s", line);
}

static struct directory *parse_dir(const char *text)
{
	struct directory *d;
	struct dir_diags dg;
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_parse(text, strlen(text), "test", DIR_ALLOW_CLEAR, &d, &dg), DIR_OK);
	dir_diags_free(&dg);
	return d;
}

START_TEST(test_minidisks_in_the_space_are_refused)
{
	struct vol_problems pr;
	struct volumes *v = open_with("TVOL50 10 39\n", &pr);
	struct tdisk_space *sp = vol_tdisks(v);
	struct directory *d1 = parse_dir("USER A APW 1M 1M G\n"
					 " MDISK 191 3350 012 002 TVOL50 W\n"
					 " MDISK 192 3350 038 END TVOL50 W\n"
					 " MDISK 193 3350 001 005 TVOL50 W\n"	/* outside the space */
					 " MDISK 194 3350 012 002 TVOL14 W\n"	/* another volume */
					 " MDISK 195 3350 T-DISK 5\n");
	nlogged = 0;
	ck_assert_uint_eq(tdisk_set_directory(sp, d1, log_line, NULL), 4);
	ck_assert_uint_eq(nlogged, 2);
	ck_assert_str_eq(logged[0], "TDISK TVOL50 10-39: CYLINDERS 12-13 ARE MDISK A 191: NOT USED FOR T-DISKS");
	ck_assert_str_eq(logged[1], "TDISK TVOL50 10-39: CYLINDERS 38-39 ARE MDISK A 192: NOT USED FOR T-DISKS");
	/* The same directory again: nothing new to say. */
	ck_assert_uint_eq(tdisk_set_directory(sp, d1, log_line, NULL), 4);
	ck_assert_uint_eq(nlogged, 2);
	ck_assert_uint_eq(avail(sp, 3350), 26);
	/* 10-11 is too short for 3; the run after the minidisk is taken. */
	ck_assert_uint_eq(alloc_at(sp, "B", 0x100, 3350, 3), 14);
	ck_assert_uint_eq(alloc_at(sp, "B", 0x101, 3350, 2), 10);
	ck_assert_uint_eq(alloc_at(sp, "B", 0x102, 3350, 20), 17);
	struct tdisk_extent x;
	ck_assert_int_eq(tdisk_alloc(sp, "B", 0x103, 3350, 2, &x), TDISK_NO_SPACE);
	/* A new directory without those minidisks gives their cylinders back. */
	struct directory *d2 = parse_dir("USER A APW 1M 1M G\n MDISK 191 3350 001 005 TVOL50 W\n");
	ck_assert_uint_eq(tdisk_set_directory(sp, d2, log_line, NULL), 0);
	ck_assert_uint_eq(nlogged, 2);
	ck_assert_uint_eq(alloc_at(sp, "B", 0x103, 3350, 2), 12);
	ck_assert_uint_eq(alloc_at(sp, "B", 0x104, 3350, 2), 37);
	ck_assert_uint_eq(avail(sp, 3350), 1);
	dir_free(d1);
	dir_free(d2);
	vol_problems_free(&pr);
	vol_close_all(v);
}
END_TEST

/* ---- Threads ---- */

struct grabber {
	struct tdisk_space *sp;
	char userid[9];
	struct tdisk_extent got[64];
	size_t n;
};

static void *grab(void *arg)
{
	struct grabber *g = arg;
	for (unsigned vaddr = 0x100; g->n < 64; vaddr++) {
		struct tdisk_extent x;
		enum tdisk_status s = tdisk_alloc(g->sp, g->userid, vaddr, 3350, 1, &x);
		if (s != TDISK_OK)
			break;
		g->got[g->n++] = x;
	}
	return NULL;
}

START_TEST(test_two_threads_never_share_a_cylinder)
{
	struct vol_problems pr;
	struct volumes *v = open_with("TVOL50 1 39\nPLAIN5 1 7\n", &pr);
	struct grabber a = {.sp = vol_tdisks(v), .userid = "ALICE"}, b = {.sp = vol_tdisks(v), .userid = "BOB"};
	pthread_t ta, tb;
	ck_assert_int_eq(pthread_create(&ta, NULL, grab, &a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, grab, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ck_assert_uint_eq(a.n + b.n, 46);
	/* Every cylinder of the space exactly once. */
	bool seen50[40] = {false}, seen5[8] = {false};
	struct grabber *gs[2] = {&a, &b};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < gs[k]->n; i++) {
			const struct tdisk_extent *x = &gs[k]->got[i];
			bool *seen = strcmp(x->volser, "TVOL50") == 0 ? seen50 : seen5;
			ck_assert(!seen[x->start]);
			seen[x->start] = true;
		}
	ck_assert_uint_eq(avail(vol_tdisks(v), 3350), 0);
	ck_assert_uint_eq(vol_release_tdisks(v, "ALICE"), a.n);
	ck_assert_uint_eq(avail(vol_tdisks(v), 3350), a.n);
	vol_problems_free(&pr);
	vol_close_all(v);
}
END_TEST

/* ---- Clearing ---- */

/* Write a track with a record of data at (cc, hh) of volser. */
static void dirty_track(struct volumes *v, const char *volser, uint32_t cc, uint32_t hh)
{
	struct vol_info vi;
	ck_assert(vol_find(v, volser, &vi));
	size_t size = ckd_trksize(vi.ckd);
	uint8_t *trk = malloc(size), data[800];
	ck_assert_ptr_nonnull(trk);
	memset(data, 0xC1, sizeof data);
	ck_assert_int_eq(ckd_track_format(trk, size, (uint16_t)cc, (uint16_t)hh), DASD_OK);
	ck_assert_int_eq(ckd_track_append(trk, size, 1, NULL, 0, data, sizeof data), DASD_OK);
	size_t used;
	ck_assert_int_eq(ckd_track_check(trk, size, (uint16_t)cc, (uint16_t)hh, &used, NULL), DASD_OK);
	ck_assert_int_eq(ckd_write_track(vi.ckd, cc, hh, trk, used), DASD_OK);
	free(trk);
}

/* Does (cc, hh) of volser have a record 1? */
static bool has_r1(struct volumes *v, const char *volser, uint32_t cc, uint32_t hh)
{
	struct vol_info vi;
	ck_assert(vol_find(v, volser, &vi));
	size_t size = ckd_trksize(vi.ckd);
	uint8_t *trk = malloc(size);
	ck_assert_ptr_nonnull(trk);
	ck_assert_int_eq(ckd_read_track(vi.ckd, cc, hh, trk), DASD_OK);
	struct ckd_record rec;
	bool found = ckd_track_find(trk, size, (uint16_t)cc, (uint16_t)hh, 1, &rec) == DASD_OK;
	free(trk);
	return found;
}

START_TEST(test_allocation_clears_what_the_last_user_left)
{
	struct vol_problems pr;
	struct volumes *v = open_with("TVOL50 10 12\nPLAIN5 2 4\n", &pr);
	struct tdisk_space *sp = vol_tdisks(v);
	/* The last user's data (or a crashed session's) on both kinds of image. */
	dirty_track(v, "TVOL50", 10, 0);
	dirty_track(v, "TVOL50", 11, 29);
	dirty_track(v, "TVOL50", 13, 0);	/* outside the space: left alone */
	dirty_track(v, "PLAIN5", 3, 7);
	ck_assert(has_r1(v, "TVOL50", 10, 0) && has_r1(v, "PLAIN5", 3, 7));
	ck_assert_uint_eq(alloc_at(sp, "A", 0x100, 3350, 3), 10);
	ck_assert(!has_r1(v, "TVOL50", 10, 0));
	ck_assert(!has_r1(v, "TVOL50", 11, 29));
	ck_assert(has_r1(v, "TVOL50", 13, 0));
	ck_assert_uint_eq(alloc_at(sp, "A", 0x101, 3350, 3), 2);
	ck_assert(!has_r1(v, "PLAIN5", 3, 7));
	/* tdisk_clear's own arguments. */
	struct vol_info vi;
	ck_assert(vol_find(v, "PLAIN5", &vi));
	ck_assert_int_eq(tdisk_clear(vi.ckd, 7, 2), TDISK_ERR_ARG);
	ck_assert_int_eq(tdisk_clear(vi.ckd, 8, 1), TDISK_ERR_ARG);
	ck_assert_int_eq(tdisk_clear(vi.ckd, 1, 0), TDISK_ERR_ARG);
	ck_assert_int_eq(tdisk_clear(NULL, 1, 1), TDISK_ERR_ARG);
	ck_assert_int_eq(tdisk_clear(vi.ckd, 7, 1), TDISK_OK);
	vol_problems_free(&pr);
	vol_close_all(v);
}
END_TEST

START_TEST(test_clearing_an_untouched_compressed_space_writes_nothing)
{
	struct vol_problems pr;
	struct volumes *v = open_with("TVOL50 1 39\n", &pr);
	char path[sizeof vdir + 32];
	snprintf(path, sizeof path, "%s/TVOL50.3350.cckd", vdir);
	struct stat before, after;
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert_uint_eq(alloc_at(vol_tdisks(v), "A", 0x100, 3350, 39), 1);
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_int_eq(before.st_size, after.st_size);
	vol_problems_free(&pr);
	vol_close_all(v);
}
END_TEST

/* ---- Through a real system: DEFINE, QUERY VIRTUAL, DETACH, LOGOFF, FORCE ---- */

static const char sys_dir_text[] =
	"USER OPERATOR OPERPW 1M 16M ABCDEFG\n"
	" CONSOLE 009 3215\n"
	"USER USER1 USER1PW 1M 4M G\n"
	" CONSOLE 009 3215\n"
	" MDISK 191 3350 001 005 TSTVOL MR\n"
	"USER USER2 USER2PW 1M 4M G\n"
	" CONSOLE 009 3215\n"
	" MDISK 191 3350 006 005 TSTVOL MR\n"
	"USER USER3 USER3PW 1M 4M G\n"
	" CONSOLE 009 3215\n"
	" MDISK 195 3350 T-DISK 3\n"
	" MDISK 196 3330 T-DISK 1\n";

static struct directory *sdir;
static struct cpsys *sys;
static pthread_mutex_t oper_mx = PTHREAD_MUTEX_INITIALIZER;
static char oper_lines[16][200];
static size_t noper;

static void oper_log(void *ctx, const char *line)
{
	(void)ctx;
	pthread_mutex_lock(&oper_mx);
	if (noper < 16)
		snprintf(oper_lines[noper++], sizeof oper_lines[0], "%s", line);
	pthread_mutex_unlock(&oper_mx);
}

static bool oper_said(const char *part)
{
	bool found = false;
	pthread_mutex_lock(&oper_mx);
	for (size_t i = 0; i < noper; i++)
		found |= strstr(oper_lines[i], part) != NULL;
	pthread_mutex_unlock(&oper_mx);
	return found;
}

struct user {
	struct rec_term rec;
	struct vmblok *vm;
};
static struct user user1, user2;

/* Log userid on at u's new recording terminal, as terminal address line. */
static void logon(struct user *u, const char *userid, unsigned line)
{
	memset(u, 0, sizeof *u);
	rec_term_init(&u->rec);
	u->vm = rec_logon(sys, dir_find(sdir, userid), &u->rec, line);
}

/* Type line (the first string) and expect exactly the lines given. */
#define EXPECT(u, ...) REC_TYPE_EXPECT(sys, &(u)->rec, __VA_ARGS__)

static void sys_setup(void)
{
	setup();
	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_int_eq(vol_create(vdir, "TSTVOL", "3350", 40, true, NULL, 0), VOL_OK);
	/* 5-10 are USER1's and USER2's minidisks: refused, so the space is 11-24. */
	write_text(VOL_TDISK_FILE, "TSTVOL 5 24\n");
	struct dir_diags dg;
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_parse(sys_dir_text, strlen(sys_dir_text), "test", DIR_ALLOW_CLEAR, &sdir, &dg),
			 DIR_OK);
	dir_diags_free(&dg);
	noper = 0;
	struct cpsys_config cfg = {.dir = sdir, .volumes_dir = vdir, .threads = 1, .oper_log = oper_log};
	sys = cpsys_new(&cfg);
	ck_assert_ptr_nonnull(sys);
}

static void sys_teardown(void)
{
	cpsys_free(sys);
	dir_free(sdir);
	teardown();
}

static uint32_t sys_avail(void)
{
	return avail(vol_tdisks(cpsys_volumes(sys)), 3350);
}

START_TEST(test_define_query_detach_through_the_system)
{
	logon(&user1, "USER1", 0x020);
	ck_assert_uint_eq(sys_avail(), 20);	/* nothing refused before the first DEFINE */
	EXPECT(&user1, "DEFINE T3350 AS 1A0 CYL 5", "DASD 1A0 DEFINED");
	ck_assert(oper_said("CYLINDERS 5-5 ARE MDISK USER1 191"));
	ck_assert(oper_said("CYLINDERS 6-10 ARE MDISK USER2 191"));
	ck_assert_uint_eq(sys_avail(), 9);
	EXPECT(&user1, "QUERY VIRTUAL 1A0", "DASD 1A0 3350 (TEMP) R/W 005 CYL");
	EXPECT(&user1, "QUERY VIRTUAL DASD", "DASD 191 3350 TSTVOL R/W 005 CYL", "DASD 1A0 3350 (TEMP) R/W 005 CYL");
	struct tdisk_extent x;
	ck_assert(tdisk_at(vol_tdisks(cpsys_volumes(sys)), "USER1", 0x1A0, &x));
	ck_assert_uint_eq(x.start, 11);
	/* Errors: the address in use, another type, more than is left. */
	EXPECT(&user1, "DEFINE T3350 1A0 1", "DEV 1A0 NOT DEFINED; DEV 1A0 ALREADY DEFINED");
	EXPECT(&user1, "DEFINE T3330 1A1 1", "DASD 1A1 NOT DEFINED; TEMP SPACE NOT AVAILABLE");
	EXPECT(&user1, "DEFINE T3350 1A1 10", "DASD 1A1 NOT DEFINED; TEMP SPACE NOT AVAILABLE");
	EXPECT(&user1, "DEFINE T3350 1A1 9", "DASD 1A1 DEFINED");
	ck_assert_uint_eq(sys_avail(), 0);
	/* DETACH gives the space back; a range too. */
	EXPECT(&user1, "DETACH 1A0", "DASD 1A0 DETACHED");
	ck_assert_uint_eq(sys_avail(), 5);
	EXPECT(&user1, "QUERY VIRTUAL 1A0", "DEV 1A0 DOES NOT EXIST");
	EXPECT(&user1, "DEFINE T3350 1A2 2", "DASD 1A2 DEFINED");
	EXPECT(&user1, "DETACH 1A1-1A2", "1A1 1A2 DETACHED");
	ck_assert_uint_eq(sys_avail(), 14);
}
END_TEST

START_TEST(test_logoff_and_force_give_the_space_back)
{
	logon(&user1, "USER1", 0x020);
	logon(&user2, "USER2", 0x021);
	EXPECT(&user1, "DEFINE T3350 1A0 4", "DASD 1A0 DEFINED");
	EXPECT(&user1, "DEFINE T3350 1A1 4", "DASD 1A1 DEFINED");
	EXPECT(&user2, "DEFINE T3350 2A0 6", "DASD 2A0 DEFINED");
	ck_assert_uint_eq(sys_avail(), 0);
	rec_send(&user1.rec, "LOGOFF");
	rec_pump_users(sys, 1);
	ck_assert_uint_eq(sys_avail(), 8);
	ck_assert(cpsys_force(sys, "USER2"));
	rec_pump_users(sys, 0);
	ck_assert_uint_eq(sys_avail(), 14);
}
END_TEST

START_TEST(test_the_next_user_finds_no_old_data)
{
	logon(&user1, "USER1", 0x020);
	logon(&user2, "USER2", 0x021);
	EXPECT(&user1, "DEFINE T3350 1A0 2", "DASD 1A0 DEFINED");
	/* USER1 writes on his T-disk (as its channel programs would: real cylinders 11-12). */
	struct volumes *v = cpsys_volumes(sys);
	dirty_track(v, "TSTVOL", 11, 3);
	dirty_track(v, "TSTVOL", 12, 29);
	EXPECT(&user1, "DETACH 1A0", "DASD 1A0 DETACHED");
	EXPECT(&user2, "DEFINE T3350 2A0 14", "DASD 2A0 DEFINED");
	EXPECT(&user2, "Q V 2A0", "DASD 2A0 3350 (TEMP) R/W 014 CYL");
	ck_assert(!has_r1(v, "TSTVOL", 11, 3));
	ck_assert(!has_r1(v, "TSTVOL", 12, 29));
}
END_TEST

/* The directory's T-DISK statements are DEFINEd at logon, with DEFINE's answers. */
START_TEST(test_directory_tdisks_are_defined_at_logon)
{
	logon(&user1, "USER3", 0x022);
	EXPECT(&user1, "Q V 195", "DASD 195 3350 (TEMP) R/W 003 CYL");
	EXPECT(&user1, "Q V 196", "DEV 196 DOES NOT EXIST");	/* no 3330 space */
	ck_assert_uint_eq(sys_avail(), 11);	/* 14 once the minidisks' 5-10 are refused */
	rec_send(&user1.rec, "LOGOFF");
	rec_pump_users(sys, 0);
	ck_assert_uint_eq(sys_avail(), 14);
}
END_TEST

START_TEST(test_a_system_without_tdisk_space_answers_091e)
{
	/* The old answer when the volumes folder has no TDISK file. */
	cpsys_free(sys);
	char path[sizeof vdir + 32];
	snprintf(path, sizeof path, "%s/%s", vdir, VOL_TDISK_FILE);
	ck_assert_int_eq(unlink(path), 0);
	struct cpsys_config cfg = {.dir = sdir, .volumes_dir = vdir, .threads = 1};
	sys = cpsys_new(&cfg);
	ck_assert_ptr_nonnull(sys);
	logon(&user1, "USER1", 0x020);
	EXPECT(&user1, "DEFINE T3350 1A0 1", "DASD 1A0 NOT DEFINED; TEMP SPACE NOT AVAILABLE");
	EXPECT(&user1, "Q V 1A0", "DEV 1A0 DOES NOT EXIST");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tdisk");
	TCase *tc = tcase_create("space");
	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_no_tdisk_file_means_no_space);
	tcase_add_test(tc, test_tdisk_file_lines_good_and_bad);
	tcase_add_test(tc, test_only_bad_lines_mean_no_space);
	tcase_add_test(tc, test_first_fit_fragmentation_and_reuse);
	tcase_add_test(tc, test_device_type_must_match_the_volume);
	tcase_add_test(tc, test_minidisks_in_the_space_are_refused);
	tcase_add_test(tc, test_two_threads_never_share_a_cylinder);
	tcase_add_test(tc, test_allocation_clears_what_the_last_user_left);
	tcase_add_test(tc, test_clearing_an_untouched_compressed_space_writes_nothing);
	suite_add_tcase(s, tc);
	TCase *ts = tcase_create("system");
	tcase_set_timeout(ts, 20);
	tcase_add_checked_fixture(ts, sys_setup, sys_teardown);
	tcase_add_test(ts, test_define_query_detach_through_the_system);
	tcase_add_test(ts, test_logoff_and_force_give_the_space_back);
	tcase_add_test(ts, test_the_next_user_finds_no_old_data);
	tcase_add_test(ts, test_directory_tdisks_are_defined_at_logon);
	tcase_add_test(ts, test_a_system_without_tdisk_space_answers_091e);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return check_run(suite());
}
