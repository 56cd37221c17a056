/*
 * check_das.c - unit tests for the dual-address-space facility (insn_das.c): the secondary space
 * and secondary-space mode, the ASN instructions and tables, PC and PT, and MVCK, IVSK, TPROT.
 *
 * The fixture is a 64K machine with two address spaces of one 64K segment each (4K pages, 64K
 * segments), and ASN, linkage and entry tables:
 *
 *   primary   (CR1 = X'2000', page table X'3000'): every page at its own frame
 *   secondary (CR7 = X'2100', page table X'3100'): the same, except page 1 (the code) at frame
 *             X'9000', which holds zeros, and page 8 (the data) at frame X'C000'
 *
 * so that logical X'8000' holds "PRIMARY." in one space and "SECONDRY" in the other, and an
 * instruction fetched from the secondary space would be an operation exception. CR4 gives AX 2 and
 * PASN 1. ASN X'0041' (first-table entry 1, second-table entry 1) is the secondary space, with
 * authority table X'5200' (AX 2: secondary authority only). CR5 designates the linkage table
 * X'6000' (LX 0) and its entry table X'6100': EX 0 calls X'1800' in the current primary space
 * (PC-cp), EX 1 calls X'1800' in space X'0041' (PC-ss).
 */
#include <check.h>
#include <stdlib.h>

#include "lib/be.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

static struct machine *m;
static struct cpu *c;

/* EC-mode PSW bits (first word). */
#define PSW_DAT 0x04080000u  /* T and EC */
#define PSW_SEC 0x00008000u  /* bit 16: secondary-space mode */
#define PSW_PROB 0x00010000u /* problem state */

#define CR0_BASE 0x0C8000E0u  /* extraction authority, secondary-space control, 4K/64K, masks */
#define CR14_ASN 0xC2080005u  /* as after reset, plus ASN translation and first table X'5000' */

static void put_half(uint32_t addr, uint16_t v)
{
	uint8_t b[2];
	put_be16(b, v);
	h_put(m, addr, b, 2);
}

/* Set the storage key of the 2K block at real addr: SSK from a scratch program (GR14 and GR15),
 * the only way in through the public interface. */
static void set_key(uint32_t addr, uint8_t key)
{
	cpu_set_gpr(c, 14, key);
	cpu_set_gpr(c, 15, addr);
	h_code(m, 0x0F00, "08EF");
	ck_assert_int_eq(h_run(m, 0x0F00, 1), MACHINE_EXIT_BUDGET);
}

static void setup(void)
{
	m = h_new(64 * 1024, false);
	c = machine_cpu(m);
	/* Segment tables: entry 0 valid (full page table), the other 15 invalid. */
	h_set_word(m, 0x2000, 0xF0003000);
	h_set_word(m, 0x2100, 0xF0003100);
	for (uint32_t i = 1; i < 16; i++) {
		h_set_word(m, 0x2000 + 4 * i, 1);
		h_set_word(m, 0x2100 + 4 * i, 1);
	}
	/* Page tables: 4K pages, the entry is the frame address bits 8-19. */
	for (uint32_t i = 0; i < 16; i++) {
		uint32_t sframe = i == 1 ? 9 : i == 8 ? 0xC : i;
		put_half(0x3000 + 2 * i, (uint16_t)(i << 4));
		put_half(0x3100 + 2 * i, (uint16_t)(sframe << 4));
	}
	h_put(m, 0x8000, "PRIMARY.", 8);
	h_put(m, 0xC000, "SECONDRY", 8);

	/* ASN X'0041': first table X'5000', entry 1 -> second table X'5100', entry 1 at X'5110'. */
	h_set_word(m, 0x5000, 0x80000000); /* ASN first-table entries 0 and 2: invalid */
	h_set_word(m, 0x5004, 0x00005100);
	h_set_word(m, 0x5008, 0x80000000);
	h_set_word(m, 0x5100, 0x80000000); /* second-table entry 0: invalid */
	h_set_word(m, 0x5110, 0x00005200); /* authority table X'5200' */
	h_set_word(m, 0x5114, 0x00030000); /* AX 3, authority-table length 0 (16 entries) */
	h_set_word(m, 0x5118, 0x00002100); /* STD: the secondary segment table */
	h_set_word(m, 0x511C, 0x80006000); /* LTD: the same linkage table */
	h_code(m, 0x5200, "04");           /* AX 0-3: AX 2 has S, not P */

	/* Linkage table X'6000' (LTL 0: LX 0-31), entry 0 -> entry table X'6100' (ETL 0: EX 0-3). */
	h_set_word(m, 0x6000, 0x00006100);
	h_set_word(m, 0x6004, 0x80000000);
	/* EX 0: AKM X'8000' (key 0), EASN 0, X'1800' supervisor state, parameter, EKM X'4000'. */
	h_set_word(m, 0x6100, 0x80000000);
	h_set_word(m, 0x6104, 0x00001800);
	h_set_word(m, 0x6108, 0x12345678);
	h_set_word(m, 0x610C, 0x40000000);
	/* EX 1: the same into space X'0041', problem state. */
	h_set_word(m, 0x6110, 0x80000041);
	h_set_word(m, 0x6114, 0x00001801);
	h_set_word(m, 0x6118, 0x87654321);
	h_set_word(m, 0x611C, 0x00000000);

	cpu_set_cr(c, 0, CR0_BASE);
	cpu_set_cr(c, 1, 0x00002000);
	cpu_set_cr(c, 3, 0x80000001); /* PKM key 0, SASN 1 */
	cpu_set_cr(c, 4, 0x00020001); /* AX 2, PASN 1 */
	cpu_set_cr(c, 5, 0x80006000);
	cpu_set_cr(c, 7, 0x00002100);
	cpu_set_cr(c, 14, CR14_ASN);
	cpu_set_gpr(c, 5, 0x8000);
}

