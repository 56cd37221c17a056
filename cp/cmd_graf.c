/*
 * cmd_graf.c - CP's commands for 3270 displays: DEFINE GRAF (being written).
 */
#include <stdio.h>

#include "cp/cmd.h"

enum cp_cmd_rc cmd_define_graf(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	(void)cl;
	snprintf(ctx->detail, sizeof ctx->detail, "DEFINE GRAF");
	return CP_CMD_NOT_AVAILABLE;
}
