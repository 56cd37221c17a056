/*
 * dev_2540r.c - the 2540 card reader (also standing for the 3505, 2501 and 1442 readers).
 *
 * Commands: read (xxxxxx10: 02, 42, 82, C2 - the stacker bits are ignored), 03 no-op / feed, 04
 * sense (1 byte). Each read transfers one 80-byte card.
 *
 * Two ways to load the hopper:
 *
 *   dev2540r_attach()  the deck is a host FILE the caller keeps: raw 80-byte EBCDIC records (a
 *                      short last record is blank-padded), or ASCII text lines (translated, cut or
 *                      blank-padded to 80). A read with no card left ends with unit exception.
 *   dev2540r_config()  a configuration statement "CUU 3505 file... [options]" (Hercules' card
 *                      reader): every file is read and turned into cards when the statement is
 *                      processed, so a missing file or a malformed deck is an error then, not a
 *                      unit check later. See the comment above dev2540r_config().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/ebcdic.h"
#include "machine/channel.h"

#define CARD 80

struct dev2540r {
	/* dev2540r_attach(): the caller's FILE. */
	FILE *deck;
	bool ascii;
	/* dev2540r_config(): the cards, made when the statement was processed. */
	uint8_t *cards;      /* ncards * CARD bytes */
	size_t ncards;
	size_t next;         /* the next card to read */
	size_t *file_end;    /* card index after each file but the last (without multifile) */
	size_t nfile_end, next_end;
	bool configured;
	bool end_seen;       /* the end of the last file was reported: the hopper is empty */
	bool eof_ux;         /* end of file: unit exception (eof), else intervention required */
	uint8_t sense;
};

/* The next card of a FILE deck into card; false at end of deck. */
static bool next_file_card(struct dev2540r *t, uint8_t card[CARD])
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

/* End of a file (or an empty hopper): unit exception or unit check, intervention required. */
static uint8_t end_of_file(struct dev2540r *t, bool ux, uint32_t *len)
{
	*len = 0;
	if (ux) {
		t->sense = 0;
		return UNIT_CE | UNIT_DE | UNIT_UX;
	}
	t->sense = SENSE_INTREQ;
	return UNIT_CE | UNIT_DE | UNIT_UC;
}

/* A read on a configured reader. */
static uint8_t read_configured(struct dev2540r *t, uint8_t *buf, uint32_t *len)
{
	if (t->end_seen)
		return end_of_file(t, false, len); /* nothing in the hopper: not ready */
	if (t->next_end < t->nfile_end && t->next == t->file_end[t->next_end]) {
		t->next_end++;
		return end_of_file(t, t->eof_ux, len);
	}
	if (t->next == t->ncards) {
		t->end_seen = true;
		return end_of_file(t, t->eof_ux, len);
	}
	const uint8_t *card = t->cards + t->next++ * CARD;
	memcpy(buf, card, *len < CARD ? *len : CARD);
	*len = CARD;
	t->sense = 0;
	return UNIT_CE | UNIT_DE;
}

static uint8_t dev2540r_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct dev2540r *t = chan_dev_priv(d);
	if ((cmd & 3) != 2)
		return chan_common_command(cmd, &t->sense, buf, len);
	if (t->configured)
		return read_configured(t, buf, len);
	uint8_t card[CARD];
	if (!next_file_card(t, card)) {
		*len = 0;
		return UNIT_CE | UNIT_DE | UNIT_UX;
	}
	memcpy(buf, card, *len < CARD ? *len : CARD);
	*len = CARD;
	t->sense = 0;
	return UNIT_CE | UNIT_DE;
}

static void dev2540r_free(void *priv)
{
	struct dev2540r *t = priv;
	free(t->cards);
	free(t->file_end);
	free(t);
}

static const struct dev_ops dev2540r_ops = {
	.type = "2540R",
	.execute = dev2540r_execute,
	.free = dev2540r_free,
};

