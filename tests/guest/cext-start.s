# cext-start.s - start-up for the C guest program (cext.c): a 31-bit ELF ABI stack below
# X'8000' (r15 points at the caller's 96-byte register save area), r2 = the result words
# (s370.inc's RESULTS), then guest_main(r2); its return value stays in r2 for cext.expect.
	.include "s370.inc"
	LOWCORE
start:	l	%r15,stack
	l	%r2,RESULTS_PTR
	brasl	%r14,guest_main
	END_OK

	.balign	4
stack:	.long	0x8000 - 96
