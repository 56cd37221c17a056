/*
 * channel.h - the device-facing side of the S/370 channel (channel.c), and the device models.
 *
 * A device is a generic record (struct chan_dev, owned by the channel: address, subchannel state)
 * plus a table of operations (struct dev_ops) and the model's private state behind it. The channel
 * interprets the channel program (CAW, CCWs, chaining, TIC, SKIP, IDA, PCI, SLI, storage keys);
 * a device model only executes one command at a time on a flat buffer:
 *
 *   execute(d, cmd, buf, &len)
 *       On entry len is the command's byte count (the sum over data-chained CCWs). For a write or
 *       control command buf holds those len bytes from storage; for a read or sense command buf
 *       has room for len bytes. The device sets len to the number of bytes it had for (read) or
 *       wanted from (write) this command: a value different from the count is an incorrect
 *       length, which the channel reports unless SLI says otherwise. Returns the unit status
 *       (UNIT_CE | UNIT_DE, plus UNIT_UC or UNIT_UX); completion is synchronous, unless the
 *       device defers the command (chan_dev_defer, below).
 *   start(d)   optional: a channel program begins (SIO, SIOF, IPL), before its first command;
 *              for state that lasts one program (a DASD file mask).
 *   end(d)     optional: the program the device took part in ends, before its status is
 *              presented: a DASD writes back the track it changed. Returns unit status to add
 *              (UNIT_UC when that failed, with the sense set) or 0.
 *   halt(d)    optional: HIO/HDV/CLRIO terminated the device's operation.
 *   reset(d)   optional: I/O system reset.
 *   free(priv) optional: release the private state when the machine is freed.
 *
 * A model that has something to say on its own (attention) calls chan_dev_post_status().
 */
#ifndef MACHINE_CHANNEL_H
#define MACHINE_CHANNEL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "machine/machine.h"

/* Unit status (CSW bits 32-39). */
enum unit_status {
	UNIT_ATTN = 0x80,
	UNIT_SM = 0x40,
	UNIT_CUE = 0x20,
	UNIT_BUSY = 0x10,
	UNIT_CE = 0x08,
	UNIT_DE = 0x04,
	UNIT_UC = 0x02,
	UNIT_UX = 0x01,
};

/* CCW flags (CCW bits 32-39). */
enum ccw_flags {
	CCW_CD = 0x80,   /* chain data */
	CCW_CC = 0x40,   /* chain command */
	CCW_SLI = 0x20,  /* suppress length indication */
	CCW_SKIP = 0x10, /* suppress transfer to storage */
	CCW_PCI = 0x08,  /* program-controlled interruption */
	CCW_IDA = 0x04,  /* indirect data addressing */
	CCW_RESERVED = 0x03,
};

/* Channel status (CSW bits 40-47). */
enum chan_status {
	CHAN_PCI = 0x80,
	CHAN_IL = 0x40,
	CHAN_PROG = 0x20,
	CHAN_PROT = 0x10,
	CHAN_CDC = 0x08,
	CHAN_CCC = 0x04,
	CHAN_ICC = 0x02,
	CHAN_CHAIN = 0x01,
};

/* Sense byte 0 bits common to unit-record devices. */
#define SENSE_CMDREJ 0x80
#define SENSE_INTREQ 0x40

/* The commands every unit-record device answers alike, for a device's execute() to fall back on:
 * no-op (X'03': channel end and device end), sense (X'04': the one sense byte, which is then
 * cleared), and command reject (unit check, sense X'80') for any other code. */
uint8_t chan_common_command(uint8_t cmd, uint8_t *sense, uint8_t *buf, uint32_t *len);

struct chan_dev;

struct dev_ops {
	const char *type; /* "3215", "2540R", ... */
	uint8_t (*execute)(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len);
	void (*start)(struct chan_dev *d); /* a channel program begins (SIO, SIOF, IPL) */
	uint8_t (*end)(struct chan_dev *d); /* it ends: more unit status (UNIT_UC) or 0 */
	void (*halt)(struct chan_dev *d);
	void (*reset)(struct chan_dev *d);
	void (*free)(void *priv);
};

void *chan_dev_priv(const struct chan_dev *d);
uint16_t chan_dev_addr(const struct chan_dev *d);

/*
 * Deferred commands. A device's execute() that cannot complete its command yet (a console read
 * before the user has typed a line) calls chan_dev_defer(d) and returns; what it returns is then
 * ignored and nothing moves to storage. The subchannel stays working (TIO and SIO see it busy, HIO
 * and CLRIO end it as usual) and costs nothing until the device's owner calls chan_dev_ready(d),
 * which makes the channel execute the same CCW again at its next step. Both are called on the
 * machine's thread (chan_dev_ready between machine_run() calls, or from the device's own code);
 * chan_dev_deferred() says whether d is waiting so.
 */
