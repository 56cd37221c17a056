/*
 * dev_3270.c - a local 3270 display station (3278 on a 3274) as a channel device; the contract is
 * in dev_3270.h.
 *
 * Commands (local CCW codes, GA23-0061 "3274 Control Unit Description and Programmer's Guide"):
 *
 *   Writes. 01 Write, 05 Erase/Write, 0D Erase/Write Alternate and 11 Write Structured Field pass
 *   the CCW's data (data-chained CCWs give one record: the channel gathers them) to ops->write
 *   behind the remote code F1, F5, 7E or F3. The device takes all the data (no incorrect length);
 *   a record longer than DEV3270_RECORD_MAX is cut there, the rest is dropped as a real 3274
 *   would drop data past the end of its buffer. 0F Erase All Unprotected carries no data in the
 *   data stream: the record is 6F alone and the CCW's bytes are accepted and ignored.
 *
 *   Reads. 06 Read Modified with an input record kept (dev3270_input) returns that record at once
 *   and forgets it. Otherwise 02 Read Buffer and 06 Read Modified ask the owner (ops->read with F2
 *   or F6) and defer (chan_dev_defer); dev3270_answer() keeps the answer and makes the channel run
 *   the CCW again (chan_dev_ready), which then transfers it: the count minus the answer's length
 *   is the residual, an answer longer than the count is cut with incorrect length, one shorter
 *   gives incorrect length, both unless SLI. Read Buffer leaves a kept record alone (a real 3270
 *   would still answer a later Read Modified with the same AID and modified fields).
 *
 *   Control. 03 no-op and the local selection commands 0B, 1B, 2B, 3B, 4B (which a 3272/3274 uses
 *   to select a read or write ahead of a chained command) end with channel end and device end and
 *   move no data; their count is accepted whatever it is.
 *
 *   Sense. 04 returns sense byte 0 and resets it. E4 Sense ID returns 7 bytes,
 *       FF  32 74 1D  32 78 0m
 *   (control unit 3274 model 1D, device 3278 model m = 2..5): the identity Hercules documents for
 *   its local 3270 (3274-1D, 3278), with the model byte carrying the device's model rather than a
 *   constant 2. A 3272 with a 3277 had no Sense ID at all, so this device always reports 3274/3278.
 *
 * Status held for later (attention, device end) and the read that waits for its answer are the
 * device's state; the subchannel's state stays the channel's (chan_dev_deferred,
 * chan_dev_post_status).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "machine/dev_3270.h"

struct dev3270 {
	/* ---- Set at attach. ---- */
	const struct dev3270_ops *ops;
	void *ctx;
	unsigned model;
	/* ---- The device's state (the machine's thread). ---- */
	bool connected;
	uint8_t sense;
	bool de_held;         /* device end of becoming ready, not yet presented */
	bool attn_held;       /* attention for the kept input, not yet presented */
	bool have_input;      /* input[] holds a record for the next Read Modified */
	bool read_waiting;    /* a read asked ops->read and waits (deferred) for its answer */
	bool answered;        /* ... and answer[] holds it */
	uint8_t read_cmd;     /* the local code of that read */
	size_t input_len, answer_len;
	uint8_t input[DEV3270_RECORD_MAX];
	uint8_t answer[DEV3270_RECORD_MAX];
	uint8_t out[DEV3270_RECORD_MAX]; /* the outbound record being built */
};

static struct dev3270 *dev3270_of(const struct chan_dev *d)
{
	return chan_dev_priv(d);
}

/* The remote code of a local write command, or 0 when cmd is not one. */
static uint8_t write_code(uint8_t cmd)
{
	switch (cmd) {
	case 0x01:
		return DEV3270_W;
	case 0x05:
		return DEV3270_EW;
	case 0x0D:
		return DEV3270_EWA;
	case 0x0F:
		return DEV3270_EAU;
	case 0x11:
		return DEV3270_WSF;
	default:
		return 0;
	}
}

static bool is_control(uint8_t cmd)
{
	return cmd == 0x03 || cmd == 0x0B || cmd == 0x1B || cmd == 0x2B || cmd == 0x3B || cmd == 0x4B;
}

static bool is_read_cmd(uint8_t cmd)
{
	return cmd == 0x02 || cmd == 0x06;
}

static uint8_t unit_check(struct dev3270 *t, uint8_t sense, uint32_t *len)
{
	t->sense = sense;
	*len = 0;
	return UNIT_CE | UNIT_DE | UNIT_UC;
}

/* Transfer rec to the read's buffer: as much as the count allows, the length it had in *len. */
static uint8_t transfer(uint8_t *buf, uint32_t *len, const uint8_t *rec, size_t n)
{
	memcpy(buf, rec, n < *len ? n : *len);
	*len = (uint32_t)n;
	return UNIT_CE | UNIT_DE;
}

static uint8_t dev3270_write(struct dev3270 *t, uint8_t code, const uint8_t *buf, uint32_t len)
{
	size_t n = 0;
	t->out[0] = code;
	if (code != DEV3270_EAU) {
		n = len < DEV3270_RECORD_MAX - 1 ? len : DEV3270_RECORD_MAX - 1;
		memcpy(t->out + 1, buf, n);
	}
	t->ops->write(t->ctx, t->out, n + 1);
	return UNIT_CE | UNIT_DE;
}

