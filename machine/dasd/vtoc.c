/*
 * vtoc.c - the IBM volume layout on cylinder 0 of a CKD volume: IPL records, VOL1 label and a minimal
 * VTOC; reading the label and listing the format-1 DSCBs.
 *
 * Layout written by dasd_ckd_init_volume() (IBM DFSMS "Using Data Sets"/VTOC manual for the formats):
 *
 *   cyl 0 head 0: R1 key "IPL1" data 24 (PSW X'00020000 00000000' = disabled wait, CCW NOP)
 *                 R2 key "IPL2" data 144 zeros
 *                 R3 key "VOL1" data 80: 0 "VOL1", 4 volser, 10 X'40', 11 VTOC CCHHR (0,1,1),
 *                    16-40 blanks, 41 owner "CAMBRIDGE ", 51-79 blanks (all EBCDIC)
 *   cyl 0 head 1: the VTOC, one track: R1 format-4 DSCB (key 44 x X'04'), R2 format-5 DSCB with no
 *                 extents; DS4VTOCI X'80' says the free-space DSCBs are not valid, so an OS rebuilds
 *                 them. No format-0 DSCBs are written (DS4DSREC = 0).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/be.h"
#include "lib/ebcdic.h"
#include "machine/dasd/dasd.h"

#define DSCB_KEY 44
#define DSCB_DATA 96

static void ebcdic_pad(uint8_t *out, const char *s, size_t n)
{
	size_t l = strlen(s);
	for (size_t i = 0; i < n; i++)
		out[i] = latin1_to_ebcdic[i < l ? (uint8_t)s[i] : ' '];
}

static void ascii_trim(char *out, const uint8_t *in, size_t n)
{
	ebcdic_to_ascii_buf(out, in, n);
	out[n] = 0;
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == 0))
		out[--n] = 0;
}

static bool volser_ok(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > 6)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '@' ||
		      v[i] == '#' || v[i] == '$'))
			return false;
	return true;
}

enum dasd_status dasd_ckd_init_volume(struct ckd *c, const char *volser)
{
	const struct dasd_geom *g = ckd_geom(c);
	uint32_t ts = ckd_trksize(c);
	uint8_t key[DSCB_KEY], ipl1[24] = {0}, ipl2[144] = {0}, vol1[80], dscb[DSCB_DATA], d[DSCB_KEY + DSCB_DATA];
	enum dasd_status s;

	if (!volser_ok(volser))
		return DASD_E_INVAL;
	if (ckd_heads(c) < 2)
		return DASD_E_INVAL;
	uint8_t *trk = malloc(ts);
	if (!trk)
		return DASD_E_NOMEM;

	/* Track 0: IPL1, IPL2, VOL1. */
	ckd_track_format(trk, ts, 0, 0);
	ipl1[1] = 0x02;				/* BC-mode PSW, wait bit */
	ipl1[8] = 0x03;				/* CCW: NOP, no chaining, count 1 */
	ipl1[15] = 1;
	ebcdic_pad(key, "IPL1", 4);
	s = ckd_track_append(trk, ts, 1, key, 4, ipl1, sizeof ipl1);
	ebcdic_pad(key, "IPL2", 4);
	if (s == DASD_OK)
		s = ckd_track_append(trk, ts, 2, key, 4, ipl2, sizeof ipl2);
	ebcdic_pad(vol1, "", sizeof vol1);
	ebcdic_pad(vol1, "VOL1", 4);
	ebcdic_pad(vol1 + 4, volser, 6);
	memset(vol1 + 11, 0, 5);
	put_be16(vol1 + 13, 1);			/* VTOC at CC 0 HH 1 R 1 */
	vol1[15] = 1;
	ebcdic_pad(vol1 + 41, "CAMBRIDGE", 10);
	ebcdic_pad(key, "VOL1", 4);
	if (s == DASD_OK)
		s = ckd_track_append(trk, ts, 3, key, 4, vol1, sizeof vol1);
	if (s == DASD_OK)
		s = ckd_write_track(c, 0, 0, trk, ts);

	/* Track 1: format-4 and format-5 DSCBs. */
	if (s == DASD_OK) {
		ckd_track_format(trk, ts, 0, 1);
		memset(d, 0, sizeof d);		/* d[n]: DSCB offset n, key 0-43, data 44-139 */
		memset(d, 0x04, DSCB_KEY);
		d[44] = 0xF4;			/* DS4IDFMT */
		put_be16(d + 47, 1);		/* DS4HPCHR = 0,1,1 */
		d[49] = 1;
		d[58] = 0x80;			/* DS4VTOCI: format-5 DSCBs not valid */
		d[59] = 1;			/* DS4NOEXT */
		put_be16(d + 62, ckd_cyls(c));	/* DS4DEVSZ */
		put_be16(d + 64, ckd_heads(c));
		put_be16(d + 66, g->track_len);	/* DS4DEVTK */
		d[105] = 0x01;			/* DS4VTOCE: type, seq, 0/1 .. 0/1 */
		put_be16(d + 109, 1);
		put_be16(d + 113, 1);
		s = ckd_track_append(trk, ts, 1, d, DSCB_KEY, d + DSCB_KEY, DSCB_DATA);
	}
	if (s == DASD_OK) {
		memset(key, 0, sizeof key);
		memset(key, 0x05, 4);		/* DS5KEYID */
		memset(dscb, 0, sizeof dscb);
		dscb[0] = 0xF5;			/* DS5FMTID */
		s = ckd_track_append(trk, ts, 2, key, DSCB_KEY, dscb, DSCB_DATA);
	}
	if (s == DASD_OK)
		s = ckd_write_track(c, 0, 1, trk, ts);
	free(trk);
	return s;
}

