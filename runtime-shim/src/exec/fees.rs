//! A transaction's own gas and fees, as revm's handler charges them around the first frame
//! (`revm_handler::{validation, pre_execution, post_execution}`):
//!
//! - **before** ([`Fees::check`]): the checks that need no state (the transaction's type is
//!   in the fork, its price covers the base fee, its gas limit fits the block's and, from
//!   Osaka, EIP-7825's cap, EIP-3860's initcode limit, EIP-4844's blob checks), the intrinsic
//!   gas and the EIP-7623 floor (revm's `GasParams::initial_tx_gas` for the fork: 21,000,
//!   calldata tokens, creation and initcode words, access-list entries) within the gas limit;
//!   then ([`Fees::charge_sender`]) those against the sender: no code (EIP-3607), its nonce
//!   if the transaction carries one, a balance covering gas limit × max price + value + the
//!   blob gas at its max price; the sender pays gas limit × effective price and the blob gas
//!   at the block's blob base fee up front.
//! - **after** ([`Fees::settle`]): the refund counter capped (EIP-3529 from London: a fifth
//!   of the gas spent, before: half), and only on success; the gas used no lower than the
//!   floor (Prague); the sender repaid the gas left at the effective price; the coinbase paid
//!   the gas used at the priority fee (from London; before, at the whole price). The base
//!   fee and the blob fee are burnt.
//!
//! An invalid transaction has no outcome ([`InvalidTx`]); a block holding one is rejected.

use alloy_primitives::{Address, B256, U256};
use revm_interpreter::{
    context_interface::block::calc_blob_gasprice,
    primitives::{eip3860, eip4844, eip7825, hardfork::SpecId},
};

use crate::host::{
    env::{BlockEnv, Transaction},
    gas::Schedule,
};

/// The most gas a transaction may have from Osaka (EIP-7825).
pub use revm_interpreter::primitives::eip7825::TX_GAS_LIMIT_CAP;

/// Why a transaction is invalid: it cannot be included in a block at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTx {
    /// The transaction's nonce is not the sender's.
    #[error("the transaction's nonce is {tx}, the sender's is {state}")]
    WrongNonce {
        /// The transaction's.
        tx: u64,
        /// The sender's in the state.
        state: u64,
    },
    /// The sender's nonce cannot grow.
    #[error("sender {0}'s nonce is at its maximum")]
    NonceOverflow(Address),
    /// The sender has code (EIP-3607).
    #[error("sender {0} has code (EIP-3607)")]
    SenderHasCode(Address),
    /// The sender cannot pay the most the transaction may cost.
    #[error("sender {sender} has {balance} wei, the transaction may cost {needed}")]
    InsufficientBalance {
        /// The sender.
        sender: Address,
        /// Its balance.
        balance: U256,
        /// Gas limit × max price + value (+ blob gas × max blob price).
        needed: U256,
    },
    /// The most the transaction may cost does not fit 256 bits.
    #[error("the transaction's maximum cost overflows 256 bits")]
    CostOverflow,
    /// The transaction's type came with a later fork.
    #[error("{kind} transactions are not valid before {fork:?}")]
    TypeNotInFork {
        /// The type.
        kind: &'static str,
        /// The fork that brought it.
        fork: SpecId,
    },
    /// The price the transaction pays is below the block's base fee.
    #[error("gas price {price} is below the base fee {basefee}")]
    PriceBelowBaseFee {
        /// The transaction's (max) price.
        price: U256,
        /// The block's base fee.
        basefee: U256,
    },
    /// EIP-1559: the priority fee exceeds the max fee.
    #[error("max priority fee {priority} exceeds max fee {max}")]
    PriorityAboveMax {
        /// The max priority fee per gas.
        priority: U256,
        /// The max fee per gas.
        max: U256,
    },
    /// The gas limit exceeds the block's.
    #[error("gas limit {limit} exceeds the block's {block}")]
    AboveBlockGasLimit {
        /// The transaction's.
        limit: u64,
        /// The block's.
        block: u64,
    },
    /// The gas limit exceeds EIP-7825's cap (Osaka).
    #[error("gas limit {limit} exceeds the cap {cap} (EIP-7825)")]
    AboveGasCap {
        /// The transaction's.
        limit: u64,
        /// The cap.
        cap: u64,
    },
    /// The intrinsic gas exceeds the gas limit.
    #[error("intrinsic gas {intrinsic} exceeds the gas limit {limit}")]
    IntrinsicAboveLimit {
        /// The intrinsic gas.
        intrinsic: u64,
        /// The gas limit.
        limit: u64,
    },
    /// The EIP-7623 floor exceeds the gas limit (Prague).
    #[error("the calldata floor {floor} exceeds the gas limit {limit} (EIP-7623)")]
    FloorAboveLimit {
        /// The floor.
        floor: u64,
        /// The gas limit.
        limit: u64,
    },
    /// A creation's initcode exceeds EIP-3860's limit (Shanghai).
    #[error("initcode of {size} bytes exceeds the limit of {max} (EIP-3860)")]
    InitcodeTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// EIP-4844: the block's blob base fee exceeds the transaction's max.
    #[error("blob base fee {blob_basefee} exceeds the max fee per blob gas {max}")]
    BlobPriceAboveMax {
        /// The block's.
        blob_basefee: U256,
        /// The transaction's.
        max: U256,
    },
    /// EIP-4844: a blob transaction without blobs.
    #[error("a blob transaction carries no blob hashes")]
    NoBlobs,
    /// EIP-4844: a versioned hash of an unknown version.
    #[error("blob hash {0} is not of the KZG version")]
    BlobVersion(B256),
    /// EIP-4844: a blob transaction cannot create.
    #[error("a blob transaction cannot create a contract")]
    BlobCreation,
}