static void teardown(void)
{
	machine_free(m);
}

/* Run from ia with the PSW's first word hi (its address part is ia). */
static enum machine_exit run(uint32_t hi, uint32_t ia, uint64_t n)
{
	uint8_t psw[8];
	put_be32(psw, hi);
	put_be32(psw + 4, ia);
	cpu_set_psw(c, psw);
	h_set_word(m, 0x28, 0);
	h_set_word(m, 0x2C, 0);
	return machine_run(c, n);
}

static uint32_t psw_word0(void)
{
	uint8_t psw[8];
	cpu_get_psw(c, psw);
	return be32(psw);
}

/* ------------------------------------------------------------------------------------------------
 * Secondary-space mode, MVCP, MVCS
 */

START_TEST(test_sac_secondary_mode_takes_operands_from_secondary_instructions_from_primary)
{
	/* SAC 256 ; L 4,0(5) ; SAC 0 ; L 6,0(5) */
	h_code(m, 0x1000, "B219 0100 5840 5000 B219 0000 5860 5000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(psw_word0() & PSW_SEC, PSW_SEC);
	ck_assert_int_eq(machine_run(c, 3), MACHINE_EXIT_BUDGET);
	ck_assert(!h_program_interrupted(m));
	ck_assert_uint_eq(h_ia(m), 0x1010);
	ck_assert_uint_eq(cpu_get_gpr(c, 4), be32((const uint8_t *)"SECO"));
	ck_assert_uint_eq(cpu_get_gpr(c, 6), be32((const uint8_t *)"PRIM"));
	ck_assert_uint_eq(psw_word0() & PSW_SEC, 0);
}
END_TEST

START_TEST(test_sac_secondary_mode_stores_into_the_secondary_space)
{
	cpu_set_gpr(c, 4, 0xAABBCCDD);
	h_code(m, 0x1000, "B219 0100 5040 5010 B219 0000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 3), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_word(m, 0xC010), 0xAABBCCDDu);
	ck_assert_uint_eq(h_word(m, 0x8010), 0);
}
END_TEST

START_TEST(test_sac_secondary_translation_exception_sets_bit_0_of_the_exception_address)
{
	cpu_set_gpr(c, 5, 0x18000); /* segment 1: invalid in the secondary segment table */
	h_code(m, 0x1000, "B219 0100 5840 5000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 2), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0010);
	ck_assert_uint_eq(h_pic_ia(m), 0x1004); /* nullified */
	ck_assert_uint_eq(h_word(m, 0x90), 0x80018000u);
	ck_assert_uint_eq(h_word(m, 0x28) & 0x8000u, 0x8000u); /* old PSW in secondary-space mode */
}
END_TEST

START_TEST(test_sac_without_secondary_space_control_is_special_operation)
{
	cpu_set_cr(c, 0, CR0_BASE & ~0x04000000u);
	h_code(m, 0x1000, "B219 0100");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
}
END_TEST

START_TEST(test_sac_with_dat_off_or_in_bc_mode_is_special_operation)
{
	h_code(m, 0x1000, "B219 0100");
	ck_assert_int_eq(run(0x00080000, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
}
END_TEST

START_TEST(test_sac_other_modes_are_specification)
{
	h_code(m, 0x1000, "B219 0200");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0006);
}
END_TEST

START_TEST(test_sac_is_allowed_in_problem_state)
{
	h_code(m, 0x1000, "B219 0100");
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(psw_word0() & PSW_SEC, PSW_SEC);
}
END_TEST

START_TEST(test_mvcp_moves_from_the_secondary_to_the_primary_space)
{
	cpu_set_gpr(c, 1, 8);
	cpu_set_gpr(c, 3, 0);
	h_code(m, 0x1000, "DA13 5100 5000"); /* MVCP X'100'(1,5),0(5),3 */
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0);
	char b[8];
	h_get(m, 0x8100, b, 8);
	ck_assert_mem_eq(b, "SECONDRY", 8);
}
END_TEST

START_TEST(test_mvcs_moves_from_the_primary_to_the_secondary_space)
{
	cpu_set_gpr(c, 1, 8);
	cpu_set_gpr(c, 3, 0);
	h_code(m, 0x1000, "DB13 5200 5000"); /* MVCS X'200'(1,5),0(5),3 */
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0);
	char b[8];
	h_get(m, 0xC200, b, 8);
	ck_assert_mem_eq(b, "PRIMARY.", 8);
	ck_assert_uint_eq(h_word(m, 0x8200), 0);
}
END_TEST

START_TEST(test_mvcp_true_length_over_256_moves_256_and_sets_cc3)
{
	uint8_t src[300];
	for (int i = 0; i < 300; i++)
		src[i] = (uint8_t)(i + 1);
	h_put(m, 0xC400, src, 300);
	cpu_set_gpr(c, 1, 300);
	cpu_set_gpr(c, 3, 0);
	h_code(m, 0x1000, "DA13 5800 5400");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 3);
	uint8_t dst[257];
	h_get(m, 0x8800, dst, 257);
	ck_assert_mem_eq(dst, src, 256);
	ck_assert_uint_eq(dst[256], 0);
}
END_TEST

START_TEST(test_mvcp_zero_length_moves_nothing_and_needs_no_access)
{
	cpu_set_gpr(c, 1, 0);
	cpu_set_gpr(c, 3, 0);
	cpu_set_gpr(c, 6, 0x18000); /* untranslatable in both spaces */
	h_code(m, 0x1000, "DA13 6000 6000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0);
}
END_TEST

START_TEST(test_mvcp_operands_crossing_pages_move_byte_by_byte)
{
	uint8_t src[64];
	for (int i = 0; i < 64; i++)
		src[i] = (uint8_t)(0x80 + i);
	h_put(m, 0xCFE0, src, 32);      /* secondary X'8FE0', the end of frame X'C000' */
	h_put(m, 0x9000, src + 32, 32); /* secondary X'9000': frame X'9000' */
	cpu_set_gpr(c, 1, 64);
	cpu_set_gpr(c, 3, 0);
	cpu_set_gpr(c, 6, 0x8FE0);
	cpu_set_gpr(c, 7, 0x67F0); /* the destination crosses X'6800' */
	h_code(m, 0x1000, "DA13 7000 6000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	uint8_t dst[64];
	h_get(m, 0x67F0, dst, 64);
	ck_assert_mem_eq(dst, src, 64);
}
END_TEST

START_TEST(test_mvcp_secondary_translation_exception_is_nullified_with_secondary_bit)
{
	cpu_set_gpr(c, 1, 8);
	cpu_set_gpr(c, 3, 0);
	cpu_set_gpr(c, 6, 0x18000);
	h_code(m, 0x1000, "DA13 5100 6000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0010);
	ck_assert_uint_eq(h_pic_ia(m), 0x1000);
	ck_assert_uint_eq(h_word(m, 0x90), 0x80018000u);
}
END_TEST

START_TEST(test_mvcs_stores_with_the_key_in_r3)
{
	set_key(0xC000, 0x30); /* the secondary X'8000' page: key 3 */
	cpu_set_gpr(c, 1, 4);
	cpu_set_gpr(c, 3, 0x50); /* key 5: mismatch */
	h_code(m, 0x1000, "DB13 5000 5000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0004);
	cpu_set_gpr(c, 3, 0x30);
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_word(m, 0xC000), be32((const uint8_t *)"PRIM"));
}
END_TEST

START_TEST(test_mvcp_in_problem_state_needs_the_key_in_the_psw_key_mask)
{
	cpu_set_gpr(c, 1, 4);
	cpu_set_gpr(c, 3, 0x30);
	cpu_set_cr(c, 3, 0x00000001); /* PKM: no keys */
	h_code(m, 0x1000, "DA13 5100 5000");
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
	cpu_set_cr(c, 3, 0x10000001); /* PKM: key 3 */
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_word(m, 0x8100), be32((const uint8_t *)"SECO"));
}
END_TEST

START_TEST(test_mvcp_without_secondary_space_control_or_dat_is_special_operation)
{
	cpu_set_gpr(c, 1, 4);
	cpu_set_gpr(c, 3, 0);
	h_code(m, 0x1000, "DA13 5100 5000");
	cpu_set_cr(c, 0, CR0_BASE & ~0x04000000u);
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
	cpu_set_cr(c, 0, CR0_BASE);
	ck_assert_int_eq(run(0x00080000, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * MVCK, IVSK, TPROT
 */

START_TEST(test_mvck_fetches_with_the_key_in_r3_and_stores_with_the_psw_key)
{
	set_key(0x8000, 0x28); /* key 2, fetch protected */
	set_key(0xA000, 0x50); /* key 5 */
	cpu_set_gpr(c, 1, 8);
	cpu_set_gpr(c, 3, 0x20);
	cpu_set_gpr(c, 6, 0xA000);
	h_code(m, 0x1000, "D913 6000 5000"); /* MVCK 0(1,6),0(5),3 */
	ck_assert_int_eq(run(0x00580000, 0x1000, 1), MACHINE_EXIT_BUDGET); /* EC, DAT off, key 5 */
	ck_assert_uint_eq(h_cc(m), 0);
	char b[8];
	h_get(m, 0xA000, b, 8);
	ck_assert_mem_eq(b, "PRIMARY.", 8);
	/* With key 4 the source is fetch protected. */
	cpu_set_gpr(c, 3, 0x40);
	ck_assert_int_eq(run(0x00580000, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0004);
}
END_TEST

START_TEST(test_mvck_in_bc_mode_and_over_256_bytes)
{
	cpu_set_gpr(c, 1, 1000);
	cpu_set_gpr(c, 3, 0);
	cpu_set_gpr(c, 6, 0xA000);
	h_code(m, 0x1000, "D913 6000 5000");
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 3);
	char b[8];
	h_get(m, 0xA000, b, 8);
	ck_assert_mem_eq(b, "PRIMARY.", 8);
}
END_TEST

START_TEST(test_mvck_in_problem_state_needs_the_key_in_the_psw_key_mask)
{
	cpu_set_gpr(c, 1, 8);
	cpu_set_gpr(c, 3, 0x70);
	cpu_set_gpr(c, 6, 0xA000);
	cpu_set_cr(c, 3, 0x00000001);
	h_code(m, 0x1000, "D913 6000 5000");
	ck_assert_int_eq(run(0x00090000, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
	cpu_set_cr(c, 3, 0x01000001); /* key 7 */
	ck_assert_int_eq(run(0x00090000, 0x1000, 1), MACHINE_EXIT_BUDGET);
}
END_TEST

START_TEST(test_ivsk_inserts_the_key_of_the_block_in_the_current_space)
{
	set_key(0x8000, 0x2E); /* key 2, fetch protection, reference, change */
	set_key(0xC000, 0x30);
	cpu_set_gpr(c, 1, 0xFFFFFFFF);
	cpu_set_gpr(c, 2, 0x8123);
	h_code(m, 0x1000, "B223 0012 B219 0100 B223 0032"); /* IVSK 1,2 ; SAC 256 ; IVSK 3,2 */
	cpu_set_gpr(c, 3, 0x12345678);
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 3), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0xFFFFFF28u);
	ck_assert_uint_eq(cpu_get_gpr(c, 3), 0x12345630u);
}
END_TEST

START_TEST(test_ivsk_invalid_translation_is_segment_translation_exception)
{
	cpu_set_gpr(c, 2, 0x20000);
	h_code(m, 0x1000, "B223 0012");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0010);
	ck_assert_uint_eq(h_word(m, 0x90), 0x00020000u);
}
END_TEST

START_TEST(test_ivsk_in_problem_state_needs_extraction_authority)
{
	cpu_set_gpr(c, 2, 0x8000);
	h_code(m, 0x1000, "B223 0012");
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_BUDGET);
	cpu_set_cr(c, 0, CR0_BASE & ~0x08000000u);
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET); /* supervisor: not examined */
}
END_TEST

START_TEST(test_tprot_sets_cc_by_key_fetch_protection_and_translation)
{
	set_key(0x8000, 0x20); /* key 2 */
	set_key(0xA000, 0x28); /* key 2, fetch protected */
	struct {
		uint32_t addr, key;
		unsigned cc;
	} cases[] = {
		{0x8010, 0x20, 0}, /* key match: fetch and store */
		{0x8010, 0x00, 0}, /* key 0 matches everything */
		{0x8010, 0x50, 1}, /* fetch only */
		{0xA010, 0x50, 2}, /* fetch protected */
		{0xA010, 0x20, 0},
		{0x20000, 0x00, 3}, /* segment invalid */
	};
	h_code(m, 0x1000, "E501 6000 7000"); /* TPROT 0(6),0(7) */
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cpu_set_gpr(c, 6, cases[i].addr);
		cpu_set_gpr(c, 7, cases[i].key);
		ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
		ck_assert_msg(h_cc(m) == cases[i].cc, "case %u: cc %u", i, h_cc(m));
	}
}
END_TEST

START_TEST(test_tprot_segment_protection_allows_fetch_only)
{
	h_set_word(m, 0x2000, 0xF0003004); /* segment 0 protected */
	cpu_set_gpr(c, 6, 0x8000);
	cpu_set_gpr(c, 7, 0);
	h_code(m, 0x1000, "E501 6000 7000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 1);
}
END_TEST

START_TEST(test_tprot_in_the_secondary_space_and_with_dat_off)
{
	cpu_set_gpr(c, 6, 0x8000);
	cpu_set_gpr(c, 7, 0x50);
	set_key(0xC000, 0x58);
	h_code(m, 0x1000, "E501 6000 7000");
	ck_assert_int_eq(run(PSW_DAT | PSW_SEC, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0); /* secondary X'8000' is frame X'C000', key 5 */
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 1); /* real X'8000' has key 0 */
	cpu_set_gpr(c, 6, 0x10000);
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0005); /* past the end of storage */
}
END_TEST

START_TEST(test_tprot_in_problem_state_is_privileged)
{
	h_code(m, 0x1000, "E501 6000 7000");
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * ASNs: EPAR, ESAR, IAC, SSAR, LASP
 */

START_TEST(test_epar_and_esar_extract_the_asns)
{
	cpu_set_cr(c, 3, 0x8000000B);
	cpu_set_cr(c, 4, 0x00050007);
	cpu_set_gpr(c, 1, 0xFFFFFFFF);
	cpu_set_gpr(c, 2, 0xFFFFFFFF);
	h_code(m, 0x1000, "B226 0010 B227 0020");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 7);
	ck_assert_uint_eq(cpu_get_gpr(c, 2), 0xB);
}
END_TEST

START_TEST(test_epar_with_dat_off_is_special_operation)
{
	h_code(m, 0x1000, "B226 0010");
	ck_assert_int_eq(run(0x00080000, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
}
END_TEST

START_TEST(test_esar_in_problem_state_needs_extraction_authority)
{
	h_code(m, 0x1000, "B227 0010");
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_BUDGET);
	cpu_set_cr(c, 0, CR0_BASE & ~0x08000000u);
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
}
END_TEST

START_TEST(test_iac_reports_the_space_mode_in_cc_and_bit_23)
{
	cpu_set_gpr(c, 1, 0xFFFFFFFF);
	cpu_set_gpr(c, 2, 0xFFFFFFFF);
	h_code(m, 0x1000, "B224 0010 B219 0100 B224 0020");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0xFFFF00FFu);
	ck_assert_int_eq(machine_run(c, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 1);
	ck_assert_uint_eq(cpu_get_gpr(c, 2), 0xFFFF01FFu);
}
END_TEST

START_TEST(test_iac_in_problem_state_needs_extraction_authority)
{
	cpu_set_cr(c, 0, CR0_BASE & ~0x08000000u);
	h_code(m, 0x1000, "B224 0010");
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
	ck_assert_int_eq(run(0x00080000, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
}
END_TEST

START_TEST(test_ssar_to_the_primary_asn_makes_the_secondary_space_the_primary_one)
{
	cpu_set_cr(c, 7, 0x00004400);
	cpu_set_gpr(c, 1, 0xFFFF0001);
	h_code(m, 0x1000, "B225 0010");
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_cr(c, 3), 0x80000001u);
	ck_assert_uint_eq(cpu_get_cr(c, 7), 0x00002000u);
}
END_TEST

START_TEST(test_ssar_space_switching_translates_the_asn_and_checks_secondary_authority)
{
	cpu_set_cr(c, 7, 0x00002000);
	cpu_set_gpr(c, 1, 0x41);
	h_code(m, 0x1000, "B225 0010 5840 5000"); /* SSAR 1 ; then the secondary space is used */
	ck_assert_int_eq(run(PSW_DAT | PSW_SEC, 0x1000, 2), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_cr(c, 3), 0x80000041u);
	ck_assert_uint_eq(cpu_get_cr(c, 7), 0x00002100u);
	ck_assert_uint_eq(cpu_get_gpr(c, 4), be32((const uint8_t *)"SECO"));
}
END_TEST

START_TEST(test_ssar_without_secondary_authority_is_secondary_authority_exception)
{
	h_code(m, 0x5200, "08"); /* AX 2: P only */
	cpu_set_gpr(c, 1, 0x41);
	h_code(m, 0x1000, "B225 0010");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0025);
	ck_assert_uint_eq(h_pic_ia(m), 0x1000);
	ck_assert_uint_eq(h_word(m, 0x90), 0x41);
	ck_assert_uint_eq(cpu_get_cr(c, 3), 0x80000001u);
}
END_TEST

START_TEST(test_ssar_authorization_index_past_the_authority_table_is_secondary_authority)
{
	cpu_set_cr(c, 4, 0x00100001); /* AX 16: beyond a 16-entry table */
	cpu_set_gpr(c, 1, 0x41);
	h_code(m, 0x1000, "B225 0010");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0025);
	h_set_word(m, 0x5114, 0x00030010); /* authority-table length 1: 32 entries */
	h_code(m, 0x5204, "40");            /* AX 16: S */
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_cr(c, 3), 0x80000041u);
}
END_TEST

START_TEST(test_ssar_invalid_table_entries_are_afx_and_asx_translation_exceptions)
{
	h_code(m, 0x1000, "B225 0010");
	cpu_set_gpr(c, 1, 0x0002); /* AFX 0: first-table entry invalid */
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0020);
	ck_assert_uint_eq(h_word(m, 0x90), 0x0002);
	ck_assert_uint_eq(h_pic_ia(m), 0x1000);
	cpu_set_gpr(c, 1, 0x0040); /* AFX 1, ASX 0: second-table entry invalid */
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0021);
	ck_assert_uint_eq(h_word(m, 0x90), 0x0040);
}
END_TEST

