# fs58.s - a card deck whose program uses its 3270 console (009) through DIAGNOSE X'58'
# (tests/console/dial.sh).
#
# The deck, 80-byte cards, as `objcopy -O binary` makes it from this object:
#   card 1  the IPL record: PSW (BC mode, disabled, start at LOAD); CCW1 reads card 2 into LIST;
#           CCW2 TICs there
#   card 2  the CCW list at LIST: read cards 3-10 into LOAD, LOAD+80, ...
#   3-10    the program, 640 bytes, running at LOAD (BC mode, key 0, no operating system)
#
# DIAGNOSE X'58' (Rx: the CCW chain, Ry: the console's address; cp/diagnose.c):
#   1. X'19' display, ctl X'80' (erase the output area) line 0 "FS58 LINE ONE", command chained
#      to ctl 1 "FS58 LINE TWO": lines in CP's output area;
#   2. a 3215 read (X'0A') on 009 with an I/O interruption enabled wait: VM READ, so that the user
#      sees the lines before the program takes the screen;
#   3. X'29' ctl X'80' (Erase/Write): a protected title "FULL SCREEN BY DIAGNOSE 58" on row 1, a
#      prompt "NAME:" and an unprotected field with the cursor (IC) on row 3; the program then
#      waits for attention from 009 (the user's ENTER) ...
#   4. ... and reads with X'2A' ctl X'80' (Read Modified): AID, cursor, SBA, the field's text;
#   5. X'19' ctl 5: "FS58 GOT: " and the text (data chaining; at most 60 bytes) on line 5 of CP's
#      output area (shown when the screen is CP's again);
#   6. X'29' Erase/Write "PRESS PA1", then attention and Read Modified in a loop: PA1 (which the
#      program does not ask for, ctl X'10') gives the screen back to CP, CP READ.
# A DIAGNOSE of steps 1-6 that ends with a condition code other than 0, or an SIO that does not
# start: a disabled wait at X'BAD'. A program check: at X'EEEEEE'.

	.equ	CONS, 0x009		# the virtual console
	.equ	LOAD, 0x1000		# where cards 3-10 go
	.equ	LIST, 0x0F00		# where card 2 goes
	.equ	CSW_UNIT, 0x44		# CSW unit status
	.equ	CSW_COUNT, 0x46		# CSW residual count
	.equ	IO_OLD_CODE, 0x3A	# BC mode: device address in the I/O old PSW
	.equ	INBUF, 0x2000		# buffers outside the deck: the Read Modified record
	.equ	INLEN, 256
	.equ	LINEBUF, 0x2200		# the console line read in step 2
	.equ	LINELEN, 130
	.equ	GOTMAX, 60
	.equ	ATTN, 0x80		# unit status bits
	.equ	DE, 0x04
	.equ	AID_ENTER, 0x7D
	.equ	SF, 0x1D		# orders
	.equ	SBA, 0x11
	.equ	IC, 0x13
	.equ	WCC, 0xC3		# keyboard restore, reset MDT

	.text
	.org	0
card1:	.long	0x00000000, LOAD		# IPL PSW
	.long	0x02000000+LIST, 0x60000050	# CCW1: read card 2 into LIST, CC SLI, 80
	.long	0x08000000+LIST, 0x00000000	# CCW2: TIC to LIST
	.org	80, 0x40

card2:	.irp	n, 0, 1, 2, 3, 4, 5, 6
	.long	0x02000000+LOAD+80*\n, 0x60000050	# read one program card, CC SLI
	.endr
	.long	0x02000000+LOAD+80*7, 0x20000050	# the last one: SLI, no chaining
	.org	160, 0x40

prog:	basr	%r12,0
base:
	# Low storage: program new PSW a disabled wait at X'EEEEEE'; I/O new PSW to ioint.
	mvc	0x68(8,%r0),pgmnew-base(%r12)
	xc	0x78(4,%r0),0x78(%r0)
	la	%r1,ioint-base(%r12)
	st	%r1,0x7C(%r0)
	la	%r3,CONS			# Ry: the console, for every DIAGNOSE

	# 1. Two lines into the output area.
	la	%r2,lines-base(%r12)
	.long	0x83230058			# DIAGNOSE R2,R3,X'58'
	bc	7,fail-base(%r12)

	# 2. A console read (VM READ): the user has seen the lines.
	la	%r1,rdccw-base(%r12)
	st	%r1,0x48(%r0)			# CAW
	.insn	s,0x9c000000,CONS(%r0)		# SIO
	bc	7,fail-base(%r12)
	mvi	want-base(%r12),DE
	bal	%r14,wait-base(%r12)

	# 3. The full screen, and the user's key.
	la	%r2,fsw-base(%r12)
	.long	0x83230058
	bc	7,fail-base(%r12)
	mvi	want-base(%r12),ATTN
	bal	%r14,wait-base(%r12)

	# 4. What he typed.
	la	%r2,fsr-base(%r12)
	.long	0x83230058
	bc	6,fail-base(%r12)		# CC 1 or 2
	bc	1,fail-base(%r12)		# CC 3
	la	%r5,INLEN
	sh	%r5,CSW_COUNT(%r0)		# r5: the record's length
	l	%r11,inbufa-base(%r12)
	la	%r1,blank-base(%r12)		# nothing typed: one blank
	la	%r6,1
	cli	0(%r11),AID_ENTER
	bne	got-base(%r12)
	la	%r2,6
	sr	%r5,%r2				# AID, cursor, SBA and its address: the text follows
	bc	12,got-base(%r12)
	cli	3(%r11),SBA
	bne	got-base(%r12)
	la	%r1,6(%r11)
	lr	%r6,%r5
	la	%r2,GOTMAX
	cr	%r6,%r2
	bc	12,got-base(%r12)
	lr	%r6,%r2

	# 5. ... as a line of CP's output area.
