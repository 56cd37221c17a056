/*
 * check_timer.c - unit tests for the timing facilities in timer.c: SCK, STCK, SCKC, STCKC, SPT,
 * STPT, the clock-comparator, CPU-timer, interval-timer and interrupt-key external interruptions,
 * waits, and deterministic time. Machines run in deterministic mode (1024 TOD units, 1/4 us, per
 * instruction) unless a test says otherwise.
 */
#include <check.h>
#include <stdlib.h>

#include "lib/be.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

/* 2000-01-01 00:00, where deterministic time starts. */
#define DET_EPOCH (3155673600ull * 1000000ull * 4096ull)
#define PER_INSN 1024ull
#define EXT_WAIT 0x5000u /* the external new PSW: a disabled wait here */

static struct machine *m;
static struct cpu *c;

static struct machine *new_machine(bool deterministic)
{
	struct machine_config cfg = {.storage_size = 64 * 1024, .deterministic_time = deterministic};
	struct machine *mm = machine_new(&cfg);
	ck_assert_ptr_nonnull(mm);
	uint8_t pgm[8] = {0x00, 0x02, 0x00, 0x00, 0x00, 0xEE, 0xEE, 0xEE};
	uint8_t ext[8] = {0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x50, 0x00};
	ck_assert(machine_load(mm, 0x68, pgm, 8));
	ck_assert(machine_load(mm, 0x58, ext, 8));
	return mm;
}

static void setup(void)
{
	m = new_machine(true);
	c = machine_cpu(m);
}

static void teardown(void)
{
	machine_free(m);
}

static enum machine_exit run_psw(uint32_t hi, uint32_t lo, uint64_t n)
{
	uint8_t psw[8];
	put_be32(psw, hi);
	put_be32(psw + 4, lo);
	cpu_set_psw(c, psw);
	return machine_run(c, n);
}

static void put_dw(uint32_t addr, uint64_t v)
{
	uint8_t b[8];
	put_be64(b, v);
	h_put(m, addr, b, 8);
}

static uint64_t get_dw(uint32_t addr)
{
	uint8_t b[8];
	h_get(m, addr, b, 8);
	return be64(b);
}

/* The external old PSW's interruption code: BC mode from the PSW, EC mode from X'86'. */
static unsigned ext_code(void)
{
	uint8_t old[8];
	h_get(m, 0x18, old, 8);
	if (old[1] & 0x08) {
		uint8_t code[2];
		h_get(m, 0x86, code, 2);
		return be16(code);
	}
	return be16(old + 2);
}

static uint32_t ext_old_ia(void)
{
	return h_word(m, 0x1C) & 0xFFFFFFu;
}

START_TEST(test_sck_stck_round_trip)
{
	put_dw(0x200, 0x8000000000000000ull);
	h_code(m, 0x800, "B204 0200 B205 0208"); /* SCK 0x200 ; STCK 0x208 */
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(get_dw(0x208), 0x8000000000000000ull + PER_INSN);
}
END_TEST

START_TEST(test_sck_stck_round_trip_host_clock)
{
	machine_free(m);
	m = new_machine(false);
	c = machine_cpu(m);
	put_dw(0x200, 0x8000000000000000ull);
	h_code(m, 0x800, "B204 0200 B205 0208 B205 0210");
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 3), MACHINE_EXIT_BUDGET);
	uint64_t a = get_dw(0x208), b = get_dw(0x210);
	ck_assert_uint_ge(a, 0x8000000000000000ull);
	ck_assert_uint_lt(a, 0x8000000000000000ull + (4096ull << 20)); /* within a second */
	ck_assert_uint_gt(b, a);
}
END_TEST

START_TEST(test_stck_deterministic_starts_at_2000)
{
	h_code(m, 0x800, "B205 0200");
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(get_dw(0x200), DET_EPOCH + PER_INSN);
}
END_TEST

