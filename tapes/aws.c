/*
 * aws.c - the chunk format shared by AWS and HET images, positioning, reading and writing.
 *
 * Every chunk has a 6-byte header, lengths little-endian:
 *
 *	 0       2       4       5       6
 *	+-------+-------+-------+-------+--------------
 *	|curlen |prvlen |flags1 |flags2 | curlen bytes of data
 *	+-------+-------+-------+-------+--------------
 *	flags1: X'80' start of block, X'40' tape mark, X'20' end of block, X'03' HET compression
 *	        (1 zlib, 2 bzip2); flags2: X'80' zlib (Bus-Tech variant).
 *
 * prvlen is the curlen of the chunk before (0 for the first chunk and after a tape mark); backward
 * spacing relies on it, and every header this file reads is checked against it. A block is one
 * chunk flagged X'A0' or a run X'80', X'00'..., X'20'; a compressed block is compressed whole and
 * then split, every chunk carrying the same method.
 *
 * Invariant of struct tape between calls: pos is the offset of a chunk boundary, prev_len the
 * curlen of the chunk ending at pos (0 at the load point), file/block as tape.h defines them.
 * Every operation works on copies and commits them only on success, so a failing call moves
 * nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tapes/tape.h"
#include "tapes/tape_int.h"

#define AWS_HDR_LEN	6
#define AWS_BOR		0x80
#define AWS_MARK	0x40
#define AWS_EOR		0x20
#define AWS_COMP_MASK	0x03
#define AWS_F2_ZLIB	0x80

struct tape {
	/* Fixed at open. */
	int fd;
	int writable;
	enum tape_format format;
	struct tape_options opt;

	/* Position (see the invariant above). */
	uint64_t pos;
	uint16_t prev_len;
	unsigned file;
	unsigned block;

	uint64_t err_off;	/* where the last format error was found */
	int written;		/* data written since the last fdatasync */

	/* Scratch: raw holds a block as stored (maybe compressed), plain a decompressed block. */
	uint8_t *raw;
	uint8_t *plain;
};

/* A decoded header. */
struct aws_hdr {
	uint16_t cur;
	uint16_t prev;
	uint8_t f1;
	uint8_t f2;
};

/* A position snapshot, what every operation computes before committing. */
struct aws_pos {
	uint64_t pos;
	uint16_t prev_len;
	unsigned file;
	unsigned block;
};

static struct aws_pos aws_save(const struct tape *t)
{
	return (struct aws_pos){ t->pos, t->prev_len, t->file, t->block };
}

static void aws_commit(struct tape *t, const struct aws_pos *p)
{
	t->pos = p->pos;
	t->prev_len = p->prev_len;
	t->file = p->file;
	t->block = p->block;
}

static enum tape_status aws_fail(struct tape *t, enum tape_status st, uint64_t off)
{
	t->err_off = off;
	return st;
}

const char *tape_status_str(enum tape_status st)
{
	switch (st) {
	case TAPE_OK: return "ok";
	case TAPE_MARK: return "tape mark";
	case TAPE_EOD: return "end of data";
	case TAPE_BOT: return "at load point";
	case TAPE_ERR_IO: return "I/O error";
	case TAPE_ERR_NOMEM: return "out of memory";
	case TAPE_ERR_ARG: return "invalid argument";
	case TAPE_ERR_READONLY: return "tape is read-only";
	case TAPE_ERR_HEADER: return "invalid chunk header";
	case TAPE_ERR_PREVLEN: return "previous-length mismatch";
	case TAPE_ERR_TRUNCATED: return "truncated image";
	case TAPE_ERR_COMPRESS: return "bad compressed data";
	case TAPE_ERR_UNSUPPORTED: return "unsupported compression";
	}
	return "unknown status";
}

const char *tape_format_str(enum tape_format f)
{
	return f == TAPE_FORMAT_HET ? "HET" : "AWS";
}

void tape_options_init(struct tape_options *o)
{
	memset(o, 0, sizeof *o);
	o->format = TAPE_FORMAT_AUTO;
	o->compress = TAPE_COMPRESS_ZLIB;
}

/* Read the header at off: TAPE_OK, TAPE_EOD (nothing there), TAPE_ERR_TRUNCATED or TAPE_ERR_IO. */
static enum tape_status aws_get_hdr(struct tape *t, uint64_t off, struct aws_hdr *h)
{
	uint8_t b[AWS_HDR_LEN];
	ssize_t n = pread(t->fd, b, sizeof b, (off_t)off);

