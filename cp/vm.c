/*
 * vm.c - CP's system object, the virtual machines and their consoles (see vm.h).
 *
 * Queues between the server thread and a virtual machine's task, both under vm->mx:
 *   inq   input from the terminal: lines, attention, disconnection, FORCE (server -> task)
 *   outq  output for the terminal: lines, reads, bells, the close (task -> server)
 * A vmblok with output waiting is on the system's flush list (under sys->mx) and the server is
 * woken through an eventfd. Lock order: sys->mx before vm->mx; neither is held across a call into
 * a terminal, the machine or the dispatcher.
 *
 * The virtual console is a 3215 (dev_ops below): a write becomes a terminal line (a write without
 * carriage return is kept and prefixed to the next one); a read takes the line the user typed, or
 * waits for one (the channel defers the command: VM READ) and completes when it comes. A line
 * typed while the guest is not reading is kept and attention is presented, as a 3215's REQUEST
 * key does.
 *
 * 3270 (the "3270" sections below): the proxy passes a display's operations (PF keys, X'58'
 * lines, full screen, records) on like lines. DIAGNOSE X'58''s full-screen state is the task's
 * (struct fs): a key the user presses on a program's screen is kept for its next read and
 * presented as attention on the virtual console. Virtual 3270s (struct vm_graf, one slot per
 * GRAF) are machine/dev_3270.h devices; a terminal DIALed to one is bound by a struct dial, which
 * the server thread owns (it is freed there, at DROP or disconnection). The task reaches a dialed
 * terminal through gq, a second output queue that cpsys_flush() passes on whether or not the
 * user himself is connected; the terminal's records come back on inq. A slot's bind, in_use and
 * gen are under sys->mx (gen changes whenever the slot is freed or reused, so late items for an
 * old device are dropped).
 */
#include "cp/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cp/cmd_msg.h"
#include "cp/command.h"
#include "cp/diagnose.h"
#include "cp/directory.h"
#include "cp/dispatch.h"
#include "cp/logon.h"
#include "cp/message.h"
#include "cp/minidisk.h"
#include "cp/spool.h"
#include "cp/volumes.h"
#include "cp/vspool.h"
#include "lib/ebcdic.h"
#include "machine/channel.h"
#include "machine/dev_3270.h"
#include "machine/devices.h"
#include "machine/machine.h"

#define SLICE_NS	(5u * 1000 * 1000)	/* the dispatcher's time slice */
#define INSNS_PER_US	100u			/* instructions a slice's budget assumes per microsecond */
#define CONS_LINE_MAX	255u			/* a console line, as CP keeps one */

/* ---- Queues ---- */

enum item_kind {
	IT_LINE,	/* inq: a line typed; outq: a line to show */
	IT_ATTN,	/* inq: the attention key */
	IT_DISC,	/* inq: the terminal is gone */
	IT_FORCE,	/* inq: FORCE or SHUTDOWN: log off now */
	IT_CALL,	/* inq: run a function on the task (ATTACH, DETACH by the operator) */
	IT_READ,	/* outq: a read (text: nothing; who in aux) */
	IT_BELL,	/* outq */
	IT_PASSWD,	/* outq: password mode on (aux 1) or off (aux 0) */
	IT_CLOSE,	/* outq: close the terminal; the binding ends */
	/* 3270 */
	IT_PF,		/* outq: set_pf (aux: key | how << 8) */
	IT_DISPLAY,	/* outq: display (aux: line | erase << 8; text: the data) */
	IT_FULLSCREEN,	/* outq: fullscreen (aux: on) */
	IT_RECORD,	/* outq: write_record */
	IT_READREC,	/* outq: read_record (aux: how) */
	IT_REC,		/* inq: a record from the user's own terminal */
	IT_GRAF_CONN,	/* inq: a terminal dialed graf slot aux (gen) */
	IT_GRAF_GONE,	/* inq: the dialed terminal disconnected */
	IT_GRAF_REC,	/* inq: a record from the dialed terminal */
	IT_GRAF_WRITE,	/* gq: write_record on slot aux's terminal */
	IT_GRAF_READ,	/* gq: read_record (how in text[0]) */
	IT_GRAF_DROP,	/* gq: drop the struct dial in arg: DROP FROM, back to the logon screen */
};

struct item {
	enum item_kind kind;
	int aux;
	void (*call)(struct vmblok *vm, void *arg);	/* IT_CALL */
	void *arg;
	unsigned gen;					/* IT_GRAF_*: the slot's generation */
	struct item *next;
	size_t len;
	char text[];
};

struct queue {
	struct item *head, *tail;
	size_t n;
};

static void q_put(struct queue *q, struct item *it)
{
	it->next = NULL;
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->n++;
}

static struct item *q_get(struct queue *q)
{
	struct item *it = q->head;
	if (it) {
		q->head = it->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
	}
	return it;
}

static void q_free(struct queue *q)
{
	struct item *it;
	while ((it = q_get(q)))
		free(it);
}

static struct item *item_new(enum item_kind kind, int aux, const char *text, size_t len)
{
	struct item *it = malloc(sizeof *it + len + 1);
	if (!it)
		return NULL;
	it->kind = kind;
	it->aux = aux;
	it->gen = 0;
	it->call = NULL;
	it->arg = NULL;
	it->len = len;
	if (len)
		memcpy(it->text, text, len);
	it->text[len] = '\0';
	return it;
}

/* ---- The system and the virtual machine ---- */

struct retired_dir {
	struct directory *dir;
	struct retired_dir *next;
};

struct cpsys_job {
	struct cpsys *sys;
	void (*work)(void *arg);
	void (*done)(void *arg, bool cancelled);
	void *arg;
	struct dsp_task *task;
	bool finished;			/* work ran: done is due on the server thread */
	struct cpsys_job *prev, *next;	/* sys->jobs, under sys->mx */
};

/* A real device of SYSDIR/DEVICES, given to one user at a time (ATTACH, DEDICATE). */
#define RDEV_ARGS_MAX 8
struct rdev {
	unsigned raddr;
	char type[16];
	int argc;
	char *argv[RDEV_ARGS_MAX];
	char owner[DIR_USERID_MAX + 1];	/* "" when free (under sys->mx) */
	unsigned vaddr;
};

struct cpsys {
	struct cpsys_config cfg;
	struct rdev *rdevs;		/* the real devices (their owners under mx) */
	size_t nrdevs;
	struct cpsys_job *jobs;		/* cpsys_async()'s, until done ran (under mx) */
	char *nss_dir, *directory_path;	/* copies of cfg's */
	bool jobs_finished;		/* some job waits for its done (under mx) */
	struct logon *logon;		/* where dropped terminals go (server thread) */
	size_t ndialed;			/* terminals dialed to virtual 3270s (under mx) */
	/* ---- Under mx ---- */
	const struct directory *dir;	/* the directory in force: cfg.dir, then DIRECT's */
	struct directory *owned;	/* the one DIRECT loaded, if dir is it */
	struct retired_dir *retired;	/* earlier ones: users logged on keep pointers into them */
	struct dsp *dsp;
	struct spool *spool;		/* NULL: no spool directory given */
	struct volumes *vols;		/* NULL: no volumes directory given */
	struct mdisk_table *links;
	int wake_fd;
	pthread_mutex_t mx;		/* users, flush list, all */
	struct vmblok *all;		/* every vmblok not yet freed */
	struct vmblok *users;
	size_t nusers;
	struct vmblok *flush;		/* vmbloks with output for the server */
};

struct vcons {
	struct vmblok *vm;
	uint8_t sense;
	bool have_line;
	bool attn_wanted;		/* a line waits, and its attention could not be presented yet */
	uint32_t line_len;
	uint8_t line[CONS_LINE_MAX];	/* EBCDIC, for the next read */
	size_t part_len;
	char part[CONS_LINE_MAX + 1];	/* a write without carriage return, waiting for the rest */
};

#define VM_DEVICES_MAX 64u
#define VM_GRAF_MAX 16u		/* virtual 3270s per virtual machine */

/* A virtual 3270 (SPECIAL vaddr 3270, DEFINE GRAF). */
struct dial;
struct vm_graf {
	struct vmblok *vm;		/* constant: the ops' context */
	unsigned slot;
	struct chan_dev *d;		/* the task's */
	bool asked;			/* the task's: ops->read passed on, the answer not yet in */
	/* ---- Written by the task under sys->mx; the task reads them without ---- */
	bool in_use;
	unsigned vaddr;
	unsigned gen;
	/* ---- Under sys->mx ---- */
	struct dial *bind;		/* the dialed terminal, or NULL */
};

/* A terminal dialed to a virtual 3270: the server thread's (created by cpsys_dial(), freed at
 * disconnection or DROP). Holds a reference to vm. */
struct dial {
	struct vmblok *vm;
	unsigned slot, gen, vaddr, line;
	struct term *t;			/* NULL once disconnected (under sys->mx) */
	bool dropping;			/* the task let go of it: an IT_GRAF_DROP is on gq (under sys->mx) */
};

/* DIAGNOSE X'58''s full screen (the task's). */
struct fs {
	bool on;			/* the program has the screen */
	bool pa1;			/* PA1 is the program's key (CONTROL X'10') */
	bool switched;			/* CP took the screen back since: X'8E' once */
	bool asked;			/* read_record passed on, the answer not yet in */
	bool attn;			/* a key waits for its attention on the console */
	uint8_t *rec;			/* the record kept for the next read, or NULL */
	size_t len;
};

struct vm_pfkey {
	enum term_pf how;
	char text[VM_PF_TEXT_MAX + 1];
};

struct vmblok {
	struct cpsys *sys;
	const struct dir_user *user;
	char userid[DIR_USERID_MAX + 1];
	time_t logon_time;
	struct term proxy;		/* what the task writes to */
	/* ---- Under vm->mx ---- */
	pthread_mutex_t mx;
	int refs;
	struct queue inq, outq;
	bool dropped;			/* outq overflowed: lines were lost */
	struct vm_conspool cs;		/* SPOOL CONSOLE's settings */
	struct spool_writer *cs_w;	/* the console file being written, or NULL */
	bool on_flush;			/* on sys->flush */
	struct vmblok *flush_next;
	struct queue gq;		/* output for dialed terminals (IT_GRAF_*) */
	/* ---- Under sys->mx ---- */
	struct term *t;			/* the terminal; NULL while disconnected (server thread) */
	struct term_screen scr;		/* its display (rows 0: a line terminal, or none) */
	unsigned line;			/* its address for messages */
	bool listed;			/* in sys->users */
	struct vmblok *next;
	struct vmblok *all_prev, *all_next;
	/* ---- The task's own ---- */
	struct dsp_task *task;
	struct machine *m;
	struct chan_dev *cons;		/* the virtual console, or NULL */
	struct vm_device dev[VM_DEVICES_MAX];	/* every virtual device, in directory order */
	size_t ndev;
	enum vm_mode mode;
	bool ending;			/* LOGOFF: exit after this run */
	bool forced;			/* by FORCE or SHUTDOWN */
	bool vm_read;			/* the guest waits for a console line */
	uint64_t sleep_until;		/* SLEEP nn: CLOCK_MONOTONIC ns it ends at; 0: none */
	vm_line_fn *expect_fn;		/* vm_expect_line(): the next line goes here */
	void *expect_arg;
	bool expect_hidden;
	struct vm_pfkey pf[TERM_PF_MAX];	/* SET PFnn */
	struct fs fs;			/* DIAGNOSE X'58' full screen */
	struct vm_graf graf[VM_GRAF_MAX];	/* virtual 3270s (slots; in_use under sys->mx) */
	/* ---- SET's settings: written by the task, read by anyone sending to the user ---- */
	_Atomic bool msg_off, wng_off, imsg_off;
	/* ---- Written by the task, read by anyone (the operator's panel, QUERY) ---- */
	_Atomic uint64_t cpu_ns;
	_Atomic uint64_t insns;
	_Atomic int state;		/* enum vm_state */
};

enum vm_state { VMST_CP_READ, VMST_VM_READ, VMST_RUNNING, VMST_IDLE };
static const char *const vm_state_names[] = {"CP READ", "VM READ", "RUNNING", "IDLE"};

static void vm_unref(struct vmblok *vm);
static struct vmblok *find_user(struct cpsys *sys, const char *userid);
static void rdev_release(struct cpsys *sys, unsigned raddr);
static void rdev_release_all(struct cpsys *sys, const char *userid);

void cpsys_log(struct cpsys *sys, const char *fmt, ...)
{
	if (!sys->cfg.oper_log)
		return;
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sys->cfg.oper_log(sys->cfg.oper_ctx, buf);
}

static void wake_server(struct cpsys *sys)
{
	uint64_t one = 1;
	ssize_t n = write(sys->wake_fd, &one, sizeof one);
	(void)n;	/* EAGAIN: the counter is already nonzero, the server will look */
}

/* Under vm->mx: a console line into the console file (SPOOL CONSOLE START), which is opened on
 * its first line. */
static void conspool_line(struct vmblok *vm, const char *text, size_t len)
{
	struct spool *sp = vm->sys->spool;
	if (!vm->cs.start || !sp)
		return;
	if (!vm->cs_w) {
		struct spool_new n = {
			.devtype = SPOOL_DEV_CON,
			.origin = vm->userid,
			.to = vm->cs.route == VSPOOL_TO ? vm->cs.dest : NULL,
			.owner = vm->cs.route == VSPOOL_FOR ? vm->cs.dest : NULL,
			.class = vm->cs.class,
			.copies = vm->cs.copies,
			.hold = vm->cs.hold ? SPOOL_HOLD_USER : SPOOL_HOLD_NONE,
		};
		if (spool_create(sp, &n, &vm->cs_w) != SPOOL_OK) {
			vm->cs_w = NULL;
			return;
		}
	}
	uint8_t e[CONS_LINE_MAX];
	size_t n = len < sizeof e ? len : sizeof e;
	ascii_to_ebcdic_buf(e, text, n);
	spool_write(vm->cs_w, 0x09, e, n);	/* write, then space a line */
}

/* Under sys->mx and vm->mx: put vm on the server's flush list (once; the list holds a
 * reference). True when the server must be woken for it. */
static bool flush_later(struct vmblok *vm)
{
	if (vm->on_flush)
		return false;
	vm->on_flush = true;
	vm->refs++;
	vm->flush_next = vm->sys->flush;
	vm->sys->flush = vm;
	return true;
}

