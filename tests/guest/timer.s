# timer.s - the clock comparator end to end: set it 1 ms ahead of the TOD clock, load an
# enabled wait, and resume in the external new PSW's handler, which checks the interruption
# code (X'1004' in the BC old PSW) and that the clock has passed the comparator. Under
# cambridge-machine the wait sleeps until the comparator is due. The clock values (now, ckc,
# later) differ between runs and machines; the control flow does not.
	.include "s370.inc"
	LOWCORE
start:	RESULTS_INIT
	mvc	EXT_NEW(8),extpsw	# external interruptions go to handler
	lctl	0,0,cr0			# CR0: the clock-comparator subclass only (bit 20)
	stck	now
	lm	%r2,%r3,now
	al	%r3,onems		# + 1 ms (4096000 TOD units)
	bc	12,1f			# no carry
	al	%r2,one
1:	stm	%r2,%r3,ckc
	sckc	ckc
	stckc	back
	clc	back(8),ckc
	SAVECC				# => 00000000
	lpsw	waitpsw			# enabled wait: only the comparator can end it
	SAVE	%r15			# (never reached)

handler:
	l	%r2,EXT_OLD
	SAVE	%r2			# => 01021004  the wait PSW's mask, wait bit, code X'1004'
	l	%r2,EXT_OLD+4
	n	%r2,amask		# (the ILC is unpredictable for an external interruption)
	SAVE	%r2			# => 00000000  its address: resume
	stck	later
	clc	later(8),ckc
	SAVECC				# => 00000002  the clock passed the comparator
	la	%r3,0			# leave no time-dependent value in a register
	END_OK

	.align	8
extpsw:	.long	0x00000000, handler	# BC, disabled, supervisor
waitpsw: .long	0x01020000, 0		# BC, external mask, wait
cr0:	.long	0x00000800
onems:	.long	4096000
one:	.long	1
amask:	.long	0x00FFFFFF
	.align	8
now:	.long	0, 0
ckc:	.long	0, 0
later:	.long	0, 0
back:	.long	0, 0
