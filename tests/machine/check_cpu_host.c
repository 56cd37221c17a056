/*
 * check_cpu_host.c - what machine/ offers a host that runs the machine as a virtual machine
 * (machine.h, "For a host ..."): the virtual CPU id STIDP stores, the event hook on
 * interruptions, the address stop, the trace stop, external signals, a new storage size and the
 * host's data. Each test builds a small BC-mode program on a bare machine.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "machine/machine.h"
#include "tests/check_run.h"

#define LOAD 0x1000u

static struct machine *new_machine(bool virtual_cpuid)
{
	struct machine_config cfg = {.storage_size = 64 * 1024, .virtual_cpuid = virtual_cpuid};
	struct machine *m = machine_new(&cfg);
	ck_assert_ptr_nonnull(m);
	return m;
}

static void put_psw(struct machine *m, uint32_t at, uint8_t sysmask, uint32_t ia)
{
	uint8_t p[8] = {sysmask, 0, 0, 0, 0, (uint8_t)(ia >> 16), (uint8_t)(ia >> 8), (uint8_t)ia};
	ck_assert(machine_load(m, at, p, 8));
}

static void start(struct machine *m, uint8_t sysmask, const uint8_t *code, size_t len)
{
	ck_assert(machine_load(m, LOAD, code, len));
	uint8_t p[8] = {sysmask, 0, 0, 0, 0, (uint8_t)(LOAD >> 16), (uint8_t)(LOAD >> 8), (uint8_t)LOAD};
	cpu_set_psw(machine_cpu(m), p);
	cpu_set_gpr(machine_cpu(m), 15, LOAD);
}

static uint32_t psw_ia(struct machine *m)
{
	uint8_t p[8];
	cpu_get_psw(machine_cpu(m), p);
	return (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
}

/* STIDP X'200' */
static const uint8_t stidp[] = {0xB2, 0x02, 0x02, 0x00};

START_TEST(test_stidp_virtual_cpuid_stores_version_ff)
{
	struct machine *m = new_machine(true);
	start(m, 0, stidp, sizeof stidp);
	ck_assert_int_eq(machine_run(machine_cpu(m), 1), MACHINE_EXIT_BUDGET);
	uint8_t id[8];
	ck_assert(machine_dump(m, 0x200, id, 8));
	ck_assert_uint_eq(id[0], 0xFF);
	ck_assert_uint_eq(id[4], 0x01);	/* model 0158 as a real CPU */
	ck_assert_uint_eq(id[5], 0x58);
	machine_free(m);
}
END_TEST

START_TEST(test_stidp_real_cpuid_keeps_version_00)
{
	struct machine *m = new_machine(false);
	start(m, 0, stidp, sizeof stidp);
	ck_assert_int_eq(machine_run(machine_cpu(m), 1), MACHINE_EXIT_BUDGET);
	uint8_t id[8];
	ck_assert(machine_dump(m, 0x200, id, 8));
	ck_assert_uint_eq(id[0], 0x00);
	ck_assert_uint_eq(id[5], 0x58);
	machine_free(m);
}
END_TEST

struct seen {
	int n;
	struct machine_event ev;
	bool stop;
};

static bool record(void *arg, const struct machine_event *ev)
{
	struct seen *s = arg;
	s->n++;
	s->ev = *ev;
	return s->stop;
}

START_TEST(test_event_hook_sees_svc_and_stops_after_it)
{
	struct machine *m = new_machine(false);
	static const uint8_t code[] = {0x0A, 0x05, 0x07, 0x00};	/* SVC 5; NOPR */
	put_psw(m, 0x60, 0, 0x2000);
	start(m, 0, code, sizeof code);
	struct seen s = {.stop = true};
	cpu_set_event_hook(machine_cpu(m), record, &s);
	ck_assert_int_eq(machine_run(machine_cpu(m), 100), MACHINE_EXIT_STOPPED);
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(s.ev.kind, MACHINE_EVENT_INTERRUPT);
	ck_assert_int_eq(s.ev.iclass, MACHINE_INT_SVC);
	ck_assert_uint_eq(s.ev.code, 5);
	ck_assert_uint_eq(s.ev.old_psw[7], 0x02);	/* past the SVC */
	ck_assert_uint_eq(s.ev.new_psw[6], 0x20);
	ck_assert_uint_eq(psw_ia(m), 0x2000);
	machine_free(m);
}
END_TEST

