/*
 * dev_ckd.c - CKD disks: 2311 and 2314 (their own controls), 3330, 3340 and 3350 (3830 storage
 * control), 3375 and 3380 (3880), over a CKD or compressed CKD image (machine/dasd/).
 *
 * Position. Like the drive, the device keeps its position between commands and between channel
 * programs: the track (cylinder, head) the access mechanism is on, and the orientation of the
 * head on the turning track - at the index point, after the home address, or after the count,
 * key or data area of one record:
 *
 *   index | HA | R0 count | R0 key | R0 data | R1 count | R1 key | R1 data | ... | (index)
 *
 * A seek leaves the head at the index point. Each command goes on from the orientation the last
 * one left: a search or read count examines the next count area; read data and write data after
 * a search (or read count) act on that record; read count, key and data (and read key and data
 * after anything but a count) act on the next record. The count operations pass R0 by, except
 * search ID, which sees it. Passing the index point goes round the same track again; the second
 * index point passed in a channel program without a read or write of a home address or data area
 * in between ends the command with no record found. The multitrack forms (command + X'80') go on
 * to the next head of the cylinder at the index point instead; past the last head that is end of
 * cylinder.
 *
 * Commands (X'80' in the code: multitrack form):
 *
 *   seek 07, seek cylinder 0B, seek head 1B   BBCCHH; recalibrate 13 (to 0/0); restore 17 (2311
 *                                             and 2314: as recalibrate; others: no operation)
 *   set file mask 1F                          1 byte; set sector 23 / read sector 22 (RPS devices)
 *   search HA equal 39/B9                     CCHH
 *   search ID equal, high, equal or high      31/B1, 51/D1, 71/F1: CCHHR
 *   search key equal, high, equal or high     29/A9, 49/C9, 69/E9
 *   read data 06/86, key and data 0E/8E, count key and data 1E/9E, count 12/92, R0 16/96, home
 *   address 1A/9A, IPL 02 (seek 0/0 and read the data of R1); space count 0F/8F
 *   write data 05, key and data 0D, count key and data 1D, R0 15, home address 19, erase 11
 *   no-op 03, sense 04, sense ID E4 (not on the 2311/2314), reserve B4, release 94,
 *   unconditional reserve 14 (these three accepted: one system per device here)
 *
 * A successful search ends with status modifier, so the channel skips the TIC after it. Search
 * arguments shorter than the field are compared as if padded with zeros; write data shorter than
 * the record is padded with zeros (the channel then reports incorrect length). Write count key
 * and data measures the track by the device's IBM capacity formula (a 3350 track holds 19 records
 * of 800 bytes): a record that does not fit is invalid track format. Write home address must name
 * the track itself (the image keeps no other home address and no flag byte). Set sector leaves
 * the head at the index point: the search that follows finds the same record, one turn later.
 *
 * Sequencing (else command reject): write data must follow a successful search ID equal or search
 * key equal; write key and data a search ID equal; write count key and data and erase one of
 * those, a write R0 or a write count key and data; write R0 a search HA equal or write home
 * address. The file mask (set file mask, once per channel program) is enforced: its write bits
 * (X'C0': 00 no write HA/R0, 01 no writes, 10 update writes only, 11 all) and seek bits (X'18': 00
 * all seeks, 01 seek cylinder and head, 10 seek head, 11 none and no head switching) end a
 * command that breaks it with unit check, file protected.
 *
 * Sense (24 bytes; 6 on the 2311 and 2314), as the 3330/3350/3380 manuals place them: byte 0
 * X'80' command reject, X'40' intervention required (never: the volume is always mounted), X'10'
 * equipment check, X'08' data check, X'01' seek check (a seek address beyond the volume); byte 1
 * X'80' permanent error, X'40' invalid track format (a record beyond the track's capacity), X'20'
 * end of cylinder, X'08' no record found, X'04' file protected, X'02' write inhibited. The other
 * bytes are zero. A read-only volume rejects writes with command reject and write inhibited on
 * devices that have a write-inhibit switch (3340, 3350, 3375, 3380), file protected on the others.
 * A track image the library finds malformed is a data check, a failing host read or write an
 * equipment check, both with permanent error.
 *
 * Writes. One track is kept in a buffer; the commands that change it mark it changed, and it is
 * written back to the image (ckd_write_track, one whole track) when the device moves to another
 * track and when the channel program ends - before its ending status is presented (dev_ops.end),
 * so a guest that has seen its write complete finds it in the image, and each track in the file
 * is always a whole old or new image. A failed write-back ends the program with unit check,
 * equipment check.
 *
 * Channel programs. The file mask, the previous command (for sequencing) and the index count last
 * one channel program: the channel calls devckd_program_start() (dev_ops.start) when one begins.
 *
 * Minidisks (devckd_attach_extent). The device is cylinders [first, first + ncyls) of a real volume
 * that it shares with other devices, perhaps of other machines on other host threads. The guest
 * sees a disk of ncyls cylinders whose cylinder 0 is real cylinder first, as VM/370 presents a
 * minidisk:
 *
 *   - Seek addresses are virtual: seek, seek cylinder, seek head, recalibrate and read IPL are
 *     relocated by first. A seek to a cylinder at or beyond ncyls (or a head beyond the last) ends
 *     with unit check, sense byte 0 X'01' seek check - what a real 3330/3350 gives for a seek
 *     address beyond its last cylinder, and what VM/370 reflects for a cylinder outside the
 *     minidisk (Operator's Guide GC20-1806, IBCDASDI: using cylinders beyond a minidisk "causes a
 *     Seek Check and the channel program abnormally terminates"). A non-zero BB is a command
 *     reject, as on any disk.
 *   - The home address is virtual too: the image keeps the real CCHH in each track's header (the
 *     library checks it), and read home address, search home address equal and write home address
 *     show and take the virtual one.
 *   - Count fields are never translated: the guest reads, searches and writes the bytes that are
 *     on the volume. VM/370 relocates only the seek: the records a guest formats on a minidisk
 *     carry the minidisk's own cylinder numbers ("a 10 cylinder minidisk ... the count fields of
 *     its records refer to cylinders 0-9", Operator's Guide, DDR REORDER), which is why CMS's
 *     DIAGNOSE X'18' chains give search ID equal a CCHHR relative to the minidisk. R0 of a track
 *     nobody has formatted since the volume was made keeps the real CCHH the volume got (the
 *     Planning Guide GC20-1801 warns that on a volume with minidisks the count fields of R0 and
 *     R1 "do not agree"): a guest that formats a fresh minidisk writes R0 (search HA equal, write
 *     R0) or finds it by position (read R0, read count), not by a search ID with its own CC.
 *   - The device does not own the volume (the caller keeps it open until every such device is
 *     gone), and keeps no track across channel programs: the buffer is written back when a
 *     program ends, as always, and forgotten when the next one starts, so a track another device
 *     wrote in between is read afresh. Track reads and writes are atomic per track (the image
 *     handle's lock, machine/dasd/ckd.c); two devices writing one track in the same moment is the
 *     guests' affair, as with shared DASD.
 *   - Sense ID, the capacity formulas and the model are the real volume's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/be.h"
#include "machine/dev_dasd.h"

/* Sense byte 0. */
#define S0_CMDREJ 0x80
#define S0_EQUIPCHK 0x10
#define S0_DATACHK 0x08
#define S0_SEEKCHK 0x01
/* Sense byte 1. */
#define S1_PERM 0x80
#define S1_ITF 0x40
#define S1_EOC 0x20
#define S1_NRF 0x08
#define S1_FP 0x04
#define S1_WRINH 0x02

