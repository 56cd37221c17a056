/*
 * check_dasd_dev.c - unit tests for the DASD device models (dev_ckd.c, dev_fba.c): channel programs
 * run by a guest with SIO against small volumes made in a temporary directory.
 *
 * Fixture: 256K machine; the I/O new PSW is a disabled wait at IO_WAIT, so run() starts a program
 * with SIO, waits in an enabled loop for its ending interruption and returns the CSW. CKD devices
 * go at 190, FBA at 1A0 (block multiplexer channel 1). Storage: channel programs from X'1000',
 * arguments from X'3000', data from X'4000'.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/be.h"
#include "lib/ebcdic.h"
#include "machine/dev_dasd.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

#define STORAGE (256u * 1024)
#define IO_WAIT 0x7770u
#define CODE 0x0E00u
#define LOOP 0x0F00u
#define PROG 0x1000u
#define ARG 0x3000u
#define DATA 0x4000u
#define CKD_ADDR 0x190
#define FBA_ADDR 0x1A0

#define SIO 0x9C00
#define TIO 0x9D00

#define CE_DE (UNIT_CE | UNIT_DE)

static struct machine *m;
static struct cpu *c;
static char dir[64];

/* ---- Fixture ---- */

static void setup(void)
{
	strcpy(dir, "/tmp/check_dasd_dev.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	m = h_new(STORAGE, false);
	c = machine_cpu(m);
	h_set_word(m, 0x78, 0x00020000);
	h_set_word(m, 0x7C, IO_WAIT);
	h_code(m, LOOP, "47F0 0F00"); /* B * */
}

static void teardown(void)
{
	if (m)
		machine_free(m);
	m = NULL;
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char p[512];
		while ((e = readdir(d)))
			if (e->d_name[0] != '.') {
				snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
				unlink(p);
			}
		closedir(d);
	}
	rmdir(dir);
}

static const char *path(const char *name)
{
	static char p[2][256];
	static int i;
	i ^= 1;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

/* ---- Guest storage and I/O ---- */

static void ccw(uint32_t at, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count)
{
	h_set_word(m, at, (uint32_t)cmd << 24 | data);
	h_set_word(m, at + 4, (uint32_t)flags << 24 | count);
}

static void put(uint32_t addr, const void *p, uint32_t n)
{
	h_put(m, addr, p, n);
}

static void put_hex(uint32_t addr, const char *hex)
{
	h_code(m, addr, hex);
}

/* Guest storage at addr (the last two results stay valid). */
static const uint8_t *get(uint32_t addr, uint32_t n)
{
	static uint8_t stored[2][65536];
	static int i;
	i ^= 1;
	h_get(m, addr, stored[i], n);
	return stored[i];
}

static unsigned io(uint16_t op, uint16_t a)
{
	uint8_t insn[4];
	put_be16(insn, op);
	put_be16(insn + 2, a);
	h_put(m, CODE, insn, 4);
	ck_assert_int_eq(h_run(m, CODE, 1), MACHINE_EXIT_BUDGET);
	return h_cc(m);
}

static uint32_t csw_hi(void)
{
	return h_word(m, 0x40);
}

/* Run the channel program at prog on device a to its end; returns CSW bits 32-63 (unit status,
 * channel status, residual count). */
static uint32_t run(uint16_t a, uint32_t prog)
{
	h_set_word(m, 0x48, prog);
	unsigned cc = io(SIO, a);
	if (cc == 1)
		return h_word(m, 0x44);
	ck_assert_uint_eq(cc, 0);
	uint8_t psw[8] = { 0xFE, 0x00, 0, 0, 0, 0, LOOP >> 8, LOOP & 0xFF }; /* channels enabled */
	cpu_set_psw(c, psw);
	ck_assert_int_eq(machine_run(c, 50000000), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), IO_WAIT);
	ck_assert_uint_eq(h_word(m, 0x38) & 0xFFFF, a);
	return h_word(m, 0x44);
}

static uint8_t unit(uint32_t lo)
{
	return (uint8_t)(lo >> 24);
}

static uint8_t chan(uint32_t lo)
{
	return (uint8_t)(lo >> 16);
}

static uint16_t residual(uint32_t lo)
{
	return (uint16_t)lo;
}

/* The device's sense bytes (a sense command of 24 bytes, SLI). */
static const uint8_t *sense(uint16_t a)
{
	ccw(0x1F00, 0x04, 0x1F80, CCW_SLI, 24);
	ck_assert_uint_eq(unit(run(a, 0x1F00)), CE_DE);
	return get(0x1F80, 24);
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7);
}

/* ---- Volumes ---- */

static struct ckd *new_ckd(const char *name, const char *type, uint32_t cyls)
{
	struct ckd *v;
	ck_assert_int_eq(ckd_create(path(name), dasd_geom_find(type), cyls, 0, &v, NULL), DASD_OK);
	return v;
}

static void put_record(struct ckd *v, uint32_t cc, uint32_t hh, uint8_t r, const uint8_t *key, uint8_t kl,
		       const uint8_t *data, uint16_t dl)
{
	uint8_t *trk = malloc(ckd_trksize(v));
	ck_assert_int_eq(ckd_read_track(v, cc, hh, trk), DASD_OK);
	ck_assert_int_eq(ckd_track_append(trk, ckd_trksize(v), r, key, kl, data, dl), DASD_OK);
	ck_assert_int_eq(ckd_write_track(v, cc, hh, trk, ckd_trksize(v)), DASD_OK);
	free(trk);
}

/* Record r with key kl bytes of X'C0'+r and dl bytes of the pattern seed. */
static void add_record(struct ckd *v, uint32_t cc, uint32_t hh, uint8_t r, uint8_t kl, uint16_t dl,
		       unsigned seed)
{
	uint8_t key[255], data[65535];
	memset(key, 0xC0 + r, sizeof key);
	fill(data, dl, seed);
	put_record(v, cc, hh, r, key, kl, data, dl);
}

/* Record r of track (cc, hh) as it is in the image file now (a fresh handle); data has room
 * for 4000 bytes. */
static bool on_disk(const char *name, uint32_t cc, uint32_t hh, uint8_t r, uint8_t *data, uint16_t *dl)
{
	struct ckd *v;
	ck_assert_int_eq(ckd_open(path(name), true, &v, NULL), DASD_OK);
	uint8_t *trk = malloc(ckd_trksize(v));
	struct ckd_record rec;
	ck_assert_int_eq(ckd_read_track(v, cc, hh, trk), DASD_OK);
	bool found = ckd_track_find(trk, ckd_trksize(v), (uint16_t)cc, (uint16_t)hh, r, &rec) == DASD_OK;
	if (found) {
		ck_assert_uint_le(rec.dl, 4000);
		memcpy(data, rec.data, rec.dl);
		*dl = rec.dl;
	}
	free(trk);
	ckd_close(v);
	return found;
}

/* A 3350 volume of 2 cylinders with R1 (100 bytes), R2 (key 8, 200 bytes), R3 (300 bytes) on
 * cylinder 1 head 3, attached at CKD_ADDR. */
static struct chan_dev *standard_ckd(void)
{
	struct ckd *v = new_ckd("std.3350", "3350", 2);
	add_record(v, 1, 3, 1, 0, 100, 1);
	add_record(v, 1, 3, 2, 8, 200, 2);
	add_record(v, 1, 3, 3, 0, 300, 3);
	struct chan_dev *d = devckd_attach(m, CKD_ADDR, v, false);
	ck_assert_ptr_nonnull(d);
	return d;
}

/* SEEK arguments at ARG: BBCCHH; search ID argument at ARG+8: CCHHR. */
static void seek_arg(uint16_t cc, uint16_t hh)
{
	uint8_t a[6] = { 0, 0, (uint8_t)(cc >> 8), (uint8_t)cc, (uint8_t)(hh >> 8), (uint8_t)hh };
	put(ARG, a, 6);
}

static void id_arg(uint16_t cc, uint16_t hh, uint8_t r)
{
	uint8_t a[5] = { (uint8_t)(cc >> 8), (uint8_t)cc, (uint8_t)(hh >> 8), (uint8_t)hh, r };
	put(ARG + 8, a, 5);
}

/* PROG: seek (ARG), search ID equal (ARG+8), TIC back; the next CCW goes at PROG+0x18. */
static void seek_search(uint8_t search_cmd)
{
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, search_cmd, ARG + 8, CCW_CC, 5);
	ccw(PROG + 0x10, 0x08, PROG + 0x08, 0, 0);
}

static void check_pattern(const uint8_t *p, size_t n, unsigned seed)
{
	uint8_t want[65536];
	fill(want, n, seed);
	ck_assert_mem_eq(p, want, n);
}

/* ---- CKD: searching and reading ---- */

