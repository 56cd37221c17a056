/*
 * channel.c - the S/370 channel (GA22-7000 chapters 12-13): I/O instructions, channel programs
 * and I/O interruptions.
 *
 * Model. Every device has its own subchannel, which is idle, working (a channel program in
 * progress) or status pending (a CSW waiting to be presented). Channel 0 is a byte multiplexer,
 * channels 1-15 block multiplexers; a channel exists once a device is attached to it. A working
 * block-multiplexer channel counts as "operating in burst mode" for TCH and HIO.
 *
 * Channel programs run a bounded number of CCWs at a time (CHAN_CCWS_PER_STEP): SIO runs the first
 * step, and chan_deliver() - called by the CPU between slices and after SIO - runs one more step
 * for every working subchannel before it looks for an interruption to present. A TIC loop thus
 * costs a bounded amount of work per slice and HIO ends it. Devices finish each command
 * synchronously, or defer it (chan_dev_defer: a console read with no line typed yet) and have it
 * run again when their owner says so (chan_dev_ready); a deferred subchannel costs nothing while
 * it waits.
 *
 * Storage. CCW, IDAW and data addresses are absolute (no prefixing, no DAT); the CAW at X'48', the
 * CSW at X'40' and the channel ID at X'A8' are real (prefixed). Accesses use the CAW key: a key
 * mismatch on a store, or on a fetch from a fetch-protected block, is a protection check; an
 * address outside storage is a program check.
 *
 * CCW (format 0):
 *
 *   0        7 8                         31 32    39 40    47 48            63
 *  +----------+-----------------------------+--------+--------+---------------+
 *  | command  | data address                | flags  | ////// | count         |
 *  +----------+-----------------------------+--------+--------+---------------+
 *   flags: 80 CD  40 CC  20 SLI  10 SKIP  08 PCI  04 IDA  03 must be zero
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "machine/channel.h"
#include "machine/insn_table.h"

#define CHAN_CCWS_PER_STEP 64   /* work one step may do: CCWs (TICs included), and 4K of data */
#define CHAN_MAX_DATA_CHAIN 4096 /* data-chained CCWs gathered for one command at most */
#define CHAN_MAX_DATA (1u << 20) /* bytes gathered for one command at most */
#define CHAN_COUNT 16


#define IDAW_BLOCK 2048u

enum sch_state { SCH_IDLE, SCH_WORKING, SCH_PENDING };

struct chan_dev {
	/* ---- Set at attach. ---- */
	uint16_t addr;
	const struct dev_ops *ops;
	void *priv;
	struct cpu *c;
	struct chan_dev *next;
	/* ---- The subchannel. ---- */
	enum sch_state state;
	uint8_t key;          /* CAW key */
	uint32_t ccw_addr;    /* next CCW to fetch */
	bool prev_tic;        /* the last CCW fetched was a TIC */
	bool started;         /* the device has executed a command of this program */
	bool pci;             /* a PCI flag was seen and not yet presented */
	bool siof;            /* started by SIOF: initiation errors give a deferred CC */
	bool defer_req;       /* the device asked to defer the command it is executing */
	bool deferred;        /* waiting for chan_dev_ready() to run the CCW at defer_ccw again */
	uint32_t defer_ccw;
	/* ---- The device's ready switch (chan_dev_set_ready): not a subchannel state, so neither
	 * I/O reset nor a halt changes it. ---- */
	bool not_ready;
	/* The CSW to present (state SCH_PENDING). */
	uint8_t csw_cc;
	uint32_t csw_ccw;
	uint8_t csw_unit, csw_chan;
	uint16_t csw_count;
};

struct chan_set {
	struct chan_dev *devs;
	uint8_t *buf;   /* the data of the command being executed, kept between commands */
	size_t buf_cap;
	struct ccw *seg; /* its CCWs (data chaining), kept likewise */
	unsigned seg_cap;
};

struct ccw {
	uint32_t addr; /* where the CCW is */
	uint8_t cmd, flags;
	uint32_t data;
	uint16_t count;
};

void *chan_dev_priv(const struct chan_dev *d)
{
	return d->priv;
}

uint16_t chan_dev_addr(const struct chan_dev *d)
{
	return d->addr;
}

static void terminate(struct chan_dev *d);

static struct chan_dev *find_dev(struct machine *m, uint16_t addr)
{
	if (!m->chan)
		return NULL;
	for (struct chan_dev *d = m->chan->devs; d; d = d->next)
		if (d->addr == addr)
			return d;
	return NULL;
}

static bool channel_exists(struct machine *m, unsigned ch)
{
	if (!m->chan)
		return false;
	for (struct chan_dev *d = m->chan->devs; d; d = d->next)
		if (d->addr >> 8 == ch)
			return true;
	return false;
}

struct chan_dev *machine_attach_device(struct machine *m, uint16_t addr, const struct dev_ops *ops,
				       void *priv)
{
	if (addr >> 8 >= CHAN_COUNT || !ops || !ops->execute) {
		errno = EINVAL;
		return NULL;
	}
	if (find_dev(m, addr)) {
		errno = EEXIST;
		return NULL;
	}
	if (!m->chan && !(m->chan = calloc(1, sizeof *m->chan)))
		return NULL;
	struct chan_dev *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->addr = addr;
	d->ops = ops;
	d->priv = priv;
	d->c = machine_cpu(m);
	struct chan_dev **pp = &m->chan->devs; /* keep attach order: it is the presentation order */
	while (*pp)
		pp = &(*pp)->next;
	*pp = d;
	return d;
}

