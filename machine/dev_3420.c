/*
 * dev_3420.c - the 3420 magnetic tape unit (9-track) behind a 3803 tape control, over an AWS or HET
 * image (tapes/tape.h). References: IBM 3803/3420 Magnetic Tape Subsystems, Subsystem
 * Description (section 2, commands; sense bytes) and the IBM 3420 Reference Manual ("3420/3803
 * Status/Sense Bytes").
 *
 * Commands:
 *
 *	01 write            02 read              0C read backward      04 sense (24 bytes)
 *	03 no-op            07 rewind            0F rewind-unload      17 erase gap
 *	1F write tape mark  27 backspace block   2F backspace file     37 forward space block
 *	3F forward space file                    97 data security erase
 *	C3 CB D3 DB mode set (density: accepted, the image has none)
 *
 * Anything else is a command reject; in particular sense ID (E4), which the 3803 does not have.
 *
 * Status. Reading or spacing a block over a tape mark ends with unit exception (the tape is then
 * past the mark forward, before it backward). Forward and backward space file stop just past the
 * mark and end normally. A write-type command (write, write tape mark, erase gap) that leaves the
 * image beyond maxsize - eotmargin ends with unit exception: the end-of-tape marker (sense byte 4
 * "tape indicate"); one that would go beyond maxsize is not done (unit check, equipment check).
 * Unit check with sense byte 0:
 *   - command reject: an unknown command; a write-type command or DSE without a write ring (file
 *     protect, byte 1); read backward, backspace block or backspace file at the load point (byte 1
 *     load point); DSE not immediately after erase gap;
 *   - intervention required: any command but sense while no tape is mounted (after rewind-unload);
 *   - data check: a damaged image block (bad header, truncated file, bad compressed data), and
 *     reading or spacing forward past the end of the recorded data (blank tape);
 *   - equipment check: the host file system failed (also when the image is flushed at
 *     rewind-unload); a write past maxsize.
 * Sense byte 1 always shows the drive: TU status A (ready) or B (not ready), load point, write
 * status (the last motion command wrote), file protected. Byte 3 X'02' says the last motion was
 * backward; byte 6 identifies a 3420 model 4/6/8. The sense information of a unit check is kept
 * until the next command other than sense.
 *
 * Read backward delivers the block's bytes in the order a tape moving backward gives them: buf[0]
 * is the block's last byte. Storing them at descending addresses from the CCW's data address is
 * the channel's part (GA22-7000, "Read Backward"); storage then holds the block in forward order.
 * When the count is shorter than the block, the bytes delivered are the block's last ones; *len is
 * the whole block's length, as for read.
 *
 * Damaged images. The image library moves nothing when it cannot pass a block, but a real tape
 * that failed to read a block has moved over it, and an error recovery procedure relies on that
 * ("backspace, read again"). So after a failure the drive remembers that it is logically one block
 * past (lost = +1, after a forward command) or before (lost = -1, after a backward one) the image
 * position. The opposite motion crosses the damaged block back and clears the mark: spacing ends
 * normally, reading fails again - so a retried read sees the damaged block again instead of
 * silently returning its neighbour. Motion further in the same direction ends with data check, as
 * the damaged block cannot be crossed. Rewind clears the mark; a write after a forward failure
 * starts at the image position, replacing the damaged block and what follows.
 *
 * Data security erase cannot shorten the image through the library (there is no erase call): it
 * writes a tape mark at the position and backspaces over it, so everything beyond is destroyed
 * and the erased part reads as one tape mark.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "machine/dev_tape.h"
#include "tapes/tape.h"

/* Commands (the 3803's codes for a 9-track unit). */
enum tu_command {
	TU_WRITE = 0x01,
	TU_READ = 0x02,
	TU_NOP = 0x03,
	TU_SENSE = 0x04,
	TU_REWIND = 0x07,
	TU_READ_BACKWARD = 0x0C,
	TU_REWIND_UNLOAD = 0x0F,
	TU_ERASE_GAP = 0x17,
	TU_WRITE_TAPE_MARK = 0x1F,
	TU_BACKSPACE_BLOCK = 0x27,
	TU_BACKSPACE_FILE = 0x2F,
	TU_FORWARD_SPACE_BLOCK = 0x37,
	TU_FORWARD_SPACE_FILE = 0x3F,
	TU_DATA_SECURITY_ERASE = 0x97,
	TU_MODE_SET_C3 = 0xC3, /* mode set 2: 1600 bpi */
	TU_MODE_SET_CB = 0xCB, /* 800 bpi */
	TU_MODE_SET_D3 = 0xD3, /* 6250 bpi */
	TU_MODE_SET_DB = 0xDB,
};

