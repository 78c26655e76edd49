//! The execution API: a [`Runtime`] holds one Move VM built with the shim's natives, the
//! published modules (the shim library first) and a code provider; [`Runtime::execute`]
//! runs a transaction.

use std::{
    cell::RefCell,
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
};

use alloy_primitives::{Address, B256};
use move_binary_format::CompiledModule;
use move_core_types::{account_address::AccountAddress, language_storage::ModuleId};
use move_vm_runtime::move_vm::MoveVM;
use move_vm_types::gas::UnmeteredGasMeter;

use super::{
    code::{CodeKind, CodeProvider, ProvidedModule},
    entry::{self, EntryCall, EntryOutcome},
    env::{BlockEnv, Transaction},
    frame::{self, CallInputs, CreateInputs, Fatal, FrameResult},
    host::Host,
    outcome::{FrameEnd, Status, TxError, TxOutcome},
};
use crate::{
    journal::Journal,
    module_store::ModuleStore,
    natives,
    state::{Code, StateError, StateView},
    stdlib,
};

/// The publisher of transpiled modules unless told otherwise (`0x2`).
pub const DEFAULT_PUBLISHER: AccountAddress = {
    let mut bytes = [0; AccountAddress::LENGTH];
    bytes[AccountAddress::LENGTH - 1] = 2;
    AccountAddress::new(bytes)
};

/// A module could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The bytes are not a module.
    #[error("not a Move module: {0}")]
    Malformed(String),
    /// The module is not at the publisher address, or not named as announced.
    #[error("module {found} is not {expected}")]
    WrongId {
        /// The id the module declares.
        found: String,
        /// The id it should have.
        expected: String,
    },
    /// Another module is published under the same id (two codes given one module name).
    #[error("another module is already published as {0}")]
    Taken(String),
    /// The VM rejected the module (verification, linking, a missing native).
    #[error("the Move VM rejected {module}: {message}")]
    Rejected {
        /// The module.
        module: String,
        /// The VM's error.
        message: String,
    },
}

/// The Move VM, the published modules and where new ones come from.
pub struct Runtime {
    /// The VM that publishes modules.
    vm: MoveVM,
    /// The VMs that execute transactions, each taken by one execution at a time
    /// ([`Runtime::with_executor`]): every Move function call reads its VM's loader cache
    /// (a lock and reference counts), so threads executing in parallel each use their own
    /// VM rather than bounce those cache lines between cores. A VM loads a module from
    /// `modules` the first time it runs it; there are as many as executions ever ran at once.
    executors: Mutex<Vec<MoveVM>>,
    modules: ModuleStore,
    provider: Box<dyn CodeProvider>,
    publisher: AccountAddress,
    /// The module published for code, by (code hash, kind), or why there is none: one cell
    /// per code, filled once (see [`Runtime::resolve`]).
    resolved: Mutex<HashMap<(B256, CodeKind), Arc<Resolution>>>,
}

/// The module running some code, or why it cannot run, once known.
type Resolution = OnceLock<Result<ModuleId, String>>;

impl Runtime {
    /// A runtime publishing transpiled modules at [`DEFAULT_PUBLISHER`].
    pub fn new(provider: impl CodeProvider + 'static) -> Result<Self, PublishError> {
        Self::with_publisher(provider, DEFAULT_PUBLISHER)
    }

    /// A runtime publishing transpiled modules at `publisher`, with the shim library published.
    pub fn with_publisher(
        provider: impl CodeProvider + 'static,
        publisher: AccountAddress,
    ) -> Result<Self, PublishError> {
        let vm = MoveVM::new(natives::table()).map_err(|error| PublishError::Rejected {
            module: "the native table".to_string(),
            message: error.to_string(),
        })?;
        let runtime = Self {
            vm,
            executors: Mutex::new(Vec::new()),
            modules: ModuleStore::new(),
            provider: Box::new(provider),
            publisher,
            resolved: Mutex::new(HashMap::new()),
        };
        for module in stdlib::modules() {
            runtime.publish_at(stdlib::address(), module.name, module.bytes.to_vec())?;
        }
        Ok(runtime)
    }

