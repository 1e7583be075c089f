// Wallet adapters: what a dApp already holds (an ethers Signer, a viem WalletClient or account, an
// injected EIP-1193 provider such as window.ethereum, or this package's own key pairs) turned into
// the client's request signer {type, identifier, sign(message)}. The identifier is the core's
// canonical spelling (an EIP-55 address becomes lowercase here, once); every signature the wallet
// returns is checked by the core against that identifier before it is used, so a wallet that signs
// with another account (switched in the extension, say) fails here, with a clear message, instead
// of at the node.
import { Ed25519KeyPair, IdosError, Secp256k1KeyPair, load, utf8Encode } from "./index.js";

function invalid(message) {
  return new IdosError("INVALID_INPUT", message);
}

function isObject(x) {
  return (typeof x === "object" || typeof x === "function") && x !== null;
}

// "0x" + the hex of the UTF-8 bytes: how EIP-1193 wallets take a personal_sign message (they show
// it decoded when it is text).
function personalSignHex(idos, message) {
  return `0x${idos.toHex(utf8Encode(message))}`;
}

// The account to use among those a wallet offers: options.account (any spelling) when given, the
// first one otherwise.
function pickAccount(idos, accounts, wanted, what) {
  if (!Array.isArray(accounts) || accounts.length === 0 || !accounts.every((a) => typeof a === "string")) {
    throw new IdosError("FORBIDDEN", `${what} gave no account (is the wallet connected and unlocked?)`);
  }
  if (wanted === undefined) return accounts[0];
  const target = idos.canonicalWalletIdentifier("EVM", wanted);
  const found = accounts.find((a) => idos.canonicalWalletIdentifier("EVM", a) === target);
  if (!found) throw new IdosError("FORBIDDEN", `${what} does not offer the account ${wanted}`);
  return found;
}

// The signer every adapter returns: the canonical identifier, and a sign() whose result the core
// verifies before handing it out.
function checkedSigner(idos, type, identifier, signRaw, extra = {}) {
  const sign = async (message) => {
    if (typeof message !== "string") throw invalid("the message to sign must be a string");
    const signature = await signRaw(message);
    if (typeof signature !== "string") throw invalid("the wallet returned a signature that is not a string");
    try {
      idos.verifyWalletSignature({ type, identifier, message, signature, ...extra.verify });
    } catch (e) {
      if (e instanceof IdosError && e.code === "VERIFY_FAILED") {
        throw new IdosError("VERIFY_FAILED",
          `the wallet signed with another account than ${identifier} (was the account switched in the wallet?)`);
      }
      throw e;
    }
    return signature;
  };
  const signer = { type, identifier, sign };
  if (extra.publicKey !== undefined) signer.publicKey = extra.publicKey;
  return Object.freeze(signer);
}

/**
 * The client's request signer for a wallet the dApp holds:
 * - an ethers v6 `Signer` / `Wallet` (`getAddress()`, `signMessage()`),
 * - a viem `WalletClient` (`getAddresses()`, `signMessage({account, message})`) or `LocalAccount`
 *   (`address`, `signMessage({message})`),
 * - an EIP-1193 provider (`request({method, params})`, e.g. `window.ethereum`): accounts from
 *   `eth_requestAccounts` (or `eth_accounts` with `{connect: false}`), signatures from `personal_sign`,
 * - this package's `Secp256k1KeyPair` (EVM) or `Ed25519KeyPair` (with `{type}`: NEAR is not
 *   supported here, it needs a nonce per message),
 * - a signer `{type, identifier, sign}` already (its identifier is canonicalised).
 * options.account picks one account (any spelling) of a WalletClient or provider; options.idos a
 * loaded module (else `load()`).
 */
