# graf.s - a card deck whose program owns a virtual 3270 at 0C0 (tests/console/dial.sh).
#
# The deck, 80-byte cards, as `objcopy -O binary` makes it from this object:
#   card 1  the IPL record: PSW (BC mode, disabled, start at LOAD); CCW1 reads card 2 into LIST;
#           CCW2 TICs there
#   card 2  the CCW list at LIST: read cards 3-12 into LOAD, LOAD+80, ...
#   3-12    the program, 800 bytes, running at LOAD (BC mode, key 0, no operating system)
#
# The program drives the display with its own channel programs (local 3270 commands, GA23-0061):
#   - Erase/Write (X'05') of its screen: a protected, intensified title on row 1, a protected
#     prompt and a 20-position unprotected input field (the cursor in it: IC) on row 3, a
#     protected hint on row 23. When nobody has dialed the device yet the write ends with unit
#     check (intervention required): the program waits for the device end that DIAL presents,
#     enabled for I/O on channel 0, and writes again.
#   - then, in a loop, an enabled wait for attention from 0C0; Read Modified (X'06');
#     ENTER: a Write (X'01') of "ECHO: " and the field's text as it came (at most 40 bytes; a
#     blank when nothing was typed) on row 5, the rest of that row cleared (RA), the cursor back
#     in the field; PF3: a Write of "BYE" on row 7, then a disabled wait at 0; any other key
#     (CLEAR, PA): the screen again. Unit check on a read (the terminal dropped): the screen again
#     when a terminal comes back.
# An attention that an SIO finds pending (CC 1, CSW stored, busy) is remembered, not lost. An I/O
# error: a disabled wait at X'BAD'; a program check: at X'EEEEEE'.
#
# Buffer addresses are 12-bit coded (two bytes from the 6-bit code table), row r column c at
# 80 * (r - 1) + (c - 1).

	.equ	GRAF, 0x0C0		# the virtual 3270
	.equ	LOAD, 0x1000		# where cards 3-12 go
	.equ	LIST, 0x0F00		# where card 2 goes
	.equ	CSW_UNIT, 0x44		# CSW unit status
	.equ	CSW_COUNT, 0x46		# CSW residual count
	.equ	IO_OLD_CODE, 0x3A	# BC mode: device address in the I/O old PSW
	.equ	INBUF, 0x2000		# the Read Modified record (outside the deck)
	.equ	INLEN, 256
	.equ	ECHOMAX, 40
	.equ	ATTN, 0x80		# unit status bits
	.equ	BUSY, 0x10
	.equ	DE, 0x04
	.equ	UC, 0x02
	.equ	AID_ENTER, 0x7D
	.equ	AID_PF3, 0xF3
	.equ	SF, 0x1D		# orders
	.equ	SBA, 0x11
	.equ	IC, 0x13
	.equ	RA, 0x3C
	.equ	WCC, 0xC3		# keyboard restore, reset MDT

	.text
	.org	0
card1:	.long	0x00000000, LOAD		# IPL PSW
	.long	0x02000000+LIST, 0x60000050	# CCW1: read card 2 into LIST, CC SLI, 80
	.long	0x08000000+LIST, 0x00000000	# CCW2: TIC to LIST
	.org	80, 0x40

card2:	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8
	.long	0x02000000+LOAD+80*\n, 0x60000050	# read one program card, CC SLI
	.endr
	.long	0x02000000+LOAD+80*9, 0x20000050	# the last one: SLI, no chaining
	.org	160, 0x40

prog:	basr	%r12,0
base:
	# Low storage: program new PSW a disabled wait at X'EEEEEE'; I/O new PSW to ioint.
	mvc	0x68(8,%r0),pgmnew-base(%r12)
	xc	0x78(4,%r0),0x78(%r0)
	la	%r1,ioint-base(%r12)
	st	%r1,0x7C(%r0)
	l	%r11,inbufa-base(%r12)

# The screen; without a terminal, wait for one (device end) and write it again.
paint:	la	%r1,ewccw-base(%r12)
	bal	%r14,doio-base(%r12)
	tm	CSW_UNIT(%r0),UC
	bno	main-base(%r12)
	mvi	want-base(%r12),DE+ATTN
	bal	%r14,wait-base(%r12)
	b	paint-base(%r12)

# Wait for a key, read what it sent.
main:	mvi	want-base(%r12),ATTN+DE
	bal	%r14,wait-base(%r12)
	tm	got-base(%r12),ATTN		# device end: a new terminal, paint it
	bno	paint-base(%r12)
	la	%r1,rmccw-base(%r12)
	bal	%r14,doio-base(%r12)
	tm	CSW_UNIT(%r0),UC
	bo	paint-base(%r12)
	la	%r5,INLEN
	sh	%r5,CSW_COUNT(%r0)		# r5: the record's length
	cli	0(%r11),AID_PF3
	be	bye-base(%r12)
	cli	0(%r11),AID_ENTER
	bne	paint-base(%r12)
	# AID, cursor address, then SBA and address before the field's text (when modified).
	la	%r1,blank-base(%r12)		# nothing typed: echo one blank
	la	%r6,1
	la	%r2,6
	sr	%r5,%r2				# r5: the text's length
	bc	12,echo-base(%r12)		# zero or less: nothing
	cli	3(%r11),SBA
	bne	echo-base(%r12)
	la	%r1,6(%r11)
	lr	%r6,%r5
	la	%r2,ECHOMAX
	cr	%r6,%r2
	bc	12,echo-base(%r12)
	lr	%r6,%r2
