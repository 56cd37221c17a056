/*
 * cambridge.c - the daemon: `cambridge [--sysdir DIR] [--listen ADDR:PORT]`.
 *
 * Opens (or, at first start, creates) the system directory, loads its USER DIRECT, and serves
 * telnet terminals with CP's logon dialogue until SIGINT or SIGTERM. A new system directory gets
 * the starter directory (cp/starter.h) with its passwords hashed; it is built beside the final
 * name and renamed into place, so an interrupted first start leaves nothing half made. Listening
 * beyond the loopback interface while starter passwords are unchanged is refused.
 */
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
#include <sys/stat.h>
#include <unistd.h>

#include "console/server.h"
#include "cp/directory.h"
#include "cp/logon.h"
#include "cp/starter.h"

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

static void usage(FILE *f)
{
	fprintf(f, "usage: cambridge [--sysdir DIR] [--listen ADDR:PORT]\n"
		   "  --sysdir DIR        the system directory (default ./" DEFAULT_SYSDIR
		   ", created with the starter system if missing)\n"
		   "  --listen ADDR:PORT  where to listen for telnet (default " DEFAULT_ADDR
		   ":" DEFAULT_PORT "; port 0: any free port)\n");
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

/* A new system at sysdir: the starter USER DIRECT with its passwords hashed. */
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

static void on_terminal(void *ctx, struct term *t)
{
	if (!logon_attach(ctx, t))
		term_close(t);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"sysdir", required_argument, NULL, 's'},
		{"listen", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *sysdir = DEFAULT_SYSDIR;
	char *listen_arg = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sysdir = optarg;
			break;
		case 'l':
			listen_arg = optarg;
			break;
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
	free(path);

	const char *first = NULL;
	if (!is_loopback(addr) && starter_passwords_unchanged(dir, &first)) {
		fprintf(stderr,
			"cambridge: refusing to listen on %s: user %s still has the starter password "
			"(documented in cp/README.md); change it or listen on 127.0.0.1\n",
			addr, first ? first : "?");
		dir_free(dir);
		return 1;
	}

	struct logon *l = logon_new(dir);
	if (!l) {
		fprintf(stderr, "cambridge: %s\n", strerror(ENOMEM));
		dir_free(dir);
		return 1;
	}
	char err[256];
	struct server_config cfg = {.addr = addr, .port = port, .on_terminal = on_terminal, .ctx = l};
	struct server *srv = server_new(&cfg, err, sizeof err);
	if (!srv) {
		fprintf(stderr, "cambridge: cannot listen on %s\n", err);
		logon_free(l);
		dir_free(dir);
		return 1;
	}

	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	printf("cambridge: listening on %s\n", server_address(srv));
	fflush(stdout);
	int rc = server_run(srv, &stop);
	if (rc != 0)
		fprintf(stderr, "cambridge: poll: %s\n", strerror(errno));
	server_free(srv);
	logon_free(l);
	dir_free(dir);
	printf("cambridge: stopped\n");
	return rc == 0 ? 0 : 1;
}
