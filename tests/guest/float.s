# float.s - hexadecimal floating point end to end: short, long and extended; normalized and
# unnormalized add and subtract, multiply, divide (HFP multiply and divide truncate), compare,
# halve, load positive/negative/complement/test, rounding (LRER, LRDR). Results go to the result
# words (s370.inc) with STE and STD; each "=> value" worked out by hand in hex fractions.
	.include "s370.inc"

	.macro	SAVEE freg
	ste	\freg,0(%r15)
	la	%r15,4(%r15)
	.endm
	.macro	SAVED freg
	std	\freg,0(%r15)
	la	%r15,8(%r15)
	.endm

	LOWCORE
start:	RESULTS_INIT

# Short: 1.5 + 2.25 = 3.75; - 2.25; * 2.25 (long result); 3.75 / 1.5
	le	%f0,s1_5
	ae	%f0,s2_25
	SAVECC				# => 00000002
	SAVEE	%f0			# => 413C0000  3.75
	se	%f0,s2_25
	SAVEE	%f0			# => 41180000  1.5
	me	%f0,s2_25
	SAVED	%f0			# => 41360000 00000000  3.375 (long)
	le	%f2,s3_75
	de	%f2,s1_5
	SAVEE	%f2			# => 41280000  2.5
	le	%f2,s1_0
	de	%f2,s3_0
	SAVEE	%f2			# => 40555555  1/3, truncated
	ce	%f2,s1_5
	SAVECC				# => 00000001  low

# Short register forms; unnormalized add keeps the exponent
	le	%f4,s2_0
	le	%f6,sm1_5
	ler	%f0,%f4
	aer	%f0,%f6
	SAVEE	%f0			# => 40800000  0.5, normalized
	ler	%f0,%f4
	aur	%f0,%f6
	SAVEE	%f0			# => 41080000  0.5, unnormalized
	ler	%f0,%f4
	au	%f0,sm1_5
	SAVEE	%f0			# => 41080000
	ler	%f0,%f4
	sur	%f0,%f4
	SAVECC				# => 00000000
	ler	%f0,%f4
	su	%f0,s1_5
	SAVEE	%f0			# => 41080000
	ler	%f0,%f4
	ser	%f0,%f6
	SAVEE	%f0			# => 41380000  3.5
	ler	%f0,%f4
	mer	%f0,%f6
	SAVED	%f0			# => C1300000 00000000  -3.0 (long)
	ler	%f0,%f4
	der	%f0,%f6
	SAVEE	%f0			# => C1155555  -4/3, truncated
	cer	%f4,%f6
	SAVECC				# => 00000002
	lcer	%f0,%f6
	SAVECC				# => 00000002
	SAVEE	%f0			# => 41180000
	lper	%f0,%f6
	SAVEE	%f0			# => 41180000
	lner	%f0,%f4
	SAVECC				# => 00000001
	SAVEE	%f0			# => C1200000
	lter	%f0,%f4
	SAVECC				# => 00000002
	le	%f0,s3_0
	her	%f2,%f0
	SAVEE	%f2			# => 41180000  3.0 / 2

# Long
	ld	%f0,l1_5
	ad	%f0,l2_25
	SAVED	%f0			# => 413C0000 00000000
	sd	%f0,l2_25
	SAVED	%f0			# => 41180000 00000000
	ld	%f2,l3_0
	md	%f2,l1_16
	SAVED	%f2			# => 40300000 00000000  3 * 1/16
	ld	%f2,l1_0
	dd	%f2,l3_0
	SAVED	%f2			# => 40555555 55555555  1/3, truncated
	ld	%f4,l3_0
	mdr	%f4,%f2
	SAVED	%f4			# => 40FFFFFF FFFFFFFF  1/3 * 3, truncated
	ld	%f4,l2_0
	ddr	%f4,%f0
	SAVED	%f4			# => 41155555 55555555  2 / 1.5
	ldr	%f6,%f4
	cdr	%f6,%f4
	SAVECC				# => 00000000
	cd	%f6,l1_5
	SAVECC				# => 00000001  4/3 < 1.5
	ld	%f4,l2_0
	adr	%f4,%f0
	SAVED	%f4			# => 41380000 00000000  3.5
	sdr	%f4,%f4
	SAVECC				# => 00000000
	SAVED	%f4			# => 00000000 00000000  a true zero
	ld	%f4,l2_0
	aw	%f4,lm1_5
	SAVED	%f4			# => 41080000 00000000  unnormalized
	ld	%f4,l2_0
	sw	%f4,l1_5
	SAVED	%f4			# => 41080000 00000000
	ld	%f4,l2_0
	ld	%f6,lm1_5
	awr	%f4,%f6
	SAVED	%f4			# => 41080000 00000000
	ld	%f4,l2_0
	swr	%f4,%f0
	SAVED	%f4			# => 41080000 00000000
	lcdr	%f4,%f0
	SAVED	%f4			# => C1180000 00000000
	lpdr	%f4,%f4
	SAVED	%f4			# => 41180000 00000000
	lndr	%f4,%f4
	SAVED	%f4			# => C1180000 00000000
	ltdr	%f4,%f4
	SAVECC				# => 00000001
	ld	%f4,l3_0
	hdr	%f4,%f4
	SAVED	%f4			# => 41180000 00000000
	# LRER rounds long to short: 2/3 = .AAAAAA AAAAAAAA rounds up
	ld	%f4,l2_0
	dd	%f4,l3_0
	SAVED	%f4			# => 40AAAAAA AAAAAAAA
	lrer	%f6,%f4
	SAVEE	%f6			# => 40AAAAAB

