/*
 * shadow_relabel.c - a helper of tests/dasd/hercules.sh, not a test: open BASE with the shadow
 * files SF read/write (creating shadow 1 if there is none), write cylinder 0 anew with VOLSER
 * (dasd_ckd_init_volume) and heads 0-2 of cylinder 1 with three 2000-byte records each, so that
 * Hercules can be asked to read what we wrote into a shadow.
 *
 *   shadow_relabel BASE SF VOLSER
 */
#include <stdio.h>
#include <stdlib.h>

#include "machine/dasd/dasd.h"

int main(int argc, char **argv)
{
	struct dasd_where w = {.file = "", .offset = 0, .err = 0};
	struct ckd *c;

	if (argc != 4) {
		fputs("usage: shadow_relabel BASE SF VOLSER\n", stderr);
		return 2;
	}
	enum dasd_status s = ckd_open_shadow(argv[1], argv[2], false, &c, &w);
	if (s != DASD_OK) {
		fprintf(stderr, "shadow_relabel: %s: %s at %llu\n", w.file, dasd_status_str(s),
			(unsigned long long)w.offset);
		return 1;
	}
	s = dasd_ckd_init_volume(c, argv[3]);
	uint8_t *trk = malloc(ckd_trksize(c)), data[2000];
	for (uint32_t hh = 0; hh < 3 && s == DASD_OK && trk; hh++) {
		ckd_track_format(trk, ckd_trksize(c), 1, (uint16_t)hh);
		for (uint8_t r = 1; r <= 3 && s == DASD_OK; r++) {
			for (size_t i = 0; i < sizeof data; i++)
				data[i] = (uint8_t)(hh * 16 + r + i / 100);
			s = ckd_track_append(trk, ckd_trksize(c), r, NULL, 0, data, sizeof data);
		}
		if (s == DASD_OK)
			s = ckd_write_track(c, 1, hh, trk, ckd_trksize(c));
	}
	free(trk);
	if (s != DASD_OK)
		fprintf(stderr, "shadow_relabel: %s: %s\n", ckd_where(c)->file, dasd_status_str(s));
	enum dasd_status cs = ckd_close(c);
	return s == DASD_OK && cs == DASD_OK ? 0 : 1;
}
