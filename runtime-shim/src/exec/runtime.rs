//! The execution API: a [`Runtime`] holds the published modules (the shim library first)
//! with the VM that publishes them and a code provider ([`Modules`]), and the VMs that
//! execute; [`Runtime::execute`] runs a transaction.

use alloy_primitives::{Address, B256};
use move_core_types::{account_address::AccountAddress, language_storage::ModuleId};
use move_vm_runtime::move_vm::MoveVM;

use super::{
    buffers::HostBuffers,
    code::{CodeKind, CodeProvider, ProvidedModule},
    counting::{allocations_on_this_thread, Counter, WorkCounts},
    entry::{self, EntryCall, EntryOutcome},
    fees::{Fees, InvalidTx},
    frame::Executor,
    modules::{Modules, PublishError, ResolvedMemo},
    outcome::{TxError, TxOutcome},
    workspace::Workspaces,
};
use crate::{
    host::{
        calls::{CallInputs, Calls, CreateInputs},
        context::Host,
        env::{BlockEnv, Transaction},
        outcome::{Fatal, FrameResult, Status},
    },
    state::{Code, StateView},
};

/// The publisher of transpiled modules unless told otherwise (`0x2`).
pub const DEFAULT_PUBLISHER: AccountAddress = {
    let mut bytes = [0; AccountAddress::LENGTH];
    bytes[AccountAddress::LENGTH - 1] = 2;
    AccountAddress::new(bytes)
};

