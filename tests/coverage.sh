#!/bin/sh
# Every instruction in the table has a test: a unit test named test_<mnemonic>_... in
# tests/machine/check_*.c, or a guest program in tests/guest/*.s that uses it (tests/insn-coverage.sh).
# Run from the build directory by `make check`; fails naming the instructions without a test.
top=${srcdir:-.}
exec "$top/tests/insn-coverage.sh" --check ./machine/insn-list "$top"
