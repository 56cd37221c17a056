/*
 * check_directory.c - the CP user directory (cp/directory.c) and passwords (cp/passwd.c).
 *
 * A sample directory with every statement, read field by field; each error with its line; the
 * column, comment and case rules; hashing and checking passwords; the crash-safe rewrites of
 * password fields (other bytes untouched, a write failing before the rename leaves the old file);
 * the starter directory; and a seeded fuzz of random directory text, both generated valid (and
 * compared with what was generated) and mutated (no crash, consistent answers).
 *
 * The fuzz prints its seed; CAMBRIDGE_DIRFUZZ_SEED and CAMBRIDGE_DIRFUZZ_ITERS change it, and it
 * stops early after CAMBRIDGE_DIRFUZZ_SECONDS (default 20).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cp/directory.h"
#include "cp/passwd.h"
#include "tests/check_run.h"

/* yescrypt hashes of SECRET, PASSW0RD and MULT (test data only). */
#define H_SECRET "$y$j9T$FD51RQdn8SJ8nq1GYdhAz/$hVCSaeaUgfNAT0e5tl1H4rKCDSU16NpoPCpquyiqtB8"
#define H_PASSW0RD "$y$j9T$uxe9zfB09BnHvLjt5l1jp.$WUHorsDEg6Jxn/jvx3tcb4332XAaY9hx10Va6I0Z.KC"
#define H_MULT "$y$j9T$Pp4uVeyMQmv7CEB4EeFHP0$os9Op5QCHBP70JBja3UsdoViRE.VOP2tnBXMydRGHt6"

/* ---- Helpers ---- */

static struct directory *parse(const char *text, unsigned flags, struct dir_diags *dg,
			       enum dir_status *st)
{
	struct directory *d = NULL;
	dir_diags_init(dg);
	*st = dir_parse(text, strlen(text), "TEST DIRECT", flags, &d, dg);
	return d;
}

/* A diagnostic of this severity on this line whose text holds `part`? */
static bool has_diag(const struct dir_diags *dg, unsigned line, enum dir_severity sev,
		     const char *part)
{
	for (size_t i = 0; i < dg->n; i++)
		if (dg->v[i].line == line && dg->v[i].severity == sev && strstr(dg->v[i].text, part))
			return true;
	return false;
}

static void dump_diags(const struct dir_diags *dg)
{
	char buf[512];
	for (size_t i = 0; i < dg->n; i++) {
		dir_diag_format(&dg->v[i], buf, sizeof buf);
		fprintf(stderr, "  %s\n", buf);
	}
}

static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/check_directory.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	DIR *dir = opendir(tmpdir);
	if (!dir)
		return;
	struct dirent *e;
	char path[512];
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
			unlink(path);
		}
	closedir(dir);
	rmdir(tmpdir);
}

