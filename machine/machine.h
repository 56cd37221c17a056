/*
 * machine.h - one System/370: the public interface of machine/.
 *
 * A machine owns its main storage, storage keys and CPU. Callers build one with machine_new(), load
 * storage, set the PSW, and call machine_run() with an instruction budget; it returns an exit reason
 * whenever something needs the caller. Program checks, SVCs and interruptions are architecture and
 * never leave machine_run().
 *
 * struct machine and struct cpu are opaque outside machine/; everything is reached through the
 * functions below. A machine is used by one host thread at a time.
 */
#ifndef MACHINE_MACHINE_H
#define MACHINE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct cpu;

/* Largest main storage an S/370 (24-bit real addresses) can have. */
#define MACHINE_MAX_STORAGE (16u * 1024 * 1024)

struct machine_config {
	uint32_t storage_size; /* bytes; a multiple of 2K, at most MACHINE_MAX_STORAGE */
	bool extension;        /* accept the ESA/390 problem-state instructions (S/370 extension) */
	/* Deterministic time: the TOD clock starts at 2000-01-01 00:00 and advances 1/4 microsecond
	 * per instruction executed; an enabled wait jumps to the next timer event. Otherwise the
	 * TOD clock follows the host's CLOCK_REALTIME. */
	bool deterministic_time;
	/* A virtual machine, as CP runs one: STIDP stores version code X'FF' (VM/370 shows its
	 * virtual machines so; R6 CMS looks at it). Off: version code X'00', a real CPU. */
	bool virtual_cpuid;
};

/* Why machine_run() came back. */
enum machine_exit {
	MACHINE_EXIT_BUDGET,         /* instruction budget spent */
	MACHINE_EXIT_DISABLED_WAIT,  /* wait bit on, all interruptions masked off */
	MACHINE_EXIT_ENABLED_WAIT,   /* wait bit on, waiting for an interruption */
	MACHINE_EXIT_STOPPED,        /* the CPU was stopped (machine_stop) */
	MACHINE_EXIT_CHECKSTOP,      /* the CPU entered the check-stop state */
	MACHINE_EXIT_PROGRAM_LOOP,   /* a program interruption loaded an invalid program new PSW */
	MACHINE_EXIT_DIAGNOSE,       /* DIAGNOSE executed: the host decides (machine_diagnose) */
};

const char *machine_exit_str(enum machine_exit e);

/* Returns NULL (and sets errno) when the storage cannot be had or the configuration is invalid. */
struct machine *machine_new(const struct machine_config *cfg);
void machine_free(struct machine *m);

struct cpu *machine_cpu(struct machine *m);
uint32_t machine_storage_size(const struct machine *m);

/*
 * Named saved systems (machine/nss.c). machine_map_storage() puts len bytes of the file fd from
 * offset over absolute storage [0, len), privately: machines that map one file share the host's
 * copy of its pages until each writes one (copy on write). len and offset are multiples of the
 * host's page size, len at most the storage size; keys of the range become zero. False with errno
 * (storage is then all zeros). machine_clear_storage() makes all of storage zeros again, unmapping
 * any file (a system reset clear, an IPL of something else); false if the host refused, when it
 * was zeroed by hand. Both between machine_run() calls.
 */
bool machine_map_storage(struct machine *m, int fd, uint64_t offset, uint32_t len);
bool machine_clear_storage(struct machine *m);
/* Host access to real storage (absolute addresses), for loaders and dumps. Both fail (return false)
 * when [addr, addr+len) is not inside main storage; neither checks keys nor sets change bits. */
bool machine_load(struct machine *m, uint32_t addr, const void *data, size_t len);
bool machine_dump(const struct machine *m, uint32_t addr, void *out, size_t len);

/* Run up to budget instructions. */
enum machine_exit machine_run(struct cpu *c, uint64_t budget);

/* Ask a running CPU to leave machine_run() with MACHINE_EXIT_STOPPED; it does so within a slice of
 * some thousands of instructions. Safe from another thread. */
void machine_stop(struct cpu *c);

/* Nanoseconds until the next timer event (clock comparator, CPU timer, interval timer) that can
 * interrupt the CPU with its current PSW and CR0 masks; UINT64_MAX when none can. A caller that got
 * MACHINE_EXIT_ENABLED_WAIT sleeps that long and runs again. 0 when an interruption is due now. */
uint64_t machine_wait_ns(struct cpu *c);

/* Press the interrupt key: an external interruption X'0040' becomes pending. Safe from another
 * thread. */
void machine_interrupt_key(struct cpu *c);

/* Press the restart key: a restart interruption (old PSW at real X'08', new PSW from real X'00')
 * becomes pending. A running CPU takes it within a slice, after the other interruptions it is
 * enabled for; a stopped CPU (MACHINE_EXIT_STOPPED) takes it first when machine_run() is called
 * again. Safe from another thread. */
