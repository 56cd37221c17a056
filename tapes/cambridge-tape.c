/*
 * cambridge-tape.c - create, list and convert AWS and HET tape images (see docs/cambridge-tape.md).
 *
 *	cambridge-tape map FILE
 *	cambridge-tape init FILE [--label VOLSER] [--format aws|het] [--compress zlib|bzip2|none]
 *	cambridge-tape copy IN OUT [--format aws|het] [--compress zlib|bzip2|none]
 *
 * All tape work goes through tapes/tape.h; this file is the edge that prints. Errors are one line,
 * "cambridge-tape: FILE: what: why", and exit status 1; usage errors exit 2.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/ebcdic.h"
#include "tapes/tape.h"

#define PROG "cambridge-tape"

static void usage(FILE *f)
{
	fputs("Usage: " PROG " COMMAND ARGS...\n"
	      "Create, list and convert AWS and HET tape images.\n"
	      "\n"
	      "  map FILE               list the files on the tape: blocks, sizes, labels\n"
	      "  init FILE [--label VOLSER]\n"
	      "                         create an empty tape (two tape marks), or a labelled one\n"
	      "                         (VOL1, dummy HDR1, tape mark)\n"
	      "  copy IN OUT            copy a tape block for block (AWS <-> HET)\n"
	      "\n"
	      "Options for init and copy:\n"
	      "  --format aws|het       format of the new tape (default: from the name, .het is HET)\n"
	      "  --compress zlib|bzip2|none\n"
	      "                         compression of HET blocks (default zlib)\n"
	      "  --help                 this text\n"
	      "\n"
	      "See man cambridge-tape (docs/cambridge-tape.md).\n", f);
}

/* Report "cambridge-tape: FILE: what: why" for a tape status. */
static int fail_tape(const char *file, const char *what, struct tape *t, enum tape_status st)
{
	if (st == TAPE_ERR_IO || (st == TAPE_ERR_NOMEM && !t))
		fprintf(stderr, PROG ": %s: %s: %s\n", file, what, strerror(errno));
	else if (t && st >= TAPE_ERR_HEADER)
		fprintf(stderr, PROG ": %s: %s: %s at offset %llu\n", file, what, tape_status_str(st),
			(unsigned long long)tape_error_offset(t));
	else
		fprintf(stderr, PROG ": %s: %s: %s\n", file, what, tape_status_str(st));
	return 1;
}

static int fail_usage(const char *msg)
{
	fprintf(stderr, PROG ": %s (try --help)\n", msg);
	return 2;
}

/* Print an 80-byte EBCDIC block that looks like a standard label (VOL1, HDR1, EOF1, ...). */
static void map_label(const uint8_t *b, size_t len)
{
	static const char *const ids[] = { "VOL", "HDR", "EOF", "EOV", "UHL", "UTL" };
	char text[81];

	if (len != 80)
		return;
	ebcdic_to_ascii_buf(text, b, 80);
	text[80] = '\0';
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		if (memcmp(text, ids[i], 3) == 0 && isdigit((unsigned char)text[3])) {
			for (int k = 0; k < 80; k++)
				if (!isprint((unsigned char)text[k]))
					text[k] = '.';
			printf("%s\n", text);
			return;
		}
	}
}

static int cmd_map(const char *file)
{
	struct tape *t;
	enum tape_status st = tape_open(file, TAPE_RDONLY, NULL, &t);
	uint8_t *buf = malloc(TAPE_MAX_BLOCK);
	unsigned long long blocks = 0, bytes = 0, tblocks = 0, tbytes = 0;
	size_t min = 0, max = 0, len;
	unsigned file_no = 1;

	if (!buf)
		return fail_tape(file, "map", NULL, TAPE_ERR_NOMEM);
	if (st != TAPE_OK) {
		free(buf);
		return fail_tape(file, "open", NULL, st);
	}
	printf("%s: %s\n", file, tape_format_str(tape_format(t)));
	for (;;) {
		st = tape_read_block(t, buf, TAPE_MAX_BLOCK, &len);
		if (st == TAPE_OK) {
			map_label(buf, len);
			if (!blocks || len < min)
				min = len;
			if (len > max)
				max = len;
			blocks++;
			bytes += len;
			continue;
		}
		if (st != TAPE_MARK && st != TAPE_EOD)
			break;
		if (st == TAPE_MARK || blocks) {
			printf("File %u: Blocks=%llu, block size min=%zu, max=%zu, bytes=%llu%s\n", file_no,
			       blocks, min, max, bytes, st == TAPE_EOD ? " (no tape mark)" : "");
			file_no++;
			tblocks += blocks;
			tbytes += bytes;
			blocks = bytes = 0;
			min = max = 0;
		}
		if (st == TAPE_EOD)
			break;
	}
	if (st == TAPE_EOD) {
		printf("End of tape: %u files, %llu blocks, %llu bytes.\n", file_no - 1, tblocks, tbytes);
		st = TAPE_OK;
	} else {
		fflush(stdout);
		fail_tape(file, "map", t, st);
	}
	tape_close(t);
	free(buf);
	return st == TAPE_OK ? 0 : 1;
}

