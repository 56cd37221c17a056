/*
 * cambridge.c - the daemon: `cambridge [--sysdir DIR] [--listen ADDR:PORT]`.
 *
 * Opens (or, at first start, creates) the system directory, loads its USER DIRECT, and serves
 * telnet terminals with CP's logon dialogue until SIGINT or SIGTERM. A new system directory gets
 * the starter directory (cp/starter.h) with its passwords hashed, its volume and that volume's
 * T-disk space (volumes/TDISK); it is built beside the final name and renamed into place, so an
 * interrupted first start leaves nothing half made. Listening beyond the loopback interface while
 * starter passwords are unchanged is refused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "console/ctl.h"
#include "console/oper.h"
#include "console/server.h"
#include "cp/command.h"
#include "cp/directory.h"
#include "cp/logon.h"
#include "cp/starter.h"
#include "cp/volumes.h"
#include "cp/vm.h"

#define DEFAULT_SYSDIR	"cambridge-sys"
#define DEFAULT_ADDR	"127.0.0.1"
#define DEFAULT_PORT	"3270"
#define USER_DIRECT	"USER DIRECT"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* SHUTDOWN (any thread): the loop ends after one more turn, which sends what is queued (the
 * command's own answer to cambridge-ctl, the users' logoff lines). */
static volatile sig_atomic_t shutting_down;

static void on_wakeup(int sig)
{
	(void)sig;	/* interrupts ppoll(): the loop looks at shutting_down */
}

static void on_shutdown(void *ctx)
{
	(void)ctx;
	shutting_down = 1;
	kill(getpid(), SIGUSR1);	/* wake the loop's ppoll() */
}

static void usage(FILE *f)
{
	fprintf(f, "usage: cambridge [--sysdir DIR] [--listen ADDR:PORT] [--logon-timeout SECONDS]\n"
		   "  --sysdir DIR        the system directory (default ./" DEFAULT_SYSDIR
		   ", created with the starter system if missing)\n"
		   "  --listen ADDR:PORT  where to listen for telnet (default " DEFAULT_ADDR
		   ":" DEFAULT_PORT "; port 0: any free port)\n"
		   "  --logon-timeout S   close a terminal not logged on within S seconds (default %u;\n"
		   "                      0: never)\n", LOGON_TIMEOUT_DEFAULT);
}

static void print_diags(const struct dir_diags *dg)
{
	char buf[512];
	for (size_t i = 0; i < dg->n; i++) {
		dir_diag_format(&dg->v[i], buf, sizeof buf);
		fprintf(stderr, "cambridge: %s\n", buf);
	}
	if (dg->dropped)
		fprintf(stderr, "cambridge: (%zu more diagnostics)\n", dg->dropped);
}

static bool write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	while (len > 0) {
		ssize_t n = write(fd, text, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return false;
		}
		text += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0) {
		close(fd);
		return false;
	}
	return close(fd) == 0;
}

/* sysdir/name, malloc'd; NULL without memory. */
static char *sys_path(const char *sysdir, const char *name)
{
	char *p = malloc(strlen(sysdir) + strlen(name) + 2);
	if (p)
		sprintf(p, "%s/%s", sysdir, name);
	return p;
}

/* Undo make_volumes() in a system that was not finished. */
static void remove_volumes(const char *sysdir)
{
	char *vdir = malloc(strlen(sysdir) + sizeof "/volumes");
	if (!vdir)
		return;
	sprintf(vdir, "%s/volumes", sysdir);
	DIR *dp = opendir(vdir);
	if (dp) {
		struct dirent *de;
		while ((de = readdir(dp))) {
			if (de->d_name[0] == '.')
				continue;
			char *f = malloc(strlen(vdir) + strlen(de->d_name) + 2);
			if (f) {
				sprintf(f, "%s/%s", vdir, de->d_name);
				unlink(f);
				free(f);
			}
		}
		closedir(dp);
	}
	rmdir(vdir);
	free(vdir);
}

