/*
 * fba.c - plain FBA images: 512-byte blocks from file offset 0, no header; block count = size / 512.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/dasd/dasd.h"

struct fba {
	int fd;
	bool readonly;
	uint32_t blocks;
	char *name;
	struct dasd_where where;
};

static enum dasd_status at(struct dasd_where *w, enum dasd_status s, const char *file, uint64_t off, int err)
{
	if (w) {
		snprintf(w->file, sizeof w->file, "%s", file);
		w->offset = off;
		w->err = err;
	}
	return s;
}

static enum dasd_status make(const char *path, int fd, bool ro, uint32_t blocks, struct fba **out)
{
	struct fba *f = calloc(1, sizeof *f);

	if (!f || !(f->name = strdup(path))) {
		free(f);
		close(fd);
		return DASD_E_NOMEM;
	}
	f->fd = fd;
	f->readonly = ro;
	f->blocks = blocks;
	*out = f;
	return DASD_OK;
}

enum dasd_status fba_create(const char *path, const struct dasd_geom *g, uint32_t blocks, struct fba **out,
			    struct dasd_where *where)
{
	*out = NULL;
	if (!g || !g->fba)
		return DASD_E_UNKNOWN_TYPE;
	if (blocks == 0)
		blocks = g->blocks;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return at(where, DASD_E_IO, path, 0, errno);
	if (ftruncate(fd, (off_t)blocks * FBA_BLOCK) < 0) {
		int err = errno;
		close(fd);
		unlink(path);
		return at(where, DASD_E_IO, path, 0, err);
	}
	return make(path, fd, false, blocks, out);
}

enum dasd_status fba_open(const char *path, bool readonly, struct fba **out, struct dasd_where *where)
{
	struct stat st;

	*out = NULL;
	int fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return at(where, DASD_E_IO, path, 0, errno);
	if (fstat(fd, &st) < 0) {
		int err = errno;
		close(fd);
		return at(where, DASD_E_IO, path, 0, err);
	}
	uint64_t size = (uint64_t)st.st_size;
	if (size % FBA_BLOCK || size == 0 || size / FBA_BLOCK > UINT32_MAX) {
		close(fd);
		return at(where, DASD_E_TRUNCATED, path, size / FBA_BLOCK * FBA_BLOCK, 0);
	}
	uint8_t id[8];
	if (pread(fd, id, 8, 0) == 8 && (!memcmp(id, "FBA_C370", 8) || !memcmp(id, "FBA_C064", 8) ||
					 !memcmp(id, "CKD_C370", 8) || !memcmp(id, "CKD_C064", 8))) {
		close(fd);
		return at(where, DASD_E_COMPRESSED, path, 0, 0);
	}
	return make(path, fd, readonly, (uint32_t)(size / FBA_BLOCK), out);
}

enum dasd_status fba_flush(struct fba *f)
{
	if (!f->readonly && fdatasync(f->fd) < 0)
		return at(&f->where, DASD_E_IO, f->name, 0, errno);
	return DASD_OK;
}

enum dasd_status fba_close(struct fba *f)
{
	if (!f)
		return DASD_OK;
	enum dasd_status s = fba_flush(f);
	close(f->fd);
	free(f->name);
	free(f);
	return s;
}

uint32_t fba_blocks(const struct fba *f) { return f->blocks; }
const struct dasd_where *fba_where(const struct fba *f) { return &f->where; }

enum dasd_status fba_read(struct fba *f, uint32_t block, uint32_t count, void *buf)
{
	if (block >= f->blocks || count > f->blocks - block)
		return DASD_E_RANGE;
	uint64_t off = (uint64_t)block * FBA_BLOCK;
	size_t len = (size_t)count * FBA_BLOCK;
	ssize_t n = pread(f->fd, buf, len, off);
	if (n < 0)
		return at(&f->where, DASD_E_IO, f->name, off, errno);
	if ((size_t)n != len)
		return at(&f->where, DASD_E_TRUNCATED, f->name, off + (uint64_t)n, 0);
	return DASD_OK;
}

enum dasd_status fba_write(struct fba *f, uint32_t block, uint32_t count, const void *buf)
{
	if (block >= f->blocks || count > f->blocks - block)
		return DASD_E_RANGE;
	if (f->readonly)
		return DASD_E_READONLY;
	uint64_t off = (uint64_t)block * FBA_BLOCK;
	size_t len = (size_t)count * FBA_BLOCK;
	ssize_t n = pwrite(f->fd, buf, len, off);
	if (n < 0 || (size_t)n != len)
		return at(&f->where, DASD_E_IO, f->name, off, n < 0 ? errno : ENOSPC);
	return DASD_OK;
}
