/*
 * cambridge-machine - one bare S/370 from the command line.
 *
 * Builds a machine - storage and devices from the options and a Hercules configuration file
 * (hconfig.h, devices.h) - loads raw images into real storage, IPLs from a device or sets the PSW
 * (or takes it from real 0), runs until the machine stops and, on request, writes the final state
 * as JSON. The manual is docs/cambridge-machine.md; --help is its summary.
 *
 * The console. With a console device configured, its output goes to stdout and the lines of
 * stdin are typed on it (attention, then the guest's read gets the line). There are no threads:
 * between machine_run() bursts the program looks at stdin without blocking, and in an enabled wait
 * it sleeps in ppoll() on stdin until a line comes or the next timer event is due
 * (machine_wait_ns), so a guest waiting for its console costs no host CPU. After stdin ends the
 * run goes on; a wait that nothing can end any more is then the enabled-wait stop.
 *
 * Exit status: 0 disabled wait or instruction limit; 1 host error (bad option or configuration,
 * unreadable file, device that cannot be made, failed IPL, image outside storage, unwritable state
 * file); 2 any other stop (enabled wait, DIAGNOSE, program-interruption loop, check-stop); 128+N
 * when signal N (SIGINT, SIGTERM) stopped the run. Only the host errors leave without writing the
 * state file.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/compiler.h"
#include "lib/ebcdic.h"
#include "machine/channel.h"
#include "machine/devices.h"
#include "machine/hconfig.h"
#include "machine/machine.h"

#define PROG "cambridge-machine"

/* Instructions per machine_run() call: small enough that a signal stops the run at once, and
 * with a console, that a typed line is seen soon. */
#define BURST (1u << 20)
#define CONSOLE_BURST (1u << 16)

enum {
	EXIT_STOP_OK = 0,    /* disabled wait, instruction limit */
	EXIT_HOST_ERROR = 1, /* usage, files, storage */
	EXIT_STOP_OTHER = 2, /* enabled wait, DIAGNOSE, program loop, check-stop */
};

struct load {
	char *file;
	uint32_t addr;
};

struct dump {
	uint32_t addr;
	uint32_t len;
};

struct options {
	bool have_storage;
	uint32_t storage;
	bool extension;
	struct load *loads;
	size_t nloads;
	bool have_psw;
	uint8_t psw[8];
	bool have_limit;
	uint64_t limit;
	const char *state;
	struct dump *dumps;
	size_t ndumps;
	struct dump *texts;
	size_t ntexts;
	bool trace;
	bool diagnose_nop;
	const char *config;
	const char **devices; /* --device statements */
	size_t ndevices;
	bool have_ipl;
	uint16_t ipl;
};

/* Set by the signal handler; the CPU it stops. */
static struct cpu *volatile running_cpu;
static volatile sig_atomic_t caught_signal;

static const char usage_text[] =
	"Usage: " PROG " [OPTION]...\n"
	"Run one bare System/370 until it stops.\n"
	"\n"
	"  --storage SIZE          main storage: bytes, or with a K or M suffix; a multiple of 2K,\n"
	"                          4K to 16M (default: MAINSIZE of --config, else 16M)\n"
	"  --config FILE           read a Hercules configuration file: MAINSIZE, ARCHMODE S/370,\n"
	"                          device statements (CUU TYPE ARGS...), DEFSYM, INCLUDE, IPL\n"
	"  --device 'CUU TYPE ARGS' add a device, as a configuration file's device statement\n"
	"                          (repeatable), e.g. --device '009 3215' --device '00C 3505 deck'\n"
	"  --ipl CUU               IPL from device CUU (hex) instead of starting from --psw or\n"
	"                          the PSW at real 0\n"
	"  --load FILE@HEXADDR     load FILE's bytes at real address HEXADDR (repeatable)\n"
	"  --psw HEX16             initial PSW, 16 hex digits (spaces and underscores ignored);\n"
	"                          default: the doubleword at real 0, as after an IPL\n"
	"  --max-instructions N    stop after N instructions (stop \"instruction-limit\")\n"
	"  --state FILE            on stop, write the state as JSON to FILE ('-' for stdout)\n"
	"  --dump HEXADDR:LEN      include LEN bytes (decimal, or hex with 0x) at real HEXADDR in\n"
	"                          the state's \"storage\" (repeatable)\n"
	"  --text HEXADDR:LEN      on stop, print LEN bytes at real HEXADDR to stdout as EBCDIC\n"
	"                          text, X'15' and X'25' ending lines (repeatable)\n"
	"  --trace                 trace each instruction to stderr: address, bytes, disassembly\n"
	"  --no-extension          turn off the S/370 extension (ESA/390 problem-state instructions)\n"
	"  --diagnose-nop          let DIAGNOSE do nothing and continue (default: stop)\n"
	"  -h, --help              show this help and exit\n"
	"  --version               show the version and exit\n";

