/*
 * decimal.h - packed-decimal arithmetic (GA22-7000 chapter 8) as pure functions. Used by
 * insn_decimal.c; table-tested in tests/machine/check_decimal.c.
 *
 * A packed operand of n bytes (1..16) holds 2n-1 decimal digits and a sign:
 *
 *     byte 0           byte 1                 byte n-1
 *    +-------+-------+-------+-------+-- .. -+-------+-------+
 *    |   D   |   D   |   D   |   D   |       |   D   |   S   |
 *    +-------+-------+-------+-------+-- .. -+-------+-------+
 *
 * Digit codes are 0-9. Sign codes A, C, E, F are plus and B, D minus; results get the preferred
 * codes C and D. Anything else is invalid (a data exception for the instruction).
 *
 * In struct dec the digits are BCD in a 128-bit word, the rightmost digit in bits 0-3. Comparing
 * two such words as binary numbers compares their decimal values, and addition and subtraction
 * work on all digits at once. An operand has at most 31 digits; an exact sum may have 32.
 */
#ifndef MACHINE_DECIMAL_H
#define MACHINE_DECIMAL_H

#include <stdbool.h>
#include <stdint.h>

typedef unsigned __int128 dec_bcd;

#define DEC_MAX_BYTES 16
#define DEC_MAX_DIGITS 31

/* The number of digits in a packed field of len bytes. */
#define DEC_DIGITS(len) (2 * (len) - 1)

struct dec {
	dec_bcd mag; /* magnitude, BCD */
	bool neg;    /* minus sign (also for a zero) */
};

/* True when every nibble of d is a decimal digit (d's leftmost nibble must be zero). */
bool dec_bcd_valid(dec_bcd d);
/* a + b for valid BCD a and b whose sum has at most 32 digits. */
dec_bcd dec_bcd_add(dec_bcd a, dec_bcd b);
/* a - b for valid BCD a >= b. */
dec_bcd dec_bcd_sub(dec_bcd a, dec_bcd b);

/* Read a packed field of len bytes (1..16). Returns false when a digit or the sign is invalid;
 * *v is then unspecified. */
bool dec_load(const uint8_t *p, unsigned len, struct dec *v);
/* Write v as a packed field of len bytes with sign C or D. Digits beyond the field are dropped. */
void dec_store(uint8_t *p, unsigned len, struct dec v);

/* The exact algebraic sum a + b (at most 32 digits). */
struct dec dec_add(struct dec a, struct dec b);
/* Fit the exact result of AP, SP, ZAP into a field of digits digits (1..31) and return the
 * condition code: 0 zero, 1 less than zero, 2 greater than zero, 3 overflow. On overflow the
 * leftmost digits are dropped and the sign stays that of the exact result, even when what is
 * left is zero; without overflow a zero result is made plus. */
uint8_t dec_fit(struct dec *v, unsigned digits);
/* The condition code of CP: 0 equal, 1 a low, 2 a high. A minus zero equals a plus zero. */
uint8_t dec_compare(struct dec a, struct dec b);

/* a * b, the sign by the rules of algebra even for a zero product. The product must have at
 * most 31 digits (MP's leading-zero rule guarantees it). */
struct dec dec_multiply(struct dec a, struct dec b);
/* a / b for b != 0: quotient (sign by the rules of algebra, even when zero) and remainder (sign
 * of the dividend, even when zero). */
void dec_divide(struct dec a, struct dec b, struct dec *quot, struct dec *rem);
/* SRP on v in a field of digits digits: shift left by shift (0..31) or right by -shift (1..32),
 * rounding a right shift by adding round (0-9) to the leftmost digit shifted out. Returns the
 * condition code as for dec_fit; on overflow (nonzero digits shifted out on the left) the sign is
 * kept, otherwise a zero result is made plus. */
uint8_t dec_shift(struct dec *v, int shift, unsigned round, unsigned digits);

/* CVB: the 8-byte packed field whose big-endian image is field, as a binary integer (15 digits
 * always fit). Returns false for an invalid field. */
bool dec_to_binary(uint64_t field, int64_t *out);
/* CVD: v as an 8-byte packed field image (sign C or D), most significant byte in bits 56-63. */
uint64_t dec_from_binary(int32_t v);

#endif