enum dasd_status dasd_ckd_read_label(struct ckd *c, struct dasd_label *l)
{
	uint8_t *trk = malloc(ckd_trksize(c));
	struct ckd_record r;
	enum dasd_status s;

	if (!trk)
		return DASD_E_NOMEM;
	s = ckd_read_track(c, 0, 0, trk);
	if (s == DASD_OK) {
		s = ckd_track_find(trk, ckd_trksize(c), 0, 0, 3, &r);
		if (s == DASD_E_NOT_FOUND || (s == DASD_OK && (r.dl < 80 ||
		    memcmp(r.data, "\xE5\xD6\xD3\xF1", 4))))
			s = DASD_E_NO_LABEL;
	}
	if (s == DASD_OK) {
		ascii_trim(l->volser, r.data + 4, 6);
		ascii_trim(l->owner, r.data + 41, 10);
		l->vtoc_cc = be16(r.data + 11);
		l->vtoc_hh = be16(r.data + 13);
		l->vtoc_r = r.data[15];
	}
	free(trk);
	return s;
}

enum dasd_status dasd_ckd_vtoc_walk(struct ckd *c, void (*fn)(void *arg, const char *dsname), void *arg,
				    unsigned *dscbs)
{
	struct dasd_label l;
	struct ckd_record r;
	uint32_t ts = ckd_trksize(c);
	enum dasd_status s = dasd_ckd_read_label(c, &l);
	uint8_t *trk;

	*dscbs = 0;
	if (s != DASD_OK)
		return s;
	if (!(trk = malloc(ts)))
		return DASD_E_NOMEM;
	s = ckd_read_track(c, l.vtoc_cc, l.vtoc_hh, trk);
	if (s == DASD_OK)
		s = ckd_track_find(trk, ts, l.vtoc_cc, l.vtoc_hh, l.vtoc_r, &r);
	if (s == DASD_OK && (r.kl != DSCB_KEY || r.dl != DSCB_DATA || r.data[0] != 0xF4))
		s = DASD_E_NOT_FOUND;
	if (s != DASD_OK) {
		free(trk);
		return s == DASD_E_RANGE ? DASD_E_NOT_FOUND : s;
	}
	/* DS4VTOCE at DSCB offset 105 = data offset 61: type, seq, lower CCHH, upper CCHH. */
	const uint8_t *e = r.data + 61;
	uint32_t lo = be16(e + 2) * ckd_heads(c) + be16(e + 4);
	uint32_t hi = be16(e + 6) * ckd_heads(c) + be16(e + 8);
	uint32_t total = ckd_cyls(c) * ckd_heads(c);
	if (hi < lo || hi >= total) {
		free(trk);
		return DASD_E_NOT_FOUND;
	}
	for (uint32_t t = lo; t <= hi && s == DASD_OK; t++) {
		size_t pos = 0;
		s = ckd_read_track(c, t / ckd_heads(c), t % ckd_heads(c), trk);
		while (s == DASD_OK && (s = ckd_track_next(trk, ts, &pos, &r)) == DASD_OK) {
			if (r.kl != DSCB_KEY || r.dl != DSCB_DATA)
				continue;
			(*dscbs)++;
			if (r.data[0] == 0xF1 && fn) {
				char name[DSCB_KEY + 1];
				ascii_trim(name, r.key, DSCB_KEY);
				fn(arg, name);
			}
		}
		if (s == DASD_E_END)
			s = DASD_OK;
	}
	free(trk);
	return s;
}
