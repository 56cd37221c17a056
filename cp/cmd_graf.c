/*
 * cmd_graf.c - CP's commands for 3270 displays (vm370-cp.md 3):
 *
 *   DEFINE GRAF [AS] vaddr [3270|3277|3158]   a virtual 3270 for DIAL (DEFINE's handler in
 *                                             cmd_devices.c hands the operands over)
 *   DIAL userid [vaddr]                       before logon: this terminal to userid's virtual 3270
 *
 * The devices themselves are vm.c's (vm_define_graf, cpsys_dial: cp/vm.h); DIAL goes through the
 * logon dialogue (logon_dial, cp/logon.h), which owns the terminal until it is dialed. SET PFnn
 * and QUERY PFnn are cmd_msg.c's. Every operand is checked before anything changes.
 */
#include <stdio.h>
#include <string.h>

#include "cp/cmd.h"
#include "cp/directory.h"
#include "cp/logon.h"
#include "cp/message.h"
#include "cp/vm.h"

/* DEFINE GRAF [AS] vaddr [3270|3277|3158]: every one is a 3270 model 2 to the guest (its Sense ID);
 * the type given is what QUERY and DETACH call it. */
enum cp_cmd_rc cmd_define_graf(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	if (!ctx->vm)
		return CP_CMD_UNKNOWN;
	size_t i = 2;
	unsigned vaddr, type = 3270;
	if (i < cl->n && cmd_keyword(cl->tok[i], "AS", 1))
		i++;
	if (i >= cl->n || !cmd_vaddr(cl->tok[i], &vaddr)) {
		cp_msg_write(ctx->t, CP_MSG_DMKDEF022E);
		return CP_CMD_FAILED;
	}
	i++;
	if (i < cl->n) {
		if (strcmp(cl->tok[i], "3270") == 0 || strcmp(cl->tok[i], "3277") == 0 ||
		    strcmp(cl->tok[i], "3158") == 0) {
			type = (unsigned)(cl->tok[i][2] == '5' ? 3158 : cl->tok[i][3] == '7' ? 3277 : 3270);
			i++;
		} else {
			cp_msg_write(ctx->t, CP_MSG_DMKCFC002E, cl->tok[i]);
			return CP_CMD_FAILED;
		}
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, i);
	if (rc != CP_CMD_OK)
		return rc;
	switch (vm_define_graf(ctx->vm, vaddr, type)) {
	case VM_GRAF_OK:
		if (vm_msg_on(ctx->vm, CPSYS_SEND_SYS))
			cp_msg_write(ctx->t, CP_RSP_DEFINED, "GRAF", vaddr);
		return CP_CMD_OK;
	case VM_GRAF_EXISTS:
		cp_msg_write(ctx->t, CP_MSG_DMKDEF092E, vaddr, vaddr);
		return CP_CMD_FAILED;
	case VM_GRAF_FULL:
		cp_msg_write(ctx->t, CP_MSG_DMKDEF999E, vaddr, "TOO MANY VIRTUAL DEVICES");
		return CP_CMD_FAILED;
	case VM_GRAF_FAILED:
		break;
	}
	cp_msg_write(ctx->t, CP_MSG_DMKDEF999E, vaddr, "THE DEVICE COULD NOT BE MADE");
	return CP_CMD_FAILED;
}

/* DIAL userid [vaddr]: only before logon, in place of LOGON (VM/370's DIAL HELP). */
HANDLER(dial)
{
	if (ctx->vm || ctx->user) {
		cp_msg_write(ctx->t, CP_MSG_DMKDIA998E);
		return CP_CMD_FAILED;
	}
	if (!ctx->ops)
		return CP_CMD_UNKNOWN;	/* the operator's console dials nothing */
	if (cl->n < 2 || strlen(cl->tok[1]) > DIR_USERID_MAX) {
		cp_msg_write(ctx->t, CP_MSG_DMKDIA020E);
		return CP_CMD_FAILED;
	}
	int vaddr = -1;
	if (cl->n >= 3) {
		unsigned v;
		if (!cmd_vaddr(cl->tok[2], &v)) {
			cp_msg_write(ctx->t, CP_MSG_DMKDIA022E);
			return CP_CMD_FAILED;
		}
		vaddr = (int)v;
	}
	if (cl->n > 3) {
		cp_msg_write(ctx->t, CP_MSG_DMKDIA003E, cl->tok[3]);
		return CP_CMD_FAILED;
	}
	return logon_dial(ctx, cl->tok[1], vaddr);
}
