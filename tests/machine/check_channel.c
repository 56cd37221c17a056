/*
 * check_channel.c - unit tests for the S/370 channel (channel.c), the I/O instructions and the
 * device models (dev_test.c, dev_3215.c, dev_2540r.c).
 *
 * Fixture: 64K machine, a test device at 180 (block multiplexer channel 1) and one at 00E (byte
 * multiplexer channel 0). The I/O new PSW is a disabled wait at IO_WAIT, so a test sees an
 * I/O interruption as the CPU stopping there.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/be.h"
#include "lib/ebcdic.h"
#include "machine/channel.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

#define IO_WAIT 0x7770u
#define CODE 0x1000u
#define LOOP 0x0F00u /* a B * loop */

static struct machine *m;
static struct cpu *c;
static struct chan_dev *dev, *dev0;

static void put_psw(uint32_t addr, uint32_t hi, uint32_t lo)
{
	h_set_word(m, addr, hi);
	h_set_word(m, addr + 4, lo);
}

static void setup(void)
{
	m = h_new(64 * 1024, false);
	c = machine_cpu(m);
	dev = devtest_attach(m, 0x180);
	dev0 = devtest_attach(m, 0x00E);
	ck_assert_ptr_nonnull(dev);
	ck_assert_ptr_nonnull(dev0);
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

static void caw(uint8_t key, uint32_t addr)
{
	h_set_word(m, 0x48, (uint32_t)key << 28 | addr);
}

/* Run one I/O instruction op (e.g. 0x9C00) on address a, disabled; returns its CC. */
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

#define SIO 0x9C00
#define SIOF 0x9C01
#define TIO 0x9D00
#define CLRIO 0x9D01
#define HIO 0x9E00
#define HDV 0x9E01
#define TCH 0x9F00
#define STIDC 0xB203

static uint32_t csw_hi(void)
{
	return h_word(m, 0x40);
}

static uint32_t csw_lo(void)
{
	return h_word(m, 0x44);
}

/* SIO then TIO: returns TIO's CC (the CSW is then at X'40'). */
static unsigned start_and_test(uint16_t a)
{
	ck_assert_uint_eq(io(SIO, a), 0);
	return io(TIO, a);
}

/* ---- Instruction condition codes ---- */

START_TEST(test_sio_no_device_is_cc3)
{
	ck_assert_uint_eq(io(SIO, 0x181), 3);
	ck_assert_uint_eq(io(SIO, 0x280), 3);
}
END_TEST

START_TEST(test_sio_read_completes_status_pending_then_tio_cc1_stores_csw)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, 0x00, 16);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_hi(), 0x00002008u);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	uint8_t buf[16];
	h_get(m, 0x3000, buf, 16);
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(buf[i], i);
	ck_assert_uint_eq(io(TIO, 0x180), 0); /* the pending status was cleared */
}
END_TEST

START_TEST(test_sio_bad_caw_address_is_cc1_with_program_check)
{
	caw(0, 0x2004);
	ck_assert_uint_eq(io(SIO, 0x180), 1);
	ck_assert_uint_eq(csw_lo() & 0x00FF0000u, (uint32_t)CHAN_PROG << 16);
	ck_assert_uint_eq(io(TIO, 0x180), 0);
}
END_TEST

START_TEST(test_sio_busy_subchannel_is_cc2_and_pending_status_is_cc1_busy)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, CCW_CC, 1); /* NOP chained to a TIC back: runs until halted */
	ccw(0x2008, 0x08, 0x2000, 0, 1);
	ck_assert_uint_eq(io(SIO, 0x180), 0);
	ck_assert_uint_eq(io(SIO, 0x180), 2);
	ck_assert_uint_eq(io(TIO, 0x180), 2);
	ck_assert_uint_eq(io(HIO, 0x180), 2);
	ck_assert_uint_eq(io(SIO, 0x180), 1); /* halted: CE DE pending, presented with busy */
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_BUSY | UNIT_CE | UNIT_DE);
}
END_TEST

START_TEST(test_siof_bad_first_ccw_is_cc0_with_deferred_cc1)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, 0x00, 0); /* zero count */
	ck_assert_uint_eq(io(SIOF, 0x180), 0);
	ck_assert_uint_eq(io(TIO, 0x180), 1);
	ck_assert_uint_eq((csw_hi() >> 25) & 3, 1);
	ck_assert_uint_eq(csw_lo() & 0x00FF0000u, (uint32_t)CHAN_PROG << 16);
}
END_TEST

START_TEST(test_tio_condition_codes)
{
	ck_assert_uint_eq(io(TIO, 0x180), 0);
	ck_assert_uint_eq(io(TIO, 0x1FF), 3);
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, 0, 1);
	ck_assert_uint_eq(start_and_test(0x180), 1);
}
END_TEST

START_TEST(test_hio_idle_is_cc0_no_device_cc3)
{
	ck_assert_uint_eq(io(HIO, 0x180), 0);
	ck_assert_uint_eq(io(HIO, 0x18F), 3);
	ck_assert_uint_eq(io(HDV, 0x180), 0);
}
END_TEST

START_TEST(test_hdv_working_device_is_cc2_then_status_pending)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, CCW_CC, 1);
	ccw(0x2008, 0x08, 0x2000, 0, 1);
	ck_assert_uint_eq(io(SIO, 0x180), 0);
	ck_assert_uint_eq(io(HDV, 0x180), 2);
	ck_assert_uint_eq(io(HDV, 0x180), 0); /* interruption pending */
	ck_assert_uint_eq(io(TIO, 0x180), 1);
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_CE | UNIT_DE);
}
END_TEST

