/*
 * check_ipl.c - unit tests for initial program loading (machine_ipl in channel.c), the card reader
 * and console built from configuration statements (dev2540r_config, dev3215_config) and the
 * device registry (devices.c).
 *
 * Fixture: a 64K machine and a scratch directory for deck files. Decks are built card by card;
 * an IPL card is a PSW and two CCWs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/be.h"
#include "lib/ebcdic.h"
#include "machine/channel.h"
#include "machine/devices.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

#define CODE 0x0F00u
#define RDR 0x00C
#define CARD 80

static struct machine *m;
static struct cpu *c;
static char dir[64];
static int nfiles;

static void setup(void)
{
	m = h_new(64 * 1024, false);
	c = machine_cpu(m);
	strcpy(dir, "/tmp/check_ipl.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	nfiles = 0;
}

static void teardown(void)
{
	char path[128];
	machine_free(m);
	for (int i = 0; i < nfiles; i++) {
		snprintf(path, sizeof path, "%s/f%d", dir, i);
		unlink(path);
	}
	rmdir(dir);
}

/* A scratch file holding len bytes; returns its path (static storage, one per call). */
static const char *file_of(const void *data, size_t len)
{
	static char paths[16][128];
	ck_assert_int_lt(nfiles, 16);
	char *path = paths[nfiles];
	snprintf(path, 128, "%s/f%d", dir, nfiles++);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

static void put_be32_pair(uint8_t *p, uint32_t hi, uint32_t lo)
{
	put_be32(p, hi);
	put_be32(p + 4, lo);
}

/* An IPL card: the PSW and CCW1, CCW2 (each as two words); the rest of the card is blanks. */
static void ipl_card(uint8_t card[CARD], uint32_t psw_hi, uint32_t psw_lo, uint32_t ccw1_hi,
		     uint32_t ccw1_lo, uint32_t ccw2_hi, uint32_t ccw2_lo)
{
	memset(card, 0x40, CARD);
	put_be32_pair(card, psw_hi, psw_lo);
	put_be32_pair(card + 8, ccw1_hi, ccw1_lo);
	put_be32_pair(card + 16, ccw2_hi, ccw2_lo);
}

/* Attach a reader at RDR from a deck of n cards (EBCDIC, plus extra options). */
static void reader(const uint8_t *cards, size_t n, const char *opt)
{
	char *argv[3] = { (char *)file_of(cards, n * CARD), (char *)"ebcdic", (char *)opt };
	char err[256];
	struct chan_dev *d = dev2540r_config(m, RDR, "3505", opt ? 3 : 2, argv, err, sizeof err);
	ck_assert_msg(d != NULL, "%s", err);
}

/* The usual two-card deck: PSW (given), CCW1 reads card 2 into X'1000', CCW2 a no-op. */
static void two_card_deck(uint32_t psw_hi, uint32_t psw_lo)
{
	uint8_t deck[2 * CARD];
	ipl_card(deck, psw_hi, psw_lo, 0x02001000, 0x60000050, 0x03000000, 0x20000001);
	memset(deck + CARD, 0xC1, CARD);
	reader(deck, 2, NULL);
}

static void psw_of(uint8_t psw[8])
{
	cpu_get_psw(c, psw);
}

/* ---- I/O through SIO and TIO, for the device tests ---- */

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

/* Run the one CCW (cmd, data, flags, count) on device a; returns the CSW's unit status and sets
 * *residual. */
static uint8_t one_ccw(uint16_t a, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count,
		       uint16_t *residual)
{
	h_set_word(m, 0x48, 0x2000);
	h_set_word(m, 0x2000, (uint32_t)cmd << 24 | data);
	h_set_word(m, 0x2004, (uint32_t)flags << 24 | count);
	ck_assert_uint_eq(io(0x9C00, a), 0);
	ck_assert_uint_eq(io(0x9D00, a), 1);
	if (residual)
		*residual = (uint16_t)h_word(m, 0x44);
	return (uint8_t)(h_word(m, 0x44) >> 24);
}

static uint8_t read_card(uint8_t card[CARD])
{
	memset(card, 0xEE, CARD);
	uint8_t unit = one_ccw(RDR, 0x02, 0x3000, CCW_SLI, CARD, NULL);
	h_get(m, 0x3000, card, CARD);
	return unit;
}

static uint8_t sense(uint16_t a)
{
	ck_assert_uint_eq(one_ccw(a, 0x04, 0x3100, CCW_SLI, 1, NULL), UNIT_CE | UNIT_DE);
	uint8_t s;
	h_get(m, 0x3100, &s, 1);
	return s;
}

/* ---- IPL: success ---- */

START_TEST(test_ipl_bc_psw_gets_device_address_in_interruption_code)
{
	two_card_deck(0x00000000, 0x00002000);
	ck_assert_int_eq(machine_ipl(m, RDR, NULL), MACHINE_IPL_OK);
	uint8_t psw[8], want[8] = { 0x00, 0x00, 0x00, 0x0C, 0x00, 0x00, 0x20, 0x00 };
	psw_of(psw);
	ck_assert_mem_eq(psw, want, 8);
	ck_assert_uint_eq(h_word(m, 0x00), 0x0000000Cu); /* stored at locations 2-3 too */
	ck_assert_uint_eq(h_word(m, 0xB8), 0);           /* not at X'BA' */
	ck_assert_uint_eq(h_word(m, 0x1000), 0xC1C1C1C1u);
	ck_assert_uint_eq(h_word(m, 0x104C), 0xC1C1C1C1u);
	ck_assert_uint_eq(h_word(m, 0x08), 0x02001000u); /* the CCWs stay where they were read */
}
END_TEST

START_TEST(test_ipl_ec_psw_gets_device_address_at_ba)
{
	two_card_deck(0x00080000, 0x00002000);
	ck_assert_int_eq(machine_ipl(m, RDR, NULL), MACHINE_IPL_OK);
	uint8_t psw[8], want[8] = { 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00 };
	psw_of(psw);
	ck_assert_mem_eq(psw, want, 8);
	ck_assert_uint_eq(h_word(m, 0xB8) & 0xFFFF, RDR);
	ck_assert_uint_eq(h_word(m, 0x00), 0x00080000u);
}
END_TEST

START_TEST(test_ipl_chains_through_tic_and_program_runs)
{
	/* Card 1: CCW1 reads card 2 (a CCW list) into X'400', CCW2 TICs there; the list reads card
	 * 3 (code: LPSW of a disabled wait at X'ABC') into X'800', where the IPL PSW starts. */
	uint8_t deck[3 * CARD];
	ipl_card(deck, 0x00000000, 0x00000800, 0x02000400, 0x60000050, 0x08000400, 0x00000000);
	memset(deck + CARD, 0x40, CARD);
	put_be32_pair(deck + CARD, 0x02000800, 0x20000050);
	memset(deck + 2 * CARD, 0, CARD);
	put_be32(deck + 2 * CARD, 0x82000808); /* LPSW X'808' */
	put_be32_pair(deck + 2 * CARD + 8, 0x00020000, 0x00000ABC);
	reader(deck, 3, NULL);
	ck_assert_int_eq(machine_ipl(m, RDR, NULL), MACHINE_IPL_OK);
	ck_assert_int_eq(machine_run(c, 100), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), 0xABC);
}
END_TEST