/* After the device types. */
static const char usage_tail[] =
	"\n"
	"Stops: disabled-wait, instruction-limit, enabled-wait (nothing can end the wait: no timer,\n"
	"and no console input to come; a wait a timer or console input will end sleeps until then\n"
	"and goes on), diagnose, program-interrupt-loop, check-stop, stopped (SIGINT or SIGTERM).\n"
	"\n"
	"Exit status:\n"
	"  0    disabled wait or instruction limit\n"
	"  1    host error: bad option, number or configuration, unreadable file, device that\n"
	"       cannot be made, failed IPL, image outside storage\n"
	"  2    any other stop (the state is written, and a line on stderr says why)\n"
	"  130  stopped by SIGINT (143 by SIGTERM); the state is written\n"
	"\n"
	"See man cambridge-machine (docs/cambridge-machine.md), also for the JSON format.\n";

/* "cambridge-machine: WHAT: WHY" on stderr (without "WHAT: " when what is NULL), and exit 1. */
static noreturn void fail(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static noreturn void fail(const char *what, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, PROG ": ");
	if (what)
		fprintf(stderr, "%s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_HOST_ERROR);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		fail("memory", "%s", strerror(errno));
	return p;
}

/* ---- Numbers ---- */

static int hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A hex number (an optional 0x prefix, then 1 to 8 digits) no larger than max. */
static bool parse_hex(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s)
		return false;
	for (; *s; s++) {
		int d = hex_digit((unsigned char)*s);
		if (d < 0)
			return false;
		v = v << 4 | (unsigned)d;
		if (v > max)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* A decimal number, or a hex one with a 0x prefix. */
static bool parse_count(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		int d = hex_digit((unsigned char)*s);
		if (d < 0 || (unsigned)d >= base)
			return false;
		if (v > (UINT64_MAX - (unsigned)d) / base)
			return false;
		v = v * base + (unsigned)d;
	}
	*out = v;
	return true;
}

static uint32_t parse_storage(const char *arg)
{
	char digits[32];
	size_t n = strlen(arg);
	uint64_t v, unit = 1;

	if (n == 0 || n >= sizeof digits)
		fail("--storage", "'%s' is not a size (e.g. 64K, 16M)", arg);
	memcpy(digits, arg, n + 1);
	switch (digits[n - 1]) {
	case 'K':
	case 'k':
		unit = 1024;
		digits[--n] = 0;
		break;
	case 'M':
	case 'm':
		unit = 1024 * 1024;
		digits[--n] = 0;
		break;
	}
	if (!n || strspn(digits, "0123456789") != n || !parse_count(digits, &v))
		fail("--storage", "'%s' is not a size (e.g. 64K, 16M)", arg);
	if (v > MACHINE_MAX_STORAGE / unit || v * unit > MACHINE_MAX_STORAGE)
		fail("--storage", "%s is more than 16M", arg);
	v *= unit;
	if (v < 4096)
		fail("--storage", "%s is less than 4K", arg);
	if (v % 2048)
		fail("--storage", "%s is not a multiple of 2K", arg);
	return (uint32_t)v;
}

static void parse_psw(const char *arg, uint8_t psw[8])
{
	int n = 0;

	memset(psw, 0, 8);
	for (const char *s = arg; *s; s++) {
		if (*s == ' ' || *s == '_')
			continue;
		int d = hex_digit((unsigned char)*s);
		if (d < 0 || n == 16)
			fail("--psw", "'%s' is not 16 hex digits", arg);
		psw[n / 2] |= (uint8_t)(n % 2 ? d : d << 4);
		n++;
	}
	if (n != 16)
		fail("--psw", "'%s' is not 16 hex digits", arg);
}

static void add_load(struct options *o, const char *arg)
{
	const char *at = strrchr(arg, '@');
	uint32_t addr;

	if (!at || at == arg)
		fail("--load", "'%s' is not FILE@HEXADDR", arg);
	if (!parse_hex(at + 1, MACHINE_MAX_STORAGE - 1, &addr))
		fail("--load", "'%s' is not a real address (hex, below 1000000)", at + 1);
	size_t flen = (size_t)(at - arg);
	char *file = xrealloc(NULL, flen + 1);
	memcpy(file, arg, flen);
	file[flen] = 0;
	o->loads = xrealloc(o->loads, (o->nloads + 1) * sizeof *o->loads);
	o->loads[o->nloads++] = (struct load){ .file = file, .addr = addr };
}

/* HEXADDR:LEN for option opt. */
static struct dump parse_range(const char *opt, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char addr_text[16];
	uint32_t addr;
	uint64_t len;

	if (!colon || (size_t)(colon - arg) >= sizeof addr_text)
		fail(opt, "'%s' is not HEXADDR:LEN", arg);
	memcpy(addr_text, arg, (size_t)(colon - arg));
	addr_text[colon - arg] = 0;
	if (!parse_hex(addr_text, MACHINE_MAX_STORAGE - 1, &addr))
		fail(opt, "'%s' is not a real address (hex, below 1000000)", addr_text);
	if (!parse_count(colon + 1, &len) || len == 0 || len > MACHINE_MAX_STORAGE)
		fail(opt, "'%s' is not a length (1 to 16777216)", colon + 1);
	return (struct dump){ .addr = addr, .len = (uint32_t)len };
}

static void add_dump(struct options *o, const char *arg)
{
	struct dump d = parse_range("--dump", arg);
	for (size_t i = 0; i < o->ndumps; i++)
		if (o->dumps[i].addr == d.addr)
			fail("--dump", "address %06" PRIX32 " is dumped twice", d.addr);
	o->dumps = xrealloc(o->dumps, (o->ndumps + 1) * sizeof *o->dumps);
	o->dumps[o->ndumps++] = d;
}

static void add_text(struct options *o, const char *arg)
{
	o->texts = xrealloc(o->texts, (o->ntexts + 1) * sizeof *o->texts);
	o->texts[o->ntexts++] = parse_range("--text", arg);
}

/* The device types of the registry, one line per class. */
static void print_device_types(FILE *f)
{
	size_t n;
	const struct device_type *t = devices_table(&n);

	fputs("\nDevice types for --device and --config (a console prints on stdout and gets the lines\n"
	      "of stdin; a card reader reads FILE... [ascii|ebcdic] [trunc] [autopad] [eof] [multifile]):\n",
	      f);
	for (int class = DEVICE_CONSOLE; class <= DEVICE_DASD; class++) {
		const char *sep = "";
		for (size_t i = 0; i < n; i++) {
			if ((int)t[i].class != class)
				continue;
			if (!*sep)
				fprintf(f, "  %-13s", devices_class_str(t[i].class));
			fprintf(f, "%s%s", sep, t[i].name);
			sep = ", ";
		}
		if (*sep)
			fputc('\n', f);
	}
}

/* ---- Options ---- */

enum {
	OPT_STORAGE = 256,
	OPT_LOAD,
	OPT_PSW,
	OPT_MAX_INSTRUCTIONS,
	OPT_STATE,
	OPT_DUMP,
	OPT_TEXT,
	OPT_TRACE,
	OPT_NO_EXTENSION,
	OPT_DIAGNOSE_NOP,
	OPT_CONFIG,
	OPT_DEVICE,
	OPT_IPL,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{ "storage", required_argument, NULL, OPT_STORAGE },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "psw", required_argument, NULL, OPT_PSW },
	{ "max-instructions", required_argument, NULL, OPT_MAX_INSTRUCTIONS },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "dump", required_argument, NULL, OPT_DUMP },
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "no-extension", no_argument, NULL, OPT_NO_EXTENSION },
	{ "diagnose-nop", no_argument, NULL, OPT_DIAGNOSE_NOP },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "ipl", required_argument, NULL, OPT_IPL },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void parse_options(int argc, char **argv, struct options *o)
{
	int opt;

	*o = (struct options){ .storage = MACHINE_MAX_STORAGE, .extension = true };
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
		switch (opt) {
		case OPT_STORAGE:
			o->storage = parse_storage(optarg);
			o->have_storage = true;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_DEVICE:
			o->devices = xrealloc(o->devices, (o->ndevices + 1) * sizeof *o->devices);
			o->devices[o->ndevices++] = optarg;
			break;
		case OPT_IPL:
			if (!hconfig_devnum(optarg, &o->ipl))
				fail("--ipl", "'%s' is not a device number (hex, at most FFF)", optarg);
			o->have_ipl = true;
			break;
		case OPT_LOAD:
			add_load(o, optarg);
			break;
		case OPT_PSW:
			parse_psw(optarg, o->psw);
			o->have_psw = true;
			break;
		case OPT_MAX_INSTRUCTIONS:
			if (!parse_count(optarg, &o->limit))
				fail("--max-instructions", "'%s' is not a number", optarg);
			o->have_limit = true;
			break;
		case OPT_STATE:
			o->state = optarg;
			break;
		case OPT_DUMP:
			add_dump(o, optarg);
			break;
		case OPT_TEXT:
			add_text(o, optarg);
			break;
		case OPT_TRACE:
			o->trace = true;
			break;
		case OPT_NO_EXTENSION:
			o->extension = false;
			break;
		case OPT_DIAGNOSE_NOP:
			o->diagnose_nop = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			print_device_types(stdout);
			fputs(usage_tail, stdout);
			exit(0);
		case OPT_VERSION:
			printf(PROG " (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			exit(0);
		case ':':
			fail(argv[optind - 1], "needs an argument (try --help)");
		default:
			if (optopt) {
				char name[3] = { '-', (char)optopt, 0 };
				fail(name, "unknown option (try --help)");
			}
			fail(argv[optind - 1], "unknown option (try --help)");
		}
	}
	if (optind < argc)
		fail(argv[optind], "unexpected argument (try --help)");
	if (o->have_ipl && o->have_psw)
		fail("--ipl", "--ipl and --psw exclude each other (an IPL loads the PSW from real 0)");
}

