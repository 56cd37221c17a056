/*
 * check_tape.c - the AWS/HET tape library: round trips in every format and compression, tape marks,
 * spacing, end of data, damaged images (status and offset), a random-sequence property test
 * against a model, and a fuzz loop over mutated images.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tapes/tape.h"
#include "tests/check_run.h"

static char tmpdir[64];

static void setup(void)
{
	strcpy(tmpdir, "/tmp/check_tape.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0) {
		/* a leftover temporary directory is harmless */
	}
}

static const char *path_of(const char *name)
{
	static char p[160];

	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	return p;
}

/* A small deterministic generator, so that failures reproduce. */
static uint32_t rng_state;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

/* Block contents: compressible (a repeated pattern) or not (generator bytes). */
static void fill(uint8_t *b, size_t n, unsigned seed, int noisy)
{
	uint32_t s = rng_state;

	rng_state = seed;
	for (size_t i = 0; i < n; i++)
		b[i] = noisy ? (uint8_t)rng() : (uint8_t)(0x40 + (i + seed) % 17);
	rng_state = s;
}

static struct tape *open_new(const char *name, int format, enum tape_compress c, unsigned chunk)
{
	struct tape_options o;
	struct tape *t;

	tape_options_init(&o);
	o.format = format;
	o.compress = c;
	o.chunk_size = chunk;
	ck_assert_int_eq(tape_open(path_of(name), TAPE_CREATE, &o, &t), TAPE_OK);
	return t;
}

static struct tape *open_old(const char *name, enum tape_mode mode)
{
	struct tape *t;

	ck_assert_int_eq(tape_open(path_of(name), mode, NULL, &t), TAPE_OK);
	return t;
}

