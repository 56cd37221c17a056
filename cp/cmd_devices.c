/*
 * cmd_devices.c - the commands about a virtual machine's devices (vm370-cp.md 3.1, 4, 7.6): LINK,
 * DETACH, DEFINE, QUERY VIRTUAL, and QUERY's LINKS and DASD operands (cmd_query_devices()).
 *
 * Every handler runs on the user's own dispatcher task with the machine stopped (cp/vm.c), so it
 * may change the machine's devices. The minidisk link table and the volumes are the system's
 * (cpsys_links(), cpsys_volumes()); the table has its own lock. Operands are all checked before
 * anything changes: a command with a bad operand answers with its message and changes nothing.
 *
 * LINK without a password, to a disk that needs one, shows the prompt (ENTER READ PASSWORD: ...)
 * and takes the user's next line, hidden, through vm_expect_line(); link_password() finishes the
 * LINK with it, writing on the virtual machine's own terminal. The attention key cancels it.
 *
 * Responses of DETACH and DEFINE are informational: SET IMSG OFF suppresses them (vm370-cp.md 5).
 *
 * DEFINE Tdddd takes cylinders of the volumes' T-disk space (cp/tdisk.h, vol_tdisks()); DETACH
 * gives them back (LOGOFF does too, in cp/vm.c, through vol_release_tdisks()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp/cmd.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "cp/minidisk.h"
#include "cp/tdisk.h"
#include "cp/volumes.h"
#include "cp/vm.h"
#include "cp/vspool.h"
#include "machine/channel.h"
#include "machine/machine.h"

/* ---- Helpers ---- */

/* The virtual machine's device at vaddr, or NULL. */
static const struct vm_device *device_at(struct vmblok *vm, unsigned vaddr)
{
	size_t n;
	const struct vm_device *v = vm_devices(vm, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].vaddr == vaddr)
			return &v[i];
	return NULL;
}

/* May the virtual machine use vaddr? Above X'5FF' only with OPTION ECMODE (vm370-cp.md 3.1). */
static bool vaddr_allowed(struct vmblok *vm, unsigned vaddr)
{
	return vaddr <= DIR_VADDR_BC || (vm_user(vm)->options & DIR_OPT_ECMODE);
}

/* An mdisk_result's line, shown as cp_msg_write() shows its catalog entry (SET EMSG). */
static void write_result(struct term *t, const struct mdisk_result *r)
{
	const char *id = cp_msg_id(r->msg);
	if (id && strlen(id) == 10 && id[9] == 'E')
		t->msgno = (unsigned)strtoul(id + 6, NULL, 10) % 1000u;
	if (!id || t->emsg == TERM_EMSG_TEXT) {
		term_write_line(t, r->text, strlen(r->text));
		return;
	}
	if (t->emsg == TERM_EMSG_OFF)
		return;
	char line[sizeof r->text + 12];
	int k = t->emsg == TERM_EMSG_CODE ? snprintf(line, sizeof line, "%s", id)
					  : snprintf(line, sizeof line, "%s %s", id, r->text);
	term_write_line(t, line, k < 0 ? 0 : (size_t)k < sizeof line ? (size_t)k : sizeof line - 1);
}

static bool imsg(struct cp_cmd_ctx *ctx)
{
	return vm_msg_on(ctx->vm, CPSYS_SEND_SYS);
}

/* ---- LINK ---- */

/* What a LINK waiting for its password remembers. */
struct link_pending {
	char owner[DIR_USERID_MAX + 1];
	unsigned owner_vaddr, vaddr;
	enum dir_mode mode;
	bool has_mode;
};

/*
 * Make the link p asks for with password (NULL: none given): decide it (mdisk_link()), attach its
 * device and record it, writing the outcome on t. MDISK_PASSWORD when the prompt was shown and
 * nothing was done.
 */
