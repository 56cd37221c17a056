/*
 * check_vspool.c - the spooled virtual unit-record devices (cp/vspool.c), driven by guests through
 * the real channel: SIO runs a channel program, TIO gives the CSW, sense says why.
 *
 * Fixture: a spool in a temporary directory; two 64K machines, MAINT's and CMSUSER's, each with a
 * reader at 00C, a punch at 00D and a printer at 00E. Channel programs at CCWS, data at DATA.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp/spool.h"
#include "cp/vspool.h"
#include "lib/be.h"
#include "lib/ebcdic.h"
#include "machine/channel.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

#define IO_WAIT 0x7770u
#define CODE 0x1000u
#define CCWS 0x2000u
#define DATA 0x4000u
#define RDR 0x00C
#define PUN 0x00D
#define PRT 0x00E

#define SIO 0x9C00
#define TIO 0x9D00

#define CE_DE (UNIT_CE | UNIT_DE)

static const struct spool_actor OPER = { "OPERATOR", true };

static char tmpdir[64];
static struct spool *sp;
static struct machine *maint, *cms;
static struct chan_dev *maint_rdr, *maint_pun, *maint_prt, *cms_rdr;

static struct machine *new_machine(void)
{
	struct machine *m = h_new(64 * 1024, false);
	h_set_word(m, 0x78, 0x00020000);
	h_set_word(m, 0x7C, IO_WAIT);
	return m;
}

static void setup(void)
{
	char dir[128];
	strcpy(tmpdir, "/tmp/check_vspool.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dir, sizeof dir, "%s/spool", tmpdir);
	ck_assert_int_eq(spool_open(dir, NULL, &sp, NULL), SPOOL_OK);
	maint = new_machine();
	cms = new_machine();
	ck_assert_ptr_nonnull(maint_rdr = vspool_attach_reader(maint, RDR, 2540, sp, "MAINT", '*'));
	ck_assert_ptr_nonnull(maint_pun = vspool_attach_punch(maint, PUN, 2540, sp, "MAINT", 'A'));
	ck_assert_ptr_nonnull(maint_prt = vspool_attach_printer(maint, PRT, 1403, sp, "MAINT", 'A'));
	ck_assert_ptr_nonnull(cms_rdr = vspool_attach_reader(cms, RDR, 3505, sp, "CMSUSER", '*'));
}

static void teardown(void)
{
	char cmd[128];
	if (maint)
		machine_free(maint);
	if (cms)
		machine_free(cms);
	maint = cms = NULL;
	spool_close(sp);
	sp = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0) {
		/* a leftover temporary directory is harmless */
	}
}

/* ---- Channel programs ---- */

static uint32_t next_ccw, next_data;

static void program_start(void)
{
	next_ccw = CCWS;
	next_data = DATA;
}

/* Append a CCW; text (ASCII, translated to EBCDIC) is its data; count overrides its length when
 * not 0 (a read's buffer). */
static void add(struct machine *m, uint8_t code, const char *text, uint16_t count, uint8_t flags)
{
	uint32_t data = next_data;
	uint16_t n = text ? (uint16_t)strlen(text) : 1;
	if (text) {
		uint8_t e[256];
		ascii_to_ebcdic_buf(e, text, n);
		h_put(m, data, e, n);
	}
	if (count)
		n = count;
	next_data += (n + 7u) & ~7u;
	h_set_word(m, next_ccw, (uint32_t)code << 24 | data);
	h_set_word(m, next_ccw + 4, (uint32_t)flags << 24 | n);
	next_ccw += 8;
}

static unsigned io(struct machine *m, uint16_t op, uint16_t a)
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
	uint32_t ccw;
	uint8_t unit, chan;
	uint16_t residual;
};

static struct csw run(struct machine *m, uint16_t addr)
{
	h_set_word(m, 0x48, CCWS);
	ck_assert_uint_eq(io(m, SIO, addr), 0);
	ck_assert_uint_eq(io(m, TIO, addr), 1);
	uint32_t lo = h_word(m, 0x44);
	return (struct csw){ h_word(m, 0x40) & 0xFFFFFF, (uint8_t)(lo >> 24), (uint8_t)(lo >> 16),
			     (uint16_t)lo };
}

static void run_ok(struct machine *m, uint16_t addr)
{
	struct csw r = run(m, addr);
	ck_assert_msg(r.unit == CE_DE && r.chan == 0 && r.ccw == next_ccw,
		      "unit %02X chan %02X ended at %06X (program ends at %06X)", r.unit, r.chan, r.ccw,
		      next_ccw);
}

