/*
 * check_dat.c - unit tests for dynamic address translation and the related control instructions
 * (LRA, PTLB, SPX, RRB, IPTE).
 *
 * The fixture builds a small address space in real storage:
 *
 *   segment table at ST (16 entries; CR1 STL 0)
 *   segment 0: page table PT0, identity-mapped for the first 64K (low core, code, data)
 *   segment 1: page table PT1, page 0 -> FRAME, page 1 invalid, page 2 -> FRAME2, rest invalid
 *   segments 2-15: invalid
 *
 * for any of the four page/segment sizes; code runs at 0x1000 under an EC-mode PSW with T on.
 */
#include <check.h>
#include <string.h>

#include "lib/be.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

#define ST 0x8000u
#define PT0 0xA000u
#define PT1 0xB000u
#define FRAME 0x20000u
#define FRAME2 0x30000u

#define CR0_4K_64K 0x00800000u
#define CR0_2K_64K 0x00400000u
#define CR0_4K_1M 0x00900000u
#define CR0_2K_1M 0x00500000u

static struct machine *m;
static struct cpu *c;
static unsigned seg_shift, page_shift;

static void setup(void)
{
	m = h_new(512 * 1024, false);
	c = machine_cpu(m);
}

static void teardown(void)
{
	machine_free(m);
}

static void set_half(uint32_t addr, uint16_t v)
{
	uint8_t b[2];
	put_be16(b, v);
	h_put(m, addr, b, 2);
}

static uint16_t half(uint32_t addr)
{
	uint8_t b[2];
	h_get(m, addr, b, 2);
	return be16(b);
}

static uint16_t pte_valid(uint32_t ra)
{
	return page_shift == 12 ? (uint16_t)((ra >> 8) & 0xFFF0) : (uint16_t)((ra >> 8) & 0xFFF8);
}

static uint16_t pte_invalid(void)
{
	return page_shift == 12 ? 0x0008 : 0x0004;
}

/* Virtual address of page p of segment s. */
static uint32_t vaddr(uint32_t s, uint32_t p)
{
	return s << seg_shift | p << page_shift;
}

/* Build the address space for the page and segment sizes in cr0, and load CR0 and CR1. */
static void tables(uint32_t cr0)
{
	page_shift = (cr0 & 0x00C00000u) == 0x00800000u ? 12 : 11;
	seg_shift = cr0 & 0x00100000u ? 20 : 16;
	uint32_t entries = 1u << (seg_shift - page_shift);
	for (uint32_t s = 0; s < 16; s++)
		h_set_word(m, ST + 4 * s, 0x00000001);
	h_set_word(m, ST, 0xF0000000u | PT0);
	h_set_word(m, ST + 4, 0xF0000000u | PT1);
	for (uint32_t p = 0; p < entries; p++) {
		uint32_t ra = p << page_shift;
		set_half(PT0 + 2 * p, ra < 0x10000 ? pte_valid(ra) : pte_invalid());
		set_half(PT1 + 2 * p, pte_invalid());
	}
	set_half(PT1, pte_valid(FRAME));
	set_half(PT1 + 4, pte_valid(FRAME2));
	cpu_set_cr(c, 0, cr0);
	cpu_set_cr(c, 1, ST);
}

static enum machine_exit run_psw(uint32_t hi, uint32_t ia, uint64_t n)
{
	uint8_t psw[8];
	put_be32(psw, hi);
	put_be32(psw + 4, ia);
	cpu_set_psw(c, psw);
	memset(psw, 0, 8);
	h_put(m, 0x28, psw, 8);
	h_set_word(m, 0x90, 0);
	return machine_run(c, n);
}

/* EC mode, T on, key 0, supervisor state. */
static enum machine_exit run_dat(uint64_t n)
{
	return run_psw(0x04080000u, 0x1000, n);
}

/* EC mode, T off. */
static enum machine_exit run_real(uint64_t n)
{
	return run_psw(0x00080000u, 0x1000, n);
}

static const uint32_t geometries[] = {CR0_4K_64K, CR0_2K_64K, CR0_4K_1M, CR0_2K_1M};

