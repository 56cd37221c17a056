/*
 * check_fuzz.c - random guests against the machine.
 *
 * Each case fills a machine's storage with a random program built from the instruction table
 * (real opcodes with random operands, mixed with random bytes), gives it random registers, storage
 * keys and PSWs (BC or EC mode, any key, problem or supervisor state, extension on or off), points
 * the interruption new PSWs back into the random code so that execution goes on after program
 * checks, and runs it. The machine must come back every time with a sane state. Storage is
 * surrounded by inaccessible guard regions (machine_new), so a host access outside a guest's
 * storage faults and fails the test; under --enable-sanitizers any other out-of-bounds access or
 * undefined behaviour does too.
 *
 * CAMBRIDGE_FUZZ_SEED and CAMBRIDGE_FUZZ_CASES override the fixed seed and the case count.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/insn_table.h"
#include "tests/check_run.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static uint64_t env_or(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

/* One instruction from the table with random operand bytes, written at p (up to 6 bytes). */
static int random_insn(uint8_t *p)
{
	const struct insn_desc *d = &insn_table[rnd_below(insn_table_count)];
	int len = insn_length(d->op);
	for (int i = 0; i < len; i++)
		p[i] = (uint8_t)rnd();
	p[0] = d->op;
	switch (insn_sub_where(d->op)) {
	case SUB_BYTE1:
		p[1] = (uint8_t)d->sub;
		break;
	case SUB_NIBBLE:
		p[1] = (uint8_t)((p[1] & 0xF0) | d->sub);
		break;
	case SUB_BYTE5:
		p[5] = (uint8_t)d->sub;
		break;
	default:
		break;
	}
	/* Keep base/index registers mostly small so operands often land in storage. */
	if (len >= 4 && rnd_below(4))
		p[2] = (uint8_t)(p[2] & 0x3F);
	return len;
}

static uint32_t random_psw_word_address(uint32_t storage)
{
	return rnd_below(4) ? (rnd_below(storage) & ~1u) : (uint32_t)rnd() & 0xFFFFFFu;
}

/* A random PSW: mostly valid, sometimes not; mostly enabled for nothing (so waits stop). */
static void random_psw(uint8_t psw[8], uint32_t storage)
{
	uint32_t ia = random_psw_word_address(storage);
	bool ec = rnd_below(2);
	psw[0] = rnd_below(8) ? 0 : (uint8_t)rnd();
	psw[1] = (uint8_t)((rnd_below(16) << 4) | (ec ? 0x08 : 0) | (rnd_below(8) ? 0 : 0x02) | rnd_below(2));
	if (ec) {
		psw[0] &= (uint8_t)(rnd_below(8) ? 0x43 : 0xFF);
		psw[2] = (uint8_t)(rnd() & (rnd_below(8) ? 0x3F : 0xFF));
		psw[3] = rnd_below(16) ? 0 : (uint8_t)rnd();
		psw[4] = 0;
	} else {
		psw[2] = (uint8_t)rnd();
		psw[3] = (uint8_t)rnd();
		psw[4] = (uint8_t)rnd();
	}
	psw[5] = (uint8_t)(ia >> 16);
	psw[6] = (uint8_t)(ia >> 8);
	psw[7] = (uint8_t)ia;
}

static void trace_to_nowhere(void *arg, uint32_t addr, const uint8_t *insn, int len)
{
	char buf[80];
	disasm(insn, true, buf, sizeof buf);
	*(unsigned *)arg += (unsigned)len + (buf[0] != 0);
}

