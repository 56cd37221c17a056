# stress-float.s - hexadecimal floating point, short, long and extended, over every pair of 12
# edge values (signed zeros, extremes, unnormalized operands, values that overflow, underflow or
# lose all significance), for the differential test against Hercules.
#
# For each operation and each pair (i, j): FPR0 = V[i], FPR2 = V[i+5], FPR4 = V[j], FPR6 = V[j+5]
# (an extended operand is the pair FPR0-FPR2 or FPR4-FPR6); the storage forms take V[j] at GR5.
# Short operations use the left half of each value. Operations flagged 1 also run with program
# mask F (exponent underflow and significance interruptions on).
# Each case records 32 bytes at RESULTS:
#   0 operation id   1 program mask (0 or F)   2, 3 low bytes of the addresses of V[i], V[j]
#   4 FPR0 after   12 FPR2 after   20 ILC/CC/PM byte after (from BALR)
#   21 the program interruption (PINFO, 6 bytes)   27 zeros
#
# hercules-dump: 4000:0x4C800
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
	ld	%f0,0(%r4)
	ld	%f2,40(%r4)
	ld	%f4,0(%r5)
	ld	%f6,40(%r5)
	spm	%r11
	la	%r8,after
	balr	%r14,%r15
after:	balr	%r7,0
	mvc	0(1,%r10),0(%r13)
	stcm	%r11,8,1(%r10)
	stc	%r4,2(%r10)
	stc	%r5,3(%r10)
	std	%f0,4(%r10)			# S/370: no alignment needed
	std	%f2,12(%r10)
	stcm	%r7,8,20(%r10)
	mvc	21(6,%r10),PINFO
	xc	27(5,%r10),27(%r10)
	xc	PINFO(6),PINFO
	la	%r10,32(%r10)
	la	%r1,vals_end
	la	%r5,8(%r5)
	clr	%r5,%r1
	bl	j_loop
	la	%r4,8(%r4)
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
vals:	.quad	0x4110000000000000		# 1
	.quad	0xC110000000000000		# -1
	.quad	0x0000000000000000		# +0
	.quad	0x8000000000000000		# -0
	.quad	0x411999999999999A		# 1.6
	.quad	0x7FFFFFFFFFFFFFFF		# the largest
	.quad	0x0010000000000000		# the smallest normalized
	.quad	0x4000000000000001		# unnormalized, tiny
	.quad	0x40FFFFFFFFFFFFFF		# just below 1
	.quad	0xC2F0000000000001		# -240.000...
	.quad	0x3A12345678ABCDEF
	.quad	0x6E10000000000000		# 16**46: its square overflows
vals_end:
	.quad	0x4110000000000000, 0xC110000000000000, 0x0000000000000000
	.quad	0x8000000000000000, 0x411999999999999A	# V[j+5] wraps round

	.balign	16
optab:
	OP	0x01, 0, lter, %f0,%f4
	OP	0x02, 0, lcer, %f0,%f4
	OP	0x03, 0, lper, %f0,%f4
	OP	0x04, 0, lner, %f0,%f4
	OP	0x05, 1, aer, %f0,%f4
	OP	0x06, 1, ser, %f0,%f4
	OP	0x07, 1, mer, %f0,%f4
	OP	0x08, 1, der, %f0,%f4
	OP	0x09, 1, aur, %f0,%f4
	OP	0x0A, 1, sur, %f0,%f4
	OP	0x0B, 0, cer, %f0,%f4
	OP	0x0C, 1, her, %f0,%f4
	OP	0x0D, 1, ae, %f0,0(%r5)
	OP	0x0E, 1, me, %f0,0(%r5)
	OP	0x0F, 1, de, %f0,0(%r5)
	OP	0x10, 0, ce, %f0,0(%r5)
	OP	0x11, 0, ltdr, %f0,%f4
	OP	0x12, 0, lcdr, %f0,%f4
	OP	0x13, 0, lpdr, %f0,%f4
	OP	0x14, 0, lndr, %f0,%f4
	OP	0x15, 1, adr, %f0,%f4
	OP	0x16, 1, sdr, %f0,%f4
	OP	0x17, 1, mdr, %f0,%f4
	OP	0x18, 1, ddr, %f0,%f4
	OP	0x19, 1, awr, %f0,%f4
	OP	0x1A, 1, swr, %f0,%f4
	OP	0x1B, 0, cdr, %f0,%f4
	OP	0x1C, 1, hdr, %f0,%f4
	OP	0x1D, 1, ad, %f0,0(%r5)
	OP	0x1E, 1, md, %f0,0(%r5)
	OP	0x1F, 1, dd, %f0,0(%r5)
	OP	0x20, 0, cd, %f0,0(%r5)
	OP	0x21, 1, axr, %f0,%f4
	OP	0x22, 1, sxr, %f0,%f4
	OP	0x23, 1, mxr, %f0,%f4
	OP	0x24, 1, mxdr, %f0,%f4
	OP	0x25, 1, mxd, %f0,0(%r5)
	OP	0x26, 1, lrdr, %f0,%f4
	OP	0x27, 1, lrer, %f0,%f4
	OP	0x28, 0, .byte, 0x38, 0x13	# LER 1,3: specification
	OP	0x29, 0, .byte, 0x36, 0x24	# AXR 2,4: specification
	OPEND
