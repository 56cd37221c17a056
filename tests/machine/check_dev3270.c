/*
 * check_dev3270.c - unit tests for the local 3270 display device (machine/dev_3270.c), driven
 * through a real machine: channel programs started with SIO, status taken with TIO or as an I/O
 * interruption.
 *
 * Fixture: 64K machine, a 3278-2 at 1C0 (block multiplexer channel 1) whose owner records every
 * outbound record and every read request. The I/O new PSW is a disabled wait at IO_WAIT, so a test
 * sees an I/O interruption as the CPU stopping there. Channel programs live at X'2000', data at
 * X'3000' and up.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/be.h"
#include "machine/channel.h"
#include "machine/dev_3270.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

#define IO_WAIT 0x7770u
#define CODE 0x1000u
#define PROG 0x2000u
#define DATA 0x3000u
#define ADDR 0x1C0

#define SIO 0x9C00
#define TIO 0x9D00
#define CLRIO 0x9D01
#define HIO 0x9E00

static struct machine *m;
static struct cpu *c;
static struct chan_dev *dev;

/* ---- The owner: what the device gave it, and what it does when asked to read ---- */

struct owner {
	unsigned writes;
	size_t last_len;
	uint8_t last[DEV3270_RECORD_MAX + 16];
	unsigned reads;
	uint8_t read_cmd;
	/* In ops->read: answer at once with now[], or drop the terminal. */
	bool answer_now, drop_now;
	size_t now_len;
	uint8_t now[64];
	struct chan_dev *d;
};

static struct owner own;

static void own_write(void *ctx, const uint8_t *rec, size_t len)
{
	struct owner *o = ctx;
	o->writes++;
	ck_assert_uint_le(len, sizeof o->last);
	memcpy(o->last, rec, len);
	o->last_len = len;
}

static void own_read(void *ctx, uint8_t cmd)
{
	struct owner *o = ctx;
	o->reads++;
	o->read_cmd = cmd;
	if (o->answer_now)
		dev3270_answer(o->d, o->now, o->now_len);
	if (o->drop_now)
		dev3270_connect(o->d, false);
}

static const struct dev3270_ops own_ops = {.write = own_write, .read = own_read};

/* ---- Machine helpers ---- */

static void put_psw(uint32_t addr, uint32_t hi, uint32_t lo)
{
	h_set_word(m, addr, hi);
	h_set_word(m, addr + 4, lo);
}

static void setup(void)
{
	m = h_new(64 * 1024, false);
	c = machine_cpu(m);
	memset(&own, 0, sizeof own);
	dev = dev3270_attach(m, ADDR, &own_ops, &own, 2);
	ck_assert_ptr_nonnull(dev);
	own.d = dev;
	put_psw(0x78, 0x00020000, IO_WAIT);
}

static void teardown(void)
{
	machine_free(m);
}

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

static uint32_t csw_hi(void)
{
	return h_word(m, 0x40);
}

static uint32_t csw_lo(void)
{
	return h_word(m, 0x44);
}

static uint8_t csw_unit(void)
{
	return (uint8_t)(csw_lo() >> 24);
}

static uint8_t csw_chan(void)
{
	return (uint8_t)(csw_lo() >> 16);
}

static uint16_t csw_count(void)
{
	return (uint16_t)csw_lo();
}

/* Start the program at PROG; returns SIO's CC. */
static unsigned start(void)
{
	h_set_word(m, 0x48, PROG);
	return io(SIO, ADDR);
}

/* Start the program at PROG, expect it to end at once; the CSW is then at X'40'. */
static void start_and_end(void)
{
	ck_assert_uint_eq(start(), 0);
	ck_assert_uint_eq(io(TIO, ADDR), 1);
}

/* Let the machine take the next I/O interruption (enabled wait); returns the device address. */
static uint16_t take_interruption(void)
{
	uint8_t psw[8] = {0xFE, 0x02, 0, 0, 0, 0, 0x0F, 0x00}; /* all channels, wait */
	ck_assert(cpu_set_psw(c, psw));
	ck_assert_int_eq(machine_run(c, 1000), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), IO_WAIT);
	return (uint16_t)h_word(m, 0x38);
}

/* Connect the terminal and collect the device end it posts. */
static void connect(void)
{
	dev3270_connect(dev, true);
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ck_assert_uint_eq(csw_unit(), UNIT_DE);
	ck_assert_uint_eq(io(TIO, ADDR), 0);
}

