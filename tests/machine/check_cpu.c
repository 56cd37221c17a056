/*
 * check_cpu.c - unit tests for the machine core: life cycle, the dispatch loop, the PSW, program
 * interruptions (codes, ILC, old PSW in BC and EC mode), storage keys and protection, addressing,
 * instruction fetch across 2K blocks, the instruction table, the disassembler and the CC helpers.
 *
 * Only control instructions (insn_control.c) and undefined opcodes are used here, so these tests
 * do not depend on the other instruction families.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/insn_table.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

static struct machine *m;
static struct cpu *c;

static void setup(void)
{
	m = h_new(64 * 1024, true);
	c = machine_cpu(m);
}

static void teardown(void)
{
	machine_free(m);
}

static void set_psw_hex(const char *hex)
{
	uint8_t psw[8];
	for (int i = 0; i < 8; i++) {
		unsigned v;
		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		psw[i] = (uint8_t)v;
	}
	cpu_set_psw(c, psw);
}

static void get_bytes(uint32_t addr, uint8_t *out, uint32_t len)
{
	h_get(m, addr, out, len);
}

/* ---- life cycle ---- */

START_TEST(test_machine_new_rejects_bad_storage_sizes)
{
	static const uint32_t bad[] = {0, 2048, 4096 + 100, 17u * 1024 * 1024};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct machine_config cfg = {.storage_size = bad[i]};
		errno = 0;
		ck_assert_ptr_null(machine_new(&cfg));
		ck_assert_int_eq(errno, EINVAL);
	}
}
END_TEST

START_TEST(test_machine_new_16m_storage_is_zero_and_loadable_at_the_top)
{
	struct machine_config cfg = {.storage_size = MACHINE_MAX_STORAGE};
	struct machine *big = machine_new(&cfg);
	ck_assert_ptr_nonnull(big);
	uint8_t b[4] = {1, 2, 3, 4}, out[4];
	ck_assert(machine_dump(big, MACHINE_MAX_STORAGE - 4, out, 4));
	ck_assert_int_eq(out[0] | out[1] | out[2] | out[3], 0);
	ck_assert(machine_load(big, MACHINE_MAX_STORAGE - 4, b, 4));
	ck_assert(!machine_load(big, MACHINE_MAX_STORAGE - 3, b, 4));
	ck_assert(!machine_dump(big, MACHINE_MAX_STORAGE, out, 1));
	machine_free(big);
}
END_TEST

START_TEST(test_initial_control_registers_match_initial_cpu_reset)
{
	ck_assert_uint_eq(cpu_get_cr(c, 0), 0x000000E0u);
	ck_assert_uint_eq(cpu_get_cr(c, 2), 0xFFFFFFFFu);
	ck_assert_uint_eq(cpu_get_cr(c, 14), 0xC2000000u);
	ck_assert_uint_eq(cpu_get_cr(c, 15), 0x00000200u);
	ck_assert_uint_eq(cpu_get_cr(c, 1), 0);
}
END_TEST

/* ---- program interruptions ---- */

/* An opcode with no row is an operation exception; the ILC and old-PSW address follow the
 * opcode's length class. */
START_TEST(test_undefined_opcode_operation_exception_ilc_by_length)
{
	static const struct {
		const char *code;
		unsigned ilc;
	} cases[] = {
		{"0000", 1},
		{"5100 0000", 2},
		{"C800 0000 0000", 3},
		{"FF00 0000 0000", 3},
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		h_code(m, 0x1000, cases[i].code);
		ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
		ck_assert(h_program_interrupted(m));
		ck_assert_uint_eq(h_pic(m), 0x0001);
		ck_assert_uint_eq(h_pic_ilc(m), cases[i].ilc);
		ck_assert_uint_eq(h_pic_ia(m), 0x1000 + 2 * cases[i].ilc);
	}
}
END_TEST

START_TEST(test_program_interruption_in_ec_mode_stores_code_and_ilc_in_low_storage)
{
	h_code(m, 0x1000, "5100 0000");
	set_psw_hex("0008000000001000"); /* EC mode, key 0, supervisor */
	ck_assert_int_eq(machine_run(c, 10), MACHINE_EXIT_DISABLED_WAIT);
	uint8_t old[8], low[4];
	get_bytes(0x28, old, 8);
	get_bytes(0x8C, low, 4);
	ck_assert_uint_eq(old[1], 0x08);                    /* EC bit in the old PSW */
	ck_assert_uint_eq(old[2] | old[3] | old[4], 0);     /* no code in the PSW itself */
	ck_assert_uint_eq(be32(old + 4), 0x00001004u);
	ck_assert_uint_eq(low[1], 0x04);                    /* ILC 2 in bits 5-6 of X'8D' */
	ck_assert_uint_eq(be16(low + 2), 0x0001);
}
END_TEST

