/*
 * diagnose.h - CP's DIAGNOSE interface: what a guest in a virtual machine asks of CP with the
 * DIAGNOSE instruction (X'83', RS format: Rx, Ry, code), with VM/370 R6's register and
 * condition-code conventions (System Programmer's Guide GC20-1807-7; the codes: diagnose.def).
 *
 *	enum machine_exit e = machine_run(c, budget);
 *	if (e == MACHINE_EXIT_DIAGNOSE) {
 *		struct machine_diagnose dg = cpu_last_diagnose(c);
 *		struct diag_env env = { .m = m, .c = c, .userid = "MAINT", .classes = ..., ... };
 *		switch (diag_execute(&env, &dg)) { ... }
 *	}
 *
 * diag_execute() runs between machine_run() calls, on the thread that runs the machine, with the
 * PSW already past the DIAGNOSE (machine_run() leaves it so). It sets the guest's registers,
 * storage and condition code as the code defines. Operand errors are architecture, not statuses:
 * a specification (X'0006') or addressing (X'0005') exception, a privileged-operation exception
 * (X'0002') for a restricted code the user's classes do not allow, all presented with
 * machine_program_interrupt() (ILC 2), after which diag_execute() returns DIAG_DONE: the guest's
 * program new PSW is loaded, and the caller just runs the machine on. A code that is in no row of
 * diagnose.def (or is not a multiple of 4) is a specification exception, as in VM/370.
 *
 * Guest addresses in DIAGNOSE operands are the virtual machine's real addresses (prefixed into
 * absolute ones here); diag_execute() stores with key 0 and sets no change bits (machine_load()).
 * It never prints; nothing it does outlives the call (the environment is the caller's).
 */
#ifndef CP_DIAGNOSE_H
#define CP_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "machine/machine.h"

struct spool;

/* Special values a cp_command callback may return instead of a return code. */
#define DIAG_CMD_LOGOFF (-1) /* the command ended the session (LOGOFF): diag_execute gives DIAG_LOGOFF */
#define DIAG_CMD_CPMODE (-2) /* the command left the VM in CP mode: diag_execute gives DIAG_STOP */

/* The user's SET EMSG setting (DIAGNOSE X'5C'). TEXT is 0, the value a zeroed diag_env has: CP
 * does not keep the setting yet and assumes TEXT. */
enum diag_emsg {
	DIAG_EMSG_TEXT = 0, /* the text without the message id */
	DIAG_EMSG_ON,       /* id and text */
	DIAG_EMSG_CODE,     /* the id alone */
	DIAG_EMSG_OFF,      /* nothing */
};

/*
 * DIAGNOSE X'58' (the 3270 virtual console interface) reaches the user's terminal through these,
 * on the caller's side (cp/vm.c); ctx is env->ctx. X'58' checks the CCWs and the guest's storage,
 * and calls them with the data.
 */
enum diag_display {
	DIAG_DISPLAY_3270,	/* the console is on a display: X'58' works */
	DIAG_DISPLAY_LINE,	/* on a line (typewriter) terminal: CC 3, as for no display */
	DIAG_DISPLAY_NONE,	/* disconnected: CC 1, intervention required */
};
enum diag_fs {
	DIAG_FS_DONE,		/* carried out; a read's record is in the buffer */
	DIAG_FS_WAIT,		/* a read: no record yet, the terminal was asked for one */
	DIAG_FS_SWITCHED,	/* CP took the screen back since the last full-screen I/O (PA1):
				 * not carried out, the guest gets unit status X'8E' once */
};
struct diag_display_ops {
	/* The terminal, and its screen's size (rows x cols: the alternate size). */
	enum diag_display (*state)(void *ctx, unsigned *rows, unsigned *cols);
	/* X'19': EBCDIC data into the output area from line (0 = the first), erasing it first if
	 * erase; len 0 with erase is X'FF', clear. */
	void (*lines)(void *ctx, unsigned line, bool erase, const uint8_t *data, size_t len);
	/* X'29': one outbound record, remote command code first; pa1_to_vm: PA1 becomes the
	 * guest's key (CONTROL X'10' with Erase/Write or Erase/Write Alternate). */
	enum diag_fs (*write)(void *ctx, const uint8_t *rec, size_t len, bool pa1_to_vm);
	/* X'2A': the inbound record for a read (modified: Read Modified, else Read Buffer): at most
	 * cap bytes into buf, *len the record's whole length. */
	enum diag_fs (*read)(void *ctx, bool modified, uint8_t *buf, size_t cap, size_t *len);
};

