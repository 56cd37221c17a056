# load.s - the guest of the load benchmark (bench/load.c, docs/bench.md): a card deck that IPLs a
# program which computes, prompts on its console, reads a line and echoes it, for ever.
#
# The deck, 80-byte cards, as `objcopy -O binary -j .text` makes it from this object (the layout of
# tests/ipl/echo.s):
#
#   card 1  the IPL record: PSW (BC mode, disabled, start at X'1020'); CCW1 reads card 2 into
#           X'F00'; CCW2 TICs there
#   card 2  the CCW list at X'F00': read cards 3-10 into X'1000', X'1050', ...
#   3-10    the program, 640 bytes at X'1000'
#
# The frame the driver reads (and may patch) in the deck, at X'1000' (deck offset 160):
#
#   X'1000'  8 bytes  "LOADBNCH" in EBCDIC: the mark
#   X'1008'  word     N: iterations of the compute loop per round
#   X'100C'  word     instructions per iteration (10)
#   X'1010'  word     instructions per round besides the loop (prompt, read, echo: exact when
#                     no attention interrupts come in between, which add a few)
#   X'1014'  word     the 4K pages of storage the program touches (3: see below)
#
# One round: N iterations of a ten-instruction loop (loads, adds, a store, shifts, logical
# operations, an 8-byte MVC, BCT) on a work area; then "LOAD READY" on the 3215 at 009; a read
# (CP shows VM READ and the channel defers the read until a line is typed); "ECHO: " and the line
# as typed (data chaining), unless the line is empty. Each I/O operation waits for its device end
# in an enabled wait (channel 0 only), so a guest waiting for its user costs the host nothing. An
# attention (a line typed before the read was started) is passed over: the read takes the line.
# A unit check or a device that is not there stops the program in a disabled wait at X'BAD'.
#
# Storage touched: the 4K pages at 0 (low storage and the CCW list), X'1000' (the program) and
# X'2000' (the input line and the work area): 12 KiB of the virtual machine's storage.
#
# The program is position independent (BASR base register, label differences only), so the
# object needs no relocation.

	.equ	CONS, 0x009		# the console's device address
	.equ	LOAD, 0x1000		# where cards 3-10 go
	.equ	LIST, 0x0F00		# where card 2 goes
	.equ	CSW_UNIT, 0x44		# CSW unit status
	.equ	CSW_COUNT, 0x46		# CSW residual count
	.equ	IO_OLD_CODE, 0x3A	# BC mode: device address in the I/O old PSW
	.equ	INLEN, 130		# read count
	.equ	BUFS, 0x2000		# the input line at BUFS, the work area at BUFS+256
	.equ	PER_ITER, 10		# instructions in one iteration of the compute loop
	.equ	ITERS, 30000		# default N: 300,000 instructions a round

	.text
	.org	0
card1:	.long	0x00000000, LOAD+0x20		# IPL PSW
	.long	0x02000000+LIST, 0x60000050	# CCW1: read card 2 into LIST, CC SLI, 80
	.long	0x08000000+LIST, 0x00000000	# CCW2: TIC to LIST
	.org	80, 0x40

card2:	.irp	n, 0, 1, 2, 3, 4, 5, 6
	.long	0x02000000+LOAD+80*\n, 0x60000050	# read one program card, CC SLI
	.endr
	.long	0x02000000+LOAD+80*7, 0x20000050	# the last one: SLI, no chaining
	.org	160, 0x40

frame:	.byte	0xD3,0xD6,0xC1,0xC4,0xC2,0xD5,0xC3,0xC8	# LOADBNCH
iters:	.long	ITERS
	.long	PER_ITER
	.long	OVERHEAD
	.long	3				# pages 0, X'1000' and X'2000'
	.org	frame+0x20, 0