/* ---- Loading ---- */

static void load_file(struct machine *m, const struct load *l)
{
	uint32_t size = machine_storage_size(m);
	FILE *f = fopen(l->file, "rb");

	if (!f)
		fail(l->file, "%s", strerror(errno));
	if (l->addr >= size)
		fail(l->file, "load address %06" PRIX32 " is past the end of storage (%" PRIu32 " bytes)",
		     l->addr, size);

	/* Read one byte more than fits, to tell an image that is too large. */
	size_t room = size - l->addr;
	uint8_t *buf = xrealloc(NULL, room + 1);
	size_t n = fread(buf, 1, room + 1, f);
	if (ferror(f))
		fail(l->file, "%s", strerror(errno));
	fclose(f);
	if (n > room)
		fail(l->file, "image at %06" PRIX32 " goes past the end of storage (%" PRIu32 " bytes)",
		     l->addr, size);
	if (!machine_load(m, l->addr, buf, n))
		fail(l->file, "cannot be loaded at %06" PRIX32, l->addr);
	free(buf);
}

/* ---- Configuration and devices ---- */

/* Read --config and the --device statements; warnings go to stderr. Exits on an error. */
static void read_config(const struct options *o, struct hconfig *h)
{
	char err[1024];

	hconfig_init(h);
	if (o->config && !hconfig_file(h, o->config, err, sizeof err))
		fail(NULL, "%s", err);
	for (size_t i = 0; i < o->ndevices; i++)
		if (!hconfig_device_statement(h, "--device", o->devices[i], err, sizeof err))
			fail(NULL, "%s", err);
	for (size_t i = 0; i < h->nwarnings; i++)
		fprintf(stderr, PROG ": warning: %s\n", h->warnings[i]);
}