static uint8_t dev3270_read(struct chan_dev *d, struct dev3270 *t, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	if (t->read_waiting) {
		/* The same CCW again, after dev3270_answer() (or a spurious chan_dev_ready). */
		if (!t->answered) {
			chan_dev_defer(d);
			return 0;
		}
		t->read_waiting = t->answered = false;
		return transfer(buf, len, t->answer, t->answer_len);
	}
	if (cmd == 0x06 && t->have_input) {
		t->have_input = false;
		t->attn_held = false; /* read already: the attention has nothing more to say */
		return transfer(buf, len, t->input, t->input_len);
	}
	t->read_waiting = true;
	t->answered = false;
	t->read_cmd = cmd;
	t->ops->read(t->ctx, cmd == 0x02 ? DEV3270_RB : DEV3270_RM);
	/* The owner may have answered, or dropped the terminal, from inside ops->read. */
	if (!t->read_waiting || !t->connected) {
		t->read_waiting = t->answered = false;
		return unit_check(t, DEV3270_SENSE_INTREQ, len);
	}
	if (t->answered) {
		t->read_waiting = t->answered = false;
		return transfer(buf, len, t->answer, t->answer_len);
	}
	chan_dev_defer(d);
	return 0;
}

static uint8_t dev3270_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct dev3270 *t = dev3270_of(d);
	if (cmd == 0x04)
		return chan_common_command(cmd, &t->sense, buf, len);
	if (cmd == 0xE4) {
		const uint8_t id[7] = {0xFF, 0x32, 0x74, 0x1D, 0x32, 0x78, (uint8_t)t->model};
		return transfer(buf, len, id, sizeof id);
	}
	uint8_t code = write_code(cmd);
	if (!code && !is_read_cmd(cmd) && !is_control(cmd))
		return unit_check(t, DEV3270_SENSE_CMDREJ, len);
	if (!t->connected) {
		t->read_waiting = t->answered = false;
		return unit_check(t, DEV3270_SENSE_INTREQ, len);
	}
	t->sense = 0;
	if (code)
		return dev3270_write(t, code, buf, *len);
	if (is_read_cmd(cmd))
		return dev3270_read(d, t, cmd, buf, len);
	return UNIT_CE | UNIT_DE; /* no-op, select */
}

/* A new channel program: no read of an earlier one can still wait. */
static void dev3270_start(struct chan_dev *d)
{
	struct dev3270 *t = dev3270_of(d);
	t->read_waiting = t->answered = false;
}

/* HIO, HDV, CLRIO (or detach) ended the device's operation: a waiting read waits no more. */
static void dev3270_halt(struct chan_dev *d)
{
	struct dev3270 *t = dev3270_of(d);
	t->read_waiting = t->answered = false;
}

/* I/O system reset: the read, the kept input, held status and the sense go; the terminal stays. */
static void dev3270_reset(struct chan_dev *d)
{
	struct dev3270 *t = dev3270_of(d);
	t->read_waiting = t->answered = false;
	t->have_input = false;
	t->attn_held = t->de_held = false;
	t->sense = 0;
}

static const struct dev_ops dev3270_dev_ops = {
	.type = "3270",
	.execute = dev3270_execute,
	.start = dev3270_start,
	.halt = dev3270_halt,
	.reset = dev3270_reset,
	.free = free,
};

struct chan_dev *dev3270_attach(struct machine *m, uint16_t addr, const struct dev3270_ops *ops, void *ctx,
				unsigned model)
{
	if (!ops || !ops->write || !ops->read || model < 2 || model > 5) {
		errno = EINVAL;
		return NULL;
	}
	struct dev3270 *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->ops = ops;
	t->ctx = ctx;
	t->model = model;
	struct chan_dev *d = machine_attach_device(m, addr, &dev3270_dev_ops, t);
	if (!d) {
		int e = errno;
		free(t);
		errno = e;
	}
	return d;
}

bool dev3270_poll(struct chan_dev *d)
{
	struct dev3270 *t = dev3270_of(d);
	if (t->de_held) {
		if (!chan_dev_post_status(d, UNIT_DE))
			return false;
		t->de_held = false;
		return true;
	}
	if (t->attn_held && t->have_input) {
		if (!chan_dev_post_status(d, UNIT_ATTN))
			return false;
		t->attn_held = false;
		return true;
	}
	return false;
}

void dev3270_connect(struct chan_dev *d, bool on)
{
	struct dev3270 *t = dev3270_of(d);
	if (on == t->connected) {
		dev3270_poll(d);
		return;
	}
	t->connected = on;
	if (on) {
		t->de_held = true;
		dev3270_poll(d);
		return;
	}
	t->have_input = false;
	t->attn_held = t->de_held = false;
	t->read_waiting = t->answered = false;
	/* A read waiting for the terminal runs again and finds it gone. */
	if (chan_dev_deferred(d))
		chan_dev_ready(d);
}

void dev3270_input(struct chan_dev *d, const uint8_t *rec, size_t len)
{
	struct dev3270 *t = dev3270_of(d);
	if (!t->connected)
		return;
	if (len > DEV3270_RECORD_MAX)
		len = DEV3270_RECORD_MAX;
	if (len)
		memcpy(t->input, rec, len);
	t->input_len = len;
	t->have_input = true;
	t->attn_held = true;
	dev3270_poll(d);
}

void dev3270_answer(struct chan_dev *d, const uint8_t *rec, size_t len)
{
	struct dev3270 *t = dev3270_of(d);
	if (!t->read_waiting || t->answered) {
		dev3270_poll(d);
		return;
	}
	if (len > DEV3270_RECORD_MAX)
		len = DEV3270_RECORD_MAX;
	if (len)
		memcpy(t->answer, rec, len);
	t->answer_len = len;
	t->answered = true;
	/* Deferred already: run the CCW again. Inside ops->read: dev3270_read takes it on return. */
	if (chan_dev_deferred(d))
		chan_dev_ready(d);
}

bool dev3270_connected(const struct chan_dev *d)
{
	return dev3270_of(d)->connected;
}
