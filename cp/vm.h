/*
 * vm.h - CP's system object and a logged-on user's virtual machine (VM/370's VMBLOK).
 *
 * THE SYSTEM (struct cpsys) holds the directory, the dispatcher (cp/dispatch.h) and the table of
 * logged-on users. The daemon makes one, gives it the directory and polls its wakeup descriptor:
 *
 *	struct cpsys *sys = cpsys_new(&cfg);
 *	server loop: poll cpsys_wake_fd(sys) for POLLIN; when ready: cpsys_flush(sys)
 *	shutdown: stop the server's terminals first, then cpsys_free(sys)
 *
 * A VIRTUAL MACHINE (struct vmblok) exists from LOGON to LOGOFF, with or without a terminal
 * (DISCONNECT keeps it running; a LOGON from a new terminal reconnects). It owns a machine/
 * System/370 with the directory's storage, a virtual console (a 3215 at the directory's CONSOLE
 * address, cp/vm.c) and, as they come, spool devices and minidisks. Everything the virtual machine
 * does - running the S/370, CP commands typed at its terminal or sent by DIAGNOSE, console
 * reads and writes - happens on its dispatcher task, one host thread at a time, so none of that
 * state needs a lock.
 *
 * THREADS. Terminals live on the server thread (cp/term.h: every term operation must be called
 * there). The two meet in small locked queues: the server thread hands a user's input (lines,
 * attention, disconnection) to vm_term_event(), which queues it and wakes the task; the task's
 * output (struct term calls on its proxy terminal) is queued and the server thread is woken
 * through cpsys_wake_fd() to pass it on in cpsys_flush(). Output for a disconnected user is kept
 * (VM_OUTQ_MAX lines, the oldest dropped first) and shown on reconnect.
 *
 * LIFETIME. A vmblok is reference counted: one reference for its task, one for its terminal
 * binding, one for its entry in the user table. LOGOFF (or FORCE) ends the task, closes the
 * terminal and removes the entry; the last reference frees the machine.
 */
#ifndef CP_VM_H
#define CP_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cp/directory.h"
#include "cp/term.h"
#include "cp/vspool.h"

struct directory;
struct dir_user;
struct cpsys;
struct vmblok;

#define VM_OUTQ_MAX	2000u	/* lines kept for a terminal that does not take them */

struct cpsys_config {
	const struct directory *dir;	/* not owned; must outlive the system */
	const char *directory_path;	/* its file, for DIRECT and PASSWORD; NULL: none */
	const char *spool_dir;		/* the spool's directory (cp/spool.h); NULL: no spool */
	const char *volumes_dir;	/* the real volumes (cp/volumes.h); NULL: no minidisks */
	const char *nss_dir;		/* named saved systems; NULL: none */
	const char *devices_path;	/* the real devices (DEVICES); NULL or missing: none */
	/* SHUTDOWN: every user was forced off; the daemon should stop. Any thread; may be NULL. */
	void (*shutdown)(void *ctx);
	void *shutdown_ctx;
	unsigned threads;		/* dispatcher threads; 0: one per host core */
	/* Messages for the operator's console (logons, logoffs, errors); any thread; may be NULL. */
	void (*oper_log)(void *ctx, const char *line);
	void *oper_ctx;
};

/* A new system: NULL with errno on failure. */
struct cpsys *cpsys_new(const struct cpsys_config *cfg);
/* Stop every virtual machine and free the system. Terminals must be gone already. */
void cpsys_free(struct cpsys *sys);
/* The descriptor the server polls for POLLIN; then it calls cpsys_flush(). */
int cpsys_wake_fd(const struct cpsys *sys);
/*
 * Slow work off the server thread (a password check costs tens of milliseconds on purpose): work(arg)
 * runs on a dispatcher thread, then done(arg, false) on the server thread, in cpsys_flush(). A job
 * still pending when the system ends gets done(arg, true) in cpsys_free() instead (its work may
 * not have run; done must not touch what is already gone). False (nothing runs) without memory.
 */
bool cpsys_async(struct cpsys *sys, void (*work)(void *arg), void (*done)(void *arg, bool cancelled),
		 void *arg);
