/*
 * check_spool.c - the CP spool file store (cp/spool.c): writing, listing and reading files, the
 * spoolid sequence, the queue commands with their exact responses, permissions, restart and crash
 * recovery, host import and export, and damaged spool directories.
 *
 * Fixture: a fresh temporary directory per test, the spool in its "spool" subdirectory, an arrival
 * callback that records the notices. Times are shown in UTC.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cp/spool.h"
#include "lib/ebcdic.h"
#include "tests/check_run.h"

static char tmpdir[64], spooldir[128];
static struct spool *sp;
static struct spool_recovery rec;
static char notices[16][160];
static int nnotices;

static const struct spool_actor MAINT = { "MAINT", false };
static const struct spool_actor CMSUSER = { "CMSUSER", false };
static const struct spool_actor OPER = { "OPERATOR", true };

static void arrival(void *arg, const struct spool_file_info *f, const char *from, bool transfer)
{
	(void)arg;
	if (nnotices < 16) {
		char line[128];
		spool_fmt_arrival(line, sizeof line, f, from, transfer);
		snprintf(notices[nnotices++], sizeof notices[0], "%s: %s", f->owner, line);
	}
}

static const struct spool_config cfg = { arrival, NULL };

static void open_spool(void)
{
	spool_recovery_free(&rec);
	ck_assert_int_eq(spool_open(spooldir, &cfg, &sp, &rec), SPOOL_OK);
}

static void reopen(void)
{
	spool_close(sp);
	sp = NULL;
	open_spool();
}

static void setup(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	strcpy(tmpdir, "/tmp/check_spool.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(spooldir, sizeof spooldir, "%s/spool", tmpdir);
	nnotices = 0;
	memset(&rec, 0, sizeof rec);
	open_spool();
}

static void teardown(void)
{
	char cmd[160];
	spool_close(sp);
	sp = NULL;
	spool_recovery_free(&rec);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0) {
		/* a leftover temporary directory is harmless */
	}
}

static const char *spath(const char *name)
{
	static char p[256];
	snprintf(p, sizeof p, "%s/%s", spooldir, name);
	return p;
}

static const char *tpath(const char *name)
{
	static char p[256];
	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	return p;
}

static void put_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static char *slurp(const char *path, size_t *len)
{
	static char buf[8192];
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	*len = fread(buf, 1, sizeof buf - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* A punch file of n cards "CARD 1" ... from origin; to a reader when to is set. */
static struct spool_file_info punch(const char *origin, const char *to, char class, int n,
				    const char *name)
{
	struct spool_writer *w;
	struct spool_new nw = { .devtype = SPOOL_DEV_PUN, .origin = origin, .to = to,
				.class = class, .copies = 1, .name = name, .type = name ? "EXEC" : NULL };
	ck_assert_int_eq(spool_create(sp, &nw, &w), SPOOL_OK);
	for (int i = 1; i <= n; i++) {
		char text[SPOOL_CARD + 1];
		uint8_t card[SPOOL_CARD];
		snprintf(text, sizeof text, "%-80s", "");
		int k = snprintf(text, sizeof text, "CARD %d", i);
		text[k] = ' ';
		ascii_to_ebcdic_buf(card, text, SPOOL_CARD);
		ck_assert_int_eq(spool_write(w, 0x41, card, SPOOL_CARD), SPOOL_OK);
	}
	struct spool_file_info info;
	ck_assert_int_eq(spool_commit(w, NULL, &info), SPOOL_OK);
	return info;
}

/* The spoolids on a queue, in order, as "1 2 3". */
static const char *ids_on(enum spool_queue q, const char *user)
{
	static char out[256];
	struct spool_file_info *v;
	size_t n;
	out[0] = '\0';
	ck_assert_int_eq(spool_list(sp, &OPER, q, user, NULL, 0, &v, &n), SPOOL_OK);
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%u", i ? " " : "", v[i].id);
	free(v);
	return out;
}

#define SEL_ID(n) ((struct spool_select){ SPOOL_SEL_ID, (n), 0 })
#define SEL_CLASS(c) ((struct spool_select){ SPOOL_SEL_CLASS, 0, (c) })
#define SEL_ALL ((struct spool_select){ SPOOL_SEL_ALL, 0, 0 })

/* ---- Writing, listing, reading ---- */

START_TEST(test_closed_punch_file_is_listed_and_reads_back_card_by_card)
{
	struct spool_file_info f = punch("OPERATOR", "MAINT", 'A', 3, "PROFILE");
	ck_assert_uint_eq(f.id, 1);
	ck_assert_int_eq(f.queue, SPOOL_Q_READER);
	ck_assert_str_eq(f.owner, "MAINT");
	ck_assert_str_eq(f.origin, "OPERATOR");
	ck_assert_str_eq(f.dist, "MAINT");
	ck_assert_uint_eq(f.records, 3);
	ck_assert_uint_eq(f.order, 1);

	struct spool_file_info *v;
	size_t n;
	ck_assert_int_eq(spool_list(sp, &MAINT, SPOOL_Q_READER, "MAINT", NULL, 0, &v, &n), SPOOL_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].name, "PROFILE");
	ck_assert_str_eq(v[0].type, "EXEC");
	free(v);

	struct spool_reader *r;
	ck_assert_int_eq(spool_reader_open(sp, "MAINT", '*', &r), SPOOL_OK);
	for (int i = 1; i <= 3; i++) {
		uint8_t ccw, card[SPOOL_CARD];
		size_t len;
		char text[SPOOL_CARD + 1], want[16];
		ck_assert_int_eq(spool_reader_next(r, &ccw, card, sizeof card, &len), SPOOL_OK);
		ck_assert_uint_eq(ccw, 0x41);
		ck_assert_uint_eq(len, SPOOL_CARD);
		ebcdic_to_ascii_buf(text, card, SPOOL_CARD);
		text[6] = '\0';
		snprintf(want, sizeof want, "CARD %d", i);
		ck_assert_str_eq(text, want);
	}
	uint8_t ccw, card[SPOOL_CARD];
	size_t len;
	ck_assert_int_eq(spool_reader_next(r, &ccw, card, sizeof card, &len), SPOOL_ERR_EOF);
	/* Open: a second reader does not get it, PURGE skips it. */
	struct spool_reader *r2;
	ck_assert_int_eq(spool_reader_open(sp, "MAINT", '*', &r2), SPOOL_ERR_NOT_FOUND);
	unsigned count;
	struct spool_select all = SEL_ALL;
	ck_assert_int_eq(spool_purge(sp, &MAINT, SPOOL_Q_READER, "MAINT", &all, 1, &count), SPOOL_OK);
	ck_assert_uint_eq(count, 0);
	ck_assert_int_eq(spool_reader_close(r, SPOOL_READER_PURGE), SPOOL_OK);
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "");
	ck_assert(!exists(spath("0001.dat")) && !exists(spath("0001.meta")));
}
END_TEST

