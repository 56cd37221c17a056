# fixed.s - fixed-point arithmetic end to end: add, subtract, multiply, divide, halfword forms,
# load positive/negative/complement/test, compare, single and double shifts (program mask off,
# so overflow only sets CC 3). Each "=> value" is the next result word (s370.inc), by hand.
	.include "s370.inc"
	LOWCORE
start:	RESULTS_INIT

# 1 + 2 + ... + 100 with AR and BCT
	sr	%r2,%r2
	la	%r3,100
1:	ar	%r2,%r3
	bct	%r3,1b
	SAVE	%r2			# => 000013BA  5050

# 10! with MR: r4:r5 = r5 * r6
	la	%r5,1
	la	%r6,10
2:	mr	%r4,%r6
	bct	%r6,2b
	SAVE	%r4			# => 00000000  high word
	SAVE	%r5			# => 00375F00  3628800

# M: -7 * 100000 = -700000
	l	%r9,minus7
	m	%r8,k100000
	SAVE	%r8			# => FFFFFFFF
	SAVE	%r9			# => FFF551A0

# M: (2**31 - 1) squared = 3FFFFFFF 00000001, then D divides it back
	l	%r11,maxint
	m	%r10,maxint
	SAVE	%r10			# => 3FFFFFFF
	SAVE	%r11			# => 00000001
	d	%r10,maxint
	SAVE	%r10			# => 00000000  remainder
	SAVE	%r11			# => 7FFFFFFF  quotient

# D: -100 / 7 = -14 remainder -2 (the remainder has the dividend's sign); SRDA extends the sign
	l	%r0,minus100
	srda	%r0,32
	d	%r0,seven
	SAVE	%r0			# => FFFFFFFE
	SAVE	%r1			# => FFFFFFF2

# DR: 1000 / 3 = 333 remainder 1
	sr	%r2,%r2
	la	%r3,1000
	la	%r4,3
	dr	%r2,%r4
	SAVE	%r2			# => 00000001
	SAVE	%r3			# => 0000014D

# Halfword operands: MH, LH (sign extension), AH, SH, STH, CH
	la	%r5,1000
	mh	%r5,hminus2
	SAVE	%r5			# => FFFFF830  -2000
	lh	%r6,h8001
	SAVE	%r6			# => FFFF8001
	ah	%r6,h0001
	sh	%r6,h0003
	SAVE	%r6			# => FFFF7FFF  -32769
	sth	%r6,0(%r15)
	la	%r15,4(%r15)		# => 7FFF0000
	ch	%r6,h0001
	SAVECC				# => 00000001  low

# A and S: condition codes, and overflow with the program mask off
	l	%r7,maxint
	a	%r7,one
	SAVECC				# => 00000003  overflow
	SAVE	%r7			# => 80000000
	s	%r7,one
	SAVECC				# => 00000003  overflow
	SAVE	%r7			# => 7FFFFFFF
	lr	%r8,%r7
	sr	%r8,%r7
	SAVECC				# => 00000000  zero
	la	%r9,5
	s	%r9,seven
	SAVECC				# => 00000001  negative
	SAVE	%r9			# => FFFFFFFE

# LPR, LNR, LCR, LTR
	lpr	%r2,%r9
	SAVECC				# => 00000002
	SAVE	%r2			# => 00000002
	lnr	%r3,%r2
	SAVECC				# => 00000001
	SAVE	%r3			# => FFFFFFFE
	lcr	%r4,%r7
	SAVECC				# => 00000001
	SAVE	%r4			# => 80000001
	l	%r5,minint
	lcr	%r5,%r5
	SAVECC				# => 00000003  complement of the maximum negative number
	SAVE	%r5			# => 80000000
	lpr	%r6,%r5
	SAVECC				# => 00000003
	ltr	%r6,%r8
	SAVECC				# => 00000000

# C, CR
	l	%r2,minus7
	c	%r2,seven
	SAVECC				# => 00000001  -7 < 7
	cr	%r2,%r2
	SAVECC				# => 00000000
	la	%r3,9
	cr	%r3,%r2
	SAVECC				# => 00000002  9 > -7

# Single shifts
	l	%r2,x12345678
	sll	%r2,8
	SAVE	%r2			# => 34567800
	srl	%r2,12
	SAVE	%r2			# => 00034567
	l	%r3,x40000000
	sla	%r3,1
	SAVECC				# => 00000003  a one shifted out of bit 1
	SAVE	%r3			# => 00000000
	l	%r4,xfffffff0
	sla	%r4,2
	SAVECC				# => 00000001
	SAVE	%r4			# => FFFFFFC0  -64
	l	%r5,minint
	sra	%r5,4
	SAVE	%r5			# => F8000000
	la	%r6,64
	sra	%r6,3
	SAVECC				# => 00000002
	SAVE	%r6			# => 00000008

# Double shifts
	lm	%r2,%r3,dw1
	sldl	%r2,12
	SAVE	%r2			# => 456789AB
	SAVE	%r3			# => CDEF0000
	lm	%r2,%r3,dw1
	srdl	%r2,8
	SAVE	%r2			# => 00123456
	SAVE	%r3			# => 789ABCDE
	l	%r4,xffffffff
	sr	%r5,%r5
	srda	%r4,4
	SAVECC				# => 00000001
	SAVE	%r5			# => F0000000
	sr	%r4,%r4
	la	%r5,1
	slda	%r4,31
	SAVECC				# => 00000002
	SAVE	%r4			# => 00000000
	SAVE	%r5			# => 80000000
	slda	%r4,32
	SAVECC				# => 00000003  the one reaches the sign
	SAVE	%r4			# => 00000000
	SAVE	%r5			# => 00000000

# The shift amount is the low 6 bits of the second-operand address
	la	%r6,35
	la	%r7,1
	sll	%r7,0(%r6)
	SAVE	%r7			# => 00000000  shifted by 35
	la	%r7,1
	sll	%r7,67
	SAVE	%r7			# => 00000008  shifted by 67 & 63 = 3
	END_OK

	.balign	4
minus7:	.long	-7
k100000: .long	100000
maxint:	.long	0x7FFFFFFF
minint:	.long	0x80000000
minus100: .long	-100
seven:	.long	7
one:	.long	1
x12345678: .long 0x12345678
x40000000: .long 0x40000000
xfffffff0: .long 0xFFFFFFF0
xffffffff: .long 0xFFFFFFFF
	.balign	8
dw1:	.long	0x12345678, 0x9ABCDEF0
hminus2: .short	-2
h8001:	.short	0x8001
h0001:	.short	1
h0003:	.short	3