START_TEST(test_stckc_after_sckc_round_trip)
{
	put_dw(0x200, 0x0123456789ABCDEFull);
	h_code(m, 0x800, "B206 0200 B207 0208");
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(get_dw(0x208), 0x0123456789ABCDEFull);
}
END_TEST

START_TEST(test_stpt_after_spt_round_trip_decrements)
{
	put_dw(0x200, 0x0000080000000000ull);
	h_code(m, 0x800, "B208 0200 B209 0208");
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(get_dw(0x208), 0x0000080000000000ull - PER_INSN);
}
END_TEST

START_TEST(test_sckc_unaligned_is_specification)
{
	static const char *const code[] = {"B204 0204", "B206 0204", "B207 0204", "B208 0204", "B209 0204"};
	for (unsigned i = 0; i < sizeof code / sizeof code[0]; i++) {
		h_code(m, 0x800, code[i]);
		ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 1), MACHINE_EXIT_DISABLED_WAIT);
		ck_assert_msg(h_pic(m) == 0x0006, "%s: code %04X", code[i], h_pic(m));
	}
}
END_TEST

START_TEST(test_sck_privileged_in_problem_state)
{
	static const char *const code[] = {"B204 0200", "B206 0200", "B207 0200", "B208 0200", "B209 0200"};
	for (unsigned i = 0; i < sizeof code / sizeof code[0]; i++) {
		h_code(m, 0x800, code[i]);
		ck_assert_int_eq(run_psw(0x00010000, 0x00000800, 1), MACHINE_EXIT_DISABLED_WAIT);
		ck_assert_msg(h_pic(m) == 0x0002, "%s: code %04X", code[i], h_pic(m));
	}
}
END_TEST

/* SCKC with a comparator already passed: the interruption comes right after the SCKC. */
static enum machine_exit ckc_now(uint32_t hi, uint32_t cr0)
{
	put_dw(0x200, 0);
	h_code(m, 0x800, "B206 0200 47F0 0804");
	cpu_set_cr(c, 0, cr0);
	return run_psw(hi, 0x00000800, 100);
}

START_TEST(test_sckc_interruption_bc_mode)
{
	ck_assert_int_eq(ckc_now(0x01000000, 0x00000800), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), EXT_WAIT);
	ck_assert_uint_eq(ext_code(), 0x1004);
	ck_assert_uint_eq(ext_old_ia(), 0x804);
	ck_assert_uint_eq(h_word(m, 0x18), 0x01001004u); /* mask, key 0, BC, code */
}
END_TEST

START_TEST(test_sckc_interruption_ec_mode)
{
	ck_assert_int_eq(ckc_now(0x01080000, 0x00000800), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), EXT_WAIT);
	ck_assert_uint_eq(ext_code(), 0x1004);
	ck_assert_uint_eq(h_word(m, 0x18), 0x01080000u);
	ck_assert_uint_eq(ext_old_ia(), 0x804);
}
END_TEST

START_TEST(test_sckc_interruption_masked_by_cr0_bit_20)
{
	ck_assert_int_eq(ckc_now(0x01000000, 0x00000000), MACHINE_EXIT_BUDGET);
	ck_assert_int_eq(ckc_now(0x01080000, 0x00000000), MACHINE_EXIT_BUDGET);
}
END_TEST

START_TEST(test_sckc_interruption_masked_by_psw_bit_7)
{
	ck_assert_int_eq(ckc_now(0xFE000000, 0x00000800), MACHINE_EXIT_BUDGET);
	ck_assert_int_eq(ckc_now(0x00080000, 0x00000800), MACHINE_EXIT_BUDGET);
	/* Enabling it later (SSM) presents it at once. */
	put_dw(0x200, 0);
	h_set_word(m, 0x300, 0x01000000);
	h_code(m, 0x800, "B206 0200 8000 0300 47F0 0808");
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 100), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(ext_code(), 0x1004);
	ck_assert_uint_eq(ext_old_ia(), 0x808);
}
END_TEST