START_TEST(test_reader_skips_held_files_other_classes_and_keeps_position)
{
	punch("MAINT", "MAINT", 'B', 2, NULL);
	punch("MAINT", "MAINT", 'A', 4, NULL);
	struct spool_file_info h = punch("MAINT", "MAINT", 'A', 1, NULL);
	struct spool_change ch = { .set_hold = true, .hold = SPOOL_HOLD_USER };
	unsigned count;
	struct spool_select s1 = SEL_ID(1);
	ck_assert_int_eq(spool_change(sp, &MAINT, SPOOL_Q_READER, "MAINT", &s1, 1, &ch, &count),
			 SPOOL_OK);
	(void)h;
	struct spool_reader *r;
	/* File 1 is held, so '*' gets file 2; class B has nothing else. */
	ck_assert_int_eq(spool_reader_open(sp, "MAINT", '*', &r), SPOOL_OK);
	struct spool_file_info info;
	spool_reader_info(r, &info);
	ck_assert_uint_eq(info.id, 2);
	ck_assert(info.open);
	struct spool_reader *rb;
	ck_assert_int_eq(spool_reader_open(sp, "MAINT", 'B', &rb), SPOOL_ERR_NOT_FOUND);
	uint8_t ccw, buf[SPOOL_CARD];
	size_t len;
	ck_assert_int_eq(spool_reader_next(r, &ccw, buf, sizeof buf, &len), SPOOL_OK);
	ck_assert_int_eq(spool_reader_next(r, &ccw, buf, sizeof buf, &len), SPOOL_OK);
	ck_assert_uint_eq(spool_reader_position(r), 2);
	ck_assert_int_eq(spool_reader_seek(r, 3), SPOOL_OK);
	ck_assert_int_eq(spool_reader_next(r, &ccw, buf, sizeof buf, &len), SPOOL_OK);
	ck_assert_uint_eq(buf[5], 0xF4); /* "CARD 4" */
	ck_assert_int_eq(spool_reader_seek(r, 0), SPOOL_OK);
	ck_assert_int_eq(spool_reader_next(r, &ccw, buf, sizeof buf, &len), SPOOL_OK);
	ck_assert_uint_eq(buf[5], 0xF1);
	ck_assert_int_eq(spool_reader_seek(r, 5), SPOOL_ERR_ARG);
	ck_assert_int_eq(spool_reader_close(r, SPOOL_READER_HOLD), SPOOL_OK);
	struct spool_file_info g;
	ck_assert_int_eq(spool_get(sp, &MAINT, 2, &g), SPOOL_OK);
	ck_assert_int_eq(g.hold, SPOOL_HOLD_USER);
	ck_assert(!g.open);
	/* By spoolid (DIAGNOSE X'14' style), even a held file. */
	ck_assert_int_eq(spool_reader_open_id(sp, &MAINT, 1, &r), SPOOL_OK);
	ck_assert_int_eq(spool_reader_open_id(sp, &MAINT, 1, &rb), SPOOL_ERR_BUSY);
	ck_assert_int_eq(spool_reader_open_id(sp, &CMSUSER, 3, &rb), SPOOL_ERR_PERM);
	ck_assert_int_eq(spool_reader_close(r, SPOOL_READER_KEEP), SPOOL_OK);
}
END_TEST

START_TEST(test_discarded_file_leaves_nothing_and_frees_its_id)
{
	struct spool_writer *w;
	struct spool_new nw = { .devtype = SPOOL_DEV_PRT, .origin = "MAINT", .class = 'A' };
	ck_assert_int_eq(spool_create(sp, &nw, &w), SPOOL_OK);
	ck_assert_uint_eq(spool_writer_id(w), 1);
	ck_assert(exists(spath("0001.dat.tmp")));
	ck_assert_int_eq(spool_write(w, 0x09, (const uint8_t *)"\xC1", 1), SPOOL_OK);
	spool_discard(w);
	ck_assert(!exists(spath("0001.dat.tmp")));
	ck_assert_str_eq(ids_on(SPOOL_Q_PRINTER, NULL), "");
	/* The next file takes id 2: ids go on in sequence. */
	struct spool_file_info f = punch("MAINT", NULL, 'A', 1, NULL);
	ck_assert_uint_eq(f.id, 2);
	ck_assert_int_eq(f.queue, SPOOL_Q_PUNCH);
}
END_TEST

