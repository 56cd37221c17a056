/*
 * harness.h - a small bare machine for unit tests: load instruction bytes, run them, look at the
 * result. Program and SVC interruptions land in disabled waits so a test can see them.
 *
 *   struct machine *m = h_new(64 * 1024, true);
 *   h_code(m, 0x1000, "1A12");            // AR 1,2
 *   cpu_set_gpr(machine_cpu(m), 1, 5);
 *   h_run(m, 0x1000, 1);                  // run one instruction
 *   ck_assert_int_eq(h_cc(m), 2);
 */
#ifndef TESTS_MACHINE_HARNESS_H
#define TESTS_MACHINE_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/machine.h"

/* Program new PSW: disabled wait at H_PGM_WAIT; SVC new PSW: disabled wait at H_SVC_WAIT. */
#define H_PGM_WAIT 0xEEEEEEu
#define H_SVC_WAIT 0xDDDDDDu

struct machine *h_new(uint32_t storage, bool extension);
/* Load hex digits (spaces ignored) at real address addr. */
void h_code(struct machine *m, uint32_t addr, const char *hex);
/* Read/write real storage. */
void h_put(struct machine *m, uint32_t addr, const void *data, uint32_t len);
void h_get(struct machine *m, uint32_t addr, void *out, uint32_t len);
uint32_t h_word(struct machine *m, uint32_t addr);
void h_set_word(struct machine *m, uint32_t addr, uint32_t v);
/* Set a BC-mode, key-0 supervisor PSW at addr (program mask pm, CC 0) and run at most n
 * instructions. The PSW's program mask can be set with h_run_pm. */
enum machine_exit h_run(struct machine *m, uint32_t addr, uint64_t n);
enum machine_exit h_run_pm(struct machine *m, uint32_t addr, uint64_t n, unsigned progmask);
/* The current PSW's condition code and instruction address. */
unsigned h_cc(struct machine *m);
uint32_t h_ia(struct machine *m);
/* After a program interruption: true if one happened, its code and the old PSW's address/ILC. */
bool h_program_interrupted(struct machine *m);
unsigned h_pic(struct machine *m);
uint32_t h_pic_ia(struct machine *m);
unsigned h_pic_ilc(struct machine *m);
/* The FPR r (0, 2, 4, 6) as a 64-bit image. */
uint64_t h_fpr(struct machine *m, int r);

#endif