/*
 * The volumes folder of a system (made when missing) with the volumes the directory's MDISK
 * statements name and the folder lacks: a new system's, or one made before volumes existed.
 */
static bool make_volumes(const char *sysdir, const struct directory *dir)
{
	char *vdir = malloc(strlen(sysdir) + sizeof "/volumes");
	if (!vdir) {
		fprintf(stderr, "cambridge: %s\n", strerror(ENOMEM));
		return false;
	}
	sprintf(vdir, "%s/volumes", sysdir);
	if (mkdir(vdir, 0700) != 0) {
		bool ok = errno == EEXIST;
		if (!ok)
			fprintf(stderr, "cambridge: %s: %s\n", vdir, strerror(errno));
		free(vdir);
		return ok;	/* there already: the operator's volumes, as they are */
	}
	struct vol_problems pr;
	unsigned made = 0;
	vol_problems_init(&pr);
	enum vol_status st = vol_create_starter(vdir, dir, &made, &pr);
	for (size_t i = 0; i < pr.n; i++)
		fprintf(stderr, "cambridge: %s: %s\n", pr.v[i].file, pr.v[i].reason);
	vol_problems_free(&pr);
	if (st != VOL_OK)
		fprintf(stderr, "cambridge: %s: %s\n", vdir, vol_status_str(st));
	else if (made)
		printf("cambridge: made %u volume%s for the directory's minidisks\n", made,
		       made == 1 ? "" : "s");
	free(vdir);
	return st == VOL_OK;
}

/* A new system at sysdir: the starter USER DIRECT with its passwords hashed, and its volumes. */
static bool create_system(const char *sysdir)
{
	size_t len = strlen(sysdir);
	char *tmp = malloc(len + sizeof ".newXXXXXX");
	char *file = malloc(len + sizeof ".newXXXXXX" + sizeof "/" USER_DIRECT);
	bool ok = false;
	if (!tmp || !file) {
		fprintf(stderr, "cambridge: %s\n", strerror(ENOMEM));
		goto out;
	}
	sprintf(tmp, "%s.newXXXXXX", sysdir);
	if (!mkdtemp(tmp)) {
		fprintf(stderr, "cambridge: %s: %s\n", tmp, strerror(errno));
		goto out;
	}
	sprintf(file, "%s/%s", tmp, USER_DIRECT);
	if (!write_file(file, cp_starter_direct, cp_starter_direct_len)) {
		fprintf(stderr, "cambridge: %s: %s\n", file, strerror(errno));
		goto cleanup;
	}
	struct dir_diags dg;
	unsigned hashed = 0;
	dir_diags_init(&dg);
	enum dir_status st = dir_hash_passwords(file, &hashed, &dg);
	print_diags(&dg);
	dir_diags_free(&dg);
	if (st != DIR_OK) {
		fprintf(stderr, "cambridge: %s: %s\n", file, dir_status_str(st));
		goto cleanup;
	}
	struct directory *starter;
	dir_diags_init(&dg);
	st = dir_parse(cp_starter_direct, cp_starter_direct_len, "starter.direct", DIR_ALLOW_CLEAR,
		       &starter, &dg);
	dir_diags_free(&dg);
	if (st != DIR_OK) {
		fprintf(stderr, "cambridge: the built-in starter directory: %s\n", dir_status_str(st));
		goto cleanup;
	}
	bool vols = make_volumes(tmp, starter);
	dir_free(starter);
	if (!vols)
		goto cleanup;
	/* The starter volume's T-disk space (cp/starter.h, cp/tdisk.h). */
	char *tdisk = malloc(len + sizeof ".newXXXXXX/volumes/" VOL_TDISK_FILE);
	bool tdisk_ok = tdisk != NULL;
	if (tdisk) {
		sprintf(tdisk, "%s/volumes/%s", tmp, VOL_TDISK_FILE);
		tdisk_ok = write_file(tdisk, CP_STARTER_TDISK, sizeof CP_STARTER_TDISK - 1);
		if (!tdisk_ok)
			fprintf(stderr, "cambridge: %s: %s\n", tdisk, strerror(errno));
		free(tdisk);
	} else {
		fprintf(stderr, "cambridge: %s\n", strerror(ENOMEM));
	}
	if (!tdisk_ok)
		goto cleanup;
	if (rename(tmp, sysdir) != 0) {
		fprintf(stderr, "cambridge: %s: %s\n", sysdir, strerror(errno));
		goto cleanup;
	}
	printf("cambridge: created the starter system in %s (%u passwords hashed)\n", sysdir,
	       hashed);
	ok = true;
	goto out;
cleanup:
	unlink(file);
	remove_volumes(tmp);
	rmdir(tmp);
out:
	free(tmp);
	free(file);
	return ok;
}