START_TEST(test_hio_byte_multiplexer_working_is_cc1_csw_stored)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, CCW_CC, 1);
	ccw(0x2008, 0x08, 0x2000, 0, 1);
	ck_assert_uint_eq(io(SIO, 0x00E), 0);
	ck_assert_uint_eq(io(HIO, 0x00E), 1);
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(io(TIO, 0x00E), 0);
}
END_TEST

START_TEST(test_hio_stops_tic_loop_within_bounded_work)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, CCW_CC, 1);
	ccw(0x2008, 0x08, 0x2000, 0, 1);
	ck_assert_uint_eq(io(SIO, 0x180), 0);
	/* Let the CPU run a while: the loop only advances a bounded step per slice. */
	h_code(m, LOOP, "47F0 0F00"); /* B * with interruptions disabled */
	ck_assert_int_eq(h_run(m, LOOP, 100000), MACHINE_EXIT_BUDGET);
	unsigned n = devtest_commands(dev);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_lt(n, 10000);
	ck_assert_uint_eq(io(HIO, 0x180), 2);
	ck_assert_uint_eq(io(TIO, 0x180), 1);
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(io(TIO, 0x180), 0);
}
END_TEST

START_TEST(test_clrio_condition_codes)
{
	ck_assert_uint_eq(io(CLRIO, 0x180), 0);
	ck_assert_uint_eq(io(CLRIO, 0x1FE), 3);
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, 0, 1);
	ck_assert_uint_eq(io(SIO, 0x180), 0);
	ck_assert_uint_eq(io(CLRIO, 0x180), 1);
	ck_assert_uint_eq(io(TIO, 0x180), 0);
}
END_TEST

START_TEST(test_tch_condition_codes)
{
	ck_assert_uint_eq(io(TCH, 0x100), 0);
	ck_assert_uint_eq(io(TCH, 0x300), 3);
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, 0, 1);
	ck_assert_uint_eq(io(SIO, 0x180), 0);
	ck_assert_uint_eq(io(TCH, 0x100), 1);
	ck_assert_uint_eq(io(TIO, 0x180), 1);
	ccw(0x2000, 0x03, 0, CCW_CC, 1);
	ccw(0x2008, 0x08, 0x2000, 0, 1);
	ck_assert_uint_eq(io(SIO, 0x180), 0);
	ck_assert_uint_eq(io(TCH, 0x100), 2);
	ck_assert_uint_eq(io(CLRIO, 0x180), 0);
	ck_assert_uint_eq(io(TCH, 0x100), 0);
}
END_TEST

START_TEST(test_stidc_stores_channel_types)
{
	ck_assert_uint_eq(io(STIDC, 0x000), 0);
	ck_assert_uint_eq(h_word(m, 0xA8), 0x10000000u);
	ck_assert_uint_eq(io(STIDC, 0x100), 0);
	ck_assert_uint_eq(h_word(m, 0xA8), 0x20000000u);
	ck_assert_uint_eq(io(STIDC, 0x500), 3);
}
END_TEST

START_TEST(test_sio_in_problem_state_is_privileged_operation)
{
	h_code(m, CODE, "9C00 0180");
	put_psw(0x200, 0x00010000, CODE); /* problem state */
	uint8_t psw[8];
	h_get(m, 0x200, psw, 8);
	cpu_set_psw(c, psw);
	machine_run(c, 1);
	ck_assert_uint_eq(h_ia(m), H_PGM_WAIT);
	ck_assert_uint_eq(h_word(m, 0x28) & 0xFFFF, 0x0002);
}
END_TEST

START_TEST(test_sio_unassigned_second_byte_is_operation_exception)
{
	h_code(m, CODE, "9C05 0180");
	h_run(m, CODE, 1);
	ck_assert(h_program_interrupted(m));
	ck_assert_uint_eq(h_pic(m), 0x0001);
}
END_TEST

/* ---- Channel programs ---- */

START_TEST(test_chan_write_then_read_command_chained)
{
	h_code(m, 0x3000, "C1C2C3C4");
	caw(0, 0x2000);
	ccw(0x2000, 0x01, 0x3000, CCW_CC, 4);
	ccw(0x2008, 0x02, 0x3100, 0, 16);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	uint8_t w[8];
	ck_assert_uint_eq(devtest_written(dev, w, 8), 4);
	ck_assert_mem_eq(w, "\xC1\xC2\xC3\xC4", 4);
	ck_assert_uint_eq(h_word(m, 0x310C), 0x0C0D0E0Fu);
	ck_assert_uint_eq(csw_hi(), 0x2010u);
	ck_assert_uint_eq(devtest_commands(dev), 2);
}
END_TEST

START_TEST(test_chan_data_chaining_splits_read_across_two_ccws)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, CCW_CD, 6);
	ccw(0x2008, 0x00, 0x3100, 0, 10); /* command ignored in data chaining */
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(h_word(m, 0x3000), 0x00010203u);
	ck_assert_uint_eq(h_word(m, 0x3004) >> 16, 0x0405u);
	ck_assert_uint_eq(h_word(m, 0x3100), 0x06070809u);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(devtest_commands(dev), 1);
}
END_TEST

START_TEST(test_chan_data_chaining_gathers_write)
{
	h_code(m, 0x3000, "0102");
	h_code(m, 0x3100, "030405");
	caw(0, 0x2000);
	ccw(0x2000, 0x01, 0x3000, CCW_CD, 2);
	ccw(0x2008, 0x01, 0x3100, 0, 3);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	uint8_t w[8];
	ck_assert_uint_eq(devtest_written(dev, w, 8), 5);
	ck_assert_mem_eq(w, "\x01\x02\x03\x04\x05", 5);
}
END_TEST

START_TEST(test_chan_skip_reads_without_storing)
{
	h_set_word(m, 0x3000, 0xAAAAAAAA);
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, CCW_CD | CCW_SKIP, 4);
	ccw(0x2008, 0x02, 0x3100, 0, 12);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(h_word(m, 0x3000), 0xAAAAAAAAu);
	ck_assert_uint_eq(h_word(m, 0x3100), 0x04050607u);
}
END_TEST

