/*
 * check_cmd_vm.c - the virtual machine commands (cp/cmd_vm.c): their pure parts (cp/cmd_vm.h:
 * operands, DISPLAY's lines, DEFINE STORAGE's size, IPL's PARM) table by table, and through
 * cp_cmd_execute with a recording terminal what needs no virtual machine: the table rows, the
 * privilege check and the operator (no virtual machine: ?CP:). The commands on a running virtual
 * machine are tested end to end (tests/console/vmcmd.sh).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cp/cmd_vm.h"
#include "cp/command.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "tests/check_run.h"
#include "tests/cp/rec_term.h"

/* ---- A terminal that records lines ---- */

static struct rec_term rec;

static enum cp_cmd_rc run(unsigned classes, const char *line)
{
	static struct dir_user user;
	snprintf(user.userid, sizeof user.userid, "USER1");
	struct cp_cmd_ctx ctx = {.t = &rec.t, .user = &user, .classes = classes, .now = 1};
	rec_term_init(&rec);
	return cp_cmd_execute(&ctx, line);
}

/* ---- The table ---- */

START_TEST(test_rows_are_carried_out_with_vm370_abbreviations)
{
	static const struct {
		const char *word, *name;
	} t[] = {
		{"D", "DISPLAY"},   {"ST", "STORE"},   {"TR", "TRACE"},	    {"ADSTOP", "ADSTOP"},
		{"EXT", "EXTERNAL"}, {"REQ", "REQUEST"}, {"ATTN", "REQUEST"},  {"READY", "READY"},
		{"NOTR", "NOTREADY"}, {"REWIND", "REWIND"}, {"I", "IPL"},     {"B", "BEGIN"},
		{"SYS", "SYSTEM"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const struct cp_cmd_desc *d = cp_cmd_lookup(t[i].word);
		ck_assert_msg(d != NULL, "%s", t[i].word);
		d = cp_cmd_by_id(d->id);
		ck_assert_str_eq(d->name, t[i].name);
		ck_assert_msg(d->handler != NULL, "%s not carried out", d->name);
		ck_assert_str_eq(d->classes, "G");
	}
	ck_assert_ptr_null(cp_cmd_lookup("ADSTO"));	/* no abbreviation */
	ck_assert_ptr_null(cp_cmd_lookup("REWIN"));
}
END_TEST

START_TEST(test_class_b_user_gets_unknown_command)
{
	ck_assert_int_eq(run(DIR_CLASS('B'), "DISPLAY PSW"), CP_CMD_PRIVILEGE);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_str_eq(rec.lines[0], "?CP: DISPLAY");
	ck_assert_int_eq(run(DIR_CLASS('B'), "TR END"), CP_CMD_PRIVILEGE);
	ck_assert_str_eq(rec.lines[0], "?CP: TR");
}
END_TEST

START_TEST(test_without_a_virtual_machine_commands_do_not_exist)
{
	static const char *const cmds[] = {"DISPLAY PSW", "STORE G1 5", "TRACE SVC", "ADSTOP 1000",
					   "EXTERNAL", "REQUEST", "READY 009", "NOTREADY 009",
					   "REWIND 181", "IPL 00C", "BEGIN", "SYSTEM RESET"};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		ck_assert_int_eq(run(DIR_CLASS('G'), cmds[i]), CP_CMD_UNKNOWN);
		ck_assert_uint_eq(rec.n, 1);
		ck_assert_msg(strncmp(rec.lines[0], "?CP: ", 5) == 0, "%s: %s", cmds[i], rec.lines[0]);
	}
}
END_TEST

/* ---- Operands ---- */

START_TEST(test_hex_operands)
{
	uint32_t v;
	ck_assert(cmd_vm_hex("1A2B3C", 6, &v));
	ck_assert_uint_eq(v, 0x1A2B3C);
	ck_assert(!cmd_vm_hex("1A2B3C4", 6, &v));
	ck_assert(!cmd_vm_hex("", 6, &v));
	ck_assert(!cmd_vm_hex("12G", 6, &v));
	ck_assert(cmd_vm_hex("FFFFFFFF", 8, &v));
	ck_assert_uint_eq(v, 0xFFFFFFFFu);
}
END_TEST

