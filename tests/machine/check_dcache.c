/*
 * check_dcache.c - unit tests for decoded instructions (cpu.c): an entry must never run stale.
 *
 * The loop keeps decoded entries per 2K block and checks each against storage before it runs.
 * These tests change code in every way a machine can (the program itself, the host between runs,
 * instructions that cross a block), push blocks out of the cache, change the PSW key under
 * running code, and trace, and check that what runs is always what storage holds.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/check_run.h"
#include "tests/machine/harness.h"

static struct machine *m;
static struct cpu *c;

static void setup(void)
{
	m = h_new(1024 * 1024, true);
	c = machine_cpu(m);
}

static void teardown(void)
{
	machine_free(m);
}

/* A loop that rewrites its own first instruction: AR 2,1 the first time round, SR 2,1 the
 * second. A stale entry would add twice. */
START_TEST(test_store_into_code_runs_the_new_instruction)
{
	cpu_set_gpr(c, 1, 7);
	cpu_set_gpr(c, 2, 0);
	cpu_set_gpr(c, 3, 0x1000);
	cpu_set_gpr(c, 4, 2);
	/* 1000: AR 2,1 ; MVI 0(3),X'1B' ; BCT 4,0(3) */
	h_code(m, 0x1000, "1A21 921B 3000 4640 3000");
	ck_assert_int_eq(h_run(m, 0x1000, 6), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 2), 0);
	ck_assert_uint_eq(h_ia(m), 0x100A);
}
END_TEST

/* A store into the instruction right after the storing one, in the same block. */
START_TEST(test_store_into_the_next_instruction_runs_the_new_one)
{
	cpu_set_gpr(c, 3, 0x1000);
	/* 1000: MVI 7(3),X'09' ; LA 1,7 -> LA 1,9 */
	h_code(m, 0x1000, "9209 3007 4110 0007");
	ck_assert_int_eq(h_run(m, 0x1000, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 9);
}
END_TEST

/* The host (a loader, a channel program) writes code between runs. */
START_TEST(test_code_written_by_the_host_between_runs_is_seen)
{
	h_code(m, 0x1000, "4110 0001");
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 1);
	h_code(m, 0x1000, "4110 0002");
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 2);
	/* Same opcode, different length class: a 2-byte instruction in place of a 4-byte one. */
	cpu_set_gpr(c, 2, 40);
	h_code(m, 0x1000, "1812");
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 40);
	ck_assert_uint_eq(h_ia(m), 0x1002);
}
END_TEST

/* An instruction across a 2K boundary runs from both blocks every time, and sees a change in the
 * second block. */
