/*
 * bench.c - the benchmarks behind `make bench`: MIPS per CPU benchmark loop, on Cambridge's
 * interpreter and, when tests/hercules/hercules-run is given, on Hercules 3.13; records per
 * second of the I/O benchmark, on Cambridge (below).
 *
 *   bench [--hercules-run PATH] [--seconds S] [--repeat R] [--records N] [--cpu-time] [--verbose]
 *         IMAGE.bin ...
 *
 * Each image follows bench/frame.inc: the loop count N at X'200', the instructions per iteration
 * at X'204', the TOD clock at loop start and end at X'208' and X'210', the final registers at
 * X'300', and a disabled wait at address 0 for success. For each image:
 *
 *  1. Cambridge: N is calibrated so that one run takes about S seconds (default 1.5), then the
 *     image runs R times (default 3) through machine_run() in this process and the best wall time
 *     counts. MIPS = instructions executed (cpu_instructions) / wall time. Start-up is excluded
 *     by construction: the clock is read around machine_run() only.
 *  2. Hercules: the same image runs under tests/hercules/hercules-run, first with N/16 as a probe (its final
 *     registers must match Cambridge's with the same N), then R times with N chosen from the
 *     probe for about S seconds of Hercules time. Hercules' MIPS are the loop's instructions (N x
 *     per-iteration) over the time between the two STCKs around the loop, read from Hercules' own
 *     TOD clock, best of the R runs: that excludes Hercules' start-up, the automatic operator's
 *     reaction and the state displays. As a cross-check, --verbose also shows the difference of
 *     the wall times of the long and the probe runs over the difference of their instructions.
 *  3. With --cpu-time, MIPS are per second of CPU time rather than of wall time: Cambridge's
 *     thread's during machine_run(), and the Hercules process's (hercules-run --cpu-file), the
 *     long runs against the probe so that start-up cancels out. For busy machines.
 *
 * Prints one line per program: name, instructions, Cambridge MIPS, Hercules MIPS, ratio.
 *
 * An image with the mark "IOBENCH " (EBCDIC) at X'1F0' is the I/O benchmark instead (bench/io.s
 * describes its frame): it runs on Cambridge only, with a new 3350 volume at device address 190,
 * made for each run in $TMPDIR (default /tmp) and gone when the run ends. The program writes
 * --records N records (default 10,000), reads them back and checks them, and times its phases
 * and the I/O operations in them with the TOD clock, which follows the host's clock. The driver
 * keeps the fastest of R runs and prints its row ("-" for Hercules) and, for the write phase, the
 * read phase and both: records per second, host microseconds per record, of which in the I/O
 * operations (SIO to I/O interruption: the channel, the device and its file) and in the guest's
 * own instructions, and the I/O's share; then guest instructions per record. --verbose adds each
 * run's wall, CPU and kernel (getrusage; sampled, so rough) time.
 *
 * docs/bench.md explains the method.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/be.h"
#include "machine/dev_dasd.h"
#include "machine/machine.h"

#define STORAGE (1024u * 1024)
#define OFF_N 0x200
#define OFF_PER_ITER 0x204
#define OFF_TOD_START 0x208
#define OFF_TOD_END 0x210
#define OFF_REGS 0x300
#define N_MAX 0x7FFFFFFFu

static const uint8_t success_psw[8] = {0x00, 0x0A, 0, 0, 0, 0, 0, 0};

struct image {
	const char *path;
	char name[64];
	uint8_t *data;
	size_t size;
	uint32_t per_iter;
};

struct run {
	bool ok;
	char why[160];
	uint64_t instructions;
	double seconds;     /* wall time: of machine_run() (Cambridge), of the whole run (Hercules) */
	double cpu_seconds; /* CPU time: of machine_run()'s thread, of the child processes */
	double tod_seconds; /* Hercules: between the loop's two STCKs */
	uint8_t regs[64];
};

static double clock_seconds(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}


