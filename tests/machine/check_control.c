/*
 * check_control.c - unit tests for the control instructions in insn_control.c: storage keys, the
 * system mask, control registers, CPU identification, the clock, PSW key, DIAGNOSE and SIGNAL
 * PROCESSOR; and for the restart and machine-check interruptions and store status (cpu.c).
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

/* An 8-byte PSW given as two words, into real storage at addr. */
static void put_psw(uint32_t addr, uint32_t hi, uint32_t lo)
{
	h_set_word(m, addr, hi);
	h_set_word(m, addr + 4, lo);
}

static uint64_t dword(uint32_t addr)
{
	return (uint64_t)h_word(m, addr) << 32 | h_word(m, addr + 4);
}

/* New PSWs that stop the CPU in a disabled wait at a recognisable address. */
#define EXT_WAIT 0xE0E0E0u
#define RESTART_WAIT 0xAAAAAAu
#define MCHECK_WAIT 0xCCCCCCu

/* EC mode, external mask on, key 0, at 0x1000. */
#define EC_EXT 0x01080000u

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
		"B600 0200", "B700 0200", "B202 0200", "B211 0200", "B212 0200", "AE12 0001",
		"E500 0200 0000", "E501 0200 0000",
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

/* ------------------------------------------------------------------------------------------------
 * SIGNAL PROCESSOR (one CPU, address 0)
 */

START_TEST(test_sigp_sense_own_cpu_is_cc0)
{
	cpu_set_gpr(c, 1, 0x11111111);
	cpu_set_gpr(c, 2, 0xFFFF0000); /* bits 16-31 are the CPU address: 0 */
	h_code(m, 0x1000, "AE12 0001");    /* SIGP 1,2,X'001' (sense) */
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0x11111111u);
}
END_TEST

START_TEST(test_sigp_other_cpu_address_is_not_operational_cc3)
{
	static const uint32_t addr[] = {1, 2, 0x0000FFFF};
	for (unsigned i = 0; i < 3; i++) {
		cpu_set_gpr(c, 1, 0x11111111);
		cpu_set_gpr(c, 2, addr[i]);
		h_code(m, 0x1000, "AE12 0005"); /* stop: would stop this CPU */
		ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
		ck_assert_uint_eq(h_cc(m), 3);
		ck_assert_uint_eq(cpu_get_gpr(c, 1), 0x11111111u);
	}
}
END_TEST

START_TEST(test_sigp_invalid_orders_and_impl_store_invalid_order_status)
{
	static const char *const code[] = {"AE12 0000", "AE12 000A", "AE12 000D", "AE12 00FF", "AE12 0F0E"};
	for (unsigned i = 0; i < sizeof code / sizeof code[0]; i++) {
		cpu_set_gpr(c, 1, 0xFFFFFFFF);
		cpu_set_gpr(c, 2, 0);
		h_code(m, 0x1000, code[i]);
		ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
		ck_assert_msg(h_cc(m) == 1, "%s: cc %u", code[i], h_cc(m));
		ck_assert_uint_eq(cpu_get_gpr(c, 1), 0x00000002u);
	}
}
END_TEST

