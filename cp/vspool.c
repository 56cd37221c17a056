/*
 * vspool.c - spooled virtual card readers, punches and printers (see vspool.h).
 *
 * One struct vspool per device, behind the channel's dev_ops: the device's settings, its open
 * spool file (a writer for a punch or printer, a reader handle for a reader) and its sense byte.
 * Everything here runs on the machine's thread; the spool does its own locking. Readers are also
 * kept in a list (under its own mutex) so that DIAGNOSE X'14' finds them by machine and address.
 */
#include "cp/vspool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cp/message.h"
#include "lib/ebcdic.h"
#include "machine/channel.h"

#define CARD		80
#define PRINT_POSITIONS	132
#define FCB_MAX		181	/* the 3211's FCB: an indexing byte and 180 lines */
#define SENSE_EQUIP	0x10

enum vspool_kind {
	VSPOOL_READER,
	VSPOOL_PUNCH,
	VSPOOL_PRINTER,
};

struct vspool {
	/* ---- Fixed at attach. ---- */
	enum vspool_kind kind;
	unsigned devtype;
	uint16_t vaddr;
	struct spool *sp;
	char userid[SPOOL_USERID_MAX + 1];
	/* ---- Set by CP (SPOOL, READY, NOTREADY). ---- */
	struct vspool_settings set;
	bool notready;
	/* ---- The open file and the device's state. ---- */
	struct spool_writer *w;
	struct spool_reader *r;
	uint8_t sense;
	/* ---- DIAGNOSE X'14' ---- */
	unsigned repeats;	/* X'10': times the active file is still to be read (CONT) */
	bool walking;		/* X'04' / X'08' walk in progress ... */
	bool walk_punch;	/* ... for punch files (X'08') or the others */
	unsigned walk_last;	/* ... and the spoolid it gave last */
	/* ---- The readers' list (readers_mx) ---- */
	const struct machine *m;
	struct chan_dev *d;
	struct vspool *next;
};

static pthread_mutex_t readers_mx = PTHREAD_MUTEX_INITIALIZER;
static struct vspool *readers;

static bool valid_class(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool valid_userid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > SPOOL_USERID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7F)
			return false;
	return true;
}

static uint8_t unit_check(struct vspool *v, uint8_t sense, uint32_t *len)
{
	v->sense = sense;
	*len = 0;
	return UNIT_CE | UNIT_DE | UNIT_UC;
}

/* ---- Reader ---- */

/* What happens to a reader's file at its end or at a plain CLOSE (vm370-cp.md 9.5). */
static enum spool_reader_disp reader_disp(const struct vspool *v)
{
	if (!v->set.hold)
		return SPOOL_READER_PURGE;
	return v->set.cont ? SPOOL_READER_HOLD : SPOOL_READER_KEEP;
}

static void reader_finish(struct vspool *v, enum spool_reader_disp d)
{
	spool_reader_close(v->r, d); /* a failure leaves the file on the queue: nothing to tell */
	v->r = NULL;
	v->repeats = 0;
}

static uint8_t reader_read(struct vspool *v, uint8_t *buf, uint32_t *len)
{
	uint8_t rec[1 + 256];
	bool advanced = false; /* CONT went on to another file */
	for (;;) {
		if (!v->r) {
			enum spool_status st = spool_reader_open(v->sp, v->userid, v->set.class, &v->r);
			if (st == SPOOL_ERR_NOT_FOUND) {
				if (advanced)
					break; /* CONT: the end of the last file */
				return unit_check(v, SENSE_INTREQ, len); /* empty hopper */
			}
			if (st != SPOOL_OK)
				return unit_check(v, SENSE_EQUIP, len);
		}
		struct spool_file_info info;
		spool_reader_info(v->r, &info);
		bool punch = info.devtype == SPOOL_DEV_PUN;
		uint8_t ccw;
		size_t n;
		enum spool_status st = spool_reader_next(v->r, &ccw, rec + 1, sizeof rec - 1, &n);
		if (st == SPOOL_OK) {
			uint32_t have;
			const uint8_t *data;
			if (punch) {
				if (n > CARD)
					n = CARD;
				memset(rec + 1 + n, 0x40, CARD - n);
				data = rec + 1;
				have = CARD;
			} else {
				if (n > sizeof rec - 1)
					n = sizeof rec - 1;
				rec[0] = ccw;
				data = rec;
				have = (uint32_t)n + 1;
			}
			memcpy(buf, data, *len < have ? *len : have);
			*len = have;
			v->sense = 0;
			return UNIT_CE | UNIT_DE;
		}
		if (st != SPOOL_ERR_EOF) {
			reader_finish(v, SPOOL_READER_KEEP);
			return unit_check(v, SENSE_EQUIP, len);
		}
		reader_finish(v, reader_disp(v));
		if (!v->set.cont)
			break;
		advanced = true;
	}
	/* The end of a file. */
	if (v->set.eof) {
		v->sense = 0;
		*len = 0;
		return UNIT_CE | UNIT_DE | UNIT_UX;
	}
	return unit_check(v, SENSE_INTREQ, len);
}

