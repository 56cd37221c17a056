# bench/decimal.s - packed decimal: PACK, ZAP, AP, SP, CVB, CVD and ED on 8-byte fields, as in
# a COBOL or RPG program's arithmetic and report editing. 10 instructions per iteration.
	.set	BENCH_PER_ITERATION, 10
	.include "frame.inc"

	la	%r12,data
	bench_loop
loop:
	pack	pk-data(8,%r12),zoned-data(15,%r12)	# 15 zoned digits to 8 packed bytes
	zap	acc-data(8,%r12),pk-data(8,%r12)
	ap	acc-data(8,%r12),inc-data(3,%r12)
	sp	acc-data(8,%r12),dec-data(2,%r12)
	cvb	%r2,acc-data(%r12)			# fits: 123456789 + 12345 - 678
	ar	%r2,%r6
	cvd	%r2,dw-data(%r12)
	mvc	edit-data(16,%r12),pattern-data(%r12)
	ed	edit-data(16,%r12),dw-data(%r12)	# 15 digits with suppression
	bct	%r6,loop
	bench_end

	.align	8
data:
dw:	.quad	0
acc:	.quad	0
pk:	.quad	0
inc:	.byte	0x01, 0x23, 0x4C			# +12345
dec:	.byte	0x67, 0x8D				# -678
zoned:	.ascii	"\xF0\xF0\xF0\xF0\xF0\xF0\xF1\xF2\xF3\xF4\xF5\xF6\xF7\xF8\xC9"	# +000000123456789
	.align	4
pattern:					# fill, 11 digit selectors, comma, 3 selectors
	.byte	0x40, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x21
	.byte	0x6B, 0x20, 0x20, 0x20
edit:	.fill	16, 1, 0