START_TEST(test_sckc_future_interrupts_when_reached)
{
	/* Comparator 10000 instructions from now: the loop is interrupted at the next look. */
	put_dw(0x200, DET_EPOCH + 10000 * PER_INSN);
	h_code(m, 0x800, "B206 0200 47F0 0804");
	cpu_set_cr(c, 0, 0x00000800);
	ck_assert_int_eq(run_psw(0x01000000, 0x00000800, 9000), MACHINE_EXIT_BUDGET);
	ck_assert_int_eq(machine_run(c, 100000), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(ext_code(), 0x1004);
	ck_assert_uint_eq(ext_old_ia(), 0x804);
	uint64_t n = cpu_instructions(c);
	ck_assert_uint_gt(n, 10000);
	ck_assert_uint_le(n, 10000 + 16384);
}
END_TEST

START_TEST(test_spt_interruption_when_negative)
{
	put_dw(0x200, 1000 * PER_INSN);
	h_code(m, 0x800, "B208 0200 47F0 0804");
	cpu_set_cr(c, 0, 0x00000400);
	ck_assert_int_eq(run_psw(0x01000000, 0x00000800, 100000), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(ext_code(), 0x1005);
	ck_assert_uint_eq(ext_old_ia(), 0x804);
	/* STPT in the handler's state: negative now. */
	h_code(m, EXT_WAIT + 0x100, "B209 0208");
	ck_assert_int_eq(run_psw(0x00000000, EXT_WAIT + 0x100, 1), MACHINE_EXIT_BUDGET);
	ck_assert_int_lt((int64_t)get_dw(0x208), 0);
}
END_TEST

START_TEST(test_spt_interruption_masked_by_cr0_bit_21)
{
	put_dw(0x200, 0xFFFFFFFFFFFFFFFFull); /* negative at once */
	h_code(m, 0x800, "B208 0200 47F0 0804");
	cpu_set_cr(c, 0, 0x00000800);
	ck_assert_int_eq(run_psw(0x01000000, 0x00000800, 100), MACHINE_EXIT_BUDGET);
	cpu_set_cr(c, 0, 0x00000400);
	ck_assert_int_eq(run_psw(0x01080000, 0x00000804, 100), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(ext_code(), 0x1005);
}
END_TEST

START_TEST(test_timer_interval_timer_decrements_at_architected_rate)
{
	/* 100000 instructions = 102400000 TOD units = 1920 units of 1/76800 s. */
	h_set_word(m, 0x50, 0x7FFF0000);
	h_code(m, 0x800, "47F0 0800");
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 100000), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_word(m, 0x50), 0x7FFF0000u - 1920);
	/* A store into X'50' is the value the next update starts from. */
	h_set_word(m, 0x50, 0x00100000);
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 100000), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_word(m, 0x50), 0x00100000u - 1920);
}
END_TEST