START_TEST(test_bc_old_psw_keeps_cc_and_program_mask)
{
	h_code(m, 0x1000, "0000");
	set_psw_hex("0000000039001000"); /* BC: ILC 0, CC 3, program mask 9 */
	ck_assert_int_eq(machine_run(c, 10), MACHINE_EXIT_DISABLED_WAIT);
	uint8_t old[8];
	get_bytes(0x28, old, 8);
	ck_assert_uint_eq(old[4], 0x40 | 0x30 | 0x09); /* ILC 1, CC 3, mask 9 */
	ck_assert_uint_eq(be16(old + 2), 0x0001);
}
END_TEST

START_TEST(test_privileged_instruction_in_problem_state)
{
	h_code(m, 0x1000, "8200 0100"); /* LPSW 256 */
	set_psw_hex("0001000000001000"); /* BC, problem state */
	ck_assert_int_eq(machine_run(c, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
	ck_assert_uint_eq(h_pic_ia(m), 0x1004);
}
END_TEST

START_TEST(test_lpsw_disabled_wait_stops_the_run)
{
	h_code(m, 0x100, "000A0000 00ABCDEF");
	h_code(m, 0x1000, "8200 0100");
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), 0xABCDEF);
	ck_assert_uint_eq(cpu_instructions(c), 1);
}
END_TEST

START_TEST(test_enabled_wait_leaves_with_enabled_wait)
{
	h_code(m, 0x100, "FF060000 00001234"); /* all channel masks and external on, wait */
	h_code(m, 0x1000, "8200 0100");
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_ENABLED_WAIT);
}
END_TEST

START_TEST(test_lpsw_unaligned_operand_is_specification_with_ilc_2)
{
	h_code(m, 0x1000, "8200 0104");
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0006);
	ck_assert_uint_eq(h_pic_ilc(m), 2);
	ck_assert_uint_eq(h_pic_ia(m), 0x1004);
}
END_TEST

/* An invalid EC-mode PSW is loaded, then recognised with ILC 0; the old PSW is that PSW. */
START_TEST(test_lpsw_invalid_ec_psw_gives_specification_with_ilc_0)
{
	h_code(m, 0x100, "0808000100002000"); /* bits 4 and 31 (reserved) set */
	h_code(m, 0x1000, "8200 0100");
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
	uint8_t old[8];
	get_bytes(0x28, old, 8);
	ck_assert_uint_eq(be32(old), 0x08080001u);
	ck_assert_uint_eq(be32(old + 4), 0x00002000u);
	uint8_t low[4];
	get_bytes(0x8C, low, 4);
	ck_assert_uint_eq(low[1], 0);
	ck_assert_uint_eq(be16(low + 2), 0x0006);
}
END_TEST

/* GA22-7000: for an odd instruction address the ILC is 1, 2 or 3 and says how far the address
 * was advanced; this machine uses 2 (and +4), as Hercules 3.13 does after LPSW. */
START_TEST(test_odd_instruction_address_gives_specification_with_ilc_2)
{
	h_code(m, 0x100, "0000000000002001");
	h_code(m, 0x1000, "8200 0100");
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0006);
	ck_assert_uint_eq(h_pic_ilc(m), 2);
	ck_assert_uint_eq(h_pic_ia(m), 0x2005);
}
END_TEST

START_TEST(test_invalid_program_new_psw_stops_with_program_interrupt_loop)
{
	h_code(m, 0x68, "0808FFFF00000000");
	h_code(m, 0x1000, "0000");
	ck_assert_int_eq(h_run(m, 0x1000, 1000), MACHINE_EXIT_PROGRAM_LOOP);
	ck_assert_uint_lt(cpu_instructions(c), 3);
}
END_TEST

START_TEST(test_budget_is_exact)
{
	/* SPKA 0 repeated: a harmless 4-byte instruction. */
	for (uint32_t a = 0x1000; a < 0x1000 + 4 * 100; a += 4)
		h_code(m, a, "B20A 0000");
	ck_assert_int_eq(h_run(m, 0x1000, 37), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_ia(m), 0x1000 + 4 * 37);
	ck_assert_uint_eq(cpu_instructions(c), 37);
	ck_assert_int_eq(machine_run(c, 3), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_instructions(c), 40);
}
END_TEST

