/*
 * directory.h - the CP user directory: VM/370's USER DIRECT language, read into memory.
 *
 * The directory says who may log on and what virtual machine each user gets. This library reads
 * the source text (the one file CP keeps, `USER DIRECT` in the system directory), checks every
 * statement, and gives back an immutable struct directory: look users up, walk them, free it. It
 * reads the file and nothing else, never prints, and reports every problem as data: a list of
 * diagnostics, each with its file, line and a message in the style of VM/370's directory program
 * (DMKDIR). A directory with an error is not built at all, so a reload while the system runs
 * replaces the old directory only when the new text is entirely good; warnings do not stop it.
 *
 *	struct dir_diags dg;
 *	struct directory *d;
 *	dir_diags_init(&dg);
 *	if (dir_load("USER DIRECT", 0, &d, &dg) == DIR_OK) { swap d in; free the old one }
 *	for (size_t i = 0; i < dg.n; i++) dir_diag_format(&dg.v[i], buf, sizeof buf) ...
 *	dir_diags_free(&dg);
 *
 * Once built, a directory is read-only: any number of threads may look things up at once.
 *
 * THE LANGUAGE (VM/370 Release 6, Planning and System Generation Guide GC20-1801, "Directory
 * Program"; the list of what is accepted, with every extension marked, is in cp/README.md):
 *
 *   - One statement per line; operands are separated by blanks (or tabs) and are positional: once
 *     one is left out, all the rest are (OPTION excepted). Tokens after the last operand a
 *     statement can have are ignored, as VM/370 ignores them.
 *   - Columns 1-71 are read, columns 72-80 are ignored (card images with sequence numbers). A line
 *     whose column 72 is not blank is read whole: a password hash is longer than a card.
 *   - Blank lines, and lines whose first operand starts with `*`, are comments. There is no
 *     continuation: several OPTION statements take what does not fit on one.
 *   - Everything is folded to upper case except passwords and the line-editing characters.
 *   - The optional DIRECTORY statement, if present, is the first statement. Each user's entry
 *     starts with USER and runs to the next USER. ACCOUNT, OPTION and IPL come before the entry's
 *     first device statement (CONSOLE, SPOOL, MDISK, LINK, DEDICATE, SPECIAL).
 *   - Statement names may be abbreviated: ACCount, CONSole, Dedicate, DIRectory, IPL, Link, Mdisk,
 *     Option, SPEcial, SPOOL, User (capitals: the shortest form).
 *   - PROFILE and INCLUDE are later VM (VM/SP, VM/XA); R6 has no such statements and neither do we.
 *
 * PASSWORDS are never in clear on disk. The USER password field holds a crypt(3) hash (see
 * cp/passwd.h) or NOLOG (the user cannot log on); an MDISK password holds a hash or ALL (no
 * password needed for that access). A clear-text password is an error with its line, unless the
 * caller asks for DIR_ALLOW_CLEAR (to read the starter directory, or to hash a file's passwords
 * with dir_hash_passwords()); no diagnostic ever shows a password.
 */
#ifndef CP_DIRECTORY_H
#define CP_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>

struct directory;

#define DIR_USERID_MAX	8		/* userids: 1 to 8 characters */
#define DIR_VOLSER_MAX	6		/* volume serials: 1 to 6 characters */
#define DIR_NAME_MAX	8		/* account numbers, distribution codes, saved system names */
#define DIR_PARM_MAX	64		/* IPL ... PARM text */
#define DIR_VADDR_MAX	0xFFF		/* virtual device addresses: 1 to 3 hex digits */
#define DIR_VADDR_BC	0x5FF		/* ... and no higher than this without OPTION ECMODE */
#define DIR_STORAGE_MAX	(16ul << 20)	/* a System/370 virtual machine: 16M at most */
#define DIR_FILE_MAX	(16u << 20)	/* dir_load() refuses larger files */

/* Flags for dir_parse() and dir_load(). */
#define DIR_ALLOW_CLEAR	0x1u		/* take clear-text passwords (as DIR_PW_CLEAR) instead of failing */