START_TEST(test_ipl_pci_flag_causes_no_interruption)
{
	/* CCW1 has PCI; the loaded PSW is an enabled wait for channel 0: nothing is pending. */
	uint8_t deck[2 * CARD];
	ipl_card(deck, 0xFF020000, 0x00002000, 0x02001000, 0x68000050, 0x03000000, 0x20000001);
	memset(deck + CARD, 0xC1, CARD);
	reader(deck, 2, NULL);
	h_set_word(m, 0x78, 0x00020000); /* an I/O interruption would stop at X'7777' */
	h_set_word(m, 0x7C, 0x00007777);
	ck_assert_int_eq(machine_ipl(m, RDR, NULL), MACHINE_IPL_OK);
	ck_assert_int_eq(machine_run(c, 10), MACHINE_EXIT_ENABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), 0x2000);
}
END_TEST

START_TEST(test_ipl_resets_cpu_and_io_but_keeps_registers)
{
	two_card_deck(0xFF020000, 0x00002000);
	struct chan_dev *con = dev3215_attach(m, 0x009, NULL);
	ck_assert_ptr_nonnull(con);
	ck_assert(dev3215_input_line(con, "pending")); /* attention pending on channel 0 */
	cpu_set_gpr(c, 5, 0x12345678);
	cpu_set_fpr(c, 2, 0x4110000000000000ull);
	cpu_set_cr(c, 0, 0x00800000);
	cpu_set_cr(c, 2, 0);
	h_set_word(m, 0x78, 0x00020000);
	h_set_word(m, 0x7C, 0x00007777);
	ck_assert_int_eq(machine_ipl(m, RDR, NULL), MACHINE_IPL_OK);
	ck_assert_uint_eq(cpu_get_cr(c, 0), 0x000000E0u);
	ck_assert_uint_eq(cpu_get_cr(c, 2), 0xFFFFFFFFu);
	ck_assert_uint_eq(cpu_get_cr(c, 14), 0xC2000000u);
	ck_assert_uint_eq(cpu_get_cr(c, 15), 0x00000200u);
	ck_assert_uint_eq(cpu_get_gpr(c, 5), 0x12345678u);
	ck_assert_uint_eq(cpu_get_fpr(c, 2), 0x4110000000000000ull);
	/* The attention was cleared by the I/O system reset: the enabled wait stays a wait. */
	ck_assert_int_eq(machine_run(c, 10), MACHINE_EXIT_ENABLED_WAIT);
	/* And the console took nothing with it: a new line is accepted. */
	ck_assert(dev3215_input_line(con, "again"));
}
END_TEST

