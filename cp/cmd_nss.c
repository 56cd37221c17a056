/*
 * cmd_nss.c - SAVESYS name (class E): save the virtual machine's storage and CPU state as a named
 * saved system, which `IPL name` loads copy-on-write (cp/vm.h). VM/370 R6 named its systems in
 * DMKSNT at system generation and SAVESYS wrote the pages to CP-owned DASD; here any name of 1-8
 * characters may be saved, into SYSDIR/nss, replacing an older one of that name.
 */
#include <stdio.h>

#include "cp/cmd.h"
#include "cp/message.h"
#include "cp/vm.h"

HANDLER(savesys)
{
	if (!ctx->vm)
		return CP_CMD_NOT_AVAILABLE;	/* the operator has no machine to save */
	if (cl->n < 2) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC026E);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 2);
	if (rc != CP_CMD_OK)
		return rc;
	char why[160];
	if (!vm_savesys(ctx->vm, cl->tok[1], why, sizeof why)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCKS999E, cl->tok[1], why);
		return CP_CMD_FAILED;
	}
	cp_msg_write(ctx->t, CP_RSP_SYSTEM_SAVED, cl->tok[1]);
	return CP_CMD_OK;
}
