# pgm.s - program interruptions end to end. A program-check handler logs each interruption
# (the program old PSW, then the EC-mode code word at X'8C') and resumes the program in
# supervisor state. Each faulting instruction sits at a fixed address so that the old PSW can be
# written down by hand: "=> value" lists the result words (s370.inc) each step fills.
	.include "s370.inc"
	LOWCORE pgm=pgmh
start:	RESULTS_INIT

# Fixed-point overflow with the program mask bit on: completed, CC 3, code 0008, ILC 2
	l	%r2,pm8			# CC 0, program mask 1000
	spm	%r2
	l	%r3,maxint
	b	t1
	.org	0x300
t1:	a	%r3,one			# => 00000008 B8000304 00000000
	SAVE	%r3			# => 80000000  the sum is stored

# Data exception: an invalid digit in AP's first operand; code 0007, ILC 3
	cr	%r0,%r0
	b	t2
	.org	0x340
t2:	ap	bad(2),good(2)		# => 00000007 C8000346 00000000

# Operation exception: opcode 00; code 0001, ILC 1, suppressed
	cr	%r0,%r0
	b	t3
	.org	0x380
t3:	.short	0x0000			# => 00000001 48000382 00000000

# Fixed-point divide exception: divide by zero; code 0009, ILC 1, r4:r5 unchanged
	sr	%r4,%r4
	la	%r5,5
	sr	%r6,%r6
	b	t4
	.org	0x3C0
t4:	dr	%r4,%r6			# => 00000009 480003C2 00000000
	SAVE	%r5			# => 00000005

# Privileged-operation exception: SSM in the problem state (PSW bit 15); code 0002, ILC 2
	lpsw	probpsw
	.org	0x400
t5:	ssm	zero			# => 00010002 80000404 00000000

# Specification exception: M with an odd R1; code 0006, ILC 2
	l	%r2,pm8
	spm	%r2
	b	t6
	.org	0x440
t6:	.insn	rx,0x5C000000,%r3,one	# => 00000006 88000444 00000000  (M 3,one)

# Execute exception: EX of EX; code 0003, ILC 2
	cr	%r0,%r0
	b	t7
	.org	0x480
t7:	ex	%r0,exex		# => 00000003 88000484 00000000

# An exception in the target of EX: ILC 2 (the EX), old PSW past the EX
	cr	%r0,%r0
	b	t8
	.org	0x4C0
t8:	ex	%r0,opx			# => 00000001 880004C4 00000000

# Decimal-divide exception: DP by zero; code 000B, ILC 3
	cr	%r0,%r0
	b	t9
	.org	0x500
t9:	dp	dvd(4),zero1(1)		# => 0000000B C8000506 00000000

# EC mode: the code goes to X'8E' and the ILC to X'8D' (bits 5-6), not into the old PSW
	lpsw	ecpsw
	.org	0x540
t10:	.short	0x0000			# => 00080000 00000542 00020001
	END_OK

# Log the old PSW and the EC-mode ILC and code, and go back in the supervisor state.
pgmh:	mvc	0(8,%r15),PGM_OLD
	mvc	8(4,%r15),0x8C
	la	%r15,12(%r15)
	ni	PGM_OLD+1,0xFE
	lpsw	PGM_OLD

exex:	ex	%r0,opx
opx:	.short	0x0000

	.balign	8
probpsw: .long	0x00010000, 0x00000400	# BC mode, problem state, program mask 0
ecpsw:	.long	0x00080000, 0x00000540	# EC mode, supervisor, every mask off
pm8:	.long	0x08000000
maxint:	.long	0x7FFFFFFF
one:	.long	1
zero:	.long	0
bad:	.byte	0x1A, 0x2C
good:	.byte	0x00, 0x1C
dvd:	.byte	0x00, 0x00, 0x10, 0x0C
zero1:	.byte	0x0C
