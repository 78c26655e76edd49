// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// Minimal ERC20 interface the vault needs.
interface IERC20 {
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @title Vault
/// @notice Share-based vault over one ERC20 plus a separate ether ledger.
/// Exercises immutables, external calls with return data, a storage-lock
/// reentrancy guard and value-carrying low-level calls.
contract Vault {
    IERC20 public immutable asset;

    uint256 public totalShares;
    mapping(address => uint256) public sharesOf;

    uint256 public totalEther;
    mapping(address => uint256) public etherBalanceOf;

    // 1 = unlocked, 2 = locked (non-zero both ways keeps SSTOREs cheap).
    uint256 private _lock = 1;

    event Deposit(address indexed user, uint256 assets, uint256 shares);
    event Withdraw(address indexed user, uint256 assets, uint256 shares);
    event EtherDeposit(address indexed user, uint256 amount);
    event EtherWithdraw(address indexed user, uint256 amount);

    error ZeroAmount();
    error ZeroShares();
    error InsufficientShares(uint256 have, uint256 want);
    error TokenTransferFailed();

    modifier nonReentrant() {
        require(_lock == 1, "Vault: reentrant call");
        _lock = 2;
        _;
        _lock = 1;
    }

    constructor(address asset_) {
        require(asset_ != address(0), "Vault: zero asset");
        asset = IERC20(asset_);
    }

    /// Tokens currently held by the vault.
    function totalAssets() public view returns (uint256) {
        return asset.balanceOf(address(this));
    }

    /// Shares minted for `amount` assets: 1:1 for the first depositor,
    /// proportional afterwards.
    function previewDeposit(uint256 amount) public view returns (uint256) {
        uint256 supply = totalShares;
        if (supply == 0) return amount;
        return (amount * supply) / totalAssets();
    }

    /// Assets paid out for burning `shares`.
    function previewWithdraw(uint256 shares) public view returns (uint256) {
        uint256 supply = totalShares;
        if (supply == 0) return 0;
        return (shares * totalAssets()) / supply;
    }

    function deposit(uint256 amount) external nonReentrant returns (uint256 shares) {
        if (amount == 0) revert ZeroAmount();
        shares = previewDeposit(amount);
        if (shares == 0) revert ZeroShares();

        if (!asset.transferFrom(msg.sender, address(this), amount)) revert TokenTransferFailed();

        totalShares += shares;
        sharesOf[msg.sender] += shares;
        emit Deposit(msg.sender, amount, shares);
    }

    function withdraw(uint256 shares) external nonReentrant returns (uint256 amount) {
        uint256 have = sharesOf[msg.sender];
        if (shares == 0) revert ZeroShares();
        if (have < shares) revert InsufficientShares(have, shares);

        amount = previewWithdraw(shares);
        sharesOf[msg.sender] = have - shares;
        totalShares -= shares;

        if (!asset.transfer(msg.sender, amount)) revert TokenTransferFailed();
        emit Withdraw(msg.sender, amount, shares);
    }

    function depositEther() external payable {
        if (msg.value == 0) revert ZeroAmount();
        etherBalanceOf[msg.sender] += msg.value;
        totalEther += msg.value;
        emit EtherDeposit(msg.sender, msg.value);
    }

    /// Deliberately sends before updating the ledger (the classic reentrancy
    /// bug): only the `nonReentrant` guard keeps this safe. VaultAttacker
    /// demonstrates that the guard rejects the nested call.
    function withdrawEther(uint256 amount) external nonReentrant {
        uint256 balance = etherBalanceOf[msg.sender];
        require(amount > 0 && balance >= amount, "Vault: insufficient ether");

        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "Vault: ether transfer failed");

        etherBalanceOf[msg.sender] = balance - amount;
        totalEther -= amount;
        emit EtherWithdraw(msg.sender, amount);
    }

    function isLocked() external view returns (bool) {
        return _lock == 2;
    }
}

/// @title VaultAttacker
/// @notice Tries to re-enter Vault.withdrawEther from its receive hook.
contract VaultAttacker {
    Vault public immutable vault;

    uint256 public attempts;
    bool public reentryBlocked;
    bool private _reentered;
    bytes public lastRevertData;

    constructor(address vault_) {
        vault = Vault(vault_);
    }

    /// Deposits msg.value and immediately withdraws it all; the vault's
    /// ether payment triggers `receive`, which attempts a second withdrawal.
    function attack() external payable {
        require(msg.value > 0, "Attacker: send ether");
        vault.depositEther{value: msg.value}();
        vault.withdrawEther(msg.value);
    }

    receive() external payable {
        // Only try once, and only while being paid by the vault.
        if (msg.sender != address(vault) || attempts > 0) return;
        attempts++;
        try vault.withdrawEther(msg.value) {
            _reentered = true;
        } catch (bytes memory reason) {
            reentryBlocked = true;
            lastRevertData = reason;
        }
    }

    /// True if the nested withdrawal went through (the guard failed).
    function reentered() external view returns (bool) {
        return _reentered;
    }

    function balance() external view returns (uint256) {
        return address(this).balance;
    }
}
