// What a dApp holds, passed to signerFrom as is: the real ethers v6 and viem types (pinned in
// package-lock.json) against the installed idos-core's declarations. Nothing here runs.
import { BrowserProvider, Wallet, type Eip1193Provider as EthersEip1193 } from "ethers";
import { createWalletClient, custom } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { signerFrom, type RequestSigner } from "idos-core/client";

export async function wallets(ethereum: EthersEip1193): Promise<RequestSigner[]> {
  const account = privateKeyToAccount("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  return [
    await signerFrom(Wallet.createRandom()),
    await signerFrom(await new BrowserProvider(ethereum).getSigner()),
    await signerFrom(account),
    await signerFrom(createWalletClient({ account, transport: custom(ethereum) })),
    await signerFrom(createWalletClient({ transport: custom(ethereum) }), { account: account.address }),
    await signerFrom(ethereum),
  ];
}
