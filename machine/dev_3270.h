/*
 * dev_3270.h - a local 3270 display station (a 3278 on a 3274 control unit) as a channel device:
 * the virtual 3270 that a guest drives with its own channel programs (DEFINE GRAF, SPECIAL vaddr
 * 3270) and that a terminal reaches with DIAL.
 *
 * The device is a pipe, not a screen: it keeps no buffer image and parses no data stream. The
 * screen and the keyboard are its owner's (CP, which has the real terminal): outbound data goes to
 * ops->write as one record per write command, with the remote (TN3270) command code first; reads
 * go to ops->read and are answered later with dev3270_answer(); keys the user presses arrive with
 * dev3270_input(), which the device keeps for the guest's next Read Modified and signals with an
 * attention interruption.
 *
 *	static const struct dev3270_ops ops = { .write = my_write, .read = my_read };
 *	struct chan_dev *d = dev3270_attach(m, 0x0C0, &ops, ctx, 2);
 *	dev3270_connect(d, true);            // DIAL: device end
 *	dev3270_input(d, rec, len);          // ENTER: attention; the guest's RM gets rec
 *	...                                  // ops->read(ctx, 0xF2): later dev3270_answer(d, ...)
 *	dev3270_poll(d);                     // between machine_run() calls: held status goes out
 *	dev3270_connect(d, false);           // DROP or disconnect: intervention required
 *
 * Threading: every call, and every call of ops, on the machine's thread (the VM's task), between
 * machine_run() calls or from inside the device's own execution. ops may call dev3270_input(),
 * dev3270_answer() and dev3270_connect() from inside ops->read or ops->write.
 *
 * Ownership: the device keeps copies of what it is given (at most DEV3270_RECORD_MAX bytes of each
 * record; more is cut off); rec pointers passed to ops are valid only during the call. ctx stays
 * the caller's. The device is freed with its machine (or machine_detach_device()).
 *
 * Held status. An attention (dev3270_input) or the device end of becoming ready (dev3270_connect)
 * is presented at once when the subchannel is idle; while it is working or has status pending it is
 * held and presented when the device is free again. The channel has no call that tells a device
 * that its subchannel became free, so the device tries on every call its owner makes, and the
 * owner calls dev3270_poll() between machine_run() calls (as CP retries the 3215's attention every
 * slice and when the virtual machine waits).
 *
 * Channel commands (local CCW codes; what each does is described in dev_3270.c):
 *
 *	01 W  05 EW  0D EWA  11 WSF   write: ops->write(F1 / F5 / 7E / F3, then the CCW's data)
 *	0F EAU                        ops->write(6F) alone; any data is ignored
 *	02 RB  06 RM                  read: the kept input (RM only) or ops->read(F2 / F6), deferred
 *	03 NOP, 0B 1B 2B 3B 4B select channel end and device end, no data
 *	04 sense                      one byte: DEV3270_SENSE_*
 *	E4 sense ID                   FF 3274 1D 3278 0m (m the model)
 *	anything else                 unit check, command reject
 *
 * While no terminal is connected, every command but sense and sense ID (and an invalid one, which
 * is a command reject) ends with unit check, intervention required.
 */
#ifndef MACHINE_DEV_3270_H
#define MACHINE_DEV_3270_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/channel.h"

/* The longest record the device passes either way, remote command code or AID included. */
#define DEV3270_RECORD_MAX 16384u

/* Sense byte 0 of the 3274 (GA23-0061). */
enum dev3270_sense {
	DEV3270_SENSE_CMDREJ = 0x80, /* command reject: an invalid command code */
	DEV3270_SENSE_INTREQ = 0x40, /* intervention required: no terminal connected */
	DEV3270_SENSE_DATACHK = 0x08, /* data check */
	DEV3270_SENSE_OPCHK = 0x01,  /* operation check */
};

/* Remote (TN3270) command codes: the first byte of an outbound record, and ops->read's cmd. */
enum dev3270_remote {
	DEV3270_W = 0xF1,
	DEV3270_EW = 0xF5,
	DEV3270_EWA = 0x7E,
	DEV3270_EAU = 0x6F,
	DEV3270_WSF = 0xF3,
	DEV3270_RB = 0xF2,
	DEV3270_RM = 0xF6,
};

struct dev3270_ops {
	/* One outbound record for the terminal, remote command code first (W F1, EW F5, EWA 7E,
	 * EAU 6F, WSF F3), then the CCW's data. */
	void (*write)(void *ctx, const uint8_t *rec, size_t len);
	/* The guest reads the buffer (cmd is the remote code: F2 Read Buffer, F6 Read Modified) and
	 * no input is waiting: the owner gets the terminal's answer and calls dev3270_answer(), now
	 * (from inside this call) or later. */
	void (*read)(void *ctx, uint8_t cmd);
};

/*
 * Attach a 3270 display at addr, not connected. model is the alternate size the device reports
 * (Sense ID model: 2 for 24x80, 3 32x80, 4 43x80, 5 27x132). ops (both functions) and the table
 * itself must outlive the device. NULL with errno on failure: EINVAL for a model other than 2-5
 * or missing ops, EEXIST/EINVAL/ENOMEM as machine_attach_device().
 */
struct chan_dev *dev3270_attach(struct machine *m, uint16_t addr, const struct dev3270_ops *ops, void *ctx,
				unsigned model);

/*
 * A terminal is connected (DIAL) or gone (DROP, disconnect). Becoming connected: the device posts
 * device end (unsolicited DE, as a 3270 becoming ready), now or when it is free. While not
 * connected every command but sense and sense ID ends with unit check, intervention required.
 * Going away drops the kept input and any held status; a read that waits for the terminal ends
 * with unit check, intervention required. Calls that change nothing do nothing.
 */
void dev3270_connect(struct chan_dev *d, bool on);

/*
 * The user pressed an AID key: rec is the terminal's inbound record (AID, cursor, fields). It is
 * kept for the guest's next Read Modified and an attention interruption is presented (now or when
 * the device becomes free). A newer record replaces an unread one. Ignored while not connected.
 */
void dev3270_input(struct chan_dev *d, const uint8_t *rec, size_t len);

/*
 * The terminal's answer to ops->read: the deferred read CCW completes with it (residual count and
 * incorrect length as for any read). Ignored when no read waits. A read that HIO, CLRIO or a reset
 * ended waits no more: its late answer is ignored, or taken by the next read that asks again.
 */
void dev3270_answer(struct chan_dev *d, const uint8_t *rec, size_t len);

/*
 * Present held status (device end of becoming ready, then attention) if the subchannel can take it
 * now. True if something was presented. The owner calls it between machine_run() calls, e.g. every
 * time slice and when the virtual machine enters a wait.
 */
bool dev3270_poll(struct chan_dev *d);

/* Is a terminal connected? */
bool dev3270_connected(const struct chan_dev *d);

#endif