START_TEST(test_ckd_seek_search_tic_read_data)
{
	standard_ckd();
	seek_arg(1, 3);
	id_arg(1, 3, 3);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x06, DATA, 0, 300);
	uint32_t lo = run(CKD_ADDR, PROG);
	ck_assert_uint_eq(lo, 0x0C000000u);
	ck_assert_uint_eq(csw_hi(), PROG + 0x20);
	check_pattern(get(DATA, 300), 300, 3);
}
END_TEST

START_TEST(test_ckd_successful_search_sets_status_modifier_to_skip_the_tic)
{
	standard_ckd();
	seek_arg(1, 3);
	id_arg(1, 3, 1);
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x16, DATA, CCW_CC, 16);    /* read R0: R1's count comes next */
	ccw(PROG + 0x10, 0x31, ARG + 8, CCW_CC, 5);  /* satisfied at once */
	ccw(PROG + 0x18, 0x08, 0x1800, 0, 0);        /* a TIC that must not be taken */
	ccw(PROG + 0x20, 0x06, DATA, 0, 100);
	ccw(0x1800, 0x03, 0, 0, 1);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ck_assert_uint_eq(csw_hi(), PROG + 0x28);
	check_pattern(get(DATA, 100), 100, 1);
	/* Not satisfied (R0 is examined first): no status modifier, the TIC is taken. */
	ccw(PROG + 0x08, 0x03, 0, CCW_CC, 1);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ck_assert_uint_eq(csw_hi(), 0x1808);
}
END_TEST

START_TEST(test_ckd_search_id_high_and_equal_or_high)
{
	standard_ckd();
	seek_arg(1, 3);
	id_arg(1, 3, 1);
	seek_search(0x51); /* high than R1: R2 */
	ccw(PROG + 0x18, 0x06, DATA, CCW_SLI, 1000);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE);
	check_pattern(get(DATA, 200), 200, 2);
	id_arg(1, 3, 3);
	seek_search(0x71); /* equal or high than R3: R3 */
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE);
	check_pattern(get(DATA, 300), 300, 3);
}
END_TEST

START_TEST(test_ckd_search_key_equal_then_read_data)
{
	standard_ckd();
	seek_arg(1, 3);
	uint8_t key[8];
	memset(key, 0xC2, 8); /* R2's key */
	put(ARG + 8, key, 8);
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x29, ARG + 8, CCW_CC, 8);
	ccw(PROG + 0x10, 0x08, PROG + 0x08, 0, 0);
	ccw(PROG + 0x18, 0x06, DATA, 0, 200);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	check_pattern(get(DATA, 200), 200, 2);
}
END_TEST

START_TEST(test_ckd_count_operations_read_successive_records)
{
	standard_ckd();
	seek_arg(1, 3);
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x12, DATA, CCW_CC, 8);          /* R1's count (R0 passed by) */
	ccw(PROG + 0x10, 0x1E, DATA + 0x100, CCW_CC, 216); /* R2: count, key, data */
	ccw(PROG + 0x18, 0x06, DATA + 0x400, CCW_CC, 300); /* R3's data */
	ccw(PROG + 0x20, 0x16, DATA + 0x600, CCW_CC, 16);  /* R0: count and data */
	ccw(PROG + 0x28, 0x1A, DATA + 0x700, 0, 5);        /* home address */
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ck_assert_mem_eq(get(DATA, 8), "\x00\x01\x00\x03\x01\x00\x00\x64", 8);
	ck_assert_mem_eq(get(DATA + 0x100, 8), "\x00\x01\x00\x03\x02\x08\x00\xC8", 8);
	check_pattern(get(DATA + 0x110, 200), 200, 2);
	check_pattern(get(DATA + 0x400, 300), 300, 3);
	ck_assert_mem_eq(get(DATA + 0x600, 16), "\x00\x01\x00\x03\x00\x00\x00\x08\0\0\0\0\0\0\0\0", 16);
	ck_assert_mem_eq(get(DATA + 0x700, 5), "\x00\x00\x01\x00\x03", 5);
}
END_TEST

START_TEST(test_ckd_search_for_missing_record_is_no_record_found)
{
	standard_ckd();
	seek_arg(1, 3);
	id_arg(1, 3, 9);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x06, DATA, 0, 100);
	uint32_t lo = run(CKD_ADDR, PROG);
	ck_assert_uint_eq(unit(lo), CE_DE | UNIT_UC);
	ck_assert_uint_eq(csw_hi(), PROG + 0x10); /* ended at the search */
	const uint8_t *s = sense(CKD_ADDR);
	ck_assert_uint_eq(s[0], 0);
	ck_assert_uint_eq(s[1], 0x08);
}
END_TEST

START_TEST(test_ckd_read_count_round_the_track_twice_is_no_record_found)
{
	standard_ckd();
	seek_arg(1, 3);
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	for (int i = 0; i < 8; i++)
		ccw(PROG + 8 + 8 * (uint32_t)i, 0x12, DATA, CCW_CC, 8);
	ccw(PROG + 0x48, 0x03, 0, 0, 1);
	uint32_t lo = run(CKD_ADDR, PROG);
	/* R1 R2 R3, index, R1 R2 R3, index again: the seventh read count ends it. */
	ck_assert_uint_eq(unit(lo), CE_DE | UNIT_UC);
	ck_assert_uint_eq(csw_hi(), PROG + 8 + 7 * 8);
	ck_assert_uint_eq(sense(CKD_ADDR)[1], 0x08);
	/* Reading data resets the count: the same with read data goes round as often as asked. */
	for (int i = 0; i < 8; i++)
		ccw(PROG + 8 + 8 * (uint32_t)i, 0x06, DATA, CCW_CC | CCW_SLI, 300);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE);
}
END_TEST

START_TEST(test_ckd_multitrack_search_goes_on_to_the_next_head)
{
	struct ckd *v = new_ckd("mt.3330", "3330", 2);
	add_record(v, 1, 2, 1, 0, 10, 5);
	add_record(v, 1, 2, 5, 0, 50, 6);
	ck_assert_ptr_nonnull(devckd_attach(m, CKD_ADDR, v, false));
	seek_arg(1, 0);
	id_arg(1, 2, 5);
	seek_search(0xB1);
	ccw(PROG + 0x18, 0x06, DATA, 0, 50);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	check_pattern(get(DATA, 50), 50, 6);
	/* Without multitrack the search stays on head 0: no record found. */
	seek_search(0x31);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[1], 0x08);
	/* Multitrack read data: R0 of the next track is passed by too. */
	seek_arg(1, 1);
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x86, DATA, 0, 10);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	check_pattern(get(DATA, 10), 10, 5);
}
END_TEST

START_TEST(test_ckd_multitrack_past_the_last_head_is_end_of_cylinder)
{
	struct ckd *v = new_ckd("eoc.3330", "3330", 2);
	ck_assert_ptr_nonnull(devckd_attach(m, CKD_ADDR, v, false));
	seek_arg(1, 17);
	id_arg(1, 17, 4);
	seek_search(0xB1);
	ccw(PROG + 0x18, 0x06, DATA, 0, 50);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	const uint8_t *s = sense(CKD_ADDR);
	ck_assert_uint_eq(s[0], 0);
	ck_assert_uint_eq(s[1], 0x20);
}
END_TEST

START_TEST(test_ckd_read_ipl_reads_r1_of_cylinder_0_head_0)
{
	struct ckd *v = new_ckd("ipl.3350", "3350", 2);
	add_record(v, 0, 0, 1, 4, 24, 9);
	add_record(v, 0, 0, 2, 0, 144, 10);
	ck_assert_ptr_nonnull(devckd_attach(m, CKD_ADDR, v, false));
	seek_arg(1, 5); /* somewhere else first */
	ccw(PROG, 0x07, ARG, 0, 6);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE);
	ccw(PROG, 0x02, 0, CCW_CC | CCW_SLI, 24);
	ccw(PROG + 8, 0x06, DATA, 0, 144); /* the next record: IPL2 */
	h_set_word(m, 0, 0);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	check_pattern(get(0, 24), 24, 9);
	check_pattern(get(DATA, 144), 144, 10);
}
END_TEST

START_TEST(test_ckd_ipl_from_the_volume_loads_its_psw)
{
	struct ckd *v = new_ckd("iplm.3380", "3380", 1);
	/* IPL1: PSW (IA 2000), read data of the next record (IPL2) into 2000, no-op. */
	uint8_t ipl1[24], ipl2[144];
	memcpy(ipl1, "\x00\x00\x00\x00\x00\x00\x20\x00" "\x06\x00\x20\x00\x60\x00\x00\x90"
		     "\x03\x00\x00\x00\x20\x00\x00\x01", 24);
	fill(ipl2, sizeof ipl2, 12);
	put_record(v, 0, 0, 1, (const uint8_t *)"\xC9\xD7\xD3\xF1", 4, ipl1, 24);
	put_record(v, 0, 0, 2, (const uint8_t *)"\xC9\xD7\xD3\xF2", 4, ipl2, 144);
	ck_assert_ptr_nonnull(devckd_attach(m, CKD_ADDR, v, false));
	struct machine_ipl_csw csw;
	ck_assert_int_eq(machine_ipl(m, CKD_ADDR, &csw), MACHINE_IPL_OK);
	uint8_t psw[8];
	cpu_get_psw(c, psw);
	ck_assert_uint_eq(be16(psw + 2), CKD_ADDR);
	ck_assert_uint_eq(be32(psw + 4) & 0xFFFFFF, 0x2000);
	check_pattern(get(0x2000, 144), 144, 12);
}
END_TEST