static uint8_t sense_byte(struct machine *m, uint16_t addr)
{
	program_start();
	add(m, 0x04, NULL, 1, 0);
	struct csw r = run(m, addr);
	ck_assert_uint_eq(r.unit, CE_DE);
	uint8_t b;
	h_get(m, DATA, &b, 1);
	return b;
}

/* One read CCW of 80 bytes (SLI); the card as ASCII, trailing blanks removed. */
static struct csw read_card(struct machine *m, char text[81])
{
	program_start();
	add(m, 0x02, NULL, 80, CCW_SLI);
	struct csw r = run(m, RDR);
	uint8_t card[80];
	h_get(m, DATA, card, 80);
	ebcdic_to_ascii_buf(text, card, 80);
	size_t n = 80;
	while (n && text[n - 1] == ' ')
		n--;
	text[n] = '\0';
	return r;
}

static size_t reader_files(const char *user)
{
	struct spool_file_info *v;
	size_t n;
	ck_assert_int_eq(spool_list(sp, &OPER, SPOOL_Q_READER, user, NULL, 0, &v, &n), SPOOL_OK);
	free(v);
	return n;
}

/* MAINT punches three cards to CMSUSER's reader and closes the punch. */
static void punch_three_to_cmsuser(bool hold)
{
	struct vspool_settings s;
	vspool_get(maint_pun, &s);
	s.route = VSPOOL_TO;
	strcpy(s.dest, "CMSUSER");
	s.hold = hold;
	ck_assert_int_eq(vspool_set(maint_pun, &s), SPOOL_OK);
	program_start();
	add(maint, 0x41, "CARD ONE", 0, CCW_CC | CCW_SLI);
	add(maint, 0x41, "CARD TWO", 0, CCW_CC | CCW_SLI);
	add(maint, 0x41, "CARD THREE", 0, CCW_SLI);
	run_ok(maint, PUN);
	ck_assert_uint_eq(vspool_open_id(maint_pun), 1);
	ck_assert_uint_eq(reader_files("CMSUSER"), 0); /* open until CLOSE */
	char resp[80];
	struct spool_file_info info;
	ck_assert_int_eq(vspool_close(maint_pun, NULL, &info, resp, sizeof resp), SPOOL_OK);
	ck_assert_str_eq(resp, hold ? "PUN FILE 0001 TO CMSUSER COPY 01 HOLD"
				    : "PUN FILE 0001 TO CMSUSER COPY 01 NOHOLD");
	ck_assert_uint_eq(info.records, 3);
	ck_assert_uint_eq(vspool_open_id(maint_pun), 0);
}

START_TEST(test_punched_cards_arrive_in_another_reader_and_read_back_then_purge)
{
	punch_three_to_cmsuser(false);
	ck_assert_uint_eq(reader_files("CMSUSER"), 1);
	char text[81];
	static const char *const want[3] = { "CARD ONE", "CARD TWO", "CARD THREE" };
	for (int i = 0; i < 3; i++) {
		struct csw r = read_card(cms, text);
		ck_assert_uint_eq(r.unit, CE_DE);
		ck_assert_str_eq(text, want[i]);
		ck_assert_uint_eq(vspool_open_id(cms_rdr), 1);
	}
	struct csw r = read_card(cms, text);
	ck_assert_uint_eq(r.unit, CE_DE | UNIT_UX);
	ck_assert_uint_eq(reader_files("CMSUSER"), 0); /* NOHOLD: purged at its end */
	/* Nothing left: a not-ready reader with an empty hopper. */
	r = read_card(cms, text);
	ck_assert_uint_eq(r.unit, CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense_byte(cms, RDR), SENSE_INTREQ);
}
END_TEST