START_TEST(test_timer_interval_timer_interruption_x0080)
{
	h_set_word(m, 0x50, 10);
	h_code(m, 0x800, "47F0 0800");
	/* CR0 at reset enables the interval timer (bit 24). */
	ck_assert_int_eq(run_psw(0x01000000, 0x00000800, 100000), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(ext_code(), 0x0080);
	ck_assert_int_lt((int32_t)h_word(m, 0x50), 0);
	/* Only once: it stays negative, and no new interruption comes. */
	ck_assert_int_eq(run_psw(0x01000000, 0x00000800, 100000), MACHINE_EXIT_BUDGET);
}
END_TEST

START_TEST(test_timer_interval_timer_masked_by_cr0_bit_24)
{
	h_set_word(m, 0x50, 10);
	h_code(m, 0x800, "47F0 0800");
	cpu_set_cr(c, 0, 0x00000040);
	ck_assert_int_eq(run_psw(0x01000000, 0x00000800, 100000), MACHINE_EXIT_BUDGET);
	ck_assert_int_lt((int32_t)h_word(m, 0x50), 0);
	/* It stays pending until enabled. */
	cpu_set_cr(c, 0, 0x00000080);
	ck_assert_int_eq(run_psw(0x01000000, 0x00000800, 100), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(ext_code(), 0x0080);
}
END_TEST

START_TEST(test_timer_interrupt_key)
{
	h_code(m, 0x800, "47F0 0800");
	machine_interrupt_key(c);
	cpu_set_cr(c, 0, 0x00000000);
	ck_assert_int_eq(run_psw(0x01000000, 0x00000800, 100), MACHINE_EXIT_BUDGET);
	cpu_set_cr(c, 0, 0x00000040);
	ck_assert_int_eq(run_psw(0x01000000, 0x00000800, 100), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(ext_code(), 0x0040);
	ck_assert_uint_eq(ext_old_ia(), 0x800);
	ck_assert_int_eq(run_psw(0x01000000, 0x00000800, 100), MACHINE_EXIT_BUDGET);
}
END_TEST

START_TEST(test_timer_priority_clock_comparator_first)
{
	put_dw(0x200, 0);
	put_dw(0x208, 0xFFFFFFFFFFFFFFFFull);
	h_code(m, 0x800, "B208 0208 B206 0200 47F0 0808");
	cpu_set_cr(c, 0, 0x00000C40);
	machine_interrupt_key(c);
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 2), MACHINE_EXIT_BUDGET);
	ck_assert_int_eq(run_psw(0x01000000, 0x00000808, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(ext_code(), 0x1004);
	cpu_set_cr(c, 0, 0x00000440);
	ck_assert_int_eq(run_psw(0x01000000, 0x00000808, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(ext_code(), 0x1005);
	cpu_set_cr(c, 0, 0x00000040);
	ck_assert_int_eq(run_psw(0x01000000, 0x00000808, 10), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(ext_code(), 0x0040);
}
END_TEST

/* Set the comparator one second ahead, load an enabled wait, and resume in the external new
 * PSW's handler, which stores the clock and stops in a disabled wait. */
static void wait_for_timer_program(void)
{
	put_dw(0x200, DET_EPOCH + (4096ull * 1000000));
	h_code(m, 0x800, "B206 0200 8200 0210");       /* SCKC ; LPSW enabled wait */
	h_code(m, 0x210, "0102000000001100");           /* BC, external mask, wait */
	h_code(m, 0x58, "0000000000003000");            /* external new PSW: 3000 */
	h_code(m, 0x3000, "B205 0300 8200 0218");       /* STCK ; LPSW disabled wait */
	h_code(m, 0x218, "000200000000AAAA");
	cpu_set_cr(c, 0, 0x00000800);
}

START_TEST(test_timer_wait_for_clock_comparator)
{
	wait_for_timer_program();
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 1000), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_ia(m), 0xAAAA);
	ck_assert_uint_eq(ext_code(), 0x1004);
	ck_assert_uint_eq(h_word(m, 0x18), 0x01021004u); /* the wait PSW, with the code */
	ck_assert_uint_eq(ext_old_ia(), 0x1100);
	uint64_t t = get_dw(0x300);
	ck_assert_uint_gt(t, DET_EPOCH + 4096ull * 1000000);
	ck_assert_uint_lt(t, DET_EPOCH + 4096ull * 1000000 + 10 * PER_INSN);
	ck_assert_uint_eq(cpu_instructions(c), 4); /* no spinning in the wait */
}
END_TEST

START_TEST(test_timer_deterministic_runs_agree)
{
	uint64_t t[2], n[2];
	uint32_t itimer[2];
	for (int i = 0; i < 2; i++) {
		wait_for_timer_program();
		h_set_word(m, 0x50, 0x01000000);
		ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 1000), MACHINE_EXIT_DISABLED_WAIT);
		t[i] = get_dw(0x300);
		n[i] = cpu_instructions(c);
		itimer[i] = h_word(m, 0x50);
		machine_free(m);
		m = new_machine(true);
		c = machine_cpu(m);
	}
	ck_assert_uint_eq(t[0], t[1]);
	ck_assert_uint_eq(n[0], n[1]);
	ck_assert_uint_eq(itimer[0], itimer[1]);
	ck_assert_uint_eq(itimer[0], 0x01000000u - 76800); /* one second went by */
}
END_TEST

START_TEST(test_timer_wait_ns_host_clock)
{
	machine_free(m);
	m = new_machine(false);
	c = machine_cpu(m);
	h_set_word(m, 0x50, 0x7FFFFFFF); /* keep the interval timer from going negative */
	h_code(m, 0x800, "B205 0200");
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 1), MACHINE_EXIT_BUDGET);
	put_dw(0x208, get_dw(0x200) + (4096ull * 1000000)); /* one second on */
	h_code(m, 0x800, "B206 0208 8200 0210");
	h_code(m, 0x210, "0102000000001100");
	cpu_set_cr(c, 0, 0x00000800);
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 10), MACHINE_EXIT_ENABLED_WAIT);
	uint64_t ns = machine_wait_ns(c);
	ck_assert_uint_gt(ns, 500000000ull);
	ck_assert_uint_le(ns, 1000000000ull);
	/* Nothing else can interrupt: with the subclass off, never. */
	cpu_set_cr(c, 0, 0x00000000);
	ck_assert_uint_eq(machine_wait_ns(c), UINT64_MAX);
	/* The interval timer (bit 24), non-negative, will go negative: about 13 us per unit. */
	h_set_word(m, 0x50, 76800);
	cpu_set_cr(c, 0, 0x00000080);
	ns = machine_wait_ns(c);
	ck_assert_uint_gt(ns, 900000000ull);
	ck_assert_uint_le(ns, 1000020000ull);
}
END_TEST