/// What a valid transaction pays, worked out before it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fees {
    /// The price per gas it pays (EIP-1559: min(max fee, base fee + priority fee)).
    pub gas_price: U256,
    /// The intrinsic gas, spent before the first frame.
    pub intrinsic: u64,
    /// The least gas it uses (EIP-7623, from Prague; else 0).
    pub floor: u64,
    /// The blob gas it pays at the block's blob base fee (EIP-4844).
    blob_fee: U256,
}

/// How the gas came out, after the transaction ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settlement {
    /// Gas used, refund taken off and floor applied (what the EVM reports).
    pub gas_used: u64,
    /// The refund given (capped).
    pub refunded: u64,
    /// Wei back to the sender: the gas not used at the price paid.
    pub sender_refund: U256,
    /// Wei to the coinbase.
    pub tip: U256,
}

impl Fees {
    /// The checks that need no state and the intrinsic gas (see the module doc).
    pub fn check(
        tx: &Transaction,
        block: &BlockEnv,
        schedule: &Schedule,
    ) -> Result<Self, InvalidTx> {
        let spec = block.spec;
        let gas_price = effective_gas_price(tx, block)?;
        let blob_fee = check_blobs(tx, block)?;
        if spec.is_enabled_in(SpecId::OSAKA) && tx.gas_limit > eip7825::TX_GAS_LIMIT_CAP {
            return Err(InvalidTx::AboveGasCap {
                limit: tx.gas_limit,
                cap: eip7825::TX_GAS_LIMIT_CAP,
            });
        }
        if tx.gas_limit > block.gas_limit {
            return Err(InvalidTx::AboveBlockGasLimit {
                limit: tx.gas_limit,
                block: block.gas_limit,
            });
        }
        let is_create = tx.to.is_none();
        if spec.is_enabled_in(SpecId::SHANGHAI)
            && is_create
            && tx.data.len() > eip3860::MAX_INITCODE_SIZE
        {
            return Err(InvalidTx::InitcodeTooLarge {
                size: tx.data.len(),
                max: eip3860::MAX_INITCODE_SIZE,
            });
        }
        let slots = tx
            .access_list
            .iter()
            .map(|(_, slots)| slots.len())
            .sum::<usize>();
        let gas = schedule.params.initial_tx_gas(
            &tx.data,
            is_create,
            tx.access_list.len() as u64,
            slots as u64,
            0,
            None,
        );
        let intrinsic = gas.initial_total_gas();
        if intrinsic > tx.gas_limit {
            return Err(InvalidTx::IntrinsicAboveLimit {
                intrinsic,
                limit: tx.gas_limit,
            });
        }
        let floor = if spec.is_enabled_in(SpecId::PRAGUE) {
            gas.floor_gas()
        } else {
            0
        };
        if floor > tx.gas_limit {
            return Err(InvalidTx::FloorAboveLimit {
                floor,
                limit: tx.gas_limit,
            });
        }
        Ok(Self {
            gas_price,
            intrinsic,
            floor,
            blob_fee,
        })
    }

    /// The most `tx` may cost its sender, value included: what its balance must cover.
    fn max_cost(tx: &Transaction) -> Result<U256, InvalidTx> {
        let gas = U256::from(tx.gas_limit).checked_mul(tx.gas_price);
        let blobs = match tx.max_fee_per_blob_gas {
            Some(max) => blob_gas(tx).checked_mul(max),
            None => Some(U256::ZERO),
        };
        gas.zip(blobs)
            .and_then(|(gas, blobs)| gas.checked_add(blobs)?.checked_add(tx.value))
            .ok_or(InvalidTx::CostOverflow)
    }

