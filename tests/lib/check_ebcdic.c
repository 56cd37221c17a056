/*
 * check_ebcdic.c - the code page 037 tables: known characters and round trips.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ebcdic.h"
#include "tests/check_run.h"

START_TEST(test_ebcdic_known_characters_translate_both_ways)
{
	static const struct {
		char ascii;
		uint8_t ebcdic;
	} cases[] = {
		{' ', 0x40}, {'A', 0xC1}, {'I', 0xC9}, {'J', 0xD1}, {'R', 0xD9}, {'S', 0xE2}, {'Z', 0xE9},
		{'a', 0x81}, {'z', 0xA9}, {'0', 0xF0}, {'9', 0xF9}, {'.', 0x4B}, {',', 0x6B}, {'*', 0x5C},
		{'$', 0x5B}, {'-', 0x60}, {'/', 0x61}, {'=', 0x7E}, {'\'', 0x7D}, {'(', 0x4D}, {')', 0x5D},
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_uint_eq(latin1_to_ebcdic[(uint8_t)cases[i].ascii], cases[i].ebcdic);
		ck_assert_uint_eq(ebcdic_to_latin1[cases[i].ebcdic], (uint8_t)cases[i].ascii);
	}
}
END_TEST

START_TEST(test_ebcdic_tables_are_inverse_bijections)
{
	for (int i = 0; i < 256; i++) {
		ck_assert_uint_eq(ebcdic_to_latin1[latin1_to_ebcdic[i]], i);
		ck_assert_uint_eq(latin1_to_ebcdic[ebcdic_to_latin1[i]], i);
	}
}
END_TEST

START_TEST(test_ebcdic_buffer_translation_in_place)
{
	char text[] = "HELLO, WORLD";
	uint8_t e[sizeof text];
	ascii_to_ebcdic_buf(e, text, strlen(text));
	ck_assert_uint_eq(e[0], 0xC8);
	ebcdic_to_ascii_buf((char *)e, e, strlen(text));
	ck_assert_int_eq(memcmp(e, text, strlen(text)), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ebcdic");
	TCase *tc = tcase_create("ebcdic");
	tcase_add_test(tc, test_ebcdic_known_characters_translate_both_ways);
	tcase_add_test(tc, test_ebcdic_tables_are_inverse_bijections);
	tcase_add_test(tc, test_ebcdic_buffer_translation_in_place);
	suite_add_tcase(s, tc);
	return check_run(s);
}