bool machine_detach_device(struct machine *m, uint16_t addr)
{
	if (!m->chan)
		return false;
	for (struct chan_dev **pp = &m->chan->devs; *pp; pp = &(*pp)->next) {
		struct chan_dev *d = *pp;
		if (d->addr != addr)
			continue;
		if (d->state == SCH_WORKING) {
			terminate(d);
			d->state = SCH_IDLE;
		}
		*pp = d->next;
		if (d->ops->free)
			d->ops->free(d->priv);
		free(d);
		return true;
	}
	return false;
}

void chan_free(struct machine *m)
{
	if (!m->chan)
		return;
	struct chan_dev *d = m->chan->devs;
	while (d) {
		struct chan_dev *next = d->next;
		if (d->ops->free)
			d->ops->free(d->priv);
		free(d);
		d = next;
	}
	free(m->chan->buf);
	free(m->chan->seg);
	free(m->chan);
	m->chan = NULL;
}

void chan_dev_reset(struct chan_dev *d)
{
	d->state = SCH_IDLE;
	d->pci = false;
	d->deferred = d->defer_req = false;
	if (d->ops->reset)
		d->ops->reset(d);
}

void machine_io_reset(struct machine *m)
{
	if (!m->chan)
		return;
	for (struct chan_dev *d = m->chan->devs; d; d = d->next)
		chan_dev_reset(d);
}

/* ------------------------------------------------------------------------------------------------
 * Storage access for the channel: absolute addresses, CAW key.
 */

/* 0, CHAN_PROG (outside storage) or CHAN_PROT (key) for len bytes at absolute addr. */
static uint8_t chan_access(struct chan_dev *d, uint32_t addr, uint32_t len, bool store)
{
	struct cpu *c = d->c;
	if (addr >= c->storage_size || len > c->storage_size - addr)
		return CHAN_PROG;
	if (len == 0)
		return 0;
	for (uint32_t b = addr >> BLOCK_SHIFT; b <= (addr + len - 1) >> BLOCK_SHIFT; b++) {
		uint8_t sk = c->keys[b];
		bool mismatch = d->key && (sk >> 4) != d->key;
		if (mismatch && (store || (sk & SKEY_FETCH)))
			return CHAN_PROT;
	}
	for (uint32_t b = addr >> BLOCK_SHIFT; b <= (addr + len - 1) >> BLOCK_SHIFT; b++)
		c->keys[b] |= SKEY_REF | (store ? SKEY_CHANGE : 0);
	return 0;
}

/* Fetch and check the CCW at d->ccw_addr. Returns 0 or the channel status of the error. */
static uint8_t fetch_ccw(struct chan_dev *d, struct ccw *w)
{
	if (d->ccw_addr & 7)
		return CHAN_PROG;
	uint8_t err = chan_access(d, d->ccw_addr, 8, false);
	if (err)
		return err;
	const uint8_t *p = d->c->storage + d->ccw_addr;
	w->addr = d->ccw_addr;
	w->cmd = p[0];
	w->data = be32(p) & AMASK;
	w->flags = p[4];
	w->count = be16(p + 6);
	d->ccw_addr += 8;
	return 0;
}

/* ------------------------------------------------------------------------------------------------
 * Data transfer for one CCW: direct, or through the IDAW list (2K blocks).
 */

/* Read backward (command X'xC'): the device's bytes go to descending addresses from the CCW's
 * data address (GA22-7000, "Read Backward"). */
static bool is_backward(uint8_t cmd)
{
	return (cmd & 0x0F) == 0x0C;
}

/* Where byte off of the CCW's data area is, and how many bytes from there on (upward, or downward
 * for read backward) lie in the same 2K block of storage. Returns 0 or the channel status of an
 * error. */
static uint8_t ccw_locate(struct chan_dev *d, const struct ccw *w, uint32_t off, bool backward, uint32_t *addr,
			  uint32_t *room)
{
	struct cpu *c = d->c;
	if (!(w->flags & CCW_IDA)) {
		if (backward) {
			if (off > w->data)
				return CHAN_PROG; /* below address 0 */
			*addr = w->data - off;
			*room = (*addr & BLOCK_MASK) + 1;
		} else {
			*addr = (w->data + off) & AMASK;
			*room = BLOCK_SIZE - (*addr & BLOCK_MASK); /* a block at a time: stops at a bad one */
		}
		return 0;
	}
	/* The first IDAW names any address; each further one a 2K boundary: the first byte of a
	 * block, or for read backward the last. */
	uint8_t err = chan_access(d, w->data, 4, false);
	if (err)
		return err;
	uint32_t first = be32(c->storage + w->data);
	if (first & ~AMASK)
		return CHAN_PROG;
	uint32_t first_len = backward ? (first & (IDAW_BLOCK - 1)) + 1 : IDAW_BLOCK - (first & (IDAW_BLOCK - 1));
	if (off < first_len) {
		*addr = backward ? first - off : first + off;
		*room = first_len - off;
		return 0;
	}
	uint32_t k = (off - first_len) / IDAW_BLOCK + 1;
	uint32_t idaw_addr = w->data + 4 * k;
	err = chan_access(d, idaw_addr, 4, false);
	if (err)
		return err;
	uint32_t idaw = be32(c->storage + idaw_addr);
	uint32_t boundary = backward ? IDAW_BLOCK - 1 : 0;
	if ((idaw & ~AMASK) || (idaw & (IDAW_BLOCK - 1)) != boundary)
		return CHAN_PROG;
	uint32_t into = (off - first_len) % IDAW_BLOCK;
	*addr = backward ? idaw - into : idaw + into;
	*room = IDAW_BLOCK - into;
	return 0;
}