static bool read_image(struct image *im, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return false;
	}
	im->data = malloc(STORAGE);
	im->size = im->data ? fread(im->data, 1, STORAGE, f) : 0;
	fclose(f);
	if (im->size < 0x400) {
		fprintf(stderr, "bench: %s: not a benchmark image (see bench/frame.inc)\n", path);
		return false;
	}
	im->path = path;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(im->name, sizeof im->name, "%.*s", (int)strcspn(base, "."), base);
	im->per_iter = be32(im->data + OFF_PER_ITER);
	return true;
}

static void patch_n(uint8_t *data, uint32_t n)
{
	put_be32(data + OFF_N, n);
}

/* One run on Cambridge's interpreter. */
static struct run run_cambridge(struct image *im, uint32_t n)
{
	struct run r = {0};
	struct machine_config cfg = {.storage_size = STORAGE, .extension = false};
	struct machine *m = machine_new(&cfg);
	if (!m) {
		snprintf(r.why, sizeof r.why, "machine_new: %s", strerror(errno));
		return r;
	}
	patch_n(im->data, n);
	machine_load(m, 0, im->data, im->size);
	struct cpu *c = machine_cpu(m);
	cpu_set_psw(c, im->data);
	uint64_t budget = (uint64_t)n * im->per_iter * 2 + 100000;

	double c0 = clock_seconds(CLOCK_THREAD_CPUTIME_ID), t0 = now();
	enum machine_exit e = machine_run(c, budget);
	r.seconds = now() - t0;
	r.cpu_seconds = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - c0;

	r.instructions = cpu_instructions(c);
	uint8_t psw[8];
	cpu_get_psw(c, psw);
	machine_dump(m, OFF_REGS, r.regs, sizeof r.regs);
	if (e != MACHINE_EXIT_DISABLED_WAIT || memcmp(psw, success_psw, 8) != 0) {
		snprintf(r.why, sizeof r.why, "ended in %s, PSW %02X%02X%02X%02X %02X%02X%02X%02X",
			 machine_exit_str(e), psw[0], psw[1], psw[2], psw[3], psw[4], psw[5], psw[6],
			 psw[7]);
	} else {
		r.ok = true;
	}
	machine_free(m);
	return r;
}

/* ---- Hercules, through tests/hercules/hercules-run ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *s = malloc(cap);
	size_t k;
	while (s && (k = fread(s + len, 1, cap - len - 1, f)) > 0) {
		len += k;
		if (cap - len < 2) {
			char *t = realloc(s, cap *= 2);
			if (!t) {
				free(s);
				s = NULL;
			}
			s = t;
		}
	}
	fclose(f);
	if (s)
		s[len] = 0;
	return s;
}

/* The string value of "key" in the (flat enough) JSON text, into out. */
static bool json_string(const char *json, const char *key, char *out, size_t size)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\"", key);
	const char *p = strstr(json, pat);
	if (!p)
		return false;
	p += strlen(pat);
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ':')
		p++;
	if (*p != '"')
		return false;
	p++;
	size_t i = 0;
	while (*p && *p != '"' && i + 1 < size)
		out[i++] = *p++;
	out[i] = 0;
	return *p == '"';
}

static bool hex_bytes(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (uint8_t)v;
	}
	return true;
}

