/*
 * harness.c - see harness.h.
 */
#include <check.h>
#include <ctype.h>
#include <string.h>

#include "lib/be.h"
#include "tests/machine/harness.h"

static void put_wait_psw(struct machine *m, uint32_t addr, uint32_t ia)
{
	uint8_t psw[8] = {0x00, 0x02, 0x00, 0x00, 0x00, (uint8_t)(ia >> 16), (uint8_t)(ia >> 8), (uint8_t)ia};
	h_put(m, addr, psw, 8);
}

struct machine *h_new(uint32_t storage, bool extension)
{
	struct machine_config cfg = {.storage_size = storage, .extension = extension};
	struct machine *m = machine_new(&cfg);
	ck_assert_ptr_nonnull(m);
	put_wait_psw(m, 0x68, H_PGM_WAIT);
	put_wait_psw(m, 0x60, H_SVC_WAIT);
	h_set_word(m, 0x50, 0x7FFFFFFF); /* the interval timer: hours before it goes negative */
	return m;
}

void h_code(struct machine *m, uint32_t addr, const char *hex)
{
	uint8_t buf[4096];
	uint32_t n = 0;
	int hi = -1;
	for (const char *p = hex; *p; p++) {
		if (isspace((unsigned char)*p))
			continue;
		ck_assert_msg(isxdigit((unsigned char)*p), "bad hex digit in test code: %c", *p);
		int v = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
		if (hi < 0) {
			hi = v;
		} else {
			ck_assert_uint_lt(n, sizeof buf);
			buf[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	ck_assert_msg(hi < 0, "odd number of hex digits in test code");
	h_put(m, addr, buf, n);
}

void h_put(struct machine *m, uint32_t addr, const void *data, uint32_t len)
{
	ck_assert(machine_load(m, addr, data, len));
}

void h_get(struct machine *m, uint32_t addr, void *out, uint32_t len)
{
	ck_assert(machine_dump(m, addr, out, len));
}

uint32_t h_word(struct machine *m, uint32_t addr)
{
	uint8_t b[4];
	h_get(m, addr, b, 4);
	return be32(b);
}

void h_set_word(struct machine *m, uint32_t addr, uint32_t v)
{
	uint8_t b[4];
	put_be32(b, v);
	h_put(m, addr, b, 4);
}

enum machine_exit h_run_pm(struct machine *m, uint32_t addr, uint64_t n, unsigned progmask)
{
	uint8_t psw[8] = {0, 0, 0, 0, (uint8_t)(progmask & 15), (uint8_t)(addr >> 16), (uint8_t)(addr >> 8),
			  (uint8_t)addr};
	struct cpu *c = machine_cpu(m);
	cpu_set_psw(c, psw);
	memset(psw, 0, 8);
	h_put(m, 0x28, psw, 8); /* clear the program old PSW so h_program_interrupted is exact */
	return machine_run(c, n);
}

enum machine_exit h_run(struct machine *m, uint32_t addr, uint64_t n)
{
	return h_run_pm(m, addr, n, 0);
}

unsigned h_cc(struct machine *m)
{
	uint8_t psw[8];
	cpu_get_psw(machine_cpu(m), psw);
	return psw[1] & 0x08 ? (psw[2] >> 4) & 3 : (psw[4] >> 4) & 3;
}

uint32_t h_ia(struct machine *m)
{
	uint8_t psw[8];
	cpu_get_psw(machine_cpu(m), psw);
	return (uint32_t)psw[5] << 16 | (uint32_t)psw[6] << 8 | psw[7];
}

bool h_program_interrupted(struct machine *m)
{
	return h_ia(m) == H_PGM_WAIT;
}

unsigned h_pic(struct machine *m)
{
	uint8_t old[8];
	h_get(m, 0x28, old, 8);
	if (old[1] & 0x08) {
		uint8_t code[2];
		h_get(m, 0x8E, code, 2);
		return be16(code);
	}
	return be16(old + 2);
}

uint32_t h_pic_ia(struct machine *m)
{
	return h_word(m, 0x2C) & 0xFFFFFFu;
}

unsigned h_pic_ilc(struct machine *m)
{
	uint8_t old[8];
	h_get(m, 0x28, old, 8);
	if (old[1] & 0x08) {
		uint8_t ilc;
		h_get(m, 0x8D, &ilc, 1);
		return ilc >> 1 & 3;
	}
	return old[4] >> 6;
}

uint64_t h_fpr(struct machine *m, int r)
{
	return cpu_get_fpr(machine_cpu(m), r);
}