START_TEST(test_chan_short_record_without_sli_is_incorrect_length)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, 0, 20);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C400004u); /* CE DE, IL, residual 4 */
}
END_TEST

START_TEST(test_chan_short_record_with_sli_has_no_incorrect_length)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, CCW_SLI, 20);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C000004u);
}
END_TEST

START_TEST(test_chan_long_record_truncated_with_incorrect_length)
{
	caw(0, 0x2000);
	h_set_word(m, 0x3008, 0xEEEEEEEE);
	ccw(0x2000, 0x02, 0x3000, 0, 8);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C400000u);
	ck_assert_uint_eq(h_word(m, 0x3008), 0xEEEEEEEEu);
}
END_TEST

START_TEST(test_chan_incorrect_length_suppresses_command_chaining)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, CCW_CC, 8);
	ccw(0x2008, 0x03, 0, 0, 1);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_hi(), 0x2008u);
	ck_assert_uint_eq(devtest_commands(dev), 1);
}
END_TEST

START_TEST(test_chan_ida_reads_across_2k_blocks)
{
	devtest_set_record_len(dev, 40);
	h_set_word(m, 0x2100, 0x000037F0); /* 16 bytes to the 2K boundary */
	h_set_word(m, 0x2104, 0x00005000);
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x2100, CCW_IDA, 40);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(h_word(m, 0x37F0), 0x00010203u);
	ck_assert_uint_eq(h_word(m, 0x37FC), 0x0C0D0E0Fu);
	ck_assert_uint_eq(h_word(m, 0x5000), 0x10111213u);
	ck_assert_uint_eq(h_word(m, 0x3800), 0);
}
END_TEST

START_TEST(test_chan_ida_unaligned_second_idaw_is_program_check)
{
	devtest_set_record_len(dev, 40);
	h_set_word(m, 0x2100, 0x000037F0);
	h_set_word(m, 0x2104, 0x00005004);
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x2100, CCW_IDA, 40);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo() & 0x00FF0000u, (uint32_t)CHAN_PROG << 16);
}
END_TEST

/* Read backward stores at descending addresses from the CCW's address (GA22-7000, "Read
 * Backward"): the record lands in forward order, ending there. */
START_TEST(test_chan_read_backward_stores_descending)
{
	h_set_word(m, 0x3010, 0xAAAAAAAA);
	caw(0, 0x2000);
	ccw(0x2000, 0x0C, 0x300F, 0, 16);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(h_word(m, 0x3000), 0x00010203u);
	ck_assert_uint_eq(h_word(m, 0x300C), 0x0C0D0E0Fu);
	ck_assert_uint_eq(h_word(m, 0x3010), 0xAAAAAAAAu);
}
END_TEST

/* Read backward with IDA: the first IDAW names the highest byte, and the data runs down to the
 * start of its 2K block; each further IDAW names the last byte of a block. */
START_TEST(test_chan_ida_read_backward_runs_down_through_blocks)
{
	devtest_set_record_len(dev, 40);
	h_set_word(m, 0x2100, 0x0000380F); /* 16 bytes down to X'3800' */
	h_set_word(m, 0x2104, 0x00005FFF);
	caw(0, 0x2000);
	ccw(0x2000, 0x0C, 0x2100, CCW_IDA, 40);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	/* Device bytes 27, 26, ... go to 380F, 380E, ...: storage holds 24..39 at 3800..380F. */
	ck_assert_uint_eq(h_word(m, 0x3800), 0x18191A1Bu);
	ck_assert_uint_eq(h_word(m, 0x380C), 0x24252627u);
	/* The other 24 bytes run down from X'5FFF': 0..23 at 5FE8..5FFF. */
	ck_assert_uint_eq(h_word(m, 0x5FE8), 0x00010203u);
	ck_assert_uint_eq(h_word(m, 0x5FFC), 0x14151617u);
	/* A second IDAW that is not the last byte of a block is a program check. */
	h_set_word(m, 0x2104, 0x00005000);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo() & 0x00FF0000u, (uint32_t)CHAN_PROG << 16);
}
END_TEST

/* Read backward past address 0 is a program check. */
START_TEST(test_chan_read_backward_below_zero_is_program_check)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x0C, 0x000007, CCW_SLI, 16);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo() & 0x00FF0000u, (uint32_t)CHAN_PROG << 16);
}
END_TEST

START_TEST(test_chan_tic_continues_at_target)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, CCW_CC, 1);
	ccw(0x2008, 0x08, 0x2200, 0, 0);
	ccw(0x2200, 0x02, 0x3000, CCW_SLI, 4);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_hi(), 0x2208u);
	ck_assert_uint_eq(h_word(m, 0x3000), 0x00010203u);
}
END_TEST

START_TEST(test_chan_tic_to_tic_is_program_check)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, CCW_CC, 1);
	ccw(0x2008, 0x08, 0x2200, 0, 0);
	ccw(0x2200, 0x08, 0x2000, 0, 0);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C200000u);
	ck_assert_uint_eq(csw_hi(), 0x2208u);
}
END_TEST

START_TEST(test_chan_invalid_ccw_flags_is_program_check)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, 0x01, 4);
	ck_assert_uint_eq(io(SIO, 0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x00200004u);
	ck_assert_uint_eq(devtest_commands(dev), 0);
}
END_TEST

START_TEST(test_chan_zero_count_in_chained_ccw_is_program_check)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, CCW_CC, 1);
	ccw(0x2008, 0x02, 0x3000, 0, 0);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C200000u);
	ck_assert_uint_eq(csw_hi(), 0x2010u);
}
END_TEST