START_TEST(test_diagnose_leaves_run_with_operands)
{
	cpu_set_gpr(c, 5, 0x100);
	h_code(m, 0x1000, "8337 5008");
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DIAGNOSE);
	struct machine_diagnose d = cpu_last_diagnose(c);
	ck_assert_int_eq(d.r1, 3);
	ck_assert_int_eq(d.r3, 7);
	ck_assert_uint_eq(d.code, 0x108);
	ck_assert_uint_eq(h_ia(m), 0x1004);
}
END_TEST

START_TEST(test_machine_stop_leaves_run_stopped)
{
	for (uint32_t a = 0x1000; a < 0x1010; a += 4)
		h_code(m, a, "B20A 0000");
	machine_stop(c);
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_STOPPED);
	ck_assert_int_eq(machine_run(c, 2), MACHINE_EXIT_BUDGET);
}
END_TEST

/* ---- addressing, keys, protection ---- */

START_TEST(test_operand_past_end_of_storage_is_addressing_exception)
{
	h_set_word(m, 0x200, 0x00010000u); /* LPSW operand = 64K, the first byte past storage */
	cpu_set_gpr(c, 1, 0x10000);
	h_code(m, 0x1000, "8200 1000");
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0005);
}
END_TEST

START_TEST(test_instruction_fetch_past_end_of_storage_is_addressing_exception)
{
	h_code(m, 0x100, "000000000000FFFE");
	h_code(m, 0xFFFE, "0000");
	h_code(m, 0x1000, "8200 0100");
	/* Jump to the last halfword: it is an undefined 2-byte opcode -> operation exception. */
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0001);
	/* A 4-byte opcode there needs bytes past the end: addressing. */
	h_code(m, 0xFFFE, "B20A");
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0005);
}
END_TEST

/* Key 1 PSW: storing into a key-2 block is a protection exception; fetching is allowed unless
 * the block is fetch-protected; key-0 storage rules for key 0 PSW. */
START_TEST(test_storage_key_protection_for_store_and_fetch)
{
	/* SSK 2,3 with R3 = 0x4000 (block 8): key in R2 */
	cpu_set_gpr(c, 3, 0x4000);
	cpu_set_gpr(c, 2, 0x20); /* key 2, no fetch protection */
	h_code(m, 0x1000, "0823 8200 0100");
	h_code(m, 0x100, "0010000000002000"); /* key 1, BC, supervisor, IA 2000 */
	/* At 2000: STPX 0x4000 (store into key-2 block) */
	h_code(m, 0x2000, "B211 3000");
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert(h_program_interrupted(m));
	ck_assert_uint_eq(h_pic(m), 0x0004);
	ck_assert_uint_eq(h_pic_ia(m), 0x2004);

	/* Fetch from the same block with key 1: allowed (LPSW of a wait PSW stored there). */
	h_code(m, 0x4000, "00020000 00123456");
	h_code(m, 0x2000, "8200 3000");
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), 0x123456);

	/* Now fetch-protect it: the same fetch is a protection exception. */
	cpu_set_gpr(c, 2, 0x28);
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert(h_program_interrupted(m));
	ck_assert_uint_eq(h_pic(m), 0x0004);
}
END_TEST

/* A cached translation must not survive a key change: store succeeds with matching keys, then
 * fails after SSK changes the block's key. */
START_TEST(test_tlb_does_not_hide_a_storage_key_change)
{
	cpu_set_gpr(c, 3, 0x4000);
	cpu_set_gpr(c, 2, 0x10);                     /* key 1 */
	cpu_set_gpr(c, 4, 0x20);                     /* key 2 */
	/* 1000: SSK 2,3 ; SPKA X'10' ; STPX 0(3) ; SPKA 0 ; SSK 4,3 ; SPKA X'10' ; STPX 0(3) */
	h_code(m, 0x1000, "0823 B20A 0010 B211 3000 B20A 0000 0843 B20A 0010 B211 3000");
	ck_assert_int_eq(h_run(m, 0x1000, 7), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert(h_program_interrupted(m));
	ck_assert_uint_eq(h_pic(m), 0x0004);
	ck_assert_uint_eq(h_pic_ia(m), 0x1018);
}
END_TEST

START_TEST(test_reference_and_change_bits_are_set_by_access)
{
	cpu_set_gpr(c, 3, 0x4000);
	cpu_set_gpr(c, 5, 0x4800);
	/* ISK 6,3 ; STPX 0(3) ; ISK 7,3 ; ISK 8,5  in EC mode so R and C are visible */
	h_code(m, 0x1000, "0963 B211 3000 0973 0985");
	set_psw_hex("0008000000001000");
	ck_assert_int_eq(machine_run(c, 4), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 6) & 0xFF, 0x00);
	ck_assert_uint_eq(cpu_get_gpr(c, 7) & 0xFF, SKEY_REF | SKEY_CHANGE);
	ck_assert_uint_eq(cpu_get_gpr(c, 8) & 0xFF, 0x00);
}
END_TEST

