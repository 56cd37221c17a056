/*
 * be.h - big-endian loads and stores on host memory.
 *
 * S/370 storage is big-endian; the host is little-endian (configure checks). These helpers are the
 * only way code touches multi-byte guest values in host memory. They compile to a load plus a byte
 * swap, and accept unaligned pointers.
 */
#ifndef LIB_BE_H
#define LIB_BE_H

#include <stdint.h>
#include <string.h>

static inline uint16_t be16(const void *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return __builtin_bswap16(v);
}

static inline uint32_t be32(const void *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}

static inline uint64_t be64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}

static inline void put_be16(void *p, uint16_t v)
{
	v = __builtin_bswap16(v);
	memcpy(p, &v, 2);
}

static inline void put_be32(void *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

static inline void put_be64(void *p, uint64_t v)
{
	v = __builtin_bswap64(v);
	memcpy(p, &v, 8);
}

#endif