/* What a handler may use: built by the caller for one call, read only here. Fields marked
 * optional may be left zero or NULL. */
struct diag_env {
	struct machine *m;
	struct cpu *c;
	const char *userid;   /* the virtual machine's user (X'00') */
	unsigned classes;     /* privilege classes, DIR_CLASS() bits (cp/directory.h) */
	/*
	 * DIAGNOSE X'08': run one CP command line (ASCII, no X'15') as this user. When the guest
	 * asked for a response buffer, out is non-NULL and every response line (ASCII, no newline)
	 * goes to out(arg, line, len), error and information messages too; when out is NULL the lines
	 * go to the user's terminal as for a typed command (by SET EMSG / SET IMSG). Returns the
	 * command's return code: 0 ok, else the number of its error message (DMKCFM045E: 45), or
	 * DIAG_CMD_LOGOFF / DIAG_CMD_CPMODE. May be NULL: every command then has return code 1.
	 */
	int (*cp_command)(void *ctx, const char *line,
			  void (*out)(void *arg, const char *line, size_t len), void *arg);
	void *ctx; /* for cp_command and readonly */
	struct spool *spool; /* X'14' X'0FFF' (file descriptors); optional */
	/* Optional: is the virtual disk at vaddr read-only (a R/O link)? X'18' refuses writes to it
	 * (CC 1, R15 3) and X'24' shows VDEVFLAG X'80'. NULL: every disk is taken as writable (the
	 * device itself still rejects the write). */
	bool (*readonly)(void *ctx, uint16_t vaddr);
	/* The virtual console (X'24' with Rx = -1): its address, and its line length (0: 130);
	 * console_model 2-5 when the user's terminal is a 3270 display of that model (its line
	 * length then is the screen's width), 0 on a typewriter line. */
	bool has_console;
	uint16_t console;
	uint8_t console_linelen;
	uint8_t console_model;
	/* X'0C': the time (0: time(NULL); shown in the host's local time zone) and the CPU times
	 * used since logon, microseconds. */
	time_t now;
	uint64_t virt_cpu_us, total_cpu_us;
	enum diag_emsg emsg; /* X'5C' */
	/* X'58': the user's terminal; optional (NULL: no display, CC 3). */
	const struct diag_display_ops *display;
};

enum diag_result {
	DIAG_DONE,        /* carried out (or an exception was presented): run the machine on */
	DIAG_STOP,        /* put the virtual machine in CP mode (X'08' with Ry = 0, a command that
			   * leaves it there) */
	DIAG_LOGOFF,      /* X'08' ran LOGOFF: the session is over */
	DIAG_UNSUPPORTED, /* a code of VM/370 that CP does not carry out yet (a DIAG_TODO row):
			   * nothing changed; the caller says so and stops the machine */
	DIAG_WAIT,        /* X'58' read: no record yet (the terminal was asked). The PSW is set back
			   * to the DIAGNOSE, which runs again when the machine does: the caller waits
			   * (the task costs nothing) until the terminal sends something, or anything
			   * else wakes it (attention, disconnection, FORCE, a reset) */
};

enum diag_result diag_execute(const struct diag_env *env, const struct machine_diagnose *dg);

/* The table, for HELP-like listings and docs: the name of code (NULL if VM/370 has no such
 * code), and whether CP carries it out. */
const char *diag_name(uint32_t code);
bool diag_supported(uint32_t code);

/*
 * DIAGNOSE X'24' device codes (vm370-diagnose.md 3): class, type, model and feature bytes for
 * the device model type (machine_device_type(): "3350", "2540R", "3215" ...). False for a type
 * VM/370 has no code for. spooled is true for unit-record devices, which in a virtual machine
 * are spooled (no real device: X'24' gives CC 2).
 */
struct diag_devcode {
	uint8_t cls, type, model, feature; /* RDEVTYPC RDEVTYPE RDEVMDL RDEVFTR */
	uint8_t vstat, vflag;               /* VDEVSTAT VDEVFLAG as VM/370 shows them for the type */
	bool spooled;
};
bool diag_device_code(const char *devtype, struct diag_devcode *out);

#endif