/* File mask. */
#define MASK_WRITE 0xC0
#define MASK_WRITE_NO_HOME 0x00 /* all but write HA and write R0 */
#define MASK_WRITE_NONE 0x40
#define MASK_WRITE_UPDATE 0x80
#define MASK_WRITE_ALL 0xC0
#define MASK_SEEK 0x18
#define MASK_SEEK_ALL 0x00
#define MASK_SEEK_CYL 0x08 /* seek cylinder and seek head */
#define MASK_SEEK_HEAD 0x10
#define MASK_SEEK_NONE 0x18 /* and no multitrack head switching */
#define MASK_AUTH 0x06      /* access authorisation (3880) */
#define MASK_RESERVED 0x21

/* How records take up a track, from the IBM capacity formulas. */
enum capacity {
	CAP_2314, /* 2311, 2314: rec + (key) + (KL+DL)*num/den, the last record KL + DL (+ key) */
	CAP_3330, /* 3330, 3340, 3350: rec + DL + (key + KL) */
	CAP_3380, /* 3375, 3380: cells of f_cell bytes, rec + DL and key + KL rounded up to cells */
};

/* What a model adds to the geometry table: its control unit, sense, RPS and capacity formula. */
struct ckd_model {
	const char *name; /* the geometry entry (dasd_geom_find) */
	uint16_t cu_type;
	uint8_t cu_model, dev_model;
	uint8_t sense_len;
	uint8_t sectors;   /* RPS sectors per track; 0: no RPS (set/read sector rejected) */
	bool inhibit_sw;   /* has a write-inhibit switch */
	bool sense_id;     /* answers sense ID */
	enum capacity cap;
	uint16_t f_rec, f_key, f_num, f_den, f_cell;
};

static const struct ckd_model models[] = {
	/* name       CU      CUm  devm sense sect inh    sid    formula   rec  key  num   den   cell */
	{ "2311",    0x2841, 0x00, 0x00, 6,   0,   false, false, CAP_2314, 61,  20,  537,  512,  0 },
	{ "2314",    0x2314, 0x00, 0x00, 6,   0,   false, false, CAP_2314, 101, 45,  2137, 2048, 0 },
	{ "3330",    0x3830, 0x02, 0x01, 24,  128, false, true,  CAP_3330, 135, 56,  0,    0,    0 },
	{ "3330-11", 0x3830, 0x02, 0x11, 24,  128, false, true,  CAP_3330, 135, 56,  0,    0,    0 },
	{ "3340-35", 0x3830, 0x02, 0x01, 24,  64,  true,  true,  CAP_3330, 167, 75,  0,    0,    0 },
	{ "3340-70", 0x3830, 0x02, 0x02, 24,  64,  true,  true,  CAP_3330, 167, 75,  0,    0,    0 },
	{ "3350",    0x3830, 0x02, 0x00, 24,  128, true,  true,  CAP_3330, 185, 82,  0,    0,    0 },
	{ "3375",    0x3880, 0x05, 0x02, 24,  196, true,  true,  CAP_3380, 384, 160, 0,    0,    32 },
	{ "3380",    0x3880, 0x05, 0x02, 24,  222, true,  true,  CAP_3380, 492, 236, 0,    0,    32 },
	{ "3380-E",  0x3880, 0x05, 0x0A, 24,  222, true,  true,  CAP_3380, 492, 236, 0,    0,    32 },
	{ "3380-K",  0x3880, 0x05, 0x1E, 24,  222, true,  true,  CAP_3380, 492, 236, 0,    0,    32 },
};

enum orient { AT_INDEX, AFTER_HA, AFTER_COUNT, AFTER_KEY, AFTER_DATA };

/* The previous command, as far as sequencing cares. */
enum prev {
	PREV_OTHER,
	PREV_SEARCH_HA_EQ,  /* search HA equal, satisfied */
	PREV_SEARCH_ID_EQ,  /* search ID equal, satisfied */
	PREV_SEARCH_KEY_EQ, /* search key equal, satisfied */
	PREV_WRITE_HA,
	PREV_WRITE_R0,
	PREV_WRITE_CKD,
};

struct ckd_dev {
	/* ---- Set at attach. ---- */
	struct ckd *vol;
	const struct dasd_geom *g;
	const struct ckd_model *md;
	uint32_t cyls, heads, trksize; /* cyls: what the guest sees (a minidisk's ncyls) */
	uint32_t base;                 /* real cylinder of the guest's cylinder 0 */
	bool shared;                   /* a minidisk: vol is not the device's, other devices write it */
	bool readonly;
	/* ---- The track buffer: the image of (virtual) track (tcc, thh) when loaded. ---- */
	uint8_t *trk;
	bool loaded;
	bool changed; /* not yet written back */
	uint32_t tcc, thh;
	/* ---- Position: lasts across channel programs. ---- */
	uint32_t cc, hh;
	enum orient orient;
	size_t rec; /* AFTER_COUNT/KEY/DATA: offset of the record's count field in trk */
	/* ---- Per channel program. ---- */
	unsigned index_passes;
	uint8_t mask;
	bool mask_set;
	bool program_ended; /* the last command ended the program (unit check) */
	enum prev before;   /* the previous command */
	enum prev prev;     /* what this command will be to the next */
	uint8_t sense[DEVDASD_SENSE_LEN];
};

/* ------------------------------------------------------------------------------------------------
 * Status and sense.
 */

static uint8_t unit_check(struct ckd_dev *t, uint8_t s0, uint8_t s1, uint32_t *len)
{
	memset(t->sense, 0, sizeof t->sense);
	t->sense[0] = s0;
	t->sense[1] = s1;
	*len = 0;
	t->program_ended = true;
	return UNIT_CE | UNIT_DE | UNIT_UC;
}

