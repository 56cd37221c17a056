# bench/io.s - the I/O benchmark (docs/bench.md): N records of 800 bytes written on the 3350 at
# device address 190, 19 to a track and one SIO per track, then all read back, one SIO per track,
# and checked. Only S/370 instructions (SIO and TIO as .insn); BC mode throughout.
#
# Its own frame, not bench/frame.inc (which has no I/O new PSW). Real storage:
#   000  IPL PSW: BC mode, every interruption disabled, key 0, supervisor state; starts at 400
#   038  I/O old PSW (BC mode: the device address in bytes 2-3), 040 CSW, 048 CAW
#   068  program new PSW: disabled wait at X'0BAD00' (never taken)
#   078  I/O new PSW: BC mode, every interruption disabled, at io_end (the end of the wait)
#   1F0  "IOBENCH " in EBCDIC: bench/bench runs an image with this mark as the I/O benchmark
#   200  N, the number of records (the driver patches it; a 3350 holds at most 316,350)
#   204  records per track, 19 (the driver sizes the volume from it)
#   208  TOD clock (STCK) before the first write, 210 after the last write's interruption
#   218  the success PSW: disabled wait at 0
#   220  TOD clock after the last read's interruption
#   228  records written, 22C records read, 230 records read back wrong, 234 SIOs started
#   238  the CSW of a failing I/O operation, 240 the 24 sense bytes after a unit check
#   258  the data length of a record, 800
#   260  the time of the write phase's I/O operations, 268 of the read phase's (TOD units)
#   300  GR0-GR15 at the end
#   400  code, then the channel programs, their arguments and the data pattern; the records to
#        write are built at X'10000' (count and data, 808 bytes each), read into X'20000'
#
# Record n (1 to N) is record n - 19t on track t = (n - 1) / 19, cylinder t / 30, head t mod 30:
# count CCHHR, key length 0, data length 800; data: n in the first word, then a fixed pattern.
# The channel programs, all command-chained, for a track of k records:
#   write  seek BBCCHH; search ID equal CCHH R0; TIC *-8; write count key and data R1 ... Rk
#   read   seek BBCCHH; then for each record: search ID equal CCHHRi; TIC *-8; read data
# After each SIO the program waits for its I/O interruption in an enabled wait (channel 1 only),
# whose CSW must show channel end and device end, no channel status, a residual count of 0 and
# the program's last CCW. It reads the TOD clock (on Cambridge: the host's clock) just before the
# SIO and just after the interruption and adds the difference to the phase's I/O time: the host
# time of the channel program, the device and its file, the interruption, and the five
# instructions from the SIO to the wait. A record read back is wrong when its number or its
# pattern differs. Anything unexpected stops the program in a disabled wait at:
#   0BAD00  a program interruption              0BAD04  an interruption from another device
#   0BAD01  SIO condition code 1 (CSW at 238)   0BAD05  other status (CSW at 238, sense at 240)
#   0BAD02  SIO condition code 2                0BAD06  the program ended early (CSW at 238)
#   0BAD03  SIO condition code 3
#
# Registers: r2 records to go, r3 records on this track (k), r4 SIOs, r5 records wrong, r7 the
# record buffer, r8 the record number, r9 the record loop's count, r10 the pattern, r11 CCHH of
# the track, r12 the phase's I/O time, r13 records done in this phase, r14 return address; r0,
# r1, r15 scratch.

	.equ	DEV, 0x190		# the 3350
	.equ	RPT, 19			# records per track: 19 of 800 bytes fill a 3350 track
	.equ	DL, 800			# data length
	.equ	SLOT, 8 + DL		# a record to write: count and data
	.equ	WBUF, 0x10000		# the records to write
	.equ	RBUF, 0x20000		# the records read
	.equ	IO_OLD_CODE, 0x3A	# BC mode: device address in the I/O old PSW
	.equ	CSW, 0x40
	.equ	CAW, 0x48

	.text
	.org	0x000
	.long	0x00000000, start		# IPL PSW
	.org	0x068
	.long	0x000A0000, 0x000BAD00		# program new PSW
	.org	0x078
	.long	0x00000000, io_end		# I/O new PSW
	.org	0x1F0
	.byte	0xC9, 0xD6, 0xC2, 0xC5, 0xD5, 0xC3, 0xC8, 0x40	# IOBENCH
	.org	0x200
n:	.long	10000				# N, patched
	.long	RPT