/* Sense byte 0. */
#define SNS0_CMDREJ	0x80
#define SNS0_INTREQ	0x40
#define SNS0_BUSOUT	0x20
#define SNS0_EQUIP	0x10
#define SNS0_DATA	0x08
#define SNS0_OVERRUN	0x04
#define SNS0_WCZERO	0x02
#define SNS0_CONVERTER	0x01
/* Sense byte 1: the drive's state, built at each sense. */
#define SNS1_NOISE	0x80
#define SNS1_TU_A	0x40 /* selected and ready */
#define SNS1_TU_B	0x20 /* not ready */
#define SNS1_7TRACK	0x10
#define SNS1_LOADPOINT	0x08
#define SNS1_WRITE	0x04 /* in write status */
#define SNS1_FILEPROT	0x02
#define SNS1_NOTCAP	0x01
/* Sense byte 3. */
#define SNS3_BACKWARD	0x02
/* Sense byte 4. */
#define SNS4_TAPE_IND	0x20 /* past the end-of-tape marker */
/* Sense byte 6: tape unit model identification. */
#define SNS6_MODEL_468	0x08

#define AWS_HEADER	6u /* bytes of chunk header per chunk in the image */
#define DEFAULT_EOTMARGIN 131072u

struct dev3420 {
	/* ---- The mounted reel (NULL: none, the drive is not ready). ---- */
	struct tape *t;
	bool file_protect; /* no write ring */
	int lost;          /* -1, 0, +1: logical position relative to the image's (file comment) */
	/* ---- Reel length (devtape_set_limits). ---- */
	uint64_t maxsize; /* 0: none */
	uint64_t eotmargin;
	unsigned chunk;
	/* ---- Drive state for sense. ---- */
	bool write_status;
	bool backward;
	bool after_erg; /* the previous command was erase gap */
	uint8_t sense[DEVTAPE_SENSE_LEN]; /* error bits of the last unit check (bytes 0, 3, 4) */
	/* ---- Scratch for read backward: TAPE_MAX_BLOCK bytes, allocated on first use. ---- */
	uint8_t *scratch;
};

static bool at_load_point(const struct dev3420 *u)
{
	struct tape_position p;
	tape_position(u->t, &p);
	return p.offset == 0;
}

/* Past the end-of-tape marker: the image has grown beyond maxsize - eotmargin. */
static bool past_eot_marker(const struct dev3420 *u)
{
	if (!u->t || !u->maxsize)
		return false;
	struct tape_position p;
	tape_position(u->t, &p);
	uint64_t warn = u->maxsize > u->eotmargin ? u->maxsize - u->eotmargin : 0;
	return p.offset > warn;
}

/* Would writing len bytes of data (0: a tape mark) take the image past maxsize? Compression can
 * only make a block smaller, so this foresees the uncompressed size. */
static bool beyond_reel(const struct dev3420 *u, uint64_t len)
{
	if (!u->maxsize)
		return false;
	struct tape_position p;
	tape_position(u->t, &p);
	uint64_t chunks = len ? (len + u->chunk - 1) / u->chunk : 1;
	return p.offset + len + chunks * AWS_HEADER > u->maxsize;
}