START_TEST(test_sigp_start_is_accepted_and_changes_nothing)
{
	cpu_set_gpr(c, 2, 0);
	h_code(m, 0x1000, "AE12 0004 1A34");
	cpu_set_gpr(c, 3, 1);
	cpu_set_gpr(c, 4, 2);
	ck_assert_int_eq(h_run(m, 0x1000, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_ia(m), 0x1006);
	ck_assert_uint_eq(cpu_get_gpr(c, 3), 3);
}
END_TEST

START_TEST(test_sigp_external_call_interrupts_with_1202_and_cpu_address)
{
	put_psw(0x58, 0x00020000, EXT_WAIT);
	h_code(m, 0x84, "FFFF");
	cpu_set_cr(c, 0, 0x000020E0); /* external-call subclass mask, CR0 bit 18 */
	cpu_set_gpr(c, 2, 0);
	h_code(m, 0x1000, "AE12 0002");
	ck_assert_int_eq(run_psw(EC_EXT, 0x00001000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), EXT_WAIT);
	ck_assert_uint_eq(h_word(m, 0x84), 0x00001202u); /* CPU address 0, code X'1202' */
	ck_assert_uint_eq(h_word(m, 0x18), 0x01080000u); /* old PSW: CC 0 */
	ck_assert_uint_eq(h_word(m, 0x1C), 0x00001004u); /* past the SIGP */
}
END_TEST

START_TEST(test_sigp_external_call_pending_shows_in_sense_and_rejects_a_second)
{
	cpu_set_cr(c, 0, 0x000000E0); /* external call masked: it stays pending */
	cpu_set_gpr(c, 2, 0);
	h_code(m, 0x1000, "AE12 0002 AE32 0001 AE42 0002");
	cpu_set_gpr(c, 3, 0xFFFFFFFF);
	cpu_set_gpr(c, 4, 0xFFFFFFFF);
	ck_assert_int_eq(run_psw(EC_EXT, 0x00001000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_int_eq(machine_run(c, 1), MACHINE_EXIT_BUDGET); /* sense */
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(cpu_get_gpr(c, 3), 0x00000080u); /* status bit 24: external call pending */
	ck_assert_int_eq(machine_run(c, 1), MACHINE_EXIT_BUDGET); /* a second external call */
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(cpu_get_gpr(c, 4), 0x00000080u);
	/* Enabled, the one pending call is presented, and then no other. */
	put_psw(0x58, 0x00020000, EXT_WAIT);
	cpu_set_cr(c, 0, 0x000020E0);
	ck_assert_int_eq(machine_run(c, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_word(m, 0x84), 0x00001202u);
	h_code(m, 0x1000, "AE12 0001");
	ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0);
}
END_TEST

START_TEST(test_sigp_emergency_signal_interrupts_with_1201)
{
	put_psw(0x58, 0x00020000, EXT_WAIT);
	cpu_set_cr(c, 0, 0x000040E0); /* emergency-signal subclass mask, CR0 bit 17 */
	cpu_set_gpr(c, 2, 0);
	h_code(m, 0x1000, "AE12 0003");
	ck_assert_int_eq(run_psw(EC_EXT, 0x00001000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), EXT_WAIT);
	ck_assert_uint_eq(h_word(m, 0x84), 0x00001201u);
}
END_TEST

START_TEST(test_sigp_emergency_signal_is_presented_before_external_call)
{
	cpu_set_cr(c, 0, 0x000060E0);
	cpu_set_gpr(c, 2, 0);
	/* External mask off: both become pending; then SSM X'01' enables them. */
	h_code(m, 0x200, "01");
	h_code(m, 0x1000, "AE12 0002 AE12 0003 8000 0200");
	put_psw(0x58, 0x00020000, EXT_WAIT);
	ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_word(m, 0x84), 0x00001201u);
	ck_assert_uint_eq(h_word(m, 0x1C), 0x0000100Cu);
	/* Back to the interrupted program, enabled: now the external call. */
	ck_assert_int_eq(run_psw(EC_EXT, 0x0000100C, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_word(m, 0x84), 0x00001202u);
}
END_TEST

START_TEST(test_sigp_external_call_in_bc_mode_has_code_in_old_psw)
{
	put_psw(0x58, 0x00020000, EXT_WAIT);
	cpu_set_cr(c, 0, 0x000020E0);
	cpu_set_gpr(c, 2, 0);
	h_code(m, 0x1000, "AE12 0002");
	ck_assert_int_eq(run_psw(0x01000000, 0x00001000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_word(m, 0x18), 0x01001202u);
	ck_assert_uint_eq(h_word(m, 0x1C) & 0x00FFFFFFu, 0x001004u);
	ck_assert_uint_eq(h_word(m, 0x84) >> 16, 0); /* the sending CPU's address */
}
END_TEST

START_TEST(test_sigp_stop_stops_after_the_instruction)
{
	cpu_set_gpr(c, 2, 0);
	cpu_set_gpr(c, 3, 1);
	h_code(m, 0x1000, "AE12 0005 1A33");
	ck_assert_int_eq(h_run(m, 0x1000, 100), MACHINE_EXIT_STOPPED);
	ck_assert_uint_eq(h_ia(m), 0x1004);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(cpu_get_gpr(c, 3), 1);
	/* Started again (the host calls machine_run), it goes on after the SIGP. */
	ck_assert_int_eq(machine_run(c, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 3), 2);
}
END_TEST

START_TEST(test_sigp_stop_takes_the_enabled_pending_interruption_first)
{
	/* Deterministic time: the clock comparator falls due a few instructions after SCKC, and the
	 * CPU notices it only when it next looks - here at the SIGP stop, which it takes first. */
	struct machine_config cfg = {.storage_size = 64 * 1024, .deterministic_time = true};
	struct machine *dm = machine_new(&cfg);
	ck_assert_ptr_nonnull(dm);
	struct cpu *dc = machine_cpu(dm);
	static const uint8_t code[] = {
		0xB2, 0x05, 0x03, 0x00,       /* STCK X'300' */
		0x98, 0x23, 0x03, 0x00,       /* LM 2,3,X'300' */
		0x1E, 0x34,                   /* ALR 3,4 (+8K: eight instructions) */
		0x90, 0x23, 0x03, 0x00,       /* STM 2,3,X'300' */
		0xB2, 0x06, 0x03, 0x00,       /* SCKC X'300' */
		0x18, 0x55, 0x18, 0x55, 0x18, 0x55, 0x18, 0x55, 0x18, 0x55,
		0x18, 0x55, 0x18, 0x55, 0x18, 0x55, 0x18, 0x55, 0x18, 0x55,
		0xAE, 0x16, 0x00, 0x05,       /* SIGP 1,6,X'005' (stop) */
	};
	ck_assert(machine_load(dm, 0x1000, code, sizeof code));
	static const uint8_t ext_new[8] = {0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00};
	ck_assert(machine_load(dm, 0x58, ext_new, 8));
	cpu_set_cr(dc, 0, 0x000008E0); /* clock-comparator subclass mask */
	cpu_set_gpr(dc, 4, 8192);
	cpu_set_gpr(dc, 6, 0);
	static const uint8_t psw[8] = {0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00};
	cpu_set_psw(dc, psw);
	ck_assert_int_eq(machine_run(dc, 100), MACHINE_EXIT_STOPPED);
	uint8_t now[8], old[8];
	cpu_get_psw(dc, now);
	ck_assert_uint_eq(be32(now + 4), 0x00002000u); /* the external new PSW, then stopped */
	ck_assert(machine_dump(dm, 0x18, old, 8));
	ck_assert_uint_eq(be32(old + 4), 0x1000u + sizeof code);
	machine_free(dm);
}
END_TEST

START_TEST(test_sigp_stop_and_store_status_stores_then_stops)
{
	cpu_set_gpr(c, 2, 0);
	cpu_set_gpr(c, 5, 0x55555555);
	cpu_set_gpr(c, 15, 0xF0F0F0F0);
	cpu_set_fpr(c, 6, 0x4110000000000006ull);
	cpu_set_cr(c, 0, 0x000000E4);
	cpu_set_cr(c, 15, 0x00000600);
	h_code(m, 0x1000, "AE12 0009");
	ck_assert_int_eq(h_run_pm(m, 0x1000, 100, 0x8), MACHINE_EXIT_STOPPED);
	ck_assert_uint_eq(h_ia(m), 0x1004);
	ck_assert_uint_eq(dword(0x100), 0x0000000008001004ull); /* BC PSW, interruption code 0 */
	ck_assert_uint_eq(h_word(m, 0x108), 0);                   /* prefix */
	ck_assert_uint_eq(dword(0x178), 0x4110000000000006ull);   /* FPR 6 */
	ck_assert_uint_eq(h_word(m, 0x180 + 4 * 5), 0x55555555u);
	ck_assert_uint_eq(h_word(m, 0x180 + 4 * 15), 0xF0F0F0F0u);
	ck_assert_uint_eq(h_word(m, 0x1C0), 0x000000E4u);
	ck_assert_uint_eq(h_word(m, 0x1C0 + 4 * 15), 0x00000600u);
	ck_assert_uint_eq(dword(0xE0), 0xFFFFFFFFFFFFFFFFull); /* clock comparator as set up */
}
END_TEST

START_TEST(test_sigp_stop_and_store_status_uses_absolute_addresses_with_a_prefix)
{
	h_set_word(m, 0x300, 0x00004000);
	cpu_set_gpr(c, 2, 0);
	cpu_set_gpr(c, 7, 0x77777777);
	h_code(m, 0x1000, "B210 0300 AE12 0009"); /* SPX X'300' ; SIGP stop and store status */
	ck_assert_int_eq(h_run(m, 0x1000, 100), MACHINE_EXIT_STOPPED);
	ck_assert_uint_eq(h_word(m, 0x108), 0x00004000u);
	ck_assert_uint_eq(h_word(m, 0x180 + 4 * 7), 0x77777777u);
	ck_assert_uint_eq(h_word(m, 0x4000 + 0x180 + 4 * 7), 0);
}
END_TEST

START_TEST(test_sigp_restart_swaps_the_restart_psws)
{
	put_psw(0x00, 0x00020000, RESTART_WAIT);
	cpu_set_gpr(c, 2, 0);
	h_code(m, 0x1000, "AE12 0006 1A22");
	ck_assert_int_eq(h_run_pm(m, 0x1000, 100, 0x3), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), RESTART_WAIT);
	ck_assert_uint_eq(h_word(m, 0x08), 0x00000000u); /* BC: interruption code zero */
	ck_assert_uint_eq(h_word(m, 0x0C) & 0x3FFFFFFFu, 0x03001004u);
}
END_TEST

START_TEST(test_sigp_restart_in_ec_mode)
{
	put_psw(0x00, 0x00020000, RESTART_WAIT);
	cpu_set_gpr(c, 2, 0);
	h_code(m, 0x1000, "AE12 0006");
	ck_assert_int_eq(run_psw(0x00081000, 0x00001000, 100), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_word(m, 0x08), 0x00080000u); /* CC 0 */
	ck_assert_uint_eq(h_word(m, 0x0C), 0x00001004u);
}
END_TEST

START_TEST(test_sigp_cpu_reset_stops_keeping_psw_and_registers)
{
	cpu_set_gpr(c, 2, 0);
	cpu_set_gpr(c, 9, 0x99999999);
	cpu_set_cr(c, 0, 0x000020E0);
	h_code(m, 0x1000, "AE12 000C");
	ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 100), MACHINE_EXIT_STOPPED);
	uint8_t psw[8];
	psw_now(psw);
	ck_assert_uint_eq(be32(psw), 0x00080000u);
	ck_assert_uint_eq(be32(psw + 4), 0x00001004u);
	ck_assert_uint_eq(cpu_get_gpr(c, 9), 0x99999999u);
	ck_assert_uint_eq(cpu_get_cr(c, 0), 0x000020E0u);
}
END_TEST

START_TEST(test_sigp_cpu_reset_clears_a_pending_external_call)
{
	cpu_set_cr(c, 0, 0x000000E0);
	cpu_set_gpr(c, 2, 0);
	h_code(m, 0x1000, "AE12 0002 AE12 000C");
	ck_assert_int_eq(run_psw(EC_EXT, 0x00001000, 100), MACHINE_EXIT_STOPPED);
	h_code(m, 0x1004, "AE32 0001");
	cpu_set_gpr(c, 3, 0xFFFFFFFF);
	ck_assert_int_eq(run_psw(0x00080000, 0x00001004, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0); /* no external call pending any more */
}
END_TEST

START_TEST(test_sigp_initial_cpu_reset_clears_psw_prefix_and_control_registers)
{
	h_set_word(m, 0x300, 0x00004000);
	cpu_set_gpr(c, 2, 0);
	cpu_set_gpr(c, 9, 0x99999999);
	cpu_set_cr(c, 0, 0x12345678);
	cpu_set_cr(c, 5, 0x55555555);
	h_code(m, 0x1000, "B210 0300 AE12 000B");
	h_code(m, 0x4000 + 0x1004, "AE12 000B");
	ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 100), MACHINE_EXIT_STOPPED);
	uint8_t psw[8];
	psw_now(psw);
	ck_assert_uint_eq(be32(psw), 0);
	ck_assert_uint_eq(be32(psw + 4), 0);
	ck_assert_uint_eq(cpu_get_cr(c, 0), 0x000000E0u);
	ck_assert_uint_eq(cpu_get_cr(c, 2), 0xFFFFFFFFu);
	ck_assert_uint_eq(cpu_get_cr(c, 5), 0);
	ck_assert_uint_eq(cpu_get_cr(c, 14), 0xC2000000u);
	ck_assert_uint_eq(cpu_get_cr(c, 15), 0x00000200u);
	ck_assert_uint_eq(cpu_get_gpr(c, 9), 0x99999999u); /* registers are kept */
	/* The prefix is zero again: STPX stores 0. */
	h_code(m, 0x1000, "B211 0310");
	h_set_word(m, 0x310, 0xFFFFFFFF);
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_word(m, 0x310), 0);
}
END_TEST

