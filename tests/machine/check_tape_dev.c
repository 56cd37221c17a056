/*
 * check_tape_dev.c - the 3420 tape drive (dev_3420.c): a guest drives it with SIO over AWS and HET
 * images made in a temporary directory with the tapes/ library, and the library reads back what
 * the guest wrote.
 *
 * Fixture: 256K machine, the drive at 180 (block multiplexer channel 1), channel programs at CCWS,
 * data at DATA. SIO then TIO leaves the CSW at X'40'. Loop tests run once per format: _i = 0 AWS,
 * 1 HET (zlib).
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/be.h"
#include "lib/ebcdic.h"
#include "machine/channel.h"
#include "machine/dev_tape.h"
#include "tapes/tape.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

/* An argument word for a configuration statement (the functions do not write to them). */
#define A(s) ((char *)(s))

#define IO_WAIT 0x7770u
#define CODE 0x1000u
#define CCWS 0x2000u
#define DATA 0x10000u
#define TAPE 0x180

#define SIO 0x9C00
#define TIO 0x9D00

/* Sense bytes 0 and 1. */
#define S0_CMDREJ 0x80
#define S0_INTREQ 0x40
#define S0_EQUIP 0x10
#define S0_DATA 0x08
#define S1_TU_A 0x40
#define S1_TU_B 0x20
#define S1_LOADPOINT 0x08
#define S1_WRITE 0x04
#define S1_FILEPROT 0x02

static struct machine *m;
static struct chan_dev *dev;
static struct tape *tp; /* the mounted tape (owned by the drive) */
static char tmpdir[64];

static void put_psw(uint32_t addr, uint32_t hi, uint32_t lo)
{
	h_set_word(m, addr, hi);
	h_set_word(m, addr + 4, lo);
}

static void setup(void)
{
	m = h_new(256 * 1024, false);
	put_psw(0x78, 0x00020000, IO_WAIT);
	strcpy(tmpdir, "/tmp/check_tape_dev.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	dev = NULL;
	tp = NULL;
}

static void teardown(void)
{
	char cmd[128];
	machine_free(m);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0) {
		/* a leftover temporary directory is harmless */
	}
}

static const char *path_of(const char *name)
{
	static char p[2][160];
	static int k;
	k ^= 1;
	snprintf(p[k], sizeof p[k], "%s/%s", tmpdir, name);
	return p[k];
}

static const char *image_name(int format)
{
	return format ? "tape.het" : "tape.aws";
}

/* ---- Images ---- */

/* Byte i of the test block with the given seed. */
static uint8_t pattern(unsigned seed, size_t i)
{
	return (uint8_t)(seed * 31u + i * 7u + (i >> 8));
}

static void fill(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = pattern(seed, i);
}

/*
 * Make an image from a spec: "B<n>" a block of n bytes (pattern seeded with its length), "M" a
 * tape mark, separated by spaces. The format follows the name.
 */
static void make_tape(const char *name, const char *spec)
{
	struct tape *t;
	static uint8_t buf[70000];
	ck_assert_int_eq(tape_open(path_of(name), TAPE_CREATE, NULL, &t), TAPE_OK);
	for (const char *s = spec; *s;) {
		if (*s == 'M') {
			ck_assert_int_eq(tape_write_mark(t), TAPE_OK);
			s++;
		} else if (*s == 'B') {
			char *end;
			unsigned long n = strtoul(s + 1, &end, 10);
			ck_assert(n > 0 && n <= sizeof buf);
			fill(buf, n, (unsigned)n);
			ck_assert_int_eq(tape_write_block(t, buf, n), TAPE_OK);
			s = end;
		} else {
			s++;
		}
	}
	ck_assert_int_eq(tape_close(t), TAPE_OK);
}

/* Mount an image on the drive at TAPE (attaching it on first use). */
static void mount(const char *name, bool readonly)
{
	ck_assert_int_eq(tape_open(path_of(name), readonly ? TAPE_RDONLY : TAPE_RDWR, NULL, &tp), TAPE_OK);
	dev = devtape_attach(m, TAPE, tp, readonly);
	ck_assert_ptr_nonnull(dev);
}

static struct tape_position position(void)
{
	struct tape_position p;
	tape_position(tp, &p);
	return p;
}

#define ck_position(f, b)                                                                          \
	do {                                                                                       \
		struct tape_position p_ = position();                                              \
		ck_assert_uint_eq(p_.file, (f));                                                   \
		ck_assert_uint_eq(p_.block, (b));                                                  \
	} while (0)

/* ---- Channel programs ---- */

static void ccw(uint32_t at, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count)
{
	h_set_word(m, at, (uint32_t)cmd << 24 | data);
	h_set_word(m, at + 4, (uint32_t)flags << 24 | count);
}

/* Run one I/O instruction op on address a, disabled; returns its CC. */
static unsigned io(uint16_t op, uint16_t a)
{
	uint8_t insn[4];
	put_be16(insn, op);
	put_be16(insn + 2, a);
	h_put(m, CODE, insn, 4);
	ck_assert_int_eq(h_run(m, CODE, 1), MACHINE_EXIT_BUDGET);
	ck_assert(!h_program_interrupted(m));
	return h_cc(m);
}