/* Task: queue output for the terminal (and the console file). */
static void out_put(struct vmblok *vm, enum item_kind kind, int aux, const char *text, size_t len)
{
	struct cpsys *sys = vm->sys;
	if (kind == IT_LINE) {
		pthread_mutex_lock(&vm->mx);
		conspool_line(vm, text, len);
		bool noterm = vm->cs.start && vm->cs.noterm;
		pthread_mutex_unlock(&vm->mx);
		if (noterm)
			return;
	}
	struct item *it = item_new(kind, aux, text, len);
	pthread_mutex_lock(&sys->mx);
	pthread_mutex_lock(&vm->mx);
	if (it) {
		if (kind == IT_LINE && vm->outq.n >= VM_OUTQ_MAX) {
			struct item *old = q_get(&vm->outq);
			free(old);
			vm->dropped = true;
		}
		q_put(&vm->outq, it);
	}
	bool wake = flush_later(vm);
	pthread_mutex_unlock(&vm->mx);
	pthread_mutex_unlock(&sys->mx);
	if (wake)
		wake_server(sys);
}

/* ---- The proxy terminal: struct term for the task's side ---- */

static struct vmblok *proxy_vm(struct term *t)
{
	return t->priv;
}

static void px_write_line(struct term *t, const char *text, size_t len)
{
	out_put(proxy_vm(t), IT_LINE, 0, text, len);
}

static void px_read(struct term *t, enum term_read who, const char *prompt, size_t len)
{
	out_put(proxy_vm(t), IT_READ, (int)who, prompt, len);
}

static void px_set_password(struct term *t, bool on)
{
	out_put(proxy_vm(t), IT_PASSWD, on, "", 0);
}

static void px_bell(struct term *t)
{
	out_put(proxy_vm(t), IT_BELL, 0, "", 0);
}

static void px_close(struct term *t)
{
	out_put(proxy_vm(t), IT_CLOSE, 0, "", 0);
}

static void px_set_pf(struct term *t, unsigned key, enum term_pf how, const char *text, size_t len)
{
	out_put(proxy_vm(t), IT_PF, (int)(key | (unsigned)how << 8), text, len);
}

static void px_display(struct term *t, unsigned line, bool erase, const void *data, size_t len)
{
	out_put(proxy_vm(t), IT_DISPLAY, (int)(line | (erase ? 1u << 8 : 0)), data, len);
}

static void px_screen(const struct term *t, struct term_screen *out)
{
	struct vmblok *vm = t->priv;
	pthread_mutex_lock(&vm->sys->mx);
	*out = vm->t ? vm->scr : (struct term_screen){0};
	pthread_mutex_unlock(&vm->sys->mx);
}

/* True when the user's terminal is a display (the answer the real one will give). */
static bool px_fullscreen(struct term *t, bool on)
{
	struct term_screen scr;
	px_screen(t, &scr);
	out_put(proxy_vm(t), IT_FULLSCREEN, on, "", 0);
	return scr.rows != 0;
}

static void px_write_record(struct term *t, const void *rec, size_t len)
{
	out_put(proxy_vm(t), IT_RECORD, 0, rec, len);
}

static void px_read_record(struct term *t, enum term_record_read how)
{
	out_put(proxy_vm(t), IT_READREC, (int)how, "", 0);
}

static const struct term_ops proxy_ops = {
	.kind = "cp",
	.write_line = px_write_line,
	.read = px_read,
	.set_password = px_set_password,
	.bell = px_bell,
	.close = px_close,
	.set_pf = px_set_pf,
	.display = px_display,
	.fullscreen = px_fullscreen,
	.write_record = px_write_record,
	.read_record = px_read_record,
	.screen = px_screen,
};

/* ---- The virtual console (3215) ---- */

static void cons_emit(struct vcons *k, const char *text, size_t len)
{
	out_put(k->vm, IT_LINE, 0, text, len);
}

static uint8_t cons_execute(struct chan_dev *d, uint8_t cmd, uint8_t *buf, uint32_t *len)
{
	struct vcons *k = chan_dev_priv(d);
	switch (cmd) {
	case 0x01:	/* write, no carriage return */
	case 0x09: {	/* write, carriage return */
		for (uint32_t i = 0; i < *len; i++) {
			char ch;
			ebcdic_to_ascii_buf(&ch, &buf[i], 1);
			if (k->part_len == CONS_LINE_MAX) {
				cons_emit(k, k->part, k->part_len);
				k->part_len = 0;
			}
			k->part[k->part_len++] = ch;
		}
		if (cmd == 0x09) {
			cons_emit(k, k->part, k->part_len);
			k->part_len = 0;
		}
		k->sense = 0;
		return UNIT_CE | UNIT_DE;
	}
	case 0x0A:	/* read inquiry */
		if (!k->have_line) {
			/* VM READ: what was typed so far without a carriage return is the prompt. */
			if (k->part_len) {
				cons_emit(k, k->part, k->part_len);
				k->part_len = 0;
			}
			if (!k->vm->vm_read) {
				k->vm->vm_read = true;
				px_read(&k->vm->proxy, TERM_READ_VM, "", 0);
			}
			chan_dev_defer(d);
			return 0;
		}
		memcpy(buf, k->line, k->line_len < *len ? k->line_len : *len);
		*len = k->line_len;
		k->have_line = false;
		k->vm->vm_read = false;
		k->sense = 0;
		return UNIT_CE | UNIT_DE;
	case 0x0B:	/* audible alarm */
		px_bell(&k->vm->proxy);
		return UNIT_CE | UNIT_DE;
	default:
		return chan_common_command(cmd, &k->sense, buf, len);
	}
}

static void cons_reset(struct chan_dev *d)
{
	struct vcons *k = chan_dev_priv(d);
	k->sense = 0;
	k->have_line = false;
	k->attn_wanted = false;
	k->vm->vm_read = false;
}

static const struct dev_ops vcons_ops = {
	.type = "3215",
	.execute = cons_execute,
	.reset = cons_reset,
	.free = free,
};

/* Task: a line the user typed for the guest. */
static bool cons_retry_attention(struct vmblok *vm);

static void cons_input(struct vmblok *vm, const char *text, size_t len)
{
	if (!vm->cons)
		return;
	struct vcons *k = chan_dev_priv(vm->cons);
	if (len > CONS_LINE_MAX)
		len = CONS_LINE_MAX;
	ascii_to_ebcdic_buf(k->line, text, len);
	k->line_len = (uint32_t)len;
	k->have_line = true;
	/* A waiting read completes; otherwise attention, now or - when the device is busy or has
	 * status pending (the guest's last write not yet collected) - as soon as it can be. */
	k->attn_wanted = true;
	cons_retry_attention(vm);
}

/* Task: present the attention a typed line wants (or complete the read that waits for it), if
 * the console can take it now. True if it did. */
static bool cons_retry_attention(struct vmblok *vm)
{
	if (!vm->cons)
		return false;
	struct vcons *k = chan_dev_priv(vm->cons);
	if (!k->attn_wanted || !k->have_line)
		return false;
	if (chan_dev_deferred(vm->cons)) {
		k->attn_wanted = false;
		chan_dev_ready(vm->cons);
		return true;
	}
	if (!chan_dev_post_status(vm->cons, UNIT_ATTN))
		return false;
	k->attn_wanted = false;
	return true;
}

/* ---- 3270: the task's side of displays (PF keys, DIAGNOSE X'58', virtual 3270s) ---- */

#define REC_MAX DEV3270_RECORD_MAX	/* an inbound record longer than this is cut */
#define AID_NONE 0x60			/* a read's answer without a key (GA23-0059) */
#define AID_PA1 0x6C

/* Queue an item for the task and wake it (any thread but the task's). */
static void in_put(struct vmblok *vm, struct item *it)
{
	if (!it)
		return;
	pthread_mutex_lock(&vm->mx);
	q_put(&vm->inq, it);
	pthread_mutex_unlock(&vm->mx);
	machine_stop(machine_cpu(vm->m));
	dsp_wake_urgent(vm->task);
}

/* Task: every PF key, set or not, to the terminal (a new one, or one reconnected). */
static void pf_give_all(struct vmblok *vm)
{
	struct term_screen scr;
	px_screen(&vm->proxy, &scr);
	if (!scr.rows)
		return;	/* a line terminal has no keys */
	for (unsigned k = 0; k < TERM_PF_MAX; k++)
		px_set_pf(&vm->proxy, k + 1, vm->pf[k].how, vm->pf[k].text, strlen(vm->pf[k].text));
}

void vm_set_pf(struct vmblok *vm, unsigned key, enum term_pf how, const char *text)
{
	if (key < 1 || key > TERM_PF_MAX)
		return;
	struct vm_pfkey *k = &vm->pf[key - 1];
	k->how = how;
	snprintf(k->text, sizeof k->text, "%s", how == TERM_PF_UNSET || !text ? "" : text);
	px_set_pf(&vm->proxy, key, how, k->text, strlen(k->text));
}

enum term_pf vm_pf(const struct vmblok *vm, unsigned key, char *text)
{
	if (key < 1 || key > TERM_PF_MAX) {
		text[0] = '\0';
		return TERM_PF_UNSET;
	}
	memcpy(text, vm->pf[key - 1].text, sizeof vm->pf[key - 1].text);
	return vm->pf[key - 1].how;
}

/* Task: forget the record kept for the program's next read. */
static void fs_drop_record(struct vmblok *vm)
{
	free(vm->fs.rec);
	vm->fs.rec = NULL;
	vm->fs.len = 0;
}

/* Task: the screen goes back to CP (PA1, attention, disconnection, a reset): the program is told
 * with X'8E' at its next full-screen I/O. Nothing when it does not have the screen. */
static void fs_end(struct vmblok *vm, bool tell_terminal)
{
	if (!vm->fs.on)
		return;
	vm->fs.on = false;
	vm->fs.pa1 = false;
	vm->fs.asked = false;
	vm->fs.attn = false;
	vm->fs.switched = true;
	fs_drop_record(vm);
	if (tell_terminal)
		px_fullscreen(&vm->proxy, false);
}

/* Task: the program starts using the screen. */
static void fs_begin(struct vmblok *vm)
{
	if (vm->fs.on)
		return;
	vm->fs.on = true;
	px_fullscreen(&vm->proxy, true);
}

/* Task: a record from the user's terminal while a program has the screen. */
static void fs_record(struct vmblok *vm, const uint8_t *rec, size_t len)
{
	if (!vm->fs.on || len == 0)
		return;	/* late: the screen is CP's again */
	uint8_t aid = rec[0];
	if (aid == AID_PA1 && !vm->fs.pa1) {
		/* PA1 returns to CP, as in VM/370: CP READ. */
		fs_end(vm, true);
		vm->mode = VM_MODE_CP;
		return;
	}
	if (aid == AID_NONE) {
		if (!vm->fs.asked || vm->fs.rec)
			return;	/* an answer nobody waits for, or a key came first */
		vm->fs.asked = false;
	} else {
		vm->fs.attn = !vm->fs.asked;	/* a read waits: it takes the key; else attention */
	}
	uint8_t *copy = malloc(len);
	if (!copy)
		return;
	memcpy(copy, rec, len);
	fs_drop_record(vm);
	vm->fs.rec = copy;
	vm->fs.len = len;
}

/* Task: present the attention a key on the program's screen wants, if the console can take it. */
static bool fs_retry_attention(struct vmblok *vm)
{
	if (!vm->fs.attn || !vm->cons)
		return false;
	if (!chan_dev_post_status(vm->cons, UNIT_ATTN))
		return false;
	vm->fs.attn = false;
	return true;
}

/* ---- DIAGNOSE X'58' (diag_display_ops; cp/diagnose.c checks the guest's CCWs) ---- */

static enum diag_display d58_state(void *ctx, unsigned *rows, unsigned *cols)
{
	struct vmblok *vm = ctx;
	pthread_mutex_lock(&vm->sys->mx);
	bool connected = vm->t != NULL;
	struct term_screen scr = vm->scr;
	pthread_mutex_unlock(&vm->sys->mx);
	*rows = scr.rows;
	*cols = scr.cols;
	if (!connected)
		return DIAG_DISPLAY_NONE;
	return scr.rows ? DIAG_DISPLAY_3270 : DIAG_DISPLAY_LINE;
}

static void d58_lines(void *ctx, unsigned line, bool erase, const uint8_t *data, size_t len)
{
	struct vmblok *vm = ctx;
	px_display(&vm->proxy, line, erase, data, len);
}

static enum diag_fs d58_write(void *ctx, const uint8_t *rec, size_t len, bool pa1_to_vm)
{
	struct vmblok *vm = ctx;
	if (vm->fs.switched) {
		vm->fs.switched = false;
		return DIAG_FS_SWITCHED;
	}
	fs_begin(vm);
	if (rec[0] == DEV3270_EW || rec[0] == DEV3270_EWA)
		vm->fs.pa1 = pa1_to_vm;
	px_write_record(&vm->proxy, rec, len);
	return DIAG_FS_DONE;
}

static enum diag_fs d58_read(void *ctx, bool modified, uint8_t *buf, size_t cap, size_t *len)
{
	struct vmblok *vm = ctx;
	if (vm->fs.switched) {
		vm->fs.switched = false;
		return DIAG_FS_SWITCHED;
	}
	fs_begin(vm);
	if (vm->fs.rec) {
		/* A key (or the terminal's answer) is in: the read takes it. */
		memcpy(buf, vm->fs.rec, vm->fs.len < cap ? vm->fs.len : cap);
		*len = vm->fs.len;
		fs_drop_record(vm);
		vm->fs.attn = false;
		return DIAG_FS_DONE;
	}
	if (!vm->fs.asked) {
		vm->fs.asked = true;
		px_read_record(&vm->proxy, modified ? TERM_RECORD_RM : TERM_RECORD_RB);
	}
	return DIAG_FS_WAIT;
}

static const struct diag_display_ops d58_ops = {
	.state = d58_state,
	.lines = d58_lines,
	.write = d58_write,
	.read = d58_read,
};

/* ---- Virtual 3270s (GRAF) and DIAL ---- */

/* Task: output for the terminal dialed to slot g (passed on by cpsys_flush even while the user
 * himself is disconnected). */