static uint8_t cmd_reject(struct ckd_dev *t, uint32_t *len)
{
	return unit_check(t, S0_CMDREJ, 0, len);
}

static uint8_t file_protected(struct ckd_dev *t, uint32_t *len)
{
	return unit_check(t, 0, S1_FP, len);
}

/* A library failure: a malformed image is a data check, anything else an equipment check. The
 * track buffer and orientation are not to be trusted afterwards. */
static uint8_t image_error(struct ckd_dev *t, enum dasd_status s, uint32_t *len)
{
	bool bad = s == DASD_E_BAD_TRACK || s == DASD_E_BAD_COMPRESSION || s == DASD_E_TRUNCATED;
	t->loaded = false;
	t->orient = AT_INDEX;
	return unit_check(t, bad ? S0_DATACHK : S0_EQUIPCHK, S1_PERM, len);
}

/* ------------------------------------------------------------------------------------------------
 * Channel programs.
 */

static void program_begin(struct ckd_dev *t)
{
	if (t->shared && !t->changed)
		t->loaded = false; /* another device may have written it since */
	t->mask = 0;
	t->mask_set = false;
	t->index_passes = 0;
	t->before = t->prev = PREV_OTHER;
	t->program_ended = false;
}

void devckd_program_start(struct chan_dev *d)
{
	struct ckd_dev *t = chan_dev_priv(d);
	program_begin(t);
}

/* ------------------------------------------------------------------------------------------------
 * The track and the orientation.
 */

/* Make the buffer hold track (cc, hh). 0 or the status of a unit check. */
static uint8_t write_back(struct ckd_dev *t, uint32_t *len);

static uint8_t load(struct ckd_dev *t, uint32_t *len)
{
	if (t->loaded && t->tcc == t->cc && t->thh == t->hh)
		return 0;
	uint8_t st = write_back(t, len);
	if (st)
		return st;
	t->loaded = false;
	enum dasd_status s = ckd_read_track(t->vol, t->base + t->cc, t->hh, t->trk);
	if (s != DASD_OK)
		return image_error(t, s, len);
	t->loaded = true;
	t->tcc = t->cc;
	t->thh = t->hh;
	return 0;
}

/* The buffer has changed: it goes back to the image at the latest when the program ends. */
static uint8_t store(struct ckd_dev *t, uint32_t *len)
{
	(void)len;
	t->changed = true;
	return 0;
}

/* Write a changed buffer back to the image. 0, or the status of a unit check. */
static uint8_t write_back(struct ckd_dev *t, uint32_t *len)
{
	if (!t->changed)
		return 0;
	t->changed = false;
	enum dasd_status s = ckd_write_track(t->vol, t->base + t->tcc, t->thh, t->trk, t->trksize);
	if (s != DASD_OK)
		return image_error(t, s, len);
	return 0;
}

static uint8_t ckd_end(struct chan_dev *d)
{
	uint32_t len = 0;
	return write_back(chan_dev_priv(d), &len) & UNIT_UC;
}

/* The record whose count field is at off; *end: the offset just past its data. */
static bool record_at(const struct ckd_dev *t, size_t off, struct ckd_record *rec, size_t *end)
{
	size_t pos = off;
	if (ckd_track_next(t->trk, t->trksize, &pos, rec) != DASD_OK)
		return false;
	if (end)
		*end = pos;
	return true;
}

/* The current record (orientation AFTER_COUNT, KEY or DATA). */
static uint8_t current(struct ckd_dev *t, struct ckd_record *rec, uint32_t *len)
{
	uint8_t st = load(t, len);
	if (st)
		return st;
	if (!record_at(t, t->rec, rec, NULL))
		return image_error(t, DASD_E_BAD_TRACK, len);
	return 0;
}

/* The index point goes by. mt: switch to the next head of the cylinder. */
static uint8_t pass_index(struct ckd_dev *t, bool mt, uint32_t *len)
{
	t->orient = AT_INDEX;
	if (!mt) {
		if (++t->index_passes >= 2)
			return unit_check(t, 0, S1_NRF, len);
		return 0;
	}
	if ((t->mask & MASK_SEEK) == MASK_SEEK_NONE)
		return file_protected(t, len);
	if (t->hh + 1 >= t->heads)
		return unit_check(t, 0, S1_EOC, len);
	t->hh++;
	t->index_passes = 0;
	return 0;
}

/*
 * Turn to the next count area and past it: the orientation becomes AFTER_COUNT of that record.
 * skip_r0: the count operations other than search ID pass R0 by.
 */
static uint8_t next_count(struct ckd_dev *t, bool skip_r0, bool mt, struct ckd_record *rec, uint32_t *len)
{
	for (;;) {
		uint8_t st = load(t, len);
		if (st)
			return st;
		size_t pos = 0; /* from the index point or the home address: R0 comes next */
		if (t->orient != AT_INDEX && t->orient != AFTER_HA && !record_at(t, t->rec, rec, &pos))
			return image_error(t, DASD_E_BAD_TRACK, len);
		enum dasd_status s = ckd_track_next(t->trk, t->trksize, &pos, rec);
		if (s == DASD_E_END) {
			st = pass_index(t, mt, len);
			if (st)
				return st;
			continue;
		}
		if (s != DASD_OK)
			return image_error(t, s, len);
		t->orient = AFTER_COUNT;
		t->rec = rec->offset;
		if (!(skip_r0 && rec->offset == CKD_HA_SIZE))
			return 0;
	}
}

/* Turn to the home address and past it. */
static uint8_t to_home_address(struct ckd_dev *t, bool mt, uint32_t *len)
{
	if (t->orient != AT_INDEX) {
		uint8_t st = pass_index(t, mt, len);
		if (st)
			return st;
	}
	uint8_t st = load(t, len);
	if (st)
		return st;
	t->orient = AFTER_HA;
	return 0;
}

/* Turn to R0's count area and past it. */
static uint8_t to_r0(struct ckd_dev *t, bool mt, struct ckd_record *rec, uint32_t *len)
{
	for (;;) {
		uint8_t st = t->orient == AFTER_HA ? load(t, len) : to_home_address(t, mt, len);
		if (st)
			return st;
		size_t pos = 0;
		enum dasd_status s = ckd_track_next(t->trk, t->trksize, &pos, rec);
		if (s == DASD_OK) {
			t->orient = AFTER_COUNT;
			t->rec = rec->offset;
			return 0;
		}
		if (s != DASD_E_END)
			return image_error(t, s, len);
		t->orient = AFTER_DATA; /* a track with a home address only: round again */
		if ((st = pass_index(t, mt, len)))
			return st;
	}
}