/* End the command with unit check and the given sense byte 0 bits; no data moves. */
static uint8_t unit_check(struct dev3420 *u, uint32_t *len, uint8_t sense0)
{
	u->sense[0] |= sense0;
	*len = 0;
	return UNIT_CE | UNIT_DE | UNIT_UC;
}

/* A command the image library could not carry out: data check for a damaged image or blank tape,
 * equipment check for a failing host. */
static uint8_t media_error(struct dev3420 *u, enum tape_status st, uint32_t *len)
{
	switch (st) {
	case TAPE_ERR_IO:
	case TAPE_ERR_NOMEM:
	case TAPE_ERR_ARG:
	case TAPE_ERR_READONLY:
		return unit_check(u, len, SNS0_EQUIP);
	default: /* TAPE_EOD (blank tape) and every kind of damage */
		return unit_check(u, len, SNS0_DATA);
	}
}

/* Status of a write-type command that worked: unit exception past the end-of-tape marker. */
static uint8_t write_done(struct dev3420 *u)
{
	u->write_status = true;
	return UNIT_CE | UNIT_DE | (past_eot_marker(u) ? UNIT_UX : 0);
}

/* ------------------------------------------------------------------------------------------------
 * Motion commands. Each sets the drive's direction and write status first.
 */

static void moving(struct dev3420 *u, bool backward, bool writing)
{
	u->backward = backward;
	u->write_status = writing;
}

static uint8_t tu_read(struct dev3420 *u, uint8_t *buf, uint32_t *len)
{
	moving(u, false, false);
	if (u->lost > 0)
		return unit_check(u, len, SNS0_DATA);
	if (u->lost < 0) { /* forward over the block that failed backward */
		u->lost = 0;
		return unit_check(u, len, SNS0_DATA);
	}
	size_t n;
	enum tape_status st = tape_read_block(u->t, buf, *len, &n);
	if (st == TAPE_OK) {
		*len = (uint32_t)n; /* n <= TAPE_MAX_BLOCK */
		return UNIT_CE | UNIT_DE;
	}
	if (st == TAPE_MARK) {
		*len = 0;
		return UNIT_CE | UNIT_DE | UNIT_UX;
	}
	u->lost = 1;
	return media_error(u, st, len);
}

static uint8_t tu_read_backward(struct dev3420 *u, uint8_t *buf, uint32_t *len)
{
	moving(u, true, false);
	if (u->lost > 0) { /* back over the block that failed forward: it fails again */
		u->lost = 0;
		return unit_check(u, len, SNS0_DATA);
	}
	if (u->lost < 0)
		return unit_check(u, len, SNS0_DATA);
	if (at_load_point(u))
		return unit_check(u, len, SNS0_CMDREJ);
	if (!u->scratch && !(u->scratch = malloc(TAPE_MAX_BLOCK)))
		return unit_check(u, len, SNS0_EQUIP);

	/* The library reads forward only: step back over the block, read it, step back again. */
	enum tape_status st = tape_bsb(u->t);
	if (st == TAPE_MARK) {
		*len = 0;
		return UNIT_CE | UNIT_DE | UNIT_UX;
	}
	if (st != TAPE_OK) {
		u->lost = -1;
		return media_error(u, st, len);
	}
	size_t n;
	st = tape_read_block(u->t, u->scratch, TAPE_MAX_BLOCK, &n);
	if (st != TAPE_OK) /* the image is before the damaged block, as the tape is */
		return media_error(u, st == TAPE_MARK ? TAPE_ERR_HEADER : st, len);
	st = tape_bsb(u->t);
	if (st != TAPE_OK) {
		u->lost = -1;
		return media_error(u, st == TAPE_MARK ? TAPE_ERR_HEADER : st, len);
	}
	uint32_t k = n < *len ? (uint32_t)n : *len;
	for (uint32_t i = 0; i < k; i++)
		buf[i] = u->scratch[n - 1 - i];
	*len = (uint32_t)n;
	return UNIT_CE | UNIT_DE;
}

