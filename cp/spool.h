/*
 * spool.h - the CP spool: reader, printer and punch files kept in one host directory, surviving a
 * restart (VM/370's spooling, vm370-cp.md section 9).
 *
 *	struct spool *sp;
 *	struct spool_recovery rec;
 *	if (spool_open("SYSDIR/spool", &cfg, &sp, &rec) != SPOOL_OK) ...
 *	log rec.debris, rec.unreadable and rec.bad[]; spool_recovery_free(&rec);
 *
 *	struct spool_writer *w;                         a user's virtual punch or printer
 *	spool_create(sp, &(struct spool_new){...}, &w);   the spoolid is assigned now
 *	spool_write(w, 0x09, line, len);                 one record: channel command + data
 *	spool_commit(w, NULL, &info);                   the file appears on its queue (or spool_discard)
 *
 *	struct spool_reader *r;                         a user's virtual reader
 *	spool_reader_open(sp, "MAINT", '*', &r);         the next readable file, now "open"
 *	while (spool_reader_next(r, &ccw, buf, sizeof buf, &n) == SPOOL_OK) ...
 *	spool_reader_close(r, SPOOL_READER_PURGE);
 *
 * THE MODEL. A spool file has a spoolid (1-9900, assigned in sequence, wrapping to 1 and skipping
 * ids in use), the device type it was made on (PRT, PUN, CON), the queue it is on (a user's READER,
 * or the system PRINTER or PUNCH queue), an owner and an originating userid, class, record count,
 * copies, hold state, distribution code, name and type, creation time, and its place in its queue.
 * Records keep the channel command byte the guest gave with its data, EBCDIC as written: printer
 * records carry their carriage control (write / space / skip codes of the 1403), punch records are
 * 80-byte cards. Files being written (open on a punch or printer) are on no queue and are not
 * listed; their spoolid is taken.
 *
 * PERMISSIONS. Every operation names its actor (struct spool_actor): a user acts only on files he
 * owns; a class D operator (oper) acts on anyone's. TRANSFER also lets the originator of a file
 * reclaim it from another user's reader into his own (TRANSFER ... FROM). A file open on a reader
 * (being read) is not purged, changed or transferred by the queue commands.
 *
 * ON DISK. In the spool directory, for spoolid n (four digits):
 *   nnnn.dat   the records: for each, the channel command byte, the data length (2 bytes, big
 *              endian) and the data
 *   nnnn.meta  the attributes, a short text file ("key value" lines between a "cambridge-spool 1"
 *              line and an "end" line); a file is committed exactly when its .meta exists
 *   NEXTID     the next spoolid to try
 * Every write is crash-safe: a temporary file (name ending .tmp) is written, fsync'd, renamed over
 * the real name, and the directory fsync'd. A new file's data is renamed into place before its
 * .meta, so a crash leaves either a committed file or debris (a .tmp, or a .dat without .meta),
 * which spool_open() removes and counts. CHANGE, ORDER, TRANSFER and hold rewrite the .meta the
 * same way; a crash in the middle of an ORDER or of a many-file operation leaves every file
 * valid, some of them changed. Anything else in the directory (a .meta that does not parse, a
 * .meta whose .dat is missing or has the wrong size, a name the spool does not make) is reported
 * as unreadable and left alone; its spoolid, if it has one, is not reused.
 *
 * THREADS. One internal mutex: any number of threads may call into one spool at once. A writer or
 * a reader handle belongs to one thread at a time. The arrival callback is called without the
 * mutex held (it may call back into the spool). spool_close() needs every writer and reader
 * closed first.
 *
 * Responses. All spool wording lives here: spool_fmt_*() fill a buffer with a line from the
 * message catalog (cp/messages_spool.def).
 */
#ifndef CP_SPOOL_H
#define CP_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct spool;
struct spool_writer;
struct spool_reader;

#define SPOOL_ID_MAX		9900	/* spoolids are 1 .. SPOOL_ID_MAX */
#define SPOOL_USERID_MAX	8
#define SPOOL_NAME_MAX		8	/* name, type, distribution code */
#define SPOOL_COPIES_MAX	99
#define SPOOL_RECORD_MAX	65535	/* data bytes in one record */
#define SPOOL_CARD		80	/* bytes in a punch record */