START_TEST(test_ssar_ones_where_zeros_belong_are_asn_translation_specification)
{
	h_set_word(m, 0x511C, 0x81006000); /* LTD bit 7 */
	cpu_set_gpr(c, 1, 0x41);
	h_code(m, 0x1000, "B225 0010");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0017);
	ck_assert_uint_eq(h_pic_ia(m), 0x1004); /* suppressed */
}
END_TEST

START_TEST(test_ssar_without_asn_translation_control_is_special_operation)
{
	cpu_set_cr(c, 14, 0xC2000005);
	cpu_set_gpr(c, 1, 0x41);
	h_code(m, 0x1000, "B225 0010");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
}
END_TEST

START_TEST(test_lasp_loads_the_address_space_parameters)
{
	/* PKM X'C000', SASN X'0041', AX 2, PASN 1 (the current one: not translated). */
	h_set_word(m, 0x400, 0xC0000041);
	h_set_word(m, 0x404, 0x00020001);
	cpu_set_cr(c, 7, 0);
	h_code(m, 0x1000, "E500 0400 0000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(cpu_get_cr(c, 3), 0xC0000041u);
	ck_assert_uint_eq(cpu_get_cr(c, 4), 0x00020001u);
	ck_assert_uint_eq(cpu_get_cr(c, 1), 0x00002000u);
	ck_assert_uint_eq(cpu_get_cr(c, 7), 0x00002100u);
}
END_TEST

START_TEST(test_lasp_with_primary_translation_takes_ax_and_ltd_from_the_table)
{
	/* PASN X'0041' translated: PSTD X'2100', AX 3, LTD; SASN = PASN; bit 30 keeps operand AX. */
	h_set_word(m, 0x400, 0x80000041);
	h_set_word(m, 0x404, 0x00070041);
	cpu_set_cr(c, 5, 0);
	h_code(m, 0x1000, "E500 0400 0000 E500 0400 0002");
	ck_assert_int_eq(h_run(m, 0x1000, 1), MACHINE_EXIT_BUDGET); /* DAT off is fine */
	ck_assert_uint_eq(h_cc(m), 0);
	ck_assert_uint_eq(cpu_get_cr(c, 1), 0x00002100u);
	ck_assert_uint_eq(cpu_get_cr(c, 4), 0x00030041u);
	ck_assert_uint_eq(cpu_get_cr(c, 5), 0x80006000u);
	ck_assert_uint_eq(cpu_get_cr(c, 7), 0x00002100u);
	/* Again with bit 30: the AX from the operand; PASN now current: not translated. */
	ck_assert_int_eq(machine_run(c, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_cr(c, 4), 0x00070041u);
}
END_TEST

START_TEST(test_lasp_condition_codes_leave_the_registers_unchanged)
{
	struct {
		uint32_t hi, lo, bits;
		unsigned cc;
	} cases[] = {
		{0x80000041, 0x00020081, 0, 1}, /* PASN X'0081': AFX 2 invalid */
		{0x80000040, 0x00020001, 0, 2}, /* SASN X'0040': ASX 0 invalid */
		{0x80000041, 0x00030001, 2, 2}, /* AX 3 from the operand: no S authority */
		{0x80000041, 0x00030001, 3, 0}, /* ... unless the authority test is skipped */
	};
	h_code(m, 0x5200, "04");
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cpu_set_cr(c, 3, 0x80000001);
		cpu_set_cr(c, 4, 0x00020001);
		h_set_word(m, 0x400, cases[i].hi);
		h_set_word(m, 0x404, cases[i].lo);
		cpu_set_gpr(c, 6, cases[i].bits);
		h_code(m, 0x1000, "E500 0400 6000");
		ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
		ck_assert_msg(h_cc(m) == cases[i].cc, "case %u: cc %u", i, h_cc(m));
		if (cases[i].cc) {
			ck_assert_uint_eq(cpu_get_cr(c, 3), 0x80000001u);
			ck_assert_uint_eq(cpu_get_cr(c, 4), 0x00020001u);
		}
	}
}
END_TEST

START_TEST(test_lasp_space_switch_event_control_sets_cc3)
{
	h_set_word(m, 0x5118, 0x00002101); /* the space's STD has the space-switch-event control */
	h_set_word(m, 0x400, 0x80000041);
	h_set_word(m, 0x404, 0x00020041);
	h_code(m, 0x1000, "E500 0400 0000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_cc(m), 3);
	ck_assert_uint_eq(cpu_get_cr(c, 4), 0x00020001u);
}
END_TEST

START_TEST(test_lasp_exceptions)
{
	h_code(m, 0x1000, "E500 0404 0000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0006); /* not a doubleword */
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
	cpu_set_cr(c, 14, 0xC2000005);
	h_code(m, 0x1000, "E500 0400 0000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * PC and PT
 */

START_TEST(test_pc_to_the_current_primary_space_links_through_r14_r3_r4)
{
	cpu_set_cr(c, 3, 0x80000007);
	h_code(m, 0x1000, "B218 0000"); /* PC 0 */
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(h_ia(m), 0x1800);
	ck_assert_uint_eq(cpu_get_gpr(c, 14), 0x00001004u);
	ck_assert_uint_eq(cpu_get_gpr(c, 3), 0x80000001u); /* old PKM, PASN */
	ck_assert_uint_eq(cpu_get_gpr(c, 4), 0x12345678u);
	ck_assert_uint_eq(cpu_get_cr(c, 3), 0xC0000001u); /* PKM | EKM, SASN = PASN */
	ck_assert_uint_eq(cpu_get_cr(c, 7), 0x00002000u);
	ck_assert_uint_eq(psw_word0() & PSW_PROB, 0);
}
END_TEST

START_TEST(test_pt_returns_from_pc_to_the_caller)
{
	/* PC 0 ; at X'1800': PT 3,14 back to X'1004' in the problem state. */
	h_code(m, 0x1000, "B218 0000 1A11");
	h_code(m, 0x1800, "B228 003E");
	cpu_set_gpr(c, 1, 1);
	cpu_set_cr(c, 3, 0x80000001);
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 3), MACHINE_EXIT_BUDGET);
	ck_assert(!h_program_interrupted(m));
	ck_assert_uint_eq(h_ia(m), 0x1006);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 2);
	ck_assert_uint_eq(cpu_get_gpr(c, 14), 0x00001005u); /* the problem-state bit */
	ck_assert_uint_eq(psw_word0() & PSW_PROB, PSW_PROB);
	ck_assert_uint_eq(cpu_get_cr(c, 3), 0x80000001u); /* PKM ANDed back */
}
END_TEST

START_TEST(test_pc_in_problem_state_needs_pkm_and_authorization_key_mask)
{
	cpu_set_cr(c, 3, 0x08000001); /* key 4 only: AKM X'8000' has key 0 only */
	h_code(m, 0x1000, "B218 0000");
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET); /* supervisor state */
}
END_TEST

START_TEST(test_pc_number_outside_the_tables_is_lx_or_ex_translation)
{
	struct {
		const char *code;
		unsigned pic;
		uint32_t tea;
	} cases[] = {
		{"B218 0000", 0, 0},
		{"B218 0100", 0x22, 0x100}, /* LX 1: linkage-table entry invalid */
		{"B218 0004", 0x23, 0x004}, /* EX 4: past the entry table (4 entries) */
	};
	cpu_set_gpr(c, 9, 0x2000);
	for (unsigned i = 0; i < 3; i++) {
		h_code(m, 0x1000, cases[i].code);
		h_set_word(m, 0x90, 0);
		enum machine_exit e = run(PSW_DAT, 0x1000, 1);
		if (!cases[i].pic) {
			ck_assert_int_eq(e, MACHINE_EXIT_BUDGET);
			continue;
		}
		ck_assert_int_eq(e, MACHINE_EXIT_DISABLED_WAIT);
		ck_assert_uint_eq(h_pic(m), cases[i].pic);
		ck_assert_uint_eq(h_pic_ia(m), 0x1000); /* nullified */
		ck_assert_uint_eq(h_word(m, 0x90), cases[i].tea);
	}
	/* LX 32: past a linkage table of 32 entries (LTL 0). */
	h_code(m, 0x1000, "B218 9000"); /* PC 0(9): X'2000', LX X'20' */
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0022);
	ck_assert_uint_eq(h_word(m, 0x90), 0x2000);
}
END_TEST