/* Run a one-CCW sense and return the sense byte. */
static uint8_t sense(void)
{
	h_set_word(m, DATA + 0x800, 0xEEEEEEEE);
	ccw(PROG, 0x04, DATA + 0x800, 0, 1);
	start_and_end();
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE);
	uint8_t b;
	h_get(m, DATA + 0x800, &b, 1);
	return b;
}

/* ---- Attach ---- */

START_TEST(test_attach_rejects_bad_model_missing_ops_and_used_address)
{
	static const struct dev3270_ops no_read = {.write = own_write};
	errno = 0;
	ck_assert_ptr_null(dev3270_attach(m, 0x1C1, &own_ops, &own, 1));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(dev3270_attach(m, 0x1C1, &own_ops, &own, 6));
	ck_assert_ptr_null(dev3270_attach(m, 0x1C1, NULL, &own, 2));
	ck_assert_ptr_null(dev3270_attach(m, 0x1C1, &no_read, &own, 2));
	errno = 0;
	ck_assert_ptr_null(dev3270_attach(m, ADDR, &own_ops, &own, 2));
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_str_eq(machine_device_type(m, ADDR), "3270");
	ck_assert(!dev3270_connected(dev));
}
END_TEST

/* ---- Writes ---- */

START_TEST(test_write_commands_send_remote_code_then_data)
{
	static const struct {
		uint8_t local, remote;
	} cases[] = {{0x01, 0xF1}, {0x05, 0xF5}, {0x0D, 0x7E}, {0x11, 0xF3}};
	static const uint8_t data[] = {0xC3, 0x11, 0x40, 0x40, 0x1D, 0x60, 0xC1};
	connect();
	h_put(m, DATA, data, sizeof data);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ccw(PROG, cases[i].local, DATA, 0, sizeof data);
		start_and_end();
		ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE);
		ck_assert_uint_eq(csw_chan(), 0);
		ck_assert_uint_eq(csw_count(), 0);
		ck_assert_uint_eq(own.writes, i + 1);
		ck_assert_uint_eq(own.last_len, sizeof data + 1);
		ck_assert_uint_eq(own.last[0], cases[i].remote);
		ck_assert_mem_eq(own.last + 1, data, sizeof data);
	}
	ck_assert_uint_eq(own.reads, 0);
}
END_TEST

START_TEST(test_erase_all_unprotected_sends_code_alone_without_incorrect_length)
{
	connect();
	h_set_word(m, DATA, 0xC1C2C3C4);
	ccw(PROG, 0x0F, DATA, 0, 4);
	start_and_end();
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(own.writes, 1);
	ck_assert_uint_eq(own.last_len, 1);
	ck_assert_uint_eq(own.last[0], 0x6F);
}
END_TEST

START_TEST(test_write_data_chained_over_two_ccws_is_one_record)
{
	connect();
	h_code(m, DATA, "C3 11 40 40");
	h_code(m, DATA + 0x100, "C8 C5 D3 D3 D6");
	ccw(PROG, 0x05, DATA, CCW_CD, 4);
	ccw(PROG + 8, 0x00, DATA + 0x100, 0, 5); /* data chaining keeps the command */
	start_and_end();
	ck_assert_uint_eq(csw_hi(), PROG + 16);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(own.writes, 1);
	static const uint8_t want[] = {0xF5, 0xC3, 0x11, 0x40, 0x40, 0xC8, 0xC5, 0xD3, 0xD3, 0xD6};
	ck_assert_uint_eq(own.last_len, sizeof want);
	ck_assert_mem_eq(own.last, want, sizeof want);
}
END_TEST

START_TEST(test_select_chained_to_write_and_nop_move_no_data)
{
	connect();
	static const uint8_t sel[] = {0x0B, 0x1B, 0x2B, 0x3B, 0x4B, 0x03};
	for (size_t i = 0; i < sizeof sel; i++) {
		ccw(PROG, sel[i], DATA, 0, 1);
		start_and_end();
		ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	}
	/* As VM/370 CP does: select, then the write. */
	h_code(m, DATA, "C3");
	ccw(PROG, 0x0B, DATA, CCW_CC | CCW_SLI, 1);
	ccw(PROG + 8, 0x01, DATA, 0, 1);
	start_and_end();
	ck_assert_uint_eq(csw_hi(), PROG + 16);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(own.writes, 1);
	ck_assert_uint_eq(own.last_len, 2);
	ck_assert_uint_eq(own.last[0], 0xF1);
}
END_TEST

