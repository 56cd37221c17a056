# decimal.s - decimal instructions end to end: PACK, UNPK, ZAP, AP, SP, MP, DP, CP, SRP, MVO,
# CVB, CVD, ED, EDMK (decimal overflow mask off). Fields are copied to the result words
# (s370.inc) by SAVEF; "=> value" lists the words each save fills, worked out by hand.
	.include "s370.inc"

	# Copy len bytes of field to the next result words (words of them, the rest zero).
	.macro	SAVEF field, len, words
	mvc	0(\len,%r15),\field
	la	%r15,4*\words(%r15)
	.endm

	LOWCORE
start:	RESULTS_INIT

# PACK, UNPK
	pack	p1(4),z1(5)
	SAVEF	p1,4,1			# => 0012345C
	unpk	z2(5),p1(4)
	SAVEF	z2,5,2			# => F1F2F3F4 C5000000

# ZAP, AP, SP
	zap	p2(4),pk250(2)
	SAVECC				# => 00000002
	ap	p2(4),p1(4)
	SAVECC				# => 00000002
	SAVEF	p2,4,1			# => 0012595C  250 + 12345
	sp	p2(4),pk13000(3)
	SAVECC				# => 00000001
	SAVEF	p2,4,1			# => 0000405D  -405
	zap	p10(2),p1(4)
	SAVECC				# => 00000003  overflow: the high digits are lost
	SAVEF	p10,2,1			# => 345C0000

# MP, DP
	mp	p3(6),pk25(2)
	SAVEF	p3,6,2			# => 00000030 850C0000  1234 * 25
	mp	p4(4),pk3(1)
	SAVEF	p4,4,1			# => 0000036D  -12 * 3
	dp	p5(5),pk7(1)
	SAVEF	p5,5,2			# => 0000142C 6C000000  1000 / 7: quotient, remainder
	dp	p6(5),pk7(1)
	SAVEF	p6,5,2			# => 0000142D 6D000000  -1000 / 7

# CP
	cp	p1(4),pk250(2)
	SAVECC				# => 00000002
	cp	pk250(2),p1(4)
	SAVECC				# => 00000001
	cp	pkplus0(1),pkminus0(1)
	SAVECC				# => 00000000  +0 = -0

# SRP: left 2; right 1 rounding with 5; right 2 of a negative number
	srp	p7(4),2,0
	SAVECC				# => 00000002
	SAVEF	p7,4,1			# => 0123400C
	srp	p8(4),63,5
	SAVEF	p8,4,1			# => 0000124C  1235 / 10 rounded
	srp	p9(3),62,5
	SAVECC				# => 00000001
	SAVEF	p9,3,1			# => 00123D00  -12345 / 100 rounded

# MVO
	mvo	p11(4),src12(2)
	SAVEF	p11,4,1			# => 0001234C

# CVB, CVD
	cvb	%r2,dwp
	SAVE	%r2			# => 00003039  12345
	cvb	%r3,dwn
	SAVE	%r3			# => FFFFFC19  -999
	l	%r4,minus1
	cvd	%r4,dwout
	SAVEF	dwout,8,2		# => 00000000 0000001D
	l	%r4,maxint
	cvd	%r4,dwout
	SAVEF	dwout,8,2		# => 00000214 7483647C

# ED: digits, a comma and a point; zero with a significance starter; a negative amount "CR"
	mvc	work(10),pat1
	ed	work(10),src1
	SAVECC				# => 00000002
	SAVEF	work,10,3		# => 4040F16B F2F3F44B F5F60000  "  1,234.56"
	mvc	work(7),pat2
	ed	work(7),src2
	SAVECC				# => 00000000
	SAVEF	work,7,2		# => 40404040 4BF0F000  "    .00"
	mvc	work(6),pat3
	ed	work(6),src3
	SAVECC				# => 00000001
	SAVEF	work,6,2		# => 4040F1F2 C3D90000  "  12CR"
	# EDMK: r1 bits 8-31 get the address of the first significant digit
	mvc	work(10),pat1
	l	%r1,xab000000
	edmk	work(10),src1
	la	%r3,work+2
	sr	%r1,%r3
	SAVE	%r1			# => AB000000
	END_OK

	.balign	4
xab000000: .long 0xAB000000
minus1:	.long	-1
maxint:	.long	0x7FFFFFFF
	.balign	8
dwp:	.byte	0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x5C	# +12345
dwn:	.byte	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x99, 0x9D	# -999
dwout:	.long	0, 0
z1:	.byte	0xF1, 0xF2, 0xF3, 0xF4, 0xC5			# zoned +12345
z2:	.byte	0, 0, 0, 0, 0
p1:	.byte	0, 0, 0, 0
p2:	.byte	0xFF, 0xFF, 0xFF, 0xFF				# ZAP ignores what was there
p3:	.byte	0x00, 0x00, 0x00, 0x01, 0x23, 0x4C		# +1234
p4:	.byte	0x00, 0x00, 0x01, 0x2D				# -12
p5:	.byte	0x00, 0x00, 0x01, 0x00, 0x0C			# +1000
p6:	.byte	0x00, 0x00, 0x01, 0x00, 0x0D			# -1000
p7:	.byte	0x00, 0x01, 0x23, 0x4C				# +1234
p8:	.byte	0x00, 0x01, 0x23, 0x5C				# +1235
p9:	.byte	0x12, 0x34, 0x5D				# -12345
p10:	.byte	0, 0
p11:	.byte	0x77, 0x88, 0x99, 0x0C				# only the sign digit stays
src12:	.byte	0x12, 0x34
pk250:	.byte	0x25, 0x0C
pk13000: .byte	0x13, 0x00, 0x0C
pk25:	.byte	0x02, 0x5C
pk3:	.byte	0x3C
pk7:	.byte	0x7C
pkplus0: .byte	0x0C
pkminus0: .byte	0x0D
src1:	.byte	0x01, 0x23, 0x45, 0x6C				# +123456
src2:	.byte	0x00, 0x00, 0x0C				# +0
src3:	.byte	0x01, 0x2D					# -12
pat1:	.byte	0x40, 0x20, 0x20, 0x6B, 0x20, 0x20, 0x21, 0x4B, 0x20, 0x20
pat2:	.byte	0x40, 0x20, 0x20, 0x21, 0x4B, 0x20, 0x20
pat3:	.byte	0x40, 0x20, 0x21, 0x20, 0xC3, 0xD9
work:	.fill	12, 1, 0
