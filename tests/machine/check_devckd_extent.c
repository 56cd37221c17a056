/*
 * check_devckd_extent.c - unit tests for CKD minidisks (devckd_attach_extent, machine/dev_ckd.c):
 * cylinder extents of one shared volume, driven by guests with SIO.
 *
 * Fixture: a compressed 3350 volume of 20 cylinders in a temporary directory; each test machine
 * (256K) has its I/O new PSW a disabled wait at IO_WAIT, so run() starts a program with SIO, waits
 * in an enabled loop for the ending interruption and returns CSW bits 32-63. Channel programs from
 * X'1000', arguments from X'3000', data from X'4000'. Every helper takes its machine, so that two
 * machines can run on two threads at once.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/be.h"
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
#define SIO 0x9C00
#define CE_DE (UNIT_CE | UNIT_DE)
#define VOL_CYLS 20

static char dir[64], volpath[128];
static struct ckd *vol;

static void setup(void)
{
	strcpy(dir, "/tmp/check_devckd_extent.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(volpath, sizeof volpath, "%s/vol.cckd", dir);
	ck_assert_int_eq(ckd_create_compressed(volpath, dasd_geom_find("3350"), VOL_CYLS, DASD_COMPRESS_ZLIB, &vol,
					       NULL),
			 DASD_OK);
}

static void teardown(void)
{
	if (vol)
		ck_assert_int_eq(ckd_close(vol), DASD_OK);
	vol = NULL;
	unlink(volpath);
	rmdir(dir);
}

static struct machine *new_machine(void)
{
	struct machine *m = h_new(STORAGE, false);
	h_set_word(m, 0x78, 0x00020000);
	h_set_word(m, 0x7C, IO_WAIT);
	h_code(m, LOOP, "47F0 0F00"); /* B * */
	return m;
}

static void ccw(struct machine *m, uint32_t at, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count)
{
	h_set_word(m, at, (uint32_t)cmd << 24 | data);
	h_set_word(m, at + 4, (uint32_t)flags << 24 | count);
}

/* Run the program at prog on device a; CSW bits 32-63. Returns 0xFFFFFFFF when the machine did
 * not end as expected (no assertions here: threads call it). */
static uint32_t run(struct machine *m, uint16_t a, uint32_t prog)
{
	uint8_t insn[4];
	h_set_word(m, 0x48, prog);
	put_be16(insn, SIO);
	put_be16(insn + 2, a);
	h_put(m, CODE, insn, 4);
	if (h_run(m, CODE, 1) != MACHINE_EXIT_BUDGET)
		return 0xFFFFFFFF;
	unsigned cc = h_cc(m);
	if (cc == 1)
		return h_word(m, 0x44);
	if (cc != 0)
		return 0xFFFFFFFF;
	uint8_t psw[8] = { 0xFE, 0x00, 0, 0, 0, 0, LOOP >> 8, LOOP & 0xFF };
	cpu_set_psw(machine_cpu(m), psw);
	if (machine_run(machine_cpu(m), 50000000) != MACHINE_EXIT_DISABLED_WAIT || h_ia(m) != IO_WAIT ||
	    (h_word(m, 0x38) & 0xFFFF) != a)
		return 0xFFFFFFFF;
	return h_word(m, 0x44);
}

static uint8_t unit(uint32_t lo)
{
	return (uint8_t)(lo >> 24);
}

static void sense(struct machine *m, uint16_t a, uint8_t out[24])
{
	ccw(m, 0x1F00, 0x04, 0x1F80, CCW_SLI, 24);
	ck_assert_uint_eq(unit(run(m, a, 0x1F00)), CE_DE);
	h_get(m, 0x1F80, out, 24);
}

static void seek_arg(struct machine *m, uint16_t cc, uint16_t hh)
{
	uint8_t a[6] = { 0, 0, (uint8_t)(cc >> 8), (uint8_t)cc, (uint8_t)(hh >> 8), (uint8_t)hh };
	h_put(m, ARG, a, 6);
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7);
}

