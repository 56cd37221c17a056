/*
 * dev_printer.c - the 1403 printer (2821 control unit) and the 3211 printer (3811 control unit),
 * printing to a host text file.
 *
 * Commands (1403 Printer Component Description GA24-3073; 3211 has the same codes):
 *
 *	write, then:  01 no spacing   09 / 11 / 19 space 1 / 2 / 3 lines
 *	              89 91 99 A1 A9 B1 B9 C1 C9 D1 D9 E1   skip to channel 1 .. 12
 *	immediate:    0B / 13 / 1B space 1 / 2 / 3 lines
 *	              8B 93 9B A3 AB B3 BB C3 CB D3 DB E3   skip to channel 1 .. 12
 *	03 no-op      04 sense (1 byte)
 *	UCS (accepted, no effect): FB gate load, F3 load UCS buffer, 43 fold, 23 unfold,
 *	                           73 block data check, 7B allow data check
 *	3211 only:    63 load FCB (forms control buffer)
 *
 * A line is at most 132 print positions; a longer write prints the first 132 and is an incorrect
 * length (suppressed by SLI); a shorter one prints what it has.
 *
 * Forms. The printer keeps the line of the form it is on (1 = top) and a forms control image: the
 * channels punched at each line (the 1403's carriage tape, the 3211's FCB). The default image, for
 * both models, is a 66-line form with channel 1 at line 1, channels 2-8 every 6 lines (7, 13, 19,
 * 25, 31, 37, 43), channel 10 at 49, channel 11 at 55, channel 12 at 61 and channel 9 at 63. A
 * skip moves to the next line punched in the channel (wrapping to the next form; a skip to the
 * channel of the current line moves a whole form). A skip to a channel punched nowhere is a
 * command reject (a real printer would run away). Spacing onto a line punched in channel 9 or 12
 * ends the command with unit exception (carriage overflow), which ends command chaining.
 *
 * Load FCB (3211): one byte per line from line 1, at most 180; the low four bits are the
 * channel (0 none, 1-12), X'10' marks the last line of the form (else the last byte is); a first
 * byte with X'80' set is a print-position-indexing byte and is skipped. A channel code above 12
 * is a command reject. The form is then at line 1.
 *
 * Output file. Each line is translated from EBCDIC (code page 037) to ISO 8859-1, with control
 * codes printed as blanks and trailing blanks removed. Paper motion becomes line ends: spacing n
 * lines writes n line ends (LF, or CR LF with crlf); a skip that stays on the form writes one line
 * end per line moved; a skip that goes on to the next form ends the current line (if something is
 * printed on it), writes a form feed (FF) and then one line end per line down to the target. So a
 * skip to channel 1 gives a form feed and the next line starts right after it. Printing again on a
 * line not yet spaced from (after write without spacing) overprints: a CR, then the new text. A
 * line left without its line end gets one when the printer is freed. The file is flushed after
 * every command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/ebcdic.h"
#include "machine/dev_tape.h"

#define PRINT_POSITIONS	132
#define FCB_LINES	180 /* the 3211's FCB; the longest form here */
#define DEFAULT_FORM	66

#define SENSE_EQUIP	0x10

enum printer_command {
	PR_WRITE_NO_SPACE = 0x01,
	PR_NOP = 0x03,
	PR_SENSE = 0x04,
	PR_LOAD_FCB = 0x63,
	PR_UCS_UNFOLD = 0x23,
	PR_UCS_FOLD = 0x43,
	PR_BLOCK_DATA_CHECK = 0x73,
	PR_ALLOW_DATA_CHECK = 0x7B,
	PR_LOAD_UCS_BUFFER = 0xF3,
	PR_UCS_GATE_LOAD = 0xFB,
};

struct devprinter {
	/* ---- Fixed at attach. ---- */
	enum devprinter_model model;
	FILE *out;  /* NULL: not ready */
	bool own;   /* close out when freed */
	bool crlf;
	/* ---- The form. ---- */
	unsigned line;                   /* 1 .. form_len */
	unsigned form_len;
	uint16_t fcb[FCB_LINES + 1];     /* fcb[l]: bit c-1 set for each channel c punched at line l */
	bool pending;                    /* text printed on the current line, its line end not written */
	/* ---- Status. ---- */
	uint8_t sense;
	bool write_failed;               /* the host file failed during this command */
};

#define CHANNEL(c) ((uint16_t)(1u << ((c) - 1)))