/* ---- Punch and printer ---- */

static enum spool_status open_output(struct vspool *v)
{
	struct spool_new n = {
		.devtype = v->kind == VSPOOL_PUNCH ? SPOOL_DEV_PUN : SPOOL_DEV_PRT,
		.origin = v->userid,
		.to = v->set.route == VSPOOL_TO ? v->set.dest : NULL,
		.owner = v->set.route == VSPOOL_FOR ? v->set.dest : NULL,
		.class = v->set.class,
		.copies = v->set.copies,
		.hold = v->set.hold ? SPOOL_HOLD_USER : SPOOL_HOLD_NONE,
		.dist = v->set.dist,
	};
	return spool_create(v->sp, &n, &v->w);
}

static uint8_t output_record(struct vspool *v, uint8_t cmd, const uint8_t *data, size_t n)
{
	if (!v->w && open_output(v) != SPOOL_OK) {
		v->sense = SENSE_EQUIP;
		return UNIT_CE | UNIT_DE | UNIT_UC;
	}
	if (spool_write(v->w, cmd, data, n) != SPOOL_OK) {
		v->sense = SENSE_EQUIP;
		return UNIT_CE | UNIT_DE | UNIT_UC;
	}
	return UNIT_CE | UNIT_DE;
}

static bool punch_write_cmd(const struct vspool *v, uint8_t cmd)
{
	return cmd == 0x01 || cmd == 0x41 || (cmd == 0x81 && v->devtype == 2540);
}

static uint8_t punch_execute(struct vspool *v, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	if (!punch_write_cmd(v, cmd))
		return chan_common_command(cmd, &v->sense, buf, len);
	if (v->notready)
		return unit_check(v, SENSE_INTREQ, len);
	v->sense = 0;
	uint8_t card[CARD];
	if (*len > CARD)
		*len = CARD;
	memset(card, 0x40, sizeof card);
	memcpy(card, buf, *len);
	return output_record(v, cmd, card, CARD);
}

static bool valid_motion(unsigned motion)
{
	return motion <= 3 || (motion >= 0x11 && motion <= 0x1C);
}

static uint8_t printer_execute(struct vspool *v, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	unsigned motion = cmd >> 3;
	bool write = (cmd & 7) == 1 && valid_motion(motion);
	bool immediate = (cmd & 7) == 3 && valid_motion(motion) && cmd != 0x03;
	bool ucs = cmd == 0x23 || cmd == 0x43 || cmd == 0x73 || cmd == 0x7B || cmd == 0xF3 ||
		   cmd == 0xFB;
	bool fcb = cmd == 0x63 && v->devtype == 3211;
	if (!write && !immediate && !ucs && !fcb)
		return chan_common_command(cmd, &v->sense, buf, len);
	if (v->notready)
		return unit_check(v, SENSE_INTREQ, len);
	v->sense = 0;
	if (ucs)
		return UNIT_CE | UNIT_DE;
	if (write) {
		if (*len > PRINT_POSITIONS)
			*len = PRINT_POSITIONS;
		return output_record(v, cmd, buf, *len);
	}
	if (immediate)
		return output_record(v, cmd, NULL, 0);
	if (*len > FCB_MAX)
		*len = FCB_MAX;
	return output_record(v, cmd, buf, *len);
}

/* ---- dev_ops ---- */

static uint8_t vspool_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct vspool *v = chan_dev_priv(d);
	switch (v->kind) {
	case VSPOOL_READER:
		if ((cmd & 3) != 2)
			return chan_common_command(cmd, &v->sense, buf, len);
		if (v->notready)
			return unit_check(v, SENSE_INTREQ, len);
		return reader_read(v, buf, len);
	case VSPOOL_PUNCH:
		return punch_execute(v, cmd, buf, len);
	case VSPOOL_PRINTER:
		return printer_execute(v, cmd, buf, len);
	}
	return chan_common_command(cmd, &v->sense, buf, len);
}

static void vspool_reset(struct chan_dev *d)
{
	struct vspool *v = chan_dev_priv(d);
	v->sense = 0;
}

