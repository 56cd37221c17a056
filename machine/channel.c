/*
 * channel.c - the S/370 channel: I/O instructions, channel programs and I/O interruptions.
 */
#include "machine/cpu.h"

bool chan_deliver(struct cpu *c)
{
	(void)c;
	return false; /* no channels yet */
}