/* ---- IPL: failures ---- */

START_TEST(test_ipl_no_device_is_not_operational_and_cpu_reset)
{
	struct machine_ipl_csw csw;
	cpu_set_cr(c, 0, 0);
	ck_assert_int_eq(machine_ipl(m, 0x0FF, &csw), MACHINE_IPL_NOT_OPERATIONAL);
	uint8_t psw[8], zero[8] = { 0 };
	psw_of(psw);
	ck_assert_mem_eq(psw, zero, 8);
	ck_assert_uint_eq(cpu_get_cr(c, 0), 0x000000E0u);
	ck_assert_str_eq(machine_ipl_str(MACHINE_IPL_NOT_OPERATIONAL),
			 "no device at that address (not operational)");
}
END_TEST

START_TEST(test_ipl_empty_reader_is_unit_check_intervention_required)
{
	char err[256];
	struct machine_ipl_csw csw;
	ck_assert_ptr_nonnull(dev2540r_config(m, RDR, "3505", 0, NULL, err, sizeof err));
	ck_assert_int_eq(machine_ipl(m, RDR, &csw), MACHINE_IPL_UNIT_CHECK);
	ck_assert_uint_eq(csw.unit, UNIT_CE | UNIT_DE | UNIT_UC);
	ck_assert_uint_eq(csw.sense_len, 1);
	ck_assert_uint_eq(csw.sense[0], SENSE_INTREQ);
}
END_TEST

START_TEST(test_ipl_empty_deck_with_eof_is_unit_exception)
{
	struct machine_ipl_csw csw;
	char *argv[] = { (char *)file_of("", 0), (char *)"eof", NULL };
	char err[256];
	ck_assert_ptr_nonnull(dev2540r_config(m, RDR, "3505", 2, argv, err, sizeof err));
	ck_assert_int_eq(machine_ipl(m, RDR, &csw), MACHINE_IPL_UNIT_EXCEPTION);
	ck_assert_uint_eq(csw.unit, UNIT_CE | UNIT_DE | UNIT_UX);
	ck_assert_uint_eq(csw.sense_len, 0);
	ck_assert_uint_eq(h_word(m, 0xB8), 0); /* no address stored */
}
END_TEST

START_TEST(test_ipl_from_console_is_unit_check_command_reject)
{
	struct machine_ipl_csw csw;
	ck_assert_ptr_nonnull(dev3215_attach(m, 0x009, NULL));
	ck_assert_int_eq(machine_ipl(m, 0x009, &csw), MACHINE_IPL_UNIT_CHECK);
	ck_assert_uint_eq(csw.sense[0], SENSE_CMDREJ);
	ck_assert_uint_eq(csw.ccw, 0x08); /* the implied CCW at 0, plus 8 */
}
END_TEST

START_TEST(test_ipl_short_count_without_sli_is_incorrect_length)
{
	struct machine_ipl_csw csw;
	uint8_t deck[2 * CARD];
	ipl_card(deck, 0, 0x2000, 0x02001000, 0x40000028, 0x03000000, 0x20000001); /* count 40, no SLI */
	memset(deck + CARD, 0xC1, CARD);
	reader(deck, 2, NULL);
	ck_assert_int_eq(machine_ipl(m, RDR, &csw), MACHINE_IPL_INCORRECT_LENGTH);
	ck_assert_uint_eq(csw.chan, CHAN_IL);
	ck_assert_uint_eq(csw.ccw, 0x10);
}
END_TEST