START_TEST(test_bad_arguments_get_a_status)
{
	struct spool_writer *w;
	struct spool_new nw = { .devtype = SPOOL_DEV_PUN, .origin = "MAINT", .class = 'a' };
	ck_assert_int_eq(spool_create(sp, &nw, &w), SPOOL_ERR_ARG);
	nw.class = 'A';
	nw.copies = 100;
	ck_assert_int_eq(spool_create(sp, &nw, &w), SPOOL_ERR_ARG);
	nw.copies = 1;
	nw.origin = "TOOLONGUSER";
	ck_assert_int_eq(spool_create(sp, &nw, &w), SPOOL_ERR_ARG);
	nw.origin = "MAINT";
	nw.name = "NAME WITH";
	ck_assert_int_eq(spool_create(sp, &nw, &w), SPOOL_ERR_ARG);
	struct spool_select bad = SEL_ID(9901);
	unsigned count;
	ck_assert_int_eq(spool_purge(sp, &MAINT, SPOOL_Q_READER, "MAINT", &bad, 1, &count),
			 SPOOL_ERR_ARG);
	struct spool_file_info info;
	ck_assert_int_eq(spool_get(sp, &MAINT, 0, &info), SPOOL_ERR_ARG);
	ck_assert_int_eq(spool_get(sp, &MAINT, 5, &info), SPOOL_ERR_NOT_FOUND);
	struct spool_reader *r;
	ck_assert_int_eq(spool_reader_open(sp, "MAINT", '?', &r), SPOOL_ERR_ARG);
	ck_assert_str_eq(spool_status_str(SPOOL_ERR_FULL), "all spoolids are in use");
}
END_TEST

/* ---- Spoolids ---- */

START_TEST(test_ids_wrap_after_9900_and_skip_ids_in_use)
{
	punch("MAINT", "MAINT", 'A', 1, NULL);
	punch("MAINT", "MAINT", 'A', 1, NULL);
	ck_assert_uint_eq(spool_next_id(sp), 3);
	spool_close(sp);
	sp = NULL;
	put_file(spath("NEXTID"), "9900\n", 5);
	open_spool();
	ck_assert_uint_eq(spool_next_id(sp), 9900);
	ck_assert_uint_eq(punch("MAINT", "MAINT", 'A', 1, NULL).id, 9900);
	ck_assert_uint_eq(punch("MAINT", "MAINT", 'A', 1, NULL).id, 3); /* 1 and 2 are in use */
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "1 2 9900 3");
}
END_TEST

static void *create_many(void *arg)
{
	const char *user = arg;
	for (int i = 0; i < 25; i++) {
		struct spool_writer *w;
		struct spool_new nw = { .devtype = SPOOL_DEV_PRT, .origin = user, .class = 'A' };
		if (spool_create(sp, &nw, &w) != SPOOL_OK)
			return (void *)1;
		if (spool_write(w, 0x09, (const uint8_t *)"\xC1", 1) != SPOOL_OK ||
		    spool_commit(w, NULL, NULL) != SPOOL_OK)
			return (void *)1;
	}
	return NULL;
}

START_TEST(test_threads_creating_files_get_distinct_ids)
{
	static const char *users[4] = { "U1", "U2", "U3", "U4" };
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, create_many, (void *)users[i]), 0);
	for (int i = 0; i < 4; i++) {
		void *rc;
		pthread_join(t[i], &rc);
		ck_assert_ptr_null(rc);
	}
	struct spool_file_info *v;
	size_t n;
	ck_assert_int_eq(spool_list(sp, &OPER, SPOOL_Q_PRINTER, NULL, NULL, 0, &v, &n), SPOOL_OK);
	ck_assert_uint_eq(n, 100);
	bool seen[101] = { false };
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_le(v[i].id, 100);
		ck_assert(!seen[v[i].id]);
		seen[v[i].id] = true;
	}
	free(v);
}
END_TEST

/* ---- Queue commands and their responses ---- */

static const char *count_line(enum spool_verb verb, unsigned n)
{
	static char line[80];
	spool_fmt_count(line, sizeof line, verb, n);
	return line;
}

START_TEST(test_purge_by_id_class_and_all_with_responses)
{
	punch("MAINT", "MAINT", 'A', 1, NULL);
	punch("MAINT", "MAINT", 'B', 1, NULL);
	punch("MAINT", "MAINT", 'B', 1, NULL);
	punch("MAINT", "MAINT", 'C', 1, NULL);
	punch("MAINT", "MAINT", 'D', 1, NULL);
	unsigned count;
	struct spool_select s = SEL_ID(1);
	ck_assert_int_eq(spool_purge(sp, &MAINT, SPOOL_Q_READER, "MAINT", &s, 1, &count), SPOOL_OK);
	ck_assert_str_eq(count_line(SPOOL_PURGED, count), "0001 FILE PURGED");
	s = SEL_CLASS('B');
	ck_assert_int_eq(spool_purge(sp, &MAINT, SPOOL_Q_READER, "MAINT", &s, 1, &count), SPOOL_OK);
	ck_assert_str_eq(count_line(SPOOL_PURGED, count), "0002 FILES PURGED");
	s = SEL_CLASS('Z');
	ck_assert_int_eq(spool_purge(sp, &MAINT, SPOOL_Q_READER, "MAINT", &s, 1, &count), SPOOL_OK);
	ck_assert_str_eq(count_line(SPOOL_PURGED, count), "NO FILES PURGED");
	/* An explicit id that is not there: the others are done, the status says so. */
	struct spool_select two[2] = { SEL_ID(4), SEL_ID(77) };
	ck_assert_int_eq(spool_purge(sp, &MAINT, SPOOL_Q_READER, "MAINT", two, 2, &count),
			 SPOOL_ERR_NOT_FOUND);
	ck_assert_uint_eq(count, 1);
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "5");
	s = SEL_ALL;
	ck_assert_int_eq(spool_purge(sp, &MAINT, SPOOL_Q_READER, "MAINT", &s, 1, &count), SPOOL_OK);
	ck_assert_uint_eq(count, 1);
	ck_assert_str_eq(count_line(SPOOL_TRANSFERRED, 12), "0012 FILES TRANSFERRED");
}
END_TEST