static void gq_put(struct vmblok *vm, struct item *it)
{
	struct cpsys *sys = vm->sys;
	if (!it)
		return;
	pthread_mutex_lock(&sys->mx);
	pthread_mutex_lock(&vm->mx);
	q_put(&vm->gq, it);
	bool wake = flush_later(vm);
	pthread_mutex_unlock(&vm->mx);
	pthread_mutex_unlock(&sys->mx);
	if (wake)
		wake_server(sys);
}

static void graf_write(void *ctx, const uint8_t *rec, size_t len)
{
	struct vm_graf *g = ctx;
	struct item *it = item_new(IT_GRAF_WRITE, (int)g->slot, (const char *)rec, len);
	if (it)
		it->gen = g->gen;
	gq_put(g->vm, it);
}

static void graf_read(void *ctx, uint8_t cmd)
{
	struct vm_graf *g = ctx;
	char how = cmd == DEV3270_RB ? (char)TERM_RECORD_RB : (char)TERM_RECORD_RM;
	struct item *it = item_new(IT_GRAF_READ, (int)g->slot, &how, 1);
	if (it)
		it->gen = g->gen;
	g->asked = true;
	gq_put(g->vm, it);
}

static const struct dev3270_ops graf_ops = {
	.write = graf_write,
	.read = graf_read,
};

/* Task: the slot of the GRAF at vaddr, or NULL. */
static struct vm_graf *graf_at(struct vmblok *vm, unsigned vaddr)
{
	for (unsigned i = 0; i < VM_GRAF_MAX; i++)
		if (vm->graf[i].in_use && vm->graf[i].vaddr == vaddr)
			return &vm->graf[i];
	return NULL;
}

enum vm_graf_status vm_define_graf(struct vmblok *vm, unsigned vaddr, unsigned devtype)
{
	if (vm_device(vm, vaddr))
		return VM_GRAF_EXISTS;
	struct vm_graf *g = NULL;
	for (unsigned i = 0; i < VM_GRAF_MAX && !g; i++)
		if (!vm->graf[i].in_use)
			g = &vm->graf[i];
	if (!g || vm->ndev >= VM_DEVICES_MAX)
		return VM_GRAF_FULL;
	struct chan_dev *d = dev3270_attach(vm->m, (uint16_t)vaddr, &graf_ops, g, 2);
	if (!d)
		return VM_GRAF_FAILED;
	if (!vm_add_device(vm, vaddr, VM_DEV_GRAF, devtype, d)) {
		machine_detach_device(vm->m, (uint16_t)vaddr);
		return VM_GRAF_FULL;
	}
	pthread_mutex_lock(&vm->sys->mx);
	g->in_use = true;
	g->vaddr = vaddr;
	g->gen++;
	g->bind = NULL;
	pthread_mutex_unlock(&vm->sys->mx);
	g->d = d;
	g->asked = false;
	return VM_GRAF_OK;
}

bool vm_graf_query(struct vmblok *vm, unsigned vaddr, char *line, size_t len)
{
	struct vm_graf *g = graf_at(vm, vaddr);
	if (!g)
		return false;
	pthread_mutex_lock(&vm->sys->mx);
	bool dialed = g->bind && g->bind->t;
	unsigned at = dialed ? g->bind->line : 0;
	pthread_mutex_unlock(&vm->sys->mx);
	if (dialed)
		snprintf(line, len, "GRAF %03X ON DEV %03X", vaddr, at);
	else
		snprintf(line, len, "GRAF %03X NOT READY", vaddr);
	return true;
}

/*
 * Task: g's dialed terminal, if any, is let go (DROP FROM, then the logon screen: cpsys_flush);
 * what the old binding still sends is ignored (gen). free_slot: the slot is free again too
 * (DETACH, LOGOFF), the device being the caller's to detach; else (RESET) the device stays, not
 * connected. True when a terminal was dialed.
 */
static bool graf_unbind(struct vmblok *vm, struct vm_graf *g, bool free_slot)
{
	pthread_mutex_lock(&vm->sys->mx);
	struct dial *b = g->bind;
	g->bind = NULL;
	if (free_slot)
		g->in_use = false;
	g->gen++;
	if (b)
		b->dropping = true;
	pthread_mutex_unlock(&vm->sys->mx);
	g->asked = false;
	if (free_slot)
		g->d = NULL;
	else if (b)
		dev3270_connect(g->d, false);
	if (b) {
		struct item *it = item_new(IT_GRAF_DROP, (int)g->slot, "", 0);
		if (it) {
			it->arg = b;
			gq_put(vm, it);
		}
		/* Without memory the binding stays (dropping): the terminal's disconnection frees it. */
	}
	return b != NULL;
}

bool vm_graf_drop(struct vmblok *vm, unsigned vaddr)
{
	struct vm_graf *g = graf_at(vm, vaddr);
	return g && graf_unbind(vm, g, false);
}

/* Task: what a dialed terminal did. */
static void graf_input(struct vmblok *vm, struct item *it)
{
	if (it->aux < 0 || (unsigned)it->aux >= VM_GRAF_MAX)
		return;
	struct vm_graf *g = &vm->graf[it->aux];
	if (!g->in_use || g->gen != it->gen || !g->d)
		return;	/* for a device that is gone */
	switch (it->kind) {
	case IT_GRAF_CONN:
		g->asked = false;
		dev3270_connect(g->d, true);
		break;
	case IT_GRAF_GONE:
		g->asked = false;
		dev3270_connect(g->d, false);
		break;
	case IT_GRAF_REC:
		if (!it->len)
			break;
		if (g->asked && (uint8_t)it->text[0] == AID_NONE) {
			g->asked = false;
			dev3270_answer(g->d, (const uint8_t *)it->text, it->len);
		} else {
			dev3270_input(g->d, (const uint8_t *)it->text, it->len);
		}
		break;
	default:
		break;
	}
}

/* Task: held status of the virtual 3270s (device end, attention) goes out when it can. */
static bool graf_poll(struct vmblok *vm)
{
	bool any = false;
	for (unsigned i = 0; i < VM_GRAF_MAX; i++)
		if (vm->graf[i].in_use && vm->graf[i].d)
			any |= dev3270_poll(vm->graf[i].d);
	return any;
}

/* Server thread: a dialed terminal's events. */
static void on_dial_event(void *owner, struct term *t, const struct term_event *ev)
{
	struct dial *b = owner;
	struct vmblok *vm = b->vm;
	struct cpsys *sys = vm->sys;
	(void)t;
	switch (ev->type) {
	case TERM_EV_RECORD: {
		pthread_mutex_lock(&sys->mx);
		bool live = !b->dropping;
		pthread_mutex_unlock(&sys->mx);
		if (!live)
			break;
		struct item *it = item_new(IT_GRAF_REC, (int)b->slot, ev->text,
					   ev->len > REC_MAX ? REC_MAX : ev->len);
		if (it)
			it->gen = b->gen;
		in_put(vm, it);
		break;
	}
	case TERM_EV_DISCONNECTED: {
		pthread_mutex_lock(&sys->mx);
		b->t = NULL;
		bool dropping = b->dropping;
		if (!dropping) {
			if (vm->graf[b->slot].bind == b)
				vm->graf[b->slot].bind = NULL;
			sys->ndialed--;
		}
		size_t n = sys->ndialed;
		pthread_mutex_unlock(&sys->mx);
		if (dropping)
			break;	/* the IT_GRAF_DROP on gq frees b */
		struct item *it = item_new(IT_GRAF_GONE, (int)b->slot, "", 0);
		if (it)
			it->gen = b->gen;
		in_put(vm, it);
		cpsys_log(sys, "GRAF %03X DROP FROM %s DIALED = %03zu", b->line, vm->userid, n);
		free(b);
		vm_unref(vm);
		break;
	}
	case TERM_EV_LINE:
	case TERM_EV_ATTENTION:
		break;	/* the screen is the guest's: only records count */
	}
}

/* Server thread: the drop of b (an IT_GRAF_DROP): DROP FROM, the terminal back to the logon
 * screen, b freed, its reference to vm gone. */
static void dial_drop(struct cpsys *sys, struct dial *b)
{
	struct vmblok *vm = b->vm;
	pthread_mutex_lock(&sys->mx);
	struct term *t = b->t;
	b->t = NULL;
	if (t)
		sys->ndialed--;
	size_t n = sys->ndialed;
	pthread_mutex_unlock(&sys->mx);
	if (t) {
		term_set_handler(t, NULL, NULL);
		term_fullscreen(t, false);
		cp_msg_write(t, CP_RSP_DROP_FROM, vm->userid, b->vaddr);
		cpsys_log(sys, "GRAF %03X DROP FROM %s DIALED = %03zu", b->line, vm->userid, n);
		if (!sys->logon || !logon_attach(sys->logon, t))
			term_close(t);
	}
	free(b);
	vm_unref(vm);
}

enum cpsys_dial cpsys_dial(struct cpsys *sys, struct term *t, unsigned line, const char *userid,
			   int vaddr, unsigned *got)
{
	struct term_screen scr;
	term_screen(t, &scr);
	if (!scr.rows)
		return CPSYS_DIAL_NOT_DISPLAY;
	struct dial *b = calloc(1, sizeof *b);
	if (!b)
		return CPSYS_DIAL_NOMEM;
	pthread_mutex_lock(&sys->mx);
	struct vmblok *vm = sys->users;
	while (vm && strcmp(vm->userid, userid) != 0)
		vm = vm->next;
	enum cpsys_dial r = CPSYS_DIAL_NOT_LOGGED_ON;
	struct vm_graf *g = NULL;
	if (vm) {
		r = vaddr >= 0 ? CPSYS_DIAL_NOT_AVAILABLE : CPSYS_DIAL_NO_GRAF;
		for (unsigned i = 0; i < VM_GRAF_MAX; i++) {
			struct vm_graf *c = &vm->graf[i];
			if (!c->in_use || c->bind)
				continue;
			if (vaddr >= 0 ? c->vaddr == (unsigned)vaddr : (!g || c->vaddr < g->vaddr))
				g = c;
		}
	}
	size_t n = 0;
	if (g) {
		r = CPSYS_DIAL_OK;
		*b = (struct dial){.vm = vm, .slot = g->slot, .gen = g->gen, .vaddr = g->vaddr,
				   .line = line, .t = t};
		g->bind = b;
		n = ++sys->ndialed;
		pthread_mutex_lock(&vm->mx);
		vm->refs++;	/* b's */
		pthread_mutex_unlock(&vm->mx);
	}
	pthread_mutex_unlock(&sys->mx);
	if (r != CPSYS_DIAL_OK) {
		free(b);
		return r;
	}
	*got = b->vaddr;
	term_set_handler(t, on_dial_event, b);
	cp_msg_write(t, CP_RSP_DIALED_TO, vm->userid, b->vaddr);
	term_fullscreen(t, true);
	struct item *it = item_new(IT_GRAF_CONN, (int)b->slot, "", 0);
	if (it)
		it->gen = b->gen;
	in_put(vm, it);
	cpsys_log(sys, "GRAF %03X DIALED TO %s DIALED = %03zu", line, vm->userid, n);
	return CPSYS_DIAL_OK;
}

size_t cpsys_dialed(struct cpsys *sys)
{
	pthread_mutex_lock(&sys->mx);
	size_t n = sys->ndialed;
	pthread_mutex_unlock(&sys->mx);
	return n;
}

void cpsys_set_logon(struct cpsys *sys, struct logon *l)
{
	sys->logon = l;
}

/* Task: a 3270 item from inq (the user's own terminal's record, or a dialed terminal's). */
static void input_3270(struct vmblok *vm, struct item *it)
{
	if (it->kind == IT_REC)
		fs_record(vm, (const uint8_t *)it->text, it->len);
	else
		graf_input(vm, it);
}

static bool is_3270_input(enum item_kind k)
{
	return k == IT_REC || k == IT_GRAF_CONN || k == IT_GRAF_GONE || k == IT_GRAF_REC;
}

/* ---- Building and ending ---- */

/* Free vm, whatever its references (the last one, or the system's end). */
static void vm_destroy(struct vmblok *vm)
{
	struct cpsys *sys = vm->sys;
	pthread_mutex_lock(&sys->mx);
	if (vm->all_prev)
		vm->all_prev->all_next = vm->all_next;
	else
		sys->all = vm->all_next;
	if (vm->all_next)
		vm->all_next->all_prev = vm->all_prev;
	pthread_mutex_unlock(&sys->mx);
	if (vm->task)
		dsp_task_unref(vm->task);
	cmd_msg_forget(vm);
	if (vm->cs_w)
		spool_commit(vm->cs_w, NULL, NULL);
	machine_free(vm->m);
	q_free(&vm->inq);
	q_free(&vm->outq);
	struct item *it;
	while ((it = q_get(&vm->gq))) {
		if (it->kind == IT_GRAF_DROP)
			free(it->arg);	/* the system ends: its terminal is gone already */
		free(it);
	}
	free(vm->fs.rec);
	pthread_mutex_destroy(&vm->mx);
	free(vm);
}

static void vm_unref(struct vmblok *vm)
{
	pthread_mutex_lock(&vm->mx);
	int left = --vm->refs;
	pthread_mutex_unlock(&vm->mx);
	if (!left)
		vm_destroy(vm);
}

/* Take vm out of the users table (its reference goes) and drop its links. */
static void unlist(struct vmblok *vm)
{
	struct cpsys *sys = vm->sys;
	bool was = false;
	if (sys->links)
		mdisk_logoff(sys->links, vm->userid);
	/* T-disks (cp/tdisk.h): LOGOFF and FORCE give the user's T-disk space back. The machine
	 * over it runs no more: this is its task ending. */
	vol_release_tdisks(sys->vols, vm->userid);
	rdev_release_all(sys, vm->userid);
	pthread_mutex_lock(&sys->mx);
	for (struct vmblok **p = &sys->users; *p; p = &(*p)->next) {
		if (*p == vm) {
			*p = vm->next;
			vm->listed = false;
			sys->nusers--;
			was = true;
			break;
		}
	}
	pthread_mutex_unlock(&sys->mx);
	if (was)
		vm_unref(vm);
}

static dsp_run_fn vm_run;

/* ---- Real devices (SYSDIR/DEVICES) ---- */

