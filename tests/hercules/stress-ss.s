# stress-ss.s - storage-to-storage operations on overlapping operands, for the differential test
# against Hercules: MVC, MVN, MVZ, NC, OC, XC, CLC, TR, TRT, MVO and MVCL, CLCL (equal lengths,
# padding, zero length), with the second operand at offsets -3, -1, 0, 1, 2 and 5 bytes from the
# first and lengths 1, 2, 3, 7, 16 and 40.
#
# Before each case the 512 bytes at WORK are refilled with a pattern; the first operand is at
# WORK+128 (GR2), the second at GR2 + offset (GR3, and GR4 for MVCL and CLCL, whose lengths are
# in GR3 and GR5). Each case records 96 bytes at RESULTS:
#   0 operation id   1 offset (signed)   2 length   3 ILC/CC/PM byte after (from BALR)
#   4 the program interruption (PINFO, 6 bytes)   10 zero   11 low byte of GR2   12 GR1
#   16 GR2-GR5   32 WORK+120 to WORK+183
#
# hercules-dump: 4000:0xCA80
	.include "stress.inc"
	LOWCORE

start:	l	%r10,aresults
	la	%r13,optab
op_loop:
	cli	0(%r13),0xFF
	be	done
	la	%r6,offsets
off_loop:
	la	%r7,lengths
len_loop:
	mvc	work(256),pattern		# refill WORK
	mvc	work+256(256),pattern+256
	la	%r2,work+128
	sr	%r9,%r9
	ic	%r9,0(%r6)			# offset, sign-extended by hand
	sll	%r9,24
	sra	%r9,24
	la	%r3,0(%r9,%r2)			# GR3 -> second operand
	sr	%r11,%r11
	ic	%r11,0(%r7)			# length
	l	%r1,ones
	tm	0(%r13),1			# MVCL or CLCL: lengths and pad in registers
	bz	1f
	lr	%r4,%r3				# GR4 -> second operand
	lr	%r3,%r11			# GR3 = length
	lr	%r5,%r11			# GR5 = pad, second length: see the flags
	tm	0(%r13),2
	bz	2f
	srl	%r5,1				# half as long, padded with X'40'
2:	tm	0(%r13),4
	bz	3f
	sr	%r5,%r5				# zero long, padded with X'40'
3:	o	%r5,pad
	la	%r15,4(%r13)
	b	4f
1:	la	%r15,0(%r7)			# L - 1 selects the snippet: ((L index) * 8)
	s	%r15,alengths
	sll	%r15,3
	a	%r15,4(%r13)
4:	la	%r8,after
	balr	%r14,%r15
after:	bal	%r14,record
	la	%r7,1(%r7)
	cli	0(%r7),0
	bne	len_loop
	la	%r6,1(%r6)
	cli	0(%r6),0x7F
	bne	off_loop
	la	%r13,16(%r13)
	b	op_loop
done:	FINISH

record:	balr	%r0,0				# ILC/CC/PM in bits 0-7
	mvc	0(1,%r10),3(%r13)
	mvc	1(1,%r10),0(%r6)
	mvc	2(1,%r10),0(%r7)
	stcm	%r0,8,3(%r10)
	mvc	4(6,%r10),PINFO
	mvi	10(%r10),0
	stc	%r2,11(%r10)
	st	%r1,12(%r10)
	stm	%r2,%r5,16(%r10)
	mvc	32(64,%r10),work+120
	xc	PINFO(6),PINFO
	la	%r10,96(%r10)
	br	%r14

	.align	8
aresults: .long	RESULTS
alengths: .long	lengths
ones:	.long	0x00FFFFFF
pad:	.long	0x40000000
offsets: .byte	0xFD, 0xFF, 0x00, 0x01, 0x02, 0x05, 0x7F
lengths: .byte	1, 2, 3, 7, 16, 40, 0

# Operations, 16 bytes an entry: flags, 2 zero bytes, the id, the address of a table of six
# 8-byte snippets (one per length) or, for MVCL and CLCL (flag 1), the instruction itself.
# Flags: 1 MVCL/CLCL; 2 second length half the first; 4 second length zero.
	.macro	SSOP id, flags, mnemonic
	.balign	16
	.byte	\flags, 0, 0, \id
	.long	1f
	.fill	8, 1, 0
	.pushsection .text, 1
1:	.irp	l, 1, 2, 3, 7, 16, 40
	\mnemonic	0(\l,%r2),0(%r3)
	br	%r14
	.endr
	.popsection
	.endm
	.macro	LONGOP id, flags, mnemonic
	.balign	16
	.byte	\flags, 0, 0, \id
	\mnemonic	%r2,%r4
	br	%r14
	.balign	16, 0
	.endm

	.balign	16
optab:
	SSOP	0x01, 0, mvc
	SSOP	0x02, 0, mvn
	SSOP	0x03, 0, mvz
	SSOP	0x04, 0, nc
	SSOP	0x05, 0, oc
	SSOP	0x06, 0, xc
	SSOP	0x07, 0, clc
	SSOP	0x08, 0, tr
	SSOP	0x09, 0, trt
	LONGOP	0x0A, 1, mvcl
	LONGOP	0x0B, 3, mvcl
	LONGOP	0x0C, 5, mvcl
	LONGOP	0x0D, 1, clcl
	LONGOP	0x0E, 3, clcl
	LONGOP	0x0F, 5, clcl
	OPEND

	.balign	16
pattern:
	.irp	hi, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.irp	lo, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.byte	((\hi * 16 + \lo) * 37 + 11) % 251
	.endr
	.endr
	.org	0xC00				# below X'1000': addressed with base 0
work:	.fill	512, 1, 0