START_TEST(test_change_alters_attributes_and_answers)
{
	struct spool_writer *w;
	struct spool_new nw = { .devtype = SPOOL_DEV_PRT, .origin = "MAINT", .class = 'A' };
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(spool_create(sp, &nw, &w), SPOOL_OK);
		ck_assert_int_eq(spool_commit(w, NULL, NULL), SPOOL_OK);
	}
	struct spool_change ch = { .class = 'X', .copies = 5, .set_hold = true,
				   .hold = SPOOL_HOLD_USER, .dist = "BLDG5", .set_name = true,
				   .name = "REPORT", .type = "LISTING" };
	struct spool_select all = SEL_ALL;
	unsigned count;
	ck_assert_int_eq(spool_change(sp, &MAINT, SPOOL_Q_PRINTER, "MAINT", &all, 1, &ch, &count),
			 SPOOL_OK);
	ck_assert_str_eq(count_line(SPOOL_CHANGED, count), "0002 FILES CHANGED");
	struct spool_file_info f;
	ck_assert_int_eq(spool_get(sp, &MAINT, 2, &f), SPOOL_OK);
	ck_assert_int_eq(f.class, 'X');
	ck_assert_uint_eq(f.copies, 5);
	ck_assert_int_eq(f.hold, SPOOL_HOLD_USER);
	ck_assert_str_eq(f.dist, "BLDG5");
	ck_assert_str_eq(f.name, "REPORT");
	ck_assert_str_eq(f.type, "LISTING");
	ch = (struct spool_change){ .class = 'a' };
	ck_assert_int_eq(spool_change(sp, &MAINT, SPOOL_Q_PRINTER, "MAINT", &all, 1, &ch, &count),
			 SPOOL_ERR_ARG);
	struct spool_select none = SEL_CLASS('Q');
	ch = (struct spool_change){ .class = 'B' };
	ck_assert_int_eq(spool_change(sp, &MAINT, SPOOL_Q_PRINTER, "MAINT", &none, 1, &ch, &count),
			 SPOOL_OK);
	ck_assert_str_eq(count_line(SPOOL_CHANGED, count), "NO FILES CHANGED");
}
END_TEST

START_TEST(test_order_puts_named_files_first_in_the_order_given)
{
	for (int i = 0; i < 5; i++)
		punch("MAINT", "MAINT", i == 1 || i == 3 ? 'B' : 'A', 1, NULL);
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "1 2 3 4 5");
	/* 5, then class B (2 and 4), then 5 again (moves once); the rest follow. */
	struct spool_select items[3] = { SEL_ID(5), SEL_CLASS('B'), SEL_ID(5) };
	unsigned count;
	ck_assert_int_eq(spool_order(sp, &MAINT, SPOOL_Q_READER, "MAINT", items, 3, &count), SPOOL_OK);
	ck_assert_str_eq(count_line(SPOOL_ORDERED, count), "0003 FILES ORDERED");
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "5 2 4 1 3");
	struct spool_file_info f;
	ck_assert_int_eq(spool_get(sp, &MAINT, 4, &f), SPOOL_OK);
	ck_assert_uint_eq(f.order, 3);
	struct spool_select one = SEL_ID(3);
	ck_assert_int_eq(spool_order(sp, &MAINT, SPOOL_Q_READER, "MAINT", &one, 1, &count), SPOOL_OK);
	ck_assert_str_eq(count_line(SPOOL_ORDERED, count), "0001 FILE ORDERED");
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "3 5 2 4 1");
	/* The reader takes the first in the new order. */
	struct spool_reader *r;
	ck_assert_int_eq(spool_reader_open(sp, "MAINT", '*', &r), SPOOL_OK);
	struct spool_file_info info;
	spool_reader_info(r, &info);
	ck_assert_uint_eq(info.id, 3);
	spool_reader_close(r, SPOOL_READER_KEEP);
}
END_TEST

START_TEST(test_order_on_the_printer_queue_keeps_other_users_places)
{
	struct spool_new a = { .devtype = SPOOL_DEV_PRT, .origin = "MAINT", .class = 'A' };
	struct spool_new b = { .devtype = SPOOL_DEV_PRT, .origin = "CMSUSER", .class = 'A' };
	for (int i = 0; i < 4; i++) {
		struct spool_writer *w;
		ck_assert_int_eq(spool_create(sp, i % 2 ? &b : &a, &w), SPOOL_OK);
		ck_assert_int_eq(spool_commit(w, NULL, NULL), SPOOL_OK);
	}
	/* MAINT has 1 and 3, CMSUSER 2 and 4. */
	struct spool_select s = SEL_ID(3);
	unsigned count;
	ck_assert_int_eq(spool_order(sp, &MAINT, SPOOL_Q_PRINTER, "MAINT", &s, 1, &count), SPOOL_OK);
	ck_assert_str_eq(ids_on(SPOOL_Q_PRINTER, NULL), "3 2 1 4");
}
END_TEST

