/*
 * dev_fba.c - FBA disks: the 3310 and the 3370, 512-byte blocks over a plain FBA image (or a
 * range of blocks of one, as Hercules' "file origin count").
 *
 * A channel program addresses blocks in two steps: define extent gives the blocks the program may
 * touch and a file mask, locate names the operation and the first block and number of blocks
 * within the extent, and the read or write that follows moves those blocks.
 *
 *   define extent 63   16 bytes: file mask, 0, block size (ignored), block number of the extent's
 *                      first block on the device, first and last block number of the extent as
 *                      the program numbers them (locate uses these numbers)
 *   locate 43          8 bytes: operation (X'01' write, X'05' write and check, X'06' read, X'02'
 *                      read replicated, X'04' format defective block - then rejected by write),
 *                      replication count, number of blocks (2 bytes), first block (4 bytes)
 *   read 42, write 41  the located blocks; must follow a locate of that kind. A count short of
 *                      the blocks moves that many bytes (a write pads its last block with zeros)
 *                      and ends with incorrect length; the blocks not reached are dropped.
 *   read IPL 02        the whole device becomes the extent (mask 0) and block 0 is read; a locate
 *                      may follow without define extent (this is how an FBA IPL record goes on)
 *   read device characteristics 64 (32 bytes), sense 04 (24 bytes), sense ID E4, no-op 03,
 *   reserve B4, release 94, unconditional reserve 14 (accepted: sense bytes), read and reset
 *   buffered log A4 (24 zero bytes)
 *
 * File mask (define extent byte 0): X'C0' 00 normal writes allowed, 01 no writes, 11 format
 * writes too (10 invalid); X'04' diagnostic commands; the other bits must be zero. Everything the
 * device refuses - a bad argument, a locate outside the extent or not allowed by the mask, a read
 * or write not preceded by the right locate, a write to a read-only device - ends with unit check
 * and sense byte 0 X'80' command reject (as Hercules, whose users' guests expect it). A failing
 * host read or write is an equipment check (X'10').
 *
 * Channel programs: as for CKD (dev_ckd.c), the extent lasts one channel program, whose start
 * the channel announces with devfba_program_start() (dev_ops.start).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/be.h"
#include "machine/dev_dasd.h"

#define S0_CMDREJ 0x80
#define S0_EQUIPCHK 0x10
#define S0_DATACHK 0x08

#define MASK_WRITE 0xC0
#define MASK_WRITE_NONE 0x40
#define MASK_WRITE_RESERVED 0x80
#define MASK_WRITE_FORMAT 0xC0
#define MASK_INVALID 0x3B /* reserved bits and the CE-area bit */

#define OP_RESERVED 0xE0
#define OP_CODE 0x0F
#define OP_WRITE 0x01
#define OP_READ_REPLICATED 0x02
#define OP_FORMAT_DEFECTIVE 0x04
#define OP_WRITE_CHECK 0x05
#define OP_READ 0x06

#define RDC_LEN 32

struct fba_model {
	const char *name; /* the geometry entry */
	uint16_t cu_type;
	uint8_t cu_model, dev_model;
	uint8_t unit_type; /* device characteristics byte 3 */
};

static const struct fba_model models[] = {
	{ "3310", 0x4331, 0x01, 0x01, 0x01 },
	{ "3370", 0x3880, 0x01, 0x00, 0x02 },
	{ "3370-2", 0x3880, 0x01, 0x04, 0x05 },
};

struct fba_dev {
	/* ---- Set at attach. ---- */
	struct fba *vol;
	const struct dasd_geom *g;
	const struct fba_model *md;
	uint32_t origin, blocks; /* the device is blocks [origin, origin + blocks) of the image */
	bool readonly;
	/* ---- Per channel program. ---- */
	bool extent;          /* defined (define extent or read IPL) */
	uint8_t mask;
	uint32_t x_base;      /* device block of the extent's first block */
	uint32_t x_first, x_last;
	uint8_t op;           /* of the last locate */
	uint32_t next, left;  /* located: next device block, blocks left */
	bool located_before;  /* the previous command was a locate */
	bool located;         /* this command is */
	bool program_ended;
	uint8_t sense[DEVDASD_SENSE_LEN];
};

static uint8_t unit_check(struct fba_dev *t, uint8_t s0, uint32_t *len)
{
	memset(t->sense, 0, sizeof t->sense);
	t->sense[0] = s0;
	*len = 0;
	t->program_ended = true;
	return UNIT_CE | UNIT_DE | UNIT_UC;
}

