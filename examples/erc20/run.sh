#!/usr/bin/env bash
# The main job, end to end: compile the example ERC20 (Coin.json, from Coin.sol) into verified
# Move modules, then deploy it on the embedded Move runtime and call it, every step through
# the `evmove` command line. The state lives in target/examples/erc20/state.json between calls.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=target/examples/erc20
rm -rf "$out"
mkdir -p "$out"
evmove() { cargo run --quiet -p evmove -- "$@"; }
coin=examples/erc20/Coin.json
bob=0x0000000000000000000000000000000000000b0b

echo "== evmove compile: EVM code → verified Move modules"
evmove compile "$coin" -o "$out/modules"
evmove disasm "$out/modules/Coin.mv" | head -n 12

echo "== evmove call: deploy, and transfer 250 COIN to bob"
deployed=$(evmove call "$coin" --state "$out/state.json" \
    --constructor-arg Coin --constructor-arg COIN --constructor-arg 1000000 \
    --function transfer "$bob" 250)
echo "$deployed"
address=$(echo "$deployed" | sed -n 's/^  address: //p')

echo "== evmove call: bob's balance"
evmove call "$coin" --state "$out/state.json" --at "$address" --function balanceOf "$bob"

echo "== evmove call: a transfer beyond the balance reverts with the contract's error"
if evmove call "$coin" --state "$out/state.json" --at "$address" --from "$bob" \
    --function transfer 0x00000000000000000000000000000000000a11ce 1000; then
    echo "error: the transfer should have reverted" >&2
    exit 1
fi