static void write_file(const char *name, const void *b, size_t n)
{
	FILE *f = fopen(path_of(name), "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(b, 1, n, f), n);
	fclose(f);
}

static size_t read_file(const char *name, uint8_t *b, size_t cap)
{
	FILE *f = fopen(path_of(name), "rb");

	ck_assert_ptr_nonnull(f);
	size_t n = fread(b, 1, cap, f);
	fclose(f);
	return n;
}

/* ---- round trips ---- */

static const struct {
	const char *name;
	int format;
	enum tape_compress compress;
	unsigned chunk;
} variants[] = {
	{ "t.aws", TAPE_FORMAT_AWS, TAPE_COMPRESS_NONE, 0 },
	{ "t.aws", TAPE_FORMAT_AWS, TAPE_COMPRESS_NONE, 1000 },
	{ "t.het", TAPE_FORMAT_HET, TAPE_COMPRESS_NONE, 0 },
	{ "t.het", TAPE_FORMAT_HET, TAPE_COMPRESS_ZLIB, 0 },
	{ "t.het", TAPE_FORMAT_HET, TAPE_COMPRESS_BZIP2, 0 },
	{ "t.het", TAPE_FORMAT_HET, TAPE_COMPRESS_ZLIB, 4096 },
	{ "t.het", TAPE_FORMAT_HET, TAPE_COMPRESS_BZIP2, 4096 },
};

static const size_t sizes[] = { 1, 80, 32760, 65535, 65536, 200000 };
#define NSIZES (sizeof sizes / sizeof sizes[0])

START_TEST(test_round_trip_blocks_and_marks_read_back_identically)
{
	const size_t max = 200000;
	uint8_t *w = malloc(max), *r = malloc(max + 10);
	struct tape *t = open_new(variants[_i].name, variants[_i].format, variants[_i].compress,
				  variants[_i].chunk);
	struct tape_position pos;
	size_t len;

	ck_assert_int_eq(tape_format(t), variants[_i].format);
	for (int noisy = 0; noisy < 2; noisy++) {
		for (size_t k = 0; k < NSIZES; k++) {
			fill(w, sizes[k], (unsigned)(k + 7 * noisy), noisy);
			ck_assert_int_eq(tape_write_block(t, w, sizes[k]), TAPE_OK);
		}
		ck_assert_int_eq(tape_write_mark(t), TAPE_OK);
	}
	ck_assert_int_eq(tape_write_mark(t), TAPE_OK);
	ck_assert_int_eq(tape_close(t), TAPE_OK);

	t = open_old(variants[_i].name, TAPE_RDONLY);
	for (int noisy = 0; noisy < 2; noisy++) {
		for (size_t k = 0; k < NSIZES; k++) {
			fill(w, sizes[k], (unsigned)(k + 7 * noisy), noisy);
			ck_assert_int_eq(tape_read_block(t, r, max + 10, &len), TAPE_OK);
			ck_assert_uint_eq(len, sizes[k]);
			ck_assert_int_eq(memcmp(w, r, len), 0);
			tape_position(t, &pos);
			ck_assert_uint_eq(pos.file, (unsigned)noisy);
			ck_assert_uint_eq(pos.block, k + 1);
		}
		ck_assert_int_eq(tape_read_block(t, r, max, &len), TAPE_MARK);
		ck_assert_uint_eq(len, 0);
	}
	ck_assert_int_eq(tape_read_block(t, r, max, &len), TAPE_MARK);
	tape_position(t, &pos);
	ck_assert_uint_eq(pos.file, 3);
	ck_assert_uint_eq(pos.block, 0);
	ck_assert_int_eq(tape_read_block(t, r, max, &len), TAPE_EOD);
	ck_assert_int_eq(tape_read_block(t, r, max, &len), TAPE_EOD);
	ck_assert_int_eq(tape_close(t), TAPE_OK);
	free(w);
	free(r);
}
END_TEST

START_TEST(test_compressed_het_is_smaller_and_uncompressed_het_is_aws)
{
	uint8_t w[32760], img[70000];
	struct tape *t;

	fill(w, sizeof w, 1, 0);
	t = open_new("z.het", TAPE_FORMAT_HET, TAPE_COMPRESS_ZLIB, 0);
	ck_assert_int_eq(tape_write_block(t, w, sizeof w), TAPE_OK);
	tape_close(t);
	size_t n = read_file("z.het", img, sizeof img);
	ck_assert_uint_lt(n, 1000);
	ck_assert_uint_eq(img[4], 0xA1);

	t = open_new("b.het", TAPE_FORMAT_HET, TAPE_COMPRESS_BZIP2, 0);
	ck_assert_int_eq(tape_write_block(t, w, sizeof w), TAPE_OK);
	tape_close(t);
	n = read_file("b.het", img, sizeof img);
	ck_assert_uint_lt(n, 1000);
	ck_assert_uint_eq(img[4], 0xA2);

	/* Incompressible data are stored plain even when compression is asked for. */
	fill(w, sizeof w, 3, 1);
	t = open_new("n.het", TAPE_FORMAT_HET, TAPE_COMPRESS_ZLIB, 0);
	ck_assert_int_eq(tape_write_block(t, w, sizeof w), TAPE_OK);
	tape_close(t);
	n = read_file("n.het", img, sizeof img);
	ck_assert_uint_eq(n, sizeof w + 6);
	ck_assert_uint_eq(img[4], 0xA0);
}
END_TEST

START_TEST(test_aws_headers_match_the_format_reference)
{
	uint8_t w[100], img[300];
	struct tape *t = open_new("h.aws", TAPE_FORMAT_AWS, TAPE_COMPRESS_NONE, 60);

	memset(w, 0xC1, sizeof w);
	ck_assert_int_eq(tape_write_block(t, w, 100), TAPE_OK);
	ck_assert_int_eq(tape_write_mark(t), TAPE_OK);
	ck_assert_int_eq(tape_write_block(t, w, 1), TAPE_OK);
	tape_close(t);
	size_t n = read_file("h.aws", img, sizeof img);
	ck_assert_uint_eq(n, 6 + 60 + 6 + 40 + 6 + 6 + 1);
	static const uint8_t h1[] = { 60, 0, 0, 0, 0x80, 0 };
	static const uint8_t h2[] = { 40, 0, 60, 0, 0x20, 0 };
	static const uint8_t h3[] = { 0, 0, 40, 0, 0x40, 0 };
	static const uint8_t h4[] = { 1, 0, 0, 0, 0xA0, 0 };
	ck_assert_int_eq(memcmp(img, h1, 6), 0);
	ck_assert_int_eq(memcmp(img + 66, h2, 6), 0);
	ck_assert_int_eq(memcmp(img + 112, h3, 6), 0);
	ck_assert_int_eq(memcmp(img + 118, h4, 6), 0);
}
END_TEST

/* ---- positioning ---- */

/* Writes: A B | C | D E F, tape marks between files; blocks are 10*(index+1) bytes. */
static void make_three_files(const char *name, int format)
{
	uint8_t b[100];
	struct tape *t = open_new(name, format, TAPE_COMPRESS_ZLIB, 0);
	int layout[] = { 1, 1, 0, 1, 0, 1, 1, 1 };	/* 1 block, 0 tape mark */

	for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++) {
		if (layout[i]) {
			memset(b, (int)i, sizeof b);
			ck_assert_int_eq(tape_write_block(t, b, 10 * (i + 1)), TAPE_OK);
		} else {
			ck_assert_int_eq(tape_write_mark(t), TAPE_OK);
		}
	}
	ck_assert_int_eq(tape_close(t), TAPE_OK);
}

static void expect_pos(struct tape *t, unsigned file, unsigned block)
{
	struct tape_position p;

	tape_position(t, &p);
	ck_assert_uint_eq(p.file, file);
	ck_assert_uint_eq(p.block, block);
}