START_TEST(test_ipl_bad_ccw_flags_is_channel_program_check)
{
	struct machine_ipl_csw csw;
	uint8_t deck[2 * CARD];
	ipl_card(deck, 0, 0x2000, 0x02001000, 0x61000050, 0x03000000, 0x20000001); /* flag bit 39 */
	memset(deck + CARD, 0xC1, CARD);
	reader(deck, 2, NULL);
	ck_assert_int_eq(machine_ipl(m, RDR, &csw), MACHINE_IPL_CHANNEL_CHECK);
	ck_assert_uint_eq(csw.chan, CHAN_PROG);
	ck_assert_uint_eq(csw.ccw, 0x10);
}
END_TEST

START_TEST(test_ipl_ec_psw_format_error_is_invalid_psw_and_nothing_stored)
{
	uint8_t deck[2 * CARD];
	ipl_card(deck, 0x80080000, 0x00002000, 0x03000000, 0x20000001, 0, 0); /* EC, bit 0 on */
	reader(deck, 1, NULL);
	ck_assert_int_eq(machine_ipl(m, RDR, NULL), MACHINE_IPL_INVALID_PSW);
	uint8_t psw[8], zero[8] = { 0 };
	psw_of(psw);
	ck_assert_mem_eq(psw, zero, 8);
	ck_assert_uint_eq(h_word(m, 0xB8), 0);
}
END_TEST

START_TEST(test_ipl_endless_channel_program_is_no_end)
{
	uint8_t deck[CARD];
	ipl_card(deck, 0, 0x2000, 0x03000000, 0x40000001, 0x08000008, 0); /* NOP, TIC back */
	reader(deck, 1, NULL);
	ck_assert_int_eq(machine_ipl(m, RDR, NULL), MACHINE_IPL_NO_END);
	/* The device is usable afterwards. */
	ck_assert_uint_eq(io(0x9D00, RDR), 0);
}
END_TEST

/* ---- The reader from a configuration statement ---- */

START_TEST(test_reader_ascii_lines_become_blank_padded_cards)
{
	const char *text = "// JOB\r\na\tb\n";
	char *argv[] = { (char *)file_of(text, strlen(text)), NULL };
	char err[256];
	uint8_t card[CARD], want[CARD];
	ck_assert_ptr_nonnull(dev2540r_config(m, RDR, "3505", 1, argv, err, sizeof err)); /* detected */
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE);
	char line[CARD + 1];
	memset(line, ' ', CARD);
	memcpy(line, "// JOB", 6);
	ascii_to_ebcdic_buf(want, line, CARD);
	ck_assert_mem_eq(card, want, CARD);
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE);
	memset(line, ' ', CARD);
	line[0] = 'a';
	line[8] = 'b'; /* the tab goes to column 9 */
	ascii_to_ebcdic_buf(want, line, CARD);
	ck_assert_mem_eq(card, want, CARD);
	/* End of deck: unit check, intervention required (Hercules' default, intrq). */
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE | UNIT_UC);
	ck_assert_uint_eq(sense(RDR), SENSE_INTREQ);
}
END_TEST

START_TEST(test_reader_eof_option_gives_unit_exception_then_not_ready)
{
	const char *text = "ONE\n";
	char *argv[] = { (char *)file_of(text, strlen(text)), (char *)"ascii", (char *)"EOF", NULL };
	char err[256];
	uint8_t card[CARD];
	ck_assert_ptr_nonnull(dev2540r_config(m, RDR, "3505", 3, argv, err, sizeof err));
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE | UNIT_UX);
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE | UNIT_UC);
}
END_TEST

START_TEST(test_reader_long_line_is_an_error_unless_trunc)
{
	char text[100];
	memset(text, 'x', 90);
	strcpy(text + 90, "\n");
	char *argv[] = { (char *)file_of(text, strlen(text)), (char *)"ascii", NULL };
	char err[256], msg[300];
	ck_assert_ptr_null(dev2540r_config(m, RDR, "3505", 2, argv, err, sizeof err));
	snprintf(msg, sizeof msg, "%s: line 1 is longer than 80 characters (the trunc option cuts long lines)",
		 argv[0]);
	ck_assert_str_eq(err, msg);
	argv[1] = (char *)"trunc";
	uint8_t card[CARD], want[CARD];
	ck_assert_ptr_nonnull(dev2540r_config(m, RDR, "3505", 2, argv, err, sizeof err));
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE);
	memset(want, 0xA7, CARD); /* 'x' */
	ck_assert_mem_eq(card, want, CARD);
}
END_TEST

