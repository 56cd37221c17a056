/*
 * check_chanfuzz.c - random channel programs against the S/370 channel (machine/channel.c).
 *
 * Each case builds a small machine (32K to 256K, prefix 0 or another page) with devices on the byte
 * multiplexer (channel 0) and block multiplexers (1, 2, 6, 15): test devices (dev_test.c), the 3215
 * console printing to /dev/null or a temporary file, the 2540 reader with a small deck, and the
 * "fuzz device" defined below, which answers every command with a random length and status
 * (status modifier too) and reads backward. Storage gets random storage keys and a region of random
 * channel programs: every command, every flag (the reserved bits too), counts from 0 to 65535, data
 * addresses near and past the end of storage and in the prefix area, TIC loops and TIC to TIC,
 * IDAW lists pointing anywhere, long and endless data chains. The host then acts as a small guest:
 * it plants one I/O instruction (SIO, SIOF, TIO, CLRIO, HIO, HDV, TCH, STIDC) and runs it, in BC or
 * EC mode, with I/O interruptions enabled or not; spins or waits enabled for interruptions; queues
 * console input and attention; resets the I/O system. After every machine_run():
 *
 *   - it came back within its instruction budget and a bounded wall time, in a state the guest
 *     allows (budget spent, enabled wait, or the disabled wait of the I/O new PSW);
 *   - CC 3 exactly for devices and channels that are not there; SIO never starts a program whose
 *     CAW or first CCW is invalid; TIO after a CSW was stored, CLRIO or a reset finds the device idle;
 *   - every CSW stored is architecturally sane: bits 4-7 zero except a deferred CC 1 for SIOF, the
 *     key of the CAW, a CCW address that the program can reach or 8 past one, a count no larger than
 *     that CCW's, unit status a device can give, and channel status only with a cause: program check
 *     only for an invalid CAW, CCW, IDAW or data address, protection check only for a CAW key that
 *     does not match a block the CCW uses, incorrect length only without SLI (or with CD), PCI only
 *     for a program with a PCI flag, never channel data check, interface control check or chaining
 *     check, and channel control check only where channel.c's data-chain limit puts it (a known bug);
 *   - storage (compared with a shadow copy) changes only in the data areas of commands that read
 *     (forward, or downward for read backward; direct or IDAW-designated; never with SKIP), only in
 *     blocks whose key matches the CAW, never in the low-core page but for the fields the CPU stores;
 *     storage keys keep their access and fetch bits, and change bits appear only on blocks a channel
 *     program may store into;
 *   - no device ever receives a byte of a fetch-protected block whose key matches no CAW.
 * At the end of a case HIO and TIO must bring every subchannel back to idle.
 *
 * Three kinds of case: CAW key 0 with the channel programs and IDAW lists kept out of every data
 * area (addresses are the only protection there); nonzero CAW keys with the programs in key-15
 * blocks and data areas anywhere (keys must protect); and wild cases in which programs, TICs and
 * IDAW lists go anywhere and may overwrite themselves, where only the key rules are checked.
 * A second test IPLs (machine_ipl) from random IPL records that chain into such programs.
 *
 * CAMBRIDGE_CHANFUZZ_SEED (case i runs with seed + i) and CAMBRIDGE_CHANFUZZ_CASES override the
 * defaults; a failure names its case's seed, which reruns it alone with CAMBRIDGE_CHANFUZZ_CASES=1.
 * CAMBRIDGE_FUZZ_VERBOSE announces every case. The section "Bugs the fuzz found" at the end keeps
 * the smallest program for each channel.c bug it found, fixed since.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/be.h"
#include "lib/ebcdic.h"
#include "machine/channel.h"
#include "machine/cpu.h"
#include "tests/check_run.h"
#include "tests/machine/harness.h"

/* Real addresses of the guest's own few things, all in the low-core page. */
#define CODE 0x0E00u     /* the I/O instruction under test */
#define LOOP 0x0F00u     /* B * */
#define IO_WAIT 0x0FF0u  /* the I/O new PSW: a disabled wait here */
#define PGM_WAIT 0x0FE0u /* program, external, SVC and machine-check new PSWs: disabled waits */

#define RUN_NS_MAX (5ull * 1000000000ull) /* one machine_run(), even under the sanitizers */
#define MAX_ENTRY 256
#define MAX_FAR 64
#define NDEV 8
#define IDAW_BLOCK 2048u /* an IDAW designates up to the next 2K boundary */

/* ------------------------------------------------------------------------------------------------
 * Random numbers: xorshift64*, one global stream per case.
 */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(unsigned percent)
{
	return below(100) < percent;
}

static uint64_t env_or(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* What the cases exercised, printed at the end so that a run shows it did something. */
static struct {
	unsigned long cases, runs, csws, interruptions, prog, prot, il, ccc, pci, busy, deferred, attn;
	unsigned long changed, starts, cc[4];
	unsigned long ipl[MACHINE_IPL_INVALID_PSW + 1];
} stats;

/* Eight bytes that fill every "secret" block: fetch protected, key 15, which no CAW key matches. */
static uint8_t secret[8];

static void init_secret(void)
{
	ascii_to_ebcdic_buf(secret, "QzXjKvWp", sizeof secret);
}

static bool has_secret(const uint8_t *p, size_t n)
{
	return n >= sizeof secret && memmem(p, n, secret, sizeof secret) != NULL;
}

/* ------------------------------------------------------------------------------------------------
 * The fuzz device: any command, a random length and a random ending status.
 */

struct fuzzdev {
	uint64_t rng;
	uint8_t sense;
	unsigned commands;
	unsigned secrets;    /* writes that carried the secret */
	uint8_t record[24];  /* what the next read gets, when record_len is not 0 (an IPL record) */
	uint32_t record_len;
	bool calm;           /* every command ends normally with its count: loops go on */
};

static uint32_t fd_below(struct fuzzdev *t, uint32_t n)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return n ? (uint32_t)((t->rng * 0x2545F4914F6CDD1Dull) % n) : 0;
}

/* The length the device has for (or wants of) a command of count bytes. */
static uint32_t fd_length(struct fuzzdev *t, uint32_t count)
{
	switch (fd_below(t, 5)) {
	case 0:
	case 1: return count;
	case 2: return fd_below(t, count + 1);
	case 3: return count + 1 + fd_below(t, 100);
	default: return fd_below(t, 90);
	}
}

static uint8_t fd_status(struct fuzzdev *t)
{
	switch (fd_below(t, 10)) {
	case 0: return UNIT_CE | UNIT_DE | UNIT_UX;
	case 1: return UNIT_CE | UNIT_DE | UNIT_SM;
	default: return UNIT_CE | UNIT_DE;
	}
}

static uint8_t fuzzdev_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct fuzzdev *t = chan_dev_priv(d);
	uint32_t count = *len;

	t->commands++;
	/* (Checks on hot paths use ck_abort_msg: a passing ck_assert costs a system call in Check's
	 * fork mode.) */
	if ((cmd & 0x0F) == 0 || (cmd & 0x0F) == 0x08 || count == 0)
		ck_abort_msg("device %03X got command %02X with count %u", chan_dev_addr(d), cmd, count);
	if (t->record_len && ((cmd & 3) == 2)) {
		memcpy(buf, t->record, count < t->record_len ? count : t->record_len);
		*len = t->record_len;
		t->record_len = 0;
		return UNIT_CE | UNIT_DE;
	}
	if (t->calm) {
		if ((cmd & 3) == 2 || (cmd & 0x0F) == 0x0C || (cmd & 0x0F) == 0x04)
			memset(buf, 0xA5, count);
		return UNIT_CE | UNIT_DE;
	}
	if (fd_below(t, 12) == 0) {
		t->sense = SENSE_CMDREJ;
		*len = 0;
		return UNIT_CE | UNIT_DE | UNIT_UC;
	}
	if ((cmd & 0x0F) == 0x04) {
		buf[0] = t->sense;
		*len = 1 + fd_below(t, 3);
		t->sense = 0;
		return UNIT_CE | UNIT_DE;
	}
	if ((cmd & 3) == 2 || (cmd & 0x0F) == 0x0C) {
		uint32_t have = fd_length(t, count);
		for (uint32_t i = 0; i < have && i < count; i++)
			buf[i] = (uint8_t)(0xA0 + i);
		*len = have;
		return fd_status(t);
	}
	/* Write or control: the channel gathered all count bytes; look at every one. */
	t->secrets += has_secret(buf, count);
	*len = fd_length(t, count);
	return fd_status(t);
}

static const struct dev_ops fuzzdev_ops = {
	.type = "FUZZ",
	.execute = fuzzdev_execute,
	.free = free,
};

static struct chan_dev *fuzzdev_attach(struct machine *m, uint16_t addr, uint64_t seed)
{
	struct fuzzdev *t = calloc(1, sizeof *t);
	ck_assert_ptr_nonnull(t);
	t->rng = seed | 1;
	struct chan_dev *d = machine_attach_device(m, addr, &fuzzdev_ops, t);
	ck_assert_ptr_nonnull(d);
	return d;
}

/* ------------------------------------------------------------------------------------------------
 * A case: the machine, its devices, the programs in storage and what the checks know.
 */

enum mode {
	MODE_KEY0,  /* CAW key 0; programs and IDAW lists never inside a data area */
	MODE_KEYED, /* CAW keys 1-14; programs and IDAW lists in key-15 blocks; data anywhere */
	MODE_WILD,  /* CAW keys 1-14; everything anywhere: only the key rules are checked */
};

enum kind { KIND_TEST, KIND_3215, KIND_2540R, KIND_FUZZ };

/* Per doubleword of storage, for the CCWs a program can reach. */
#define NODE_IN 0x01   /* reachable */
#define NODE_CD 0x02   /* reachable as the continuation of a data chain */
#define NODE_TICT 0x04 /* reachable as the target of a TIC */
#define NODE_START 0x08 /* reachable as the first CCW of a command */

/* What the checks know of the last channel program started on a device. */
struct prog {
	enum { PROG_NONE, PROG_KNOWN, PROG_UNKNOWN } state;
	uint32_t caw;
	uint8_t key;
	bool siof;
	bool pci;            /* a reachable CCW has the PCI flag */
	bool far_overflow;   /* too many unfetchable addresses to list: skip address checks */
	uint8_t *node;       /* NODE_* per doubleword (modes KEY0 and KEYED), else NULL */
	uint32_t far[MAX_FAR]; /* reachable CCW addresses that cannot be fetched */
	unsigned nfar;
};

struct fdev {
	uint16_t addr;
	enum kind kind;
	struct chan_dev *d;
	struct prog *prog, *scratch;
};