static void expect_next_len(struct tape *t, size_t want)
{
	uint8_t b[200];
	size_t len;

	ck_assert_int_eq(tape_read_block(t, b, sizeof b, &len), TAPE_OK);
	ck_assert_uint_eq(len, want);
	ck_assert_int_eq(tape_bsb(t), TAPE_OK);
}

START_TEST(test_spacing_by_block_and_file_stops_at_marks_and_ends)
{
	const char *name = _i ? "s.het" : "s.aws";
	struct tape *t;

	make_three_files(name, _i ? TAPE_FORMAT_HET : TAPE_FORMAT_AWS);
	t = open_old(name, TAPE_RDONLY);
	ck_assert_int_eq(tape_bsb(t), TAPE_BOT);
	ck_assert_int_eq(tape_bsf(t), TAPE_BOT);
	ck_assert_int_eq(tape_fsb(t), TAPE_OK);
	expect_pos(t, 0, 1);
	expect_next_len(t, 20);
	ck_assert_int_eq(tape_fsb(t), TAPE_OK);
	ck_assert_int_eq(tape_fsb(t), TAPE_MARK);
	expect_pos(t, 1, 0);
	expect_next_len(t, 40);
	ck_assert_int_eq(tape_bsb(t), TAPE_MARK);	/* back over the mark: before it */
	expect_pos(t, 0, 2);
	ck_assert_int_eq(tape_bsb(t), TAPE_OK);
	expect_pos(t, 0, 1);
	expect_next_len(t, 20);
	ck_assert_int_eq(tape_fsf(t), TAPE_OK);
	expect_pos(t, 1, 0);
	ck_assert_int_eq(tape_fsf(t), TAPE_OK);
	expect_pos(t, 2, 0);
	expect_next_len(t, 60);
	ck_assert_int_eq(tape_fsf(t), TAPE_EOD);
	expect_pos(t, 2, 3);
	ck_assert_int_eq(tape_fsb(t), TAPE_EOD);
	ck_assert_int_eq(tape_bsb(t), TAPE_OK);
	expect_pos(t, 2, 2);
	expect_next_len(t, 80);
	ck_assert_int_eq(tape_bsf(t), TAPE_OK);		/* before the second mark */
	expect_pos(t, 1, 1);
	ck_assert_int_eq(tape_bsb(t), TAPE_OK);
	expect_next_len(t, 40);
	ck_assert_int_eq(tape_bsf(t), TAPE_OK);		/* before the first mark */
	expect_pos(t, 0, 2);
	ck_assert_int_eq(tape_bsf(t), TAPE_BOT);
	expect_pos(t, 0, 0);
	expect_next_len(t, 10);
	ck_assert_int_eq(tape_fsf(t), TAPE_OK);
	ck_assert_int_eq(tape_rewind(t), TAPE_OK);
	expect_pos(t, 0, 0);
	expect_next_len(t, 10);
	tape_close(t);
}
END_TEST

START_TEST(test_write_in_the_middle_ends_the_tape_there)
{
	uint8_t b[50];
	size_t len;
	struct tape *t;

	make_three_files("m.aws", TAPE_FORMAT_AWS);
	t = open_old("m.aws", TAPE_RDWR);
	ck_assert_int_eq(tape_fsb(t), TAPE_OK);
	memset(b, 0x5A, sizeof b);
	ck_assert_int_eq(tape_write_block(t, b, 50), TAPE_OK);
	ck_assert_int_eq(tape_read_block(t, b, sizeof b, &len), TAPE_EOD);
	tape_close(t);
	t = open_old("m.aws", TAPE_RDONLY);
	ck_assert_int_eq(tape_read_block(t, b, sizeof b, &len), TAPE_OK);
	ck_assert_uint_eq(len, 10);
	ck_assert_int_eq(tape_read_block(t, b, sizeof b, &len), TAPE_OK);
	ck_assert_uint_eq(len, 50);
	ck_assert_uint_eq(b[49], 0x5A);
	ck_assert_int_eq(tape_read_block(t, b, sizeof b, &len), TAPE_EOD);
	tape_close(t);
}
END_TEST

START_TEST(test_short_buffer_reports_full_length_and_passes_block)
{
	uint8_t w[80], r[10];
	size_t len;
	struct tape *t = open_new("b.aws", TAPE_FORMAT_AWS, TAPE_COMPRESS_NONE, 0);

	fill(w, sizeof w, 2, 1);
	ck_assert_int_eq(tape_write_block(t, w, 80), TAPE_OK);
	ck_assert_int_eq(tape_write_block(t, w, 5), TAPE_OK);
	ck_assert_int_eq(tape_rewind(t), TAPE_OK);
	ck_assert_int_eq(tape_read_block(t, r, sizeof r, &len), TAPE_OK);
	ck_assert_uint_eq(len, 80);
	ck_assert_int_eq(memcmp(r, w, 10), 0);
	ck_assert_int_eq(tape_read_block(t, r, sizeof r, &len), TAPE_OK);
	ck_assert_uint_eq(len, 5);
	tape_close(t);
}
END_TEST