START_TEST(test_transfer_moves_reader_files_and_tells_both_sides)
{
	punch("CMSUSER", "MAINT", 'A', 2, NULL);
	punch("CMSUSER", "MAINT", 'A', 2, NULL);
	nnotices = 0;
	unsigned ids[4], count;
	struct spool_select s = SEL_ID(2);
	ck_assert_int_eq(spool_transfer(sp, &MAINT, "MAINT", &s, 1, "OPERATOR", ids, 4, &count),
			 SPOOL_OK);
	ck_assert_uint_eq(count, 1);
	char line[80];
	spool_fmt_transferred(line, sizeof line, ids[0], "OPERATOR");
	ck_assert_str_eq(line, "RDR FILE 0002 TRANSFERRED TO OPERATOR");
	ck_assert_int_eq(nnotices, 1);
	ck_assert_str_eq(notices[0], "OPERATOR: RDR FILE 0002 TRANSFERRED FROM MAINT");
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "OPERATOR"), "2");
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "1");
	/* CMSUSER originated both: he may reclaim them from anyone (FROM ALL), only into his own
	 * reader; he may not send them elsewhere. */
	struct spool_select all = SEL_ALL;
	ck_assert_int_eq(spool_transfer(sp, &CMSUSER, NULL, &all, 1, "MAINT", ids, 4, &count),
			 SPOOL_OK);
	ck_assert_uint_eq(count, 0);
	ck_assert_int_eq(spool_transfer(sp, &CMSUSER, NULL, &all, 1, "CMSUSER", ids, 4, &count),
			 SPOOL_OK);
	ck_assert_str_eq(count_line(SPOOL_TRANSFERRED, count), "0002 FILES TRANSFERRED");
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "CMSUSER"), "1 2");
	/* MAINT does not own 1 any more. */
	s = SEL_ID(1);
	ck_assert_int_eq(spool_transfer(sp, &MAINT, "CMSUSER", &s, 1, "MAINT", ids, 4, &count),
			 SPOOL_ERR_NOT_FOUND);
	ck_assert_uint_eq(count, 0);
	/* The operator may move anything. */
	ck_assert_int_eq(spool_transfer(sp, &OPER, "CMSUSER", &s, 1, "MAINT", ids, 4, &count),
			 SPOOL_OK);
	ck_assert_uint_eq(count, 1);
}
END_TEST

/* ---- Permissions ---- */

START_TEST(test_users_touch_only_their_own_files_operators_any)
{
	punch("MAINT", "MAINT", 'A', 1, NULL);
	struct spool_file_info *v;
	size_t n;
	ck_assert_int_eq(spool_list(sp, &CMSUSER, SPOOL_Q_READER, "MAINT", NULL, 0, &v, &n),
			 SPOOL_ERR_PERM);
	ck_assert_int_eq(spool_list(sp, &CMSUSER, SPOOL_Q_READER, NULL, NULL, 0, &v, &n),
			 SPOOL_ERR_PERM);
	struct spool_file_info f;
	ck_assert_int_eq(spool_get(sp, &CMSUSER, 1, &f), SPOOL_ERR_PERM);
	unsigned count;
	struct spool_select s = SEL_ID(1);
	ck_assert_int_eq(spool_purge(sp, &CMSUSER, SPOOL_Q_READER, "MAINT", &s, 1, &count),
			 SPOOL_ERR_PERM);
	ck_assert_int_eq(spool_purge(sp, &CMSUSER, SPOOL_Q_READER, "CMSUSER", &s, 1, &count),
			 SPOOL_ERR_NOT_FOUND);
	struct spool_change ch = { .class = 'B' };
	ck_assert_int_eq(spool_change(sp, &CMSUSER, SPOOL_Q_READER, "MAINT", &s, 1, &ch, &count),
			 SPOOL_ERR_PERM);
	ck_assert_int_eq(spool_order(sp, &CMSUSER, SPOOL_Q_READER, "MAINT", &s, 1, &count),
			 SPOOL_ERR_PERM);
	ck_assert_int_eq(spool_transfer(sp, &CMSUSER, "MAINT", &s, 1, "CMSUSER", NULL, 0, &count),
			 SPOOL_ERR_NOT_FOUND);
	ck_assert_int_eq(spool_export(sp, &CMSUSER, 1, tpath("x"), SPOOL_EXPORT_TEXT),
			 SPOOL_ERR_PERM);
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "1");
	ck_assert_int_eq(spool_list(sp, &OPER, SPOOL_Q_READER, NULL, NULL, 0, &v, &n), SPOOL_OK);
	ck_assert_uint_eq(n, 1);
	free(v);
	ck_assert_int_eq(spool_purge(sp, &OPER, SPOOL_Q_READER, NULL, &s, 1, &count), SPOOL_OK);
	ck_assert_uint_eq(count, 1);
}
END_TEST

/* ---- Responses ---- */