enum dir_status {
	DIR_OK = 0,
	DIR_ERR_INVALID,	/* the text has errors: see the diagnostics; nothing was built or written */
	DIR_ERR_IO,		/* the host file system failed (errno is kept) */
	DIR_ERR_NOMEM,		/* out of host memory */
	DIR_ERR_ARG,		/* bad argument (an invalid userid or password value, ...) */
	DIR_ERR_TOO_BIG,	/* the file is larger than DIR_FILE_MAX */
	DIR_ERR_NO_USER,	/* dir_set_password(): no USER statement for that userid */
	DIR_ERR_AMBIGUOUS,	/* dir_set_password(): more than one USER statement for that userid */
};

const char *dir_status_str(enum dir_status st);

/* ---- Diagnostics ---- */

enum dir_severity {
	DIR_WARNING,		/* worth the operator's attention; the directory is still built */
	DIR_ERROR,		/* the directory is not built */
};

struct dir_diag {
	char *file;		/* the name given to dir_parse(), or the path given to dir_load() */
	unsigned line;		/* 1-based; 0 for the file as a whole */
	enum dir_severity severity;
	char *text;		/* "DMKDIR751E INVALID OPERAND - 1X3 (...)", or our own words */
};

/*
 * Diagnostics, in the order of the lines they are about (cross-checks after the text was read
 * come last). At most DIR_DIAGS_MAX are kept; `dropped` counts the rest, and `errors` and
 * `warnings` count all of them.
 */
#define DIR_DIAGS_MAX 1000
struct dir_diags {
	struct dir_diag *v;
	size_t n, cap;
	size_t errors, warnings, dropped;
};

void dir_diags_init(struct dir_diags *dg);
void dir_diags_free(struct dir_diags *dg);
/* "file:line: text" (or "file: text" for line 0) into buf; returns what snprintf() returns. */
int dir_diag_format(const struct dir_diag *d, char *buf, size_t len);

/* ---- What a directory holds ---- */

enum dir_pw_kind {
	DIR_PW_NONE,		/* no password given (MDISK: nobody else may link with that access) */
	DIR_PW_HASH,		/* text is a crypt(3) hash: check with cp_password_check() */
	DIR_PW_NOLOG,		/* USER only: the user cannot log on (owns minidisks, receives spool) */
	DIR_PW_ALL,		/* MDISK only: anyone may link with that access, without a password */
	DIR_PW_CLEAR,		/* only with DIR_ALLOW_CLEAR: text is the clear password, upper case */
};

struct dir_password {
	enum dir_pw_kind kind;
	const char *text;	/* the hash or the clear text; NULL for the other kinds */
};

/* Link modes (MDISK, LINK); R6 meanings in vm370-cp.md 7.6. */
enum dir_mode {
	DIR_MODE_R,		/* read-only, if nobody has write access */
	DIR_MODE_RR,		/* read-only, even if others write */
	DIR_MODE_W,		/* write, if nobody else has any link */
	DIR_MODE_WR,		/* write, else read-only */
	DIR_MODE_M,		/* write, if nobody else has write access */
	DIR_MODE_MR,		/* as M, else read-only */
	DIR_MODE_MW,		/* write, always */
};
const char *dir_mode_str(enum dir_mode m);

/* Options (OPTION statement): one bit each, kept whether or not CP acts on them yet. */
enum dir_option {
	DIR_OPT_REALTIMER	= 1u << 0,
	DIR_OPT_ECMODE		= 1u << 1,
	DIR_OPT_ISAM		= 1u << 2,
	DIR_OPT_VIRT_REAL	= 1u << 3,
	DIR_OPT_ACCT		= 1u << 4,
	DIR_OPT_SVCOFF		= 1u << 5,
	DIR_OPT_BMX		= 1u << 6,
	DIR_OPT_CPUID		= 1u << 7,	/* cpuid holds the value */
	DIR_OPT_AFFINITY	= 1u << 8,	/* affinity holds the value */
	DIR_OPT_LNKNOPAS	= 1u << 9,	/* (later: VM/370 Community Edition) */
	DIR_OPT_STFIRST		= 1u << 10,	/* (later: VM/370 Community Edition) */
};

/* Privilege class letter A-H as a bit of dir_user.classes. */
#define DIR_CLASS(letter)	(1u << ((letter) - 'A'))