START_TEST(test_reader_with_hold_keeps_the_file_to_read_again)
{
	punch_three_to_cmsuser(false);
	struct vspool_settings s;
	vspool_get(cms_rdr, &s);
	s.hold = true;
	ck_assert_int_eq(vspool_set(cms_rdr, &s), SPOOL_OK);
	char text[81];
	program_start();
	add(cms, 0x02, NULL, 80, CCW_CC | CCW_SLI);
	add(cms, 0x02, NULL, 80, CCW_CC | CCW_SLI);
	add(cms, 0x02, NULL, 80, CCW_SLI);
	run_ok(cms, RDR);
	ck_assert_uint_eq(read_card(cms, text).unit, CE_DE | UNIT_UX);
	ck_assert_uint_eq(reader_files("CMSUSER"), 1);
	ck_assert_uint_eq(vspool_open_id(cms_rdr), 0);
	ck_assert_uint_eq(read_card(cms, text).unit, CE_DE);
	ck_assert_str_eq(text, "CARD ONE");
	/* CLOSE NOHOLD purges whatever the settings. */
	struct vspool_close c = { .set_hold = true, .hold = false };
	ck_assert_int_eq(vspool_close(cms_rdr, &c, NULL, NULL, 0), SPOOL_OK);
	ck_assert_uint_eq(reader_files("CMSUSER"), 0);
}
END_TEST

START_TEST(test_file_sent_with_hold_is_not_read_until_changed)
{
	punch_three_to_cmsuser(true);
	char text[81];
	ck_assert_uint_eq(read_card(cms, text).unit, CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense_byte(cms, RDR), SENSE_INTREQ);
	struct spool_actor me = { "CMSUSER", false };
	struct spool_change ch = { .set_hold = true, .hold = SPOOL_HOLD_NONE };
	struct spool_select all = { SPOOL_SEL_ALL, 0, 0 };
	unsigned count;
	ck_assert_int_eq(spool_change(sp, &me, SPOOL_Q_READER, "CMSUSER", &all, 1, &ch, &count),
			 SPOOL_OK);
	ck_assert_uint_eq(read_card(cms, text).unit, CE_DE);
	ck_assert_str_eq(text, "CARD ONE");
}
END_TEST

START_TEST(test_empty_reader_gives_unit_check_intervention_required)
{
	char text[81];
	struct csw r = read_card(maint, text);
	ck_assert_uint_eq(r.unit, CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense_byte(maint, RDR), SENSE_INTREQ);
	/* Other commands are those of a reader: no-op works, a write is rejected. */
	program_start();
	add(maint, 0x03, NULL, 1, 0);
	run_ok(maint, RDR);
	program_start();
	add(maint, 0x01, "X", 0, 0);
	ck_assert_uint_eq(run(maint, RDR).unit, CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense_byte(maint, RDR), SENSE_CMDREJ);
}
END_TEST

START_TEST(test_noeof_reader_ends_a_file_with_intervention_required)
{
	punch_three_to_cmsuser(false);
	struct vspool_settings s;
	vspool_get(cms_rdr, &s);
	s.eof = false;
	ck_assert_int_eq(vspool_set(cms_rdr, &s), SPOOL_OK);
	char text[81];
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(read_card(cms, text).unit, CE_DE);
	ck_assert_uint_eq(read_card(cms, text).unit, CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense_byte(cms, RDR), SENSE_INTREQ);
	ck_assert_uint_eq(reader_files("CMSUSER"), 0);
}
END_TEST

START_TEST(test_cont_reader_reads_two_files_as_one)
{
	punch_three_to_cmsuser(false);
	program_start();
	add(maint, 0x01, "SECOND FILE", 0, CCW_SLI);
	run_ok(maint, PUN);
	ck_assert_int_eq(vspool_close(maint_pun, NULL, NULL, NULL, 0), SPOOL_OK);
	ck_assert_uint_eq(reader_files("CMSUSER"), 2);
	struct vspool_settings s;
	vspool_get(cms_rdr, &s);
	s.cont = true;
	ck_assert_int_eq(vspool_set(cms_rdr, &s), SPOOL_OK);
	char text[81];
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(read_card(cms, text).unit, CE_DE);
	ck_assert_str_eq(text, "SECOND FILE");
	ck_assert_uint_eq(read_card(cms, text).unit, CE_DE | UNIT_UX);
	ck_assert_uint_eq(reader_files("CMSUSER"), 0);
}
END_TEST

