/*
 * cmd.h - for the files that carry out CP commands (command.c, cmd_*.c): the handlers of
 * commands.def and the operand helpers they share. Not for the rest of CP: that uses command.h.
 *
 * A handler is defined with HANDLER(name) { ... } - name as in its commands.def row - and reads
 * the command line cl (tokens in upper case, as typed in cl->raw) and the context ctx; it writes
 * every response with cp_msg_write(ctx->t, ...) and returns an enum cp_cmd_rc (command.h).
 */
#ifndef CP_CMD_H
#define CP_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cp/command.h"

#define HANDLER(h) enum cp_cmd_rc cmd_##h(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl)

#define CP_CMD(name, abbrev, classes, handler, help) HANDLER(handler);
#define CP_CMD_TODO(name, abbrev, classes, handler, help)
#define CP_ALIAS(name, abbrev, handler)
#include "cp/commands.def"
#undef CP_CMD
#undef CP_CMD_TODO
#undef CP_ALIAS

/* Does word (upper case) name the keyword kw, whose first min characters are required? */
bool cmd_keyword(const char *word, const char *kw, size_t min);
/* The clock, or the test's time (ctx->now). */
time_t cmd_now(const struct cp_cmd_ctx *ctx);
/* Anything after the operands a command takes (max tokens, the command word included):
 * DMKCFC003E INVALID OPTION - first extra, and CP_CMD_FAILED; else CP_CMD_OK. */
enum cp_cmd_rc cmd_extra_operands(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl, size_t max);
/* A virtual device address operand: 1 to 3 hex digits. */
bool cmd_vaddr(const char *tok, unsigned *out);
/* Has the user (or the operator) these privilege classes ("D", "AB", ...)? */
bool cmd_has_class(const struct cp_cmd_ctx *ctx, const char *classes);

/* QUERY VIRTUAL ... (cmd_devices.c). */
enum cp_cmd_rc cmd_query_virtual(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl);
/* QUERY LINKS vaddr | DASD (cmd_devices.c); CP_CMD_UNKNOWN when cl->tok[1] is neither. */
enum cp_cmd_rc cmd_query_devices(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl);
/* DEFINE STORAGE nnnK|nnnM (cmd_vm.c): DEFINE's handler (cmd_devices.c) hands the operand over. */
enum cp_cmd_rc cmd_define_storage(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl);

/* DEFINE GRAF [AS] vaddr [3270|3158] (cmd_graf.c): DEFINE's handler hands it over. */
enum cp_cmd_rc cmd_define_graf(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl);

/* The operator's DETACH raddr [FROM userid] (cmd_attach.c): CP_CMD_UNKNOWN for a user without
 * class B. */
enum cp_cmd_rc cmd_detach_real(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl);

/* QUERY's spool operands (cmd_spool.c): QUERY FILES|READER|PRINTER|PUNCH ... ; CP_CMD_UNKNOWN
 * when cl->tok[1] is none of them. */
enum cp_cmd_rc cmd_query_spool(struct cp_cmd_ctx *ctx, const struct cp_cmd_line *cl);

#endif
