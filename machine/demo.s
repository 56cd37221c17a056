# demo.s - the quick-start demo for cambridge-machine: the first 40 Fibonacci numbers, computed in
# packed decimal (ZAP, AP) and edited (ED) into EBCDIC text at X'2000', one 32-byte line each,
# ending in an EBCDIC new-line (X'15'). Then a disabled wait.
#
#   build/cambridge-machine --load build/machine/demo.bin@0 --text 2000:1280
#
# Everything the program addresses without a base register lies below X'1000'.

	.text
	.org	0
	.long	0x00000000, 0x00000200	# IPL PSW: BC mode, key 0, start at X'200'
	.org	0x68
	.long	0x00020000, 0x00EEEEEE	# program new PSW: a disabled wait, so a check stops

	.org	0x200
start:	l	%r5,outaddr(0)		# where the next line goes
	la	%r6,40			# lines to make
loop:	mvc	0(32,%r5),pattern(0)
	ed	2(4,%r5),count(0)	# line number
	ed	9(12,%r5),fb+3(0)	# F(n): the low nine digits
	zap	t(8,0),fb(8,0)		# F(n+1) = F(n) + F(n-1)
	ap	fb(8,0),fa(8,0)
	zap	fa(8,0),t(8,0)
	ap	count(2,0),one(1,0)
	la	%r5,32(%r5)
	bct	%r6,loop(0)
	lpsw	done(0)

	.align	8
done:	.long	0x00020000, 0x00000000	# disabled wait: the demo is over
outaddr: .long	0x2000
fa:	.quad	0x000000000000000C	# F(0) = +0
fb:	.quad	0x000000000000001C	# F(1) = +1
t:	.quad	0
count:	.byte	0x00, 0x1C		# +1
one:	.byte	0x1C
# "F(nnn) = ddd,ddd,ddd", blank-padded to 31 bytes, then a new-line.
pattern: .byte	0xC6, 0x4D			# F(
	.byte	0x40, 0x20, 0x21, 0x20		# edit: three digits
	.byte	0x5D, 0x40, 0x7E		# ) =
	.byte	0x40, 0x20, 0x20, 0x20, 0x6B, 0x20, 0x20, 0x20, 0x6B, 0x20, 0x21, 0x20
	.fill	10, 1, 0x40
	.byte	0x15