START_TEST(test_dat_fetch_and_store_land_on_translated_real_bytes)
{
	tables(geometries[_i]);
	uint32_t va = vaddr(1, 0) + 0x10;
	h_set_word(m, FRAME + 0x10, 0xCAFEF00Du);
	cpu_set_gpr(c, 2, va);
	h_code(m, 0x1000, "5810 2000 5010 2004"); /* L 1,0(,2) ; ST 1,4(,2) */
	ck_assert_int_eq(run_dat(2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0xCAFEF00Du);
	ck_assert_uint_eq(h_word(m, FRAME + 0x14), 0xCAFEF00Du);
	ck_assert_uint_eq(h_word(m, 0x10014), 0); /* nothing went to the untranslated address */
	ck_assert_uint_eq(h_ia(m), 0x1008);
}
END_TEST

START_TEST(test_dat_page_two_maps_to_its_own_frame)
{
	tables(geometries[_i]);
	h_set_word(m, FRAME2 + 0x20, 0x12345678u);
	cpu_set_gpr(c, 2, vaddr(1, 2) + 0x20);
	h_code(m, 0x1000, "5810 2000");
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0x12345678u);
}
END_TEST

START_TEST(test_dat_invalid_segment_is_segment_translation_nullified)
{
	tables(geometries[_i]);
	uint32_t va = vaddr(2, 0) + 0x44;
	cpu_set_gpr(c, 2, va);
	h_code(m, 0x1000, "5810 2000");
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert(h_program_interrupted(m));
	ck_assert_uint_eq(h_pic(m), 0x0010);
	ck_assert_uint_eq(h_pic_ia(m), 0x1000);
	ck_assert_uint_eq(h_pic_ilc(m), 2);
	ck_assert_uint_eq(h_word(m, 0x90), va);
}
END_TEST

START_TEST(test_dat_invalid_page_is_page_translation_nullified)
{
	tables(geometries[_i]);
	uint32_t va = vaddr(1, 1) + 0x8;
	cpu_set_gpr(c, 1, 0x11111111u);
	cpu_set_gpr(c, 2, va);
	h_code(m, 0x1000, "5010 2000"); /* ST 1,0(,2) */
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0011);
	ck_assert_uint_eq(h_pic_ia(m), 0x1000);
	ck_assert_uint_eq(h_word(m, 0x90), va);
}
END_TEST

START_TEST(test_dat_segment_table_length_violation_is_segment_translation)
{
	tables(CR0_4K_64K);
	uint32_t va = 0x100000; /* segment 16: past a 16-entry table */
	cpu_set_gpr(c, 2, va);
	h_code(m, 0x1000, "5810 2000");
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0010);
	ck_assert_uint_eq(h_pic_ia(m), 0x1000);
	ck_assert_uint_eq(h_word(m, 0x90), va);
}
END_TEST

START_TEST(test_dat_page_table_length_violation_is_page_translation)
{
	tables(CR0_4K_64K);
	h_set_word(m, ST + 4, 0x00000000u | PT1); /* PTL 0: one sixteenth, one 4K page */
	uint32_t va = vaddr(1, 2);
	cpu_set_gpr(c, 2, va);
	h_code(m, 0x1000, "5810 2000");
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0011);
	ck_assert_uint_eq(h_pic_ia(m), 0x1000);
	ck_assert_uint_eq(h_word(m, 0x90), va);
}
END_TEST

static const uint32_t bad_cr0[] = {0x00000000u, 0x00C00000u, 0x00880000u, 0x00A00000u, 0x00980000u};

START_TEST(test_dat_invalid_cr0_sizes_are_translation_specification)
{
	tables(CR0_4K_64K);
	cpu_set_cr(c, 0, bad_cr0[_i]);
	h_code(m, 0x1000, "0700");
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0012);
}
END_TEST

START_TEST(test_lra_invalid_cr0_is_translation_specification_suppressed)
{
	tables(CR0_4K_64K);
	cpu_set_cr(c, 0, 0x00C00000u);
	h_code(m, 0x1000, "B110 2000");
	ck_assert_int_eq(run_real(1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0012);
	ck_assert_uint_eq(h_pic_ia(m), 0x1004);
}
END_TEST

START_TEST(test_dat_reserved_ste_bits_are_translation_specification)
{
	tables(CR0_4K_64K);
	h_set_word(m, ST + 4, 0xF1000000u | PT1);
	cpu_set_gpr(c, 2, vaddr(1, 0));
	h_code(m, 0x1000, "5810 2000");
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0012);
	ck_assert_uint_eq(h_pic_ia(m), 0x1004);
}
END_TEST