static uint8_t tu_forward_space_block(struct dev3420 *u, uint32_t *len)
{
	moving(u, false, false);
	if (u->lost > 0)
		return unit_check(u, len, SNS0_DATA);
	if (u->lost < 0) { /* spaced over the damaged block */
		u->lost = 0;
		return UNIT_CE | UNIT_DE;
	}
	enum tape_status st = tape_fsb(u->t);
	if (st == TAPE_OK)
		return UNIT_CE | UNIT_DE;
	if (st == TAPE_MARK)
		return UNIT_CE | UNIT_DE | UNIT_UX;
	u->lost = 1;
	return media_error(u, st, len);
}

static uint8_t tu_backspace_block(struct dev3420 *u, uint32_t *len)
{
	moving(u, true, false);
	if (u->lost > 0) {
		u->lost = 0;
		return UNIT_CE | UNIT_DE;
	}
	if (u->lost < 0)
		return unit_check(u, len, SNS0_DATA);
	if (at_load_point(u))
		return unit_check(u, len, SNS0_CMDREJ);
	enum tape_status st = tape_bsb(u->t);
	if (st == TAPE_OK)
		return UNIT_CE | UNIT_DE;
	if (st == TAPE_MARK)
		return UNIT_CE | UNIT_DE | UNIT_UX;
	u->lost = -1;
	return media_error(u, st, len);
}

/* Forward space file: block by block, so that a damaged block stops the tape right before it. */
static uint8_t tu_forward_space_file(struct dev3420 *u, uint32_t *len)
{
	moving(u, false, false);
	if (u->lost > 0)
		return unit_check(u, len, SNS0_DATA);
	u->lost = 0;
	for (;;) {
		enum tape_status st = tape_fsb(u->t);
		if (st == TAPE_MARK)
			return UNIT_CE | UNIT_DE;
		if (st != TAPE_OK) {
			u->lost = 1;
			return media_error(u, st, len);
		}
	}
}

static uint8_t tu_backspace_file(struct dev3420 *u, uint32_t *len)
{
	moving(u, true, false);
	if (u->lost < 0)
		return unit_check(u, len, SNS0_DATA);
	bool moved = u->lost > 0;
	u->lost = 0;
	if (!moved && at_load_point(u))
		return unit_check(u, len, SNS0_CMDREJ);
	for (;;) {
		enum tape_status st = tape_bsb(u->t);
		if (st == TAPE_MARK)
			return UNIT_CE | UNIT_DE;
		if (st == TAPE_BOT) /* reached the load point without a tape mark */
			return unit_check(u, len, 0);
		if (st != TAPE_OK) {
			u->lost = -1;
			return media_error(u, st, len);
		}
	}
}

/* Common start of the write-type commands: write ring, known position, reel length. */
static bool may_write(struct dev3420 *u, uint64_t size, uint32_t *len, uint8_t *status)
{
	if (u->file_protect) {
		*status = unit_check(u, len, SNS0_CMDREJ);
		return false;
	}
	if (u->lost < 0) { /* before a block that could not be passed: position unknown */
		*status = unit_check(u, len, SNS0_DATA);
		return false;
	}
	u->lost = 0;
	if (beyond_reel(u, size)) {
		u->sense[4] |= SNS4_TAPE_IND;
		*status = unit_check(u, len, SNS0_EQUIP);
		return false;
	}
	return true;
}

static uint8_t tu_write(struct dev3420 *u, const uint8_t *buf, uint32_t *len)
{
	uint8_t status;
	moving(u, false, true);
	if (!may_write(u, *len, len, &status))
		return status;
	enum tape_status st = tape_write_block(u->t, buf, *len);
	if (st != TAPE_OK)
		return st == TAPE_ERR_READONLY ? unit_check(u, len, SNS0_CMDREJ) : media_error(u, st, len);
	return write_done(u);
}