START_TEST(test_write_longer_than_record_max_is_cut_without_incorrect_length)
{
	connect();
	const uint32_t n = 20000;
	uint8_t *big = malloc(n);
	ck_assert_ptr_nonnull(big);
	for (uint32_t i = 0; i < n; i++)
		big[i] = (uint8_t)i;
	h_put(m, DATA, big, n);
	ccw(PROG, 0x01, DATA, 0, (uint16_t)n);
	start_and_end();
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(own.last_len, DEV3270_RECORD_MAX);
	ck_assert_uint_eq(own.last[0], 0xF1);
	ck_assert_mem_eq(own.last + 1, big, DEV3270_RECORD_MAX - 1);
	free(big);
}
END_TEST

/* ---- Reads ---- */

START_TEST(test_input_presents_attention_and_read_modified_returns_it_then_forgets_it)
{
	connect();
	static const uint8_t rec[] = {0x7D, 0x5B, 0x60, 0x11, 0x5B, 0x60, 0xC1, 0xC2};
	dev3270_input(dev, rec, sizeof rec);
	ck_assert_uint_eq(take_interruption(), ADDR);
	ck_assert_uint_eq(csw_hi(), 0);
	ck_assert_uint_eq(csw_lo(), (uint32_t)UNIT_ATTN << 24);

	ccw(PROG, 0x06, DATA, CCW_SLI, 100);
	start_and_end();
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(csw_chan(), 0);
	ck_assert_uint_eq(csw_count(), 100 - sizeof rec);
	uint8_t got[sizeof rec];
	h_get(m, DATA, got, sizeof got);
	ck_assert_mem_eq(got, rec, sizeof rec);
	ck_assert_uint_eq(own.reads, 0);

	/* Read: the next Read Modified asks the terminal. */
	ck_assert_uint_eq(start(), 0);
	ck_assert_uint_eq(own.reads, 1);
	ck_assert_uint_eq(own.read_cmd, 0xF6);
	ck_assert(chan_dev_deferred(dev));
	ck_assert_uint_eq(io(TIO, ADDR), 2);
}
END_TEST

START_TEST(test_newer_input_replaces_unread_one)
{
	connect();
	dev3270_input(dev, (const uint8_t *)"\x7D\x40\x40", 3);
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ck_assert_uint_eq(csw_unit(), UNIT_ATTN);
	dev3270_input(dev, (const uint8_t *)"\xF1\x40\x41\xC1", 4);
	ck_assert_uint_eq(io(TIO, ADDR), 1); /* another attention */
	ck_assert_uint_eq(csw_unit(), UNIT_ATTN);
	ccw(PROG, 0x06, DATA, 0, 4);
	start_and_end();
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(h_word(m, DATA), 0xF14041C1u);
}
END_TEST

START_TEST(test_read_modified_without_input_defers_then_short_answer_completes_with_residual)
{
	connect();
	h_set_word(m, DATA + 4, 0xEEEEEEEE);
	ccw(PROG, 0x06, DATA, 0, 10);
	ck_assert_uint_eq(start(), 0);
	ck_assert_uint_eq(own.reads, 1);
	ck_assert_uint_eq(own.read_cmd, 0xF6);
	ck_assert(chan_dev_deferred(dev));
	ck_assert_uint_eq(io(TIO, ADDR), 2);
	/* Nothing happens while it waits. */
	uint8_t psw[8] = {0xFE, 0x02, 0, 0, 0, 0, 0x0F, 0x00};
	cpu_set_psw(c, psw);
	ck_assert_int_eq(machine_run(c, 1000), MACHINE_EXIT_ENABLED_WAIT);
	ck_assert_uint_eq(own.reads, 1);

	dev3270_answer(dev, (const uint8_t *)"\x60\x40\x40\xC1\xC2", 5);
	ck_assert(!chan_dev_deferred(dev));
	ck_assert_uint_eq(take_interruption(), ADDR);
	ck_assert_uint_eq(csw_hi(), PROG + 8);
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(csw_chan(), CHAN_IL); /* 5 of 10, no SLI */
	ck_assert_uint_eq(csw_count(), 5);
	ck_assert_uint_eq(h_word(m, DATA), 0x604040C1u);
	ck_assert_uint_eq(h_word(m, DATA + 4), 0xC2EEEEEEu); /* nothing stored past the data */
	ck_assert_uint_eq(own.reads, 1);

	/* With SLI: no incorrect length. */
	ccw(PROG, 0x06, DATA, CCW_SLI, 10);
	ck_assert_uint_eq(start(), 0);
	dev3270_answer(dev, (const uint8_t *)"\x60\x40\x40", 3);
	ck_assert_uint_eq(take_interruption(), ADDR);
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(csw_chan(), 0);
	ck_assert_uint_eq(csw_count(), 7);
}
END_TEST

