# stress-float-random.s - the operations of stress-float.s over 12 pseudo-random values (random
# fractions, exponents near 1, both signs), where truncation, guard digits and normalisation
# decide the low digits of every result.
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
vals:	.quad	0x3E7EAA3A6106C798
	.quad	0xBF280696ACBE02F1
	.quad	0x40F1D4F5F5AC0E70
	.quad	0x3E4757E04555884F
	.quad	0x3F840213DED8EE42
	.quad	0xBF52C925D86B0B1B
	.quad	0xC06DA95C22BE1A5B
	.quad	0xC048894D288ABD2E
	.quad	0x3E7F72D5F1D3C247
	.quad	0x42CFD48FE72C8A72
	.quad	0xBEF96933175BCA56
	.quad	0x4383A0A9A0D3898D
vals_end:
	.quad	0x3E7EAA3A6106C798, 0xBF280696ACBE02F1, 0x40F1D4F5F5AC0E70
	.quad	0x3E4757E04555884F, 0x3F840213DED8EE42	# V[j+5] wraps round
