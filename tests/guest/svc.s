# svc.s - SVC round trips: an SVC handler logs the SVC old PSW and the EC-mode word at X'88'
# (ILC at X'89', code at X'8A'), does a small service and returns with LPSW of the SVC old
# PSW. SVC 1 adds r1 and r2 into r0; any other SVC puts its number in r0. "=> value" lists the
# result words (s370.inc) each step fills, worked out by hand.
	.include "s370.inc"
	LOWCORE svc=svch
start:	RESULTS_INIT

# BC mode: the code is in the old PSW (bits 16-31), ILC 1
	la	%r1,20
	la	%r2,22
	cr	%r0,%r0
	b	s1
	.org	0x300
s1:	svc	1			# => 00000001 40000302 00000000
	SAVE	%r0			# => 0000002A  20 + 22

# SVC as the target of EX: the number is ORed in from R1, ILC 2
	la	%r2,7
	cr	%r0,%r0
	b	s2
	.org	0x340
s2:	ex	%r2,svc0		# => 00000007 80000344 00000000
	SAVE	%r0			# => 00000007

# EC mode: ILC at X'89' (bits 5-6), code at X'8A'
	lpsw	ecpsw
	.org	0x380
s3:	svc	9			# => 00080000 00000382 00020009
	SAVE	%r0			# => 00000009
	END_OK

svch:	mvc	0(8,%r15),SVC_OLD
	mvc	8(4,%r15),0x88
	la	%r15,12(%r15)
	tm	SVC_OLD+1,0x08		# EC mode?
	bo	1f
	lh	%r3,SVC_OLD+2
	b	2f
1:	lh	%r3,SVC_CODE
2:	ch	%r3,h1
	bne	3f
	lr	%r0,%r1
	ar	%r0,%r2
	lpsw	SVC_OLD
3:	lr	%r0,%r3
	lpsw	SVC_OLD

svc0:	svc	0

	.balign	8
ecpsw:	.long	0x00080000, 0x00000380	# EC mode, supervisor, every mask off
h1:	.short	1