/* Attach every configured device; returns the first console (NULL if none). Exits when a device
 * cannot be made, naming its statement. */
static struct chan_dev *attach_devices(struct machine *m, const struct hconfig *h)
{
	struct chan_dev *console = NULL;
	char err[1024];

	for (size_t i = 0; i < h->ndevs; i++) {
		const struct hconfig_device *d = &h->devs[i];
		struct chan_dev *dev = devices_attach(m, d->addr, d->type, d->argc, d->argv, err, sizeof err);
		if (!dev)
			fail(d->where, "device %03X %s: %s", d->addr, d->type, err);
		const struct device_type *t = devices_find(d->type);
		if (!console && t && t->class == DEVICE_CONSOLE)
			console = dev;
	}
	return console;
}

/* Names of the bits of sense byte 0 that unit-record, DASD and tape devices share. */
static void describe_sense(char *buf, size_t size, const struct machine_ipl_csw *csw)
{
	static const char *const bits[8] = { "command reject", "intervention required",
					     "bus-out check", "equipment check", "data check",
					     "overrun", NULL, NULL };
	if (!csw->sense_len) {
		snprintf(buf, size, "no sense bytes");
		return;
	}
	size_t n = (size_t)snprintf(buf, size, "sense");
	for (uint32_t i = 0; i < csw->sense_len && i < 6 && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, " %02X", csw->sense[i]);
	const char *sep = " (";
	for (int b = 0; b < 8 && n < size; b++)
		if (bits[b] && (csw->sense[0] & (0x80 >> b))) {
			n += (size_t)snprintf(buf + n, size - n, "%s%s", sep, bits[b]);
			sep = ", ";
		}
	if (*sep == ',' && n < size)
		snprintf(buf + n, size - n, ")");
}