START_TEST(test_read_buffer_long_answer_is_cut_with_incorrect_length)
{
	connect();
	h_set_word(m, DATA + 4, 0xEEEEEEEE);
	ccw(PROG, 0x02, DATA, 0, 4);
	ck_assert_uint_eq(start(), 0);
	ck_assert_uint_eq(own.read_cmd, 0xF2);
	dev3270_answer(dev, (const uint8_t *)"\x60\x40\x40\x1D\xF0\xC1\xC2\xC3", 8);
	ck_assert_uint_eq(take_interruption(), ADDR);
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(csw_chan(), CHAN_IL);
	ck_assert_uint_eq(csw_count(), 0);
	ck_assert_uint_eq(h_word(m, DATA), 0x6040401Du);
	ck_assert_uint_eq(h_word(m, DATA + 4), 0xEEEEEEEEu); /* not past the count */
	/* The same with SLI: cut, no incorrect length. */
	ccw(PROG, 0x02, DATA, CCW_SLI, 4);
	ck_assert_uint_eq(start(), 0);
	dev3270_answer(dev, (const uint8_t *)"\x60\x40\x40\x1D\xF0", 5);
	ck_assert_uint_eq(take_interruption(), ADDR);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
}
END_TEST

START_TEST(test_read_buffer_asks_the_terminal_even_with_input_kept)
{
	connect();
	dev3270_input(dev, (const uint8_t *)"\x7D\x40\x40", 3);
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ccw(PROG, 0x02, DATA, CCW_SLI, 16);
	ck_assert_uint_eq(start(), 0);
	ck_assert_uint_eq(own.reads, 1);
	ck_assert_uint_eq(own.read_cmd, 0xF2);
	dev3270_answer(dev, (const uint8_t *)"\x7D\x40\x40\xC1", 4);
	ck_assert_uint_eq(take_interruption(), ADDR);
	ck_assert_uint_eq(csw_count(), 12);
	/* The kept record is still there for Read Modified. */
	ccw(PROG, 0x06, DATA, CCW_SLI, 16);
	start_and_end();
	ck_assert_uint_eq(csw_count(), 13);
	ck_assert_uint_eq(own.reads, 1);
}
END_TEST

START_TEST(test_answer_given_inside_ops_read_completes_at_once)
{
	connect();
	own.answer_now = true;
	memcpy(own.now, "\x60\x40\x40", 3);
	own.now_len = 3;
	ccw(PROG, 0x06, DATA, CCW_SLI, 8);
	start_and_end();
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(csw_count(), 5);
	ck_assert_uint_eq(h_word(m, DATA) >> 8, 0x604040u);
	ck_assert(!chan_dev_deferred(dev));
}
END_TEST

START_TEST(test_answer_without_a_waiting_read_is_ignored)
{
	connect();
	dev3270_answer(dev, (const uint8_t *)"\x60\x40\x40", 3);
	ck_assert_uint_eq(io(TIO, ADDR), 0);
	ccw(PROG, 0x06, DATA, 0, 3);
	ck_assert_uint_eq(start(), 0);
	ck_assert(chan_dev_deferred(dev)); /* the stray answer was not kept */
	ck_assert_uint_eq(own.reads, 1);
	/* A second answer after the first one is ignored too. */
	dev3270_answer(dev, (const uint8_t *)"\xC1\xC2\xC3", 3);
	dev3270_answer(dev, (const uint8_t *)"\xD1\xD2\xD3", 3);
	ck_assert_uint_eq(take_interruption(), ADDR);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(h_word(m, DATA) >> 8, 0xC1C2C3u);
}
END_TEST