START_TEST(test_low_address_protection_blocks_stores_below_512)
{
	cpu_set_cr(c, 0, 0x100000E0u);
	h_code(m, 0x1000, "B211 0100 B211 0200");
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0004);
	cpu_set_cr(c, 0, 0x000000E0u);
	ck_assert_int_eq(h_run(m, 0x1004, 1), MACHINE_EXIT_BUDGET);
}
END_TEST

/* An instruction whose second halfword lies in a fetch-protected block is a protection
 * exception; one that fits in the first block runs. */
START_TEST(test_instruction_crossing_a_block_is_fetched_from_both)
{
	h_code(m, 0x17FE, "B20A 0000"); /* SPKA 0 across the 2K boundary at X'1800' */
	h_code(m, 0x1802, "B20A 0000");
	ck_assert_int_eq(h_run(m, 0x17FE, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_ia(m), 0x1806);
}
END_TEST

/* ---- the instruction table ---- */

START_TEST(test_instruction_table_rows_are_unique_and_consistent)
{
	for (unsigned i = 0; i < insn_table_count; i++) {
		const struct insn_desc *a = &insn_table[i];
		enum sub_where where = insn_sub_where(a->op);
		ck_assert_msg((where == SUB_NONE) == (a->sub == NOSUB), "%s: sub-opcode vs GROUP", a->mnemonic);
		if (where == SUB_NIBBLE)
			ck_assert_msg(a->sub < 16, "%s: nibble sub-opcode", a->mnemonic);
		for (unsigned j = i + 1; j < insn_table_count; j++) {
			const struct insn_desc *b = &insn_table[j];
			ck_assert_msg(!(a->op == b->op && a->sub == b->sub), "%s and %s share an opcode",
				      a->mnemonic, b->mnemonic);
			ck_assert_msg(strcmp(a->mnemonic, b->mnemonic), "%s appears twice", a->mnemonic);
		}
		/* 1-byte-format rows (RR) only in opcodes 00-3F; SS formats are 6 bytes. */
		if (a->format == F_RR || a->format == F_RR_M || a->format == F_RR_I || a->format == F_RR_1)
			ck_assert_msg(insn_length(a->op) == 2, "%s: RR format with long opcode", a->mnemonic);
		if (a->format == F_SS_L || a->format == F_SS_LL || a->format == F_SS_I || a->format == F_SSE)
			ck_assert_msg(insn_length(a->op) == 6, "%s: SS format with short opcode", a->mnemonic);
	}
}
END_TEST

START_TEST(test_extension_rows_are_operation_exceptions_with_extension_off)
{
	struct machine *plain = h_new(64 * 1024, false);
	/* LHI 1,5 (A718 0005) is an extension instruction. */
	h_code(plain, 0x1000, "A718 0005");
	ck_assert_int_eq(h_run(plain, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(plain), 0x0001);
	machine_free(plain);
}
END_TEST

START_TEST(test_disassembler_formats_operands)
{
	static const struct {
		const char *hex;
		const char *text;
	} cases[] = {
		{"1A12", "AR    1,2"},
		{"5810C008", "L     1,8(0,12)"},
		{"D207 1000 2008", "MVC   0(8,1),8(2)"},
		{"F821 1000 2000", "ZAP   0(3,1),0(2,2)"},
		{"0A0C", "SVC   12"},
		{"9500 1004", "CLI   4(1),X'00'"},
		{"B205 3000", "STCK  0(3)"},
		{"0000", "DC    X'0000'"},
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t b[6] = {0};
		const char *h = cases[i].hex;
		int n = 0;
		for (; *h; h++) {
			if (*h == ' ')
				continue;
			unsigned v;
			sscanf(h, "%1x", &v);
			b[n / 2] = (uint8_t)(b[n / 2] | v << (n % 2 ? 0 : 4));
			n++;
		}
		char buf[64];
		ck_assert_str_eq(disasm(b, true, buf, sizeof buf), cases[i].text);
	}
}
END_TEST

/* ---- condition-code helpers ---- */

START_TEST(test_add_and_subtract_helpers_cc_table)
{
	static const struct {
		uint32_t a, b;
		bool sub, logical;
		uint32_t res;
		uint8_t cc;
		bool overflow;
	} cases[] = {
		{1, 2, false, false, 3, 2, false},
		{0x7FFFFFFF, 1, false, false, 0x80000000, 3, true},
		{0x80000000, 0x80000000, false, false, 0, 3, true},
		{0xFFFFFFFF, 1, false, false, 0, 0, false},
		{5, 7, true, false, 0xFFFFFFFE, 1, false},
		{0x80000000, 1, true, false, 0x7FFFFFFF, 3, true},
		{0, 0, false, true, 0, 0, false},
		{1, 0, false, true, 1, 1, false},
		{0xFFFFFFFF, 1, false, true, 0, 2, false},
		{0xFFFFFFFF, 2, false, true, 1, 3, false},
		{5, 5, true, true, 0, 2, false},
		{5, 3, true, true, 2, 3, false},
		{3, 5, true, true, 0xFFFFFFFE, 1, false},
		{0, 0, true, true, 0, 2, false},
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint32_t r;
		bool ovf = false;
		uint8_t cc;
		if (cases[i].logical)
			cc = cases[i].sub ? sub_logical(cases[i].a, cases[i].b, &r) : add_logical(cases[i].a, cases[i].b, &r);
		else
			cc = cases[i].sub ? sub_signed(cases[i].a, cases[i].b, &r, &ovf)
					  : add_signed(cases[i].a, cases[i].b, &r, &ovf);
		ck_assert_msg(r == cases[i].res && cc == cases[i].cc && ovf == cases[i].overflow,
			      "case %u: got %08X cc %u ovf %d", i, r, cc, ovf);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cpu");
	TCase *tc = tcase_create("cpu");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_machine_new_rejects_bad_storage_sizes);
	tcase_add_test(tc, test_machine_new_16m_storage_is_zero_and_loadable_at_the_top);
	tcase_add_test(tc, test_initial_control_registers_match_initial_cpu_reset);
	tcase_add_test(tc, test_undefined_opcode_operation_exception_ilc_by_length);
	tcase_add_test(tc, test_program_interruption_in_ec_mode_stores_code_and_ilc_in_low_storage);
	tcase_add_test(tc, test_bc_old_psw_keeps_cc_and_program_mask);
	tcase_add_test(tc, test_privileged_instruction_in_problem_state);
	tcase_add_test(tc, test_lpsw_disabled_wait_stops_the_run);
	tcase_add_test(tc, test_enabled_wait_leaves_with_enabled_wait);
	tcase_add_test(tc, test_lpsw_unaligned_operand_is_specification_with_ilc_2);
	tcase_add_test(tc, test_lpsw_invalid_ec_psw_gives_specification_with_ilc_0);
	tcase_add_test(tc, test_odd_instruction_address_gives_specification_with_ilc_2);
	tcase_add_test(tc, test_invalid_program_new_psw_stops_with_program_interrupt_loop);
	tcase_add_test(tc, test_budget_is_exact);
	tcase_add_test(tc, test_diagnose_leaves_run_with_operands);
	tcase_add_test(tc, test_machine_stop_leaves_run_stopped);
	tcase_add_test(tc, test_operand_past_end_of_storage_is_addressing_exception);
	tcase_add_test(tc, test_instruction_fetch_past_end_of_storage_is_addressing_exception);
	tcase_add_test(tc, test_storage_key_protection_for_store_and_fetch);
	tcase_add_test(tc, test_tlb_does_not_hide_a_storage_key_change);
	tcase_add_test(tc, test_reference_and_change_bits_are_set_by_access);
	tcase_add_test(tc, test_low_address_protection_blocks_stores_below_512);
	tcase_add_test(tc, test_instruction_crossing_a_block_is_fetched_from_both);
	tcase_add_test(tc, test_instruction_table_rows_are_unique_and_consistent);
	tcase_add_test(tc, test_extension_rows_are_operation_exceptions_with_extension_off);
	tcase_add_test(tc, test_disassembler_formats_operands);
	tcase_add_test(tc, test_add_and_subtract_helpers_cc_table);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