START_TEST(test_pc_ones_where_zeros_belong_are_pc_translation_specification)
{
	h_code(m, 0x1000, "B218 0000");
	h_set_word(m, 0x6104, 0x01001800);
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x001F);
	ck_assert_uint_eq(h_pic_ia(m), 0x1004);
	h_set_word(m, 0x6104, 0x00001800);
	h_set_word(m, 0x6000, 0x40006100);
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x001F);
}
END_TEST

START_TEST(test_pc_special_operation_conditions)
{
	h_code(m, 0x1000, "B218 0000");
	ck_assert_int_eq(run(PSW_DAT | PSW_SEC, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013); /* secondary-space mode */
	ck_assert_int_eq(run(0x00080000, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013); /* DAT off */
	cpu_set_cr(c, 5, 0x00006000);
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013); /* subsystem-linkage control zero */
}
END_TEST

START_TEST(test_pc_space_switching_makes_the_entry_asn_the_primary_space)
{
	/* EX 1 enters space X'0041' at X'1800' in the problem state: there X'1800' is frame X'9800'. */
	h_code(m, 0x9800, "5840 5000"); /* L 4,0(5): primary X'8000' is now frame X'C000' */
	h_code(m, 0x1000, "B218 0001");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 2), MACHINE_EXIT_BUDGET);
	ck_assert(!h_program_interrupted(m));
	ck_assert_uint_eq(cpu_get_cr(c, 1), 0x00002100u);
	ck_assert_uint_eq(cpu_get_cr(c, 4), 0x00030041u); /* AX 3 from the ASN-second-table entry */
	ck_assert_uint_eq(cpu_get_cr(c, 3), 0x80000001u); /* SASN: the old PASN */
	ck_assert_uint_eq(cpu_get_cr(c, 7), 0x00002000u); /* SSTD: the old PSTD */
	ck_assert_uint_eq(cpu_get_gpr(c, 3), 0x80000001u);
	ck_assert_uint_eq(cpu_get_gpr(c, 4), be32((const uint8_t *)"SECO"));
	ck_assert_uint_eq(psw_word0() & PSW_PROB, PSW_PROB);
}
END_TEST

