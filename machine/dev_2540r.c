/*
 * dev_2540r.c - the 2540 card reader (also standing for the 3505).
 *
 * Commands: read (xxxxxx10: 02, 42, 82, C2 - the stacker bits are ignored), 03 no-op / feed, 04
 * sense (1 byte). Each read transfers one 80-byte card. The deck is a host FILE of raw 80-byte
 * EBCDIC records, or of ASCII text lines (translated, cut or blank-padded to 80). A read with no
 * card left ends with unit exception and transfers nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ebcdic.h"
#include "machine/channel.h"

#define CARD 80

struct dev2540r {
	FILE *deck;
	bool ascii;
	uint8_t sense;
};

/* The next card into card; false at end of deck. */
static bool next_card(struct dev2540r *t, uint8_t card[CARD])
{
	if (!t->deck)
		return false;
	if (!t->ascii) {
		size_t n = fread(card, 1, CARD, t->deck);
		if (n == 0)
			return false;
		memset(card + n, 0x40, CARD - n);
		return true;
	}
	char line[CARD + 2];
	int ch, n = 0;
	while ((ch = fgetc(t->deck)) != EOF && ch != '\n')
		if (n < CARD && ch != '\r')
			line[n++] = (char)ch;
	if (ch == EOF && n == 0)
		return false;
	memset(line + n, ' ', (size_t)(CARD - n));
	ascii_to_ebcdic_buf(card, line, CARD);
	return true;
}

static uint8_t dev2540r_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct dev2540r *t = chan_dev_priv(d);
	if ((cmd & 3) == 2) {
		uint8_t card[CARD];
		if (!next_card(t, card)) {
			*len = 0;
			return UNIT_CE | UNIT_DE | UNIT_UX;
		}
		memcpy(buf, card, *len < CARD ? *len : CARD);
		*len = CARD;
		t->sense = 0;
		return UNIT_CE | UNIT_DE;
	}
	return chan_common_command(cmd, &t->sense, buf, len);
}

static const struct dev_ops dev2540r_ops = {
	.type = "2540R",
	.execute = dev2540r_execute,
	.free = free,
};

struct chan_dev *dev2540r_attach(struct machine *m, uint16_t addr, FILE *deck, bool ascii)
{
	struct dev2540r *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->deck = deck;
	t->ascii = ascii;
	struct chan_dev *d = machine_attach_device(m, addr, &dev2540r_ops, t);
	if (!d) {
		int e = errno;
		free(t);
		errno = e;
	}
	return d;
}