static enum mdisk_status do_link(struct vmblok *vm, struct term *t, const struct link_pending *p,
				 const char *password)
{
	struct cpsys *sys = vm_system(vm);
	struct mdisk_table *links = cpsys_links(sys);
	const char *userid = vm_user(vm)->userid;
	struct mdisk_request rq = {.userid = userid, .vaddr = p->vaddr, .owner = p->owner,
				   .owner_vaddr = p->owner_vaddr, .mode = p->mode, .has_mode = p->has_mode,
				   .password = password};
	struct mdisk_result r;
	enum mdisk_status st = mdisk_link(links, cpsys_directory(sys), &rq, &r);
	if (st == MDISK_ERR_NOMEM) {
		cp_msg_write(t, CP_MSG_DMKLNK991E, p->owner, p->owner_vaddr, "OUT OF HOST MEMORY");
		return MDISK_REFUSED;
	}
	if (st != MDISK_LINKED) {
		write_result(t, &r);
		return st;
	}
	const char *owner = strcmp(p->owner, "*") ? p->owner : userid;
	struct chan_dev *dev;
	struct mdisk_result ar;
	if (mdisk_attach(cpsys_volumes(sys), vm_machine(vm), owner, p->vaddr, &r.disk, r.access, &dev,
			 &ar) != MDISK_LINKED) {
		mdisk_unlink(links, userid, p->vaddr);
		write_result(t, &ar);
		return MDISK_REFUSED;
	}
	if (!vm_add_device(vm, p->vaddr, VM_DEV_DASD, r.disk.devtype, dev)) {
		machine_detach_device(vm_machine(vm), (uint16_t)p->vaddr);
		mdisk_unlink(links, userid, p->vaddr);
		cp_msg_write(t, CP_MSG_DMKLNK991E, owner, p->owner_vaddr, "TOO MANY VIRTUAL DEVICES");
		return MDISK_REFUSED;
	}
	write_result(t, &r);
	return MDISK_LINKED;
}

/* vm_expect_line()'s callback: the password line (NULL: cancelled). */
static void link_password(struct vmblok *vm, void *arg, const char *line)
{
	struct link_pending *p = arg;
	if (line) {
		/* The password is the line's first word; a null line is an incorrect password. */
		char pw[CP_CMD_LINE_MAX + 1];
		size_t i = 0, k = 0;
		while (line[i] == ' ')
			i++;
		while (line[i] && line[i] != ' ' && k + 1 < sizeof pw)
			pw[k++] = line[i++];
		pw[k] = '\0';
		if (do_link(vm, vm_term(vm), p, pw) == MDISK_PASSWORD) {
			/* Cannot happen (a password was given); said rather than looping. */
			cp_msg_write(vm_term(vm), CP_MSG_DMKLNK050E);
		}
		explicit_bzero(pw, sizeof pw);
	}
	free(p);
}

static bool link_mode(const char *tok, enum dir_mode *out)
{
	static const struct {
		const char *name;
		enum dir_mode mode;
	} modes[] = {
		{"R", DIR_MODE_R}, {"RR", DIR_MODE_RR}, {"W", DIR_MODE_W},   {"WR", DIR_MODE_WR},
		{"M", DIR_MODE_M}, {"MR", DIR_MODE_MR}, {"MW", DIR_MODE_MW},
	};
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (strcmp(tok, modes[i].name) == 0) {
			*out = modes[i].mode;
			return true;
		}
	return false;
}

/* LINK [TO] userid vaddr1 [AS] vaddr2 [mode] [[PASS=] password] (vm370-cp.md 7.6). */
HANDLER(link)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	struct cpsys *sys = vm_system(ctx->vm);
	if (!cpsys_links(sys) || !cpsys_volumes(sys)) {
		snprintf(ctx->detail, sizeof ctx->detail, "LINK (NO VOLUMES)");
		return CP_CMD_NOT_AVAILABLE;
	}
	struct link_pending p = {0};
	size_t i = 1;
	/* Without TO, the userid may not be TO or T (GC20-1820). */
	if (i < cl->n && cmd_keyword(cl->tok[i], "TO", 1))
		i++;
	if (i >= cl->n || strlen(cl->tok[i]) > DIR_USERID_MAX) {
		cp_msg_write(ctx->t, CP_MSG_DMKLNK020E);
		return CP_CMD_FAILED;
	}
	snprintf(p.owner, sizeof p.owner, "%s", cl->tok[i++]);
	if (i >= cl->n || !cmd_vaddr(cl->tok[i], &p.owner_vaddr)) {
		cp_msg_write(ctx->t, CP_MSG_DMKLNK022E);
		return CP_CMD_FAILED;
	}
	i++;
	if (i < cl->n && cmd_keyword(cl->tok[i], "AS", 1))
		i++;
	if (i >= cl->n || !cmd_vaddr(cl->tok[i], &p.vaddr) || !vaddr_allowed(ctx->vm, p.vaddr)) {
		cp_msg_write(ctx->t, CP_MSG_DMKLNK022E);
		return CP_CMD_FAILED;
	}
	i++;
	if (i < cl->n && link_mode(cl->tok[i], &p.mode)) {
		p.has_mode = true;
		i++;
	}
	const char *password = NULL;
	if (i < cl->n) {
		if (strncmp(cl->tok[i], "PASS=", 5) == 0) {
			if (cl->raw[i][5]) {
				password = cl->raw[i] + 5;
			} else if (i + 1 < cl->n) {
				password = cl->raw[++i];
			} else {
				cp_msg_write(ctx->t, CP_MSG_DMKLNK003E, cl->tok[i]);
				return CP_CMD_FAILED;
			}
		} else {
			password = cl->raw[i];
		}
		i++;
	}
	if (i < cl->n) {
		cp_msg_write(ctx->t, CP_MSG_DMKLNK003E, cl->tok[i]);
		return CP_CMD_FAILED;
	}
	/* The address must be free of any device, not only of links. */
	const struct vm_device *d = device_at(ctx->vm, p.vaddr);
	if (d) {
		const char *owner = strcmp(p.owner, "*") ? p.owner : vm_user(ctx->vm)->userid;
		cp_msg_write(ctx->t, CP_MSG_DMKLNK110E, owner, p.owner_vaddr, p.vaddr);
		return CP_CMD_FAILED;
	}
	enum mdisk_status st = do_link(ctx->vm, ctx->t, &p, password);
	if (st == MDISK_PASSWORD) {
		struct link_pending *wait = malloc(sizeof *wait);
		if (!wait) {
			cp_msg_write(ctx->t, CP_MSG_DMKLNK991E, p.owner, p.owner_vaddr, "OUT OF HOST MEMORY");
			return CP_CMD_FAILED;
		}
		*wait = p;
		vm_expect_line(ctx->vm, link_password, wait, true);
		return CP_CMD_OK;
	}
	return st == MDISK_LINKED ? CP_CMD_OK : CP_CMD_FAILED;
}