START_TEST(test_dat_table_outside_storage_is_addressing)
{
	tables(CR0_4K_64K);
	h_set_word(m, ST + 4, 0xF0000000u | 0x00F00000u);
	cpu_set_gpr(c, 2, vaddr(1, 0));
	h_code(m, 0x1000, "5810 2000");
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0005);
}
END_TEST

START_TEST(test_dat_segment_protection_rejects_store_allows_fetch)
{
	tables(CR0_4K_64K);
	h_set_word(m, ST + 4, 0xF0000004u | PT1);
	cpu_set_gpr(c, 2, vaddr(1, 0));
	h_code(m, 0x1000, "5810 2000 5010 2000");
	ck_assert_int_eq(run_dat(2), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0004);
	ck_assert_uint_eq(h_pic_ia(m), 0x1008);
}
END_TEST

START_TEST(test_ptlb_old_translation_cached_until_purged)
{
	tables(CR0_4K_64K);
	h_set_word(m, FRAME, 0xAAAAAAAAu);
	h_set_word(m, FRAME2, 0xBBBBBBBBu);
	cpu_set_gpr(c, 2, vaddr(1, 0));
	h_code(m, 0x1000, "5810 2000");
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0xAAAAAAAAu);

	set_half(PT1, pte_valid(FRAME2)); /* no PTLB: the TLB may keep the old frame, and does */
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0xAAAAAAAAu);

	h_code(m, 0x1000, "B20D 0000 5810 2000"); /* PTLB ; L 1,0(,2) */
	ck_assert_int_eq(run_dat(2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0xBBBBBBBBu);
}
END_TEST

START_TEST(test_ptlb_in_problem_state_is_privileged_operation)
{
	h_code(m, 0x1000, "B20D 0000");
	ck_assert_int_eq(run_psw(0x00090000u, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
}
END_TEST

struct lra_case {
	uint32_t va;
	unsigned cc;
	uint32_t r1;
};

static const struct lra_case lra_cases[] = {
	{0x010010, 0, FRAME + 0x10},   /* translated */
	{0x012345, 0, FRAME2 + 0x345}, /* page 2 */
	{0x020000, 1, ST + 8},         /* segment 2 invalid: its entry */
	{0x011000, 2, PT1 + 2},        /* page 1 invalid: its entry */
	{0x100000, 3, ST + 0x40},      /* segment 16: past the table */
};

START_TEST(test_lra_condition_codes_and_addresses)
{
	tables(CR0_4K_64K);
	const struct lra_case *t = &lra_cases[_i];
	cpu_set_gpr(c, 1, 0xFFFFFFFFu);
	cpu_set_gpr(c, 2, t->va);
	h_code(m, 0x1000, "B110 2000"); /* LRA 1,0(,2) */
	ck_assert_int_eq(run_real(1), MACHINE_EXIT_BUDGET); /* T off: LRA translates anyway */
	ck_assert_uint_eq(h_cc(m), t->cc);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), t->r1);
}
END_TEST

START_TEST(test_lra_page_table_length_violation_is_cc3_with_entry_address)
{
	tables(CR0_4K_64K);
	h_set_word(m, ST + 4, 0x00000000u | PT1);
	cpu_set_gpr(c, 2, vaddr(1, 3));
	h_code(m, 0x1000, "B110 2000");
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 3);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), PT1 + 6);
}
END_TEST

