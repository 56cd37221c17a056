# ss.s - storage-to-storage instructions end to end: MVC (with the one-byte propagation
# overlap), MVI, CLC, MVN, MVZ, NC, OC, XC, TR, TRT, MVCL (padding, destructive overlap), CLCL
# (padding), MVCIN. Results are the work area at X'3000' (checked in ss.expect) and, for
# registers and condition codes, the result words (s370.inc): "=> value", by hand.
	.include "s370.inc"
	LOWCORE
start:	RESULTS_INIT
	l	%r10,area		# r10 = X'3000'

# MVC, and MVC one byte to the right of itself, which propagates the first byte
	mvc	0(8,%r10),src8			# 3000: 0102030405060708
	mvi	8(%r10),0x40
	mvc	9(7,%r10),8(%r10)		# 3008: 4040404040404040

# CLC
	clc	src8(4),cmp4
	SAVECC				# => 00000001  03 < 04
	clc	src8(2),cmp4
	SAVECC				# => 00000000
	clc	cmp4(4),src8
	SAVECC				# => 00000002

# MVN, MVZ
	mvc	0x10(4,%r10),zoned
	mvn	0x10(4,%r10),nums		# 3010: FAFBFCCD
	mvc	0x14(4,%r10),zoned
	mvz	0x14(4,%r10),zones		# 3014: 11325374

# NC, OC, XC
	mvc	0x18(4,%r10),ff00ff00
	nc	0x18(4,%r10),m0f0f0f0f
	SAVECC				# => 00000001
	oc	0x18(4,%r10),f0000001		# 3018: FF000F01
	SAVECC				# => 00000001
	mvc	0x1C(4,%r10),src8
	xc	0x1C(4,%r10),0x1C(%r10)		# 301C: 00000000
	SAVECC				# => 00000000

# TR: hex digits to EBCDIC characters
	mvc	0x20(4,%r10),digits
	tr	0x20(4,%r10),hextab		# 3020: F0F1F2C6

# TRT: find the comma in "AB,C"; then no hit; then a hit on the last byte
	l	%r1,xff000000
	l	%r2,x12345600
	trt	text(4),trttab
	SAVECC				# => 00000001  found before the last byte
	la	%r3,text+2
	sr	%r1,%r3
	SAVE	%r1			# => FF000000  r1 bits 8-31: the address of the comma
	SAVE	%r2			# => 12345604  r2 bits 24-31: the function byte
	trt	text(2),trttab
	SAVECC				# => 00000000
	trt	text(3),trttab
	SAVECC				# => 00000002  found at the last byte

# MVCL: 16 bytes from X'3000', then 984 bytes of padding X'5C', to X'3100'
	l	%r2,x3100
	la	%r3,1000
	lr	%r4,%r10
	l	%r5,pad16
	mvcl	%r2,%r4
	SAVECC				# => 00000002  first length higher
	SAVE	%r2			# => 000034E8
	SAVE	%r3			# => 00000000
	SAVE	%r4			# => 00003010
	SAVE	%r5			# => 5C000000
	# MVCL with destructive overlap moves nothing: CC 3, registers unchanged
	la	%r2,1(%r10)
	la	%r3,4
	lr	%r4,%r10
	la	%r5,4
	mvcl	%r2,%r4
	SAVECC				# => 00000003
	SAVE	%r3			# => 00000004
	# MVCL with zero lengths: CC 0
	sr	%r3,%r3
	sr	%r5,%r5
	mvcl	%r2,%r4
	SAVECC				# => 00000000

# CLCL: "ABC" against "AB" padded with C, then padded with blank
	la	%r2,abc
	la	%r3,3
	la	%r4,abc
	l	%r5,padc3
	clcl	%r2,%r4
	SAVECC				# => 00000000
	SAVE	%r3			# => 00000000
	SAVE	%r5			# => C3000000
	la	%r2,abc
	la	%r3,3
	la	%r4,abc
	l	%r5,pad40
	clcl	%r2,%r4
	SAVECC				# => 00000002  C > blank
	la	%r6,abc+2
	sr	%r2,%r6
	SAVE	%r2			# => 00000000  r2 at the unequal byte
	SAVE	%r3			# => 00000001
	SAVE	%r5			# => 40000000

# MVCIN: the second operand address is its rightmost byte
	mvcin	0x24(4,%r10),src8+3		# 3024: 04030201
	END_OK

	.balign	4
area:	.long	0x3000
x3100:	.long	0x3100
pad16:	.long	0x5C000010
padc3:	.long	0xC3000002
pad40:	.long	0x40000002
xff000000: .long 0xFF000000
x12345600: .long 0x12345600
src8:	.byte	1, 2, 3, 4, 5, 6, 7, 8
cmp4:	.byte	1, 2, 4, 0
zoned:	.byte	0xF1, 0xF2, 0xF3, 0xC4
nums:	.byte	0x0A, 0x0B, 0x0C, 0x0D
zones:	.byte	0x12, 0x34, 0x56, 0x78
ff00ff00: .byte	0xFF, 0x00, 0xFF, 0x00
m0f0f0f0f: .byte 0x0F, 0x0F, 0x0F, 0x0F
f0000001: .byte	0xF0, 0x00, 0x00, 0x01
digits:	.byte	0x00, 0x01, 0x02, 0x0F
hextab:	.byte	0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7
	.byte	0xF8, 0xF9, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6
text:	.byte	0xC1, 0xC2, 0x6B, 0xC3
abc:	.byte	0xC1, 0xC2, 0xC3
trttab:	.fill	0x6B, 1, 0
	.byte	0x04
	.fill	256 - 0x6C, 1, 0