tod0:	.quad	0				# before writing
tod1:	.quad	0				# after writing, before reading
okpsw:	.long	0x000A0000, 0x00000000		# success PSW
tod2:	.quad	0				# after reading
written: .long	0
readn:	.long	0
wrong:	.long	0
sios:	.long	0
failcsw: .quad	0
sense:	.fill	24, 1, 0
	.long	DL
	.org	0x260
iowrite: .quad	0
ioread:	.quad	0
	.org	0x300
	.fill	16, 4, 0			# final GR0-GR15
	.org	0x400

start:	la	%r10,pattern
	sr	%r4,%r4
	sr	%r5,%r5
# The R, KL and DL of each record to write stay the same from track to track.
	l	%r7,wbuf_a
	la	%r1,1
	la	%r9,RPT
init:	stc	%r1,4(%r7)			# R
	mvi	5(%r7),0			# KL
	mvc	6(2,%r7),dl_h			# DL
	la	%r1,1(%r1)
	la	%r7,SLOT(%r7)
	bct	%r9,init

# Write: build the track's records, run its channel program, go on to the next track.
	l	%r2,n
	la	%r8,1
	sr	%r11,%r11
	la	%r12,iowrite
	sr	%r13,%r13
	stck	tod0
	ltr	%r2,%r2
	bnp	wdone
wtrack:	la	%r3,RPT				# k = min(19, records to go)
	cr	%r2,%r3
	bnl	wk
	lr	%r3,%r2
wk:	lr	%r9,%r3
	st	%r11,seekcchh
	st	%r11,wsrch
	l	%r7,wbuf_a
wrec:	st	%r11,0(%r7)			# count: CCHH
	st	%r8,8(%r7)			# data: the record number, then the pattern
	mvc	12(256,%r7),0(%r10)
	mvc	268(256,%r7),256(%r10)
	mvc	524(256,%r7),512(%r10)
	mvc	780(28,%r7),768(%r10)
	la	%r8,1(%r8)
	la	%r7,SLOT(%r7)
	bct	%r9,wrec
	lr	%r1,%r3
	sll	%r1,3
	la	%r1,wccws-8(%r1)		# the track's last write CCW ...
	mvi	4(%r1),0x00			# ... ends the chain
	la	%r0,wprog
	bal	%r14,do_io
	mvi	4(%r1),0x40			# chained again, for the next track
	ar	%r13,%r3
	bal	%r14,next_track
	sr	%r2,%r3
	bp	wtrack
wdone:	st	%r13,written
	stck	tod1

# Read: the track's search arguments, its channel program, then check each record.
	l	%r2,n
	la	%r8,1
	sr	%r11,%r11
	la	%r12,ioread
	sr	%r13,%r13
	ltr	%r2,%r2
	bnp	rdone
rtrack:	la	%r3,RPT
	cr	%r2,%r3
	bnl	rk
	lr	%r3,%r2
rk:	lr	%r9,%r3
	st	%r11,seekcchh
	la	%r7,rsrch
rarg:	st	%r11,0(%r7)			# CCHH before each R
	la	%r7,8(%r7)
	bct	%r9,rarg
	lr	%r1,%r3
	mh	%r1,h24
	la	%r1,rprog(%r1)			# the track's last read data CCW ...
	mvi	4(%r1),0x00			# ... ends the chain
	la	%r0,rprog
	bal	%r14,do_io
	mvi	4(%r1),0x40
	l	%r7,rbuf_a
	lr	%r9,%r3
vrec:	c	%r8,0(%r7)			# the record number
	bne	vbad
	clc	4(256,%r7),0(%r10)		# the pattern
	bne	vbad
	clc	260(256,%r7),256(%r10)
	bne	vbad
	clc	516(256,%r7),512(%r10)
	bne	vbad
	clc	772(28,%r7),768(%r10)
	be	vok
vbad:	la	%r5,1(%r5)
vok:	la	%r8,1(%r8)
	la	%r7,DL(%r7)
	bct	%r9,vrec
	ar	%r13,%r3
	bal	%r14,next_track
	sr	%r2,%r3
	bp	rtrack
rdone:	stck	tod2
	st	%r13,readn
	st	%r5,wrong
	st	%r4,sios
	stm	%r0,%r15,0x300
	lpsw	okpsw

# The next track: the next head, or head 0 of the next cylinder after head 29.
next_track:
	ah	%r11,h1
	lr	%r15,%r11
	n	%r15,hmask
	ch	%r15,heads_h
	bcr	4,%r14				# head < 30
	a	%r11,nextcyl
	br	%r14

