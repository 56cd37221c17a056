/*
 * message.c - CP's message catalog (see message.h and messages.def).
 */
#include "cp/message.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *id;
	const char *fmt;
} catalog[] = {
#define CP_MSG(id, fmt) {#id, fmt},
#define CP_RSP(name, fmt) {NULL, fmt},
#include "cp/messages.def"
#undef CP_MSG
#undef CP_RSP
};

_Static_assert(sizeof catalog / sizeof catalog[0] == CP_MSG_COUNT, "one text per message");

const char *cp_msg_id(enum cp_msg m)
{
	assert(m < CP_MSG_COUNT);
	return catalog[m].id;
}

const char *cp_msg_fmt(enum cp_msg m)
{
	assert(m < CP_MSG_COUNT);
	return catalog[m].fmt;
}

static size_t vformat(char *buf, size_t len, enum cp_msg m, va_list ap)
{
	assert(m < CP_MSG_COUNT && len > 0);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	int n = vsnprintf(buf, len, catalog[m].fmt, ap);
#pragma GCC diagnostic pop
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n < len ? (size_t)n : len - 1;
}

size_t cp_msg_format(char *buf, size_t len, enum cp_msg m, ...)
{
	va_list ap;
	va_start(ap, m);
	size_t n = vformat(buf, len, m, ap);
	va_end(ap);
	return n;
}

/* nnn of DMKmmmnnns when the severity is E (an error), else 0. */
static unsigned error_number(const char *id)
{
	if (!id || strlen(id) != 10 || id[9] != 'E')
		return 0;
	unsigned n = 0;
	for (int i = 6; i < 9; i++) {
		if (!isdigit((unsigned char)id[i]))
			return 0;
		n = n * 10 + (unsigned)(id[i] - '0');
	}
	return n;
}

void cp_msg_write(struct term *t, enum cp_msg m, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, m);
	size_t n = vformat(buf, sizeof buf, m, ap);
	va_end(ap);
	const char *id = catalog[m].id;
	unsigned err = error_number(id);
	if (err)
		t->msgno = err;
	if (!id || t->emsg == TERM_EMSG_TEXT) {
		term_write_line(t, buf, n);
		return;
	}
	if (t->emsg == TERM_EMSG_OFF)
		return;
	char line[256 + 12];
	int k = t->emsg == TERM_EMSG_CODE ? snprintf(line, sizeof line, "%s", id)
					  : snprintf(line, sizeof line, "%s %.*s", id, (int)n, buf);
	term_write_line(t, line, k < 0 ? 0 : (size_t)k < sizeof line ? (size_t)k : sizeof line - 1);
}

void cp_msg_time(time_t when, char *buf, size_t len)
{
	struct tm tm;
	if (len == 0)
		return;
	buf[0] = '\0';
	if (!localtime_r(&when, &tm))
		return;
	/* Two-digit years are VM/370's format, not an oversight. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-y2k"
#endif
	if (strftime(buf, len, "%H:%M:%S %Z %A %m/%d/%y", &tm) == 0)
		buf[0] = '\0';
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}
