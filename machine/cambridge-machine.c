/*
 * cambridge-machine - one bare S/370 from the command line. (Options arrive with the CLI work.)
 */
#include <stdio.h>

#include "machine/machine.h"

int main(void)
{
	fprintf(stderr, "cambridge-machine: not yet usable\n");
	return 1;
}