START_TEST(test_bad_arguments_and_read_only_are_refused)
{
	uint8_t b[1] = { 0 };
	struct tape *t;
	struct tape_options o;

	t = open_new("a.aws", TAPE_FORMAT_AWS, TAPE_COMPRESS_NONE, 0);
	ck_assert_int_eq(tape_write_block(t, b, 0), TAPE_ERR_ARG);
	ck_assert_int_eq(tape_write_block(t, b, TAPE_MAX_BLOCK + 1), TAPE_ERR_ARG);
	ck_assert_int_eq(tape_write_mark(t), TAPE_OK);
	tape_close(t);
	t = open_old("a.aws", TAPE_RDONLY);
	ck_assert_int_eq(tape_write_block(t, b, 1), TAPE_ERR_READONLY);
	ck_assert_int_eq(tape_write_mark(t), TAPE_ERR_READONLY);
	tape_close(t);
	ck_assert_int_eq(tape_open(path_of("missing.aws"), TAPE_RDONLY, NULL, &t), TAPE_ERR_IO);
	ck_assert_ptr_null(t);
	tape_options_init(&o);
	o.format = TAPE_FORMAT_HET;
	o.chunk_size = 100;
	ck_assert_int_eq(tape_open(path_of("c.het"), TAPE_CREATE, &o, &t), TAPE_ERR_ARG);
	ck_assert_str_eq(tape_status_str(TAPE_ERR_PREVLEN), "previous-length mismatch");
}
END_TEST

START_TEST(test_format_is_detected_from_content_then_name)
{
	uint8_t w[1000];
	struct tape *t;

	memset(w, 0x40, sizeof w);
	t = open_new("x.het", TAPE_FORMAT_AUTO, TAPE_COMPRESS_ZLIB, 0);
	ck_assert_int_eq(tape_format(t), TAPE_FORMAT_HET);
	ck_assert_int_eq(tape_write_block(t, w, sizeof w), TAPE_OK);
	tape_close(t);
	{
		char from[160];
		snprintf(from, sizeof from, "%s", path_of("x.het"));
		ck_assert_int_eq(rename(from, path_of("x.aws")), 0);
	}
	t = open_old("x.aws", TAPE_RDONLY);
	ck_assert_int_eq(tape_format(t), TAPE_FORMAT_HET);
	tape_close(t);
	t = open_new("y.aws", TAPE_FORMAT_AUTO, TAPE_COMPRESS_ZLIB, 0);
	ck_assert_int_eq(tape_format(t), TAPE_FORMAT_AWS);
	ck_assert_int_eq(tape_write_block(t, w, sizeof w), TAPE_OK);	/* AWS never compresses */
	tape_close(t);
	{
		uint8_t img[2000];
		ck_assert_uint_eq(read_file("y.aws", img, sizeof img), sizeof w + 6);
		ck_assert_uint_eq(img[4], 0xA0);
	}
}
END_TEST

/* ---- damaged images ---- */

#define H(cur, prev, f1, f2) (cur) & 0xFF, (cur) >> 8, (prev) & 0xFF, (prev) >> 8, (f1), (f2)

/* Good image: block "AB" (2 bytes), tape mark, block "C". Offsets: 0, 8, 14. */
static const uint8_t good_img[] = { H(2, 0, 0xA0, 0), 'A', 'B', H(0, 2, 0x40, 0), H(1, 0, 0xA0, 0), 'C' };