START_TEST(test_event_hook_returning_false_lets_the_cpu_run)
{
	struct machine *m = new_machine(false);
	static const uint8_t code[] = {0x0A, 0x07};	/* SVC 7 */
	static const uint8_t there[] = {0x41, 0x10, 0x10, 0x01};	/* LA 1,1(1) */
	put_psw(m, 0x60, 0, 0x2000);
	ck_assert(machine_load(m, 0x2000, there, sizeof there));
	start(m, 0, code, sizeof code);
	struct seen s = {.stop = false};
	cpu_set_event_hook(machine_cpu(m), record, &s);
	ck_assert_int_eq(machine_run(machine_cpu(m), 2), MACHINE_EXIT_BUDGET);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(cpu_get_gpr(machine_cpu(m), 1), 1);
	machine_free(m);
}
END_TEST

/* LA 1,1(1) three times, then a loop on itself (B 12(15): start() sets GR15). */
static const uint8_t count3[] = {0x41, 0x10, 0x10, 0x01, 0x41, 0x10, 0x10, 0x01, 0x41, 0x10, 0x10, 0x01,
				 0x47, 0xF0, 0xF0, 0x0C};

START_TEST(test_adstop_stops_before_the_instruction_once)
{
	struct machine *m = new_machine(false);
	struct cpu *c = machine_cpu(m);
	start(m, 0, count3, sizeof count3);
	/* Decoded already: the address stop must still be seen. */
	ck_assert_int_eq(machine_run(c, 1), MACHINE_EXIT_BUDGET);
	start(m, 0, count3, sizeof count3);
	cpu_set_gpr(c, 1, 0);
	struct seen s = {0};
	cpu_set_event_hook(c, record, &s);
	cpu_set_adstop(c, true, LOAD + 8);
	uint64_t before = cpu_instructions(c);
	ck_assert_int_eq(machine_run(c, 100), MACHINE_EXIT_STOPPED);
	ck_assert_uint_eq(psw_ia(m), LOAD + 8);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 2);
	ck_assert_uint_eq(cpu_instructions(c) - before, 2);
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(s.ev.kind, MACHINE_EVENT_ADSTOP);
	ck_assert_uint_eq(s.ev.addr, LOAD + 8);
	/* Removed once reached: the program goes on. */
	ck_assert_int_eq(machine_run(c, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 3);
	machine_free(m);
}
END_TEST

START_TEST(test_adstop_off_does_not_stop)
{
	struct machine *m = new_machine(false);
	struct cpu *c = machine_cpu(m);
	start(m, 0, count3, sizeof count3);
	cpu_set_adstop(c, true, LOAD + 4);
	cpu_set_adstop(c, false, 0);
	ck_assert_int_eq(machine_run(c, 3), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 3);
	machine_free(m);
}
END_TEST

static int traced;
static void trace_stop_at_1004(void *arg, uint32_t addr, const uint8_t *insn, int len)
{
	(void)insn, (void)len;
	traced++;
	if (addr == LOAD + 4 && arg)
		cpu_trace_stop(arg);
}

START_TEST(test_trace_stop_leaves_the_instruction_unexecuted)
{
	struct machine *m = new_machine(false);
	struct cpu *c = machine_cpu(m);
	start(m, 0, count3, sizeof count3);
	traced = 0;
	cpu_set_trace(c, trace_stop_at_1004, c);
	ck_assert_int_eq(machine_run(c, 100), MACHINE_EXIT_STOPPED);
	ck_assert_uint_eq(psw_ia(m), LOAD + 4);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 1);
	ck_assert_uint_eq(cpu_instructions(c), 1);
	ck_assert_int_eq(traced, 2);
	cpu_set_trace(c, trace_stop_at_1004, NULL);
	ck_assert_int_eq(machine_run(c, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 3);
	machine_free(m);
}
END_TEST

static const uint8_t spin[] = {0x07, 0xFF};	/* BR 15 */