/* ------------------------------------------------------------------------------------------------
 * Track capacity.
 */

static uint32_t round_up(uint32_t n, uint32_t unit)
{
	return (n + unit - 1) / unit * unit;
}

/* Track bytes a record takes. last: the last record on a 2311/2314 track (no gap after it). */
static uint32_t record_space(const struct ckd_model *md, uint32_t kl, uint32_t dl, bool last)
{
	switch (md->cap) {
	case CAP_2314:
		if (last)
			return (kl ? md->f_key + kl : 0) + dl;
		return md->f_rec + (kl ? md->f_key : 0) +
		       (uint32_t)(((uint64_t)(kl + dl) * md->f_num + md->f_den - 1) / md->f_den);
	case CAP_3330:
		return md->f_rec + dl + (kl ? md->f_key + kl : 0);
	case CAP_3380:
		return round_up(md->f_rec + dl, md->f_cell) + (kl ? round_up(md->f_key + kl, md->f_cell) : 0);
	}
	return UINT32_MAX;
}

/*
 * Track bytes the records up to and including the one at upto take (all records: upto 0), R0
 * counted only for what it has beyond the standard 8 data bytes. -1 on a malformed track.
 */
static int64_t track_used(const struct ckd_dev *t, size_t upto)
{
	struct ckd_record r;
	size_t pos = 0;
	int64_t used = 0;
	enum dasd_status s;
	while ((s = ckd_track_next(t->trk, t->trksize, &pos, &r)) == DASD_OK) {
		if (r.offset == CKD_HA_SIZE)
			used += r.kl + r.dl > 8 ? r.kl + r.dl - 8 : 0;
		else
			used += record_space(t->md, r.kl, r.dl, false);
		if (r.offset == upto)
			return used;
	}
	return s == DASD_E_END ? used : -1;
}

/* Would a record (kl, dl) fit on the track after the record at after (its data ends at end)? */
static bool fits_after(const struct ckd_dev *t, size_t after, size_t end, uint32_t kl, uint32_t dl)
{
	int64_t used = track_used(t, after);
	if (used < 0)
		return false;
	if (used + record_space(t->md, kl, dl, true) > t->g->track_len)
		return false;
	return end + CKD_COUNT_SIZE + kl + dl + CKD_COUNT_SIZE <= t->trksize;
}

/* ------------------------------------------------------------------------------------------------
 * Commands: positioning.
 */

/* Seek 07, seek cylinder 0B, seek head 1B: BBCCHH. */
static uint8_t seek(struct ckd_dev *t, uint8_t cmd, const uint8_t *buf, uint32_t *len)
{
	if (*len < 6)
		return cmd_reject(t, len);
	*len = 6;
	uint8_t allowed = cmd == 0x07 ? MASK_SEEK_ALL : cmd == 0x0B ? MASK_SEEK_CYL : MASK_SEEK_HEAD;
	if ((t->mask & MASK_SEEK) > allowed)
		return file_protected(t, len);
	uint32_t cc = be16(buf + 2), hh = be16(buf + 4);
	if (cmd == 0x1B)
		cc = t->cc;
	else if (be16(buf) != 0)
		return cmd_reject(t, len);
	if (cc >= t->cyls || hh >= t->heads)
		return unit_check(t, S0_SEEKCHK, 0, len);
	t->cc = cc;
	t->hh = hh;
	t->orient = AT_INDEX;
	t->index_passes = 0;
	return UNIT_CE | UNIT_DE;
}

/* Recalibrate 13 (and restore 17 on the 2311/2314): to cylinder 0 head 0. */
static uint8_t recalibrate(struct ckd_dev *t, uint32_t *len)
{
	if ((t->mask & MASK_SEEK) != MASK_SEEK_ALL)
		return file_protected(t, len);
	t->cc = t->hh = 0;
	t->orient = AT_INDEX;
	t->index_passes = 0;
	return UNIT_CE | UNIT_DE;
}

/* Set file mask 1F. */
static uint8_t set_file_mask(struct ckd_dev *t, const uint8_t *buf, uint32_t *len)
{
	if (*len < 1)
		return cmd_reject(t, len);
	*len = 1;
	uint8_t mask = buf[0];
	bool auth_ok = t->md->cu_type == 0x3880;
	if (t->mask_set || (mask & MASK_RESERVED) || (!auth_ok && (mask & MASK_AUTH)))
		return cmd_reject(t, len);
	t->mask = mask;
	t->mask_set = true;
	return UNIT_CE | UNIT_DE;
}

/* Set sector 23: the disk turns to the sector; here the search that follows starts at the index
 * point, which finds the same record. */
static uint8_t set_sector(struct ckd_dev *t, const uint8_t *buf, uint32_t *len)
{
	if (!t->md->sectors || *len < 1 || (buf[0] >= t->md->sectors && buf[0] != 0xFF))
		return cmd_reject(t, len);
	*len = 1;
	t->orient = AT_INDEX;
	return UNIT_CE | UNIT_DE;
}

/* Read sector 22: the sector of the current position, from the track bytes before it. */
static uint8_t read_sector(struct ckd_dev *t, uint8_t *buf, uint32_t *len)
{
	if (!t->md->sectors)
		return cmd_reject(t, len);
	uint8_t sector = 0;
	if (t->orient != AT_INDEX && t->orient != AFTER_HA) {
		uint8_t st = load(t, len);
		if (st)
			return st;
		int64_t used = track_used(t, t->rec);
		if (used > 0) {
			uint64_t s = (uint64_t)used * t->md->sectors / t->g->track_len;
			sector = s >= t->md->sectors ? t->md->sectors - 1 : (uint8_t)s;
		}
	}
	if (*len >= 1)
		buf[0] = sector;
	*len = 1;
	return UNIT_CE | UNIT_DE;
}

/* ------------------------------------------------------------------------------------------------
 * Commands: searches.
 */

/* The loaded track's home address as the guest sees it: flag byte, virtual CC, HH. */
static void home_address(const struct ckd_dev *t, uint8_t ha[CKD_HA_SIZE])
{
	ha[0] = t->trk[0];
	put_be16(ha + 1, (uint16_t)(be16(t->trk + 1) - t->base));
	memcpy(ha + 3, t->trk + 3, 2);
}

/* Compare field (n bytes) with the argument (arglen bytes, zero-padded). <0, 0, >0 as memcmp. */
static int compare(const uint8_t *field, size_t n, const uint8_t *arg, uint32_t arglen)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t a = i < arglen ? arg[i] : 0;
		if (field[i] != a)
			return field[i] < a ? -1 : 1;
	}
	return 0;
}

