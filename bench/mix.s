# bench/mix.s - the everyday instruction mix: loads, stores, register and storage arithmetic,
# compares, shifts, logical operations, short moves and compares, branches. 16 instructions per
# iteration.
	.set	BENCH_PER_ITERATION, 16
	.include "frame.inc"

	la	%r12,data			# data base register
	sr	%r4,%r4
	la	%r5,0
	bench_loop
loop:
	l	%r2,a-data(%r12)
	a	%r2,b-data(%r12)
	st	%r2,a-data(%r12)		# a grows by b each time round
	lr	%r3,%r2
	ar	%r3,%r4
	c	%r3,limit-data(%r12)
	bc	2,over				# never taken: a stays below limit for N < 2**28
	la	%r5,1(%r5)
	sll	%r3,3
	n	%r3,mask-data(%r12)
	o	%r3,bits-data(%r12)
	x	%r3,flip-data(%r12)
	mvc	buf1-data(8,%r12),buf2-data(%r12)
	clc	buf1-data(8,%r12),buf2-data(%r12)
	bc	7,over				# never taken: the fields are equal
	bct	%r6,loop
	bench_end
over:
	lpsw	bad-data(%r12)

	.align	8
data:
a:	.long	0
b:	.long	3
limit:	.long	0x7FFFFFF0
mask:	.long	0x0FFFFFF8
bits:	.long	0x40000001
flip:	.long	0x55555555
bad:	.long	0x000A0000, 0x000BAD10
buf1:	.quad	0
buf2:	.long	0xC3C1D4C2, 0xD9C9C4C7		# CAMBRIDG
