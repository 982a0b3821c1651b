/**
 * A payment gateway as the order centre sees it. WeChat Pay and Alipay providers implement the same interface with
 * their own signature rules (notes/payments.md); the sandbox is the default and runs on one machine.
 */
export interface PaymentIntent {
  paymentId: string;
  orderId: string;
  amountFen: bigint;
}

export interface VerifiedNotification {
  paymentId: string;
  amountFen: bigint;
  providerTxn: string;
}

export interface PaymentProvider {
  readonly channel: string;
  /** Where the shopper goes to pay, if the gateway has a page. */
  payUrl(intent: PaymentIntent): string | undefined;
  /** Checks the signature over the raw body bytes; undefined means "not from the gateway": change nothing. */
  verify(headers: Record<string, string | string[] | undefined>, rawBody: string): VerifiedNotification | undefined;
}
