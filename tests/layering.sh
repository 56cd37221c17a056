#!/bin/sh
# Layering is checked, not hoped for: arrows point down only (DESIGN.md section 1).
#   machine/ and tapes/ never include cp/, console/ or cms/;  tapes/ never includes machine/ (the
#   device models in machine/ use the tape images, not the other way round);  lib/ includes only lib/;
#   cp/ never includes console/;  cms/ includes nothing from the host tree but cms/.
top=${srcdir:-.}
fail=0
check() { # folder, forbidden-prefix regex
	hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*\"($2)" "$top/$1" 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "layering violation in $1/ (may not include $2):"
		echo "$hits"
		fail=1
	fi
}
check machine 'cp/|console/|cms/'
check tapes 'cp/|console/|cms/|machine/'
check lib 'cp/|console/|cms/|machine/|tapes/'
check cp 'console/|cms/'
check cms 'cp/|console/|machine/|tapes/|lib/'
# The check must be able to fail: it finds a violation planted in a scratch tree.
scratch=$(mktemp -d)
mkdir -p "$scratch/machine"
echo '#include "cp/vm.h"' > "$scratch/machine/x.c"
if ! grep -rqE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(cp/)' "$scratch/machine"; then
	echo "layering check cannot see a planted violation"; fail=1
fi
rm -rf "$scratch"
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