struct csw {
	uint8_t unit, chan;
	uint16_t residual;
};

/* Start the program at CCWS on the drive and collect the CSW. */
static struct csw run_program(void)
{
	h_set_word(m, 0x48, CCWS);
	ck_assert_uint_eq(io(SIO, TAPE), 0);
	ck_assert_uint_eq(io(TIO, TAPE), 1);
	uint32_t lo = h_word(m, 0x44);
	return (struct csw){ (uint8_t)(lo >> 24), (uint8_t)(lo >> 16), (uint16_t)lo };
}

/* One command. */
static struct csw cmd(uint8_t code, uint32_t data, uint8_t flags, uint16_t count)
{
	ccw(CCWS, code, data, flags, count);
	return run_program();
}

/* One command that must end with exactly the unit status given and no channel status. */
static void cmd_ok(uint8_t code, uint16_t count, uint8_t unit)
{
	struct csw s = cmd(code, DATA, CCW_SLI, count);
	ck_assert_msg(s.unit == unit && s.chan == 0, "command %02X: unit %02X chan %02X, want %02X", code,
		      s.unit, s.chan, unit);
}

#define CE_DE (UNIT_CE | UNIT_DE)
#define ST_OK CE_DE
#define ST_UX (CE_DE | UNIT_UX)
#define ST_UC (CE_DE | UNIT_UC)

/* Sense into DATA + 0x8000 (24 bytes); returns them in s. */
static void sense(uint8_t s[DEVTAPE_SENSE_LEN])
{
	struct csw r = cmd(0x04, DATA + 0x8000, 0, DEVTAPE_SENSE_LEN);
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_assert_uint_eq(r.chan, 0);
	ck_assert_uint_eq(r.residual, 0);
	h_get(m, DATA + 0x8000, s, DEVTAPE_SENSE_LEN);
}

/* The command (count bytes at DATA) ends in unit check with exactly sense byte 0 = s0, and byte 1
 * has bits s1. */
static void expect_unit_check_n(uint8_t code, uint16_t count, uint8_t s0, uint8_t s1)
{
	uint8_t s[DEVTAPE_SENSE_LEN];
	struct csw r = cmd(code, DATA, CCW_SLI, count);
	ck_assert_msg(r.unit == ST_UC, "command %02X: unit %02X, want unit check", code, r.unit);
	sense(s);
	ck_assert_msg(s[0] == s0, "command %02X: sense 0 %02X, want %02X", code, s[0], s0);
	ck_assert_msg((s[1] & s1) == s1, "command %02X: sense 1 %02X, want bits %02X", code, s[1], s1);
}

static void expect_unit_check(uint8_t code, uint8_t s0, uint8_t s1)
{
	expect_unit_check_n(code, 100, s0, s1);
}

/* Read a block with the count given into DATA; check it is the pattern block of length len. */
static void read_block(uint16_t count, size_t len)
{
	uint8_t got[70000];
	struct csw r = cmd(0x02, DATA, CCW_SLI, count);
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_assert_uint_eq(r.chan, 0);
	size_t n = len < count ? len : count;
	ck_assert_uint_eq(r.residual, count - n);
	h_get(m, DATA, got, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(got[i] == pattern((unsigned)len, i), "byte %zu of a %zu-byte block", i, len);
}

/* ---- Writing ---- */

START_TEST(test_guest_writes_blocks_and_marks_library_reads_them_back)
{
	struct tape *t;
	ck_assert_int_eq(tape_open(path_of(image_name(_i)), TAPE_CREATE, NULL, &t), TAPE_OK);
	ck_assert_int_eq(tape_close(t), TAPE_OK);
	mount(image_name(_i), false);

	uint8_t label[80];
	memset(label, 0x40, sizeof label);
	ascii_to_ebcdic_buf(label, "VOL1CAM001", 10);
	h_put(m, DATA, label, 80);
	uint8_t big[3000];
	fill(big, sizeof big, 3000);
	h_put(m, DATA + 0x1000, big, sizeof big);
	/* write 80; write 1000 data-chained as 400 + 600; WTM; write 3000; WTM; WTM */
	ccw(CCWS + 0, 0x01, DATA, CCW_CC, 80);
	ccw(CCWS + 8, 0x01, DATA + 0x1000, CCW_CD, 400);
	ccw(CCWS + 16, 0x01, DATA + 0x1000 + 400, CCW_CC, 600);
	ccw(CCWS + 24, 0x1F, 0, CCW_CC, 1);
	ccw(CCWS + 32, 0x01, DATA + 0x1000, CCW_CC, 3000);
	ccw(CCWS + 40, 0x1F, 0, CCW_CC, 1);
	ccw(CCWS + 48, 0x1F, 0, 0, 1);
	struct csw r = run_program();
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_assert_uint_eq(r.chan, 0);
	ck_assert_uint_eq(h_word(m, 0x40) & 0xFFFFFF, CCWS + 56);
	ck_position(3, 0);

	static uint8_t buf[4000];
	size_t n;
	ck_assert_int_eq(tape_open(path_of(image_name(_i)), TAPE_RDONLY, NULL, &t), TAPE_OK);
	ck_assert_int_eq(tape_format(t), _i ? TAPE_FORMAT_HET : TAPE_FORMAT_AWS);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_OK);
	ck_assert_uint_eq(n, 80);
	ck_assert_mem_eq(buf, label, 80);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_OK);
	ck_assert_uint_eq(n, 1000);
	ck_assert_mem_eq(buf, big, 1000);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_MARK);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_OK);
	ck_assert_uint_eq(n, 3000);
	ck_assert_mem_eq(buf, big, 3000);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_MARK);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_MARK);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_EOD);
	tape_close(t);
}
END_TEST