static void run_case(uint64_t seed)
{
	rng_state = seed ? seed : 1;
	static const uint32_t sizes[] = {4096, 64 * 1024, 64 * 1024, 1024 * 1024};
	uint32_t size = sizes[rnd_below(4)];
	struct machine_config cfg = {.storage_size = size, .extension = rnd_below(2)};
	struct machine *m = machine_new(&cfg);
	ck_assert_ptr_nonnull(m);
	struct cpu *c = machine_cpu(m);

	/* A random program: table instructions with random operands, and some raw noise. */
	uint8_t *img = malloc(size);
	ck_assert_ptr_nonnull(img);
	for (uint32_t i = 0; i < size;) {
		if (i + 6 <= size && rnd_below(8))
			i += (uint32_t)random_insn(img + i);
		else
			img[i++] = (uint8_t)rnd();
	}
	/* New PSWs (restart, external, SVC, program, machine check, I/O) back into the code. */
	static const uint32_t new_psws[] = {0x00, 0x58, 0x60, 0x68, 0x70, 0x78};
	for (unsigned i = 0; i < sizeof new_psws / sizeof new_psws[0]; i++)
		random_psw(img + new_psws[i], size);
	ck_assert(machine_load(m, 0, img, size));
	free(img);

	for (uint32_t b = 0; b < (size >> BLOCK_SHIFT); b++)
		c->keys[b] = rnd_below(4) ? 0 : (uint8_t)(rnd() & 0xFE);
	for (int r = 0; r < 16; r++)
		cpu_set_gpr(c, r, rnd_below(2) ? rnd_below(size) : (uint32_t)rnd());
	for (int r = 0; r < 8; r += 2)
		cpu_set_fpr(c, r, rnd());
	if (rnd_below(4) == 0)
		cpu_set_cr(c, 0, (uint32_t)rnd() & ~0x00FF0000u); /* keep DAT page/segment sizes off */
	if (rnd_below(4) == 0)
		cpu_set_cr(c, 8, (uint32_t)rnd());

	uint8_t psw[8];
	random_psw(psw, size);
	cpu_set_psw(c, psw);
	unsigned traced = 0;
	if (rnd_below(16) == 0)
		cpu_set_trace(c, trace_to_nowhere, &traced);

	uint64_t before = cpu_instructions(c);
	for (int burst = 0; burst < 8; burst++) {
		enum machine_exit e = machine_run(c, 2000);
		ck_assert_int_le(e, MACHINE_EXIT_DIAGNOSE);
		ck_assert_str_ne(machine_exit_str(e), "unknown");
		if (e == MACHINE_EXIT_DISABLED_WAIT || e == MACHINE_EXIT_PROGRAM_LOOP ||
		    e == MACHINE_EXIT_CHECKSTOP)
			break;
		if (e == MACHINE_EXIT_ENABLED_WAIT) {
			random_psw(psw, size); /* nothing will interrupt a bare machine: move on */
			cpu_set_psw(c, psw);
		}
	}
	ck_assert_uint_le(cpu_instructions(c) - before, 8 * 2000);
	cpu_get_psw(c, psw);
	ck_assert_uint_le((uint32_t)psw[5] << 16 | (uint32_t)psw[6] << 8 | psw[7], 0xFFFFFFu);
	machine_free(m);
}

START_TEST(test_random_guests_never_crash_the_host)
{
	uint64_t seed = env_or("CAMBRIDGE_FUZZ_SEED", 0x5EED370);
	uint64_t cases = env_or("CAMBRIDGE_FUZZ_CASES", 400);
	for (uint64_t i = 0; i < cases; i++) {
		uint64_t s = seed * 6364136223846793005ull + i;
		/* If this case crashes, the Check log shows the last seed announced. */
		if (getenv("CAMBRIDGE_FUZZ_VERBOSE"))
			fprintf(stderr, "fuzz case %llu seed %#llx\n", (unsigned long long)i, (unsigned long long)s);
		run_case(s);
	}
}
END_TEST

START_TEST(test_disassembler_on_random_bytes_stays_in_its_buffer)
{
	rng_state = env_or("CAMBRIDGE_FUZZ_SEED", 0x5EED370) | 1;
	for (int i = 0; i < 200000; i++) {
		uint8_t b[6];
		for (int j = 0; j < 6; j++)
			b[j] = (uint8_t)rnd();
		char buf[24];
		disasm(b, i & 1, buf, sizeof buf);
		ck_assert_uint_lt(strlen(buf), sizeof buf);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fuzz");
	TCase *tc = tcase_create("fuzz");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_random_guests_never_crash_the_host);
	tcase_add_test(tc, test_disassembler_on_random_bytes_stays_in_its_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
