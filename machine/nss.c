/*
 * nss.c - storage backed by a file, for CP's named saved systems (machine.h: machine_map_storage).
 *
 * A saved system is a storage image in a file. Mapping it privately over a machine's storage
 * (MAP_PRIVATE | MAP_FIXED) makes every machine that IPLs it share the host's one copy of the
 * file's pages until it writes a page, which then becomes its own (copy on write, by the kernel).
 * Clearing storage maps fresh anonymous zero pages over it again: madvise(MADV_DONTNEED) would
 * bring a private file mapping back to the file's contents, not to zeros.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "machine/cpu.h"

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* After storage changed under the CPU: no translation or decoded instruction may survive, and
 * the keys of the replaced blocks start at zero. */
static void storage_changed(struct machine *m, uint32_t len)
{
	memset(m->keys, 0, len >> BLOCK_SHIFT);
	tlb_purge(&m->cpu);
	dcache_purge(&m->cpu);
	cpu_attention(&m->cpu);
}

bool machine_map_storage(struct machine *m, int fd, uint64_t offset, uint32_t len)
{
	size_t page = page_size();
	if (len == 0 || len > m->storage_size || len % page || offset % page) {
		errno = EINVAL;
		return false;
	}
	void *p = mmap(m->storage, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, (off_t)offset);
	if (p == MAP_FAILED) {
		/* MAP_FIXED failing leaves the range as it was only on some errors: make sure it is
		 * usable storage again. */
		int e = errno;
		machine_clear_storage(m);
		errno = e;
		return false;
	}
	storage_changed(m, len);
	return true;
}

bool machine_clear_storage(struct machine *m)
{
	size_t page = page_size();
	size_t len = ((size_t)m->storage_size + page - 1) / page * page;
	void *p = mmap(m->storage, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		memset(m->storage, 0, m->storage_size);
		storage_changed(m, m->storage_size);
		return false;
	}
	storage_changed(m, m->storage_size);
	return true;
}