	if (n < 0)
		return aws_fail(t, TAPE_ERR_IO, off);
	if (n == 0)
		return TAPE_EOD;
	if (n < AWS_HDR_LEN)
		return aws_fail(t, TAPE_ERR_TRUNCATED, off);
	h->cur = (uint16_t)(b[0] | b[1] << 8);
	h->prev = (uint16_t)(b[2] | b[3] << 8);
	h->f1 = b[4];
	h->f2 = b[5];
	return TAPE_OK;
}

/* Compression method of a header: 0 none, 1 zlib, 2 bzip2, -1 invalid. */
static int aws_method(const struct aws_hdr *h)
{
	unsigned c1 = h->f1 & AWS_COMP_MASK;

	if (h->f2 & AWS_F2_ZLIB)
		return c1 ? -1 : TAPE_COMPRESS_ZLIB;
	return c1 == 3 ? -1 : (int)c1;
}

static uint64_t aws_file_size(struct tape *t, enum tape_status *st)
{
	struct stat sb;

	if (fstat(t->fd, &sb) < 0) {
		*st = TAPE_ERR_IO;
		return 0;
	}
	*st = TAPE_OK;
	return (uint64_t)sb.st_size;
}

/*
 * Pass the next block or tape mark forward from *p. With raw non-NULL the block's stored bytes are
 * gathered into raw (at most TAPE_MAX_BLOCK) and *rawlen, *method set. Returns TAPE_OK (a block),
 * TAPE_MARK, TAPE_EOD (nothing moved) or an error with t->err_off set; *p is advanced only on
 * TAPE_OK and TAPE_MARK.
 */
static enum tape_status aws_next(struct tape *t, struct aws_pos *p, uint8_t *raw, size_t *rawlen,
				 int *method, uint64_t *start)
{
	enum tape_status st;
	uint64_t size = aws_file_size(t, &st);
	uint64_t off = p->pos;
	uint16_t prev = p->prev_len;
	size_t total = 0;
	int meth = 0;
	struct aws_hdr h;

	if (st != TAPE_OK)
		return aws_fail(t, st, off);
	*start = off;
	for (int first = 1;; first = 0) {
		st = aws_get_hdr(t, off, &h);
		if (st == TAPE_EOD && !first)
			return aws_fail(t, TAPE_ERR_TRUNCATED, off);
		if (st != TAPE_OK)
			return st;
		if (h.prev != prev)
			return aws_fail(t, TAPE_ERR_PREVLEN, off);
		if (h.f1 & AWS_MARK) {
			if (!first || h.cur != 0 || (h.f1 & (AWS_BOR | AWS_EOR | AWS_COMP_MASK)) || h.f2)
				return aws_fail(t, TAPE_ERR_HEADER, off);
			p->pos = off + AWS_HDR_LEN;
			p->prev_len = 0;
			p->file++;
			p->block = 0;
			return TAPE_MARK;
		}
		if (h.cur == 0 || !!(h.f1 & AWS_BOR) != first)
			return aws_fail(t, TAPE_ERR_HEADER, off);
		int m = aws_method(&h);
		if (m < 0 || (!first && m != meth))
			return aws_fail(t, TAPE_ERR_HEADER, off);
		meth = m;
		if (total + h.cur > TAPE_MAX_BLOCK)
			return aws_fail(t, TAPE_ERR_HEADER, off);
		if (off + AWS_HDR_LEN + h.cur > size)
			return aws_fail(t, TAPE_ERR_TRUNCATED, off);
		if (raw) {
			ssize_t n = pread(t->fd, raw + total, h.cur, (off_t)(off + AWS_HDR_LEN));
			if (n < 0)
				return aws_fail(t, TAPE_ERR_IO, off);
			if ((size_t)n != h.cur)
				return aws_fail(t, TAPE_ERR_TRUNCATED, off);
		}
		total += h.cur;
		off += AWS_HDR_LEN + h.cur;
		prev = h.cur;
		if (h.f1 & AWS_EOR)
			break;
	}
	p->pos = off;
	p->prev_len = prev;
	p->block++;
	if (raw) {
		*rawlen = total;
		*method = meth;
	}
	return TAPE_OK;
}

/*
 * Step back over the chunk ending at *off (whose curlen is *prev): on TAPE_OK *off is its start,
 * *prev its own prvlen and *h its header. TAPE_BOT at offset 0.
 */
static enum tape_status aws_back_chunk(struct tape *t, uint64_t *off, uint16_t *prev,
				       struct aws_hdr *h)
{
	enum tape_status st;