/* ---- DETACH ---- */

/* Detach the device at vaddr; a T-disk's space goes back to the system (cp/tdisk.h). */
static void detach_one(struct cp_cmd_ctx *ctx, unsigned vaddr)
{
	vm_detach_device(ctx->vm, vaddr);
	tdisk_free(vol_tdisks(cpsys_volumes(vm_system(ctx->vm))), vm_user(ctx->vm)->userid, vaddr);
}

#define DETACH_MAX 64u	/* addresses named on one DETACH line (the token limit keeps it lower) */

/* DETACH vaddr [vaddr ...] | vaddr-vaddr (vm370-cp.md 3.1). Addresses and a range are not mixed;
 * a range detaches what exists in it. DETACH CHANNEL and real devices (class B) are not done. */
HANDLER(detach)
{
	if (!ctx->vm) {
		/* The operator: a real device from the user who has it (cmd_attach.c). */
		enum cp_cmd_rc rc = cmd_detach_real(ctx, cl);
		return rc == CP_CMD_UNKNOWN ? CP_CMD_UNKNOWN : rc;
	}
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKVDD022E);
		return CP_CMD_FAILED;
	}
	if (cmd_keyword(cl->tok[1], "CHANNEL", 4)) {
		snprintf(ctx->detail, sizeof ctx->detail, "DETACH CHANNEL");
		return CP_CMD_NOT_AVAILABLE;
	}
	/* Check every operand before detaching anything. */
	unsigned lo = 0, hi = 0;
	bool range = false;
	const char *dash = strchr(cl->tok[1], '-');
	if (dash) {
		char first[8];
		size_t len = (size_t)(dash - cl->tok[1]);
		if (cl->n > 2) {	/* a range and addresses are not mixed */
			cp_msg_write(ctx->t, CP_MSG_DMKVDD003E, cl->tok[2]);
			return CP_CMD_FAILED;
		}
		if (len >= sizeof first) {
			cp_msg_write(ctx->t, CP_MSG_DMKVDD022E);
			return CP_CMD_FAILED;
		}
		memcpy(first, cl->tok[1], len);
		first[len] = '\0';
		if (!cmd_vaddr(first, &lo) || !cmd_vaddr(dash + 1, &hi) || lo > hi) {
			cp_msg_write(ctx->t, CP_MSG_DMKVDD022E);
			return CP_CMD_FAILED;
		}
		range = true;
	} else {
		for (size_t i = 1; i < cl->n; i++) {
			unsigned v;
			if (strchr(cl->tok[i], '-')) {
				cp_msg_write(ctx->t, CP_MSG_DMKVDD003E, cl->tok[i]);
				return CP_CMD_FAILED;
			}
			if (!cmd_vaddr(cl->tok[i], &v)) {
				cp_msg_write(ctx->t, CP_MSG_DMKVDD022E);
				return CP_CMD_FAILED;
			}
		}
	}

	if (!range && cl->n == 2) {
		unsigned v;
		cmd_vaddr(cl->tok[1], &v);
		const struct vm_device *d = device_at(ctx->vm, v);
		if (!d) {
			cp_msg_write(ctx->t, CP_MSG_DMKVDD040E, v);
			return CP_CMD_FAILED;
		}
		const char *type = vm_dev_kind_name(d->kind);
		detach_one(ctx, v);
		if (imsg(ctx))
			cp_msg_write(ctx->t, CP_RSP_DETACHED, type, v);
		return CP_CMD_OK;
	}

	/* Several: an error per address that is not there, then the addresses detached. */
	char done[CP_CMD_LINE_MAX + 1];
	size_t len = 0, ndone = 0;
	bool failed = false;
	done[0] = '\0';
	size_t count = range ? hi - lo + 1 : cl->n - 1;
	for (size_t k = 0; k < count; k++) {
		unsigned v = (unsigned)(lo + k);
		if (!range)
			cmd_vaddr(cl->tok[1 + k], &v);
		if (!device_at(ctx->vm, v)) {
			if (!range) {
				cp_msg_write(ctx->t, CP_MSG_DMKVDD040E, v);
				failed = true;
			}
			continue;
		}
		detach_one(ctx, v);
		if (len + 5 < sizeof done)
			len += (size_t)snprintf(done + len, sizeof done - len, "%s%03X", ndone ? " " : "", v);
		ndone++;
	}
	if (range && !ndone) {
		cp_msg_write(ctx->t, CP_MSG_DMKVDD040E, lo);
		return CP_CMD_FAILED;
	}
	if (ndone && imsg(ctx))
		cp_msg_write(ctx->t, CP_RSP_DETACHED_LIST, done);
	return failed ? CP_CMD_FAILED : CP_CMD_OK;
}