/* Number of entries in tmpdir (without . and ..). */
static int tmpdir_entries(void)
{
	DIR *dir = opendir(tmpdir);
	int n = 0;
	struct dirent *e;
	while (dir && (e = readdir(dir)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (dir)
		closedir(dir);
	return n;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
}

/* The whole file, NUL-terminated (caller frees). */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* Line n (1-based) of text, without its line end, into buf. */
static const char *line_of(const char *text, unsigned n, char *buf, size_t len)
{
	const char *s = text;
	for (unsigned i = 1; i < n && s; i++) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	if (!s)
		return NULL;
	size_t k = strcspn(s, "\n");
	if (k >= len)
		k = len - 1;
	memcpy(buf, s, k);
	buf[k] = '\0';
	return buf;
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ---- The sample: every statement ---- */

static const char sample[] =
	"DIRECTORY 123 3350 CAMSYS                                               00010000\n"
	"*********************************************************************** 00020000\n"
	"* A sample directory \f with a form feed in a comment                   00030000\n"
	"USER OPERATOR " H_SECRET " 2M 16M ABCDEFG\n"
	" ACCOUNT 1 OPER\n"
	" OPTION ECMODE REALTIMER CPUID 012345\n"
	" OPTION ISAM VIRT=REAL ACCT SVCOFF BMX AFF 01\n"
	" IPL CMS PARM AUTOCR  BATCH\n"
	" CONSOLE 009 3215 T\n"
	"\tSPOOL 00C 2540 READER *\n"
	" SPOOL 00D 2540 PUNCH A\n"
	" SPOOL 00E 1403 A\n"
	" SPOOL 012 3505\n"
	" LINK MAINT 190 190 RR\n"
	" LINK MAINT 19E\n"
	" MDISK 191 3350 100 010 CAMUSR MRV ALL " H_PASSW0RD " " H_MULT "\n"
	" MDISK 192 3350 T-DISK 5\n"
	" MDISK 193 3370 1000 END CAMFBA W\n"
	" DEDICATE 181 281 R/O\n"
	" DEDICATE 182 VOLID ABC 3330V R/O ignored\n"
	" DEDICATE 183 MYPACK\n"
	" SPECIAL 0C0 3270\n"
	" SPECIAL 0FF TIMER\n"
	" SPECIAL 600 CTCA\n"
	" SPECIAL 020 2703 TELE\n"
	"\r\n"
	"USER MAINT NOLOG 1M\r\n"
	" * MAINT owns the system disks\n"
	" MDISK 190 3350 001 030 CAMSYS MR ALL\n"
	" MDISK 19E 3350 031 010 CAMSYS RR ALL\n"
	"u alice " H_SECRET " 512k 4m g 10 # \xc2\xa2 @ \"\n"
	" cons 01f 3210\n"
	" l maint 19e 29e rr  these words are ignored\n";

START_TEST(test_sample_with_every_statement_reads_field_by_field)
{
	struct dir_diags dg;
	enum dir_status st;
	struct directory *d = parse(sample, 0, &dg, &st);
	if (st != DIR_OK)
		dump_diags(&dg);
	ck_assert_int_eq(st, DIR_OK);
	ck_assert_uint_eq(dg.errors, 0);
	ck_assert_uint_eq(dg.warnings, 0);
	ck_assert_uint_eq(dir_count(d), 3);

	const struct dir_system *sys = dir_system(d);
	ck_assert(sys->present);
	ck_assert_uint_eq(sys->vaddr, 0x123);
	ck_assert_uint_eq(sys->devtype, 3350);
	ck_assert_str_eq(sys->volser, "CAMSYS");

	const struct dir_user *u = dir_find(d, "operator");
	ck_assert_ptr_nonnull(u);
	ck_assert_ptr_eq(u, dir_user_at(d, 0));
	ck_assert_str_eq(u->userid, "OPERATOR");
	ck_assert_uint_eq(u->line, 4);
	ck_assert_int_eq(u->password.kind, DIR_PW_HASH);
	ck_assert_str_eq(u->password.text, H_SECRET);
	ck_assert_uint_eq(u->storage, 2ul << 20);
	ck_assert_uint_eq(u->max_storage, 16ul << 20);
	ck_assert_uint_eq(u->classes, 0x7F);
	ck_assert_uint_eq(u->priority, 50);
	ck_assert_str_eq(u->linend, "");
	ck_assert_str_eq(u->account, "1");
	ck_assert_str_eq(u->distcode, "OPER");
	ck_assert_uint_eq(u->options, DIR_OPT_ECMODE | DIR_OPT_REALTIMER | DIR_OPT_CPUID |
					   DIR_OPT_ISAM | DIR_OPT_VIRT_REAL | DIR_OPT_ACCT |
					   DIR_OPT_SVCOFF | DIR_OPT_BMX | DIR_OPT_AFFINITY);
	ck_assert_str_eq(u->cpuid, "012345");
	ck_assert_uint_eq(u->affinity, 1);
	ck_assert(u->ipl.present);
	ck_assert(!u->ipl.by_vaddr);
	ck_assert_str_eq(u->ipl.sysname, "CMS");
	ck_assert_str_eq(u->ipl.parm, "AUTOCR  BATCH");
	ck_assert_uint_eq(u->ndevices, 17);

	const struct dir_device *dev = &u->devices[0];
	ck_assert_int_eq(dev->kind, DIR_DEV_CONSOLE);
	ck_assert_uint_eq(dev->vaddr, 0x009);
	ck_assert_uint_eq(dev->line, 9);
	ck_assert_uint_eq(dev->u.console.devtype, 3215);
	ck_assert_int_eq(dev->u.console.spool_class, 'T');

	dev = dir_device_at(u, 0x00C);
	ck_assert_int_eq(dev->kind, DIR_DEV_SPOOL);
	ck_assert_int_eq(dev->u.spool.kind, DIR_SPOOL_READER);
	ck_assert_uint_eq(dev->u.spool.devtype, 2540);
	ck_assert_int_eq(dev->u.spool.spool_class, '*');
	dev = dir_device_at(u, 0x00D);
	ck_assert_int_eq(dev->u.spool.kind, DIR_SPOOL_PUNCH);
	ck_assert_int_eq(dev->u.spool.spool_class, 'A');
	dev = dir_device_at(u, 0x00E);
	ck_assert_int_eq(dev->u.spool.kind, DIR_SPOOL_PRINTER);
	ck_assert_uint_eq(dev->u.spool.devtype, 1403);
	dev = dir_device_at(u, 0x012);
	ck_assert_int_eq(dev->u.spool.kind, DIR_SPOOL_READER);
	ck_assert_uint_eq(dev->u.spool.devtype, 3505);
	ck_assert_int_eq(dev->u.spool.spool_class, '*');

	dev = dir_device_at(u, 0x190);
	ck_assert_int_eq(dev->kind, DIR_DEV_LINK);
	ck_assert_str_eq(dev->u.link.userid, "MAINT");
	ck_assert_uint_eq(dev->u.link.owner_vaddr, 0x190);
	ck_assert_int_eq(dev->u.link.mode, DIR_MODE_RR);
	dev = dir_device_at(u, 0x19E);
	ck_assert_int_eq(dev->kind, DIR_DEV_LINK);
	ck_assert_uint_eq(dev->u.link.owner_vaddr, 0x19E);
	ck_assert_int_eq(dev->u.link.mode, DIR_MODE_R);

	dev = dir_device_at(u, 0x191);
	ck_assert_int_eq(dev->kind, DIR_DEV_MDISK);
	const struct dir_mdisk *md = &dev->u.mdisk;
	ck_assert_uint_eq(md->devtype, 3350);
	ck_assert(!md->fba && !md->tdisk && !md->to_end);
	ck_assert_uint_eq(md->start, 100);
	ck_assert_uint_eq(md->count, 10);
	ck_assert_str_eq(md->volser, "CAMUSR");
	ck_assert_int_eq(md->mode, DIR_MODE_MR);
	ck_assert(md->reserve);
	ck_assert_int_eq(md->read.kind, DIR_PW_ALL);
	ck_assert_int_eq(md->write.kind, DIR_PW_HASH);
	ck_assert_str_eq(md->write.text, H_PASSW0RD);
	ck_assert_int_eq(md->multi.kind, DIR_PW_HASH);
	ck_assert_str_eq(md->multi.text, H_MULT);
	md = &dir_device_at(u, 0x192)->u.mdisk;
	ck_assert(md->tdisk);
	ck_assert_uint_eq(md->count, 5);
	ck_assert_str_eq(md->volser, "");
	md = &dir_device_at(u, 0x193)->u.mdisk;
	ck_assert(md->fba && md->to_end);
	ck_assert_uint_eq(md->start, 1000);
	ck_assert_uint_eq(md->devtype, 3370);
	ck_assert_int_eq(md->mode, DIR_MODE_W);
	ck_assert_int_eq(md->read.kind, DIR_PW_NONE);

	dev = dir_device_at(u, 0x181);
	ck_assert_int_eq(dev->kind, DIR_DEV_DEDICATE);
	ck_assert(!dev->u.dedicate.by_volser && dev->u.dedicate.readonly && !dev->u.dedicate.v3330);
	ck_assert_uint_eq(dev->u.dedicate.raddr, 0x281);
	dev = dir_device_at(u, 0x182);
	ck_assert(dev->u.dedicate.by_volser && dev->u.dedicate.v3330 && dev->u.dedicate.readonly);
	ck_assert_str_eq(dev->u.dedicate.volser, "ABC");
	dev = dir_device_at(u, 0x183);
	ck_assert(dev->u.dedicate.by_volser);
	ck_assert_str_eq(dev->u.dedicate.volser, "MYPACK");

	dev = dir_device_at(u, 0x0C0);
	ck_assert_int_eq(dev->kind, DIR_DEV_SPECIAL);
	ck_assert_int_eq(dev->u.special.kind, DIR_SPECIAL_GRAF);
	ck_assert_uint_eq(dev->u.special.devtype, 3270);
	ck_assert_int_eq(dir_device_at(u, 0x0FF)->u.special.kind, DIR_SPECIAL_TIMER);
	ck_assert_int_eq(dir_device_at(u, 0x600)->u.special.kind, DIR_SPECIAL_CTCA);
	dev = dir_device_at(u, 0x020);
	ck_assert_int_eq(dev->u.special.kind, DIR_SPECIAL_LINE);
	ck_assert_uint_eq(dev->u.special.devtype, 2703);
	ck_assert(dev->u.special.tele);

	u = dir_find(d, "MAINT");
	ck_assert_ptr_eq(u, dir_user_at(d, 1));
	ck_assert_int_eq(u->password.kind, DIR_PW_NOLOG);
	ck_assert_ptr_null(u->password.text);
	ck_assert_uint_eq(u->storage, 1ul << 20);
	ck_assert_uint_eq(u->max_storage, 1ul << 20);
	ck_assert_uint_eq(u->classes, DIR_CLASS('G'));
	ck_assert_str_eq(u->account, "");
	ck_assert_str_eq(u->distcode, "MAINT");
	ck_assert(!u->ipl.present);
	ck_assert_uint_eq(u->ndevices, 2);
	ck_assert_int_eq(dir_device_at(u, 0x19E)->u.mdisk.mode, DIR_MODE_RR);

	/* Lower case folds, except passwords and the line-editing characters. */
	u = dir_find(d, "Alice");
	ck_assert_ptr_eq(u, dir_user_at(d, 2));
	ck_assert_str_eq(u->password.text, H_SECRET);
	ck_assert_uint_eq(u->storage, 512ul << 10);
	ck_assert_uint_eq(u->max_storage, 4ul << 20);
	ck_assert_uint_eq(u->classes, DIR_CLASS('G'));
	ck_assert_uint_eq(u->priority, 10);
	ck_assert_str_eq(u->linend, "#");
	ck_assert_str_eq(u->linedel, "\xc2\xa2");
	ck_assert_str_eq(u->chardel, "@");
	ck_assert_str_eq(u->escape, "\"");
	ck_assert_uint_eq(dir_device_at(u, 0x01F)->u.console.devtype, 3210);
	dev = dir_device_at(u, 0x29E);
	ck_assert_int_eq(dev->kind, DIR_DEV_LINK);
	ck_assert_uint_eq(dev->u.link.owner_vaddr, 0x19E);
	ck_assert_int_eq(dev->u.link.mode, DIR_MODE_RR);

	ck_assert_ptr_null(dir_find(d, "NOBODY"));
	ck_assert_ptr_null(dir_find(d, "OPERATORX"));
	ck_assert_ptr_null(dir_find(d, ""));
	ck_assert_ptr_null(dir_user_at(d, 3));
	ck_assert_ptr_null(dir_device_at(u, 0x191));
	dir_free(d);
	dir_diags_free(&dg);
}
END_TEST

START_TEST(test_defaults_of_a_bare_user_statement)
{
	struct dir_diags dg;
	enum dir_status st;
	struct directory *d = parse("USER BARE NOLOG\n", 0, &dg, &st);
	ck_assert_int_eq(st, DIR_OK);
	const struct dir_user *u = dir_find(d, "BARE");
	ck_assert_uint_eq(u->storage, 256ul << 10);
	ck_assert_uint_eq(u->max_storage, 256ul << 10);
	ck_assert_uint_eq(u->classes, DIR_CLASS('G'));
	ck_assert_uint_eq(u->priority, 50);
	ck_assert_uint_eq(u->ndevices, 0);
	ck_assert(!dir_system(d)->present);
	dir_free(d);
	dir_diags_free(&dg);

	/* An IPL address above 5FF is fine when OPTION ECMODE follows it. */
	d = parse("USER A NOLOG\n IPL 600 PARM X\n OPTION ECMODE\n", 0, &dg, &st);
	ck_assert_int_eq(st, DIR_OK);
	ck_assert(dir_find(d, "A")->ipl.by_vaddr);
	ck_assert_uint_eq(dir_find(d, "A")->ipl.vaddr, 0x600);
	ck_assert_str_eq(dir_find(d, "A")->ipl.parm, "X");
	dir_free(d);
	dir_diags_free(&dg);
}
END_TEST

/* ---- Errors, each with its line ---- */

static const struct error_case {
	const char *name;
	const char *text;
	unsigned line;
	const char *part;	/* in the diagnostic's text */
} error_cases[] = {
	{"unknown statement", "USER A NOLOG\n FOO 1 2\n", 2, "INVALID OPERAND - FOO (not a directory"},
	{"later statement", "PROFILE X\nUSER A NOLOG\n", 1, "later VM"},
	{"bad hex address", "USER A NOLOG\n CONSOLE 0G9 3215\n", 2, "INVALID OPERAND - 0G9"},
	{"four-digit address", "USER A NOLOG\n CONSOLE 1009 3215\n", 2, "1009"},
	{"address above 5FF without ECMODE", "USER A NOLOG\n SPECIAL 600 TIMER\n", 2,
	 "600 (addresses above 5FF need OPTION ECMODE)"},
	{"duplicate address", "USER A NOLOG\n MDISK 191 3350 1 1 V1\n LINK B 191\n", 3,
	 "DUPLICATE UNIT DEFINITION - 191 (already defined on line 2)"},
	{"duplicate userid", "USER ALICE NOLOG\nUSER BOB NOLOG\nuser alice NOLOG\n", 3,
	 "DUPLICATE USERID - ALICE (first defined on line 1)"},
	{"userid too long", "USER ABCDEFGHI NOLOG\n", 1, "ABCDEFGHI (a userid is at most 8"},
	{"userid with a bad character", "USER AL!CE NOLOG\n", 1, "AL!CE"},
	{"statement before any USER", "DIRECTORY 123 3350 SYS\n MDISK 191 3350 1 1 V1\n", 2,
	 "DMKDIR752E STATEMENT SEQUENCE ERROR (MDISK before the first USER"},
	{"OPTION after a device", "USER A NOLOG\n CONSOLE 009 3215\n OPTION ECMODE\n", 3,
	 "DMKDIR752E STATEMENT SEQUENCE ERROR FOLLOWING USER A (OPTION after a device"},
	{"DIRECTORY not first", "USER A NOLOG\nDIRECTORY 123 3350 SYS\n", 2,
	 "DIRECTORY must be the first"},
	{"bad MDISK mode", "USER A NOLOG\n MDISK 191 3350 1 1 V1 RW\n", 2, "RW (a mode is"},
	{"bad LINK mode", "USER A NOLOG\n LINK B 190 190 X\n", 2, "X (a mode is"},
	{"clear user password", "USER ALICE SECRET\n", 1,
	 "password of ALICE is in clear text (password must be hashed"},
	{"clear minidisk password", "USER A NOLOG\n MDISK 191 3350 1 1 V1 MR READ\n", 2,
	 "read password of A 191 is in clear text"},
	{"bad hash", "USER A $y$j9T$broken\n", 1, "password of A (not a complete yescrypt hash"},
	{"legacy MD5 hash", "USER A $1$abcdefgh$0123456789012345678901\n", 1,
	 "not a complete yescrypt hash"},
	{"password too long", "USER A ABCDEFGHI\n", 1, "a password is 1 to 8"},
	{"missing password", "USER A\n", 1, "OPERAND MISSING - password"},
	{"bad storage", "USER A NOLOG 1G\n", 1, "1G (storage is"},
	{"storage above 16M", "USER A NOLOG 32M\n", 1, "32M"},
	{"max storage below storage", "USER A NOLOG 2M 1M\n", 1, "maximum storage is less"},
	{"bad privilege class", "USER A NOLOG 1M 1M GZ\n", 1, "GZ (privilege classes"},
	{"bad priority", "USER A NOLOG 1M 1M G 0\n", 1, "priority is 1 to 99"},
	{"letter as line-editing character", "USER A NOLOG 1M 1M G 50 X\n", 1, "line-editing"},
	{"unknown option", "USER A NOLOG\n OPTION ECMODE FAST\n", 2, "FAST (not an option"},
	{"bad CPUID", "USER A NOLOG\n OPTION CPUID 12\n", 2, "a CPUID is 6"},
	{"second IPL", "USER A NOLOG\n IPL CMS\n IPL 190\n", 3, "a second IPL"},
	{"IPL of a bad name", "USER A NOLOG\n IPL C.M.S\n", 2, "C.M.S (an IPL names"},
	{"PARM too long", "USER A NOLOG\n IPL CMS PARM "
	 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2, "longer than 64"},
	{"IPL with other than PARM", "USER A NOLOG\n IPL CMS NOPARM\n", 2, "only PARM"},
	{"bad console type", "USER A NOLOG\n CONSOLE 009 3270\n", 2, "a console is"},
	{"2540 needs READER or PUNCH", "USER A NOLOG\n SPOOL 00C 2540 A\n", 2, "READER or a PUNCH"},
	{"printer class star", "USER A NOLOG\n SPOOL 00E 1403 *\n", 2, "a spooling class"},
	{"bad MDISK device type", "USER A NOLOG\n MDISK 191 3390 1 1 V1\n", 2, "3390"},
	{"MDISK without volser", "USER A NOLOG\n MDISK 191 3350 1 1\n", 2, "volume serial"},
	{"MDISK of no cylinders", "USER A NOLOG\n MDISK 191 3350 1 0 V1\n", 2, "number of cylinders"},
	{"short volser without VOLID", "USER A NOLOG\n DEDICATE 181 XYZ\n", 2, "VOLID"},
	{"DEDICATE trailing junk", "USER A NOLOG\n DEDICATE 181 281 R/W\n", 2, "R/W"},
	{"bad SPECIAL", "USER A NOLOG\n SPECIAL 0C0 3279\n", 2, "a special device"},
	{"bad line type", "USER A NOLOG\n SPECIAL 020 2701 BSC\n", 2, "IBM or TELE"},
	{"control character", "USER A NOLOG\n CONSOLE 009\x01 3215\n", 2, "X'01'"},
	{"second ACCOUNT", "USER A NOLOG\n ACCOUNT 1\n ACCOUNT 2\n", 3, "a second ACCOUNT"},
};

START_TEST(test_each_error_is_reported_with_its_line)
{
	const struct error_case *c = &error_cases[_i];
	struct dir_diags dg;
	enum dir_status st;
	struct directory *d = parse(c->text, 0, &dg, &st);
	if (!has_diag(&dg, c->line, DIR_ERROR, c->part)) {
		fprintf(stderr, "%s: wanted line %u \"%s\", got:\n", c->name, c->line, c->part);
		dump_diags(&dg);
	}
	ck_assert_int_eq(st, DIR_ERR_INVALID);
	ck_assert_ptr_null(d);
	ck_assert_uint_ge(dg.errors, 1);
	ck_assert(has_diag(&dg, c->line, DIR_ERROR, c->part));
	/* Diagnostics never quote a password. */
	for (size_t i = 0; i < dg.n; i++) {
		ck_assert_ptr_null(strstr(dg.v[i].text, "SECRET"));
		ck_assert_ptr_null(strstr(dg.v[i].text, "READ "));
	}
	char buf[300];
	dir_diag_format(&dg.v[0], buf, sizeof buf);
	ck_assert_ptr_eq(strstr(buf, "TEST DIRECT:"), buf);
	dir_diags_free(&dg);
}
END_TEST

START_TEST(test_every_error_of_a_text_is_collected_in_line_order)
{
	static const char text[] =
		"USER GOOD NOLOG\n"
		" CONSOLE XYZ 3215\n"
		" MDISK 191 3350 1 1 V1 QQ\n"
		"USER TOOLONGUSER NOLOG\n"
		" OPTION WARP\n"
		"USER GOOD NOLOG\n";
	struct dir_diags dg;
	enum dir_status st;
	struct directory *d = parse(text, 0, &dg, &st);
	ck_assert_int_eq(st, DIR_ERR_INVALID);
	ck_assert_ptr_null(d);
	ck_assert_uint_eq(dg.errors, 5);
	ck_assert_uint_eq(dg.n, 5);
	static const unsigned lines[] = {2, 3, 4, 5, 6};
	for (size_t i = 0; i < 5; i++)
		ck_assert_uint_eq(dg.v[i].line, lines[i]);
	dir_diags_free(&dg);
}
END_TEST

START_TEST(test_clear_passwords_are_taken_only_when_allowed)
{
	static const char text[] = "USER ALICE secret\n MDISK 191 3350 1 1 V1 MR read\n";
	struct dir_diags dg;
	enum dir_status st;
	struct directory *d = parse(text, DIR_ALLOW_CLEAR, &dg, &st);
	ck_assert_int_eq(st, DIR_OK);
	const struct dir_user *u = dir_find(d, "ALICE");
	ck_assert_int_eq(u->password.kind, DIR_PW_CLEAR);
	ck_assert_str_eq(u->password.text, "SECRET");
	ck_assert_int_eq(u->devices[0].u.mdisk.read.kind, DIR_PW_CLEAR);
	ck_assert_str_eq(u->devices[0].u.mdisk.read.text, "READ");
	dir_free(d);
	dir_diags_free(&dg);
}
END_TEST

START_TEST(test_warnings_do_not_stop_the_directory)
{
	static const char text[] =
		"USER A NOLOG\n"
		" MDISK 191 3350 10 10 VOL1 MR\n"
		" LINK NOBODY 191 291\n"
		" LINK B 194 294\n"
		"USER B NOLOG\n"
		" MDISK 191 3350 15 10 VOL1 W\n"
		" MDISK 192 3350 25 10 VOL1 RR\n"
		" MDISK 193 3350 0 5 VOL2 MW\n";
	struct dir_diags dg;
	enum dir_status st;
	struct directory *d = parse(text, 0, &dg, &st);
	ck_assert_int_eq(st, DIR_OK);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(dg.errors, 0);
	ck_assert_uint_eq(dg.warnings, 3);
	ck_assert(has_diag(&dg, 3, DIR_WARNING, "NOBODY is not in the directory"));
	ck_assert(has_diag(&dg, 4, DIR_WARNING, "B has no minidisk 194"));
	ck_assert(has_diag(&dg, 6, DIR_WARNING, "MDISK B 191 overlaps A 191 (line 2) on volume VOL1"));
	dir_free(d);
	dir_diags_free(&dg);

	d = parse("* nothing but a comment\n", 0, &dg, &st);
	ck_assert_int_eq(st, DIR_OK);
	ck_assert(has_diag(&dg, 0, DIR_WARNING, "no USER statements"));
	dir_free(d);
	dir_diags_free(&dg);
}
END_TEST

/* ---- Columns, comments, abbreviations ---- */

START_TEST(test_card_columns_72_to_80_are_ignored_unless_column_72_is_used)
{
	/* Sequence numbers after column 71 vanish; a token through column 72 keeps the line whole. */
	char text[512];
	snprintf(text, sizeof text,
		 "%-71s 00010000\n"
		 "%-71s 00020000\n"
		 "%-70s X Y\n",
		 "USER ALICE NOLOG 1M 2M G", " OPTION ECMODE", " CONSOLE 009 3215");
	struct dir_diags dg;
	enum dir_status st;
	struct directory *d = parse(text, 0, &dg, &st);
	if (st != DIR_OK)
		dump_diags(&dg);
	ck_assert_int_eq(st, DIR_OK);
	const struct dir_user *u = dir_find(d, "ALICE");
	ck_assert_uint_eq(u->priority, 50);	/* 00010000 was not read as a priority */
	ck_assert_uint_eq(u->options, DIR_OPT_ECMODE);
	/* Column 72 of line 3 holds X: the whole line is read, so X is the console's class. */
	ck_assert_int_eq(u->devices[0].u.console.spool_class, 'X');
	dir_free(d);
	dir_diags_free(&dg);

	/* Column 72 blank on line 3: X and Y are past the card and ignored. */
	snprintf(text, sizeof text, "USER ALICE NOLOG\n%-71s X\n", " CONSOLE 009 3215");
	d = parse(text, 0, &dg, &st);
	ck_assert_int_eq(st, DIR_OK);
	ck_assert_int_eq(dir_find(d, "ALICE")->devices[0].u.console.spool_class, 'T');
	dir_free(d);
	dir_diags_free(&dg);
}
END_TEST

START_TEST(test_statement_abbreviations_follow_the_table)
{
	static const char text[] =
		"DIR 123 3350 SYS\n"
		"U A NOLOG\n"
		" ACC 9\n"
		" O ECMODE\n"
		" CONS 009 3215\n"
		" SPOOL 00C 2501\n"
		" M 191 3350 1 1 V1\n"
		" L B 191 192\n"
		" D 181 281\n"
		" SPE 0C0 3277\n"
		"USER B NOLOG\n"
		" MDISK 191 3350 2 1 V1 RR\n";
	struct dir_diags dg;
	enum dir_status st;
	struct directory *d = parse(text, 0, &dg, &st);
	if (st != DIR_OK)
		dump_diags(&dg);
	ck_assert_int_eq(st, DIR_OK);
	ck_assert_uint_eq(dir_find(d, "A")->ndevices, 6);
	dir_free(d);
	dir_diags_free(&dg);

	static const char *const bad[] = {"US A NOLOG\n C 009 3215\n", "USER A NOLOG\n SP 00C 2501\n",
					  "USER A NOLOG\n DI 123\n", "USER A NOLOG\n AC 1\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		d = parse(bad[i], 0, &dg, &st);
		ck_assert_int_eq(st, DIR_ERR_INVALID);
		ck_assert(has_diag(&dg, 2, DIR_ERROR, "not a directory statement"));
		dir_diags_free(&dg);
	}
}
END_TEST

/* ---- Passwords ---- */

START_TEST(test_password_hash_and_check)
{
	char h1[CP_HASH_MAX], h2[CP_HASH_MAX];
	ck_assert_int_eq(cp_password_hash("secret", h1, sizeof h1), 0);
	ck_assert_int_eq(strncmp(h1, "$y$", 3), 0);
	ck_assert(cp_password_is_hash(h1));
	ck_assert(cp_password_check("secret", h1));
	ck_assert(cp_password_check("SECRET", h1));	/* VM/370: case-insensitive */
	ck_assert(cp_password_check("SeCrEt", h1));
	ck_assert(!cp_password_check("secrets", h1));
	ck_assert(!cp_password_check("SECRE", h1));
	ck_assert(!cp_password_check("", h1));
	/* A fresh salt each time: the same password, another hash, both good. */
	ck_assert_int_eq(cp_password_hash("SECRET", h2, sizeof h2), 0);
	ck_assert_str_ne(h1, h2);
	ck_assert(cp_password_check("secret", h2));
	/* The embedded test hashes are what they say. */
	ck_assert(cp_password_check("secret", H_SECRET));
	ck_assert(cp_password_check("passw0rd", H_PASSW0RD));
	ck_assert(!cp_password_check("password", H_PASSW0RD));
	/* A changed byte fails. */
	h1[strlen(h1) - 1] ^= 1;
	ck_assert(!cp_password_check("secret", h1));
}
END_TEST

START_TEST(test_password_special_values_and_weak_hashes_never_match)
{
	ck_assert(!cp_password_check("NOLOG", "NOLOG"));
	ck_assert(!cp_password_check("X", "NOLOG"));
	ck_assert(!cp_password_check("ALL", "ALL"));
	ck_assert(!cp_password_check("SECRET", ""));
	ck_assert(!cp_password_check("SECRET", "$y$"));
	/* Legacy DES ("abJnggxhB/yWI" is "test") and MD5 crypt are refused even when they match. */
	ck_assert(!cp_password_is_hash("abJnggxhB/yWI"));
	ck_assert(!cp_password_check("test", "abJnggxhB/yWI"));
	ck_assert(!cp_password_is_hash("$1$abcdefgh$0123456789012345678901"));
	ck_assert(!cp_password_is_hash("$y$j9T$salt only"));
	ck_assert(!cp_password_is_hash("$y$j9T$FD51RQdn8SJ8nq1GYdhAz/$"));
	ck_assert(cp_password_is_hash(H_SECRET));
}
END_TEST

START_TEST(test_password_hash_refuses_invalid_clear_text_and_small_buffers)
{
	char h[CP_HASH_MAX];
	errno = 0;
	ck_assert_int_eq(cp_password_hash("", h, sizeof h), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(cp_password_hash("ninechars", h, sizeof h), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(cp_password_hash("a b", h, sizeof h), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(cp_password_hash("ok", h, 20), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert(cp_password_valid("8CHARS!!"));
	ck_assert(!cp_password_valid("tab\there"));
	ck_assert(!cp_password_valid("\xc2\xa2"));
	ck_assert(!cp_password_check("ninechars", H_SECRET));
}
END_TEST

/* ---- Crash-safe rewrites ---- */

static const char rewrite_text[] =
	"* Cambridge test directory\n"
	"%-71s 00020000\n"
	" MDISK 191 3350 1 10 VOL1 MR ALL\n"
	"USER BOB " H_SECRET " 1M 2M G\n"
	"   \t\n"
	"USER CAROL NOLOG\r\n"
	" LINK BOB 191 191 RR";

static void make_rewrite_file(char *path, size_t len)
{
	char text[1024];
	snprintf(text, sizeof text, rewrite_text, "USER ALICE NOLOG 1M 2M G");
	snprintf(path, len, "%s/USER DIRECT", tmpdir);
	write_file(path, text);
}

START_TEST(test_set_password_changes_only_that_field)
{
	char path[128], hash[CP_HASH_MAX], a[512], b[512];
	make_tmpdir();
	make_rewrite_file(path, sizeof path);
	ck_assert_int_eq(chmod(path, 0640), 0);
	char *before = read_file(path);

	ck_assert_int_eq(cp_password_hash("NEWPW", hash, sizeof hash), 0);
	ck_assert_int_eq(dir_set_password(path, "bob", hash), DIR_OK);
	char *after = read_file(path);
	unsigned n = count_lines(before) + 1;
	ck_assert_uint_eq(count_lines(after) + 1, n);
	for (unsigned i = 1; i <= n; i++) {
		line_of(before, i, a, sizeof a);
		line_of(after, i, b, sizeof b);
		if (i == 4) {
			char want[512];
			snprintf(want, sizeof want, "USER BOB %s 1M 2M G", hash);
			ck_assert_str_eq(b, want);
		} else {
			ck_assert_str_eq(a, b);	/* byte-identical, line ends included */
		}
	}
	/* Only line 4 differs: everything after it is the same bytes. */
	const char *tail_a = strstr(before, "   \t\n"), *tail_b = strstr(after, "   \t\n");
	ck_assert_str_eq(tail_a, tail_b);
	struct stat sb;
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0640);
	ck_assert_int_eq(tmpdir_entries(), 1);

	struct dir_diags dg;
	struct directory *d;
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_load(path, 0, &d, &dg), DIR_OK);
	ck_assert(cp_password_check("newpw", dir_find(d, "BOB")->password.text));
	ck_assert(!cp_password_check("secret", dir_find(d, "BOB")->password.text));
	dir_free(d);
	dir_diags_free(&dg);
	free(before);
	free(after);
	remove_tmpdir();
}
END_TEST

START_TEST(test_set_password_on_a_card_image_keeps_or_drops_the_sequence_field)
{
	char path[128], buf[512];
	make_tmpdir();
	make_rewrite_file(path, sizeof path);

	/* A hash makes ALICE's card longer than 71 columns: its sequence number goes. */
	ck_assert_int_eq(dir_set_password(path, "ALICE", H_MULT), DIR_OK);
	char *text = read_file(path);
	ck_assert_str_eq(line_of(text, 2, buf, sizeof buf), "USER ALICE " H_MULT " 1M 2M G");
	free(text);

	/* NOLOG fits in the card again: padded to column 71, the (absent) field stays absent. */
	ck_assert_int_eq(dir_set_password(path, "ALICE", "nolog"), DIR_OK);
	text = read_file(path);
	ck_assert_str_eq(line_of(text, 2, buf, sizeof buf), "USER ALICE NOLOG 1M 2M G");
	free(text);

	/* A card image whose statement still fits keeps its sequence number. */
	char card[128];
	snprintf(card, sizeof card, "%-71s 00020000\n", "USER DAVE SHORTPW 1M 2M G");
	write_file(path, card);
	ck_assert_int_eq(dir_set_password(path, "DAVE", "NOLOG"), DIR_OK);
	text = read_file(path);
	snprintf(card, sizeof card, "%-71s 00020000\n", "USER DAVE NOLOG 1M 2M G");
	ck_assert_str_eq(text, card);
	free(text);
	remove_tmpdir();
}
END_TEST

START_TEST(test_set_password_refusals_leave_the_file_alone)
{
	char path[128];
	make_tmpdir();
	make_rewrite_file(path, sizeof path);
	char *before = read_file(path);
	ck_assert_int_eq(dir_set_password(path, "NOBODY", "NOLOG"), DIR_ERR_NO_USER);
	ck_assert_int_eq(dir_set_password(path, "BOB", "SECRET"), DIR_ERR_ARG);	/* not a hash */
	ck_assert_int_eq(dir_set_password(path, "BOB", "abJnggxhB/yWI"), DIR_ERR_ARG);
	ck_assert_int_eq(dir_set_password(path, "TOOLONGID", "NOLOG"), DIR_ERR_ARG);
	ck_assert_int_eq(dir_set_password(path, "B?B", "NOLOG"), DIR_ERR_ARG);
	char *after = read_file(path);
	ck_assert_str_eq(before, after);
	free(after);

	/* Two USER statements for one userid: which one is meant is not ours to guess. */
	char path2[160];
	snprintf(path2, sizeof path2, "%s/TWO DIRECT", tmpdir);
	write_file(path2, "USER X NOLOG\nUSER x NOLOG\n");
	ck_assert_int_eq(dir_set_password(path2, "X", H_SECRET), DIR_ERR_AMBIGUOUS);
	after = read_file(path2);
	ck_assert_str_eq(after, "USER X NOLOG\nUSER x NOLOG\n");
	free(after);
	snprintf(path2, sizeof path2, "%s/missing", tmpdir);
	ck_assert_int_eq(dir_set_password(path2, "X", H_SECRET), DIR_ERR_IO);
	free(before);
	remove_tmpdir();
}
END_TEST

START_TEST(test_a_write_failing_before_the_rename_leaves_the_old_file)
{
	char path[128];
	make_tmpdir();
	make_rewrite_file(path, sizeof path);
	char *before = read_file(path);

	/* A file size limit smaller than the new file: the temporary file's write fails (EFBIG). */
	struct rlimit old, lim;
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 100;
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	enum dir_status st = dir_set_password(path, "BOB", H_MULT);
	int e = errno;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);

	ck_assert_int_eq(st, DIR_ERR_IO);
	ck_assert_int_eq(e, EFBIG);
	char *after = read_file(path);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(tmpdir_entries(), 1);	/* no temporary file left behind */

	/* A temporary file left by a crash is no obstacle, and nothing reads it. */
	char stale[160];
	snprintf(stale, sizeof stale, "%s/.USER DIRECT.ABC123", tmpdir);
	write_file(stale, "garbage\n");
	ck_assert_int_eq(dir_set_password(path, "BOB", H_MULT), DIR_OK);
	ck_assert_int_eq(tmpdir_entries(), 2);
	struct dir_diags dg;
	struct directory *d;
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_load(path, 0, &d, &dg), DIR_OK);
	ck_assert_str_eq(dir_find(d, "BOB")->password.text, H_MULT);
	dir_free(d);
	dir_diags_free(&dg);
	free(before);
	free(after);
	remove_tmpdir();
}
END_TEST

static const char *starter_path(void)
{
	static char path[512];
	const char *srcdir = getenv("srcdir");
	if (srcdir && *srcdir) {
		snprintf(path, sizeof path, "%s/cp/starter.direct", srcdir);
		if (access(path, R_OK) == 0)
			return path;
	}
	return CP_STARTER_DIRECT;
}

START_TEST(test_starter_directory_hashes_on_first_start_and_reports_unchanged_passwords)
{
	struct dir_diags dg;
	struct directory *clear, *d;
	char *text = read_file(starter_path());

	/* As shipped: valid, with clear passwords, and not loadable as it is. */
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_parse(text, strlen(text), "starter", 0, &d, &dg), DIR_ERR_INVALID);
	dir_diags_free(&dg);
	ck_assert_int_eq(dir_parse(text, strlen(text), "starter", DIR_ALLOW_CLEAR, &clear, &dg),
			 DIR_OK);
	if (dg.n)
		dump_diags(&dg);
	ck_assert_uint_eq(dg.n, 0);
	dir_diags_free(&dg);
	ck_assert_uint_eq(dir_count(clear), 5);
	const struct dir_user *op = dir_find(clear, "OPERATOR");
	ck_assert_uint_eq(op->classes, 0x7F);
	ck_assert_str_eq(op->password.text, "OPERATOR");
	ck_assert_str_eq(dir_find(clear, "MAINT")->password.text, "CPCMS");
	ck_assert_uint_eq(dir_find(clear, "USER2")->classes, DIR_CLASS('G'));
	ck_assert_str_eq(dir_system(clear)->volser, "CAMSYS");

	/* First start: the daemon writes it and hashes its passwords. */
	char path[128];
	make_tmpdir();
	snprintf(path, sizeof path, "%s/USER DIRECT", tmpdir);
	write_file(path, text);
	unsigned hashed;
	ck_assert_int_eq(dir_hash_passwords(path, &hashed, &dg), DIR_OK);
	ck_assert_uint_eq(hashed, 5);
	dir_diags_free(&dg);
	char *after = read_file(path);
	ck_assert_ptr_null(strstr(after, " CPCMS "));
	ck_assert_uint_eq(count_lines(after), count_lines(text));
	ck_assert_int_eq(dir_load(path, 0, &d, &dg), DIR_OK);
	dir_diags_free(&dg);
	ck_assert(cp_password_check("cpcms", dir_find(d, "MAINT")->password.text));
	ck_assert(cp_password_check("user3", dir_find(d, "USER3")->password.text));
	const char *first;
	ck_assert_uint_eq(dir_passwords_unchanged(d, clear, &first), 5);
	ck_assert_str_eq(first, "OPERATOR");
	dir_free(d);

	/* Nothing more to hash the second time. */
	ck_assert_int_eq(dir_hash_passwords(path, &hashed, &dg), DIR_OK);
	ck_assert_uint_eq(hashed, 0);
	char *again = read_file(path);
	ck_assert_str_eq(after, again);

	/* The operator changes OPERATOR's and USER1's passwords: three remain. */
	char hash[CP_HASH_MAX];
	ck_assert_int_eq(cp_password_hash("N3WPASS", hash, sizeof hash), 0);
	ck_assert_int_eq(dir_set_password(path, "OPERATOR", hash), DIR_OK);
	ck_assert_int_eq(dir_set_password(path, "USER1", "NOLOG"), DIR_OK);
	ck_assert_int_eq(dir_load(path, 0, &d, &dg), DIR_OK);
	ck_assert_uint_eq(dir_passwords_unchanged(d, clear, &first), 3);
	ck_assert_str_eq(first, "MAINT");
	dir_free(d);
	dir_diags_free(&dg);
	dir_free(clear);
	free(text);
	free(after);
	free(again);
	remove_tmpdir();
}
END_TEST

START_TEST(test_hash_passwords_refuses_a_file_with_other_errors)
{
	char path[128];
	struct dir_diags dg;
	unsigned hashed = 99;
	make_tmpdir();
	snprintf(path, sizeof path, "%s/USER DIRECT", tmpdir);
	write_file(path, "USER A SECRET\n MDISK 191 3350 1 1 V1 ZZ PW\n");
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_hash_passwords(path, &hashed, &dg), DIR_ERR_INVALID);
	ck_assert_uint_eq(hashed, 0);
	ck_assert(has_diag(&dg, 2, DIR_ERROR, "ZZ (a mode is"));
	char *after = read_file(path);
	ck_assert_str_eq(after, "USER A SECRET\n MDISK 191 3350 1 1 V1 ZZ PW\n");
	free(after);
	dir_diags_free(&dg);

	/* Clear MDISK passwords are hashed too; ALL stays. */
	write_file(path, "USER A SECRET\n MDISK 191 3350 1 1 V1 MR ALL WPW MPW\n");
	ck_assert_int_eq(dir_hash_passwords(path, &hashed, &dg), DIR_OK);
	ck_assert_uint_eq(hashed, 3);
	struct directory *d;
	ck_assert_int_eq(dir_load(path, 0, &d, &dg), DIR_OK);
	const struct dir_mdisk *md = &dir_find(d, "A")->devices[0].u.mdisk;
	ck_assert_int_eq(md->read.kind, DIR_PW_ALL);
	ck_assert(cp_password_check("wpw", md->write.text));
	ck_assert(cp_password_check("mpw", md->multi.text));
	dir_free(d);
	dir_diags_free(&dg);
	remove_tmpdir();
}
END_TEST

START_TEST(test_a_reload_with_errors_builds_nothing_and_the_old_directory_stays)
{
	char path[128];
	struct dir_diags dg;
	struct directory *old, *d = (struct directory *)1;
	make_tmpdir();
	snprintf(path, sizeof path, "%s/USER DIRECT", tmpdir);
	write_file(path, "USER ALICE NOLOG\n");
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_load(path, 0, &old, &dg), DIR_OK);
	write_file(path, "USER ALICE NOLOG\nUSER BOB NOLOG\n CONSOLE 9 3215 Q!\n");
	ck_assert_int_eq(dir_load(path, 0, &d, &dg), DIR_ERR_INVALID);
	ck_assert_ptr_null(d);
	ck_assert(has_diag(&dg, 3, DIR_ERROR, "Q!"));
	ck_assert_ptr_nonnull(dir_find(old, "ALICE"));
	ck_assert_ptr_null(dir_find(old, "BOB"));
	dir_free(old);
	dir_diags_free(&dg);
	remove_tmpdir();
}
END_TEST

