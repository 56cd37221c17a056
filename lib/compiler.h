/*
 * compiler.h - small portable wrappers for compiler hints used on hot paths.
 */
#ifndef LIB_COMPILER_H
#define LIB_COMPILER_H

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