void machine_restart(struct cpu *c);

/* The system-reset keys: initial CPU reset and I/O system reset (PSW, control registers, timers
 * and pending interruptions as after power-on; devices reset); with clear, also storage, storage
 * keys and the general and floating-point registers zeroed (system reset clear). Call it between
 * machine_run() calls. */
void machine_reset(struct machine *m, bool clear);
/* Store status, as the operator's store-status key does it: CPU timer, clock comparator, current
 * PSW, prefix, floating-point, general and control registers at absolute X'D8', X'E0', X'100',
 * X'108', X'160', X'180' and X'1C0'. Call it between machine_run() calls. */
void machine_store_status(struct machine *m);

/*
 * Machine checks. An emulated machine has no failing hardware of its own, so machine-check
 * conditions come only from the host, which reports one (a storage failure it detected in a
 * backing file, say) as a machine-check interruption code (GA22-7000 chapter 11). The CPU takes
 * it between instructions: the code at real X'E8', the register save areas (X'D8', X'E0', X'160',
 * X'180', X'1C0'), the old PSW at X'30', the new PSW from X'70'. System damage and
 * instruction-processing damage need PSW bit 13; the repressible conditions also their CR14
 * subclass mask (bit 4 recovery, 5 degradation, 6 external damage and timer damage, 7 warning),
 * and stay pending until enabled. An exigent condition while PSW bit 13 is zero and CR14 bit 0
 * (check-stop control) is one puts the CPU in the check-stop state: machine_run() returns
 * MACHINE_EXIT_CHECKSTOP until cpu_set_psw() (or IPL) starts it afresh. The code should carry
 * the validity bits of what the CPU stores (MACHINE_MCIC_VALID). Safe from another thread.
 */
#define MACHINE_MCIC_SD (1ull << 63)    /* bit 0: system damage (exigent) */
#define MACHINE_MCIC_PD (1ull << 62)    /* bit 1: instruction-processing damage (exigent) */
#define MACHINE_MCIC_SR (1ull << 61)    /* bit 2: system recovery */
#define MACHINE_MCIC_TD (1ull << 60)    /* bit 3: interval-timer damage */
#define MACHINE_MCIC_CD (1ull << 59)    /* bit 4: timing-facility damage */
#define MACHINE_MCIC_ED (1ull << 58)    /* bit 5: external damage */
#define MACHINE_MCIC_DG (1ull << 56)    /* bit 7: degradation */
#define MACHINE_MCIC_W (1ull << 55)     /* bit 8: warning */
/* Bits 20-23 (PSW), 27-29 (FPR, GPR, CR), 31 (storage logical validity), 46-47 (CPU timer, clock
 * comparator). */
#define MACHINE_MCIC_VALID 0x00000F1D00030000ull
void machine_check(struct cpu *c, uint64_t code);

/* ---- Channel and devices (channel.c; device models in channel.h) ---- */

struct dev_ops;
struct chan_dev;

/* Attach a device at device address addr (bits 0-7 channel 0-15, bits 8-15 unit) with its
 * operations table and private state (freed by ops->free with the machine). NULL with errno
 * EINVAL (bad address), EEXIST (address in use) or ENOMEM. Channel 0 is a byte multiplexer,
 * channels 1-15 block multiplexers; a channel exists once a device is attached to it. */
struct chan_dev *machine_attach_device(struct machine *m, uint16_t addr, const struct dev_ops *ops,
				       void *priv);

/* Detach the device at addr (CP's DETACH): a channel program in progress on it is ended without
 * status, any status pending is dropped, and its ops->free releases it (a disk writes back
 * first). Call it between machine_run() calls. False when no device is there. */
bool machine_detach_device(struct machine *m, uint16_t addr);
/* I/O system reset: every subchannel idle, no pending status, each device's reset. */
void machine_io_reset(struct machine *m);

/* How an IPL ended (machine_ipl). Every value but MACHINE_IPL_OK leaves the CPU not started. */
enum machine_ipl_status {
	MACHINE_IPL_OK = 0,
	MACHINE_IPL_NOT_OPERATIONAL,   /* no device at the address */
	MACHINE_IPL_UNIT_CHECK,        /* the device ended with unit check (see the sense) */
	MACHINE_IPL_UNIT_EXCEPTION,    /* ... with unit exception (end of file, empty deck) */
	MACHINE_IPL_UNIT_STATUS,       /* ... with some other status than channel end, device end
					* and status modifier (attention, busy, control unit end) */
	MACHINE_IPL_INCORRECT_LENGTH,  /* a CCW without SLI transferred a different length */
	MACHINE_IPL_CHANNEL_CHECK,     /* program, protection or chaining check in the channel */
	MACHINE_IPL_NO_END,            /* the channel program did not end (a TIC loop?) */
	MACHINE_IPL_INVALID_PSW,       /* the PSW read into location 0 has a format error */
};

