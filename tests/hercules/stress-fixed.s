# stress-fixed.s - binary integer arithmetic, logic and shifts over every pair of 12 edge values,
# for the differential test against Hercules.
#
# For each operation and each pair (i, j): GR2 = V[i], GR3 = V[j], GR6 = V[j+3]; the words OPND
# and OPND2 hold V[j] and V[j+3] for the storage forms. Operations flagged 1 run twice, with
# program mask 0 and with program mask F (fixed-point overflow interruptions on).
# Each case records 32 bytes at RESULTS:
#   0 operation id   1 program mask (0 or F)   2, 3 low bytes of the addresses of V[i], V[j]
#   4 GR2 after   8 GR3 after   12 ILC/CC/PM byte after (from BALR)   13-15 zeros
#   16 the program interruption (PINFO, 6 bytes)   22, 23 zeros   24 OPND, OPND2 after
#
# hercules-dump: 4000:0x42600
	.include "stress.inc"
	LOWCORE

start:	l	%r10,aresults
	la	%r13,optab
op_loop:
	cli	0(%r13),0xFF
	be	done
	la	%r15,4(%r13)
	sr	%r11,%r11			# program mask 0 first
pm_loop:
	la	%r4,vals
i_loop:
	la	%r5,vals
j_loop:
	l	%r2,0(%r4)
	l	%r3,0(%r5)
	l	%r6,12(%r5)
	st	%r3,opnd
	st	%r6,opnd2
	spm	%r11
	la	%r8,after
	balr	%r14,%r15
after:	balr	%r7,0
	mvc	0(1,%r10),0(%r13)
	stcm	%r11,8,1(%r10)
	stc	%r4,2(%r10)
	stc	%r5,3(%r10)
	st	%r2,4(%r10)
	st	%r3,8(%r10)
	stcm	%r7,8,12(%r10)
	xc	13(3,%r10),13(%r10)
	mvc	16(6,%r10),PINFO
	xc	22(2,%r10),22(%r10)
	mvc	24(8,%r10),opnd
	xc	PINFO(6),PINFO
	la	%r10,32(%r10)
	la	%r1,vals_end
	la	%r5,4(%r5)
	clr	%r5,%r1
	bl	j_loop
	la	%r4,4(%r4)
	clr	%r4,%r1
	bl	i_loop
	tm	1(%r13),1			# a second pass with the program mask on?
	bz	next_op
	ltr	%r11,%r11
	bnz	next_op
	l	%r11,pm_on
	b	pm_loop
next_op:
	la	%r13,16(%r13)
	b	op_loop
done:	FINISH

	.align	8
aresults: .long	RESULTS
pm_on:	.long	0x0F000000
opnd:	.long	0				# a doubleword boundary
opnd2:	.long	0
vals:	.long	0, 1, 32, 63, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x80000001
	.long	0x40000000, 0xFFFF8000, 0x12345678, 0xEDCBA987
vals_end:
	.long	0, 1, 2				# V[j+3] wraps round

	.balign	16
optab:
	OP	0x01, 1, ar, %r2,%r3
	OP	0x02, 1, sr, %r2,%r3
	OP	0x03, 0, mr, %r2,%r6
	OP	0x04, 0, dr, %r2,%r6
	OP	0x05, 0, alr, %r2,%r3
	OP	0x06, 0, slr, %r2,%r3
	OP	0x07, 0, cr, %r2,%r3
	OP	0x08, 0, clr, %r2,%r3
	OP	0x09, 0, nr, %r2,%r3
	OP	0x0A, 0, or, %r2,%r3
	OP	0x0B, 0, xr, %r2,%r3
	OP	0x0C, 1, lpr, %r2,%r3
	OP	0x0D, 0, lnr, %r2,%r3
	OP	0x0E, 1, lcr, %r2,%r3
	OP	0x0F, 0, ltr, %r2,%r3
	OP	0x10, 1, a, %r2,opnd
	OP	0x11, 1, s, %r2,opnd
	OP	0x12, 0, m, %r2,opnd2
	OP	0x13, 0, d, %r2,opnd2
	OP	0x14, 0, al, %r2,opnd
	OP	0x15, 0, sl, %r2,opnd
	OP	0x16, 0, c, %r2,opnd
	OP	0x17, 0, cl, %r2,opnd
	OP	0x18, 0, n, %r2,opnd
	OP	0x19, 0, o, %r2,opnd
	OP	0x1A, 0, x, %r2,opnd
	OP	0x1B, 1, ah, %r2,opnd
	OP	0x1C, 1, sh, %r2,opnd+2
	OP	0x1D, 0, mh, %r2,opnd+2
	OP	0x1E, 0, ch, %r2,opnd
	OP	0x1F, 0, lh, %r2,opnd+2
	OP	0x20, 1, sla, %r2,0(%r3)
	OP	0x21, 0, sra, %r2,0(%r3)
	OP	0x22, 1, slda, %r2,0(%r6)
	OP	0x23, 0, srda, %r2,0(%r6)
	OP	0x24, 0, sll, %r2,0(%r3)
	OP	0x25, 0, srl, %r2,0(%r3)
	OP	0x26, 0, sldl, %r2,0(%r6)
	OP	0x27, 0, srdl, %r2,0(%r6)
	OP	0x28, 0, .byte, 0x1D,0x36	# DR 3,6: odd first operand, specification
	OP	0x29, 0, la, %r2,7(%r2,%r3)
	OP	0x2A, 0, icm, %r2,5,opnd
	OP	0x2B, 0, clm, %r2,10,opnd
	OP	0x2C, 0, stcm, %r3,13,opnd2
	OP	0x2D, 0, cvd, %r3,opnd
	OP	0x2E, 0, cds, %r2,%r6,opnd
	OP	0x2F, 0, cds, %r2,%r6,opnd2	# not on a doubleword: specification
	OP	0x30, 0, cs, %r2,%r3,opnd
	OP	0x31, 0, cs, %r2,%r3,opnd+2	# not on a word: specification
	OPEND
