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
	.include "float-body.inc"

	.align	8
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