static void default_fcb(struct devprinter *p)
{
	static const uint8_t line_of_channel[13] = { 0, 1, 7, 13, 19, 25, 31, 37, 43, 63, 49, 55, 61 };
	memset(p->fcb, 0, sizeof p->fcb);
	p->form_len = DEFAULT_FORM;
	for (unsigned c = 1; c <= 12; c++)
		p->fcb[line_of_channel[c]] |= CHANNEL(c);
	p->line = 1;
}

static void emit(struct devprinter *p, const char *s, size_t n)
{
	if (n && fwrite(s, 1, n, p->out) != n)
		p->write_failed = true;
}

static void line_end(struct devprinter *p)
{
	if (p->crlf)
		emit(p, "\r\n", 2);
	else
		emit(p, "\n", 1);
	p->pending = false;
}

/* Print a line of data: translate, blank the control codes, drop trailing blanks. */
static void print_line(struct devprinter *p, const uint8_t *data, uint32_t n)
{
	char text[PRINT_POSITIONS];
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = ebcdic_to_latin1[data[i]];
		text[i] = (char)(c < 0x20 || (c >= 0x7F && c < 0xA0) ? ' ' : c);
	}
	while (n && text[n - 1] == ' ')
		n--;
	if (!n)
		return;
	if (p->pending)
		emit(p, "\r", 1); /* overprint the line */
	emit(p, text, n);
	p->pending = true;
}

/* Space n lines; true if channel 9 or 12 was sensed on the way. */
static bool space_lines(struct devprinter *p, unsigned n)
{
	bool overflow = false;
	while (n--) {
		line_end(p);
		p->line = p->line % p->form_len + 1;
		if (p->fcb[p->line] & (CHANNEL(9) | CHANNEL(12)))
			overflow = true;
	}
	return overflow;
}

/* Skip to the next line punched in channel c; false if no line is. */
static bool skip_to_channel(struct devprinter *p, unsigned c)
{
	unsigned target = 0;
	for (unsigned k = 1; k <= p->form_len && !target; k++) {
		unsigned l = (p->line - 1 + k) % p->form_len + 1;
		if (p->fcb[l] & CHANNEL(c))
			target = l;
	}
	if (!target)
		return false;
	if (target > p->line) {
		while (p->line < target) {
			line_end(p);
			p->line++;
		}
		return true;
	}
	if (p->pending)
		line_end(p);
	emit(p, "\f", 1);
	for (p->line = 1; p->line < target; p->line++)
		line_end(p);
	return true;
}

/* Paper motion coded in bits 0-4 of a write or immediate command: 0 none, 1-3 space, X'11'-X'1C'
 * skip to channel 1-12. Returns the status bits it adds, or UNIT_UC after a command reject. */
static uint8_t carriage(struct devprinter *p, unsigned motion)
{
	if (motion == 0)
		return 0;
	if (motion <= 3)
		return space_lines(p, motion) ? UNIT_UX : 0;
	if (!skip_to_channel(p, motion - 0x10)) {
		p->sense = SENSE_CMDREJ;
		return UNIT_UC;
	}
	return 0;
}

static bool valid_motion(unsigned motion)
{
	return motion <= 3 || (motion >= 0x11 && motion <= 0x1C);
}

static uint8_t load_fcb(struct devprinter *p, const uint8_t *buf, uint32_t *len)
{
	uint32_t n = *len, i = 0;
	if (n && (buf[0] & 0x80))
		i = 1; /* print position indexing */
	if (n - i > FCB_LINES) {
		n = i + FCB_LINES;
		*len = n;
	}
	uint16_t fcb[FCB_LINES + 1] = { 0 };
	unsigned lines = 0;
	for (; i < n; i++) {
		unsigned ch = buf[i] & 0x0F;
		if (ch > 12) {
			p->sense = SENSE_CMDREJ;
			return UNIT_CE | UNIT_DE | UNIT_UC;
		}
		fcb[++lines] = ch ? CHANNEL(ch) : 0;
		if (buf[i] & 0x10)
			break;
	}
	if (!lines) {
		p->sense = SENSE_CMDREJ;
		return UNIT_CE | UNIT_DE | UNIT_UC;
	}
	memcpy(p->fcb, fcb, sizeof fcb);
	p->form_len = lines;
	p->line = 1;
	return UNIT_CE | UNIT_DE;
}

