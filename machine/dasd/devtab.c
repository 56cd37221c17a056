/*
 * devtab.c - the DASD geometry table: the one place device figures live.
 *
 * Figures from the IBM reference manuals as tabulated by Hercules' dasdtab.c (docs/cambridge-dasd.md,
 * image-formats reference section 1). trksize = round_up(5 + 8 + 8 + 8 + r1 + 8, 512).
 */
#include <string.h>

#include "machine/dasd/dasd.h"

#define CKD(n, t, b, c, a, h, l, r1, ts) \
	{ .name = n, .type = t, .fba = false, .devtyp = b, .cyls = c, .alt_cyls = a, .heads = h, \
	  .track_len = l, .r1_max = r1, .trksize = ts }
#define FBA(n, t, blk, grp, ap) \
	{ .name = n, .type = t, .fba = true, .blocks = blk, .blk_per_grp = grp, .blk_per_ap = ap }

static const struct dasd_geom geoms[] = {
	/*  name       type    byte  cyls  alt heads  len    r1     trksize */
	CKD("2311",    0x2311, 0x11,  200, 3, 10,  3625,  3625,  4096),
	CKD("2314",    0x2314, 0x14,  200, 3, 20,  7294,  7294,  7680),
	CKD("3330",    0x3330, 0x30,  404, 7, 19, 13165, 13030, 13312),
	CKD("3330-11", 0x3330, 0x30,  808, 7, 19, 13165, 13030, 13312),
	CKD("3340-35", 0x3340, 0x40,  348, 1, 12,  8535,  8368,  8704),
	CKD("3340-70", 0x3340, 0x40,  696, 2, 12,  8535,  8368,  8704),
	CKD("3350",    0x3350, 0x50,  555, 5, 30, 19254, 19069, 19456),
	CKD("3375",    0x3375, 0x75,  959, 3, 12, 36000, 35616, 35840),
	CKD("3380",    0x3380, 0x80,  885, 1, 15, 47968, 47476, 47616),
	CKD("3380-E",  0x3380, 0x80, 1770, 2, 15, 47968, 47476, 47616),
	CKD("3380-K",  0x3380, 0x80, 2655, 3, 15, 47968, 47476, 47616),
	CKD("3390-1",  0x3390, 0x90, 1113, 1, 15, 58786, 56664, 56832),
	CKD("3390-2",  0x3390, 0x90, 2226, 1, 15, 58786, 56664, 56832),
	CKD("3390-3",  0x3390, 0x90, 3339, 1, 15, 58786, 56664, 56832),
	CKD("3390-9",  0x3390, 0x90, 10017, 3, 15, 58786, 56664, 56832),
	/*  name       type    blocks   grp  ap */
	FBA("3310",    0x3310, 125664,  32, 352),
	FBA("3370",    0x3370, 558000,  62, 744),
	FBA("3370-2",  0x3370, 712752,  62, 744),
};

size_t dasd_geom_count(void)
{
	return sizeof geoms / sizeof geoms[0];
}

const struct dasd_geom *dasd_geom_at(size_t i)
{
	return i < dasd_geom_count() ? &geoms[i] : NULL;
}

const struct dasd_geom *dasd_geom_find(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < dasd_geom_count(); i++)
		if (!strcmp(geoms[i].name, name))
			return &geoms[i];
	/* A bare type names its first model: "3340" is the 3340-35, "3390" the 3390-1. */
	for (size_t i = 0; i < dasd_geom_count(); i++)
		if (!strncmp(geoms[i].name, name, n) && geoms[i].name[n] == '-')
			return &geoms[i];
	return NULL;
}

const struct dasd_geom *dasd_geom_ckd(uint8_t devtyp, uint32_t heads, uint32_t cyls)
{
	const struct dasd_geom *best = NULL;

	for (size_t i = 0; i < dasd_geom_count(); i++) {
		const struct dasd_geom *g = &geoms[i];

		if (g->fba || g->devtyp != devtyp || g->heads != heads)
			continue;
		best = g;
		if (cyls <= g->cyls + g->alt_cyls)
			break;
	}
	return best;
}
