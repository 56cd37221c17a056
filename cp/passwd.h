/*
 * passwd.h - logon and minidisk passwords: hashing and checking through libxcrypt.
 *
 * A password is never kept in clear on disk. The directory's password fields hold a crypt(3) hash
 * made with yescrypt ("$y$...", libxcrypt's default method, at its default cost) or one of the
 * special values the directory language gives them (NOLOG for a user, ALL for a minidisk; see
 * cp/directory.h).
 *
 * Passwords follow VM/370: 1 to CP_PASSWORD_MAX characters, no blanks, case-insensitive. Both
 * functions fold the clear text to upper case (ASCII letters) before hashing, so "secret",
 * "Secret" and "SECRET" are one password. Clear text is wiped from the functions' own buffers
 * before they return.
 *
 *	char hash[CP_HASH_MAX];
 *	if (cp_password_hash("secret", hash, sizeof hash) != 0) ... errno says why
 *	if (cp_password_check(typed, user->password.text)) ... logon accepted
 *
 * Both are safe to call from several threads at once. Each costs one yescrypt computation at the
 * library's default cost (some tens of milliseconds): call them off the event loop's hot path.
 */
#ifndef CP_PASSWD_H
#define CP_PASSWD_H

#include <stdbool.h>
#include <stddef.h>

/* Longest clear password (VM/370: 1 to 8 characters). */
#define CP_PASSWORD_MAX 8
/* Room for any hash cp_password_hash() writes, with its NUL (libxcrypt's CRYPT_OUTPUT_SIZE). */
#define CP_HASH_MAX 384

/*
 * Is clear a password VM/370 would take: 1 to CP_PASSWORD_MAX printable ASCII characters other
 * than blank?
 */
bool cp_password_valid(const char *clear);

/*
 * Hash clear (folded to upper case) with a fresh random salt and libxcrypt's default yescrypt cost,
 * writing the NUL-terminated hash to out. Returns 0, or -1 with errno: EINVAL (clear is not a valid
 * password), ERANGE (outlen too small), or what libxcrypt reported (no random bytes, no memory).
 */
int cp_password_hash(const char *clear, char *out, size_t outlen);

/*
 * Does clear (folded to upper case) match hash? False for anything that is not a complete yescrypt
 * hash (NOLOG, ALL, an empty string, a legacy DES or MD5 hash...), for an invalid clear password,
 * and on any failure. The final comparison takes the same time wherever the strings differ.
 */
bool cp_password_check(const char *clear, const char *hash);

/*
 * Is s shaped like a complete yescrypt hash, "$y$params$salt$hash" with a 43-character hash and
 * parameters crypt_checksalt() accepts? (It does not prove that any password matches it.)
 */
bool cp_password_is_hash(const char *s);

#endif
