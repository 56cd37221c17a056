# control.s - control instructions end to end: STOSM, STNSM, SSM, STCTL and LCTL (with the
# control registers' initial values), SPKA and IPK, STPX, STAP, STIDP, STCK, SSK and ISK.
# Nothing is enabled that could interrupt (the external mask stays off). "=> value" lists the
# result words (s370.inc) each step fills, worked out by hand.
	.include "s370.inc"
	LOWCORE
start:	RESULTS_INIT

# STOSM, STNSM, SSM: the BC-mode system mask (channel masks only)
	stosm	work,0x02		# store 00, mask 02
	stnsm	work+1,0x00		# store 02, mask 00
	l	%r2,work
	SAVE	%r2			# => 00020000
	ssm	xfe
	stnsm	work,0x00		# store FE, mask 00
	l	%r2,work
	SAVE	%r2			# => FE020000

# STCTL: the control registers after an initial CPU reset; LCTL, then STCTL again
	stctl	0,3,0(%r15)
	la	%r15,16(%r15)		# => 000000E0 00000000 FFFFFFFF 00000000
	stctl	4,7,0(%r15)
	la	%r15,16(%r15)		# => 00000000 00000000 00000000 00000000
	stctl	8,11,0(%r15)
	la	%r15,16(%r15)		# => 00000000 00000000 00000000 00000000
	stctl	12,15,0(%r15)
	la	%r15,16(%r15)		# => 00000000 00000000 C2000000 00000200
	lctl	10,11,cr10
	stctl	10,11,0(%r15)
	la	%r15,8(%r15)		# => 00123456 00ABCDEF

# SPKA, IPK: the PSW key goes to r2 bits 24-27, bits 28-31 become zero, bits 0-23 stay
	l	%r2,xffffff0f
	spka	0x30
	ipk
	spka	0
	SAVE	%r2			# => FFFFFF30

# STPX (the prefix is 0 after reset), STAP (CPU address 0), over words of ones
	mvc	0(8,%r15),ones
	stpx	0(%r15)
	stap	4(%r15)
	la	%r15,8(%r15)		# => 00000000 0000FFFF

# STIDP and STCK store model- and time-dependent values; they must simply not fail
	stidp	dw
	stck	dw

# SSK, ISK: key 5 for the block at X'3000'; ISK leaves r4 bits 0-23 alone
	l	%r3,x3000
	la	%r2,0x50
	.insn	rr,0x0800,%r2,%r3	# SSK 2,3 (not in the assembler's z900 set)
	l	%r4,xabcdef00
	.insn	rr,0x0900,%r4,%r3	# ISK 4,3
	SAVE	%r4			# => ABCDEF50
	END_OK

	.balign	8
dw:	.long	0, 0
ones:	.long	0xFFFFFFFF, 0xFFFFFFFF
cr10:	.long	0x00123456, 0x00ABCDEF
work:	.long	0
xffffff0f: .long 0xFFFFFF0F
x3000:	.long	0x3000
xabcdef00: .long 0xABCDEF00
xfe:	.byte	0xFE