static uint8_t printer_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct devprinter *p = chan_dev_priv(d);
	unsigned motion = cmd >> 3;
	bool write = (cmd & 7) == 1 && valid_motion(motion);
	bool immediate = (cmd & 7) == 3 && valid_motion(motion) && cmd != PR_NOP;
	bool ucs = cmd == PR_UCS_UNFOLD || cmd == PR_UCS_FOLD || cmd == PR_BLOCK_DATA_CHECK ||
		   cmd == PR_ALLOW_DATA_CHECK || cmd == PR_LOAD_UCS_BUFFER || cmd == PR_UCS_GATE_LOAD;
	bool fcb = cmd == PR_LOAD_FCB && p->model == DEVPRINTER_3211;

	if (!write && !immediate && !ucs && !fcb)
		return chan_common_command(cmd, &p->sense, buf, len); /* no-op, sense, reject */
	p->sense = 0;
	if (!p->out) {
		p->sense = SENSE_INTREQ;
		*len = 0;
		return UNIT_CE | UNIT_DE | UNIT_UC;
	}
	uint8_t status = UNIT_CE | UNIT_DE;
	p->write_failed = false;
	if (write) {
		if (*len > PRINT_POSITIONS)
			*len = PRINT_POSITIONS;
		print_line(p, buf, *len);
		status |= carriage(p, motion);
	} else if (immediate) {
		status |= carriage(p, motion);
	} else if (fcb) {
		status = load_fcb(p, buf, len);
	}
	if (fflush(p->out) != 0 || p->write_failed) {
		p->sense = SENSE_EQUIP;
		status |= UNIT_UC;
	}
	if (status & UNIT_UC)
		status &= (uint8_t)~UNIT_UX;
	return status;
}

static void printer_reset(struct chan_dev *d)
{
	struct devprinter *p = chan_dev_priv(d);
	p->sense = 0;
}

static void printer_free(void *priv)
{
	struct devprinter *p = priv;
	if (p->out) {
		if (p->pending)
			line_end(p);
		if (p->own)
			fclose(p->out);
		else
			fflush(p->out);
	}
	free(p);
}

static const struct dev_ops dev1403_ops = {
	.type = "1403",
	.execute = printer_execute,
	.reset = printer_reset,
	.free = printer_free,
};

static const struct dev_ops dev3211_ops = {
	.type = "3211",
	.execute = printer_execute,
	.reset = printer_reset,
	.free = printer_free,
};

static struct chan_dev *printer_attach(struct machine *m, uint16_t addr, enum devprinter_model model,
				       FILE *out, bool crlf, bool own)
{
	struct devprinter *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->model = model;
	p->out = out;
	p->crlf = crlf;
	p->own = own;
	default_fcb(p);
	struct chan_dev *d = machine_attach_device(m, addr, model == DEVPRINTER_3211 ? &dev3211_ops :
						   &dev1403_ops, p);
	if (!d) {
		int e = errno;
		free(p);
		errno = e;
	}
	return d;
}

struct chan_dev *devprinter_attach(struct machine *m, uint16_t addr, enum devprinter_model model,
				   FILE *out, bool crlf)
{
	return printer_attach(m, addr, model, out, crlf, false);
}

/*
 * Configuration: "CUU 1403 FILE [options]" or "CUU 3211 FILE [options]". FILE is created, or
 * emptied if it exists. Options (case does not matter): crlf (end lines with CR LF), noclear
 * (append to FILE instead of emptying it). Print-to-pipe ("|command") is not supported.
 */
struct chan_dev *devprinter_config(struct machine *m, uint16_t addr, const char *type, int argc,
				   char *const argv[], char *err, size_t errlen)
{
	const char *path = argc > 0 ? argv[0] : "";
	enum devprinter_model model;
	if (!strcasecmp(type, "1403")) {
		model = DEVPRINTER_1403;
	} else if (!strcasecmp(type, "3211")) {
		model = DEVPRINTER_3211;
	} else {
		snprintf(err, errlen, "%s: printer type %s is not supported (1403, 3211)", path, type);
		return NULL;
	}
	if (argc < 1 || !*path) {
		snprintf(err, errlen, "%s printer %03X: no output file given", type, addr);
		return NULL;
	}
	if (path[0] == '|') {
		snprintf(err, errlen, "%s: print-to-pipe is not supported", path);
		return NULL;
	}
	bool crlf = false, append = false;
	for (int i = 1; i < argc; i++) {
		if (!strcasecmp(argv[i], "crlf")) {
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
	struct chan_dev *d = printer_attach(m, addr, model, out, crlf, true);
	if (!d) {
		snprintf(err, errlen, "%s: device %03X: %s", path, addr, chan_attach_strerror(errno));
		fclose(out);
	}
	return d;
}