static uint8_t tu_write_tape_mark(struct dev3420 *u, uint32_t *len)
{
	uint8_t status;
	moving(u, false, true);
	if (!may_write(u, 0, len, &status))
		return status;
	enum tape_status st = tape_write_mark(u->t);
	if (st != TAPE_OK)
		return st == TAPE_ERR_READONLY ? unit_check(u, len, SNS0_CMDREJ) : media_error(u, st, len);
	return write_done(u);
}

static uint8_t tu_erase_gap(struct dev3420 *u, uint32_t *len)
{
	uint8_t status;
	moving(u, false, true);
	if (!may_write(u, 0, len, &status))
		return status;
	u->after_erg = true; /* an image has no gaps to erase */
	return write_done(u);
}

static uint8_t tu_data_security_erase(struct dev3420 *u, bool after_erg, uint32_t *len)
{
	if (u->file_protect || !after_erg)
		return unit_check(u, len, SNS0_CMDREJ);
	moving(u, false, true);
	if (u->lost < 0)
		return unit_check(u, len, SNS0_DATA);
	u->lost = 0;
	/* No erase in the library: a tape mark ends the image here, then back before it. */
	enum tape_status st = tape_write_mark(u->t);
	if (st == TAPE_OK)
		st = tape_bsb(u->t);
	if (st != TAPE_OK && st != TAPE_MARK)
		return media_error(u, st, len);
	return UNIT_CE | UNIT_DE;
}

/* ------------------------------------------------------------------------------------------------
 * Sense and the operations table.
 */

static uint8_t tu_sense(struct dev3420 *u, uint8_t *buf, uint32_t *len)
{
	uint8_t s[DEVTAPE_SENSE_LEN];
	memcpy(s, u->sense, sizeof s);
	if (u->t) {
		s[1] |= SNS1_TU_A;
		if (at_load_point(u))
			s[1] |= SNS1_LOADPOINT;
		if (u->file_protect)
			s[1] |= SNS1_FILEPROT;
		if (u->write_status)
			s[1] |= SNS1_WRITE;
		if (past_eot_marker(u))
			s[4] |= SNS4_TAPE_IND;
	} else {
		s[1] |= SNS1_TU_B;
	}
	if (u->backward)
		s[3] |= SNS3_BACKWARD;
	s[6] |= SNS6_MODEL_468;
	memcpy(buf, s, *len < sizeof s ? *len : sizeof s);
	*len = sizeof s;
	memset(u->sense, 0, sizeof u->sense);
	return UNIT_CE | UNIT_DE;
}

static bool known_command(uint8_t cmd)
{
	switch (cmd) {
	case TU_WRITE:
	case TU_READ:
	case TU_NOP:
	case TU_REWIND:
	case TU_READ_BACKWARD:
	case TU_REWIND_UNLOAD:
	case TU_ERASE_GAP:
	case TU_WRITE_TAPE_MARK:
	case TU_BACKSPACE_BLOCK:
	case TU_BACKSPACE_FILE:
	case TU_FORWARD_SPACE_BLOCK:
	case TU_FORWARD_SPACE_FILE:
	case TU_DATA_SECURITY_ERASE:
	case TU_MODE_SET_C3:
	case TU_MODE_SET_CB:
	case TU_MODE_SET_D3:
	case TU_MODE_SET_DB:
		return true;
	default:
		return false;
	}
}