static struct rdev *rdev_find(struct cpsys *sys, unsigned raddr)
{
	for (size_t i = 0; i < sys->nrdevs; i++)
		if (sys->rdevs[i].raddr == raddr)
			return &sys->rdevs[i];
	return NULL;
}

static void rdev_release(struct cpsys *sys, unsigned raddr)
{
	pthread_mutex_lock(&sys->mx);
	struct rdev *r = rdev_find(sys, raddr);
	if (r)
		r->owner[0] = '\0';
	pthread_mutex_unlock(&sys->mx);
}

static void rdev_release_all(struct cpsys *sys, const char *userid)
{
	pthread_mutex_lock(&sys->mx);
	for (size_t i = 0; i < sys->nrdevs; i++)
		if (strcmp(sys->rdevs[i].owner, userid) == 0)
			sys->rdevs[i].owner[0] = '\0';
	pthread_mutex_unlock(&sys->mx);
}

/* Give raddr to userid (as vaddr): false, with the owner in *owner, when it is someone's. */
static bool rdev_reserve(struct cpsys *sys, struct rdev *r, const char *userid, unsigned vaddr,
			 char owner[DIR_USERID_MAX + 1])
{
	pthread_mutex_lock(&sys->mx);
	bool free_now = r->owner[0] == '\0';
	if (free_now) {
		snprintf(r->owner, sizeof r->owner, "%s", userid);
		r->vaddr = vaddr;
	} else {
		snprintf(owner, DIR_USERID_MAX + 1, "%s", r->owner);
	}
	pthread_mutex_unlock(&sys->mx);
	return free_now;
}

const char *vm_dev_kind_name(enum vm_dev_kind k)
{
	switch (k) {
	case VM_DEV_CONSOLE:
		return "CONS";
	case VM_DEV_READER:
		return "RDR";
	case VM_DEV_PUNCH:
		return "PUN";
	case VM_DEV_PRINTER:
		return "PRT";
	case VM_DEV_DASD:
		return "DASD";
	case VM_DEV_TAPE:
		return "TAPE";
	case VM_DEV_GRAF:
		return "GRAF";
	case VM_DEV_OTHER:
		break;
	}
	return "DEV";
}

static enum vm_dev_kind kind_of_type(const char *type)
{
	const struct device_type *dt = devices_find(type);
	if (!dt)
		return VM_DEV_OTHER;
	switch (dt->class) {
	case DEVICE_TAPE:
		return VM_DEV_TAPE;
	case DEVICE_DASD:
		return VM_DEV_DASD;
	default:
		return VM_DEV_OTHER;
	}
}

/* Task (or vm_logon, before the task runs): build the real device r on vm's machine at vaddr.
 * False with why when the model refused (the device is released). */
static bool rdev_attach(struct vmblok *vm, struct rdev *r, unsigned vaddr, char *why, size_t whylen)
{
	if (vm_device(vm, vaddr)) {
		snprintf(why, whylen, "DEV %03X ALREADY DEFINED", vaddr);
		rdev_release(vm->sys, r->raddr);
		return false;
	}
	struct chan_dev *d = devices_attach(vm->m, (uint16_t)vaddr, r->type, r->argc, r->argv, why,
					    whylen);
	if (!d) {
		rdev_release(vm->sys, r->raddr);
		return false;
	}
	unsigned devtype = (unsigned)strtoul(r->type, NULL, 10);
	if (!vm_add_device(vm, vaddr, kind_of_type(r->type), devtype, d)) {
		machine_detach_device(vm->m, (uint16_t)vaddr);
		rdev_release(vm->sys, r->raddr);
		snprintf(why, whylen, "too many devices");
		return false;
	}
	vm->dev[vm->ndev - 1].real = true;
	vm->dev[vm->ndev - 1].raddr = r->raddr;
	return true;
}

struct attach_call {
	unsigned raddr, vaddr;
};

/* Task: ATTACH's second half, on the receiving user's own machine. */
static void attach_on_task(struct vmblok *vm, void *arg)
{
	struct attach_call *ac = arg;
	struct cpsys *sys = vm->sys;
	struct rdev *r = rdev_find(sys, ac->raddr);
	char why[160];
	if (r && rdev_attach(vm, r, ac->vaddr, why, sizeof why)) {
		cp_msg_write(&vm->proxy, CP_RSP_RDEV_ATTACHED, vm_dev_kind_name(kind_of_type(r->type)),
			     ac->vaddr);
	} else {
		cp_msg_write(&vm->proxy, CP_MSG_DMKATS999E, ac->raddr, r ? why : "gone");
		cpsys_log(sys, "ATTACH %03X TO %s AS %03X FAILED: %s", ac->raddr, vm->userid, ac->vaddr,
			  r ? why : "gone");
	}
	free(ac);
}

/* Task: the operator's DETACH of a real device from this user. */
static void detach_on_task(struct vmblok *vm, void *arg)
{
	struct attach_call *ac = arg;
	for (size_t i = 0; i < vm->ndev; i++) {
		if (vm->dev[i].real && vm->dev[i].raddr == ac->raddr) {
			unsigned vaddr = vm->dev[i].vaddr;
			const char *cls = vm_dev_kind_name(vm->dev[i].kind);
			vm_detach_device(vm, vaddr);
			cp_msg_write(&vm->proxy, CP_RSP_RDEV_DETACHED, cls, vaddr);
			break;
		}
	}
	free(ac);
}

/* Queue fn(vm, arg) on userid's task. False when he is not logged on (arg is the caller's). */
static bool call_on_task(struct cpsys *sys, const char *userid, void (*fn)(struct vmblok *, void *),
			 void *arg)
{
	struct vmblok *vm = find_user(sys, userid);
	if (!vm)
		return false;
	struct item *it = item_new(IT_CALL, 0, "", 0);
	if (!it) {
		vm_unref(vm);
		return false;
	}
	it->call = fn;
	it->arg = arg;
	pthread_mutex_lock(&vm->mx);
	q_put(&vm->inq, it);
	pthread_mutex_unlock(&vm->mx);
	machine_stop(machine_cpu(vm->m));
	dsp_wake_urgent(vm->task);
	vm_unref(vm);
	return true;
}

enum cpsys_attach cpsys_attach(struct cpsys *sys, unsigned raddr, const char *userid, unsigned vaddr,
			       char owner[DIR_USERID_MAX + 1])
{
	struct rdev *r = rdev_find(sys, raddr);
	if (!r)
		return CPSYS_ATTACH_NO_DEVICE;
	if (!rdev_reserve(sys, r, userid, vaddr, owner))
		return CPSYS_ATTACH_BUSY;
	struct attach_call *ac = malloc(sizeof *ac);
	if (ac)
		*ac = (struct attach_call){raddr, vaddr};
	if (!ac || !call_on_task(sys, userid, attach_on_task, ac)) {
		free(ac);
		rdev_release(sys, raddr);
		return CPSYS_ATTACH_NOT_LOGGED_ON;
	}
	return CPSYS_ATTACH_OK;
}

enum cpsys_attach cpsys_detach_real(struct cpsys *sys, unsigned raddr, char owner[DIR_USERID_MAX + 1])
{
	struct rdev *r = rdev_find(sys, raddr);
	if (!r)
		return CPSYS_ATTACH_NO_DEVICE;
	pthread_mutex_lock(&sys->mx);
	snprintf(owner, DIR_USERID_MAX + 1, "%s", r->owner);
	pthread_mutex_unlock(&sys->mx);
	if (!owner[0])
		return CPSYS_ATTACH_FREE;
	struct attach_call *ac = malloc(sizeof *ac);
	if (ac)
		*ac = (struct attach_call){raddr, 0};
	if (!ac || !call_on_task(sys, owner, detach_on_task, ac)) {
		free(ac);
		rdev_release(sys, raddr);	/* its user is gone: so is the device */
	}
	return CPSYS_ATTACH_OK;
}

bool cpsys_real_device(struct cpsys *sys, unsigned raddr, char type[16], char owner[DIR_USERID_MAX + 1],
		       unsigned *vaddr)
{
	pthread_mutex_lock(&sys->mx);
	struct rdev *r = rdev_find(sys, raddr);
	if (r) {
		snprintf(type, 16, "%s", r->type);
		snprintf(owner, DIR_USERID_MAX + 1, "%s", r->owner);
		*vaddr = r->vaddr;
	}
	pthread_mutex_unlock(&sys->mx);
	return r != NULL;
}

/* The devices file: "CUU TYPE ARGS..." a line (Hercules' device statements), # comments. */
static void rdev_load(struct cpsys *sys, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno != ENOENT)
			cpsys_log(sys, "DEVICES %s: %s", path, strerror(errno));
		return;
	}
	char line[512];
	unsigned lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *save, *tok[RDEV_ARGS_MAX + 2];
		int n = 0;
		for (char *p = strtok_r(line, " \t\r\n", &save); p && n < RDEV_ARGS_MAX + 2;
		     p = strtok_r(NULL, " \t\r\n", &save))
			tok[n++] = p;
		if (n == 0 || tok[0][0] == '#')
			continue;
		char *end;
		unsigned long raddr = strtoul(tok[0], &end, 16);
		if (n < 2 || *end || raddr > 0xFFF || !devices_find(tok[1]) || strlen(tok[1]) >= 16 ||
		    rdev_find(sys, (unsigned)raddr)) {
			cpsys_log(sys, "%s:%u: not a device statement, or a device twice: ignored", path,
				  lineno);
			continue;
		}
		struct rdev *grown = realloc(sys->rdevs, (sys->nrdevs + 1) * sizeof *grown);
		if (!grown)
			break;
		sys->rdevs = grown;
		struct rdev *r = &sys->rdevs[sys->nrdevs];
		memset(r, 0, sizeof *r);
		r->raddr = (unsigned)raddr;
		snprintf(r->type, sizeof r->type, "%s", tok[1]);
		bool ok = true;
		for (int i = 2; i < n && i - 2 < RDEV_ARGS_MAX; i++)
			ok &= (r->argv[r->argc++] = strdup(tok[i])) != NULL;
		if (!ok) {
			for (int i = 0; i < r->argc; i++)
				free(r->argv[i]);
			break;
		}
		sys->nrdevs++;
	}
	fclose(f);
}

static void add_device(struct vmblok *vm, unsigned vaddr, enum vm_dev_kind kind, unsigned devtype,
		       struct chan_dev *d)
{
	if (vm->ndev < VM_DEVICES_MAX)
		vm->dev[vm->ndev++] = (struct vm_device){.vaddr = vaddr, .kind = kind, .devtype = devtype, .d = d};
}

struct logon_links {
	struct vmblok *vm;
	char msgs[8][160];	/* what to tell the user after LOGON AT */
	size_t nmsgs;
};

static void note(struct logon_links *ll, const char *text)
{
	if (ll->nmsgs < sizeof ll->msgs / sizeof ll->msgs[0])
		snprintf(ll->msgs[ll->nmsgs++], sizeof ll->msgs[0], "%s", text);
}

/* mdisk_logon()'s outcome for one MDISK or LINK statement: attach the disk it granted. */
static void logon_link(void *arg, const struct dir_device *dv, enum mdisk_status st,
		       const struct mdisk_result *r)
{
	struct logon_links *ll = arg;
	struct vmblok *vm = ll->vm;
	if (st != MDISK_LINKED) {
		note(ll, r->text);
		return;
	}
	struct chan_dev *d;
	struct mdisk_result ar;
	if (mdisk_attach(vm->sys->vols, vm->m, vm->userid, dv->vaddr, &r->disk, r->access, &d, &ar) !=
	    MDISK_LINKED) {
		mdisk_unlink(vm->sys->links, vm->userid, dv->vaddr);
		note(ll, ar.text);
		return;
	}
	add_device(vm, dv->vaddr, VM_DEV_DASD, r->disk.devtype, d);
	if (r->text[0] && r->msg != CP_RSP_DASD_LINKED)
		note(ll, r->text);	/* a warning: linked R/O instead of R/W, ... */
}


/* The directory's SPOOL statement dv as a spooled device; false when it could not be made (the
 * reason goes to the operator: the user gets the rest of his machine). */
static bool attach_spool(struct vmblok *vm, const struct dir_device *dv)
{
	struct cpsys *sys = vm->sys;
	const struct dir_spool *sp = &dv->u.spool;
	struct chan_dev *d = NULL;
	enum vm_dev_kind kind = VM_DEV_READER;
	if (!sys->spool)
		return false;
	switch (sp->kind) {
	case DIR_SPOOL_READER:
		d = vspool_attach_reader(vm->m, (uint16_t)dv->vaddr, sp->devtype, sys->spool, vm->userid,
					 sp->spool_class);
		break;
	case DIR_SPOOL_PUNCH:
		kind = VM_DEV_PUNCH;
		d = vspool_attach_punch(vm->m, (uint16_t)dv->vaddr, sp->devtype, sys->spool, vm->userid,
					sp->spool_class);
		break;
	case DIR_SPOOL_PRINTER:
		kind = VM_DEV_PRINTER;
		d = vspool_attach_printer(vm->m, (uint16_t)dv->vaddr, sp->devtype, sys->spool,
					  vm->userid, sp->spool_class);
		break;
	}
	if (!d) {
		cpsys_log(sys, "%s: SPOOL %03X %u (directory line %u) not made: %s", vm->userid,
			  dv->vaddr, sp->devtype, dv->line, strerror(errno));
		return false;
	}
	add_device(vm, dv->vaddr, kind, sp->devtype, d);
	return true;
}

