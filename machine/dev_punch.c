/*
 * dev_punch.c - the punch side of the 2540 card read punch (2821 control unit) and the 3525 card
 * punch, punching to a host file.
 *
 * Commands: write, feed and select stacker - 2540: 01 (P1), 41 (P2), 81 (RP3); 3525: 01 (stacker
 * 1), 41 (stacker 2) - punches one card; 03 no-op; 04 sense (1 byte); anything else is a command
 * reject. A card has 80 columns: a write of more than 80 bytes punches the first 80 and is an
 * incorrect length (suppressed by SLI); a shorter one leaves the other columns blank. The stacker
 * a card goes to does not show in the output.
 *
 * Output: each card as 80 EBCDIC bytes (blank columns X'40'), no separators - what the 2540
 * reader (dev_2540r.c) reads back raw - or, with ascii, as a text line: translated from EBCDIC
 * (code page 037) to ISO 8859-1, control codes as blanks, trailing blanks removed, ended by LF (CR
 * LF with crlf). The file is flushed after every card.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/ebcdic.h"
#include "machine/dev_tape.h"

#define CARD		80
#define SENSE_EQUIP	0x10

enum punch_model {
	PUNCH_2540,
	PUNCH_3525,
};

struct devpunch {
	enum punch_model model;
	FILE *out; /* NULL: not ready */
	bool own;  /* close out when freed */
	bool ascii;
	bool crlf;
	uint8_t sense;
};

static bool is_write(const struct devpunch *p, uint8_t cmd)
{
	return cmd == 0x01 || cmd == 0x41 || (cmd == 0x81 && p->model == PUNCH_2540);
}

/* Punch one card; false if the host file failed. */
static bool punch_card(struct devpunch *p, const uint8_t *data, uint32_t n)
{
	uint8_t card[CARD];
	memset(card, 0x40, sizeof card);
	memcpy(card, data, n);
	if (!p->ascii)
		return fwrite(card, 1, CARD, p->out) == CARD && fflush(p->out) == 0;
	char text[CARD + 2];
	size_t k = CARD;
	for (size_t i = 0; i < CARD; i++) {
		uint8_t c = ebcdic_to_latin1[card[i]];
		text[i] = (char)(c < 0x20 || (c >= 0x7F && c < 0xA0) ? ' ' : c);
	}
	while (k && text[k - 1] == ' ')
		k--;
	if (p->crlf)
		text[k++] = '\r';
	text[k++] = '\n';
	return fwrite(text, 1, k, p->out) == k && fflush(p->out) == 0;
}

static uint8_t punch_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct devpunch *p = chan_dev_priv(d);
	if (!is_write(p, cmd))
		return chan_common_command(cmd, &p->sense, buf, len); /* no-op, sense, reject */
	p->sense = 0;
	if (!p->out) {
		p->sense = SENSE_INTREQ;
		*len = 0;
		return UNIT_CE | UNIT_DE | UNIT_UC;
	}
	if (*len > CARD)
		*len = CARD;
	if (!punch_card(p, buf, *len)) {
		p->sense = SENSE_EQUIP;
		return UNIT_CE | UNIT_DE | UNIT_UC;
	}
	return UNIT_CE | UNIT_DE;
}

static void punch_reset(struct chan_dev *d)
{
	struct devpunch *p = chan_dev_priv(d);
	p->sense = 0;
}

static void punch_free(void *priv)
{
	struct devpunch *p = priv;
	if (p->out && p->own)
		fclose(p->out);
	free(p);
}

static const struct dev_ops dev2540p_ops = {
	.type = "2540P",
	.execute = punch_execute,
	.reset = punch_reset,
	.free = punch_free,
};

static const struct dev_ops dev3525_ops = {
	.type = "3525",
	.execute = punch_execute,
	.reset = punch_reset,
	.free = punch_free,
};

static struct chan_dev *punch_attach(struct machine *m, uint16_t addr, enum punch_model model,
				     FILE *out, bool ascii, bool crlf, bool own)
{
	struct devpunch *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->model = model;
	p->out = out;
	p->own = own;
	p->ascii = ascii;
	p->crlf = crlf;
	struct chan_dev *d = machine_attach_device(m, addr, model == PUNCH_3525 ? &dev3525_ops :
						   &dev2540p_ops, p);
	if (!d) {
		int e = errno;
		free(p);
		errno = e;
	}
	return d;
}

struct chan_dev *devpunch_attach(struct machine *m, uint16_t addr, FILE *out, bool ascii)
{
	return punch_attach(m, addr, PUNCH_2540, out, ascii, false, false);
}

/*
 * Configuration: "CUU 2540P FILE [options]" or "CUU 3525 FILE [options]". FILE is created, or
 * emptied if it exists. Options (case does not matter; the last of ascii/ebcdic wins): ebcdic
 * (80-byte records, the default), ascii (text lines), crlf (ascii lines end with CR LF), noclear
 * (append to FILE instead of emptying it).
 */
struct chan_dev *devpunch_config(struct machine *m, uint16_t addr, const char *type, int argc,
				 char *const argv[], char *err, size_t errlen)
{
	const char *path = argc > 0 ? argv[0] : "";
	enum punch_model model;
	if (!strcasecmp(type, "2540P")) {
		model = PUNCH_2540;
	} else if (!strcasecmp(type, "3525")) {
		model = PUNCH_3525;
	} else {
		snprintf(err, errlen, "%s: punch type %s is not supported (2540P, 3525)", path, type);
		return NULL;
	}
	if (argc < 1 || !*path) {
		snprintf(err, errlen, "%s punch %03X: no output file given", type, addr);
		return NULL;
	}
	bool ascii = false, crlf = false, append = false;
	for (int i = 1; i < argc; i++) {
		if (!strcasecmp(argv[i], "ascii")) {
			ascii = true;
		} else if (!strcasecmp(argv[i], "ebcdic")) {
			ascii = false;
		} else if (!strcasecmp(argv[i], "crlf")) {
			crlf = true;
		} else if (!strcasecmp(argv[i], "noclear")) {
			append = true;
		} else {
			snprintf(err, errlen, "%s: unknown option '%s'", path, argv[i]);
			return NULL;
		}
	}
	FILE *out = fopen(path, append ? "ab" : "wb");
	if (!out) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	struct chan_dev *d = punch_attach(m, addr, model, out, ascii, crlf, true);
	if (!d) {
		snprintf(err, errlen, "%s: device %03X: %s", path, addr, chan_attach_strerror(errno));
		fclose(out);
	}
	return d;
}