START_TEST(test_ckd_set_sector_and_read_sector)
{
	standard_ckd();
	seek_arg(1, 3);
	id_arg(1, 3, 3);
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	put_hex(ARG + 0x10, "20");
	ccw(PROG + 0x08, 0x23, ARG + 0x10, CCW_CC, 1);
	ccw(PROG + 0x10, 0x31, ARG + 8, CCW_CC, 5);
	ccw(PROG + 0x18, 0x08, PROG + 0x10, 0, 0);
	ccw(PROG + 0x20, 0x06, DATA, CCW_CC, 300);
	ccw(PROG + 0x28, 0x22, DATA + 0x200, 0, 1);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	check_pattern(get(DATA, 300), 300, 3);
	uint8_t sector = get(DATA + 0x200, 1)[0];
	ck_assert_uint_gt(sector, 0);
	ck_assert_uint_lt(sector, 128);
	/* A sector number beyond the track is rejected. */
	put_hex(ARG + 0x10, "90");
	ccw(PROG + 0x08, 0x23, ARG + 0x10, 0, 1);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x80);
}
END_TEST

/* ---- CKD: writing ---- */

START_TEST(test_ckd_write_ckd_then_read_back)
{
	struct ckd *v = new_ckd("w.3330", "3330", 2);
	ck_assert_ptr_nonnull(devckd_attach(m, CKD_ADDR, v, false));
	uint8_t r1[8 + 4 + 80], r2[8 + 100];
	memcpy(r1, "\x00\x01\x00\x02\x01\x04\x00\x50", 8);
	memcpy(r1 + 8, "ABCD", 4);
	fill(r1 + 12, 80, 21);
	memcpy(r2, "\x00\x01\x00\x02\x02\x00\x00\x64", 8);
	fill(r2 + 8, 100, 22);
	put(DATA, r1, sizeof r1);
	put(DATA + 0x100, r2, sizeof r2);
	seek_arg(1, 2);
	id_arg(1, 2, 0);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x1D, DATA, CCW_CC, sizeof r1);
	ccw(PROG + 0x20, 0x1D, DATA + 0x100, 0, sizeof r2);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);

	/* On disk as soon as the program ended (a second handle sees it). */
	uint8_t data[4000];
	uint16_t dl;
	ck_assert(on_disk("w.3330", 1, 2, 2, data, &dl));
	ck_assert_uint_eq(dl, 100);
	ck_assert_mem_eq(data, r2 + 8, 100);

	/* Back through the channel: search key equal "ABCD", read data. */
	put(ARG + 0x10, "ABCD", 4);
	ccw(PROG + 0x08, 0x29, ARG + 0x10, CCW_CC, 4);
	ccw(PROG + 0x18, 0x06, DATA + 0x400, 0, 80);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ck_assert_mem_eq(get(DATA + 0x400, 80), r1 + 12, 80);
}
END_TEST

START_TEST(test_ckd_write_ckd_erases_the_rest_of_the_track)
{
	standard_ckd();
	uint8_t r2[8 + 10];
	memcpy(r2, "\x00\x01\x00\x03\x02\x00\x00\x0A", 8);
	fill(r2 + 8, 10, 30);
	put(DATA, r2, sizeof r2);
	seek_arg(1, 3);
	id_arg(1, 3, 1);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x1D, DATA, 0, sizeof r2);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	uint8_t data[4000];
	uint16_t dl;
	ck_assert(on_disk("std.3350", 1, 3, 2, data, &dl));
	ck_assert_uint_eq(dl, 10);
	ck_assert(!on_disk("std.3350", 1, 3, 3, data, &dl));
	id_arg(1, 3, 3);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x06, DATA, 0, 300);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[1], 0x08);
}
END_TEST

START_TEST(test_ckd_write_data_updates_in_place_and_pads_a_short_count)
{
	standard_ckd();
	uint8_t nd[50];
	fill(nd, 50, 40);
	put(DATA, nd, 50);
	seek_arg(1, 3);
	id_arg(1, 3, 1);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x05, DATA, 0, 50);
	uint32_t lo = run(CKD_ADDR, PROG);
	ck_assert_uint_eq(unit(lo), CE_DE);
	ck_assert_uint_eq(chan(lo), CHAN_IL); /* 50 bytes for a 100-byte record */
	uint8_t data[4000], want[100] = { 0 };
	uint16_t dl;
	memcpy(want, nd, 50);
	ck_assert(on_disk("std.3350", 1, 3, 1, data, &dl));
	ck_assert_uint_eq(dl, 100);
	ck_assert_mem_eq(data, want, 100);
	ck_assert(on_disk("std.3350", 1, 3, 3, data, &dl)); /* nothing else changed */
}
END_TEST

START_TEST(test_ckd_write_key_and_data_after_search_id)
{
	standard_ckd();
	uint8_t kd[8 + 200];
	memset(kd, 0xE7, 8);
	fill(kd + 8, 200, 41);
	put(DATA, kd, sizeof kd);
	seek_arg(1, 3);
	id_arg(1, 3, 2);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x0D, DATA, 0, sizeof kd);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ccw(PROG + 0x18, 0x0E, DATA + 0x400, 0, sizeof kd);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ck_assert_mem_eq(get(DATA + 0x400, sizeof kd), kd, sizeof kd);
}
END_TEST

START_TEST(test_ckd_write_data_without_search_is_command_reject)
{
	standard_ckd();
	seek_arg(1, 3);
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x05, DATA, 0, 100);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x80);
	/* After a search that was not satisfied (no TIC back): the same. */
	id_arg(1, 3, 7);
	ccw(PROG + 0x08, 0x31, ARG + 8, CCW_CC, 5);
	ccw(PROG + 0x10, 0x05, DATA, 0, 100);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x80);
	/* Write key and data after search key equal: only search ID equal will do. */
	uint8_t key[8];
	memset(key, 0xC2, 8);
	put(ARG + 0x10, key, 8);
	ccw(PROG + 0x08, 0x29, ARG + 0x10, CCW_CC, 8);
	ccw(PROG + 0x10, 0x08, PROG + 0x08, 0, 0);
	ccw(PROG + 0x18, 0x0D, DATA, 0, 208);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x80);
}
END_TEST

START_TEST(test_ckd_write_ha_r0_and_records_format_a_track)
{
	standard_ckd();
	seek_arg(1, 3);
	put_hex(ARG + 0x10, "C0");
	put_hex(DATA, "00 0001 0003");
	put_hex(DATA + 0x10, "0001 0003 00 00 0008 0102030405060708");
	put_hex(DATA + 0x30, "0001 0003 01 00 0004 F1F2F3F4");
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x1F, ARG + 0x10, CCW_CC, 1);
	ccw(PROG + 0x10, 0x19, DATA, CCW_CC, 5);
	ccw(PROG + 0x18, 0x15, DATA + 0x10, CCW_CC, 16);
	ccw(PROG + 0x20, 0x1D, DATA + 0x30, 0, 12);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ccw(PROG + 0x08, 0x16, DATA + 0x100, CCW_CC, 16);
	ccw(PROG + 0x10, 0x1E, DATA + 0x200, CCW_CC | CCW_SLI, 100);
	ccw(PROG + 0x18, 0x12, DATA + 0x300, 0, 8); /* only R1: round the track to it again */
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE);
	ck_assert_mem_eq(get(DATA + 0x100, 16), get(DATA + 0x10, 16), 16);
	ck_assert_mem_eq(get(DATA + 0x200, 12), get(DATA + 0x30, 12), 12);
	ck_assert_mem_eq(get(DATA + 0x300, 8), get(DATA + 0x30, 8), 8);
	/* Without a mask that allows it, write home address is file protected. */
	ccw(PROG + 0x08, 0x19, DATA, 0, 5);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[1], 0x04);
}
END_TEST

