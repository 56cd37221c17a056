/*
 * dev_3215.c - the 3215 console printer-keyboard in line mode.
 *
 * Commands: 01 write, 09 write with carriage return (a new line after the data), 0A read inquiry,
 * 03 no-op, 0B audible alarm (a no-op here), 04 sense (1 byte). Output is translated from EBCDIC
 * to ASCII and written to the host FILE. A typed line (dev3215_input_line) is queued and the
 * device presents attention; the next read transfers it. One line at a time: the console takes a
 * new line only when the last one has been read and it can present attention. A read with no line
 * queued ends with unit check, intervention required (there is no operator to wait for in line
 * mode).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/ebcdic.h"
#include "machine/channel.h"

#define DEV3215_LINE 256

struct dev3215 {
	FILE *out;
	uint8_t sense;
	bool have_line;
	uint32_t line_len;
	uint8_t line[DEV3215_LINE]; /* EBCDIC */
};

static uint8_t dev3215_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct dev3215 *t = chan_dev_priv(d);
	switch (cmd) {
	case 0x01:
	case 0x09: {
		char text[DEV3215_LINE];
		uint32_t n = *len, off = 0;
		while (off < n) { /* any length: in pieces */
			uint32_t k = n - off < sizeof text ? n - off : (uint32_t)sizeof text;
			ebcdic_to_ascii_buf(text, buf + off, k);
			if (t->out)
				fwrite(text, 1, k, t->out);
			off += k;
		}
		if (cmd == 0x09 && t->out)
			fputc('\n', t->out);
		if (t->out)
			fflush(t->out);
		t->sense = 0;
		return UNIT_CE | UNIT_DE;
	}
	case 0x0A:
		if (!t->have_line) {
			t->sense = SENSE_INTREQ;
			*len = 0;
			return UNIT_CE | UNIT_DE | UNIT_UC;
		}
		memcpy(buf, t->line, t->line_len < *len ? t->line_len : *len);
		*len = t->line_len;
		t->have_line = false;
		t->sense = 0;
		return UNIT_CE | UNIT_DE;
	case 0x0B: /* alarm: no operation here */
		return UNIT_CE | UNIT_DE;
	default:
		return chan_common_command(cmd, &t->sense, buf, len);
	}
}

static void dev3215_reset(struct chan_dev *d)
{
	struct dev3215 *t = chan_dev_priv(d);
	t->sense = 0;
	t->have_line = false;
}

static const struct dev_ops dev3215_ops = {
	.type = "3215",
	.execute = dev3215_execute,
	.reset = dev3215_reset,
	.free = free,
};

struct chan_dev *dev3215_attach(struct machine *m, uint16_t addr, FILE *out)
{
	struct dev3215 *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->out = out;
	struct chan_dev *d = machine_attach_device(m, addr, &dev3215_ops, t);
	if (!d) {
		int e = errno;
		free(t);
		errno = e;
	}
	return d;
}

bool dev3215_input_line(struct chan_dev *d, const char *line)
{
	struct dev3215 *t = chan_dev_priv(d);
	if (t->have_line || !chan_dev_post_status(d, UNIT_ATTN))
		return false;
	size_t n = strcspn(line, "\r\n");
	if (n > DEV3215_LINE)
		n = DEV3215_LINE;
	ascii_to_ebcdic_buf(t->line, line, n);
	t->line_len = (uint32_t)n;
	t->have_line = true;
	return true;
}

/*
 * "CUU 3215 [args]" (also 3215-C, 1052, 1052-C), as Hercules' consoles: the console prints on
 * standard output. Hercules' arguments - noprompt, and a command prefix (-C types) or a terminal
 * group, address and mask (telnet types) - are accepted and change nothing here; more than three
 * besides noprompt is an error.
 */
struct chan_dev *dev3215_config(struct machine *m, uint16_t addr, const char *type, int argc,
				char *const argv[], char *err, size_t errlen)
{
	int others = 0;
	for (int i = 0; i < argc; i++)
		if (strcasecmp(argv[i], "noprompt") && ++others > 3) {
			snprintf(err, errlen, "%s: too many arguments (from '%s' on)", type, argv[i]);
			return NULL;
		}
	struct chan_dev *d = dev3215_attach(m, addr, stdout);
	if (!d)
		snprintf(err, errlen, "%s", chan_attach_strerror(errno));
	return d;
}
