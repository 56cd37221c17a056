/*
 * cmd_host.c - Cambridge's commands between the spool and the host's files (class A and D):
 *
 *   IMPORT path [TO] userid [CARDS|TEXT] [CLASS c] [NAME fn [ft]]
 *       The host file becomes a punch file in userid's reader. CARDS: 80-byte EBCDIC card images;
 *       TEXT: ASCII lines, one card each. Without either, a file whose size is a multiple of 80
 *       and that holds bytes no text file has is taken as cards, anything else as text.
 *   EXPORT spoolid path [TEXT|RAW]
 *       A spool file to a host file: a printer file as text with its carriage control, a punch
 *       file as text lines (TEXT, the default) or 80-byte records (RAW).
 *
 * VM/370 had no host to exchange files with; these stand in for the card reader and printer
 * rooms. The path is one token (no blanks) and is the daemon's: relative to its working directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp/cmd.h"
#include "cp/directory.h"
#include "cp/message.h"
#include "cp/spool.h"
#include "cp/vm.h"

/* Cards or text? Cards hold bytes that no ASCII text has (EBCDIC letters are X'C1' and up). */
static enum spool_import_format guess_format(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return SPOOL_IMPORT_TEXT;	/* the import says why it cannot read it */
	unsigned char buf[4096];
	size_t n, total = 0;
	bool binary = false;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		total += n;
		for (size_t i = 0; i < n && !binary; i++)
			binary = buf[i] >= 0x80 || (buf[i] < 0x20 && buf[i] != '\n' && buf[i] != '\r' &&
						    buf[i] != '\t' && buf[i] != '\f');
	}
	fclose(f);
	return binary && total % SPOOL_CARD == 0 ? SPOOL_IMPORT_CARDS : SPOOL_IMPORT_TEXT;
}

static void spool_error(struct cp_cmd_ctx *ctx, const char *what, enum spool_status st)
{
	cp_msg_write(ctx->t, CP_MSG_DMKCSP998E, what, spool_status_str(st));
}

HANDLER(import)
{
	struct spool *sp = ctx->sys ? cpsys_spool(ctx->sys) : NULL;
	if (!sp)
		return CP_CMD_NOT_AVAILABLE;
	size_t i = 1;
	if (cl->n < 3) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC026E);
		return CP_CMD_FAILED;
	}
	const char *path = cl->raw[i++];
	if (cmd_keyword(cl->tok[i], "TO", 2) && i + 1 < cl->n)
		i++;
	const char *userid = cl->tok[i++];
	if (!dir_find(cpsys_directory(ctx->sys), userid)) {
		cp_msg_write(ctx->t, CP_MSG_DMKCSP020E);
		return CP_CMD_FAILED;
	}
	struct spool_new n = {.origin = ctx->user ? ctx->user->userid : "OPERATOR", .to = userid,
			      .class = 'A', .copies = 1};
	bool fmt_given = false;
	enum spool_import_format fmt = SPOOL_IMPORT_TEXT;
	for (; i < cl->n; i++) {
		if (cmd_keyword(cl->tok[i], "CARDS", 4) || cmd_keyword(cl->tok[i], "TEXT", 4)) {
			fmt_given = true;
			fmt = cl->tok[i][0] == 'C' ? SPOOL_IMPORT_CARDS : SPOOL_IMPORT_TEXT;
		} else if (cmd_keyword(cl->tok[i], "CLASS", 2) && i + 1 < cl->n &&
			   strlen(cl->tok[i + 1]) == 1) {
			n.class = cl->tok[++i][0];
		} else if (cmd_keyword(cl->tok[i], "NAME", 2) && i + 1 < cl->n) {
			n.name = cl->tok[++i];
			if (i + 1 < cl->n && !cmd_keyword(cl->tok[i + 1], "CARDS", 4) &&
			    !cmd_keyword(cl->tok[i + 1], "TEXT", 4) && !cmd_keyword(cl->tok[i + 1], "CLASS", 2))
				n.type = cl->tok[++i];
		} else {
			cp_msg_write(ctx->t, CP_MSG_DMKCFC003E, cl->tok[i]);
			return CP_CMD_FAILED;
		}
	}
	if (!fmt_given)
		fmt = guess_format(path);
	struct spool_file_info info;
	enum spool_status st = spool_import(sp, path, fmt, &n, &info);
	if (st != SPOOL_OK) {
		spool_error(ctx, path, st);
		return CP_CMD_FAILED;
	}
	char line[160];
	spool_fmt_close(line, sizeof line, &info);
	cp_msg_write(ctx->t, CP_MSG_DMKCSP999I, line);
	return CP_CMD_OK;
}

HANDLER(export)
{
	struct spool *sp = ctx->sys ? cpsys_spool(ctx->sys) : NULL;
	if (!sp)
		return CP_CMD_NOT_AVAILABLE;
	if (cl->n < 3) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC026E);
		return CP_CMD_FAILED;
	}
	char *end;
	unsigned long id = strtoul(cl->tok[1], &end, 10);
	if (*end || id == 0 || id > SPOOL_ID_MAX) {
		cp_msg_write(ctx->t, CP_MSG_DMKCFC002E, cl->tok[1]);
		return CP_CMD_FAILED;
	}
	enum spool_export_format fmt = SPOOL_EXPORT_TEXT;
	if (cl->n > 3) {
		if (cmd_keyword(cl->tok[3], "RAW", 3))
			fmt = SPOOL_EXPORT_RAW;
		else if (!cmd_keyword(cl->tok[3], "TEXT", 4)) {
			cp_msg_write(ctx->t, CP_MSG_DMKCFC003E, cl->tok[3]);
			return CP_CMD_FAILED;
		}
	}
	enum cp_cmd_rc rc = cmd_extra_operands(ctx, cl, 4);
	if (rc != CP_CMD_OK)
		return rc;
	struct spool_actor a = {.userid = ctx->user ? ctx->user->userid : "OPERATOR", .oper = true};
	enum spool_status st = spool_export(sp, &a, (unsigned)id, cl->raw[2], fmt);
	if (st != SPOOL_OK) {
		spool_error(ctx, cl->tok[1], st);
		return CP_CMD_FAILED;
	}
	cp_msg_write(ctx->t, CP_RSP_EXPORTED, (unsigned)id, cl->raw[2]);
	return CP_CMD_OK;
}
