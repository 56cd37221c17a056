/*
 * minidisk.h - minidisks and links: who has which minidisk linked where, with which access (CP's
 * LINK logic, vm370-cp.md 7.6), and the device a granted link becomes.
 *
 * A minidisk is an extent of a real volume named by an MDISK statement (owner userid, owner vaddr
 * -> volser, first cylinder, cylinders). Links are counted per extent: two MDISK statements
 * naming the same volser, start and size are one disk. The table knows every link of every
 * logged-on user; it knows nothing of machines, so CP calls mdisk_attach() to make the device of
 * a link it has granted, and machine_free()/DETACH removes the device.
 *
 *	struct mdisk_table *t = mdisk_table_new();
 *	struct mdisk_request rq = { .userid = "USER1", .vaddr = 0x190, .owner = "MAINT",
 *				    .owner_vaddr = 0x190, .mode = DIR_MODE_RR, .has_mode = true };
 *	struct mdisk_result r;
 *	switch (mdisk_link(t, dir, &rq, &r)) {
 *	case MDISK_LINKED:   mdisk_attach(vols, m, rq.vaddr, &r.disk, r.access, &dev, ...); show r.text
 *	case MDISK_PASSWORD: show r.text (ENTER READ PASSWORD:), read it, call again with .password
 *	case MDISK_REFUSED:  show r.text (the DMKLNK message)
 *	}
 *	mdisk_unlink(t, "USER1", 0x190);      DETACH
 *	mdisk_logoff(t, "USER1");             LOGOFF: every link of the user
 *
 * Threads: every call on a table may come from any thread; a mutex keeps the table consistent,
 * and mdisk_link() decides and records a link in one step (two users asking for W at once cannot
 * both get it). Password hashes are checked outside the lock (they are slow on purpose).
 *
 * The directory passed in must stay valid for the call only: results copy what they need.
 * Messages: r.text is the catalog's line (cp/messages_link.def) with its variable parts, as SET
 * EMSG TEXT shows it; r.msg its catalog entry.
 */
#ifndef CP_MINIDISK_H
#define CP_MINIDISK_H

#include <stdbool.h>
#include <stddef.h>

#include "cp/directory.h"
#include "cp/message.h"

struct machine;
struct chan_dev;
struct volumes;

enum mdisk_access {
	MDISK_RO,
	MDISK_RW,
};

/* The extent a link is to: what identifies a minidisk. */
struct mdisk_extent {
	char volser[DIR_VOLSER_MAX + 1];
	unsigned devtype;	/* as the MDISK statement says: 3350, 3330, 3370 ... */
	bool fba;
	bool to_end;		/* count was END */
	unsigned long start;	/* first cylinder (block) */
	unsigned long count;	/* cylinders (blocks); 0 when to_end */
	bool tdisk;		/* a temporary disk (DEFINE Tdddd, cp/tdisk.h): its user's alone */
};

/* A link request: LINK [TO] owner owner_vaddr [AS] vaddr [mode] [[PASS=] password]. */
struct mdisk_request {
	const char *userid;		/* who links */
	unsigned vaddr;			/* at which of his addresses */
	const char *owner;		/* whose disk ("*": his own) */
	unsigned owner_vaddr;
	enum dir_mode mode;
	bool has_mode;			/* false: the default, R (another's disk) or the MDISK's mode (own) */
	const char *password;		/* clear text, or NULL when none was given */
	bool directory;			/* a logon-time link (MDISK or LINK statement): no password asked */
};

enum mdisk_status {
	MDISK_LINKED,		/* done; r.access granted, r.text the response (perhaps a warning) */
	MDISK_PASSWORD,		/* a password is needed: r.text is the prompt; nothing recorded */
	MDISK_REFUSED,		/* not linked; r.text says why */
	MDISK_ERR_NOMEM,	/* out of host memory; nothing recorded */
};

struct mdisk_result {
	enum mdisk_access access;
	struct mdisk_extent disk;
	enum cp_msg msg;
	char text[160];
};

struct mdisk_table;

struct mdisk_table *mdisk_table_new(void);
void mdisk_table_free(struct mdisk_table *t);

