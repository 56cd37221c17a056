/*
 * devices.h - the device types a configuration statement can name (devices.c).
 *
 * A configuration statement "CUU TYPE ARGS..." (Hercules' syntax) names a device type the way
 * Hercules does: "3215-C", "3505", "3350", "3420", "1403". The registry maps each such name to the
 * device model's dev_config_fn (machine/channel.h), which parses ARGS and attaches the device. It
 * is one table in devices.c, one row per type name; a model that can be configured adds its rows
 * there and nothing else.
 */
#ifndef MACHINE_DEVICES_H
#define MACHINE_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "machine/channel.h"

/* What kind of device a type is: for lists, and for a program that wires the console up. */
enum device_class {
	DEVICE_CONSOLE,
	DEVICE_READER,
	DEVICE_PUNCH,
	DEVICE_PRINTER,
	DEVICE_TAPE,
	DEVICE_DASD,
};

struct device_type {
	const char *name;          /* as written in a statement, e.g. "3215-C" (matched in any case) */
	enum device_class class;
	dev_config_fn *config;
};

/* "console", "card reader", ... */
const char *devices_class_str(enum device_class c);

/* The type called name (any case), or NULL. */
const struct device_type *devices_find(const char *name);

/* Every type, in table order: *n rows. */
const struct device_type *devices_table(size_t *n);

/*
 * Build the device of the statement "addr type argv[0..argc-1]": find the type and call its
 * constructor. On failure NULL, with a one-line message (no newline, not naming the statement) in
 * err: an unknown type, or the constructor's own message.
 */
struct chan_dev *devices_attach(struct machine *m, uint16_t addr, const char *type, int argc,
				char *const argv[], char *err, size_t errlen);

#endif
