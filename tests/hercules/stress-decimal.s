# stress-decimal.s - packed decimal over every pair of 16 operands (lengths 1 to 8, both signs,
# minus zero, alternate sign codes, overflowing sizes, a bad digit and a bad sign), and ED/EDMK
# over 6 patterns, for the differential test against Hercules.
#
# The first operand is right-aligned in the 16 bytes at WORK1+16 (GR2 -> it), the second in the 8
# bytes at WORK2+8 (GR3 -> it). Each SS operation is called from a table of 128 snippets, one per
# pair of lengths (stress.inc SSTABLE), so that no EXECUTE is involved (stress-execute.s covers
# that). SRP takes its shift (GR6) and, in place of L2, its rounding digit from the second
# operand's table entry. Operations flagged 1 also run with program mask F (decimal overflow on).
# ED and EDMK edit each operand (right-aligned at WORK2+8, followed by more digits) into each
# pattern at WORK1.
# Each case records 64 bytes at RESULTS:
#   0 operation id   1, 2 low bytes of the addresses of the operand table entries
#   3 ILC/CC/PM byte after (from BALR)   4 the program interruption (PINFO, 6 bytes)
#   10 program mask   11 zero   12 GR1   16 WORK1 (32 bytes)   48 WORK2+8 (8 bytes)   56 GR2
#   60 zeros
#
# hercules-dump: 4000:0x3F000
	.include "stress.inc"
	LOWCORE

start:	l	%r10,aresults
	la	%r13,optab
op_loop:
	cli	0(%r13),0xFF
	be	ed_part
	sr	%r11,%r11			# program mask 0 first
pm_loop:
	la	%r4,dvals
i_loop:
	la	%r5,dvals
j_loop:
	xc	work1(32),work1
	mvc	work1+24(8),8(%r4)
	mvc	work2+8(8),8(%r5)
	sr	%r9,%r9
	ic	%r9,0(%r4)			# L1 - 1
	la	%r2,work1+31
	sr	%r2,%r9				# GR2 -> first operand
	sll	%r9,4
	sr	%r0,%r0
	ic	%r0,0(%r5)			# L2 - 1
	la	%r3,work2+15
	sr	%r3,%r0				# GR3 -> second operand
	sr	%r6,%r6
	ic	%r6,1(%r5)			# SRP shift
	tm	0(%r13),2
	bz	1f
	ic	%r0,2(%r5)			# SRP rounding digit in place of L2 - 1
1:	or	%r9,%r0
	sll	%r9,3				# ((L1 - 1) * 16 + (L2 - 1)) * 8
	tm	0(%r13),4
	bz	2f
	sr	%r9,%r9				# one snippet only
2:	l	%r15,4(%r13)
	ar	%r15,%r9
	l	%r1,ones
	spm	%r11
	la	%r8,after
	balr	%r14,%r15
after:	bal	%r14,record
	la	%r1,dvals_end
	la	%r5,16(%r5)
	clr	%r5,%r1
	bl	j_loop
	la	%r4,16(%r4)
	clr	%r4,%r1
	bl	i_loop
	tm	0(%r13),1			# a second pass with the program mask on?
	bz	next_op
	ltr	%r11,%r11
	bnz	next_op
	l	%r11,pm_on
	b	pm_loop
next_op:
	la	%r13,8(%r13)
	b	op_loop

ed_part:					# GR4 -> pattern entry, GR5 -> operand entry
	la	%r13,edtab
ed_op:	cli	0(%r13),0xFF
	be	done
	sr	%r11,%r11
	la	%r4,patterns
ed_pat:	la	%r5,dvals
ed_val:	xc	work1(32),work1
	mvc	work1(24),8(%r4)
	mvc	work2+8(8),8(%r5)
	sr	%r9,%r9
	ic	%r9,0(%r4)			# pattern length - 1
	sll	%r9,3
	la	%r2,work1
	sr	%r0,%r0
	ic	%r0,0(%r5)
	la	%r3,work2+15
	sr	%r3,%r0				# GR3 -> the operand, more digits follow it
	l	%r15,4(%r13)
	ar	%r15,%r9
	l	%r1,ones
	spm	%r11
	la	%r8,ed_after
	balr	%r14,%r15
ed_after:
	bal	%r14,record
	la	%r1,dvals_end
	la	%r5,16(%r5)
	clr	%r5,%r1
	bl	ed_val
	la	%r1,patterns_end
	la	%r4,32(%r4)
	clr	%r4,%r1
	bl	ed_pat
	la	%r13,8(%r13)
	b	ed_op
done:	FINISH

# Record one case; GR7 is the only register it changes besides GR10.
record:	balr	%r7,0
	mvc	0(1,%r10),3(%r13)
	stc	%r4,1(%r10)
	stc	%r5,2(%r10)
	stcm	%r7,8,3(%r10)
	mvc	4(6,%r10),PINFO
	stcm	%r11,8,10(%r10)
	mvi	11(%r10),0
	st	%r1,12(%r10)
	mvc	16(32,%r10),work1
	mvc	48(8,%r10),work2+8
	st	%r2,56(%r10)
	xc	60(4,%r10),60(%r10)
	xc	PINFO(6),PINFO
	la	%r10,64(%r10)
	br	%r14

	.align	8