enum spool_status {
	SPOOL_OK = 0,
	SPOOL_ERR_ARG,		/* bad argument (class, copies, userid, name, record length ...) */
	SPOOL_ERR_NOT_FOUND,	/* no such file (or none the actor may see), no readable file */
	SPOOL_ERR_PERM,		/* the actor may not act on that user's files */
	SPOOL_ERR_BUSY,		/* the file is open on a reader */
	SPOOL_ERR_FULL,		/* all 9900 spoolids are in use */
	SPOOL_ERR_EOF,		/* a reader is at the end of its file */
	SPOOL_ERR_FORMAT,	/* an import file is not card images / text, or a spool file is damaged */
	SPOOL_ERR_IO,		/* the host file system failed (errno is kept) */
	SPOOL_ERR_NOMEM,
};

const char *spool_status_str(enum spool_status st);

/* The originating device type (QUERY's typ). */
enum spool_devtype {
	SPOOL_DEV_PRT,
	SPOOL_DEV_PUN,
	SPOOL_DEV_CON,		/* a console log: a printer file made on the console */
};
const char *spool_devtype_str(enum spool_devtype t);	/* "PRT", "PUN", "CON" */

enum spool_queue {
	SPOOL_Q_READER,		/* the owner's virtual reader */
	SPOOL_Q_PRINTER,	/* the system printer queue (PRT and CON files) */
	SPOOL_Q_PUNCH,		/* the system punch queue */
};

enum spool_hold {
	SPOOL_HOLD_NONE,
	SPOOL_HOLD_USER,
	SPOOL_HOLD_SYS,
	SPOOL_HOLD_USYS,
};
const char *spool_hold_str(enum spool_hold h);	/* "NONE", "USER", "SYS", "USYS" */

/* A closed file's attributes. */
struct spool_file_info {
	unsigned id;
	enum spool_devtype devtype;
	enum spool_queue queue;
	char owner[SPOOL_USERID_MAX + 1];
	char origin[SPOOL_USERID_MAX + 1];
	char class;
	uint32_t records;
	unsigned copies;
	enum spool_hold hold;
	char dist[SPOOL_NAME_MAX + 1];
	char name[SPOOL_NAME_MAX + 1];
	char type[SPOOL_NAME_MAX + 1];
	time_t created;
	unsigned order;		/* 1-based place among the owner's files on that queue */
	bool open;		/* being read on a reader */
};

/* Who asks. */
struct spool_actor {
	const char *userid;
	bool oper;		/* a class D operator: may act on any user's files */
};

/* ---- Opening ---- */

/* Told when a file arrives in a user's reader (f->owner): closed there by a punch or printer
 * sent TO the user, imported, or transferred (transfer true, from = the user who sent it). Called
 * on the thread that did it, without the spool's mutex. */
typedef void spool_arrival_fn(void *arg, const struct spool_file_info *f, const char *from,
			      bool transfer);

struct spool_config {
	spool_arrival_fn *arrival;	/* may be NULL */
	void *arg;
};

/* What spool_open() found on disk, for the caller to log. bad[] names the unreadable entries
 * (at most SPOOL_BAD_MAX kept; unreadable counts them all). */
#define SPOOL_BAD_MAX 32
struct spool_recovery {
	size_t files;		/* committed files recovered */
	size_t debris;		/* half-written leftovers removed */
	size_t unreadable;	/* entries reported and skipped */
	char *bad[SPOOL_BAD_MAX];
	size_t nbad;
};
void spool_recovery_free(struct spool_recovery *rec);

/* Open (creating the directory if missing) and recover the queues. rec may be NULL. */
enum spool_status spool_open(const char *dir, const struct spool_config *cfg, struct spool **out,
			     struct spool_recovery *rec);
void spool_close(struct spool *sp);

/* The next spoolid spool_create() will try (for tests and the operator). */
unsigned spool_next_id(struct spool *sp);

/* ---- Writing ---- */

struct spool_new {
	enum spool_devtype devtype;
	const char *origin;	/* the user whose device makes the file */
	const char *to;		/* non-NULL: goes to this user's reader (SPOOL ... TO userid) */
	const char *owner;	/* to == NULL: owner on the system queue (FOR userid); NULL: origin */
	char class;		/* A-Z, 0-9 */
	unsigned copies;	/* 1-99 (0 = 1) */
	enum spool_hold hold;
	const char *dist;	/* NULL or "": the owner's userid */
	const char *name, *type;	/* may be NULL */
};

