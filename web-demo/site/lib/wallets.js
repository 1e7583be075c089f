// One wallet per role. By default an EVM key generated in this browser with ethers and kept in
// localStorage (a demo convenience: a reload keeps the roles); when the browser has an injected
// EIP-1193 wallet (MetaMask, ...) a role can use it instead for this session.
import { BrowserProvider, Wallet } from "ethers";

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

/** Connects the injected wallet for `role` (asks the wallet for an account). */
export async function useInjectedWallet(role) {
  const provider = new BrowserProvider(window.ethereum);
  const signer = await provider.getSigner();
  const address = (await signer.getAddress()).toLowerCase();
  const entry = { kind: "injected", address, display: await signer.getAddress(), sign: (m) => signer.signMessage(m) };
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