static void vspool_free(void *priv)
{
	struct vspool *v = priv;
	if (v->kind == VSPOOL_READER) {
		pthread_mutex_lock(&readers_mx);
		struct vspool **pp = &readers;
		while (*pp && *pp != v)
			pp = &(*pp)->next;
		if (*pp)
			*pp = v->next;
		pthread_mutex_unlock(&readers_mx);
	}
	if (v->w) {
		if (spool_writer_records(v->w))
			spool_commit(v->w, NULL, NULL);
		else
			spool_discard(v->w);
	}
	/* The device goes (LOGOFF, DETACH): its open file is closed as a plain CLOSE would
	 * (vm370-cp.md 7.3: LOGOFF closes the active spool files). */
	if (v->r)
		spool_reader_close(v->r, reader_disp(v));
	free(v);
}

#define VSPOOL_OPS(name, typestr)                                                                   \
	static const struct dev_ops name = {                                                        \
		.type = typestr,                                                                    \
		.execute = vspool_execute,                                                          \
		.reset = vspool_reset,                                                              \
		.free = vspool_free,                                                                \
	}
VSPOOL_OPS(ops_2540r, "2540R");
VSPOOL_OPS(ops_3505, "3505");
VSPOOL_OPS(ops_2540p, "2540P");
VSPOOL_OPS(ops_3525, "3525");
VSPOOL_OPS(ops_1403, "1403");
VSPOOL_OPS(ops_3211, "3211");

static const struct dev_ops *ops_for(enum vspool_kind k, unsigned devtype)
{
	switch (k) {
	case VSPOOL_READER:
		return devtype == 2540 ? &ops_2540r : devtype == 3505 ? &ops_3505 : NULL;
	case VSPOOL_PUNCH:
		return devtype == 2540 ? &ops_2540p : devtype == 3525 ? &ops_3525 : NULL;
	case VSPOOL_PRINTER:
		return devtype == 1403 ? &ops_1403 : devtype == 3211 ? &ops_3211 : NULL;
	}
	return NULL;
}

static struct chan_dev *attach(struct machine *m, uint16_t vaddr, enum vspool_kind kind,
			       unsigned devtype, struct spool *sp, const char *userid, char class)
{
	const struct dev_ops *ops = ops_for(kind, devtype);
	bool class_ok = valid_class(class) || (kind == VSPOOL_READER && class == '*');
	if (!ops || !sp || !valid_userid(userid) || !class_ok) {
		errno = EINVAL;
		return NULL;
	}
	struct vspool *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->kind = kind;
	v->devtype = devtype;
	v->vaddr = vaddr;
	v->sp = sp;
	strcpy(v->userid, userid);
	v->set.class = class;
	v->set.eof = true;
	v->set.copies = 1;
	struct chan_dev *d = machine_attach_device(m, vaddr, ops, v);
	if (!d) {
		int e = errno;
		free(v);
		errno = e;
		return NULL;
	}
	if (kind == VSPOOL_READER) {
		v->m = m;
		v->d = d;
		pthread_mutex_lock(&readers_mx);
		v->next = readers;
		readers = v;
		pthread_mutex_unlock(&readers_mx);
	}
	return d;
}

struct chan_dev *vspool_attach_reader(struct machine *m, uint16_t vaddr, unsigned devtype,
				      struct spool *sp, const char *userid, char class)
{
	return attach(m, vaddr, VSPOOL_READER, devtype, sp, userid, class);
}

struct chan_dev *vspool_attach_punch(struct machine *m, uint16_t vaddr, unsigned devtype,
				     struct spool *sp, const char *userid, char class)
{
	return attach(m, vaddr, VSPOOL_PUNCH, devtype, sp, userid, class);
}

struct chan_dev *vspool_attach_printer(struct machine *m, uint16_t vaddr, unsigned devtype,
				       struct spool *sp, const char *userid, char class)
{
	return attach(m, vaddr, VSPOOL_PRINTER, devtype, sp, userid, class);
}

/* ---- CP's side ---- */

enum spool_status vspool_set(struct chan_dev *d, const struct vspool_settings *s)
{
	struct vspool *v = chan_dev_priv(d);
	bool reader = v->kind == VSPOOL_READER;
	if (!s || !(valid_class(s->class) || (reader && s->class == '*')))
		return SPOOL_ERR_ARG;
	if (!reader && (s->copies < 1 || s->copies > SPOOL_COPIES_MAX ||
			(unsigned)s->route > VSPOOL_FOR ||
			(s->route != VSPOOL_OFF && !valid_userid(s->dest))))
		return SPOOL_ERR_ARG;
	if (memchr(s->dist, '\0', sizeof s->dist) == NULL ||
	    memchr(s->dest, '\0', sizeof s->dest) == NULL)
		return SPOOL_ERR_ARG;
	for (const char *p = s->dist; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F)
			return SPOOL_ERR_ARG;
	v->set = *s;
	if (reader) {
		v->set.copies = 1;
		v->set.route = VSPOOL_OFF;
	}
	return SPOOL_OK;
}