/* Search condition from bits 1-2 of the command: 0x20 equal, 0x40 high, 0x60 equal or high. */
static bool satisfied(uint8_t cmd, int cmp)
{
	switch (cmd & 0x60) {
	case 0x20:
		return cmp == 0;
	case 0x40:
		return cmp > 0;
	default:
		return cmp >= 0;
	}
}

static bool is_equal_search(uint8_t cmd)
{
	return (cmd & 0x60) == 0x20;
}

/* Search HA equal 39/B9. */
static uint8_t search_ha(struct ckd_dev *t, bool mt, const uint8_t *buf, uint32_t *len)
{
	uint32_t arglen = *len;
	uint8_t st = to_home_address(t, mt, len);
	if (st)
		return st;
	*len = 4;
	uint8_t ha[CKD_HA_SIZE];
	home_address(t, ha);
	if (compare(ha + 1, 4, buf, arglen) != 0)
		return UNIT_CE | UNIT_DE;
	t->prev = PREV_SEARCH_HA_EQ;
	return UNIT_CE | UNIT_DE | UNIT_SM;
}

/* Search ID equal/high/equal or high 31/51/71 (B1/D1/F1). */
static uint8_t search_id(struct ckd_dev *t, uint8_t cmd, const uint8_t *buf, uint32_t *len)
{
	uint32_t arglen = *len;
	struct ckd_record rec;
	uint8_t st = next_count(t, false, cmd & 0x80, &rec, len);
	if (st)
		return st;
	*len = 5;
	if (!satisfied(cmd, compare(t->trk + rec.offset, 5, buf, arglen)))
		return UNIT_CE | UNIT_DE;
	if (is_equal_search(cmd))
		t->prev = PREV_SEARCH_ID_EQ;
	return UNIT_CE | UNIT_DE | UNIT_SM;
}

/* Search key equal/high/equal or high 29/49/69 (A9/C9/E9): the key of the record whose count was
 * just passed, else of the next record. A record without a key is passed without a comparison. */
static uint8_t search_key(struct ckd_dev *t, uint8_t cmd, const uint8_t *buf, uint32_t *len)
{
	uint32_t arglen = *len;
	struct ckd_record rec;
	uint8_t st = t->orient == AFTER_COUNT ? current(t, &rec, len) : next_count(t, true, cmd & 0x80, &rec, len);
	if (st)
		return st;
	t->orient = AFTER_KEY;
	if (rec.kl == 0)
		return UNIT_CE | UNIT_DE;
	*len = rec.kl;
	if (!satisfied(cmd, compare(rec.key, rec.kl, buf, arglen)))
		return UNIT_CE | UNIT_DE;
	if (is_equal_search(cmd))
		t->prev = PREV_SEARCH_KEY_EQ;
	return UNIT_CE | UNIT_DE | UNIT_SM;
}

/* ------------------------------------------------------------------------------------------------
 * Commands: reads.
 */

/* Give the channel n bytes from src (it has room for *len). */
static uint8_t give(uint8_t *buf, uint32_t *len, const uint8_t *src, uint32_t n)
{
	memcpy(buf, src, *len < n ? *len : n);
	*len = n;
	return UNIT_CE | UNIT_DE;
}

/* The area read or written: the orientation is after the data, and the index count starts over. */
static void data_done(struct ckd_dev *t, const struct ckd_record *rec)
{
	t->orient = AFTER_DATA;
	t->rec = rec->offset;
	t->index_passes = 0;
}

/* Read data 06/86: the data of the record just searched or counted, else of the next one. */
static uint8_t read_data(struct ckd_dev *t, bool mt, uint8_t *buf, uint32_t *len)
{
	struct ckd_record rec;
	bool here = t->orient == AFTER_COUNT || t->orient == AFTER_KEY;
	uint8_t st = here ? current(t, &rec, len) : next_count(t, true, mt, &rec, len);
	if (st)
		return st;
	data_done(t, &rec);
	return give(buf, len, rec.data, rec.dl);
}

/* Read key and data 0E/8E. */
static uint8_t read_key_data(struct ckd_dev *t, bool mt, uint8_t *buf, uint32_t *len)
{
	struct ckd_record rec;
	uint8_t st = t->orient == AFTER_COUNT ? current(t, &rec, len) : next_count(t, true, mt, &rec, len);
	if (st)
		return st;
	data_done(t, &rec);
	return give(buf, len, t->trk + rec.offset + CKD_COUNT_SIZE, (uint32_t)rec.kl + rec.dl);
}

/* Read count key and data 1E/9E: the next record. */
static uint8_t read_ckd(struct ckd_dev *t, bool mt, uint8_t *buf, uint32_t *len)
{
	struct ckd_record rec;
	uint8_t st = next_count(t, true, mt, &rec, len);
	if (st)
		return st;
	data_done(t, &rec);
	return give(buf, len, t->trk + rec.offset, CKD_COUNT_SIZE + (uint32_t)rec.kl + rec.dl);
}

/* Read count 12/92: the next count area. */
static uint8_t read_count(struct ckd_dev *t, bool mt, uint8_t *buf, uint32_t *len)
{
	struct ckd_record rec;
	uint8_t st = next_count(t, true, mt, &rec, len);
	if (st)
		return st;
	return give(buf, len, t->trk + rec.offset, CKD_COUNT_SIZE);
}

/* Space count 0F/8F: 3 bytes (KL, DL) in; the head passes the next count area. */
static uint8_t space_count(struct ckd_dev *t, bool mt, uint32_t *len)
{
	if (*len < 3)
		return cmd_reject(t, len);
	struct ckd_record rec;
	uint8_t st = next_count(t, true, mt, &rec, len);
	if (st)
		return st;
	*len = 3;
	return UNIT_CE | UNIT_DE;
}

/* Read R0 16/96: count, key and data of R0. */
static uint8_t read_r0(struct ckd_dev *t, bool mt, uint8_t *buf, uint32_t *len)
{
	struct ckd_record rec;
	uint8_t st = to_r0(t, mt, &rec, len);
	if (st)
		return st;
	data_done(t, &rec);
	return give(buf, len, t->trk + rec.offset, CKD_COUNT_SIZE + (uint32_t)rec.kl + rec.dl);
}

/* Read home address 1A/9A: flag byte, CC, HH. */
static uint8_t read_ha(struct ckd_dev *t, bool mt, uint8_t *buf, uint32_t *len)
{
	uint8_t st = to_home_address(t, mt, len);
	if (st)
		return st;
	t->index_passes = 0;
	uint8_t ha[CKD_HA_SIZE];
	home_address(t, ha);
	return give(buf, len, ha, CKD_HA_SIZE);
}

