/*
 * ebcdic.h - EBCDIC (code page 037) to and from ISO 8859-1.
 */
#ifndef LIB_EBCDIC_H
#define LIB_EBCDIC_H

#include <stddef.h>
#include <stdint.h>

extern const uint8_t ebcdic_to_latin1[256];
extern const uint8_t latin1_to_ebcdic[256];

/* Translate len bytes; out and in may be the same buffer. */
void ebcdic_to_ascii_buf(char *out, const uint8_t *in, size_t len);
void ascii_to_ebcdic_buf(uint8_t *out, const char *in, size_t len);

#endif