START_TEST(test_load_reports_missing_and_oversized_files)
{
	struct dir_diags dg;
	struct directory *d = (struct directory *)1;
	dir_diags_init(&dg);
	ck_assert_int_eq(dir_load("/nonexistent/USER DIRECT", 0, &d, &dg), DIR_ERR_IO);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(d);
	ck_assert_str_eq(dir_status_str(DIR_ERR_INVALID), "the directory has errors");
	ck_assert_str_eq(dir_mode_str(DIR_MODE_MW), "MW");

	char path[128];
	make_tmpdir();
	snprintf(path, sizeof path, "%s/big", tmpdir);
	FILE *f = fopen(path, "wb");
	ck_assert_int_eq(fseek(f, DIR_FILE_MAX + 1, SEEK_SET), 0);
	fputc('\n', f);
	fclose(f);
	ck_assert_int_eq(dir_load(path, 0, &d, &dg), DIR_ERR_TOO_BIG);
	dir_diags_free(&dg);
	remove_tmpdir();
}
END_TEST

/* ---- Fuzz ---- */

static uint64_t rng;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned below(unsigned n)
{
	return (unsigned)(next_rand() % n);
}

static uint64_t env_or(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct gtext {
	char *s;
	size_t n, cap;
};

static void gput(struct gtext *g, const char *s)
{
	size_t k = strlen(s);
	if (g->n + k + 1 > g->cap) {
		g->cap = (g->n + k + 1) * 2;
		g->s = realloc(g->s, g->cap);
	}
	memcpy(g->s + g->n, s, k + 1);
	g->n += k;
}

/* s in random case (statement words and operands fold). */
static void gword(struct gtext *g, const char *s)
{
	char buf[128];
	size_t i = 0;
	for (; s[i] && i < sizeof buf - 1; i++)
		buf[i] = s[i] >= 'A' && s[i] <= 'Z' && below(4) == 0 ? (char)(s[i] + 32) : s[i];
	buf[i] = '\0';
	gput(g, buf);
}

static void gblank(struct gtext *g)
{
	static const char *const b[] = {" ", " ", " ", "  ", "\t", "   "};
	gput(g, b[below(6)]);
}

/* A generated user: what the text says, to compare with what is read. */
struct guser {
	char userid[9];
	int pw;			/* 0 NOLOG, 1 H_SECRET */
	unsigned storage_k;
	unsigned classes;
	unsigned ndev;
	struct {
		int kind;
		unsigned vaddr;
		unsigned a, b;	/* kind-specific */
	} dev[12];
};

static const char *const kw_user[] = {"USER", "U", "USE"};
static const char *const kw_mdisk[] = {"MDISK", "M", "MD", "MDIS"};
static const char *const kw_link[] = {"LINK", "L", "LIN"};
static const char *const kw_console[] = {"CONSOLE", "CONS", "CONSO"};
static const char *const kw_special[] = {"SPECIAL", "SPE", "SPEC"};
static const char *const kw_dedicate[] = {"DEDICATE", "D", "DED"};

/* One valid directory of nusers users into g, described in u[]. */
static void generate(struct gtext *g, struct guser *u, unsigned nusers)
{
	char buf[256];
	g->n = 0;
	if (g->s)
		g->s[0] = '\0';
	if (below(2))
		gput(g, "DIRECTORY 123 3350 SYSRES\n");
	for (unsigned i = 0; i < nusers; i++) {
		struct guser *x = &u[i];
		memset(x, 0, sizeof *x);
		snprintf(x->userid, sizeof x->userid, "U%uX%u", i, below(1000));
		x->pw = (int)below(2);
		x->storage_k = 4 * (1 + below(1024));
		x->classes = 1u << below(8);
		if (below(3) == 0)
			gput(g, "* a comment\n");
		gword(g, kw_user[below(3)]);
		gblank(g);
		gword(g, x->userid);
		gblank(g);
		gput(g, x->pw ? H_SECRET : "NOLOG");
		gblank(g);
		snprintf(buf, sizeof buf, "%uK", x->storage_k);
		gword(g, buf);
		gblank(g);
		gput(g, "16M");
		gblank(g);
		snprintf(buf, sizeof buf, "%c", 'A' + __builtin_ctz(x->classes));
		gword(g, buf);
		gput(g, below(4) == 0 ? "\r\n" : "\n");
		x->ndev = below(12);
		unsigned used[12];
		for (unsigned k = 0; k < x->ndev; k++) {
			unsigned v;
			bool dup;
			do {
				v = below(0x600);
				dup = false;
				for (unsigned j = 0; j < k; j++)
					dup = dup || used[j] == v;
			} while (dup);
			used[k] = v;
			x->dev[k].vaddr = v;
			x->dev[k].kind = (int)below(5);
			gput(g, " ");
			switch (x->dev[k].kind) {
			case 0:	/* MDISK on one of two volumes, read-only modes (no overlap warnings) */
				x->dev[k].a = below(500);
				x->dev[k].b = 1 + below(50);
				gword(g, kw_mdisk[below(4)]);
				snprintf(buf, sizeof buf, " %03X 3350 %u %u VOL%u RR ALL", v,
					 x->dev[k].a, x->dev[k].b, below(2));
				gword(g, buf);
				break;
			case 1:	/* LINK to an earlier user's disk, or our own address */
				gword(g, kw_link[below(3)]);
				snprintf(buf, sizeof buf, " %.8s %03X %03X RR", x->userid, v, v);
				gword(g, buf);
				break;
			case 2:
				gword(g, kw_console[below(3)]);
				x->dev[k].a = below(2) ? 3215 : 3210;
				snprintf(buf, sizeof buf, " %X %u", v, x->dev[k].a);
				gword(g, buf);
				break;
			case 3:
				gword(g, kw_special[below(3)]);
				snprintf(buf, sizeof buf, " %03X TIMER", v);
				gword(g, buf);
				break;
			default:
				gword(g, kw_dedicate[below(3)]);
				x->dev[k].a = below(0x1000);
				snprintf(buf, sizeof buf, " %03X %03X", v, x->dev[k].a);
				gword(g, buf);
				break;
			}
			gput(g, "\n");
		}
	}
}

/* Parse a generated text and compare with the model. */
static void check_generated(const struct gtext *g, const struct guser *u, unsigned nusers)
{
	struct dir_diags dg;
	struct directory *d;
	dir_diags_init(&dg);
	enum dir_status st = dir_parse(g->s, g->n, "FUZZ", 0, &d, &dg);
	if (st != DIR_OK) {
		fprintf(stderr, "generated text failed:\n%s\n", g->s);
		dump_diags(&dg);
	}
	ck_assert_int_eq(st, DIR_OK);
	ck_assert_uint_eq(dg.errors, 0);
	ck_assert_uint_eq(dir_count(d), nusers);
	for (unsigned i = 0; i < nusers; i++) {
		const struct dir_user *r = dir_user_at(d, i);
		ck_assert_ptr_eq(dir_find(d, u[i].userid), r);
		ck_assert_str_eq(r->userid, u[i].userid);
		ck_assert_int_eq(r->password.kind, u[i].pw ? DIR_PW_HASH : DIR_PW_NOLOG);
		ck_assert_uint_eq(r->storage, (unsigned long)u[i].storage_k << 10);
		ck_assert_uint_eq(r->classes, u[i].classes);
		ck_assert_uint_eq(r->ndevices, u[i].ndev);
		for (unsigned k = 0; k < u[i].ndev; k++) {
			const struct dir_device *dev = &r->devices[k];
			static const enum dir_dev_kind kinds[] = {DIR_DEV_MDISK, DIR_DEV_LINK,
				DIR_DEV_CONSOLE, DIR_DEV_SPECIAL, DIR_DEV_DEDICATE};
			ck_assert_int_eq(dev->kind, kinds[u[i].dev[k].kind]);
			ck_assert_uint_eq(dev->vaddr, u[i].dev[k].vaddr);
			if (dev->kind == DIR_DEV_MDISK) {
				ck_assert_uint_eq(dev->u.mdisk.start, u[i].dev[k].a);
				ck_assert_uint_eq(dev->u.mdisk.count, u[i].dev[k].b);
			} else if (dev->kind == DIR_DEV_CONSOLE) {
				ck_assert_uint_eq(dev->u.console.devtype, u[i].dev[k].a);
			} else if (dev->kind == DIR_DEV_DEDICATE) {
				ck_assert_uint_eq(dev->u.dedicate.raddr, u[i].dev[k].a);
			}
		}
	}
	dir_free(d);
	dir_diags_free(&dg);
}

/* Damage text in place (in a buffer of MUTATE_ROOM bytes); returns the new length. */
#define MUTATE_ROOM (1u << 20)
static size_t mutate(char *s, size_t n)
{
	static const char *const junk[] = {
		"USER", "MDISK", "LINK", " ", "\t", "\n", "\r", "*", "$y$", H_SECRET, "NOLOG", "ALL",
		"FFF", "600", "T-DISK", "END", "VOLID", "PARM", "OPTION ECMODE\n", "USER X NOLOG\n",
		"99999999999999999999", "\xc2\xa2", "\xff", "R/O", "3330V", "2540", "READER",
	};
	unsigned edits = 1 + below(8);
	for (unsigned e = 0; e < edits; e++) {
		size_t at = n ? below((unsigned)n + 1) : 0;
		switch (below(7)) {
		case 0:	/* flip a byte */
			if (n)
				s[below((unsigned)n)] ^= (char)(1u << below(8));
			break;
		case 1:	/* a random byte, NUL included */
			if (n)
				s[below((unsigned)n)] = (char)below(256);
			break;
		case 2: {	/* delete a range */
			size_t k = below(40);
			if (at + k > n)
				k = n - at;
			memmove(s + at, s + at + k, n - at - k);
			n -= k;
			break;
		}
		case 3: {	/* insert a token */
			const char *j = junk[below(sizeof junk / sizeof junk[0])];
			size_t k = strlen(j);
			if (n + k < MUTATE_ROOM) {
				memmove(s + at + k, s + at, n - at);
				memcpy(s + at, j, k);
				n += k;
			}
			break;
		}
		case 4: {	/* a long run of one character around column 72 */
			size_t k = 60 + below(30);
			char c = below(2) ? ' ' : 'A';
			if (n + k < MUTATE_ROOM) {
				memmove(s + at + k, s + at, n - at);
				memset(s + at, c, k);
				n += k;
			}
			break;
		}
		case 5:	/* truncate */
			n = at;
			break;
		default: {	/* duplicate a stretch (a line, a statement) */
			size_t k = below(80);
			if (at + k > n)
				k = n - at;
			if (n + k < MUTATE_ROOM) {
				memmove(s + at + k, s + at, n - at);	/* leaves a copy behind */
				n += k;
			}
			break;
		}
		}
	}
	return n;
}

/* Whatever the text, an answer of the enum, and a consistent one. True if it was still valid. */
static bool check_mutated(const char *s, size_t n, unsigned flags)
{
	struct dir_diags dg;
	struct directory *d = (struct directory *)1;
	dir_diags_init(&dg);
	enum dir_status st = dir_parse(s, n, "FUZZ", flags, &d, &dg);
	unsigned lines = 1;
	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	ck_assert(st == DIR_OK || st == DIR_ERR_INVALID);
	ck_assert_uint_eq(dg.errors + dg.warnings, dg.n + dg.dropped);
	for (size_t i = 0; i < dg.n; i++) {
		ck_assert_uint_le(dg.v[i].line, lines);
		ck_assert(dg.v[i].text[0] != '\0');
		if (i)
			ck_assert_uint_le(dg.v[i - 1].line ? dg.v[i - 1].line : UINT32_MAX,
					  dg.v[i].line ? dg.v[i].line : UINT32_MAX);
	}
	if (st == DIR_OK) {
		ck_assert_uint_eq(dg.errors, 0);
		for (size_t i = 0; i < dir_count(d); i++) {
			const struct dir_user *u = dir_user_at(d, i);
			ck_assert_ptr_eq(dir_find(d, u->userid), u);
			ck_assert(u->password.kind == DIR_PW_HASH || u->password.kind == DIR_PW_NOLOG ||
				  (flags & DIR_ALLOW_CLEAR));
			ck_assert_uint_le(u->storage, u->max_storage);
			for (size_t k = 0; k < u->ndevices; k++)
				ck_assert_uint_le(u->devices[k].vaddr, DIR_VADDR_MAX);
		}
		dir_free(d);
	} else {
		ck_assert_uint_gt(dg.errors, 0);
		ck_assert_ptr_null(d);
	}
	dir_diags_free(&dg);
	return st == DIR_OK;
}

START_TEST(test_fuzz_random_directories_read_back_and_damage_never_crashes)
{
	rng = env_or("CAMBRIDGE_DIRFUZZ_SEED", 0xD1EC7041) | 1;
	uint64_t iters = env_or("CAMBRIDGE_DIRFUZZ_ITERS", 1500);
	double deadline = now() + (double)env_or("CAMBRIDGE_DIRFUZZ_SECONDS", 20);
	struct gtext g = {0};
	struct guser users[16];
	char *buf = malloc(MUTATE_ROOM + 1);
	char path[128];
	unsigned rewrites = 0, done = 0, damaged = 0, still_valid = 0;
	make_tmpdir();
	snprintf(path, sizeof path, "%s/USER DIRECT", tmpdir);

	for (uint64_t it = 0; it < iters && now() < deadline; it++, done++) {
		unsigned nusers = 1 + below(16);
		generate(&g, users, nusers);
		check_generated(&g, users, nusers);

		size_t n = g.n < MUTATE_ROOM / 2 ? g.n : 0;
		memcpy(buf, g.s, n);
		for (unsigned m = 0; m < 4; m++) {
			n = mutate(buf, n);
			damaged++;
			still_valid += check_mutated(buf, n, below(2) ? DIR_ALLOW_CLEAR : 0);
		}

		/* Now and then, rewrite a password in the damaged text: if that works, every other
		 * line is unchanged. */
		if (it % 8 == 0 && n > 0) {
			buf[n] = '\0';
			if (memchr(buf, '\0', n))
				continue;
			write_file(path, buf);
			enum dir_status st = dir_set_password(path, users[0].userid, H_MULT);
			char *after = read_file(path);
			if (st == DIR_OK) {
				rewrites++;
				unsigned la = count_lines(buf), lb = count_lines(after);
				ck_assert_uint_eq(la, lb);
				unsigned changed = 0;
				char a[8192], b[8192];
				for (unsigned i = 1; i <= la + 1; i++) {
					line_of(buf, i, a, sizeof a);
					line_of(after, i, b, sizeof b);
					changed += strcmp(a, b) != 0;
				}
				ck_assert_uint_le(changed, 1);
			} else {
				ck_assert_str_eq(buf, after);
			}
			free(after);
		}
	}
	fprintf(stderr, "check_directory: fuzz seed %#llx (CAMBRIDGE_DIRFUZZ_SEED): %u generated texts "
		"read back; %u damaged ones (%u still valid); %u password rewrites of damaged files\n",
		(unsigned long long)(env_or("CAMBRIDGE_DIRFUZZ_SEED", 0xD1EC7041) | 1), done, damaged,
		still_valid, rewrites);
	ck_assert_uint_gt(done, 50);
	free(g.s);
	free(buf);
	remove_tmpdir();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("directory");
	TCase *tc = tcase_create("directory");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sample_with_every_statement_reads_field_by_field);
	tcase_add_test(tc, test_defaults_of_a_bare_user_statement);
	tcase_add_loop_test(tc, test_each_error_is_reported_with_its_line, 0,
			    sizeof error_cases / sizeof error_cases[0]);
	tcase_add_test(tc, test_every_error_of_a_text_is_collected_in_line_order);
	tcase_add_test(tc, test_clear_passwords_are_taken_only_when_allowed);
	tcase_add_test(tc, test_warnings_do_not_stop_the_directory);
	tcase_add_test(tc, test_card_columns_72_to_80_are_ignored_unless_column_72_is_used);
	tcase_add_test(tc, test_statement_abbreviations_follow_the_table);
	tcase_add_test(tc, test_password_hash_and_check);
	tcase_add_test(tc, test_password_special_values_and_weak_hashes_never_match);
	tcase_add_test(tc, test_password_hash_refuses_invalid_clear_text_and_small_buffers);
	tcase_add_test(tc, test_set_password_changes_only_that_field);
	tcase_add_test(tc, test_set_password_on_a_card_image_keeps_or_drops_the_sequence_field);
	tcase_add_test(tc, test_set_password_refusals_leave_the_file_alone);
	tcase_add_test(tc, test_a_write_failing_before_the_rename_leaves_the_old_file);
	tcase_add_test(tc, test_starter_directory_hashes_on_first_start_and_reports_unchanged_passwords);
	tcase_add_test(tc, test_hash_passwords_refuses_a_file_with_other_errors);
	tcase_add_test(tc, test_a_reload_with_errors_builds_nothing_and_the_old_directory_stays);
	tcase_add_test(tc, test_load_reports_missing_and_oversized_files);
	tcase_add_test(tc, test_fuzz_random_directories_read_back_and_damage_never_crashes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