/* IPL from addr; on failure one line naming what asked for the IPL (where), and exit 1. */
static void ipl(struct machine *m, uint16_t addr, const char *where)
{
	struct machine_ipl_csw csw;
	enum machine_ipl_status st = machine_ipl(m, addr, &csw);
	char detail[256] = "";

	switch (st) {
	case MACHINE_IPL_OK:
		return;
	case MACHINE_IPL_UNIT_CHECK:
		describe_sense(detail, sizeof detail, &csw);
		break;
	case MACHINE_IPL_UNIT_STATUS:
		snprintf(detail, sizeof detail, "unit status %02X", csw.unit);
		break;
	case MACHINE_IPL_INCORRECT_LENGTH:
	case MACHINE_IPL_CHANNEL_CHECK:
		snprintf(detail, sizeof detail, "channel status %02X at the CCW at %06" PRIX32, csw.chan,
			 (csw.ccw - 8) & 0xFFFFFFu);
		break;
	default:
		break;
	}
	fail(where, "IPL failed: %s%s%s", machine_ipl_str(st), *detail ? "; " : "", detail);
}

/* ---- Tracing ---- */

struct trace_ctx {
	bool extension;
};

static void trace_insn(void *arg, uint32_t addr, const uint8_t *insn, int len)
{
	const struct trace_ctx *t = arg;
	char hex[13], text[96];

	for (int i = 0; i < len && i < 6; i++)
		snprintf(hex + 2 * i, 3, "%02X", insn[i]);
	disasm(insn, t->extension, text, sizeof text);
	fprintf(stderr, "%06" PRIX32 "  %-12s  %s\n", addr, hex, text);
}

/* ---- Running ---- */