START_TEST(test_sigp_program_resets_stop_the_cpu)
{
	static const char *const code[] = {"AE12 0008", "AE12 0007"};
	for (unsigned i = 0; i < 2; i++) {
		cpu_set_gpr(c, 2, 0);
		cpu_set_cr(c, 0, 0x000020E0);
		h_code(m, 0x1000, code[i]);
		ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 100), MACHINE_EXIT_STOPPED);
		uint8_t psw[8];
		psw_now(psw);
		/* Program reset keeps the PSW; initial program reset clears it and the CRs. */
		ck_assert_uint_eq(be32(psw + 4), i == 0 ? 0x00001004u : 0);
		ck_assert_uint_eq(cpu_get_cr(c, 0), i == 0 ? 0x000020E0u : 0x000000E0u);
	}
}
END_TEST

START_TEST(test_sigp_in_problem_state_is_privileged)
{
	cpu_set_gpr(c, 2, 0);
	h_code(m, 0x1000, "AE12 0005");
	ck_assert_int_eq(run_psw(0x00010000, 0x00001000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Restart, store status, machine check
 */

START_TEST(test_restart_key_on_a_stopped_cpu_is_taken_before_pending_interruptions)
{
	put_psw(0x00, 0x00020000, RESTART_WAIT);
	put_psw(0x58, 0x00020000, EXT_WAIT);
	cpu_set_cr(c, 0, 0x000020E0);
	cpu_set_gpr(c, 2, 0);
	/* External call pending but masked, then stop. */
	h_code(m, 0x1000, "AE12 0002 AE12 0005");
	ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 100), MACHINE_EXIT_STOPPED);
	cpu_set_psw(c, (const uint8_t[8]){0x01, 0x08, 0, 0, 0, 0, 0x10, 0x08}); /* enabled */
	machine_restart(c);
	ck_assert_int_eq(machine_run(c, 100), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), RESTART_WAIT);
	ck_assert_uint_eq(h_word(m, 0x08), 0x01080000u); /* the enabled PSW was the restart old PSW */
}
END_TEST