START_TEST(test_chan_invalid_command_code_is_program_check)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x10, 0x3000, 0, 4);
	ck_assert_uint_eq(io(SIO, 0x180), 1);
	ck_assert_uint_eq(csw_lo() & 0x00FF0000u, (uint32_t)CHAN_PROG << 16);
}
END_TEST

START_TEST(test_chan_unaligned_tic_target_is_program_check)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x08, 0x2204, 0, 0);
	ck_assert_uint_eq(io(SIO, 0x180), 1);
	ck_assert_uint_eq(csw_lo() & 0x00FF0000u, (uint32_t)CHAN_PROG << 16);
}
END_TEST

START_TEST(test_chan_data_past_storage_is_program_check)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0xFFF8, 0, 16);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo() & 0x00FF0000u, (uint32_t)CHAN_PROG << 16);
	ck_assert_uint_eq(h_word(m, 0xFFF8), 0x00010203u); /* the part inside storage arrived */
}
END_TEST

START_TEST(test_chan_ccw_past_storage_is_program_check)
{
	caw(0, 0xFFF8);
	ccw(0xFFF8, 0x03, 0, CCW_CC, 1);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C200000u);
}
END_TEST

START_TEST(test_chan_key_mismatch_store_is_protection_check)
{
	h_code(m, CODE, "0812"); /* SSK 1,2: key 5 on 0x3000 */
	cpu_set_gpr(c, 1, 0x50);
	cpu_set_gpr(c, 2, 0x3000);
	h_run(m, CODE, 1);
	caw(3, 0x2000);
	ccw(0x2000, 0x02, 0x3000, 0, 16);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_hi() >> 28, 3);
	ck_assert_uint_eq(csw_lo() & 0x00FF0000u, (uint32_t)CHAN_PROT << 16);
	ck_assert_uint_eq(h_word(m, 0x3000), 0);
	caw(5, 0x2000);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
}
END_TEST

START_TEST(test_chan_fetch_protected_ccw_is_protection_check)
{
	h_code(m, CODE, "0812");
	cpu_set_gpr(c, 1, 0x58); /* key 5, fetch protected */
	cpu_set_gpr(c, 2, 0x2000);
	h_run(m, CODE, 1);
	caw(3, 0x2000);
	ccw(0x2000, 0x03, 0, 0, 1);
	ck_assert_uint_eq(io(SIO, 0x180), 1);
	ck_assert_uint_eq(csw_lo() & 0x00FF0000u, (uint32_t)CHAN_PROT << 16);
}
END_TEST

START_TEST(test_chan_unit_check_then_sense)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x07, 0x3000, 0, 1);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_CE | UNIT_DE | UNIT_UC);
	ccw(0x2000, 0x04, 0x3000, 0, 1);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(h_word(m, 0x3000) >> 24, SENSE_CMDREJ);
}
END_TEST

START_TEST(test_chan_unit_exception_ends_command_chain)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x13, 0, CCW_CC, 1);
	ccw(0x2008, 0x03, 0, 0, 1);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_hi(), 0x2008u);
	ck_assert_uint_eq(csw_lo(), 0x0D000000u);
	ck_assert_uint_eq(devtest_commands(dev), 1);
}
END_TEST

/* ---- The ready switch (chan_dev_set_ready: CP's NOTREADY and READY) ---- */

START_TEST(test_chan_not_ready_read_is_sio_cc1_unit_check_without_the_model)
{
	ck_assert(chan_dev_is_ready(dev));
	chan_dev_set_ready(dev, false);
	ck_assert(!chan_dev_is_ready(dev));
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, 0x00, 16);
	h_set_word(m, 0x3000, 0xEEEEEEEEu);
	ck_assert_uint_eq(io(SIO, 0x180), 1);		/* initial status: the CSW is stored now */
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_UC);
	ck_assert_uint_eq(csw_lo() & 0xFFFF, 16);	/* nothing moved */
	ck_assert_uint_eq(h_word(m, 0x3000), 0xEEEEEEEEu);
	ck_assert_uint_eq(devtest_commands(dev), 0);
	ck_assert_uint_eq(io(TIO, 0x180), 0);		/* nothing left pending */
	/* The other device is not affected. */
	ck_assert_uint_eq(start_and_test(0x00E), 1);
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_CE | UNIT_DE);
}
END_TEST

START_TEST(test_chan_not_ready_sense_is_intervention_required_sense_id_reaches_model)
{
	chan_dev_set_ready(dev, false);
	caw(0, 0x2000);
	ccw(0x2000, 0x04, 0x3000, 0x00, 1);
	h_set_word(m, 0x3000, 0xEEEEEEEEu);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(h_word(m, 0x3000) >> 24, SENSE_INTREQ);
	ck_assert_uint_eq(devtest_commands(dev), 1);
	/* Sense ID goes to the model (the test device rejects it). */
	ccw(0x2000, 0xE4, 0x3000, CCW_SLI, 7);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_CE | UNIT_DE | UNIT_UC);
	ck_assert_uint_eq(devtest_commands(dev), 2);
	/* Write, control and no-op do not. */
	static const uint8_t cmds[] = {0x01, 0x03, 0x13, 0x0C};
	for (size_t i = 0; i < sizeof cmds; i++) {
		ccw(0x2000, cmds[i], 0x3000, 0x00, 4);
		ck_assert_uint_eq(io(SIO, 0x180), 1);
		ck_assert_uint_eq(csw_lo() >> 24, UNIT_UC);
	}
	ck_assert_uint_eq(devtest_commands(dev), 2);
}
END_TEST

