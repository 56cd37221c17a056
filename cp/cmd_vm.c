/*
 * cmd_vm.c - the commands that run and inspect the virtual machine (vm370-cp.md 3.1, 7.5): IPL,
 * BEGIN, SYSTEM so far.
 */
#include <stdio.h>
#include <string.h>

#include "cp/cmd.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "cp/vm.h"
#include "machine/machine.h"

/* IPL vaddr [CLEAR] [STOP] (vm370-cp.md 7.5). A saved system by name is not available yet. */
HANDLER(ipl)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC026E);
		return CP_CMD_FAILED;
	}
	unsigned vaddr;
	if (!cmd_vaddr(cl->tok[1], &vaddr)) {
		snprintf(ctx->detail, sizeof ctx->detail, "IPL %.8s", cl->tok[1]);
		return CP_CMD_NOT_AVAILABLE;
	}
	bool clear = false;
	for (size_t i = 2; i < cl->n; i++) {
		if (cmd_keyword(cl->tok[i], "CLEAR", 1)) {
			clear = true;
		} else if (cmd_keyword(cl->tok[i], "PARM", 4) || cmd_keyword(cl->tok[i], "STOP", 4)) {
			snprintf(ctx->detail, sizeof ctx->detail, "IPL %s", cl->tok[i]);
			return CP_CMD_NOT_AVAILABLE;
		} else {
			cp_msg_write(ctx->t, CP_MSG_DMKCFC003E, cl->tok[i]);
			return CP_CMD_FAILED;
		}
	}
	int st = vm_ipl(ctx->vm, vaddr, clear);
	if (st == MACHINE_IPL_NOT_OPERATIONAL) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFM040E, vaddr);
		return CP_CMD_FAILED;
	}
	if (st != MACHINE_IPL_OK) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFG999E, vaddr, machine_ipl_str((enum machine_ipl_status)st));
		return CP_CMD_FAILED;
	}
	return CP_CMD_OK;
}

/* BEGIN [hexloc]: resume the virtual machine (at hexloc). */
HANDLER(begin)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n > 1) {
		snprintf(ctx->detail, sizeof ctx->detail, "BEGIN %.8s", cl->tok[1]);
		return CP_CMD_NOT_AVAILABLE;
	}
	uint8_t psw[8];
	cpu_get_psw(machine_cpu(vm_machine(ctx->vm)), psw);
	bool ec = psw[1] & 0x08;
	bool wait = psw[1] & 0x02;
	bool enabled = ec ? (psw[0] & 0x03) != 0 : psw[0] != 0;
	if (wait && !enabled) {
		cp_msg_write(ctx->t, CP_MSG_DMKDSP453W);
		return CP_CMD_FAILED;
	}
	vm_set_mode(ctx->vm, VM_MODE_VM);
	return CP_CMD_OK;
}

/* SYSTEM CLEAR|RESET|RESTART: the virtual machine's reset buttons. */
HANDLER(system)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC026E);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
	if (rc != CP_CMD_OK)
		return rc;
	struct machine *m = vm_machine(ctx->vm);
	if (cmd_keyword(cl->tok[1], "RESTART", 3)) {
		machine_restart(machine_cpu(m));
		vm_set_mode(ctx->vm, VM_MODE_VM);
		return CP_CMD_OK;
	}
	bool clear = cmd_keyword(cl->tok[1], "CLEAR", 1);
	if (!clear && !cmd_keyword(cl->tok[1], "RESET", 1)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC002E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	vm_system_reset(ctx->vm, clear);
	cp_msg_write(ctx->t, clear ? CP_RSP_STORAGE_CLEARED : CP_RSP_SYSTEM_RESET);
	return CP_CMD_OK;
}

/* DEFINE STORAGE: not yet (the machine keeps the size it was made with). */
enum cp_cmd_rc cmd_define_storage(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	(void)cl;
	snprintf(ctx->detail, sizeof ctx->detail, "DEFINE STORAGE");
	return CP_CMD_NOT_AVAILABLE;
}