struct fz {
	uint64_t seed;
	unsigned action;
	char what[160];       /* the step being checked, for messages */
	enum mode mode;
	struct machine *m;
	struct cpu *c;
	uint32_t size, prefix;
	uint8_t key1, key2;   /* the CAW keys of a keyed case */
	bool ec_allowed;
	/* Layout: an IDAW page, then the CCW pages. */
	uint32_t idaw_base, idaw_len, ccw_base, ccw_len;
	uint32_t entry[MAX_ENTRY];
	unsigned nentry;
	uint8_t *reserved;    /* per 2K block: low core, IDAW or CCW region */
	uint8_t *keys0;       /* per 2K block: access key and fetch bit as set up */
	uint8_t *kprev;       /* per 2K block: the key byte at the last check */
	uint8_t *shadow;      /* storage at the last check */
	uint16_t *allowed;    /* per byte: bit k set when a program with CAW key k may store there */
	unsigned caw_keys;    /* bit k: some program had CAW key k */
	struct fdev dev[NDEV];
	unsigned ndev;
	FILE *con_out, *deck;
	bool con_tmp;
};

static const struct {
	uint16_t addr;
	enum kind kind;
} dev_table[NDEV] = {
	{0x009, KIND_3215}, {0x00C, KIND_2540R}, {0x00E, KIND_TEST}, {0x180, KIND_TEST},
	{0x1C0, KIND_FUZZ}, {0x281, KIND_FUZZ},  {0x6A0, KIND_TEST}, {0xF0F, KIND_FUZZ},
};

#define FAIL_IF(f, cond, ...)                                                                       \
	do {                                                                                        \
		if (cond) {                                                                         \
			char msg_[512];                                                             \
			snprintf(msg_, sizeof msg_, __VA_ARGS__);                                   \
			ck_abort_msg("case seed %#llx, action %u (%s): %s", (unsigned long long)(f)->seed, \
				     (f)->action, (f)->what, msg_);                                 \
		}                                                                                   \
	} while (0)

static uint8_t *abs_ptr(struct fz *f, uint32_t a)
{
	return f->c->storage + a;
}

/* Real to absolute, as the CPU sees it. */
static uint32_t absolute(const struct fz *f, uint32_t ra)
{
	uint32_t page = ra & 0xFFF000u;
	if (page == 0)
		return ra | f->prefix;
	if (page == f->prefix)
		return ra & 0xFFFu;
	return ra;
}

/* The host writes real storage (the CAW, the instruction): the shadow follows. */
static void host_store(struct fz *f, uint32_t ra, const void *p, size_t n)
{
	uint32_t a = absolute(f, ra);
	memcpy(abs_ptr(f, a), p, n);
	memcpy(f->shadow + a, p, n);
}

static void host_store_psw(struct fz *f, uint32_t ra, uint32_t hi, uint32_t lo)
{
	uint8_t b[8];
	put_be32(b, hi);
	put_be32(b + 4, lo);
	host_store(f, ra, b, 8);
}

static bool in_storage(const struct fz *f, uint32_t a, uint32_t len)
{
	return a < f->size && len <= f->size - a;
}

static bool block_reserved(const struct fz *f, uint32_t a)
{
	return a < f->size && f->reserved[a >> BLOCK_SHIFT];
}

/* No byte of [a, a+len) inside storage is in a reserved block. */
static bool area_free(const struct fz *f, uint32_t a, uint32_t len)
{
	if (a >= f->size || len == 0)
		return true;
	uint32_t end = len > f->size - a ? f->size : a + len;
	for (uint32_t b = a >> BLOCK_SHIFT; b <= (end - 1) >> BLOCK_SHIFT; b++)
		if (f->reserved[b])
			return false;
	return true;
}

/* ------------------------------------------------------------------------------------------------
 * Generating the channel programs.
 */

/* The largest count gen_count() gives, when not 0 (the IPL cases: an IPL runs to its end at once). */
static uint16_t count_cap;

static uint16_t gen_count_uncapped(void);

static uint16_t gen_count(void)
{
	uint16_t n = gen_count_uncapped();
	return count_cap && n > count_cap ? count_cap : n;
}

static uint16_t gen_count_uncapped(void)
{
	unsigned r = below(100);
	if (r < 3)
		return 0;
	if (r < 13)
		return 1;
	if (r < 33)
		return (uint16_t)(2 + below(15));
	if (r < 43)
		return 80;
	if (r < 48)
		return 16;
	if (r < 68)
		return (uint16_t)(17 + below(284));
	if (r < 73)
		return (uint16_t)(2040 + below(20));
	if (r < 88)
		return (uint16_t)(301 + below(8000));
	if (r < 90)
		return 65535;
	return (uint16_t)rnd();
}

static uint8_t gen_cmd(void)
{
	static const uint8_t known[] = {
		0x01, 0x02, 0x03, 0x04, 0x13, /* test device */
		0x09, 0x0A, 0x0B,             /* 3215 */
		0x42, 0x82, 0xC2,             /* reader with stacker bits */
		0x0C, 0x0C, 0x0C, 0x8C,       /* read backward */
		0x05, 0x06, 0x07, 0x14, 0x24, 0xFF,
	};
	unsigned r = below(100);
	if (r < 60)
		return known[below(sizeof known)];
	if (r < 72)
		return (uint8_t)(0x08 | below(16) << 4); /* TIC */
	if (r < 77)
		return (uint8_t)(below(16) << 4); /* invalid */
	return (uint8_t)rnd();
}

static uint8_t gen_flags(void)
{
	uint8_t fl = 0;
	if (chance(45))
		fl |= CCW_CC;
	if (chance(12))
		fl |= CCW_CD;
	if (chance(30))
		fl |= CCW_SLI;
	if (chance(8))
		fl |= CCW_SKIP;
	if (chance(5))
		fl |= CCW_PCI;
	if (chance(10))
		fl |= CCW_IDA;
	if (chance(3))
		fl |= (uint8_t)(1 + below(3));
	return fl;
}

/* A data address for count bytes; in KEY0 cases outside every reserved block (the count may shrink). */
static uint32_t gen_data(struct fz *f, uint16_t *count)
{
	uint32_t s = f->size;
	for (int tries = 0; tries < 16; tries++) {
		uint32_t a;
		unsigned r = below(100);
		if (r < 35)
			a = below(s);
		else if (r < 50)
			a = s - below(*count + 64u < s ? *count + 64u : s);      /* up to and across the end */
		else if (r < 57)
			a = chance(50) ? s + below(0x10000) : 0xFFFFFFu - below(64); /* past the end */
		else if (r < 70)
			a = below(4096);                                           /* absolute page 0 */
		else if (r < 78)
			a = f->prefix + below(4096);                               /* the low-core page */
		else if (r < 90) {
			a = (1 + below(s / BLOCK_SIZE - 1)) * BLOCK_SIZE; /* across a 2K boundary */
			a -= below(16);
		}
		else
			a = (uint32_t)rnd();
		a &= AMASK;
		/* Read backward uses the bytes below a: keep both directions free. */
		uint32_t below_a = a < *count ? a : *count;
		if (f->mode != MODE_KEY0 || area_free(f, a - below_a, below_a + *count))
			return a;
		if (tries >= 8 && *count > 16)
			*count = (uint16_t)(1 + below(16));
	}
	return s + below(4096); /* outside storage: a program check, never a store */
}

/* An IDAW: an address inside a block (aligned or not), outside storage, or with bits 0-7 set. */
static uint32_t gen_idaw(struct fz *f)
{
	uint32_t nblk = f->size / BLOCK_SIZE;
	unsigned r = below(100);
	if (r < 10)
		return f->size + BLOCK_SIZE * below(8);
	if (r < 15)
		return (uint32_t)rnd() | 0x01000000u;
	for (int tries = 0; tries < 32; tries++) {
		uint32_t b = below(nblk);
		if (r < 25 && f->prefix)
			b = below(2); /* absolute page 0: the prefix area */
		if (f->mode == MODE_KEY0 && f->reserved[b])
			continue;
		uint32_t a = b * BLOCK_SIZE;
		if (r < 45 && r >= 25)
			return a + BLOCK_SIZE - 1; /* the last byte: the next IDAW of a read backward */
		return r < 80 ? a : a + 1 + below(BLOCK_SIZE - 1);
	}
	return f->size;
}

/* Doubleword-aligned addresses the channel programs may start at or TIC to. */
static uint32_t gen_ccw_addr(struct fz *f, uint32_t self)
{
	unsigned r = below(100);
	if (f->mode == MODE_WILD && r < 25)
		return below(f->size) & ~7u;
	if (r < 50 && self > f->ccw_base)
		return self - 8 * (1 + below((self - f->ccw_base) / 8 < 12 ? (self - f->ccw_base) / 8 : 12));
	if (r < 55)
		return self;                                                 /* TIC to itself */
	if (r < 60) {
		uint32_t a = f->ccw_base + 8 * below(f->ccw_len / 8);
		return a | (1 + below(7)); /* unaligned */
	}
	if (r < 65)
		return chance(50) ? f->size + 8 * below(512) : 0xFFFFF8u;        /* outside storage */
	if (r < 68 && f->mode != MODE_KEY0)
		return f->idaw_base + 8 * below(f->idaw_len / 8);                /* IDAWs as CCWs */
	return f->ccw_base + 8 * below(f->ccw_len / 8);
}

static void put_ccw(struct fz *f, uint32_t a, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count)
{
	uint8_t *p = abs_ptr(f, a);
	put_be32(p, data & AMASK);
	p[0] = cmd;
	p[4] = flags;
	p[5] = chance(10) ? (uint8_t)rnd() : 0; /* ignored by the channel */
	put_be16(p + 6, count);
}

/* One random CCW at a. */
static void gen_ccw(struct fz *f, uint32_t a, uint8_t cmd, uint8_t flags)
{
	uint16_t count = gen_count();
	uint32_t data;
	if ((cmd & 0x0F) == 0x08) {
		data = gen_ccw_addr(f, a);
	} else if (flags & CCW_IDA) {
		/* In KEY0 cases the whole IDAW list stays inside the IDAW page. */
		uint32_t need = 4 * (2 + count / IDAW_BLOCK);
		uint32_t words = f->mode == MODE_KEY0 ? (f->idaw_len - need) / 4 : f->idaw_len / 4;
		unsigned r = below(100);
		if (f->mode == MODE_WILD && r < 20)
			data = below(f->size) & ~3u;
		else if (r < 5) {
			data = f->idaw_base + 4 * below(words);
			data += 1 + below(3); /* unaligned: program check */
		}
		else if (r < 8)
			data = f->size - 4 * below(4);                         /* list runs out of storage */
		else
			data = f->idaw_base + 4 * below(words);
		/* A list at the end of storage: the words there may be a data area's (or, in KEY0
		 * cases, CCWs read as IDAWs pointing anywhere). */
		if (data < f->size && data >= f->size - 16 &&
		    (f->mode == MODE_KEY0 || (f->mode == MODE_KEYED && !block_reserved(f, f->size - 1))))
			data = f->size;
	} else {
		data = gen_data(f, &count);
	}
	put_ccw(f, a, cmd, data, flags, count);
}