static const struct damage_case {
	const char *what;
	uint8_t img[40];
	size_t len;
	int reads_ok;		/* good reads (blocks or marks) before the error */
	enum tape_status st;
	uint64_t off;
} damage_cases[] = {
	{ "length past end", { H(200, 0, 0xA0, 0), 1, 2, 3 }, 9, 0, TAPE_ERR_TRUNCATED, 0 },
	{ "header cut short", { H(2, 0, 0xA0, 0), 'A', 'B', 0x00, 0x00, 0x02 }, 11, 1, TAPE_ERR_TRUNCATED, 8 },
	{ "prev-length mismatch", { H(2, 0, 0xA0, 0), 'A', 'B', H(1, 5, 0xA0, 0), 'C' }, 15, 1,
	  TAPE_ERR_PREVLEN, 8 },
	{ "first prev not zero", { H(1, 3, 0xA0, 0), 'A' }, 7, 0, TAPE_ERR_PREVLEN, 0 },
	{ "block without end chunk", { H(2, 0, 0x80, 0), 'A', 'B' }, 8, 0, TAPE_ERR_TRUNCATED, 8 },
	{ "middle chunk with BOR", { H(1, 0, 0x80, 0), 'A', H(1, 1, 0xA0, 0), 'B' }, 14, 0,
	  TAPE_ERR_HEADER, 7 },
	{ "first chunk without BOR", { H(1, 0, 0x20, 0), 'A' }, 7, 0, TAPE_ERR_HEADER, 0 },
	{ "tape mark with data", { H(1, 0, 0x40, 0), 'A' }, 7, 0, TAPE_ERR_HEADER, 0 },
	{ "empty data chunk", { H(0, 0, 0xA0, 0) }, 6, 0, TAPE_ERR_HEADER, 0 },
	{ "compression method 3", { H(1, 0, 0xA3, 0), 'A' }, 7, 0, TAPE_ERR_HEADER, 0 },
	{ "both compression flags", { H(1, 0, 0xA1, 0x80), 'A' }, 7, 0, TAPE_ERR_HEADER, 0 },
	{ "methods differ between chunks", { H(1, 0, 0x81, 0), 'A', H(1, 1, 0x22, 0), 'B' }, 14, 0,
	  TAPE_ERR_HEADER, 7 },
	{ "bad zlib data", { H(2, 0, 0xA0, 0), 'A', 'B', H(0, 2, 0x40, 0), H(4, 0, 0xA1, 0), 1, 2, 3, 4 },
	  24, 2, TAPE_ERR_COMPRESS, 14 },
	{ "bad bzip2 data", { H(4, 0, 0xA2, 0), 'B', 'Z', 'h', '9' }, 10, 0, TAPE_ERR_COMPRESS, 0 },
	{ "bad Bus-Tech zlib data", { H(3, 0, 0xA0, 0x80), 9, 9, 9 }, 9, 0, TAPE_ERR_COMPRESS, 0 },
};

START_TEST(test_damaged_image_gives_status_and_offset_and_does_not_move)
{
	const struct damage_case *c = &damage_cases[_i];
	uint8_t b[64];
	size_t len;
	struct tape_position p1, p2;
	struct tape *t;

	write_file("d.aws", c->img, c->len);
	t = open_old("d.aws", TAPE_RDONLY);
	for (int k = 0; k < c->reads_ok; k++) {
		enum tape_status st = tape_read_block(t, b, sizeof b, &len);
		ck_assert_msg(st == TAPE_OK || st == TAPE_MARK, "%s: read %d: %s", c->what, k,
			      tape_status_str(st));
	}
	tape_position(t, &p1);
	ck_assert_msg(tape_read_block(t, b, sizeof b, &len) == c->st, "%s: expected %s", c->what,
		      tape_status_str(c->st));
	ck_assert_msg(tape_error_offset(t) == c->off, "%s: offset %llu", c->what,
		      (unsigned long long)tape_error_offset(t));
	tape_position(t, &p2);
	ck_assert_uint_eq(p1.offset, p2.offset);
	ck_assert_uint_eq(p1.block, p2.block);
	/* Spacing meets the same damage, except where only the data are bad. */
	if (c->st != TAPE_ERR_COMPRESS)
		ck_assert_int_eq(tape_fsb(t), c->st);
	tape_close(t);
}
END_TEST

START_TEST(test_backspace_checks_lengths_against_headers)
{
	uint8_t img[sizeof good_img], b[8];
	size_t len;
	struct tape *t;

	/* Good image first: read everything, then space all the way back. */
	write_file("g.aws", good_img, sizeof good_img);
	t = open_old("g.aws", TAPE_RDONLY);
	ck_assert_int_eq(tape_fsf(t), TAPE_OK);
	ck_assert_int_eq(tape_fsf(t), TAPE_EOD);
	ck_assert_int_eq(tape_bsb(t), TAPE_OK);
	ck_assert_int_eq(tape_bsb(t), TAPE_MARK);
	ck_assert_int_eq(tape_bsb(t), TAPE_OK);
	ck_assert_int_eq(tape_bsb(t), TAPE_BOT);
	tape_close(t);

	/* The mark's header claims a previous length of 1: going forward stops there... */
	memcpy(img, good_img, sizeof img);
	img[10] = 1;
	write_file("p.aws", img, sizeof img);
	t = open_old("p.aws", TAPE_RDONLY);
	ck_assert_int_eq(tape_read_block(t, b, sizeof b, &len), TAPE_OK);
	ck_assert_int_eq(tape_read_block(t, b, sizeof b, &len), TAPE_ERR_PREVLEN);
	ck_assert_uint_eq(tape_error_offset(t), 8);
	tape_close(t);

	/* ...and a backspace meets a header whose length disagrees with the next one's prvlen. */
	t = open_old("g.aws", TAPE_RDONLY);
	ck_assert_int_eq(tape_fsf(t), TAPE_OK);
	ck_assert_int_eq(tape_fsf(t), TAPE_EOD);
	memcpy(img, good_img, sizeof img);
	img[14] = 2;	/* the last chunk now claims 2 bytes; we came forward over 1 */
	write_file("g.aws", img, sizeof img);
	ck_assert_int_eq(tape_bsb(t), TAPE_ERR_PREVLEN);
	ck_assert_uint_eq(tape_error_offset(t), 14);
	ck_assert_int_eq(tape_bsf(t), TAPE_ERR_PREVLEN);
	tape_close(t);
}
END_TEST