START_TEST(test_chan_not_ready_siof_presents_deferred_cc1)
{
	chan_dev_set_ready(dev, false);
	caw(0, 0x2000);
	ccw(0x2000, 0x01, 0x3000, 0x00, 4);
	ck_assert_uint_eq(io(SIOF, 0x180), 0);
	ck_assert_uint_eq(io(TIO, 0x180), 1);
	ck_assert_uint_eq((csw_hi() >> 25) & 3, 1);	/* the deferred condition code */
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_UC);
}
END_TEST

START_TEST(test_chan_becoming_ready_posts_device_end_once)
{
	chan_dev_set_ready(dev, true);			/* ready already: nothing */
	ck_assert_uint_eq(io(TIO, 0x180), 0);
	chan_dev_set_ready(dev, false);
	machine_io_reset(m);				/* a reset keeps the switch */
	ck_assert(!chan_dev_is_ready(dev));
	chan_dev_set_ready(dev, true);
	ck_assert(chan_dev_is_ready(dev));
	ck_assert_uint_eq(io(TIO, 0x180), 1);
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_DE);
	ck_assert_uint_eq(io(TIO, 0x180), 0);
	/* And the device works again. */
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, 0x00, 16);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(h_word(m, 0x3000), 0x00010203u);
}
END_TEST

START_TEST(test_chan_not_ready_host_program_and_ipl_give_intervention_required)
{
	chan_dev_set_ready(dev, false);
	ccw(0x2000, 0x02, 0x3000, 0x00, 16);
	struct machine_ipl_csw st;
	ck_assert_int_eq(machine_io_sync(m, 0x180, 0x2000, 0, &st), MACHINE_IO_STATUS);
	ck_assert_uint_eq(st.unit, UNIT_UC);
	ck_assert_uint_eq(st.sense_len, 1);
	ck_assert_uint_eq(st.sense[0], SENSE_INTREQ);
	ck_assert_int_eq(machine_ipl(m, 0x180, &st), MACHINE_IPL_UNIT_CHECK);
	ck_assert_uint_eq(st.sense[0], SENSE_INTREQ);
	ck_assert_uint_eq(devtest_commands(dev), 2);	/* the two senses only */
}
END_TEST

/* ---- Interruptions ---- */

/* ---- Deferred commands (a console read before a line is typed) ---- */

/* A device whose read (02) waits until the test gives it a record. */
struct waiter {
	bool have;
	uint8_t rec[4];
	unsigned executes;
};

static uint8_t waiter_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct waiter *w = chan_dev_priv(d);
	w->executes++;
	if (cmd != 0x02)
		return UNIT_CE | UNIT_DE;
	if (!w->have) {
		chan_dev_defer(d);
		return UNIT_UC; /* ignored */
	}
	memcpy(buf, w->rec, *len < 4 ? *len : 4);
	*len = 4;
	w->have = false;
	return UNIT_CE | UNIT_DE;
}

static const struct dev_ops waiter_ops = {.type = "WAIT", .execute = waiter_execute};
static struct waiter waiter;

static struct chan_dev *waiter_attach(void)
{
	memset(&waiter, 0, sizeof waiter);
	struct chan_dev *d = machine_attach_device(m, 0x190, &waiter_ops, &waiter);
	ck_assert_ptr_nonnull(d);
	return d;
}

/* Load a PSW enabled for I/O in the wait state (BC mode: channel 1 enabled). */
static void enabled_wait(void)
{
	uint8_t psw[8] = {0x40, 0x02, 0, 0, 0, 0, 0x0F, 0x00};
	cpu_set_psw(c, psw);
}

START_TEST(test_chan_deferred_read_waits_costs_nothing_then_completes)
{
	struct chan_dev *d = waiter_attach();
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, 0x00, 4);
	ck_assert_uint_eq(io(SIO, 0x190), 0);
	ck_assert(chan_dev_deferred(d));
	ck_assert_uint_eq(io(TIO, 0x190), 2); /* working */
	unsigned before = waiter.executes;
	enabled_wait();
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(machine_run(c, 1000), MACHINE_EXIT_ENABLED_WAIT);
	ck_assert_uint_eq(waiter.executes, before); /* nothing runs while it waits */
	ck_assert_uint_eq(machine_wait_ns(c), UINT64_MAX);

	memcpy(waiter.rec, "\xC1\xC2\xC3\xC4", 4);
	waiter.have = true;
	chan_dev_ready(d);
	ck_assert(!chan_dev_deferred(d));
	ck_assert_int_eq(machine_run(c, 1000), MACHINE_EXIT_DISABLED_WAIT); /* the I/O new PSW */
	ck_assert_uint_eq(h_ia(m), IO_WAIT);
	ck_assert_uint_eq(h_word(m, 0x38), 0x40020190u);
	ck_assert_uint_eq(csw_hi(), 0x2008u);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(h_word(m, 0x3000), 0xC1C2C3C4u);
}
END_TEST

START_TEST(test_chan_deferred_read_ended_by_hio_and_reset)
{
	struct chan_dev *d = waiter_attach();
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, 0x00, 4);
	ck_assert_uint_eq(io(SIO, 0x190), 0);
	ck_assert_uint_eq(io(HIO, 0x190), 2); /* a block multiplexer: status comes later */
	ck_assert(!chan_dev_deferred(d));
	ck_assert_uint_eq(io(TIO, 0x190), 1);
	ck_assert_uint_eq(csw_lo() >> 16, 0x0C00u);
	/* Again, ended by an I/O system reset; a late chan_dev_ready changes nothing. */
	ck_assert_uint_eq(io(SIO, 0x190), 0);
	machine_io_reset(m);
	ck_assert(!chan_dev_deferred(d));
	unsigned before = waiter.executes;
	chan_dev_ready(d);
	ck_assert_uint_eq(io(TIO, 0x190), 0);
	ck_assert_uint_eq(waiter.executes, before);
}
END_TEST