got:	st	%r1,gotccw2-base(%r12)		# command byte 0: data chaining ignores it
	sth	%r6,gotccw2+6-base(%r12)
	la	%r2,gotccw1-base(%r12)
	.long	0x83230058
	bc	7,fail-base(%r12)

	# 6. A second screen, until PA1 gives it back to CP.
	la	%r2,fsw2-base(%r12)
	.long	0x83230058
	bc	7,fail-base(%r12)
again:	mvi	want-base(%r12),ATTN
	bal	%r14,wait-base(%r12)
	la	%r2,fsr-base(%r12)
	.long	0x83230058
	b	again-base(%r12)

# Wait for an interruption from the console with a unit status bit in `want'. Returns to r14.
wait:	lpsw	waitpsw-base(%r12)		# enabled for channel 0, wait
ioint:	clc	IO_OLD_CODE(2,%r0),cons-base(%r12)
	bne	wait-base(%r12)
	mvc	got1-base(1,%r12),CSW_UNIT(%r0)
	nc	got1-base(1,%r12),want-base(%r12)
	cli	got1-base(%r12),0
	be	wait-base(%r12)
	br	%r14

fail:	lpsw	failpsw-base(%r12)

	.balign	8
pgmnew:	.long	0x00020000, 0x00EEEEEE
waitpsw: .long	0x80020000, 0x00000000		# channel 0 enabled, wait
failpsw: .long	0x00020000, 0x00000BAD
# X'58' CCWs: command, data address; flags, ctl, count.
lines:	.long	0x19000000+LOAD+(line1-prog), 0x40800000+line1l	# erase, line 0; CC
	.long	0x19000000+LOAD+(line2-prog), 0x00010000+line2l	# line 1
fsw:	.long	0x29000000+LOAD+(screen-prog), 0x00800000+screenl	# Erase/Write
fsr:	.long	0x2A000000+INBUF, 0x20800000+INLEN			# Read Modified, SLI
gotccw1: .long	0x19000000+LOAD+(gott-prog), 0x80050000+gottl		# line 5; CD
gotccw2: .long	0, 0x00000000						# the text (set)
fsw2:	.long	0x29000000+LOAD+(screen2-prog), 0x00800000+screen2l	# Erase/Write
rdccw:	.long	0x0A000000+LINEBUF, 0x20000000+LINELEN			# 3215 read, SLI
inbufa:	.long	INBUF
cons:	.short	CONS
want:	.byte	0
got1:	.byte	0
blank:	.byte	0x40
line1:	.byte	0xC6,0xE2,0xF5,0xF8,0x40,0xD3,0xC9,0xD5,0xC5,0x40,0xD6,0xD5,0xC5	# FS58 LINE ONE
	.equ	line1l, . - line1
line2:	.byte	0xC6,0xE2,0xF5,0xF8,0x40,0xD3,0xC9,0xD5,0xC5,0x40,0xE3,0xE6,0xD6	# FS58 LINE TWO
	.equ	line2l, . - line2
gott:	.byte	0xC6,0xE2,0xF5,0xF8,0x40,0xC7,0xD6,0xE3,0x7A,0x40		# FS58 GOT:
	.equ	gottl, . - gott
# The full screen (WCC, orders, text).
screen:	.byte	WCC
	.byte	SBA,0x40,0x40, SF,0xE8				# 1,1: protected, intensified
	.byte	0xC6,0xE4,0xD3,0xD3,0x40,0xE2,0xC3,0xD9,0xC5,0xC5,0xD5,0x40,0xC2,0xE8,0x40,0xC4
	.byte	0xC9,0xC1,0xC7,0xD5,0xD6,0xE2,0xC5,0x40,0xF5,0xF8	# FULL SCREEN BY DIAGNOSE 58
	.byte	SBA,0xC2,0x60, SF,0x60				# 3,1 (160): protected
	.byte	0xD5,0xC1,0xD4,0xC5,0x7A			# NAME:
	.byte	SF,0x40, IC					# 3,7 (166): unprotected
	.byte	SBA,0xC2,0x7B, SF,0x60				# 3,28 (187): the field ends
	.equ	screenl, . - screen
screen2: .byte	WCC, SBA,0x40,0x40, SF,0xE8
	.byte	0xD7,0xD9,0xC5,0xE2,0xE2,0x40,0xD7,0xC1,0xF1	# PRESS PA1
	.equ	screen2l, . - screen2
	.org	160+640, 0