	if (*off == 0)
		return TAPE_BOT;
	if ((uint64_t)*prev + AWS_HDR_LEN > *off)
		return aws_fail(t, TAPE_ERR_PREVLEN, *off);
	uint64_t hoff = *off - AWS_HDR_LEN - *prev;
	st = aws_get_hdr(t, hoff, h);
	if (st == TAPE_EOD)
		st = aws_fail(t, TAPE_ERR_TRUNCATED, hoff);
	if (st != TAPE_OK)
		return st;
	if (h->cur != *prev)
		return aws_fail(t, TAPE_ERR_PREVLEN, hoff);
	if (h->f1 & AWS_MARK) {
		if (h->cur != 0 || (h->f1 & (AWS_BOR | AWS_EOR | AWS_COMP_MASK)) || h->f2)
			return aws_fail(t, TAPE_ERR_HEADER, hoff);
	} else if (h->cur == 0 || aws_method(h) < 0) {
		return aws_fail(t, TAPE_ERR_HEADER, hoff);
	}
	if (hoff == 0 && h->prev != 0)
		return aws_fail(t, TAPE_ERR_PREVLEN, hoff);
	*off = hoff;
	*prev = h->prev;
	return TAPE_OK;
}

/*
 * Step *p back over one block or tape mark: TAPE_OK, TAPE_MARK, TAPE_BOT or an error. The block
 * number is left for the caller to fix after a tape mark.
 */
static enum tape_status aws_back(struct tape *t, struct aws_pos *p)
{
	uint64_t off = p->pos;
	uint16_t prev = p->prev_len;
	struct aws_hdr h;
	enum tape_status st;

	for (int last = 1;; last = 0) {
		st = aws_back_chunk(t, &off, &prev, &h);
		if (st == TAPE_BOT && !last)
			return aws_fail(t, TAPE_ERR_HEADER, 0);
		if (st != TAPE_OK)
			return st;
		if (h.f1 & AWS_MARK) {
			if (!last)
				return aws_fail(t, TAPE_ERR_HEADER, off);
			p->pos = off;
			p->prev_len = prev;
			if (p->file)
				p->file--;
			return TAPE_MARK;
		}
		if (last && !(h.f1 & AWS_EOR))
			return aws_fail(t, TAPE_ERR_HEADER, off);
		if (!last && (h.f1 & AWS_EOR))
			return aws_fail(t, TAPE_ERR_HEADER, off);
		if (h.f1 & AWS_BOR)
			break;
	}
	p->pos = off;
	p->prev_len = prev;
	if (p->block)
		p->block--;
	return TAPE_OK;
}

/* Set p->block by counting blocks back from p to the previous tape mark or the load point. */
static enum tape_status aws_count_blocks(struct tape *t, struct aws_pos *p)
{
	struct aws_pos q = *p;
	unsigned n = 0;
	enum tape_status st;

	q.block = 1;		/* keep aws_back from clamping */
	for (;;) {
		st = aws_back(t, &q);
		if (st == TAPE_MARK || st == TAPE_BOT)
			break;
		if (st != TAPE_OK)
			return st;
		n++;
		q.block = 1;
	}
	p->block = n;
	return TAPE_OK;
}

static int aws_name_is_het(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && strcasecmp(path + n - 4, ".het") == 0;
}

enum tape_status tape_open(const char *path, enum tape_mode mode, const struct tape_options *opt,
			   struct tape **out)
{
	struct tape *t;
	struct aws_hdr h;
	enum tape_status st;
	int flags;

	*out = NULL;
	switch (mode) {
	case TAPE_RDONLY: flags = O_RDONLY; break;
	case TAPE_RDWR: flags = O_RDWR; break;
	case TAPE_CREATE: flags = O_RDWR | O_CREAT | O_TRUNC; break;
	default: return TAPE_ERR_ARG;
	}
	t = calloc(1, sizeof *t);
	if (!t)
		return TAPE_ERR_NOMEM;
	if (opt)
		t->opt = *opt;
	else
		tape_options_init(&t->opt);
	if (t->opt.chunk_size == 0)
		t->opt.chunk_size = TAPE_CHUNK_MAX;
	if (t->opt.chunk_size > TAPE_CHUNK_MAX || t->opt.level < 0 || t->opt.level > 9 ||
	    t->opt.compress > TAPE_COMPRESS_BZIP2 || t->opt.format < TAPE_FORMAT_AUTO ||
	    t->opt.format > TAPE_FORMAT_HET) {
		free(t);
		return TAPE_ERR_ARG;
	}
	t->raw = malloc(TAPE_MAX_BLOCK);
	t->plain = malloc(TAPE_MAX_BLOCK);
	if (!t->raw || !t->plain) {
		st = TAPE_ERR_NOMEM;
		goto fail;
	}
	t->fd = open(path, flags | O_CLOEXEC, 0666);
	if (t->fd < 0) {
		st = TAPE_ERR_IO;
		goto fail;
	}
	t->writable = mode != TAPE_RDONLY;
	if (t->opt.format != TAPE_FORMAT_AUTO) {
		t->format = (enum tape_format)t->opt.format;
	} else {
		st = aws_get_hdr(t, 0, &h);
		if (st == TAPE_ERR_IO)
			goto fail_fd;
		if (st == TAPE_OK && h.prev == 0 && ((h.f1 & AWS_COMP_MASK) || (h.f2 & AWS_F2_ZLIB)))
			t->format = TAPE_FORMAT_HET;
		else
			t->format = aws_name_is_het(path) ? TAPE_FORMAT_HET : TAPE_FORMAT_AWS;
	}
	if (t->format == TAPE_FORMAT_HET && t->opt.chunk_size < TAPE_CHUNK_MIN) {
		st = TAPE_ERR_ARG;
		goto fail_fd;
	}
	*out = t;
	return TAPE_OK;

fail_fd:
	{
		int e = errno;
		close(t->fd);
		errno = e;
	}
fail:
	free(t->raw);
	free(t->plain);
	free(t);
	return st;
}