static void on_signal(int sig)
{
	caught_signal = sig;
	if (running_cpu)
		machine_stop(running_cpu);
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND; /* a second signal ends the process the usual way */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * The console: stdin, read without blocking between bursts, and given to the console device a line
 * at a time (the device takes a line once the guest has read the last one). Lines wait here
 * meanwhile; reading stops while the queue is full.
 */
#define CONSOLE_QUEUE 4096

struct console {
	struct chan_dev *dev; /* NULL: no console device, stdin is not read */
	bool eof;             /* stdin has ended (or failed) */
	bool skipping;        /* dropping the rest of a line longer than the queue */
	size_t len;
	char queue[CONSOLE_QUEUE];
};

/* Can more input come, and be kept? */
static bool console_listening(const struct console *k)
{
	return k->dev && !k->eof && k->len < sizeof k->queue;
}

static void console_read(struct console *k)
{
	ssize_t n = read(STDIN_FILENO, k->queue + k->len, sizeof k->queue - k->len);
	if (n > 0)
		k->len += (size_t)n;
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		k->eof = true;
}

/* Drop n bytes from the front of the queue. */
static void console_drop(struct console *k, size_t n)
{
	k->len -= n;
	memmove(k->queue, k->queue + n, k->len);
}

/* Offer the first queued line to the console: a line ended by a newline, a last line without one
 * once stdin has ended, or as much of an overlong line as fills the queue (its rest is dropped).
 * True when the console took it. */
static bool console_offer(struct console *k)
{
	char line[CONSOLE_QUEUE + 1];

	if (k->skipping) {
		char *nl = memchr(k->queue, '\n', k->len);
		k->skipping = !nl;
		console_drop(k, nl ? (size_t)(nl + 1 - k->queue) : k->len);
		if (k->skipping)
			return false;
	}
	char *nl = memchr(k->queue, '\n', k->len);
	bool full = k->len == sizeof k->queue;
	if (!nl && !full && !(k->eof && k->len))
		return false; /* a line still being typed */
	size_t n = nl ? (size_t)(nl - k->queue) : k->len;
	memcpy(line, k->queue, n);
	line[n] = 0;
	if (!dev3215_input_line(k->dev, line))
		return false;
	k->skipping = !nl && !k->eof;
	console_drop(k, nl ? n + 1 : n);
	return true;
}

/* Wait for console input (when it can come) for at most ns nanoseconds (UINT64_MAX: no limit),
 * and read what came. */
static void console_wait(struct console *k, uint64_t ns)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u) };
	bool listen = console_listening(k);

	if (caught_signal)
		return;
	int r = ppoll(listen ? &pfd : NULL, listen ? 1 : 0, ns == UINT64_MAX ? NULL : &ts, NULL);
	if (r > 0 && listen)
		console_read(k);
}

/* An enabled wait: give the console a line if one is ready, else sleep until console input or the
 * next timer event that can end the wait, then run again (true). False when nothing ever could.
 * A signal cuts the sleep short and stops the CPU (machine_stop). */
static bool wait_for_event(struct cpu *c, struct console *k)
{
	if (k->dev && console_offer(k))
		return true;
	uint64_t ns = machine_wait_ns(c);
	if (ns == UINT64_MAX && !console_listening(k))
		return false;
	console_wait(k, ns);
	if (k->dev)
		console_offer(k);
	return true;
}

/* Run in bursts until the machine stops for a reason the options do not continue past. */
static enum machine_exit run(struct cpu *c, const struct options *o, struct console *k)
{
	uint64_t start = cpu_instructions(c);

	for (;;) {
		uint64_t budget = k->dev ? CONSOLE_BURST : BURST;
		if (o->have_limit) {
			uint64_t done = cpu_instructions(c) - start;
			if (done >= o->limit)
				return MACHINE_EXIT_BUDGET;
			if (o->limit - done < budget)
				budget = o->limit - done;
		}
		if (k->dev) {
			if (console_listening(k))
				console_wait(k, 0);
			console_offer(k);
		}
		enum machine_exit e = machine_run(c, budget);
		if (e == MACHINE_EXIT_BUDGET)
			continue;
		if (e == MACHINE_EXIT_DIAGNOSE && o->diagnose_nop)
			continue;
		if (e == MACHINE_EXIT_ENABLED_WAIT && wait_for_event(c, k))
			continue;
		return e;
	}
}

/* ---- State ---- */