/* Read IPL 02: seek cylinder 0 head 0, then read the data of R1. */
static uint8_t read_ipl(struct ckd_dev *t, uint8_t *buf, uint32_t *len)
{
	t->cc = t->hh = 0;
	t->orient = AT_INDEX;
	t->index_passes = 0;
	return read_data(t, false, buf, len);
}

/* ------------------------------------------------------------------------------------------------
 * Commands: writes.
 */

enum write_kind { WRITE_UPDATE, WRITE_FORMAT, WRITE_HOME };

/* May a write of this kind run: volume and file mask. */
static uint8_t write_allowed(struct ckd_dev *t, enum write_kind kind, uint32_t *len)
{
	if (t->readonly)
		return unit_check(t, S0_CMDREJ, t->md->inhibit_sw ? S1_WRINH : S1_FP, len);
	switch (t->mask & MASK_WRITE) {
	case MASK_WRITE_NONE:
		return file_protected(t, len);
	case MASK_WRITE_UPDATE:
		return kind == WRITE_UPDATE ? 0 : file_protected(t, len);
	case MASK_WRITE_NO_HOME:
		return kind == WRITE_HOME ? file_protected(t, len) : 0;
	default:
		return 0;
	}
}

/* Copy n bytes of the channel's data into dst, zero-padded past what the channel had. */
static void take(uint8_t *dst, const uint8_t *buf, uint32_t have, uint32_t from, uint32_t n)
{
	uint32_t got = have > from ? have - from : 0;
	if (got > n)
		got = n;
	memcpy(dst, buf + from, got);
	memset(dst + got, 0, n - got);
}

/* Write data 05 and write key and data 0D: in place, on the record found by the search. */
static uint8_t write_update(struct ckd_dev *t, bool key, const uint8_t *buf, uint32_t *len)
{
	uint8_t st = write_allowed(t, WRITE_UPDATE, len);
	if (st)
		return st;
	if (!(t->before == PREV_SEARCH_ID_EQ || (!key && t->before == PREV_SEARCH_KEY_EQ)))
		return cmd_reject(t, len);
	struct ckd_record rec;
	if ((st = current(t, &rec, len)))
		return st;
	uint32_t have = *len;
	uint8_t *area = t->trk + rec.offset + CKD_COUNT_SIZE + (key ? 0 : rec.kl);
	uint32_t n = (key ? rec.kl : 0) + (uint32_t)rec.dl;
	take(area, buf, have, 0, n);
	if ((st = store(t, len)))
		return st;
	data_done(t, &rec);
	*len = n;
	return UNIT_CE | UNIT_DE;
}

/* Append the record in buf (count, key, data; have bytes of it) at offset at, end marker after. */
static void put_record(struct ckd_dev *t, size_t at, const uint8_t *buf, uint32_t have, uint32_t kl,
		       uint32_t dl)
{
	take(t->trk + at, buf, have, 0, CKD_COUNT_SIZE + kl + dl);
	memset(t->trk + at + CKD_COUNT_SIZE + kl + dl, 0xFF, CKD_COUNT_SIZE);
}

/* Write count key and data 1D and erase 11: after the record the head is on, the rest of the
 * track erased. */
static uint8_t write_ckd(struct ckd_dev *t, bool erase, const uint8_t *buf, uint32_t *len)
{
	uint8_t st = write_allowed(t, WRITE_FORMAT, len);
	if (st)
		return st;
	if (t->before != PREV_SEARCH_ID_EQ && t->before != PREV_SEARCH_KEY_EQ && t->before != PREV_WRITE_R0 &&
	    t->before != PREV_WRITE_CKD)
		return cmd_reject(t, len);
	if (*len < CKD_COUNT_SIZE)
		return cmd_reject(t, len);
	struct ckd_record rec;
	if ((st = current(t, &rec, len)))
		return st;
	uint32_t have = *len, kl = buf[5], dl = be16(buf + 6);
	size_t end = rec.offset + CKD_COUNT_SIZE + rec.kl + rec.dl;
	if (!erase && !fits_after(t, rec.offset, end, kl, dl))
		return unit_check(t, 0, S1_ITF, len);
	enum dasd_status s = ckd_track_erase_after(t->trk, t->trksize, &rec);
	if (s != DASD_OK)
		return image_error(t, s, len);
	if (!erase)
		put_record(t, end, buf, have, kl, dl);
	if ((st = store(t, len)))
		return st;
	if (erase) {
		data_done(t, &rec);
	} else {
		struct ckd_record added;
		record_at(t, end, &added, NULL);
		data_done(t, &added);
		t->prev = PREV_WRITE_CKD;
	}
	*len = CKD_COUNT_SIZE + kl + dl;
	return UNIT_CE | UNIT_DE;
}

/* Write R0 15: R0 after the home address, the rest of the track erased. */
static uint8_t write_r0(struct ckd_dev *t, const uint8_t *buf, uint32_t *len)
{
	uint8_t st = write_allowed(t, WRITE_HOME, len);
	if (st)
		return st;
	if ((t->before != PREV_SEARCH_HA_EQ && t->before != PREV_WRITE_HA) || *len < CKD_COUNT_SIZE)
		return cmd_reject(t, len);
	if ((st = load(t, len)))
		return st;
	uint32_t have = *len, kl = buf[5], dl = be16(buf + 6);
	if (CKD_HA_SIZE + CKD_COUNT_SIZE + kl + dl + CKD_COUNT_SIZE > t->trksize ||
	    (kl + dl > 8 && kl + dl - 8 > t->g->track_len))
		return unit_check(t, 0, S1_ITF, len);
	enum dasd_status s = ckd_track_erase_after(t->trk, t->trksize, NULL);
	if (s != DASD_OK)
		return image_error(t, s, len);
	put_record(t, CKD_HA_SIZE, buf, have, kl, dl);
	if ((st = store(t, len)))
		return st;
	struct ckd_record rec;
	record_at(t, CKD_HA_SIZE, &rec, NULL);
	data_done(t, &rec);
	t->prev = PREV_WRITE_R0;
	*len = CKD_COUNT_SIZE + kl + dl;
	return UNIT_CE | UNIT_DE;
}

/* Write home address 19: flag byte, CC, HH; the whole track is erased. The image keeps no flag
 * byte and no home address other than the track's own: any other CCHH is rejected. */
