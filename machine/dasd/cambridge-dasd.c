/*
 * cambridge-dasd.c - create, list and check CKD and FBA disk images (docs/cambridge-dasd.md).
 *
 *   cambridge-dasd init [--cyls-per-file N | --compress zlib|bzip2] FILE TYPE VOLSER [CYLS|BLOCKS]
 *   cambridge-dasd convert IN OUT [--compress zlib|bzip2|none]
 *   cambridge-dasd list FILE
 *   cambridge-dasd check [--repair] FILE
 *   cambridge-dasd shadow list|add|merge [--force]|remove|check BASE SF
 *
 * Exit status: 0 success, 1 the image is bad or an operation failed, 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/dasd/dasd.h"

static const char usage[] =
	"usage: cambridge-dasd init [--cyls-per-file N | --compress zlib|bzip2] FILE TYPE VOLSER [CYLS|BLOCKS]\n"
	"       cambridge-dasd convert IN OUT [--compress zlib|bzip2|none]\n"
	"       cambridge-dasd list FILE\n"
	"       cambridge-dasd check [--repair] FILE\n"
	"       cambridge-dasd shadow list|add|remove|check BASE SF\n"
	"       cambridge-dasd shadow merge [--force] BASE SF\n"
	"       cambridge-dasd --help\n"
	"\n"
	"init   create an empty volume in Hercules format: CKD (every track with R0, IPL records,\n"
	"       VOL1 label and a minimal VTOC on cylinder 0) or plain FBA (zero blocks).\n"
	"       TYPE: 2311 2314 3330 3330-11 3340 3340-35 3340-70 3350 3375 3380 3380-E 3380-K\n"
	"             3390 3390-1 3390-2 3390-3 3390-9 (CKD), 3310 3370 3370-2 (FBA).\n"
	"       CYLS defaults to the device's primary cylinders, BLOCKS to its block count.\n"
	"       --cyls-per-file N splits a CKD volume into FILE_1, FILE_2, ... as Hercules does.\n"
	"       --compress zlib|bzip2 makes a compressed (CCKD, CKD_C370) volume.\n"
	"convert copy a CKD volume track for track into a new file OUT: CCKD with zlib (the default)\n"
	"       or bzip2, or plain CKD with --compress none.\n"
	"list   print the device type, geometry, volume label and VTOC data set names.\n"
	"check  read every track and report the first inconsistency with its file and offset; for\n"
	"       CCKD also the L1/L2 tables, extents and free space. --repair (CCKD): drop bad L1/L2\n"
	"       entries (their tracks become empty), rebuild the free space, mark the file closed.\n"
	"       A shadow file (CKD_S370) is checked alone the same way.\n"
	"shadow the shadow files SF over the read-only volume BASE, as Hercules' sf=SF: the\n"
	"       character before the last '.' of SF's file name (by convention a '*') is the\n"
	"       shadow number 1-8. list: each file, the tracks it holds and the volume label seen\n"
	"       through them. add: a new empty shadow over the newest (Hercules sf+). merge: the\n"
	"       newest shadow into the one below, then delete it (sf-); into BASE only with\n"
	"       --force. remove: delete the newest shadow and what was written to it (sf- nomerge).\n"
	"       check: every shadow file as check does, then every track through the stack.\n"
	"\n"
	"See man cambridge-dasd (docs/cambridge-dasd.md).\n";

static bool parse_compress(const char *s, int *algo)
{
	if (!strcmp(s, "none"))
		*algo = -1;
	else if (!strcmp(s, "zlib"))
		*algo = DASD_COMPRESS_ZLIB;
	else if (!strcmp(s, "bzip2"))
		*algo = DASD_COMPRESS_BZIP2;
	else
		return false;
	return true;
}

static int fail(const char *what, enum dasd_status s, const struct dasd_where *w)
{
	if (w && w->file[0])
		fprintf(stderr, "cambridge-dasd: %s: %s at byte offset %llu\n", w->file, dasd_status_str(s),
			(unsigned long long)w->offset);
	else
		fprintf(stderr, "cambridge-dasd: %s: %s\n", what, dasd_status_str(s));
	return 1;
}

static bool parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);
	if (!*s || *end || n > UINT32_MAX)
		return false;
	*v = (uint32_t)n;
	return true;
}

static int cmd_init(int argc, char **argv)
{
	uint32_t per_file = 0, size = 0;
	struct dasd_where w;
	enum dasd_status s;
	int algo = -1;

	w.file[0] = 0;
	if (argc >= 2 && !strcmp(argv[0], "--compress")) {
		if (!parse_compress(argv[1], &algo) || algo < 0) {
			fputs(usage, stderr);
			return 2;
		}
		argc -= 2;
		argv += 2;
	} else if (argc >= 2 && !strcmp(argv[0], "--cyls-per-file")) {
		if (!parse_u32(argv[1], &per_file) || per_file == 0) {
			fputs(usage, stderr);
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 3 || argc > 4 || (argc == 4 && (!parse_u32(argv[3], &size) || size == 0))) {
		fputs(usage, stderr);
		return 2;
	}
	const struct dasd_geom *g = dasd_geom_find(argv[1]);
	if (!g)
		return fail(argv[1], DASD_E_UNKNOWN_TYPE, NULL);
	if (g->fba) {
		struct fba *f;
		s = fba_create(argv[0], g, size, &f, &w);
		if (s != DASD_OK)
			return fail(argv[0], s, &w);
		s = fba_close(f);
		if (s != DASD_OK)
			return fail(argv[0], s, NULL);
		printf("%s: %s, %u blocks\n", argv[0], g->name, size ? size : g->blocks);
		return 0;
	}
	struct ckd *c;
	if (algo >= 0)
		s = ckd_create_compressed(argv[0], g, size ? size : g->cyls, (enum dasd_compress)algo, &c, &w);
	else
		s = ckd_create(argv[0], g, size ? size : g->cyls, per_file, &c, &w);
	if (s != DASD_OK)
		return fail(argv[0], s, &w);
	s = dasd_ckd_init_volume(c, argv[2]);
	if (s != DASD_OK) {
		w = *ckd_where(c);
		ckd_close(c);
		return fail(argv[0], s, s == DASD_E_INVAL ? NULL : &w);
	}
	printf("%s: %s%s volume %s, %u cylinders, %u heads, %u bytes per track slot, %u file(s)\n", argv[0],
	       g->name, algo < 0 ? "" : algo == DASD_COMPRESS_ZLIB ? " CCKD zlib" : " CCKD bzip2", argv[2],
	       ckd_cyls(c), ckd_heads(c), ckd_trksize(c), ckd_files(c));
	s = ckd_close(c);
	return s == DASD_OK ? 0 : fail(argv[0], s, NULL);
}

static void print_dsn(void *arg, const char *dsn)
{
	(void)arg;
	printf("  %s\n", dsn);
}

/* Open as CKD; a file that is not CKD (no CKD_ header) is tried as plain FBA. */
static int open_any(const char *path, struct ckd **c, struct fba **f)
{
	struct dasd_where w;
	enum dasd_status s;

	w.file[0] = 0;
	s = ckd_open(path, true, c, &w);

	*f = NULL;
	if (s == DASD_E_BAD_ID) {
		s = fba_open(path, true, f, &w);
		if (s == DASD_OK)
			return 0;
	}
	return s == DASD_OK ? 0 : fail(path, s, &w);
}