START_TEST(test_write_after_backspace_replaces_rest_of_tape)
{
	make_tape(image_name(_i), "B10 B11 B12 M B13");
	mount(image_name(_i), false);
	cmd_ok(0x37, 1, ST_OK);
	h_put(m, DATA, "\xC1\xC2\xC3\xC4\xC5", 5);
	cmd_ok(0x01, 5, ST_OK);
	ck_position(0, 2);

	struct tape *t;
	uint8_t buf[64];
	size_t n;
	ck_assert_int_eq(tape_open(path_of(image_name(_i)), TAPE_RDONLY, NULL, &t), TAPE_OK);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_OK);
	ck_assert_uint_eq(n, 10);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_OK);
	ck_assert_uint_eq(n, 5);
	ck_assert_mem_eq(buf, "\xC1\xC2\xC3\xC4\xC5", 5);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_EOD);
	tape_close(t);
}
END_TEST

START_TEST(test_killed_process_leaves_image_readable)
{
	struct tape *t;
	ck_assert_int_eq(tape_open(path_of(image_name(_i)), TAPE_CREATE, NULL, &t), TAPE_OK);
	ck_assert_int_eq(tape_close(t), TAPE_OK);
	pid_t pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		/* The child writes through the guest and dies without closing anything. */
		mount(image_name(_i), false);
		uint8_t b[500];
		fill(b, sizeof b, 500);
		h_put(m, DATA, b, sizeof b);
		ccw(CCWS + 0, 0x01, DATA, CCW_CC, 500);
		ccw(CCWS + 8, 0x01, DATA, CCW_CC, 500);
		ccw(CCWS + 16, 0x1F, 0, CCW_CC, 1);
		ccw(CCWS + 24, 0x01, DATA, 0, 500);
		struct csw r = run_program();
		if (r.unit != CE_DE)
			_exit(2);
		raise(SIGKILL);
		_exit(3);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	uint8_t buf[600];
	size_t n;
	ck_assert_int_eq(tape_open(path_of(image_name(_i)), TAPE_RDONLY, NULL, &t), TAPE_OK);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_OK);
	ck_assert_uint_eq(n, 500);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_OK);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_MARK);
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_OK);
	ck_assert_uint_eq(n, 500);
	ck_assert_uint_eq(buf[499], pattern(500, 499));
	ck_assert_int_eq(tape_read_block(t, buf, sizeof buf, &n), TAPE_EOD);
	tape_close(t);
}
END_TEST

/* ---- Reading and spacing ---- */

START_TEST(test_read_blocks_tape_mark_is_unit_exception)
{
	make_tape(image_name(_i), "B80 B200 M B50 M M");
	mount(image_name(_i), false);
	read_block(80, 80);
	read_block(200, 200);
	struct csw r = cmd(0x02, DATA, 0, 100);
	ck_assert_uint_eq(r.unit, ST_UX);
	ck_assert_uint_eq(r.chan, 0); /* no incorrect length with unit exception */
	ck_assert_uint_eq(r.residual, 100);
	ck_position(1, 0);
	read_block(50, 50);
	cmd_ok(0x02, 100, ST_UX);
	cmd_ok(0x02, 100, ST_UX);
	ck_position(3, 0);
	/* Beyond the recorded data: blank tape. */
	expect_unit_check(0x02, S0_DATA, S1_TU_A);
}
END_TEST

START_TEST(test_read_short_count_is_incorrect_length_unless_sli)
{
	make_tape(image_name(_i), "B200 B200 B200");
	mount(image_name(_i), false);
	struct csw r = cmd(0x02, DATA, 0, 100);
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_assert_uint_eq(r.chan, CHAN_IL);
	ck_assert_uint_eq(r.residual, 0);
	ck_position(0, 1); /* the whole block was passed */
	read_block(100, 200);
	r = cmd(0x02, DATA, 0, 300);
	ck_assert_uint_eq(r.chan, CHAN_IL);
	ck_assert_uint_eq(r.residual, 100);
}
END_TEST