START_TEST(test_query_close_arrival_and_files_lines)
{
	nnotices = 0;
	struct spool_file_info f = punch("OPERATOR", "MAINT", 'A', 3, "PROFILE");
	char line[160];
	spool_fmt_query_header(line, sizeof line, false);
	ck_assert_str_eq(line, "OWNERID  FILE CLASS RECDS  CPY HOLD");
	spool_fmt_query_line(line, sizeof line, &f, false);
	ck_assert_str_eq(line, "MAINT    0001 A PUN 000003 01 NONE");
	spool_fmt_query_header(line, sizeof line, true);
	ck_assert_str_eq(line, "OWNERID  FILE CLASS RECDS  CPY HOLD  DATE  TIME    NAME     TYPE     DIST");
	f.created = 1700000000; /* 2023-11-14 22:13:20 UTC */
	spool_fmt_query_line(line, sizeof line, &f, true);
	ck_assert_str_eq(line, "MAINT    0001 A PUN 000003 01 NONE 11/14 22:13:20 PROFILE  EXEC     MAINT");
	spool_fmt_close(line, sizeof line, &f);
	ck_assert_str_eq(line, "PUN FILE 0001 TO MAINT COPY 01 NOHOLD");
	ck_assert_int_eq(nnotices, 1);
	ck_assert_str_eq(notices[0], "MAINT: PUN FILE 0001 FROM OPERATOR COPY 01 NOHOLD");
	struct spool_writer *w;
	struct spool_new nw = { .devtype = SPOOL_DEV_PRT, .origin = "MAINT", .owner = "CMSUSER",
				.class = 'A', .copies = 2, .hold = SPOOL_HOLD_USER };
	ck_assert_int_eq(spool_create(sp, &nw, &w), SPOOL_OK);
	ck_assert_int_eq(spool_commit(w, NULL, &f), SPOOL_OK);
	spool_fmt_close(line, sizeof line, &f);
	ck_assert_str_eq(line, "PRT FILE 0002 FOR CMSUSER COPY 02 HOLD");
	ck_assert_int_eq(nnotices, 1); /* the system queue tells nobody */
	unsigned counts[3];
	spool_count(sp, "MAINT", 0, counts);
	spool_fmt_files(line, sizeof line, counts);
	ck_assert_str_eq(line, "FILES: 001 RDR, NO PRT, NO PUN");
	spool_count(sp, "CMSUSER", 0, counts);
	spool_fmt_files(line, sizeof line, counts);
	ck_assert_str_eq(line, "FILES: NO RDR, 001 PRT, NO PUN");
}
END_TEST

/* ---- Restart and recovery ---- */

static void same_info(const struct spool_file_info *a, const struct spool_file_info *b)
{
	ck_assert_uint_eq(a->id, b->id);
	ck_assert_int_eq(a->devtype, b->devtype);
	ck_assert_int_eq(a->queue, b->queue);
	ck_assert_str_eq(a->owner, b->owner);
	ck_assert_str_eq(a->origin, b->origin);
	ck_assert_int_eq(a->class, b->class);
	ck_assert_uint_eq(a->records, b->records);
	ck_assert_uint_eq(a->copies, b->copies);
	ck_assert_int_eq(a->hold, b->hold);
	ck_assert_str_eq(a->dist, b->dist);
	ck_assert_str_eq(a->name, b->name);
	ck_assert_str_eq(a->type, b->type);
	ck_assert(a->created == b->created);
	ck_assert_uint_eq(a->order, b->order);
}

START_TEST(test_files_survive_a_restart_with_attributes_order_and_next_id)
{
	punch("OPERATOR", "MAINT", 'A', 3, "PROFILE");
	punch("OPERATOR", "MAINT", 'B', 2, NULL);
	punch("OPERATOR", "MAINT", 'C', 1, NULL);
	struct spool_select s = SEL_ID(3);
	unsigned count;
	ck_assert_int_eq(spool_order(sp, &MAINT, SPOOL_Q_READER, "MAINT", &s, 1, &count), SPOOL_OK);
	struct spool_change ch = { .copies = 0, .class = 'Q', .set_hold = true,
				   .hold = SPOOL_HOLD_USER };
	s = SEL_ID(1);
	ck_assert_int_eq(spool_change(sp, &MAINT, SPOOL_Q_READER, "MAINT", &s, 1, &ch, &count),
			 SPOOL_OK);
	struct spool_file_info *before, *after;
	size_t nb, na;
	ck_assert_int_eq(spool_list(sp, &OPER, SPOOL_Q_READER, NULL, NULL, 0, &before, &nb), SPOOL_OK);
	unsigned next = spool_next_id(sp);
	reopen();
	ck_assert_uint_eq(rec.files, 3);
	ck_assert_uint_eq(rec.debris, 0);
	ck_assert_uint_eq(rec.unreadable, 0);
	ck_assert_uint_eq(spool_next_id(sp), next);
	ck_assert_int_eq(spool_list(sp, &OPER, SPOOL_Q_READER, NULL, NULL, 0, &after, &na), SPOOL_OK);
	ck_assert_uint_eq(na, nb);
	for (size_t i = 0; i < nb; i++)
		same_info(&before[i], &after[i]);
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "3 1 2");
	ck_assert_int_eq(after[1].class, 'Q');
	ck_assert_int_eq(after[1].hold, SPOOL_HOLD_USER);
	free(before);
	free(after);
	/* The data too. */
	struct spool_reader *r;
	ck_assert_int_eq(spool_reader_open_id(sp, &MAINT, 1, &r), SPOOL_OK);
	uint8_t ccw, buf[SPOOL_CARD];
	size_t len;
	int recs = 0;
	while (spool_reader_next(r, &ccw, buf, sizeof buf, &len) == SPOOL_OK)
		recs++;
	ck_assert_int_eq(recs, 3);
	spool_reader_close(r, SPOOL_READER_KEEP);
	ck_assert_uint_eq(punch("MAINT", "MAINT", 'A', 1, NULL).id, next);
}
END_TEST

