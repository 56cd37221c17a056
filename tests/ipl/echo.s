# echo.s - a card deck that IPLs a small console program (tests/ipl/ipl.sh).
#
# The deck, 80-byte cards, as `objcopy -O binary` makes it from this object:
#
#   card 1  the IPL record: PSW (BC mode, disabled, start at X'1000'); CCW1 reads card 2 into
#           X'F00'; CCW2 TICs there
#   card 2  the CCW list at X'F00': read cards 3-10 into X'1000', X'1050', ...
#   3-10    the program, 640 bytes, running at X'1000'
#
# The program is position independent (BASR base register, label differences only), so the
# object needs no relocation. It writes "ENTER A LINE:" on the 3215 at 009, waits for attention
# in an enabled wait, reads the line, and writes "ECHO: " and the line in upper case (data
# chaining); "quit" writes "BYE" and stops in a disabled wait at 0 (an I/O error: at X'BAD').
# An attention that an SIO finds pending (CC 1, CSW stored) is remembered, not lost.

	.equ	CONS, 0x009		# the console's device address
	.equ	LOAD, 0x1000		# where cards 3-10 go
	.equ	LIST, 0x0F00		# where card 2 goes
	.equ	CSW_UNIT, 0x44		# CSW unit status
	.equ	CSW_COUNT, 0x46		# CSW residual count
	.equ	IO_OLD_CODE, 0x3A	# BC mode: device address in the I/O old PSW
	.equ	INLEN, 130		# read count
	.equ	BUFS, 0x2000		# inbuf at BUFS, 130 blanks at BUFS+256 (outside the deck)

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
	# The buffers (r11) and the CCWs' data addresses (absolute, so made at run time).
	l	%r11,bufs-base(%r12)
	mvi	256(%r11),0x40
	mvc	257(INLEN-1,%r11),256(%r11)	# blanks
	la	%r1,prefix-base(%r12)
	st	%r1,echo1-base(%r12)
	mvi	echo1-base(%r12),0x09		# write, carriage return: "ECHO: " ...
	st	%r11,echo2-base(%r12)		# ... data chained to the line at BUFS

loop:	la	%r2,prompt-base(%r12)
	la	%r3,promptl
	bal	%r14,write-base(%r12)
	bal	%r14,getline-base(%r12)			# r5 = length of the line at BUFS
	ltr	%r5,%r5
	bz	loop-base(%r12)
	lr	%r1,%r5				# upper case: OR X'40' into every byte
	bctr	%r1,0
	ex	%r1,upper-base(%r12)
	la	%r1,4
	cr	%r5,%r1
	bne	echo-base(%r12)
	clc	0(4,%r11),quit-base(%r12)
	be	bye-base(%r12)
echo:	sth	%r5,echo2+6-base(%r12)
	la	%r1,echo1-base(%r12)
	bal	%r14,doio-base(%r12)
	b	loop-base(%r12)

bye:	la	%r2,byetext-base(%r12)
	la	%r3,byel
	bal	%r14,write-base(%r12)
	lpsw	okpsw-base(%r12)

# Write r3 bytes at r2 with a carriage return after them.
write:	st	%r2,wccw-base(%r12)
	mvi	wccw-base(%r12),0x09
	sth	%r3,wccw+6-base(%r12)
	la	%r1,wccw-base(%r12)
	# fall through: run the channel program at r1, return to r14

# Start the channel program at r1 on the console and wait for its end (TIO).
doio:	st	%r1,0x48(%r0)			# CAW: key 0
sio:	.insn	s,0x9c000000,CONS(%r0)		# SIO
	bc	8,tio-base(%r12)
	bc	2,sio-base(%r12)				# busy: again
	bc	1,fail-base(%r12)				# not operational
	tm	CSW_UNIT(%r0),0x80		# CC 1: the CSW holds pending status
	bno	sio-base(%r12)
	mvi	attn-base(%r12),1		# an attention: keep it
	b	sio-base(%r12)
tio:	.insn	s,0x9d000000,CONS(%r0)		# TIO: collect the ending status
	bc	2,tio-base(%r12)
	bc	1,fail-base(%r12)
	br	%r14

# Wait for attention, then read a line: r5 = its length.
getline:
	cli	attn-base(%r12),1
	be	read-base(%r12)
	lpsw	waitpsw-base(%r12)		# enabled for channel 0, wait
ioint:	clc	IO_OLD_CODE(2,%r0),cons-base(%r12)
	bne	getline-base(%r12)
	tm	CSW_UNIT(%r0),0x80
	bno	getline-base(%r12)
read:	mvi	attn-base(%r12),0
	st	%r11,rccw-base(%r12)
	mvi	rccw-base(%r12),0x0A		# read inquiry
	la	%r1,rccw-base(%r12)
	lr	%r6,%r14
	bal	%r14,doio-base(%r12)
	lr	%r14,%r6
	la	%r5,INLEN
	sh	%r5,CSW_COUNT(%r0)		# length = count - residual
	br	%r14

fail:	lpsw	failpsw-base(%r12)

upper:	oc	0(1,%r11),256(%r11)

	.balign	8
pgmnew:	.long	0x00020000, 0x00EEEEEE
waitpsw: .long	0x80020000, 0x00000000		# channel 0 enabled, wait
okpsw:	.long	0x00020000, 0x00000000
failpsw: .long	0x00020000, 0x00000BAD
wccw:	.long	0, 0x20000000			# write: command, address, count set at run time
rccw:	.long	0, 0x20000000+INLEN		# read: SLI
echo1:	.long	0, 0x80000006			# "ECHO: ", chain data
echo2:	.long	0, 0x20000000			# the line, its length set at run time
bufs:	.long	BUFS
cons:	.short	CONS
attn:	.byte	0
prompt:	.byte	0xC5,0xD5,0xE3,0xC5,0xD9,0x40,0xC1,0x40,0xD3,0xC9,0xD5,0xC5,0x7A	# ENTER A LINE:
	.equ	promptl, . - prompt
prefix:	.byte	0xC5,0xC3,0xC8,0xD6,0x7A,0x40	# "ECHO: "
quit:	.byte	0xD8,0xE4,0xC9,0xE3		# QUIT
byetext: .byte	0xC2,0xE8,0xC5			# BYE
	.equ	byel, . - byetext
	.org	160+640, 0