enum dir_dev_kind {
	DIR_DEV_CONSOLE,
	DIR_DEV_SPOOL,
	DIR_DEV_MDISK,
	DIR_DEV_LINK,
	DIR_DEV_DEDICATE,
	DIR_DEV_SPECIAL,
};

enum dir_spool_kind {
	DIR_SPOOL_READER,
	DIR_SPOOL_PUNCH,
	DIR_SPOOL_PRINTER,
};

enum dir_special_kind {
	DIR_SPECIAL_GRAF,	/* a virtual 3270 (3270, 3277, 3158) that a terminal reaches with DIAL */
	DIR_SPECIAL_TIMER,	/* the pseudo timer */
	DIR_SPECIAL_CTCA,	/* a virtual channel-to-channel adapter (COUPLE) */
	DIR_SPECIAL_LINE,	/* a 2701, 2702 or 2703 line; `tele` for TELE, else IBM */
};

struct dir_console {
	unsigned devtype;	/* 1052, 3210, 3215 */
	char spool_class;	/* A-Z, 0-9; default T */
};

struct dir_spool {
	enum dir_spool_kind kind;
	unsigned devtype;	/* 2540 (reader or punch), 2501, 3505, 3525, 1403, 1443, 3211 */
	char spool_class;	/* A-Z, 0-9, or '*' (readers: every class); default '*' for readers, A */
};

struct dir_mdisk {
	unsigned devtype;	/* 2305, 2311, 2314, 2319, 3330, 3340, 3350, 3375, 3380; FBA 3310, 3370 */
	bool fba;		/* start and count are 512-byte blocks, not cylinders */
	bool tdisk;		/* T-DISK: count cylinders of temporary space at logon; no start, volser */
	bool to_end;		/* count was END: from start to the last cylinder (block) of the volume */
	unsigned long start;	/* first real cylinder (block), the virtual disk's cylinder 0 */
	unsigned long count;	/* cylinders (blocks); 0 when to_end */
	char volser[DIR_VOLSER_MAX + 1];
	enum dir_mode mode;	/* the owner's own link at logon; default W */
	bool reserve;		/* mode ended in V: virtual RESERVE/RELEASE */
	struct dir_password read, write, multi;
};

struct dir_link {
	char userid[DIR_USERID_MAX + 1];	/* the owner */
	unsigned owner_vaddr;			/* the disk's address in the owner's configuration */
	enum dir_mode mode;			/* default R */
	bool reserve;
};

struct dir_dedicate {
	bool by_volser;		/* volser names the volume, wherever it is mounted; else raddr */
	unsigned raddr;
	char volser[DIR_VOLSER_MAX + 1];
	bool readonly;		/* R/O */
	bool v3330;		/* 3330V: pass cylinder faults and attentions through */
};

struct dir_special {
	enum dir_special_kind kind;
	unsigned devtype;	/* 3270, 3277, 3158, 2701, 2702, 2703; 0 for TIMER and CTCA */
	bool tele;		/* lines: TELE rather than IBM */
};

/* One device statement of a user's entry. */
struct dir_device {
	enum dir_dev_kind kind;
	unsigned vaddr;		/* the virtual address in this user's configuration */
	unsigned line;		/* where it was defined */
	union {
		struct dir_console console;
		struct dir_spool spool;
		struct dir_mdisk mdisk;
		struct dir_link link;
		struct dir_dedicate dedicate;
		struct dir_special special;
	} u;
};

/* The automatic IPL at logon. */
struct dir_ipl {
	bool present;
	bool by_vaddr;				/* a device, else a saved system */
	unsigned vaddr;
	char sysname[DIR_NAME_MAX + 1];
	char parm[DIR_PARM_MAX + 1];		/* "" when there is no PARM */
};

