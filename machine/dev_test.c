/*
 * dev_test.c - a test device for the channel's own tests: a record of a known pattern to read, a
 * buffer that keeps what was written, and commands that end in each kind of status.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "machine/channel.h"

#define DEVTEST_MAX 65536

struct devtest {
	uint32_t record_len;
	uint32_t written_len;
	unsigned commands;
	uint8_t sense;
	uint8_t written[DEVTEST_MAX];
};

static uint8_t devtest_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct devtest *t = chan_dev_priv(d);
	t->commands++;
	switch (cmd) {
	case 0x01: /* write: take everything */
		t->written_len = *len < DEVTEST_MAX ? *len : DEVTEST_MAX;
		memcpy(t->written, buf, t->written_len);
		t->sense = 0;
		return UNIT_CE | UNIT_DE;
	case 0x02: /* read: the pattern 00 01 02 ... */
		for (uint32_t i = 0; i < *len && i < t->record_len; i++)
			buf[i] = (uint8_t)i;
		*len = t->record_len;
		t->sense = 0;
		return UNIT_CE | UNIT_DE;
	case 0x0C: /* read backward: the pattern's last byte first */
		for (uint32_t i = 0; i < *len && i < t->record_len; i++)
			buf[i] = (uint8_t)(t->record_len - 1 - i);
		*len = t->record_len;
		t->sense = 0;
		return UNIT_CE | UNIT_DE;
	case 0x13: /* control ending with unit exception */
		return UNIT_CE | UNIT_DE | UNIT_UX;
	default: /* no-op, sense, command reject */
		return chan_common_command(cmd, &t->sense, buf, len);
	}
}

static const struct dev_ops devtest_ops = {
	.type = "TEST",
	.execute = devtest_execute,
	.free = free,
};

struct chan_dev *devtest_attach(struct machine *m, uint16_t addr)
{
	struct devtest *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->record_len = 16;
	struct chan_dev *d = machine_attach_device(m, addr, &devtest_ops, t);
	if (!d) {
		int e = errno;
		free(t);
		errno = e;
	}
	return d;
}

void devtest_set_record_len(struct chan_dev *d, uint32_t len)
{
	struct devtest *t = chan_dev_priv(d);
	t->record_len = len;
}

uint32_t devtest_written(const struct chan_dev *d, uint8_t *out, uint32_t max)
{
	const struct devtest *t = chan_dev_priv(d);
	memcpy(out, t->written, t->written_len < max ? t->written_len : max);
	return t->written_len;
}

unsigned devtest_commands(const struct chan_dev *d)
{
	const struct devtest *t = chan_dev_priv(d);
	return t->commands;
}