static uint8_t dev3420_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct dev3420 *u = chan_dev_priv(d);
	if (cmd == TU_SENSE)
		return tu_sense(u, buf, len);
	/* Any other command starts with fresh sense information. */
	memset(u->sense, 0, sizeof u->sense);
	bool after_erg = u->after_erg;
	u->after_erg = false;
	if (!known_command(cmd))
		return unit_check(u, len, SNS0_CMDREJ);
	if (!u->t)
		return unit_check(u, len, SNS0_INTREQ);
	switch (cmd) {
	case TU_WRITE:
		return tu_write(u, buf, len);
	case TU_READ:
		return tu_read(u, buf, len);
	case TU_READ_BACKWARD:
		return tu_read_backward(u, buf, len);
	case TU_WRITE_TAPE_MARK:
		return tu_write_tape_mark(u, len);
	case TU_ERASE_GAP:
		return tu_erase_gap(u, len);
	case TU_DATA_SECURITY_ERASE:
		return tu_data_security_erase(u, after_erg, len);
	case TU_FORWARD_SPACE_BLOCK:
		return tu_forward_space_block(u, len);
	case TU_BACKSPACE_BLOCK:
		return tu_backspace_block(u, len);
	case TU_FORWARD_SPACE_FILE:
		return tu_forward_space_file(u, len);
	case TU_BACKSPACE_FILE:
		return tu_backspace_file(u, len);
	case TU_REWIND:
		moving(u, true, false);
		u->lost = 0;
		tape_rewind(u->t);
		return UNIT_CE | UNIT_DE;
	case TU_REWIND_UNLOAD: /* the image is closed: a flush that failed is an equipment check */
		moving(u, true, false);
		return devtape_unmount(d) ? UNIT_CE | UNIT_DE : unit_check(u, len, SNS0_EQUIP);
	default: /* no-op and mode set */
		return UNIT_CE | UNIT_DE;
	}
}

static void dev3420_reset(struct chan_dev *d)
{
	struct dev3420 *u = chan_dev_priv(d);
	memset(u->sense, 0, sizeof u->sense);
	u->after_erg = false;
}

static void dev3420_free(void *priv)
{
	struct dev3420 *u = priv;
	tape_close(u->t);
	free(u->scratch);
	free(u);
}

static const struct dev_ops dev3420_ops = {
	.type = "3420",
	.execute = dev3420_execute,
	.reset = dev3420_reset,
	.free = dev3420_free,
};

/* ------------------------------------------------------------------------------------------------
 * Public interface.
 */

struct chan_dev *devtape_attach(struct machine *m, uint16_t addr, struct tape *t, bool readonly)
{
	struct dev3420 *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->t = t;
	u->file_protect = readonly;
	u->eotmargin = DEFAULT_EOTMARGIN;
	u->chunk = TAPE_CHUNK_MAX;
	struct chan_dev *d = machine_attach_device(m, addr, &dev3420_ops, u);
	if (!d) {
		int e = errno;
		free(u);
		errno = e;
	}
	return d;
}

bool devtape_mount(struct chan_dev *d, struct tape *t, bool readonly)
{
	struct dev3420 *u = chan_dev_priv(d);
	if (u->t || !t)
		return false;
	u->t = t;
	u->file_protect = readonly;
	u->lost = 0;
	u->write_status = false;
	u->backward = false;
	chan_dev_post_status(d, UNIT_DE); /* not ready to ready */
	return true;
}

bool devtape_unmount(struct chan_dev *d)
{
	struct dev3420 *u = chan_dev_priv(d);
	enum tape_status st = tape_close(u->t);
	u->t = NULL;
	u->lost = 0;
	u->write_status = false;
	return st == TAPE_OK;
}

bool devtape_rewind(struct chan_dev *d)
{
	struct dev3420 *u = chan_dev_priv(d);
	if (!u->t)
		return false;
	moving(u, true, false);
	u->lost = 0;
	tape_rewind(u->t);
	return true;
}

bool devtape_ready(const struct chan_dev *d)
{
	const struct dev3420 *u = chan_dev_priv(d);
	return u->t != NULL;
}

void devtape_set_limits(struct chan_dev *d, uint64_t maxsize, uint64_t eotmargin, unsigned chunk)
{
	struct dev3420 *u = chan_dev_priv(d);
	u->maxsize = maxsize;
	u->eotmargin = eotmargin;
	u->chunk = chunk ? chunk : TAPE_CHUNK_MAX;
}

