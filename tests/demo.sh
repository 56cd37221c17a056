#!/bin/sh
# The README's demo works: the program computes the first 40 Fibonacci numbers and
# cambridge-machine --text shows them. Skipped (77) without the s390x cross tools.
[ -f machine/demo.bin ] || { echo "no machine/demo.bin (no s390x cross tools)"; exit 77; }
out=$(./cambridge-machine --load machine/demo.bin@0 --text 2000:1280) || { echo "demo failed"; exit 1; }
echo "$out" | sed -n '1p;40p'
lines=$(echo "$out" | wc -l)
[ "$lines" -eq 40 ] || { echo "expected 40 lines, got $lines"; exit 1; }
echo "$out" | sed -n 1p | grep -qx 'F(   1) =           1' || { echo "line 1 wrong"; exit 1; }
echo "$out" | sed -n 20p | grep -qx 'F(  20) =       6,765' || { echo "line 20 wrong"; exit 1; }
echo "$out" | sed -n 40p | grep -qx 'F(  40) = 102,334,155' || { echo "line 40 wrong"; exit 1; }
echo "demo: ok"