START_TEST(test_timer_enabled_wait_without_timer_stays)
{
	h_code(m, 0x800, "8200 0210");
	h_code(m, 0x210, "0102000000001100");
	cpu_set_cr(c, 0, 0x00000000);
	ck_assert_int_eq(run_psw(0x00000000, 0x00000800, 10), MACHINE_EXIT_ENABLED_WAIT);
	ck_assert_uint_eq(machine_wait_ns(c), UINT64_MAX);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("timer");
	TCase *tc = tcase_create("timer");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sck_stck_round_trip);
	tcase_add_test(tc, test_sck_stck_round_trip_host_clock);
	tcase_add_test(tc, test_stck_deterministic_starts_at_2000);
	tcase_add_test(tc, test_stckc_after_sckc_round_trip);
	tcase_add_test(tc, test_stpt_after_spt_round_trip_decrements);
	tcase_add_test(tc, test_sckc_unaligned_is_specification);
	tcase_add_test(tc, test_sck_privileged_in_problem_state);
	tcase_add_test(tc, test_sckc_interruption_bc_mode);
	tcase_add_test(tc, test_sckc_interruption_ec_mode);
	tcase_add_test(tc, test_sckc_interruption_masked_by_cr0_bit_20);
	tcase_add_test(tc, test_sckc_interruption_masked_by_psw_bit_7);
	tcase_add_test(tc, test_sckc_future_interrupts_when_reached);
	tcase_add_test(tc, test_spt_interruption_when_negative);
	tcase_add_test(tc, test_spt_interruption_masked_by_cr0_bit_21);
	tcase_add_test(tc, test_timer_interval_timer_decrements_at_architected_rate);
	tcase_add_test(tc, test_timer_interval_timer_interruption_x0080);
	tcase_add_test(tc, test_timer_interval_timer_masked_by_cr0_bit_24);
	tcase_add_test(tc, test_timer_interrupt_key);
	tcase_add_test(tc, test_timer_priority_clock_comparator_first);
	tcase_add_test(tc, test_timer_wait_for_clock_comparator);
	tcase_add_test(tc, test_timer_deterministic_runs_agree);
	tcase_add_test(tc, test_timer_wait_ns_host_clock);
	tcase_add_test(tc, test_timer_enabled_wait_without_timer_stays);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