# Extended (pairs f0:f2 and f4:f6); the low part's characteristic is the high one's less 14
	# (1 with all 14 low-part digits F) + 16**-27: the carry runs into the high part
	ld	%f0,x_one_h
	ld	%f2,x_ones_l
	ld	%f4,x_tiny_h
	ld	%f6,x_tiny_l
	axr	%f0,%f4
	SAVECC				# => 00000002
	SAVED	%f0			# => 41100000 00000001
	SAVED	%f2			# => 33000000 00000000
	# (1 + 16**-27) - 1 = 16**-27, normalized
	ld	%f0,x_one_h
	ld	%f2,x_tiny27_l
	ld	%f4,x_one_h
	ld	%f6,x_zero_l
	sxr	%f0,%f4
	SAVED	%f0			# => 26100000 00000000
	SAVED	%f2			# => 18000000 00000000
	# (1 + 16**-14) squared = 1 + 2 * 16**-14 (+ 16**-28, beyond the fraction)
	ld	%f0,x_one_h
	ld	%f2,x_u14_l
	ldr	%f4,%f0
	ldr	%f6,%f2
	mxr	%f0,%f4
	SAVED	%f0			# => 41100000 00000000
	SAVED	%f2			# => 33200000 00000000
	# long * long = extended: (1 + 16**-13) squared = 1 + 2 * 16**-13 + 16**-26
	ld	%f0,l_1p13
	mxdr	%f0,%f0
	SAVED	%f0			# => 41100000 00000002
	SAVED	%f2			# => 33000000 00000010
	ld	%f4,l_1p13
	mxd	%f4,l_1p13
	SAVED	%f4			# => 41100000 00000002
	SAVED	%f6			# => 33000000 00000010
	# 1 / 3 in extended, truncated
	ld	%f0,x_one_h
	ld	%f2,x_zero_l
	ld	%f4,l3_0
	ld	%f6,x_zero3_l
	dxr	%f0,%f4
	SAVED	%f0			# => 40555555 55555555
	SAVED	%f2			# => 32555555 55555555
	# LRDR rounds extended to long: half a unit in the last place rounds up
	ld	%f4,x_one_h
	ld	%f6,x_half_l
	lrdr	%f0,%f4
	SAVED	%f0			# => 41100000 00000001
	END_OK

	.balign	8
s1_0:	.long	0x41100000
s1_5:	.long	0x41180000
s2_0:	.long	0x41200000
s2_25:	.long	0x41240000
s3_0:	.long	0x41300000
s3_75:	.long	0x413C0000
sm1_5:	.long	0xC1180000
	.balign	8
l1_0:	.long	0x41100000, 0
l1_5:	.long	0x41180000, 0
lm1_5:	.long	0xC1180000, 0
l2_0:	.long	0x41200000, 0
l2_25:	.long	0x41240000, 0
l3_0:	.long	0x41300000, 0
l1_16:	.long	0x40100000, 0
l_1p13:	.long	0x41100000, 0x00000001
x_one_h: .long	0x41100000, 0x00000000
x_ones_l: .long	0x33FFFFFF, 0xFFFFFFFF
x_tiny_h: .long	0x26100000, 0x00000000
x_tiny_l: .long	0x18000000, 0x00000000
x_tiny27_l: .long 0x33000000, 0x00000001
x_zero_l: .long	0x33000000, 0x00000000
x_zero3_l: .long 0x33000000, 0x00000000
x_u14_l: .long	0x33100000, 0x00000000
x_half_l: .long	0x33800000, 0x00000000