static uint8_t cmd_reject(struct fba_dev *t, uint32_t *len)
{
	return unit_check(t, S0_CMDREJ, len);
}

static uint8_t image_error(struct fba_dev *t, enum dasd_status s, uint32_t *len)
{
	return unit_check(t, s == DASD_E_TRUNCATED ? S0_DATACHK : S0_EQUIPCHK, len);
}

static void program_begin(struct fba_dev *t)
{
	t->extent = false;
	t->mask = 0;
	t->left = 0;
	t->located_before = false;
	t->program_ended = false;
}

void devfba_program_start(struct chan_dev *d)
{
	struct fba_dev *t = chan_dev_priv(d);
	program_begin(t);
}

static uint8_t give(uint8_t *buf, uint32_t *len, const uint8_t *src, uint32_t n)
{
	memcpy(buf, src, *len < n ? *len : n);
	*len = n;
	return UNIT_CE | UNIT_DE;
}

/* Define extent 63. */
static uint8_t define_extent(struct fba_dev *t, const uint8_t *buf, uint32_t *len)
{
	if (*len < 16 || t->extent)
		return cmd_reject(t, len);
	*len = 16;
	uint8_t mask = buf[0];
	uint32_t base = be32(buf + 4), first = be32(buf + 8), last = be32(buf + 12);
	if ((mask & MASK_INVALID) || (mask & MASK_WRITE) == MASK_WRITE_RESERVED || last < first ||
	    base >= t->blocks || last - first >= t->blocks - base)
		return cmd_reject(t, len);
	t->extent = true;
	t->mask = mask;
	t->x_base = base;
	t->x_first = first;
	t->x_last = last;
	t->left = 0;
	return UNIT_CE | UNIT_DE;
}

/* Locate 43. */
static uint8_t locate(struct fba_dev *t, const uint8_t *buf, uint32_t *len)
{
	if (*len < 8 || !t->extent)
		return cmd_reject(t, len);
	*len = 8;
	uint8_t op = buf[0], rep = buf[1];
	uint32_t count = be16(buf + 2), block = be32(buf + 4);
	if (op & OP_RESERVED)
		return cmd_reject(t, len);
	switch (op & OP_CODE) {
	case OP_WRITE:
	case OP_WRITE_CHECK:
		if (t->readonly || (t->mask & MASK_WRITE) == MASK_WRITE_NONE)
			return cmd_reject(t, len);
		break;
	case OP_FORMAT_DEFECTIVE:
		if (t->readonly || (t->mask & MASK_WRITE) != MASK_WRITE_FORMAT)
			return cmd_reject(t, len);
		break;
	case OP_READ_REPLICATED:
		if (rep == 0 || count == 0 || rep % count)
			return cmd_reject(t, len);
		break;
	case OP_READ:
		break;
	default:
		return cmd_reject(t, len);
	}
	if (count == 0 || block < t->x_first || block > t->x_last || count - 1 > t->x_last - block)
		return cmd_reject(t, len);
	t->op = op & OP_CODE;
	t->next = t->x_base + (block - t->x_first);
	t->left = count;
	t->located = true;
	return UNIT_CE | UNIT_DE;
}

/* Read 42: the located blocks, as many as the count reaches. */
static uint8_t read_blocks(struct fba_dev *t, uint8_t *buf, uint32_t *len)
{
	if (!t->located_before || (t->op != OP_READ && t->op != OP_READ_REPLICATED))
		return cmd_reject(t, len);
	uint32_t total = t->left * FBA_BLOCK;
	uint32_t want = *len < total ? *len : total;
	uint32_t full = want / FBA_BLOCK, part = want % FBA_BLOCK;
	enum dasd_status s = full ? fba_read(t->vol, t->origin + t->next, full, buf) : DASD_OK;
	if (s == DASD_OK && part) {
		uint8_t blk[FBA_BLOCK];
		s = fba_read(t->vol, t->origin + t->next + full, 1, blk);
		memcpy(buf + (size_t)full * FBA_BLOCK, blk, part);
	}
	if (s != DASD_OK)
		return image_error(t, s, len);
	t->left = 0;
	*len = total;
	return UNIT_CE | UNIT_DE;
}