START_TEST(test_read_backward_delivers_block_reversed)
{
	make_tape(image_name(_i), "B100 B60");
	mount(image_name(_i), false);
	cmd_ok(0x37, 1, ST_OK);
	cmd_ok(0x37, 1, ST_OK);
	uint8_t zero[256] = { 0 }, got[256];
	h_put(m, DATA, zero, sizeof zero);
	/* The CCW names the rightmost byte of the area (GA22-7000, read backward). */
	struct csw r = cmd(0x0C, DATA + 59, 0, 60);
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_assert_uint_eq(r.chan, 0);
	ck_assert_uint_eq(r.residual, 0);
	ck_position(0, 1);
	h_get(m, DATA, got, sizeof got);
	/* The channel stores at descending addresses: the block lands in storage in forward order,
	 * ending at the CCW's address; nothing after it changes. */
	for (int i = 0; i < 60; i++)
		ck_assert_uint_eq(got[i], pattern(60, (size_t)i));
	ck_assert_uint_eq(got[60], 0);
	/* A short count gets the block's last bytes; SLI suppresses the incorrect length. */
	h_put(m, DATA, zero, sizeof zero);
	r = cmd(0x0C, DATA + 39, CCW_SLI, 40);
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_assert_uint_eq(r.chan, 0);
	ck_position(0, 0);
	h_get(m, DATA, got, sizeof got);
	for (int i = 0; i < 40; i++)
		ck_assert_uint_eq(got[i], pattern(100, (size_t)(60 + i)));
	ck_assert_uint_eq(got[40], 0);
	expect_unit_check(0x0C, S0_CMDREJ, S1_LOADPOINT | S1_TU_A);
}
END_TEST

START_TEST(test_read_backward_over_tape_mark_is_unit_exception)
{
	make_tape(image_name(_i), "B10 M B20");
	mount(image_name(_i), false);
	cmd_ok(0x3F, 1, ST_OK);
	ck_position(1, 0);
	struct csw r = cmd(0x0C, DATA + 99, 0, 100);
	ck_assert_uint_eq(r.unit, ST_UX);
	ck_assert_uint_eq(r.residual, 100);
	ck_position(0, 1);
}
END_TEST

START_TEST(test_spacing_commands_position_the_tape)
{
	make_tape(image_name(_i), "B10 B11 B12 M B20 B21 M B30 M M");
	mount(image_name(_i), false);
	cmd_ok(0x37, 1, ST_OK); /* FSB */
	ck_position(0, 1);
	cmd_ok(0x37, 1, ST_OK);
	cmd_ok(0x37, 1, ST_OK);
	ck_position(0, 3);
	cmd_ok(0x37, 1, ST_UX); /* FSB over a tape mark */
	ck_position(1, 0);
	cmd_ok(0x3F, 1, ST_OK); /* FSF: past the next mark */
	ck_position(2, 0);
	cmd_ok(0x27, 1, ST_UX); /* BSB over a tape mark: before it */
	ck_position(1, 2);
	cmd_ok(0x2F, 1, ST_OK); /* BSF: before the previous mark */
	ck_position(0, 3);
	cmd_ok(0x27, 1, ST_OK); /* BSB */
	ck_position(0, 2);
	read_block(100, 12);
	cmd_ok(0x3F, 1, ST_OK);
	cmd_ok(0x3F, 1, ST_OK);
	cmd_ok(0x3F, 1, ST_OK);
	cmd_ok(0x3F, 1, ST_OK);
	ck_position(4, 0);
	expect_unit_check(0x3F, S0_DATA, 0); /* FSF into blank tape */
	cmd_ok(0x07, 1, ST_OK);              /* rewind */
	ck_position(0, 0);
	read_block(100, 10);
}
END_TEST

START_TEST(test_backward_commands_at_load_point_are_command_reject)
{
	make_tape(image_name(_i), "B10 B11");
	mount(image_name(_i), false);
	expect_unit_check(0x27, S0_CMDREJ, S1_LOADPOINT | S1_TU_A);
	expect_unit_check(0x2F, S0_CMDREJ, S1_LOADPOINT);
	expect_unit_check(0x0C, S0_CMDREJ, S1_LOADPOINT);
	ck_position(0, 0);
	/* A backspace file that reaches the load point without a tape mark stops there. */
	cmd_ok(0x37, 1, ST_OK);
	cmd_ok(0x37, 1, ST_OK);
	expect_unit_check(0x2F, 0, S1_LOADPOINT);
	ck_position(0, 0);
	read_block(100, 10);
}
END_TEST

START_TEST(test_rewind_unload_makes_drive_not_ready_until_mount)
{
	make_tape(image_name(_i), "B10");
	mount(image_name(_i), false);
	cmd_ok(0x37, 1, ST_OK);
	cmd_ok(0x0F, 1, ST_OK);
	ck_assert(!devtape_ready(dev));
	expect_unit_check(0x03, S0_INTREQ, S1_TU_B);
	expect_unit_check(0x02, S0_INTREQ, S1_TU_B);
	expect_unit_check(0x07, S0_INTREQ, S1_TU_B);
	uint8_t s[DEVTAPE_SENSE_LEN];
	sense(s); /* sense works on a not-ready drive and does not unit-check */
	ck_assert_uint_eq(s[1] & (S1_TU_A | S1_TU_B), S1_TU_B);

	/* Mounting makes it ready with device end; the tape is at the load point. */
	struct tape *t;
	ck_assert_int_eq(tape_open(path_of(image_name(_i)), TAPE_RDWR, NULL, &t), TAPE_OK);
	ck_assert(devtape_mount(dev, t, false));
	tp = t;
	ck_assert(!devtape_mount(dev, t, false));
	ck_assert_uint_eq(io(TIO, TAPE), 1);
	ck_assert_uint_eq(h_word(m, 0x44) >> 24, UNIT_DE);
	ck_assert(devtape_ready(dev));
	read_block(100, 10);
}
END_TEST

