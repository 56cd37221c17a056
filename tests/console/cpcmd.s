# cpcmd.s - a card deck that asks CP a question with DIAGNOSE X'08' (tests/console/daemon.sh).
#
# The deck, 80-byte cards, as `objcopy -O binary` makes it from this object:
#   card 1  the IPL record: PSW (BC mode, disabled, start at LOAD); CCW1 reads card 2 into LIST;
#           CCW2 TICs there
#   card 2  the CCW list at LIST: read cards 3-5 into LOAD, LOAD+80, LOAD+160
#   3-5     the program, 240 bytes, running at LOAD
#
# The program issues DIAGNOSE X'08' with the command "QUERY USERS" and a response buffer at
# BUF, writes "DIAG8 RC=n " and the response's first line on the 3215 at 009, and stops in a
# disabled wait at 0 (at X'BAD' when the console fails).

	.equ	CONS, 0x009
	.equ	LOAD, 0x1000
	.equ	LIST, 0x0F00
	.equ	BUF, 0x2000		# the response buffer, 256 bytes
	.equ	BUFL, 256

	.text
	.org	0
card1:	.long	0x00000000, LOAD		# IPL PSW
	.long	0x02000000+LIST, 0x60000050	# CCW1: read card 2 into LIST, CC SLI, 80
	.long	0x08000000+LIST, 0x00000000	# CCW2: TIC to LIST
	.org	80, 0x40

card2:	.long	0x02000000+LOAD, 0x60000050	# the program cards, command chained
	.long	0x02000000+LOAD+80, 0x60000050
	.long	0x02000000+LOAD+160, 0x20000050
	.org	160, 0x40

prog:	basr	%r12,0
base:	la	%r2,cmd-base(%r12)		# Rx: the command
	l	%r3,bufa-base(%r12)		# Rx+1: the response buffer
	l	%r4,cmdlen-base(%r12)		# Ry: X'40' (response wanted) and the length
	la	%r5,BUFL			# Ry+1: the buffer's length
	.long	0x83240008			# DIAGNOSE R2,R4,X'08'
	# Ry is the return code (one digit here), Ry+1 the response's length, its lines ending
	# in X'15': show the first line.
	stc	%r4,rc-base(%r12)
	oi	rc-base(%r12),0xF0		# the digit in EBCDIC
	l	%r1,bufa-base(%r12)
	lr	%r6,%r1
first:	cli	0(%r6),0x15
	be	found-base(%r12)
	la	%r6,1(%r6)
	bct	%r5,first-base(%r12)
found:	sr	%r6,%r1				# the first line's length
	st	%r1,ccw2-base(%r12)
	sth	%r6,ccw2+6-base(%r12)
	la	%r1,prefix-base(%r12)
	st	%r1,ccw1-base(%r12)
	mvi	ccw1-base(%r12),0x09		# write, carriage return, data chained to the line
	la	%r1,ccw1-base(%r12)
	st	%r1,0x48(%r0)			# CAW
sio:	.insn	s,0x9c000000,CONS(%r0)		# SIO
	bc	2,sio-base(%r12)
	bc	1+4,fail-base(%r12)
tio:	.insn	s,0x9d000000,CONS(%r0)		# TIO until the end
	bc	2,tio-base(%r12)
	lpsw	okpsw-base(%r12)
fail:	lpsw	failpsw-base(%r12)

	.balign	8
okpsw:	.long	0x00020000, 0x00000000
failpsw: .long	0x00020000, 0x00000BAD
ccw1:	.long	0, 0x8000000B			# "DIAG8 RC=n ", chain data
ccw2:	.long	0, 0x20000000			# the line; its length set at run time
bufa:	.long	BUF
cmdlen:	.long	0x40000000+cmdl
cmd:	.byte	0xD8,0xE4,0xC5,0xD9,0xE8,0x40,0xE4,0xE2,0xC5,0xD9,0xE2	# QUERY USERS
	.equ	cmdl, . - cmd
prefix:	.byte	0xC4,0xC9,0xC1,0xC7,0xF8,0x40,0xD9,0xC3,0x7E	# DIAG8 RC=
rc:	.byte	0xF0, 0x40
	.org	400, 0x40