static void write_state(FILE *f, struct machine *m, enum machine_exit e, const struct options *o)
{
	struct cpu *c = machine_cpu(m);
	uint8_t psw[8];

	cpu_get_psw(c, psw);
	fprintf(f, "{\n  \"stop\": \"%s\",\n  \"psw\": \"", machine_exit_str(e));
	for (int i = 0; i < 8; i++)
		fprintf(f, "%02X", psw[i]);
	fputs("\",\n  \"gpr\": [", f);
	for (int r = 0; r < 16; r++)
		fprintf(f, "%s\"%08" PRIX32 "\"", r ? ", " : "", cpu_get_gpr(c, r));
	fputs("],\n  \"fpr\": [", f);
	for (int r = 0; r < 8; r += 2)
		fprintf(f, "%s\"%016" PRIX64 "\"", r ? ", " : "", cpu_get_fpr(c, r));
	fputs("],\n  \"cr\": [", f);
	for (int r = 0; r < 16; r++)
		fprintf(f, "%s\"%08" PRIX32 "\"", r ? ", " : "", cpu_get_cr(c, r));
	fprintf(f, "],\n  \"instructions\": %" PRIu64 ",\n", cpu_instructions(c));
	if (e == MACHINE_EXIT_DIAGNOSE) {
		struct machine_diagnose d = cpu_last_diagnose(c);
		fprintf(f, "  \"diagnose\": {\"code\": \"%04" PRIX32 "\", \"r1\": %d, \"r3\": %d},\n",
			d.code, d.r1, d.r3);
	}
	fputs("  \"storage\": {", f);
	for (size_t i = 0; i < o->ndumps; i++) {
		const struct dump *d = &o->dumps[i];
		uint8_t *buf = xrealloc(NULL, d->len);
		if (!machine_dump(m, d->addr, buf, d->len))
			fail("--dump", "%06" PRIX32 ":%" PRIu32 " is outside storage (%" PRIu32 " bytes)",
			     d->addr, d->len, machine_storage_size(m));
		fprintf(f, "%s\n    \"%08" PRIX32 "\": \"", i ? "," : "", d->addr);
		for (uint32_t j = 0; j < d->len; j++)
			fprintf(f, "%02X", buf[j]);
		fputc('"', f);
		free(buf);
	}
	fputs(o->ndumps ? "\n  }\n}\n" : "}\n}\n", f);
}

/* Storage as EBCDIC text: X'15' (new line) and X'25' (line feed) end a line, trailing blanks are
 * dropped, and other unprintable characters show as '.'. */
static void print_text(FILE *f, struct machine *m, const struct dump *d)
{
	uint8_t *buf = xrealloc(NULL, d->len);
	if (!machine_dump(m, d->addr, buf, d->len))
		fail("--text", "%06" PRIX32 ":%" PRIu32 " is outside storage", d->addr, d->len);
	size_t start = 0;
	for (size_t i = 0; i <= d->len; i++) {
		if (i < d->len && buf[i] != 0x15 && buf[i] != 0x25)
			continue;
		size_t end = i;
		while (end > start && buf[end - 1] == 0x40)
			end--;
		for (size_t j = start; j < end; j++) {
			uint8_t ch = ebcdic_to_latin1[buf[j]];
			fputc(ch >= 0x20 && ch < 0x7F ? ch : '.', f);
		}
		if (end > start || i < d->len)
			fputc('\n', f);
		start = i + 1;
	}
	free(buf);
}

/* One line on stderr that says how the run ended. */
static void report_stop(struct machine *m, enum machine_exit e)
{
	struct cpu *c = machine_cpu(m);
	uint8_t p[8];
	char extra[64] = "";

	cpu_get_psw(c, p);
	if (e == MACHINE_EXIT_DIAGNOSE) {
		struct machine_diagnose d = cpu_last_diagnose(c);
		snprintf(extra, sizeof extra, " DIAGNOSE X'%04" PRIX32 "' R1=%d R3=%d,", d.code, d.r1, d.r3);
	}
	fprintf(stderr, PROG ": %s:%s PSW %02X%02X%02X%02X %02X%02X%02X%02X after %" PRIu64
		" instructions\n", machine_exit_str(e), extra, p[0], p[1], p[2], p[3], p[4], p[5], p[6],
		p[7], cpu_instructions(c));
}