START_TEST(test_ckd_record_beyond_track_capacity_is_invalid_track_format)
{
	struct ckd *v = new_ckd("cap.3350", "3350", 1);
	ck_assert_ptr_nonnull(devckd_attach(m, CKD_ADDR, v, false));
	uint8_t count[8] = { 0, 0, 0, 1, 1, 0, 0x4A, 0x7E }; /* R1, 19070 bytes: one more than fits */
	put(DATA, count, 8);
	seek_arg(0, 1);
	id_arg(0, 1, 0);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x1D, DATA, CCW_SLI, 8 + 19070);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[1], 0x40);
	count[7] = 0x7D; /* 19069: the largest R1 of a 3350 */
	put(DATA, count, 8);
	ccw(PROG + 0x18, 0x1D, DATA, 0, 8 + 19069);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	/* 19 records of 800 bytes fit a 3350 track; the 20th does not. */
	uint8_t c800[8] = { 0, 0, 0, 2, 0, 0, 0x03, 0x20 };
	seek_arg(0, 2);
	id_arg(0, 2, 0);
	seek_search(0x31);
	for (uint32_t i = 0; i < 20; i++) {
		c800[4] = (uint8_t)(i + 1);
		put(DATA + 0x400 * i, c800, 8);
		ccw(PROG + 0x18 + 8 * i, 0x1D, DATA + 0x400 * i, i < 19 ? CCW_CC : 0, 808);
	}
	uint32_t lo = run(CKD_ADDR, PROG);
	ck_assert_uint_eq(unit(lo), CE_DE | UNIT_UC);
	ck_assert_uint_eq(csw_hi(), PROG + 0x18 + 8 * 20);
	ck_assert_uint_eq(sense(CKD_ADDR)[1], 0x40);
}
END_TEST

/* ---- CKD: file mask, seeks, read-only ---- */

START_TEST(test_ckd_file_mask_inhibit_all_writes_is_file_protected)
{
	standard_ckd();
	uint8_t nd[100];
	fill(nd, 100, 50);
	put(DATA, nd, 100);
	seek_arg(1, 3);
	id_arg(1, 3, 1);
	put_hex(ARG + 0x10, "40");
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x1F, ARG + 0x10, CCW_CC, 1);
	ccw(PROG + 0x10, 0x31, ARG + 8, CCW_CC, 5);
	ccw(PROG + 0x18, 0x08, PROG + 0x10, 0, 0);
	ccw(PROG + 0x20, 0x05, DATA, 0, 100);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(csw_hi(), PROG + 0x28);
	const uint8_t *s = sense(CKD_ADDR);
	ck_assert_uint_eq(s[0], 0);
	ck_assert_uint_eq(s[1], 0x04);
	uint8_t data[4000];
	uint16_t dl;
	ck_assert(on_disk("std.3350", 1, 3, 1, data, &dl));
	check_pattern(data, 100, 1); /* unchanged */
	/* The next program has no mask: the write goes through. */
	seek_search(0x31);
	ccw(PROG + 0x18, 0x05, DATA, 0, 100);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ck_assert(on_disk("std.3350", 1, 3, 1, data, &dl));
	ck_assert_mem_eq(data, nd, 100);
}
END_TEST

START_TEST(test_ckd_file_mask_update_only_rejects_format_writes)
{
	standard_ckd();
	put_hex(DATA, "0001 0003 02 00 0004 01020304");
	seek_arg(1, 3);
	id_arg(1, 3, 1);
	put_hex(ARG + 0x10, "80");
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x1F, ARG + 0x10, CCW_CC, 1);
	ccw(PROG + 0x10, 0x31, ARG + 8, CCW_CC, 5);
	ccw(PROG + 0x18, 0x08, PROG + 0x10, 0, 0);
	ccw(PROG + 0x20, 0x1D, DATA, 0, 12);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[1], 0x04);
	ccw(PROG + 0x20, 0x05, DATA + 0x100, CCW_SLI, 100);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE);
}
END_TEST

START_TEST(test_ckd_file_mask_seek_bits_are_enforced)
{
	standard_ckd();
	seek_arg(1, 3);
	put(ARG + 0x20, "\x00\x00\x00\x01\x00\x04", 6);
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x1F, ARG + 0x10, CCW_CC, 1);
	ccw(PROG + 0x10, 0x1B, ARG + 0x20, 0, 6);
	static const struct {
		uint8_t mask, cmd;
		bool ok;
	} cases[] = {
		{ 0x18, 0x1B, false }, /* no seeks at all */
		{ 0x10, 0x1B, true },  /* seek head only */
		{ 0x10, 0x0B, false },
		{ 0x08, 0x0B, true },  /* seek cylinder and head */
		{ 0x08, 0x1B, true },
		{ 0x00, 0x0B, true },
		/* Seek (07) under a mask that forbids it: see test_ckd_exact_programs_... */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		h_put(m, ARG + 0x10, &cases[i].mask, 1);
		ccw(PROG + 0x10, cases[i].cmd, ARG + 0x20, 0, 6);
		uint32_t lo = run(CKD_ADDR, PROG);
		if (cases[i].ok) {
			ck_assert_msg(unit(lo) == CE_DE, "mask %02X cmd %02X", cases[i].mask, cases[i].cmd);
		} else {
			ck_assert_msg(unit(lo) == (CE_DE | UNIT_UC), "mask %02X cmd %02X", cases[i].mask, cases[i].cmd);
			ck_assert_uint_eq(sense(CKD_ADDR)[1], 0x04);
		}
	}
	/* Mask X'18' also stops a multitrack operation at the head switch. */
	put_hex(ARG + 0x10, "18");
	id_arg(1, 3, 9);
	ccw(PROG + 0x10, 0xB1, ARG + 8, CCW_CC, 5);
	ccw(PROG + 0x18, 0x08, PROG + 0x10, 0, 0);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[1], 0x04);
	/* A reserved mask bit is a command reject. */
	put_hex(ARG + 0x10, "20");
	ccw(PROG + 0x08, 0x1F, ARG + 0x10, 0, 1);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x80);
}
END_TEST

/* With the start of each program announced, the mask and the sequence last exactly one program. */
START_TEST(test_ckd_exact_programs_enforce_seek_inhibit_and_one_file_mask)
{
	struct chan_dev *d = standard_ckd();
	seek_arg(1, 3);
	put_hex(ARG + 0x10, "08");
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x1F, ARG + 0x10, CCW_CC, 1);
	ccw(PROG + 0x10, 0x07, ARG, 0, 6);
	devckd_program_start(d);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC); /* seek forbidden by the mask */
	ck_assert_uint_eq(sense(CKD_ADDR)[1], 0x04);
	ccw(PROG + 0x10, 0x13, 0, 0, 1);
	devckd_program_start(d);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC); /* recalibrate too */
	ccw(PROG + 0x10, 0x0B, ARG, 0, 6);
	devckd_program_start(d);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE); /* the mask came with the program */
	ccw(PROG + 0x10, 0x1F, ARG + 0x10, 0, 1);
	devckd_program_start(d);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC); /* one mask per program */
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x80);
	/* A satisfied search at the end of one program does not let the next one write. */
	id_arg(1, 3, 0);
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x31, ARG + 8, 0, 5);
	devckd_program_start(d);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x4C000000u);
	ccw(PROG, 0x05, DATA, 0, 8);
	devckd_program_start(d);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x80);
}
END_TEST

START_TEST(test_ckd_seek_outside_the_volume_is_seek_check)
{
	standard_ckd();
	ccw(PROG, 0x07, ARG, 0, 6);
	seek_arg(2, 0); /* 2 cylinders: 0 and 1 */
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x01);
	seek_arg(1, 30); /* 30 heads: 0-29 */
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x01);
	seek_arg(1, 29);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE);
}
END_TEST

START_TEST(test_ckd_invalid_seek_argument_is_command_reject)
{
	standard_ckd();
	put_hex(ARG, "0001 0000 0000"); /* BB not zero */
	ccw(PROG, 0x07, ARG, 0, 6);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x80);
	seek_arg(1, 3);
	ccw(PROG, 0x07, ARG, 0, 4); /* too few bytes */
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x80);
	ccw(PROG, 0x07, ARG, 0, 8); /* too many: incorrect length */
	uint32_t lo = run(CKD_ADDR, PROG);
	ck_assert_uint_eq(unit(lo), CE_DE);
	ck_assert_uint_eq(chan(lo), CHAN_IL);
	ck_assert_uint_eq(residual(lo), 2);
	ccw(PROG, 0xF7, ARG, 0, 6); /* not a DASD command */
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x80);
}
END_TEST

START_TEST(test_ckd_readonly_volume_rejects_writes_and_reads)
{
	struct ckd *v = new_ckd("ro.3350", "3350", 2);
	add_record(v, 1, 3, 1, 0, 100, 1);
	ckd_close(v);
	ck_assert_int_eq(ckd_open(path("ro.3350"), true, &v, NULL), DASD_OK);
	ck_assert_ptr_nonnull(devckd_attach(m, CKD_ADDR, v, true));
	seek_arg(1, 3);
	id_arg(1, 3, 1);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x05, DATA, 0, 100);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	const uint8_t *s = sense(CKD_ADDR);
	ck_assert_uint_eq(s[0], 0x80);
	ck_assert_uint_eq(s[1], 0x02); /* write inhibited */
	ccw(PROG + 0x18, 0x06, DATA, 0, 100);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	check_pattern(get(DATA, 100), 100, 1);
}
END_TEST

