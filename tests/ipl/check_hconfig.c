/*
 * check_hconfig.c - unit tests for the Hercules configuration reader (machine/hconfig.c): the
 * statements it acts on, every error message, and the warnings with their line numbers.
 *
 * Texts are read with hconfig_text() as if from a file called "cfg", so messages start "cfg:N: ".
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/hconfig.h"
#include "tests/check_run.h"

static struct hconfig h;
static char err[1024];

static void setup(void)
{
	hconfig_init(&h);
	err[0] = 0;
}

static void teardown(void)
{
	hconfig_free(&h);
}

static bool parse(const char *text)
{
	return hconfig_text(&h, "cfg", text, err, sizeof err);
}

/* ---- Statements that work ---- */

START_TEST(test_system_statements_set_storage_and_extension)
{
	ck_assert_msg(parse("# a comment\n"
			    "* another comment\n"
			    "\n"
			    "ARCHMODE S/370\n"
			    "mainsize 2          # megabytes\n"
			    "NUMCPU 1\n"
			    "MAXCPU 1\n"
			    "CPUSERIAL 012345\n"
			    "CPUMODEL 3148\n"
			    "CNSLPORT 3270\n"
			    "PANRATE FAST\n"
			    "ECPSVM NO\n"
			    "CODEPAGE 819/037\n"
			    "TZOFFSET +0000\n"
			    "FACILITY DISABLE HERC_370_EXTENSION S/370\n"
			    "XPNDSIZE 0\r\n"),
		      "%s", err);
	ck_assert_uint_eq(h.nwarnings, 0);
	ck_assert(h.have_mainsize);
	ck_assert_uint_eq(h.mainsize, 2u << 20);
	ck_assert(h.have_extension);
	ck_assert(!h.extension);
	ck_assert(!h.have_ipl);
	ck_assert_uint_eq(h.ndevs, 0);
}
END_TEST