START_TEST(test_file_protected_tape_rejects_writes)
{
	make_tape(image_name(_i), "B10 M");
	struct stat before, after;
	ck_assert_int_eq(stat(path_of(image_name(_i)), &before), 0);
	mount(image_name(_i), true);
	expect_unit_check(0x01, S0_CMDREJ, S1_FILEPROT | S1_TU_A);
	expect_unit_check(0x1F, S0_CMDREJ, S1_FILEPROT);
	expect_unit_check(0x17, S0_CMDREJ, S1_FILEPROT);
	expect_unit_check(0x97, S0_CMDREJ, S1_FILEPROT);
	read_block(10, 10);
	ck_assert_int_eq(stat(path_of(image_name(_i)), &after), 0);
	ck_assert_int_eq(before.st_size, after.st_size);
}
END_TEST

START_TEST(test_sense_has_24_bytes_with_drive_state)
{
	make_tape(image_name(_i), "B10 M");
	mount(image_name(_i), false);
	uint8_t s[DEVTAPE_SENSE_LEN];
	sense(s);
	ck_assert_uint_eq(s[0], 0);
	ck_assert_uint_eq(s[1], S1_TU_A | S1_LOADPOINT);
	ck_assert_uint_eq(s[6], 0x08); /* 3420 model 4/6/8 */
	h_put(m, DATA, "\xC1", 1);
	cmd_ok(0x01, 1, ST_OK);
	sense(s);
	ck_assert_uint_eq(s[1], S1_TU_A | S1_WRITE);
	cmd_ok(0x27, 1, ST_OK);
	sense(s);
	ck_assert_uint_eq(s[1], S1_TU_A | S1_LOADPOINT);
	ck_assert_uint_eq(s[3] & 0x02, 0x02); /* backward */
	/* A short sense count is an incorrect length unless SLI. */
	struct csw r = cmd(0x04, DATA, 0, 6);
	ck_assert_uint_eq(r.chan, CHAN_IL);
	r = cmd(0x04, DATA, CCW_SLI, 6);
	ck_assert_uint_eq(r.chan, 0);
	ck_assert_uint_eq(r.unit, CE_DE);
	/* The sense of a unit check lasts until the next command. */
	expect_unit_check(0xE4, S0_CMDREJ, S1_TU_A); /* no sense ID on the 3803 */
	sense(s);
	ck_assert_uint_eq(s[0], 0);
}
END_TEST

START_TEST(test_noop_and_mode_sets_are_accepted)
{
	make_tape(image_name(_i), "B10");
	mount(image_name(_i), false);
	static const uint8_t codes[] = { 0x03, 0xC3, 0xCB, 0xD3, 0xDB };
	for (size_t i = 0; i < sizeof codes; i++)
		cmd_ok(codes[i], 1, ST_OK);
	ck_position(0, 0);
	expect_unit_check(0x05, S0_CMDREJ, 0);
	expect_unit_check(0x0B, S0_CMDREJ, 0);
}
END_TEST

START_TEST(test_data_security_erase_needs_erase_gap_before_it)
{
	make_tape(image_name(_i), "B10 B11 M B12 M M");
	mount(image_name(_i), false);
	cmd_ok(0x37, 1, ST_OK);
	expect_unit_check(0x97, S0_CMDREJ, 0);
	ccw(CCWS, 0x17, 0, CCW_CC, 1);
	ccw(CCWS + 8, 0x97, 0, 0, 1);
	struct csw r = run_program();
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_position(0, 1);
	/* Everything after the position is gone. */
	cmd_ok(0x02, 100, ST_UX);
	expect_unit_check(0x02, S0_DATA, 0);
}
END_TEST

START_TEST(test_hetinit_labelled_tape_read_by_guest)
{
	if (system("command -v hetinit >/dev/null 2>&1") != 0) {
		fprintf(stderr, "skip: no hetinit (Debian package hercules)\n");
		return;
	}
	/* -d: uncompressed; the second run without it compresses (zlib). */
	const char *opts = _i ? "" : "-d";
	char line[512];
	snprintf(line, sizeof line, "hetinit %s '%s' VOL001 OWNER >/dev/null 2>&1", opts,
		 path_of("label.het"));
	ck_assert_int_eq(system(line), 0);
	mount("label.het", true);
	char text[81];
	uint8_t b[80];
	struct csw r = cmd(0x02, DATA, 0, 80);
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_assert_uint_eq(r.chan, 0);
	h_get(m, DATA, b, 80);
	ebcdic_to_ascii_buf(text, b, 80);
	text[80] = 0;
	ck_assert_msg(strncmp(text, "VOL1VOL001", 10) == 0, "first block: %s", text);
	r = cmd(0x02, DATA, 0, 80);
	ck_assert_uint_eq(r.unit, CE_DE);
	h_get(m, DATA, b, 80);
	ebcdic_to_ascii_buf(text, b, 80);
	ck_assert_msg(strncmp(text, "HDR1", 4) == 0, "second block: %s", text);
	cmd_ok(0x02, 80, ST_UX);
	cmd_ok(0x07, 1, ST_OK);
	cmd_ok(0x37, 1, ST_OK);
	cmd_ok(0x27, 1, ST_OK);
	r = cmd(0x02, DATA, 0, 80);
	ck_assert_uint_eq(r.unit, CE_DE);
	h_get(m, DATA, b, 80);
	ebcdic_to_ascii_buf(text, b, 80);
	ck_assert(strncmp(text, "VOL1VOL001", 10) == 0);
}
END_TEST

