# bench/calls.s - subroutine linkage: BAL, BALR and BR with STM/LM register save areas, one of
# which crosses a 2K block boundary (X'800') and the other a 4K page boundary (X'1000'). 12
# instructions per iteration.
	.set	BENCH_PER_ITERATION, 12
	.include "frame.inc"

	la	%r12,data
	la	%r15,sub2
	sr	%r2,%r2
	sr	%r3,%r3
	bench_loop
loop:
	bal	%r14,sub1
	la	%r2,1(%r2)
	bct	%r6,loop
	bench_end

sub1:						# 5 instructions, plus sub2's 4
	stm	%r14,%r12,0x7E0			# GR14-GR12, 60 bytes: X'7E0'-X'81B'
	la	%r3,2(%r3)
	balr	%r14,%r15
	lm	%r14,%r12,0x7E0
	br	%r14

sub2:						# 4 instructions
	stm	%r14,%r12,0xFE0			# X'FE0'-X'101B'
	ar	%r4,%r3
	lm	%r14,%r12,0xFE0
	br	%r14

	.align	8
data:
	.long	0
	.org	0x7E0
	.fill	15, 4, 0			# save area 1
	.org	0xFE0
	.fill	15, 4, 0			# save area 2