/* Server thread: pass queued output to the terminals, close the ones CP ended. */
void cpsys_flush(struct cpsys *sys);
/* The system's spool, real volumes and minidisk links, or NULL. */
struct spool *cpsys_spool(struct cpsys *sys);
struct volumes *cpsys_volumes(struct cpsys *sys);
struct mdisk_table *cpsys_links(struct cpsys *sys);

/* ---- Between users (MSG, WARNING, FORCE, SHUTDOWN); any thread ---- */

enum cpsys_send_kind {
	CPSYS_SEND_MSG,		/* MESSAGE: refused when the receiver has SET MSG OFF */
	CPSYS_SEND_WNG,		/* WARNING: refused with SET WNG OFF; rings the bell */
	CPSYS_SEND_SYS,		/* CP's own notices: always shown */
};
enum cpsys_send_result {
	CPSYS_SEND_OK,
	CPSYS_SEND_DISCONNECTED,	/* kept for his reconnect */
	CPSYS_SEND_REFUSED,		/* his SET MSG / WNG is OFF */
	CPSYS_SEND_NOT_LOGGED_ON,
};
/* Show line on userid's terminal (or keep it while he is disconnected). */
enum cpsys_send_result cpsys_send(struct cpsys *sys, const char *userid, enum cpsys_send_kind kind,
				  const char *line);
/*
 * Real devices: the system directory's DEVICES file, Hercules' device statements ("0580 3420
 * /tapes/work.aws"), each given to one user at a time. cpsys_attach(): ATTACH raddr TO userid AS
 * vaddr - reserved at once, built on his machine by his task (he is told; a model that refuses
 * is told to him and to the operator's log). cpsys_detach_real(): the operator's DETACH raddr.
 * DEDICATE raddr in the directory attaches at logon; LOGOFF and DETACH give the device back.
 * *owner gets the user who has it (BUSY, and for DETACH).
 */
enum cpsys_attach { CPSYS_ATTACH_OK, CPSYS_ATTACH_NO_DEVICE, CPSYS_ATTACH_BUSY,
		    CPSYS_ATTACH_NOT_LOGGED_ON, CPSYS_ATTACH_FREE };
enum cpsys_attach cpsys_attach(struct cpsys *sys, unsigned raddr, const char *userid, unsigned vaddr,
			       char owner[DIR_USERID_MAX + 1]);
enum cpsys_attach cpsys_detach_real(struct cpsys *sys, unsigned raddr, char owner[DIR_USERID_MAX + 1]);
/* raddr's type, owner ("" when free) and address at him: false when there is no such device. */
bool cpsys_real_device(struct cpsys *sys, unsigned raddr, char type[16], char owner[DIR_USERID_MAX + 1],
		       unsigned *vaddr);
/* SET SHARE: userid's relative share of the processors (1-10000; 100 at logon). False when he is
 * not logged on or the share is out of range. */
bool cpsys_set_share(struct cpsys *sys, const char *userid, unsigned share);
/* FORCE: log userid off (his accounting lines, then off) as soon as his task runs. False when he
 * is not logged on. */
bool cpsys_force(struct cpsys *sys, const char *userid);
/* Force every user; returns how many. */
size_t cpsys_force_all(struct cpsys *sys);
/* SHUTDOWN: force everyone, then tell the daemon (cfg.shutdown). */
void cpsys_shutdown(struct cpsys *sys);
/* Virtual machines not yet freed (the logged-on users' and those still logging off). Any thread. */
size_t cpsys_vm_count(struct cpsys *sys);
/* Users logged on (connected or not). Any thread. */
size_t cpsys_users(struct cpsys *sys);
/* The directory in force. It stays valid until cpsys_free() (a reload keeps the old ones: users
 * logged on under them keep their entries). Any thread. */
const struct directory *cpsys_directory(struct cpsys *sys);
/* DIRECT: read cfg.directory_path again and put it in force when it has no error; the
 * diagnostics (file:line) go to dg either way; *users (may be NULL) gets its number of users.
 * New logons use it at once; users logged on keep what they logged on with. */