START_TEST(test_oversized_input_is_cut_to_record_max)
{
	connect();
	uint8_t *big = malloc(DEV3270_RECORD_MAX + 100);
	ck_assert_ptr_nonnull(big);
	memset(big, 0xC1, DEV3270_RECORD_MAX + 100);
	dev3270_input(dev, big, DEV3270_RECORD_MAX + 100);
	free(big);
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ccw(PROG, 0x06, DATA, CCW_SLI, 20000);
	start_and_end();
	ck_assert_uint_eq(csw_count(), 20000 - DEV3270_RECORD_MAX);
}
END_TEST

/* ---- Attention and device end held while the device is busy ---- */

START_TEST(test_attention_held_while_read_waits_is_presented_when_free)
{
	connect();
	ccw(PROG, 0x02, DATA, CCW_SLI, 8);
	ck_assert_uint_eq(start(), 0);
	dev3270_input(dev, (const uint8_t *)"\x7D\x40\x40", 3); /* working: held */
	ck_assert_uint_eq(io(TIO, ADDR), 2);
	dev3270_answer(dev, (const uint8_t *)"\x60\x40\x40", 3);
	ck_assert_uint_eq(take_interruption(), ADDR);
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE); /* the read's end, no attention in it */
	ck_assert(dev3270_poll(dev));
	ck_assert_uint_eq(take_interruption(), ADDR);
	ck_assert_uint_eq(csw_lo(), (uint32_t)UNIT_ATTN << 24);
	ck_assert(!dev3270_poll(dev)); /* once */
	ck_assert_uint_eq(io(TIO, ADDR), 0);
}
END_TEST

START_TEST(test_attention_held_while_status_pending_is_presented_after_it_is_taken)
{
	connect();
	h_code(m, DATA, "C3");
	ccw(PROG, 0x01, DATA, 0, 1);
	ck_assert_uint_eq(start(), 0); /* ends: CE DE pending */
	dev3270_input(dev, (const uint8_t *)"\x7D\x40\x40", 3);
	ck_assert(!dev3270_poll(dev));
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE);
	ck_assert(dev3270_poll(dev));
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ck_assert_uint_eq(csw_unit(), UNIT_ATTN);
}
END_TEST

START_TEST(test_read_modified_before_attention_takes_input_and_cancels_attention)
{
	connect();
	h_code(m, DATA, "C3");
	ccw(PROG, 0x01, DATA, 0, 1);
	ck_assert_uint_eq(start(), 0);
	dev3270_input(dev, (const uint8_t *)"\x7D\x40\x40", 3); /* held behind the write's status */
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ccw(PROG, 0x06, DATA, CCW_SLI, 8);
	start_and_end();
	ck_assert_uint_eq(csw_count(), 5);
	ck_assert(!dev3270_poll(dev)); /* nothing more to say */
	ck_assert_uint_eq(io(TIO, ADDR), 0);
}
END_TEST

START_TEST(test_connect_posts_device_end_once_and_held_while_busy)
{
	ck_assert(!dev3270_connected(dev));
	dev3270_connect(dev, true);
	ck_assert(dev3270_connected(dev));
	ck_assert_uint_eq(take_interruption(), ADDR);
	ck_assert_uint_eq(csw_hi(), 0);
	ck_assert_uint_eq(csw_lo(), (uint32_t)UNIT_DE << 24);
	dev3270_connect(dev, true); /* no change: nothing */
	ck_assert_uint_eq(io(TIO, ADDR), 0);

	/* Dropped, then dialled again while the guest's sense ends with status pending. */
	dev3270_connect(dev, false);
	ccw(PROG, 0x04, DATA, 0, 1);
	ck_assert_uint_eq(start(), 0);
	dev3270_connect(dev, true);
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE);
	ck_assert(dev3270_poll(dev));
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ck_assert_uint_eq(csw_unit(), UNIT_DE);
	ck_assert(!dev3270_poll(dev));
}
END_TEST

/* ---- Not connected ---- */