static int cmd_list(const char *path)
{
	struct ckd *c;
	struct fba *f;
	int rc = open_any(path, &c, &f);

	if (rc)
		return rc;
	if (f) {
		printf("%s: FBA (plain, no header: device type from the configuration), %u blocks of 512 bytes\n",
		       path, fba_blocks(f));
		fba_close(f);
		return 0;
	}
	const struct dasd_geom *g = ckd_geom(c);
	struct dasd_label l;
	unsigned n;
	printf("%s: %s %s, %u cylinders, %u heads, track capacity %u, %u bytes per track slot, %u file(s)\n",
	       path, ckd_compressed(c) ? "CCKD" : "CKD", g->name, ckd_cyls(c), ckd_heads(c), g->track_len,
	       ckd_trksize(c), ckd_files(c));
	enum dasd_status s = dasd_ckd_read_label(c, &l);
	if (s == DASD_OK) {
		printf("volume %s, owner %s, VTOC at CCHHR %u,%u,%u\n", l.volser, l.owner[0] ? l.owner : "-",
		       l.vtoc_cc, l.vtoc_hh, l.vtoc_r);
		s = dasd_ckd_vtoc_walk(c, print_dsn, NULL, &n);
		if (s == DASD_OK)
			printf("VTOC: %u DSCBs\n", n);
		else if (s == DASD_E_NOT_FOUND)
			printf("no VTOC (no format-4 DSCB at the label's pointer)\n"), s = DASD_OK;
	} else if (s == DASD_E_NO_LABEL) {
		printf("no volume label\n");
		s = DASD_OK;
	}
	if (s != DASD_OK)
		rc = fail(path, s, ckd_where(c));
	ckd_close(c);
	return rc;
}