/*
 * Format virtual track (cc, hh) the way a guest formats a fresh minidisk track: seek, set file
 * mask X'C0', search HA equal (virtual CCHH), write R0, then write count key data R1..Rn (count fields with the virtual
 * CCHH), n records of dl bytes of the pattern seed + r. Returns the unit status of the program.
 */
static uint8_t format_track(struct machine *m, uint16_t a, uint16_t cc, uint16_t hh, unsigned n, uint16_t dl,
			    unsigned seed)
{
	seek_arg(m, cc, hh);
	uint8_t ha[4] = { (uint8_t)(cc >> 8), (uint8_t)cc, (uint8_t)(hh >> 8), (uint8_t)hh };
	h_put(m, ARG + 8, ha, 4);
	uint8_t r0[16] = { (uint8_t)(cc >> 8), (uint8_t)cc, (uint8_t)(hh >> 8), (uint8_t)hh, 0, 0, 0, 8 };
	h_put(m, ARG + 16, r0, 16);
	uint8_t mask = 0xC0; /* permit all writes: write R0 needs it */
	h_put(m, ARG + 40, &mask, 1);
	ccw(m, PROG, 0x07, ARG, CCW_CC, 6);
	ccw(m, PROG + 8, 0x1F, ARG + 40, CCW_CC, 1);
	ccw(m, PROG + 16, 0x39, ARG + 8, CCW_CC, 4);
	ccw(m, PROG + 24, 0x08, PROG + 16, 0, 0);
	ccw(m, PROG + 32, 0x15, ARG + 16, n ? CCW_CC : 0, 16);
	uint32_t at = PROG + 40, data = DATA;
	uint8_t rec[8 + 4096];
	for (unsigned r = 1; r <= n; r++) {
		uint8_t count[8] = { (uint8_t)(cc >> 8), (uint8_t)cc, (uint8_t)(hh >> 8), (uint8_t)hh, (uint8_t)r, 0,
				     (uint8_t)(dl >> 8), (uint8_t)dl };
		memcpy(rec, count, 8);
		fill(rec + 8, dl, seed + r);
		h_put(m, data, rec, 8u + dl);
		ccw(m, at, 0x1D, data, r < n ? CCW_CC : 0, (uint16_t)(8 + dl));
		at += 8;
		data += 8u + dl;
	}
	return unit(run(m, a, PROG));
}

/* Read record r of virtual track (cc, hh) by seek, search ID equal (virtual CCHHR), read data:
 * true when it has dl bytes of the pattern seed. */
static bool read_back(struct machine *m, uint16_t a, uint16_t cc, uint16_t hh, uint8_t r, uint16_t dl, unsigned seed)
{
	seek_arg(m, cc, hh);
	uint8_t id[5] = { (uint8_t)(cc >> 8), (uint8_t)cc, (uint8_t)(hh >> 8), (uint8_t)hh, r };
	h_put(m, ARG + 8, id, 5);
	ccw(m, PROG, 0x07, ARG, CCW_CC, 6);
	ccw(m, PROG + 8, 0x31, ARG + 8, CCW_CC, 5);
	ccw(m, PROG + 16, 0x08, PROG + 8, 0, 0);
	ccw(m, PROG + 24, 0x06, DATA, 0, dl);
	if (unit(run(m, a, PROG)) != CE_DE)
		return false;
	uint8_t got[4096], want[4096];
	h_get(m, DATA, got, dl);
	fill(want, dl, seed);
	return !memcmp(got, want, dl);
}

/* ---- Relocation ---- */