START_TEST(test_pc_space_switch_event_interrupts_after_completion)
{
	h_set_word(m, 0x5118, 0x00002101);
	h_code(m, 0x1000, "B218 0001");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x001C);
	ck_assert_uint_eq(h_pic_ia(m), 0x1800); /* the old PSW is the entry's */
	ck_assert_uint_eq(h_word(m, 0x28) & PSW_PROB, PSW_PROB);
	ck_assert_uint_eq(h_word(m, 0x90), 0x0001); /* the old PASN; its control was zero */
	ck_assert_uint_eq(cpu_get_cr(c, 1), 0x00002101u);
}
END_TEST

START_TEST(test_pt_to_another_space_needs_primary_authority)
{
	cpu_set_gpr(c, 1, 0xFFFF0041);
	cpu_set_gpr(c, 2, 0x00001801);
	h_code(m, 0x1000, "B228 0012");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0024);
	ck_assert_uint_eq(h_word(m, 0x90), 0x41);
	ck_assert_uint_eq(h_pic_ia(m), 0x1000);
	/* With P authority for AX 2 it switches. */
	h_code(m, 0x5200, "0C");
	h_code(m, 0x9800, "5840 5000");
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 2), MACHINE_EXIT_BUDGET);
	ck_assert(!h_program_interrupted(m));
	ck_assert_uint_eq(cpu_get_cr(c, 1), 0x00002100u);
	ck_assert_uint_eq(cpu_get_cr(c, 7), 0x00002100u);
	ck_assert_uint_eq(cpu_get_cr(c, 3), 0x80000041u);
	ck_assert_uint_eq(cpu_get_cr(c, 4), 0x00030041u);
	ck_assert_uint_eq(cpu_get_gpr(c, 4), be32((const uint8_t *)"SECO"));
}
END_TEST