void vspool_get(const struct chan_dev *d, struct vspool_settings *s)
{
	const struct vspool *v = chan_dev_priv(d);
	*s = v->set;
}

void vspool_set_ready(struct chan_dev *d, bool ready)
{
	struct vspool *v = chan_dev_priv(d);
	bool was = !v->notready;
	v->notready = !ready;
	if (ready && !was)
		chan_dev_post_status(d, UNIT_DE);
}

enum spool_status vspool_print_line(struct chan_dev *d, const char *text)
{
	struct vspool *v = chan_dev_priv(d);
	if (v->kind != VSPOOL_PRINTER || !text)
		return SPOOL_ERR_ARG;
	uint8_t line[PRINT_POSITIONS];
	size_t n = strlen(text);
	if (n > sizeof line)
		n = sizeof line;
	ascii_to_ebcdic_buf(line, text, n);
	if (!v->w) {
		enum spool_status st = open_output(v);
		if (st != SPOOL_OK)
			return st;
	}
	return spool_write(v->w, 0x09, line, n);	/* write, then space a line */
}

unsigned vspool_open_id(const struct chan_dev *d)
{
	const struct vspool *v = chan_dev_priv(d);
	if (v->w)
		return spool_writer_id(v->w);
	if (v->r) {
		struct spool_file_info info;
		spool_reader_info(v->r, &info);
		return info.id;
	}
	return 0;
}

enum spool_status vspool_close(struct chan_dev *d, const struct vspool_close *o,
			       struct spool_file_info *closed, char *resp, size_t len)
{
	struct vspool *v = chan_dev_priv(d);
	static const struct vspool_close none;
	if (!o)
		o = &none;
	if (closed)
		memset(closed, 0, sizeof *closed);
	if (resp && len)
		resp[0] = '\0';
	if (v->kind == VSPOOL_READER) {
		if (!v->r)
			return SPOOL_OK;
		enum spool_reader_disp disp = o->set_hold ? (o->hold ? SPOOL_READER_KEEP : SPOOL_READER_PURGE)
							  : reader_disp(v);
		enum spool_status st = spool_reader_close(v->r, disp);
		v->r = NULL;
		return st;
	}
	if (!v->w || (v->set.cont && !o->force))
		return SPOOL_OK;
	struct spool_writer *w = v->w;
	v->w = NULL;
	if (o->purge) {
		spool_discard(w);
		return SPOOL_OK;
	}
	struct spool_close_opts co = {
		.set_hold = o->set_hold,
		.hold = o->hold ? SPOOL_HOLD_USER : SPOOL_HOLD_NONE,
		.dist = o->dist,
		.name = o->name,
		.type = o->type,
	};
	struct spool_file_info info;
	enum spool_status st = spool_commit(w, &co, &info);
	if (st != SPOOL_OK)
		return st;
	if (closed)
		*closed = info;
	if (resp && len)
		spool_fmt_close(resp, len, &info);
	return SPOOL_OK;
}

/* ---- DIAGNOSE X'14' ---- */

struct chan_dev *vspool_find_reader(const struct machine *m, uint16_t vaddr)
{
	struct chan_dev *d = NULL;
	pthread_mutex_lock(&readers_mx);
	for (struct vspool *v = readers; v && !d; v = v->next)
		if (v->m == m && v->vaddr == vaddr)
			d = v->d;
	pthread_mutex_unlock(&readers_mx);
	return d;
}

bool vspool_ready(const struct chan_dev *d)
{
	const struct vspool *v = chan_dev_priv(d);
	return !v->notready;
}

enum spool_status vspool_reader_active(struct chan_dev *d, bool open, struct spool_reader **r)
{
	struct vspool *v = chan_dev_priv(d);
	v->walking = false;
	*r = NULL;
	if (v->kind != VSPOOL_READER)
		return SPOOL_ERR_ARG;
	if (!v->r && open) {
		enum spool_status st = spool_reader_open(v->sp, v->userid, v->set.class, &v->r);
		if (st != SPOOL_OK)
			return st;
		v->repeats = 0;
	}
	if (!v->r)
		return SPOOL_ERR_NOT_FOUND;
	*r = v->r;
	return SPOOL_OK;
}