static struct run run_hercules(const char *tool, struct image *im, uint32_t n)
{
	struct run r = {0};
	char img[] = "/tmp/cambridge-bench-XXXXXX";
	char state[] = "/tmp/cambridge-bench-state-XXXXXX";
	char cpu[] = "/tmp/cambridge-bench-cpu-XXXXXX";
	int fd = mkstemp(img), sfd = mkstemp(state), cfd = mkstemp(cpu);
	if (fd < 0 || sfd < 0 || cfd < 0) {
		snprintf(r.why, sizeof r.why, "mkstemp: %s", strerror(errno));
		goto out;
	}
	close(sfd);
	close(cfd);
	patch_n(im->data, n);
	if (write(fd, im->data, im->size) != (ssize_t)im->size) {
		snprintf(r.why, sizeof r.why, "write: %s", strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;

	double t0 = now();
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", tool, "--timeout", "900", "--storage", "2M", "--dump", "200:0x20",
		      "--dump", "300:0x40", "--cpu-file", cpu, "--state", state, img, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(r.why, sizeof r.why, "hercules-run failed (status %d)", status);
		goto out;
	}
	r.seconds = now() - t0;
	/* hercules-run's own figures leave out Hercules' shutdown: CPU seconds, elapsed seconds. */
	FILE *cf = fopen(cpu, "r");
	double elapsed = 0;
	if (!cf || fscanf(cf, "%lf %lf", &r.cpu_seconds, &elapsed) != 2)
		r.cpu_seconds = -1;
	else if (elapsed > 0)
		r.seconds = elapsed;
	if (cf)
		fclose(cf);

	char *json = slurp(state);
	char stop[32], psw[20], low[80], regs[160];
	uint8_t lowb[32], pswb[8];
	/* The storage keys are looked for after "storage": CR15 holds 00000200 too. */
	const char *storage = json ? strstr(json, "\"storage\"") : NULL;
	if (!storage || !json_string(json, "stop", stop, sizeof stop) ||
	    !json_string(json, "psw", psw, sizeof psw) ||
	    !json_string(storage, "00000200", low, sizeof low) ||
	    !json_string(storage, "00000300", regs, sizeof regs) || !hex_bytes(psw, pswb, 8) ||
	    !hex_bytes(low, lowb, 32) || !hex_bytes(regs, r.regs, 64)) {
		snprintf(r.why, sizeof r.why, "cannot read hercules-run's state");
		free(json);
		goto out;
	}
	free(json);
	if (strcmp(stop, "disabled-wait") != 0 || memcmp(pswb, success_psw, 8) != 0) {
		snprintf(r.why, sizeof r.why, "ended in %s, PSW %.8s %.8s", stop, psw, psw + 8);
		goto out;
	}
	/* TOD bit 51 is one microsecond: 4096 units. */
	uint64_t t_start = be64(lowb + 8), t_end = be64(lowb + 16);
	r.tod_seconds = (double)(t_end - t_start) / 4096e6;
	r.instructions = (uint64_t)n * im->per_iter;
	r.ok = true;
out:
	if (fd >= 0)
		close(fd);
	unlink(img);
	unlink(state);
	unlink(cpu);
	return r;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench [--hercules-run PATH] [--seconds S] [--repeat R] [--records N] "
			"[--cpu-time] [--verbose] IMAGE.bin ...\n");
	exit(2);
}

static double mips(uint64_t instructions, double seconds)
{
	return seconds > 0 ? (double)instructions / seconds / 1e6 : 0.0;
}

static void print_row(const char *name, uint64_t instructions, double cmips, double hmips,
		      const char *failure)
{
	printf("%-10s %14" PRIu64 " %15.1f", name, instructions, cmips);
	if (failure)
		printf(" %15s  (%s)\n", "FAILED", failure);
	else if (hmips > 0)
		printf(" %15.1f %7.2f\n", hmips, cmips / hmips);
	else
		printf(" %15s %7s\n", "-", "-");
	fflush(stdout);
}

/* ---- The I/O benchmark (bench/io.s) ---- */

/* bench/io.s's frame: its mark, and where the program leaves its figures. */
#define IO_OFF_MARK 0x1F0
#define IO_OFF_TOD 0x208     /* TOD before writing; +8 after writing; +0x18 after reading */
#define IO_OFF_COUNTS 0x228  /* records written, read, read back wrong; SIOs started */
#define IO_OFF_CSW 0x238     /* the CSW of a failing I/O operation */
#define IO_OFF_SENSE 0x240   /* the sense bytes after a unit check */
#define IO_OFF_DL 0x258      /* the data length of a record */
#define IO_OFF_IO_TIME 0x260 /* the I/O operations' time in the write phase; +8 in the read phase */
#define IO_LOW_END 0x270
#define IO_DEVICE 0x190
#define IO_TYPE "3350"

static const uint8_t io_mark[8] = {0xC9, 0xD6, 0xC2, 0xC5, 0xD5, 0xC3, 0xC8, 0x40}; /* IOBENCH */

enum io_phase { IO_WRITE, IO_READ, IO_PHASES };