/* ---- DEFINE ---- */

/* The spooled devices DEFINE makes: the operand, its minimum, the kind and the device type. */
static const struct {
	const char *name;
	size_t min;
	enum vm_dev_kind kind;
	unsigned devtype;
} define_ur[] = {
	{"READER", 1, VM_DEV_READER, 2540},	{"RDR", 3, VM_DEV_READER, 2540},
	{"PRINTER", 1, VM_DEV_PRINTER, 1403},	{"PRT", 3, VM_DEV_PRINTER, 1403},
	{"PUNCH", 2, VM_DEV_PUNCH, 2540},	{"PUN", 3, VM_DEV_PUNCH, 2540},
	{"2540R", 5, VM_DEV_READER, 2540},	{"3505", 4, VM_DEV_READER, 3505},
	{"2540P", 5, VM_DEV_PUNCH, 2540},	{"3525", 4, VM_DEV_PUNCH, 3525},
	{"1403", 4, VM_DEV_PRINTER, 1403},	{"3211", 4, VM_DEV_PRINTER, 3211},
};

/* Temporary disks: DEFINE Tdddd [AS] vaddr [CYL] nnn. */
static const struct {
	const char *name;
	unsigned devtype;
} define_tdisk[] = {
	{"T2314", 2314}, {"T2319", 2319}, {"T3330", 3330}, {"T3340", 3340}, {"T3350", 3350},
};

/* Operands VM/370 has that are not carried out here. */
static const struct {
	const char *name;
	size_t min;
} define_todo[] = {
	{"CONSOLE", 3}, {"CTCA", 3}, {"TIMER", 3}, {"LINE", 2}, {"1443", 4}, {"2501", 4},
};

/* DEFINE's [AS] vaddr from token *i on: true with *vaddr; false after DMKDEF022E. */
static bool define_vaddr(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, size_t *i, unsigned *vaddr)
{
	if (*i < cl->n && cmd_keyword(cl->tok[*i], "AS", 1))
		(*i)++;
	if (*i >= cl->n || !cmd_vaddr(cl->tok[*i], vaddr) || !vaddr_allowed(ctx->vm, *vaddr)) {
		cp_msg_write(ctx->t, CP_MSG_DMKDEF022E);
		return false;
	}
	(*i)++;
	return true;
}

