/*
 * timer.c - the TOD clock, clock comparator, CPU timer and interval timer, and external
 * interruptions.
 */
#include "machine/cpu.h"

bool timer_deliver(struct cpu *c)
{
	(void)c;
	return false; /* no external interruption sources yet */
}
