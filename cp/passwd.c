/*
 * passwd.c - logon and minidisk passwords through libxcrypt (crypt_gensalt_rn, crypt_rn).
 *
 * Only yescrypt ("$y$") is made and accepted: one method, checked exactly, and no way for a
 * legacy DES or MD5 string (or "NOLOG", which crypt(3) would take as a DES salt) to pass as a hash.
 * The reentrant calls keep all state in a struct crypt_data allocated per call (about 32K, too big
 * for a thread's stack), so any thread may hash or check at any time. What a call derives from a
 * clear password - the folded copy, libxcrypt's work area - is wiped before the memory is given
 * back.
 */
#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cp/passwd.h"

_Static_assert(CP_HASH_MAX >= CRYPT_OUTPUT_SIZE, "CP_HASH_MAX holds any crypt_rn() output");

/* The hash part of a yescrypt hash: 256 bits in crypt's base 64. */
#define YESCRYPT_HASH_LEN 43

bool cp_password_valid(const char *clear)
{
	size_t n = 0;
	if (!clear)
		return false;
	for (const char *c = clear; *c; c++, n++)
		if (*c <= ' ' || *c > '~' || n >= CP_PASSWORD_MAX)
			return false;
	return n > 0;
}

/* Fold a valid password to upper case into buf (CP_PASSWORD_MAX + 1 bytes). */
static void fold(char *buf, const char *clear)
{
	size_t i = 0;
	for (; clear[i]; i++)
		buf[i] = clear[i] >= 'a' && clear[i] <= 'z' ? (char)(clear[i] - 'a' + 'A') : clear[i];
	buf[i] = '\0';
}

bool cp_password_is_hash(const char *s)
{
	/* "$y$" params "$" salt "$" hash: four '$', a 43-character hash, crypt's base-64 alphabet. */
	if (!s || strncmp(s, "$y$", 3) != 0 || strlen(s) >= CP_HASH_MAX)
		return false;
	unsigned dollars = 0;
	const char *last = s;
	for (const char *c = s; *c; c++) {
		if (*c == '$') {
			dollars++;
			last = c;
		} else if (!(*c >= '0' && *c <= '9') && !(*c >= 'a' && *c <= 'z') &&
			   !(*c >= 'A' && *c <= 'Z') && *c != '.' && *c != '/') {
			return false;
		}
	}
	if (dollars != 4 || strlen(last + 1) != YESCRYPT_HASH_LEN)
		return false;
	return crypt_checksalt(s) == CRYPT_SALT_OK;
}

int cp_password_hash(const char *clear, char *out, size_t outlen)
{
	char folded[CP_PASSWORD_MAX + 1];
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	int rc = -1, err = 0;

	if (!cp_password_valid(clear) || !out) {
		errno = EINVAL;
		return -1;
	}
	/* NULL random bytes: libxcrypt takes them from the kernel (getrandom). Count 0: default cost. */
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt))
		return -1;
	struct crypt_data *data = calloc(1, sizeof *data);
	if (!data)
		return -1;
	fold(folded, clear);
	errno = 0;
	const char *h = crypt_rn(folded, salt, data, sizeof *data);
	if (!h || h[0] != '$') {
		err = errno ? errno : EINVAL;
	} else if (strlen(h) >= outlen) {
		err = ERANGE;
	} else {
		memcpy(out, h, strlen(h) + 1);
		rc = 0;
	}
	explicit_bzero(folded, sizeof folded);
	explicit_bzero(data, sizeof *data);
	free(data);
	if (rc != 0)
		errno = err;
	return rc;
}

/* Equal strings? The time depends on the lengths only, not on where the bytes differ. */
static bool equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	volatile unsigned char diff = 0;
	for (size_t i = 0; i < la; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return diff == 0;
}

bool cp_password_check(const char *clear, const char *hash)
{
	char folded[CP_PASSWORD_MAX + 1];
	bool ok = false;

	/* Refuse before crypt_rn(): it would happily run the legacy DES of "NOLOG" as a setting. */
	if (!cp_password_valid(clear) || !cp_password_is_hash(hash))
		return false;
	struct crypt_data *data = calloc(1, sizeof *data);
	if (!data)
		return false;
	fold(folded, clear);
	const char *h = crypt_rn(folded, hash, data, sizeof *data);
	if (h && h[0] == '$')
		ok = equal_ct(h, hash);
	explicit_bzero(folded, sizeof folded);
	explicit_bzero(data, sizeof *data);
	free(data);
	return ok;
}