START_TEST(test_printer_lines_keep_carriage_control_and_export_as_text)
{
	program_start();
	add(maint, 0x09, "HELLO", 0, CCW_CC);
	add(maint, 0x11, "WORLD", 0, CCW_CC);
	add(maint, 0x8B, NULL, 1, CCW_CC);
	add(maint, 0x09, "PAGE TWO", 0, 0);
	run_ok(maint, PRT);
	char resp[80];
	struct spool_file_info f;
	struct vspool_close c = { .name = "LISTING", .type = "TEXT", .dist = "BIN7" };
	ck_assert_int_eq(vspool_close(maint_prt, &c, &f, resp, sizeof resp), SPOOL_OK);
	ck_assert_str_eq(resp, "PRT FILE 0001 FOR MAINT COPY 01 NOHOLD");
	ck_assert_int_eq(f.queue, SPOOL_Q_PRINTER);
	ck_assert_uint_eq(f.records, 4);
	ck_assert_str_eq(f.name, "LISTING");
	ck_assert_str_eq(f.dist, "BIN7");
	char path[128];
	snprintf(path, sizeof path, "%s/out.txt", tmpdir);
	ck_assert_int_eq(spool_export(sp, &OPER, f.id, path, SPOOL_EXPORT_TEXT), SPOOL_OK);
	FILE *in = fopen(path, "rb");
	ck_assert_ptr_nonnull(in);
	char buf[256];
	size_t n = fread(buf, 1, sizeof buf - 1, in);
	fclose(in);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "HELLO\nWORLD\n\n\fPAGE TWO\n");
	/* Over-long lines are cut to 132 (incorrect length unless SLI); bad commands rejected. */
	program_start();
	char longline[141];
	memset(longline, 'X', 140);
	longline[140] = '\0';
	add(maint, 0x09, longline, 0, 0);
	ck_assert_uint_eq(run(maint, PRT).chan, CHAN_IL);
	program_start();
	add(maint, 0x63, "\x01", 0, 0); /* load FCB: 3211 only */
	ck_assert_uint_eq(run(maint, PRT).unit, CE_DE | UNIT_UC);
	ck_assert_uint_eq(sense_byte(maint, PRT), SENSE_CMDREJ);
}
END_TEST

START_TEST(test_printer_file_in_a_reader_gives_command_byte_and_line)
{
	struct vspool_settings s;
	vspool_get(maint_prt, &s);
	s.route = VSPOOL_TO;
	strcpy(s.dest, "CMSUSER");
	ck_assert_int_eq(vspool_set(maint_prt, &s), SPOOL_OK);
	program_start();
	add(maint, 0x09, "LINE", 0, 0);
	run_ok(maint, PRT);
	ck_assert_int_eq(vspool_close(maint_prt, NULL, NULL, NULL, 0), SPOOL_OK);
	program_start();
	add(cms, 0x02, NULL, 133, CCW_SLI);
	struct csw r = run(cms, RDR);
	ck_assert_uint_eq(r.unit, CE_DE);
	ck_assert_uint_eq(r.residual, 133 - 5);
	uint8_t rec[5];
	h_get(cms, DATA, rec, 5);
	ck_assert_uint_eq(rec[0], 0x09);
	ck_assert_uint_eq(rec[1], 0xD3); /* L */
}
END_TEST

START_TEST(test_cont_punch_ignores_close_until_forced_and_purge_discards)
{
	struct vspool_settings s;
	vspool_get(maint_pun, &s);
	s.cont = true;
	ck_assert_int_eq(vspool_set(maint_pun, &s), SPOOL_OK);
	program_start();
	add(maint, 0x01, "A", 0, CCW_SLI);
	run_ok(maint, PUN);
	struct spool_file_info f;
	ck_assert_int_eq(vspool_close(maint_pun, NULL, &f, NULL, 0), SPOOL_OK);
	ck_assert_uint_eq(f.id, 0);
	ck_assert_uint_eq(vspool_open_id(maint_pun), 1);
	struct vspool_close c = { .force = true, .purge = true };
	ck_assert_int_eq(vspool_close(maint_pun, &c, &f, NULL, 0), SPOOL_OK);
	ck_assert_uint_eq(f.id, 0);
	ck_assert_uint_eq(vspool_open_id(maint_pun), 0);
	struct spool_file_info *v;
	size_t n;
	ck_assert_int_eq(spool_list(sp, &OPER, SPOOL_Q_PUNCH, NULL, NULL, 0, &v, &n), SPOOL_OK);
	ck_assert_uint_eq(n, 0);
	/* The next file is a new one, closed by a plain CLOSE after NOCONT. */
	program_start();
	add(maint, 0x01, "B", 0, CCW_SLI);
	run_ok(maint, PUN);
	s.cont = false;
	ck_assert_int_eq(vspool_set(maint_pun, &s), SPOOL_OK);
	ck_assert_int_eq(vspool_close(maint_pun, NULL, &f, NULL, 0), SPOOL_OK);
	ck_assert_uint_eq(f.id, 2);
	ck_assert_int_eq(f.queue, SPOOL_Q_PUNCH);
}
END_TEST

