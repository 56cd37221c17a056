/*
 * tape_int.h - private to tapes/: the HET compression codecs, one operations table per method.
 *
 * aws.c owns the chunk format, positioning and struct tape; het.c owns compression. A codec turns
 * a whole logical block into its compressed form before it is split into chunks, and back.
 */
#ifndef TAPES_TAPE_INT_H
#define TAPES_TAPE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "tapes/tape.h"

struct het_codec_ops {
	const char *name;
	int default_level;
	/*
	 * Compress in[0..len) into out[0..cap). TAPE_OK with *outlen < len on success; any other
	 * status means "store the block uncompressed" (it did not get smaller, or the library failed).
	 */
	enum tape_status (*compress)(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
				     size_t *outlen, int level);
	/* Decompress in[0..len) into out[0..cap): TAPE_OK with 1 <= *outlen <= cap, or TAPE_ERR_COMPRESS. */
	enum tape_status (*decompress)(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
				       size_t *outlen);
};

/* The codec for a flags1 compression method (1 zlib, 2 bzip2), or NULL for none or unknown. */
const struct het_codec_ops *het_codec(unsigned method);

#endif