static const char *const algo_names[] = {"none", "zlib", "bzip2"};

static int check_cckd(const char *path, bool repair)
{
	struct cckd_report r;
	enum dasd_status s = ckd_check_compressed(path, repair, &r);

	if (r.problems && r.first != DASD_OK)
		fail(path, r.first, &r.where);
	if (r.problems)
		fprintf(stderr, "cambridge-dasd: %s: %u problem(s)%s%s, %u L1/L2 entr%s %s\n", path, r.problems,
			r.not_closed ? ", not closed cleanly" : "", r.free_bad ? ", free space wrong" : "",
			r.dropped, r.dropped == 1 ? "y" : "ies", repair ? "dropped" : "bad");
	if (s != DASD_OK && s != r.first)
		return fail(path, s, &r.where);
	if (s != DASD_OK && !r.problems)
		return fail(path, s, &r.where);
	if (r.problems && !repair)
		return 1;
	if (r.shadow)
		printf("%s: CCKD shadow (%s), %u tracks, %u here, %u stored, %u L2 tables, %u free blocks (%llu bytes): "
		       "%s\n", path, algo_names[r.algo], r.tracks, r.held, r.stored, r.l2_tables, r.free_blocks,
		       (unsigned long long)r.free_bytes, r.problems ? "repaired" : "ok");
	else
		printf("%s: CCKD (%s), %u tracks, %u stored, %u L2 tables, %u free blocks (%llu bytes): %s\n", path,
		       algo_names[r.algo], r.tracks, r.stored, r.l2_tables, r.free_blocks,
		       (unsigned long long)r.free_bytes, r.problems ? "repaired" : "ok");
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	struct ckd *c;
	struct fba *f;
	bool repair = argc == 2 && !strcmp(argv[0], "--repair");

	if (argc != 1 && !repair) {
		fputs(usage, stderr);
		return 2;
	}
	const char *path = argv[argc - 1];
	FILE *fp = fopen(path, "rb");
	char id[8] = {0};
	if (fp) {
		if (fread(id, 1, 8, fp) != 8)
			id[0] = 0;
		fclose(fp);
	}
	if (!memcmp(id, "CKD_C370", 8) || !memcmp(id, "CKD_S370", 8))
		return check_cckd(path, repair);
	if (repair) {
		fprintf(stderr, "cambridge-dasd: %s: --repair works on CCKD volumes only\n", path);
		return 2;
	}
	int rc = open_any(path, &c, &f);

	if (rc)
		return rc;
	if (f) {
		printf("%s: FBA, %u blocks: ok\n", path, fba_blocks(f));
		fba_close(f);
		return 0;
	}
	uint8_t *trk = malloc(ckd_trksize(c));
	enum dasd_status s = trk ? DASD_OK : DASD_E_NOMEM;
	for (uint32_t cc = 0; cc < ckd_cyls(c) && s == DASD_OK; cc++)
		for (uint32_t hh = 0; hh < ckd_heads(c) && s == DASD_OK; hh++)
			s = ckd_read_track(c, cc, hh, trk);
	free(trk);
	if (s == DASD_OK)
		printf("%s: %u cylinders, %u tracks: ok\n", path, ckd_cyls(c), ckd_cyls(c) * ckd_heads(c));
	else
		rc = fail(path, s, ckd_where(c));
	ckd_close(c);
	return rc;
}