    /// Where transpiled modules are published.
    pub fn publisher(&self) -> AccountAddress {
        self.publisher
    }

    /// Publishes (verifies and links) a transpiled module at the publisher address; nothing
    /// happens if the same module is already published, and a different module under the same
    /// id is an error (modules are never replaced).
    pub fn publish(&self, module: &ProvidedModule) -> Result<ModuleId, PublishError> {
        self.publish_at(self.publisher, &module.name, module.bytes.clone())
    }

    /// Publishes `module` as the one running the code with hash `code_hash` as `kind`, in
    /// place of what the provider would give (e.g. a module compiled with the contract's ABI,
    /// with typed entry functions, for code deployed at run time).
    pub fn publish_for(
        &self,
        code_hash: B256,
        kind: CodeKind,
        module: &ProvidedModule,
    ) -> Result<ModuleId, PublishError> {
        let id = self.publish(module)?;
        let cell = Resolution::from(Ok(id.clone()));
        self.resolved
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert((code_hash, kind), Arc::new(cell));
        Ok(id)
    }

    /// Runs `tx` on `state` in `block`: its outcome and write set, or why it could not run.
    ///
    /// Nested calls run on the calling thread; the stack grows on demand (`stacker`), so any
    /// thread can execute, to the EVM's full depth of 1024.
    pub fn execute(
        &self,
        state: &dyn StateView,
        block: &BlockEnv,
        tx: &Transaction,
    ) -> Result<TxOutcome, TxError> {
        let (outcome, ()) = self.run(state, block, tx, Journal::new(), call_to(tx))?;
        Ok(outcome)
    }

    /// As [`Runtime::execute`], except that wei moved to an account the transaction does not
    /// otherwise read (the recipient of a plain transfer) is not read: the outcome lists it
    /// in [`TxOutcome::credits`], to be added to the account's balance when the outcome is
    /// applied ([`InMemoryState::apply_outcome`](crate::InMemoryState::apply_outcome)), and
    /// leaves it out of the write set. Applied, the result is the same as
    /// [`Runtime::execute`]'s; the block executor uses it so that payments to one recipient
    /// do not conflict.
    pub fn execute_deferring_credits(
        &self,
        state: &dyn StateView,
        block: &BlockEnv,
        tx: &Transaction,
    ) -> Result<TxOutcome, TxError> {
        let journal = Journal::deferring_credits();
        let (outcome, ()) = self.run(state, block, tx, journal, call_to(tx))?;
        Ok(outcome)
    }

    /// Runs a transaction calling a typed entry function (see [`EntryCall`]): its outcome
    /// and the function's results.
    pub fn execute_entry(
        &self,
        state: &dyn StateView,
        block: &BlockEnv,
        call: &EntryCall,
    ) -> Result<EntryOutcome, TxError> {
        let tx = Transaction {
            sender: call.sender,
            to: Some(call.contract),
            gas_limit: call.gas_limit,
            ..Transaction::default()
        };
        let first_frame = |host: &Host<'_>, _to| entry::run(host, call);
        let (outcome, results) = self.run(state, block, &tx, Journal::new(), first_frame)?;
        Ok(EntryOutcome { outcome, results })
    }