START_TEST(test_write_killed_midway_reads_back_to_last_complete_block)
{
	uint8_t w[5000], r[5000], img[20000];
	size_t len;
	struct tape *t = open_new("k.aws", TAPE_FORMAT_AWS, TAPE_COMPRESS_NONE, 1000);

	fill(w, sizeof w, 9, 1);
	ck_assert_int_eq(tape_write_block(t, w, 100), TAPE_OK);
	ck_assert_int_eq(tape_write_block(t, w, 200), TAPE_OK);
	tape_close(t);
	/* Simulate a kill during a third, chunked write: the first chunk and part of the second. */
	size_t n = read_file("k.aws", img, sizeof img);
	ck_assert_uint_eq(n, 312);
	const uint8_t h1[] = { H(1000, 200, 0x80, 0) };
	memcpy(img + n, h1, 6);
	memcpy(img + n + 6, w, 1000);
	const uint8_t h2[] = { H(1000, 1000, 0x00, 0) };
	memcpy(img + n + 1006, h2, 6);
	write_file("k.aws", img, n + 1012 + 300);

	t = open_old("k.aws", TAPE_RDWR);
	ck_assert_int_eq(tape_read_block(t, r, sizeof r, &len), TAPE_OK);
	ck_assert_int_eq(tape_read_block(t, r, sizeof r, &len), TAPE_OK);
	ck_assert_uint_eq(len, 200);
	ck_assert_int_eq(memcmp(r, w, 200), 0);
	ck_assert_int_eq(tape_read_block(t, r, sizeof r, &len), TAPE_ERR_TRUNCATED);
	ck_assert_uint_eq(tape_error_offset(t), n + 1006);
	/* Rewriting at that point repairs the tape. */
	ck_assert_int_eq(tape_write_block(t, w, 5000), TAPE_OK);
	ck_assert_int_eq(tape_bsb(t), TAPE_OK);
	ck_assert_int_eq(tape_read_block(t, r, sizeof r, &len), TAPE_OK);
	ck_assert_uint_eq(len, 5000);
	ck_assert_int_eq(memcmp(r, w, 5000), 0);
	ck_assert_int_eq(tape_read_block(t, r, sizeof r, &len), TAPE_EOD);
	tape_close(t);
}
END_TEST

START_TEST(test_process_killed_while_writing_leaves_a_consistent_prefix)
{
	static uint8_t w[10000], r[10000];
	size_t len;
	int status;

	for (int round = 0; round < 3; round++) {
		/* The child says when its first block is written, so that the kill lands in the
		 * middle of writing however busy the machine is. */
		int started[2];
		ck_assert_int_eq(pipe(started), 0);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(started[0]);
			struct tape *t = open_new("kill.het", TAPE_FORMAT_HET, round == 1 ?
						  TAPE_COMPRESS_NONE : TAPE_COMPRESS_ZLIB, 4096);
			for (unsigned k = 0;; k++) {
				fill(w, sizeof w, k, round != 2);
				if (tape_write_block(t, w, sizeof w) != TAPE_OK)
					_exit(1);
				if (k == 0 && (write(started[1], "", 1) != 1 || close(started[1]) != 0))
					_exit(1);
				if (k % 50 == 49 && tape_write_mark(t) != TAPE_OK)
					_exit(1);
			}
		}
		close(started[1]);
		char c;
		ck_assert_int_eq(read(started[0], &c, 1), 1);
		close(started[0]);
		struct timespec ts = { 0, 5000000L + 15000000L * round };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFSIGNALED(status));

		struct tape *t = open_old("kill.het", TAPE_RDONLY);
		enum tape_status st;
		unsigned k = 0;
		while ((st = tape_read_block(t, r, sizeof r, &len)) == TAPE_OK || st == TAPE_MARK) {
			if (st == TAPE_MARK)
				continue;
			fill(w, sizeof w, k, round != 2);
			ck_assert_uint_eq(len, sizeof w);
			ck_assert_int_eq(memcmp(w, r, len), 0);
			k++;
		}
		ck_assert_msg(st == TAPE_EOD || st == TAPE_ERR_TRUNCATED, "round %d: %s after %u blocks",
			      round, tape_status_str(st), k);
		tape_close(t);
	}
}
END_TEST