static enum cp_cmd_rc define_spooled(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, size_t row)
{
	size_t i = 2;
	unsigned vaddr;
	if (!define_vaddr(ctx, cl, &i, &vaddr))
		return CP_CMD_FAILED;
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, i);
	if (rc != CP_CMD_OK)
		return rc;
	if (device_at(ctx->vm, vaddr)) {
		cp_msg_write(ctx->t, CP_MSG_DMKDEF092E, vaddr, vaddr);
		return CP_CMD_FAILED;
	}
	struct spool *sp = cpsys_spool(vm_system(ctx->vm));
	if (!sp) {
		snprintf(ctx->detail, sizeof ctx->detail, "DEFINE %s (NO SPOOL)", define_ur[row].name);
		return CP_CMD_NOT_AVAILABLE;
	}
	struct machine *m = vm_machine(ctx->vm);
	const char *userid = vm_user(ctx->vm)->userid;
	unsigned type = define_ur[row].devtype;
	struct chan_dev *d;
	switch (define_ur[row].kind) {
	case VM_DEV_READER:
		d = vspool_attach_reader(m, (uint16_t)vaddr, type, sp, userid, '*');
		break;
	case VM_DEV_PUNCH:
		d = vspool_attach_punch(m, (uint16_t)vaddr, type, sp, userid, 'A');
		break;
	default:
		d = vspool_attach_printer(m, (uint16_t)vaddr, type, sp, userid, 'A');
		break;
	}
	if (!d) {
		cp_msg_write(ctx->t, CP_MSG_DMKDEF999E, vaddr, "THE DEVICE COULD NOT BE MADE");
		return CP_CMD_FAILED;
	}
	if (!vm_add_device(ctx->vm, vaddr, define_ur[row].kind, type, d)) {
		machine_detach_device(m, (uint16_t)vaddr);
		cp_msg_write(ctx->t, CP_MSG_DMKDEF999E, vaddr, "TOO MANY VIRTUAL DEVICES");
		return CP_CMD_FAILED;
	}
	if (imsg(ctx))
		cp_msg_write(ctx->t, CP_RSP_DEFINED, vm_dev_kind_name(define_ur[row].kind), vaddr);
	return CP_CMD_OK;
}

/* tdisk_set_directory()'s lines go to the operator's log. */
static void tdisk_log(void *arg, const char *line)
{
	cpsys_log(arg, "%s", line);
}

/*
 * DEFINE Tdddd [AS] vaddr [CYL] nnn: nnn cylinders of the system's T-disk space (cp/tdisk.h) of
 * that device type, first fit, cleared, attached R/W at vaddr as the user's own link (QUERY
 * VIRTUAL shows "(TEMP)" for its volume). A system without T-disk space of that type and size
 * answers DMKDEF091E. The space goes back at DETACH and LOGOFF.
 */
static enum cp_cmd_rc define_tdisk_cmd(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, unsigned devtype)
{
	size_t i = 2;
	unsigned vaddr;
	if (!define_vaddr(ctx, cl, &i, &vaddr))
		return CP_CMD_FAILED;
	if (i < cl->n && cmd_keyword(cl->tok[i], "CYL", 3))
		i++;
	char *end = NULL;
	unsigned long cyls = i < cl->n ? strtoul(cl->tok[i], &end, 10) : 0;
	if (i >= cl->n || !end || *end || cl->tok[i][0] == '-' || cyls == 0 || cyls > 9999) {
		cp_msg_write(ctx->t, CP_MSG_DMKDEF026E);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, i + 1);
	if (rc != CP_CMD_OK)
		return rc;
	if (device_at(ctx->vm, vaddr)) {
		cp_msg_write(ctx->t, CP_MSG_DMKDEF092E, vaddr, vaddr);
		return CP_CMD_FAILED;
	}
	struct cpsys *sys = vm_system(ctx->vm);
	struct volumes *vols = cpsys_volumes(sys);
	struct mdisk_table *links = cpsys_links(sys);
	struct tdisk_space *space = vol_tdisks(vols);
	const char *userid = vm_user(ctx->vm)->userid;
	if (!space || !links) {
		cp_msg_write(ctx->t, CP_MSG_DMKDEF091E, vaddr);
		return CP_CMD_FAILED;
	}
	/* The address is free of devices: a T-disk still recorded there is stale (its device went
	 * by a way that did not give the space back), so it goes back now. */
	tdisk_free(space, userid, vaddr);
	tdisk_set_directory(space, cpsys_directory(sys), tdisk_log, sys);
	struct tdisk_extent x;
	switch (tdisk_alloc(space, userid, vaddr, devtype, (uint32_t)cyls, &x)) {
	case TDISK_OK:
		break;
	case TDISK_ERR_IO:
		cpsys_log(sys, "DEFINE T%u %03X FOR %s: THE T-DISK SPACE COULD NOT BE CLEARED", devtype, vaddr,
			  userid);
		cp_msg_write(ctx->t, CP_MSG_DMKDEF999E, vaddr, "TEMP SPACE COULD NOT BE CLEARED");
		return CP_CMD_FAILED;
	case TDISK_ERR_NOMEM:
		cp_msg_write(ctx->t, CP_MSG_DMKDEF999E, vaddr, "OUT OF HOST MEMORY");
		return CP_CMD_FAILED;
	default:	/* no space of that type and size */
		cp_msg_write(ctx->t, CP_MSG_DMKDEF091E, vaddr);
		return CP_CMD_FAILED;
	}
	struct mdisk_extent me = {.devtype = devtype, .start = x.start, .count = x.count, .tdisk = true};
	memcpy(me.volser, x.volser, sizeof me.volser);
	struct mdisk_result r, ar;
	enum mdisk_status st = mdisk_define(links, userid, vaddr, &me, &r);
	if (st != MDISK_LINKED) {
		tdisk_free(space, userid, vaddr);
		cp_msg_write(ctx->t, CP_MSG_DMKDEF999E, vaddr,
			     st == MDISK_ERR_NOMEM ? "OUT OF HOST MEMORY" : "ADDRESS IN USE");
		return CP_CMD_FAILED;
	}
	struct chan_dev *dev;
	if (mdisk_attach(vols, vm_machine(ctx->vm), userid, vaddr, &me, MDISK_RW, &dev, &ar) != MDISK_LINKED) {
		mdisk_unlink(links, userid, vaddr);
		tdisk_free(space, userid, vaddr);
		cp_msg_write(ctx->t, CP_MSG_DMKDEF999E, vaddr, "THE DEVICE COULD NOT BE MADE");
		return CP_CMD_FAILED;
	}
	if (!vm_add_device(ctx->vm, vaddr, VM_DEV_DASD, devtype, dev)) {
		machine_detach_device(vm_machine(ctx->vm), (uint16_t)vaddr);
		mdisk_unlink(links, userid, vaddr);
		tdisk_free(space, userid, vaddr);
		cp_msg_write(ctx->t, CP_MSG_DMKDEF999E, vaddr, "TOO MANY VIRTUAL DEVICES");
		return CP_CMD_FAILED;
	}
	if (imsg(ctx))
		cp_msg_write(ctx->t, CP_RSP_DEFINED, "DASD", vaddr);
	return CP_CMD_OK;
}