START_TEST(test_external_signal_waits_for_cr0_bit_26)
{
	struct machine *m = new_machine(false);
	struct cpu *c = machine_cpu(m);
	put_psw(m, 0x58, 0, 0x3000);
	start(m, 0x01, spin, sizeof spin);	/* external mask on */
	struct seen s = {.stop = true};
	cpu_set_event_hook(c, record, &s);
	cpu_set_cr(c, 0, cpu_get_cr(c, 0) & ~0xA0u);	/* no interval timer, no signals */
	machine_external(c, 0x20);
	enum machine_exit e = machine_run(c, 50);
	ck_assert_msg(s.n == 0, "event %d class %x code %x", s.n, (unsigned)s.ev.iclass, s.ev.code);
	ck_assert_int_eq(e, MACHINE_EXIT_BUDGET);
	cpu_set_cr(c, 0, cpu_get_cr(c, 0) | 0x20u);
	ck_assert_int_eq(machine_run(c, 50), MACHINE_EXIT_STOPPED);
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(s.ev.iclass, MACHINE_INT_EXTERNAL);
	ck_assert_uint_eq(s.ev.code, 0x20);
	uint8_t old[8];
	ck_assert(machine_dump(m, 0x18, old, 8));
	ck_assert_uint_eq(old[3], 0x20);	/* BC mode: the code in the old PSW */
	ck_assert_uint_eq(psw_ia(m), 0x3000);
	machine_free(m);
}
END_TEST

START_TEST(test_external_x40_is_the_interrupt_key)
{
	struct machine *m = new_machine(false);
	struct cpu *c = machine_cpu(m);
	put_psw(m, 0x58, 0, 0x3000);
	start(m, 0x01, spin, sizeof spin);
	struct seen s = {.stop = true};
	cpu_set_event_hook(c, record, &s);
	cpu_set_cr(c, 0, cpu_get_cr(c, 0) & ~0x80u);	/* no interval timer */
	machine_external(c, 0x40);	/* CR0 bit 25 is on after reset */
	ck_assert_int_eq(machine_run(c, 50), MACHINE_EXIT_STOPPED);
	ck_assert_uint_eq(s.ev.code, 0x40);
	machine_free(m);
}
END_TEST

START_TEST(test_set_storage_changes_size_and_clears)
{
	struct machine *m = new_machine(false);
	struct cpu *c = machine_cpu(m);
	start(m, 0, count3, sizeof count3);
	ck_assert_int_eq(machine_run(c, 2), MACHINE_EXIT_BUDGET);
	ck_assert(machine_set_storage(m, 128 * 1024));
	ck_assert_uint_eq(machine_storage_size(m), 128 * 1024);
	uint8_t b[16];
	ck_assert(machine_dump(m, LOAD, b, sizeof b));
	for (size_t i = 0; i < sizeof b; i++)
		ck_assert_uint_eq(b[i], 0);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0);
	/* The new storage runs programs, above the old end too. */
	ck_assert(machine_load(m, 0x1F000, count3, sizeof count3));
	uint8_t p[8] = {0, 0, 0, 0, 0, 0x01, 0xF0, 0x00};
	cpu_set_psw(c, p);
	ck_assert_int_eq(machine_run(c, 3), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 3);
	ck_assert(!machine_dump(m, 128 * 1024, b, 1));
	machine_free(m);
}
END_TEST

START_TEST(test_set_storage_refuses_bad_sizes)
{
	struct machine *m = new_machine(false);
	errno = 0;
	ck_assert(!machine_set_storage(m, 4096 + 1));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(!machine_set_storage(m, MACHINE_MAX_STORAGE + 2048));
	ck_assert_uint_eq(machine_storage_size(m), 64 * 1024);
	machine_free(m);
}
END_TEST

static int freed;
static void count_free(void *p)
{
	ck_assert_ptr_eq(p, &freed);
	freed++;
}

START_TEST(test_host_data_is_freed_with_the_machine)
{
	struct machine *m = new_machine(false);
	freed = 0;
	ck_assert_ptr_null(machine_host_data(m));
	machine_set_host_data(m, &freed, count_free);
	ck_assert_ptr_eq(machine_host_data(m), &freed);
	machine_free(m);
	ck_assert_int_eq(freed, 1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cpu_host");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_stidp_virtual_cpuid_stores_version_ff);
	tcase_add_test(tc, test_stidp_real_cpuid_keeps_version_00);
	tcase_add_test(tc, test_event_hook_sees_svc_and_stops_after_it);
	tcase_add_test(tc, test_event_hook_returning_false_lets_the_cpu_run);
	tcase_add_test(tc, test_adstop_stops_before_the_instruction_once);
	tcase_add_test(tc, test_adstop_off_does_not_stop);
	tcase_add_test(tc, test_trace_stop_leaves_the_instruction_unexecuted);
	tcase_add_test(tc, test_external_signal_waits_for_cr0_bit_26);
	tcase_add_test(tc, test_external_x40_is_the_interrupt_key);
	tcase_add_test(tc, test_set_storage_changes_size_and_clears);
	tcase_add_test(tc, test_set_storage_refuses_bad_sizes);
	tcase_add_test(tc, test_host_data_is_freed_with_the_machine);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