const char *machine_ipl_str(enum machine_ipl_status s);

/* What the IPL I/O operation ended with, for messages: the CSW it would have stored and, after a
 * unit check, the device's sense bytes. */
struct machine_ipl_csw {
	uint32_t ccw;        /* CCW address: the last CCW used + 8 */
	uint8_t unit, chan;  /* unit and channel status */
	uint16_t count;      /* residual count */
	uint8_t sense[32];
	uint32_t sense_len;  /* 0 unless the IPL ended with unit check */
};

/*
 * Initial program loading from the device at addr (GA22-7000 chapter 4, "Initial Program
 * Loading"), as the load key does it: initial program reset (initial CPU reset and I/O system
 * reset), then the IPL read - the implied CCW 02 000000 60 0018 (read 24 bytes into location 0,
 * command chaining, SLI), chaining on to the CCWs read into 8 and 16 - run to its end at once.
 * On success the device address is stored (BC mode: in bytes 2-3 of the PSW at location 0; EC
 * mode: at X'BA'-X'BB') and the PSW is loaded from location 0: the CPU is ready to run. On
 * failure the CPU is left reset with a zero PSW, the device address is not stored, and csw (when
 * not NULL) says how the I/O ended.
 */
enum machine_ipl_status machine_ipl(struct machine *m, uint16_t addr, struct machine_ipl_csw *csw);

/* The device type at addr as its model names it ("3215", "3350", "2540R", ...), or NULL when no
 * device is attached there. */
const char *machine_device_type(struct machine *m, uint16_t addr);
/* The absolute address of real address real (prefixing: real pages 0 and the prefix swap). */
uint32_t cpu_real_to_absolute(const struct cpu *c, uint32_t real);
/* How a synchronous channel program ended (machine_io_sync). */
enum machine_io_status {
	MACHINE_IO_OK = 0,             /* channel end and device end, no channel status */
	MACHINE_IO_NOT_OPERATIONAL,    /* no device at the address */
	MACHINE_IO_BUSY,               /* the device is working or has status pending */
	MACHINE_IO_STATUS,             /* it ended otherwise: see the CSW (and the sense after UC) */
	MACHINE_IO_NO_END,             /* it did not end within the IPL's bound, or waits for input */
};
/*
 * Run the channel program at absolute address ccw (format-0 CCWs, storage key key) on the device
 * at addr to its end at once, as a host does I/O on a guest's behalf (CP's DIAGNOSE X'18' and
 * X'20'): no interruption is presented and the CSW at X'40' is not stored; csw (when not NULL)
 * gets what it would have held, and the sense bytes after a unit check. Bounded like the IPL.
 * Call it between machine_run() calls.
 */
enum machine_io_status machine_io_sync(struct machine *m, uint16_t addr, uint32_t ccw, uint8_t key,
				       struct machine_ipl_csw *csw);
/*
 * Present a program interruption now, as if the instruction just executed (ilc halfwords long;
 * the PSW points past it) had recognised interruption code code: the old PSW is the current PSW
 * (so the exception is a suppressing one), the new PSW is loaded from X'68'. For a host that
 * handles an instruction itself (CP's DIAGNOSE: a specification exception for bad operands).
 * Call it between machine_run() calls.
 */
void machine_program_interrupt(struct cpu *c, uint16_t code, unsigned ilc);
/* Set the PSW's condition code (0-3): a host-handled instruction's result. */
void cpu_set_cc(struct cpu *c, unsigned cc);
unsigned cpu_get_cc(const struct cpu *c);

/* ---- CPU state, for loaders, tools and tests ---- */

/* The PSW as its 8-byte architected image. machine_set_psw() returns false for an invalid PSW
 * (which is then still loaded; the CPU takes a specification exception when it runs). */
void cpu_get_psw(const struct cpu *c, uint8_t psw[8]);
bool cpu_set_psw(struct cpu *c, const uint8_t psw[8]);

uint32_t cpu_get_gpr(const struct cpu *c, int r);
void cpu_set_gpr(struct cpu *c, int r, uint32_t v);
uint64_t cpu_get_fpr(const struct cpu *c, int r); /* r = 0, 2, 4, 6 */
void cpu_set_fpr(struct cpu *c, int r, uint64_t v);
uint32_t cpu_get_cr(const struct cpu *c, int r);
void cpu_set_cr(struct cpu *c, int r, uint32_t v);

