/*
 * devices.c - the registry of configurable device types (devices.h).
 *
 * One row per Hercules device type name. To make a new device model configurable, include its
 * header and add one row per type name it answers to:
 *
 *     { "3350", DEVICE_DASD, devckd_config },
 *
 * Nothing else in the code lists the types: devices_find(), the error for an unknown type and
 * cambridge-machine --help come from this table (docs/cambridge-machine.md lists them by hand).
 */
#include <stdio.h>
#include <strings.h>

#include "machine/channel.h"
#include "machine/dev_dasd.h"
#include "machine/dev_tape.h"
#include "machine/devices.h"

static const struct device_type device_types[] = {
	/* Consoles: the 3215 printer-keyboard model, on the process's terminal. */
	{ "3215", DEVICE_CONSOLE, dev3215_config },
	{ "3215-C", DEVICE_CONSOLE, dev3215_config },
	{ "1052", DEVICE_CONSOLE, dev3215_config },
	{ "1052-C", DEVICE_CONSOLE, dev3215_config },
	/* Card readers: the 2540 reader model. */
	{ "2540R", DEVICE_READER, dev2540r_config },
	{ "3505", DEVICE_READER, dev2540r_config },
	{ "2501", DEVICE_READER, dev2540r_config },
	{ "1442", DEVICE_READER, dev2540r_config },
	/* Card punches (dev_punch.c). */
	{ "2540P", DEVICE_PUNCH, devpunch_config },
	{ "3525", DEVICE_PUNCH, devpunch_config },
	/* Printers (dev_printer.c). */
	{ "1403", DEVICE_PRINTER, devprinter_config },
	{ "3211", DEVICE_PRINTER, devprinter_config },
	/* Tape drives (dev_3420.c). */
	{ "3420", DEVICE_TAPE, devtape_config },
	/* Disks: CKD (dev_ckd.c) and FBA (dev_fba.c) over the images of machine/dasd/. */
	{ "2311", DEVICE_DASD, devckd_config },
	{ "2314", DEVICE_DASD, devckd_config },
	{ "3330", DEVICE_DASD, devckd_config },
	{ "3340", DEVICE_DASD, devckd_config },
	{ "3350", DEVICE_DASD, devckd_config },
	{ "3375", DEVICE_DASD, devckd_config },
	{ "3380", DEVICE_DASD, devckd_config },
	{ "3310", DEVICE_DASD, devfba_config },
	{ "3370", DEVICE_DASD, devfba_config },
};

#define NTYPES (sizeof device_types / sizeof device_types[0])

const char *devices_class_str(enum device_class c)
{
	switch (c) {
	case DEVICE_CONSOLE:
		return "console";
	case DEVICE_READER:
		return "card reader";
	case DEVICE_PUNCH:
		return "card punch";
	case DEVICE_PRINTER:
		return "printer";
	case DEVICE_TAPE:
		return "tape drive";
	case DEVICE_DASD:
		return "disk";
	}
	return "device";
}

const struct device_type *devices_find(const char *name)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (!strcasecmp(device_types[i].name, name))
			return &device_types[i];
	return NULL;
}

const struct device_type *devices_table(size_t *n)
{
	*n = NTYPES;
	return device_types;
}

struct chan_dev *devices_attach(struct machine *m, uint16_t addr, const char *type, int argc,
				char *const argv[], char *err, size_t errlen)
{
	const struct device_type *t = devices_find(type);
	if (!t) {
		snprintf(err, errlen, "device type %s is not supported", type);
		return NULL;
	}
	if (errlen)
		err[0] = 0;
	struct chan_dev *d = t->config(m, addr, t->name, argc, argv, err, errlen);
	if (!d && errlen && !err[0])
		snprintf(err, errlen, "%s: the device could not be made", t->name);
	return d;
}
