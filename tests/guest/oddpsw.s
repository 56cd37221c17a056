# oddpsw.s - LPSW of a PSW whose instruction address is odd: a specification exception when the
# instruction is fetched. GA22-7000 gives ILC 1, 2 or 3 with the address advanced to match; this
# machine (like Hercules 3.13 here) stores ILC 2 and the address plus 4 in the program old PSW.
	.include "s370.inc"
	LOWCORE
start:	lpsw	oddpsw
	.align	8
oddpsw:	.long	0x00000000, 0x00000301
