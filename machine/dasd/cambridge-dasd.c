/*
 * cambridge-dasd.c - create, list and check CKD and FBA disk images (docs/cambridge-dasd.md).
 *
 *   cambridge-dasd init [--cyls-per-file N] FILE TYPE VOLSER [CYLS|BLOCKS]
 *   cambridge-dasd list FILE
 *   cambridge-dasd check FILE
 *
 * Exit status: 0 success, 1 the image is bad or an operation failed, 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/dasd/dasd.h"

static const char usage[] =
	"usage: cambridge-dasd init [--cyls-per-file N] FILE TYPE VOLSER [CYLS|BLOCKS]\n"
	"       cambridge-dasd list FILE\n"
	"       cambridge-dasd check FILE\n"
	"       cambridge-dasd --help\n"
	"\n"
	"init   create an empty volume in Hercules format: CKD (every track with R0, IPL records,\n"
	"       VOL1 label and a minimal VTOC on cylinder 0) or plain FBA (zero blocks).\n"
	"       TYPE: 2311 2314 3330 3330-11 3340 3340-35 3340-70 3350 3375 3380 3380-E 3380-K\n"
	"             3390 3390-1 3390-2 3390-3 3390-9 (CKD), 3310 3370 3370-2 (FBA).\n"
	"       CYLS defaults to the device's primary cylinders, BLOCKS to its block count.\n"
	"       --cyls-per-file N splits a CKD volume into FILE_1, FILE_2, ... as Hercules does.\n"
	"list   print the device type, geometry, volume label and VTOC data set names.\n"
	"check  read every track and report the first inconsistency with its file and offset.\n";

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

	w.file[0] = 0;
	if (argc >= 2 && !strcmp(argv[0], "--cyls-per-file")) {
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
	s = ckd_create(argv[0], g, size ? size : g->cyls, per_file, &c, &w);
	if (s != DASD_OK)
		return fail(argv[0], s, &w);
	s = dasd_ckd_init_volume(c, argv[2]);
	if (s != DASD_OK) {
		w = *ckd_where(c);
		ckd_close(c);
		return fail(argv[0], s, s == DASD_E_INVAL ? NULL : &w);
	}
	printf("%s: %s volume %s, %u cylinders, %u heads, %u bytes per track slot, %u file(s)\n", argv[0],
	       g->name, argv[2], ckd_cyls(c), ckd_heads(c), ckd_trksize(c), ckd_files(c));
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
	printf("%s: CKD %s, %u cylinders, %u heads, track capacity %u, %u bytes per track slot, %u file(s)\n",
	       path, g->name, ckd_cyls(c), ckd_heads(c), g->track_len, ckd_trksize(c), ckd_files(c));
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

static int cmd_check(const char *path)
{
	struct ckd *c;
	struct fba *f;
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
	if (argc == 3 && !strcmp(argv[1], "check"))
		return cmd_check(argv[2]);
	fputs(usage, stderr);
	return 2;
}