prog:	basr	%r12,0
base:
	# Low storage: program new PSW a disabled wait at X'EEEEEE'; I/O new PSW to ioint.
	mvc	0x68(8,%r0),pgmnew-base(%r12)
	xc	0x78(4,%r0),0x78(%r0)
	la	%r1,ioint-base(%r12)
	st	%r1,0x7C(%r0)
	# The CCWs' data addresses (absolute, so made at run time).
	l	%r11,bufs-base(%r12)		# the input line
	la	%r10,256(%r11)			# the work area
	xc	0(32,%r10),0(%r10)
	la	%r1,prompt-base(%r12)
	st	%r1,pccw-base(%r12)
	mvi	pccw-base(%r12),0x09		# write, carriage return
	st	%r11,rccw-base(%r12)
	mvi	rccw-base(%r12),0x0A		# read inquiry
	la	%r1,prefix-base(%r12)
	st	%r1,echo1-base(%r12)
	mvi	echo1-base(%r12),0x09		# write "ECHO: " ...
	st	%r11,echo2-base(%r12)		# ... data chained to the line
	lr	%r9,%r12			# the frame, which lies below the base
	sh	%r9,toframe-base(%r12)

# One round: 1 + N x PER_ITER instructions of computing, then the console (OVERHEAD in all).
round:	l	%r4,iters-frame(%r9)
comp:	l	%r6,0(%r10)			# 1
	a	%r6,4(%r10)			# 2
	st	%r6,8(%r10)			# 3
	lr	%r7,%r6				# 4
	sll	%r7,3				# 5
	xr	%r7,%r6				# 6
	n	%r7,mask-base(%r12)		# 7
	ar	%r8,%r7				# 8
	mvc	16(8,%r10),4(%r10)		# 9
	bct	%r4,comp-base(%r12)		# 10
	st	%r8,0(%r10)
	la	%r1,pccw-base(%r12)		# "LOAD READY"
	bal	%r14,doio-base(%r12)
	la	%r1,rccw-base(%r12)		# the user's line
	bal	%r14,doio-base(%r12)
	la	%r5,INLEN
	sh	%r5,CSW_COUNT(%r0)		# length = count - residual
	bnp	round-base(%r12)		# nothing typed: no echo
	sth	%r5,echo2+6-base(%r12)
	la	%r1,echo1-base(%r12)		# "ECHO: " and the line
	bal	%r14,doio-base(%r12)
	b	round-base(%r12)
	# Per round besides the loop: l, st, 2 x la+bal, la, sh, bnp, sth, la, bal, b (12), and
	# 3 x doio (st, sio, bc, lpsw, clc, bne, tm, bc, tm, bcr: 10).
	.equ	OVERHEAD, 12 + 3 * 10

# Run the channel program at r1 on the console and wait for its device end; return to r14.
doio:	st	%r1,0x48(%r0)			# CAW: key 0
sio:	.insn	s,0x9c000000,CONS(%r0)		# SIO
	bc	8,wait-base(%r12)		# started
	bc	2,sio-base(%r12)		# busy: again
	bc	1,fail-base(%r12)		# not operational
	tm	CSW_UNIT(%r0),0x04		# CC 1: the CSW holds status; ended at once?
	bcr	1,%r14
	b	sio-base(%r12)			# an attention: start again
wait:	lpsw	waitpsw-base(%r12)		# enabled for channel 0, wait
ioint:	clc	IO_OLD_CODE(2,%r0),cons-base(%r12)
	bne	wait-base(%r12)
	tm	CSW_UNIT(%r0),0x02		# unit check
	bo	fail-base(%r12)
	tm	CSW_UNIT(%r0),0x04		# device end: done
	bcr	1,%r14
	b	wait-base(%r12)			# an attention: wait on

fail:	lpsw	failpsw-base(%r12)

	.balign	8
pgmnew:	.long	0x00020000, 0x00EEEEEE
waitpsw: .long	0x80020000, 0x00000000		# channel 0 enabled, wait
failpsw: .long	0x00020000, 0x00000BAD
pccw:	.long	0, 0x20000000+promptl		# write "LOAD READY", SLI
rccw:	.long	0, 0x20000000+INLEN		# read: SLI
echo1:	.long	0, 0x80000006			# "ECHO: ", chain data
echo2:	.long	0, 0x20000000			# the line, its length set at run time
bufs:	.long	BUFS
mask:	.long	0x00FFFF0F
cons:	.short	CONS
toframe: .short	base-frame
prompt:	.byte	0xD3,0xD6,0xC1,0xC4,0x40,0xD9,0xC5,0xC1,0xC4,0xE8	# LOAD READY
	.equ	promptl, . - prompt
prefix:	.byte	0xC5,0xC3,0xC8,0xD6,0x7A,0x40	# "ECHO: "
	.org	160+640, 0