aresults: .long	RESULTS
pm_on:	.long	0x0F000000
ones:	.long	0x00FFFFFF
work1:	.fill	32, 1, 0
work2:	.fill	16, 1, 0
	.byte	0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x5C	# more source digits for ED
	.byte	0x98, 0x76, 0x54, 0x32, 0x10, 0x98, 0x76, 0x5D

# Operand table, 16 bytes an entry: length - 1, SRP shift (6 bits), SRP rounding digit, 5 zero
# bytes, then the operand right-aligned in 8 bytes.
	.macro	DV len, shift, round, b0=0, b1=0, b2=0, b3=0, b4=0, b5=0, b6=0, b7=0
	.byte	\len - 1, \shift, \round, 0, 0, 0, 0, 0
	.byte	\b0, \b1, \b2, \b3, \b4, \b5, \b6, \b7
	.endm
	.balign	16
dvals:
	DV	1, 0, 0,    b7=0x0C				# +0
	DV	1, 1, 5,    b7=0x0D				# -0
	DV	1, 63, 5,   b7=0x9C				# +9
	DV	1, 2, 0,    b7=0x7F				# +7, sign F
	DV	2, 62, 5,   b6=0x12, b7=0x3D			# -123
	DV	2, 3, 9,    b6=0x99, b7=0x9C			# +999
	DV	3, 33, 5,   b5=0x00, b6=0x00, b7=0x1C		# +1, leading zeros
	DV	3, 31, 0,   b5=0x12, b6=0x34, b7=0x5B		# -12345, sign B
	DV	4, 60, 7,   b4=0x99, b5=0x99, b6=0x99, b7=0x9C	# +9999999
	DV	5, 4, 5,    b3=0x12, b4=0x34, b5=0x56, b6=0x78, b7=0x9C
	DV	5, 32, 5,   b7=0x0D				# -0 in 5 bytes
	DV	8, 15, 5,   b7=0x1C				# +1 in 8 bytes
	DV	8, 1, 5,    b0=0x99, b1=0x99, b2=0x99, b3=0x99, b4=0x99, b5=0x99, b6=0x99, b7=0x9C
	DV	8, 48, 5,   b0=0x12, b1=0x34, b2=0x56, b3=0x78, b4=0x90, b5=0x12, b6=0x34, b7=0x5D
	DV	2, 1, 5,    b6=0x1A, b7=0x2C			# bad digit
	DV	2, 0, 0,    b6=0x12, b7=0x34			# bad sign
dvals_end:

# Edit patterns, 32 bytes an entry: length - 1, 7 zero bytes, the pattern (up to 24 bytes).
	.macro	PAT len, bytes:vararg
	.balign	32
	.byte	\len - 1, 0, 0, 0, 0, 0, 0, 0
	.byte	\bytes
	.balign	32, 0
	.endm
	.balign	32
patterns:
	PAT	10, 0x40, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x21, 0x20, 0x20
	PAT	10, 0x5C, 0x20, 0x20, 0x6B, 0x20, 0x20, 0x20, 0x4B, 0x20, 0x20
	PAT	12, 0x40, 0x20, 0x21, 0x20, 0x22, 0x20, 0x20, 0x4B, 0x20, 0x20, 0xC3, 0xD9
	PAT	17, 0xF0, 0x21, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20
	PAT	6, 0x40, 0x20, 0x20, 0x20, 0x60, 0x20
	PAT	4, 0x21, 0x20, 0x20, 0x20
patterns_end:

# Operations, 8 bytes an entry: flags, 2 zero bytes, the id, the snippet table's address.
# Flags: 1 also with program mask F, 2 SRP (rounding digit in place of L2), 4 one snippet.
	.macro	DOP id, flags, table
	.byte	\flags, 0, 0, \id
	.long	\table
	.endm
	.balign	8
optab:
	DOP	0x01, 1, t_ap
	DOP	0x02, 1, t_sp
	DOP	0x03, 1, t_zap
	DOP	0x04, 0, t_cp
	DOP	0x05, 0, t_mp
	DOP	0x06, 0, t_dp
	DOP	0x07, 0, t_mvo
	DOP	0x08, 0, t_pack
	DOP	0x09, 0, t_unpk
	DOP	0x0A, 3, t_srp
	DOP	0x0B, 4, t_cvb
	.byte	0xFF, 0, 0, 0, 0, 0, 0, 0
edtab:
	DOP	0x20, 0, t_ed
	DOP	0x21, 0, t_edmk
	.byte	0xFF, 0, 0, 0, 0, 0, 0, 0

# The snippet tables, above X'1000': reached through GR15 only.
	.org	0x1000
t_ap:	SSTABLE	ap
t_sp:	SSTABLE	sp
t_zap:	SSTABLE	zap
t_cp:	SSTABLE	cp
t_mp:	SSTABLE	mp
t_dp:	SSTABLE	dp
t_mvo:	SSTABLE	mvo
t_pack:	SSTABLE	pack
t_unpk:	SSTABLE	unpk
t_srp:	.irp	l1, 1, 2, 3, 4, 5, 6, 7, 8
	.irp	i3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	srp	0(\l1,%r2),0(%r6),\i3
	br	%r14
	.endr
	.endr
t_cvb:	cvb	%r2,work1+24
	br	%r14
t_ed:	.irp	l, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24
	ed	0(\l,%r2),0(%r3)
	br	%r14
	.endr
t_edmk:	.irp	l, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24
	edmk	0(\l,%r2),0(%r3)
	br	%r14
	.endr