START_TEST(test_not_connected_is_unit_check_intervention_required)
{
	static const uint8_t cmds[] = {0x01, 0x05, 0x0D, 0x0F, 0x11, 0x02, 0x06, 0x03, 0x0B};
	for (size_t i = 0; i < sizeof cmds; i++) {
		ccw(PROG, cmds[i], DATA, 0, 4);
		start_and_end();
		ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE | UNIT_UC);
		ck_assert_uint_eq(csw_chan(), 0); /* no incorrect length with unit check */
		ck_assert_uint_eq(sense(), DEV3270_SENSE_INTREQ);
		ck_assert_uint_eq(sense(), 0); /* sense resets it */
	}
	ck_assert_uint_eq(own.writes, 0);
	ck_assert_uint_eq(own.reads, 0);
	/* Input from a terminal that is not there is ignored. */
	dev3270_input(dev, (const uint8_t *)"\x7D\x40\x40", 3);
	ck_assert_uint_eq(io(TIO, ADDR), 0);
	ck_assert(!dev3270_poll(dev));
}
END_TEST

START_TEST(test_disconnect_ends_waiting_read_with_intervention_required)
{
	connect();
	dev3270_input(dev, (const uint8_t *)"\x7D\x40\x40", 3);
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ccw(PROG, 0x02, DATA, 0, 8);
	ck_assert_uint_eq(start(), 0);
	ck_assert(chan_dev_deferred(dev));
	dev3270_connect(dev, false);
	ck_assert(!chan_dev_deferred(dev));
	ck_assert_uint_eq(take_interruption(), ADDR);
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE | UNIT_UC);
	ck_assert_uint_eq(sense(), DEV3270_SENSE_INTREQ);
	dev3270_answer(dev, (const uint8_t *)"\x60\x40\x40", 3); /* too late: ignored */
	ck_assert_uint_eq(io(TIO, ADDR), 0);

	/* Dialled again: the kept input went with the old terminal; RM asks the new one. */
	connect();
	ccw(PROG, 0x06, DATA, 0, 8);
	ck_assert_uint_eq(start(), 0);
	ck_assert_uint_eq(own.reads, 2);
	ck_assert(chan_dev_deferred(dev));
}
END_TEST

START_TEST(test_terminal_dropped_inside_ops_read_ends_read_with_intervention_required)
{
	connect();
	own.drop_now = true;
	ccw(PROG, 0x06, DATA, 0, 8);
	start_and_end();
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE | UNIT_UC);
	ck_assert_uint_eq(sense(), DEV3270_SENSE_INTREQ);
}
END_TEST

/* ---- Sense, sense ID, invalid commands ---- */

START_TEST(test_sense_id_reports_3274_1d_with_3278_of_the_model)
{
	static const uint8_t want2[7] = {0xFF, 0x32, 0x74, 0x1D, 0x32, 0x78, 0x02};
	ccw(PROG, 0xE4, DATA, 0, 7); /* works without a terminal */
	start_and_end();
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	uint8_t got[7];
	h_get(m, DATA, got, 7);
	ck_assert_mem_eq(got, want2, 7);

	struct chan_dev *d5 = dev3270_attach(m, 0x1C5, &own_ops, &own, 5);
	ck_assert_ptr_nonnull(d5);
	ccw(PROG, 0xE4, DATA, CCW_SLI, 16);
	h_set_word(m, 0x48, PROG);
	ck_assert_uint_eq(io(SIO, 0x1C5), 0);
	ck_assert_uint_eq(io(TIO, 0x1C5), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u | 9);
	h_get(m, DATA, got, 7);
	ck_assert_uint_eq(got[6], 0x05);

	/* A short count: cut, incorrect length. */
	ccw(PROG, 0xE4, DATA, 0, 4);
	start_and_end();
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(csw_chan(), CHAN_IL);
}
END_TEST

START_TEST(test_invalid_command_is_command_reject_connected_or_not)
{
	static const uint8_t bad[] = {0x07, 0x09, 0x0A, 0x13, 0x0E, 0xF1, 0x12};
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			connect();
		for (size_t i = 0; i < sizeof bad; i++) {
			ccw(PROG, bad[i], DATA, 0, 4);
			start_and_end();
			ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE | UNIT_UC);
			ck_assert_uint_eq(sense(), DEV3270_SENSE_CMDREJ);
		}
	}
	ck_assert_uint_eq(own.writes, 0);
	ck_assert_uint_eq(own.reads, 0);
}
END_TEST

/* ---- Halt, clear, reset ---- */

