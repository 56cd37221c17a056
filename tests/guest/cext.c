/*
 * cext.c - a guest program compiled by GCC (cext-start.s calls guest_main): a bitwise CRC-32,
 * an insertion sort of pseudo-random numbers, a recursive Fibonacci, signed division and a
 * string walk. It shows that compiler output for the S/370 extension runs on the machine.
 *
 * The expected words in cext.expect come from the host, not from the machine: the same file
 * built as a host program prints them:
 *     cc -DHOST_CHECK -o cext-host tests/guest/cext.c && ./cext-host
 */
#include <stdint.h>

#define NSORT 32

uint32_t guest_main(uint32_t *out);

static uint32_t crc32(const uint8_t *p, unsigned n)
{
	uint32_t crc = 0xFFFFFFFFu;

	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
	}
	return ~crc;
}

static void sort(uint32_t *a, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint32_t v = a[i];
		unsigned j = i;
		while (j > 0 && a[j - 1] > v) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

static unsigned fib(unsigned n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static unsigned length(const char *s)
{
	unsigned n = 0;

	while (s[n])
		n++;
	return n;
}

/* Fills out[0..8]; returns the number of words filled. */
uint32_t guest_main(uint32_t *out)
{
	static uint8_t buf[64];
	static uint32_t a[NSORT];
	volatile int32_t num = -100000, den = 7;
	uint32_t x = 1, sum = 0;

	for (unsigned i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	out[0] = crc32(buf, sizeof buf);

	for (unsigned i = 0; i < NSORT; i++) {
		x = x * 1103515245u + 12345u;
		a[i] = x >> 8;
	}
	sort(a, NSORT);
	for (unsigned i = 0; i < NSORT; i++)
		sum += (i + 1) * a[i];
	out[1] = sum;
	out[2] = a[0];
	out[3] = a[NSORT - 1];

	out[4] = fib(20);
	out[5] = (uint32_t)(num / den);
	out[6] = (uint32_t)(num % den);
	out[7] = length("System/370 under Cambridge");
	out[8] = 0xC0FFEE;
	return 9;
}

#ifdef HOST_CHECK
#include <stdio.h>

int main(void)
{
	uint32_t out[9];
	uint32_t n = guest_main(out);

	printf("gpr2=%08X\n", n);
	for (uint32_t i = 0; i < n; i++)
		printf("storage %08X=%08X\n", 0x2000 + 4 * i, out[i]);
	return 0;
}
#endif