/* Does every address addr names belong to the loopback interface? */
static bool is_loopback(const char *addr)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res;
	if (getaddrinfo(addr, NULL, &hints, &res) != 0)
		return false;
	bool all = true;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			const struct sockaddr_in *sin = (const void *)ai->ai_addr;
			all &= (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
		} else if (ai->ai_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 = (const void *)ai->ai_addr;
			all &= IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
		} else {
			all = false;
		}
	}
	freeaddrinfo(res);
	return all;
}

/* The first user that still has a starter password, or NULL (also when the check fails). */
static bool starter_passwords_unchanged(const struct directory *live, const char **first)
{
	struct directory *starter;
	struct dir_diags dg;
	dir_diags_init(&dg);
	enum dir_status st = dir_parse(cp_starter_direct, cp_starter_direct_len, "starter.direct",
				       DIR_ALLOW_CLEAR, &starter, &dg);
	dir_diags_free(&dg);
	if (st != DIR_OK)
		return true;	/* cannot tell: assume the worst */
	size_t n = dir_passwords_unchanged(live, starter, first);
	static char name[DIR_USERID_MAX + 1];
	if (n && *first) {
		snprintf(name, sizeof name, "%s", *first);
		*first = name;
	}
	dir_free(starter);
	return n > 0;
}

struct daemon {
	struct cpsys *sys;
	struct logon *l;
	struct ctl *ctl;		/* the control socket (cambridge-ctl) */
	struct oper *oper;		/* the operator's console */
	size_t ctl_at, ctl_n, op_at, op_n;	/* their entries in the server's poll set */
	const char *address;
	time_t started;
	uint64_t last_insns, last_ns;	/* for the panel's MIPS */
	double mips;
};

/* The operator's commands: run at once, as OPERATOR, with the responses going back through a
 * struct term to the control socket or the operator's console. */
struct reply_term {
	struct term term;
	struct ctl_req *req;
	struct oper_cmd *cmd;
};

static void rt_write_line(struct term *t, const char *text, size_t len)
{
	struct reply_term *r = t->priv;
	if (r->req) {
		ctl_reply_line(r->req, text, len);
	} else {
		char buf[512];
		snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), text);
		oper_cmd_line(r->cmd, buf);
	}
}

static void rt_read(struct term *t, enum term_read who, const char *prompt, size_t len)
{
	(void)t, (void)who, (void)prompt, (void)len;
}

static void rt_set_password(struct term *t, bool on)
{
	(void)t, (void)on;
}

static void rt_nothing(struct term *t)
{
	(void)t;
}

static const struct term_ops reply_ops = {
	.kind = "operator",
	.write_line = rt_write_line,
	.read = rt_read,
	.set_password = rt_set_password,
	.bell = rt_nothing,
	.close = rt_nothing,
};

static void ctl_command(void *ctx, struct ctl_req *req, const char *line)
{
	struct daemon *dm = ctx;
	struct reply_term r = {.term = {.ops = &reply_ops}, .req = req};
	r.term.priv = &r;
	int rc = cpsys_operator_command(dm->sys, &r.term, line);
	ctl_reply_done(req, rc == CP_CMD_OK ? 0 : rc);
}

