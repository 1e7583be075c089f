// One wallet per role. By default an EVM key generated in this browser with ethers and kept in
// localStorage (a demo convenience: a reload keeps the roles); when the browser has an injected
// EIP-1193 wallet (MetaMask, ...) a role can use it instead for this session.
import { Wallet } from "ethers";
import { signerFrom } from "idos-core/client";

const STORE = "idos-demo.wallets.v1";
const injected = new Map(); // role -> signer (this session only)

function loadKeys() {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? "{}");
  } catch {
    return {};
  }
}

function generated(role) {
  const keys = loadKeys();
  let wallet;
  if (typeof keys[role] === "string") {
    try {
      wallet = new Wallet(keys[role]);
    } catch {
      wallet = null;
    }
  }
  if (!wallet) {
    wallet = Wallet.createRandom();
    keys[role] = wallet.privateKey;
    localStorage.setItem(STORE, JSON.stringify(keys));
  }
  return {
    kind: "generated",
    // Documents use the canonical spelling: 0x + 40 lowercase hex.
    address: wallet.address.toLowerCase(),
    display: wallet.address,
    sign: (message) => wallet.signMessage(message), // EIP-191, RFC 6979 (deterministic)
  };
}

/** The signer of `role`: {kind, address (lowercase), display, sign(message) -> 0x signature}. */
export function walletFor(role) {
  return injected.get(role) ?? generated(role);
}

export function hasInjectedWallet() {
  return typeof window !== "undefined" && typeof window.ethereum?.request === "function";
}

/**
 * Connects the injected wallet for `role` through the package's EIP-1193 adapter: it asks the
 * wallet for an account (eth_requestAccounts), signs with personal_sign, and checks every
 * signature against the account (a wallet switched to another account is refused in words).
 */
export async function useInjectedWallet(role) {
  const signer = await signerFrom(window.ethereum);
  const entry = { kind: "injected", address: signer.identifier, display: signer.identifier, sign: signer.sign };
  injected.set(role, entry);
  return entry;
}

export function useGeneratedWallet(role) {
  injected.delete(role);
  return generated(role);
}

/** A throwaway wallet (the explorer's "stranger"). */
export function strangerWallet() {
  const w = Wallet.createRandom();
  return { kind: "generated", address: w.address.toLowerCase(), display: w.address, sign: (m) => w.signMessage(m) };
}

export function forgetWallets() {
  localStorage.removeItem(STORE);
  injected.clear();
}
