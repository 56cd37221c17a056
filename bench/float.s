# bench/float.s - hexadecimal floating point, short and long: LE, AE, ME, DE, STE and LD, AD,
# MD, DD, STD on operands that need normalisation and rounding. 11 instructions per iteration.
	.set	BENCH_PER_ITERATION, 11
	.include "frame.inc"

	la	%r12,data
	bench_loop
loop:
	le	%f0,e1-data(%r12)
	ae	%f0,e2-data(%r12)
	me	%f0,e3-data(%r12)
	de	%f0,e4-data(%r12)
	ste	%f0,es-data(%r12)
	ld	%f2,d1-data(%r12)
	ad	%f2,d2-data(%r12)
	md	%f2,d3-data(%r12)
	dd	%f2,d4-data(%r12)
	std	%f2,ds-data(%r12)
	bct	%r6,loop
	bench_end

	.align	8
data:
e1:	.long	0x4119999A			# 1.6
e2:	.long	0x40B33333			# 0.7
e3:	.long	0x41300000			# 3.0
e4:	.long	0x41700000			# 7.0
es:	.long	0
	.align	8
d1:	.quad	0x411999999999999A		# 1.6
d2:	.quad	0x40B3333333333333		# 0.7
d3:	.quad	0x4130000000000000		# 3.0
d4:	.quad	0x4170000000000000		# 7.0
ds:	.quad	0