START_TEST(test_query_virtual_lines_and_settings)
{
	char line[80];
	ck_assert_uint_gt(vspool_query(maint_rdr, 0, line, sizeof line), 0);
	ck_assert_str_eq(line, "RDR 00C CL * NOCONT NOHOLD EOF READY");
	ck_assert_uint_eq(vspool_query(maint_rdr, 1, line, sizeof line), 0);
	vspool_query(maint_pun, 0, line, sizeof line);
	ck_assert_str_eq(line, "PUN 00D CL A NOCONT NOHOLD COPY 01 READY");
	vspool_query(maint_pun, 1, line, sizeof line);
	ck_assert_str_eq(line, "    00D FOR MAINT DIST MAINT");
	struct vspool_settings s;
	vspool_get(maint_prt, &s);
	s.class = 'B';
	s.cont = true;
	s.hold = true;
	s.copies = 3;
	s.route = VSPOOL_TO;
	strcpy(s.dest, "CMSUSER");
	strcpy(s.dist, "X1");
	ck_assert_int_eq(vspool_set(maint_prt, &s), SPOOL_OK);
	vspool_query(maint_prt, 0, line, sizeof line);
	ck_assert_str_eq(line, "PRT 00E CL B CONT HOLD COPY 03 READY");
	vspool_query(maint_prt, 1, line, sizeof line);
	ck_assert_str_eq(line, "    00E TO CMSUSER DIST X1");
	vspool_set_ready(maint_rdr, false);
	vspool_query(maint_rdr, 0, line, sizeof line);
	ck_assert_str_eq(line, "RDR 00C CL * NOCONT NOHOLD EOF NOTREADY");
	char text[81];
	ck_assert_uint_eq(read_card(maint, text).unit, CE_DE | UNIT_UC);
	/* Invalid settings change nothing. */
	s.copies = 0;
	ck_assert_int_eq(vspool_set(maint_prt, &s), SPOOL_ERR_ARG);
	s.copies = 1;
	s.class = '*';
	ck_assert_int_eq(vspool_set(maint_prt, &s), SPOOL_ERR_ARG);
	s.class = 'A';
	s.dest[0] = '\0';
	ck_assert_int_eq(vspool_set(maint_prt, &s), SPOOL_ERR_ARG);
	vspool_get(maint_prt, &s);
	ck_assert_uint_eq(s.copies, 3);
	ck_assert(vspool_attach_reader(maint, 0x010, 1403, sp, "MAINT", '*') == NULL);
	ck_assert(vspool_attach_punch(maint, 0x010, 2540, sp, "MAINT", '*') == NULL);
	ck_assert(vspool_attach_printer(maint, PRT, 1403, sp, "MAINT", 'A') == NULL);
}
END_TEST

START_TEST(test_freeing_the_machine_closes_open_output)
{
	program_start();
	add(maint, 0x09, "LAST WORDS", 0, 0);
	run_ok(maint, PRT);
	machine_free(maint);
	maint = NULL;
	struct spool_file_info *v;
	size_t n;
	ck_assert_int_eq(spool_list(sp, &OPER, SPOOL_Q_PRINTER, NULL, NULL, 0, &v, &n), SPOOL_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(v[0].records, 1);
	free(v);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("vspool");
	TCase *tc = tcase_create("vspool");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_punched_cards_arrive_in_another_reader_and_read_back_then_purge);
	tcase_add_test(tc, test_reader_with_hold_keeps_the_file_to_read_again);
	tcase_add_test(tc, test_file_sent_with_hold_is_not_read_until_changed);
	tcase_add_test(tc, test_empty_reader_gives_unit_check_intervention_required);
	tcase_add_test(tc, test_noeof_reader_ends_a_file_with_intervention_required);
	tcase_add_test(tc, test_cont_reader_reads_two_files_as_one);
	tcase_add_test(tc, test_printer_lines_keep_carriage_control_and_export_as_text);
	tcase_add_test(tc, test_printer_file_in_a_reader_gives_command_byte_and_line);
	tcase_add_test(tc, test_cont_punch_ignores_close_until_forced_and_purge_discards);
	tcase_add_test(tc, test_query_virtual_lines_and_settings);
	tcase_add_test(tc, test_freeing_the_machine_closes_open_output);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
