# bench/strings.s - storage-to-storage string work: MVCL of 2K, CLCL of 1K equal bytes, TR and
# TRT over 256 bytes, MVC and CLC of 256 bytes. 11 instructions per iteration.
	.set	BENCH_PER_ITERATION, 11
	.include "frame.inc"

	la	%r12,data
	bench_loop
loop:
	lm	%r2,%r5,mvclp-data(%r12)
	mvcl	%r2,%r4				# 2K from src to dst
	lm	%r2,%r5,clclp-data(%r12)
	clcl	%r2,%r4				# 1K, equal
	tr	buf-data(256,%r12),table-data(%r12)
	trt	buf-data(256,%r12),trttab-data(%r12)	# the first hit is the last byte
	mvc	buf2-data(256,%r12),buf-data(%r12)
	clc	buf2-data(256,%r12),buf-data(%r12)
	bc	7,fail
	la	%r7,1(%r7)
	bct	%r6,loop
	bench_end
fail:
	lpsw	bad-data(%r12)

	.align	8
data:
bad:	.long	0x000A0000, 0x000BAD10
mvclp:	.long	0x2000, 2048, 0x3000, 2048	# dst, length, src, length
clclp:	.long	0x2000, 1024, 0x3000, 1024
buf:	.fill	255, 1, 0x41
	.byte	0xFF
table:						# identity
	.irp	hi, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.irp	lo, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.byte	\hi * 16 + \lo
	.endr
	.endr
trttab:	.fill	255, 1, 0
	.byte	0x01
buf2:	.fill	256, 1, 0
	.org	0x2000
	.fill	2048, 1, 0
	.org	0x3000
	.rept	256
	.long	0xC1C2C3C4
	.endr
	.rept	256
	.long	0xC5C6C7C8
	.endr
