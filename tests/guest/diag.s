# diag.s - DIAGNOSE reaches the host: cambridge-machine stops with "diagnose" (diag.expect), or
# with --diagnose-nop carries on to the end (diag-nop.expect).
	.include "s370.inc"
	LOWCORE
start:	la	%r1,1
	la	%r2,2
	b	d1
	.org	0x300
d1:	diag	%r1,%r2,8		# Rx 1, Ry 2, code 8
	la	%r3,0x33
	END_OK