/* ---- CKD: identification and sense ---- */

START_TEST(test_ckd_sense_id_names_control_unit_and_device)
{
	standard_ckd();
	ccw(PROG, 0xE4, DATA, 0, 7);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ck_assert_mem_eq(get(DATA, 7), "\xFF\x38\x30\x02\x33\x50\x00", 7);
	struct ckd *v = new_ckd("id.3380", "3380", 1);
	ck_assert_ptr_nonnull(devckd_attach(m, CKD_ADDR + 1, v, false));
	ck_assert_uint_eq(run(CKD_ADDR + 1, PROG), 0x0C000000u);
	ck_assert_mem_eq(get(DATA, 7), "\xFF\x38\x80\x05\x33\x80\x02", 7);
}
END_TEST

START_TEST(test_ckd_2314_has_6_sense_bytes_and_no_sense_id)
{
	struct ckd *v = new_ckd("s.2314", "2314", 1);
	ck_assert_ptr_nonnull(devckd_attach(m, CKD_ADDR, v, false));
	ccw(PROG, 0xE4, DATA, 0, 7);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ccw(PROG, 0x04, DATA, 0, 24);
	uint32_t lo = run(CKD_ADDR, PROG);
	ck_assert_uint_eq(unit(lo), CE_DE);
	ck_assert_uint_eq(chan(lo), CHAN_IL);
	ck_assert_uint_eq(residual(lo), 18);
	ck_assert_uint_eq(get(DATA, 1)[0], 0x80);
	/* Sense cleared the sense bytes. */
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE);
	ck_assert_uint_eq(get(DATA, 1)[0], 0);
}
END_TEST

START_TEST(test_ckd_reserve_release_and_noop_are_accepted)
{
	standard_ckd();
	ccw(PROG, 0xB4, DATA, CCW_CC, 24);
	ccw(PROG + 8, 0x03, 0, CCW_CC, 1);
	ccw(PROG + 0x10, 0x94, DATA, 0, 24);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
}
END_TEST

/* ---- CKD: hostile input ---- */

START_TEST(test_ckd_read_count_short_or_long_is_incorrect_length)
{
	standard_ckd();
	seek_arg(1, 3);
	id_arg(1, 3, 1);
	seek_search(0x31);
	h_set_word(m, DATA + 50, 0xEEEEEEEE);
	ccw(PROG + 0x18, 0x06, DATA, 0, 50); /* 100-byte record */
	uint32_t lo = run(CKD_ADDR, PROG);
	ck_assert_uint_eq(unit(lo), CE_DE);
	ck_assert_uint_eq(chan(lo), CHAN_IL);
	ck_assert_uint_eq(residual(lo), 0);
	check_pattern(get(DATA, 50), 50, 1);
	ck_assert_uint_eq(h_word(m, DATA + 50), 0xEEEEEEEEu);
	ccw(PROG + 0x18, 0x06, DATA, CCW_SLI, 50);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ccw(PROG + 0x18, 0x06, DATA, 0, 200);
	lo = run(CKD_ADDR, PROG);
	ck_assert_uint_eq(chan(lo), CHAN_IL);
	ck_assert_uint_eq(residual(lo), 100);
	/* A search argument shorter than the count field is padded with zeros: CCHH alone finds R0. */
	ccw(PROG + 0x08, 0x31, ARG + 8, CCW_CC | CCW_SLI, 4);
	ccw(PROG + 0x18, 0x16, DATA, 0, 16);
	put_hex(ARG + 8, "0001 0003 FF");
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ck_assert_mem_eq(get(DATA, 8), "\x00\x01\x00\x03\x00\x00\x00\x08", 8);
}
END_TEST

START_TEST(test_ckd_search_argument_past_storage_is_program_check)
{
	standard_ckd();
	seek_arg(1, 3);
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x31, STORAGE - 2, CCW_CC, 5);
	ccw(PROG + 0x10, 0x08, PROG + 0x08, 0, 0);
	uint32_t lo = run(CKD_ADDR, PROG);
	ck_assert_uint_eq(chan(lo), CHAN_PROG);
	ck_assert_uint_eq(csw_hi(), PROG + 0x10);
	/* The device is still usable. */
	id_arg(1, 3, 2);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x06, DATA, 0, 200);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
}
END_TEST

START_TEST(test_ckd_corrupt_track_image_is_data_check)
{
	struct ckd *v = new_ckd("bad.3350", "3350", 2);
	add_record(v, 1, 3, 1, 0, 100, 1);
	add_record(v, 1, 4, 1, 0, 100, 2);
	ck_assert_ptr_nonnull(devckd_attach(m, CKD_ADDR, v, false));
	/* R1 of 1/4 now claims 65535 data bytes: past the track slot. */
	const char *file;
	uint64_t off;
	ck_assert_int_eq(ckd_track_offset(v, 1, 4, &file, &off), DASD_OK);
	int fd = open(file, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "\xFF\xFF", 2, (off_t)(off + 5 + 16 + 6)), 2);
	close(fd);
	seek_arg(1, 4);
	ccw(PROG, 0x07, ARG, CCW_CC, 6);
	ccw(PROG + 0x08, 0x06, DATA, 0, 100);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	const uint8_t *s = sense(CKD_ADDR);
	ck_assert_uint_eq(s[0], 0x08);
	ck_assert_uint_eq(s[1], 0x80);
	/* A bad home address (another track's CCHH) too. */
	fd = open(file, O_WRONLY);
	ck_assert_int_eq(pwrite(fd, "\x00\x00\x09", 3, (off_t)off), 3);
	close(fd);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(CKD_ADDR)[0], 0x08);
	/* The other tracks still read. */
	seek_arg(1, 3);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	check_pattern(get(DATA, 100), 100, 1);
}
END_TEST

START_TEST(test_ckd_compressed_volume_writes_and_reads)
{
	struct ckd *v;
	ck_assert_int_eq(ckd_create_compressed(path("z.3380"), dasd_geom_find("3380"), 2, DASD_COMPRESS_ZLIB, &v,
					       NULL),
			 DASD_OK);
	ck_assert_ptr_nonnull(devckd_attach(m, CKD_ADDR, v, false));
	uint8_t rec[8 + 4000];
	memcpy(rec, "\x00\x01\x00\x0E\x01\x00\x0F\xA0", 8);
	fill(rec + 8, 4000, 60);
	put(DATA, rec, sizeof rec);
	seek_arg(1, 14);
	id_arg(1, 14, 0);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x1D, DATA, 0, sizeof rec);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	id_arg(1, 14, 1);
	ccw(PROG + 0x18, 0x06, DATA + 0x2000, 0, 4000);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
	ck_assert_mem_eq(get(DATA + 0x2000, 4000), rec + 8, 4000);
	uint8_t data[4000];
	uint16_t dl;
	ck_assert(on_disk("z.3380", 1, 14, 1, data, &dl));
	ck_assert_mem_eq(data, rec + 8, 4000);
}
END_TEST

/* ---- CKD: a Hercules volume ---- */

START_TEST(test_ckd_dasdinit_3350_vol1_label_reads_through_the_channel)
{
	if (system("command -v dasdinit >/dev/null 2>&1") != 0) {
		fprintf(stderr, "dasdinit is not installed: test skipped\n");
		return;
	}
	static const char *const opts[] = { "", "-z" };
	for (int i = 0; i < 2; i++) {
		char cmd[512];
		const char *name = i ? "herc-z.3350" : "herc.3350";
		snprintf(cmd, sizeof cmd, "dasdinit -a %s %s 3350 CAMB0%d >/dev/null 2>&1", opts[i], path(name), i);
		ck_assert_int_eq(system(cmd), 0);
		struct ckd *v;
		struct dasd_where w;
		memset(&w, 0, sizeof w);
		ck_assert_int_eq(ckd_open(path(name), false, &v, &w), DASD_OK);
		ck_assert_uint_eq(ckd_cyls(v), 560);
		ck_assert_uint_eq(ckd_compressed(v), i == 1);
		uint16_t a = (uint16_t)(CKD_ADDR + i);
		ck_assert_ptr_nonnull(devckd_attach(m, a, v, false));
		seek_arg(0, 0);
		id_arg(0, 0, 3);
		seek_search(0x31);
		ccw(PROG + 0x18, 0x0E, DATA, CCW_SLI, 84); /* key and data */
		ck_assert_uint_eq(unit(run(a, PROG)), CE_DE);
		uint8_t want[10];
		char volser[16];
		snprintf(volser, sizeof volser, "VOL1CAMB0%d", i);
		ascii_to_ebcdic_buf(want, volser, 4);
		ck_assert_mem_eq(get(DATA, 4), want, 4); /* the key */
		ascii_to_ebcdic_buf(want, volser, 10);
		ck_assert_mem_eq(get(DATA + 4, 10), want, 10);
	}
}
END_TEST

/* ---- FBA ---- */