/* Fill the IDAW page and the CCW pages: a run of programs, each one's first CCW an entry point. */
static void gen_programs(struct fz *f)
{
	for (uint32_t i = 0; i < f->idaw_len; i += 4)
		put_be32(abs_ptr(f, f->idaw_base + i), gen_idaw(f));

	uint32_t a = f->ccw_base, end = f->ccw_base + f->ccw_len - 16;
	f->nentry = 0;
	while (a < end) {
		uint32_t start = a;
		unsigned type = below(100);
		if (f->nentry < MAX_ENTRY)
			f->entry[f->nentry++] = a;
		if (type < 6 && end - a >= 8 * 330) {
			/* A long data chain: more CCWs than the channel gathers for one command. */
			unsigned n = 200 + below(120);
			uint8_t cmd = chance(50) ? 0x01 : 0x02;
			for (unsigned i = 0; i < n; i++, a += 8) {
				uint16_t count = (uint16_t)(1 + below(8));
				uint8_t fl = (uint8_t)((i + 1 < n ? CCW_CD : 0) | (chance(30) ? CCW_SLI : 0));
				uint8_t c = i ? gen_cmd() | 1 : cmd;
				uint32_t data = gen_data(f, &count);
				put_ccw(f, a, c, data, fl, count);
			}
		} else if (type < 12 && end - a >= 8 * 5) {
			/* An endless command chain, ended only by HIO, CLRIO or a reset. */
			unsigned n = 1 + below(4);
			for (unsigned i = 0; i < n; i++, a += 8) {
				static const uint8_t cmds[] = {0x03, 0x01, 0x02, 0x0B, 0x04};
				uint16_t count = (uint16_t)(1 + below(80));
				uint8_t c = cmds[below(sizeof cmds)];
				uint8_t fl = (uint8_t)(CCW_CC | CCW_SLI | (chance(10) ? CCW_PCI : 0));
				uint32_t data = gen_data(f, &count);
				put_ccw(f, a, c, data, fl, count);
			}
			put_ccw(f, a, 0x08, start + 8 * below(n), 0, 0);
			a += 8;
		} else if (type < 16 && end - a >= 8 * 2) {
			/* An endless data chain: a CCW chaining data to a TIC back to it. */
			uint16_t count = (uint16_t)(1 + below(64));
			uint8_t c = chance(50) ? 0x01 : 0x02;
			uint8_t fl = (uint8_t)(CCW_CD | (chance(50) ? CCW_SLI : 0));
			uint32_t data = gen_data(f, &count);
			put_ccw(f, a, c, data, fl, count);
			put_ccw(f, a + 8, 0x08, a, 0, 0);
			a += 16;
		} else {
			unsigned n = 1 + below(12);
			for (unsigned i = 0; i < n && a < end; i++, a += 8) {
				uint8_t c = gen_cmd();
				gen_ccw(f, a, c, gen_flags());
			}
		}
	}
	/* Guards: nothing chains past the region into storage that data may change. */
	for (; a < f->ccw_base + f->ccw_len; a += 8)
		put_ccw(f, a, 0x03, f->size, 0, 1);
}

/* ------------------------------------------------------------------------------------------------
 * What a program can reach (modes KEY0 and KEYED, where programs and IDAW lists never change).
 */

struct ccw_img {
	uint8_t cmd, flags;
	uint32_t data;
	uint16_t count;
};

static bool read_ccw(struct fz *f, uint32_t a, struct ccw_img *w)
{
	if ((a & 7) || !in_storage(f, a, 8))
		return false;
	const uint8_t *p = abs_ptr(f, a);
	w->cmd = p[0];
	w->data = be32(p) & AMASK;
	w->flags = p[4];
	w->count = be16(p + 6);
	return true;
}

static bool is_tic(const struct ccw_img *w)
{
	return (w->cmd & 0x0F) == 0x08;
}

static bool is_input(uint8_t cmd)
{
	return (cmd & 3) == 2 || (cmd & 0x0F) == 0x04 || (cmd & 0x0F) == 0x0C;
}

static void add_far(struct prog *p, uint32_t a)
{
	for (unsigned i = 0; i < p->nfar; i++)
		if (p->far[i] == a)
			return;
	if (p->nfar == MAX_FAR)
		p->far_overflow = true;
	else
		p->far[p->nfar++] = a;
}

/* Push a to the work list with node flags fl unless it already has them. */
static void reach(struct fz *f, struct prog *p, uint32_t *stack, unsigned *sp, uint32_t a, uint8_t fl)
{
	if ((a & 7) || !in_storage(f, a, 8)) {
		add_far(p, a);
		return;
	}
	fl |= NODE_IN;
	if ((p->node[a / 8] & fl) == fl)
		return;
	p->node[a / 8] |= fl; /* at most three pushes per doubleword: the flags only grow */
	stack[(*sp)++] = a;
}

static void closure(struct fz *f, struct prog *p, uint32_t start)
{
	uint32_t *stack = malloc(sizeof *stack * (f->size / 8) * 3 + sizeof *stack);
	unsigned sp = 0;

	if (!stack)
		ck_abort_msg("out of memory");
	memset(p->node, 0, f->size / 8);
	p->nfar = 0;
	p->far_overflow = false;
	p->pci = false;
	reach(f, p, stack, &sp, start, NODE_START);
	while (sp) {
		uint32_t a = stack[--sp];
		uint8_t how = p->node[a / 8] & (NODE_CD | NODE_START);
		struct ccw_img w;
		read_ccw(f, a, &w);
		if (w.flags & CCW_PCI)
			p->pci = true;
		if (is_tic(&w)) {
			if (!(w.data & 7))
				reach(f, p, stack, &sp, w.data, (uint8_t)(NODE_TICT | how));
			continue;
		}
		if (w.flags & CCW_CD)
			reach(f, p, stack, &sp, (a + 8) & AMASK, NODE_CD);
		if (w.flags & CCW_CC) {
			reach(f, p, stack, &sp, (a + 8) & AMASK, NODE_START);
			reach(f, p, stack, &sp, (a + 16) & AMASK, NODE_START); /* status modifier */
		}
	}
	free(stack);
}

static bool reached(const struct fz *f, const struct prog *p, uint32_t a)
{
	if (!(a & 7) && in_storage(f, a, 8))
		return p->node[a / 8] & NODE_IN;
	for (unsigned i = 0; i < p->nfar; i++)
		if (p->far[i] == a)
			return true;
	return false;
}

/* The pieces of storage a CCW's data area covers (direct or through its IDAWs), as far as they are
 * valid, and the IDAW words fetched. bad: some part is outside storage or an IDAW is invalid. */
struct area {
	bool bad;
	unsigned npiece, nidaw;
	uint32_t piece[40][2];
	uint32_t idaw[40];
};

/* The piece [a, a + n) of a data area (whatever of it is inside storage); false when some of it
 * is outside. */
static bool add_piece(struct fz *f, struct area *ar, uint32_t a, uint32_t n)
{
	if (a < f->size && n) {
		ar->piece[ar->npiece][0] = a;
		ar->piece[ar->npiece++][1] = n < f->size - a ? n : f->size - a;
	}
	return in_storage(f, a, n);
}

/*
 * The data area of a CCW, moving forward or (read backward, GA22-7000 "Read Backward") backward
 * from its data address: the bytes down to data - count + 1, the first IDAW naming the highest
 * byte and each further one the last byte of a 2K block.
 */
static void ccw_area(struct fz *f, const struct ccw_img *w, bool backward, struct area *ar)
{
	memset(ar, 0, sizeof *ar);
	if (!(w->flags & CCW_IDA)) {
		if (!backward)
			ar->bad = !add_piece(f, ar, w->data, w->count);
		else if (w->count > w->data + 1)
			ar->bad = true, add_piece(f, ar, 0, w->data + 1);
		else
			ar->bad = !add_piece(f, ar, w->data - w->count + 1, w->count);
		return;
	}
	uint32_t left = w->count;
	for (uint32_t k = 0; left; k++) {
		uint32_t wa = w->data + 4 * k;
		if (!in_storage(f, wa, 4)) {
			ar->bad = true;
			return;
		}
		ar->idaw[ar->nidaw++] = wa;
		uint32_t idaw = be32(abs_ptr(f, wa)), in = idaw & (IDAW_BLOCK - 1), room;
		if ((idaw & ~AMASK) || (k && in != (backward ? IDAW_BLOCK - 1 : 0))) {
			ar->bad = true;
			return;
		}
		room = backward ? in + 1 : IDAW_BLOCK - in;
		if (room > left)
			room = left;
		if (!add_piece(f, ar, backward ? idaw - room + 1 : idaw, room)) {
			ar->bad = true;
			return;
		}
		left -= room;
	}
}

/* How the channel may use the data area of the reachable CCW w at a: for the first CCW of a command,
 * as that command says; continuing a data chain, as any command may. Bits: 1 fetch, 2 store
 * forward, 4 store backward. */
static unsigned uses(const struct prog *p, uint32_t a, const struct ccw_img *w)
{
	unsigned u = 0;
	if (p->node[a / 8] & NODE_START)
		u |= !is_input(w->cmd) ? 1 : (w->cmd & 0x0F) == 0x0C ? 4 : 2;
	if (p->node[a / 8] & NODE_CD)
		u |= 1 | 2 | 4;
	return u;
}

/* The program check at the CCW at a (the CSW's CCW address - 8) has a cause there. */
static bool program_check_cause(struct fz *f, const struct prog *p, uint32_t a)
{
	struct ccw_img w;
	struct area ar;
	if (!read_ccw(f, a, &w))
		return true; /* the fetch itself */
	/* A data chain longer than the channel gathers for one command (channel.c, run_command),
	 * taken whole by the device, ends with a program check at the next CCW of the chain. */
	if (p->node[a / 8] & NODE_CD)
		return true;
	if (is_tic(&w))
		return (w.data & 7) || (p->node[a / 8] & NODE_TICT);
	if ((w.flags & CCW_RESERVED) || w.count == 0 || (w.cmd & 0x0F) == 0 ||
	    ((w.flags & CCW_IDA) && (w.data & 3)))
		return true;
	unsigned u = uses(p, a, &w);
	bool bad = false;
	if (u & 3) {
		ccw_area(f, &w, false, &ar);
		bad |= ar.bad;
	}
	if (u & 4) {
		ccw_area(f, &w, true, &ar);
		bad |= ar.bad;
	}
	return bad;
}

static bool key_denies(const struct fz *f, uint32_t a, uint8_t key, bool store)
{
	uint8_t sk = f->keys0[a >> BLOCK_SHIFT];
	return key && (sk >> 4) != key && (store || (sk & SKEY_FETCH));
}