/// The Move VM, the published modules and where new ones come from.
pub struct Runtime {
    /// The published modules, the publishing VM, the code provider.
    pub(super) modules: Modules,
    /// What executes transactions, each taken by one execution at a time
    /// ([`Runtime::with_executor`]), or held by a thread for a block ([`Runtime::holding_executor`]).
    executors: Workspaces,
}

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
        Ok(Self {
            modules: Modules::new(Box::new(provider), publisher)?,
            executors: Workspaces::default(),
        })
    }

    /// Where transpiled modules are published.
    pub fn publisher(&self) -> AccountAddress {
        self.modules.publisher()
    }

    /// Runs the modules `tier` compiles as machine code from now on (the interpreter runs
    /// the rest, and every counting run).
    pub fn set_native_tier(&mut self, tier: Box<dyn super::tier::NativeTier>) {
        self.modules.set_native_tier(tier);
    }

    /// Publishes (verifies and links) a transpiled module at the publisher address; nothing
    /// happens if the same module is already published, and a different module under the same
    /// id is an error (modules are never replaced).
    pub fn publish(&self, module: &ProvidedModule) -> Result<ModuleId, PublishError> {
        self.modules.publish(module)
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
        self.modules.publish_for(code_hash, kind, module)
    }

    /// The module running `code` as `kind`: known from an earlier run, or asked of the
    /// provider and published now (see [`Modules::resolve`]). An error is the reason the code
    /// cannot run.
    pub fn resolve(&self, code: &Code, kind: CodeKind) -> Result<ModuleId, String> {
        self.modules.resolve(code, kind).map(|id| (*id).clone())
    }

    /// Runs `tx` on `state` in `block`: its outcome and write set, or why it could not run
    /// (among them [`TxError::Invalid`]: the transaction is invalid, see `exec::fees`; and
    /// [`TxError::Evmove`]: evmove could not run a frame of it, at any depth). Its gas and
    /// fees are the EVM's: intrinsic gas, the sender paying up front and repaid what is
    /// left, the refund, the coinbase's tip (`exec::fees`).
    ///
    /// Nested calls run on the calling thread; the stack grows on demand (`stacker`), so any
    /// thread can execute, to the EVM's full depth of 1024.
    pub fn execute(
        &self,
        state: &dyn StateView,
        block: &BlockEnv,
        tx: &Transaction,
    ) -> Result<TxOutcome, TxError> {
        self.execute_in(state, block, tx, Envelope::Transaction)
    }

    /// As [`Runtime::execute`], but `tx` is a bare first frame, not a transaction: the frame
    /// gets the whole gas limit, and there is no validity check but the value, no intrinsic
    /// gas, no fee and no refund (`gas_used` is what the frame spent). The sender's nonce
    /// still grows and the value still moves. For VMTests, which run a frame alone.
    pub fn execute_frame(
        &self,
        state: &dyn StateView,
        block: &BlockEnv,
        tx: &Transaction,
    ) -> Result<TxOutcome, TxError> {
        self.execute_in(state, block, tx, Envelope::Frame)
    }

    /// `tx` run plainly (no counting, no deferred credits) in `envelope`.
    fn execute_in(
        &self,
        state: &dyn StateView,
        block: &BlockEnv,
        tx: &Transaction,
        envelope: Envelope,
    ) -> Result<TxOutcome, TxError> {
        let (outcome, ()) = self.run(state, block, tx, false, envelope, None, call_to(tx))?;
        Ok(outcome)
    }

    /// As [`Runtime::execute`], counting the work the transaction makes the Move VM do
    /// (instructions, natives, calls, allocations: `exec::counting`). Slower than a plain
    /// run, which pays nothing for this; the same outcome, gas included.
    pub fn execute_counting(
        &self,
        state: &dyn StateView,
        block: &BlockEnv,
        tx: &Transaction,
    ) -> Result<(TxOutcome, WorkCounts), TxError> {
        let counter = Counter::new();
        let before = allocations_on_this_thread();
        let run = self.run(
            state,
            block,
            tx,
            false,
            Envelope::Transaction,
            Some(&counter),
            call_to(tx),
        );
        let allocations = allocations_on_this_thread().zip(before);
        let counts =
            counter.finish(allocations.map(|(after, before)| after.saturating_sub(before)));
        let (outcome, ()) = run?;
        Ok((outcome, counts))
    }

    /// As [`Runtime::execute`], except that wei moved to an account the transaction does not
    /// otherwise read (the recipient of a plain transfer) is not read: the outcome lists it
    /// in [`TxOutcome::credits`], to be added to the account's balance when the outcome is
    /// applied ([`TxOutcome::apply_to`]), and leaves it out of the write set. Applied, the
    /// result is the same as [`Runtime::execute`]'s; the block executor uses it so that
    /// payments to one recipient do not conflict.
    pub fn execute_deferring_credits(
        &self,
        state: &dyn StateView,
        block: &BlockEnv,
        tx: &Transaction,
    ) -> Result<TxOutcome, TxError> {
        let envelope = Envelope::Transaction;
        let (outcome, ()) = self.run(state, block, tx, true, envelope, None, call_to(tx))?;
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
        let first_frame =
            |exec: &Executor<'_>, host: &Host<'_>, _to, gas| entry::run(exec, host, call, gas);
        let envelope = Envelope::Transaction;
        let (outcome, results) = self.run(state, block, &tx, false, envelope, None, first_frame)?;
        Ok(EntryOutcome { outcome, results })
    }

    /// Runs `tx` on a VM of its own, paying its gas and fees as `envelope` says, with a
    /// journal deferring credits if `defer_credits` (see
    /// [`Journal::deferring_credits`](crate::journal::Journal::deferring_credits)):
    /// `first_frame` runs a call to the address given with the gas given (a creation is
    /// always [`Calls::create`]), giving how it ended and whatever else it returns
    /// (`T::default()` for a creation); every frame counts into `counter`, if any.
    #[allow(clippy::too_many_arguments)]
    fn run<T: Default>(
        &self,
        state: &dyn StateView,
        block: &BlockEnv,
        tx: &Transaction,
        defer_credits: bool,
        envelope: Envelope,
        counter: Option<&Counter>,
        first_frame: impl FnOnce(
            &Executor<'_>,
            &Host<'_>,
            Address,
            u64,
        ) -> Result<(FrameResult, T), Fatal>,
    ) -> Result<(TxOutcome, T), TxError> {
        self.with_executor(|vm, buffers, resolved| {
            let exec = Executor {
                modules: &self.modules,
                resolved,
                vm,
                counter,
            };
            let mut host = buffers.host(state, block, tx, defer_credits);
            let fees = match envelope {
                Envelope::Transaction => Some(Fees::check(tx, block, host.schedule)?),
                Envelope::Frame => None,
            };
            let mut sender = host
                .journal()
                .account(state, tx.sender)?
                .unwrap_or_default();
            match &fees {
                Some(fees) => {
                    let code = host.journal().code(state, tx.sender)?;
                    let has_code = code.is_some_and(|code| !code.bytes.is_empty());
                    sender.balance =
                        fees.charge_sender(tx, sender.nonce, has_code, sender.balance)?;
                    host.gas_price = fees.gas_price;
                }
                None if sender.balance < tx.value => {
                    return Err(InvalidTx::InsufficientBalance {
                        sender: tx.sender,
                        balance: sender.balance,
                        needed: tx.value,
                    }
                    .into())
                }
                None => {}
            }
            if sender.nonce == u64::MAX {
                return Err(InvalidTx::NonceOverflow(tx.sender).into());
            }
            // A call grows the sender's nonce here; a creation, in [`Calls::create`] (once:
            // the transaction's).
            if tx.to.is_some() {
                sender.nonce += 1;
            }
            host.journal().set_account(tx.sender, sender);
            let gas = tx.gas_limit - fees.map_or(0, |fees| fees.intrinsic);
            let result = match tx.to {
                Some(to) => first_frame(&exec, &host, to, gas),
                None => exec
                    .create(
                        &host,
                        CreateInputs {
                            caller: tx.sender,
                            value: tx.value,
                            initcode: tx.data.clone(),
                            salt: None,
                            gas_limit: gas,
                            depth: 0,
                        },
                    )
                    .map(|result| (result, T::default())),
            };
            let (result, extra) = match result {
                Ok(result) => result,
                Err(Fatal) => return Err(TxError::of_fatal(host.fatal.take())),
            };
            let status = Status::from(&result.end);
            // A creation transaction returns the code it deployed (as revm's `Output::Create`).
            let return_data = match result.created {
                Some(address) => {
                    let code = host.journal().code(state, address)?;
                    code.map(|code| code.bytes).unwrap_or_default()
                }
                None => result.end.into_output(),
            };
            let (gas_used, gas_refunded) = match fees {
                Some(fees) => {
                    let refund = host.journal().refund();
                    let settled = fees.settle(
                        tx,
                        block,
                        host.schedule,
                        result.gas_left,
                        refund,
                        status == Status::Success,
                    );
                    let mut journal = host.journal();
                    journal.credit(state, tx.sender, settled.sender_refund)?;
                    // Even no tip touches the coinbase (as revm's reward).
                    match settled.tip.is_zero() {
                        true => journal.touch(state, block.coinbase, block.spec)?,
                        false => journal.credit(state, block.coinbase, settled.tip)?,
                    }
                    (settled.gas_used, settled.refunded)
                }
                None => (tx.gas_limit - result.gas_left.min(tx.gas_limit), 0),
            };
            let (write_set, credits, logs) = buffers.finish(host);
            let outcome = TxOutcome {
                status,
                return_data,
                logs,
                gas_used,
                gas_refunded,
                write_set,
                credits,
                created: result.created,
            };
            Ok((outcome, extra))
        })
    }

    /// Runs `f` with a VM of its own for executing a transaction (the one this thread holds,
    /// an idle one, or a new one; if none can be made, the publishing VM, shared), the host
    /// buffers the VM's last transaction left, and the VM's code → module memo, brought up to
    /// date with the published resolutions ([`ResolvedMemo::catch_up`]).
    pub(super) fn with_executor<R>(
        &self,
        f: impl FnOnce(&MoveVM, &mut HostBuffers, &ResolvedMemo) -> R,
    ) -> R {
        self.executors.with(|workspace| match workspace {
            Some(workspace) => {
                workspace.resolved.catch_up(&self.modules);
                f(&workspace.vm, &mut workspace.buffers, &workspace.resolved)
            }
            None => f(
                self.modules.vm(),
                &mut HostBuffers::default(),
                &ResolvedMemo::default(),
            ),
        })
    }

    /// Runs `work` with this thread holding one VM and its buffers, which every execution on
    /// this thread uses until `work` returns: a block's worker takes them once per block
    /// rather than from the shared pool twice per transaction.
    pub fn holding_executor<R>(&self, work: impl FnOnce() -> R) -> R {
        self.executors.holding(work)
    }
}

