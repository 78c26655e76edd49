//! The context a transaction's frames run in: the [`Host`] shared by all its frames (the
//! state view, the journal, the block and the transaction) and the executing [`Frame`].
//! Neither knows the Move VM: the executor (`exec`) builds them, and reaches the natives
//! through them.

use std::cell::{RefCell, RefMut};

use alloy_primitives::{Address, Bytes, U256};
use revm_precompile::{PrecompileSpecId, Precompiles};

use super::{
    env::{BlockEnv, SpecId, Transaction},
    gas::{GasCell, Schedule},
    memory::Memory,
    outcome::{EvmoveFailure, Fatal, FatalCause, FrameEnd},
};
use crate::{
    journal::Journal,
    state::{StateError, StateView},
};

/// One transaction's shared state.
pub struct Host<'a> {
    /// The state the transaction reads.
    pub view: &'a dyn StateView,
    /// The block.
    pub block: &'a BlockEnv,
    /// The transaction (ORIGIN, BLOBHASH).
    pub tx: &'a Transaction,
    /// GASPRICE: the price per gas the transaction pays (`exec::fees`; until the runtime
    /// sets it, `tx.gas_price`).
    pub gas_price: U256,
    /// The gas schedule of the block's fork (one per fork for the process).
    pub schedule: &'static Schedule,
    /// The precompiles of the block's fork (always warm).
    pub precompiles: &'static Precompiles,
    /// Everything read and written so far, with undo entries.
    pub journal: RefCell<Journal>,
    /// Why the transaction stops ([`Fatal`]): a state read that failed, or a frame evmove
    /// could not run (the first cause met is kept).
    pub fatal: RefCell<Option<FatalCause>>,
    /// Memories of ended frames, emptied, for new frames to reuse their buffers (the
    /// runtime hands them from one transaction to the next).
    pub spare_memories: RefCell<Vec<Memory>>,
}

/// The most spare memories a host keeps, and the largest buffer it keeps: enough for the
/// frames of common transactions, never the memory of a frame that grew large.
const SPARE_MEMORIES: usize = 8;
const SPARE_MEMORY_BYTES: usize = 64 << 10;

impl<'a> Host<'a> {
    /// A host for `tx` in `block` over `view`, with `journal` (empty), warmed as revm warms
    /// a transaction's accounts before its first frame (EIP-2929): the sender, the called
    /// account, from Shanghai the coinbase (EIP-3651), and the EIP-2930 access list's
    /// accounts and slots; the precompiles are always warm.
    pub fn new(
        view: &'a dyn StateView,
        block: &'a BlockEnv,
        tx: &'a Transaction,
        mut journal: Journal,
    ) -> Self {
        let coinbase = (block.spec.is_enabled_in(SpecId::SHANGHAI)).then_some(block.coinbase);
        let warm = [Some(tx.sender), tx.to, coinbase];
        journal.warm_for_transaction(warm.into_iter().flatten(), &tx.access_list);
        Self {
            view,
            block,
            tx,
            gas_price: tx.gas_price,
            schedule: Schedule::of(block.spec),
            precompiles: Precompiles::new(PrecompileSpecId::from_spec_id(block.spec)),
            journal: RefCell::new(journal),
            fatal: RefCell::new(None),
            spare_memories: RefCell::default(),
        }
    }

    /// The memory of a new frame: empty, in a spare buffer if there is one.
    pub fn new_memory(&self) -> Memory {
        self.spare_memories.borrow_mut().pop().unwrap_or_default()
    }

    /// Takes back an ended frame's memory, to reuse its buffer (unless it is large, or
    /// enough are spare).
    pub fn recycle_memory(&self, mut memory: Memory) {
        let mut spare = self.spare_memories.borrow_mut();
        if spare.len() < SPARE_MEMORIES && memory.capacity() <= SPARE_MEMORY_BYTES {
            memory.clear();
            spare.push(memory);
        }
    }

    /// Makes `address` warm; whether the access was cold (EIP-2929).
    pub fn warm_account(&self, address: Address) -> bool {
        !self.precompiles.contains(&address) && self.journal().warm_account(address)
    }

    /// The journal, for one short operation (never held across a nested execution).
    pub fn journal(&self) -> RefMut<'_, Journal> {
        self.journal.borrow_mut()
    }

    /// The value of a state read, or [`Fatal`] after recording the error (the first one
    /// is kept).
    pub fn state<T>(&self, read: Result<T, StateError>) -> Result<T, Fatal> {
        read.map_err(|error| {
            self.fatal
                .borrow_mut()
                .get_or_insert(FatalCause::State(error));
            Fatal
        })
    }

    /// [`Fatal`] after recording that evmove could not run a frame (the first cause is
    /// kept).
    pub fn evmove_failure(&self, failure: EvmoveFailure) -> Fatal {
        self.fatal
            .borrow_mut()
            .get_or_insert(FatalCause::Evmove(failure));
        Fatal
    }

    /// Whether the transaction is stopping ([`Fatal`]): a state read failed, or evmove could
    /// not run a frame.
    pub fn failed(&self) -> bool {
        self.fatal.borrow().is_some()
    }
}

/// The executing EVM frame. `..Frame::default()` fills what a frame starts without: no
/// memory, no return data, no end, and a gas cell holding 0 (set it: a second cell would be
/// a second allocation).
#[derive(Default)]
pub struct Frame {
    /// ADDRESS: whose storage and balance the frame uses.
    pub address: Address,
    /// CALLER.
    pub caller: Address,
    /// CALLVALUE.
    pub value: U256,
    /// The calldata.
    pub input: Bytes,
    /// The running EVM code (deployed code, or the initcode of a creation).
    pub code: Bytes,
    /// Whether state changes are forbidden (inside a STATICCALL).
    pub is_static: bool,
    /// 0 for the transaction's first frame.
    pub depth: usize,
    /// The frame's memory.
    pub memory: Memory,
    /// The last call's return data (RETURNDATASIZE, RETURNDATACOPY).
    pub return_data: Bytes,
    /// The gas the frame has left.
    pub gas: GasCell,
    /// How the frame ended, recorded by the native that ended it (`None` while it runs, and
    /// after a [`Fatal`] stop, which is no end).
    pub end: Option<FrameEnd>,
}

impl Frame {
    /// The frame as it starts again, on `memory` (empty): the same message and code, no
    /// return data, no end, the same gas cell (its owner sets it).
    pub fn restarted(self, memory: Memory) -> Frame {
        Frame {
            memory,
            return_data: Bytes::new(),
            end: None,
            ..self
        }
    }
}