START_TEST(test_mainsize_suffixes_round_up_to_4k)
{
	static const struct {
		const char *text;
		uint32_t bytes;
	} cases[] = {
		{ "MAINSIZE 16", 16u << 20 }, { "MAINSIZE 64K", 64u << 10 }, { "MAINSIZE 1m", 1u << 20 },
		{ "MAINSIZE 5K", 8u << 10 },  { "MAINSIZE 4095K", 4096u << 10 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hconfig_free(&h);
		hconfig_init(&h);
		ck_assert_msg(parse(cases[i].text), "%s: %s", cases[i].text, err);
		ck_assert_uint_eq(h.mainsize, cases[i].bytes);
		ck_assert_uint_eq(h.nwarnings, 0);
	}
}
END_TEST

START_TEST(test_device_statements_and_address_forms)
{
	ck_assert_msg(parse("0009 3215-C / noprompt\n"
			    "00C 3505 deck.txt ascii eof\n"
			    "0580-0581 3505\n"
			    "0190,0192 3505 \"my deck\" 'it''s'\n"
			    "0:02A0.3 2540R\n"),
		      "%s", err);
	ck_assert_uint_eq(h.ndevs, 1 + 1 + 2 + 2 + 3);
	ck_assert_uint_eq(h.devs[0].addr, 0x009);
	ck_assert_str_eq(h.devs[0].type, "3215-C");
	ck_assert_int_eq(h.devs[0].argc, 2);
	ck_assert_str_eq(h.devs[0].argv[0], "/");
	ck_assert_str_eq(h.devs[0].argv[1], "noprompt");
	ck_assert_ptr_null(h.devs[0].argv[2]);
	ck_assert_str_eq(h.devs[0].where, "cfg:1");
	ck_assert_uint_eq(h.devs[1].addr, 0x00C);
	ck_assert_int_eq(h.devs[1].argc, 3);
	ck_assert_str_eq(h.devs[1].argv[0], "deck.txt");
	ck_assert_uint_eq(h.devs[2].addr, 0x580);
	ck_assert_uint_eq(h.devs[3].addr, 0x581);
	ck_assert_str_eq(h.devs[3].where, "cfg:3");
	ck_assert_uint_eq(h.devs[4].addr, 0x190);
	ck_assert_uint_eq(h.devs[5].addr, 0x192);
	ck_assert_int_eq(h.devs[5].argc, 3);
	ck_assert_str_eq(h.devs[5].argv[0], "my deck");
	ck_assert_str_eq(h.devs[5].argv[1], "it");
	ck_assert_str_eq(h.devs[5].argv[2], "s");
	ck_assert_uint_eq(h.devs[6].addr, 0x2A0);
	ck_assert_uint_eq(h.devs[8].addr, 0x2A2);
}
END_TEST

START_TEST(test_symbols_defsym_environment_and_device_numbers)
{
	setenv("HCONFIG_TEST_DIR", "/decks", 1);
	unsetenv("HCONFIG_TEST_UNSET");
	ck_assert_msg(parse("DEFSYM DECK \"my deck\"\n"
			    "00C 3505 $(DECK).$(CUU) ${HCONFIG_TEST_DIR}/x ${HCONFIG_TEST_UNSET=dflt}\n"
			    "0190-0191 3505 vol.$(ccuu) $(HCONFIG_TEST_DIR) $$(CUU) $$$(CUU) $(NOSUCH)end\n"
			    "00D 3505 ${HCONFIG_TEST_UNSET:=other}\n"),
		      "%s", err);
	ck_assert_uint_eq(h.ndevs, 4);
	ck_assert_str_eq(h.devs[0].argv[0], "my");
	ck_assert_str_eq(h.devs[0].argv[1], "deck.00C");
	ck_assert_str_eq(h.devs[0].argv[2], "/decks/x");
	ck_assert_str_eq(h.devs[0].argv[3], "dflt");
	ck_assert_str_eq(h.devs[1].argv[0], "vol.0190");
	ck_assert_str_eq(h.devs[2].argv[0], "vol.0191");
	ck_assert_str_eq(h.devs[2].argv[1], "/decks");
	ck_assert_str_eq(h.devs[2].argv[2], "$$(CUU)");
	ck_assert_str_eq(h.devs[2].argv[3], "$191");
	ck_assert_str_eq(h.devs[2].argv[4], "end");
	ck_assert_str_eq(h.devs[3].argv[0], "other");
}
END_TEST

START_TEST(test_ipl_statement_and_devnum)
{
	ck_assert_msg(parse("\n\nIPL 00c\n"), "%s", err);
	ck_assert(h.have_ipl);
	ck_assert_uint_eq(h.ipl, 0x00C);
	ck_assert_str_eq(h.ipl_where, "cfg:3");
	uint16_t a;
	ck_assert(hconfig_devnum("190", &a) && a == 0x190);
	ck_assert(hconfig_devnum("0FFF", &a) && a == 0xFFF);
	ck_assert(!hconfig_devnum("1000", &a));
	ck_assert(!hconfig_devnum("", &a));
	ck_assert(!hconfig_devnum("0x0C", &a));
	ck_assert(!hconfig_devnum("00C0C", &a));
}
END_TEST

START_TEST(test_device_option_statement)
{
	ck_assert_msg(hconfig_device_statement(&h, "--device", "00C 3505 deck ascii", err, sizeof err),
		      "%s", err);
	ck_assert_uint_eq(h.ndevs, 1);
	ck_assert_str_eq(h.devs[0].where, "--device");
	ck_assert_int_eq(h.devs[0].argc, 2);
}
END_TEST

START_TEST(test_include_reads_the_file_in_place)
{
	char path[] = "/tmp/check_hconfig.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char *inc = "00D 3505\nNUMCPU 2\n";
	ck_assert_int_eq(write(fd, inc, strlen(inc)), (ssize_t)strlen(inc));
	close(fd);
	char text[256];
	snprintf(text, sizeof text, "00C 3505\nINCLUDE %s\n00E 3505\n", path);
	ck_assert_msg(parse(text), "%s", err);
	unlink(path);
	ck_assert_uint_eq(h.ndevs, 3);
	ck_assert_uint_eq(h.devs[1].addr, 0x00D);
	char where[64];
	snprintf(where, sizeof where, "%s:1", path);
	ck_assert_str_eq(h.devs[1].where, where);
	char warning[128];
	snprintf(warning, sizeof warning, "%s:2: NUMCPU 2: the machine has one CPU", path);
	ck_assert_uint_eq(h.nwarnings, 1);
	ck_assert_str_eq(h.warnings[0], warning);
}
END_TEST

/* ---- Warnings ---- */

START_TEST(test_warnings_name_the_line)
{
	ck_assert_msg(parse("NUMCPU 4\n"
			    "MAINSIZE 64\n"
			    "FROBNICATE on\n"
			    "00C0.32 3270\n"
			    "ECPSVM YES\n"
			    "CODEPAGE 819/1047\n"
			    "TZOFFSET -0500\n"
			    "SYSEPOCH 1960\n"
			    "DIAG8CMD ENABLE\n"
			    "LEGACYSENSEID ON\n"
			    "FACILITY ENABLE 044_PFPO\n"
			    "IGNORE SOMETHING\n"
			    "IPL 00C LOADPARM\n"
			    "IGNORE INCLUDE_ERRORS\n"
			    "INCLUDE /nonexistent/x.cfg\n"),
		      "%s", err);
	static const char *const want[] = {
		"cfg:1: NUMCPU 4: the machine has one CPU",
		"cfg:2: MAINSIZE 64: an S/370 addresses 16M; 16M is used",
		"cfg:3: FROBNICATE: unknown statement; ignored",
		"cfg:4: 00C0.32 3270: device type not supported; left out",
		"cfg:5: ECPSVM YES: ECPS:VM assists are not provided; ignored",
		"cfg:6: CODEPAGE 819/1047: consoles and readers translate with code page 037 (819/037); "
		"ignored",
		"cfg:7: TZOFFSET -0500: the TOD clock follows the host's clock (UTC, epoch 1900); ignored",
		"cfg:8: SYSEPOCH 1960: the TOD clock follows the host's clock (UTC, epoch 1900); ignored",
		"cfg:9: DIAG8CMD ENABLE: Hercules commands through DIAGNOSE X'008' are not provided; "
		"ignored",
		"cfg:10: LEGACYSENSEID ON: not supported; ignored",
		"cfg:11: FACILITY ENABLE 044_PFPO: only HERC_370_EXTENSION is supported; ignored",
		"cfg:12: IGNORE SOMETHING: not supported; ignored",
		"cfg:13: IPL 00C LOADPARM: only the device number is used",
		"cfg:15: INCLUDE /nonexistent/x.cfg: No such file or directory; ignored",
	};
	ck_assert_uint_eq(h.nwarnings, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < h.nwarnings; i++)
		ck_assert_str_eq(h.warnings[i], want[i]);
	ck_assert_uint_eq(h.mainsize, 16u << 20);
	ck_assert_uint_eq(h.ndevs, 0);
}
END_TEST

/* ---- Errors: each message ---- */

START_TEST(test_every_error_message)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "ARCHMODE ESA/390\n", "cfg:1: ARCHMODE ESA/390: this machine is an S/370 (ARCHMODE S/370)" },
		{ "\narchlvl z/Arch\n", "cfg:2: archlvl z/Arch: this machine is an S/370 (archlvl S/370)" },
		{ "ARCHMODE\n", "cfg:1: ARCHMODE needs an operand" },
		{ "MAINSIZE lots\n", "cfg:1: MAINSIZE lots: not a size (megabytes, or a number with K, M or G)" },
		{ "MAINSIZE 12Q\n", "cfg:1: MAINSIZE 12Q: not a size (megabytes, or a number with K, M or G)" },
		{ "MAINSIZE 0\n", "cfg:1: MAINSIZE 0: storage must be at least 4K" },
		{ "NUMCPU two\n", "cfg:1: NUMCPU two: not a number" },
		{ "DEFSYM A b c\n", "cfg:1: DEFSYM A: one value (quote a value with blanks)" },
		{ "IPL 1000\n", "cfg:1: IPL 1000: not a device number (hex, at most FFF)" },
		{ "INCLUDE /nonexistent/x.cfg\n", "cfg:1: INCLUDE /nonexistent/x.cfg: No such file or directory" },
		{ "00C 3505 \"deck\n", "cfg:1: a double quote is not closed" },
		{ "00C 3505 'deck\n", "cfg:1: an apostrophe is not closed" },
		{ "00C\n", "cfg:1: 00C: no device type" },
		{ "1:00C 3505\n", "cfg:1: channel set 1 is not supported (only channel set 0)" },
		{ "A:00C 3505\n", "cfg:1: 'A:00C' is not a device number" },
		{ "0C-0\n", "cfg:1: '0C-0': the range ends before it starts" },
		{ "0C-X 3505\n", "cfg:1: '0C-X' is not a range of device numbers" },
		{ "0C.X 3505\n", "cfg:1: '0C.X' is not a device number and count" },
		{ "0C.0 3505\n", "cfg:1: '0C.0' is not a device number and count" },
		{ "000.300 3505\n", "cfg:1: '000.300': more than 256 devices" },
		{ "00CDE 3505\n", "cfg:1: '00CDE' is not a device number (1 to 4 hex digits)" },
		{ "1000 3505\n", "cfg:1: device number 1000 is above 0FFF (an S/370 has channels 0 to F)" },
		{ "00C,00C 3505\n", "cfg:1: device 00C is named twice" },
		{ "0FF-100 3505\n", "cfg:1: devices 0FF and 100 are on different channels (a statement defines "
				    "devices of one channel)" },
		{ "000-0FF,0100 3505\n", "cfg:1: more than 256 devices in one statement" },
		{ "00C 3505\n\n0B-0D 3505\n", "cfg:3: device 00C is already defined (cfg:1)" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hconfig_free(&h);
		hconfig_init(&h);
		err[0] = 0;
		ck_assert_msg(!parse(cases[i].text), "accepted: %s", cases[i].text);
		ck_assert_str_eq(err, cases[i].err);
	}
}
END_TEST