struct io_run {
	bool ok;
	char why[240];
	uint64_t instructions;
	double seconds;     /* wall time of the machine_run() calls */
	double cpu_seconds; /* CPU time of this thread meanwhile */
	double sys_seconds; /* of which in the kernel, as getrusage() samples it */
	/* From the program's TOD values: each phase, and its I/O operations in it. */
	double phase_seconds[IO_PHASES];
	double io_seconds[IO_PHASES];
};

static bool is_io_image(const struct image *im)
{
	return memcmp(im->data + IO_OFF_MARK, io_mark, sizeof io_mark) == 0;
}

static const struct dasd_geom *io_geom(void)
{
	return dasd_geom_find(IO_TYPE);
}

/* Records the volume can hold at per_track to a track. */
static uint32_t io_records_max(uint32_t per_track)
{
	const struct dasd_geom *g = io_geom();
	uint64_t n = (uint64_t)g->cyls * g->heads * per_track;
	return n > N_MAX ? N_MAX : (uint32_t)n;
}

static uint32_t io_tracks(uint32_t records, uint32_t per_track)
{
	return (records + per_track - 1) / per_track;
}

/* A new volume for records records at per_track to a track, in $TMPDIR (else /tmp). Its file is
 * unlinked at once: it is gone when the device closes it, however the run ends. */
static bool io_volume(uint32_t records, uint32_t per_track, struct ckd **vol, char *why, size_t size)
{
	const struct dasd_geom *g = io_geom();
	uint32_t cyls = (io_tracks(records, per_track) + g->heads - 1) / g->heads;
	const char *tmp = getenv("TMPDIR");
	char dir[512], path[600];
	snprintf(dir, sizeof dir, "%s/cambridge-bench-io-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(why, size, "%.160s: %s", dir, strerror(errno));
		return false;
	}
	snprintf(path, sizeof path, "%s/io.%s", dir, IO_TYPE);
	struct dasd_where w;
	memset(&w, 0, sizeof w);
	enum dasd_status s = ckd_create(path, g, cyls, 0, vol, &w);
	unlink(path);
	rmdir(dir);
	if (s != DASD_OK) {
		snprintf(why, size, "ckd_create %.160s: %s", path, dasd_status_str(s));
		return false;
	}
	return true;
}

static double tv_seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* TOD units (bit 51 is one microsecond) in seconds. */
static double tod_seconds(uint64_t units)
{
	return (double)units / 4096e6;
}

/* One run of the I/O benchmark. */
static struct io_run run_io(struct image *im, uint32_t records)
{
	struct io_run r = {0};
	struct ckd *vol;
	if (!io_volume(records, im->per_iter, &vol, r.why, sizeof r.why))
		return r;
	struct machine_config cfg = {.storage_size = STORAGE, .extension = false};
	struct machine *m = machine_new(&cfg);
	if (!m) {
		snprintf(r.why, sizeof r.why, "machine_new: %s", strerror(errno));
		ckd_close(vol);
		return r;
	}
	if (!devckd_attach(m, IO_DEVICE, vol, false)) {
		snprintf(r.why, sizeof r.why, "devckd_attach: %s", strerror(errno));
		ckd_close(vol);
		machine_free(m);
		return r;
	}
	patch_n(im->data, records);
	machine_load(m, 0, im->data, im->size);
	struct cpu *c = machine_cpu(m);
	cpu_set_psw(c, im->data);

	/* Far more than the program needs: it executes a few dozen instructions per record. */
	uint64_t budget = (uint64_t)records * 1000 + 1000000;
	enum machine_exit e;
	unsigned idle = 0;
	struct rusage u0, u1;
	getrusage(RUSAGE_THREAD, &u0);
	double c0 = clock_seconds(CLOCK_THREAD_CPUTIME_ID), t0 = now();
	for (;;) {
		uint64_t before = cpu_instructions(c);
		e = machine_run(c, budget);
		uint64_t ran = cpu_instructions(c) - before;
		budget -= ran < budget ? ran : budget;
		/* An enabled wait comes back here only with no interruption pending: the channel
		 * program has more steps to run (the next machine_run() runs them), or nothing is
		 * coming, which a thousand calls in a row without an instruction take to mean. */
		if (e != MACHINE_EXIT_ENABLED_WAIT || budget == 0)
			break;
		idle = ran ? 0 : idle + 1;
		if (idle > 1000)
			break;
	}
	r.seconds = now() - t0;
	r.cpu_seconds = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
	getrusage(RUSAGE_THREAD, &u1);
	r.sys_seconds = tv_seconds(u1.ru_stime) - tv_seconds(u0.ru_stime);
	r.instructions = cpu_instructions(c);

