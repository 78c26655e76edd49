//! Third-party contracts: well-known token and AMM contracts as their authors compiled and
//! published them on npm (solc 0.5 to 0.8, legacy and via-IR; Waffle, Hardhat and Foundry
//! artifacts). The packages are pinned in `thirdparty/package.json` and `package-lock.json`
//! and installed into `thirdparty/node_modules` by `thirdparty/install.sh` (`.ci/run` runs it
//! before the tests); nothing of them is committed.

use std::path::PathBuf;

use alloy_primitives::Bytes;
use evmove::artifact;

/// How solc generated the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pipeline {
    /// The legacy code generator.
    Legacy,
    /// The via-IR (Yul) code generator.
    ViaIr,
}

/// One third-party contract: where its artifact is, and what compiled it.
#[derive(Clone, Copy, Debug)]
pub struct ThirdParty {
    /// The npm package.
    pub package: &'static str,
    /// The artifact, relative to the package.
    pub artifact: &'static str,
    /// The contract's name in the artifact.
    pub name: &'static str,
    /// The solc version, as its metadata trailer records it.
    pub solc: &'static str,
    /// The code generator (the artifact's metadata says so where it ships one).
    pub pipeline: Pipeline,
}

/// The third-party contracts the front-end tests lift.
pub const CONTRACTS: &[ThirdParty] = &[
    ThirdParty {
        package: "@uniswap/v2-core",
        artifact: "build/UniswapV2Pair.json",
        name: "UniswapV2Pair",
        solc: "0.5.16",
        pipeline: Pipeline::Legacy,
    },
    ThirdParty {
        package: "@uniswap/v2-core",
        artifact: "build/UniswapV2Factory.json",
        name: "UniswapV2Factory",
        solc: "0.5.16",
        pipeline: Pipeline::Legacy,
    },
    ThirdParty {
        package: "@uniswap/v2-periphery",
        artifact: "build/UniswapV2Router02.json",
        name: "UniswapV2Router02",
        solc: "0.6.6",
        pipeline: Pipeline::Legacy,
    },
    ThirdParty {
        package: "@uniswap/v2-periphery",
        artifact: "build/WETH9.json",
        name: "WETH9",
        solc: "0.6.6",
        pipeline: Pipeline::Legacy,
    },
    ThirdParty {
        package: "@uniswap/v3-core",
        artifact: "artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json",
        name: "UniswapV3Pool",
        solc: "0.7.6",
        pipeline: Pipeline::Legacy,
    },
    ThirdParty {
        package: "@uniswap/v3-core",
        artifact: "artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json",
        name: "UniswapV3Factory",
        solc: "0.7.6",
        pipeline: Pipeline::Legacy,
    },
    ThirdParty {
        package: "@openzeppelin/contracts",
        artifact: "build/contracts/ERC20PresetMinterPauser.json",
        name: "ERC20PresetMinterPauser",
        solc: "0.8.13",
        pipeline: Pipeline::Legacy,
    },
    ThirdParty {
        package: "@openzeppelin/contracts",
        artifact: "build/contracts/ERC721PresetMinterPauserAutoId.json",
        name: "ERC721PresetMinterPauserAutoId",
        solc: "0.8.13",
        pipeline: Pipeline::Legacy,
    },
    ThirdParty {
        package: "@openzeppelin/contracts",
        artifact: "build/contracts/TimelockController.json",
        name: "TimelockController",
        solc: "0.8.13",
        pipeline: Pipeline::Legacy,
    },
    ThirdParty {
        package: "@uniswap/v4-core",
        artifact: "out/PoolManager.sol/PoolManager.json",
        name: "PoolManager",
        solc: "0.8.26",
        pipeline: Pipeline::ViaIr,
    },
];

/// The directory the packages are installed in, `tests/thirdparty/node_modules`.
pub fn node_modules() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("thirdparty/node_modules")
}

/// What to run when the packages are missing.
pub const INSTALL: &str = "tests/thirdparty/install.sh";

impl ThirdParty {
    /// The artifact file.
    pub fn path(&self) -> PathBuf {
        node_modules().join(self.package).join(self.artifact)
    }

    /// The contract's initcode and runtime code, read through evmove's artifact reader.
    ///
    /// Panics, naming the script to run, if the package is not installed.
    pub fn code(&self) -> (Bytes, Bytes) {
        let contract = self.contract();
        let initcode = contract.initcode().cloned();
        let runtime = contract.runtime().cloned();
        match (initcode, runtime) {
            (Some(initcode), Some(runtime)) => (initcode, runtime),
            _ => panic!("{}: {} has no code", self.path().display(), self.name),
        }
    }

    /// The contract as evmove's artifact reader gives it (code, ABI).
    ///
    /// Panics, naming the script to run, if the package is not installed.
    pub fn contract(&self) -> artifact::Contract {
        let path = self.path();
        assert!(
            path.exists(),
            "{} is not installed ({} missing): run {INSTALL}",
            self.package,
            path.display()
        );
        let mut contracts =
            artifact::load_path(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        // A Waffle artifact holds one contract and does not name it.
        let index = match contracts.as_slice() {
            [only] if only.name.is_none() => Some(0),
            _ => contracts
                .iter()
                .position(|c| c.name.as_deref() == Some(self.name)),
        };
        let index =
            index.unwrap_or_else(|| panic!("{}: no contract {}", path.display(), self.name));
        contracts.swap_remove(index)
    }
}