/* DEFINE READER|PRINTER|PUNCH|2540R|... [AS] vaddr, Tdddd [AS] vaddr [CYL] nnn, STORAGE ...
 * (vm370-cp.md 3.1), GRAF (cmd_graf.c). CONSOLE, CTCA, TIMER, LINE, CHANNELS and renumbering are not yet. */
HANDLER(define)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKDEF026E);
		return CP_CMD_FAILED;
	}
	const char *what = cl->tok[1];
	if (cmd_keyword(what, "STORAGE", 4))
		return cmd_define_storage(ctx, cl);
	if (cmd_keyword(what, "GRAF", 4))
		return cmd_define_graf(ctx, cl);
	for (size_t r = 0; r < sizeof define_ur / sizeof define_ur[0]; r++)
		if (cmd_keyword(what, define_ur[r].name, define_ur[r].min))
			return define_spooled(ctx, cl, r);
	for (size_t r = 0; r < sizeof define_tdisk / sizeof define_tdisk[0]; r++)
		if (strcmp(what, define_tdisk[r].name) == 0)
			return define_tdisk_cmd(ctx, cl, define_tdisk[r].devtype);
	unsigned v;
	if (cmd_keyword(what, "CHANNELS", 4) || cmd_vaddr(what, &v)) {
		snprintf(ctx->detail, sizeof ctx->detail, "DEFINE %s", cmd_vaddr(what, &v) ? "VADDR" : "CHANNELS");
		return CP_CMD_NOT_AVAILABLE;
	}
	for (size_t r = 0; r < sizeof define_todo / sizeof define_todo[0]; r++)
		if (cmd_keyword(what, define_todo[r].name, define_todo[r].min)) {
			snprintf(ctx->detail, sizeof ctx->detail, "DEFINE %s", define_todo[r].name);
			return CP_CMD_NOT_AVAILABLE;
		}
	cp_msg_write(ctx->t, CP_MSG_DMKDEF002E, what);
	return CP_CMD_FAILED;
}

/* ---- QUERY VIRTUAL ---- */