START_TEST(test_reader_short_ebcdic_deck_is_an_error_unless_autopad)
{
	uint8_t data[100];
	memset(data, 0xC1, sizeof data);
	char *argv[] = { (char *)file_of(data, sizeof data), (char *)"ebcdic", NULL };
	char err[256], msg[300];
	ck_assert_ptr_null(dev2540r_config(m, RDR, "3505", 2, argv, err, sizeof err));
	snprintf(msg, sizeof msg, "%s: 100 bytes is not a whole number of 80-byte cards "
		 "(the autopad option pads the last card)", argv[0]);
	ck_assert_str_eq(err, msg);
	argv[1] = (char *)"autopad"; /* binary data: detected as EBCDIC */
	uint8_t card[CARD], want[CARD] = { 0 };
	ck_assert_ptr_nonnull(dev2540r_config(m, RDR, "3505", 2, argv, err, sizeof err));
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE);
	memset(want, 0xC1, 20);
	ck_assert_mem_eq(card, want, CARD); /* padded with zeros */
}
END_TEST

START_TEST(test_reader_files_end_separately_unless_multifile)
{
	char *argv[] = { (char *)file_of("A\n", 2), (char *)file_of("B\n", 2), (char *)"eof", NULL };
	char err[256];
	uint8_t card[CARD];
	ck_assert_ptr_nonnull(dev2540r_config(m, RDR, "3505", 3, argv, err, sizeof err));
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(card[0], 0xC1);
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE | UNIT_UX);
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(card[0], 0xC2);
	ck_assert_uint_eq(read_card(card), UNIT_CE | UNIT_DE | UNIT_UX);

	char *argv2[] = { argv[0], argv[1], (char *)"multifile", (char *)"eof", NULL };
	ck_assert_ptr_nonnull(dev2540r_config(m, 0x00D, "3505", 4, argv2, err, sizeof err));
	ck_assert_uint_eq(one_ccw(0x00D, 0x02, 0x3000, CCW_SLI, CARD, NULL), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(one_ccw(0x00D, 0x02, 0x3000, CCW_SLI, CARD, NULL), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(one_ccw(0x00D, 0x02, 0x3000, CCW_SLI, CARD, NULL),
			  UNIT_CE | UNIT_DE | UNIT_UX);
}
END_TEST

START_TEST(test_reader_statement_errors)
{
	char err[256];
	char *both[] = { (char *)"ascii", (char *)"ebcdic", NULL };
	ck_assert_ptr_null(dev2540r_config(m, RDR, "3505", 2, both, err, sizeof err));
	ck_assert_str_eq(err, "3505: ascii and ebcdic exclude each other");
	char *sock[] = { (char *)"localhost:3505", (char *)"sockdev", NULL };
	ck_assert_ptr_null(dev2540r_config(m, RDR, "3505", 2, sock, err, sizeof err));
	ck_assert_str_eq(err, "3505: socket readers (sockdev) are not supported");
	char *missing[] = { (char *)"/nonexistent/deck", NULL };
	ck_assert_ptr_null(dev2540r_config(m, RDR, "3505", 1, missing, err, sizeof err));
	ck_assert_str_eq(err, "/nonexistent/deck: No such file or directory");
}
END_TEST

/* ---- The console ---- */

START_TEST(test_console_takes_one_line_at_a_time)
{
	char err[256];
	struct chan_dev *con = dev3215_config(m, 0x009, "3215-C", 0, NULL, err, sizeof err);
	ck_assert_ptr_nonnull(con);
	ck_assert(dev3215_input_line(con, "first"));
	ck_assert(!dev3215_input_line(con, "second")); /* attention pending, line unread */
	ck_assert_uint_eq(io(0x9D00, 0x009), 1);       /* TIO takes the attention */
	ck_assert(!dev3215_input_line(con, "second")); /* the line is still unread */
	uint16_t residual;
	ck_assert_uint_eq(one_ccw(0x009, 0x0A, 0x3000, CCW_SLI, 100, &residual), UNIT_CE | UNIT_DE);
	ck_assert_uint_eq(residual, 100 - 5);
	ck_assert(dev3215_input_line(con, "second"));
}
END_TEST

START_TEST(test_console_statement_arguments)
{
	char err[256];
	char *ok[] = { (char *)"noprompt", (char *)"/", NULL };
	ck_assert_ptr_nonnull(dev3215_config(m, 0x009, "3215-C", 2, ok, err, sizeof err));
	char *many[] = { (char *)"a", (char *)"b", (char *)"c", (char *)"d", NULL };
	ck_assert_ptr_null(dev3215_config(m, 0x01F, "3215", 4, many, err, sizeof err));
	ck_assert_str_eq(err, "3215: too many arguments (from 'd' on)");
}
END_TEST

/* ---- The registry ---- */

START_TEST(test_registry_finds_types_in_any_case)
{
	const struct device_type *t = devices_find("3215-c");
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->name, "3215-C");
	ck_assert_int_eq(t->class, DEVICE_CONSOLE);
	ck_assert_int_eq(devices_find("3505")->class, DEVICE_READER);
	ck_assert_ptr_null(devices_find("3270"));
	size_t n;
	const struct device_type *all = devices_table(&n);
	ck_assert_uint_ge(n, 8);
	for (size_t i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(all[i].config);
		ck_assert_ptr_eq(devices_find(all[i].name), &all[i]); /* no name twice */
	}
}
END_TEST