/* ------------------------------------------------------------------------------------------------
 * Configuration: "CUU 3420 FILE [options]", Hercules' tape statement. FILE "*" (or none) leaves
 * the drive empty. A FILE that does not exist is created as an empty (blank) tape unless the tape
 * is read-only; one the host will not let us write is mounted without a write ring.
 *
 * Options (case does not matter; the last of conflicting ones wins):
 *   ro, noring, readonly=1      no write ring          rw, ring, readonly=0   write ring (default)
 *   maxsize=n, maxsizek=n, maxsizem=n    reel length in bytes, KiB, MiB (0: unlimited, default)
 *   eotmargin=n                 end-of-tape marker n bytes before maxsize (default 131072)
 *   compress=0|1, idrc=0|1      HET: compress written blocks (default 1)
 *   method=1|2                  HET: zlib or bzip2      level=1..9     compression level
 *   chunksize=n                 chunk size for writing (HET: 4096..65535)
 *   awstape                     HET: write uncompressed blocks
 * Accepted and ignored (they change nothing a guest sees here): strictsize=0|1 (a write past
 * maxsize is never made), deonirq=0|1, noautomount, --no-erg, --blkid-22, --blkid-24, --blkid-32.
 */

struct tape_config {
	bool readonly;
	uint64_t maxsize;
	uint64_t eotmargin;
	bool compress;
	int method;
	int level;
	unsigned chunk;
};

