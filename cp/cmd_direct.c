/*
 * cmd_direct.c - Cambridge's commands for the user directory (class A):
 *
 *   DIRECT                    read USER DIRECT again and put it in force (VM/370 ran the DIRECT
 *                             program, DMKDIR, for this); every problem is shown as file:line
 *   PASSWORD userid password  give userid a new logon password (stored as a yescrypt hash), then
 *                             DIRECT; NOLOG as the password makes the user unable to log on
 *
 * Users logged on keep the entry they logged on with until they log off; new logons see the new
 * directory at once.
 */
#include <stdio.h>
#include <string.h>

#include "cp/cmd.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "cp/passwd.h"
#include "cp/vm.h"

/* Reload and say how it went: each diagnostic, then the outcome. */
static enum cp_cmd_rc reload(struct cp_cmd_ctx *ctx)
{
	struct dir_diags dg;
	size_t users = 0;
	dir_diags_init(&dg);
	enum dir_status st = cpsys_reload_directory(ctx->sys, &dg, &users);
	char line[512];
	for (size_t i = 0; i < dg.n; i++) {
		dir_diag_format(&dg.v[i], line, sizeof line);
		cp_msg_write(ctx->t, CP_MSG_DMKDIR999I, line);
	}
	if (dg.dropped)
		cp_msg_write(ctx->t, CP_MSG_DMKDIR998I, dg.dropped);
	dir_diags_free(&dg);
	if (st != DIR_OK) {
		cp_msg_write(ctx->t, CP_MSG_DMKDIR997E, dir_status_str(st));
		return CP_CMD_FAILED;
	}
	cp_msg_write(ctx->t, CP_RSP_DIRECT_DONE, users);
	return CP_CMD_OK;
}

HANDLER(direct)
{
	if (!ctx->sys || !cpsys_directory_path(ctx->sys))
		return CP_CMD_NOT_AVAILABLE;
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 1);
	return rc != CP_CMD_OK ? rc : reload(ctx);
}

HANDLER(password)
{
	if (!ctx->sys || !cpsys_directory_path(ctx->sys))
		return CP_CMD_NOT_AVAILABLE;
	if (cl->n < 3) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC026E);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 3);
	if (rc != CP_CMD_OK)
		return rc;
	if (!dir_find(cpsys_directory(ctx->sys), cl->tok[1])) {
		cp_msg_write(ctx->t, CP_MSG_DMKLOG053E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	char hash[CP_HASH_MAX];
	const char *value = hash;
	if (strcmp(cl->tok[2], "NOLOG") == 0) {
		value = "NOLOG";
	} else if (!cp_password_valid(cl->raw[2]) || cp_password_hash(cl->raw[2], hash, sizeof hash) != 0) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC002E, "PASSWORD");
		return CP_CMD_FAILED;
	}
	enum dir_status st = dir_set_password(cpsys_directory_path(ctx->sys), cl->tok[1], value);
	explicit_bzero(hash, sizeof hash);
	if (st != DIR_OK) {
		cp_msg_write(ctx->t, CP_MSG_DMKDIR997E, dir_status_str(st));
		return CP_CMD_FAILED;
	}
	return reload(ctx);
}
