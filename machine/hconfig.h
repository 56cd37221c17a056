/*
 * hconfig.h - Hercules configuration statements for a bare S/370 (hconfig.c).
 *
 * Reads the statements of a Hercules configuration file that matter to one S/370 - the system
 * parameters ARCHMODE, MAINSIZE, NUMCPU, FACILITY HERC_370_EXTENSION, the device statements
 * "devnum(s) devtype [arguments]", DEFSYM, INCLUDE and symbol substitution - into a struct
 * hconfig that a program then builds a machine from. It attaches nothing itself: device statements
 * become one struct hconfig_device per device address, and devices.c builds them later.
 *
 * The syntax is Hercules': '#' or '*' first on a line makes a comment, '#' at the start of a word
 * ends the statement; words are separated by blanks and tabs, and a word in double quotes or
 * apostrophes may hold blanks (the quotes are removed). $(SYM) is replaced by the DEFSYM symbol
 * or environment variable SYM, ${VAR}, ${VAR=default} and ${VAR:=default} by an environment
 * variable; in a device statement $(CUU), $(CCUU), $(cuu), $(ccuu) and $(DEVN) are the device's
 * address. Keywords are matched in any case.
 *
 * Messages: an error stops reading and is returned as "WHERE: text" in err (WHERE is "file:line"
 * for a file, or the name given for a single statement); warnings (a statement that is not
 * supported, or accepted with a difference) are collected in warnings[] in the same form.
 * Statements with no effect on a bare S/370 (CPUSERIAL, CNSLPORT, PANRATE ...) are accepted
 * silently. docs/cambridge-machine.md lists every statement and what happens to it.
 */
#ifndef MACHINE_HCONFIG_H
#define MACHINE_HCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One device of a device statement (a statement naming several devices gives several). */
struct hconfig_device {
	char *where;     /* "file:line", or the name given to hconfig_device_statement() */
	uint16_t addr;   /* 000-FFF */
	char *type;      /* the device type as written */
	int argc;
	char **argv;     /* the arguments, quotes removed, symbols substituted; argv[argc] is NULL */
};

struct hconfig_symbol;

struct hconfig {
	/* ---- Results. ---- */
	bool have_mainsize;
	uint32_t mainsize;          /* bytes: a multiple of 4K, 4K to 16M */
	bool have_extension;        /* FACILITY ENABLE|DISABLE HERC_370_EXTENSION */
	bool extension;
	bool have_ipl;              /* an IPL statement (Hercules' ipl command as a statement) */
	uint16_t ipl;
	char *ipl_where;
	struct hconfig_device *devs;
	size_t ndevs;
	char **warnings;            /* "file:line: text" */
	size_t nwarnings;
	/* ---- Reader state. ---- */
	bool ignore_include_errors;
	int depth;                  /* INCLUDE nesting */
	struct hconfig_symbol *syms;
	size_t nsyms;
};

void hconfig_init(struct hconfig *h);
void hconfig_free(struct hconfig *h);

/* Read the configuration file path (and the files it INCLUDEs). False on the first error. */
bool hconfig_file(struct hconfig *h, const char *path, char *err, size_t errlen);

/* The same for text held in memory, as if read from a file called name. */
bool hconfig_text(struct hconfig *h, const char *name, const char *text, char *err, size_t errlen);

/* One device statement "devnum(s) devtype [arguments]" given on its own (a command-line option):
 * messages start with where, and a device type that is not supported is an error, not a
 * warning. */
bool hconfig_device_statement(struct hconfig *h, const char *where, const char *statement,
			      char *err, size_t errlen);

/* A device number as a statement writes it: 1 to 4 hex digits, at most 0FFF (S/370). */
bool hconfig_devnum(const char *s, uint16_t *out);

#endif