START_TEST(test_extent_write_then_read_lands_on_real_cylinders)
{
	struct machine *m = new_machine();
	ck_assert_ptr_nonnull(devckd_attach_extent(m, 0x191, vol, false, 5, 3));
	ck_assert_uint_eq(format_track(m, 0x191, 1, 2, 3, 800, 10), CE_DE);
	ck_assert(read_back(m, 0x191, 1, 2, 2, 800, 12));

	/* In the image: real track (6, 2) holds the records, their count fields the guest's CC 1. */
	uint8_t *trk = malloc(ckd_trksize(vol));
	struct ckd_record rec;
	ck_assert_int_eq(ckd_read_track(vol, 6, 2, trk), DASD_OK);
	ck_assert_uint_eq(be16(trk + 1), 6); /* the home address stays real */
	ck_assert_int_eq(ckd_track_find(trk, ckd_trksize(vol), 1, 2, 3, &rec), DASD_OK);
	ck_assert_uint_eq(rec.dl, 800);
	ck_assert_int_eq(ckd_track_find(trk, ckd_trksize(vol), 1, 2, 0, &rec), DASD_OK);
	/* Real cylinder 1, which the guest named, is untouched: R0 only. */
	ck_assert_int_eq(ckd_read_track(vol, 1, 2, trk), DASD_OK);
	size_t pos = 0;
	ck_assert_int_eq(ckd_track_next(trk, ckd_trksize(vol), &pos, &rec), DASD_OK);
	ck_assert_int_eq(ckd_track_next(trk, ckd_trksize(vol), &pos, &rec), DASD_E_END);
	free(trk);
	machine_free(m);
}
END_TEST

START_TEST(test_extent_read_home_address_is_virtual)
{
	struct machine *m = new_machine();
	ck_assert_ptr_nonnull(devckd_attach_extent(m, 0x191, vol, false, 7, 4));
	seek_arg(m, 2, 29);
	ccw(m, PROG, 0x07, ARG, CCW_CC, 6);
	ccw(m, PROG + 8, 0x1A, DATA, 0, 5);
	ck_assert_uint_eq(unit(run(m, 0x191, PROG)), CE_DE);
	uint8_t ha[5], want[5] = { 0, 0, 2, 0, 29 };
	h_get(m, DATA, ha, 5);
	ck_assert_mem_eq(ha, want, 5);
	/* Search HA equal with the real CCHH is not satisfied: the skip does not happen and the
	 * next CCW (a TIC back) loops until no record found... here simply: no status modifier. */
	uint8_t real[4] = { 0, 9, 0, 29 };
	h_put(m, ARG + 8, real, 4);
	ccw(m, PROG + 8, 0x39, ARG + 8, 0, 4);
	ck_assert_uint_eq(unit(run(m, 0x191, PROG)), CE_DE);
	uint8_t virt[4] = { 0, 2, 0, 29 };
	h_put(m, ARG + 8, virt, 4);
	ck_assert_uint_eq(unit(run(m, 0x191, PROG)), CE_DE | UNIT_SM);
	machine_free(m);
}
END_TEST

START_TEST(test_extent_read_r0_count_keeps_real_cchh)
{
	/* An unformatted track's R0 carries the real CCHH the volume was made with. */
	struct machine *m = new_machine();
	ck_assert_ptr_nonnull(devckd_attach_extent(m, 0x191, vol, false, 7, 4));
	seek_arg(m, 1, 0);
	ccw(m, PROG, 0x07, ARG, CCW_CC, 6);
	ccw(m, PROG + 8, 0x16, DATA, 0, 16);
	ck_assert_uint_eq(unit(run(m, 0x191, PROG)), CE_DE);
	uint8_t r0[8], want[8] = { 0, 8, 0, 0, 0, 0, 0, 8 };
	h_get(m, DATA, r0, 8);
	ck_assert_mem_eq(r0, want, 8);
	machine_free(m);
}
END_TEST