static int cmd_convert(int argc, char **argv)
{
	int algo = DASD_COMPRESS_ZLIB;
	struct dasd_where w;
	struct ckd *in, *out;
	enum dasd_status s;

	if (argc == 4 && !strcmp(argv[2], "--compress")) {
		if (!parse_compress(argv[3], &algo)) {
			fputs(usage, stderr);
			return 2;
		}
	} else if (argc != 2) {
		fputs(usage, stderr);
		return 2;
	}
	w.file[0] = 0;
	s = ckd_open(argv[0], true, &in, &w);
	if (s != DASD_OK)
		return fail(argv[0], s, &w);
	const struct dasd_geom *g = ckd_geom(in);
	uint32_t cyls = ckd_cyls(in);
	if (algo < 0)
		s = ckd_create(argv[1], g, ckd_cyls(in), 0, &out, &w);
	else
		s = ckd_create_compressed(argv[1], g, ckd_cyls(in), (enum dasd_compress)algo, &out, &w);
	if (s != DASD_OK) {
		ckd_close(in);
		return fail(argv[1], s, &w);
	}
	uint8_t *trk = malloc(ckd_trksize(in));
	s = trk ? DASD_OK : DASD_E_NOMEM;
	int rc = 0;
	for (uint32_t cc = 0; cc < ckd_cyls(in) && s == DASD_OK; cc++)
		for (uint32_t hh = 0; hh < ckd_heads(in) && s == DASD_OK; hh++) {
			s = ckd_read_track(in, cc, hh, trk);
			if (s != DASD_OK) {
				rc = fail(argv[0], s, ckd_where(in));
				break;
			}
			s = ckd_write_track(out, cc, hh, trk, ckd_trksize(in));
			if (s != DASD_OK)
				rc = fail(argv[1], s, ckd_where(out));
		}
	free(trk);
	ckd_close(in);
	enum dasd_status cs = ckd_close(out);
	if (rc)
		return rc;
	if (cs != DASD_OK)
		return fail(argv[1], cs, NULL);
	printf("%s: %s %s, %u cylinders, from %s\n", argv[1], algo < 0 ? "CKD" : "CCKD", g->name,
	       cyls, argv[0]);
	return 0;
}

/* ---- shadow files ---- */

static int open_stack(const char *base, const char *sf, bool readonly, struct ckd **c)
{
	struct dasd_where w = {.file = "", .offset = 0, .err = 0};
	enum dasd_status s = ckd_open_shadow(base, sf, readonly, c, &w);

	return s == DASD_OK ? 0 : fail(sf, s, &w);
}

/* How many shadow files exist (opening the stack read-only); -1 after a message. */
static int count_shadows(const char *base, const char *sf)
{
	struct ckd *c;

	if (open_stack(base, sf, true, &c))
		return -1;
	int n = (int)ckd_shadow_count(c);
	ckd_close(c);
	return n;
}

static int shadow_list(const char *base, const char *sf)
{
	struct ckd_shadow_info in;
	struct dasd_label l;
	struct ckd *c;

	if (open_stack(base, sf, true, &c))
		return 1;
	ckd_shadow_info(c, 0, &in);
	printf("%s: %s %s, %u cylinders, base (read-only): %u tracks, %u stored, %llu bytes\n", in.file,
	       ckd_compressed(c) ? "CCKD" : "CKD", ckd_geom(c)->name, ckd_cyls(c), in.tracks, in.stored,
	       (unsigned long long)in.size);
	for (unsigned i = 1; i <= ckd_shadow_count(c); i++) {
		ckd_shadow_info(c, i, &in);
		printf("shadow %u %s: %u track%s, %u stored, %llu bytes\n", i, in.file, in.tracks,
		       in.tracks == 1 ? "" : "s", in.stored, (unsigned long long)in.size);
	}
	if (!ckd_shadow_count(c))
		printf("no shadow files (%s)\n", sf);
	enum dasd_status s = dasd_ckd_read_label(c, &l);
	int rc = 0;
	if (s == DASD_OK)
		printf("volume %s, owner %s\n", l.volser, l.owner[0] ? l.owner : "-");
	else if (s == DASD_E_NO_LABEL)
		printf("no volume label\n");
	else
		rc = fail(sf, s, ckd_where(c));
	ckd_close(c);
	return rc;
}