/* ---- property: random sequences against a model ---- */

struct model {
	int n;
	int items[200];		/* block length, or 0 for a tape mark */
	int i;			/* position: before items[i] */
};

static void model_pos(const struct model *m, unsigned *file, unsigned *block)
{
	*file = 0;
	*block = 0;
	for (int k = 0; k < m->i; k++) {
		if (m->items[k] == 0) {
			++*file;
			*block = 0;
		} else {
			++*block;
		}
	}
}

START_TEST(test_random_sequences_match_a_model)
{
	static const struct {
		int format;
		enum tape_compress c;
		unsigned chunk;
	} v[] = {
		{ TAPE_FORMAT_AWS, TAPE_COMPRESS_NONE, 5000 },
		{ TAPE_FORMAT_HET, TAPE_COMPRESS_ZLIB, 4096 },
		{ TAPE_FORMAT_HET, TAPE_COMPRESS_BZIP2, 0 },
	};
	uint8_t *w = malloc(70000), *r = malloc(70000);
	struct model m = { 0 };
	size_t len;
	unsigned f, b;
	struct tape_position p;

	for (int round = 0; round < 4; round++) {
		rng_state = 1000u * (unsigned)_i + (unsigned)round;
		struct tape *t = open_new("r.tape", v[_i].format, v[_i].c, v[_i].chunk);
		m.n = (int)(rng() % 60);
		for (int k = 0; k < m.n; k++) {
			int mark = rng() % 4 == 0;
			int sz = (int)(rng() % 3 == 0 ? 1 + rng() % 70000 : 1 + rng() % 200);
			m.items[k] = mark ? 0 : sz;
			if (mark) {
				ck_assert_int_eq(tape_write_mark(t), TAPE_OK);
			} else {
				fill(w, (size_t)sz, (unsigned)k, k & 1);
				ck_assert_int_eq(tape_write_block(t, w, (size_t)sz), TAPE_OK);
			}
		}
		ck_assert_int_eq(tape_rewind(t), TAPE_OK);
		m.i = 0;
		for (int step = 0; step < 300; step++) {
			enum tape_status st, want;
			int op = (int)(rng() % 6);
			switch (op) {
			case 0:		/* read */
				st = tape_read_block(t, r, 70000, &len);
				if (m.i == m.n) {
					want = TAPE_EOD;
				} else if (m.items[m.i] == 0) {
					want = TAPE_MARK;
					m.i++;
				} else {
					want = TAPE_OK;
					ck_assert_uint_eq(len, (size_t)m.items[m.i]);
					fill(w, len, (unsigned)m.i, m.i & 1);
					ck_assert_int_eq(memcmp(w, r, len), 0);
					m.i++;
				}
				break;
			case 1:		/* fsb */
				st = tape_fsb(t);
				want = m.i == m.n ? TAPE_EOD : m.items[m.i] == 0 ? TAPE_MARK : TAPE_OK;
				if (m.i < m.n)
					m.i++;
				break;
			case 2:		/* bsb */
				st = tape_bsb(t);
				want = m.i == 0 ? TAPE_BOT : m.items[m.i - 1] == 0 ? TAPE_MARK : TAPE_OK;
				if (m.i > 0)
					m.i--;
				break;
			case 3:		/* fsf */
				st = tape_fsf(t);
				want = TAPE_EOD;
				while (m.i < m.n)
					if (m.items[m.i++] == 0) {
						want = TAPE_OK;
						break;
					}
				break;
			case 4:		/* bsf */
				st = tape_bsf(t);
				want = TAPE_BOT;
				while (m.i > 0)
					if (m.items[--m.i] == 0) {
						want = TAPE_OK;
						break;
					}
				break;
			default:
				st = tape_rewind(t);
				want = TAPE_OK;
				m.i = 0;
				break;
			}
			ck_assert_msg(st == want, "round %d step %d op %d: got %s want %s", round, step, op,
				      tape_status_str(st), tape_status_str(want));
			model_pos(&m, &f, &b);
			tape_position(t, &p);
			ck_assert_uint_eq(p.file, f);
			ck_assert_uint_eq(p.block, b);
		}
		ck_assert_int_eq(tape_close(t), TAPE_OK);
	}
	free(w);
	free(r);
}
END_TEST

/* ---- fuzz: mutated images never crash, loop or report nonsense ---- */

