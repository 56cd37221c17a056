# ext.s - the S/370 extension (ESA/390 problem-state instructions) end to end: halfword
# immediates, relative branches, MS, string instructions, load/store reversed, logical
# multiply/divide, add/subtract with carry. ext.expect runs it with the extension on;
# noext.expect runs the same image with --no-extension and expects an operation exception at
# the first extension instruction. "=> value" lists the result words (s370.inc), by hand.
	.include "s370.inc"
	LOWCORE
start:	RESULTS_INIT

# LHI, AHI, MHI, CHI
	lhi	%r2,-5
	SAVE	%r2			# => FFFFFFFB
	ahi	%r2,100
	SAVECC				# => 00000002
	SAVE	%r2			# => 0000005F
	mhi	%r2,-3
	SAVE	%r2			# => FFFFFEE3  -285
	chi	%r2,-285
	SAVECC				# => 00000000
	chi	%r2,0
	SAVECC				# => 00000001

# BRCT, BRAS, BRASL, LARL, BRC, BRCL
	lhi	%r3,10
	lhi	%r4,0
1:	ahi	%r4,3
	brct	%r3,1b
	SAVE	%r4			# => 0000001E
	bras	%r14,inc4
ret1:	SAVE	%r4			# => 0000001F
	larl	%r5,ret1
	sr	%r14,%r5
	SAVE	%r14			# => 00000000  the link is the return address
	brasl	%r14,inc4
ret2:	larl	%r5,ret2
	sr	%r14,%r5
	SAVE	%r14			# => 00000000
	SAVE	%r4			# => 00000020
	ltr	%r4,%r4
	jh	2f
	j	bad
2:	jgnz	3f
	j	bad
3:

# BRXLE, BRXH: sum five words forwards and backwards
	sr	%r2,%r2
	sr	%r4,%r4
	lhi	%r6,4
	lhi	%r7,16
4:	a	%r2,table(%r4)
	brxle	%r4,%r6,4b
	SAVE	%r2			# => 0000000F
	sr	%r2,%r2
	lhi	%r8,16
	lhi	%r10,-4
	lhi	%r11,-1
5:	a	%r2,table(%r8)
	brxh	%r8,%r10,5b
	SAVE	%r2			# => 0000000F

# TMLL, TMLH: CC 1 and 2 tell which way a mixed result leans
	lhi	%r6,0x00F0
	tmll	%r6,0x0030
	SAVECC				# => 00000003
	tmll	%r6,0x0300
	SAVECC				# => 00000000
	tmll	%r6,0x0180
	SAVECC				# => 00000001  mixed, leftmost selected bit zero
	tmll	%r6,0x0081
	SAVECC				# => 00000002  mixed, leftmost selected bit one
	l	%r7,x80000000
	tmlh	%r7,0x8000
	SAVECC				# => 00000003

# MS, MSR
	l	%r7,k100000
	ms	%r7,k100000
	SAVE	%r7			# => 540BE400  10**10 modulo 2**32
	lhi	%r8,-3
	lhi	%r9,7
	msr	%r8,%r9
	SAVE	%r8			# => FFFFFFEB

# MVST, CLST, SRST (each repeated while it ends with CC 3)
	sr	%r0,%r0
	la	%r1,strbuf
	la	%r2,hello
6:	mvst	%r1,%r2
	jo	6b
	SAVECC				# => 00000001
	la	%r3,strbuf+5
	sr	%r1,%r3
	SAVE	%r1			# => 00000000  r1 at the copied terminator
	l	%r3,strbuf
	SAVE	%r3			# => C8C5D3D3
	l	%r3,strbuf+4
	SAVE	%r3			# => D600FFFF
	la	%r1,abc0
	la	%r2,abd0
7:	clst	%r1,%r2
	jo	7b
	SAVECC				# => 00000001
	la	%r3,abc0+2
	sr	%r1,%r3
	SAVE	%r1			# => 00000000  r1 at the first unequal byte
	lhi	%r0,0xD3
	la	%r1,hello+5
	la	%r2,hello
8:	srst	%r1,%r2
	jo	8b
	SAVECC				# => 00000001  found
	la	%r3,hello+2
	sr	%r1,%r3
	SAVE	%r1			# => 00000000  r1 at the first L
	lhi	%r0,0xE9
	la	%r1,hello+5
	la	%r2,hello
9:	srst	%r1,%r2
	jo	9b
	SAVECC				# => 00000002  not found

# LRVR, LRV, STRV
	l	%r10,x12345678
	lrvr	%r11,%r10
	SAVE	%r11			# => 78563412
	lrv	%r12,x11223344
	SAVE	%r12			# => 44332211
	strv	%r10,0(%r15)
	la	%r15,4(%r15)		# => 78563412

# MLR, DLR, ML, DL: unsigned 64-bit products and dividends
	l	%r3,xffffffff
	lr	%r4,%r3
	mlr	%r2,%r4
	SAVE	%r2			# => FFFFFFFE
	SAVE	%r3			# => 00000001
	lhi	%r2,1
	sr	%r3,%r3
	lhi	%r4,16
	dlr	%r2,%r4
	SAVE	%r2			# => 00000000
	SAVE	%r3			# => 10000000
	l	%r3,xffffffff
	ml	%r2,k100000
	SAVE	%r2			# => 0001869F
	SAVE	%r3			# => FFFE7960
	dl	%r2,k100000
	SAVE	%r2			# => 00000000
	SAVE	%r3			# => FFFFFFFF

# ALCR, SLBR, ALC, SLB: 64-bit arithmetic in register pairs
	lhi	%r2,1
	l	%r3,xffffffff
	sr	%r4,%r4
	lhi	%r5,1
	alr	%r3,%r5
	alcr	%r2,%r4
	SAVECC				# => 00000001
	SAVE	%r2			# => 00000002
	SAVE	%r3			# => 00000000
	slr	%r3,%r5
	slbr	%r2,%r4
	SAVECC				# => 00000003  nonzero, no borrow
	SAVE	%r2			# => 00000001
	SAVE	%r3			# => FFFFFFFF
	al	%r3,one
	alc	%r2,zero
	SAVE	%r2			# => 00000002
	sl	%r3,one
	slb	%r2,zero
	SAVECC				# => 00000003
	SAVE	%r2			# => 00000001
	END_OK

bad:	lhi	%r0,0xBAD
	SAVE	%r0
	END_OK

inc4:	ahi	%r4,1
	br	%r14

	.balign	4
table:	.long	1, 2, 3, 4, 5
k100000: .long	100000
x80000000: .long 0x80000000
x12345678: .long 0x12345678
x11223344: .long 0x11223344
xffffffff: .long 0xFFFFFFFF
one:	.long	1
zero:	.long	0
hello:	.byte	0xC8, 0xC5, 0xD3, 0xD3, 0xD6, 0x00	# "HELLO"
abc0:	.byte	0xC1, 0xC2, 0xC3, 0x00
abd0:	.byte	0xC1, 0xC2, 0xC4, 0x00
strbuf:	.fill	8, 1, 0xFF