static struct vmblok *vm_build(struct cpsys *sys, const struct dir_user *u, char *why, size_t whylen)
{
	struct vmblok *vm = calloc(1, sizeof *vm);
	if (!vm) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	vm->sys = sys;
	vm->user = u;
	memcpy(vm->userid, u->userid, sizeof vm->userid);
	vm->proxy.ops = &proxy_ops;
	vm->proxy.priv = vm;
	vm->mode = VM_MODE_CP;
	vm->cs = (struct vm_conspool){.class = 'T', .copies = 1};
	for (size_t i = 0; i < u->ndevices; i++)
		if (u->devices[i].kind == DIR_DEV_CONSOLE && u->devices[i].u.console.spool_class)
			vm->cs.class = u->devices[i].u.console.spool_class;
	pthread_mutex_init(&vm->mx, NULL);
	for (unsigned i = 0; i < VM_GRAF_MAX; i++) {
		vm->graf[i].vm = vm;
		vm->graf[i].slot = i;
	}
	struct machine_config mc = {.storage_size = (uint32_t)u->storage, .extension = true,
				    .virtual_cpuid = true};
	vm->m = machine_new(&mc);
	if (!vm->m) {
		snprintf(why, whylen, "no storage for the virtual machine (%lu bytes)", u->storage);
		goto fail;
	}
	for (size_t i = 0; i < u->ndevices; i++) {
		const struct dir_device *dv = &u->devices[i];
		if (dv->kind == DIR_DEV_SPOOL) {
			attach_spool(vm, dv);
			continue;
		}
		if (dv->kind == DIR_DEV_SPECIAL && dv->u.special.kind == DIR_SPECIAL_GRAF) {
			/* SPECIAL vaddr 3270: a virtual 3270 for DIAL. */
			if (vm_define_graf(vm, dv->vaddr, dv->u.special.devtype) != VM_GRAF_OK)
				cpsys_log(sys, "%s: SPECIAL %03X %u (directory line %u) not made", vm->userid,
					  dv->vaddr, dv->u.special.devtype, dv->line);
			continue;
		}
		if (dv->kind != DIR_DEV_CONSOLE || vm->cons)
			continue;
		struct vcons *k = calloc(1, sizeof *k);
		if (!k)
			goto nomem;
		k->vm = vm;
		vm->cons = machine_attach_device(vm->m, (uint16_t)dv->vaddr, &vcons_ops, k);
		if (!vm->cons) {
			free(k);
			goto nomem;
		}
		add_device(vm, dv->vaddr, VM_DEV_CONSOLE, dv->u.console.devtype, vm->cons);
	}
	vm->task = dsp_task_new(sys->dsp, vm_run, vm, 100);
	if (!vm->task)
		goto nomem;
	return vm;
nomem:
	snprintf(why, whylen, "out of memory");
fail:
	machine_free(vm->m);
	pthread_mutex_destroy(&vm->mx);
	free(vm);
	return NULL;
}

/* Server thread: the terminal's events. */
static void on_term_event(void *owner, struct term *t, const struct term_event *ev)
{
	struct vmblok *vm = owner;
	struct cpsys *sys = vm->sys;
	struct item *it = NULL;
	(void)t;
	switch (ev->type) {
	case TERM_EV_LINE:
		it = item_new(IT_LINE, 0, ev->text, ev->len > CP_CMD_LINE_MAX ? CP_CMD_LINE_MAX : ev->len);
		break;
	case TERM_EV_ATTENTION:
		it = item_new(IT_ATTN, 0, "", 0);
		break;
	case TERM_EV_RECORD:
		/* A program's screen (DIAGNOSE X'58'): the key goes to the task like a line. */
		it = item_new(IT_REC, 0, ev->text, ev->len > REC_MAX ? REC_MAX : ev->len);
		break;
	case TERM_EV_DISCONNECTED:
		it = item_new(IT_DISC, 0, "", 0);
		pthread_mutex_lock(&sys->mx);
		vm->t = NULL;
		vm->scr = (struct term_screen){0};
		pthread_mutex_unlock(&sys->mx);
		break;
	}
	pthread_mutex_lock(&vm->mx);
	if (it)
		q_put(&vm->inq, it);
	pthread_mutex_unlock(&vm->mx);
	machine_stop(machine_cpu(vm->m));	/* a running guest leaves its slice: look at once */
	dsp_wake_urgent(vm->task);		/* the user typed: serve him before the CPU-bound */
	if (ev->type == TERM_EV_DISCONNECTED)
		vm_unref(vm);	/* the terminal's reference */
}

enum vm_logon_result vm_logon(struct cpsys *sys, const struct dir_user *u, struct term *t,
			      unsigned line, bool noipl, unsigned *other_line, char *why, size_t whylen)
{
	pthread_mutex_lock(&sys->mx);
	struct vmblok *vm = sys->users;
	while (vm && strcmp(vm->userid, u->userid) != 0)
		vm = vm->next;
	if (vm && vm->t) {
		*other_line = vm->line;
		pthread_mutex_unlock(&sys->mx);
		return VM_LOGON_ALREADY;
	}
	if (vm) {
		/* Reconnect: the terminal is his again; CP mode, and what was kept is shown. */
		vm->t = t;
		vm->line = line;
		term_screen(t, &vm->scr);
		pthread_mutex_lock(&vm->mx);
		vm->refs++;
		/* A close meant for the old terminal (DISCONN just before the line dropped) must not
		 * end the new one; nor does a program's screen (CP's layout is the new terminal's: the
		 * program is told with X'8E'). */
		struct queue kept = {0};
		struct item *old;
		while ((old = q_get(&vm->outq))) {
			if (old->kind == IT_CLOSE || old->kind == IT_PASSWD || old->kind == IT_FULLSCREEN ||
			    old->kind == IT_RECORD || old->kind == IT_READREC || old->kind == IT_DISPLAY)
				free(old);
			else
				q_put(&kept, old);
		}
		vm->outq = kept;
		pthread_mutex_unlock(&vm->mx);
		pthread_mutex_unlock(&sys->mx);
		term_set_handler(t, on_term_event, vm);
		char when[64];
		cp_msg_time(time(NULL), when, sizeof when);
		struct item *it = item_new(IT_ATTN, 1, "", 0);	/* aux 1: reconnected */
		pthread_mutex_lock(&vm->mx);
		if (it)
			q_put(&vm->inq, it);
		pthread_mutex_unlock(&vm->mx);
		machine_stop(machine_cpu(vm->m));
		dsp_wake(vm->task);
		cpsys_log(sys, "LINE %03X RECONNECT AS %s USERS = %03zu", line, u->userid,
			  cpsys_users(sys));
		return VM_LOGON_RECONNECTED;
	}
	pthread_mutex_unlock(&sys->mx);

	if (!cmd_msg_logons_enabled() && !(u->classes & DIR_CLASS('A')))
		return VM_LOGON_DISABLED;
	vm = vm_build(sys, u, why, whylen);
	if (!vm)
		return VM_LOGON_NOMEM;
	struct logon_links ll = {.vm = vm};
	if (sys->links && sys->vols)
		mdisk_logon(sys->links, cpsys_directory(sys), u->userid, logon_link, &ll);
	/* DEDICATE raddr|volser: the real device is his while he is logged on. */
	for (size_t i = 0; i < u->ndevices; i++) {
		const struct dir_device *dv = &u->devices[i];
		if (dv->kind != DIR_DEV_DEDICATE)
			continue;
		struct rdev *r = NULL;
		if (dv->u.dedicate.by_volser) {
			for (size_t k = 0; k < sys->nrdevs && !r; k++)
				if (vol_real_device_holds(sys->rdevs[k].type, sys->rdevs[k].argc,
							  sys->rdevs[k].argv, dv->u.dedicate.volser))
					r = &sys->rdevs[k];
		} else {
			r = rdev_find(sys, dv->u.dedicate.raddr);
		}
		char msg[160], owner[DIR_USERID_MAX + 1], reason[120];
		if (!r) {
			cp_msg_format(msg, sizeof msg, CP_MSG_DMKATS998E, dv->vaddr);
			note(&ll, msg);
		} else if (!rdev_reserve(sys, r, u->userid, dv->vaddr, owner)) {
			cp_msg_format(msg, sizeof msg, CP_MSG_DMKATS997E, dv->vaddr, r->raddr, owner);
			note(&ll, msg);
		} else if (!rdev_attach(vm, r, dv->vaddr, reason, sizeof reason)) {
			cp_msg_format(msg, sizeof msg, CP_MSG_DMKATS999E, r->raddr, reason);
			note(&ll, msg);
		}
	}
	vm->logon_time = time(NULL);
	vm->refs = 3;	/* task, terminal, table */
	term_screen(t, &vm->scr);
	vm->t = t;
	vm->line = line;
	pthread_mutex_lock(&sys->mx);
	vm->next = sys->users;
	sys->users = vm;
	vm->listed = true;
	vm->all_next = sys->all;
	if (sys->all)
		sys->all->all_prev = vm;
	sys->all = vm;
	size_t users = ++sys->nusers;
	pthread_mutex_unlock(&sys->mx);
	term_set_handler(t, on_term_event, vm);

	char when[64];
	cmd_msg_logmsg_show(&vm->proxy, time(NULL));
	if (sys->spool) {
		unsigned counts[3];
		spool_count(sys->spool, u->userid, 0, counts);
		if (counts[0] || counts[1] || counts[2]) {
			char files[80];
			spool_fmt_files(files, sizeof files, counts);
			cp_msg_write(&vm->proxy, CP_MSG_DMKCSP999I, files);
		}
	}
	cp_msg_time(vm->logon_time, when, sizeof when);
	cp_msg_write(&vm->proxy, CP_RSP_LOGON_AT, when);
	for (size_t i = 0; i < ll.nmsgs; i++)
		cp_msg_write(&vm->proxy, CP_MSG_DMKCSP999I, ll.msgs[i]);
	cpsys_log(sys, "LINE %03X LOGON AS %s USERS = %03zu", line, u->userid, users);
	/* The directory's IPL, on the task; NOIPL or none: CP READ. */
	struct item *it = item_new(IT_ATTN, noipl || !u->ipl.present ? 2 : 3, "", 0);
	pthread_mutex_lock(&vm->mx);
	if (it)
		q_put(&vm->inq, it);
	pthread_mutex_unlock(&vm->mx);
	dsp_wake(vm->task);
	return VM_LOGON_OK;
}

/* ---- The task ---- */

struct machine *vm_machine(struct vmblok *vm)
{
	return vm->m;
}

struct term *vm_term(struct vmblok *vm)
{
	return &vm->proxy;
}

const struct dir_user *vm_user(const struct vmblok *vm)
{
	return vm->user;
}

time_t vm_logon_time(const struct vmblok *vm)
{
	return vm->logon_time;
}

uint64_t vm_cpu_us(const struct vmblok *vm)
{
	return atomic_load(&vm->cpu_ns) / 1000u;
}

struct cpsys *vm_system(struct vmblok *vm)
{
	return vm->sys;
}

void vm_set_mode(struct vmblok *vm, enum vm_mode mode)
{
	vm->mode = mode;
}

enum vm_mode vm_mode(const struct vmblok *vm)
{
	return vm->mode;
}

void vm_logoff(struct vmblok *vm)
{
	vm->ending = true;
}

void vm_disconnect(struct vmblok *vm)
{
	px_close(&vm->proxy);
}

int vm_ipl(struct vmblok *vm, unsigned vaddr, bool clear)
{
	if (clear)
		machine_clear_storage(vm->m);
	struct machine_ipl_csw csw;
	enum machine_ipl_status st = machine_ipl(vm->m, (uint16_t)vaddr, &csw);
	if (st == MACHINE_IPL_OK)
		vm->mode = VM_MODE_VM;
	return (int)st;
}

void vm_system_reset(struct vmblok *vm, bool clear)
{
	machine_reset(vm->m, clear);	/* clear: a saved system's pages go too */
	/* VM/370 leaves a reset virtual machine in a disabled wait (vm370-cp.md 7.5). */
	static const uint8_t wait_psw[8] = {0x00, 0x02, 0, 0, 0, 0, 0, 0};
	cpu_set_psw(machine_cpu(vm->m), wait_psw);
	vm->mode = VM_MODE_CP;
	fs_end(vm, true);	/* a program's screen is CP's again */
	vm->fs.switched = false;
}

/* ---- Named saved systems ----
 *
 * SYSDIR/nss/NAME is a saved system: a 4096-byte header, then the storage image, page aligned so
 * that IPL maps it copy-on-write (machine_map_storage). The header, big-endian:
 *     0  "CAMBNSS1"          8  storage bytes saved (4)     12  the saving userid (ASCII, NUL
 *    20  PSW (8)            28  GR 0-15 (64)                    padded, 8)
 *    92  CR 0-15 (64)      156  FPR 0, 2, 4, 6 (32)        188  when it was saved (seconds since
 *                                                               1970, 8)
 */
#define NSS_HEADER 4096u
static const char nss_magic[8] = {'C', 'A', 'M', 'B', 'N', 'S', 'S', '1'};

static bool nss_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '$' || name[i] == '#' || name[i] == '@'))
			return false;
	return true;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

bool vm_savesys(struct vmblok *vm, const char *name, char *why, size_t whylen)
{
	const char *dir = vm->sys->cfg.nss_dir;
	if (!dir) {
		snprintf(why, whylen, "no saved systems on this system");
		return false;
	}
	if (!nss_name_valid(name)) {
		snprintf(why, whylen, "not a system name: %s", name);
		return false;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(why, whylen, "%s: %s", dir, strerror(errno));
		return false;
	}
	uint32_t len = machine_storage_size(vm->m) / 4096u * 4096u;
	uint8_t *hdr = calloc(1, NSS_HEADER);
	uint8_t *img = malloc(len);
	char path[4096], tmp[4096 + 8];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	bool ok = false;
	int fd = -1;
	if (!hdr || !img) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	struct cpu *c = machine_cpu(vm->m);
	memcpy(hdr, nss_magic, sizeof nss_magic);
	put32(hdr + 8, len);
	snprintf((char *)hdr + 12, 9, "%s", vm->userid);
	cpu_get_psw(c, hdr + 20);
	for (int r = 0; r < 16; r++) {
		put32(hdr + 28 + 4 * r, cpu_get_gpr(c, r));
		put32(hdr + 92 + 4 * r, cpu_get_cr(c, r));
	}
	for (int r = 0; r < 8; r += 2) {
		uint64_t f = cpu_get_fpr(c, r);
		put32(hdr + 156 + 4 * r, (uint32_t)(f >> 32));
		put32(hdr + 160 + 4 * r, (uint32_t)f);
	}
	uint64_t now = (uint64_t)time(NULL);
	put32(hdr + 188, (uint32_t)(now >> 32));
	put32(hdr + 192, (uint32_t)now);
	machine_dump(vm->m, 0, img, len);
	/* Only as far as the last page that is not all zeros: the system then fits any machine
	 * large enough for what it uses (the rest of storage is zeros after the IPL anyway). */
	static const uint8_t zero_page[4096];
	while (len > 4096u && memcmp(img + len - 4096u, zero_page, 4096u) == 0)
		len -= 4096u;
	put32(hdr + 8, len);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !write_all(fd, hdr, NSS_HEADER) || !write_all(fd, img, len) || fsync(fd) != 0 ||
	    close(fd) != 0) {
		snprintf(why, whylen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) != 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	ok = true;
out:
	free(hdr);
	free(img);
	return ok;
}