/* Parse a decimal number in [lo, hi]. */
static bool parse_number(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (*s < '0' || *s > '9')
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned digit = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* "key=value" with a key matching (case-insensitively): the value, else NULL. */
static const char *option_value(const char *arg, const char *key)
{
	size_t n = strlen(key);
	if (strncasecmp(arg, key, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	return NULL;
}

/* One option into c; false if it is unknown or its value is bad. */
static bool tape_option(struct tape_config *c, const char *arg)
{
	static const char *const ignored[] = { "noautomount", "--no-erg", "--blkid-22", "--blkid-24",
					       "--blkid-32" };
	const char *v;
	uint64_t n;
	if (!strcasecmp(arg, "ro") || !strcasecmp(arg, "noring")) {
		c->readonly = true;
	} else if (!strcasecmp(arg, "rw") || !strcasecmp(arg, "ring")) {
		c->readonly = false;
	} else if ((v = option_value(arg, "readonly"))) {
		if (!parse_number(v, 0, 1, &n))
			return false;
		c->readonly = n;
	} else if ((v = option_value(arg, "maxsize"))) {
		if (!parse_number(v, 0, UINT64_MAX, &c->maxsize))
			return false;
	} else if ((v = option_value(arg, "maxsizek"))) {
		if (!parse_number(v, 0, UINT64_MAX >> 10, &n))
			return false;
		c->maxsize = n << 10;
	} else if ((v = option_value(arg, "maxsizem"))) {
		if (!parse_number(v, 0, UINT64_MAX >> 20, &n))
			return false;
		c->maxsize = n << 20;
	} else if ((v = option_value(arg, "eotmargin"))) {
		if (!parse_number(v, 0, UINT64_MAX, &c->eotmargin))
			return false;
	} else if ((v = option_value(arg, "compress")) || (v = option_value(arg, "idrc"))) {
		if (!parse_number(v, 0, 1, &n))
			return false;
		c->compress = n;
	} else if ((v = option_value(arg, "method"))) {
		if (!parse_number(v, 1, 2, &n))
			return false;
		c->method = (int)n;
	} else if ((v = option_value(arg, "level"))) {
		if (!parse_number(v, 1, 9, &n))
			return false;
		c->level = (int)n;
	} else if ((v = option_value(arg, "chunksize"))) {
		if (!parse_number(v, 1, TAPE_CHUNK_MAX, &n))
			return false;
		c->chunk = (unsigned)n;
	} else if (!strcasecmp(arg, "awstape")) {
		c->compress = false;
	} else if ((v = option_value(arg, "strictsize")) || (v = option_value(arg, "deonirq"))) {
		if (!parse_number(v, 0, 1, &n))
			return false;
	} else {
		for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
			if (!strcasecmp(arg, ignored[i]))
				return true;
		return false;
	}
	return true;
}

static bool name_ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);
	return n >= k && !strcasecmp(name + n - k, suffix);
}

/* Open the image as the configuration asks; on failure a message in err. */
static struct tape *open_image(const char *path, const struct tape_config *c, bool *readonly,
			       char *err, size_t errlen)
{
	if (path[0] == '@') {
		snprintf(err, errlen, "%s: tape file lists (@) are not supported", path);
		return NULL;
	}
	if (name_ends_with(path, ".tdf") || name_ends_with(path, ".fkt")) {
		snprintf(err, errlen, "%s: OMA and FakeTape images are not supported (AWS and HET only)",
			 path);
		return NULL;
	}
	struct stat sb;
	bool exists = stat(path, &sb) == 0;
	if (exists && (S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode))) {
		snprintf(err, errlen, "%s: SCSI tape drives are not supported (AWS and HET images only)",
			 path);
		return NULL;
	}
	if (exists && S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", path);
		return NULL;
	}
	struct tape_options opt;
	tape_options_init(&opt);
	opt.compress = c->compress ? (enum tape_compress)c->method : TAPE_COMPRESS_NONE;
	opt.level = c->level;
	opt.chunk_size = c->chunk;

	struct tape *t = NULL;
	enum tape_status st;
	*readonly = c->readonly;
	if (c->readonly) {
		st = tape_open(path, TAPE_RDONLY, &opt, &t);
	} else if (!exists) {
		st = tape_open(path, TAPE_CREATE, &opt, &t);
	} else {
		st = tape_open(path, TAPE_RDWR, &opt, &t);
		if (st == TAPE_ERR_IO && (errno == EACCES || errno == EROFS || errno == EPERM)) {
			*readonly = true; /* the host says no: mount without a write ring */
			st = tape_open(path, TAPE_RDONLY, &opt, &t);
		}
	}
	if (st != TAPE_OK) {
		if (st == TAPE_ERR_IO)
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		else
			snprintf(err, errlen, "%s: cannot open: %s", path, tape_status_str(st));
		return NULL;
	}
	return t;
}

struct chan_dev *devtape_config(struct machine *m, uint16_t addr, const char *type, int argc,
				char *const argv[], char *err, size_t errlen)
{
	const char *path = argc > 0 ? argv[0] : "*";
	if (strcasecmp(type, "3420") != 0) {
		snprintf(err, errlen, "%s: tape type %s is not supported (3420 only)", path, type);
		return NULL;
	}
	struct tape_config c = {
		.eotmargin = DEFAULT_EOTMARGIN,
		.compress = true,
		.method = TAPE_COMPRESS_ZLIB,
	};
	for (int i = 1; i < argc; i++) {
		if (!tape_option(&c, argv[i])) {
			snprintf(err, errlen, "%s: unknown or invalid option '%s'", path, argv[i]);
			return NULL;
		}
	}
	struct tape *t = NULL;
	bool readonly = c.readonly;
	if (strcmp(path, "*") != 0 && !(t = open_image(path, &c, &readonly, err, errlen)))
		return NULL;
	struct chan_dev *d = devtape_attach(m, addr, t, readonly);
	if (!d) {
		snprintf(err, errlen, "%s: device %03X: %s", path, addr, chan_attach_strerror(errno));
		tape_close(t);
		return NULL;
	}
	devtape_set_limits(d, c.maxsize, c.eotmargin, c.chunk);
	return d;
}