bool vspool_reader_end(struct chan_dev *d)
{
	struct vspool *v = chan_dev_priv(d);
	if (v->kind != VSPOOL_READER || !v->r)
		return false;
	if (v->set.cont && v->repeats > 1) {
		v->repeats--;
		return spool_reader_seek(v->r, 0) == SPOOL_OK;
	}
	reader_finish(v, reader_disp(v));
	if (!v->set.cont)
		return false;
	return spool_reader_open(v->sp, v->userid, v->set.class, &v->r) == SPOOL_OK;
}

enum spool_status vspool_reader_select(struct chan_dev *d, unsigned id)
{
	struct vspool *v = chan_dev_priv(d);
	if (v->kind != VSPOOL_READER)
		return SPOOL_ERR_ARG;
	struct spool_actor a = {.userid = v->userid};
	struct spool_select sel = {.kind = SPOOL_SEL_ID, .id = id};
	unsigned n;
	if (id < 1 || id > SPOOL_ID_MAX)
		return SPOOL_ERR_NOT_FOUND;
	enum spool_status st = spool_order(v->sp, &a, SPOOL_Q_READER, v->userid, &sel, 1, &n);
	return st == SPOOL_OK && n == 0 ? SPOOL_ERR_NOT_FOUND : st;
}

bool vspool_reader_repeat(struct chan_dev *d, unsigned n)
{
	struct vspool *v = chan_dev_priv(d);
	if (v->kind != VSPOOL_READER || !v->r)
		return false;
	v->repeats = n;
	return true;
}

enum spool_status vspool_reader_next_file(struct chan_dev *d, bool punch, struct spool_file_info *info)
{
	struct vspool *v = chan_dev_priv(d);
	if (v->kind != VSPOOL_READER)
		return SPOOL_ERR_ARG;
	struct spool_actor a = {.userid = v->userid};
	struct spool_file_info *f;
	size_t n;
	enum spool_status st = spool_list(v->sp, &a, SPOOL_Q_READER, v->userid, NULL, 0, &f, &n);
	if (st != SPOOL_OK)
		return st;
	size_t k = 0;
	if (v->walking && v->walk_punch != punch)
		v->walking = false; /* a walk for the other type starts from the top */
	if (v->walking) {
		while (k < n && f[k].id != v->walk_last)
			k++;
		k = k < n ? k + 1 : n; /* the last one went away: the walk is over */
	}
	bool any = false;
	for (; k < n; k++) {
		if ((f[k].devtype == SPOOL_DEV_PUN) != punch || (f[k].open && f[k].id != vspool_open_id(d)))
			continue;
		any = true;
		if (f[k].id != vspool_open_id(d)) {
			struct spool_reader *r;
			st = spool_reader_open_id(v->sp, &a, f[k].id, &r);
			if (st != SPOOL_OK)
				break;
			if (v->r)
				reader_finish(v, SPOOL_READER_KEEP);
			v->r = r;
		}
		spool_reader_info(v->r, info);
		break;
	}
	free(f);
	if (st != SPOOL_OK)
		return st;
	if (!any)
		return v->walking ? SPOOL_ERR_EOF : SPOOL_ERR_NOT_FOUND;
	v->walking = true;
	v->walk_punch = punch;
	v->walk_last = info->id;
	return SPOOL_OK;
}

size_t vspool_query(const struct chan_dev *d, unsigned n, char *buf, size_t len)
{
	const struct vspool *v = chan_dev_priv(d);
	const char *cont = v->set.cont ? "CONT" : "NOCONT";
	const char *hold = v->set.hold ? "HOLD" : "NOHOLD";
	const char *ready = v->notready ? "NOTREADY" : "READY";
	if (len)
		buf[0] = '\0';
	if (v->kind == VSPOOL_READER)
		return n == 0 ? cp_msg_format(buf, len, CP_RSP_VSPOOL_Q_RDR, v->vaddr, v->set.class,
					      cont, hold, v->set.eof ? "EOF" : "NOEOF", ready)
			      : 0;
	if (n == 0)
		return cp_msg_format(buf, len, CP_RSP_VSPOOL_Q_OUT,
				     v->kind == VSPOOL_PUNCH ? "PUN" : "PRT", v->vaddr, v->set.class,
				     cont, hold, v->set.copies, ready);
	if (n == 1) {
		const char *who = v->set.route == VSPOOL_OFF ? v->userid : v->set.dest;
		const char *dist = v->set.dist[0] ? v->set.dist : who;
		return cp_msg_format(buf, len, CP_RSP_VSPOOL_Q_DEST, v->vaddr,
				     v->set.route == VSPOOL_TO ? "TO" : "FOR", who, dist);
	}
	return 0;
}