enum vm_nss_status vm_ipl_nss(struct vmblok *vm, const char *name, char *why, size_t whylen)
{
	const char *dir = vm->sys->cfg.nss_dir;
	if (!dir || !nss_name_valid(name))
		return VM_NSS_NOT_FOUND;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return VM_NSS_NOT_FOUND;
	uint8_t hdr[256];
	struct stat sb;
	enum vm_nss_status st = VM_NSS_BAD;
	if (pread(fd, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr || fstat(fd, &sb) != 0 ||
	    memcmp(hdr, nss_magic, sizeof nss_magic) != 0) {
		snprintf(why, whylen, "%s: not a saved system", path);
		goto out;
	}
	uint32_t len = get32(hdr + 8);
	if (len == 0 || len % 4096u || (uint64_t)sb.st_size < NSS_HEADER + (uint64_t)len) {
		snprintf(why, whylen, "%s: truncated or damaged", path);
		goto out;
	}
	if (len > machine_storage_size(vm->m)) {
		snprintf(why, whylen, "it needs %uK of storage, the virtual machine has %uK", len / 1024,
			 machine_storage_size(vm->m) / 1024);
		st = VM_NSS_TOO_BIG;
		goto out;
	}
	/* An IPL: the machine reset, then the saved storage and state. */
	machine_clear_storage(vm->m);
	machine_reset(vm->m, false);
	if (!machine_map_storage(vm->m, fd, NSS_HEADER, len)) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		goto out;
	}
	struct cpu *c = machine_cpu(vm->m);
	for (int r = 0; r < 16; r++) {
		cpu_set_gpr(c, r, get32(hdr + 28 + 4 * r));
		cpu_set_cr(c, r, get32(hdr + 92 + 4 * r));
	}
	for (int r = 0; r < 8; r += 2)
		cpu_set_fpr(c, r, (uint64_t)get32(hdr + 156 + 4 * r) << 32 | get32(hdr + 160 + 4 * r));
	cpu_set_psw(c, hdr + 20);
	vm->mode = VM_MODE_VM;
	st = VM_NSS_OK;
out:
	close(fd);
	return st;
}

void vm_conspool_get(struct vmblok *vm, struct vm_conspool *out)
{
	pthread_mutex_lock(&vm->mx);
	*out = vm->cs;
	pthread_mutex_unlock(&vm->mx);
}

void vm_conspool_set(struct vmblok *vm, const struct vm_conspool *cs)
{
	pthread_mutex_lock(&vm->mx);
	vm->cs = *cs;
	pthread_mutex_unlock(&vm->mx);
}

enum spool_status vm_conspool_close(struct vmblok *vm, const struct vspool_close *o,
				    struct spool_file_info *closed)
{
	pthread_mutex_lock(&vm->mx);
	struct spool_writer *w = vm->cs_w;
	vm->cs_w = NULL;
	pthread_mutex_unlock(&vm->mx);
	if (closed)
		memset(closed, 0, sizeof *closed);
	if (!w)
		return SPOOL_OK;
	if (o && o->purge) {
		spool_discard(w);
		return SPOOL_OK;
	}
	struct spool_close_opts co = {0};
	if (o) {
		co.set_hold = o->set_hold;
		co.hold = o->hold ? SPOOL_HOLD_USER : SPOOL_HOLD_NONE;
		co.dist = o->dist;
		co.name = o->name;
		co.type = o->type;
	}
	/* Outside vm->mx: a file sent to a reader announces itself (on_arrival locks the system). */
	return spool_commit(w, &co, closed);
}

void vm_query_console(struct vmblok *vm, struct term *t)
{
	if (!vm->cons)
		return;
	unsigned vaddr = chan_dev_addr(vm->cons);
	pthread_mutex_lock(&vm->sys->mx);
	bool connected = vm->t != NULL;
	unsigned line = vm->line;
	pthread_mutex_unlock(&vm->sys->mx);
	struct vm_conspool cs;
	vm_conspool_get(vm, &cs);
	const char *term = cs.start && cs.noterm ? "NOTERM" : "TERM";
	const char *state = cs.start ? "START" : "STOP";
	if (connected)
		cp_msg_write(t, CP_RSP_VCONS, vaddr, line, term, state);
	else
		cp_msg_write(t, CP_RSP_VCONS_DSC, vaddr, term, state);
	cp_msg_write(t, CP_RSP_VCONS_SPOOL, vaddr, cs.class, cs.cont ? "CONT" : "NOCONT",
		     cs.hold ? "HOLD" : "NOHOLD", cs.copies);
	if (cs.route != VSPOOL_OFF)
		cp_msg_write(t, CP_RSP_VCONS_ROUTE, vaddr, cs.route == VSPOOL_TO ? "TO" : "FOR", cs.dest);
}

static void run_command(struct vmblok *vm, const char *line)
{
	struct cp_cmd_ctx ctx = {
		.t = &vm->proxy,
		.user = vm->user,
		.classes = vm->user->classes,
		.logon_time = vm->logon_time,
		.vm = vm,
		.sys = vm->sys,
	};
	cp_cmd_execute(&ctx, line);
}

/*
 * Task, at logon: the directory's `MDISK vaddr devtype T-DISK cyls` statements, carried out as
 * the DEFINE command is (cp/cmd_devices.c, cp/tdisk.h), so the user sees DEFINE's answer - and
 * why, when there is no space - before the directory's IPL.
 */
static void logon_tdisks(struct vmblok *vm)
{
	for (size_t i = 0; i < vm->user->ndevices; i++) {
		const struct dir_device *dv = &vm->user->devices[i];
		if (dv->kind != DIR_DEV_MDISK || !dv->u.mdisk.tdisk)
			continue;
		char cmd[64];
		snprintf(cmd, sizeof cmd, "DEFINE T%u AS %03X CYL %lu", dv->u.mdisk.devtype, dv->vaddr,
			 dv->u.mdisk.count);
		run_command(vm, cmd);
	}
}

/* Is line "#CP ..." (the logical escape to CP from VM mode)? Returns the command or NULL. */
static const char *cp_escape(const char *line)
{
	if (line[0] != '#' || (line[1] != 'C' && line[1] != 'c') || (line[2] != 'P' && line[2] != 'p'))
		return NULL;
	if (line[3] != '\0' && line[3] != ' ')
		return NULL;
	return line + 3 + (line[3] == ' ');
}

static uint64_t mono_ns(void);

void vm_sleep(struct vmblok *vm, uint64_t ns)
{
	vm->sleep_until = ns ? mono_ns() + ns : 0;
}

void vm_expect_line(struct vmblok *vm, vm_line_fn *fn, void *arg, bool hidden)
{
	vm->expect_fn = fn;
	vm->expect_arg = arg;
	vm->expect_hidden = hidden;
	if (hidden)
		px_set_password(&vm->proxy, true);
}

/* Hand the line (NULL: cancelled) to the vm_expect_line() callback, if one waits. */
static bool expected_line(struct vmblok *vm, const char *line)
{
	vm_line_fn *fn = vm->expect_fn;
	if (!fn)
		return false;
	vm->expect_fn = NULL;
	if (vm->expect_hidden)
		px_set_password(&vm->proxy, false);
	fn(vm, vm->expect_arg, line);
	return true;
}

/*
 * What the user typed, into the console log (SPOOL CONSOLE START). A CP command that may carry a
 * password (LINK ... PASS=, PASSWORD) is logged as its command word alone: passwords are never
 * kept in clear.
 */
static void log_typed(struct vmblok *vm, const char *line, const char *cmd)
{
	pthread_mutex_lock(&vm->mx);
	bool logging = vm->cs.start;
	pthread_mutex_unlock(&vm->mx);
	if (!logging)
		return;
	char shown[CONS_LINE_MAX + 1];
	snprintf(shown, sizeof shown, "%s", line);
	if (cmd) {
		struct cp_cmd_line cl;
		cp_cmd_tokenize(&cl, cmd);
		const struct cp_cmd_desc *d = cl.n ? cp_cmd_lookup(cl.tok[0]) : NULL;
		d = d ? cp_cmd_by_id(d->id) : NULL;
		if (d && (strcmp(d->name, "LINK") == 0 || strcmp(d->name, "PASSWORD") == 0))
			snprintf(shown, sizeof shown, "%.*s%s ...", (int)(cmd - line), line, cl.raw[0]);
		explicit_bzero(&cl, sizeof cl);
	}
	pthread_mutex_lock(&vm->mx);
	conspool_line(vm, shown, strlen(shown));
	pthread_mutex_unlock(&vm->mx);
	explicit_bzero(shown, sizeof shown);
}

/* One logical line: a CP command, or the guest's console input. */
static void logical_line(struct vmblok *vm, const char *line)
{
	if (vm->mode == VM_MODE_CP) {
		log_typed(vm, line, line);
		run_command(vm, line);
		return;
	}
	const char *cmd = cp_escape(line);
	log_typed(vm, line, cmd);
	if (cmd)
		run_command(vm, cmd);
	else
		cons_input(vm, line, strlen(line));
}

static void handle_input(struct vmblok *vm, struct item *it)
{
	if (it->kind == IT_LINE && expected_line(vm, it->text)) {
		explicit_bzero(it->text, it->len);	/* it may be a password */
		return;
	}
	if (it->kind != IT_LINE)
		expected_line(vm, NULL);
	switch (it->kind) {
	case IT_LINE: {
		/* Logical line editing (TERMINAL LINEND, CHARDEL, ...: vm370-cp.md 1.2) makes one
		 * physical line any number of logical ones. */
		struct term_settings ts;
		static _Thread_local char lines[16][CP_LINE_MAX + 1];
		cmd_msg_term_settings(vm, &ts);
		size_t n = cp_line_edit(&ts, it->text, lines, 16);
		for (size_t i = 0; i < n && !vm->ending; i++) {
			if (i && vm->expect_fn) {
				expected_line(vm, lines[i]);
				continue;
			}
			logical_line(vm, lines[i]);
		}
		break;
	}
	case IT_ATTN:
		if (it->aux == 1) {		/* reconnected: CP mode */
			char when[64];
			fs_end(vm, false);	/* the new terminal shows CP's screen */
			pf_give_all(vm);
			cp_msg_time(time(NULL), when, sizeof when);
			cp_msg_write(&vm->proxy, CP_RSP_RECONNECTED_AT, when);
			vm->mode = VM_MODE_CP;
		} else if (it->aux == 2) {	/* logon, NOIPL or none */
			pf_give_all(vm);
			logon_tdisks(vm);
		} else if (it->aux == 3) {	/* logon with the directory's IPL */
			pf_give_all(vm);
			logon_tdisks(vm);
			const struct dir_ipl *ipl = &vm->user->ipl;
			char cmd[80];
			if (ipl->by_vaddr)
				snprintf(cmd, sizeof cmd, "IPL %03X", ipl->vaddr);
			else
				snprintf(cmd, sizeof cmd, "IPL %s", ipl->sysname);
			run_command(vm, cmd);
		} else if (it->aux == 0) {	/* the attention key: to CP */
			fs_end(vm, true);
			vm->mode = VM_MODE_CP;
		}
		break;
	case IT_DISC:
		fs_end(vm, false);
		break;
	case IT_CALL:
		it->call(vm, it->arg);
		break;
	case IT_FORCE: {
		/* FORCE (aux 0) or SHUTDOWN (aux 1): the accounting lines, then off. */
		vm->forced = true;
		char cmd[16];
		snprintf(cmd, sizeof cmd, "LOGOFF");
		run_command(vm, cmd);
		break;
	}
	default:
		break;
	}
}

/* A guest stopped in a way CP reports: CP mode with the message. */
static void enter_cp(struct vmblok *vm, enum cp_msg m)
{
	uint8_t psw[8];
	cpu_get_psw(machine_cpu(vm->m), psw);
	cp_msg_write(&vm->proxy, m, (unsigned)psw[0] << 24 | (unsigned)psw[1] << 16 | (unsigned)psw[2] << 8 | psw[3],
		     (unsigned)psw[4] << 24 | (unsigned)psw[5] << 16 | (unsigned)psw[6] << 8 | psw[7]);
	vm->mode = VM_MODE_CP;
}

/* ---- DIAGNOSE (cp/diagnose.h) ---- */

/* DIAGNOSE X'08' with a response buffer: the command's lines go to the guest. */
struct diag_capture {
	struct term term;
	void (*out)(void *arg, const char *line, size_t len);
	void *arg;
};

static void cap_write_line(struct term *t, const char *text, size_t len)
{
	struct diag_capture *cap = t->priv;
	cap->out(cap->arg, text, len);
}

static void cap_read(struct term *t, enum term_read who, const char *prompt, size_t len)
{
	(void)t, (void)who, (void)prompt, (void)len;
}

static void cap_set_password(struct term *t, bool on)
{
	(void)t, (void)on;
}

static void cap_nothing(struct term *t)
{
	(void)t;
}

static const struct term_ops capture_ops = {
	.kind = "diagnose",
	.write_line = cap_write_line,
	.read = cap_read,
	.set_password = cap_set_password,
	.bell = cap_nothing,
	.close = cap_nothing,
};

/* env.cp_command: a CP command from the guest, as if typed (VM/370: the message number of its
 * error is the return code). */
static int diag_cp_command(void *ctx, const char *line,
			   void (*out)(void *arg, const char *line, size_t len), void *arg)
{
	struct vmblok *vm = ctx;
	struct diag_capture cap = {.term = {.ops = &capture_ops, .emsg = vm->proxy.emsg},
				   .out = out, .arg = arg};
	cap.term.priv = &cap;
	struct term *t = out ? &cap.term : &vm->proxy;
	t->msgno = 0;
	struct cp_cmd_ctx cctx = {
		.t = t,
		.user = vm->user,
		.classes = vm->user->classes,
		.logon_time = vm->logon_time,
		.vm = vm,
		.sys = vm->sys,
	};
	enum cp_cmd_rc rc = cp_cmd_execute(&cctx, line);
	if (rc == CP_CMD_CLOSED || vm->ending)
		return DIAG_CMD_LOGOFF;
	if (vm->mode == VM_MODE_CP)
		return DIAG_CMD_CPMODE;
	if (rc == CP_CMD_OK)
		return 0;
	return t->msgno ? (int)t->msgno : 1;
}