static struct chan_dev *attach(struct machine *m, uint16_t addr, struct dev2540r *t)
{
	struct chan_dev *d = machine_attach_device(m, addr, &dev2540r_ops, t);
	if (!d) {
		int e = errno;
		dev2540r_free(t);
		errno = e;
	}
	return d;
}

struct chan_dev *dev2540r_attach(struct machine *m, uint16_t addr, FILE *deck, bool ascii)
{
	struct dev2540r *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->deck = deck;
	t->ascii = ascii;
	return attach(m, addr, t);
}

/* ------------------------------------------------------------------------------------------------
 * Configuration: building the deck from files.
 */

struct deck {
	uint8_t *cards;
	size_t ncards, cap;
};

static bool deck_add(struct deck *k, const uint8_t card[CARD])
{
	if (k->ncards == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 64;
		uint8_t *p = realloc(k->cards, cap * CARD);
		if (!p)
			return false;
		k->cards = p;
		k->cap = cap;
	}
	memcpy(k->cards + k->ncards++ * CARD, card, CARD);
	return true;
}

/* Hercules' test for a text deck: the first 160 bytes (up to an X'1A') are printable ASCII, tab,
 * carriage return or line feed. */
static bool looks_ascii(const uint8_t *data, size_t n)
{
	for (size_t i = 0; i < n && i < 160 && data[i] != 0x1A; i++)
		if ((data[i] < 0x20 || data[i] > 0x7F) && data[i] != '\r' && data[i] != '\n' &&
		    data[i] != '\t')
			return false;
	return true;
}

/* Text lines to cards: carriage returns dropped, tabs to the next multiple of 8, X'1A' ends the
 * file; a line longer than 80 is an error unless trunc. */
static bool ascii_cards(struct deck *k, const char *file, const uint8_t *data, size_t n, bool trunc,
			char *err, size_t errlen)
{
	size_t i = 0, line = 0;
	while (i < n && data[i] != 0x1A) {
		char text[CARD];
		size_t col = 0;
		bool long_line = false;
		line++;
		memset(text, ' ', CARD);
		for (; i < n && data[i] != '\n' && data[i] != 0x1A; i++) {
			if (data[i] == '\r')
				continue;
			if (data[i] == '\t') {
				do
					col++;
				while ((col & 7) && col < CARD);
				continue;
			}
			if (col >= CARD) {
				long_line = true;
				continue;
			}
			text[col++] = (char)data[i];
		}
		if (long_line && !trunc) {
			snprintf(err, errlen, "%s: line %zu is longer than 80 characters "
				 "(the trunc option cuts long lines)", file, line);
			return false;
		}
		if (i < n && data[i] == '\n')
			i++;
		uint8_t card[CARD];
		ascii_to_ebcdic_buf(card, text, CARD);
		if (!deck_add(k, card)) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			return false;
		}
	}
	return true;
}

/* 80-byte records to cards; a short last record is an error unless autopad (zeros). */
static bool ebcdic_cards(struct deck *k, const char *file, const uint8_t *data, size_t n,
			 bool autopad, char *err, size_t errlen)
{
	if (n % CARD && !autopad) {
		snprintf(err, errlen, "%s: %zu bytes is not a whole number of 80-byte cards "
			 "(the autopad option pads the last card)", file, n);
		return false;
	}
	for (size_t off = 0; off < n; off += CARD) {
		uint8_t card[CARD] = { 0 };
		memcpy(card, data + off, n - off < CARD ? n - off : CARD);
		if (!deck_add(k, card)) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			return false;
		}
	}
	return true;
}

static uint8_t *read_file(const char *file, size_t *n, char *err, size_t errlen)
{
	FILE *f = fopen(file, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			uint8_t *p = realloc(data, cap);
			if (!p) {
				snprintf(err, errlen, "%s: %s", file, strerror(ENOMEM));
				goto fail;
			}
			data = p;
		}
		size_t got = fread(data + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		goto fail;
	}
	fclose(f);
	*n = len;
	return data;
fail:
	fclose(f);
	free(data);
	return NULL;
}