/* A minidisk's line: DASD vaddr type volser R/O|R/W nnn CYL; a T-disk has "(TEMP)" for volser. */
static void query_dasd_line(struct cp_cmd_ctx *ctx, const struct vm_device *d)
{
	struct cpsys *sys = vm_system(ctx->vm);
	struct mdisk_link_info li;
	if (!cpsys_links(sys) || !mdisk_link_at(cpsys_links(sys), vm_user(ctx->vm)->userid, d->vaddr, &li)) {
		cp_msg_write(ctx->t, CP_RSP_QV_DASD, d->vaddr, d->devtype, "", "R/W", 0ul);
		return;
	}
	unsigned long cyls = li.disk.count;
	struct vol_info vi;
	if (li.disk.to_end && cpsys_volumes(sys) && vol_find(cpsys_volumes(sys), li.disk.volser, &vi))
		cyls = vi.cyls > li.disk.start ? vi.cyls - li.disk.start : 0;
	cp_msg_write(ctx->t, CP_RSP_QV_DASD, d->vaddr, li.disk.devtype, li.disk.tdisk ? "(TEMP)" : li.disk.volser,
		     li.access == MDISK_RW ? "R/W" : "R/O", cyls);
}

static void query_device(struct cp_cmd_ctx *ctx, const struct vm_device *d)
{
	char line[160];
	switch (d->kind) {
	case VM_DEV_CONSOLE:
		vm_query_console(ctx->vm, ctx->t);
		break;
	case VM_DEV_READER:
	case VM_DEV_PUNCH:
	case VM_DEV_PRINTER:
		for (unsigned n = 0; vspool_query(d->d, n, line, sizeof line); n++)
			cp_msg_write(ctx->t, CP_RSP_QV_LINE, line);
		break;
	case VM_DEV_DASD:
		query_dasd_line(ctx, d);
		break;
	case VM_DEV_GRAF:
		if (vm_graf_query(ctx->vm, d->vaddr, line, sizeof line))
			cp_msg_write(ctx->t, CP_RSP_QV_LINE, line);
		break;
	default:	/* tapes and other devices */
		if (d->real)	/* an attached or dedicated real device */
			snprintf(line, sizeof line, "%s %03X ON DEV %03X", vm_dev_kind_name(d->kind), d->vaddr,
				 d->raddr);
		else
			snprintf(line, sizeof line, "%s %03X", vm_dev_kind_name(d->kind), d->vaddr);
		cp_msg_write(ctx->t, CP_RSP_QV_LINE, line);
		break;
	}
}

static int by_vaddr(const void *a, const void *b)
{
	const struct vm_device *x = a, *y = b;
	return (x->vaddr > y->vaddr) - (x->vaddr < y->vaddr);
}

enum qv_what { QV_ALL, QV_STORAGE, QV_CONSOLE, QV_DASD, QV_UR, QV_TAPES, QV_GRAF, QV_VADDR };

/* QUERY VIRTUAL [ALL|STORAGE|CONSOLE|DASD|UR|TAPES|GRAF|vaddr] (vm370-cp.md 4); the devices in
 * address order. CHANNELS and LINES are not yet. */
enum cp_cmd_rc cmd_query_virtual(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	if (!ctx->vm)
		return CP_CMD_NOT_AVAILABLE;
	enum qv_what what = QV_ALL;
	unsigned vaddr = 0;
	const char *op = cl->n > 2 ? cl->tok[2] : "ALL";
	if (cmd_keyword(op, "ALL", 3))
		what = QV_ALL;
	else if (cmd_keyword(op, "STORAGE", 4))
		what = QV_STORAGE;
	else if (cmd_keyword(op, "CONSOLE", 3))
		what = QV_CONSOLE;
	else if (strcmp(op, "DASD") == 0)
		what = QV_DASD;
	else if (strcmp(op, "UR") == 0)
		what = QV_UR;
	else if (strcmp(op, "TAPES") == 0)
		what = QV_TAPES;
	else if (strcmp(op, "GRAF") == 0)
		what = QV_GRAF;
	else if (cmd_keyword(op, "CHANNELS", 4) || strcmp(op, "LINES") == 0) {
		snprintf(ctx->detail, sizeof ctx->detail, "QUERY VIRTUAL %s", op);
		return CP_CMD_NOT_AVAILABLE;
	} else if (cmd_vaddr(op, &vaddr))
		what = QV_VADDR;
	else {
		cp_msg_write(ctx->t, CP_MSG_DMKCQG002E, op);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 3);
	if (rc != CP_CMD_OK)
		return rc;

	if (what == QV_VADDR) {
		const struct vm_device *d = device_at(ctx->vm, vaddr);
		if (!d) {
			cp_msg_write(ctx->t, CP_MSG_DMKCQG040E, vaddr);
			return CP_CMD_FAILED;
		}
		query_device(ctx, d);
		return CP_CMD_OK;
	}
	if (what == QV_ALL || what == QV_STORAGE)
		cp_msg_write(ctx->t, CP_RSP_STORAGE,
			     (unsigned long)machine_storage_size(vm_machine(ctx->vm)) / 1024);
	if (what == QV_STORAGE)
		return CP_CMD_OK;
	size_t n;
	const struct vm_device *v = vm_devices(ctx->vm, &n);
	struct vm_device *sorted = n ? malloc(n * sizeof *sorted) : NULL;
	if (sorted) {
		memcpy(sorted, v, n * sizeof *v);
		qsort(sorted, n, sizeof *sorted, by_vaddr);
		v = sorted;
	}
	for (size_t i = 0; i < n; i++) {
		enum vm_dev_kind k = v[i].kind;
		bool ur = k == VM_DEV_READER || k == VM_DEV_PUNCH || k == VM_DEV_PRINTER;
		if (what == QV_ALL || (what == QV_CONSOLE && k == VM_DEV_CONSOLE) ||
		    (what == QV_DASD && k == VM_DEV_DASD) || (what == QV_UR && ur) ||
		    (what == QV_TAPES && k == VM_DEV_TAPE) || (what == QV_GRAF && k == VM_DEV_GRAF))
			query_device(ctx, &v[i]);
	}
	free(sorted);
	return CP_CMD_OK;
}