static int shadow_change(const char *what, const char *base, const char *sf, bool force)
{
	int n = count_shadows(base, sf);
	struct ckd *c;

	if (n < 0)
		return 1;
	if (strcmp(what, "add") && n == 0) {
		fprintf(stderr, "cambridge-dasd: %s: no shadow files\n", sf);
		return 1;
	}
	if (!strcmp(what, "merge") && n == 1 && !force) {
		fprintf(stderr, "cambridge-dasd: %s: merging shadow 1 writes into the base %s: --force\n", sf, base);
		return 1;
	}
	if (open_stack(base, sf, false, &c))
		return 1;
	enum dasd_status s = DASD_OK;
	if (!strcmp(what, "add") && n > 0)
		s = ckd_shadow_add(c);
	else if (!strcmp(what, "merge"))
		s = ckd_shadow_merge(c, force);
	else if (!strcmp(what, "remove"))
		s = ckd_shadow_remove(c);
	if (s != DASD_OK) {
		struct dasd_where w = *ckd_where(c);
		ckd_close(c);
		return fail(sf, s, &w);
	}
	unsigned now = ckd_shadow_count(c);
	struct ckd_shadow_info in;
	ckd_shadow_info(c, now, &in);
	if (!strcmp(what, "add"))
		printf("%s: shadow %u added\n", in.file, now);
	else if (!strcmp(what, "merge"))
		printf("shadow %d merged into %s\n", n, in.file);
	else
		printf("shadow %d removed; %s is the newest file\n", n, in.file);
	s = ckd_close(c);
	return s == DASD_OK ? 0 : fail(sf, s, NULL);
}

static int shadow_check(const char *base, const char *sf)
{
	struct cckd_report r;
	struct ckd *c;
	int rc = 0;

	if (open_stack(base, sf, true, &c))
		return 1;
	for (unsigned i = 1; i <= ckd_shadow_count(c); i++) {
		struct ckd_shadow_info in;
		ckd_shadow_info(c, i, &in);
		enum dasd_status s = ckd_shadow_check(c, i, &r);
		if (s != DASD_OK) {
			rc = fail(in.file, s, &r.where);
			fprintf(stderr, "cambridge-dasd: %s: %u problem(s)\n", in.file, r.problems);
		} else {
			printf("shadow %u %s: %u tracks, %u stored, %u L2 tables: ok\n", i, in.file, r.held, r.stored,
			       r.l2_tables);
		}
	}
	uint8_t *trk = malloc(ckd_trksize(c));
	enum dasd_status s = trk ? DASD_OK : DASD_E_NOMEM;
	for (uint32_t cc = 0; cc < ckd_cyls(c) && s == DASD_OK; cc++)
		for (uint32_t hh = 0; hh < ckd_heads(c) && s == DASD_OK; hh++)
			s = ckd_read_track(c, cc, hh, trk);
	free(trk);
	if (s != DASD_OK)
		rc = fail(sf, s, ckd_where(c));
	else
		printf("%s with %u shadow file(s): %u tracks read: %s\n", base, ckd_shadow_count(c),
		       ckd_cyls(c) * ckd_heads(c), rc ? "bad" : "ok");
	ckd_close(c);
	return rc;
}

static int cmd_shadow(int argc, char **argv)
{
	bool force = argc == 4 && !strcmp(argv[0], "merge") && !strcmp(argv[1], "--force");

	if (force) {
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	if (argc != 3) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[0], "list"))
		return shadow_list(argv[1], argv[2]);
	if (!strcmp(argv[0], "check"))
		return shadow_check(argv[1], argv[2]);
	if (!strcmp(argv[0], "add") || !strcmp(argv[0], "merge") || !strcmp(argv[0], "remove"))
		return shadow_change(argv[0], argv[1], argv[2], force);
	fputs(usage, stderr);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "init"))
		return cmd_init(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "list"))
		return cmd_list(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "convert"))
		return cmd_convert(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "shadow"))
		return cmd_shadow(argc - 2, argv + 2);
	fputs(usage, stderr);
	return 2;
}