START_TEST(test_mutated_images_give_statuses_not_crashes)
{
	static uint8_t img[40000], mut[40000];
	uint8_t *buf = malloc(TAPE_MAX_BLOCK);
	size_t n, len;
	struct tape *t = open_new("f.het", TAPE_FORMAT_HET, TAPE_COMPRESS_ZLIB, 4096);
	uint8_t w[9000];

	fill(w, sizeof w, 4, 0);
	ck_assert_int_eq(tape_write_block(t, w, 80), TAPE_OK);
	ck_assert_int_eq(tape_write_mark(t), TAPE_OK);
	fill(w, sizeof w, 5, 1);
	ck_assert_int_eq(tape_write_block(t, w, 9000), TAPE_OK);	/* split, stored plain */
	tape_close(t);
	t = open_old("f.het", TAPE_RDWR);
	ck_assert_int_eq(tape_fsf(t), TAPE_OK);
	ck_assert_int_eq(tape_fsf(t), TAPE_EOD);
	tape_close(t);
	{
		struct tape_options o;
		tape_options_init(&o);
		o.compress = TAPE_COMPRESS_BZIP2;
		ck_assert_int_eq(tape_open(path_of("f.het"), TAPE_RDWR, &o, &t), TAPE_OK);
		ck_assert_int_eq(tape_fsf(t), TAPE_OK);
		ck_assert_int_eq(tape_fsf(t), TAPE_EOD);
		fill(w, sizeof w, 6, 0);
		ck_assert_int_eq(tape_write_block(t, w, 3000), TAPE_OK);
		ck_assert_int_eq(tape_write_mark(t), TAPE_OK);
		tape_close(t);
	}
	n = read_file("f.het", img, sizeof img);
	rng_state = 77;
	for (int iter = 0; iter < 1500; iter++) {
		size_t m = n;
		memcpy(mut, img, n);
		int flips = 1 + (int)(rng() % 4);
		for (int k = 0; k < flips; k++) {
			size_t at = rng() % n;
			/* Headers are the interesting bytes: aim at them often. */
			mut[at] = rng() % 2 ? (uint8_t)rng() : mut[at] ^ (uint8_t)(1u << (rng() % 8));
		}
		if (rng() % 4 == 0)
			m = rng() % n;
		write_file("fz.het", mut, m);
		ck_assert_int_eq(tape_open(path_of("fz.het"), TAPE_RDONLY, NULL, &t), TAPE_OK);
		enum tape_status st;
		int steps = 0;
		do {
			st = tape_read_block(t, buf, TAPE_MAX_BLOCK, &len);
			ck_assert_int_lt(++steps, 100);
		} while (st == TAPE_OK || st == TAPE_MARK);
		ck_assert_int_le(st, TAPE_ERR_UNSUPPORTED);
		if (st >= TAPE_ERR_HEADER)
			ck_assert_uint_le(tape_error_offset(t), m);
		/* Random spacing must terminate and keep the position on a chunk boundary. */
		for (int k = 0; k < 20; k++) {
			switch (rng() % 4) {
			case 0: tape_fsb(t); break;
			case 1: tape_bsb(t); break;
			case 2: tape_fsf(t); break;
			default: tape_bsf(t); break;
			}
			struct tape_position p;
			tape_position(t, &p);
			ck_assert_uint_le(p.offset, m);
		}
		tape_close(t);
	}
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tape");
	TCase *tc = tcase_create("tape");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_round_trip_blocks_and_marks_read_back_identically, 0,
			    sizeof variants / sizeof variants[0]);
	tcase_add_test(tc, test_compressed_het_is_smaller_and_uncompressed_het_is_aws);
	tcase_add_test(tc, test_aws_headers_match_the_format_reference);
	tcase_add_loop_test(tc, test_spacing_by_block_and_file_stops_at_marks_and_ends, 0, 2);
	tcase_add_test(tc, test_write_in_the_middle_ends_the_tape_there);
	tcase_add_test(tc, test_short_buffer_reports_full_length_and_passes_block);
	tcase_add_test(tc, test_bad_arguments_and_read_only_are_refused);
	tcase_add_test(tc, test_format_is_detected_from_content_then_name);
	tcase_add_loop_test(tc, test_damaged_image_gives_status_and_offset_and_does_not_move, 0,
			    sizeof damage_cases / sizeof damage_cases[0]);
	tcase_add_test(tc, test_backspace_checks_lengths_against_headers);
	tcase_add_test(tc, test_write_killed_midway_reads_back_to_last_complete_block);
	tcase_add_test(tc, test_process_killed_while_writing_leaves_a_consistent_prefix);
	tcase_add_loop_test(tc, test_random_sequences_match_a_model, 0, 3);
	tcase_add_test(tc, test_mutated_images_give_statuses_not_crashes);
	suite_add_tcase(s, tc);
	return check_run(s);
}