static void oper_command(void *ctx, struct oper_cmd *cmd, const char *line)
{
	struct daemon *dm = ctx;
	struct reply_term r = {.term = {.ops = &reply_ops}, .cmd = cmd};
	r.term.priv = &r;
	cpsys_operator_command(dm->sys, &r.term, line);
	oper_cmd_done(cmd);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct snap {
	struct oper_snapshot *s;
	uint64_t insns;
};

static void snap_user(void *arg, const struct cpsys_user_info *u)
{
	struct snap *sn = arg;
	struct oper_snapshot *s = sn->s;
	sn->insns += u->instructions;
	if (s->nuser < s->user_max) {
		struct oper_user *o = &s->user[s->nuser];
		memset(o, 0, sizeof *o);
		snprintf(o->userid, sizeof o->userid, "%s", u->userid);
		snprintf(o->state, sizeof o->state, "%s", u->connected ? u->state : "DISC");
		snprintf(o->term_kind, sizeof o->term_kind, "%s", u->connected ? "line" : "");
		if (u->connected)
			snprintf(o->term_addr, sizeof o->term_addr, "LINE %03X", u->line);
		o->cpu_seconds = (double)u->cpu_us / 1e6;
	}
	s->nuser++;
}

static void oper_snapshot(void *ctx, struct oper_snapshot *s)
{
	struct daemon *dm = ctx;
	snprintf(s->sysname, sizeof s->sysname, "CAMBRIDG");
	snprintf(s->address, sizeof s->address, "%s", dm->address ? dm->address : "");
	s->uptime_s = (uint64_t)difftime(time(NULL), dm->started);
	s->nuser = 0;
	struct snap sn = {.s = s};
	cpsys_each_user(dm->sys, snap_user, &sn);
	s->logged_on = (unsigned)s->nuser;
	uint64_t now = mono_ns();
	if (dm->last_ns && now > dm->last_ns && sn.insns >= dm->last_insns)
		dm->mips = (double)(sn.insns - dm->last_insns) / ((double)(now - dm->last_ns) / 1e3);
	dm->last_ns = now;
	dm->last_insns = sn.insns;
	s->mips = dm->mips;
	s->sio_rate = 0;	/* not counted yet */
}

static void on_terminal(void *ctx, struct term *t)
{
	struct daemon *dm = ctx;
	if (!logon_attach(dm->l, t))
		term_close(t);
}

/* The server's extra descriptors: CP's wakeup (output from the virtual machines' threads), the
 * control socket and the operator's console. */
static size_t poll_fill(void *ctx, struct pollfd *p, size_t max, int *timeout_ms)
{
	struct daemon *dm = ctx;
	size_t n = 0;
	*timeout_ms = logon_expire(dm->l);
	if (max < 1)
		return 0;
	p[n++] = (struct pollfd){.fd = cpsys_wake_fd(dm->sys), .events = POLLIN};
	dm->ctl_at = n;
	dm->ctl_n = dm->ctl ? ctl_pollfds(dm->ctl, p + n, max - n) : 0;
	if (dm->ctl_n > max - n)
		dm->ctl_n = 0;
	n += dm->ctl_n;
	dm->op_at = n;
	dm->op_n = dm->oper ? oper_pollfds(dm->oper, p + n, max - n) : 0;
	if (dm->op_n > max - n)
		dm->op_n = 0;
	n += dm->op_n;
	return n;
}

static void poll_ready(void *ctx, const struct pollfd *p, size_t n)
{
	struct daemon *dm = ctx;
	if (shutting_down == 2)
		stop = 1;	/* the turn after SHUTDOWN's has sent its answers */
	else if (shutting_down)
		shutting_down = 2;
	if (n >= 1 && (p[0].revents & POLLIN))
		cpsys_flush(dm->sys);
	if (dm->ctl_n)
		ctl_dispatch(dm->ctl, p + dm->ctl_at, dm->ctl_n);
	if (dm->op_n)
		oper_dispatch(dm->oper, p + dm->op_at, dm->op_n);
}

/* CP's messages for the operator, from any thread: the operator's console once it is there. */
static void cp_oper_log(void *ctx, const char *line)
{
	struct daemon *dm = ctx;
	if (dm->oper) {
		oper_log(dm->oper, line);
		return;
	}
	flockfile(stdout);
	printf("%s\n", line);
	fflush(stdout);
	funlockfile(stdout);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"sysdir", required_argument, NULL, 's'},
		{"listen", required_argument, NULL, 'l'},
		{"logon-timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *sysdir = DEFAULT_SYSDIR;
	char *listen_arg = NULL;
	unsigned logon_timeout = LOGON_TIMEOUT_DEFAULT;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sysdir = optarg;
			break;
		case 'l':
			listen_arg = optarg;
			break;
		case 't': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || end == optarg || v > 86400) {
				fprintf(stderr, "cambridge: --logon-timeout wants seconds (0-86400), not %s\n",
					optarg);
				return 2;
			}
			logon_timeout = (unsigned)v;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	/* ADDR:PORT, [IPV6]:PORT */
	char addrbuf[256];
	const char *addr = DEFAULT_ADDR, *port = DEFAULT_PORT;
	if (listen_arg) {
		char *colon = strrchr(listen_arg, ':');
		if (!colon || colon == listen_arg || !colon[1] ||
		    (size_t)(colon - listen_arg) >= sizeof addrbuf) {
			fprintf(stderr, "cambridge: --listen wants ADDR:PORT, not %s\n", listen_arg);
			return 2;
		}
		size_t alen = (size_t)(colon - listen_arg);
		const char *a = listen_arg;
		if (a[0] == '[' && a[alen - 1] == ']' && alen > 2) {
			a++;
			alen -= 2;
		}
		memcpy(addrbuf, a, alen);
		addrbuf[alen] = '\0';
		addr = addrbuf;
		port = colon + 1;
	}

	struct stat sb;
	if (stat(sysdir, &sb) != 0) {
		if (errno != ENOENT) {
			fprintf(stderr, "cambridge: %s: %s\n", sysdir, strerror(errno));
			return 1;
		}
		if (!create_system(sysdir))
			return 1;
	} else if (!S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "cambridge: %s: not a directory\n", sysdir);
		return 1;
	}

	char *path = malloc(strlen(sysdir) + sizeof "/" USER_DIRECT);
	if (!path) {
		fprintf(stderr, "cambridge: %s\n", strerror(ENOMEM));
		return 1;
	}
	sprintf(path, "%s/%s", sysdir, USER_DIRECT);
	struct directory *dir;
	struct dir_diags dg;
	dir_diags_init(&dg);
	enum dir_status st = dir_load(path, 0, &dir, &dg);
	print_diags(&dg);
	dir_diags_free(&dg);
	if (st != DIR_OK) {
		if (st != DIR_ERR_INVALID)
			fprintf(stderr, "cambridge: %s: %s%s%s\n", path, dir_status_str(st),
				st == DIR_ERR_IO ? ": " : "", st == DIR_ERR_IO ? strerror(errno) : "");
		free(path);
		return 1;
	}

	const char *first = NULL;
	if (!is_loopback(addr) && starter_passwords_unchanged(dir, &first)) {
		fprintf(stderr,
			"cambridge: refusing to listen on %s: user %s still has the starter password "
			"(documented in cp/README.md); change it or listen on 127.0.0.1\n",
			addr, first ? first : "?");
		dir_free(dir);
		free(path);
		return 1;
	}

	struct daemon dm = {.started = time(NULL)};
	/* The system's parts, by their names in the system directory. */
	char *spool_dir = sys_path(sysdir, "spool"), *vol_dir = sys_path(sysdir, "volumes");
	char *nss_dir = sys_path(sysdir, "nss"), *dev_path = sys_path(sysdir, "DEVICES");
	bool parts = spool_dir && vol_dir && nss_dir && dev_path;
	if (!parts)
		fprintf(stderr, "cambridge: %s\n", strerror(ENOMEM));
	if (!parts || !make_volumes(sysdir, dir)) {
		free(spool_dir);
		free(vol_dir);
		free(nss_dir);
		free(dev_path);
		dir_free(dir);
		free(path);
		return 1;
	}
	struct cpsys_config scfg = {.dir = dir, .directory_path = path, .spool_dir = spool_dir,
				    .volumes_dir = vol_dir, .nss_dir = nss_dir,
				    .devices_path = dev_path,
				    .oper_log = cp_oper_log, .oper_ctx = &dm,
				    .shutdown = on_shutdown, .shutdown_ctx = &dm};
	dm.sys = cpsys_new(&scfg);
	free(spool_dir);
	free(vol_dir);
	free(nss_dir);
	free(dev_path);
	dm.l = dm.sys ? logon_new(dm.sys) : NULL;
	if (!dm.l) {
		fprintf(stderr, "cambridge: %s\n", strerror(errno ? errno : ENOMEM));
		cpsys_free(dm.sys);
		dir_free(dir);
		free(path);
		return 1;
	}
	logon_set_timeout(dm.l, logon_timeout);
	char err[256];
	struct server_config cfg = {.addr = addr, .port = port, .on_terminal = on_terminal, .ctx = &dm,
				    .poll_fill = poll_fill, .poll_ready = poll_ready};
	struct server *srv = server_new(&cfg, err, sizeof err);
	if (!srv) {
		fprintf(stderr, "cambridge: cannot listen on %s\n", err);
		logon_free(dm.l);
		cpsys_free(dm.sys);
		dir_free(dir);
		free(path);
		return 1;
	}

	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct sigaction su = {.sa_handler = on_wakeup};
	sigemptyset(&su.sa_mask);
	sigaction(SIGUSR1, &su, NULL);
	signal(SIGPIPE, SIG_IGN);

	dm.address = server_address(srv);

	/* The control socket in the system directory, and the operator's console: a panel on a
	 * terminal, plain lines otherwise. */
	char *sock = malloc(strlen(sysdir) + sizeof "/" CTL_SOCKET_NAME);
	if (!sock) {
		fprintf(stderr, "cambridge: %s\n", strerror(ENOMEM));
		server_free(srv);
		logon_free(dm.l);
		cpsys_free(dm.sys);
		dir_free(dir);
		free(path);
		return 1;
	}
	sprintf(sock, "%s/%s", sysdir, CTL_SOCKET_NAME);
	struct ctl_config cc = {.path = sock, .on_command = ctl_command, .ctx = &dm};
	dm.ctl = ctl_new(&cc, err, sizeof err);
	free(sock);
	if (!dm.ctl) {
		fprintf(stderr, "cambridge: %s\n", err);
		server_free(srv);
		logon_free(dm.l);
		cpsys_free(dm.sys);
		dir_free(dir);
		free(path);
		return 1;
	}
	const char *tt = getenv("TERM");
	bool panel = isatty(0) && isatty(1) && tt && *tt && strcmp(tt, "dumb") != 0;
	printf("cambridge: listening on %s\n", server_address(srv));
	fflush(stdout);
	struct oper_config oc = {.panel = panel, .in_fd = 0, .out_fd = 1, .on_command = oper_command,
				 .snapshot = oper_snapshot, .ctx = &dm};
	dm.oper = oper_new(&oc, err, sizeof err);
	if (!dm.oper && panel) {
		/* No panel on this terminal: plain lines. */
		oc.panel = false;
		dm.oper = oper_new(&oc, err, sizeof err);
	}
	if (!dm.oper)
		fprintf(stderr, "cambridge: no operator console: %s\n", err);

	int rc = server_run(srv, &stop);
	if (rc != 0)
		fprintf(stderr, "cambridge: poll: %s\n", strerror(errno));
	/* The terminals first (no events for them), then the virtual machines (whose threads may
	 * still log to the console), then the console, which gives the terminal back. */
	server_free(srv);
	ctl_free(dm.ctl);
	logon_free(dm.l);
	cpsys_free(dm.sys);
	oper_free(dm.oper);
	dm.oper = NULL;
	dir_free(dir);
	free(path);
	printf("cambridge: stopped\n");
	return rc == 0 ? 0 : 1;
}