# Run the channel program at r0 whose last CCW is at r1 and wait for its end; add its time to the
# doubleword at r12. Changes r4 and r15.
do_io:	st	%r0,CAW				# CAW: key 0
	la	%r4,1(%r4)
	stck	iot0
	.insn	s,0x9C000000,DEV		# SIO
	bc	4,cc1
	bc	2,cc2
	bc	1,cc3
	lpsw	waitpsw				# enabled for channel 1, wait
io_end:	stck	iot1
	l	%r15,iot1+4			# the time: the low words' difference, exact below
	sl	%r15,iot0+4			# 2**32 units (a second)
	al	%r15,4(%r12)
	st	%r15,4(%r12)
	bc	12,io_chk			# no carry
	l	%r15,0(%r12)
	al	%r15,f1
	st	%r15,0(%r12)
io_chk:	clc	IO_OLD_CODE(2),devaddr
	bne	other
	cli	CSW+4,0x0C			# channel end, device end
	bne	status
	cli	CSW+5,0				# no channel status
	bne	status
	clc	CSW+6(2),zero			# residual count 0
	bne	status
	l	%r15,CSW
	n	%r15,amask
	sr	%r15,%r1
	ch	%r15,h8				# the CCW address: the last CCW + 8
	bne	early
	br	%r14

cc1:	mvc	failcsw(8),CSW
	lpsw	bad1
cc2:	lpsw	bad2
cc3:	lpsw	bad3
other:	lpsw	bad4
early:	mvc	failcsw(8),CSW
	lpsw	bad6
status:	mvc	failcsw(8),CSW
	tm	CSW+4,0x02			# unit check: read the sense bytes
	bno	stop5
	la	%r0,sensccw
	st	%r0,CAW
	.insn	s,0x9C000000,DEV		# SIO
	bc	7,stop5
tio:	.insn	s,0x9D000000,DEV		# TIO: clear the sense command's status
	bc	2,tio
stop5:	lpsw	bad5

	.balign	8
waitpsw: .long	0x40020000, 0x00000000		# channel 1 enabled, wait
bad1:	.long	0x000A0000, 0x000BAD01
bad2:	.long	0x000A0000, 0x000BAD02
bad3:	.long	0x000A0000, 0x000BAD03
bad4:	.long	0x000A0000, 0x000BAD04
bad5:	.long	0x000A0000, 0x000BAD05
bad6:	.long	0x000A0000, 0x000BAD06
wbuf_a:	.long	WBUF
rbuf_a:	.long	RBUF
amask:	.long	0x00FFFFFF
hmask:	.long	0x0000FFFF
nextcyl: .long	0x00010000 - 30			# cylinder + 1, head 30 back to 0
f1:	.long	1
iot0:	.quad	0				# TOD before the SIO
iot1:	.quad	0				# TOD after the interruption
h1:	.short	1
h8:	.short	8
h24:	.short	24
heads_h: .short	30
dl_h:	.short	DL
zero:	.short	0
devaddr: .short	DEV

# The write channel program; the CCW after the last record's is never reached.
	.balign	8
wprog:	.long	0x07000000 + seekarg, 0x40000006	# seek, chained
	.long	0x31000000 + wsrch, 0x40000005		# search ID equal R0
	.long	0x08000000 + wprog + 8, 0		# TIC back to the search
wccws:	.set	i, 0
	.rept	RPT
	.long	0x1D000000 + WBUF + SLOT * i, 0x40000000 + SLOT	# write count key and data
	.set	i, i + 1
	.endr

# The read channel program: seek, then search ID equal, TIC and read data for each record.
rprog:	.long	0x07000000 + seekarg, 0x40000006
	.set	i, 0
	.rept	RPT
	.long	0x31000000 + rsrch + 8 * i, 0x40000005
	.long	0x08000000 + rprog + 8 + 24 * i, 0
	.long	0x06000000 + RBUF + DL * i, 0x40000000 + DL	# read data
	.set	i, i + 1
	.endr

sensccw: .long	0x04000000 + sense, 0x20000018	# sense, 24 bytes, SLI

# Arguments: BBCCHH for the seek (CCHH on a word boundary), CCHHR for the searches.
	.balign	4
	.short	0
seekarg: .short	0				# BB
seekcchh: .long	0				# CCHH
wsrch:	.long	0				# CCHH, R0
	.byte	0
	.balign	8
rsrch:	.set	i, 1
	.rept	RPT
	.long	0				# CCHH, set for each track
	.byte	i, 0, 0, 0			# R
	.set	i, i + 1
	.endr

# The 796 bytes after the record number.
pattern: .set	i, 0
	.rept	DL - 4
	.byte	(i * 7 + 3) & 0xFF
	.set	i, i + 1
	.endr