START_TEST(test_ipl_from_tape_reads_bootstrap_and_chains)
{
	/* Block 1: the IPL PSW (a wait at X'1234') and two CCWs: read block 2 into X'3000', no-op. */
	static const uint8_t boot[24] = { 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34,
					  0x02, 0x00, 0x30, 0x00, 0x60, 0x00, 0x00, 0x64,
					  0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 };
	uint8_t block2[100];
	fill(block2, sizeof block2, 100);
	struct tape *t;
	ck_assert_int_eq(tape_open(path_of(image_name(_i)), TAPE_CREATE, NULL, &t), TAPE_OK);
	ck_assert_int_eq(tape_write_block(t, boot, sizeof boot), TAPE_OK);
	ck_assert_int_eq(tape_write_block(t, block2, sizeof block2), TAPE_OK);
	ck_assert_int_eq(tape_write_mark(t), TAPE_OK);
	ck_assert_int_eq(tape_close(t), TAPE_OK);
	mount(image_name(_i), true);
	struct machine_ipl_csw csw;
	ck_assert_int_eq(machine_ipl(m, TAPE, &csw), MACHINE_IPL_OK);
	ck_assert_uint_eq(h_ia(m), 0x1234);
	uint8_t got[100];
	h_get(m, 0x3000, got, sizeof got);
	ck_assert_mem_eq(got, block2, sizeof block2);
	ck_position(0, 2);
	/* IPL again: the tape is not rewound by the reset, so the next "bootstrap" is a tape mark. */
	ck_assert_int_eq(machine_ipl(m, TAPE, &csw), MACHINE_IPL_UNIT_EXCEPTION);
}
END_TEST

/* ---- Damaged images ---- */

static off_t file_size(const char *path)
{
	struct stat sb;
	ck_assert_int_eq(stat(path, &sb), 0);
	return sb.st_size;
}

START_TEST(test_truncated_image_is_data_check_and_retry_fails_again)
{
	make_tape("cut.aws", "B100 B101 B102");
	const char *p = path_of("cut.aws");
	ck_assert_int_eq(truncate(p, file_size(p) - 50), 0);
	mount("cut.aws", false);
	read_block(200, 100);
	read_block(200, 101);
	expect_unit_check(0x02, S0_DATA, S1_TU_A);
	/* The error recovery procedure: backspace, read again - the damaged block again, not the
	 * one before it. */
	cmd_ok(0x27, 1, ST_OK);
	expect_unit_check(0x02, S0_DATA, 0);
	expect_unit_check(0x37, S0_DATA, 0); /* cannot space beyond it either */
	expect_unit_check(0x3F, S0_DATA, 0);
	cmd_ok(0x27, 1, ST_OK);
	cmd_ok(0x27, 1, ST_OK); /* now really back over block 2 */
	read_block(200, 101);
	cmd_ok(0x07, 1, ST_OK);
	read_block(200, 100);
	/* A write after the failure replaces the damaged block. */
	read_block(200, 101);
	expect_unit_check(0x02, S0_DATA, 0);
	h_put(m, DATA, "\xC1", 1);
	cmd_ok(0x01, 1, ST_OK);
	cmd_ok(0x1F, 1, ST_OK);
	cmd_ok(0x2F, 1, ST_OK);
	cmd_ok(0x27, 1, ST_OK);
	struct csw r = cmd(0x02, DATA, CCW_SLI, 10);
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_assert_uint_eq(r.residual, 9);
}
END_TEST

START_TEST(test_corrupt_header_is_data_check_backward_too)
{
	make_tape("bad.aws", "B100 B101 B102 M");
	/* Break the flags of the second block's header (offset 106): a tape mark with data. */
	int fd = open(path_of("bad.aws"), O_RDWR);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(pwrite(fd, "\x40", 1, 106 + 4), 1);
	close(fd);
	mount("bad.aws", false);
	read_block(200, 100);
	expect_unit_check(0x02, S0_DATA, 0);
	expect_unit_check(0x0C, S0_DATA, 0); /* back over the damaged block: fails again */
	ck_position(0, 1);
	cmd_ok(0x27, 1, ST_OK);
	ck_position(0, 0);
	read_block(200, 100);
}
END_TEST

START_TEST(test_corrupt_compressed_block_is_data_check)
{
	/* A compressible block in a HET file, with its compressed bytes damaged. */
	struct tape *t;
	uint8_t block[4000];
	memset(block, 0xC1, sizeof block);
	ck_assert_int_eq(tape_open(path_of("z.het"), TAPE_CREATE, NULL, &t), TAPE_OK);
	ck_assert_int_eq(tape_write_block(t, block, sizeof block), TAPE_OK);
	ck_assert_int_eq(tape_write_mark(t), TAPE_OK);
	ck_assert_int_eq(tape_close(t), TAPE_OK);
	ck_assert_int_lt(file_size(path_of("z.het")), 1000);
	int fd = open(path_of("z.het"), O_RDWR);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(pwrite(fd, "\xFF\xFF\xFF\xFF", 4, 8), 4);
	close(fd);
	mount("z.het", false);
	expect_unit_check(0x02, S0_DATA, S1_TU_A);
	cmd_ok(0x27, 1, ST_OK);
	cmd_ok(0x37, 1, ST_OK); /* spacing does not decompress */
	cmd_ok(0x02, 100, ST_UX);
	cmd_ok(0x27, 1, ST_UX);
	expect_unit_check(0x0C, S0_DATA, 0);
}
END_TEST