/* Start a file; the spoolid is assigned (and NEXTID saved) here. */
enum spool_status spool_create(struct spool *sp, const struct spool_new *n, struct spool_writer **w);
/* Append one record: the channel command byte and len data bytes (len <= SPOOL_RECORD_MAX). An
 * error sticks: commit then fails. */
enum spool_status spool_write(struct spool_writer *w, uint8_t ccw, const uint8_t *data, size_t len);
unsigned spool_writer_id(const struct spool_writer *w);
uint32_t spool_writer_records(const struct spool_writer *w);

/* What CLOSE may still say about the file (each field: leave NULL / false to keep). */
struct spool_close_opts {
	bool set_hold;
	enum spool_hold hold;
	const char *dist;
	const char *name, *type;
};

/* Close the file: it appears on its queue atomically (crash-safe). info (may be NULL) gets its
 * attributes. The writer is freed whatever the result; on failure the file is gone. */
enum spool_status spool_commit(struct spool_writer *w, const struct spool_close_opts *o,
			       struct spool_file_info *info);
/* Throw the file away (CLOSE ... PURGE). */
void spool_discard(struct spool_writer *w);

/* ---- Queries and queue operations ---- */

/* Which files: ALL, one spoolid, or a class. */
enum spool_sel_kind {
	SPOOL_SEL_ALL,
	SPOOL_SEL_ID,
	SPOOL_SEL_CLASS,
};
struct spool_select {
	enum spool_sel_kind kind;
	unsigned id;
	char class;
};

/*
 * The files on queue q owned by user (NULL: every user's, operators only), that match any of the
 * nsel selections (nsel 0: all), in queue order. *out is malloc'd (free() it; NULL when *n is 0).
 * SPOOL_ERR_PERM when a user asks for someone else's files.
 */
enum spool_status spool_list(struct spool *sp, const struct spool_actor *a, enum spool_queue q,
			     const char *user, const struct spool_select *sel, size_t nsel,
			     struct spool_file_info **out, size_t *n);
/* One file's attributes (its owner, its originator or an operator may look). */
enum spool_status spool_get(struct spool *sp, const struct spool_actor *a, unsigned id,
			    struct spool_file_info *info);
/* Counts of user's files on his reader and the printer and punch queues (QUERY FILES); class
 * 0 for every class. */
void spool_count(struct spool *sp, const char *user, char class, unsigned counts[3]);

/* CHANGE: each field left 0 / false / NULL is kept. copies apply to printer and punch files. */
struct spool_change {
	char class;
	unsigned copies;
	bool set_hold;
	enum spool_hold hold;
	const char *dist;
	bool set_name;		/* name and type (NULL: blank) */
	const char *name, *type;
};

/*
 * CHANGE, ORDER, PURGE on queue q of user (NULL: every user's, operators only). *count gets the
 * number of files done. An explicit spoolid that is not there (for this actor) makes the result
 * SPOOL_ERR_NOT_FOUND after the others were done. Files open on a reader are skipped.
 * ORDER: the files named (spoolids and classes, in the order given; a file named twice moves once)
 * go first, the others follow in their order (vm370-cp.md 9.6); on a shared system queue the
 * user's files trade places among themselves.
 */
enum spool_status spool_change(struct spool *sp, const struct spool_actor *a, enum spool_queue q,
			       const char *user, const struct spool_select *sel, size_t nsel,
			       const struct spool_change *ch, unsigned *count);
enum spool_status spool_order(struct spool *sp, const struct spool_actor *a, enum spool_queue q,
			      const char *user, const struct spool_select *sel, size_t nsel,
			      unsigned *count);
enum spool_status spool_purge(struct spool *sp, const struct spool_actor *a, enum spool_queue q,
			      const char *user, const struct spool_select *sel, size_t nsel,
			      unsigned *count);

/*
 * TRANSFER: move the reader files of user from (NULL: every user, for a reclaim or an operator)
 * that match sel to the reader of user to; the spoolid stays. Allowed on files the actor owns, on
 * files he originated when he takes them back into his own reader (TRANSFER ... FROM), and for an
 * operator on any. ids (may be NULL) gets up to maxids of the moved spoolids, *count how many
 * moved. The receiver's arrival callback is called for each.
 */
enum spool_status spool_transfer(struct spool *sp, const struct spool_actor *a, const char *from,
				 const struct spool_select *sel, size_t nsel, const char *to,
				 unsigned *ids, size_t maxids, unsigned *count);

/* ---- Reading (virtual readers; DIAGNOSE X'14') ---- */