START_TEST(test_rrb_condition_codes_and_later_access_sets_reference_again)
{
	tables(CR0_4K_64K);
	cpu_set_gpr(c, 2, vaddr(1, 0));
	cpu_set_gpr(c, 3, FRAME);
	h_code(m, 0x1000, "5010 2000 B213 3000"); /* ST 1,0(,2) ; RRB 0(3) */
	ck_assert_int_eq(run_dat(2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 3); /* R and C */
	h_code(m, 0x1000, "B213 3000");
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 1); /* C only: R was reset */
	h_code(m, 0x1000, "5810 2000 B213 3000"); /* a fetch sets R again */
	ck_assert_int_eq(run_dat(2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 3);
	h_code(m, 0x1000, "B213 3100"); /* RRB with 0x20100: same 2K block */
	ck_assert_int_eq(run_dat(1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 1);
}
END_TEST

START_TEST(test_rrb_untouched_block_is_cc0)
{
	cpu_set_gpr(c, 3, 0x40000);
	h_code(m, 0x1000, "B213 3000");
	ck_assert_int_eq(run_real(1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0);
}
END_TEST

START_TEST(test_rrb_outside_storage_is_addressing)
{
	cpu_set_gpr(c, 3, 0x80000);
	h_code(m, 0x1000, "B213 3000");
	ck_assert_int_eq(run_real(1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0005);
}
END_TEST

START_TEST(test_spx_moves_prefix_area_and_stpx_reads_it_back)
{
	/* New prefix page at absolute 0x4000 with its own program new PSW (disabled wait 0xABCDE0). */
	h_code(m, 0x4068, "0002 0000 00AB CDE0");
	h_set_word(m, 0x3000, 0xFF004ABCu); /* bits 8-19 matter */
	cpu_set_gpr(c, 2, 0x3000);
	h_code(m, 0x1000, "B210 2000 B211 2004 0000"); /* SPX 0(2) ; STPX 4(2) ; invalid op */
	ck_assert_int_eq(run_real(3), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_word(m, 0x3004), 0x00004000u);
	ck_assert_uint_eq(h_ia(m), 0xABCDE0);
	/* The program old PSW and the code went to the new prefix page (absolute 0x4028, 0x408E). */
	ck_assert_uint_eq(h_word(m, 0x402C) & 0xFFFFFF, 0x100A);
	ck_assert_uint_eq(half(0x408E), 0x0001);
	ck_assert_uint_eq(h_word(m, 0x2C), 0);
}
END_TEST

START_TEST(test_spx_prefix_outside_storage_is_addressing)
{
	h_set_word(m, 0x3000, 0x00080000u);
	cpu_set_gpr(c, 2, 0x3000);
	h_code(m, 0x1000, "B210 2000");
	ck_assert_int_eq(run_real(1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0005);
	ck_assert_uint_eq(h_pic_ia(m), 0x1004);
}
END_TEST

START_TEST(test_spx_unaligned_operand_is_specification)
{
	cpu_set_gpr(c, 2, 0x3002);
	h_code(m, 0x1000, "B210 2000");
	ck_assert_int_eq(run_real(1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0006);
}
END_TEST

START_TEST(test_dat_instruction_crossing_into_invalid_page_faults_on_second_page)
{
	tables(geometries[_i]);
	uint32_t va = vaddr(1, 1) - 2; /* last halfword of page 0 of segment 1 */
	uint32_t ra = FRAME + (1u << page_shift) - 2;
	h_code(m, ra, "5810");        /* L 1,... : the rest would be in page 1, which is invalid */
	cpu_set_gpr(c, 3, va);
	h_code(m, 0x1000, "07F3"); /* BR 3 */
	ck_assert_int_eq(run_dat(2), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0011);
	ck_assert_uint_eq(h_pic_ia(m), va);
	ck_assert_uint_eq(h_pic_ilc(m), 2);
	ck_assert_uint_eq(h_word(m, 0x90), vaddr(1, 1));
}
END_TEST

START_TEST(test_dat_instruction_fetch_from_invalid_page_is_nullified)
{
	tables(CR0_4K_64K);
	cpu_set_gpr(c, 3, vaddr(1, 1));
	h_code(m, 0x1000, "07F3");
	ck_assert_int_eq(run_dat(2), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0011);
	ck_assert_uint_eq(h_pic_ia(m), vaddr(1, 1));
	ck_assert_uint_eq(h_pic_ilc(m), 1); /* no halfword in hand: see fetch_slow() in cpu.c */
	ck_assert_uint_eq(h_word(m, 0x90), vaddr(1, 1));
}
END_TEST

START_TEST(test_dat_low_address_protection_applies_to_logical_addresses)
{
	tables(CR0_4K_64K);
	cpu_set_cr(c, 0, CR0_4K_64K | 0x10000000u);
	set_half(PT1 + 6, pte_valid(0)); /* segment 1 page 3 -> real page 0 */
	cpu_set_gpr(c, 1, 0x5A5A5A5Au);
	cpu_set_gpr(c, 2, vaddr(1, 3) + 0x100);
	h_code(m, 0x1000, "5010 2000 5010 0100"); /* ST 1,0(,2) allowed ; ST 1,X'100' protected */
	ck_assert_int_eq(run_dat(2), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_word(m, 0x100), 0x5A5A5A5Au);
	ck_assert_uint_eq(h_pic(m), 0x0004);
	ck_assert_uint_eq(h_pic_ia(m), 0x1008);
}
END_TEST

START_TEST(test_ipte_invalidates_entry_and_purges_tlb)
{
	tables(geometries[_i]);
	cpu_set_gpr(c, 1, PT1);
	cpu_set_gpr(c, 2, vaddr(1, 0) + 0x10);
	h_code(m, 0x1000, "5830 2000 B221 0012 5830 2000"); /* L 3 ; IPTE 1,2 ; L 3 */
	ck_assert_int_eq(run_dat(3), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(half(PT1), pte_valid(FRAME) | pte_invalid());
	ck_assert_uint_eq(h_pic(m), 0x0011);
	ck_assert_uint_eq(h_pic_ia(m), 0x1008);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dat");
	TCase *tc = tcase_create("dat");
	tcase_add_checked_fixture(tc, setup, teardown);
	int ng = (int)(sizeof geometries / sizeof geometries[0]);
	tcase_add_loop_test(tc, test_dat_fetch_and_store_land_on_translated_real_bytes, 0, ng);
	tcase_add_loop_test(tc, test_dat_page_two_maps_to_its_own_frame, 0, ng);
	tcase_add_loop_test(tc, test_dat_invalid_segment_is_segment_translation_nullified, 0, ng);
	tcase_add_loop_test(tc, test_dat_invalid_page_is_page_translation_nullified, 0, ng);
	tcase_add_test(tc, test_dat_segment_table_length_violation_is_segment_translation);
	tcase_add_test(tc, test_dat_page_table_length_violation_is_page_translation);
	tcase_add_loop_test(tc, test_dat_invalid_cr0_sizes_are_translation_specification, 0,
			    (int)(sizeof bad_cr0 / sizeof bad_cr0[0]));
	tcase_add_test(tc, test_lra_invalid_cr0_is_translation_specification_suppressed);
	tcase_add_test(tc, test_dat_reserved_ste_bits_are_translation_specification);
	tcase_add_test(tc, test_dat_table_outside_storage_is_addressing);
	tcase_add_test(tc, test_dat_segment_protection_rejects_store_allows_fetch);
	tcase_add_test(tc, test_ptlb_old_translation_cached_until_purged);
	tcase_add_test(tc, test_ptlb_in_problem_state_is_privileged_operation);
	tcase_add_loop_test(tc, test_lra_condition_codes_and_addresses, 0,
			    (int)(sizeof lra_cases / sizeof lra_cases[0]));
	tcase_add_test(tc, test_lra_page_table_length_violation_is_cc3_with_entry_address);
	tcase_add_test(tc, test_rrb_condition_codes_and_later_access_sets_reference_again);
	tcase_add_test(tc, test_rrb_untouched_block_is_cc0);
	tcase_add_test(tc, test_rrb_outside_storage_is_addressing);
	tcase_add_test(tc, test_spx_moves_prefix_area_and_stpx_reads_it_back);
	tcase_add_test(tc, test_spx_prefix_outside_storage_is_addressing);
	tcase_add_test(tc, test_spx_unaligned_operand_is_specification);
	tcase_add_loop_test(tc, test_dat_instruction_crossing_into_invalid_page_faults_on_second_page, 0, ng);
	tcase_add_test(tc, test_dat_instruction_fetch_from_invalid_page_is_nullified);
	tcase_add_test(tc, test_dat_low_address_protection_applies_to_logical_addresses);
	tcase_add_loop_test(tc, test_ipte_invalidates_entry_and_purges_tlb, 0, ng);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
