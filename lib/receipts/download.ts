// Placeholder: the downloader lands from branch rcpt-sandbox (same exported types).
export type DownloadResult =
  | { ok: true; bytes: Uint8Array; contentType: string; ext: string }
  | {
      ok: false;
      reason: "expired" | "gone" | "too_large" | "unsupported_type" | "transient";
      detail: string;
    };