static struct chan_dev *new_fba(const char *name, const char *type, uint32_t blocks, bool readonly)
{
	struct fba *f;
	ck_assert_int_eq(fba_create(path(name), dasd_geom_find(type), blocks, &f, NULL), DASD_OK);
	if (readonly) {
		fba_close(f);
		ck_assert_int_eq(fba_open(path(name), true, &f, NULL), DASD_OK);
	}
	struct chan_dev *d = devfba_attach_range(m, FBA_ADDR, f, readonly, dasd_geom_find(type), 0, 0);
	ck_assert_ptr_nonnull(d);
	return d;
}

/* PROG: define extent (ARG: mask, base, first, last), locate (ARG+0x10: op, count, block), then the
 * CCW at PROG+0x10. */
static void extent_locate(uint8_t mask, uint32_t base, uint32_t first, uint32_t last, uint8_t op,
			  uint16_t count, uint32_t block)
{
	uint8_t de[16] = { mask, 0, 0x02, 0x00 };
	put_be32(de + 4, base);
	put_be32(de + 8, first);
	put_be32(de + 12, last);
	put(ARG, de, 16);
	uint8_t lc[8] = { op, 0 };
	put_be16(lc + 2, count);
	put_be32(lc + 4, block);
	put(ARG + 0x10, lc, 8);
	ccw(PROG, 0x63, ARG, CCW_CC, 16);
	ccw(PROG + 8, 0x43, ARG + 0x10, CCW_CC, 8);
}

START_TEST(test_fba_define_extent_locate_write_then_read)
{
	new_fba("a.3370", "3370", 1000, false);
	uint8_t blocks[1024];
	fill(blocks, sizeof blocks, 70);
	put(DATA, blocks, sizeof blocks);
	extent_locate(0x00, 100, 0, 99, 0x01, 2, 5);
	ccw(PROG + 0x10, 0x41, DATA, 0, 1024);
	ck_assert_uint_eq(run(FBA_ADDR, PROG), 0x0C000000u);
	extent_locate(0x00, 100, 0, 99, 0x06, 2, 5);
	ccw(PROG + 0x10, 0x42, DATA + 0x1000, 0, 1024);
	ck_assert_uint_eq(run(FBA_ADDR, PROG), 0x0C000000u);
	ck_assert_mem_eq(get(DATA + 0x1000, 1024), blocks, 1024);
	/* On disk at device block 105. */
	struct fba *f;
	uint8_t disk[1024];
	ck_assert_int_eq(fba_open(path("a.3370"), true, &f, NULL), DASD_OK);
	ck_assert_int_eq(fba_read(f, 105, 2, disk), DASD_OK);
	fba_close(f);
	ck_assert_mem_eq(disk, blocks, 1024);
}
END_TEST

