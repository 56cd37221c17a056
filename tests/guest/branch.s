# branch.s - branching end to end: BC and BCR masks, subroutines with BAL, BALR, BAS and BASR
# (and the BC-mode link information BAL and BALR leave), loops with BCT, BCTR, BXLE and BXH, a
# branch table, and EX (with R1 0, and ORing a length, an immediate and a mask into the target).
# Each "=> value" is the next result word (s370.inc), by hand.
	.include "s370.inc"
	LOWCORE
start:	RESULTS_INIT

# BAL: link = ILC 2 (bits 0-1 = 10), CC 0, program mask 0, return address
	la	%r2,5
	bal	%r14,double
ret1:	SAVE	%r2			# => 0000000A
	la	%r3,ret1
	sr	%r14,%r3
	SAVE	%r14			# => 80000000

# BALR after a CC 2: link = ILC 1 (01), CC 2 (10), mask 0, return address
	la	%r12,double
	ltr	%r2,%r2
	balr	%r14,%r12
ret2:	SAVE	%r2			# => 00000014
	la	%r3,ret2
	sr	%r14,%r3
	SAVE	%r14			# => 60000000

# BAS, BASR: link = the return address alone (24-bit addressing)
	bas	%r14,double
ret3:	la	%r3,ret3
	sr	%r14,%r3
	SAVE	%r14			# => 00000000
	basr	%r14,%r12
ret4:	la	%r3,ret4
	sr	%r14,%r3
	SAVE	%r14			# => 00000000
	SAVE	%r2			# => 00000050  5 doubled four times

# BALR with R2 = 0 links without branching
	balr	%r10,0
ret5:	la	%r3,ret5
	sr	%r10,%r3
	SAVE	%r10			# => 40000000  CC 0 from the last SR

# BC and BCR: each mask bit selects a CC
	la	%r4,0
	cr	%r4,%r4			# CC 0
	bc	7,bad			# 0111: not taken
	bc	8,1f			# 1000: taken
	b	bad
1:	la	%r5,2
	cr	%r4,%r5			# CC 1
	bc	0b1011,bad
	la	%r6,2f
	bcr	4,%r6			# 0100: taken
	b	bad
2:	bcr	0,%r6			# mask 0: never, not even a loop
	bcr	15,0			# R2 0: no branch
	la	%r7,1
	SAVE	%r7			# => 00000001  reached

# BCT: count 7 down to 0
	la	%r2,7
	sr	%r3,%r3
3:	la	%r3,3(%r3)
	bct	%r2,3b
	SAVE	%r3			# => 00000015  7 * 3
	SAVE	%r2			# => 00000000

# BCTR: branch through a register; with R2 0 it only counts
	la	%r4,10
	sr	%r5,%r5
	la	%r6,4f
4:	la	%r5,1(%r5)
	bctr	%r4,%r6
	SAVE	%r5			# => 0000000A
	bctr	%r4,0
	SAVE	%r4			# => FFFFFFFF

# BXLE: sum five words, index 0 to 16 step 4 (R3 even: increment r6, limit r7)
	sr	%r2,%r2
	sr	%r4,%r4
	la	%r6,4
	la	%r7,16
5:	a	%r2,table(%r4)
	bxle	%r4,%r6,5b
	SAVE	%r2			# => 0000000F
	SAVE	%r4			# => 00000014

# BXH: the same words backwards, index 16 down past 0 (increment -4, compare -1)
	sr	%r2,%r2
	la	%r8,16
	l	%r10,minus4
	l	%r11,minus1
6:	a	%r2,table(%r8)
	bxh	%r8,%r10,6b
	SAVE	%r2			# => 0000000F
	SAVE	%r8			# => FFFFFFFC

# BXLE with R3 odd: the same register is increment and limit
	la	%r2,1
	la	%r3,8
	sr	%r4,%r4
7:	la	%r4,1(%r4)
	ar	%r2,%r2
	bxle	%r2,%r3,7b		# 1 -> 2+8 = 10 > 8: stop after one pass
	SAVE	%r4			# => 00000001
	SAVE	%r2			# => 0000000A

# A branch table indexed by a register
	la	%r2,2
	sll	%r2,2
	b	jumps(%r2)
jumps:	b	bad
	b	bad
	b	8f
	b	bad
8:	la	%r3,0x77
	SAVE	%r3			# => 00000077

# EX: R1 0 runs the target as it is; otherwise bits 24-31 of R1 are ORed into its second byte
	ex	%r0,la5
	SAVE	%r5			# => 00000007
	la	%r2,3
	ex	%r2,mvc1		# MVC of 1 + 3 = 4 bytes
	l	%r3,target
	SAVE	%r3			# => C1C2C3C4
	l	%r3,target+4
	SAVE	%r3			# => 00000000  untouched
	la	%r2,0xC1
	ex	%r2,cli0		# CLI src,X'C1'
	SAVECC				# => 00000000
	la	%r2,0xC2
	ex	%r2,cli0
	SAVECC				# => 00000001  C1 < C2
	la	%r2,0xF0
	la	%r6,9f
	ex	%r2,bcr0		# BCR 15,r6
	b	bad
9:	la	%r3,0x99
	SAVE	%r3			# => 00000099
	END_OK

bad:	la	%r0,0xBAD
	SAVE	%r0
	END_OK

double:	ar	%r2,%r2
	br	%r14

	# EX targets
la5:	la	%r5,7
mvc1:	mvc	target(1),source
cli0:	cli	source,0
bcr0:	bcr	0,%r6

	.balign	4
table:	.long	1, 2, 3, 4, 5
minus4:	.long	-4
minus1:	.long	-1
source:	.byte	0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8
target:	.long	0, 0
