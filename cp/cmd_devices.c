/*
 * cmd_devices.c - the commands about a virtual machine's devices (vm370-cp.md 3.1, 4): QUERY
 * VIRTUAL so far.
 */
#include <stdio.h>
#include <string.h>

#include "cp/cmd.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "cp/vm.h"
#include "machine/machine.h"

/* QUERY VIRTUAL [STORAGE|CONSOLE|ALL]: what this system models so far. */
enum cp_cmd_rc cmd_query_virtual(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	if (!ctx->vm)
		return CP_CMD_NOT_AVAILABLE;
	bool all = cl->n < 3 || cmd_keyword(cl->tok[2], "ALL", 3);
	bool stor = all || cmd_keyword(cl->tok[2], "STORAGE", 4);
	bool cons = all || cmd_keyword(cl->tok[2], "CONSOLE", 3);
	if (!stor && !cons) {
		snprintf(ctx->detail, sizeof ctx->detail, "QUERY VIRTUAL %.20s", cl->tok[2]);
		return CP_CMD_NOT_AVAILABLE;
	}
	if (stor)
		cp_msg_write(ctx->t, CP_RSP_STORAGE,
			     (unsigned long)machine_storage_size(vm_machine(ctx->vm)) / 1024);
	if (cons)
		vm_query_console(ctx->vm);
	return CP_CMD_OK;
}

