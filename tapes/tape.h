/*
 * tape.h - AWS and HET tape images (Hercules-compatible), the only view of tapes outside tapes/.
 *
 * A tape is a file of chunks, each behind a 6-byte header (see docs/cambridge-tape.md and the image
 * format reference): logical blocks of 1 to TAPE_MAX_BLOCK bytes, split over chunks of at most the
 * chunk size, and tape marks. HET adds per-block zlib or bzip2 compression; an uncompressed HET
 * file is an AWS file. The library opens the file itself, never prints, and answers every call with
 * an enum tape_status; on a damaged image the status says what is wrong and tape_error_offset()
 * says where (the file offset of the offending header), and the position is left where the call
 * started.
 *
 *	struct tape *t;
 *	if (tape_open("vol.aws", TAPE_RDONLY, NULL, &t) != TAPE_OK) ...
 *	while ((st = tape_read_block(t, buf, sizeof buf, &len)) == TAPE_OK || st == TAPE_MARK) ...
 *	tape_close(t);
 *
 * Position: a tape is always between two chunks. The file number counts tape marks passed from the
 * load point (0 in the first file); the block number counts blocks passed since the last tape mark.
 *
 * Writing a block or a tape mark replaces everything from the current position to the end (the file
 * is truncated at the write point first, as on a real tape). A process killed during a write leaves
 * a file that reads back block for block up to the last completed write, followed at worst by a
 * partial chunk that reads as TAPE_ERR_TRUNCATED. Data reach the disk (fdatasync) on tape_close(),
 * on every tape mark, and after every block too if TAPE_SYNC_EVERY is set.
 */
#ifndef TAPES_TAPE_H
#define TAPES_TAPE_H

#include <stddef.h>
#include <stdint.h>

struct tape;

/* Largest logical block the library reads or writes (Hercules: 2 MB). */
#define TAPE_MAX_BLOCK		(2u * 1024u * 1024u)
/* Chunk sizes for writing: the default and the smallest a HET file may use. */
#define TAPE_CHUNK_MAX		65535u
#define TAPE_CHUNK_MIN		4096u

enum tape_status {
	TAPE_OK = 0,		/* a data block was read, written or spaced over */
	TAPE_MARK,		/* a tape mark was read or spaced over */
	TAPE_EOD,		/* end of data: nothing more is recorded beyond the position */
	TAPE_BOT,		/* backspace at the load point: nothing to go back over */
	TAPE_ERR_IO,		/* the host file system failed (errno is kept) */
	TAPE_ERR_NOMEM,		/* out of host memory */
	TAPE_ERR_ARG,		/* bad argument: zero or oversized block, unknown option */
	TAPE_ERR_READONLY,	/* write to a tape opened read-only */
	TAPE_ERR_HEADER,	/* a chunk header is invalid (flags, lengths, order of chunks) */
	TAPE_ERR_PREVLEN,	/* a header's previous-length disagrees with the chunk before it */
	TAPE_ERR_TRUNCATED,	/* the file ends inside a header, a chunk or a block */
	TAPE_ERR_COMPRESS,	/* compressed data do not decompress (or not to a valid block) */
	TAPE_ERR_UNSUPPORTED,	/* a compression method this build cannot handle */
};

enum tape_format {
	TAPE_FORMAT_AWS,
	TAPE_FORMAT_HET,
};

/* Compression for writing HET blocks; values are the HET header's flags1 bits X'03'. */
enum tape_compress {
	TAPE_COMPRESS_NONE = 0,
	TAPE_COMPRESS_ZLIB = 1,
	TAPE_COMPRESS_BZIP2 = 2,
};

enum tape_mode {
	TAPE_RDONLY,		/* existing file, reads and spacing only */
	TAPE_RDWR,		/* existing file, read and write */
	TAPE_CREATE,		/* new empty file (an existing one is emptied), read and write */
};

/* Open options; NULL means all defaults. */
struct tape_options {
	/*
	 * Format of a new (empty) file, or forced for an existing one. TAPE_FORMAT_AUTO: from the
	 * first header if it tells, else from the name (".het" is HET, anything else AWS).
	 */
	int format;			/* TAPE_FORMAT_AUTO, or an enum tape_format */
	enum tape_compress compress;	/* HET writes (default ZLIB); AWS never compresses */
	int level;			/* 1-9, 0 for the default (zlib 4, bzip2 9) */
	unsigned chunk_size;		/* 0 for TAPE_CHUNK_MAX; HET: TAPE_CHUNK_MIN..TAPE_CHUNK_MAX */
	unsigned flags;			/* TAPE_SYNC_EVERY */
};
#define TAPE_FORMAT_AUTO	(-1)
#define TAPE_SYNC_EVERY		0x1u

struct tape_position {
	unsigned file;		/* tape marks passed since the load point */
	unsigned block;		/* blocks passed since the last tape mark (or the load point) */
	uint64_t offset;	/* file offset of the next header */
};

const char *tape_status_str(enum tape_status st);
const char *tape_format_str(enum tape_format f);

/* Fill *o with the defaults (what NULL options mean). */
void tape_options_init(struct tape_options *o);

/*
 * Open the image at path, positioned at the load point. On success *out is the tape; on failure
 * *out is NULL and the status says why (errno is kept for TAPE_ERR_IO).
 */
enum tape_status tape_open(const char *path, enum tape_mode mode, const struct tape_options *opt,
			   struct tape **out);
/* Flush (for a written tape), close and free. NULL is allowed. Returns TAPE_ERR_IO if the flush failed. */
enum tape_status tape_close(struct tape *t);

enum tape_format tape_format(const struct tape *t);
void tape_position(const struct tape *t, struct tape_position *pos);
/* File offset of the header where the last TAPE_ERR_* of a format kind was found. */
uint64_t tape_error_offset(const struct tape *t);

/*
 * Read the next block. TAPE_OK: a data block; *len is its full length and min(*len, size) bytes
 * are in buf (*len > size means the block was longer than the buffer; it is still passed).
 * TAPE_MARK: a tape mark was passed (*len = 0). TAPE_EOD: nothing moved. Errors: nothing moved.
 */
enum tape_status tape_read_block(struct tape *t, void *buf, size_t size, size_t *len);
/* Write a block of 1..TAPE_MAX_BLOCK bytes at the position, ending the tape after it. */
enum tape_status tape_write_block(struct tape *t, const void *data, size_t len);
/* Write a tape mark at the position, ending the tape after it; flushes to disk. */
enum tape_status tape_write_mark(struct tape *t);
/* Back to the load point. */
enum tape_status tape_rewind(struct tape *t);

/*
 * Spacing, as the 3420 does it. fsb: over one block: TAPE_OK, or TAPE_MARK having passed a mark,
 * or TAPE_EOD. bsb: back over one block: TAPE_OK, or TAPE_MARK having gone back over a mark (the
 * position is then before it), or TAPE_BOT. fsf: forward past the next tape mark: TAPE_OK, or
 * TAPE_EOD (positioned at the end of data). bsf: back over the previous tape mark, positioned
 * before it: TAPE_OK, or TAPE_BOT (positioned at the load point).
 */
enum tape_status tape_fsb(struct tape *t);
enum tape_status tape_bsb(struct tape *t);
enum tape_status tape_fsf(struct tape *t);
enum tape_status tape_bsf(struct tape *t);

#endif