enum tape_status tape_close(struct tape *t)
{
	enum tape_status st = TAPE_OK;

	if (!t)
		return TAPE_OK;
	if (t->written && fdatasync(t->fd) < 0)
		st = TAPE_ERR_IO;
	if (close(t->fd) < 0)
		st = TAPE_ERR_IO;
	free(t->raw);
	free(t->plain);
	free(t);
	return st;
}

enum tape_format tape_format(const struct tape *t)
{
	return t->format;
}

void tape_position(const struct tape *t, struct tape_position *pos)
{
	pos->file = t->file;
	pos->block = t->block;
	pos->offset = t->pos;
}

uint64_t tape_error_offset(const struct tape *t)
{
	return t->err_off;
}

enum tape_status tape_read_block(struct tape *t, void *buf, size_t size, size_t *len)
{
	struct aws_pos p = aws_save(t);
	size_t rawlen = 0;
	int method = 0;
	uint64_t start;
	const uint8_t *data = t->raw;
	enum tape_status st;

	*len = 0;
	st = aws_next(t, &p, t->raw, &rawlen, &method, &start);
	if (st != TAPE_OK && st != TAPE_MARK)
		return st;
	if (st == TAPE_OK && method) {
		const struct het_codec_ops *c = het_codec((unsigned)method);
		if (!c)
			return aws_fail(t, TAPE_ERR_UNSUPPORTED, start);
		if (c->decompress(t->raw, rawlen, t->plain, TAPE_MAX_BLOCK, &rawlen) != TAPE_OK)
			return aws_fail(t, TAPE_ERR_COMPRESS, start);
		data = t->plain;
	}
	if (st == TAPE_OK) {
		if (size)
			memcpy(buf, data, rawlen < size ? rawlen : size);
		*len = rawlen;
	}
	aws_commit(t, &p);
	return st;
}

/* Truncate the tape at pos: the first step of every write (the crash-safety order). */
static enum tape_status aws_truncate_here(struct tape *t)
{
	if (!t->writable)
		return TAPE_ERR_READONLY;
	if (ftruncate(t->fd, (off_t)t->pos) < 0)
		return aws_fail(t, TAPE_ERR_IO, t->pos);
	t->written = 1;
	return TAPE_OK;
}

static enum tape_status aws_pwrite_all(struct tape *t, const void *b, size_t n, uint64_t off)
{
	const uint8_t *p = b;

