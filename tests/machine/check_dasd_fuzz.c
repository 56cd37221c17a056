/*
 * check_dasd_fuzz.c - hostile channel programs against the DASD device models: random commands,
 * flags, counts and data from a fixed seed. Every program must end (the device never loops or
 * crashes, the sanitizer build watches memory), and afterwards every track of the CKD volume must
 * still be a valid image (writes never leave a malformed track) and the FBA image keep its size.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/be.h"
#include "machine/dev_dasd.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

#define STORAGE (128u * 1024)
#define IO_WAIT 0x7770u
#define LOOP 0x0F00u
#define PROG 0x1000u
#define DATA 0x2000u
#define PROGRAMS 3000

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16) % n;
}

/* Commands worth trying more often than the rest: the ones the models know. */
static const uint8_t ckd_cmds[] = {
	0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0B, 0x0D, 0x0E, 0x0F, 0x11, 0x12, 0x13, 0x15, 0x16,
	0x17, 0x19, 0x1A, 0x1B, 0x1D, 0x1E, 0x1F, 0x22, 0x23, 0x29, 0x31, 0x39, 0x49, 0x51, 0x69,
	0x71, 0x86, 0x8E, 0x92, 0x96, 0x9A, 0x9E, 0xA9, 0xB1, 0xB4, 0xB9, 0xD1, 0xE4, 0xF1, 0x94,
};
static const uint8_t fba_cmds[] = { 0x02, 0x03, 0x04, 0x41, 0x42, 0x43, 0x63, 0x64, 0xA4, 0xE4, 0x94, 0xB4 };

static char dir[64];