static uint8_t write_ha(struct ckd_dev *t, const uint8_t *buf, uint32_t *len)
{
	uint8_t st = write_allowed(t, WRITE_HOME, len);
	if (st)
		return st;
	if (*len < CKD_HA_SIZE || be16(buf + 1) != t->cc || be16(buf + 3) != t->hh)
		return cmd_reject(t, len);
	if ((st = load(t, len)))
		return st;
	enum dasd_status s = ckd_track_erase_after(t->trk, t->trksize, NULL);
	if (s != DASD_OK)
		return image_error(t, s, len);
	if ((st = store(t, len)))
		return st;
	t->orient = AFTER_HA;
	t->index_passes = 0;
	t->prev = PREV_WRITE_HA;
	*len = CKD_HA_SIZE;
	return UNIT_CE | UNIT_DE;
}

/* ------------------------------------------------------------------------------------------------
 * Commands: sense.
 */

static uint8_t sense(struct ckd_dev *t, uint8_t *buf, uint32_t *len)
{
	uint8_t unit = give(buf, len, t->sense, t->md->sense_len);
	memset(t->sense, 0, sizeof t->sense);
	return unit;
}

/* Sense ID E4: FF, control unit type and model, device type and model. */
static uint8_t sense_id(struct ckd_dev *t, uint8_t *buf, uint32_t *len)
{
	if (!t->md->sense_id)
		return cmd_reject(t, len);
	uint8_t id[7] = { 0xFF };
	put_be16(id + 1, t->md->cu_type);
	id[3] = t->md->cu_model;
	put_be16(id + 4, t->g->type);
	id[6] = t->md->dev_model;
	return give(buf, len, id, sizeof id);
}

static bool is_sense(uint8_t cmd)
{
	return cmd == 0x04 || cmd == 0x14 || cmd == 0x94 || cmd == 0xB4 || cmd == 0xE4;
}

/* ------------------------------------------------------------------------------------------------
 * The device.
 */

static uint8_t dispatch(struct ckd_dev *t, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	bool mt = cmd & 0x80;
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
	case 0x07:
	case 0x0B:
	case 0x1B:
		return seek(t, cmd, buf, len);
	case 0x13:
		return recalibrate(t, len);
	case 0x17:
		return t->md->cap == CAP_2314 ? recalibrate(t, len) : UNIT_CE | UNIT_DE;
	case 0x1F:
		return set_file_mask(t, buf, len);
	case 0x23:
		return set_sector(t, buf, len);
	case 0x22:
		return read_sector(t, buf, len);
	case 0x39:
	case 0xB9:
		return search_ha(t, mt, buf, len);
	case 0x31:
	case 0x51:
	case 0x71:
	case 0xB1:
	case 0xD1:
	case 0xF1:
		return search_id(t, cmd, buf, len);
	case 0x29:
	case 0x49:
	case 0x69:
	case 0xA9:
	case 0xC9:
	case 0xE9:
		return search_key(t, cmd, buf, len);
	case 0x06:
	case 0x86:
		return read_data(t, mt, buf, len);
	case 0x0E:
	case 0x8E:
		return read_key_data(t, mt, buf, len);
	case 0x1E:
	case 0x9E:
		return read_ckd(t, mt, buf, len);
	case 0x12:
	case 0x92:
		return read_count(t, mt, buf, len);
	case 0x0F:
	case 0x8F:
		return space_count(t, mt, len);
	case 0x16:
	case 0x96:
		return read_r0(t, mt, buf, len);
	case 0x1A:
	case 0x9A:
		return read_ha(t, mt, buf, len);
	case 0x02:
		return read_ipl(t, buf, len);
	case 0x05:
		return write_update(t, false, buf, len);
	case 0x0D:
		return write_update(t, true, buf, len);
	case 0x1D:
		return write_ckd(t, false, buf, len);
	case 0x11:
		return write_ckd(t, true, buf, len);
	case 0x15:
		return write_r0(t, buf, len);
	case 0x19:
		return write_ha(t, buf, len);
	default:
		return cmd_reject(t, len);
	}
}

static uint8_t ckd_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct ckd_dev *t = chan_dev_priv(d);
	if (t->program_ended)
		program_begin(t);
	if (!is_sense(cmd))
		memset(t->sense, 0, sizeof t->sense);
	t->before = t->prev;
	t->prev = PREV_OTHER;
	return dispatch(t, cmd, buf, len);
}

static void ckd_reset(struct chan_dev *d)
{
	struct ckd_dev *t = chan_dev_priv(d);
	uint32_t len = 0;
	(void)write_back(t, &len);
	program_begin(t);
	t->orient = AT_INDEX;
	memset(t->sense, 0, sizeof t->sense);
}

static void ckd_free(void *priv)
{
	struct ckd_dev *t = priv;
	uint32_t len = 0;
	(void)write_back(t, &len);
	if (!t->shared)
		ckd_close(t->vol);
	free(t->trk);
	free(t);
}

static const struct dev_ops ckd_ops = {
	.type = "CKD",
	.execute = ckd_execute,
	.start = devckd_program_start,
	.end = ckd_end,
	.reset = ckd_reset,
	.free = ckd_free,
};

static const struct ckd_model *find_model(const struct dasd_geom *g)
{
	for (size_t i = 0; g && i < sizeof models / sizeof models[0]; i++)
		if (!strcmp(models[i].name, g->name))
			return &models[i];
	return NULL;
}

static struct chan_dev *attach(struct machine *m, uint16_t addr, struct ckd *vol, bool readonly, bool shared,
			       uint32_t first_cyl, uint32_t ncyls)
{
	const struct dasd_geom *g = vol ? ckd_geom(vol) : NULL;
	const struct ckd_model *md = find_model(g);
	if (!md) {
		errno = EINVAL;
		return NULL;
	}
	if (shared && (ncyls == 0 || first_cyl >= ckd_cyls(vol) || ncyls > ckd_cyls(vol) - first_cyl)) {
		errno = EINVAL;
		return NULL;
	}
	struct ckd_dev *t = calloc(1, sizeof *t);
	uint8_t *trk = calloc(1, ckd_trksize(vol));
	if (!t || !trk) {
		free(t);
		free(trk);
		errno = ENOMEM;
		return NULL;
	}
	t->vol = vol;
	t->g = g;
	t->md = md;
	t->cyls = shared ? ncyls : ckd_cyls(vol);
	t->base = shared ? first_cyl : 0;
	t->shared = shared;
	t->heads = ckd_heads(vol);
	t->trksize = ckd_trksize(vol);
	t->readonly = readonly;
	t->trk = trk;
	struct chan_dev *d = machine_attach_device(m, addr, &ckd_ops, t);
	if (!d) {
		int e = errno;
		free(trk);
		free(t);
		errno = e;
	}
	return d;
}

