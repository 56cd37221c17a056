/*
 * check_control.c - unit tests for the control instructions in insn_control.c: storage keys, the
 * system mask, control registers, CPU identification, the clock, PSW key and DIAGNOSE.
 */
#include <check.h>
#include <stdlib.h>

#include "lib/be.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

static struct machine *m;
static struct cpu *c;

static void setup(void)
{
	m = h_new(64 * 1024, false);
	c = machine_cpu(m);
}

static void teardown(void)
{
	machine_free(m);
}

/* Run from 0x1000 with an 8-byte PSW given as two words. */
static enum machine_exit run_psw(uint32_t hi, uint32_t lo, uint64_t n)
{
	uint8_t psw[8];
	put_be32(psw, hi);
	put_be32(psw + 4, lo);
	cpu_set_psw(c, psw);
	return machine_run(c, n);
}

static void psw_now(uint8_t psw[8])
{
	cpu_get_psw(c, psw);
}

START_TEST(test_ssk_isk_ec_mode_round_trip_keeps_key_fetch_ref_change)
{
	cpu_set_gpr(c, 1, 0xFFFFFFFE); /* key F, fetch, R, C, low bit ignored */
	cpu_set_gpr(c, 2, 0x3000);
	cpu_set_gpr(c, 3, 0xAAAAAA00);
	h_code(m, 0x1000, "0812 0932"); /* SSK 1,2 ; ISK 3,2 */
	ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 3), 0xAAAAAAFEu);
}
END_TEST

START_TEST(test_isk_bc_mode_inserts_only_key_and_fetch_bit)
{
	cpu_set_gpr(c, 1, 0x000000FE);
	cpu_set_gpr(c, 2, 0x3000);
	cpu_set_gpr(c, 3, 0x12345678);
	h_code(m, 0x1000, "0812 0932");
	ck_assert_int_eq(h_run(m, 0x1000, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 3), 0x123456F8u);
}
END_TEST

START_TEST(test_ssk_address_past_storage_is_addressing_exception)
{
	cpu_set_gpr(c, 2, 0x10000);
	h_code(m, 0x1000, "0812");
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0005);
}
END_TEST

START_TEST(test_ssm_sets_system_mask_from_storage)
{
	h_code(m, 0x200, "FF");
	h_code(m, 0x1000, "8000 0200");
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
	uint8_t psw[8];
	psw_now(psw);
	ck_assert_uint_eq(psw[0], 0xFF);
}
END_TEST

START_TEST(test_ssm_in_ec_mode_with_reserved_bits_is_specification)
{
	h_code(m, 0x200, "80");
	h_code(m, 0x1000, "8000 0200");
	ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0006);
}
END_TEST

START_TEST(test_ssm_with_ssm_suppression_is_special_operation)
{
	cpu_set_cr(c, 0, 0x400000E0);
	h_code(m, 0x200, "00");
	h_code(m, 0x1000, "8000 0200");
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
}
END_TEST

START_TEST(test_stosm_and_stnsm_store_old_mask_then_change_it)
{
	/* EC mode, mask X'00': STOSM X'300',X'03' ; STNSM X'301',X'FE' */
	h_code(m, 0x1000, "AD03 0300 ACFE 0301");
	ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 2), MACHINE_EXIT_BUDGET);
	uint8_t b[2], psw[8];
	h_get(m, 0x300, b, 2);
	ck_assert_uint_eq(b[0], 0x00);
	ck_assert_uint_eq(b[1], 0x03);
	psw_now(psw);
	ck_assert_uint_eq(psw[0], 0x02);
}
END_TEST

START_TEST(test_lctl_stctl_wrap_from_cr15_to_cr0)
{
	h_set_word(m, 0x400, 0x11111111);
	h_set_word(m, 0x404, 0x22222222);
	h_set_word(m, 0x408, 0x33333333);
	h_code(m, 0x1000, "B7F1 0400 B6F1 0500"); /* LCTL 15,1,X'400' ; STCTL 15,1,X'500' */
	ck_assert_int_eq(h_run(m, 0x1000, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_cr(c, 15), 0x11111111u);
	ck_assert_uint_eq(cpu_get_cr(c, 0), 0x22222222u);
	ck_assert_uint_eq(cpu_get_cr(c, 1), 0x33333333u);
	ck_assert_uint_eq(h_word(m, 0x500), 0x11111111u);
	ck_assert_uint_eq(h_word(m, 0x508), 0x33333333u);
}
END_TEST

START_TEST(test_lctl_unaligned_is_specification)
{
	h_code(m, 0x1000, "B700 0402");
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0006);
}
END_TEST

START_TEST(test_stidp_stores_a_cpu_id_doubleword)
{
	h_code(m, 0x1000, "B202 0600");
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_word(m, 0x600), 0x00000001u);
	ck_assert_uint_eq(h_word(m, 0x604), 0x01580000u);
}
END_TEST