/* Options shared by init and copy. */
struct cmd_opts {
	struct tape_options topt;
	const char *label;
	int compress_given;
};

static int parse_value(const char *name, const char *val, struct cmd_opts *o)
{
	if (strcmp(name, "--format") == 0) {
		if (strcasecmp(val, "aws") == 0)
			o->topt.format = TAPE_FORMAT_AWS;
		else if (strcasecmp(val, "het") == 0)
			o->topt.format = TAPE_FORMAT_HET;
		else
			return fail_usage("--format must be aws or het");
	} else if (strcmp(name, "--compress") == 0) {
		if (strcmp(val, "zlib") == 0)
			o->topt.compress = TAPE_COMPRESS_ZLIB;
		else if (strcmp(val, "bzip2") == 0)
			o->topt.compress = TAPE_COMPRESS_BZIP2;
		else if (strcmp(val, "none") == 0)
			o->topt.compress = TAPE_COMPRESS_NONE;
		else
			return fail_usage("--compress must be zlib, bzip2 or none");
		o->compress_given = 1;
	} else if (strcmp(name, "--label") == 0) {
		o->label = val;
	} else {
		return fail_usage("unknown option");
	}
	return 0;
}

/* Split argv into positional arguments (up to npos) and options; returns 0 or an exit status. */
static int parse_args(int argc, char **argv, const char **pos, int npos, int allow_label,
		      struct cmd_opts *o)
{
	int n = 0;

	tape_options_init(&o->topt);
	o->label = NULL;
	o->compress_given = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) == 0 && a[2]) {
			char name[32];
			const char *eq = strchr(a, '=');
			const char *val;
			size_t nl = eq ? (size_t)(eq - a) : strlen(a);
			if (nl >= sizeof name)
				return fail_usage("unknown option");
			memcpy(name, a, nl);
			name[nl] = '\0';
			if (!allow_label && strcmp(name, "--label") == 0)
				return fail_usage("--label is for init only");
			if (eq) {
				val = eq + 1;
			} else {
				if (i + 1 >= argc)
					return fail_usage("option needs a value");
				val = argv[++i];
			}
			int rc = parse_value(name, val, o);
			if (rc)
				return rc;
		} else {
			if (n == npos)
				return fail_usage("too many arguments");
			pos[n++] = a;
		}
	}
	if (n != npos)
		return fail_usage("missing argument");
	return 0;
}

/* The format a new tape at path gets: --format, else the name. */
static enum tape_format new_format(const char *path, const struct cmd_opts *o)
{
	size_t n = strlen(path);

	if (o->topt.format != TAPE_FORMAT_AUTO)
		return (enum tape_format)o->topt.format;
	return n >= 4 && strcasecmp(path + n - 4, ".het") == 0 ? TAPE_FORMAT_HET : TAPE_FORMAT_AWS;
}

static int check_compress(const char *path, struct cmd_opts *o)
{
	o->topt.format = new_format(path, o);
	if (o->topt.format == TAPE_FORMAT_AWS) {
		if (o->compress_given && o->topt.compress != TAPE_COMPRESS_NONE)
			return fail_usage("AWS tapes cannot be compressed");
		o->topt.compress = TAPE_COMPRESS_NONE;
	}
	return 0;
}

/* Build an 80-byte EBCDIC label from its ASCII text (blank-padded). */
static void make_label(uint8_t *out, const char *text)
{
	char a[80];
	size_t n = strlen(text);

	memset(a, ' ', sizeof a);
	memcpy(a, text, n > 80 ? 80 : n);
	ascii_to_ebcdic_buf(out, a, 80);
}