void chan_dev_defer(struct chan_dev *d);
void chan_dev_ready(struct chan_dev *d);
bool chan_dev_deferred(const struct chan_dev *d);
/*
 * The device's ready switch (the operator's, or CP's NOTREADY and READY commands). While a device
 * is not ready the channel answers for it: every command except sense and sense ID ends with unit
 * check in the initial status (the first command of a program: SIO's CC 1 with the CSW stored;
 * a chained one: an interruption), and a sense gives intervention required (byte 0 X'40', the
 * other bytes of the model's sense zero); the model sees sense and sense ID only. Becoming ready
 * posts device end (ignored, as by chan_dev_post_status, while the device is busy or has status
 * pending). I/O reset does not change the switch. Devices start ready. On the machine's thread.
 */
void chan_dev_set_ready(struct chan_dev *d, bool ready);
bool chan_dev_is_ready(const struct chan_dev *d);
/* Unsolicited status (e.g. attention) from an idle device: becomes a pending I/O interruption.
 * Ignored (returns false) while the device is working or already has status pending. */
bool chan_dev_post_status(struct chan_dev *d, uint8_t unit);
/* One device's part of an I/O system reset (CP's RESET vaddr): its pending status and any
 * operation are dropped without an interruption, a deferred command ends, and the model resets
 * (its sense is cleared). The ready switch stays. On the machine's thread. */
void chan_dev_reset(struct chan_dev *d);

/*
 * An IPL whose first channel program is the one at absolute address ccw (key 0) instead of the
 * implied Read IPL CCW: the host places it in storage first (CP's IPL vaddr cylno: seek to the
 * cylinder, search record 1, read its 24 bytes at 0 with command chaining, TIC to 8). Otherwise
 * as machine_ipl(): the resets, the ending status checked, the PSW loaded from location 0.
 */
enum machine_ipl_status chan_ipl_program(struct machine *m, uint16_t addr, uint32_t ccw,
					 struct machine_ipl_csw *csw);

/* For cpu.c: release the channel and every device when the machine is freed. */
void chan_free(struct machine *m);

/*
 * A device built from a configuration statement "CUU TYPE ARGS..." (Hercules' syntax): type is the
 * statement's device type as the registry spells it ("3350", "3420", "1403"; the statement may
 * use any case), argv its remaining words (file name and options, quotes removed). On failure:
 * NULL and a one-line message (no newline) in err. Each device model that can be configured
 * provides one; machine/devices.c maps type names to them.
 */
typedef struct chan_dev *dev_config_fn(struct machine *m, uint16_t addr, const char *type, int argc,
				       char *const argv[], char *err, size_t errlen);

/* The text for errno e after machine_attach_device() (or a model's attach) failed, for a
 * dev_config_fn's message. */
static inline const char *chan_attach_strerror(int e)
{
	return e == EEXIST ? "the device address is already in use"
	       : e == EINVAL ? "not a device address (channels 0 to F)"
			     : strerror(e);
}

/* ---- Device models (dev_*.c): constructors attach to a machine; NULL with errno on failure ---- */

/* dev_test.c: a test device. Read (02) returns the pattern 00 01 02 ... of the record length
 * (default 16), read backward (0C) the same record last byte first; write (01) keeps what it got; 03 no-op; 04 sense (1 byte); 13 control that ends
 * with unit exception; anything else is a command reject (unit check). */
struct chan_dev *devtest_attach(struct machine *m, uint16_t addr);
void devtest_set_record_len(struct chan_dev *d, uint32_t len);
/* Copies the last write's data into out (at most max bytes); returns its length. */
uint32_t devtest_written(const struct chan_dev *d, uint8_t *out, uint32_t max);
/* Commands executed since attach. */
unsigned devtest_commands(const struct chan_dev *d);

/* dev_3215.c: the 3215 console keyboard/printer, line mode. Output lines go to out (ASCII); typed
 * lines come from dev3215_input_line(), which queues the line and signals attention. It returns
 * false, and keeps nothing, while the last line has not been read or the device cannot present
 * attention (working, or status pending): the caller offers the line again later.
 * dev3215_config() makes the console of a configuration statement, printing on stdout. */
struct chan_dev *dev3215_attach(struct machine *m, uint16_t addr, FILE *out);
bool dev3215_input_line(struct chan_dev *d, const char *line);
dev_config_fn dev3215_config;

/* dev_2540r.c: the 2540 (3505) card reader. Reads cards from deck: raw 80-byte EBCDIC records, or
 * (ascii) text lines translated and blank-padded to 80. Unit exception at end of deck. The FILE
 * stays the caller's. dev2540r_config() builds the deck from the files of a configuration
 * statement, with Hercules' reader options (dev_2540r.c lists them). */
struct chan_dev *dev2540r_attach(struct machine *m, uint16_t addr, FILE *deck, bool ascii);
dev_config_fn dev2540r_config;

#endif