	while (n) {
		ssize_t w = pwrite(t->fd, p, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return aws_fail(t, TAPE_ERR_IO, off);
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return TAPE_OK;
}

static void aws_put_hdr(uint8_t *b, uint16_t cur, uint16_t prev, uint8_t f1)
{
	b[0] = (uint8_t)cur;
	b[1] = (uint8_t)(cur >> 8);
	b[2] = (uint8_t)prev;
	b[3] = (uint8_t)(prev >> 8);
	b[4] = f1;
	b[5] = 0;
}

static enum tape_status aws_sync(struct tape *t)
{
	if (fdatasync(t->fd) < 0)
		return aws_fail(t, TAPE_ERR_IO, t->pos);
	t->written = 0;
	return TAPE_OK;
}

enum tape_status tape_write_block(struct tape *t, const void *data, size_t len)
{
	const uint8_t *src = data;
	size_t n = len;
	uint8_t method = 0;
	uint64_t off = t->pos;
	uint16_t prev = t->prev_len;
	enum tape_status st;

	if (!t->writable)
		return TAPE_ERR_READONLY;
	if (len == 0 || len > TAPE_MAX_BLOCK)
		return TAPE_ERR_ARG;
	if (t->format == TAPE_FORMAT_HET && t->opt.compress != TAPE_COMPRESS_NONE) {
		const struct het_codec_ops *c = het_codec(t->opt.compress);
		int level = t->opt.level ? t->opt.level : c->default_level;
		size_t clen;
		if (c->compress(src, len, t->plain, TAPE_MAX_BLOCK, &clen, level) == TAPE_OK &&
		    clen < len) {
			src = t->plain;
			n = clen;
			method = (uint8_t)t->opt.compress;
		}
	}
	st = aws_truncate_here(t);
	if (st != TAPE_OK)
		return st;
	for (size_t done = 0; done < n;) {
		size_t c = n - done < t->opt.chunk_size ? n - done : t->opt.chunk_size;
		uint8_t hdr[AWS_HDR_LEN];
		uint8_t f1 = method;
		if (done == 0)
			f1 |= AWS_BOR;
		if (done + c == n)
			f1 |= AWS_EOR;
		aws_put_hdr(hdr, (uint16_t)c, prev, f1);
		st = aws_pwrite_all(t, hdr, sizeof hdr, off);
		if (st == TAPE_OK)
			st = aws_pwrite_all(t, src + done, c, off + AWS_HDR_LEN);
		if (st != TAPE_OK) {
			/* Leave the tape as it was before the call (ended at pos). */
			if (ftruncate(t->fd, (off_t)t->pos) < 0) {
				/* nothing better to do: the read side reports the partial chunk */
			}
			return st;
		}
		off += AWS_HDR_LEN + c;
		prev = (uint16_t)c;
		done += c;
	}
	t->pos = off;
	t->prev_len = prev;
	t->block++;
	if (t->opt.flags & TAPE_SYNC_EVERY)
		return aws_sync(t);
	return TAPE_OK;
}

enum tape_status tape_write_mark(struct tape *t)
{
	uint8_t hdr[AWS_HDR_LEN];
	enum tape_status st = aws_truncate_here(t);

	if (st != TAPE_OK)
		return st;
	aws_put_hdr(hdr, 0, t->prev_len, AWS_MARK);
	st = aws_pwrite_all(t, hdr, sizeof hdr, t->pos);
	if (st != TAPE_OK) {
		if (ftruncate(t->fd, (off_t)t->pos) < 0) {
			/* as in tape_write_block */
		}
		return st;
	}
	t->pos += AWS_HDR_LEN;
	t->prev_len = 0;
	t->file++;
	t->block = 0;
	return aws_sync(t);
}

enum tape_status tape_rewind(struct tape *t)
{
	t->pos = 0;
	t->prev_len = 0;
	t->file = 0;
	t->block = 0;
	return TAPE_OK;
}

enum tape_status tape_fsb(struct tape *t)
{
	struct aws_pos p = aws_save(t);
	uint64_t start;
	enum tape_status st = aws_next(t, &p, NULL, NULL, NULL, &start);

	if (st == TAPE_OK || st == TAPE_MARK)
		aws_commit(t, &p);
	return st;
}

enum tape_status tape_bsb(struct tape *t)
{
	struct aws_pos p = aws_save(t);
	enum tape_status st = aws_back(t, &p);

	if (st == TAPE_MARK) {
		enum tape_status cs = aws_count_blocks(t, &p);
		if (cs != TAPE_OK)
			return cs;
	}
	if (st == TAPE_OK || st == TAPE_MARK)
		aws_commit(t, &p);
	return st;
}

enum tape_status tape_fsf(struct tape *t)
{
	struct aws_pos p = aws_save(t);
	uint64_t start;
	enum tape_status st;

	do
		st = aws_next(t, &p, NULL, NULL, NULL, &start);
	while (st == TAPE_OK);
	if (st == TAPE_MARK || st == TAPE_EOD) {
		aws_commit(t, &p);
		return st == TAPE_MARK ? TAPE_OK : TAPE_EOD;
	}
	return st;
}

enum tape_status tape_bsf(struct tape *t)
{
	struct aws_pos p = aws_save(t);
	enum tape_status st;

	do
		st = aws_back(t, &p);
	while (st == TAPE_OK);
	if (st == TAPE_MARK) {
		st = aws_count_blocks(t, &p);
		if (st != TAPE_OK)
			return st;
		aws_commit(t, &p);
		return TAPE_OK;
	}
	if (st == TAPE_BOT) {
		aws_commit(t, &p);
		t->block = 0;
		return TAPE_BOT;
	}
	return st;
}