struct dir_diags;
enum dir_status cpsys_reload_directory(struct cpsys *sys, struct dir_diags *dg, size_t *users);
const char *cpsys_directory_path(const struct cpsys *sys);
/* Write a line to the operator's log (cfg.oper_log), printf-style. Any thread. */
void cpsys_log(struct cpsys *sys, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What the logon dialogue gets for a userid (server thread). */
enum vm_logon_result {
	VM_LOGON_OK,		/* logged on: the terminal now belongs to the new virtual machine */
	VM_LOGON_RECONNECTED,	/* the user was disconnected: the terminal is his again */
	VM_LOGON_ALREADY,	/* logged on at another terminal: *line says which */
	VM_LOGON_NOMEM,		/* the virtual machine could not be built: *why says so */
	VM_LOGON_DISABLED,	/* DISABLE ALL: only class A users may log on */
};
/*
 * Server thread, after the password was checked: log user u on at terminal t (line is the
 * terminal's address for messages), or reconnect him. On OK and RECONNECTED, t's handler is CP's
 * virtual machine from now on; otherwise nothing changed.
 */
enum vm_logon_result vm_logon(struct cpsys *sys, const struct dir_user *u, struct term *t,
			      unsigned line, bool noipl, unsigned *other_line, char *why, size_t whylen);

/* ---- For CP's command handlers (cp/command.c), on the virtual machine's own task ---- */

enum vm_mode {
	VM_MODE_CP,	/* CP READ: commands go to CP; the virtual machine is stopped */
	VM_MODE_VM,	/* the virtual machine runs; lines go to its console */
};
struct machine;
struct machine *vm_machine(struct vmblok *vm);
struct term *vm_term(struct vmblok *vm);	/* the proxy terminal: any task output goes here */
const struct dir_user *vm_user(const struct vmblok *vm);
time_t vm_logon_time(const struct vmblok *vm);
/* Host CPU time the virtual machine has used, in microseconds. */
uint64_t vm_cpu_us(const struct vmblok *vm);
struct cpsys *vm_system(struct vmblok *vm);
void vm_set_mode(struct vmblok *vm, enum vm_mode mode);
enum vm_mode vm_mode(const struct vmblok *vm);
/* LOGOFF: end the session after this command (the terminal is closed, the machine freed). */
void vm_logoff(struct vmblok *vm);
/* DISCONNECT: drop the terminal; the virtual machine goes on. */
void vm_disconnect(struct vmblok *vm);
/* IPL the device at vaddr: 0 and VM mode, or a machine_ipl status (machine.h). */
int vm_ipl(struct vmblok *vm, unsigned vaddr, bool clear);

/* The virtual machine's devices (its console, spooled reader, punch, printer, ...). */
enum vm_dev_kind { VM_DEV_CONSOLE, VM_DEV_READER, VM_DEV_PUNCH, VM_DEV_PRINTER, VM_DEV_DASD,
		  VM_DEV_TAPE, VM_DEV_OTHER, VM_DEV_GRAF };
struct chan_dev;
struct vm_device {
	unsigned vaddr;
	enum vm_dev_kind kind;
	unsigned devtype;		/* 3215, 2540, 1403, ... */
	struct chan_dev *d;
	bool real;			/* a real device (ATTACH, DEDICATE): raddr */
	unsigned raddr;
};
const struct vm_device *vm_devices(const struct vmblok *vm, size_t *n);
/* The device kind as CP's responses name it: "CONS", "RDR", "PUN", "PRT", "DASD", "TAPE", "DEV",
 * "GRAF". */
const char *vm_dev_kind_name(enum vm_dev_kind k);
/* The device at vaddr, or NULL. */
struct chan_dev *vm_device(struct vmblok *vm, unsigned vaddr);
/* Record a device the caller attached to vm_machine(vm) (LINK, DEFINE, ATTACH). False when the
 * table is full (the caller detaches it again). */
bool vm_add_device(struct vmblok *vm, unsigned vaddr, enum vm_dev_kind kind, unsigned devtype,
		   struct chan_dev *d);
/* DETACH: remove the device at vaddr from the machine (and its minidisk link; a GRAF's dialed
 * terminal is dropped: DROP FROM userid vaddr, and back to the logon screen). */
bool vm_detach_device(struct vmblok *vm, unsigned vaddr);
/*
 * The next line the user types goes to fn (on the task) instead of to CP's command language or the
 * guest: LINK's password, say (hidden: the terminal does not show it). The attention key, FORCE
 * or a disconnection cancels it: fn gets NULL. arg is the caller's; fn frees what it must.
 */
typedef void vm_line_fn(struct vmblok *vm, void *arg, const char *line);
void vm_expect_line(struct vmblok *vm, vm_line_fn *fn, void *arg, bool hidden);
/* SLEEP nn: wake the (CP-mode) virtual machine's terminal for CP READ after ns; 0 cancels. */
void vm_sleep(struct vmblok *vm, uint64_t ns);
/* SET MSG|WNG|IMSG ON|OFF (kind CPSYS_SEND_SYS stands for IMSG), and what it is. */
void vm_set_msg(struct vmblok *vm, enum cpsys_send_kind kind, bool on);
bool vm_msg_on(const struct vmblok *vm, enum cpsys_send_kind kind);

/*
 * Named saved systems (SYSDIR/nss). vm_savesys(): SAVESYS name - the virtual machine's storage (up
 * to its last page that is not all zeros) and CPU state saved under name (1-8 of A-Z 0-9 $ # @),
 * replacing a system of that name. vm_ipl_nss():
 * IPL name - the machine reset and the saved system mapped over its storage copy-on-write (every
 * user who IPLs it shares the host's one copy until he writes), its CPU state loaded, VM mode.
 */
bool vm_savesys(struct vmblok *vm, const char *name, char *why, size_t whylen);
enum vm_nss_status { VM_NSS_OK, VM_NSS_NOT_FOUND, VM_NSS_TOO_BIG, VM_NSS_BAD };
enum vm_nss_status vm_ipl_nss(struct vmblok *vm, const char *name, char *why, size_t whylen);

/*
 * Console spooling (SPOOL CONSOLE, vm370-cp.md 9.4): with start, every line of the console - CP's
 * and the guest's output and what the user types, passwords excepted - also goes to a console
 * file (CON, on the printer queue or to a reader as route says), opened at its first line and
 * closed by CLOSE CONSOLE or LOGOFF; noterm keeps the lines off the terminal. Any thread.
 */
struct vm_conspool {
	bool start, noterm;
	bool cont;			/* CONT: CLOSE CONSOLE is ignored (SPOOL CONSOLE CLOSE is not) */
	char class;			/* default T, or the directory's CONSOLE class */
	unsigned copies;
	bool hold;
	enum vspool_route route;
	char dest[DIR_USERID_MAX + 1];
};
void vm_conspool_get(struct vmblok *vm, struct vm_conspool *out);
void vm_conspool_set(struct vmblok *vm, const struct vm_conspool *cs);
/* CLOSE CONSOLE: commit (o->purge: throw away) the open console file; *closed (may be NULL) gets
 * its attributes, id 0 when none was open. o may be NULL (a plain close). */
enum spool_status vm_conspool_close(struct vmblok *vm, const struct vspool_close *o,
				    struct spool_file_info *closed);

/* SYSTEM RESET / CLEAR: reset the machine (clear: and zero its storage); CP mode. */
void vm_system_reset(struct vmblok *vm, bool clear);
/* QUERY VIRTUAL CONSOLE's lines, on t. */
void vm_query_console(struct vmblok *vm, struct term *t);

/*
 * ---- 3270 displays (vm.c's "3270" sections; cmd_graf.c, logon.c and cmd_msg.c use them) ----
 *
 * PF KEYS (SET PFnn) belong to the VMBLOK: vm_set_pf() keeps the key and gives it to the user's
 * terminal (term_set_pf; a line terminal ignores it); every key, set or not, is given again to a
 * terminal at logon and at reconnect. Task only. text is ISO 8859-1, at most VM_PF_TEXT_MAX.
 */
#define VM_PF_TEXT_MAX	120
void vm_set_pf(struct vmblok *vm, unsigned key, enum term_pf how, const char *text);
/* Key 1-24: how it is set (TERM_PF_UNSET when not) and its text into text[VM_PF_TEXT_MAX + 1]. */
enum term_pf vm_pf(const struct vmblok *vm, unsigned key, char *text);

/*
 * VIRTUAL 3270s (GRAF): a machine/dev_3270.h device the guest drives with its own channel
 * programs, and that a terminal which is not logged on reaches with DIAL. SPECIAL vaddr 3270 (also
 * 3277, 3158) in the directory makes one at logon, DEFINE GRAF later (vm_define_graf(), task).
 * Each reports model 2 (24 x 80), whatever terminal dials it: a guest that wants more asks the
 * terminal with a query (WSF), which passes through. While a terminal is dialed, what the guest
 * writes goes to it (term_write_record), its reads ask it (term_read_record), its keys come back as
 * attention interruptions with the record kept for the guest's Read Modified. DETACH, LOGOFF,
 * FORCE and RESET give the terminal DROP FROM userid vaddr and the logon screen again; the terminal
 * leaving makes the device not ready (intervention required).
 */
enum vm_graf_status { VM_GRAF_OK, VM_GRAF_EXISTS, VM_GRAF_FULL, VM_GRAF_FAILED };
enum vm_graf_status vm_define_graf(struct vmblok *vm, unsigned vaddr, unsigned devtype);
/* QUERY VIRTUAL's line for the GRAF at vaddr: "GRAF vaddr ON DEV line" while a terminal is dialed
 * (line: its address), "GRAF vaddr NOT READY" otherwise. False when vaddr is no GRAF. Task. */
bool vm_graf_query(struct vmblok *vm, unsigned vaddr, char *line, size_t len);
/* RESET of the GRAF at vaddr: its dialed terminal is dropped (DROP FROM, the logon screen), the
 * device stays, not ready, for the next DIAL. False when vaddr is no GRAF or none was dialed. Task. */
bool vm_graf_drop(struct vmblok *vm, unsigned vaddr);

/* DIAL userid [vaddr] (server thread, from the logon dialogue): give terminal t (at address line)
 * to userid's first free virtual 3270, or to the one at vaddr (vaddr < 0: the first free). On OK
 * t belongs to the virtual machine from now on (its handler is CP's; *got is the address): it was
 * told DIALED TO userid vaddr and went full screen. Otherwise nothing changed. */
enum cpsys_dial { CPSYS_DIAL_OK, CPSYS_DIAL_NOT_LOGGED_ON, CPSYS_DIAL_NO_GRAF,
		  CPSYS_DIAL_NOT_AVAILABLE, CPSYS_DIAL_NOT_DISPLAY, CPSYS_DIAL_NOMEM };
enum cpsys_dial cpsys_dial(struct cpsys *sys, struct term *t, unsigned line, const char *userid,
			   int vaddr, unsigned *got);
/* Terminals dialed to virtual 3270s now (QUERY USERS' "nnn DIALED"). Any thread. */
size_t cpsys_dialed(struct cpsys *sys);
/* Where dropped terminals go back to (logon_new() registers itself; NULL: they are closed). */
struct logon;
void cpsys_set_logon(struct cpsys *sys, struct logon *l);

/* One logged-on user, for QUERY USERS / NAMES and the operator's panel. */
struct cpsys_user_info {
	const char *userid;
	bool connected;
	unsigned line;			/* the terminal's address (when connected) */
	const char *state;		/* "CP READ", "VM READ", "RUNNING", "IDLE" (enabled wait) */
	uint64_t cpu_us;		/* host time the virtual machine used */
	uint64_t instructions;		/* S/370 instructions it executed */
};
/* Calls fn for every logged-on user, most recent logon first, under the table's lock (fn must not
 * call back into the system). Any thread. */
void cpsys_each_user(struct cpsys *sys, void (*fn)(void *arg, const struct cpsys_user_info *u),
		     void *arg);
/*
 * Run a CP command for the system operator (the control socket, the operator's console): with
 * the privilege classes of the directory's OPERATOR (A-G when there is none), no virtual machine,
 * responses on out. Synchronous, on the caller's thread. Returns the enum cp_cmd_rc.
 */
int cpsys_operator_command(struct cpsys *sys, struct term *out, const char *line);

#endif
