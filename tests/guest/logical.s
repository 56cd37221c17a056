# logical.s - logical instructions end to end: AND, OR, XOR (RX, RR, SI), compare logical (CL,
# CLR, CLI, CLM), TM, ICM, STCM, IC, STC, LM, STM, CS, CDS, TS, and add/subtract logical with
# their carry condition codes. Each "=> value" is the next result word (s370.inc), by hand.
	.include "s370.inc"
	LOWCORE
start:	RESULTS_INIT

# N, O, X; NR, OR, XR
	l	%r2,xf0f0f0f0
	n	%r2,xff00ff00
	SAVECC				# => 00000001
	SAVE	%r2			# => F000F000
	o	%r2,x0000000f
	SAVE	%r2			# => F000F00F
	x	%r2,xffffffff
	SAVE	%r2			# => 0FFF0FF0
	lr	%r3,%r2
	xr	%r3,%r2
	SAVECC				# => 00000000
	la	%r4,0x0F0
	la	%r5,0x00F
	lr	%r6,%r4
	nr	%r6,%r5
	SAVECC				# => 00000000
	or	%r4,%r5
	SAVECC				# => 00000001
	SAVE	%r4			# => 000000FF

# CL, CLR, CLI, CLM: unsigned comparisons
	l	%r2,xffffffff
	cl	%r2,one
	SAVECC				# => 00000002  all ones is high
	la	%r3,1
	clr	%r3,%r2
	SAVECC				# => 00000001
	cli	bytes,0xC1
	SAVECC				# => 00000000
	cli	bytes+1,0xC1
	SAVECC				# => 00000002
	l	%r4,bytes
	clm	%r4,0b0101,c2c4
	SAVECC				# => 00000000  bytes C2 and C4 of C1C2C3C4
	clm	%r4,0b0101,bytes
	SAVECC				# => 00000002  C2 > C1

# ICM, STCM, IC, STC
	sr	%r5,%r5
	icm	%r5,0b1010,bytes
	SAVECC				# => 00000001  leftmost inserted bit one
	SAVE	%r5			# => C100C200
	icm	%r5,0b0001,zero
	SAVECC				# => 00000000  all inserted bits zero
	icm	%r5,0b0011,x7f01
	SAVECC				# => 00000002
	SAVE	%r5			# => C1007F01
	stcm	%r5,0b1001,0(%r15)
	la	%r15,4(%r15)		# => C1010000
	la	%r6,0x1FF
	ic	%r6,bytes+3
	SAVE	%r6			# => 000001C4
	stc	%r6,0(%r15)
	la	%r15,4(%r15)		# => C4000000

# LM, STM (also wrapping from r14 round to r1)
	lm	%r2,%r4,three
	stm	%r2,%r4,0(%r15)
	la	%r15,12(%r15)		# => 11111111 22222222 33333333
	lr	%r13,%r15
	lm	%r14,%r1,four
	stm	%r14,%r1,0(%r13)
	lr	%r15,%r13
	la	%r15,16(%r15)		# => 0000000E 0000000F 00000000 00000001

# TM, NI, OI, XI
	mvi	work,0xA5
	tm	work,0x21
	SAVECC				# => 00000003  selected bits all one
	tm	work,0x42
	SAVECC				# => 00000000  selected bits all zero
	tm	work,0x82
	SAVECC				# => 00000001  mixed
	ni	work,0x0F
	SAVECC				# => 00000001
	oi	work,0xF0
	xi	work,0xF5
	SAVECC				# => 00000000
	xi	work+1,0xFF
	l	%r2,work
	SAVE	%r2			# => 00FF0000

# CS, CDS, TS
	la	%r2,5
	la	%r3,9
	cs	%r2,%r3,csword
	SAVECC				# => 00000000  equal: 9 stored
	cs	%r2,%r3,csword
	SAVECC				# => 00000001  unequal: 9 loaded
	SAVE	%r2			# => 00000009
	l	%r4,csword
	SAVE	%r4			# => 00000009
	lm	%r4,%r5,cdsold
	lm	%r6,%r7,cdsnew
	cds	%r4,%r6,cdsword
	SAVECC				# => 00000000
	lm	%r8,%r9,cdsword
	SAVE	%r8			# => 00000003
	SAVE	%r9			# => 00000004
	ts	tsword
	SAVECC				# => 00000000
	ts	tsword
	SAVECC				# => 00000001
	l	%r2,tsword
	SAVE	%r2			# => FF000000

# AL, ALR, SL, SLR: CC 0-3 say zero/nonzero and carry
	l	%r2,xffffffff
	al	%r2,one
	SAVECC				# => 00000002  zero, carry
	la	%r3,1
	alr	%r3,%r3
	SAVECC				# => 00000001  nonzero, no carry
	l	%r4,xffffffff
	alr	%r4,%r4
	SAVECC				# => 00000003  nonzero, carry
	SAVE	%r4			# => FFFFFFFE
	la	%r5,5
	sl	%r5,five
	SAVECC				# => 00000002  zero, carry
	la	%r6,3
	la	%r7,5
	slr	%r6,%r7
	SAVECC				# => 00000001  nonzero, borrow
	SAVE	%r6			# => FFFFFFFE
	la	%r9,3
	slr	%r7,%r9
	SAVECC				# => 00000003  nonzero, no borrow
	SAVE	%r7			# => 00000002
	END_OK

	.balign	4
xf0f0f0f0: .long 0xF0F0F0F0
xff00ff00: .long 0xFF00FF00
x0000000f: .long 0x0000000F
xffffffff: .long 0xFFFFFFFF
one:	.long	1
five:	.long	5
bytes:	.byte	0xC1, 0xC2, 0xC3, 0xC4
c2c4:	.byte	0xC2, 0xC4
zero:	.byte	0
x7f01:	.byte	0x7F, 0x01
	.balign	4
three:	.long	0x11111111, 0x22222222, 0x33333333
four:	.long	14, 15, 0, 1
work:	.long	0
csword:	.long	5
tsword:	.long	0
	.balign	8
cdsword: .long	1, 2
cdsold:	.long	1, 2
cdsnew:	.long	3, 4
