/*
 * cmd_vm.h - the pure parts of the virtual machine commands (cp/cmd_vm.c): operand parsing and
 * the shapes of DISPLAY's lines, apart from any virtual machine so that tests can reach them.
 * Handlers use them through cmd_vm.c; nothing here reads or writes a machine or a terminal, but
 * for the two calls at the end (the per-machine state cmd_vm.c keeps for cmd_spool.c).
 */
#ifndef CP_CMD_VM_H
#define CP_CMD_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmblok;

/* s as 1 to maxdigits hex digits (upper case, as tokens are). */
bool cmd_vm_hex(const char *s, size_t maxdigits, uint32_t *out);

/* A DISPLAY storage operand: [L|T|K]hexloc[-hexloc|:hexloc|.count|-END|:END]. */
enum cmd_vm_show { CMD_VM_HEX, CMD_VM_TEXT, CMD_VM_KEYS };
struct cmd_vm_range {
	enum cmd_vm_show show;
	uint32_t first, last;	/* inclusive; first rounded down to a fullword */
};
enum cmd_vm_range_status {
	CMD_VM_RANGE_OK,
	CMD_VM_RANGE_NOT,	/* not a storage operand at all (G, PSW, ...) */
	CMD_VM_RANGE_BAD,	/* a storage operand with a bad address or count */
	CMD_VM_RANGE_BEYOND,	/* first or last at or past size */
};
/* Parse tok for storage of size bytes. "L", "T" or "K" alone: all of storage. */
enum cmd_vm_range_status cmd_vm_range(const char *tok, uint32_t size, struct cmd_vm_range *r);

/* A register operand: letter G, Y or X, then nothing (all), n, n-m, n:m or n.count (n hex 0-F).
 * *first and *last inclusive; false when tok is not one. */
bool cmd_vm_regs(const char *tok, char letter, unsigned *first, unsigned *last);

/*
 * One line of a storage display: the address, the words of data (n bytes, a multiple of 4, at
 * most 16), then for text the EBCDIC translation between asterisks (non-printable bytes as '.'),
 * then, when key >= 0 (the line starts a 2K block), " KEY = kk". Returns buf.
 */
char *cmd_vm_fmt_storage(char *buf, size_t len, uint32_t addr, const uint8_t *data, size_t n, bool text,
			 int key);
/* A register line: "GPR 4 = r4 r5 r6 r7" for name "GPR", first register 4, n values. */
char *cmd_vm_fmt_regs(char *buf, size_t len, const char *name, unsigned first, const uint32_t *v, size_t n);
/* A floating-point register: "FPR 0 = xxxxxxxxxxxxxxxx  .ddddddddddddddddd  E +xx". */
char *cmd_vm_fmt_fpr(char *buf, size_t len, unsigned r, uint64_t v);

/* DEFINE STORAGE's operand: nnnK or nnM (decimal) in bytes; false when not one. */
bool cmd_vm_storage_size(const char *tok, uint64_t *bytes);
/* IPL's PARM text: up to 64 characters, EBCDIC, four to a register from GR0 on, high-order
 * first, the last register padded with zeros. Returns the registers filled. */
unsigned cmd_vm_parm(const char *text, uint32_t regs[16]);

#endif