/* One user's entry. Line-editing characters: "" means the system default. */
struct dir_user {
	char userid[DIR_USERID_MAX + 1];
	unsigned line;				/* the USER statement */
	struct dir_password password;		/* DIR_PW_HASH or DIR_PW_NOLOG (or CLEAR) */
	unsigned long storage;			/* bytes at logon; default 256K */
	unsigned long max_storage;		/* bytes DEFINE STORAGE may reach; default = storage */
	unsigned classes;			/* DIR_CLASS() bits; default G */
	unsigned priority;			/* 1-99, lower is more favoured; default 50 */
	char linend[5], linedel[5], chardel[5], escape[5];
	char account[DIR_NAME_MAX + 1];		/* "" without an ACCOUNT statement */
	char distcode[DIR_NAME_MAX + 1];	/* default: the userid */
	unsigned options;			/* enum dir_option bits */
	char cpuid[7];				/* with DIR_OPT_CPUID: 6 hex digits */
	unsigned affinity;			/* with DIR_OPT_AFFINITY */
	struct dir_ipl ipl;
	size_t ndevices;
	struct dir_device *devices;		/* in directory order */
};

/* The DIRECTORY statement: where VM/370 kept the compiled directory. Informational here. */
struct dir_system {
	bool present;
	unsigned line;
	unsigned vaddr;
	unsigned devtype;
	char volser[DIR_VOLSER_MAX + 1];
};

/* ---- Reading ---- */

/*
 * Parse text (len bytes, any line ends) named `name` in diagnostics. On DIR_OK *out is the new
 * directory (the diagnostics may hold warnings); otherwise *out is NULL and, for DIR_ERR_INVALID,
 * the diagnostics say what is wrong. Diagnostics are appended to dg.
 */
enum dir_status dir_parse(const char *text, size_t len, const char *name, unsigned flags,
			  struct directory **out, struct dir_diags *dg);
/* Read the file at path and parse it as dir_parse() does. */
enum dir_status dir_load(const char *path, unsigned flags, struct directory **out,
			 struct dir_diags *dg);
void dir_free(struct directory *d);

/* The user with this userid (any case), or NULL. */
const struct dir_user *dir_find(const struct directory *d, const char *userid);
/* The users in directory order: dir_user_at(d, 0 .. dir_count(d) - 1). */
size_t dir_count(const struct directory *d);
const struct dir_user *dir_user_at(const struct directory *d, size_t i);
/* The user's device at vaddr, or NULL. */
const struct dir_device *dir_device_at(const struct dir_user *u, unsigned vaddr);
/* The DIRECTORY statement (present is false without one). */
const struct dir_system *dir_system(const struct directory *d);

/* ---- Writing passwords (crash-safe) ---- */

/*
 * Replace the password field of userid's USER statement in the file at path with value: a hash
 * from cp_password_hash() or "NOLOG". Every other byte of the file stays as it was, and on the
 * changed line everything but the field does too - except that a card image's ignored columns
 * 72-80 are dropped when the longer statement no longer leaves column 72 blank. The new file is
 * written beside the old one, flushed, and renamed over it, and the folder is flushed: at any
 * moment the file is the old one or the new one, whole. Concurrent rewrites of one file are
 * serialised (flock on its folder). The rest of the file need not be valid.
 *
 * DIR_ERR_ARG: userid or value is not valid. DIR_ERR_NO_USER, DIR_ERR_AMBIGUOUS: no USER statement
 * or more than one for userid. DIR_ERR_INVALID: that USER statement has no password field, or the
 * changed line would not read back as intended. DIR_ERR_IO (with errno), DIR_ERR_TOO_BIG: the file
 * could not be read or replaced; it is as it was.
 */
enum dir_status dir_set_password(const char *path, const char *userid, const char *value);

/*
 * Hash every clear-text password (USER and MDISK) in the file at path, with fresh salts, the same
 * crash-safe way; *hashed (may be NULL) says how many. The file must be valid apart from its clear
 * passwords (else DIR_ERR_INVALID, with diagnostics in dg, which must not be NULL, and nothing is
 * written); warnings go to dg too. This is how the starter directory gets its passwords on a
 * system's first start, and how an imported VM/370 directory is made loadable.
 */
enum dir_status dir_hash_passwords(const char *path, unsigned *hashed, struct dir_diags *dg);

/*
 * How many users of `clear` (a directory read with DIR_ALLOW_CLEAR, such as the starter text) still
 * have, in `live`, the very password `clear` gives them in clear text? *first (may be NULL) names
 * the first such user. This costs one hash check per such user in `clear`.
 */
size_t dir_passwords_unchanged(const struct directory *live, const struct directory *clear,
			       const char **first);

#endif