/* env.readonly: a read-only link at vaddr? */
static bool diag_readonly(void *ctx, uint16_t vaddr)
{
	struct vmblok *vm = ctx;
	struct mdisk_link_info li;
	return vm->sys->links && mdisk_link_at(vm->sys->links, vm->userid, vaddr, &li) &&
	       li.access == MDISK_RO;
}

_Static_assert((int)DIAG_EMSG_TEXT == (int)TERM_EMSG_TEXT && (int)DIAG_EMSG_ON == (int)TERM_EMSG_ON &&
		       (int)DIAG_EMSG_CODE == (int)TERM_EMSG_CODE && (int)DIAG_EMSG_OFF == (int)TERM_EMSG_OFF,
	       "SET EMSG's values are the same for DIAGNOSE X'5C'");

static enum diag_result diagnose(struct vmblok *vm)
{
	struct cpu *c = machine_cpu(vm->m);
	struct machine_diagnose dg = cpu_last_diagnose(c);
	uint64_t cpu_us = vm_cpu_us(vm);
	/* X'24' reports a display as the 3270 model of its size (the lock only for X'24') */
	struct term_screen scr = {0};
	if ((dg.code & 0xFFFF) == 0x24)
		term_screen(&vm->proxy, &scr);
	unsigned model = 0;
	if (scr.rows)
		model = scr.cols > 80 ? 5 : scr.rows >= 43 ? 4 : scr.rows >= 32 ? 3 : 2;
	struct diag_env env = {
		.m = vm->m,
		.c = c,
		.userid = vm->userid,
		.classes = vm->user->classes,
		.cp_command = diag_cp_command,
		.ctx = vm,
		.spool = vm->sys->spool,
		.readonly = diag_readonly,
		.has_console = vm->cons != NULL,
		.console = vm->cons ? chan_dev_addr(vm->cons) : 0,
		.console_model = (uint8_t)model,
		.console_linelen = scr.rows ? (uint8_t)(scr.cols > 255 ? 255 : scr.cols) : 0,
		.virt_cpu_us = cpu_us,
		.total_cpu_us = cpu_us,
		.emsg = (enum diag_emsg)vm->proxy.emsg,
		.display = &d58_ops,
	};
	enum diag_result r = diag_execute(&env, &dg);
	if (r == DIAG_UNSUPPORTED) {
		char what[40];
		snprintf(what, sizeof what, "DIAGNOSE X'%02X'", dg.code & 0xFFFF);
		cp_msg_write(&vm->proxy, CP_MSG_DMKCFC999E, what);
	}
	return r;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The user's input, in order: lines (commands or the guest's), attention, disconnection, FORCE. */
static void take_input(struct vmblok *vm)
{
	for (;;) {
		pthread_mutex_lock(&vm->mx);
		struct item *it = q_get(&vm->inq);
		pthread_mutex_unlock(&vm->mx);
		if (!it)
			break;
		enum vm_mode before = vm->mode;
		if (is_3270_input(it->kind)) {
			/* A key on a program's screen or a dialed terminal: CP reads again only when
			 * it took the screen back (PA1). */
			input_3270(vm, it);
			free(it);
			if (vm->mode == VM_MODE_CP && before != VM_MODE_CP)
				px_read(&vm->proxy, TERM_READ_CP, "", 0);
			continue;
		}
		handle_input(vm, it);
		free(it);
		if (vm->ending)
			break;
		if (vm->mode == VM_MODE_CP)
			px_read(&vm->proxy, TERM_READ_CP, "", 0);
	}
}

/*
 * The task: the user's input first, then a slice of his machine when it runs. Input that stops a
 * running slice (machine_stop() from the server) is taken at once in the same run, so a command
 * typed while the guest computes does not wait for the task's next turn.
 */
static enum dsp_verdict vm_run(void *arg, struct dsp_slice *slice)
{
	struct vmblok *vm = arg;
	bool ran = false;
again:
	take_input(vm);
	if (vm->ending) {
		vm_conspool_close(vm, NULL, NULL);	/* LOGOFF closes the console file too */
		for (unsigned i = 0; i < VM_GRAF_MAX; i++)	/* dialed terminals: DROP FROM */
			if (vm->graf[i].in_use)
				graf_unbind(vm, &vm->graf[i], true);
		px_close(&vm->proxy);
		pthread_mutex_lock(&vm->sys->mx);
		bool connected = vm->t != NULL;
		unsigned line = vm->line;
		pthread_mutex_unlock(&vm->sys->mx);
		unlist(vm);
		if (connected)
			cpsys_log(vm->sys, "LINE %03X LOGOFF AS %s USERS = %03zu%s", line, vm->userid,
				  cpsys_users(vm->sys), vm->forced ? " FORCED" : "");
		else
			cpsys_log(vm->sys, "USER DSC LOGOFF AS %s USERS = %03zu%s", vm->userid,
				  cpsys_users(vm->sys), vm->forced ? " FORCED" : "");
		vm_unref(vm);	/* the task's reference: vm may be gone now */
		return DSP_EXIT;
	}
	if (vm->mode != VM_MODE_VM) {
		atomic_store(&vm->state, VMST_CP_READ);
		if (vm->sleep_until) {
			/* SLEEP nn: its time is up, or the task sleeps until it is. */
			if (mono_ns() < vm->sleep_until) {
				slice->wake_at = vm->sleep_until;
				return DSP_WAIT;
			}
			vm->sleep_until = 0;
			expected_line(vm, NULL);	/* the sleep's wait for a line ends too */
			px_read(&vm->proxy, TERM_READ_CP, "", 0);
		}
		return DSP_WAIT;
	}
	if (ran)
		return DSP_READY;	/* one slice a run */
	ran = true;

	cons_retry_attention(vm);
	fs_retry_attention(vm);
	graf_poll(vm);
	uint64_t budget = slice->ns / 1000u * INSNS_PER_US;
	uint64_t t0 = mono_ns();
	struct cpu *c = machine_cpu(vm->m);
	atomic_store(&vm->state, VMST_RUNNING);
	enum machine_exit e = machine_run(c, budget);
	atomic_store(&vm->cpu_ns, atomic_load(&vm->cpu_ns) + (mono_ns() - t0));
	atomic_store(&vm->insns, cpu_instructions(c));
	atomic_store(&vm->state, vm->vm_read ? VMST_VM_READ : e == MACHINE_EXIT_ENABLED_WAIT ? VMST_IDLE
				 : VMST_RUNNING);
	switch (e) {
	case MACHINE_EXIT_BUDGET:
		return DSP_READY;
	case MACHINE_EXIT_STOPPED:
		goto again;	/* input came: take it now */
	case MACHINE_EXIT_ENABLED_WAIT: {
		if (cons_retry_attention(vm) | fs_retry_attention(vm) | graf_poll(vm))
			return DSP_READY;
		uint64_t ns = machine_wait_ns(machine_cpu(vm->m));
		if (ns == 0)
			return DSP_READY;
		slice->wake_at = ns == UINT64_MAX ? DSP_NEVER : mono_ns() + ns;
		return DSP_WAIT;
	}
	case MACHINE_EXIT_DISABLED_WAIT:
		enter_cp(vm, CP_MSG_DMKDSP450W);
		break;
	case MACHINE_EXIT_CHECKSTOP:
		enter_cp(vm, CP_MSG_DMKDSP451W);
		break;
	case MACHINE_EXIT_PROGRAM_LOOP:
		enter_cp(vm, CP_MSG_DMKDSP452W);
		break;
	case MACHINE_EXIT_DIAGNOSE:
		switch (diagnose(vm)) {
		case DIAG_DONE:
			return DSP_READY;
		case DIAG_WAIT:
			/* X'58' waits for a record: nothing runs until something comes (the task is
			 * woken by the terminal, FORCE, a command); then the DIAGNOSE runs again. */
			atomic_store(&vm->state, VMST_VM_READ);
			return DSP_WAIT;
		case DIAG_LOGOFF:
			vm->ending = true;
			return DSP_READY;
		case DIAG_STOP:
		case DIAG_UNSUPPORTED:
			vm->mode = VM_MODE_CP;
			break;
		}
		break;
	}
	atomic_store(&vm->state, VMST_CP_READ);
	fs_end(vm, true);	/* CP READ: the screen is CP's */
	px_read(&vm->proxy, TERM_READ_CP, "", 0);
	return DSP_WAIT;
}

/* ---- The system ---- */

static enum dsp_verdict job_run(void *arg, struct dsp_slice *slice)
{
	struct cpsys_job *j = arg;
	struct cpsys *sys = j->sys;
	(void)slice;
	j->work(j->arg);
	pthread_mutex_lock(&sys->mx);
	j->finished = true;
	sys->jobs_finished = true;
	pthread_mutex_unlock(&sys->mx);
	wake_server(sys);
	return DSP_EXIT;
}

bool cpsys_async(struct cpsys *sys, void (*work)(void *arg), void (*done)(void *arg, bool cancelled),
		 void *arg)
{
	struct cpsys_job *j = calloc(1, sizeof *j);
	if (!j)
		return false;
	*j = (struct cpsys_job){.sys = sys, .work = work, .done = done, .arg = arg};
	j->task = dsp_task_new(sys->dsp, job_run, j, 100);
	if (!j->task) {
		free(j);
		return false;
	}
	pthread_mutex_lock(&sys->mx);
	j->next = sys->jobs;
	if (sys->jobs)
		sys->jobs->prev = j;
	sys->jobs = j;
	pthread_mutex_unlock(&sys->mx);
	dsp_wake(j->task);
	return true;
}

/* Server thread: the done half of every finished job (or, at the end, of every job: cancelled). */
static void finish_jobs(struct cpsys *sys, bool all)
{
	for (;;) {
		pthread_mutex_lock(&sys->mx);
		struct cpsys_job *j = sys->jobs;
		while (j && !all && !j->finished)
			j = j->next;
		if (!j) {
			sys->jobs_finished = false;
			pthread_mutex_unlock(&sys->mx);
			return;
		}
		if (j->prev)
			j->prev->next = j->next;
		else
			sys->jobs = j->next;
		if (j->next)
			j->next->prev = j->prev;
		pthread_mutex_unlock(&sys->mx);
		j->done(j->arg, !j->finished);
		dsp_task_unref(j->task);
		free(j);
	}
}

/* A file arrived in a user's reader: tell him, if he is logged on (any thread). */
static void on_arrival(void *arg, const struct spool_file_info *f, const char *from, bool transfer)
{
	struct cpsys *sys = arg;
	char line[160];
	spool_fmt_arrival(line, sizeof line, f, from, transfer);
	pthread_mutex_lock(&sys->mx);
	struct vmblok *vm = sys->users;
	while (vm && strcmp(vm->userid, f->owner) != 0)
		vm = vm->next;
	if (vm) {
		pthread_mutex_lock(&vm->mx);
		vm->refs++;
		pthread_mutex_unlock(&vm->mx);
	}
	pthread_mutex_unlock(&sys->mx);
	if (vm) {
		if (!atomic_load(&vm->msg_off))	/* unless SET MSG OFF (vm370-cp.md 9.3) */
			out_put(vm, IT_LINE, 0, line, strlen(line));
		vm_unref(vm);
	}
}

struct cpsys *cpsys_new(const struct cpsys_config *cfg)
{
	struct cpsys *sys = calloc(1, sizeof *sys);
	if (!sys)
		return NULL;
	sys->cfg = *cfg;
	sys->dir = cfg->dir;
	sys->cfg.nss_dir = NULL;	/* a copy, below: the caller's string may go */
	if (cfg->nss_dir && !(sys->nss_dir = strdup(cfg->nss_dir))) {
		free(sys);
		return NULL;
	}
	sys->cfg.nss_dir = sys->nss_dir;
	sys->cfg.directory_path = NULL;
	if (cfg->directory_path && !(sys->directory_path = strdup(cfg->directory_path))) {
		free(sys->nss_dir);
		free(sys);
		return NULL;
	}
	sys->cfg.directory_path = sys->directory_path;
	sys->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (sys->wake_fd < 0) {
		free(sys->nss_dir);
		free(sys->directory_path);
		free(sys);
		return NULL;
	}
	sys->dsp = dsp_new(cfg->threads, SLICE_NS);
	if (!sys->dsp) {
		int e = errno;
		close(sys->wake_fd);
		free(sys->nss_dir);
		free(sys->directory_path);
		free(sys);
		errno = e;
		return NULL;
	}
	pthread_mutex_init(&sys->mx, NULL);
	if (cfg->spool_dir) {
		struct spool_config sc = {.arrival = on_arrival, .arg = sys};
		struct spool_recovery rec;
		enum spool_status st = spool_open(cfg->spool_dir, &sc, &sys->spool, &rec);
		if (st != SPOOL_OK) {
			cpsys_log(sys, "SPOOL %s: %s", cfg->spool_dir, spool_status_str(st));
			cpsys_free(sys);
			errno = EIO;
			return NULL;
		}
		if (rec.debris || rec.unreadable)
			cpsys_log(sys, "SPOOL: %zu FILES RECOVERED, %zu HALF-WRITTEN REMOVED, %zu UNREADABLE",
				  rec.files, rec.debris, rec.unreadable);
		for (size_t i = 0; i < rec.nbad; i++)
			cpsys_log(sys, "SPOOL: UNREADABLE %s", rec.bad[i]);
		spool_recovery_free(&rec);
	}
	if (cfg->devices_path)
		rdev_load(sys, cfg->devices_path);
	if (cfg->volumes_dir) {
		struct vol_problems pr;
		vol_problems_init(&pr);
		enum vol_status vs = vol_open_dir(cfg->volumes_dir, &sys->vols, &pr);
		for (size_t i = 0; i < pr.n; i++)
			cpsys_log(sys, "VOLUMES: %s: %s", pr.v[i].file, pr.v[i].reason);
		vol_problems_free(&pr);
		if (vs != VOL_OK)
			cpsys_log(sys, "VOLUMES %s: %s", cfg->volumes_dir, vol_status_str(vs));
		sys->links = mdisk_table_new();
		if (!sys->links) {
			cpsys_free(sys);
			errno = ENOMEM;
			return NULL;
		}
	}
	return sys;
}

