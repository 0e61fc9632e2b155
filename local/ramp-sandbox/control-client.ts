/**
 * Calls the sandbox's `/sandbox/…` control API (what users do in Ramp's UI) over
 * HTTP, for the local demo and the tests. A non-2xx answer throws with its body.
 */
export type SandboxControl = <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
) => Promise<T>;

export function sandboxControl(baseUrl: string): SandboxControl {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}/sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** A receipt as the control API shows it (every internal attribute, a fresh URL, downloads). */
export interface ControlReceipt {
  id: string;
  created_at: string;
  transaction_id: string | null;
  reimbursement_id: string | null;
  user_id: string;
  content_type: "application/pdf" | "image/png" | "image/jpeg";
  size: number;
  deleted: boolean;
  receipt_url: string;
  downloads: number;
}

export interface FileDownloads {
  /** By receipt id. */
  receipts: Record<string, number>;
  /** By `{bill id}/{n}` (n from 0, the index in `invoice_urls`). */
  invoices: Record<string, number>;
}

export interface AddReceipt {
  transaction_id?: string;
  reimbursement_id?: string;
  content_type?: ControlReceipt["content_type"];
  size?: number;
  created_at?: string;
}

export interface SandboxReceipts {
  /** Attaches a receipt (a card transaction's fires `transactions.receipt_added`). */
  addReceipt(body: AddReceipt): Promise<ControlReceipt>;
  getReceipt(id: string): Promise<ControlReceipt>;
  /** Makes a receipt oversized or of another type. */
  updateReceipt(
    id: string,
    patch: { size?: number; content_type?: ControlReceipt["content_type"] },
  ): Promise<ControlReceipt>;
  /** Marks it deleted: its id stays on the object, reads and downloads answer 404. */
  deleteReceipt(id: string): Promise<ControlReceipt>;
  /** Lifetime of pre-signed receipt and invoice URLs minted from now on. */
  setFileUrlTtl(seconds: number): Promise<{ seconds: number }>;
  fileDownloads(): Promise<FileDownloads>;
  resetFileDownloads(): Promise<FileDownloads>;
}

/** Typed receipt calls over `sandboxControl`; `businessId` defaults to the default business. */
export function sandboxReceipts(baseUrl: string, businessId?: string): SandboxReceipts {
  const call = sandboxControl(baseUrl);
  const q = businessId ? `?business_id=${encodeURIComponent(businessId)}` : "";
  const r = (id: string) => `/receipts/${encodeURIComponent(id)}${q}`;
  return {
    addReceipt: (body) => call<ControlReceipt>("POST", `/receipts${q}`, body),
    getReceipt: (id) => call<ControlReceipt>("GET", r(id)),
    updateReceipt: (id, patch) => call<ControlReceipt>("PATCH", r(id), patch),
    deleteReceipt: (id) => call<ControlReceipt>("DELETE", r(id)),
    setFileUrlTtl: (seconds) => call<{ seconds: number }>("PUT", "/files/ttl", { seconds }),
    fileDownloads: () => call<FileDownloads>("GET", `/files/downloads${q}`),
    resetFileDownloads: () => call<FileDownloads>("POST", `/files/downloads/reset${q}`),
  };
}