START_TEST(test_fba_locate_outside_the_extent_is_command_reject)
{
	new_fba("b.3370", "3370", 1000, false);
	static const struct {
		uint16_t count;
		uint32_t block;
		bool ok;
	} cases[] = {
		{ 1, 19, true }, { 2, 19, false }, { 1, 20, false }, { 1, 9, false }, { 11, 10, false }, { 10, 10, true },
		{ 0, 10, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		extent_locate(0x00, 0, 10, 19, 0x06, cases[i].count, cases[i].block);
		ccw(PROG + 8, 0x43, ARG + 0x10, 0, 8);
		uint32_t lo = run(FBA_ADDR, PROG);
		ck_assert_msg(unit(lo) == (cases[i].ok ? CE_DE : CE_DE | UNIT_UC), "count %u block %u",
			      cases[i].count, cases[i].block);
		if (!cases[i].ok)
			ck_assert_uint_eq(sense(FBA_ADDR)[0], 0x80);
	}
	/* An extent past the end of the device. */
	extent_locate(0x00, 990, 0, 10, 0x06, 1, 0);
	ck_assert_uint_eq(unit(run(FBA_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(csw_hi(), PROG + 8);
}
END_TEST

START_TEST(test_fba_mask_inhibiting_writes_rejects_a_write_locate)
{
	new_fba("c.3370", "3370", 1000, false);
	extent_locate(0x40, 0, 0, 99, 0x01, 1, 0);
	ccw(PROG + 0x10, 0x41, DATA, 0, 512);
	uint32_t lo = run(FBA_ADDR, PROG);
	ck_assert_uint_eq(unit(lo), CE_DE | UNIT_UC);
	ck_assert_uint_eq(csw_hi(), PROG + 0x10);
	ck_assert_uint_eq(sense(FBA_ADDR)[0], 0x80);
}
END_TEST

START_TEST(test_fba_read_or_write_without_locate_is_command_reject)
{
	new_fba("d.3370", "3370", 1000, false);
	ccw(PROG, 0x42, DATA, 0, 512);
	ck_assert_uint_eq(unit(run(FBA_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense(FBA_ADDR)[0], 0x80);
	/* A read after a write locate, and a write after a read locate. */
	extent_locate(0x00, 0, 0, 99, 0x01, 1, 0);
	ccw(PROG + 0x10, 0x42, DATA, 0, 512);
	ck_assert_uint_eq(unit(run(FBA_ADDR, PROG)), CE_DE | UNIT_UC);
	extent_locate(0x00, 0, 0, 99, 0x06, 1, 0);
	ccw(PROG + 0x10, 0x41, DATA, 0, 512);
	ck_assert_uint_eq(unit(run(FBA_ADDR, PROG)), CE_DE | UNIT_UC);
	/* Locate without define extent, in a new program after a reset. */
	machine_io_reset(m);
	ccw(PROG, 0x43, ARG + 0x10, 0, 8);
	ck_assert_uint_eq(unit(run(FBA_ADDR, PROG)), CE_DE | UNIT_UC);
}
END_TEST

START_TEST(test_fba_exact_programs_allow_one_define_extent)
{
	struct chan_dev *d = new_fba("x.3370", "3370", 1000, false);
	extent_locate(0x00, 0, 0, 99, 0x06, 1, 0);
	ccw(PROG + 8, 0x63, ARG, 0, 16);
	devfba_program_start(d);
	ck_assert_uint_eq(unit(run(FBA_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(csw_hi(), PROG + 0x10);
	ck_assert_uint_eq(sense(FBA_ADDR)[0], 0x80);
	ccw(PROG + 8, 0x03, 0, 0, 1);
	devfba_program_start(d);
	ck_assert_uint_eq(run(FBA_ADDR, PROG), 0x0C000000u);
	ccw(PROG, 0x43, ARG + 0x10, 0, 8); /* the extent of the last program does not carry over */
	devfba_program_start(d);
	ck_assert_uint_eq(unit(run(FBA_ADDR, PROG)), CE_DE | UNIT_UC);
}
END_TEST

START_TEST(test_fba_short_read_count_is_incorrect_length)
{
	new_fba("e.3370", "3370", 1000, false);
	extent_locate(0x00, 0, 0, 99, 0x06, 2, 0);
	ccw(PROG + 0x10, 0x42, DATA, 0, 600);
	uint32_t lo = run(FBA_ADDR, PROG);
	ck_assert_uint_eq(unit(lo), CE_DE);
	ck_assert_uint_eq(chan(lo), CHAN_IL);
	ccw(PROG + 0x10, 0x42, DATA, 0, 2000);
	lo = run(FBA_ADDR, PROG);
	ck_assert_uint_eq(chan(lo), CHAN_IL);
	ck_assert_uint_eq(residual(lo), 2000 - 1024);
}
END_TEST

START_TEST(test_fba_read_ipl_reads_block_0_and_locate_follows)
{
	new_fba("f.3310", "3310", 100, false);
	struct fba *f;
	uint8_t b[1024];
	fill(b, sizeof b, 80);
	ck_assert_int_eq(fba_open(path("f.3310"), false, &f, NULL), DASD_OK);
	ck_assert_int_eq(fba_write(f, 0, 2, b), DASD_OK);
	fba_close(f);
	put_hex(ARG + 0x10, "06 00 0001 00000001");
	ccw(PROG, 0x02, 0, CCW_CC | CCW_SLI, 24);
	ccw(PROG + 8, 0x43, ARG + 0x10, CCW_CC, 8);
	ccw(PROG + 0x10, 0x42, DATA, 0, 512);
	h_set_word(m, 0, 0);
	ck_assert_uint_eq(run(FBA_ADDR, PROG), 0x0C000000u);
	ck_assert_mem_eq(get(0, 24), b, 24);
	ck_assert_mem_eq(get(DATA, 512), b + 512, 512);
}
END_TEST

START_TEST(test_fba_ipl_from_the_volume_loads_its_psw)
{
	new_fba("ipl.3310", "3310", 100, false);
	/* Block 0: PSW (IA 1000); read IPL again, all of block 0; TIC to 100: locate block 1, read
	 * it into 1000. */
	uint8_t b[1024] = { 0 };
	memcpy(b, "\x00\x00\x00\x00\x00\x00\x10\x00" "\x02\x00\x00\x00\x60\x00\x02\x00"
		  "\x08\x00\x01\x00\x00\x00\x00\x00", 24);
	memcpy(b + 0x100, "\x43\x00\x01\x80\x40\x00\x00\x08" "\x42\x00\x10\x00\x00\x00\x02\x00", 16);
	memcpy(b + 0x180, "\x06\x00\x00\x01\x00\x00\x00\x01", 8);
	fill(b + 512, 512, 13);
	struct fba *f;
	ck_assert_int_eq(fba_open(path("ipl.3310"), false, &f, NULL), DASD_OK);
	ck_assert_int_eq(fba_write(f, 0, 2, b), DASD_OK);
	fba_close(f);
	struct machine_ipl_csw csw;
	ck_assert_int_eq(machine_ipl(m, FBA_ADDR, &csw), MACHINE_IPL_OK);
	uint8_t psw[8];
	cpu_get_psw(c, psw);
	ck_assert_uint_eq(be16(psw + 2), FBA_ADDR);
	ck_assert_uint_eq(be32(psw + 4) & 0xFFFFFF, 0x1000);
	check_pattern(get(0x1000, 512), 512, 13);
}
END_TEST

START_TEST(test_fba_sense_id_and_device_characteristics)
{
	new_fba("g.3370", "3370", 1000, false);
	ccw(PROG, 0xE4, DATA, CCW_CC, 7);
	ccw(PROG + 8, 0x64, DATA + 0x10, 0, 32);
	ck_assert_uint_eq(run(FBA_ADDR, PROG), 0x0C000000u);
	ck_assert_mem_eq(get(DATA, 7), "\xFF\x38\x80\x01\x33\x70\x00", 7);
	const uint8_t *r = get(DATA + 0x10, 32);
	ck_assert_uint_eq(r[2], 0x21);
	ck_assert_uint_eq(r[3], 0x02);
	ck_assert_uint_eq(be16(r + 4), 512);
	ck_assert_uint_eq(be32(r + 6), 62);
	ck_assert_uint_eq(be32(r + 10), 744);
	ck_assert_uint_eq(be32(r + 14), 1000);
}
END_TEST

START_TEST(test_fba_readonly_device_rejects_writes)
{
	new_fba("h.3370", "3370", 1000, true);
	extent_locate(0xC0, 0, 0, 99, 0x01, 1, 0);
	ccw(PROG + 0x10, 0x41, DATA, 0, 512);
	ck_assert_uint_eq(unit(run(FBA_ADDR, PROG)), CE_DE | UNIT_UC);
	ck_assert_uint_eq(csw_hi(), PROG + 0x10);
	extent_locate(0x00, 0, 0, 99, 0x06, 1, 0);
	ccw(PROG + 0x10, 0x42, DATA, 0, 512);
	ck_assert_uint_eq(run(FBA_ADDR, PROG), 0x0C000000u);
}
END_TEST

/* ---- Configuration statements ---- */

static char err[512];

static struct chan_dev *config(dev_config_fn *fn, const char *type, const char *a0, const char *a1,
			       const char *a2, const char *a3)
{
	char *argv[4] = { (char *)a0, (char *)a1, (char *)a2, (char *)a3 };
	int argc = a3 ? 4 : a2 ? 3 : a1 ? 2 : 1;
	err[0] = 0;
	return fn(m, CKD_ADDR, type, argc, argv, err, sizeof err);
}

START_TEST(test_config_ckd_accepts_ignored_hercules_options)
{
	ckd_close(new_ckd("c1.3350", "3350", 2));
	ck_assert_ptr_nonnull(config(devckd_config, "3350", path("c1.3350"), "lazywrite", "cu=3880", "NOSYNCIO"));
	ccw(PROG, 0xE4, DATA, 0, 7);
	ck_assert_uint_eq(run(CKD_ADDR, PROG), 0x0C000000u);
}
END_TEST

START_TEST(test_config_ckd_type_must_match_the_image)
{
	ckd_close(new_ckd("c2.3380", "3380", 1));
	ck_assert_ptr_null(config(devckd_config, "3350", path("c2.3380"), NULL, NULL, NULL));
	ck_assert_ptr_nonnull(strstr(err, "3350"));
	ck_assert_ptr_nonnull(strstr(err, "3380"));
	ck_assert_ptr_nonnull(strstr(err, "c2.3380"));
	ck_assert_ptr_null(config(devckd_config, "3390", path("c2.3380"), NULL, NULL, NULL));
	ck_assert_ptr_null(config(devckd_config, "3370", path("c2.3380"), NULL, NULL, NULL));
}
END_TEST

START_TEST(test_config_unknown_options_and_fba_shadow_files_are_refused)
{
	ckd_close(new_ckd("c3.3350", "3350", 1));
	ck_assert_ptr_null(config(devckd_config, "3350", path("c3.3350"), "ro", "bogus", NULL));
	ck_assert_ptr_nonnull(strstr(err, "'bogus'"));
	ck_assert_ptr_null(config(devckd_config, "3350", path("c3.3350"), "sf=", NULL, NULL));
	ck_assert_ptr_nonnull(strstr(err, "sf="));
	ck_assert_ptr_null(config(devfba_config, "3370", path("c3.3350"), "fakewrite", NULL, NULL));
	ck_assert_ptr_nonnull(strstr(err, "'fakewrite'"));
	struct fba *f;
	ck_assert_int_eq(fba_create(path("c3.3370"), dasd_geom_find("3370"), 100, &f, NULL), DASD_OK);
	fba_close(f);
	ck_assert_ptr_null(config(devfba_config, "3370", path("c3.3370"), "sf=x_*.3370", NULL, NULL));
	ck_assert_ptr_nonnull(strstr(err, "shadow files"));
}
END_TEST

/* The bytes of file name. */
static uint8_t *file_bytes(const char *name, size_t *n)
{
	int fd = open(path(name), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	off_t size = lseek(fd, 0, SEEK_END);
	uint8_t *b = malloc(size);
	ck_assert_int_eq(pread(fd, b, size, 0), size);
	close(fd);
	*n = (size_t)size;
	return b;
}

START_TEST(test_config_sf_guest_writes_go_to_a_shadow_and_the_base_is_unchanged)
{
	struct ckd *v = new_ckd("sf.3350", "3350", 2);
	add_record(v, 1, 3, 1, 0, 100, 1);
	ckd_close(v);
	size_t n0, n1;
	uint8_t *before = file_bytes("sf.3350", &n0);
	char sf[300];
	snprintf(sf, sizeof sf, "sf=%s", path("sf_*.cckd"));
	/* ro with sf=: as in Hercules, only the base is read-only; the guest writes to the shadow */
	ck_assert_ptr_nonnull(config(devckd_config, "3350", path("sf.3350"), "ro", sf, NULL));
	uint8_t data[100];
	fill(data, sizeof data, 9);
	put(DATA, data, sizeof data);
	seek_arg(1, 3);
	id_arg(1, 3, 1);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x05, DATA, 0, 100);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE);
	ccw(PROG + 0x18, 0x06, DATA + 0x1000, 0, 100);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE);
	check_pattern(get(DATA + 0x1000, 100), 100, 9);

	uint8_t *after = file_bytes("sf.3350", &n1);
	ck_assert_uint_eq(n0, n1);
	ck_assert_mem_eq(before, after, n0);
	uint8_t got[4000];
	uint16_t dl;
	ck_assert(on_disk("sf.3350", 1, 3, 1, got, &dl));
	check_pattern(got, dl, 1);				/* the base alone: the old record */
	ck_assert_int_eq(ckd_open_shadow(path("sf.3350"), sf + 3, true, &v, NULL), DASD_OK);
	ck_assert_uint_eq(ckd_shadow_count(v), 1);
	uint8_t *trk = malloc(ckd_trksize(v));
	struct ckd_record rec;
	ck_assert_int_eq(ckd_read_track(v, 1, 3, trk), DASD_OK);
	ck_assert_int_eq(ckd_track_find(trk, ckd_trksize(v), 1, 3, 1, &rec), DASD_OK);
	check_pattern(rec.data, rec.dl, 9);			/* through the shadow: the new one */
	free(trk);
	ckd_close(v);
	free(before);
	free(after);
}
END_TEST

START_TEST(test_config_ro_makes_a_readonly_device)
{
	struct ckd *v = new_ckd("c4.3330", "3330", 1);
	add_record(v, 0, 1, 1, 0, 10, 1);
	ckd_close(v);
	ck_assert_ptr_nonnull(config(devckd_config, "3330", path("c4.3330"), "RO", NULL, NULL));
	seek_arg(0, 1);
	id_arg(0, 1, 1);
	seek_search(0x31);
	ccw(PROG + 0x18, 0x05, DATA, 0, 10);
	ck_assert_uint_eq(unit(run(CKD_ADDR, PROG)), CE_DE | UNIT_UC);
	const uint8_t *s = sense(CKD_ADDR);
	ck_assert_uint_eq(s[0], 0x80);
	ck_assert_uint_eq(s[1], 0x04); /* a 3330 has no write-inhibit switch: file protected */
}
END_TEST

START_TEST(test_config_errors_name_the_file_and_offset)
{
	ck_assert_ptr_null(config(devckd_config, "3350", path("missing.3350"), NULL, NULL, NULL));
	ck_assert_ptr_nonnull(strstr(err, "missing.3350"));
	ck_assert_ptr_null(strchr(err, '\n'));
	/* A header whose heads field is wrong for its type. */
	uint8_t h[512] = "CKD_P370";
	h[8] = 7;
	h[13] = 0x4C; /* trksize 19456 */
	h[16] = 0x50;
	int fd = open(path("hdr.3350"), O_WRONLY | O_CREAT, 0644);
	ck_assert_int_eq(write(fd, h, sizeof h), 512);
	close(fd);
	ck_assert_ptr_null(config(devckd_config, "3350", path("hdr.3350"), NULL, NULL, NULL));
	ck_assert_ptr_nonnull(strstr(err, "hdr.3350"));
	ck_assert_ptr_nonnull(strstr(err, "offset 8"));
	/* No file at all. */
	ck_assert_ptr_null(devckd_config(m, CKD_ADDR, "3350", 0, NULL, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "missing"));
}
END_TEST

START_TEST(test_config_fba_origin_and_block_count)
{
	struct fba *f;
	ck_assert_int_eq(fba_create(path("c5.3370"), dasd_geom_find("3370"), 1000, &f, NULL), DASD_OK);
	uint8_t b[512];
	fill(b, 512, 90);
	ck_assert_int_eq(fba_write(f, 100, 1, b), DASD_OK);
	fba_close(f);
	char *argv[] = { (char *)path("c5.3370"), (char *)"100", (char *)"50", (char *)"syncio" };
	ck_assert_ptr_nonnull(devfba_config(m, FBA_ADDR, "3370", 4, argv, err, sizeof err));
	ccw(PROG, 0x64, DATA, 0, 32);
	ck_assert_uint_eq(run(FBA_ADDR, PROG), 0x0C000000u);
	ck_assert_uint_eq(be32(get(DATA + 14, 4)), 50);
	extent_locate(0x00, 0, 0, 49, 0x06, 1, 0);
	ccw(PROG + 0x10, 0x42, DATA, 0, 512);
	ck_assert_uint_eq(run(FBA_ADDR, PROG), 0x0C000000u);
	ck_assert_mem_eq(get(DATA, 512), b, 512);
	extent_locate(0x00, 0, 0, 50, 0x06, 1, 0); /* block 50 is beyond the device */
	ck_assert_uint_eq(unit(run(FBA_ADDR, PROG)), CE_DE | UNIT_UC);
	/* Beyond the image, a count with *, and a CKD image. */
	char *bad[] = { (char *)path("c5.3370"), (char *)"990", (char *)"20" };
	ck_assert_ptr_null(devfba_config(m, FBA_ADDR + 1, "3370", 3, bad, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "outside the image"));
	char *star[] = { (char *)path("c5.3370"), (char *)"900", (char *)"*" };
	ck_assert_ptr_nonnull(devfba_config(m, FBA_ADDR + 2, "3370", 3, star, err, sizeof err));
	ckd_close(new_ckd("c6.3350", "3350", 1));
	char *ckd[] = { (char *)path("c6.3350") };
	ck_assert_ptr_null(devfba_config(m, FBA_ADDR + 3, "3370", 1, ckd, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "CKD image"));
}
END_TEST

START_TEST(test_config_fba_image_larger_than_a_3310_is_refused)
{
	struct fba *f;
	ck_assert_int_eq(fba_create(path("big.fba"), dasd_geom_find("3310"), 130000, &f, NULL), DASD_OK);
	fba_close(f);
	ck_assert_ptr_null(config(devfba_config, "3310", path("big.fba"), NULL, NULL, NULL));
	ck_assert_ptr_nonnull(strstr(err, "3310"));
	ck_assert_ptr_nonnull(config(devfba_config, "3370", path("big.fba"), NULL, NULL, NULL));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dasd_dev");
	TCase *tc = tcase_create("ckd");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_ckd_seek_search_tic_read_data);
	tcase_add_test(tc, test_ckd_successful_search_sets_status_modifier_to_skip_the_tic);
	tcase_add_test(tc, test_ckd_search_id_high_and_equal_or_high);
	tcase_add_test(tc, test_ckd_search_key_equal_then_read_data);
	tcase_add_test(tc, test_ckd_count_operations_read_successive_records);
	tcase_add_test(tc, test_ckd_search_for_missing_record_is_no_record_found);
	tcase_add_test(tc, test_ckd_read_count_round_the_track_twice_is_no_record_found);
	tcase_add_test(tc, test_ckd_multitrack_search_goes_on_to_the_next_head);
	tcase_add_test(tc, test_ckd_multitrack_past_the_last_head_is_end_of_cylinder);
	tcase_add_test(tc, test_ckd_read_ipl_reads_r1_of_cylinder_0_head_0);
	tcase_add_test(tc, test_ckd_ipl_from_the_volume_loads_its_psw);
	tcase_add_test(tc, test_ckd_set_sector_and_read_sector);
	tcase_add_test(tc, test_ckd_write_ckd_then_read_back);
	tcase_add_test(tc, test_ckd_write_ckd_erases_the_rest_of_the_track);
	tcase_add_test(tc, test_ckd_write_data_updates_in_place_and_pads_a_short_count);
	tcase_add_test(tc, test_ckd_write_key_and_data_after_search_id);
	tcase_add_test(tc, test_ckd_write_data_without_search_is_command_reject);
	tcase_add_test(tc, test_ckd_write_ha_r0_and_records_format_a_track);
	tcase_add_test(tc, test_ckd_record_beyond_track_capacity_is_invalid_track_format);
	tcase_add_test(tc, test_ckd_file_mask_inhibit_all_writes_is_file_protected);
	tcase_add_test(tc, test_ckd_file_mask_update_only_rejects_format_writes);
	tcase_add_test(tc, test_ckd_file_mask_seek_bits_are_enforced);
	tcase_add_test(tc, test_ckd_exact_programs_enforce_seek_inhibit_and_one_file_mask);
	tcase_add_test(tc, test_ckd_seek_outside_the_volume_is_seek_check);
	tcase_add_test(tc, test_ckd_invalid_seek_argument_is_command_reject);
	tcase_add_test(tc, test_ckd_readonly_volume_rejects_writes_and_reads);
	tcase_add_test(tc, test_ckd_sense_id_names_control_unit_and_device);
	tcase_add_test(tc, test_ckd_2314_has_6_sense_bytes_and_no_sense_id);
	tcase_add_test(tc, test_ckd_reserve_release_and_noop_are_accepted);
	tcase_add_test(tc, test_ckd_read_count_short_or_long_is_incorrect_length);
	tcase_add_test(tc, test_ckd_search_argument_past_storage_is_program_check);
	tcase_add_test(tc, test_ckd_corrupt_track_image_is_data_check);
	tcase_add_test(tc, test_ckd_compressed_volume_writes_and_reads);
	tcase_add_test(tc, test_ckd_dasdinit_3350_vol1_label_reads_through_the_channel);
	suite_add_tcase(s, tc);

	tc = tcase_create("fba");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fba_define_extent_locate_write_then_read);
	tcase_add_test(tc, test_fba_locate_outside_the_extent_is_command_reject);
	tcase_add_test(tc, test_fba_mask_inhibiting_writes_rejects_a_write_locate);
	tcase_add_test(tc, test_fba_read_or_write_without_locate_is_command_reject);
	tcase_add_test(tc, test_fba_exact_programs_allow_one_define_extent);
	tcase_add_test(tc, test_fba_short_read_count_is_incorrect_length);
	tcase_add_test(tc, test_fba_read_ipl_reads_block_0_and_locate_follows);
	tcase_add_test(tc, test_fba_ipl_from_the_volume_loads_its_psw);
	tcase_add_test(tc, test_fba_sense_id_and_device_characteristics);
	tcase_add_test(tc, test_fba_readonly_device_rejects_writes);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_ckd_accepts_ignored_hercules_options);
	tcase_add_test(tc, test_config_ckd_type_must_match_the_image);
	tcase_add_test(tc, test_config_unknown_options_and_fba_shadow_files_are_refused);
	tcase_add_test(tc, test_config_sf_guest_writes_go_to_a_shadow_and_the_base_is_unchanged);
	tcase_add_test(tc, test_config_ro_makes_a_readonly_device);
	tcase_add_test(tc, test_config_errors_name_the_file_and_offset);
	tcase_add_test(tc, test_config_fba_origin_and_block_count);
	tcase_add_test(tc, test_config_fba_image_larger_than_a_3310_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