/* Write 41: the located blocks; a partial last block is padded with zeros. */
static uint8_t write_blocks(struct fba_dev *t, const uint8_t *buf, uint32_t *len)
{
	if (!t->located_before || (t->op != OP_WRITE && t->op != OP_WRITE_CHECK) || t->readonly)
		return cmd_reject(t, len);
	uint32_t total = t->left * FBA_BLOCK;
	uint32_t want = *len < total ? *len : total;
	uint32_t full = want / FBA_BLOCK, part = want % FBA_BLOCK;
	enum dasd_status s = full ? fba_write(t->vol, t->origin + t->next, full, buf) : DASD_OK;
	if (s == DASD_OK && part) {
		uint8_t blk[FBA_BLOCK] = { 0 };
		memcpy(blk, buf + (size_t)full * FBA_BLOCK, part);
		s = fba_write(t->vol, t->origin + t->next + full, 1, blk);
	}
	if (s != DASD_OK)
		return image_error(t, s, len);
	t->left = 0;
	*len = total;
	return UNIT_CE | UNIT_DE;
}

/* Read IPL 02: the whole device is the extent; block 0. */
static uint8_t read_ipl(struct fba_dev *t, uint8_t *buf, uint32_t *len)
{
	t->extent = true;
	t->mask = 0;
	t->x_base = 0;
	t->x_first = 0;
	t->x_last = t->blocks - 1;
	uint8_t blk[FBA_BLOCK];
	enum dasd_status s = fba_read(t->vol, t->origin, 1, blk);
	if (s != DASD_OK)
		return image_error(t, s, len);
	return give(buf, len, blk, FBA_BLOCK);
}

/* Read device characteristics 64. */
static uint8_t read_characteristics(struct fba_dev *t, uint8_t *buf, uint32_t *len)
{
	uint8_t rdc[RDC_LEN] = { 0 };
	rdc[0] = 0x30; /* operation modes */
	rdc[1] = 0x08; /* features */
	rdc[2] = 0x21; /* device class: FBA */
	rdc[3] = t->md->unit_type;
	put_be16(rdc + 4, FBA_BLOCK);
	put_be32(rdc + 6, t->g->blk_per_grp);
	put_be32(rdc + 10, t->g->blk_per_ap);
	put_be32(rdc + 14, t->blocks); /* blocks under movable heads */
	return give(buf, len, rdc, sizeof rdc);
}

static uint8_t sense_id(struct fba_dev *t, uint8_t *buf, uint32_t *len)
{
	uint8_t id[7] = { 0xFF };
	put_be16(id + 1, t->md->cu_type);
	id[3] = t->md->cu_model;
	put_be16(id + 4, t->g->type);
	id[6] = t->md->dev_model;
	return give(buf, len, id, sizeof id);
}

static uint8_t sense(struct fba_dev *t, uint8_t *buf, uint32_t *len)
{
	uint8_t unit = give(buf, len, t->sense, sizeof t->sense);
	memset(t->sense, 0, sizeof t->sense);
	return unit;
}

static uint8_t fba_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct fba_dev *t = chan_dev_priv(d);
	if (t->program_ended)
		program_begin(t);
	bool is_sense = cmd == 0x04 || cmd == 0x14 || cmd == 0x94 || cmd == 0xB4 || cmd == 0xE4;
	if (!is_sense)
		memset(t->sense, 0, sizeof t->sense);
	t->located_before = t->located;
	t->located = false;
	switch (cmd) {
	case 0x03:
		return UNIT_CE | UNIT_DE;
	case 0x04:
	case 0x14:
	case 0x94:
	case 0xB4:
		return sense(t, buf, len);
	case 0xE4:
		return sense_id(t, buf, len);
	case 0x02:
		return read_ipl(t, buf, len);
	case 0x41:
		return write_blocks(t, buf, len);
	case 0x42:
		return read_blocks(t, buf, len);
	case 0x43:
		return locate(t, buf, len);
	case 0x63:
		return define_extent(t, buf, len);
	case 0x64:
		return read_characteristics(t, buf, len);
	case 0xA4: {
		static const uint8_t log[24];
		return give(buf, len, log, sizeof log);
	}
	default:
		return cmd_reject(t, len);
	}
}

static void fba_reset(struct chan_dev *d)
{
	struct fba_dev *t = chan_dev_priv(d);
	program_begin(t);
	t->located = false;
	memset(t->sense, 0, sizeof t->sense);
}

static void fba_free(void *priv)
{
	struct fba_dev *t = priv;
	fba_close(t->vol);
	free(t);
}

static const struct dev_ops fba_ops = {
	.type = "FBA",
	.execute = fba_execute,
	.start = devfba_program_start,
	.reset = fba_reset,
	.free = fba_free,
};

static const struct fba_model *find_model(const struct dasd_geom *g)
{
	for (size_t i = 0; g && i < sizeof models / sizeof models[0]; i++)
		if (!strcmp(models[i].name, g->name))
			return &models[i];
	return NULL;
}