START_TEST(test_extent_seek_outside_is_seek_check)
{
	struct machine *m = new_machine();
	ck_assert_ptr_nonnull(devckd_attach_extent(m, 0x191, vol, false, 5, 3));
	static const struct {
		uint16_t cc, hh;
		uint8_t cmd;
		bool ok;
	} cases[] = {
		{ 2, 29, 0x07, true }, { 3, 0, 0x07, false }, { 15, 0, 0x07, false },
		{ 0, 30, 0x07, false }, { 3, 0, 0x0B, false }, { 2, 0, 0x0B, true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		seek_arg(m, cases[i].cc, cases[i].hh);
		ccw(m, PROG, cases[i].cmd, ARG, 0, 6);
		uint8_t u = unit(run(m, 0x191, PROG));
		if (cases[i].ok) {
			ck_assert_uint_eq(u, CE_DE);
			continue;
		}
		ck_assert_uint_eq(u, CE_DE | UNIT_UC);
		uint8_t s[24];
		sense(m, 0x191, s);
		ck_assert_uint_eq(s[0], 0x01); /* seek check */
		ck_assert_uint_eq(s[1], 0);
	}
	machine_free(m);
}
END_TEST

START_TEST(test_extent_readonly_rejects_writes)
{
	struct machine *m = new_machine();
	ck_assert_ptr_nonnull(devckd_attach_extent(m, 0x190, vol, true, 1, 4));
	ck_assert_uint_eq(format_track(m, 0x190, 0, 0, 1, 100, 1), CE_DE | UNIT_UC);
	uint8_t s[24];
	sense(m, 0x190, s);
	ck_assert_uint_eq(s[0], 0x80); /* command reject */
	ck_assert_uint_eq(s[1], 0x02); /* write inhibited: a 3350 */
	/* Reading works. */
	seek_arg(m, 3, 0);
	ccw(m, PROG, 0x07, ARG, CCW_CC, 6);
	ccw(m, PROG + 8, 0x16, DATA, 0, 16);
	ck_assert_uint_eq(unit(run(m, 0x190, PROG)), CE_DE);
	machine_free(m);
}
END_TEST

START_TEST(test_extent_bad_extents_are_einval)
{
	struct machine *m = new_machine();
	errno = 0;
	ck_assert_ptr_null(devckd_attach_extent(m, 0x191, vol, false, 18, 3));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(devckd_attach_extent(m, 0x191, vol, false, 0, 0));
	ck_assert_ptr_null(devckd_attach_extent(m, 0x191, vol, false, VOL_CYLS, 1));
	ck_assert_ptr_null(devckd_attach_extent(m, 0x191, vol, false, 1, UINT32_MAX));
	ck_assert_ptr_nonnull(devckd_attach_extent(m, 0x191, vol, false, 0, VOL_CYLS));
	machine_free(m);
}
END_TEST

START_TEST(test_extent_device_does_not_own_volume)
{
	/* Two machines over one volume; freeing them leaves vol open and usable (ASan: no double
	 * close), and what they wrote is in it. */
	struct machine *a = new_machine(), *b = new_machine();
	ck_assert_ptr_nonnull(devckd_attach_extent(a, 0x191, vol, false, 1, 2));
	ck_assert_ptr_nonnull(devckd_attach_extent(b, 0x191, vol, false, 3, 2));
	ck_assert_uint_eq(format_track(a, 0x191, 0, 0, 1, 64, 1), CE_DE);
	ck_assert_uint_eq(format_track(b, 0x191, 0, 0, 1, 64, 2), CE_DE);
	machine_free(a);
	machine_free(b);
	uint8_t *trk = malloc(ckd_trksize(vol));
	struct ckd_record rec;
	ck_assert_int_eq(ckd_read_track(vol, 1, 0, trk), DASD_OK);
	ck_assert_int_eq(ckd_track_find(trk, ckd_trksize(vol), 0, 0, 1, &rec), DASD_OK);
	ck_assert_uint_eq(rec.data[0], (uint8_t)(2 * 31));
	ck_assert_int_eq(ckd_read_track(vol, 3, 0, trk), DASD_OK);
	ck_assert_int_eq(ckd_track_find(trk, ckd_trksize(vol), 0, 0, 1, &rec), DASD_OK);
	ck_assert_uint_eq(rec.data[0], (uint8_t)(3 * 31));
	free(trk);
}
END_TEST

START_TEST(test_extent_sees_other_devices_writes_between_programs)
{
	/* Two devices over the same cylinders: the first reads a track, the second rewrites it, and
	 * the first's next program reads the new records, not a stale buffer. */
	struct machine *m = new_machine();
	ck_assert_ptr_nonnull(devckd_attach_extent(m, 0x191, vol, false, 4, 2));
	ck_assert_ptr_nonnull(devckd_attach_extent(m, 0x291, vol, false, 4, 2));
	ck_assert_uint_eq(format_track(m, 0x191, 1, 1, 2, 200, 100), CE_DE);
	ck_assert(read_back(m, 0x191, 1, 1, 2, 200, 102));
	ck_assert_uint_eq(format_track(m, 0x291, 1, 1, 2, 200, 500), CE_DE);
	ck_assert(read_back(m, 0x191, 1, 1, 2, 200, 502));
	ck_assert(read_back(m, 0x191, 1, 1, 1, 200, 501));
	machine_free(m);
}
END_TEST

/* ---- Two threads ---- */

struct worker {
	struct machine *m;
	uint32_t first;
	unsigned seed;
	int failures;
};

#define WORK_CYLS 2
#define WORK_HEADS 6
#define WORK_RECS 4
#define WORK_DL 800

static void *work(void *arg)
{
	struct worker *w = arg;
	for (uint16_t cc = 0; cc < WORK_CYLS; cc++)
		for (uint16_t hh = 0; hh < WORK_HEADS; hh++)
			if (format_track(w->m, 0x191, cc, hh, WORK_RECS, WORK_DL, w->seed + cc * 100u + hh * 10u) !=
			    CE_DE)
				w->failures++;
	for (uint16_t cc = 0; cc < WORK_CYLS; cc++)
		for (uint16_t hh = 0; hh < WORK_HEADS; hh++)
			for (uint8_t r = 1; r <= WORK_RECS; r++)
				if (!read_back(w->m, 0x191, cc, hh, r, WORK_DL, w->seed + cc * 100u + hh * 10u + r))
					w->failures++;
	return NULL;
}

START_TEST(test_extent_two_threads_write_their_own_extents)
{
	struct worker w[2] = { { new_machine(), 2, 1000, 0 }, { new_machine(), 9, 7000, 0 } };
	pthread_t th[2];
	for (int i = 0; i < 2; i++) {
		ck_assert_ptr_nonnull(devckd_attach_extent(w[i].m, 0x191, vol, false, w[i].first, WORK_CYLS));
		ck_assert_int_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(w[i].failures, 0);
		machine_free(w[i].m);
	}
	/* Both extents read back right through a fresh machine, each from its own extent. */
	for (int i = 0; i < 2; i++) {
		struct machine *m = new_machine();
		ck_assert_ptr_nonnull(devckd_attach_extent(m, 0x191, vol, true, w[i].first, WORK_CYLS));
		for (uint16_t cc = 0; cc < WORK_CYLS; cc++)
			for (uint16_t hh = 0; hh < WORK_HEADS; hh++)
				ck_assert(read_back(m, 0x191, cc, hh, WORK_RECS, WORK_DL,
						    w[i].seed + cc * 100u + hh * 10u + WORK_RECS));
		machine_free(m);
	}
}
END_TEST

/* The existing devckd_attach: the device still owns its volume (closed with the machine). */
START_TEST(test_attach_whole_volume_still_owns_it)
{
	char p[160];
	snprintf(p, sizeof p, "%s/own.3330", dir);
	struct ckd *v;
	ck_assert_int_eq(ckd_create_compressed(p, dasd_geom_find("3330"), 2, DASD_COMPRESS_ZLIB, &v, NULL), DASD_OK);
	struct machine *m = new_machine();
	ck_assert_ptr_nonnull(devckd_attach(m, 0x190, v, false));
	ck_assert_uint_eq(format_track(m, 0x190, 1, 0, 1, 100, 3), CE_DE);
	ck_assert(read_back(m, 0x190, 1, 0, 1, 100, 4));
	machine_free(m); /* closes v; ASan reports a leak otherwise */
	unlink(p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("devckd_extent");
	TCase *tc = tcase_create("extent");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_extent_write_then_read_lands_on_real_cylinders);
	tcase_add_test(tc, test_extent_read_home_address_is_virtual);
	tcase_add_test(tc, test_extent_read_r0_count_keeps_real_cchh);
	tcase_add_test(tc, test_extent_seek_outside_is_seek_check);
	tcase_add_test(tc, test_extent_readonly_rejects_writes);
	tcase_add_test(tc, test_extent_bad_extents_are_einval);
	tcase_add_test(tc, test_extent_device_does_not_own_volume);
	tcase_add_test(tc, test_extent_sees_other_devices_writes_between_programs);
	tcase_add_test(tc, test_extent_two_threads_write_their_own_extents);
	tcase_add_test(tc, test_attach_whole_volume_still_owns_it);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