    /// The sender's balance once it has paid for `tx`'s gas up front, checking what the
    /// sender must have first: its nonce (if `tx` carries one), no code, enough balance.
    pub fn charge_sender(
        &self,
        tx: &Transaction,
        nonce: u64,
        has_code: bool,
        balance: U256,
    ) -> Result<U256, InvalidTx> {
        if has_code {
            return Err(InvalidTx::SenderHasCode(tx.sender));
        }
        match tx.nonce {
            Some(u64::MAX) => return Err(InvalidTx::NonceOverflow(tx.sender)),
            Some(tx_nonce) if tx_nonce != nonce => {
                return Err(InvalidTx::WrongNonce {
                    tx: tx_nonce,
                    state: nonce,
                })
            }
            _ => {}
        }
        let needed = Self::max_cost(tx)?;
        if balance < needed {
            return Err(InvalidTx::InsufficientBalance {
                sender: tx.sender,
                balance,
                needed,
            });
        }
        // Cannot underflow: the effective price is at most the max price.
        Ok(balance - U256::from(tx.gas_limit) * self.gas_price - self.blob_fee)
    }

    /// The gas used and who gets what, for a transaction with `tx.gas_limit` that left
    /// `gas_left` in its first frame and ended with `refund` on the counter (taken only if
    /// it `succeeded`).
    pub fn settle(
        &self,
        tx: &Transaction,
        block: &BlockEnv,
        schedule: &Schedule,
        gas_left: u64,
        refund: i64,
        succeeded: bool,
    ) -> Settlement {
        let spent = tx.gas_limit - gas_left.min(tx.gas_limit);
        let refunded = if succeeded {
            u64::try_from(refund)
                .unwrap_or(0)
                .min(spent / schedule.params.max_refund_quotient())
        } else {
            0
        };
        let gas_used = (spent - refunded).max(self.floor);
        let tip_price = if block.spec.is_enabled_in(SpecId::LONDON) {
            self.gas_price.saturating_sub(block.basefee)
        } else {
            self.gas_price
        };
        Settlement {
            gas_used,
            refunded,
            sender_refund: U256::from(tx.gas_limit - gas_used) * self.gas_price,
            tip: U256::from(gas_used) * tip_price,
        }
    }
}

/// The price per gas `tx` pays in `block`, checking that its type is in the fork and that
/// it covers the base fee (revm's `validate_tx_env`).
fn effective_gas_price(tx: &Transaction, block: &BlockEnv) -> Result<U256, InvalidTx> {
    let in_fork = |kind, fork| {
        if block.spec.is_enabled_in(fork) {
            Ok(())
        } else {
            Err(InvalidTx::TypeNotInFork { kind, fork })
        }
    };
    let price = match tx.max_priority_fee_per_gas {
        None => {
            if !tx.access_list.is_empty() {
                in_fork("EIP-2930", SpecId::BERLIN)?;
            }
            tx.gas_price
        }
        Some(priority) => {
            in_fork("EIP-1559", SpecId::LONDON)?;
            if priority > tx.gas_price {
                return Err(InvalidTx::PriorityAboveMax {
                    priority,
                    max: tx.gas_price,
                });
            }
            tx.gas_price.min(block.basefee.saturating_add(priority))
        }
    };
    if price < block.basefee {
        return Err(InvalidTx::PriceBelowBaseFee {
            price: tx.gas_price,
            basefee: block.basefee,
        });
    }
    Ok(price)
}

/// The blob fee `tx` pays at the block's blob base fee, checking a blob transaction
/// (revm's `validate_eip4844_tx`); zero for other transactions.
fn check_blobs(tx: &Transaction, block: &BlockEnv) -> Result<U256, InvalidTx> {
    let Some(max) = tx.max_fee_per_blob_gas else {
        return Ok(U256::ZERO);
    };
    if !block.spec.is_enabled_in(SpecId::CANCUN) {
        return Err(InvalidTx::TypeNotInFork {
            kind: "EIP-4844",
            fork: SpecId::CANCUN,
        });
    }
    if tx.to.is_none() {
        return Err(InvalidTx::BlobCreation);
    }
    if block.blob_basefee > max {
        return Err(InvalidTx::BlobPriceAboveMax {
            blob_basefee: block.blob_basefee,
            max,
        });
    }
    if tx.blob_hashes.is_empty() {
        return Err(InvalidTx::NoBlobs);
    }
    if let Some(hash) =
        (tx.blob_hashes.iter()).find(|h| h[0] != eip4844::VERSIONED_HASH_VERSION_KZG)
    {
        return Err(InvalidTx::BlobVersion(*hash));
    }
    Ok(blob_gas(tx).saturating_mul(block.blob_basefee))
}

/// The blob gas of `tx` (EIP-4844: per blob hash).
fn blob_gas(tx: &Transaction) -> U256 {
    U256::from(eip4844::GAS_PER_BLOB) * U256::from(tx.blob_hashes.len())
}

/// The blob base fee (BLOBBASEFEE) of a block with `excess_blob_gas` at `spec`
/// (EIP-4844; EIP-7691's update fraction from Prague), by revm's function.
pub fn blob_basefee(excess_blob_gas: u64, spec: SpecId) -> U256 {
    let fraction = if spec.is_enabled_in(SpecId::PRAGUE) {
        eip4844::BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE
    } else {
        eip4844::BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN
    };
    U256::from(calc_blob_gasprice(excess_blob_gas, fraction))
}