/* Move n bytes between buf and the CCW's data area starting off bytes into it. store: to storage.
 * Returns 0 or the channel status of the error; *done says how many bytes moved. */
static uint8_t ccw_move(struct chan_dev *d, const struct ccw *w, uint32_t off, uint8_t *buf,
			uint32_t n, bool store, uint32_t *done)
{
	struct cpu *c = d->c;
	bool backward = store && is_backward(w->cmd);
	*done = 0;
	while (n) {
		uint32_t addr, room;
		uint8_t err = ccw_locate(d, w, off, backward, &addr, &room);
		if (err)
			return err;
		if (room > n)
			room = n;
		uint32_t low = backward ? addr - (room - 1) : addr;
		err = chan_access(d, low, room, store);
		if (err)
			return err;
		if (backward) {
			for (uint32_t i = 0; i < room; i++)
				c->storage[addr - i] = buf[i];
		} else if (store) {
			memcpy(c->storage + addr, buf, room);
		} else {
			memcpy(buf, c->storage + addr, room);
		}
		buf += room;
		off += room;
		n -= room;
		*done += room;
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------------
 * Channel-program execution.
 */

/* Sense (X'04', and X'14', X'24', ... with modifier bits) and sense ID (X'E4'): the commands a
 * not-ready device still takes. */
static bool is_sense(uint8_t cmd)
{
	return (cmd & 0x0F) == 0x04;
}

/* After a basic sense (not sense ID) executed on a not-ready device: its sense bytes say
 * intervention required, whatever the model keeps. */
static void not_ready_sense(const struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len,
			    uint32_t room)
{
	if (!d->not_ready || cmd == 0xE4 || room == 0)
		return;
	if (*len == 0 || *len > room)
		*len = *len ? room : 1;
	memset(buf, 0, *len);
	buf[0] = SENSE_INTREQ;
}

static bool is_read(uint8_t cmd)
{
	return (cmd & 3) == 2 || (cmd & 0x0F) == 0x04 || (cmd & 0x0F) == 0x0C;
}

/* End the channel program: status pending with the CSW for the CCW at ccw_addr. */
static void end_program(struct chan_dev *d, uint32_t ccw_addr, uint8_t unit, uint8_t chan, uint16_t count)
{
	if (d->started && d->ops->end)
		unit |= d->ops->end(d);
	d->state = SCH_PENDING;
	d->csw_cc = 0;
	d->csw_ccw = (ccw_addr + 8) & AMASK;
	d->csw_unit = unit;
	d->csw_chan = chan;
	d->csw_count = count;
}

/* Program or protection check found at a CCW before its command reached the device. */
static void ccw_check(struct chan_dev *d, uint32_t ccw_addr, uint8_t chan, uint16_t count)
{
	end_program(d, ccw_addr, d->started ? UNIT_CE | UNIT_DE : 0, chan, count);
}

/*
 * Fetch the next CCW, following TICs. Returns false after ending the program with a program or
 * protection check. *budget counts CCWs fetched.
 */
static bool next_ccw(struct chan_dev *d, struct ccw *w, int *budget)
{
	for (;;) {
		uint32_t at = d->ccw_addr;
		uint8_t err = fetch_ccw(d, w);
		--*budget;
		if (err) {
			ccw_check(d, at, err, 0);
			return false;
		}
		if ((w->cmd & 0x0F) != 0x08) {
			d->prev_tic = false;
			break;
		}
		/* TIC: no TIC to TIC; the target must be a doubleword. */
		if (d->prev_tic || (w->data & 7)) {
			ccw_check(d, w->addr, CHAN_PROG, 0);
			return false;
		}
		d->prev_tic = true;
		d->ccw_addr = w->data;
		if (*budget <= 0)
			return false; /* come back on the next step */
	}
	if ((w->flags & CCW_RESERVED) || w->count == 0 || ((w->flags & CCW_IDA) && (w->data & 3))) {
		ccw_check(d, w->addr, CHAN_PROG, w->count);
		return false;
	}
	if (w->flags & CCW_PCI) {
		d->pci = true;
		cpu_attention(d->c);
	}
	return true;
}

/*
 * Run one command: its CCW w and any data-chained CCWs after it. The chain is gathered first, as
 * far as CHAN_MAX_DATA_CHAIN CCWs or CHAN_MAX_DATA bytes - far more than any device's record, so
 * that a device sees the same data as with no limit and ends the transfer (incorrect length) where
 * it would have; only a device that takes all of an overlong chain (an endless one, through TICs)
 * finds the program ended with a program check. Each CCW and each 4K of data count against
 * *budget.
 */
static void run_command(struct chan_dev *d, const struct ccw *first, int *budget)
{
	struct chan_set *cs = d->c->m->chan;
	if ((first->cmd & 0x0F) == 0) { /* invalid command code */
		ccw_check(d, first->addr, CHAN_PROG, first->count);
		return;
	}
	if (d->not_ready && !is_sense(first->cmd)) {
		/* Not ready: unit check in the initial status, before any data moves; the model is
		 * not asked. The first command of a program so ends it with SIO's CC 1 (the CSW
		 * stored at once); a chained one ends it with an interruption. */
		end_program(d, first->addr, UNIT_UC, 0, first->count);
		return;
	}
	struct ccw *seg = cs->seg;
	unsigned nseg = 0;
	uint32_t total = 0;
	struct ccw next = *first;
	for (;;) {
		if (nseg == cs->seg_cap) {
			unsigned cap = cs->seg_cap ? 2 * cs->seg_cap : 16;
			struct ccw *grown = realloc(cs->seg, cap * sizeof *grown);
			if (!grown) {
				ccw_check(d, first->addr, CHAN_CCC, first->count);
				return;
			}
			cs->seg = seg = grown;
			cs->seg_cap = cap;
		}
		seg[nseg++] = next;
		total += next.count;
		if (!(next.flags & CCW_CD) || nseg == CHAN_MAX_DATA_CHAIN || total >= CHAN_MAX_DATA)
			break;
		int tics = CHAN_CCWS_PER_STEP * 2;
		if (!next_ccw(d, &next, &tics)) {
			if (d->state != SCH_PENDING)
				ccw_check(d, seg[nseg - 1].addr, CHAN_PROG, 0);
			return;
		}
		--*budget;
		next.cmd = first->cmd; /* data chaining keeps the command */
	}
	*budget -= (int)(total >> 12);

	if (total > cs->buf_cap) {
		uint8_t *grown = realloc(cs->buf, total);
		if (!grown) {
			ccw_check(d, first->addr, CHAN_CCC, first->count);
			return;
		}
		cs->buf = grown;
		cs->buf_cap = total;
	}
	uint8_t *buf = cs->buf;
	bool read = is_read(first->cmd);
	if (read)
		memset(buf, 0, total); /* a device that gives less leaves zeros, never older data */
	uint8_t chan = 0;
	unsigned s = 0;
	uint32_t done_in_seg = 0;

	/* Output: gather all data before the device sees it. */
	if (!read) {
		uint32_t off = 0;
		for (s = 0; s < nseg; s++) {
			uint32_t n;
			chan = ccw_move(d, &seg[s], 0, buf + off, seg[s].count, false, &n);
			off += n;
			if (chan) {
				done_in_seg = n;
				break;
			}
		}
	}
	if (chan) {
		/* The device got nothing: the command ends at the failing CCW. */
		ccw_check(d, seg[s].addr, chan, (uint16_t)(seg[s].count - done_in_seg));
		return;
	}

	uint32_t len = total;
	uint8_t unit = d->ops->execute(d, first->cmd, buf, &len);
	if (is_sense(first->cmd) && !d->defer_req)
		not_ready_sense(d, first->cmd, buf, &len, total);
	if (d->defer_req) {
		/* Not yet: the subchannel stays working, the command runs again when the device is
		 * ready. Nothing moved; the status is ignored. */
		d->defer_req = false;
		d->deferred = true;
		d->defer_ccw = first->addr;
		d->started = true;
		*budget = 0;
		return;
	}
	/* A chain longer than what was gathered, and the device took all of it: the channel cannot
	 * give it the rest. The program ends with a program check at the next CCW. */
	bool cut = seg[nseg - 1].flags & CCW_CD;
	d->started = true;
	uint32_t moved = len < total ? len : total;

	/* Input: scatter what the device had; SKIP moves nothing but counts. Find the CCW in which
	 * the transfer ended. */
	uint32_t off = 0;
	for (s = 0; s < nseg; s++) {
		uint32_t want = seg[s].count;
		uint32_t n = moved - off < want ? moved - off : want;
		done_in_seg = n;
		if (read && !(seg[s].flags & CCW_SKIP) && n) {
			uint32_t got;
			chan = ccw_move(d, &seg[s], 0, buf + off, n, true, &got);
			if (chan) {
				done_in_seg = got;
				break;
			}
		}
		off += n;
		if (off == moved && (n < want || s == nseg - 1))
			break;
	}
	if (s == nseg)
		s = nseg - 1;

	const struct ccw *last = &seg[s];
	uint16_t residual = (uint16_t)(last->count - done_in_seg);
	if (cut && !chan && len >= total && s == nseg - 1) {
		end_program(d, d->ccw_addr, unit, CHAN_PROG, 0);
		return;
	}
	/* Incorrect length: the device's length differs from the count. SLI suppresses it in the CCW
	 * where the transfer ended, unless that CCW also chains data. Not reported with unit check or
	 * unit exception, or after a storage error. */
	if (!chan && len != total && !(unit & (UNIT_UC | UNIT_UX)) &&
	    (!(last->flags & CCW_SLI) || (last->flags & CCW_CD)))
		chan = CHAN_IL;

	bool chain = (last->flags & CCW_CC) && !chan && !(unit & ~(UNIT_CE | UNIT_DE | UNIT_SM)) &&
		     (unit & (UNIT_CE | UNIT_DE)) == (UNIT_CE | UNIT_DE);
	if (chain) {
		d->ccw_addr = seg[nseg - 1].addr + 8 + ((unit & UNIT_SM) ? 8 : 0);
		return;
	}
	end_program(d, last->addr, unit, chan, residual);
}

/* Run up to CHAN_CCWS_PER_STEP CCWs of a working subchannel. */
static unsigned chan_step(struct chan_dev *d)
{
	int budget = CHAN_CCWS_PER_STEP;
	while (d->state == SCH_WORKING && budget > 0 && !d->deferred) {
		struct ccw w;
		if (!next_ccw(d, &w, &budget))
			break;
		run_command(d, &w, &budget);
	}
	return (unsigned)(CHAN_CCWS_PER_STEP - budget); /* the work done: CCWs and 4K units */
}

/* ------------------------------------------------------------------------------------------------
 * CSW and interruptions.
 */

/*
 * CSW, real X'40':
 *
 *   0   3 4 5 6 7 8                  31 32     39 40     47 48          63
 *  +-----+-+---+-+---------------------+---------+---------+-------------+
 *  | key |L|CC |0| CCW address         | unit st | chan st | count       |
 *  +-----+-+---+-+---------------------+---------+---------+-------------+
 */
static void store_csw(struct chan_dev *d, uint8_t extra_unit)
{
	uint8_t *p = real_ptr(d->c, 0x40);
	uint8_t chan = d->csw_chan | (d->pci ? CHAN_PCI : 0);
	put_be32(p, (uint32_t)d->key << 28 | (uint32_t)d->csw_cc << 25 | (d->csw_ccw & AMASK));
	p[4] = d->csw_unit | extra_unit;
	p[5] = chan;
	put_be16(p + 6, d->csw_count);
	d->pci = false;
}

/* Store a CSW with only the given status (for HIO on a byte-multiplexer channel and the like). */
static void store_csw_status(struct chan_dev *d, uint8_t unit)
{
	d->csw_cc = 0;
	d->csw_ccw = d->ccw_addr;
	d->csw_unit = unit;
	d->csw_chan = 0;
	d->csw_count = 0;
	store_csw(d, 0);
}

void chan_dev_defer(struct chan_dev *d)
{
	d->defer_req = true;
}

void chan_dev_ready(struct chan_dev *d)
{
	if (!d->deferred || d->state != SCH_WORKING)
		return;
	d->deferred = false;
	d->ccw_addr = d->defer_ccw;
	d->prev_tic = false;
	cpu_attention(d->c);
}

bool chan_dev_deferred(const struct chan_dev *d)
{
	return d->deferred && d->state == SCH_WORKING;
}

void chan_dev_set_ready(struct chan_dev *d, bool ready)
{
	bool was = !d->not_ready;
	d->not_ready = !ready;
	if (ready && !was)
		chan_dev_post_status(d, UNIT_DE);
}

bool chan_dev_is_ready(const struct chan_dev *d)
{
	return !d->not_ready;
}

bool chan_dev_post_status(struct chan_dev *d, uint8_t unit)
{
	if (d->state != SCH_IDLE)
		return false;
	d->state = SCH_PENDING;
	d->key = 0;
	d->csw_cc = 0;
	d->csw_ccw = 0;
	d->csw_unit = unit;
	d->csw_chan = 0;
	d->csw_count = 0;
	cpu_attention(d->c);
	return true;
}

/* Is an I/O interruption from channel ch enabled? BC: PSW bits 0-5 for channels 0-5, bit 6 for
 * the rest. EC: PSW bit 6 and the channel's bit in CR2. */
static bool chan_enabled(const struct cpu *c, unsigned ch)
{
	if (c->ec)
		return (c->sysmask & 0x02) && (c->cr[2] & (0x80000000u >> ch));
	if (ch < 6)
		return c->sysmask & (0x80 >> ch);
	return c->sysmask & 0x02;
}

bool chan_deliver(struct cpu *c)
{
	struct machine *m = c->m;
	if (!m->chan)
		return false;
	for (struct chan_dev *d = m->chan->devs; d; d = d->next)
		if (d->state == SCH_WORKING)
			chan_step(d);
	for (struct chan_dev *d = m->chan->devs; d; d = d->next) {
		if (d->state == SCH_IDLE || !chan_enabled(c, d->addr >> 8))
			continue;
		if (d->state == SCH_WORKING) {
			if (!d->pci)
				continue;
			/* PCI while the program goes on: an intermediate interruption. */
			d->csw_cc = 0;
			d->csw_ccw = d->ccw_addr;
			d->csw_unit = 0;
			d->csw_chan = 0;
			d->csw_count = 0;
		} else {
			d->state = SCH_IDLE;
		}
		store_csw(d, 0);
		if (c->ec) {
			put_be16(real_ptr(c, 0xBA), d->addr);
		} else {
			c->intcode = d->addr;
		}
		psw_swap(c, 0x38, 0x78);
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------------------------------------
 * I/O instructions (GA22-7000 chapter 13). The second-operand address bits 16-31 are the device
 * address. 9C-9E are GROUPs on byte 1 (insn_io.def): only the second bytes the POO assigns are
 * accepted, other values are operation exceptions.
 */

static uint16_t io_addr(struct cpu *c, const uint8_t *ip)
{
	return (uint16_t)ea_s(c, ip);
}

/* SIO and SIOF: start the channel program the CAW names. */
static void start_io(struct cpu *c, const uint8_t *ip, bool siof)
{
	PRIVILEGED(c);
	struct chan_dev *d = find_dev(c->m, io_addr(c, ip));
	NEXT_INSN(c, 4);
	if (!d) {
		c->cc = 3;
		return;
	}
	if (d->state == SCH_WORKING) {
		c->cc = 2;
		return;
	}
	if (d->state == SCH_PENDING) {
		store_csw(d, UNIT_BUSY);
		d->state = SCH_IDLE;
		c->cc = 1;
		return;
	}
	uint32_t caw = be32(real_ptr(c, 0x48));
	d->key = (uint8_t)(caw >> 28);
	d->ccw_addr = caw & AMASK;
	d->prev_tic = false;
	d->started = false;
	d->pci = false;
	d->deferred = d->defer_req = false;
	d->siof = siof;
	d->state = SCH_WORKING;
	if (d->ops->start)
		d->ops->start(d);
	if (caw & 0x0F000000u)
		ccw_check(d, d->ccw_addr - 8, CHAN_PROG, 0);
	else
		chan_step(d);
	if (d->state == SCH_PENDING && !d->started) {
		/* Found before the device started: SIO stores the CSW with CC 1; SIOF presents it
		 * later with deferred CC 1. */
		if (!siof) {
			store_csw(d, 0);
			d->state = SCH_IDLE;
			c->cc = 1;
			return;
		}
		d->csw_cc = 1;
	}
	c->cc = 0;
	cpu_attention(c);
}

/* SIO D2(B2) - Start I/O [S]. */
void op_sio(struct cpu *c, const uint8_t *ip)
{
	start_io(c, ip, false);
}

/* SIOF D2(B2) - Start I/O Fast Release [S]. */
void op_siof(struct cpu *c, const uint8_t *ip)
{
	start_io(c, ip, true);
}

/* TIO D2(B2) - Test I/O [S]. */
void op_tio(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	struct chan_dev *d = find_dev(c->m, io_addr(c, ip));
	NEXT_INSN(c, 4);
	if (!d) {
		c->cc = 3;
	} else if (d->state == SCH_WORKING) {
		c->cc = 2;
	} else if (d->state == SCH_PENDING) {
		store_csw(d, 0);
		d->state = SCH_IDLE;
		c->cc = 1;
	} else {
		c->cc = 0;
	}
}

/* Terminate a working subchannel's program. */
static void terminate(struct chan_dev *d)
{
	d->deferred = d->defer_req = false;
	if (d->ops->halt)
		d->ops->halt(d);
}

/* HIO and HDV: on a working subchannel, a block-multiplexer channel ends the burst (CC 2) and
 * presents channel end and device end later; the byte multiplexer stores the CSW at once (CC 1). */
static void halt_io(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	struct chan_dev *d = find_dev(c->m, io_addr(c, ip));
	NEXT_INSN(c, 4);
	if (!d) {
		c->cc = 3;
		return;
	}
	if (d->state != SCH_WORKING) {
		c->cc = 0;
		return;
	}
	terminate(d);
	if (d->addr >> 8 == 0) {
		store_csw_status(d, UNIT_CE | UNIT_DE);
		d->state = SCH_IDLE;
		c->cc = 1;
		return;
	}
	end_program(d, d->ccw_addr - 8, UNIT_CE | UNIT_DE, 0, 0);
	cpu_attention(c);
	c->cc = 2;
}

/* HIO D2(B2) - Halt I/O [S]. */
void op_hio(struct cpu *c, const uint8_t *ip)
{
	halt_io(c, ip);
}

/* HDV D2(B2) - Halt Device [S]. One device per subchannel here, so the same as HIO. */
void op_hdv(struct cpu *c, const uint8_t *ip)
{
	halt_io(c, ip);
}

/* CLRIO D2(B2) - Clear I/O [S]. Pending status: CSW stored, CC 1. A working subchannel is
 * terminated without status, CC 0. */
void op_clrio(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	struct chan_dev *d = find_dev(c->m, io_addr(c, ip));
	NEXT_INSN(c, 4);
	if (!d) {
		c->cc = 3;
		return;
	}
	if (d->state == SCH_PENDING) {
		store_csw(d, 0);
		d->state = SCH_IDLE;
		c->cc = 1;
		return;
	}
	if (d->state == SCH_WORKING) {
		terminate(d);
		d->state = SCH_IDLE;
		d->pci = false;
	}
	c->cc = 0;
}

/* TCH D2(B2) - Test Channel [S]. Bits 16-23 name the channel. */
void op_tch(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	unsigned ch = (io_addr(c, ip) >> 8) & 0xFF;
	NEXT_INSN(c, 4);
	if (ch >= CHAN_COUNT || !channel_exists(c->m, ch)) {
		c->cc = 3;
		return;
	}
	bool pending = false, burst = false;
	for (struct chan_dev *d = c->m->chan->devs; d; d = d->next) {
		if (d->addr >> 8 != ch)
			continue;
		pending |= d->state == SCH_PENDING;
		burst |= d->state == SCH_WORKING && ch != 0;
	}
	c->cc = pending ? 1 : burst ? 2 : 0;
}

/* STIDC D2(B2) - Store Channel ID [S]. Channel ID word at real X'A8': type in bits 0-3 (0001 byte
 * multiplexer, 0010 block multiplexer), model and logout length zero. */
void op_stidc(struct cpu *c, const uint8_t *ip)
{
	PRIVILEGED(c);
	unsigned ch = (io_addr(c, ip) >> 8) & 0xFF;
	NEXT_INSN(c, 4);
	if (ch >= CHAN_COUNT || !channel_exists(c->m, ch)) {
		c->cc = 3;
		return;
	}
	put_be32(real_ptr(c, 0xA8), ch == 0 ? 0x10000000u : 0x20000000u);
	c->cc = 0;
}

/* ------------------------------------------------------------------------------------------------
 * Initial program loading (GA22-7000 chapter 4, "Resets" and "Initial Program Loading").
 *
 * The load key (with the enable-system-clear key in the normal position) performs initial program
 * reset and then initial program loading. Initial program reset is initial CPU reset plus I/O
 * system reset: the PSW, prefix, CPU timer and clock comparator become zero, the control registers
 * take their initial values and pending CPU interruption conditions are cleared; the general and
 * floating-point registers, main storage, storage keys and the TOD clock are unchanged.
 *
 * The IPL I/O operation is a read from the IPL device as if START I/O had been executed with a CAW
 * of key 0 and an implied CCW
 *
 *     02 000000 60 0018      read 24 bytes into location 0, command chaining, SLI
 *
 * after which the channel chains to the CCW read into location 8, and from there on as usual
 * (status modifier skips a CCW, TIC goes anywhere). PCI flags in the IPL CCWs cause no
 * interruption. The IPL succeeds when the device ends with nothing but channel end, device end
 * and status modifier and the channel with no check; then the I/O address is stored (in the PSW
 * at location 0, bits 16-31, when that PSW is in BC mode; at locations 186-187 when in EC mode)
 * and the PSW is loaded from location 0. Otherwise - device not operational, any other unit or
 * channel status, or a PSW with a format error - the CPU does not start and the I/O address is not
 * stored.
 *
 * Devices complete synchronously, so the whole channel program runs here; IPL_MAX_WORK bounds a
 * program that never ends (in chan_step's units: a CCW, or 4K of data moved).
 */
#define IPL_MAX_WORK (1u << 14)

static const uint8_t zero_psw[8];

const char *machine_ipl_str(enum machine_ipl_status s)
{
	switch (s) {
	case MACHINE_IPL_OK:
		return "IPL complete";
	case MACHINE_IPL_NOT_OPERATIONAL:
		return "no device at that address (not operational)";
	case MACHINE_IPL_UNIT_CHECK:
		return "the device ended the IPL read with unit check";
	case MACHINE_IPL_UNIT_EXCEPTION:
		return "the device ended the IPL read with unit exception (end of file?)";
	case MACHINE_IPL_UNIT_STATUS:
		return "the device ended the IPL read with unexpected status";
	case MACHINE_IPL_INCORRECT_LENGTH:
		return "incorrect length in an IPL CCW without SLI";
	case MACHINE_IPL_CHANNEL_CHECK:
		return "channel program check in the IPL CCWs";
	case MACHINE_IPL_NO_END:
		return "the IPL channel program did not end";
	case MACHINE_IPL_INVALID_PSW:
		return "the PSW read into location 0 has a format error";
	}
	return "unknown IPL status";
}

/* Ask the device for its sense bytes after a unit check (a Sense command, as a program would). */
static void ipl_sense(struct chan_dev *d, struct machine_ipl_csw *out)
{
	uint32_t len = sizeof out->sense;
	memset(out->sense, 0, sizeof out->sense);
	d->ops->execute(d, 0x04, out->sense, &len);
	not_ready_sense(d, 0x04, out->sense, &len, sizeof out->sense);
	out->sense_len = len < sizeof out->sense ? len : (uint32_t)sizeof out->sense;
}

const char *machine_device_type(struct machine *m, uint16_t addr)
{
	struct chan_dev *d = find_dev(m, addr);
	return d ? d->ops->type : NULL;
}

/* A channel program the host runs itself (IPL, machine_io_sync): the subchannel working, the
 * device told. */
static void host_program_begin(struct chan_dev *d, uint8_t key, uint32_t ccw)
{
	d->key = key & 0x0F;
	d->ccw_addr = ccw & AMASK;
	d->prev_tic = false;
	d->started = false;
	d->pci = false;
	d->siof = false;
	d->deferred = d->defer_req = false;
	d->state = SCH_WORKING;
	if (d->ops->start)
		d->ops->start(d);
}

/* Run it to its end, at most IPL_MAX_WORK steps and never waiting for input; the ending status
 * goes to csw (with the sense after a unit check), not to an interruption. False when it did not
 * end (it is terminated). */
static bool host_program_end(struct chan_dev *d, struct machine_ipl_csw *csw)
{
	for (uint32_t work = 0; d->state == SCH_WORKING; work += chan_step(d)) {
		if (work >= IPL_MAX_WORK || d->deferred) { /* no end, or waiting for input */
			terminate(d);
			d->state = SCH_IDLE;
			d->pci = false;
			csw->ccw = d->ccw_addr;
			return false;
		}
	}
	d->state = SCH_IDLE;
	d->pci = false;
	csw->ccw = d->csw_ccw;
	csw->unit = d->csw_unit;
	csw->chan = d->csw_chan;
	csw->count = d->csw_count;
	if (d->csw_unit & UNIT_UC)
		ipl_sense(d, csw);
	return true;
}

enum machine_io_status machine_io_sync(struct machine *m, uint16_t addr, uint32_t ccw, uint8_t key,
				       struct machine_ipl_csw *csw)
{
	struct machine_ipl_csw scratch;
	if (!csw)
		csw = &scratch;
	memset(csw, 0, sizeof *csw);
	struct chan_dev *d = find_dev(m, addr);
	if (!d)
		return MACHINE_IO_NOT_OPERATIONAL;
	if (d->state != SCH_IDLE)
		return MACHINE_IO_BUSY;
	host_program_begin(d, key, ccw);
	if (ccw & 7)
		ccw_check(d, d->ccw_addr - 8, CHAN_PROG, 0);
	if (!host_program_end(d, csw))
		return MACHINE_IO_NO_END;
	bool clean = csw->chan == 0 && (csw->unit & ~UNIT_SM) == (UNIT_CE | UNIT_DE);
	return clean ? MACHINE_IO_OK : MACHINE_IO_STATUS;
}

/* The IPL of machine_ipl() and chan_ipl_program(): the resets, the program (the implied Read
 * IPL CCW when ccw is UINT32_MAX, else the one at ccw), its status, the PSW. */
static enum machine_ipl_status ipl(struct machine *m, uint16_t addr, uint32_t ccw, struct machine_ipl_csw *csw)
{
	struct cpu *c = machine_cpu(m);
	struct machine_ipl_csw scratch;

	if (!csw)
		csw = &scratch;
	memset(csw, 0, sizeof *csw);
	cpu_reset(c, true); /* initial CPU reset: the CPU half of initial program reset */
	machine_io_reset(m);

	struct chan_dev *d = find_dev(m, addr);
	if (!d)
		return MACHINE_IPL_NOT_OPERATIONAL;

	if (ccw == UINT32_MAX) {
		/* The implied CCW at location 0, then chaining from location 8. */
		const struct ccw implied = { .addr = 0, .cmd = 0x02, .data = 0, .flags = CCW_CC | CCW_SLI,
					     .count = 24 };
		host_program_begin(d, 0, 0);
		int budget = CHAN_CCWS_PER_STEP;
		run_command(d, &implied, &budget);
	} else {
		host_program_begin(d, 0, ccw);
		if (ccw & 7)
			ccw_check(d, d->ccw_addr - 8, CHAN_PROG, 0);
	}
	/* The ending status is the IPL's: it is not presented as an interruption. */
	if (!host_program_end(d, csw))
		return MACHINE_IPL_NO_END;
	if (d->csw_unit & UNIT_UC)
		return MACHINE_IPL_UNIT_CHECK;
	if (d->csw_chan & CHAN_IL)
		return MACHINE_IPL_INCORRECT_LENGTH;
	if (d->csw_chan)
		return MACHINE_IPL_CHANNEL_CHECK;
	if (d->csw_unit & UNIT_UX)
		return MACHINE_IPL_UNIT_EXCEPTION;
	if ((d->csw_unit & ~(UNIT_CE | UNIT_DE | UNIT_SM)) ||
	    (d->csw_unit & (UNIT_CE | UNIT_DE)) != (UNIT_CE | UNIT_DE))
		return MACHINE_IPL_UNIT_STATUS;

	/* Load the PSW from location 0; the I/O address goes where this PSW's mode says. */
	uint8_t psw[8];
	memcpy(psw, real_ptr(c, 0), 8);
	bool ec = psw[1] & 0x08;
	if (!ec)
		put_be16(psw + 2, addr);
	if (!cpu_set_psw(c, psw)) {
		psw_load(c, zero_psw);
		return MACHINE_IPL_INVALID_PSW;
	}
	if (ec)
		put_be16(real_ptr(c, 0xBA), addr);
	else
		put_be16(real_ptr(c, 2), addr);
	return MACHINE_IPL_OK;
}

enum machine_ipl_status machine_ipl(struct machine *m, uint16_t addr, struct machine_ipl_csw *csw)
{
	return ipl(m, addr, UINT32_MAX, csw);
}

enum machine_ipl_status chan_ipl_program(struct machine *m, uint16_t addr, uint32_t ccw,
					 struct machine_ipl_csw *csw)
{
	return ipl(m, addr, ccw & AMASK, csw);
}

uint8_t chan_common_command(uint8_t cmd, uint8_t *sense, uint8_t *buf, uint32_t *len)
{
	switch (cmd) {
	case 0x03:
		return UNIT_CE | UNIT_DE;
	case 0x04:
		buf[0] = *sense;
		*len = 1;
		*sense = 0;
		return UNIT_CE | UNIT_DE;
	default:
		*sense = SENSE_CMDREJ;
		*len = 0;
		return UNIT_CE | UNIT_DE | UNIT_UC;
	}
}