START_TEST(test_machine_io_sync_runs_to_the_end_without_interruption)
{
	caw(0, 0x9999); /* not used: the program's address is given */
	ccw(0x2000, 0x02, 0x3000, 0x00, 16);
	struct machine_ipl_csw st;
	ck_assert_int_eq(machine_io_sync(m, 0x180, 0x2000, 0, &st), MACHINE_IO_OK);
	ck_assert_uint_eq(st.ccw, 0x2008u);
	ck_assert_uint_eq(st.unit, UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(h_word(m, 0x3000), 0x00010203u);
	ck_assert_uint_eq(io(TIO, 0x180), 0); /* nothing pending */
	/* A command the device rejects: unit check, with the sense. */
	ccw(0x2000, 0x07, 0x3000, 0x00, 16);
	ck_assert_int_eq(machine_io_sync(m, 0x180, 0x2000, 0, &st), MACHINE_IO_STATUS);
	ck_assert_uint_eq(st.unit & UNIT_UC, UNIT_UC);
	ck_assert_uint_eq(st.sense_len, 1);
	ck_assert_uint_eq(st.sense[0], SENSE_CMDREJ);
	ck_assert_int_eq(machine_io_sync(m, 0x181, 0x2000, 0, &st), MACHINE_IO_NOT_OPERATIONAL);
	/* A device that waits for input cannot be run synchronously: no hang. */
	waiter_attach();
	ccw(0x2000, 0x02, 0x3000, 0x00, 4);
	ck_assert_int_eq(machine_io_sync(m, 0x190, 0x2000, 0, &st), MACHINE_IO_NO_END);
	ck_assert_uint_eq(io(TIO, 0x190), 0);
	/* A busy device. */
	caw(0, 0x2000);
	ck_assert_uint_eq(io(SIO, 0x190), 0);
	ck_assert_int_eq(machine_io_sync(m, 0x190, 0x2000, 0, &st), MACHINE_IO_BUSY);
	ck_assert_str_eq(machine_device_type(m, 0x190), "WAIT");
	ck_assert_ptr_null(machine_device_type(m, 0x191));
}
END_TEST

START_TEST(test_machine_program_interrupt_from_the_host)
{
	/* BC mode: a DIAGNOSE-like 4-byte instruction at X'1000' was "executed"; the host refuses it. */
	put_psw(0x68, 0x00000000, 0x0000BAD0); /* program new PSW (not a wait) */
	uint8_t psw[8] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x04};
	cpu_set_psw(c, psw);
	cpu_set_cc(c, 2);
	ck_assert_uint_eq(cpu_get_cc(c), 2);
	machine_program_interrupt(c, 6, 2);
	ck_assert_uint_eq(h_ia(m), 0xBAD0);
	ck_assert_uint_eq(h_word(m, 0x28), 0x00000006u);	/* interruption code 6 */
	ck_assert_uint_eq(h_word(m, 0x2C), 0xA0001004u);	/* ILC 2, CC 2, past the instruction */
	ck_assert_uint_eq(cpu_real_to_absolute(c, 0x2C), 0x2Cu);
}
END_TEST

START_TEST(test_chan_interruption_bc_mode_stores_csw_and_device_address)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, 0, 16);
	ck_assert_uint_eq(io(SIO, 0x180), 0);
	/* Channel 1 masked: no interruption. */
	put_psw(0x200, 0xBE000000, LOOP); /* all but channel 1 and external */
	h_code(m, LOOP, "47F0 0F00");
	uint8_t psw[8];
	h_get(m, 0x200, psw, 8);
	cpu_set_psw(c, psw);
	ck_assert_int_eq(machine_run(c, 1000), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_ia(m), LOOP);
	/* Enabled: it comes. */
	put_psw(0x200, 0x40000000, LOOP);
	h_get(m, 0x200, psw, 8);
	cpu_set_psw(c, psw);
	ck_assert_int_eq(machine_run(c, 1000), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), IO_WAIT);
	ck_assert_uint_eq(h_word(m, 0x38), 0x40000180u);
	ck_assert_uint_eq(csw_hi(), 0x2008u);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	ck_assert_uint_eq(io(TIO, 0x180), 0);
}
END_TEST

START_TEST(test_chan_interruption_bc_bit6_covers_channels_6_up)
{
	struct chan_dev *d9 = devtest_attach(m, 0x900);
	ck_assert_ptr_nonnull(d9);
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, 0, 1);
	ck_assert_uint_eq(io(SIO, 0x900), 0);
	uint8_t psw[8] = {0x02, 0, 0, 0, 0, 0, 0x0F, 0x00};
	cpu_set_psw(c, psw);
	h_code(m, LOOP, "47F0 0F00");
	ck_assert_int_eq(machine_run(c, 100), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_word(m, 0x38) & 0xFFFF, 0x0900);
}
END_TEST

START_TEST(test_chan_interruption_ec_mode_needs_io_mask_and_cr2)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, 0, 1);
	ck_assert_uint_eq(io(SIO, 0x180), 0);
	h_code(m, LOOP, "47F0 0F00");
	uint8_t psw[8] = {0x02, 0x08, 0, 0, 0, 0, 0x0F, 0x00}; /* EC, I/O mask */
	cpu_set_cr(c, 2, 0x80000000u);                         /* only channel 0 */
	cpu_set_psw(c, psw);
	ck_assert_int_eq(machine_run(c, 100), MACHINE_EXIT_BUDGET);
	cpu_set_cr(c, 2, 0x40000000u);
	cpu_set_psw(c, psw);
	ck_assert_int_eq(machine_run(c, 100), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), IO_WAIT);
	ck_assert_uint_eq(h_word(m, 0xB8) & 0xFFFF, 0x0180);
	ck_assert_uint_eq(h_word(m, 0x38), 0x02080000u);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
}
END_TEST