static void cleanup(void)
{
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

/* Small numbers for the fields that address things (cylinder, head, record, block), so that the
 * programs reach real records often; anything at all otherwise. */
static void random_data(struct machine *m)
{
	uint8_t b[4096];
	for (size_t i = 0; i < sizeof b; i++)
		b[i] = rnd(4) ? (uint8_t)rnd(4) : (uint8_t)rnd(256);
	machine_load(m, DATA, b, sizeof b);
}

static void put(struct machine *m, uint32_t addr, const void *p, size_t n)
{
	machine_load(m, addr, p, n);
}

/* A CCW at PROG + 8 * i. */
static void ccw(struct machine *m, unsigned i, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count)
{
	h_set_word(m, PROG + 8 * i, (uint32_t)cmd << 24 | data);
	h_set_word(m, PROG + 8 * i + 4, (uint32_t)flags << 24 | count);
}

static uint8_t random_flags(bool chain)
{
	return (uint8_t)((chain ? CCW_CC : 0) | (rnd(2) ? CCW_SLI : 0));
}

/* Random commands from cmds (and now and then any code) at CCWs first..n-1, data at DATA + 0x800. */
static void random_ccws(struct machine *m, unsigned first, unsigned n, const uint8_t *cmds, size_t ncmds)
{
	for (unsigned i = first; i < n; i++) {
		uint8_t cmd = rnd(10) ? cmds[rnd((uint32_t)ncmds)] : (uint8_t)rnd(256);
		if ((cmd & 0x0F) == 0x08 && rnd(2)) /* a TIC back, now and then */
			cmd = 0x08;
		uint32_t data = cmd == 0x08 ? PROG + 8 * rnd(i + 1) : DATA + 0x800 + rnd(64);
		uint16_t count = (uint16_t)(rnd(4) ? 1 + rnd(300) : 1 + rnd(2000));
		ccw(m, i, cmd, data, random_flags(i + 1 < n), count);
	}
}

/* A CKD program shaped like real ones: seek, perhaps a file mask, a search and TIC, then random
 * commands whose data starts with a count field of this track. */
static unsigned ckd_program(struct machine *m)
{
	static const uint8_t masks[] = { 0x00, 0x40, 0x80, 0xC0, 0x08, 0x10, 0x18, 0xC0 };
	uint8_t cc = (uint8_t)rnd(2), hh = (uint8_t)rnd(4), r = (uint8_t)rnd(4);
	uint8_t seek[6] = { 0, 0, 0, cc, 0, hh };
	uint8_t id[5] = { 0, cc, 0, hh, r };
	uint8_t mask = masks[rnd(sizeof masks)];
	put(m, DATA, seek, 6);
	put(m, DATA + 8, id, 5);
	put(m, DATA + 16, &mask, 1);
	uint8_t rec[8] = { 0, cc, 0, hh, (uint8_t)rnd(8), (uint8_t)(rnd(3) ? 0 : rnd(16)), 0, 0 };
	put_be16(rec + 6, (uint16_t)(rnd(4) ? rnd(800) : rnd(20000)));
	put(m, DATA + 0x800, rec, 8);
	unsigned i = 0;
	ccw(m, i++, 0x07, DATA, CCW_CC, 6);
	if (rnd(2))
		ccw(m, i++, 0x1F, DATA + 16, CCW_CC, 1);
	ccw(m, i, rnd(4) ? 0x31 : 0x39, DATA + 8, CCW_CC, rnd(4) ? 5 : 4);
	ccw(m, i + 1, 0x08, PROG + 8 * i, 0, 0);
	i += 2;
	unsigned n = i + 1 + rnd(3);
	random_ccws(m, i, n, ckd_cmds, sizeof ckd_cmds);
	if (rnd(2)) { /* a write with a fitting count */
		uint32_t len = 8 + rec[5] + be16(rec + 6);
		uint16_t count = (uint16_t)(rnd(3) ? len : rnd(20000) + 1);
		ccw(m, i, rnd(2) ? 0x1D : 0x05, DATA + 0x800, random_flags(i + 1 < n), count);
	}
	return n;
}

/* An FBA program shaped like real ones: define extent, locate, read or write. */
static unsigned fba_program(struct machine *m)
{
	static const uint8_t masks[] = { 0x00, 0x40, 0xC0, 0x00 };
	static const uint8_t ops[] = { 0x01, 0x02, 0x04, 0x05, 0x06, 0x06, 0x01 };
	uint8_t de[16] = { masks[rnd(sizeof masks)], 0, 2, 0 };
	put_be32(de + 4, rnd(20));
	put_be32(de + 8, rnd(3));
	put_be32(de + 12, rnd(60));
	uint8_t lc[8] = { ops[rnd(sizeof ops)], (uint8_t)rnd(4) };
	uint16_t blocks = (uint16_t)(1 + rnd(4));
	put_be16(lc + 2, blocks);
	put_be32(lc + 4, rnd(50));
	put(m, DATA, de, 16);
	put(m, DATA + 16, lc, 8);
	ccw(m, 0, 0x63, DATA, CCW_CC, 16);
	ccw(m, 1, 0x43, DATA + 16, CCW_CC, 8);
	uint16_t count = (uint16_t)(rnd(3) ? blocks * 512 : 1 + rnd(3000));
	ccw(m, 2, rnd(2) ? 0x41 : 0x42, DATA + 0x800, random_flags(false), count);
	return 3;
}

static void run_random_programs(struct machine *m, uint16_t addr, bool ckd)
{
	struct cpu *c = machine_cpu(m);
	for (int p = 0; p < PROGRAMS; p++) {
		random_data(m);
		if (rnd(2)) {
			if (ckd)
				ckd_program(m);
			else
				fba_program(m);
		} else if (ckd) {
			random_ccws(m, 0, 1 + rnd(8), ckd_cmds, sizeof ckd_cmds);
		} else {
			random_ccws(m, 0, 1 + rnd(8), fba_cmds, sizeof fba_cmds);
		}
		h_set_word(m, 0x48, PROG);
		uint8_t sio[4] = { 0x9C, 0x00, (uint8_t)(addr >> 8), (uint8_t)addr };
		h_put(m, 0x0E00, sio, 4);
		h_run(m, 0x0E00, 1);
		if (h_cc(m) != 0)
			continue;
		uint8_t psw[8] = { 0xFE, 0x00, 0, 0, 0, 0, LOOP >> 8, LOOP & 0xFF };
		cpu_set_psw(c, psw);
		enum machine_exit e = machine_run(c, 20000000);
		if (e != MACHINE_EXIT_DISABLED_WAIT) {
			/* A TIC loop that never ends (allowed: a guest may write one): halt it. */
			uint8_t hio[4] = { 0x9E, 0x00, (uint8_t)(addr >> 8), (uint8_t)addr };
			h_put(m, 0x0E00, hio, 4);
			h_run(m, 0x0E00, 1);
			cpu_set_psw(c, psw);
			ck_assert_int_eq(machine_run(c, 20000000), MACHINE_EXIT_DISABLED_WAIT);
		}
		ck_assert_uint_eq(h_ia(m), IO_WAIT);
	}
}

static struct machine *new_machine(void)
{
	struct machine *m = h_new(STORAGE, false);
	h_set_word(m, 0x78, 0x00020000);
	h_set_word(m, 0x7C, IO_WAIT);
	h_code(m, LOOP, "47F0 0F00");
	return m;
}

START_TEST(test_ckd_random_programs_end_and_leave_valid_tracks)
{
	static const char *const types[] = { "2314", "3330", "3350", "3380" };
	for (int ti = 0; ti < 4; ti++) {
		char p[256];
		snprintf(p, sizeof p, "%s/f.%s", dir, types[ti]);
		struct ckd *v;
		ck_assert_int_eq(ckd_create(p, dasd_geom_find(types[ti]), 2, 0, &v, NULL), DASD_OK);
		struct machine *m = new_machine();
		struct chan_dev *d = devckd_attach(m, 0x190, v, false);
		ck_assert_ptr_nonnull(d);
		run_random_programs(m, 0x190, true);
		machine_free(m);

		ck_assert_int_eq(ckd_open(p, true, &v, NULL), DASD_OK);
		uint8_t *trk = malloc(ckd_trksize(v));
		for (uint32_t cc = 0; cc < ckd_cyls(v); cc++)
			for (uint32_t hh = 0; hh < ckd_heads(v); hh++)
				ck_assert_msg(ckd_read_track(v, cc, hh, trk) == DASD_OK, "%s track %u/%u", types[ti],
					      cc, hh);
		free(trk);
		ckd_close(v);
		unlink(p);
	}
}
END_TEST

START_TEST(test_fba_random_programs_end_and_keep_the_image)
{
	char p[256];
	snprintf(p, sizeof p, "%s/f.3370", dir);
	struct fba *f;
	ck_assert_int_eq(fba_create(p, dasd_geom_find("3370"), 64, &f, NULL), DASD_OK);
	struct machine *m = new_machine();
	ck_assert_ptr_nonnull(devfba_attach_range(m, 0x1A0, f, false, dasd_geom_find("3370"), 0, 0));
	run_random_programs(m, 0x1A0, false);
	machine_free(m);
	struct stat st;
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_size, 64 * 512);
}
END_TEST

static void setup(void)
{
	strcpy(dir, "/tmp/check_dasd_fuzz.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static Suite *suite(void)
{
	Suite *s = suite_create("dasd_fuzz");
	TCase *tc = tcase_create("random");
	tcase_add_checked_fixture(tc, setup, cleanup);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_ckd_random_programs_end_and_leave_valid_tracks);
	tcase_add_test(tc, test_fba_random_programs_end_and_keep_the_image);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