	uint8_t psw[8], low[IO_LOW_END - OFF_N];
	cpu_get_psw(c, psw);
	machine_dump(m, OFF_N, low, sizeof low);
	const uint8_t *tod = low + IO_OFF_TOD - OFF_N, *counts = low + IO_OFF_COUNTS - OFF_N;
	const uint8_t *csw = low + IO_OFF_CSW - OFF_N, *sense = low + IO_OFF_SENSE - OFF_N;
	const uint8_t *io = low + IO_OFF_IO_TIME - OFF_N;
	r.phase_seconds[IO_WRITE] = tod_seconds(be64(tod + 8) - be64(tod));
	r.phase_seconds[IO_READ] = tod_seconds(be64(tod + 0x18) - be64(tod + 8));
	r.io_seconds[IO_WRITE] = tod_seconds(be64(io));
	r.io_seconds[IO_READ] = tod_seconds(be64(io + 8));
	uint32_t written = be32(counts), read = be32(counts + 4), wrong = be32(counts + 8);
	uint32_t sios = be32(counts + 12), tracks = io_tracks(records, im->per_iter);

	if (e != MACHINE_EXIT_DISABLED_WAIT || memcmp(psw, success_psw, 8) != 0) {
		int k = snprintf(r.why, sizeof r.why, "ended in %s, PSW %02X%02X%02X%02X %02X%02X%02X%02X",
				 machine_exit_str(e), psw[0], psw[1], psw[2], psw[3], psw[4], psw[5], psw[6],
				 psw[7]);
		bool bad = e == MACHINE_EXIT_DISABLED_WAIT && psw[5] == 0x0B && psw[6] == 0xAD;
		if (bad && k > 0 && (size_t)k < sizeof r.why)
			snprintf(r.why + k, sizeof r.why - (size_t)k,
				 ", CSW %02X%02X%02X%02X %02X%02X%02X%02X, sense %02X%02X%02X", csw[0],
				 csw[1], csw[2], csw[3], csw[4], csw[5], csw[6], csw[7], sense[0],
				 sense[1], sense[2]);
	} else if (written != records || read != records || wrong != 0) {
		snprintf(r.why, sizeof r.why, "%" PRIu32 " records written and %" PRIu32 " read of %" PRIu32
			 ", %" PRIu32 " read back wrong", written, read, records, wrong);
	} else if (sios != 2 * tracks) {
		snprintf(r.why, sizeof r.why, "%" PRIu32 " SIOs for %" PRIu32 " tracks", sios, tracks);
	} else {
		r.ok = true;
	}
	machine_free(m); /* closes the volume */
	return r;
}

static double percent(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0.0;
}

/* One line of the I/O figures: records per second, microseconds per record, the I/O's part. */
static void io_line(const char *name, const char *phase, double records, double seconds, double io)
{
	printf("  %s: %-5s %10.0f %11.2f %10.2f %10.2f %5.1f%%\n", name, phase,
	       seconds > 0 ? records / seconds : 0.0, seconds / records * 1e6, io / records * 1e6,
	       (seconds - io) / records * 1e6, percent(io, seconds));
}

/* The I/O benchmark: repeat runs, the fastest counts. Prints the row and the I/O figures; false
 * on failure. */