struct chan_dev *devckd_attach(struct machine *m, uint16_t addr, struct ckd *vol, bool readonly)
{
	return attach(m, addr, vol, readonly, false, 0, 0);
}

struct chan_dev *devckd_attach_extent(struct machine *m, uint16_t addr, struct ckd *vol, bool readonly,
				      uint32_t first_cyl, uint32_t ncyls)
{
	return attach(m, addr, vol, readonly, true, first_cyl, ncyls);
}

/* ------------------------------------------------------------------------------------------------
 * Configuration statements, shared with dev_fba.c.
 */

enum devdasd_opt devdasd_option(const char *arg)
{
	static const char *const ignored[] = {
		"lazywrite", "nolazywrite", "fulltrackio", "fulltrkio", "ftio", "nofulltrackio",
		"syncio", "syncios", "nosyncio", "nosyncios",
	};
	if (!strcasecmp(arg, "ro") || !strcasecmp(arg, "readonly") || !strcasecmp(arg, "rdonly"))
		return DEVDASD_OPT_RO;
	if (!strncasecmp(arg, "sf=", 3))
		return DEVDASD_OPT_SHADOW;
	if (!strncasecmp(arg, "cu=", 3) || !strncasecmp(arg, "ser=", 4))
		return DEVDASD_OPT_IGNORED;
	for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		if (!strcasecmp(arg, ignored[i]))
			return DEVDASD_OPT_IGNORED;
	return DEVDASD_OPT_UNKNOWN;
}

void devdasd_error(char *err, size_t errlen, const char *file, enum dasd_status s, const struct dasd_where *w,
		   bool readonly)
{
	const char *name = w && w->file[0] ? w->file : file;
	int e = w ? w->err : 0;
	switch (s) {
	case DASD_E_IO:
		snprintf(err, errlen, "%s: %s: %s%s", name, dasd_status_str(s), strerror(e ? e : EIO),
			 !readonly && (e == EACCES || e == EROFS) ? " (the ro option opens it read-only)" : "");
		break;
	case DASD_E_SHORT_HEADER:
	case DASD_E_BAD_HEADER:
	case DASD_E_TRUNCATED:
	case DASD_E_BAD_TRACK:
	case DASD_E_BAD_COMPRESSION:
		if (w) {
			snprintf(err, errlen, "%s: %s (at offset %llu)", name, dasd_status_str(s),
				 (unsigned long long)w->offset);
			break;
		}
		/* fall through */
	default:
		snprintf(err, errlen, "%s: %s", name, dasd_status_str(s));
		break;
	}
}

/* Parse the options after the file name; false with the message in err. */
bool devdasd_options(const char *type, int argc, char *const argv[], int first, bool *readonly, char *err,
		     size_t errlen)
{
	for (int i = first; i < argc; i++) {
		switch (devdasd_option(argv[i])) {
		case DEVDASD_OPT_RO:
			*readonly = true;
			break;
		case DEVDASD_OPT_IGNORED:
			break;
		case DEVDASD_OPT_SHADOW:
			snprintf(err, errlen, "%s %s: shadow files (%s) are not supported yet", type, argv[0], argv[i]);
			return false;
		case DEVDASD_OPT_UNKNOWN:
			snprintf(err, errlen, "%s %s: unknown option '%s'", type, argv[0], argv[i]);
			return false;
		}
	}
	return true;
}

/*
 * "CUU TYPE file [options]" for the CKD types. The type must be the image's device type; the
 * model (3330 or 3330-11, 3380 or 3380-E ...) follows from the image's cylinders.
 *
 * sf=NAME (CKD only; the last one counts) opens the image as the read-only base of the shadow
 * files NAME names (ckd_open_shadow(), dasd.h): the guest's writes go to the newest shadow, made if
 * there is none. As in Hercules, ro then only says the base is read-only, which it always is.
 */
struct chan_dev *devckd_config(struct machine *m, uint16_t addr, const char *type, int argc,
			       char *const argv[], char *err, size_t errlen)
{
	const struct dasd_geom *want = dasd_geom_find(type);
	if (!want || want->fba || !find_model(want)) {
		snprintf(err, errlen, "%s: not a CKD device type this machine has (2311, 2314, 3330, 3340, 3350, "
			 "3375, 3380)", type);
		return NULL;
	}
	if (argc < 1) {
		snprintf(err, errlen, "%s: the image file name is missing", type);
		return NULL;
	}
	bool readonly = false;
	const char *sf = NULL;
	char **opts = malloc(sizeof *opts * (size_t)argc);
	int nopts = 0;
	if (!opts) {
		snprintf(err, errlen, "%s %s: out of memory", type, argv[0]);
		return NULL;
	}
	for (int i = 0; i < argc; i++) {
		if (i > 0 && devdasd_option(argv[i]) == DEVDASD_OPT_SHADOW)
			sf = argv[i] + 3;	/* the others are shared with FBA */
		else
			opts[nopts++] = argv[i];
	}
	bool ok = devdasd_options(type, nopts, opts, 1, &readonly, err, errlen);
	free(opts);
	if (!ok)
		return NULL;
	if (sf && !*sf) {
		snprintf(err, errlen, "%s %s: sf= needs a shadow file name", type, argv[0]);
		return NULL;
	}
	if (sf)
		readonly = false;
	struct ckd *vol;
	struct dasd_where w;
	memset(&w, 0, sizeof w);
	enum dasd_status s = sf ? ckd_open_shadow(argv[0], sf, false, &vol, &w)
				: ckd_open(argv[0], readonly, &vol, &w);
	if (s == DASD_E_BAD_SHADOW) {
		snprintf(err, errlen, "%s: %s (at offset %llu)", w.file, dasd_status_str(s),
			 (unsigned long long)w.offset);
		return NULL;
	}
	if (s != DASD_OK) {
		devdasd_error(err, errlen, argv[0], s, &w, readonly);
		return NULL;
	}
	const struct dasd_geom *g = ckd_geom(vol);
	if (g->type != want->type) {
		snprintf(err, errlen, "%s: the image is a %s volume, not a %s", argv[0], g->name, type);
		ckd_close(vol);
		return NULL;
	}
	if (!find_model(g)) {
		snprintf(err, errlen, "%s: %s volumes are not supported", argv[0], g->name);
		ckd_close(vol);
		return NULL;
	}
	struct chan_dev *d = devckd_attach(m, addr, vol, readonly);
	if (!d) {
		snprintf(err, errlen, "%s: %s", argv[0], chan_attach_strerror(errno));
		ckd_close(vol);
	}
	return d;
}