START_TEST(test_stck_is_unique_increasing_and_after_2020)
{
	h_code(m, 0x1000, "B205 0600 B205 0608");
	ck_assert_int_eq(h_run(m, 0x1000, 2), MACHINE_EXIT_BUDGET);
	uint64_t t1 = (uint64_t)h_word(m, 0x600) << 32 | h_word(m, 0x604);
	uint64_t t2 = (uint64_t)h_word(m, 0x608) << 32 | h_word(m, 0x60C);
	ck_assert(t2 > t1);
	/* 2020-01-01 is 3786825600 s after 1900-01-01; bit 51 = 1 microsecond. */
	ck_assert(t1 > (3786825600ull * 1000000ull) << 12);
	ck_assert_uint_eq(h_cc(m), 0);
}
END_TEST

START_TEST(test_spka_in_problem_state_needs_key_mask_authority)
{
	h_code(m, 0x1000, "B20A 0030");
	cpu_set_cr(c, 3, 0x10000000); /* key 3 authorised */
	ck_assert_int_eq(run_psw(0x00010000, 0x00001000, 1), MACHINE_EXIT_BUDGET);
	uint8_t psw[8];
	psw_now(psw);
	ck_assert_uint_eq(psw[1] >> 4, 3);
	cpu_set_cr(c, 3, 0x20000000); /* key 2 only */
	ck_assert_int_eq(run_psw(0x00010000, 0x00001000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
}
END_TEST

START_TEST(test_ipk_inserts_key_into_gr2)
{
	cpu_set_gpr(c, 2, 0xABCDEFFF);
	h_code(m, 0x1000, "B20B 0000");
	ck_assert_int_eq(run_psw(0x00500000, 0x00001000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 2), 0xABCDEF50u);
}
END_TEST

START_TEST(test_ipk_in_problem_state_without_extraction_authority_is_privileged)
{
	cpu_set_cr(c, 0, 0x000000E0);
	h_code(m, 0x1000, "B20B 0000");
	ck_assert_int_eq(run_psw(0x00010000, 0x00001000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
}
END_TEST

START_TEST(test_stpx_and_stap)
{
	h_code(m, 0x1000, "B211 0700 B212 0704");
	h_set_word(m, 0x704, 0xFFFFFFFF);
	ck_assert_int_eq(h_run(m, 0x1000, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_word(m, 0x700), 0);
	ck_assert_uint_eq(h_word(m, 0x704), 0x0000FFFFu);
}
END_TEST

START_TEST(test_every_privileged_control_instruction_in_problem_state)
{
	static const char *const code[] = {
		"0812", "0912", "8000 0200", "8200 0200", "8300 0000", "AC00 0200", "AD00 0200",
		"B600 0200", "B700 0200", "B202 0200", "B211 0200", "B212 0200",
	};
	for (unsigned i = 0; i < sizeof code / sizeof code[0]; i++) {
		h_code(m, 0x1000, code[i]);
		ck_assert_int_eq(run_psw(0x00010000, 0x00001000, 1), MACHINE_EXIT_DISABLED_WAIT);
		ck_assert_msg(h_pic(m) == 0x0002, "%s: code %04X", code[i], h_pic(m));
	}
}
END_TEST

START_TEST(test_stck_is_allowed_in_problem_state)
{
	h_code(m, 0x1000, "B205 0600");
	ck_assert_int_eq(run_psw(0x00010000, 0x00001000, 1), MACHINE_EXIT_BUDGET);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("control");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ssk_isk_ec_mode_round_trip_keeps_key_fetch_ref_change);
	tcase_add_test(tc, test_isk_bc_mode_inserts_only_key_and_fetch_bit);
	tcase_add_test(tc, test_ssk_address_past_storage_is_addressing_exception);
	tcase_add_test(tc, test_ssm_sets_system_mask_from_storage);
	tcase_add_test(tc, test_ssm_in_ec_mode_with_reserved_bits_is_specification);
	tcase_add_test(tc, test_ssm_with_ssm_suppression_is_special_operation);
	tcase_add_test(tc, test_stosm_and_stnsm_store_old_mask_then_change_it);
	tcase_add_test(tc, test_lctl_stctl_wrap_from_cr15_to_cr0);
	tcase_add_test(tc, test_lctl_unaligned_is_specification);
	tcase_add_test(tc, test_stidp_stores_a_cpu_id_doubleword);
	tcase_add_test(tc, test_stck_is_unique_increasing_and_after_2020);
	tcase_add_test(tc, test_spka_in_problem_state_needs_key_mask_authority);
	tcase_add_test(tc, test_ipk_inserts_key_into_gr2);
	tcase_add_test(tc, test_ipk_in_problem_state_without_extraction_authority_is_privileged);
	tcase_add_test(tc, test_stpx_and_stap);
	tcase_add_test(tc, test_every_privileged_control_instruction_in_problem_state);
	tcase_add_test(tc, test_stck_is_allowed_in_problem_state);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