/* Instructions executed since the machine was made (an interrupted instruction counts). */
uint64_t cpu_instructions(const struct cpu *c);

/* The DIAGNOSE that made machine_run() return MACHINE_EXIT_DIAGNOSE: its instruction bytes
 * (R1, R3, and the code B2+D2). The PSW already points past the instruction. */
struct machine_diagnose {
	int r1, r3;
	uint32_t code;
};
struct machine_diagnose cpu_last_diagnose(const struct cpu *c);

/* Trace: when set, each instruction is passed to fn before it executes. Slows the CPU down. */
typedef void machine_trace_fn(void *arg, uint32_t addr, const uint8_t *insn, int len);
void cpu_set_trace(struct cpu *c, machine_trace_fn *fn, void *arg);

/* ---- For a host that runs the machine as a virtual machine (CP's commands) ---- */

/*
 * Change main storage to size bytes (as machine_new() takes it) in a machine that exists: a new
 * mapping, zero, with zero keys; the TLB and the decoded instructions are purged, the CPU and the
 * channel get a system reset (machine_reset); devices stay attached. False (errno EINVAL or
 * ENOMEM) and nothing changed when it cannot be had. Call it between machine_run() calls.
 */
bool machine_set_storage(struct machine *m, uint32_t size);

/* The storage key of the 2K block of absolute address addr (< storage size): access-control key,
 * fetch-protection, reference and change bits as ISK shows them (bits 0-6). */
uint8_t machine_storage_key(const struct machine *m, uint32_t addr);

/* One pointer the host keeps with the machine (CP's per-machine debugging state), freed with
 * free_fn (may be NULL) by machine_free() or by the next machine_set_host_data(). */
void machine_set_host_data(struct machine *m, void *data, void (*free_fn)(void *));
void *machine_host_data(const struct machine *m);

/* An external interruption with code as an operator's signal (CP's EXTERNAL command): X'0040'
 * is the interrupt key (machine_interrupt_key); any other code X'0001'-X'00FF' is an external
 * signal, pending until PSW bit 7 and CR0 bit 26 (external-signal mask) allow it; codes of
 * several calls accumulate into one interruption. Call it between machine_run() calls. */
void machine_external(struct cpu *c, uint16_t code);

/* Address stop: machine_run() returns MACHINE_EXIT_STOPPED just before it would execute the
 * instruction at logical address addr (the PSW then points at it), after telling the event hook
 * (MACHINE_EVENT_ADSTOP). The stop is removed when it is reached. on false: no address stop. */
void cpu_set_adstop(struct cpu *c, bool on, uint32_t addr);

/* What the event hook is told. Interruptions: after the PSWs were swapped. */
enum machine_event_kind {
	MACHINE_EVENT_INTERRUPT,	/* an interruption was taken */
	MACHINE_EVENT_ADSTOP,		/* the address stop was reached */
};
/* Interruption classes, by the real address of their old PSW. */
enum machine_int_class {
	MACHINE_INT_RESTART = 0x08,
	MACHINE_INT_EXTERNAL = 0x18,
	MACHINE_INT_SVC = 0x20,
	MACHINE_INT_PROGRAM = 0x28,
	MACHINE_INT_MCHECK = 0x30,
	MACHINE_INT_IO = 0x38,
};
struct machine_event {
	enum machine_event_kind kind;
	enum machine_int_class iclass;	/* INTERRUPT */
	uint16_t code;			/* INTERRUPT: the SVC number, program or external
					 * interruption code, or I/O device address */
	uint8_t old_psw[8], new_psw[8];	/* INTERRUPT */
	uint32_t addr;			/* ADSTOP: the instruction's address */
};
/* Called on the machine's thread inside machine_run(); returns true to stop the CPU there
 * (machine_run() returns MACHINE_EXIT_STOPPED with the new PSW, or before the ADSTOP's
 * instruction). It may read the CPU's state and storage but not run the machine. */
typedef bool machine_event_fn(void *arg, const struct machine_event *ev);
void cpu_set_event_hook(struct cpu *c, machine_event_fn *fn, void *arg);

/* From inside a trace function (cpu_set_trace): do not execute the instruction just shown;
 * machine_run() returns MACHINE_EXIT_STOPPED with the PSW pointing at it. */
void cpu_trace_stop(struct cpu *c);

/* ---- Disassembler (driven by the instruction table) ---- */

/* Length in bytes of the instruction whose first byte is op (2, 4 or 6). */
static inline int insn_length(uint8_t op)
{
	return ((op >> 6) + 3) >> 1 << 1;
}

/* Formats "MNEMONIC operands" into buf; unknown opcodes show as DC X'..'. Returns buf. */
char *disasm(const uint8_t *insn, bool extension, char *buf, size_t size);

#endif