START_TEST(test_chan_pci_gives_intermediate_interruption)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, CCW_CC | CCW_PCI, 1);
	ccw(0x2008, 0x03, 0, CCW_CC, 1);
	ccw(0x2010, 0x08, 0x2008, 0, 0); /* keeps going until halted */
	ck_assert_uint_eq(io(SIO, 0x180), 0);
	uint8_t psw[8] = {0x40, 0, 0, 0, 0, 0, 0x0F, 0x00};
	h_code(m, LOOP, "47F0 0F00");
	cpu_set_psw(c, psw);
	ck_assert_int_eq(machine_run(c, 100), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(csw_lo(), 0x00800000u);
	ck_assert_uint_eq(io(TIO, 0x180), 2); /* still working */
	ck_assert_uint_eq(io(HIO, 0x180), 2);
	ck_assert_uint_eq(io(TIO, 0x180), 1);
	ck_assert_uint_eq(csw_lo() & 0x00FF0000u, 0);
}
END_TEST

START_TEST(test_chan_pci_merged_into_final_status)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, CCW_PCI, 1);
	ck_assert_uint_eq(start_and_test(0x180), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C800000u);
}
END_TEST

START_TEST(test_chan_machine_io_reset_clears_pending)
{
	caw(0, 0x2000);
	ccw(0x2000, 0x03, 0, 0, 1);
	ck_assert_uint_eq(io(SIO, 0x180), 0);
	machine_io_reset(m);
	ck_assert_uint_eq(io(TIO, 0x180), 0);
}
END_TEST

START_TEST(test_chan_attach_rejects_duplicate_and_bad_address)
{
	ck_assert_ptr_null(devtest_attach(m, 0x180));
	ck_assert_ptr_null(devtest_attach(m, 0x1000));
}
END_TEST

/* ---- 3215 console ---- */

START_TEST(test_3215_write_with_cr_and_read_round_trip)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	struct chan_dev *con = dev3215_attach(m, 0x009, f);
	ck_assert_ptr_nonnull(con);
	uint8_t text[5];
	ascii_to_ebcdic_buf(text, "HELLO", 5);
	h_put(m, 0x3000, text, 5);
	caw(0, 0x2000);
	ccw(0x2000, 0x09, 0x3000, CCW_CC, 5);
	ccw(0x2008, 0x01, 0x3000, 0, 2);
	ck_assert_uint_eq(start_and_test(0x009), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	fflush(f);
	ck_assert_str_eq(out, "HELLO\nHE");

	/* Typing a line gives attention; the read gets it. */
	ck_assert(dev3215_input_line(con, "ipl cms\n"));
	ck_assert_uint_eq(io(TIO, 0x009), 1);
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_ATTN);
	ccw(0x2000, 0x0A, 0x3100, CCW_SLI, 130);
	ck_assert_uint_eq(start_and_test(0x009), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u | (130 - 7));
	char back[8] = {0};
	uint8_t raw[7];
	h_get(m, 0x3100, raw, 7);
	ebcdic_to_ascii_buf(back, raw, 7);
	ck_assert_str_eq(back, "ipl cms");
	fclose(f); /* the console is not used again */
	free(out);
}
END_TEST

START_TEST(test_3215_read_without_line_is_unit_check_intervention)
{
	struct chan_dev *con = dev3215_attach(m, 0x009, NULL);
	ck_assert_ptr_nonnull(con);
	caw(0, 0x2000);
	ccw(0x2000, 0x0A, 0x3100, CCW_SLI, 130);
	ck_assert_uint_eq(start_and_test(0x009), 1);
	ck_assert_uint_eq(csw_lo() >> 24, UNIT_CE | UNIT_DE | UNIT_UC);
	ccw(0x2000, 0x04, 0x3000, 0, 1);
	ck_assert_uint_eq(start_and_test(0x009), 1);
	ck_assert_uint_eq(h_word(m, 0x3000) >> 24, SENSE_INTREQ);
	ccw(0x2000, 0x03, 0, 0, 1);
	ck_assert_uint_eq(start_and_test(0x009), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
}
END_TEST

/* ---- 2540 reader ---- */

START_TEST(test_2540_ascii_deck_then_unit_exception_at_end)
{
	char deck[] = "// JOB\nX\n";
	FILE *f = fmemopen(deck, strlen(deck), "r");
	struct chan_dev *rdr = dev2540r_attach(m, 0x00C, f, true);
	ck_assert_ptr_nonnull(rdr);
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, 0, 80);
	ck_assert_uint_eq(start_and_test(0x00C), 1);
	ck_assert_uint_eq(csw_lo(), 0x0C000000u);
	uint8_t card[80];
	h_get(m, 0x3000, card, 80);
	ck_assert_uint_eq(card[0], 0x61); /* '/' */
	ck_assert_uint_eq(card[79], 0x40);
	ck_assert_uint_eq(start_and_test(0x00C), 1);
	h_get(m, 0x3000, card, 80);
	ck_assert_uint_eq(card[0], 0xE7); /* 'X' */
	ck_assert_uint_eq(card[1], 0x40);
	ck_assert_uint_eq(start_and_test(0x00C), 1);
	ck_assert_uint_eq(csw_lo(), 0x0D000050u); /* CE DE UX, nothing read */
	fclose(f);
}
END_TEST