START_TEST(test_hio_ends_waiting_read_and_late_answer_is_ignored)
{
	connect();
	h_set_word(m, DATA, 0xEEEEEEEE);
	ccw(PROG, 0x06, DATA, 0, 4);
	ck_assert_uint_eq(start(), 0);
	ck_assert_uint_eq(io(HIO, ADDR), 2); /* block multiplexer: status later */
	ck_assert(!chan_dev_deferred(dev));
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ck_assert_uint_eq(csw_unit(), UNIT_CE | UNIT_DE);
	dev3270_answer(dev, (const uint8_t *)"\x60\x40\x40\x40", 4);
	ck_assert_uint_eq(io(TIO, ADDR), 0);
	ck_assert_uint_eq(h_word(m, DATA), 0xEEEEEEEEu);
	/* The next read asks again. */
	ck_assert_uint_eq(start(), 0);
	ck_assert_uint_eq(own.reads, 2);
	ck_assert(chan_dev_deferred(dev));
}
END_TEST

START_TEST(test_clrio_ends_waiting_read_without_status)
{
	connect();
	ccw(PROG, 0x02, DATA, 0, 4);
	ck_assert_uint_eq(start(), 0);
	ck_assert_uint_eq(io(CLRIO, ADDR), 0);
	ck_assert(!chan_dev_deferred(dev));
	ck_assert_uint_eq(io(TIO, ADDR), 0);
	dev3270_answer(dev, (const uint8_t *)"\x60\x40\x40\x40", 4);
	ck_assert_uint_eq(io(TIO, ADDR), 0);
	/* A held attention goes out once the device is free. */
	ck_assert_uint_eq(start(), 0);
	dev3270_input(dev, (const uint8_t *)"\x7D\x40\x40", 3);
	ck_assert_uint_eq(io(CLRIO, ADDR), 0);
	ck_assert(dev3270_poll(dev));
	ck_assert_uint_eq(io(TIO, ADDR), 1);
	ck_assert_uint_eq(csw_unit(), UNIT_ATTN);
}
END_TEST

START_TEST(test_reset_cancels_read_drops_input_and_held_status_keeps_terminal)
{
	connect();
	ccw(PROG, 0x06, DATA, 0, 4);
	ck_assert_uint_eq(start(), 0);
	dev3270_input(dev, (const uint8_t *)"\x7D\x40\x40", 3); /* held */
	machine_io_reset(m);
	ck_assert(!chan_dev_deferred(dev));
	ck_assert(!dev3270_poll(dev));
	dev3270_answer(dev, (const uint8_t *)"\x60\x40\x40\x40", 4);
	ck_assert_uint_eq(io(TIO, ADDR), 0);
	ck_assert(dev3270_connected(dev));
	/* The input is gone: RM asks the terminal. */
	ck_assert_uint_eq(start(), 0);
	ck_assert_uint_eq(own.reads, 2);
	ck_assert(chan_dev_deferred(dev));
}
END_TEST

START_TEST(test_host_program_waiting_for_read_ends_without_hang)
{
	connect();
	ccw(PROG, 0x06, DATA, 0, 4);
	struct machine_ipl_csw st;
	ck_assert_int_eq(machine_io_sync(m, ADDR, PROG, 0, &st), MACHINE_IO_NO_END);
	dev3270_answer(dev, (const uint8_t *)"\x60\x40\x40\x40", 4); /* nothing waits */
	ck_assert_uint_eq(io(TIO, ADDR), 0);
	ccw(PROG, 0x05, DATA, 0, 1);
	ck_assert_int_eq(machine_io_sync(m, ADDR, PROG, 0, &st), MACHINE_IO_OK);
	ck_assert_uint_eq(own.last[0], 0xF5);
}
END_TEST

/* ---- Hostile sequences ---- */

/* Any order of owner calls, channel programs (valid and invalid commands, any count, SLI or not),
 * halts, clears and resets: no crash, no sanitizer report, the device never waits without a read
 * outstanding, and the subchannel always comes back to idle. */