static int cmd_init(int argc, char **argv)
{
	const char *pos[1];
	struct cmd_opts o;
	struct tape *t;
	enum tape_status st;
	char volser[7];
	int rc = parse_args(argc, argv, pos, 1, 1, &o);

	if (rc)
		return rc;
	rc = check_compress(pos[0], &o);
	if (rc)
		return rc;
	if (o.label) {
		size_t n = strlen(o.label);
		if (n < 1 || n > 6)
			return fail_usage("VOLSER must be 1 to 6 characters");
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)toupper((unsigned char)o.label[i]);
			if (!isalnum(c) && c != '@' && c != '#' && c != '$')
				return fail_usage("VOLSER must be letters, digits, @, # or $");
			volser[i] = (char)c;
		}
		volser[n] = '\0';
	}
	st = tape_open(pos[0], TAPE_CREATE, &o.topt, &t);
	if (st != TAPE_OK)
		return fail_tape(pos[0], "create", NULL, st);
	if (o.label) {
		uint8_t b[80];
		char text[81];
		/* VOL1: volser in 5-10, security '0' in 11; HDR1: a dummy, as IEHINITT writes. */
		snprintf(text, sizeof text, "VOL1%-6s0", volser);
		make_label(b, text);
		st = tape_write_block(t, b, sizeof b);
		if (st == TAPE_OK) {
			memset(text, '0', 80);
			memcpy(text, "HDR1", 4);
			text[80] = '\0';
			make_label(b, text);
			st = tape_write_block(t, b, sizeof b);
		}
		if (st == TAPE_OK)
			st = tape_write_mark(t);
	} else {
		st = tape_write_mark(t);
		if (st == TAPE_OK)
			st = tape_write_mark(t);
	}
	if (st != TAPE_OK) {
		fail_tape(pos[0], "write", t, st);
		tape_close(t);
		return 1;
	}
	st = tape_close(t);
	if (st != TAPE_OK)
		return fail_tape(pos[0], "close", NULL, st);
	return 0;
}

static int cmd_copy(int argc, char **argv)
{
	const char *pos[2];
	struct cmd_opts o;
	struct tape *in, *out;
	enum tape_status st;
	uint8_t *buf;
	size_t len;
	int rc = parse_args(argc, argv, pos, 2, 0, &o);

	if (rc)
		return rc;
	rc = check_compress(pos[1], &o);
	if (rc)
		return rc;
	st = tape_open(pos[0], TAPE_RDONLY, NULL, &in);
	if (st != TAPE_OK)
		return fail_tape(pos[0], "open", NULL, st);
	{
		/* Creating OUT empties it: refuse when it is IN. */
		struct stat a, b;
		if (stat(pos[0], &a) == 0 && stat(pos[1], &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino) {
			tape_close(in);
			fprintf(stderr, PROG ": %s: copy: input and output are the same file\n", pos[1]);
			return 1;
		}
	}
	buf = malloc(TAPE_MAX_BLOCK);
	if (!buf) {
		tape_close(in);
		return fail_tape(pos[0], "copy", NULL, TAPE_ERR_NOMEM);
	}
	st = tape_open(pos[1], TAPE_CREATE, &o.topt, &out);
	if (st != TAPE_OK) {
		free(buf);
		tape_close(in);
		return fail_tape(pos[1], "create", NULL, st);
	}
	rc = 0;
	for (;;) {
		st = tape_read_block(in, buf, TAPE_MAX_BLOCK, &len);
		if (st == TAPE_EOD)
			break;
		if (st != TAPE_OK && st != TAPE_MARK) {
			rc = fail_tape(pos[0], "read", in, st);
			break;
		}
		st = st == TAPE_MARK ? tape_write_mark(out) : tape_write_block(out, buf, len);
		if (st != TAPE_OK) {
			rc = fail_tape(pos[1], "write", out, st);
			break;
		}
	}
	free(buf);
	tape_close(in);
	st = tape_close(out);
	if (st != TAPE_OK && !rc)
		rc = fail_tape(pos[1], "close", NULL, st);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return fail_usage("missing command");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
	}
	if (strcmp(argv[1], "map") == 0) {
		if (argc != 3)
			return fail_usage("map takes one FILE");
		return cmd_map(argv[2]);
	}
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 2, argv + 2);
	if (strcmp(argv[1], "copy") == 0)
		return cmd_copy(argc - 2, argv + 2);
	return fail_usage("unknown command");
}