START_TEST(test_crash_debris_is_removed_and_committed_files_stay)
{
	punch("OPERATOR", "MAINT", 'A', 3, "PROFILE");
	punch("OPERATOR", "MAINT", 'A', 2, NULL);
	/* A killed process: a file being written, a half-written attribute rewrite of file 1, a
	 * commit that renamed its data but never wrote its metadata. */
	put_file(spath("0005.dat.tmp"), "\x41\x00\x50garbage", 10);
	put_file(spath("0001.meta.tmp"), "cambridge-spool 1\nid 0001\ndevtype P", 35);
	put_file(spath("0007.dat"), "\x41\x00\x01\x40", 4);
	reopen();
	ck_assert_uint_eq(rec.files, 2);
	ck_assert_uint_eq(rec.debris, 3);
	ck_assert_uint_eq(rec.unreadable, 0);
	ck_assert(!exists(spath("0005.dat.tmp")));
	ck_assert(!exists(spath("0001.meta.tmp")));
	ck_assert(!exists(spath("0007.dat")));
	struct spool_file_info f;
	ck_assert_int_eq(spool_get(sp, &MAINT, 1, &f), SPOOL_OK);
	ck_assert_str_eq(f.name, "PROFILE");
	ck_assert_uint_eq(f.records, 3);
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "1 2");
}
END_TEST

START_TEST(test_garbage_in_the_spool_directory_is_reported_and_skipped)
{
	punch("OPERATOR", "MAINT", 'A', 1, NULL);
	punch("OPERATOR", "MAINT", 'A', 1, NULL);
	put_file(spath("junk.txt"), "hello", 5);
	/* A truncated metadata file in place (written by something else than the spool). */
	put_file(spath("0003.meta"), "cambridge-spool 1\nid 0003\n", 26);
	put_file(spath("0003.dat"), "", 0);
	/* Metadata whose data is missing, and one with the wrong size. */
	size_t len;
	char *meta = slurp(spath("0002.meta"), &len);
	char copy[4096];
	memcpy(copy, meta, len + 1);
	char *idp = strstr(copy, "id 0002");
	ck_assert_ptr_nonnull(idp);
	idp[6] = '4';
	put_file(spath("0004.meta"), copy, len);
	put_file(spath("0002.dat"), "\x41\x00\x01", 3); /* size no longer matches */
	/* Binary noise. */
	uint8_t noise[300];
	for (size_t i = 0; i < sizeof noise; i++)
		noise[i] = (uint8_t)(i * 37 + 11);
	put_file(spath("0006.meta"), noise, sizeof noise);
	put_file(spath("NEXTID"), "banana", 6);
	reopen();
	ck_assert_uint_eq(rec.files, 1);
	ck_assert_uint_eq(rec.debris, 0);
	ck_assert_uint_eq(rec.unreadable, 6);
	ck_assert_uint_eq(rec.nbad, 6);
	bool saw_junk = false, saw3 = false;
	for (size_t i = 0; i < rec.nbad; i++) {
		saw_junk |= !strcmp(rec.bad[i], "junk.txt");
		saw3 |= !strcmp(rec.bad[i], "0003.meta");
	}
	ck_assert(saw_junk && saw3);
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "1");
	/* The unreadable entries keep their ids and their files. */
	ck_assert(exists(spath("0003.dat")) && exists(spath("junk.txt")));
	ck_assert_uint_eq(punch("MAINT", "MAINT", 'A', 1, NULL).id, 5);
	ck_assert_uint_eq(punch("MAINT", "MAINT", 'A', 1, NULL).id, 7);
}
END_TEST

/* ---- Host exchange ---- */

START_TEST(test_text_import_makes_cards_and_exports_back)
{
	put_file(tpath("in.txt"), "HELLO WORLD\r\n\tTAB\nLAST", 23);
	struct spool_new nw = { .origin = "OPERATOR", .to = "MAINT", .class = 'A', .name = "TEST",
				.type = "DATA" };
	struct spool_file_info f;
	nnotices = 0;
	ck_assert_int_eq(spool_import(sp, tpath("in.txt"), SPOOL_IMPORT_TEXT, &nw, &f), SPOOL_OK);
	ck_assert_uint_eq(f.records, 3);
	ck_assert_int_eq(f.devtype, SPOOL_DEV_PUN);
	ck_assert_str_eq(f.name, "TEST");
	ck_assert_int_eq(nnotices, 1);
	ck_assert_int_eq(spool_export(sp, &MAINT, f.id, tpath("out.txt"), SPOOL_EXPORT_TEXT), SPOOL_OK);
	size_t len;
	ck_assert_str_eq(slurp(tpath("out.txt"), &len), "HELLO WORLD\n        TAB\nLAST\n");
	/* Raw export: 80-byte EBCDIC cards, blank-padded. */
	ck_assert_int_eq(spool_export(sp, &MAINT, f.id, tpath("out.bin"), SPOOL_EXPORT_RAW), SPOOL_OK);
	char *raw = slurp(tpath("out.bin"), &len);
	ck_assert_uint_eq(len, 240);
	ck_assert_uint_eq((uint8_t)raw[0], 0xC8); /* H */
	ck_assert_uint_eq((uint8_t)raw[79], 0x40);
	/* ... and imported again as cards: the same records. */
	struct spool_file_info g;
	ck_assert_int_eq(spool_import(sp, tpath("out.bin"), SPOOL_IMPORT_CARDS, &nw, &g), SPOOL_OK);
	ck_assert_uint_eq(g.records, 3);
	ck_assert_int_eq(spool_export(sp, &OPER, g.id, tpath("again.txt"), SPOOL_EXPORT_TEXT), SPOOL_OK);
	ck_assert_str_eq(slurp(tpath("again.txt"), &len), "HELLO WORLD\n        TAB\nLAST\n");
}
END_TEST