echo:	st	%r1,echo2-base(%r12)		# command byte 0: data chaining ignores it
	sth	%r6,echo2+6-base(%r12)
	la	%r1,echo1-base(%r12)
	bal	%r14,doio-base(%r12)
	b	main-base(%r12)

bye:	la	%r1,byeccw-base(%r12)
	bal	%r14,doio-base(%r12)
	lpsw	okpsw-base(%r12)

# Start the channel program at r1 on the display and wait for its end (TIO); its CSW is at X'40'
# (unit check there when the terminal is not connected). Returns to r14.
doio:	st	%r1,0x48(%r0)			# CAW: key 0
sio:	.insn	s,0x9c000000,GRAF(%r0)		# SIO
	bc	8,tio-base(%r12)
	bc	2,sio-base(%r12)		# busy: again
	bc	1,fail-base(%r12)		# not operational
	tm	CSW_UNIT(%r0),BUSY		# CC 1: this start's own status ...
	bcr	14,%r14				# (not busy: return)
	tm	CSW_UNIT(%r0),ATTN		# ... or status that was pending: keep an attention
	bno	sio-base(%r12)
	mvi	attn-base(%r12),1
	b	sio-base(%r12)
tio:	.insn	s,0x9d000000,GRAF(%r0)		# TIO: collect the ending status
	bc	2,tio-base(%r12)
	bc	1,fail-base(%r12)
	br	%r14

# Wait for an interruption from the display with a unit status bit in `want' (an attention kept
# by doio counts). Returns to r14 with the status at X'44'.
wait:	tm	want-base(%r12),ATTN
	bno	wait1-base(%r12)
	cli	attn-base(%r12),1
	bne	wait1-base(%r12)
	mvi	attn-base(%r12),0
	mvi	got-base(%r12),ATTN
	br	%r14
wait1:	lpsw	waitpsw-base(%r12)		# enabled for channel 0, wait
ioint:	clc	IO_OLD_CODE(2,%r0),graf-base(%r12)
	bne	wait1-base(%r12)
	mvc	got-base(1,%r12),CSW_UNIT(%r0)
	nc	got-base(1,%r12),want-base(%r12)
	cli	got-base(%r12),0
	be	wait1-base(%r12)
	mvi	attn-base(%r12),0
	br	%r14

fail:	lpsw	failpsw-base(%r12)

	.balign	8
pgmnew:	.long	0x00020000, 0x00EEEEEE
waitpsw: .long	0x80020000, 0x00000000		# channel 0 enabled, wait
okpsw:	.long	0x00020000, 0x00000000
failpsw: .long	0x00020000, 0x00000BAD
ewccw:	.long	0x05000000+LOAD+(screen-prog), 0x20000000+screenl	# Erase/Write, SLI
rmccw:	.long	0x06000000+INBUF, 0x20000000+INLEN			# Read Modified, SLI
echo1:	.long	0x01000000+LOAD+(echoh-prog), 0x80000000+echohl		# Write, chain data
echo2:	.long	0, 0x80000000						# the text, set at run time
echo3:	.long	LOAD+(echot-prog), 0x00000000+echotl
byeccw:	.long	0x01000000+LOAD+(byet-prog), 0x00000000+byetl
inbufa:	.long	INBUF
graf:	.short	GRAF
want:	.byte	0
got:	.byte	0
attn:	.byte	0
blank:	.byte	0x40

# The screen, an Erase/Write: WCC, then orders and text.
screen:	.byte	WCC
	.byte	SBA,0x40,0x40, SF,0xE8				# 1,1: protected, intensified
	.byte	0xC3,0xC1,0xD4,0xC2,0xD9,0xC9,0xC4,0xC7,0xC5,0x40,0xE5,0xC9,0xD9,0xE3,0xE4,0xC1
	.byte	0xD3,0x40,0xF3,0xF2,0xF7,0xF0			# CAMBRIDGE VIRTUAL 3270
	.byte	SBA,0xC2,0x60, SF,0x60				# 3,1 (160): protected
	.byte	0xE3,0xE8,0xD7,0xC5,0x40,0xC8,0xC5,0xD9,0xC5,0x7A # TYPE HERE:
	.byte	SF,0x40, IC					# 3,12 (171): unprotected
	.byte	SBA,0xC3,0x40, SF,0x60				# 3,33 (192): the field ends
	.byte	SBA,0x5B,0x60, SF,0x60				# 23,1 (1760)
	.byte	0xD7,0xC6,0xF3,0x40,0xC5,0xD5,0xC4,0xE2		# PF3 ENDS
	.equ	screenl, . - screen
# The echo: "ECHO: " on row 5, the text, the rest up to row 6 nulls, the cursor in the field.
echoh:	.byte	WCC, SBA,0xC5,0x40, SF,0x60			# 5,1 (320)
	.byte	0xC5,0xC3,0xC8,0xD6,0x7A,0x40			# ECHO:
	.equ	echohl, . - echoh
echot:	.byte	RA,0xC6,0x50,0x00				# nulls to 6,1 (400)
	.byte	SBA,0xC2,0x6C, IC				# 3,13 (172)
	.equ	echotl, . - echot
byet:	.byte	WCC, SBA,0xC7,0x60, SF,0x60			# 7,1 (480)
	.byte	0xC2,0xE8,0xC5					# BYE
	.equ	byetl, . - byet
	.org	160+800, 0