    /// Runs `tx` on a VM of its own: `first_frame` runs a call to the address given (a
    /// creation is always [`frame::create`]), giving how it ended and whatever else it
    /// returns (`T::default()` for a creation).
    fn run<T: Default>(
        &self,
        state: &dyn StateView,
        block: &BlockEnv,
        tx: &Transaction,
        journal: Journal,
        first_frame: impl FnOnce(&Host<'_>, Address) -> Result<(FrameResult, T), Fatal>,
    ) -> Result<(TxOutcome, T), TxError> {
        self.with_executor(|vm| {
            let host = Host {
                runtime: self,
                vm,
                view: state,
                block,
                tx,
                journal: RefCell::new(journal),
                fatal: RefCell::new(None),
            };
            let mut sender = host
                .journal()
                .account(state, tx.sender)?
                .unwrap_or_default();
            if sender.balance < tx.value {
                return Err(TxError::InsufficientBalance { sender: tx.sender });
            }
            let result = match tx.to {
                Some(to) => {
                    sender.nonce =
                        (sender.nonce.checked_add(1)).ok_or(TxError::NonceOverflow(tx.sender))?;
                    host.journal().set_account(tx.sender, sender);
                    first_frame(&host, to)
                }
                // The creation grows the sender's nonce (once: the transaction's).
                None if sender.nonce == u64::MAX => return Err(TxError::NonceOverflow(tx.sender)),
                None => frame::create(
                    &host,
                    CreateInputs {
                        caller: tx.sender,
                        value: tx.value,
                        initcode: tx.data.clone(),
                        salt: None,
                        gas_limit: tx.gas_limit,
                        depth: 0,
                    },
                )
                .map(|result| (result, T::default())),
            };
            let (result, extra) = match result {
                Ok(result) => result,
                Err(Fatal) => {
                    let error = host.fatal.take();
                    let error = error.unwrap_or_else(|| StateError::new("a state read failed"));
                    return Err(TxError::State(error));
                }
            };
            // A creation transaction returns the code it deployed (as revm's `Output::Create`).
            let return_data = match result.created {
                Some(address) => {
                    let code = host.journal().code(state, address)?;
                    code.map(|code| code.bytes).unwrap_or_default()
                }
                None => result.end.output(),
            };
            let (write_set, credits, logs) = host.journal.into_inner().finish();
            let status = match &result.end {
                FrameEnd::Return(_) => Status::Success,
                FrameEnd::Revert(_) => Status::Revert,
                FrameEnd::Halt(reason) => Status::Halt(reason.clone()),
            };
            let outcome = TxOutcome {
                status,
                return_data,
                logs,
                gas_used: tx.gas_limit - result.gas_left.min(tx.gas_limit),
                write_set,
                credits,
                created: result.created,
            };
            Ok((outcome, extra))
        })
    }

    /// Runs `f` with a VM of its own for executing a transaction: an idle one, or a new one
    /// (if none can be made, the publishing VM, shared).
    fn with_executor<R>(&self, f: impl FnOnce(&MoveVM) -> R) -> R {
        let idle = self.executors.lock().map(|mut vms| vms.pop());
        let vm = match idle.ok().flatten() {
            Some(vm) => vm,
            None => match MoveVM::new(natives::table()) {
                Ok(vm) => vm,
                Err(_) => return f(&self.vm),
            },
        };
        let result = f(&vm);
        if let Ok(mut vms) = self.executors.lock() {
            vms.push(vm);
        }
        result
    }

    /// The published modules.
    pub(crate) fn modules(&self) -> &ModuleStore {
        &self.modules
    }

    /// The module running `code` as `kind`: known from an earlier run, or asked of the
    /// provider and published now. An error is the reason the code cannot run.
    ///
    /// Execution calls this for every code it runs. Publishing while other threads execute
    /// is not safe with the Move 0.3.2 loader (its cache assumes a publishing session is the
    /// only one), so a parallel executor resolves the code of a block's transactions first
    /// (or runs a block that needs new modules sequentially, `DESIGN.md` §7).
    pub fn resolve(&self, code: &Code, kind: CodeKind) -> Result<ModuleId, String> {
        // Atomic per code: the first thread to miss a code compiles and publishes it while
        // the others asking for the same code wait on its cell (and threads asking for other
        // codes do not), so each code is compiled once. The answer is kept either way: the
        // provider's answer for the same bytes does not change, so a code that cannot run
        // is not compiled again either.
        let cell = {
            let mut resolved = self
                .resolved
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(resolved.entry((code.hash, kind)).or_default())
        };
        cell.get_or_init(|| {
            let module = self
                .provider
                .module_for(&code.bytes, code.hash, kind)
                .map_err(|error| error.to_string())?;
            self.publish(&module).map_err(|error| error.to_string())
        })
        .clone()
    }

    fn publish_at(
        &self,
        address: AccountAddress,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<ModuleId, PublishError> {
        let compiled = CompiledModule::deserialize(&bytes)
            .map_err(|error| PublishError::Malformed(error.to_string()))?;
        let id = compiled.self_id();
        if id.address() != &address || id.name().as_str() != name {
            return Err(PublishError::WrongId {
                found: id.to_string(),
                expected: format!("{}::{name}", address.to_hex_literal()),
            });
        }
        match self.modules.get(&id) {
            Some(published) if published == bytes => return Ok(id),
            Some(_) => return Err(PublishError::Taken(id.to_string())),
            None => {}
        }
        let rejected = |error: move_binary_format::errors::VMError| PublishError::Rejected {
            module: id.to_string(),
            message: error.to_string(),
        };
        let mut session = self.vm.new_session(&self.modules);
        session
            .publish_module(bytes, address, &mut UnmeteredGasMeter)
            .map_err(rejected)?;
        let (changes, _events) = session.finish().map_err(rejected)?;
        self.modules
            .apply(changes)
            .map_err(|error| PublishError::Rejected {
                module: id.to_string(),
                message: error.to_string(),
            })?;
        Ok(id)
    }
}

/// The first frame of a transaction calling `tx.to`.
fn call_to(
    tx: &Transaction,
) -> impl FnOnce(&Host<'_>, Address) -> Result<(FrameResult, ()), Fatal> + '_ {
    move |host, to| {
        let inputs = CallInputs {
            caller: tx.sender,
            target: to,
            code_address: to,
            value: tx.value,
            transfer: tx.value,
            input: tx.data.clone(),
            gas_limit: tx.gas_limit,
            is_static: false,
            depth: 0,
        };
        frame::call(host, inputs).map(|result| (result, ()))
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::{atomic::AtomicUsize, atomic::Ordering, Barrier},
        time::Duration,
    };

    use alloy_primitives::Bytes;
    use move_binary_format::file_format::empty_module;
    use move_core_types::identifier::Identifier;

    use super::*;
    use crate::exec::code::ProviderError;

    /// Makes an empty module for any code, slowly, counting how often it is asked.
    #[derive(Default)]
    struct SlowCountingProvider {
        asked: Arc<AtomicUsize>,
    }

    impl CodeProvider for SlowCountingProvider {
        fn module_for(
            &self,
            _: &[u8],
            hash: B256,
            _: CodeKind,
        ) -> Result<ProvidedModule, ProviderError> {
            self.asked.fetch_add(1, Ordering::SeqCst);
            // Long enough for every thread to miss the cache while the first compiles.
            std::thread::sleep(Duration::from_millis(100));
            let name = format!("m{}", &hash.to_string()[2..10]);
            let mut module = empty_module();
            module.address_identifiers[0] = DEFAULT_PUBLISHER;
            module.identifiers[0] = Identifier::new(name.clone())
                .map_err(|error| ProviderError(format!("not an identifier: {error}")))?;
            let mut bytes = Vec::new();
            module
                .serialize(&mut bytes)
                .map_err(|error| ProviderError(error.to_string()))?;
            Ok(ProvidedModule { name, bytes })
        }
    }

    #[test]
    fn threads_missing_the_same_code_together_compile_it_once() {
        let provider = SlowCountingProvider::default();
        let asked = Arc::clone(&provider.asked);
        let runtime = Runtime::new(provider).expect("the runtime starts");
        let code = Code::new(Bytes::from_static(&[0x00]));
        let other = Code::new(Bytes::from_static(&[0x01]));
        let start = Barrier::new(4);
        let ids: Vec<ModuleId> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| {
                        start.wait();
                        runtime.resolve(&code, CodeKind::Runtime)
                    })
                })
                .collect();
            threads
                .into_iter()
                .map(|thread| thread.join().unwrap().unwrap())
                .collect()
        });
        assert_eq!(asked.load(Ordering::SeqCst), 1, "compiled more than once");
        assert!(ids.windows(2).all(|pair| pair[0] == pair[1]));
        // Another code, and the same code as initcode, are other modules.
        runtime.resolve(&other, CodeKind::Runtime).unwrap();
        runtime.resolve(&code, CodeKind::Initcode).unwrap();
        runtime.resolve(&code, CodeKind::Runtime).unwrap();
        assert_eq!(asked.load(Ordering::SeqCst), 3);
    }
}