static bool bench_io(struct image *im, uint32_t records, int repeat, bool cpu_time, bool verbose)
{
	struct io_run r = {0}, best = {0};
	for (int k = 0; k < repeat; k++) {
		r = run_io(im, records);
		if (!r.ok)
			break;
		if (verbose)
			printf("  %s: %.3f s, CPU %.3f s (kernel %.3f s); write %.3f s (I/O %.3f s), "
			       "read %.3f s (I/O %.3f s)\n",
			       im->name, r.seconds, r.cpu_seconds, r.sys_seconds, r.phase_seconds[IO_WRITE],
			       r.io_seconds[IO_WRITE], r.phase_seconds[IO_READ], r.io_seconds[IO_READ]);
		if (k == 0 || r.seconds < best.seconds)
			best = r;
	}
	if (!r.ok) {
		char why[260];
		snprintf(why, sizeof why, "Cambridge %s", r.why);
		print_row(im->name, r.instructions, 0, 0, why);
		return false;
	}
	print_row(im->name, best.instructions,
		  mips(best.instructions, cpu_time ? best.cpu_seconds : best.seconds), 0, NULL);

	double n = records;
	printf("  %s: %" PRIu32 " records of %" PRIu32 " bytes on a %s at %03X, %" PRIu32
	       " to a track, one SIO per track\n",
	       im->name, records, be32(im->data + IO_OFF_DL), io_geom()->name, IO_DEVICE, im->per_iter);
	printf("  %s: %-5s %10s %11s %10s %10s %6s\n", im->name, "phase", "records/s", "us/record",
	       "I/O us", "guest us", "I/O");
	io_line(im->name, "write", n, best.phase_seconds[IO_WRITE], best.io_seconds[IO_WRITE]);
	io_line(im->name, "read", n, best.phase_seconds[IO_READ], best.io_seconds[IO_READ]);
	io_line(im->name, "both", 2 * n, best.phase_seconds[IO_WRITE] + best.phase_seconds[IO_READ],
		best.io_seconds[IO_WRITE] + best.io_seconds[IO_READ]);
	printf("  %s: %.1f guest instructions per record\n", im->name,
	       (double)best.instructions / (2 * n));
	fflush(stdout);
	return true;
}