export async function signerFrom(wallet, options = {}) {
  if (!isObject(options)) throw invalid("options must be an object");
  const idos = options.idos ?? (await load());
  const wanted = options.account;
  if (wanted !== undefined && typeof wanted !== "string") throw invalid("options.account must be a string");
  if (!isObject(wallet)) throw invalid("signerFrom needs a wallet: an ethers Signer, a viem WalletClient or account, an EIP-1193 provider or a signer");

  // This package's own keys.
  if (wallet instanceof Secp256k1KeyPair) {
    return checkedSigner(idos, "EVM", wallet.address, async (m) => wallet.personalSign(m));
  }
  if (wallet instanceof Ed25519KeyPair) {
    const type = options.type;
    if (type !== "Stellar" && type !== "XRPL" && type !== "FaceSign") {
      throw invalid('an Ed25519KeyPair needs options.type "Stellar", "XRPL" or "FaceSign"');
    }
    const publicKey = type === "XRPL" ? wallet.xrplPublicKey : undefined;
    return checkedSigner(idos, type, wallet.walletIdentifier(type), async (m) => wallet.walletSign(type, m),
      publicKey === undefined ? {} : { publicKey, verify: { publicKey } });
  }

  // Already a request signer: canonicalise its identifier once.
  if (typeof wallet.sign === "function" && typeof wallet.type === "string" && typeof wallet.identifier === "string") {
    const identifier = idos.canonicalWalletIdentifier(wallet.type, wallet.identifier);
    if (wallet.type === "NEAR") {
      // NEP-413 signers carry their own nonce and recipient: passed through unchecked here (the node verifies).
      return Object.freeze({ ...wallet, identifier });
    }
    const extra = wallet.publicKey === undefined ? {} : { publicKey: wallet.publicKey, verify: { publicKey: wallet.publicKey } };
    return checkedSigner(idos, wallet.type, identifier, async (m) => wallet.sign(m), extra);
  }

  // viem WalletClient: has getAddresses() and signMessage({account, message}).
  if (typeof wallet.getAddresses === "function" && typeof wallet.signMessage === "function") {
    let account = wallet.account;
    let address;
    if (isObject(account) && typeof account.address === "string") {
      address = account.address;
      if (wanted !== undefined) pickAccount(idos, [address], wanted, "the viem WalletClient");
    } else {
      const connect = options.connect !== false && typeof wallet.requestAddresses === "function";
      address = pickAccount(idos, await (connect ? wallet.requestAddresses() : wallet.getAddresses()), wanted,
        "the viem WalletClient");
      account = address;
    }
    return checkedSigner(idos, "EVM", idos.canonicalWalletIdentifier("EVM", address),
      (message) => wallet.signMessage({ account, message }));
  }

  // viem LocalAccount (privateKeyToAccount, mnemonicToAccount, ...): address + signMessage({message}).
  if (typeof wallet.address === "string" && typeof wallet.signMessage === "function" && wallet.type === "local") {
    if (wanted !== undefined) pickAccount(idos, [wallet.address], wanted, "the viem account");
    return checkedSigner(idos, "EVM", idos.canonicalWalletIdentifier("EVM", wallet.address),
      (message) => wallet.signMessage({ message }));
  }

  // ethers v6 Signer / Wallet / JsonRpcSigner: getAddress() + signMessage(message) (EIP-191).
  if (typeof wallet.getAddress === "function" && typeof wallet.signMessage === "function") {
    const address = await wallet.getAddress();
    if (typeof address !== "string") throw invalid("the ethers signer's getAddress() did not give a string");
    if (wanted !== undefined) pickAccount(idos, [address], wanted, "the ethers signer");
    return checkedSigner(idos, "EVM", idos.canonicalWalletIdentifier("EVM", address), (message) => wallet.signMessage(message));
  }

  // EIP-1193 provider (window.ethereum and the like).
  if (typeof wallet.request === "function") {
    const method = options.connect === false ? "eth_accounts" : "eth_requestAccounts";
    let accounts;
    try {
      accounts = await wallet.request({ method });
    } catch (e) {
      throw new IdosError("FORBIDDEN", `the wallet refused ${method}: ${e?.message ?? e}`);
    }
    const address = pickAccount(idos, accounts, wanted, "the wallet");
    return checkedSigner(idos, "EVM", idos.canonicalWalletIdentifier("EVM", address),
      (message) => wallet.request({ method: "personal_sign", params: [personalSignHex(idos, message), address] }));
  }

  throw invalid("signerFrom: not a wallet it knows (an ethers Signer, a viem WalletClient or LocalAccount, an EIP-1193 provider, a key pair of this package or a {type, identifier, sign} signer)");
}