START_TEST(test_random_sequences_keep_device_consistent)
{
	static const uint8_t cmds[] = {0x01, 0x05, 0x0D, 0x0F, 0x11, 0x02, 0x06, 0x03, 0x0B, 0x04, 0xE4, 0x07, 0x09};
	uint32_t x = 12345;
	uint8_t rec[64];
	for (int step = 0; step < 4000; step++) {
		x = x * 1103515245u + 12345u;
		unsigned r = x >> 16;
		size_t n = r % sizeof rec;
		for (size_t i = 0; i < n; i++)
			rec[i] = (uint8_t)(r * (i + 7));
		switch (r % 11) {
		case 0:
			dev3270_connect(dev, (r >> 4) & 1);
			break;
		case 1:
			dev3270_input(dev, rec, n);
			break;
		case 2:
			dev3270_answer(dev, rec, n);
			break;
		case 3:
			dev3270_poll(dev);
			break;
		case 4:
		case 5:
			ccw(PROG, cmds[(r >> 4) % sizeof cmds], DATA, (r & 0x100) ? CCW_SLI : 0,
			    (uint16_t)(1 + (r >> 9) % 200));
			start();
			break;
		case 6:
			io(HIO, ADDR);
			ck_assert(!chan_dev_deferred(dev));
			break;
		case 7:
			io(CLRIO, ADDR);
			ck_assert(!chan_dev_deferred(dev));
			break;
		case 8:
			io(TIO, ADDR);
			break;
		case 9:
			if ((r >> 4) % 8 == 0)
				machine_io_reset(m);
			break;
		default: {
			uint8_t psw[8] = {0xFE, 0x02, 0, 0, 0, 0, 0x0F, 0x00};
			cpu_set_psw(c, psw);
			machine_run(c, 100);
			break;
		}
		}
		if (chan_dev_deferred(dev))
			ck_assert(dev3270_connected(dev));
	}
	io(CLRIO, ADDR);
	io(CLRIO, ADDR);
	ck_assert_uint_eq(io(TIO, ADDR), 0);
	ck_assert_uint_le(own.last_len, DEV3270_RECORD_MAX);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dev3270");
	TCase *tc = tcase_create("dev3270");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_attach_rejects_bad_model_missing_ops_and_used_address);
	tcase_add_test(tc, test_write_commands_send_remote_code_then_data);
	tcase_add_test(tc, test_erase_all_unprotected_sends_code_alone_without_incorrect_length);
	tcase_add_test(tc, test_write_data_chained_over_two_ccws_is_one_record);
	tcase_add_test(tc, test_select_chained_to_write_and_nop_move_no_data);
	tcase_add_test(tc, test_write_longer_than_record_max_is_cut_without_incorrect_length);
	tcase_add_test(tc, test_input_presents_attention_and_read_modified_returns_it_then_forgets_it);
	tcase_add_test(tc, test_newer_input_replaces_unread_one);
	tcase_add_test(tc, test_read_modified_without_input_defers_then_short_answer_completes_with_residual);
	tcase_add_test(tc, test_read_buffer_long_answer_is_cut_with_incorrect_length);
	tcase_add_test(tc, test_read_buffer_asks_the_terminal_even_with_input_kept);
	tcase_add_test(tc, test_answer_given_inside_ops_read_completes_at_once);
	tcase_add_test(tc, test_answer_without_a_waiting_read_is_ignored);
	tcase_add_test(tc, test_oversized_input_is_cut_to_record_max);
	tcase_add_test(tc, test_attention_held_while_read_waits_is_presented_when_free);
	tcase_add_test(tc, test_attention_held_while_status_pending_is_presented_after_it_is_taken);
	tcase_add_test(tc, test_read_modified_before_attention_takes_input_and_cancels_attention);
	tcase_add_test(tc, test_connect_posts_device_end_once_and_held_while_busy);
	tcase_add_test(tc, test_not_connected_is_unit_check_intervention_required);
	tcase_add_test(tc, test_disconnect_ends_waiting_read_with_intervention_required);
	tcase_add_test(tc, test_terminal_dropped_inside_ops_read_ends_read_with_intervention_required);
	tcase_add_test(tc, test_sense_id_reports_3274_1d_with_3278_of_the_model);
	tcase_add_test(tc, test_invalid_command_is_command_reject_connected_or_not);
	tcase_add_test(tc, test_hio_ends_waiting_read_and_late_answer_is_ignored);
	tcase_add_test(tc, test_clrio_ends_waiting_read_without_status);
	tcase_add_test(tc, test_reset_cancels_read_drops_input_and_held_status_keeps_terminal);
	tcase_add_test(tc, test_host_program_waiting_for_read_ends_without_hang);
	tcase_add_test(tc, test_random_sequences_keep_device_consistent);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