START_TEST(test_storage_ranges)
{
	static const struct {
		const char *tok;
		enum cmd_vm_range_status st;
		enum cmd_vm_show show;
		uint32_t first, last;
	} t[] = {
		{"100", CMD_VM_RANGE_OK, CMD_VM_HEX, 0x100, 0x103},
		{"102", CMD_VM_RANGE_OK, CMD_VM_HEX, 0x100, 0x103},
		{"L100-11F", CMD_VM_RANGE_OK, CMD_VM_HEX, 0x100, 0x11F},
		{"T100:10F", CMD_VM_RANGE_OK, CMD_VM_TEXT, 0x100, 0x10F},
		{"100.20", CMD_VM_RANGE_OK, CMD_VM_HEX, 0x100, 0x11F},
		{"K0-END", CMD_VM_RANGE_OK, CMD_VM_KEYS, 0, 0xFFFF},
		{"T", CMD_VM_RANGE_OK, CMD_VM_TEXT, 0, 0xFFFF},
		{"-10", CMD_VM_RANGE_OK, CMD_VM_HEX, 0, 0x10},
		{"FFFC", CMD_VM_RANGE_OK, CMD_VM_HEX, 0xFFFC, 0xFFFF},
		{"10000", CMD_VM_RANGE_BEYOND, CMD_VM_HEX, 0x10000, 0x10003},
		{"FFF0.20", CMD_VM_RANGE_BEYOND, CMD_VM_HEX, 0xFFF0, 0x1000F},
		{"200-100", CMD_VM_RANGE_BAD, CMD_VM_HEX, 0, 0},
		{"100.0", CMD_VM_RANGE_BAD, CMD_VM_HEX, 0, 0},
		{"1000000", CMD_VM_RANGE_BAD, CMD_VM_HEX, 0, 0},
		{"10Z", CMD_VM_RANGE_BAD, CMD_VM_HEX, 0, 0},
		{"LX", CMD_VM_RANGE_BAD, CMD_VM_HEX, 0, 0},
		{"PSW", CMD_VM_RANGE_NOT, CMD_VM_HEX, 0, 0},
		{"G5", CMD_VM_RANGE_NOT, CMD_VM_HEX, 0, 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct cmd_vm_range r;
		enum cmd_vm_range_status st = cmd_vm_range(t[i].tok, 0x10000, &r);
		ck_assert_msg(st == t[i].st, "%s: %d", t[i].tok, st);
		if (st == CMD_VM_RANGE_OK || st == CMD_VM_RANGE_BEYOND) {
			ck_assert_msg(r.show == t[i].show && r.first == t[i].first && r.last == t[i].last,
				      "%s: %d %X-%X", t[i].tok, r.show, r.first, r.last);
		}
	}
}
END_TEST

START_TEST(test_register_operands)
{
	static const struct {
		const char *tok;
		char letter;
		bool ok;
		unsigned first, last;
	} t[] = {
		{"G", 'G', true, 0, 15},    {"G5", 'G', true, 5, 5},	  {"GREG5", 'G', true, 5, 5},
		{"G3-9", 'G', true, 3, 9},  {"G12", 'G', true, 12, 12},  {"GC", 'G', true, 12, 12},
		{"G4.3", 'G', true, 4, 6},  {"X0:END", 'X', true, 0, 15}, {"Y2", 'Y', true, 2, 2},
		{"G9-3", 'G', false, 0, 0}, {"G16", 'G', false, 0, 0},  {"GX", 'G', false, 0, 0},
		{"GE.3", 'G', false, 0, 0}, {"Y2", 'G', false, 0, 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		unsigned a = 99, b = 99;
		bool ok = cmd_vm_regs(t[i].tok, t[i].letter, &a, &b);
		ck_assert_msg(ok == t[i].ok, "%s", t[i].tok);
		if (ok)
			ck_assert_msg(a == t[i].first && b == t[i].last, "%s: %u-%u", t[i].tok, a, b);
	}
}
END_TEST

/* ---- Lines ---- */

START_TEST(test_storage_line_hex_text_and_key)
{
	/* "HELLO, WORLD" in EBCDIC and four more bytes. */
	static const uint8_t d[16] = {0xC8, 0xC5, 0xD3, 0xD3, 0xD6, 0x6B, 0x40, 0xE6,
				      0xD6, 0xD9, 0xD3, 0xC4, 0x00, 0x01, 0x02, 0x03};
	char buf[160];
	ck_assert_str_eq(cmd_vm_fmt_storage(buf, sizeof buf, 0x1010, d, 16, false, -1),
			 "001010 C8C5D3D3 D66B40E6 D6D9D3C4 00010203");
	ck_assert_str_eq(cmd_vm_fmt_storage(buf, sizeof buf, 0x1010, d, 16, true, -1),
			 "001010 C8C5D3D3 D66B40E6 D6D9D3C4 00010203 *HELLO, WORLD....*");
	ck_assert_str_eq(cmd_vm_fmt_storage(buf, sizeof buf, 0x800, d, 8, true, 0xE0),
			 "000800 C8C5D3D3 D66B40E6                   *HELLO, W* KEY = E0");
	ck_assert_str_eq(cmd_vm_fmt_storage(buf, sizeof buf, 0x800, d, 4, false, -1), "000800 C8C5D3D3");
}
END_TEST

START_TEST(test_register_lines)
{
	char buf[160];
	static const uint32_t v[4] = {0, 1, 0xFFFFFFFF, 0x12345678};
	ck_assert_str_eq(cmd_vm_fmt_regs(buf, sizeof buf, "GPR", 0, v, 4),
			 "GPR 0 = 00000000 00000001 FFFFFFFF 12345678");
	ck_assert_str_eq(cmd_vm_fmt_regs(buf, sizeof buf, "ECR", 12, v + 2, 2), "ECR C = FFFFFFFF 12345678");
}
END_TEST

START_TEST(test_fpr_lines_in_hex_and_e_format)
{
	char buf[160];
	ck_assert_str_eq(cmd_vm_fmt_fpr(buf, sizeof buf, 0, 0x4110000000000000ull),
			 "FPR 0 = 4110000000000000  .10000000000000000  E +01");
	ck_assert_str_eq(cmd_vm_fmt_fpr(buf, sizeof buf, 2, 0xC080000000000000ull),
			 "FPR 2 = C080000000000000  -.50000000000000000  E +00");
	ck_assert_str_eq(cmd_vm_fmt_fpr(buf, sizeof buf, 4, 0), "FPR 4 = 0000000000000000  .00000000000000000  E +00");
	ck_assert_str_eq(cmd_vm_fmt_fpr(buf, sizeof buf, 6, 0x3F1999999999999Aull),
			 "FPR 6 = 3F1999999999999A  .62500000000000003  E -02");
}
END_TEST

START_TEST(test_define_storage_sizes)
{
	uint64_t b;
	ck_assert(cmd_vm_storage_size("2M", &b));
	ck_assert_uint_eq(b, 2u * 1024 * 1024);
	ck_assert(cmd_vm_storage_size("00512K", &b));
	ck_assert_uint_eq(b, 512u * 1024);
	ck_assert(!cmd_vm_storage_size("0K", &b));
	ck_assert(!cmd_vm_storage_size("2G", &b));
	ck_assert(!cmd_vm_storage_size("K", &b));
	ck_assert(!cmd_vm_storage_size("1X2K", &b));
	ck_assert(!cmd_vm_storage_size("123456789K", &b));
}
END_TEST

START_TEST(test_ipl_parm_fills_registers_high_order_first)
{
	uint32_t r[16] = {0};
	ck_assert_uint_eq(cmd_vm_parm("AUTOCR", r), 2);
	ck_assert_uint_eq(r[0], 0xC1E4E3D6u);	/* AUTO */
	ck_assert_uint_eq(r[1], 0xC3D90000u);	/* CR */
	char big[100];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_uint_eq(cmd_vm_parm(big, r), 16);
	ck_assert_uint_eq(r[15], 0xC1C1C1C1u);
	ck_assert_uint_eq(cmd_vm_parm("", r), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cmd_vm");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_rows_are_carried_out_with_vm370_abbreviations);
	tcase_add_test(tc, test_class_b_user_gets_unknown_command);
	tcase_add_test(tc, test_without_a_virtual_machine_commands_do_not_exist);
	tcase_add_test(tc, test_hex_operands);
	tcase_add_test(tc, test_storage_ranges);
	tcase_add_test(tc, test_register_operands);
	tcase_add_test(tc, test_storage_line_hex_text_and_key);
	tcase_add_test(tc, test_register_lines);
	tcase_add_test(tc, test_fpr_lines_in_hex_and_e_format);
	tcase_add_test(tc, test_define_storage_sizes);
	tcase_add_test(tc, test_ipl_parm_fills_registers_high_order_first);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