static bool range_denies(const struct fz *f, uint32_t a, uint32_t len, uint8_t key, bool store)
{
	for (uint32_t b = a >> BLOCK_SHIFT; len && b <= (a + len - 1) >> BLOCK_SHIFT; b++)
		if (key_denies(f, b << BLOCK_SHIFT, key, store))
			return true;
	return false;
}

/* The protection check at the CCW at a has a cause there: a block it uses whose key differs. */
static bool protection_check_cause(struct fz *f, const struct prog *p, uint32_t a)
{
	struct ccw_img w;
	struct area ar;
	if (!read_ccw(f, a, &w))
		return false;
	if (key_denies(f, a, p->key, false))
		return true;
	if (is_tic(&w))
		return false;
	unsigned u = uses(p, a, &w);
	for (int backward = 0; backward < 2; backward++) {
		if (!(u & (backward ? 4 : 3)))
			continue;
		bool store = u & (backward ? 4 : 2);
		ccw_area(f, &w, backward, &ar);
		for (unsigned i = 0; i < ar.nidaw; i++)
			if (key_denies(f, ar.idaw[i], p->key, false))
				return true;
		for (unsigned i = 0; i < ar.npiece; i++)
			if (range_denies(f, ar.piece[i][0], ar.piece[i][1], p->key, store))
				return true;
	}
	return false;
}

/* A new program: where it can reach, and where it may store. */
static void prepare_prog(struct fz *f, struct prog *p, uint32_t caw, bool siof)
{
	p->state = PROG_KNOWN;
	p->caw = caw;
	p->key = (uint8_t)(caw >> 28);
	p->siof = siof;
	if (!p->node) {
		p->pci = true; /* wild: nothing known */
		return;
	}
	closure(f, p, caw & AMASK);
}

/* Bytes the program may store into: the data areas of the reachable CCWs that can read. */
static void allow_stores(struct fz *f, const struct prog *p)
{
	f->caw_keys |= 1u << p->key;
	if (!p->node)
		return;
	for (uint32_t i = 0; i < f->size / 8; i++) {
		struct ccw_img w;
		struct area ar;
		if (!p->node[i] || !read_ccw(f, i * 8, &w) || is_tic(&w) || (w.flags & CCW_SKIP))
			continue;
		unsigned u = uses(p, i * 8, &w);
		for (int backward = 0; backward < 2; backward++) {
			if (!(u & (backward ? 4 : 2)))
				continue;
			ccw_area(f, &w, backward, &ar);
			for (unsigned k = 0; k < ar.npiece; k++)
				for (uint32_t x = 0; x < ar.piece[k][1]; x++)
					f->allowed[ar.piece[k][0] + x] |= (uint16_t)(1u << p->key);
		}
	}
}

/* ------------------------------------------------------------------------------------------------
 * Checks.
 */

enum how { HOW_SIO, HOW_TIO, HOW_CLRIO, HOW_HIO, HOW_INT };

static void check_csw(struct fz *f, struct fdev *v, const uint8_t csw[8], enum how how)
{
	uint8_t key = csw[0] >> 4, cc = (csw[0] >> 1) & 3, unit = csw[4], chan = csw[5];
	uint32_t ccw = be32(csw) & AMASK;
	uint16_t count = be16(csw + 6);
	const struct prog *p = v->prog;

	stats.csws++;
	stats.prog += !!(chan & CHAN_PROG);
	stats.prot += !!(chan & CHAN_PROT);
	stats.il += !!(chan & CHAN_IL);
	stats.ccc += !!(chan & CHAN_CCC);
	stats.pci += !!(chan & CHAN_PCI);
	stats.busy += !!(unit & UNIT_BUSY);
	stats.attn += !!(unit & UNIT_ATTN);
	stats.deferred += cc != 0;

	FAIL_IF(f, csw[0] & 0x09, "CSW %08X %08X: logout or bit 7 set", be32(csw), be32(csw + 4));
	FAIL_IF(f, (unit & UNIT_BUSY) && how != HOW_SIO, "busy bit in a CSW not stored by SIO");
	FAIL_IF(f, chan & (CHAN_CDC | CHAN_ICC | CHAN_CHAIN),
		"CSW %08X %08X from %03X: channel status %02X no program can cause", be32(csw), be32(csw + 4),
		v->addr, chan);
	if (unit & UNIT_ATTN) {
		FAIL_IF(f, v->kind != KIND_3215 && v->kind != KIND_FUZZ, "attention from %03X", v->addr);
		FAIL_IF(f, key || cc || ccw || chan || count || (unit & ~(UNIT_ATTN | UNIT_BUSY)),
			"attention CSW %08X %08X from %03X", be32(csw), be32(csw + 4), v->addr);
		return;
	}
	FAIL_IF(f, p->state == PROG_NONE, "CSW %08X %08X from %03X, which was never started", be32(csw),
		be32(csw + 4), v->addr);
	FAIL_IF(f, unit & ~(UNIT_CE | UNIT_DE | UNIT_UC | UNIT_UX | UNIT_SM | UNIT_BUSY),
		"unit status %02X from %03X", unit, v->addr);
	FAIL_IF(f, (unit & (UNIT_CE | UNIT_DE)) == UNIT_CE || (unit & (UNIT_CE | UNIT_DE)) == UNIT_DE,
		"unit status %02X: channel end without device end or the other way", unit);
	FAIL_IF(f, (unit & UNIT_SM) && v->kind != KIND_FUZZ, "status modifier from %03X", v->addr);
	if (p->state == PROG_UNKNOWN)
		return;
	FAIL_IF(f, key != p->key, "CSW key %X, CAW key %X", key, p->key);
	FAIL_IF(f, cc && (cc != 1 || !p->siof), "CSW %08X %08X: deferred CC %u after %s", be32(csw),
		be32(csw + 4), cc, p->siof ? "SIOF" : "SIO");
	FAIL_IF(f, (chan & CHAN_PCI) && !p->pci, "PCI without a PCI flag");
	if (!p->node || p->far_overflow)
		return;

	/* The CCW address: 8 past a reachable CCW (the last one used, or the one that failed), or a
	 * reachable one itself (halt, PCI, an invalid CAW). */
	uint32_t last = (ccw - 8) & AMASK;
	bool after = reached(f, p, last), at = reached(f, p, ccw);
	FAIL_IF(f, !after && !at, "CSW %08X %08X from %03X (CAW %08X): CCW address reaches no CCW of the program",
		be32(csw), be32(csw + 4), v->addr, p->caw);
	struct ccw_img w;
	bool valid = after && read_ccw(f, last, &w) && !is_tic(&w);
	FAIL_IF(f, valid ? count > w.count : count != 0, "CSW %08X %08X (CAW %08X): count %u, CCW count %u",
		be32(csw), be32(csw + 4), p->caw, count, valid ? w.count : 0);
	bool caw_bad = p->caw & 0x0F000000u;
	FAIL_IF(f, (chan & CHAN_PROG) && !caw_bad && !(after && program_check_cause(f, p, last)),
		"CSW %08X %08X (CAW %08X): program check at CCW %06X without a cause", be32(csw), be32(csw + 4),
		p->caw, last);
	FAIL_IF(f, (chan & CHAN_PROT) && !(after && protection_check_cause(f, p, last)),
		"CSW %08X %08X (CAW %08X): protection check at CCW %06X without a cause", be32(csw),
		be32(csw + 4), p->caw, last);
	FAIL_IF(f, (chan & CHAN_IL) && !(valid && (!(w.flags & CCW_SLI) || (w.flags & CCW_CD))),
		"CSW %08X %08X (CAW %08X): incorrect length with SLI", be32(csw), be32(csw + 4), p->caw);
	FAIL_IF(f, (chan & CHAN_IL) && (unit & (UNIT_UC | UNIT_UX)),
		"CSW %08X %08X: incorrect length with unit check or exception", be32(csw), be32(csw + 4));
	/* Channel control check is a machine malfunction: the host out of memory, nothing a program
	 * can cause. */
	FAIL_IF(f, chan & CHAN_CCC, "CSW %08X %08X: channel control check", be32(csw), be32(csw + 4));
}

/* The low-core fields the CPU stores during these steps (real addresses). */
static bool cpu_field(uint32_t r)
{
	return (r >= 0x28 && r < 0x30) || (r >= 0x38 && r < 0x4C) || (r >= 0x50 && r < 0x54) ||
	       (r >= 0x88 && r < 0x90) || (r >= 0xA8 && r < 0xAC) || (r >= 0xB8 && r < 0xBC);
}

static bool may_change(const struct fz *f, uint32_t a)
{
	if (a >= f->prefix && a < f->prefix + 4096)
		return cpu_field(a - f->prefix);
	uint8_t bkey = f->keys0[a >> BLOCK_SHIFT] >> 4;
	if (f->mode == MODE_WILD)
		return f->caw_keys & (1u << bkey);
	return f->allowed[a] & (1u << 0 | 1u << bkey);
}

static bool block_may_change(const struct fz *f, uint32_t b)
{
	uint32_t a = b << BLOCK_SHIFT;
	if (a >= f->prefix && a < f->prefix + 4096)
		return true;
	for (uint32_t x = 0; x < BLOCK_SIZE; x++)
		if (may_change(f, a + x))
			return true;
	return false;
}

static void check_storage(struct fz *f)
{
	const uint8_t *s = f->c->storage;
	for (uint32_t a0 = 0; a0 < f->size; a0 += 256) {
		if (!memcmp(s + a0, f->shadow + a0, 256))
			continue;
		for (uint32_t a = a0; a < a0 + 256; a++)
			FAIL_IF(f, s[a] != f->shadow[a] && !may_change(f, a),
				"byte %06X changed %02X -> %02X (storage key %02X, CAW keys %04X)", a, f->shadow[a],
				s[a], f->keys0[a >> BLOCK_SHIFT], f->caw_keys);
		stats.changed++;
		memcpy(f->shadow + a0, s + a0, 256);
	}
	for (uint32_t b = 0; b < f->size >> BLOCK_SHIFT; b++) {
		uint8_t k = f->c->keys[b];
		FAIL_IF(f, (k & 0xF8) != f->keys0[b], "storage key of block %06X changed %02X -> %02X",
			b << BLOCK_SHIFT, f->keys0[b], k);
		FAIL_IF(f, (k & SKEY_CHANGE) && !(f->kprev[b] & SKEY_CHANGE) && !block_may_change(f, b),
			"change bit set on block %06X (key %02X), where no program may store", b << BLOCK_SHIFT, k);
		f->kprev[b] = k;
	}
	if (f->mode == MODE_KEY0)
		return;
	static uint8_t buf[65536];
	for (unsigned i = 0; i < f->ndev; i++) {
		struct fdev *v = &f->dev[i];
		if (v->kind == KIND_TEST) {
			uint32_t n = devtest_written(v->d, buf, sizeof buf);
			FAIL_IF(f, has_secret(buf, n < sizeof buf ? n : sizeof buf),
				"device %03X received bytes of a fetch-protected block", v->addr);
		} else if (v->kind == KIND_FUZZ) {
			const struct fuzzdev *t = chan_dev_priv(v->d);
			FAIL_IF(f, t->secrets, "device %03X received bytes of a fetch-protected block", v->addr);
		}
	}
}

