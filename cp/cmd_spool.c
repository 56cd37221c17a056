/*
 * cmd_spool.c - the spooling commands (vm370-cp.md 9): QUERY FILES|READER|PRINTER|PUNCH so far.
 */
#include "cp/cmd.h"

enum cp_cmd_rc cmd_query_spool(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	(void)ctx;
	(void)cl;
	return CP_CMD_UNKNOWN;
}