START_TEST(test_import_refuses_bad_decks_and_leaves_nothing)
{
	struct spool_new nw = { .origin = "OPERATOR", .to = "MAINT", .class = 'A' };
	char buf[81];
	memset(buf, 0x40, sizeof buf);
	put_file(tpath("odd.bin"), buf, 81);
	ck_assert_int_eq(spool_import(sp, tpath("odd.bin"), SPOOL_IMPORT_CARDS, &nw, NULL),
			 SPOOL_ERR_FORMAT);
	memset(buf, 'X', sizeof buf);
	put_file(tpath("long.txt"), buf, 81);
	ck_assert_int_eq(spool_import(sp, tpath("long.txt"), SPOOL_IMPORT_TEXT, &nw, NULL),
			 SPOOL_ERR_FORMAT);
	ck_assert_int_eq(spool_import(sp, tpath("missing"), SPOOL_IMPORT_TEXT, &nw, NULL), SPOOL_ERR_IO);
	nw.to = NULL;
	ck_assert_int_eq(spool_import(sp, tpath("long.txt"), SPOOL_IMPORT_TEXT, &nw, NULL), SPOOL_ERR_ARG);
	ck_assert_str_eq(ids_on(SPOOL_Q_READER, "MAINT"), "");
	ck_assert(!exists(spath("0001.dat.tmp")) && !exists(spath("0002.dat")));
}
END_TEST

static void prt(struct spool_writer *w, uint8_t ccw, const char *text)
{
	uint8_t e[132];
	size_t n = text ? strlen(text) : 0;
	ascii_to_ebcdic_buf(e, text ? text : "", n);
	ck_assert_int_eq(spool_write(w, ccw, e, n), SPOOL_OK);
}

START_TEST(test_printer_file_exports_with_carriage_control_applied)
{
	struct spool_writer *w;
	struct spool_new nw = { .devtype = SPOOL_DEV_PRT, .origin = "MAINT", .class = 'A' };
	ck_assert_int_eq(spool_create(sp, &nw, &w), SPOOL_OK);
	prt(w, 0x09, "LINE1");   /* write, space 1 */
	prt(w, 0x11, "LINE2  "); /* write, space 2 (trailing blanks go) */
	prt(w, 0x8B, NULL);      /* skip to channel 1 immediate: new page */
	prt(w, 0x01, "A");       /* write without spacing */
	prt(w, 0x09, "B");       /* overprints */
	prt(w, 0x0B, NULL);      /* space 1 immediate */
	prt(w, 0x99, "TOP");     /* write, skip to channel 3 (line 13) */
	prt(w, 0x01, "END");
	struct spool_file_info f;
	ck_assert_int_eq(spool_commit(w, NULL, &f), SPOOL_OK);
	ck_assert_int_eq(spool_export(sp, &MAINT, f.id, tpath("p.txt"), SPOOL_EXPORT_TEXT), SPOOL_OK);
	size_t len;
	ck_assert_str_eq(slurp(tpath("p.txt"), &len),
			 "LINE1\nLINE2\n\n\fA\rB\n\nTOP\n\n\n\n\n\n\n\n\n\nEND\n");
	ck_assert_int_eq(spool_export(sp, &MAINT, f.id, tpath("p.bin"), SPOOL_EXPORT_RAW),
			 SPOOL_ERR_ARG);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("spool");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_closed_punch_file_is_listed_and_reads_back_card_by_card);
	tcase_add_test(tc, test_reader_skips_held_files_other_classes_and_keeps_position);
	tcase_add_test(tc, test_discarded_file_leaves_nothing_and_frees_its_id);
	tcase_add_test(tc, test_bad_arguments_get_a_status);
	tcase_add_test(tc, test_ids_wrap_after_9900_and_skip_ids_in_use);
	tcase_add_test(tc, test_threads_creating_files_get_distinct_ids);
	tcase_add_test(tc, test_purge_by_id_class_and_all_with_responses);
	tcase_add_test(tc, test_change_alters_attributes_and_answers);
	tcase_add_test(tc, test_order_puts_named_files_first_in_the_order_given);
	tcase_add_test(tc, test_order_on_the_printer_queue_keeps_other_users_places);
	tcase_add_test(tc, test_transfer_moves_reader_files_and_tells_both_sides);
	tcase_add_test(tc, test_users_touch_only_their_own_files_operators_any);
	tcase_add_test(tc, test_query_close_arrival_and_files_lines);
	tcase_add_test(tc, test_files_survive_a_restart_with_attributes_order_and_next_id);
	tcase_add_test(tc, test_crash_debris_is_removed_and_committed_files_stay);
	tcase_add_test(tc, test_garbage_in_the_spool_directory_is_reported_and_skipped);
	tcase_add_test(tc, test_text_import_makes_cards_and_exports_back);
	tcase_add_test(tc, test_import_refuses_bad_decks_and_leaves_nothing);
	tcase_add_test(tc, test_printer_file_exports_with_carriage_control_applied);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