/* ------------------------------------------------------------------------------------------------
 * The guest: one I/O instruction, a spin or a wait per machine_run(), checked.
 */

struct psw_choice {
	bool ec;
	uint8_t bc_mask; /* BC: PSW byte 0 (channel masks) */
	bool io;         /* EC: PSW bit 6 */
	uint32_t cr2;    /* EC: channel masks */
};

static struct psw_choice random_masks(struct fz *f, bool enabled)
{
	struct psw_choice p = {.ec = f->ec_allowed && chance(40)};
	if (!enabled)
		return p;
	if (p.ec) {
		p.io = true;
		p.cr2 = chance(50) ? 0xFFFF0000u : (uint32_t)rnd() & 0xFFFF0000u;
	} else {
		p.bc_mask = 0xFE;
		if (chance(50)) {
			uint8_t m = (uint8_t)(rnd() & 0xFE);
			p.bc_mask = (uint8_t)(m | 0x80 >> below(7));
		}
	}
	return p;
}

static void load_psw(struct fz *f, const struct psw_choice *p, uint32_t ia, bool wait)
{
	uint8_t psw[8] = {0};
	if (p->ec) {
		psw[0] = p->io ? 0x02 : 0;
		psw[1] = (uint8_t)(0x08 | (wait ? 0x02 : 0));
		cpu_set_cr(f->c, 2, p->cr2);
	} else {
		psw[0] = p->bc_mask;
		psw[1] = wait ? 0x02 : 0;
	}
	psw[5] = (uint8_t)(ia >> 16);
	psw[6] = (uint8_t)(ia >> 8);
	psw[7] = (uint8_t)ia;
	if (!cpu_set_psw(f->c, psw))
		ck_abort_msg("invalid PSW %08X %08X", be32(psw), be32(psw + 4));
}

static bool channel_enabled(const struct psw_choice *p, unsigned ch)
{
	if (p->ec)
		return p->io && (p->cr2 & (0x80000000u >> ch));
	return ch < 6 ? p->bc_mask & (0x80 >> ch) : p->bc_mask & 0x02;
}

static struct fdev *find_fdev(struct fz *f, uint16_t addr)
{
	for (unsigned i = 0; i < f->ndev; i++)
		if (f->dev[i].addr == addr)
			return &f->dev[i];
	return NULL;
}

static bool channel_has_devices(const struct fz *f, unsigned ch)
{
	for (unsigned i = 0; i < f->ndev; i++)
		if (f->dev[i].addr >> 8 == ch)
			return true;
	return false;
}

/*
 * machine_run() with the PSW loaded: it must come back within the budget and RUN_NS_MAX, with the
 * budget spent, in an enabled wait, or in the disabled wait of the I/O new PSW after an I/O
 * interruption (*interrupted).
 */
static enum machine_exit run_bounded(struct fz *f, uint64_t budget, bool *interrupted)
{
	uint64_t before = cpu_instructions(f->c), t0 = now_ns();
	uint8_t psw[8];

	enum machine_exit e = machine_run(f->c, budget);
	stats.runs++;
	uint64_t ns = now_ns() - t0, ran = cpu_instructions(f->c) - before;
	FAIL_IF(f, ran > budget, "ran %llu instructions on a budget of %llu", (unsigned long long)ran,
		(unsigned long long)budget);
	FAIL_IF(f, ns > RUN_NS_MAX, "machine_run() took %llu ms", (unsigned long long)(ns / 1000000));
	cpu_get_psw(f->c, psw);
	uint32_t ia = be32(psw + 4) & AMASK;
	*interrupted = e == MACHINE_EXIT_DISABLED_WAIT && ia == IO_WAIT;
	FAIL_IF(f, e != MACHINE_EXIT_BUDGET && e != MACHINE_EXIT_ENABLED_WAIT && !*interrupted,
		"machine_run() exit %s at %06X", machine_exit_str(e), ia);
	return e;
}

/* After an I/O interruption: the old PSW at X'38' in the mode it was, the device address in it
 * (BC) or at X'BA' (EC) a device there on an enabled channel, and the CSW at X'40'. */
static void check_interruption(struct fz *f, const struct psw_choice *p)
{
	uint8_t old[8], csw[8];
	memcpy(old, abs_ptr(f, absolute(f, 0x38)), 8);
	memcpy(csw, abs_ptr(f, absolute(f, 0x40)), 8);
	uint16_t addr = be16(abs_ptr(f, absolute(f, old[1] & 0x08 ? 0xBA : 0x3A)));
	struct fdev *v = find_fdev(f, addr);
	stats.interruptions++;
	FAIL_IF(f, (bool)(old[1] & 0x08) != p->ec, "I/O old PSW %08X %08X: mode changed", be32(old), be32(old + 4));
	FAIL_IF(f, !v, "I/O interruption from %04X, which is not there", addr);
	FAIL_IF(f, !channel_enabled(p, addr >> 8), "I/O interruption from %03X while its channel was masked", addr);
	snprintf(f->what + strlen(f->what), sizeof f->what - strlen(f->what), ", interruption from %03X", addr);
	check_csw(f, v, csw, HOW_INT);
}

enum io_op { OP_SIO, OP_SIOF, OP_TIO, OP_CLRIO, OP_HIO, OP_HDV, OP_TCH, OP_STIDC, OP_COUNT };

static const struct {
	const char *name;
	uint16_t code;
} io_ops[OP_COUNT] = {
	[OP_SIO] = {"SIO", 0x9C00},   [OP_SIOF] = {"SIOF", 0x9C01}, [OP_TIO] = {"TIO", 0x9D00},
	[OP_CLRIO] = {"CLRIO", 0x9D01}, [OP_HIO] = {"HIO", 0x9E00}, [OP_HDV] = {"HDV", 0x9E01},
	[OP_TCH] = {"TCH", 0x9F00},   [OP_STIDC] = {"STIDC", 0xB203},
};

static uint32_t gen_caw(struct fz *f)
{
	uint8_t key = 0;
	if (f->mode != MODE_KEY0) {
		unsigned r = below(100);
		key = r < 80 ? f->key1 : r < 95 ? f->key2 : (uint8_t)(1 + below(14));
	}
	uint32_t a;
	unsigned r = below(100);
	if (r < 75)
		a = f->entry[below(f->nentry)];
	else if (r < 85)
		a = f->ccw_base + 8 * below(f->ccw_len / 8);
	else if (r < 90)
		a = f->entry[below(f->nentry)], a += 1 + below(7);
	else if (r < 95)
		a = chance(50) ? f->size + 8 * below(64) : 0xFFFFF8u;
	else if (f->mode == MODE_WILD)
		a = (uint32_t)rnd() & AMASK;
	else
		a = f->entry[below(f->nentry)];
	uint32_t caw = (uint32_t)key << 28 | a;
	if (chance(3))
		caw |= (1 + below(15)) << 24; /* bits 4-7 must be zero */
	return caw;
}

/*
 * One I/O instruction on device address addr. Returns its condition code, or -1 when an I/O
 * interruption came first (the instruction did not run). A CSW it stored is checked.
 */
static int io_insn(struct fz *f, enum io_op op, uint16_t addr, bool enabled)
{
	struct fdev *v = find_fdev(f, addr);
	struct psw_choice p = random_masks(f, enabled);
	uint8_t insn[4];
	struct prog *started = NULL;
	bool init_error = false; /* SIO must not start this program */

	snprintf(f->what, sizeof f->what, "%s %03X%s%s", io_ops[op].name, addr, p.ec ? " EC" : "",
		 enabled ? " enabled" : "");
	put_be16(insn, io_ops[op].code);
	if (chance(50)) {
		put_be16(insn + 2, addr & 0x0FFF); /* B2 = 0, D2 = the address (all are 12 bits) */
	} else {
		put_be16(insn + 2, 0x1000); /* 0(1): bits 8-15 of the address are ignored */
		cpu_set_gpr(f->c, 1, (uint32_t)rnd() << 16 | addr);
	}
	host_store(f, CODE, insn, 4);
	if ((op == OP_SIO || op == OP_SIOF) && v) {
		uint32_t caw = gen_caw(f);
		uint8_t b[4];
		put_be32(b, caw);
		host_store(f, 0x48, b, 4);
		started = v->scratch;
		prepare_prog(f, started, caw, op == OP_SIOF);
		/* The CAW, or the first CCW, is invalid: found at initiation. */
		struct ccw_img w;
		uint32_t a = caw & AMASK;
		init_error = (caw & 0x0F000000u) || !read_ccw(f, a, &w) ||
			     (!is_tic(&w) && ((w.flags & CCW_RESERVED) || w.count == 0 || (w.cmd & 0x0F) == 0 ||
					      ((w.flags & CCW_IDA) && (w.data & 3))));
		snprintf(f->what + strlen(f->what), sizeof f->what - strlen(f->what), " CAW %08X", caw);
	}
	load_psw(f, &p, CODE, false);

	/* Enabled, a pending interruption may come before the instruction (which then does not run)
	 * or after it: the PSW, or the I/O old PSW, says which. What the instruction did is booked
	 * before the interruption's CSW is checked, which may be the new program's. */
	bool interrupted;
	run_bounded(f, 1, &interrupted);
	uint8_t psw[8];
	if (interrupted)
		memcpy(psw, abs_ptr(f, absolute(f, 0x38)), 8);
	else
		cpu_get_psw(f->c, psw);
	bool executed = (be32(psw + 4) & AMASK) == CODE + 4;
	FAIL_IF(f, !executed && (be32(psw + 4) & AMASK) != CODE, "PSW at %06X after the instruction",
		be32(psw + 4) & AMASK);
	unsigned cc = psw[1] & 0x08 ? (psw[2] >> 4) & 3 : (psw[4] >> 4) & 3;
	uint8_t csw[8];
	memcpy(csw, abs_ptr(f, absolute(f, 0x40)), 8);

	if (executed) {
		snprintf(f->what + strlen(f->what), sizeof f->what - strlen(f->what), " CC %u", cc);
		stats.cc[cc]++;
		if (op == OP_TCH || op == OP_STIDC) {
			bool there = (addr >> 8) < 16 && channel_has_devices(f, addr >> 8);
			FAIL_IF(f, (cc == 3) != !there, "CC %u for channel %X", cc, addr >> 8);
			FAIL_IF(f, op == OP_STIDC && there && cc != 0, "STIDC CC %u", cc);
			if (op == OP_STIDC && there)
				FAIL_IF(f, be32(abs_ptr(f, absolute(f, 0xA8))) != ((addr >> 8) ? 0x20000000u : 0x10000000u),
					"channel ID %08X", be32(abs_ptr(f, absolute(f, 0xA8))));
		} else {
			FAIL_IF(f, (cc == 3) != !v, "CC %u for device %03X", cc, addr);
		}
		if (v && op != OP_TCH && op != OP_STIDC) {
			bool stored = cc == 1 && !interrupted;
			if (started && cc == 1) {
				/* Busy: the pending status of the last program (the new one did not start);
				 * else the new one ended at once. An interruption may have overwritten the
				 * CSW before anyone saw which. */
				if (!stored)
					v->prog->state = PROG_UNKNOWN;
				if (!stored || (csw[4] & UNIT_BUSY))
					started = NULL;
				else
					FAIL_IF(f, !(csw[5] & (CHAN_PROG | CHAN_PROT | CHAN_CCC)),
						"SIO CC 1, CSW %08X %08X: neither busy nor an initiation error",
						be32(csw), be32(csw + 4));
			}
			FAIL_IF(f, op == OP_SIO && init_error && cc == 0, "SIO started a program with an invalid %s",
				(started->caw & 0x0F000000u) ? "CAW" : "first CCW");
			if (started && cc == 0)
				stats.starts++;
			if (started && cc <= 1) {
				v->scratch = v->prog;
				v->prog = started;
				allow_stores(f, started);
			}
			if (stored) {
				static const enum how hows[] = {[OP_SIO] = HOW_SIO, [OP_SIOF] = HOW_SIO,
								[OP_TIO] = HOW_TIO, [OP_CLRIO] = HOW_CLRIO,
								[OP_HIO] = HOW_HIO, [OP_HDV] = HOW_HIO};
				check_csw(f, v, csw, hows[op]);
			}
		}
	}
	if (interrupted)
		check_interruption(f, &p);
	check_storage(f);
	return executed ? (int)cc : -1;
}