int main(int argc, char **argv)
{
	const char *tool = NULL;
	double target = 1.5;
	int repeat = 3;
	uint32_t records = 10000;
	bool verbose = false, cpu_time = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--hercules-run") && i + 1 < argc)
			tool = argv[++i];
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			target = atof(argv[++i]);
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--records") && i + 1 < argc)
			records = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--cpu-time"))
			cpu_time = true;
		else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v"))
			verbose = true;
		else
			usage();
	}
	if (i == argc || target <= 0 || repeat < 1 || records < 1)
		usage();

	printf("%-10s %14s %15s %15s %7s%s\n", "program", "instructions", "Cambridge MIPS",
	       "Hercules MIPS", "ratio", cpu_time ? "   (per CPU second)" : "");
	int failures = 0;
	for (; i < argc; i++) {
		struct image im = {0};
		if (!read_image(&im, argv[i])) {
			failures++;
			free(im.data);
			continue;
		}
		if (is_io_image(&im)) {
			if (im.per_iter < 1 || records > io_records_max(im.per_iter)) {
				fprintf(stderr, "bench: %s: at most %" PRIu32 " records fit the volume\n", im.path,
					im.per_iter < 1 ? 0 : io_records_max(im.per_iter));
				failures++;
			} else if (!bench_io(&im, records, repeat, cpu_time, verbose)) {
				failures++;
			}
			free(im.data);
			continue;
		}

		/* Cambridge: calibrate N for about `target` seconds, then keep the best of `repeat`. */
		uint32_t n = 10000;
		struct run r;
		for (;;) {
			r = run_cambridge(&im, n);
			if (!r.ok || r.seconds >= target / 8 || n >= N_MAX / 2)
				break;
			n = r.seconds > 0.001 ? (uint32_t)((double)n * target / 8 / r.seconds * 1.5) + 1
					      : n * 16;
			if (n > N_MAX / 2)
				n = N_MAX / 2;
		}
		if (r.ok && r.seconds > 0) {
			double scaled = (double)n * target / r.seconds;
			n = scaled > N_MAX ? N_MAX : (uint32_t)scaled;
		}
		double cwall = 0, ccpu = 0;
		uint64_t cinsns = 0;
		for (int k = 0; r.ok && k < repeat; k++) {
			r = run_cambridge(&im, n);
			if (!r.ok)
				break;
			cinsns = r.instructions;
			if (k == 0 || r.seconds < cwall)
				cwall = r.seconds;
			if (k == 0 || r.cpu_seconds < ccpu)
				ccpu = r.cpu_seconds;
			if (verbose)
				printf("  %s: Cambridge N=%" PRIu32 ": %.3f s (%.1f MIPS), CPU %.3f s "
				       "(%.1f MIPS)\n",
				       im.name, n, r.seconds, mips(r.instructions, r.seconds),
				       r.cpu_seconds, mips(r.instructions, r.cpu_seconds));
		}
		if (!r.ok) {
			char why[200];
			snprintf(why, sizeof why, "Cambridge %s", r.why);
			print_row(im.name, r.instructions, 0, 0, why);
			failures++;
			free(im.data);
			continue;
		}
		uint64_t expect = (uint64_t)n * im.per_iter;
		if (cinsns < expect || cinsns > expect + 64)
			printf("  %s: warning: %" PRIu64 " instructions executed, expected %" PRIu64
			       " and a few\n",
			       im.name, cinsns, expect);
		double cmips = mips(cinsns, cpu_time ? ccpu : cwall);
		if (!tool) {
			print_row(im.name, cinsns, cmips, 0, NULL);
			free(im.data);
			continue;
		}

		/* Hercules: a probe at N/16, whose final registers must match Cambridge's at the same
		 * N, then `repeat` runs calibrated to about `target` seconds of Hercules time. */
		uint32_t n_probe = n / 16 > 1000 ? n / 16 : 1000;
		struct run probe = run_hercules(tool, &im, n_probe);
		if (!probe.ok) {
			char why[200];
			snprintf(why, sizeof why, "Hercules %s", probe.why);
			print_row(im.name, cinsns, cmips, 0, why);
			failures++;
			free(im.data);
			continue;
		}
		struct run same = run_cambridge(&im, n_probe);
		if (!same.ok || memcmp(probe.regs, same.regs, sizeof same.regs) != 0)
			printf("  %s: warning: final registers differ between Cambridge and Hercules\n",
			       im.name);
		double scaled = probe.tod_seconds > 0 ? (double)n_probe * target / probe.tod_seconds
						      : (double)n;
		uint32_t nh = scaled > N_MAX ? N_MAX : scaled < 2.0 * n_probe ? 2 * n_probe : (uint32_t)scaled;
		double htod_mips = 0, hwall = 0, hcpu = 0;
		struct run h = {0};
		for (int k = 0; k < repeat; k++) {
			h = run_hercules(tool, &im, nh);
			if (!h.ok)
				break;
			double m = mips(h.instructions, h.tod_seconds);
			if (m > htod_mips)
				htod_mips = m;
			if (k == 0 || h.seconds < hwall)
				hwall = h.seconds;
			if (k == 0 || h.cpu_seconds < hcpu)
				hcpu = h.cpu_seconds;
			if (verbose)
				printf("  %s: Hercules N=%" PRIu32 ": loop (TOD) %.3f s (%.1f MIPS), "
				       "wall %.3f s, CPU %.3f s\n",
				       im.name, nh, h.tod_seconds, m, h.seconds, h.cpu_seconds);
		}
		if (!h.ok) {
			char why[200];
			snprintf(why, sizeof why, "Hercules %s", h.why);
			print_row(im.name, cinsns, cmips, 0, why);
			failures++;
			free(im.data);
			continue;
		}
		/* The long runs against the probe: start-up and shutdown cancel out. */
		uint64_t dinsns = (uint64_t)(nh - n_probe) * im.per_iter;
		double hdiff_wall = mips(dinsns, hwall - probe.seconds);
		double hdiff_cpu = hcpu > 0 && probe.cpu_seconds >= 0 ? mips(dinsns, hcpu - probe.cpu_seconds)
								       : 0.0;
		if (verbose)
			printf("  %s: Hercules N=%" PRIu32 " against N=%" PRIu32 ": %.1f MIPS by wall "
			       "time, %.1f MIPS per CPU second; Cambridge %.1f MIPS per CPU second\n",
			       im.name, nh, n_probe, hdiff_wall, hdiff_cpu, mips(cinsns, ccpu));
		print_row(im.name, cinsns, cmips, cpu_time ? hdiff_cpu : htod_mips, NULL);
		free(im.data);
	}
	return failures ? 1 : 0;
}