START_TEST(test_registry_attach_reports_unknown_type_and_model_errors)
{
	char err[256];
	ck_assert_ptr_null(devices_attach(m, 0x0C0, "3270", 0, NULL, err, sizeof err));
	ck_assert_str_eq(err, "device type 3270 is not supported");
	char *args[] = { (char *)"/nonexistent/deck", NULL };
	ck_assert_ptr_null(devices_attach(m, RDR, "3505", 1, args, err, sizeof err));
	ck_assert_str_eq(err, "/nonexistent/deck: No such file or directory");
	ck_assert_ptr_nonnull(devices_attach(m, 0x009, "1052-c", 0, NULL, err, sizeof err));
	ck_assert_ptr_null(devices_attach(m, 0x009, "3215", 0, NULL, err, sizeof err));
	ck_assert_str_eq(err, "the device address is already in use");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ipl");
	TCase *tc = tcase_create("ipl");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ipl_bc_psw_gets_device_address_in_interruption_code);
	tcase_add_test(tc, test_ipl_ec_psw_gets_device_address_at_ba);
	tcase_add_test(tc, test_ipl_chains_through_tic_and_program_runs);
	tcase_add_test(tc, test_ipl_pci_flag_causes_no_interruption);
	tcase_add_test(tc, test_ipl_resets_cpu_and_io_but_keeps_registers);
	tcase_add_test(tc, test_ipl_no_device_is_not_operational_and_cpu_reset);
	tcase_add_test(tc, test_ipl_empty_reader_is_unit_check_intervention_required);
	tcase_add_test(tc, test_ipl_empty_deck_with_eof_is_unit_exception);
	tcase_add_test(tc, test_ipl_from_console_is_unit_check_command_reject);
	tcase_add_test(tc, test_ipl_short_count_without_sli_is_incorrect_length);
	tcase_add_test(tc, test_ipl_bad_ccw_flags_is_channel_program_check);
	tcase_add_test(tc, test_ipl_ec_psw_format_error_is_invalid_psw_and_nothing_stored);
	tcase_add_test(tc, test_ipl_endless_channel_program_is_no_end);
	tcase_add_test(tc, test_reader_ascii_lines_become_blank_padded_cards);
	tcase_add_test(tc, test_reader_eof_option_gives_unit_exception_then_not_ready);
	tcase_add_test(tc, test_reader_long_line_is_an_error_unless_trunc);
	tcase_add_test(tc, test_reader_short_ebcdic_deck_is_an_error_unless_autopad);
	tcase_add_test(tc, test_reader_files_end_separately_unless_multifile);
	tcase_add_test(tc, test_reader_statement_errors);
	tcase_add_test(tc, test_console_takes_one_line_at_a_time);
	tcase_add_test(tc, test_console_statement_arguments);
	tcase_add_test(tc, test_registry_finds_types_in_any_case);
	tcase_add_test(tc, test_registry_attach_reports_unknown_type_and_model_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