/* Spin at LOOP, or wait, with the given masks; check any interruption. */
static void spin(struct fz *f, bool enabled, bool wait)
{
	static const uint64_t budgets[] = {1, 10, 100, 1000, 20000, 40000};
	struct psw_choice p = random_masks(f, enabled);
	uint64_t budget = budgets[below(sizeof budgets / sizeof budgets[0])];
	snprintf(f->what, sizeof f->what, "%s %llu%s%s", wait ? "wait" : "spin", (unsigned long long)budget,
		 p.ec ? " EC" : "", enabled ? " enabled" : "");
	load_psw(f, &p, LOOP, wait && enabled);
	bool interrupted;
	enum machine_exit e = run_bounded(f, budget, &interrupted);
	FAIL_IF(f, e == MACHINE_EXIT_ENABLED_WAIT && !(wait && enabled), "enabled wait while spinning");
	if (interrupted)
		check_interruption(f, &p);
	check_storage(f);
}

/* End of a case: HIO and TIO until every subchannel is idle. */
static void drain(struct fz *f)
{
	bool idle = false;
	for (int round = 0; round < 8 && !idle; round++) {
		idle = true;
		for (unsigned i = 0; i < f->ndev; i++) {
			int cc = io_insn(f, OP_TIO, f->dev[i].addr, false);
			if (cc == 0)
				continue;
			idle = false;
			if (cc == 2)
				io_insn(f, chance(50) ? OP_HIO : OP_HDV, f->dev[i].addr, false);
		}
	}
	FAIL_IF(f, !idle, "subchannels still busy after HIO");
}

/* ------------------------------------------------------------------------------------------------
 * A case.
 */

static uint8_t random_key(struct fz *f)
{
	unsigned r = below(100);
	if (r < 30)
		return (uint8_t)(f->key1 << 4);
	if (r < 38)
		return (uint8_t)(f->key1 << 4 | SKEY_FETCH);
	if (r < 50)
		return (uint8_t)(f->key2 << 4);
	if (r < 55)
		return (uint8_t)(f->key2 << 4 | SKEY_FETCH);
	if (r < 63)
		return 0;
	if (r < 68)
		return SKEY_FETCH;
	if (r < 80)
		return 0xF0 | SKEY_FETCH; /* secret */
	uint8_t k = (uint8_t)((1 + below(14)) << 4);
	return (uint8_t)(k | (chance(30) ? SKEY_FETCH : 0));
}