/// Whether a run pays the transaction's own gas and fees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Envelope {
    /// A transaction: validity checks, intrinsic gas, fees and the refund (`exec::fees`).
    Transaction,
    /// A bare first frame with the whole gas limit ([`Runtime::execute_frame`]).
    Frame,
}

/// The first frame of a transaction calling `tx.to` with the gas given.
fn call_to(
    tx: &Transaction,
) -> impl FnOnce(&Executor<'_>, &Host<'_>, Address, u64) -> Result<(FrameResult, ()), Fatal> + '_ {
    move |exec, host, to, gas_limit| {
        let inputs = CallInputs {
            caller: tx.sender,
            target: to,
            code_address: to,
            value: tx.value,
            transfer: tx.value,
            input: tx.data.clone(),
            gas_limit,
            is_static: false,
            depth: 0,
        };
        exec.call(host, inputs).map(|result| (result, ()))
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::{atomic::AtomicUsize, atomic::Ordering, Arc, Barrier},
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

    /// An empty module named `name` at the default publisher.
    fn empty_named(name: &str) -> ProvidedModule {
        let mut module = empty_module();
        module.address_identifiers[0] = DEFAULT_PUBLISHER;
        module.identifiers[0] = Identifier::new(name).unwrap();
        let mut bytes = Vec::new();
        module.serialize(&mut bytes).unwrap();
        ProvidedModule {
            name: name.to_string(),
            bytes,
        }
    }

    #[test]
    fn a_memo_sees_publish_for_from_its_next_transaction_on() {
        let runtime = Runtime::new(SlowCountingProvider::default()).expect("the runtime starts");
        let code = Code::new(Bytes::from_static(&[0x00]));
        let memo = ResolvedMemo::default();
        memo.catch_up(&runtime.modules);
        let provided = memo
            .resolve(&runtime.modules, &code, CodeKind::Runtime)
            .unwrap();
        let replacement = empty_named("replacement");
        let replaced = (runtime.publish_for(code.hash, CodeKind::Runtime, &replacement)).unwrap();
        // The transaction under way keeps what it resolved; the next one sees the new module.
        let during = memo
            .resolve(&runtime.modules, &code, CodeKind::Runtime)
            .unwrap();
        assert_eq!(*during, *provided);
        memo.catch_up(&runtime.modules);
        let after = memo
            .resolve(&runtime.modules, &code, CodeKind::Runtime)
            .unwrap();
        assert_eq!(*after, replaced);
        assert_ne!(*after, *provided);
    }

    #[test]
    fn a_thread_holding_an_executor_runs_every_transaction_on_it() {
        let runtime = Runtime::new(SlowCountingProvider::default()).expect("the runtime starts");
        let vm_of =
            |vm: &MoveVM, _: &mut HostBuffers, _: &ResolvedMemo| std::ptr::from_ref(vm) as usize;
        let on_another_thread = || {
            std::thread::scope(|scope| scope.spawn(|| runtime.with_executor(vm_of)).join().unwrap())
        };
        let (first, second, elsewhere, nested) = runtime.holding_executor(|| {
            let first = runtime.with_executor(vm_of);
            // The held VM is not in the pool: another thread takes another.
            let elsewhere = on_another_thread();
            let second = runtime.with_executor(vm_of);
            // An execution within an execution (none does, but it must not share the VM).
            let nested = runtime.with_executor(|_, _, _| runtime.with_executor(vm_of));
            (first, second, elsewhere, nested)
        });
        assert_eq!(first, second);
        assert_ne!(first, elsewhere);
        assert_ne!(first, nested);
        // Given back to the pool at the end.
        let after: Vec<usize> = (0..3).map(|_| on_another_thread()).collect();
        assert!(after.contains(&first));
    }
}