/* A small deterministic generator, so that failures reproduce. */
static uint32_t rng_state;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

START_TEST(test_mutated_images_never_crash)
{
	make_tape("good.het", "B100 B3000 M B20 B7000 M M");
	int fd = open(path_of("good.het"), O_RDONLY);
	ck_assert_int_ne(fd, -1);
	static uint8_t image[20000], mutated[20000];
	ssize_t size = read(fd, image, sizeof image);
	close(fd);
	ck_assert_int_gt(size, 0);
	static const uint8_t program[] = { 0x02, 0x02, 0x0C, 0x3F, 0x02, 0x2F, 0x27, 0x37, 0x37,
					   0x3F, 0x0C, 0x0C, 0x07, 0x3F, 0x3F, 0x02, 0x27, 0x2F };
	rng_state = 4242;
	for (int round = 0; round < 200; round++) {
		memcpy(mutated, image, (size_t)size);
		ssize_t len = size;
		int edits = 1 + (int)(rng() % 4);
		for (int e = 0; e < edits; e++)
			mutated[rng() % (uint32_t)len] ^= (uint8_t)(1u << (rng() % 8));
		if (rng() % 4 == 0)
			len = (ssize_t)(rng() % (uint32_t)len);
		fd = open(path_of("fuzz.het"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ck_assert_int_ne(fd, -1);
		ck_assert_int_eq(write(fd, mutated, (size_t)len), len);
		close(fd);
		struct tape *t;
		if (tape_open(path_of("fuzz.het"), TAPE_RDWR, NULL, &t) != TAPE_OK)
			continue;
		if (!dev) {
			dev = devtape_attach(m, TAPE, t, false);
			ck_assert_ptr_nonnull(dev);
		} else {
			ck_assert(devtape_mount(dev, t, false));
			io(TIO, TAPE); /* take the device end */
		}
		for (size_t k = 0; k < sizeof program; k++) {
			uint8_t code = program[k];
			uint32_t data = code == 0x0C ? DATA + 9999 : DATA;
			struct csw r = cmd(code, data, CCW_SLI, 10000);
			ck_assert_uint_eq(r.unit & CE_DE, CE_DE);
			ck_assert_uint_eq(r.unit & ~(CE_DE | UNIT_UX | UNIT_UC), 0);
			ck_assert_uint_eq(r.chan, 0);
		}
		ck_assert(devtape_unmount(dev));
	}
}
END_TEST

/* ---- End of tape, configuration ---- */

START_TEST(test_maxsize_gives_end_of_tape_then_equipment_check)
{
	char *argv[] = { A(path_of(image_name(_i))), A("maxsize=2000"), A("eotmargin=1000"),
			 A("compress=0") };
	char err[256] = "";
	dev = devtape_config(m, TAPE, "3420", 4, argv, err, sizeof err);
	ck_assert_msg(dev != NULL, "%s", err);
	uint8_t b[500];
	fill(b, sizeof b, 500);
	h_put(m, DATA, b, sizeof b);
	cmd_ok(0x01, 500, ST_OK); /* image 506 bytes */
	cmd_ok(0x01, 500, ST_UX); /* 1012: past the end-of-tape marker */
	uint8_t s[DEVTAPE_SENSE_LEN];
	sense(s);
	ck_assert_uint_eq(s[4] & 0x20, 0x20); /* tape indicate */
	cmd_ok(0x1F, 1, ST_UX);    /* 1018 */
	cmd_ok(0x01, 500, ST_UX); /* 1524 */
	expect_unit_check_n(0x01, 500, S0_EQUIP, S1_TU_A); /* 2030 would pass maxsize */
	ck_assert_int_eq(file_size(path_of(image_name(_i))), 1524);
	cmd_ok(0x1F, 1, ST_UX);
	cmd_ok(0x07, 1, ST_OK);
	read_block(500, 500);
}
END_TEST

START_TEST(test_config_builds_drive_from_hercules_statement)
{
	char err[256];
	/* A file that does not exist becomes a blank tape. */
	char *a1[] = { A(path_of("new.aws")), A("noautomount"), A("deonirq=1"), A("--no-erg"),
		       A("strictsize=1"), A("chunksize=4096"), A("IDRC=1"), A("method=2"), A("level=9"), A("ring") };
	dev = devtape_config(m, TAPE, "3420", 10, a1, err, sizeof err);
	ck_assert_msg(dev != NULL, "%s", err);
	ck_assert(access(path_of("new.aws"), F_OK) == 0);
	expect_unit_check(0x02, S0_DATA, S1_TU_A | S1_LOADPOINT);

	/* ro: writes are refused. */
	make_tape("ro.aws", "B10");
	char *a2[] = { A(path_of("ro.aws")), A("RO") };
	struct chan_dev *d2 = devtape_config(m, 0x181, "3420", 2, a2, err, sizeof err);
	ck_assert_msg(d2 != NULL, "%s", err);
	char *a3[] = { A(path_of("ro.aws")), A("readonly=1"), A("maxsizeK=100"), A("eotmargin=0") };
	ck_assert_ptr_nonnull(devtape_config(m, 0x182, "3420", 4, a3, err, sizeof err));

	/* "*": an empty drive. */
	char *a4[] = { A("*") };
	struct chan_dev *d4 = devtape_config(m, 0x183, "3420", 1, a4, err, sizeof err);
	ck_assert_ptr_nonnull(d4);
	ck_assert(!devtape_ready(d4));
	ck_assert(devtape_ready(d2));

	/* Refusals: one line, naming the file and what is wrong. */
	char *bad1[] = { A(path_of("ro.aws")), A("bogus=3") };
	ck_assert_ptr_null(devtape_config(m, 0x184, "3420", 2, bad1, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "ro.aws"));
	ck_assert_ptr_nonnull(strstr(err, "'bogus=3'"));
	ck_assert_ptr_null(strchr(err, '\n'));
	char *bad2[] = { A(path_of("ro.aws")), A("readonly=2") };
	ck_assert_ptr_null(devtape_config(m, 0x184, "3420", 2, bad2, err, sizeof err));
	char *bad3[] = { A(path_of("ro.aws")) };
	ck_assert_ptr_null(devtape_config(m, 0x184, "3480", 1, bad3, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "3480"));
	char *bad4[] = { A("@list.txt") };
	ck_assert_ptr_null(devtape_config(m, 0x184, "3420", 1, bad4, err, sizeof err));
	char *bad5[] = { A(path_of("nodir/x.aws")) };
	ck_assert_ptr_null(devtape_config(m, 0x184, "3420", 1, bad5, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "nodir/x.aws"));
	char *bad6[] = { A(path_of("ro.aws")) };
	ck_assert_ptr_null(devtape_config(m, TAPE, "3420", 1, bad6, err, sizeof err)); /* in use */
}
END_TEST

START_TEST(test_host_read_only_file_mounts_file_protected)
{
	if (geteuid() == 0) {
		fprintf(stderr, "skip: root ignores file permissions\n");
		return;
	}
	make_tape("perm.aws", "B10");
	ck_assert_int_eq(chmod(path_of("perm.aws"), 0444), 0);
	char *a[] = { A(path_of("perm.aws")) };
	char err[256];
	dev = devtape_config(m, TAPE, "3420", 1, a, err, sizeof err);
	ck_assert_msg(dev != NULL, "%s", err);
	expect_unit_check(0x01, S0_CMDREJ, S1_FILEPROT);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tape_dev");
	TCase *tc = tcase_create("3420");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_guest_writes_blocks_and_marks_library_reads_them_back, 0, 2);
	tcase_add_loop_test(tc, test_write_after_backspace_replaces_rest_of_tape, 0, 2);
	tcase_add_loop_test(tc, test_killed_process_leaves_image_readable, 0, 2);
	tcase_add_loop_test(tc, test_read_blocks_tape_mark_is_unit_exception, 0, 2);
	tcase_add_loop_test(tc, test_read_short_count_is_incorrect_length_unless_sli, 0, 2);
	tcase_add_loop_test(tc, test_read_backward_delivers_block_reversed, 0, 2);
	tcase_add_loop_test(tc, test_read_backward_over_tape_mark_is_unit_exception, 0, 2);
	tcase_add_loop_test(tc, test_spacing_commands_position_the_tape, 0, 2);
	tcase_add_loop_test(tc, test_backward_commands_at_load_point_are_command_reject, 0, 2);
	tcase_add_loop_test(tc, test_rewind_unload_makes_drive_not_ready_until_mount, 0, 2);
	tcase_add_loop_test(tc, test_file_protected_tape_rejects_writes, 0, 2);
	tcase_add_loop_test(tc, test_sense_has_24_bytes_with_drive_state, 0, 2);
	tcase_add_loop_test(tc, test_noop_and_mode_sets_are_accepted, 0, 2);
	tcase_add_loop_test(tc, test_data_security_erase_needs_erase_gap_before_it, 0, 2);
	tcase_add_loop_test(tc, test_hetinit_labelled_tape_read_by_guest, 0, 2);
	tcase_add_loop_test(tc, test_ipl_from_tape_reads_bootstrap_and_chains, 0, 2);
	tcase_add_test(tc, test_truncated_image_is_data_check_and_retry_fails_again);
	tcase_add_test(tc, test_corrupt_header_is_data_check_backward_too);
	tcase_add_test(tc, test_corrupt_compressed_block_is_data_check);
	tcase_add_test(tc, test_mutated_images_never_crash);
	tcase_add_loop_test(tc, test_maxsize_gives_end_of_tape_then_equipment_check, 0, 2);
	tcase_add_test(tc, test_config_builds_drive_from_hercules_statement);
	tcase_add_test(tc, test_host_read_only_file_mounts_file_protected);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
