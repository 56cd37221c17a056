/*
 * cmd_attach.c - real devices for users (class B): ATTACH raddr [TO] userid [AS] vaddr, and the
 * operator's DETACH raddr [FROM userid] (DETACH's handler in cmd_devices.c hands it over when the
 * command has no virtual machine of its own). The real devices are the system directory's DEVICES
 * file (cp/vm.h: cpsys_attach); the receiving user's own task builds the device on his machine and
 * tells him.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp/cmd.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "cp/vm.h"
#include "machine/devices.h"

static bool raddr_operand(const char *tok, unsigned *out)
{
	return cmd_vaddr(tok, out);
}

/* "TAPE", "DASD", ... for a device type of the registry. */
static const char *class_word(const char *type)
{
	const struct device_type *dt = devices_find(type);
	if (!dt)
		return "DEV";
	switch (dt->class) {
	case DEVICE_TAPE:
		return "TAPE";
	case DEVICE_DASD:
		return "DASD";
	case DEVICE_CONSOLE:
		return "CONS";
	case DEVICE_READER:
		return "RDR";
	case DEVICE_PUNCH:
		return "PUN";
	case DEVICE_PRINTER:
		return "PRT";
	}
	return "DEV";
}

HANDLER(attach)
{
	if (!ctx->sys)
		return CP_CMD_NOT_AVAILABLE;
	size_t i = 1;
	unsigned raddr, vaddr;
	if (cl->n < 4 || !raddr_operand(cl->tok[i++], &raddr)) {
		cp_msg_write(ctx->t, cl->n < 2 ? CP_MSG_DMKCFC026E : CP_MSG_DMKCFC002E,
			     cl->n < 2 ? "" : cl->tok[1]);
		return CP_CMD_FAILED;
	}
	if (strcmp(cl->tok[i], "TO") == 0)
		i++;
	if (i >= cl->n || strlen(cl->tok[i]) > DIR_USERID_MAX) {
		cp_msg_write(ctx->t, CP_MSG_DMKCSP020E);
		return CP_CMD_FAILED;
	}
	const char *userid = cl->tok[i++];
	if (i < cl->n && strcmp(cl->tok[i], "AS") == 0)
		i++;
	if (i >= cl->n || !cmd_vaddr(cl->tok[i], &vaddr)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFM022E);
		return CP_CMD_FAILED;
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, i + 1);
	if (rc != CP_CMD_OK)
		return rc;
	char type[16], owner[DIR_USERID_MAX + 1] = "";
	unsigned at;
	if (!cpsys_real_device(ctx->sys, raddr, type, owner, &at)) {
		cp_msg_write(ctx->t, CP_MSG_DMKATS040E, raddr);
		return CP_CMD_FAILED;
	}
	switch (cpsys_attach(ctx->sys, raddr, userid, vaddr, owner)) {
	case CPSYS_ATTACH_OK:
		cp_msg_write(ctx->t, CP_RSP_RDEV_ATTACHED_TO, class_word(type), raddr, userid, vaddr);
		return CP_CMD_OK;
	case CPSYS_ATTACH_BUSY:
		cp_msg_write(ctx->t, CP_MSG_DMKATS996E, raddr, owner);
		return CP_CMD_FAILED;
	case CPSYS_ATTACH_NOT_LOGGED_ON:
		cp_msg_write(ctx->t, CP_MSG_DMKATS045E, userid);
		return CP_CMD_FAILED;
	case CPSYS_ATTACH_NO_DEVICE:
	case CPSYS_ATTACH_FREE:
		break;
	}
	cp_msg_write(ctx->t, CP_MSG_DMKATS040E, raddr);
	return CP_CMD_FAILED;
}

enum cp_cmd_rc cmd_detach_real(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)
{
	if (!ctx->sys || !cmd_has_class(ctx, "B"))
		return CP_CMD_UNKNOWN;
	unsigned raddr;
	if (cl->n < 2 || !raddr_operand(cl->tok[1], &raddr)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFM022E);
		return CP_CMD_FAILED;
	}
	size_t max = 2;
	if (cl->n > 2 && strcmp(cl->tok[2], "FROM") == 0)
		max = 4;	/* FROM userid: checked against the owner below */
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, max);
	if (rc != CP_CMD_OK)
		return rc;
	char type[16], owner[DIR_USERID_MAX + 1];
	unsigned at;
	if (!cpsys_real_device(ctx->sys, raddr, type, owner, &at)) {
		cp_msg_write(ctx->t, CP_MSG_DMKATS040E, raddr);
		return CP_CMD_FAILED;
	}
	if (!owner[0] || (max == 4 && (cl->n < 4 || strcmp(cl->tok[3], owner) != 0))) {
		cp_msg_write(ctx->t, CP_MSG_DMKATS995E, raddr);
		return CP_CMD_FAILED;
	}
	if (cpsys_detach_real(ctx->sys, raddr, owner) != CPSYS_ATTACH_OK) {
		cp_msg_write(ctx->t, CP_MSG_DMKATS995E, raddr);
		return CP_CMD_FAILED;
	}
	cp_msg_write(ctx->t, CP_RSP_RDEV_DETACHED_FROM, class_word(type), raddr, owner);
	return CP_CMD_OK;
}