START_TEST(test_restart_key_interrupts_a_running_cpu_after_enabled_interruptions)
{
	put_psw(0x00, 0x00020000, RESTART_WAIT);
	put_psw(0x58, 0x00080000, 0x00002000); /* external new PSW: EC, disabled, at 0x2000 */
	h_code(m, 0x2000, "07F6");              /* a loop */
	cpu_set_cr(c, 0, 0x000020E0);
	cpu_set_gpr(c, 2, 0);
	cpu_set_gpr(c, 6, 0x2000);
	cpu_set_gpr(c, 7, 0x1004);
	h_code(m, 0x1000, "AE12 0002 07F7"); /* external call, then a loop */
	ck_assert_int_eq(run_psw(EC_EXT, 0x00001000, 50), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_ia(m) & 0xFFF000u, 0x2000);
	machine_restart(c);
	ck_assert_int_eq(machine_run(c, 100), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), RESTART_WAIT);
	ck_assert_uint_eq(h_word(m, 0x0C) & 0xFFF000u, 0x2000); /* interrupted in the loop */
}
END_TEST

START_TEST(test_restart_key_ends_a_disabled_wait)
{
	put_psw(0x00, 0x00080000, 0x00001000); /* restart new PSW: EC, running at 0x1000 */
	h_code(m, 0x1000, "1A11");
	cpu_set_gpr(c, 1, 4);
	ck_assert_int_eq(run_psw(0x000A0000, 0x00005000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(machine_wait_ns(c), UINT64_MAX);
	machine_restart(c);
	ck_assert_uint_eq(machine_wait_ns(c), 0);
	ck_assert_int_eq(machine_run(c, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 8);
	ck_assert_uint_eq(h_word(m, 0x08), 0x000A0000u);
	ck_assert_uint_eq(h_word(m, 0x0C), 0x00005000u);
}
END_TEST

START_TEST(test_store_status_stores_the_cpu_state_at_absolute_locations)
{
	h_set_word(m, 0x300, 0x00008000);
	h_code(m, 0x1000, "B210 0300"); /* SPX: prefix X'8000' */
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
	cpu_set_psw(c, (const uint8_t[8]){0x04, 0x1C, 0x80, 0, 0, 0x12, 0x34, 0x56});
	for (int i = 0; i < 16; i++) {
		cpu_set_gpr(c, i, 0x01010101u * (uint32_t)i);
		cpu_set_cr(c, i, 0x10000000u + (uint32_t)i);
	}
	for (int i = 0; i < 8; i += 2)
		cpu_set_fpr(c, i, 0x4100000000000000ull + (uint64_t)i);
	machine_store_status(m);
	ck_assert_uint_eq(dword(0x100), 0x041C800000123456ull);
	ck_assert_uint_eq(h_word(m, 0x108), 0x00008000u);
	ck_assert_uint_eq(dword(0x160 + 8 * 2), 0x4100000000000004ull);
	ck_assert_uint_eq(h_word(m, 0x180 + 4 * 3), 0x03030303u);
	ck_assert_uint_eq(h_word(m, 0x1C0 + 4 * 15), 0x1000000Fu);
	ck_assert_uint_eq(dword(0xE0), 0xFFFFFFFFFFFFFFFFull);
	ck_assert_uint_eq(h_word(m, 0x8000 + 0x180 + 4 * 3), 0); /* not the prefix area */
}
END_TEST

START_TEST(test_store_status_in_bc_mode_stores_interruption_code_zero)
{
	cpu_set_psw(c, (const uint8_t[8]){0xFF, 0x05, 0x12, 0x34, 0x9F, 0x00, 0x20, 0x00});
	machine_store_status(m);
	ck_assert_uint_eq(h_word(m, 0x100), 0xFF050000u);
	ck_assert_uint_eq(h_word(m, 0x104) & 0x3FFFFFFFu, 0x1F002000u);
}
END_TEST

/* EC mode, machine-check mask on. */
#define EC_MCHECK 0x000C0000u

START_TEST(test_machine_check_system_damage_swaps_psws_and_saves_registers)
{
	put_psw(0x70, 0x00020000, MCHECK_WAIT);
	cpu_set_gpr(c, 12, 0xC0C0C0C0);
	cpu_set_cr(c, 9, 0x99999999);
	h_code(m, 0x1000, "1A11");
	uint8_t psw[8];
	put_be32(psw, EC_MCHECK);
	put_be32(psw + 4, 0x1000);
	cpu_set_psw(c, psw);
	uint64_t code = MACHINE_MCIC_SD | MACHINE_MCIC_VALID;
	machine_check(c, code);
	ck_assert_int_eq(machine_run(c, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), MCHECK_WAIT);
	ck_assert_uint_eq(dword(0xE8), code);
	ck_assert_uint_eq(dword(0x30), 0x000C000000001000ull); /* taken before the AR */
	ck_assert_uint_eq(h_word(m, 0x180 + 4 * 12), 0xC0C0C0C0u);
	ck_assert_uint_eq(h_word(m, 0x1C0 + 4 * 9), 0x99999999u);
	ck_assert_uint_eq(dword(0xE0), 0xFFFFFFFFFFFFFFFFull);
}
END_TEST

START_TEST(test_machine_check_repressible_waits_for_its_cr14_subclass_mask)
{
	put_psw(0x70, 0x00020000, MCHECK_WAIT);
	h_code(m, 0x1000, "1A11 1A11 1A11");
	cpu_set_cr(c, 14, 0xC2000000); /* recovery subclass mask (bit 4) off */
	machine_check(c, MACHINE_MCIC_SR | MACHINE_MCIC_VALID);
	ck_assert_int_eq(run_psw(EC_MCHECK, 0x00001000, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_ia(m), 0x1004);
	ck_assert_uint_eq(machine_wait_ns(c), UINT64_MAX); /* nothing the CPU can take */
	cpu_set_cr(c, 14, 0xCA000000);
	ck_assert_int_eq(machine_run(c, 2), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(dword(0xE8), MACHINE_MCIC_SR | MACHINE_MCIC_VALID);
	ck_assert_uint_eq(h_word(m, 0x34), 0x00001004u);
}
END_TEST

START_TEST(test_machine_check_masked_by_psw_bit_13_stays_pending)
{
	put_psw(0x70, 0x00020000, MCHECK_WAIT);
	put_psw(0x300, EC_MCHECK, 0x00001010);
	h_code(m, 0x1000, "1A11 1A11 8200 0300");
	machine_check(c, MACHINE_MCIC_ED | MACHINE_MCIC_VALID); /* external damage: CR14 bit 6 is on */
	ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 2), MACHINE_EXIT_BUDGET);
	ck_assert_int_eq(machine_run(c, 10), MACHINE_EXIT_DISABLED_WAIT); /* LPSW enables */
	ck_assert_uint_eq(h_word(m, 0x34), 0x00001010u);
	ck_assert_uint_eq(dword(0xE8), MACHINE_MCIC_ED | MACHINE_MCIC_VALID);
}
END_TEST

START_TEST(test_machine_check_in_bc_mode_stores_interruption_code_zero)
{
	put_psw(0x70, 0x00020000, MCHECK_WAIT);
	h_code(m, 0x1000, "1A11");
	machine_check(c, MACHINE_MCIC_PD | MACHINE_MCIC_VALID);
	ck_assert_int_eq(run_psw(0x00041234, 0x00001000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_word(m, 0x30), 0x00040000u);
}
END_TEST

START_TEST(test_machine_check_exigent_while_masked_enters_check_stop)
{
	h_code(m, 0x1000, "1A11");
	cpu_set_gpr(c, 1, 1);
	machine_check(c, MACHINE_MCIC_SD | MACHINE_MCIC_VALID);
	/* PSW bit 13 zero, check-stop control (CR14 bit 0) one as after reset. */
	ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 10), MACHINE_EXIT_CHECKSTOP);
	ck_assert_int_eq(machine_run(c, 10), MACHINE_EXIT_CHECKSTOP);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 1);
	/* A new PSW from the operator starts it afresh; the condition is gone. */
	ck_assert_int_eq(run_psw(0x000C0000, 0x00001000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 2);
}
END_TEST

START_TEST(test_machine_check_exigent_without_check_stop_control_stays_pending)
{
	put_psw(0x70, 0x00020000, MCHECK_WAIT);
	h_code(m, 0x1000, "1A11");
	cpu_set_cr(c, 14, 0x42000000);
	machine_check(c, MACHINE_MCIC_SD | MACHINE_MCIC_VALID);
	ck_assert_int_eq(run_psw(0x00080000, 0x00001000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_int_eq(run_psw(EC_MCHECK, 0x00001000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), MCHECK_WAIT);
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

	TCase *sigp = tcase_create("sigp");
	tcase_add_checked_fixture(sigp, setup, teardown);
	tcase_add_test(sigp, test_sigp_sense_own_cpu_is_cc0);
	tcase_add_test(sigp, test_sigp_other_cpu_address_is_not_operational_cc3);
	tcase_add_test(sigp, test_sigp_invalid_orders_and_impl_store_invalid_order_status);
	tcase_add_test(sigp, test_sigp_start_is_accepted_and_changes_nothing);
	tcase_add_test(sigp, test_sigp_external_call_interrupts_with_1202_and_cpu_address);
	tcase_add_test(sigp, test_sigp_external_call_pending_shows_in_sense_and_rejects_a_second);
	tcase_add_test(sigp, test_sigp_emergency_signal_interrupts_with_1201);
	tcase_add_test(sigp, test_sigp_emergency_signal_is_presented_before_external_call);
	tcase_add_test(sigp, test_sigp_external_call_in_bc_mode_has_code_in_old_psw);
	tcase_add_test(sigp, test_sigp_stop_stops_after_the_instruction);
	tcase_add_test(sigp, test_sigp_stop_takes_the_enabled_pending_interruption_first);
	tcase_add_test(sigp, test_sigp_stop_and_store_status_stores_then_stops);
	tcase_add_test(sigp, test_sigp_stop_and_store_status_uses_absolute_addresses_with_a_prefix);
	tcase_add_test(sigp, test_sigp_restart_swaps_the_restart_psws);
	tcase_add_test(sigp, test_sigp_restart_in_ec_mode);
	tcase_add_test(sigp, test_sigp_cpu_reset_stops_keeping_psw_and_registers);
	tcase_add_test(sigp, test_sigp_cpu_reset_clears_a_pending_external_call);
	tcase_add_test(sigp, test_sigp_initial_cpu_reset_clears_psw_prefix_and_control_registers);
	tcase_add_test(sigp, test_sigp_program_resets_stop_the_cpu);
	tcase_add_test(sigp, test_sigp_in_problem_state_is_privileged);
	suite_add_tcase(s, sigp);

	TCase *intr = tcase_create("restart, store status, machine check");
	tcase_add_checked_fixture(intr, setup, teardown);
	tcase_add_test(intr, test_restart_key_on_a_stopped_cpu_is_taken_before_pending_interruptions);
	tcase_add_test(intr, test_restart_key_interrupts_a_running_cpu_after_enabled_interruptions);
	tcase_add_test(intr, test_restart_key_ends_a_disabled_wait);
	tcase_add_test(intr, test_store_status_stores_the_cpu_state_at_absolute_locations);
	tcase_add_test(intr, test_store_status_in_bc_mode_stores_interruption_code_zero);
	tcase_add_test(intr, test_machine_check_system_damage_swaps_psws_and_saves_registers);
	tcase_add_test(intr, test_machine_check_repressible_waits_for_its_cr14_subclass_mask);
	tcase_add_test(intr, test_machine_check_masked_by_psw_bit_13_stays_pending);
	tcase_add_test(intr, test_machine_check_in_bc_mode_stores_interruption_code_zero);
	tcase_add_test(intr, test_machine_check_exigent_while_masked_enters_check_stop);
	tcase_add_test(intr, test_machine_check_exigent_without_check_stop_control_stays_pending);
	suite_add_tcase(s, intr);
	return s;
}

int main(void)
{
	return check_run(suite());
}