/* The smallest model of type (0: any) that has blocks blocks. */
static const struct dasd_geom *model_for(uint16_t type, uint32_t blocks)
{
	for (size_t i = 0; i < dasd_geom_count(); i++) {
		const struct dasd_geom *g = dasd_geom_at(i);
		if (g->fba && (!type || g->type == type) && blocks <= g->blocks && find_model(g))
			return g;
	}
	return NULL;
}

struct chan_dev *devfba_attach_range(struct machine *m, uint16_t addr, struct fba *vol, bool readonly,
				     const struct dasd_geom *g, uint32_t origin, uint32_t blocks)
{
	const struct fba_model *md = find_model(g);
	uint32_t have = vol ? fba_blocks(vol) : 0;
	if (blocks == 0 && origin < have)
		blocks = have - origin;
	if (!md || origin >= have || blocks == 0 || blocks > have - origin || blocks > g->blocks) {
		errno = EINVAL;
		return NULL;
	}
	struct fba_dev *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->vol = vol;
	t->g = g;
	t->md = md;
	t->origin = origin;
	t->blocks = blocks;
	t->readonly = readonly;
	struct chan_dev *d = machine_attach_device(m, addr, &fba_ops, t);
	if (!d) {
		int e = errno;
		free(t);
		errno = e;
	}
	return d;
}

struct chan_dev *devfba_attach(struct machine *m, uint16_t addr, struct fba *vol, bool readonly)
{
	const struct dasd_geom *g = vol ? model_for(0, fba_blocks(vol)) : NULL;
	if (!g) {
		errno = EINVAL;
		return NULL;
	}
	return devfba_attach_range(m, addr, vol, readonly, g, 0, 0);
}

/* A block number argument: digits only. */
static bool parse_blocks(const char *s, uint32_t *out)
{
	if (!*s)
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || (v = v * 10 + (uint64_t)(*s - '0')) > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/*
 * "CUU 3310|3370 file [origin [blocks|*]] [options]". The device is the image's blocks from
 * origin (default 0), blocks of them (default or *: to the end). The model is the smallest of the
 * type that has that many blocks (3370 or 3370-2).
 */
struct chan_dev *devfba_config(struct machine *m, uint16_t addr, const char *type, int argc,
			       char *const argv[], char *err, size_t errlen)
{
	const struct dasd_geom *want = dasd_geom_find(type);
	if (!want || !want->fba || !find_model(want)) {
		snprintf(err, errlen, "%s: not an FBA device type this machine has (3310, 3370)", type);
		return NULL;
	}
	if (argc < 1) {
		snprintf(err, errlen, "%s: the image file name is missing", type);
		return NULL;
	}
	uint32_t origin = 0, blocks = 0;
	int first = 1;
	if (first < argc && parse_blocks(argv[first], &origin)) {
		first++;
		if (first < argc && (!strcmp(argv[first], "*") || parse_blocks(argv[first], &blocks)))
			first++;
	}
	bool readonly = false;
	if (!devdasd_options(type, argc, argv, first, &readonly, err, errlen))
		return NULL;
	struct fba *vol;
	struct dasd_where w;
	memset(&w, 0, sizeof w);
	enum dasd_status s = fba_open(argv[0], readonly, &vol, &w);
	if (s != DASD_OK) {
		devdasd_error(err, errlen, argv[0], s, &w, readonly);
		return NULL;
	}
	uint8_t head[FBA_BLOCK];
	if (fba_read(vol, 0, 1, head) == DASD_OK && !memcmp(head, "CKD_", 4)) {
		snprintf(err, errlen, "%s: a CKD image, not an FBA one", argv[0]);
		fba_close(vol);
		return NULL;
	}
	uint32_t have = fba_blocks(vol);
	if (origin >= have || (blocks && blocks > have - origin)) {
		snprintf(err, errlen, "%s: blocks %u-%u are outside the image (%u blocks)", argv[0], origin,
			 blocks ? origin + blocks - 1 : origin, have);
		fba_close(vol);
		return NULL;
	}
	if (!blocks)
		blocks = have - origin;
	const struct dasd_geom *g = model_for(want->type, blocks);
	if (!g) {
		snprintf(err, errlen, "%s: %u blocks are more than a %s has", argv[0], blocks, type);
		fba_close(vol);
		return NULL;
	}
	struct chan_dev *d = devfba_attach_range(m, addr, vol, readonly, g, origin, blocks);
	if (!d) {
		snprintf(err, errlen, "%s: %s", argv[0], chan_attach_strerror(errno));
		fba_close(vol);
	}
	return d;
}