/* ---- QUERY LINKS, QUERY DASD ---- */

static void links_line(void *arg, const char *text)
{
	cp_msg_write(arg, CP_RSP_LINKS_LINE, text);
}

/* QUERY LINKS vaddr: every link to the minidisk at vaddr, the user's own included. */
static enum cp_cmd_rc query_links(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	if (!ctx->vm) {
		snprintf(ctx->detail, sizeof ctx->detail, "QUERY LINKS FOR THE OPERATOR");
		return CP_CMD_NOT_AVAILABLE;
	}
	unsigned vaddr;
	if (cl->n < 3 || !cmd_vaddr(cl->tok[2], &vaddr)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCQG022E);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 3);
	if (rc != CP_CMD_OK)
		return rc;
	struct mdisk_table *links = cpsys_links(vm_system(ctx->vm));
	struct mdisk_link_info *v;
	size_t n;
	const struct vm_device *d = device_at(ctx->vm, vaddr);
	if (!d || d->kind != VM_DEV_DASD || !links ||
	    !mdisk_links_of(links, vm_user(ctx->vm)->userid, vaddr, &v, &n)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCQG040E, vaddr);
		return CP_CMD_FAILED;
	}
	mdisk_links_format(v, n, 4, links_line, ctx->t);
	free(v);
	return CP_CMD_OK;
}

/* QUERY DASD (classes B-E): the system's volumes, how many users have links on each. */
static enum cp_cmd_rc query_dasd(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	if (!cmd_has_class(ctx, "BCDE")) {
		cp_msg_write(ctx->t, CP_MSG_DMKCQG002E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
	if (rc != CP_CMD_OK)
		return rc;
	struct volumes *vols = ctx->sys ? cpsys_volumes(ctx->sys) : NULL;
	struct mdisk_table *links = ctx->sys ? cpsys_links(ctx->sys) : NULL;
	size_t n = vols ? vol_count(vols) : 0;
	if (!n) {
		cp_msg_write(ctx->t, CP_RSP_QDASD_NONE);
		return CP_CMD_OK;
	}
	for (size_t i = 0; i < n; i++) {
		struct vol_info vi;
		if (!vol_at(vols, i, &vi))
			continue;
		unsigned users = links ? mdisk_volume_users(links, vi.volser) : 0u;
		if (vi.fba)
			cp_msg_write(ctx->t, CP_RSP_QDASD_FBA, vi.volser, vi.devtype, (unsigned long)vi.blocks, users);
		else
			cp_msg_write(ctx->t, CP_RSP_QDASD, vi.volser, vi.devtype, (unsigned long)vi.cyls, users);
	}
	return CP_CMD_OK;
}

/*
 * QUERY LINKS vaddr | DASD: CP_CMD_UNKNOWN when cl->tok[1] is neither (QUERY's handler then tries
 * its other operands). Declared here until cp/cmd.h carries it, next to cmd_query_virtual().
 */

enum cp_cmd_rc cmd_query_devices(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	if (cl->n < 2)
		return CP_CMD_UNKNOWN;
	if (cmd_keyword(cl->tok[1], "LINKS", 1))
		return query_links(ctx, cl);
	if (strcmp(cl->tok[1], "DASD") == 0)
		return query_dasd(ctx, cl);
	return CP_CMD_UNKNOWN;
}
