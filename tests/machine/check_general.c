/*
 * check_general.c - unit tests for machine/ (general).
 */
#include <check.h>
#include <stdlib.h>

#include "tests/machine/harness.h"

static Suite *suite(void)
{
	Suite *s = suite_create("general");
	TCase *tc = tcase_create("general");
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