static void setup_case(struct fz *f, uint64_t seed, int mode)
{
	static const uint32_t sizes[] = {32768, 65536, 65536, 131072, 262144};

	memset(f, 0, sizeof *f);
	f->seed = seed;
	rng_state = seed * 0x9E3779B97F4A7C15ull + 0x5EED370;
	if (!rng_state)
		rng_state = 1;
	f->size = sizes[below(sizeof sizes / sizeof sizes[0])];
	unsigned r = below(100);
	f->mode = mode >= 0 ? (enum mode)mode : r < 40 ? MODE_KEY0 : r < 80 ? MODE_KEYED : MODE_WILD;
	f->key1 = (uint8_t)(1 + below(14));
	do
		f->key2 = (uint8_t)(1 + below(14));
	while (f->key2 == f->key1);
	f->ec_allowed = chance(70);
	snprintf(f->what, sizeof f->what, "setup");

	struct machine_config cfg = {.storage_size = f->size, .deterministic_time = true};
	f->m = machine_new(&cfg);
	ck_assert_ptr_nonnull(f->m);
	f->c = machine_cpu(f->m);

	/* Layout: the prefix page; an IDAW page and one or two CCW pages together, not on page 0. */
	uint32_t pages = f->size / 4096, ppage = 0;
	if (chance(50)) {
		ppage = 1 + below(pages - 1);
		f->prefix = ppage * 4096;
	}
	uint32_t npg = 2 + below(2), start;
	for (;;) {
		start = chance(20) ? pages - npg : 1 + below(pages - npg);
		if (ppage < start || ppage >= start + npg)
			break;
	}
	f->idaw_base = start * 4096;
	f->idaw_len = 4096;
	f->ccw_base = f->idaw_base + 4096;
	f->ccw_len = (npg - 1) * 4096;
	f->c->prefix = f->prefix;

	uint32_t nblk = f->size >> BLOCK_SHIFT;
	f->reserved = calloc(nblk, 1);
	f->keys0 = calloc(nblk, 1);
	f->kprev = calloc(nblk, 1);
	f->shadow = malloc(f->size);
	f->allowed = calloc(f->size, sizeof *f->allowed);
	ck_assert(f->reserved && f->keys0 && f->kprev && f->shadow && f->allowed);
	for (uint32_t b = 0; b < nblk; b++) {
		uint32_t a = b << BLOCK_SHIFT;
		bool low = a >= f->prefix && a < f->prefix + 4096;
		bool prog = a >= f->idaw_base && a < f->ccw_base + f->ccw_len;
		f->reserved[b] = low || prog;
		if (f->mode == MODE_KEY0)
			f->keys0[b] = (uint8_t)(rnd() & 0xF8);
		else if (low)
			f->keys0[b] = 0xF0;
		else if (prog && f->mode == MODE_KEYED)
			f->keys0[b] = chance(5) ? 0xF0 | SKEY_FETCH : 0xF0;
		else
			f->keys0[b] = random_key(f);
		f->c->keys[b] = f->keys0[b];
	}

	/* Storage: random, secret blocks filled with the secret, low core, then the programs. */
	uint8_t *s = f->c->storage;
	for (uint32_t a = 0; a < f->size; a += 8) {
		uint64_t v = rnd();
		memcpy(s + a, &v, 8);
	}
	for (uint32_t b = 0; b < nblk; b++)
		if (f->keys0[b] == (0xF0 | SKEY_FETCH) && !f->reserved[b])
			for (uint32_t x = 0; x < BLOCK_SIZE; x += 8)
				memcpy(s + (b << BLOCK_SHIFT) + x, secret, 8);
	memset(s + f->prefix, 0, 4096);
	gen_programs(f);
	memcpy(f->shadow, s, f->size);
	static const uint32_t new_psws[] = {0x58, 0x60, 0x68, 0x70};
	for (unsigned i = 0; i < 4; i++)
		host_store_psw(f, new_psws[i], 0x00020000, PGM_WAIT);
	host_store_psw(f, 0x78, 0x00020000, IO_WAIT);
	host_store(f, 0x50, "\x7F\xFF\xFF\xFF", 4);
	host_store(f, LOOP, "\x47\xF0\x0F\x00", 4);

	/* Devices. */
	f->con_tmp = chance(30);
	f->con_out = f->con_tmp ? tmpfile() : fopen("/dev/null", "w");
	f->deck = tmpfile();
	ck_assert(f->con_out && f->deck);
	bool ascii = chance(50);
	for (unsigned n = below(7), i = 0; i < n; i++) {
		if (ascii) {
			fprintf(f->deck, "CARD %u %.*s\n", i, (int)below(90), "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		} else {
			uint8_t card[80];
			for (unsigned x = 0; x < 80; x++)
				card[x] = (uint8_t)(0xC1 + (x + i) % 9);
			fwrite(card, 1, below(3) ? 80 : 1 + below(79), f->deck);
		}
	}
	rewind(f->deck);
	for (unsigned i = 0; i < NDEV; i++) {
		struct fdev *v = &f->dev[f->ndev];
		if (dev_table[i].addr != 0x009 && chance(10))
			continue; /* sometimes a device is missing: CC 3 */
		v->addr = dev_table[i].addr;
		v->kind = dev_table[i].kind;
		switch (v->kind) {
		case KIND_TEST:
			v->d = devtest_attach(f->m, v->addr);
			if (v->d)
				devtest_set_record_len(v->d, chance(50) ? 16 : 1 + below(300));
			break;
		case KIND_3215: v->d = dev3215_attach(f->m, v->addr, f->con_out); break;
		case KIND_2540R: v->d = dev2540r_attach(f->m, v->addr, f->deck, ascii); break;
		case KIND_FUZZ: v->d = fuzzdev_attach(f->m, v->addr, rnd()); break;
		}
		ck_assert_ptr_nonnull(v->d);
		for (int k = 0; k < 2; k++) {
			struct prog *p = calloc(1, sizeof *p);
			ck_assert_ptr_nonnull(p);
			if (f->mode != MODE_WILD) {
				p->node = calloc(f->size / 8, 1);
				ck_assert_ptr_nonnull(p->node);
			}
			if (k)
				v->scratch = p;
			else
				v->prog = p;
		}
		f->ndev++;
	}
	for (uint32_t b = 0; b < nblk; b++)
		f->kprev[b] = f->c->keys[b];
}

static void teardown_case(struct fz *f)
{
	if (f->con_tmp) {
		/* Nor did the console print a secret. */
		char text[8], buf[4096];
		size_t n;
		ebcdic_to_ascii_buf(text, secret, sizeof text);
		fflush(f->con_out);
		rewind(f->con_out);
		while (f->mode != MODE_KEY0 && (n = fread(buf, 1, sizeof buf, f->con_out)) > 0)
			FAIL_IF(f, memmem(buf, n, text, sizeof text), "the console printed a fetch-protected block");
	}
	machine_free(f->m);
	fclose(f->con_out);
	fclose(f->deck);
	for (unsigned i = 0; i < f->ndev; i++) {
		free(f->dev[i].prog->node);
		free(f->dev[i].scratch->node);
		free(f->dev[i].prog);
		free(f->dev[i].scratch);
	}
	free(f->reserved);
	free(f->keys0);
	free(f->kprev);
	free(f->shadow);
	free(f->allowed);
}

static uint16_t random_dev_addr(struct fz *f)
{
	if (chance(90))
		return f->dev[below(f->ndev)].addr;
	return (uint16_t)(chance(50) ? dev_table[below(NDEV)].addr : below(0x1000));
}

static void run_case(uint64_t seed)
{
	static struct fz f;
	setup_case(&f, seed, -1);
	unsigned n = 40 + below(80);
	for (f.action = 0; f.action < n; f.action++) {
		unsigned r = below(100);
		uint16_t addr = random_dev_addr(&f);
		bool enabled = chance(25);
		if (r < 30) {
			io_insn(&f, chance(70) ? OP_SIO : OP_SIOF, addr, enabled);
			if (chance(30))
				spin(&f, chance(70), false);
		} else if (r < 45) {
			int cc = io_insn(&f, OP_TIO, addr, enabled);
			if (cc == 1 && chance(50))
				FAIL_IF(&f, io_insn(&f, OP_TIO, addr, false) != 0, "TIO after TIO CC 1 is not CC 0");
		} else if (r < 52) {
			int cc = io_insn(&f, OP_CLRIO, addr, enabled);
			if (cc >= 0 && cc <= 1 && chance(50))
				FAIL_IF(&f, io_insn(&f, OP_TIO, addr, false) != 0, "TIO after CLRIO CC %d is not CC 0", cc);
		} else if (r < 60) {
			io_insn(&f, chance(50) ? OP_HIO : OP_HDV, addr, enabled);
		} else if (r < 65) {
			io_insn(&f, OP_TCH, chance(80) ? addr : (uint16_t)(below(16) << 8), enabled);
		} else if (r < 67) {
			io_insn(&f, OP_STIDC, addr, enabled);
		} else if (r < 85) {
			bool en = chance(75);
			spin(&f, en, chance(40));
		} else if (r < 92) {
			/* Console input or a device's attention: status pending when the device is idle. */
			struct fdev *v = &f.dev[below(f.ndev)];
			snprintf(f.what, sizeof f.what, "attention %03X", v->addr);
			if (v->kind == KIND_3215)
				dev3215_input_line(v->d, chance(50) ? "HELLO" : "");
			else if (v->kind == KIND_FUZZ)
				chan_dev_post_status(v->d, UNIT_ATTN);
		} else if (r < 93) {
			snprintf(f.what, sizeof f.what, "I/O reset");
			machine_io_reset(f.m);
			for (unsigned i = 0; i < f.ndev; i++)
				FAIL_IF(&f, io_insn(&f, OP_TIO, f.dev[i].addr, false) != 0, "TIO after reset not CC 0");
		} else {
			spin(&f, true, true);
		}
	}
	drain(&f);
	teardown_case(&f);
	stats.cases++;
}

/*
 * IPL (machine_ipl): the channel runs the IPL read and the CCWs it brings in, all at once. Devices
 * hand over random IPL records (a PSW, valid or not, and two random CCWs that chain into the
 * random programs in storage); the IPL must end within bounded time with a status of its enum,
 * load the PSW read (with the device address stored) exactly when it says OK, and leave the CPU
 * reset with a zero PSW otherwise; the machine then runs.
 */
static void ipl_record(struct fz *f, uint8_t rec[24])
{
	uint8_t psw[8] = {0};
	unsigned r = below(100);
	uint32_t ia = below(f->size) & ~1u;
	if (r < 40) {
		psw[1] = chance(50) ? 0x02 : 0; /* BC, maybe a wait */
	} else if (r < 70) {
		psw[1] = (uint8_t)(0x08 | (chance(50) ? 0x02 : 0)); /* EC */
	} else {
		for (int i = 0; i < 8; i++)
			psw[i] = (uint8_t)rnd(); /* anything: often a format error in EC mode */
		ia = be32(psw + 4) & AMASK;
	}
	psw[5] = (uint8_t)(ia >> 16);
	psw[6] = (uint8_t)(ia >> 8);
	psw[7] = (uint8_t)ia;
	memcpy(rec, psw, 8);
	/* Two CCWs as the random programs have them, made at 8 and 16 where the IPL read puts them. */
	uint8_t c1 = gen_cmd(), c2 = gen_cmd();
	if (chance(40))
		put_ccw(f, 8, 0x03, 0, CCW_CC | CCW_SLI, 1);
	else
		gen_ccw(f, 8, chance(30) ? 0x08 : c1, gen_flags() | (chance(70) ? CCW_CC : 0));
	gen_ccw(f, 16, c2, gen_flags());
	if (chance(10)) {
		put_ccw(f, 16, 0x08, 8, 0, 0); /* back to 8: without end if that chains */
	} else if (chance(70)) { /* mostly: chain on into the programs */
		uint32_t e = f->entry[below(f->nentry)];
		put_ccw(f, 16, 0x08, e, 0, 0);
	}
	memcpy(rec + 8, abs_ptr(f, 8), 16);
}

static void run_ipl_case(uint64_t seed)
{
	static struct fz f;
	count_cap = 4096;
	setup_case(&f, seed, MODE_WILD);
	for (f.action = 0; f.action < 6; f.action++) {
		struct fdev *v = &f.dev[below(f.ndev)];
		uint16_t addr = chance(95) ? v->addr : (uint16_t)below(0x1000);
		v = find_fdev(&f, addr);
		snprintf(f.what, sizeof f.what, "IPL %03X", addr);
		if (v && v->kind == KIND_FUZZ) {
			struct fuzzdev *t = chan_dev_priv(v->d);
			ipl_record(&f, t->record);
			t->record_len = chance(90) ? 24 : below(40);
			t->calm = chance(25);
		}
		struct machine_ipl_csw csw;
		uint64_t t0 = now_ns();
		enum machine_ipl_status st = machine_ipl(f.m, addr, &csw);
		FAIL_IF(&f, now_ns() - t0 > RUN_NS_MAX, "IPL took %llu ms", (unsigned long long)((now_ns() - t0) / 1000000));
		FAIL_IF(&f, st > MACHINE_IPL_INVALID_PSW, "IPL status %d", (int)st);
		stats.ipl[st]++;
		FAIL_IF(&f, (st == MACHINE_IPL_NOT_OPERATIONAL) != !v, "%s", machine_ipl_str(st));
		FAIL_IF(&f, csw.sense_len > sizeof csw.sense || (csw.sense_len && st != MACHINE_IPL_UNIT_CHECK),
			"%s with %u sense bytes", machine_ipl_str(st), csw.sense_len);
		FAIL_IF(&f, st == MACHINE_IPL_CHANNEL_CHECK && !(csw.chan & (CHAN_PROG | CHAN_PROT | CHAN_CCC)),
			"channel check with channel status %02X", csw.chan);
		uint8_t psw[8], low[8];
		cpu_get_psw(f.c, psw);
		memcpy(low, f.c->storage, 8); /* the prefix is 0 after the IPL */
		if (st == MACHINE_IPL_OK) {
			bool ec = low[1] & 0x08;
			uint16_t stored = ec ? be16(f.c->storage + 0xBA) : be16(low + 2);
			FAIL_IF(&f, stored != addr, "device address %04X stored, IPL from %03X", stored, addr);
			FAIL_IF(&f, memcmp(psw, low, 8) != 0, "PSW %08X %08X loaded, %08X %08X at location 0",
				be32(psw), be32(psw + 4), be32(low), be32(low + 4));
			uint64_t before = cpu_instructions(f.c);
			t0 = now_ns();
			enum machine_exit e = machine_run(f.c, 5000);
			FAIL_IF(&f, cpu_instructions(f.c) - before > 5000 || now_ns() - t0 > RUN_NS_MAX ||
					    e > MACHINE_EXIT_DIAGNOSE,
				"the IPLed program ran %llu instructions, exit %d",
				(unsigned long long)(cpu_instructions(f.c) - before), (int)e);
		} else {
			static const uint8_t zero[8];
			FAIL_IF(&f, memcmp(psw, zero, 8) != 0, "%s, but the PSW is %08X %08X", machine_ipl_str(st),
				be32(psw), be32(psw + 4));
		}
		stats.runs++;
	}
	teardown_case(&f);
	count_cap = 0;
}

START_TEST(test_random_ipl_ends_with_a_status_in_bounded_time)
{
	uint64_t seed = env_or("CAMBRIDGE_CHANFUZZ_SEED", 0xC4A17F22) ^ 0x1F1;
	uint64_t cases = env_or("CAMBRIDGE_CHANFUZZ_CASES", 800) / 3;
	init_secret();
	for (uint64_t i = 0; i < cases; i++)
		run_ipl_case(seed + i);
	fprintf(stderr, "check_chanfuzz: %llu IPL cases:", (unsigned long long)cases);
	for (int st = 0; st <= MACHINE_IPL_INVALID_PSW; st++)
		fprintf(stderr, " %lu %s;", stats.ipl[st], machine_ipl_str((enum machine_ipl_status)st));
	fprintf(stderr, "\n");
}
END_TEST

START_TEST(test_random_channel_programs_keep_the_architecture)
{
	uint64_t seed = env_or("CAMBRIDGE_CHANFUZZ_SEED", 0xC4A17F22);
	uint64_t cases = env_or("CAMBRIDGE_CHANFUZZ_CASES", 800);
	fprintf(stderr, "check_chanfuzz: seed %#llx, %llu cases (CAMBRIDGE_CHANFUZZ_SEED, _CASES)\n",
		(unsigned long long)seed, (unsigned long long)cases);
	init_secret();
	for (uint64_t i = 0; i < cases; i++) {
		if (getenv("CAMBRIDGE_FUZZ_VERBOSE"))
			fprintf(stderr, "chanfuzz case %llu seed %#llx (%lu runs, %lu CSWs so far)\n", (unsigned long long)i,
				(unsigned long long)(seed + i), stats.runs, stats.csws);
		run_case(seed + i);
	}
	fprintf(stderr,
		"check_chanfuzz: %lu cases, %lu runs, %lu programs started, CC %lu/%lu/%lu/%lu, %lu interruptions, "
		"%lu CSWs checked (program check %lu, protection %lu, incorrect length %lu, channel control %lu, "
		"PCI %lu, busy %lu, attention %lu, deferred CC %lu), %lu storage areas changed\n",
		stats.cases, stats.runs, stats.starts, stats.cc[0], stats.cc[1], stats.cc[2], stats.cc[3],
		stats.interruptions, stats.csws, stats.prog, stats.prot, stats.il, stats.ccc, stats.pci, stats.busy,
		stats.attn, stats.deferred, stats.changed);
}
END_TEST

/* ------------------------------------------------------------------------------------------------
 * Bugs the fuzz found in channel.c: the smallest program that showed each, kept as regression tests.
 */

#define KB_CODE 0x1000u

static void kb_ccw(struct machine *m, uint32_t at, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count)
{
	h_set_word(m, at, (uint32_t)cmd << 24 | data);
	h_set_word(m, at + 4, (uint32_t)flags << 24 | count);
}

/* One I/O instruction (disabled for interruptions); its CC. */
static unsigned kb_io(struct machine *m, uint16_t op, uint16_t addr)
{
	uint8_t insn[4];
	put_be16(insn, op);
	put_be16(insn + 2, addr);
	h_put(m, KB_CODE, insn, 4);
	ck_assert_int_eq(h_run(m, KB_CODE, 1), MACHINE_EXIT_BUDGET);
	return h_cc(m);
}

/*
 * A data chain of 300 CCWs is a legal channel program: writing 300 one-byte pieces must end with
 * channel end and device end, the device having all 300 bytes. channel.c gathers at most
 * CHAN_MAX_DATA_CHAIN (then 256) CCWs for one command and ended the program there with X'04' in
 * the channel status, which is channel control check (a machine malfunction), not a program error.
 */
START_TEST(test_long_data_chain_completes)
{
	struct machine *m = h_new(64 * 1024, false);
	struct chan_dev *d = devtest_attach(m, 0x180);
	uint8_t data[300], got[300];

	for (unsigned i = 0; i < 300; i++) {
		data[i] = (uint8_t)(i * 7);
		kb_ccw(m, 0x2000 + 8 * i, 0x01, 0x8000 + i, i < 299 ? CCW_CD : 0, 1);
	}
	h_put(m, 0x8000, data, sizeof data);
	h_set_word(m, 0x48, 0x2000);
	unsigned cc = kb_io(m, 0x9C00, 0x180); /* SIO */
	if (cc == 0)
		cc = kb_io(m, 0x9D00, 0x180); /* TIO: the CSW */
	ck_assert_uint_eq(cc, 1);
	ck_assert_msg(h_word(m, 0x40) == 0x2000 + 300 * 8 && h_word(m, 0x44) == 0x0C000000u,
		      "CSW %08X %08X, want 00002960 0C000000", h_word(m, 0x40), h_word(m, 0x44));
	ck_assert_uint_eq(devtest_written(d, got, sizeof got), 300);
	ck_assert_mem_eq(got, data, sizeof data);
	machine_free(m);
}
END_TEST

/* A device whose read backward (X'0C') has a 16-byte block; everything else as a test device. */
static uint8_t backward_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	uint8_t *sense = chan_dev_priv(d);
	if (cmd != 0x0C)
		return chan_common_command(cmd, sense, buf, len);
	for (uint32_t i = 0; i < *len && i < 16; i++)
		buf[i] = (uint8_t)(0x41 + i);
	*len = 16;
	return UNIT_CE | UNIT_DE;
}

