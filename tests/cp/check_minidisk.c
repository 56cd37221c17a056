/*
 * check_minidisk.c - unit tests for cp/minidisk.c: every LINK mode against every situation of
 * other users' links (table-driven, with the message text), passwords (right, wrong, ALL, none,
 * a hash, the limit of wrong ones), the directory's logon-time links, unlink and QUERY LINKS, the
 * users with links on a volume (QUERY DASD), and a link's device over the volumes table.
 *
 * The test directory is read with DIR_ALLOW_CLEAR, so its passwords are clear text (quick); one
 * MDISK gets a real yescrypt hash, made once per test that needs it.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp/minidisk.h"
#include "cp/passwd.h"
#include "cp/volumes.h"
#include "machine/machine.h"
#include "tests/check_run.h"

static const char base_text[] =
	"USER OWNER NOLOG\n"
	" CONSOLE 009 3215\n"
	" MDISK 191 3350 010 005 VOL001 W ALL ALL ALL\n"
	" MDISK 192 3350 020 005 VOL001 MR RPASS WPASS MPASS\n"
	" MDISK 193 3350 030 005 VOL001 MR\n"
	" MDISK 195 3350 050 005 VOL001 MR ALL\n"
	" MDISK 196 3350 060 005 NOVOL W ALL ALL ALL\n"
	" MDISK 197 3330 070 005 VOL001 W ALL ALL ALL\n"
	" MDISK 198 3350 540 030 VOL001 W ALL ALL ALL\n"
	"USER ALIAS NOLOG\n"
	" MDISK 291 3350 010 005 VOL001 RR\n"
	"USER U1 U1PW\n"
	" MDISK 191 3350 100 002 VOL001 W\n"
	" LINK OWNER 191 391 RR\n"
	" LINK OWNER 193 393 RR\n"
	" LINK NOBODY 191 491 RR\n"
	"USER U2 U2PW\n"
	"USER U3 U3PW\n";

static struct directory *dir;
static struct mdisk_table *t;

static struct directory *parse(const char *text)
{
	struct dir_diags dg;
	struct directory *d;
	dir_diags_init(&dg);
	enum dir_status st = dir_parse(text, strlen(text), "test", DIR_ALLOW_CLEAR, &d, &dg);
	for (size_t i = 0; st != DIR_OK && i < dg.n; i++)
		fprintf(stderr, "%u: %s\n", dg.v[i].line, dg.v[i].text);
	ck_assert_int_eq(st, DIR_OK);
	dir_diags_free(&dg);
	return d;
}

static void setup(void)
{
	dir = parse(base_text);
	t = mdisk_table_new();
	ck_assert_ptr_nonnull(t);
}

static void teardown(void)
{
	mdisk_table_free(t);
	dir_free(dir);
}

static enum mdisk_status link_as(const char *user, unsigned vaddr, const char *owner, unsigned ovaddr, int mode,
				 const char *pw, struct mdisk_result *r)
{
	struct mdisk_request rq = { .userid = user, .vaddr = vaddr, .owner = owner, .owner_vaddr = ovaddr,
				    .mode = mode < 0 ? DIR_MODE_R : (enum dir_mode)mode, .has_mode = mode >= 0,
				    .password = pw };
	return mdisk_link(t, dir, &rq, r);
}

/* ---- Every mode against every situation ---- */

enum situation { NONE, RO1, RW1, RO2, RW_RO, RW2, NSITUATIONS };

/* Make the other users' links of a situation to OWNER 191 (through ALIAS's 291 for one of them:
 * the same extent is the same disk). */
