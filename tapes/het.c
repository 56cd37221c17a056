/*
 * het.c - HET block compression: zlib (method 1) and bzip2 (method 2), each behind a
 * struct het_codec_ops. Pure buffer-to-buffer functions; no I/O, no state.
 */
#include <bzlib.h>
#include <limits.h>
#include <zlib.h>

#include "tapes/tape_int.h"

static enum tape_status het_zlib_compress(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
					  size_t *outlen, int level)
{
	uLongf dl = cap;

	if (compress2(out, &dl, in, len, level) != Z_OK || dl >= len)
		return TAPE_ERR_COMPRESS;
	*outlen = dl;
	return TAPE_OK;
}

static enum tape_status het_zlib_decompress(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
					    size_t *outlen)
{
	uLongf dl = cap;

	if (uncompress(out, &dl, in, len) != Z_OK || dl == 0)
		return TAPE_ERR_COMPRESS;
	*outlen = dl;
	return TAPE_OK;
}

static enum tape_status het_bzip2_compress(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
					   size_t *outlen, int level)
{
	unsigned int dl = cap > UINT_MAX ? UINT_MAX : (unsigned int)cap;

	if (BZ2_bzBuffToBuffCompress((char *)out, &dl, (char *)(uintptr_t)in, (unsigned int)len, level,
				     0, 0) != BZ_OK || dl >= len)
		return TAPE_ERR_COMPRESS;
	*outlen = dl;
	return TAPE_OK;
}

static enum tape_status het_bzip2_decompress(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
					     size_t *outlen)
{
	unsigned int dl = cap > UINT_MAX ? UINT_MAX : (unsigned int)cap;

	if (BZ2_bzBuffToBuffDecompress((char *)out, &dl, (char *)(uintptr_t)in, (unsigned int)len, 0,
				       0) != BZ_OK || dl == 0)
		return TAPE_ERR_COMPRESS;
	*outlen = dl;
	return TAPE_OK;
}

static const struct het_codec_ops het_zlib_ops = {
	.name = "zlib",
	.default_level = 4,
	.compress = het_zlib_compress,
	.decompress = het_zlib_decompress,
};

static const struct het_codec_ops het_bzip2_ops = {
	.name = "bzip2",
	.default_level = 9,
	.compress = het_bzip2_compress,
	.decompress = het_bzip2_decompress,
};

const struct het_codec_ops *het_codec(unsigned method)
{
	switch (method) {
	case TAPE_COMPRESS_ZLIB:
		return &het_zlib_ops;
	case TAPE_COMPRESS_BZIP2:
		return &het_bzip2_ops;
	default:
		return NULL;
	}
}