/* Open the first file on user's reader, in queue order, of class (or any class with '*'), not
 * held and not open: SPOOL_ERR_NOT_FOUND when there is none. */
enum spool_status spool_reader_open(struct spool *sp, const char *user, char class,
				    struct spool_reader **r);
/* Open one file by spoolid (its owner or an operator): SPOOL_ERR_BUSY if it is open already. */
enum spool_status spool_reader_open_id(struct spool *sp, const struct spool_actor *a, unsigned id,
				       struct spool_reader **r);
void spool_reader_info(const struct spool_reader *r, struct spool_file_info *info);
/* The next record: its channel command byte, and its data into buf (cut to max; *len the
 * record's whole length). SPOOL_ERR_EOF after the last; SPOOL_ERR_FORMAT if the data is damaged. */
enum spool_status spool_reader_next(struct spool_reader *r, uint8_t *ccw, uint8_t *buf, size_t max,
				    size_t *len);
/* Position: the number of records read so far; seek to record n (0 = rewind). */
uint32_t spool_reader_position(const struct spool_reader *r);
enum spool_status spool_reader_seek(struct spool_reader *r, uint32_t n);

enum spool_reader_disp {
	SPOOL_READER_KEEP,	/* leave it on the reader, readable again */
	SPOOL_READER_HOLD,	/* leave it, in user hold */
	SPOOL_READER_PURGE,	/* purge it */
};
/* Close the handle; what happens to the file. Frees r. */
enum spool_status spool_reader_close(struct spool_reader *r, enum spool_reader_disp d);

/* ---- Host exchange ---- */

enum spool_import_format {
	SPOOL_IMPORT_CARDS,	/* 80-byte EBCDIC card images (size a multiple of 80) */
	SPOOL_IMPORT_TEXT,	/* ASCII lines: CR dropped, tabs to multiples of 8, to EBCDIC, blank-
				 * padded to 80; a longer line is SPOOL_ERR_FORMAT */
};
/* Put a host file into n->to's reader as a punch file (n->devtype is ignored). */
enum spool_status spool_import(struct spool *sp, const char *path, enum spool_import_format fmt,
			       const struct spool_new *n, struct spool_file_info *info);

enum spool_export_format {
	SPOOL_EXPORT_TEXT,	/* printer: carriage control applied (LF per line spaced, FF for a
				 * skip to a new form, as dev_printer.c); punch: one line per card,
				 * trailing blanks trimmed */
	SPOOL_EXPORT_RAW,	/* punch files only: the 80-byte records */
};
/* Write file id (the actor's, or any for an operator) to a host file (created or replaced). */
enum spool_status spool_export(struct spool *sp, const struct spool_actor *a, unsigned id,
			       const char *path, enum spool_export_format fmt);

/* ---- Responses (texts from cp/messages_spool.def); each returns the length written ---- */

/* QUERY RDR/PRT/PUN: the header and one line per file; full adds date, time, name, type, dist
 * (QUERY ... ALL or spoolid). */
size_t spool_fmt_query_header(char *buf, size_t len, bool full);
size_t spool_fmt_query_line(char *buf, size_t len, const struct spool_file_info *f, bool full);
/* QUERY FILES: "FILES: 002 RDR, NO PRT, NO PUN". */
size_t spool_fmt_files(char *buf, size_t len, const unsigned counts[3]);
/* CLOSE: "PUN FILE 0342 TO MAINT COPY 01 NOHOLD" (TO for a reader file, FOR for the system
 * queues). */
size_t spool_fmt_close(char *buf, size_t len, const struct spool_file_info *f);
/* The receiver's notice: "PUN FILE 0342 FROM OPERATOR COPY 01 NOHOLD", or after a TRANSFER
 * "RDR FILE 0342 TRANSFERRED FROM OPERATOR". */
size_t spool_fmt_arrival(char *buf, size_t len, const struct spool_file_info *f, const char *from,
			 bool transfer);
/* The sender's TRANSFER line: "RDR FILE 0342 TRANSFERRED TO MAINT". */
size_t spool_fmt_transferred(char *buf, size_t len, unsigned id, const char *to);

enum spool_verb {
	SPOOL_PURGED,
	SPOOL_CHANGED,
	SPOOL_ORDERED,
	SPOOL_TRANSFERRED,
};
/* "0003 FILES PURGED", "0001 FILE PURGED", "NO FILES PURGED". */
size_t spool_fmt_count(char *buf, size_t len, enum spool_verb v, unsigned n);

#endif