START_TEST(test_pt_cannot_enter_the_supervisor_state_from_the_problem_state)
{
	cpu_set_gpr(c, 1, 0xFFFF0001);
	cpu_set_gpr(c, 2, 0x00001800);
	h_code(m, 0x1000, "B228 0012");
	ck_assert_int_eq(run(PSW_DAT | PSW_PROB, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0002);
}
END_TEST

START_TEST(test_pt_special_operation_in_secondary_mode)
{
	cpu_set_gpr(c, 1, 0xFFFF0001);
	cpu_set_gpr(c, 2, 0x00001800);
	h_code(m, 0x1000, "B228 0012");
	ck_assert_int_eq(run(PSW_DAT | PSW_SEC, 0x1000, 1), MACHINE_EXIT_DISABLED_WAIT);
	ck_assert_uint_eq(h_pic(m), 0x0013);
}
END_TEST

START_TEST(test_lra_translates_through_cr7_when_psw_bit_16_is_on)
{
	h_code(m, 0x1000, "B110 5010"); /* LRA 1,X'10'(0,5) */
	ck_assert_int_eq(run(PSW_DAT, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0x8010);
	ck_assert_int_eq(run(PSW_DAT | PSW_SEC, 0x1000, 1), MACHINE_EXIT_BUDGET);
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0xC010);
	ck_assert_int_eq(run(0x00080000 | PSW_SEC, 0x1000, 1), MACHINE_EXIT_BUDGET); /* DAT off too */
	ck_assert_uint_eq(cpu_get_gpr(c, 1), 0xC010);
	ck_assert_uint_eq(h_cc(m), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("das");
	TCase *tc = tcase_create("secondary space");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sac_secondary_mode_takes_operands_from_secondary_instructions_from_primary);
	tcase_add_test(tc, test_sac_secondary_mode_stores_into_the_secondary_space);
	tcase_add_test(tc, test_sac_secondary_translation_exception_sets_bit_0_of_the_exception_address);
	tcase_add_test(tc, test_sac_without_secondary_space_control_is_special_operation);
	tcase_add_test(tc, test_sac_with_dat_off_or_in_bc_mode_is_special_operation);
	tcase_add_test(tc, test_sac_other_modes_are_specification);
	tcase_add_test(tc, test_sac_is_allowed_in_problem_state);
	tcase_add_test(tc, test_mvcp_moves_from_the_secondary_to_the_primary_space);
	tcase_add_test(tc, test_mvcs_moves_from_the_primary_to_the_secondary_space);
	tcase_add_test(tc, test_mvcp_true_length_over_256_moves_256_and_sets_cc3);
	tcase_add_test(tc, test_mvcp_zero_length_moves_nothing_and_needs_no_access);
	tcase_add_test(tc, test_mvcp_operands_crossing_pages_move_byte_by_byte);
	tcase_add_test(tc, test_mvcp_secondary_translation_exception_is_nullified_with_secondary_bit);
	tcase_add_test(tc, test_mvcs_stores_with_the_key_in_r3);
	tcase_add_test(tc, test_mvcp_in_problem_state_needs_the_key_in_the_psw_key_mask);
	tcase_add_test(tc, test_mvcp_without_secondary_space_control_or_dat_is_special_operation);
	tcase_add_test(tc, test_lra_translates_through_cr7_when_psw_bit_16_is_on);
	suite_add_tcase(s, tc);

	TCase *keys = tcase_create("keys");
	tcase_add_checked_fixture(keys, setup, teardown);
	tcase_add_test(keys, test_mvck_fetches_with_the_key_in_r3_and_stores_with_the_psw_key);
	tcase_add_test(keys, test_mvck_in_bc_mode_and_over_256_bytes);
	tcase_add_test(keys, test_mvck_in_problem_state_needs_the_key_in_the_psw_key_mask);
	tcase_add_test(keys, test_ivsk_inserts_the_key_of_the_block_in_the_current_space);
	tcase_add_test(keys, test_ivsk_invalid_translation_is_segment_translation_exception);
	tcase_add_test(keys, test_ivsk_in_problem_state_needs_extraction_authority);
	tcase_add_test(keys, test_tprot_sets_cc_by_key_fetch_protection_and_translation);
	tcase_add_test(keys, test_tprot_segment_protection_allows_fetch_only);
	tcase_add_test(keys, test_tprot_in_the_secondary_space_and_with_dat_off);
	tcase_add_test(keys, test_tprot_in_problem_state_is_privileged);
	suite_add_tcase(s, keys);

	TCase *asn = tcase_create("asn");
	tcase_add_checked_fixture(asn, setup, teardown);
	tcase_add_test(asn, test_epar_and_esar_extract_the_asns);
	tcase_add_test(asn, test_epar_with_dat_off_is_special_operation);
	tcase_add_test(asn, test_esar_in_problem_state_needs_extraction_authority);
	tcase_add_test(asn, test_iac_reports_the_space_mode_in_cc_and_bit_23);
	tcase_add_test(asn, test_iac_in_problem_state_needs_extraction_authority);
	tcase_add_test(asn, test_ssar_to_the_primary_asn_makes_the_secondary_space_the_primary_one);
	tcase_add_test(asn, test_ssar_space_switching_translates_the_asn_and_checks_secondary_authority);
	tcase_add_test(asn, test_ssar_without_secondary_authority_is_secondary_authority_exception);
	tcase_add_test(asn, test_ssar_authorization_index_past_the_authority_table_is_secondary_authority);
	tcase_add_test(asn, test_ssar_invalid_table_entries_are_afx_and_asx_translation_exceptions);
	tcase_add_test(asn, test_ssar_ones_where_zeros_belong_are_asn_translation_specification);
	tcase_add_test(asn, test_ssar_without_asn_translation_control_is_special_operation);
	tcase_add_test(asn, test_lasp_loads_the_address_space_parameters);
	tcase_add_test(asn, test_lasp_with_primary_translation_takes_ax_and_ltd_from_the_table);
	tcase_add_test(asn, test_lasp_condition_codes_leave_the_registers_unchanged);
	tcase_add_test(asn, test_lasp_space_switch_event_control_sets_cc3);
	tcase_add_test(asn, test_lasp_exceptions);
	suite_add_tcase(s, asn);

	TCase *link = tcase_create("linkage");
	tcase_add_checked_fixture(link, setup, teardown);
	tcase_add_test(link, test_pc_to_the_current_primary_space_links_through_r14_r3_r4);
	tcase_add_test(link, test_pt_returns_from_pc_to_the_caller);
	tcase_add_test(link, test_pc_in_problem_state_needs_pkm_and_authorization_key_mask);
	tcase_add_test(link, test_pc_number_outside_the_tables_is_lx_or_ex_translation);
	tcase_add_test(link, test_pc_ones_where_zeros_belong_are_pc_translation_specification);
	tcase_add_test(link, test_pc_special_operation_conditions);
	tcase_add_test(link, test_pc_space_switching_makes_the_entry_asn_the_primary_space);
	tcase_add_test(link, test_pc_space_switch_event_interrupts_after_completion);
	tcase_add_test(link, test_pt_to_another_space_needs_primary_authority);
	tcase_add_test(link, test_pt_cannot_enter_the_supervisor_state_from_the_problem_state);
	tcase_add_test(link, test_pt_special_operation_in_secondary_mode);
	suite_add_tcase(s, link);
	return s;
}

int main(void)
{
	return check_run(suite());
}