static void check_ranges(const char *opt, const struct dump *d, size_t n, uint32_t storage)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].len > storage || d[i].addr > storage - d[i].len)
			fail(opt, "%06" PRIX32 ":%" PRIu32 " is outside storage (%" PRIu32 " bytes)",
			     d[i].addr, d[i].len, storage);
}

int main(int argc, char **argv)
{
	struct options o;
	struct hconfig h;

	parse_options(argc, argv, &o);
	read_config(&o, &h);
	uint32_t storage = o.have_storage ? o.storage : h.have_mainsize ? h.mainsize : MACHINE_MAX_STORAGE;
	bool extension = o.extension && (!h.have_extension || h.extension);
	/* --ipl, else the configuration's IPL statement unless --psw says where to start. */
	bool do_ipl = o.have_ipl || (h.have_ipl && !o.have_psw);
	uint16_t ipl_addr = o.have_ipl ? o.ipl : h.ipl;
	char ipl_where[600];
	if (o.have_ipl)
		snprintf(ipl_where, sizeof ipl_where, "--ipl %03X", o.ipl);
	else if (h.have_ipl)
		snprintf(ipl_where, sizeof ipl_where, "%s: IPL %03X", h.ipl_where, h.ipl);

	struct machine_config cfg = { .storage_size = storage, .extension = extension };
	struct machine *m = machine_new(&cfg);
	if (!m)
		fail("--storage", "cannot have %" PRIu32 " bytes of storage: %s", storage, strerror(errno));
	struct cpu *c = machine_cpu(m);

	for (size_t i = 0; i < o.nloads; i++)
		load_file(m, &o.loads[i]);
	check_ranges("--dump", o.dumps, o.ndumps, storage);
	check_ranges("--text", o.texts, o.ntexts, storage);
	struct console console = { .dev = attach_devices(m, &h) };

	/* Open the state file before running, so that an unwritable path fails before a long run. */
	FILE *state = NULL;
	if (o.state) {
		state = strcmp(o.state, "-") ? fopen(o.state, "w") : stdout;
		if (!state)
			fail(o.state, "%s", strerror(errno));
	}

	/* Start: IPL from a device; or from --psw; or, as after an IPL, from the doubleword at real
	 * 0. An invalid --psw or PSW at 0 is still loaded; the CPU then takes the specification
	 * exception, as the architecture says. */
	if (do_ipl) {
		ipl(m, ipl_addr, ipl_where);
	} else {
		if (!o.have_psw && !machine_dump(m, 0, o.psw, 8))
			fail("storage", "cannot read the PSW at real 0");
		cpu_set_psw(c, o.psw);
	}

	struct trace_ctx trace = { .extension = extension };
	static char trace_buf[1 << 16];
	if (o.trace) {
		setvbuf(stderr, trace_buf, _IOFBF, sizeof trace_buf);
		cpu_set_trace(c, trace_insn, &trace);
	}

	running_cpu = c;
	catch_signals();
	enum machine_exit e = run(c, &o, &console);
	running_cpu = NULL;

	int status = EXIT_STOP_OK;
	if (e == MACHINE_EXIT_STOPPED && caught_signal)
		status = 128 + caught_signal;
	else if (e != MACHINE_EXIT_DISABLED_WAIT && e != MACHINE_EXIT_BUDGET)
		status = EXIT_STOP_OTHER;

	fflush(stdout);
	if (state) {
		write_state(state, m, e, &o);
		if (fflush(state) || ferror(state) || (state != stdout && fclose(state)))
			fail(o.state, "%s", strerror(errno));
	}
	for (size_t i = 0; i < o.ntexts; i++)
		print_text(stdout, m, &o.texts[i]);
	if (status != EXIT_STOP_OK || (!state && !o.ntexts))
		report_stop(m, e);
	fflush(stderr);
	machine_free(m);
	hconfig_free(&h);
	for (size_t i = 0; i < o.nloads; i++)
		free(o.loads[i].file);
	free(o.loads);
	free(o.dumps);
	free(o.texts);
	free(o.devices);
	return status;
}
