# stress-execute.s - EXECUTE: targets of each length, their program interruptions, and the
# instruction-length code stored for them, for the differential test against Hercules.
#
# Known difference: the S/370 Principles of Operation give ILC 2 (the length of EX) for a program
# interruption caused by the target of EXECUTE; Hercules 3.13 stores the target's own length
# (ILC 3 for an SS target). The cases below show it; see tests/hercules/known.
#
# Each case records 32 bytes at RESULTS:
#   0 case number   3 ILC/CC/PM byte after (from BALR)   4 the program or SVC interruption
#   12 GR1   16 GR2   20 GR3   24 FIELD (8 bytes)
#
# hercules-dump: 4000:0x200
	.include "stress.inc"
	LOWCORE

start:	mvc	0x060(8),svcpsw
	l	%r10,aresults
	la	%r13,cases
next:	cli	0(%r13),0xFF
	be	done
	mvc	field(8),init
	lm	%r1,%r3,4(%r13)			# GR1 modifies the target; GR2, GR3 operands
	la	%r8,after
	l	%r15,16(%r13)
	ex	%r1,0(%r15)
after:	balr	%r7,0
	mvc	0(1,%r10),0(%r13)
	xc	1(2,%r10),1(%r10)
	stcm	%r7,8,3(%r10)
	mvc	4(6,%r10),PINFO
	xc	10(2,%r10),10(%r10)
	stm	%r1,%r3,12(%r10)
	mvc	24(8,%r10),field
	xc	PINFO(6),PINFO
	la	%r10,32(%r10)
	la	%r13,20(%r13)
	b	next
done:	FINISH

	.align	8
aresults: .long	RESULTS
field:	.quad	0
init:	.byte	0x00, 0x00, 0x12, 0x3C, 0x00, 0x00, 0x04, 0x5D

# Cases, 20 bytes each: number, 3 zero bytes, GR1, GR2, GR3, target address.
	.macro	CASE n, r1, r2, r3, target
	.byte	\n, 0, 0, 0
	.long	\r1, \r2, \r3, \target
	.endm
cases:
	CASE	1, 0x00000000, 5, 7, t_ar		# AR 2,3, unmodified
	CASE	2, 0x00000023, 5, 7, t_ar0		# AR 0,0 becomes AR 2,3
	CASE	3, 0x00000033, 0x7FFFFFFF, 1, t_ar0	# AR 3,3
	CASE	4, 0x00000031, field+2, field+6, t_ap	# AP with lengths from GR1: 2,2
	CASE	5, 0x00000011, field+2, field+6, t_ap	# AP 2,2 on bad data? (2 bytes at +2, +6)
	CASE	6, 0x00000070, field, field+6, t_ap	# AP 8,1: data exception (first byte 00)
	CASE	7, 0x00000000, field+3, field+6, t_ap0	# AP 1,1: +3 + -45: bad sign? 3C ok, 5D ok
	CASE	8, 0x00000000, 0, 0, t_ex		# EX of EX: execute exception
	CASE	9, 0x00000000, 0, 0, t_odd		# odd target address: specification
	CASE	10, 0x00000000, 0, 0, t_svc		# SVC 0 under EX
	CASE	11, 0x000000AB, 0, 0, t_svc		# SVC X'AB' under EX
	CASE	12, 0x00000007, field, init, t_mvc	# MVC 8 bytes
	CASE	13, 0x00000006, field+1, init, t_mvc	# MVC into an unaligned field
	CASE	14, 0x00000055, field+1, init, t_mp	# MP 6,6: specification (L1 = L2 is fine? no: L2 < L1)
	.byte	0xFF, 0, 0, 0

	.align	8
t_ar:	ar	%r2,%r3
t_ar0:	.byte	0x1A, 0x00			# AR 0,0
t_ap:	ap	0(1,%r2),0(1,%r3)
t_ap0:	ap	0(1,%r2),0(1,%r3)
t_ex:	ex	%r0,t_ar
	.byte	0x07, 0x00
t_odd = t_ar + 1
t_svc:	.byte	0x0A, 0x00
t_mvc:	mvc	0(1,%r2),0(%r3)
t_mp:	mp	0(1,%r2),0(1,%r3)

# SVC interruptions come here (the SVC new PSW is set at start): record them like PGMH.
svch:	mvc	PINFO(2),0x022			# interruption code
	mvc	PINFO+2(4),0x024		# ILC, CC, program mask, address
	mvc	RPSW(8),0x020
	stcm	%r8,7,RPSW+5
	lpsw	RPSW
	.align	8
svcpsw:	.long	0x00000000, svch