/*
 * "CUU 3505 [file...] [options]", as Hercules' card readers: every argument that is not an option
 * names a file, read in order. Options (any case):
 *
 *   ascii      the files are text: one card per line (CR dropped, tabs to multiples of 8, X'1A'
 *              ends the file), translated to EBCDIC and blank-padded to 80
 *   ebcdic     the files are 80-byte EBCDIC records
 *              (neither: each file is text if its first 160 bytes look like text)
 *   trunc      text lines longer than 80 are cut (otherwise an error)
 *   autopad    a last EBCDIC record shorter than 80 is padded with zeros (otherwise an error)
 *   eof        at the end of a file, a read ends with unit exception
 *   intrq      ... with unit check, intervention required (the default)
 *   multifile  the files follow each other without an end-of-file between them
 *
 * After the end of the last file has been reported, and with no file at all, a read ends with
 * unit check, intervention required (the hopper is empty). sockdev is not supported.
 */
struct chan_dev *dev2540r_config(struct machine *m, uint16_t addr, const char *type, int argc,
				 char *const argv[], char *err, size_t errlen)
{
	bool ascii = false, ebcdic = false, trunc = false, autopad = false, multifile = false;
	bool eof_ux = false;
	int nfiles = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcasecmp(a, "ascii"))
			ascii = true;
		else if (!strcasecmp(a, "ebcdic"))
			ebcdic = true;
		else if (!strcasecmp(a, "trunc"))
			trunc = true;
		else if (!strcasecmp(a, "autopad"))
			autopad = true;
		else if (!strcasecmp(a, "eof"))
			eof_ux = true;
		else if (!strcasecmp(a, "intrq"))
			eof_ux = false;
		else if (!strcasecmp(a, "multifile"))
			multifile = true;
		else if (!strcasecmp(a, "sockdev")) {
			snprintf(err, errlen, "%s: socket readers (sockdev) are not supported", type);
			return NULL;
		} else
			nfiles++;
	}
	if (ascii && ebcdic) {
		snprintf(err, errlen, "%s: ascii and ebcdic exclude each other", type);
		return NULL;
	}

	struct dev2540r *t = calloc(1, sizeof *t);
	struct deck k = { 0 };
	if (!t || (nfiles > 1 && !(t->file_end = calloc((size_t)nfiles, sizeof *t->file_end)))) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		free(t);
		return NULL;
	}
	int seen = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcasecmp(a, "ascii") || !strcasecmp(a, "ebcdic") || !strcasecmp(a, "trunc") ||
		    !strcasecmp(a, "autopad") || !strcasecmp(a, "eof") || !strcasecmp(a, "intrq") ||
		    !strcasecmp(a, "multifile"))
			continue;
		size_t n;
		uint8_t *data = read_file(a, &n, err, errlen);
		if (!data)
			goto fail;
		bool text = ascii || (!ebcdic && looks_ascii(data, n));
		bool ok = text ? ascii_cards(&k, a, data, n, trunc, err, errlen)
			       : ebcdic_cards(&k, a, data, n, autopad, err, errlen);
		free(data);
		if (!ok)
			goto fail;
		if (++seen < nfiles && !multifile)
			t->file_end[t->nfile_end++] = k.ncards;
	}
	t->configured = true;
	t->cards = k.cards;
	t->ncards = k.ncards;
	t->eof_ux = eof_ux;
	t->end_seen = nfiles == 0;
	struct chan_dev *d = attach(m, addr, t);
	if (!d)
		snprintf(err, errlen, "%s", chan_attach_strerror(errno));
	return d;
fail:
	free(k.cards);
	dev2540r_free(t);
	return NULL;
}