START_TEST(test_device_option_errors)
{
	ck_assert(!hconfig_device_statement(&h, "--device", "00C 3270", err, sizeof err));
	ck_assert_str_eq(err, "--device: device type 3270 is not supported");
	ck_assert(!hconfig_device_statement(&h, "--device", "MAINSIZE 2", err, sizeof err));
	ck_assert_str_eq(err, "--device: 'MAINSIZE' is not a device number");
	ck_assert(!hconfig_device_statement(&h, "--device", "  ", err, sizeof err));
	ck_assert_str_eq(err, "--device: '  ' is not a device statement (CUU TYPE [arguments])");
	ck_assert(!hconfig_file(&h, "/nonexistent/hercules.cnf", err, sizeof err));
	ck_assert_str_eq(err, "/nonexistent/hercules.cnf: No such file or directory");
}
END_TEST

START_TEST(test_include_nesting_is_bounded)
{
	char path[] = "/tmp/check_hconfig.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	char text[128];
	snprintf(text, sizeof text, "INCLUDE %s\n", path); /* includes itself */
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ck_assert(!hconfig_file(&h, path, err, sizeof err));
	char want[256];
	snprintf(want, sizeof want, "%s:1: INCLUDE %s: INCLUDEs nest more than 8 deep", path, path);
	ck_assert_str_eq(err, want);
	unlink(path);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hconfig");
	TCase *tc = tcase_create("hconfig");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_system_statements_set_storage_and_extension);
	tcase_add_test(tc, test_mainsize_suffixes_round_up_to_4k);
	tcase_add_test(tc, test_device_statements_and_address_forms);
	tcase_add_test(tc, test_symbols_defsym_environment_and_device_numbers);
	tcase_add_test(tc, test_ipl_statement_and_devnum);
	tcase_add_test(tc, test_device_option_statement);
	tcase_add_test(tc, test_include_reads_the_file_in_place);
	tcase_add_test(tc, test_warnings_name_the_line);
	tcase_add_test(tc, test_every_error_message);
	tcase_add_test(tc, test_device_option_errors);
	tcase_add_test(tc, test_include_nesting_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