START_TEST(test_instruction_across_a_block_sees_changes_in_either_half)
{
	h_code(m, 0x17FE, "4110 0007"); /* LA 1,7 across X'1800' */
	ck_assert_int_eq(h_run(m, 0x17FE, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 7);
	ck_assert_uint_eq(h_ia(m), 0x1802);
	h_code(m, 0x1800, "0009");
	ck_assert_int_eq(h_run(m, 0x17FE, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 9);
	h_code(m, 0x17FE, "4120");
	ck_assert_int_eq(h_run(m, 0x17FE, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 2), 9);
}
END_TEST

/* In a loop the crossing instruction and the ones after it run in order. */
START_TEST(test_loop_through_an_instruction_across_a_block)
{
	cpu_set_gpr(c, 4, 3);
	cpu_set_gpr(c, 5, 0x17FA);
	/* 17FA: LA 2,1(2) ; AHI 3,5 (across X'1800') ; BCT 4,0(5) */
	h_code(m, 0x17FA, "4122 0001 A73A 0005 4640 5000");
	ck_assert_int_eq(h_run(m, 0x17FA, 9), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 2), 3);
	ck_assert_uint_eq(cpu_get_gpr(c, 3), 15);
	ck_assert_uint_eq(h_ia(m), 0x1806);
}
END_TEST

/* The second half of an instruction past the end of storage: addressing exception, with the ILC
 * of the instruction and the old PSW past it. */
START_TEST(test_instruction_across_the_end_of_storage_is_addressing)
{
	machine_free(m);
	m = h_new(6 * 1024, true);
	c = machine_cpu(m);
	h_code(m, 0x17FE, "4110");
	ck_assert_int_eq(h_run(m, 0x17FE, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0005);
	ck_assert_uint_eq(h_pic_ilc(m), 2);
	ck_assert_uint_eq(h_pic_ia(m), 0x1802);
}
END_TEST

/* More blocks in use than one cache set holds (blocks 64K apart share a set): each block is
 * decoded again when it comes back, and the sum comes out right. */
START_TEST(test_blocks_pushed_out_of_the_cache_come_back_right)
{
	/* Block k (1-6) at 0x10000 * k + 0x1000: LA 2,k(2), then BRCL 15 to the next block; the
	 * sixth goes back to the first with BCT 4,0(5). Three times round. */
	for (uint32_t k = 1; k <= 6; k++) {
		char hex[64];
		if (k < 6)
			snprintf(hex, sizeof hex, "4122 %04X C0F4 0000 7FFE", k);
		else
			snprintf(hex, sizeof hex, "4122 %04X 4640 5000", k);
		h_code(m, 0x10000 * k + 0x1000, hex);
	}
	cpu_set_gpr(c, 4, 3);
	cpu_set_gpr(c, 5, 0x11000);
	ck_assert_int_eq(h_run(m, 0x11000, 36), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 2), 3 * 21);
	ck_assert_uint_eq(h_ia(m), 0x61008);
}
END_TEST

/* A new PSW key applies to the very next instruction in the same block: after SPKA the code
 * block, fetch-protected with key 2, can no longer be fetched with key 1. */
START_TEST(test_new_psw_key_applies_to_the_next_instruction_fetch)
{
	cpu_set_gpr(c, 2, 0x28); /* key 2, fetch protection */
	cpu_set_gpr(c, 3, 0x2000);
	h_code(m, 0x1000, "0823 47F0 3000"); /* SSK 2,3 ; B 0(3) */
	h_code(m, 0x2000, "4110 0001 B20A 0010 4110 0002"); /* LA 1,1 ; SPKA X'10' ; LA 1,2 */
	ck_assert_int_eq(h_run(m, 0x1000, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert(h_program_interrupted(m));
	ck_assert_uint_eq(h_pic(m), 0x0004);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 1);
}
END_TEST

struct trace_log {
	int n;
	uint32_t addr[16];
	int len[16];
};

static void trace_fn(void *arg, uint32_t addr, const uint8_t *insn, int len)
{
	struct trace_log *t = arg;
	(void)insn;
	if (t->n < 16) {
		t->addr[t->n] = addr;
		t->len[t->n] = len;
	}
	t->n++;
}

/* The trace hook sees each instruction once, in order, with its length, across a block. */
START_TEST(test_trace_sees_each_instruction_once)
{
	struct trace_log t = {0};
	cpu_set_trace(c, trace_fn, &t);
	h_code(m, 0x17FA, "1812 4110 0001 4120 0002");
	ck_assert_int_eq(h_run(m, 0x17FA, 3), MACHINE_EXIT_BUDGET);
	ck_assert_int_eq(t.n, 3);
	ck_assert_uint_eq(t.addr[0], 0x17FA);
	ck_assert_uint_eq(t.addr[1], 0x17FC);
	ck_assert_uint_eq(t.addr[2], 0x1800);
	ck_assert_int_eq(t.len[0], 2);
	ck_assert_int_eq(t.len[1], 4);
	ck_assert_uint_eq(cpu_get_gpr(c, 2), 2);
	ck_assert_uint_eq(h_ia(m), 0x1804);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dcache");
	TCase *tc = tcase_create("decoded");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_into_code_runs_the_new_instruction);
	tcase_add_test(tc, test_store_into_the_next_instruction_runs_the_new_one);
	tcase_add_test(tc, test_code_written_by_the_host_between_runs_is_seen);
	tcase_add_test(tc, test_instruction_across_a_block_sees_changes_in_either_half);
	tcase_add_test(tc, test_loop_through_an_instruction_across_a_block);
	tcase_add_test(tc, test_instruction_across_the_end_of_storage_is_addressing);
	tcase_add_test(tc, test_blocks_pushed_out_of_the_cache_come_back_right);
	tcase_add_test(tc, test_new_psw_key_applies_to_the_next_instruction_fetch);
	tcase_add_test(tc, test_trace_sees_each_instruction_once);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
