/*
 * check_dat.c - unit tests for dynamic address translation and the related control instructions.
 */
#include <check.h>

#include "tests/check_run.h"
#include "tests/machine/harness.h"

static Suite *suite(void)
{
	Suite *s = suite_create("dat");
	TCase *tc = tcase_create("dat");
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