/*
 * LINK: decide the access by vm370-cp.md 7.6 against the links of *other* users to the same
 * extent, check the password the mode's first letter needs (R read, W write, M multiple; none for
 * the owner himself, for ALL, or for directory links; DIR_PW_NONE: nobody else may link so), and
 * record the link. 10 incorrect passwords disable LINK for the user until mdisk_logoff().
 */
enum mdisk_status mdisk_link(struct mdisk_table *t, const struct directory *d, const struct mdisk_request *rq,
			     struct mdisk_result *r);

/*
 * DEFINE Tdddd: record userid's own R/W link at vaddr to the temporary disk x (x->tdisk set), whose
 * space cp/tdisk.h gave him. It is nobody else's: LINK reaches minidisks through the directory,
 * which has no T-disk of his. MDISK_REFUSED (DMKLNK110E in r) when he has a link at vaddr already;
 * MDISK_ERR_NOMEM; MDISK_LINKED with r->disk and r->access. mdisk_unlink() and mdisk_logoff() drop
 * it like any link.
 */
enum mdisk_status mdisk_define(struct mdisk_table *t, const char *userid, unsigned vaddr,
			       const struct mdisk_extent *x, struct mdisk_result *r);

/* DETACH: drop userid's link at vaddr. False if he has none there. */
bool mdisk_unlink(struct mdisk_table *t, const char *userid, unsigned vaddr);
/* LOGOFF: drop every link of userid and his incorrect-password count; returns how many links. */
size_t mdisk_logoff(struct mdisk_table *t, const char *userid);

/* One link, for QUERY LINKS and for CP's own bookkeeping. */
struct mdisk_link_info {
	char userid[DIR_USERID_MAX + 1];
	unsigned vaddr;
	enum mdisk_access access;
	char owner[DIR_USERID_MAX + 1];
	unsigned owner_vaddr;
	struct mdisk_extent disk;
};

/* userid's link at vaddr: true and *out filled. */
bool mdisk_link_at(struct mdisk_table *t, const char *userid, unsigned vaddr, struct mdisk_link_info *out);
/*
 * QUERY LINKS vaddr: every link (userid's own included) to the disk userid has at vaddr, in the
 * order they were made. A malloc'd array in *out (free() it) with *n entries; false if userid has
 * no link at vaddr (or no memory).
 */
bool mdisk_links_of(struct mdisk_table *t, const char *userid, unsigned vaddr, struct mdisk_link_info **out,
		    size_t *n);
/* QUERY DASD: how many distinct users have links to minidisks on the volume volser (any case). */
unsigned mdisk_volume_users(struct mdisk_table *t, const char *volser);
/* The QUERY LINKS line(s): entries "userid vaddr R/W" joined by ", ", at most per_line to a line
 * (0: all on one); calls line() for each. */
void mdisk_links_format(const struct mdisk_link_info *v, size_t n, unsigned per_line,
			void (*line)(void *arg, const char *text), void *arg);

/* Logon: the user's own MDISKs with their directory modes, then his LINK statements, each as
 * mdisk_link() with .directory set. fn (may be NULL) gets each device statement's outcome. Returns
 * how many links were made. */
size_t mdisk_logon(struct mdisk_table *t, const struct directory *d, const char *userid,
		   void (*fn)(void *arg, const struct dir_device *dev, enum mdisk_status st,
			      const struct mdisk_result *r),
		   void *arg);

/*
 * Make the device of a granted link: attach the minidisk x at vaddr on machine m, read-only unless
 * access is MDISK_RW, over the volume vols holds for x->volser (devckd_attach_extent()). The
 * device type must be the volume's. MDISK_REFUSED with r->text (DMKLNK108E volume not mounted,
 * DMKLNK990E type mismatch, DMKLNK991E extent outside the volume, an FBA minidisk, or the address
 * in use) and nothing attached; MDISK_LINKED with *dev. userid is for the messages.
 */
enum mdisk_status mdisk_attach(const struct volumes *vols, struct machine *m, const char *userid, unsigned vaddr,
			       const struct mdisk_extent *x, enum mdisk_access access, struct chan_dev **dev,
			       struct mdisk_result *r);

#endif