static void make_situation(enum situation s)
{
	struct mdisk_result r;
	switch (s) {
	case NONE:
		break;
	case RO1:
		ck_assert_int_eq(link_as("U1", 0x391, "OWNER", 0x191, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
		break;
	case RW1:
		ck_assert_int_eq(link_as("U1", 0x391, "OWNER", 0x191, DIR_MODE_MW, NULL, &r), MDISK_LINKED);
		break;
	case RO2:
		ck_assert_int_eq(link_as("U1", 0x391, "OWNER", 0x191, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
		ck_assert_int_eq(link_as("ALIAS", 0x291, "ALIAS", 0x291, -1, NULL, &r), MDISK_LINKED);
		break;
	case RW_RO:
		ck_assert_int_eq(link_as("U1", 0x391, "OWNER", 0x191, DIR_MODE_MW, NULL, &r), MDISK_LINKED);
		ck_assert_int_eq(link_as("U2", 0x391, "OWNER", 0x191, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
		break;
	case RW2:
		ck_assert_int_eq(link_as("U1", 0x391, "OWNER", 0x191, DIR_MODE_MW, NULL, &r), MDISK_LINKED);
		ck_assert_int_eq(link_as("U2", 0x391, "OWNER", 0x191, DIR_MODE_MW, NULL, &r), MDISK_LINKED);
		break;
	case NSITUATIONS:
		break;
	}
}

#define L MDISK_LINKED
#define X MDISK_REFUSED
#define RO MDISK_RO
#define RW MDISK_RW

static const struct link_case {
	enum situation sit;
	enum dir_mode mode;
	enum mdisk_status st;
	enum mdisk_access acc;
	const char *text;
} cases[] = {
	{ NONE, DIR_MODE_R, L, RO, "DASD 200 LINKED R/O" },
	{ NONE, DIR_MODE_RR, L, RO, "DASD 200 LINKED R/O" },
	{ NONE, DIR_MODE_W, L, RW, "DASD 200 LINKED R/W" },
	{ NONE, DIR_MODE_WR, L, RW, "DASD 200 LINKED R/W" },
	{ NONE, DIR_MODE_M, L, RW, "DASD 200 LINKED R/W" },
	{ NONE, DIR_MODE_MR, L, RW, "DASD 200 LINKED R/W" },
	{ NONE, DIR_MODE_MW, L, RW, "DASD 200 LINKED R/W" },

	{ RO1, DIR_MODE_R, L, RO, "DASD 200 LINKED R/O" },
	{ RO1, DIR_MODE_RR, L, RO, "DASD 200 LINKED R/O" },
	{ RO1, DIR_MODE_W, X, RO, "OWNER 191 NOT LINKED; R/O BY U1" },
	{ RO1, DIR_MODE_WR, L, RO, "DASD 200 LINKED R/O; R/O BY U1" },
	{ RO1, DIR_MODE_M, L, RW, "DASD 200 LINKED R/W; R/O BY U1" },
	{ RO1, DIR_MODE_MR, L, RW, "DASD 200 LINKED R/W; R/O BY U1" },
	{ RO1, DIR_MODE_MW, L, RW, "DASD 200 LINKED R/W; R/O BY U1" },

	{ RW1, DIR_MODE_R, X, RO, "OWNER 191 NOT LINKED; R/W BY U1" },
	{ RW1, DIR_MODE_RR, L, RO, "DASD 200 LINKED R/O; R/W BY U1" },
	{ RW1, DIR_MODE_W, X, RO, "OWNER 191 NOT LINKED; R/W BY U1" },
	{ RW1, DIR_MODE_WR, L, RO, "DASD 200 LINKED R/O; R/W BY U1" },
	{ RW1, DIR_MODE_M, X, RO, "OWNER 191 NOT LINKED; R/W BY U1" },
	{ RW1, DIR_MODE_MR, L, RO, "DASD 200 LINKED R/O; R/W BY U1" },
	{ RW1, DIR_MODE_MW, L, RW, "DASD 200 LINKED R/W; R/W BY U1" },

	{ RO2, DIR_MODE_R, L, RO, "DASD 200 LINKED R/O" },
	{ RO2, DIR_MODE_RR, L, RO, "DASD 200 LINKED R/O" },
	{ RO2, DIR_MODE_W, X, RO, "OWNER 191 NOT LINKED; R/O BY 002 USERS" },
	{ RO2, DIR_MODE_WR, L, RO, "DASD 200 LINKED R/O; R/O BY 002 USERS" },
	{ RO2, DIR_MODE_M, L, RW, "DASD 200 LINKED R/W; R/O BY 002 USERS" },
	{ RO2, DIR_MODE_MR, L, RW, "DASD 200 LINKED R/W; R/O BY 002 USERS" },
	{ RO2, DIR_MODE_MW, L, RW, "DASD 200 LINKED R/W; R/O BY 002 USERS" },

	{ RW_RO, DIR_MODE_R, X, RO, "OWNER 191 NOT LINKED; R/W BY U1" },
	{ RW_RO, DIR_MODE_RR, L, RO, "DASD 200 LINKED R/O; R/W BY U1" },
	{ RW_RO, DIR_MODE_W, X, RO, "OWNER 191 NOT LINKED; R/W BY U1" },
	{ RW_RO, DIR_MODE_WR, L, RO, "DASD 200 LINKED R/O; R/W BY U1" },
	{ RW_RO, DIR_MODE_M, X, RO, "OWNER 191 NOT LINKED; R/W BY U1" },
	{ RW_RO, DIR_MODE_MR, L, RO, "DASD 200 LINKED R/O; R/W BY U1" },
	{ RW_RO, DIR_MODE_MW, L, RW, "DASD 200 LINKED R/W; R/W BY U1; R/O BY U2" },

	{ RW2, DIR_MODE_R, X, RO, "OWNER 191 NOT LINKED; R/W BY 002 USERS" },
	{ RW2, DIR_MODE_RR, L, RO, "DASD 200 LINKED R/O; R/W BY 002 USERS" },
	{ RW2, DIR_MODE_W, X, RO, "OWNER 191 NOT LINKED; R/W BY 002 USERS" },
	{ RW2, DIR_MODE_WR, L, RO, "DASD 200 LINKED R/O; R/W BY 002 USERS" },
	{ RW2, DIR_MODE_M, X, RO, "OWNER 191 NOT LINKED; R/W BY 002 USERS" },
	{ RW2, DIR_MODE_MR, L, RO, "DASD 200 LINKED R/O; R/W BY 002 USERS" },
	{ RW2, DIR_MODE_MW, L, RW, "DASD 200 LINKED R/W; R/W BY 002 USERS" },
};

START_TEST(test_link_mode_against_situation)
{
	const struct link_case *c = &cases[_i];
	make_situation(c->sit);
	/* U3's own other link to the disk never counts against him. */
	struct mdisk_result r;
	ck_assert_int_eq(link_as("U3", 0x300, "OWNER", 0x191, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x191, (int)c->mode, NULL, &r), c->st);
	ck_assert_str_eq(r.text, c->text);
	if (c->st == MDISK_LINKED) {
		ck_assert_int_eq(r.access, c->acc);
		struct mdisk_link_info li;
		ck_assert(mdisk_link_at(t, "U3", 0x200, &li));
		ck_assert_int_eq(li.access, c->acc);
		ck_assert_str_eq(li.disk.volser, "VOL001");
		ck_assert_uint_eq(li.disk.start, 10);
		ck_assert_uint_eq(li.disk.count, 5);
	} else {
		struct mdisk_link_info li;
		ck_assert(!mdisk_link_at(t, "U3", 0x200, &li));
	}
}
END_TEST

START_TEST(test_link_message_ids)
{
	struct mdisk_result r;
	make_situation(RW1);
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x191, DIR_MODE_W, NULL, &r), MDISK_REFUSED);
	ck_assert_str_eq(cp_msg_id(r.msg), "DMKLNK106E");
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x191, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
	ck_assert_str_eq(cp_msg_id(r.msg), "DMKLNK102W");
	ck_assert_int_eq(link_as("U2", 0x200, "OWNER", 0x191, DIR_MODE_R, NULL, &r), MDISK_REFUSED);
	mdisk_logoff(t, "U1");
	ck_assert_int_eq(link_as("U2", 0x200, "OWNER", 0x191, DIR_MODE_R, NULL, &r), MDISK_LINKED);
	ck_assert_ptr_null(cp_msg_id(r.msg)); /* a plain response */
}
END_TEST

/* ---- Defaults and errors ---- */

START_TEST(test_link_defaults_and_errors)
{
	struct mdisk_result r;
	/* Another's disk: default R. */
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x191, -1, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(r.access, MDISK_RO);
	/* One's own: the MDISK's mode (W), no password, "*" for oneself. */
	ck_assert_int_eq(link_as("U1", 0x291, "*", 0x191, -1, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(r.access, MDISK_RW);
	ck_assert_str_eq(r.text, "DASD 291 LINKED R/W");
	/* Not in the directory, no such disk, not a minidisk, address in use. */
	ck_assert_int_eq(link_as("U3", 0x201, "NOBODY", 0x191, -1, NULL, &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "NOBODY 191 NOT LINKED; NOT IN CP DIRECTORY");
	ck_assert_int_eq(link_as("U3", 0x201, "OWNER", 0x999, -1, NULL, &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "OWNER 999 NOT LINKED; NOT IN CP DIRECTORY");
	ck_assert_int_eq(link_as("U3", 0x201, "OWNER", 0x009, -1, NULL, &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "OWNER 009 NOT LINKED; INVALID LINK DEVICE");
	ck_assert_int_eq(link_as("u3", 0x200, "owner", 0x195, -1, NULL, &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "OWNER 195 NOT LINKED; DASD 200 ALREADY DEFINED");
}
END_TEST

/* ---- Passwords ---- */

START_TEST(test_link_passwords_clear)
{
	struct mdisk_result r;
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x192, DIR_MODE_R, NULL, &r), MDISK_PASSWORD);
	ck_assert_str_eq(r.text, "ENTER READ PASSWORD:");
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x192, DIR_MODE_WR, NULL, &r), MDISK_PASSWORD);
	ck_assert_str_eq(r.text, "ENTER WRITE PASSWORD:");
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x192, DIR_MODE_MW, NULL, &r), MDISK_PASSWORD);
	ck_assert_str_eq(r.text, "ENTER MULT PASSWORD:");
	struct mdisk_link_info li;
	ck_assert(!mdisk_link_at(t, "U3", 0x200, &li)); /* asking records nothing */
	/* Wrong: the write password is not the read password. */
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x192, DIR_MODE_R, "WPASS", &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "PASSWORD INCORRECT");
	ck_assert_str_eq(cp_msg_id(r.msg), "DMKLNK050E");
	/* Right, in any case. */
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x192, DIR_MODE_R, "rpass", &r), MDISK_LINKED);
	ck_assert_int_eq(link_as("U2", 0x200, "OWNER", 0x192, DIR_MODE_M, "MPASS", &r), MDISK_LINKED);
	ck_assert_str_eq(r.text, "DASD 200 LINKED R/W; R/O BY U3");
	/* No password for an access: nobody else may link so; ALL: anybody, without one. */
	ck_assert_int_eq(link_as("U1", 0x200, "OWNER", 0x193, DIR_MODE_R, "X", &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "OWNER 193 NOT LINKED; NO READ PASSWORD");
	ck_assert_int_eq(link_as("U1", 0x200, "OWNER", 0x193, DIR_MODE_W, NULL, &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "OWNER 193 NOT LINKED; NO WRITE PASSWORD");
	ck_assert_int_eq(link_as("U1", 0x200, "OWNER", 0x193, DIR_MODE_MR, NULL, &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "OWNER 193 NOT LINKED; NO MULT PASSWORD");
	ck_assert_int_eq(link_as("U1", 0x200, "OWNER", 0x195, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(link_as("U1", 0x201, "OWNER", 0x195, DIR_MODE_W, NULL, &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "OWNER 195 NOT LINKED; NO WRITE PASSWORD");
	/* The owner needs none, even where there are none. */
	ck_assert_int_eq(link_as("OWNER", 0x293, "OWNER", 0x193, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
}
END_TEST

START_TEST(test_link_password_hash)
{
	char hash[CP_HASH_MAX], text[2048];
	ck_assert_int_eq(cp_password_hash("SECRET", hash, sizeof hash), 0);
	snprintf(text, sizeof text, "%s USER H NOLOG\n MDISK 194 3350 040 005 VOL001 MR %s\n", base_text, hash);
	dir_free(dir);
	dir = parse(text);
	struct mdisk_result r;
	ck_assert_int_eq(link_as("U3", 0x200, "H", 0x194, DIR_MODE_RR, NULL, &r), MDISK_PASSWORD);
	ck_assert_int_eq(link_as("U3", 0x200, "H", 0x194, DIR_MODE_RR, "WRONG", &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "PASSWORD INCORRECT");
	ck_assert_int_eq(link_as("U3", 0x200, "H", 0x194, DIR_MODE_RR, "secret", &r), MDISK_LINKED);
	ck_assert_int_eq(r.access, MDISK_RO);
}
END_TEST

START_TEST(test_link_ten_wrong_passwords_disable_link)
{
	struct mdisk_result r;
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x192, DIR_MODE_R, "NOPE", &r), MDISK_REFUSED);
		ck_assert_str_eq(r.text, "PASSWORD INCORRECT");
	}
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x192, DIR_MODE_R, "RPASS", &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "LINK INVALID; EXCESSIVE INCORRECT PASSWORDS");
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x191, DIR_MODE_R, NULL, &r), MDISK_REFUSED);
	/* Others are not affected; a new session starts afresh. */
	ck_assert_int_eq(link_as("U2", 0x200, "OWNER", 0x192, DIR_MODE_R, "RPASS", &r), MDISK_LINKED);
	mdisk_logoff(t, "U3");
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x192, DIR_MODE_R, "RPASS", &r), MDISK_LINKED);
}
END_TEST

/* ---- Logon, unlink, QUERY LINKS ---- */

struct seen {
	unsigned n;
	unsigned vaddr[8];
	enum mdisk_status st[8];
	char text[8][160];
};

static void record(void *arg, const struct dir_device *dev, enum mdisk_status st, const struct mdisk_result *r)
{
	struct seen *s = arg;
	if (s->n < 8) {
		s->vaddr[s->n] = dev->vaddr;
		s->st[s->n] = st;
		snprintf(s->text[s->n], sizeof s->text[s->n], "%s", r->text);
		s->n++;
	}
}

START_TEST(test_logon_links_own_disks_then_link_statements)
{
	struct seen s;
	memset(&s, 0, sizeof s);
	/* OWNER 191 is R/W by someone: U1's LINK ... RR still gets it R/O, with the warning. */
	struct mdisk_result r;
	ck_assert_int_eq(link_as("U2", 0x191, "OWNER", 0x191, DIR_MODE_MW, NULL, &r), MDISK_LINKED);
	ck_assert_uint_eq(mdisk_logon(t, dir, "U1", record, &s), 3);
	ck_assert_uint_eq(s.n, 4);
	ck_assert_uint_eq(s.vaddr[0], 0x191);
	ck_assert_str_eq(s.text[0], "DASD 191 LINKED R/W");
	ck_assert_uint_eq(s.vaddr[1], 0x391);
	ck_assert_str_eq(s.text[1], "DASD 391 LINKED R/O; R/W BY U2");
	/* A directory link needs no password, even where the MDISK has none. */
	ck_assert_uint_eq(s.vaddr[2], 0x393);
	ck_assert_int_eq(s.st[2], MDISK_LINKED);
	ck_assert_uint_eq(s.vaddr[3], 0x491);
	ck_assert_int_eq(s.st[3], MDISK_REFUSED);
	ck_assert_str_eq(s.text[3], "NOBODY 191 NOT LINKED; NOT IN CP DIRECTORY");
	ck_assert_uint_eq(mdisk_logon(t, dir, "NOSUCH", NULL, NULL), 0);
}
END_TEST

static void collect(void *arg, const char *text)
{
	char *out = arg;
	strcat(out, text);
	strcat(out, "|");
}

START_TEST(test_unlink_and_query_links)
{
	struct mdisk_result r;
	ck_assert_int_eq(link_as("OWNER", 0x191, "OWNER", 0x191, -1, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(link_as("U1", 0x200, "OWNER", 0x191, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(link_as("U2", 0x300, "OWNER", 0x191, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(link_as("U2", 0x301, "OWNER", 0x192, DIR_MODE_R, "RPASS", &r), MDISK_LINKED);

	struct mdisk_link_info *v;
	size_t n;
	ck_assert(mdisk_links_of(t, "U1", 0x200, &v, &n));
	ck_assert_uint_eq(n, 3);
	char out[512] = "";
	mdisk_links_format(v, n, 0, collect, out);
	ck_assert_str_eq(out, "OWNER 191 R/W, U1 200 R/O, U2 300 R/O|");
	out[0] = '\0';
	mdisk_links_format(v, n, 2, collect, out);
	ck_assert_str_eq(out, "OWNER 191 R/W, U1 200 R/O|U2 300 R/O|");
	free(v);
	ck_assert(!mdisk_links_of(t, "U1", 0x999, &v, &n));

	/* DETACH drops one link; the writer gone, W is possible... but R/O links remain. */
	ck_assert(mdisk_unlink(t, "OWNER", 0x191));
	ck_assert(!mdisk_unlink(t, "OWNER", 0x191));
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x191, DIR_MODE_M, NULL, &r), MDISK_LINKED);
	ck_assert_str_eq(r.text, "DASD 200 LINKED R/W; R/O BY 002 USERS");
	/* LOGOFF drops every link of the user. */
	ck_assert_uint_eq(mdisk_logoff(t, "U2"), 2);
	ck_assert(mdisk_links_of(t, "U1", 0x200, &v, &n));
	ck_assert_uint_eq(n, 2);
	free(v);
}
END_TEST

/* DEFINE Tdddd's link: the user's own, R/W, shown by QUERY LINKS; not another disk's link even
 * over the same cylinders; refused at an address in use; dropped by DETACH and LOGOFF. */
START_TEST(test_define_records_a_temporary_disk)
{
	struct mdisk_result r;
	struct mdisk_extent x = {.volser = "VOL001", .devtype = 3350, .start = 10, .count = 5};
	ck_assert_int_eq(mdisk_define(t, "u1", 0x1A0, &x, &r), MDISK_LINKED);
	ck_assert_int_eq(r.access, MDISK_RW);
	ck_assert(r.disk.tdisk);
	struct mdisk_link_info li;
	ck_assert(mdisk_link_at(t, "U1", 0x1A0, &li));
	ck_assert(li.disk.tdisk);
	ck_assert_str_eq(li.owner, "U1");
	ck_assert_uint_eq(li.owner_vaddr, 0x1A0);
	/* OWNER 191 covers the same cylinders: a W link to it is not refused by the T-disk. */
	ck_assert_int_eq(link_as("OWNER", 0x191, "OWNER", 0x191, DIR_MODE_W, NULL, &r), MDISK_LINKED);
	struct mdisk_link_info *v;
	size_t n;
	ck_assert(mdisk_links_of(t, "U1", 0x1A0, &v, &n));
	ck_assert_uint_eq(n, 1);
	free(v);
	ck_assert_int_eq(mdisk_define(t, "U1", 0x1A0, &x, &r), MDISK_REFUSED);
	ck_assert_str_eq(r.text, "U1 1A0 NOT LINKED; DASD 1A0 ALREADY DEFINED");
	ck_assert(mdisk_unlink(t, "U1", 0x1A0));
	ck_assert_int_eq(mdisk_define(t, "U1", 0x1A0, &x, &r), MDISK_LINKED);
	ck_assert_int_eq(mdisk_define(t, "U1", 0x1A1, &x, &r), MDISK_LINKED);
	ck_assert_uint_eq(mdisk_logoff(t, "U1"), 2);
	ck_assert(!mdisk_link_at(t, "U1", 0x1A0, &li));
}
END_TEST

START_TEST(test_volume_users_counts_each_user_once)
{
	struct mdisk_result r;
	ck_assert_uint_eq(mdisk_volume_users(t, "VOL001"), 0);
	ck_assert_int_eq(link_as("OWNER", 0x191, "OWNER", 0x191, -1, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(link_as("U1", 0x200, "OWNER", 0x191, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(link_as("U1", 0x201, "OWNER", 0x195, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(link_as("U2", 0x196, "OWNER", 0x196, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
	ck_assert_uint_eq(mdisk_volume_users(t, "VOL001"), 2);
	ck_assert_uint_eq(mdisk_volume_users(t, "vol001"), 2);
	ck_assert_uint_eq(mdisk_volume_users(t, "NOVOL"), 1);
	ck_assert_uint_eq(mdisk_volume_users(t, "OTHER"), 0);
	ck_assert_uint_eq(mdisk_logoff(t, "U1"), 2);
	ck_assert_uint_eq(mdisk_volume_users(t, "VOL001"), 1);
}
END_TEST

/* ---- Concurrent links: one W winner ---- */

struct racer {
	const char *user;
	enum mdisk_status st;
};

static void *race(void *arg)
{
	struct racer *rc = arg;
	struct mdisk_result r;
	rc->st = link_as(rc->user, 0x200, "OWNER", 0x191, DIR_MODE_W, NULL, &r);
	return NULL;
}

START_TEST(test_concurrent_w_links_one_wins)
{
	struct racer rc[3] = { { "U1", 0 }, { "U2", 0 }, { "U3", 0 } };
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, race, &rc[i]), 0);
	int won = 0;
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		won += rc[i].st == MDISK_LINKED;
	}
	ck_assert_int_eq(won, 1);
}
END_TEST

/* ---- A link's device ---- */

START_TEST(test_attach_over_volumes)
{
	char folder[] = "/tmp/check_minidisk.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(folder));
	ck_assert_int_eq(vol_create(folder, "VOL001", "3350", 0, true, NULL, 0), VOL_OK);
	struct volumes *vols;
	ck_assert_int_eq(vol_open_dir(folder, &vols, NULL), VOL_OK);
	struct machine_config cfg = { .storage_size = 64 * 1024 };
	struct machine *m = machine_new(&cfg);
	ck_assert_ptr_nonnull(m);

	struct mdisk_result r, a;
	struct chan_dev *dev;
	ck_assert_int_eq(link_as("U3", 0x200, "OWNER", 0x191, DIR_MODE_W, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(mdisk_attach(vols, m, "OWNER", 0x200, &r.disk, r.access, &dev, &a), MDISK_LINKED);
	ck_assert_ptr_nonnull(dev);
	/* The address is taken now. */
	ck_assert_int_eq(mdisk_attach(vols, m, "OWNER", 0x200, &r.disk, r.access, &dev, &a), MDISK_REFUSED);
	ck_assert_ptr_null(dev);
	ck_assert_ptr_nonnull(strstr(a.text, "ADDRESS IN USE"));
	/* No such volume; a 3330 MDISK on a 3350 volume; an extent past the volume's end. */
	ck_assert_int_eq(link_as("U3", 0x201, "OWNER", 0x196, DIR_MODE_W, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(mdisk_attach(vols, m, "OWNER", 0x201, &r.disk, r.access, &dev, &a), MDISK_REFUSED);
	ck_assert_str_eq(a.text, "OWNER 201 NOT LINKED; VOLID NOVOL NOT MOUNTED");
	ck_assert_int_eq(link_as("U3", 0x202, "OWNER", 0x197, DIR_MODE_W, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(mdisk_attach(vols, m, "OWNER", 0x202, &r.disk, r.access, &dev, &a), MDISK_REFUSED);
	ck_assert_str_eq(a.text, "OWNER 202 NOT LINKED; VOLID VOL001 IS A 3350, NOT A 3330");
	ck_assert_int_eq(link_as("U3", 0x203, "OWNER", 0x198, DIR_MODE_W, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(mdisk_attach(vols, m, "OWNER", 0x203, &r.disk, r.access, &dev, &a), MDISK_REFUSED);
	ck_assert_str_eq(a.text, "OWNER 203 NOT LINKED; EXTENT OUTSIDE THE VOLUME");
	/* A read-only link's device. */
	ck_assert_int_eq(link_as("U2", 0x200, "OWNER", 0x191, DIR_MODE_RR, NULL, &r), MDISK_LINKED);
	ck_assert_int_eq(r.access, MDISK_RO);
	ck_assert_int_eq(mdisk_attach(vols, m, "OWNER", 0x210, &r.disk, r.access, &dev, &a), MDISK_LINKED);

	machine_free(m);
	vol_close_all(vols); /* after the machine: the devices do not own the volume */
	char p[256];
	snprintf(p, sizeof p, "%s/VOL001.3350.cckd", folder);
	unlink(p);
	rmdir(folder);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("minidisk");
	TCase *tc = tcase_create("minidisk");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_link_mode_against_situation, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_link_message_ids);
	tcase_add_test(tc, test_link_defaults_and_errors);
	tcase_add_test(tc, test_link_passwords_clear);
	tcase_add_test(tc, test_link_password_hash);
	tcase_add_test(tc, test_link_ten_wrong_passwords_disable_link);
	tcase_add_test(tc, test_logon_links_own_disks_then_link_statements);
	tcase_add_test(tc, test_unlink_and_query_links);
	tcase_add_test(tc, test_define_records_a_temporary_disk);
	tcase_add_test(tc, test_volume_users_counts_each_user_once);
	tcase_add_test(tc, test_concurrent_w_links_one_wins);
	tcase_add_test(tc, test_attach_over_volumes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