static const struct dev_ops backward_ops = {
	.type = "BKWD",
	.execute = backward_execute,
	.free = free,
};

/*
 * Read backward places the data in storage in descending addresses, starting at the CCW's data
 * address (GA22-7000, "Read Backward"): a 16-byte read backward at X'4080' fills X'4071'-X'4080'
 * and leaves X'4081' and up alone. (Found as a known bug - X'0C' was a forward read - and fixed
 * in channel.c since; kept as its regression test.)
 */
START_TEST(test_read_backward_stores_below_the_data_address)
{
	struct machine *m = h_new(64 * 1024, false);
	ck_assert_ptr_nonnull(machine_attach_device(m, 0x180, &backward_ops, calloc(1, 1)));
	uint8_t zero[64] = {0}, got[64];

	h_put(m, 0x4060, zero, sizeof zero);
	kb_ccw(m, 0x2000, 0x0C, 0x4080, 0, 16);
	h_set_word(m, 0x48, 0x2000);
	ck_assert_uint_eq(kb_io(m, 0x9C00, 0x180), 0);
	ck_assert_uint_eq(kb_io(m, 0x9D00, 0x180), 1);
	ck_assert_uint_eq(h_word(m, 0x44), 0x0C000000u);
	h_get(m, 0x4060, got, sizeof got);
	for (unsigned i = 0x21; i < 0x40; i++)
		ck_assert_msg(got[i] == 0, "read backward stored at %04X, above its data address 4080", 0x4060 + i);
	for (unsigned i = 0x11; i <= 0x20; i++)
		ck_assert_msg(got[i] != 0, "read backward did not store at %04X", 0x4060 + i);
	machine_free(m);
}
END_TEST

/*
 * The CCW address in a CSW is 24 bits and CSW bit 7 is zero. With 16M of storage a command chain
 * that runs to the last doubleword (X'FFFFF8') leaves the subchannel's next-CCW address at
 * X'1000000'; HIO on the byte multiplexer then stores it unmasked (store_csw_status), so the CSW
 * reads X'01000000': bit 7 set. (end_program masks with AMASK; store_csw_status and the PCI
 * intermediate status in chan_deliver do not.) Where the channel stops between steps depends on
 * its step size, so the chain is tried at several lengths.
 */
START_TEST(test_csw_ccw_address_beyond_24_bits_is_masked)
{
	struct machine *m = h_new(16u * 1024 * 1024, false);
	ck_assert_ptr_nonnull(devtest_attach(m, 0x00E));
	for (unsigned n = 1; n <= 8 * 64; n++) {
		uint32_t first = 0x1000000u - 8 * n;
		for (unsigned i = 0; i < n; i++)
			kb_ccw(m, first + 8 * i, 0x03, 0, CCW_CC, 1);
		h_set_word(m, 0x48, first);
		ck_assert_uint_eq(kb_io(m, 0x9C00, 0x00E), 0); /* SIO */
		if (kb_io(m, 0x9E00, 0x00E) == 1)                /* HIO: CSW stored */
			ck_assert_msg(!(h_word(m, 0x40) & 0xFF000000u), "chain of %u: CSW %08X %08X", n,
				      h_word(m, 0x40), h_word(m, 0x44));
		while (kb_io(m, 0x9D00, 0x00E) != 0) /* TIO until idle */
			;
	}
	machine_free(m);
}
END_TEST

/* A device whose read has the IPL record below; everything else as a unit-record device. */
static const uint8_t endless_ipl_record[24] = {
	0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* PSW: a disabled wait */
	0x08, 0x00, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, /* TIC X'3000' */
};

static uint8_t ipl_record_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	uint8_t *sense = chan_dev_priv(d);
	if (cmd != 0x02)
		return chan_common_command(cmd, sense, buf, len);
	memcpy(buf, endless_ipl_record, *len < 24 ? *len : 24);
	*len = 24;
	return UNIT_CE | UNIT_DE;
}

static const struct dev_ops ipl_record_ops = {
	.type = "IPLREC",
	.execute = ipl_record_execute,
	.free = free,
};

/*
 * An IPL runs its channel program to the end at once (machine_ipl). It was bounded by a number of
 * 64-CCW steps but not by the bytes they moved: an IPL record that TICs into an endless command
 * chain of no-ops, each chaining data over 80 CCWs of 64K, took seconds to minutes of host time.
 * Now every CCW and every 4K moved count against the IPL's work limit: an endless chain of no-ops
 * over 80 CCWs of 4K each (320K a command) ends "did not end" after some tens of megabytes.
 */
START_TEST(test_endless_ipl_program_is_bounded_by_work)
{
	struct machine *m = h_new(1024 * 1024, false);
	ck_assert_ptr_nonnull(machine_attach_device(m, 0x00C, &ipl_record_ops, calloc(1, 1)));
	for (unsigned i = 0; i < 80; i++) /* X'3000': NOP, 80 CCWs of data chaining, 4K each */
		kb_ccw(m, 0x3000 + 8 * i, 0x03, 0x10000, i < 79 ? CCW_CD : CCW_CC, 0x1000);
	kb_ccw(m, 0x3000 + 8 * 80, 0x08, 0x3000, 0, 0);
	/* Bounded by the work done (CCWs and data moved), not by the number of steps: the IPL gives up
	 * after some tens of megabytes, well inside the test's timeout. */
	enum machine_ipl_status st = machine_ipl(m, 0x00C, NULL);
	ck_assert_msg(st == MACHINE_IPL_NO_END, "IPL ended: %s", machine_ipl_str(st));
	machine_free(m);
}
END_TEST

/* A data chain longer than the channel gathers (1M here: 32 CCWs of 64K, then more), to a device
 * that takes everything: a program check at the first CCW not gathered, not a normal end. */
START_TEST(test_overlong_data_chain_taken_whole_is_program_check)
{
	struct machine *m = h_new(1024 * 1024, false);
	ck_assert_ptr_nonnull(machine_attach_device(m, 0x00C, &ipl_record_ops, calloc(1, 1)));
	for (unsigned i = 0; i < 40; i++) /* X'3000': NOP over 40 CCWs of 64K */
		kb_ccw(m, 0x3000 + 8 * i, 0x03, 0x10000, i < 39 ? CCW_CD : 0, 0xFFFF);
	struct machine_ipl_csw csw;
	enum machine_ipl_status st = machine_ipl(m, 0x00C, &csw);
	ck_assert_msg(st == MACHINE_IPL_CHANNEL_CHECK, "IPL ended: %s", machine_ipl_str(st));
	ck_assert_uint_eq(csw.chan, CHAN_PROG);
	machine_free(m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("chanfuzz");
	TCase *tc = tcase_create("fuzz");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_random_channel_programs_keep_the_architecture);
	tcase_add_test(tc, test_random_ipl_ends_with_a_status_in_bounded_time);
	tcase_add_test(tc, test_read_backward_stores_below_the_data_address);
	suite_add_tcase(s, tc);
	TCase *kb = tcase_create("found");
	tcase_set_timeout(kb, 60);
	tcase_add_test(kb, test_long_data_chain_completes);
	tcase_add_test(kb, test_endless_ipl_program_is_bounded_by_work);
	tcase_add_test(kb, test_overlong_data_chain_taken_whole_is_program_check);
	tcase_add_test(kb, test_csw_ccw_address_beyond_24_bits_is_masked);
	suite_add_tcase(s, kb);
	return s;
}

int main(void)
{
	return check_run(suite());
}
