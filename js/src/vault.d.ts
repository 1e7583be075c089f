// Type declarations of idos-core/vault.
import type { Credential, AccessGrant, EncryptionKeyPair, PasswordKdfParams } from "./index.js";

/** The fixed message a wallet signs to make or open a wallet key slot. */
export declare const WALLET_SLOT_MESSAGE: string;

export interface OpenVaultOptions {
  /** OPFS file name stem (A-Z a-z 0-9 . _ -), default "idos-vault". */
  name?: string;
  /** "auto" (OPFS when available, else memory), "opfs" or "memory". */
  storage?: "auto" | "opfs" | "memory";
}

export interface VaultSlot {
  id: string;
  kind: "password" | "wallet";
  label: string;
}

export interface Vault {
  readonly backend: "opfs" | "opfs-snapshot" | "memory";
  readonly initialized: boolean;
  readonly unlocked: boolean;
  readonly publicKey: Uint8Array | undefined;
  readonly userId: string | undefined;
  create(args: { keyPair: EncryptionKeyPair; password: string; userId?: string; kdf?: PasswordKdfParams }): Promise<void>;
  addPasswordSlot(password: string, options?: { label?: string; kdf?: PasswordKdfParams }): Promise<string>;
  addWalletSlot(signature: string, options?: { label?: string; kdf?: PasswordKdfParams }): Promise<string>;
  listSlots(): VaultSlot[];
  removeSlot(id: string): Promise<void>;
  unlockWithPassword(password: string): EncryptionKeyPair;
  unlockWithWalletSignature(signature: string): EncryptionKeyPair;
  lock(): void;
  putCredential(credential: Credential): Promise<void>;
  getCredential(id: string): Credential | undefined;
  listCredentials(): Credential[];
  deleteCredential(id: string): Promise<void>;
  putGrant(grant: AccessGrant): Promise<void>;
  getGrant(id: string): AccessGrant | undefined;
  listGrants(): AccessGrant[];
  deleteGrant(id: string): Promise<void>;
  /** The vault holds `keyPair` (and no longer the old key) under a new data key with one password slot. */
  changeKey(args: { keyPair: EncryptionKeyPair; password: string; kdf?: PasswordKdfParams; credentials?: Credential[] }): Promise<void>;
  exportDatabase(): Uint8Array;
  close(): Promise<void>;
}

export declare function openVault(options?: OpenVaultOptions): Promise<Vault>;
export declare function deleteVault(name?: string): Promise<void>;