struct spool *cpsys_spool(struct cpsys *sys)
{
	return sys->spool;
}

struct volumes *cpsys_volumes(struct cpsys *sys)
{
	return sys->vols;
}

struct mdisk_table *cpsys_links(struct cpsys *sys)
{
	return sys->links;
}

/* The logged-on user's vmblok with a reference, or NULL. */
static struct vmblok *find_user(struct cpsys *sys, const char *userid)
{
	pthread_mutex_lock(&sys->mx);
	struct vmblok *vm = sys->users;
	while (vm && strcmp(vm->userid, userid) != 0)
		vm = vm->next;
	if (vm) {
		pthread_mutex_lock(&vm->mx);
		vm->refs++;
		pthread_mutex_unlock(&vm->mx);
	}
	pthread_mutex_unlock(&sys->mx);
	return vm;
}

enum cpsys_send_result cpsys_send(struct cpsys *sys, const char *userid, enum cpsys_send_kind kind,
				  const char *line)
{
	struct vmblok *vm = find_user(sys, userid);
	if (!vm)
		return CPSYS_SEND_NOT_LOGGED_ON;
	enum cpsys_send_result r = CPSYS_SEND_OK;
	if ((kind == CPSYS_SEND_MSG && atomic_load(&vm->msg_off)) ||
	    (kind == CPSYS_SEND_WNG && atomic_load(&vm->wng_off)))
		r = CPSYS_SEND_REFUSED;
	else {
		pthread_mutex_lock(&sys->mx);
		bool connected = vm->t != NULL;
		pthread_mutex_unlock(&sys->mx);
		out_put(vm, IT_LINE, 0, line, strlen(line));
		if (kind == CPSYS_SEND_WNG)
			out_put(vm, IT_BELL, 0, "", 0);
		if (!connected)
			r = CPSYS_SEND_DISCONNECTED;
	}
	vm_unref(vm);
	return r;
}

bool cpsys_set_share(struct cpsys *sys, const char *userid, unsigned share)
{
	struct vmblok *vm = find_user(sys, userid);
	if (!vm)
		return false;
	bool ok = dsp_set_share(vm->task, share) == 0;
	vm_unref(vm);
	return ok;
}

bool cpsys_force(struct cpsys *sys, const char *userid)
{
	struct vmblok *vm = find_user(sys, userid);
	if (!vm)
		return false;
	struct item *it = item_new(IT_FORCE, 0, "", 0);
	pthread_mutex_lock(&vm->mx);
	if (it)
		q_put(&vm->inq, it);
	pthread_mutex_unlock(&vm->mx);
	machine_stop(machine_cpu(vm->m));
	dsp_wake(vm->task);
	vm_unref(vm);
	return it != NULL;
}

struct force_all {
	char userids[256][DIR_USERID_MAX + 1];
	size_t n;
};

static void collect_user(void *arg, const struct cpsys_user_info *u)
{
	struct force_all *fa = arg;
	if (fa->n < sizeof fa->userids / sizeof fa->userids[0])
		snprintf(fa->userids[fa->n++], sizeof fa->userids[0], "%s", u->userid);
}

size_t cpsys_force_all(struct cpsys *sys)
{
	size_t total = 0;
	for (int round = 0; round < 64; round++) {
		struct force_all *fa = calloc(1, sizeof *fa);
		if (!fa)
			break;
		cpsys_each_user(sys, collect_user, fa);
		size_t n = fa->n;
		for (size_t i = 0; i < n; i++)
			total += cpsys_force(sys, fa->userids[i]);
		free(fa);
		if (n < 256)
			break;
	}
	return total;
}

void cpsys_shutdown(struct cpsys *sys)
{
	cpsys_force_all(sys);
	if (sys->cfg.shutdown)
		sys->cfg.shutdown(sys->cfg.shutdown_ctx);
}

void vm_set_msg(struct vmblok *vm, enum cpsys_send_kind kind, bool on)
{
	if (kind == CPSYS_SEND_MSG)
		atomic_store(&vm->msg_off, !on);
	else if (kind == CPSYS_SEND_WNG)
		atomic_store(&vm->wng_off, !on);
	else
		atomic_store(&vm->imsg_off, !on);
}

bool vm_msg_on(const struct vmblok *vm, enum cpsys_send_kind kind)
{
	if (kind == CPSYS_SEND_MSG)
		return !atomic_load(&vm->msg_off);
	if (kind == CPSYS_SEND_WNG)
		return !atomic_load(&vm->wng_off);
	return !atomic_load(&vm->imsg_off);
}

bool vm_add_device(struct vmblok *vm, unsigned vaddr, enum vm_dev_kind kind, unsigned devtype,
		   struct chan_dev *d)
{
	if (vm->ndev >= VM_DEVICES_MAX)
		return false;
	add_device(vm, vaddr, kind, devtype, d);
	return true;
}

bool vm_detach_device(struct vmblok *vm, unsigned vaddr)
{
	for (size_t i = 0; i < vm->ndev; i++) {
		if (vm->dev[i].vaddr != vaddr)
			continue;
		if (vm->dev[i].d == vm->cons)
			vm->cons = NULL;
		struct vm_graf *g = vm->dev[i].kind == VM_DEV_GRAF ? graf_at(vm, vaddr) : NULL;
		if (g)
			graf_unbind(vm, g, true);
		if (vm->dev[i].real)
			rdev_release(vm->sys, vm->dev[i].raddr);
		machine_detach_device(vm->m, (uint16_t)vaddr);
		memmove(&vm->dev[i], &vm->dev[i + 1], (vm->ndev - i - 1) * sizeof vm->dev[0]);
		vm->ndev--;
		if (vm->sys->links)
			mdisk_unlink(vm->sys->links, vm->userid, vaddr);
		return true;
	}
	return false;
}

const struct vm_device *vm_devices(const struct vmblok *vm, size_t *n)
{
	*n = vm->ndev;
	return vm->dev;
}

struct chan_dev *vm_device(struct vmblok *vm, unsigned vaddr)
{
	for (size_t i = 0; i < vm->ndev; i++)
		if (vm->dev[i].vaddr == vaddr)
			return vm->dev[i].d;
	return NULL;
}

void cpsys_free(struct cpsys *sys)
{
	if (!sys)
		return;
	dsp_free(sys->dsp);	/* no task runs after this */
	sys->dsp = NULL;
	finish_jobs(sys, true);
	/* The terminals are gone and no task runs: every reference left is moot. The machines go
	 * before the spool (their punches and printers commit what they hold). */
	sys->flush = NULL;
	sys->users = NULL;
	while (sys->all)
		vm_destroy(sys->all);
	spool_close(sys->spool);
	vol_close_all(sys->vols);
	mdisk_table_free(sys->links);
	for (size_t i = 0; i < sys->nrdevs; i++)
		for (int a = 0; a < sys->rdevs[i].argc; a++)
			free(sys->rdevs[i].argv[a]);
	free(sys->rdevs);
	dir_free(sys->owned);
	while (sys->retired) {
		struct retired_dir *r = sys->retired;
		sys->retired = r->next;
		dir_free(r->dir);
		free(r);
	}
	pthread_mutex_destroy(&sys->mx);
	close(sys->wake_fd);
	free(sys->nss_dir);
	free(sys->directory_path);
	free(sys);
}

int cpsys_wake_fd(const struct cpsys *sys)
{
	return sys->wake_fd;
}

const struct directory *cpsys_directory(struct cpsys *sys)
{
	pthread_mutex_lock(&sys->mx);
	const struct directory *d = sys->dir;
	pthread_mutex_unlock(&sys->mx);
	return d;
}

enum dir_status cpsys_reload_directory(struct cpsys *sys, struct dir_diags *dg, size_t *users)
{
	if (!sys->cfg.directory_path)
		return DIR_ERR_ARG;
	struct directory *d;
	enum dir_status st = dir_load(sys->cfg.directory_path, 0, &d, dg);
	if (st != DIR_OK)
		return st;
	struct retired_dir *r = malloc(sizeof *r);
	if (!r && sys->owned) {
		dir_free(d);
		return DIR_ERR_NOMEM;
	}
	pthread_mutex_lock(&sys->mx);
	if (sys->owned) {
		r->dir = sys->owned;
		r->next = sys->retired;
		sys->retired = r;
		r = NULL;
	}
	sys->owned = d;
	sys->dir = d;
	pthread_mutex_unlock(&sys->mx);
	free(r);
	if (users)
		*users = dir_count(d);
	return DIR_OK;
}

const char *cpsys_directory_path(const struct cpsys *sys)
{
	return sys->cfg.directory_path;
}

size_t cpsys_vm_count(struct cpsys *sys)
{
	size_t n = 0;
	pthread_mutex_lock(&sys->mx);
	for (struct vmblok *vm = sys->all; vm; vm = vm->all_next)
		n++;
	pthread_mutex_unlock(&sys->mx);
	return n;
}

size_t cpsys_users(struct cpsys *sys)
{
	pthread_mutex_lock(&sys->mx);
	size_t n = sys->nusers;
	pthread_mutex_unlock(&sys->mx);
	return n;
}

void cpsys_each_user(struct cpsys *sys, void (*fn)(void *arg, const struct cpsys_user_info *u),
		     void *arg)
{
	pthread_mutex_lock(&sys->mx);
	for (struct vmblok *vm = sys->users; vm; vm = vm->next) {
		int st = atomic_load(&vm->state);
		struct cpsys_user_info u = {
			.userid = vm->userid,
			.connected = vm->t != NULL,
			.line = vm->line,
			.state = vm_state_names[st >= 0 && st <= VMST_IDLE ? st : 0],
			.cpu_us = atomic_load(&vm->cpu_ns) / 1000u,
			.instructions = atomic_load(&vm->insns),
		};
		fn(arg, &u);
	}
	pthread_mutex_unlock(&sys->mx);
}

int cpsys_operator_command(struct cpsys *sys, struct term *out, const char *line)
{
	const struct dir_user *op = dir_find(cpsys_directory(sys), "OPERATOR");
	unsigned all = 0;
	for (char c = 'A'; c <= 'G'; c++)
		all |= DIR_CLASS(c);
	struct cp_cmd_ctx ctx = {
		.t = out,
		.user = op,
		.classes = op ? op->classes : all,
		.logon_time = time(NULL),
		.sys = sys,
	};
	return (int)cp_cmd_execute(&ctx, line);
}

/* Server thread: the output for vm's dialed terminals (gq's items). */
static void flush_grafs(struct cpsys *sys, struct vmblok *vm, struct queue *gq)
{
	struct item *it;
	while ((it = q_get(gq))) {
		if (it->kind == IT_GRAF_DROP) {
			dial_drop(sys, it->arg);
			free(it);
			continue;
		}
		struct term *t = NULL;
		pthread_mutex_lock(&sys->mx);
		struct vm_graf *g = it->aux >= 0 && (unsigned)it->aux < VM_GRAF_MAX ? &vm->graf[it->aux] : NULL;
		if (g && g->in_use && g->gen == it->gen && g->bind)
			t = g->bind->t;
		pthread_mutex_unlock(&sys->mx);
		if (t && it->kind == IT_GRAF_WRITE)
			term_write_record(t, it->text, it->len);
		else if (t && it->kind == IT_GRAF_READ && it->len)
			term_read_record(t, (enum term_record_read)it->text[0]);
		free(it);
	}
}

void cpsys_flush(struct cpsys *sys)
{
	uint64_t cnt;
	ssize_t n = read(sys->wake_fd, &cnt, sizeof cnt);
	(void)n;
	pthread_mutex_lock(&sys->mx);
	struct vmblok *list = sys->flush;
	sys->flush = NULL;
	bool jobs = sys->jobs_finished;
	pthread_mutex_unlock(&sys->mx);
	if (jobs)
		finish_jobs(sys, false);
	while (list) {
		struct vmblok *vm = list;
		list = vm->flush_next;
		pthread_mutex_lock(&sys->mx);
		pthread_mutex_lock(&vm->mx);
		vm->on_flush = false;
		struct term *t = vm->t;
		struct queue q = {0};
		struct queue gq = vm->gq;	/* dialed terminals' output goes whatever vm->t is */
		vm->gq = (struct queue){0};
		bool dropped = false;
		if (t) {
			q = vm->outq;
			vm->outq = (struct queue){0};
			dropped = vm->dropped;
			vm->dropped = false;
		}
		pthread_mutex_unlock(&vm->mx);
		pthread_mutex_unlock(&sys->mx);
		if (dropped)
			cp_msg_write(t, CP_RSP_OUTPUT_LOST);
		struct item *it;
		while ((it = q_get(&q))) {
			if (t) {
				switch (it->kind) {
				case IT_LINE:
					term_write_line(t, it->text, it->len);
					break;
				case IT_READ:
					term_read(t, (enum term_read)it->aux, it->text, it->len);
					break;
				case IT_BELL:
					term_bell(t);
					break;
				case IT_PASSWD:
					term_set_password(t, it->aux != 0);
					break;
				case IT_PF:
					term_set_pf(t, (unsigned)it->aux & 0xFF,
						    (enum term_pf)((unsigned)it->aux >> 8), it->text, it->len);
					break;
				case IT_DISPLAY:
					term_display(t, (unsigned)it->aux & 0xFF, ((unsigned)it->aux >> 8) & 1,
						     it->text, it->len);
					break;
				case IT_FULLSCREEN:
					term_fullscreen(t, it->aux != 0);
					break;
				case IT_RECORD:
					term_write_record(t, it->text, it->len);
					break;
				case IT_READREC:
					term_read_record(t, (enum term_record_read)it->aux);
					break;
				case IT_CLOSE:
					/* The binding ends: the terminal's reference goes. */
					pthread_mutex_lock(&sys->mx);
					vm->t = NULL;
					pthread_mutex_unlock(&sys->mx);
					term_set_handler(t, NULL, NULL);
					term_close(t);
					t = NULL;
					vm_unref(vm);
					break;
				default:
					break;
				}
			}
			free(it);
		}
		flush_grafs(sys, vm, &gq);
		vm_unref(vm);	/* the flush list's reference */
	}
}