START_TEST(test_2540_raw_deck_and_short_count_is_incorrect_length)
{
	uint8_t deck[160];
	memset(deck, 0xC1, 80);
	memset(deck + 80, 0xC2, 80);
	FILE *f = fmemopen(deck, sizeof deck, "r");
	ck_assert_ptr_nonnull(dev2540r_attach(m, 0x00C, f, false));
	caw(0, 0x2000);
	ccw(0x2000, 0x02, 0x3000, CCW_CC, 40);
	ccw(0x2008, 0x02, 0x3100, 0, 80);
	ck_assert_uint_eq(start_and_test(0x00C), 1);
	ck_assert_uint_eq(csw_hi(), 0x2008u); /* chaining stopped at the first CCW */
	ck_assert_uint_eq(csw_lo(), 0x0C400000u);
	ccw(0x2000, 0x02, 0x3000, 0, 80);
	ck_assert_uint_eq(start_and_test(0x00C), 1);
	ck_assert_uint_eq(h_word(m, 0x3000), 0xC2C2C2C2u);
	fclose(f);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("channel");
	TCase *tc = tcase_create("channel");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sio_no_device_is_cc3);
	tcase_add_test(tc, test_sio_read_completes_status_pending_then_tio_cc1_stores_csw);
	tcase_add_test(tc, test_sio_bad_caw_address_is_cc1_with_program_check);
	tcase_add_test(tc, test_sio_busy_subchannel_is_cc2_and_pending_status_is_cc1_busy);
	tcase_add_test(tc, test_siof_bad_first_ccw_is_cc0_with_deferred_cc1);
	tcase_add_test(tc, test_tio_condition_codes);
	tcase_add_test(tc, test_hio_idle_is_cc0_no_device_cc3);
	tcase_add_test(tc, test_hdv_working_device_is_cc2_then_status_pending);
	tcase_add_test(tc, test_hio_byte_multiplexer_working_is_cc1_csw_stored);
	tcase_add_test(tc, test_hio_stops_tic_loop_within_bounded_work);
	tcase_add_test(tc, test_clrio_condition_codes);
	tcase_add_test(tc, test_tch_condition_codes);
	tcase_add_test(tc, test_stidc_stores_channel_types);
	tcase_add_test(tc, test_sio_in_problem_state_is_privileged_operation);
	tcase_add_test(tc, test_sio_unassigned_second_byte_is_operation_exception);
	tcase_add_test(tc, test_chan_write_then_read_command_chained);
	tcase_add_test(tc, test_chan_data_chaining_splits_read_across_two_ccws);
	tcase_add_test(tc, test_chan_data_chaining_gathers_write);
	tcase_add_test(tc, test_chan_skip_reads_without_storing);
	tcase_add_test(tc, test_chan_short_record_without_sli_is_incorrect_length);
	tcase_add_test(tc, test_chan_short_record_with_sli_has_no_incorrect_length);
	tcase_add_test(tc, test_chan_long_record_truncated_with_incorrect_length);
	tcase_add_test(tc, test_chan_incorrect_length_suppresses_command_chaining);
	tcase_add_test(tc, test_chan_ida_reads_across_2k_blocks);
	tcase_add_test(tc, test_chan_ida_unaligned_second_idaw_is_program_check);
	tcase_add_test(tc, test_chan_read_backward_stores_descending);
	tcase_add_test(tc, test_chan_ida_read_backward_runs_down_through_blocks);
	tcase_add_test(tc, test_chan_read_backward_below_zero_is_program_check);
	tcase_add_test(tc, test_chan_tic_continues_at_target);
	tcase_add_test(tc, test_chan_tic_to_tic_is_program_check);
	tcase_add_test(tc, test_chan_invalid_ccw_flags_is_program_check);
	tcase_add_test(tc, test_chan_zero_count_in_chained_ccw_is_program_check);
	tcase_add_test(tc, test_chan_invalid_command_code_is_program_check);
	tcase_add_test(tc, test_chan_unaligned_tic_target_is_program_check);
	tcase_add_test(tc, test_chan_data_past_storage_is_program_check);
	tcase_add_test(tc, test_chan_ccw_past_storage_is_program_check);
	tcase_add_test(tc, test_chan_key_mismatch_store_is_protection_check);
	tcase_add_test(tc, test_chan_fetch_protected_ccw_is_protection_check);
	tcase_add_test(tc, test_chan_unit_check_then_sense);
	tcase_add_test(tc, test_chan_unit_exception_ends_command_chain);
	tcase_add_test(tc, test_chan_not_ready_read_is_sio_cc1_unit_check_without_the_model);
	tcase_add_test(tc, test_chan_not_ready_sense_is_intervention_required_sense_id_reaches_model);
	tcase_add_test(tc, test_chan_not_ready_siof_presents_deferred_cc1);
	tcase_add_test(tc, test_chan_becoming_ready_posts_device_end_once);
	tcase_add_test(tc, test_chan_not_ready_host_program_and_ipl_give_intervention_required);
	tcase_add_test(tc, test_chan_interruption_bc_mode_stores_csw_and_device_address);
	tcase_add_test(tc, test_chan_interruption_bc_bit6_covers_channels_6_up);
	tcase_add_test(tc, test_chan_interruption_ec_mode_needs_io_mask_and_cr2);
	tcase_add_test(tc, test_chan_pci_gives_intermediate_interruption);
	tcase_add_test(tc, test_chan_pci_merged_into_final_status);
	tcase_add_test(tc, test_chan_machine_io_reset_clears_pending);
	tcase_add_test(tc, test_chan_deferred_read_waits_costs_nothing_then_completes);
	tcase_add_test(tc, test_chan_deferred_read_ended_by_hio_and_reset);
	tcase_add_test(tc, test_machine_io_sync_runs_to_the_end_without_interruption);
	tcase_add_test(tc, test_machine_program_interrupt_from_the_host);
	tcase_add_test(tc, test_chan_attach_rejects_duplicate_and_bad_address);
	tcase_add_test(tc, test_3215_write_with_cr_and_read_round_trip);
	tcase_add_test(tc, test_3215_read_without_line_is_unit_check_intervention);
	tcase_add_test(tc, test_2540_ascii_deck_then_unit_exception_at_end);
	tcase_add_test(tc, test_2540_raw_deck_and_short_count_is_incorrect_length);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
